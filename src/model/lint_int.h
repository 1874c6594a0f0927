/*
 * lint_int.h - what lint.c (the walk, ignores, reporting), lint_rules.c (one statement's
 * rules) and lint_replay.c (the chain's table model) share. Not part of lint.h's contract.
 *
 * A statement is seen as its significant tokens (no spaces, no comments): a keyword inside a
 * string, a quoted identifier, a comment or a dollar quote is one token of another kind, so
 * no rule can mistake it for a keyword. Names are normalized as PostgreSQL does: a bare word
 * folded to lower case, a quoted identifier taken as written; a schema qualifier is dropped.
 */
#ifndef CMIG_MODEL_LINT_INT_H
#define CMIG_MODEL_LINT_INT_H

/* Defined for model/lint.c and model/lint_*.c alone (src/CMakeLists.txt). */
#ifndef CMIG_PRIVATE_LINT
#error "lint_int.h is private to model/lint*.c: use the layer's public header instead"
#endif

#include <stdbool.h>
#include <stddef.h>

#include "lint.h"
#include "sqllex.h"
#include "strmap.h"

#define LINT_NAME_MAX 128   /* longer names are cut; PostgreSQL cuts at 63 bytes anyway */

struct lint_stmt {
	const char *text;       /* the whole file */
	const cmig_token *t;    /* significant tokens of the statement */
	size_t n;
	unsigned line;          /* first line */
};

/* Tables the chain has created so far (lint_replay.c). */
struct lint_model {
	cmig_strmap tables;     /* normalized name -> struct lint_table * */
	struct lint_table **all;
	size_t nall, capall;
};

/* The per-section state of the rules. */
struct lint_section {
	const struct cmig_revfile *r;
	const cmig_section *sec;
	cmig_dialect_kind dialect;      /* linted for this dialect */
	bool pg;                        /* dialect is PostgreSQL */
	bool also_sqlite;               /* an unmarked section that runs on SQLite too */
	bool down;
	bool report;                    /* false: replay only (before --since) */
	const struct cmig_lint_options *o;
	struct lint_model *model;       /* NULL when not replaying (SQLite, or a down section) */
	char (*created)[LINT_NAME_MAX]; /* tables and indexes created earlier in this section */
	size_t ncreated, capcreated;
	bool lock_timeout;              /* a SET lock_timeout ran earlier in this section */
	bool lock_timeout_reported;
	/* findings, reported through lint.c: 1 when reported, 0 when silenced or not reported */
	int (*emit)(struct lint_section *s, const struct lint_stmt *st, const char *code,
	            const char *hint, const char *fmt, ...) __attribute__((format(printf, 5, 6)));
	void *payload;
};

/* Token helpers. */
bool lint_kw(const struct lint_stmt *st, size_t i, const char *kw);
bool lint_punct(const struct lint_stmt *st, size_t i, char c);
/* IF EXISTS / IF NOT EXISTS at *i: true and *i moved past it, else false and *i kept. */
bool lint_if_exists(const struct lint_stmt *st, size_t *i);
bool lint_if_not_exists(const struct lint_stmt *st, size_t *i);
/* Index just past the parenthesized group opening at i (st->n when unclosed). */
size_t lint_skip_parens(const struct lint_stmt *st, size_t i);
/* A possibly qualified name at *i: its last part, normalized, into out; *i moves past it.
 * false when there is no name token there. */
bool lint_name(const struct lint_stmt *st, size_t *i, char out[LINT_NAME_MAX]);
/* The normalized form of one token (a name part). */
void lint_token_name(const struct lint_stmt *st, size_t i, char out[LINT_NAME_MAX]);

/* Section bookkeeping (lint_rules.c). */
bool lint_is_created(const struct lint_section *s, const char *name);
int lint_add_created(struct lint_section *s, const char *name);

/* Run every rule on one statement; CMIG_OK or CMIG_ENOMEM. */
int lint_statement(struct lint_section *s, const struct lint_stmt *st);

/* The chain's table model (lint_replay.c). */
void lint_model_release(struct lint_model *m);
/* Apply one statement of a PostgreSQL up section to the model. */
int lint_model_apply(struct lint_model *m, const struct lint_stmt *st);
/* The column's type as the chain left it ("" when declared without one), or NULL when the
 * table or column is unknown. */
const char *lint_model_type(const struct lint_model *m, const char *table, const char *column);
/* Whether a CHECK (column IS NOT NULL) on the table was added and validated. */
bool lint_model_not_null_checked(const struct lint_model *m, const char *table,
                                 const char *column);
/* Whether the column is declared NOT NULL (or in the primary key) already. */
bool lint_model_is_not_null(const struct lint_model *m, const char *table, const char *column);

#endif
