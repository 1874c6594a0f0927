/*
 * alter.c - the ALTER TABLE parser of batch mode (SPEC §6): PostgreSQL's syntax, as listed in
 * alter.h, over model/sqllex tokens (through sqltext.h), so strings, quoted identifiers,
 * comments and nested parentheses inside types, defaults and USING expressions never confuse
 * it.
 *
 * Invariants: the result holds only copies; SQL fragments are copied byte for byte from the
 * user's text (never re-spelled), so what reaches SQLite is what the user wrote. It decides
 * nothing about native-or-rebuild (rebuild.c does) and knows no table.
 */
#include "alter.h"

#include <stdlib.h>
#include <string.h>

#include "sqltext.h"
#include "text.h"

struct parser {
	cmig_stoks t;
	const char *text;
	size_t start;
	const char *path;
	unsigned line;
	cmig_diags *d;
};

static unsigned line_at(const struct parser *p, size_t i)
{
	size_t off = i < p->t.n ? p->t.items[i].start : (p->t.n ? p->t.items[p->t.n - 1].start : p->start);
	return p->line + cmig_text_line_of(p->text + p->start, off - p->start) - 1;
}

/* Report "expected X, found Y" at token i. */
static int expected(struct parser *p, size_t i, const char *what)
{
	if (i >= p->t.n)
		return cmig_diag_error(p->d, p->path, line_at(p, i), CMIG_ERROR, NULL,
		                       "batch mode: ALTER TABLE: expected %s at the end of the statement",
		                       what);
	return cmig_diag_error(p->d, p->path, line_at(p, i), CMIG_ERROR, NULL,
	                       "batch mode: ALTER TABLE: expected %s, found \"%.*s\"", what,
	                       (int)(p->t.items[i].len > 40 ? 40 : p->t.items[i].len),
	                       p->text + p->t.items[i].start);
}

static int unsupported(struct parser *p, size_t a, size_t e, const char *why)
{
	char *s = cmig_stoks_span(&p->t, a, e ? e - 1 : a);
	int rc = cmig_diag_full(p->d, CMIG_DIAG_ERROR, CMIG_ERROR, NULL, p->path, line_at(p, a), 0,
	                        NULL, "On SQLite, ALTER TABLE runs ADD/DROP COLUMN, ADD/DROP CONSTRAINT, "
	                        "ALTER COLUMN TYPE, SET/DROP NOT NULL, SET/DROP DEFAULT and RENAME; "
	                        "write anything else in a '-- migrate:up dialect:sqlite' section.",
	                        "batch mode: ALTER TABLE action not supported on SQLite (%s): %s", why,
	                        s ? s : "");
	free(s);
	return rc;
}

static void release_action(struct cmig_alter_action *x)
{
	free(x->column);
	free(x->name);
	free(x->text);
	free(x->collate);
	free(x->using_expr);
}

void cmig_alter_release(struct cmig_alter *a)
{
	for (size_t i = 0; i < a->nactions; i++)
		release_action(&a->actions[i]);
	free(a->actions);
	free(a->schema);
	free(a->table);
	memset(a, 0, sizeof(*a));
}

/* Take a name at *i into *out (and whether it was quoted). */
static int take_name(struct parser *p, size_t *i, char **out, bool *quoted, const char *what)
{
	if (!cmig_stoks_is_name(&p->t, *i))
		return expected(p, *i, what);
	*out = cmig_stoks_name(&p->t, *i);
	if (!*out)
		return cmig_diag_oom(p->d);
	if (quoted)
		*quoted = cmig_stoks_is_quoted(&p->t, *i);
	(*i)++;
	return CMIG_OK;
}

/* Optional [RESTRICT | CASCADE] at *i. */
static void take_drop_behavior(struct parser *p, size_t *i, struct cmig_alter_action *x)
{
	if (cmig_stoks_is(&p->t, *i, "CASCADE")) {
		x->cascade = true;
		(*i)++;
	} else if (cmig_stoks_is(&p->t, *i, "RESTRICT")) {
		(*i)++;
	}
}

