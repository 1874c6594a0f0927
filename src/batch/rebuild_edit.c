/*
 * rebuild_edit.c - the model edit of batch mode's planner (SPEC §6): one function per ALTER
 * action, applied in order to the table model (table.c) while a parallel list keeps where each
 * new column's values come from (the old column, a USING expression, or nothing for a new
 * column, whose default applies).
 *
 * Invariants: PostgreSQL's rules where SPEC §6 names them — a column entering a primary key
 * becomes NOT NULL, one leaving it keeps NOT NULL; an INTEGER PRIMARY KEY stays INTEGER;
 * DROP COLUMN takes the table constraints that use the column with it. Errors are
 * PostgreSQL's, in cmig's words, and name the table.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "rebuild_int.h"
#include "sqltext.h"
#include "text.h"

/* ---- the model edit ------------------------------------------------------------------------ */


void cmig_rebuild_edit_release(struct cmig_rebuild_state *st)
{
	for (size_t i = 0; st->src && i < st->t.ncols; i++)
		free(st->src[i]);
	free(st->src);
	for (size_t i = 0; i < st->ndropped; i++)
		free(st->dropped[i]);
	free(st->dropped);
	cmig_table_release(&st->t);
}

/* The schema's relation names, for PostgreSQL's key-name collisions. */
static const char **relnames(const struct cmig_schema *s, size_t *n)
{
	const char **v = calloc(s->n + 1, sizeof(*v));
	*n = 0;
	if (!v)
		return NULL;
	for (size_t i = 0; i < s->n; i++)
		if (strncmp(s->objs[i].name, "sqlite_", 7) != 0)
			v[(*n)++] = s->objs[i].name;
	return v;
}

int cmig_rebuild_edit_derived(struct cmig_rebuild_state *st, struct cmig_pgname **out, size_t *n)
{
	size_t nrel;
	const char **rel = relnames(st->s, &nrel);
	int rc;
	if (!rel)
		return cmig_diag_oom(st->d);
	rc = cmig_pgnames_assign(out, n, &st->t, rel, nrel);
	free(rel);
	return rc ? cmig_diag_oom(st->d) : CMIG_OK;
}

int cmig_rebuild_edit_names(struct cmig_rebuild_state *st, struct cmig_pgname **out, size_t *n)
{
	int rc = cmig_rebuild_edit_derived(st, out, n);
	for (size_t i = 0; i < *n && !rc; i++) {
		struct cmig_pgname *p = &(*out)[i];
		const struct cmig_cons *k = p->col >= 0 ? &st->t.cols[p->col].cons[p->idx]
		                                        : &st->t.tcons[p->idx];
		char *keep;
		if (p->named || !k->pgname || strcmp(p->name, k->pgname) == 0)
			continue;
		if (!(keep = cmig_strdup(k->pgname))) {
			cmig_pgnames_free(*out, *n);
			*out = NULL;
			*n = 0;
			return cmig_diag_oom(st->d);
		}
		free(p->name);
		p->name = keep;
	}
	return rc;
}

const char *cmig_rebuild_kind_name(cmig_cons_kind k)
{
	switch (k) {
	case CMIG_CONS_PRIMARY: return "PRIMARY KEY";
	case CMIG_CONS_UNIQUE: return "UNIQUE";
	case CMIG_CONS_CHECK: return "CHECK";
	case CMIG_CONS_FOREIGN: return "FOREIGN KEY";
	default: return "constraint";
	}
}

static long need_column(struct cmig_rebuild_state *st, const char *name)
{
	long c = cmig_table_column(&st->t, name);
	if (c < 0)
		cmig_rebuild_fail(st->d, st->w, "column \"%s\" of table \"%s\" does not exist", name, st->t.name);
	return c;
}

/* Whether SQLite takes this DEFAULT value without parentheses: a literal, a signed number, a
 * parenthesized expression, or one of its constant keywords. */
