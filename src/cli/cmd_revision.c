/* cmd_revision.c - `cmig revision -m MSG [--rev-id ID]`: a new file after the head of the files. */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "out.h"

static const struct cli_opt opts[] = {
	{ "message", 'm', "MSG", "what the revision does (also the file name's slug)" },
	{ "rev-id", 0, "ID", "use this revision id instead of 12 random hex digits" },
	{ "autogenerate", 0, NULL, "write the SQL from the schema at head to the declared schema, "
	                           "proven up and down in a scratch database" },
	{ "rename", 0, "RENAME", "with --autogenerate: TABLE:NEW or TABLE.COLUMN:NEW "
	                         "(repeatable)" },
	{ "allow-drop", 0, NULL, "with --autogenerate: allow statements that drop data" },
};

/* SPEC §8 `revision --autogenerate`. */
static int autogenerate(struct cli_ctx *ctx, const char *message)
{
	cmig_schema_options o = CMIG_SCHEMA_OPTIONS_INIT;
	const char *renames[CLI_MAX_ARGS];
	char *path = NULL;
	int rc;

	o.message = message;
	o.rev_id = cli_opt_value(ctx, "rev-id");
	o.nrenames = cli_opt_values(ctx, "rename", renames, CLI_MAX_ARGS);
	o.renames = renames;
	if (cli_opt_given(ctx, "allow-drop"))
		o.flags |= CMIG_SCHEMA_ALLOW_DROP;
	o.wait = ctx->wait;
	o.on_diag = cli_print_diag;
	rc = cmig_revision_autogenerate(&path, ctx->project, &o);
	if (rc == CMIG_OK && path)
		printf("%s\n", path);
	cmig_free(path);
	return cli_exit(rc);
}

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
	if (cli_opt_given(ctx, "autogenerate"))
		return autogenerate(ctx, o.message);
	if (cli_opt_given(ctx, "rename") || cli_opt_given(ctx, "allow-drop"))
		return cli_usage_error(ctx, "--rename and --allow-drop go with --autogenerate");
	o.rev_id = cli_opt_value(ctx, "rev-id");
	o.on_diag = cli_print_diag;
	rc = cmig_revision_create(&path, ctx->project, &o);
	if (rc == CMIG_OK)
		printf("%s\n", path);
	cmig_free(path);
	return cli_exit(rc);
}

const struct cli_command cmd_revision_def = {
	"revision", cmd_revision, CMD_NEEDS_CHAIN,
	"-m MSG [--rev-id ID] [--autogenerate [--rename R]... [--allow-drop]]",
	"write a new revision after the current head (of the files) and print its path",
	opts, sizeof(opts) / sizeof(opts[0]), 0, 0,
	"The file is versions/<id>_<slug>.sql, rendered from templates/revision.sql.tmpl (or the\n"
	"built-in template). An existing file is never overwritten.\n"
	"With --autogenerate the up section is the SQL from the schema at head to the declared\n"
	"schema (schema.sql) and the down section its reverse; both are proven in a scratch\n"
	"database first, or nothing is written (see docs/autogenerate.md). With schema_file\n"
	"naming a file for each dialect it writes dialect:sqlite and dialect:postgresql\n"
	"sections, each proven on its own dialect.\n",
};