static bool is_constraint_start(const struct parser *p, size_t i)
{
	return cmig_stoks_is(&p->t, i, "CONSTRAINT") || cmig_stoks_is(&p->t, i, "UNIQUE") ||
	       cmig_stoks_is(&p->t, i, "CHECK") || cmig_stoks_is(&p->t, i, "PRIMARY") ||
	       cmig_stoks_is(&p->t, i, "FOREIGN");
}

/* ADD …, tokens [i, e). */
static int parse_add(struct parser *p, size_t i, size_t e, struct cmig_alter_action *x)
{
	size_t a = i - 1;
	int rc;

	if (cmig_stoks_is(&p->t, i, "EXCLUDE"))
		return unsupported(p, a, e, "EXCLUDE constraints");
	if (is_constraint_start(p, i)) {
		size_t last = e - 1;
		x->kind = CMIG_ALTER_ADD_CONSTRAINT;
		if (cmig_stoks_is(&p->t, i, "CONSTRAINT")) {
			size_t k = i + 1;
			if ((rc = take_name(p, &k, &x->name, NULL, "a constraint name")))
				return rc;
			if (!(cmig_stoks_is(&p->t, k, "UNIQUE") || cmig_stoks_is(&p->t, k, "CHECK") ||
			      cmig_stoks_is(&p->t, k, "PRIMARY") || cmig_stoks_is(&p->t, k, "FOREIGN"))) {
				if (cmig_stoks_is(&p->t, k, "EXCLUDE"))
					return unsupported(p, a, e, "EXCLUDE constraints");
				return expected(p, k, "UNIQUE, CHECK, PRIMARY KEY or FOREIGN KEY");
			}
		}
		for (size_t k = i; k < e; k++)
			if (cmig_stoks_is(&p->t, k, "USING") && cmig_stoks_is(&p->t, k + 1, "INDEX"))
				return unsupported(p, a, e, "USING INDEX");
		/* NOT VALID only skips PostgreSQL's scan; a rebuild checks every row anyway. */
		if (last > i + 1 && cmig_stoks_is(&p->t, last, "VALID") &&
		    cmig_stoks_is(&p->t, last - 1, "NOT"))
			last -= 2;
		if (last < i || (cmig_stoks_is(&p->t, last, "CONSTRAINT")))
			return expected(p, last + 1, "a constraint");
		x->text = cmig_stoks_span(&p->t, i, last);
		return x->text ? CMIG_OK : cmig_diag_oom(p->d);
	}
	x->kind = CMIG_ALTER_ADD_COLUMN;
	if (cmig_stoks_is(&p->t, i, "COLUMN"))
		i++;
	if (cmig_stoks_is(&p->t, i, "IF") && cmig_stoks_is(&p->t, i + 1, "NOT") &&
	    cmig_stoks_is(&p->t, i + 2, "EXISTS")) {
		x->if_not_exists = true;
		i += 3;
	}
	if (i >= e)
		return expected(p, i, "a column definition");
	{
		size_t k = i;
		if ((rc = take_name(p, &k, &x->column, &x->column_quoted, "a column name")))
			return rc;
	}
	x->text = cmig_stoks_span(&p->t, i, e - 1);
	return x->text ? CMIG_OK : cmig_diag_oom(p->d);
}

/* DROP …, tokens [i, e). */
static int parse_drop(struct parser *p, size_t i, size_t e, struct cmig_alter_action *x)
{
	int rc;
	if (cmig_stoks_is(&p->t, i, "CONSTRAINT")) {
		x->kind = CMIG_ALTER_DROP_CONSTRAINT;
		i++;
		if (cmig_stoks_is(&p->t, i, "IF") && cmig_stoks_is(&p->t, i + 1, "EXISTS")) {
			x->if_exists = true;
			i += 2;
		}
		if ((rc = take_name(p, &i, &x->name, NULL, "a constraint name")))
			return rc;
	} else {
		x->kind = CMIG_ALTER_DROP_COLUMN;
		if (cmig_stoks_is(&p->t, i, "COLUMN"))
			i++;
		if (cmig_stoks_is(&p->t, i, "IF") && cmig_stoks_is(&p->t, i + 1, "EXISTS")) {
			x->if_exists = true;
			i += 2;
		}
		if ((rc = take_name(p, &i, &x->column, &x->column_quoted, "a column name")))
			return rc;
	}
	take_drop_behavior(p, &i, x);
	return i == e ? CMIG_OK : expected(p, i, "',' or the end of the statement");
}

