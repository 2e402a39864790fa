#!/usr/bin/env bash
# bench/anchor.sh: what a ledger's finished audit runs cost each later write. Every `eccn check`
# checks the ledger against its signed head and signs a new one (src/ledger/anchor.c); finished
# runs are sealed into one chain, so that this cost stays the same however many runs the ledger
# holds. Times one check on a ledger holding RUNS finished runs (default 300) against one check
# on a ledger holding one, interleaved (eccn-bench-timer), and prints both medians and the ratio.
# Usage: bench/anchor.sh [BUILD_DIR] [PAIRS] [RUNS]   (BUILD_DIR empty: a Release build)
# Target: ratio <= 1.1 (the runs cost nothing measurable per check).
set -euo pipefail
# shellcheck source=bench/common.sh
. "$(dirname "$0")/common.sh"
bench_build_dir "${1:-}"
N=${2:-100}
RUNS=${3:-300}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export HOME="$T" XDG_STATE_HOME="$T/state"
E=("$B/eccn" --rules "$SRC/rules" --data "$SRC/data")
# RUNS audits of small inventories that differ (a finished run of the same bytes is reused).
for ((i = 1; i <= RUNS; i++)); do
    printf 'part,quantity,destination,date\nH100 SXM5,%d,CN,2024-06-01\nL4,2,DE,2024-06-01\n' "$i" >"$T/inv.csv"
    "${E[@]}" --db "$T/many.db" audit "$T/inv.csv" --quiet >/dev/null || [ $? = 1 ]
    [ "$i" != 1 ] || "${E[@]}" --db "$T/one.db" audit "$T/inv.csv" --quiet >/dev/null || [ $? = 1 ]
done
CHECK=(check "H800 SXM5" --to CN --date 2024-02-01 --qty 64)
"${E[@]}" --db "$T/many.db" "${CHECK[@]}" >/dev/null || true
"${E[@]}" --db "$T/one.db" "${CHECK[@]}" >/dev/null || true
read -r m_ms o_ms ratio pair_ratio m_p90 o_p90 m_fail o_fail < <("$B/eccn-bench-timer" pairs "$N" \
    "${E[@]}" --db "$T/many.db" "${CHECK[@]}" ::: "${E[@]}" --db "$T/one.db" "${CHECK[@]}")
[ -n "$o_fail" ] || exit 1 # eccn-bench-timer said why
runs=$(sqlite3 "$T/many.db" "SELECT count(*) FROM audit_runs WHERE status = 'complete'")
echo "bench/anchor.sh: $BUILD_TYPE build ($B), $N pairs, $(date -u '+%F %T') UTC," \
    "load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "  check on a ledger of $runs finished runs: median $m_ms ms, p90 $m_p90 ms"
echo "  check on a ledger of 1 finished run:   median $o_ms ms, p90 $o_p90 ms"
echo "  ratio of medians $ratio (median of the pairs' ratios $pair_ratio); target <= 1.1"
[ "$m_fail" = 0 ] && [ "$o_fail" = 0 ] || echo "  failed runs: $m_fail, $o_fail" >&2
holds=$(bench_le "$ratio" 1.1)
echo "  holds: $holds"
bench_result "anchor: a check beside $runs finished runs, $N pairs ($BUILD_TYPE)" \
    "$m_ms ms, ratio **$ratio**" "a check beside 1 run: $o_ms ms" "ratio <= 1.1" "$holds"
