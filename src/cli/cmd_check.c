/*
 * cmd_check.c - `cmig check [--strict] [--format text|json]`: every problem at once (SPEC §7).
 * Text: one diagnostic a line on stderr, then `N error(s), M warning(s)`. JSON: one object on
 * stdout with ok, errors, warnings and the diagnostics.
 */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "json.h"
#include "out.h"

static const struct cli_opt opts[] = {
	{ "strict", 0, NULL, "count every warning as an error" },
	{ "format", 0, "FORMAT", "text (default) or json" },
};

struct json_state {
	bool first;
};

static void json_diag(const cmig_diag *d, void *payload)
{
	struct json_state *st = payload;
	if (d->severity == CMIG_DIAG_NOTE)
		return;
	fputs(st->first ? "\n  " : ",\n  ", stdout);
	st->first = false;
	cli_json_diag(d);
}

static int cmd_check(struct cli_ctx *ctx)
{
	cmig_check_options o = CMIG_CHECK_OPTIONS_INIT;
	const char *format = cli_opt_value(ctx, "format");
	struct json_state js = { true };
	size_t errors = 0, warnings = 0;
	bool json;
	int rc;

	if (!format)
		format = "text";
	if (strcmp(format, "text") && strcmp(format, "json"))
		return cli_usage_error(ctx, "--format is text or json, not '%s'", format);
	json = !strcmp(format, "json");
	if (cli_opt_given(ctx, "strict"))
		o.flags |= CMIG_CHECK_STRICT;
	if (cmig_project_has_database(ctx->project))
		o.flags |= CMIG_CHECK_WITH_DATABASE;
	o.on_diag = json ? json_diag : cli_print_diag;
	o.payload = json ? &js : NULL;
	if (json)
		fputs("{\"diagnostics\": [", stdout);
	rc = cmig_check(&errors, &warnings, ctx->project, &o);
	if (json) {
		printf("%s],\n \"ok\": %s, \"errors\": %zu, \"warnings\": %zu}\n", js.first ? "" : "\n",
		       rc == CMIG_OK ? "true" : "false", errors, warnings);
	} else {
		fprintf(stderr, "%zu error%s, %zu warning%s\n", errors, errors == 1 ? "" : "s",
		        warnings, warnings == 1 ? "" : "s");
	}
	return rc == CMIG_OK ? EXIT_OK : EXIT_FAIL;
}

const struct cli_command cmd_check_def = {
	"check", cmd_check, CMD_NEEDS_PROJECT | CMD_CONNECTS, "[--strict] [--format text|json]",
	"validate files and chain, all problems at once (and the database, when one is configured)",
	opts, sizeof(opts) / sizeof(opts[0]), 0, 0,
	"Codes: parse, duplicate, missing-parent, branch, cycle, roots, filename (errors);\n"
	"no-down, unknown-header, created (warnings); db-unknown, db-missing, db-skipped, drift\n"
	"(errors, with a database). Exit status 1 if any error (or warning with --strict).\n",
};
