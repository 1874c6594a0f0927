/*
 * table.c - CREATE TABLE text <-> table model, for batch mode's rebuilds (SPEC §6).
 *
 * Invariants: every element (column or table constraint) keeps its text byte for byte and
 * the spaces and comments around it; printing an unedited model gives back the statement
 * (modulo the table name when one is given). Column constraints are split by SQLite's
 * grammar (lang_createtable.html): a new constraint starts at CONSTRAINT, PRIMARY, NOT NULL,
 * NULL, UNIQUE, CHECK, DEFAULT, COLLATE, REFERENCES, GENERATED or AS at the column's own
 * parenthesis level — except inside a REFERENCES clause, where SET NULL, SET DEFAULT and
 * NOT DEFERRABLE belong to the clause.
 *
 * The edits of the model are in table_edit.c.
 *
 * Deliberately not done: validating types or expressions (SQLite does that when the new table
 * is created), CREATE TABLE … AS SELECT (sqlite_schema holds a column list for those anyway).
 */
#include "table.h"

#include <stdlib.h>
#include <string.h>

#include "sqltext.h"
#include "text.h"

static int bad(cmig_diags *d, const cmig_stoks *t, size_t i, const char *what)
{
	if (i >= t->n)
		return cmig_diag_error(d, NULL, 0, CMIG_ERROR, NULL,
		                       "batch mode: cannot read table definition: expected %s at the end",
		                       what);
	return cmig_diag_error(d, NULL, 0, CMIG_ERROR, NULL,
	                       "batch mode: cannot read table definition: expected %s, found \"%.*s\"",
	                       what, (int)(t->items[i].len > 40 ? 40 : t->items[i].len),
	                       t->text + t->items[i].start);
}

void cmig_cons_release(struct cmig_cons *c)
{
	free(c->name);
	free(c->text);
	free(c->body);
	for (size_t i = 0; i < c->ncols; i++)
		free(c->cols[i]);
	free(c->cols);
	free(c->lead);
	free(c->after);
	free(c->pgname);
	memset(c, 0, sizeof(*c));
}

void cmig_column_release(struct cmig_column *c)
{
	free(c->name);
	free(c->name_text);
	free(c->type);
	for (size_t i = 0; i < c->ncons; i++)
		cmig_cons_release(&c->cons[i]);
	free(c->cons);
	free(c->text);
	free(c->lead);
	free(c->after);
	memset(c, 0, sizeof(*c));
}

void cmig_table_release(struct cmig_table *t)
{
	for (size_t i = 0; i < t->ncols; i++)
		cmig_column_release(&t->cols[i]);
	free(t->cols);
	for (size_t i = 0; i < t->ntcons; i++)
		cmig_cons_release(&t->tcons[i]);
	free(t->tcons);
	free(t->name);
	free(t->name_text);
	free(t->schema);
	free(t->between);
	free(t->trail);
	free(t->options);
	memset(t, 0, sizeof(*t));
}

static int add_col_name(struct cmig_cons *c, const char *name)
{
	char **p = realloc(c->cols, (c->ncols + 1) * sizeof(*p));
	if (!p)
		return CMIG_ENOMEM;
	c->cols = p;
	if (!(c->cols[c->ncols] = cmig_strdup(name)))
		return CMIG_ENOMEM;
	c->ncols++;
	return CMIG_OK;
}

/* Whether token i starts a column constraint. in_refs: inside a REFERENCES clause. */
static bool starts_cons(const cmig_stoks *t, size_t i, bool in_refs)
{
	if (cmig_stoks_is(t, i, "NOT"))
		return !cmig_stoks_is(t, i + 1, "DEFERRABLE");
	if (cmig_stoks_is(t, i, "NULL") || cmig_stoks_is(t, i, "DEFAULT"))
		return !(in_refs && i > 0 && cmig_stoks_is(t, i - 1, "SET"));
	return cmig_stoks_is(t, i, "CONSTRAINT") || cmig_stoks_is(t, i, "PRIMARY") ||
	       cmig_stoks_is(t, i, "UNIQUE") || cmig_stoks_is(t, i, "CHECK") ||
	       cmig_stoks_is(t, i, "COLLATE") || cmig_stoks_is(t, i, "REFERENCES") ||
	       cmig_stoks_is(t, i, "GENERATED") || cmig_stoks_is(t, i, "AS");
}

