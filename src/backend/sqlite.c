/*
 * sqlite.c - the SQLite backend (SPEC §4 on SQLite).
 *
 * Invariants:
 *  - Every migration's transaction is BEGIN IMMEDIATE: it takes the write lock before the
 *    runner reads the version row, so two runs never plan from the same stale revision.
 *    Waiting for that lock goes through our own busy handler, which reports the wait once
 *    after a second and gives up after settings->lock_timeout.
 *  - PRAGMA foreign_keys is only ever set outside a transaction (SQLite ignores it inside
 *    one); prepare_step() switches it per section, off for a section that rebuilds a table.
 *  - Statements come from model/sqlsplit, never from sqlite3_prepare's tail, so a batch-mode
 *    statement SQLite cannot parse never stops the split.
 *  - A readonly open of a file that does not exist creates nothing and reads as base.
 *  - A readonly open of a file with a journal beside it opens the file for writing (without
 *    creating it) so SQLite rolls an interrupted run's hot journal back; cmig itself still
 *    writes nothing (SPEC §4).
 *  - An error from the database itself (read-only, cannot open, full, I/O, not a database,
 *    corrupt, a lock held past --lock-timeout) names the database, and the statement that
 *    was running only in a detail line (SPEC §4).
 */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sqlite_batch.h"
#include "sqlite_int.h"
#include "text.h"

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

/* SQLite calls this while the database is locked by another connection. */
static int busy_handler(void *arg, int count)
{
	struct sqlite_backend *be = arg;
	const struct cmig_backend_settings *s = be->base.settings;
	double now = now_seconds(), waited;

	if (count == 0) {
		be->wait_started = now;
		be->wait_reported = false;
	}
	waited = now - be->wait_started;
	if (waited >= s->lock_timeout) {
		be->timed_out = true;
		return 0;
	}
	if (!be->wait_reported && waited >= 1.0) {
		be->wait_reported = true;
		if (s->on_wait)
			s->on_wait(be->wait_line ? be->wait_line
			                         : "waiting for the database lock (another connection holds it)",
			           s->payload);
	}
	sleep_ms(count < 10 ? 2 : count < 50 ? 5 : 20);
	return 1;
}

/* SPEC §4: the result codes that come from the database file, not from a statement. */
static bool database_level(int code)
{
	switch (code & 0xff) {
	case SQLITE_READONLY:
	case SQLITE_CANTOPEN:
	case SQLITE_FULL:
	case SQLITE_IOERR:
	case SQLITE_NOTADB:
	case SQLITE_CORRUPT:
		return true;
	default:
		return false;
	}
}

static const char *db_path(const struct sqlite_backend *be)
{
	return be->url && be->url->sqlite_path ? be->url->sqlite_path : ":memory:";
}

static int gave_up(struct sqlite_backend *be, cmig_diags *d)
{
	be->timed_out = false;
	return cmig_diag_error(d, NULL, 0, CMIG_ECONNECT, NULL,
	                       "gave up waiting for the database lock after %g second%s "
	                       "(--lock-timeout): another connection holds SQLite database %s",
	                       be->base.settings->lock_timeout,
	                       be->base.settings->lock_timeout == 1 ? "" : "s", db_path(be));
}

/* An error of the database itself: names it; `running` (may be NULL) goes in the detail. */
static int database_error(struct sqlite_backend *be, int code, const char *msg, const char *path,
                          unsigned line, cmig_diags *d)
{
	char *detail = path ? cmig_asprintf("while running %s:%u", path, line) : NULL;
	const char *hint = NULL;
	if ((code & 0xff) == SQLITE_READONLY)
		hint = "the user running cmig must be able to write the database file and its directory";
	cmig_diag_full(d, CMIG_DIAG_ERROR, CMIG_ECONNECT, NULL, NULL, 0, 0, detail, hint,
	               "SQLite database %s: %s", db_path(be), msg);
	free(detail);
	return CMIG_ECONNECT;
}

