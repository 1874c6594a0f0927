/*
 * copy_io.h - the part of the backend seam `cmig copy` uses (SPEC §9): rows out of a source in
 * one snapshot, rows into a target, and a few statements of cmig's own. Implemented by
 * sqlite_copy.c and postgresql_copy.c, reached through the Optional members of
 * struct cmig_backend_ops (copy_*).
 *
 * Invariants:
 *  - Streaming: a reader holds one row at a time and a writer at most one send buffer
 *    (~64 KiB on PostgreSQL, one bound statement on SQLite); neither grows with the rows.
 *  - A reader's rows come from the snapshot copy_snapshot() opened; reading a table twice
 *    gives the same rows in the same order (runtime/copy.c uses that to name the source row
 *    of a COPY error reported as "line N").
 *  - A writer's values are already converted (model/convert.c) for the target column type:
 *    PostgreSQL gets text in the type's input syntax, SQLite the storage class to bind.
 *  - Nothing here commits: runtime/copy.c runs BEGIN/COMMIT through copy_exec.
 */
#ifndef CMIG_BACKEND_COPY_IO_H
#define CMIG_BACKEND_COPY_IO_H

#include <stdbool.h>
#include <stddef.h>

#include "backend.h"
#include "convert.h"

/* One table as the copy reads or writes it. Every pointer is borrowed. */
struct cmig_copy_table {
	const char *schema;            /* NULL: the default schema (SQLite: main) */
	const char *name;
	size_t ncols;
	const char *const *cols;       /* column names, unquoted */
	const cmig_ctype *types;       /* reader: the source columns' types (a PostgreSQL source's
	                                * text is normalized by them); writer: unused */
	bool rowid;                    /* SQLite reader: also return the rowid as value [ncols] */
};

struct cmig_copy_reader {
	/* Mandatory. 1 with *row set (ncols values, plus the rowid when asked, valid until the
	 * next call), 0 at the end, or an error status (reported to d). */
	int (*next)(struct cmig_copy_reader *r, const cmig_value **row, cmig_diags *d);
	/* Mandatory. Safe after any failure. */
	void (*close)(struct cmig_copy_reader *r);
};

struct cmig_copy_writer {
	/* Mandatory. Write one row of ncols converted values. On a failure the target ties to a
	 * row, *bad_row is its 1-based place among this table's rows (0: none named). */
	int (*put)(struct cmig_copy_writer *w, const cmig_value *row, unsigned long long *bad_row,
	           cmig_diags *d);
	/* Mandatory. End the table's rows. *written is the number of rows the target says it
	 * stored (PostgreSQL: the COPY's command tag; SQLite: the sum of sqlite3_changes()). On a
	 * failure the target names (PostgreSQL's "line N" of the COPY), *bad_row is that 1-based
	 * row of this table, else 0. */
	int (*finish)(struct cmig_copy_writer *w, unsigned long long *written,
	              unsigned long long *bad_row, cmig_diags *d);
	/* Mandatory. Safe after any failure; an unfinished COPY is ended with an error. */
	void (*close)(struct cmig_copy_writer *w);
};

/* Append an identifier in double quotes ("a""b"), as both dialects take it. */
int cmig_copy_quote_ident(cmig_buf *out, const char *name);
/* Append schema.table (schema NULL: table alone), quoted. */
int cmig_copy_quote_table(cmig_buf *out, const char *schema, const char *name);

/* PostgreSQL COPY text: the 1-based line number in a server error context ("COPY t, line 5,
 * column x: …"), or 0. */
unsigned long long cmig_copy_line_of_context(const char *context);

#endif
