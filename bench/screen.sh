#!/usr/bin/env bash
# bench/screen.sh: `eccn screen --batch` on N distinct names (100,000 by default) against the
# bundled lists. Usage: bench/screen.sh [BUILD_DIR] [N] [ROUNDS] (BUILD_DIR "": a Release build,
# common.sh). No baseline: the figure is names per second, printed with the lists' load time. The names come from eccn-gen-names, deterministic: half the lists' own names and
# aliases with an ERP's perturbations, half made-up clean names. Each round prints the names per
# second and the total time of the screening, the load time of the lists (parsing the CSV and
# building the index), and how the two halves came out; the summary gives the medians, since a
# shared 2-core VM is noisy.
set -euo pipefail
# shellcheck source=bench/common.sh
. "$(dirname "$0")/common.sh"
bench_build_dir "${1:-}"
N=${2:-100000}
R=${3:-3}
cmake --build "$B" -j2 --target eccn-gen-names >/dev/null
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export ECCN_CACHE_DIR="$T/cache"
lists="$SRC/data/lists/$(sed -n 's/^file: //p' "$SRC/data/lists/lists.yaml")"
"$B/eccn-gen-names" "$lists" "$N" >"$T/names.txt" 2>"$T/gen"
cat "$T/gen"
half=$((N / 2))
for round in $(seq 1 "$R"); do
    t0=$(date +%s%N)
    "$B/eccn" --data "$SRC/data" screen --batch "$T/names.txt" >"$T/out" 2>"$T/err" || true
    t1=$(date +%s%N)
    grep -q '^screened' "$T/err" || { cat "$T/err" >&2; exit 1; }
    # "screened N names in S s (R names/s): ...; lists loaded in L ms"
    read -r rate load < <(sed -n 's/.*(\([0-9]*\) names\/s).*loaded in \([0-9.]*\) ms/\1 \2/p' "$T/err")
    found=$(head -n "$half" "$T/out" | grep -c -v '^clear' || true)
    cleared=$(tail -n "$((N - half))" "$T/out" | grep -c '^clear' || true)
    echo "round $round: $N names: $rate names/s; total $(((t1 - t0) / 1000000)) ms (process," \
        "lists load included); lists loaded in $load ms; listed variants found $found/$half;" \
        "clean names cleared $cleared/$((N - half))"
    echo "$rate $load" >>"$T/rounds"
done
med() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "median over $R rounds: $(cut -d' ' -f1 "$T/rounds" | med) names/s;" \
    "lists load $(cut -d' ' -f2 "$T/rounds" | med) ms"
rate=$(cut -d' ' -f1 "$T/rounds" | med)
bench_result "screen: $N distinct names, median of $R rounds ($BUILD_TYPE)" \
    "**$rate names/s**; lists load $(cut -d' ' -f2 "$T/rounds" | med) ms" "none" "none" "-"