/* ALTER [COLUMN] c …, tokens [i, e). */
static int parse_alter_column(struct parser *p, size_t i, size_t e, struct cmig_alter_action *x)
{
	size_t a = i - 1;
	int rc;

	if (cmig_stoks_is(&p->t, i, "COLUMN"))
		i++;
	if ((rc = take_name(p, &i, &x->column, &x->column_quoted, "a column name")))
		return rc;
	if (cmig_stoks_is(&p->t, i, "SET") && cmig_stoks_is(&p->t, i + 1, "DATA") &&
	    cmig_stoks_is(&p->t, i + 2, "TYPE"))
		i += 2;
	if (cmig_stoks_is(&p->t, i, "TYPE")) {
		size_t ts = ++i, te;
		x->kind = CMIG_ALTER_TYPE;
		while (i < e && !cmig_stoks_is(&p->t, i, "COLLATE") && !cmig_stoks_is(&p->t, i, "USING"))
			i++;
		te = i;
		if (te == ts)
			return expected(p, ts, "a type");
		if (!(x->text = cmig_stoks_span(&p->t, ts, te - 1)))
			return cmig_diag_oom(p->d);
		if (cmig_stoks_is(&p->t, i, "COLLATE")) {
			size_t cs = ++i;
			while (i < e && !cmig_stoks_is(&p->t, i, "USING"))
				i++;
			if (i == cs)
				return expected(p, cs, "a collation");
			if (!(x->collate = cmig_stoks_span(&p->t, cs, i - 1)))
				return cmig_diag_oom(p->d);
		}
		if (cmig_stoks_is(&p->t, i, "USING")) {
			if (++i >= e)
				return expected(p, i, "an expression after USING");
			if (!(x->using_expr = cmig_stoks_span(&p->t, i, e - 1)))
				return cmig_diag_oom(p->d);
		}
		return CMIG_OK;
	}
	if ((cmig_stoks_is(&p->t, i, "SET") || cmig_stoks_is(&p->t, i, "DROP")) &&
	    cmig_stoks_is(&p->t, i + 1, "NOT") && cmig_stoks_is(&p->t, i + 2, "NULL")) {
		x->kind = cmig_stoks_is(&p->t, i, "SET") ? CMIG_ALTER_SET_NOT_NULL : CMIG_ALTER_DROP_NOT_NULL;
		i += 3;
		return i == e ? CMIG_OK : expected(p, i, "',' or the end of the statement");
	}
	if (cmig_stoks_is(&p->t, i, "SET") && cmig_stoks_is(&p->t, i + 1, "DEFAULT")) {
		x->kind = CMIG_ALTER_SET_DEFAULT;
		i += 2;
		if (i >= e)
			return expected(p, i, "an expression after SET DEFAULT");
		x->text = cmig_stoks_span(&p->t, i, e - 1);
		return x->text ? CMIG_OK : cmig_diag_oom(p->d);
	}
	if (cmig_stoks_is(&p->t, i, "DROP") && cmig_stoks_is(&p->t, i + 1, "DEFAULT")) {
		x->kind = CMIG_ALTER_DROP_DEFAULT;
		i += 2;
		return i == e ? CMIG_OK : expected(p, i, "',' or the end of the statement");
	}
	return unsupported(p, a, e, "not one of TYPE, SET/DROP NOT NULL, SET/DROP DEFAULT");
}

static int push_action(struct parser *p, struct cmig_alter *a, const struct cmig_alter_action *x)
{
	struct cmig_alter_action *n = realloc(a->actions, (a->nactions + 1) * sizeof(*n));
	if (!n)
		return cmig_diag_oom(p->d);
	a->actions = n;
	a->actions[a->nactions++] = *x;
	return CMIG_OK;
}

