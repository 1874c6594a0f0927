/*
 * dbstate.c - the database's version row and history folded onto the chain (see dbstate.h).
 *
 * One pass over the history, then one backward pass to spread each stamp over every
 * ancestor of its target (a stamp marks its target and every ancestor applied): linear in
 * history rows plus revisions.
 */
#include "dbstate.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strmap.h"
#include "target.h"

struct gone_rev {
	char *name;
	bool applied;          /* its last up/down/stamp row was not `down`, and no stamp base since */
};

struct load_ctx {
	struct cmig_dbstate *s;
	const struct cmig_chain *chain;
	cmig_strmap gone_index;   /* name -> (index + 1) into gone */
	struct gone_rev *gone;
	size_t ngone, capgone;
	bool oom;
};

/* applied_at strings live inside the per-revision struct: no allocation per history row */
static void set_at(char dst[32], const char *v)
{
	snprintf(dst, 32, "%s", v);
}

static void note_gone(struct load_ctx *c, const struct cmig_history_row *row)
{
	size_t len = strlen(row->revision);
	size_t idx = (size_t)(uintptr_t)cmig_strmap_get(&c->gone_index, row->revision, len);

	/* up and stamp mark it applied (a stamp at a revision whose file is gone still says it
	 * was applied); down unapplies it */
	if (strcmp(row->direction, "up") && strcmp(row->direction, "down") &&
	    strcmp(row->direction, "stamp"))
		return;
	if (!idx) {
		if (c->ngone == c->capgone) {
			size_t nc = c->capgone ? c->capgone * 2 : 8;
			struct gone_rev *p = realloc(c->gone, nc * sizeof(*p));
			if (!p) {
				c->oom = true;
				return;
			}
			c->gone = p;
			c->capgone = nc;
		}
		char *name = cmig_strdup(row->revision);
		if (!name) {
			c->oom = true;
			return;
		}
		c->gone[c->ngone].name = name;
		c->gone[c->ngone].applied = false;
		c->ngone++;
		idx = c->ngone;
		if (cmig_strmap_put(&c->gone_index, name, len, (void *)(uintptr_t)idx, NULL) < 0)
			c->oom = true;
	}
	c->gone[idx - 1].applied = strcmp(row->direction, "down") != 0;
}

static void on_row(const struct cmig_history_row *row, void *payload)
{
	struct load_ctx *c = payload;
	struct cmig_dbrev *r;
	long pos;

	c->s->history_rows++;
	if (!strcmp(row->direction, "stamp") && !strcmp(row->revision, "base")) {
		/* stamp base: nothing is applied any more, gone revisions included */
		for (size_t i = 0; i < c->ngone; i++)
			c->gone[i].applied = false;
		c->s->stamp_id = row->id;
		c->s->stamp_pos = CMIG_POS_BASE;
		return;
	}
	pos = cmig_chain_index(c->chain, row->revision);
	if (pos < 0) {
		note_gone(c, row);
		return;
	}
	r = &c->s->revs[pos];
	if (!strcmp(row->direction, "up") || !strcmp(row->direction, "down")) {
		r->updown_id = row->id;
		r->updown_up = row->direction[0] == 'u';
	}
	if (!strcmp(row->direction, "up")) {
		r->up_id = row->id;
		set_at(r->up_at, row->applied_at);
		snprintf(r->checksum, sizeof(r->checksum), "%s", row->checksum);
	} else if (!strcmp(row->direction, "rehash")) {
		r->rehash_id = row->id;
		snprintf(r->checksum, sizeof(r->checksum), "%s", row->checksum);
	} else if (!strcmp(row->direction, "stamp") && row->id > r->stamp_id) {
		r->stamp_id = row->id;
		set_at(r->stamp_at, row->applied_at);
	}
	if (!strcmp(row->direction, "stamp") && row->id > c->s->stamp_id) {
		c->s->stamp_id = row->id;
		c->s->stamp_pos = pos;
	}
}

int cmig_dbstate_load(struct cmig_dbstate *out, struct cmig_backend *be,
                      const struct cmig_chain *chain, cmig_diags *d)
{
	int rc = cmig_dbstate_load_version(out, be, chain, d);
	return rc ? rc : cmig_dbstate_load_history(out, be, chain, d);
}

int cmig_dbstate_load_version(struct cmig_dbstate *out, struct cmig_backend *be,
                              const struct cmig_chain *chain, cmig_diags *d)
{
	int rc;

	memset(out, 0, sizeof(*out));
	out->current_pos = CMIG_POS_BASE;
	rc = be->ops->version_read(be, &out->current, d);
	if (rc)
		return rc;
	if (out->current) {
		out->current_pos = cmig_chain_index(chain, out->current);
		if (out->current_pos < 0)
			out->current_pos = CMIG_DBSTATE_POS_UNKNOWN;
	}
	return CMIG_OK;
}

