/* cmd_status.c - `cmig status`: the chain oldest first, applied or pending, then current. */
#include <stdio.h>

#include "cmd.h"

static void row(const cmig_status_row *r, void *payload)
{
	const char *id = cmig_revision_id(r->rev);
	(void)payload;
	switch (r->state) {
	case CMIG_REV_APPLIED: printf("%s applied %s\n", id, r->applied_at); break;
	case CMIG_REV_STAMPED: printf("%s stamped %s\n", id, r->applied_at); break;
	case CMIG_REV_SKIPPED: printf("%s skipped\n", id); break;
	case CMIG_REV_APPLIED_NO_HISTORY: printf("%s applied (no history)\n", id); break;
	case CMIG_REV_PENDING: printf("%s pending\n", id); break;
	}
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
	"status", cmd_status, CMD_NEEDS_CHAIN, "",
	"list the chain oldest first, applied (with when) or pending, then the current revision",
	NULL, 0, 0, 0, NULL,
};
