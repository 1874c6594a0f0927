/*
 * postgresql_copy.c - `cmig copy` on PostgreSQL (SPEC §9): rows out with COPY … TO STDOUT
 * inside one REPEATABLE READ READ ONLY transaction, rows in with COPY … FROM STDIN in text
 * format (PQputCopyData / PQputCopyEnd).
 *
 * Invariants:
 *  - Memory is one row (reader) or one send buffer of about 64 KiB (writer), whatever the
 *    number of rows.
 *  - The connection is switched to blocking mode while a COPY is open (PQputCopyData then
 *    waits for the socket instead of returning 0) and back to non-blocking when it ends,
 *    which the pipeline code of postgresql_conn.c needs.
 *  - A source session prints values in forms model/convert.c reads back exactly: ISO dates,
 *    UTC, hex bytea, round-trip floats.
 *  - A server error during COPY FROM is reported once, with the row it names ("line N" of
 *    the COPY) handed back as *bad_row.
 */
#include <stdlib.h>
#include <string.h>

#include "copy_io.h"
#include "text.h"
#include "postgresql_int.h"

#define SEND_CHUNK (64 * 1024)

int cmig_pg_copy_exec(struct cmig_backend *base, const char *sql, cmig_diags *d)
{
	return cmig_pg_exec((struct pg_backend *)base, sql, sql, d);
}

int cmig_pg_copy_query_int(struct cmig_backend *base, const char *sql, long long *out,
                           cmig_diags *d)
{
	struct pg_backend *be = (struct pg_backend *)base;
	long k = cmig_pg_queue(be, sql, strlen(sql), sql);
	int rc;

	*out = 0;
	if (k < 0)
		return cmig_diag_oom(d);
	be->queue.items[k].keep = true;
	rc = cmig_pg_flush(be, d);
	if (rc == CMIG_OK) {
		PGresult *r = be->queue.items[k].res;
		if (r && PQntuples(r) > 0 && PQnfields(r) > 0 && !PQgetisnull(r, 0, 0))
			*out = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	}
	cmig_pg_clear(be);
	return rc;
}

int cmig_pg_copy_snapshot(struct cmig_backend *base, cmig_diags *d)
{
	static const char *const setup[] = {
		"SET DateStyle = ISO", "SET TimeZone = 'UTC'", "SET IntervalStyle = postgres",
		"SET extra_float_digits = 3", "SET bytea_output = hex",
		"BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
		"SELECT 1", /* the snapshot is taken by the transaction's first statement */
	};
	struct pg_backend *be = (struct pg_backend *)base;
	for (size_t i = 0; i < sizeof(setup) / sizeof(setup[0]); i++)
		if (cmig_pg_queue(be, setup[i], strlen(setup[i]), setup[i]) < 0)
			return cmig_diag_oom(d);
	return cmig_pg_run(be, d);
}

/* "COPY t (c1, …)" or, with no columns, "COPY (SELECT FROM t)". */
static int copy_sql(cmig_buf *sql, const struct cmig_copy_table *t, const char *tail)
{
	int rc = cmig_buf_puts(sql, "COPY ");
	if (!t->ncols) {
		rc = rc || cmig_buf_puts(sql, "(SELECT FROM ") ||
		     cmig_copy_quote_table(sql, t->schema, t->name) || cmig_buf_puts(sql, ")");
	} else {
		rc = rc || cmig_copy_quote_table(sql, t->schema, t->name) || cmig_buf_puts(sql, " (");
		for (size_t i = 0; i < t->ncols && !rc; i++)
			rc = (i ? cmig_buf_puts(sql, ", ") : 0) || cmig_copy_quote_ident(sql, t->cols[i]);
		rc = rc || cmig_buf_puts(sql, ")");
	}
	return rc || cmig_buf_puts(sql, tail);
}

/* ---- reader ---------------------------------------------------------------------------- */

struct pg_reader {
	struct cmig_copy_reader base;
	struct pg_backend *be;
	size_t ncols;
	const cmig_ctype *types;
	const char *name;
	char *line;                 /* libpq's buffer of the current row */
	cmig_buf text;              /* the row unescaped */
	size_t *off, *len;
	bool *isnull;
	cmig_buf *scratch;          /* one per column: values normalized from text */
	cmig_value *row;
	bool open;                  /* the COPY is still running */
};

