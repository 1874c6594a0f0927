/* cmd_diff.c - `cmig diff [--from-db] [--rename R]…`: the SQL from the schema at head to the
 * declared one (SPEC §8). Exit 0: they agree; 3: there is SQL (printed); 1: error. */
#include <stdio.h>

#include "cmd.h"
#include "out.h"

static const struct cli_opt opts[] = {
	{ "from-db", 0, NULL, "compare the configured database (at its revision) instead of the "
	                      "replayed chain" },
	{ "rename", 0, "RENAME", "TABLE:NEW or TABLE.COLUMN:NEW: a rename, not a drop and an add "
	                         "(repeatable)" },
};

static int cmd_diff(struct cli_ctx *ctx)
{
	cmig_schema_options o = CMIG_SCHEMA_OPTIONS_INIT;
	const char *renames[CLI_MAX_ARGS];
	size_t n = 0;
	int rc;

	o.nrenames = cli_opt_values(ctx, "rename", renames, CLI_MAX_ARGS);
	o.renames = renames;
	if (cli_opt_given(ctx, "from-db"))
		o.flags |= CMIG_SCHEMA_FROM_DB;
	o.wait = ctx->wait;
	o.on_output = cli_print_output;
	o.on_diag = cli_print_diag;
	rc = cmig_diff(&n, ctx->project, &o);
	if (rc == CMIG_OK)
		return n ? EXIT_PENDING : EXIT_OK;
	return cli_exit(rc);
}

const struct cli_command cmd_diff_def = {
	"diff", cmd_diff, CMD_NEEDS_CHAIN, "[--from-db] [--rename TABLE[.COLUMN]:NEW]...",
	"print the SQL from the schema at head to the declared schema (schema.sql)",
	opts, sizeof(opts) / sizeof(opts[0]), 0, 0,
	"The schema at head comes from replaying the chain in a scratch database (SQLite: in\n"
	"memory; PostgreSQL: a database on dev_url's server, dropped afterwards); the declared\n"
	"schema (schema_file, default schema.sql; with one file per dialect, the database URL's)\n"
	"is loaded into another. Exit status 0 when they\n"
	"agree, 3 when there is SQL to print (use it in CI), 1 on error.\n",
};
