/*
 * migrate.h - the migration loop and the other commands that talk to a database.
 *
 *   open backend -> lock -> read version -> validate (db-unknown, db-skipped) -> plan
 *   -> per step { prepare, begin, re-read version, run section, write version + history,
 *      commit } -> unlock
 *
 * The plan made before the loop only validates (every refusal happens before anything
 * changes); each step is re-derived from the version row read inside its own transaction,
 * so a concurrent run that got there first is never repeated.
 */
#ifndef CMIG_RUNTIME_MIGRATE_H
#define CMIG_RUNTIME_MIGRATE_H

#include <stddef.h>

#include "backend.h"
#include "config.h"
#include "dburl.h"
#include "scriptdir.h"
#include "cmig/cmig.h"

/* What the loop needs of an opened project (all borrowed). */
struct cmig_runtime {
	const struct cmig_config *config;
	const struct cmig_scriptdir *scripts;
	const cmig_dburl *url;
	cmig_run_result *result;       /* the caller's, to fill in, or NULL */
	bool write_dump_file;   /* a single-database command: rewrite config->dump_file after a
	                         * run that changed the database (SPEC §8; never for §11 fleets) */
};

/* The backend settings of a run: cmig's table names and foreign-key rule from the config,
 * lock timeout, --wait and the callbacks from o. */
void cmig_migrate_settings(struct cmig_backend_settings *s, const struct cmig_runtime *rt,
                           const cmig_run_options *o, bool readonly);

/* Fill r (when not NULL) with copies of before and after, and steps. */
void cmig_migrate_result(cmig_run_result *r, const char *before, const char *after, size_t steps);

/* Upgrade (direction CMIG_UP) or downgrade per opts (target, offline, check_only...). */
int cmig_migrate_run(const struct cmig_runtime *rt, const cmig_run_options *opts,
                     int direction, size_t *pending_out, cmig_diags *d);
int cmig_migrate_stamp(const struct cmig_runtime *rt, const cmig_run_options *opts,
                       cmig_diags *d);
/* *out NULL at base, else malloc'd. Never creates a database. */
int cmig_migrate_current(char **out, const struct cmig_runtime *rt, const cmig_run_options *opts,
                         cmig_diags *d);
int cmig_migrate_status(char **current_out, const struct cmig_runtime *rt,
                        const cmig_run_options *opts, cmig_status_cb cb, cmig_diags *d);

#endif
