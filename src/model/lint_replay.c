/*
 * lint_replay.c - the chain's tables as lint needs them (see lint_int.h): every PostgreSQL up
 * section's CREATE TABLE, ALTER TABLE and DROP TABLE, applied in chain order to batch mode's
 * table model (batch/table.c), plus the CHECK (c IS NOT NULL) constraints and whether each
 * was validated.
 *
 * Knowledge is only ever lost, never guessed: a CREATE TABLE the model cannot parse (AS
 * SELECT, PARTITION OF, LIKE) leaves the table unknown, so lint-type-change says the old type
 * is unknown instead of trusting a wrong one.
 */
#include "lint_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "table.h"
#include "buf.h"
#include "cmig/cmig.h"

struct nn_check {
	char name[LINT_NAME_MAX];
	char column[LINT_NAME_MAX];
	bool validated;
};

struct lint_table {
	char name[LINT_NAME_MAX];    /* the map's key */
	bool live, known;            /* exists; `t` holds its columns */
	struct cmig_table t;
	struct nn_check *checks;
	size_t nchecks;
};

static struct lint_table *find(const struct lint_model *m, const char *name)
{
	struct lint_table *lt = cmig_strmap_get(&m->tables, name, strlen(name));
	return lt && lt->live ? lt : NULL;
}

/* The entry for name, created dead when missing; NULL out of memory. */
static struct lint_table *entry(struct lint_model *m, const char *name)
{
	struct lint_table *lt = cmig_strmap_get(&m->tables, name, strlen(name));
	if (lt)
		return lt;
	if (m->nall == m->capall) {
		size_t cap = m->capall ? 2 * m->capall : 16;
		struct lint_table **g = realloc(m->all, cap * sizeof(*g));
		if (!g)
			return NULL;
		m->all = g;
		m->capall = cap;
	}
	if (!(lt = calloc(1, sizeof(*lt))))
		return NULL;
	snprintf(lt->name, LINT_NAME_MAX, "%s", name);
	if (cmig_strmap_put(&m->tables, lt->name, strlen(lt->name), lt, NULL) < 0) {
		free(lt);
		return NULL;
	}
	m->all[m->nall++] = lt;
	return lt;
}

static void kill(struct lint_table *lt)
{
	if (lt->known)
		cmig_table_release(&lt->t);
	free(lt->checks);
	lt->checks = NULL;
	lt->nchecks = 0;
	lt->live = lt->known = false;
}

void lint_model_release(struct lint_model *m)
{
	for (size_t i = 0; i < m->nall; i++) {
		kill(m->all[i]);
		free(m->all[i]);
	}
	free(m->all);
	cmig_strmap_release(&m->tables);
	memset(m, 0, sizeof(*m));
}

static long column(const struct lint_table *lt, const char *name)
{
	return lt && lt->known ? cmig_table_column(&lt->t, name) : -1;
}

const char *lint_model_type(const struct lint_model *m, const char *table, const char *col)
{
	const struct lint_table *lt = find(m, table);
	long c = column(lt, col);
	return c < 0 ? NULL : lt->t.cols[c].type;
}

bool lint_model_is_not_null(const struct lint_model *m, const char *table, const char *col)
{
	const struct lint_table *lt = find(m, table);
	long c = column(lt, col);
	char *const *pk;
	size_t npk;
	if (c < 0)
		return false;
	if (cmig_column_find(&lt->t.cols[c], CMIG_CONS_NOT_NULL) >= 0)
		return true;
	npk = cmig_table_primary_key(&lt->t, &pk);
	for (size_t i = 0; i < npk; i++)
		if (!strcmp(pk[i], lt->t.cols[c].name))
			return true;
	return false;
}

bool lint_model_not_null_checked(const struct lint_model *m, const char *table, const char *col)
{
	const struct lint_table *lt = find(m, table);
	if (!lt)
		return false;
	for (size_t i = 0; i < lt->nchecks; i++)
		if (lt->checks[i].validated && !strcmp(lt->checks[i].column, col))
			return true;
	return false;
}

