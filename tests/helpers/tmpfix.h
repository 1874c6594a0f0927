/*
 * tmpfix.h - the fixture of the unit tests that work in a temporary directory and collect
 * diagnostics (test_config.c, test_scriptdir.c, test_newrev.c): a zeroed heap struct whose
 * first member is a struct tmpdir (tmpdir.h), with a cmig_diags at offset diags_at, set up
 * empty and released with the directory.
 */
#ifndef CMIG_TESTS_TMPFIX_H
#define CMIG_TESTS_TMPFIX_H

#include <stddef.h>

#include "diag.h"
#include "tmpdir.h"

/* A cmocka setup: 0, or -1. */
static inline int tmpfix_setup(void **state, const char *tag, size_t size, size_t diags_at)
{
	if (tmpdir_setup_fixture(state, tag, size) != 0)
		return -1;
	cmig_diags_init((cmig_diags *)((char *)*state + diags_at), NULL, NULL);
	return 0;
}

/* A cmocka teardown, after the test's own releases: 0, or -1. */
static inline int tmpfix_teardown(void **state, size_t diags_at)
{
	cmig_diags_release((cmig_diags *)((char *)*state + diags_at));
	return tmpdir_teardown(state);
}

#endif
