/*
 * backend.c - URL scheme -> backend ops: the only switch over backends. Adding a backend is
 * one file exporting its ops, one row here, and the CLI suite run with CMIG_TEST_BACKEND.
 */
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

const struct cmig_dialect *cmig_backend_dialect_for(cmig_db_kind kind)
{
	return kind == CMIG_DB_POSTGRESQL ? &cmig_dialect_postgresql : &cmig_dialect_sqlite;
}

const char *cmig_backend_sqlite_version(void)
{
	return sqlite3_libversion();
}

const char *cmig_backend_libpq_version(void)
{
	static char buf[32];
	const char *err = NULL;
	int v;
	if (!cmig_pq_load(&err))
		return "not available";
	v = PQlibVersion();
	if (!buf[0])
		snprintf(buf, sizeof(buf), "%d.%d", v / 10000, v % 10000);
	return buf;
}

int cmig_backend_schema_read(struct cmig_backend *be, struct cmig_schema **out, cmig_diags *d)
{
	*out = NULL;
	if (!be->ops->schema_read)
		return cmig_diag_error(d, NULL, 0, CMIG_ERROR, NULL,
		                       "the %s backend cannot read a schema", be->ops->name);
	return be->ops->schema_read(be, out, d);
}
