/*
 * backend.h - the seam between the migration loop (runtime/) and a database.
 *
 * One const struct cmig_backend_ops per file (sqlite.c, postgresql.c, script.c), chosen by
 * URL scheme in backend.c, the only switch over backends. SQL *text* that both a live backend
 * and the offline --sql sink need (transaction statements, version/history DDL and writes)
 * lives in one const struct cmig_dialect per dialect (dialect.c), so --sql output and live
 * behaviour cannot drift.
 *
 * Invariants the runner relies on:
 *  - begin() starts the transaction a migration and its version/history rows share. On SQLite
 *    it is BEGIN IMMEDIATE under the busy handler (the lock); on PostgreSQL the session
 *    advisory lock taken by lock() serializes runs.
 *  - version_read() is called inside that transaction, so a run never plans from a stale
 *    revision.
 *  - run_section() reports a failing statement as path:line of that statement plus the
 *    database's message; it never commits or rolls back a transactional section itself.
 *  - Nothing here prints: diagnostics go to the cmig_diags given, waiting and progress to the
 *    callbacks in cmig_backend_settings.
 */
#ifndef CMIG_BACKEND_BACKEND_H
#define CMIG_BACKEND_BACKEND_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "dburl.h"
#include "diag.h"
#include "revfile.h"
#include "cmig/cmig.h"

/* Capabilities the runtime asks of a backend (ops->caps). Only what some code reads is here:
 * both backends roll DDL back with the transaction, which the runtime's "exactly at a
 * revision" rests on; a backend that cannot would need a flag and a runtime that reads it. */
enum {
	CMIG_BE_REBUILDS_ALTER = 1u << 1,     /* ALTER TABLE goes through batch/ (SQLite) */
};

struct cmig_schema; /* schema/schema.h */

/* Names of cmig's own tables, as configured. */
struct cmig_table_names {
	const char *schema;       /* NULL: default schema */
	const char *version;      /* cmig_version */
	const char *history;      /* cmig_history */
};

/* One history row (SPEC §4). */
struct cmig_history_row {
	long long id;
	const char *revision;     /* "base" for a stamp to base */
	const char *direction;    /* up, down, stamp, rehash */
	const char *checksum;     /* "" for stamp */
	const char *applied_at;   /* UTC ISO-8601 */
	long long duration_ms;
};

typedef void (*cmig_history_cb)(const struct cmig_history_row *row, void *payload);

/* The SQL text of one dialect. Builders append to out and return CMIG_OK or CMIG_ENOMEM. */
struct cmig_dialect {
	const char *name;                   /* "sqlite", "postgresql" */
	cmig_dialect_kind kind;
	const char *begin;                  /* "BEGIN IMMEDIATE" / "BEGIN" */
	const char *defer_fks;              /* inside a transaction, check foreign keys only at
	                                     * COMMIT (SQLite's PRAGMA); NULL when the backend
	                                     * needs no statement for it (copy, SPEC §9) */
	const char *commit;
	const char *rollback;
	/* CREATE TABLE IF NOT EXISTS for the version and history tables (one or more statements,
	 * each ending in ";\n"). */
	int (*create_tables)(cmig_buf *out, const struct cmig_table_names *t);
	/* Set the version row to rev (NULL: base = no row), ending in ";\n". */
	int (*version_write)(cmig_buf *out, const struct cmig_table_names *t, const char *rev);
	/* Insert one history row (id left to the database), ending in ";\n". */
	int (*history_insert)(cmig_buf *out, const struct cmig_table_names *t,
	                      const struct cmig_history_row *row);
	/* Append an identifier, quoted when it needs to be (schema.table when schema set). */
	int (*quote_table)(cmig_buf *out, const char *schema, const char *table);
};

extern const struct cmig_dialect cmig_dialect_sqlite;
extern const struct cmig_dialect cmig_dialect_postgresql;

/* Append a SQL string literal ('…' with '' doubling). */
int cmig_sql_literal(cmig_buf *out, const char *s);

/* Settings a run hands to open(). All pointers are borrowed for the backend's lifetime. */
struct cmig_backend_settings {
	struct cmig_table_names tables;
	bool sqlite_foreign_keys;           /* SPEC §1 */
	bool readonly;                      /* never create or change anything (status, --check) */
	double lock_timeout;                /* seconds to wait for the lock */
	double wait;                        /* seconds to keep retrying the connection */
	bool verbose;                       /* server notices become CMIG_DIAG_NOTE records */
	cmig_wait_cb on_wait;               /* "waiting for the lock", once per wait */
	cmig_progress_cb on_progress;       /* rows copied by a rebuild */
	cmig_output_cb on_output;           /* offline: where the SQL goes */
	cmig_dialect_kind offline_dialect;  /* offline: which dialect to print */
	bool offline_schema;                /* offline SQLite: keep a shadow database (an ALTER
	                                     * TABLE will need the tables' definitions) */
	const char *pg_lock_timeout;        /* cmig.yaml pg_lock_timeout ("5s"), NULL: none
	                                     * (SPEC §10; PostgreSQL only) */
	void *payload;
};

