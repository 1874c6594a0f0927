/* cmd_downgrade.c - `cmig downgrade TARGET [--sql]` (SPEC §5). */
#include <string.h>

#include "cmd.h"

static const struct cli_opt opts[] = {
	{ "sql", 0, NULL, "print the SQL that would run instead of running it (FROM:TO targets allowed)" },
};

static int cmd_downgrade(struct cli_ctx *ctx)
{
	cmig_run_options o;

	cli_run_options(&o, ctx);
	o.target = ctx->args->pos[0];
	if (cli_opt_given(ctx, "sql"))
		o.flags |= CMIG_RUN_OFFLINE;
	if (!(o.flags & CMIG_RUN_OFFLINE) && strchr(o.target, ':'))
		return cli_usage_error(ctx, "a FROM:TO target needs --sql");
	return cli_exit(cmig_downgrade(ctx->project, &o));
}

const struct cli_command cmd_downgrade_def = {
	"downgrade", cmd_downgrade, CMD_NEEDS_CHAIN | CMD_CONNECTS, "TARGET [--sql]",
	"run down sections, newest first, down to TARGET (base = before the root)",
	opts, sizeof(opts) / sizeof(opts[0]), 1, 1,
	"TARGET is base, a revision id, a unique prefix of one, or -N (N steps down).\n"
	"A revision without a -- migrate:down section cannot be downgraded past: cmig refuses\n"
	"before changing anything. With --sql, FROM:TO sets the starting revision (default head).\n",
};
