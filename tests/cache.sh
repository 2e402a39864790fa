#!/usr/bin/env bash
# cache.sh: eccn keeps no cache of rules or data, so no cache file can change a verdict or the rules
# revision it is recorded under (issue 18). Usage: cache.sh ECCN_BINARY SOURCE_DIR. Ends with
# "N passed, N failed" and exits non-zero when any check failed.
#
# A check runs with HOME and XDG_CACHE_HOME in fresh directories and must leave them empty; a
# forged cache where earlier versions kept theirs ($ECCN_CACHE_DIR, $XDG_CACHE_HOME/eccn,
# ~/.cache/eccn) must change neither the verdict nor the revision, printed or recorded, and must
# be neither read nor rewritten; under strace, eccn opens nothing but rules/, data/, the ledger,
# its signed head (in XDG_STATE_HOME) and what the system needs (libraries, the account database,
# /dev/urandom for SQLite).
set -u
. "$(dirname "$0")/lib.sh"
ECCN=$1
SRC=$2
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
unset ECCN_DB ECCN_CACHE_DIR XDG_DATA_HOME
none() { # none NAME LIST: LIST is empty
    if [ -z "$2" ]; then ok; else bad "$1: ${2//$'\n'/ }"; fi
}

# An H100 to China in mid-2024: licence required, under the 4800 TPP threshold of 3A090.a.
CHECK=(check h100-sxm5-80gb --to CN --date 2024-06-01 --json)

# run LABEL [--no-xdg] [VAR=VALUE...]: the check with HOME, XDG_CACHE_HOME (unset with --no-xdg)
# and the ledger in $T/LABEL, under ${TRACE[@]} when set; writes "verdict revision" as printed and
# as recorded to $T/LABEL/printed and $T/LABEL/recorded.
run() {
    local d="$T/$1"
    shift
    local xdg=(XDG_CACHE_HOME="$d/xdg")
    if [ "${1:-}" = --no-xdg ]; then
        xdg=()
        shift
    fi
    mkdir -p "$d/home" "$d/xdg" "$d/ledger"
    # The signed head (docs/security.md) is kept in XDG_STATE_HOME: evidence, not a cache.
    env -u XDG_CACHE_HOME HOME="$d/home" XDG_STATE_HOME="$d/state" ${xdg[@]+"${xdg[@]}"} "$@" \
        ${TRACE[@]+"${TRACE[@]}"} \
        "$ECCN" --rules "$SRC/rules" --data "$SRC/data" --db "$d/ledger/l.db" "${CHECK[@]}" \
        >"$d/out"
    key <"$d/out" >"$d/printed"
    "$ECCN" --db "$d/ledger/l.db" ledger show 1 --json | key >"$d/recorded"
}
key() { # the verdict and the revision in the JSON on stdin
    local j
    j=$(cat)
    echo "$(grep -o '"verdict":"[a-z_]*"' <<<"$j")" \
        "$(grep -o '"rules_revision":"[0-9a-f]*"' <<<"$j")"
}
same_key() { # same_key NAME LABEL: LABEL's verdict and revision, printed and recorded, are clean's
    if [ "$(cat "$T/$2/printed")" = "$(cat "$T/clean/printed")" ] &&
        [ "$(cat "$T/$2/recorded")" = "$(cat "$T/clean/printed")" ]; then ok; else
        bad "$1: printed '$(cat "$T/$2/printed")', recorded '$(cat "$T/$2/recorded")'," \
            "wanted '$(cat "$T/clean/printed")'"
    fi
}

run clean
if grep -q '"verdict":"license_required" "rules_revision":"[0-9a-f]\{64\}"' "$T/clean/printed"; then
    ok
else
    bad "clean check: got '$(cat "$T/clean/printed")'"
fi
same_key "clean check recorded as printed" clean
none "eccn wrote into HOME or XDG_CACHE_HOME" "$(find "$T/clean/home" "$T/clean/xdg" -mindepth 1)"
none "eccn wrote beside the ledger" "$(find "$T/clean/ledger" -mindepth 1 ! -name 'l.db*')"

