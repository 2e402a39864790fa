#!/usr/bin/env bash
# output.sh: what eccn's outputs say and where they go (issues 19 and 20): `report -o` never
# over the ledger or through a link, what-if verdicts never taken for decisions, commands that
# name a record check it exists, and check's short answer against its --explain tree.
# Usage: output.sh ECCN_BINARY SOURCE_DIR
set -u
. "$(dirname "$0")/lib.sh"
ECCN=$1
SRC=$2
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export XDG_STATE_HOME="$T/state" # the signed heads of its ledgers stay here
export ECCN_DB="$T/ledger.db"
E=("$ECCN" --rules "$SRC/rules" --data "$SRC/data")

verdicts() { sqlite3 "$ECCN_DB" "SELECT count(*) FROM verdicts"; }

"${E[@]}" check "H800 SXM5" --to CN --date 2024-02-01 --qty 64 >/dev/null

# check: short by default; --explain shows the tree with its ALL/ANY/NOT.
expect "check short" 1 "${E[@]}" check "H800 SXM5" --to CN --date 2024-02-01 --qty 64 --no-record
contains "check short: verdict" "$T/out" "64 x H800 SXM5 80GB (HGX board) -> CN (China) on 2024-02-01: LICENCE REQUIRED"
contains "check short: ECCN" "$T/out" "  ECCN: 4A090.a by ac2023/4A090.a"
contains "check short: deciding" "$T/out" "  deciding provision: ac2023/license-d5-macau"
lacks "check short: no tree" "$T/out" "A:5, A:6"
[ "$(wc -l <"$T/out")" -le 8 ] && pass=$((pass + 1)) ||
    { fail=$((fail + 1)); echo "FAIL check short: $(wc -l <"$T/out") lines"; }
expect "check --explain" 1 "${E[@]}" check "H800 SXM5" --to CN --date 2024-02-01 --explain --no-record
contains "check --explain: NOT" "$T/out" "            NOT (met):"
contains "check --explain: under the NOT" "$T/out" "              - destination CN (China) in [A:5, A:6]: no"
contains "check --explain: ANY" "$T/out" "        ANY of (met):"
expect "check indeterminate" 3 "${E[@]}" check --spec tpp=3000,datacenter=yes --to CN --date 2024-06-01 --no-record
sed -n 2p "$T/out" >"$T/line2"
contains "indeterminate leads with the missing figure" "$T/line2" "missing, to decide it:"
contains "indeterminate: the figure" "$T/out" "this test needs pd >= 5.92 (ac2023/3A090.a.2)"
# Undecided by a letter: the figure that would decide it comes first, not the letter's title.
expect "check undecided by a letter" 3 "${E[@]}" check a10 --to CN --date 2025-06-01 --no-record
sed -n 3p "$T/out" >"$T/line3"
contains "letter: the missing figure first" "$T/line3" "interconnect (GB/s) unknown: this test needs interconnect >= 900 (letters2025/nvidia-h20)"
contains "letter: its title after" "$T/out" "  undecided provision: letters2025/nvidia-h20 - Licence required by letter"
expect "check indeterminate json" 3 "${E[@]}" check --spec tpp=3000,datacenter=yes --to CN --date 2024-06-01 --no-record --json
contains "indeterminate json: missing" "$T/out" '"missing":"PD'
expect "check decided json" 1 "${E[@]}" check "H800 SXM5" --to CN --date 2024-02-01 --no-record --json
contains "decided json: nothing missing" "$T/out" '"missing":null'
contains "decided json: not what-if" "$T/out" '"what_if":null'

