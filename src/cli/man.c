/*
 * man.c - `cmig --man-page`: cmig.1 in roff, from the same table `--help` prints
 * (STYLE §8). The command and option sections are generated: each command's usage,
 * summary, help text and options exactly as `cmig COMMAND --help` shows them; the prose
 * sections around them (description, targets, files, environment, exit status, examples)
 * are the constant text below. docs/cmig.1 is this output; tests/install/t-manpage.sh
 * diffs the two and checks `man --warnings` is silent.
 *
 * The page carries no date, so the same build always prints the same bytes.
 */
#include "man.h"

#include <stdio.h>
#include <string.h>

#include "cmig/cmig.h"

/* Text in roff: backslashes and hyphens escaped, a line starting with . or ' made safe. */
static void roff(const char *s)
{
	bool line_start = true;
	for (; *s; s++) {
		if (line_start && (*s == '.' || *s == '\''))
			fputs("\\&", stdout);
		line_start = *s == '\n';
		if (*s == '\\')
			fputs("\\e", stdout);
		else if (*s == '-')
			fputs("\\-", stdout);
		else
			putchar(*s);
	}
}

static void option_items(const struct cli_opt *o, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		fputs(".TP\n", stdout);
		if (o[i].short_name)
			printf("\\fB\\-%c\\fR, ", o[i].short_name);
		fputs("\\fB\\-\\-", stdout);
		roff(o[i].name);
		fputs("\\fR", stdout);
		if (o[i].arg) {
			fputs(" \\fI", stdout);
			roff(o[i].arg);
			fputs("\\fR", stdout);
		}
		putchar('\n');
		roff(o[i].help);
		putchar('\n');
	}
}

static const char description[] =
	".SH DESCRIPTION\n"
	"cmig keeps a database schema in step with a directory of plain SQL migration files.\n"
	"Each file names its own \\fIrevision\\fR and the \\fIdown_revision\\fR it follows;\n"
	"the files must form exactly one linear chain.\n"
	"cmig upgrades and downgrades a database along the chain, one transaction per migration,\n"
	"recording the current revision in a version table and every step in a history table.\n"
	"It runs on SQLite (the default) and PostgreSQL; on SQLite the \\fBALTER TABLE\\fR forms\n"
	"SQLite lacks run as table rebuilds.\n"
	".PP\n"
	"The configuration is read from \\fB\\-c\\fR \\fIFILE\\fR, else \\fI./cmig.yaml\\fR.\n"
	"The database URL comes from \\fB\\-\\-url\\fR, then \\fBDATABASE_URL\\fR, then\n"
	"\\fIdatabase_url\\fR in the configuration, then \\fIsqlite:///cmig.db\\fR.\n"
	"Progress goes to standard error, one line per migration; data (revision ids, paths,\n"
	"SQL) goes to standard output.\n"
	"A password in a URL is never printed.\n";

