/*
 * migrate.c - the migration loop (see migrate.h) and the read-only commands.
 *
 * Invariants:
 *  - One transaction per migration, holding its section, its version row and its history
 *    row; a failure rolls all three back and leaves the database at the previous revision.
 *  - The lock is taken before the version is read; each step re-reads the version inside its
 *    own transaction and re-plans from what it finds.
 *  - Every refusal (bad target, missing down section, missing dialect section, db-unknown,
 *    db-skipped, db-reordered) happens before the first change.
 *  - `transaction:false` sections run outside any transaction; the version and history rows
 *    are written afterwards in a transaction of their own (SPEC §2).
 */
#include "migrate.h"
#include "schemaops.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dbstate.h"
#include "plan.h"
#include "target.h"
#include "text.h"

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

cmig_dialect_kind cmig_runtime_dialect(const struct cmig_runtime *rt)
{
	return rt->url->kind == CMIG_DB_POSTGRESQL ? CMIG_DIALECT_POSTGRESQL : CMIG_DIALECT_SQLITE;
}

void cmig_migrate_settings(struct cmig_backend_settings *s, const struct cmig_runtime *rt,
                           const cmig_run_options *o, bool readonly)
{
	memset(s, 0, sizeof(*s));
	/* a URL's schema=NAME wins over version_table_schema (SPEC §11) */
	s->tables.schema = rt->url->schema ? rt->url->schema : rt->config->version_table_schema;
	s->tables.version = rt->config->version_table;
	s->tables.history = rt->config->history_table;
	s->sqlite_foreign_keys = rt->config->sqlite_foreign_keys;
	s->readonly = readonly;
	s->lock_timeout = o->lock_timeout > 0 ? o->lock_timeout : 0;
	s->wait = o->wait;
	s->verbose = (o->flags & CMIG_RUN_VERBOSE) != 0;
	s->on_wait = o->on_wait;
	s->on_progress = o->on_progress;
	s->on_output = o->on_output;
	s->offline_dialect = cmig_runtime_dialect(rt);
	s->pg_lock_timeout = rt->config->pg_lock_timeout;
	s->payload = o->payload;
}

/* Open and lock; on failure nothing is left open. */
static int connect(struct cmig_backend **out, const struct cmig_runtime *rt,
                   const struct cmig_backend_settings *s, bool offline, cmig_diags *d)
{
	const struct cmig_backend_ops *ops = cmig_backend_for(rt->url, offline);
	struct cmig_backend *be = NULL;
	int rc;

	*out = NULL;
	if (!ops)
		return cmig_diag_error(d, NULL, 0, CMIG_ERROR, NULL, "no backend for this database URL");
	rc = ops->open(&be, rt->url, s, d);
	if (rc)
		return rc;
	rc = be->ops->lock(be, d);
	if (rc) {
		be->ops->close(be);
		return rc;
	}
	*out = be;
	return CMIG_OK;
}

static void disconnect(struct cmig_backend *be)
{
	if (!be)
		return;
	be->ops->unlock(be);
	be->ops->close(be);
}

void cmig_migrate_result(cmig_run_result *r, const char *before, const char *after, size_t steps)
{
	if (!r)
		return;
	free(r->before);
	free(r->after);
	r->before = before ? cmig_strdup(before) : NULL;
	r->after = after ? cmig_strdup(after) : NULL;
	/* a copy that failed would read as base: say the revision is unknown instead */
	r->known = (!before || r->before) && (!after || r->after);
	r->steps = steps;
}

static const char *rev_label(const char *id)
{
	return id ? id : "base";
}

static void fill_exec(struct cmig_exec_section *x, const cmig_step *st)
{
	x->path = st->rev->path;
	x->text = st->rev->text;
	x->sec = st->section;
	x->revision = st->rev->id;
}

static void progress(const cmig_run_options *o, const cmig_step *st)
{
	cmig_progress ev;
	if (!o->on_progress)
		return;
	memset(&ev, 0, sizeof(ev));
	ev.direction = st->direction == CMIG_UP ? CMIG_UP : CMIG_DOWN;
	ev.from = st->from;
	ev.to = st->to;
	ev.message = st->rev->message;
	o->on_progress(&ev, o->payload);
}

