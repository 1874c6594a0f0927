/*
 * rebuild_names.c - derived constraint names stay stable through a rebuild (SPEC §6).
 *
 * On PostgreSQL a constraint keeps the name it was given until it is dropped; on SQLite an
 * unnamed constraint's name is derived again from the table's current text, so dropping
 * rng_check would make rng_check1 derive as rng_check. Invariants: before the first edit,
 * every unnamed nameable constraint carries in ->pgname the name derivation gives it then;
 * lookups by name while the folded ALTERs are applied use that name (they see the names as
 * they stood before the first ALTER); after the edits, a constraint whose derivation on the
 * new definition differs from its ->pgname gets `CONSTRAINT <pgname>` written into its text,
 * so the stored table says the name PostgreSQL would have, and later migrations find it.
 */
#include <stdlib.h>
#include <string.h>

#include "rebuild_int.h"
#include "sqltext.h"
#include "text.h"

static struct cmig_cons *cons_at(struct cmig_rebuild_state *st, const struct cmig_pgname *p)
{
	return p->col >= 0 ? &st->t.cols[p->col].cons[p->idx] : &st->t.tcons[p->idx];
}

int cmig_rebuild_names_stash(struct cmig_rebuild_state *st)
{
	struct cmig_pgname *v;
	size_t n;
	int rc = cmig_rebuild_edit_derived(st, &v, &n);
	if (rc)
		return rc;
	for (size_t i = 0; i < n && !rc; i++) {
		struct cmig_cons *k = cons_at(st, &v[i]);
		if (v[i].named)
			continue;
		free(k->pgname);
		if (!(k->pgname = cmig_strdup(v[i].name)))
			rc = cmig_diag_oom(st->d);
	}
	cmig_pgnames_free(v, n);
	return rc;
}

/* A derived name is lower-case letters, digits and '_' unless a quoted identifier went into
 * it; only those others need quoting in the text. */
static bool plain(const char *s)
{
	if (!*s || (*s >= '0' && *s <= '9'))
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
			return false;
	return true;
}

static int pin(struct cmig_rebuild_state *st, const struct cmig_pgname *p)
{
	struct cmig_cons *k = cons_at(st, p);
	cmig_buf b = CMIG_BUF_INIT;
	char *name = cmig_strdup(k->pgname);
	int rc = name ? cmig_buf_puts(&b, "CONSTRAINT ") : CMIG_ENOMEM;
	if (!rc)
		rc = plain(name) ? cmig_buf_puts(&b, name) : cmig_sqltext_quote(&b, name);
	if (!rc)
		rc = cmig_buf_printf(&b, " %s", k->text);
	if (rc) {
		free(name);
		cmig_buf_release(&b);
		return cmig_diag_oom(st->d);
	}
	free(k->text);
	k->text = cmig_buf_detach(&b);
	free(k->name);
	k->name = name;
	if (p->col >= 0)
		st->t.cols[p->col].dirty = true;
	return k->text ? CMIG_OK : cmig_diag_oom(st->d);
}

int cmig_rebuild_names_pin(struct cmig_rebuild_state *st)
{
	/* each pass pins at least one constraint or ends, so this terminates */
	for (;;) {
		struct cmig_pgname *v;
		size_t n, pinned = 0;
		int rc = cmig_rebuild_edit_derived(st, &v, &n);
		if (rc)
			return rc;
		for (size_t i = 0; i < n && !rc; i++) {
			const struct cmig_cons *k = cons_at(st, &v[i]);
			if (v[i].named || !k->pgname || strcmp(k->pgname, v[i].name) == 0)
				continue;
			rc = pin(st, &v[i]);
			pinned++;
		}
		cmig_pgnames_free(v, n);
		if (rc || pinned == 0)
			return rc;
	}
}
