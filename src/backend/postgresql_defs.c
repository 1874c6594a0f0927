/*
 * postgresql_defs.c - client-side texts of plain indexes and constraints (postgresql_defs.h):
 * the same bytes as ruleutils.c's deparsers for the cases the reader lets through.
 */
#include "postgresql_defs.h"

#include <stdlib.h>

#include "cmig/cmig.h"

static int put_cols(cmig_buf *out, const char *const *cols, size_t n)
{
	int rc = CMIG_OK;
	for (size_t k = 0; k < n; k++) {
		if (k)
			rc |= cmig_buf_puts(out, ", ");
		rc |= cmig_buf_puts(out, cols[k]);
	}
	return rc;
}

int cmig_pgdef_index(cmig_buf *out, bool unique, const char *qname, const char *qschema,
                     const char *qtable, const char *qam, const char *const *cols, size_t ncols)
{
	int rc = cmig_buf_printf(out, "CREATE %sINDEX %s ON %s.%s USING %s (",
	                         unique ? "UNIQUE " : "", qname, qschema, qtable, qam);
	rc |= put_cols(out, cols, ncols);
	rc |= cmig_buf_putc(out, ')');
	return rc ? CMIG_ENOMEM : CMIG_OK;
}

/* ruleutils.c leaves NO ACTION out */
static const char *fk_action(char c)
{
	switch (c) {
	case 'a': return "";
	case 'r': return "RESTRICT";
	case 'c': return "CASCADE";
	case 'n': return "SET NULL";
	case 'd': return "SET DEFAULT";
	default: return NULL;
	}
}

int cmig_pgdef_constraint(cmig_buf *out, const struct cmig_pgdef_cons *c)
{
	int rc = CMIG_OK;
	switch (c->kind) {
	case 'p':
	case 'u':
		if (!c->ncols)
			return CMIG_PGDEF_SERVER;
		rc |= cmig_buf_puts(out, c->kind == 'p' ? "PRIMARY KEY (" : "UNIQUE (");
		rc |= put_cols(out, c->cols, c->ncols);
		rc |= cmig_buf_putc(out, ')');
		break;
	case 'f': {
		const char *upd = fk_action(c->on_update), *del = fk_action(c->on_delete);
		const char *match = c->match == 'f' ? " MATCH FULL" :
		                    c->match == 'p' ? " MATCH PARTIAL" :
		                    c->match == 's' ? "" : NULL;
		if (!c->ncols || !c->nref_cols || !c->ref_table || !upd || !del || !match)
			return CMIG_PGDEF_SERVER;
		rc |= cmig_buf_puts(out, "FOREIGN KEY (");
		rc |= put_cols(out, c->cols, c->ncols);
		rc |= cmig_buf_printf(out, ") REFERENCES %s(", c->ref_table);
		rc |= put_cols(out, c->ref_cols, c->nref_cols);
		rc |= cmig_buf_printf(out, ")%s", match);
		if (*upd)
			rc |= cmig_buf_printf(out, " ON UPDATE %s", upd);
		if (*del)
			rc |= cmig_buf_printf(out, " ON DELETE %s", del);
		break;
	}
	case 'c':
		if (!c->check_expr)
			return CMIG_PGDEF_SERVER;
		rc |= cmig_buf_printf(out, "CHECK (%s)%s", c->check_expr,
		                      c->no_inherit ? " NO INHERIT" : "");
		break;
	default:
		return CMIG_PGDEF_SERVER;
	}
	if (c->deferrable)
		rc |= cmig_buf_puts(out, " DEFERRABLE");
	if (c->deferred)
		rc |= cmig_buf_puts(out, " INITIALLY DEFERRED");
	if (c->not_valid)
		rc |= cmig_buf_puts(out, " NOT VALID");
	return rc ? CMIG_ENOMEM : CMIG_OK;
}

bool cmig_pgdef_next_num(const char **p, unsigned long *out)
{
	const char *s = *p;
	char *end;
	while (*s == '{' || *s == ',' || *s == ' ')
		s++;
	if (*s < '0' || *s > '9')
		return false;
	*out = strtoul(s, &end, 10);
	*p = end;
	return true;
}
