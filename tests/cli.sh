#!/usr/bin/env bash
# cli.sh: end-to-end tests of the eccn command line. Usage: cli.sh ECCN_BINARY SOURCE_DIR
# Each check runs a real command and compares its exit status and output; the script ends with a
# "N passed, N failed" line and exits non-zero when any check failed.
set -u
. "$(dirname "$0")/lib.sh"
ECCN=$1
SRC=$2
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
# The signed heads of the ledgers made here stay here too (docs/security.md).
export XDG_STATE_HOME="$T/state"
export ECCN_DB="$T/ledger.db"
# ECCN_WRAP runs every command under a tool (CI: valgrind memcheck).
read -r -a W <<<"${ECCN_WRAP:-}"
E=("${W[@]}" "$ECCN" --rules "$SRC/rules" --data "$SRC/data")


# check: exit statuses and JSON contract
expect "check licence" 1 "${E[@]}" check "H800 SXM5" --to CN --date 2024-02-01 --qty 64 --json
contains "check json verdict" "$T/out" '"verdict":"license_required"'
contains "check json eccn" "$T/out" '"eccn":"4A090.a"'
contains "check json ledger id" "$T/out" '"ledger_id":1'
contains "check json policy" "$T/out" '"review_policy":"presumption of denial'
expect "check no licence" 0 "${E[@]}" check "H800 SXM5" --to CN --date 2023-06-01
contains "check text" "$T/out" "NO LICENCE REQUIRED"
expect "check indeterminate" 3 "${E[@]}" check --spec tpp=3000,datacenter=yes --to China --date 2024-06-01
expect "check exceptions" 1 "${E[@]}" check "RTX 4090" --to VN --date 2024-06-01 --json
contains "check ACA" "$T/out" '"license_exceptions":["ACA"]'
expect "classify json" 0 "${E[@]}" classify H20 --date 2024-06-01 --json
contains "classify not controlled" "$T/out" '"status":"not_controlled"'
contains "classify null eccn" "$T/out" '"eccn":null'
contains "classify metrics" "$T/out" '"tpp":2368'
expect "classify explain" 0 "${E[@]}" classify H20 --date 2024-06-01 --explain
contains "classify margin" "$T/out" "TPP 2368 < 2400"
contains "classify short" "$T/out" "32 short"
expect "classify indeterminate" 3 "${E[@]}" classify --spec tpp=3000,datacenter=yes --date 2024-06-01
expect "classify system" 0 "${E[@]}" classify "HGX H100 8 GPU, SXM5 80GB HBM3" --date 2024-06-01
contains "classify 4A090" "$T/out" "4A090.a"

# errors: one line on stderr, exit 2, nothing recorded
expect "bad country" 2 "${E[@]}" check H20 --to Atlantis
contains "bad country message" "$T/err" "unknown country 'Atlantis'"
# Before the rules eccn models (rules/part746-embargoes.yaml covers_from), no answer: a KP
# shipment in 2000 is not "no licence required" because the embargo of the day is not modelled.
expect "date before the rules" 2 "${E[@]}" check H20 --to KP --date 2000-01-01 --no-record
contains "date before the rules: first date named" "$T/err" "they cover shipments from 2009-01-15"
expect "first date covered" 1 "${E[@]}" check H20 --to KP --date 2009-01-15 --no-record
expect "bad date" 2 "${E[@]}" check H20 --to CN --date 2023-02-30
contains "bad date message" "$T/err" "bad date '2023-02-30'"
expect "bad spec" 2 "${E[@]}" classify --spec fp8=fast
contains "bad spec message" "$T/err" "fp8: expected a finite number"
# A bare model whose variants answer alike is an answer that names them; one whose variants
# answer differently is an error that lists each with its answer.
expect "ambiguous, agreeing" 0 "${E[@]}" classify A100
contains "ambiguous, agreeing: candidates" "$T/out" "candidates considered (all give this answer): a100-sxm4-80gb, a100-sxm4-40gb, a100-pcie-80gb"
expect "ambiguous" 2 "${E[@]}" classify A800 --date 2023-06-01
contains "ambiguous message" "$T/err" "'A800' fits 4 catalogue entries that answer differently"
expect "unknown sku" 2 "${E[@]}" classify "Voodoo 5"
contains "unknown suggests" "$T/err" "nearest catalogue entries"
expect "ledger count before bad input" 0 "${E[@]}" ledger list --json
n_before=$(grep -o '"created_at":' "$T/out" | wc -l)
[ "$n_before" = 4 ] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL ledger rows: $n_before"; }

