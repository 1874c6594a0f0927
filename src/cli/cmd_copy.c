/* cmd_copy.c - `cmig copy --from URL --to URL [...]` (SPEC §9): the option table, a progress
 * line per table on a terminal, and the summary on stderr (each table's rows and seconds,
 * then the totals). URLs are never printed here: the library names databases by their
 * password-masked display form. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "out.h"

static const struct cli_opt opts[] = {
	{ "from", 0, "URL", "the database to read (never written)" },
	{ "to", 0, "URL", "the database to fill, in one transaction" },
	{ "tables", 0, "T,...", "copy only these tables" },
	{ "exclude", 0, "T|T.COL,...", "leave out these tables or columns" },
	{ "truncate", 0, NULL, "empty the target tables first (same transaction)" },
	{ "keep-triggers", 0, NULL, "leave the target's user triggers on during the copy" },
	{ "any-revision", 0, NULL, "copy even when the two databases are at different revisions" },
};

struct summary {
	unsigned long long rows;
	double seconds;
	size_t tables;
	double started;
	const char *table;     /* the table of the progress line on screen */
};

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void on_progress(const cmig_progress *ev, void *payload)
{
	struct summary *s = payload;
	double t;
	if (!cli_out.tty || !ev->what)
		return;
	if (!s->table || strcmp(s->table, ev->what)) {
		s->table = ev->what;
		s->started = now();
	}
	t = now() - s->started;
	fprintf(stderr, "\r\033[K  copying %s: %llu rows, %.0f rows/s", ev->what, ev->done,
	        t > 0 ? (double)ev->done / t : 0.0);
	cli_out.progress_line_open = true;
	if (ev->total && ev->done >= ev->total) { /* the table's last event */
		fputc('\n', stderr);
		cli_out.progress_line_open = false;
	}
	fflush(stderr);
}

static void on_table(const char *table, unsigned long long rows, double seconds, void *payload)
{
	struct summary *s = payload;
	if (!cli_out.quiet)
		fprintf(stderr, "  %-30s %12llu rows %9.2f s\n", table, rows, seconds);
	s->rows += rows;
	s->seconds += seconds;
	s->tables++;
}

static void on_diag(const cmig_diag *d, void *payload)
{
	cli_print_diag(d, payload);
}

static int cmd_copy(struct cli_ctx *ctx)
{
	cmig_copy_options o = CMIG_COPY_OPTIONS_INIT;
	struct summary s;
	double start = now();
	int rc;

	memset(&s, 0, sizeof(s));
	o.from = cli_opt_value(ctx, "from");
	o.to = cli_opt_value(ctx, "to");
	if (!o.from || !o.to)
		return cli_usage_error(ctx, "cmig copy needs both --from URL and --to URL");
	o.tables = cli_opt_value(ctx, "tables");
	o.exclude = cli_opt_value(ctx, "exclude");
	if (cli_opt_given(ctx, "truncate"))
		o.flags |= CMIG_COPY_TRUNCATE;
	if (cli_opt_given(ctx, "keep-triggers"))
		o.flags |= CMIG_COPY_KEEP_TRIGGERS;
	if (cli_opt_given(ctx, "any-revision"))
		o.flags |= CMIG_COPY_ANY_REVISION;
	o.wait = ctx->wait;
	o.lock_timeout = ctx->lock_timeout;
	o.on_progress = on_progress;
	o.on_table = on_table;
	o.on_diag = on_diag;
	o.payload = &s;
	rc = cmig_copy(ctx->project, &o);
	if (rc == CMIG_OK && !cli_out.quiet)
		fprintf(stderr, "copied %llu rows in %zu tables in %.2f s\n", s.rows, s.tables,
		        now() - start);
	return cli_exit(rc);
}

const struct cli_command cmd_copy_def = {
	"copy", cmd_copy, CMD_NEEDS_PROJECT | CMD_NO_VERSIONS,
	"--from URL --to URL [--tables T,...] [--exclude T|T.COL,...] [--truncate] "
	"[--keep-triggers] [--any-revision]",
	"copy every table's rows from one database to another at the same revision",
	opts, sizeof(opts) / sizeof(opts[0]), 0, 0,
	"Both databases must be at the same revision of this project: the schema is the\n"
	"migrations' job (`cmig --url URL upgrade head` first). Each value is converted to the\n"
	"target column's type; a value that does not fit stops the copy naming table, row,\n"
	"column and value. The copy is one transaction on the target, read from one snapshot\n"
	"of the source: on any error the target is left as it was. Sequences are set after the\n"
	"copy so that the next insert without an id does not collide. It never reads\n"
	"versions/, so it runs outside a project too. See docs/copy.md.\n",
};
