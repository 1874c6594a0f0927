/* cmd_rehash.c - `cmig rehash REV|--all`: accept an intended edit of an applied revision. */
#include <stdio.h>

#include "cmd.h"
#include "out.h"

static const struct cli_opt opts[] = {
	{ "all", 0, NULL, "every applied revision whose checksum changed" },
};

static int cmd_rehash(struct cli_ctx *ctx)
{
	cmig_run_options o;
	bool all = cli_opt_given(ctx, "all");
	size_t count = 0;
	int rc;

	if (all == (ctx->args->npos == 1))
		return cli_usage_error(ctx, "rehash takes either REV or --all");
	cli_run_options(&o, ctx);
	rc = cmig_rehash(&count, ctx->project, &o, all ? NULL : ctx->args->pos[0],
	                 all ? CMIG_REHASH_ALL : 0);
	if (rc == CMIG_OK && !cli_out.quiet) {
		if (count)
			fprintf(stderr, "cmig: recorded %zu new checksum%s\n", count, count == 1 ? "" : "s");
		else if (all)
			fprintf(stderr, "cmig: no applied revision changed: nothing written\n");
		else
			fprintf(stderr, "cmig: the checksum of %s is unchanged: nothing written\n",
			        ctx->args->pos[0]);
	}
	return cli_exit(rc);
}

const struct cli_command cmd_rehash_def = {
	"rehash", cmd_rehash, CMD_NEEDS_CHAIN | CMD_CONNECTS, "REV|--all",
	"accept an edit of an applied revision: record its current checksum so check stops reporting drift",
	opts, sizeof(opts) / sizeof(opts[0]), 0, 1,
	"Writes a history row with direction rehash. REV must be applied; --all writes rows only\n"
	"for applied revisions whose up section changed.\n",
};
