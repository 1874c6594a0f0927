/*
 * sqlite_batch.c - batch mode on a live SQLite connection (SPEC §6): the glue between the
 * SQLite backend and the pure planner of src/batch/.
 *
 * For each ALTER TABLE of a transactional section, sqlite.c calls cmig_sqlite_batch_alter():
 *  - the statement and the consecutive ALTER TABLE statements on the same table after it are
 *    parsed (batch/alter.c) and grouped; cmig_rebuild_decide() says native or rebuild;
 *  - native: RENAME runs as SQLite spells it; ADD/DROP COLUMN is tried under a SAVEPOINT and
 *    rolled back to it when SQLite refuses, and then rebuilt;
 *  - rebuild: the schema lookup is answered from sqlite_schema, the plan's statements run in
 *    order; when the row copy fails the plan's probes name the constraint and one row.
 *
 * Invariants:
 *  - Foreign-key enforcement is off for a section with a rebuild (sq_prepare_step asks
 *    cmig_sqlite_batch_needs_fk_off() before BEGIN): DROP TABLE of a parent must not cascade.
 *    A rebuild refuses to start if enforcement is on.
 *  - foreign_key_check runs at the first rebuild-capable ALTER (violations already there:
 *    warnings, remembered in temp._cmig_fk_before) and at the end of the section (anything
 *    new: an error naming table, parent and one rowid). The runner rolls back on error, so a
 *    failed migration leaves the database as it was.
 *  - Nothing is printed: diagnostics to d, rows copied to settings->on_progress.
 */
#include "sqlite_batch.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "alter.h"
#include "rebuild.h"
#include "sqltext.h"

#define FK_BEFORE "_cmig_fk_before"

/* ---- small helpers ----------------------------------------------------------------------- */

static const char *stmt_text(const struct cmig_exec_section *s, const cmig_stmt *st, size_t *len)
{
	*len = st->end - st->start;
	return s->text + st->start;
}

