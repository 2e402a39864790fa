#!/usr/bin/env bash
# bench/all.sh: the three benchmarks in turn, then one Markdown table of their figures
# (benchmark | figure | baseline | target | holds), to paste into README.md.
# Usage: bench/all.sh [BUILD_DIR] [quick]   (BUILD_DIR empty: a Release build, common.sh)
# Sizes: 200 check pairs, a 1,000,000-line audit in 3 rounds, reports on a 1,000,000-line run;
# "quick": 50 pairs, 100,000 lines. PAIRS, LINES and ROUNDS in the environment override them.
set -euo pipefail
# shellcheck source=bench/common.sh
. "$(dirname "$0")/common.sh"
bench_build_dir "${1:-}"
if [ "${2:-}" = quick ]; then
    PAIRS=${PAIRS:-50} LINES=${LINES:-100000} ROUNDS=${ROUNDS:-3}
else
    PAIRS=${PAIRS:-200} LINES=${LINES:-1000000} ROUNDS=${ROUNDS:-3}
fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
D=$(dirname "$0")
start=$(date -u '+%F %H:%M')
bash "$D/check.sh" "$B" "$PAIRS" | tee -a "$T/out" | grep -v '^RESULT '
bash "$D/audit.sh" "$B" "$LINES" "$ROUNDS" | tee -a "$T/out" | grep -v '^RESULT '
bash "$D/report.sh" "$B" "$LINES" | tee -a "$T/out" | grep -v '^RESULT '
echo
echo "$BUILD_TYPE build, commit $(git -C "$SRC" rev-parse --short HEAD)$(git -C "$SRC" diff --quiet HEAD 2>/dev/null || echo ' (modified)')," \
    "$(nproc) cores, $start-$(date -u '+%H:%M') UTC; \`bench/all.sh${1:+ $1}${2:+ $2}\`:"
echo
echo "| benchmark | figure | baseline | target | holds |"
echo "|---|---|---|---|---|"
sed -n 's/^RESULT //p' "$T/out"
