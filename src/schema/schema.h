/*
 * schema.h - the schema model of SPEC §8: one picture of a database that dump, diff,
 * revision --autogenerate, check --schema and copy (SPEC §9) all share.
 *
 * Pure: no I/O. The readers that fill it live in backend/ (sqlite_schema.c,
 * postgresql_schema.c) behind the seam's `schema_read` op; nothing else queries a catalog.
 *
 * Ownership: a cmig_schema owns everything in it. Every string lives in its arena (so a
 * `const char *` taken from it is valid until cmig_schema_free()); every array is one of its
 * CMIG_VECs. Readers build it with the cmig_schema_* helpers below; users only read it.
 *
 * Names are stored unquoted, exactly as the catalog holds them. `schema` fields are NULL on
 * SQLite (one schema, "main") and always set on PostgreSQL. Arrays are in catalog order:
 * tables by name, columns by position, constraints by name, so two reads of one database
 * give identical models.
 *
 * What each field means is written beside it; "SQLite:"/"PG:" marks a field only one reader
 * fills (the other leaves it 0/NULL).
 */
#ifndef CMIG_SCHEMA_SCHEMA_H
#define CMIG_SCHEMA_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "buf.h"
#include "vec.h"

typedef CMIG_VEC(const char *) cmig_sch_names;

/* SQLite column affinity (SQLite's rules on the declared type, §3.1 of its datatype page). */
typedef enum {
	CMIG_AFF_NONE = 0,   /* PG, or not computed */
	CMIG_AFF_INTEGER,
	CMIG_AFF_TEXT,
	CMIG_AFF_BLOB,       /* no declared type, or one containing BLOB */
	CMIG_AFF_REAL,
	CMIG_AFF_NUMERIC,
} cmig_affinity;

struct cmig_sch_column {
	const char *name;
	const char *type;          /* PG: format_type(atttypid, atttypmod) ("character varying(20)",
	                            * "integer[]"); SQLite: the declared type as written ("" none) */
	const char *decl_type;     /* the type as the user wrote it: SQLite the CREATE TABLE text's;
	                            * PG equal to type (the catalog keeps no other) */
	const char *type_schema;   /* PG: the type's schema when not pg_catalog (enums, domains) */
	cmig_affinity affinity;    /* SQLite: affinity of decl_type; PG: CMIG_AFF_NONE */
	const char *default_expr;  /* DEFAULT: PG pg_get_expr(adbin); SQLite the text as written;
	                            * NULL when none. Identity columns have none. */
	const char *collation;     /* COLLATE name when not the type's default, else NULL */
	const char *generated;     /* GENERATED ALWAYS AS (expr): the expression, else NULL */
	bool generated_stored;     /* STORED (PG generated columns always are) */
	bool not_null;             /* NOT NULL (a PRIMARY KEY column on PG is always NOT NULL) */
	char identity;             /* PG: 'a' GENERATED ALWAYS AS IDENTITY, 'd' BY DEFAULT, 0 none */
	bool hidden;               /* SQLite: a hidden column of a virtual table */
	bool rowid_alias;          /* SQLite: the INTEGER PRIMARY KEY of a rowid table */
	int position;              /* 1-based, database order (PG attnum order, dropped skipped) */
	int pk_position;           /* 0 not in the primary key, else its 1-based place in it */
};

typedef enum {
	CMIG_SCH_PRIMARY = 'p',
	CMIG_SCH_UNIQUE = 'u',
	CMIG_SCH_CHECK = 'c',
	CMIG_SCH_FOREIGN = 'f',
	CMIG_SCH_EXCLUDE = 'x',    /* PG EXCLUDE: read so that dump can fail naming it */
} cmig_sch_cons_kind;

struct cmig_sch_constraint {
	cmig_sch_cons_kind kind;
	const char *name;          /* PG: always set; SQLite: the CONSTRAINT name, NULL unnamed */
	const char *pg_name;       /* the name PostgreSQL and batch mode (SPEC §6) know it by:
	                            * PG the name; SQLite the written name or PostgreSQL's default
	                            * (batch/pgnames.c), so DROP CONSTRAINT finds it */
	cmig_sch_names cols;       /* p/u/f: the constrained columns in key order; c: none */
	const char *expr;          /* c: the CHECK expression (PG pg_get_expr, SQLite as written) */
	const char *definition;    /* PG: pg_get_constraintdef; SQLite: the constraint as written
	                            * without "CONSTRAINT name" */
	/* f only: */
	const char *ref_schema;    /* PG: the parent's schema; SQLite NULL */
	const char *ref_table;     /* the parent table */
	cmig_sch_names ref_cols;   /* the parent's columns (SQLite: empty = its primary key) */
	const char *on_delete;     /* "NO ACTION", "RESTRICT", "CASCADE", "SET NULL", "SET DEFAULT" */
	const char *on_update;
	bool deferrable;           /* DEFERRABLE */
	bool initially_deferred;   /* INITIALLY DEFERRED */
	bool validated;            /* PG convalidated (NOT VALID constraints read false); SQLite true */
	bool column_level;         /* SQLite: written on the column definition, not as a table one */
};

