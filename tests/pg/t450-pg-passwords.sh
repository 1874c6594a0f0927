#!/bin/bash
# t450 (PostgreSQL): a password in the URL is never printed (SPEC §1; STYLE §5 "Secrets have
# one door"). libpq gets the URL without it and the password as its own keyword, and every
# text from libpq or the server is scrubbed of the raw (percent-encoded) and decoded forms.
# For each URL that cannot work — a dead server, a bad percent-encoding, a broken IPv6 host,
# a bad sslmode — every command fails with exit 1, neither form of the password appears
# anywhere in stdout or stderr (with -v too), and the message names host and port.
. "$(dirname "$0")/../cli/lib.sh"
[ "$CMIG_TEST_BACKEND" = postgresql ] || _die "a PostgreSQL-only test (CMIG_TEST_BACKEND=postgresql)"

RAW='Zq9%3Ax%40y%2Fw%25v'    # percent-encoded in the URL
DEC='Zq9:x@y/w%v'            # what it decodes to
UNIQ='Zq9'                   # any trace of it

new_db
new_project
chain a1 b2

no_secret() { # WHAT
	assert_not_contains "$OUT$ERR" "$RAW" "$1: raw password absent"
	assert_not_contains "$OUT$ERR" "$DEC" "$1: decoded password absent"
	assert_not_contains "$OUT$ERR" "$UNIQ" "$1: no fragment of the password"
}

# check_url WHAT URL HOST PORT : every command fails, no password, names host and port
check_url() {
	local what=$1 url=$2 host=$3 port=$4 cmd
	for cmd in "upgrade head" "-v upgrade head" "downgrade base" "current" "status" "stamp head" "check"; do
		# shellcheck disable=SC2086
		assert_exit 1 $cmd --url "$url"
		no_secret "$what: $cmd"
		assert_contains "$ERR" "$host" "$what: $cmd: names the host"
		assert_match "$ERR" "port $port|:$port" "$what: $cmd: names the port"
	done
}

check_url "dead server" "postgresql://alice:$RAW@127.0.0.1:1/db?connect_timeout=3" 127.0.0.1 1
check_url "dead server, ?password=" "postgresql://alice@127.0.0.1:1/db?password=$RAW&connect_timeout=3" 127.0.0.1 1
check_url "bad sslmode" "postgresql://alice:$RAW@127.0.0.1:5999/db?sslmode=sometimes" 127.0.0.1 5999
check_url "bad percent-encoding in the path" "postgresql://alice:$RAW@127.0.0.1:5999/d%zzb" 127.0.0.1 5999
check_url "bad percent-encoding in the password" "postgresql://alice:Zq9%zz$RAW@127.0.0.1:5999/db" 127.0.0.1 5999
check_url "broken IPv6 host" "postgresql://alice:$RAW@[::1:5999/db" "::1" 5999
check_url "unix socket that is not there" "postgresql://alice:$RAW@/db?host=$TEST_DIR/nosock&port=5998" "$TEST_DIR/nosock" 5998

# --sql never connects and never prints the password either
assert_exit 0 upgrade --sql --url "postgresql://alice:$RAW@127.0.0.1:1/db"
no_secret "upgrade --sql"

# a working connection with a password (trust auth ignores it): nothing printed with -v, and
# a server error that quotes the password back is scrubbed
GOOD="postgresql://$PGUSER:$RAW@/$DB_NAME?host=$PGHOST&port=$PGPORT"
assert_exit 0 -v upgrade head --url "$GOOD"
no_secret "successful -v upgrade"
assert_db_version b2
write_rev c3 b2 "SELECT 'Zq9:x@y/w%v'::integer;"
assert_exit 1 -v upgrade head --url "$GOOD"
no_secret "server error quoting the password"
assert_contains "$ERR" "invalid input syntax for type integer" "the server's message is still there"
assert_exit 0 -v status --url "$GOOD"
no_secret "-v status"

finish