# malformed YAML names file, line and column
mkdir -p "$T/rules"
cp "$SRC"/rules/*.yaml "$T/rules/"
printf 'act:\n  id: broken\n  title: [oops\n' >"$T/rules/zz-broken.yaml"
expect "malformed yaml" 2 "$ECCN" --rules "$T/rules" --data "$SRC/data" classify H20
contains "yaml position" "$T/err" "zz-broken.yaml:4:1"

# ledger show and replay
expect "ledger show" 0 "${E[@]}" ledger show 1 --json
contains "ledger show revision" "$T/out" '"rules_revision":"'
# Record numbers are whole numbers >= 1 wherever a command takes one; anything else is a usage error.
expect "ledger show bad id" 2 "${E[@]}" ledger show 1x
contains "ledger show bad id says" "$T/err" "expected a whole number >= 1, got '1x'"
expect "audit diff bad run" 2 "${E[@]}" audit diff 0 1
expect "audit bad batch" 2 "${E[@]}" audit --batch 0 "$SRC/data/samples/inventory.csv"
expect "impact bad run" 2 "${E[@]}" impact --from 2023-01-01 --to 2024-01-01 --run -3
expect "report bad run" 2 "${E[@]}" report --run abc
expect "verify stray argument" 2 "${E[@]}" ledger verify --run 1
# Commands that read or annotate a ledger name a mistyped path and create nothing there.
M="$T/no-such-dir/ledger.db"
for cmd in "ledger list" "ledger show 1" "ledger runs" "replay 1" "audit diff 1 2" \
    "ledger hold 1 --reason r" "ledger release 1" "ledger purge --before 2020-01-01" \
    "ledger verify" "ledger backup $T/b-none.db" "report --run 1"; do
    read -r -a args <<<"$cmd"
    expect "mistyped ledger: $cmd" 2 "${E[@]}" --db "$M" "${args[@]}"
    contains "mistyped ledger named: $cmd" "$T/err" "$M"
done
[ ! -e "$T/no-such-dir" ] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL a read command created a ledger"; }
expect "replay holds" 0 "${E[@]}" replay 1
contains "replay" "$T/out" "STILL HOLDS"
# Replay against a rule set without the 2023 rule: the verdict changes and says why.
mkdir -p "$T/old"
cp "$SRC/rules/2022-10-07-87fr62186.yaml" "$SRC/rules/part746-embargoes.yaml" "$T/old/"
expect "replay changed" 1 "$ECCN" --rules "$T/old" --data "$SRC/data" replay 1
contains "replay changed text" "$T/out" "no longer decides: ac2023/license-d5-macau"

# a corrupt ledger is refused, not repaired
printf 'this is not a database, just text padding the first page........' >"$T/bad.db"
expect "corrupt ledger" 2 "${E[@]}" --db "$T/bad.db" check H20 --to CN
cmp -s "$T/bad.db" <(printf 'this is not a database, just text padding the first page........') &&
    pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL corrupt ledger was modified"; }

# rules lint and show
expect "rules lint" 0 "${E[@]}" rules lint
contains "rules lint reads recordkeeping" "$T/out" "recordkeeping 5 years (15 CFR 762.6(a)): no problems"
expect "rules show" 0 "${E[@]}" rules show ac2023/3A090.a.2
contains "rules show citation" "$T/out" "88 FR 73458"

# audit: the sample inventory, per-line errors, --out, exit 2 when any line is in error
expect "audit sample" 2 "${E[@]}" audit "$SRC/data/samples/inventory.csv" --out "$T/res.csv" --quiet
contains "audit totals" "$T/out" "lines read 200 = results 196 + errors 4"
contains "audit bad date" "$T/out" "bad ship date '2024-02-30'"
[ "$(sqlite3 :memory: ".import --csv $T/res.csv t" "SELECT count(*) FROM t")" = 200 ] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL --out rows"; }
contains "audit out header" "$T/res.csv" "line,line_id,part,resolved_part,quantity,destination,date,verdict,eccn,provision,citation,license_exceptions,reason,field"
expect "audit reuse" 2 "${E[@]}" audit "$SRC/data/samples/inventory.csv" --json --out "$T/res2.csv"
contains "audit reused" "$T/out" '"reused":true'
# a reused run's --out comes from the ledger, byte for byte what the run wrote as it went
cmp -s "$T/res.csv" "$T/res2.csv" && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL --out of a reused run differs"; }
# --out that cannot be written (a device, refused before anything is read, even with --force):
# exit 2, said once, and a reused (complete) run is not called incomplete
expect "audit reused --out unwritable" 2 "${E[@]}" audit "$SRC/data/samples/inventory.csv" --out /dev/full --force --quiet
contains "audit --out not a file" "$T/err" "not a regular file"
[ "$(grep -c 'not a regular file' "$T/err")" = 1 ] && ! grep -q incomplete "$T/err" && pass=$((pass + 1)) ||
    { fail=$((fail + 1)); echo "FAIL --out /dev/full on a reused run:"; sed 's/^/  | /' "$T/err"; }
# --strict stops at line 204, inside the fourth batch of 50, which is rolled back: --out holds
# exactly the lines the ledger kept, not the ~50 judged after the last commit
expect "audit strict" 2 "${E[@]}" audit "$SRC/data/samples/inventory.csv" --strict --force --batch 50 --out "$T/strict.csv" --quiet
run=$(sqlite3 "$ECCN_DB" "SELECT max(id) FROM audit_runs")
kept=$(sqlite3 "$ECCN_DB" "SELECT count(*) FROM audit_results_v WHERE run_id=$run")
[ "$kept" -gt 0 ] && [ "$(sqlite3 :memory: ".import --csv $T/strict.csv t" "SELECT count(*) FROM t")" = "$kept" ] &&
    pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL --strict --out: rows differ from the $kept the ledger kept"; }
contains "audit strict message" "$T/err" "holds only the lines recorded before the failure"

# The reading thread hands lines over 4096 at a time: an input that ends on a hand-over ends with
# an empty hand-over, which must finish the run like any other.
for n in 4096 8192; do
    awk -v n="$n" 'BEGIN { print "part,qty,dest,date"; for (i = 0; i < n; i++) print "935-24287-00A0-000,1,CN,2024-02-01" }' >"$T/even.csv"
    expect "audit of $n lines" 1 "${E[@]}" --db "$T/even.db" audit "$T/even.csv" --force --quiet
    [ "$(sqlite3 "$T/even.db" "SELECT count(*) FROM audit_results_v WHERE run_id=(SELECT max(id) FROM audit_runs)")" = "$n" ] &&
        pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL audit of $n lines: not every line recorded"; }
done

# aliases, --map, --to/--date defaults, semicolons, exit 1 for licence lines
printf 'Material;Beschreibung;Menge\n900-21001-0030-100;A800 PCIe;2\n935-24287-00A0-000;HGX H800;1\nH20;H20;5\n' >"$T/inv.csv"
expect "audit map 2023-06" 0 "${E[@]}" audit "$T/inv.csv" --map Beschreibung=description --map Menge=quantity --to CN --date 2023-06-01 --json
contains "audit json run" "$T/out" '"run_id":'
run_a=$(grep -o '"run_id":[0-9]*' "$T/out" | cut -d: -f2)
# audit and impact check --map the same way: a FIELD eccn does not know is a usage error.
expect "audit map unknown field" 2 "${E[@]}" audit "$T/inv.csv" --map Menge=qty --to CN
contains "audit map names fields" "$T/err" "FIELD one of part, description"
expect "impact map unknown field" 2 "${E[@]}" impact --from 2023-06-01 --to 2023-12-01 --inventory "$T/inv.csv" --map Menge=qty
expect "audit map 2023-12" 1 "${E[@]}" audit "$T/inv.csv" --map Beschreibung=description --map Menge=quantity --to CN --date 2023-12-01 --json
run_b=$(grep -o '"run_id":[0-9]*' "$T/out" | cut -d: -f2)
expect "audit diff" 1 "${E[@]}" audit diff "$run_a" "$run_b"
contains "audit diff A800" "$T/out" "900-21001-0030-100"
contains "audit diff H800" "$T/out" "935-24287-00A0-000"
contains "audit diff provision" "$T/out" "ac2023/license-d5-macau"
contains "audit diff count" "$T/out" "2 lines differ"

# Resuming after SIGKILL (at several points, with the chain checked each time): robustness.sh.

# margin: distances to each threshold, and the smallest change that flips the outcome
expect "margin json" 0 "${E[@]}" margin H20 --date 2024-06-01 --json
contains "margin tpp flip" "$T/out" '"vary":"tpp","from":2368,"to":2400,"change":32'
contains "margin flip eccn" "$T/out" '"eccn":"4A090.b","status":"controlled"'
contains "margin test" "$T/out" '"provision":"ac2023/3A090.b.1","metric":"tpp"'
contains "margin distance" "$T/out" '"threshold":2400,"value":2368,"distance":-32'
expect "margin A800 2022" 0 "${E[@]}" margin "A800 SXM4 80GB" --date 2023-06-01
contains "margin A800 io" "$T/out" "I/O bandwidth (GB/s)   464 -> 600 (+136"
expect "margin RTX 4090 D" 0 "${E[@]}" margin "RTX 4090 D" --date 2024-06-01
contains "margin 4090D tpp" "$T/out" "-> 4800 (+93.12"
expect "margin with destination" 0 "${E[@]}" margin H20 --date 2025-06-01 --to CN --json
contains "margin letter test" "$T/out" '"provision":"letters2025/nvidia-h20","metric":"mem_bw"'
expect "margin bad part" 2 "${E[@]}" margin "RTX 9999"

# impact: the catalogue between two dates, and an inventory's lines
expect "impact 2023" 0 "${E[@]}" impact --from 2023-06-01 --to 2023-12-01
for p in a800-sxm4-80gb h800-sxm5-80gb rtx-4090; do contains "impact 2023 $p" "$T/out" "$p  "; done
# Without --hq the consignee is taken to be headquartered in the destination: the H800 to Germany
# does not change; with a parent in China the 2023 headquarters rule catches it there too.
if grep -q "^h800-sxm5-80gb.*" "$T/out" && ! grep -A3 "^h800-sxm5-80gb" "$T/out" | grep -q " DE "; then
    pass=$((pass + 1))
else
    fail=$((fail + 1)); echo "FAIL impact 2023 without --hq lists the H800 to DE"
fi
expect "impact 2023 hq" 0 "${E[@]}" impact --from 2023-06-01 --to 2023-12-01 --hq China --json
contains "impact hq given" "$T/out" '"headquarters":"CN"'
grep -o '"part":"h800-sxm5-80gb".*' "$T/out" | sed 's/},{"part":.*//' >"$T/h800.json"
contains "impact hq H800 to DE" "$T/h800.json" '"DE"'
contains "impact hq rule" "$T/h800.json" '"provision":"ac2023/license-headquarters"'
expect "impact hq with inventory" 2 "${E[@]}" impact --from 2023-06-01 --to 2023-12-01 --hq CN --inventory "$T/inv.csv"
contains "impact hq with inventory said" "$T/err" "--hq is for the catalogue"
expect "impact hq unknown" 2 "${E[@]}" impact --from 2023-06-01 --to 2023-12-01 --hq Atlantis
contains "impact hq unknown said" "$T/err" "--hq: unknown country 'Atlantis'"
expect "impact 2025" 0 "${E[@]}" impact --from 2025-03-01 --to 2025-06-01 --json
contains "impact H20" "$T/out" '"part":"h20"'
contains "impact H20 letter" "$T/out" '"provision":"letters2025/nvidia-h20"'
if grep -q '"part":"h100-sxm5-80gb"' "$T/out"; then fail=$((fail + 1)); echo "FAIL impact 2025 lists the unchanged H100"; else pass=$((pass + 1)); fi
expect "impact inventory" 0 "${E[@]}" impact --from 2023-06-01 --to 2023-12-01 --inventory "$SRC/data/samples/inventory.csv"
contains "impact inventory line" "$T/out" "line 12 SO-24003-1 l40 -> DE: not_controlled -> 4A090.b"
"${E[@]}" --db "$T/impact.db" audit "$SRC/data/samples/inventory.csv" --quiet >/dev/null
expect "impact run" 0 "${E[@]}" --db "$T/impact.db" impact --from 2025-03-01 --to 2025-06-01 --run 1
contains "impact run H20" "$T/out" "h20 -> HK: no_license_required -> license_required [letters2025/nvidia-h20"
expect "impact bad date" 2 "${E[@]}" impact --from 2025-02-30 --to 2025-06-01
expect "impact no dates" 2 "${E[@]}" impact --inventory "$SRC/data/samples/inventory.csv"

