/*
 * lint.h - `cmig check --lint` (SPEC §10): statements that are correct SQL but risky on a
 * live production database, found in the files alone with cmig's own tokenizer.
 *
 * Pure: parsed revision files in, warnings out (one §7 diagnostic per finding, its kind the
 * rule's code, its line the statement's first line, its hint the safe form). The chain is
 * walked oldest first; every revision's PostgreSQL up section is replayed through the batch
 * table model (batch/table.c) so `lint-type-change` knows old column types and
 * `lint-set-not-null` knows validated CHECK (c IS NOT NULL) constraints, also for revisions
 * before --since, which are replayed but not reported.
 */
#ifndef CMIG_MODEL_LINT_H
#define CMIG_MODEL_LINT_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "revfile.h"

/* Dialect bits for cmig_lint_options.dialects. */
#define CMIG_LINT_SQLITE (1u << CMIG_DIALECT_SQLITE)
#define CMIG_LINT_POSTGRESQL (1u << CMIG_DIALECT_POSTGRESQL)

struct cmig_lint_options {
	unsigned dialects;        /* CMIG_LINT_*: the dialects unmarked sections run on */
	cmig_dialect_kind only;   /* --dialect: lint for this dialect alone; ANY = no narrowing */
	unsigned pg_version;      /* postgresql_version: the major version rules assume */
	bool lock_timeout_set;    /* pg_lock_timeout configured: lint-lock-timeout is satisfied */
	bool lint_down;           /* lint down sections too (without lint-drop) */
	long since;               /* report only revisions after this chain index; -1: all */
};

/* One rule: its code, the short description and the help text SARIF lists. */
struct cmig_lint_rule {
	const char *code;
	const char *summary;
	const char *help;
};

/* The rules, in SPEC §10's table order; *n_out is their count. */
const struct cmig_lint_rule *cmig_lint_rules(size_t *n_out);
/* Whether code is a lint rule's code. */
bool cmig_lint_is_code(const char *code, size_t len);

/* Lint revs[0..n) (the chain, oldest first) into d. Returns CMIG_OK or CMIG_ENOMEM. */
int cmig_lint_chain(const struct cmig_revfile *const *revs, size_t n,
                    const struct cmig_lint_options *o, cmig_diags *d);

#endif
