/*
 * opt.c - option parsing for the `cmig` program (see opt.h).
 */
#include "opt.h"

#include <stdio.h>
#include <string.h>

static bool is_negative_number(const char *a)
{
	if (a[0] != '-' || !a[1])
		return false;
	for (const char *p = a + 1; *p; p++)
		if (*p < '0' || *p > '9')
			return false;
	return true;
}

static int find_long(const struct cli_opt *o, size_t n, const char *name, size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(o[i].name) == len && !strncmp(o[i].name, name, len))
			return (int)i;
	return -1;
}

static int find_short(const struct cli_opt *o, size_t n, char c)
{
	for (size_t i = 0; i < n; i++)
		if (o[i].short_name == c)
			return (int)i;
	return -1;
}

/* The command's option c wins over the global g (either may be -1); *idx numbers globals
 * first, then the command's. NULL when neither matched. */
static const struct cli_opt *pick(int *idx, int c, const struct cli_opt *cmd_opts, int g,
                                  const struct cli_opt *globals, size_t nglobals)
{
	if (c >= 0) {
		*idx = (int)nglobals + c;
		return &cmd_opts[c];
	}
	if (g >= 0) {
		*idx = g;
		return &globals[g];
	}
	return NULL;
}

static void unknown(const char *cmd, const char *what)
{
	if (cmd)
		fprintf(stderr, "cmig: error: unknown option '%s' for '%s'\nTry 'cmig %s --help'.\n", what, cmd, cmd);
	else
		fprintf(stderr, "cmig: error: unknown option '%s'\nTry 'cmig --help'.\n", what);
}

int cli_parse(struct cli_parsed *out, int argc, char **argv, const struct cli_opt *globals,
              size_t nglobals, const struct cli_opt *(*find_cmd_opts)(const char *cmd, size_t *n))
{
	const struct cli_opt *cmd_opts = NULL;
	size_t ncmd = 0;
	bool only_args = false;

	memset(out, 0, sizeof(*out));
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (only_args || a[0] != '-' || !a[1] || is_negative_number(a)) {
			if (!out->command) {
				out->command = a;
				cmd_opts = find_cmd_opts(a, &ncmd);
				if (!cmd_opts)
					return 0; /* unknown command: the caller reports it */
			} else if (out->npos < CLI_MAX_ARGS) {
				out->pos[out->npos++] = a;
			}
			continue;
		}
		if (!strcmp(a, "--")) {
			only_args = true;
			continue;
		}
		int idx = -1;
		const char *val = NULL;
		const struct cli_opt *spec = NULL;
		if (a[1] == '-') {
			const char *name = a + 2, *eq = strchr(name, '=');
			size_t len = eq ? (size_t)(eq - name) : strlen(name);
			spec = pick(&idx, cmd_opts ? find_long(cmd_opts, ncmd, name, len) : -1, cmd_opts,
			            find_long(globals, nglobals, name, len), globals, nglobals);
			if (!spec) {
				unknown(out->command, a);
				return -1;
			}
			if (eq) {
				if (!spec->arg) {
					fprintf(stderr, "cmig: error: option '--%s' takes no value\n", spec->name);
					return -1;
				}
				val = eq + 1;
			}
		} else {
			/* short options, possibly bundled (-qv) or with an attached value (-mMSG) */
			for (const char *p = a + 1; *p; p++) {
				char bad[3] = { '-', *p, 0 };
				spec = pick(&idx, cmd_opts ? find_short(cmd_opts, ncmd, *p) : -1, cmd_opts,
				            find_short(globals, nglobals, *p), globals, nglobals);
				if (!spec) {
					unknown(out->command, bad);
					return -1;
				}
				if (spec->arg) {
					if (p[1])
						val = p + 1;
					break;
				}
				if (p[1]) {
					out->seen[idx] = true;
					spec = NULL;
				}
			}
			if (!spec)
				continue;
		}
		if (spec->arg && !val) {
			if (i + 1 >= argc) {
				fprintf(stderr, "cmig: error: option '--%s' needs a value (%s)\n", spec->name, spec->arg);
				return -1;
			}
			val = argv[++i];
		}
		if (idx >= CLI_MAX_ARGS)
			return -1;
		out->seen[idx] = true;
		out->values[idx] = val;
		if (val) { /* every value, for repeatable options (never one dropped: an error) */
			if (out->nall >= CLI_MAX_ARGS) {
				fprintf(stderr, "cmig: error: more than %d option values (many databases: "
				        "list them in a file with --urls FILE)\n", CLI_MAX_ARGS);
				return -1;
			}
			out->all_idx[out->nall] = idx;
			out->all[out->nall++] = val;
		}
	}
	return 0;
}

void cli_print_options(const struct cli_opt *opts, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char left[64];
		if (opts[i].short_name)
			snprintf(left, sizeof(left), "-%c, --%s%s%s", opts[i].short_name, opts[i].name,
			         opts[i].arg ? " " : "", opts[i].arg ? opts[i].arg : "");
		else
			snprintf(left, sizeof(left), "    --%s%s%s", opts[i].name, opts[i].arg ? " " : "",
			         opts[i].arg ? opts[i].arg : "");
		printf("  %-26s %s\n", left, opts[i].help);
	}
}
