/*
 * chain.h - revisions -> one linear chain (SPEC §3), every violation reported at once.
 *
 * Linear time and memory in the number of revisions: one hash map from id to file, one pass
 * to link parents, one walk from the root.
 */
#ifndef CMIG_MODEL_CHAIN_H
#define CMIG_MODEL_CHAIN_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "revfile.h"
#include "strmap.h"

struct cmig_chain {
	struct cmig_revfile **revs;   /* root .. head; only complete when ok */
	size_t n;
	struct cmig_revfile **heads;  /* revisions nothing follows, in file-name order */
	size_t nheads;
	cmig_strmap byid;             /* id -> struct cmig_revfile * (first file declaring it) */
	bool ok;                      /* exactly one linear chain */
};

/* files: every parsed file, in file-name order (files whose id is NULL are skipped). Borrowed:
 * they must outlive the chain. Returns CMIG_OK, CMIG_ECHAIN (diagnostics: duplicate,
 * missing-parent, branch, cycle, roots; every one found, each at the file and header line it
 * is about) or CMIG_ENOMEM. Sets each file's index (-1 when not in the chain), parent and
 * nchildren. On CMIG_ECHAIN `out` is still filled (byid, heads, parents; revs empty) so
 * `check` and `heads` can report; release it in every case. No files is an ok, empty chain.
 * A file that failed to parse and whose down is NULL is a root only when its down_revision
 * header is empty or none (else the parser's error stands alone). */
int cmig_chain_build(struct cmig_chain *out, struct cmig_revfile **files, size_t n, cmig_diags *d);
void cmig_chain_release(struct cmig_chain *c);
/* Position of id in the chain (exact match), -1 when absent. */
long cmig_chain_index(const struct cmig_chain *c, const char *id);

#endif
