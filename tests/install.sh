#!/usr/bin/env bash
# install.sh: `cmake --install` puts the binary beside rules/ and data/, and the installed binary
# finds and uses them from any directory. Usage: install.sh CMAKE BUILD_DIR.
# Ends with "N passed, N failed".
set -u
. "$(dirname "$0")/lib.sh"
CMAKE=$1
BUILD=$2
T=$(mktemp -d "${TMPDIR:-/tmp}/eccn install XXXXXX") # a space in the prefix
trap 'rm -rf "$T"' EXIT

"$CMAKE" --install "$BUILD" --prefix "$T/prefix" >"$T/install.log" 2>&1 && ok || bad "cmake --install failed: $(tail -3 "$T/install.log")"
P="$T/prefix"
for f in bin/eccn share/eccn/rules/2023-11-17-88fr73458.yaml share/eccn/data/devices.yaml \
    share/eccn/data/recordkeeping.yaml share/eccn/data/samples/inventory.csv share/man/man1/eccn.1 \
    share/bash-completion/completions/eccn share/zsh/vendor-completions/_eccn; do
    [ -e "$P/$f" ] && ok || bad "not installed: $f"
done
cd / || exit 1
export HOME="$T" ECCN_DB="$T/ledger.db"
"$P/bin/eccn" check "NVIDIA H800 80GB SXM5" --to China --date 2024-02-01 --qty 64 >"$T/out" 2>&1
[ $? = 1 ] && grep -q "LICENCE REQUIRED" "$T/out" && ok || bad "installed check: $(head -3 "$T/out")"
"$P/bin/eccn" rules lint >"$T/out" 2>&1 && ok || bad "installed rules lint: $(head -3 "$T/out")"
# The installed data, not the source tree's, is what it reads: a change there shows.
sed -i 's/^  years: 5$/  years: 7/' "$P/share/eccn/data/recordkeeping.yaml"
"$P/bin/eccn" ledger purge --before 2020-01-01 >"$T/out" 2>&1
grep -q "retention of 7 years" "$T/out" && ok || bad "installed data not used: $(head -3 "$T/out")"
finish
