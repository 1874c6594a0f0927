/*
 * table.h - a CREATE TABLE statement as a model batch mode can edit and print back (SPEC §6).
 *
 * The model is built from the table's own `sql` in sqlite_schema, never from PRAGMA output,
 * so what the user wrote survives a rebuild: each column and table constraint keeps its exact
 * text, and the spaces and comments around it. Only what an edit touches is printed anew: an
 * edited column is printed from its parts (name as written, type, constraints as written,
 * one space apart); an added element takes the indentation of the last one.
 *
 * Ownership: a cmig_table owns every string in it (malloc); release with
 * cmig_table_release(). Element arrays may move on any edit: keep indexes, not pointers.
 */
#ifndef CMIG_BATCH_TABLE_H
#define CMIG_BATCH_TABLE_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "diag.h"

typedef enum {
	CMIG_CONS_PRIMARY = 1,  /* PRIMARY KEY */
	CMIG_CONS_UNIQUE,       /* UNIQUE */
	CMIG_CONS_CHECK,        /* CHECK (expr) */
	CMIG_CONS_FOREIGN,      /* REFERENCES … (column) / FOREIGN KEY (…) REFERENCES … (table) */
	CMIG_CONS_NOT_NULL,     /* NOT NULL */
	CMIG_CONS_NULL,         /* NULL (SQLite accepts and ignores it) */
	CMIG_CONS_DEFAULT,      /* DEFAULT value */
	CMIG_CONS_COLLATE,      /* COLLATE name */
	CMIG_CONS_GENERATED,    /* [GENERATED ALWAYS] AS (expr) [STORED|VIRTUAL] */
} cmig_cons_kind;

struct cmig_cons {
	cmig_cons_kind kind;
	char *name;             /* CONSTRAINT name (unquoted), NULL when unnamed */
	char *text;             /* the constraint as written, "CONSTRAINT name" included */
	char *body;             /* CHECK/GENERATED: the expression inside the parentheses;
	                         * DEFAULT: the value as written; COLLATE: the collation name;
	                         * FOREIGN: from REFERENCES to the end; else NULL */
	char **cols;            /* table constraints PRIMARY/UNIQUE/FOREIGN: the columns
	                         * (unquoted); column constraints: the column itself */
	size_t ncols;
	bool autoincrement;     /* PRIMARY KEY … AUTOINCREMENT */
	bool desc;              /* column PRIMARY KEY DESC (no rowid alias: SQLite's quirk) */
	bool stored;            /* GENERATED … STORED */
	char *lead;             /* table constraints: spaces/comments before it; else NULL */
	char *after;            /* table constraints: spaces/comments after it, before the ',' */
	char *pgname;           /* batch rebuild: the PostgreSQL name an unnamed constraint had
	                         * before the rebuild's first edit (rebuild_names.c), else NULL */
};

struct cmig_column {
	char *name;             /* unquoted */
	bool quoted;            /* written as a quoted identifier */
	char *name_text;        /* the name as written */
	char *type;             /* the type as written, "" when none */
	struct cmig_cons *cons; /* column constraints in written order */
	size_t ncons;
	char *text;             /* the whole definition as written */
	char *lead, *after;     /* spaces/comments before it and after it (before the ',') */
	bool dirty;             /* edited: printed from its parts */
};

struct cmig_table {
	char *name;             /* unquoted */
	bool name_quoted;
	char *name_text;        /* the name as written */
	char *schema;           /* schema qualifier as written (unquoted), NULL when none */
	struct cmig_column *cols;
	size_t ncols;
	struct cmig_cons *tcons;/* table constraints */
	size_t ntcons;
	char *between;          /* text between the name and '(' as written */
	char *trail;            /* spaces/comments between the last element and ')' */
	char *options;          /* everything after ')' as written ("" or " WITHOUT ROWID, STRICT") */
	bool without_rowid, strict;
};

/* Parse a CREATE TABLE statement (as stored in sqlite_schema). An error names the table when
 * it can. CMIG_OK, CMIG_ERROR (not a CREATE TABLE with a column list), CMIG_ENOMEM. */
int cmig_table_parse(struct cmig_table *out, const char *sql, cmig_diags *d);
void cmig_table_release(struct cmig_table *t);

/* Print "CREATE TABLE <name> (…)<options>". name NULL: the name as it was written (without
 * schema); else name, double-quoted. */
int cmig_table_print(cmig_buf *out, const struct cmig_table *t, const char *name);

/* Parse one column definition ("c INT NOT NULL DEFAULT 0") / one table constraint
 * ("CONSTRAINT n UNIQUE (a, b)") on its own, for ADD COLUMN / ADD CONSTRAINT. */
int cmig_table_parse_column(struct cmig_column *out, const char *text, cmig_diags *d);
int cmig_table_parse_constraint(struct cmig_cons *out, const char *text, cmig_diags *d);
void cmig_column_release(struct cmig_column *c);
void cmig_cons_release(struct cmig_cons *c);

/* The index of the column called name (SQLite's case-insensitive match), or -1. */
long cmig_table_column(const struct cmig_table *t, const char *name);
/* The column that aliases the rowid (an INTEGER PRIMARY KEY of a rowid table), or -1. */
long cmig_table_rowid_alias(const struct cmig_table *t);
/* The primary key's columns (column or table constraint): *out borrowed, count returned
 * (0: none). */
size_t cmig_table_primary_key(const struct cmig_table *t, char *const **out);

/* The parent of a REFERENCES clause ("REFERENCES p (a, b) ON DELETE …", a FOREIGN cons's
 * body): *table_out the parent table (unquoted), *cols_out its columns (none: the parent's
 * primary key). Both yours (free each column, then the array). CMIG_OK, CMIG_ERROR when body
 * is not a REFERENCES clause, CMIG_ENOMEM. */
int cmig_table_references(char **table_out, char ***cols_out, size_t *n_out, const char *body);

/* Whether a column has a constraint of that kind; the first one's index or -1. */
long cmig_column_find(const struct cmig_column *c, cmig_cons_kind kind);
bool cmig_column_generated(const struct cmig_column *c);

/* Edits. Each keeps the model printable; ownership of moved-in structs passes to the table
 * (also on failure, when they are released). */
int cmig_table_add_column(struct cmig_table *t, struct cmig_column *c);
void cmig_table_drop_column(struct cmig_table *t, size_t i);
int cmig_table_add_constraint(struct cmig_table *t, struct cmig_cons *c);
void cmig_table_drop_constraint(struct cmig_table *t, size_t i);
/* Column edits (mark the column dirty). */
int cmig_column_set_type(struct cmig_column *c, const char *type);
/* Remove every constraint of that kind; returns how many. */
size_t cmig_column_remove(struct cmig_column *c, cmig_cons_kind kind);
void cmig_column_remove_at(struct cmig_column *c, size_t i);
/* Append a constraint parsed from text ("NOT NULL", "DEFAULT 0", "COLLATE nocase"). */
int cmig_column_add(struct cmig_column *c, const char *text, cmig_diags *d);

#endif
