#!/usr/bin/env bash
# report_render.sh: the HTML report rendered by headless Chromium (Debian's chromium package):
# its DOM holds both charts and the tables, the hostile part name is text, the page draws, and it
# prints to PDF. Exits 77 (CTest: skipped) with a message when Chromium is not installed.
set -u
ECCN=$1
SRC=$2
B=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$B" ]; then
    echo "skipped: Chromium is not installed (apt-get install chromium)"
    exit 77
fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
# Chromium writes beside its profile into ~/.config, ~/.cache and ~/.pki: keep all of it in $T.
export HOME="$T" XDG_CONFIG_HOME="$T/config" XDG_CACHE_HOME="$T/xdg-cache"
E=("$ECCN" --rules "$SRC/rules" --data "$SRC/data")
pass=0
fail=0
check() { if eval "$2"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL $1"; fi; }
"${E[@]}" --db "$T/l.db" audit "$SRC/tests/fixtures/report-inventory.csv" --quiet >/dev/null
"${E[@]}" --db "$T/l.db" report --run 1 --org "ACME <Export> & Co" -o "$T/r.html"
C=(timeout 120 "$B" --headless --no-sandbox --disable-gpu --no-first-run --disable-extensions
    --user-data-dir="$T/profile")
"${C[@]}" --dump-dom "file://$T/r.html" >"$T/dom.html" 2>"$T/chromium.err"
check "chromium rendered the page" '[ -s "$T/dom.html" ]'
check "two charts in the DOM" '[ "$(grep -o "<svg" "$T/dom.html" | wc -l)" -ge 2 ]'
check "the control map is there" 'grep -q "Control map: classification regions in force" "$T/dom.html"'
check "tables rendered" 'grep -q "<td>h100-sxm5-80gb</td>" "$T/dom.html"'
check "the hostile part is text" 'grep -q "&lt;script&gt;alert(1)&lt;/script&gt;" "$T/dom.html"'
check "no script element" '! grep -qi "<script" "$T/dom.html"'
check "organisation escaped" 'grep -q "ACME &lt;Export&gt; &amp; Co" "$T/dom.html"'
"${C[@]}" --window-size=1200,2400 --screenshot="$T/shot.png" "file://$T/r.html" >/dev/null 2>&1
check "a screenshot with content" '[ "$(stat -c %s "$T/shot.png" 2>/dev/null || echo 0)" -gt 20000 ]'
"${C[@]}" --print-to-pdf="$T/r.pdf" --no-pdf-header-footer "file://$T/r.html" >/dev/null 2>&1
check "prints to PDF" '[ "$(stat -c %s "$T/r.pdf" 2>/dev/null || echo 0)" -gt 10000 ] && head -c 4 "$T/r.pdf" | grep -q "%PDF"'
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