int cmig_sqlite_report(struct sqlite_backend *be, const struct cmig_exec_section *s,
                       const cmig_stmt *st, int offset, cmig_diags *d)
{
	const char *msg = be->db ? sqlite3_errmsg(be->db) : "database is not open";
	int code = be->db ? sqlite3_extended_errcode(be->db) : SQLITE_ERROR;
	unsigned line = 0;
	cmig_buf detail = CMIG_BUF_INIT;

	if ((code & 0xff) == SQLITE_BUSY && be->timed_out)
		return gave_up(be, d);
	if (database_level(code))
		return database_error(be, code, msg, s ? s->path : NULL, st ? st->line : 0, d);

	if (st) {
		line = st->line;
		if (offset >= 0 && (size_t)offset <= st->end - st->start)
			line = st->line + cmig_text_line_of(s->text + st->start, (size_t)offset) - 1;
		size_t n = st->end - st->start;
		const char *nl = memchr(s->text + st->start, '\n', n);
		if (nl)
			n = (size_t)(nl - (s->text + st->start));
		cmig_buf_printf(&detail, "sqlite error %d in revision %s; statement: %.*s%s", code,
		                s->revision, (int)(n > 120 ? 120 : n), s->text + st->start,
		                n > 120 || nl ? " …" : "");
	}
	cmig_diag_full(d, CMIG_DIAG_ERROR, CMIG_ESQL, NULL, s ? s->path : NULL, line, 0,
	               detail.len ? detail.ptr : NULL, NULL, "%s", msg);
	cmig_buf_release(&detail);
	return CMIG_ESQL;
}

int cmig_sqlite_exec(struct sqlite_backend *be, const char *sql, cmig_diags *d)
{
	char *err = NULL;
	int rc = sqlite3_exec(be->db, sql, NULL, NULL, &err);
	if (rc == SQLITE_OK)
		return CMIG_OK;
	if ((rc & 0xff) == SQLITE_BUSY && be->timed_out) {
		sqlite3_free(err);
		return gave_up(be, d);
	}
	if (database_level(sqlite3_extended_errcode(be->db))) {
		int r = database_error(be, sqlite3_extended_errcode(be->db),
		                       err ? err : sqlite3_errstr(rc), NULL, 0, d);
		sqlite3_free(err);
		return r;
	}
	cmig_diag_error(d, NULL, 0, CMIG_ESQL, NULL, "sqlite: %s", err ? err : sqlite3_errstr(rc));
	sqlite3_free(err);
	return CMIG_ESQL;
}

int cmig_sqlite_exec_stmt(struct sqlite_backend *be, const struct cmig_exec_section *s,
                          const cmig_stmt *st, cmig_diags *d)
{
	const char *p = s->text + st->start, *end = s->text + st->end;

	while (p < end) {
		sqlite3_stmt *stmt = NULL;
		const char *tail = NULL;
		int rc = sqlite3_prepare_v2(be->db, p, (int)(end - p), &stmt, &tail);
		if (rc != SQLITE_OK) {
			int off = sqlite3_error_offset(be->db);
			return cmig_sqlite_report(be, s, st, off >= 0 ? (int)(p - (s->text + st->start)) + off : -1, d);
		}
		if (!stmt)
			break; /* only spaces or comments left */
		while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
			;
		if (rc != SQLITE_DONE) {
			int off = sqlite3_error_offset(be->db);
			int r = cmig_sqlite_report(be, s, st, off >= 0 ? (int)(p - (s->text + st->start)) + off : -1, d);
			sqlite3_finalize(stmt);
			return r;
		}
		sqlite3_finalize(stmt);
		p = tail ? tail : end;
	}
	return CMIG_OK;
}

static int set_foreign_keys(struct sqlite_backend *be, bool on, cmig_diags *d)
{
	int rc;
	if (be->fk_state == (int)on)
		return CMIG_OK;
	rc = cmig_sqlite_exec(be, on ? "PRAGMA foreign_keys=ON" : "PRAGMA foreign_keys=OFF", d);
	if (!rc)
		be->fk_state = on;
	return rc;
}

/* A rollback journal beside the file that may be hot: non-empty and its first byte non-zero
 * (SQLite zeroes the header of a journal it has nothing to roll back from). A live writer's
 * journal passes too; opening for write is harmless then. */
static bool has_journal(const char *path)
{
	char *j = cmig_asprintf("%s-journal", path);
	FILE *f = j ? fopen(j, "rb") : NULL;
	int c = f ? fgetc(f) : EOF;
	if (f)
		fclose(f);
	free(j);
	return c != EOF && c != 0;
}

