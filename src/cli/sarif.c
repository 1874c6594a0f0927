/*
 * sarif.c - SARIF 2.1.0 for `check --format sarif` (see sarif.h). GitHub code scanning reads
 * ruleId, level, message.text and the physical location; it resolves %SRCROOT% to the
 * checkout, which is why URIs are relative to the directory `cmig check` ran in.
 */
#include "sarif.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "json.h"

/* The codes of SPEC §7, with what they mean (tool.driver.rules); lint's come from the
 * library. */
static const struct { const char *code, *summary; } check_codes[] = {
	{ "parse", "a file that cannot be read or parsed" },
	{ "duplicate", "two files declare the same revision" },
	{ "missing-parent", "down_revision names no revision" },
	{ "branch", "two revisions follow the same one" },
	{ "cycle", "revisions that lead back to themselves" },
	{ "roots", "no root, or more than one" },
	{ "filename", "the file name is neither <revision>_….sql nor <revision>.sql" },
	{ "no-down", "no down section" },
	{ "unknown-header", "a header key cmig does not know" },
	{ "created", "a created value that is not ISO-8601" },
	{ "db-unknown", "the database's revision is not in the files" },
	{ "db-missing", "a revision the history says is applied has no file any more" },
	{ "db-skipped", "a revision before the database's current one was never applied" },
	{ "db-reordered", "a revision after the database's current one is applied" },
	{ "drift", "an applied up section differs from its recorded checksum" },
	{ "database", "the database cannot be read" },
	{ "lint-ignore", "a lint-ignore line or header names an unknown lint code" },
};

static void rule(const char *id, const char *summary, const char *help, int *first)
{
	fputs(*first ? "\n        " : ",\n        ", stdout);
	*first = 0;
	fputs("{\"id\": ", stdout);
	cli_json_string(id);
	fputs(", \"shortDescription\": {\"text\": ", stdout);
	cli_json_string(summary);
	fputs("}, \"help\": {\"text\": ", stdout);
	cli_json_string(help);
	fputs("}}", stdout);
}

void cli_sarif_begin(struct cli_sarif *s, const char *config_path)
{
	const cmig_lint_rule_info *lr;
	size_t n;
	int first = 1;
	char ver[64];
	const char *v = cmig_version_string();
	size_t vl = strcspn(v, " ");

	s->config_path = config_path ? config_path : "cmig.yaml";
	s->first = 1;
	snprintf(ver, sizeof(ver), "%.*s", (int)vl, v);
	fputs("{\"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\",\n"
	      " \"version\": \"2.1.0\",\n"
	      " \"runs\": [{\n"
	      "  \"tool\": {\"driver\": {\"name\": \"cmig\", \"version\": ", stdout);
	cli_json_string(ver);
	fputs(",\n    \"informationUri\": \"https://github.com/cmig/cmig\",\n    \"rules\": [", stdout);
	for (size_t i = 0; i < sizeof(check_codes) / sizeof(check_codes[0]); i++)
		rule(check_codes[i].code, check_codes[i].summary, check_codes[i].summary, &first);
	lr = cmig_lint_rule_list(&n);
	for (size_t i = 0; i < n; i++)
		rule(lr[i].code, lr[i].summary, lr[i].help, &first);
	fputs("]}},\n  \"results\": [", stdout);
}

/* path relative to the current directory ("../x" when outside it). */
static char *relative(const char *path)
{
	char cwd[PATH_MAX];
	const char *p = path, *c;
	size_t up = 0, common = 0, len;
	char *out;
	if (path[0] != '/' || !getcwd(cwd, sizeof(cwd)))
		return strdup(path);
	/* the longest common prefix that ends at a component boundary */
	for (size_t i = 0;; i++) {
		if ((cwd[i] == 0 || cwd[i] == '/') && (path[i] == '/' || path[i] == 0))
			common = i;
		if (!cwd[i] || cwd[i] != path[i])
			break;
	}
	for (c = cwd + common; *c; c++)
		if (*c == '/')
			up++;
	if (!strcmp(cwd, "/"))
		common = 0, up = 0;
	p = path + common + (path[common] == '/');
	len = 3 * up + strlen(p) + 1;
	if (!(out = malloc(len)))
		return NULL;
	out[0] = 0;
	for (size_t i = 0; i < up; i++)
		strcat(out, "../");
	strcat(out, p);
	return out;
}

/* A URI reference: every byte outside RFC 3986's unreserved set and '/' percent-encoded. */
static void uri(const char *path)
{
	char *rel = relative(path);
	const unsigned char *p = (const unsigned char *)(rel ? rel : path);
	putchar('"');
	for (; *p; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		    *p == '-' || *p == '.' || *p == '_' || *p == '~' || *p == '/')
			putchar(*p);
		else
			printf("%%%02X", *p);
	}
	putchar('"');
	free(rel);
}

void cli_sarif_diag(const cmig_diag *d, void *payload)
{
	struct cli_sarif *s = payload;
	const char *code = d->kind ? d->kind : d->path ? "parse" : "database";
	if (d->severity == CMIG_DIAG_NOTE)
		return;
	fputs(s->first ? "\n    " : ",\n    ", stdout);
	s->first = 0;
	fputs("{\"ruleId\": ", stdout);
	cli_json_string(code);
	printf(", \"level\": \"%s\", \"message\": {\"text\": ",
	       d->severity == CMIG_DIAG_ERROR ? "error" : "warning");
	if (d->hint || d->detail) {
		size_t n = strlen(d->message) + (d->detail ? strlen(d->detail) + 10 : 0) +
		           (d->hint ? strlen(d->hint) + 10 : 0) + 1;
		char *m = malloc(n);
		if (m) {
			snprintf(m, n, "%s%s%s%s%s", d->message, d->detail ? "\ndetail: " : "",
			         d->detail ? d->detail : "", d->hint ? "\nhint: " : "", d->hint ? d->hint : "");
			cli_json_string(m);
			free(m);
		} else {
			cli_json_string(d->message);
		}
	} else {
		cli_json_string(d->message);
	}
	fputs("},\n     \"locations\": [{\"physicalLocation\": {\"artifactLocation\": {\"uri\": ", stdout);
	uri(d->path ? d->path : s->config_path);
	printf(", \"uriBaseId\": \"%%SRCROOT%%\"}, \"region\": {\"startLine\": %u}}}]}",
	       d->path && d->line ? d->line : 1);
}

void cli_sarif_end(struct cli_sarif *s)
{
	fputs(s->first ? "]\n }]\n}\n" : "\n  ]\n }]\n}\n", stdout);
}
