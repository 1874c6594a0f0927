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
#include "convert.h"

#include <ctype.h>
#include <limits.h>
#include <stdarg.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cmig/cmig.h"

/* ---- UTF-8 ----------------------------------------------------------------------------- */

/* Length of the valid UTF-8 sequence at p (p < e, *p >= 0x80), or 0. */
static size_t utf8_seq(const unsigned char *p, const unsigned char *e)
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
		size_t l = utf8_seq(p, e);
		if (!l)
			return false;
		p += l;
	}
	return true;
}

/* Characters in valid UTF-8 text. */
static size_t utf8_chars(const char *s, size_t n)
{
	size_t c = 0;
	for (size_t i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			c++;
	return c;
}

/* ---- JSON ------------------------------------------------------------------------------ */

#define JSON_MAX_DEPTH 6400

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static bool hex4(const unsigned char *p, const unsigned char *e, unsigned *out)
{
	unsigned v = 0;
	if (e - p < 4)
		return false;
	for (int i = 0; i < 4; i++) {
		int h = hexval(p[i]);
		if (h < 0)
			return false;
		v = (v << 4) | (unsigned)h;
	}
	*out = v;
	return true;
}

/* p at the opening quote; returns the byte after the closing one, or NULL. */
static const unsigned char *json_string(const unsigned char *p, const unsigned char *e, bool jsonb,
                                        const char **why)
{
	p++;
	for (;;) {
		while (p < e && *p >= 0x20 && *p < 0x80 && *p != '"' && *p != '\\')
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
			size_t l = utf8_seq(p, e);
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

static int out_text(cmig_value *out, const char *p, size_t n)
{
	out->kind = CMIG_V_TEXT;
	out->p = p;
	out->n = n;
	return CMIG_OK;
}

/* Text written into scratch (cleared first). */
static int out_printf(cmig_value *out, cmig_buf *scratch, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int out_printf(cmig_value *out, cmig_buf *scratch, const char *fmt, ...)
{
	va_list ap;
	int rc;
	cmig_buf_clear(scratch);
	va_start(ap, fmt);
	rc = cmig_buf_vprintf(scratch, fmt, ap);
	va_end(ap);
	if (rc)
		return rc;
	return out_text(out, scratch->ptr, scratch->len);
}

static int out_int(cmig_value *out, const cmig_ctype *t, long long v, cmig_buf *scratch)
{
	if (t->sqlite) {
		out->kind = CMIG_V_INT;
		out->i = v;
		return CMIG_OK;
	}
	return out_printf(out, scratch, "%lld", v);
}

static int fail(const char **why, const char *msg)
{
	*why = msg;
	return CMIG_ERROR;
}

/* ---- timestamps ------------------------------------------------------------------------ */

struct ts {
	int y, mo, d, h, mi, s;
	const char *frac;        /* digits after the point, or NULL */
	size_t fracn;
	bool has_time, has_off;
	int off;                 /* minutes east of UTC */
};

static bool digits(const char *p, size_t n, int count, int *v)
{
	int x = 0;
	if ((size_t)count > n)
		return false;
	for (int i = 0; i < count; i++) {
		if (p[i] < '0' || p[i] > '9')
			return false;
		x = x * 10 + (p[i] - '0');
	}
	*v = x;
	return true;
}

static int days_in_month(int y, int m)
{
	static const int dm[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return dm[m - 1];
}

/* Days since 1970-01-01 of a civil date (proleptic Gregorian). */
static long long days_from_civil(long long y, int m, int d)
{
	y -= m <= 2;
	long long era = (y >= 0 ? y : y - 399) / 400;
	long long yoe = y - era * 400;
	long long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(long long z, int *y, int *m, int *d)
{
	z += 719468;
	long long era = (z >= 0 ? z : z - 146096) / 146097;
	long long doe = z - era * 146097;
	long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long long yy = yoe + era * 400;
	long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long long mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yy + (*m <= 2));
}

/* HH:MM[:SS[.frac]] at p; returns bytes used or 0. */
static size_t parse_time(const char *p, size_t n, struct ts *t)
{
	size_t i = 0;
	if (!digits(p, n, 2, &t->h) || n < 5 || p[2] != ':' || !digits(p + 3, n - 3, 2, &t->mi))
		return 0;
	i = 5;
	t->s = 0;
	t->frac = NULL;
	t->fracn = 0;
	if (i < n && p[i] == ':') {
		if (!digits(p + i + 1, n - i - 1, 2, &t->s))
			return 0;
		i += 3;
		if (i < n && p[i] == '.') {
			size_t f = ++i;
			while (i < n && p[i] >= '0' && p[i] <= '9')
				i++;
			if (i == f)
				return 0;
			t->frac = p + f;
			t->fracn = i - f;
		}
	}
	if (t->h > 23 || t->mi > 59 || t->s > 60)
		return 0;
	t->has_time = true;
	return i;
}

/* Z | [+-]HH[[:]MM] covering all of [p, p+n). */
static bool parse_offset(const char *p, size_t n, struct ts *t)
{
	int hh, mm = 0;
	if (n == 1 && (p[0] == 'Z' || p[0] == 'z')) {
		t->has_off = true;
		t->off = 0;
		return true;
	}
	if (n < 3 || (p[0] != '+' && p[0] != '-') || !digits(p + 1, n - 1, 2, &hh))
		return false;
	if (n == 6 && p[3] == ':') {
		if (!digits(p + 4, 2, 2, &mm))
			return false;
	} else if (n == 5) {
		if (!digits(p + 3, 2, 2, &mm))
			return false;
	} else if (n != 3) {
		return false;
	}
	if (hh > 15 || mm > 59)
		return false;
	t->has_off = true;
	t->off = (p[0] == '-' ? -1 : 1) * (hh * 60 + mm);
	return true;
}

/* RFC 3339 date or date-time, 'T' or space, optional offset. */
static bool parse_ts(const char *p, size_t n, struct ts *t)
{
	size_t i;
	memset(t, 0, sizeof(*t));
	if (n < 10 || !digits(p, n, 4, &t->y) || p[4] != '-' || !digits(p + 5, 2, 2, &t->mo) ||
	    p[7] != '-' || !digits(p + 8, 2, 2, &t->d))
		return false;
	if (t->y < 1 || t->mo < 1 || t->mo > 12 || t->d < 1 || t->d > days_in_month(t->y, t->mo))
		return false;
	if (n == 10)
		return true;
	if (p[10] != 'T' && p[10] != 't' && p[10] != ' ')
		return false;
	i = parse_time(p + 11, n - 11, t);
	if (!i)
		return false;
	i += 11;
	return i == n || parse_offset(p + i, n - i, t);
}

/* Unix seconds into a UTC civil time (years 1-9999). */
static bool ts_from_unix(long long v, struct ts *t)
{
	memset(t, 0, sizeof(*t));
	if (v < -62135596800LL || v > 253402300799LL)
		return false;
	long long days = v >= 0 ? v / 86400 : -((-v + 86399) / 86400);
	long long sod = v - days * 86400;
	civil_from_days(days, &t->y, &t->mo, &t->d);
	t->h = (int)(sod / 3600);
	t->mi = (int)(sod / 60 % 60);
	t->s = (int)(sod % 60);
	t->has_time = true;
	t->has_off = true;
	return true;
}

/* Shift to UTC (offset 0); false when the year leaves 1-9999. */
static bool ts_to_utc(struct ts *t)
{
	if (!t->has_off || t->off == 0) {
		t->has_off = true;
		t->off = 0;
		return true;
	}
	long long secs = days_from_civil(t->y, t->mo, t->d) * 86400LL + t->h * 3600LL +
	                 t->mi * 60LL + t->s - t->off * 60LL;
	long long days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
	long long sod = secs - days * 86400;
	civil_from_days(days, &t->y, &t->mo, &t->d);
	if (t->y < 1 || t->y > 9999)
		return false;
	t->h = (int)(sod / 3600);
	t->mi = (int)(sod / 60 % 60);
	t->s = (int)(sod % 60);
	t->off = 0;
	return true;
}

static int put_ts(cmig_value *out, cmig_buf *scratch, const struct ts *t, char sep, bool offset)
{
	int rc;
	cmig_buf_clear(scratch);
	rc = cmig_buf_printf(scratch, "%04d-%02d-%02d%c%02d:%02d:%02d", t->y, t->mo, t->d, sep,
	                     t->h, t->mi, t->s);
	if (!rc && t->frac)
		rc = cmig_buf_printf(scratch, ".%.*s", (int)t->fracn, t->frac);
	if (!rc && offset) {
		int o = t->has_off ? t->off : 0;
		rc = cmig_buf_printf(scratch, "%c%02d:%02d", o < 0 ? '-' : '+', abs(o) / 60,
		                     abs(o) % 60);
	}
	if (rc)
		return rc;
	return out_text(out, scratch->ptr, scratch->len);
}

static int conv_temporal(cmig_value *out, const cmig_ctype *t, const cmig_value *in,
                         cmig_buf *scratch, const char **why)
{
	struct ts ts;

	if (in->kind == CMIG_V_REAL)
		return fail(why, "a REAL is not a timestamp (ambiguous: use RFC 3339 text or "
		                 "integer Unix seconds)");
	if (in->kind == CMIG_V_BLOB)
		return fail(why, "a BLOB is not a timestamp");
	if (t->kind == CMIG_CT_TIME) {
		if (in->kind == CMIG_V_INT) {
			if (!ts_from_unix(in->i, &ts))
				return fail(why, "out of range for a timestamp (years 1-9999)");
		} else {
			memset(&ts, 0, sizeof(ts));
			if (parse_time(in->p, in->n, &ts) != in->n)
				return fail(why, "not an ISO-8601 time (HH:MM:SS)");
		}
		cmig_buf_clear(scratch);
		if (cmig_buf_printf(scratch, "%02d:%02d:%02d", ts.h, ts.mi, ts.s) ||
		    (ts.frac && cmig_buf_printf(scratch, ".%.*s", (int)ts.fracn, ts.frac)))
			return CMIG_ENOMEM;
		return out_text(out, scratch->ptr, scratch->len);
	}
	if (in->kind == CMIG_V_INT) {
		if (!ts_from_unix(in->i, &ts))
			return fail(why, "out of range for a timestamp (Unix seconds, years 1-9999)");
	} else if (!parse_ts(in->p, in->n, &ts)) {
		return fail(why, "not an ISO-8601 timestamp (RFC 3339)");
	}
	if (t->kind == CMIG_CT_DATE) {
		if (ts.h || ts.mi || ts.s || (ts.frac && strspn(ts.frac, "0") < ts.fracn))
			return fail(why, "a date with a non-zero time part");
		return out_printf(out, scratch, "%04d-%02d-%02d", ts.y, ts.mo, ts.d);
	}
	if (t->sqlite)
		return put_ts(out, scratch, &ts, 'T', true);
	if (t->kind == CMIG_CT_TIMESTAMP) {
		if (!ts_to_utc(&ts))
			return fail(why, "out of range for a timestamp (years 1-9999)");
		return put_ts(out, scratch, &ts, ' ', false);
	}
	return put_ts(out, scratch, &ts, ' ', true);
}

/* ---- the conversions ------------------------------------------------------------------- */

static int conv_text(cmig_value *out, const cmig_ctype *t, const cmig_value *in,
                     cmig_buf *scratch, const char **why)
{
	char num[40];

	switch (in->kind) {
	case CMIG_V_INT:
		return out_printf(out, scratch, "%lld", in->i);
	case CMIG_V_REAL:
		cmig_convert_real_sqlite(num, sizeof(num), in->r);
		return out_printf(out, scratch, "%s", num);
	default:
		break;
	}
	if (memchr(in->p, 0, in->n))
		return fail(why, "a NUL byte in text");
	if (!cmig_convert_utf8_ok(in->p, in->n))
		return fail(why, "invalid UTF-8");
	if (t->maxlen >= 0 && in->n > (size_t)t->maxlen) {
		size_t chars = utf8_chars(in->p, in->n);
		if (chars > (size_t)t->maxlen) {
			/* PostgreSQL drops excess trailing spaces silently, refuses anything else */
			size_t n = in->n, c = chars;
			while (c > (size_t)t->maxlen && n && in->p[n - 1] == ' ')
				n--, c--;
			if (c > (size_t)t->maxlen)
				return fail(why, t->blank_padded ? "too long for character(n)"
				                                 : "too long for character varying(n)");
			return out_text(out, in->p, n);
		}
	}
	return out_text(out, in->p, in->n);
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
		return fail(why, "not a boolean (1/0, t/f, true/false, yes/no, on/off)");
	if (t->sqlite) {
		out->kind = CMIG_V_INT;
		out->i = v;
		return CMIG_OK;
	}
	(void)scratch;
	return out_text(out, v ? "t" : "f", 1);
}

static int conv_json(cmig_value *out, const cmig_ctype *t, const cmig_value *in,
                     cmig_buf *scratch, const char **why)
{
	char num[40];

	if (in->kind == CMIG_V_INT)
		return out_printf(out, scratch, "%lld", in->i);
	if (in->kind == CMIG_V_REAL) {
		if (!isfinite(in->r))
			return fail(why, "not valid JSON (an infinite number)");
		cmig_convert_real_shortest(num, sizeof(num), in->r);
		return out_printf(out, scratch, "%s", num);
	}
	if (in->kind == CMIG_V_BLOB)
		return fail(why, "a BLOB is not JSON text");
	if (!cmig_convert_json_ok(in->p, in->n, t->kind == CMIG_CT_JSONB, why))
		return CMIG_ERROR;
	return out_text(out, in->p, in->n);
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
		if (!isfinite(in->r) || in->r != floor(in->r))
			return fail(why, "not an integer (a fractional part)");
		if (in->r < -9223372036854775808.0 || in->r >= 9223372036854775808.0)
			return fail(why, "out of range for bigint");
		v = (long long)in->r;
		break;
	case CMIG_V_TEXT: {
		const char *p = in->p;
		size_t n = in->n;
		trim(&p, &n);
		if (!parse_integer(p, n, &v, &overflow))
			return fail(why, overflow ? "out of range for bigint" : "not an integer");
		break;
	}
	default:
		return fail(why, "a BLOB is not an integer");
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
		return out_printf(out, scratch, "%lld", in->i);
	case CMIG_V_REAL:
		if (isnan(in->r) && t->kind == CMIG_CT_NUMERIC)
			return out_text(out, "NaN", 3);
		cmig_convert_real_shortest(num, sizeof(num), in->r);
		return out_printf(out, scratch, "%s", num);
	case CMIG_V_TEXT: {
		const char *p = in->p;
		size_t n = in->n;
		trim(&p, &n);
		if (!is_decimal(p, n))
			return fail(why, "not a number (a decimal literal)");
		return out_text(out, p, n);
	}
	default:
		return fail(why, "a BLOB is not a number");
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
	return out_text(out, scratch->ptr, scratch->len);
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
		return conv_temporal(out, t, in, scratch, why);
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
			return fail(why, "a NUL byte in text");
		if (in->kind == CMIG_V_TEXT && !cmig_convert_utf8_ok(in->p, in->n))
			return fail(why, "invalid UTF-8");
		*out = *in;
		return CMIG_OK;
	}
	return fail(why, "unknown target type");
}

/* ---- PostgreSQL sources ---------------------------------------------------------------- */

int cmig_convert_from_pg(cmig_value *out, const cmig_ctype *src, const char *text, size_t n,
                         cmig_buf *scratch, const char **why)
{
	bool overflow;
	struct ts ts;

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
			return fail(why, "not an integer");
		return CMIG_OK;
	case CMIG_CT_FLOAT4:
	case CMIG_CT_FLOAT8: {
		char num[64];
		if (n >= sizeof(num))
			return fail(why, "not a number");
		memcpy(num, text, n);
		num[n] = '\0';
		out->kind = CMIG_V_REAL;
		out->r = strtod(num, NULL);
		return CMIG_OK;
	}
	case CMIG_CT_BYTEA:
		if (n < 2 || text[0] != '\\' || text[1] != 'x' || n % 2)
			return fail(why, "bytea not in hex format");
		cmig_buf_clear(scratch);
		if (cmig_buf_grow(scratch, n / 2))
			return CMIG_ENOMEM;
		for (size_t i = 2; i < n; i += 2) {
			int hi = hexval((unsigned char)text[i]), lo = hexval((unsigned char)text[i + 1]);
			if (hi < 0 || lo < 0)
				return fail(why, "bytea not in hex format");
			scratch->ptr[scratch->len++] = (char)(hi << 4 | lo);
		}
		out->kind = CMIG_V_BLOB;
		out->p = scratch->ptr;
		out->n = scratch->len;
		return CMIG_OK;
	case CMIG_CT_TIMESTAMP:
	case CMIG_CT_TIMESTAMPTZ:
		if (!parse_ts(text, n, &ts))
			return fail(why, "a timestamp outside years 1-9999 or infinite");
		return put_ts(out, scratch, &ts, 'T', true);
	default:
		return out_text(out, text, n);
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

/* ---- text for COPY and for messages ---------------------------------------------------- */

int cmig_convert_copy_escape(cmig_buf *out, const char *p, size_t n)
{
	const char *e = p + n, *run = p;

	if (cmig_buf_grow(out, n + 16))
		return CMIG_ENOMEM;
	for (; p < e; p++) {
		char c = *p, r;
		if (c == '\\')
			r = '\\';
		else if (c == '\t')
			r = 't';
		else if (c == '\n')
			r = 'n';
		else if (c == '\r')
			r = 'r';
		else
			continue;
		if (cmig_buf_add(out, run, (size_t)(p - run)) || cmig_buf_putc(out, '\\') ||
		    cmig_buf_putc(out, r))
			return CMIG_ENOMEM;
		run = p + 1;
	}
	return cmig_buf_add(out, run, (size_t)(e - run));
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
		size_t l = *p < 0x80 ? 1 : utf8_seq(p, e);
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
