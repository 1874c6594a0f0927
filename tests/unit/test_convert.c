/*
 * test_convert.c - model/convert.c: SPEC §9's value conversions, one test per rule, with the
 * values the issue lists as bad input (2 into boolean, 'abc' and 2.5 into integer, text that
 * is not JSON, a NUL byte, invalid UTF-8, a timestamp that is not ISO-8601).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cmig/cmig.h"
#include "convert.h"

static cmig_buf scratch = CMIG_BUF_INIT;
static char got[4096];
static const char *why;

static cmig_value T(const char *s) { return (cmig_value){ CMIG_V_TEXT, 0, 0, s, strlen(s) }; }
static cmig_value TN(const char *s, size_t n) { return (cmig_value){ CMIG_V_TEXT, 0, 0, s, n }; }
static cmig_value I(long long i) { return (cmig_value){ CMIG_V_INT, i, 0, NULL, 0 }; }
static cmig_value R(double r) { return (cmig_value){ CMIG_V_REAL, 0, r, NULL, 0 }; }
static cmig_value B(const char *s, size_t n) { return (cmig_value){ CMIG_V_BLOB, 0, 0, s, n }; }

/* Convert v to the PostgreSQL type; on success got holds the text ("NULL" for NULL). */
static int pg(const char *type, cmig_value v)
{
	cmig_ctype t = cmig_convert_type_pg(type);
	cmig_value out;
	int rc = cmig_convert(&out, &t, &v, &scratch, &why);
	got[0] = '\0';
	if (rc == CMIG_OK) {
		if (out.kind == CMIG_V_NULL)
			strcpy(got, "NULL");
		else {
			assert_int_equal(out.kind, CMIG_V_TEXT);
			assert_true(out.n < sizeof(got));
			memcpy(got, out.p, out.n);
			got[out.n] = '\0';
		}
	} else {
		assert_non_null(why);
	}
	return rc;
}

static cmig_value sq_out;
static int sq(const char *decl, cmig_value v)
{
	cmig_ctype t = cmig_convert_type_sqlite(decl);
	int rc = cmig_convert(&sq_out, &t, &v, &scratch, &why);
	got[0] = '\0';
	if (rc == CMIG_OK && (sq_out.kind == CMIG_V_TEXT || sq_out.kind == CMIG_V_BLOB)) {
		memcpy(got, sq_out.p, sq_out.n);
		got[sq_out.n] = '\0';
	}
	return rc;
}

#define OK_PG(type, v, expect)                                  \
	do {                                                    \
		assert_int_equal(pg(type, v), CMIG_OK);         \
		assert_string_equal(got, expect);               \
	} while (0)
#define OK_SQ(decl, v, expect)                                  \
	do {                                                    \
		assert_int_equal(sq(decl, v), CMIG_OK);         \
		assert_string_equal(got, expect);               \
	} while (0)
#define BAD_PG(type, v, phrase)                                 \
	do {                                                    \
		assert_int_equal(pg(type, v), CMIG_ERROR);      \
		assert_non_null(strstr(why, phrase));           \
	} while (0)

/* SPEC §9: boolean: 1/0 (integer or text), t/f, true/false, yes/no, on/off, in any case */
static void test_convert_boolean(void **state)
{
	(void)state;
	OK_PG("boolean", I(1), "t");
	OK_PG("boolean", I(0), "f");
	OK_PG("boolean", T("1"), "t");
	OK_PG("boolean", T("0"), "f");
	OK_PG("boolean", T("TRUE"), "t");
	OK_PG("boolean", T("False"), "f");
	OK_PG("boolean", T("t"), "t");
	OK_PG("boolean", T("F"), "f");
	OK_PG("boolean", T("Yes"), "t");
	OK_PG("boolean", T("no"), "f");
	OK_PG("boolean", T("ON"), "t");
	OK_PG("boolean", T("off"), "f");
	BAD_PG("boolean", I(2), "not a boolean");
	BAD_PG("boolean", T("2"), "not a boolean");
	BAD_PG("boolean", T("tru"), "not a boolean");
	BAD_PG("boolean", T(""), "not a boolean");
	BAD_PG("boolean", R(1.0), "not a boolean");
	BAD_PG("boolean", I(-1), "not a boolean");
	/* into SQLite: 0/1 integers */
	assert_int_equal(sq("BOOLEAN", T("true")), CMIG_OK);
	assert_int_equal(sq_out.kind, CMIG_V_INT);
	assert_int_equal(sq_out.i, 1);
	assert_int_equal(sq("bool", I(0)), CMIG_OK);
	assert_int_equal(sq_out.i, 0);
	assert_int_equal(sq("BOOLEAN", I(2)), CMIG_ERROR);
}

