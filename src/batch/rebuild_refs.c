/*
 * rebuild_refs.c - the foreign keys of other tables that a batch edit would leave dangling
 * (SPEC §6: PostgreSQL refuses such a drop without CASCADE, and so does batch mode).
 *
 * Invariants: dropping a column is refused when any foreign key of another table names it
 * (explicitly, or through the parent's primary key). Dropping a key (PRIMARY KEY or UNIQUE)
 * is refused only when a foreign key needs that column set and nothing else would give it the
 * unique index SQLite requires of a parent key: a foreign key without a column list needs the
 * primary key itself; one with a column list needs *some* primary key, UNIQUE constraint or
 * full (non-partial, plain-column) UNIQUE index on exactly its columns, and another one left
 * standing satisfies it (a UNIQUE (id) beside PRIMARY KEY (id) can go).
 */
#include <stdlib.h>
#include <string.h>

#include "rebuild_int.h"
#include "sqltext.h"
#include "text.h"

static bool same_set(char *const *a, size_t na, char *const *b, size_t nb)
{
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++) {
		bool found = false;
		for (size_t j = 0; j < nb && !found; j++)
			found = cmig_sqltext_name_eq(a[i], b[j]);
		if (!found)
			return false;
	}
	return true;
}

static bool is_key(const struct cmig_cons *k)
{
	return k->kind == CMIG_CONS_PRIMARY || k->kind == CMIG_CONS_UNIQUE;
}

/* Whether a CREATE UNIQUE INDEX's columns are exactly cols: plain column names (ASC/DESC
 * allowed), no expression, no WHERE clause (SQLite takes no partial index as a parent key). */
static bool unique_index_on(const char *sql, char *const *cols, size_t ncols)
{
	cmig_stoks t;
	char **names = NULL;
	size_t n = 0, open = 0, close;
	bool ok = false;

	if (cmig_stoks_build(&t, sql, 0, strlen(sql)))
		return false;
	while (open < t.n && !cmig_stoks_punct(&t, open, '('))
		open++;
	if (!cmig_stoks_is(&t, 1, "UNIQUE") || open >= t.n || (close = t.items[open].match) != t.n - 1 ||
	    !(names = calloc(t.n, sizeof(*names))))
		goto done;
	for (size_t i = open + 1; i < close;) {
		size_t e = cmig_stoks_element_end(&t, i);
		if (e > close)
			e = close;
		if (!cmig_stoks_is_name(&t, i) ||
		    (e > i + 1 && !(e == i + 2 && (cmig_stoks_is(&t, i + 1, "ASC") || cmig_stoks_is(&t, i + 1, "DESC")))))
			goto done;
		if (!(names[n++] = cmig_stoks_name(&t, i)))
			goto done;
		i = e < close ? e + 1 : close;   /* past the ',' */
	}
	ok = same_set(names, n, cols, ncols);
done:
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	cmig_stoks_release(&t);
	return ok;
}

/* Whether a key of st's table other than `dropping`, or a UNIQUE index on it, is exactly cols. */
static bool other_key_on(const struct cmig_rebuild_state *st, const struct cmig_cons *dropping,
                         char *const *cols, size_t ncols)
{
	for (size_t i = 0; i < st->t.ncols; i++)
		for (size_t j = 0; j < st->t.cols[i].ncons; j++) {
			const struct cmig_cons *k = &st->t.cols[i].cons[j];
			if (k != dropping && is_key(k) && same_set(k->cols, k->ncols, cols, ncols))
				return true;
		}
	for (size_t i = 0; i < st->t.ntcons; i++) {
		const struct cmig_cons *k = &st->t.tcons[i];
		if (k != dropping && is_key(k) && same_set(k->cols, k->ncols, cols, ncols))
			return true;
	}
	for (size_t i = 0; i < st->s->n; i++) {
		const struct cmig_schema_obj *o = &st->s->objs[i];
		if (strcmp(o->type, "index") == 0 && o->sql && cmig_sqltext_name_eq(o->tbl_name, st->t.name) &&
		    unique_index_on(o->sql, cols, ncols))
			return true;
	}
	return false;
}

