/*
 * convert.c - the value conversions of SPEC §9 (see convert.h for the contract).
 *
 * Invariants:
 *  - Every accepted value has been checked completely: text is valid UTF-8 without NUL,
 *    JSON parses (one pass, no tree, bounded nesting), integers are in the type's range,
 *    timestamps name a real instant in years 1-9999. The target never sees a value cmig
 *    would have refused, so a server error is about the schema, not a skipped check.
 *  - Text and JSON that need no change are returned as a pointer into the input (no copy):
 *    this is the bulk of a copy's bytes.
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

/* ---- numbers --------------------------------------------------------------------------- */

void cmig_convert_real_shortest(char *buf, size_t size, double d)
{
	if (isnan(d)) {
		snprintf(buf, size, "NaN");
		return;
	}
	if (isinf(d)) {
		snprintf(buf, size, d < 0 ? "-Infinity" : "Infinity");
		return;
	}
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(buf, size, "%.*g", prec, d);
		if (strtod(buf, NULL) == d)
			return;
	}
}

void cmig_convert_real_sqlite(char *buf, size_t size, double d)
{
	char tmp[40];

	if (isinf(d)) {
		snprintf(buf, size, d < 0 ? "-Inf" : "Inf");
		return;
	}
	snprintf(tmp, sizeof(tmp), "%.15g", d);
	if (!strpbrk(tmp, ".eEn")) {
		snprintf(buf, size, "%s.0", tmp);
	} else if (!strchr(tmp, '.') && strpbrk(tmp, "eE")) {
		char *x = strpbrk(tmp, "eE");
		snprintf(buf, size, "%.*s.0%s", (int)(x - tmp), tmp, x);
	} else {
		snprintf(buf, size, "%s", tmp);
	}
}

/* Trim ASCII spaces. */
static void trim(const char **p, size_t *n)
{
	while (*n && (*p)[0] == ' ')
		(*p)++, (*n)--;
	while (*n && (*p)[*n - 1] == ' ')
		(*n)--;
}

/* [+-]?[0-9]+ into *v; false on syntax or overflow of long long. */
static bool parse_integer(const char *p, size_t n, long long *v, bool *overflow)
{
	bool neg = false;
	unsigned long long acc = 0, lim;
	size_t i = 0;

	*overflow = false;
	if (i < n && (p[i] == '+' || p[i] == '-'))
		neg = p[i++] == '-';
	if (i == n)
		return false;
	lim = neg ? (unsigned long long)LLONG_MAX + 1ull : (unsigned long long)LLONG_MAX;
	for (; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return false;
		unsigned dgt = (unsigned)(p[i] - '0');
		if (acc > (lim - dgt) / 10)
			*overflow = true;
		else
			acc = acc * 10 + dgt;
	}
	if (*overflow)
		return false;
	*v = neg ? (acc == (unsigned long long)LLONG_MAX + 1ull ? LLONG_MIN : -(long long)acc)
	         : (long long)acc;
	return true;
}

/* A decimal literal with an optional exponent. */
static bool is_decimal(const char *p, size_t n)
{
	size_t i = 0, digits = 0;

	if (i < n && (p[i] == '+' || p[i] == '-'))
		i++;
	while (i < n && isdigit((unsigned char)p[i]))
		i++, digits++;
	if (i < n && p[i] == '.') {
		i++;
		while (i < n && isdigit((unsigned char)p[i]))
			i++, digits++;
	}
	if (!digits)
		return false;
	if (i < n && (p[i] == 'e' || p[i] == 'E')) {
		i++;
		if (i < n && (p[i] == '+' || p[i] == '-'))
			i++;
		if (i == n || !isdigit((unsigned char)p[i]))
			return false;
		while (i < n && isdigit((unsigned char)p[i]))
			i++;
	}
	return i == n;
}

