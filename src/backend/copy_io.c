/*
 * copy_io.c - helpers both copy movers share (see copy_io.h): identifier quoting and the row
 * number in a PostgreSQL COPY error's context.
 */
#include "copy_io.h"

#include <stdlib.h>
#include <string.h>

int cmig_copy_quote_ident(cmig_buf *out, const char *name)
{
	if (cmig_buf_putc(out, '"') || cmig_buf_add_quoted(out, name, '"'))
		return CMIG_ENOMEM;
	return cmig_buf_putc(out, '"');
}

int cmig_copy_quote_table(cmig_buf *out, const char *schema, const char *name)
{
	if (schema && (cmig_copy_quote_ident(out, schema) || cmig_buf_putc(out, '.')))
		return CMIG_ENOMEM;
	return cmig_copy_quote_ident(out, name);
}

unsigned long long cmig_copy_line_of_context(const char *ctx)
{
	const char *p = ctx;
	/* "COPY grids, line 5, column data: \"…\"" (the table name may itself hold ", line") */
	while (p && (p = strstr(p, ", line ")) != NULL) {
		char *end;
		unsigned long long n = strtoull(p + 7, &end, 10);
		if (end != p + 7 && (*end == ',' || *end == ':' || *end == '\0' || *end == '\n'))
			return n;
		p += 7;
	}
	return 0;
}
