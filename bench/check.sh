#!/usr/bin/env bash
# bench/check.sh: wall time of one `eccn check`, process start to exit, ledger write included.
# Usage: bench/check.sh [BUILD_DIR] [RUNS]. Prints the median and the 90th percentile in ms.
set -euo pipefail
B=${1:-build}
N=${2:-200}
SRC=$(cd "$(dirname "$0")/.." && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
"$B/eccn" --db "$T/l.db" check "H800 SXM5" --to CN --date 2024-02-01 >/dev/null || true
for _ in $(seq 1 "$N"); do
    s=$(date +%s%N)
    "$B/eccn" --rules "$SRC/rules" --data "$SRC/data" --db "$T/l.db" check "H800 SXM5" --to CN \
        --date 2024-02-01 --qty 64 >/dev/null || true
    e=$(date +%s%N)
    echo $(((e - s) / 1000))
done | sort -n >"$T/t"
echo "eccn check, $N runs: median $(awk '{a[NR]=$1} END {printf "%.2f", a[int(NR/2)+1]/1000}' "$T/t") ms," \
    "p90 $(awk '{a[NR]=$1} END {printf "%.2f", a[int(NR*0.9)]/1000}' "$T/t") ms;" \
    "ledger rows $(sqlite3 "$T/l.db" 'SELECT count(*) FROM verdicts')"
