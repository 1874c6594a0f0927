/*
 * copy.c - the run of `cmig copy` (SPEC §9):
 *
 *   parse URLs -> open source (read-only) and target -> target lock -> same revision?
 *   -> source snapshot + schema -> target BEGIN + schema -> plan (copy_plan.c)
 *   -> empty targets or --truncate -> triggers off -> defer / drop FKs and
 *   indexes -> per table { read, convert, write } -> re-add -> triggers on -> sequences
 *   -> counts verified -> COMMIT -> summary
 *
 * Invariants:
 *  - One transaction on the target; every failure before COMMIT rolls it back, so the target
 *    is exactly as before. The source is opened read-only and read in one snapshot.
 *  - Memory does not grow with rows: one row of values and one scratch buffer per column.
 *  - Every error about a value names table, source row, column and the value (cut by
 *    model/convert.c's cmig_convert_show).
 *  - URLs are printed only through their display form (password masked).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "copy.h"
#include "copy_io.h"
#include "session.h"

struct run {
	const struct cmig_runtime *rt;
	const cmig_copy_options *o;
	const cmig_run_options *ro;   /* wait, lock timeout, payload */
	cmig_diags *d;
	cmig_dburl su, du;
	struct cmig_session sside, dside;
	const struct cmig_backend_ops *sops, *dops;   /* sside.be->ops, dside.be->ops */
	struct cmig_backend *src, *dst;               /* sside.be, dside.be */
	struct cmig_schema *ssch, *dsch;
	struct cmig_copy_plan plan;
	bool dst_txn;
	cmig_buf sql;
};

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Start r->sql afresh with printf-like text. */
static int sql_start(struct run *r, const char *text)
{
	cmig_buf_clear(&r->sql);
	return cmig_buf_puts(&r->sql, text);
}

static int qtable(struct run *r, const struct cmig_sch_table *t)
{
	return cmig_copy_quote_table(&r->sql, t->schema, t->name);
}

static int dst_exec(struct run *r)
{
	return r->dops->copy_exec(r->dst, r->sql.ptr, r->d);
}

/* ---- connections and revisions ---------------------------------------------------------- */

static int open_side(struct run *r, bool source)
{
	const char *url = source ? r->o->from : r->o->to;
	cmig_dburl *u = source ? &r->su : &r->du;
	struct cmig_session *ss = source ? &r->sside : &r->dside;
	const struct cmig_backend_ops *ops;
	int rc;

	if ((rc = cmig_dburl_parse(u, url, NULL, r->d)) != CMIG_OK)
		return rc;
	ops = cmig_backend_for(u, false);
	if (!ops || !ops->copy_reader || !ops->schema_read)
		return cmig_diag_error(r->d, NULL, 0, CMIG_EUSAGE, NULL,
		                       "cmig copy cannot use %s", u->display);
	if (source && cmig_backend_absent(u))
		return cmig_diag_error(r->d, NULL, 0, CMIG_ECONNECT, NULL,
		                       "the source %s does not exist", u->display);
	/* the source is only read; the target is locked as a migration locks it */
	rc = cmig_session_open(ss, r->rt, u, r->ro,
	                       source ? CMIG_SESSION_READONLY : CMIG_SESSION_LOCK, r->d);
	*(source ? &r->src : &r->dst) = ss->be;
	*(source ? &r->sops : &r->dops) = ss->be ? ss->be->ops : NULL;
	return rc;
}