/* Tokens [i, end) are `( col IS NOT NULL )`: the column into col. */
static bool is_not_null_check(const struct lint_stmt *st, size_t i, size_t end, char *col)
{
	if (!lint_punct(st, i, '(') || end < i + 6 || !lint_punct(st, i + 5, ')') ||
	    !lint_kw(st, i + 2, "IS") || !lint_kw(st, i + 3, "NOT") || !lint_kw(st, i + 4, "NULL"))
		return false;
	if (st->t[i + 1].kind != CMIG_TOK_WORD && st->t[i + 1].kind != CMIG_TOK_QIDENT)
		return false;
	lint_token_name(st, i + 1, col);
	return true;
}

static int add_check(struct lint_table *lt, const char *name, const char *col, bool validated)
{
	struct nn_check *g = realloc(lt->checks, (lt->nchecks + 1) * sizeof(*g));
	if (!g)
		return CMIG_ENOMEM;
	lt->checks = g;
	memset(&g[lt->nchecks], 0, sizeof(*g));
	snprintf(g[lt->nchecks].name, LINT_NAME_MAX, "%s", name);
	snprintf(g[lt->nchecks].column, LINT_NAME_MAX, "%s", col);
	g[lt->nchecks++].validated = validated;
	return CMIG_OK;
}

static char *span_dup(const struct lint_stmt *st, size_t i, size_t end)
{
	size_t a = st->t[i].start, b = st->t[end - 1].start + st->t[end - 1].len;
	return cmig_strndup(st->text + a, b - a);
}

static int create_table(struct lint_model *m, const struct lint_stmt *st)
{
	char name[LINT_NAME_MAX];
	size_t i = 1;
	bool ine = false;
	struct lint_table *lt;
	char *sql;
	cmig_diags scratch = CMIG_DIAGS_INIT;
	int rc;

	while (lint_kw(st, i, "TEMP") || lint_kw(st, i, "TEMPORARY") || lint_kw(st, i, "UNLOGGED") ||
	       lint_kw(st, i, "GLOBAL") || lint_kw(st, i, "LOCAL"))
		i++;
	if (!lint_kw(st, i, "TABLE"))
		return CMIG_OK;
	i++;
	ine = lint_if_not_exists(st, &i);
	if (!lint_name(st, &i, name))
		return CMIG_OK;
	if (!(lt = entry(m, name)))
		return CMIG_ENOMEM;
	if (lt->live && ine)
		return CMIG_OK;
	kill(lt);
	lt->live = true;
	if (!lint_punct(st, i, '('))
		return CMIG_OK;          /* AS SELECT, PARTITION OF, OF type: columns unknown */
	if (!(sql = span_dup(st, 0, st->n)))
		return CMIG_ENOMEM;
	scratch.keep = false;
	rc = cmig_table_parse(&lt->t, sql, &scratch);
	free(sql);
	cmig_diags_release(&scratch);
	if (rc == CMIG_ENOMEM)
		return rc;
	lt->known = rc == CMIG_OK;
	/* CHECK (c IS NOT NULL) in the definition: validated by creation */
	for (size_t k = i; k < st->n; k++) {
		char col[LINT_NAME_MAX];
		if (lint_kw(st, k, "CHECK") && is_not_null_check(st, k + 1, st->n, col) &&
		    add_check(lt, "", col, true))
			return CMIG_ENOMEM;
	}
	return CMIG_OK;
}

