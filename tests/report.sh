#!/usr/bin/env bash
# report.sh: `eccn report` against golden files, and its edge cases. Usage:
#   report.sh ECCN_BINARY SOURCE_DIR [--update]   (--update rewrites tests/golden/*)
# The ledger is built from tests/fixtures/report-inventory.csv (both rule regimes, errors, an
# indeterminate line, a part called <script>); SOURCE_DATE_EPOCH fixes the generation time, and
# the ledger path and rules revision are normalised, so the goldens change only when the report
# or the rules do.
set -u
. "$(dirname "$0")/lib.sh"
ECCN=$1
SRC=$2
UPDATE=${3:-}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
# The signed heads of the ledgers made here stay here too (docs/security.md).
export XDG_STATE_HOME="$T/state"
export SOURCE_DATE_EPOCH=1767225600 # 2026-01-01T00:00:00Z
E=("$ECCN" --rules "$SRC/rules" --data "$SRC/data")
G="$SRC/tests/golden"
normalise() { sed -e "s#$T/#LEDGER_DIR/#g" -e 's/[0-9a-f]\{64\}/REVISION/g' "$1"; }

L="$T/l.db"
"${E[@]}" --db "$L" audit "$SRC/tests/fixtures/report-inventory.csv" --quiet >/dev/null
for f in md json csv; do
    if ! "${E[@]}" --db "$L" report --run 1 --format "$f" -o "$T/report.$f" 2>"$T/err"; then
        bad "report --format $f: $(cat "$T/err")"
        continue
    fi
    files=("report.$f")
    [ "$f" = md ] && files+=(report-control-map.svg report-destinations.svg)
    for n in "${files[@]}"; do
        normalise "$T/$n" >"$T/$n.norm"
        if [ "$UPDATE" = --update ]; then
            cp "$T/$n.norm" "$G/$n"
        elif cmp -s "$T/$n.norm" "$G/$n"; then
            ok
        else
            bad "$n differs from tests/golden/$n:"
            diff "$G/$n" "$T/$n.norm" | head -10
        fi
    done
done
# The JSON is JSON, and its counts add up (SQLite's JSON functions, through the sqlite3 shell).
q="SELECT json_valid(j) AND json_extract(j, '\$.summary.lines') = json_extract(j, '\$.summary.license_required') + json_extract(j, '\$.summary.indeterminate') + json_extract(j, '\$.summary.no_license_required') + json_extract(j, '\$.summary.errors') FROM (SELECT CAST(readfile('$T/report.json') AS TEXT) AS j)"
[ "$(sqlite3 :memory: "$q")" = 1 ] && ok || bad "report.json: not JSON, or its summary does not add up"

# Escaping: the part called <script> is text in HTML, never markup.
"${E[@]}" --db "$L" report --run 1 --format html -o "$T/report.html" || bad "html report"
grep -q '&lt;script&gt;alert(1)&lt;/script&gt;' "$T/report.html" && ok || bad "html: the <script> part is not escaped"
! grep -qi '<script' "$T/report.html" && ok || bad "html: a <script> element is present"
! grep -Eqi '(src|href)="(https?:)?//[^"]*\.(js|css|png|woff)' "$T/report.html" && ok || bad "html: fetches something"
grep -q '<svg' "$T/report.html" && [ "$(grep -c '<svg' "$T/report.html")" -ge 2 ] && ok || bad "html: charts not inline"
grep -q '@media print' "$T/report.html" && ok || bad "html: no print CSS"
# Same ledger, same options: the same report.
"${E[@]}" --db "$L" report --run 1 --format html -o "$T/again.html"
cmp -s "$T/report.html" "$T/again.html" && ok || bad "html: not reproducible"

# An empty ledger (created, then its only verdict purged by hand): a report of nothing, no error.
# (Its signed head is kept elsewhere, or the report would rightly refuse a ledger cut back.)
XDG_STATE_HOME="$T/elsewhere" "${E[@]}" --db "$T/empty2.db" check H20 --to DE --date 2024-06-01 >/dev/null
sqlite3 "$T/empty2.db" "UPDATE ledger_control SET purging=1; DELETE FROM verdicts; UPDATE ledger_control SET purging=0"
if "${E[@]}" --db "$T/empty2.db" report --format json -o "$T/empty.json"; then
    grep -q '"lines":0' "$T/empty.json" && ok || bad "empty ledger: lines not 0"
else bad "empty ledger: report failed"; fi
# A run with only errors.
printf 'sku,qty,country,date\nRTX 9999,1,CN,2024-06-01\nH20,x,CN,2024-06-01\n' >"$T/errors.csv"
"${E[@]}" --db "$T/errors.db" audit "$T/errors.csv" --quiet >/dev/null
if "${E[@]}" --db "$T/errors.db" report --run 1 --format json -o "$T/errors.json"; then
    grep -q '"errors":2' "$T/errors.json" && grep -q '"license_required":0' "$T/errors.json" && ok || bad "only errors: counts"
    grep -q 'unknown part' "$T/errors.json" && ok || bad "only errors: reasons missing"
else bad "only errors: report failed"; fi
# A run that does not exist, a bad format.
"${E[@]}" --db "$L" report --run 9 >/dev/null 2>&1; [ $? = 2 ] && ok || bad "missing run: exit status"
"${E[@]}" --db "$L" report --format pdf >/dev/null 2>&1; [ $? = 2 ] && ok || bad "bad format: exit status"

finish