# --what-if: never recorded unless --record; marked wherever it shows.
# A draft rule (as cli.sh's): a licence for 3A090.b everywhere but the US.
cp "$SRC/tests/fixtures/what-if-draft.yaml" "$T/draft.yaml"
n=$(verdicts)
expect "what-if check" 1 "${E[@]}" --what-if "$T/draft.yaml" check L40 --to DE --date 2024-06-01
[ "$(verdicts)" = "$n" ] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL what-if check: recorded"; }
contains "what-if check: marked" "$T/out" "WHAT-IF, NOT A DECISION"
contains "what-if check: not recorded" "$T/out" "not recorded (--record to keep it)"
contains "what-if check: verdict marked" "$T/out" "what-if LICENCE REQUIRED"
expect "what-if check --json" 1 "${E[@]}" --what-if "$T/draft.yaml" check L40 --to DE --date 2024-06-01 --json
contains "what-if json: marked" "$T/out" '"what_if":["'
contains "what-if json: no ledger id" "$T/out" '"ledger_id":null'
expect "what-if check --record" 1 "${E[@]}" --what-if "$T/draft.yaml" check L40 --to DE --date 2024-06-01 --record
[ "$(verdicts)" = $((n + 1)) ] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL what-if --record: not recorded"; }
contains "what-if --record: says marked" "$T/out" "(marked what-if)"
WID=$((n + 1))
expect "ledger show what-if" 0 "${E[@]}" ledger show "$WID"
contains "ledger show: marked" "$T/out" "WHAT-IF, NOT A DECISION"
contains "ledger show: verdict marked" "$T/out" "verdict: what-if license_required"
contains "ledger show: exceptions named" "$T/out" "licence exceptions: "
lacks "ledger show: no (null)" "$T/out" "(null)"
expect "ledger show what-if --json" 0 "${E[@]}" ledger show "$WID" --json
contains "ledger show --json: marked" "$T/out" '"what_if":["'
expect "ledger list" 0 "${E[@]}" ledger list
grep "^ *$WID " "$T/out" >"$T/wline"
contains "ledger list: marked" "$T/wline" "WHAT-IF (not a decision)"
grep "^ *1 " "$T/out" >"$T/line1"
lacks "ledger list: real verdict unmarked" "$T/line1" "WHAT-IF"
expect "ledger list --json" 0 "${E[@]}" ledger list --json
contains "ledger list --json: real verdict" "$T/out" '"what_if":null'
contains "ledger list --json: what-if verdict" "$T/out" '"what_if":["'
# ledger show in words: no stored JSON, figures rounded as a person writes them.
expect "ledger show 1" 0 "${E[@]}" ledger show 1
contains "ledger show: provision by title" "$T/out" "    ac2023/license-d5-macau (license) - RS licence requirement"
contains "ledger show: figures" "$T/out" "pd 19.4496"
contains "ledger show: exceptions" "$T/out" "licence exceptions: none"
lacks "ledger show: no JSON" "$T/out" '{"'
! grep -v 'rules revision' "$T/out" | grep -Eq '[0-9]{9}' && pass=$((pass + 1)) ||
    { fail=$((fail + 1)); echo "FAIL ledger show: unrounded figure: $(grep -E '[0-9]{9}' "$T/out" | head -1)"; }
expect "what-if classify" 0 "${E[@]}" --what-if "$T/draft.yaml" classify L40 --date 2024-06-01
contains "what-if classify: marked" "$T/out" "WHAT-IF, NOT A DECISION"
expect "what-if classify --json" 0 "${E[@]}" --what-if aidiff2025 classify L40 --date 2024-06-01 --json
contains "what-if classify json: marked" "$T/out" '"what_if":["aidiff2025"]'
expect "classify --json" 0 "${E[@]}" classify L40 --date 2024-06-01 --json
contains "classify json: not what-if" "$T/out" '"what_if":null'
expect "what-if margin" 0 "${E[@]}" --what-if aidiff2025 margin L40 --date 2024-06-01
contains "what-if margin: marked" "$T/out" "WHAT-IF, NOT A DECISION"
expect "what-if margin --json" 0 "${E[@]}" --what-if aidiff2025 margin L40 --date 2024-06-01 --json
contains "what-if margin json: marked" "$T/out" '"what_if":["aidiff2025"]'
expect "replay of a what-if verdict" 1 "${E[@]}" replay "$WID"
contains "replay: what-if then said" "$T/out" "WHAT-IF then, not a decision"
expect "replay of a what-if verdict --json" 1 "${E[@]}" replay "$WID" --json
contains "replay json: what-if then" "$T/out" '"what_if_then":["'
expect "--record with --no-record" 2 "${E[@]}" check L40 --to DE --record --no-record
expect "a real check still records" 0 "${E[@]}" check L40 --to DE --date 2024-06-01
[ "$(verdicts)" = $((n + 2)) ] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL real check: not recorded"; }

