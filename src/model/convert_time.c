/*
 * convert_time.c - timestamps, dates and times for SPEC §9's conversions (see convert.h):
 * RFC 3339 text with 'T' or a space, an optional fraction and offset (none means UTC), and
 * integers as Unix seconds, always within years 1-9999 of the proleptic Gregorian calendar.
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
#include "cmig/cmig.h"

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

/* Two digits of v (0-99) at o. */
static char *two(char *o, int v)
{
	o[0] = (char)('0' + v / 10);
	o[1] = (char)('0' + v % 10);
	return o + 2;
}

/* YYYY-MM-DD<sep>HH:MM:SS[.frac][+HH:MM], written by hand (printf was a third of a copy's
 * client time). */
static int put_ts(cmig_value *out, cmig_buf *scratch, const struct ts *t, char sep, bool offset)
{
	char *o;
	cmig_buf_clear(scratch);
	if (cmig_buf_grow(scratch, 32 + t->fracn))
		return CMIG_ENOMEM;
	o = scratch->ptr;
	o = two(o, t->y / 100);
	o = two(o, t->y % 100);
	*o++ = '-';
	o = two(o, t->mo);
	*o++ = '-';
	o = two(o, t->d);
	*o++ = sep;
	o = two(o, t->h);
	*o++ = ':';
	o = two(o, t->mi);
	*o++ = ':';
	o = two(o, t->s);
	if (t->frac) {
		*o++ = '.';
		memcpy(o, t->frac, t->fracn);
		o += t->fracn;
	}
	if (offset) {
		int off = t->has_off ? t->off : 0;
		*o++ = off < 0 ? '-' : '+';
		o = two(o, abs(off) / 60);
		*o++ = ':';
		o = two(o, abs(off) % 60);
	}
	scratch->len = (size_t)(o - scratch->ptr);
	scratch->ptr[scratch->len] = '\0';
	return cmig_convert_out_text(out, scratch->ptr, scratch->len);
}

int cmig_convert_temporal(cmig_value *out, const cmig_ctype *t, const cmig_value *in,
                         cmig_buf *scratch, const char **why)
{
	struct ts ts;

	if (in->kind == CMIG_V_REAL)
		return cmig_convert_fail(why, "a REAL is not a timestamp (ambiguous: use RFC 3339 text or "
		                 "integer Unix seconds)");
	if (in->kind == CMIG_V_BLOB)
		return cmig_convert_fail(why, "a BLOB is not a timestamp");
	if (t->kind == CMIG_CT_TIME) {
		if (in->kind == CMIG_V_INT) {
			if (!ts_from_unix(in->i, &ts))
				return cmig_convert_fail(why, "out of range for a timestamp (years 1-9999)");
		} else {
			memset(&ts, 0, sizeof(ts));
			if (parse_time(in->p, in->n, &ts) != in->n)
				return cmig_convert_fail(why, "not an ISO-8601 time (HH:MM:SS)");
		}
		cmig_buf_clear(scratch);
		if (cmig_buf_printf(scratch, "%02d:%02d:%02d", ts.h, ts.mi, ts.s) ||
		    (ts.frac && cmig_buf_printf(scratch, ".%.*s", (int)ts.fracn, ts.frac)))
			return CMIG_ENOMEM;
		return cmig_convert_out_text(out, scratch->ptr, scratch->len);
	}
	if (in->kind == CMIG_V_INT) {
		if (!ts_from_unix(in->i, &ts))
			return cmig_convert_fail(why, "out of range for a timestamp (Unix seconds, years 1-9999)");
	} else if (!parse_ts(in->p, in->n, &ts)) {
		return cmig_convert_fail(why, "not an ISO-8601 timestamp (RFC 3339)");
	}
	if (t->kind == CMIG_CT_DATE) {
		if (ts.h || ts.mi || ts.s || (ts.frac && strspn(ts.frac, "0") < ts.fracn))
			return cmig_convert_fail(why, "a date with a non-zero time part");
		return cmig_convert_out_printf(out, scratch, "%04d-%02d-%02d", ts.y, ts.mo, ts.d);
	}
	if (t->sqlite)
		return put_ts(out, scratch, &ts, 'T', true);
	if (t->kind == CMIG_CT_TIMESTAMP) {
		if (!ts_to_utc(&ts))
			return cmig_convert_fail(why, "out of range for a timestamp (years 1-9999)");
		return put_ts(out, scratch, &ts, ' ', false);
	}
	return put_ts(out, scratch, &ts, ' ', true);
}

/* A PostgreSQL timestamp's text (DateStyle ISO) as RFC 3339 with an offset. */
int cmig_convert_pg_timestamp(cmig_value *out, const char *text, size_t n, cmig_buf *scratch,
                              const char **why)
{
	struct ts ts;
	if (!parse_ts(text, n, &ts))
		return cmig_convert_fail(why, "a timestamp outside years 1-9999 or infinite");
	return put_ts(out, scratch, &ts, 'T', true);
}
