/*
 * main.c - the `cmig` program: global options, the command table, setup flags, dispatch and
 * exit codes (SPEC §5: 0 success, 1 failure, 2 usage, 3 pending from `upgrade --check`).
 *
 * Each command lives in its own cmd_<name>.c with its option table and help text; this file
 * only knows the table. CMD_NEEDS_CHAIN puts the SPEC §3 refusal in one place.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "cmd.h"
#include "fleet.h"
#include "man.h"
#include "out.h"

static const struct cli_opt global_opts[] = {
	{ "config", 'c', "FILE", "configuration file (default ./cmig.yaml)" },
	{ "url", 0, "URL", "database URL (overrides DATABASE_URL and cmig.yaml); repeat it, or use a sqlite:///dir/*.db pattern, for many databases" },
	{ "urls", 0, "FILE", "many databases: one URL a line ('-' reads stdin; # comments)" },
	{ "jobs", 0, "N", "many databases: run N at a time (default: the CPUs, at most 8)" },
	{ "on-error", 0, "MODE", "many databases: stop (default when writing) or continue after a failure" },
	{ "format", 0, "FORMAT", "many databases: the report as text (default) or json" },
	{ "lock-timeout", 0, "SECONDS", "give up waiting for the migration lock after this long (default 300)" },
	{ "wait", 0, "SECONDS", "keep retrying the connection this long (databases still starting)" },
	{ "quiet", 'q', NULL, "no progress output (errors still print)" },
	{ "verbose", 'v', NULL, "more output, server notices included" },
	{ "help", 'h', NULL, "show help (also per command: cmig COMMAND --help)" },
	{ "version", 0, NULL, "print cmig's version and the sqlite and libpq versions" },
};
enum { G_CONFIG, G_URL, G_URLS, G_JOBS, G_ON_ERROR, G_FORMAT, G_LOCK_TIMEOUT, G_WAIT, G_QUIET,
       G_VERBOSE, G_HELP, G_VERSION, G_COUNT };
#define NGLOBALS (sizeof(global_opts) / sizeof(global_opts[0]))

/* The command table: `cmig --help` and completion read it too. */
static const struct cli_command *const commands[] = {
	&cmd_init_def, &cmd_revision_def, &cmd_upgrade_def, &cmd_downgrade_def, &cmd_status_def,
	&cmd_current_def, &cmd_heads_def, &cmd_history_def, &cmd_show_def, &cmd_stamp_def,
	&cmd_check_def, &cmd_rehash_def, &cmd_linearize_def,
	&cmd_dump_def, &cmd_diff_def, &cmd_copy_def,
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static const struct cli_command *find_command(const char *name)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (!strcmp(commands[i]->name, name))
			return commands[i];
	return NULL;
}

static const struct cli_opt *find_cmd_opts(const char *name, size_t *n)
{
	static const struct cli_opt none[1];
	const struct cli_command *c = find_command(name);
	if (!strcmp(name, "help")) {
		*n = 0; /* `cmig help COMMAND`: the parser collects COMMAND as an argument */
		return none;
	}
	if (!c)
		return NULL;
	*n = c->nopts;
	return c->opts ? c->opts : none;
}

const char *cli_opt_value(const struct cli_ctx *ctx, const char *name)
{
	for (size_t i = 0; i < ctx->cmd->nopts; i++)
		if (!strcmp(ctx->cmd->opts[i].name, name))
			return ctx->args->values[ctx->nglobals + i];
	return NULL;
}

size_t cli_opt_values(const struct cli_ctx *ctx, const char *name, const char **out, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < ctx->cmd->nopts; i++)
		if (!strcmp(ctx->cmd->opts[i].name, name))
			for (size_t k = 0; k < ctx->args->nall; k++)
				if (ctx->args->all_idx[k] == ctx->nglobals + i && n < max)
					out[n++] = ctx->args->all[k];
	return n;
}

bool cli_opt_given(const struct cli_ctx *ctx, const char *name)
{
	for (size_t i = 0; i < ctx->cmd->nopts; i++)
		if (!strcmp(ctx->cmd->opts[i].name, name))
			return ctx->args->seen[ctx->nglobals + i];
	return false;
}

