/*
 * sqltext.c - token arrays and identifier helpers for the batch-mode parsers (see sqltext.h).
 *
 * Invariant: every array is built by model/sqllex, so a ';', ',' or '(' inside a string,
 * quoted identifier or comment is never mistaken for structure.
 */
#include "sqltext.h"

#include <stdlib.h>
#include <string.h>

#include "text.h"

static int push(cmig_stoks *t, cmig_stok tok)
{
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 32;
		cmig_stok *p = realloc(t->items, cap * sizeof(*p));
		if (!p)
			return CMIG_ENOMEM;
		t->items = p;
		t->cap = cap;
	}
	t->items[t->n++] = tok;
	return CMIG_OK;
}

int cmig_stoks_build(cmig_stoks *out, const char *text, size_t start, size_t end)
{
	cmig_lexer lx;
	size_t *stack = NULL, sp = 0, scap = 0;
	int depth = 0, rc = CMIG_OK;

	out->text = text;
	out->items = NULL;
	out->n = out->cap = 0;
	cmig_lexer_init(&lx, text, start, end);
	for (;;) {
		cmig_token tk = cmig_lex_next_significant(&lx);
		cmig_stok s;
		if (tk.kind == CMIG_TOK_EOF)
			break;
		s.kind = tk.kind;
		s.start = tk.start;
		s.len = tk.len;
		s.match = 0;
		if (tk.kind == CMIG_TOK_PUNCT && tk.len == 1 && text[tk.start] == ')' && depth > 0)
			depth--;
		s.depth = depth;
		if ((rc = push(out, s)))
			break;
		if (tk.kind == CMIG_TOK_PUNCT && tk.len == 1 && text[tk.start] == '(') {
			if (sp == scap) {
				size_t c = scap ? scap * 2 : 16;
				size_t *p = realloc(stack, c * sizeof(*p));
				if (!p) {
					rc = CMIG_ENOMEM;
					break;
				}
				stack = p;
				scap = c;
			}
			stack[sp++] = out->n - 1;
			depth++;
		} else if (tk.kind == CMIG_TOK_PUNCT && tk.len == 1 && text[tk.start] == ')' && sp > 0) {
			out->items[stack[--sp]].match = out->n - 1;
		}
	}
	while (sp > 0)
		out->items[stack[--sp]].match = out->n;
	free(stack);
	if (rc)
		cmig_stoks_release(out);
	return rc;
}

void cmig_stoks_release(cmig_stoks *t)
{
	free(t->items);
	t->items = NULL;
	t->n = t->cap = 0;
}

bool cmig_stoks_is(const cmig_stoks *t, size_t i, const char *kw)
{
	if (i >= t->n || t->items[i].kind != CMIG_TOK_WORD)
		return false;
	return strlen(kw) == t->items[i].len &&
	       cmig_text_ieqn(t->text + t->items[i].start, t->items[i].len, kw);
}

bool cmig_stoks_punct(const cmig_stoks *t, size_t i, char c)
{
	return i < t->n && t->items[i].kind == CMIG_TOK_PUNCT && t->items[i].len == 1 &&
	       t->text[t->items[i].start] == c;
}

bool cmig_stoks_is_name(const cmig_stoks *t, size_t i)
{
	if (i >= t->n)
		return false;
	return t->items[i].kind == CMIG_TOK_WORD || t->items[i].kind == CMIG_TOK_QIDENT ||
	       (t->items[i].kind == CMIG_TOK_STRING && t->text[t->items[i].start] == '\'');
}

bool cmig_stoks_is_quoted(const cmig_stoks *t, size_t i)
{
	return i < t->n && (t->items[i].kind == CMIG_TOK_QIDENT || t->items[i].kind == CMIG_TOK_STRING);
}

char *cmig_stoks_name(const cmig_stoks *t, size_t i)
{
	if (i >= t->n)
		return cmig_strdup("");
	return cmig_sqltext_unquote(t->text + t->items[i].start, t->items[i].len);
}

char *cmig_stoks_span(const cmig_stoks *t, size_t a, size_t b)
{
	if (a >= t->n || b < a)
		return cmig_strdup("");
	if (b >= t->n)
		b = t->n - 1;
	return cmig_strndup(t->text + t->items[a].start,
	                    t->items[b].start + t->items[b].len - t->items[a].start);
}

size_t cmig_stoks_element_end(const cmig_stoks *t, size_t i)
{
	int local = 0;
	for (; i < t->n; i++) {
		if (cmig_stoks_punct(t, i, '('))
			local++;
		else if (cmig_stoks_punct(t, i, ')')) {
			if (local == 0)
				return i;
			local--;
		} else if (local == 0 && cmig_stoks_punct(t, i, ','))
			return i;
	}
	return t->n;
}

char *cmig_sqltext_unquote(const char *s, size_t len)
{
	char open, close;
	cmig_buf b = CMIG_BUF_INIT;

	if (len < 2)
		return cmig_strndup(s, len);
	open = s[0];
	close = open == '[' ? ']' : open;
	if ((open != '"' && open != '`' && open != '[' && open != '\'') || s[len - 1] != close)
		return cmig_strndup(s, len);
	for (size_t i = 1; i + 1 < len; i++) {
		if (open != '[' && s[i] == close && i + 2 < len && s[i + 1] == close)
			i++;
		if (cmig_buf_putc(&b, s[i])) {
			cmig_buf_release(&b);
			return NULL;
		}
	}
	return cmig_buf_detach(&b);
}

int cmig_sqltext_quote(cmig_buf *b, const char *name)
{
	int rc = cmig_buf_putc(b, '"');
	if (!rc)
		rc = cmig_buf_add_quoted(b, name, '"');
	if (!rc)
		rc = cmig_buf_putc(b, '"');
	return rc;
}

bool cmig_sqltext_name_eq(const char *a, const char *b)
{
	return cmig_text_ieq(a, b);
}

bool cmig_sqltext_mentions(const char *text, const char *name)
{
	cmig_lexer lx;
	size_t nlen = strlen(name);
	cmig_lexer_init(&lx, text, 0, strlen(text));
	for (;;) {
		cmig_token tk = cmig_lex_next_significant(&lx);
		if (tk.kind == CMIG_TOK_EOF)
			return false;
		if (tk.kind == CMIG_TOK_WORD) {
			if (tk.len == nlen && cmig_text_ieqn(text + tk.start, tk.len, name))
				return true;
		} else if (tk.kind == CMIG_TOK_QIDENT) {
			char *u = cmig_sqltext_unquote(text + tk.start, tk.len);
			bool eq = u && cmig_text_ieq(u, name);
			free(u);
			if (eq)
				return true;
		}
	}
}

bool cmig_sqltext_uses_column(const char *expr, const char *name)
{
	cmig_stoks t;
	bool hit = false;
	if (cmig_stoks_build(&t, expr, 0, strlen(expr)))
		return true; /* out of memory: assume the worst */
	for (size_t i = 0; i < t.n && !hit; i++) {
		char *u;
		if (t.items[i].kind != CMIG_TOK_WORD && t.items[i].kind != CMIG_TOK_QIDENT)
			continue;
		if (t.items[i].kind == CMIG_TOK_WORD && cmig_stoks_punct(&t, i + 1, '('))
			continue; /* a function call */
		u = cmig_stoks_name(&t, i);
		hit = !u || cmig_text_ieq(u, name);
		free(u);
	}
	cmig_stoks_release(&t);
	return hit;
}