/* Skip one token or parenthesized group at i; returns the index after it. */
static size_t skip1(const cmig_stoks *t, size_t i, size_t e)
{
	if (cmig_stoks_punct(t, i, '(')) {
		size_t m = t->items[i].match;
		return m >= e ? e : m + 1;
	}
	return i + 1;
}

/* The expression inside the parenthesized group at i, into *out; returns the index after. */
static size_t paren_body(const cmig_stoks *t, size_t i, size_t e, char **out)
{
	size_t m = t->items[i].match;
	if (m >= e)
		m = e;
	if (m > i + 1)
		*out = cmig_stoks_span(t, i + 1, m - 1);
	else
		*out = cmig_strdup("");
	return m >= e ? e : m + 1;
}

/* One column constraint at *i (tokens up to e). */
static int parse_col_cons(struct cmig_cons *c, const cmig_stoks *t, size_t *i, size_t e,
                          const char *colname, cmig_diags *d)
{
	size_t k = *i, s = *i;
	memset(c, 0, sizeof(*c));
	if (cmig_stoks_is(t, k, "CONSTRAINT")) {
		if (!cmig_stoks_is_name(t, k + 1) || k + 1 >= e)
			return bad(d, t, k + 1, "a constraint name");
		if (!(c->name = cmig_stoks_name(t, k + 1)))
			return cmig_diag_oom(d);
		k += 2;
	}
	if (cmig_stoks_is(t, k, "PRIMARY") && cmig_stoks_is(t, k + 1, "KEY")) {
		c->kind = CMIG_CONS_PRIMARY;
		k += 2;
		for (; k < e && !starts_cons(t, k, false); k = skip1(t, k, e)) {
			if (cmig_stoks_is(t, k, "AUTOINCREMENT"))
				c->autoincrement = true;
			else if (cmig_stoks_is(t, k, "DESC"))
				c->desc = true;
		}
	} else if (cmig_stoks_is(t, k, "NOT") && cmig_stoks_is(t, k + 1, "NULL")) {
		c->kind = CMIG_CONS_NOT_NULL;
		for (k += 2; k < e && !starts_cons(t, k, false); k = skip1(t, k, e))
			;
	} else if (cmig_stoks_is(t, k, "NULL")) {
		c->kind = CMIG_CONS_NULL;
		for (k += 1; k < e && !starts_cons(t, k, false); k = skip1(t, k, e))
			;
	} else if (cmig_stoks_is(t, k, "UNIQUE")) {
		c->kind = CMIG_CONS_UNIQUE;
		for (k += 1; k < e && !starts_cons(t, k, false); k = skip1(t, k, e))
			;
	} else if (cmig_stoks_is(t, k, "CHECK") && cmig_stoks_punct(t, k + 1, '(')) {
		c->kind = CMIG_CONS_CHECK;
		k = paren_body(t, k + 1, e, &c->body);
	} else if (cmig_stoks_is(t, k, "DEFAULT") && k + 1 < e) {
		size_t v = k + 1;
		c->kind = CMIG_CONS_DEFAULT;
		if ((cmig_stoks_punct(t, v, '-') || cmig_stoks_punct(t, v, '+')) && v + 1 < e)
			k = v + 2;
		else if (t->items[v].kind == CMIG_TOK_WORD && cmig_stoks_punct(t, v + 1, '(') && v + 1 < e)
			k = skip1(t, v + 1, e); /* PostgreSQL's DEFAULT f(…): SQLite wants (f(…)) */
		else
			k = skip1(t, v, e);
		c->body = cmig_stoks_span(t, v, k - 1);
	} else if (cmig_stoks_is(t, k, "COLLATE") && k + 1 < e) {
		c->kind = CMIG_CONS_COLLATE;
		c->body = cmig_stoks_span(t, k + 1, k + 1);
		k += 2;
	} else if (cmig_stoks_is(t, k, "REFERENCES")) {
		size_t r = k;
		c->kind = CMIG_CONS_FOREIGN;
		for (k += 1; k < e && !starts_cons(t, k, true); k = skip1(t, k, e))
			;
		c->body = cmig_stoks_span(t, r, k - 1);
	} else if ((cmig_stoks_is(t, k, "GENERATED") && cmig_stoks_is(t, k + 1, "ALWAYS") &&
	            cmig_stoks_is(t, k + 2, "AS") && cmig_stoks_punct(t, k + 3, '(')) ||
	           (cmig_stoks_is(t, k, "AS") && cmig_stoks_punct(t, k + 1, '('))) {
		c->kind = CMIG_CONS_GENERATED;
		k = paren_body(t, cmig_stoks_is(t, k, "AS") ? k + 1 : k + 3, e, &c->body);
		for (; k < e && !starts_cons(t, k, false); k = skip1(t, k, e))
			if (cmig_stoks_is(t, k, "STORED"))
				c->stored = true;
	} else {
		cmig_cons_release(c);
		return bad(d, t, k, "a column constraint");
	}
	if ((c->kind == CMIG_CONS_CHECK || c->kind == CMIG_CONS_DEFAULT ||
	     c->kind == CMIG_CONS_COLLATE || c->kind == CMIG_CONS_FOREIGN ||
	     c->kind == CMIG_CONS_GENERATED) && !c->body) {
		cmig_cons_release(c);
		return cmig_diag_oom(d);
	}
	if (c->kind == CMIG_CONS_PRIMARY || c->kind == CMIG_CONS_UNIQUE ||
	    c->kind == CMIG_CONS_FOREIGN || c->kind == CMIG_CONS_CHECK) {
		if (add_col_name(c, colname)) {
			cmig_cons_release(c);
			return cmig_diag_oom(d);
		}
	}
	if (!(c->text = cmig_stoks_span(t, s, k - 1))) {
		cmig_cons_release(c);
		return cmig_diag_oom(d);
	}
	*i = k;
	return CMIG_OK;
}

