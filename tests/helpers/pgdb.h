/*
 * pgdb.h - a throwaway PostgreSQL database for the cmocka tests of tests/pg/ (the schema
 * readers): created fresh from the SQL given, read through the backend's own ops, dropped at
 * the end. The cluster comes from the environment tests/pg/cluster.sh sets (PGHOST, PGPORT);
 * without PGHOST the setup fails, saying so (never a skip).
 */
#ifndef CMIG_TESTS_PGDB_H
#define CMIG_TESTS_PGDB_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "schemaread.h"

/* Run sql through psql against db; psql's exit status (0: every statement succeeded). */
static inline int pgdb_psql(const char *db, const char *sql)
{
	char cmd[512];
	FILE *p;
	snprintf(cmd, sizeof(cmd),
	         "PGOPTIONS=-cclient_min_messages=warning psql -X -q -v ON_ERROR_STOP=1 -d %s "
	         ">/dev/null", db);
	p = popen(cmd, "w");
	if (!p)
		return -1;
	fputs(sql, p);
	return pclose(p);
}

/* name (size 64) := "<prefix>_<pid>", created anew and loaded with setup_sql; 0 or -1 (with
 * a message naming test). */
static inline int pgdb_create(char name[64], const char *prefix, const char *test,
                              const char *setup_sql)
{
	char sql[256];
	if (!getenv("PGHOST")) {
		fprintf(stderr, "%s: PGHOST is not set: start tests/pg/cluster.sh\n", test);
		return -1;
	}
	snprintf(name, 64, "%s_%d", prefix, (int)getpid());
	snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s; CREATE DATABASE %s;\n", name, name);
	if (pgdb_psql("postgres", sql) != 0) {
		fprintf(stderr, "%s: cannot reach PostgreSQL\n", test);
		return -1;
	}
	return pgdb_psql(name, setup_sql) == 0 ? 0 : -1;
}

static inline void pgdb_drop(const char *name)
{
	char sql[256];
	snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s WITH (FORCE);\n", name);
	pgdb_psql("postgres", sql);
}

static inline struct cmig_schema *pgdb_read_schema(const char *name)
{
	char u[512];
	snprintf(u, sizeof(u), "postgresql:///%s?host=%s&port=%s", name, getenv("PGHOST"),
	         getenv("PGPORT") ? getenv("PGPORT") : "5432");
	return schemaread(&cmig_backend_postgresql, u);
}

#endif
