/*
 * postgresql.c - the PostgreSQL backend over libpq (SPEC §1 URLs, §2 sections, §4 the
 * database side).
 *
 * Invariants:
 *  - The password never reaches a diagnostic: libpq gets the URL without it (url->pg_conninfo,
 *    expanded as `dbname`) and the decoded password as its own keyword; every text libpq or
 *    the server hands us goes through cmig_dburl_scrub() (raw and decoded forms) first.
 *  - libpq never prints: PQsetNoticeReceiver turns server notices into CMIG_DIAG_NOTE records
 *    (only with settings->verbose; a server WARNING is always a warning record).
 *  - Runs are serialized by a session advisory lock (pg_try_advisory_lock, polled so that we
 *    can say we are waiting and give up after settings->lock_timeout) on a key hashed from
 *    "schema.version_table", held from lock() to unlock() or the end of the session.
 *  - A transactional section goes as one pipeline: one extended-protocol query per statement
 *    and one Sync, so a section costs one round trip and a failure still names the statement
 *    that failed (its line, moved by PG_DIAG_STATEMENT_POSITION when the server gives one).
 *    Extended protocol runs exactly one statement per query, so nothing the splitter missed
 *    can ride along unnoticed.
 *  - cmig's own statements (BEGIN, the version and history writes, COMMIT) are queued and
 *    sent with the next statement that needs an answer, so a migration costs two round trips:
 *    BEGIN + the section, then the version/history rows + COMMIT.
 *  - While we hold the lock, nobody else (no cmig) changes the version table, so the version
 *    read once is remembered and updated by our own commits instead of being re-read in
 *    every step. A readonly open takes no lock and always reads.
 *  - A missing version or history table is a database at base (checked with to_regclass,
 *    never by a failing SELECT, which would abort the transaction). A readonly open creates
 *    nothing.
 *
 * Not done here: COPY FROM STDIN (a migration file has no data to send on the connection):
 * such a statement fails, naming its line; COPY TO STDOUT's rows are read and dropped.
 */
#include <errno.h>
#include <libpq-fe.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backend.h"
#include "sqlsplit.h"

enum tables_state { TABLES_UNKNOWN, TABLES_MISSING, TABLES_EXIST };

/* One queued query. Borrowed pointers are valid until the queue is flushed. */
struct pg_item {
	char *sql;                            /* owned */
	char *params[3];                      /* owned text parameters $1..$3, or NULL */
	int nparams;
	const struct cmig_exec_section *sec;  /* a migration statement: its section, else NULL */
	const cmig_stmt *st;                  /* … and the statement */
	const char *what;                     /* cmig's own: what it was doing, for messages */
	bool keep;                            /* keep the result in res */
	PGresult *res;
};

struct pg_backend {
	struct cmig_backend base;
	PGconn *conn;
	const cmig_dburl *url;
	CMIG_VEC(struct pg_item) queue;
	cmig_diags *diags;                    /* where notices go during the current call */
	const struct pg_item *cur;            /* the query whose results are being read */
	long long lock_key;
	bool locked;
	enum tables_state tables;
	bool version_exists, history_exists, schema_exists; /* as check_tables() last saw */
	bool created_in_txn;                  /* begin() queued the CREATE TABLEs */
	bool ver_known;                       /* ver is the committed version (lock held) */
	char *ver;                            /* NULL = base */
	bool ver_pending;                     /* version_write() queued in this transaction */
	char *ver_new;
	bool copy_in_seen;                    /* a statement of this flush began COPY FROM STDIN */
	cmig_buf scratch;
};

static const char WAITING[] = "waiting for the database lock (another cmig run holds it)";

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static int oom(cmig_diags *d)
{
	return cmig_diag_error(d, NULL, 0, CMIG_ENOMEM, NULL, "out of memory");
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

/* ---- locations ------------------------------------------------------------------------- */

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
		return oom(d);
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
			return oom(d);
		}
	}
	if (hint && *hint)
		hint_c = clean_text(be, hint);
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

/* ---- the queue and the pipeline ----------------------------------------------------------- */