static int push_cons(struct cmig_cons **arr, size_t *n, const struct cmig_cons *c)
{
	struct cmig_cons *p = realloc(*arr, (*n + 1) * sizeof(*p));
	if (!p)
		return CMIG_ENOMEM;
	*arr = p;
	p[(*n)++] = *c;
	return CMIG_OK;
}

/* A column definition: tokens [a, e). */
static int parse_column(struct cmig_column *c, const cmig_stoks *t, size_t a, size_t e,
                        cmig_diags *d)
{
	size_t k = a + 1, ts;
	int rc = CMIG_OK;

	memset(c, 0, sizeof(*c));
	if (!cmig_stoks_is_name(t, a))
		return bad(d, t, a, "a column name");
	c->name = cmig_stoks_name(t, a);
	c->name_text = cmig_stoks_span(t, a, a);
	c->quoted = cmig_stoks_is_quoted(t, a);
	c->text = cmig_stoks_span(t, a, e - 1);
	if (!c->name || !c->name_text || !c->text) {
		cmig_column_release(c);
		return cmig_diag_oom(d);
	}
	ts = k;
	while (k < e && !starts_cons(t, k, false))
		k = skip1(t, k, e);
	c->type = k > ts ? cmig_stoks_span(t, ts, k - 1) : cmig_strdup("");
	if (!c->type) {
		cmig_column_release(c);
		return cmig_diag_oom(d);
	}
	while (k < e && !rc) {
		struct cmig_cons cc;
		rc = parse_col_cons(&cc, t, &k, e, c->name, d);
		if (!rc && push_cons(&c->cons, &c->ncons, &cc)) {
			cmig_cons_release(&cc);
			rc = cmig_diag_oom(d);
		}
	}
	if (rc)
		cmig_column_release(c);
	return rc;
}

/* The columns of "( a COLLATE x DESC, b )" at i into c->cols; returns the index after. */
static int paren_cols(struct cmig_cons *c, const cmig_stoks *t, size_t *i, size_t e,
                      cmig_diags *d)
{
	size_t k = *i, m;
	if (!cmig_stoks_punct(t, k, '('))
		return bad(d, t, k, "'('");
	m = t->items[k].match;
	if (m >= e)
		return bad(d, t, e, "')'");
	for (k = k + 1; k < m;) {
		size_t ee = cmig_stoks_element_end(t, k);
		char *name;
		if (ee > m)
			ee = m;
		if (!cmig_stoks_is_name(t, k))
			return bad(d, t, k, "a column name");
		name = cmig_stoks_name(t, k);
		if (!name || add_col_name(c, name)) {
			free(name);
			return cmig_diag_oom(d);
		}
		free(name);
		k = ee + 1;
	}
	*i = m + 1;
	return CMIG_OK;
}

