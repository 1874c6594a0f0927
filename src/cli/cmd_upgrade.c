/* cmd_upgrade.c - `cmig upgrade [TARGET] [--sql] [--check]` (SPEC §5). */
#include <string.h>

#include "cmd.h"

static const struct cli_opt opts[] = {
	{ "sql", 0, NULL, "print the SQL that would run instead of running it (FROM:TO targets allowed)" },
	{ "check", 0, NULL, "list pending revisions; exit 3 if any, 0 if none; change nothing" },
};

static int cmd_upgrade(struct cli_ctx *ctx)
{
	cmig_run_options o;
	size_t pending = 0;
	int rc;

	cli_run_options(&o, ctx);
	o.target = ctx->args->npos ? ctx->args->pos[0] : "head";
	if (cli_opt_given(ctx, "sql"))
		o.flags |= CMIG_RUN_OFFLINE;
	if (cli_opt_given(ctx, "check"))
		o.flags |= CMIG_RUN_CHECK_ONLY;
	if ((o.flags & CMIG_RUN_OFFLINE) && (o.flags & CMIG_RUN_CHECK_ONLY))
		return cli_usage_error(ctx, "--sql and --check cannot be combined");
	if (!(o.flags & CMIG_RUN_OFFLINE) && strchr(o.target, ':'))
		return cli_usage_error(ctx, "a FROM:TO target needs --sql");
	rc = cmig_upgrade(&pending, ctx->project, &o);
	if (rc == CMIG_OK && (o.flags & CMIG_RUN_CHECK_ONLY) && pending)
		return EXIT_PENDING;
	return cli_exit(rc);
}

const struct cli_command cmd_upgrade_def = {
	"upgrade", cmd_upgrade, CMD_NEEDS_CHAIN | CMD_CONNECTS, "[TARGET] [--sql] [--check]",
	"run up sections from the current revision to TARGET (default head)",
	opts, sizeof(opts) / sizeof(opts[0]), 0, 1,
	"TARGET is head, a revision id, a unique prefix of one, or +N (N steps up).\n"
	"Each migration runs in its own transaction with its version and history rows.\n"
	"With --sql, FROM:TO sets the starting revision (default base) and nothing connects.\n",
};
