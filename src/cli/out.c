/*
 * out.c - printing for the `cmig` program (see out.h). The only file besides the command
 * files that writes to stdout or stderr.
 */
#include "out.h"

#include <stdio.h>
#include <unistd.h>

struct cli_out_state cli_out;

void cli_out_init(bool quiet, bool verbose)
{
	cli_out.quiet = quiet;
	cli_out.verbose = verbose;
	cli_out.tty = isatty(2) && !quiet;
}

static void close_progress_line(void)
{
	if (cli_out.progress_line_open) {
		fputc('\n', stderr);
		cli_out.progress_line_open = false;
	}
}

void cli_print_diag(const cmig_diag *d, void *payload)
{
	const char *sev = d->severity == CMIG_DIAG_ERROR ? "error" :
	                  d->severity == CMIG_DIAG_WARNING ? "warning" : "note";
	(void)payload;
	close_progress_line();
	if (d->path && d->line)
		fprintf(stderr, "%s:%u: %s: %s\n", d->path, d->line, sev, d->message);
	else if (d->path)
		fprintf(stderr, "%s: %s: %s\n", d->path, sev, d->message);
	else
		fprintf(stderr, "cmig: %s: %s\n", sev, d->message);
	if (d->detail)
		fprintf(stderr, "  detail: %s\n", d->detail);
	if (d->hint)
		fprintf(stderr, "  hint: %s\n", d->hint);
}

void cli_print_progress(const cmig_progress *ev, void *payload)
{
	(void)payload;
	if (cli_out.quiet)
		return;
	if (ev->what) {
		/* rows copied by a table rebuild: only on a terminal, redrawn in place */
		if (!cli_out.tty)
			return;
		if (ev->total)
			fprintf(stderr, "\r  rebuilding %s: %llu/%llu rows", ev->what, ev->done, ev->total);
		else
			fprintf(stderr, "\r  rebuilding %s: %llu rows", ev->what, ev->done);
		cli_out.progress_line_open = true;
		if (ev->total && ev->done >= ev->total)
			close_progress_line();
		fflush(stderr);
		return;
	}
	close_progress_line();
	fprintf(stderr, "Running %s %s -> %s, %s\n", ev->direction == CMIG_UP ? "upgrade" : "downgrade",
	        ev->from ? ev->from : "base", ev->to ? ev->to : "base", ev->message ? ev->message : "");
	fflush(stderr);
}

void cli_print_wait(const char *what, void *payload)
{
	(void)payload;
	if (cli_out.quiet)
		return;
	close_progress_line();
	fprintf(stderr, "cmig: %s\n", what);
	fflush(stderr);
}

void cli_print_output(const char *text, size_t len, void *payload)
{
	(void)payload;
	fwrite(text, 1, len, stdout);
}
