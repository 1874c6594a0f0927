/*
 * backend.c - URL scheme -> backend ops: the only switch over backends. Adding a backend is
 * one file exporting its ops, one row here, and the CLI suite run with CMIG_TEST_BACKEND.
 */
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>

#include "backend.h"
#include "pq_dl.h"

const struct cmig_backend_ops *cmig_backend_for(const cmig_dburl *url, bool offline)
{
	if (offline)
		return &cmig_backend_script;
	switch (url->kind) {
	case CMIG_DB_SQLITE:
		return &cmig_backend_sqlite;
	case CMIG_DB_POSTGRESQL:
		return &cmig_backend_postgresql;
	}
	return NULL;
}

const struct cmig_backend_ops *cmig_backend_for_dialect(cmig_dialect_kind kind)
{
	return kind == CMIG_DIALECT_POSTGRESQL ? &cmig_backend_postgresql : &cmig_backend_sqlite;
}

const struct cmig_dialect *cmig_dialect_of(cmig_dialect_kind kind)
{
	return kind == CMIG_DIALECT_POSTGRESQL ? &cmig_dialect_postgresql : &cmig_dialect_sqlite;
}

const char *cmig_backend_absent(const cmig_dburl *url)
{
	const struct cmig_backend_ops *ops = cmig_backend_for(url, false);
	return ops && ops->absent ? ops->absent(url) : NULL;
}

const char *cmig_backend_sqlite_version(void)
{
	return sqlite3_libversion();
}

/* Filled once (pthread_once), read-only afterwards: safe from any thread. */
static char libpq_version[32] = "not available";
static pthread_once_t libpq_version_once = PTHREAD_ONCE_INIT;

static void fill_libpq_version(void)
{
	const char *err = NULL;
	int v;
	if (!cmig_pq_load(&err))
		return;
	v = PQlibVersion();
	snprintf(libpq_version, sizeof(libpq_version), "%d.%d", v / 10000, v % 10000);
}

const char *cmig_backend_libpq_version(void)
{
	pthread_once(&libpq_version_once, fill_libpq_version);
	return libpq_version;
}

int cmig_backend_schema_read(struct cmig_backend *be, struct cmig_schema **out, cmig_diags *d)
{
	*out = NULL;
	if (!be->ops->schema_read)
		return cmig_diag_error(d, NULL, 0, CMIG_ERROR, NULL,
		                       "the %s backend cannot read a schema", be->ops->name);
	return be->ops->schema_read(be, out, d);
}

int cmig_backend_report_version_rows(cmig_diags *d, const char *table, int rows)
{
	return cmig_diag_error(d, NULL, 0, CMIG_ERROR, "db-unknown",
	                       "the version table %s holds %d rows; it must hold at most one", table,
	                       rows);
}
