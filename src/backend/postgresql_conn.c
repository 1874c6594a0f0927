/*
 * postgresql_conn.c - the PostgreSQL backend's connection: connecting with the password kept
 * apart, the query queue sent as one libpq pipeline, and everything libpq or the server says
 * turned into diagnostics (SPEC §1, §4; STYLE §5).
 *
 * Invariants:
 *  - libpq never prints: the notice receiver is installed before the connection is made
 *    (PQconnectStartParams + PQconnectPoll), so even a WARNING at connection time (a
 *    collation version mismatch) becomes a diagnostic, not a line on stderr.
 *  - Every text from libpq or the server goes through cmig_dburl_scrub() (the raw and the
 *    decoded password) before it reaches a diagnostic.
 *  - Each queued query knows where it came from (a statement of a section, or what cmig was
 *    doing), so a failure in a pipeline of many still names its file:line; the server's
 *    1-based character position is turned into the line within the statement.
 *  - Sending never blocks on a full socket while the server waits for us to read: the
 *    connection is non-blocking and pump() reads while it writes.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "postgresql_int.h"

double cmig_pg_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void cmig_pg_sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* A copy of text from libpq or the server, password removed, trailing newlines cut. */
static char *clean_text(const struct pg_backend *be, const char *text)
{
	char *s = cmig_strdup(text ? text : "");
	size_t n;
	if (!s)
		return NULL;
	cmig_dburl_scrub(be->url, s);
	n = strlen(s);
	while (n && (s[n - 1] == '\n' || s[n - 1] == ' ' || s[n - 1] == '\r'))
		s[--n] = '\0';
	return s;
}

/* ---- locations --------------------------------------------------------------------------- */

/* The line of a 1-based character position inside a statement (the server counts
 * characters of the text we sent; the text is UTF-8). */
static unsigned line_of_position(const char *text, const cmig_stmt *st, long pos)
{
	const char *p = text + st->start, *end = text + st->end;
	unsigned line = st->line;
	long chars = 0;

	if (pos <= 0)
		return line;
	for (; p < end; p++) {
		if (((unsigned char)*p & 0xC0) != 0x80 && ++chars == pos)
			break;
		if (*p == '\n')
			line++;
	}
	return line;
}

/* First line of a statement, cut to 120 bytes, for the detail of an error. */
static void add_excerpt(cmig_buf *b, const char *text, const cmig_stmt *st)
{
	size_t n = st->end - st->start;
	const char *s = text + st->start;
	const char *nl = memchr(s, '\n', n);
	bool cut = false;
	if (nl) {
		n = (size_t)(nl - s);
		cut = true;
	}
	if (n > 120) {
		n = 120;
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--; /* never cut a UTF-8 sequence */
		cut = true;
	}
	cmig_buf_printf(b, "statement: %.*s%s", (int)n, s, cut ? " …" : "");
}

/* Start a new sentence of a detail text: the parts stay on one line. */
static void next_sentence(cmig_buf *b)
{
	if (!b->len)
		return;
	if (b->ptr[b->len - 1] != '.')
		cmig_buf_putc(b, '.');
	cmig_buf_putc(b, ' ');
}

/* ---- errors and notices ------------------------------------------------------------------ */

