#!/bin/bash
# t100: bad input (issue 3), in two lists.
#  Accepted as if absent: CRLF, a UTF-8 BOM, trailing blanks on header and marker lines,
#  a valid 10 MB migration (SPEC §2).
#  Rejected with a message naming the file (and line), a non-zero exit and an untouched
#  database: binary garbage, an empty file, a 300 MB file, `-- migrate: up` and other bad
#  markers, missing headers, reserved ids, an unreadable migration (a directory, a dangling
#  symlink), a stray COMMIT/BEGIN/... in a transactional section (SPEC §2); bad YAML and a
#  missing config (SPEC §1).
. "$(dirname "$0")/lib.sh"
new_db
new_project
chain a1
assert_exit 0 upgrade head
assert_backend_db

# ------------------------------------------------------------ accepted
printf -- '-- revision: b2\r\n-- down_revision: a1\r\n-- message: crlf\r\n\r\n-- migrate:up\r\nCREATE TABLE crlf_t (\r\n  id INTEGER PRIMARY KEY,\r\n  v TEXT\r\n);\r\nINSERT INTO crlf_t (id, v) VALUES (1, '"'"'a'"'"');\r\n\r\n-- migrate:down\r\nDROP TABLE crlf_t;\r\n' >versions/b2_x.sql
printf '\357\273\277-- revision: c3\n-- down_revision: b2\n-- message: bom\n\n-- migrate:up\nCREATE TABLE bom_t (id INTEGER PRIMARY KEY);\n\n-- migrate:down\nDROP TABLE bom_t;\n' >versions/c3_x.sql
printf -- '-- revision: d4  \n-- down_revision: c3\t \n-- message: blanks \n\n-- migrate:up   \nCREATE TABLE blank_t (id INTEGER PRIMARY KEY);\n\n-- migrate:down \t\nDROP TABLE blank_t;\n' >versions/d4_x.sql
assert_exit 0 check
assert_eq "0 errors, 0 warnings" "$(printf '%s\n' "$ERR" | tail -n 1)" "CRLF, BOM, trailing blanks: check is clean"
assert_exit 0 upgrade head
assert_db_version d4 "CRLF, BOM and trailing blanks accepted"
assert_contains "$ERR" "Running upgrade a1 -> b2, crlf" "message header without its CR"
assert_contains "$ERR" "Running upgrade c3 -> d4, blanks" "message header without trailing blank"
assert_eq "1|a" "$(db_query "SELECT id, v FROM crlf_t")" "CRLF section ran"
assert_true "BOM file ran" db_has_table bom_t
assert_true "trailing-blank file ran" db_has_table blank_t
assert_exit 0 history -r d4:d4
assert_eq "c3 -> d4 (head), blanks" "$OUT" "history: id and message without trailing blanks"
# checksum of a CRLF section is taken with every CRLF as LF
want=$(printf 'CREATE TABLE crlf_t (\n  id INTEGER PRIMARY KEY,\n  v TEXT\n);\nINSERT INTO crlf_t (id, v) VALUES (1, '"'"'a'"'"');\n\n' | sha256sum | cut -d' ' -f1)
assert_eq "$want" "$(db_query "SELECT checksum FROM cmig_history WHERE revision='b2'")" "checksum of a CRLF section"
assert_exit 0 downgrade a1
assert_false "CRLF down section ran" db_has_table crlf_t
assert_exit 0 upgrade head

# a valid 10 MB migration applies
{
	printf -- '-- revision: e5\n-- down_revision: d4\n-- message: big\n\n-- migrate:up\nCREATE TABLE big (id INTEGER PRIMARY KEY, v TEXT);\n'
	awk 'BEGIN { pad = sprintf("%200s", ""); gsub(/ /, "x", pad);
	             for (i = 1; i <= 40000; i++) printf "INSERT INTO big (id, v) VALUES (%d, '"'"'%s'"'"');\n", i, pad }'
	printf '\n-- migrate:down\nDROP TABLE big;\n'
} >versions/e5_x.sql
size=$(stat -c %s versions/e5_x.sql)
assert_true "the big migration is over 9.5 MB ($size)" test "$size" -gt 9500000
assert_exit 0 upgrade head
assert_db_version e5 "10 MB migration applied"
assert_eq 40000 "$(db_query "SELECT count(*) FROM big")" "every statement of the 10 MB migration ran"

