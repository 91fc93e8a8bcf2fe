#!/usr/bin/env bash
# Submission throughput: a real `liaison serve` (embedded PostgreSQL, durable commits into INBOX)
# driven by SubmissionLoad over STARTTLS + AUTH, 10 sessions, 10 KB messages, with and without
# connection reuse, all sessions as one user (one INBOX) and as ten users.
# Each run reports msgs/s, latency and the CPU seconds of the load generator, the gateway JVM and
# its PostgreSQL (postmaster and backends) over the measured part; SERVE_JAVA_OPTS goes to the
# gateway JVM (e.g. a JFR recording).
# Usage: gateway/src/test/scripts/bench-submission.sh [messages]
# BODY=words sends lines of words (text that compresses like mail) instead of lines of "x".
set -euo pipefail
cd "$(dirname "$0")/../../../.."
# WARMUP: messages sent (per mode, not reported) before the measured ones. On this 2-core machine
# the JIT's C2 is still recompiling after 100,000 (docs/benchmarks.md): 16,000 measures a server a
# few seconds old; 400,000 (about seven minutes) one that has run a while.
warmup=${WARMUP:-16000}
messages=${1:-5000}
mvn -q -B -o -DskipTests package dependency:build-classpath -Dmdep.outputFile=target/test.classpath \
  -Dmdep.includeScope=test >/dev/null
cp="$PWD/gateway/target/test-classes:$PWD/gateway/target/classes:$(cat gateway/target/test.classpath)"
work=$(mktemp -d)
jar=$PWD/gateway/target/liaison.jar
trap 'kill $serve 2>/dev/null; wait $serve 2>/dev/null; rm -rf "$work"' EXIT
cd "$work"
accounts=()
for i in 0 1 2 3 4 5 6 7 8 9; do
  echo pw-of-bench | java -jar "$jar" user add "u$i" --password-stdin >/dev/null
  accounts+=("u$i:pw-of-bench:$(java -jar "$jar" alias create --user "u$i")")
done
java ${SERVE_JAVA_OPTS:-} -jar "$jar" serve --bind-address=127.0.0.1 --smtp.submission.port=25587 --smtp.submissions.port=25465 --smtp.inbound.port=25025 \
  --imap.port=25143 --imaps.port=25993 --http.port=0 > serve.log 2>&1 &
serve=$!
touch serve.log
until grep -q "Liaison serving" serve.log; do sleep 0.5; done
all=$(IFS=,; echo "${accounts[*]}")
pids="gateway:$serve,postgres:$(head -1 liaison-data/postgres/postmaster.pid)"
echo "load before: $(cat /proc/loadavg)"
# one user (one INBOX) or ten; -d: connection reuse. BENCH_MODES picks a subset.
for mode in ${BENCH_MODES:-one-d one ten-d ten}; do
  case $mode in one*) who=${accounts[0]} ;; *) who=$all ;; esac
  case $mode in *-d) reuse=-d ;; *) reuse= ;; esac
  java -cp "$cp" dev.liaison.gateway.load.SubmissionLoad -s "${SESSIONS:-10}" -m "$messages" -l 10240 $reuse --warmup "$warmup" \
    --port 25587 --ca liaison-data/tls/certificate.pem --accounts "$who" --pids "$pids" --body "${BODY:-x}"
done
echo "load after: $(cat /proc/loadavg)"
