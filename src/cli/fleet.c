/*
 * fleet.c - one command over many databases (SPEC §11; see fleet.h): a pool of threads,
 * each taking the next database in list order and running the command on it through the
 * library, with the project opened once and shared read-only.
 *
 * Invariants:
 *  - A database is started only while nothing asks to stop: not after SIGINT, and with
 *    --on-error stop not after a failure. A database that was started always runs to its
 *    end (its migrations finish or roll back); the others are reported `not started`.
 *  - Everything a database's run says (diagnostics, progress) is kept in its own buffer,
 *    each line prefixed with the database, and printed in one piece under the output lock
 *    together with its report line; the waiting line alone is printed when it happens.
 *  - A failure of one database (connection, lock timeout, refusal, SQL error) is its
 *    result, never the run's: the library reports it as a status and diagnostics.
 */
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "fleet.h"
#include "out.h"

enum fleet_cmd { F_UPGRADE, F_CHECK_PENDING, F_DOWNGRADE, F_STAMP, F_CURRENT, F_STATUS, F_CHECK };
enum fleet_state { S_NOT_STARTED, S_CHANGED, S_UNCHANGED, S_PENDING, S_FAILED };

struct fleet_result {
	enum fleet_state state;
	cmig_run_result run;
	char *error;           /* the first error, one line */
	cmig_buf messages;     /* what the run said, lines prefixed with the database */
	double seconds;
};

struct fleet {
	struct cli_ctx *ctx;
	const struct fleet_list *list;
	const struct fleet_options *fo;
	enum fleet_cmd cmd;
	bool stop_on_error;
	const char *target;
	struct fleet_result *res;
	pthread_mutex_t lock;      /* next, stopping and the output */
	size_t next;
	bool stopping;
	bool oom;
};

/* The one piece of state a signal handler may touch. */
static volatile sig_atomic_t interrupted;

static void on_sigint(int sig)
{
	(void)sig;
	interrupted = 1;
}

/* What one database's callbacks write to. */
struct db_sink {
	struct fleet *f;
	const struct fleet_db *db;
	struct fleet_result *r;
};