/* Report a failed result (or, with res NULL, the connection's error) for queue item it. */
static int report_error(struct pg_backend *be, const struct pg_item *it, const PGresult *res,
                        cmig_diags *d)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *prim = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	const char *det = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL) : NULL;
	const char *hint = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_HINT) : NULL;
	const char *ctx = res ? PQresultErrorField(res, PG_DIAG_CONTEXT) : NULL;
	const char *posf = res ? PQresultErrorField(res, PG_DIAG_STATEMENT_POSITION) : NULL;
	char *msg, *hint_c = NULL, *detail_c = NULL;
	cmig_buf detail = CMIG_BUF_INIT;
	const char *path = NULL;
	unsigned line = 0;
	int code = CMIG_ESQL;

	if (!prim) {
		/* libpq's own error (connection lost, protocol): first line of its message */
		const char *m = res ? PQresultErrorMessage(res) : NULL;
		if (!m || !*m)
			m = PQerrorMessage(be->conn);
		msg = clean_text(be, m);
		if (msg) {
			char *nl = strchr(msg, '\n');
			if (nl) {
				cmig_buf_puts(&detail, nl + 1);
				*nl = '\0';
			}
		}
		if (PQstatus(be->conn) == CONNECTION_BAD)
			code = CMIG_ECONNECT;
	} else {
		msg = clean_text(be, prim);
		if (det && *det)
			cmig_buf_puts(&detail, det);
	}
	if (!msg) {
		cmig_buf_release(&detail);
		return cmig_diag_oom(d);
	}
	if (it && it->sec && it->st) {
		path = it->sec->path;
		line = line_of_position(it->sec->text, it->st, posf ? strtol(posf, NULL, 10) : 0);
		next_sentence(&detail);
		cmig_buf_printf(&detail, "Revision %s, ", it->sec->revision ? it->sec->revision : "?");
		add_excerpt(&detail, it->sec->text, it->st);
	} else if (it && it->what) {
		next_sentence(&detail);
		cmig_buf_printf(&detail, "While %s.", it->what);
	}
	if (ctx && *ctx) {
		next_sentence(&detail);
		cmig_buf_printf(&detail, "Context: %s", ctx);
	}
	if (detail.len) {
		detail_c = clean_text(be, detail.ptr);
		if (!detail_c) {
			free(msg);
			cmig_buf_release(&detail);
			return cmig_diag_oom(d);
		}
	}
	if (hint && *hint)
		hint_c = clean_text(be, hint);
	else if (state && !strcmp(state, "25001") && it && it->sec && it->st)
		/* a statement PostgreSQL refuses inside a transaction block that check could not
		 * see by its first words (SPEC §2 lists the ones it can) */
		hint_c = cmig_strdup("This statement cannot run inside a transaction block: put it in "
		                     "a section marked transaction:false.");
	else if (be->copy_in_seen)
		hint_c = cmig_strdup("COPY FROM STDIN needs data on the connection, which a migration "
		                     "cannot give: use INSERT, or COPY FROM a file on the server.");
	if (state && *state)
		cmig_diag_full(d, CMIG_DIAG_ERROR, code, NULL, path, line, 0, detail_c, hint_c,
		               "%s: %s", state, msg);
	else
		cmig_diag_full(d, CMIG_DIAG_ERROR, code, NULL, path, line, 0, detail_c, hint_c,
		               "%s", msg);
	free(msg);
	free(detail_c);
	free(hint_c);
	cmig_buf_release(&detail);
	return code;
}

int cmig_pg_report(struct pg_backend *be, const char *what, const PGresult *res, cmig_diags *d)
{
	struct pg_item it;
	memset(&it, 0, sizeof(it));
	it.what = what;
	return report_error(be, &it, res, d);
}

/* libpq hands every notice here instead of printing it (STYLE §5). */
static void notice_receiver(void *arg, const PGresult *res)
{
	struct pg_backend *be = arg;
	const char *sev = PQresultErrorField(res, PG_DIAG_SEVERITY_NONLOCALIZED);
	const char *prim = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
	const char *det = PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL);
	const char *hint = PQresultErrorField(res, PG_DIAG_MESSAGE_HINT);
	bool warning = sev && !strcmp(sev, "WARNING");
	const char *path = NULL;
	unsigned line = 0;
	char *msg, *det_c = NULL, *hint_c = NULL;

	if (!be->diags || (!warning && !be->base.settings->verbose))
		return;
	msg = clean_text(be, prim ? prim : PQresultErrorMessage(res));
	if (!msg)
		return;
	if (det && *det)
		det_c = clean_text(be, det);
	if (hint && *hint)
		hint_c = clean_text(be, hint);
	if (be->cur && be->cur->sec && be->cur->st) {
		path = be->cur->sec->path;
		line = be->cur->st->line;
	}
	cmig_diag_full(be->diags, warning ? CMIG_DIAG_WARNING : CMIG_DIAG_NOTE, CMIG_OK, NULL,
	               path, line, 0, det_c, hint_c, "server %s: %s", sev ? sev : "NOTICE", msg);
	free(msg);
	free(det_c);
	free(hint_c);
}

