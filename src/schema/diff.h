/*
 * diff.h - two schema models → the changes that take the first to the second (SPEC §8).
 *
 * Pure. The differ only decides *what* changes; write.c turns each change into SQL for a
 * dialect, and the changes' order is the order that runs (drop a view before the column it
 * reads, create a table before the foreign key that references it): sort by `phase`, then by
 * the order the differ produced them.
 *
 * Equality is "no change": column order is not compared; constraints and indexes are matched
 * by definition (a matched pair with different names is renamed on PostgreSQL only when the
 * target's name is not PostgreSQL's default one); PostgreSQL compares the server's own
 * deparsed text; SQLite compares types by affinity (as written for a rowid alias or a STRICT
 * table), constant defaults by the value SQLite would store, other expressions by tokens.
 *
 * Renames are never guessed: a table or column that disappears while another appears is
 * reported as a possible rename (CMIG_CHG_MAYBE_RENAME) unless the options say what is meant.
 *
 * Ownership: a cmig_changes points into both models (which must outlive it) and owns only its
 * own strings (an arena) and array.
 */
#ifndef CMIG_SCHEMA_DIFF_H
#define CMIG_SCHEMA_DIFF_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "buf.h"
#include "diag.h"
#include "schema.h"
#include "vec.h"

typedef enum {
	CMIG_CHG_CREATE_EXTENSION = 1, CMIG_CHG_DROP_EXTENSION,
	CMIG_CHG_CREATE_SCHEMA, CMIG_CHG_DROP_SCHEMA,
	CMIG_CHG_CREATE_ENUM, CMIG_CHG_ADD_ENUM_VALUE, CMIG_CHG_DROP_ENUM_VALUE, CMIG_CHG_DROP_ENUM,
	CMIG_CHG_CREATE_DOMAIN, CMIG_CHG_DROP_DOMAIN, CMIG_CHG_ALTER_DOMAIN,
	CMIG_CHG_CREATE_SEQUENCE, CMIG_CHG_ALTER_SEQUENCE, CMIG_CHG_DROP_SEQUENCE,
	CMIG_CHG_CREATE_FUNCTION, CMIG_CHG_REPLACE_FUNCTION, CMIG_CHG_DROP_FUNCTION,
	CMIG_CHG_CREATE_TABLE, CMIG_CHG_DROP_TABLE, CMIG_CHG_RENAME_TABLE,
	CMIG_CHG_ADD_COLUMN, CMIG_CHG_DROP_COLUMN, CMIG_CHG_RENAME_COLUMN,
	CMIG_CHG_ALTER_TYPE, CMIG_CHG_SET_DEFAULT, CMIG_CHG_DROP_DEFAULT,
	CMIG_CHG_SET_NOT_NULL, CMIG_CHG_DROP_NOT_NULL,
	CMIG_CHG_ADD_IDENTITY, CMIG_CHG_DROP_IDENTITY,
	CMIG_CHG_ALTER_IDENTITY,     /* text: " SET GENERATED … SET INCREMENT BY …" (PostgreSQL) */
	CMIG_CHG_ADD_CONSTRAINT, CMIG_CHG_DROP_CONSTRAINT, CMIG_CHG_RENAME_CONSTRAINT,
	CMIG_CHG_CREATE_INDEX, CMIG_CHG_DROP_INDEX, CMIG_CHG_RENAME_INDEX,
	CMIG_CHG_CREATE_VIEW, CMIG_CHG_DROP_VIEW,
	CMIG_CHG_CREATE_TRIGGER, CMIG_CHG_DROP_TRIGGER,
	CMIG_CHG_COMMENT,            /* COMMENT ON … IS text (text NULL: IS NULL) */
	CMIG_CHG_GRANT, CMIG_CHG_REVOKE,
	CMIG_CHG_MAYBE_RENAME,       /* not SQL: a drop and an add that could be a rename */
	CMIG_CHG_UNSUPPORTED,        /* not SQL: an uncovered object that differs */
	CMIG_CHG_NEEDS_HAND,         /* not SQL: a change no statement can make safely */
} cmig_change_kind;

