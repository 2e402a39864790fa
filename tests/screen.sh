#!/usr/bin/env bash
# screen.sh: end-to-end tests of `eccn screen` and `eccn lists`. Usage: screen.sh ECCN SOURCE_DIR
#
# Screens the listed parties and the clean organisations of tests/screen_names.sh and prints the
# recall (listed names found) and the clear rate (clean names cleared); every listed name must be
# found and every clean name cleared. Then the exit statuses and JSON of one query, and `lists
# import` on a copy of data/: CSV, JSON, a file missing a whole list, malformed files, a tampered
# installed file. Ends with "N passed, N failed"; exits non-zero when any check failed.
set -u
. "$(dirname "$0")/lib.sh"
ECCN=$1
SRC=$2
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
# The signed heads of the ledgers made here stay here too (docs/security.md).
export XDG_STATE_HOME="$T/state"
export ECCN_CACHE_DIR="$T/cache"
read -r -a W <<<"${ECCN_WRAP:-}"
E=("${W[@]}" "$ECCN" --rules "$SRC/rules" --data "$SRC/data")

# --- recall and clear rate ---
. "$SRC/tests/screen_names.sh"
printf '%s\n' "$LISTED" >"$T/listed.txt"
printf '%s\n' "$CLEAR" >"$T/clear.txt"
printf '%s\n' "$NEAR" >"$T/near.txt"
"${E[@]}" screen --batch "$T/listed.txt" >"$T/listed.out" 2>"$T/err"
"${E[@]}" screen --batch "$T/clear.txt" >"$T/clear.out" 2>>"$T/err"
"${E[@]}" screen --batch "$T/near.txt" >"$T/near.out" 2>>"$T/err"
nl=$(wc -l <"$T/listed.out")
found=$(grep -c -v '^clear' "$T/listed.out")
hits=$(grep -c '^hit' "$T/listed.out")
nc=$(wc -l <"$T/clear.out")
cleared=$(grep -c '^clear' "$T/clear.out")
echo "recall: $found of $nl listed names found ($hits as hits, $((found - hits)) for review)"
echo "clear rate: $cleared of $nc clean names cleared"
[ "$nl" -ge 40 ] && [ "$nc" -ge 40 ] && ok || bad "fewer than 40 names in a group ($nl, $nc)"
[ "$found" = "$nl" ] && ok || {
    bad "listed names not found:"
    grep '^clear' "$T/listed.out" | cut -f6- | sed 's/^/  | /'
}
[ "$cleared" = "$nc" ] && ok || {
    bad "clean names not cleared:"
    grep -v '^clear' "$T/clear.out" | sed 's/^/  | /'
}
# Near-identical names of parties not listed go to a person, never silently clear.
[ "$(grep -c '^clear' "$T/near.out")" = 0 ] && ok || bad "a near-identical name cleared"

# --- one query: exit statuses, text and JSON ---
expect "hit" 1 "${E[@]}" screen "HuaweiTechnologies Co., Ltd." --country CN
contains "hit text" "$T/out" "HIT: on the lists"
contains "hit tokens" "$T/out" "tokens: huawei technologies"
contains "hit revision" "$T/out" "as bundled on 2026-07-31"
expect "typo text" 1 "${E[@]}" screen "Hangzhou Hikvison Digital Technology"
contains "typo tokens" "$T/out" "hikvison~hikvision"
expect "clear" 0 "${E[@]}" screen "Robert Bosch GmbH" --country de
contains "clear text" "$T/out" "CLEAR: not on the lists"
expect "review" 3 "${E[@]}" screen "Delta Electronics, Inc." --country TW
contains "review text" "$T/out" "REVIEW: possible match"
expect "json" 1 "${E[@]}" screen "Rosoboronexport" --json
for f in '"query":"Rosoboronexport"' '"country":null' '"result":"hit"' '"list":"SDN"' \
    '"entity_number":"18782"' '"matched_name":"ROSOBORONEXPORT JSC"' '"countries":["RU"]' \
    '"federal_register_notice":' '"license_requirement":' '"license_policy":' '"score":1' \
    "\"lists_revision\":\"$(sha256sum "$SRC/data/lists/consolidated-2026-07-31.csv" | cut -c1-64)\""; do
    contains "json $f" "$T/out" "$f"
