# bash completion for cmig                                  -*- shell-script -*-
#
# Installed as share/bash-completion/completions/cmig; or `source contrib/completion/cmig.bash`.
# Needs nothing from the bash-completion package.
#
# Completes the command name, each command's options and the global ones, and revision ids
# where a TARGET or REV goes. Commands and options are read from `cmig --help` and
# `cmig COMMAND --help` (the CLI's own table: one source, as for the man page); revision ids
# from `cmig history`, whose lines are `<down> -> <id>[ (head)], <message>`, run with the
# -c/--config and --url given on the line so far.

# _cmig_run ARGS...: the cmig being completed (the first word, as typed), errors silenced
_cmig_run() {
	local prog=${COMP_WORDS[0]:-cmig}
	prog=${prog/#\~/$HOME}
	command "$prog" "$@" 2>/dev/null
}

_cmig_commands() {
	_cmig_run --help | sed -n '/^Commands:/,/^$/s/^  \([a-z][a-z-]*\) .*/\1/p'
}

# option names of COMMAND's --help (its own options and the global ones)
_cmig_options() {
	_cmig_run "$1" --help |
		sed -n -E 's/^  +(-[A-Za-z], )?(--[a-z][a-z-]*).*/\2/p'
}

# revision ids, newest first, from `cmig history`
_cmig_revisions() {
	local i w args=()
	for ((i = 1; i < ${#COMP_WORDS[@]} - 1; i++)); do
		w=${COMP_WORDS[i]}
		case $w in
		-c | --config | --url) args+=("$w" "${COMP_WORDS[i + 1]}") ;;
		--config=* | --url=*) args+=("$w") ;;
		esac
	done
	_cmig_run "${args[@]}" history | sed -n 's/^[^ ]* -> \([A-Za-z0-9_]*\).*/\1/p'
}

_cmig() {
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
	local i w cmd="" npos=0
	COMPREPLY=()

	# the command word: the first one that is neither an option nor an option's value
	for ((i = 1; i < COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		case $w in
		-c | --config | --url | --urls | --jobs | --on-error | --lock-timeout | --wait | -m | --message | --rev-id | -r | --rev-range | --format | \
		--from | --to | --tables | --exclude)
			((i++)) ;;
		-[0-9]*) [ -n "$cmd" ] && ((npos++)) ;;
		-*) ;;
		*) if [ -z "$cmd" ]; then cmd=$w; else ((npos++)); fi ;;
		esac
	done

	# option values
	case $prev in
	-c | --config | --urls)
		COMPREPLY=($(compgen -f -- "$cur"))
		return ;;
	--on-error)
		COMPREPLY=($(compgen -W "stop continue" -- "$cur"))
		return ;;
	--format)
		COMPREPLY=($(compgen -W "text json" -- "$cur"))
		return ;;
	-r | --rev-range)
		COMPREPLY=($(compgen -W "$(_cmig_revisions) head base current" -- "$cur"))
		return ;;
	--url | --jobs | --lock-timeout | --wait | -m | --message | --rev-id | --from | --to | --tables | --exclude)
		return ;;
	esac

	if [ -z "$cmd" ]; then
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "$(_cmig_options init | sort -u)" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$(_cmig_commands) help" -- "$cur"))
		fi
		return
	fi
	if [[ $cur == -* && $cur != -[0-9]* ]]; then
		COMPREPLY=($(compgen -W "$(_cmig_options "$cmd")" -- "$cur"))
		return
	fi
	[ "$npos" -eq 0 ] || return
	case $cmd in
	upgrade) COMPREPLY=($(compgen -W "$(_cmig_revisions) head +1" -- "$cur")) ;;
	downgrade) COMPREPLY=($(compgen -W "$(_cmig_revisions) base -1" -- "$cur")) ;;
	stamp) COMPREPLY=($(compgen -W "$(_cmig_revisions) head base" -- "$cur")) ;;
	show | rehash) COMPREPLY=($(compgen -W "$(_cmig_revisions)" -- "$cur")) ;;
	init) COMPREPLY=($(compgen -d -- "$cur")) ;;
	help) COMPREPLY=($(compgen -W "$(_cmig_commands)" -- "$cur")) ;;
	esac
}

complete -F _cmig cmig
