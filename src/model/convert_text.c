/*
 * convert_text.c - the text side of SPEC §9's conversions (see convert.h): UTF-8 and JSON
 * validation in one pass without a tree, COPY's text-format escaping, and values shown in
 * error messages (80 bytes at a character boundary, control characters escaped).
 */
#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "convert_int.h"
#include "text.h"
#include "cmig/cmig.h"

/* ---- UTF-8 ----------------------------------------------------------------------------- */

/* Length of the valid UTF-8 sequence at p (p < e, *p >= 0x80), or 0. */
size_t cmig_convert_utf8_seq(const unsigned char *p, const unsigned char *e)
{
	unsigned c = p[0];
	size_t len;
	unsigned cp;

	if (c >= 0xC2 && c <= 0xDF)
		len = 2, cp = c & 0x1F;
	else if (c >= 0xE0 && c <= 0xEF)
		len = 3, cp = c & 0x0F;
	else if (c >= 0xF0 && c <= 0xF4)
		len = 4, cp = c & 0x07;
	else
		return 0;
	if ((size_t)(e - p) < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3F);
	}
	if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
	    (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
		return 0;
	return len;
}

bool cmig_convert_utf8_ok(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *e = p + n;

	while (p < e) {
		/* eight ASCII bytes without NUL at a time */
		while (e - p >= 8) {
			uint64_t w;
			memcpy(&w, p, 8);
			if ((w & 0x8080808080808080ull) ||
			    ((w - 0x0101010101010101ull) & ~w & 0x8080808080808080ull))
				break;
			p += 8;
		}
		if (p >= e)
			break;
		if (*p == 0)
			return false;
		if (*p < 0x80) {
			p++;
			continue;
		}
		size_t l = cmig_convert_utf8_seq(p, e);
		if (!l)
			return false;
		p += l;
	}
	return true;
}

/* Characters in valid UTF-8 text. */
size_t cmig_convert_utf8_chars(const char *s, size_t n)
{
	size_t c = 0;
	for (size_t i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			c++;
	return c;
}

/* ---- JSON ------------------------------------------------------------------------------ */

#define JSON_MAX_DEPTH 6400

static bool hex4(const unsigned char *p, const unsigned char *e, unsigned *out)
{
	unsigned v = 0;
	if (e - p < 4)
		return false;
	for (int i = 0; i < 4; i++) {
		int h = cmig_text_hexval(p[i]);
		if (h < 0)
			return false;
		v = (v << 4) | (unsigned)h;
	}
	*out = v;
	return true;
}

/* Bytes a JSON string may hold as they are: printable ASCII other than '"' and '\\'. */
static const unsigned char json_plain[256] = {
	[0x20] = 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,           /* 0x20-0x2f, no '"' */
	[0x30] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	[0x40] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	[0x50] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1,           /* no '\\' */
	[0x60] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	[0x70] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
};

/* p at the opening quote; returns the byte after the closing one, or NULL. */
static const unsigned char *json_string(const unsigned char *p, const unsigned char *e, bool jsonb,
                                        const char **why)
{
	p++;
	for (;;) {
		while (p < e && json_plain[*p])
			p++;
		if (p >= e) {
			*why = "not valid JSON (unterminated string)";
			return NULL;
		}
		if (*p == '"')
			return p + 1;
		if (*p < 0x20) {
			*why = "not valid JSON (control character in a string)";
			return NULL;
		}
		if (*p >= 0x80) {
			size_t l = cmig_convert_utf8_seq(p, e);
			if (!l) {
				*why = "invalid UTF-8";
				return NULL;
			}
			p += l;
			continue;
		}
		/* backslash */
		if (e - p < 2) {
			*why = "not valid JSON (bad escape)";
			return NULL;
		}
		if (strchr("\"\\/bfnrt", p[1]) && p[1]) {
			p += 2;
			continue;
		}
		if (p[1] != 'u') {
			*why = "not valid JSON (bad escape)";
			return NULL;
		}
		unsigned cp;
		if (!hex4(p + 2, e, &cp)) {
			*why = "not valid JSON (bad \\u escape)";
			return NULL;
		}
		p += 6;
		if (cp >= 0xD800 && cp <= 0xDBFF) {
			unsigned lo;
			if (e - p < 6 || p[0] != '\\' || p[1] != 'u' || !hex4(p + 2, e, &lo) ||
			    lo < 0xDC00 || lo > 0xDFFF) {
				*why = "not valid JSON (unpaired surrogate)";
				return NULL;
			}
			p += 6;
		} else if (cp >= 0xDC00 && cp <= 0xDFFF) {
			*why = "not valid JSON (unpaired surrogate)";
			return NULL;
		} else if (cp == 0 && jsonb) {
			*why = "not valid for jsonb (\\u0000)";
			return NULL;
		}
	}
}

static const unsigned char *json_number(const unsigned char *p, const unsigned char *e)
{
	if (p < e && *p == '-')
		p++;
	if (p >= e)
		return NULL;
	if (*p == '0')
		p++;
	else if (*p >= '1' && *p <= '9')
		while (p < e && isdigit(*p))
			p++;
	else
		return NULL;
	if (p < e && *p == '.') {
		p++;
		if (p >= e || !isdigit(*p))
			return NULL;
		while (p < e && isdigit(*p))
			p++;
	}
	if (p < e && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < e && (*p == '+' || *p == '-'))
			p++;
		if (p >= e || !isdigit(*p))
			return NULL;
		while (p < e && isdigit(*p))
			p++;
	}
	return p;
}