int cli_exit(int status)
{
	return status == CMIG_OK ? EXIT_OK : status == CMIG_EUSAGE ? EXIT_USAGE : EXIT_FAIL;
}

int cli_usage_error(const struct cli_ctx *ctx, const char *fmt, ...)
{
	va_list ap;
	fputs("cmig: error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (ctx && ctx->cmd)
		fprintf(stderr, "usage: cmig %s %s\nTry 'cmig %s --help'.\n", ctx->cmd->name,
		        ctx->cmd->usage, ctx->cmd->name);
	else
		fputs("Try 'cmig --help'.\n", stderr);
	return EXIT_USAGE;
}

void cli_run_options(cmig_run_options *o, const struct cli_ctx *ctx)
{
	cmig_run_options init = CMIG_RUN_OPTIONS_INIT;
	*o = init;
	o->lock_timeout = ctx->lock_timeout;
	o->wait = ctx->wait;
	if (ctx->verbose)
		o->flags |= CMIG_RUN_VERBOSE;
	o->on_progress = cli_print_progress;
	o->on_output = cli_print_output;
	o->on_wait = cli_print_wait;
	o->on_diag = cli_print_diag;
}

static void print_main_help(void)
{
	printf("usage: cmig [OPTIONS] COMMAND [ARGS]\n\n"
	       "Database migrations as plain SQL files in one linear revision chain,\n"
	       "on SQLite and PostgreSQL.\n\nCommands:\n");
	for (size_t i = 0; i < NCOMMANDS; i++)
		printf("  %-10s %s\n", commands[i]->name, commands[i]->summary);
	printf("\nGlobal options (before or after the command):\n");
	cli_print_options(global_opts, NGLOBALS);
	printf("\nExit status: 0 success, 1 failure, 2 usage error, 3 something to do (upgrade --check:\n"
	       "pending revisions); an error outranks 3.\n"
	       "Run 'cmig COMMAND --help' for a command's arguments and options.\n");
}

static void print_command_help(const struct cli_command *c)
{
	printf("usage: cmig %s %s\n\n%s\n", c->name, c->usage, c->summary);
	if (c->help)
		printf("\n%s", c->help);
	if (c->nopts) {
		printf("\nOptions:\n");
		cli_print_options(c->opts, c->nopts);
	}
	printf("\nGlobal options:\n");
	cli_print_options(global_opts, NGLOBALS);
}

static bool parse_seconds(const char *s, double *out)
{
	char *end;
	double v;
	if (!s || !*s)
		return false;
	v = strtod(s, &end);
	if (*end || v < 0)
		return false;
	*out = v;
	return true;
}

static int open_project(struct cli_ctx *ctx)
{
	cmig_open_options o = CMIG_OPEN_OPTIONS_INIT;
	int rc;

	o.config_path = ctx->config_path;
	o.flags = CMIG_OPEN_USE_ENV | (ctx->config_path ? CMIG_OPEN_CONFIG_REQUIRED : 0);
	o.url = ctx->url;
	o.on_diag = cli_print_diag;
	if (ctx->cmd->flags & CMD_NO_VERSIONS) {
		/* an empty in-memory chain instead of versions/: such a command never reads the
		 * chain, so a missing, broken or huge versions/ is no business of its */
		static const cmig_embedded_file no_files[1];
		o.files = no_files;
		o.nfiles = 0;
	}
	rc = cmig_project_open(&ctx->project, &o);
	if (rc == CMIG_ECHAIN && (ctx->cmd->flags & CMD_NEEDS_CHAIN)) {
		cmig_project_diagnostics(ctx->project, 0, cli_print_diag, NULL);
		const cmig_revision *const *heads = NULL;
		fprintf(stderr, "cmig: error: versions/ is not one linear chain; nothing was run "
		                "(run 'cmig check' for every problem)\n");
		/* two heads: a branch, which linearize repairs (a cycle or a missing parent it does not) */
		if (cmig_project_heads(&heads, ctx->project) > 1)
			fprintf(stderr, "  hint: Run 'cmig linearize' to put one branch after the other.\n");
		return EXIT_FAIL;
	}
	if (rc && rc != CMIG_ECHAIN)
		return cli_exit(rc == CMIG_EUSAGE ? CMIG_ERROR : rc);
	return EXIT_OK;
}

/* The commands SPEC §11 runs over many databases. */
static bool fleet_command(const struct cli_command *c)
{
	static const char *const names[] = { "upgrade", "downgrade", "stamp", "current", "status",
	                                     "check" };
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(c->name, names[i]))
			return true;
	return false;
}

