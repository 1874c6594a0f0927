/*
 * cmd_check.c - `cmig check [--strict] [--format text|json|sarif] [--lint …]`: every problem at
 * once (SPEC §7, §10).
 * Text: one diagnostic a line on stderr, then `N error(s), M warning(s)`. JSON: one object on
 * stdout with ok, errors, warnings and the diagnostics.
 */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "json.h"
#include "out.h"
#include "sarif.h"

static const struct cli_opt opts[] = {
	{ "strict", 0, NULL, "count every warning as an error" },
	{ "format", 0, "FORMAT", "text (default), json or sarif" },
	{ "lint", 0, NULL, "also warn about statements risky on a live database" },
	{ "lint-down", 0, NULL, "with --lint: lint down sections too" },
	{ "dialect", 0, "D", "with --lint: lint every section for D (sqlite or postgresql) alone" },
	{ "since", 0, "REV", "with --lint: lint only the revisions after REV" },
	{ "schema", 0, NULL, "also compare the database's schema with the migrations "
	                     "(schema-drift; needs dev_url on PostgreSQL)" },
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

/* Text output: diagnostics as they come; the lint-dialects note waits for the summary. */
static void text_diag(const cmig_diag *d, void *payload)
{
	const char **note = payload;
	if (d->severity == CMIG_DIAG_NOTE && d->kind && !strcmp(d->kind, "lint-dialects")) {
		*note = "lint: sqlite only, the default database URL's dialect";
		return;
	}
	cli_print_diag(d, NULL);
}

static int cmd_check(struct cli_ctx *ctx)
{
	cmig_check_options o = CMIG_CHECK_OPTIONS_INIT;
	const char *format = cli_opt_value(ctx, "format"), *dialect = cli_opt_value(ctx, "dialect");
	const char *note = NULL;
	struct json_state js = { true };
	struct cli_sarif sarif;
	size_t errors = 0, warnings = 0;
	bool json, sarif_out;
	int rc;

	if (!format)
		format = "text";
	if (strcmp(format, "text") && strcmp(format, "json") && strcmp(format, "sarif"))
		return cli_usage_error(ctx, "--format is text, json or sarif, not '%s'", format);
	if (dialect && strcmp(dialect, "sqlite") && strcmp(dialect, "postgresql"))
		return cli_usage_error(ctx, "--dialect is sqlite or postgresql, not '%s'", dialect);
	if (!cli_opt_given(ctx, "lint") &&
	    (dialect || cli_opt_given(ctx, "since") || cli_opt_given(ctx, "lint-down")))
		return cli_usage_error(ctx, "--dialect, --since and --lint-down go with --lint");
	json = !strcmp(format, "json");
	sarif_out = !strcmp(format, "sarif");
	if (cli_opt_given(ctx, "strict"))
		o.flags |= CMIG_CHECK_STRICT;
	if (cmig_project_has_database(ctx->project))
		o.flags |= CMIG_CHECK_WITH_DATABASE;
	if (cli_opt_given(ctx, "lint"))
		o.flags |= CMIG_CHECK_LINT;
	if (cli_opt_given(ctx, "lint-down"))
		o.flags |= CMIG_CHECK_LINT_DOWN;
	o.lint_dialect = dialect;
	o.lint_since = cli_opt_value(ctx, "since");
	o.on_diag = json ? json_diag : sarif_out ? cli_sarif_diag : text_diag;
	o.payload = json ? (void *)&js : sarif_out ? (void *)&sarif : (void *)&note;
	if (json)
		fputs("{\"diagnostics\": [", stdout);
	if (sarif_out)
		cli_sarif_begin(&sarif, ctx->config_path);
	rc = cmig_check(&errors, &warnings, ctx->project, &o);
	if (cli_opt_given(ctx, "schema") && rc == CMIG_OK) {
		/* SPEC §8: the database against the chain replayed to its revision (schema-drift) */
		cmig_schema_options so = CMIG_SCHEMA_OPTIONS_INIT;
		size_t drift = 0;
		so.wait = ctx->wait;
		so.on_diag = o.on_diag;
		so.payload = o.payload;
		rc = cmig_check_schema(&drift, ctx->project, &so);
		errors += drift ? drift : rc != CMIG_OK;
	}
	if (json) {
		printf("%s],\n \"ok\": %s, \"errors\": %zu, \"warnings\": %zu}\n", js.first ? "" : "\n",
		       rc == CMIG_OK ? "true" : "false", errors, warnings);
	} else if (sarif_out) {
		cli_sarif_end(&sarif);
	} else {
		fprintf(stderr, "%zu error%s, %zu warning%s%s%s%s\n", errors, errors == 1 ? "" : "s",
		        warnings, warnings == 1 ? "" : "s", note ? " (" : "", note ? note : "",
		        note ? ")" : "");
	}
	return rc == CMIG_OK ? EXIT_OK : EXIT_FAIL;
}

const struct cli_command cmd_check_def = {
	"check", cmd_check, CMD_NEEDS_PROJECT | CMD_CONNECTS,
	"[--strict] [--format text|json|sarif] [--lint [--dialect D] [--since REV] [--lint-down]] "
	"[--schema]",
	"validate files and chain, all problems at once (and the database, when one is configured)",
	opts, sizeof(opts) / sizeof(opts[0]), 0, 0,
	"Codes: parse, duplicate, missing-parent, branch, cycle, roots, filename (errors);\n"
	"no-down, unknown-header, created (warnings); db-unknown, db-missing, db-skipped, db-reordered, drift\n"
	"(errors, with a database); schema-drift (error, with --schema: the database's schema\n"
	"differs from the chain replayed up to its revision). Exit status 1 if any error (or\n"
	"warning with --strict).\n"
	"--lint adds warnings: lint-index-not-concurrent, lint-volatile-default,\n"
	"lint-type-change, lint-set-not-null, lint-not-null-without-default,\n"
	"lint-constraint-not-valid, lint-add-unique, lint-rename, lint-drop, lint-lock-timeout,\n"
	"lint-not-idempotent, lint-blocking; silence one with a cmig:lint-ignore CODE comment on\n"
	"the line above the statement, or a lint-ignore: CODE,... header for the whole file.\n",
};