/* The database's revision; refuses a database without cmig's version table. */
static int read_revision(struct run *r, bool source, char **rev)
{
	const struct cmig_backend_ops *ops = source ? r->sops : r->dops;
	struct cmig_backend *be = source ? r->src : r->dst;
	const struct cmig_backend_settings *s = source ? &r->sside.settings : &r->dside.settings;
	const cmig_dburl *u = source ? &r->su : &r->du;
	cmig_diags tmp = CMIG_DIAGS_INIT;
	long long n;
	int rc;

	*rev = NULL;
	cmig_buf_clear(&r->sql);
	if (cmig_buf_puts(&r->sql, "SELECT count(*) FROM ") ||
	    cmig_copy_quote_table(&r->sql, s->tables.schema, s->tables.version))
		return cmig_diag_oom(r->d);
	rc = ops->copy_query_int(be, r->sql.ptr, &n, &tmp);
	cmig_diags_release(&tmp);
	if (rc == CMIG_ECONNECT)
		return ops->copy_query_int(be, r->sql.ptr, &n, r->d);
	if (rc)
		return cmig_diag_full(r->d, CMIG_DIAG_ERROR, CMIG_ERROR, NULL, NULL, 0, 0, NULL,
		                      "run 'cmig upgrade' on it first: the schema is the migrations' job",
		                      "the %s %s is not a cmig database (it has no %s table)",
		                      source ? "source" : "target", u->display, s->tables.version);
	return ops->version_read(be, rev, r->d);
}

static int check_revisions(struct run *r)
{
	char *a = NULL, *b = NULL;
	int rc = read_revision(r, true, &a);
	if (!rc)
		rc = read_revision(r, false, &b);
	if (!rc && !(r->o->flags & CMIG_COPY_ANY_REVISION) &&
	    ((a == NULL) != (b == NULL) || (a && strcmp(a, b))))
		rc = cmig_diag_full(r->d, CMIG_DIAG_ERROR, CMIG_ERROR, NULL, NULL, 0, 0, NULL,
		                    "upgrade both to the same revision, or pass --any-revision",
		                    "the databases are at different revisions: the source at %s, the "
		                    "target at %s", a ? a : "base", b ? b : "base");
	free(a);
	free(b);
	return rc;
}

/* ---- row labels and errors ------------------------------------------------------------- */

/* The source row as SPEC §9 names it: rowid, primary key, or its place in the snapshot. */
static void row_label(cmig_buf *b, const struct cmig_copy_tab *ct, const cmig_value *row,
                      unsigned long long ordinal)
{
	if (row && ct->rowid) {
		cmig_buf_puts(b, "rowid=");
		cmig_convert_show(b, &row[ct->cols.n]);
	} else if (row && ct->pk.n) {
		for (size_t k = 0; k < ct->pk.n; k++) {
			size_t j = ct->pk.items[k];
			cmig_buf_printf(b, "%s%s=", k ? ", " : "", ct->cols.items[j].src);
			cmig_convert_show(b, &row[j]);
		}
	} else {
		cmig_buf_printf(b, "#%llu of the source", ordinal);
	}
}

/* The label of the n-th row (1-based) of a table, read again from the same snapshot. */
static void label_nth(struct run *r, const struct cmig_copy_tab *ct,
                      const struct cmig_copy_table *st, unsigned long long nth, cmig_buf *b)
{
	struct cmig_copy_reader *rd = NULL;
	cmig_diags tmp = CMIG_DIAGS_INIT;
	const cmig_value *row = NULL;
	unsigned long long i = 0;

	if (r->sops->copy_reader(&rd, r->src, st, &tmp) == CMIG_OK) {
		while (i < nth && rd->next(rd, &row, &tmp) == 1)
			i++;
	}
	row_label(b, ct, i == nth ? row : NULL, nth);
	if (rd)
		rd->close(rd);
	cmig_diags_release(&tmp);
}

/* Report a target error (recorded in tmp) for a table, naming the source row when known. */
static int wrap_error(struct run *r, const struct cmig_copy_tab *ct, const cmig_diags *tmp,
                      const char *label, int code)
{
	const cmig_diag *e = cmig_diags_last_error(tmp);
	if (!e)
		return cmig_diag_error(r->d, NULL, 0, code ? code : CMIG_ESQL, NULL,
		                       "table %s: the target refused the rows", ct->dst->name);
	if (label)
		return cmig_diag_full(r->d, CMIG_DIAG_ERROR, e->code, e->kind, NULL, 0, 0, e->detail,
		                      e->hint, "table %s, row %s: %s", ct->dst->name, label,
		                      e->message);
	return cmig_diag_full(r->d, CMIG_DIAG_ERROR, e->code, e->kind, NULL, 0, 0, e->detail,
	                      e->hint, "table %s: %s", ct->dst->name, e->message);
}

/* ---- one table ------------------------------------------------------------------------- */

