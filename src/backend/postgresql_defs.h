/*
 * postgresql_defs.h - the text PostgreSQL's deparsers (pg_get_indexdef, pg_get_constraintdef)
 * give for the plainest indexes and constraints, put together on the client.
 *
 * Why: those calls were a fifth of the server's time in `cmig dump` on a 300-table schema
 * (a default-opclass scan per index key, catalog lookups per constraint). The reader asks the
 * server for the deparsed text of everything else, and for these too whenever a check here
 * fails (it then sends them in a second round trip of the same snapshot).
 *
 * Invariant: each function writes exactly the bytes the server function would, or returns
 * false and writes nothing useful; names come in already quoted (quote_ident's output), so
 * no keyword list lives here. tests/pg/test_pg_defs.c compares every case with the server.
 */
#ifndef CMIG_BACKEND_POSTGRESQL_DEFS_H
#define CMIG_BACKEND_POSTGRESQL_DEFS_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

/* pg_get_indexdef() of an index on plain columns, without INCLUDE, WITH, predicate, sort
 * options or NULLS NOT DISTINCT (the query checks those), whose opclasses and collations are
 * the columns' defaults (the caller checks those). cols: the quoted key column names. */
int cmig_pgdef_index(cmig_buf *out, bool unique, const char *qname, const char *qschema,
                     const char *qtable, const char *qam, const char *const *cols, size_t ncols);

/* A constraint as Q_CONSTRAINTS reads it (pg_constraint's one-letter codes). */
struct cmig_pgdef_cons {
	char kind;                 /* 'p', 'u', 'f', 'c' */
	const char *const *cols;   /* quoted key columns (p, u, f) */
	size_t ncols;
	const char *ref_table;     /* f: quoted, qualified when not visible on search_path */
	const char *const *ref_cols;
	size_t nref_cols;
	char match;                /* f: confmatchtype */
	char on_update, on_delete; /* f: confupdtype, confdeltype */
	const char *check_expr;    /* c: pg_get_expr(conbin, conrelid) */
	bool no_inherit;           /* c: connoinherit */
	bool deferrable, deferred, not_valid;
};

/* Not a case put together here: the server's text is needed. */
#define CMIG_PGDEF_SERVER 1

/* pg_get_constraintdef() of a PRIMARY KEY or UNIQUE without INCLUDE or NULLS NOT DISTINCT, a
 * FOREIGN KEY without SET NULL/SET DEFAULT (cols), or a CHECK (the query checks those):
 * CMIG_OK, CMIG_ENOMEM, or CMIG_PGDEF_SERVER for anything else. */
int cmig_pgdef_constraint(cmig_buf *out, const struct cmig_pgdef_cons *c);

/* Parse the next number of an int2vector/oidvector ("1 2") or array ("{1,2}") text at *p;
 * false at the end. */
bool cmig_pgdef_next_num(const char **p, unsigned long *out);

#endif