/* Whether this user can write the file and its directory (to roll a journal back). */
static bool can_roll_back(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash ? cmig_strndup(path, slash == path ? 1 : (size_t)(slash - path))
	                  : cmig_strdup(".");
	bool r = dir && access(path, W_OK) == 0 && access(dir, W_OK) == 0;
	free(dir);
	return r;
}

static int open_db(struct sqlite_backend *be, const char *path, bool readonly, cmig_diags *d)
{
	int flags = readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	if (readonly && has_journal(path)) {
		if (!can_roll_back(path))
			return cmig_diag_error(d, NULL, 0, CMIG_ECONNECT, NULL,
			                       "SQLite database %s has the journal of an interrupted run "
			                       "(%s-journal), which must be rolled back by someone who can "
			                       "write the file and its directory", path, path);
		flags = SQLITE_OPEN_READWRITE; /* SQLite rolls a hot journal back; no CREATE */
	}
	int rc = sqlite3_open_v2(path, &be->db, flags | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		const char *msg = be->db ? sqlite3_errmsg(be->db) : sqlite3_errstr(rc);
		cmig_diag_error(d, NULL, 0, CMIG_ECONNECT, NULL, "cannot open SQLite database %s: %s",
		                path, msg);
		sqlite3_close(be->db);
		be->db = NULL;
		return CMIG_ECONNECT;
	}
	sqlite3_extended_result_codes(be->db, 1);
	sqlite3_busy_handler(be->db, busy_handler, be);
	return CMIG_OK;
}

static int sq_open(struct cmig_backend **out, const cmig_dburl *url,
                   const struct cmig_backend_settings *settings, cmig_diags *d)
{
	struct sqlite_backend *be;
	const char *path = url->sqlite_path;
	double deadline = now_seconds() + settings->wait;
	int rc;

	*out = NULL;
	be = calloc(1, sizeof(*be));
	if (!be)
		return cmig_diag_oom(d);
	be->base.ops = &cmig_backend_sqlite;
	be->base.settings = settings;
	be->url = url;
	be->fk_state = -1;
	cmig_buf_init(&be->scratch, 0);
	/* SPEC §4: on SQLite the holder may be the app or the sqlite3 shell, not only cmig */
	be->wait_line = cmig_asprintf("waiting for the database lock: another connection holds "
	                              "SQLite database %s", path);

	if (settings->readonly && strcmp(path, ":memory:") != 0) {
		FILE *f = fopen(path, "rb");
		if (!f) {
			*out = &be->base; /* no file: the database is at base, and stays uncreated */
			return CMIG_OK;
		}
		fclose(f);
	}
	for (;;) {
		cmig_diags tmp = CMIG_DIAGS_INIT;
		rc = open_db(be, path, settings->readonly, &tmp);
		if (rc == CMIG_OK || now_seconds() >= deadline) {
			cmig_diags_append(d, &tmp);
			cmig_diags_release(&tmp);
			break;
		}
		cmig_diags_release(&tmp);
		sleep_ms(200);
	}
	if (rc) {
		free(be->wait_line);
		free(be);
		return rc;
	}
	if (!settings->readonly && (rc = set_foreign_keys(be, settings->sqlite_foreign_keys, d))) {
		sqlite3_close(be->db);
		free(be->wait_line);
		free(be);
		return rc;
	}
	*out = &be->base;
	return CMIG_OK;
}

static void sq_close(struct cmig_backend *base)
{
	struct sqlite_backend *be = (struct sqlite_backend *)base;
	if (!be)
		return;
	if (be->db) {
		if (be->in_txn)
			sqlite3_exec(be->db, "ROLLBACK", NULL, NULL, NULL);
		sqlite3_close_v2(be->db);
	}
	cmig_buf_release(&be->scratch);
	free(be->wait_line);
	free(be);
}

static int sq_lock(struct cmig_backend *base, cmig_diags *d)
{
	(void)base; (void)d;
	return CMIG_OK; /* BEGIN IMMEDIATE in begin() is the lock */
}

static void sq_unlock(struct cmig_backend *base)
{
	(void)base;
}

static int sq_prepare_step(struct cmig_backend *base, const struct cmig_exec_section *s,
                           cmig_diags *d)
{
	struct sqlite_backend *be = (struct sqlite_backend *)base;
	bool on = be->base.settings->sqlite_foreign_keys;
	if (s && s->sec && s->sec->transactional && cmig_sqlite_batch_needs_fk_off(s))
		on = false;
	return set_foreign_keys(be, on, d);
}

