/*
 * cmd.h - the command table's types and the cmd_* functions, one file each (cmd_<name>.c).
 */
#ifndef CMIG_CLI_CMD_H
#define CMIG_CLI_CMD_H

#include <stdbool.h>

#include "opt.h"
#include "cmig/cmig.h"

enum {
	CMD_NEEDS_PROJECT = 1 << 0,  /* open cmig.yaml and versions/ first */
	CMD_NEEDS_CHAIN = 1 << 1,    /* ... and refuse, printing the diagnostics, unless linear */
	CMD_CONNECTS = 1 << 2,       /* reads the database (-v names it first; not with --sql) */
	CMD_NO_VERSIONS = 1 << 3,    /* with NEEDS_PROJECT: cmig.yaml (if any), never versions/ --
	                              * the command never reads the chain, so it runs outside a
	                              * project (docs/decisions.md "Outside a project") */
};

struct cli_ctx;
typedef int (*cli_fn)(struct cli_ctx *ctx);

struct cli_command {
	const char *name;
	cli_fn fn;
	unsigned flags;
	const char *usage;          /* arguments after the command name */
	const char *summary;
	const struct cli_opt *opts;
	size_t nopts;
	size_t min_args, max_args;  /* positional arguments */
	const char *help;           /* longer description for --help */
};

struct cli_ctx {
	const struct cli_command *cmd;
	struct cli_parsed *args;
	size_t nglobals;
	cmig_project *project;
	bool quiet, verbose;
	const char *config_path;
	const char *url;
	double lock_timeout, wait;
};

/* Exit codes (SPEC §5). */
enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2, EXIT_PENDING = 3 };

/* The value of the command's option `name` (NULL when absent) and whether it was given. */
const char *cli_opt_value(const struct cli_ctx *ctx, const char *name);
bool cli_opt_given(const struct cli_ctx *ctx, const char *name);
/* Every value of a repeatable option, in order; returns how many (at most max). */
size_t cli_opt_values(const struct cli_ctx *ctx, const char *name, const char **out, size_t max);
/* Library status -> exit code. */
int cli_exit(int status);
/* Print "cmig: error: ..." plus the try-help line; returns EXIT_USAGE. */
int cli_usage_error(const struct cli_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Run options with the CLI's callbacks filled in. */
void cli_run_options(cmig_run_options *o, const struct cli_ctx *ctx);

/* One definition per command file: name, function, setup flags, options, help. */
extern const struct cli_command cmd_init_def, cmd_revision_def, cmd_upgrade_def,
	cmd_downgrade_def, cmd_status_def, cmd_current_def, cmd_heads_def, cmd_history_def,
	cmd_show_def, cmd_stamp_def, cmd_check_def, cmd_rehash_def, cmd_linearize_def, cmd_copy_def;
/* SPEC §8 (issue 13) */
extern const struct cli_command cmd_dump_def, cmd_diff_def;

#endif
