/*
 * rebuild_emit.c - the statements of a rebuild (lang_altertable.html §7, see rebuild.h) and the
 * probes that name a constraint and a row when the copy fails (SPEC §6).
 *
 * Invariants: every row keeps its rowid (copied explicitly unless an INTEGER PRIMARY KEY is
 * the rowid); generated columns are never copied; indexes, triggers and views are recreated
 * from their own sql, in their original order, views before triggers; an index that uses a
 * dropped column is not recreated (PostgreSQL drops it too).
 *
 * Statements are built with unchecked appends into a cmig_buf whose first failure is sticky
 * (buf.h); add_step() and add_probe() check the buffer once and turn a failed one into
 * CMIG_ENOMEM, so a truncated statement never becomes a step.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "rebuild_int.h"
#include "sqltext.h"
#include "text.h"

/* ---- emit ------------------------------------------------------------------------------------ */

struct emit {
	struct cmig_rebuild_plan *p;
	cmig_diags *d;
	int rc;
};

/* A failed buffer (or an earlier failure) fails the plan; the buffer is released either way,
 * ready for the next statement. */
static bool buf_failed(struct emit *e, cmig_buf *b)
{
	if (!e->rc && cmig_buf_error(b))
		e->rc = CMIG_ENOMEM;
	if (e->rc)
		cmig_buf_release(b);
	return e->rc != CMIG_OK;
}

static void add_step(struct emit *e, cmig_step_kind kind, cmig_buf *sql, const char *what)
{
	struct cmig_rebuild_step *s;
	if (buf_failed(e, sql))
		return;
	s = realloc(e->p->steps, (e->p->nsteps + 1) * sizeof(*s));
	if (!s) {
		cmig_buf_release(sql);
		e->rc = CMIG_ENOMEM;
		return;
	}
	e->p->steps = s;
	s = &s[e->p->nsteps];
	s->kind = kind;
	s->sql = cmig_buf_detach(sql);
	s->what = what ? cmig_strdup(what) : NULL;
	if (!s->sql || (what && !s->what)) {
		free(s->sql);
		free(s->what);
		e->rc = CMIG_ENOMEM;
		return;
	}
	e->p->nsteps++;
}

static void add_sql(struct emit *e, cmig_step_kind kind, const char *sql, const char *what)
{
	cmig_buf b = CMIG_BUF_INIT;
	cmig_buf_puts(&b, sql);
	add_step(e, kind, &b, what);
}

static void add_probe(struct emit *e, cmig_buf *sql, cmig_buf *msg)
{
	struct cmig_rebuild_probe *p;
	bool failed = buf_failed(e, sql);
	if (buf_failed(e, msg) || failed) {
		cmig_buf_release(sql);
		return;
	}
	p = realloc(e->p->probes, (e->p->nprobes + 1) * sizeof(*p));
	if (!p) {
		cmig_buf_release(sql);
		cmig_buf_release(msg);
		e->rc = CMIG_ENOMEM;
		return;
	}
	e->p->probes = p;
	p = &p[e->p->nprobes];
	p->sql = cmig_buf_detach(sql);
	p->message = cmig_buf_detach(msg);
	if (!p->sql || !p->message) {
		free(p->sql);
		free(p->message);
		e->rc = CMIG_ENOMEM;
		return;
	}
	e->p->nprobes++;
}

/* The temporary name: _cmig_new_<t>, numbered when taken. */
char *cmig_rebuild_emit_temp_name(const struct cmig_schema *s, const char *table)
{
	for (unsigned i = 0;; i++) {
		char *n = i ? cmig_asprintf("_cmig_new_%s_%u", table, i) : cmig_asprintf("_cmig_new_%s", table);
		if (!n || !cmig_rebuild_has_name(s, n))
			return n;
		free(n);
	}
}

