# bash completion for eccn. The words come from eccn itself (`eccn help --complete`), so a new
# command or option needs no change here.
_eccn() {
    local cur=${COMP_WORDS[COMP_CWORD]} cmd="" at=0 i
    for ((i = 1; i < COMP_CWORD; i++)); do
        case ${COMP_WORDS[i]} in
        --rules | --data | --db | --what-if) ((i++)) ;;
        -*) ;;
        *) cmd=${COMP_WORDS[i]}; at=$i; break ;;
        esac
    done
    if [[ -z $cmd && $cur != -* ]]; then
        mapfile -t COMPREPLY < <(compgen -W "$(eccn help --complete 2>/dev/null)" -- "$cur")
    elif [[ $cur == -* ]]; then
        mapfile -t COMPREPLY < <(compgen -W "$(eccn help --complete "$cmd" 2>/dev/null)" -- "$cur")
    elif ((at == COMP_CWORD - 1)); then # the word after the command: a subcommand, or a file
        mapfile -t COMPREPLY < <(compgen -W "$(eccn help --complete "$cmd" 2>/dev/null |
            grep -v '^-')" -- "$cur"; compgen -f -- "$cur")
    else
        mapfile -t COMPREPLY < <(compgen -f -- "$cur")
    fi
}
complete -o filenames -F _eccn eccn