static int write_rows(struct cmig_backend *be, const cmig_step *st, double ms, cmig_diags *d)
{
	char at[32], sum[65];
	struct cmig_history_row row;
	int rc = be->ops->version_write(be, st->to, d);
	if (rc)
		return rc;
	cmig_text_now_iso(at, sizeof(at), false);
	row.id = 0;
	row.revision = st->rev->id;
	row.direction = st->direction == CMIG_UP ? "up" : "down";
	row.checksum = cmig_revfile_checksum(sum, st->rev, st->section);
	row.applied_at = at;
	row.duration_ms = (long long)(ms + 0.5);
	return be->ops->history_append(be, &row, d);
}

/* Apply one step on a live backend whose version was read as st->from. */
static int apply_step(struct cmig_backend *be, const cmig_step *st, cmig_diags *d)
{
	struct cmig_exec_section x;
	double t0 = now_ms();
	int rc;

	fill_exec(&x, st);
	if (st->section->transactional) {
		rc = be->ops->run_section(be, &x, d);
		if (!rc)
			rc = write_rows(be, st, now_ms() - t0, d);
		if (!rc)
			rc = be->ops->commit(be, d);
		return rc;
	}
	/* transaction:false: release the step's transaction, run, then record in a new one */
	be->ops->rollback(be);
	rc = be->ops->run_section(be, &x, d);
	if (!rc)
		rc = be->ops->begin(be, d);
	if (!rc) {
		char *cur = NULL;
		rc = be->ops->version_read(be, &cur, d);
		if (!rc && !((cur == NULL && st->from == NULL) || (cur && st->from && !strcmp(cur, st->from))))
			rc = cmig_diag_error(d, x.path, st->section->marker_line, CMIG_ERROR, NULL,
			                     "the database moved to %s while a transaction:false section ran; "
			                     "not recording %s", rev_label(cur), st->rev->id);
		free(cur);
	}
	if (!rc)
		rc = write_rows(be, st, now_ms() - t0, d);
	if (!rc)
		rc = be->ops->commit(be, d);
	return rc;
}

static void failed_note(cmig_diags *d, const cmig_step *st)
{
	cmig_diag_error(d, NULL, 0, CMIG_ESQL, NULL,
	                "%s %s -> %s failed; the database stays at %s",
	                st->direction == CMIG_UP ? "upgrade" : "downgrade", rev_label(st->from),
	                rev_label(st->to), rev_label(st->from));
}

/* Checks before an upgrade changes anything (SPEC §4). */
static int refuse_bad_state(const struct cmig_dbstate *s, const struct cmig_chain *c, int direction,
                            cmig_diags *d)
{
	if (cmig_dbstate_unknown(s))
		return cmig_dbstate_report_unknown(s->current, CMIG_ENOTFOUND, true, d);
	if (direction == CMIG_UP) {
		long k = cmig_dbstate_first_skipped(s);
		if (k >= 0)
			return cmig_dbstate_report_skipped(s, c, k, true, d);
		if ((k = cmig_dbstate_first_reordered(s)) >= 0)
			return cmig_dbstate_report_reordered(s, c, k, d);
	}
	return CMIG_OK;
}

static int resolve_range(long *from, long *to, const struct cmig_chain *c, const char *target,
                         int direction, cmig_diags *d)
{
	char *fs = NULL, *ts = NULL;
	int rc = CMIG_OK;

	*from = direction == CMIG_UP ? CMIG_POS_BASE : (long)c->n - 1;
	if (cmig_target_split_range(target, &fs, &ts)) {
		if (fs)
			rc = cmig_target_resolve(from, c, fs, *from, 0, d);
		if (!rc)
			rc = cmig_target_resolve(to, c, ts ? ts : (direction == CMIG_UP ? "head" : "base"),
			                         *from, CMIG_TARGET_RELATIVE, d);
	} else {
		rc = cmig_target_resolve(to, c, target, *from, CMIG_TARGET_RELATIVE, d);
	}
	free(fs);
	free(ts);
	return rc;
}