done
# Another country lowers the score but does not clear the name.
expect "country qualifies" 3 "${E[@]}" screen "Rosoboronexport" --country FR --json
contains "country json" "$T/out" '"country":"FR"'
expect "bad country" 2 "${E[@]}" screen "Huawei" --country China
expect "nothing to match" 2 "${E[@]}" screen "..."
expect "no name" 2 "${E[@]}" screen
expect "batch exit" 1 "${E[@]}" screen --batch "$T/listed.txt"

# --- lists show and import, on a copy of data/ ---
cp -r "$SRC/data" "$T/data"
D=("${W[@]}" "$ECCN" --rules "$SRC/rules" --data "$T/data")
CSV="$SRC/data/lists/consolidated-2026-07-31.csv"
expect "show" 0 "${D[@]}" lists show
contains "show revision" "$T/out" "revision $(sha256sum "$CSV" | cut -c1-64)"
contains "show date" "$T/out" "date     2026-07-31"
contains "show counts" "$T/out" "SDN       19181"
contains "show names" "$T/out" "entries  25921 (57184 names and aliases)"
expect "show json" 0 "${D[@]}" lists show --json
contains "show json counts" "$T/out" '"EL":3420'

# The same CSV again: nothing lost, installed under its digest, the old file removed.
expect "import csv" 0 "${D[@]}" lists import "$CSV" --date 2026-07-31
contains "import counts" "$T/out" "DPL        1596  (+0)"
[ -f "$T/data/lists/consolidated-88c7963b7e31.csv" ] && [ ! -e "$T/data/lists/consolidated-2026-07-31.csv" ] &&
    ok || bad "import csv: files in data/lists: $(ls -A "$T/data/lists" | tr '\n' ' ')"
[ "$(ls -A "$T/data/lists" | grep -c '^\.')" = 0 ] && ok || bad "temporary files left behind"
expect "show after import" 0 "${D[@]}" lists show
contains "show after import" "$T/out" "revision 88c7963b7e31"

# A file without the Denied Persons List: refused, then installed with --force.
grep -v '^[^,]*,Denied Persons List' "$CSV" >"$T/nodpl.csv"
expect "lost list refused" 2 "${D[@]}" lists import "$T/nodpl.csv"
contains "lost list named" "$T/err" "no entries on DPL (1596)"
expect "lost list kept" 0 "${D[@]}" lists show
contains "lost list kept" "$T/out" "DPL"
expect "lost list forced" 0 "${D[@]}" lists import "$T/nodpl.csv" --force
expect "forced show" 0 "${D[@]}" lists show --json
contains "forced show" "$T/out" '"entries":24325'