static int int_range(cmig_ctkind k, long long v, const char **why)
{
	if (k == CMIG_CT_INT2 && (v < -32768 || v > 32767)) {
		*why = "out of range for smallint";
		return CMIG_ERROR;
	}
	if (k == CMIG_CT_INT4 && (v < -2147483648LL || v > 2147483647LL)) {
		*why = "out of range for integer";
		return CMIG_ERROR;
	}
	return CMIG_OK;
}

/* ---- output helpers -------------------------------------------------------------------- */

int cmig_convert_out_text(cmig_value *out, const char *p, size_t n)
{
	out->kind = CMIG_V_TEXT;
	out->p = p;
	out->n = n;
	return CMIG_OK;
}

/* Text written into scratch (cleared first). */
int cmig_convert_out_printf(cmig_value *out, cmig_buf *scratch, const char *fmt, ...)
{
	va_list ap;
	int rc;
	cmig_buf_clear(scratch);
	va_start(ap, fmt);
	rc = cmig_buf_vprintf(scratch, fmt, ap);
	va_end(ap);
	if (rc)
		return rc;
	return cmig_convert_out_text(out, scratch->ptr, scratch->len);
}

int cmig_convert_out_ll(cmig_value *out, cmig_buf *scratch, long long v)
{
	char tmp[24], *e = tmp + sizeof(tmp), *p = e;
	unsigned long long u = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;

	do
		*--p = (char)('0' + u % 10);
	while (u /= 10);
	if (v < 0)
		*--p = '-';
	cmig_buf_clear(scratch);
	if (cmig_buf_add(scratch, p, (size_t)(e - p)))
		return CMIG_ENOMEM;
	return cmig_convert_out_text(out, scratch->ptr, scratch->len);
}

static int out_int(cmig_value *out, const cmig_ctype *t, long long v, cmig_buf *scratch)
{
	if (t->sqlite) {
		out->kind = CMIG_V_INT;
		out->i = v;
		return CMIG_OK;
	}
	return cmig_convert_out_ll(out, scratch, v);
}

int cmig_convert_fail(const char **why, const char *msg)
{
	*why = msg;
	return CMIG_ERROR;
}

/* ---- the conversions ------------------------------------------------------------------- */

static int conv_text(cmig_value *out, const cmig_ctype *t, const cmig_value *in,
                     cmig_buf *scratch, const char **why)
{
	char num[40];

	switch (in->kind) {
	case CMIG_V_INT:
		return cmig_convert_out_ll(out, scratch, in->i);
	case CMIG_V_REAL:
		cmig_convert_real_sqlite(num, sizeof(num), in->r);
		return cmig_convert_out_printf(out, scratch, "%s", num);
	default:
		break;
	}
	if (memchr(in->p, 0, in->n))
		return cmig_convert_fail(why, "a NUL byte in text");
	if (!cmig_convert_utf8_ok(in->p, in->n))
		return cmig_convert_fail(why, "invalid UTF-8");
	if (t->maxlen >= 0 && in->n > (size_t)t->maxlen) {
		size_t chars = cmig_convert_utf8_chars(in->p, in->n);
		if (chars > (size_t)t->maxlen) {
			/* PostgreSQL drops excess trailing spaces silently, refuses anything else */
			size_t n = in->n, c = chars;
			while (c > (size_t)t->maxlen && n && in->p[n - 1] == ' ')
				n--, c--;
			if (c > (size_t)t->maxlen)
				return cmig_convert_fail(why, t->blank_padded ? "too long for character(n)"
				                                 : "too long for character varying(n)");
			return cmig_convert_out_text(out, in->p, n);
		}
	}
	return cmig_convert_out_text(out, in->p, in->n);
}

