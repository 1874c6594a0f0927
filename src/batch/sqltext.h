/*
 * sqltext.h - the small token toolkit batch mode's parsers share (alter.c, table.c,
 * rebuild.c): a statement's significant tokens in an array with parenthesis depth and
 * matching, identifier unquoting and quoting. Built on model/sqllex, the tokenizer the
 * statement splitter uses, so both see strings, quoted identifiers and comments alike.
 *
 * Pure: no I/O. Offsets are into the text the array was built from.
 */
#ifndef CMIG_BATCH_SQLTEXT_H
#define CMIG_BATCH_SQLTEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "sqllex.h"
#include "cmig/cmig.h"

typedef struct {
	cmig_tok_kind kind;
	size_t start, len;   /* byte span in the text */
	int depth;           /* parenthesis depth before this token ('(' itself at the outer depth) */
	size_t match;        /* '(' : index of its ')' (or n when unbalanced); others: 0 */
} cmig_stok;

typedef struct {
	const char *text;
	cmig_stok *items;
	size_t n, cap;
} cmig_stoks;

#define CMIG_STOKS_INIT { NULL, NULL, 0, 0 }

/* The significant tokens (no spaces or comments) of text[start, end). CMIG_OK or CMIG_ENOMEM.
 * Release with cmig_stoks_release(). */
int cmig_stoks_build(cmig_stoks *out, const char *text, size_t start, size_t end);
void cmig_stoks_release(cmig_stoks *t);

/* Token i is the WORD kw (ASCII case-insensitive); false when i is out of range. */
bool cmig_stoks_is(const cmig_stoks *t, size_t i, const char *kw);
/* Token i is the one-character punctuation c. */
bool cmig_stoks_punct(const cmig_stoks *t, size_t i, char c);
/* Token i can name something: a WORD or a quoted identifier (or a 'string', which SQLite
 * accepts as a name in DDL). */
bool cmig_stoks_is_name(const cmig_stoks *t, size_t i);
/* Token i is a quoted identifier. */
bool cmig_stoks_is_quoted(const cmig_stoks *t, size_t i);
/* The name token i stands for, unquoted ("a""b" -> a"b, [x] -> x), as a new string (free()).
 * NULL on out-of-memory. */
char *cmig_stoks_name(const cmig_stoks *t, size_t i);
/* The text from the start of token a to the end of token b (inclusive), as a new string. */
char *cmig_stoks_span(const cmig_stoks *t, size_t a, size_t b);
/* The index just past the end of the element starting at i: the first ',' or unmatched ')'
 * at token i's depth, or n. */
size_t cmig_stoks_element_end(const cmig_stoks *t, size_t i);

/* Unquote one identifier as written ("x", `x`, [x], 'x' or bare). New string or NULL. */
char *cmig_sqltext_unquote(const char *s, size_t len);
/* Append name as a double-quoted identifier. */
int cmig_sqltext_quote(cmig_buf *b, const char *name);
/* Case-insensitive ASCII equality of two names (SQLite's rule for identifiers). */
bool cmig_sqltext_name_eq(const char *a, const char *b);
/* Whether text mentions the identifier name as a WORD or quoted identifier token (not as
 * part of a string). */
bool cmig_sqltext_mentions(const char *text, const char *name);

/* Whether expr uses the column `name`: as a WORD or quoted identifier that is not a function
 * name (a word followed by '('), nor inside a string. */
bool cmig_sqltext_uses_column(const char *expr, const char *name);

#endif
