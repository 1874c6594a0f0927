/*
 * sqllex.c - the SQL tokenizer of both dialects (see sqllex.h), for the statement splitter
 * (SPEC §2 sections, §4 statement lines) and batch mode's ALTER parser.
 *
 * Invariants: every call consumes at least one byte until the end; a token never reaches
 * past lx->end; the work is linear in the text. The one place where that needs care is a
 * dollar quote with no closing delimiter: each such opener costs a search to the end, so
 * the searches that failed are budgeted (lx->dollar_budget) and once the budget is spent an
 * unclosed opener is taken as UNTERMINATED to the end instead of as a parameter.
 *
 * It does not validate SQL, decode escapes, or know keywords: it only finds token bounds.
 */
#include "sqllex.h"

#include <string.h>

#include "text.h"

/* Failed dollar-quote closer searches allowed, in multiples of the text's length. */
#define DOLLAR_MISS_FACTOR 4
#define DOLLAR_MISS_SLACK ((size_t)1 << 20)

void cmig_lexer_init(cmig_lexer *lx, const char *text, size_t start, size_t end)
{
	lx->text = text;
	lx->pos = start;
	lx->end = end;
	lx->dollar_budget = DOLLAR_MISS_FACTOR * (end > start ? end - start : 0) + DOLLAR_MISS_SLACK;
}

