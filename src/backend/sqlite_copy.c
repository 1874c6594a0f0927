/*
 * sqlite_copy.c - `cmig copy` on SQLite (SPEC §9): rows out stepped one at a time inside
 * one read transaction (the snapshot), rows in through one prepared INSERT per table.
 *
 * Invariants:
 *  - A reader keeps one statement and one row of values; TEXT and BLOB values point into
 *    SQLite's own row memory, valid until the next step.
 *  - A writer binds the caller's values SQLITE_STATIC: they stay valid through the step.
 *  - Foreign keys are deferred to COMMIT by runtime/copy.c (PRAGMA defer_foreign_keys=ON
 *    inside the copy's transaction); nothing here begins or commits.
 */
#include <stdlib.h>
#include <string.h>

#include "copy_io.h"
#include "sqlite_int.h"

static int sq_error(struct sqlite_backend *be, const char *what, cmig_diags *d)
{
	return cmig_diag_error(d, NULL, 0, CMIG_ESQL, NULL, "%s: %s", what,
	                       be->db ? sqlite3_errmsg(be->db) : "no database");
}

static int no_db(cmig_diags *d)
{
	return cmig_diag_error(d, NULL, 0, CMIG_ECONNECT, NULL, "the SQLite database does not exist");
}

int cmig_sqlite_copy_exec(struct cmig_backend *base, const char *sql, cmig_diags *d)
{
	struct sqlite_backend *be = (struct sqlite_backend *)base;
	int rc;
	if (!be->db)
		return no_db(d);
	rc = cmig_sqlite_exec(be, sql, d);
	/* the copy's BEGIN/COMMIT: the schema reader reads inside an open transaction */
	be->in_txn = !sqlite3_get_autocommit(be->db);
	return rc;
}

int cmig_sqlite_copy_query_int(struct cmig_backend *base, const char *sql, long long *out,
                               cmig_diags *d)
{
	struct sqlite_backend *be = (struct sqlite_backend *)base;
	sqlite3_stmt *st = NULL;
	int rc;

	*out = 0;
	if (!be->db)
		return no_db(d);
	if (sqlite3_prepare_v2(be->db, sql, -1, &st, NULL) != SQLITE_OK)
		return sq_error(be, "cannot read", d);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return sq_error(be, "cannot read", d);
	return CMIG_OK;
}

int cmig_sqlite_copy_snapshot(struct cmig_backend *base, cmig_diags *d)
{
	struct sqlite_backend *be = (struct sqlite_backend *)base;
	long long n;
	int rc;
	if (!be->db)
		return no_db(d);
	/* a deferred transaction takes its read lock (the snapshot) at its first read */
	if ((rc = cmig_sqlite_copy_exec(base, "BEGIN", d)) != CMIG_OK)
		return rc;
	return cmig_sqlite_copy_query_int(base, "SELECT count(*) FROM sqlite_master", &n, d);
}

/* ---- reader ---------------------------------------------------------------------------- */

struct sq_reader {
	struct cmig_copy_reader base;
	struct sqlite_backend *be;
	sqlite3_stmt *st;
	size_t n;                  /* values per row (columns + rowid) */
	cmig_value *row;
};

static int reader_next(struct cmig_copy_reader *base, const cmig_value **row, cmig_diags *d)
{
	struct sq_reader *r = (struct sq_reader *)base;
	int rc = sqlite3_step(r->st);

	if (rc == SQLITE_DONE)
		return 0;
	if (rc != SQLITE_ROW)
		return sq_error(r->be, "cannot read the source", d);
	for (size_t i = 0; i < r->n; i++) {
		cmig_value *v = &r->row[i];
		switch (sqlite3_column_type(r->st, (int)i)) {
		case SQLITE_INTEGER:
			v->kind = CMIG_V_INT;
			v->i = sqlite3_column_int64(r->st, (int)i);
			break;
		case SQLITE_FLOAT:
			v->kind = CMIG_V_REAL;
			v->r = sqlite3_column_double(r->st, (int)i);
			break;
		case SQLITE_TEXT:
			v->kind = CMIG_V_TEXT;
			v->p = (const char *)sqlite3_column_text(r->st, (int)i);
			v->n = (size_t)sqlite3_column_bytes(r->st, (int)i);
			if (!v->p)
				v->p = "";
			break;
		case SQLITE_BLOB:
			v->kind = CMIG_V_BLOB;
			v->p = sqlite3_column_blob(r->st, (int)i);
			v->n = (size_t)sqlite3_column_bytes(r->st, (int)i);
			if (!v->p)
				v->p = "";
			break;
		default:
			v->kind = CMIG_V_NULL;
			break;
		}
	}
	*row = r->row;
	return 1;
}

static void reader_close(struct cmig_copy_reader *base)
{
	struct sq_reader *r = (struct sq_reader *)base;
	if (!r)
		return;
	sqlite3_finalize(r->st);
	free(r->row);
	free(r);
}