/* SPEC §9: json/jsonb: text that is valid JSON; anything else is an error */
static void test_convert_json(void **state)
{
	(void)state;
	OK_PG("jsonb", T("{\"a\": [1, 2.5e3, -0, true, false, null, \"x\\u00e9\\n\"]}"),
	      "{\"a\": [1, 2.5e3, -0, true, false, null, \"x\\u00e9\\n\"]}");
	OK_PG("jsonb", T("  [ ]  "), "  [ ]  ");
	OK_PG("json", T("\"\\ud83d\\ude00 caf\xc3\xa9\""), "\"\\ud83d\\ude00 caf\xc3\xa9\"");
	OK_PG("jsonb", T("{}"), "{}");
	OK_PG("jsonb", I(42), "42");
	OK_PG("jsonb", R(0.1), "0.1");
	BAD_PG("jsonb", T("abc"), "not valid JSON");
	BAD_PG("jsonb", T("{'a': 1}"), "not valid JSON");
	BAD_PG("jsonb", T("[1,]"), "not valid JSON");
	BAD_PG("jsonb", T("{\"a\" 1}"), "not valid JSON");
	BAD_PG("jsonb", T("{\"a\":1}}"), "not valid JSON");
	BAD_PG("jsonb", T("[1 2]"), "not valid JSON");
	BAD_PG("jsonb", T("01"), "not valid JSON");
	BAD_PG("jsonb", T("1."), "not valid JSON");
	BAD_PG("jsonb", T("\"tab\there\""), "control character");
	BAD_PG("jsonb", T("\"\\x\""), "bad escape");
	BAD_PG("jsonb", T("\"\\ud83d\""), "unpaired surrogate");
	BAD_PG("jsonb", T("\"\\ude00\""), "unpaired surrogate");
	BAD_PG("jsonb", T("\"\xff\""), "invalid UTF-8");
	BAD_PG("jsonb", T("\"\\u0000\""), "\\u0000");
	OK_PG("json", T("\"\\u0000\""), "\"\\u0000\""); /* json keeps it, jsonb cannot */
	BAD_PG("jsonb", T(""), "not valid JSON");
	BAD_PG("jsonb", TN("[1]\0", 4), "not valid JSON");
	BAD_PG("jsonb", B("{}", 2), "BLOB");
	/* nesting: deep is fine, beyond the bound is refused, not a crash */
	static char deep[20002];
	memset(deep, '[', 10000);
	memset(deep + 10000, ']', 10000);
	deep[20000] = '\0';
	BAD_PG("jsonb", T(deep), "nested too deeply");
	memset(deep, '[', 1000);
	memset(deep + 1000, ']', 1000);
	deep[2000] = '\0';
	assert_int_equal(pg("jsonb", T(deep)), CMIG_OK);
	/* into SQLite: the same text */
	OK_SQ("JSON", T("{\"k\":1}"), "{\"k\":1}");
	assert_int_equal(sq_out.kind, CMIG_V_TEXT);
	assert_int_equal(sq("JSON", T("nope")), CMIG_ERROR);
}

