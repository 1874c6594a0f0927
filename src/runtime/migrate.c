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
#include "session.h"

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
	const struct cmig_backend_ops *ops = cmig_backend_for(rt->url, false);
	return ops && ops->dialect ? ops->dialect->kind : CMIG_DIALECT_SQLITE;
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
	int rc = be->ops->version_write(be, st->to, d);
	return rc ? rc : cmig_session_history(be, st->rev->id, st->direction == CMIG_UP ? "up" : "down",
	                                      cmig_revfile_checksum(st->rev, st->section), ms, d);
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

/* Any transactional section of the plan holds an ALTER TABLE (batch mode may rebuild). */
static bool plan_alters(const cmig_step_vec *plan)
{
	for (size_t i = 0; i < plan->n; i++) {
		const cmig_section *sec = plan->items[i].section;
		for (size_t k = 0; sec->transactional && k < sec->stmts.n; k++)
			if (sec->stmts.items[k].flags & CMIG_STMT_ALTER_TABLE)
				return true;
	}
	return false;
}

/* Print one step of a --sql script: its header line, then what the sink prints for it. */
static int offline_step(struct cmig_backend *be, const cmig_run_options *o, const cmig_step *st,
                        cmig_diags *d)
{
	struct cmig_exec_section x;
	char *hdr;
	int rc;

	progress(o, st);
	hdr = cmig_asprintf("-- Running %s %s -> %s, %s\n", st->direction == CMIG_UP ? "upgrade" : "downgrade",
	                    rev_label(st->from), rev_label(st->to), st->rev->message);
	if (!hdr)
		return cmig_diag_oom(d);   /* a script missing a line must not look complete */
	if (o->on_output)
		o->on_output(hdr, strlen(hdr), o->payload);
	free(hdr);
	fill_exec(&x, st);
	rc = be->ops->prepare_step(be, &x, d);
	if (rc)
		return rc;
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
	return rc;
}

static int run_offline(const struct cmig_runtime *rt, const cmig_run_options *o, int direction,
                       cmig_diags *d)
{
	const struct cmig_chain *c = &rt->scripts->chain;
	cmig_dialect_kind dialect = cmig_runtime_dialect(rt);
	struct cmig_session ss;
	cmig_step_vec plan = CMIG_VEC_INIT, replay = CMIG_VEC_INIT;
	long from, to;
	int rc;

	memset(&ss, 0, sizeof(ss));
	rc = resolve_range(&from, &to, c, o->target ? o->target : (direction == CMIG_UP ? "head" : "base"),
	                   direction, d);
	if (!rc)
		rc = cmig_plan_make(&plan, c, from, to, direction, dialect, d);
	if (!rc)
		rc = cmig_plan_make(&replay, c, CMIG_POS_BASE, from, CMIG_UP, dialect, d);
	if (!rc)
		rc = cmig_session_open(&ss, rt, NULL, o, CMIG_SESSION_OFFLINE | CMIG_SESSION_LOCK |
		                       (plan_alters(&plan) ? CMIG_SESSION_SHADOW : 0u), d);
	/* replay the chain up to FROM on the shadow database (SQLite batch mode needs tables) */
	for (size_t i = 0; !rc && ss.be->ops->replay_section && i < replay.n; i++) {
		struct cmig_exec_section x;
		fill_exec(&x, &replay.items[i]);
		rc = ss.be->ops->replay_section(ss.be, &x, d);
	}
	for (size_t i = 0; !rc && i < plan.n; i++)
		rc = offline_step(ss.be, o, &plan.items[i], d);
	cmig_session_close(&ss);
	free(plan.items);
	free(replay.items);
	return rc;
}

/* Before a live run changes anything: the version row (and, for upgrade, the history, since
 * it refuses a hole before the current revision even when nothing is pending: SPEC §4),
 * every refusal, the target and the plan. The session is open and locked on success. */
static int start_live(struct cmig_session *ss, cmig_step_vec *plan, long *to,
                      const struct cmig_runtime *rt, const cmig_run_options *o, const char *target,
                      int direction, cmig_diags *d)
{
	const struct cmig_chain *c = &rt->scripts->chain;
	int rc = cmig_session_open(ss, rt, NULL, o, CMIG_SESSION_LOCK | CMIG_SESSION_VERSION |
	                           ((o->flags & CMIG_RUN_CHECK_ONLY) ? CMIG_SESSION_READONLY : 0u), d);
	if (rc)
		return rc;
	cmig_migrate_result(rt->result, ss->state.current, ss->state.current, 0);
	if (direction == CMIG_UP)
		rc = cmig_dbstate_load_history(&ss->state, ss->be, c, d);
	if (!rc)
		rc = refuse_bad_state(&ss->state, c, direction, d);
	if (!rc)
		rc = cmig_target_resolve(to, c, target, ss->state.current_pos, CMIG_TARGET_RELATIVE, d);
	if (!rc)
		rc = cmig_plan_make(plan, c, ss->state.current_pos, *to, direction,
		                    cmig_runtime_dialect(rt), d);
	return rc;
}

