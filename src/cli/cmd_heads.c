/* cmd_heads.c - `cmig heads`: the head of the files; on a branch every head and exit 1. */
#include <stdio.h>

#include "cmd.h"
#include "out.h"

static int cmd_heads(struct cli_ctx *ctx)
{
	const cmig_revision *const *heads = NULL;
	size_t n = cmig_project_heads(&heads, ctx->project);
	const cmig_revision *head = cmig_project_head(ctx->project);

	if (head) {
		printf("%s\n", cmig_revision_id(head));
		return EXIT_OK;
	}
	cmig_project_diagnostics(ctx->project, 0, cli_print_diag, NULL);
	for (size_t i = 0; i < n; i++)
		printf("%s\n", cmig_revision_id(heads[i]));
	return n == 0 && cmig_project_count(ctx->project) == 0 ? EXIT_OK : EXIT_FAIL;
}

const struct cli_command cmd_heads_def = {
	"heads", cmd_heads, CMD_NEEDS_PROJECT, "",
	"print the head revision of the files (every head, and exit 1, on a branched chain)",
	NULL, 0, 0, 0, NULL,
};