static int sq_begin(struct cmig_backend *base, cmig_diags *d)
{
	struct sqlite_backend *be = (struct sqlite_backend *)base;
	int rc;

	if (!be->db)
		return cmig_diag_error(d, NULL, 0, CMIG_ERROR, NULL, "the database is open read-only");
	rc = cmig_sqlite_exec(be, cmig_dialect_sqlite.begin, d);
	if (rc)
		return rc;
	be->in_txn = true;
	if (!be->base.settings->readonly && !be->tables_ready) {
		cmig_buf_clear(&be->scratch);
		if (cmig_dialect_sqlite.create_tables(&be->scratch, &be->base.settings->tables))
			return cmig_diag_oom(d);
		rc = cmig_sqlite_exec(be, be->scratch.ptr, d);
		if (rc)
			return rc;
		be->tables_ready = true;
	}
	return CMIG_OK;
}

static int sq_commit(struct cmig_backend *base, cmig_diags *d)
{
	struct sqlite_backend *be = (struct sqlite_backend *)base;
	int rc = cmig_sqlite_exec(be, cmig_dialect_sqlite.commit, d);
	if (rc == CMIG_OK)
		be->in_txn = false;
	return rc;
}

static void sq_rollback(struct cmig_backend *base)
{
	struct sqlite_backend *be = (struct sqlite_backend *)base;
	if (be->db && be->in_txn && !sqlite3_get_autocommit(be->db))
		sqlite3_exec(be->db, cmig_dialect_sqlite.rollback, NULL, NULL, NULL);
	be->in_txn = false;
	be->tables_ready = false; /* a rolled-back first step takes the new tables with it */
}

/* SQLite rolls the whole transaction back on its own after out of memory or an I/O error in
 * some statements (and cmig reads some of its own answers through calls that cannot tell
 * such a failure apart): a step whose transaction is gone must fail, never go on in
 * autocommit and record the version over the rolled-back work. */
static int txn_lost(struct sqlite_backend *be, cmig_diags *d)
{
	if (!be->db || !be->in_txn || !sqlite3_get_autocommit(be->db))
		return CMIG_OK;
	be->in_txn = false;
	return cmig_diag_error(d, NULL, 0, CMIG_ESQL, NULL,
	                       "sqlite: the transaction was rolled back (out of memory or an I/O error)");
}

