/*
 * schemaread.h - what the schema-reader tests share (tests/sqlite/test_schema_read.c,
 * tests/pg/test_schema_read_pg.c): open the database at url read-only through the backend's
 * own ops, with cmig's tables named as a project names them (cmig_version, cmig_history,
 * which the reader must leave out), and read its schema. Every step is asserted; a failed read
 * prints the reader's message first. The schema is the caller's.
 */
#ifndef CMIG_TESTS_SCHEMAREAD_H
#define CMIG_TESTS_SCHEMAREAD_H

#include <stdio.h>
#include <string.h>

#include "backend.h"
#include "schema.h"

static inline struct cmig_schema *schemaread(const struct cmig_backend_ops *ops, const char *u)
{
	cmig_dburl url;
	cmig_diags d = CMIG_DIAGS_INIT;
	struct cmig_backend_settings st;
	struct cmig_backend *be = NULL;
	struct cmig_schema *s = NULL;
	int rc;

	memset(&st, 0, sizeof(st));
	st.tables.version = "cmig_version";
	st.tables.history = "cmig_history";
	st.readonly = true;
	assert_int_equal(cmig_dburl_parse(&url, u, NULL, &d), 0);
	assert_int_equal(ops->open(&be, &url, &st, &d), 0);
	rc = cmig_backend_schema_read(be, &s, &d);
	if (rc && d.n)
		fprintf(stderr, "%s\n%s\n", d.items[0].message, d.items[0].detail ? d.items[0].detail : "");
	assert_int_equal(rc, 0);
	assert_int_equal(d.errors, 0);
	ops->close(be);
	cmig_dburl_release(&url);
	cmig_diags_release(&d);
	return s;
}

#endif
