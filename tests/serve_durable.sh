#!/usr/bin/env bash
# serve_durable.sh: `eccn serve` sends a check's answer only after its verdict is fsynced. Usage:
# serve_durable.sh ECCN_BINARY SOURCE_DIR. Under strace, for each of three checks one after
# another, the last write to the ledger's log before the answer goes out on the socket must be
# followed by an fsync or fdatasync of it, also before the answer. Exits 77 (CTest: skipped)
# without strace or curl, or where strace cannot trace.
set -u
ECCN=$1
SRC=$2
command -v curl >/dev/null || { echo "curl not installed: skipped"; exit 77; }
command -v strace >/dev/null || { echo "strace not installed: skipped"; exit 77; }
strace -o /dev/null true 2>/dev/null || { echo "strace cannot trace here: skipped"; exit 77; }
T=$(mktemp -d)
pid=
trap '[ -z "$pid" ] || kill "$pid" 2>/dev/null; rm -rf "$T"' EXIT
export XDG_STATE_HOME="$T/state"
TOKEN=$("$ECCN" serve --add-token erp --tokens "$T/tokens" 2>/dev/null)
# LeakSanitizer cannot run under ptrace; the sanitizer build's leak checks are serve.sh's.
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" strace -f -y \
    -e trace=write,pwrite64,fsync,fdatasync,sendmsg,sendto,writev -o "$T/trace" \
    "$ECCN" --rules "$SRC/rules" --data "$SRC/data" --db "$T/ledger.db" serve \
    --listen 127.0.0.1:0 --tokens "$T/tokens" >"$T/out" 2>"$T/err" &
pid=$!
for _ in $(seq 200); do
    grep -q "listening on" "$T/out" 2>/dev/null && break
    sleep 0.1
done
URL=$(sed -n 's/^listening on //p' "$T/out")
[ -n "$URL" ] || { echo "FAIL: serve did not start"; cat "$T/err"; exit 1; }
for q in 1 2 3; do
    curl -s -f -H "Authorization: Bearer $TOKEN" \
        -d "{\"part\":\"H800 SXM5\",\"destination\":\"CN\",\"date\":\"2024-02-01\",\"quantity\":$q}" \
        "$URL/v1/check" | grep -q "\"ledger_id\":$q" || { echo "FAIL: check $q not answered"; exit 1; }
done
# SIGTERM to the service itself (strace, told, would leave it running): its main thread's id,
# the process's, is the one that logged the rules revision at startup.
spid=$(awk '/write\(2<.*serve: rules revision/ {print $1; exit}' "$T/trace")
[ -n "$spid" ] || { echo "FAIL: the service's startup line is not in the trace"; exit 1; }
kill "$spid"
wait "$pid"
pid=
# A call on the ledger is one whose path ends in /ledger.db or /ledger.db-wal; an answer is a
# send of "HTTP/1.1 200" on a socket.
awk '
    / (pwrite64|write)\([0-9]+<[^>]*\/ledger\.db(-wal)?>/ { last_write = NR; synced = 0 }
    / f(data)?sync\([0-9]+<[^>]*\/ledger\.db(-wal)?>/ { if (last_write) synced = NR }
    /(sendmsg|sendto|writev)\([0-9]+<(socket|TCP)[^>]*>.*HTTP\/1\.1 200/ {
        answers++
        if (!last_write) { print "FAIL: an answer before anything was written to the ledger"; bad = 1 }
        else if (!synced) {
            printf "FAIL: the ledger write at trace line %d was not synced before the answer at line %d\n", last_write, NR
            bad = 1
        }
    }
    END {
        if (answers != 3) { printf "FAIL: %d answers in the trace, wanted 3\n", answers; exit 1 }
        if (bad) exit 1
        print "ok: each of 3 answers was sent after its verdict was synced"
    }' "$T/trace" || { cut -c1-160 "$T/trace" | grep -v "write(2" | tail -20 | sed 's/^/  | /'; exit 1; }