/* A table constraint: tokens [a, e). */
static int parse_tcons(struct cmig_cons *c, const cmig_stoks *t, size_t a, size_t e,
                       cmig_diags *d)
{
	size_t k = a;
	int rc = CMIG_OK;

	memset(c, 0, sizeof(*c));
	if (cmig_stoks_is(t, k, "CONSTRAINT")) {
		if (!cmig_stoks_is_name(t, k + 1) || k + 1 >= e)
			return bad(d, t, k + 1, "a constraint name");
		if (!(c->name = cmig_stoks_name(t, k + 1)))
			return cmig_diag_oom(d);
		k += 2;
	}
	if (cmig_stoks_is(t, k, "PRIMARY") && cmig_stoks_is(t, k + 1, "KEY")) {
		c->kind = CMIG_CONS_PRIMARY;
		k += 2;
		rc = paren_cols(c, t, &k, e, d);
		for (; !rc && k < e; k++)
			if (cmig_stoks_is(t, k, "AUTOINCREMENT"))
				c->autoincrement = true;
	} else if (cmig_stoks_is(t, k, "UNIQUE")) {
		c->kind = CMIG_CONS_UNIQUE;
		k += 1;
		rc = paren_cols(c, t, &k, e, d);
	} else if (cmig_stoks_is(t, k, "CHECK") && cmig_stoks_punct(t, k + 1, '(')) {
		c->kind = CMIG_CONS_CHECK;
		paren_body(t, k + 1, e, &c->body);
		if (!c->body)
			rc = cmig_diag_oom(d);
	} else if (cmig_stoks_is(t, k, "FOREIGN") && cmig_stoks_is(t, k + 1, "KEY")) {
		c->kind = CMIG_CONS_FOREIGN;
		k += 2;
		rc = paren_cols(c, t, &k, e, d);
		if (!rc && !cmig_stoks_is(t, k, "REFERENCES"))
			rc = bad(d, t, k, "REFERENCES");
		if (!rc && !(c->body = cmig_stoks_span(t, k, e - 1)))
			rc = cmig_diag_oom(d);
	} else {
		rc = bad(d, t, k, "PRIMARY KEY, UNIQUE, CHECK or FOREIGN KEY");
	}
	if (!rc && !(c->text = cmig_stoks_span(t, a, e - 1)))
		rc = cmig_diag_oom(d);
	if (rc)
		cmig_cons_release(c);
	return rc;
}

static bool is_tcons_start(const cmig_stoks *t, size_t i)
{
	return cmig_stoks_is(t, i, "CONSTRAINT") || cmig_stoks_is(t, i, "PRIMARY") ||
	       cmig_stoks_is(t, i, "UNIQUE") || cmig_stoks_is(t, i, "CHECK") ||
	       cmig_stoks_is(t, i, "FOREIGN");
}

static char *gap(const char *sql, size_t from, size_t to)
{
	return cmig_strndup(sql + from, to > from ? to - from : 0);
}

static size_t tok_end(const cmig_stoks *t, size_t i)
{
	return t->items[i].start + t->items[i].len;
}

/* The head, "CREATE [TEMP] TABLE [IF NOT EXISTS] [schema.]name": the name into out, *name_at
 * its token. */
static int parse_head(struct cmig_table *out, cmig_stoks *t, size_t *name_at, cmig_diags *d)
{
	size_t k = 1;
	if (!cmig_stoks_is(t, 0, "CREATE"))
		return bad(d, t, 0, "CREATE TABLE");
	if (cmig_stoks_is(t, k, "TEMP") || cmig_stoks_is(t, k, "TEMPORARY"))
		k++;
	if (!cmig_stoks_is(t, k++, "TABLE"))
		return bad(d, t, k - 1, "TABLE");
	if (cmig_stoks_is(t, k, "IF") && cmig_stoks_is(t, k + 1, "NOT") &&
	    cmig_stoks_is(t, k + 2, "EXISTS"))
		k += 3;
	if (!cmig_stoks_is_name(t, k))
		return bad(d, t, k, "a table name");
	if (cmig_stoks_punct(t, k + 1, '.') && cmig_stoks_is_name(t, k + 2)) {
		out->schema = cmig_stoks_name(t, k);
		k += 2;
	}
	out->name = cmig_stoks_name(t, k);
	out->name_quoted = cmig_stoks_is_quoted(t, k);
	out->name_text = cmig_stoks_span(t, k, k);
	if (!out->name || !out->name_text)
		return cmig_diag_oom(d);
	*name_at = k;
	return CMIG_OK;
}

