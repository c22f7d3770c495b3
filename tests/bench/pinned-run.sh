#!/bin/bash
# One pinned measurement, for A/B comparisons and profiles (issue 15): the built server (dist/, `npm run build`
# first) pinned to core 0 with every thread, wrk on core 1 at c=${CONN:-50} after ${WARM:-15} s of warm-up, then
# ${SECS:-15} s measured. Prints wrk's summary, the server's CPU µs per inquiry, and each thread's share (the main
# thread, the PGlite worker, V8's helpers).
#   tests/bench/pinned-run.sh [node options…]        e.g. --cpu-prof --cpu-prof-dir=/tmp/prof
# Env: PORT (8099), CONN, WARM, SECS, ENTRY (default: what `npm start` runs, V8 flags included), and any NIX_* for the server.
# Runs are serialised machine-wide (flock on /tmp/nix-bench.lock) so that two never overlap.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
PORT=${PORT:-8099}
exec 9>/tmp/nix-bench.lock
flock 9
cd "$ROOT"
OUT=$(mktemp -d)
PID=
# The server goes with the script, whatever ends it (a closed pipe included), and does not hold the lock.
trap '[ -n "$PID" ] && kill -TERM $PID 2> /dev/null; rm -rf "$OUT"' EXIT
node -r ./tests/bench/register.js -e "
  const { inquiryMix } = require('./tests/bench/inquiry-mix.ts');
  const { writeWrkScript } = require('./tests/bench/wrk-load.ts');
  process.stdout.write(writeWrkScript(inquiryMix()));" > "$OUT/script"
SCRIPT=$(cat "$OUT/script")
NIX_DATA_DIR="$OUT/data" NIX_LOG_LEVEL=warn NODE_ENV=development PORT=$PORT HOST=127.0.0.1 NIX_METRICS_PORT=0 \
  taskset -c 0 node "$@" ${ENTRY:-$(node -r ./tests/bench/register.js -p "require('./tests/bench/nix-start.ts').nixStartArgs().join(' ')")} > "$OUT/server.log" 2>&1 9>&- &
PID=$!
for _ in $(seq 1 240); do curl -sf "http://127.0.0.1:$PORT/health/ready" > /dev/null && break; sleep 0.5; done
taskset -a -p -c 0 $PID > /dev/null
threads() { for t in /proc/$PID/task/*; do echo "$(basename "$t") $(awk '{print $14+$15}' "$t/stat")"; done | sort; }
taskset -c 1 wrk -t1 -c"${CONN:-50}" -d"${WARM:-15}"s -s "$SCRIPT" "http://127.0.0.1:$PORT" > /dev/null
threads > "$OUT/t0"
taskset -c 1 wrk -t1 -c"${CONN:-50}" -d"${SECS:-15}"s --timeout 10s -s "$SCRIPT" "http://127.0.0.1:$PORT" > "$OUT/wrk"
threads > "$OUT/t1"
line=$(grep WRK-RESULT "$OUT/wrk")
requests=$(echo "$line" | sed 's/.*"requests":\([0-9]*\).*/\1/')
echo "${line#WRK-RESULT }"
ticks=$(join "$OUT/t0" "$OUT/t1" | awk '{s += $3 - $2} END {print s}')
# /proc counts clock ticks of 10 ms.
echo "$(( requests / ${SECS:-15} )) answers/s, $(( ticks * 10000 / requests )) µs of server CPU per inquiry"
join "$OUT/t0" "$OUT/t1" | awk -v n="$requests" -v main="$PID" '$3 > $2 { printf "  thread %s%s: %d µs per inquiry\n", $1, ($1 == main ? " (main)" : ""), ($3 - $2) * 10000 / n }'
kill -TERM $PID
wait $PID 2> /dev/null || true
