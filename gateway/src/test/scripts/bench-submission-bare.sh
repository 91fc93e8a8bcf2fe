#!/usr/bin/env bash
# smtp-in's submission server alone (BareSubmissionServer: same listener, TLS, AUTH and DATA
# handling as `liaison serve`, but a minimal durable handler: one INSERT + commit per message on
# the embedded PostgreSQL) driven by SubmissionLoad exactly as bench-submission.sh drives the
# gateway: 10 sessions, 10 KB messages, STARTTLS + AUTH, connection reuse (-d), ten users.
# The SMTP server's own ceiling, to read next to the whole gateway's number.
# SESSIONS (default 10): parallel sessions; SESSIONS=1 gives the unloaded transaction time.
# Usage: gateway/src/test/scripts/bench-submission-bare.sh [messages]
set -euo pipefail
cd "$(dirname "$0")/../../../.."
# WARMUP: messages sent (per mode, not reported) before the measured ones; the JVMs' JIT needs
# about 15,000 on this 2-core machine before the CPU per message settles.
warmup=${WARMUP:-16000}
messages=${1:-8000}
mvn -q -B -o -DskipTests package dependency:build-classpath -Dmdep.outputFile=target/test.classpath \
  -Dmdep.includeScope=test >/dev/null
cp="$PWD/gateway/target/test-classes:$PWD/gateway/target/classes:$(cat gateway/target/test.classpath)"
work=$(mktemp -d)
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$work"' EXIT
java ${SERVE_JAVA_OPTS:-} -cp "$cp" dev.liaison.gateway.load.BareSubmissionServer --dir "$work" --port 26587 \
  > "$work/server.log" 2>&1 &
server=$!
touch "$work/server.log"
until grep -q "^ready" "$work/server.log"; do
  kill -0 $server 2>/dev/null || { cat "$work/server.log"; exit 1; }
  sleep 0.5
done
accounts=$(for i in 0 1 2 3 4 5 6 7 8 9; do printf 'u%s:pw:u%s@bench.test,' $i $i; done)
pids="server:$server,postgres:$(head -1 "$work/db/postgres/postmaster.pid")"
echo "load before: $(cat /proc/loadavg)"
# BENCH_MODES: "reuse" (default), "new" (a new connection, STARTTLS and AUTH per message), or both
for mode in ${BENCH_MODES:-reuse}; do
  case $mode in reuse) reuse=-d ;; *) reuse= ;; esac
  java -cp "$cp" dev.liaison.gateway.load.SubmissionLoad -s "${SESSIONS:-10}" -m "$messages" -l 10240 $reuse --warmup "$warmup" \
    --port 26587 --ca "$work/tls/certificate.pem" --accounts "${accounts%,}" --pids "$pids"
done
echo "load after: $(cat /proc/loadavg)"
