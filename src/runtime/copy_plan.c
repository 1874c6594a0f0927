/*
 * copy_plan.c - the plan of `cmig copy` (SPEC §9), made from the two schema models before
 * any row moves: the table set, table and column matching, the copy order (parents before
 * children), and which foreign keys are deferred or dropped and re-added.
 *
 * Invariants:
 *  - Every refusal the schemas decide is reported here, all at once, before any change.
 *  - Matching: an exact name wins; else a unique ASCII case-insensitive match; two
 *    candidates is an error naming both.
 *  - Order: the strongly connected components of the target's foreign-key graph among the
 *    copied tables, parents first. Inside a component (a cycle across tables) every foreign
 *    key is either deferrable (SET CONSTRAINTS … DEFERRED), or dropped and re-added because
 *    cmig owns both tables, or the copy refuses naming the cycle. Self-references need
 *    nothing: PostgreSQL checks them at the end of the COPY statement.
 *  - For speed, on a PostgreSQL target, the foreign keys and the non-unique secondary indexes
 *    of copied tables cmig owns are dropped and re-added with the same names and
 *    definitions (unless CMIG_COPY_KEEP_INDEXES). Unique indexes stay: a foreign key outside
 *    the copy may depend on one.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "copy.h"

/* ---- names ----------------------------------------------------------------------------- */

/* A comma-separated list, split into a vector of malloc'd items. */
typedef CMIG_VEC(char *) strvec;

static int split_list(strvec *out, const char *s)
{
	while (s && *s) {
		const char *c = strchr(s, ',');
		size_t n = c ? (size_t)(c - s) : strlen(s);
		while (n && s[0] == ' ')
			s++, n--;
		while (n && s[n - 1] == ' ')
			n--;
		if (n) {
			char *item = cmig_strndup(s, n);
			if (!item || CMIG_VEC_PUSH(out, item)) {
				free(item);
				return CMIG_ENOMEM;
			}
		}
		s = c ? c + 1 : NULL;
	}
	return CMIG_OK;
}

static void strvec_free(strvec *v)
{
	for (size_t i = 0; i < v->n; i++)
		free(v->items[i]);
	free(v->items);
}

static const char *tname(const struct cmig_sch_table *t)
{
	return t->name;
}

/* Among the candidates of one pass, the one in the source's schema (SQLite sources: public),
 * else the only one; two left is ambiguous (*second set). */
static const struct cmig_sch_table *pick(const struct cmig_schema *dst,
                                         const struct cmig_sch_table *st, bool exact,
                                         const struct cmig_sch_table **second)
{
	const char *want = st->schema ? st->schema : "public";
	const struct cmig_sch_table *first = NULL, *preferred = NULL;
	size_t count = 0;
	for (size_t i = 0; i < dst->tables.n; i++) {
		const struct cmig_sch_table *t = &dst->tables.items[i];
		if (t->is_virtual || (exact ? strcmp(t->name, st->name) : strcasecmp(t->name, st->name)))
			continue;
		if (!first)
			first = t;
		else if (!*second)
			*second = t;
		count++;
		if (t->schema && !strcmp(t->schema, want))
			preferred = t;
	}
	if (count > 1 && preferred) {
		*second = NULL;
		return preferred;
	}
	return first;
}

/* The target table for a source table: exact name, else a unique case-insensitive match.
 * *second is set when two candidates match. */
static const struct cmig_sch_table *match_table(const struct cmig_schema *dst,
                                                const struct cmig_sch_table *st,
                                                const struct cmig_sch_table **second)
{
	const struct cmig_sch_table *t;
	*second = NULL;
	t = pick(dst, st, true, second);
	if (t)
		return t;
	return pick(dst, st, false, second);
}

static const struct cmig_sch_column *match_column(const struct cmig_sch_table *t,
                                                  const char *name,
                                                  const struct cmig_sch_column **second)
{
	const struct cmig_sch_column *ci = NULL;
	*second = NULL;
	for (size_t i = 0; i < t->columns.n; i++)
		if (!strcmp(t->columns.items[i].name, name))
			return &t->columns.items[i];
	for (size_t i = 0; i < t->columns.n; i++) {
		if (strcasecmp(t->columns.items[i].name, name))
			continue;
		if (ci) {
			*second = &t->columns.items[i];
			return ci;
		}
		ci = &t->columns.items[i];
	}
	return ci;
}

