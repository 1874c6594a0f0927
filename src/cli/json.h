/*
 * json.h - JSON strings on stdout: always valid UTF-8 (a byte that is not becomes U+FFFD),
 * control characters escaped.
 */
#ifndef CMIG_CLI_JSON_H
#define CMIG_CLI_JSON_H

void cli_json_string(const char *s);

#endif
