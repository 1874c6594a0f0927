/*
 * cmig.h - the whole public API of libcmig.
 *
 * A project is opened from a cmig.yaml (or from settings given in code), then upgraded,
 * downgraded, stamped or checked. The library never prints and never exits: everything it
 * has to say reaches the caller as cmig_diag records through the on_diag callback of the
 * options struct, progress through on_progress, and offline SQL (--sql) through on_output.
 *
 * Ownership: a `**out` parameter hands ownership to the caller; every other pointer returned
 * is borrowed and lives as long as the object it came from. Strings the library allocates
 * for the caller are released with cmig_free().
 *
 * Conventions (1.0, see docs/embedding.md "Stability"): outputs come first in every parameter
 * list; options structs begin with `version`, start from their designated-initializer
 * `_INIT` macro (C) or their `_options_init()` function (C, and C++ before C++20), and a
 * version the library does not know is refused with CMIG_EUSAGE; yes/no choices are bits of
 * a `flags` field or parameter, never pairs of booleans.
 *
 * Threads: the library holds no mutable global state; one project per thread (or several in
 * one thread) is safe, one project used by two threads at once is not.
 */
#ifndef CMIG_CMIG_H
#define CMIG_CMIG_H

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(CMIG_BUILDING_LIBRARY) || defined(CMIG_INTERNAL)
#define CMIG_EXTERN __attribute__((visibility("default")))
#else
#define CMIG_EXTERN
#endif

/* Status codes: the few expected failures callers branch on; the rest is CMIG_ERROR. */
typedef enum {
	CMIG_OK = 0,
	CMIG_ERROR = -1,      /* anything else; the diagnostics say what */
	CMIG_ENOTFOUND = -2,  /* no such revision, file or target */
	CMIG_EAMBIGUOUS = -3, /* a prefix matches several revisions */
	CMIG_EEXISTS = -4,    /* would overwrite a file */
	CMIG_ECHAIN = -5,     /* versions/ is not one linear chain */
	CMIG_ESQL = -6,       /* the database refused a statement */
	CMIG_ECONNECT = -7,   /* could not connect or lock */
	CMIG_ENOMEM = -8,
	CMIG_EUSAGE = -9,     /* a bad argument from the caller (bad target form, ...) */
} cmig_status;

typedef enum {
	CMIG_DIAG_ERROR = 0,
	CMIG_DIAG_WARNING = 1,
	CMIG_DIAG_NOTE = 2,   /* server notices, verbose information */
} cmig_severity;

/* One diagnostic. Every string is borrowed for the duration of the callback only. */
typedef struct {
	cmig_severity severity;
	cmig_status code;
	const char *kind;     /* SPEC §7 code ("parse", "branch", "drift", ...) or NULL */
	const char *path;     /* NULL when not about a file */
	unsigned line, column;/* 0 when unknown */
	const char *message;  /* one line: lower case, no final period */
	const char *detail;   /* optional: the database's own detail, SQLSTATE, ... */
	const char *hint;     /* optional: what to try */
} cmig_diag;

typedef void (*cmig_diag_cb)(const cmig_diag *diag, void *payload);

/* Free a string or array the library allocated for the caller. NULL is a no-op. */
CMIG_EXTERN void cmig_free(void *ptr);

/* "0.1.0 (sqlite 3.40.1, libpq 15.18)": static storage. */
CMIG_EXTERN const char *cmig_version_string(void);

/* ---- projects ------------------------------------------------------------------------- */

typedef struct cmig_project cmig_project;
typedef struct cmig_revision cmig_revision;

/* An in-memory migration file, for programs that compile their migrations in. */
typedef struct {
	const char *name;     /* file name, e.g. "1a2b_init.sql" */
	const char *text;
	size_t len;
} cmig_embedded_file;

/* cmig_open_options.flags */
enum {
	CMIG_OPEN_CONFIG_REQUIRED = 1u << 0, /* error when config_path/./cmig.yaml is missing */
	CMIG_OPEN_USE_ENV = 1u << 1,         /* consult DATABASE_URL (the CLI sets this) */
	CMIG_OPEN_NO_CONFIG_FILE = 1u << 2,  /* never read a cmig.yaml: settings come from this
	                                        struct only (CONFIG_REQUIRED is then ignored) */
};

