/*
 * pgnames.c - PostgreSQL 15's default constraint names (see pgnames.h; SPEC §6).
 *
 * Written from PostgreSQL's documented behaviour and the names a real server gives (the
 * expected names in tests/unit/test_pgnames.c were taken from PostgreSQL 15), not from its
 * source. Order of assignment follows what PostgreSQL does for a CREATE TABLE: explicit names
 * are taken first, then CHECK constraints in written order, then the primary key, then
 * UNIQUE constraints in written order, then foreign keys in written order.
 */
#include "pgnames.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sqltext.h"
#include "text.h"

/* The longest prefix of s[0, n) that does not split a UTF-8 sequence. */
static size_t clip_utf8(const char *s, size_t n)
{
	size_t len = strlen(s);
	if (n >= len)
		return len;
	while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	return n;
}

char *cmig_pgnames_make(const char *name1, const char *name2, const char *label)
{
	size_t n1 = strlen(name1), n2 = name2 ? strlen(name2) : 0, overhead = 0, avail;
	cmig_buf b = CMIG_BUF_INIT;

	if (name2)
		overhead++;
	if (label)
		overhead += strlen(label) + 1;
	avail = overhead < CMIG_PGNAMES_MAX ? CMIG_PGNAMES_MAX - overhead : 0;
	while (n1 + n2 > avail) {
		if (n1 > n2)
			n1--;
		else
			n2--;
	}
	n1 = clip_utf8(name1, n1);
	if (name2)
		n2 = clip_utf8(name2, n2);
	if (cmig_buf_add(&b, name1, n1) ||
	    (name2 && (cmig_buf_putc(&b, '_') || cmig_buf_add(&b, name2, n2))) ||
	    (label && cmig_buf_printf(&b, "_%s", label))) {
		cmig_buf_release(&b);
		return NULL;
	}
	return cmig_buf_detach(&b);
}

char *cmig_pgnames_join(char *const *names, size_t n)
{
	cmig_buf b = CMIG_BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(names[i]);
		if (l > CMIG_PGNAMES_MAX)
			l = CMIG_PGNAMES_MAX;
		if ((b.len && cmig_buf_putc(&b, '_')) || cmig_buf_add(&b, names[i], l)) {
			cmig_buf_release(&b);
			return NULL;
		}
		if (b.len >= CMIG_PGNAMES_MAX + 1)
			break;
	}
	return cmig_buf_detach(&b);
}

char *cmig_pgnames_fold(const char *name, bool quoted)
{
	char *s = cmig_strdup(name);
	if (s && !quoted)
		for (char *p = s; *p; p++)
			if (*p >= 'A' && *p <= 'Z')
				*p = (char)(*p - 'A' + 'a');
	return s;
}

void cmig_pgnames_free(struct cmig_pgname *names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i].name);
	free(names);
}

struct ctx {
	const struct cmig_table *t;
	const char *const *relnames;
	size_t nrel;
	struct cmig_pgname *v;
	size_t n;
	char *tname;
};

static bool taken(const struct ctx *c, const char *name, bool relations)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->v[i].name && strcmp(c->v[i].name, name) == 0)
			return true;
	if (relations)
		for (size_t i = 0; i < c->nrel; i++)
			if (c->relnames[i] && cmig_text_ieq(c->relnames[i], name))
				return true;
	return false;
}

/* Choose name1_name2_label, numbering the label until it is free. */
static char *choose(const struct ctx *c, const char *name2, const char *label, bool relations)
{
	char mod[32];
	for (unsigned pass = 0;; pass++) {
		char *s;
		if (pass == 0)
			snprintf(mod, sizeof(mod), "%s", label);
		else
			snprintf(mod, sizeof(mod), "%s%u", label, pass);
		if (!(s = cmig_pgnames_make(c->tname, name2, mod)))
			return NULL;
		if (!taken(c, s, relations))
			return s;
		free(s);
	}
}

static const struct cmig_cons *cons_of(const struct ctx *c, const struct cmig_pgname *p)
{
	return p->col >= 0 ? &c->t->cols[p->col].cons[p->idx] : &c->t->tcons[p->idx];
}

/* *out: the folded names of the constraint's columns joined (column constraints: the
 * column), NULL when it has none. Out of memory is an error, never a NULL part: a name
 * without its column part is another valid name, and a rebuild would build it. */
static int column_part(char **out, const struct ctx *c, const struct cmig_cons *k, long col)
{
	char **names;
	size_t n = col >= 0 ? 1 : k->ncols;
	bool all = true;
	*out = NULL;
	if (n == 0)
		return CMIG_OK;
	if (!(names = calloc(n, sizeof(*names))))
		return CMIG_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const char *nm = col >= 0 ? c->t->cols[col].name : k->cols[i];
		long ci = cmig_table_column(c->t, nm);
		names[i] = cmig_pgnames_fold(ci >= 0 ? c->t->cols[ci].name : nm,
		                             ci >= 0 ? c->t->cols[ci].quoted : false);
		all = all && names[i];
	}
	if (all)
		*out = cmig_pgnames_join(names, n);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return *out ? CMIG_OK : CMIG_ENOMEM;
}

