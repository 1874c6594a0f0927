/*
 * postgresql.c - the PostgreSQL backend over libpq (SPEC §1 URLs, §2 sections, §4 the
 * database side).
 *
 * Invariants:
 *  - The password never reaches a diagnostic: libpq gets the URL without it (url->pg_conninfo,
 *    expanded as `dbname`) and the decoded password as its own keyword; every text libpq or
 *    the server hands us is scrubbed of it (postgresql_conn.c).
 *  - libpq never prints: server notices become CMIG_DIAG_NOTE records (only with
 *    settings->verbose; a server WARNING is always a warning record).
 *  - Runs are serialized by a session advisory lock (pg_try_advisory_lock, polled so that we
 *    can say we are waiting and give up after settings->lock_timeout) on a key hashed from
 *    "schema.version_table", held from lock() to unlock() or the end of the session.
 *  - A migration goes as one pipeline: BEGIN, one extended-protocol query per statement of
 *    its section, the version and history rows, COMMIT, and one Sync: one round trip. Every
 *    query is queued with where it came from, so a failure still names the statement that
 *    failed (its line, moved by PG_DIAG_STATEMENT_POSITION when the server gives one); the
 *    server skips the rest of the pipeline and the runner rolls back. Extended protocol runs
 *    exactly one statement per query, so nothing the splitter missed rides along unnoticed.
 *    As the section has not run when its history row is written, the server measures
 *    duration_ms (from the transaction's start to the history insert).
 *  - While we hold the lock, nobody else (no cmig) changes the version table, so the version
 *    read once is remembered and updated by our own commits instead of being re-read in
 *    every step. A readonly open takes no lock and always reads.
 *  - A missing version or history table is a database at base (checked with to_regclass,
 *    never by a failing SELECT, which would abort the transaction). A readonly open creates
 *    nothing.
 *
 * The connection, the queue and its pipeline, and error and notice reporting live in
 * postgresql_conn.c; this file is the ops, the lock and cmig's tables.
 *
 * Not done here: COPY FROM STDIN (a migration file has no data to send on the connection):
 * such a statement fails, naming its line; COPY TO STDOUT's rows are read and dropped.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "postgresql_int.h"

static const char WAITING[] = "waiting for the database lock (another cmig run holds it)";
static const char CHECK_CLIENT[] =
	"SELECT pg_catalog.set_config('client_connection_check_interval', '100', false) "
	"WHERE pg_catalog.current_setting('client_connection_check_interval') = '0'";

/* ---- the lock ---------------------------------------------------------------------------- */

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
	if ((k = cmig_pg_queue(be, sql, strlen(sql), "taking the advisory lock")) < 0)
		return cmig_diag_oom(d);
	be->queue.items[k].keep = true;
	rc = cmig_pg_flush(be, d);
	if (!rc) {
		PGresult *r = be->queue.items[k].res;
		*got = r && PQntuples(r) == 1 && !strcmp(PQgetvalue(r, 0, 0), "t");
	}
	cmig_pg_clear(be);
	return rc;
}

/* ---- cmig's tables ----------------------------------------------------------------------- */

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

	k = cmig_pg_queue(be, sql, sizeof(sql) - 1, "looking for cmig's tables");
	if (k < 0)
		return cmig_diag_oom(d);
	it = &be->queue.items[k];
	it->keep = true;
	it->nparams = 3;
	if (regclass_name(&be->scratch, t, t->version) ||
	    !(it->params[0] = cmig_strdup(be->scratch.ptr)) ||
	    regclass_name(&be->scratch, t, t->history) ||
	    !(it->params[1] = cmig_strdup(be->scratch.ptr)) ||
	    (t->schema && !(it->params[2] = cmig_strdup(t->schema)))) {
		cmig_pg_clear(be);
		return cmig_diag_oom(d);
	}
	rc = cmig_pg_flush(be, d);
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
	cmig_pg_clear(be);
	return rc;
}

/* ---- the ops ----------------------------------------------------------------------------- */