static bool is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static bool is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static bool is_hex(unsigned char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static bool is_ident_start(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}

static bool is_ident_char(unsigned char c)
{
	return is_ident_start(c) || is_digit(c) || c == '$';
}

/* Characters that may form a multi-character operator. ':', '?' and '@' are left out:
 * they start parameters (":name", "?1", "@name"); "::" is handled on its own. */
static bool is_op_char(unsigned char c)
{
	return c != '\0' && strchr("+-*/<>=~!#%^&|", c) != NULL;
}

static unsigned char at(const cmig_lexer *lx, size_t i)
{
	return i < lx->end ? (unsigned char)lx->text[i] : '\0';
}

static cmig_token make(cmig_lexer *lx, cmig_tok_kind kind, size_t start, size_t stop)
{
	cmig_token t;
	t.kind = kind;
	t.start = start;
	t.len = stop - start;
	lx->pos = stop;
	return t;
}

/* A quoted run opened at `open` (the quote character's offset) and closed by `q`; a doubled
 * `q` is an escaped one, and with `backslash` a backslash escapes the next byte. */
static cmig_token quoted(cmig_lexer *lx, size_t start, size_t open, char q, bool backslash,
                         cmig_tok_kind kind)
{
	size_t i = open + 1;
	while (i < lx->end) {
		char c = lx->text[i];
		if (backslash && c == '\\') {
			i += 2;
			continue;
		}
		if (c == q) {
			if (i + 1 < lx->end && lx->text[i + 1] == q) {
				i += 2;
				continue;
			}
			return make(lx, kind, start, i + 1);
		}
		i++;
	}
	return make(lx, CMIG_TOK_UNTERMINATED, start, lx->end);
}

static cmig_token block_comment(cmig_lexer *lx, size_t start)
{
	size_t i = start + 2, depth = 1;
	while (i + 1 < lx->end) {
		if (lx->text[i] == '/' && lx->text[i + 1] == '*') {
			depth++;
			i += 2;
		} else if (lx->text[i] == '*' && lx->text[i + 1] == '/') {
			i += 2;
			if (--depth == 0)
				return make(lx, CMIG_TOK_COMMENT, start, i);
		} else
			i++;
	}
	return make(lx, CMIG_TOK_UNTERMINATED, start, lx->end);
}

/* memmem over text[from, end), without relying on the GNU extension. */
static size_t find(const cmig_lexer *lx, size_t from, const char *needle, size_t n)
{
	const char *p = lx->text + from, *stop = lx->text + lx->end;
	while ((size_t)(stop - p) >= n) {
		const char *hit = memchr(p, needle[0], (size_t)(stop - p) - n + 1);
		if (!hit)
			break;
		if (memcmp(hit, needle, n) == 0)
			return (size_t)(hit - lx->text);
		p = hit + 1;
	}
	return (size_t)-1;
}

/* At '$': a dollar quote $tag$…$tag$, a parameter $1 / $name, or a lone '$'. */
static cmig_token dollar(cmig_lexer *lx, size_t start)
{
	size_t i = start + 1, close;

	if (is_digit(at(lx, i))) {
		while (is_digit(at(lx, i)))
			i++;
		return make(lx, CMIG_TOK_PARAM, start, i);
	}
	if (is_ident_start(at(lx, i))) {
		i++;
		while (i < lx->end && (is_ident_start(at(lx, i)) || is_digit(at(lx, i))))
			i++;
	}
	if (at(lx, i) != '$') {
		if (i == start + 1)
			return make(lx, CMIG_TOK_PUNCT, start, i);
		return make(lx, CMIG_TOK_PARAM, start, i);       /* $name (SQLite, Tcl style) */
	}
	/* An opener $tag$ (or $$): find the same delimiter after it. */
	close = find(lx, i + 1, lx->text + start, i + 1 - start);
	if (close != (size_t)-1)
		return make(lx, CMIG_TOK_DOLLAR, start, close + (i + 1 - start));
	if (i == start + 1 || lx->dollar_budget < lx->end - start)
		return make(lx, CMIG_TOK_UNTERMINATED, start, lx->end);
	lx->dollar_budget -= lx->end - start;
	return make(lx, CMIG_TOK_PARAM, start, i);               /* $name, then '$' */
}

static cmig_token number(cmig_lexer *lx, size_t start)
{
	size_t i = start;
	if (at(lx, i) == '0' && (at(lx, i + 1) == 'x' || at(lx, i + 1) == 'X') && is_hex(at(lx, i + 2))) {
		i += 2;
		while (is_hex(at(lx, i)) || (at(lx, i) == '_' && is_hex(at(lx, i + 1))))
			i++;
		return make(lx, CMIG_TOK_NUMBER, start, i);
	}
	while (is_digit(at(lx, i)) || (at(lx, i) == '_' && is_digit(at(lx, i + 1))))
		i++;
	if (at(lx, i) == '.') {
		i++;
		while (is_digit(at(lx, i)) || (at(lx, i) == '_' && is_digit(at(lx, i + 1))))
			i++;
	}
	if (at(lx, i) == 'e' || at(lx, i) == 'E') {
		size_t j = i + 1;
		if (at(lx, j) == '+' || at(lx, j) == '-')
			j++;
		if (is_digit(at(lx, j))) {
			while (is_digit(at(lx, j)))
				j++;
			i = j;
		}
	}
	return make(lx, CMIG_TOK_NUMBER, start, i);
}

static cmig_token op_run(cmig_lexer *lx, size_t start)
{
	size_t i = start + 1;
	while (is_op_char(at(lx, i))) {
		unsigned char c = at(lx, i), n = at(lx, i + 1);
		if ((c == '-' && n == '-') || (c == '/' && n == '*'))
			break;                                   /* a comment starts here */
		i++;
	}
	return make(lx, CMIG_TOK_PUNCT, start, i);
}

cmig_token cmig_lex_next(cmig_lexer *lx)
{
	size_t s = lx->pos, i;
	unsigned char c, n;

	if (s >= lx->end)
		return make(lx, CMIG_TOK_EOF, lx->end, lx->end);
	c = at(lx, s);
	n = at(lx, s + 1);

	if (is_space(c)) {
		for (i = s + 1; i < lx->end && is_space(at(lx, i)); i++)
			;
		return make(lx, CMIG_TOK_SPACE, s, i);
	}
	if (c == '-' && n == '-') {
		const char *nl = memchr(lx->text + s, '\n', lx->end - s);
		return make(lx, CMIG_TOK_COMMENT, s, nl ? (size_t)(nl - lx->text) : lx->end);
	}
	if (c == '/' && n == '*')
		return block_comment(lx, s);
	if (c == '\'')
		return quoted(lx, s, s, '\'', false, CMIG_TOK_STRING);
	if (n == '\'') {
		if (c == 'e' || c == 'E')
			return quoted(lx, s, s + 1, '\'', true, CMIG_TOK_STRING);
		if (c == 'x' || c == 'X' || c == 'b' || c == 'B' || c == 'n' || c == 'N')
			return quoted(lx, s, s + 1, '\'', false, CMIG_TOK_STRING);
	}
	if ((c == 'u' || c == 'U') && n == '&') {
		if (at(lx, s + 2) == '\'')
			return quoted(lx, s, s + 2, '\'', false, CMIG_TOK_STRING);
		if (at(lx, s + 2) == '"')
			return quoted(lx, s, s + 2, '"', false, CMIG_TOK_QIDENT);
	}
	if (c == '"')
		return quoted(lx, s, s, '"', false, CMIG_TOK_QIDENT);
	if (c == '`')
		return quoted(lx, s, s, '`', false, CMIG_TOK_QIDENT);
	if (c == '[') {
		/* SQLite's [ident] has no escapes; PostgreSQL's subscripts and ARRAY[…] lex as
		 * one QIDENT too, which keeps their ';'-free contents out of the splitter's way. */
		const char *close = memchr(lx->text + s, ']', lx->end - s);
		if (!close)
			return make(lx, CMIG_TOK_UNTERMINATED, s, lx->end);
		return make(lx, CMIG_TOK_QIDENT, s, (size_t)(close - lx->text) + 1);
	}
	if (c == '$')
		return dollar(lx, s);
	if (is_digit(c) || (c == '.' && is_digit(n)))
		return number(lx, s);
	if (is_ident_start(c)) {
		for (i = s + 1; i < lx->end && is_ident_char(at(lx, i)); i++)
			;
		return make(lx, CMIG_TOK_WORD, s, i);
	}
	if (c == '?') {
		for (i = s + 1; is_digit(at(lx, i)); i++)
			;
		return make(lx, CMIG_TOK_PARAM, s, i);
	}
	if (c == ':' && n == ':')
		return make(lx, CMIG_TOK_PUNCT, s, s + 2);
	if ((c == ':' || c == '@') && is_ident_start(n)) {
		for (i = s + 2; i < lx->end && is_ident_char(at(lx, i)); i++)
			;
		return make(lx, CMIG_TOK_PARAM, s, i);
	}
	if (is_op_char(c))
		return op_run(lx, s);
	return make(lx, CMIG_TOK_PUNCT, s, s + 1);
}

cmig_token cmig_lex_next_significant(cmig_lexer *lx)
{
	for (;;) {
		cmig_token t = cmig_lex_next(lx);
		if (t.kind != CMIG_TOK_SPACE && t.kind != CMIG_TOK_COMMENT)
			return t;
	}
}

bool cmig_tok_is(const cmig_lexer *lx, const cmig_token *t, const char *kw)
{
	return t->kind == CMIG_TOK_WORD && cmig_text_ieqn(lx->text + t->start, t->len, kw);
}
