/*
 * sqlsplit.c - split a section into statements (see sqlsplit.h; SPEC §2 sections, §4 lines).
 *
 * One pass over the tokens of model/sqllex.c. A statement ends at a ';' token at depth 0 and
 * outside parentheses (as psql splits). Depth rises only inside a compound body: the BEGIN … END of CREATE [TEMP] TRIGGER
 * (SQLite) and the BEGIN ATOMIC … END of a CREATE FUNCTION/PROCEDURE (PostgreSQL); inside
 * one, CASE … END nests. PL/pgSQL's BEGIN … END, END IF and END LOOP live inside dollar
 * quotes, which are single tokens, so they never reach this code.
 *
 * Classification (CMIG_STMT_*) looks at the first few significant tokens only. Lines are
 * counted incrementally from the previous statement's start, so the pass stays linear.
 */
#include "sqlsplit.h"

#include <stdbool.h>
#include <string.h>

#include "cmig/cmig.h"
#include "sqllex.h"
#include "text.h"

#define HEAD_TOKENS 6  /* tokens kept for classification */

struct stmt_state {
	size_t n;                      /* significant tokens so far */
	cmig_token head[HEAD_TOKENS];  /* the first of them */
	size_t start, end;
	bool create, trigger;
	bool after_begin;              /* previous token was BEGIN at depth 0 (BEGIN ATOMIC?) */
	bool after_dot;                /* previous token was '.': a qualified name, not a keyword */
	unsigned depth;                /* inside BEGIN … END bodies and CASE … END within them */
	size_t parens;                 /* open '(' : a ';' inside parentheses never ends a
	                                * statement (PostgreSQL's multi-action CREATE RULE) */
	size_t concurrently;           /* 1 + the index of the first CONCURRENTLY keyword among
	                                * the first CONCURRENTLY_WITHIN tokens, 0 when none */
};

/* REINDEX (VERBOSE, CONCURRENTLY) SCHEMA s: the keyword comes early or not at all */
#define CONCURRENTLY_WITHIN 16

static bool is_punct(const cmig_lexer *lx, const cmig_token *t, char c)
{
	return t->kind == CMIG_TOK_PUNCT && t->len == 1 && lx->text[t->start] == c;
}

static bool head_is(const cmig_lexer *lx, const struct stmt_state *st, size_t i, const char *kw)
{
	return i < st->n && i < HEAD_TOKENS && cmig_tok_is(lx, &st->head[i], kw);
}

/* A name token equal to `name`: bare, "quoted", `quoted`, [quoted] or 'quoted'. */
static bool name_is(const cmig_lexer *lx, const cmig_token *t, const char *name)
{
	if (t->kind == CMIG_TOK_WORD)
		return cmig_tok_is(lx, t, name);
	if ((t->kind == CMIG_TOK_QIDENT || t->kind == CMIG_TOK_STRING) && t->len >= 2 &&
	    (lx->text[t->start] == '"' || lx->text[t->start] == '`' || lx->text[t->start] == '[' ||
	     lx->text[t->start] == '\''))
		return cmig_text_ieqn(lx->text + t->start + 1, t->len - 2, name);
	return false;
}

static void feed(struct stmt_state *st, const cmig_lexer *lx, const cmig_token *t)
{
	bool keyword = t->kind == CMIG_TOK_WORD && !st->after_dot;

	if (st->n == 0)
		st->start = t->start;
	if (st->n < HEAD_TOKENS)
		st->head[st->n] = *t;
	if (keyword && !st->concurrently && st->n < CONCURRENTLY_WITHIN &&
	    cmig_tok_is(lx, t, "CONCURRENTLY"))
		st->concurrently = st->n + 1;
	st->n++;
	st->end = t->start + t->len;
	st->after_dot = is_punct(lx, t, '.');
	if (is_punct(lx, t, '('))
		st->parens++;
	else if (is_punct(lx, t, ')') && st->parens > 0)
		st->parens--;

	if (st->n == 1) {
		st->create = cmig_tok_is(lx, t, "CREATE");
		return;
	}
	if (!st->create)
		return;
	if (st->n == 2 || st->n == 3) {
		if (cmig_tok_is(lx, t, "TRIGGER") &&
		    (st->n == 2 || head_is(lx, st, 1, "TEMP") || head_is(lx, st, 1, "TEMPORARY")))
			st->trigger = true;
	}
	if (st->after_begin) {
		st->after_begin = false;
		if (cmig_tok_is(lx, t, "ATOMIC")) {
			st->depth = 1;
			return;
		}
	}
	if (!keyword)
		return;
	if (st->depth == 0) {
		if (cmig_tok_is(lx, t, "BEGIN")) {
			if (st->trigger)
				st->depth = 1;
			else
				st->after_begin = true;
		}
	} else if (cmig_tok_is(lx, t, "CASE")) {
		st->depth++;
	} else if (cmig_tok_is(lx, t, "END")) {
		st->depth--;
	}
}

const char *cmig_no_txn_name(enum cmig_no_txn kind)
{
	static const char *const names[] = {
		NULL, "VACUUM", "CREATE DATABASE", "DROP DATABASE", "CREATE TABLESPACE",
		"DROP TABLESPACE", "ALTER SYSTEM", "CREATE INDEX CONCURRENTLY",
		"DROP INDEX CONCURRENTLY", "REINDEX CONCURRENTLY",
	};
	return (size_t)kind < sizeof(names) / sizeof(names[0]) ? names[kind] : NULL;
}