/* Run one statement of cmig's own; SQLite's result code (the message stays in the db). */
static int exec1(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
	if (rc != SQLITE_OK)
		return rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		;
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* Run several statements of cmig's own ("…;\n…;\n"). */
static int exec_all(sqlite3 *db, const char *sql)
{
	return sqlite3_exec(db, sql, NULL, NULL, NULL);
}

/* An error about the statement at `line` of s, with SQLite's message and the failing SQL. */
static int report(const struct cmig_exec_section *s, unsigned line, const char *sql,
                  const char *dbmsg, cmig_diags *d, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

static int report(const struct cmig_exec_section *s, unsigned line, const char *sql,
                  const char *dbmsg, cmig_diags *d, const char *fmt, ...)
{
	cmig_buf detail = CMIG_BUF_INIT, msg = CMIG_BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	cmig_buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	if (dbmsg)
		cmig_buf_printf(&detail, "sqlite: %s", dbmsg);
	if (sql)
		cmig_buf_printf(&detail, "%sbatch-mode statement: %.200s%s", detail.len ? "; " : "", sql,
		                strlen(sql) > 200 ? " …" : "");
	cmig_diag_full(d, CMIG_DIAG_ERROR, CMIG_ESQL, NULL, s->path, line, 0,
	               detail.len ? detail.ptr : NULL, NULL, "%s", msg.ptr);
	cmig_buf_release(&detail);
	cmig_buf_release(&msg);
	return CMIG_ESQL;
}

static int append_script(cmig_buf *script, const char *sql)
{
	if (!script)
		return CMIG_OK;
	if (cmig_buf_puts(script, sql))
		return CMIG_ENOMEM;
	if (sql[0] && sql[strlen(sql) - 1] != '\n' && cmig_buf_puts(script, ";\n"))
		return CMIG_ENOMEM;
	return CMIG_OK;
}

/* ---- the schema lookup ------------------------------------------------------------------- */

struct schema_store {
	struct cmig_schema_obj *objs;
	size_t n;
};

static void schema_release(struct schema_store *st)
{
	for (size_t i = 0; i < st->n; i++) {
		free((char *)st->objs[i].type);
		free((char *)st->objs[i].name);
		free((char *)st->objs[i].tbl_name);
		free((char *)st->objs[i].sql);
	}
	free(st->objs);
	st->objs = NULL;
	st->n = 0;
}

/* *out: column i's text, NULL for SQL NULL (an automatic index has no sql); false when
 * memory ran out: a missing sql read as NULL would drop the object from the rebuild. */
static bool dup_col(const char **out, sqlite3_stmt *q, int i)
{
	const unsigned char *t;
	*out = NULL;
	if (sqlite3_column_type(q, i) == SQLITE_NULL)
		return true;
	t = sqlite3_column_text(q, i);
	return t && (*out = cmig_strdup((const char *)t)) != NULL;
}

static int schema_load(struct schema_store *out, sqlite3 *db, cmig_diags *d)
{
	sqlite3_stmt *q = NULL;
	int rc;
	size_t cap = 0;

	memset(out, 0, sizeof(*out));
	rc = sqlite3_prepare_v2(db, "SELECT type, name, tbl_name, sql FROM main.sqlite_schema "
	                        "ORDER BY rowid", -1, &q, NULL);
	if (rc != SQLITE_OK)
		return cmig_diag_error(d, NULL, 0, CMIG_ESQL, NULL, "cannot read the schema: %s",
		                       sqlite3_errmsg(db));
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		struct cmig_schema_obj o;
		if (out->n == cap) {
			size_t c = cap ? cap * 2 : 32;
			struct cmig_schema_obj *p = realloc(out->objs, c * sizeof(*p));
			if (!p)
				break;
			out->objs = p;
			cap = c;
		}
		bool ok = dup_col(&o.type, q, 0);
		ok = dup_col(&o.name, q, 1) && ok;
		ok = dup_col(&o.tbl_name, q, 2) && ok;
		ok = dup_col(&o.sql, q, 3) && ok;
		if (!ok || !o.type || !o.name || !o.tbl_name) {
			free((char *)o.type);
			free((char *)o.name);
			free((char *)o.tbl_name);
			free((char *)o.sql);
			break;
		}
		out->objs[out->n++] = o;
	}
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE) {
		schema_release(out);
		if (rc == SQLITE_ROW)
			return cmig_diag_oom(d);
		return cmig_diag_error(d, NULL, 0, CMIG_ESQL, NULL, "cannot read the schema: %s",
		                       sqlite3_errmsg(db));
	}
	return CMIG_OK;
}

/* ---- foreign keys -------------------------------------------------------------------------- */

/* One-row answers of cmig's own queries: *out, and SQLite's result code. A failed read
 * (out of memory may roll the transaction back) is an error, never "off" or "absent". */
static int query_bool(sqlite3 *db, const char *sql, bool *out)
{
	sqlite3_stmt *q = NULL;
	int rc = sqlite3_prepare_v2(db, sql, -1, &q, NULL);
	*out = false;
	if (rc == SQLITE_OK) {
		rc = sqlite3_step(q);
		if (rc == SQLITE_ROW)
			*out = sqlite3_column_int(q, 0) != 0;
		rc = rc == SQLITE_ROW || rc == SQLITE_DONE ? SQLITE_OK : rc;
	}
	sqlite3_finalize(q);
	return rc;
}

static int fk_enforced(sqlite3 *db, bool *on)
{
	return query_bool(db, "PRAGMA foreign_keys", on);
}

static int fk_baseline_taken(sqlite3 *db, bool *have)
{
	return query_bool(db, "SELECT 1 FROM temp.sqlite_schema WHERE name = '" FK_BEFORE "'", have);
}

static int fk_query_failed(struct sqlite_backend *be, cmig_diags *d)
{
	return cmig_diag_error(d, NULL, 0, CMIG_ESQL, NULL, "batch mode: cannot read the foreign-key state: %s",
	                       sqlite3_errmsg(be->db));
}