# --what-if: a draft rule file applied to an audit, and an act applied despite non-enforcement
cat >"$T/draft.yaml" <<'YAML'
act: {id: draft, title: "Draft rule", citation: "hypothetical", published: 2027-01-01, source: "https://example.invalid/draft"}
provisions:
  - id: draft/b-everywhere
    kind: license
    title: "Hypothetical licence for 3A090.b and 4A090.b to every destination but the US"
    citation: "hypothetical"
    effective: 2020-01-01
    when: {all: [{eccn: {in: ["3A090.b", "4A090.b"]}}, {not: {destination: {in: [US]}}}]}
YAML
expect "what-if check" 1 "${E[@]}" --what-if "$T/draft.yaml" check L40 --to DE --date 2024-06-01 --json --no-record
contains "what-if provision" "$T/out" 'draft/b-everywhere'
expect "no what-if check" 0 "${E[@]}" check L40 --to DE --date 2024-06-01 --no-record
"${E[@]}" --db "$T/whatif.db" audit "$SRC/data/samples/inventory.csv" --quiet >/dev/null
"${E[@]}" --db "$T/whatif.db" --what-if "$T/draft.yaml" audit "$SRC/data/samples/inventory.csv" --quiet --record >/dev/null
expect "what-if audit diff" 1 "${E[@]}" --db "$T/whatif.db" audit diff 1 2
contains "what-if audit line" "$T/out" "line 12 SO-24003-1"
contains "what-if audit provision" "$T/out" "draft/b-everywhere"
expect "what-if act" 1 "${E[@]}" --what-if aidiff2025 check "H100 SXM" --to DE --date 2025-06-01 --no-record
expect "no what-if act" 0 "${E[@]}" check "H100 SXM" --to DE --date 2025-06-01 --no-record

