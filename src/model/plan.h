/*
 * plan.h - (chain, current, target) -> ordered steps, or a refusal before any change.
 *
 * Refusals, all found before anything runs: a target on the wrong side of the current
 * revision, a downgrade past a revision without a down section, a direction that has only
 * dialect sections for other backends (SPEC §2). A plan from current == target is empty.
 */
#ifndef CMIG_MODEL_PLAN_H
#define CMIG_MODEL_PLAN_H

#include <stddef.h>

#include "chain.h"
#include "revfile.h"

typedef struct {
	const struct cmig_revfile *rev;  /* the revision whose section runs */
	int direction;                   /* CMIG_UP or CMIG_DOWN */
	const cmig_section *section;     /* the section for this dialect */
	const char *from;                /* revision before the step, NULL = base */
	const char *to;                  /* revision after the step, NULL = base */
} cmig_step;

typedef CMIG_VEC(cmig_step) cmig_step_vec;

/* Append the steps from position `current` to `target` in `direction` to out. Errors, with
 * out left as it was (CMIG_ERROR: SPEC §5 makes each exit 1): a target on the wrong side
 * ("target X is older than the current revision Y: use downgrade"), a downgrade across a
 * revision without a down section (at its path), a direction with sections for other
 * dialects only (kind "parse", at the marker line); CMIG_ENOMEM. */
int cmig_plan_make(cmig_step_vec *out, const struct cmig_chain *c, long current, long target,
                   int direction, cmig_dialect_kind dialect, cmig_diags *d);
/* One step: upgrade applies revs[current+1]; downgrade reverts revs[current]. CMIG_ERROR
 * when there is no such step (upgrade at head, downgrade at base); else as cmig_plan_make. */
int cmig_plan_step(cmig_step *out, const struct cmig_chain *c, long current, int direction,
                   cmig_dialect_kind dialect, cmig_diags *d);

#endif
