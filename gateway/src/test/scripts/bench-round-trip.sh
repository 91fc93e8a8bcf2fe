#!/usr/bin/env bash
# What one round trip to PostgreSQL costs in CPU, backend and calling Java thread (RoundTripCost):
# a fresh embedded PostgreSQL, one pooled connection, trivial statements.
# Usage: gateway/src/test/scripts/bench-round-trip.sh [calls per case, default 20000]
set -euo pipefail
cd "$(dirname "$0")/../../../.."
mvn -q -B -o -DskipTests package dependency:build-classpath -Dmdep.outputFile=target/test.classpath \
  -Dmdep.includeScope=test >/dev/null
cp="$PWD/gateway/target/test-classes:$PWD/gateway/target/classes:$(cat gateway/target/test.classpath)"
java -cp "$cp" dev.liaison.gateway.load.RoundTripCost "$@" 2>&1 | grep -v " INFO "