static int run_offline(const struct cmig_runtime *rt, const cmig_run_options *o, int direction,
                       cmig_diags *d)
{
	const struct cmig_chain *c = &rt->scripts->chain;
	struct cmig_backend_settings s;
	struct cmig_backend *be = NULL;
	cmig_step_vec plan = CMIG_VEC_INIT, replay = CMIG_VEC_INIT;
	long from, to;
	int rc;

	cmig_migrate_settings(&s, rt, o, false);
	rc = resolve_range(&from, &to, c, o->target ? o->target : (direction == CMIG_UP ? "head" : "base"),
	                   direction, d);
	if (!rc)
		rc = cmig_plan_make(&plan, c, from, to, direction, s.offline_dialect, d);
	if (!rc)
		rc = cmig_plan_make(&replay, c, CMIG_POS_BASE, from, CMIG_UP, s.offline_dialect, d);
	for (size_t i = 0; !rc && i < plan.n && !s.offline_schema; i++) {
		const cmig_section *sec = plan.items[i].section;
		for (size_t k = 0; sec->transactional && k < sec->stmts.n; k++)
			if (sec->stmts.items[k].flags & CMIG_STMT_ALTER_TABLE)
				s.offline_schema = true;
	}
	if (!rc)
		rc = connect(&be, rt, &s, true, d);
	/* replay the chain up to FROM on the shadow database (SQLite batch mode needs tables) */
	for (size_t i = 0; !rc && be->ops->replay_section && i < replay.n; i++) {
		struct cmig_exec_section x;
		fill_exec(&x, &replay.items[i]);
		rc = be->ops->replay_section(be, &x, d);
	}
	for (size_t i = 0; !rc && i < plan.n; i++) {
		const cmig_step *st = &plan.items[i];
		struct cmig_exec_section x;
		char *hdr;

		progress(o, st);
		hdr = cmig_asprintf("-- Running %s %s -> %s, %s\n", direction == CMIG_UP ? "upgrade" : "downgrade",
		                    rev_label(st->from), rev_label(st->to), st->rev->message);
		if (!hdr) {
			rc = cmig_diag_oom(d);   /* a script missing a line must not look complete */
			break;
		}
		if (o->on_output)
			o->on_output(hdr, strlen(hdr), o->payload);
		free(hdr);
		fill_exec(&x, st);
		rc = be->ops->prepare_step(be, &x, d);
		if (rc)
			break;
		if (st->section->transactional) {
			rc = be->ops->begin(be, d);
			if (!rc)
				rc = be->ops->run_section(be, &x, d);
		} else {
			rc = be->ops->run_section(be, &x, d);
			if (!rc)
				rc = be->ops->begin(be, d);
		}
		if (!rc)
			rc = write_rows(be, st, 0, d);
		if (!rc)
			rc = be->ops->commit(be, d);
	}
	disconnect(be);
	free(plan.items);
	free(replay.items);
	return rc;
}

