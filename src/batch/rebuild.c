/*
 * rebuild.c - batch mode's planner: ALTER TABLE actions + a schema → SQLite statements
 * (SPEC §6; the procedure is in rebuild.h).
 *
 * Collect (the table's model from its own sql, its indexes, triggers and dependent views) →
 * decide (cmig_rebuild_decide: the one native-or-rebuild function, here) → edit the model,
 * action by action, keeping a parallel list of where each new column's values come from
 * (rebuild_edit.c) → emit (rebuild_emit.c). This file also spells the native statements and
 * owns the plan's life cycle.
 *
 * Invariants:
 *  - Every row keeps its rowid: a rowid table without an INTEGER PRIMARY KEY copies rowid
 *    explicitly; with one, the key is the rowid and is copied as a column.
 *  - Values are copied as they are (no CAST: SPEC §6, CAST('d1' AS INT) is 0); a USING
 *    expression's result is stored instead.
 *  - An INTEGER PRIMARY KEY keeps the declared type INTEGER through a type change, so the
 *    rowid alias and AUTOINCREMENT survive.
 *  - Nothing of the table is regenerated from PRAGMA output: indexes, triggers and views are
 *    recreated from their own sql.
 * Not done here: running anything, foreign-key switching and checking (the caller's).
 */
#include "rebuild.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "rebuild_int.h"
#include "sqltext.h"
#include "text.h"

/* ---- the decision ---------------------------------------------------------------------- */

cmig_batch_mode cmig_rebuild_decide(const struct cmig_alter *const *alters, size_t n)
{
	bool only_add_drop = true;
	if (n == 1 && cmig_alter_is_rename(alters[0]))
		return CMIG_BATCH_NATIVE;
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < alters[i]->nactions; k++) {
			cmig_alter_kind kind = alters[i]->actions[k].kind;
			if (kind != CMIG_ALTER_ADD_COLUMN && kind != CMIG_ALTER_DROP_COLUMN)
				only_add_drop = false;
		}
	return only_add_drop ? CMIG_BATCH_TRY_NATIVE : CMIG_BATCH_REBUILD;
}

/* ---- helpers ----------------------------------------------------------------------------- */

int cmig_rebuild_fail(cmig_diags *d, const struct cmig_rebuild_where *w, const char *fmt, ...)
{
	va_list ap;
	char *msg;
	int rc;
	va_start(ap, fmt);
	msg = cmig_vasprintf(fmt, ap);
	va_end(ap);
	if (!msg)
		return cmig_diag_oom(d);
	rc = cmig_diag_error(d, w ? w->path : NULL, w ? w->line : 0, CMIG_ERROR, NULL,
	                     "batch mode: %s", msg);
	free(msg);
	return rc;
}

const struct cmig_schema_obj *cmig_rebuild_find(const struct cmig_schema *s, const char *type,
                                              const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->objs[i].type, type) == 0 && cmig_sqltext_name_eq(s->objs[i].name, name))
			return &s->objs[i];
	return NULL;
}

bool cmig_rebuild_has_name(const struct cmig_schema *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (cmig_sqltext_name_eq(s->objs[i].name, name))
			return true;
	return false;
}

/* Whether sql mentions name after its first '(' (an index's columns and WHERE clause, not its
 * own or its table's name). */
bool cmig_rebuild_index_mentions(const char *sql, const char *name)
{
	const char *p = strchr(sql, '(');
	return p && cmig_sqltext_uses_column(p, name);
}

/* ---- native spelling --------------------------------------------------------------------- */

static int alter_prefix(cmig_buf *out, const char *table)
{
	int rc = cmig_buf_puts(out, "ALTER TABLE ");
	return rc ? rc : cmig_sqltext_quote(out, table);
}