enum {
	CMIG_CHGF_DROPS_DATA = 1u << 0,   /* "-- cmig: drops data" (needs --allow-drop in up) */
	CMIG_CHGF_FAILS_IF_ROWS = 1u << 1,/* "-- cmig: fails if the table has rows that …" */
	CMIG_CHGF_ENUM_VALUE = 1u << 2,   /* goes into a revision of its own (PostgreSQL) */
};

struct cmig_change {
	cmig_change_kind kind;
	int phase;                       /* execution order bucket (see diff.c) */
	unsigned flags;                  /* CMIG_CHGF_* */
	const struct cmig_sch_table *table;    /* the table acted on (target model's when it has
	                                        * one, else the source's) */
	const struct cmig_sch_table *from_table; /* the source model's version of it */
	const struct cmig_sch_column *column;  /* target's column (ADD, ALTER …) or source's (DROP) */
	const struct cmig_sch_column *from_column;
	const struct cmig_sch_constraint *cons;
	const struct cmig_sch_index *index;
	const struct cmig_sch_view *view;
	const struct cmig_sch_trigger *trigger;
	const struct cmig_sch_function *function;
	const struct cmig_sch_sequence *sequence;
	const struct cmig_sch_enum *enumtype;
	const struct cmig_sch_domain *domain;
	const struct cmig_sch_grant *grant;
	const char *schema;              /* CREATE/DROP SCHEMA, EXTENSION: the name */
	const char *name;                /* RENAME: the old name; enum value; comment target kind */
	const char *new_name;            /* RENAME: the new name */
	const char *text;                /* COMMENT: the text; FAILS_IF_ROWS: what rows fail;
	                                  * ADD_IDENTITY: its options " (START WITH 5)" or NULL;
	                                  * ALTER_IDENTITY: what follows the column's name;
	                                  * MAYBE_RENAME/NEEDS_HAND/UNSUPPORTED: the explanation */
	const char *target;              /* COMMENT: the object ("TABLE t", "COLUMN t.c");
	                                  * ADD_ENUM_VALUE without new_name: the existing value
	                                  * it goes BEFORE (NULL: appended) */
};

struct cmig_rename {
	const char *table;   /* the table as it is in the source model */
	const char *column;  /* NULL: the table is renamed */
	const char *new_name;
};

struct cmig_diff_options {
	const struct cmig_rename *renames;
	size_t nrenames;
};

struct cmig_changes {
	const struct cmig_schema *from, *to;
	CMIG_VEC(struct cmig_change) items;  /* in execution order after cmig_schema_diff */
	cmig_arena arena;
	size_t refusals;                     /* MAYBE_RENAME + NEEDS_HAND + UNSUPPORTED */
};

/* The changes from `from` to `to` (both of one dialect), sorted into execution order. Warnings
 * (an uncovered object present and equal in both) go to d. CMIG_OK or CMIG_ENOMEM. */
int cmig_schema_diff(struct cmig_changes *out, const struct cmig_schema *from,
                     const struct cmig_schema *to, const struct cmig_diff_options *o,
                     cmig_diags *d);
void cmig_changes_release(struct cmig_changes *c);

/* SQL for every change (those with SQL) in order, each statement followed by ";\n" and
 * preceded by its marks ("-- cmig: drops data", "-- cmig: fails if …"). only_flags /
 * skip_flags select changes by CMIGF flags (0: no filter). */
int cmig_changes_write(cmig_buf *out, const struct cmig_changes *c, cmig_sch_dialect dialect,
                       unsigned only_flags, unsigned skip_flags);
/* One line describing a change ("table t: column c: type integer → text"), no newline. */
int cmig_change_describe(cmig_buf *out, const struct cmig_change *c);

/* Helpers shared with dump.c: the PostgreSQL column definition. */
int cmig_schema_pg_column(cmig_buf *out, const struct cmig_schema *s,
                          const struct cmig_sch_table *t, const struct cmig_sch_column *c);

#endif