static int octal(int c)
{
	return c >= '0' && c <= '7' ? c - '0' : -1;
}

/* Split and unescape one COPY text line into r->text; false when malformed. */
static bool parse_line(struct pg_reader *r, const char *p, size_t n)
{
	const char *e = p + n;
	size_t col = 0;

	if (n && e[-1] == '\n')
		e--;
	cmig_buf_clear(&r->text);
	if (cmig_buf_grow(&r->text, n + 1))
		return false;
	char *o = r->text.ptr;
	for (;;) {
		if (col >= r->ncols)
			return false;
		r->off[col] = (size_t)(o - r->text.ptr);
		r->isnull[col] = false;
		if (e - p >= 2 && p[0] == '\\' && p[1] == 'N' && (e - p == 2 || p[2] == '\t')) {
			r->isnull[col] = true;
			p += 2;
		} else {
			while (p < e && *p != '\t') {
				if (*p != '\\' || p + 1 >= e) {
					*o++ = *p++;
					continue;
				}
				char c = p[1];
				p += 2;
				switch (c) {
				case 'b': *o++ = '\b'; break;
				case 'f': *o++ = '\f'; break;
				case 'n': *o++ = '\n'; break;
				case 'r': *o++ = '\r'; break;
				case 't': *o++ = '\t'; break;
				case 'v': *o++ = '\v'; break;
				case 'x': {
					int v = 0, k = 0;
					while (k < 2 && p < e && cmig_text_hexval((unsigned char)*p) >= 0)
						v = v * 16 + cmig_text_hexval((unsigned char)*p++), k++;
					*o++ = k ? (char)v : 'x';
					break;
				}
				default:
					if (octal(c) >= 0) {
						int v = octal(c), k = 1;
						while (k < 3 && p < e && octal(*p) >= 0)
							v = v * 8 + octal(*p++), k++;
						*o++ = (char)v;
					} else {
						*o++ = c;
					}
				}
			}
		}
		r->len[col] = (size_t)(o - r->text.ptr) - r->off[col];
		*o++ = '\0';
		col++;
		if (p >= e)
			break;
		p++; /* the tab */
	}
	r->text.len = (size_t)(o - r->text.ptr);
	return col == r->ncols;
}

static int reader_end(struct pg_reader *r, cmig_diags *d)
{
	PGresult *res;
	int rc = CMIG_OK;
	r->open = false;
	while ((res = PQgetResult(r->be->conn)) != NULL) {
		if (PQresultStatus(res) != PGRES_COMMAND_OK && rc == CMIG_OK)
			rc = cmig_pg_report(r->be, "reading the source", res, d);
		PQclear(res);
	}
	return rc;
}

static int reader_next(struct cmig_copy_reader *base, const cmig_value **row, cmig_diags *d)
{
	struct pg_reader *r = (struct pg_reader *)base;
	const char *why;
	int n;

	if (r->line) {
		PQfreemem(r->line);
		r->line = NULL;
	}
	if (!r->open)
		return 0;
	n = PQgetCopyData(r->be->conn, &r->line, 0);
	if (n == -1)
		return reader_end(r, d);
	if (n < 0) {
		int rc = reader_end(r, d);
		return rc ? rc : cmig_pg_report(r->be, "reading the source", NULL, d);
	}
	if (!parse_line(r, r->line, (size_t)n))
		return cmig_diag_error(d, NULL, 0, CMIG_ESQL, NULL,
		                       "cannot read table %s: a COPY line cmig does not understand",
		                       r->name);
	for (size_t i = 0; i < r->ncols; i++) {
		int rc = cmig_convert_from_pg(&r->row[i], &r->types[i],
		                              r->isnull[i] ? NULL : r->text.ptr + r->off[i], r->len[i],
		                              &r->scratch[i], &why);
		if (rc == CMIG_ENOMEM)
			return cmig_diag_oom(d);
		if (rc)
			return cmig_diag_error(d, NULL, 0, CMIG_ESQL, NULL,
			                       "cannot read table %s, column %zu: %s", r->name, i + 1, why);
	}
	*row = r->row;
	return 1;
}