static int conv_bool(cmig_value *out, const cmig_ctype *t, const cmig_value *in,
                     cmig_buf *scratch, const char **why)
{
	static const char *const yes[] = { "1", "t", "true", "yes", "on" };
	static const char *const no[] = { "0", "f", "false", "no", "off" };
	int v = -1;

	if (in->kind == CMIG_V_INT) {
		if (in->i == 0 || in->i == 1)
			v = (int)in->i;
	} else if (in->kind == CMIG_V_TEXT) {
		for (size_t i = 0; i < 5 && v < 0; i++) {
			if (strlen(yes[i]) == in->n && !strncasecmp(in->p, yes[i], in->n))
				v = 1;
			else if (strlen(no[i]) == in->n && !strncasecmp(in->p, no[i], in->n))
				v = 0;
		}
	}
	if (v < 0)
		return cmig_convert_fail(why, "not a boolean (1/0, t/f, true/false, yes/no, on/off)");
	if (t->sqlite) {
		out->kind = CMIG_V_INT;
		out->i = v;
		return CMIG_OK;
	}
	(void)scratch;
	return cmig_convert_out_text(out, v ? "t" : "f", 1);
}

static int conv_json(cmig_value *out, const cmig_ctype *t, const cmig_value *in,
                     cmig_buf *scratch, const char **why)
{
	char num[40];

	if (in->kind == CMIG_V_INT)
		return cmig_convert_out_ll(out, scratch, in->i);
	if (in->kind == CMIG_V_REAL) {
		if (!isfinite(in->r))
			return cmig_convert_fail(why, "not valid JSON (an infinite number)");
		cmig_convert_real_shortest(num, sizeof(num), in->r);
		return cmig_convert_out_printf(out, scratch, "%s", num);
	}
	if (in->kind == CMIG_V_BLOB)
		return cmig_convert_fail(why, "a BLOB is not JSON text");
	if (!cmig_convert_json_ok(in->p, in->n, t->kind == CMIG_CT_JSONB, why))
		return CMIG_ERROR;
	return cmig_convert_out_text(out, in->p, in->n);
}

static int conv_int(cmig_value *out, const cmig_ctype *t, const cmig_value *in,
                    cmig_buf *scratch, const char **why)
{
	long long v;
	bool overflow;

	switch (in->kind) {
	case CMIG_V_INT:
		v = in->i;
		break;
	case CMIG_V_REAL:
		if (!isfinite(in->r))
			return cmig_convert_fail(why, "not an integer (a fractional part)");
		if (in->r < -9223372036854775808.0 || in->r >= 9223372036854775808.0)
			return cmig_convert_fail(why, "out of range for bigint");
		v = (long long)in->r; /* in range: the cast is defined; no libm needed */
		if ((double)v != in->r)
			return cmig_convert_fail(why, "not an integer (a fractional part)");
		break;
	case CMIG_V_TEXT: {
		const char *p = in->p;
		size_t n = in->n;
		trim(&p, &n);
		if (!parse_integer(p, n, &v, &overflow))
			return cmig_convert_fail(why, overflow ? "out of range for bigint" : "not an integer");
		break;
	}
	default:
		return cmig_convert_fail(why, "a BLOB is not an integer");
	}
	if (int_range(t->kind, v, why))
		return CMIG_ERROR;
	return out_int(out, t, v, scratch);
}

static int conv_number(cmig_value *out, const cmig_ctype *t, const cmig_value *in,
                       cmig_buf *scratch, const char **why)
{
	char num[40];

	switch (in->kind) {
	case CMIG_V_INT:
		return cmig_convert_out_ll(out, scratch, in->i);
	case CMIG_V_REAL:
		if (isnan(in->r) && t->kind == CMIG_CT_NUMERIC)
			return cmig_convert_out_text(out, "NaN", 3);
		cmig_convert_real_shortest(num, sizeof(num), in->r);
		return cmig_convert_out_printf(out, scratch, "%s", num);
	case CMIG_V_TEXT: {
		const char *p = in->p;
		size_t n = in->n;
		trim(&p, &n);
		if (!is_decimal(p, n))
			return cmig_convert_fail(why, "not a number (a decimal literal)");
		return cmig_convert_out_text(out, p, n);
	}
	default:
		return cmig_convert_fail(why, "a BLOB is not a number");
	}
}

