#!/usr/bin/env bash
# durable.sh: a `check` that prints "recorded" has fsynced its verdict first. Usage: durable.sh
# ECCN_BINARY SOURCE_DIR. Under strace, the last write to the ledger (or its -wal) before the
# verdict reaches stdout must be followed by an fsync or fdatasync of that file, also before the
# verdict reaches stdout. Exits 77 (CTest: skipped) when strace is absent or cannot trace here.
set -u
ECCN=$1
SRC=$2
command -v strace >/dev/null || { echo "strace not installed: skipped"; exit 77; }
strace -o /dev/null true 2>/dev/null || { echo "strace cannot trace here: skipped"; exit 77; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export ECCN_CACHE_DIR="$T/cache"
E=("$ECCN" --rules "$SRC/rules" --data "$SRC/data" --db "$T/ledger.db")
# The first check creates the ledger; the second, traced, is a plain append to an existing one,
# where nothing but the commit itself has a reason to sync.
"${E[@]}" check "H800 SXM5" --to CN --date 2023-06-01 >/dev/null || exit 1
# LeakSanitizer cannot run under ptrace; the sanitizer build's leak checks are the other tests'.
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" strace -f -y -e trace=write,pwrite64,fsync,fdatasync -o "$T/trace" \
    "${E[@]}" check "H800 SXM5" --to CN --date 2023-06-01 >"$T/out" || exit 1
grep -q "recorded: ledger entry 2 in" "$T/out" || { echo "FAIL: no 'recorded' line"; cat "$T/out"; exit 1; }
# Rows of the trace: pid, call(fd<path>, ...). A call on the ledger is one whose path ends in
# /ledger.db or /ledger.db-wal. Nothing may reach stdout before the verdict is durable.
awk '
    / write\(1</ { out = NR; exit } # stdout is a file, so fully buffered: the first write has it
    / (pwrite64|write)\([0-9]+<[^>]*\/ledger\.db(-wal)?>/ { last_write = NR; synced = 0 }
    / f(data)?sync\([0-9]+<[^>]*\/ledger\.db(-wal)?>/ { if (last_write) synced = NR }
    END {
        if (!out) { print "FAIL: the verdict was never written to stdout"; exit 1 }
        if (!last_write) { print "FAIL: nothing written to the ledger before the verdict"; exit 1 }
        if (!synced) {
            printf "FAIL: the ledger write at trace line %d was not synced before the verdict was printed (line %d)\n", last_write, out
            exit 1
        }
        printf "ok: ledger written (line %d), synced (line %d), then printed (line %d)\n", last_write, synced, out
    }' "$T/trace" || { sed 's/^/  | /' "$T/trace" | cut -c1-160 | tail -20; exit 1; }