/* "(post_id)" for foreign key `fkid` of `table`. */
static char *fk_columns(sqlite3 *db, const char *table, int fkid)
{
	sqlite3_stmt *q = NULL;
	cmig_buf b = CMIG_BUF_INIT;
	cmig_buf_putc(&b, '(');
	if (sqlite3_prepare_v2(db, "SELECT \"from\" FROM pragma_foreign_key_list(?1) WHERE id = ?2 "
	                       "ORDER BY seq", -1, &q, NULL) == SQLITE_OK) {
		sqlite3_bind_text(q, 1, table, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int(q, 2, fkid);
		for (int k = 0; sqlite3_step(q) == SQLITE_ROW; k++)
			cmig_buf_printf(&b, "%s%s", k ? ", " : "", (const char *)sqlite3_column_text(q, 0));
	}
	sqlite3_finalize(q);
	cmig_buf_putc(&b, ')');
	return cmig_buf_detach(&b);
}

static unsigned first_alter_line(const struct cmig_exec_section *s)
{
	for (size_t i = 0; i < s->sec->stmts.n; i++)
		if (s->sec->stmts.items[i].flags & CMIG_STMT_ALTER_TABLE)
			return s->sec->stmts.items[i].line;
	return s->sec->body_line;
}

/* Remember the violations already in the database and warn about them (SPEC §6). */
static int fk_baseline(struct sqlite_backend *be, const struct cmig_exec_section *s, cmig_diags *d)
{
	sqlite3_stmt *q = NULL;
	unsigned line = first_alter_line(s);
	int rc, n = 0;
	bool have;

	if (!be->base.settings->sqlite_foreign_keys)
		return CMIG_OK;
	if (fk_baseline_taken(be->db, &have) != SQLITE_OK)
		return fk_query_failed(be, d);
	if (have)
		return CMIG_OK;
	rc = exec1(be->db, "CREATE TEMP TABLE " FK_BEFORE " AS SELECT * FROM pragma_foreign_key_check");
	if (rc != SQLITE_OK)
		return report(s, line, "PRAGMA foreign_key_check", sqlite3_errmsg(be->db), d,
		              "batch mode: PRAGMA foreign_key_check failed before the rebuild");
	if (sqlite3_prepare_v2(be->db, "SELECT \"table\", rowid, parent, fkid FROM temp." FK_BEFORE,
	                       -1, &q, NULL) != SQLITE_OK)
		return CMIG_OK;
	while (sqlite3_step(q) == SQLITE_ROW) {
		const char *table = (const char *)sqlite3_column_text(q, 0);
		if (++n <= 10) {
			char *cols = fk_columns(be->db, table, sqlite3_column_int(q, 3));
			cmig_diag_warning(d, s->path, line, NULL,
			                  "foreign key violation already in the database (not caused by "
			                  "this migration): table \"%s\" rowid %s: %s references a missing "
			                  "row of \"%s\"", table,
			                  sqlite3_column_type(q, 1) == SQLITE_NULL ? "(none)"
			                      : (const char *)sqlite3_column_text(q, 1),
			                  cols ? cols : "?", (const char *)sqlite3_column_text(q, 2));
			free(cols);
		}
	}
	sqlite3_finalize(q);
	if (n > 10)
		cmig_diag_warning(d, s->path, line, NULL,
		                  "%d more foreign key violations already in the database", n - 10);
	return CMIG_OK;
}

int cmig_sqlite_batch_begin(struct sqlite_backend *be, const struct cmig_exec_section *s,
                            cmig_diags *d)
{
	bool on;
	if (!be->db || !s->sec->transactional)
		return CMIG_OK;
	if (fk_enforced(be->db, &on) != SQLITE_OK)
		return fk_query_failed(be, d);
	if (on)
		return CMIG_OK;
	return fk_baseline(be, s, d);
}

int cmig_sqlite_batch_finish(struct sqlite_backend *be, const struct cmig_exec_section *s,
                             cmig_diags *d)
{
	sqlite3_stmt *q = NULL;
	bool baseline;
	unsigned line = first_alter_line(s);
	int rc;

	if (fk_baseline_taken(be->db, &baseline) != SQLITE_OK)
		return fk_query_failed(be, d);
	rc = sqlite3_prepare_v2(be->db, baseline
	    ? "SELECT f.\"table\", f.rowid, f.parent, f.fkid FROM pragma_foreign_key_check AS f "
	      "WHERE NOT EXISTS (SELECT 1 FROM temp." FK_BEFORE " AS b WHERE b.\"table\" = f.\"table\" "
	      "AND b.rowid IS f.rowid AND b.parent = f.parent AND b.fkid = f.fkid) LIMIT 1"
	    : "SELECT \"table\", rowid, parent, fkid FROM pragma_foreign_key_check LIMIT 1",
	    -1, &q, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		const char *table = (const char *)sqlite3_column_text(q, 0);
		char *cols = fk_columns(be->db, table, sqlite3_column_int(q, 3));
		cmig_diag_full(d, CMIG_DIAG_ERROR, CMIG_ESQL, NULL, s->path, line, 0, NULL,
		               "Fix or delete the rows, or drop the foreign key, in the same migration.",
		               "batch mode: foreign key violation after the migration: table \"%s\" rowid "
		               "%s: %s references a missing row of \"%s\"", table,
		               sqlite3_column_type(q, 1) == SQLITE_NULL ? "(none)"
		                   : (const char *)sqlite3_column_text(q, 1),
		               cols ? cols : "?", (const char *)sqlite3_column_text(q, 2));
		free(cols);
		sqlite3_finalize(q);
		return CMIG_ESQL;
	}
	if (rc != SQLITE_DONE && strncmp(sqlite3_errmsg(be->db), "foreign key mismatch", 20) == 0) {
		/* a parent key a foreign key needs is gone: PostgreSQL refuses such a drop too */
		int r = report(s, line, NULL, sqlite3_errmsg(be->db), d,
		               "batch mode: a foreign key no longer matches a primary key or unique "
		               "constraint of its parent table after the migration (%s)",
		               sqlite3_errmsg(be->db) + 20 + (sqlite3_errmsg(be->db)[20] == ' ' ? 3 : 0));
		sqlite3_finalize(q);
		return r;
	}
	if (rc != SQLITE_DONE) {
		int r = report(s, line, "PRAGMA foreign_key_check", sqlite3_errmsg(be->db), d,
		               "batch mode: PRAGMA foreign_key_check failed after the migration");
		sqlite3_finalize(q);
		return r;
	}
	sqlite3_finalize(q);
	if (baseline && exec1(be->db, "DROP TABLE temp." FK_BEFORE) != SQLITE_OK)
		return report(s, line, NULL, sqlite3_errmsg(be->db), d,
		              "batch mode: cannot drop the foreign-key baseline");
	return CMIG_OK;
}

/* ---- deciding ------------------------------------------------------------------------------- */

bool cmig_sqlite_batch_needs_fk_off(const struct cmig_exec_section *s)
{
	for (size_t i = 0; i < s->sec->stmts.n; i++) {
		const cmig_stmt *st = &s->sec->stmts.items[i];
		cmig_diags quiet = CMIG_DIAGS_INIT;
		struct cmig_alter a;
		bool rename;
		if (!(st->flags & CMIG_STMT_ALTER_TABLE))
			continue;
		/* conservative: anything but a plain rename may rebuild */
		if (cmig_alter_parse(&a, s->text, st->start, st->end, NULL, st->line, &quiet)) {
			cmig_diags_release(&quiet);
			return true;
		}
		rename = cmig_alter_is_rename(&a);
		cmig_alter_release(&a);
		cmig_diags_release(&quiet);
		if (!rename)
			return true;
	}
	return false;
}

/* ---- running a plan ------------------------------------------------------------------------- */

struct progress {
	const struct cmig_backend_settings *settings;
	const char *table;
	unsigned long long done, total, next;
};

static void progress_tick(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct progress *p = sqlite3_user_data(ctx);
	(void)argc;
	(void)argv;
	if (++p->done >= p->next) {
		cmig_progress ev;
		memset(&ev, 0, sizeof(ev));
		ev.what = p->table;
		ev.done = p->done;
		ev.total = p->total;
		p->settings->on_progress(&ev, p->settings->payload);
		p->next = p->done + (p->total > 100 ? p->total / 100 : 1);
	}
	sqlite3_result_int(ctx, 1);
}

static long long count_rows(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *q = NULL;
	long long n = 0;
	if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) == SQLITE_OK && sqlite3_step(q) == SQLITE_ROW)
		n = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	return n;
}