/* total 0 while the table is being copied (counting the source first would cost a scan of
 * it); the last event of a table has total = done. */
static void progress(struct run *r, const struct cmig_copy_tab *ct, unsigned long long done,
                     bool last)
{
	cmig_progress ev;
	if (!r->o->on_progress)
		return;
	memset(&ev, 0, sizeof(ev));
	ev.direction = CMIG_UP;
	ev.done = done;
	ev.total = last ? done : 0;
	ev.what = ct->dst->name;
	r->o->on_progress(&ev, r->o->payload);
}

static void track(struct cmig_copy_col *c, const cmig_value *v)
{
	long long x;
	if (v->kind == CMIG_V_INT)
		x = v->i;
	else if (v->kind == CMIG_V_TEXT)
		x = strtoll(v->p, NULL, 10); /* converted integer text: digits only */
	else
		return;
	if (!c->seen || x > c->max)
		c->max = x;
	if (!c->seen || x < c->min)
		c->min = x;
	c->seen = true;
}

struct table_io {
	const char **scols, **dcols;
	cmig_ctype *stypes;
	cmig_value *out;
	cmig_buf *scratch;
	size_t n;
};

static void io_release(struct table_io *io)
{
	for (size_t i = 0; io->scratch && i < io->n; i++)
		cmig_buf_release(&io->scratch[i]);
	free(io->scratch);
	free(io->scols);
	free(io->dcols);
	free(io->stypes);
	free(io->out);
}

static int io_init(struct table_io *io, const struct cmig_copy_tab *ct)
{
	size_t n = ct->cols.n ? ct->cols.n : 1;
	memset(io, 0, sizeof(*io));
	io->n = ct->cols.n;
	io->scols = calloc(n, sizeof(*io->scols));
	io->dcols = calloc(n, sizeof(*io->dcols));
	io->stypes = calloc(n, sizeof(*io->stypes));
	io->out = calloc(n, sizeof(*io->out));
	io->scratch = calloc(n, sizeof(*io->scratch));
	if (!io->scols || !io->dcols || !io->stypes || !io->out || !io->scratch)
		return CMIG_ENOMEM;
	for (size_t i = 0; i < ct->cols.n; i++) {
		io->scols[i] = ct->cols.items[i].src;
		io->dcols[i] = ct->cols.items[i].dst;
		io->stypes[i] = ct->cols.items[i].src_type;
		cmig_buf_init(&io->scratch[i], 0);
	}
	return CMIG_OK;
}

