#!/usr/bin/env bash
# help.sh: every command answers --help (exit 0) with the same text as `eccn help COMMAND`, an
# unknown one is exit 2, and the bash completion offers the commands and a command's options.
# Usage: help.sh ECCN SRC_DIR. Ends with "N passed, N failed".
set -u
. "$(dirname "$0")/lib.sh"
ECCN=$1
SRC=$2
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

commands=$("$ECCN" help --complete)
[ "$(echo "$commands" | wc -l)" -ge 9 ] && ok || bad "too few commands: $commands"
for c in $commands; do
    "$ECCN" "$c" --help >"$T/a" 2>&1 && ok || bad "$c --help: exit $?"
    "$ECCN" help "$c" >"$T/b" 2>&1 && ok || bad "help $c: exit $?"
    cmp -s "$T/a" "$T/b" && ok || bad "$c --help and help $c differ"
    grep -q "^usage: eccn $c" "$T/a" && grep -q "^examples:" "$T/a" && grep -q "^exit status:" "$T/a" \
        && ok || bad "$c --help lacks usage, examples or exit status"
done
# --help is seen after other options too, and never runs the command (no ledger is created).
ECCN_DB="$T/ledger.db" "$ECCN" check H100 --to CN --help >"$T/a" 2>&1 && [ ! -e "$T/ledger.db" ] \
    && ok || bad "check ... --help ran the check"
"$ECCN" help no-such-command >"$T/a" 2>&1
[ $? = 2 ] && grep -q "no command 'no-such-command'" "$T/a" && ok || bad "unknown help topic"
"$ECCN" no-such-command --help >/dev/null 2>&1
[ $? = 2 ] && ok || bad "unknown command with --help is not exit 2"

# The completion script, driven as bash drives it.
complete_words() { # the words offered for a command line whose last word is being completed
    bash -c 'PATH="$1:$PATH"; source "$2"; shift 2; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1));
        _eccn; printf "%s\n" "${COMPREPLY[@]}"' _ "$(dirname "$ECCN")" "$SRC/docs/shell/eccn.bash" "$@"
}
[ "$(complete_words eccn au)" = audit ] && ok || bad "completion of 'au': $(complete_words eccn au)"
complete_words eccn --db x.db check --q | grep -qx -- --qty && ok || bad "completion of check --q"
complete_words eccn report --fo | grep -qx -- --format && ok || bad "completion of report --fo"
[ "$(complete_words eccn ledger ve)" = verify ] && ok || bad "completion of 'ledger ve': $(complete_words eccn ledger ve)"
complete_words eccn ledger "" | grep -qx head && ok || bad "ledger's subcommands lack head"
complete_words eccn rules "" | grep -qx lint && ok || bad "rules' subcommands lack lint"
[ "$(complete_words eccn ledger verify ve)" = "" ] && ok || bad "a subcommand offered after the subcommand"
finish