# report -o: through eccn_outfile. The ledger, its -wal, a symlink are refused; an existing file
# needs --force; the ledger is untouched by the attempt.
sum=$(sha256sum "$ECCN_DB")
expect "report over the ledger" 2 "${E[@]}" report -o "$ECCN_DB"
contains "report over the ledger: says why" "$T/err" "refusing to write over it"
[ "$(sha256sum "$ECCN_DB")" = "$sum" ] && pass=$((pass + 1)) ||
    { fail=$((fail + 1)); echo "FAIL report over the ledger: the ledger changed"; }
expect "ledger still verifies" 0 "${E[@]}" ledger verify
expect "report over the ledger's -wal" 2 "${E[@]}" report -o "$ECCN_DB-wal"
expect "report to a new file" 0 "${E[@]}" report -o "$T/r.html"
contains "report written" "$T/r.html" "<html"
expect "report over an existing file" 2 "${E[@]}" report -o "$T/r.html" --format csv
contains "report existing: says --force" "$T/err" "--force"
contains "report existing: left alone" "$T/r.html" "<html"
expect "report --force" 0 "${E[@]}" report -o "$T/r.html" --format csv --force
lacks "report --force replaced it" "$T/r.html" "<html"
ln -s "$ECCN_DB" "$T/link.html"
expect "report through a symlink" 2 "${E[@]}" report -o "$T/link.html" --force
contains "report symlink: says why" "$T/err" "symbolic link"

# Commands that name a record check it exists: exit 2 and say so, never an empty answer.
printf 'sku,qty,country,date\nH20,1,CN,2024-06-01\n' >"$T/one.csv"
"${E[@]}" audit "$T/one.csv" --quiet >/dev/null
expect "audit diff of runs that do not exist" 2 "${E[@]}" audit diff 6 7
contains "audit diff: names the run" "$T/err" "no audit run 6 in the ledger"
expect "audit diff, second run missing" 2 "${E[@]}" audit diff 1 7
contains "audit diff: names the second run" "$T/err" "no audit run 7 in the ledger"
lacks "audit diff: no count" "$T/out" "lines differ"
expect "audit diff of a run with itself" 0 "${E[@]}" audit diff 1 1
expect "impact --run missing" 2 "${E[@]}" impact --run 7 --from 2023-01-01 --to 2024-06-01
contains "impact --run: names the run" "$T/err" "no audit run 7 in the ledger"
lacks "impact --run: no count" "$T/out" "lines change"
expect "impact --run present" 0 "${E[@]}" impact --run 1 --from 2023-01-01 --to 2024-06-01
expect "ledger show missing" 2 "${E[@]}" ledger show 99
expect "replay missing" 2 "${E[@]}" replay 99
expect "report --run missing" 2 "${E[@]}" report --run 9
contains "report --run: names the run" "$T/err" "no audit run 9"
expect "ledger hold missing" 2 "${E[@]}" ledger hold 99 --reason litigation
expect "ledger release missing verdict" 2 "${E[@]}" ledger release 99
contains "ledger release: names the verdict" "$T/err" "no verdict 99 in the ledger"
expect "ledger release missing run" 2 "${E[@]}" ledger release --run 9
contains "ledger release --run: names the run" "$T/err" "no audit run 9 in the ledger"
expect "ledger release present, nothing held" 0 "${E[@]}" ledger release 1
contains "ledger release present" "$T/out" "0 holds released on verdict 1"