struct cmig_sch_index {
	const char *schema, *name;
	const char *table;         /* in the same schema */
	bool unique;
	cmig_sch_names keys;       /* each key column or expression: PG pg_get_indexdef(oid, k);
	                            * SQLite as written, with any COLLATE/ASC/DESC ("qty DESC") */
	const char *where;         /* partial index predicate, else NULL */
	const char *definition;    /* PG pg_get_indexdef; SQLite the CREATE INDEX text as stored */
	const char *comment;       /* PG: COMMENT ON INDEX */
};

struct cmig_sch_trigger {
	const char *schema, *name;
	const char *table;         /* the table (or view, INSTEAD OF) it is on */
	const char *definition;    /* PG pg_get_triggerdef; SQLite the CREATE TRIGGER text */
	bool enabled;              /* PG tgenabled <> 'D'; SQLite always */
	const char *comment;
};

struct cmig_sch_table {
	const char *schema, *name;
	const char *owner;         /* PG: the owning role; SQLite NULL */
	bool owned;                /* the current user may ALTER/DROP it (owner or member of the
	                            * owner role, or superuser); SQLite always true */
	const char *sql;           /* SQLite: the CREATE TABLE text in sqlite_schema; PG NULL */
	bool without_rowid, strict;/* SQLite table options */
	bool autoincrement;        /* SQLite: the rowid alias is AUTOINCREMENT (sqlite_sequence) */
	bool is_virtual;           /* SQLite: CREATE VIRTUAL TABLE (its shadow tables never appear) */
	const char *comment;       /* PG: COMMENT ON TABLE */
	CMIG_VEC(struct cmig_sch_column) columns;
	CMIG_VEC(struct cmig_sch_constraint) constraints;
	cmig_sch_names column_comments; /* PG: pairs (column, comment) flattened: [col, text, …] */
};

/* How a sequence reaches a column (SPEC §9: the sequences to set after a copy). */
typedef enum {
	CMIG_SEQ_SERIAL = 's',     /* owned by the column (OWNED BY) and its nextval default */
	CMIG_SEQ_IDENTITY = 'i',   /* the column's identity sequence */
	CMIG_SEQ_DEFAULT = 'd',    /* a nextval('seq') default on a column the sequence is not
	                            * owned by */
	CMIG_SEQ_AUTOINCREMENT = 'a', /* SQLite: sqlite_sequence's row for the table */
} cmig_seq_feed_kind;

struct cmig_sch_seq_feed {
	const char *schema, *table, *column;
	cmig_seq_feed_kind how;
};

struct cmig_sch_sequence {
	const char *schema, *name; /* SQLite AUTOINCREMENT: schema NULL, name = the table's name */
	const char *owner;         /* PG */
	bool owned;                /* as for tables */
	const char *data_type;     /* PG: "bigint", "integer", "smallint" */
	long long start, increment, min, max, cache;
	bool cycle;
	const char *owned_by_table, *owned_by_column; /* PG OWNED BY, else NULL */
	bool identity;             /* PG: an identity column's own sequence (dump never prints it) */
	CMIG_VEC(struct cmig_sch_seq_feed) feeds;     /* every column it feeds */
};

struct cmig_sch_view {
	const char *schema, *name;
	const char *definition;    /* PG pg_get_viewdef (the SELECT); SQLite the CREATE VIEW text */
	const char *owner;
	const char *comment;
	cmig_sch_names depends;    /* PG: the views it reads, "schema.name" (pg_depend); SQLite
	                            * empty (dump finds them by name in the text) */
};

struct cmig_sch_enum {
	const char *schema, *name;
	cmig_sch_names labels;     /* in sort order (enumsortorder) */
	const char *comment;
};

struct cmig_sch_domain {
	const char *schema, *name;
	const char *base_type;     /* format_type of the base type */
	const char *default_expr;
	const char *collation;
	bool not_null;
	cmig_sch_names checks;     /* pairs (name, pg_get_constraintdef) flattened */
	const char *comment;
};

struct cmig_sch_function {
	const char *schema, *name;
	const char *identity_args; /* pg_get_function_identity_arguments: "a integer, b text" */
	char kind;                 /* 'f' function, 'p' procedure */
	const char *definition;    /* pg_get_functiondef: a whole CREATE OR REPLACE … */
	const char *owner;
	const char *comment;
};

struct cmig_sch_extension {
	const char *name, *schema, *version;
};