/* ---- the queue and the pipeline ---------------------------------------------------------- */

static void item_release(struct pg_item *it)
{
	free(it->sql);
	for (int i = 0; i < it->nparams; i++)
		free(it->params[i]);
	PQclear(it->res);
	memset(it, 0, sizeof(*it));
}

void cmig_pg_clear(struct pg_backend *be)
{
	if (be->piped) { /* results still on the way: read and drop them */
		cmig_diags quiet;
		cmig_diags_init(&quiet, NULL, NULL);
		cmig_pg_receive(be, be->queue.n, &quiet);
		cmig_diags_release(&quiet);
		be->diags = NULL;
	}
	for (size_t i = 0; i < be->queue.n; i++)
		item_release(&be->queue.items[i]);
	be->queue.n = be->sent = be->received = 0;
}

/* Queue sql[0, len) (copied). Returns the item's index or -1 when out of memory. */
long cmig_pg_queue(struct pg_backend *be, const char *sql, size_t len, const char *what)
{
	struct pg_item it;
	memset(&it, 0, sizeof(it));
	it.sql = cmig_strndup(sql, len);
	it.what = what;
	if (!it.sql || CMIG_VEC_PUSH(&be->queue, it)) {
		free(it.sql);
		return -1;
	}
	return (long)be->queue.n - 1;
}

/* Queue every statement of cmig's own SQL text (one or more statements ending in ";\n"). */
int cmig_pg_queue_script(struct pg_backend *be, const char *sql, const char *what,
                         const char *skip_prefix, cmig_diags *d)
{
	cmig_stmt_vec v = CMIG_VEC_INIT;
	int rc = cmig_sqlsplit(&v, sql, 0, strlen(sql), 1);
	for (size_t i = 0; !rc && i < v.n; i++) {
		const char *s = sql + v.items[i].start;
		size_t n = v.items[i].end - v.items[i].start;
		if (skip_prefix && !strncmp(s, skip_prefix, strlen(skip_prefix)))
			continue;
		if (cmig_pg_queue(be, s, n, what) < 0)
			rc = CMIG_ENOMEM;
	}
	free(v.items);
	return rc ? cmig_diag_oom(d) : CMIG_OK;
}

/* Send everything still buffered, reading what the server sends meanwhile so that neither
 * side can block on a full socket (libpq's documented pipeline pattern). */
static int pump(struct pg_backend *be)
{
	int r;
	while ((r = PQflush(be->conn)) == 1) {
		struct pollfd pfd = { PQsocket(be->conn), POLLIN | POLLOUT, 0 };
		if (poll(&pfd, 1, -1) < 0 && errno != EINTR)
			return -1;
		if ((pfd.revents & POLLIN) && !PQconsumeInput(be->conn))
			return -1;
	}
	return r;
}

/* A migration statement started a COPY: there is no data to give it (a section is SQL
 * only), so COPY FROM STDIN is ended with an error the server reports as the statement's
 * failure, and COPY TO STDOUT's rows are read and dropped. */
static int end_copy(struct pg_backend *be, ExecStatusType st)
{
	PGconn *c = be->conn;
	char *row;
	int r;

	if (st == PGRES_COPY_IN) {
		be->copy_in_seen = true;
		while ((r = PQputCopyEnd(c, "COPY FROM STDIN has no data in a migration file: "
		                            "use INSERT, or COPY FROM a file on the server")) == 0)
			if (pump(be) < 0)
				return CMIG_ERROR;
		return r < 0 || pump(be) < 0 ? CMIG_ERROR : CMIG_OK;
	}
	if (st == PGRES_COPY_OUT) {
		while ((r = PQgetCopyData(c, &row, 0)) > 0)
			PQfreemem(row);
		return r == -1 ? CMIG_OK : CMIG_ERROR;
	}
	return CMIG_ERROR; /* COPY BOTH (replication) cannot happen on a normal connection */
}