int cmig_dbstate_load_history(struct cmig_dbstate *out, struct cmig_backend *be,
                              const struct cmig_chain *chain, cmig_diags *d)
{
	struct load_ctx c;
	int rc;

	out->n = chain->n;
	out->revs = calloc(chain->n ? chain->n : 1, sizeof(*out->revs));
	if (!out->revs)
		return cmig_diag_oom(d);

	memset(&c, 0, sizeof(c));
	c.s = out;
	c.chain = chain;
	rc = be->ops->history_read(be, on_row, &c, d);
	if (!rc && c.oom)
		rc = cmig_diag_oom(d);
	/* spread stamps backwards: a stamp at position k covers 0..k */
	if (!rc && chain->n) {
		long long best = 0;
		const char *best_at = NULL;
		for (size_t i = chain->n; i-- > 0;) {
			struct cmig_dbrev *r = &out->revs[i];
			if (r->stamp_id > best) {
				best = r->stamp_id;
				best_at = r->stamp_at;
			} else if (best > r->stamp_id) {
				r->stamp_id = best;
				set_at(r->stamp_at, best_at);
				best_at = out->revs[i].stamp_at;
			}
		}
		if (c.oom)
			rc = cmig_diag_oom(d);
	}
	/* SPEC §7's fold: the latest of a revision's up/down rows and the latest stamp decides */
	for (size_t i = 0; i < chain->n && !rc; i++) {
		struct cmig_dbrev *r = &out->revs[i];
		if (r->updown_id && r->updown_id > out->stamp_id)
			r->applied = r->updown_up;
		else
			r->applied = out->stamp_id && (long)i <= out->stamp_pos;
	}
	for (size_t i = 0; i < c.ngone; i++) {
		if (c.gone[i].applied && !rc) {
			char **p = realloc(out->missing, (out->nmissing + 1) * sizeof(*p));
			if (!p) {
				rc = CMIG_ENOMEM;
			} else {
				out->missing = p;
				out->missing[out->nmissing++] = c.gone[i].name;
				continue;
			}
		}
		free(c.gone[i].name);
	}
	free(c.gone);
	cmig_strmap_release(&c.gone_index);
	return rc;
}

void cmig_dbstate_release(struct cmig_dbstate *s)
{
	free(s->current);
	free(s->revs);
	for (size_t i = 0; i < s->nmissing; i++)
		free(s->missing[i]);
	free(s->missing);
	memset(s, 0, sizeof(*s));
}

long cmig_dbstate_first_skipped(const struct cmig_dbstate *s)
{
	/* SPEC §7: a revision *before* the current one; the current revision itself is not a hole */
	for (long i = 0; i < s->current_pos && (size_t)i < s->n; i++)
		if (!s->revs[i].up_id && !s->revs[i].stamp_id)
			return i;
	return -1;
}

long cmig_dbstate_first_reordered(const struct cmig_dbstate *s)
{
	if (s->current_pos == CMIG_DBSTATE_POS_UNKNOWN)
		return -1;
	for (long i = s->current_pos + 1; i >= 0 && (size_t)i < s->n; i++)
		if (s->revs[i].applied)
			return i;
	return -1;
}

long cmig_dbstate_last_applied(const struct cmig_dbstate *s)
{
	for (long i = (long)s->n - 1; i >= 0; i--)
		if (s->revs[i].applied)
			return i;
	return -1;
}

bool cmig_dbstate_unknown(const struct cmig_dbstate *s)
{
	return s->current && s->current_pos == CMIG_DBSTATE_POS_UNKNOWN;
}

size_t cmig_dbstate_pending(const struct cmig_dbstate *s, const struct cmig_chain *c)
{
	return cmig_dbstate_unknown(s) ? 0 : (size_t)((long)c->n - 1 - s->current_pos);
}

int cmig_dbstate_report_unknown(const char *current, int code, bool hint, cmig_diags *d)
{
	return cmig_diag_full(d, CMIG_DIAG_ERROR, code, "db-unknown", NULL, 0, 0, NULL,
	                      hint ? "Restore the missing migration file, or 'cmig stamp' the "
	                             "database to a known revision." : NULL,
	                      "db-unknown: the database is at revision %s, which no file declares",
	                      current);
}

int cmig_dbstate_report_skipped(const struct cmig_dbstate *s, const struct cmig_chain *c, long k,
                                bool hint, cmig_diags *d)
{
	return cmig_diag_full(d, CMIG_DIAG_ERROR, CMIG_ERROR, "db-skipped", c->revs[k]->path,
	                      c->revs[k]->id_line, 0, NULL,
	                      hint ? "The chain was rewritten under a deployed database; apply the "
	                             "revision by hand or restore the old order." : NULL,
	                      "db-skipped: revision %s comes before the current revision %s but was "
	                      "never applied", c->revs[k]->id, s->current);
}

void cmig_dbstate_report_order(const struct cmig_dbstate *s, const struct cmig_chain *c,
                               cmig_diags *d)
{
	long k = cmig_dbstate_first_skipped(s);
	for (long i = k; k >= 0 && i < s->current_pos; i++)
		if (!s->revs[i].up_id && !s->revs[i].stamp_id)
			cmig_dbstate_report_skipped(s, c, i, false, d);
	for (long i = cmig_dbstate_first_reordered(s); i >= 0 && (size_t)i < s->n; i++)
		if (s->revs[i].applied)
			cmig_dbstate_report_reordered(s, c, i, d);
}

void cmig_dbstate_report_missing(const struct cmig_dbstate *s, cmig_diags *d)
{
	for (size_t i = 0; i < s->nmissing; i++)
		cmig_diag_error(d, NULL, 0, CMIG_ERROR, "db-missing",
		                "db-missing: the history says revision %s is applied, but no file declares it",
		                s->missing[i]);
}

int cmig_dbstate_report_reordered(const struct cmig_dbstate *s, const struct cmig_chain *c, long k,
                                  cmig_diags *d)
{
	long last = cmig_dbstate_last_applied(s);
	const char *to = c->revs[last]->id;
	char *hint = cmig_asprintf("The chain was rewritten under this database (its history applied "
	                           "the revisions in another order). If it holds every revision up "
	                           "to %s, record that with 'cmig stamp %s'.", to, to);
	int rc = cmig_diag_full(d, CMIG_DIAG_ERROR, CMIG_ERROR, "db-reordered", c->revs[k]->path,
	                        c->revs[k]->id_line, 0, NULL, hint,
	                        "db-reordered: revision %s comes after the current revision %s but "
	                        "the history says it is applied", c->revs[k]->id,
	                        s->current ? s->current : "base");
	free(hint);
	return rc;
}