static int sq_run_section(struct cmig_backend *base, const struct cmig_exec_section *s,
                          cmig_diags *d)
{
	struct sqlite_backend *be = (struct sqlite_backend *)base;
	const cmig_stmt_vec *v = &s->sec->stmts;
	size_t i = 0;
	int rc = CMIG_OK;

	/* foreign keys are off for this section: note the violations already there before any
	 * statement runs, so only new ones fail the migration (SPEC §6) */
	if (s->sec->transactional && be->fk_state == 0 && be->base.settings->sqlite_foreign_keys &&
	    (rc = cmig_sqlite_batch_begin(be, s, d)) != CMIG_OK)
		return rc;
	/* checked after every statement: the next one must not run in autocommit */
	if (s->sec->transactional)
		rc = txn_lost(be, d);
	while (i < v->n && rc == CMIG_OK) {
		const cmig_stmt *st = &v->items[i];
		if (s->sec->transactional && (st->flags & CMIG_STMT_ALTER_TABLE)) {
			rc = cmig_sqlite_batch_alter(be, s, &i, NULL, d);
			if (!rc)
				rc = txn_lost(be, d);
			continue;
		}
		rc = cmig_sqlite_exec_stmt(be, s, st, d);
		if (!rc && s->sec->transactional)
			rc = txn_lost(be, d);
		if (rc && !s->sec->transactional && i > 0) {
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
		i++;
	}
	if (rc == CMIG_OK && s->sec->transactional && be->fk_state == 0 &&
	    be->base.settings->sqlite_foreign_keys)
		rc = cmig_sqlite_batch_finish(be, s, d);
	if (rc == CMIG_OK && s->sec->transactional)
		rc = txn_lost(be, d);
	return rc;
}

static int sq_version_read(struct cmig_backend *base, char **rev_out, cmig_diags *d)
{
	struct sqlite_backend *be = (struct sqlite_backend *)base;
	sqlite3_stmt *st = NULL;
	int rc, rows = 0;

	*rev_out = NULL;
	if (!be->db)
		return CMIG_OK;
	cmig_buf_clear(&be->scratch);
	cmig_buf_puts(&be->scratch, "SELECT version_num FROM ");
	cmig_dialect_sqlite.quote_table(&be->scratch, NULL, be->base.settings->tables.version);
	if (cmig_buf_error(&be->scratch))
		return cmig_diag_oom(d);
	rc = sqlite3_prepare_v2(be->db, be->scratch.ptr, -1, &st, NULL);
	if (rc != SQLITE_OK) {
		if (rc != SQLITE_NOMEM && strstr(sqlite3_errmsg(be->db), "no such table"))
			return CMIG_OK; /* never migrated: base */
		return cmig_diag_error(d, NULL, 0, CMIG_ESQL, NULL, "cannot read the version table: %s",
		                       sqlite3_errmsg(be->db));
	}
	/* a version the run cannot read must fail it: read as "base", it would end a downgrade
	 * midway with success (column_text's NULL is also SQLite's out-of-memory answer) */
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const unsigned char *v;
		if (rows++ || sqlite3_column_type(st, 0) == SQLITE_NULL)
			continue;
		v = sqlite3_column_text(st, 0);
		if (!v || !(*rev_out = cmig_strdup((const char *)v))) {
			sqlite3_finalize(st);
			return cmig_diag_oom(d);
		}
	}
	if (rc != SQLITE_DONE) {
		int r = cmig_sqlite_report(be, NULL, NULL, -1, d);
		sqlite3_finalize(st);
		free(*rev_out);
		*rev_out = NULL;
		return r;
	}
	sqlite3_finalize(st);
	if (rows > 1) {
		free(*rev_out);
		*rev_out = NULL;
		return cmig_backend_report_version_rows(d, be->base.settings->tables.version, rows);
	}
	return CMIG_OK;
}

/* The one version row is updated in place; only a table at base gets an INSERT. The
 * dialect's DELETE + INSERT (what --sql prints, not knowing the row is there) would clear
 * and re-create the table's and its key's b-tree pages in every migration (issue 10). */
static int sq_version_write(struct cmig_backend *base, const char *rev, cmig_diags *d)
{
	struct sqlite_backend *be = (struct sqlite_backend *)base;
	const char *table = be->base.settings->tables.version;
	int rc;

	if ((rc = txn_lost(be, d)) != CMIG_OK)
		return rc;
	if (!rev) {
		cmig_buf_clear(&be->scratch);
		if (cmig_dialect_sqlite.version_write(&be->scratch, &be->base.settings->tables, NULL))
			return cmig_diag_oom(d);
		return cmig_sqlite_exec(be, be->scratch.ptr, d);
	}
	cmig_buf_clear(&be->scratch);
	cmig_buf_puts(&be->scratch, "UPDATE ");
	cmig_dialect_sqlite.quote_table(&be->scratch, NULL, table);
	cmig_buf_puts(&be->scratch, " SET version_num = ");
	cmig_sql_literal(&be->scratch, rev);
	if (cmig_buf_error(&be->scratch))
		return cmig_diag_oom(d);
	if ((rc = cmig_sqlite_exec(be, be->scratch.ptr, d)) != CMIG_OK || sqlite3_changes(be->db) > 0)
		return rc;
	cmig_buf_clear(&be->scratch);
	cmig_buf_puts(&be->scratch, "INSERT INTO ");
	cmig_dialect_sqlite.quote_table(&be->scratch, NULL, table);
	cmig_buf_puts(&be->scratch, " (version_num) VALUES (");
	cmig_sql_literal(&be->scratch, rev);
	cmig_buf_putc(&be->scratch, ')');
	if (cmig_buf_error(&be->scratch))
		return cmig_diag_oom(d);
	return cmig_sqlite_exec(be, be->scratch.ptr, d);
}

static int sq_history_append(struct cmig_backend *base, const struct cmig_history_row *row,
                             cmig_diags *d)
{
	struct sqlite_backend *be = (struct sqlite_backend *)base;
	cmig_buf_clear(&be->scratch);
	if (cmig_dialect_sqlite.history_insert(&be->scratch, &be->base.settings->tables, row))
		return cmig_diag_oom(d);
	return cmig_sqlite_exec(be, be->scratch.ptr, d);
}