/* Send the items queued since the last send as one pipeline ending in one Sync;
 * cmig_pg_receive() reads the results. */
int cmig_pg_send(struct pg_backend *be, cmig_diags *d)
{
	PGconn *c = be->conn;
	size_t from = be->sent;
	int rc;

	be->received = be->sent = be->queue.n;
	be->pipe_rc = CMIG_OK;
	if (from == be->queue.n)
		return CMIG_OK;
	be->diags = d;
	be->copy_in_seen = false;
	if (!PQenterPipelineMode(c))
		return be->pipe_rc = report_error(be, NULL, NULL, d);
	be->received = from;
	for (size_t i = from; i < be->queue.n; i++) {
		struct pg_item *it = &be->queue.items[i];
		if (!PQsendQueryParams(c, it->sql, it->nparams, NULL,
		                       (const char *const *)it->params, NULL, NULL, 0) ||
		    (it->flush && !PQsendFlushRequest(c)))
			goto failed;
	}
	if (!PQpipelineSync(c) || pump(be) < 0)
		goto failed;
	be->piped = true;
	return CMIG_OK;
failed:
	rc = report_error(be, NULL, NULL, d);
	PQexitPipelineMode(c);
	be->received = be->queue.n;
	return be->pipe_rc = rc;
}

/* One result of item it: the pipeline's first failure is reported, a kept result stays in
 * it->res. False when a COPY it began could not be ended (its other results are dropped). */
static bool take_result(struct pg_backend *be, struct pg_item *it, PGresult *res, cmig_diags *d)
{
	ExecStatusType st = PQresultStatus(res);
	if (st == PGRES_COPY_IN || st == PGRES_COPY_OUT || st == PGRES_COPY_BOTH) {
		PQclear(res);
		if (end_copy(be, st) == CMIG_OK)
			return true;
		if (be->pipe_rc == CMIG_OK)
			be->pipe_rc = report_error(be, it, NULL, d);
		return false;
	}
	if (st == PGRES_FATAL_ERROR || st == PGRES_BAD_RESPONSE || st == PGRES_NONFATAL_ERROR) {
		if (be->pipe_rc == CMIG_OK)
			be->pipe_rc = report_error(be, it, res, d);
		PQclear(res);
	} else if (it->keep && st == PGRES_TUPLES_OK && !it->res) {
		it->res = res;
	} else {
		PQclear(res);
	}
	return true;
}

/* Every item read: the Sync's own result ends the pipeline. */
static void end_pipeline(struct pg_backend *be, cmig_diags *d)
{
	PGconn *c = be->conn;
	be->piped = false;
	for (int guard = 0; guard < 4 && PQstatus(c) != CONNECTION_BAD; guard++) {
		PGresult *res = PQgetResult(c);
		ExecStatusType st = res ? PQresultStatus(res) : PGRES_EMPTY_QUERY;
		PQclear(res);
		if (st == PGRES_PIPELINE_SYNC)
			break;
	}
	if (!PQexitPipelineMode(c) && be->pipe_rc == CMIG_OK)
		be->pipe_rc = report_error(be, NULL, NULL, d);
	if (PQstatus(c) == CONNECTION_BAD && be->pipe_rc == CMIG_OK)
		be->pipe_rc = report_error(be, NULL, NULL, d);
}

/* Read the results of the sent items before `upto` (a later call reads on); once every item
 * is read, the Sync ends the pipeline. Returns the pipeline's first failure so far. */