# Reports of the ledger: what-if left out unless asked for, then marked; a file audited twice
# counted once; the licence-required lines listed; the map drawn for the end of the period.
R="$T/report.db"
inv="$SRC/tests/fixtures/report-inventory.csv"
"${E[@]}" --db "$R" audit "$inv" --quiet >/dev/null
"${E[@]}" --db "$R" audit "$inv" --quiet --force >/dev/null
"${E[@]}" --db "$R" check "H800 SXM5" --to CN --date 2024-02-01 --qty 64 >/dev/null
"${E[@]}" --db "$R" --what-if "$T/draft.yaml" check L40 --to DE --date 2024-06-01 --qty 5 --record >/dev/null
"${E[@]}" --db "$R" audit "$inv" --quiet --force >/dev/null # reused or not: the same bytes again
expect "report json" 0 "${E[@]}" --db "$R" report --format json
json=$(cat "$T/out")
jq() { sqlite3 :memory: "SELECT json_extract('${json//\'/\'\'}', '$1')"; }
[ "$(jq '$.summary.audit_runs')" = 1 ] && pass=$((pass + 1)) ||
    { fail=$((fail + 1)); echo "FAIL report: a file audited three times counted $(jq '$.summary.audit_runs') times"; }
[ "$(jq '$.summary.earlier_runs_of_same_file_left_out')" = 2 ] && pass=$((pass + 1)) ||
    { fail=$((fail + 1)); echo "FAIL report: re-audits left out not counted"; }
[ "$(jq '$.summary.lines')" = 13 ] && pass=$((pass + 1)) ||
    { fail=$((fail + 1)); echo "FAIL report: lines $(jq '$.summary.lines'), wanted 12 of the file and 1 check"; }
[ "$(jq '$.summary.what_if_checks_left_out')" = 1 ] && [ "$(jq '$.summary.checks')" = 1 ] &&
    pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL report: the what-if check was counted"; }
[ "$(jq '$.problems[0].run')" = 3 ] && pass=$((pass + 1)) ||
    { fail=$((fail + 1)); echo "FAIL report: the file shown by run $(jq '$.problems[0].run'), not its latest (3)"; }
# A later run that did not finish does not hide the complete one before it.
# (The edit stands in for a run that was interrupted; the signed head, which would rightly call
# it tampering, is left out by reporting with a state directory of its own.)
sqlite3 "$R" "UPDATE audit_runs SET status = 'incomplete' WHERE id = 3"
expect "report json, last run unfinished" 0 env XDG_STATE_HOME="$T/no-head" "${E[@]}" --db "$R" report --format json
json=$(cat "$T/out")
[ "$(jq '$.problems[0].run')" = 2 ] && [ "$(jq '$.summary.audit_runs')" = 1 ] &&
    pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL report: an unfinished run hid run 2"; }