/* SQLite's message with the temporary table's name put back to the table's. */
static char *untemp(const char *msg, const struct cmig_rebuild_plan *p)
{
	cmig_buf b = CMIG_BUF_INIT;
	size_t tl = strlen(p->tmp);
	for (const char *m = msg; *m;) {
		if (strncmp(m, p->tmp, tl) == 0) {
			cmig_buf_puts(&b, p->table);
			m += tl;
		} else {
			cmig_buf_putc(&b, *m++);
		}
	}
	return cmig_buf_detach(&b);
}

/* The copy failed: find the constraint and row with the probes. */
static int copy_failed(struct sqlite_backend *be, const struct cmig_exec_section *s, unsigned line,
                       const struct cmig_rebuild_plan *p, const char *dbmsg, cmig_diags *d)
{
	char *msg = untemp(dbmsg, p);
	for (size_t i = 0; i < p->nprobes; i++) {
		sqlite3_stmt *q = NULL;
		if (sqlite3_prepare_v2(be->db, p->probes[i].sql, -1, &q, NULL) != SQLITE_OK)
			continue;
		if (sqlite3_step(q) == SQLITE_ROW && sqlite3_column_type(q, 0) != SQLITE_NULL) {
			cmig_diag_full(d, CMIG_DIAG_ERROR, CMIG_ESQL, NULL, s->path, line, 0,
			               msg ? msg : dbmsg, NULL, "batch mode: %s (first offending row: %s %s)",
			               p->probes[i].message, p->identity,
			               (const char *)sqlite3_column_text(q, 0));
			sqlite3_finalize(q);
			free(msg);
			return CMIG_ESQL;
		}
		sqlite3_finalize(q);
	}
	cmig_diag_full(d, CMIG_DIAG_ERROR, CMIG_ESQL, NULL, s->path, line, 0, NULL, NULL,
	               "batch mode: copying the rows of table \"%s\" failed: %s", p->table,
	               msg ? msg : dbmsg);
	free(msg);
	return CMIG_ESQL;
}

