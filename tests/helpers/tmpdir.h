/*
 * tmpdir.h - the temporary-directory fixture the C tests share: a test runs inside a fresh
 * /tmp/cmig-test-<tag>-XXXXXX, which is removed (with everything in it) when it ends, and the
 * working directory is restored. Plain libc, so API tests that see only <cmig/cmig.h> use it.
 */
#ifndef CMIG_TESTS_TMPDIR_H
#define CMIG_TESTS_TMPDIR_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

struct tmpdir {
	char old_cwd[4096];
	char dir[64];
};

/* Make the directory and enter it: 0, or -1 (a cmocka setup's failure). */
static inline int tmpdir_enter(struct tmpdir *t, const char *tag)
{
	if (!getcwd(t->old_cwd, sizeof(t->old_cwd)))
		return -1;
	snprintf(t->dir, sizeof(t->dir), "/tmp/cmig-test-%s-XXXXXX", tag);
	return mkdtemp(t->dir) && chdir(t->dir) == 0 ? 0 : -1;
}

/* Go back and remove it: 0, or -1. */
static inline int tmpdir_leave(struct tmpdir *t)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", t->dir);
	return chdir(t->old_cwd) == 0 && system(cmd) == 0 ? 0 : -1;
}

/* A cmocka setup: *state is a zeroed heap fixture of `size` bytes whose first member is a
 * struct tmpdir, entered under `tag`. tmpdir_teardown() leaves it and frees the fixture. */
static inline int tmpdir_setup_fixture(void **state, const char *tag, size_t size)
{
	struct tmpdir *t = calloc(1, size);
	if (!t || tmpdir_enter(t, tag) != 0) {
		free(t);
		return -1;
	}
	*state = t;
	return 0;
}

/* A cmocka setup/teardown pair: *state is a heap struct tmpdir entered under `tag`. */
static inline int tmpdir_setup(void **state, const char *tag)
{
	return tmpdir_setup_fixture(state, tag, sizeof(struct tmpdir));
}

static inline int tmpdir_teardown(void **state)
{
	struct tmpdir *t = *state;
	int rc = tmpdir_leave(t);
	free(t);
	return rc;
}

/* Write `text` to `path` (bytes as given): 0, or -1. */
static inline int tmpdir_write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return -1;
	int ok = fputs(text, f) >= 0;
	return fclose(f) == 0 && ok ? 0 : -1;
}

#endif