static const char after_commands[] =
	".SH TARGETS\n"
	"A \\fITARGET\\fR is \\fBhead\\fR, \\fBbase\\fR (before the first revision), a revision id,\n"
	"a unique prefix of one (an exact id wins over a prefix), or a relative step:\n"
	"\\fB+\\fR\\fIN\\fR for upgrade, \\fB\\-\\fR\\fIN\\fR for downgrade.\n"
	"An ambiguous or unknown target, a step past head or base, or a target on the wrong\n"
	"side of the current revision is an error that changes nothing.\n"
	"With \\fB\\-\\-sql\\fR, \\fIFROM\\fR:\\fITO\\fR sets the starting revision.\n"
	".SH FILES\n"
	".TP\n"
	".I cmig.yaml\n"
	"configuration: \\fIdatabase_url\\fR, \\fIversions_dir\\fR, \\fItemplate\\fR,\n"
	"\\fIversion_table\\fR, \\fIversion_table_schema\\fR, \\fIhistory_table\\fR,\n"
	"\\fIsqlite_foreign_keys\\fR; relative paths are relative to the file's directory.\n"
	"A value may use \\fI${NAME}\\fR and \\fI${NAME:\\-default}\\fR (environment variables;\n"
	"\\fI$$\\fR is \\fI$\\fR); an unset NAME without a default is an error naming it.\n"
	".TP\n"
	".I versions/<revision>_<slug>.sql\n"
	"one migration each: \\fB\\-\\- revision:\\fR and \\fB\\-\\- down_revision:\\fR headers,\n"
	"then \\fB\\-\\- migrate:up\\fR and \\fB\\-\\- migrate:down\\fR sections.\n"
	".TP\n"
	".I templates/revision.sql.tmpl\n"
	"the template of \\fBcmig revision\\fR (a built\\-in default is used when it is missing).\n"
	".SH ENVIRONMENT\n"
	".TP\n"
	".B DATABASE_URL\n"
	"the database, when \\fB\\-\\-url\\fR is not given; it overrides the configuration file.\n"
	".TP\n"
	".BR PGHOST \", \" PGPORT \", \" PGUSER \", \" PGPASSWORD \", ...\"\n"
	"read by libpq for whatever a PostgreSQL URL leaves out.\n"
	".SH EXIT STATUS\n"
	".TP\n"
	".B 0\n"
	"success\n"
	".TP\n"
	".B 1\n"
	"failure: an SQL error, a chain error, a connection error, a bad target, or problems\n"
	"found by \\fBcheck\\fR\n"
	".TP\n"
	".B 2\n"
	"usage error: an unknown command or option, a missing argument, an empty \\fB\\-m\\fR\n"
	".TP\n"
	".B 3\n"
	"something to do: pending revisions, from \\fBupgrade \\-\\-check\\fR; an error outranks it\n"
	".SH EXAMPLES\n"
	"Start a project, write a migration, apply it and look:\n"
	".PP\n"
	".RS\n"
	".nf\n"
	"cmig init myapp && cd myapp\n"
	"cmig revision \\-m \"create posts\"\n"
	"cmig upgrade head\n"
	"cmig status\n"
	".fi\n"
	".RE\n"
	".PP\n"
	"In CI, reject a branched chain and learn whether a deploy has migrations to run:\n"
	".PP\n"
	".RS\n"
	".nf\n"
	"cmig check \\-\\-strict\n"
	"cmig \\-\\-url \"$DATABASE_URL\" upgrade \\-\\-check\n"
	".fi\n"
	".RE\n"
	".PP\n"
	"Print the SQL of the whole chain without a database, and adopt an existing database:\n"
	".PP\n"
	".RS\n"
	".nf\n"
	"cmig upgrade \\-\\-sql > schema.sql\n"
	"cmig stamp head\n"
	".fi\n"
	".RE\n"
	".SH SEE ALSO\n"
	".BR sqlite3 (1),\n"
	".BR psql (1)\n"
	".PP\n"
	"The documentation in \\fIdocs/\\fR: commands.md, configuration.md, format.md,\n"
	"embedding.md and the migrating\\-from pages.\n";

int cli_man_page(const struct cli_command *const *commands, size_t ncommands,
                 const struct cli_opt *globals, size_t nglobals)
{
	char version[32];
	size_t vlen = strcspn(cmig_version_string(), " ");

	snprintf(version, sizeof(version), "%.*s", (int)(vlen < 20 ? vlen : 20), cmig_version_string());
	fputs(".\\\" cmig.1 - generated by `cmig --man-page` from the command table in src/cli/.\n"
	      ".\\\" Do not edit: change the command's help in src/cli/, then\n"
	      ".\\\"   build/src/cmig --man-page > docs/cmig.1\n",
	      stdout);
	printf(".TH CMIG 1 \"\" \"cmig %s\" \"User Commands\"\n", version);
	fputs(".nh\n", stdout); /* no hyphenation: option names and ids stay whole */
	fputs(".SH NAME\n"
	      "cmig \\- database migrations as plain SQL files in one linear revision chain\n"
	      ".SH SYNOPSIS\n"
	      ".B cmig\n"
	      ".RI [ OPTIONS ]\n"
	      ".I COMMAND\n"
	      ".RI [ ARGS ]\n"
	      ".br\n"
	      ".B cmig\n"
	      ".I COMMAND\n"
	      ".B \\-\\-help\n"
	      ".br\n"
	      ".B cmig \\-\\-version\n",
	      stdout);
	fputs(description, stdout);

	fputs(".SH COMMANDS\n", stdout);
	for (size_t i = 0; i < ncommands; i++) {
		const struct cli_command *c = commands[i];
		fputs(".SS \"cmig ", stdout);
		roff(c->name);
		if (c->usage && *c->usage) {
			putchar(' ');
			roff(c->usage);
		}
		fputs("\"\n", stdout);
		roff(c->summary);
		putchar('\n');
		if (c->help) {
			fputs(".PP\n", stdout);
			roff(c->help);
		}
		if (c->nopts) {
			fputs(".PP\nOptions:\n.RS\n", stdout);
			option_items(c->opts, c->nopts);
			fputs(".RE\n", stdout);
		}
	}

	fputs(".SH GLOBAL OPTIONS\n"
	      "Accepted before or after the command.\n",
	      stdout);
	option_items(globals, nglobals);
	fputs(after_commands, stdout);
	return fflush(stdout) != 0 || ferror(stdout) ? EXIT_FAIL : EXIT_OK;
}
