/* cmd_history.c - `cmig history [-r RANGE] [--verbose]`: the chain, newest first. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "json.h"
#include "out.h"

static const struct cli_opt opts[] = {
	{ "rev-range", 'r', "RANGE", "A:B, inclusive; either side may be omitted; TARGET or current" },
	{ "format", 0, "FORMAT", "text (default) or json: {\"revisions\": [...]}, newest first" },
};

/* One side of a range -> position (-1 = base). */
static int side(long *pos, struct cli_ctx *ctx, const char *s, size_t len)
{
	char *tmp = strndup(s, len);
	int rc = CMIG_OK;
	if (!tmp)
		return CMIG_ENOMEM;
	if (!strcmp(tmp, "current")) {
		cmig_run_options o;
		char *cur = NULL;
		cli_run_options(&o, ctx);
		rc = cmig_current(&cur, ctx->project, &o);
		*pos = -1;
		if (!rc && cur) {
			const cmig_revision *r = NULL;
			rc = cmig_project_find(&r, ctx->project, cur);
			if (!rc && r)
				*pos = cmig_revision_position(r);
		}
		cmig_free(cur);
	} else {
		const cmig_revision *r = NULL;
		rc = cmig_project_find(&r, ctx->project, tmp);
		if (rc)
			fprintf(stderr, "cmig: error: unknown or ambiguous revision '%s' in the range\n", tmp);
		*pos = r ? cmig_revision_position(r) : -1;
	}
	free(tmp);
	return rc;
}

/* SPEC §5 history JSON: one object per revision, newest first. is_current is null unless a
 * database is configured (then it is read, as `current` reads it). */
static int print_json(struct cli_ctx *ctx, long lo, long hi)
{
	size_t n = cmig_project_count(ctx->project);
	long cur_pos = -1;   /* base; read only when a database is configured */
	bool first = true, have_db = cmig_project_has_database(ctx->project);

	if (have_db) {
		int rc = side(&cur_pos, ctx, "current", 7);
		if (rc)
			return cli_exit(rc);
	}
	fputs("{\"revisions\": [", stdout);
	for (long i = hi; i >= lo && i >= 0; i--) {
		const cmig_revision *r = cmig_project_at(ctx->project, (size_t)i);
		const char *created = cmig_revision_created(r);
		fputs(first ? "\n  {\"revision\": " : ",\n  {\"revision\": ", stdout);
		first = false;
		cli_json_string(cmig_revision_id(r));
		fputs(", \"down_revision\": ", stdout);
		cli_json_string_or_null(cmig_revision_down(r));
		fputs(", \"message\": ", stdout);
		cli_json_string_or_null(*cmig_revision_message(r) ? cmig_revision_message(r) : NULL);
		fputs(", \"created\": ", stdout);
		cli_json_string_or_null(*created ? created : NULL);
		fputs(", \"path\": ", stdout);
		cli_json_string(cmig_revision_path(r));
		printf(", \"is_head\": %s, \"is_current\": %s}", (size_t)i == n - 1 ? "true" : "false",
		       !have_db ? "null" : cur_pos == i ? "true" : "false");
	}
	fputs(first ? "]}\n" : "\n]}\n", stdout);
	return EXIT_OK;
}

static int cmd_history(struct cli_ctx *ctx)
{
	const char *range = cli_opt_value(ctx, "rev-range");
	size_t n = cmig_project_count(ctx->project);
	long lo = 0, hi = (long)n - 1;
	bool json;
	int rc = CMIG_OK;

	if ((rc = cli_json_format(ctx, &json)) != EXIT_OK)
		return rc;
	if (range) {
		const char *colon = strchr(range, ':');
		if (!colon)
			return cli_usage_error(ctx, "-r needs a range A:B, not '%s'", range);
		lo = -1; /* an omitted A is base */
		if (colon > range)
			rc = side(&lo, ctx, range, (size_t)(colon - range));
		if (!rc && colon[1])
			rc = side(&hi, ctx, colon + 1, strlen(colon + 1));
		if (rc)
			return cli_exit(rc);
		/* SPEC §5: A newer than B is an error naming both ends (lo == -1 is base) */
		if (n > 0 && lo > hi) {
			fprintf(stderr, "cmig: error: history -r %s: %.*s (%s) is newer than %s (%s); "
			        "the range is OLDER:NEWER\n", range, (int)(colon - range), range,
			        cmig_revision_id(cmig_project_at(ctx->project, (size_t)lo)),
			        colon + 1, hi < 0 ? "base" :
			        cmig_revision_id(cmig_project_at(ctx->project, (size_t)hi)));
			return EXIT_FAIL;
		}
		lo = lo < 0 ? 0 : lo;
	}
	if (json)
		return print_json(ctx, lo, hi);
	for (long i = hi; i >= lo && i >= 0; i--) {
		const cmig_revision *r = cmig_project_at(ctx->project, (size_t)i);
		const char *down = cmig_revision_down(r);
		printf("%s -> %s%s, %s\n", down ? down : "<base>", cmig_revision_id(r),
		       (size_t)i == n - 1 ? " (head)" : "", cmig_revision_message(r));
		if (cli_out.verbose) {
			printf("    path: %s\n", cmig_revision_path(r));
			if (*cmig_revision_created(r))
				printf("    created: %s\n", cmig_revision_created(r));
			if (!cmig_revision_has_down(r))
				printf("    no down section: cannot be downgraded past\n");
		}
	}
	return EXIT_OK;
}

const struct cli_command cmd_history_def = {
	"history", cmd_history, CMD_NEEDS_CHAIN, "[-r RANGE] [--verbose] [--format json]",
	"list the chain newest first: <down> -> <rev> (head), <message>",
	opts, sizeof(opts) / sizeof(opts[0]), 0, 0,
	"RANGE is A:B, inclusive (older:newer); either side may be omitted; each side is a\n"
	"TARGET (id, prefix, head, base) or current. With -v each revision's path and date follow.\n",
};
