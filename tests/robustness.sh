#!/usr/bin/env bash
# robustness.sh: the ledger under crashes, a full disk, a read-only file, concurrent writers, and
# hostile input. Usage: robustness.sh ECCN_BINARY SOURCE_DIR [PART]. Ends with "N passed, N
# failed". PART runs one part alone (CTest runs each as its own test, robustness_PART): one of
# concurrency crash beside full_disk tmpfs readonly hostile corrupt; without it, all of them. A
# part that cannot run here (tmpfs: mounting needs root; readonly: chattr +i needs a file system
# and the capability for it) exits 77, which CTest reports as skipped; with all parts it is noted
# and the others run.
set -u
. "$(dirname "$0")/lib.sh"
ECCN=$1
SRC=$2
PART=${3:-all}
PARTS="concurrency crash beside full_disk tmpfs readonly hostile corrupt"
case " $PARTS all " in
*" $PART "*) ;;
*)
    echo "robustness.sh: unknown part '$PART' (one of: $PARTS)" >&2
    exit 2
    ;;
esac
want() { [ "$PART" = all ] || [ "$PART" = "$1" ]; }
skip() { # skip PART REASON: a part that cannot run here
    echo "skipped: $1: $2"
    [ "$PART" = all ] || exit 77
}
T=$(mktemp -d "${TMPDIR:-/tmp}/eccn robust XXXXXX") # a space in every path
mounted=""
trap '[ -n "$mounted" ] && umount "$mounted"; chattr -i "$T"/*.db 2>/dev/null; rm -rf "$T"' EXIT
export XDG_STATE_HOME="$T/state" # the signed heads of its ledgers stay here
E=("$ECCN" --rules "$SRC/rules" --data "$SRC/data")
intact() { # intact NAME DB
    expect "$1: ledger verify" 0 "${E[@]}" --db "$2" ledger verify
}
big_csv() { # big_csv: $T/big.csv, a 200,000-line inventory over four regimes, made once
    [ -s "$T/big.csv" ] && return
    awk 'BEGIN {
        print "line,sku,qty,country,date"
        for (i = 1; i <= 200000; i++) {
            m = i % 4
            if (m == 0) print "L" i ",H20,1,CN,2025-0" (i % 9 + 1) "-15"
            else if (m == 1) print "L" i ",\"NVIDIA L40S 48GB\",2,VN,2025-03-01"
            else if (m == 2) print "L" i ",900-2G193-0000-000,3,DE,2023-0" (i % 9 + 1) "-02"
            else print "L" i ",A40,4,SA,2026-01-20"
        }
    }' >"$T/big.csv"
}
# Each part below runs when selected (`if want PART`); their bodies are left unindented.

# ---- concurrency: four writers, 500 checks each, one ledger ----
if want concurrency; then
C="$T/concurrent.db"
"${E[@]}" --db "$C" check H20 --to CN --date 2025-06-01 >/dev/null # create and migrate once
for w in 1 2 3 4; do
    (for i in $(seq 1 500); do
        "${E[@]}" --db "$C" check "H100 SXM" --to DE --date 2024-06-01 --consignee "w$w-$i" >/dev/null 2>>"$T/conc.err" || echo "w$w-$i" >>"$T/conc.failed"
    done) &
done
wait
[ ! -s "$T/conc.failed" ] && ok || bad "concurrency: $(wc -l <"$T/conc.failed") checks failed: $(head -3 "$T/conc.err")"
# The write-ahead log stays beside the ledger but is folded back once it passes 64 frames of
# 8 KiB, so after 2,000 checks it holds at most that and one transaction (before sqlite3 opens it).
w=$(stat -c %s "$C-wal" 2>/dev/null || echo 0)
[ "$w" -le $((100 * (8192 + 24) + 32)) ] && ok || bad "concurrency: the write-ahead log grew to $w bytes"
n=$(sqlite3 "$C" "SELECT count(*), count(DISTINCT consignee) FROM verdicts WHERE consignee LIKE 'w%'")
[ "$n" = "2000|2000" ] && ok || bad "concurrency: $n rows, wanted 2000|2000"
intact "concurrency" "$C"
fi

