#!/usr/bin/env bash
# screen_audit.sh: an audit screens its consignee and end-user columns (issue 21): each distinct
# party (name as normalised, and destination) once per run, counted in the summary and as
# audit_parties rows; a hit or a possible match changes the line's verdict as in check; --out
# names each party's result and entry; a review recorded with `screen --clear` is chained, makes
# the next audit take the name as cleared, and tampering with it is found by `ledger verify`;
# reports list the hits and reviews. Usage: screen_audit.sh ECCN SRC. "N passed, N failed".
# Skipped (77) without the sqlite3 CLI, which counts rows and tampers.
set -u
. "$(dirname "$0")/lib.sh"
command -v sqlite3 >/dev/null || { echo "SKIPPED: the sqlite3 CLI is not installed"; exit 77; }
ECCN=$1
SRC=$2
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export XDG_STATE_HOME="$T/state"
L="$T/l.db"
E=("$ECCN" --rules "$SRC/rules" --data "$SRC/data" --db "$L")
# The H20 in mid-2024: no licence required for the part alone, so every change is the party's.
# Five distinct parties over nine lines: Huawei (an Entity List hit) written three ways, Sugon
# Information (a possible match), Siemens AG in two countries and as an end user, Bosch (clear).
cat >"$T/inv.csv" <<'CSV'
order_line,part_number,qty,ship_to_country,ship_date,Sold-To Name,End User
L1,H20,4,CN,2024-06-01,"Huawei Technologies Co., Ltd.",
L2,H20,4,CN,2024-06-01,HUAWEI TECHNOLOGIES CO LTD,
L3,H20,4,CN,2024-06-01,  Huawei Technologies Co. Ltd ,
L4,H20,4,CN,2024-06-01,Sugon Information,
L5,H20,4,CN,2024-06-01,Sugon Information,
L6,H20,4,DE,2024-06-01,Siemens AG,Robert Bosch GmbH
L7,H20,4,DE,2024-06-01,Siemens AG,Siemens AG
L8,H20,4,CN,2024-06-01,Siemens AG,
L9,H20,4,DE,2024-06-01,,
CSV
expect "audit" 1 "${E[@]}" audit "$T/inv.csv" --json --out "$T/res.csv"
cp "$T/out" "$T/sum.json"
contains "distinct parties in the summary" "$T/sum.json" '"parties_screened":5,'
contains "hits" "$T/sum.json" '"hits":1,'
contains "reviews" "$T/sum.json" '"reviews":1,'
contains "lists revision in the summary" "$T/sum.json" '"lists_revision":"'
[ "$(sqlite3 "$L" "SELECT count(*) FROM audit_parties")" = 5 ] && ok || bad "not one audit_parties row a distinct party"
[ "$(sqlite3 "$L" "SELECT count(DISTINCT consignee) FROM audit_results WHERE consignee IS NOT NULL")" = 4 ] &&
    ok || bad "lines do not share their party's row"
contains "the run's options name the lists" <(sqlite3 "$L" "SELECT options FROM audit_runs") "lists="
# Verdicts: the listed consignee decides, the possible match asks for review, the clear ones
# leave the part's answer; --out says so per party.
contains "out header" "$T/res.csv" "consignee_screening,consignee_list,consignee_entry,consignee_entity_number,consignee_screening_note,end_user_screening"
line() { grep "^$1," "$T/res.csv"; }
line 2 | grep -q "license_required,,screening:EL,15 CFR 744.11" && line 2 | grep -q ',hit,EL,"Huawei' &&
    ok || bad "the listed consignee's line: $(line 2)"
