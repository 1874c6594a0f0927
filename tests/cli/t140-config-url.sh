#!/bin/bash
# t140: configuration and database URL (SPEC §1): -c/--config, ./cmig.yaml, paths relative to
# the config file, URL precedence --url > DATABASE_URL > config > default, relative SQLite
# paths, version_table / history_table / version_table_schema, sqlite_foreign_keys; a
# password in a URL is never printed.
. "$(dirname "$0")/lib.sh"

new_db; URL1=$DB_URL
new_db; URL2=$DB_URL
new_db; URL3=$DB_URL
new_project
printf "database_url: '%s'\nversions_dir: versions\n" "$URL1" >cmig.yaml
chain a1 b2

at() { db_select "$1"; db_version; }

# precedence: --url > DATABASE_URL > config
assert_exit 0 upgrade a1
assert_eq a1 "$(at "$URL1")" "config URL used"
db_select "$URL1"; assert_backend_db
DATABASE_URL=$URL2 run_cmig upgrade a1
assert_eq 0 "$RC" "DATABASE_URL run"
assert_eq a1 "$(at "$URL2")" "DATABASE_URL beats the config"
assert_eq a1 "$(at "$URL1")" "config database untouched"
DATABASE_URL=$URL2 run_cmig --url "$URL3" upgrade head
assert_eq 0 "$RC" "--url run"
assert_eq b2 "$(at "$URL3")" "--url beats DATABASE_URL"
assert_eq a1 "$(at "$URL2")" "DATABASE_URL database untouched"
assert_exit 0 upgrade head --url "$URL2"
assert_eq b2 "$(at "$URL2")" "--url after the command"
assert_eq a1 "$(at "$URL1")" "config database untouched"

# -c / --config from another directory: versions_dir relative to the config file
mkdir -p "$TEST_DIR/elsewhere" && cd "$TEST_DIR/elsewhere"
assert_exit 0 -c "$PROJ/cmig.yaml" upgrade head
assert_eq b2 "$(at "$URL1")" "-c: config from another directory"
assert_exit 0 current --config ../proj/cmig.yaml
assert_eq "b2 (head)" "$OUT" "--config relative to cwd, after the command"

# version_table / history_table
cd "$PROJ"
new_db
printf "database_url: '%s'\nversions_dir: versions\nversion_table: my_ver\nhistory_table: my_hist\n" "$DB_URL" >cmig.yaml
assert_exit 0 upgrade head
assert_eq b2 "$(db_version my_ver)" "version_table honoured"
assert_eq 2 "$(db_query "SELECT count(*) FROM my_hist WHERE direction='up'")" "history_table honoured"
assert_false "no cmig_version" db_has_table cmig_version
assert_false "no cmig_history" db_has_table cmig_history
assert_exit 0 current
assert_eq "b2 (head)" "$OUT" "current reads version_table"

# sqlite_foreign_keys (default true): PostgreSQL always enforces foreign keys, SQLite too
new_db
FK_URL=$DB_URL
printf "database_url: '%s'\nversions_dir: versions\n" "$DB_URL" >cmig.yaml
write_rev c3 b2 "$(printf 'CREATE TABLE parent (id INTEGER PRIMARY KEY);\nCREATE TABLE child (id INTEGER PRIMARY KEY, pid INTEGER REFERENCES parent(id));\nINSERT INTO child (id, pid) VALUES (1, 42);')" "DROP TABLE child; DROP TABLE parent;"
assert_exit 1 upgrade head
assert_db_version b2 "dangling foreign key refused (foreign keys on by default)"
assert_contains "$ERR" "versions/c3_x.sql:8" "names the line of the violating insert"
if [ "$CMIG_TEST_BACKEND" = sqlite ]; then
	printf "database_url: '%s'\nversions_dir: versions\nsqlite_foreign_keys: false\n" "$DB_URL" >cmig.yaml
	assert_exit 0 upgrade head
	assert_db_version c3 "sqlite_foreign_keys: false lets it through"
fi
rm versions/c3_x.sql

# version_table_schema (PostgreSQL): both tables live there
if [ "$CMIG_TEST_BACKEND" = postgresql ]; then
	new_db
	db_query "CREATE SCHEMA ops" >/dev/null
	printf "database_url: '%s'\nversions_dir: versions\nversion_table_schema: ops\n" "$DB_URL" >cmig.yaml
	assert_exit 0 upgrade head
	assert_eq b2 "$(db_version cmig_version ops)" "version table in schema ops"
	assert_true "history table in schema ops" db_has_table cmig_history ops
	assert_false "no version table in public" db_has_table cmig_version public
	assert_true "migrations themselves still run in public" db_has_table t_b2 public
fi

