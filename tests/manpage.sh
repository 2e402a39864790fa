#!/usr/bin/env bash
# manpage.sh: the generated eccn(1) renders with man -l, without warnings, and names every
# command. Usage: manpage.sh ECCN MANPAGE. Skipped (77) where man is not installed.
set -u
ECCN=$1
PAGE=$2
command -v man >/dev/null || { echo "SKIPPED: man is not installed"; exit 77; }
out=$(MANWIDTH=100 LC_ALL=C.UTF-8 man -l "$PAGE" 2>&1 >/dev/null) # warnings only
[ -z "$out" ] || { echo "FAIL man -l warns: $out"; exit 1; }
text=$(MANWIDTH=100 man -l "$PAGE" 2>/dev/null)
for c in $("$ECCN" help --complete); do
    grep -q "^   $c\$" <<<"$text" || { echo "FAIL no section for $c"; exit 1; }
done
echo "1 passed, 0 failed"
