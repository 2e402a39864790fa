#!/usr/bin/env bash
# bench/check.sh: one `eccn check`, process start to exit, its verdict recorded in the ledger,
# against the sqlite3 CLI recording one row of the same shape (the check's own verdict row) in a
# WAL database with synchronous=FULL, from a fresh process (no ~/.sqliterc).
# Usage: bench/check.sh [BUILD_DIR] [PAIRS]   (BUILD_DIR empty: a Release build, common.sh)
# PAIRS (default 200) pairs are timed interleaved, the order alternating pair by pair
# (eccn-bench-timer); prints both medians and the ratio of eccn's median to the baseline's.
# Target: ratio <= 1.0. Each side's fsyncs are counted in 5 more runs with strace where it is
# installed: a check that makes none has not made its verdict durable, and the target does not
# hold.
set -euo pipefail
# shellcheck source=bench/common.sh
. "$(dirname "$0")/common.sh"
bench_build_dir "${1:-}"
N=${2:-200}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export ECCN_CACHE_DIR="$T/cache"
CHECK=("$B/eccn" --rules "$SRC/rules" --data "$SRC/data" --db "$T/l.db" check "H800 SXM5" --to CN
    --date 2024-02-01 --qty 64)
# Two runs first: the parse cache and the rule-set image are written by them, as on any machine
# after its first check.
"${CHECK[@]}" >/dev/null || true
"${CHECK[@]}" >/dev/null || true

# The baseline's table has the ledger's verdict columns, and each run inserts a copy of the row
# the check just recorded (sqlite3's .mode insert writes it as SQL).
cols=$(sqlite3 "$T/l.db" "SELECT group_concat(name, ', ') FROM pragma_table_info('verdicts')
    WHERE name <> 'id'")
row=$(sqlite3 "$T/l.db" ".mode insert verdicts" \
    "SELECT NULL, $cols FROM verdicts ORDER BY id DESC LIMIT 1")
sqlite3 "$T/base.db" "PRAGMA journal_mode=WAL; CREATE TABLE verdicts(id INTEGER PRIMARY KEY, $cols);
    CREATE INDEX verdicts_created ON verdicts(created_at)" >/dev/null
BASE=(sqlite3 -batch -init /dev/null "$T/base.db"
    "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; $row")
"${BASE[@]}" >/dev/null

before=$(sqlite3 "$T/l.db" "SELECT count(*) FROM verdicts")
s_before=$(sqlite3 "$T/base.db" "SELECT count(*) FROM verdicts")
read -r e_ms s_ms ratio pair_ratio e_p90 s_p90 e_fail s_fail < <("$B/eccn-bench-timer" pairs "$N" \
    "${CHECK[@]}" ::: "${BASE[@]}")
[ -n "$s_fail" ] || exit 1 # eccn-bench-timer said why
e_rows=$(($(sqlite3 "$T/l.db" "SELECT count(*) FROM verdicts") - before))
s_rows=$(($(sqlite3 "$T/base.db" "SELECT count(*) FROM verdicts") - s_before))
read -r e_sync e_sync_max < <(bench_fsyncs "${CHECK[@]}")
read -r s_sync s_sync_max < <(bench_fsyncs "${BASE[@]}")

echo "bench/check.sh: $BUILD_TYPE build ($B), $N pairs, $(date -u '+%F %T') UTC," \
    "load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "  eccn check:      median $e_ms ms, p90 $e_p90 ms; verdicts recorded $e_rows of $N;" \
    "fsyncs per run $e_sync-$e_sync_max (5 runs, strace)"
echo "  sqlite3 insert:  median $s_ms ms, p90 $s_p90 ms; rows recorded $s_rows of $N;" \
    "fsyncs per run $s_sync-$s_sync_max"
echo "  ratio of medians $ratio (median of the pairs' ratios $pair_ratio); target <= 1.0"
[ "$e_fail" = 0 ] && [ "$s_fail" = 0 ] || echo "  killed runs: eccn $e_fail, sqlite3 $s_fail" >&2
holds=$(bench_le "$ratio" 1.0)
if [ "$e_rows" != "$N" ] || [ "$s_rows" != "$N" ]; then
    echo "  not every run recorded its row" >&2
    holds="no (rows missing)"
elif [ "$e_sync" = 0 ]; then
    echo "  eccn check made no fsync in some runs: their verdicts were not durable against a" \
        "power loss or an OS crash when it exited"
    holds="no: ratio $holds, but not durable (0 fsyncs in some runs)"
elif [ "$e_sync" = "?" ]; then
    holds="$holds (durability not verified: no strace)"
fi
echo "  holds: $holds"
bench_result "check: one durable \`eccn check\`, $N pairs ($BUILD_TYPE)" \
    "$e_ms ms, ratio **$ratio**" "sqlite3 CLI, 1 row, WAL, synchronous=FULL: $s_ms ms" \
    "ratio <= 1.0" "$holds"