struct cmig_sch_namespace {
	const char *name, *owner;
	const char *comment;
};

/* One privilege one grantee holds on one object (aclexplode), never the owner's own. */
struct cmig_sch_grant {
	char objkind;              /* 't' table, 'v' view, 's' sequence, 'f' function/procedure */
	const char *schema, *name; /* functions: name(identity args) */
	const char *grantee;       /* role name, "PUBLIC" for the public pseudo-role */
	const char *privilege;     /* "SELECT", "INSERT", …, "EXECUTE", "USAGE" */
	bool grantable;            /* WITH GRANT OPTION */
};

/* An object of a kind the model does not cover (SPEC §8: never skipped in silence). */
struct cmig_sch_unsupported {
	const char *kind;          /* "materialized view", "policy", "rule", "partition", … */
	const char *schema, *name; /* name: e.g. "policy p on table t" for dependent objects */
};

typedef enum { CMIG_SCH_SQLITE = 1, CMIG_SCH_POSTGRESQL = 2 } cmig_sch_dialect;

struct cmig_schema {
	cmig_sch_dialect dialect;
	const char *current_user;  /* PG: current_user; SQLite NULL */
	int server_version;        /* PG server_version_num; SQLite sqlite3_libversion_number() */
	CMIG_VEC(struct cmig_sch_namespace) schemas;      /* PG, user schemas incl. public */
	CMIG_VEC(struct cmig_sch_extension) extensions;   /* PG, plpgsql included */
	CMIG_VEC(struct cmig_sch_enum) enums;             /* PG */
	CMIG_VEC(struct cmig_sch_domain) domains;         /* PG */
	CMIG_VEC(struct cmig_sch_sequence) sequences;     /* PG; SQLite: one per AUTOINCREMENT table */
	CMIG_VEC(struct cmig_sch_function) functions;     /* PG */
	CMIG_VEC(struct cmig_sch_table) tables;
	CMIG_VEC(struct cmig_sch_index) indexes;          /* not those backing a PK/UNIQUE constraint
	                                                   * (PG) or sqlite_autoindex_* (SQLite) */
	CMIG_VEC(struct cmig_sch_view) views;
	CMIG_VEC(struct cmig_sch_trigger) triggers;       /* user triggers only (PG: not tgisinternal) */
	CMIG_VEC(struct cmig_sch_grant) grants;           /* PG */
	CMIG_VEC(struct cmig_sch_unsupported) unsupported;
	cmig_arena arena;
};

/* Append name as a PostgreSQL identifier: bare when it is lower case and not a reserved word,
 * else double-quoted. CMIG_OK or CMIG_ENOMEM. */
int cmig_schema_quote(cmig_buf *out, const char *name);
/* The same for SQLite: bare when [A-Za-z_][A-Za-z0-9_]* and not a key word, else quoted. */
int cmig_schema_quote_sqlite(cmig_buf *out, const char *name);

/* Lifecycle. new() returns NULL when out of memory. */
struct cmig_schema *cmig_schema_new(cmig_sch_dialect dialect);
void cmig_schema_free(struct cmig_schema *s);

/* A copy of str in the schema's arena (NULL stays NULL). Sets *oom on failure. */
const char *cmig_schema_str(struct cmig_schema *s, const char *str, bool *oom);
/* The same for the n bytes at str (need not be NUL-terminated). */
const char *cmig_schema_strn(struct cmig_schema *s, const char *str, size_t n, bool *oom);
/* Append a copy of name to a name list. CMIG_OK or CMIG_ENOMEM. */
int cmig_schema_name_push(struct cmig_schema *s, cmig_sch_names *v, const char *name);

/* Lookups (exact name match; schema NULL matches any). Borrowed, NULL when absent. */
const struct cmig_sch_table *cmig_schema_table(const struct cmig_schema *s, const char *schema,
                                               const char *name);
const struct cmig_sch_column *cmig_schema_column(const struct cmig_sch_table *t,
                                                 const char *name);
/* The table's primary key constraint, or NULL. */
const struct cmig_sch_constraint *cmig_schema_primary_key(const struct cmig_sch_table *t);

/* The sequences feeding table.column, through `feeds`. Returns how many were written to out
 * (at most max). */
size_t cmig_schema_column_sequences(const struct cmig_sch_sequence **out, size_t max,
                                    const struct cmig_schema *s, const char *schema,
                                    const char *table, const char *column);

/* SQLite's affinity rules applied to a declared type. */
cmig_affinity cmig_schema_affinity(const char *decl_type);
const char *cmig_affinity_name(cmig_affinity a);

/* Whether a table name is one the model never holds on SQLite (sqlite_sequence, sqlite_stat*,
 * any sqlite_ name). */
bool cmig_schema_sqlite_internal(const char *name);

#endif
