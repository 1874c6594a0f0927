/* cmd_init.c - `cmig init [DIR]`: create cmig.yaml, versions/ and the template; never overwrite. */
#include <stdio.h>

#include "cmd.h"
#include "out.h"

static void created(const char *path, void *payload)
{
	(void)payload;
	printf("%s\n", path);
}

static int cmd_init(struct cli_ctx *ctx)
{
	const char *dir = ctx->args->npos ? ctx->args->pos[0] : ".";
	return cli_exit(cmig_init(dir, created, cli_print_diag, NULL));
}

const struct cli_command cmd_init_def = {
	"init", cmd_init, 0, "[DIR]", "create a project directory (cmig.yaml, versions/, templates/)",
	NULL, 0, 0, 1,
	"Creates DIR (default .) with cmig.yaml, versions/ and templates/revision.sql.tmpl.\n"
	"Existing files are kept as they are; each path created is printed.\n",
};
