/*
 * revfile.h - one migration file: headers, sections, marker options, line numbers (SPEC §2).
 *
 * Pure: bytes in, struct and diagnostics out. A parsed file keeps what `check`, `heads` and
 * `history` read — headers, section bounds and flags, and for a lean file the SPEC §4 checksum
 * of every section, computed while parsing — in one allocation per file. Its text and
 * statements come in two forms: kept from the parse (cmig_revfile_parse: the caller's text,
 * owned), or, for files of a versions directory (cmig_revfile_parse_lean), dropped after the
 * parse and read again by cmig_revfile_load only when a section is run, shown or linted; the
 * bytes read again must be those parsed (length, fingerprint and every section's checksum),
 * else the load refuses. Section bodies and statements are offsets into the text, never copies;
 * every diagnostic names `path` (as it is printed) and a line.
 */
#ifndef CMIG_MODEL_REVFILE_H
#define CMIG_MODEL_REVFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "diag.h"
#include "sqlsplit.h"

typedef enum {
	CMIG_DIALECT_ANY = 0,        /* an unmarked section */
	CMIG_DIALECT_SQLITE = 1,
	CMIG_DIALECT_POSTGRESQL = 2,
} cmig_dialect_kind;

typedef struct {
	unsigned char direction;     /* CMIG_UP / CMIG_DOWN */
	unsigned char dialect;       /* cmig_dialect_kind (a byte: one struct per section kept) */
	bool present : 1;
	bool transactional : 1;      /* false for `transaction:false` */
	bool hashed : 1;             /* sum is set (a lean parse: the text will be gone) */
	unsigned marker_line;
	unsigned body_line;          /* line of body_start */
	unsigned flags;              /* CMIG_STMT_* of its statements, or-ed */
	size_t body_start, body_end; /* SPEC §4: byte after the marker line's newline .. next marker */
	unsigned char sum[32];       /* SPEC §4 checksum (binary) when hashed: read it through
	                              * cmig_revfile_checksum() */
	/* the body split into statements (offsets into text); stmts.n is always the count, but
	 * stmts.items is NULL until the text is loaded (cmig_revfile_load) */
	cmig_stmt_vec stmts;
} cmig_section;

typedef struct {
	char *key, *value;
	unsigned line;
} cmig_header;

/* Sections are looked up by [direction][dialect]. */
#define CMIG_REVFILE_NSECT 3

struct cmig_revfile;

/* Where a lean file's bytes are read again (project/scriptdir.c gives one): read appends the
 * file's current bytes to out (empty on entry), or records an error naming r->path in d. */
struct cmig_revsource {
	int (*read)(const struct cmig_revsource *src, const struct cmig_revfile *r, cmig_buf *out,
	            cmig_diags *d);
};

struct cmig_revfile {
	/* path, name, id, down, message, created and the headers' keys and values point into
	 * `block`, which also holds the sections (one allocation per file, owned) */
	char *path;                  /* as printed (relative to cwd when inside it) */
	char *name;                  /* base file name */
	char *text;                  /* the whole file, NUL-terminated; NULL until loaded (lean) */
	size_t len;                  /* its length, also while it is not loaded */
	uint64_t fingerprint;        /* cmig_hash64 of the text */
	const struct cmig_revsource *source; /* lean: how to read the text again; else NULL */
	bool parsed;                 /* headers and sections usable (no parse error) */
	bool down_present;           /* the down_revision header exists */
	char *id;                    /* NULL when missing/invalid */
	char *down;                  /* NULL for the root (empty or none) */
	char *message;               /* "" when none */
	char *created;               /* "" when none */
	unsigned id_line, down_line, created_line;
	unsigned nheaders;
	cmig_header *headers;
	/* [direction][dialect]: NULL when the file has no such section; the present ones live
	 * in `block`, sized to what the file has (issue 11, memory per revision) */
	cmig_section *sections[2][CMIG_REVFILE_NSECT];
	void *block;
	void *loaded;                /* the statements, once loaded (lean), owned */
	/* set by the chain builder */
	long index;                  /* position in the chain, -1 when not in it */
	struct cmig_revfile *parent; /* the revision it follows, NULL for root */
	size_t nchildren;
};

/* Parse `text` (ownership moves into out: it is freed by cmig_revfile_release even on error).
 * path: as printed (every diagnostic names it); name: the base file name (checked against the
 * id: SPEC §2 `filename`; NULL skips that check). Every problem is reported (parse, filename,
 * unknown-header, created, no-down), each with its line; returns CMIG_OK when there was no
 * error, else CMIG_ERROR (CMIG_ENOMEM out of memory). Warnings do not fail. On error `parsed`
 * is false (a `filename` error included), but id and down stay set when their headers were
 * valid, so the chain builder can still place and name the file. */
int cmig_revfile_parse(struct cmig_revfile *out, const char *path, const char *name,
                       char *text, size_t len, cmig_diags *d);
/* The same, but text is borrowed and not kept: text and statements are read again through
 * source (which must outlive out) by cmig_revfile_load. */
int cmig_revfile_parse_lean(struct cmig_revfile *out, const char *path, const char *name,
                            const char *text, size_t len, const struct cmig_revsource *source,
                            cmig_diags *d);
void cmig_revfile_release(struct cmig_revfile *r);

/* Make r->text and every section's statements available: a no-op when they are (a kept
 * text, or loaded before); else the file is read again through r->source and must hold the
 * bytes parsed, or it is refused: "PATH: error: file changed while cmig was running".
 * CMIG_OK, CMIG_ERROR or CMIG_ENOMEM (recorded in d). Safe to call from several threads
 * sharing one parsed project: the fill happens once, under a lock; what it fills is never
 * changed again until release. */
int cmig_revfile_load(const struct cmig_revfile *r, cmig_diags *d);

/* The section this backend runs for direction: the dialect-marked one if present, else the
 * unmarked one; NULL when none (callers tell "no down section" from "no section for this
 * dialect" with cmig_revfile_has_direction). */
const cmig_section *cmig_revfile_section(const struct cmig_revfile *r, int direction,
                                         cmig_dialect_kind dialect);
/* SPEC §4 checksum of a section of r (lowercase hex SHA-256, CRLF taken as LF) into out;
 * returns out. A lean file's was computed while parsing; a kept text is hashed now (nothing
 * is cached: several threads may share r). "" for a section with neither. */
const char *cmig_revfile_checksum(char out[65], const struct cmig_revfile *r,
                                  const cmig_section *s);

/* Whether the file has any section (any dialect) for direction. */
bool cmig_revfile_has_direction(const struct cmig_revfile *r, int direction);

#endif
