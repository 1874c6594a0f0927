/*
 * convert.h - SPEC §9's value conversions for `cmig copy`: one source value and the target
 * column's type in, the value the target stores (or a reason it does not fit) out. Pure: no
 * database, no allocation except into the caller's scratch buffer.
 *
 * Contract:
 *  - A source value is a SQLite-style storage class (NULL, INTEGER, REAL, TEXT, BLOB).
 *    PostgreSQL sources are first normalized by their column's type
 *    (cmig_convert_from_pg), so the same rules apply in every direction.
 *  - cmig_convert() returns CMIG_OK with *out set, or CMIG_ERROR with *why set to a static
 *    phrase ("not valid JSON", "out of range for smallint", …). out->p may point into the
 *    input's bytes, into `scratch`, or into static storage; it is valid until the next call
 *    with the same scratch or until the input goes away.
 *  - For a PostgreSQL target, out is TEXT in the type's input syntax (not COPY-escaped; see
 *    cmig_convert_copy_escape) or NULL. For a SQLite target, out is the storage class to bind.
 */
#ifndef CMIG_MODEL_CONVERT_H
#define CMIG_MODEL_CONVERT_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

typedef enum {
	CMIG_V_NULL = 0,
	CMIG_V_INT,
	CMIG_V_REAL,
	CMIG_V_TEXT,
	CMIG_V_BLOB,
} cmig_vkind;

typedef struct {
	cmig_vkind kind;
	long long i;          /* CMIG_V_INT */
	double r;             /* CMIG_V_REAL */
	const char *p;        /* CMIG_V_TEXT, CMIG_V_BLOB: bytes (TEXT need not be NUL-terminated) */
	size_t n;
} cmig_value;

/* What a target column takes. */
typedef enum {
	CMIG_CT_TEXT = 0,     /* text, varchar(n), char(n), name, citext; maxlen for (n) */
	CMIG_CT_BOOL,
	CMIG_CT_JSON,
	CMIG_CT_JSONB,
	CMIG_CT_TIMESTAMP,    /* without time zone: stored as UTC wall time */
	CMIG_CT_TIMESTAMPTZ,
	CMIG_CT_DATE,
	CMIG_CT_TIME,
	CMIG_CT_INT2,
	CMIG_CT_INT4,
	CMIG_CT_INT8,
	CMIG_CT_NUMERIC,
	CMIG_CT_FLOAT4,
	CMIG_CT_FLOAT8,
	CMIG_CT_BYTEA,
	CMIG_CT_OTHER,        /* PostgreSQL types cmig does not know (uuid, inet, enums, arrays…):
	                       * the value's text goes through and the server checks it */
	/* SQLite targets without one of the names above: the column's affinity decides. */
	CMIG_CT_SQ_INTEGER,
	CMIG_CT_SQ_REAL,
	CMIG_CT_SQ_NUMERIC,
	CMIG_CT_SQ_TEXT,
	CMIG_CT_SQ_BLOB,
} cmig_ctkind;

typedef struct {
	cmig_ctkind kind;
	bool sqlite;          /* the target is SQLite: output storage classes */
	bool blank_padded;    /* char(n): trailing spaces beyond n are dropped, as PostgreSQL does */
	long maxlen;          /* characters for varchar(n)/char(n); -1 when unbounded */
} cmig_ctype;

/* A PostgreSQL type as format_type() prints it ("character varying(20)", "timestamp(3) with
 * time zone", "integer", "jsonb", …; common aliases too). */
cmig_ctype cmig_convert_type_pg(const char *type);
/* A SQLite declared type ("BOOLEAN", "JSON", "TIMESTAMP", "VARCHAR(20)", "" …): the names
 * that say boolean/json/timestamp/date/time convert like PostgreSQL's; the rest by affinity. */
cmig_ctype cmig_convert_type_sqlite(const char *decl);

/* Convert one value (see the contract above). */
int cmig_convert(cmig_value *out, const cmig_ctype *t, const cmig_value *in, cmig_buf *scratch,
                 const char **why);

/* A PostgreSQL source value (its text form, already COPY-unescaped; NULL when SQL NULL) as a
 * storage class, by the source column's type: booleans 0/1, integers, reals, bytea's \x hex
 * as a BLOB (decoded into scratch), timestamps as RFC 3339 text, everything else TEXT. */
int cmig_convert_from_pg(cmig_value *out, const cmig_ctype *src, const char *text, size_t n,
                         cmig_buf *scratch, const char **why);

/* Append text to out escaped for COPY's text format (\\, \t, \n, \r). */
int cmig_convert_copy_escape(cmig_buf *out, const char *p, size_t n);

/* Append a value for an error message: numbers as text, text quoted, a BLOB as x'hex'; cut
 * to 80 bytes at a character boundary (with "…"), control characters escaped. */
int cmig_convert_show(cmig_buf *out, const cmig_value *v);

/* The shortest decimal that reads back as exactly d ("%.17g" at most). buf: 32 bytes. */
void cmig_convert_real_shortest(char *buf, size_t size, double d);
/* What SQLite's CAST(d AS TEXT) gives ("%!.15g": always a '.' or an exponent). */
void cmig_convert_real_sqlite(char *buf, size_t size, double d);

/* True when [p, p+n) is valid UTF-8 without a NUL byte. */
bool cmig_convert_utf8_ok(const char *p, size_t n);
/* Validate JSON text (RFC 8259; jsonb also refuses \u0000 as PostgreSQL does). */
bool cmig_convert_json_ok(const char *p, size_t n, bool jsonb, const char **why);

#endif
