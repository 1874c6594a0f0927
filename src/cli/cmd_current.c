/* cmd_current.c - `cmig current`: the database's revision, ` (head)` when it is the head. */
#include <stdio.h>
#include <string.h>

#include "cmd.h"

static int cmd_current(struct cli_ctx *ctx)
{
	cmig_run_options o;
	const cmig_revision *head = cmig_project_head(ctx->project);
	char *cur = NULL;
	int rc;

	cli_run_options(&o, ctx);
	rc = cmig_current(&cur, ctx->project, &o);
	if (rc == CMIG_OK) {
		if (!cur)
			printf("base\n");
		else
			printf("%s%s\n", cur, head && !strcmp(cmig_revision_id(head), cur) ? " (head)" : "");
	}
	cmig_free(cur);
	return cli_exit(rc);
}

const struct cli_command cmd_current_def = {
	"current", cmd_current, CMD_NEEDS_CHAIN | CMD_CONNECTS, "",
	"print the current revision (base when none is applied)",
	NULL, 0, 0, 0, NULL,
};
