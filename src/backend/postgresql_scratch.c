/*
 * postgresql_scratch.c - SPEC §8 scratch databases on the dev_url server: create (marked with
 * its creation time in the database's comment), drop, and the sweep of ones a killed run left.
 *
 * CREATE/DROP DATABASE cannot run in a transaction block or a pipeline, so these use plain
 * PQexec on the connection (nothing else is queued while they run).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "postgresql_int.h"

static int exec_simple(struct pg_backend *be, const char *sql, PGresult **keep, cmig_diags *d)
{
	PGresult *r = PQexec(be->conn, sql);
	ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		const char *msg = r ? PQresultErrorMessage(r) : PQerrorMessage(be->conn);
		char *m = cmig_strdup(msg ? msg : "");
		size_t n = m ? strlen(m) : 0;
		while (n && (m[n - 1] == '\n' || m[n - 1] == ' '))
			m[--n] = '\0';
		int rc = cmig_diag_error(d, NULL, 0, CMIG_ESQL, NULL, "scratch database: %s",
		                         m ? m : "error");
		free(m);
		PQclear(r);
		return rc;
	}
	if (keep)
		*keep = r;
	else
		PQclear(r);
	return CMIG_OK;
}

static char *quoted(struct pg_backend *be, const char *name)
{
	char *q = PQescapeIdentifier(be->conn, name, strlen(name));
	char *out = q ? cmig_strdup(q) : NULL;
	PQfreemem(q);
	return out;
}

int cmig_pg_scratch_create(struct cmig_backend *base, const char *name, cmig_diags *d)
{
	struct pg_backend *be = (struct pg_backend *)base;
	PGresult *r = NULL;
	char *q = quoted(be, name), *sql = NULL;
	int rc;

	if (!q)
		return cmig_diag_oom(d);
	rc = exec_simple(be, "SELECT current_user, rolcreatedb OR rolsuper FROM pg_catalog.pg_roles "
	                 "WHERE rolname = current_user", &r, d);
	if (!rc && PQntuples(r) == 1 && strcmp(PQgetvalue(r, 0, 1), "t") != 0)
		rc = cmig_diag_full(d, CMIG_DIAG_ERROR, CMIG_ERROR, NULL, NULL, 0, 0, NULL,
		                    "Grant it with ALTER ROLE … CREATEDB, or use a dev_url whose role "
		                    "has it.",
		                    "the role %s of dev_url cannot create scratch databases: it needs "
		                    "CREATEDB", PQgetvalue(r, 0, 0));
	PQclear(r);
	if (!rc && !(sql = cmig_asprintf("CREATE DATABASE %s TEMPLATE template0 ENCODING 'UTF8'", q)))
		rc = cmig_diag_oom(d);
	if (!rc)
		rc = exec_simple(be, sql, NULL, d);
	free(sql);
	sql = NULL;
	if (!rc && !(sql = cmig_asprintf("COMMENT ON DATABASE %s IS 'cmig scratch database, "
	                                 "created %lld'", q, (long long)time(NULL))))
		rc = cmig_diag_oom(d);
	if (!rc)
		rc = exec_simple(be, sql, NULL, d);
	free(sql);
	free(q);
	return rc;
}

int cmig_pg_scratch_drop(struct cmig_backend *base, const char *name, cmig_diags *d)
{
	struct pg_backend *be = (struct pg_backend *)base;
	char *q = quoted(be, name), *sql;
	int rc;
	if (!q)
		return cmig_diag_oom(d);
	sql = cmig_asprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", q);
	free(q);
	if (!sql)
		return cmig_diag_oom(d);
	rc = exec_simple(be, sql, NULL, d);
	free(sql);
	return rc;
}

int cmig_pg_scratch_sweep(struct cmig_backend *base, cmig_diags *d)
{
	struct pg_backend *be = (struct pg_backend *)base;
	PGresult *r = NULL;
	long long now = (long long)time(NULL);
	int rc = exec_simple(be,
	                     "SELECT d.datname, pg_catalog.shobj_description(d.oid, 'pg_database') "
	                     "FROM pg_catalog.pg_database d WHERE d.datname LIKE 'cmig\\_scratch\\_%' "
	                     "AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_stat_activity a "
	                     "WHERE a.datname = d.datname) ORDER BY 1",
	                     &r, d);
	if (rc)
		return rc;
	for (int i = 0; i < PQntuples(r); i++) {
		const char *name = PQgetvalue(r, i, 0), *c = PQgetvalue(r, i, 1);
		long long created = 0;
		if (!c || sscanf(c, "cmig scratch database, created %lld", &created) != 1 ||
		    now - created < 3600)
			continue;
		/* no FORCE: a run that connected since the query keeps its database */
		char *q = quoted(be, name), *sql = q ? cmig_asprintf("DROP DATABASE IF EXISTS %s", q) : NULL;
		cmig_diags quiet = CMIG_DIAGS_INIT;
		if (sql && exec_simple(be, sql, NULL, &quiet) == CMIG_OK)
			cmig_diag_warning(d, NULL, 0, "scratch-sweep",
			                  "removed the scratch database %s, left behind by an earlier run "
			                  "more than an hour ago", name);
		cmig_diags_release(&quiet);
		free(sql);
		free(q);
	}
	PQclear(r);
	return CMIG_OK;
}
