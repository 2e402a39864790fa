#!/usr/bin/env bash
# erp.sh: an audit of input as ERP systems export it (issue 20): header words of ERP exports, US
# dates decided once per file, spelled-out countries, quantities such as "1,024" and "16.00", a
# byte order mark and CRLF, an .xlsx workbook (tests/fixtures/erp.xlsx, made by
# tests/fixtures/make-erp-xlsx.py), and --out rows to act on. Usage: erp.sh ECCN_BINARY SOURCE_DIR
set -u
. "$(dirname "$0")/lib.sh"
ECCN=$1
SRC=$2
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
read -r -a W <<<"${ECCN_WRAP:-}"
E=("${W[@]}" "$ECCN" --rules "$SRC/rules" --data "$SRC/data" --db "$T/l.db")
field() { # field FILE LINE COLUMN_NAME: one cell of --out's row for an input line
    sqlite3 :memory: ".import --csv $1 t" "SELECT \"$3\" FROM t WHERE line = '$2'"
}
is() { # is NAME GOT WANTED
    if [ "$2" = "$3" ]; then pass=$((pass + 1)); else bad "$1: got '$2', wanted '$3'"; fi
}

# An ERP export: BOM, CRLF, ERP header words, US dates, countries spelled out, grouped and
# zero-decimal quantities, a column no field uses.
printf '\xef\xbb\xbfOrder Line,Item Number,Item Description,Qty Shipped,Ship-To Country,Ship Date,Sold-To Name,Warehouse\r\n' >"$T/erp.csv"
printf 'SO-1,H100 SXM5 80GB,,"1,024",China,03/14/2024,Acme Ltd,W1\r\n' >>"$T/erp.csv"
printf 'SO-2,,NVIDIA L40S,16.00,Germany,12/01/2024,Acme Ltd,W2\r\n' >>"$T/erp.csv"
printf 'SO-3,H20,,2,Viet Nam,01/13/2025,Acme Ltd,W1\r\n' >>"$T/erp.csv"
printf 'SO-4,A100 SXM4 80GB,,"2,000.00","Korea, Republic of",6/1/2023,Acme Ltd,W1\r\n' >>"$T/erp.csv"
printf 'SO-5,H100 SXM5 80GB,,4,Cuba,01/02/2025,Acme Ltd,W3\r\n' >>"$T/erp.csv"
expect "erp csv" 1 "${E[@]}" audit "$T/erp.csv" --out "$T/erp.out" --quiet
contains "erp csv judged" "$T/out" "lines read 5 = results 5 + errors 0"
contains "erp csv dates" "$T/out" "dates read as month/day/year"
contains "erp csv unused column" "$T/out" 'columns not used: "Warehouse"'
lacks "erp csv no quantity warning" "$T/out" "warning:"
is "erp csv qty 1,024" "$(field "$T/erp.out" 2 quantity)" 1024
is "erp csv qty 16.00" "$(field "$T/erp.out" 3 quantity)" 16
is "erp csv qty 2,000.00" "$(field "$T/erp.out" 5 quantity)" 2000
is "erp csv US date" "$(field "$T/erp.out" 2 date)" 2024-03-14
is "erp csv short date" "$(field "$T/erp.out" 5 date)" 2023-06-01
is "erp csv country name" "$(field "$T/erp.out" 5 destination)" KR
is "erp csv resolved part" "$(field "$T/erp.out" 3 resolved_part)" l40s
is "erp csv line id" "$(field "$T/erp.out" 6 line_id)" SO-5
# The Cuba row says why: the provision that decided it, with its citation.
is "cuba verdict" "$(field "$T/erp.out" 6 verdict)" license_required
[ -n "$(field "$T/erp.out" 6 reason)" ] && [ -n "$(field "$T/erp.out" 6 provision)" ] &&
    [ -n "$(field "$T/erp.out" 6 citation)" ] && pass=$((pass + 1)) || bad "cuba row without reason, provision or citation"