/* PostgreSQL's lock_timeout around a migration (SPEC §10), each ending in ";\n":
 * `SET LOCAL lock_timeout = '…'` at the start of a transactional one, `SET lock_timeout =
 * '…'` before and `RESET lock_timeout` after a transaction:false section. */
int cmig_pg_lock_timeout_sql(cmig_buf *out, const char *value, bool local);
#define CMIG_PG_RESET_LOCK_TIMEOUT "RESET lock_timeout"

/* What run_section() gets: one section of one file, split into statements. */
struct cmig_exec_section {
	const char *path;                   /* the file, as printed */
	const char *text;                   /* the whole file text */
	const cmig_section *sec;            /* body offsets, statements, transactional flag */
	const char *revision;               /* the revision id, for messages */
};

struct cmig_copy_reader;
struct cmig_copy_writer;
struct cmig_copy_table;

/* Every backend's handle starts with this (libgit2's `parent` pattern). */
struct cmig_backend {
	const struct cmig_backend_ops *ops;
	const struct cmig_backend_settings *settings;
};

struct cmig_backend_ops {
	const char *name;                   /* "sqlite", "postgresql", "script" */
	const char *title;                  /* "SQLite", "PostgreSQL": its name in messages */
	unsigned caps;                      /* CMIG_BE_* */
	const struct cmig_dialect *dialect; /* NULL for script: settings->offline_dialect decides */

	/* Mandatory. Connect (retrying for settings->wait seconds). A diagnostic never contains
	 * the password. SQLite with settings->readonly and no file: *out is set and the database
	 * reads as base (nothing is created). */
	int (*open)(struct cmig_backend **out, const cmig_dburl *url,
	            const struct cmig_backend_settings *settings, cmig_diags *d);
	/* Mandatory. Safe on a half-opened backend; cannot fail. */
	void (*close)(struct cmig_backend *be);
	/* Optional (SQLite): the URL of an in-memory database, for SPEC §8 scratch databases of a
	 * backend without scratch_* ops. */
	const char *memory_url;
	/* Optional (SQLite). The database does not exist yet (a read-only open would read it as
	 * base): what to call it in "the … database X does not exist", else NULL. */
	const char *(*absent)(const cmig_dburl *url);

	/* Mandatory. PostgreSQL: session advisory lock for the whole run (waiting line, timeout).
	 * SQLite: nothing (begin() is the lock). */
	int (*lock)(struct cmig_backend *be, cmig_diags *d);
	void (*unlock)(struct cmig_backend *be);

	/* Mandatory. Called outside any transaction before a step's begin(): SQLite sets
	 * PRAGMA foreign_keys for the section (off when it needs a table rebuild). */
	int (*prepare_step)(struct cmig_backend *be, const struct cmig_exec_section *s, cmig_diags *d);

	/* Mandatory. The migration's transaction. begin() creates cmig's tables when missing
	 * (in the same transaction) unless settings->readonly. */
	int (*begin)(struct cmig_backend *be, cmig_diags *d);
	int (*commit)(struct cmig_backend *be, cmig_diags *d);
	void (*rollback)(struct cmig_backend *be);

	/* Mandatory. Run one section. A transactional section runs inside begin()/commit(); a
	 * `transaction:false` section runs statement by statement outside any transaction and,
	 * on failure, the diagnostic lists the lines of the statements that already ran. */
	int (*run_section)(struct cmig_backend *be, const struct cmig_exec_section *s, cmig_diags *d);

	/* Mandatory. *rev_out NULL means base (also when the table does not exist); else the
	 * string is the caller's (free()). */
	int (*version_read)(struct cmig_backend *be, char **rev_out, cmig_diags *d);
	/* Mandatory. Inside the transaction: version row, then one history row. */
	int (*version_write)(struct cmig_backend *be, const char *rev_or_null, cmig_diags *d);
	int (*history_append)(struct cmig_backend *be, const struct cmig_history_row *row,
	                      cmig_diags *d);
	/* Mandatory. Every history row in id order (none when the table does not exist). */
	int (*history_read)(struct cmig_backend *be, cmig_history_cb cb, void *payload,
	                    cmig_diags *d);

