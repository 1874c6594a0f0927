/*
 * out.h - where the `cmig` program writes: stdout for data (ids, paths, SQL), stderr for
 * progress and diagnostics. -q silences progress only; errors always print in full.
 */
#ifndef CMIG_CLI_OUT_H
#define CMIG_CLI_OUT_H

#include <stdbool.h>

#include "cmig/cmig.h"

struct cli_out_state {
	bool quiet, verbose;
	bool tty;                  /* stderr is a terminal: rebuild progress may redraw a line */
	bool progress_line_open;   /* a \r progress line is on screen */
};

extern struct cli_out_state cli_out;

void cli_out_init(bool quiet, bool verbose);
/* Compiler-style: `path:line: error: message`, or `cmig: error: message`; then detail and
 * hint lines indented. */
void cli_print_diag(const cmig_diag *d, void *payload);
void cli_print_progress(const cmig_progress *ev, void *payload);
void cli_print_wait(const char *what, void *payload);
void cli_print_output(const char *text, size_t len, void *payload);

#endif