static int conv_bytea(cmig_value *out, const cmig_ctype *t, const cmig_value *in,
                      cmig_buf *scratch, const char **why)
{
	static const char hx[] = "0123456789abcdef";
	char num[40];
	const char *p = in->p;
	size_t n = in->n;

	(void)why;
	if (in->kind == CMIG_V_INT) {
		snprintf(num, sizeof(num), "%lld", in->i);
		p = num, n = strlen(num);
	} else if (in->kind == CMIG_V_REAL) {
		cmig_convert_real_sqlite(num, sizeof(num), in->r);
		p = num, n = strlen(num);
	}
	if (t->sqlite) {
		if (p == num) {
			cmig_buf_clear(scratch);
			if (cmig_buf_add(scratch, num, n))
				return CMIG_ENOMEM;
			p = scratch->ptr;
		}
		out->kind = CMIG_V_BLOB;
		out->p = p;
		out->n = n;
		return CMIG_OK;
	}
	cmig_buf_clear(scratch);
	if (cmig_buf_grow(scratch, 2 + 2 * n))
		return CMIG_ENOMEM;
	scratch->ptr[0] = '\\';
	scratch->ptr[1] = 'x';
	for (size_t i = 0; i < n; i++) {
		scratch->ptr[2 + 2 * i] = hx[(unsigned char)p[i] >> 4];
		scratch->ptr[3 + 2 * i] = hx[(unsigned char)p[i] & 15];
	}
	scratch->len = 2 + 2 * n;
	scratch->ptr[scratch->len] = '\0';
	return cmig_convert_out_text(out, scratch->ptr, scratch->len);
}

int cmig_convert(cmig_value *out, const cmig_ctype *t, const cmig_value *in, cmig_buf *scratch,
                 const char **why)
{
	*why = NULL;
	if (in->kind == CMIG_V_NULL) {
		out->kind = CMIG_V_NULL;
		return CMIG_OK;
	}
	switch (t->kind) {
	case CMIG_CT_TEXT:
	case CMIG_CT_OTHER:
		return conv_text(out, t, in, scratch, why);
	case CMIG_CT_BOOL:
		return conv_bool(out, t, in, scratch, why);
	case CMIG_CT_JSON:
	case CMIG_CT_JSONB:
		return conv_json(out, t, in, scratch, why);
	case CMIG_CT_TIMESTAMP:
	case CMIG_CT_TIMESTAMPTZ:
	case CMIG_CT_DATE:
	case CMIG_CT_TIME:
		return cmig_convert_temporal(out, t, in, scratch, why);
	case CMIG_CT_INT2:
	case CMIG_CT_INT4:
	case CMIG_CT_INT8:
		return conv_int(out, t, in, scratch, why);
	case CMIG_CT_NUMERIC:
	case CMIG_CT_FLOAT4:
	case CMIG_CT_FLOAT8:
		return conv_number(out, t, in, scratch, why);
	case CMIG_CT_BYTEA:
		return conv_bytea(out, t, in, scratch, why);
	case CMIG_CT_SQ_BLOB:
	case CMIG_CT_SQ_TEXT:
	case CMIG_CT_SQ_INTEGER:
	case CMIG_CT_SQ_REAL:
	case CMIG_CT_SQ_NUMERIC:
		/* SQLite applies the column's affinity to the bound value itself; text is still
		 * checked, as for any text target */
		if (in->kind == CMIG_V_TEXT && memchr(in->p, 0, in->n))
			return cmig_convert_fail(why, "a NUL byte in text");
		if (in->kind == CMIG_V_TEXT && !cmig_convert_utf8_ok(in->p, in->n))
			return cmig_convert_fail(why, "invalid UTF-8");
		*out = *in;
		return CMIG_OK;
	}
	return cmig_convert_fail(why, "unknown target type");
}

