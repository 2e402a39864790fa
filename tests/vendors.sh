#!/bin/bash
# vendors.sh: `eccn vendors check` over both vendor tables (issue 17 item 6). Every row must be
# decided, and every row flagged for review must be explained in docs/vendors.md, by part number.
# Usage: vendors.sh ECCN_BINARY SOURCE_DIR
set -u
. "$(dirname "$0")/lib.sh"
ECCN=$1
SRC=$2
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

if "$ECCN" --rules "$SRC/rules" --data "$SRC/data" vendors check --date 2026-12-01 --json >"$T/out"; then ok; else bad "vendors check exit $?"; fi
rows=$(grep -o '"rows":[0-9]*' "$T/out" | cut -d: -f2)
[ "$rows" = 9906 ] && ok || bad "rows checked: $rows, wanted 9906 (1,352 NVIDIA + 8,554 AMD)"
grep -o '"part_number":"[^"]*"' "$T/out" | cut -d'"' -f4 | sort -u >"$T/flagged"
[ -s "$T/flagged" ] && ok || bad "no flagged rows: the known disagreements are gone or the check is broken"
while read -r pn; do
    # Listed whole, or as a suffix after its stem (-00A0-0R0 after 935-26287-00A0-000).
    stem=${pn%-*}
    tail=${pn#"${stem%-*}"}
    if grep -q -- "$pn" "$SRC/docs/vendors.md" || grep -q -- "${tail}" "$SRC/docs/vendors.md"; then
        ok
    else
        bad "flagged row $pn is not explained in docs/vendors.md"
    fi
done <"$T/flagged"
grep -q '"status":"indeterminate"' "$T/out" && bad "a vendor row is left undecided" || ok
# One table only.
"$ECCN" --rules "$SRC/rules" --data "$SRC/data" vendors check --vendor AMD --date 2026-12-01 >"$T/amd"
grep -q '^8554 rows, 0 flagged' "$T/amd" && ok || bad "AMD alone: $(tail -1 "$T/amd")"
# An audit tries a line's part-number column, then its description, part numbers inside included.
cat >"$T/orders.csv" <<'CSV'
line_id,part_number,description,quantity,destination,ship_date
1,,Order item 900-21010-0000-000 NVIDIA H100 PCIe,1,CN,2026-11-01
2,NOT-A-PART,HGX H100 board p/n 935-24287-0000-000,1,CN,2026-11-01
3,900210100000000,,1,DE,2026-11-01
4,,L40 power cable,1,CN,2026-11-01
CSV
"$ECCN" --rules "$SRC/rules" --data "$SRC/data" --db "$T/l.db" audit "$T/orders.csv" --quiet >"$T/audit" 2>&1
grep -q 'lines read 4 = results 3 + errors 1' "$T/audit" && ok || bad "audit: $(head -3 "$T/audit")"
grep -q "L40 power cable.*accessory" "$T/audit" && ok || bad "audit: the accessory line is not an error naming why"

# A line known only by a vendor row: the report says what it was (the vendor's description and
# ECCN), and impact and replay find the part again by its recorded id.
cat >"$T/vendor-only.csv" <<'CSV'
line_id,part_number,description,quantity,destination,ship_date
1,920-23627-0020-000,,1,DE,2026-11-01
2,PSP-PS3,,1,DE,2026-11-01
3,,Nvidia T400 4GB,2,DE,2026-11-01
CSV
"$ECCN" --rules "$SRC/rules" --data "$SRC/data" --db "$T/v.db" audit "$T/vendor-only.csv" --record --quiet >/dev/null 2>&1
"$ECCN" --rules "$SRC/rules" --data "$SRC/data" --db "$T/v.db" report --run 1 --format md -o "$T/report.md"
grep -q 'NVIDIA:920-23627-0020-000 (Universal Tester 2.0 4U Vulcan DUT Assem; NVIDIA 2026-07-31: 3A992.a)' "$T/report.md" && ok || bad "report: the vendor-only part is not described: $(grep -i 920-23627 "$T/report.md")"
grep -q 'AMD:PSP-PS3 (AMD 2026-06-30: EAR99)' "$T/report.md" && ok || bad "report: the AMD row is not described"
grep -q 't400 (NVIDIA T400 4GB.*; NVIDIA 2026-07-31: 4A994.l)' "$T/report.md" && ok || bad "report: the vendor row that decided the T400 is not named"
lacks "report cites no vendor provision" "$T/report.md" "vendor:NVIDIA"
"$ECCN" --rules "$SRC/rules" --data "$SRC/data" --db "$T/v.db" report --run 1 --format json >"$T/report.json"
contains "report json" "$T/report.json" '"vendor_classification":"Universal Tester 2.0 4U Vulcan DUT Assem; NVIDIA 2026-07-31: 3A992.a"'
"$ECCN" --rules "$SRC/rules" --data "$SRC/data" --db "$T/v.db" impact --run 1 --from 2026-08-01 --to 2026-12-01 >"$T/impact" 2>&1
contains "impact over vendor rows" "$T/impact" '0 of 3 lines change'

# Import: a user's CSV replaces nothing else, lands beside the others, and changes the revision.
cp -r "$SRC/data" "$T/data"
chmod -R u+w "$T/data"
printf 'part_number,description,eccn\nQQ-0001-0002-000,Demo accelerator card,4A090.b\n' >"$T/mine.csv"
before=$("$ECCN" --rules "$SRC/rules" --data "$T/data" vendors list | tail -1)
if "$ECCN" --rules "$SRC/rules" --data "$T/data" vendors import "$T/mine.csv" --vendor Demo --date 2026-11-30 >"$T/imp"; then ok; else bad "import exit $?"; fi
[ -f "$T/data/vendors/demo-2026-11-30.csv" ] && ok || bad "import did not copy the table"
after=$("$ECCN" --rules "$SRC/rules" --data "$T/data" vendors list | tail -1)
[ "$before" != "$after" ] && ok || bad "the revision did not change with the import"
"$ECCN" --rules "$SRC/rules" --data "$T/data" vendors list | grep -q '^NVIDIA 2026-07-31: 1352 rows' && ok || bad "import lost NVIDIA's table"
"$ECCN" --rules "$SRC/rules" --data "$T/data" classify qq00010002000 --date 2026-12-01 >"$T/c"
grep -q 'ECCN: 4A090.b (controlled)' "$T/c" && ok || bad "imported row: $(head -3 "$T/c")"
"$ECCN" --rules "$SRC/rules" --data "$T/data" vendors import "$T/mine.csv" --vendor Demo >/dev/null 2>&1
[ $? = 2 ] && ok || bad "import without --date should be a usage error"
finish
