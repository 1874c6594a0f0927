#!/bin/bash
# t160: --help (stdout, exit 0, empty stderr), --version, usage errors (exit 2, message on
# stderr) and global options before or after the command (SPEC §5, STYLE §9 "three checks").
. "$(dirname "$0")/lib.sh"
new_db
new_project
chain a1 b2

# --help, globally and per command
for args in "--help" "-h" "init --help" "revision --help" "upgrade --help" "downgrade --help" \
	"status --help" "current --help" "heads --help" "history --help" "show --help" \
	"stamp --help" "check --help" "upgrade -h"; do
	# shellcheck disable=SC2086
	run_cmig $args
	assert_eq 0 "$RC" "cmig $args: exit 0"
	assert_ne "" "$OUT" "cmig $args: help on stdout"
	assert_eq "" "$ERR" "cmig $args: nothing on stderr"
done
run_cmig upgrade --help
assert_contains "$OUT" "upgrade" "upgrade --help is about upgrade"
assert_contains "$OUT" "--sql" "upgrade --help mentions --sql"
run_cmig --help
for c in init revision upgrade downgrade status current heads history show stamp check; do
	assert_contains "$OUT" "$c" "--help lists $c"
done
assert_exit 0 --version
assert_match "$OUT" '[0-9]+\.[0-9]+' "--version prints a version"
assert_eq "" "$ERR" "--version: nothing on stderr"

# usage errors: exit 2, message on stderr, nothing changed
usage() { # WHAT ARGS...
	local what=$1
	shift
	assert_exit 2 "$@"
	assert_ne "" "$ERR" "$what: message on stderr"
	assert_eq "" "$OUT" "$what: nothing on stdout"
}
usage "no command"
usage "unknown command" frobnicate
usage "unknown command near a real one" upgradee
usage "unknown option" --frobnicate
usage "unknown option after the command" upgrade --frobnicate
usage "unknown command option" status --sql
usage "unknown short option" upgrade -Z
usage "-c without its value" -c
usage "--url without its value" upgrade --url
usage "revision without -m" revision
usage "revision -m without value" revision -m
usage "downgrade without TARGET" downgrade
usage "show without REV" show
usage "stamp without TARGET" stamp
usage "history -r without RANGE" history -r
usage "upgrade FROM:TO without --sql" upgrade a1:b2
usage "too many arguments" upgrade a1 b2
assert_false "usage errors created no database" db_has_table cmig_version

# exit 1 for failures, 0 for success, 3 only from upgrade --check
assert_exit 1 upgrade nosuch
assert_exit 3 upgrade --check
assert_exit 0 upgrade
assert_backend_db
assert_exit 0 upgrade --check

# global options before or after the command
assert_exit 0 -c cmig.yaml current
assert_eq "b2 (head)" "$OUT" "-c before"
assert_exit 0 current -c cmig.yaml
assert_eq "b2 (head)" "$OUT" "-c after"
new_db
assert_exit 0 --url "$DB_URL" current
assert_eq base "$OUT" "--url before"
assert_exit 0 current --url "$DB_URL"
assert_eq base "$OUT" "--url after"
assert_exit 0 -q upgrade --url "$DB_URL" a1
assert_no_match "$ERR" '^Running upgrade' "-q before: no progress"
assert_db_version a1
assert_exit 0 upgrade --url "$DB_URL" -q
assert_no_match "$ERR" '^Running upgrade' "-q after: no progress"
assert_db_version b2
assert_exit 0 downgrade --quiet base --url "$DB_URL"
assert_no_match "$ERR" '^Running' "--quiet: no progress"
assert_exit 0 -v --lock-timeout 5 upgrade --wait 2 --url "$DB_URL"
assert_db_version b2 "-v --lock-timeout --wait before and after"
assert_contains "$ERR" "Running upgrade a1 -> b2, add b2" "-v still prints progress"