/* The SELECT list source of probes: each new column under its own name. */
static int probe_source(cmig_buf *b, const struct cmig_rebuild_state *st, bool old_rowid, char *const *pk,
                        size_t npk)
{
	int rc = cmig_buf_puts(b, "(SELECT ");
	if (!rc) {
		if (old_rowid)
			rc = cmig_buf_puts(b, "rowid");
		else if (npk) {
			rc = cmig_buf_puts(b, "quote(");
			for (size_t i = 0; i < npk && !rc; i++) {
				if (i)
					rc = cmig_buf_puts(b, ") || ', ' || quote(");
				if (!rc)
					rc = cmig_sqltext_quote(b, pk[i]);
			}
			if (!rc)
				rc = cmig_buf_putc(b, ')');
		} else
			rc = cmig_buf_puts(b, "NULL");
	}
	if (!rc)
		rc = cmig_buf_puts(b, " AS _cmig_row");
	for (size_t i = 0; i < st->t.ncols && !rc; i++) {
		const struct cmig_column *c = &st->t.cols[i];
		long dflt = cmig_column_find(c, CMIG_CONS_DEFAULT);
		if (cmig_column_generated(c))
			continue;
		rc = cmig_buf_puts(b, ", ");
		if (!rc) {
			if (st->src[i])
				rc = cmig_buf_puts(b, st->src[i]);
			else if (dflt >= 0)
				rc = cmig_buf_printf(b, "(%s)", c->cons[dflt].body);
			else
				rc = cmig_buf_puts(b, "NULL");
		}
		if (!rc)
			rc = cmig_buf_puts(b, " AS ");
		if (!rc)
			rc = cmig_sqltext_quote(b, c->name);
	}
	if (!rc)
		rc = cmig_buf_puts(b, " FROM ");
	if (!rc)
		rc = cmig_sqltext_quote(b, st->t.name);
	if (!rc)
		rc = cmig_buf_puts(b, ")");
	return rc;
}

static void emit_probes(struct emit *e, const struct cmig_rebuild_state *st, const struct cmig_table *old,
                        const struct cmig_pgname *names, size_t nnames)
{
	cmig_buf src = CMIG_BUF_INIT;
	char *const *pk = NULL;
	size_t npk = cmig_table_primary_key(old, &pk);
	long alias = cmig_table_rowid_alias(&st->t);

	if (probe_source(&src, st, !old->without_rowid, pk, npk)) {
		cmig_buf_release(&src);
		e->rc = CMIG_ENOMEM;
		return;
	}
	/* NOT NULL: SET NOT NULL, ADD PRIMARY KEY, ADD COLUMN … NOT NULL */
	for (size_t i = 0; i < st->t.ncols && !e->rc; i++) {
		const struct cmig_column *c = &st->t.cols[i];
		cmig_buf q = CMIG_BUF_INIT, m = CMIG_BUF_INIT;
		if (cmig_column_find(c, CMIG_CONS_NOT_NULL) < 0 || cmig_column_generated(c) ||
		    (long)i == alias)
			continue;
		cmig_buf_printf(&q, "SELECT _cmig_row FROM %s WHERE ", src.ptr);
		cmig_sqltext_quote(&q, c->name);
		cmig_buf_puts(&q, " IS NULL LIMIT 1");
		cmig_buf_printf(&m, "table \"%s\": existing rows violate NOT NULL on column \"%s\"",
		                st->t.name, c->name);
		add_probe(e, &q, &m);
	}
	for (size_t i = 0; i < nnames && !e->rc; i++) {
		const struct cmig_pgname *nm = &names[i];
		const struct cmig_cons *k = nm->col >= 0 ? &st->t.cols[nm->col].cons[nm->idx]
		                                         : &st->t.tcons[nm->idx];
		cmig_buf q = CMIG_BUF_INIT, m = CMIG_BUF_INIT;
		if (k->kind == CMIG_CONS_CHECK) {
			cmig_buf_printf(&q, "SELECT _cmig_row FROM %s WHERE NOT (%s) LIMIT 1", src.ptr, k->body);
			cmig_buf_printf(&m, "table \"%s\": existing rows violate CHECK constraint \"%s\"",
			                st->t.name, nm->name);
		} else if (k->kind == CMIG_CONS_UNIQUE ||
		           (k->kind == CMIG_CONS_PRIMARY && !(nm->col >= 0 && nm->col == alias))) {
			cmig_buf_printf(&q, "SELECT min(_cmig_row) FROM %s WHERE ", src.ptr);
			for (size_t j = 0; j < k->ncols; j++) {
				cmig_buf_puts(&q, j ? " AND " : "");
				cmig_sqltext_quote(&q, k->cols[j]);
				cmig_buf_puts(&q, " IS NOT NULL");
			}
			cmig_buf_puts(&q, " GROUP BY ");
			for (size_t j = 0; j < k->ncols; j++) {
				cmig_buf_puts(&q, j ? ", " : "");
				cmig_sqltext_quote(&q, k->cols[j]);
			}
			cmig_buf_puts(&q, " HAVING count(*) > 1 LIMIT 1");
			cmig_buf_printf(&m, "table \"%s\": existing rows violate %s constraint \"%s\" "
			                "(duplicate values)", st->t.name, cmig_rebuild_kind_name(k->kind), nm->name);
		} else {
			continue;
		}
		add_probe(e, &q, &m);
	}
	cmig_buf_release(&src);
}