# ---- crash: SIGKILL at several points of a 200,000-line audit, verify, resume ----
if want crash; then
big_csv
K="$T/crash.db"
kill_at() { # kill_at MORE COMMAND...: run the command in short steps (SIGSTOP/SIGCONT) and
    # SIGKILL it once MORE results than now are committed, so the kill lands mid-run on any machine
    local more=$1 now want pid c
    shift
    now=$(sqlite3 "$K" "SELECT results FROM audit_runs WHERE id=1" 2>/dev/null || echo 0)
    want=$((${now:-0} + more))
    # The child stops itself before it starts: every slice it runs is one this loop gave it.
    bash -c 'kill -STOP $$; exec "$@"' eccn "$@" >/dev/null 2>&1 &
    pid=$!
    for _ in $(seq 1 5000); do
        kill -CONT $pid 2>/dev/null || break
        sleep 0.005
        kill -STOP $pid 2>/dev/null || break
        c=$(sqlite3 "$K" "SELECT results FROM audit_runs WHERE id=1" 2>/dev/null || echo 0)
        [ "${c:-0}" -ge "$want" ] && break
    done
    kill -9 $pid 2>/dev/null
    wait $pid 2>/dev/null
}
kill_at 10000 "${E[@]}" --db "$K" audit "$T/big.csv" --batch 2000 --quiet
for at in 2 3; do
    intact "crash $at" "$K"
    kill_at 40000 "${E[@]}" --db "$K" audit --resume 1 --batch 2000 --quiet
done
intact "crash last" "$K"
status=$(sqlite3 "$K" "SELECT status FROM audit_runs WHERE id=1")
[ "$status" = incomplete ] && ok || bad "crash: the run finished before the last kill ($status)"
# A later run sits above run 1 in the results table while run 1 resumes beneath it: its keys must
# not be taken for run 1's (results are appended by key where they can be).
"${E[@]}" --db "$K" audit "$SRC/data/samples/inventory.csv" --quiet >/dev/null
expect "crash resume" 1 "${E[@]}" --db "$K" audit --resume 1 --quiet --out "$T/resumed.csv"
contains "crash totals" "$T/out" "lines read 200000 = results 200000 + errors 0"
# --out of the resumed run has every line, the same as an uninterrupted audit's
"${E[@]}" --db "$T/whole.db" audit "$T/big.csv" --quiet --out "$T/whole.csv" >/dev/null
[ "$(wc -l <"$T/resumed.csv")" = 200001 ] && cmp -s "$T/resumed.csv" "$T/whole.csv" && ok ||
    bad "crash: --out of the resumed run differs from an uninterrupted run's"
n=$(sqlite3 "$K" "SELECT count(*), count(DISTINCT line) FROM audit_results_v WHERE run_id=1")
[ "$n" = "200000|200000" ] && ok || bad "crash: $n rows, wanted 200000|200000"
q="SELECT group_concat(line || ':' || verdict || ':' || COALESCE(eccn, '') || ':' || COALESCE(part, description, ''), ',') FROM (SELECT * FROM audit_lines WHERE run_id=%s ORDER BY line)"
"${E[@]}" --db "$T/fresh.db" audit "$SRC/data/samples/inventory.csv" --quiet >/dev/null
got=$(sqlite3 "$K" "$(printf "$q" 2)")
[ -n "$got" ] && [ "$got" = "$(sqlite3 "$T/fresh.db" "$(printf "$q" 1)")" ] && ok || bad "crash: run 2's rows differ from the same audit in a fresh ledger"
intact "crash resumed" "$K"
fi