# SQLite relative paths: relative to the config file's directory when the URL comes from the
# config (or is the default and a cmig.yaml was found), else to the current directory
if [ "$CMIG_TEST_BACKEND" = sqlite ]; then
	mkdir -p "$TEST_DIR/rel/versions" "$TEST_DIR/cwd"
	cp versions/a1_x.sql "$TEST_DIR/rel/versions/"
	printf "database_url: sqlite:///sub/rel.db\n" >"$TEST_DIR/rel/cmig.yaml"
	mkdir -p "$TEST_DIR/rel/sub"
	cd "$TEST_DIR/cwd"
	assert_exit 0 -c ../rel/cmig.yaml upgrade head
	assert_true "config URL relative to the config directory" test -f "$TEST_DIR/rel/sub/rel.db"
	assert_false "not relative to cwd" test -e "$TEST_DIR/cwd/sub/rel.db"
	printf "versions_dir: versions\n" >"$TEST_DIR/rel/cmig.yaml"
	assert_exit 0 -c ../rel/cmig.yaml upgrade head
	assert_true "default URL: cmig.db beside the config file" test -f "$TEST_DIR/rel/cmig.db"
	assert_false "default URL: not in cwd" test -e "$TEST_DIR/cwd/cmig.db"
	DATABASE_URL=sqlite:///env.db run_cmig -c ../rel/cmig.yaml upgrade head
	assert_eq 0 "$RC" "DATABASE_URL relative run"
	assert_true "DATABASE_URL relative to cwd" test -f "$TEST_DIR/cwd/env.db"
	assert_false "DATABASE_URL not relative to the config" test -e "$TEST_DIR/rel/env.db"
	assert_exit 0 -c ../rel/cmig.yaml --url sqlite:///flag.db upgrade head
	assert_true "--url relative to cwd" test -f "$TEST_DIR/cwd/flag.db"
	assert_exit 0 --url "sqlite:///$TEST_DIR/abs.db" -c ../rel/cmig.yaml upgrade head
	assert_true "sqlite:////abs/path" test -f "$TEST_DIR/abs.db"
	assert_eq a1 "$(sqlite3 "$TEST_DIR/abs.db" 'SELECT version_num FROM cmig_version')" "absolute file migrated"
	# ./cmig.yaml found in cwd, default URL: beside it (= cwd)
	cd "$TEST_DIR/rel"
	rm -f cmig.db
	assert_exit 0 upgrade head
	assert_true "./cmig.yaml + default URL" test -f "$TEST_DIR/rel/cmig.db"
	cd "$PROJ"
fi

# a password in a URL is never printed (raw or decoded), whatever the failure
secret_check() { # WHAT SECRET... (uses last run)
	local what=$1 s
	shift
	assert_ne 0 "$RC" "$what: fails"
	for s in "$@"; do
		assert_not_contains "$OUT" "$s" "$what: '$s' not on stdout"
		assert_not_contains "$ERR" "$s" "$what: '$s' not on stderr"
	done
}
DEAD=127.0.0.1:59999
run_cmig --url "postgresql://alice:Sup3rSecretPw@$DEAD/db?connect_timeout=3" upgrade head
secret_check "dead server" Sup3rSecretPw
assert_contains "$ERR" "127.0.0.1" "message names the host"
assert_contains "$ERR" "59999" "message names the port"
run_cmig -v --url "postgres://alice:Sup3rSecretPw@$DEAD/db?connect_timeout=3" current
secret_check "dead server, --verbose, postgres://" Sup3rSecretPw
run_cmig --url "postgresql://alice:p%40ss%21Secret9@$DEAD/db?connect_timeout=3" status
secret_check "percent-encoded password" 'p%40ss%21Secret9' 'p@ss!Secret9'
run_cmig --url "postgresql://alice:bad%zzSecret7@$DEAD/db" current
secret_check "bad percent-encoding" 'bad%zzSecret7' 'zzSecret7'
run_cmig --url "postgresql://alice:Ipv6Secret5@[::1/db" current
secret_check "broken IPv6 host" Ipv6Secret5
run_cmig --url "postgresql://alice:SslSecret3@$DEAD/db?sslmode=bogus" current
secret_check "bad sslmode" SslSecret3
DATABASE_URL="postgresql://alice:EnvSecret1@$DEAD/db?connect_timeout=3" run_cmig upgrade head
secret_check "DATABASE_URL" EnvSecret1
printf "database_url: 'postgresql://alice:YamlSecret2@%s/db?connect_timeout=3'\nversions_dir: versions\n" "$DEAD" >cmig.yaml
run_cmig -v upgrade head
secret_check "cmig.yaml URL" YamlSecret2
run_cmig --wait 1 upgrade head
secret_check "--wait retries" YamlSecret2
# --wait keeps retrying the connection that long before giving up
t0=$(now_ns)
run_cmig --wait 2 --url "postgresql://alice@$DEAD/db?connect_timeout=1" current
t1=$(now_ns)
assert_eq 1 "$RC" "--wait on a dead server: exit 1 in the end"
assert_true "--wait 2 kept trying about 2 s ($(((t1 - t0) / 1000000)) ms)" test $(((t1 - t0) / 1000000)) -ge 1500
if [ "$CMIG_TEST_BACKEND" = postgresql ]; then
	# a database that appears while cmig waits
	late="cmig_late_$$"
	echo "$late" >>"$_DBS_FILE"
	( sleep 1.5; psql -X -q -d postgres -c "CREATE DATABASE \"$late\"" >/dev/null ) &
	run_cmig --wait 15 --url "postgresql:///$late?host=$PGHOST&port=$PGPORT" -c "$PROJ/cmig.yaml" upgrade head
	wait
	assert_eq 0 "$RC" "--wait: connects once the database exists"
	assert_eq t "$(psql -X -At -d "$late" -c "SELECT to_regclass('public.cmig_version') IS NOT NULL")" "--wait: the late database got the version table"
fi