/* Views and triggers to drop before the rename and recreate after: those that mention the
 * table or a dropped view, and triggers on a dropped view; to a fixed point. */
static bool *dependents(const struct cmig_schema *s, const char *table)
{
	bool *dep = calloc(s->n + 1, sizeof(*dep));
	bool more = true;
	if (!dep)
		return NULL;
	while (more) {
		more = false;
		for (size_t i = 0; i < s->n; i++) {
			const struct cmig_schema_obj *o = &s->objs[i];
			bool hit = false;
			if (dep[i] || !o->sql || (strcmp(o->type, "view") != 0 && strcmp(o->type, "trigger") != 0))
				continue;
			if (strcmp(o->type, "trigger") == 0 && cmig_sqltext_name_eq(o->tbl_name, table))
				continue; /* goes with the table, recreated with it */
			hit = cmig_sqltext_mentions(o->sql, table);
			for (size_t j = 0; j < s->n && !hit; j++)
				if (dep[j] && strcmp(s->objs[j].type, "view") == 0 &&
				    (cmig_sqltext_name_eq(o->tbl_name, s->objs[j].name) ||
				     cmig_sqltext_mentions(o->sql, s->objs[j].name)))
					hit = true;
			if (hit) {
				dep[i] = true;
				more = true;
			}
		}
	}
	return dep;
}

static bool uses_dropped(const struct cmig_rebuild_state *st, const char *sql, const char **which)
{
	for (size_t i = 0; i < st->ndropped; i++)
		if (cmig_sqltext_uses_column(sql, st->dropped[i])) {
			*which = st->dropped[i];
			return true;
		}
	return false;
}

static bool index_uses_dropped(const struct cmig_rebuild_state *st, const char *sql)
{
	for (size_t i = 0; i < st->ndropped; i++)
		if (cmig_rebuild_index_mentions(sql, st->dropped[i]))
			return true;
	return false;
}

static void emit_copy(struct emit *e, const struct cmig_rebuild_state *st, const struct cmig_table *old)
{
	cmig_buf b = CMIG_BUF_INIT, sel = CMIG_BUF_INIT;
	bool rowid = !old->without_rowid && !st->t.without_rowid && cmig_table_rowid_alias(&st->t) < 0;
	bool first = true;
	int rc = cmig_buf_puts(&b, "INSERT INTO ");
	if (!rc)
		rc = cmig_sqltext_quote(&b, e->p->tmp);
	if (!rc)
		rc = cmig_buf_puts(&b, " (");
	if (!rc && rowid) {
		rc = cmig_buf_puts(&b, "rowid");
		if (!rc)
			rc = cmig_buf_puts(&sel, "rowid");
		first = false;
	}
	for (size_t i = 0; i < st->t.ncols && !rc; i++) {
		if (!st->src[i] || cmig_column_generated(&st->t.cols[i]))
			continue;
		if (!first) {
			rc = cmig_buf_puts(&b, ", ");
			if (!rc)
				rc = cmig_buf_puts(&sel, ", ");
		}
		first = false;
		if (!rc)
			rc = cmig_sqltext_quote(&b, st->t.cols[i].name);
		if (!rc)
			rc = cmig_buf_puts(&sel, st->src[i]);
	}
	if (!rc)
		rc = cmig_buf_printf(&b, ") SELECT %s FROM ", sel.ptr);
	if (!rc)
		rc = cmig_sqltext_quote(&b, st->t.name);
	cmig_buf_release(&sel);
	if (rc) {
		cmig_buf_release(&b);
		e->rc = CMIG_ENOMEM;
		return;
	}
	if (first) {
		/* no column survives with a source (every old column dropped): nothing to copy */
		cmig_buf_release(&b);
		return;
	}
	add_step(e, CMIG_STEP_COPY, &b, NULL);
}