int cmig_migrate_run(const struct cmig_runtime *rt, const cmig_run_options *o, int direction,
                     size_t *pending_out, cmig_diags *d)
{
	const struct cmig_chain *c = &rt->scripts->chain;
	cmig_dialect_kind dialect = cmig_runtime_dialect(rt);
	struct cmig_backend_settings s;
	struct cmig_backend *be = NULL;
	struct cmig_dbstate state;
	cmig_step_vec plan = CMIG_VEC_INIT;
	const char *target = o->target ? o->target : (direction == CMIG_UP ? "head" : NULL);
	long pos, to;
	bool changed = false;
	int rc;

	if (pending_out)
		*pending_out = 0;
	if (!target)
		return cmig_diag_error(d, NULL, 0, CMIG_EUSAGE, NULL, "downgrade needs a TARGET");
	if (o->flags & CMIG_RUN_OFFLINE)
		return run_offline(rt, o, direction, d);
	if (strchr(target, ':'))
		return cmig_diag_error(d, NULL, 0, CMIG_EUSAGE, NULL,
		                       "a FROM:TO target needs --sql (a live run starts at the database's revision)");

	memset(&state, 0, sizeof(state));
	cmig_migrate_settings(&s, rt, o, (o->flags & CMIG_RUN_CHECK_ONLY) != 0);
	rc = connect(&be, rt, &s, false, d);
	if (rc)
		return rc;
	/* the version row; upgrade also reads the history, since it refuses a hole before the
	 * current revision even when nothing is pending (SPEC §4); downgrade does not need it */
	rc = cmig_dbstate_load_version(&state, be, c, d);
	if (!rc)
		cmig_migrate_result(rt->result, state.current, state.current, 0);
	if (!rc && direction == CMIG_UP)
		rc = cmig_dbstate_load_history(&state, be, c, d);
	if (!rc)
		rc = refuse_bad_state(&state, c, direction, d);
	pos = state.current_pos;
	if (!rc)
		rc = cmig_target_resolve(&to, c, target, pos, CMIG_TARGET_RELATIVE, d);
	if (!rc)
		rc = cmig_plan_make(&plan, c, pos, to, direction, dialect, d);
	if (rc || (o->flags & CMIG_RUN_CHECK_ONLY) != 0) {
		if (!rc && pending_out)
			*pending_out = plan.n;
		if (!rc && rt->result)
			rt->result->steps = plan.n;
		for (size_t i = 0; !rc && (o->flags & CMIG_RUN_CHECK_ONLY) && i < plan.n; i++) {
			const char *id = plan.items[i].rev->id;
			if (o->on_output) {
				o->on_output(id, strlen(id), o->payload);
				o->on_output("\n", 1, o->payload);
			}
		}
		goto done;
	}

	/* The loop: each step re-reads the version inside its transaction and re-plans. */
	for (;;) {
		cmig_step st;
		struct cmig_exec_section x;
		char *cur = NULL;
		long now;

		if (direction == CMIG_UP ? pos >= to : pos <= to)
			break;
		rc = cmig_plan_step(&st, c, pos, direction, dialect, d);
		if (rc)
			break;
		fill_exec(&x, &st);
		rc = be->ops->prepare_step(be, &x, d);
		if (!rc)
			rc = be->ops->begin(be, d);
		if (!rc)
			rc = be->ops->version_read(be, &cur, d);
		if (rc) {
			be->ops->rollback(be);
			break;
		}
		now = cur ? cmig_chain_index(c, cur) : CMIG_POS_BASE;
		if (cur && now < 0) {
			rc = cmig_diag_error(d, NULL, 0, CMIG_ENOTFOUND, "db-unknown",
			                     "db-unknown: the database moved to revision %s, which no file declares", cur);
			free(cur);
			be->ops->rollback(be);
			break;
		}
		free(cur);
		if (now != pos) {
			/* another run moved the database while we waited: plan again from there */
			be->ops->rollback(be);
			pos = now;
			continue;
		}
		progress(o, &st);
		rc = apply_step(be, &st, d);
		if (rc) {
			be->ops->rollback(be);
			failed_note(d, &st);
			break;
		}
		pos += direction == CMIG_UP ? 1 : -1;
		if (rt->result && rt->result->known) {
			char *after = st.to ? cmig_strdup(st.to) : NULL;
			rt->result->known = !st.to || after;
			free(rt->result->after);
			rt->result->after = after;
			rt->result->steps++;
		}
		changed = true;
	}
	if (changed)
		cmig_schemaops_dump_file(rt, be, d);
done:
	cmig_dbstate_release(&state);
	free(plan.items);
	disconnect(be);
	return rc;
}

int cmig_migrate_stamp(const struct cmig_runtime *rt, const cmig_run_options *o, cmig_diags *d)
{
	const struct cmig_chain *c = &rt->scripts->chain;
	struct cmig_backend_settings s;
	struct cmig_backend *be = NULL;
	struct cmig_history_row row;
	char at[32], *cur = NULL;
	bool read;
	long to;
	int rc;

	if (!o->target)
		return cmig_diag_error(d, NULL, 0, CMIG_EUSAGE, NULL, "stamp needs a TARGET");
	rc = cmig_target_resolve(&to, c, o->target, CMIG_POS_BASE, 0, d);
	if (rc)
		return rc;
	cmig_migrate_settings(&s, rt, o, false);
	rc = connect(&be, rt, &s, (o->flags & CMIG_RUN_OFFLINE) != 0, d);
	if (rc)
		return rc;
	rc = be->ops->begin(be, d);
	if (!rc && !(o->flags & CMIG_RUN_OFFLINE))
		rc = be->ops->version_read(be, &cur, d);
	read = !rc;
	if (!rc)
		rc = be->ops->version_write(be, to >= 0 ? c->revs[to]->id : NULL, d);
	if (!rc) {
		cmig_text_now_iso(at, sizeof(at), false);
		row.id = 0;
		row.revision = to >= 0 ? c->revs[to]->id : "base";
		row.direction = "stamp";
		row.checksum = "";
		row.applied_at = at;
		row.duration_ms = 0;
		rc = be->ops->history_append(be, &row, d);
	}
	if (!rc)
		rc = be->ops->commit(be, d);
	if (rc)
		be->ops->rollback(be);
	if (!(o->flags & CMIG_RUN_OFFLINE) && rt->result && read) {
		cmig_migrate_result(rt->result, cur, rc ? cur : (to >= 0 ? c->revs[to]->id : NULL),
		                    rc ? 0 : 1);
	}
	else if (!(o->flags & CMIG_RUN_OFFLINE))
		cmig_schemaops_dump_file(rt, be, d);
	free(cur);
	disconnect(be);
	return rc;
}

