/*
 * cmd_check.c - `cmig check [--strict] [--format text|json]`: every problem at once (SPEC §7).
 * Text: one diagnostic a line on stderr, then `N error(s), M warning(s)`. JSON: one object on
 * stdout with ok, errors, warnings and the diagnostics.
 */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "out.h"

static const struct cli_opt opts[] = {
	{ "strict", 0, NULL, "count every warning as an error" },
	{ "format", 0, "FORMAT", "text (default) or json" },
};

struct json_state {
	bool first;
};

/* Length of the valid UTF-8 sequence at p (1-4), or 0 when the bytes are not valid UTF-8
 * (a stray continuation byte, a truncated or overlong sequence, a surrogate, > U+10FFFF). */
static size_t utf8_len(const unsigned char *p)
{
	size_t n;
	unsigned cp;
	if (*p < 0x80)
		return 1;
	if (*p >= 0xc2 && *p <= 0xdf)
		n = 2, cp = *p & 0x1f;
	else if (*p >= 0xe0 && *p <= 0xef)
		n = 3, cp = *p & 0x0f;
	else if (*p >= 0xf0 && *p <= 0xf4)
		n = 4, cp = *p & 0x07;
	else
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

/* A JSON string: always valid UTF-8 (a byte that is not, e.g. from a file's header value or
 * name, becomes U+FFFD), control characters escaped. */
static void json_string(const char *s)
{
	putchar('"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p >= 0x80) {
			size_t n = utf8_len(p);
			if (!n) {
				fputs("\\ufffd", stdout);
			} else {
				fwrite(p, 1, n, stdout);
				p += n - 1;
			}
			continue;
		}
		switch (*p) {
		case '"': fputs("\\\"", stdout); break;
		case '\\': fputs("\\\\", stdout); break;
		case '\n': fputs("\\n", stdout); break;
		case '\r': fputs("\\r", stdout); break;
		case '\t': fputs("\\t", stdout); break;
		default:
			if (*p < 0x20)
				printf("\\u%04x", *p);
			else
				putchar(*p);
		}
	}
	putchar('"');
}

static void json_diag(const cmig_diag *d, void *payload)
{
	struct json_state *st = payload;
	if (d->severity == CMIG_DIAG_NOTE)
		return;
	fputs(st->first ? "\n  " : ",\n  ", stdout);
	st->first = false;
	printf("{\"severity\": \"%s\", \"code\": ", d->severity == CMIG_DIAG_ERROR ? "error" : "warning");
	/* no SPEC §7 code: a file problem is "parse"; a database that cannot be read, "database" */
	json_string(d->kind ? d->kind : d->path ? "parse" : "database");
	fputs(", \"path\": ", stdout);
	if (d->path)
		json_string(d->path);
	else
		fputs("null", stdout);
	if (d->line)
		printf(", \"line\": %u", d->line);
	else
		fputs(", \"line\": null", stdout);
	fputs(", \"message\": ", stdout);
	json_string(d->message);
	putchar('}');
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
	"check", cmd_check, CMD_NEEDS_PROJECT, "[--strict] [--format text|json]",
	"validate files and chain, all problems at once (and the database, when one is configured)",
	opts, sizeof(opts) / sizeof(opts[0]), 0, 0,
	"Codes: parse, duplicate, missing-parent, branch, cycle, roots, filename (errors);\n"
	"no-down, unknown-header, created (warnings); db-unknown, db-missing, db-skipped, drift\n"
	"(errors, with a database). Exit status 1 if any error (or warning with --strict).\n",
};
