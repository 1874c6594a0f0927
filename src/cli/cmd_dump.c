/* cmd_dump.c - `cmig dump [-o FILE]`: the configured database's schema as SQL (SPEC §8). */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "diag.h"
#include "fs.h"
#include "out.h"

static const struct cli_opt opts[] = {
	{ "output", 'o', "FILE", "write to FILE (replaced atomically) instead of stdout" },
};

static int cmd_dump(struct cli_ctx *ctx)
{
	cmig_run_options o;
	const char *path = cli_opt_value(ctx, "output");
	char *text = NULL;
	int rc;

	cli_run_options(&o, ctx);
	rc = cmig_dump(&text, ctx->project, &o);
	if (rc == CMIG_OK && path) {
		cmig_diags d;
		cmig_diags_init(&d, cli_print_diag, NULL);
		rc = cmig_fs_replace(path, text, strlen(text), &d);
		cmig_diags_release(&d);
	} else if (rc == CMIG_OK) {
		fputs(text, stdout);
	}
	cmig_free(text);
	return cli_exit(rc);
}

const struct cli_command cmd_dump_def = {
	"dump", cmd_dump, CMD_NEEDS_PROJECT | CMD_NO_VERSIONS | CMD_CONNECTS, "[-o FILE]",
	"print the database's schema as the SQL that recreates it",
	opts, sizeof(opts) / sizeof(opts[0]), 0, 0,
	"The first line names the revision the database is at; then extensions, schemas, types,\n"
	"sequences, functions, tables, cycle-closing foreign keys, indexes, views, triggers,\n"
	"comments and privileges. Loading the dump into an empty database and dumping again gives\n"
	"the same text. An object of a kind cmig does not model is an error naming it.\n"
	"It never reads versions/: with --url or DATABASE_URL it runs outside a project.\n",
};
