#!/usr/bin/env bash
# screen_check.sh: `check --consignee/--end-user` screens each party (issue 21). A listed party on
# the Entity List makes the answer licence required whatever the part, with the list entry as
# the deciding provision; a clear one leaves the part's answer as it was; the screening is in the
# JSON and in the recorded verdict, chained. Usage: screen_check.sh ECCN SRC. "N passed, N failed".
set -u
. "$(dirname "$0")/lib.sh"
ECCN=$1
SRC=$2
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export XDG_STATE_HOME="$T/state"
E=("$ECCN" --rules "$SRC/rules" --data "$SRC/data" --db "$T/l.db")
# The H20 to China in mid-2024: below the thresholds then, no licence required for the part.
Q=(check H20 --to CN --date 2024-06-01)
"${E[@]}" "${Q[@]}" --no-record >"$T/plain"
[ $? = 0 ] && grep -q "NO LICENCE REQUIRED" "$T/plain" && ok || bad "the part alone: $(head -1 "$T/plain")"
"${E[@]}" "${Q[@]}" --consignee "Huawei Technologies Co., Ltd." >"$T/out"
[ $? = 1 ] && ok || bad "Entity List consignee: not exit 1"
grep -q ": LICENCE REQUIRED" "$T/out" && ok || bad "Entity List consignee: $(head -1 "$T/out")"
grep -q "listed: Huawei Technologies Co., Ltd..* on EL" "$T/out" && ok || bad "the entry not named: $(cat "$T/out")"
grep -q "deciding: 15 CFR 744.11" "$T/out" && ok || bad "the deciding rule not named"
# Recorded as licence required, the screening in its provisions, and the chain intact.
"${E[@]}" ledger show 1 --json >"$T/rec"
grep -q '"verdict":"license_required"' "$T/rec" && grep -q '"role":"consignee"' "$T/rec" &&
    grep -q '"lists_revision":"[0-9a-f]\{64\}"' "$T/rec" && ok || bad "recorded: $(head -c 300 "$T/rec")"
"${E[@]}" ledger verify >/dev/null && ok || bad "ledger verify after a screened check"
# A clear party leaves the part's answer alone, and says what a clear result means.
"${E[@]}" "${Q[@]}" --consignee "Siemens AG" --end-user "Robert Bosch GmbH" --json >"$T/json"
[ $? = 0 ] && ok || bad "clear parties: not exit 0"
grep -q '"verdict":"no_license_required"' "$T/json" && grep -q '"screening":\[' "$T/json" &&
    grep -q '"role":"end user"' "$T/json" && ok || bad "clear parties JSON: $(head -c 300 "$T/json")"
"${E[@]}" "${Q[@]}" --consignee "Siemens AG" --no-record | grep -q "not on the screening lists as bundled on 2026-07-31" &&
    ok || bad "a clear result does not say what it covers"
# An SDN party: outside the EAR, reported, and never a bare "no licence required".
"${E[@]}" check H20 --to IR --date 2024-06-01 --consignee "Bank Melli Iran" --no-record >"$T/out"
rc=$?
[ "$rc" != 0 ] && grep -q "on SDN" "$T/out" && grep -q "outside the EAR" "$T/out" && ok || bad "SDN party: exit $rc: $(cat "$T/out")"
finish