int cmig_pg_receive(struct pg_backend *be, size_t upto, cmig_diags *d)
{
	PGconn *c = be->conn;

	if (!be->piped)
		return be->pipe_rc;
	be->diags = d;
	for (; be->received < upto && be->received < be->queue.n; be->received++) {
		struct pg_item *it = &be->queue.items[be->received];
		PGresult *res;
		be->cur = it;
		while ((res = PQgetResult(c)) != NULL)
			if (!take_result(be, it, res, d))
				break;
		be->cur = NULL;
		if (PQstatus(c) == CONNECTION_BAD) {
			be->received = be->queue.n;
			break;
		}
	}
	if (be->received == be->queue.n)
		end_pipeline(be, d);
	return be->pipe_rc;
}

/* cmig_pg_receive without waiting: the results that have arrived, read until the next one
 * has not (the pipeline ends when the last has). For the queries cmig reads with (no COPY). */
int cmig_pg_receive_ready(struct pg_backend *be, cmig_diags *d)
{
	PGconn *c = be->conn;

	if (!be->piped)
		return be->pipe_rc;
	be->diags = d;
	if (!PQconsumeInput(c))
		be->received = be->queue.n; /* the connection broke: end_pipeline reports it */
	while (be->received < be->queue.n && !PQisBusy(c)) {
		struct pg_item *it = &be->queue.items[be->received];
		PGresult *res;
		be->cur = it;
		res = PQgetResult(c);
		be->cur = NULL;
		if (!res)
			be->received++;
		else
			take_result(be, it, res, d);
		if (PQstatus(c) == CONNECTION_BAD)
			be->received = be->queue.n;
	}
	if (be->received == be->queue.n && !PQisBusy(c))
		end_pipeline(be, d);
	return be->pipe_rc;
}

int cmig_pg_flush(struct pg_backend *be, cmig_diags *d)
{
	int rc = cmig_pg_send(be, d);
	return rc ? rc : cmig_pg_receive(be, be->queue.n, d);
}

/* Flush and forget the queue. */
int cmig_pg_run(struct pg_backend *be, cmig_diags *d)
{
	int rc = cmig_pg_flush(be, d);
	cmig_pg_clear(be);
	return rc;
}

/* Run one of cmig's own statements now, outside any pipeline. */
int cmig_pg_exec(struct pg_backend *be, const char *sql, const char *what, cmig_diags *d)
{
	if (cmig_pg_queue(be, sql, strlen(sql), what) < 0)
		return cmig_diag_oom(d);
	return cmig_pg_run(be, d);
}

/* ---- connecting -------------------------------------------------------------------------- */

/* Host and port for a connection failure message: what libpq was trying (the URL's query
 * may name the host), else what the URL says, else the environment's and libpq's defaults. */
static void describe_target(const struct pg_backend *be, PGconn *c, cmig_buf *out)
{
	const char *host = c ? PQhost(c) : NULL, *port = c ? PQport(c) : NULL;
	if (!host || !*host)
		host = be->url->host;
	if (!host || !*host)
		host = getenv("PGHOST");
	if (!port || !*port)
		port = be->url->port;
	if (!port || !*port)
		port = getenv("PGPORT");
	if (be->url->host && strchr(be->url->host, ',')) {
		cmig_buf_printf(out, "hosts %s (host, port of the last tried: %s, %s)", be->url->host,
		                host && *host ? host : "?", port && *port ? port : "?");
		return;
	}
	cmig_buf_printf(out, "host %s, port %s", host && *host ? host : "localhost (default)",
	                port && *port ? port : "5432 (default)");
}

static int connect_error(struct pg_backend *be, PGconn *c, const char *libpq_msg, cmig_diags *d)
{
	cmig_buf target = CMIG_BUF_INIT;
	char *msg = clean_text(be, libpq_msg), *shown;
	char *rest = NULL;
	bool refused;

	if (!msg)
		return cmig_diag_oom(d);
	rest = strchr(msg, '\n');
	if (rest) {
		*rest++ = '\0';
		while (*rest == '\t' || *rest == ' ')
			rest++;
	}
	/* only a server that did not answer (or is starting up) may answer later; a bad option or
	 * a refused login will not get better */
	refused = strstr(msg, "connection to server") != NULL &&
	          (!strstr(msg, "FATAL:") || strstr(msg, "starting up"));
	describe_target(be, c, &target);
	shown = clean_text(be, target.ptr);
	cmig_diag_full(d, CMIG_DIAG_ERROR, CMIG_ECONNECT, NULL, NULL, 0, 0,
	               rest && *rest ? rest : NULL,
	               refused && be->base.settings->wait <= 0 ?
	               "If the server is still starting, --wait SECONDS keeps retrying." : NULL,
	               "cannot connect to PostgreSQL at %s: %s", shown ? shown : "?", msg);
	cmig_buf_release(&target);
	free(shown);
	free(msg);
	return CMIG_ECONNECT;
}

