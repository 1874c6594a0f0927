/*
 * target.h - TARGET strings -> chain positions (SPEC §5).
 *
 * A position is an index into chain->revs, or CMIG_POS_BASE (-1) for "before the root".
 * Forms: head, base, an exact id (wins over a prefix), a unique prefix, +N / -N relative to
 * the current position, and FROM:TO ranges for --sql and `history -r` (`current` allowed
 * where the caller says so). Errors: ambiguous or unknown target, a step past head or base.
 */
#ifndef CMIG_MODEL_TARGET_H
#define CMIG_MODEL_TARGET_H

#include <stdbool.h>

#include "chain.h"

#define CMIG_POS_BASE (-1L)

/* The forms a command takes beyond head, base, ids and prefixes. */
enum {
	CMIG_TARGET_RELATIVE = 1u << 0, /* +N / -N */
	CMIG_TARGET_CURRENT = 1u << 1,  /* `current` */
};

/* Resolve one target. current: the current position (used by +N/-N and `current`).
 * flags (CMIG_TARGET_*) select the forms a command takes. Errors: CMIG_ENOTFOUND,
 * CMIG_EAMBIGUOUS (the message lists up to 8 candidates), CMIG_ERROR (a form the command
 * does not take, a step past the ends: SPEC §5 exit 1, not a usage error), CMIG_EUSAGE (an
 * empty target). Every message quotes the target. `head` of an
 * empty chain is CMIG_POS_BASE; `none` is not a target. Needs an ok chain. */
int cmig_target_resolve(long *out, const struct cmig_chain *c, const char *target, long current,
                        unsigned flags, cmig_diags *d);

/* Split "FROM:TO" at the (first) colon. *from_out / *to_out are malloc'd (either may be NULL
 * when that side is empty, or on out-of-memory); returns false when there is no colon (both
 * outputs NULL). */
bool cmig_target_split_range(const char *target, char **from_out, char **to_out);

#endif
