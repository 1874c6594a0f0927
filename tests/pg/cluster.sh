#!/usr/bin/env bash
# tests/pg/cluster.sh - a throwaway PostgreSQL cluster for the tests (STYLE §9; PostgreSQL's
# own Cluster.pm pattern).
#
#   eval "$(tests/pg/cluster.sh start)"   initdb into a fresh mktemp -d, start the server on a
#                                         unix socket only (listen_addresses=''), a free port;
#                                         prints `export PGHOST=… PGPORT=… PGUSER=…
#                                         CMIG_PG_CLUSTER=DIR CMIG_PG_DIR=DIR` (the same
#                                         DIR) and PATH with the server's bin/ first
#   tests/pg/cluster.sh stop DIR          stop it (immediate) and remove DIR
#
# PostgreSQL refuses to run as root, so as root the server runs as the unprivileged system
# user $CMIG_PG_OSUSER (default cmigtest, created when missing) and its directory is
# world-readable so that root's clients reach the socket. The superuser inside the cluster
# is `postgres`, trust authentication on the socket only. The server keeps its default
# durability (fsync, synchronous_commit on): bench/bench_pg.sh measures against it.
#
# If the server cannot start this exits 1 and prints the server log: tests that need it fail
# loudly, they never skip. Installs the postgresql package when no server binaries exist
# (as root, through apt-get).
set -euo pipefail

OSUSER=${CMIG_PG_OSUSER:-cmigtest}

die() {
	echo "cluster.sh: $*" >&2
	exit 1
}

find_bindir() {
	local d best=""
	if [ -n "${CMIG_PG_BINDIR:-}" ]; then
		echo "$CMIG_PG_BINDIR"
		return
	fi
	# the highest installed major version
	for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V); do
		[ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && best=$d
	done
	echo "$best"
}

install_server() {
	[ "$(id -u)" -eq 0 ] || die "no PostgreSQL server binaries and not root: install the postgresql package"
	echo "cluster.sh: installing postgresql" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >&2 || die "apt-get update failed"
	apt-get install -y -qq --no-install-recommends postgresql postgresql-client >&2 ||
		die "apt-get install postgresql failed"
}

# as_owner CMD... : run CMD as the cluster's OS user (as ourselves when not root)
as_owner() {
	if [ "$(id -u)" -eq 0 ] && command -v runuser >/dev/null; then
		runuser -u "$OSUSER" -- "$@"
	elif [ "$(id -u)" -eq 0 ]; then
		su -s /bin/sh "$OSUSER" -c "$(printf '%q ' "$@")"
	else
		"$@"
	fi
}

ensure_osuser() {
	[ "$(id -u)" -eq 0 ] || return 0
	id "$OSUSER" >/dev/null 2>&1 && return 0
	useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin \
		"$OSUSER" >/dev/null 2>&1 || id "$OSUSER" >/dev/null 2>&1 ||
		die "cannot create the system user $OSUSER (PostgreSQL refuses to run as root)"
}

# free_port : a port no socket file and no TCP listener uses
free_port() {
	local p i
	for i in $(seq 1 50); do
		p=$((20000 + RANDOM % 40000))
		if [ -e "/tmp/.s.PGSQL.$p" ]; then continue; fi
		if command -v ss >/dev/null && ss -ltn 2>/dev/null | grep -q ":$p\b"; then continue; fi
		echo "$p"
		return
	done
	die "no free port found"
}

start() {
	local bindir dir port log
	bindir=$(find_bindir)
	if [ -z "$bindir" ]; then
		install_server
		bindir=$(find_bindir)
		[ -n "$bindir" ] || die "the postgresql package installed no server binaries"
	fi
	ensure_osuser
	# not $TMPDIR: the server's user must reach the directory, and a socket path has a
	# length limit (about 100 bytes)
	dir=$(mktemp -d "${CMIG_PG_TMPDIR:-/tmp}/cmig-pg.XXXXXX") || die "mktemp failed"
	touch "$dir/.cmig-cluster"
	mkdir "$dir/data" "$dir/sock"
	chmod 755 "$dir" "$dir/sock"
	chmod 700 "$dir/data"
	if [ "$(id -u)" -eq 0 ]; then
		chown "$OSUSER" "$dir" "$dir/data" "$dir/sock"
	fi
	log=$dir/server.log
	port=$(free_port)
	if ! as_owner "$bindir/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 \
		--locale=C --no-sync >"$dir/initdb.log" 2>&1; then
		cat "$dir/initdb.log" >&2
		rm -rf "$dir"
		die "initdb failed (log above)"
	fi
	{
		echo "listen_addresses = ''"
		echo "port = $port"
		echo "unix_socket_directories = '$dir/sock'"
		echo "unix_socket_permissions = 0777"
		echo "max_connections = 100"
		echo "log_min_messages = warning"
	} >>"$dir/data/postgresql.conf"
	if ! as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$log" -w -t 60 start >"$dir/pg_ctl.log" 2>&1; then
		echo "cluster.sh: the server did not start; pg_ctl said:" >&2
		cat "$dir/pg_ctl.log" >&2 2>/dev/null || true
		echo "cluster.sh: the server log:" >&2
		cat "$log" >&2 2>/dev/null || true
		as_owner "$bindir/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
		rm -rf "$dir"
		exit 1
	fi
	if ! PGHOST=$dir/sock PGPORT=$port "$bindir/psql" -X -At -U postgres -d postgres \
		-c 'SELECT 1' >/dev/null 2>"$dir/psql.err"; then
		echo "cluster.sh: the server started but does not answer:" >&2
		cat "$dir/psql.err" "$log" >&2 2>/dev/null || true
		as_owner "$bindir/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
		rm -rf "$dir"
		exit 1
	fi
	echo "$bindir" >"$dir/bindir"
	echo "export PGHOST='$dir/sock' PGPORT='$port' PGUSER='postgres' CMIG_PG_CLUSTER='$dir' CMIG_PG_DIR='$dir'"
	echo "export PATH='$bindir':\"\$PATH\""
}

stop() {
	local dir=${1:-${CMIG_PG_CLUSTER:-}} bindir
	[ -n "$dir" ] || die "usage: cluster.sh stop DIR"
	[ -d "$dir" ] || return 0
	[ -e "$dir/.cmig-cluster" ] || die "$dir is not a cluster made by cluster.sh; not removing it"
	bindir=$(cat "$dir/bindir" 2>/dev/null || find_bindir)
	if [ -f "$dir/data/postmaster.pid" ]; then
		as_owner "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
	fi
	rm -rf "$dir"
}

case ${1:-} in
start) start ;;
stop) stop "${2:-}" ;;
*) die "usage: cluster.sh start | cluster.sh stop DIR" ;;
esac