/* --jobs, --on-error and --format (global: SPEC §11), checked whether or not they are used. */
static int fleet_options(struct fleet_options *fo, struct cli_ctx *ctx, const struct cli_parsed *args,
                         bool fleet)
{
	/* a command's own --format (check's) is the report's only over many databases */
	const char *fmt = fleet ? cli_opt_value(ctx, "format") : NULL;
	memset(fo, 0, sizeof(*fo));
	fo->on_error = -1;
	if (args->seen[G_JOBS]) {
		char *end;
		long n = strtol(args->values[G_JOBS], &end, 10);
		if (*end || end == args->values[G_JOBS] || n < 1 || n > 256)
			return cli_usage_error(ctx, "--jobs needs a number from 1 to 256, not '%s'",
			                       args->values[G_JOBS]);
		fo->jobs = (unsigned)n;
	}
	if (args->seen[G_ON_ERROR]) {
		const char *m = args->values[G_ON_ERROR];
		if (strcmp(m, "stop") && strcmp(m, "continue"))
			return cli_usage_error(ctx, "--on-error is stop or continue, not '%s'", m);
		fo->on_error = !strcmp(m, "continue");
	}
	if (!fmt && args->seen[G_FORMAT])
		fmt = args->values[G_FORMAT];
	if (fmt && strcmp(fmt, "text") && strcmp(fmt, "json"))
		return cli_usage_error(ctx, "--format is text or json, not '%s'", fmt);
	fo->json = fmt && !strcmp(fmt, "json");
	return EXIT_OK;
}