static int pg_open(struct cmig_backend **out, const cmig_dburl *url,
                   const struct cmig_backend_settings *settings, cmig_diags *d)
{
	struct pg_backend *be;
	const char *load_err = NULL;
	int rc;

	*out = NULL;
	/* libpq is loaded on first use only (pq_dl.h): SQLite runs never pay for it */
	if (!cmig_pq_load(&load_err))
		return cmig_diag_error(d, NULL, 0, CMIG_ECONNECT, NULL, "%s", load_err);
	be = calloc(1, sizeof(*be));
	if (!be)
		return cmig_diag_oom(d);
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
	rc = cmig_pg_connect(be, d);
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
	cmig_pg_clear(be);
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
	double start = cmig_pg_now();
	bool reported = false, got = false;
	long pause = 20;
	int rc;

	if (s->readonly)
		return CMIG_OK; /* readers change nothing and need not wait */
	be->diags = d;
	/* A migration's queries reach the server in one pipeline, COMMIT included: without this
	 * the server would finish and commit a migration whose cmig was killed (kill -9, Ctrl-C)
	 * while it ran. With it, a long statement notices the lost client within 0.1 s and the
	 * migration rolls back. Sent with the first lock query; a value the user set is kept. */
	if (PQserverVersion(be->conn) >= 140000 &&
	    cmig_pg_queue(be, CHECK_CLIENT, sizeof(CHECK_CLIENT) - 1, "watching for a lost client") < 0)
		return cmig_diag_oom(d);
	for (;;) {
		double waited;
		if ((rc = try_lock(be, &got, d)) != CMIG_OK)
			break;
		if (got) {
			be->locked = true;
			break;
		}
		waited = cmig_pg_now() - start;
		if (waited >= s->lock_timeout) {
			const char *db = PQdb(be->conn), *host = PQhost(be->conn);
			rc = cmig_diag_error(d, NULL, 0, CMIG_ECONNECT, NULL,
			                     "gave up waiting for the database lock after %g second%s "
			                     "(--lock-timeout): another cmig run holds it on PostgreSQL "
			                     "database %s (host %s)", s->lock_timeout,
			                     s->lock_timeout == 1 ? "" : "s", db ? db : "?",
			                     host && *host ? host : "localhost");
			break;
		}
		if (!reported && waited >= 1.0) {
			reported = true;
			if (s->on_wait)
				s->on_wait(WAITING, s->payload);
		}
		cmig_pg_sleep_ms(pause);
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
	cmig_pg_clear(be);
	if (PQtransactionStatus(be->conn) != PQTRANS_IDLE)
		cmig_pg_exec(be, "ROLLBACK", "rolling back", NULL);
	snprintf(sql, sizeof(sql), "SELECT pg_advisory_unlock(%lld)", be->lock_key);
	cmig_pg_exec(be, sql, "releasing the advisory lock", NULL);
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
	be->section_queued = false;
	if (cmig_pg_queue(be, cmig_dialect_postgresql.begin, strlen(cmig_dialect_postgresql.begin),
	              "starting a transaction") < 0)
		return cmig_diag_oom(d);
	if (s->readonly)
		return CMIG_OK;
	if (s->pg_lock_timeout) {   /* SPEC §10: before anything of the migration waits for a lock */
		cmig_buf_clear(&be->scratch);
		if (cmig_pg_lock_timeout_sql(&be->scratch, s->pg_lock_timeout, true) ||
		    cmig_pg_queue(be, be->scratch.ptr, be->scratch.len - 2, "setting lock_timeout") < 0)
			return cmig_diag_oom(d);
	}
	if (be->tables != TABLES_EXIST && (rc = check_tables(be, d)) != CMIG_OK)
		return rc;
	if (be->tables == TABLES_MISSING) {
		cmig_buf_clear(&be->scratch);
		if (cmig_dialect_postgresql.create_tables(&be->scratch, &s->tables))
			return cmig_diag_oom(d);
		/* CREATE SCHEMA IF NOT EXISTS still needs the CREATE privilege on the database when
		 * the schema exists: skip it then */
		rc = cmig_pg_queue_script(be, be->scratch.ptr, "creating cmig's tables",
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

	if (cmig_pg_queue(be, cmig_dialect_postgresql.commit, strlen(cmig_dialect_postgresql.commit),
	              "committing") < 0)
		return cmig_diag_oom(d);
	rc = cmig_pg_run(be, d);
	be->diags = NULL;
	be->section_queued = false;
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
	cmig_pg_clear(be); /* queued but never sent: nothing to undo on the server */
	if (PQstatus(be->conn) == CONNECTION_OK && PQtransactionStatus(be->conn) != PQTRANS_IDLE)
		cmig_pg_exec(be, cmig_dialect_postgresql.rollback, "rolling back", NULL);
	if (be->created_in_txn)
		be->tables = TABLES_UNKNOWN;
	be->created_in_txn = false;
	be->ver_pending = false;
	be->section_queued = false;
	free(be->ver_new);
	be->ver_new = NULL;
	be->diags = NULL;
}

static int queue_statement(struct pg_backend *be, const struct cmig_exec_section *s,
                           const cmig_stmt *st, cmig_diags *d)
{
	long k = cmig_pg_queue(be, s->text + st->start, st->end - st->start, NULL);
	if (k < 0)
		return cmig_diag_oom(d);
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

	cmig_pg_clear(be);
	if (PQtransactionStatus(be->conn) != PQTRANS_IDLE &&
	    (rc = cmig_pg_exec(be, cmig_dialect_postgresql.rollback, "rolling back", d)))
		return rc;
	if (be->base.settings->pg_lock_timeout) {   /* SPEC §10: SET before, RESET after */
		cmig_buf_clear(&be->scratch);
		if (cmig_pg_lock_timeout_sql(&be->scratch, be->base.settings->pg_lock_timeout, false))
			return cmig_diag_oom(d);
		be->scratch.ptr[be->scratch.len - 2] = 0;
		if ((rc = cmig_pg_exec(be, be->scratch.ptr, "setting lock_timeout", d)) != CMIG_OK)
			return rc;
	}
	for (size_t i = 0; i < v->n && rc == CMIG_OK; i++) {
		const cmig_stmt *st = &v->items[i];
		if ((rc = queue_statement(be, s, st, d)) == CMIG_OK)
			rc = cmig_pg_run(be, d);
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
	if (be->base.settings->pg_lock_timeout && PQstatus(be->conn) == CONNECTION_OK) {
		int r2 = cmig_pg_exec(be, CMIG_PG_RESET_LOCK_TIMEOUT, "resetting lock_timeout",
		                      rc ? NULL : d);
		if (rc == CMIG_OK)
			rc = r2;
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
	/* Queued behind BEGIN, sent with the version and history rows and COMMIT by commit(): one
	 * round trip a migration. A failing statement is reported then, under its own file:line
	 * (the queue keeps which statement each query is), and the server measures the duration
	 * (pg_history_insert). */
	be->exec = *s;
	for (size_t i = 0; i < v->n && rc == CMIG_OK; i++)
		rc = queue_statement(be, &be->exec, &v->items[i], d);
	if (rc == CMIG_OK)
		be->section_queued = true;
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
			return cmig_diag_oom(d);
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
	if ((k = cmig_pg_queue(be, be->scratch.ptr, be->scratch.len, "reading the version table")) < 0)
		return cmig_diag_oom(d);
	be->queue.items[k].keep = true;
	rc = cmig_pg_flush(be, d);
	r = be->queue.items[k].res;
	if (rc == CMIG_OK && r) {
		rows = PQntuples(r);
		if (rows > 1)
			rc = cmig_backend_report_version_rows(d, t->version, rows);
		else if (rows == 1 && !PQgetisnull(r, 0, 0) && !(*rev_out = cmig_strdup(PQgetvalue(r, 0, 0))))
			rc = cmig_diag_oom(d);
	}
	cmig_pg_clear(be);
	if (rc == CMIG_OK && be->locked) {
		free(be->ver);
		be->ver = NULL;
		if (*rev_out && !(be->ver = cmig_strdup(*rev_out)))
			return cmig_diag_oom(d);
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
		return cmig_diag_oom(d);
	rc = cmig_pg_queue_script(be, be->scratch.ptr, "writing the version table", NULL, d);
	if (rc)
		return rc;
	free(be->ver_new);
	be->ver_new = NULL;
	if (rev && !(be->ver_new = cmig_strdup(rev)))
		return cmig_diag_oom(d);
	be->ver_pending = true;
	return CMIG_OK;
}

static int pg_history_append(struct cmig_backend *base, const struct cmig_history_row *row,
                             cmig_diags *d)
{
	struct pg_backend *be = (struct pg_backend *)base;

	struct cmig_history_row r = *row;

	be->diags = d;
	if (be->section_queued)
		r.duration_ms = -1; /* it has not run yet: the server measures it */
	cmig_buf_clear(&be->scratch);
	if (cmig_dialect_postgresql.history_insert(&be->scratch, &be->base.settings->tables, &r))
		return cmig_diag_oom(d);
	return cmig_pg_queue_script(be, be->scratch.ptr, "writing the history table", NULL, d);
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
	if ((k = cmig_pg_queue(be, be->scratch.ptr, be->scratch.len, "reading the history table")) < 0)
		return cmig_diag_oom(d);
	be->queue.items[k].keep = true;
	rc = cmig_pg_flush(be, d);
	r = be->queue.items[k].res;
	for (int i = 0; rc == CMIG_OK && r && i < PQntuples(r); i++) {
		struct cmig_history_row row = {
			strtoll(PQgetvalue(r, i, 0), NULL, 10), PQgetvalue(r, i, 1), PQgetvalue(r, i, 2),
			PQgetvalue(r, i, 3), PQgetvalue(r, i, 4), strtoll(PQgetvalue(r, i, 5), NULL, 10),
		};
		cb(&row, payload);
	}
	cmig_pg_clear(be);
	return rc;
}

const struct cmig_backend_ops cmig_backend_postgresql = {
	.name = "postgresql",
	.title = "PostgreSQL",
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
	.copy_exec = cmig_pg_copy_exec,
	.copy_query_int = cmig_pg_copy_query_int,
	.copy_snapshot = cmig_pg_copy_snapshot,
	.copy_reader = cmig_pg_copy_reader,
	.copy_writer = cmig_pg_copy_writer,
	.schema_read = cmig_pg_schema_read,
	.scratch_create = cmig_pg_scratch_create,
	.scratch_drop = cmig_pg_scratch_drop,
	.scratch_sweep = cmig_pg_scratch_sweep,
};
