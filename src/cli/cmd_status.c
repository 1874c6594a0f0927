/* cmd_status.c - `cmig status`: the chain oldest first, applied or pending, then current. */
#include <stdio.h>

#include "cmd.h"

static void row(const cmig_status_row *r, void *payload)
{
	(void)payload;
	if (r->applied_at)
		printf("%s applied %s%s\n", cmig_revision_id(r->rev), r->applied_at,
		       r->stamped ? " (stamped)" : "");
	else
		printf("%s pending\n", cmig_revision_id(r->rev));
}

static int cmd_status(struct cli_ctx *ctx)
{
	cmig_run_options o;
	char *cur = NULL;
	int rc;

	cli_run_options(&o, ctx);
	rc = cmig_status_walk(&cur, ctx->project, &o, row);
	if (rc == CMIG_OK)
		printf("current: %s\n", cur ? cur : "base");
	cmig_free(cur);
	return cli_exit(rc);
}

const struct cli_command cmd_status_def = {
	"status", cmd_status, CMD_NEEDS_CHAIN | CMD_CONNECTS, "",
	"list the chain oldest first, applied (with when) or pending, then the current revision",
	NULL, 0, 0, 0, NULL,
};