int cmig_sqlite_copy_reader(struct cmig_copy_reader **out, struct cmig_backend *base,
                            const struct cmig_copy_table *t, cmig_diags *d)
{
	struct sqlite_backend *be = (struct sqlite_backend *)base;
	cmig_buf sql = CMIG_BUF_INIT;
	struct sq_reader *r;
	int rc = CMIG_OK;

	*out = NULL;
	if (!be->db)
		return no_db(d);
	r = calloc(1, sizeof(*r));
	if (!r)
		return cmig_diag_oom(d);
	r->base.next = reader_next;
	r->base.close = reader_close;
	r->be = be;
	r->n = t->ncols + (t->rowid ? 1 : 0);
	r->row = calloc(r->n ? r->n : 1, sizeof(*r->row));
	rc = r->row ? cmig_buf_puts(&sql, "SELECT ") : CMIG_ENOMEM;
	for (size_t i = 0; i < t->ncols && !rc; i++)
		rc = (i ? cmig_buf_puts(&sql, ", ") : 0) || cmig_copy_quote_ident(&sql, t->cols[i]);
	if (!rc && t->rowid)
		rc = cmig_buf_puts(&sql, t->ncols ? ", _rowid_" : "_rowid_");
	if (!rc && !t->ncols && !t->rowid)
		rc = cmig_buf_puts(&sql, "NULL");
	if (!rc)
		rc = cmig_buf_puts(&sql, " FROM ") || cmig_copy_quote_table(&sql, t->schema, t->name);
	if (rc) {
		cmig_buf_release(&sql);
		reader_close(&r->base);
		return cmig_diag_oom(d);
	}
	if (sqlite3_prepare_v2(be->db, sql.ptr, -1, &r->st, NULL) != SQLITE_OK)
		rc = sq_error(be, "cannot read the source", d);
	cmig_buf_release(&sql);
	if (rc) {
		reader_close(&r->base);
		return rc;
	}
	*out = &r->base;
	return CMIG_OK;
}

/* ---- writer ---------------------------------------------------------------------------- */

struct sq_writer {
	struct cmig_copy_writer base;
	struct sqlite_backend *be;
	sqlite3_stmt *st;
	size_t n;
	unsigned long long rows;
	unsigned long long written;  /* rows SQLite says it inserted */
};

static int writer_put(struct cmig_copy_writer *base, const cmig_value *row,
                      unsigned long long *bad_row, cmig_diags *d)
{
	struct sq_writer *w = (struct sq_writer *)base;
	int rc = SQLITE_OK;

	*bad_row = ++w->rows; /* the row this call writes, should it fail */
	for (size_t i = 0; i < w->n && rc == SQLITE_OK; i++) {
		const cmig_value *v = &row[i];
		int k = (int)i + 1;
		switch (v->kind) {
		case CMIG_V_NULL:
			rc = sqlite3_bind_null(w->st, k);
			break;
		case CMIG_V_INT:
			rc = sqlite3_bind_int64(w->st, k, v->i);
			break;
		case CMIG_V_REAL:
			rc = sqlite3_bind_double(w->st, k, v->r);
			break;
		case CMIG_V_TEXT:
			rc = sqlite3_bind_text(w->st, k, v->p, (int)v->n, SQLITE_STATIC);
			break;
		case CMIG_V_BLOB:
			rc = sqlite3_bind_blob(w->st, k, v->p, (int)v->n, SQLITE_STATIC);
			break;
		}
	}
	if (rc == SQLITE_OK)
		rc = sqlite3_step(w->st);
	if (rc == SQLITE_DONE)
		w->written += (unsigned long long)sqlite3_changes(w->be->db);
	sqlite3_reset(w->st);
	if (rc != SQLITE_DONE)
		return cmig_diag_error(d, NULL, 0, CMIG_ESQL, NULL, "%s", sqlite3_errmsg(w->be->db));
	return CMIG_OK;
}

static int writer_finish(struct cmig_copy_writer *base, unsigned long long *written,
                         unsigned long long *bad_row, cmig_diags *d)
{
	struct sq_writer *w = (struct sq_writer *)base;
	(void)d;
	*written = w->written;
	*bad_row = 0;
	return CMIG_OK;
}

static void writer_close(struct cmig_copy_writer *base)
{
	struct sq_writer *w = (struct sq_writer *)base;
	if (!w)
		return;
	sqlite3_finalize(w->st);
	free(w);
}

int cmig_sqlite_copy_writer(struct cmig_copy_writer **out, struct cmig_backend *base,
                            const struct cmig_copy_table *t, cmig_diags *d)
{
	struct sqlite_backend *be = (struct sqlite_backend *)base;
	cmig_buf sql = CMIG_BUF_INIT;
	struct sq_writer *w;
	int rc;

	*out = NULL;
	if (!be->db)
		return no_db(d);
	w = calloc(1, sizeof(*w));
	if (!w)
		return cmig_diag_oom(d);
	w->base.put = writer_put;
	w->base.finish = writer_finish;
	w->base.close = writer_close;
	w->be = be;
	w->n = t->ncols;
	rc = cmig_buf_puts(&sql, "INSERT INTO ") || cmig_copy_quote_table(&sql, t->schema, t->name);
	if (t->ncols == 0)
		rc = rc || cmig_buf_puts(&sql, " DEFAULT VALUES");
	else {
		rc = rc || cmig_buf_puts(&sql, " (");
		for (size_t i = 0; i < t->ncols && !rc; i++)
			rc = (i ? cmig_buf_puts(&sql, ", ") : 0) || cmig_copy_quote_ident(&sql, t->cols[i]);
		rc = rc || cmig_buf_puts(&sql, ") VALUES (");
		for (size_t i = 0; i < t->ncols && !rc; i++)
			rc = cmig_buf_puts(&sql, i ? ", ?" : "?");
		rc = rc || cmig_buf_puts(&sql, ")");
	}
	if (rc) {
		cmig_buf_release(&sql);
		free(w);
		return cmig_diag_oom(d);
	}
	if (sqlite3_prepare_v2(be->db, sql.ptr, -1, &w->st, NULL) != SQLITE_OK)
		rc = sq_error(be, "cannot write the target", d);
	cmig_buf_release(&sql);
	if (rc) {
		writer_close(&w->base);
		return rc;
	}
	*out = &w->base;
	return CMIG_OK;
}