static int run_plan(struct sqlite_backend *be, const struct cmig_exec_section *s, unsigned line,
                    const struct cmig_rebuild_plan *p, cmig_buf *script, cmig_diags *d)
{
	const struct cmig_backend_settings *set = be->base.settings;
	for (size_t i = 0; i < p->nsteps; i++) {
		const struct cmig_rebuild_step *st = &p->steps[i];
		int rc;
		if (st->kind == CMIG_STEP_VERIFY) {
			sqlite3_stmt *q = NULL;
			rc = sqlite3_prepare_v2(be->db, st->sql, -1, &q, NULL);
			sqlite3_finalize(q);
			if (rc != SQLITE_OK)
				return report(s, line, NULL, sqlite3_errmsg(be->db), d, "batch mode: %s: %s",
				              st->what, sqlite3_errmsg(be->db));
			continue;
		}
		if (st->kind == CMIG_STEP_COPY && set->on_progress && !script) {
			struct progress pr = { set, p->table, 0, 0, 1 };
			char *sql;
			pr.total = (unsigned long long)count_rows(be->db, p->count_sql);
			sqlite3_create_function(be->db, "_cmig_progress", 0, SQLITE_UTF8, &pr, progress_tick,
			                        NULL, NULL);
			sql = cmig_asprintf("%s WHERE _cmig_progress()", st->sql);
			rc = sql ? exec1(be->db, sql) : SQLITE_NOMEM;
			free(sql);
			if (rc == SQLITE_OK && pr.done > 0) {
				cmig_progress ev;
				memset(&ev, 0, sizeof(ev));
				ev.what = p->table;
				ev.done = ev.total = pr.done;
				set->on_progress(&ev, set->payload);
			}
			sqlite3_create_function(be->db, "_cmig_progress", 0, SQLITE_UTF8, NULL, NULL, NULL, NULL);
		} else {
			rc = exec1(be->db, st->sql);
		}
		if (rc != SQLITE_OK) {
			if (st->kind == CMIG_STEP_COPY)
				return copy_failed(be, s, line, p, sqlite3_errmsg(be->db), d);
			{
				char *msg = untemp(sqlite3_errmsg(be->db), p);
				int r = report(s, line, st->sql, sqlite3_errmsg(be->db), d,
				               "batch mode: rebuilding table \"%s\" failed: %s", p->table,
				               msg ? msg : "?");
				free(msg);
				return r;
			}
		}
		if (append_script(script, st->sql))
			return cmig_diag_oom(d);
	}
	return CMIG_OK;
}