# ---- a check while an audit writes: recorded while the audit is still running, not after ----
# The audit holds the write lock but for the moments between its transactions; a check waiting
# beside it must get in at one of them, and both must end whole.
if want beside; then
awk 'BEGIN { print "sku,qty,country,date"; for (i = 0; i < 1200000; i++) print "H20," (i % 7 + 1) ",CN,2025-06-0" (i % 9 + 1) }' >"$T/long.csv"
A="$T/beside.db"
"${E[@]}" --db "$A" audit "$T/long.csv" --quiet >/dev/null 2>"$T/beside.err" &
auditor=$!
for _ in $(seq 1000); do
    [ "$(sqlite3 "$A" "SELECT results FROM audit_runs WHERE id=1" 2>/dev/null)" -gt 0 ] 2>/dev/null && break
    sleep 0.01
done
expect "check during an audit" 1 "${E[@]}" --db "$A" check "H800 SXM5" --to CN --date 2024-02-01
# (An audit in one transaction, --batch 2000000, fails here: the check gets in only at its end.)
[ "$(sqlite3 -cmd ".timeout 5000" "$A" "SELECT status FROM audit_runs WHERE id=1")" = incomplete ] && ok ||
    bad "check during an audit: recorded only after the audit ended"
wait $auditor
[ $? = 1 ] && ok || bad "check during an audit: the audit failed: $(head -3 "$T/beside.err")"
n=$(sqlite3 "$A" "SELECT (SELECT count(*) FROM verdicts), (SELECT count(*) FROM audit_results)")
[ "$n" = "1|1200000" ] && ok || bad "check during an audit: $n rows, wanted 1|1200000"
intact "check during an audit" "$A"
rm -f "$T/long.csv" "$A"*
fi

# ---- a full disk (a file size limit) and a read-only ledger: an error, no partial row ----
if want full_disk; then
big_csv
F="$T/full.db"
"${E[@]}" --db "$F" check H20 --to CN >/dev/null
(trap '' XFSZ; ulimit -f 2000; "${E[@]}" --db "$F" audit "$T/big.csv" --quiet) >"$T/out" 2>"$T/err"
[ $? = 2 ] && ok || bad "full disk: exit status"
contains "full disk message" "$T/err" "disk I/O error"
n=$(sqlite3 "$F" "SELECT (SELECT results + errors FROM audit_runs WHERE id=1) = (SELECT count(*) FROM audit_results)")
[ "$n" = 1 ] && ok || bad "full disk: rows recorded differ from the run's count"
intact "full disk" "$F"
fi
# A real full disk, where this machine lets us mount a small tmpfs: SQLite's "disk is full", the
# run left incomplete and consistent, and once there is room a resume finishes it exactly.
if want tmpfs; then
M="$T/small disk"
mkdir -p "$M"
if mount -t tmpfs -o size=2m tmpfs "$M" 2>/dev/null; then
    mounted=$M
    big_csv
    S="$M/ledger.db"
    "${E[@]}" --db "$S" check H20 --to CN >/dev/null
    expect "tmpfs full: audit" 2 "${E[@]}" --db "$S" audit "$T/big.csv" --quiet
    contains "tmpfs full: message" "$T/err" "database or disk is full"
    contains "tmpfs full: resumable" "$T/err" "audit run 1 is incomplete"
    intact "tmpfs full" "$S"
    mount -o remount,size=256m "$M"
    expect "tmpfs resumed" 1 "${E[@]}" --db "$S" audit --resume 1 --quiet
    n=$(sqlite3 "$S" "SELECT status, lines_read, (SELECT count(*) FROM audit_results) FROM audit_runs")
    [ "$n" = "complete|200000|200000" ] && ok || bad "tmpfs resumed: $n, wanted complete|200000|200000"
    intact "tmpfs resumed" "$S"
    umount "$M" && mounted=""
else
    skip tmpfs "cannot mount a tmpfs here (needs root); the real full-disk test did not run (full_disk's file-size limit stands in)"
