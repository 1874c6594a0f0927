/*
 * dbstate.h - what a database's version row and history say about the chain: which
 * revisions count as applied, when, and whether by a stamp (SPEC §4, §7). Shared by
 * `upgrade` (its db-unknown / db-skipped / db-reordered refusals), `status` and `check`.
 */
#ifndef CMIG_RUNTIME_DBSTATE_H
#define CMIG_RUNTIME_DBSTATE_H

#include <stdbool.h>
#include <stddef.h>

#include "backend.h"
#include "chain.h"

struct cmig_dbrev {
	long long up_id;          /* id of the latest `up` row for it, 0 if none */
	char up_at[32];           /* its applied_at (cmig writes 20 characters) */
	long long stamp_id;       /* id of the latest stamp row at it or a later revision */
	char stamp_at[32];
	long long rehash_id;      /* latest `rehash` row */
	char checksum[65];        /* checksum of the latest `up` or `rehash` row, "" if none */
	long long updown_id;      /* id of the latest `up` or `down` row for it, 0 if none */
	bool updown_up;           /* that row is `up` */
	bool applied;             /* SPEC §7's fold of the history in id order: up applies, down
	                           * un-applies, a stamp at T applies T and its ancestors and
	                           * un-applies every revision after T */
};

/* current_pos when the version row names a revision no file declares (db-unknown) */
#define CMIG_DBSTATE_POS_UNKNOWN (-2L)

struct cmig_dbstate {
	char *current;            /* version row, NULL = base */
	long current_pos;         /* position in the chain, CMIG_POS_BASE, or
	                           * CMIG_DBSTATE_POS_UNKNOWN */
	struct cmig_dbrev *revs;  /* one per chain position (chain->n) */
	size_t n;
	char **missing;           /* history revisions not in the files (db-missing), unique */
	size_t nmissing;
	size_t history_rows;
	long long stamp_id;       /* the latest stamp row at a revision in the files or base, 0 */
	long stamp_pos;           /* its position (CMIG_POS_BASE for base) */
};

/* Read the version row and the whole history through be (outside or inside a transaction). */
int cmig_dbstate_load(struct cmig_dbstate *out, struct cmig_backend *be,
                      const struct cmig_chain *chain, cmig_diags *d);
/* The two halves of cmig_dbstate_load: the version row alone (out is reset), then the
 * history onto it. A no-op upgrade needs only the first. */
int cmig_dbstate_load_version(struct cmig_dbstate *out, struct cmig_backend *be,
                              const struct cmig_chain *chain, cmig_diags *d);
int cmig_dbstate_load_history(struct cmig_dbstate *out, struct cmig_backend *be,
                              const struct cmig_chain *chain, cmig_diags *d);
void cmig_dbstate_release(struct cmig_dbstate *s);
/* The first position < current_pos whose revision was never applied (db-skipped), or -1. */
long cmig_dbstate_first_skipped(const struct cmig_dbstate *s);
/* The first position > current_pos that the history says is applied (db-reordered), or -1;
 * -1 when the current revision is not in the files. */
long cmig_dbstate_first_reordered(const struct cmig_dbstate *s);
/* The last position the history says is applied, or -1: what `cmig stamp` should record. */
long cmig_dbstate_last_applied(const struct cmig_dbstate *s);
/* The database is at a revision no file declares (SPEC §7 db-unknown). */
bool cmig_dbstate_unknown(const struct cmig_dbstate *s);
/* How many revisions follow the current one (what `upgrade head` would run); 0 when the
 * database is at a revision no file declares, which has nothing that could be counted. */
size_t cmig_dbstate_pending(const struct cmig_dbstate *s, const struct cmig_chain *c);
/* The one text of each §7 database problem, reported as an error with `code`; `hint` adds what
 * to do (the refusals of upgrade give it, check's listing does not). */
int cmig_dbstate_report_unknown(const char *current, int code, bool hint, cmig_diags *d);
int cmig_dbstate_report_skipped(const struct cmig_dbstate *s, const struct cmig_chain *c, long k,
                                bool hint, cmig_diags *d);
/* Every db-skipped revision (each one never applied before the current one), and every
 * db-reordered one: what check and status list, reported but not refused. */
void cmig_dbstate_report_order(const struct cmig_dbstate *s, const struct cmig_chain *c,
                               cmig_diags *d);
/* Every db-missing revision (in the history, in no file). */
void cmig_dbstate_report_missing(const struct cmig_dbstate *s, cmig_diags *d);
/* Report db-reordered revision k (error) into d, with the hint naming the `cmig stamp`. */
int cmig_dbstate_report_reordered(const struct cmig_dbstate *s, const struct cmig_chain *c, long k,
                                  cmig_diags *d);

#endif
