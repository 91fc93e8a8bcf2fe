#!/usr/bin/env bash
# Where the relay's Java CPU goes: one bench-relay.sh run, with async-profiler
# (tools.profiler:async-profiler from Maven Central) attached to both gateway JVMs for SECONDS of
# the loaded run. Writes, per gateway, a flame graph (a.html, b.html) and collapsed stacks with
# thread names (a.collapsed, b.collapsed: one "frame;frame;… count" line per stack) to OUT.
# Usage: gateway/src/test/scripts/profile-relay.sh [OUT (default target/relay-profile)] [SECONDS (default 20)]
# Environment: WARMUP (default 8000 messages of 10 KB), SIZE (of the loaded run's messages, default 10240),
# MESSAGES (loaded run, default 6000: it must outlast DELAY + SECONDS), DELAY (seconds into the loaded
# run before sampling starts, default 0: later samples show code the JIT has had time to compile).
# CPU samples every 2 ms (perf events, kernel frames included); a sampled JVM is a little slower.
set -euo pipefail
cd "$(dirname "$0")/../../../.."
out=$(mkdir -p "${1:-target/relay-profile}" && cd "${1:-target/relay-profile}" && pwd)
seconds=${2:-20}
version=4.1
mvn -q -B -N dependency:copy -Dartifact=tools.profiler:async-profiler:$version -DoutputDirectory="$out" \
  > "$out/mvn.log" 2>&1 || { cat "$out/mvn.log"; exit 1; }
(cd "$out" && unzip -o -q "async-profiler-$version.jar" 'linux-x64/libasyncProfiler.so')
agent="$out/linux-x64/libasyncProfiler.so"
rm -f "$out"/{a,b}.{html,collapsed} "$out/run.log"

gateway/src/test/scripts/bench-relay.sh -s 10 --pairs 10 --sizes "${SIZE:-10240}" --messages "${MESSAGES:-6000}" \
  --unloaded 0 --warmup "${WARMUP:-8000}" --quiet-wait 3 --max-load 1.2 > "$out/run.log" 2>&1 &
bench=$!
until grep -q '(warm-up)' "$out/run.log" 2>/dev/null; do
  kill -0 $bench 2>/dev/null || { cat "$out/run.log"; exit 1; }
  sleep 1
done
declare -A side
a=
for pid in $(pgrep -f 'liaison.jar serve'); do
  # only the gateways' JVMs: a shell whose command line merely mentions the jar is not one
  [[ $(readlink "/proc/$pid/exe" 2>/dev/null) == */java ]] || continue
  case $(basename "$(readlink "/proc/$pid/cwd")") in
    a) side[$pid]=a; a=$pid ;;
    b) side[$pid]=b ;;
  esac
done
[[ -n $a ]] || { echo "gateway A's process not found"; kill $bench; exit 1; }
# after the warm-up the machine goes quiet (bench-relay.sh's --max-load); the loaded run is the
# next time A's JVM is busy: over half a core for three seconds in a row
hz=$(getconf CLK_TCK)
ticks() { awk '{print $14 + $15}' "/proc/$a/stat"; }
await() { # await idle|busy
  local prev now n=0
  prev=$(ticks)
  while (( n < 3 )); do
    sleep 1
    now=$(ticks)
    if { [[ $1 == busy ]] && (( now - prev > hz / 2 )); } || { [[ $1 == idle ]] && (( now - prev < hz / 5 )); }; then
      n=$((n + 1))
    else
      n=0
    fi
    prev=$now
  done
}
await idle
await busy
sleep "${DELAY:-0}"
for pid in "${!side[@]}"; do
  jcmd "$pid" JVMTI.agent_load "$agent" '"start,event=cpu,interval=2ms,threads"' >/dev/null
done
sleep "$seconds"
for pid in "${!side[@]}"; do
  jcmd "$pid" JVMTI.agent_load "$agent" "\"dump,file=$out/${side[$pid]}.collapsed,collapsed\"" >/dev/null
  jcmd "$pid" JVMTI.agent_load "$agent" "\"stop,file=$out/${side[$pid]}.html,flamegraph\"" >/dev/null
done
wait $bench || true
grep -E '^run r[0-9]+ loaded size' "$out/run.log" | grep -v 'warm-up' || true
echo "profiles in $out: a.html, b.html (flame graphs), a.collapsed, b.collapsed"