# No reason contradicts its verdict.
n=$(sqlite3 :memory: ".import --csv $T/erp.out t" \
    "SELECT count(*) FROM t WHERE verdict <> 'indeterminate' AND reason LIKE '%cannot be decided%'")
is "no contradicting reason" "$n" 0
# The run records the quantities and the date format it decided (a resume reads the same way).
is "ledger quantity" "$(sqlite3 "$T/l.db" "SELECT sum(quantity) FROM audit_results")" 3046
contains "options keep the date format" <(sqlite3 "$T/l.db" "SELECT options FROM audit_runs") "date_format=3"

# The same lines as a workbook: row numbers as Excel shows them (row 6 is empty), serial dates and
# one typed as text, a quantity as text and as a number.
expect "erp xlsx" 1 "${E[@]}" audit "$SRC/tests/fixtures/erp.xlsx" --out "$T/xlsx.out" --quiet
contains "erp xlsx judged" "$T/out" "lines read 5 = results 5 + errors 0"
is "xlsx rows" "$(sqlite3 :memory: ".import --csv $T/xlsx.out t" "SELECT group_concat(line) FROM t")" 2,3,4,5,7
is "xlsx qty 1,024" "$(field "$T/xlsx.out" 2 quantity)" 1024
is "xlsx qty 16.00" "$(field "$T/xlsx.out" 4 quantity)" 16
is "xlsx serial date" "$(field "$T/xlsx.out" 2 date)" 2024-03-14
is "xlsx text date" "$(field "$T/xlsx.out" 4 date)" 2025-01-13
is "xlsx rich text part" "$(field "$T/xlsx.out" 7 resolved_part)" h100-sxm5-80gb
is "xlsx destination" "$(field "$T/xlsx.out" 5 destination)" KR
expect "xlsx sheet" 0 "${E[@]}" audit "$SRC/tests/fixtures/erp.xlsx" --sheet Notes --out "$T/notes.out" --quiet
is "xlsx sheet row" "$(field "$T/notes.out" 4 date)" 2024-03-14
expect "xlsx no such sheet" 2 "${E[@]}" audit "$SRC/tests/fixtures/erp.xlsx" --sheet Nope
contains "xlsx sheets listed" "$T/err" '"Orders", "Notes"'
expect "sheet of a csv" 2 "${E[@]}" audit "$T/erp.csv" --sheet Orders
contains "sheet of a csv said" "$T/err" "not a workbook"
# A CSV through a pipe is read once: not sniffed for a workbook, its dates not read ahead (ISO
# unless --date-format says otherwise, and the summary says which to give).
expect "csv through a pipe" 1 "${E[@]}" audit <(cat "$T/erp.csv") --date-format mdy --quiet
contains "csv through a pipe judged" "$T/out" "results 5 + errors 0"
expect "csv through a pipe, US dates" 2 "${E[@]}" audit <(cat "$T/erp.csv") --quiet
contains "csv through a pipe, US dates said" "$T/out" "2 lines: dates look like MM/DD/YYYY: use --date-format mdy"
printf 'PK\003\004 not really a zip' >"$T/fake.xlsx"
expect "broken workbook" 2 "${E[@]}" audit "$T/fake.xlsx"
contains "broken workbook said" "$T/err" "fake.xlsx"