static void item_release(struct pg_item *it)
{
	free(it->sql);
	for (int i = 0; i < it->nparams; i++)
		free(it->params[i]);
	PQclear(it->res);
	memset(it, 0, sizeof(*it));
}

static void queue_clear(struct pg_backend *be)
{
	for (size_t i = 0; i < be->queue.n; i++)
		item_release(&be->queue.items[i]);
	be->queue.n = 0;
}

/* Queue sql[0, len) (copied). Returns the item's index or -1 when out of memory. */
static long queue_add(struct pg_backend *be, const char *sql, size_t len, const char *what)
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
static int queue_script(struct pg_backend *be, const char *sql, const char *what,
                        const char *skip_prefix, cmig_diags *d)
{
	cmig_stmt_vec v = CMIG_VEC_INIT;
	int rc = cmig_sqlsplit(&v, sql, 0, strlen(sql), 1);
	for (size_t i = 0; !rc && i < v.n; i++) {
		const char *s = sql + v.items[i].start;
		size_t n = v.items[i].end - v.items[i].start;
		if (skip_prefix && !strncmp(s, skip_prefix, strlen(skip_prefix)))
			continue;
		if (queue_add(be, s, n, what) < 0)
			rc = CMIG_ENOMEM;
	}
	free(v.items);
	return rc ? oom(d) : CMIG_OK;
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

/* Send the queue as one pipeline with one Sync and read every result. The first failure is
 * reported (later queries are skipped by the server); results of `keep` items stay in the
 * queue until queue_clear(). */
static int flush_queue(struct pg_backend *be, cmig_diags *d)
{
	PGconn *c = be->conn;
	int rc = CMIG_OK;
	bool failed = false;

	if (be->queue.n == 0)
		return CMIG_OK;
	be->diags = d;
	be->copy_in_seen = false;
	if (!PQenterPipelineMode(c))
		return report_error(be, NULL, NULL, d);
	for (size_t i = 0; i < be->queue.n; i++) {
		struct pg_item *it = &be->queue.items[i];
		if (!PQsendQueryParams(c, it->sql, it->nparams, NULL,
		                       (const char *const *)it->params, NULL, NULL, 0)) {
			failed = true;
			break;
		}
	}
	if (failed || !PQpipelineSync(c) || pump(be) < 0) {
		rc = report_error(be, NULL, NULL, d);
		PQexitPipelineMode(c);
		return rc;
	}
	for (size_t i = 0; i < be->queue.n; i++) {
		struct pg_item *it = &be->queue.items[i];
		PGresult *res;
		be->cur = it;
		while ((res = PQgetResult(c)) != NULL) {
			ExecStatusType st = PQresultStatus(res);
			if (st == PGRES_COPY_IN || st == PGRES_COPY_OUT || st == PGRES_COPY_BOTH) {
				PQclear(res);
				if (end_copy(be, st) != CMIG_OK) {
					if (rc == CMIG_OK)
						rc = report_error(be, it, NULL, d);
					break;
				}
				continue;
			}
			if (st == PGRES_FATAL_ERROR || st == PGRES_BAD_RESPONSE ||
			    st == PGRES_NONFATAL_ERROR) {
				if (rc == CMIG_OK)
					rc = report_error(be, it, res, d);
				PQclear(res);
			} else if (it->keep && st == PGRES_TUPLES_OK && !it->res) {
				it->res = res;
			} else {
				PQclear(res);
			}
		}
		if (PQstatus(c) == CONNECTION_BAD)
			break;
	}
	be->cur = NULL;
	/* the Sync's own result ends the pipeline */
	for (int guard = 0; guard < 4 && PQstatus(c) != CONNECTION_BAD; guard++) {
		PGresult *res = PQgetResult(c);
		ExecStatusType st = res ? PQresultStatus(res) : PGRES_EMPTY_QUERY;
		PQclear(res);
		if (st == PGRES_PIPELINE_SYNC)
			break;
	}
	if (!PQexitPipelineMode(c) && rc == CMIG_OK)
		rc = report_error(be, NULL, NULL, d);
	if (PQstatus(c) == CONNECTION_BAD && rc == CMIG_OK)
		rc = report_error(be, NULL, NULL, d);
	return rc;
}

/* Flush and forget the queue. */
static int run_queue(struct pg_backend *be, cmig_diags *d)
{
	int rc = flush_queue(be, d);
	queue_clear(be);
	return rc;
}

/* Run one of cmig's own statements now, outside any pipeline. */
static int exec_simple(struct pg_backend *be, const char *sql, const char *what, cmig_diags *d)
{
	if (queue_add(be, sql, strlen(sql), what) < 0)
		return oom(d);
	return run_queue(be, d);
}

/* ---- connecting ---------------------------------------------------------------------------- */

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
		return oom(d);
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
	double deadline = now_seconds() + timeout;

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
			double left = deadline - now_seconds();
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

static int connect_db(struct pg_backend *be, cmig_diags *d)
{
	const struct cmig_backend_settings *s = be->base.settings;
	const char *keys[8], *vals[8];
	double deadline = now_seconds() + (s->wait > 0 ? s->wait : 0), timeout;
	char *perr = NULL;
	PQconninfoOption *opts;
	int n = 0;

	/* A URL libpq cannot parse will not parse better later: no retries for it. */
	opts = PQconninfoParse(be->url->pg_conninfo, &perr);
	if (!opts) {
		int rc = connect_error(be, NULL, perr ? perr : "out of memory", d);
		PQfreemem(perr);
		return rc;
	}
	timeout = attempt_timeout(opts);
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
	keys[n] = NULL;
	vals[n] = NULL;

	for (;;) {
		bool timed_out;
		PGconn *c = connect_once(be, keys, vals, timeout, &timed_out);
		if (!c)
			return oom(d);
		if (!timed_out && PQstatus(c) == CONNECTION_OK) {
			be->conn = c;
			break;
		}
		if (now_seconds() >= deadline) {
			int rc;
			if (timed_out) {
				char msg[96];
				snprintf(msg, sizeof(msg), "connection to server timed out after %g seconds "
				         "(connect_timeout)", timeout);
				rc = connect_error(be, c, msg, d);
			} else {
				rc = connect_error(be, c, PQerrorMessage(c), d);
			}
			PQfinish(c);
			return rc;
		}
		PQfinish(c);
		sleep_ms(250);
	}
	if (PQsetnonblocking(be->conn, 1) != 0)
		return report_error(be, NULL, NULL, d);
	return CMIG_OK;
}

/* ---- the lock ------------------------------------------------------------------------------- */

/* FNV-1a over "cmig:<schema>.<table>": stable across PostgreSQL versions (hashtext is not
 * promised to be), so two cmig builds always agree on the key. */
static long long lock_key(const struct cmig_table_names *t)
{
	uint64_t h = 14695981039346656037ULL;
	const char *parts[4] = { "cmig:", t->schema ? t->schema : "", ".", t->version };
	for (int i = 0; i < 4; i++)
		for (const unsigned char *p = (const unsigned char *)parts[i]; *p; p++) {
			h ^= *p;
			h *= 1099511628211ULL;
		}
	return (long long)h;
}

static int try_lock(struct pg_backend *be, bool *got, cmig_diags *d)
{
	char sql[96];
	long k;
	int rc;

	snprintf(sql, sizeof(sql), "SELECT pg_try_advisory_lock(%lld)", be->lock_key);
	if ((k = queue_add(be, sql, strlen(sql), "taking the advisory lock")) < 0)
		return oom(d);
	be->queue.items[k].keep = true;
	rc = flush_queue(be, d);
	if (!rc) {
		PGresult *r = be->queue.items[k].res;
		*got = r && PQntuples(r) == 1 && !strcmp(PQgetvalue(r, 0, 0), "t");
	}
	queue_clear(be);
	return rc;
}

/* ---- cmig's tables ----------------------------------------------------------------------------- */

static int regclass_name(cmig_buf *out, const struct cmig_table_names *t, const char *table)
{
	cmig_buf_clear(out);
	return cmig_dialect_postgresql.quote_table(out, t->schema, table);
}

/* Find out whether the schema and both tables exist (queued behind whatever is pending). */
static int check_tables(struct pg_backend *be, cmig_diags *d)
{
	const struct cmig_table_names *t = &be->base.settings->tables;
	struct pg_item *it;
	long k;
	int rc;
	static const char sql[] =
		"SELECT to_regclass($1) IS NOT NULL, to_regclass($2) IS NOT NULL, "
		"$3::text IS NULL OR EXISTS (SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = $3)";

	k = queue_add(be, sql, sizeof(sql) - 1, "looking for cmig's tables");
	if (k < 0)
		return oom(d);
	it = &be->queue.items[k];
	it->keep = true;
	it->nparams = 3;
	if (regclass_name(&be->scratch, t, t->version) ||
	    !(it->params[0] = cmig_strdup(be->scratch.ptr)) ||
	    regclass_name(&be->scratch, t, t->history) ||
	    !(it->params[1] = cmig_strdup(be->scratch.ptr)) ||
	    (t->schema && !(it->params[2] = cmig_strdup(t->schema)))) {
		queue_clear(be);
		return oom(d);
	}
	rc = flush_queue(be, d);
	if (!rc) {
		PGresult *r = be->queue.items[k].res;
		if (!r || PQntuples(r) != 1) {
			rc = cmig_diag_error(d, NULL, 0, CMIG_ESQL, NULL,
			                     "unexpected answer while looking for cmig's tables");
		} else {
			be->version_exists = !strcmp(PQgetvalue(r, 0, 0), "t");
			be->history_exists = !strcmp(PQgetvalue(r, 0, 1), "t");
			be->schema_exists = !strcmp(PQgetvalue(r, 0, 2), "t");
			be->tables = be->version_exists && be->history_exists ? TABLES_EXIST
			                                                      : TABLES_MISSING;
		}
	}
	queue_clear(be);
	return rc;
}

/* ---- the ops --------------------------------------------------------------------------------- */

static int pg_open(struct cmig_backend **out, const cmig_dburl *url,
                   const struct cmig_backend_settings *settings, cmig_diags *d)
{
	struct pg_backend *be;
	int rc;

	*out = NULL;
	be = calloc(1, sizeof(*be));
	if (!be)
		return oom(d);
	be->base.ops = &cmig_backend_postgresql;
	be->base.settings = settings;
	be->url = url;
	be->tables = TABLES_UNKNOWN;
	be->lock_key = lock_key(&settings->tables);
	cmig_buf_init(&be->scratch, 0);
	if (!url->pg_conninfo) {
		free(be);
		return cmig_diag_error(d, NULL, 0, CMIG_ERROR, NULL, "not a PostgreSQL URL");
	}
	be->diags = d;
	rc = connect_db(be, d);
	be->diags = NULL;
	if (rc) {
		PQfinish(be->conn);
		cmig_buf_release(&be->scratch);
		free(be);
		return rc;
	}
	*out = &be->base;
	return CMIG_OK;
}

static void pg_close(struct cmig_backend *base)
{
	struct pg_backend *be = (struct pg_backend *)base;
	if (!be)
		return;
	queue_clear(be);
	free(be->queue.items);
	PQfinish(be->conn); /* ends the session: an open transaction rolls back, the lock goes */
	free(be->ver);
	free(be->ver_new);
	cmig_buf_release(&be->scratch);
	free(be);
}

static int pg_lock(struct cmig_backend *base, cmig_diags *d)
{
	struct pg_backend *be = (struct pg_backend *)base;
	const struct cmig_backend_settings *s = be->base.settings;
	double start = now_seconds();
	bool reported = false, got = false;
	long pause = 20;
	int rc;

	if (s->readonly)
		return CMIG_OK; /* readers change nothing and need not wait */
	be->diags = d;
	for (;;) {
		double waited;
		if ((rc = try_lock(be, &got, d)) != CMIG_OK)
			break;
		if (got) {
			be->locked = true;
			break;
		}
		waited = now_seconds() - start;
		if (waited >= s->lock_timeout) {
			rc = cmig_diag_error(d, NULL, 0, CMIG_ECONNECT, NULL,
			                     "gave up waiting for the database lock after %g seconds "
			                     "(--lock-timeout)", s->lock_timeout);
			break;
		}
		if (!reported && waited >= 1.0) {
			reported = true;
			if (s->on_wait)
				s->on_wait(WAITING, s->payload);
		}
		sleep_ms(pause);
		if (pause < 200)
			pause *= 2;
	}
	be->diags = NULL;
	return rc;
}

static void pg_unlock(struct cmig_backend *base)
{
	struct pg_backend *be = (struct pg_backend *)base;
	char sql[96];

	if (!be || !be->locked || !be->conn)
		return;
	queue_clear(be);
	if (PQtransactionStatus(be->conn) != PQTRANS_IDLE)
		exec_simple(be, "ROLLBACK", "rolling back", NULL);
	snprintf(sql, sizeof(sql), "SELECT pg_advisory_unlock(%lld)", be->lock_key);
	exec_simple(be, sql, "releasing the advisory lock", NULL);
	be->locked = false;
	be->ver_known = false;
}

static int pg_prepare_step(struct cmig_backend *base, const struct cmig_exec_section *s,
                           cmig_diags *d)
{
	(void)base; (void)s; (void)d;
	return CMIG_OK;
}

static int pg_begin(struct cmig_backend *base, cmig_diags *d)
{
	struct pg_backend *be = (struct pg_backend *)base;
	const struct cmig_backend_settings *s = be->base.settings;
	int rc;

	be->diags = d;
	be->created_in_txn = false;
	be->ver_pending = false;
	if (queue_add(be, cmig_dialect_postgresql.begin, strlen(cmig_dialect_postgresql.begin),
	              "starting a transaction") < 0)
		return oom(d);
	if (s->readonly)
		return CMIG_OK;
	if (be->tables != TABLES_EXIST && (rc = check_tables(be, d)) != CMIG_OK)
		return rc;
	if (be->tables == TABLES_MISSING) {
		cmig_buf_clear(&be->scratch);
		if (cmig_dialect_postgresql.create_tables(&be->scratch, &s->tables))
			return oom(d);
		/* CREATE SCHEMA IF NOT EXISTS still needs the CREATE privilege on the database when
		 * the schema exists: skip it then */
		rc = queue_script(be, be->scratch.ptr, "creating cmig's tables",
		                  be->schema_exists ? "CREATE SCHEMA" : NULL, d);
		if (rc)
			return rc;
		be->created_in_txn = true;
	}
	return CMIG_OK;
}

static int pg_commit(struct cmig_backend *base, cmig_diags *d)
{
	struct pg_backend *be = (struct pg_backend *)base;
	int rc;

	if (queue_add(be, cmig_dialect_postgresql.commit, strlen(cmig_dialect_postgresql.commit),
	              "committing") < 0)
		return oom(d);
	rc = run_queue(be, d);
	be->diags = NULL;
	if (rc)
		return rc;
	if (PQtransactionStatus(be->conn) != PQTRANS_IDLE)
		return cmig_diag_error(d, NULL, 0, CMIG_ESQL, NULL, "the transaction did not commit");
	if (be->created_in_txn) {
		be->tables = TABLES_EXIST;
		be->version_exists = be->history_exists = be->schema_exists = true;
	}
	be->created_in_txn = false;
	if (be->ver_pending && be->locked) {
		free(be->ver);
		be->ver = be->ver_new;
		be->ver_new = NULL;
		be->ver_known = true;
	}
	be->ver_pending = false;
	return CMIG_OK;
}

static void pg_rollback(struct cmig_backend *base)
{
	struct pg_backend *be = (struct pg_backend *)base;

	if (!be->conn)
		return;
	queue_clear(be); /* queued but never sent: nothing to undo on the server */
	if (PQstatus(be->conn) == CONNECTION_OK && PQtransactionStatus(be->conn) != PQTRANS_IDLE)
		exec_simple(be, cmig_dialect_postgresql.rollback, "rolling back", NULL);
	if (be->created_in_txn)
		be->tables = TABLES_UNKNOWN;
	be->created_in_txn = false;
	be->ver_pending = false;
	free(be->ver_new);
	be->ver_new = NULL;
	be->diags = NULL;
}

static int queue_statement(struct pg_backend *be, const struct cmig_exec_section *s,
                           const cmig_stmt *st, cmig_diags *d)
{
	long k = queue_add(be, s->text + st->start, st->end - st->start, NULL);
	if (k < 0)
		return oom(d);
	be->queue.items[k].sec = s;
	be->queue.items[k].st = st;
	return CMIG_OK;
}

/* transaction:false (SPEC §2): each statement alone, outside any transaction, so CREATE
 * INDEX CONCURRENTLY and friends work; a failure lists the statements that already ran. */
static int run_untransacted(struct pg_backend *be, const struct cmig_exec_section *s,
                            cmig_diags *d)
{
	const cmig_stmt_vec *v = &s->sec->stmts;
	int rc = CMIG_OK;

	queue_clear(be);
	if (PQtransactionStatus(be->conn) != PQTRANS_IDLE &&
	    (rc = exec_simple(be, cmig_dialect_postgresql.rollback, "rolling back", d)))
		return rc;
	for (size_t i = 0; i < v->n && rc == CMIG_OK; i++) {
		const cmig_stmt *st = &v->items[i];
		if ((rc = queue_statement(be, s, st, d)) == CMIG_OK)
			rc = run_queue(be, d);
		if (rc && i > 0) {
			cmig_buf lines = CMIG_BUF_INIT;
			for (size_t k = 0; k < i; k++)
				cmig_buf_printf(&lines, "%s%u", k ? ", " : "", v->items[k].line);
			cmig_diag_full(d, CMIG_DIAG_NOTE, CMIG_OK, NULL, s->path, st->line, 0, NULL,
			               "the section is not transactional: fix the statement and re-run; "
			               "the whole section runs again, so it should be idempotent",
			               "statements that already ran (transaction:false): line%s %s",
			               i > 1 ? "s" : "", lines.ptr);
			cmig_buf_release(&lines);
		}
	}
	return rc;
}

static int pg_run_section(struct cmig_backend *base, const struct cmig_exec_section *s,
                          cmig_diags *d)
{
	struct pg_backend *be = (struct pg_backend *)base;
	const cmig_stmt_vec *v = &s->sec->stmts;
	int rc = CMIG_OK;

	be->diags = d;
	if (!s->sec->transactional)
		return run_untransacted(be, s, d);
	for (size_t i = 0; i < v->n && rc == CMIG_OK; i++)
		rc = queue_statement(be, s, &v->items[i], d);
	/* one round trip for BEGIN + the whole section; the statements' results are read here so
	 * a failure names its statement while the section is still ours */
	if (rc == CMIG_OK && v->n)
		rc = run_queue(be, d);
	return rc;
}

static int pg_version_read(struct cmig_backend *base, char **rev_out, cmig_diags *d)
{
	struct pg_backend *be = (struct pg_backend *)base;
	const struct cmig_table_names *t = &be->base.settings->tables;
	PGresult *r;
	long k;
	int rc, rows;

	*rev_out = NULL;
	be->diags = d;
	if (be->locked && be->ver_known) {
		if (be->ver && !(*rev_out = cmig_strdup(be->ver)))
			return oom(d);
		return CMIG_OK;
	}
	if ((rc = check_tables(be, d)) != CMIG_OK)
		return rc;
	if (!be->version_exists) {
		be->ver_known = be->locked;
		free(be->ver);
		be->ver = NULL;
		return CMIG_OK; /* never migrated: base */
	}
	cmig_buf_clear(&be->scratch);
	cmig_buf_puts(&be->scratch, "SELECT version_num FROM ");
	cmig_dialect_postgresql.quote_table(&be->scratch, t->schema, t->version);
	if ((k = queue_add(be, be->scratch.ptr, be->scratch.len, "reading the version table")) < 0)
		return oom(d);
	be->queue.items[k].keep = true;
	rc = flush_queue(be, d);
	r = be->queue.items[k].res;
	if (rc == CMIG_OK && r) {
		rows = PQntuples(r);
		if (rows > 1)
			rc = cmig_diag_error(d, NULL, 0, CMIG_ERROR, "db-unknown",
			                     "the version table %s holds %d rows; it must hold at most one",
			                     t->version, rows);
		else if (rows == 1 && !PQgetisnull(r, 0, 0) && !(*rev_out = cmig_strdup(PQgetvalue(r, 0, 0))))
			rc = oom(d);
	}
	queue_clear(be);
	if (rc == CMIG_OK && be->locked) {
		free(be->ver);
		be->ver = NULL;
		if (*rev_out && !(be->ver = cmig_strdup(*rev_out)))
			return oom(d);
		be->ver_known = true;
	}
	return rc;
}

static int pg_version_write(struct cmig_backend *base, const char *rev, cmig_diags *d)
{
	struct pg_backend *be = (struct pg_backend *)base;
	int rc;

	be->diags = d;
	cmig_buf_clear(&be->scratch);
	if (cmig_dialect_postgresql.version_write(&be->scratch, &be->base.settings->tables, rev))
		return oom(d);
	rc = queue_script(be, be->scratch.ptr, "writing the version table", NULL, d);
	if (rc)
		return rc;
	free(be->ver_new);
	be->ver_new = NULL;
	if (rev && !(be->ver_new = cmig_strdup(rev)))
		return oom(d);
	be->ver_pending = true;
	return CMIG_OK;
}

static int pg_history_append(struct cmig_backend *base, const struct cmig_history_row *row,
                             cmig_diags *d)
{
	struct pg_backend *be = (struct pg_backend *)base;

	be->diags = d;
	cmig_buf_clear(&be->scratch);
	if (cmig_dialect_postgresql.history_insert(&be->scratch, &be->base.settings->tables, row))
		return oom(d);
	return queue_script(be, be->scratch.ptr, "writing the history table", NULL, d);
}

static int pg_history_read(struct cmig_backend *base, cmig_history_cb cb, void *payload,
                           cmig_diags *d)
{
	struct pg_backend *be = (struct pg_backend *)base;
	const struct cmig_table_names *t = &be->base.settings->tables;
	PGresult *r;
	long k;
	int rc;

	be->diags = d;
	if (be->tables != TABLES_EXIST || !be->locked) {
		if ((rc = check_tables(be, d)) != CMIG_OK)
			return rc;
	}
	if (!be->history_exists)
		return CMIG_OK;
	cmig_buf_clear(&be->scratch);
	cmig_buf_puts(&be->scratch, "SELECT id, revision, direction, checksum, applied_at, "
	                            "duration_ms FROM ");
	cmig_dialect_postgresql.quote_table(&be->scratch, t->schema, t->history);
	cmig_buf_puts(&be->scratch, " ORDER BY id");
	if ((k = queue_add(be, be->scratch.ptr, be->scratch.len, "reading the history table")) < 0)
		return oom(d);
	be->queue.items[k].keep = true;
	rc = flush_queue(be, d);
	r = be->queue.items[k].res;
	for (int i = 0; rc == CMIG_OK && r && i < PQntuples(r); i++) {
		struct cmig_history_row row = {
			strtoll(PQgetvalue(r, i, 0), NULL, 10), PQgetvalue(r, i, 1), PQgetvalue(r, i, 2),
			PQgetvalue(r, i, 3), PQgetvalue(r, i, 4), strtoll(PQgetvalue(r, i, 5), NULL, 10),
		};
		cb(&row, payload);
	}
	queue_clear(be);
	return rc;
}

const struct cmig_backend_ops cmig_backend_postgresql = {
	.name = "postgresql",
	.caps = CMIG_BE_TRANSACTIONAL_DDL,
	.dialect = &cmig_dialect_postgresql,
	.open = pg_open,
	.close = pg_close,
	.lock = pg_lock,
	.unlock = pg_unlock,
	.prepare_step = pg_prepare_step,
	.begin = pg_begin,
	.commit = pg_commit,
	.rollback = pg_rollback,
	.run_section = pg_run_section,
	.version_read = pg_version_read,
	.version_write = pg_version_write,
	.history_append = pg_history_append,
	.history_read = pg_history_read,
	.replay_section = NULL,
};
