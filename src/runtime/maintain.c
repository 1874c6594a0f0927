/*
 * maintain.c - `rehash` and `linearize` (see maintain.h).
 *
 * rehash writes history rows inside one transaction under the run's lock, so it serializes
 * with migrations. linearize plans with model/linearize.c, checks the database read-only,
 * and only then rewrites files, each through a temporary file and rename.
 */
#include "maintain.h"

#include <stdlib.h>
#include <string.h>

#include "session.h"
#include "fs.h"
#include "linearize.h"
#include "strmap.h"
#include "target.h"
#include "text.h"


int cmig_maintain_rehash(const struct cmig_runtime *rt, const cmig_run_options *o, const char *rev,
                         bool all, size_t *count_out, cmig_diags *d)
{
	const struct cmig_chain *c = &rt->scripts->chain;
	struct cmig_session ss;
	const struct cmig_dbstate *st = &ss.state;
	long only = CMIG_POS_BASE;
	int rc;

	*count_out = 0;
	if (!all) {
		rc = cmig_target_resolve(&only, c, rev, CMIG_POS_BASE, 0, d);
		if (rc)
			return rc;
		if (only < 0)
			return cmig_diag_error(d, NULL, 0, CMIG_EUSAGE, NULL, "rehash needs a revision, not base");
	}
	/* the history rows go in one transaction under the run's lock */
	rc = cmig_session_open(&ss, rt, NULL, o, CMIG_SESSION_LOCK | CMIG_SESSION_BEGIN |
	                       CMIG_SESSION_HISTORY, d);
	if (rc)
		return rc;
	if (cmig_dbstate_unknown(st))
		rc = cmig_dbstate_report_unknown(st->current, CMIG_ENOTFOUND, false, d);
	if (!rc && !all && only > st->current_pos)
		rc = cmig_diag_error(d, c->revs[only]->path, c->revs[only]->id_line, CMIG_ERROR, NULL,
		                     "revision %s is not applied (the database is at %s): nothing to rehash",
		                     c->revs[only]->id, st->current ? st->current : "base");
	for (long i = all ? 0 : only; !rc && i <= (all ? st->current_pos : only); i++) {
		const cmig_section *sec = cmig_revfile_section(c->revs[i], CMIG_UP, cmig_runtime_dialect(rt));
		/* SPEC §5: an unchanged checksum writes nothing (REV or --all); the caller says so */
		if (!sec || !strcmp(cmig_revfile_checksum(c->revs[i], sec), st->revs[i].checksum))
			continue;
		rc = cmig_session_history(ss.be, c->revs[i]->id, "rehash",
		                          cmig_revfile_checksum(c->revs[i], sec), 0, d);
		if (!rc)
			(*count_out)++;
	}
	if (!rc)
		rc = ss.be->ops->commit(ss.be, d);
	if (rc)
		ss.be->ops->rollback(ss.be);
	cmig_session_close(&ss);
	return rc;
}

/* The database's current revision and its ancestors in the (branched) files are applied;
 * *cur_out: that revision's file, NULL at base. */
static int applied_set(bool *applied, const struct cmig_revfile **cur_out,
                       const struct cmig_runtime *rt, const cmig_run_options *o,
                       struct cmig_revfile **files, size_t n, cmig_diags *d)
{
	struct cmig_session ss;
	struct cmig_revfile *r;
	const char *cur;
	int rc;

	rc = cmig_session_open(&ss, rt, NULL, o, CMIG_SESSION_READONLY | CMIG_SESSION_VERSION, d);
	if (rc || !(cur = ss.state.current)) {
		cmig_session_close(&ss);
		return rc;
	}
	r = cmig_strmap_get(&rt->scripts->chain.byid, cur, strlen(cur));
	if (!r)
		rc = cmig_dbstate_report_unknown(cur, CMIG_ENOTFOUND, false, d);
	*cur_out = r;
	/* files[i] == &scripts->files[i], so a file's index is its offset in that array */
	(void)files;
	for (size_t guard = 0; r && guard <= n && !applied[r - rt->scripts->files]; guard++, r = r->parent)
		applied[r - rt->scripts->files] = true;
	cmig_session_close(&ss);
	return rc;
}

