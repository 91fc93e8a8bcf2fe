#!/usr/bin/env bash
# End-to-end relay benchmark (docs/benchmarks.md, "Relay end to end"): two `liaison serve` processes
# on this machine (embedded PostgreSQL each), K user pairs each in its own relationship; N SMTP
# sessions submit at A, IMAP IDLE at B times every message from 250 to visible.
# Usage: gateway/src/test/scripts/bench-relay.sh [RelayLoad options]
#   e.g. bench-relay.sh -s 10 --pairs 10 --sizes 1024,10240,1048576 --messages 5000,5000,200 --unloaded 100
# BENCH_WORK=DIR keeps the gateways' data (and the relationships) for the next run; default: a
# temporary directory, removed at the end. LOAD_JAVA_OPTS goes to the load tool (e.g.
# -Drelayload.threads=true: CPU by thread per run; -Drelayload.memory=false: no peak-memory sampling). SERVE_JAVA_OPTS is passed to both gateway JVMs, with {side}
# replaced by a or b (e.g. -XX:StartFlightRecording=filename=/tmp/{side}.jfr,settings=profile).
set -euo pipefail
cd "$(dirname "$0")/../../../.."
mvn -q -B -o -DskipTests package dependency:build-classpath -Dmdep.outputFile=target/test.classpath \
  -Dmdep.includeScope=test >/dev/null
cp="$PWD/gateway/target/test-classes:$PWD/gateway/target/classes:$(cat gateway/target/test.classpath)"
work=${BENCH_WORK:-}
if [ -z "$work" ]; then
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
fi
java ${LOAD_JAVA_OPTS:-} -cp "$cp" dev.liaison.gateway.load.RelayLoad liaison --jar gateway/target/liaison.jar --work "$work" \
  --serve-java-opts "${SERVE_JAVA_OPTS:-}" "$@"
