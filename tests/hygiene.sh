#!/usr/bin/env bash
# hygiene.sh: what input files hold cannot drive the terminal or a spreadsheet. Escape sequences
# from the command line or a CSV are shown as \xNN in diagnostics; cells that a spreadsheet
# would run as formulas come out of CSV reports as text. Usage: hygiene.sh ECCN SRC_DIR.
# Ends with "N passed, N failed".
set -u
. "$(dirname "$0")/lib.sh"
ECCN=$1
SRC=$2
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export ECCN_DB="$T/ledger.db" HOME="$T" XDG_STATE_HOME="$T/state"
E() { "$ECCN" --rules "$SRC/rules" --data "$SRC/data" "$@"; }
esc=$'\e'

E check "XQ9${esc}[31mRED" --to CN --date 2024-06-01 --no-record >"$T/out" 2>"$T/err"
[ $? = 2 ] && ok || bad "unknown part is not exit 2"
grep -q "$esc" "$T/err" "$T/out" && bad "a raw escape reached the terminal: $(od -c "$T/err" | head -3)" || ok
grep -qF 'XQ9\x1b[31mRED' "$T/err" && ok || bad "escape not shown as \\x1b: $(cat "$T/err")"

printf 'part,quantity,destination,date\n=HYPERLINK("http://evil/"),1,CN,2024-06-01\nH100 SXM5,2,CN,2024-06-01\n"A100%s]0;pwned\a",1,DE,2024-06-01\n' \
    "$esc" >"$T/inv.csv"
E audit "$T/inv.csv" >"$T/out" 2>"$T/err"
grep -q "$esc" "$T/out" "$T/err" && bad "audit printed a raw escape" || ok
run=$(E ledger runs 2>/dev/null | awk 'NR > 1 && $1 ~ /^[0-9]+$/ {r = $1} END {print r}')
E report --run "${run:-1}" --format csv >"$T/report.csv" 2>"$T/err" && ok || bad "report csv: $(cat "$T/err")"
grep -qF "\"'=HYPERLINK(\"\"http://evil/\"\")\"" "$T/report.csv" && ok || bad "formula not neutralised: $(grep -i hyperlink "$T/report.csv")"
grep -q '^=' "$T/report.csv" && bad "a cell starts with =" || ok
# The audit's --out, the file a user opens in a spreadsheet: the same rule.
printf 'part,quantity,destination,date\n"=HYPERLINK(""http://evil/"")",1,CN,2024-06-01\n+cmd,1,CN,2024-06-01\n' >"$T/f.csv"
E audit "$T/f.csv" --out "$T/f-out.csv" >/dev/null 2>&1
grep -qF "\"'=HYPERLINK(" "$T/f-out.csv" && grep -qF "\"'+cmd\"" "$T/f-out.csv" && ok ||
    bad "--out: formulas not neutralised: $(cat "$T/f-out.csv")"
cut -d, -f3 "$T/f-out.csv" | grep -q '^[=+@-]' && bad "--out: a cell starts a formula" || ok
finish