/* Whether the foreign key (parent columns pcols, none: the primary key) needs what is dropped:
 * the column `column`, or else the key `key`. */
static bool needs(const struct cmig_rebuild_state *st, char *const *pcols, size_t npcols,
                  const char *column, const struct cmig_cons *key)
{
	char *const *pk;
	size_t npk = cmig_table_primary_key(&st->t, &pk);
	char *const *used = npcols ? pcols : pk;
	size_t nused = npcols ? npcols : npk;

	if (column) {
		for (size_t j = 0; j < nused; j++)
			if (cmig_sqltext_name_eq(used[j], column))
				return true;
		return false;
	}
	if (!npcols)
		return key->kind == CMIG_CONS_PRIMARY;
	return same_set(used, nused, key->cols, key->ncols) && !other_key_on(st, key, used, nused);
}

/* Reports the first foreign key of another table that needs the column or key, naming both
 * tables and the constraint; CMIG_OK when none. */
static int check(struct cmig_rebuild_state *st, const char *column, const struct cmig_cons *key,
                 const char *what)
{
	int rc = CMIG_OK;

	for (size_t i = 0; i < st->s->n && !rc; i++) {
		const struct cmig_schema_obj *o = &st->s->objs[i];
		struct cmig_table child;
		cmig_diags quiet = CMIG_DIAGS_INIT;
		struct cmig_pgname *names = NULL;
		size_t nnames = 0;

		if (strcmp(o->type, "table") != 0 || !o->sql || cmig_sqltext_name_eq(o->name, st->t.name) ||
		    !cmig_sqltext_mentions(o->sql, st->t.name))
			continue;
		if (cmig_table_parse(&child, o->sql, &quiet)) {
			cmig_diags_release(&quiet);
			continue;
		}
		cmig_diags_release(&quiet);
		if (cmig_pgnames_assign(&names, &nnames, &child, NULL, 0)) {
			cmig_table_release(&child);
			return cmig_diag_oom(st->d);
		}
		for (size_t k = 0; k < nnames && !rc; k++) {
			const struct cmig_cons *fk;
			char *parent = NULL, **pcols = NULL;
			size_t npcols = 0;
			if (names[k].kind != CMIG_CONS_FOREIGN)
				continue;
			fk = names[k].col >= 0 ? &child.cols[names[k].col].cons[names[k].idx]
			                       : &child.tcons[names[k].idx];
			if (cmig_table_references(&parent, &pcols, &npcols, fk->body) != CMIG_OK)
				continue;
			if (cmig_sqltext_name_eq(parent, st->t.name) && needs(st, pcols, npcols, column, key))
				rc = cmig_rebuild_fail(st->d, st->w, "cannot drop %s of table \"%s\": constraint "
				                       "\"%s\" of table \"%s\" depends on it", what, st->t.name,
				                       names[k].name, child.name);
			free(parent);
			for (size_t j = 0; j < npcols; j++)
				free(pcols[j]);
			free(pcols);
		}
		cmig_pgnames_free(names, nnames);
		cmig_table_release(&child);
	}
	return rc;
}

int cmig_rebuild_refs_column(struct cmig_rebuild_state *st, const char *column)
{
	char *what = cmig_asprintf("column \"%s\"", column);
	int rc = what ? check(st, column, NULL, what) : cmig_diag_oom(st->d);
	free(what);
	return rc;
}

int cmig_rebuild_refs_key(struct cmig_rebuild_state *st, const struct cmig_cons *key, const char *name)
{
	char *what = cmig_asprintf("constraint \"%s\"", name);
	int rc = what ? check(st, NULL, key, what) : cmig_diag_oom(st->d);
	free(what);
	return rc;
}