static void reader_close(struct cmig_copy_reader *base)
{
	struct pg_reader *r = (struct pg_reader *)base;
	if (!r)
		return;
	if (r->line)
		PQfreemem(r->line);
	if (r->open) {
		/* drain the rest: the connection must be usable for ROLLBACK */
		char *l;
		while (PQgetCopyData(r->be->conn, &l, 0) > 0)
			PQfreemem(l);
		reader_end(r, NULL);
	}
	for (size_t i = 0; r->scratch && i < r->ncols; i++)
		cmig_buf_release(&r->scratch[i]);
	cmig_buf_release(&r->text);
	free(r->scratch);
	free(r->off);
	free(r->len);
	free(r->isnull);
	free(r->row);
	free(r);
}

int cmig_pg_copy_reader(struct cmig_copy_reader **out, struct cmig_backend *base,
                        const struct cmig_copy_table *t, cmig_diags *d)
{
	struct pg_backend *be = (struct pg_backend *)base;
	cmig_buf sql = CMIG_BUF_INIT;
	struct pg_reader *r;
	PGresult *res;
	size_t n = t->ncols ? t->ncols : 1;
	int rc;

	*out = NULL;
	r = calloc(1, sizeof(*r));
	if (!r)
		return cmig_diag_oom(d);
	r->base.next = reader_next;
	r->base.close = reader_close;
	r->be = be;
	r->ncols = t->ncols;
	r->types = t->types;
	r->name = t->name;
	cmig_buf_init(&r->text, 0);
	r->off = calloc(n, sizeof(*r->off));
	r->len = calloc(n, sizeof(*r->len));
	r->isnull = calloc(n, sizeof(*r->isnull));
	r->row = calloc(n, sizeof(*r->row));
	r->scratch = calloc(n, sizeof(*r->scratch));
	if (!r->off || !r->len || !r->isnull || !r->row || !r->scratch ||
	    copy_sql(&sql, t, " TO STDOUT")) {
		cmig_buf_release(&sql);
		reader_close(&r->base);
		return cmig_diag_oom(d);
	}
	for (size_t i = 0; i < t->ncols; i++)
		cmig_buf_init(&r->scratch[i], 0);
	res = PQexec(be->conn, sql.ptr);
	cmig_buf_release(&sql);
	if (PQresultStatus(res) != PGRES_COPY_OUT) {
		rc = cmig_pg_report(be, "reading the source", res, d);
		PQclear(res);
		reader_close(&r->base);
		return rc ? rc : CMIG_ESQL;
	}
	PQclear(res);
	r->open = true;
	*out = &r->base;
	return CMIG_OK;
}

/* ---- writer ---------------------------------------------------------------------------- */

struct pg_writer {
	struct cmig_copy_writer base;
	struct pg_backend *be;
	size_t ncols;
	cmig_buf buf;
	bool open;                  /* COPY FROM STDIN in progress */
	bool was_nonblocking;
};

/* Read the COPY's final result(s); the first failure is reported with its row; *written
 * (when given) is the row count of the COPY's command tag. */
static int writer_results_n(struct pg_writer *w, unsigned long long *written,
                            unsigned long long *bad_row, cmig_diags *d)
{
	PGresult *res;
	int rc = CMIG_OK;

	w->open = false;
	while ((res = PQgetResult(w->be->conn)) != NULL) {
		ExecStatusType st = PQresultStatus(res);
		if (st == PGRES_COPY_IN) { /* still in COPY: end it (cannot happen after PutCopyEnd) */
			PQclear(res);
			PQputCopyEnd(w->be->conn, "cmig copy stopped");
			continue;
		}
		if (st == PGRES_COMMAND_OK && written)
			*written = strtoull(PQcmdTuples(res), NULL, 10);
		if (st != PGRES_COMMAND_OK && rc == CMIG_OK) {
			const char *ctx = PQresultErrorField(res, PG_DIAG_CONTEXT);
			if (bad_row)
				*bad_row = cmig_copy_line_of_context(ctx);
			rc = cmig_pg_report(w->be, "writing the target", res, d);
			if (rc == CMIG_OK)
				rc = CMIG_ESQL;
		}
		PQclear(res);
	}
	if (rc == CMIG_OK && PQstatus(w->be->conn) == CONNECTION_BAD)
		rc = cmig_pg_report(w->be, "writing the target", NULL, d);
	return rc;
}

