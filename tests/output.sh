#!/usr/bin/env bash
# output.sh: what eccn's outputs say and where they go (issues 19 and 20): `report -o` never
# over the ledger or through a link, what-if verdicts never taken for decisions, commands that
# name a record check it exists, and check's short answer against its --explain tree.
# Usage: output.sh ECCN_BINARY SOURCE_DIR
set -u
ECCN=$1
SRC=$2
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export ECCN_DB="$T/ledger.db"
E=("$ECCN" --rules "$SRC/rules" --data "$SRC/data")
pass=0
fail=0

expect() { # expect NAME WANTED_STATUS COMMAND... ; output in $T/out, stderr in $T/err
    local name=$1 want=$2
    shift 2
    "$@" >"$T/out" 2>"$T/err"
    local got=$?
    if [ "$got" = "$want" ]; then pass=$((pass + 1)); else
        fail=$((fail + 1))
        echo "FAIL $name: exit $got, wanted $want"
        sed 's/^/  | /' "$T/err" | head -5
    fi
}
contains() { # contains NAME FILE TEXT
    if grep -qF -- "$3" "$2"; then pass=$((pass + 1)); else
        fail=$((fail + 1))
        echo "FAIL $1: '$3' not in $2"
        head -5 "$2" | sed 's/^/  | /'
    fi
}
lacks() { # lacks NAME FILE TEXT
    if ! grep -qF -- "$3" "$2"; then pass=$((pass + 1)); else
        fail=$((fail + 1))
        echo "FAIL $1: '$3' in $2"
        grep -F -- "$3" "$2" | head -3 | sed 's/^/  | /'
    fi
}
verdicts() { sqlite3 "$ECCN_DB" "SELECT count(*) FROM verdicts"; }

"${E[@]}" check "H800 SXM5" --to CN --date 2024-02-01 --qty 64 >/dev/null

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

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