sqlite3 "$R" "UPDATE audit_runs SET status = 'complete' WHERE id = 3"
expect "report csv" 0 "${E[@]}" --db "$R" report --format csv
lacks "report csv: no what-if line" "$T/out" ",L40,l40,"
contains "report csv: what_if column" "$T/out" ",reason,what_if"
expect "report --include-what-if" 0 "${E[@]}" --db "$R" report --format csv --include-what-if
grep "^check,.*L40" "$T/out" >"$T/wl"
contains "report --include-what-if: the line marked" "$T/wl" ",yes"
expect "report --include-what-if html" 0 "${E[@]}" --db "$R" report --include-what-if
contains "report html: what-if marked" "$T/out" "WHAT-IF check"
contains "report html: what-if said" "$T/out" "WHAT-IF: 1 of the checks counted above"
expect "report --run --include-what-if" 2 "${E[@]}" --db "$R" report --run 1 --include-what-if
expect "report html" 0 "${E[@]}" --db "$R" report
contains "report html: what-if left out, said" "$T/out" "1 what-if checks left out"
lacks "report html: what-if not listed" "$T/out" "<td>L40</td>"
contains "report html: re-audits said" "$T/out" "2 earlier audit runs of the same files left out"
contains "report html: licence lines" "$T/out" "<h2>Licence-required lines</h2>"
contains "report html: a licence line" "$T/out" "<tr><td>NVIDIA H800 SXM5 80GB</td><td>4</td><td>HK</td><td>2024-02-01</td><td>4A090.a</td><td>ac2023/license-d5-macau</td><td>run 3 line 5</td></tr>"
contains "report html: the check's licence line" "$T/out" "<td>64</td><td>CN</td><td>2024-02-01</td><td>4A090.a</td><td>ac2023/license-d5-macau</td><td>check"
# The map: the end of the period (--until), and a note when the ship dates span a rule change.
expect "report --until" 0 "${E[@]}" --db "$R" report --until 2099-12-31
contains "map drawn for --until" "$T/out" "classification regions in force on 2099-12-31"
contains "map: rule change noted" "$T/out" "The period spans a change of the rules (on 2023-11-17"
printf 'sku,qty,country,date\nH100 SXM5,1,CN,2024-06-01\nH20,1,DE,2024-07-01\n' >"$T/calm.csv"
"${E[@]}" --db "$T/calm.db" audit "$T/calm.csv" --quiet >/dev/null
# The map is drawn for the date the scope ends on: a period without --until ends today (the day
# the report is generated), a report of one run on its latest ship date.
expect "report of a calm period" 0 env SOURCE_DATE_EPOCH=1767225600 "${E[@]}" --db "$T/calm.db" report
contains "calm scope: ends today" "$T/out" "recorded from the start to today, 2026-01-01"
contains "calm map: the scope's end" "$T/out" "classification regions in force on 2026-01-01"
contains "calm map: the rules changed since the ship dates" "$T/out" "spans a change of the rules (on 2024-12-02"
expect "report of a calm run" 0 "${E[@]}" --db "$T/calm.db" report --run 1
contains "calm run scope: its ship dates" "$T/out" "audit run 1: ship dates 2024-06-01 to 2024-07-01"
contains "calm run map: its latest ship date" "$T/out" "classification regions in force on 2024-07-01"
lacks "calm run map: no rule change" "$T/out" "spans a change of the rules"
# A period with no line in it (the runs were recorded later) still has rules in force at its end.
expect "report of an empty period" 0 "${E[@]}" --db "$T/calm.db" report --until 2023-12-31
contains "empty period: map date" "$T/out" "classification regions in force on 2023-12-31"
lacks "empty period: regions drawn" "$T/out" "none drawable"
contains "empty period: said" "$T/out" "No line in this period: the map shows the paragraphs of the rules revision recorded last"
contains "empty period: ac2023's 3A090.a drawn" "$T/out" "ac2023/3A090.a.1"

# An audit under --what-if is marked in its summary, its run and the listing, and a report of the
# period leaves it out.
W="$T/whatif-audit.db"
printf 'part,quantity,destination,date\nH100 SXM5,2,DE,2025-06-01\n' >"$T/wi.csv"
"${E[@]}" --db "$W" audit "$T/wi.csv" --quiet >/dev/null
expect "what-if audit without --record" 2 "${E[@]}" --db "$W" --what-if aidiff2025 audit "$T/wi.csv"
contains "what-if audit: asks for --record" "$T/err" "give --record"
expect "what-if audit" 1 "${E[@]}" --db "$W" --what-if aidiff2025 audit "$T/wi.csv" --record --out "$T/wi.out"
contains "what-if audit: marked" "$T/out" "WHAT-IF, NOT A DECISION: judged under rules not in force (aidiff2025)"
# --out, the file a user acts on, marks every row with the acts (a last column, empty when real).
contains "what-if audit --out: header" "$T/wi.out" ",reason,field,what_if"
contains "what-if audit --out: row marked" "$T/wi.out" ",license_required,4A090.a,"
[ "$(sqlite3 :memory: ".import --csv $T/wi.out t" "SELECT group_concat(what_if) FROM t")" = aidiff2025 ] &&
    ok || bad "what-if audit --out: the row's what_if is not the act"
expect "what-if audit --json" 1 "${E[@]}" --db "$W" --what-if aidiff2025 audit "$T/wi.csv" --record --json
contains "what-if audit --json: acts" "$T/out" '"what_if":["aidiff2025"]'
expect "real audit --json" 0 "${E[@]}" --db "$W" audit "$T/wi.csv" --json --out "$T/real.out"
contains "real audit --json: not what-if" "$T/out" '"what_if":null'
[ "$(sqlite3 :memory: ".import --csv $T/real.out t" "SELECT quote(what_if) FROM t")" = "''" ] &&
    ok || bad "real audit --out: what_if not empty"