# Dates that could be read either way: the whole file is refused, and says how to decide.
printf 'sku,country,date\nH20,CN,03/04/2024\nH20,CN,05/06/2024\nH20,CN,2024-06-01\n' >"$T/amb.csv"
expect "ambiguous dates" 2 "${E[@]}" audit "$T/amb.csv"
contains "ambiguous dates said" "$T/err" "2 dates could be day/month/year or month/day/year"
contains "ambiguous dates ask" "$T/err" "--date-format"
is "ambiguous dates: nothing recorded" "$(sqlite3 "$T/l.db" "SELECT count(*) FROM audit_runs WHERE file LIKE '%amb.csv'")" 0
expect "ambiguous dates decided" 0 "${E[@]}" audit "$T/amb.csv" --date-format dmy --out "$T/amb.out" --quiet
is "dmy date" "$(field "$T/amb.out" 2 date)" 2024-04-03
expect "bad --date-format" 2 "${E[@]}" audit "$T/amb.csv" --date-format ymd
# A wrong format forced: the lines fail for one reason, and the summary says so once.
{ echo "sku,country,date"; for d in 13 14 15 16 17 18 19 20 21 22 23 24 25; do echo "H20,CN,12/$d/2024"; done; } >"$T/us.csv"
expect "forced dmy" 2 "${E[@]}" audit "$T/us.csv" --date-format dmy --quiet
contains "one line for one reason" "$T/out" "13 lines: dates look like MM/DD/YYYY: use --date-format mdy"
# ... and so does the summary of the run reused from the ledger.
expect "forced dmy reused" 2 "${E[@]}" audit "$T/us.csv" --date-format dmy --quiet
contains "reused run reused" "$T/out" "a finished run of the same bytes"
contains "reused run's one line" "$T/out" "13 lines: dates look like MM/DD/YYYY: use --date-format mdy"
contains "reused run's warning" "$T/out" "warning: no quantity column"

# An ISO first date, then dates either order could read: each line says so, once in the summary.
printf 'sku,country,date\nH20,CN,2024-06-01\nH20,CN,03/04/2024\nH20,CN,05/06/2024\n' >"$T/iso1.csv"
expect "iso first" 2 "${E[@]}" audit "$T/iso1.csv" --quiet
contains "iso first said" "$T/out" "2 lines: ambiguous dates (d/m/y or m/d/y): use --date-format dmy or mdy"

# --map naming a column the file does not have.
expect "map unknown column" 2 "${E[@]}" audit "$T/erp.csv" --map "Qty Ordered=quantity"
contains "map unknown column said" "$T/err" "no column 'Qty Ordered'"
expect "map known column" 1 "${E[@]}" audit "$T/erp.csv" --map "Warehouse=line_id" --force --quiet
contains "mapped column used, the alias's left" "$T/out" 'columns not used: "Order Line"'

