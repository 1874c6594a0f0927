/*
 * json.h - the `--format json` output of the `cmig` program (SPEC §5, §7): strings always
 * valid UTF-8, base as null.
 */
#ifndef CMIG_CLI_JSON_H
#define CMIG_CLI_JSON_H

#include <stdbool.h>

#include "cmig/cmig.h"

struct cli_ctx;

/* A JSON string on stdout: a byte that is not valid UTF-8 becomes U+FFFD, control characters
 * are escaped. */
void cli_json_string(const char *s);
/* The string, or null when s is NULL. */
void cli_json_string_or_null(const char *s);
/* A SPEC §7 diagnostic object: severity, code, path, line, message. */
void cli_json_diag(const cmig_diag *d);
/* --format text|json of the command: *json set; a usage error (printed, EXIT_USAGE) otherwise. */
int cli_json_format(const struct cli_ctx *ctx, bool *json);

#endif
