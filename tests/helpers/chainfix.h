/*
 * chainfix.h - the hand-built chain the model tests share (test_plan.c, test_target.c): n
 * revision files whose ids are given, each one's down_revision the previous id, and the chain
 * cmig_chain_build() makes of them. The files are filled in the caller's arrays, so a test can
 * add what it needs (sections, flags) between chainfix_files() and chainfix_build().
 */
#ifndef CMIG_TESTS_CHAINFIX_H
#define CMIG_TESTS_CHAINFIX_H

#include <stdlib.h>
#include <string.h>

#include "chain.h"
#include "buf.h"

/* f[i] gets ids[i], down ids[i - 1] (none for the first), path "versions/<id><suffix>" and
 * name "<id><suffix>"; p[i] points at f[i]. */
static inline void chainfix_files(struct cmig_revfile *f, struct cmig_revfile **p, const char *const *ids,
                                  size_t n, const char *suffix)
{
	for (size_t i = 0; i < n; i++) {
		f[i].id = cmig_strdup(ids[i]);
		f[i].down = i ? cmig_strdup(ids[i - 1]) : NULL;
		f[i].path = cmig_asprintf("versions/%s%s", ids[i], suffix);
		f[i].name = cmig_asprintf("%s%s", ids[i], suffix);
		f[i].index = -1;
		p[i] = &f[i];
	}
}

/* The chain of p[0..n), built with its diagnostics discarded; *d initialised, empty, for the
 * tests. 0, or -1 (a cmocka setup's failure). */
static inline int chainfix_build(struct cmig_chain *c, cmig_diags *d, struct cmig_revfile **p, size_t n)
{
	cmig_diags none;
	int rc;
	cmig_diags_init(&none, NULL, NULL);
	rc = cmig_chain_build(c, p, n, &none);
	cmig_diags_release(&none);
	if (rc != CMIG_OK)
		return -1;
	cmig_diags_init(d, NULL, NULL);
	return 0;
}

/* Release the chain, the diagnostics and what chainfix_files() allocated. */
static inline void chainfix_release(struct cmig_chain *c, cmig_diags *d, struct cmig_revfile *f, size_t n)
{
	cmig_chain_release(c);
	cmig_diags_release(d);
	for (size_t i = 0; i < n; i++) {
		free(f[i].id);
		free(f[i].down);
		free(f[i].path);
		free(f[i].name);
	}
}

#endif