/* SPEC §9: timestamps: RFC 3339 with T or space, no offset meaning UTC; integers as Unix
 * seconds (years 1-9999); a REAL is an error; into date a non-zero time part is an error */
static void test_convert_timestamps(void **state)
{
	(void)state;
	OK_PG("timestamp with time zone", T("2024-03-01 12:34:56"), "2024-03-01 12:34:56+00:00");
	OK_PG("timestamp with time zone", T("2024-03-01T12:34:56.123Z"),
	      "2024-03-01 12:34:56.123+00:00");
	OK_PG("timestamptz", T("2024-03-01t12:34:56+05:30"), "2024-03-01 12:34:56+05:30");
	OK_PG("timestamptz", T("2024-03-01 12:34:56-0800"), "2024-03-01 12:34:56-08:00");
	OK_PG("timestamptz", T("2024-03-01 12:34:56+02"), "2024-03-01 12:34:56+02:00");
	OK_PG("timestamptz", T("2024-02-29"), "2024-02-29 00:00:00+00:00");
	OK_PG("timestamptz", I(0), "1970-01-01 00:00:00+00:00");
	OK_PG("timestamptz", I(1700000000), "2023-11-14 22:13:20+00:00");
	OK_PG("timestamptz", I(-1), "1969-12-31 23:59:59+00:00");
	OK_PG("timestamptz", I(-62135596800LL), "0001-01-01 00:00:00+00:00");
	OK_PG("timestamptz", I(253402300799LL), "9999-12-31 23:59:59+00:00");
	BAD_PG("timestamptz", I(253402300800LL), "out of range");
	BAD_PG("timestamptz", I(-62135596801LL), "out of range");
	/* without time zone: an offset is shifted to UTC wall time */
	OK_PG("timestamp without time zone", T("2024-03-01T01:00:00+02:00"), "2024-02-29 23:00:00");
	OK_PG("timestamp(3) without time zone", T("2024-03-01 12:00:00.5"), "2024-03-01 12:00:00.5");
	OK_PG("timestamp", T("2024-12-31T23:30:00-01:00"), "2025-01-01 00:30:00");
	BAD_PG("timestamptz", R(1700000000.5), "REAL");
	BAD_PG("timestamptz", T("01/02/2024"), "ISO-8601");
	BAD_PG("timestamptz", T("2024-02-30 00:00:00"), "ISO-8601");
	BAD_PG("timestamptz", T("2023-02-29"), "ISO-8601");
	BAD_PG("timestamptz", T("2024-13-01"), "ISO-8601");
	BAD_PG("timestamptz", T("2024-01-01 24:00:00"), "ISO-8601");
	BAD_PG("timestamptz", T("2024-01-01X10:00:00"), "ISO-8601");
	BAD_PG("timestamptz", T("2024-01-01 10:00:00 UTC"), "ISO-8601");
	BAD_PG("timestamptz", T("0000-01-01"), "ISO-8601");
	BAD_PG("timestamptz", T("yesterday"), "ISO-8601");
	BAD_PG("timestamptz", T(""), "ISO-8601");
	/* date */
	OK_PG("date", T("2024-03-01"), "2024-03-01");
	OK_PG("date", T("2024-03-01 00:00:00"), "2024-03-01");
	OK_PG("date", I(86400), "1970-01-02");
	BAD_PG("date", T("2024-03-01 00:00:01"), "non-zero time");
	BAD_PG("date", I(86401), "non-zero time");
	/* time */
	OK_PG("time without time zone", T("12:34:56"), "12:34:56");
	OK_PG("time", T("07:05"), "07:05:00");
	OK_PG("time", T("23:59:59.999"), "23:59:59.999");
	BAD_PG("time", T("25:00:00"), "time");
	/* into SQLite: RFC 3339 text with offset */
	OK_SQ("TIMESTAMP", T("2024-03-01 12:34:56"), "2024-03-01T12:34:56+00:00");
	OK_SQ("DATETIME", I(0), "1970-01-01T00:00:00+00:00");
	OK_SQ("DATE", T("2024-03-01"), "2024-03-01");
}