/* Seconds one connection attempt may take: libpq's connect_timeout (URL, else
 * PGCONNECT_TIMEOUT, else our default of 10) per host of the URL; 0 = no limit. */
static double attempt_timeout(PQconninfoOption *opts)
{
	const char *t = getenv("PGCONNECT_TIMEOUT"), *hosts = NULL;
	double secs = 10, nhosts = 1;

	for (PQconninfoOption *o = opts; o && o->keyword; o++) {
		if (!strcmp(o->keyword, "connect_timeout") && o->val && *o->val)
			t = o->val;
		else if (!strcmp(o->keyword, "host") && o->val && *o->val)
			hosts = o->val;
	}
	if (t && *t)
		secs = strtod(t, NULL);
	if (secs <= 0)
		return 0;
	if (secs < 2)
		secs = 2; /* libpq's own floor */
	for (const char *p = hosts; p && *p; p++)
		if (*p == ',')
			nhosts++;
	return secs * nhosts;
}

/* One connection attempt, driven with PQconnectPoll so that the notice receiver is in place
 * before the server can say anything (a WARNING at connection time, such as a collation
 * version mismatch, would otherwise go to stderr through libpq's default processor).
 * Returns the connection, ready or failed (NULL when out of memory); *timed_out is set when
 * our limit ended it. */
static PGconn *connect_once(struct pg_backend *be, const char *const *keys,
                            const char *const *vals, double timeout, bool *timed_out)
{
	PGconn *c = PQconnectStartParams(keys, vals, 1);
	PostgresPollingStatusType st = PGRES_POLLING_WRITING;
	double deadline = cmig_pg_now() + timeout;

	*timed_out = false;
	if (!c)
		return NULL;
	PQsetNoticeReceiver(c, notice_receiver, be);
	if (PQstatus(c) == CONNECTION_BAD)
		return c;
	while (st != PGRES_POLLING_OK && st != PGRES_POLLING_FAILED) {
		struct pollfd pfd = { PQsocket(c), st == PGRES_POLLING_READING ? POLLIN : POLLOUT, 0 };
		int wait_ms = -1, r;
		if (timeout > 0) {
			double left = deadline - cmig_pg_now();
			if (left <= 0) {
				*timed_out = true;
				break;
			}
			wait_ms = (int)(left * 1000) + 1;
		}
		r = pfd.fd >= 0 ? poll(&pfd, 1, wait_ms) : 1;
		if (r < 0 && errno != EINTR)
			break;
		if (r == 0)
			continue; /* the deadline check above ends it */
		st = PQconnectPoll(c);
	}
	return c;
}

/* The startup `options` that make schema the whole search_path (SPEC §11): the URL's own
 * options first, then `-c search_path="NAME"`, with the server's escapes (a backslash before
 * a space or a backslash) and the identifier's quotes doubled. */
static int search_path_options(cmig_buf *out, PQconninfoOption *opts, const char *schema)
{
	int rc = CMIG_OK;
	for (PQconninfoOption *o = opts; o && o->keyword; o++)
		if (!strcmp(o->keyword, "options") && o->val && *o->val) {
			rc |= cmig_buf_puts(out, o->val);
			rc |= cmig_buf_putc(out, ' ');
		}
	rc |= cmig_buf_puts(out, "-c search_path=\"");
	for (const char *p = schema; *p; p++) {
		if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\\')
			rc |= cmig_buf_putc(out, '\\');
		if (*p == '"')
			rc |= cmig_buf_putc(out, '"');
		rc |= cmig_buf_putc(out, *p);
	}
	rc |= cmig_buf_putc(out, '"');
	return rc ? CMIG_ENOMEM : CMIG_OK;
}