static bool in_list(const strvec *v, const char *name)
{
	for (size_t i = 0; i < v->n; i++)
		if (!strchr(v->items[i], '.') && !strcasecmp(v->items[i], name))
			return true;
	return false;
}

static bool column_excluded(const strvec *v, const char *table, const char *col)
{
	size_t tl = strlen(table);
	for (size_t i = 0; i < v->n; i++) {
		const char *it = v->items[i];
		if (!strncasecmp(it, table, tl) && it[tl] == '.' && !strcasecmp(it + tl + 1, col))
			return true;
	}
	return false;
}

/* ---- the table set and columns ---------------------------------------------------------- */

static int add_table(struct cmig_copy_plan *p, const struct cmig_schema *src,
                     const struct cmig_schema *dst, const struct cmig_sch_table *st,
                     const strvec *exclude, cmig_diags *d)
{
	const struct cmig_sch_table *dt, *second;
	struct cmig_copy_tab tab;
	int rc = CMIG_OK;

	dt = match_table(dst, st, &second);
	if (!dt)
		return cmig_diag_full(d, CMIG_DIAG_ERROR, CMIG_ERROR, NULL, NULL, 0, 0, NULL,
		                      "run the migrations on the target first, or --exclude the table",
		                      "table %s is missing on the target", tname(st));
	if (second)
		return cmig_diag_error(d, NULL, 0, CMIG_ERROR, NULL,
		                       "table %s matches two target tables: %s%s%s and %s%s%s",
		                       tname(st), dt->schema ? dt->schema : "", dt->schema ? "." : "",
		                       dt->name, second->schema ? second->schema : "",
		                       second->schema ? "." : "", second->name);
	memset(&tab, 0, sizeof(tab));
	tab.src = st;
	tab.dst = dt;
	tab.rowid = src->dialect == CMIG_SCH_SQLITE && !st->without_rowid;
	for (size_t i = 0; i < st->columns.n; i++) {
		const struct cmig_sch_column *sc = &st->columns.items[i], *dc, *two;
		struct cmig_copy_col col;
		if (sc->hidden || column_excluded(exclude, st->name, sc->name))
			continue;
		dc = match_column(dt, sc->name, &two);
		if (!dc) {
			rc = cmig_diag_full(d, CMIG_DIAG_ERROR, CMIG_ERROR, NULL, NULL, 0, 0, NULL,
			                    "add it with a migration, or --exclude TABLE.COLUMN",
			                    "column %s.%s is missing on the target", st->name, sc->name);
			continue;
		}
		if (two) {
			rc = cmig_diag_error(d, NULL, 0, CMIG_ERROR, NULL,
			                     "column %s.%s matches two target columns: %s and %s",
			                     st->name, sc->name, dc->name, two->name);
			continue;
		}
		if (dc->generated)
			continue; /* a target generated column computes itself */
		memset(&col, 0, sizeof(col));
		col.src = sc->name;
		col.dst = dc->name;
		col.src_type = src->dialect == CMIG_SCH_POSTGRESQL ? cmig_convert_type_pg(sc->type)
		                                                   : cmig_convert_type_sqlite(sc->type);
		col.dst_type = dst->dialect == CMIG_SCH_POSTGRESQL
		                       ? cmig_convert_type_pg(dc->type)
		                       : cmig_convert_type_sqlite(dc->decl_type ? dc->decl_type
		                                                                : dc->type);
		if (dst->dialect == CMIG_SCH_SQLITE && dc->rowid_alias)
			col.dst_type.kind = CMIG_CT_SQ_INTEGER;
		{
			const struct cmig_sch_sequence *seqs[4];
			col.track = cmig_schema_column_sequences(seqs, 4, dst, dt->schema, dt->name,
			                                         dc->name) > 0;
		}
		if (CMIG_VEC_PUSH(&tab.cols, col))
			rc = CMIG_ENOMEM;
	}
	if (!rc && tab.cols.n == 0)
		rc = cmig_diag_error(d, NULL, 0, CMIG_ERROR, NULL,
		                     "table %s has no column to copy (each is excluded, or generated on "
		                     "the target): --exclude the table", st->name);
	/* the source primary key, for row labels, when every column of it is read */
	if (!rc && !tab.rowid) {
		const struct cmig_sch_constraint *pk = cmig_schema_primary_key(st);
		for (size_t k = 0; pk && k < pk->cols.n; k++) {
			size_t j;
			for (j = 0; j < tab.cols.n && strcmp(tab.cols.items[j].src, pk->cols.items[k]); j++)
				;
			if (j == tab.cols.n) {
				tab.pk.n = 0;
				break;
			}
			if (CMIG_VEC_PUSH(&tab.pk, j))
				rc = CMIG_ENOMEM;
		}
	}
	if (!rc && CMIG_VEC_PUSH(&p->tabs, tab))
		rc = CMIG_ENOMEM;
	if (rc) {
		free(tab.cols.items);
		free(tab.pk.items);
	}
	return rc == CMIG_ENOMEM ? cmig_diag_oom(d)
	                         : rc;
}

