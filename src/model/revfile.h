/*
 * revfile.h - one migration file: headers, sections, marker options, line numbers (SPEC §2).
 *
 * Pure: bytes in, struct and diagnostics out. The parsed struct keeps the file's text (owned)
 * and slices into it (section bodies and statements are offsets into `text`, never copies); every diagnostic names `path` (as it is printed) and a line.
 */
#ifndef CMIG_MODEL_REVFILE_H
#define CMIG_MODEL_REVFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "diag.h"
#include "sqlsplit.h"

typedef enum {
	CMIG_DIALECT_ANY = 0,        /* an unmarked section */
	CMIG_DIALECT_SQLITE = 1,
	CMIG_DIALECT_POSTGRESQL = 2,
} cmig_dialect_kind;

typedef struct {
	bool present;
	int direction;               /* CMIG_UP / CMIG_DOWN */
	cmig_dialect_kind dialect;
	bool transactional;          /* false for `transaction:false` */
	unsigned marker_line;
	size_t body_start, body_end; /* SPEC §4: byte after the marker line's newline .. next marker */
	unsigned body_line;          /* line of body_start */
	char checksum[65];           /* cache: read it through cmig_revfile_checksum() */
	cmig_stmt_vec stmts;         /* the body split into statements (offsets into text) */
} cmig_section;

typedef struct {
	char *key, *value;
	unsigned line;
} cmig_header;

/* Sections are looked up by [direction][dialect]. */
#define CMIG_REVFILE_NSECT 3

struct cmig_revfile {
	cmig_arena strings;          /* path, name, id, down, message, created, headers */
	char *path;                  /* as printed (relative to cwd when inside it) */
	char *name;                  /* base file name */
	char *text;                  /* the whole file, owned, NUL-terminated */
	size_t len;
	bool parsed;                 /* headers and sections usable (no parse error) */
	char *id;                    /* NULL when missing/invalid */
	char *down;                  /* NULL for the root (empty or none) */
	bool down_present;           /* the down_revision header exists */
	char *message;               /* "" when none */
	char *created;               /* "" when none */
	unsigned id_line, down_line, created_line;
	cmig_header *headers;
	size_t nheaders;
	/* [direction][dialect]: NULL when the file has no such section. The sections present
	 * and their statements live in one allocation, `section_block` (owned; NULL when there
	 * are none), sized to what the file has: a file with an up and a down section costs two
	 * sections, not six, and no spare statement slots (issue 11, memory per revision). */
	cmig_section *sections[2][CMIG_REVFILE_NSECT];
	void *section_block;
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
void cmig_revfile_release(struct cmig_revfile *r);

/* The section this backend runs for direction: the dialect-marked one if present, else the
 * unmarked one; NULL when none (callers tell "no down section" from "no section for this
 * dialect" with cmig_revfile_has_direction). */
const cmig_section *cmig_revfile_section(const struct cmig_revfile *r, int direction,
                                         cmig_dialect_kind dialect);
/* SPEC §4 checksum of a section of r (lowercase hex SHA-256, CRLF taken as LF), computed on
 * first use and cached in the section. */
const char *cmig_revfile_checksum(const struct cmig_revfile *r, const cmig_section *s);

/* Whether the file has any section (any dialect) for direction. */
bool cmig_revfile_has_direction(const struct cmig_revfile *r, int direction);

#endif
