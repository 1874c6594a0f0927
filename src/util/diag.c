/*
 * diag.c - diagnostics list (see diag.h). Out of memory while recording a diagnostic is not
 * itself reported: the record is dropped but still counted, so an error is never lost as a
 * count even when its text is.
 */
#include "diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "vec.h"

void cmig_diags_init(cmig_diags *d, cmig_diag_cb cb, void *payload)
{
	cmig_diags z = CMIG_DIAGS_INIT;
	*d = z;
	d->cb = cb;
	d->payload = payload;
}

static void free_rec(cmig_diag *r)
{
	free((char *)r->path);
	free((char *)r->message);
	free((char *)r->detail);
	free((char *)r->hint);
	free((char *)r->kind);
}

void cmig_diags_release(cmig_diags *d)
{
	for (size_t i = 0; i < d->n; i++)
		free_rec(&d->items[i]);
	free(d->items);
	d->items = NULL;
	d->n = d->cap = 0;
	d->errors = d->warnings = 0;
}

int cmig_diags_push(cmig_diags *d, const cmig_diag *rec)
{
	cmig_diag c = *rec;

	if (rec->severity == CMIG_DIAG_ERROR)
		d->errors++;
	else if (rec->severity == CMIG_DIAG_WARNING) {
		if (d->strict) {
			c.severity = CMIG_DIAG_ERROR;
			d->errors++;
		} else
			d->warnings++;
	}
	if (d->cb)
		d->cb(&c, d->payload);
	if (!d->keep)
		return rec->code;
	if (cmig_vec_grow_((void **)&d->items, &d->cap, d->n + 1, sizeof(*d->items)))
		return rec->code;
	c.path = cmig_strdup(rec->path);
	c.message = cmig_strdup(rec->message ? rec->message : "");
	c.detail = cmig_strdup(rec->detail);
	c.hint = cmig_strdup(rec->hint);
	c.kind = cmig_strdup(rec->kind);
	if (!c.message || (rec->path && !c.path) || (rec->detail && !c.detail) ||
	    (rec->hint && !c.hint) || (rec->kind && !c.kind)) {
		free_rec(&c);   /* never keep a record with a string missing */
		return rec->code;
	}
	d->items[d->n++] = c;
	return rec->code;
}

void cmig_diags_append(cmig_diags *d, const cmig_diags *src)
{
	for (size_t i = 0; i < src->n; i++)
		cmig_diags_push(d, &src->items[i]);
}

static int vreport(cmig_diags *d, cmig_severity sev, int code, const char *kind,
                   const char *path, unsigned line, unsigned column, const char *detail,
                   const char *hint, const char *fmt, va_list ap)
{
	cmig_buf msg = CMIG_BUF_INIT;
	cmig_diag rec;

	cmig_buf_vprintf(&msg, fmt, ap);
	memset(&rec, 0, sizeof(rec));
	rec.severity = sev;
	rec.code = (cmig_status)code;
	rec.kind = kind;
	rec.path = path;
	rec.line = line;
	rec.column = column;
	/* the text could not be built: say so rather than deliver an empty message */
	rec.message = cmig_buf_error(&msg) ? "out of memory (a message was lost)" : msg.ptr;
	rec.detail = detail;
	rec.hint = hint;
	if (d)
		cmig_diags_push(d, &rec);
	cmig_buf_release(&msg);
	return code;
}

int cmig_diag_error(cmig_diags *d, const char *path, unsigned line, int code, const char *kind,
                    const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreport(d, CMIG_DIAG_ERROR, code, kind, path, line, 0, NULL, NULL, fmt, ap);
	va_end(ap);
	return code;
}

int cmig_diag_warning(cmig_diags *d, const char *path, unsigned line, const char *kind,
                      const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreport(d, CMIG_DIAG_WARNING, CMIG_OK, kind, path, line, 0, NULL, NULL, fmt, ap);
	va_end(ap);
	return CMIG_OK;
}

void cmig_diag_note(cmig_diags *d, const char *path, unsigned line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreport(d, CMIG_DIAG_NOTE, CMIG_OK, NULL, path, line, 0, NULL, NULL, fmt, ap);
	va_end(ap);
}

int cmig_diag_full(cmig_diags *d, cmig_severity sev, int code, const char *kind,
                   const char *path, unsigned line, unsigned column, const char *detail,
                   const char *hint, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreport(d, sev, code, kind, path, line, column, detail, hint, fmt, ap);
	va_end(ap);
	return code;
}

const cmig_diag *cmig_diags_last_error(const cmig_diags *d)
{
	for (size_t i = d->n; i > 0; i--)
		if (d->items[i - 1].severity == CMIG_DIAG_ERROR)
			return &d->items[i - 1];
	return NULL;
}

int cmig_diag_oom(cmig_diags *d)
{
	return cmig_diag_error(d, NULL, 0, CMIG_ENOMEM, NULL, "out of memory");
}
