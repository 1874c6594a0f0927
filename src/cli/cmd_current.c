/* cmd_current.c - `cmig current [--format json]`: the database's revision, ` (head)` when it
 * is the head. */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "json.h"

static const struct cli_opt opts[] = {
	{ "format", 0, "FORMAT", "text (default) or json: {\"current\", \"head\", \"is_head\"}" },
};

static int cmd_current(struct cli_ctx *ctx)
{
	cmig_run_options o;
	const cmig_revision *head = cmig_project_head(ctx->project);
	const char *head_id = head ? cmig_revision_id(head) : NULL;
	char *cur = NULL;
	bool json, is_head;
	int rc;

	if ((rc = cli_json_format(ctx, &json)) != EXIT_OK)
		return rc;
	cli_run_options(&o, ctx);
	rc = cmig_current(&cur, ctx->project, &o);
	/* at base with no revisions at all, base is the head */
	is_head = cur ? head_id && !strcmp(head_id, cur) : !head_id;
	if (rc == CMIG_OK && json) {
		fputs("{\"current\": ", stdout);
		cli_json_string_or_null(cur);
		fputs(", \"head\": ", stdout);
		cli_json_string_or_null(head_id);
		printf(", \"is_head\": %s}\n", is_head ? "true" : "false");
	} else if (rc == CMIG_OK) {
		if (!cur)
			printf("base\n");
		else
			printf("%s%s\n", cur, is_head ? " (head)" : "");
	}
	cmig_free(cur);
	return cli_exit(rc);
}

const struct cli_command cmd_current_def = {
	"current", cmd_current, CMD_NEEDS_CHAIN | CMD_CONNECTS, "[--format json]",
	"print the current revision (base when none is applied)",
	opts, sizeof(opts) / sizeof(opts[0]), 0, 0, NULL,
};
