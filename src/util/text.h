/*
 * text.h - small text utilities: byte offset -> line numbers, slugs, ids, ASCII case.
 */
#ifndef CMIG_UTIL_TEXT_H
#define CMIG_UTIL_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/* Line starts of a text, for turning byte offsets into 1-based lines in O(log n). */
typedef struct {
	size_t *starts;  /* starts[i] = offset of line i+1 */
	size_t n;
} cmig_linemap;

int cmig_linemap_build(cmig_linemap *out, const char *text, size_t len);
void cmig_linemap_release(cmig_linemap *m);
unsigned cmig_linemap_line(const cmig_linemap *m, size_t offset);
/* 1-based line of offset by counting newlines: for one-off lookups without a map. */
unsigned cmig_text_line_of(const char *text, size_t offset);

/* SPEC §5 slug: lowercase, runs outside [a-z0-9] become one '_', cut to 40 bytes, trimmed
 * of '_'. Writes into out (at least 41 bytes). May be empty. */
void cmig_text_slug(char out[41], const char *msg);
/* 12 random lowercase hex digits + NUL (from /dev/urandom, time as a fallback). */
void cmig_text_random_id(char out[13]);
/* SPEC §2: [A-Za-z0-9_]{1,64} and not head/base/none/current in any case. */
bool cmig_text_valid_id(const char *id, size_t len);
bool cmig_text_reserved_word(const char *s, size_t len);
/* Case-insensitive ASCII comparisons. */
bool cmig_text_ieq(const char *a, const char *b);
bool cmig_text_ieqn(const char *a, size_t alen, const char *b);
/* The value of hex digit c (either case), or -1. */
int cmig_text_hexval(int c);
/* Current UTC time as ISO-8601 "2026-11-22T10:15:00Z" (out: at least 21 bytes);
 * with millis "…:00.123Z" (out: at least 25 bytes). */
void cmig_text_now_iso(char *out, size_t size, bool millis);
/* Whether s looks like an ISO-8601 date or date-time. */
bool cmig_text_is_iso8601(const char *s);

#endif
