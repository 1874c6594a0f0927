/* cmd_heads.c - `cmig heads [--format json]`: the head of the files; on a branch every head
 * and exit 1. */
#include <stdio.h>

#include "cmd.h"
#include "json.h"
#include "out.h"

static const struct cli_opt opts[] = {
	{ "format", 0, "FORMAT", "text (default) or json: {\"heads\": [...]}" },
};

static int cmd_heads(struct cli_ctx *ctx)
{
	const cmig_revision *const *heads = NULL;
	size_t n = cmig_project_heads(&heads, ctx->project);
	const cmig_revision *head = cmig_project_head(ctx->project);
	bool json;
	int rc;

	if ((rc = cli_json_format(ctx, &json)) != EXIT_OK)
		return rc;
	if (head) {
		heads = &head;
		n = 1;
	} else {
		cmig_project_diagnostics(ctx->project, 0, cli_print_diag, NULL);
	}
	if (json)
		fputs("{\"heads\": [", stdout);
	for (size_t i = 0; i < n; i++) {
		if (json) {
			fputs(i ? ", " : "", stdout);
			cli_json_string(cmig_revision_id(heads[i]));
		} else {
			printf("%s\n", cmig_revision_id(heads[i]));
		}
	}
	if (json)
		fputs("]}\n", stdout);
	return head || (n == 0 && cmig_project_count(ctx->project) == 0) ? EXIT_OK : EXIT_FAIL;
}

const struct cli_command cmd_heads_def = {
	"heads", cmd_heads, CMD_NEEDS_PROJECT, "[--format json]",
	"print the head revision of the files (every head, and exit 1, on a branched chain)",
	opts, sizeof(opts) / sizeof(opts[0]), 0, 0, NULL,
};
