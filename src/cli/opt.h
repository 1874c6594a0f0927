/*
 * opt.h - the option-spec parser of the `cmig` program: long and short options, values as
 * the next argument or after '=', global options accepted before or after the command,
 * `--` ending options. A relative target such as `-1` is an argument, not an option.
 */
#ifndef CMIG_CLI_OPT_H
#define CMIG_CLI_OPT_H

#include <stdbool.h>
#include <stddef.h>

struct cli_opt {
	const char *name;      /* long name without "--" */
	char short_name;       /* 0 when none */
	const char *arg;       /* value placeholder ("FILE"), NULL for a flag */
	const char *help;
};

#define CLI_MAX_ARGS 64

/* What the parser found. Values are pointers into argv. */
struct cli_parsed {
	const char *values[CLI_MAX_ARGS];  /* by option index: global options first, then the command's */
	bool seen[CLI_MAX_ARGS];
	const char *pos[CLI_MAX_ARGS];     /* positional arguments after the command */
	size_t npos;
	const char *command;
	const char *all[CLI_MAX_ARGS];     /* every option value in order (repeated ones too) */
	size_t all_idx[CLI_MAX_ARGS];      /* … and the option index of each */
	size_t nall;
};

/* Parse argv. find_cmd_opts maps a command name to its option table (NULL = unknown command,
 * which is reported by the caller). Errors print a usage message and return -1. */
int cli_parse(struct cli_parsed *out, int argc, char **argv, const struct cli_opt *globals,
              size_t nglobals, const struct cli_opt *(*find_cmd_opts)(const char *cmd, size_t *n));

/* Print an option table as help text. */
void cli_print_options(const struct cli_opt *opts, size_t n);

#endif