/* One element of the column list, tokens [k, e): a table constraint or (before any) a column,
 * appended to out with the text around it (lead, after: taken, freed on failure). */
static int add_element(struct cmig_table *out, cmig_stoks *t, size_t k, size_t e, char *lead,
                       char *after, cmig_diags *d)
{
	int rc;
	if (is_tcons_start(t, k)) {
		struct cmig_cons c;
		rc = parse_tcons(&c, t, k, e, d);
		if (!rc) {
			c.lead = lead;
			c.after = after;
			lead = after = NULL;
			if (push_cons(&out->tcons, &out->ntcons, &c)) {
				cmig_cons_release(&c);
				rc = cmig_diag_oom(d);
			}
		}
	} else if (out->ntcons) {
		rc = bad(d, t, k, "a table constraint (columns come first)");
	} else {
		struct cmig_column c;
		rc = parse_column(&c, t, k, e, d);
		if (!rc) {
			struct cmig_column *p = realloc(out->cols, (out->ncols + 1) * sizeof(*p));
			c.lead = lead;
			c.after = after;
			lead = after = NULL;
			if (!p) {
				cmig_column_release(&c);
				rc = cmig_diag_oom(d);
			} else {
				out->cols = p;
				out->cols[out->ncols++] = c;
			}
		}
	}
	free(lead);
	free(after);
	return rc;
}

/* What follows the column list's ')' (token close): kept as text, WITHOUT ROWID and STRICT
 * noted. */
static int parse_options(struct cmig_table *out, const char *sql, cmig_stoks *t, size_t close,
                         cmig_diags *d)
{
	/* the trail: after the last element's ',' region up to ')' is kept in `after`;
	 * what follows a trailing element is empty unless comments sit before ')' */
	out->trail = cmig_strdup("");
	out->options = close + 1 < t->n ? gap(sql, tok_end(t, close), tok_end(t, t->n - 1))
	                                : cmig_strdup("");
	if (!out->trail || !out->options)
		return cmig_diag_oom(d);
	for (size_t k = close + 1; k < t->n; k++) {
		if (cmig_stoks_is(t, k, "WITHOUT") && cmig_stoks_is(t, k + 1, "ROWID"))
			out->without_rowid = true;
		else if (cmig_stoks_is(t, k, "STRICT"))
			out->strict = true;
	}
	return CMIG_OK;
}

int cmig_table_parse(struct cmig_table *out, const char *sql, cmig_diags *d)
{
	cmig_stoks t;
	size_t k = 0, open, close, prev_end;
	int rc = CMIG_OK;

	memset(out, 0, sizeof(*out));
	if (cmig_stoks_build(&t, sql, 0, strlen(sql)))
		return cmig_diag_oom(d);
	if ((rc = parse_head(out, &t, &k, d)) != CMIG_OK)
		goto done;
	open = k + 1;
	if (!cmig_stoks_punct(&t, open, '(')) {
		rc = cmig_diag_error(d, NULL, 0, CMIG_ERROR, NULL,
		                     "batch mode: table %s has no column list to rebuild from", out->name);
		goto done;
	}
	close = t.items[open].match;
	if (close >= t.n) {
		rc = bad(d, &t, t.n, "')'");
		goto done;
	}
	/* unchecked, this NULL reached cmig_table_print's strlen under out-of-memory (issue 11) */
	if (!(out->between = gap(sql, tok_end(&t, k), t.items[open].start))) {
		rc = cmig_diag_oom(d);
		goto done;
	}
	prev_end = tok_end(&t, open);
	for (k = open + 1; k < close && !rc;) {
		size_t e = cmig_stoks_element_end(&t, k);
		char *lead, *after;
		if (e > close)
			e = close;
		if (e == k) {
			rc = bad(d, &t, k, "a column or constraint");
			break;
		}
		lead = gap(sql, prev_end, t.items[k].start);
		after = gap(sql, tok_end(&t, e - 1), t.items[e].start);
		if (!lead || !after) {
			free(lead);
			free(after);
			rc = cmig_diag_oom(d);
			break;
		}
		rc = add_element(out, &t, k, e, lead, after, d);
		prev_end = tok_end(&t, e);
		k = e + 1;
		if (e == close)
			break;
	}
	if (rc)
		goto done;
	if (out->ncols == 0) {
		rc = cmig_diag_error(d, NULL, 0, CMIG_ERROR, NULL,
		                     "batch mode: table %s has no columns", out->name);
		goto done;
	}
	rc = parse_options(out, sql, &t, close, d);
done:
	cmig_stoks_release(&t);
	if (rc)
		cmig_table_release(out);
	return rc;
}