static bool has_autoincrement(const struct cmig_table *t)
{
	for (size_t i = 0; i < t->ncols; i++) {
		long k = cmig_column_find(&t->cols[i], CMIG_CONS_PRIMARY);
		if (k >= 0 && t->cols[i].cons[k].autoincrement)
			return true;
	}
	for (size_t i = 0; i < t->ntcons; i++)
		if (t->tcons[i].kind == CMIG_CONS_PRIMARY && t->tcons[i].autoincrement)
			return true;
	return false;
}

/* The check after a view is recreated: CREATE VIEW checks nothing, a SELECT does. */
static void emit_view_probe(struct emit *e, const char *view, const char *table)
{
	cmig_buf b = CMIG_BUF_INIT;
	char *what = cmig_asprintf("view \"%s\" no longer works after the rebuild of table \"%s\"", view, table);
	cmig_buf_puts(&b, "SELECT * FROM ");
	cmig_sqltext_quote(&b, view);
	cmig_buf_puts(&b, " LIMIT 0");
	if (!what && !e->rc)
		e->rc = CMIG_ENOMEM;
	add_step(e, CMIG_STEP_VERIFY, &b, what);
	free(what);
}

/* Before anything is emitted: a trigger on the table, or a trigger dropped with it, that uses a
 * dropped column fails the plan unless CASCADE drops it too. */
static int check_triggers(const struct cmig_rebuild_state *st, const struct cmig_table *old,
                          const struct cmig_schema *s, const bool *dep, cmig_diags *d)
{
	const char *col;
	for (size_t i = 0; i < s->n && st->ndropped && !st->cascade; i++) {
		const struct cmig_schema_obj *o = &s->objs[i];
		bool on_table = strcmp(o->type, "trigger") == 0 && cmig_sqltext_name_eq(o->tbl_name, old->name);
		if (!o->sql || !(on_table || (dep[i] && strcmp(o->type, "trigger") == 0)))
			continue;
		if (uses_dropped(st, o->sql, &col))
			return cmig_rebuild_fail(d, st->w, "cannot drop column \"%s\" of table \"%s\": trigger \"%s\" "
			            "uses it (drop or change the trigger first, or use CASCADE)", col,
			            old->name, o->name);
	}
	return CMIG_OK;
}

/* 3. the AUTOINCREMENT counter, copied under the temporary name (INSERT…SELECT resets it) */
static void emit_sequence(struct emit *e, const struct cmig_rebuild_state *st, const struct cmig_table *old)
{
	cmig_buf b = CMIG_BUF_INIT;
	if (!has_autoincrement(old) || !has_autoincrement(&st->t))
		return;
	cmig_buf_puts(&b, "DELETE FROM sqlite_sequence WHERE name = ");
	cmig_buf_putc(&b, '\'');
	cmig_buf_add_quoted(&b, e->p->tmp, '\'');
	cmig_buf_putc(&b, '\'');
	add_step(e, CMIG_STEP_EXEC, &b, NULL);
	cmig_buf_puts(&b, "INSERT INTO sqlite_sequence (name, seq) SELECT '");
	cmig_buf_add_quoted(&b, e->p->tmp, '\'');
	cmig_buf_puts(&b, "', seq FROM sqlite_sequence WHERE name = '");
	cmig_buf_add_quoted(&b, old->name, '\'');
	cmig_buf_putc(&b, '\'');
	add_step(e, CMIG_STEP_EXEC, &b, NULL);
}