fi
fi
if want readonly; then
R="$T/readonly.db"
"${E[@]}" --db "$R" check H20 --to CN >/dev/null
if chattr +i "$R" 2>/dev/null; then
    expect "read-only check" 2 "${E[@]}" --db "$R" check H20 --to DE
    contains "read-only message" "$T/err" "readonly database"
    expect "read-only audit" 2 "${E[@]}" --db "$R" audit "$SRC/data/samples/inventory.csv" --quiet
    chattr -i "$R"
    [ "$(sqlite3 "$R" "SELECT count(*) FROM verdicts")" = 1 ] && ok || bad "read-only: a row was written"
    intact "read-only" "$R"
else
    skip readonly "chattr +i is not supported here (needs CAP_LINUX_IMMUTABLE and a file system with the flag); the read-only ledger test did not run"
fi
fi

# ---- hostile input ----
if want hostile; then
H="$T/hostile.db"
# A pattern that backtracks catastrophically: stopped by PCRE2's match limit, said so.
cat >"$T/slow.yaml" <<'YAML'
act: {id: slow, title: "Catastrophic pattern", citation: "test", published: 2024-01-01, source: "https://example.invalid/"}
provisions:
  - id: slow/licence
    kind: license
    title: "A licence decided by a pattern that backtracks"
    citation: "test"
    effective: 2020-01-01
    when: {attribute: name, matches: "^(a|aa)+$"}
