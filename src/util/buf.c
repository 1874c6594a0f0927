/*
 * buf.c - growable buffer (see buf.h). Grows geometrically so appends are amortized O(1);
 * the ceiling is checked before any allocation so a hostile input never allocates past it.
 */
#include "buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmig/cmig.h"

char cmig_buf_empty[1];

void cmig_buf_init(cmig_buf *b, size_t max)
{
	b->ptr = cmig_buf_empty;
	b->len = 0;
	b->cap = 0;
	b->max = max;
	b->err = 0;
}

void cmig_buf_release(cmig_buf *b)
{
	size_t max = b->max;
	if (b->cap)
		free(b->ptr);
	cmig_buf_init(b, max);
}

void cmig_buf_clear(cmig_buf *b)
{
	b->len = 0;
	b->err = 0;
	if (b->cap)
		b->ptr[0] = '\0';
}

char *cmig_buf_detach(cmig_buf *b)
{
	char *p;
	if (b->err) {
		cmig_buf_release(b);
		return NULL;
	}
	p = b->cap ? b->ptr : cmig_strdup("");
	cmig_buf_init(b, b->max);
	return p;
}

static int fail(cmig_buf *b, int rc)
{
	b->err = rc;
	return rc;
}

int cmig_buf_grow(cmig_buf *b, size_t extra)
{
	size_t need, cap;
	char *p;

	if (b->err)
		return b->err;
	if (extra > (size_t)-1 / 2 - b->len)
		return fail(b, CMIG_ENOMEM);
	need = b->len + extra + 1;
	if (b->max && b->len + extra > b->max)
		return fail(b, CMIG_ERROR);
	if (need <= b->cap)
		return CMIG_OK;
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap + cap / 2 + 16;
	if (b->max && cap > b->max + 1)
		cap = b->max + 1 > need ? b->max + 1 : need;
	p = b->cap ? realloc(b->ptr, cap) : malloc(cap);
	if (!p)
		return fail(b, CMIG_ENOMEM);
	if (!b->cap)
		p[0] = '\0';
	b->ptr = p;
	b->cap = cap;
	return CMIG_OK;
}

int cmig_buf_add(cmig_buf *b, const void *data, size_t len)
{
	int rc = cmig_buf_grow(b, len);
	if (rc)
		return rc;
	if (len)
		memcpy(b->ptr + b->len, data, len);
	b->len += len;
	b->ptr[b->len] = '\0';
	return CMIG_OK;
}

int cmig_buf_puts(cmig_buf *b, const char *s)
{
	return cmig_buf_add(b, s, strlen(s));
}

int cmig_buf_putc(cmig_buf *b, char c)
{
	return cmig_buf_add(b, &c, 1);
}

int cmig_buf_vprintf(cmig_buf *b, const char *fmt, va_list ap)
{
	size_t avail = b->cap ? b->cap - b->len : 0;
	va_list cp;
	int n, rc;

	if (b->err)
		return b->err;
	/* One pass when the text fits the room already there (as git's strbuf does); otherwise the
	 * first pass measured it: grow, write. Either way as many allocations as before. */
	va_copy(cp, ap);
	n = vsnprintf(avail ? b->ptr + b->len : NULL, avail, fmt, cp);
	va_end(cp);
	if (n >= 0 && (size_t)n < avail && !(b->max && b->len + (size_t)n > b->max)) {
		b->len += (size_t)n;
		return CMIG_OK;
	}
	if (avail)
		b->ptr[b->len] = '\0'; /* a partial write: the string ends where it did */
	if (n < 0)
		return fail(b, CMIG_ERROR);
	rc = cmig_buf_grow(b, (size_t)n);
	if (rc)
		return rc;
	vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return CMIG_OK;
}

int cmig_buf_printf(cmig_buf *b, const char *fmt, ...)
{
	va_list ap;
	int rc;
	va_start(ap, fmt);
	rc = cmig_buf_vprintf(b, fmt, ap);
	va_end(ap);
	return rc;
}

int cmig_buf_add_quoted(cmig_buf *b, const char *s, char quote)
{
	/* whole runs between quotes at once: a character at a time cost a grow check each */
	int rc = CMIG_OK;
	while (!rc && *s) {
		const char *q = strchr(s, quote);
		size_t n = q ? (size_t)(q - s) + 1 : strlen(s);
		rc = cmig_buf_add(b, s, n);
		if (!rc && q)
			rc = cmig_buf_putc(b, quote);
		s += n;
	}
	return rc;
}

void cmig_buf_truncate(cmig_buf *b, size_t len)
{
	if (len < b->len) {
		b->len = len;
		b->ptr[len] = '\0';
	}
}

char *cmig_strdup(const char *s)
{
	return s ? cmig_strndup(s, strlen(s)) : NULL;
}

char *cmig_strndup(const char *s, size_t n)
{
	char *p = malloc(n + 1);
	if (!p)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *cmig_vasprintf(const char *fmt, va_list ap)
{
	cmig_buf b = CMIG_BUF_INIT;
	if (cmig_buf_vprintf(&b, fmt, ap)) {
		cmig_buf_release(&b);
		return NULL;
	}
	return cmig_buf_detach(&b);
}

char *cmig_asprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	va_start(ap, fmt);
	s = cmig_vasprintf(fmt, ap);
	va_end(ap);
	return s;
}