static bool default_is_bare(const char *expr)
{
	cmig_stoks t;
	bool bare = false;
	if (cmig_stoks_build(&t, expr, 0, strlen(expr)))
		return false;
	if (t.n == 1)
		bare = t.items[0].kind == CMIG_TOK_STRING || t.items[0].kind == CMIG_TOK_NUMBER ||
		       cmig_stoks_is(&t, 0, "NULL") || cmig_stoks_is(&t, 0, "TRUE") ||
		       cmig_stoks_is(&t, 0, "FALSE") || cmig_stoks_is(&t, 0, "CURRENT_TIME") ||
		       cmig_stoks_is(&t, 0, "CURRENT_DATE") || cmig_stoks_is(&t, 0, "CURRENT_TIMESTAMP");
	else if (t.n == 2)
		bare = (cmig_stoks_punct(&t, 0, '-') || cmig_stoks_punct(&t, 0, '+')) &&
		       t.items[1].kind == CMIG_TOK_NUMBER;
	else if (t.n > 0 && cmig_stoks_punct(&t, 0, '(') && t.items[0].match == t.n - 1)
		bare = true;
	cmig_stoks_release(&t);
	return bare;
}

/* "DEFAULT value", parenthesized when SQLite needs it. New string or NULL. */
static char *default_text(const char *expr)
{
	return default_is_bare(expr) ? cmig_asprintf("DEFAULT %s", expr)
	                             : cmig_asprintf("DEFAULT (%s)", expr);
}

static int add_not_null(struct cmig_rebuild_state *st, long c)
{
	if (cmig_column_find(&st->t.cols[c], CMIG_CONS_NOT_NULL) >= 0)
		return CMIG_OK;
	/* an INTEGER PRIMARY KEY is never NULL already; SQLite would reject nothing either way */
	return cmig_column_add(&st->t.cols[c], "NOT NULL", st->d);
}

static bool in_primary_key(const struct cmig_rebuild_state *st, long c)
{
	char *const *pk;
	size_t n = cmig_table_primary_key(&st->t, &pk);
	for (size_t i = 0; i < n; i++)
		if (cmig_sqltext_name_eq(pk[i], st->t.cols[c].name))
			return true;
	return false;
}

static int do_add_column(struct cmig_rebuild_state *st, const struct cmig_alter_action *x)
{
	struct cmig_column c;
	char **p;
	int rc;
	if (cmig_table_column(&st->t, x->column) >= 0) {
		if (x->if_not_exists)
			return CMIG_OK;
		return cmig_rebuild_fail(st->d, st->w, "column \"%s\" of table \"%s\" already exists", x->column,
		            st->t.name);
	}
	if ((rc = cmig_table_parse_column(&c, x->text, st->d)))
		return rc;
	/* PostgreSQL's DEFAULT takes any expression; SQLite's wants it parenthesized */
	for (size_t i = 0; i < c.ncons; i++) {
		struct cmig_cons *k = &c.cons[i];
		char *txt;
		if (k->kind != CMIG_CONS_DEFAULT || default_is_bare(k->body))
			continue;
		if (k->name)
			txt = cmig_asprintf("CONSTRAINT \"%s\" DEFAULT (%s)", k->name, k->body);
		else
			txt = cmig_asprintf("DEFAULT (%s)", k->body);
		if (!txt) {
			cmig_column_release(&c);
			return cmig_diag_oom(st->d);
		}
		free(k->text);
		k->text = txt;
		c.dirty = true;
	}
	if (!(p = realloc(st->src, (st->t.ncols + 1) * sizeof(*p)))) {
		cmig_column_release(&c);
		return cmig_diag_oom(st->d);
	}
	st->src = p;
	/* the new column's slot, before the add: it may add the column and still fail, or fail
	 * without adding it (then slot ncols - 1 is still the last column's own source) */
	st->src[st->t.ncols] = NULL;
	rc = cmig_table_add_column(&st->t, &c);
	if (rc)
		return cmig_diag_oom(st->d);
	st->changed = true;
	return CMIG_OK;
}