static int alter_action(struct lint_model *m, struct lint_table *lt, const struct lint_stmt *st,
                        size_t i, size_t end)
{
	char col[LINT_NAME_MAX], name[LINT_NAME_MAX] = "";
	cmig_diags scratch = CMIG_DIAGS_INIT;
	long c;
	int rc = CMIG_OK;
	scratch.keep = false;

	if (lint_kw(st, i, "ADD")) {
		size_t k = i + 1;
		if (lint_kw(st, k, "CONSTRAINT") && k + 1 < end) {
			lint_token_name(st, k + 1, name);
			k += 2;
		}
		if (lint_kw(st, k, "CHECK")) {
			bool nv = false;
			for (size_t u = k; u < end; u++)
				nv |= lint_kw(st, u, "NOT") && lint_kw(st, u + 1, "VALID");
			if (is_not_null_check(st, k + 1, end, col)) {
				if (!name[0]) {   /* PostgreSQL's name for it: <table>_<column>_check */
					char full[3 * LINT_NAME_MAX];
					snprintf(full, sizeof(full), "%s_%s_check", lt->name, col);
					snprintf(name, LINT_NAME_MAX, "%.*s", LINT_NAME_MAX - 1, full);
				}
				return add_check(lt, name, col, !nv);
			}
			return CMIG_OK;
		}
		if (name[0] || lint_kw(st, k, "UNIQUE") || lint_kw(st, k, "PRIMARY") ||
		    lint_kw(st, k, "FOREIGN") || lint_kw(st, k, "EXCLUDE"))
			return CMIG_OK;
		if (lint_kw(st, k, "COLUMN"))
			k++;
		lint_if_not_exists(st, &k);
		if (k >= end || !lt->known)
			return CMIG_OK;
		lint_token_name(st, k, col);
		if (column(lt, col) >= 0)
			return CMIG_OK;
		{
			struct cmig_column nc;
			char *text = span_dup(st, k, end);
			if (!text)
				return CMIG_ENOMEM;
			rc = cmig_table_parse_column(&nc, text, &scratch);
			free(text);
			if (rc == CMIG_OK)
				rc = cmig_table_add_column(&lt->t, &nc);
			else if (rc != CMIG_ENOMEM) {   /* cannot follow it: forget the table's columns */
				cmig_table_release(&lt->t);
				lt->known = false;
				rc = CMIG_OK;
			}
		}
	} else if (lint_kw(st, i, "DROP")) {
		size_t k = i + 1;
		if (lint_kw(st, k, "CONSTRAINT")) {
			k++;
			lint_if_exists(st, &k);
			if (k < end) {
				lint_token_name(st, k, name);
				for (size_t u = 0; u < lt->nchecks; u++)
					if (!strcmp(lt->checks[u].name, name)) {
						lt->checks[u] = lt->checks[--lt->nchecks];
						break;
					}
			}
			return CMIG_OK;
		}
		if (lint_kw(st, k, "COLUMN"))
			k++;
		lint_if_exists(st, &k);
		if (k < end) {
			lint_token_name(st, k, col);
			if ((c = column(lt, col)) >= 0)
				cmig_table_drop_column(&lt->t, (size_t)c);
		}
	} else if (lint_kw(st, i, "ALTER") && !lint_kw(st, i + 1, "CONSTRAINT")) {
		size_t k = i + 1;
		if (lint_kw(st, k, "COLUMN"))
			k++;
		if (k >= end)
			return CMIG_OK;
		lint_token_name(st, k, col);
		if ((c = column(lt, col)) < 0)
			return CMIG_OK;
		k++;
		if (lint_kw(st, k, "SET") && lint_kw(st, k + 1, "DATA"))
			k += 2;
		if (lint_kw(st, k, "TYPE") && k + 1 < end) {
			size_t e = k + 1;
			char *type;
			while (e < end && !lint_kw(st, e, "USING") && !lint_kw(st, e, "COLLATE"))
				e++;
			if (e == k + 1 || !(type = span_dup(st, k + 1, e)))
				return e == k + 1 ? CMIG_OK : CMIG_ENOMEM;
			rc = cmig_column_set_type(&lt->t.cols[c], type);
			free(type);
		} else if (lint_kw(st, k, "SET") && lint_kw(st, k + 1, "NOT") && lint_kw(st, k + 2, "NULL")) {
			if (cmig_column_find(&lt->t.cols[c], CMIG_CONS_NOT_NULL) < 0)
				rc = cmig_column_add(&lt->t.cols[c], "NOT NULL", &scratch);
		} else if (lint_kw(st, k, "DROP") && lint_kw(st, k + 1, "NOT") && lint_kw(st, k + 2, "NULL")) {
			cmig_column_remove(&lt->t.cols[c], CMIG_CONS_NOT_NULL);
		}
	} else if (lint_kw(st, i, "VALIDATE") && lint_kw(st, i + 1, "CONSTRAINT") && i + 2 < end) {
		lint_token_name(st, i + 2, name);
		for (size_t u = 0; u < lt->nchecks; u++)
			if (!strcmp(lt->checks[u].name, name))
				lt->checks[u].validated = true;
	} else if (lint_kw(st, i, "RENAME") && !lint_kw(st, i + 1, "TO") &&
	           !lint_kw(st, i + 1, "CONSTRAINT")) {
		size_t k = i + 1 + lint_kw(st, i + 1, "COLUMN");
		if (k + 2 < end + 1 && lint_kw(st, k + 1, "TO") && k + 2 < end) {
			lint_token_name(st, k, col);
			lint_token_name(st, k + 2, name);
			if ((c = column(lt, col)) >= 0) {
				char *n = cmig_strdup(name);
				if (!n)
					return CMIG_ENOMEM;
				free(lt->t.cols[c].name);
				lt->t.cols[c].name = n;
			}
			for (size_t u = 0; u < lt->nchecks; u++)
				if (!strcmp(lt->checks[u].column, col))
					snprintf(lt->checks[u].column, LINT_NAME_MAX, "%s", name);
		}
	} else if (lint_kw(st, i, "RENAME") && lint_kw(st, i + 1, "TO") && i + 2 < end) {
		struct lint_table *to;
		lint_token_name(st, i + 2, name);
		if (!(to = entry(m, name)))
			return CMIG_ENOMEM;
		if (to != lt) {
			kill(to);
			to->live = lt->live;
			to->known = lt->known;
			to->t = lt->t;
			to->checks = lt->checks;
			to->nchecks = lt->nchecks;
			lt->checks = NULL;
			lt->nchecks = 0;
			lt->live = lt->known = false;
		}
	}
	cmig_diags_release(&scratch);
	return rc;
}