/* PostgreSQL names a CHECK after its column only when the expression uses exactly one
 * (*out NULL otherwise); out of memory is an error, as in column_part. The expression is
 * tokenized once and each name looked up, not once per column of the table. */
static int check_part(char **out, const struct ctx *c, const struct cmig_cons *k)
{
	const char *body = k->body ? k->body : "";
	cmig_stoks t;
	long found = -1;
	*out = NULL;
	if (cmig_stoks_build(&t, body, 0, strlen(body)))
		return CMIG_ENOMEM;
	for (size_t i = 0; i < t.n && found != -2; i++) {
		char *u;
		long ci;
		if (t.items[i].kind != CMIG_TOK_WORD && t.items[i].kind != CMIG_TOK_QIDENT)
			continue;
		if (t.items[i].kind == CMIG_TOK_WORD && cmig_stoks_punct(&t, i + 1, '('))
			continue; /* a function call */
		if (!(u = cmig_stoks_name(&t, i))) {
			cmig_stoks_release(&t);
			return CMIG_ENOMEM;
		}
		ci = cmig_table_column(c->t, u);
		free(u);
		if (ci >= 0)
			found = found >= 0 && found != ci ? -2 : ci;
	}
	cmig_stoks_release(&t);
	if (found < 0)
		return CMIG_OK;
	*out = cmig_pgnames_fold(c->t->cols[found].name, c->t->cols[found].quoted);
	return *out ? CMIG_OK : CMIG_ENOMEM;
}

static int push(struct ctx *c, long col, size_t idx, const struct cmig_cons *k)
{
	struct cmig_pgname *p = realloc(c->v, (c->n + 1) * sizeof(*p));
	if (!p)
		return CMIG_ENOMEM;
	c->v = p;
	p = &c->v[c->n++];
	p->col = col;
	p->idx = idx;
	p->kind = k->kind;
	p->named = k->name != NULL;
	p->name = k->name ? cmig_strdup(k->name) : NULL;
	return k->name && !p->name ? CMIG_ENOMEM : CMIG_OK;
}

static int derive(struct ctx *c, cmig_cons_kind kind)
{
	for (size_t i = 0; i < c->n; i++) {
		struct cmig_pgname *p = &c->v[i];
		const struct cmig_cons *k;
		char *part = NULL;
		if (p->named || p->kind != kind)
			continue;
		k = cons_of(c, p);
		switch (kind) {
		case CMIG_CONS_PRIMARY:
			p->name = choose(c, NULL, "pkey", true);
			break;
		case CMIG_CONS_UNIQUE:
			if (column_part(&part, c, k, p->col))
				return CMIG_ENOMEM;
			p->name = choose(c, part, "key", true);
			break;
		case CMIG_CONS_FOREIGN:
			if (column_part(&part, c, k, p->col))
				return CMIG_ENOMEM;
			p->name = choose(c, part, "fkey", false);
			break;
		case CMIG_CONS_CHECK:
			if (check_part(&part, c, k))
				return CMIG_ENOMEM;
			p->name = choose(c, part, "check", false);
			break;
		default:
			break;
		}
		free(part);
		if (!p->name)
			return CMIG_ENOMEM;
	}
	return CMIG_OK;
}

static bool nameable(cmig_cons_kind k)
{
	return k == CMIG_CONS_PRIMARY || k == CMIG_CONS_UNIQUE || k == CMIG_CONS_CHECK ||
	       k == CMIG_CONS_FOREIGN;
}

int cmig_pgnames_assign(struct cmig_pgname **out, size_t *n_out, const struct cmig_table *t,
                        const char *const *relnames, size_t nrel)
{
	struct ctx c;
	int rc = CMIG_OK;
	static const cmig_cons_kind order[] = { CMIG_CONS_CHECK, CMIG_CONS_PRIMARY, CMIG_CONS_UNIQUE,
	                                        CMIG_CONS_FOREIGN };

	*out = NULL;
	*n_out = 0;
	memset(&c, 0, sizeof(c));
	c.t = t;
	c.relnames = relnames;
	c.nrel = nrel;
	if (!(c.tname = cmig_pgnames_fold(t->name, t->name_quoted)))
		return CMIG_ENOMEM;
	for (size_t i = 0; i < t->ncols && !rc; i++)
		for (size_t j = 0; j < t->cols[i].ncons && !rc; j++)
			if (nameable(t->cols[i].cons[j].kind))
				rc = push(&c, (long)i, j, &t->cols[i].cons[j]);
	for (size_t i = 0; i < t->ntcons && !rc; i++)
		if (nameable(t->tcons[i].kind))
			rc = push(&c, -1, i, &t->tcons[i]);
	for (size_t k = 0; k < sizeof(order) / sizeof(order[0]) && !rc; k++)
		rc = derive(&c, order[k]);
	free(c.tname);
	if (rc) {
		cmig_pgnames_free(c.v, c.n);
		return rc;
	}
	*out = c.v;
	*n_out = c.n;
	return CMIG_OK;
}