/* ---- PostgreSQL sources ---------------------------------------------------------------- */

int cmig_convert_from_pg(cmig_value *out, const cmig_ctype *src, const char *text, size_t n,
                         cmig_buf *scratch, const char **why)
{
	bool overflow;

	*why = NULL;
	if (!text) {
		out->kind = CMIG_V_NULL;
		return CMIG_OK;
	}
	switch (src->kind) {
	case CMIG_CT_BOOL:
		out->kind = CMIG_V_INT;
		out->i = n == 1 && text[0] == 't';
		return CMIG_OK;
	case CMIG_CT_INT2:
	case CMIG_CT_INT4:
	case CMIG_CT_INT8:
		out->kind = CMIG_V_INT;
		if (!parse_integer(text, n, &out->i, &overflow))
			return cmig_convert_fail(why, "not an integer");
		return CMIG_OK;
	case CMIG_CT_FLOAT4:
	case CMIG_CT_FLOAT8: {
		char num[64];
		if (n >= sizeof(num))
			return cmig_convert_fail(why, "not a number");
		memcpy(num, text, n);
		num[n] = '\0';
		out->kind = CMIG_V_REAL;
		out->r = strtod(num, NULL);
		return CMIG_OK;
	}
	case CMIG_CT_BYTEA:
		if (n < 2 || text[0] != '\\' || text[1] != 'x' || n % 2)
			return cmig_convert_fail(why, "bytea not in hex format");
		cmig_buf_clear(scratch);
		if (cmig_buf_grow(scratch, n / 2))
			return CMIG_ENOMEM;
		for (size_t i = 2; i < n; i += 2) {
			int hi = cmig_text_hexval((unsigned char)text[i]), lo = cmig_text_hexval((unsigned char)text[i + 1]);
			if (hi < 0 || lo < 0)
				return cmig_convert_fail(why, "bytea not in hex format");
			scratch->ptr[scratch->len++] = (char)(hi << 4 | lo);
		}
		out->kind = CMIG_V_BLOB;
		out->p = scratch->ptr;
		out->n = scratch->len;
		return CMIG_OK;
	case CMIG_CT_TIMESTAMP:
	case CMIG_CT_TIMESTAMPTZ:
		return cmig_convert_pg_timestamp(out, text, n, scratch, why);
	default:
		return cmig_convert_out_text(out, text, n);
	}
}

/* ---- types ----------------------------------------------------------------------------- */

/* s starts with word and the next char is not a letter/digit/underscore. */
static bool word(const char *s, const char *w, const char **rest)
{
	size_t n = strlen(w);
	if (strncmp(s, w, n) || isalnum((unsigned char)s[n]) || s[n] == '_')
		return false;
	if (rest)
		*rest = s + n;
	return true;
}

/* "(n)" at s (after spaces): n, else -1. */
static long paren_len(const char *s)
{
	while (*s == ' ')
		s++;
	if (*s != '(')
		return -1;
	return strtol(s + 1, NULL, 10);
}