# ------------------------------------------------------------ rejected
START=$(db_state)
rejected() { # FILE WHAT [LINE] : upgrade head and check fail naming FILE (and LINE), db untouched
	local f=$1 what=$2 line=${3:-}
	local c
	for c in "upgrade head" "check"; do
		# shellcheck disable=SC2086
		run_cmig $c
		if [ "$RC" -ne 0 ] && [ "$RC" -lt 124 ]; then _pass "$what: $c fails"; else _fail "$what: '$c' exit $RC, want non-zero (not a crash)"; _show_last_run; fi
		if [ -n "$line" ]; then
			assert_contains "$ERR" "$f:$line" "$what: $c names $f:$line"
		else
			assert_contains "$ERR" "$f" "$what: $c names $f"
		fi
	done
	assert_eq "$START" "$(db_state)" "$what: database untouched"
}
hdr() { printf -- '-- revision: f6\n-- down_revision: e5\n-- message: bad\n\n'; }

head -c 3000 /dev/urandom >"$TEST_DIR/rand"
{ printf '\x00\x01\xff\xfe\x89PNG\r\n\x1a\n\x00'; cat "$TEST_DIR/rand"; } >versions/f6_x.sql
rejected versions/f6_x.sql "binary garbage"
rm versions/f6_x.sql

: >versions/f6_x.sql
rejected versions/f6_x.sql "empty file"
rm versions/f6_x.sql

{ hdr; printf -- '-- migrate:up\nSELECT 1;\n-- migrate:down\n'; } >versions/f6_x.sql
truncate -s 300M versions/f6_x.sql
t0=$(now_ns)
rejected versions/f6_x.sql "300 MB file"
rm versions/f6_x.sql

{ hdr; printf -- '-- migrate: up\nCREATE TABLE nope (id INTEGER);\n-- migrate:down\n'; } >versions/f6_x.sql
rejected versions/f6_x.sql "'-- migrate: up'" 5
{ hdr; printf -- '-- migrate:upp\nCREATE TABLE nope (id INTEGER);\n-- migrate:down\n'; } >versions/f6_x.sql
rejected versions/f6_x.sql "'-- migrate:upp'" 5
{ hdr; printf -- '-- migrate:up\nCREATE TABLE nope (id INTEGER);\n-- migrate:down transaction:maybe\n'; } >versions/f6_x.sql
rejected versions/f6_x.sql "unknown marker option" 7
{ hdr; printf -- '-- migrate:up dialect:oracle\nCREATE TABLE nope (id INTEGER);\n-- migrate:down\n'; } >versions/f6_x.sql
rejected versions/f6_x.sql "unknown dialect" 5
{ hdr; printf -- '-- migrate:up\nCREATE TABLE nope (id INTEGER);\n-- migrate:down\n-- migrate:down\n'; } >versions/f6_x.sql
rejected versions/f6_x.sql "repeated section" 8
# a direction with dialect sections but none for this backend and no unmarked one
other=postgresql; [ "$CMIG_TEST_BACKEND" = postgresql ] && other=sqlite
{ hdr; printf -- "-- migrate:up dialect:$other\nCREATE TABLE nope (id INTEGER);\n-- migrate:down\n"; } >versions/f6_x.sql
run_cmig upgrade head
assert_eq 1 "$RC" "no up section for this backend: upgrade fails"
assert_contains "$ERR" "versions/f6_x.sql" "no up section for this backend: names the file"
assert_eq "$START" "$(db_state)" "no up section for this backend: untouched"
run_cmig check
assert_eq 1 "$RC" "check reports a missing dialect section"
rm versions/f6_x.sql

printf -- '-- migrate:up\nCREATE TABLE nope (id INTEGER);\n-- migrate:down\n' >versions/f6_x.sql
rejected versions/f6_x.sql "missing headers"
{ printf -- '-- revision: f6\n-- message: no down_revision\n\n-- migrate:up\nCREATE TABLE nope (id INTEGER);\n-- migrate:down\n'; } >versions/f6_x.sql
rejected versions/f6_x.sql "missing down_revision header"
rm versions/f6_x.sql

