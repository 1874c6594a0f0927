/*
 * plan.c - (chain, current, target, direction) -> the ordered steps to run (SPEC §2, §5).
 *
 * Every refusal is found here, before the runner touches the database: a target on the
 * wrong side of the current revision, a downgrade across a revision with no down section,
 * and a direction whose only sections are marked for other dialects. On any refusal `out`
 * is left as it was (steps appended so far are taken back), so a caller never runs half a
 * plan it was told is bad.
 *
 * Positions are indexes into chain->revs, CMIG_POS_BASE (-1) for "before the root". An
 * upgrade step from position p applies revs[p + 1]; a downgrade step from p reverts revs[p].
 */
#include "plan.h"

#include "cmig/cmig.h"
#include "target.h"

static const char *pos_name(const struct cmig_chain *c, long pos)
{
	return pos < 0 ? "base" : c->revs[pos]->id;
}

static const char *dialect_name(cmig_dialect_kind k)
{
	switch (k) {
	case CMIG_DIALECT_SQLITE:
		return "sqlite";
	case CMIG_DIALECT_POSTGRESQL:
		return "postgresql";
	default:
		return "any";
	}
}

/* The section `rev` runs for direction on this dialect, or a refusal naming the file. */
static int pick_section(const cmig_section **out, const struct cmig_revfile *rev, int direction,
                        cmig_dialect_kind dialect, cmig_diags *d)
{
	const char *dir = direction == CMIG_UP ? "up" : "down";
	const cmig_section *s;

	*out = NULL;
	if (!cmig_revfile_has_direction(rev, direction)) {
		if (direction == CMIG_DOWN)
			return cmig_diag_full(d, CMIG_DIAG_ERROR, CMIG_ERROR, NULL, rev->path, 0, 0,
			                      NULL, "Add a '-- migrate:down' section to the file.",
			                      "cannot downgrade past revision %s: it has no down section",
			                      rev->id);
		return cmig_diag_error(d, rev->path, 0, CMIG_ERROR, "parse",
		                       "revision %s has no up section", rev->id);
	}
	s = cmig_revfile_section(rev, direction, dialect);
	if (!s) {
		/* Only sections marked for other dialects: name the first such marker. */
		const cmig_section *other = NULL;
		for (int k = 0; k < CMIG_REVFILE_NSECT && !other; k++)
			other = rev->sections[direction][k];
		return cmig_diag_error(d, rev->path, other ? other->marker_line : 0, CMIG_ERROR, "parse",
		                       "revision %s has no %s section for %s: its %s sections are "
		                       "marked for dialect:%s only", rev->id, dir,
		                       dialect_name(dialect), dir,
		                       other ? dialect_name(other->dialect) : "other");
	}
	*out = s;
	/* a step runs its section: its text and statements are read now, so a file changed
	 * since it was parsed is refused with the plan, before the first change */
	return cmig_revfile_load(rev, d);
}

int cmig_plan_step(cmig_step *out, const struct cmig_chain *c, long current, int direction,
                   cmig_dialect_kind dialect, cmig_diags *d)
{
	const struct cmig_revfile *rev;
	int rc;

	if (current < CMIG_POS_BASE || current >= (long)c->n)
		return cmig_diag_error(d, NULL, 0, CMIG_ERROR, NULL,
		                       "internal error: position %ld is outside the chain", current);
	if (direction == CMIG_UP) {
		if (current + 1 >= (long)c->n)
			return cmig_diag_error(d, NULL, 0, CMIG_ERROR, NULL,
			                       "cannot upgrade: %s is the head", pos_name(c, current));
		rev = c->revs[current + 1];
		out->from = current < 0 ? NULL : c->revs[current]->id;
		out->to = rev->id;
	} else {
		if (current < 0)
			return cmig_diag_error(d, NULL, 0, CMIG_ERROR, NULL,
			                       "cannot downgrade: already at base");
		rev = c->revs[current];
		out->from = rev->id;
		out->to = current == 0 ? NULL : c->revs[current - 1]->id;
	}
	out->rev = rev;
	out->direction = direction;
	rc = pick_section(&out->section, rev, direction, dialect, d);
	return rc;
}

int cmig_plan_make(cmig_step_vec *out, const struct cmig_chain *c, long current, long target,
                   int direction, cmig_dialect_kind dialect, cmig_diags *d)
{
	size_t keep = out->n;
	long last = (long)c->n - 1, pos;
	int rc = CMIG_OK;

	if (current < CMIG_POS_BASE || current > last || target < CMIG_POS_BASE || target > last)
		return cmig_diag_error(d, NULL, 0, CMIG_ERROR, NULL,
		                       "internal error: position outside the chain");
	if (direction == CMIG_UP && target < current)
		return cmig_diag_error(d, NULL, 0, CMIG_ERROR, NULL,
		                       "target %s is older than the current revision %s: use downgrade",
		                       pos_name(c, target), pos_name(c, current));
	if (direction == CMIG_DOWN && target > current)
		return cmig_diag_error(d, NULL, 0, CMIG_ERROR, NULL,
		                       "target %s is newer than the current revision %s: use upgrade",
		                       pos_name(c, target), pos_name(c, current));
	if (CMIG_VEC_RESERVE(out, out->n + (size_t)(direction == CMIG_UP ? target - current :
	                                                                  current - target)))
		return cmig_diag_error(d, NULL, 0, CMIG_ENOMEM, NULL, "out of memory planning");
	for (pos = current; pos != target; pos += direction == CMIG_UP ? 1 : -1) {
		cmig_step st;
		if ((rc = cmig_plan_step(&st, c, pos, direction, dialect, d)) != CMIG_OK)
			break;
		out->items[out->n++] = st;
	}
	if (rc != CMIG_OK)
		out->n = keep;
	return rc;
}