static int do_drop_column(struct cmig_rebuild_state *st, const struct cmig_alter_action *x)
{
	long c = cmig_table_column(&st->t, x->column);
	const char *name;
	char **p;

	if (c < 0) {
		if (x->if_exists)
			return CMIG_OK;
		return need_column(st, x->column) < 0 ? CMIG_ERROR : CMIG_OK;
	}
	if (st->t.ncols == 1)
		return cmig_rebuild_fail(st->d, st->w, "cannot drop column \"%s\": it is the only column of table "
		            "\"%s\" (SQLite tables need one)", x->column, st->t.name);
	name = st->t.cols[c].name;
	{
		int rc = cmig_rebuild_refs_column(st, name);
		if (rc)
			return rc;
	}
	for (size_t i = 0; i < st->t.ncols; i++) {
		long g = cmig_column_find(&st->t.cols[i], CMIG_CONS_GENERATED);
		if ((long)i != c && g >= 0 &&
		    cmig_sqltext_uses_column(st->t.cols[i].cons[g].body, name))
			return cmig_rebuild_fail(st->d, st->w, "cannot drop column \"%s\" of table \"%s\": generated "
			            "column \"%s\" uses it", name, st->t.name, st->t.cols[i].name);
	}
	/* PostgreSQL drops the table constraints that use the column, and so do we */
	for (size_t i = 0; i < st->t.ntcons;) {
		const struct cmig_cons *k = &st->t.tcons[i];
		bool uses = k->kind == CMIG_CONS_CHECK && cmig_sqltext_uses_column(k->body, name);
		for (size_t j = 0; j < k->ncols && !uses; j++)
			uses = cmig_sqltext_name_eq(k->cols[j], name);
		if (uses)
			cmig_table_drop_constraint(&st->t, i);
		else
			i++;
	}
	for (size_t i = 0; i < st->t.ncols; i++) {
		struct cmig_column *col = &st->t.cols[i];
		if ((long)i == c)
			continue;
		for (size_t j = 0; j < col->ncons;) {
			if (col->cons[j].kind == CMIG_CONS_CHECK && cmig_sqltext_uses_column(col->cons[j].body, name))
				cmig_column_remove_at(col, j);
			else
				j++;
		}
	}
	if (!(p = realloc(st->dropped, (st->ndropped + 1) * sizeof(*p))))
		return cmig_diag_oom(st->d);
	st->dropped = p;
	if (!(st->dropped[st->ndropped] = cmig_strdup(name)))
		return cmig_diag_oom(st->d);
	st->ndropped++;
	if (x->cascade)
		st->cascade = true;
	free(st->src[c]);
	memmove(&st->src[c], &st->src[c + 1], (st->t.ncols - (size_t)c - 1) * sizeof(*st->src));
	cmig_table_drop_column(&st->t, (size_t)c);
	st->changed = true;
	return CMIG_OK;
}

static int do_type(struct cmig_rebuild_state *st, const struct cmig_alter_action *x)
{
	long c = need_column(st, x->column);
	int rc;
	if (c < 0)
		return CMIG_ERROR;
	/* SPEC §6: an INTEGER PRIMARY KEY stays INTEGER, so the rowid alias survives */
	if (c != cmig_table_rowid_alias(&st->t) && (rc = cmig_column_set_type(&st->t.cols[c], x->text)))
		return cmig_diag_oom(st->d);
	if (x->collate) {
		char *txt = cmig_asprintf("COLLATE %s", x->collate);
		if (!txt)
			return cmig_diag_oom(st->d);
		cmig_column_remove(&st->t.cols[c], CMIG_CONS_COLLATE);
		rc = cmig_column_add(&st->t.cols[c], txt, st->d);
		free(txt);
		if (rc)
			return rc;
	}
	if (x->using_expr) {
		char *e = cmig_asprintf("(%s)", x->using_expr);
		if (!e)
			return cmig_diag_oom(st->d);
		free(st->src[c]);
		st->src[c] = e;
	}
	st->t.cols[c].dirty = true;
	st->changed = true;
	return CMIG_OK;
}