int cmig_maintain_linearize(const struct cmig_runtime *rt, const cmig_run_options *o,
                            const cmig_diags *chain_diags, bool dry_run, cmig_relink_cb cb,
                            void *payload, cmig_diags *d)
{
	struct cmig_revfile **files = rt->scripts->ptrs;
	size_t n = rt->scripts->n;
	struct cmig_linearize_result res;
	const struct cmig_revfile *cur = NULL;
	bool *applied = NULL, hinted = false;
	long keep = -1;
	int rc = CMIG_OK;

	for (size_t i = 0; i < chain_diags->n; i++) {
		const cmig_diag *x = &chain_diags->items[i];
		if (x->severity == CMIG_DIAG_ERROR && (!x->kind || strcmp(x->kind, "branch"))) {
			cmig_diags_push(d, x);
			rc = CMIG_ECHAIN;
		}
	}
	if (rc)
		return cmig_diag_error(d, NULL, 0, CMIG_ECHAIN, NULL,
		                       "linearize only untangles branches; fix the problems above first");
	/* --keep REV (o->target): the branch holding REV stays; an exact id or a unique prefix */
	if (o->target) {
		size_t len = strlen(o->target);
		for (size_t i = 0; i < n; i++) {
			if (!files[i]->id || strncmp(files[i]->id, o->target, len))
				continue;
			if (!strcmp(files[i]->id, o->target) || keep < 0) {
				keep = (long)i;
				if (!strcmp(files[i]->id, o->target))
					break;
			} else if (strcmp(files[keep]->id, o->target)) {
				return cmig_diag_error(d, NULL, 0, CMIG_EUSAGE, NULL,
				                       "--keep %s is ambiguous: %s and %s both start with it",
				                       o->target, files[keep]->id, files[i]->id);
			}
		}
		if (keep < 0)
			return cmig_diag_error(d, NULL, 0, CMIG_ENOTFOUND, NULL,
			                       "--keep %s: no file declares that revision", o->target);
	}
	rc = cmig_linearize_plan(&res, files, n, keep, d);
	if (rc)
		return rc;
	if (res.nmoves) {
		applied = calloc(n + 1, sizeof(bool));
		if (!applied)
			rc = cmig_diag_oom(d);
		if (!rc)
			rc = applied_set(applied, &cur, rt, o, files, n, d);
		for (size_t i = 0; i < n && applied; i++) {
			char *hint;
			if (!applied[i] || !res.moved[i])
				continue;
			/* SPEC §7: name the applied revision and the --keep that keeps its branch; the
			 * database's current revision holds every applied one on its branch */
			hint = hinted ? NULL
			              : cmig_asprintf("Which branch the shared history keeps is the team's "
			                              "choice; to keep the branch applied in this database "
			                              "instead, run 'cmig linearize --keep %s'.", cur->id);
			hinted = true;
			rc = cmig_diag_full(d, CMIG_DIAG_ERROR, CMIG_ERROR, NULL, files[i]->path,
			                    files[i]->id_line, 0, NULL, hint,
			                    "revision %s would move, but it is applied in the database "
			                    "(current revision %s): linearize changed nothing",
			                    files[i]->id, cur->id);
			free(hint);
		}
	}
	for (size_t i = 0; !rc && i < res.nmoves; i++) {
		const struct cmig_linearize_move *m = &res.moves[i];
		if (!dry_run) {
			size_t len;
			char *text = cmig_linearize_rewrite(m->rev, m->new_down, &len);
			if (!text)
				rc = cmig_diag_error(d, m->rev->path, m->rev->down_line, CMIG_ERROR, NULL,
				                     "cannot rewrite the down_revision header");
			else
				rc = cmig_fs_replace(m->rev->path, text, len, d);
			free(text);
			if (rc)
				break;
		}
		if (cb)
			cb(m->rev->path, m->old_down, m->new_down, payload);
	}
	free(applied);
	cmig_linearize_release(&res);
	return rc;
}