int cmig_rebuild_native(cmig_buf *out, const struct cmig_alter *a, const struct cmig_schema *s,
                        const struct cmig_rebuild_where *w, cmig_diags *d)
{
	const struct cmig_schema_obj *o = cmig_rebuild_find(s, "table", a->table);
	struct cmig_table t;
	bool have_model = false;
	int rc = CMIG_OK;

	if (!o) {
		if (a->if_exists)
			return CMIG_OK;
		return cmig_rebuild_fail(d, w, "table \"%s\" does not exist", a->table);
	}
	if (o->sql && cmig_table_parse(&t, o->sql, d) == CMIG_OK)
		have_model = true;
	for (size_t i = 0; i < a->nactions && !rc; i++) {
		const struct cmig_alter_action *x = &a->actions[i];
		long col = have_model && x->column ? cmig_table_column(&t, x->column) : -1;
		switch (x->kind) {
		case CMIG_ALTER_RENAME_TABLE:
			if (!(rc = alter_prefix(out, a->table)) && !(rc = cmig_buf_puts(out, " RENAME TO ")) &&
			    !(rc = cmig_sqltext_quote(out, x->name)))
				rc = cmig_buf_puts(out, ";\n");
			break;
		case CMIG_ALTER_RENAME_COLUMN:
			if (!(rc = alter_prefix(out, a->table)) && !(rc = cmig_buf_puts(out, " RENAME COLUMN ")) &&
			    !(rc = cmig_sqltext_quote(out, x->column)) && !(rc = cmig_buf_puts(out, " TO ")) &&
			    !(rc = cmig_sqltext_quote(out, x->name)))
				rc = cmig_buf_puts(out, ";\n");
			break;
		case CMIG_ALTER_ADD_COLUMN:
			if (col >= 0 && x->if_not_exists)
				break;
			if (!(rc = alter_prefix(out, a->table)) && !(rc = cmig_buf_printf(out, " ADD COLUMN %s", x->text)))
				rc = cmig_buf_puts(out, ";\n");
			break;
		case CMIG_ALTER_DROP_COLUMN:
			if (have_model && col < 0 && x->if_exists)
				break;
			if (!(rc = alter_prefix(out, a->table)) && !(rc = cmig_buf_puts(out, " DROP COLUMN ")) &&
			    !(rc = cmig_sqltext_quote(out, x->column)))
				rc = cmig_buf_puts(out, ";\n");
			break;
		default:
			rc = cmig_rebuild_fail(d, w, "internal: %s has no native form", cmig_alter_kind_name(x->kind));
			break;
		}
	}
	if (have_model)
		cmig_table_release(&t);
	if (rc == CMIG_ENOMEM)
		return cmig_diag_oom(d);
	return rc;
}

/* st->t parsed from sql, each column's source itself, the derived names remembered. On an
 * error st may be half built: cmig_rebuild_edit_release() it all the same. */
static int state_open(struct cmig_rebuild_state *st, const char *sql, cmig_diags *d)
{
	int rc = cmig_table_parse(&st->t, sql, d);
	if (rc)
		return rc;
	/* every column starts as a copy of itself */
	if (!(st->src = calloc(st->t.ncols ? st->t.ncols : 1, sizeof(*st->src))))
		return cmig_diag_oom(d);
	for (size_t i = 0; i < st->t.ncols && !rc; i++) {
		cmig_buf b = CMIG_BUF_INIT;
		if (cmig_sqltext_quote(&b, st->t.cols[i].name))
			rc = cmig_diag_oom(d);
		st->src[i] = cmig_buf_detach(&b);
	}
	return rc ? rc : cmig_rebuild_names_stash(st);
}

