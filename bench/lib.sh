# bench/lib.sh - what the bench scripts share; sourced, never run. Not part of the test suite.
#
#   SRC                      the repository (set on sourcing)
#   bench_cmig NAME          CMIG (default $SRC/build/src/cmig) checked and made absolute;
#                            NAME prefixes the error
#   bench_pg_start NAME      WORK (a fresh temporary directory), DBS (databases dropped at exit),
#                            a throwaway cluster (tests/pg/cluster.sh) unless PGHOST names a
#                            running server, stopped at exit; PGHOST/PGPORT/PGUSER exported,
#                            notices below warnings silenced; q DB SQL (one value a line)
#   bench_gen_chain DIR N [ID]  DIR/N revision files, a linear chain with 12-digit ids, each
#                            creating t_<i> and inserting one row ("id given": ID=1, for
#                            PostgreSQL, which has no rowid)
SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

bench_cmig() {
	CMIG=${CMIG:-$SRC/build/src/cmig}
	[ -x "$CMIG" ] || { echo "$1: no cmig binary at $CMIG (build first, or set CMIG)" >&2; exit 1; }
	CMIG=$(cd "$(dirname "$CMIG")" && pwd)/$(basename "$CMIG")
}

bench_pg_cleanup() {
	local db
	for db in "${DBS[@]}"; do
		psql -X -q -d postgres -c "DROP DATABASE IF EXISTS \"$db\"" >/dev/null 2>&1 || true
	done
	[ -n "$CLUSTER" ] && "$SRC/tests/pg/cluster.sh" stop "$CLUSTER"
	rm -rf "$WORK"
}

bench_pg_start() {
	WORK=$(mktemp -d "${TMPDIR:-/tmp}/cmig-$1.XXXXXX")
	CLUSTER=""
	DBS=()
	trap bench_pg_cleanup EXIT
	if [ -z "${PGHOST:-}" ]; then
		eval "$("$SRC/tests/pg/cluster.sh" start)"
		CLUSTER=$CMIG_PG_CLUSTER
	fi
	export PGHOST PGPORT PGUSER
	export PGOPTIONS="-c client_min_messages=warning"
}

q() { psql -X -At -q -v ON_ERROR_STOP=1 -d "$1" -c "$2"; }

bench_gen_chain() {
	local dir=$1 n=$2 with_id=${3:-0}
	mkdir -p "$dir"
	awk -v n="$n" -v d="$dir" -v with_id="$with_id" 'BEGIN {
		prev = "";
		for (i = 1; i <= n; i++) {
			id = sprintf("%012d", i);
			f = sprintf("%s/%s_step_%d.sql", d, id, i);
			printf "-- revision: %s\n-- down_revision: %s\n-- message: step %d\n-- created: 2026-11-23T00:00:00Z\n\n", id, prev, i > f;
			if (with_id)
				printf "-- migrate:up\nCREATE TABLE t_%d (id INTEGER PRIMARY KEY, v TEXT NOT NULL);\nINSERT INTO t_%d (id, v) VALUES (1, %cstep %d%c);\n\n", i, i, 39, i, 39 > f;
			else
				printf "-- migrate:up\nCREATE TABLE t_%d (id INTEGER PRIMARY KEY, v TEXT NOT NULL);\nINSERT INTO t_%d (v) VALUES (%cstep %d%c);\n\n", i, i, 39, i, 39 > f;
			printf "-- migrate:down\nDROP TABLE t_%d;\n", i > f;
			close(f);
			prev = id;
		}
	}'
}
