/*
 * convert_int.h - what the three files of the conversions share (convert.c, convert_text.c,
 * convert_time.c); nothing outside model/convert*.c includes it.
 */
#ifndef CMIG_MODEL_CONVERT_INT_H
#define CMIG_MODEL_CONVERT_INT_H

/* Defined for model/convert.c and model/convert_*.c alone (src/CMakeLists.txt). */
#ifndef CMIG_PRIVATE_CONVERT
#error "convert_int.h is private to model/convert*.c: use the layer's public header instead"
#endif

#include "convert.h"

/* Length of the valid UTF-8 sequence at p (p < e, *p >= 0x80), or 0. */
size_t cmig_convert_utf8_seq(const unsigned char *p, const unsigned char *e);
/* Characters in valid UTF-8 text. */
size_t cmig_convert_utf8_chars(const char *s, size_t n);
/* A hex digit's value, or -1. */

/* out = TEXT [p, p+n) (borrowed); CMIG_OK. */
int cmig_convert_out_text(cmig_value *out, const char *p, size_t n);
/* out = TEXT printed into scratch (cleared first). */
int cmig_convert_out_printf(cmig_value *out, cmig_buf *scratch, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* out = TEXT of v in decimal, written into scratch (cleared first) without printf: integers
 * are most of a copy's values after text. */
int cmig_convert_out_ll(cmig_value *out, cmig_buf *scratch, long long v);
/* *why = msg; CMIG_ERROR. */
int cmig_convert_fail(const char **why, const char *msg);

/* Into timestamp, timestamptz, date or time (t->kind), from a non-NULL value. */
int cmig_convert_temporal(cmig_value *out, const cmig_ctype *t, const cmig_value *in,
                          cmig_buf *scratch, const char **why);
/* A PostgreSQL timestamp's text (DateStyle ISO) as RFC 3339 with an offset. */
int cmig_convert_pg_timestamp(cmig_value *out, const char *text, size_t n, cmig_buf *scratch,
                              const char **why);

#endif
