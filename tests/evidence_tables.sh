#!/usr/bin/env bash
# evidence_tables.sh: a generic tamper test (issue 19). The tables that hold evidence are read
# from the ledger's own schema (every table but ledger_control, the purge switch, which holds no
# record); on a fresh copy each, every text column of one row of each table is changed (a table
# without one: its first column that is not the key), and the first, a middle and the last row of
# each are deleted. The triggers are dropped for the edit and put back as they were, so that
# the schema check does not see it: the chains and the signed head must. `ledger verify` must
# exit 1 for every change. Prints one line per change and the count. Usage: evidence_tables.sh
# ECCN SRC_DIR. Skipped (77) without the sqlite3 CLI.
set -u
. "$(dirname "$0")/lib.sh"
ECCN=$1
SRC=$2
command -v sqlite3 >/dev/null || { echo "SKIPPED: the sqlite3 CLI is not installed"; exit 77; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export HOME="$T" XDG_STATE_HOME="$T/state"
# Built where each change is then made (c.db), so that the state directory knows the ledger
# at that path, as it knows one changed in place.
W="$T/c.db"
E=("$ECCN" --rules "$SRC/rules" --data "$SRC/data" --db "$W")

# ---- a ledger with at least three rows in every table ----
# Three rules revisions: the rules as shipped, and two copies with a comment added.
for n in 2 3; do
    cp -r "$SRC/rules" "$T/rules$n"
    echo "# revision $n" >>"$T/rules$n/part746-embargoes.yaml"
done
"${E[@]}" check "H100 SXM5" --to CN --date 2019-01-01 >/dev/null
"${E[@]}" check L4 --to DE --date 2019-02-01 >/dev/null
# Three checkpoints: two purges of one verdict each, then an old audit run purged whole.
"${E[@]}" ledger purge --before 2024-01-15 >/dev/null
"${E[@]}" ledger purge --before 2024-02-15 >/dev/null
printf 'part,quantity,destination,date\nH20,1,CN,2019-05-01\nA40,2,VN,2019-06-01\n' >"$T/old.csv"
"${E[@]}" audit "$T/old.csv" --quiet >/dev/null
"${E[@]}" ledger purge --before 2026-01-01 >/dev/null
for d in 2025-06-01 2025-07-01 2025-08-01; do
    "${E[@]}" check "H100 SXM5" --to CN --date "$d" >/dev/null
done
"$ECCN" --rules "$T/rules2" --data "$SRC/data" --db "$W" check L4 --to DE --date 2025-06-01 >/dev/null
# Three parties screened a run (audit_parties), and three reviews recorded (screen_clearances).
names=("Siemens AG" "Sugon Information" "Robert Bosch GmbH")
{
    printf 'line_id,part,quantity,destination,date,consignee\n'
    for i in 1 2 3 4 5 6 7; do echo "A$i,H100 SXM5,$i,CN,2025-06-0$i,${names[$((i % 3))]}"; done
} >"$T/inv.csv"
"${E[@]}" screen --clear "Sugon Information" --country CN --reason "checked: a reseller" >/dev/null
"${E[@]}" screen --clear "Beijing Sensetime" --country CN --reason "checked: not the group" >/dev/null
# Finished runs in commits of two lines, and one left incomplete (a bad line under --strict).
"${E[@]}" audit "$T/inv.csv" --batch 2 --quiet >/dev/null
"$ECCN" --rules "$T/rules3" --data "$SRC/data" --db "$W" audit "$T/inv.csv" --batch 2 --quiet >/dev/null
{ cat "$T/inv.csv"; echo "A8,L4,1,DE,someday,Siemens AG"; } >"$T/bad.csv"
"${E[@]}" audit "$T/bad.csv" --batch 3 --strict --quiet >/dev/null 2>&1
"${E[@]}" ledger hold 3 --reason "subpoena 1" >/dev/null
"${E[@]}" ledger hold 4 --reason "subpoena 2" >/dev/null
"${E[@]}" ledger hold --run 2 --reason "customs inquiry" >/dev/null
"${E[@]}" ledger release 3 >/dev/null
"${E[@]}" ledger release 4 >/dev/null
"${E[@]}" ledger release --run 2 >/dev/null
L0="$T/base.db"
"${E[@]}" ledger backup "$L0" >/dev/null
"$ECCN" --db "$L0" ledger verify >"$T/out" 2>&1 || { echo "FAIL the base ledger does not verify"; cat "$T/out"; exit 1; }

# ---- the changes ----
TRIGGERS="$T/triggers.sql"
sqlite3 "$L0" "SELECT sql || ';' FROM sqlite_schema WHERE type = 'trigger'" >"$TRIGGERS"
DROP=$(sqlite3 "$L0" "SELECT 'DROP TRIGGER ' || name || ';' FROM sqlite_schema WHERE type = 'trigger'")

# change NAME SQL: SQL applied to a copy with the triggers dropped and then put back; verify
# must exit 1 (with the state directory as the base ledger left it).
change() {
    local L="$T/c.db"
    rm -f "$L" "$L-wal" "$L-shm"
    cp "$L0" "$L"
    rm -rf "$T/st"
    cp -r "$T/state" "$T/st"
    { echo "PRAGMA ignore_check_constraints=ON;"; echo "$DROP"; echo "$2;"; cat "$TRIGGERS"; } |
        sqlite3 -bail "$L" 2>"$T/sqlerr" >/dev/null || { bad "$1: the change itself failed: $(cat "$T/sqlerr")"; return; }
    XDG_STATE_HOME="$T/st" "$ECCN" --db "$L" ledger verify >"$T/vout" 2>&1
    local rc=$?
    if [ "$rc" = 1 ] && ! grep -q "schema is not what eccn created" "$T/vout"; then
        ok
        echo "ok   $1: $(grep -m1 TAMPERED "$T/vout")"
    else
        bad "$1: verify exit $rc: $(head -3 "$T/vout")"
    fi
}

# The triggers dropped and put back change nothing: the base of every change below verifies.
rm -f "$T/c.db" "$T/c.db-wal" "$T/c.db-shm"
cp "$L0" "$T/c.db"
{ echo "$DROP"; cat "$TRIGGERS"; } | sqlite3 "$T/c.db"
if "$ECCN" --db "$T/c.db" ledger verify >"$T/vout" 2>&1; then ok; else bad "triggers put back: $(cat "$T/vout")"; fi

tables=$(sqlite3 "$L0" "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'ledger_control' ORDER BY name")
ntables=0
for t in $tables; do
    ntables=$((ntables + 1))
    # A row's key: rowid, or the primary key of a WITHOUT ROWID table.
    if sqlite3 "$L0" "SELECT sql FROM sqlite_schema WHERE name = '$t'" | grep -q "WITHOUT ROWID"; then
        key=$(sqlite3 "$L0" "SELECT group_concat(name, ', ') FROM (SELECT name FROM pragma_table_info('$t') WHERE pk > 0 ORDER BY pk)")
    else key=rowid; fi
    rows=$(sqlite3 "$L0" "SELECT count(*) FROM $t")
    [ "$rows" -ge 3 ] || [ "$t" = ledger_identity ] || bad "$t: $rows rows, the test needs 3"
    first="($key) IN (SELECT $key FROM $t ORDER BY $key LIMIT 1)"
    cols=$(sqlite3 "$L0" "SELECT name FROM pragma_table_info('$t') WHERE upper(type) = 'TEXT'")
    [ -n "$cols" ] || cols=$(sqlite3 "$L0" "SELECT name FROM pragma_table_info('$t') WHERE pk = 0 AND name <> 'hash' LIMIT 1")
    for c in $cols; do
        # another value of the same length where it has one (an identity is 64 digits)
        change "$t.$c changed" "UPDATE $t SET $c = CASE WHEN $c IS NULL THEN 'x' WHEN typeof($c) = 'integer' THEN $c + 1000 WHEN substr($c, 1, 1) = '0' THEN '1' || substr($c, 2) ELSE '0' || substr($c, 2) END WHERE $first"
    done
    for at in $(printf "%s\n" 0 $((rows / 2)) $((rows - 1)) | sort -un); do
        change "$t row $((at + 1)) of $rows deleted" "DELETE FROM $t WHERE ($key) IN (SELECT $key FROM $t ORDER BY $key LIMIT 1 OFFSET $at)"
    done
done
echo "$ntables tables that hold evidence: $tables" | tr '\n' ' '
echo
finish
