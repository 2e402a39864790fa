#!/usr/bin/env bash
# bench/audit.sh: `eccn audit` of a generated inventory into a fresh ledger, against the sqlite3
# CLI's `.import` of the same file into a fresh WAL database with synchronous=FULL.
# Usage: bench/audit.sh [BUILD_DIR] [LINES] [ROUNDS]   (BUILD_DIR empty: a Release build)
# LINES (default 1000000) lines of the realistic inventory (eccn-gen-inventory; INVENTORY=easy
# for the earlier benchmark's 16-part file). ROUNDS (default 3) rounds, each timing both, the
# order alternating; the figure is the median of the rounds' ratios (eccn's time over the
# import's). Peak RSS is eccn's largest over the rounds (wait4's rusage, GNU time's %M). Targets:
# ratio <= 0.5, peak RSS <= 64 MiB. Lines eccn cannot judge (unknown parts) are recorded as errors
# and counted apart; a round fails unless every line has its recorded result.
set -euo pipefail
# shellcheck source=bench/common.sh
. "$(dirname "$0")/common.sh"
bench_build_dir "${1:-}"
N=${2:-1000000}
R=${3:-3}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export ECCN_CACHE_DIR="$T/cache"
bench_inventory "$N" "$T/inv.csv"
E=("$B/eccn" --rules "$SRC/rules" --data "$SRC/data")
# The parse cache and rule-set image, written once as on any machine after its first command:
"${E[@]}" --db "$T/warm.db" check "H100 SXM5" --to DE --date 2024-01-01 >/dev/null || true
AUDIT=("${E[@]}" --db "$T/ledger.db" audit "$T/inv.csv" --quiet)
IMPORT=(sqlite3 -batch -init /dev/null -cmd "PRAGMA journal_mode=WAL" -cmd "PRAGMA synchronous=FULL"
    "$T/import.db" ".import --csv $T/inv.csv inventory")

echo "bench/audit.sh: $BUILD_TYPE build ($B), $N lines of the $INVENTORY inventory" \
    "($(du -m "$T/inv.csv" | cut -f1) MiB), $R rounds, $(date -u '+%F %T') UTC"
for round in $(seq 1 "$R"); do
    rm -f "$T"/import.db* "$T"/ledger.db*
    sync
    if [ $((round % 2)) = 1 ]; then
        read -r imp _ _ icpu < <("$B/eccn-bench-timer" once "${IMPORT[@]}")
        read -r aud rss st cpu < <("$B/eccn-bench-timer" once "${AUDIT[@]}")
    else
        read -r aud rss st cpu < <("$B/eccn-bench-timer" once "${AUDIT[@]}")
        read -r imp _ _ icpu < <("$B/eccn-bench-timer" once "${IMPORT[@]}")
    fi
    rows=$(sqlite3 "$T/ledger.db" "SELECT count(*) FROM audit_results")
    imported=$(sqlite3 "$T/import.db" "SELECT count(*) FROM inventory")
    if [ "$rows" != "$N" ] || [ "$imported" != "$N" ]; then
        echo "round $round: recorded $rows of $N results (eccn exit $st), imported $imported" >&2
        exit 1
    fi
    IFS="|" read -r judged errors < <(sqlite3 "$T/ledger.db" \
        "SELECT results, errors FROM audit_runs")
    ratio=$(awk -v a="$aud" -v b="$imp" 'BEGIN {printf "%.3f", a / b}')
    echo "  round $round: eccn audit $aud ms (CPU $cpu ms, exit $st," \
        "peak RSS $((rss / 1024)) MiB)," \
        "sqlite3 .import $imp ms (CPU $icpu ms): ratio $ratio"
    echo "$ratio" >>"$T/ratios"
    echo "$rss" >>"$T/rss"
    echo "$aud" >>"$T/aud"
    echo "$imp" >>"$T/imp"
done
ratio=$(bench_median <"$T/ratios")
rss_mib=$(($(sort -n "$T/rss" | tail -1) / 1024))
aud=$(bench_median <"$T/aud")
imp=$(bench_median <"$T/imp")
verdicts=$(sqlite3 "$T/ledger.db" "SELECT group_concat(v || ' ' || n, ', ') FROM
    (SELECT verdict AS v, count(*) AS n FROM audit_lines GROUP BY 1 ORDER BY 2 DESC)")
echo "  lines judged $judged, errors $errors ($verdicts)"
# Durability: fsyncs of an audit of the first 10,000 lines, each into a fresh ledger.
head -n 10001 "$T/inv.csv" >"$T/small.csv"
# shellcheck disable=SC2016 # $0 and $@ are the inner shell's
read -r syncs syncs_max < <(bench_fsyncs sh -c 'rm -f "$0"/s.db*; exec "$@"' "$T" "${E[@]}" \
    --db "$T/s.db" audit "$T/small.csv" --quiet)
echo "  fsyncs of an audit of 10,000 of these lines: $syncs-$syncs_max (5 runs, strace)"
echo "  median ratio $ratio (eccn $aud ms, sqlite3 .import $imp ms); target <= 0.5;" \
    "eccn peak RSS $rss_mib MiB, target <= 64 MiB"
holds_r=$(bench_le "$ratio" 0.5)
holds_m=$(bench_le "$rss_mib" 64)
sync_note=""
[ "$syncs" = 0 ] && sync_note=", but an audit made no fsync in some runs: not durable"
echo "  holds: ratio $holds_r, memory $holds_m$sync_note"
name="audit: $N-line $INVENTORY inventory, median of $R rounds ($BUILD_TYPE)"
bench_result "$name; $judged judged, $errors errors" \
    "$aud ms, ratio **$ratio**; peak RSS **$rss_mib MiB**" \
    "sqlite3 \`.import\`, WAL, synchronous=FULL: $imp ms" \
    "ratio <= 0.5; RSS <= 64 MiB" "ratio $holds_r; RSS $holds_m$sync_note"