/* upgrade --check: the revisions that would run, one a line, and how many. */
static void report_pending(const struct cmig_runtime *rt, const cmig_run_options *o,
                           const cmig_step_vec *plan, size_t *pending_out)
{
	if (pending_out)
		*pending_out = plan->n;
	if (rt->result)
		rt->result->steps = plan->n;
	for (size_t i = 0; o->on_output && i < plan->n; i++) {
		const char *id = plan->items[i].rev->id;
		o->on_output(id, strlen(id), o->payload);
		o->on_output("\n", 1, o->payload);
	}
}

/* One turn of the loop from *pos: begin, re-read the version inside the transaction, and
 * apply the next step only when the database is still where the plan left it; a run that
 * got there first moves *pos instead (plan again from there). *applied says a step ran. */
static int loop_turn(struct cmig_backend *be, long *pos, bool *applied, const struct cmig_runtime *rt,
                     const cmig_run_options *o, int direction, cmig_diags *d)
{
	const struct cmig_chain *c = &rt->scripts->chain;
	struct cmig_exec_section x;
	cmig_step st;
	char *cur = NULL;
	long now;
	int rc;

	*applied = false;
	rc = cmig_plan_step(&st, c, *pos, direction, cmig_runtime_dialect(rt), d);
	if (rc)
		return rc;
	fill_exec(&x, &st);
	rc = be->ops->prepare_step(be, &x, d);
	if (!rc)
		rc = be->ops->begin(be, d);
	if (!rc)
		rc = be->ops->version_read(be, &cur, d);
	if (rc) {
		be->ops->rollback(be);
		return rc;
	}
	now = cur ? cmig_chain_index(c, cur) : CMIG_POS_BASE;
	if (cur && now < 0)
		rc = cmig_diag_error(d, NULL, 0, CMIG_ENOTFOUND, "db-unknown",
		                     "db-unknown: the database moved to revision %s, which no file declares", cur);
	free(cur);
	if (rc || now != *pos) {
		be->ops->rollback(be);
		*pos = now;
		return rc;
	}
	progress(o, &st);
	rc = apply_step(be, &st, d);
	if (rc) {
		be->ops->rollback(be);
		failed_note(d, &st);
		return rc;
	}
	*pos += direction == CMIG_UP ? 1 : -1;
	*applied = true;
	if (rt->result && rt->result->known) {
		char *after = st.to ? cmig_strdup(st.to) : NULL;
		rt->result->known = !st.to || after;
		free(rt->result->after);
		rt->result->after = after;
		rt->result->steps++;
	}
	return CMIG_OK;
}

int cmig_migrate_run(const struct cmig_runtime *rt, const cmig_run_options *o, int direction,
                     size_t *pending_out, cmig_diags *d)
{
	const char *target = o->target ? o->target : (direction == CMIG_UP ? "head" : NULL);
	struct cmig_session ss;
	cmig_step_vec plan = CMIG_VEC_INIT;
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
	rc = start_live(&ss, &plan, &to, rt, o, target, direction, d);
	if (!rc && (o->flags & CMIG_RUN_CHECK_ONLY))
		report_pending(rt, o, &plan, pending_out);
	pos = ss.state.current_pos;
	/* the loop: each turn re-reads the version inside its transaction and re-plans */
	while (!rc && !(o->flags & CMIG_RUN_CHECK_ONLY) && (direction == CMIG_UP ? pos < to : pos > to)) {
		bool applied;
		rc = loop_turn(ss.be, &pos, &applied, rt, o, direction, d);
		changed |= applied;
	}
	if (changed)
		cmig_schemaops_dump_file(rt, ss.be, d);
	free(plan.items);
	cmig_session_close(&ss);
	return rc;
}