static const char *col_text(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	return t ? (const char *)t : "";
}

static int sq_history_read(struct cmig_backend *base, cmig_history_cb cb, void *payload,
                           cmig_diags *d)
{
	struct sqlite_backend *be = (struct sqlite_backend *)base;
	sqlite3_stmt *st = NULL;
	int rc;

	if (!be->db)
		return CMIG_OK;
	cmig_buf_clear(&be->scratch);
	cmig_buf_puts(&be->scratch, "SELECT id, revision, direction, checksum, applied_at, duration_ms FROM ");
	cmig_dialect_sqlite.quote_table(&be->scratch, NULL, be->base.settings->tables.history);
	cmig_buf_puts(&be->scratch, " ORDER BY id");
	rc = sqlite3_prepare_v2(be->db, be->scratch.ptr, -1, &st, NULL);
	if (rc != SQLITE_OK) {
		if (strstr(sqlite3_errmsg(be->db), "no such table"))
			return CMIG_OK;
		return cmig_diag_error(d, NULL, 0, CMIG_ESQL, NULL, "cannot read the history table: %s",
		                       sqlite3_errmsg(be->db));
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct cmig_history_row row = {
			sqlite3_column_int64(st, 0), col_text(st, 1), col_text(st, 2), col_text(st, 3),
			col_text(st, 4), sqlite3_column_int64(st, 5),
		};
		cb(&row, payload);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return cmig_diag_error(d, NULL, 0, CMIG_ESQL, NULL, "cannot read the history table: %s",
		                       sqlite3_errmsg(be->db));
	return CMIG_OK;
}

static int sq_replay_section(struct cmig_backend *base, const struct cmig_exec_section *s,
                             cmig_diags *d)
{
	return sq_run_section(base, s, d);
}

/* The --sql sink's shadow: the statement is printed first, so a failing one still shows. */
static int sq_script_statement(struct cmig_backend *base, const struct cmig_exec_section *s,
                               size_t *i, cmig_buf *script, cmig_diags *d)
{
	struct sqlite_backend *be = (struct sqlite_backend *)base;
	const cmig_stmt *st = &s->sec->stmts.items[*i];
	if (s->sec->transactional && (st->flags & CMIG_STMT_ALTER_TABLE))
		return cmig_sqlite_batch_alter(be, s, i, script, d);
	if (cmig_buf_add(script, s->text + st->start, st->end - st->start) ||
	    cmig_buf_puts(script, ";\n"))
		return cmig_diag_oom(d);
	(*i)++;
	return cmig_sqlite_exec_stmt(be, s, st, d);
}

static const char *sq_absent(const cmig_dburl *url)
{
	return strcmp(url->sqlite_path, ":memory:") && access(url->sqlite_path, F_OK) != 0 ?
	       url->sqlite_path : NULL;
}

const struct cmig_backend_ops cmig_backend_sqlite = {
	.name = "sqlite",
	.title = "SQLite",
	.caps = CMIG_BE_REBUILDS_ALTER,
	.dialect = &cmig_dialect_sqlite,
	.open = sq_open,
	.close = sq_close,
	.absent = sq_absent,
	.memory_url = "sqlite:///:memory:",
	.lock = sq_lock,
	.unlock = sq_unlock,
	.prepare_step = sq_prepare_step,
	.begin = sq_begin,
	.commit = sq_commit,
	.rollback = sq_rollback,
	.run_section = sq_run_section,
	.version_read = sq_version_read,
	.version_write = sq_version_write,
	.history_append = sq_history_append,
	.history_read = sq_history_read,
	.replay_section = sq_replay_section,
	.needs_fk_off = cmig_sqlite_batch_needs_fk_off,
	.script_statement = sq_script_statement,
	.copy_exec = cmig_sqlite_copy_exec,
	.copy_query_int = cmig_sqlite_copy_query_int,
	.copy_snapshot = cmig_sqlite_copy_snapshot,
	.copy_reader = cmig_sqlite_copy_reader,
	.copy_writer = cmig_sqlite_copy_writer,
	.schema_read = cmig_sqlite_schema_read,
};
