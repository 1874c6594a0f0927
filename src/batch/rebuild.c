/*
 * rebuild.c - batch mode's planner: ALTER TABLE actions + a schema → SQLite statements
 * (SPEC §6; the procedure is in rebuild.h).
 *
 * Collect (the table's model from its own sql, its indexes, triggers and dependent views) →
 * decide (cmig_rebuild_decide: the one native-or-rebuild function) → edit the model, action
 * by action, keeping a parallel list of where each new column's values come from → emit.
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

#include "pgnames.h"
#include "sqltext.h"
#include "table.h"
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

static int oom(cmig_diags *d)
{
	return cmig_diag_error(d, NULL, 0, CMIG_ENOMEM, NULL, "out of memory");
}

static int fail(cmig_diags *d, const struct cmig_rebuild_where *w, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(cmig_diags *d, const struct cmig_rebuild_where *w, const char *fmt, ...)
{
	cmig_buf b = CMIG_BUF_INIT;
	va_list ap;
	int rc;
	va_start(ap, fmt);
	rc = cmig_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	if (rc)
		return oom(d);
	rc = cmig_diag_error(d, w ? w->path : NULL, w ? w->line : 0, CMIG_ERROR, NULL,
	                     "batch mode: %s", b.ptr);
	cmig_buf_release(&b);
	return rc;
}

static const struct cmig_schema_obj *find_obj(const struct cmig_schema *s, const char *type,
                                              const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->objs[i].type, type) == 0 && cmig_sqltext_name_eq(s->objs[i].name, name))
			return &s->objs[i];
	return NULL;
}

static bool name_in_schema(const struct cmig_schema *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (cmig_sqltext_name_eq(s->objs[i].name, name))
			return true;
	return false;
}

/* Whether sql mentions name after its first '(' (an index's columns and WHERE clause, not its
 * own or its table's name). */
static bool mentions_after_paren(const char *sql, const char *name)
{
	const char *p = strchr(sql, '(');
	return p && cmig_sqltext_mentions(p, name);
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
	const struct cmig_schema_obj *o = find_obj(s, "table", a->table);
	struct cmig_table t;
	bool have_model = false;
	int rc = CMIG_OK;

	if (!o) {
		if (a->if_exists)
			return CMIG_OK;
		return fail(d, w, "table \"%s\" does not exist", a->table);
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
			rc = fail(d, w, "internal: %s has no native form", cmig_alter_kind_name(x->kind));
			break;
		}
	}
	if (have_model)
		cmig_table_release(&t);
	if (rc == CMIG_ENOMEM)
		return oom(d);
	return rc;
}

/* ---- the model edit ------------------------------------------------------------------------ */

struct state {
	struct cmig_table t;
	char **src;                /* parallel to t.cols: the SELECT expression, NULL for new */
	char **dropped;            /* columns dropped */
	size_t ndropped;
	bool cascade;              /* a DROP COLUMN … CASCADE */
	bool changed;
	const struct cmig_schema *s;
	const struct cmig_rebuild_where *w;
	cmig_diags *d;
};