/* Read the COPY's final result(s); the first failure is reported with its row. */
static int writer_results(struct pg_writer *w, unsigned long long *bad_row, cmig_diags *d)
{
	return writer_results_n(w, NULL, bad_row, d);
}

static int send_buf(struct pg_writer *w, unsigned long long *bad_row, cmig_diags *d)
{
	if (w->buf.len && PQputCopyData(w->be->conn, w->buf.ptr, (int)w->buf.len) != 1) {
		/* the server ended the COPY (an error, a timeout, a lost connection) */
		int rc = writer_results(w, bad_row, d);
		return rc ? rc : cmig_pg_report(w->be, "writing the target", NULL, d);
	}
	cmig_buf_clear(&w->buf);
	return CMIG_OK;
}

static int writer_put(struct cmig_copy_writer *base, const cmig_value *row,
                      unsigned long long *bad_row, cmig_diags *d)
{
	struct pg_writer *w = (struct pg_writer *)base;
	int rc = CMIG_OK;

	*bad_row = 0;
	for (size_t i = 0; i < w->ncols && !rc; i++) {
		if (i)
			rc = cmig_buf_putc(&w->buf, '\t');
		if (rc)
			break;
		if (row[i].kind == CMIG_V_NULL)
			rc = cmig_buf_add(&w->buf, "\\N", 2);
		else
			rc = cmig_convert_copy_escape(&w->buf, row[i].p, row[i].n);
	}
	if (rc || cmig_buf_putc(&w->buf, '\n'))
		return cmig_diag_oom(d);
	if (w->buf.len >= SEND_CHUNK)
		return send_buf(w, bad_row, d);
	return CMIG_OK;
}

static int writer_finish(struct cmig_copy_writer *base, unsigned long long *written,
                         unsigned long long *bad_row, cmig_diags *d)
{
	struct pg_writer *w = (struct pg_writer *)base;
	int rc;

	*bad_row = 0;
	*written = 0;
	if (!w->open)
		return CMIG_OK;
	if ((rc = send_buf(w, bad_row, d)) != CMIG_OK)
		return rc;
	if (PQputCopyEnd(w->be->conn, NULL) != 1) {
		rc = writer_results(w, bad_row, d);
		return rc ? rc : cmig_pg_report(w->be, "writing the target", NULL, d);
	}
	return writer_results_n(w, written, bad_row, d);
}

static void writer_close(struct cmig_copy_writer *base)
{
	struct pg_writer *w = (struct pg_writer *)base;
	if (!w)
		return;
	if (w->open) {
		PQputCopyEnd(w->be->conn, "cmig copy stopped");
		writer_results(w, NULL, NULL);
	}
	if (w->was_nonblocking)
		PQsetnonblocking(w->be->conn, 1);
	cmig_buf_release(&w->buf);
	free(w);
}

int cmig_pg_copy_writer(struct cmig_copy_writer **out, struct cmig_backend *base,
                        const struct cmig_copy_table *t, cmig_diags *d)
{
	struct pg_backend *be = (struct pg_backend *)base;
	cmig_buf sql = CMIG_BUF_INIT;
	struct pg_writer *w;
	PGresult *res;
	int rc;

	*out = NULL;
	w = calloc(1, sizeof(*w));
	if (!w)
		return cmig_diag_oom(d);
	w->base.put = writer_put;
	w->base.finish = writer_finish;
	w->base.close = writer_close;
	w->be = be;
	w->ncols = t->ncols;
	cmig_buf_init(&w->buf, 0);
	if (copy_sql(&sql, t, " FROM STDIN") || cmig_buf_grow(&w->buf, SEND_CHUNK + 4096)) {
		cmig_buf_release(&sql);
		writer_close(&w->base);
		return cmig_diag_oom(d);
	}
	w->was_nonblocking = PQisnonblocking(be->conn);
	if (w->was_nonblocking)
		PQsetnonblocking(be->conn, 0);
	res = PQexec(be->conn, sql.ptr);
	cmig_buf_release(&sql);
	if (PQresultStatus(res) != PGRES_COPY_IN) {
		rc = cmig_pg_report(be, "writing the target", res, d);
		PQclear(res);
		writer_close(&w->base);
		return rc ? rc : CMIG_ESQL;
	}
	PQclear(res);
	w->open = true;
	*out = &w->base;
	return CMIG_OK;
}