static void sink_line(struct db_sink *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sink_line(struct db_sink *s, const char *fmt, ...)
{
	va_list ap;
	cmig_buf_puts(&s->r->messages, s->db->display);
	cmig_buf_puts(&s->r->messages, ": ");
	va_start(ap, fmt);
	cmig_buf_vprintf(&s->r->messages, fmt, ap);
	va_end(ap);
	cmig_buf_putc(&s->r->messages, '\n');
}

static void sink_diag(const cmig_diag *d, void *payload)
{
	struct db_sink *s = payload;
	const char *sev = d->severity == CMIG_DIAG_ERROR ? "error" :
	                  d->severity == CMIG_DIAG_WARNING ? "warning" : "note";
	if (d->severity == CMIG_DIAG_ERROR && !s->r->error) {
		s->r->error = d->path && d->line ? cmig_asprintf("%s:%u: %s", d->path, d->line, d->message)
		              : d->path ? cmig_asprintf("%s: %s", d->path, d->message)
		                        : cmig_strdup(d->message);
		if (s->r->error)
			s->r->error[strcspn(s->r->error, "\n")] = '\0';
	}
	if (d->path && d->line)
		sink_line(s, "%s:%u: %s: %s", d->path, d->line, sev, d->message);
	else if (d->path)
		sink_line(s, "%s: %s: %s", d->path, sev, d->message);
	else
		sink_line(s, "%s: %s", sev, d->message);
	if (d->detail)
		sink_line(s, "  detail: %s", d->detail);
	if (d->hint)
		sink_line(s, "  hint: %s", d->hint);
}

static void sink_progress(const cmig_progress *ev, void *payload)
{
	struct db_sink *s = payload;
	if (cli_out.quiet || ev->what)
		return; /* rows copied by a rebuild redraw a terminal line: not in a report */
	sink_line(s, "Running %s %s -> %s, %s", ev->direction == CMIG_UP ? "upgrade" : "downgrade",
	          ev->from ? ev->from : "base", ev->to ? ev->to : "base", ev->message ? ev->message : "");
}

static void sink_wait(const char *what, void *payload)
{
	struct db_sink *s = payload;
	if (cli_out.quiet)
		return;
	/* printed now, whole, so that a run that hangs says why */
	pthread_mutex_lock(&s->f->lock);
	fprintf(stderr, "%s: %s\n", s->db->display, what);
	fflush(stderr);
	pthread_mutex_unlock(&s->f->lock);
}

static void sink_output(const char *text, size_t len, void *payload)
{
	(void)text; (void)len; (void)payload; /* --check's ids: the report says how many */
}

static void status_row(const cmig_status_row *row, void *payload)
{
	(void)row; (void)payload;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Run the command on one database. */
static void run_one(struct fleet *f, size_t i)
{
	const struct fleet_db *db = &f->list->items[i];
	struct fleet_result *r = &f->res[i];
	struct db_sink sink = { f, db, r };
	cmig_project *p = f->ctx->project;
	cmig_run_options o;
	double t0 = now_s();
	size_t pending = 0;
	char *cur = NULL;
	int rc;

	cli_run_options(&o, f->ctx);
	o.on_diag = sink_diag;
	o.on_progress = sink_progress;
	o.on_wait = sink_wait;
	o.on_output = sink_output;
	o.payload = &sink;
	o.url = db->url;
	o.result = &r->run;
	o.target = f->target;
	switch (f->cmd) {
	case F_UPGRADE:
	case F_CHECK_PENDING:
		if (f->cmd == F_CHECK_PENDING)
			o.flags |= CMIG_RUN_CHECK_ONLY;
		rc = cmig_upgrade(&pending, p, &o);
		break;
	case F_DOWNGRADE:
		rc = cmig_downgrade(p, &o);
		break;
	case F_STAMP:
		rc = cmig_stamp(p, &o);
		break;
	case F_CURRENT:
		rc = cmig_current(&cur, p, &o);
		break;
	case F_STATUS:
		rc = cmig_status_walk(&cur, p, &o, status_row);
		break;
	default: {
		cmig_check_options co = CMIG_CHECK_OPTIONS_INIT;
		size_t errors = 0;
		co.flags = CMIG_CHECK_WITH_DATABASE |
		           (cli_opt_given(f->ctx, "strict") ? CMIG_CHECK_STRICT : 0u);
		co.on_diag = sink_diag;
		co.payload = &sink;
		co.url = db->url;
		co.result = &r->run;
		co.lock_timeout = f->ctx->lock_timeout;
		co.wait = f->ctx->wait;
		rc = cmig_check(&errors, NULL, p, &co);
		if (!rc && errors)
			rc = CMIG_ERROR;
		break;
	}
	}
	cmig_free(cur);
	if (!rc && (f->cmd == F_CURRENT || f->cmd == F_STATUS || f->cmd == F_CHECK) &&
	    r->run.known && r->run.before && cmig_project_find(&(const cmig_revision *){ NULL }, p,
	                                                        r->run.before) != CMIG_OK) {
		/* a revision no file declares has no pending count: the report says so (status
		 * has already said it, as SPEC §5 has it report and go on) */
		if (!r->error)
			sink_diag(&(cmig_diag){ .severity = CMIG_DIAG_ERROR, .code = CMIG_ENOTFOUND,
			                        .kind = "db-unknown",
			                        .message = "db-unknown: the database is at a revision no file declares" },
			          &sink);
		rc = CMIG_ENOTFOUND;
	}
	r->seconds = now_s() - t0;
	if (rc) {
		r->state = S_FAILED;
		if (!r->error)
			r->error = cmig_strdup(cmig_status_name(rc));
	} else if (f->cmd == F_UPGRADE || f->cmd == F_DOWNGRADE || f->cmd == F_STAMP) {
		r->state = r->run.steps ? S_CHANGED : S_UNCHANGED;
	} else {
		r->state = r->run.steps ? S_PENDING : S_UNCHANGED;
	}
}

static const char *rev_text(const struct fleet_result *r, const char *rev)
{
	if (r->state == S_NOT_STARTED || !r->run.known)
		return "-";
	return rev ? rev : "base";
}

static const char *changed_word(enum fleet_cmd c)
{
	return c == F_UPGRADE ? "upgraded" : c == F_DOWNGRADE ? "downgraded" :
	       c == F_STAMP ? "stamped" : "pending";
}

/* The report line of one database (text format). */
static void print_line(const struct fleet *f, size_t i)
{
	const struct fleet_result *r = &f->res[i];
	printf("%s\t%s\t%s\t", f->list->items[i].display, rev_text(r, r->run.before),
	       rev_text(r, r->run.after));
	switch (r->state) {
	case S_NOT_STARTED: fputs("not started", stdout); break;
	case S_FAILED: printf("failed: %s", r->error ? r->error : "error"); break;
	case S_CHANGED: fputs(changed_word(f->cmd), stdout); break;
	case S_UNCHANGED:
	case S_PENDING:
		if (f->cmd == F_CURRENT || f->cmd == F_STATUS)
			printf("%s, pending %zu", rev_text(r, r->run.before), r->run.steps);
		else if (r->state == S_PENDING)
			printf("pending %zu", r->run.steps);
		else
			fputs("unchanged", stdout);
		break;
	}
	putchar('\n');
}

static void finish_one(struct fleet *f, size_t i)
{
	struct fleet_result *r = &f->res[i];
	pthread_mutex_lock(&f->lock);
	if (r->messages.len)
		fwrite(r->messages.ptr, 1, r->messages.len, stderr);
	fflush(stderr);
	if (!f->fo->json) {
		print_line(f, i);
		fflush(stdout);
	}
	if (r->state == S_FAILED && f->stop_on_error)
		f->stopping = true;
	pthread_mutex_unlock(&f->lock);
	cmig_buf_release(&r->messages);
}

static void *worker(void *arg)
{
	struct fleet *f = arg;
	for (;;) {
		size_t i;
		pthread_mutex_lock(&f->lock);
		if (f->next >= f->list->n || f->stopping || interrupted) {
			pthread_mutex_unlock(&f->lock);
			return NULL;
		}
		i = f->next++;
		pthread_mutex_unlock(&f->lock);
		run_one(f, i);
		finish_one(f, i);
	}
}

static void json_str(const char *s)
{
	putchar('"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			printf("\\%c", *p);
		else if (*p < 0x20)
			printf("\\u%04x", *p);
		else
			putchar(*p);
	}
	putchar('"');
}

static void json_rev(const struct fleet_result *r, const char *rev)
{
	if (r->state == S_NOT_STARTED || !r->run.known || !rev)
		fputs("null", stdout);
	else
		json_str(rev);
}

static void print_json(const struct fleet *f, const size_t count[5])
{
	static const char *const words[] = { "not started", NULL, "unchanged", "pending", "failed" };
	bool readonly = f->cmd == F_CURRENT || f->cmd == F_STATUS || f->cmd == F_CHECK ||
	                f->cmd == F_CHECK_PENDING;
	fputs("{\"databases\": [", stdout);
	for (size_t i = 0; i < f->list->n; i++) {
		const struct fleet_result *r = &f->res[i];
		fputs(i ? ",\n  {\"database\": " : "\n  {\"database\": ", stdout);
		json_str(f->list->items[i].display);
		fputs(", \"before\": ", stdout);
		json_rev(r, r->run.before);
		fputs(", \"after\": ", stdout);
		json_rev(r, r->run.after);
		fputs(", \"result\": ", stdout);
		json_str(r->state == S_CHANGED ? changed_word(f->cmd) : words[r->state]);
		if (readonly && r->state != S_FAILED && r->state != S_NOT_STARTED)
			printf(", \"pending\": %zu", r->run.steps);
		else
			fputs(", \"pending\": null", stdout);
		fputs(", \"error\": ", stdout);
		if (r->state == S_FAILED)
			json_str(r->error ? r->error : "error");
		else
			fputs("null", stdout);
		if (r->state == S_NOT_STARTED)
			fputs(", \"seconds\": null}", stdout);
		else
			printf(", \"seconds\": %.3f}", r->seconds);
	}
	printf("%s],\n \"summary\": {\"changed\": %zu, \"unchanged\": %zu, \"failed\": %zu, "
	       "\"not_started\": %zu}}\n", f->list->n ? "\n" : "",
	       count[S_CHANGED] + count[S_PENDING], count[S_UNCHANGED], count[S_FAILED],
	       count[S_NOT_STARTED]);
}

static unsigned default_jobs(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > 8 ? 8 : (unsigned)n;
}

/* The files, checked once for `check` (SPEC §7 text or nothing: the report is JSON). */
static int check_files(struct cli_ctx *ctx, bool json)
{
	cmig_check_options o = CMIG_CHECK_OPTIONS_INIT;
	size_t errors = 0, warnings = 0;
	int rc;
	if (cli_opt_given(ctx, "strict"))
		o.flags |= CMIG_CHECK_STRICT;
	o.on_diag = cli_print_diag;
	rc = cmig_check(&errors, &warnings, ctx->project, &o);
	if (!json || rc)
		fprintf(stderr, "%zu error%s, %zu warning%s in the files\n", errors, errors == 1 ? "" : "s",
		        warnings, warnings == 1 ? "" : "s");
	return rc;
}

int fleet_run(struct cli_ctx *ctx, const struct fleet_list *l, const struct fleet_options *fo)
{
	const char *name = ctx->cmd->name;
	struct fleet f;
	size_t count[5] = { 0, 0, 0, 0, 0 }, nthreads;
	pthread_t *threads;
	struct sigaction sa, old;
	bool files_failed = false;
	int code;

	memset(&f, 0, sizeof(f));
	f.ctx = ctx;
	f.list = l;
	f.fo = fo;
	if (!strcmp(name, "upgrade"))
		f.cmd = cli_opt_given(ctx, "check") ? F_CHECK_PENDING : F_UPGRADE;
	else if (!strcmp(name, "downgrade"))
		f.cmd = F_DOWNGRADE;
	else if (!strcmp(name, "stamp"))
		f.cmd = F_STAMP;
	else if (!strcmp(name, "current"))
		f.cmd = F_CURRENT;
	else if (!strcmp(name, "status"))
		f.cmd = F_STATUS;
	else
		f.cmd = F_CHECK;
	f.target = ctx->args->npos ? ctx->args->pos[0] : f.cmd <= F_CHECK_PENDING ? "head" : NULL;
	if (f.cmd == F_UPGRADE && strchr(f.target, ':'))
		return cli_usage_error(ctx, "a FROM:TO target needs --sql, which runs on one database");
	/* a target that names no revision would fail on every database: say so once, first
	 * (relative steps depend on each database and are checked by its run) */
	if (f.target && f.target[0] != '+' && f.target[0] != '-') {
		const cmig_revision *r = NULL;
		int frc = cmig_project_find(&r, ctx->project, f.target);
		if (frc == CMIG_ENOTFOUND || frc == CMIG_EAMBIGUOUS) {
			fprintf(stderr, "cmig: error: target '%s' %s; no database was started\n", f.target,
			        frc == CMIG_ENOTFOUND ? "names no revision" : "is a prefix of several revisions");
			return EXIT_FAIL;
		}
	}
	/* stop after a failure by default only where something is written */
	f.stop_on_error = fo->on_error >= 0 ? fo->on_error == 0
	                  : f.cmd == F_UPGRADE || f.cmd == F_DOWNGRADE || f.cmd == F_STAMP;
	if (f.cmd == F_CHECK) {
		files_failed = check_files(ctx, fo->json) != CMIG_OK;
		if (cmig_project_count(ctx->project) == 0 && cmig_project_head(ctx->project) == NULL &&
		    files_failed)
			return EXIT_FAIL; /* a chain that is not linear: no database can be compared */
	}
	f.res = calloc(l->n ? l->n : 1, sizeof(*f.res));
	nthreads = fo->jobs ? fo->jobs : default_jobs();
	if (nthreads > l->n)
		nthreads = l->n;
	threads = calloc(nthreads ? nthreads : 1, sizeof(*threads));
	if (!f.res || !threads) {
		free(f.res);
		free(threads);
		fputs("cmig: error: out of memory\n", stderr);
		return EXIT_FAIL;
	}
	pthread_mutex_init(&f.lock, NULL);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigint;
	sa.sa_flags = SA_RESTART | SA_RESETHAND; /* a second Ctrl-C ends cmig at once */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old);

	size_t started = 0;
	for (size_t t = 0; t < nthreads; t++) {
		if (pthread_create(&threads[t], NULL, worker, &f) != 0)
			break;
		started++;
	}
	if (!started)
		worker(&f); /* no thread could be made: run them here, one at a time */
	for (size_t t = 0; t < started; t++)
		pthread_join(threads[t], NULL);
	sigaction(SIGINT, &old, NULL);

	for (size_t i = 0; i < l->n; i++) {
		count[f.res[i].state]++;
		if (f.res[i].state == S_NOT_STARTED && !fo->json)
			print_line(&f, i);
	}
	if (fo->json) {
		print_json(&f, count);
	} else {
		bool readonly = f.cmd == F_CURRENT || f.cmd == F_STATUS || f.cmd == F_CHECK ||
		                f.cmd == F_CHECK_PENDING;
		printf("%zu database%s: %zu %s, %zu unchanged, %zu failed, %zu not started\n", l->n,
		       l->n == 1 ? "" : "s", count[S_CHANGED] + count[S_PENDING],
		       readonly ? "pending" : changed_word(f.cmd), count[S_UNCHANGED], count[S_FAILED],
		       count[S_NOT_STARTED]);
	}
	if (interrupted)
		code = 130;
	else if (count[S_FAILED] || count[S_NOT_STARTED] || files_failed)
		code = EXIT_FAIL;
	else if (f.cmd == F_CHECK_PENDING && count[S_PENDING])
		code = EXIT_PENDING;
	else
		code = EXIT_OK;
	for (size_t i = 0; i < l->n; i++) {
		cmig_run_result_release(&f.res[i].run);
		free(f.res[i].error);
		cmig_buf_release(&f.res[i].messages);
	}
	pthread_mutex_destroy(&f.lock);
	free(f.res);
	free(threads);
	return code;
}