/* ---- the entry point ------------------------------------------------------------------------ */

static void free_group(struct cmig_alter *g, size_t n)
{
	for (size_t i = 0; i < n; i++)
		cmig_alter_release(&g[i]);
	free(g);
}

/* Rebuild for alters[0..n), whose first statement is at `line`. */
static int rebuild(struct sqlite_backend *be, const struct cmig_exec_section *s, unsigned line,
                   const struct cmig_alter *const *alters, size_t n, cmig_buf *script, cmig_diags *d)
{
	struct schema_store store;
	struct cmig_schema schema;
	struct cmig_rebuild_plan plan;
	struct cmig_rebuild_where w = { s->path, line };
	bool on = false;
	int rc;

	if (!script && fk_enforced(be->db, &on) != SQLITE_OK)
		return fk_query_failed(be, d);
	if (on)
		return cmig_diag_error(d, s->path, line, CMIG_ERROR, NULL,
		                       "batch mode: foreign-key enforcement is on; a table rebuild would "
		                       "cascade (the section must start with foreign keys off)");
	if (!script && (rc = fk_baseline(be, s, d)))
		return rc;
	if ((rc = schema_load(&store, be->db, d)))
		return rc;
	schema.objs = store.objs;
	schema.n = store.n;
	rc = cmig_rebuild_plan_make(&plan, alters, n, &schema, &w, d);
	schema_release(&store);
	if (rc)
		return rc;
	if (!plan.noop)
		rc = run_plan(be, s, line, &plan, script, d);
	cmig_rebuild_plan_release(&plan);
	return rc;
}

/* Run the native form of one statement; when try_only, under a savepoint, and a refusal is
 * not an error: *refused is set and nothing changed. */
static int native(struct sqlite_backend *be, const struct cmig_exec_section *s, const cmig_stmt *st,
                  const struct cmig_alter *a, bool try_only, bool *refused, cmig_buf *script,
                  cmig_diags *d)
{
	struct schema_store store;
	struct cmig_schema schema;
	struct cmig_rebuild_where w = { s->path, st->line };
	cmig_buf sql = CMIG_BUF_INIT;
	int rc, erc;

	*refused = false;
	if ((rc = schema_load(&store, be->db, d)))
		return rc;
	schema.objs = store.objs;
	schema.n = store.n;
	/* SPEC §6: a native ADD COLUMN that would shift derived names becomes a rebuild */
	if (try_only) {
		bool renames;
		if (cmig_rebuild_native_renames(&renames, a, &schema)) {
			schema_release(&store);
			return cmig_diag_oom(d);
		}
		if (renames) {
			schema_release(&store);
			*refused = true;
			return CMIG_OK;
		}
	}
	rc = cmig_rebuild_native(&sql, a, &schema, &w, d);
	schema_release(&store);
	if (rc || sql.len == 0) {
		cmig_buf_release(&sql);
		return rc;
	}
	if (try_only && exec1(be->db, "SAVEPOINT _cmig_batch") != SQLITE_OK) {
		rc = report(s, st->line, NULL, sqlite3_errmsg(be->db), d, "batch mode: SAVEPOINT failed");
		cmig_buf_release(&sql);
		return rc;
	}
	if ((erc = exec_all(be->db, sql.ptr)) != SQLITE_OK) {
		/* Only SQLite refusing the form (SQLITE_ERROR, or a constraint) means "rebuild
		 * instead"; out of memory, a full disk or an I/O error is the migration's failure,
		 * and may have rolled the whole transaction back (autocommit again). */
		bool refusal = ((erc & 0xff) == SQLITE_ERROR || (erc & 0xff) == SQLITE_CONSTRAINT) &&
		               !sqlite3_get_autocommit(be->db);
		if (try_only && refusal && exec1(be->db, "ROLLBACK TO _cmig_batch") == SQLITE_OK &&
		    exec1(be->db, "RELEASE _cmig_batch") == SQLITE_OK) {
			*refused = true;
			rc = CMIG_OK;
		} else {
			size_t len;
			const char *txt = stmt_text(s, st, &len);
			char *orig = cmig_strndup(txt, len);
			rc = report(s, st->line, orig, NULL, d, "%s", sqlite3_errmsg(be->db));
			free(orig);
		}
		cmig_buf_release(&sql);
		return rc;
	}
	if (try_only && exec1(be->db, "RELEASE _cmig_batch") != SQLITE_OK)
		rc = report(s, st->line, NULL, sqlite3_errmsg(be->db), d, "batch mode: RELEASE failed");
	if (!rc && append_script(script, sql.ptr))
		rc = cmig_diag_oom(d);
	cmig_buf_release(&sql);
	return rc;
}