YAML
expect "catastrophic pattern" 3 "${E[@]}" --what-if "$T/slow.yaml" check --spec "tpp=100,name=$(printf 'a%.0s' $(seq 1 60))b" --to DE --date 2024-06-01 --explain --no-record
contains "catastrophic pattern said" "$T/out" "exceeded PCRE2's match limit"
# A rule pattern that does not compile: named with its file, line and column.
sed 's/matches: "^(a|aa)+$"/matches: "(unclosed"/' "$T/slow.yaml" >"$T/badre.yaml"
expect "bad rule pattern" 2 "${E[@]}" --what-if "$T/badre.yaml" check --spec tpp=100 --to DE --no-record
contains "bad rule pattern said" "$T/err" "badre.yaml:8:38:"
contains "bad rule pattern why" "$T/err" "matches: pattern does not compile at offset 9"
# A catalogue pattern that backtracks catastrophically, and one that does not compile.
mkdir -p "$T/data re"
cp -r "$SRC"/data/* "$T/data re/"
awk '{print} /^devices:/ {print "  - {id: slow-part, kind: ic, vendor: Test, model: Slow, match: \"^(a|aa)+$\", sources: [\"https://example.invalid/\"]}"}' \
    "$SRC/data/devices.yaml" >"$T/data re/devices.yaml"
expect "catastrophic catalogue pattern" 2 "$ECCN" --rules "$SRC/rules" --data "$T/data re" check "$(printf 'a%.0s' $(seq 1 60))b" --to DE --no-record
contains "catastrophic catalogue pattern said" "$T/err" "slow-part: pattern exceeded its match limit"
sed -i 's/match: "^(a|aa)+$"/match: "[z-a]"/' "$T/data re/devices.yaml"
expect "bad catalogue pattern" 2 "$ECCN" --rules "$SRC/rules" --data "$T/data re" check "no such part" --to DE --no-record
contains "bad catalogue pattern said" "$T/err" "devices.yaml:14:"
contains "bad catalogue pattern why" "$T/err" "slow-part: pattern does not compile at offset"
# YAML: a file over 16 MiB, an alias bomb, deep nesting.
mkdir -p "$T/rules big"
cp "$SRC"/rules/*.yaml "$T/rules big/"
{ echo "# padding"; head -c 17000000 /dev/zero | tr '\0' '#'; echo; } >"$T/rules big/zz.yaml"
expect "huge rule file" 2 "$ECCN" --rules "$T/rules big" --data "$SRC/data" rules lint
contains "huge rule file said" "$T/err" "at most 16777216"
rm "$T/rules big/zz.yaml"
printf 'act: &a {id: x}\nprovisions: [*a, *a]\n' >"$T/rules big/zz.yaml"
expect "alias bomb" 2 "$ECCN" --rules "$T/rules big" --data "$SRC/data" rules lint
contains "alias bomb said" "$T/err" "not allowed"
{ printf 'act: '; for _ in $(seq 1 100); do printf '['; done; echo; } >"$T/rules big/zz.yaml"
expect "deep nesting" 2 "$ECCN" --rules "$T/rules big" --data "$SRC/data" rules lint
contains "deep nesting said" "$T/err" "nested deeper than 64"
# CSV: a 100 MB field, NUL bytes.
{ echo "line,sku,qty,country,date"; printf 'X1,"'; head -c 100000000 /dev/zero | tr '\0' 'x'; echo '",1,CN,2024-06-01'; } >"$T/huge field.csv"
expect "100 MB field" 2 "${E[@]}" --db "$H" audit "$T/huge field.csv" --quiet
contains "100 MB field said" "$T/err" "record longer than"
printf 'line,sku,qty,country,date\nN1,H2\0000,1,CN,2024-06-01\nN2,H20,1,CN,2024-06-01\n' >"$T/nul.csv"
expect "NUL byte" 2 "${E[@]}" --db "$H" audit "$T/nul.csv" --out "$T/nul.out" --quiet
contains "NUL byte line" "$T/nul.out" "NUL byte"
contains "NUL byte next line judged" "$T/nul.out" "3,N2,H20,h20,1,CN,2024-06-01,no_license_required"
# --spec values that are not numbers a part can have.
for v in nan inf -1 1e400 0x10 ''; do
    expect "spec fp8='$v'" 2 "${E[@]}" classify --spec "fp8=$v"
    contains "spec fp8='$v' named" "$T/err" "fp8"
done
# SQL metacharacters in every string the ledger stores.
q="x'); DROP TABLE verdicts; --\""
expect "sql in consignee" 1 "${E[@]}" --db "$H" check H20 --to CN --date 2025-06-01 --consignee "$q"
[ "$(sqlite3 "$H" "SELECT consignee FROM verdicts ORDER BY id DESC LIMIT 1")" = "$q" ] && ok || bad "sql: the consignee was not stored verbatim"
printf 'line,sku,description,qty,country,date\n"%s","%s","%s",1,CN,2024-06-01\n' "a'b" "H20'; DELETE FROM audit_results; --" "desc \"\"quoted\"\"" >"$T/sql.csv"
expect "sql in csv" 0 "${E[@]}" --db "$H" audit "$T/sql.csv" --quiet
run=$(sqlite3 "$H" "SELECT max(id) FROM audit_runs")
[ "$(sqlite3 "$H" "SELECT text FROM audit_texts WHERE run_id=$run ORDER BY id" | tr '\n' '|')" = "H20'; DELETE FROM audit_results; --|desc \"quoted\"|" ] && ok || bad "sql: the CSV texts were not stored verbatim"
[ "$(sqlite3 "$H" "SELECT line_id FROM audit_results_v WHERE run_id=$run")" = "a'b" ] && ok || bad "sql: the line id was not stored verbatim"
intact "hostile" "$H"
fi

# ---- a corrupt ledger is named, never repaired or overwritten ----
if want corrupt; then
G="$T/good.db"
"${E[@]}" --db "$T/live.db" check H20 --to CN >/dev/null
"${E[@]}" --db "$T/live.db" ledger backup "$G" >/dev/null # one file: the live log folded in
head -c 3000 "$G" >"$T/truncated.db"
head -c 40000 /dev/urandom >"$T/garbage.db"
for f in truncated garbage; do
    before=$(sha256sum "$T/$f.db")
    expect "$f ledger check" 2 "${E[@]}" --db "$T/$f.db" ledger check
    expect "$f ledger write" 2 "${E[@]}" --db "$T/$f.db" check H20 --to CN
    [ "$(sha256sum "$T/$f.db")" = "$before" ] && ok || bad "$f: the file was changed"
done
fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ] && [ "$pass" -gt 0 ]
