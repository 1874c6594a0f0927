/*
 * text.c - text utilities (see text.h). Everything is ASCII-only on purpose: revision ids,
 * slugs and SQL keywords are ASCII, and locale-dependent ctype calls would make a slug
 * depend on the user's environment.
 */
#include "text.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "cmig/cmig.h"

int cmig_linemap_build(cmig_linemap *out, const char *text, size_t len)
{
	size_t n = 1, i;
	out->starts = NULL;
	out->n = 0;
	for (i = 0; i < len; i++)
		n += text[i] == '\n';
	out->starts = malloc(n * sizeof(size_t));
	if (!out->starts)
		return CMIG_ENOMEM;
	out->starts[0] = 0;
	out->n = 1;
	for (i = 0; i < len; i++)
		if (text[i] == '\n')
			out->starts[out->n++] = i + 1;
	return CMIG_OK;
}

void cmig_linemap_release(cmig_linemap *m)
{
	free(m->starts);
	m->starts = NULL;
	m->n = 0;
}

unsigned cmig_linemap_line(const cmig_linemap *m, size_t offset)
{
	size_t lo = 0, hi = m->n;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (m->starts[mid] <= offset)
			lo = mid;
		else
			hi = mid;
	}
	return (unsigned)(lo + 1);
}

unsigned cmig_text_line_of(const char *text, size_t offset)
{
	unsigned line = 1;
	const char *p = text, *end = text + offset;
	while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		line++;
		p++;
	}
	return line;
}

void cmig_text_slug(char out[41], const char *msg)
{
	size_t n = 0, lead = 0;
	bool in_run = false;
	for (const unsigned char *p = (const unsigned char *)msg; *p && n < 40; p++) {
		unsigned char c = *p;
		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
			out[n++] = (char)c;
			in_run = false;
		} else if (!in_run) {
			out[n++] = '_';
			in_run = true;
		}
	}
	while (n > 0 && out[n - 1] == '_')
		n--;
	while (lead < n && out[lead] == '_')
		lead++;
	memmove(out, out + lead, n - lead);
	out[n - lead] = '\0';
}

void cmig_text_random_id(char out[13])
{
	unsigned char raw[6];
	static const char hex[] = "0123456789abcdef";
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	ssize_t got = fd >= 0 ? read(fd, raw, sizeof(raw)) : -1;
	if (fd >= 0)
		close(fd);
	if (got != (ssize_t)sizeof(raw)) {
		struct timeval tv;
		gettimeofday(&tv, NULL);
		unsigned long long x = (unsigned long long)tv.tv_sec * 1000003ULL ^
		                       (unsigned long long)tv.tv_usec ^ ((unsigned long long)getpid() << 20);
		for (size_t i = 0; i < sizeof(raw); i++, x = x * 6364136223846793005ULL + 1442695040888963407ULL)
			raw[i] = (unsigned char)(x >> 33);
	}
	for (size_t i = 0; i < sizeof(raw); i++) {
		out[2 * i] = hex[raw[i] >> 4];
		out[2 * i + 1] = hex[raw[i] & 15];
	}
	out[12] = '\0';
}

bool cmig_text_ieqn(const char *a, size_t alen, const char *b)
{
	size_t i;
	for (i = 0; i < alen; i++) {
		unsigned char x = (unsigned char)a[i], y = (unsigned char)b[i];
		if (!y)
			return false;
		if (x >= 'A' && x <= 'Z')
			x = (unsigned char)(x + 32);
		if (y >= 'A' && y <= 'Z')
			y = (unsigned char)(y + 32);
		if (x != y)
			return false;
	}
	return b[i] == '\0';
}

bool cmig_text_ieq(const char *a, const char *b)
{
	return cmig_text_ieqn(a, strlen(a), b);
}

bool cmig_text_reserved_word(const char *s, size_t len)
{
	return cmig_text_ieqn(s, len, "head") || cmig_text_ieqn(s, len, "base") ||
	       cmig_text_ieqn(s, len, "none") || cmig_text_ieqn(s, len, "current");
}

bool cmig_text_valid_id(const char *id, size_t len)
{
	if (len < 1 || len > 64)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = id[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'))
			return false;
	}
	return !cmig_text_reserved_word(id, len);
}

void cmig_text_now_iso(char *out, size_t size, bool millis)
{
	struct timeval tv;
	struct tm tm;
	gettimeofday(&tv, NULL);
	time_t t = tv.tv_sec;
	gmtime_r(&t, &tm);
	if (millis)
		snprintf(out, size, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
		         tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
		         (int)(tv.tv_usec / 1000));
	else
		strftime(out, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static bool digits(const char **p, int n)
{
	for (int i = 0; i < n; i++, (*p)++)
		if (**p < '0' || **p > '9')
			return false;
	return true;
}

bool cmig_text_is_iso8601(const char *s)
{
	const char *p = s;
	if (!digits(&p, 4) || *p++ != '-' || !digits(&p, 2) || *p++ != '-' || !digits(&p, 2))
		return false;
	if (!*p)
		return true;
	if (*p != 'T' && *p != 't' && *p != ' ')
		return false;
	p++;
	if (!digits(&p, 2) || *p++ != ':' || !digits(&p, 2))
		return false;
	if (*p == ':') {
		p++;
		if (!digits(&p, 2))
			return false;
		if (*p == '.' || *p == ',') {
			p++;
			if (*p < '0' || *p > '9')
				return false;
			while (*p >= '0' && *p <= '9')
				p++;
		}
	}
	if (*p == 'Z' || *p == 'z')
		return p[1] == '\0';
	if (*p == '+' || *p == '-') {
		p++;
		if (!digits(&p, 2))
			return false;
		if (*p == ':')
			p++;
		if (*p && !digits(&p, 2))
			return false;
		return *p == '\0';
	}
	return *p == '\0';
}

int cmig_text_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}