static void state_release(struct state *st)
{
	for (size_t i = 0; i < st->t.ncols; i++)
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

static int names_of(struct state *st, struct cmig_pgname **out, size_t *n)
{
	size_t nrel;
	const char **rel = relnames(st->s, &nrel);
	int rc;
	if (!rel)
		return oom(st->d);
	rc = cmig_pgnames_assign(out, n, &st->t, rel, nrel);
	free(rel);
	return rc ? oom(st->d) : CMIG_OK;
}

static const char *cons_kind_name(cmig_cons_kind k)
{
	switch (k) {
	case CMIG_CONS_PRIMARY: return "PRIMARY KEY";
	case CMIG_CONS_UNIQUE: return "UNIQUE";
	case CMIG_CONS_CHECK: return "CHECK";
	case CMIG_CONS_FOREIGN: return "FOREIGN KEY";
	default: return "constraint";
	}
}

static long need_column(struct state *st, const char *name)
{
	long c = cmig_table_column(&st->t, name);
	if (c < 0)
		fail(st->d, st->w, "column \"%s\" of table \"%s\" does not exist", name, st->t.name);
	return c;
}

/* A value for DEFAULT: kept bare when SQLite takes it bare, else parenthesized. */
static char *default_text(const char *expr)
{
	cmig_stoks t;
	bool bare = false;
	char *r;
	if (cmig_stoks_build(&t, expr, 0, strlen(expr)))
		return NULL;
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
	r = bare ? cmig_asprintf("DEFAULT %s", expr) : cmig_asprintf("DEFAULT (%s)", expr);
	return r;
}

static int add_not_null(struct state *st, long c)
{
	if (cmig_column_find(&st->t.cols[c], CMIG_CONS_NOT_NULL) >= 0)
		return CMIG_OK;
	/* an INTEGER PRIMARY KEY is never NULL already; SQLite would reject nothing either way */
	return cmig_column_add(&st->t.cols[c], "NOT NULL", st->d);
}

static bool in_primary_key(const struct state *st, long c)
{
	char *const *pk;
	size_t n = cmig_table_primary_key(&st->t, &pk);
	for (size_t i = 0; i < n; i++)
		if (cmig_sqltext_name_eq(pk[i], st->t.cols[c].name))
			return true;
	return false;
}

static int do_add_column(struct state *st, const struct cmig_alter_action *x)
{
	struct cmig_column c;
	char **p;
	int rc;
	if (cmig_table_column(&st->t, x->column) >= 0) {
		if (x->if_not_exists)
			return CMIG_OK;
		return fail(st->d, st->w, "column \"%s\" of table \"%s\" already exists", x->column,
		            st->t.name);
	}
	if ((rc = cmig_table_parse_column(&c, x->text, st->d)))
		return rc;
	if (!(p = realloc(st->src, (st->t.ncols + 1) * sizeof(*p)))) {
		cmig_column_release(&c);
		return oom(st->d);
	}
	st->src = p;
	if (cmig_table_add_column(&st->t, &c))
		return oom(st->d);
	st->src[st->t.ncols - 1] = NULL;
	st->changed = true;
	return CMIG_OK;
}

static int do_drop_column(struct state *st, const struct cmig_alter_action *x)
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
		return fail(st->d, st->w, "cannot drop column \"%s\": it is the only column of table "
		            "\"%s\" (SQLite tables need one)", x->column, st->t.name);
	name = st->t.cols[c].name;
	for (size_t i = 0; i < st->t.ncols; i++) {
		long g = cmig_column_find(&st->t.cols[i], CMIG_CONS_GENERATED);
		if ((long)i != c && g >= 0 &&
		    cmig_sqltext_mentions(st->t.cols[i].cons[g].body, name))
			return fail(st->d, st->w, "cannot drop column \"%s\" of table \"%s\": generated "
			            "column \"%s\" uses it", name, st->t.name, st->t.cols[i].name);
	}
	/* PostgreSQL drops the table constraints that use the column, and so do we */
	for (size_t i = 0; i < st->t.ntcons;) {
		const struct cmig_cons *k = &st->t.tcons[i];
		bool uses = k->kind == CMIG_CONS_CHECK && cmig_sqltext_mentions(k->body, name);
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
			if (col->cons[j].kind == CMIG_CONS_CHECK && cmig_sqltext_mentions(col->cons[j].body, name))
				cmig_column_remove_at(col, j);
			else
				j++;
		}
	}
	if (!(p = realloc(st->dropped, (st->ndropped + 1) * sizeof(*p))))
		return oom(st->d);
	st->dropped = p;
	if (!(st->dropped[st->ndropped] = cmig_strdup(name)))
		return oom(st->d);
	st->ndropped++;
	if (x->cascade)
		st->cascade = true;
	free(st->src[c]);
	memmove(&st->src[c], &st->src[c + 1], (st->t.ncols - (size_t)c - 1) * sizeof(*st->src));
	cmig_table_drop_column(&st->t, (size_t)c);
	st->changed = true;
	return CMIG_OK;
}

static int do_type(struct state *st, const struct cmig_alter_action *x)
{
	long c = need_column(st, x->column);
	int rc;
	if (c < 0)
		return CMIG_ERROR;
	/* SPEC §6: an INTEGER PRIMARY KEY stays INTEGER, so the rowid alias survives */
	if (c != cmig_table_rowid_alias(&st->t) && (rc = cmig_column_set_type(&st->t.cols[c], x->text)))
		return oom(st->d);
	if (x->collate) {
		char *txt = cmig_asprintf("COLLATE %s", x->collate);
		if (!txt)
			return oom(st->d);
		cmig_column_remove(&st->t.cols[c], CMIG_CONS_COLLATE);
		rc = cmig_column_add(&st->t.cols[c], txt, st->d);
		free(txt);
		if (rc)
			return rc;
	}
	if (x->using_expr) {
		char *e = cmig_asprintf("(%s)", x->using_expr);
		if (!e)
			return oom(st->d);
		free(st->src[c]);
		st->src[c] = e;
	}
	st->t.cols[c].dirty = true;
	st->changed = true;
	return CMIG_OK;
}