/* The tokens of text, which must be one element (no ',' at its top level): CMIG_OK with *t
 * built (release it), or an error naming `what` with nothing left to release. */
static int one_element(cmig_stoks *t, const char *text, const char *what, cmig_diags *d)
{
	int rc;
	if (cmig_stoks_build(t, text, 0, strlen(text)))
		return cmig_diag_oom(d);
	if (t->n > 0 && cmig_stoks_element_end(t, 0) == t->n)
		return CMIG_OK;
	rc = bad(d, t, t->n ? cmig_stoks_element_end(t, 0) : 0, what);
	cmig_stoks_release(t);
	return rc;
}

int cmig_table_parse_column(struct cmig_column *out, const char *text, cmig_diags *d)
{
	cmig_stoks t;
	int rc;
	memset(out, 0, sizeof(*out));
	if ((rc = one_element(&t, text, "one column definition", d)))
		return rc;
	rc = parse_column(out, &t, 0, t.n, d);
	cmig_stoks_release(&t);
	return rc;
}

int cmig_table_parse_constraint(struct cmig_cons *out, const char *text, cmig_diags *d)
{
	cmig_stoks t;
	int rc;
	memset(out, 0, sizeof(*out));
	if ((rc = one_element(&t, text, "one table constraint", d)))
		return rc;
	rc = parse_tcons(out, &t, 0, t.n, d);
	cmig_stoks_release(&t);
	return rc;
}

static int print_column(cmig_buf *out, const struct cmig_column *c)
{
	int rc;
	if (!c->dirty)
		return cmig_buf_puts(out, c->text);
	rc = cmig_buf_puts(out, c->name_text);
	if (!rc && c->type[0])
		rc = cmig_buf_printf(out, " %s", c->type);
	for (size_t i = 0; i < c->ncons && !rc; i++)
		rc = cmig_buf_printf(out, " %s", c->cons[i].text);
	return rc;
}

int cmig_table_print(cmig_buf *out, const struct cmig_table *t, const char *name)
{
	size_t n = t->ncols + t->ntcons;
	int rc = cmig_buf_puts(out, "CREATE TABLE ");
	if (!rc)
		rc = name ? cmig_sqltext_quote(out, name) : cmig_buf_puts(out, t->name_text);
	if (!rc)
		rc = cmig_buf_puts(out, t->between);
	if (!rc)
		rc = cmig_buf_putc(out, '(');
	for (size_t i = 0; i < n && !rc; i++) {
		const char *lead, *after;
		if (i < t->ncols) {
			lead = t->cols[i].lead;
			after = t->cols[i].after;
		} else {
			lead = t->tcons[i - t->ncols].lead;
			after = t->tcons[i - t->ncols].after;
		}
		rc = cmig_buf_puts(out, lead ? lead : "");
		if (!rc)
			rc = i < t->ncols ? print_column(out, &t->cols[i])
			                  : cmig_buf_puts(out, t->tcons[i - t->ncols].text);
		if (!rc && i + 1 < n) {
			/* a trailing comment ("-- x\n") needs its newline before the ',' */
			rc = cmig_buf_puts(out, after ? after : "");
			if (!rc)
				rc = cmig_buf_putc(out, ',');
		} else if (!rc) {
			rc = cmig_buf_puts(out, after ? after : "");
		}
	}
	if (!rc)
		rc = cmig_buf_puts(out, t->trail);
	if (!rc)
		rc = cmig_buf_putc(out, ')');
	if (!rc)
		rc = cmig_buf_puts(out, t->options);
	return rc;
}

long cmig_table_column(const struct cmig_table *t, const char *name)
{
	for (size_t i = 0; i < t->ncols; i++)
		if (cmig_sqltext_name_eq(t->cols[i].name, name))
			return (long)i;
	return -1;
}