int cmig_rebuild_native_renames(bool *renames_out, const struct cmig_alter *a, const struct cmig_schema *s)
{
	struct cmig_rebuild_state st;
	const struct cmig_schema_obj *o = cmig_rebuild_find(s, "table", a->table);
	cmig_diags quiet = CMIG_DIAGS_INIT;
	struct cmig_pgname *v = NULL;
	size_t n = 0;
	bool renames = false, adds = false;
	int rc;

	for (size_t k = 0; k < a->nactions; k++)
		adds = adds || a->actions[k].kind == CMIG_ALTER_ADD_COLUMN;
	*renames_out = false;
	if (!adds || !o || !o->sql || strncmp(o->name, "sqlite_", 7) == 0)
		return CMIG_OK;
	memset(&st, 0, sizeof(st));
	st.s = s;
	st.d = &quiet;
	rc = state_open(&st, o->sql, &quiet);
	for (size_t k = 0; k < a->nactions && !rc; k++)
		rc = cmig_rebuild_edit_apply(&st, &a->actions[k]);
	if (!rc)
		rc = cmig_rebuild_edit_derived(&st, &v, &n);
	for (size_t i = 0; i < n && !rc && !renames; i++) {
		const struct cmig_cons *k = v[i].col >= 0 ? &st.t.cols[v[i].col].cons[v[i].idx]
		                                          : &st.t.tcons[v[i].idx];
		renames = !v[i].named && k->pgname && strcmp(k->pgname, v[i].name) != 0;
	}
	if (!rc)
		cmig_pgnames_free(v, n);
	cmig_rebuild_edit_release(&st);
	cmig_diags_release(&quiet);
	if (rc == CMIG_ENOMEM)
		return rc;
	*renames_out = renames; /* an edit the model refuses: SQLite's native attempt decides */
	return CMIG_OK;
}

int cmig_rebuild_plan_make(struct cmig_rebuild_plan *out, const struct cmig_alter *const *alters,
                           size_t n, const struct cmig_schema *s,
                           const struct cmig_rebuild_where *w, cmig_diags *d)
{
	struct cmig_rebuild_state st;
	struct cmig_table old;
	const struct cmig_schema_obj *o;
	int rc = CMIG_OK;

	memset(out, 0, sizeof(*out));
	memset(&st, 0, sizeof(st));
	st.s = s;
	st.w = w;
	st.d = d;
	o = cmig_rebuild_find(s, "table", alters[0]->table);
	if (!o) {
		bool all = true;
		for (size_t i = 0; i < n; i++)
			all = all && alters[i]->if_exists;
		if (all) {
			out->noop = true;
			return CMIG_OK;
		}
		return cmig_rebuild_fail(d, w, "table \"%s\" does not exist", alters[0]->table);
	}
	if (!o->sql || strncmp(o->name, "sqlite_", 7) == 0)
		return cmig_rebuild_fail(d, w, "table \"%s\" is SQLite's own and cannot be altered", o->name);
	if ((rc = cmig_table_parse(&old, o->sql, d)))
		return rc;
	rc = state_open(&st, o->sql, d);
	for (size_t i = 0; i < n && !rc; i++)
		for (size_t k = 0; k < alters[i]->nactions && !rc; k++)
			rc = cmig_rebuild_edit_apply(&st, &alters[i]->actions[k]);
	if (!rc && !st.changed)
		out->noop = true;
	if (!rc && !out->noop)
		rc = cmig_rebuild_names_pin(&st);
	if (!rc && !out->noop) {
		out->table = cmig_strdup(old.name);
		out->tmp = cmig_rebuild_emit_temp_name(s, old.name);
		if (!out->table || !out->tmp)
			rc = cmig_diag_oom(d);
		else
			rc = cmig_rebuild_emit_plan(out, &st, &old, s, d);
	}
	cmig_rebuild_edit_release(&st);
	cmig_table_release(&old);
	if (rc)
		cmig_rebuild_plan_release(out);
	return rc;
}

void cmig_rebuild_plan_release(struct cmig_rebuild_plan *p)
{
	for (size_t i = 0; i < p->nsteps; i++) {
		free(p->steps[i].sql);
		free(p->steps[i].what);
	}
	free(p->steps);
	for (size_t i = 0; i < p->nprobes; i++) {
		free(p->probes[i].sql);
		free(p->probes[i].message);
	}
	free(p->probes);
	free(p->table);
	free(p->tmp);
	free(p->count_sql);
	memset(p, 0, sizeof(*p));
}

int cmig_rebuild_plan_print(cmig_buf *out, const struct cmig_rebuild_plan *p)
{
	int rc = CMIG_OK;
	for (size_t i = 0; i < p->nsteps && !rc; i++) {
		if (p->steps[i].kind == CMIG_STEP_VERIFY)
			continue;
		rc = cmig_buf_printf(out, "%s;\n", p->steps[i].sql);
	}
	return rc;
}
