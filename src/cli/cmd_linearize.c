/* cmd_linearize.c - `cmig linearize [--dry-run] [--keep REV]`: untangle a branched chain
 * (SPEC §7). --keep travels as the run options' target. */
#include <stdio.h>

#include "cmd.h"
#include "out.h"

static const struct cli_opt opts[] = {
	{ "dry-run", 0, NULL, "print the changes, write nothing" },
	{ "keep", 0, "REV", "keep the branch holding REV (instead of the earliest created)" },
};

static void changed(const char *path, const char *old_down, const char *new_down, void *payload)
{
	(*(size_t *)payload)++;
	printf("%s: down_revision %s -> %s\n", path, old_down ? old_down : "none",
	       new_down ? new_down : "none");
}

static int cmd_linearize(struct cli_ctx *ctx)
{
	cmig_run_options o;
	bool dry = cli_opt_given(ctx, "dry-run");
	size_t n = 0;
	int rc;

	cli_run_options(&o, ctx);
	o.payload = &n;
	o.target = cli_opt_value(ctx, "keep");
	rc = cmig_linearize(ctx->project, &o, dry ? CMIG_LINEARIZE_DRY_RUN : 0, changed);
	/* the change lines are the same either way (SPEC §7); stderr says which it was */
	if (rc == CMIG_OK && !cli_out.quiet && n && dry)
		fprintf(stderr, "cmig: dry run: nothing written (%zu change%s shown)\n", n, n == 1 ? "" : "s");
	else if (rc == CMIG_OK && !cli_out.quiet && n)
		fprintf(stderr, "cmig: rewrote %zu file%s\n", n, n == 1 ? "" : "s");
	return cli_exit(rc);
}

const struct cli_command cmd_linearize_def = {
	"linearize", cmd_linearize, CMD_NEEDS_PROJECT | CMD_CONNECTS, "[--dry-run] [--keep REV]",
	"make a branched chain linear by rewriting down_revision headers",
	opts, sizeof(opts) / sizeof(opts[0]), 0, 0,
	"At each branch the branch whose first revision has the earliest 'created' (then file name)\n"
	"stays; each other branch's first revision is re-pointed onto the head of the branch before\n"
	"it; --keep REV keeps the branch holding REV instead. Only that header line changes.\n"
	"Refuses when a moved revision is applied in the database (naming the --keep that keeps\n"
	"its branch), or when the problem is not a branch (cycle, missing parent, duplicate).\n",
};