static int do_add_constraint(struct cmig_rebuild_state *st, const struct cmig_alter_action *x)
{
	struct cmig_cons k;
	char *const *pk;
	int rc;

	if ((rc = cmig_table_parse_constraint(&k, x->text, st->d)))
		return rc;
	for (size_t i = 0; i < k.ncols; i++) {
		if (cmig_table_column(&st->t, k.cols[i]) < 0) {
			rc = cmig_rebuild_fail(st->d, st->w, "column \"%s\" named in the constraint does not exist in "
			          "table \"%s\"", k.cols[i], st->t.name);
			cmig_cons_release(&k);
			return rc;
		}
	}
	if (k.kind == CMIG_CONS_PRIMARY && cmig_table_primary_key(&st->t, &pk) > 0) {
		cmig_cons_release(&k);
		return cmig_rebuild_fail(st->d, st->w, "multiple primary keys for table \"%s\" are not allowed",
		            st->t.name);
	}
	if (k.name) {
		struct cmig_pgname *v;
		size_t n;
		if ((rc = cmig_rebuild_edit_names(st, &v, &n))) {
			cmig_cons_release(&k);
			return rc;
		}
		for (size_t i = 0; i < n && !rc; i++)
			if (cmig_text_ieq(v[i].name, k.name))
				rc = cmig_rebuild_fail(st->d, st->w, "constraint \"%s\" for table \"%s\" already exists",
				          k.name, st->t.name);
		cmig_pgnames_free(v, n);
		if (rc) {
			cmig_cons_release(&k);
			return rc;
		}
	}
	/* SPEC §6: a column that becomes part of a primary key becomes NOT NULL */
	if (k.kind == CMIG_CONS_PRIMARY)
		for (size_t i = 0; i < k.ncols && !rc; i++)
			rc = add_not_null(st, cmig_table_column(&st->t, k.cols[i]));
	if (rc) {
		cmig_cons_release(&k);
		return rc;
	}
	if (cmig_table_add_constraint(&st->t, &k))
		return cmig_diag_oom(st->d);
	st->changed = true;
	return CMIG_OK;
}

static int list_constraints(cmig_buf *b, const struct cmig_pgname *v, size_t n)
{
	int rc = CMIG_OK;
	for (size_t i = 0; i < n && !rc; i++)
		rc = cmig_buf_printf(b, "%s%s (%s)", i ? ", " : "", v[i].name, cmig_rebuild_kind_name(v[i].kind));
	return rc;
}

