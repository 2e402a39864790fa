#!/usr/bin/env bash
# bench/report.sh: `eccn report` on a 1,000,000-line audit run (generated), in each format: wall
# time and peak RSS. Usage: bench/report.sh [BUILD_DIR] [LINES] (BUILD_DIR "": a Release build,
# release.sh). Target: under 5 s and 128 MiB.
set -euo pipefail
[ -x /usr/bin/time ] || { echo "$0: needs GNU time for peak memory: apt-get install time" >&2; exit 2; }
. "$(dirname "$0")/release.sh"
bench_build_dir "${1:-}"
N=${2:-1000000}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export ECCN_CACHE_DIR="$T/cache"
"$B/eccn-gen-inventory" "$N" >"$T/inv.csv"
"$B/eccn" --db "$T/l.db" audit "$T/inv.csv" --quiet >/dev/null || true
for f in html md json csv; do
    s=$(date +%s%N)
    /usr/bin/time -f "%M" -o "$T/rss" "$B/eccn" --db "$T/l.db" report --run 1 --format "$f" \
        -o "$T/report.$f"
    e=$(date +%s%N)
    echo "report --format $f on $N lines: $(((e - s) / 1000000)) ms, peak RSS" \
        "$(($(tail -1 "$T/rss") / 1024)) MiB, $(du -h "$T/report.$f" | cut -f1)"
done