cmig_ctype cmig_convert_type_pg(const char *type)
{
	cmig_ctype t = { CMIG_CT_OTHER, false, false, -1 };
	char low[128];
	const char *rest;
	size_t n = 0;

	for (; type[n] && n < sizeof(low) - 1; n++)
		low[n] = (char)tolower((unsigned char)type[n]);
	low[n] = '\0';
	if (strchr(low, '['))
		return t;
	if (word(low, "boolean", NULL) || word(low, "bool", NULL))
		t.kind = CMIG_CT_BOOL;
	else if (word(low, "smallint", NULL) || word(low, "int2", NULL) ||
	         word(low, "smallserial", NULL))
		t.kind = CMIG_CT_INT2;
	else if (word(low, "integer", NULL) || word(low, "int", NULL) || word(low, "int4", NULL) ||
	         word(low, "serial", NULL))
		t.kind = CMIG_CT_INT4;
	else if (word(low, "bigint", NULL) || word(low, "int8", NULL) || word(low, "bigserial", NULL))
		t.kind = CMIG_CT_INT8;
	else if (word(low, "numeric", NULL) || word(low, "decimal", NULL))
		t.kind = CMIG_CT_NUMERIC;
	else if (word(low, "real", NULL) || word(low, "float4", NULL))
		t.kind = CMIG_CT_FLOAT4;
	else if (word(low, "double precision", NULL) || word(low, "float8", NULL) ||
	         word(low, "float", NULL))
		t.kind = CMIG_CT_FLOAT8;
	else if (word(low, "jsonb", NULL))
		t.kind = CMIG_CT_JSONB;
	else if (word(low, "json", NULL))
		t.kind = CMIG_CT_JSON;
	else if (word(low, "text", NULL) || word(low, "citext", NULL) || word(low, "name", NULL))
		t.kind = CMIG_CT_TEXT;
	else if (word(low, "character varying", &rest) || word(low, "varchar", &rest))
		t.kind = CMIG_CT_TEXT, t.maxlen = paren_len(rest);
	else if (word(low, "character", &rest) || word(low, "char", &rest) ||
	         word(low, "bpchar", &rest)) {
		t.kind = CMIG_CT_TEXT, t.blank_padded = true, t.maxlen = paren_len(rest);
		if (t.maxlen < 0 && strcmp(low, "bpchar"))
			t.maxlen = 1;
	} else if (word(low, "timestamptz", NULL))
		t.kind = CMIG_CT_TIMESTAMPTZ;
	else if (word(low, "timestamp", NULL))
		t.kind = strstr(low, "with time zone") && !strstr(low, "without")
		                 ? CMIG_CT_TIMESTAMPTZ : CMIG_CT_TIMESTAMP;
	else if (word(low, "date", NULL))
		t.kind = CMIG_CT_DATE;
	else if (word(low, "time", NULL))
		t.kind = strstr(low, "with time zone") && !strstr(low, "without") ? CMIG_CT_OTHER
		                                                                  : CMIG_CT_TIME;
	else if (word(low, "bytea", NULL))
		t.kind = CMIG_CT_BYTEA;
	return t;
}

cmig_ctype cmig_convert_type_sqlite(const char *decl)
{
	cmig_ctype t = { CMIG_CT_SQ_NUMERIC, true, false, -1 };
	char up[128];
	size_t n = 0;

	for (; decl && decl[n] && n < sizeof(up) - 1; n++)
		up[n] = (char)toupper((unsigned char)decl[n]);
	up[n] = '\0';
	if (strstr(up, "BOOL"))
		t.kind = CMIG_CT_BOOL;
	else if (strstr(up, "JSON"))
		t.kind = CMIG_CT_JSON;
	else if (strstr(up, "TIMESTAMP") || strstr(up, "DATETIME"))
		t.kind = CMIG_CT_TIMESTAMPTZ;
	else if (!strcmp(up, "DATE"))
		t.kind = CMIG_CT_DATE;
	else if (!strcmp(up, "TIME"))
		t.kind = CMIG_CT_TIME;
	/* SQLite's affinity rules, in its order (datatype3.html §3.1) */
	else if (strstr(up, "INT"))
		t.kind = CMIG_CT_SQ_INTEGER;
	else if (strstr(up, "CHAR") || strstr(up, "CLOB") || strstr(up, "TEXT"))
		t.kind = CMIG_CT_SQ_TEXT;
	else if (strstr(up, "BLOB") || n == 0)
		t.kind = CMIG_CT_SQ_BLOB;
	else if (strstr(up, "REAL") || strstr(up, "FLOA") || strstr(up, "DOUB"))
		t.kind = CMIG_CT_SQ_REAL;
	return t;
}

