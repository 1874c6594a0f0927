#!/usr/bin/env bash
# t-completion.sh - contrib/completion/cmig.bash completes commands, options and revision
# ids (issue 7): the script is sourced into a bash, COMP_WORDS/COMP_CWORD are set as
# readline would set them, and COMPREPLY is checked.
. "$(dirname "$0")/lib.sh"

completion=$CMIG_SOURCE_DIR/contrib/completion/cmig.bash

# A project: the bundled example's cmig.yaml and versions/ (history reads only the files).
mkdir -p "$TMP/proj"
cp -r "$CMIG_SOURCE_DIR/cmig.yaml" "$CMIG_SOURCE_DIR/versions" "$TMP/proj/"
mkdir -p "$TMP/other/versions"
cat >"$TMP/other/versions/abc123_only.sql" <<'SQL'
-- revision: abc123
-- down_revision: none

-- migrate:up
SQL
printf 'versions_dir: versions\n' >"$TMP/other/other.yaml"

# complete WORD...: the last word is the one being completed; prints COMPREPLY sorted, one
# a line. Runs in a fresh bash in the project directory.
complete_words() {
	(cd "$TMP/proj" && bash --norc --noprofile -c '
		source "$1" || exit 9
		shift
		COMP_WORDS=("$@")
		COMP_CWORD=$(($# - 1))
		COMP_LINE="$*"
		COMP_POINT=${#COMP_LINE}
		_cmig
		printf "%s\n" "${COMPREPLY[@]}" | sort' _ "$completion" "$CMIG" "$@")
}

check "the script registers _cmig for cmig" bash --norc --noprofile -c \
	"source '$completion' && complete -p cmig | grep -q -- '-F _cmig'"

all_ids="0001a7e3c9d2
0002b4f1e8a6
0003c2d9f4b1
0004d8e6a3c7
0005e1b7c5f9
0006f3a2d8e4
0007a9c4e2b8"

check_eq "commands from a prefix" "upgrade" "$(complete_words up)"
check_eq "commands d..." "diff
downgrade
dump" "$(complete_words d)"
check_eq "commands h..." "heads
help
history" "$(complete_words h)"
check_eq "every command" "check
copy
current
diff
downgrade
dump
heads
help
history
init
linearize
rehash
revision
show
stamp
status
upgrade" "$(complete_words '')"
check_eq "command after a global option and its value" "stamp
status" "$(complete_words -c cmig.yaml st)"

check_eq "revision ids for upgrade" "+1
$all_ids
head" "$(complete_words upgrade '')"
check_eq "revision id from a prefix" "0003c2d9f4b1" "$(complete_words upgrade 0003)"
check_eq "revision ids for downgrade" "-1
$all_ids
base" "$(complete_words downgrade '')"
check_eq "revision ids for stamp" "0005e1b7c5f9" "$(complete_words stamp 0005)"
check_eq "revision ids for show" "$all_ids" "$(complete_words show '')"
check_eq "revision ids for rehash after -q" "0001a7e3c9d2" "$(complete_words -q rehash 0001)"
check_eq "history -r" "0002b4f1e8a6" "$(complete_words history -r 0002)"
check_eq "only one TARGET" "" "$(complete_words upgrade 0006f3a2d8e4 '')"
check_eq "ids follow -c" "abc123" "$(complete_words -c ../other/other.yaml show '')"

check_eq "options of upgrade" "--check" "$(complete_words upgrade --ch)"
check_eq "global options after a command" "--config" "$(complete_words upgrade --con)"
check_eq "check --format values" "json
text" "$(complete_words check --format '')"
check_eq "no completion for -m" "" "$(complete_words revision -m '')"

finish