/* SPEC §9: integer types: an INTEGER, a REAL with no fractional part, or text matching
 * [+-]?[0-9]+ after trimming ASCII spaces, within the type's range; 2.5 is an error */
static void test_convert_integers(void **state)
{
	(void)state;
	OK_PG("integer", I(7), "7");
	OK_PG("integer", R(3.0), "3");
	OK_PG("integer", T("  -12 "), "-12");
	OK_PG("integer", T("+5"), "5");
	OK_PG("bigint", T("-9223372036854775808"), "-9223372036854775808");
	OK_PG("bigint", T("9223372036854775807"), "9223372036854775807");
	BAD_PG("bigint", T("9223372036854775808"), "out of range");
	OK_PG("smallint", I(-32768), "-32768");
	BAD_PG("smallint", I(32768), "out of range for smallint");
	OK_PG("integer", I(2147483647), "2147483647");
	BAD_PG("integer", I(2147483648LL), "out of range for integer");
	BAD_PG("integer", T("-2147483649"), "out of range for integer");
	BAD_PG("integer", T("abc"), "not an integer");
	BAD_PG("integer", R(2.5), "fractional");
	BAD_PG("integer", T("2.5"), "not an integer");
	BAD_PG("integer", T("1e3"), "not an integer");
	BAD_PG("integer", T(""), "not an integer");
	BAD_PG("integer", T("+"), "not an integer");
	BAD_PG("integer", T("1 2"), "not an integer");
	BAD_PG("integer", T("\t1"), "not an integer"); /* only ASCII spaces are trimmed */
	BAD_PG("bigint", R(1e19), "out of range");
	BAD_PG("bigint", R(1.0 / 0.0), "fractional");
	BAD_PG("integer", B("\x01", 1), "BLOB");
}

/* SPEC §9: numeric, real, double: integers, reals (a REAL to numeric as its shortest
 * round-trip decimal), text that is a decimal literal with an optional exponent */
static void test_convert_numbers(void **state)
{
	(void)state;
	OK_PG("numeric(10,2)", I(12), "12");
	OK_PG("numeric", R(0.1), "0.1");
	OK_PG("numeric", R(1.0 / 3.0), "0.3333333333333333");
	OK_PG("numeric", R(1e300), "1e+300");
	OK_PG("double precision", R(-2.5), "-2.5");
	OK_PG("real", T(" 1.5e-3 "), "1.5e-3");
	OK_PG("numeric", T(".5"), ".5");
	OK_PG("numeric", T("5."), "5.");
	OK_PG("numeric", T("-12.34E+5"), "-12.34E+5");
	OK_PG("double precision", R(1.0 / 0.0), "Infinity");
	BAD_PG("numeric", T("1,5"), "not a number");
	BAD_PG("numeric", T("abc"), "not a number");
	BAD_PG("numeric", T("1e"), "not a number");
	BAD_PG("numeric", T("."), "not a number");
	BAD_PG("numeric", T("0x10"), "not a number");
	char buf[40];
	double samples[] = { 0.1, 1.0 / 3.0, 123456789.123456789, 5e-324, 1.7976931348623157e308 };
	for (size_t i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
		cmig_convert_real_shortest(buf, sizeof(buf), samples[i]);
		assert_true(strtod(buf, NULL) == samples[i]);
	}
	cmig_convert_real_shortest(buf, sizeof(buf), 0.3);
	assert_string_equal(buf, "0.3");
	/* SQLite's CAST(x AS TEXT) form */
	cmig_convert_real_sqlite(buf, sizeof(buf), 1.0);
	assert_string_equal(buf, "1.0");
	cmig_convert_real_sqlite(buf, sizeof(buf), 1e20);
	assert_string_equal(buf, "1.0e+20");
	cmig_convert_real_sqlite(buf, sizeof(buf), 2.5);
	assert_string_equal(buf, "2.5");
}