/* ---- order ----------------------------------------------------------------------------- */

static long tab_index(const struct cmig_copy_plan *p, const char *schema, const char *name)
{
	for (size_t i = 0; i < p->tabs.n; i++) {
		const struct cmig_sch_table *t = p->tabs.items[i].dst;
		if (!strcmp(t->name, name) && (!schema || !t->schema || !strcmp(schema, t->schema)))
			return (long)i;
	}
	return -1;
}

struct tarjan {
	const struct cmig_copy_plan *p;
	long *index, *low, *stack;
	bool *on;
	long next, sp;
	int nscc;
};

static void strongconnect(struct tarjan *tj, long v)
{
	const struct cmig_sch_table *t = tj->p->tabs.items[v].dst;
	tj->index[v] = tj->low[v] = tj->next++;
	tj->stack[tj->sp++] = v;
	tj->on[v] = true;
	for (size_t c = 0; c < t->constraints.n; c++) {
		const struct cmig_sch_constraint *k = &t->constraints.items[c];
		long w;
		if (k->kind != CMIG_SCH_FOREIGN)
			continue;
		w = tab_index(tj->p, k->ref_schema, k->ref_table);
		if (w < 0 || w == v)
			continue;
		if (tj->index[w] < 0) {
			strongconnect(tj, w);
			if (tj->low[w] < tj->low[v])
				tj->low[v] = tj->low[w];
		} else if (tj->on[w] && tj->index[w] < tj->low[v]) {
			tj->low[v] = tj->index[w];
		}
	}
	if (tj->low[v] == tj->index[v]) {
		long w;
		do {
			w = tj->stack[--tj->sp];
			tj->on[w] = false;
			tj->p->tabs.items[w].scc = tj->nscc;
		} while (w != v);
		tj->nscc++;
	}
}

/* Tarjan numbers components in reverse topological order of the "child → parent" edges, so
 * ascending component number puts parents first. A stable sort keeps catalog order inside. */
static int cmp_scc(const void *a, const void *b)
{
	const struct cmig_copy_tab *x = a, *y = b;
	if (x->scc != y->scc)
		return x->scc < y->scc ? -1 : 1;
	return x->src < y->src ? -1 : x->src > y->src;
}

static int order_tables(struct cmig_copy_plan *p, cmig_diags *d)
{
	size_t n = p->tabs.n;
	struct tarjan tj = { p, calloc(n + 1, sizeof(long)), calloc(n + 1, sizeof(long)),
	                     calloc(n + 1, sizeof(long)), calloc(n + 1, sizeof(bool)), 0, 0, 0 };
	int rc = CMIG_OK;

	if (!tj.index || !tj.low || !tj.stack || !tj.on) {
		rc = cmig_diag_oom(d);
	} else {
		for (size_t i = 0; i < n; i++)
			tj.index[i] = -1;
		for (size_t i = 0; i < n; i++)
			if (tj.index[i] < 0)
				strongconnect(&tj, (long)i);
		qsort(p->tabs.items, n, sizeof(*p->tabs.items), cmp_scc);
	}
	free(tj.index);
	free(tj.low);
	free(tj.stack);
	free(tj.on);
	return rc;
}

