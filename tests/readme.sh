#!/usr/bin/env bash
# readme.sh: every command in README.md's "Using it" block runs as written, in order, in a scratch
# directory with placeholder files (orders.csv), and exits with a verdict (0, 1 or 3), never 2 (a
# usage or input error). Usage: readme.sh ECCN SRC_DIR. Ends with "N passed, N failed".
set -u
ECCN=$1
SRC=$2
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1
export ECCN_DB="$T/ledger.db" HOME="$T" XDG_STATE_HOME="$T/state"
eccn() { "$ECCN" --rules "$SRC/rules" --data "$SRC/data" "$@"; }
pass=0
fail=0
cat >orders.csv <<'CSV'
line_id,part,quantity,destination,date,consignee
A-1,H100 SXM5,8,CN,2023-06-01,Acme Cloud GmbH
A-2,NVIDIA H800 80GB SXM5,16,China,2024-02-01,Acme Cloud GmbH
A-3,RTX 4090,2,VN,2024-06-01,Saigon Render Co.
A-4,L4,4,DE,2024-06-01,Berlin AI GmbH
CSV
# The block: from the line "## Using it" to the first closing fence after it.
commands=$(awk '/^## Using it/ {u = 1} u && /^```sh$/ {b = 1; next} b && /^```$/ {exit} b' "$SRC/README.md")
[ -n "$commands" ] || { echo "FAIL no commands found in README.md"; exit 1; }
while IFS= read -r line; do
    cmd=$(sed -E 's/[[:space:]]+# .*$//' <<<"$line") # the comment after the command
    [ -n "$cmd" ] || continue
    eval "$cmd" >"$T/out" 2>"$T/err" </dev/null
    rc=$?
    if [ "$rc" = 0 ] || [ "$rc" = 1 ] || [ "$rc" = 3 ]; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL (exit $rc): $cmd"
        head -5 "$T/err"
    fi
done <<<"$commands"
[ "$pass" -ge 20 ] || { echo "FAIL only $pass commands ran"; fail=$((fail + 1)); }
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
