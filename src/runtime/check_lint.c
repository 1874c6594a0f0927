/*
 * check_lint.c - `check --lint` (see check_lint.h). The dialects unmarked sections are linted
 * for: --dialect, else cmig.yaml's `dialects`, else the database URL's; in the last case,
 * when the URL is the default one, a note says so (the CLI puts it in the summary line).
 */
#include "check_lint.h"

#include <string.h>

#include "lint.h"
#include "target.h"

int cmig_check_lint(const struct cmig_runtime *rt, unsigned flags, const char *dialect,
                    const char *since, cmig_diags *d)
{
	const struct cmig_chain *c = &rt->scripts->chain;
	struct cmig_lint_options o;
	int rc;

	memset(&o, 0, sizeof(o));
	o.since = -1;
	o.pg_version = rt->config->postgresql_version ? rt->config->postgresql_version : 15;
	o.lock_timeout_set = rt->config->pg_lock_timeout != NULL;
	o.lint_down = (flags & CMIG_CHECK_LINT_DOWN) != 0;
	o.only = CMIG_DIALECT_ANY;
	if (dialect) {
		if (!strcmp(dialect, "sqlite"))
			o.only = CMIG_DIALECT_SQLITE;
		else if (!strcmp(dialect, "postgresql"))
			o.only = CMIG_DIALECT_POSTGRESQL;
		else
			return cmig_diag_error(d, NULL, 0, CMIG_EUSAGE, NULL,
			                       "--dialect is sqlite or postgresql, not '%s'", dialect);
	}
	o.dialects = rt->config->dialects;
	if (!o.dialects) {
		o.dialects = 1u << cmig_runtime_dialect(rt);   /* CMIG_LINT_<dialect> */
		if (!rt->config->url_configured && o.only == CMIG_DIALECT_ANY)
			cmig_diag_full(d, CMIG_DIAG_NOTE, CMIG_OK, "lint-dialects", NULL, 0, 0, NULL, NULL,
			               "lint: sqlite only, the dialect of the default database URL "
			               "(set 'dialects' in cmig.yaml)");
	}
	if (since) {
		long pos;
		if ((rc = cmig_target_resolve(&pos, c, since, CMIG_POS_BASE, 0, d)) != CMIG_OK)
			return rc;
		o.since = pos;
	}
	return cmig_lint_chain((const struct cmig_revfile *const *)c->revs, c->n, &o, d);
}
