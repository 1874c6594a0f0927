/*
 * sqlite_batch.c - ALTER TABLE on SQLite (SPEC §6). For now every ALTER TABLE runs natively,
 * as SQLite itself accepts it; the rebuild planner of src/batch/ plugs in here.
 */
#include "sqlite_batch.h"

bool cmig_sqlite_batch_needs_fk_off(const struct cmig_exec_section *s)
{
	(void)s;
	return false;
}

int cmig_sqlite_batch_alter(struct sqlite_backend *be, const struct cmig_exec_section *s,
                            size_t *i, cmig_buf *script, cmig_diags *d)
{
	const cmig_stmt *st = &s->sec->stmts.items[*i];
	int rc = cmig_sqlite_exec_stmt(be, s, st, d);
	if (!rc && script) {
		rc = cmig_buf_add(script, s->text + st->start, st->end - st->start);
		if (!rc)
			rc = cmig_buf_puts(script, ";\n");
	}
	(*i)++;
	return rc;
}

int cmig_sqlite_batch_finish(struct sqlite_backend *be, const struct cmig_exec_section *s,
                             cmig_diags *d)
{
	(void)be; (void)s; (void)d;
	return CMIG_OK;
}