typedef struct {
	unsigned version;          /* CMIG_OPEN_OPTIONS_VERSION */
	unsigned flags;            /* CMIG_OPEN_* */
	const char *config_path;   /* -c FILE; NULL: ./cmig.yaml when it exists */
	const char *url;           /* --url; overrides DATABASE_URL and the file */
	const char *versions_dir;  /* overrides the config file's versions_dir */
	const char *version_table; /* overrides the config file's version_table */
	const cmig_embedded_file *files; /* when set: migrations from memory, not versions/ */
	size_t nfiles;
	cmig_diag_cb on_diag;
	void *payload;
} cmig_open_options;
#define CMIG_OPEN_OPTIONS_VERSION 1
#define CMIG_OPEN_OPTIONS_INIT { .version = CMIG_OPEN_OPTIONS_VERSION, .flags = 0,          \
	.config_path = NULL, .url = NULL, .versions_dir = NULL, .version_table = NULL,          \
	.files = NULL, .nfiles = 0, .on_diag = NULL, .payload = NULL }
/* The _INIT macro as a function, for C++ before C++20 and for bindings: fills *opts with the
 * defaults of `version`; CMIG_EUSAGE when this library does not know that version. */
CMIG_EXTERN int cmig_open_options_init(cmig_open_options *opts, unsigned version);

/* Open a project: read the configuration and every migration file, and build the chain.
 * On success *out is yours: free it with cmig_project_free(). A chain that is not linear
 * still opens (status CMIG_ECHAIN is returned *with* *out set) so that `check` and `heads`
 * can report on it; every other failure leaves *out NULL. Diagnostics go to opts->on_diag. */
CMIG_EXTERN int cmig_project_open(cmig_project **out, const cmig_open_options *opts);
CMIG_EXTERN void cmig_project_free(cmig_project *p);

/* cmig_project_diagnostics() flags */
enum { CMIG_DIAGNOSTICS_WARNINGS = 1u << 0 };
/* Replay the file and chain diagnostics gathered at open (errors, and warnings with
 * CMIG_DIAGNOSTICS_WARNINGS) to cb: a command that refuses on CMIG_ECHAIN prints them. */
CMIG_EXTERN void cmig_project_diagnostics(const cmig_project *p, unsigned flags, cmig_diag_cb cb,
                                          void *payload);

/* The chain, oldest first; valid only when the project opened without CMIG_ECHAIN. */
CMIG_EXTERN size_t cmig_project_count(const cmig_project *p);
CMIG_EXTERN const cmig_revision *cmig_project_at(const cmig_project *p, size_t i);
CMIG_EXTERN const cmig_revision *cmig_project_head(const cmig_project *p);
/* Every head (revision nothing follows), also on a branched chain. Borrowed array. */
CMIG_EXTERN size_t cmig_project_heads(const cmig_revision *const **out, const cmig_project *p);
/* The database URL the project resolved to, password masked (borrowed). */
CMIG_EXTERN const char *cmig_project_url_display(const cmig_project *p);
/* Where the URL came from (SPEC §1, -v): "--url", "DATABASE_URL", "cmig.yaml line N" (the
 * config file as given) or "default"; NULL when the project was opened without one. */
CMIG_EXTERN const char *cmig_project_url_source(const cmig_project *p);
/* Resolve TARGET (head, base, id, prefix) to a revision; base resolves to NULL with CMIG_OK. */
CMIG_EXTERN int cmig_project_find(const cmig_revision **out, const cmig_project *p,
                                  const char *target);

/* Whether a database was configured (--url, DATABASE_URL or database_url in cmig.yaml)
 * rather than the default: `check` compares the database only then. */
CMIG_EXTERN bool cmig_project_has_database(const cmig_project *p);

/* Accessors (borrowed strings). */
CMIG_EXTERN long cmig_revision_position(const cmig_revision *r);          /* 0 = root */
CMIG_EXTERN const char *cmig_revision_id(const cmig_revision *r);
CMIG_EXTERN const char *cmig_revision_down(const cmig_revision *r);      /* NULL for the root */
CMIG_EXTERN const char *cmig_revision_message(const cmig_revision *r);   /* "" when none */
CMIG_EXTERN const char *cmig_revision_created(const cmig_revision *r);   /* "" when none */
CMIG_EXTERN const char *cmig_revision_path(const cmig_revision *r);      /* as printed */
/* The file's bytes; *len_out (optional) their length. Read again from the file on first use:
 * NULL (and *len_out 0) when it can no longer be read or no longer holds the bytes parsed
 * when the project was opened. */
