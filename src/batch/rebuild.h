/*
 * rebuild.h - batch mode's planner (SPEC §6): parsed ALTER TABLE statements plus a schema
 * lookup in, the statements that carry them out on SQLite out. Collect → decide → edit the
 * model → emit (Alembic's batch.py order), with the native-or-rebuild decision in one
 * function, cmig_rebuild_decide().
 *
 * Pure: it never sees a connection. The caller answers the schema lookup (the live backend
 * from sqlite_schema, offline mode from the replayed in-memory database), runs the steps,
 * and runs the probes when the row copy fails, to name the constraint and the row.
 *
 * A rebuild follows sqlite.org/lang_altertable.html §7 ("Making Other Kinds Of Table Schema
 * Changes"), foreign keys being off for the whole section (the caller's job):
 *   1. CREATE TABLE "_cmig_new_<t>" from the edited model (the user's own text elsewhere)
 *   2. INSERT INTO it SELECT … FROM t: one copy of the rows, rowids kept, USING applied
 *   3. the AUTOINCREMENT counter copied into sqlite_sequence (INSERT…SELECT would reset it)
 *   4. views and other tables' triggers that mention t dropped (SQLite 3.40's RENAME checks
 *      the whole schema: "error in view v: no such table: main.t")
 *   5. DROP TABLE t; ALTER TABLE "_cmig_new_<t>" RENAME TO t
 *   6. t's indexes, t's triggers, the dropped views and triggers recreated from their own
 *      sql; every recreated view probed (SELECT … LIMIT 0), since CREATE VIEW checks nothing
 */
#ifndef CMIG_BATCH_REBUILD_H
#define CMIG_BATCH_REBUILD_H

#include <stdbool.h>
#include <stddef.h>

#include "alter.h"
#include "buf.h"
#include "diag.h"

/* One row of sqlite_schema (main database). sql is NULL for automatic indexes. */
struct cmig_schema_obj {
	const char *type;      /* "table", "index", "view", "trigger" */
	const char *name;
	const char *tbl_name;
	const char *sql;
};

/* The schema, in sqlite_schema's rowid order (creation order). Borrowed. */
struct cmig_schema {
	const struct cmig_schema_obj *objs;
	size_t n;
};

/* The lookup the caller provides: fill *out with the current schema. Strings stay valid until
 * the next call. Returns CMIG_OK or an error already reported to d. */
typedef int (*cmig_schema_lookup_fn)(struct cmig_schema *out, void *payload, cmig_diags *d);

typedef enum {
	CMIG_BATCH_NATIVE = 0,      /* RENAME TABLE / RENAME COLUMN: SQLite runs it */
	CMIG_BATCH_TRY_NATIVE,      /* ADD/DROP COLUMN only: try SQLite's own form under a
	                             * savepoint, rebuild when SQLite refuses it */
	CMIG_BATCH_REBUILD,         /* anything else: rebuild the table */
} cmig_batch_mode;

/* The one native-or-rebuild decision, for a group of consecutive ALTER TABLE statements on
 * one table (n >= 1; a rename is always a group of its own). */
cmig_batch_mode cmig_rebuild_decide(const struct cmig_alter *const *alters, size_t n);

/* Where the statements came from, for diagnostics. */
struct cmig_rebuild_where {
	const char *path;
	unsigned line;             /* of the first statement of the group */
};

/* SPEC §6: whether running ALTER a natively would change the derived name of an existing
 * unnamed constraint (a native ADD COLUMN stores its constraint before the table constraints,
 * PostgreSQL names in creation order); then a rebuild, which writes the names, must run:
 * *renames_out says so; CMIG_ENOMEM when memory ran out (the answer is unknown, and a guess
 * would build another table than a clean run), CMIG_OK otherwise. */
int cmig_rebuild_native_renames(bool *renames_out, const struct cmig_alter *a, const struct cmig_schema *s);

/* SQLite's native spelling of a NATIVE or TRY_NATIVE statement (one or more statements, each
 * ending in ";\n"); nothing when IF [NOT] EXISTS makes it a no-op. */
int cmig_rebuild_native(cmig_buf *out, const struct cmig_alter *a, const struct cmig_schema *s,
                        const struct cmig_rebuild_where *w, cmig_diags *d);

typedef enum {
	CMIG_STEP_EXEC = 0,        /* run it */
	CMIG_STEP_COPY,            /* the row copy: run it (the caller may add a WHERE for
	                            * progress); on failure run the probes */
	CMIG_STEP_VERIFY,          /* prepare it only; failure: `what` explains */
} cmig_step_kind;

struct cmig_rebuild_step {
	cmig_step_kind kind;
	char *sql;                 /* one statement, no ';' */
	char *what;                /* VERIFY: the message prefix ("view \"v\" …"), else NULL */
};

/* A query that returns a row when existing data breaks the new definition: column 0 is the
 * offending row's identity (rowid, or the key of a WITHOUT ROWID table). */
struct cmig_rebuild_probe {
	char *sql;
	char *message;             /* "table \"t\": existing rows violate …" */
};

struct cmig_rebuild_plan {
	char *table;               /* the table rebuilt */
	char *tmp;                 /* its temporary name */
	bool noop;                 /* every action was a no-op (IF [NOT] EXISTS): no steps */
	struct cmig_rebuild_step *steps;
	size_t nsteps;
	struct cmig_rebuild_probe *probes;
	size_t nprobes;
	char *count_sql;           /* SELECT count(*) FROM t: total rows, for progress */
	const char *identity;      /* how probes name a row: "rowid" or "key" */
};

/* Plan the rebuild of the table named by alters[0] that applies every action of alters[0..n)
 * in order. Errors (unknown column, a DROP CONSTRAINT that matches nothing, a trigger that
 * uses a dropped column, …) name w->path:w->line and the table. *out is yours:
 * cmig_rebuild_plan_release(). */
int cmig_rebuild_plan_make(struct cmig_rebuild_plan *out, const struct cmig_alter *const *alters,
                           size_t n, const struct cmig_schema *s,
                           const struct cmig_rebuild_where *w, cmig_diags *d);
void cmig_rebuild_plan_release(struct cmig_rebuild_plan *p);

/* Every step's sql, each followed by ";\n" (for --sql and the data-driven tests). */
int cmig_rebuild_plan_print(cmig_buf *out, const struct cmig_rebuild_plan *p);

#endif
