/*
 * maintain.h - the team-workflow commands that change files or history but run no
 * migration: `rehash` (accept an intended edit of an applied revision) and `linearize`
 * (untangle a branched chain), SPEC §5 and §7.
 */
#ifndef CMIG_RUNTIME_MAINTAIN_H
#define CMIG_RUNTIME_MAINTAIN_H

#include <stdbool.h>

#include "migrate.h"

/* rev: a TARGET naming one applied revision, or NULL with all=true. Writes `rehash` history
 * rows (all: only for applied revisions whose checksum changed); *count_out rows written. */
int cmig_maintain_rehash(const struct cmig_runtime *rt, const cmig_run_options *o, const char *rev,
                         bool all, size_t *count_out, cmig_diags *d);

/* Re-point down_revision headers so the chain is linear; reports each change through cb;
 * writes nothing when dry_run. Refuses (nothing written) when a moved revision is applied in
 * the database, or when the chain has problems other than branches (chain_diags holds them). */
int cmig_maintain_linearize(const struct cmig_runtime *rt, const cmig_run_options *o,
                            const cmig_diags *chain_diags, bool dry_run, cmig_relink_cb cb,
                            void *payload, cmig_diags *d);

#endif