int cmig_sqlite_batch_alter(struct sqlite_backend *be, const struct cmig_exec_section *s,
                            size_t *i, cmig_buf *script, cmig_diags *d)
{
	const cmig_stmt_vec *v = &s->sec->stmts;
	const cmig_stmt *first = &v->items[*i];
	struct cmig_alter *g = NULL;
	const struct cmig_alter **gp = NULL;
	size_t n = 0;
	int rc;

	/* collect: this statement and the consecutive ALTER TABLEs on the same table */
	g = calloc(v->n - *i, sizeof(*g));
	gp = calloc(v->n - *i, sizeof(*gp));
	if (!g || !gp) {
		free(g);
		free(gp);
		return cmig_diag_oom(d);
	}
	rc = cmig_alter_parse(&g[0], s->text, first->start, first->end, s->path, first->line, d);
	if (rc) {
		free(g);
		free(gp);
		return rc;
	}
	n = 1;
	if (!cmig_alter_is_rename(&g[0])) {
		for (size_t j = *i + 1; j < v->n && (v->items[j].flags & CMIG_STMT_ALTER_TABLE); j++) {
			cmig_diags quiet = CMIG_DIAGS_INIT;
			bool ok = cmig_alter_parse(&g[n], s->text, v->items[j].start, v->items[j].end, s->path,
			                           v->items[j].line, &quiet) == CMIG_OK;
			cmig_diags_release(&quiet);
			if (!ok)
				break; /* reported when it is reached on its own */
			if (cmig_alter_is_rename(&g[n]) || !cmig_sqltext_name_eq(g[n].table, g[0].table)) {
				cmig_alter_release(&g[n]);
				break;
			}
			n++;
		}
	}
	for (size_t k = 0; k < n; k++)
		gp[k] = &g[k];

	/* decide, then run */
	switch (cmig_rebuild_decide(gp, n)) {
	case CMIG_BATCH_NATIVE: {
		bool refused;
		rc = native(be, s, first, gp[0], false, &refused, script, d);
		break;
	}
	case CMIG_BATCH_TRY_NATIVE: {
		size_t k;
		for (k = 0; k < n && !rc; k++) {
			bool refused = false;
			rc = native(be, s, &v->items[*i + k], gp[k], true, &refused, script, d);
			if (!rc && refused)
				break;
		}
		if (!rc && k < n)
			rc = rebuild(be, s, v->items[*i + k].line, gp + k, n - k, script, d);
		break;
	}
	case CMIG_BATCH_REBUILD:
		rc = rebuild(be, s, first->line, gp, n, script, d);
		break;
	}
	*i += n;
	free_group(g, n);
	free(gp);
	return rc;
}