/* SPEC §9: text, varchar, char: anything, numbers as CAST(x AS TEXT); a NUL byte or invalid
 * UTF-8 is an error; a value longer than varchar(n) is an error */
static void test_convert_text(void **state)
{
	(void)state;
	OK_PG("text", T("héllo\tworld\n"), "héllo\tworld\n");
	OK_PG("text", I(-3), "-3");
	OK_PG("text", R(1.0), "1.0");
	OK_PG("text", R(0.5), "0.5");
	OK_PG("text", B("ab", 2), "ab");
	BAD_PG("text", TN("a\0b", 3), "NUL byte");
	BAD_PG("text", T("a\xff"), "invalid UTF-8");
	BAD_PG("text", T("\xc0\xaf"), "invalid UTF-8");          /* overlong */
	BAD_PG("text", T("\xed\xa0\x80"), "invalid UTF-8");      /* a surrogate */
	BAD_PG("text", T("\xf4\x90\x80\x80"), "invalid UTF-8");  /* beyond U+10FFFF */
	BAD_PG("text", T("abc\xe2\x82"), "invalid UTF-8");       /* truncated */
	BAD_PG("text", B("\xff", 1), "invalid UTF-8");
	OK_PG("character varying(3)", T("héé"), "héé");          /* characters, not bytes */
	BAD_PG("character varying(3)", T("abcd"), "too long for character varying");
	OK_PG("character varying(3)", T("abc  "), "abc");        /* as PostgreSQL does */
	BAD_PG("character(2)", T("abc"), "too long for character(n)");
	OK_PG("character varying", T("any length at all"), "any length at all");
	OK_PG("uuid", T("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"),
	      "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
	/* long ASCII runs go through the word-at-a-time path */
	static char longtext[300];
	memset(longtext, 'x', 299);
	assert_true(cmig_convert_utf8_ok(longtext, 299));
	longtext[150] = '\0';
	assert_false(cmig_convert_utf8_ok(longtext, 299));
	/* into SQLite text */
	assert_int_equal(sq("VARCHAR(5)", TN("x\0y", 3)), CMIG_ERROR);
	assert_int_equal(sq("TEXT", T("ok")), CMIG_OK);
}

/* SPEC §9: bytea: BLOBs (text as its UTF-8 bytes) */
static void test_convert_bytea(void **state)
{
	(void)state;
	OK_PG("bytea", B("\x00\xff\x10", 3), "\\x00ff10");
	OK_PG("bytea", T("é"), "\\xc3a9");
	OK_PG("bytea", B("", 0), "\\x");
}

/* Going to SQLite, values are stored under the column's affinity */
static void test_convert_sqlite_affinity(void **state)
{
	(void)state;
	assert_int_equal(cmig_convert_type_sqlite("INTEGER").kind, CMIG_CT_SQ_INTEGER);
	assert_int_equal(cmig_convert_type_sqlite("BIGINT").kind, CMIG_CT_SQ_INTEGER);
	assert_int_equal(cmig_convert_type_sqlite("VARCHAR(20)").kind, CMIG_CT_SQ_TEXT);
	assert_int_equal(cmig_convert_type_sqlite("CLOB").kind, CMIG_CT_SQ_TEXT);
	assert_int_equal(cmig_convert_type_sqlite("").kind, CMIG_CT_SQ_BLOB);
	assert_int_equal(cmig_convert_type_sqlite("BLOB").kind, CMIG_CT_SQ_BLOB);
	assert_int_equal(cmig_convert_type_sqlite("DOUBLE").kind, CMIG_CT_SQ_REAL);
	assert_int_equal(cmig_convert_type_sqlite("DECIMAL(10,2)").kind, CMIG_CT_SQ_NUMERIC);
	assert_int_equal(cmig_convert_type_sqlite("BOOLEAN").kind, CMIG_CT_BOOL);
	assert_int_equal(cmig_convert_type_sqlite("jsonb").kind, CMIG_CT_JSON);
	assert_int_equal(cmig_convert_type_sqlite("TIMESTAMP").kind, CMIG_CT_TIMESTAMPTZ);
	assert_int_equal(sq("INTEGER", R(2.0)), CMIG_OK);
	assert_int_equal(sq_out.kind, CMIG_V_REAL); /* SQLite's affinity makes it 2 */
	assert_int_equal(sq("BLOB", B("\x01\x02", 2)), CMIG_OK);
	assert_int_equal(sq_out.kind, CMIG_V_BLOB);
	assert_int_equal(sq_out.n, 2);
}

static void test_convert_type_names(void **state)
{
	(void)state;
	struct { const char *name; cmig_ctkind k; long maxlen; } cases[] = {
		{ "integer", CMIG_CT_INT4, -1 }, { "int", CMIG_CT_INT4, -1 },
		{ "bigint", CMIG_CT_INT8, -1 }, { "smallint", CMIG_CT_INT2, -1 },
		{ "boolean", CMIG_CT_BOOL, -1 }, { "jsonb", CMIG_CT_JSONB, -1 },
		{ "json", CMIG_CT_JSON, -1 }, { "text", CMIG_CT_TEXT, -1 },
		{ "character varying(20)", CMIG_CT_TEXT, 20 }, { "varchar(7)", CMIG_CT_TEXT, 7 },
		{ "character(3)", CMIG_CT_TEXT, 3 }, { "character", CMIG_CT_TEXT, 1 },
		{ "timestamp with time zone", CMIG_CT_TIMESTAMPTZ, -1 },
		{ "timestamp(6) with time zone", CMIG_CT_TIMESTAMPTZ, -1 },
		{ "timestamp without time zone", CMIG_CT_TIMESTAMP, -1 },
		{ "timestamptz", CMIG_CT_TIMESTAMPTZ, -1 }, { "date", CMIG_CT_DATE, -1 },
		{ "time without time zone", CMIG_CT_TIME, -1 },
		{ "time with time zone", CMIG_CT_OTHER, -1 },
		{ "numeric(10,2)", CMIG_CT_NUMERIC, -1 }, { "real", CMIG_CT_FLOAT4, -1 },
		{ "double precision", CMIG_CT_FLOAT8, -1 }, { "bytea", CMIG_CT_BYTEA, -1 },
		{ "integer[]", CMIG_CT_OTHER, -1 }, { "uuid", CMIG_CT_OTHER, -1 },
		{ "interval", CMIG_CT_OTHER, -1 }, { "datemood", CMIG_CT_OTHER, -1 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cmig_ctype t = cmig_convert_type_pg(cases[i].name);
		if (t.kind != cases[i].k || t.maxlen != cases[i].maxlen)
			fail_msg("%s: kind %d maxlen %ld", cases[i].name, (int)t.kind, t.maxlen);
	}
}

/* PostgreSQL sources become storage classes by their type */
static void test_convert_from_pg(void **state)
{
	(void)state;
	cmig_value v;
	cmig_ctype t = cmig_convert_type_pg("boolean");
	assert_int_equal(cmig_convert_from_pg(&v, &t, "t", 1, &scratch, &why), CMIG_OK);
	assert_int_equal(v.kind, CMIG_V_INT);
	assert_int_equal(v.i, 1);
	t = cmig_convert_type_pg("bigint");
	assert_int_equal(cmig_convert_from_pg(&v, &t, "-42", 3, &scratch, &why), CMIG_OK);
	assert_int_equal(v.i, -42);
	t = cmig_convert_type_pg("double precision");
	assert_int_equal(cmig_convert_from_pg(&v, &t, "2.5", 3, &scratch, &why), CMIG_OK);
	assert_int_equal(v.kind, CMIG_V_REAL);
	assert_true(v.r == 2.5);
	t = cmig_convert_type_pg("bytea");
	assert_int_equal(cmig_convert_from_pg(&v, &t, "\\x00ff", 6, &scratch, &why), CMIG_OK);
	assert_int_equal(v.kind, CMIG_V_BLOB);
	assert_int_equal(v.n, 2);
	assert_memory_equal(v.p, "\x00\xff", 2);
	t = cmig_convert_type_pg("timestamp with time zone");
	assert_int_equal(cmig_convert_from_pg(&v, &t, "2024-01-02 03:04:05.5+00", 24, &scratch,
	                                      &why), CMIG_OK);
	assert_int_equal(v.kind, CMIG_V_TEXT);
	assert_memory_equal(v.p, "2024-01-02T03:04:05.5+00:00", v.n);
	assert_int_equal(cmig_convert_from_pg(&v, &t, NULL, 0, &scratch, &why), CMIG_OK);
	assert_int_equal(v.kind, CMIG_V_NULL);
	assert_int_equal(cmig_convert_from_pg(&v, &t, "infinity", 8, &scratch, &why), CMIG_ERROR);
}

static void test_convert_copy_escape(void **state)
{
	(void)state;
	cmig_buf b = CMIG_BUF_INIT;
	assert_int_equal(cmig_convert_copy_escape(&b, "a\\b\tc\nd\re", 9), CMIG_OK);
	assert_string_equal(b.ptr, "a\\\\b\\tc\\nd\\re");
	cmig_buf_clear(&b);
	assert_int_equal(cmig_convert_copy_escape(&b, "plain", 5), CMIG_OK);
	assert_string_equal(b.ptr, "plain");
	cmig_buf_release(&b);
}

/* cmig_convert_show() of v, into the cleared b, is expect. */
static void show_is(cmig_buf *b, cmig_value v, const char *expect)
{
	cmig_buf_clear(b);
	assert_int_equal(cmig_convert_show(b, &v), CMIG_OK);
	assert_string_equal(b->ptr, expect);
}

/* SPEC §9: the value in a message is cut to 80 bytes at a character boundary, control
 * characters escaped */
static void test_convert_show(void **state)
{
	(void)state;
	cmig_buf b = CMIG_BUF_INIT;
	assert_int_equal(cmig_convert_show(&b, &(cmig_value){ CMIG_V_TEXT, 0, 0, "a\nb\x01", 4 }),
	                 CMIG_OK);
	assert_string_equal(b.ptr, "'a\\nb\\x01'");
	cmig_buf_clear(&b);
	char s[200];
	memset(s, 'x', 79);
	strcpy(s + 79, "é and more"); /* é straddles byte 80 */
	cmig_value v = T(s);
	assert_int_equal(cmig_convert_show(&b, &v), CMIG_OK);
	assert_int_equal(b.len, 1 + 79 + strlen("'…"));
	assert_int_equal(strncmp(b.ptr + 80, "'…", strlen("'…")), 0);
	show_is(&b, TN("a\0\xff", 3), "'a\\x00\\xff'");
	show_is(&b, I(2), "2");
	show_is(&b, B("\x01\xab", 2), "x'01ab'");
	cmig_buf_release(&b);
}

static int teardown(void **state)
{
	(void)state;
	cmig_buf_release(&scratch);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_convert_boolean),
		cmocka_unit_test(test_convert_json),
		cmocka_unit_test(test_convert_timestamps),
		cmocka_unit_test(test_convert_integers),
		cmocka_unit_test(test_convert_numbers),
		cmocka_unit_test(test_convert_text),
		cmocka_unit_test(test_convert_bytea),
		cmocka_unit_test(test_convert_sqlite_affinity),
		cmocka_unit_test(test_convert_type_names),
		cmocka_unit_test(test_convert_from_pg),
		cmocka_unit_test(test_convert_copy_escape),
		cmocka_unit_test(test_convert_show),
	};
	return cmocka_run_group_tests_name("convert", tests, NULL, teardown);
}