CMIG_EXTERN const char *cmig_revision_text(size_t *len_out, const cmig_revision *r);
CMIG_EXTERN bool cmig_revision_has_down(const cmig_revision *r);

/* ---- running migrations ---------------------------------------------------------------- */

typedef enum { CMIG_UP = 0, CMIG_DOWN = 1 } cmig_direction;

/* A progress event: one per migration, before it runs. from/to NULL mean base. */
typedef struct {
	cmig_direction direction;
	const char *from;
	const char *to;
	const char *message;
	/* Long operations inside a step (a table rebuild copying rows): done/total rows,
	 * total 0 when unknown; both 0 for the plain per-migration event. */
	unsigned long long done, total;
	const char *what;     /* NULL for the per-migration event, else e.g. the table name */
} cmig_progress;

typedef void (*cmig_progress_cb)(const cmig_progress *ev, void *payload);
/* Data output: SQL text for --sql, revision ids for --check listings. */
typedef void (*cmig_output_cb)(const char *text, size_t len, void *payload);
/* Called once when a run has waited a second for the lock (SPEC §4). */
typedef void (*cmig_wait_cb)(const char *what, void *payload);

/* What one run found and did, for a caller that reports on many databases (SPEC §11): point
 * cmig_run_options.result (or cmig_check_options.result) at one, zeroed; it is filled in
 * whatever the status. Release it with cmig_run_result_release(). */
typedef struct {
	bool known;           /* the database's revision was read (false: failed before that) */
	char *before;         /* its revision when the run started, NULL = base */
	char *after;          /* its revision when the run ended, NULL = base */
	size_t steps;         /* migrations run; for check-only, current, status, check: pending */
} cmig_run_result;
CMIG_EXTERN void cmig_run_result_release(cmig_run_result *r);

/* cmig_run_options.flags */
enum {
	CMIG_RUN_OFFLINE = 1u << 0,    /* --sql: print SQL through on_output, never connect */
	CMIG_RUN_CHECK_ONLY = 1u << 1, /* upgrade --check: list pending ids, change nothing
	                                  (not with CMIG_RUN_OFFLINE) */
	CMIG_RUN_VERBOSE = 1u << 2,    /* server notices become CMIG_DIAG_NOTE records */
};

typedef struct {
	unsigned version;          /* CMIG_RUN_OPTIONS_VERSION */
	unsigned flags;            /* CMIG_RUN_* */
	const char *target;        /* TARGET or FROM:TO (FROM:TO only with CMIG_RUN_OFFLINE);
	                              cmig_linearize(): the revision whose branch stays (--keep) */
	double lock_timeout;       /* seconds; default 300 */
	double wait;               /* --wait: keep retrying the connection that long */
	cmig_progress_cb on_progress;
	cmig_output_cb on_output;
	cmig_wait_cb on_wait;
	cmig_diag_cb on_diag;
	void *payload;
	/* Version 2 (SPEC §11). url NULL: the project's database. Else run against this URL
	 * instead (a relative SQLite path is relative to the current directory): one open
	 * project, many databases, each run independent, from as many threads as you like (one
	 * run per thread at a time). */
	const char *url;
	cmig_run_result *result;   /* optional: filled in (see cmig_run_result) */
} cmig_run_options;
#define CMIG_RUN_OPTIONS_VERSION 2
#define CMIG_RUN_OPTIONS_INIT { .version = CMIG_RUN_OPTIONS_VERSION, .flags = 0,            \
	.target = NULL, .lock_timeout = 300.0, .wait = 0.0, .on_progress = NULL,                \
	.on_output = NULL, .on_wait = NULL, .on_diag = NULL, .payload = NULL, .url = NULL,     \
	.result = NULL }
CMIG_EXTERN int cmig_run_options_init(cmig_run_options *opts, unsigned version);

