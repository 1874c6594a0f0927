/* cmd_stamp.c - `cmig stamp TARGET`: set the version row without running SQL (SPEC §5). */
#include "cmd.h"

static const struct cli_opt opts[] = {
	{ "sql", 0, NULL, "print the SQL instead of running it" },
};

static int cmd_stamp(struct cli_ctx *ctx)
{
	cmig_run_options o;
	cli_run_options(&o, ctx);
	o.target = ctx->args->pos[0];
	if (cli_opt_given(ctx, "sql"))
		o.flags |= CMIG_RUN_OFFLINE;
	return cli_exit(cmig_stamp(ctx->project, &o));
}

const struct cli_command cmd_stamp_def = {
	"stamp", cmd_stamp, CMD_NEEDS_CHAIN | CMD_CONNECTS, "TARGET [--sql]",
	"set the version table to TARGET without running SQL (base empties it)",
	opts, sizeof(opts) / sizeof(opts[0]), 1, 1,
	"Adopts an existing database: a stamp marks TARGET and every revision before it applied.\n"
	"It writes one history row with direction stamp.\n",
};