# The ledger as evidence: hash chain, append-only triggers, holds and purges
L="$T/chain.db"
for d in 2019-01-01 2019-02-01 2019-03-01 2025-06-01 2019-04-01; do
    USER=somebody-else "${E[@]}" --db "$L" check "H100 SXM" --to DE --date "$d" >/dev/null
done
printf 'line,sku,qty,country,date\nA1,H20,1,CN,2019-05-01\nA2,A40,2,VN,2019-06-01\n' >"$T/old.csv"
"${E[@]}" --db "$L" audit "$T/old.csv" --quiet >/dev/null
"${E[@]}" --db "$L" audit "$SRC/data/samples/inventory.csv" --quiet >/dev/null
# The ledger records the account that ran eccn (the checks above), not what $USER claims.
[ "$(sqlite3 "$L" "SELECT group_concat(DISTINCT user) FROM verdicts")" = "$(id -un)" ] &&
    pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL the ledger's user is not the account"; }
expect "verify intact" 0 "${E[@]}" --db "$L" ledger verify
contains "verify head" "$T/out" "verdict chain head: "
expect "check intact" 0 "${E[@]}" --db "$L" ledger check
contains "check sqlite ok" "$T/out" "SQLite integrity check: ok"
# A backup is one self-contained file: a byte copy of it alone holds every row, including those
# still in the live ledger's write-ahead log, and verifies.
B="$T/live.db"
"${E[@]}" --db "$B" check H20 --to CN --date 2025-06-01 >/dev/null
"${E[@]}" --db "$B" audit "$T/old.csv" --quiet >/dev/null
[ -s "$B-wal" ] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL backup: no rows in the log to fold in"; }
live=$("${E[@]}" --db "$B" ledger verify | sed -n 1p) # "intact: N rows chained (...)"
expect "backup" 0 "${E[@]}" --db "$B" ledger backup "$T/backup.db"
cp "$T/backup.db" "$T/backup-copy.db"
expect "backup verifies" 0 "${E[@]}" --db "$T/backup-copy.db" ledger verify
contains "backup has every row" "$T/out" "$live"
before=$(sha256sum "$T/backup.db")
expect "backup over a file" 2 "${E[@]}" --db "$B" ledger backup "$T/backup.db"
contains "backup over a file named" "$T/err" "backup.db: exists"
[ "$(sha256sum "$T/backup.db")" = "$before" ] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL backup overwrote a file"; }
expect "backup needs a destination" 2 "${E[@]}" --db "$B" ledger backup
if sqlite3 "$L" "UPDATE verdicts SET verdict='no_license_required' WHERE id=2" 2>"$T/err"; then
    fail=$((fail + 1)); echo "FAIL trigger: an UPDATE of a verdict went through"
