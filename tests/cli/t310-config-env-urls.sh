#!/bin/bash
# t310: SPEC §1 as issue 10 found it missing: ${VAR} and ${VAR:-default} in cmig.yaml, -v
# naming the database and where its URL came from, SQLAlchemy URLs as they are, and a
# SQLite URL with too few slashes reported as such.
. "$(dirname "$0")/lib.sh"
new_db
new_project
chain a1 b2
unset APP_URL APP_DB NOPE

# the URL from the environment through cmig.yaml
printf 'database_url: ${APP_URL}\nversions_dir: ${VDIR:-versions}\n' >cmig.yaml
APP_URL=$DB_URL run_cmig upgrade a1
assert_eq 0 "$RC" "database_url: \${APP_URL} with APP_URL set"
assert_db_version a1 "the database named by APP_URL was upgraded"
# unset without a default: an error naming the variable and the line; nothing is created
before=$(db_state)
assert_exit 1 upgrade head
assert_contains "$ERR" "cmig.yaml:1: error:" "names cmig.yaml:1"
assert_contains "$ERR" "APP_URL" "names the variable"
assert_eq "$before" "$(db_state)" "nothing changed"
assert_eq "" "$(find "$PROJ" -name '*APP_URL*')" "no file named after the placeholder"
for cmd in current status "upgrade --check" stamp\ head check; do
	# shellcheck disable=SC2086
	assert_exit 1 $cmd
	assert_contains "$ERR" "APP_URL" "$cmd: names the unset variable"
done
# ... but only commands that read the URL care: --url wins, and revision needs no database
assert_exit 0 --url "$DB_URL" upgrade head
assert_db_version b2 "--url runs although database_url's variable is unset"
assert_exit 0 revision -m "no database needed" --rev-id c3
assert_exit 0 heads
assert_eq c3 "$OUT" "heads reads no URL"
assert_exit 0 history
DATABASE_URL=$DB_URL run_cmig upgrade head
assert_eq 0 "$RC" "DATABASE_URL wins over the unset variable"
assert_db_version c3

# ${VAR:-default}: the default when unset or empty; $$ is $; other $ are literal
case $CMIG_TEST_BACKEND in
sqlite)
	printf 'database_url: sqlite:///${APP_DB:-dflt.db}\n' >cmig.yaml
	assert_exit 0 upgrade head
	assert_true "default used: dflt.db beside cmig.yaml" test -f "$PROJ/dflt.db"
	APP_DB= run_cmig upgrade head
	assert_eq 0 "$RC" "empty APP_DB takes the default"
	APP_DB=set.db run_cmig upgrade head
	assert_true "APP_DB=set.db used" test -f "$PROJ/set.db"
	printf 'database_url: sqlite:///${APP_DB}\n' >cmig.yaml
	assert_exit 1 current
	assert_contains "$ERR" "APP_DB" "the issue's case: names APP_DB"
	assert_eq "" "$(find "$PROJ" -name '*{*')" "no file named \${APP_DB}"
	printf 'database_url: sqlite:///pa$$y$x$.db\n' >cmig.yaml
	assert_exit 0 upgrade head
	assert_true "\$\$ is \$ and a lone \$ is literal" test -f "$PROJ/pa\$y\$x\$.db"
	;;
postgresql)
	printf 'database_url: postgresql:///${APP_DB:-%s}?host=%s&port=%s\n' "$DB_NAME" "$PGHOST" "$PGPORT" >cmig.yaml
	assert_exit 0 -v current
	assert_contains "$OUT" "c3" "the default database name was used"
	APP_DB=no_such_db_$$ run_cmig current
	assert_eq 1 "$RC" "APP_DB set: that database is used (and does not exist)"
	assert_contains "$ERR" "no_such_db_$$" "the error names the substituted database"
	;;
esac

# -v: which database and where the URL came from, before anything else on stderr
printf "database_url: '%s'\n" "$DB_URL" >cmig.yaml
shown=$DB_URL
assert_exit 0 -v current
assert_eq "cmig: database: $shown (from cmig.yaml line 1)" "$(printf '%s\n' "$ERR" | head -1)" "-v: cmig.yaml line 1"
printf "versions_dir: versions\n\ndatabase_url: '%s'\n" "$DB_URL" >cmig.yaml
assert_exit 0 -v status
assert_eq "cmig: database: $shown (from cmig.yaml line 3)" "$(printf '%s\n' "$ERR" | head -1)" "-v: cmig.yaml line 3"
assert_exit 0 -v --url "$DB_URL" current
assert_eq "cmig: database: $shown (from --url)" "$(printf '%s\n' "$ERR" | head -1)" "-v: --url"
DATABASE_URL=$DB_URL run_cmig -v upgrade head
assert_eq "cmig: database: $shown (from DATABASE_URL)" "$(printf '%s\n' "$ERR" | head -1)" "-v: DATABASE_URL"
assert_exit 0 -v upgrade head --sql
assert_not_contains "$ERR" "cmig: database:" "--sql connects to nothing: no database line"
assert_exit 0 -v heads
assert_not_contains "$ERR" "cmig: database:" "heads connects to nothing"
if [ "$CMIG_TEST_BACKEND" = sqlite ]; then
	(cd "$TEST_DIR" && mkdir -p nocfg/versions && cd nocfg && "$CMIG" -v current >/dev/null 2>"$TEST_DIR/.e")
	assert_eq "cmig: database: sqlite:///cmig.db (from default)" "$(head -1 "$TEST_DIR/.e")" "-v: default"
fi
# the password stays hidden in the -v line
run_cmig -v --url "postgresql://alice:VerboseSecret4@127.0.0.1:59999/db?connect_timeout=2" current
assert_eq 1 "$RC" "dead server"
assert_contains "$ERR" "cmig: database: postgresql://alice:***@127.0.0.1:59999/db" "-v line hides the password"
assert_not_contains "$ERR" "VerboseSecret4" "password never printed"

# SQLAlchemy driver-qualified schemes are their plain form
case $CMIG_TEST_BACKEND in
sqlite) sa_url="sqlite+pysqlite:///$DB_FILE" ;;
postgresql) sa_url="postgresql+psycopg2:///$DB_NAME?host=$PGHOST&port=$PGPORT" ;;
esac
assert_exit 0 --url "$sa_url" current
assert_eq "c3 (head)" "$OUT" "SQLAlchemy URL reaches the same database"
assert_exit 0 --url "$sa_url" downgrade b2
assert_db_version b2 "and migrates it"
run_cmig --url "postgres+asyncpg://alice:SaSecret6@127.0.0.1:59999/db?connect_timeout=2" current
assert_eq 1 "$RC" "postgres+asyncpg: a PostgreSQL URL (dead server)"
assert_contains "$ERR" "127.0.0.1" "postgres+asyncpg: tried the server"
assert_not_contains "$ERR" "scheme" "postgres+asyncpg: not a scheme problem"
assert_not_contains "$ERR" "SaSecret6" "no password"
run_cmig --url "mysql+pymysql://u@h/db" current
assert_contains "$ERR" "unsupported database URL scheme \"mysql+pymysql\"" "other schemes stay unsupported"

# sqlite:/x.db is reported for what it is, not "has no scheme"
run_cmig --url "sqlite:/x.db" current
assert_eq 1 "$RC" "sqlite:/x.db fails"
assert_contains "$ERR" "three slashes" "sqlite:/x.db: says what is wrong"
assert_not_contains "$ERR" "no scheme" "sqlite:/x.db: not 'has no scheme'"
run_cmig --url "postgresql:db" current
assert_contains "$ERR" "'//'" "postgresql:db: says the // is missing"
finish
