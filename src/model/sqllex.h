/*
 * sqllex.h - cmig's SQL tokenizer, shared by the statement splitter (model/sqlsplit.c) and the
 * batch-mode ALTER parser (batch/alter.c).
 *
 * It understands both dialects' lexical rules at once: 'str' with '' escapes, E'str' with
 * backslash escapes (PostgreSQL), "ident" with "" escapes, `ident` and [ident] (SQLite),
 * $$…$$ and $tag$…$tag$ dollar quotes (PostgreSQL), -- line comments, block comments (which
 * nest, as PostgreSQL's do), numbers, parameters (?1 :name @name $1), words and punctuation.
 * It never fails: an unterminated string or comment is one token of kind
 * CMIG_TOK_UNTERMINATED running to the end of the text, and the database reports the error
 * when the statement runs.
 */
#ifndef CMIG_MODEL_SQLLEX_H
#define CMIG_MODEL_SQLLEX_H

#include <stdbool.h>
#include <stddef.h>

typedef enum {
	CMIG_TOK_EOF = 0,
	CMIG_TOK_SPACE,        /* blanks and newlines */
	CMIG_TOK_COMMENT,      /* -- … to the end of the line, or a block comment */
	CMIG_TOK_WORD,         /* keyword or bare identifier: [A-Za-z_\x80-\xff][A-Za-z0-9_$\x80-\xff]* */
	CMIG_TOK_QIDENT,       /* "ident", `ident`, [ident] (any [ … ], so PostgreSQL's
	                        * subscripts and ARRAY[…] lex as one QIDENT too) */
	CMIG_TOK_STRING,       /* 'str', E'str', X'hex', B'bits', N'str', U&'str' */
	CMIG_TOK_DOLLAR,       /* $tag$ … $tag$ */
	CMIG_TOK_NUMBER,
	CMIG_TOK_PARAM,        /* ? ?1 :name @name $1 $name */
	CMIG_TOK_PUNCT,        /* one character, or an operator run such as :: <= || -> */
	CMIG_TOK_UNTERMINATED, /* an unterminated string, identifier, dollar quote or comment */
} cmig_tok_kind;

typedef struct {
	cmig_tok_kind kind;
	size_t start;          /* byte offset in the lexer's text */
	size_t len;
} cmig_token;

typedef struct {
	const char *text;
	size_t pos, end;
	size_t dollar_budget;  /* bytes left for searching closers of unclosed $tag$ openers */
} cmig_lexer;

/* Tokenize text[start, end). Always initialize through this (the struct may grow).
 * An opener $tag$ with no closer lexes as PARAM `$tag` (SQLite's $name), except that after
 * pathologically many of them (searches costing several times the text's length) the next
 * one is UNTERMINATED to the end, which keeps lexing linear. */
void cmig_lexer_init(cmig_lexer *lx, const char *text, size_t start, size_t end);
/* The next token, spaces and comments included; kind CMIG_TOK_EOF at the end. */
cmig_token cmig_lex_next(cmig_lexer *lx);
/* The next token that is not space or comment. */
cmig_token cmig_lex_next_significant(cmig_lexer *lx);
/* Whether a WORD token equals kw (ASCII, case-insensitive). */
bool cmig_tok_is(const cmig_lexer *lx, const cmig_token *t, const char *kw);

#endif
