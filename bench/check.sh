#!/usr/bin/env bash
# bench/check.sh: wall time of one `eccn check`, process start to exit, ledger write included.
# Usage: bench/check.sh [BUILD_DIR] [RUNS] [SETS] [PAUSE_S] (without BUILD_DIR, or with "", a
# Release build: release.sh). Prints the median, the mean, the 90th percentile and the fastest run
# in ms, measured by eccn-spawn-time (posix_spawn to waitpid, nothing else in the interval).
# The parse cache is warmed by the first run, as it is on any machine after the first check.
# On a shared VM the host's load moves a set's median by a millisecond or more within minutes:
# SETS > 1 takes that many sets PAUSE_S seconds apart (each on a fresh ledger) and ends with the
# median and the range of their medians, a figure for the machine rather than for one moment.
set -euo pipefail
. "$(dirname "$0")/release.sh"
bench_build_dir "${1:-}"
N=${2:-200}
SETS=${3:-1}
PAUSE=${4:-60}
SRC=$(cd "$(dirname "$0")/.." && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export ECCN_CACHE_DIR="$T/cache"
CMD=("$B/eccn" --rules "$SRC/rules" --data "$SRC/data" --db "$T/l.db" check "H800 SXM5" --to CN
    --date 2024-02-01 --qty 64)
for set in $(seq 1 "$SETS"); do
    [ "$set" = 1 ] || sleep "$PAUSE"
    rm -f "$T"/l.db*
    "${CMD[@]}" >/dev/null || true
    result=$("$B/eccn-spawn-time" "$N" "${CMD[@]}")
    echo "${result#*median }" | cut -d' ' -f1 >>"$T/medians"
    echo "$([ "$SETS" = 1 ] || echo "set $set, $(date +%T): ")eccn check ($(basename "$B")):" \
        "$result; ledger rows $(sqlite3 "$T/l.db" 'SELECT count(*) FROM verdicts')"
    echo "baseline, eccn --version: $("$B/eccn-spawn-time" "$N" "$B/eccn" --version)"
done
if [ "$SETS" -gt 1 ]; then
    sort -n "$T/medians" | awk '{m[NR] = $1} END {
        mid = NR % 2 ? m[(NR + 1) / 2] : (m[NR / 2] + m[NR / 2 + 1]) / 2
        printf "median of the %d sets'"'"' medians: %.2f ms (range %.2f-%.2f ms)\n", NR, mid, m[1], m[NR]
    }'
fi