# The forged cache: garbage, and the rule and data files with the 4800 threshold raised out of the
# H100's reach, under the names the removed cache used (16 hex digits .ydx per directory, .img per
# rule set, and the older 64-digit .ydc per file).
forge() {
    mkdir -p "$1"
    head -c 4096 /dev/urandom >"$1/0123456789abcdef.ydx"
    head -c 4096 /dev/urandom >"$1/0123456789abcdef.img"
    local i=0 f
    for f in "$SRC"/rules/*.yaml "$SRC"/data/*.yaml; do
        i=$((i + 1))
        sed 's/4800/999999/g' "$f" >"$1/$(printf '%016x' "$i").ydx"
        sed 's/4800/999999/g' "$f" >"$1/$(printf '%016x' "$i").img"
        sed 's/4800/999999/g' "$f" >"$1/$(printf '%064x' "$i").ydc"
    done
    touch -d 2020-01-01 "$1"/*
    (cd "$1" && find . -type f -printf '%P %s %T@\n' | sort && cat ./* | sha256sum) >"$1.before"
}
untouched() { # untouched NAME DIR: DIR holds what forge put there, unchanged
    if (cd "$2" && find . -type f -printf '%P %s %T@\n' | sort && cat ./* | sha256sum) |
        cmp -s - "$2.before"; then ok; else bad "$1: eccn changed the forged cache in $2"; fi
}
forge "$T/forged/env"
run forged-env ECCN_CACHE_DIR="$T/forged/env"
same_key "forged \$ECCN_CACHE_DIR" forged-env
untouched "forged \$ECCN_CACHE_DIR" "$T/forged/env"
forge "$T/forged-xdg/xdg/eccn"
run forged-xdg
same_key "forged \$XDG_CACHE_HOME/eccn" forged-xdg
untouched "forged \$XDG_CACHE_HOME/eccn" "$T/forged-xdg/xdg/eccn"
forge "$T/forged-home/home/.cache/eccn"
run forged-home --no-xdg
same_key "forged ~/.cache/eccn" forged-home
untouched "forged ~/.cache/eccn" "$T/forged-home/home/.cache/eccn"

# Every file eccn opens, creates, renames or removes, whether or not the call succeeds.
if command -v strace >/dev/null && strace -f -o /dev/null true 2>/dev/null; then
    calls="open,openat,openat2,creat,mkdir,mkdirat,rename,renameat,renameat2,unlink,unlinkat"
    TRACE=(strace -f -qq -o "$T/trace" -e "trace=$calls,link,linkat,symlink,symlinkat,truncate")
    # LeakSanitizer cannot run under ptrace (a -DECCN_SANITIZE=ON build); the others leak-check.
    asan="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
    run traced ECCN_CACHE_DIR="$T/traced/cache" ASAN_OPTIONS="$asan"
    unset TRACE
    same_key "traced check" traced
    L="$T/traced/ledger"
    stray=$(grep -o '"[^"]*"' "$T/trace" | tr -d '"' | sort -u | while read -r p; do
        case $p in
        "$SRC/rules" | "$SRC/rules/"*.yaml | "$SRC/data/"*.yaml | "$SRC/data/vendors/"*.csv) ;;
        "$L" | "$L/l.db"*) ;;
        "$T/traced/state" | "$T/traced/state/"*) ;; # the signed head and its key
        /etc/ld.so.cache | /lib/* | /lib64/* | /usr/lib/* | /usr/lib64/*) ;;
        /etc/nsswitch.conf | /etc/passwd | /etc/group | /dev/urandom | /etc/localtime) ;;
        /proc/self/*) ;; # AddressSanitizer reads its own maps, command line and environment
        *) case "$L/" in "$p"/*) ;; *) echo "$p" ;; esac ;; # the ledger's parents (mkdir -p)
        esac
    done)
    none "eccn touched files outside rules/, data/ and the ledger" "$stray"
else
    echo "skip: strace is not usable here"
fi

# A rule file edited in place, its size and modification time kept, is read as it now is: the
# verdict and the revision follow the bytes on disk. The edit turns the TPP tests of 3A090 from
# ">=" to "<=", which makes the H100 to China NO LICENCE REQUIRED. The pause is what a cache that
# trusted a file by its identity (size, times) waited for before trusting it.
mkdir -p "$T/rules-edit"
cp "$SRC"/rules/*.yaml "$T/rules-edit/"
f=$(grep -l 'when: {metric: tpp, op: ">=", value: 4800}' "$T"/rules-edit/*.yaml | tail -1)
sleep 4
ER=("$ECCN" --rules "$T/rules-edit" --data "$SRC/data" "${CHECK[@]}" --no-record)
"${ER[@]}" | key >"$T/edit-before"
before=$(stat -c '%i %s %y' "$f")
sed 's/op: ">=", value: \(4800\|1600\)}/op: "<=", value: \1}/' "$f" >"$T/edited.yaml"
cat "$T/edited.yaml" >"$f" # the same inode and size
touch -d "${before#* * }" "$f"
"${ER[@]}" | key >"$T/edit-after"
revision() { grep -o '"rules_revision":"[0-9a-f]*"' "$1"; }
if [ -n "$f" ] && [ "$(stat -c '%i %s %y' "$f")" = "$before" ] &&
    [ "$(cat "$T/edit-before")" = "$(cat "$T/clean/printed")" ] &&
    grep -q '"verdict":"no_license_required"' "$T/edit-after" &&
    [ "$(revision "$T/edit-after")" != "$(revision "$T/edit-before")" ]; then
    ok
else
    bad "in-place edit: before '$(cat "$T/edit-before")', after '$(cat "$T/edit-after")'"
fi

finish
