/*
 * linearize.h - make a branched chain linear again (SPEC §7 `cmig linearize`), as a pure
 * computation: which files get which new down_revision. Writing the files and checking the
 * database are the caller's.
 *
 * At each revision that two or more revisions follow, the branch whose first revision sorts
 * first by `created` (then file name) stays; every other branch's first revision is re-pointed
 * onto the head of the branch before it. Nested branches are untangled innermost first.
 * `--keep REV` puts the branch holding REV first at every branch point it is below.
 */
#ifndef CMIG_MODEL_LINEARIZE_H
#define CMIG_MODEL_LINEARIZE_H

#include <stdbool.h>
#include <stddef.h>

#include "revfile.h"

struct cmig_linearize_move {
	struct cmig_revfile *rev;     /* the file whose down_revision changes */
	const char *old_down;         /* borrowed from the files */
	const char *new_down;
};

struct cmig_linearize_result {
	struct cmig_linearize_move *moves;  /* in file-name order */
	size_t nmoves;
	bool *moved;                        /* per file: in a branch that moves */
};

/* files: every parsed file in name order, with parent pointers set by cmig_chain_build (the
 * only problems must be branches). keep: index of a file whose branch stays at every branch
 * point above it (`--keep REV`), or -1 for the default order. */
int cmig_linearize_plan(struct cmig_linearize_result *out, struct cmig_revfile **files, size_t n,
                        long keep, cmig_diags *d);
void cmig_linearize_release(struct cmig_linearize_result *r);

/* The file text with only the down_revision header's value replaced (malloc'd, *len_out set). */
char *cmig_linearize_rewrite(const struct cmig_revfile *r, const char *new_down, size_t *len_out);

#endif
