/*
 * target.c - TARGET strings -> chain positions (SPEC §5).
 *
 * Order of interpretation: the reserved words (head, base, current; any case), then +N/-N,
 * then an exact revision id, then a unique prefix of one. An exact id wins over a prefix
 * (with revisions "ab" and "abc", "ab" means "ab"). Prefix matching is one scan of the
 * chain, so resolving is linear at worst.
 *
 * It only works on a linear chain (chain->ok); it says nothing about direction: whether the
 * position is on the right side of the current revision is plan.c's question.
 */
#include "target.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "text.h"

/* How many candidates an "ambiguous" message lists before "and N more". */
#define MAX_LISTED 8

static const char *pos_name(const struct cmig_chain *c, long pos)
{
	return pos < 0 ? "base" : c->revs[pos]->id;
}

/* "+N" / "-N" with N all digits; *sign_out is +1 or -1. Overflow saturates (it is past an
 * end anyway). */
static bool parse_relative(const char *t, int *sign_out, long *n_out)
{
	long n = 0;
	const char *p = t + 1;

	if (t[0] != '+' && t[0] != '-')
		return false;
	if (!*p)
		return false;
	for (; *p; p++) {
		if (*p < '0' || *p > '9')
			return false;
		if (n < 100000000L)
			n = n * 10 + (*p - '0');
	}
	*sign_out = t[0] == '+' ? 1 : -1;
	*n_out = n;
	return true;
}

static int resolve_relative(long *out, const struct cmig_chain *c, const char *target,
                            int sign, long n, long current, cmig_diags *d)
{
	long last = (long)c->n - 1;
	long pos;

	if (sign > 0 && n > last - current) {
		if (current == last)
			return cmig_diag_error(d, NULL, 0, CMIG_ERROR, NULL,
			                       "target \"%s\" steps past head: %s is the head", target,
			                       pos_name(c, current));
		return cmig_diag_error(d, NULL, 0, CMIG_ERROR, NULL,
		                       "target \"%s\" steps past head: only %ld revision%s after %s",
		                       target, last - current, last - current == 1 ? "" : "s",
		                       pos_name(c, current));
	}
	if (sign < 0 && n > current + 1) {
		if (current < 0)
			return cmig_diag_error(d, NULL, 0, CMIG_ERROR, NULL,
			                       "target \"%s\" steps past base: the current revision is base",
			                       target);
		return cmig_diag_error(d, NULL, 0, CMIG_ERROR, NULL,
		                       "target \"%s\" steps past base: only %ld revision%s up to %s",
		                       target, current + 1, current == 0 ? "" : "s",
		                       pos_name(c, current));
	}
	pos = current + sign * n;
	*out = pos;
	return CMIG_OK;
}

static int resolve_prefix(long *out, const struct cmig_chain *c, const char *target,
                          cmig_diags *d)
{
	size_t tl = strlen(target), matches = 0;
	long found = -1;
	cmig_buf list = CMIG_BUF_INIT;
	int rc;

	for (size_t i = 0; i < c->n; i++) {
		if (strncmp(c->revs[i]->id, target, tl) != 0)
			continue;
		if (matches < MAX_LISTED)
			cmig_buf_printf(&list, "%s%s", matches ? ", " : "", c->revs[i]->id);
		if (matches == 0)
			found = (long)i;
		matches++;
	}
	if (matches == 1) {
		cmig_buf_release(&list);
		*out = found;
		return CMIG_OK;
	}
	if (matches == 0)
		return cmig_diag_full(d, CMIG_DIAG_ERROR, CMIG_ENOTFOUND, NULL, NULL, 0, 0, NULL,
		                      "Run 'cmig history' to list the revisions.",
		                      "unknown target \"%s\": no revision has that id or prefix",
		                      target);
	if (matches > MAX_LISTED)
		cmig_buf_printf(&list, " and %zu more", matches - MAX_LISTED);
	rc = cmig_diag_error(d, NULL, 0, CMIG_EAMBIGUOUS, NULL,
	                     "target \"%s\" is ambiguous: it is a prefix of %s", target, list.ptr);
	cmig_buf_release(&list);
	return rc;
}

int cmig_target_resolve(long *out, const struct cmig_chain *c, const char *target, long current,
                        unsigned flags, cmig_diags *d)
{
	const struct cmig_revfile *r;
	long n;
	int sign;

	*out = CMIG_POS_BASE;
	if (!target || !*target)
		return cmig_diag_error(d, NULL, 0, CMIG_EUSAGE, NULL, "empty target");
	if (current < CMIG_POS_BASE || current >= (long)c->n)
		current = CMIG_POS_BASE;
	if (cmig_text_ieq(target, "head")) {
		*out = (long)c->n - 1;
		return CMIG_OK;
	}
	if (cmig_text_ieq(target, "base")) {
		*out = CMIG_POS_BASE;
		return CMIG_OK;
	}
	if (cmig_text_ieq(target, "current")) {
		if (!(flags & CMIG_TARGET_CURRENT))
			return cmig_diag_error(d, NULL, 0, CMIG_ERROR, NULL,
			                       "target \"%s\" is not allowed here", target);
		*out = current;
		return CMIG_OK;
	}
	if (parse_relative(target, &sign, &n)) {
		if (!(flags & CMIG_TARGET_RELATIVE))
			return cmig_diag_error(d, NULL, 0, CMIG_ERROR, NULL,
			                       "relative target \"%s\" is not allowed here", target);
		return resolve_relative(out, c, target, sign, n, current, d);
	}
	r = cmig_strmap_get(&c->byid, target, strlen(target));
	if (r && r->index >= 0 && (size_t)r->index < c->n && c->revs[r->index] == r) {
		*out = r->index;
		return CMIG_OK;
	}
	return resolve_prefix(out, c, target, d);
}

bool cmig_target_split_range(const char *target, char **from_out, char **to_out)
{
	const char *colon;

	*from_out = NULL;
	*to_out = NULL;
	if (!target || !(colon = strchr(target, ':')))
		return false;
	if (colon > target)
		*from_out = cmig_strndup(target, (size_t)(colon - target));
	if (colon[1])
		*to_out = cmig_strdup(colon + 1);
	return true;
}
