#!/usr/bin/env bash
# bench/audit.sh: `eccn audit` on a generated inventory against `sqlite3 .import` of the same file.
# Usage: bench/audit.sh [BUILD_DIR] [LINES]. Prints both wall times, the ratio, eccn's peak RSS,
# and checks that every line's result was recorded.
set -euo pipefail
B=${1:-build}
N=${2:-1000000}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
"$B/eccn-gen-inventory" "$N" >"$T/inv.csv"
t0=$(date +%s%N)
sqlite3 "$T/import.db" ".import --csv $T/inv.csv t"
t1=$(date +%s%N)
/usr/bin/time -f "%M" -o "$T/rss" "$B/eccn" --db "$T/ledger.db" audit "$T/inv.csv" --quiet >/dev/null || true
t2=$(date +%s%N)
rows=$(sqlite3 "$T/ledger.db" "SELECT count(*) FROM audit_results")
imp=$(((t1 - t0) / 1000000))
aud=$(((t2 - t1) / 1000000))
echo "lines $N ($(du -h "$T/inv.csv" | cut -f1)): sqlite3 .import ${imp} ms; eccn audit ${aud} ms;" \
    "ratio $(awk "BEGIN {printf \"%.2f\", $aud / $imp}"); eccn peak RSS $(($(tail -1 "$T/rss") / 1024)) MiB;" \
    "results recorded $rows"
