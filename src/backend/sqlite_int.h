/*
 * sqlite_int.h - the SQLite backend's private handle, shared by sqlite.c (connection,
 * transactions, version/history tables) and sqlite_batch.c (ALTER TABLE rebuilds, SPEC §6).
 */
#ifndef CMIG_BACKEND_SQLITE_INT_H
#define CMIG_BACKEND_SQLITE_INT_H

/* Defined for backend/sqlite.c and backend/sqlite_*.c alone (src/CMakeLists.txt). */
#ifndef CMIG_PRIVATE_SQLITE
#error "sqlite_int.h is private to backend/sqlite*.c: use the layer's public header instead"
#endif

#include <sqlite3.h>

#include "backend.h"

struct sqlite_backend {
	struct cmig_backend base;
	sqlite3 *db;               /* NULL: readonly open of a file that does not exist (= base) */
	const cmig_dburl *url;
	int fk_state;              /* PRAGMA foreign_keys as last set: -1 unknown, 0 off, 1 on */
	bool in_txn;
	bool tables_ready;         /* cmig's tables known to exist in this transaction */
	double wait_started;       /* busy handler: when the current wait began */
	bool wait_reported;        /* busy handler: the waiting line was sent */
	bool timed_out;            /* busy handler gave up */
	char *wait_line;           /* the waiting line, naming the database (NULL: generic) */
	cmig_buf scratch;          /* reused SQL text buffer */
};

/* Run one SQL text (one or more statements, cmig's own) with no result rows expected.
 * Errors are reported without a file position. */
int cmig_sqlite_exec(struct sqlite_backend *be, const char *sql, cmig_diags *d);

/* Run statement `st` of section s; a failure names s->path and the statement's line (moved
 * to the error's own line when SQLite gives an offset). */
int cmig_sqlite_exec_stmt(struct sqlite_backend *be, const struct cmig_exec_section *s,
                          const cmig_stmt *st, cmig_diags *d);

/* Report SQLite's current error for a statement of s starting at st (st may be NULL). */
int cmig_sqlite_report(struct sqlite_backend *be, const struct cmig_exec_section *s,
                       const cmig_stmt *st, int offset, cmig_diags *d);

/* `cmig copy` (sqlite_copy.c, see copy_io.h): the copy_* ops. */
struct cmig_copy_table;
struct cmig_copy_reader;
struct cmig_copy_writer;
int cmig_sqlite_copy_exec(struct cmig_backend *be, const char *sql, cmig_diags *d);
int cmig_sqlite_copy_query_int(struct cmig_backend *be, const char *sql, long long *out,
                               cmig_diags *d);
int cmig_sqlite_copy_snapshot(struct cmig_backend *be, cmig_diags *d);
int cmig_sqlite_copy_reader(struct cmig_copy_reader **out, struct cmig_backend *be,
                            const struct cmig_copy_table *t, cmig_diags *d);
int cmig_sqlite_copy_writer(struct cmig_copy_writer **out, struct cmig_backend *be,
                            const struct cmig_copy_table *t, cmig_diags *d);

/* The schema reader (sqlite_schema.c): the ops' schema_read. */
int cmig_sqlite_schema_read(struct cmig_backend *base, struct cmig_schema **out, cmig_diags *d);

#endif
