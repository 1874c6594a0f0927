/*
 * check_lint.h - `check --lint` wiring (SPEC §10): the project's settings and the command's
 * flags -> model/lint.c's options, then the lint walk over the chain.
 */
#ifndef CMIG_RUNTIME_CHECK_LINT_H
#define CMIG_RUNTIME_CHECK_LINT_H

#include "migrate.h"

/* dialect: "sqlite" | "postgresql" | NULL; since: a TARGET naming a revision, or NULL.
 * A `since` that names no revision is an error (CMIG_ENOTFOUND / CMIG_EAMBIGUOUS) reported
 * before any finding; a bad dialect is CMIG_EUSAGE. */
int cmig_check_lint(const struct cmig_runtime *rt, unsigned flags, const char *dialect,
                    const char *since, cmig_diags *d);

#endif