static int copy_table(struct run *r, struct cmig_copy_tab *ct)
{
	struct table_io io;
	struct cmig_copy_reader *rd = NULL;
	struct cmig_copy_writer *wr = NULL;
	cmig_diags tmp = CMIG_DIAGS_INIT;
	const cmig_value *row;
	unsigned long long rows = 0, bad = 0;
	double start = now(), last = start;
	int rc;

	if (io_init(&io, ct)) {
		io_release(&io);
		return cmig_diag_oom(r->d);
	}
	struct cmig_copy_table st = { ct->src->schema, ct->src->name, io.n, io.scols, io.stypes,
	                              ct->rowid };
	struct cmig_copy_table dt = { ct->dst->schema, ct->dst->name, io.n, io.dcols, NULL, false };

	rc = r->sops->copy_reader(&rd, r->src, &st, r->d);
	if (!rc && (rc = r->dops->copy_writer(&wr, r->dst, &dt, &tmp)) != CMIG_OK)
		rc = wrap_error(r, ct, &tmp, NULL, rc);
	progress(r, ct, 0, false);
	while (!rc) {
		int got = rd->next(rd, &row, r->d);
		if (got <= 0) {
			rc = got;
			break;
		}
		rows++;
		for (size_t i = 0; i < io.n && !rc; i++) {
			struct cmig_copy_col *c = &ct->cols.items[i];
			const char *why;
			rc = cmig_convert(&io.out[i], &c->dst_type, &row[i], &io.scratch[i], &why);
			if (rc == CMIG_ENOMEM) {
				rc = cmig_diag_oom(r->d);
			} else if (rc) {
				cmig_buf lab = CMIG_BUF_INIT, val = CMIG_BUF_INIT;
				row_label(&lab, ct, row, rows);
				cmig_convert_show(&val, &row[i]);
				rc = cmig_diag_error(r->d, NULL, 0, CMIG_ERROR, "copy-value",
				                     "table %s, row %s, column %s: %s: %s", ct->src->name,
				                     lab.ptr, c->src, why, val.ptr);
				cmig_buf_release(&lab);
				cmig_buf_release(&val);
			} else if (c->track) {
				track(c, &io.out[i]);
			}
		}
		if (rc)
			break;
		if ((rc = wr->put(wr, io.out, &bad, &tmp)) != CMIG_OK) {
			cmig_buf lab = CMIG_BUF_INIT;
			if (bad == rows)
				row_label(&lab, ct, row, rows);
			else if (bad) {
				rd->close(rd);
				rd = NULL;
				label_nth(r, ct, &st, bad, &lab);
			}
			rc = wrap_error(r, ct, &tmp, bad ? lab.ptr : NULL, rc);
			cmig_buf_release(&lab);
			break;
		}
		if ((rows & 4095) == 0) {
			double t = now();
			if (t - last >= 0.2) {
				progress(r, ct, rows, false);
				last = t;
			}
		}
	}
	if (rd)
		rd->close(rd);
	rd = NULL;
	if (!rc && wr && (rc = wr->finish(wr, &ct->written, &bad, &tmp)) != CMIG_OK) {
		cmig_buf lab = CMIG_BUF_INIT;
		if (bad)
			label_nth(r, ct, &st, bad, &lab);
		rc = wrap_error(r, ct, &tmp, bad ? lab.ptr : NULL, rc);
		cmig_buf_release(&lab);
	}
	if (wr)
		wr->close(wr);
	cmig_diags_release(&tmp);
	io_release(&io);
	ct->rows = rows;
	ct->seconds = now() - start;
	if (!rc)
		progress(r, ct, rows, true);
	return rc;
}

/* ---- before and after the rows ---------------------------------------------------------- */

static int count_rows(struct run *r, const struct cmig_sch_table *t, long long *n)
{
	if (sql_start(r, "SELECT count(*) FROM ") || qtable(r, t))
		return cmig_diag_oom(r->d);
	return r->dops->copy_query_int(r->dst, r->sql.ptr, n, r->d);
}

static int empty_targets(struct run *r)
{
	struct cmig_copy_plan *p = &r->plan;
	cmig_buf names = CMIG_BUF_INIT;
	int rc = CMIG_OK;

	if (r->o->flags & CMIG_COPY_TRUNCATE) {
		if (!p->tabs.n)
			return CMIG_OK;
		if (p->target_pg) {
			/* one TRUNCATE, never CASCADE (outside references were refused by the plan) */
			rc = sql_start(r, "TRUNCATE ");
			for (size_t i = 0; i < p->tabs.n && !rc; i++)
				rc = (i ? cmig_buf_puts(&r->sql, ", ") : 0) || qtable(r, p->tabs.items[i].dst);
			return rc ? cmig_diag_oom(r->d) : dst_exec(r);
		}
		for (size_t i = p->tabs.n; i-- > 0 && !rc;) { /* children before parents */
			if (sql_start(r, "DELETE FROM ") || qtable(r, p->tabs.items[i].dst))
				return cmig_diag_oom(r->d);
			rc = dst_exec(r);
		}
		return rc;
	}
	for (size_t i = 0; i < p->tabs.n && !rc; i++) {
		long long n;
		if (sql_start(r, "SELECT count(*) FROM (SELECT 1 FROM ") ||
		    qtable(r, p->tabs.items[i].dst) || cmig_buf_puts(&r->sql, " LIMIT 1) AS t"))
			return cmig_diag_oom(r->d);
		rc = r->dops->copy_query_int(r->dst, r->sql.ptr, &n, r->d);
		if (!rc && n)
			cmig_buf_printf(&names, "%s%s", names.len ? ", " : "", p->tabs.items[i].dst->name);
	}
	if (!rc && names.len)
		rc = cmig_diag_full(r->d, CMIG_DIAG_ERROR, CMIG_ERROR, NULL, NULL, 0, 0, NULL,
		                    "pass --truncate to empty them first (in the copy's transaction)",
		                    "target tables already have rows: %s (cmig never mixes copied rows "
		                    "into existing ones)", names.ptr);
	cmig_buf_release(&names);
	return rc;
}