int lint_model_apply(struct lint_model *m, const struct lint_stmt *st)
{
	char name[LINT_NAME_MAX];
	size_t i;
	if (lint_kw(st, 0, "CREATE"))
		return create_table(m, st);
	if (lint_kw(st, 0, "DROP") && lint_kw(st, 1, "TABLE")) {
		i = 2;
		lint_if_exists(st, &i);
		while (lint_name(st, &i, name)) {
			struct lint_table *lt = find(m, name);
			if (lt)
				kill(lt);
			if (!lint_punct(st, i, ','))
				break;
			i++;
		}
		return CMIG_OK;
	}
	if (lint_kw(st, 0, "ALTER") && lint_kw(st, 1, "TABLE")) {
		struct lint_table *lt;
		size_t start;
		int rc = CMIG_OK;
		i = 2;
		lint_if_exists(st, &i);
		if (lint_kw(st, i, "ONLY"))
			i++;
		if (!lint_name(st, &i, name) || !(lt = find(m, name)))
			return CMIG_OK;
		if (lint_punct(st, i, '*'))
			i++;
		start = i;
		while (start < st->n && rc == CMIG_OK && lt->live) {
			size_t end = start;
			while (end < st->n && !lint_punct(st, end, ','))
				end = lint_punct(st, end, '(') ? lint_skip_parens(st, end) : end + 1;
			rc = alter_action(m, lt, st, start, end);
			start = end + 1;
		}
		return rc;
	}
	return CMIG_OK;
}
