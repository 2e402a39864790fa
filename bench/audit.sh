#!/usr/bin/env bash
# bench/audit.sh: `eccn audit` on a generated inventory against `sqlite3 .import` of the same file.
# Usage: bench/audit.sh [BUILD_DIR] [LINES] [ROUNDS] (BUILD_DIR "": a Release build, release.sh).
# Each round times the import, then the audit (a fresh database each), and checks that every
# line's result was recorded; the summary gives the median of the rounds' ratios, since a shared
# 2-core VM is noisy. Also eccn's peak RSS, and its CPU time (user + system), which a busy host
# inflates less than the wall time.
set -euo pipefail
[ -x /usr/bin/time ] || { echo "$0: needs GNU time for peak memory: apt-get install time" >&2; exit 2; }
. "$(dirname "$0")/release.sh"
bench_build_dir "${1:-}"
N=${2:-1000000}
R=${3:-3}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
"$B/eccn-gen-inventory" "$N" >"$T/inv.csv"
ms() { echo $((($2 - $1) / 1000000)); }
for round in $(seq 1 "$R"); do
    rm -f "$T"/import.db* "$T"/ledger.db*
    t0=$(date +%s%N)
    sqlite3 "$T/import.db" ".import --csv $T/inv.csv t"
    t1=$(date +%s%N)
    /usr/bin/time -f "%M %U %S" -o "$T/rss" "$B/eccn" --db "$T/ledger.db" audit "$T/inv.csv" --quiet \
        >/dev/null || true
    t2=$(date +%s%N)
    rows=$(sqlite3 "$T/ledger.db" "SELECT count(*) FROM audit_results")
    [ "$rows" = "$N" ] || { echo "round $round: only $rows of $N results recorded" >&2; exit 1; }
    imp=$(ms "$t0" "$t1")
    aud=$(ms "$t1" "$t2")
    ratio=$(awk "BEGIN {printf \"%.2f\", $aud / $imp}")
    echo "round $round: lines $N ($(du -h "$T/inv.csv" | cut -f1)): sqlite3 .import ${imp} ms;" \
        "eccn audit ${aud} ms; ratio $ratio; eccn peak RSS $(($(tail -1 "$T/rss" | cut -d' ' -f1) / 1024)) MiB;" \
        "eccn CPU $(tail -1 "$T/rss" | awk '{print $2 + $3}') s; results recorded $rows"
    echo "$ratio" >>"$T/ratios"
done
echo "median ratio over $R rounds: $(sort -n "$T/ratios" | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')"