static int do_add_constraint(struct state *st, const struct cmig_alter_action *x)
{
	struct cmig_cons k;
	char *const *pk;
	int rc;

	if ((rc = cmig_table_parse_constraint(&k, x->text, st->d)))
		return rc;
	for (size_t i = 0; i < k.ncols; i++) {
		if (cmig_table_column(&st->t, k.cols[i]) < 0) {
			rc = fail(st->d, st->w, "column \"%s\" named in the constraint does not exist in "
			          "table \"%s\"", k.cols[i], st->t.name);
			cmig_cons_release(&k);
			return rc;
		}
	}
	if (k.kind == CMIG_CONS_PRIMARY && cmig_table_primary_key(&st->t, &pk) > 0) {
		cmig_cons_release(&k);
		return fail(st->d, st->w, "multiple primary keys for table \"%s\" are not allowed",
		            st->t.name);
	}
	if (k.name) {
		struct cmig_pgname *v;
		size_t n;
		if ((rc = names_of(st, &v, &n))) {
			cmig_cons_release(&k);
			return rc;
		}
		for (size_t i = 0; i < n && !rc; i++)
			if (cmig_text_ieq(v[i].name, k.name))
				rc = fail(st->d, st->w, "constraint \"%s\" for table \"%s\" already exists",
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
		return oom(st->d);
	st->changed = true;
	return CMIG_OK;
}

static int list_constraints(cmig_buf *b, const struct cmig_pgname *v, size_t n)
{
	int rc = CMIG_OK;
	for (size_t i = 0; i < n && !rc; i++)
		rc = cmig_buf_printf(b, "%s%s (%s)", i ? ", " : "", v[i].name, cons_kind_name(v[i].kind));
	return rc;
}

static int do_drop_constraint(struct state *st, const struct cmig_alter_action *x)
{
	struct cmig_pgname *v;
	size_t n;
	long hit = -1;
	int rc;

	if ((rc = names_of(st, &v, &n)))
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
		rc = fail(st->d, st->w, "constraint \"%s\" of table \"%s\" does not exist; %s%s", x->name,
		          st->t.name, n ? "its constraints are: " : "it has no named or nameable constraints",
		          b.ptr);
		cmig_buf_release(&b);
		cmig_pgnames_free(v, n);
		return rc;
	}
	{
		struct cmig_pgname p = v[hit];
		const struct cmig_cons *k = p.col >= 0 ? &st->t.cols[p.col].cons[p.idx] : &st->t.tcons[p.idx];
		/* SPEC §6: a column that leaves a primary key keeps its NOT NULL, as in PostgreSQL */
		if (k->kind == CMIG_CONS_PRIMARY) {
			size_t nc = k->ncols;
			char **cols = calloc(nc ? nc : 1, sizeof(*cols));
			if (!cols)
				rc = oom(st->d);
			for (size_t i = 0; i < nc && !rc; i++)
				if (!(cols[i] = cmig_strdup(k->cols[i])))
					rc = oom(st->d);
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

static int apply(struct state *st, const struct cmig_alter_action *x)
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
			return fail(st->d, st->w, "column \"%s\" of table \"%s\" is in a primary key",
			            st->t.cols[c].name, st->t.name);
		cmig_column_remove(&st->t.cols[c], CMIG_CONS_NOT_NULL);
		st->changed = true;
		return CMIG_OK;
	case CMIG_ALTER_SET_DEFAULT:
		if ((c = need_column(st, x->column)) < 0)
			return CMIG_ERROR;
		if (!(txt = default_text(x->text)))
			return oom(st->d);
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
	return fail(st->d, st->w, "internal: %s cannot be folded into a rebuild",
	            cmig_alter_kind_name(x->kind));
}

/* ---- emit ------------------------------------------------------------------------------------ */

struct emit {
	struct cmig_rebuild_plan *p;
	cmig_diags *d;
	int rc;
};

static void add_step(struct emit *e, cmig_step_kind kind, cmig_buf *sql, const char *what)
{
	struct cmig_rebuild_step *s;
	if (e->rc)
		return;
	s = realloc(e->p->steps, (e->p->nsteps + 1) * sizeof(*s));
	if (!s) {
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
	if (e->rc)
		return;
	if (cmig_buf_puts(&b, sql)) {
		e->rc = CMIG_ENOMEM;
		return;
	}
	add_step(e, kind, &b, what);
}

static void add_probe(struct emit *e, cmig_buf *sql, cmig_buf *msg)
{
	struct cmig_rebuild_probe *p;
	if (e->rc)
		return;
	p = realloc(e->p->probes, (e->p->nprobes + 1) * sizeof(*p));
	if (!p) {
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
static char *temp_name(const struct cmig_schema *s, const char *table)
{
	for (unsigned i = 0;; i++) {
		char *n = i ? cmig_asprintf("_cmig_new_%s_%u", table, i) : cmig_asprintf("_cmig_new_%s", table);
		if (!n || !name_in_schema(s, n))
			return n;
		free(n);
	}
}

/* The SELECT list source of probes: each new column under its own name. */
static int probe_source(cmig_buf *b, const struct state *st, bool old_rowid, char *const *pk,
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

static void emit_probes(struct emit *e, const struct state *st, const struct cmig_table *old,
                        const struct cmig_pgname *names, size_t nnames)
{
	cmig_buf src = CMIG_BUF_INIT;
	char *const *pk = NULL;
	size_t npk = cmig_table_primary_key(old, &pk);
	long alias = cmig_table_rowid_alias(&st->t);

	if (probe_source(&src, st, !old->without_rowid, pk, npk)) {
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
			                "(duplicate values)", st->t.name, cons_kind_name(k->kind), nm->name);
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

static bool uses_dropped(const struct state *st, const char *sql, const char **which)
{
	for (size_t i = 0; i < st->ndropped; i++)
		if (cmig_sqltext_mentions(sql, st->dropped[i])) {
			*which = st->dropped[i];
			return true;
		}
	return false;
}

static bool index_uses_dropped(const struct state *st, const char *sql)
{
	for (size_t i = 0; i < st->ndropped; i++)
		if (mentions_after_paren(sql, st->dropped[i]))
			return true;
	return false;
}

static void emit_copy(struct emit *e, const struct state *st, const struct cmig_table *old)
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

static int emit_plan(struct cmig_rebuild_plan *p, struct state *st, const struct cmig_table *old,
                     const struct cmig_schema *s, cmig_diags *d)
{
	struct emit e = { p, d, CMIG_OK };
	cmig_buf b = CMIG_BUF_INIT;
	bool *dep = dependents(s, old->name);
	struct cmig_pgname *names = NULL;
	size_t nnames = 0;
	const char *col;
	int rc;

	if (!dep)
		return oom(d);
	/* a trigger on the table, or a view or trigger elsewhere, that uses a dropped column */
	for (size_t i = 0; i < s->n && st->ndropped; i++) {
		const struct cmig_schema_obj *o = &s->objs[i];
		bool on_table = strcmp(o->type, "trigger") == 0 && cmig_sqltext_name_eq(o->tbl_name, old->name);
		if (!o->sql || !(on_table || (dep[i] && strcmp(o->type, "trigger") == 0)))
			continue;
		if (uses_dropped(st, o->sql, &col) && !st->cascade) {
			free(dep);
			return fail(d, st->w, "cannot drop column \"%s\" of table \"%s\": trigger \"%s\" "
			            "uses it (drop or change the trigger first, or use CASCADE)", col,
			            old->name, o->name);
		}
	}
	/* 1. the new table */
	rc = cmig_table_print(&b, &st->t, p->tmp);
	if (rc) {
		free(dep);
		return oom(d);
	}
	add_step(&e, CMIG_STEP_EXEC, &b, NULL);
	/* 2. the rows */
	emit_copy(&e, st, old);
	/* 3. the AUTOINCREMENT counter */
	if (has_autoincrement(old) && has_autoincrement(&st->t)) {
		cmig_buf_puts(&b, "DELETE FROM sqlite_sequence WHERE name = ");
		cmig_buf_putc(&b, '\'');
		cmig_buf_add_quoted(&b, p->tmp, '\'');
		cmig_buf_putc(&b, '\'');
		add_step(&e, CMIG_STEP_EXEC, &b, NULL);
		cmig_buf_puts(&b, "INSERT INTO sqlite_sequence (name, seq) SELECT '");
		cmig_buf_add_quoted(&b, p->tmp, '\'');
		cmig_buf_puts(&b, "', seq FROM sqlite_sequence WHERE name = '");
		cmig_buf_add_quoted(&b, old->name, '\'');
		cmig_buf_putc(&b, '\'');
		add_step(&e, CMIG_STEP_EXEC, &b, NULL);
	}
	/* 4. dependents out of the way, newest first */
	for (size_t i = s->n; i-- > 0;) {
		if (!dep[i])
			continue;
		cmig_buf_printf(&b, "DROP %s IF EXISTS ", strcmp(s->objs[i].type, "view") == 0 ? "VIEW" : "TRIGGER");
		cmig_sqltext_quote(&b, s->objs[i].name);
		add_step(&e, CMIG_STEP_EXEC, &b, NULL);
	}
	/* 5. swap */
	cmig_buf_puts(&b, "DROP TABLE ");
	cmig_sqltext_quote(&b, old->name);
	add_step(&e, CMIG_STEP_EXEC, &b, NULL);
	cmig_buf_puts(&b, "ALTER TABLE ");
	cmig_sqltext_quote(&b, p->tmp);
	cmig_buf_puts(&b, " RENAME TO ");
	cmig_sqltext_quote(&b, old->name);
	add_step(&e, CMIG_STEP_EXEC, &b, NULL);
	/* 6. indexes (those on a dropped column go, as in PostgreSQL), views, triggers */
	for (size_t i = 0; i < s->n; i++) {
		const struct cmig_schema_obj *o = &s->objs[i];
		if (strcmp(o->type, "index") != 0 || !o->sql || !cmig_sqltext_name_eq(o->tbl_name, old->name))
			continue;
		if (index_uses_dropped(st, o->sql))
			continue;
		add_sql(&e, CMIG_STEP_EXEC, o->sql, NULL);
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
			add_sql(&e, CMIG_STEP_EXEC, o->sql, NULL);
			if (pass == 0) {
				char *what = cmig_asprintf("view \"%s\" no longer works after the rebuild of table \"%s\"",
				                           o->name, old->name);
				cmig_buf_puts(&b, "SELECT * FROM ");
				cmig_sqltext_quote(&b, o->name);
				cmig_buf_puts(&b, " LIMIT 0");
				if (!what)
					e.rc = CMIG_ENOMEM;
				add_step(&e, CMIG_STEP_VERIFY, &b, what);
				free(what);
			}
		}
	}
	free(dep);
	cmig_buf_release(&b);
	/* probes, for when the copy fails */
	if (!e.rc) {
		if ((rc = names_of(st, &names, &nnames)))
			return rc;
		emit_probes(&e, st, old, names, nnames);
		cmig_pgnames_free(names, nnames);
	}
	if (!e.rc) {
		cmig_buf_puts(&b, "SELECT count(*) FROM ");
		cmig_sqltext_quote(&b, old->name);
		if (!(p->count_sql = cmig_buf_detach(&b)))
			e.rc = CMIG_ENOMEM;
	}
	p->identity = old->without_rowid ? "key" : "rowid";
	return e.rc ? oom(d) : CMIG_OK;
}

int cmig_rebuild_plan_make(struct cmig_rebuild_plan *out, const struct cmig_alter *const *alters,
                           size_t n, const struct cmig_schema *s,
                           const struct cmig_rebuild_where *w, cmig_diags *d)
{
	struct state st;
	struct cmig_table old;
	const struct cmig_schema_obj *o;
	int rc = CMIG_OK;

	memset(out, 0, sizeof(*out));
	memset(&st, 0, sizeof(st));
	st.s = s;
	st.w = w;
	st.d = d;
	o = find_obj(s, "table", alters[0]->table);
	if (!o) {
		bool all = true;
		for (size_t i = 0; i < n; i++)
			all = all && alters[i]->if_exists;
		if (all) {
			out->noop = true;
			return CMIG_OK;
		}
		return fail(d, w, "table \"%s\" does not exist", alters[0]->table);
	}
	if (!o->sql || strncmp(o->name, "sqlite_", 7) == 0)
		return fail(d, w, "table \"%s\" is SQLite's own and cannot be altered", o->name);
	if ((rc = cmig_table_parse(&old, o->sql, d)))
		return rc;
	if ((rc = cmig_table_parse(&st.t, o->sql, d))) {
		cmig_table_release(&old);
		return rc;
	}
	/* every column starts as a copy of itself */
	if (!(st.src = calloc(st.t.ncols ? st.t.ncols : 1, sizeof(*st.src))))
		rc = oom(d);
	for (size_t i = 0; i < st.t.ncols && !rc; i++) {
		cmig_buf b = CMIG_BUF_INIT;
		if (cmig_sqltext_quote(&b, st.t.cols[i].name))
			rc = oom(d);
		st.src[i] = cmig_buf_detach(&b);
	}
	for (size_t i = 0; i < n && !rc; i++)
		for (size_t k = 0; k < alters[i]->nactions && !rc; k++)
			rc = apply(&st, &alters[i]->actions[k]);
	if (!rc && !st.changed)
		out->noop = true;
	if (!rc && !out->noop) {
		out->table = cmig_strdup(old.name);
		out->tmp = temp_name(s, old.name);
		if (!out->table || !out->tmp)
			rc = oom(d);
		else
			rc = emit_plan(out, &st, &old, s, d);
	}
	state_release(&st);
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
