#!/bin/bash
# t300: issue 10's small rules (SPEC §2 headers, §5 help, -m, rehash, history -r, exit 3).
. "$(dirname "$0")/lib.sh"
new_db
new_project
chain a1 b2 c3

# SPEC §2: an unknown header may repeat (provenance of a merged file); it is kept, warned once
{
	printf -- '-- revision: d4\n-- down_revision: c3\n-- source: a.sql\n-- message: merged\n'
	printf -- '-- source: b.sql\n\n-- migrate:up\nCREATE TABLE t_d4 (id INTEGER);\n'
	printf -- '\n-- migrate:down\nDROP TABLE t_d4;\n'
} >versions/d4_merged.sql
assert_exit 0 check
assert_match "$ERR" "^versions/d4_merged.sql:3: warning: unknown header 'source'" "first source warned"
assert_no_match "$ERR" "d4_merged.sql:5:" "the repeat is neither an error nor a second warning"
assert_contains "$ERR" "0 errors, 1 warning" "summary"
assert_exit 0 heads
assert_eq "d4" "$OUT" "the file with a repeated unknown header is in the chain"
# a repeated known header stays an error naming both lines
for key in revision down_revision message created; do
	mkdir -p "$TEST_DIR/rep/versions"
	{
		printf -- '-- revision: e5\n-- down_revision: d4\n-- message: m\n-- created: 2026-11-22T10:15:00Z\n'
		case $key in
		revision) printf -- '-- revision: e5\n' ;;
		down_revision) printf -- '-- down_revision: d4\n' ;;
		message) printf -- '-- message: again\n' ;;
		created) printf -- '-- created: 2026-11-22T10:15:00Z\n' ;;
		esac
		printf -- '\n-- migrate:up\n-- migrate:down\n'
	} >versions/e5_rep.sql
	assert_exit 1 check
	assert_contains "$ERR" "versions/e5_rep.sql:5: error: repeated header '$key'" "repeated $key: the second line"
	assert_contains "$ERR" "line " "repeated $key: the first line named"
	case $key in
	revision) first=1 ;; down_revision) first=2 ;; message) first=3 ;; created) first=4 ;;
	esac
	assert_contains "$ERR" "(first at line $first)" "repeated $key names line $first"
	rm versions/e5_rep.sql
done

# SPEC §5: cmig help COMMAND prints COMMAND --help; an unknown COMMAND is a usage error
run_cmig upgrade --help
want=$OUT
assert_exit 0 help upgrade
assert_eq "$want" "$OUT" "help upgrade = upgrade --help"
assert_contains "$OUT" "--check" "help upgrade is upgrade's help"
assert_exit 2 help nosuch
assert_contains "$ERR" "nosuch" "help nosuch names it"
assert_eq "" "$OUT" "help nosuch: nothing on stdout"
assert_exit 0 help
assert_contains "$OUT" "Commands:" "help alone: the global help"
# one form of the usage line
assert_exit 2 revision
assert_match "$ERR" "^usage: cmig revision" "usage errors use the help's 'usage:'"
assert_no_match "$ERR" "Usage:" "no capitalised Usage:"

# SPEC §5: an empty or blank -m is a usage error; nothing written
for m in "" " " "$(printf ' \t ')"; do
	assert_exit 2 revision -m "$m"
	assert_contains "$ERR" "message" "blank -m '$m': says what is missing"
done
assert_eq 4 "$(ls versions | wc -l)" "no file written for a blank message"

# the root revision's down_revision header has no trailing blank
mkdir -p "$TEST_DIR/fresh" && cd "$TEST_DIR/fresh" || exit 1
assert_exit 0 init .
assert_exit 0 revision -m first --rev-id r1
assert_match "$(cat versions/r1_first.sql)" '^-- down_revision:$' "empty down_revision, no trailing blank"
cd "$PROJ" || exit 1

# SPEC §5: history -r A:B with A newer than B is an error naming both ends
assert_exit 0 history -r a1:c3
assert_eq 3 "$(printf '%s\n' "$OUT" | wc -l)" "a1:c3 lists three"
assert_exit 1 history -r c3:a1
assert_contains "$ERR" "c3" "reversed range names A"
assert_contains "$ERR" "a1" "reversed range names B"
assert_eq "" "$OUT" "reversed range prints no revisions"
assert_exit 1 history -r b2:base
assert_contains "$ERR" "base" "b2:base is reversed too"
assert_exit 0 history -r :base
assert_exit 0 history -r b2:b2
assert_eq "a1 -> b2, add b2" "$OUT" "A == B is one revision"

# SPEC §5: rehash of an unchanged checksum writes nothing and says so
assert_exit 0 upgrade head
n=$(db_history_count)
assert_exit 0 rehash b2
assert_contains "$ERR" "unchanged" "rehash REV unchanged: says so"
assert_eq "$n" "$(db_history_count)" "rehash REV unchanged: no history row"
assert_exit 0 rehash --all
assert_contains "$ERR" "nothing written" "rehash --all unchanged: says so"
assert_eq "$n" "$(db_history_count)" "rehash --all unchanged: no history row"
sed -i 's/^CREATE TABLE t_b2 (id INTEGER PRIMARY KEY, v TEXT);/CREATE TABLE t_b2 (id INTEGER PRIMARY KEY, v TEXT); -- edited/' versions/b2_x.sql
assert_exit 1 check
assert_exit 0 rehash b2
assert_eq "$((n + 1))" "$(db_history_count)" "rehash of a changed one writes its row"
assert_exit 0 rehash b2
assert_eq "$((n + 1))" "$(db_history_count)" "and a second rehash writes nothing"

# SPEC §5: 3 means something to do; an error outranks it
assert_exit 0 downgrade a1
assert_exit 3 upgrade --check
assert_exit 1 upgrade --check nosuch
assert_exit 1 upgrade --check base
assert_contains "$ERR" "base" "a target behind the database is an error, not 0 or 3"
finish
