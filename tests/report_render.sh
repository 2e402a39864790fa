#!/usr/bin/env bash
# report_render.sh: the HTML report of the bundled sample audit (data/samples/inventory.csv, as
# README's quick start runs it) as a reader sees it, in headless Chromium (Debian's chromium
# package): its DOM holds both charts and the tables, the page draws, prints to PDF, and no label
# of the control map overlaps another. Overlap is checked twice: on the SVG as written, by
# unit_chart (tests/unit_chart.c: the point numbers against one another, the points and the
# threshold labels, sized as chart.c sizes them), and in the page as Chromium lays it out: a copy
# of the report with a script added measures every text of the control map
# (getBoundingClientRect) and lists each pair whose boxes overlap, and each number that covers a
# point; none may. The screenshot is of the same page. A second report, of
# tests/fixtures/report-inventory.csv, shows that a hostile part name is text.
# Usage: report_render.sh ECCN SRC_DIR UNIT_CHART. The SVG check runs without Chromium; the rest
# exits 77 (CTest: skipped) with a message when Chromium is not installed.
set -u
. "$(dirname "$0")/lib.sh"
ECCN=$1
SRC=$2
UNIT_CHART=$3
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
# The signed heads of the ledgers made here stay here too (docs/security.md).
export XDG_STATE_HOME="$T/state"
# Chromium writes beside its profile into ~/.config, ~/.cache and ~/.pki: keep all of it in $T.
export HOME="$T" XDG_CONFIG_HOME="$T/config" XDG_CACHE_HOME="$T/xdg-cache"
E=("$ECCN" --rules "$SRC/rules" --data "$SRC/data")
check() { if eval "$2"; then ok; else bad "$1"; fi; }

# The sample audit (exit 2: it holds a few bad lines on purpose), reported as HTML and as Markdown
# (whose control map is a file of its own).
"${E[@]}" --db "$T/l.db" audit "$SRC/data/samples/inventory.csv" --quiet >/dev/null
check "the sample audited" '[ "$("${E[@]}" --db "$T/l.db" ledger runs | grep -c complete)" = 1 ]'
"${E[@]}" --db "$T/l.db" report --run 1 --org "ACME <Export> & Co" -o "$T/r.html"
"${E[@]}" --db "$T/l.db" report --run 1 --format md -o "$T/r.md"
check "the sample's map has its numbered points and no overlap (unit_chart)" \
    '"$UNIT_CHART" svg "$T/r-control-map.svg" >"$T/svgcheck" && grep -q ": [1-9][0-9]* numbered points, 0 overlaps" "$T/svgcheck"'
[ "$fail" = 0 ] || cat "$T/svgcheck"

B=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$B" ]; then
    [ "$fail" = 0 ] || finish # a failure of the SVG check is one, Chromium or not
    echo "skipped: Chromium is not installed (apt-get install chromium)"
    exit 77
fi
C=(timeout 120 "$B" --headless --no-sandbox --disable-gpu --no-first-run --disable-extensions
    --user-data-dir="$T/profile")
"${C[@]}" --dump-dom "file://$T/r.html" >"$T/dom.html" 2>"$T/chromium.err"
check "chromium rendered the page" '[ -s "$T/dom.html" ]'
check "two charts in the DOM" '[ "$(grep -o "<svg" "$T/dom.html" | wc -l)" -ge 2 ]'
check "the control map is there" 'grep -q "Control map: classification regions in force" "$T/dom.html"'
check "tables rendered" 'grep -q "<td>h100-sxm5-80gb</td>" "$T/dom.html"'
check "no script element" '! grep -qi "<script" "$T/dom.html"'
check "organisation escaped" 'grep -q "ACME &lt;Export&gt; &amp; Co" "$T/dom.html"'
check "the licence-required lines" 'grep -q "<h2>Licence-required lines</h2>" "$T/dom.html" && grep -q "<td>run 1 line [0-9]*</td>" "$T/dom.html"'
check "the rule change noted under the map" 'grep -q "The period spans a change of the rules" "$T/dom.html"'

# The labels as laid out: the report with a measuring script appended (the report itself has none).
cat >"$T/measure.js" <<'EOF'
(function () {
    var svg = document.querySelector("svg"), bad = [], eps = 0.5;
    function hit(a, b) {
        return a.left + eps < b.right && b.left + eps < a.right &&
            a.top + eps < b.bottom && b.top + eps < a.bottom;
    }
    var texts = [].slice.call(svg.querySelectorAll("text")),
        dots = [].slice.call(svg.querySelectorAll("circle"));
    for (var i = 0; i < texts.length; i++) {
        var a = texts[i].getBoundingClientRect();
        for (var j = i + 1; j < texts.length; j++)
            if (hit(a, texts[j].getBoundingClientRect()))
                bad.push(texts[i].textContent + " / " + texts[j].textContent);
        if (texts[i].getAttribute("class") === "pt")
            for (var k = 0; k < dots.length; k++)
                if (hit(a, dots[k].getBoundingClientRect()))
                    bad.push(texts[i].textContent + " / a point");
    }
    var p = document.createElement("pre");
    p.id = "overlaps";
    p.textContent = "texts " + texts.length + ", numbers " + svg.querySelectorAll("text.pt").length +
        ", overlaps " + bad.length + ": " + bad.join("; ");
    document.body.appendChild(p);
})();
EOF
{ sed -e 's#</body>##' -e 's#</html>##' "$T/r.html"; echo "<script>"; cat "$T/measure.js"; echo "</script></body></html>"; } >"$T/measure.html"
"${C[@]}" --dump-dom "file://$T/measure.html" 2>>"$T/chromium.err" | grep -o '<pre id="overlaps">[^<]*' >"$T/laid-out"
check "the sample's map as laid out: every point numbered, no label overlapping another or a point" \
    'grep -Eq "numbers [1-9][0-9]*, overlaps 0:" "$T/laid-out"'
grep -q "overlaps 0:" "$T/laid-out" || cat "$T/laid-out"
"${C[@]}" --window-size=1200,2400 --screenshot="$T/shot.png" "file://$T/r.html" >/dev/null 2>&1
check "a screenshot with content" '[ "$(stat -c %s "$T/shot.png" 2>/dev/null || echo 0)" -gt 20000 ]'
"${C[@]}" --print-to-pdf="$T/r.pdf" --no-pdf-header-footer "file://$T/r.html" >/dev/null 2>&1
check "prints to PDF" '[ "$(stat -c %s "$T/r.pdf" 2>/dev/null || echo 0)" -gt 10000 ] && head -c 4 "$T/r.pdf" | grep -q "%PDF"'

# A hostile part name is text in the page, never markup.
"${E[@]}" --db "$T/h.db" audit "$SRC/tests/fixtures/report-inventory.csv" --quiet >/dev/null
"${E[@]}" --db "$T/h.db" report --run 1 -o "$T/h.html"
"${C[@]}" --dump-dom "file://$T/h.html" >"$T/hdom.html" 2>>"$T/chromium.err"
check "the hostile part is text" 'grep -q "&lt;script&gt;alert(1)&lt;/script&gt;" "$T/hdom.html"'
check "no script element (hostile part)" '! grep -qi "<script" "$T/hdom.html"'
finish