for word in head BASE None Current; do
	printf -- "-- revision: $word\n-- down_revision: e5\n\n-- migrate:up\nCREATE TABLE nope (id INTEGER);\n-- migrate:down\n" >"versions/${word}_x.sql"
	rejected "versions/${word}_x.sql" "reserved id '$word'"
	rm "versions/${word}_x.sql"
done
printf -- "-- revision: f-6\n-- down_revision: e5\n\n-- migrate:up\n-- migrate:down\n" >versions/f-6_x.sql
rejected versions/f-6_x.sql "id with a bad character"
rm versions/f-6_x.sql

mkdir versions/f6_x.sql
rejected versions/f6_x.sql "a directory named like a migration"
rmdir versions/f6_x.sql
ln -s "$TEST_DIR/does-not-exist.sql" versions/f6_x.sql
rejected versions/f6_x.sql "a dangling symlink"
rm versions/f6_x.sql

# stray transaction control in a transactional section: an error naming its line
for stmt in "COMMIT;" "BEGIN;" "BEGIN TRANSACTION;" "START TRANSACTION;" "ROLLBACK;" "END;" "commit;"; do
	{ hdr; printf -- "-- migrate:up\nCREATE TABLE nope (id INTEGER PRIMARY KEY);\n%s\nCREATE TABLE nope2 (id INTEGER);\n-- migrate:down\n" "$stmt"; } >versions/f6_x.sql
	rejected versions/f6_x.sql "'$stmt' in a transactional section" 7
done
{ hdr; printf -- "-- migrate:up\nCREATE TABLE nope (id INTEGER PRIMARY KEY);\n-- migrate:down\nDROP TABLE nope;\nCOMMIT;\n"; } >versions/f6_x.sql
rejected versions/f6_x.sql "COMMIT in a down section" 9
if [ "$CMIG_TEST_BACKEND" = sqlite ]; then
	{ hdr; printf -- "-- migrate:up\nCREATE TABLE nope (id INTEGER PRIMARY KEY);\nPRAGMA foreign_keys = OFF;\n-- migrate:down\n"; } >versions/f6_x.sql
	rejected versions/f6_x.sql "PRAGMA foreign_keys in a transactional section" 7
fi
# ... but a string or comment that says COMMIT is not a statement
{ hdr; printf -- "-- migrate:up\nCREATE TABLE fine (id INTEGER PRIMARY KEY, v TEXT);\n-- COMMIT;\nINSERT INTO fine (id, v) VALUES (1, 'COMMIT;');\n/* BEGIN; */\n-- migrate:down\nDROP TABLE fine;\n"; } >versions/f6_x.sql
assert_exit 0 upgrade head
assert_eq "1|COMMIT;" "$(db_query "SELECT id, v FROM fine")" "COMMIT inside a string or comment is data"
assert_exit 0 downgrade e5
rm versions/f6_x.sql
START=$(db_state)

# ------------------------------------------------------------ configuration
cp cmig.yaml "$TEST_DIR/good.yaml"
printf "database_url: [unclosed\nversions_dir: versions\n" >cmig.yaml
assert_exit 1 upgrade head
assert_contains "$ERR" "cmig.yaml" "bad YAML: names the file"
assert_match "$ERR" 'cmig\.yaml:[0-9]+' "bad YAML: names the line"
assert_eq "$START" "$(db_state)" "bad YAML: untouched"
printf "database_url:\n  - a\n  - b\n" >cmig.yaml
assert_exit 1 upgrade head
assert_contains "$ERR" "cmig.yaml" "database_url not a string: names the file"
cp "$TEST_DIR/good.yaml" cmig.yaml
assert_exit 1 -c "$TEST_DIR/nope.yaml" upgrade head
assert_contains "$ERR" "nope.yaml" "missing -c config: names it"
assert_eq "$START" "$(db_state)" "missing config: untouched"
mkdir -p "$TEST_DIR/empty" && cd "$TEST_DIR/empty"
assert_exit 1 -c nope.yaml upgrade head
assert_contains "$ERR" "nope.yaml" "missing relative -c config: names it"
cd "$PROJ"
assert_eq "$START" "$(db_state)" "untouched at the end"
