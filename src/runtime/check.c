/*
 * check.c - `cmig check` beyond the files (SPEC §7): sections missing for this backend's
 * dialect, and, with a database, the version row and history against the files:
 * db-unknown, db-missing, db-skipped, db-reordered and drift. Every problem is reported; nothing stops at
 * the first. The database is opened read-only and never created.
 */
#include "check.h"

#include <string.h>

#include "session.h"
#include "target.h"


static void check_dialect_sections(const struct cmig_runtime *rt, cmig_dialect_kind dialect,
                                   cmig_diags *d)
{
	const struct cmig_chain *c = &rt->scripts->chain;
	const char *name = cmig_dialect_of(dialect)->name;
	for (size_t i = 0; i < c->n; i++) {
		const struct cmig_revfile *r = c->revs[i];
		for (int dir = CMIG_UP; dir <= CMIG_DOWN; dir++) {
			if (cmig_revfile_has_direction(r, dir) && !cmig_revfile_section(r, dir, dialect)) {
				unsigned line = 0;
				for (int k = 0; k < CMIG_REVFILE_NSECT; k++)
					if (r->sections[dir][k]) {
						line = r->sections[dir][k]->marker_line;
						break;
					}
				cmig_diag_error(d, r->path, line, CMIG_ERROR, "parse",
				                "no %s section for %s: the file has only dialect sections for other backends",
				                dir == CMIG_UP ? "up" : "down", name);
			}
		}
	}
}

static void span_lines(const struct cmig_revfile *r, const cmig_section *s, unsigned *a, unsigned *b)
{
	*a = s->body_line;
	*b = s->body_line;
	for (size_t i = s->body_start; i < s->body_end; i++)
		if (r->text[i] == '\n' && i + 1 < s->body_end)
			(*b)++;
	if (s->body_end == s->body_start)
		*b = *a;
}

void cmig_check_database(const struct cmig_runtime *rt, const cmig_run_options *o, cmig_diags *d)
{
	const struct cmig_chain *c = &rt->scripts->chain;
	struct cmig_session ss;
	const struct cmig_dbstate *st = &ss.state;
	cmig_dialect_kind dialect = cmig_runtime_dialect(rt);
	/* read-only: never creates the database */
	if (cmig_session_open(&ss, rt, NULL, o, CMIG_SESSION_READONLY | CMIG_SESSION_HISTORY, d))
		return;
	cmig_migrate_result(rt->result, st->current, st->current, cmig_dbstate_pending(st, c));
	if (cmig_dbstate_unknown(st))
		cmig_dbstate_report_unknown(st->current, CMIG_ERROR, false, d);
	cmig_dbstate_report_missing(st, d);
	cmig_dbstate_report_order(st, c, d);
	for (long i = 0; i <= st->current_pos; i++) {
		const struct cmig_revfile *r = c->revs[i];
		const cmig_section *sec = cmig_revfile_section(r, CMIG_UP, dialect);
		const char *rec = st->revs[i].checksum;
		unsigned a, b;
		if (!sec || !rec[0] || !strcmp(cmig_revfile_checksum(r, sec), rec))
			continue;
		span_lines(r, sec, &a, &b);
		cmig_diag_error(d, r->path, sec->marker_line, CMIG_ERROR, "drift",
		                "drift: the up section of %s (lines %u-%u) has checksum %s, but %s was recorded when it was applied",
		                r->id, a, b, cmig_revfile_checksum(r, sec), rec);
	}
	cmig_session_close(&ss);
}

int cmig_check_run(const struct cmig_runtime *rt, bool with_database, void *payload,
                   cmig_diags *d)
{
	check_dialect_sections(rt, cmig_runtime_dialect(rt), d);
	if (with_database) {
		cmig_run_options o = CMIG_RUN_OPTIONS_INIT;
		o.payload = payload;
		cmig_check_database(rt, &o, d);
	}
	return d->errors ? CMIG_ERROR : CMIG_OK;
}
