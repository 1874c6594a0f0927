/*
 * buf.h - a growable, always NUL-terminated byte buffer with a size ceiling.
 *
 * Contract (git's strbuf, curl's dynbuf): start from CMIG_BUF_INIT or cmig_buf_init(); `ptr`
 * is never NULL and always NUL-terminated; cmig_buf_release() frees and reinitializes;
 * cmig_buf_detach() hands the bytes to the caller (free()). Every append returns CMIG_OK,
 * CMIG_ENOMEM, or CMIG_ERROR when the buffer would exceed `max` (0 = no ceiling); on failure
 * the buffer is unchanged.
 *
 * The first failure is sticky: it is kept in `err`, and every later append is a no-op that
 * returns it, so a run of appends may go unchecked and be checked once, with
 * cmig_buf_error(), before the text is used. A failed buffer never yields a truncated text
 * that looks complete. release/clear reset it.
 */
#ifndef CMIG_UTIL_BUF_H
#define CMIG_UTIL_BUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct {
	char *ptr;
	size_t len;
	size_t cap;  /* 0 while ptr points at the shared empty string */
	size_t max;  /* ceiling on len, 0 = none */
	int err;     /* the first failed append's status, 0 while every append succeeded */
} cmig_buf;

extern char cmig_buf_empty[1];
#define CMIG_BUF_INIT { .ptr = cmig_buf_empty }

void cmig_buf_init(cmig_buf *b, size_t max);
void cmig_buf_release(cmig_buf *b);
void cmig_buf_clear(cmig_buf *b);
/* CMIG_OK, or the status of the first append that failed since init/release/clear. */
static inline int cmig_buf_error(const cmig_buf *b) { return b->err; }
char *cmig_buf_detach(cmig_buf *b);          /* NULL only after a failed append or out of memory */
int cmig_buf_grow(cmig_buf *b, size_t extra);
int cmig_buf_add(cmig_buf *b, const void *data, size_t len);
int cmig_buf_puts(cmig_buf *b, const char *s);
int cmig_buf_putc(cmig_buf *b, char c);
int cmig_buf_printf(cmig_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int cmig_buf_vprintf(cmig_buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* Append s with every `quote` doubled (SQL literal/identifier bodies). */
int cmig_buf_add_quoted(cmig_buf *b, const char *s, char quote);
void cmig_buf_truncate(cmig_buf *b, size_t len);

/* strdup/strndup that return NULL only on out-of-memory. */
char *cmig_strdup(const char *s);
char *cmig_strndup(const char *s, size_t n);
/* printf into a new string (free()), NULL on out-of-memory. */
char *cmig_asprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *cmig_vasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

#endif
