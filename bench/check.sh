#!/usr/bin/env bash
# bench/check.sh: wall time of one `eccn check`, process start to exit, ledger write included.
# Usage: bench/check.sh [BUILD_DIR] [RUNS] (without BUILD_DIR, a Release build: release.sh).
# Prints the median, the mean, the 90th percentile and the fastest run in ms, measured by
# eccn-spawn-time (posix_spawn to waitpid, nothing else in the interval).
# The parse cache is warmed by the first run, as it is on any machine after the first check.
set -euo pipefail
. "$(dirname "$0")/release.sh"
bench_build_dir "${1:-}"
N=${2:-200}
SRC=$(cd "$(dirname "$0")/.." && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export ECCN_CACHE_DIR="$T/cache"
CMD=("$B/eccn" --rules "$SRC/rules" --data "$SRC/data" --db "$T/l.db" check "H800 SXM5" --to CN
    --date 2024-02-01 --qty 64)
"${CMD[@]}" >/dev/null || true
echo "eccn check ($(basename "$B")): $("$B/eccn-spawn-time" "$N" "${CMD[@]}");" \
    "ledger rows $(sqlite3 "$T/l.db" 'SELECT count(*) FROM verdicts')"
echo "baseline, eccn --version: $("$B/eccn-spawn-time" "$N" "$B/eccn" --version)"
