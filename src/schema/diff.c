/*
 * diff.c - the differ (see diff.h): match objects of two models, yield changes in an order
 * that runs.
 *
 * Phases (struct cmig_change.phase), the order of the written SQL:
 *   10 extensions, schemas, enum types and values, domains, sequences, functions
 *   20 drop triggers, views, indexes, foreign keys, other constraints (of surviving tables)
 *   30 renames (tables, columns, constraints, indexes)
 *   40 create tables, add/alter columns, add constraints, then add foreign keys
 *   50 drop columns, drop tables
 *   60 create indexes, views (dependencies first), triggers
 *   70 drop functions, sequences, domains, enums, schemas, extensions
 *   80 comments, revokes, grants
 */
#include "diff.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "diff_match.h"
#include "sqllex.h"
#include "sqltext.h"
#include "table.h"

struct differ {
	struct cmig_changes *out;
	const struct cmig_schema *a, *b;   /* from, to */
	const struct cmig_diff_options *o;
	bool sqlite;
	int rc;
	cmig_diags *d;
	/* name indexes of a [0] and b [1]: tables and views by (schema, name), triggers by
	 * (schema, table, name) with a's tables under their new names when renamed */
	struct cmig_nameidx tables[2], views[2], triggers[2];
	/* PostgreSQL: functions by (schema, name, identity arguments); grants by everything */
	struct cmig_nameidx functions[2], grants[2];
};

static const char *astr(struct differ *x, const char *s)
{
	char *p;
	if (!s)
		return NULL;
	p = cmig_arena_strdup(&x->out->arena, s);
	if (!p)
		x->rc = -8;
	return p;
}

static struct cmig_change *add(struct differ *x, cmig_change_kind kind, int phase)
{
	struct cmig_change c;
	memset(&c, 0, sizeof(c));
	c.kind = kind;
	c.phase = phase;
	if (x->rc || CMIG_VEC_PUSH(&x->out->items, c)) {
		x->rc = -8;
		return NULL;
	}
	if (kind == CMIG_CHG_MAYBE_RENAME || kind == CMIG_CHG_NEEDS_HAND ||
	    kind == CMIG_CHG_UNSUPPORTED)
		x->out->refusals++;
	return &x->out->items.items[x->out->items.n - 1];
}