static bool copied_table(const struct run *r, const char *schema, const char *name)
{
	for (size_t i = 0; i < r->plan.tabs.n; i++) {
		const struct cmig_sch_table *t = r->plan.tabs.items[i].dst;
		if (!strcmp(t->name, name) && (!schema || !t->schema || !strcmp(schema, t->schema)))
			return true;
	}
	return false;
}

/* User triggers on copied tables off (on = false) or back on. */
static int triggers(struct run *r, bool on)
{
	int rc = CMIG_OK;
	if (r->o->flags & CMIG_COPY_KEEP_TRIGGERS)
		return CMIG_OK;
	for (size_t i = 0; i < r->dsch->triggers.n && !rc; i++) {
		const struct cmig_sch_trigger *tg = &r->dsch->triggers.items[i];
		const struct cmig_sch_table *t = cmig_schema_table(r->dsch, tg->schema, tg->table);
		if (!t || !tg->enabled || !copied_table(r, tg->schema, tg->table))
			continue;
		if (r->plan.target_pg) {
			if (sql_start(r, "ALTER TABLE ") || qtable(r, t) ||
			    cmig_buf_puts(&r->sql, on ? " ENABLE TRIGGER " : " DISABLE TRIGGER ") ||
			    cmig_copy_quote_ident(&r->sql, tg->name))
				return cmig_diag_oom(r->d);
		} else if (on) {
			if (sql_start(r, tg->definition))
				return cmig_diag_oom(r->d);
		} else if (sql_start(r, "DROP TRIGGER ") || cmig_copy_quote_ident(&r->sql, tg->name)) {
			return cmig_diag_oom(r->d);
		}
		rc = dst_exec(r);
	}
	return rc;
}

static int drop_for_speed(struct run *r)
{
	struct cmig_copy_plan *p = &r->plan;
	int rc = CMIG_OK;

	for (size_t i = 0; i < p->deferred.n && !rc; i++) {
		const struct cmig_sch_table *t = p->deferred_tab.items[i];
		if (sql_start(r, "SET CONSTRAINTS ") ||
		    cmig_copy_quote_table(&r->sql, t->schema, p->deferred.items[i]->name) ||
		    cmig_buf_puts(&r->sql, " DEFERRED"))
			return cmig_diag_oom(r->d);
		rc = dst_exec(r);
	}
	for (size_t pass = 0; pass < 2 && !rc; pass++) { /* foreign keys, then indexes */
		for (size_t i = 0; i < p->dropped.n && !rc; i++) {
			const struct cmig_copy_ddl *x = &p->dropped.items[i];
			if (x->is_index != (pass == 1))
				continue;
			if (x->is_index)
				rc = sql_start(r, "DROP INDEX ") ||
				     cmig_copy_quote_table(&r->sql, x->table->schema, x->name);
			else
				rc = sql_start(r, "ALTER TABLE ") || qtable(r, x->table) ||
				     cmig_buf_puts(&r->sql, " DROP CONSTRAINT ") ||
				     cmig_copy_quote_ident(&r->sql, x->name);
			rc = rc ? cmig_diag_oom(r->d) : dst_exec(r);
		}
	}
	return rc;
}