/* Upgrade/downgrade. With CMIG_RUN_CHECK_ONLY, returns CMIG_OK with *pending_out (optional)
 * set to the number of revisions that would be applied. */
CMIG_EXTERN int cmig_upgrade(size_t *pending_out, cmig_project *p, const cmig_run_options *opts);
CMIG_EXTERN int cmig_downgrade(cmig_project *p, const cmig_run_options *opts);
/* Set the version table to opts->target without running SQL. */
CMIG_EXTERN int cmig_stamp(cmig_project *p, const cmig_run_options *opts);
/* SPEC §8 `cmig dump`: the configured database's schema as the SQL that recreates it, *out
 * yours (cmig_free). A missing SQLite file is an error (nothing is created). */
CMIG_EXTERN int cmig_dump(char **out, cmig_project *p, const cmig_run_options *opts);
/* The database's current revision: *out NULL at base, else yours (cmig_free). */
CMIG_EXTERN int cmig_current(char **out, cmig_project *p, const cmig_run_options *opts);

/* Where a revision of `status` stands (SPEC §5). */
typedef enum {
	CMIG_REV_PENDING = 0,
	CMIG_REV_APPLIED,            /* its up section ran */
	CMIG_REV_STAMPED,            /* a stamp covered it without running it */
	CMIG_REV_SKIPPED,            /* db-skipped: before the current revision, never applied */
	CMIG_REV_APPLIED_NO_HISTORY  /* current or an ancestor, and the history has no rows */
} cmig_rev_state;

/* One row of `status`: applied_at is NULL unless state is APPLIED or STAMPED. */
typedef struct {
	const cmig_revision *rev;
	const char *applied_at;
	bool stamped;                /* state == CMIG_REV_STAMPED (kept for older callers) */
	cmig_rev_state state;
} cmig_status_row;
typedef void (*cmig_status_cb)(const cmig_status_row *row, void *payload);
/* Walk the chain oldest first; *current_out (yours, NULL at base) is the current revision. */
CMIG_EXTERN int cmig_status_walk(char **current_out, cmig_project *p, const cmig_run_options *opts,
                            cmig_status_cb cb);

/* cmig_rehash() flags */
enum { CMIG_REHASH_ALL = 1u << 0 };
/* Record the current checksum of an applied revision's up section (a `rehash` history row),
 * accepting an intended edit. rev: a TARGET naming one applied revision; or rev NULL and
 * CMIG_REHASH_ALL: every applied revision whose checksum changed. *count_out (optional):
 * rows written. */
CMIG_EXTERN int cmig_rehash(size_t *count_out, cmig_project *p, const cmig_run_options *opts,
                            const char *rev, unsigned flags);

/* cmig_linearize() flags */
enum { CMIG_LINEARIZE_DRY_RUN = 1u << 0 };
/* Make a branched chain linear by rewriting `down_revision` headers (SPEC §7). on_change is
 * told each change; with CMIG_LINEARIZE_DRY_RUN nothing is written. opts->target, when set, is
 * `--keep REV`: the branch holding REV (an id or a unique prefix) stays. */
typedef void (*cmig_relink_cb)(const char *path, const char *old_down, const char *new_down,
                               void *payload);
CMIG_EXTERN int cmig_linearize(cmig_project *p, const cmig_run_options *opts, unsigned flags,
                               cmig_relink_cb on_change);

/* ---- check, revision, init ------------------------------------------------------------- */

/* cmig_check_options.flags */
enum {
	CMIG_CHECK_STRICT = 1u << 0,        /* warnings count as errors */
	CMIG_CHECK_WITH_DATABASE = 1u << 1, /* compare the database too (SPEC §7) */
	CMIG_CHECK_LINT = 1u << 2,          /* also lint the migrations (SPEC §10; version 2) */
	CMIG_CHECK_LINT_DOWN = 1u << 3,     /* lint down sections too (without lint-drop) */
};

