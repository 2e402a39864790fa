#!/usr/bin/env bash
# bench/all.sh: the benchmarks in turn (check, audit, report, serve, audit with screening,
# screen), then one Markdown table of their figures
# (benchmark | figure | baseline | target | holds), to paste into README.md.
# Usage: bench/all.sh [BUILD_DIR] [quick]   (BUILD_DIR empty: a Release build, common.sh)
# Sizes: 200 check pairs, a 1,000,000-line audit in 3 rounds, reports on a 1,000,000-line run;
# "quick": 50 pairs, 100,000 lines. PAIRS, LINES and ROUNDS in the environment override them.
# EASY=1 adds the audit of the earlier benchmark's easy inventory, for comparison.
set -euo pipefail
# shellcheck source=bench/common.sh
. "$(dirname "$0")/common.sh"
bench_build_dir "${1:-}"
# The command as given, environment included, for the line above the table.
cmd="bench/all.sh${1:+ $1}${2:+ $2}"
for v in ECCN_VENDOR_DIR ROUNDS LINES PAIRS EASY SECS; do
    [ -z "${!v:-}" ] || cmd="$v=${!v} $cmd"
done
if [ "${2:-}" = quick ]; then
    PAIRS=${PAIRS:-50} LINES=${LINES:-100000} ROUNDS=${ROUNDS:-3}
else
    PAIRS=${PAIRS:-200} LINES=${LINES:-1000000} ROUNDS=${ROUNDS:-3}
fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
D=$(dirname "$0")
start=$(date -u '+%F %H:%M')
# One benchmark that fails leaves a row saying so, and the others still run.
bench() {
    local name=$1 rc=0
    shift
    bash "$D/$name.sh" "$B" "$@" >"$T/one" || rc=$?
    grep -v '^RESULT ' "$T/one" || true
    cat "$T/one" >>"$T/out"
    [ "$rc" = 0 ] || echo "RESULT | $name.sh | failed, exit $rc (see above) | | | no |" >>"$T/out"
}
bench check "$PAIRS"
bench audit "$LINES" "$ROUNDS"
[ "${EASY:-0}" = 0 ] || INVENTORY=easy bench audit "$LINES" "$ROUNDS"
bench report "$LINES"
bench serve "${SECS:-5}"
bench audit_screen "$LINES" "$ROUNDS"
bench screen "${NAMES:-100000}" "$ROUNDS"
echo
commit=$(git -C "$SRC" rev-parse --short HEAD)
git -C "$SRC" diff --quiet HEAD 2>/dev/null || commit="$commit (modified)"
echo "$BUILD_TYPE build, commit $commit," \
    "$(nproc) cores, $start-$(date -u '+%H:%M') UTC; \`$cmd\`:"
echo
echo "| benchmark | figure | baseline | target | holds |"
echo "|---|---|---|---|---|"
sed -n 's/^RESULT //p' "$T/out"
