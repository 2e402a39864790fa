#!/usr/bin/env bash
# bench/audit_screen.sh: what denied-party screening costs an audit. The realistic inventory
# (eccn-gen-inventory) with its orders drawn from 4,000 customers, audited twice a round into
# fresh ledgers: as generated, its consignee column screened (each distinct name and destination
# once), and the same bytes with that column's header renamed so that no field takes it (nothing
# screened: the baseline). The order alternates round by round; the figure is the median of the
# rounds' ratios (screened over unscreened), of wall time and of CPU time (user and system, both
# threads), since on a busy host the disk moves wall times by a factor of two between runs of the
# same audit. Target: ratio <= 1.25.
# Usage: bench/audit_screen.sh [BUILD_DIR] [LINES=1000000] [ROUNDS=3] [CUSTOMERS=4000]
set -euo pipefail
# shellcheck source=bench/common.sh
. "$(dirname "$0")/common.sh"
bench_build_dir "${1:-}"
N=${2:-1000000}
R=${3:-3}
C=${4:-4000}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export ECCN_CACHE_DIR="$T/cache"
if ! ls "$VENDOR"/nvidia-*.csv "$VENDOR"/amd-*.csv >/dev/null 2>&1; then
    echo "$0: the vendor tables are not in $VENDOR; set ECCN_VENDOR_DIR" >&2
    exit 2
fi
"$B/eccn-gen-inventory" --vendor "$VENDOR" --data "$SRC/data" --customers "$C" "$N" >"$T/screened.csv"
# The same bytes but the header's word: "consignee" becomes a column no field takes.
sed '1s/,consignee,/,consignee_label,/' "$T/screened.csv" >"$T/plain.csv"
head -1 "$T/plain.csv" | grep -q consignee_label || { echo "$0: no consignee column" >&2; exit 1; }
E=("$B/eccn" --rules "$SRC/rules" --data "$SRC/data")
"${E[@]}" --db "$T/warm.db" check "H100 SXM5" --to DE --date 2024-01-01 >/dev/null || true
SCREENED=("${E[@]}" --db "$T/s.db" audit "$T/screened.csv" --quiet)
PLAIN=("${E[@]}" --db "$T/p.db" audit "$T/plain.csv" --quiet)
echo "bench/audit_screen.sh: $BUILD_TYPE build ($B), $N lines, $C customers, $R rounds," \
    "$(date -u '+%F %T') UTC"
for round in $(seq 1 "$R"); do
    rm -f "$T"/s.db* "$T"/p.db*
    sync
    if [ $((round % 2)) = 1 ]; then
        read -r plain prss _ pcpu < <("$B/eccn-bench-timer" once "${PLAIN[@]}")
        read -r scr rss st cpu < <("$B/eccn-bench-timer" once "${SCREENED[@]}")
    else
        read -r scr rss st cpu < <("$B/eccn-bench-timer" once "${SCREENED[@]}")
        read -r plain prss _ pcpu < <("$B/eccn-bench-timer" once "${PLAIN[@]}")
    fi
    rows=$(sqlite3 "$T/s.db" "SELECT count(*) FROM audit_results")
    prows=$(sqlite3 "$T/p.db" "SELECT count(*) FROM audit_results")
    if [ "$rows" != "$N" ] || [ "$prows" != "$N" ]; then
        echo "round $round: recorded $rows and $prows of $N results (exit $st)" >&2
        exit 1
    fi
    ratio=$(awk -v a="$scr" -v b="$plain" 'BEGIN {printf "%.3f", a / b}')
    cratio=$(awk -v a="$cpu" -v b="$pcpu" 'BEGIN {printf "%.3f", a / b}')
    echo "  round $round: screened $scr ms (CPU $cpu ms, peak RSS $((rss / 1024)) MiB)," \
        "unscreened $plain ms (CPU $pcpu ms, peak RSS $((prss / 1024)) MiB): ratio $ratio," \
        "CPU ratio $cratio"
    echo "$ratio" >>"$T/ratios"
    echo "$cratio" >>"$T/cratios"
    echo "$scr" >>"$T/scr"
    echo "$plain" >>"$T/plain"
done
IFS="|" read -r parties hits reviews < <(sqlite3 "$T/s.db" "SELECT count(*),
    sum(result='hit'), sum(result='review') FROM audit_parties")
with_party=$(sqlite3 "$T/s.db" "SELECT count(*) FROM audit_results WHERE consignee IS NOT NULL")
ratio=$(bench_median <"$T/ratios")
cratio=$(bench_median <"$T/cratios")
scr=$(bench_median <"$T/scr")
plain=$(bench_median <"$T/plain")
echo "  parties screened $parties (once each; $hits hits, $reviews for review)," \
    "$with_party lines naming one"
holds=$(bench_le "$ratio" 1.25)
cholds=$(bench_le "$cratio" 1.25)
echo "  median ratio $ratio (screened $scr ms, unscreened $plain ms), CPU ratio $cratio;" \
    "target <= 1.25: wall $holds, CPU $cholds"
bench_result "audit with screening: $N lines, $parties distinct parties (consignee and destination) screened, median of $R rounds ($BUILD_TYPE)" \
    "$scr ms, ratio **$ratio**; CPU ratio **$cratio**" \
    "the same audit, consignee column not read: $plain ms" "ratio <= 1.25" \
    "wall $holds; CPU $cholds"