int cmig_migrate_current(char **out, const struct cmig_runtime *rt, const cmig_run_options *o,
                         cmig_diags *d)
{
	struct cmig_backend_settings s;
	struct cmig_backend *be = NULL;
	int rc;

	*out = NULL;
	cmig_migrate_settings(&s, rt, o, true);
	rc = cmig_backend_for(rt->url, false)->open(&be, rt->url, &s, d);
	if (rc)
		return rc;
	rc = be->ops->version_read(be, out, d);
	be->ops->close(be);
	if (!rc && rt->result) {
		long pos = *out ? cmig_chain_index(&rt->scripts->chain, *out) : CMIG_POS_BASE;
		/* a revision no file declares has nothing pending that could be counted */
		cmig_migrate_result(rt->result, *out, *out, !*out || pos >= 0 ?
		                    (size_t)((long)rt->scripts->chain.n - 1 - pos) : 0);
	}
	return rc;
}

int cmig_migrate_status(char **current_out, const struct cmig_runtime *rt,
                        const cmig_run_options *o, cmig_status_cb cb, cmig_diags *d)
{
	const struct cmig_chain *c = &rt->scripts->chain;
	struct cmig_backend_settings s;
	struct cmig_backend *be = NULL;
	struct cmig_dbstate state;
	int rc;

	*current_out = NULL;
	cmig_migrate_settings(&s, rt, o, true);
	rc = cmig_backend_for(rt->url, false)->open(&be, rt->url, &s, d);
	if (rc)
		return rc;
	rc = cmig_dbstate_load(&state, be, c, d);
	be->ops->close(be);
	if (!rc && cmig_dbstate_unknown(&state))
		rc = cmig_dbstate_report_unknown(state.current, CMIG_ENOTFOUND, false, d);
	for (size_t i = 0; !rc && i < c->n; i++) {
		cmig_status_row row;
		const struct cmig_dbrev *r = &state.revs[i];
		memset(&row, 0, sizeof(row));
		row.rev = (const cmig_revision *)c->revs[i];
		row.state = CMIG_REV_PENDING;
		if ((long)i <= state.current_pos) {
			/* SPEC §5: a revision whose up section ran is applied, even when a later stamp
			 * also covers it; stamped only when a stamp covered it without running it */
			if (r->up_id && (r->updown_up || !r->stamp_id)) {
				row.state = CMIG_REV_APPLIED;
				row.applied_at = r->up_at;
			} else if (r->stamp_id) {
				row.state = CMIG_REV_STAMPED;
				row.applied_at = r->stamp_at;
				row.stamped = true;
			} else if (state.history_rows == 0) {
				row.state = CMIG_REV_APPLIED_NO_HISTORY;
			} else {
				row.state = CMIG_REV_SKIPPED;
			}
		}
		cb(&row, o->payload);
	}
	/* the §7 database problems follow, reported but not failing: `check` judges */
	if (!rc) {
		cmig_dbstate_report_order(&state, c, d);
		cmig_dbstate_report_missing(&state, d);
	}
	if (!rc) {
		cmig_migrate_result(rt->result, state.current, state.current,
		                    (size_t)((long)c->n - 1 - state.current_pos));
		*current_out = state.current;
		state.current = NULL;
	}
	cmig_dbstate_release(&state);
	return rc;
}