typedef struct {
	unsigned version;          /* CMIG_CHECK_OPTIONS_VERSION */
	unsigned flags;            /* CMIG_CHECK_* */
	cmig_diag_cb on_diag;
	void *payload;
	/* version 2 */
	const char *lint_dialect;  /* "sqlite" | "postgresql": lint every section for it alone */
	const char *lint_since;    /* a revision: lint only the revisions after it */
	/* Version 3 (SPEC §11). url set: check only this database against the files (their own
	 * problems are not replayed: check the files once without url, then each database with
	 * it). */
	const char *url;
	cmig_run_result *result;   /* optional, with url: current revision and pending count */
	double lock_timeout, wait; /* with url: as in cmig_run_options (0: defaults) */
} cmig_check_options;
#define CMIG_CHECK_OPTIONS_VERSION 3
#define CMIG_CHECK_OPTIONS_INIT { .version = CMIG_CHECK_OPTIONS_VERSION, .flags = 0,        \
	.on_diag = NULL, .payload = NULL, .lint_dialect = NULL, .lint_since = NULL, .url = NULL, \
	.result = NULL, .lock_timeout = 0.0, .wait = 0.0 }
CMIG_EXTERN int cmig_check_options_init(cmig_check_options *opts, unsigned version);

/* One lint rule (SPEC §10), for SARIF's rule list: static strings. */
typedef struct {
	const char *code;
	const char *summary;
	const char *help;
} cmig_lint_rule_info;
/* The lint rules in SPEC §10's order; *n_out is their count. */
CMIG_EXTERN const cmig_lint_rule_info *cmig_lint_rule_list(size_t *n_out);

/* Validate files, chain and (optionally) the database; every problem goes to on_diag.
 * The project's own open-time diagnostics are replayed first. Returns CMIG_OK when no error
 * (no warning either with CMIG_CHECK_STRICT). *errors_out, *warnings_out are optional. */
CMIG_EXTERN int cmig_check(size_t *errors_out, size_t *warnings_out, cmig_project *p,
                           const cmig_check_options *opts);

typedef struct {
	unsigned version;          /* CMIG_REVISION_OPTIONS_VERSION */
	const char *message;
	const char *rev_id;        /* NULL: 12 random hex digits */
	const char *created;       /* NULL: now, UTC */
	cmig_diag_cb on_diag;
	void *payload;
} cmig_revision_options;
#define CMIG_REVISION_OPTIONS_VERSION 1
#define CMIG_REVISION_OPTIONS_INIT { .version = CMIG_REVISION_OPTIONS_VERSION,               \
	.message = NULL, .rev_id = NULL, .created = NULL, .on_diag = NULL, .payload = NULL }
CMIG_EXTERN int cmig_revision_options_init(cmig_revision_options *opts, unsigned version);

/* Write a new revision after the head of the files; *path_out (yours) is the file written. */
CMIG_EXTERN int cmig_revision_create(char **path_out, cmig_project *p,
                                     const cmig_revision_options *opts);

/* ---- SPEC §8: comparing schemas (issue 13) ------------------------------------------------ */

/* cmig_schema_options.flags */
enum {
	CMIG_SCHEMA_FROM_DB = 1u << 0,    /* diff: the configured database instead of the chain */
	CMIG_SCHEMA_ALLOW_DROP = 1u << 1, /* autogenerate: statements that drop data are allowed */
};

typedef struct {
	unsigned version;          /* CMIG_SCHEMA_OPTIONS_VERSION */
	unsigned flags;            /* CMIG_SCHEMA_* */
	const char *message;       /* autogenerate: the revision's message (required) */
	const char *rev_id;        /* autogenerate: NULL for a random id */
	const char *const *renames;/* "TABLE:NEW" or "TABLE.COLUMN:NEW" (PostgreSQL quoting) */
	size_t nrenames;
	double wait;               /* seconds to keep retrying connections */
	cmig_output_cb on_output;  /* diff: the SQL */
	cmig_diag_cb on_diag;
	void *payload;
} cmig_schema_options;
#define CMIG_SCHEMA_OPTIONS_VERSION 1
#define CMIG_SCHEMA_OPTIONS_INIT { .version = CMIG_SCHEMA_OPTIONS_VERSION, .flags = 0,          \
	.message = NULL, .rev_id = NULL, .renames = NULL, .nrenames = 0, .wait = 0.0,             \
	.on_output = NULL, .on_diag = NULL, .payload = NULL }
CMIG_EXTERN int cmig_schema_options_init(cmig_schema_options *opts, unsigned version);

