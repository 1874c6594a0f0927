/*
 * diag.h - the diagnostics list every fallible internal function reports into.
 *
 * The function that knows the file and line records the diagnostic once; callers pass the
 * status code up untouched. A list owns copies of every string it is given. When `cb` is set
 * each record is also handed to it as it is added (so `check` can stream); records are kept
 * either way so callers can count and inspect them.
 */
#ifndef CMIG_UTIL_DIAG_H
#define CMIG_UTIL_DIAG_H

#include <stdbool.h>
#include <stddef.h>

#include "cmig/cmig.h"

typedef struct {
	cmig_diag *items;
	size_t n, cap;
	size_t errors, warnings;
	bool strict;         /* warnings count as errors (check --strict) */
	bool keep;           /* keep records after the callback (default true) */
	cmig_diag_cb cb;
	void *payload;
} cmig_diags;

#define CMIG_DIAGS_INIT { NULL, 0, 0, 0, 0, false, true, NULL, NULL }

void cmig_diags_init(cmig_diags *d, cmig_diag_cb cb, void *payload);
void cmig_diags_release(cmig_diags *d);
/* Copy a record (strings duplicated) into the list; returns rec->code. */
int cmig_diags_push(cmig_diags *d, const cmig_diag *rec);
/* Append every record of src to d (through d's callback). */
void cmig_diags_append(cmig_diags *d, const cmig_diags *src);

/* Convenience reporters. Each returns `code`, so `return cmig_diag_error(d, ...)` works.
 * path may be NULL; line 0 means no line. */
int cmig_diag_error(cmig_diags *d, const char *path, unsigned line, int code, const char *kind,
                    const char *fmt, ...) __attribute__((format(printf, 6, 7)));
int cmig_diag_warning(cmig_diags *d, const char *path, unsigned line, const char *kind,
                      const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void cmig_diag_note(cmig_diags *d, const char *path, unsigned line,
                    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Full form: detail and hint may be NULL. */
int cmig_diag_full(cmig_diags *d, cmig_severity sev, int code, const char *kind,
                   const char *path, unsigned line, unsigned column, const char *detail,
                   const char *hint, const char *fmt, ...) __attribute__((format(printf, 10, 11)));

/* The one out-of-memory report: an error record "out of memory", returns CMIG_ENOMEM. Its
 * text is static, so reporting it needs no allocation beyond the record itself. */
int cmig_diag_oom(cmig_diags *d);

/* The most recent error record, or NULL. */
const cmig_diag *cmig_diags_last_error(const cmig_diags *d);

#endif
