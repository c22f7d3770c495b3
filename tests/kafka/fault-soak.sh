#!/usr/bin/env bash
# The Kafka fault suite (tests/kafka/kafka-faults.e2e.ts) RUNS times in a row (default 10) while a CPU hog keeps
# one core busy: recovery must not depend on an idle machine. Started and stopped here; not part of npm test.
#   npm run test:kafka-faults-soak            # or: tests/kafka/fault-soak.sh 3
set -u
cd "$(dirname "$0")/../.."
RUNS="${1:-10}"
LOG_DIR="${SOAK_LOG_DIR:-$(mktemp -d -t nix-fault-soak-XXXXXX)}"

# A busy loop pinned to core 0 where taskset exists (anywhere otherwise).
if command -v taskset >/dev/null 2>&1; then
  taskset -c 0 node -e 'for (;;) {}' &
else
  node -e 'for (;;) {}' &
fi
HOG=$!
trap 'kill "$HOG" 2>/dev/null' EXIT INT TERM
echo "CPU hog: pid $HOG; logs in $LOG_DIR"

passed=0
for i in $(seq 1 "$RUNS"); do
  started=$(date +%s)
  if npx jest tests/kafka/kafka-faults.e2e.ts --selectProjects kafka --ci >"$LOG_DIR/run-$i.log" 2>&1; then
    passed=$((passed + 1))
    result=passed
  else
    result=FAILED
  fi
  kill -0 "$HOG" 2>/dev/null || { echo "the CPU hog died: the runs are not under load" >&2; exit 2; }
  echo "run $i/$RUNS: $result in $(($(date +%s) - started)) s (log: $LOG_DIR/run-$i.log)"
done
echo "kafka fault suite under a CPU hog: $passed/$RUNS runs passed"
[ "$passed" -eq "$RUNS" ]
