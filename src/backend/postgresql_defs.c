/*
 * postgresql_defs.c - client-side texts of plain indexes and constraints (postgresql_defs.h):
 * the same bytes as ruleutils.c's deparsers for the cases the reader lets through.
 */
#include "postgresql_defs.h"

#include <stdlib.h>

#include "cmig/cmig.h"

int cmig_pgdef_index(cmig_buf *out, bool unique, const char *qname, const char *qschema,
                     const char *qtable, const char *qam, const char *const *cols, size_t ncols)
{
	int rc = cmig_buf_printf(out, "CREATE %sINDEX %s ON %s.%s USING %s (",
	                         unique ? "UNIQUE " : "", qname, qschema, qtable, qam);
	for (size_t k = 0; k < ncols; k++) {
		if (k)
			rc |= cmig_buf_puts(out, ", ");
		rc |= cmig_buf_puts(out, cols[k]);
	}
	rc |= cmig_buf_putc(out, ')');
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