expect "what-if audit: runs" 0 "${E[@]}" --db "$W" ledger runs
contains "what-if audit: listed as such" "$T/out" "(WHAT-IF, not a decision: aidiff2025)"
expect "what-if audit: report" 0 "${E[@]}" --db "$W" report --format json
contains "what-if audit: left out of the period" "$T/out" '"what_if_runs_left_out":1'

# Asked for, a what-if run of a file is shown beside the real run of it, marked, and never in its
# place: re-audits are the same input judged alike, real runs among themselves, what-if among
# themselves.
expect "what-if audit: report --include-what-if" 0 "${E[@]}" --db "$W" report --format json --include-what-if
json=$(cat "$T/out")
[ "$(jq '$.summary.audit_runs')" = 2 ] && [ "$(jq '$.summary.earlier_runs_of_same_file_left_out')" = 0 ] &&
    ok || bad "report --include-what-if: the what-if run replaced the real one ($(jq '$.summary.audit_runs') runs)"
expect "what-if audit: report csv --include-what-if" 0 "${E[@]}" --db "$W" report --format csv --include-what-if
grep -c '^audit,1,.*,$' "$T/out" | grep -qx 1 && ok || bad "report csv: the real run's line is gone or marked"
grep -c '^audit,2,.*,yes$' "$T/out" | grep -qx 1 && ok || bad "report csv: the what-if run's line is not marked"

# A report of the what-if run says so in every format.
expect "what-if run: report md" 0 "${E[@]}" --db "$W" report --run 2 --format md -o "$T/wi.md"
contains "what-if run md: banner" "$T/wi.md" "**WHAT-IF, NOT A DECISION: act aidiff2025."
contains "what-if run md: lines marked" "$T/wi.md" "WHAT-IF run 2 line 2"
expect "what-if run: report html" 0 "${E[@]}" --db "$W" report --run 2 --format html
contains "what-if run html: banner" "$T/out" '<p class="what-if"><strong>WHAT-IF, NOT A DECISION: act aidiff2025.'
expect "what-if run: report json" 0 "${E[@]}" --db "$W" report --run 2 --format json
contains "what-if run json: acts" "$T/out" '"what_if":["aidiff2025"]'
contains "what-if run json: counted" "$T/out" '"what_if_runs":1'
expect "what-if run: report csv" 0 "${E[@]}" --db "$W" report --run 2 --format csv
contains "what-if run csv: marked" "$T/out" ",yes"
expect "real run: report json" 0 "${E[@]}" --db "$W" report --run 1 --format json
contains "real run json: no acts" "$T/out" '"what_if":null'
expect "real run: report md" 0 "${E[@]}" --db "$W" report --run 1 --format md -o "$T/real.md"
lacks "real run md: no banner" "$T/real.md" "WHAT-IF"

# A run is resumed under the rules it started with: a what-if run with its acts, a real one
# without any (an interrupted run stands in by an edit, reported with a state directory of its own).
sqlite3 "$W" "UPDATE audit_runs SET status = 'incomplete' WHERE id IN (1, 2)"
expect "resume a what-if run without --what-if" 2 env XDG_STATE_HOME="$T/no-head-w" "${E[@]}" --db "$W" audit --resume 2
contains "resume what-if: refused" "$T/err" "audit run 2 was judged under --what-if aidiff2025: resume it with the same --what-if"
expect "resume a real run under --what-if" 2 env XDG_STATE_HOME="$T/no-head-w" "${E[@]}" --db "$W" --what-if aidiff2025 audit --resume 1
contains "resume real: refused" "$T/err" "audit run 1 was judged under the rules in force: resume it without --what-if"
sqlite3 "$W" "UPDATE audit_runs SET status = 'complete' WHERE id IN (1, 2)"

# Two sheets of one workbook are two inputs, not a re-audit of one: both are in a report.
X="$T/sheets.db"
"${E[@]}" --db "$X" audit "$SRC/tests/fixtures/erp.xlsx" --quiet >/dev/null
"${E[@]}" --db "$X" audit "$SRC/tests/fixtures/erp.xlsx" --sheet Notes --quiet >/dev/null
expect "report of two sheets" 0 "${E[@]}" --db "$X" report --format json
json=$(cat "$T/out")
[ "$(jq '$.summary.audit_runs')" = 2 ] && [ "$(jq '$.summary.earlier_runs_of_same_file_left_out')" = 0 ] &&
    ok || bad "report: the Notes sheet replaced the first sheet ($(jq '$.summary.audit_runs') runs)"