/* 4. dependents out of the way, newest first; 5. the swap */
static void emit_swap(struct emit *e, const struct cmig_table *old, const struct cmig_schema *s, const bool *dep)
{
	cmig_buf b = CMIG_BUF_INIT;
	for (size_t i = s->n; i-- > 0;) {
		if (!dep[i])
			continue;
		cmig_buf_printf(&b, "DROP %s IF EXISTS ", strcmp(s->objs[i].type, "view") == 0 ? "VIEW" : "TRIGGER");
		cmig_sqltext_quote(&b, s->objs[i].name);
		add_step(e, CMIG_STEP_EXEC, &b, NULL);
	}
	cmig_buf_puts(&b, "DROP TABLE ");
	cmig_sqltext_quote(&b, old->name);
	add_step(e, CMIG_STEP_EXEC, &b, NULL);
	cmig_buf_puts(&b, "ALTER TABLE ");
	cmig_sqltext_quote(&b, e->p->tmp);
	cmig_buf_puts(&b, " RENAME TO ");
	cmig_sqltext_quote(&b, old->name);
	add_step(e, CMIG_STEP_EXEC, &b, NULL);
}

/* 6. indexes (those on a dropped column go, as in PostgreSQL), then views (each probed), then
 * triggers */
static void emit_recreate(struct emit *e, const struct cmig_rebuild_state *st, const struct cmig_table *old,
                          const struct cmig_schema *s, const bool *dep)
{
	const char *col;
	for (size_t i = 0; i < s->n; i++) {
		const struct cmig_schema_obj *o = &s->objs[i];
		if (strcmp(o->type, "index") != 0 || !o->sql || !cmig_sqltext_name_eq(o->tbl_name, old->name))
			continue;
		if (index_uses_dropped(st, o->sql))
			continue;
		add_sql(e, CMIG_STEP_EXEC, o->sql, NULL);
	}
	for (int pass = 0; pass < 2; pass++) {
		const char *type = pass == 0 ? "view" : "trigger";
		for (size_t i = 0; i < s->n; i++) {
			const struct cmig_schema_obj *o = &s->objs[i];
			bool on_table = strcmp(o->type, "trigger") == 0 && cmig_sqltext_name_eq(o->tbl_name, old->name);
			if (strcmp(o->type, type) != 0 || !o->sql || !(dep[i] || on_table))
				continue;
			if (st->cascade && uses_dropped(st, o->sql, &col))
				continue; /* CASCADE: what uses the dropped column goes with it */
			add_sql(e, CMIG_STEP_EXEC, o->sql, NULL);
			if (pass == 0)
				emit_view_probe(e, o->name, old->name);
		}
	}
}

int cmig_rebuild_emit_plan(struct cmig_rebuild_plan *p, struct cmig_rebuild_state *st, const struct cmig_table *old,
                     const struct cmig_schema *s, cmig_diags *d)
{
	struct emit e = { p, d, CMIG_OK };
	cmig_buf b = CMIG_BUF_INIT;
	bool *dep = dependents(s, old->name);
	struct cmig_pgname *names = NULL;
	size_t nnames = 0;
	int rc;

	if (!dep)
		return cmig_diag_oom(d);
	if ((rc = check_triggers(st, old, s, dep, d))) {
		free(dep);
		return rc;
	}
	/* 1. the new table */
	if (cmig_table_print(&b, &st->t, p->tmp))
		e.rc = CMIG_ENOMEM;
	add_step(&e, CMIG_STEP_EXEC, &b, NULL);
	/* 2. the rows */
	emit_copy(&e, st, old);
	emit_sequence(&e, st, old);
	emit_swap(&e, old, s, dep);
	emit_recreate(&e, st, old, s, dep);
	free(dep);
	/* probes, for when the copy fails */
	if (!e.rc) {
		if ((rc = cmig_rebuild_edit_names(st, &names, &nnames)))
			return rc;
		emit_probes(&e, st, old, names, nnames);
		cmig_pgnames_free(names, nnames);
	}
	if (!e.rc) {
		cmig_buf_puts(&b, "SELECT count(*) FROM ");
		cmig_sqltext_quote(&b, old->name);
		if (!(p->count_sql = cmig_buf_detach(&b)))   /* NULL too when an append failed */
			e.rc = CMIG_ENOMEM;
	}
	p->identity = old->without_rowid ? "key" : "rowid";
	return e.rc ? cmig_diag_oom(d) : CMIG_OK;
}
