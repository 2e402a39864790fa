#!/usr/bin/env bash
# evidence.sh: attacks on the ledger by someone who can write the file (issue 19), each of which
# must be refused by the command or reported by `ledger verify`. Prints one line per attack and
# "N passed, N failed". Usage: evidence.sh ECCN SRC_DIR. Skipped (77) without the sqlite3 CLI.
set -u
. "$(dirname "$0")/lib.sh"
ECCN=$1
SRC=$2
command -v sqlite3 >/dev/null || { echo "SKIPPED: the sqlite3 CLI is not installed"; exit 77; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export HOME="$T" XDG_STATE_HOME="$T/state"
E=("$ECCN" --rules "$SRC/rules" --data "$SRC/data")
ok() { pass=$((pass + 1)); echo "ok   $*"; }

# A ledger with three verdicts and an audit run, copied fresh for each attack.
L0="$T/base.db"
"${E[@]}" --db "$T/w.db" check "H100 SXM5" --to CN --date 2024-06-01 >/dev/null
"${E[@]}" --db "$T/w.db" check L4 --to DE --date 2024-06-01 >/dev/null
"${E[@]}" --db "$T/w.db" check H20 --to CN --date 2024-06-01 >/dev/null
printf 'part,quantity,destination,date\nH100 SXM5,8,CN,2024-06-01\nL4,2,DE,2024-06-01\n' >"$T/inv.csv"
"${E[@]}" --db "$T/w.db" audit "$T/inv.csv" --quiet >/dev/null
# One self-contained file (the log folded in), so that a plain copy is the whole ledger.
"${E[@]}" --db "$T/w.db" ledger hold 1 --reason "subpoena" >/dev/null
"${E[@]}" --db "$T/w.db" ledger backup "$L0" >/dev/null
"${E[@]}" --db "$L0" ledger head >"$T/filed.head" || { echo "FAIL no signed head"; exit 1; }
"${E[@]}" --db "$L0" ledger verify >/dev/null || { echo "FAIL the base ledger does not verify"; exit 1; }

# attack NAME SQL: applies SQL to a copy; then a check must be refused (exit 2, nothing written)
# or verify must report it (exit 1).
attack() {
    local L="$T/$1.db"
    cp "$L0" "$L"
    # The signed head and key as the base ledger left them, apart for each attack.
    rm -rf "$T/st"
    cp -r "$T/state" "$T/st"
    local XDG_STATE_HOME="$T/st"
    sqlite3 "$L" "$2" 2>"$T/sqlerr" || { bad "$1: the attack itself failed: $(cat "$T/sqlerr")"; return; }
    local before after
    before=$(sqlite3 "$L" "SELECT count(*) FROM verdicts")
    "${E[@]}" --db "$L" check "H100 SXM5" --to CN --date 2024-06-01 >"$T/out" 2>"$T/err"
    local check=$?
    after=$(sqlite3 "$L" "SELECT count(*) FROM verdicts")
    "${E[@]}" --db "$L" ledger verify >"$T/vout" 2>"$T/verr"
    local verify=$?
    if [ "$check" = 2 ] && [ "$before" = "$after" ] && [ "$verify" = 1 ]; then
        ok "$1: check refused, verify: $(head -1 "$T/vout")"
    elif [ "$verify" = 1 ]; then
        ok "$1: verify: $(head -1 "$T/vout")"
    else
        bad "$1: check exit $check ($before -> $after verdicts), verify exit $verify: $(cat "$T/vout" "$T/verr" | head -2)"
    fi
}

# A trigger that rewrites each new verdict and re-hashes it with eccn's own function.
attack "rewriting trigger" "CREATE TRIGGER evil AFTER INSERT ON verdicts BEGIN UPDATE ledger_control SET purging=1; UPDATE verdicts SET verdict='no_license_required', hash=eccn_chain((SELECT hash FROM verdicts WHERE id=new.id-1), new.id) WHERE id=new.id; UPDATE ledger_control SET purging=0; END"
# The guards dropped, then a verdict changed.
attack "guard dropped, verdict changed" "DROP TRIGGER verdicts_no_UPDATE; UPDATE verdicts SET verdict='no_license_required' WHERE id=1"
# A view or an index added: not eccn's.
attack "view added" "CREATE VIEW v AS SELECT * FROM verdicts"
attack "index added" "CREATE INDEX i ON verdicts(verdict)"
# A table's definition changed (the CHECK on input_kind dropped by rewriting the schema).
attack "definition changed" "PRAGMA writable_schema=ON; UPDATE sqlite_schema SET sql=replace(sql, 'CHECK (input_kind IN (''sku'',''spec''))', '') WHERE name='verdicts'; PRAGMA writable_schema=OFF"

# A hold deleted (the guards on holds are the chain's business now: it is in the signed head).
attack "a hold deleted" "DROP TRIGGER holds_no_DELETE; DELETE FROM holds"
# With the guards left alone: the purge flag set by hand. The chains stay whole; the head shows it.
attack "last verdict cut off" "UPDATE ledger_control SET purging=1; DELETE FROM verdicts WHERE id=(SELECT max(id) FROM verdicts); UPDATE ledger_control SET purging=0"
attack "forged checkpoint hides deletions" "UPDATE ledger_control SET purging=1; INSERT INTO ledger_checkpoints(chain, first_key, last_key, rows, last_hash, before_date, purged_at, user) VALUES ('verdicts', 1, 3, 3, NULL, '2031-01-01', '2031-01-01T00:00:00Z', 'x'); DELETE FROM verdicts; UPDATE ledger_control SET purging=0"
attack "audit run's file digest changed" "UPDATE audit_runs SET sha256='0000000000000000000000000000000000000000000000000000000000000000', size=1 WHERE id=1"
attack "a rules revision's citation changed" "UPDATE rules_revisions SET provisions=replace(provisions, '88 FR 73458', 'javascript:alert(1)')"
attack "audit run's last line cut off" "UPDATE ledger_control SET purging=1; DELETE FROM audit_results WHERE key=(SELECT max(key) FROM audit_results); UPDATE ledger_control SET purging=0"

# Both the ledger and this machine's state directory in the attacker's hands: the head filed
# elsewhere (an e-mail, a ticket) still shows the cut.
L="$T/both.db"
cp "$L0" "$L"
sqlite3 "$L" "UPDATE ledger_control SET purging=1; DELETE FROM verdicts WHERE id=(SELECT max(id) FROM verdicts); UPDATE ledger_control SET purging=0"
XDG_STATE_HOME="$T/empty-state" "${E[@]}" --db "$L" ledger verify --head "$T/filed.head" >"$T/vout" 2>&1
if [ $? = 1 ] && grep -q "TAMPERED: against the signed head" "$T/vout"; then
    ok "state directory replaced: verify --head FILE: $(grep TAMPERED "$T/vout")"
else bad "state directory replaced: $(cat "$T/vout")"; fi
# The filed head itself cannot be edited: one digit changed breaks its signature.
sed 's/^chain verdicts \([0-9]*\)/chain verdicts 9\1/' "$T/filed.head" >"$T/edited.head"
"${E[@]}" --db "$L0" ledger verify --head "$T/edited.head" >"$T/vout" 2>&1
[ $? = 2 ] && grep -q "signature does not hold" "$T/vout" && ok "edited head refused" || bad "edited head: $(cat "$T/vout")"

# The law is not data: a --data directory that shortens the recordkeeping period is refused.
cp -r "$SRC/data" "$T/short-data"
sed -i 's/^  years: [0-9]*$/  years: 1/' "$T/short-data/recordkeeping.yaml"
cp "$L0" "$T/purge.db"
"$ECCN" --rules "$SRC/rules" --data "$T/short-data" --db "$T/purge.db" ledger purge --before 2099-01-01 >"$T/out" 2>&1
if [ $? = 2 ] && grep -q "shorter than the 5 years" "$T/out" &&
    [ "$(sqlite3 "$T/purge.db" "SELECT count(*) FROM verdicts")" = 3 ]; then
    ok "recordkeeping shortened to 1 year: refused, nothing purged"
else bad "recordkeeping shortened: $(cat "$T/out")"; fi

finish
