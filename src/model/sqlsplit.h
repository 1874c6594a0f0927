/*
 * sqlsplit.h - the statements of a section, with byte offsets and lines: the one splitter for
 * every backend and for --sql (never sqlite3_prepare's tail, which stops at the first
 * statement SQLite cannot parse, and batch-mode sections are full of those).
 *
 * A statement ends at a top-level ';' — not inside strings, identifiers, comments, dollar
 * quotes, parentheses, or the BEGIN … END body of CREATE TRIGGER / BEGIN ATOMIC (CASE … END nests inside
 * those) — or at the end of the section. Statements that are only spaces and comments are
 * dropped.
 */
#ifndef CMIG_MODEL_SQLSPLIT_H
#define CMIG_MODEL_SQLSPLIT_H

#include <stddef.h>

#include "vec.h"

enum {
	CMIG_STMT_TXN_CONTROL = 1u << 0,  /* BEGIN / START TRANSACTION / COMMIT / END / ROLLBACK (not TO) */
	CMIG_STMT_ALTER_TABLE = 1u << 1,  /* ALTER TABLE … */
	CMIG_STMT_PRAGMA_FK   = 1u << 2,  /* PRAGMA foreign_keys … */
};

/* A statement the database refuses inside a transaction block (SPEC §2): its kind, in bits
 * 8-11 of the flags (0 = none). VACUUM is refused by both databases, the others by
 * PostgreSQL. */
enum cmig_no_txn {
	CMIG_NO_TXN_NONE = 0,
	CMIG_NO_TXN_VACUUM,
	CMIG_NO_TXN_CREATE_DATABASE,
	CMIG_NO_TXN_DROP_DATABASE,
	CMIG_NO_TXN_CREATE_TABLESPACE,
	CMIG_NO_TXN_DROP_TABLESPACE,
	CMIG_NO_TXN_ALTER_SYSTEM,
	CMIG_NO_TXN_CREATE_INDEX_CONCURRENTLY,
	CMIG_NO_TXN_DROP_INDEX_CONCURRENTLY,
	CMIG_NO_TXN_REINDEX_CONCURRENTLY,
};
#define CMIG_STMT_NO_TXN_SHIFT 8
#define CMIG_STMT_NO_TXN(flags) ((enum cmig_no_txn)(((flags) >> CMIG_STMT_NO_TXN_SHIFT) & 0xfu))
/* "CREATE INDEX CONCURRENTLY", …; NULL for CMIG_NO_TXN_NONE. */
const char *cmig_no_txn_name(enum cmig_no_txn kind);

typedef struct {
	size_t start;     /* offset of the first significant token */
	size_t end;       /* offset just past the last significant token (';' excluded) */
	unsigned line;    /* 1-based line of `start` in the whole file */
	unsigned flags;   /* CMIG_STMT_* */
} cmig_stmt;

typedef CMIG_VEC(cmig_stmt) cmig_stmt_vec;

/* Split text[start, end), whose first byte lies on line `first_line`, appending to out.
 * Returns CMIG_OK or CMIG_ENOMEM. */
int cmig_sqlsplit(cmig_stmt_vec *out, const char *text, size_t start, size_t end,
                  unsigned first_line);

#endif
