/*
 * json.c - JSON output of the `cmig` program (see json.h).
 */
#include "json.h"

#include <stdio.h>
#include <string.h>

#include "cmd.h"

/* Length of the valid UTF-8 sequence at p (1-4), or 0 when the bytes are not valid UTF-8
 * (a stray continuation byte, a truncated or overlong sequence, a surrogate, > U+10FFFF). */
static size_t utf8_len(const unsigned char *p)
{
	size_t n;
	unsigned cp;
	if (*p < 0x80)
		return 1;
	if (*p >= 0xc2 && *p <= 0xdf)
		n = 2, cp = *p & 0x1f;
	else if (*p >= 0xe0 && *p <= 0xef)
		n = 3, cp = *p & 0x0f;
	else if (*p >= 0xf0 && *p <= 0xf4)
		n = 4, cp = *p & 0x07;
	else
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

/* A JSON string: always valid UTF-8 (a byte that is not, e.g. from a file's header value or
 * name, becomes U+FFFD), control characters escaped. */
void cli_json_string(const char *s)
{
	putchar('"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p >= 0x80) {
			size_t n = utf8_len(p);
			if (!n) {
				fputs("\\ufffd", stdout);
			} else {
				fwrite(p, 1, n, stdout);
				p += n - 1;
			}
			continue;
		}
		switch (*p) {
		case '"': fputs("\\\"", stdout); break;
		case '\\': fputs("\\\\", stdout); break;
		case '\n': fputs("\\n", stdout); break;
		case '\r': fputs("\\r", stdout); break;
		case '\t': fputs("\\t", stdout); break;
		default:
			if (*p < 0x20)
				printf("\\u%04x", *p);
			else
				putchar(*p);
		}
	}
	putchar('"');
}

void cli_json_string_or_null(const char *s)
{
	if (s)
		cli_json_string(s);
	else
		fputs("null", stdout);
}

void cli_json_diag(const cmig_diag *d)
{
	printf("{\"severity\": \"%s\", \"code\": ", d->severity == CMIG_DIAG_ERROR ? "error" : "warning");
	/* no SPEC §7 code: a file problem is "parse"; a database that cannot be read, "database" */
	cli_json_string(d->kind ? d->kind : d->path ? "parse" : "database");
	fputs(", \"path\": ", stdout);
	cli_json_string_or_null(d->path);
	if (d->line)
		printf(", \"line\": %u", d->line);
	else
		fputs(", \"line\": null", stdout);
	fputs(", \"message\": ", stdout);
	cli_json_string(d->message);
	putchar('}');
}

int cli_json_format(const struct cli_ctx *ctx, bool *json)
{
	const char *format = cli_opt_value(ctx, "format");
	*json = format && !strcmp(format, "json");
	if (format && !*json && strcmp(format, "text"))
		return cli_usage_error(ctx, "--format is text or json, not '%s'", format);
	return EXIT_OK;
}
