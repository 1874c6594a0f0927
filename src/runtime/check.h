/*
 * check.h - the checks of `cmig check` that need the chain and the database (SPEC §7).
 */
#ifndef CMIG_RUNTIME_CHECK_H
#define CMIG_RUNTIME_CHECK_H

#include <stdbool.h>

#include "migrate.h"

/* Report missing dialect sections and, when with_database, db-unknown, db-missing,
 * db-skipped and drift into d. The chain must be linear. Returns CMIG_ERROR when d holds
 * an error. */
int cmig_check_run(const struct cmig_runtime *rt, bool with_database, void *payload,
                   cmig_diags *d);

/* The database half alone (SPEC §11 runs it once per database after one file check):
 * o's lock_timeout, wait, payload and result are used. */
void cmig_check_database(const struct cmig_runtime *rt, const cmig_run_options *o, cmig_diags *d);

#endif