static bool is_dropped(const struct cmig_copy_plan *p, const struct cmig_sch_table *t,
                       const char *name)
{
	for (size_t i = 0; i < p->dropped.n; i++)
		if (!p->dropped.items[i].is_index && p->dropped.items[i].table == t &&
		    !strcmp(p->dropped.items[i].name, name))
			return true;
	return false;
}

static int drop_fk(struct cmig_copy_plan *p, const struct cmig_sch_table *t,
                   const struct cmig_sch_constraint *k)
{
	struct cmig_copy_ddl x = { t, k->name, k->definition, NULL, false };
	if (is_dropped(p, t, k->name))
		return CMIG_OK;
	return CMIG_VEC_PUSH(&p->dropped, x);
}

/* Foreign keys inside a cycle: deferred, dropped, or a refusal naming the cycle. */
static int plan_cycles(struct cmig_copy_plan *p, cmig_diags *d)
{
	int rc = CMIG_OK;

	for (size_t i = 0; i < p->tabs.n; i++) {
		const struct cmig_copy_tab *ct = &p->tabs.items[i];
		const struct cmig_sch_table *t = ct->dst;
		for (size_t c = 0; c < t->constraints.n; c++) {
			const struct cmig_sch_constraint *k = &t->constraints.items[c];
			long w;
			if (k->kind != CMIG_SCH_FOREIGN)
				continue;
			w = tab_index(p, k->ref_schema, k->ref_table);
			if (w < 0 || (size_t)w == i || p->tabs.items[w].scc != ct->scc)
				continue;
			if (!p->target_pg || is_dropped(p, t, k->name))
				continue; /* SQLite: defer_foreign_keys covers every cycle */
			if (k->deferrable) {
				if (!k->initially_deferred &&
				    (CMIG_VEC_PUSH(&p->deferred, k) || CMIG_VEC_PUSH(&p->deferred_tab, t)))
					return CMIG_ENOMEM;
				continue;
			}
			if (t->owned && p->tabs.items[w].dst->owned) {
				if (drop_fk(p, t, k))
					return CMIG_ENOMEM;
				continue;
			}
			/* name the cycle: every table of the component */
			cmig_buf names = CMIG_BUF_INIT;
			for (size_t j = 0; j < p->tabs.n; j++)
				if (p->tabs.items[j].scc == ct->scc)
					cmig_buf_printf(&names, "%s%s", names.len ? " → " : "",
					                p->tabs.items[j].dst->name);
			cmig_buf_printf(&names, " → %s", t->name);
			rc = cmig_diag_full(d, CMIG_DIAG_ERROR, CMIG_ERROR, NULL, NULL, 0, 0, NULL,
			                    "make the foreign keys DEFERRABLE, or run the copy as the "
			                    "tables' owner",
			                    "foreign keys form a cycle (%s): %s on %s is not deferrable "
			                    "and cmig does not own the tables to drop and re-add it",
			                    names.ptr, k->name ? k->name : "a foreign key", t->name);
			cmig_buf_release(&names);
			return rc;
		}
	}
	return rc;
}

/* For speed: foreign keys and non-unique secondary indexes of owned copied tables. */
static int plan_speed(struct cmig_copy_plan *p, const struct cmig_schema *dst)
{
	for (size_t i = 0; i < p->tabs.n; i++) {
		const struct cmig_sch_table *t = p->tabs.items[i].dst;
		if (!t->owned)
			continue;
		for (size_t c = 0; c < t->constraints.n; c++) {
			const struct cmig_sch_constraint *k = &t->constraints.items[c];
			long w;
			if (k->kind != CMIG_SCH_FOREIGN || !k->name || !k->definition)
				continue;
			w = tab_index(p, k->ref_schema, k->ref_table);
			if (w >= 0 && !p->tabs.items[w].dst->owned)
				continue;
			if (drop_fk(p, t, k))
				return CMIG_ENOMEM;
		}
		for (size_t x = 0; x < dst->indexes.n; x++) {
			const struct cmig_sch_index *ix = &dst->indexes.items[x];
			struct cmig_copy_ddl dd = { t, ix->name, ix->definition, ix->comment, true };
			if (ix->unique || strcmp(ix->table, t->name) ||
			    (ix->schema && t->schema && strcmp(ix->schema, t->schema)) || !ix->definition)
				continue;
			if (CMIG_VEC_PUSH(&p->dropped, dd))
				return CMIG_ENOMEM;
		}
	}
	return CMIG_OK;
}