# The spellings are data: a user adds their ERP's word, and a field data/columns.yaml does not
# know is an error naming its line.
mkdir "$T/data" && cp -r "$SRC"/data/* "$T/data/"
sed -i 's/^quantity:$/quantity:\n  - Menge/' "$T/data/columns.yaml"
printf 'Material,Menge,Land,Lieferdatum\nH20,"1,024",Germany,2024-06-01\n' >"$T/de.csv"
expect "own spelling" 0 "${E[@]}" --data "$T/data" audit "$T/de.csv" --map Land=destination \
    --map Lieferdatum=date --out "$T/de.out" --quiet
is "own spelling read" "$(field "$T/de.out" 2 quantity)" 1024
echo "colour: [Farbe]" >>"$T/data/columns.yaml"
expect "unknown field in columns.yaml" 2 "${E[@]}" --data "$T/data" audit "$T/de.csv"
contains "unknown field in columns.yaml said" "$T/err" "columns.yaml:"
contains "unknown field in columns.yaml named" "$T/err" "unknown field 'colour'"

# No quantity column: judged all the same, the quantity unknown and said so once.
printf 'sku,country,date\nH100 SXM5 80GB,CN,2024-06-01\nH20,DE,2024-06-01\n' >"$T/noqty.csv"
expect "no quantity" 1 "${E[@]}" audit "$T/noqty.csv" --out "$T/noqty.out"
contains "no quantity warned" "$T/out" "warning: no quantity column"
[ "$(grep -c 'no quantity column' "$T/out")" = 1 ] && pass=$((pass + 1)) || bad "quantity warning not once"
contains "no quantity in the licence line" "$T/out" "xunknown"
is "no quantity in --out" "$(field "$T/noqty.out" 2 quantity)" unknown
is "no quantity recorded NULL" "$(sqlite3 "$T/l.db" "SELECT count(*) FROM audit_results_v WHERE run_id = (SELECT max(id) FROM audit_runs) AND quantity IS NULL")" 2
expect "no quantity json" 1 "${E[@]}" audit "$T/noqty.csv" --json
contains "no quantity json null" "$T/out" '"quantity":null'
# ... and impact on such a run says the quantity is unknown, not -1.
printf 'sku,country,date\nH20,CN,2025-03-01\n' >"$T/h20.csv"
expect "no quantity h20" 0 "${E[@]}" audit "$T/h20.csv"
h20run=$(sqlite3 "$T/l.db" "SELECT max(id) FROM audit_runs")
expect "impact no quantity" 0 "${E[@]}" impact --from 2025-03-01 --to 2025-06-01 --run "$h20run" --json
contains "impact unknown quantity null" "$T/out" '"quantity":null'
lacks "impact unknown quantity not -1" "$T/out" '"quantity":-1'

# A fractional quantity is the line's error, with the field at fault; the line keeps its date.
printf 'sku,qty,country,date\nH20,2.5,DE,2024-06-01\nH20,"1,00",DE,2024-06-01\n' >"$T/frac.csv"
expect "fractional" 2 "${E[@]}" audit "$T/frac.csv" --out "$T/frac.out" --quiet
is "fractional field" "$(field "$T/frac.out" 2 field)" quantity
contains "fractional reason" "$T/frac.out" "fractional"
is "error keeps its date" "$(field "$T/frac.out" 2 date)" 2024-06-01
is "bad grouping field" "$(field "$T/frac.out" 3 field)" quantity

# --out of a reused run is the same file; --out never writes over the ledger, the input or an
# existing file without --force.
expect "reused out" 1 "${E[@]}" audit "$T/erp.csv" --out "$T/erp2.out" --quiet
cmp -s "$T/erp.out" "$T/erp2.out" && pass=$((pass + 1)) || bad "--out of a reused run differs"
expect "out exists" 2 "${E[@]}" audit "$T/erp.csv" --out "$T/erp.out" --quiet
contains "out exists said" "$T/err" "give --force"
expect "out over the ledger" 2 "${E[@]}" audit "$T/erp.csv" --out "$T/l.db" --force --quiet
expect "out over the ledger's log" 2 "${E[@]}" audit "$T/erp.csv" --out "$T/l.db-wal" --force --quiet
expect "out over the input" 2 "${E[@]}" audit "$T/erp.csv" --out "$T/erp.csv" --force --quiet
contains "out over the input said" "$T/err" "refusing"
ln -s "$T/elsewhere.csv" "$T/link.csv"
expect "out through a link" 2 "${E[@]}" audit "$T/erp.csv" --out "$T/link.csv" --force --quiet
[ ! -e "$T/elsewhere.csv" ] && pass=$((pass + 1)) || bad "--out followed a link"
# A formula-like cell from the input is written as text.
printf 'sku,country,date,line_id\nH20,DE,2024-06-01,"=HYPERLINK(""http://x"")"\nH20,DE,2024-06-01,"a"b\n' >"$T/formula.csv"
expect "formula cell" 2 "${E[@]}" audit "$T/formula.csv" --out "$T/formula.out" --quiet
contains "formula neutralised" "$T/formula.out" "'=HYPERLINK"
# A malformed record is at fault as a whole, not its part.
is "malformed record field" "$(field "$T/formula.out" 3 field)" record

# A run killed part-way and resumed reads its dates as the first process decided (the format is
# stored with the run), and its --out is an uninterrupted run's.
awk 'BEGIN { print "Order Line,Item Number,Qty Shipped,Ship-To Country,Ship Date"
    for (i = 1; i <= 60000; i++) printf "SO-%d,H20,\"1,%03d\",Germany,%02d/%02d/2024\n", i, i % 1000, i % 12 + 1, i % 28 + 1 }' >"$T/big.csv"
K="$T/killed.db"
"${W[@]}" "$ECCN" --rules "$SRC/rules" --data "$SRC/data" --db "$K" audit "$T/big.csv" --batch 1000 --quiet >/dev/null 2>&1 &
pid=$!
for _ in $(seq 1 2000); do
    c=$(sqlite3 "$K" "SELECT results FROM audit_runs WHERE id=1" 2>/dev/null || echo 0)
    [ "${c:-0}" -ge 3000 ] && break
    sleep 0.005
done
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
status=$(sqlite3 "$K" "SELECT status FROM audit_runs WHERE id=1")
if [ "$status" = incomplete ]; then
    expect "resume mdy" 0 "${W[@]}" "$ECCN" --rules "$SRC/rules" --data "$SRC/data" --db "$K" audit --resume 1 --out "$T/resumed.out" --quiet
    contains "resume mdy totals" "$T/out" "lines read 60000 = results 60000 + errors 0"
    expect "whole mdy" 0 "${E[@]}" audit "$T/big.csv" --out "$T/whole.out" --quiet
    cmp -s "$T/resumed.out" "$T/whole.out" && pass=$((pass + 1)) || bad "resumed --out differs from a whole run's"
else
    echo "note: the run finished before it was killed; resume not exercised"
fi

# A line in error keeps every field it was given, its destination too, in --out and in the
# ledger; "Korea" names both candidates. The kept destination is chained like the rest.
printf 'sku,country,date,qty\nH100 SXM5 80GB,Korea,2024-06-01,8\nNOPE-9000,CN,2024-06-01,3\n' >"$T/errdest.csv"
expect "error lines" 2 "${E[@]}" audit "$T/errdest.csv" --out "$T/errdest.out"
is "korea kept" "$(field "$T/errdest.out" 2 destination)" Korea
is "korea field" "$(field "$T/errdest.out" 2 field)" destination
contains "korea candidates" "$T/errdest.out" "could be KR or KP"
is "unknown part keeps CN" "$(field "$T/errdest.out" 3 destination)" CN
is "unknown part keeps quantity" "$(field "$T/errdest.out" 3 quantity)" 3
errrun=$(sqlite3 "$T/l.db" "SELECT max(id) FROM audit_runs")
is "ledger keeps it" "$(sqlite3 "$T/l.db" "SELECT destination FROM audit_lines WHERE run_id=$errrun AND line=3")" CN
cp "$T/l.db" "$T/tdest.db"
sqlite3 "$T/tdest.db" "DROP TRIGGER audit_results_no_UPDATE; UPDATE audit_results SET dest_text = NULL WHERE key = ($errrun << 32 | 3)"
expect "kept destination chained" 1 "${W[@]}" "$ECCN" --rules "$SRC/rules" --data "$SRC/data" --db "$T/tdest.db" ledger verify

# The field at fault keeps what it was given; a run that fails before any line leaves no --out.
printf 'sku,country,date,qty\nH100 SXM5 80GB,DE,2024-01-02,2.5\nH100 SXM5 80GB,DE,2024-99-02,2\n' >"$T/fault.csv"
expect "fault lines" 2 "${E[@]}" audit "$T/fault.csv" --out "$T/fault.out"
is "bad quantity kept" "$(field "$T/fault.out" 2 quantity)" 2.5
is "bad date kept" "$(field "$T/fault.out" 3 date)" 2024-99-02
printf 'sku,date,qty\nH100 SXM5 80GB,2024-01-02,1\n' >"$T/nodest.csv"
expect "no destination column" 2 "${E[@]}" audit "$T/nodest.csv" --out "$T/nodest.out"
[ ! -e "$T/nodest.out" ] && pass=$((pass + 1)) || bad "a run refused at its header left an --out file"

finish