static int readd(struct run *r)
{
	struct cmig_copy_plan *p = &r->plan;
	int rc = CMIG_OK;

	for (size_t pass = 0; pass < 2 && !rc; pass++) { /* indexes, then foreign keys */
		for (size_t i = 0; i < p->dropped.n && !rc; i++) {
			const struct cmig_copy_ddl *x = &p->dropped.items[i];
			if (x->is_index != (pass == 0))
				continue;
			if (x->is_index)
				rc = sql_start(r, x->definition);
			else
				rc = sql_start(r, "ALTER TABLE ") || qtable(r, x->table) ||
				     cmig_buf_puts(&r->sql, " ADD CONSTRAINT ") ||
				     cmig_copy_quote_ident(&r->sql, x->name) || cmig_buf_putc(&r->sql, ' ') ||
				     cmig_buf_puts(&r->sql, x->definition);
			rc = rc ? cmig_diag_oom(r->d) : dst_exec(r);
			if (!rc && x->is_index && x->comment) {
				if (sql_start(r, "COMMENT ON INDEX ") ||
				    cmig_copy_quote_table(&r->sql, x->table->schema, x->name) ||
				    cmig_buf_puts(&r->sql, " IS ") || cmig_sql_literal(&r->sql, x->comment))
					return cmig_diag_oom(r->d);
				rc = dst_exec(r);
			}
		}
	}
	return rc;
}

/* The largest (smallest, for a negative increment) value copied into a column seq feeds. */
static bool seq_value(const struct run *r, const struct cmig_sch_sequence *seq, bool *fed,
                      long long *m)
{
	bool seen = false;
	*fed = false;
	for (size_t f = 0; f < seq->feeds.n; f++) {
		const struct cmig_sch_seq_feed *fd = &seq->feeds.items[f];
		for (size_t i = 0; i < r->plan.tabs.n; i++) {
			const struct cmig_copy_tab *ct = &r->plan.tabs.items[i];
			if (strcmp(ct->dst->name, fd->table) ||
			    (fd->schema && ct->dst->schema && strcmp(fd->schema, ct->dst->schema)))
				continue;
			for (size_t c = 0; c < ct->cols.n; c++) {
				const struct cmig_copy_col *col = &ct->cols.items[c];
				if (strcmp(col->dst, fd->column))
					continue;
				*fed = true;
				if (!col->seen)
					continue;
				long long v = seq->increment < 0 ? col->min : col->max;
				if (!seen || (seq->increment < 0 ? v < *m : v > *m))
					*m = v;
				seen = true;
			}
		}
	}
	return seen;
}

static int sequences(struct run *r)
{
	int rc = CMIG_OK;
	for (size_t i = 0; i < r->dsch->sequences.n && !rc; i++) {
		const struct cmig_sch_sequence *seq = &r->dsch->sequences.items[i];
		long long m = 0;
		bool fed, seen = seq_value(r, seq, &fed, &m);
		if (!fed)
			continue;
		if (!r->plan.target_pg) {
			/* AUTOINCREMENT: sqlite_sequence holds the largest rowid handed out */
			if (sql_start(r, "DELETE FROM sqlite_sequence WHERE name = ") ||
			    cmig_sql_literal(&r->sql, seq->name))
				return cmig_diag_oom(r->d);
			if ((rc = dst_exec(r)) != CMIG_OK || !seen)
				continue;
			if (sql_start(r, "INSERT INTO sqlite_sequence (name, seq) VALUES (") ||
			    cmig_sql_literal(&r->sql, seq->name) || cmig_buf_printf(&r->sql, ", %lld)", m))
				return cmig_diag_oom(r->d);
			rc = dst_exec(r);
			continue;
		}
		if (seen && (m < seq->min || m > seq->max))
			return cmig_diag_error(r->d, NULL, 0, CMIG_ERROR, NULL,
			                       "sequence %s cannot continue after the copy: the largest "
			                       "value copied, %lld, is outside its bounds [%lld, %lld]",
			                       seq->name, m, seq->min, seq->max);
		if (seen) {
			cmig_buf q = CMIG_BUF_INIT;
			rc = cmig_copy_quote_table(&q, seq->schema, seq->name) ||
			     sql_start(r, "SELECT setval(") || cmig_sql_literal(&r->sql, q.ptr) ||
			     cmig_buf_printf(&r->sql, ", %lld, true)", m);
			cmig_buf_release(&q);
		} else {
			rc = sql_start(r, "ALTER SEQUENCE ") ||
			     cmig_copy_quote_table(&r->sql, seq->schema, seq->name) ||
			     cmig_buf_puts(&r->sql, " RESTART");
		}
		rc = rc ? cmig_diag_oom(r->d) : dst_exec(r);
	}
	return rc;
}

