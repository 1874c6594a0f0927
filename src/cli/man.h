/*
 * man.h - the man page, generated from the command table (STYLE §8: one source for help and
 * man page). `cmig --man-page` prints it; docs/cmig.1 is that output, committed, and
 * tests/install/t-manpage.sh fails when the two differ.
 */
#ifndef CMIG_CLI_MAN_H
#define CMIG_CLI_MAN_H

#include <stddef.h>

#include "cmd.h"

/* Print cmig.1 (roff) to stdout from the commands and the global options; returns an exit
 * code (EXIT_FAIL when stdout cannot be written). */
int cli_man_page(const struct cli_command *const *commands, size_t ncommands,
                 const struct cli_opt *globals, size_t nglobals);

#endif
