/*
 * sarif.h - `check --format sarif` (SPEC §10): SARIF 2.1.0 on stdout, one run, every check
 * and lint code in tool.driver.rules, one result per diagnostic with one physicalLocation
 * relative to the current directory (uriBaseId %SRCROOT%); a diagnostic with no file is
 * attached to the configuration file's line 1.
 */
#ifndef CMIG_CLI_SARIF_H
#define CMIG_CLI_SARIF_H

#include "cmig/cmig.h"

struct cli_sarif {
	const char *config_path;    /* where file-less problems go */
	int first;                  /* no result printed yet */
};

/* The document's head: tool, rules, and the opening of "results". */
void cli_sarif_begin(struct cli_sarif *s, const char *config_path);
/* One result (a cmig_diag_cb; notes are skipped). */
void cli_sarif_diag(const cmig_diag *d, void *payload);
/* Close the document. */
void cli_sarif_end(struct cli_sarif *s);

#endif
