#!/usr/bin/env bash
# bench/report.sh: `eccn report` on the run of a LINES-line audit of the realistic inventory, in
# each format: wall time and peak RSS (wait4's rusage, GNU time's %M).
# Usage: bench/report.sh [BUILD_DIR] [LINES] [FORMATS]   (BUILD_DIR empty: a Release build;
# LINES default 1000000; FORMATS default "html md json csv", INVENTORY=easy as in audit.sh).
# Targets, absolute: under 5 s and at most 128 MiB for each format. Also printed, as context:
# the report's time over the time of the audit that made the run (measured here, once).
set -euo pipefail
# shellcheck source=bench/common.sh
. "$(dirname "$0")/common.sh"
bench_build_dir "${1:-}"
N=${2:-1000000}
FORMATS=${3:-html md json csv}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export ECCN_CACHE_DIR="$T/cache"
bench_inventory "$N" "$T/inv.csv"
E=("$B/eccn" --rules "$SRC/rules" --data "$SRC/data" --db "$T/l.db")
read -r aud _ _ acpu < <("$B/eccn-bench-timer" once "${E[@]}" audit "$T/inv.csv" --quiet)
run=$(sqlite3 "$T/l.db" "SELECT max(id) FROM audit_runs")
echo "bench/report.sh: $BUILD_TYPE build ($B), run $run: audit of $N lines of the $INVENTORY" \
    "inventory, $aud ms (CPU $acpu ms); $(date -u '+%F %T') UTC"
for f in $FORMATS; do
    read -r ms rss st cpu < <("$B/eccn-bench-timer" once "${E[@]}" report --run "$run" \
        --format "$f" \
        -o "$T/report.$f")
    [ "$st" = 0 ] || { echo "  report --format $f: exit $st" >&2; exit 1; }
    mib=$((rss / 1024))
    s=$(awk -v ms="$ms" 'BEGIN {printf "%.2f", ms / 1000}')
    ratio=$(awk -v a="$ms" -v b="$aud" 'BEGIN {printf "%.2f", a / b}')
    holds_t=$(bench_le "$s" 5)
    holds_m=$(bench_le "$mib" 128)
    echo "  report --format $f: $s s (CPU $cpu ms), peak RSS $mib MiB," \
        "$(du -k "$T/report.$f" | cut -f1) KiB;" \
        "$ratio of the audit's time; targets 5 s, 128 MiB: time $holds_t, memory $holds_m"
    bench_result "report --format $f on the $N-line run ($BUILD_TYPE)" \
        "**$s s**, peak RSS **$mib MiB**" "none (absolute); $ratio x the audit's $aud ms" \
        "< 5 s; RSS <= 128 MiB" "time $holds_t; RSS $holds_m"
done
