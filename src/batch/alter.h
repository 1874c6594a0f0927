/*
 * alter.h - ALTER TABLE in PostgreSQL syntax -> a list of actions (SPEC §6).
 *
 * Accepted:
 *   ALTER TABLE [IF EXISTS] [ONLY] [schema.]name [*] action [, action …]
 *   ALTER TABLE [IF EXISTS] [ONLY] name RENAME [COLUMN] a TO b
 *   ALTER TABLE [IF EXISTS] name RENAME TO new_name
 * with actions
 *   ADD [COLUMN] [IF NOT EXISTS] column_definition
 *   DROP [COLUMN] [IF EXISTS] c [RESTRICT | CASCADE]
 *   ALTER [COLUMN] c [SET DATA] TYPE t [COLLATE x] [USING expr]
 *   ALTER [COLUMN] c SET NOT NULL | DROP NOT NULL | SET DEFAULT expr | DROP DEFAULT
 *   ADD [CONSTRAINT n] UNIQUE (…) | CHECK (…) | PRIMARY KEY (…) | FOREIGN KEY (…) REFERENCES …
 *       [NOT VALID]
 *   DROP CONSTRAINT [IF EXISTS] n [RESTRICT | CASCADE]
 * Anything else is an error naming the statement's line and what was found.
 *
 * Pure: the text stays the caller's; every string in the result is a new copy owned by the
 * result. Names are unquoted ("My Col" -> My Col) and kept as written otherwise; SQL
 * fragments (types, expressions, definitions) are kept exactly as the user wrote them.
 */
#ifndef CMIG_BATCH_ALTER_H
#define CMIG_BATCH_ALTER_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "diag.h"

typedef enum {
	CMIG_ALTER_ADD_COLUMN = 1,
	CMIG_ALTER_DROP_COLUMN,
	CMIG_ALTER_TYPE,
	CMIG_ALTER_SET_NOT_NULL,
	CMIG_ALTER_DROP_NOT_NULL,
	CMIG_ALTER_SET_DEFAULT,
	CMIG_ALTER_DROP_DEFAULT,
	CMIG_ALTER_ADD_CONSTRAINT,
	CMIG_ALTER_DROP_CONSTRAINT,
	CMIG_ALTER_RENAME_TABLE,
	CMIG_ALTER_RENAME_COLUMN,
} cmig_alter_kind;

struct cmig_alter_action {
	cmig_alter_kind kind;
	char *column;        /* the column acted on (ADD COLUMN: the new column's name), else NULL */
	bool column_quoted;  /* the column name was a quoted identifier */
	char *name;          /* RENAME: the new name; ADD/DROP CONSTRAINT: the constraint's name
	                      * (NULL for an unnamed ADD CONSTRAINT) */
	char *text;          /* ADD COLUMN: the column definition as written ("c INT NOT NULL");
	                      * TYPE: the type; SET DEFAULT: the expression; ADD CONSTRAINT: the
	                      * constraint as written, from CONSTRAINT (when named) on, NOT VALID
	                      * removed; else NULL */
	char *collate;       /* TYPE … COLLATE x: x as written, else NULL */
	char *using_expr;    /* TYPE … USING expr, else NULL */
	bool if_exists;      /* DROP [COLUMN|CONSTRAINT] IF EXISTS */
	bool if_not_exists;  /* ADD [COLUMN] IF NOT EXISTS */
	bool cascade;        /* … CASCADE */
	size_t start, end;   /* the action's span in the statement's text */
};

struct cmig_alter {
	char *schema;        /* schema qualifier as written (unquoted), NULL when none */
	char *table;         /* the table (unquoted) */
	bool if_exists;      /* ALTER TABLE IF EXISTS */
	bool only;           /* ONLY (meaningless on SQLite; accepted) */
	struct cmig_alter_action *actions;
	size_t nactions;
	size_t start, end;   /* the statement's span */
};

/* Parse the ALTER TABLE statement text[start, end). path and line (of `start`) only serve
 * the diagnostics. On success *out holds the result (release with cmig_alter_release());
 * on failure it is empty and an error naming path:line went to d. CMIG_OK, CMIG_ERROR,
 * CMIG_ENOMEM. */
int cmig_alter_parse(struct cmig_alter *out, const char *text, size_t start, size_t end,
                     const char *path, unsigned line, cmig_diags *d);
void cmig_alter_release(struct cmig_alter *a);

/* Whether the statement is only a RENAME (table or column): SQLite always runs it natively. */
bool cmig_alter_is_rename(const struct cmig_alter *a);

/* The action kind's name as in tests/data/alter ("add-column", "alter-type", …). */
const char *cmig_alter_kind_name(cmig_alter_kind k);
/* A canonical one-line-per-action description, for tests and --verbose. */
int cmig_alter_describe(cmig_buf *out, const struct cmig_alter *a);

#endif