static bool eqs(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* Whether schema model m has the extension / the namespace called name (few of each: a scan). */
static bool has_extension(const struct cmig_schema *m, const char *name)
{
	for (size_t k = 0; k < m->extensions.n; k++)
		if (eqs(m->extensions.items[k].name, name))
			return true;
	return false;
}

static bool has_namespace(const struct cmig_schema *m, const char *name)
{
	for (size_t k = 0; k < m->schemas.n; k++)
		if (eqs(m->schemas.items[k].name, name))
			return true;
	return false;
}

/* Names: SQLite's are case-insensitive. */
static bool name_eq(const struct differ *x, const char *a, const char *b)
{
	if (!a || !b)
		return !a && !b;
	return x->sqlite ? strcasecmp(a, b) == 0 : strcmp(a, b) == 0;
}

/* A grant's key beside its object: kind, grantee, privilege, grant option (malloc'd). */
static char *grant_who(const struct cmig_sch_grant *g)
{
	return cmig_asprintf("%c\x1e%s\x1e%s\x1e%d", g->objkind, g->grantee ? g->grantee : "\x01",
	                     g->privilege ? g->privilege : "\x01", g->grantable);
}

/* ---- SQLite text normalization -------------------------------------------------------------- */

static const struct cmig_rename *rename_of(const struct differ *x, const char *table,
                                           const char *column);

/* Tokens of text, keyword case, whitespace, comments and redundant outer parentheses ignored;
 * quoted identifiers unquoted; words upper-cased (SQLite names are case-insensitive). With
 * table (the source side's name of the table text belongs to), a word naming a column the
 * options rename reads as its new name: SQLite's RENAME COLUMN rewrites the indexes and
 * constraints that name it, so they are the same after the rename. */
static char *norm_r(const struct differ *x, const char *table, const char *text);

static char *norm(const char *text)
{
	return norm_r(NULL, NULL, text);
}

static char *norm_r(const struct differ *x, const char *table, const char *text)
{
	cmig_buf b = CMIG_BUF_INIT;
	cmig_lexer lx;
	cmig_token t;
	size_t n;

	if (!text)
		return NULL;
	n = strlen(text);
	cmig_lexer_init(&lx, text, 0, n);
	while ((t = cmig_lex_next_significant(&lx)).kind != CMIG_TOK_EOF) {
		if (b.len)
			cmig_buf_putc(&b, ' ');
		if (t.kind == CMIG_TOK_WORD || t.kind == CMIG_TOK_QIDENT) {
			char *u = t.kind == CMIG_TOK_QIDENT ? cmig_sqltext_unquote(text + t.start, t.len)
			                                    : cmig_strndup(text + t.start, t.len);
			const struct cmig_rename *r = table && u ? rename_of(x, table, u) : NULL;
			if (r) {
				free(u);
				u = cmig_strndup(r->new_name, strlen(r->new_name));
			}
			for (char *p = u; p && *p; p++)
				if (*p >= 'a' && *p <= 'z')
					*p = (char)(*p - 'a' + 'A');
			cmig_buf_puts(&b, u ? u : "");
			free(u);
		} else {
			cmig_buf_add(&b, text + t.start, t.len);
		}
	}
	/* strip redundant outer parentheses: "( x )" whose '(' closes at the very end */
	for (;;) {
		size_t len = b.len;
		int depth = 0;
		bool outer = len >= 3 && b.ptr[0] == '(' && b.ptr[len - 1] == ')';
		for (size_t i = 0; outer && i < len; i++) {
			if (b.ptr[i] == '\'') { /* skip string literals */
				for (i++; i < len && b.ptr[i] != '\''; i++)
					;
				continue;
			}
			if (b.ptr[i] == '(')
				depth++;
			else if (b.ptr[i] == ')' && --depth == 0 && i != len - 1)
				outer = false;
		}
		if (!outer)
			break;
		memmove(b.ptr, b.ptr + 2, len - 4);
		cmig_buf_truncate(&b, len - 4);
	}
	return cmig_buf_detach(&b);
}

static bool norm_eq(const char *a, const char *b)
{
	char *x = norm(a), *y = norm(b);
	bool r = eqs(x, y);
	free(x);
	free(y);
	return r;
}

/* A constant default as SQLite would store it under an affinity: "i:1", "r:1.5", "t:abc",
 * or NULL when the default is not a constant (then tokens compare). */
static char *sqlite_const(const char *dflt, cmig_affinity aff)
{
	char *n = norm(dflt), *out = NULL;
	const char *v;
	bool str, num;
	char *end;
	double dv;

	if (!n)
		return NULL;
	v = n;
	str = v[0] == '\'';
	if (str) {
		/* a single string literal: its body with '' undone */
		size_t L = strlen(v);
		if (L < 2 || v[L - 1] != '\'' || strstr(v + 1, "' ")) {
			free(n);
			return NULL;
		}
		cmig_buf b = CMIG_BUF_INIT;
		for (size_t i = 1; i + 1 < L; i++) {
			cmig_buf_putc(&b, v[i]);
			if (v[i] == '\'' && v[i + 1] == '\'')
				i++;
		}
		char *body = cmig_buf_detach(&b);
		free(n);
		n = body;
		v = n;
	} else if (strcmp(v, "NULL") == 0) {
		out = cmig_strdup("n:");
		free(n);
		return out;
	}
	/* signed numbers lex as "- 1": join them */
	char tmp[128];
	if (!str && (v[0] == '-' || v[0] == '+') && v[1] == ' ' && strlen(v) < sizeof(tmp)) {
		snprintf(tmp, sizeof(tmp), "%c%s", v[0], v + 2);
		v = tmp;
	}
	dv = strtod(v, &end);
	num = *v && end && *end == '\0' && !(v[0] == ' ');
	if (!str && !num) {
		free(n);
		return NULL; /* an expression */
	}
	if (num && (str ? (aff == CMIG_AFF_INTEGER || aff == CMIG_AFF_NUMERIC ||
	                   aff == CMIG_AFF_REAL) : aff != CMIG_AFF_TEXT)) {
		if (aff == CMIG_AFF_REAL || (dv != (double)(long long)dv))
			out = cmig_asprintf("r:%.17g", dv);
		else
			out = cmig_asprintf("i:%lld", (long long)dv);
		/* BLOB/none affinity keeps a number's own kind */
		if (aff == CMIG_AFF_BLOB && !str && !strpbrk(v, ".eE")) {
			free(out);
			out = cmig_asprintf("i:%s", v);
		}
	} else if (num && aff == CMIG_AFF_TEXT) {
		out = cmig_asprintf("t:%s", v);
	} else {
		out = cmig_asprintf("%c:%s", str ? 't' : 'x', v);
	}
	free(n);
	return out;
}

static bool sqlite_default_eq(const char *a, const char *b, cmig_affinity aff)
{
	if (!a || !b)
		return !a && !b;
	char *x = sqlite_const(a, aff), *y = sqlite_const(b, aff);
	bool r = (x && y) ? strcmp(x, y) == 0 : (!x && !y && norm_eq(a, b));
	free(x);
	free(y);
	return r;
}

/* ---- columns ----------------------------------------------------------------------------- */

static bool type_eq(const struct differ *x, const struct cmig_sch_table *ta,
                    const struct cmig_sch_column *a, const struct cmig_sch_table *tb,
                    const struct cmig_sch_column *b)
{
	if (!x->sqlite)
		return eqs(a->type, b->type);
	if (ta->strict || tb->strict || a->rowid_alias || b->rowid_alias)
		return strcasecmp(a->decl_type, b->decl_type) == 0;
	return a->affinity == b->affinity;
}

/* SQLite: names case-insensitive, BINARY is the default (no COLLATE). */
static bool collation_eq(const struct differ *x, const char *a, const char *b)
{
	if (!x->sqlite)
		return eqs(a, b);
	if (a && strcasecmp(a, "BINARY") == 0)
		a = NULL;
	if (b && strcasecmp(b, "BINARY") == 0)
		b = NULL;
	return (!a && !b) || (a && b && strcasecmp(a, b) == 0);
}

static bool default_eq(const struct differ *x, const struct cmig_sch_column *a,
                       const struct cmig_sch_column *b)
{
	if (!x->sqlite)
		return eqs(a->default_expr, b->default_expr);
	return sqlite_default_eq(a->default_expr, b->default_expr, b->affinity);
}

static bool expr_eq(const struct differ *x, const char *a, const char *b)
{
	return x->sqlite ? (!a || !b ? !a && !b : norm_eq(a, b)) : eqs(a, b);
}

/* A type change that may lose data or fail on existing rows. */
static bool narrows(const struct differ *x, const struct cmig_sch_column *a,
                    const struct cmig_sch_column *b)
{
	if (x->sqlite)
		return !(a->affinity == CMIG_AFF_INTEGER &&
		         (b->affinity == CMIG_AFF_NUMERIC || b->affinity == CMIG_AFF_REAL ||
		          b->affinity == CMIG_AFF_TEXT || b->affinity == CMIG_AFF_BLOB)) &&
		       !(b->affinity == CMIG_AFF_BLOB) &&
		       !(a->affinity != CMIG_AFF_TEXT && b->affinity == CMIG_AFF_TEXT);
	/* widening among PostgreSQL's common types */
	static const char *const wider[][2] = {
		{ "smallint", "integer" }, { "smallint", "bigint" }, { "integer", "bigint" },
		{ "smallint", "numeric" }, { "integer", "numeric" }, { "bigint", "numeric" },
		{ "real", "double precision" }, { "character varying", "text" },
		{ "integer", "text" }, { "bigint", "text" }, { "smallint", "text" },
	};
	if (strcmp(b->type, "text") == 0)
		return false;
	for (size_t i = 0; i < sizeof(wider) / sizeof(wider[0]); i++)
		if (strcmp(a->type, wider[i][0]) == 0 && strcmp(b->type, wider[i][1]) == 0)
			return false;
	/* varchar(n) → varchar(m), m ≥ n */
	int n1, n2;
	if (sscanf(a->type, "character varying(%d)", &n1) == 1 &&
	    (strcmp(b->type, "character varying") == 0 ||
	     (sscanf(b->type, "character varying(%d)", &n2) == 1 && n2 >= n1)))
		return false;
	if (strncmp(a->type, "character varying", 17) == 0 && strcmp(b->type, "text") == 0)
		return false;
	return true;
}

/* ---- identity columns (PostgreSQL) ---------------------------------------------------------- */

/* A column's identity sequence in its model, or NULL. */
static const struct cmig_sch_sequence *identity_seq(const struct cmig_schema *s,
                                                    const struct cmig_sch_table *t,
                                                    const struct cmig_sch_column *c)
{
	for (size_t i = 0; i < s->sequences.n; i++) {
		const struct cmig_sch_sequence *q = &s->sequences.items[i];
		if (q->identity && q->feeds.n && eqs(q->feeds.items[0].schema, t->schema) &&
		    eqs(q->owned_by_table, t->name) && eqs(q->owned_by_column, c->name))
			return q;
	}
	return NULL;
}

/* The options of q that are not PostgreSQL's defaults for an identity of its type, as
 * " (START WITH 5 INCREMENT BY 2)", or NULL when there are none. */
static const char *identity_options(struct differ *x, const struct cmig_sch_sequence *q)
{
	long long tmax = !q->data_type || !strcmp(q->data_type, "bigint") ? 9223372036854775807LL
	               : !strcmp(q->data_type, "smallint") ? 32767 : 2147483647;
	long long dmin = q->increment > 0 ? 1 : -tmax - 1, dmax = q->increment > 0 ? tmax : -1;
	long long dstart = q->increment > 0 ? q->min : q->max;
	cmig_buf b = CMIG_BUF_INIT;
	const char *out = NULL;
	if (q->increment != 1)
		cmig_buf_printf(&b, " INCREMENT BY %lld", q->increment);
	if (q->min != dmin)
		cmig_buf_printf(&b, " MINVALUE %lld", q->min);
	if (q->max != dmax)
		cmig_buf_printf(&b, " MAXVALUE %lld", q->max);
	if (q->start != dstart)
		cmig_buf_printf(&b, " START WITH %lld", q->start);
	if (q->cache != 1)
		cmig_buf_printf(&b, " CACHE %lld", q->cache);
	if (q->cycle)
		cmig_buf_puts(&b, " CYCLE");
	if (b.len) {
		cmig_buf paren = CMIG_BUF_INIT;
		cmig_buf_printf(&paren, " (%s)", b.ptr + 1);
		out = paren.ptr ? astr(x, paren.ptr) : NULL;
		if (!paren.ptr)
			x->rc = -8;
		cmig_buf_release(&paren);
	}
	cmig_buf_release(&b);
	return out;
}

/* An identity column on both sides: ALWAYS ↔ BY DEFAULT and the sequence options are altered
 * in place (SET GENERATED, SET INCREMENT BY …), which keeps the sequence's current value; a
 * DROP IDENTITY and ADD would restart it. */
static void diff_identity(struct differ *x, const struct cmig_sch_table *ta,
                          const struct cmig_sch_table *tb, const struct cmig_sch_column *a,
                          const struct cmig_sch_column *b)
{
	const struct cmig_sch_sequence *qa = identity_seq(x->a, ta, a), *qb = identity_seq(x->b, tb, b);
	cmig_buf t = CMIG_BUF_INIT;
	struct cmig_change *c;
	if (a->identity != b->identity)
		cmig_buf_puts(&t, b->identity == 'a' ? " SET GENERATED ALWAYS" : " SET GENERATED BY DEFAULT");
	if (qa && qb) {
		if (qa->increment != qb->increment)
			cmig_buf_printf(&t, " SET INCREMENT BY %lld", qb->increment);
		if (qa->min != qb->min)
			cmig_buf_printf(&t, " SET MINVALUE %lld", qb->min);
		if (qa->max != qb->max)
			cmig_buf_printf(&t, " SET MAXVALUE %lld", qb->max);
		if (qa->start != qb->start)
			cmig_buf_printf(&t, " SET START WITH %lld", qb->start);
		if (qa->cache != qb->cache)
			cmig_buf_printf(&t, " SET CACHE %lld", qb->cache);
		if (qa->cycle != qb->cycle)
			cmig_buf_puts(&t, qb->cycle ? " SET CYCLE" : " SET NO CYCLE");
	}
	/* a type change alters the sequence's type and its default bounds itself: those follow */
	if (qa && qb && !eqs(qa->data_type, qb->data_type) && t.len) {
		const char *oa = identity_options(x, qa), *ob = identity_options(x, qb);
		if (eqs(oa, ob) && a->identity == b->identity)
			t.len = 0;
	}
	if (t.len && (c = add(x, CMIG_CHG_ALTER_IDENTITY, 43))) {
		c->table = tb;
		c->column = b;
		c->from_column = a;
		c->sequence = qb;
		c->text = astr(x, t.ptr);
	}
	cmig_buf_release(&t);
}

static void diff_column(struct differ *x, const struct cmig_sch_table *ta,
                        const struct cmig_sch_table *tb, const struct cmig_sch_column *a,
                        const struct cmig_sch_column *b)
{
	struct cmig_change *c;
	bool gen_changed = !expr_eq(x, a->generated, b->generated) ||
	                   a->generated_stored != b->generated_stored;
	if (gen_changed) {
		/* a generated column holds nothing of its own: drop it and add it again */
		if ((c = add(x, CMIG_CHG_DROP_COLUMN, 50))) {
			c->table = tb;
			c->from_table = ta;
			c->column = a;
			c->from_column = a;
		}
		if ((c = add(x, CMIG_CHG_ADD_COLUMN, 41))) {
			c->table = tb;
			c->from_table = ta;
			c->column = b;
			c->phase = 51; /* after the drop */
		}
		return;
	}
	bool retype = !type_eq(x, ta, a, tb, b) || !collation_eq(x, a->collation, b->collation);
	if (retype) {
		if ((c = add(x, CMIG_CHG_ALTER_TYPE, 42))) {
			c->table = tb;
			c->from_table = ta;
			c->column = b;
			c->from_column = a;
			if (!type_eq(x, ta, a, tb, b) && narrows(x, a, b)) {
				c->flags |= CMIG_CHGF_DROPS_DATA | CMIG_CHGF_FAILS_IF_ROWS;
				c->text = "hold values the new type cannot represent";
			}
		}
	}
	if (a->identity && b->identity && !x->sqlite) {
		diff_identity(x, ta, tb, a, b);
	} else if (a->identity != b->identity) {
		if (a->identity && (c = add(x, CMIG_CHG_DROP_IDENTITY, 42))) {
			c->table = tb;
			c->column = b;
			c->from_column = a;
		}
		if (b->identity && (c = add(x, CMIG_CHG_ADD_IDENTITY, 42))) {
			const struct cmig_sch_sequence *qb = identity_seq(x->b, tb, b);
			c->table = tb;
			c->column = b;
			c->from_column = a;
			c->phase = 43;
			c->text = qb ? identity_options(x, qb) : NULL;
		}
	}
	if (retype && !x->sqlite && a->default_expr) {
		/* PostgreSQL converts the default along with the column and fails (42804) where no
		 * cast does it implicitly (boolean DEFAULT false to integer): the old default goes
		 * before the type changes, the new one comes after */
		if ((c = add(x, CMIG_CHG_DROP_DEFAULT, 41))) {
			c->table = tb;
			c->column = b;
			c->from_column = a;
		}
		if (b->default_expr && (c = add(x, CMIG_CHG_SET_DEFAULT, 43))) {
			c->table = tb;
			c->column = b;
			c->from_column = a;
		}
	} else if (!default_eq(x, a, b)) {
		if ((c = add(x, b->default_expr ? CMIG_CHG_SET_DEFAULT : CMIG_CHG_DROP_DEFAULT, 42))) {
			c->table = tb;
			c->column = b;
			c->from_column = a;
		}
	}
	if (a->not_null != b->not_null && !(b->pk_position && !x->sqlite)) {
		if ((c = add(x, b->not_null ? CMIG_CHG_SET_NOT_NULL : CMIG_CHG_DROP_NOT_NULL, 42))) {
			c->table = tb;
			c->column = b;
			c->from_column = a;
			if (b->not_null) {
				c->flags |= CMIG_CHGF_FAILS_IF_ROWS;
				c->text = "hold NULL in this column";
			}
		}
	}
}

/* ---- constraints ------------------------------------------------------------------------- */

/* The constraint's identity for matching, names aside. */
/* table: the source side's table k belongs to (its names read through the renames), or NULL
 * on the target side. */
static char *cons_key(const struct differ *x, const struct cmig_sch_constraint *k,
                      const char *table)
{
	cmig_buf b = CMIG_BUF_INIT;
	cmig_buf_printf(&b, "%c|", (char)k->kind);
	if (!x->sqlite) {
		cmig_buf_puts(&b, k->definition ? k->definition : "");
		return cmig_buf_detach(&b);
	}
	for (size_t i = 0; i < k->cols.n; i++) {
		char *u = norm_r(x, table, k->cols.items[i]);
		cmig_buf_printf(&b, "%s,", u ? u : "");
		free(u);
	}
	if (k->expr) {
		char *u = norm_r(x, table, k->expr);
		cmig_buf_printf(&b, "|%s", u ? u : "");
		free(u);
	}
	if (k->kind == CMIG_SCH_FOREIGN) {
		/* SQLite's RENAME TO rewrites the references to a renamed table too */
		const struct cmig_rename *rt = table && k->ref_table ? rename_of(x, k->ref_table, NULL)
		                                                     : NULL;
		char *u = norm(rt ? rt->new_name : k->ref_table);
		cmig_buf_printf(&b, "|%s(", u ? u : "");
		free(u);
		for (size_t i = 0; i < k->ref_cols.n; i++) {
			u = norm_r(x, table ? k->ref_table : NULL, k->ref_cols.items[i]);
			cmig_buf_printf(&b, "%s,", u ? u : "");
			free(u);
		}
		cmig_buf_printf(&b, ")|%s|%s|%d%d", k->on_delete ? k->on_delete : "",
		                k->on_update ? k->on_update : "", k->deferrable, k->initially_deferred);
	}
	return cmig_buf_detach(&b);
}

static bool cons_named_by_user(const struct cmig_sch_table *t, const struct cmig_sch_constraint *k)
{
	/* PostgreSQL's default names: <table>_<cols>_key/_fkey/_check, <table>_pkey */
	char def[256];
	const char *label = k->kind == CMIG_SCH_PRIMARY ? "pkey" : k->kind == CMIG_SCH_UNIQUE ? "key"
	                  : k->kind == CMIG_SCH_FOREIGN ? "fkey" : "check";
	if (!k->name)
		return false;
	if (k->kind == CMIG_SCH_PRIMARY)
		snprintf(def, sizeof(def), "%s_pkey", t->name);
	else if (k->cols.n >= 1)
		snprintf(def, sizeof(def), "%s_%s_%s", t->name, k->cols.items[0], label);
	else
		snprintf(def, sizeof(def), "%s_%s", t->name, label);
	return strncmp(k->name, def, strlen(def)) != 0;
}

static bool name_ci(const char *a, const char *b)
{
	return a && b && strcasecmp(a, b) == 0;
}

/* Whether column `col` of the target table tb exists in the source table ta (directly or as
 * the new name of a rename). */
static bool find_column_any(const struct cmig_sch_table *ta, const char *col,
                            const struct cmig_diff_options *o, const struct cmig_sch_table *tb)
{
	for (size_t i = 0; i < ta->columns.n; i++)
		if (name_ci(ta->columns.items[i].name, col))
			return true;
	for (size_t i = 0; o && i < o->nrenames; i++)
		if (o->renames[i].column && name_ci(o->renames[i].new_name, col) &&
		    (name_ci(o->renames[i].table, ta->name) || name_ci(o->renames[i].table, tb->name)))
			return true;
	return false;
}

/* A column-level CHECK (no column list) of a column that is new in tb. */
static bool column_is_new(const struct differ *x, const struct cmig_sch_table *ta,
                          const struct cmig_sch_table *tb, const struct cmig_sch_constraint *k)
{
	/* the column a column-level CHECK is written on: the one whose text holds it */
	struct cmig_table parsed;
	cmig_diags d = CMIG_DIAGS_INIT;
	bool is_new = false;
	if (!tb->sql || cmig_table_parse(&parsed, tb->sql, &d) != CMIG_OK) {
		cmig_diags_release(&d);
		return false;
	}
	for (size_t i = 0; i < parsed.ncols; i++)
		for (size_t j = 0; j < parsed.cols[i].ncons; j++) {
			const struct cmig_cons *pc = &parsed.cols[i].cons[j];
			if (pc->kind == CMIG_CONS_CHECK && pc->body && k->expr &&
			    strcmp(pc->body, k->expr) == 0 &&
			    !find_column_any(ta, parsed.cols[i].name, x->o, tb))
				is_new = true;
		}
	cmig_table_release(&parsed);
	cmig_diags_release(&d);
	return is_new;
}

struct cons_pair {
	const struct differ *x;
	const struct cmig_sch_table *ta, *tb;
};

/* Equal definitions pair; in the first pass only with equal names too. */
static bool cons_ok(void *ctx, size_t ia, size_t ib, bool by_name)
{
	const struct cons_pair *p = ctx;
	return !by_name || name_eq(p->x, p->ta->constraints.items[ia].name,
	                           p->tb->constraints.items[ib].name);
}

static void diff_constraints(struct differ *x, const struct cmig_sch_table *ta,
                             const struct cmig_sch_table *tb)
{
	size_t na = ta->constraints.n, nb = tb->constraints.n;
	char **ka = calloc(na + 1, sizeof(char *)), **kb = calloc(nb + 1, sizeof(char *));
	bool *ma = calloc(na + 1, 1), *mb = calloc(nb + 1, 1);
	size_t *b_to_a = malloc((nb + 1) * sizeof(size_t));
	struct cmig_change *c;

	if (!ka || !kb || !ma || !mb || !b_to_a) {
		x->rc = -8;
		goto out;
	}
	for (size_t i = 0; i < na; i++)
		ka[i] = cons_key(x, &ta->constraints.items[i], ta->name);
	for (size_t i = 0; i < nb; i++)
		kb[i] = cons_key(x, &tb->constraints.items[i], NULL);
	{
		struct cons_pair cp = { x, ta, tb };
		if (cmig_match_by_key(b_to_a, ka, na, kb, nb, cons_ok, &cp)) {
			x->rc = -8;
			goto out;
		}
	}
	for (size_t i = 0; i < nb; i++) {
		size_t j = b_to_a[i];
		if (j == (size_t)-1)
			continue;
		const struct cmig_sch_constraint *A = &ta->constraints.items[j];
		const struct cmig_sch_constraint *B = &tb->constraints.items[i];
		ma[j] = mb[i] = true;
		if (!x->sqlite && !eqs(A->name, B->name) && cons_named_by_user(tb, B) &&
		    (c = add(x, CMIG_CHG_RENAME_CONSTRAINT, 32))) {
			c->table = tb;
			c->cons = B;
			c->name = A->name;
			c->new_name = B->name;
		}
	}
	for (size_t j = 0; j < na; j++)
		if (!ma[j] && ta->constraints.items[j].kind != CMIG_SCH_EXCLUDE &&
		    (c = add(x, CMIG_CHG_DROP_CONSTRAINT,
		             ta->constraints.items[j].kind == CMIG_SCH_FOREIGN ? 23 : 24))) {
			c->table = tb;
			c->from_table = ta;
			c->cons = &ta->constraints.items[j];
		}
	for (size_t i = 0; i < nb; i++) {
		const struct cmig_sch_constraint *K = &tb->constraints.items[i];
		/* SQLite adds a new column as written: its own constraints come with it */
		if (!mb[i] && x->sqlite && K->column_level && K->cols.n == 1 &&
		    !find_column_any(ta, K->cols.items[0], x->o, tb))
			continue;
		if (!mb[i] && K->kind == CMIG_SCH_CHECK && x->sqlite && K->column_level &&
		    column_is_new(x, ta, tb, K))
			continue;
		if (!mb[i] && tb->constraints.items[i].kind != CMIG_SCH_EXCLUDE &&
		    (c = add(x, CMIG_CHG_ADD_CONSTRAINT,
		             tb->constraints.items[i].kind == CMIG_SCH_FOREIGN ? 45 : 44))) {
			const struct cmig_sch_constraint *B = &tb->constraints.items[i];
			c->table = tb;
			c->from_table = ta;
			c->cons = B;
			if (B->kind != CMIG_SCH_PRIMARY || true) {
				c->flags |= CMIG_CHGF_FAILS_IF_ROWS;
				c->text = B->kind == CMIG_SCH_CHECK     ? "violate the check"
				        : B->kind == CMIG_SCH_FOREIGN   ? "reference missing rows"
				        : B->kind == CMIG_SCH_PRIMARY   ? "repeat or lack a key"
				                                        : "repeat a value";
			}
		}
	}
out:
	for (size_t i = 0; ka && i < na; i++)
		free(ka[i]);
	for (size_t i = 0; kb && i < nb; i++)
		free(kb[i]);
	free(ka);
	free(kb);
	free(ma);
	free(mb);
	free(b_to_a);
}

/* ---- tables ------------------------------------------------------------------------------ */

static const struct cmig_rename *rename_of(const struct differ *x, const char *table,
                                           const char *column)
{
	for (size_t i = 0; x->o && i < x->o->nrenames; i++) {
		const struct cmig_rename *r = &x->o->renames[i];
		if (name_eq(x, r->table, table) && (column ? r->column && name_eq(x, r->column, column)
		                                           : !r->column))
			return r;
	}
	return NULL;
}

static const struct cmig_sch_table *find_table(const struct differ *x,
                                               const struct cmig_schema *s, const char *schema,
                                               const char *name)
{
	long i = cmig_nameidx_find(&x->tables[s == x->b], schema, NULL, name);
	return i >= 0 ? &s->tables.items[i] : NULL;
}

static const struct cmig_sch_column *find_column(const struct differ *x,
                                                 const struct cmig_sch_table *t, const char *name)
{
	for (size_t i = 0; i < t->columns.n; i++)
		if (name_eq(x, t->columns.items[i].name, name))
			return &t->columns.items[i];
	return NULL;
}

static void diff_table(struct differ *x, const struct cmig_sch_table *ta,
                       const struct cmig_sch_table *tb)
{
	struct cmig_change *c;
	size_t dropped = 0, added = 0;

	if (x->sqlite && (ta->without_rowid != tb->without_rowid || ta->strict != tb->strict ||
	                  ta->is_virtual || tb->is_virtual)) {
		if ((ta->is_virtual || tb->is_virtual) && norm_eq(ta->sql, tb->sql))
			return;
		if ((c = add(x, CMIG_CHG_NEEDS_HAND, 0))) {
			c->table = tb;
			c->text = ta->is_virtual || tb->is_virtual
			              ? "a virtual table's definition changed: drop and create it by hand"
			              : "WITHOUT ROWID or STRICT changed: rebuild the table by hand";
		}
		return;
	}
	for (size_t i = 0; i < ta->columns.n; i++) {
		const struct cmig_sch_column *a = &ta->columns.items[i], *b;
		const struct cmig_rename *r = rename_of(x, ta->name, a->name);
		if (r) {
			b = find_column(x, tb, r->new_name);
			if (b && (c = add(x, CMIG_CHG_RENAME_COLUMN, 31))) {
				c->table = tb;
				c->column = b;
				c->from_column = a;
				c->name = a->name;
				c->new_name = b->name;
				diff_column(x, ta, tb, a, b);
				continue;
			}
		}
		b = find_column(x, tb, a->name);
		if (b) {
			diff_column(x, ta, tb, a, b);
			continue;
		}
		dropped++;
		if ((c = add(x, CMIG_CHG_DROP_COLUMN, 50))) {
			c->table = tb;
			c->from_table = ta;
			c->column = a;
			c->from_column = a;
			if (!a->generated)
				c->flags |= CMIG_CHGF_DROPS_DATA;
		}
	}
	for (size_t i = 0; i < tb->columns.n; i++) {
		const struct cmig_sch_column *b = &tb->columns.items[i];
		bool renamed_to = false;
		for (size_t k = 0; x->o && k < x->o->nrenames; k++)
			if (x->o->renames[k].column && name_eq(x, x->o->renames[k].table, ta->name) &&
			    name_eq(x, x->o->renames[k].new_name, b->name) &&
			    find_column(x, ta, x->o->renames[k].column))
				renamed_to = true;
		if (renamed_to || find_column(x, ta, b->name))
			continue;
		added++;
		if ((c = add(x, CMIG_CHG_ADD_COLUMN, 41))) {
			c->table = tb;
			c->from_table = ta;
			c->column = b;
			if (b->not_null && !b->default_expr && !b->generated && !b->identity) {
				c->flags |= CMIG_CHGF_FAILS_IF_ROWS;
				c->text = "exist (a NOT NULL column without a default)";
			}
		}
	}
	if (dropped && added) {
		for (size_t i = 0; i < ta->columns.n; i++) {
			const struct cmig_sch_column *a = &ta->columns.items[i];
			if (find_column(x, tb, a->name) || rename_of(x, ta->name, a->name))
				continue;
			for (size_t k = 0; k < tb->columns.n; k++) {
				const struct cmig_sch_column *b = &tb->columns.items[k];
				if (find_column(x, ta, b->name))
					continue;
				bool is_target = false;
				for (size_t r = 0; x->o && r < x->o->nrenames; r++)
					if (x->o->renames[r].column &&
					    name_eq(x, x->o->renames[r].new_name, b->name) &&
					    name_eq(x, x->o->renames[r].table, ta->name))
						is_target = true;
				if (is_target)
					continue;
				if ((c = add(x, CMIG_CHG_MAYBE_RENAME, 0))) {
					c->table = tb;
					c->from_table = ta; /* --rename names the head's table */
					c->from_column = a;
					c->column = b;
					c->name = a->name;
					c->new_name = b->name;
				}
			}
		}
	}
	diff_constraints(x, ta, tb);
}

/* Comments of one table and its columns. */
static void comment_change(struct differ *x, const char *from, const char *to, const char *what,
                           const struct cmig_sch_table *t, const char *schema, const char *name,
                           const char *column)
{
	struct cmig_change *c;
	cmig_buf b = CMIG_BUF_INIT;
	if (eqs(from, to))
		return;
	if (!(c = add(x, CMIG_CHG_COMMENT, 80)))
		return;
	c->table = t;
	c->text = astr(x, to);
	c->name = what;
	/* target: the qualified object, written by the writer from (schema, name, column) */
	cmig_buf_printf(&b, "%s\x1f%s\x1f%s", schema ? schema : "", name, column ? column : "");
	c->target = astr(x, b.ptr);
	cmig_buf_release(&b);
}

static const char *column_comment(const struct cmig_sch_table *t, const char *col)
{
	for (size_t k = 0; t && k + 1 < t->column_comments.n; k += 2)
		if (strcmp(t->column_comments.items[k], col) == 0)
			return t->column_comments.items[k + 1];
	return NULL;
}

static void diff_tables(struct differ *x)
{
	const struct cmig_schema *A = x->a, *B = x->b;
	struct cmig_change *c;
	size_t gone = 0, fresh = 0;

	for (size_t i = 0; i < A->tables.n; i++) {
		const struct cmig_sch_table *ta = &A->tables.items[i], *tb;
		const struct cmig_rename *r = rename_of(x, ta->name, NULL);
		if (r && (tb = find_table(x, B, ta->schema, r->new_name))) {
			if ((c = add(x, CMIG_CHG_RENAME_TABLE, 30))) {
				c->table = tb;
				c->from_table = ta;
				c->name = ta->name;
				c->new_name = tb->name;
			}
			diff_table(x, ta, tb);
			continue;
		}
		if ((tb = find_table(x, B, ta->schema, ta->name))) {
			diff_table(x, ta, tb);
			continue;
		}
		gone++;
		if ((c = add(x, CMIG_CHG_DROP_TABLE, 52))) {
			c->table = ta;
			c->from_table = ta;
			c->flags |= CMIG_CHGF_DROPS_DATA;
		}
		/* PostgreSQL: its foreign keys to other tables go first, so that tables dropped
		 * together may reference each other in any order (a cycle included) */
		for (size_t k = 0; !x->sqlite && k < ta->constraints.n; k++) {
			const struct cmig_sch_constraint *K = &ta->constraints.items[k];
			if (K->kind == CMIG_SCH_FOREIGN && !eqs(K->ref_table, ta->name) &&
			    (c = add(x, CMIG_CHG_DROP_CONSTRAINT, 23))) {
				c->table = ta;
				c->from_table = ta;
				c->cons = K;
			}
		}
	}
	for (size_t i = 0; i < B->tables.n; i++) {
		const struct cmig_sch_table *tb = &B->tables.items[i];
		bool renamed = false;
		for (size_t k = 0; x->o && k < x->o->nrenames; k++)
			if (!x->o->renames[k].column && name_eq(x, x->o->renames[k].new_name, tb->name) &&
			    find_table(x, A, tb->schema, x->o->renames[k].table))
				renamed = true;
		if (renamed || find_table(x, A, tb->schema, tb->name))
			continue;
		fresh++;
		if ((c = add(x, CMIG_CHG_CREATE_TABLE, 40)))
			c->table = tb;
		/* its foreign keys come after every table exists (PostgreSQL); SQLite keeps them
		 * in the CREATE TABLE text */
		for (size_t k = 0; !x->sqlite && k < tb->constraints.n; k++)
			if (tb->constraints.items[k].kind == CMIG_SCH_FOREIGN &&
			    (c = add(x, CMIG_CHG_ADD_CONSTRAINT, 45))) {
				c->table = tb;
				c->cons = &tb->constraints.items[k];
			}
	}
	if (gone && fresh) {
		for (size_t i = 0; i < A->tables.n; i++) {
			const struct cmig_sch_table *ta = &A->tables.items[i];
			if (find_table(x, B, ta->schema, ta->name) || rename_of(x, ta->name, NULL))
				continue;
			for (size_t k = 0; k < B->tables.n; k++) {
				const struct cmig_sch_table *tb = &B->tables.items[k];
				bool target = false;
				if (find_table(x, A, tb->schema, tb->name))
					continue;
				for (size_t r = 0; x->o && r < x->o->nrenames; r++)
					if (!x->o->renames[r].column &&
					    name_eq(x, x->o->renames[r].new_name, tb->name))
						target = true;
				if (!target && (c = add(x, CMIG_CHG_MAYBE_RENAME, 0))) {
					c->table = tb;
					c->from_table = ta;
					c->name = ta->name;
					c->new_name = tb->name;
				}
			}
		}
	}
	/* comments of tables and columns (PostgreSQL) */
	for (size_t i = 0; !x->sqlite && i < B->tables.n; i++) {
		const struct cmig_sch_table *tb = &B->tables.items[i], *ta;
		const struct cmig_rename *r = NULL;
		ta = find_table(x, A, tb->schema, tb->name);
		for (size_t k = 0; !ta && x->o && k < x->o->nrenames; k++) {
			r = &x->o->renames[k];
			if (!r->column && name_eq(x, r->new_name, tb->name))
				ta = find_table(x, A, tb->schema, r->table);
		}
		comment_change(x, ta ? ta->comment : NULL, tb->comment, "TABLE", tb, tb->schema,
		               tb->name, NULL);
		for (size_t k = 0; k < tb->columns.n; k++) {
			const char *cn = tb->columns.items[k].name, *fromc = NULL;
			if (ta) {
				const char *old = cn;
				for (size_t q = 0; x->o && q < x->o->nrenames; q++)
					if (x->o->renames[q].column && name_eq(x, x->o->renames[q].table, ta->name) &&
					    name_eq(x, x->o->renames[q].new_name, cn))
						old = x->o->renames[q].column;
				fromc = column_comment(ta, old);
			}
			comment_change(x, fromc, column_comment(tb, cn), "COLUMN", tb, tb->schema, tb->name,
			               cn);
		}
	}
}

/* ---- indexes, views, triggers ------------------------------------------------------------ */

/* rtable: the source side's name of the table i is on (its columns read through the
 * renames), or NULL on the target side. */
static char *index_key(const struct differ *x, const struct cmig_sch_index *i, const char *rtable)
{
	cmig_buf b = CMIG_BUF_INIT;
	char *t = norm(i->table);
	cmig_buf_printf(&b, "%s|%d|", t ? t : "", i->unique);
	free(t);
	if (!x->sqlite) {
		const char *u = i->definition ? strstr(i->definition, " USING ") : NULL;
		cmig_buf_puts(&b, u ? u : "");
		return cmig_buf_detach(&b);
	}
	for (size_t k = 0; k < i->keys.n; k++) {
		char *u = norm_r(x, rtable, i->keys.items[k]);
		cmig_buf_printf(&b, "%s,", u ? u : "");
		free(u);
	}
	char *w = norm_r(x, rtable, i->where);
	cmig_buf_printf(&b, "|%s", w ? w : "");
	free(w);
	return cmig_buf_detach(&b);
}

/* A table (by name in the target) that is dropped or recreated by this diff. */
static bool table_goes(const struct differ *x, const char *schema, const char *name)
{
	return !find_table(x, x->b, schema, name);
}

/* The new name of a table renamed by the options, else name. */
static const char *renamed_table(const struct differ *x, const char *name)
{
	const struct cmig_rename *r = rename_of(x, name, NULL);
	return r ? r->new_name : name;
}

struct index_pair {
	const struct differ *x;
};

/* Equal definitions in the same schema pair; in the first pass only with equal names too. */
static bool index_ok(void *ctx, size_t ia, size_t ib, bool by_name)
{
	const struct differ *x = ((const struct index_pair *)ctx)->x;
	const struct cmig_sch_index *IA = &x->a->indexes.items[ia], *IB = &x->b->indexes.items[ib];
	return eqs(IA->schema, IB->schema) && (!by_name || name_eq(x, IA->name, IB->name));
}

static void diff_indexes(struct differ *x)
{
	const struct cmig_schema *A = x->a, *B = x->b;
	size_t na = A->indexes.n, nb = B->indexes.n;
	char **ka = calloc(na + 1, sizeof(char *)), **kb = calloc(nb + 1, sizeof(char *));
	bool *ma = calloc(na + 1, 1), *mb = calloc(nb + 1, 1);
	size_t *b_to_a = malloc((nb + 1) * sizeof(size_t));
	struct cmig_nameidx byname = { CMIG_STRMAP_INIT, CMIG_ARENA_INIT, x->sqlite };
	struct cmig_change *c;

	if (!ka || !kb || !ma || !mb || !b_to_a) {
		x->rc = -8;
		goto out;
	}
	for (size_t i = 0; i < na; i++) {
		/* an index of a renamed table compares as if on the new name */
		struct cmig_sch_index tmp = A->indexes.items[i];
		tmp.table = renamed_table(x, tmp.table);
		if (!x->sqlite && tmp.definition && strcmp(tmp.table, A->indexes.items[i].table) != 0) {
			ka[i] = NULL; /* PostgreSQL's text names the old table: an index of a renamed
			               * table is matched by name below */
		} else {
			ka[i] = index_key(x, &tmp, A->indexes.items[i].table);
		}
	}
	for (size_t i = 0; i < nb; i++)
		kb[i] = index_key(x, &B->indexes.items[i], NULL);
	for (size_t i = 0; i < nb; i++)
		b_to_a[i] = (size_t)-1;
	/* an index whose key is NULL (of a renamed table, PostgreSQL) pairs by name */
	for (size_t j = 0; j < na; j++)
		if (!ka[j] && (x->rc = cmig_nameidx_add(&byname, A->indexes.items[j].schema, NULL,
		                                        A->indexes.items[j].name, j)))
			goto out;
	for (size_t i = 0; byname.map.n && i < nb; i++) {
		long j = cmig_nameidx_find(&byname, B->indexes.items[i].schema, NULL,
		                           B->indexes.items[i].name);
		if (j >= 0 && !ma[j]) {
			ma[j] = true;
			b_to_a[i] = (size_t)j;
			free(kb[i]);
			kb[i] = NULL; /* taken: not paired again by key */
		}
	}
	{
		size_t *by_key = malloc((nb + 1) * sizeof(size_t));
		struct index_pair ip = { x };
		if (!by_key || cmig_match_by_key(by_key, ka, na, kb, nb, index_ok, &ip)) {
			free(by_key);
			x->rc = -8;
			goto out;
		}
		for (size_t i = 0; i < nb; i++)
			if (by_key[i] != (size_t)-1)
				b_to_a[i] = by_key[i];
		free(by_key);
	}
	for (size_t i = 0; i < nb; i++) {
		size_t j = b_to_a[i];
		if (j == (size_t)-1)
			continue;
		const struct cmig_sch_index *IA = &A->indexes.items[j], *IB = &B->indexes.items[i];
		ma[j] = mb[i] = true;
		if (!x->sqlite && !eqs(IA->name, IB->name) &&
		    (c = add(x, CMIG_CHG_RENAME_INDEX, 33))) {
			c->index = IB;
			c->name = IA->name;
			c->new_name = IB->name;
		}
		if (!x->sqlite)
			comment_change(x, IA->comment, IB->comment, "INDEX", NULL, IB->schema, IB->name,
			               NULL);
	}
	for (size_t j = 0; j < na; j++) {
		const struct cmig_sch_index *IA = &A->indexes.items[j];
		if (ma[j] || table_goes(x, IA->schema, renamed_table(x, IA->table)))
			continue; /* dropping the table drops its indexes */
		if ((c = add(x, CMIG_CHG_DROP_INDEX, 22)))
			c->index = IA;
	}
	for (size_t i = 0; i < nb; i++) {
		if (mb[i])
			continue;
		if ((c = add(x, CMIG_CHG_CREATE_INDEX, 60))) {
			c->index = &B->indexes.items[i];
			if (B->indexes.items[i].unique) {
				c->flags |= CMIG_CHGF_FAILS_IF_ROWS;
				c->text = "repeat a value";
			}
		}
		if (!x->sqlite)
			comment_change(x, NULL, B->indexes.items[i].comment, "INDEX", NULL,
			               B->indexes.items[i].schema, B->indexes.items[i].name, NULL);
	}
out:
	for (size_t i = 0; ka && i < na; i++)
		free(ka[i]);
	for (size_t i = 0; kb && i < nb; i++)
		free(kb[i]);
	free(ka);
	free(kb);
	free(ma);
	free(mb);
	free(b_to_a);
	cmig_nameidx_release(&byname);
}

/* Tables whose columns change in a way a view on them blocks (PostgreSQL). */
static bool table_reshaped(const struct differ *x, const char *schema, const char *name)
{
	for (size_t i = 0; i < x->out->items.n; i++) {
		const struct cmig_change *c = &x->out->items.items[i];
		if ((c->kind == CMIG_CHG_ALTER_TYPE || c->kind == CMIG_CHG_DROP_COLUMN ||
		     c->kind == CMIG_CHG_RENAME_COLUMN || c->kind == CMIG_CHG_RENAME_TABLE ||
		     c->kind == CMIG_CHG_DROP_TABLE) &&
		    c->table && eqs(c->table->schema, schema) &&
		    (name_eq(x, c->table->name, name) ||
		     (c->from_table && name_eq(x, c->from_table->name, name))))
			return true;
	}
	return false;
}

static bool view_reads_reshaped(const struct differ *x, const struct cmig_sch_view *v)
{
	for (size_t i = 0; i < x->a->tables.n; i++) {
		const struct cmig_sch_table *t = &x->a->tables.items[i];
		if (eqs(t->schema, v->schema) && cmig_sqltext_mentions(v->definition, t->name) &&
		    table_reshaped(x, t->schema, t->name))
			return true;
	}
	return false;
}

static const struct cmig_sch_view *find_view(const struct differ *x, const struct cmig_schema *s,
                                             const char *schema, const char *name)
{
	long i = cmig_nameidx_find(&x->views[s == x->b], schema, NULL, name);
	return i >= 0 ? &s->views.items[i] : NULL;
}

static void diff_views(struct differ *x)
{
	const struct cmig_schema *A = x->a, *B = x->b;
	struct cmig_change *c;
	size_t nb = B->views.n;
	bool *recreate = calloc(nb + 1, 1);
	bool again = true;

	if (!recreate) {
		x->rc = -8;
		return;
	}
	for (size_t i = 0; i < nb; i++) {
		const struct cmig_sch_view *vb = &B->views.items[i];
		const struct cmig_sch_view *va = find_view(x, A, vb->schema, vb->name);
		if (!va)
			continue;
		recreate[i] = !(x->sqlite ? norm_eq(va->definition, vb->definition)
		                          : eqs(va->definition, vb->definition)) ||
		              (!x->sqlite && view_reads_reshaped(x, va));
	}
	/* a view that reads a recreated view is recreated too */
	while (again) {
		again = false;
		for (size_t i = 0; i < nb; i++) {
			if (recreate[i] || !find_view(x, A, B->views.items[i].schema, B->views.items[i].name))
				continue;
			for (size_t j = 0; j < nb; j++)
				if (recreate[j] && cmig_sqltext_mentions(B->views.items[i].definition,
				                                         B->views.items[j].name)) {
					recreate[i] = again = true;
					break;
				}
		}
	}
	for (size_t i = 0; i < A->views.n; i++) {
		const struct cmig_sch_view *va = &A->views.items[i];
		const struct cmig_sch_view *vb = find_view(x, B, va->schema, va->name);
		if (vb && !recreate[vb - B->views.items])
			continue;
		if ((c = add(x, CMIG_CHG_DROP_VIEW, 21)))
			c->view = va;
	}
	for (size_t i = 0; i < nb; i++) {
		const struct cmig_sch_view *vb = &B->views.items[i];
		const struct cmig_sch_view *va = find_view(x, A, vb->schema, vb->name);
		if (va && !recreate[i]) {
			if (!x->sqlite)
				comment_change(x, va->comment, vb->comment, "VIEW", NULL, vb->schema, vb->name,
				               NULL);
			continue;
		}
		if ((c = add(x, CMIG_CHG_CREATE_VIEW, 61)))
			c->view = vb;
		if (!x->sqlite)
			comment_change(x, NULL, vb->comment, "VIEW", NULL, vb->schema, vb->name, NULL);
	}
	free(recreate);
}

static bool view_recreated(const struct differ *x, const char *schema, const char *name)
{
	for (size_t i = 0; i < x->out->items.n; i++) {
		const struct cmig_change *c = &x->out->items.items[i];
		if (c->kind == CMIG_CHG_CREATE_VIEW && eqs(c->view->schema, schema) &&
		    name_eq(x, c->view->name, name))
			return true;
	}
	return false;
}

static void diff_triggers(struct differ *x)
{
	const struct cmig_schema *A = x->a, *B = x->b;
	struct cmig_change *c;
	for (size_t i = 0; i < A->triggers.n; i++) {
		const struct cmig_sch_trigger *ga = &A->triggers.items[i], *gb = NULL;
		long k = cmig_nameidx_find(&x->triggers[1], ga->schema, renamed_table(x, ga->table),
		                           ga->name);
		if (k >= 0)
			gb = &B->triggers.items[k];
		bool same = gb && (x->sqlite ? norm_eq(ga->definition, gb->definition)
		                             : eqs(ga->definition, gb->definition)) &&
		            ga->enabled == gb->enabled &&
		            !view_recreated(x, ga->schema, ga->table);
		if (same) {
			if (!x->sqlite && !eqs(ga->comment, gb->comment) &&
			    (c = add(x, CMIG_CHG_COMMENT, 80))) {
				c->trigger = gb;
				c->text = gb->comment;
				c->name = "TRIGGER";
			}
			continue;
		}
		/* dropping a table or view drops its triggers */
		if (table_goes(x, ga->schema, renamed_table(x, ga->table)) &&
		    !find_view(x, B, ga->schema, ga->table))
			continue;
		if (find_view(x, A, ga->schema, ga->table) && (view_recreated(x, ga->schema, ga->table) ||
		                                               !find_view(x, B, ga->schema, ga->table)))
			continue;
		if ((c = add(x, CMIG_CHG_DROP_TRIGGER, 20)))
			c->trigger = ga;
	}
	for (size_t i = 0; i < B->triggers.n; i++) {
		const struct cmig_sch_trigger *gb = &B->triggers.items[i], *ga = NULL;
		long k = cmig_nameidx_find(&x->triggers[0], gb->schema, gb->table, gb->name);
		if (k >= 0)
			ga = &A->triggers.items[k];
		if (ga && (x->sqlite ? norm_eq(ga->definition, gb->definition)
		                     : eqs(ga->definition, gb->definition)) &&
		    ga->enabled == gb->enabled && !view_recreated(x, gb->schema, gb->table))
			continue;
		if ((c = add(x, CMIG_CHG_CREATE_TRIGGER, 62)))
			c->trigger = gb;
		if (!x->sqlite && gb->comment && (c = add(x, CMIG_CHG_COMMENT, 80))) {
			c->trigger = gb;
			c->text = gb->comment;
			c->name = "TRIGGER";
		}
	}
}

/* ---- PostgreSQL-only kinds ---------------------------------------------------------------- */

static void diff_pg_kinds(struct differ *x)
{
	const struct cmig_schema *A = x->a, *B = x->b;
	struct cmig_change *c;

	for (size_t i = 0; i < B->extensions.n; i++)
		if (!has_extension(A, B->extensions.items[i].name) &&
		    (c = add(x, CMIG_CHG_CREATE_EXTENSION, 10))) {
			c->schema = B->extensions.items[i].name;
			c->name = B->extensions.items[i].schema;
		}
	for (size_t i = 0; i < A->extensions.n; i++)
		if (!has_extension(B, A->extensions.items[i].name) &&
		    (c = add(x, CMIG_CHG_DROP_EXTENSION, 79)))
			c->schema = A->extensions.items[i].name;
	for (size_t i = 0; i < B->schemas.n; i++)
		if (!has_namespace(A, B->schemas.items[i].name) && (c = add(x, CMIG_CHG_CREATE_SCHEMA, 11)))
			c->schema = B->schemas.items[i].name;
	for (size_t i = 0; i < A->schemas.n; i++)
		if (!has_namespace(B, A->schemas.items[i].name) && (c = add(x, CMIG_CHG_DROP_SCHEMA, 78)))
			c->schema = A->schemas.items[i].name;
	/* enums: new types, added values (a revision of their own), removed values (refused) */
	for (size_t i = 0; i < B->enums.n; i++) {
		const struct cmig_sch_enum *eb = &B->enums.items[i], *ea = NULL;
		for (size_t k = 0; k < A->enums.n; k++)
			if (eqs(A->enums.items[k].schema, eb->schema) && eqs(A->enums.items[k].name, eb->name))
				ea = &A->enums.items[k];
		if (!ea) {
			if ((c = add(x, CMIG_CHG_CREATE_ENUM, 12)))
				c->enumtype = eb;
			comment_change(x, NULL, eb->comment, "TYPE", NULL, eb->schema, eb->name, NULL);
			continue;
		}
		for (size_t v = 0; v < eb->labels.n; v++) {
			bool have = false;
			for (size_t w = 0; w < ea->labels.n; w++)
				have |= eqs(ea->labels.items[w], eb->labels.items[v]);
			if (!have && (c = add(x, CMIG_CHG_ADD_ENUM_VALUE, 13))) {
				c->enumtype = eb;
				c->name = eb->labels.items[v];
				c->new_name = v > 0 ? eb->labels.items[v - 1] : NULL; /* AFTER this one */
				/* the first: BEFORE the first value that exists already (those after it
				 * that are new too exist only once it is added: each goes AFTER the last) */
				for (size_t k = 1; !c->new_name && !c->target && k < eb->labels.n; k++)
					for (size_t w = 0; w < ea->labels.n; w++)
						if (eqs(ea->labels.items[w], eb->labels.items[k]))
							c->target = eb->labels.items[k];
				c->flags |= CMIG_CHGF_ENUM_VALUE;
			}
		}
		for (size_t w = 0; w < ea->labels.n; w++) {
			bool have = false;
			for (size_t v = 0; v < eb->labels.n; v++)
				have |= eqs(ea->labels.items[w], eb->labels.items[v]);
			if (!have && (c = add(x, CMIG_CHG_DROP_ENUM_VALUE, 0))) {
				c->enumtype = eb;
				c->name = ea->labels.items[w];
				x->out->refusals++;
				c->text = "PostgreSQL cannot remove a value from an enum type: write this step "
				          "by hand (a new type, then ALTER COLUMN … TYPE … USING)";
			}
		}
		comment_change(x, ea->comment, eb->comment, "TYPE", NULL, eb->schema, eb->name, NULL);
	}
	for (size_t i = 0; i < A->enums.n; i++) {
		const struct cmig_sch_enum *ea = &A->enums.items[i];
		bool have = false;
		for (size_t k = 0; k < B->enums.n; k++)
			have |= eqs(B->enums.items[k].schema, ea->schema) && eqs(B->enums.items[k].name, ea->name);
		if (!have && (c = add(x, CMIG_CHG_DROP_ENUM, 77)))
			c->enumtype = ea;
	}
	/* domains: created, dropped, or (any difference) altered by hand */
	for (size_t i = 0; i < B->domains.n; i++) {
		const struct cmig_sch_domain *db = &B->domains.items[i], *da = NULL;
		for (size_t k = 0; k < A->domains.n; k++)
			if (eqs(A->domains.items[k].schema, db->schema) && eqs(A->domains.items[k].name, db->name))
				da = &A->domains.items[k];
		if (!da) {
			if ((c = add(x, CMIG_CHG_CREATE_DOMAIN, 14)))
				c->domain = db;
		} else {
			bool same = eqs(da->base_type, db->base_type) && eqs(da->default_expr, db->default_expr) &&
			            eqs(da->collation, db->collation) && da->not_null == db->not_null &&
			            da->checks.n == db->checks.n;
			for (size_t k = 0; same && k < da->checks.n; k++)
				same = eqs(da->checks.items[k], db->checks.items[k]);
			if (!eqs(da->base_type, db->base_type) || !eqs(da->collation, db->collation)) {
				/* PostgreSQL has no ALTER DOMAIN … TYPE: refused, never a comment alone */
				cmig_buf t = CMIG_BUF_INIT;
				cmig_buf_printf(&t, "domain %s: its base type changed (%s%s%s → %s%s%s): "
				                "PostgreSQL cannot alter it; write the step by hand (a new "
				                "domain, ALTER COLUMN … TYPE to it, DROP DOMAIN the old one)",
				                db->name, da->base_type, da->collation ? " COLLATE " : "",
				                da->collation ? da->collation : "", db->base_type,
				                db->collation ? " COLLATE " : "",
				                db->collation ? db->collation : "");
				if ((c = add(x, CMIG_CHG_NEEDS_HAND, 0))) {
					c->domain = db;
					c->text = t.ptr ? astr(x, t.ptr) : NULL;
					if (!t.ptr)
						x->rc = -8;
				}
				cmig_buf_release(&t);
				same = true; /* the rest is refused with it */
			}
			if (!same && (c = add(x, CMIG_CHG_ALTER_DOMAIN, 14))) {
				c->domain = db;
				c->name = (const char *)da; /* the source domain, for the writer */
			}
		}
		comment_change(x, da ? da->comment : NULL, db->comment, "DOMAIN", NULL, db->schema,
		               db->name, NULL);
	}
	for (size_t i = 0; i < A->domains.n; i++) {
		bool have = false;
		for (size_t k = 0; k < B->domains.n; k++)
			have |= eqs(B->domains.items[k].schema, A->domains.items[i].schema) &&
			        eqs(B->domains.items[k].name, A->domains.items[i].name);
		if (!have && (c = add(x, CMIG_CHG_DROP_DOMAIN, 76)))
			c->domain = &A->domains.items[i];
	}
	/* sequences (identity sequences follow their column) */
	for (size_t i = 0; i < B->sequences.n; i++) {
		const struct cmig_sch_sequence *qb = &B->sequences.items[i], *qa = NULL;
		if (qb->identity)
			continue;
		for (size_t k = 0; k < A->sequences.n; k++)
			if (eqs(A->sequences.items[k].schema, qb->schema) &&
			    eqs(A->sequences.items[k].name, qb->name))
				qa = &A->sequences.items[k];
		if (!qa) {
			if ((c = add(x, CMIG_CHG_CREATE_SEQUENCE, 15)))
				c->sequence = qb;
			/* OWNED BY needs the table: once tables exist */
			if (qb->owned_by_table && (c = add(x, CMIG_CHG_ALTER_SEQUENCE, 46)))
				c->sequence = qb;
		} else if (!eqs(qa->data_type, qb->data_type) || qa->start != qb->start ||
		           qa->increment != qb->increment || qa->min != qb->min || qa->max != qb->max ||
		           qa->cache != qb->cache || qa->cycle != qb->cycle ||
		           !eqs(qa->owned_by_table, qb->owned_by_table) ||
		           !eqs(qa->owned_by_column, qb->owned_by_column)) {
			if ((c = add(x, CMIG_CHG_ALTER_SEQUENCE, 46)))
				c->sequence = qb;
		}
	}
	for (size_t i = 0; i < A->sequences.n; i++) {
		const struct cmig_sch_sequence *qa = &A->sequences.items[i];
		bool have = false;
		if (qa->identity)
			continue;
		for (size_t k = 0; k < B->sequences.n; k++)
			have |= eqs(B->sequences.items[k].schema, qa->schema) &&
			        eqs(B->sequences.items[k].name, qa->name);
		/* a sequence owned by a dropped column or table goes with it */
		if (!have && qa->owned_by_table &&
		    (!find_table(x, B, qa->schema, qa->owned_by_table) ||
		     !find_column(x, find_table(x, B, qa->schema, qa->owned_by_table), qa->owned_by_column)))
			continue;
		if (!have && (c = add(x, CMIG_CHG_DROP_SEQUENCE, 75)))
			c->sequence = qa;
	}
	/* functions: by name and identity arguments */
	for (size_t i = 0; i < B->functions.n; i++) {
		const struct cmig_sch_function *fb = &B->functions.items[i], *fa = NULL;
		long k = cmig_nameidx_find(&x->functions[0], fb->schema, fb->name, fb->identity_args);
		if (k >= 0)
			fa = &A->functions.items[k];
		if (!fa) {
			if ((c = add(x, CMIG_CHG_CREATE_FUNCTION, 17)))
				c->function = fb;
		} else if (!eqs(fa->definition, fb->definition)) {
			if ((c = add(x, CMIG_CHG_REPLACE_FUNCTION, 17)))
				c->function = fb;
		}
		cmig_buf args = CMIG_BUF_INIT;
		cmig_buf_printf(&args, "%s(%s)", fb->name, fb->identity_args);
		comment_change(x, fa ? fa->comment : NULL, fb->comment,
		               fb->kind == 'p' ? "PROCEDURE" : "FUNCTION", NULL, fb->schema,
		               astr(x, args.ptr), NULL);
		cmig_buf_release(&args);
	}
	for (size_t i = 0; i < A->functions.n; i++) {
		const struct cmig_sch_function *fa = &A->functions.items[i];
		bool have = cmig_nameidx_find(&x->functions[1], fa->schema, fa->name,
		                              fa->identity_args) >= 0;
		if (!have && (c = add(x, CMIG_CHG_DROP_FUNCTION, 70)))
			c->function = fa;
	}
}

/* Objects created again by this diff lose their grants: the target's are issued anew. */
static bool recreated(const struct differ *x, const struct cmig_sch_grant *g)
{
	for (size_t i = 0; i < x->out->items.n; i++) {
		const struct cmig_change *c = &x->out->items.items[i];
		if (g->objkind == 'v' && c->kind == CMIG_CHG_CREATE_VIEW && eqs(c->view->schema, g->schema) &&
		    eqs(c->view->name, g->name))
			return true;
		if (g->objkind == 't' && c->kind == CMIG_CHG_CREATE_TABLE &&
		    eqs(c->table->schema, g->schema) && eqs(c->table->name, g->name))
			return true;
		if (g->objkind == 's' && c->kind == CMIG_CHG_CREATE_SEQUENCE &&
		    eqs(c->sequence->schema, g->schema) && eqs(c->sequence->name, g->name))
			return true;
		if (g->objkind == 'f' && c->kind == CMIG_CHG_CREATE_FUNCTION &&
		    eqs(c->function->schema, g->schema) && strncmp(g->name, c->function->name,
		                                                   strlen(c->function->name)) == 0 &&
		    g->name[strlen(c->function->name)] == '(')
			return true;
	}
	return false;
}

/* Whether model `in` holds a grant equal to g (kind, object, grantee, privilege, option). */
static bool has_grant(const struct differ *x, int in, const struct cmig_sch_grant *g)
{
	char *who = grant_who(g);
	long k = who ? cmig_nameidx_find(&x->grants[in], g->schema, g->name, who) : -1;
	free(who);
	return k >= 0;
}

static void diff_grants(struct differ *x)
{
	const struct cmig_schema *A = x->a, *B = x->b;
	struct cmig_change *c;
	for (size_t i = 0; i < A->grants.n; i++) {
		const struct cmig_sch_grant *g = &A->grants.items[i];
		bool have = has_grant(x, 1, g);
		/* objects dropped take their grants with them */
		bool gone = (g->objkind == 't' && !find_table(x, B, g->schema, renamed_table(x, g->name))) ||
		            (g->objkind == 'v' && !find_view(x, B, g->schema, g->name));
		if (!have && !gone && (c = add(x, CMIG_CHG_REVOKE, 81)))
			c->grant = g;
	}
	for (size_t i = 0; i < B->grants.n; i++) {
		const struct cmig_sch_grant *g = &B->grants.items[i];
		bool have = has_grant(x, 0, g);
		if ((!have || recreated(x, g)) && (c = add(x, CMIG_CHG_GRANT, 82)))
			c->grant = g;
	}
}

static void diff_unsupported(struct differ *x)
{
	const struct cmig_schema *A = x->a, *B = x->b;
	for (int side = 0; side < 2; side++) {
		const struct cmig_schema *S = side ? B : A, *O = side ? A : B;
		for (size_t i = 0; i < S->unsupported.n; i++) {
			const struct cmig_sch_unsupported *u = &S->unsupported.items[i];
			bool both = false;
			for (size_t k = 0; k < O->unsupported.n; k++)
				both |= eqs(O->unsupported.items[k].kind, u->kind) &&
				        eqs(O->unsupported.items[k].schema, u->schema) &&
				        eqs(O->unsupported.items[k].name, u->name);
			if (both) {
				if (side == 0)
					cmig_diag_warning(x->d, NULL, 0, "schema-unsupported",
					                  "the %s %s%s%s is not compared: cmig does not model it",
					                  u->kind, u->schema ? u->schema : "",
					                  u->schema ? "." : "", u->name);
				continue;
			}
			struct cmig_change *c = add(x, CMIG_CHG_UNSUPPORTED, 0);
			if (c) {
				cmig_buf b = CMIG_BUF_INIT;
				cmig_buf_printf(&b, "%s %s%s%s %s, and cmig does not model it: write this "
				                "step by hand", u->kind, u->schema ? u->schema : "",
				                u->schema ? "." : "", u->name,
				                side ? "is only in the declared schema" : "is only at head");
				c->text = astr(x, b.ptr);
				cmig_buf_release(&b);
			}
		}
	}
}

static int cmp_phase(const void *p, const void *q)
{
	const struct cmig_change *a = p, *b = q;
	if (a->phase != b->phase)
		return a->phase < b->phase ? -1 : 1;
	/* stable: the differ's own order (pointers into one array) */
	return a < b ? -1 : a > b;
}

/* Creations of views in dependency order (a view after the views it reads), tables in
 * foreign-key order is not needed: foreign keys of new tables come in phase 45. */
static void order_views(struct cmig_changes *out, bool sqlite)
{
	struct cmig_change *v = out->items.items;
	size_t n = out->items.n;
	for (size_t i = 0; i < n; i++) {
		if (v[i].kind != CMIG_CHG_CREATE_VIEW)
			continue;
		/* bubble a view after any later-created view it mentions */
		for (size_t j = i + 1; j < n && v[j].kind == CMIG_CHG_CREATE_VIEW; j++)
			if (cmig_sqltext_mentions(v[i].view->definition, v[j].view->name)) {
				struct cmig_change t = v[i];
				memmove(&v[i], &v[i + 1], (j - i) * sizeof(*v));
				v[j] = t;
				i--;
				break;
			}
	}
	(void)sqlite;
}

/* The name indexes of both models (struct differ); x->rc on failure. */
static void build_indexes(struct differ *x)
{
	const struct cmig_schema *m[2] = { x->a, x->b };
	for (int k = 0; k < 2 && !x->rc; k++) {
		x->tables[k].fold = x->views[k].fold = x->triggers[k].fold = x->sqlite;
		for (size_t i = 0; i < m[k]->tables.n && !x->rc; i++)
			x->rc = cmig_nameidx_add(&x->tables[k], m[k]->tables.items[i].schema, NULL,
			                         m[k]->tables.items[i].name, i);
		for (size_t i = 0; i < m[k]->views.n && !x->rc; i++)
			x->rc = cmig_nameidx_add(&x->views[k], m[k]->views.items[i].schema, NULL,
			                         m[k]->views.items[i].name, i);
		for (size_t i = 0; i < m[k]->triggers.n && !x->rc; i++) {
			const struct cmig_sch_trigger *t = &m[k]->triggers.items[i];
			x->rc = cmig_nameidx_add(&x->triggers[k], t->schema,
			                         k == 0 ? renamed_table(x, t->table) : t->table, t->name, i);
		}
		for (size_t i = 0; i < m[k]->functions.n && !x->rc; i++) {
			const struct cmig_sch_function *f = &m[k]->functions.items[i];
			x->rc = cmig_nameidx_add(&x->functions[k], f->schema, f->name, f->identity_args, i);
		}
		for (size_t i = 0; i < m[k]->grants.n && !x->rc; i++) {
			char *who = grant_who(&m[k]->grants.items[i]);
			x->rc = who ? cmig_nameidx_add(&x->grants[k], m[k]->grants.items[i].schema,
			                               m[k]->grants.items[i].name, who, i)
			            : -8;
			free(who);
		}
	}
}

static void release_indexes(struct differ *x)
{
	for (int k = 0; k < 2; k++) {
		cmig_nameidx_release(&x->tables[k]);
		cmig_nameidx_release(&x->views[k]);
		cmig_nameidx_release(&x->triggers[k]);
		cmig_nameidx_release(&x->functions[k]);
		cmig_nameidx_release(&x->grants[k]);
	}
}

int cmig_schema_diff(struct cmig_changes *out, const struct cmig_schema *from,
                     const struct cmig_schema *to, const struct cmig_diff_options *o,
                     cmig_diags *d)
{
	struct differ x;
	memset(&x, 0, sizeof(x));
	x.out = out;
	x.a = from;
	x.b = to;
	x.o = o;
	x.sqlite = from->dialect == CMIG_SCH_SQLITE;
	x.d = d;
	memset(out, 0, sizeof(*out));
	out->from = from;
	out->to = to;
	build_indexes(&x);
	if (!x.rc && !x.sqlite)
		diff_pg_kinds(&x);
	if (!x.rc)
		diff_tables(&x);
	if (!x.rc)
		diff_indexes(&x);
	if (!x.rc)
		diff_views(&x);
	if (!x.rc)
		diff_triggers(&x);
	if (!x.rc && !x.sqlite)
		diff_grants(&x);
	diff_unsupported(&x);
	release_indexes(&x);
	if (x.rc) {
		cmig_changes_release(out);
		return cmig_diag_oom(d);
	}
	/* stable sort by phase: phases are small, insertion into a copy keeps the order */
	{
		size_t n = out->items.n;
		struct cmig_change *sorted = malloc((n ? n : 1) * sizeof(*sorted));
		size_t k = 0;
		if (!sorted) {
			cmig_changes_release(out);
			return cmig_diag_oom(d);
		}
		for (int ph = 0; ph <= 100; ph++)
			for (size_t i = 0; i < n; i++)
				if (out->items.items[i].phase == ph)
					sorted[k++] = out->items.items[i];
		if (k)
			memcpy(out->items.items, sorted, k * sizeof(*sorted));
		free(sorted);
	}
	(void)cmp_phase;
	order_views(out, x.sqlite);
	return CMIG_OK;
}

void cmig_changes_release(struct cmig_changes *c)
{
	free(c->items.items);
	cmig_arena_release(&c->arena);
	memset(c, 0, sizeof(*c));
}