else
    contains "trigger message" "$T/err" "append-only"
fi
tamper() { # tamper NAME SQL EXPECTED-TEXT: on a copy, with the triggers' switch thrown
    sqlite3 "$L" ".backup $T/t.db"
    sqlite3 "$T/t.db" "UPDATE ledger_control SET purging=1; $2; UPDATE ledger_control SET purging=0"
    expect "tamper $1" 1 "${E[@]}" --db "$T/t.db" ledger verify
    contains "tamper $1 named" "$T/out" "$3"
}
tamper "verdict changed" "UPDATE verdicts SET quantity=64 WHERE id=2" "verdicts, row 2 does not match"
tamper "verdict deleted" "DELETE FROM verdicts WHERE id=3" "verdicts, row 4 comes where 3 should"
tamper "verdict inserted" "INSERT INTO verdicts SELECT 100, created_at, user, tool_version, rules_revision, input_kind, input, spec, part_id, part_name, destination, headquarters, hq_assumed, ship_date, quantity, consignee, metrics, status, eccn, verdict, review_policy, license_exceptions, provisions, explanation, what_if, hash FROM verdicts WHERE id=2" "verdicts, row 100"
tamper "verdicts swapped" "UPDATE verdicts SET ship_date=CASE id WHEN 1 THEN '2019-02-01' ELSE '2019-01-01' END WHERE id IN (1,2)" "verdicts, row 1 does not match"
tamper "result changed" "UPDATE audit_results SET quantity=quantity+1 WHERE key=(2<<32)+40" "audit run 2 results, row 40"
tamper "evaluation changed" "UPDATE audit_evals SET verdict='no_license_required' WHERE run_id=2 AND id=1" "audit run 2 evals, row 1"
tamper "run deleted" "DELETE FROM audit_results WHERE key>>32=1; DELETE FROM audit_evals WHERE run_id=1; DELETE FROM audit_texts WHERE run_id=1; DELETE FROM audit_runs WHERE id=1" "run 1 "
tamper "run file renamed" "DROP TRIGGER audit_runs_fixed; UPDATE audit_runs SET file='other.csv' WHERE id=2" "trigger audit_runs_fixed: changed or missing"
# holds and purges
expect "hold needs reason" 2 "${E[@]}" --db "$L" ledger hold 2
expect "hold verdict" 0 "${E[@]}" --db "$L" ledger hold 2 --reason "BIS subpoena 2026-117"
expect "hold run" 0 "${E[@]}" --db "$L" ledger hold --run 1 --reason "customs inquiry"
expect "hold unknown" 2 "${E[@]}" --db "$L" ledger hold 99 --reason x
expect "purge held" 0 "${E[@]}" --db "$L" ledger purge --before 2026-01-01
contains "purge only verdict 1" "$T/out" "purged 1 verdict (1 to 1) and 0 audit runs"
contains "purge stops at hold" "$T/out" "verdict 2 is on hold"
expect "verify after purge" 0 "${E[@]}" --db "$L" ledger verify
expect "release" 0 "${E[@]}" --db "$L" ledger release 2
expect "release run" 0 "${E[@]}" --db "$L" ledger release --run 1
# The period is data (data/recordkeeping.yaml): under ten years nothing here is due yet.
mkdir -p "$T/data10"
cp -r "$SRC"/data/* "$T/data10/"
sed -i 's/^  years: 5$/  years: 10/' "$T/data10/recordkeeping.yaml"
E10=("${W[@]}" "$ECCN" --rules "$SRC/rules" --data "$T/data10")
expect "purge under 10 years" 0 "${E10[@]}" --db "$L" ledger purge --before 2026-01-01
contains "10 years purge nothing" "$T/out" "purged 0 verdicts and 0 audit runs"
contains "10 years stated" "$T/out" "retention of 10 years (15 CFR 762.6(a))"
contains "10 years keeps verdict 2" "$T/out" "verdict 2 is retained until 20"
expect "report under 10 years" 0 "${E10[@]}" --db "$L" report --run 2 --format json
contains "report states 10 years" "$T/out" '"basis":"15 CFR 762.6(a): 10 years from the latest ship date'
sed -i 's/^  years: 10$/  years: five/' "$T/data10/recordkeeping.yaml"
expect "bad retention period" 2 "${E10[@]}" --db "$L" ledger purge --before 2026-01-01
contains "bad retention period named" "$T/err" "recordkeeping.yaml:9:10: retention.years: expected a whole number"
expect "lint checks recordkeeping" 2 "${E10[@]}" rules lint
contains "lint names the period" "$T/err" "recordkeeping.yaml:9:10: retention.years"
rm "$T/data10/recordkeeping.yaml"
expect "no retention file" 2 "${E10[@]}" --db "$L" report --run 2 --format json
contains "no retention file named" "$T/err" "data10/recordkeeping.yaml"
expect "purge released" 0 "${E[@]}" --db "$L" ledger purge --before 2026-01-01
contains "purge prefix" "$T/out" "purged 2 verdicts (2 to 3) and 1 audit run"
contains "purge keeps recent" "$T/out" "verdict 4 is retained until 2030-06-01"
[ "$(sqlite3 "$L" "SELECT count(*) FROM verdicts")" = 2 ] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL purge left the wrong verdicts"; }
[ "$(sqlite3 "$L" "SELECT count(*) FROM audit_runs WHERE id=2")" = 1 ] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL purge took the 2026 run"; }
expect "verify after second purge" 0 "${E[@]}" --db "$L" ledger verify
"${E[@]}" --db "$L" check H20 --to CN --date 2025-06-01 >/dev/null
expect "verify after purge and append" 0 "${E[@]}" --db "$L" ledger verify

# A ledger of schema 1 is migrated by the next writing command and its rows chained.
sqlite3 "$T/v1.db" <"$SRC/tests/fixtures/ledger-v1.sql"
expect "verify schema 1" 2 "${E[@]}" --db "$T/v1.db" ledger verify
"${E[@]}" --db "$T/v1.db" check A40 --to VN --date 2024-06-01 >/dev/null
expect "verify migrated" 0 "${E[@]}" --db "$T/v1.db" ledger verify
contains "verify migrated rows" "$T/out" "intact: 12 rows chained (verdicts and 1 audit runs)"

# check beside another connection: check takes the ledger for itself only when nobody else has it
# open; with a reader holding a transaction it must open shared, neither failing nor waiting for
# the reader to finish, and record its verdict.
before=$(sqlite3 "$ECCN_DB" "SELECT count(*) FROM verdicts")
mkfifo "$T/hold"
sqlite3 "$ECCN_DB" <"$T/hold" >"$T/hold.out" 2>&1 &
holder=$!
exec 7>"$T/hold"
printf 'BEGIN;\nSELECT count(*) FROM verdicts;\n.print holding\n' >&7
for _ in $(seq 100); do grep -q holding "$T/hold.out" && break; sleep 0.1; done
contains "reader holds the ledger" "$T/hold.out" holding
expect "check beside a reader" 1 "${E[@]}" check "H800 SXM5" --to CN --date 2024-02-01
if kill -0 "$holder" 2>/dev/null; then pass=$((pass + 1)); else
    fail=$((fail + 1))
    echo "FAIL check beside a reader: the reader was gone before check ended"
fi
printf 'COMMIT;\n' >&7
exec 7>&-
wait "$holder"
[ "$(sqlite3 "$ECCN_DB" "SELECT count(*) FROM verdicts")" = $((before + 1)) ] &&
    pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL check beside a reader: not recorded"; }
expect "verify after shared and exclusive checks" 0 "${E[@]}" ledger verify

finish