"${E[@]}" --db "$X" audit "$SRC/tests/fixtures/erp.xlsx" --sheet Notes --quiet --force >/dev/null
expect "report of a sheet audited again" 0 "${E[@]}" --db "$X" report --format json
json=$(cat "$T/out")
[ "$(jq '$.summary.audit_runs')" = 2 ] && [ "$(jq '$.summary.earlier_runs_of_same_file_left_out')" = 1 ] &&
    ok || bad "report: a sheet audited again is not a re-audit"

# ledger show reads as check --explain: ALL/ANY/NOT, exceptions by name, figures as written.
expect "check for show" 1 "${E[@]}" check "H100 SXM5 80GB" --to CN --date 2024-06-01 --record
SID=$(verdicts)
expect "ledger show tree" 0 "${E[@]}" ledger show "$SID"
contains "ledger show: NOT shown" "$T/out" "NOT (met):"
contains "ledger show: ANY shown" "$T/out" "ANY of (met):"
expect "check rtx vn" 1 "${E[@]}" check "RTX 4090" --to VN --date 2024-06-01 --record
expect "ledger show exceptions" 0 "${E[@]}" ledger show "$(verdicts)"
contains "ledger show: ACA named" "$T/out" "licence exceptions: ACA"
expect "check spec" 3 "${E[@]}" check --spec tpp=3000,fp32=82.6,datacenter=yes --to CN --date 2024-06-01 --record
expect "ledger show spec json" 0 "${E[@]}" ledger show "$(verdicts)" --json
contains "ledger show --json: 82.6" "$T/out" "fp32=82.6"
lacks "ledger show --json: no 82.5999" "$T/out" "82.59999"

# An audit line whose text fits several entries is judged when they all answer it alike (as
# check does), the summary naming them; where they differ the line is an error saying how.
printf 'description,destination,date,qty\nH100,DE,2024-06-01,1\nH100,CN,2024-06-01,2\nA800,CN,2023-06-01,3\n' >"$T/amb.csv"
expect "ambiguous parts audit" 2 "${E[@]}" audit "$T/amb.csv" --out "$T/amb.out"
contains "agreeing: candidates named" "$T/out" "'H100' fits h100-sxm5-80gb, h100-pcie-80gb"
grep -q '^2,,H100,h100-sxm5-80gb,1,DE,2024-06-01,no_license_required' "$T/amb.out" && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL agreeing H100 to DE not judged"; }
grep -q '^3,,H100,h100-sxm5-80gb,2,CN,2024-06-01,license_required' "$T/amb.out" && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL agreeing H100 to CN not judged"; }
grep '^4,' "$T/amb.out" | grep -q "answer differently" && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL differing A800 not an error saying so"; }

# A vendor's classification counts from its table's date, so an audit must not reuse an answer
# across that date: each line gets its own date's answer whatever the order of the lines.
printf 'part,destination,date,qty\n100-300000048H,US,2026-11-12,1\n100-300000048H,US,2026-04-03,1\n' >"$T/vd1.csv"
printf 'part,destination,date,qty\n100-300000048H,US,2026-04-03,1\n100-300000048H,US,2026-11-12,1\n' >"$T/vd2.csv"
expect "vendor date, later first" 0 "${E[@]}" audit "$T/vd1.csv" --out "$T/vd1.out"
expect "vendor date, earlier first" 0 "${E[@]}" audit "$T/vd2.csv" --out "$T/vd2.out"
for f in vd1 vd2; do
    grep -q '2026-11-12,no_license_required,4A090.a,' "$T/$f.out" && grep -q '2026-04-03,no_license_required,,' "$T/$f.out" &&
        pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL $f: an answer reused across the vendor table's date"; cat "$T/$f.out"; }
done

finish