/* SET search_path after connecting, for a pooler that does not pass startup options on
 * (pgbouncer=true in the URL). */
static int set_search_path(struct pg_backend *be, cmig_diags *d)
{
	cmig_buf sql = CMIG_BUF_INIT;
	int rc;
	if (cmig_buf_puts(&sql, "SET search_path = \"") || cmig_buf_add_quoted(&sql, be->url->schema, '"') ||
	    cmig_buf_putc(&sql, '"')) {
		cmig_buf_release(&sql);
		return cmig_diag_oom(d);
	}
	rc = cmig_pg_exec(be, sql.ptr, "setting search_path to the URL's schema", d);
	cmig_buf_release(&sql);
	return rc;
}

int cmig_pg_connect(struct pg_backend *be, cmig_diags *d)
{
	const struct cmig_backend_settings *s = be->base.settings;
	const char *keys[8], *vals[8];
	double deadline = cmig_pg_now() + (s->wait > 0 ? s->wait : 0), timeout;
	char *perr = NULL;
	PQconninfoOption *opts;
	cmig_buf options = CMIG_BUF_INIT;
	int n = 0, rc;

	/* A URL libpq cannot parse will not parse better later: no retries for it. */
	opts = PQconninfoParse(be->url->pg_conninfo, &perr);
	if (!opts) {
		rc = connect_error(be, NULL, perr ? perr : "out of memory", d);
		PQfreemem(perr);
		return rc;
	}
	timeout = attempt_timeout(opts);
	if (be->url->schema && !be->url->pgbouncer &&
	    search_path_options(&options, opts, be->url->schema) != CMIG_OK) {
		PQconninfoFree(opts);
		cmig_buf_release(&options);
		return cmig_diag_oom(d);
	}
	PQconninfoFree(opts);

	/* Before dbname: defaults the URL may override. After it: what cmig needs. */
	keys[n] = "fallback_application_name";
	vals[n++] = "cmig";
	keys[n] = "dbname";
	vals[n++] = be->url->pg_conninfo;
	if (be->url->password) {
		keys[n] = "password";
		vals[n++] = be->url->password;
	}
	keys[n] = "client_encoding"; /* migration files are UTF-8 (SPEC §2); positions count UTF-8 */
	vals[n++] = "UTF8";
	if (options.len) {
		keys[n] = "options";
		vals[n++] = options.ptr;
	}
	keys[n] = NULL;
	vals[n] = NULL;

	for (;;) {
		bool timed_out;
		PGconn *c = connect_once(be, keys, vals, timeout, &timed_out);
		if (!c) {
			cmig_buf_release(&options);
			return cmig_diag_oom(d);
		}
		if (!timed_out && PQstatus(c) == CONNECTION_OK) {
			be->conn = c;
			break;
		}
		if (cmig_pg_now() >= deadline) {
			if (timed_out) {
				char msg[96];
				snprintf(msg, sizeof(msg), "connection to server timed out after %g second%s "
				         "(connect_timeout)", timeout, timeout == 1 ? "" : "s");
				rc = connect_error(be, c, msg, d);
			} else {
				rc = connect_error(be, c, PQerrorMessage(c), d);
			}
			PQfinish(c);
			cmig_buf_release(&options);
			return rc;
		}
		PQfinish(c);
		cmig_pg_sleep_ms(250);
	}
	cmig_buf_release(&options);
	if (PQsetnonblocking(be->conn, 1) != 0)
		return report_error(be, NULL, NULL, d);
	if (be->url->schema && be->url->pgbouncer && (rc = set_search_path(be, d)) != CMIG_OK)
		return rc;
	return CMIG_OK;
}
