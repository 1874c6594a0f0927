/*
 * fleet.h - one command over many databases (SPEC §11): the list of databases from repeated
 * --url, --urls FILE|- and SQLite patterns (fleet_urls.c), and the run with its report
 * (fleet.c).
 *
 * Invariants:
 *  - The list is complete and checked before anything runs: a pattern or list that yields
 *    nothing, a URL that does not parse, a database listed twice, all refuse the run.
 *  - The files are read and checked once (one project); each database is then an independent
 *    run of the library with its own connection, lock and transactions.
 *  - Each database's messages are gathered while it runs and printed together with its
 *    report line, so lines of two databases never interleave.
 */
#ifndef CMIG_CLI_FLEET_H
#define CMIG_CLI_FLEET_H

#include <stdbool.h>
#include <stddef.h>

#include "cmd.h"

struct fleet_db {
	char *url;        /* as handed to the library (may hold a password) */
	char *display;    /* password hidden: the report's first column */
	char *identity;   /* equal for two URLs of one database */
	char *origin;     /* "--url" or "FILE:LINE", for errors */
};

struct fleet_list {
	struct fleet_db *items;
	size_t n, cap;
};

/* Whether the command line asks for many databases: --url more than once, any --urls, or a
 * SQLite URL with a pattern (even if it then matches one file). */
bool fleet_wanted(const struct cli_parsed *args, int url_idx, int urls_idx);
/* Build the list in command-line order. Prints what is wrong and returns EXIT_FAIL (a list
 * or pattern yielding nothing, an unreadable list, a bad URL) or EXIT_USAGE (a database
 * listed twice); EXIT_OK otherwise. */
int fleet_list_build(struct fleet_list *out, const struct cli_parsed *args, int url_idx,
                     int urls_idx);
void fleet_list_release(struct fleet_list *l);

/* The run (ctx->project open): every database, the report, the exit code. */
struct fleet_options {
	unsigned jobs;       /* 0: the number of CPUs, at most 8 */
	int on_error;        /* -1: the command's default; 0 stop; 1 continue */
	bool json;
};
int fleet_run(struct cli_ctx *ctx, const struct fleet_list *l, const struct fleet_options *fo);

#endif
