/* cmd_show.c - `cmig show REV`: one revision's headers, path and both sections. */
#include <stdio.h>
#include <string.h>

#include "cmd.h"

static int cmd_show(struct cli_ctx *ctx)
{
	const cmig_revision *r = NULL, *head = cmig_project_head(ctx->project);
	const char *text;
	size_t len;
	int rc = cmig_project_find(&r, ctx->project, ctx->args->pos[0]);

	if (rc == CMIG_OK && !r) {
		fprintf(stderr, "cmig: error: base is not a revision\n");
		return EXIT_FAIL;
	}
	if (rc) {
		fprintf(stderr, "cmig: error: %s target '%s'\n",
		        rc == CMIG_EAMBIGUOUS ? "ambiguous" : "unknown", ctx->args->pos[0]);
		return EXIT_FAIL;
	}
	/* the text first: a file that cannot be read again shows nothing */
	text = cmig_revision_text(&len, r);
	if (!text) {
		fprintf(stderr, "%s: error: file changed while cmig was running (or cannot be read)\n",
		        cmig_revision_path(r));
		return EXIT_FAIL;
	}
	printf("Rev: %s%s\n", cmig_revision_id(r), r == head ? " (head)" : "");
	printf("Parent: %s\n", cmig_revision_down(r) ? cmig_revision_down(r) : "<base>");
	printf("Path: %s\n", cmig_revision_path(r));
	printf("Message: %s\n", cmig_revision_message(r));
	if (*cmig_revision_created(r))
		printf("Created: %s\n", cmig_revision_created(r));
	printf("\n");
	fwrite(text, 1, len, stdout);
	if (len && text[len - 1] != '\n')
		putchar('\n');
	return EXIT_OK;
}

const struct cli_command cmd_show_def = {
	"show", cmd_show, CMD_NEEDS_CHAIN, "REV",
	"show one revision: headers, path, and its file with both sections",
	NULL, 0, 1, 1, NULL,
};