/* A table outside the copy whose foreign key references a --truncate target. */
static int check_outside_refs(const struct cmig_copy_plan *p, const struct cmig_schema *dst,
                              cmig_diags *d)
{
	int rc = CMIG_OK;
	for (size_t i = 0; i < dst->tables.n; i++) {
		const struct cmig_sch_table *t = &dst->tables.items[i];
		bool inside = false;
		for (size_t j = 0; j < p->tabs.n && !inside; j++)
			inside = p->tabs.items[j].dst == t;
		if (inside)
			continue;
		for (size_t c = 0; c < t->constraints.n; c++) {
			const struct cmig_sch_constraint *k = &t->constraints.items[c];
			if (k->kind == CMIG_SCH_FOREIGN && tab_index(p, k->ref_schema, k->ref_table) >= 0)
				rc = cmig_diag_full(d, CMIG_DIAG_ERROR, CMIG_ERROR, NULL, NULL, 0, 0, NULL,
				                    "copy that table too, or empty the targets yourself",
				                    "--truncate would empty %s, which table %s outside the "
				                    "copy references (foreign key %s)", k->ref_table,
				                    t->name, k->name ? k->name : "unnamed");
		}
	}
	return rc;
}

int cmig_copy_plan_make(struct cmig_copy_plan *p, const struct cmig_schema *src,
                        const struct cmig_schema *dst, const char *tables, const char *exclude,
                        unsigned flags, cmig_diags *d)
{
	strvec only = CMIG_VEC_INIT, excl = CMIG_VEC_INIT;
	int rc;

	memset(p, 0, sizeof(*p));
	p->source_pg = src->dialect == CMIG_SCH_POSTGRESQL;
	p->target_pg = dst->dialect == CMIG_SCH_POSTGRESQL;
	rc = split_list(&only, tables);
	if (!rc)
		rc = split_list(&excl, exclude);
	if (rc) {
		rc = cmig_diag_oom(d);
		goto out;
	}
	/* every --tables name must be a source table */
	for (size_t i = 0; i < only.n; i++) {
		bool found = false;
		for (size_t j = 0; j < src->tables.n && !found; j++)
			found = !strcasecmp(src->tables.items[j].name, only.items[i]);
		if (!found)
			rc = cmig_diag_error(d, NULL, 0, CMIG_EUSAGE, NULL,
			                     "--tables names %s, which the source does not have",
			                     only.items[i]);
	}
	for (size_t j = 0; j < src->tables.n; j++) {
		const struct cmig_sch_table *st = &src->tables.items[j];
		int r;
		if (st->is_virtual || in_list(&excl, st->name) || (only.n && !in_list(&only, st->name)))
			continue;
		r = add_table(p, src, dst, st, &excl, d);
		if (r == CMIG_ENOMEM) {
			rc = r;
			goto out;
		}
		if (r)
			rc = r;
	}
	if (rc)
		goto out;
	if ((rc = order_tables(p, d)) != CMIG_OK)
		goto out;
	if (p->target_pg && !(flags & CMIG_COPY_KEEP_INDEXES) && plan_speed(p, dst)) {
		rc = cmig_diag_oom(d);
		goto out;
	}
	if ((rc = plan_cycles(p, d)) == CMIG_ENOMEM)
		rc = cmig_diag_oom(d);
	if (!rc && (flags & CMIG_COPY_TRUNCATE))
		rc = check_outside_refs(p, dst, d);
out:
	strvec_free(&only);
	strvec_free(&excl);
	return rc;
}

void cmig_copy_plan_release(struct cmig_copy_plan *p)
{
	for (size_t i = 0; i < p->tabs.n; i++) {
		free(p->tabs.items[i].cols.items);
		free(p->tabs.items[i].pk.items);
	}
	free(p->tabs.items);
	free(p->deferred.items);
	free(p->deferred_tab.items);
	free(p->dropped.items);
	memset(p, 0, sizeof(*p));
}