static int parse_rename(struct parser *p, size_t i, struct cmig_alter *a)
{
	struct cmig_alter_action x;
	size_t s = i - 1;
	int rc;

	memset(&x, 0, sizeof(x));
	x.start = p->t.items[s].start;
	if (cmig_stoks_is(&p->t, i, "TO")) {
		x.kind = CMIG_ALTER_RENAME_TABLE;
		i++;
		rc = take_name(p, &i, &x.name, NULL, "the new table name");
	} else if (cmig_stoks_is(&p->t, i, "CONSTRAINT")) {
		return unsupported(p, s, p->t.n, "RENAME CONSTRAINT");
	} else {
		x.kind = CMIG_ALTER_RENAME_COLUMN;
		if (cmig_stoks_is(&p->t, i, "COLUMN"))
			i++;
		rc = take_name(p, &i, &x.column, &x.column_quoted, "a column name");
		if (!rc && !cmig_stoks_is(&p->t, i++, "TO"))
			rc = expected(p, i - 1, "TO");
		if (!rc)
			rc = take_name(p, &i, &x.name, NULL, "the new column name");
	}
	if (!rc && i != p->t.n)
		rc = expected(p, i, "the end of the statement");
	if (!rc) {
		x.end = p->t.items[p->t.n - 1].start + p->t.items[p->t.n - 1].len;
		rc = push_action(p, a, &x);
	}
	if (rc)
		release_action(&x);
	return rc;
}

static int parse_actions(struct parser *p, size_t i, struct cmig_alter *a)
{
	for (;;) {
		struct cmig_alter_action x;
		size_t e = cmig_stoks_element_end(&p->t, i);
		int rc;

		memset(&x, 0, sizeof(x));
		if (i >= p->t.n || e == i)
			return expected(p, i, "an ALTER TABLE action");
		if (cmig_stoks_punct(&p->t, e, ')'))
			return expected(p, e, "',' or the end of the statement");
		x.start = p->t.items[i].start;
		x.end = p->t.items[e - 1].start + p->t.items[e - 1].len;
		if (cmig_stoks_is(&p->t, i, "ADD"))
			rc = parse_add(p, i + 1, e, &x);
		else if (cmig_stoks_is(&p->t, i, "DROP"))
			rc = parse_drop(p, i + 1, e, &x);
		else if (cmig_stoks_is(&p->t, i, "ALTER"))
			rc = parse_alter_column(p, i + 1, e, &x);
		else if (cmig_stoks_is(&p->t, i, "RENAME"))
			rc = unsupported(p, i, e, "RENAME cannot be combined with other actions");
		else
			rc = unsupported(p, i, e, "not ADD, DROP or ALTER COLUMN");
		if (!rc)
			rc = push_action(p, a, &x);
		if (rc) {
			release_action(&x);
			return rc;
		}
		if (e >= p->t.n)
			return CMIG_OK;
		i = e + 1; /* past the ',' */
	}
}

int cmig_alter_parse(struct cmig_alter *out, const char *text, size_t start, size_t end,
                     const char *path, unsigned line, cmig_diags *d)
{
	struct parser p;
	size_t i = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&p, 0, sizeof(p));
	p.text = text;
	p.start = start;
	p.path = path;
	p.line = line;
	p.d = d;
	out->start = start;
	out->end = end;
	if (cmig_stoks_build(&p.t, text, start, end))
		return cmig_diag_oom(p.d);
	if (!cmig_stoks_is(&p.t, 0, "ALTER") || !cmig_stoks_is(&p.t, 1, "TABLE")) {
		rc = expected(&p, cmig_stoks_is(&p.t, 0, "ALTER") ? 1 : 0, "ALTER TABLE");
		goto done;
	}
	i = 2;
	if (cmig_stoks_is(&p.t, i, "IF") && cmig_stoks_is(&p.t, i + 1, "EXISTS")) {
		out->if_exists = true;
		i += 2;
	}
	if (cmig_stoks_is(&p.t, i, "ONLY")) {
		out->only = true;
		i++;
	}
	if ((rc = take_name(&p, &i, &out->table, NULL, "a table name")))
		goto done;
	if (cmig_stoks_punct(&p.t, i, '.')) {
		out->schema = out->table;
		out->table = NULL;
		i++;
		if ((rc = take_name(&p, &i, &out->table, NULL, "a table name after the schema")))
			goto done;
	}
	if (cmig_stoks_punct(&p.t, i, '*'))
		i++;
	if (cmig_stoks_is(&p.t, i, "RENAME"))
		rc = parse_rename(&p, i + 1, out);
	else if (cmig_stoks_is(&p.t, i, "SET") || cmig_stoks_is(&p.t, i, "OWNER") ||
	         cmig_stoks_is(&p.t, i, "ENABLE") || cmig_stoks_is(&p.t, i, "DISABLE") ||
	         cmig_stoks_is(&p.t, i, "CLUSTER") || cmig_stoks_is(&p.t, i, "INHERIT") ||
	         cmig_stoks_is(&p.t, i, "NO") || cmig_stoks_is(&p.t, i, "ATTACH") ||
	         cmig_stoks_is(&p.t, i, "DETACH") || cmig_stoks_is(&p.t, i, "VALIDATE") ||
	         cmig_stoks_is(&p.t, i, "REPLICA") || cmig_stoks_is(&p.t, i, "FORCE") ||
	         cmig_stoks_is(&p.t, i, "RESET") || cmig_stoks_is(&p.t, i, "OF") ||
	         cmig_stoks_is(&p.t, i, "NOT"))
		rc = unsupported(&p, i, p.t.n, "not ADD, DROP, ALTER COLUMN or RENAME");
	else
		rc = parse_actions(&p, i, out);