line 4 | grep -q "^4,L3,H20,h20,4,CN,2024-06-01,license_required" && ok || bad "a padded variant: $(line 4)"
line 5 | grep -q "indeterminate" && line 5 | grep -q ",review,EL,Sugon," && ok || bad "the possible match: $(line 5)"
line 7 | grep -q "no_license_required.*,clear,,,,,clear,,,," && ok || bad "clear parties: $(line 7)"
line 10 | grep -q "no_license_required" && ok || bad "no party: $(line 10)"
# A review recorded: chained, and the next audit takes the name as cleared.
expect "clear without a reason" 2 "${E[@]}" screen --clear "Sugon Information" --country CN
expect "clear a hit without --force" 2 "${E[@]}" screen --clear "Huawei Technologies Co., Ltd." --country CN --reason "x"
expect "clear" 0 "${E[@]}" screen --clear "Sugon Information" --country CN --reason "a reseller, checked: not Dawning"
contains "clear names the entry" "$T/out" "is not Sugon [EL]"
expect "verify after clearing" 0 "${E[@]}" ledger verify
expect "audit after the review" 1 "${E[@]}" audit "$T/inv.csv" --json --out "$T/res2.csv"
contains "a new run, not the old one reused" "$T/out" '"reused":false'
contains "cleared counted" "$T/out" '"cleared_by_review":1'
contains "no review left" "$T/out" '"reviews":0,'
grep "^5," "$T/res2.csv" | grep -q 'no_license_required.*,clear,,,,"cleared by .* on [0-9-]*: a reseller, checked: not Dawning"' &&
    ok || bad "the cleared line: $(grep "^5," "$T/res2.csv")"
expect "check after the review" 0 "${E[@]}" check H20 --to CN --date 2024-06-01 --consignee "Sugon Information" --no-record
contains "check says cleared" "$T/out" "cleared by"
# Reports list the hits and the reviews with their entries, and the lists revision.
run=$(sqlite3 "$L" "SELECT max(id) FROM audit_runs")
expect "report md" 0 "${E[@]}" report --run 1 --format md
contains "md section" "$T/out" "## Denied-party screening"
contains "md hit" "$T/out" "| hit | license\\_required | EL: Huawei"
contains "md review" "$T/out" "| review | review | EL: Sugon"
contains "md revision" "$T/out" "Screened against lists revision"
expect "report json" 0 "${E[@]}" report --run "$run" --format json
contains "json cleared" "$T/out" '"review":"cleared by '
expect "report csv" 0 "${E[@]}" report --run 1 --format csv
contains "csv rows" "$T/out" "screening,1,,,Sugon Information,EL: Sugon,CN,,2,review"
# Tampering with a recorded review or a screened party is found.
cp "$L" "$T/t1.db"
sqlite3 "$T/t1.db" "DROP TRIGGER screen_clearances_no_UPDATE; UPDATE screen_clearances SET reason='edited'"
expect "edited review" 1 "$ECCN" --rules "$SRC/rules" --data "$SRC/data" --db "$T/t1.db" ledger verify
contains "names the chain" "$T/out" "screen_clearances"
cp "$L" "$T/t2.db"
sqlite3 "$T/t2.db" "DROP TRIGGER screen_clearances_no_DELETE; DELETE FROM screen_clearances WHERE id=1"
expect "deleted review" 1 "$ECCN" --rules "$SRC/rules" --data "$SRC/data" --db "$T/t2.db" ledger verify
cp "$L" "$T/t3.db"
sqlite3 "$T/t3.db" "DROP TRIGGER audit_parties_no_UPDATE; UPDATE audit_parties SET result='clear' WHERE result='hit'"
expect "edited party" 1 "$ECCN" --rules "$SRC/rules" --data "$SRC/data" --db "$T/t3.db" ledger verify
cp "$L" "$T/t4.db"
sqlite3 "$T/t4.db" "DROP TRIGGER audit_results_no_UPDATE; UPDATE audit_results SET consignee=NULL WHERE key=(SELECT min(key) FROM audit_results WHERE consignee IS NOT NULL)"
expect "a line's party removed" 1 "$ECCN" --rules "$SRC/rules" --data "$SRC/data" --db "$T/t4.db" ledger verify
finish
