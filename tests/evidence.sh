#!/usr/bin/env bash
# evidence.sh: the attacks of issue 19 by someone who can write the ledger file (or its state
# directory, or the files around it), each of which must be refused by the command or reported
# by `ledger verify`. An attack on the ledger's contents is made twice where triggers stand in
# its way: with the append-only guards left in place (their purge switch thrown by hand where it
# needs it), and with every trigger dropped and put back exactly as it was, so that only the
# chains and the signed head can see it. Prints one line per attack and "N passed, N failed".
# Usage: evidence.sh ECCN SRC_DIR. Skipped (77) without the sqlite3 CLI.
set -u
. "$(dirname "$0")/lib.sh"
ECCN=$1
SRC=$2
command -v sqlite3 >/dev/null || { echo "SKIPPED: the sqlite3 CLI is not installed"; exit 77; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export HOME="$T" XDG_STATE_HOME="$T/state"
E=("$ECCN" --rules "$SRC/rules" --data "$SRC/data")
ok() {
    pass=$((pass + 1))
    echo "ok   $*"
}

# A ledger with verdicts (the first from 2019, past its retention and on hold), an audit run,
# a released hold, copied fresh for each attack.
L0="$T/base.db"
"${E[@]}" --db "$T/w.db" check "H100 SXM5" --to CN --date 2019-06-01 >/dev/null
"${E[@]}" --db "$T/w.db" check L4 --to DE --date 2024-06-01 >/dev/null
"${E[@]}" --db "$T/w.db" check H20 --to CN --date 2024-06-01 >/dev/null
printf 'part,quantity,destination,date\nH100 SXM5,8,CN,2024-06-01\nL4,2,DE,2024-06-01\n' >"$T/inv.csv"
"${E[@]}" --db "$T/w.db" audit "$T/inv.csv" --quiet >/dev/null
"${E[@]}" --db "$T/w.db" ledger hold 1 --reason "subpoena" >/dev/null
"${E[@]}" --db "$T/w.db" ledger hold 2 --reason "inquiry" >/dev/null
"${E[@]}" --db "$T/w.db" ledger release 2 >/dev/null
# One self-contained file (the log folded in), so that a plain copy is the whole ledger.
"${E[@]}" --db "$T/w.db" ledger backup "$L0" >/dev/null
"${E[@]}" --db "$L0" ledger head >"$T/filed.head" || { echo "FAIL no signed head"; exit 1; }
"${E[@]}" --db "$L0" ledger verify >/dev/null || { echo "FAIL the base ledger does not verify"; exit 1; }
TRIGGERS=$(sqlite3 "$L0" "SELECT sql || ';' FROM sqlite_schema WHERE type = 'trigger'")
DROP=$(sqlite3 "$L0" "SELECT 'DROP TRIGGER ' || name || ';' FROM sqlite_schema WHERE type = 'trigger'")

# judge NAME: after an attack on $L (state in $XDG_STATE_HOME), a check must be refused (exit 2,
# nothing written) or verify must report it (exit 1). schema=no: not by the schema check.
judge() {
    local L=$1 name=$2 schema=${3:-yes} before after check verify
    before=$(sqlite3 "$L" "SELECT count(*) FROM verdicts")
    "${E[@]}" --db "$L" check "H100 SXM5" --to CN --date 2024-06-01 >"$T/out" 2>"$T/err"
    check=$?
    after=$(sqlite3 "$L" "SELECT count(*) FROM verdicts")
    "${E[@]}" --db "$L" ledger verify >"$T/vout" 2>"$T/verr"
    verify=$?
    if [ "$schema" = no ] && grep -q "schema is not what eccn created" "$T/vout" "$T/err"; then
        bad "$name: seen only as a schema change, the triggers were put back: $(head -1 "$T/vout")"
    elif [ "$check" = 2 ] && [ "$before" = "$after" ] && [ "$verify" = 1 ]; then
        ok "$name: check refused, verify: $(head -1 "$T/vout")"
    elif [ "$verify" = 1 ]; then
        ok "$name: verify: $(head -1 "$T/vout")"
    else
        bad "$name: check exit $check ($before -> $after verdicts), verify exit $verify: $(cat "$T/vout" "$T/verr" | head -2)"
    fi
}

# fresh NAME: a copy of the base ledger and of its state directory, for one attack.
fresh() {
    cp "$L0" "$T/$1.db"
    rm -rf "$T/st"
    cp -r "$T/state" "$T/st"
}

# attack NAME SQL: SQL applied to a copy with the triggers in place.
attack() {
    fresh a
    local XDG_STATE_HOME="$T/st"
    if ! sqlite3 "$T/a.db" "$2" 2>"$T/sqlerr"; then
        # refused by the ledger's own triggers: the attack did not happen
        if grep -q "eccn ledger:" "$T/sqlerr"; then ok "$1: refused by the triggers: $(cat "$T/sqlerr")"
        else bad "$1: the attack itself failed: $(cat "$T/sqlerr")"; fi
        return
    fi
    judge "$T/a.db" "$1"
}

# dropped NAME SQL: every trigger dropped, SQL applied, the triggers put back as they were.
dropped() {
    fresh d
    local XDG_STATE_HOME="$T/st"
    printf '%s\n%s;\n%s\n' "$DROP" "$2" "$TRIGGERS" | sqlite3 -bail "$T/d.db" 2>"$T/sqlerr" >/dev/null ||
        { bad "$1 (triggers dropped): the attack itself failed: $(cat "$T/sqlerr")"; return; }
    judge "$T/d.db" "$1 (triggers dropped)" no
}

# both NAME SQL: with the guards' purge switch thrown by hand, and with the triggers dropped.
both() {
    attack "$1 (guards on, switch thrown)" "UPDATE ledger_control SET purging=1; $2; UPDATE ledger_control SET purging=0"
    dropped "$1" "$2"
}

# refused NAME STATUS COMMAND...: a command that must be refused with STATUS, leaving the base
# copy's bytes as they were.
refused() {
    local name=$1 want=$2
    shift 2
    "$@" >"$T/out" 2>"$T/err"
    local got=$?
    if [ "$got" = "$want" ]; then ok "$name: refused: $(head -1 "$T/err")"
    else bad "$name: exit $got, wanted $want: $(head -2 "$T/err" "$T/out")"; fi
}

echo "-- the schema: triggers, views, indexes, definitions, functions"
attack "rewriting trigger with eccn_chain" "CREATE TRIGGER evil AFTER INSERT ON verdicts BEGIN UPDATE ledger_control SET purging=1; UPDATE verdicts SET verdict='no_license_required', hash=eccn_chain((SELECT hash FROM verdicts WHERE id=new.id-1), new.id) WHERE id=new.id; UPDATE ledger_control SET purging=0; END"
attack "unknown trigger that does nothing" "CREATE TRIGGER quiet AFTER INSERT ON verdicts BEGIN SELECT 1; END"
attack "eccn_chain called from a view" "CREATE VIEW chained AS SELECT eccn_chain(NULL, id) FROM verdicts"
attack "guard dropped" "DROP TRIGGER verdicts_no_UPDATE"
attack "view added" "CREATE VIEW v AS SELECT * FROM verdicts"
attack "index added" "CREATE INDEX i ON verdicts(verdict)"
attack "view definition changed" "DROP VIEW audit_lines; CREATE VIEW audit_lines AS SELECT 1 AS run_id"
attack "index definition changed" "DROP INDEX verdicts_created; CREATE INDEX verdicts_created ON verdicts(user)"
attack "table definition changed" "PRAGMA writable_schema=ON; UPDATE sqlite_schema SET sql=replace(sql, 'CHECK (input_kind IN (''sku'',''spec''))', '') WHERE name='verdicts'; PRAGMA writable_schema=OFF"

echo "-- rows changed, deleted, cut off, re-hashed"
both "verdict changed" "UPDATE verdicts SET verdict=CASE verdict WHEN 'license_required' THEN 'no_license_required' ELSE 'license_required' END WHERE id=1"
both "middle verdict deleted" "DELETE FROM verdicts WHERE id=2"
both "last verdict cut off (truncation)" "DELETE FROM verdicts WHERE id=(SELECT max(id) FROM verdicts)"
both "forged checkpoint hides deletions (of a verdict on hold)" "INSERT INTO ledger_checkpoints(chain, first_key, last_key, rows, last_hash, before_date, purged_at, user) VALUES ('verdicts', 1, 3, 3, (SELECT hash FROM verdicts WHERE id=3), '2031-01-01', '2031-01-01T00:00:00Z', 'x'); DELETE FROM verdicts"
both "audit run's file digest and size changed" "UPDATE audit_runs SET sha256='0000000000000000000000000000000000000000000000000000000000000000', size=1 WHERE id=1"
both "audit line changed" "UPDATE audit_results SET quantity=64 WHERE key=(1<<32)+2"
both "audit run's last line cut off" "DELETE FROM audit_results WHERE key=(SELECT max(key) FROM audit_results)"
both "audit run deleted whole, no checkpoint" "DELETE FROM audit_results; DELETE FROM audit_evals; DELETE FROM audit_texts; DELETE FROM audit_commits; DELETE FROM audit_runs"
both "a rules revision's citation changed (javascript: link)" "UPDATE rules_revisions SET provisions=replace(provisions, 'https://', 'javascript:alert(1)//')"
both "a hold deleted" "DELETE FROM holds WHERE id=1"
both "a hold's reason changed" "UPDATE holds SET reason='none' WHERE id=1"
both "a checkpoint changed" "INSERT INTO ledger_checkpoints(chain, first_key, last_key, rows, before_date, purged_at, user) VALUES ('audit_run', 0, 0, 0, 'x', 'x', 'x'); UPDATE ledger_checkpoints SET user='y'"
both "a release deleted" "DELETE FROM hold_releases"
both "a run's seal changed" "UPDATE audit_seals SET results=results+1"
# Re-hashed: the last verdict replaced by another whose hash follows the chain (eccn itself,
# on a copy with no state directory, computes it): the chain holds, the signed head does not.
fresh r
cp "$T/r.db" "$T/r2.db"
sqlite3 "$T/r2.db" "UPDATE ledger_control SET purging=1; DELETE FROM verdicts WHERE id=(SELECT max(id) FROM verdicts); UPDATE ledger_control SET purging=0"
XDG_STATE_HOME="$T/no-state" "${E[@]}" --db "$T/r2.db" check L4 --to DE --date 2024-06-01 >/dev/null
XDG_STATE_HOME="$T/no-state" "${E[@]}" --db "$T/r2.db" ledger backup "$T/r3.db" >/dev/null
XDG_STATE_HOME="$T/st" judge "$T/r3.db" "last verdict replaced and re-hashed"

echo "-- releases, checkpoints and purges that carry no authority"
# A release added by hand would lift the hold on verdict 1, which is past its retention.
fresh p
XDG_STATE_HOME="$T/st" "${E[@]}" --db "$T/p.db" ledger purge --before 2099-01-01 >/dev/null 2>&1
[ "$(sqlite3 "$T/p.db" "SELECT count(*) FROM verdicts WHERE id=1")" = 1 ] &&
    ok "a held verdict is kept by a purge" || bad "a purge took a verdict on hold"
attack "release without a signed record" "INSERT INTO hold_releases(hold_id, released_at, released_by) VALUES (1, '2026-01-01T00:00:00Z', 'x')"
dropped "release by editing the hold" "UPDATE holds SET released_at='2026-01-01T00:00:00Z', released_by='x' WHERE id=1"
fresh p
sqlite3 "$T/p.db" "INSERT INTO hold_releases(hold_id, released_at, released_by) VALUES (1, '2026-01-01T00:00:00Z', 'x')"
XDG_STATE_HOME="$T/st" refused "purge after a release without a signed record" 2 "${E[@]}" --db "$T/p.db" ledger purge --before 2099-01-01
[ "$(sqlite3 "$T/p.db" "SELECT count(*) FROM verdicts WHERE id=1")" = 1 ] && ok "  ... and the held verdict is still there" || bad "purge took the held verdict"
attack "purge without a checkpoint" "UPDATE ledger_control SET purging=1; DELETE FROM verdicts WHERE id=1; UPDATE ledger_control SET purging=0"
attack "forged checkpoint alone (unsigned)" "INSERT INTO ledger_checkpoints(chain, first_key, last_key, rows, before_date, purged_at, user) VALUES ('verdicts', 1, 1, 1, 'x', 'x', 'x')"

echo "-- the signed head and its key"
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
refused "edited head" 2 "${E[@]}" --db "$L0" ledger verify --head "$T/edited.head"
# Head rollback: the ledger cut back and an older head (and key) put back in the state
# directory agree with each other; a head filed since does not.
fresh h
XDG_STATE_HOME="$T/st" "${E[@]}" --db "$T/h.db" check L4 --to DE --date 2024-06-02 >/dev/null
XDG_STATE_HOME="$T/st" "${E[@]}" --db "$T/h.db" ledger head >"$T/newer.head"
sqlite3 "$T/h.db" "UPDATE ledger_control SET purging=1; DELETE FROM verdicts WHERE id=(SELECT max(id) FROM verdicts); UPDATE ledger_control SET purging=0"
XDG_STATE_HOME="$T/state" "${E[@]}" --db "$T/h.db" ledger verify --head "$T/newer.head" >"$T/vout" 2>&1
[ $? = 1 ] && ok "head rolled back with the ledger: verify --head (filed later): $(grep -m1 TAMPERED "$T/vout")" ||
    bad "head rollback: $(cat "$T/vout")"
# A head from another ledger put in place of this one's; a key swapped for another.
"${E[@]}" --db "$T/other.db" check L4 --to DE --date 2024-06-01 >/dev/null
id=$(sqlite3 "$L0" "SELECT id FROM ledger_identity")
other=$(sqlite3 "$T/other.db" "SELECT id FROM ledger_identity")
fresh o
cp "$T/state/eccn/heads/$other.head" "$T/st/eccn/heads/$id.head"
XDG_STATE_HOME="$T/st" refused "head from another ledger" 2 "${E[@]}" --db "$T/o.db" check L4 --to DE --date 2024-06-01
fresh k
XDG_STATE_HOME="$T/k-state" "${E[@]}" --db "$T/k-other.db" check L4 --to DE --date 2024-06-01 >/dev/null
cp "$T/k-state/eccn/signing-key.pem" "$T/st/eccn/signing-key.pem"
XDG_STATE_HOME="$T/st" refused "signing key swapped" 2 "${E[@]}" --db "$T/k.db" check L4 --to DE --date 2024-06-01
fresh i
XDG_STATE_HOME="$T/st" "${E[@]}" --db "$T/i.db" check L4 --to DE --date 2024-06-01 >/dev/null # known here
sqlite3 "$T/i.db" "DROP TRIGGER ledger_identity_fixed; UPDATE ledger_identity SET id='$other'; $(sqlite3 "$L0" "SELECT sql FROM sqlite_schema WHERE name='ledger_identity_fixed'")"
XDG_STATE_HOME="$T/st" judge "$T/i.db" "identity changed to another ledger's"

echo "-- SQLite's own check"
# An index's root page given a page type that does not exist: the file opens, and SQLite
# finds the damage where it reads that page, or in its quick check before a check, an audit, a
# hold, a release or a purge writes anything.
fresh q
root=$(sqlite3 "$T/q.db" "SELECT rootpage FROM sqlite_schema WHERE name='verdicts_created'")
size=$(sqlite3 "$T/q.db" "PRAGMA page_size")
printf '\377' | dd of="$T/q.db" bs=1 seek=$(((root - 1) * size)) conv=notrunc 2>/dev/null
export XDG_STATE_HOME="$T/st"
n=$(sqlite3 "$T/q.db" "SELECT count(*) FROM audit_runs")
refused "corrupt page: a check is refused" 2 "${E[@]}" --db "$T/q.db" check L4 --to DE --date 2024-06-01
# A page a check never reads (an audit table's): its quick check before writing finds it.
fresh q2
root=$(sqlite3 "$T/q2.db" "SELECT rootpage FROM sqlite_schema WHERE name='audit_texts'")
printf '\377' | dd of="$T/q2.db" bs=1 seek=$(((root - 1) * size)) conv=notrunc 2>/dev/null
v=$(sqlite3 "$T/q2.db" "SELECT count(*) FROM verdicts")
refused "corrupt page a check does not read: the check is refused" 2 "${E[@]}" --db "$T/q2.db" check L4 --to DE --date 2024-06-01
[ "$(sqlite3 "$T/q2.db" "SELECT count(*) FROM verdicts")" = "$v" ] && ok "  ... and no verdict was recorded" || bad "a damaged ledger recorded a check"
refused "corrupt page: an audit is refused" 2 "${E[@]}" --db "$T/q.db" audit "$T/inv.csv" --force --quiet
[ "$(sqlite3 "$T/q.db" "SELECT count(*) FROM audit_runs")" = "$n" ] && ok "  ... and nothing was recorded" || bad "a corrupt ledger recorded an audit"
refused "corrupt page: a hold is refused" 2 "${E[@]}" --db "$T/q.db" ledger hold 3 --reason x
refused "corrupt page: ledger check finds it" 2 "${E[@]}" --db "$T/q.db" ledger check
export XDG_STATE_HOME="$T/state"

echo "-- commands that would destroy records or inputs"
fresh c
C="$T/c.db"
sum=$(sha256sum "$C" | cut -c1-64)
X=("${E[@]}" --db "$C")
export XDG_STATE_HOME="$T/st"
refused "report -o the ledger" 2 "${X[@]}" report -o "$C" --force
refused "report -o the ledger's -wal" 2 "${X[@]}" report -o "$C-wal" --force
refused "report -o the ledger's -shm" 2 "${X[@]}" report -o "$C-shm" --force
refused "audit --out the ledger" 2 "${X[@]}" audit "$T/inv.csv" --out "$C" --force --quiet
cp "$T/inv.csv" "$T/inv2.csv"
refused "audit --out its own input" 2 "${X[@]}" audit "$T/inv2.csv" --out "$T/inv2.csv" --force --quiet
cmp -s "$T/inv.csv" "$T/inv2.csv" && ok "  ... the input is unchanged" || bad "audit --out truncated its input"
ln -s "$C" "$T/link.csv"
refused "--out through a symlink to the ledger" 2 "${X[@]}" audit "$T/inv.csv" --out "$T/link.csv" --force --quiet
ln "$C" "$T/hard.html"
refused "report -o a hard link to the ledger" 2 "${X[@]}" report -o "$T/hard.html" --force
echo keep >"$T/kept.html"
refused "report over an existing file without --force" 2 "${X[@]}" report -o "$T/kept.html"
grep -q keep "$T/kept.html" && ok "  ... the file is unchanged" || bad "report overwrote a file without --force"
[ "$(sha256sum "$C" | cut -c1-64)" = "$sum" ] && ok "  ... the ledger is byte for byte as it was" || bad "the ledger changed"
export XDG_STATE_HOME="$T/state"

echo "-- the law and the inputs"
# The law is not data: a --data directory that shortens the recordkeeping period is refused.
cp -r "$SRC/data" "$T/short-data"
sed -i 's/^  years: [0-9]*$/  years: 1/' "$T/short-data/recordkeeping.yaml"
fresh s
XDG_STATE_HOME="$T/st" refused "recordkeeping shortened to 1 year" 2 "$ECCN" --rules "$SRC/rules" --data "$T/short-data" --db "$T/s.db" ledger purge --before 2099-01-01
[ "$(sqlite3 "$T/s.db" "SELECT count(*) FROM verdicts")" = 3 ] && ok "  ... nothing purged" || bad "a shortened period purged"
refused "a date before the first rule" 2 "${E[@]}" --db "$T/x.db" check H20 --to KP --date 2000-01-01
cp -r "$SRC/data" "$T/dup-data"
printf 'retention:\n  years: 5\n  years: 1\n' >>"$T/dup-data/recordkeeping.yaml"
refused "a duplicate YAML key" 2 "$ECCN" --rules "$SRC/rules" --data "$T/dup-data" --db "$T/x.db" ledger purge --before 2099-01-01
grep -q "duplicate key" "$T/err" && ok "  ... named as a duplicate key: $(head -1 "$T/err")" || bad "duplicate key not named: $(cat "$T/err")"
printf 'part,quantity,destination,date\n"=HYPERLINK(""http://evil/"")",1,CN,2024-06-01\n@SUM(A1),1,CN,2024-06-01\n' >"$T/f.csv"
"${E[@]}" --db "$T/x.db" audit "$T/f.csv" --out "$T/f-out.csv" --quiet >/dev/null 2>&1
if grep -q '^[=+@-]\|,[=+@-]' "$T/f-out.csv"; then bad "formula cells in --out: $(cat "$T/f-out.csv")"
else ok "spreadsheet formulas in input: --out neutralises them"; fi
esc=$'\e'
"${E[@]}" --db "$T/x.db" check "XQ9${esc}]0;pwned" --to CN --date 2024-06-01 >"$T/out" 2>"$T/err"
grep -q "$esc" "$T/out" "$T/err" && bad "a raw escape reached the terminal" || ok "terminal escape in input: shown as \\x1b"
umask 022
"${E[@]}" --db "$T/mode/l.db" check L4 --to DE --date 2024-06-01 >/dev/null
[ "$(stat -c %a "$T/mode/l.db")" = 600 ] && [ "$(stat -c %a "$T/mode")" = 700 ] &&
    ok "ledger created 0600 in a 0700 directory under umask 022" || bad "ledger mode $(stat -c %a "$T/mode/l.db")"

echo "-- resuming an audit whose file changed"
{ printf 'part,quantity,destination,date\n'; for i in 1 2 3 4 5 6; do echo "L4,$i,DE,2024-06-01"; done; echo "L4,7,DE,someday"; } >"$T/r.csv"
cp "$T/r.csv" "$T/r.orig"
"${E[@]}" --db "$T/res.db" audit "$T/r.csv" --batch 2 --strict --quiet >/dev/null 2>&1
"${E[@]}" --db "$T/res.db" ledger backup "$T/res0.db" >/dev/null
resume() { # resume NAME WANT: on a fresh copy of the stopped run
    cp "$T/res0.db" "$T/res1.db"
    "${E[@]}" --db "$T/res1.db" audit --resume 1 --quiet >"$T/out" 2>"$T/err"
    local got=$?
    if [ "$2" = 2 ] && [ "$got" = 2 ] && grep -q "refusing to resume" "$T/err"; then ok "$1: refused: $(head -1 "$T/err")"
    elif [ "$2" != 2 ] && [ "$got" != 2 ]; then ok "$1: resumed"
    else bad "$1: exit $got: $(head -2 "$T/err")"; fi
}
sed '3s/L4,2/L4,9/; $s/someday/2024-06-01/' "$T/r.orig" >"$T/r.csv"
resume "a judged line edited" 2
head -4 "$T/r.orig" >"$T/r.csv"
resume "the file cut short" 2
{ head -7 "$T/r.orig"; echo "L4,7,DE,2024-06-01"; echo "L4,8,DE,2024-06-01"; } >"$T/r.csv"
resume "the bad line fixed and lines appended" 0
n=$(sqlite3 "$T/res1.db" "SELECT status || ' ' || lines_read FROM audit_runs WHERE id=1")
[ "$n" = "complete 8" ] && ok "  ... the run is complete with 8 lines" || bad "resumed run: $n"

finish
