# pyfault.bash: bash completion for pyfault (installed as
# share/bash-completion/completions/pyfault). Commands and options come
# from the pyfault being completed (`pyfault --help`, `pyfault CMD
# --help`), so they are always that binary's own; values (classes,
# modes, engines, plans, interpreter names, spec tokens) are listed here.

# The classes of `pyfault run --help`'s "Classes:" paragraph.
_pyfault_classes()
{
    "$1" run --help 2>/dev/null |
        sed -n '/^Classes:/,/Exit status/p' | sed 's/^Classes://; s/\. *Exit status.*//' |
        tr ' ,.' '\n\n\n' | grep -E '^[a-z-]+$'
}

# Completes a command to run: names on PATH, or files once it has a '/'.
_pyfault_command()
{
    if [[ $1 == */* ]]; then
        COMPREPLY=($(compgen -f -- "$1"))
    else
        COMPREPLY=($(compgen -c -- "$1"))
    fi
}

# Completes the last element of a comma-separated LIST value from WORDS.
_pyfault_list()
{
    local cur=$1 words=$2 head=
    [[ $cur == *,* ]] && head=${cur%,*},
    COMPREPLY=($(compgen -P "$head" -W "$words" -- "${cur##*,}"))
    # compopt fails outside a completion (a test calling us): no matter.
    compopt -o nospace 2>/dev/null
    return 0
}

_pyfault()
{
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
    local prog=${COMP_WORDS[0]} cmd= i
    COMPREPLY=()
    for ((i = 1; i < COMP_CWORD; i++)); do
        [[ ${COMP_WORDS[i]} == -* ]] && continue
        cmd=${COMP_WORDS[i]}
        break
    done
    if [[ -z $cmd ]]; then
        COMPREPLY=($(compgen -W "$("$prog" --help 2>/dev/null |
            sed -n 's/^  \([a-z][a-z-]*\) .*/\1/p') --help --version" -- "$cur"))
        return
    fi
    # After "--" come the command under test and its arguments.
    for ((i = i + 1; i < COMP_CWORD; i++)); do
        if [[ ${COMP_WORDS[i]} == -- ]]; then
            if [[ ${COMP_WORDS[COMP_CWORD-1]} == -- ]]; then
                _pyfault_command "$cur"
            else
                COMPREPLY=($(compgen -f -- "$cur"))
            fi
            return
        fi
    done
    case $prev in
    --mode) COMPREPLY=($(compgen -W "oneshot persistent both" -- "$cur")); return ;;
    --engine) COMPREPLY=($(compgen -W "exec fork" -- "$cur")); return ;;
    --plan) COMPREPLY=($(compgen -W "all sites sites: sites:log" -- "$cur")); return ;;
    --shard) COMPREPLY=($(compgen -W "auto" -- "$cur")); return ;;
    --accept | --want) _pyfault_list "$cur" "$(_pyfault_classes "$prog")"; return ;;
    --inject)
        _pyfault_list "$cur" "count nth= from= range= every= random= seed= min-size= site=
            skip-site= dso= region layer=pymem layer=libc layer=all log= log-max= junk trap
            sites-py sites-data no-precopy"
        return ;;
    --interp)
        if [[ $cur == *=* ]]; then
            COMPREPLY=($(compgen -P "${cur%%=*}=" -f -- "${cur#*=}"))
        else
            COMPREPLY=($(compgen -S = -W "system 3.11-vanilla 3.11-patched 3.11-regress
                3.13-vanilla 3.13-patched" -- "$cur"))
            compopt -o nospace 2>/dev/null
        fi
        return 0 ;;
    --python) _pyfault_command "$cur"; return ;;
    --out | --resume) COMPREPLY=($(compgen -d -- "$cur")); return ;;
    --json | --junit | --baseline | -o | --output | --build | --signature | --timeout | \
        --range | --stride | --site-depth | -j | --jobs | --startup-stride | --times)
        [[ $prev == --json || $prev == --junit || $prev == --baseline || $prev == -o ||
            $prev == --output ]] && COMPREPLY=($(compgen -f -- "$cur"))
        return ;;
    esac
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$("$prog" "$cmd" --help 2>/dev/null |
            grep -oE '^  (-[a-zA-Z], )?--[a-z][a-z-]*' | grep -oE -- '--[a-z][a-z-]*')" -- "$cur"))
        return
    fi
    case $cmd in
    report) COMPREPLY=($(compgen -d -- "$cur")) ;;
    *) COMPREPLY=($(compgen -f -- "$cur")) ;;
    esac
}

complete -F _pyfault pyfault
