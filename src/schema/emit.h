/*
 * emit.h - the one SQL emitter behind `cmig dump` (dump.c) and the change writer (write.c):
 * names quoted per dialect, qualified per the caller's policy, string literals, and the
 * renderers of the objects both print the same way (enum and domain types, sequence options,
 * a PostgreSQL column, grant targets). Pure.
 *
 * Errors are sticky: the first failing append sets rc (-8, out of memory) and every later
 * call does nothing, so a caller checks rc once at the end.
 */
#ifndef CMIG_SCHEMA_EMIT_H
#define CMIG_SCHEMA_EMIT_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "schema.h"

typedef enum {
	CMIG_EMIT_QUALIFY_NEVER,      /* SQLite; a dump of one schema */
	CMIG_EMIT_QUALIFY_ALWAYS,     /* a dump of several schemas: every schema-held name */
	CMIG_EMIT_QUALIFY_NON_PUBLIC, /* written changes on PostgreSQL: names outside public */
} cmig_emit_qualify;

struct cmig_emit {
	cmig_buf *b;
	int rc;
	bool sqlite; /* quote names as SQLite needs them */
	cmig_emit_qualify qualify;
};

#define CMIG_EMIT_INIT(buf, is_sqlite, q) \
	((struct cmig_emit){ .b = (buf), .rc = 0, .sqlite = (is_sqlite), .qualify = (q) })

void cmig_emit_put(struct cmig_emit *e, const char *text); /* NULL: nothing */
void cmig_emit_add(struct cmig_emit *e, const char *text, size_t n);
void cmig_emit_name(struct cmig_emit *e, const char *name);
void cmig_emit_qname(struct cmig_emit *e, const char *schema, const char *name);
void cmig_emit_literal(struct cmig_emit *e, const char *text);
/* A grantee: PUBLIC as the key word, a role as a name. */
void cmig_emit_grantee(struct cmig_emit *e, const char *who);
/* "name(args)" of a function (a grant's object): the name part quoted and qualified. */
void cmig_emit_signature(struct cmig_emit *e, const char *schema, const char *name_args);

/* CREATE TYPE … AS ENUM (…) and CREATE DOMAIN …, without the terminating ";". */
void cmig_emit_create_enum(struct cmig_emit *e, const struct cmig_sch_enum *t);
void cmig_emit_create_domain(struct cmig_emit *e, const struct cmig_sch_domain *m);
/* A sequence's options that differ from PostgreSQL's defaults (" INCREMENT BY 2 …"; with
 * with_type, " AS integer" unless bigint), as `dump` prints them; nothing when none. */
void cmig_emit_seq_options(struct cmig_emit *e, const struct cmig_sch_sequence *q, bool with_type);
/* Every option of a sequence spelled out, as ALTER SEQUENCE needs them to reset the others. */
void cmig_emit_seq_all(struct cmig_emit *e, const struct cmig_sch_sequence *q);
/* A PostgreSQL column definition (name, type, collation, generated, identity with its
 * sequence's options from s, default, NOT NULL). */
void cmig_emit_pg_column(struct cmig_emit *e, const struct cmig_schema *s,
                         const struct cmig_sch_table *t, const struct cmig_sch_column *c);

#endif
