/* cmd_revision.c - `cmig revision -m MSG [--rev-id ID]`: a new file after the head of the files. */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "out.h"

static const struct cli_opt opts[] = {
	{ "message", 'm', "MSG", "what the revision does (also the file name's slug)" },
	{ "rev-id", 0, "ID", "use this revision id instead of 12 random hex digits" },
};

static int cmd_revision(struct cli_ctx *ctx)
{
	cmig_revision_options o = CMIG_REVISION_OPTIONS_INIT;
	char *path = NULL;
	int rc;

	o.message = cli_opt_value(ctx, "message");
	if (!o.message)
		return cli_usage_error(ctx, "revision needs -m MSG");
	if (o.message[strspn(o.message, " \t\r\n\v\f")] == '\0')
		return cli_usage_error(ctx, "revision needs a message: the -m given is %s",
		                       *o.message ? "blank" : "empty");
	o.rev_id = cli_opt_value(ctx, "rev-id");
	o.on_diag = cli_print_diag;
	rc = cmig_revision_create(&path, ctx->project, &o);
	if (rc == CMIG_OK)
		printf("%s\n", path);
	cmig_free(path);
	return cli_exit(rc);
}

const struct cli_command cmd_revision_def = {
	"revision", cmd_revision, CMD_NEEDS_CHAIN, "-m MSG [--rev-id ID]",
	"write a new revision after the current head (of the files) and print its path",
	opts, sizeof(opts) / sizeof(opts[0]), 0, 0,
	"The file is versions/<id>_<slug>.sql, rendered from templates/revision.sql.tmpl (or the\n"
	"built-in template). An existing file is never overwritten.\n",
};