/* Every table's rows on the target against the rows read from the source's snapshot. The
 * target's own report of what it stored (COPY's command tag, sqlite3_changes) is the count,
 * which needs no scan; with --keep-triggers a trigger may have added rows, so count(*). */
static int verify_counts(struct run *r)
{
	int rc = CMIG_OK;
	for (size_t i = 0; i < r->plan.tabs.n && !rc; i++) {
		struct cmig_copy_tab *ct = &r->plan.tabs.items[i];
		long long n = (long long)ct->written;
		if ((r->o->flags & CMIG_COPY_KEEP_TRIGGERS) &&
		    (rc = count_rows(r, ct->dst, &n)) != CMIG_OK)
			break;
		if (n < 0 || (unsigned long long)n != ct->rows)
			rc = cmig_diag_error(r->d, NULL, 0, CMIG_ERROR, NULL,
			                     "table %s: the target holds %lld rows after the copy, the "
			                     "source %llu: nothing is copied", ct->dst->name, n, ct->rows);
	}
	return rc;
}

/* ---- the run --------------------------------------------------------------------------- */

static int run_copy(struct run *r)
{
	int rc;

	if ((rc = open_side(r, true)) || (rc = open_side(r, false)))
		return rc;
	if ((rc = check_revisions(r)) != CMIG_OK)
		return rc;
	if ((rc = r->sops->copy_snapshot(r->src, r->d)) ||
	    (rc = r->sops->schema_read(r->src, &r->ssch, r->d)))
		return rc;
	if ((rc = r->dops->copy_exec(r->dst, r->dops->dialect->begin, r->d)) != CMIG_OK)
		return rc;
	r->dst_txn = true;
	if (r->dops->dialect->defer_fks &&
	    (rc = r->dops->copy_exec(r->dst, r->dops->dialect->defer_fks, r->d)))
		return rc;
	if ((rc = r->dops->schema_read(r->dst, &r->dsch, r->d)) ||
	    (rc = cmig_copy_plan_make(&r->plan, r->ssch, r->dsch, r->o->tables, r->o->exclude,
	                              r->o->flags, r->d)))
		return rc;
	if ((rc = empty_targets(r)) || (rc = triggers(r, false)) || (rc = drop_for_speed(r)))
		return rc;
	for (size_t i = 0; i < r->plan.tabs.n && !rc; i++)
		rc = copy_table(r, &r->plan.tabs.items[i]);
	if (rc || (rc = readd(r)) || (rc = triggers(r, true)) || (rc = sequences(r)) ||
	    (rc = verify_counts(r)))
		return rc;
	if ((rc = r->dops->copy_exec(r->dst, "COMMIT", r->d)) != CMIG_OK)
		return rc;
	r->dst_txn = false;
	for (size_t i = 0; r->o->on_table && i < r->plan.tabs.n; i++)
		r->o->on_table(r->plan.tabs.items[i].dst->name, r->plan.tabs.items[i].rows,
		               r->plan.tabs.items[i].seconds, r->o->payload);
	return CMIG_OK;
}

int cmig_copy_run(const struct cmig_runtime *rt, const cmig_copy_options *o, cmig_diags *d)
{
	struct run r;
	cmig_run_options ro = CMIG_RUN_OPTIONS_INIT;
	int rc;

	memset(&r, 0, sizeof(r));
	r.rt = rt;
	r.o = o;
	r.ro = &ro;
	r.d = d;
	cmig_buf_init(&r.sql, 0);
	ro.wait = o->wait;
	ro.lock_timeout = o->lock_timeout;
	ro.payload = o->payload;
	rc = run_copy(&r);
	if (r.dst && r.dst_txn) {
		cmig_diags tmp = CMIG_DIAGS_INIT;
		r.dops->copy_exec(r.dst, "ROLLBACK", &tmp);
		cmig_diags_release(&tmp);
	}
	cmig_session_close(&r.dside);
	cmig_session_close(&r.sside);
	cmig_copy_plan_release(&r.plan);
	cmig_schema_free(r.ssch);
	cmig_schema_free(r.dsch);
	cmig_dburl_release(&r.su);
	cmig_dburl_release(&r.du);
	cmig_buf_release(&r.sql);
	return rc;
}
