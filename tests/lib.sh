# lib.sh: what the end-to-end scripts share, sourced by each: the counters, checks that say what
# failed, and the closing "N passed, N failed" line that CTest's log shows. expect writes the
# command's output to $T/out and $T/err, so a script sets T (its scratch directory) first.
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() {
    fail=$((fail + 1))
    echo "FAIL $*"
}
expect() { # expect NAME WANTED_STATUS COMMAND... ; output in $T/out, stderr in $T/err
    local name=$1 want=$2
    shift 2
    "$@" >"$T/out" 2>"$T/err"
    local got=$?
    if [ "$got" = "$want" ]; then ok; else
        bad "$name: exit $got, wanted $want"
        sed 's/^/  | /' "$T/err" | head -5
    fi
}
contains() { # contains NAME FILE TEXT
    if grep -qF -- "$3" "$2"; then ok; else
        bad "$1: '$3' not in $2"
        head -8 "$2" | sed 's/^/  | /'
    fi
}
lacks() { # lacks NAME FILE TEXT
    if grep -qF -- "$3" "$2"; then
        bad "$1: '$3' in $2"
        grep -F -- "$3" "$2" | head -3 | sed 's/^/  | /'
    else ok; fi
}
finish() { # the closing line, and the script's status
    echo "$pass passed, $fail failed"
    [ "$fail" = 0 ]
}