int cmig_migrate_stamp(const struct cmig_runtime *rt, const cmig_run_options *o, cmig_diags *d)
{
	const struct cmig_chain *c = &rt->scripts->chain;
	bool offline = (o->flags & CMIG_RUN_OFFLINE) != 0;
	struct cmig_session ss;
	const char *to_id;
	long to;
	int rc;

	if (!o->target)
		return cmig_diag_error(d, NULL, 0, CMIG_EUSAGE, NULL, "stamp needs a TARGET");
	rc = cmig_target_resolve(&to, c, o->target, CMIG_POS_BASE, 0, d);
	if (rc)
		return rc;
	to_id = to >= 0 ? c->revs[to]->id : NULL;
	rc = cmig_session_open(&ss, rt, NULL, o, CMIG_SESSION_LOCK | CMIG_SESSION_BEGIN |
	                       (offline ? CMIG_SESSION_OFFLINE : CMIG_SESSION_VERSION), d);
	if (rc)
		return rc;
	rc = ss.be->ops->version_write(ss.be, to_id, d);
	if (!rc)
		rc = cmig_session_history(ss.be, to_id, "stamp", "", 0, d);
	if (!rc)
		rc = ss.be->ops->commit(ss.be, d);
	if (rc)
		ss.be->ops->rollback(ss.be);
	if (!offline && rt->result)
		cmig_migrate_result(rt->result, ss.state.current, rc ? ss.state.current : to_id, rc ? 0 : 1);
	else if (!offline && !rc)
		cmig_schemaops_dump_file(rt, ss.be, d);
	cmig_session_close(&ss);
	return rc;
}

int cmig_migrate_current(char **out, const struct cmig_runtime *rt, const cmig_run_options *o,
                         cmig_diags *d)
{
	struct cmig_session ss;
	int rc;

	*out = NULL;
	rc = cmig_session_open(&ss, rt, NULL, o, CMIG_SESSION_READONLY | CMIG_SESSION_VERSION, d);
	if (rc)
		return rc;
	cmig_migrate_result(rt->result, ss.state.current, ss.state.current,
	                    cmig_dbstate_pending(&ss.state, &rt->scripts->chain));
	*out = ss.state.current;
	ss.state.current = NULL;
	cmig_session_close(&ss);
	return CMIG_OK;
}

/* SPEC §5's state of chain position i, with its time. */
static cmig_rev_state row_state(const struct cmig_dbstate *st, size_t i, const char **at)
{
	const struct cmig_dbrev *r = &st->revs[i];
	*at = NULL;
	/* at a revision no file declares (db-unknown), the history alone says what ran */
	if (cmig_dbstate_unknown(st) ? !r->applied : (long)i > st->current_pos)
		return CMIG_REV_PENDING;
	/* a revision whose up section ran is applied, even when a later stamp also covers it;
	 * stamped only when a stamp covered it without running it */
	if (r->up_id && (r->updown_up || !r->stamp_id)) {
		*at = r->up_at;
		return CMIG_REV_APPLIED;
	}
	if (r->stamp_id) {
		*at = r->stamp_at;
		return CMIG_REV_STAMPED;
	}
	return st->history_rows == 0 ? CMIG_REV_APPLIED_NO_HISTORY : CMIG_REV_SKIPPED;
}

int cmig_migrate_status(char **current_out, const struct cmig_runtime *rt,
                        const cmig_run_options *o, cmig_status_cb cb, cmig_diags *d)
{
	const struct cmig_chain *c = &rt->scripts->chain;
	struct cmig_session ss;
	int rc;

	*current_out = NULL;
	rc = cmig_session_open(&ss, rt, NULL, o, CMIG_SESSION_READONLY | CMIG_SESSION_HISTORY, d);
	if (rc)
		return rc;
	for (size_t i = 0; i < c->n; i++) {
		cmig_status_row row;
		memset(&row, 0, sizeof(row));
		row.rev = (const cmig_revision *)c->revs[i];
		row.state = row_state(&ss.state, i, &row.applied_at);
		row.stamped = row.state == CMIG_REV_STAMPED;
		cb(&row, o->payload);
	}
	/* the §7 database problems follow, reported but not failing: `check` judges (SPEC §5) */
	if (cmig_dbstate_unknown(&ss.state))
		cmig_dbstate_report_unknown(ss.state.current, CMIG_ENOTFOUND, false, d);
	cmig_dbstate_report_order(&ss.state, c, d);
	cmig_dbstate_report_missing(&ss.state, d);
	cmig_migrate_result(rt->result, ss.state.current, ss.state.current, cmig_dbstate_pending(&ss.state, c));
	*current_out = ss.state.current;
	ss.state.current = NULL;
	cmig_session_close(&ss);
	return CMIG_OK;
}