static const unsigned char *json_ws(const unsigned char *p, const unsigned char *e)
{
	while (p < e && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	return p;
}

bool cmig_convert_json_ok(const char *s, size_t n, bool jsonb, const char **why)
{
	const unsigned char *p = (const unsigned char *)s, *e = p + n;
	unsigned char stack[JSON_MAX_DEPTH]; /* '{' or '[' */
	size_t depth = 0;
	const char *dummy;

	if (!why)
		why = &dummy;
	*why = "not valid JSON";
	for (;;) {
		/* a value */
		p = json_ws(p, e);
		if (p >= e)
			return false;
		switch (*p) {
		case '{':
		case '[':
			if (depth == JSON_MAX_DEPTH) {
				*why = "not valid JSON (nested too deeply)";
				return false;
			}
			stack[depth++] = *p++;
			p = json_ws(p, e);
			if (p < e && *p == (stack[depth - 1] == '{' ? '}' : ']')) {
				depth--;
				p++;
				break;
			}
			if (stack[depth - 1] == '{') {
				if (p >= e || *p != '"' || !(p = json_string(p, e, jsonb, why)))
					return false;
				p = json_ws(p, e);
				if (p >= e || *p++ != ':')
					return false;
			}
			continue;
		case '"':
			if (!(p = json_string(p, e, jsonb, why)))
				return false;
			break;
		case 't':
			if (e - p < 4 || memcmp(p, "true", 4))
				return false;
			p += 4;
			break;
		case 'f':
			if (e - p < 5 || memcmp(p, "false", 5))
				return false;
			p += 5;
			break;
		case 'n':
			if (e - p < 4 || memcmp(p, "null", 4))
				return false;
			p += 4;
			break;
		default:
			if (!(p = json_number(p, e)))
				return false;
			break;
		}
		/* after a value: close containers, or a comma and the next value */
		for (;;) {
			p = json_ws(p, e);
			if (depth == 0)
				return p == e;
			if (p >= e)
				return false;
			if (*p == (stack[depth - 1] == '{' ? '}' : ']')) {
				depth--;
				p++;
				continue;
			}
			if (*p != ',')
				return false;
			p++;
			if (stack[depth - 1] == '{') {
				p = json_ws(p, e);
				if (p >= e || *p != '"' || !(p = json_string(p, e, jsonb, why)))
					return false;
				p = json_ws(p, e);
				if (p >= e || *p++ != ':')
					return false;
			}
			break;
		}
	}
}

/* ---- text for COPY and for messages ---------------------------------------------------- */

/* Bytes COPY's text format escapes: \\, \t, \n, \r (the letter after the backslash). */
static const char copy_special[256] = { ['\\'] = '\\', ['\t'] = 't', ['\n'] = 'n', ['\r'] = 'r' };

int cmig_convert_copy_escape(cmig_buf *out, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *e = p + n;
	char *o;

	/* worst case every byte doubles; one growth, then a tight table-driven loop */
	if (cmig_buf_grow(out, 2 * n + 1))
		return CMIG_ENOMEM;
	o = out->ptr + out->len;
	while (p < e) {
		const unsigned char *run = p;
		while (p < e && !copy_special[*p])
			p++;
		memcpy(o, run, (size_t)(p - run));
		o += p - run;
		if (p < e) {
			*o++ = '\\';
			*o++ = copy_special[*p++];
		}
	}
	out->len = (size_t)(o - out->ptr);
	out->ptr[out->len] = '\0';
	return CMIG_OK;
}

#define SHOW_MAX 80

int cmig_convert_show(cmig_buf *out, const cmig_value *v)
{
	char num[40];
	int rc = 0;

	switch (v->kind) {
	case CMIG_V_NULL:
		return cmig_buf_puts(out, "NULL");
	case CMIG_V_INT:
		return cmig_buf_printf(out, "%lld", v->i);
	case CMIG_V_REAL:
		cmig_convert_real_shortest(num, sizeof(num), v->r);
		return cmig_buf_puts(out, num);
	case CMIG_V_BLOB: {
		size_t n = v->n > SHOW_MAX / 2 ? SHOW_MAX / 2 : v->n;
		rc = cmig_buf_puts(out, "x'");
		for (size_t i = 0; i < n && !rc; i++)
			rc = cmig_buf_printf(out, "%02x", (unsigned char)v->p[i]);
		if (!rc)
			rc = cmig_buf_puts(out, v->n > n ? "'…" : "'");
		return rc;
	}
	case CMIG_V_TEXT:
		break;
	}
	const unsigned char *p = (const unsigned char *)v->p, *e = p + v->n, *stop = p + SHOW_MAX;
	rc = cmig_buf_putc(out, '\'');
	while (!rc && p < e) {
		size_t l = *p < 0x80 ? 1 : cmig_convert_utf8_seq(p, e);
		if (p + (l ? l : 1) > stop)
			break;
		if (l == 0) /* a byte that is not UTF-8 */
			rc = cmig_buf_printf(out, "\\x%02x", *p), l = 1;
		else if (*p == '\n')
			rc = cmig_buf_puts(out, "\\n");
		else if (*p == '\t')
			rc = cmig_buf_puts(out, "\\t");
		else if (*p == '\r')
			rc = cmig_buf_puts(out, "\\r");
		else if (*p < 0x20 || *p == 0x7f)
			rc = cmig_buf_printf(out, "\\x%02x", *p);
		else
			rc = cmig_buf_add(out, p, l);
		p += l;
	}
	if (!rc)
		rc = cmig_buf_puts(out, p < e ? "'…" : "'");
	return rc;
}