	/* Optional (offline SQLite). Execute a section on the shadow database without printing:
	 * replays the chain up to FROM so batch mode knows the tables (SPEC §6). */
	int (*replay_section)(struct cmig_backend *be, const struct cmig_exec_section *s,
	                      cmig_diags *d);
	/* Optional (CMIG_BE_REBUILDS_ALTER): what the --sql sink asks of its shadow database (an
	 * in-memory one opened with this backend's open()) to print batch mode's rebuilds.
	 * needs_fk_off: whether section s runs with foreign keys off (it holds an ALTER TABLE that
	 * may need a rebuild); pure, needs no handle. script_statement: run statement *i of s as
	 * run_section() would (in a transactional section an ALTER TABLE runs natively or as a
	 * rebuild folding the ALTERs on the same table that follow it), append every statement
	 * run to script, each ending in ";\n", and advance *i past the statements consumed. */
	bool (*needs_fk_off)(const struct cmig_exec_section *s);
	int (*script_statement)(struct cmig_backend *be, const struct cmig_exec_section *s,
	                        size_t *i, cmig_buf *script, cmig_diags *d);

	/* Optional (live backends): `cmig copy`, SPEC §9; see copy_io.h. copy_exec runs cmig's own
	 * SQL (no rows); copy_query_int reads one integer (first column of the first row);
	 * copy_snapshot starts the read-only transaction every reader then reads from. */
	int (*copy_exec)(struct cmig_backend *be, const char *sql, cmig_diags *d);
	int (*copy_query_int)(struct cmig_backend *be, const char *sql, long long *out,
	                      cmig_diags *d);
	int (*copy_snapshot)(struct cmig_backend *be, cmig_diags *d);
	int (*copy_reader)(struct cmig_copy_reader **out, struct cmig_backend *be,
	                   const struct cmig_copy_table *t, cmig_diags *d);
	int (*copy_writer)(struct cmig_copy_writer **out, struct cmig_backend *be,
	                   const struct cmig_copy_table *t, cmig_diags *d);
	/* Optional (live backends). Read the database's schema (SPEC §8) into a new model, *out
	 * yours (cmig_schema_free). One consistent snapshot; cmig's own tables
	 * (settings->tables) are left out. Outside a transaction, or inside the run's own. */
	int (*schema_read)(struct cmig_backend *be, struct cmig_schema **out, cmig_diags *d);

	/* Optional (PostgreSQL): SPEC §8 scratch databases, on a backend opened on dev_url.
	 * create: CREATE DATABASE name TEMPLATE template0 ENCODING 'UTF8', marked with its
	 * creation time; an error says when the role lacks CREATEDB. drop: DROP DATABASE IF
	 * EXISTS … WITH (FORCE). sweep: drop every cmig_scratch_* database older than an hour
	 * that nobody is connected to, a note naming each. */
	int (*scratch_create)(struct cmig_backend *be, const char *name, cmig_diags *d);
	int (*scratch_drop)(struct cmig_backend *be, const char *name, cmig_diags *d);
	int (*scratch_sweep)(struct cmig_backend *be, cmig_diags *d);
};

/* be->ops->schema_read, or an error naming the backend when it has none. */
int cmig_backend_schema_read(struct cmig_backend *be, struct cmig_schema **out, cmig_diags *d);

extern const struct cmig_backend_ops cmig_backend_sqlite;
extern const struct cmig_backend_ops cmig_backend_postgresql;
extern const struct cmig_backend_ops cmig_backend_script;

/* The ops for a URL's kind (live), or the script sink when offline. */
const struct cmig_backend_ops *cmig_backend_for(const cmig_dburl *url, bool offline);
/* The live backend that speaks a dialect (scratch databases of per-dialect schema files). */
const struct cmig_backend_ops *cmig_backend_for_dialect(cmig_dialect_kind kind);
/* The SQL text of a dialect (the --sql sink prints the URL's). */
const struct cmig_dialect *cmig_dialect_of(cmig_dialect_kind kind);
/* ops->absent of the URL's backend: the name of a database that does not exist yet, or
 * NULL (it exists, or the backend cannot tell before connecting). */
const char *cmig_backend_absent(const cmig_dburl *url);
/* Messages every backend gives in the same words. */
int cmig_backend_report_version_rows(cmig_diags *d, const char *table, int rows);

/* Versions of the client libraries, for `cmig --version` (static storage). */
const char *cmig_backend_sqlite_version(void);
const char *cmig_backend_libpq_version(void);

#endif