static int do_drop_constraint(struct cmig_rebuild_state *st, const struct cmig_alter_action *x)
{
	struct cmig_pgname *v;
	size_t n;
	long hit = -1;
	int rc;

	if ((rc = cmig_rebuild_edit_names(st, &v, &n)))
		return rc;
	for (size_t i = 0; i < n && hit < 0; i++)
		if (cmig_text_ieq(v[i].name, x->name))
			hit = (long)i;
	if (hit < 0) {
		cmig_buf b = CMIG_BUF_INIT;
		if (x->if_exists) {
			cmig_pgnames_free(v, n);
			return CMIG_OK;
		}
		list_constraints(&b, v, n);
		rc = cmig_rebuild_fail(st->d, st->w, "constraint \"%s\" of table \"%s\" does not exist; %s%s", x->name,
		          st->t.name, n ? "its constraints are: " : "it has no named or nameable constraints",
		          b.ptr);
		cmig_buf_release(&b);
		cmig_pgnames_free(v, n);
		return rc;
	}
	{
		struct cmig_pgname p = v[hit];
		const struct cmig_cons *k = p.col >= 0 ? &st->t.cols[p.col].cons[p.idx] : &st->t.tcons[p.idx];
		if (k->kind == CMIG_CONS_PRIMARY || k->kind == CMIG_CONS_UNIQUE) {
			rc = cmig_rebuild_refs_key(st, k, p.name);
			if (rc) {
				cmig_pgnames_free(v, n);
				return rc;
			}
		}
		/* SPEC §6: a column that leaves a primary key keeps its NOT NULL, as in PostgreSQL */
		if (k->kind == CMIG_CONS_PRIMARY) {
			size_t nc = k->ncols;
			char **cols = calloc(nc ? nc : 1, sizeof(*cols));
			if (!cols)
				rc = cmig_diag_oom(st->d);
			for (size_t i = 0; i < nc && !rc; i++)
				if (!(cols[i] = cmig_strdup(k->cols[i])))
					rc = cmig_diag_oom(st->d);
			if (p.col >= 0)
				cmig_column_remove_at(&st->t.cols[p.col], p.idx);
			else
				cmig_table_drop_constraint(&st->t, p.idx);
			for (size_t i = 0; i < nc && !rc; i++) {
				long c = cmig_table_column(&st->t, cols[i]);
				if (c >= 0)
					rc = add_not_null(st, c);
			}
			for (size_t i = 0; cols && i < nc; i++)
				free(cols[i]);
			free(cols);
		} else if (p.col >= 0) {
			cmig_column_remove_at(&st->t.cols[p.col], p.idx);
		} else {
			cmig_table_drop_constraint(&st->t, p.idx);
		}
	}
	cmig_pgnames_free(v, n);
	st->changed = true;
	return rc;
}

int cmig_rebuild_edit_apply(struct cmig_rebuild_state *st, const struct cmig_alter_action *x)
{
	long c;
	char *txt;
	int rc;

	switch (x->kind) {
	case CMIG_ALTER_ADD_COLUMN:
		return do_add_column(st, x);
	case CMIG_ALTER_DROP_COLUMN:
		return do_drop_column(st, x);
	case CMIG_ALTER_TYPE:
		return do_type(st, x);
	case CMIG_ALTER_SET_NOT_NULL:
		if ((c = need_column(st, x->column)) < 0)
			return CMIG_ERROR;
		st->changed = true;
		return add_not_null(st, c);
	case CMIG_ALTER_DROP_NOT_NULL:
		if ((c = need_column(st, x->column)) < 0)
			return CMIG_ERROR;
		if (in_primary_key(st, c))
			return cmig_rebuild_fail(st->d, st->w, "column \"%s\" of table \"%s\" is in a primary key",
			            st->t.cols[c].name, st->t.name);
		cmig_column_remove(&st->t.cols[c], CMIG_CONS_NOT_NULL);
		st->changed = true;
		return CMIG_OK;
	case CMIG_ALTER_SET_DEFAULT:
		if ((c = need_column(st, x->column)) < 0)
			return CMIG_ERROR;
		if (!(txt = default_text(x->text)))
			return cmig_diag_oom(st->d);
		cmig_column_remove(&st->t.cols[c], CMIG_CONS_DEFAULT);
		rc = cmig_column_add(&st->t.cols[c], txt, st->d);
		free(txt);
		st->changed = true;
		return rc;
	case CMIG_ALTER_DROP_DEFAULT:
		if ((c = need_column(st, x->column)) < 0)
			return CMIG_ERROR;
		cmig_column_remove(&st->t.cols[c], CMIG_CONS_DEFAULT);
		st->changed = true;
		return CMIG_OK;
	case CMIG_ALTER_ADD_CONSTRAINT:
		return do_add_constraint(st, x);
	case CMIG_ALTER_DROP_CONSTRAINT:
		return do_drop_constraint(st, x);
	case CMIG_ALTER_RENAME_TABLE:
	case CMIG_ALTER_RENAME_COLUMN:
		break;
	}
	return cmig_rebuild_fail(st->d, st->w, "internal: %s cannot be folded into a rebuild",
	            cmig_alter_kind_name(x->kind));
}