# trade.gov's JSON layout: one entry on each of the twelve lists.
cat >"$T/consolidated.json" <<'JSON'
{"sources_used": [], "results": [
 {"source": "Capta List (CAP) - Treasury Department", "entity_number": 15268, "name": "BANK OF KUNLUN CO LTD", "alt_names": ["KARAMAY CITY COMMERCIAL BANK CO LTD."], "addresses": [{"address": "", "city": "Karamay", "country": "CN"}]},
 {"source": "Non-SDN Chinese Military-Industrial Complex Companies List (CMIC) - Treasury Department", "entity_number": "30882", "name": "China Telecom Corporation Limited", "alt_names": ["CHINA TELECOM", "CHINA TELECOM CORP LTD"], "addresses": [{"country": "CN"}]},
 {"source": "Denied Persons List (DPL) - Bureau of Industry and Security", "name": "SEMICONDUCTOR SYSTEMS INTL., INC. (SSI)", "alt_names": null, "addresses": [{"country": "DK"}]},
 {"source": "ITAR Debarred (DTC) - State Department", "name": "A & C International Trade, Inc.", "alt_names": [], "addresses": []},
 {"source": "Entity List (EL) - Bureau of Industry and Security", "name": "Hangzhou Hikvision Digital Technology Co., Ltd.", "alt_names": ["Hikvision"], "addresses": [{"country": "CN"}], "federal_register_notice": "84 FR 54002", "license_requirement": "For all items subject to the EAR.", "license_policy": "Presumption of denial."},
 {"source": "Nonproliferation Sanctions (ISN) - State Department", "name": "SPC Supachoke", "alt_names": ["Super Trade"], "addresses": []},
 {"source": "Non-SDN Menu-Based Sanctions List (NS-MBS List) - Treasury Department", "entity_number": "17014", "name": "Joint Stock Company Russian Agricultural Bank", "alt_names": ["Russian Agricultural Bank"], "addresses": [{"country": "RU"}]},
 {"source": "Military End User (MEU) List - Bureau of Industry and Security", "name": "Academy of Aerospace Solid Propulsion Technology (AASPT)", "addresses": [{"country": "CN"}]},
 {"source": "Palestinian Legislative Council List (PLC) - Treasury Department", "entity_number": "9640", "name": "Mohammed ABU TEIR", "alt_names": ["Mohammad Mahmoud ABOU TAYR"]},
 {"source": "Specially Designated Nationals (SDN) - Treasury Department", "entity_number": "36", "name": "AEROCARIBBEAN AIRLINES", "alt_names": ["AERO-CARIBBEAN"], "addresses": [{"country": "CU"}]},
 {"source": "Sectoral Sanctions Identifications List (SSI) - Treasury Department", "entity_number": "17013", "name": "VTB BANK PUBLIC JOINT STOCK COMPANY", "alt_names": ["VTB Bank PJSC"], "addresses": [{"country": "RU"}, {"country": "CN"}]},
 {"source": "Unverified List (UVL) - Bureau of Industry and Security", "name": "Atlas Sanatgaran", "addresses": [{"country": "AM"}]}
]}
JSON
expect "import json" 0 "${D[@]}" lists import "$T/consolidated.json" --date 2026-08-01
contains "import json format" "$T/out" "json, 12 entries"
expect "json show" 0 "${D[@]}" lists show
contains "json show date" "$T/out" "date     2026-08-01"
contains "json show format" "$T/out" "(json)"
expect "json screen" 1 "${D[@]}" screen "Hikvision Digital Technology" --json
contains "json screen list" "$T/out" '"list":"EL"'
contains "json screen frn" "$T/out" '"federal_register_notice":"84 FR 54002"'
contains "json screen revision" "$T/out" "\"lists_revision\":\"$(sha256sum "$T/consolidated.json" | cut -c1-64)\""
expect "json number" 1 "${D[@]}" screen "Bank of Kunlun" --json
contains "json integer entity number" "$T/out" '"entity_number":"15268"'
# From these twelve lists to eleven is refused too.
sed '/Palestinian/d' "$T/consolidated.json" >"$T/noplc.json"
expect "json lost list" 2 "${D[@]}" lists import "$T/noplc.json"
contains "json lost list named" "$T/err" "PLC (1)"

# Malformed files: exit 2, naming the line.
{
    head -n 3 "$CSV"
    echo 'x,Entity List (EL) - Bureau of Industry and Security,,,,"Broken quote,CN'
    tail -n 2 "$CSV"
} >"$T/broken.csv"
expect "malformed csv" 2 "${D[@]}" lists import "$T/broken.csv"
contains "malformed csv line" "$T/err" "broken.csv:4"
{
    head -n 3 "$CSV"
    echo 'x,Entity List (EL) - Bureau of Industry and Security,,,,Too Few Fields'
} >"$T/short.csv"
expect "short csv" 2 "${D[@]}" lists import "$T/short.csv"
contains "short csv line" "$T/err" "short.csv:4: 6 fields where the header has 29"
printf '{"results": [\n {"name": "A", "source": "Entity List (EL)"},\n {"name": "B" "source": "x"}\n]}\n' >"$T/broken.json"
expect "malformed json" 2 "${D[@]}" lists import "$T/broken.json"
contains "malformed json line" "$T/err" "broken.json:3:"
printf 'name,source\n,Entity List (EL)\n' >"$T/noname.csv"
expect "entry without a name" 2 "${D[@]}" lists import "$T/noname.csv"
contains "entry without a name" "$T/err" "noname.csv:2: entry without a name"
printf 'id,title\n1,x\n' >"$T/other.csv"
expect "other layout" 2 "${D[@]}" lists import "$T/other.csv"
contains "other layout" "$T/err" "no column 'name'"
expect "missing file" 2 "${D[@]}" lists import "$T/none.csv"
expect "import usage" 2 "${D[@]}" lists import

# The installed file changed behind eccn's back: refused, not screened against.
echo ' ' >>"$T/data/lists/$(sed -n 's/^file: //p' "$T/data/lists/lists.yaml")"
expect "tampered" 2 "${D[@]}" screen "Hikvision"
contains "tampered" "$T/err" "the file changed after it was installed"

finish