/* `cmig diff`: the SQL that takes the schema at head (replayed in a scratch database) to the
 * declared schema, through on_output; *count_out the number of statements (0: they agree). */
CMIG_EXTERN int cmig_diff(size_t *count_out, cmig_project *p, const cmig_schema_options *opts);
/* `cmig check --schema`: the configured database against the chain replayed to its revision;
 * each difference is a `schema-drift` error diagnostic; *count_out their number. */
CMIG_EXTERN int cmig_check_schema(size_t *count_out, cmig_project *p,
                                  const cmig_schema_options *opts);
/* `cmig revision --autogenerate`: a new revision whose up section is the diff and whose down
 * section is the reverse, written only after both are proven in a scratch database;
 * *path_out (yours) the file, NULL when there was no difference (nothing written). */
CMIG_EXTERN int cmig_revision_autogenerate(char **path_out, cmig_project *p,
                                           const cmig_schema_options *opts);

/* Create cmig.yaml, versions/ and templates/revision.sql.tmpl under dir; never overwrite.
 * created_cb is told each path created. */
CMIG_EXTERN int cmig_init(const char *dir, void (*created_cb)(const char *path, void *payload),
                          cmig_diag_cb on_diag, void *payload);

/* A database URL as people see it (password hidden) and a key naming the database it reaches
 * (SQLite: the file's device and inode, or its real path when it does not exist yet;
 * PostgreSQL: host, port, database and schema=), for refusing a database listed twice
 * (SPEC §11). Both yours (cmig_free); a bad URL is an error through on_diag. */
CMIG_EXTERN int cmig_url_describe(char **display_out, char **identity_out, const char *url,
                                  cmig_diag_cb on_diag, void *payload);

/* ---- copy (SPEC §9) --------------------------------------------------------------------- */

enum {
	CMIG_COPY_TRUNCATE = 1u << 0,       /* --truncate: empty the target tables first */
	CMIG_COPY_KEEP_TRIGGERS = 1u << 1,  /* --keep-triggers: user triggers stay enabled */
	CMIG_COPY_ANY_REVISION = 1u << 2,   /* --any-revision: skip the same-revision check */
	CMIG_COPY_KEEP_INDEXES = 1u << 3,   /* never drop and re-create indexes and foreign keys
	                                     * for speed (they are still dropped for a cycle) */
};

/* Called once per table after the copy committed, in copy order. */
typedef void (*cmig_copy_table_cb)(const char *table, unsigned long long rows, double seconds,
                                   void *payload);

typedef struct {
	unsigned version;          /* CMIG_COPY_OPTIONS_VERSION */
	unsigned flags;            /* CMIG_COPY_* */
	const char *from;          /* source URL (required) */
	const char *to;            /* target URL (required) */
	const char *tables;        /* "T,…": only these source tables; NULL: every table */
	const char *exclude;       /* "T|T.COLUMN,…" */
	double wait;               /* keep retrying the connections that long (seconds) */
	double lock_timeout;       /* seconds to wait for the target's migration lock */
	cmig_progress_cb on_progress; /* per table: what = table, done/total rows */
	cmig_copy_table_cb on_table;
	cmig_diag_cb on_diag;
	void *payload;
} cmig_copy_options;
#define CMIG_COPY_OPTIONS_VERSION 1
#define CMIG_COPY_OPTIONS_INIT { .version = CMIG_COPY_OPTIONS_VERSION, .flags = 0,          \
	.from = NULL, .to = NULL, .tables = NULL, .exclude = NULL, .wait = 0.0,               \
	.lock_timeout = 300.0, .on_progress = NULL, .on_table = NULL, .on_diag = NULL,        \
	.payload = NULL }
CMIG_EXTERN int cmig_copy_options_init(cmig_copy_options *opts, unsigned version);

/* Copy every table's rows from opts->from to opts->to in one target transaction (SPEC §9).
 * The project gives cmig's table names; nothing is written to the source. */
CMIG_EXTERN int cmig_copy(cmig_project *p, const cmig_copy_options *opts);

/* Readable name of a status code ("sql error", ...). */
CMIG_EXTERN const char *cmig_status_name(int status);

#ifdef __cplusplus
}
#endif
#endif
