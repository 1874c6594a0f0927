/*
 * table_edit.c - the edits batch mode makes to a table model (table.h): add and drop columns
 * and table constraints, change a column's type, remove column constraints (SPEC §6).
 *
 * Invariants: the model stays printable after every edit, and what the user wrote around the
 * other elements survives: an added element takes the last element's indentation (its lead
 * from the last newline), the spaces before ')' stay before ')', and a comment that trailed a
 * dropped element on its own line ("id INT, -- the id") goes with it. A column edit marks the
 * column dirty, so it is printed from its parts. Moved-in structs belong to the table from the
 * call on, also when the edit fails for want of memory.
 */
#include "table.h"

#include <stdlib.h>
#include <string.h>

#include "text.h"

/* The lead for a new element: the last element's when it starts on its own line. */
static char *new_lead(const struct cmig_table *t)
{
	const char *l = NULL;
	if (t->ntcons)
		l = t->tcons[t->ntcons - 1].lead;
	else if (t->ncols)
		l = t->cols[t->ncols - 1].lead;
	if (l && strchr(l, '\n')) {
		const char *nl = strrchr(l, '\n');
		return cmig_strdup(nl); /* the newline and the indentation, not comments */
	}
	return cmig_strdup(" ");
}

/* The last element's `after` may hold a line comment; the new last element follows it. */
static void fix_after_for_append(struct cmig_table *t, char **moved)
{
	char **after = t->ntcons ? &t->tcons[t->ntcons - 1].after
	                         : (t->ncols ? &t->cols[t->ncols - 1].after : NULL);
	*moved = NULL;
	if (!after || !*after)
		return;
	/* the spaces before ')' (e.g. "\n") belong after the new last element */
	if (strspn(*after, " \t\r\n") == strlen(*after)) {
		*moved = *after;
		*after = cmig_strdup("");
	}
}

int cmig_table_add_column(struct cmig_table *t, struct cmig_column *c)
{
	struct cmig_column *p;
	char *moved;
	if (!(p = realloc(t->cols, (t->ncols + 1) * sizeof(*p)))) {
		cmig_column_release(c);
		return CMIG_ENOMEM;
	}
	t->cols = p;
	free(c->lead);
	free(c->after);
	c->lead = new_lead(t);
	if (t->ntcons) {
		c->after = cmig_strdup("");
	} else {
		fix_after_for_append(t, &moved);
		c->after = moved ? moved : cmig_strdup("");
	}
	t->cols[t->ncols++] = *c;
	memset(c, 0, sizeof(*c));
	/* added either way (the table owns it); a missing text fails the edit */
	return t->cols[t->ncols - 1].lead && t->cols[t->ncols - 1].after ? CMIG_OK : CMIG_ENOMEM;
}

/* The element after a dropped one inherits the dropped one's line: a comment that trailed
 * the dropped element on its line ("id INT, -- the id") goes with it. */
static void inherit_lead(char **next, const char *dropped)
{
	const char *nl = next && *next ? strchr(*next, '\n') : NULL;
	const char *dl;
	cmig_buf b = CMIG_BUF_INIT;
	if (!next || !*next || !dropped)
		return;
	if (!nl) {
		/* "a INT, b INT": b takes a's place and a's (empty) lead */
		char *c = cmig_strdup(dropped);
		if (c) {
			free(*next);
			*next = c;
		}
		return;
	}
	dl = strrchr(dropped, '\n');
	if (cmig_buf_add(&b, dropped, dl ? (size_t)(dl - dropped) + 1 : 0) || cmig_buf_puts(&b, nl + 1)) {
		cmig_buf_release(&b);
		return;
	}
	free(*next);
	*next = cmig_buf_detach(&b);
}

void cmig_table_drop_column(struct cmig_table *t, size_t i)
{
	char **next = i + 1 < t->ncols ? &t->cols[i + 1].lead : (t->ntcons ? &t->tcons[0].lead : NULL);
	inherit_lead(next, t->cols[i].lead);
	{
	bool last = i + 1 == t->ncols && t->ntcons == 0;
	char *after = NULL;
	if (last && i > 0) {
		after = t->cols[i].after;
		t->cols[i].after = NULL;
	}
	cmig_column_release(&t->cols[i]);
	memmove(&t->cols[i], &t->cols[i + 1], (t->ncols - i - 1) * sizeof(*t->cols));
	t->ncols--;
	if (after) {
		free(t->cols[t->ncols - 1].after);
		t->cols[t->ncols - 1].after = after;
	}
	}
}

int cmig_table_add_constraint(struct cmig_table *t, struct cmig_cons *c)
{
	struct cmig_cons *p;
	char *moved;
	if (!(p = realloc(t->tcons, (t->ntcons + 1) * sizeof(*p)))) {
		cmig_cons_release(c);
		return CMIG_ENOMEM;
	}
	t->tcons = p;
	free(c->lead);
	free(c->after);
	c->lead = new_lead(t);
	fix_after_for_append(t, &moved);
	c->after = moved ? moved : cmig_strdup("");
	t->tcons[t->ntcons++] = *c;
	memset(c, 0, sizeof(*c));
	return t->tcons[t->ntcons - 1].lead && t->tcons[t->ntcons - 1].after ? CMIG_OK : CMIG_ENOMEM;
}

void cmig_table_drop_constraint(struct cmig_table *t, size_t i)
{
	bool last = i + 1 == t->ntcons;
	char *after = NULL;
	if (!last)
		inherit_lead(&t->tcons[i + 1].lead, t->tcons[i].lead);
	if (last) {
		after = t->tcons[i].after;
		t->tcons[i].after = NULL;
	}
	cmig_cons_release(&t->tcons[i]);
	memmove(&t->tcons[i], &t->tcons[i + 1], (t->ntcons - i - 1) * sizeof(*t->tcons));
	t->ntcons--;
	if (after) {
		char **prev = t->ntcons ? &t->tcons[t->ntcons - 1].after
		                        : (t->ncols ? &t->cols[t->ncols - 1].after : NULL);
		if (prev && strspn(after, " \t\r\n") == strlen(after)) {
			free(*prev);
			*prev = after;
		} else {
			free(after);
		}
	}
}

int cmig_column_set_type(struct cmig_column *c, const char *type)
{
	char *n = cmig_strdup(type);
	if (!n)
		return CMIG_ENOMEM;
	free(c->type);
	c->type = n;
	c->dirty = true;
	return CMIG_OK;
}

void cmig_column_remove_at(struct cmig_column *c, size_t i)
{
	cmig_cons_release(&c->cons[i]);
	memmove(&c->cons[i], &c->cons[i + 1], (c->ncons - i - 1) * sizeof(*c->cons));
	c->ncons--;
	c->dirty = true;
}

size_t cmig_column_remove(struct cmig_column *c, cmig_cons_kind kind)
{
	size_t n = 0;
	for (size_t i = 0; i < c->ncons;) {
		if (c->cons[i].kind == kind) {
			cmig_column_remove_at(c, i);
			n++;
		} else {
			i++;
		}
	}
	return n;
}