long cmig_column_find(const struct cmig_column *c, cmig_cons_kind kind)
{
	for (size_t i = 0; i < c->ncons; i++)
		if (c->cons[i].kind == kind)
			return (long)i;
	return -1;
}

bool cmig_column_generated(const struct cmig_column *c)
{
	return cmig_column_find(c, CMIG_CONS_GENERATED) >= 0;
}

static bool type_is_integer(const char *type)
{
	return cmig_text_ieq(type, "INTEGER");
}

long cmig_table_rowid_alias(const struct cmig_table *t)
{
	if (t->without_rowid)
		return -1;
	for (size_t i = 0; i < t->ncols; i++) {
		long k = cmig_column_find(&t->cols[i], CMIG_CONS_PRIMARY);
		if (k >= 0)
			return type_is_integer(t->cols[i].type) && !t->cols[i].cons[k].desc ? (long)i : -1;
	}
	for (size_t i = 0; i < t->ntcons; i++) {
		if (t->tcons[i].kind == CMIG_CONS_PRIMARY && t->tcons[i].ncols == 1) {
			long c = cmig_table_column(t, t->tcons[i].cols[0]);
			return c >= 0 && type_is_integer(t->cols[c].type) ? c : -1;
		}
	}
	return -1;
}

size_t cmig_table_primary_key(const struct cmig_table *t, char *const **out)
{
	for (size_t i = 0; i < t->ncols; i++) {
		long k = cmig_column_find(&t->cols[i], CMIG_CONS_PRIMARY);
		if (k >= 0) {
			*out = t->cols[i].cons[k].cols;
			return t->cols[i].cons[k].ncols;
		}
	}
	for (size_t i = 0; i < t->ntcons; i++) {
		if (t->tcons[i].kind == CMIG_CONS_PRIMARY) {
			*out = t->tcons[i].cols;
			return t->tcons[i].ncols;
		}
	}
	*out = NULL;
	return 0;
}

int cmig_column_add(struct cmig_column *c, const char *text, cmig_diags *d)
{
	cmig_stoks t;
	size_t k = 0;
	struct cmig_cons cc;
	int rc;

	if (cmig_stoks_build(&t, text, 0, strlen(text)))
		return cmig_diag_oom(d);
	rc = parse_col_cons(&cc, &t, &k, t.n, c->name, d);
	if (!rc && k != t.n) {
		cmig_cons_release(&cc);
		rc = bad(d, &t, k, "one column constraint");
	}
	if (!rc) {
		if (push_cons(&c->cons, &c->ncons, &cc)) {
			cmig_cons_release(&cc);
			rc = cmig_diag_oom(d);
		} else {
			c->dirty = true;
		}
	}
	cmig_stoks_release(&t);
	return rc;
}

int cmig_table_references(char **table_out, char ***cols_out, size_t *n_out, const char *body)
{
	cmig_stoks t;
	struct cmig_cons tmp;
	size_t k = 1;
	int rc = CMIG_OK;

	*table_out = NULL;
	*cols_out = NULL;
	*n_out = 0;
	memset(&tmp, 0, sizeof(tmp));
	if (cmig_stoks_build(&t, body, 0, strlen(body)))
		return CMIG_ENOMEM;
	if (!cmig_stoks_is(&t, 0, "REFERENCES") || !cmig_stoks_is_name(&t, 1)) {
		cmig_stoks_release(&t);
		return CMIG_ERROR;
	}
	if (cmig_stoks_punct(&t, 2, '.') && cmig_stoks_is_name(&t, 3))
		k = 3; /* schema.table */
	if (!(*table_out = cmig_stoks_name(&t, k)))
		rc = CMIG_ENOMEM;
	k++;
	if (!rc && cmig_stoks_punct(&t, k, '(')) {
		cmig_diags quiet = CMIG_DIAGS_INIT;
		rc = paren_cols(&tmp, &t, &k, t.n, &quiet) ? CMIG_ERROR : CMIG_OK;
		cmig_diags_release(&quiet);
		if (!rc) {
			*cols_out = tmp.cols;
			*n_out = tmp.ncols;
			tmp.cols = NULL;
			tmp.ncols = 0;
		}
	}
	cmig_cons_release(&tmp);
	cmig_stoks_release(&t);
	if (rc) {
		free(*table_out);
		*table_out = NULL;
	}
	return rc;
}
