/*
 * datacase.h - the data-case runner the unit tests share (included by test_*.c after cmocka).
 *
 * Every file of dir ending in ext, in bytewise name order, is read whole and handed to a
 * render callback, which writes what the code under test made of it into c->got. That is
 * compared with c->want: NAME.expected next to the case (ext replaced), unless the callback
 * sets its own (a case file holding its expectation). Every differing case is printed with both
 * texts, so one run shows all of them; the test then fails once. A missing expectation fails.
 */
#ifndef CMIG_TESTS_DATACASE_H
#define CMIG_TESTS_DATACASE_H

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "diag.h"
#include "fs.h"

struct datacase {
	const char *name;   /* the case's file name */
	char *text;         /* its bytes, NUL-terminated; the callback may take them (set NULL) */
	size_t len;
	cmig_buf got;       /* what the callback renders */
	char *want;         /* NAME.expected (NULL: none); a callback may set its own (malloc'd) */
};

typedef void (*datacase_render)(struct datacase *c, void *payload);

/* Read a whole file; NULL when it cannot be read. */
static inline char *datacase_slurp(const char *path, size_t *len)
{
	cmig_buf b = CMIG_BUF_INIT;
	cmig_diags d = CMIG_DIAGS_INIT;
	int rc = cmig_fs_read(&b, path, path, CMIG_FILE_MAX, &d);
	cmig_diags_release(&d);
	if (rc) {
		cmig_buf_release(&b);
		return NULL;
	}
	if (len)
		*len = b.len;
	return b.ptr ? cmig_buf_detach(&b) : strdup("");
}

/* Run every case of dir; returns how many ran (the caller asserts a floor). */
static inline size_t datacase_run(const char *dir, const char *ext, datacase_render render,
                                  void *payload)
{
	char **names = NULL;
	size_t n = 0, count = 0, failed = 0, el = strlen(ext);
	cmig_diags d = CMIG_DIAGS_INIT;

	assert_int_equal(cmig_fs_list(&names, &n, dir, &d), 0);
	for (size_t i = 0; i < n; i++) {
		size_t nl = strlen(names[i]);
		struct datacase c = { .name = names[i], .got = CMIG_BUF_INIT };
		char *path;
		if (nl <= el || strcmp(names[i] + nl - el, ext) != 0)
			continue;
		path = cmig_path_join(dir, names[i]);
		assert_non_null(path);
		c.text = datacase_slurp(path, &c.len);
		assert_non_null(c.text);
		path[strlen(path) - el] = '\0';
		{
			char *exp = cmig_asprintf("%s.expected", path);
			assert_non_null(exp);
			c.want = datacase_slurp(exp, NULL);
			free(exp);
		}
		render(&c, payload);
		if (!c.want || strcmp(c.got.ptr ? c.got.ptr : "", c.want) != 0) {
			print_error("%s: differs\n--- expected\n%s--- got\n%s", c.name,
			            c.want ? c.want : "(no expectation)\n", c.got.ptr ? c.got.ptr : "");
			failed++;
		}
		count++;
		cmig_buf_release(&c.got);
		free(c.text);
		free(c.want);
		free(path);
	}
	cmig_fs_names_free(names, n);
	cmig_diags_release(&d);
	assert_int_equal(failed, 0);
	return count;
}

#endif