/* SPEC §2's statements that cannot run inside a transaction block, by their first words
 * (comments, strings and dollar quotes are single tokens of the lexer, never words). */
static enum cmig_no_txn no_txn_kind(const cmig_lexer *lx, const struct stmt_state *st)
{
	bool unique = head_is(lx, st, 1, "UNIQUE");

	if (head_is(lx, st, 0, "VACUUM"))
		return CMIG_NO_TXN_VACUUM;
	if (head_is(lx, st, 0, "ALTER") && head_is(lx, st, 1, "SYSTEM"))
		return CMIG_NO_TXN_ALTER_SYSTEM;
	if (head_is(lx, st, 0, "CREATE") || head_is(lx, st, 0, "DROP")) {
		bool create = head_is(lx, st, 0, "CREATE");
		if (head_is(lx, st, 1, "DATABASE"))
			return create ? CMIG_NO_TXN_CREATE_DATABASE : CMIG_NO_TXN_DROP_DATABASE;
		if (head_is(lx, st, 1, "TABLESPACE"))
			return create ? CMIG_NO_TXN_CREATE_TABLESPACE : CMIG_NO_TXN_DROP_TABLESPACE;
		/* CREATE [UNIQUE] INDEX CONCURRENTLY, DROP INDEX CONCURRENTLY */
		if (create && head_is(lx, st, unique ? 2 : 1, "INDEX") &&
		    st->concurrently == (unique ? 4u : 3u))
			return CMIG_NO_TXN_CREATE_INDEX_CONCURRENTLY;
		if (!create && head_is(lx, st, 1, "INDEX") && st->concurrently == 3)
			return CMIG_NO_TXN_DROP_INDEX_CONCURRENTLY;
	}
	/* REINDEX [(options)] {INDEX|TABLE|SCHEMA|DATABASE|SYSTEM} [CONCURRENTLY] name: the word
	 * can only be the option or the keyword before the name */
	if (head_is(lx, st, 0, "REINDEX") && st->concurrently)
		return CMIG_NO_TXN_REINDEX_CONCURRENTLY;
	return CMIG_NO_TXN_NONE;
}

static unsigned classify(const cmig_lexer *lx, const struct stmt_state *st)
{
	unsigned flags = (unsigned)no_txn_kind(lx, st) << CMIG_STMT_NO_TXN_SHIFT;
	size_t i;

	if (head_is(lx, st, 0, "BEGIN") || head_is(lx, st, 0, "COMMIT") ||
	    head_is(lx, st, 0, "END") || head_is(lx, st, 0, "ABORT") ||
	    (head_is(lx, st, 0, "START") && head_is(lx, st, 1, "TRANSACTION")) ||
	    (head_is(lx, st, 0, "PREPARE") && head_is(lx, st, 1, "TRANSACTION")))
		flags |= CMIG_STMT_TXN_CONTROL;
	if (head_is(lx, st, 0, "ROLLBACK")) {
		i = head_is(lx, st, 1, "TRANSACTION") || head_is(lx, st, 1, "WORK") ? 2 : 1;
		if (!head_is(lx, st, i, "TO"))
			flags |= CMIG_STMT_TXN_CONTROL;
	}
	if (head_is(lx, st, 0, "ALTER") && head_is(lx, st, 1, "TABLE"))
		flags |= CMIG_STMT_ALTER_TABLE;
	if (head_is(lx, st, 0, "PRAGMA") && st->n >= 2) {
		i = st->n >= 4 && is_punct(lx, &st->head[2], '.') ? 3 : 1;
		if (name_is(lx, &st->head[i], "foreign_keys"))
			flags |= CMIG_STMT_PRAGMA_FK;
	}
	return flags;
}

int cmig_sqlsplit(cmig_stmt_vec *out, const char *text, size_t start, size_t end,
                  unsigned first_line)
{
	cmig_lexer lx;
	struct stmt_state st;
	size_t line_pos = start;     /* offset whose line is `line` */
	unsigned line = first_line;

	cmig_lexer_init(&lx, text, start, end);
	memset(&st, 0, sizeof(st));
	for (;;) {
		cmig_token t = cmig_lex_next(&lx);
		cmig_stmt s;

		if (t.kind == CMIG_TOK_SPACE || t.kind == CMIG_TOK_COMMENT)
			continue;
		if (t.kind != CMIG_TOK_EOF && !(st.depth == 0 && st.parens == 0 && is_punct(&lx, &t, ';'))) {
			feed(&st, &lx, &t);
			continue;
		}
		if (st.n > 0) {
			const char *p = text + line_pos, *stop = text + st.start;
			while ((p = memchr(p, '\n', (size_t)(stop - p))) != NULL) {
				line++;
				p++;
			}
			line_pos = st.start;
			s.start = st.start;
			s.end = st.end;
			s.line = line;
			s.flags = classify(&lx, &st);
			if (CMIG_VEC_PUSH(out, s))
				return CMIG_ENOMEM;
		}
		if (t.kind == CMIG_TOK_EOF)
			return CMIG_OK;
		memset(&st, 0, sizeof(st));
	}
}
