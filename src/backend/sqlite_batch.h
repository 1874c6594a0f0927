/*
 * sqlite_batch.h - where the SQLite backend hands ALTER TABLE statements to batch mode
 * (SPEC §6). The planner itself is pure (src/batch/); this file connects it to a live
 * connection: it answers the planner's schema lookups from sqlite_schema and runs the
 * statements the planner returns.
 */
#ifndef CMIG_BACKEND_SQLITE_BATCH_H
#define CMIG_BACKEND_SQLITE_BATCH_H

#include <stdbool.h>
#include <stddef.h>

#include "sqlite_int.h"

/* Whether the section holds an ALTER TABLE that may need a rebuild: then foreign-key
 * enforcement is off for the whole section (SQLite cannot switch it inside a transaction). */
bool cmig_sqlite_batch_needs_fk_off(const struct cmig_exec_section *s);

/* Optional, before the first statement of a section that runs with foreign keys off (inside
 * the transaction): remember the foreign-key violations already in the database and report
 * them as warnings, so that cmig_sqlite_batch_finish() blames the migration only for new
 * ones (SPEC §6). Idempotent within a section. When the runner does not call it, the first
 * rebuild of the section takes the baseline instead (statements before it are then counted
 * as "already there"). */
int cmig_sqlite_batch_begin(struct sqlite_backend *be, const struct cmig_exec_section *s,
                            cmig_diags *d);

/* Run the ALTER TABLE at s->sec->stmts.items[*i] — natively, or as a rebuild that folds the
 * consecutive ALTER TABLE statements on the same table — and advance *i past every statement
 * it consumed. When `script` is non-NULL the statements run are also appended to it (offline
 * --sql on the shadow database). */
int cmig_sqlite_batch_alter(struct sqlite_backend *be, const struct cmig_exec_section *s,
                            size_t *i, cmig_buf *script, cmig_diags *d);

/* After a section that ran with foreign keys off: PRAGMA foreign_key_check, failing on any
 * violation not present before (call inside the transaction, before commit). */
int cmig_sqlite_batch_finish(struct sqlite_backend *be, const struct cmig_exec_section *s,
                             cmig_diags *d);

#endif