done:
	cmig_stoks_release(&p.t);
	if (rc)
		cmig_alter_release(out);
	return rc;
}

bool cmig_alter_is_rename(const struct cmig_alter *a)
{
	return a->nactions == 1 && (a->actions[0].kind == CMIG_ALTER_RENAME_TABLE ||
	                            a->actions[0].kind == CMIG_ALTER_RENAME_COLUMN);
}

const char *cmig_alter_kind_name(cmig_alter_kind k)
{
	switch (k) {
	case CMIG_ALTER_ADD_COLUMN: return "add-column";
	case CMIG_ALTER_DROP_COLUMN: return "drop-column";
	case CMIG_ALTER_TYPE: return "alter-type";
	case CMIG_ALTER_SET_NOT_NULL: return "set-not-null";
	case CMIG_ALTER_DROP_NOT_NULL: return "drop-not-null";
	case CMIG_ALTER_SET_DEFAULT: return "set-default";
	case CMIG_ALTER_DROP_DEFAULT: return "drop-default";
	case CMIG_ALTER_ADD_CONSTRAINT: return "add-constraint";
	case CMIG_ALTER_DROP_CONSTRAINT: return "drop-constraint";
	case CMIG_ALTER_RENAME_TABLE: return "rename-table";
	case CMIG_ALTER_RENAME_COLUMN: return "rename-column";
	}
	return "?";
}

static int describe_field(cmig_buf *out, const char *key, const char *v)
{
	if (!v)
		return CMIG_OK;
	return cmig_buf_printf(out, " %s=[%s]", key, v);
}

int cmig_alter_describe(cmig_buf *out, const struct cmig_alter *a)
{
	int rc = cmig_buf_printf(out, "table=[%s]", a->table ? a->table : "");
	if (!rc && a->schema)
		rc = describe_field(out, "schema", a->schema);
	if (!rc && a->if_exists)
		rc = cmig_buf_puts(out, " if-exists");
	if (!rc && a->only)
		rc = cmig_buf_puts(out, " only");
	if (!rc)
		rc = cmig_buf_putc(out, '\n');
	for (size_t i = 0; i < a->nactions && !rc; i++) {
		const struct cmig_alter_action *x = &a->actions[i];
		rc = cmig_buf_puts(out, cmig_alter_kind_name(x->kind));
		if (!rc)
			rc = describe_field(out, "column", x->column);
		if (!rc && x->column_quoted)
			rc = cmig_buf_puts(out, " quoted");
		if (!rc)
			rc = describe_field(out, "name", x->name);
		if (!rc)
			rc = describe_field(out, "text", x->text);
		if (!rc)
			rc = describe_field(out, "collate", x->collate);
		if (!rc)
			rc = describe_field(out, "using", x->using_expr);
		if (!rc && x->if_exists)
			rc = cmig_buf_puts(out, " if-exists");
		if (!rc && x->if_not_exists)
			rc = cmig_buf_puts(out, " if-not-exists");
		if (!rc && x->cascade)
			rc = cmig_buf_puts(out, " cascade");
		if (!rc)
			rc = cmig_buf_putc(out, '\n');
	}
	return rc;
}