int main(int argc, char **argv)
{
	struct cli_parsed args;
	struct cli_ctx ctx;
	int code;

	memset(&ctx, 0, sizeof(ctx));
	/* SQLite's memory statistics take one process-wide mutex on every allocation: with two
	 * scratch databases loading side by side (diff, autogenerate) the threads spent as long
	 * waking each other as working. The program, not the library, owns process-wide SQLite
	 * settings (an embedding program keeps its own); cmig reads no SQLite statistics. */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	/* Hidden: docs/cmig.1 is this output (src/cli/man.c). */
	if (argc == 2 && !strcmp(argv[1], "--man-page"))
		return cli_man_page(commands, NCOMMANDS, global_opts, NGLOBALS);
	if (cli_parse(&args, argc, argv, global_opts, NGLOBALS, find_cmd_opts) != 0)
		return EXIT_USAGE;
	ctx.args = &args;
	ctx.nglobals = NGLOBALS;
	ctx.quiet = args.seen[G_QUIET];
	ctx.verbose = args.seen[G_VERBOSE];
	ctx.config_path = args.values[G_CONFIG];
	ctx.url = args.values[G_URL];
	ctx.lock_timeout = 300;
	cli_out_init(ctx.quiet, ctx.verbose);

	if (args.seen[G_VERSION]) {
		printf("cmig %s\n", cmig_version_string());
		return EXIT_OK;
	}
	if (!args.command) {
		if (args.seen[G_HELP]) {
			print_main_help();
			return EXIT_OK;
		}
		fputs("usage: cmig [OPTIONS] COMMAND [ARGS]\ncmig: error: no command given\n"
		      "Try 'cmig --help'.\n", stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(args.command, "help")) {
		/* SPEC §5: `cmig help COMMAND` is `cmig COMMAND --help`; an unknown one is a usage error */
		const struct cli_command *c = args.npos ? find_command(args.pos[0]) : NULL;
		if (args.npos > 1)
			return cli_usage_error(NULL, "unexpected argument '%s'", args.pos[1]);
		if (args.npos && !c)
			return cli_usage_error(NULL, "unknown command '%s'", args.pos[0]);
		if (c)
			print_command_help(c);
		else
			print_main_help();
		return fflush(stdout) ? EXIT_FAIL : EXIT_OK;
	}
	ctx.cmd = find_command(args.command);
	if (!ctx.cmd)
		return cli_usage_error(NULL, "unknown command '%s'", args.command);
	if (args.seen[G_HELP]) {
		print_command_help(ctx.cmd);
		return fflush(stdout) ? EXIT_FAIL : EXIT_OK;
	}
	if (args.seen[G_LOCK_TIMEOUT] && !parse_seconds(args.values[G_LOCK_TIMEOUT], &ctx.lock_timeout))
		return cli_usage_error(&ctx, "--lock-timeout needs a number of seconds, not '%s'",
		                       args.values[G_LOCK_TIMEOUT]);
	if (args.seen[G_WAIT] && !parse_seconds(args.values[G_WAIT], &ctx.wait))
		return cli_usage_error(&ctx, "--wait needs a number of seconds, not '%s'", args.values[G_WAIT]);
	if (args.npos < ctx.cmd->min_args)
		return cli_usage_error(&ctx, "'%s' needs %s", ctx.cmd->name, ctx.cmd->usage);
	if (args.npos > ctx.cmd->max_args)
		return cli_usage_error(&ctx, "unexpected argument '%s'", args.pos[ctx.cmd->max_args]);
	if (fleet_wanted(&args, G_URL, G_URLS)) {
		struct fleet_options fo;
		struct fleet_list list;
		if (!fleet_command(ctx.cmd))
			return cli_usage_error(&ctx, "'%s' runs on one database: give one --url (many "
			                       "databases: upgrade, downgrade, stamp, current, status, check)",
			                       ctx.cmd->name);
		if (cli_opt_given(&ctx, "sql"))
			return cli_usage_error(&ctx, "--sql prints the SQL for one database: give one --url");
		if ((code = fleet_options(&fo, &ctx, &args, true)) != EXIT_OK)
			return code;
		code = fleet_list_build(&list, &args, G_URL, G_URLS);
		if (code == EXIT_OK) {
			ctx.url = list.items[0].url; /* settles cmig.yaml's database_url: not read */
			code = open_project(&ctx);
			if (code == EXIT_OK)
				code = fleet_run(&ctx, &list, &fo);
			cmig_project_free(ctx.project);
		}
		fleet_list_release(&list);
		if (fflush(stdout) != 0 || ferror(stdout)) {
			fprintf(stderr, "cmig: error: cannot write to standard output\n");
			return EXIT_FAIL;
		}
		return code;
	}
	if (args.seen[G_FORMAT] && !cli_opt_given(&ctx, "format"))
		return cli_usage_error(&ctx, "--format is for the report of a run over many databases; "
		                       "'%s' on one database has no --format", ctx.cmd->name);
	{
		struct fleet_options fo;
		if ((code = fleet_options(&fo, &ctx, &args, false)) != EXIT_OK)
			return code;
	}

	if (ctx.cmd->flags & (CMD_NEEDS_PROJECT | CMD_NEEDS_CHAIN)) {
		code = open_project(&ctx);
		if (code != EXIT_OK) {
			cmig_project_free(ctx.project);
			return code;
		}
	}
	/* SPEC §1: with -v, a command that connects first says which database and why */
	if (ctx.verbose && ctx.project && (ctx.cmd->flags & CMD_CONNECTS) &&
	    !cli_opt_given(&ctx, "sql") && cmig_project_url_display(ctx.project) &&
	    (strcmp(ctx.cmd->name, "check") || cmig_project_has_database(ctx.project)))
		fprintf(stderr, "cmig: database: %s (from %s)\n", cmig_project_url_display(ctx.project),
		        cmig_project_url_source(ctx.project));
	code = ctx.cmd->fn(&ctx);
	cmig_project_free(ctx.project);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "cmig: error: cannot write to standard output\n");
		return EXIT_FAIL;
	}
	return code;
}
