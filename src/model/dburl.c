/*
 * dburl.c - database URLs (SPEC §1): which backend, which file or server, and the one place
 * that formats a URL for people.
 *
 * SQLite: sqlite:///rel/path.db (relative to base_dir, or the current directory), an extra
 * slash for an absolute path (sqlite:////abs/path.db), sqlite:///:memory:.
 * PostgreSQL: postgresql:// or postgres://, otherwise left to libpq, so every libpq URI form
 * works. cmig only takes the password out: libpq gets the URL without it (pg_conninfo) and
 * the decoded password separately, and people only ever see `display`, where it is "***".
 * A password may be written in the user part (user:secret@host) or as ?password=secret.
 *
 * Secrets: no diagnostic from this file contains the URL, a part of it that could hold the
 * password, or the password: each names the problem only. A user part is split at the LAST
 * '@' before the path, so a password with a raw '@' still never lands in the host.
 */
#include "dburl.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "fs.h"
#include "text.h"

/* Percent-decode s[0, len) into a new string; NULL and *bad set on a malformed escape. */
static char *percent_decode(const char *s, size_t len, bool *bad)
{
	char *out = malloc(len + 1), *o = out;

	*bad = false;
	if (!out)
		return NULL;
	for (size_t i = 0; i < len; i++) {
		if (s[i] != '%') {
			*o++ = s[i];
			continue;
		}
		if (i + 2 >= len || cmig_text_hexval((unsigned char)s[i + 1]) < 0 || cmig_text_hexval((unsigned char)s[i + 2]) < 0) {
			free(out);
			*bad = true;
			return NULL;
		}
		*o++ = (char)(cmig_text_hexval((unsigned char)s[i + 1]) * 16 + cmig_text_hexval((unsigned char)s[i + 2]));
		i += 2;
	}
	*o = '\0';
	return out;
}

static bool all_digits(const char *s, size_t len)
{
	if (len == 0)
		return false;
	for (size_t i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static int parse_sqlite(cmig_dburl *u, const char *rest, const char *base_dir, cmig_diags *d)
{
	const char *path;

	/* rest is what follows "sqlite://": an empty host, then "/path". */
	if (rest[0] != '/')
		return cmig_diag_error(d, NULL, 0, CMIG_ERROR, NULL,
		                       "sqlite database URL must be sqlite:///relative/path.db or "
		                       "sqlite:////absolute/path.db (three or four slashes)");
	path = rest + 1;
	if (!*path)
		return cmig_diag_error(d, NULL, 0, CMIG_ERROR, NULL,
		                       "sqlite database URL has no file path");
	if (!strcmp(path, ":memory:"))
		u->sqlite_path = cmig_strdup(":memory:");
	else if (path[0] == '/' || !base_dir)
		u->sqlite_path = cmig_strdup(path);
	else
		u->sqlite_path = cmig_path_join(base_dir, path);
	u->display = cmig_strdup(u->raw);
	if (!u->sqlite_path || !u->display)
		return cmig_diag_oom(d);
	return CMIG_OK;
}

/* Host and port of one authority's host list, for messages; ports must be digits (a
 * non-digit "port" is most likely a password that escaped the user part, so the message
 * does not show it). */
static int parse_hosts(cmig_dburl *u, const char *h, size_t len, cmig_diags *d)
{
	const char *end = h + len, *p = h;
	const char *first_end = memchr(h, ',', len) ? memchr(h, ',', len) : end;

	/* Validate every host[:port] of a comma-separated list. */
	while (p <= end) {
		const char *item_end = memchr(p, ',', (size_t)(end - p));
		const char *hp, *colon;
		if (!item_end)
			item_end = end;
		hp = p;
		if (*hp == '[') {
			const char *rb = memchr(hp, ']', (size_t)(item_end - hp));
			if (!rb)
				return cmig_diag_error(d, NULL, 0, CMIG_ERROR, NULL,
				                       "database URL has an unterminated [IPv6] host in "
				                       "'%.*s'", (int)len, h);
			colon = rb + 1 < item_end ? rb + 1 : NULL;
			if (colon && *colon != ':')
				return cmig_diag_error(d, NULL, 0, CMIG_ERROR, NULL,
				                       "database URL has text after an [IPv6] host");
		} else {
			colon = memchr(hp, ':', (size_t)(item_end - hp));
		}
		if (colon && colon + 1 < item_end &&
		    !all_digits(colon + 1, (size_t)(item_end - colon - 1)))
			return cmig_diag_error(d, NULL, 0, CMIG_ERROR, NULL,
			                       "database URL has an invalid port (not a number); a password "
			                       "containing '/', '?' or '#' must be percent-encoded");
		if (p == h) {
			size_t hl = (size_t)((colon ? colon : item_end) - hp);
			if (first_end == end) {
				if (hl && !(u->host = cmig_strndup(hp, hl)))
					return cmig_diag_oom(d);
				if (colon && !(u->port = cmig_strndup(colon + 1, (size_t)(item_end - colon - 1))))
					return cmig_diag_oom(d);
			} else if (!(u->host = cmig_strndup(h, len))) {
				return cmig_diag_oom(d); /* several hosts: keep the list for messages */
			}
		}
		p = item_end + 1;
	}
	return CMIG_OK;
}

/* The query parameters cmig reads: schema=NAME and pgbouncer=true (SPEC §11), which libpq
 * would refuse, and host/port/dbname/user, which it also reads (kept for it; remembered here
 * to tell two URLs of one database apart). Returns 1 for a parameter cmig takes out of the
 * URL, CMIG_OK for one left to libpq, or an error. */
static int take_param(cmig_dburl *u, const char *p, size_t plen, cmig_diags *d)
{
	static const char *const kept[] = { "host=", "port=", "dbname=", "user=" };
	const char *eq = memchr(p, '=', plen);
	size_t klen = eq ? (size_t)(eq - p) + 1 : plen;
	bool bad;
	char *v;

	if (!eq)
		return CMIG_OK;
	v = percent_decode(eq + 1, plen - klen, &bad);
	if (!v)
		return bad ? cmig_diag_error(d, NULL, 0, CMIG_ERROR, NULL,
		                             "database URL has a bad percent-encoding in its %.*s parameter",
		                             (int)(klen - 1), p) : cmig_diag_oom(d);
	if (klen == 7 && !strncmp(p, "schema=", 7)) {
		if (!*v || strlen(v) > 63) {
			free(v);
			return cmig_diag_error(d, NULL, 0, CMIG_ERROR, NULL,
			                       "database URL's schema= must name a schema of 1 to 63 bytes");
		}
		free(u->schema);
		u->schema = v;
		return 1;
	}
	if (klen == 10 && !strncmp(p, "pgbouncer=", 10)) {
		u->pgbouncer = !strcmp(v, "true") || !strcmp(v, "1") || !strcmp(v, "yes");
		free(v);
		return 1;
	}
	for (size_t i = 0; i < sizeof(kept) / sizeof(kept[0]); i++) {
		char **slot = i == 0 ? &u->qhost : i == 1 ? &u->qport : i == 2 ? &u->dbname : &u->user;
		if (klen == strlen(kept[i]) && !strncmp(p, kept[i], klen)) {
			free(*slot);
			*slot = v;
			return CMIG_OK;
		}
	}
	free(v);
	return CMIG_OK;
}

#define PASSWORD_PARAM "password="
#define PASSWORD_PARAM_LEN (sizeof(PASSWORD_PARAM) - 1)

/* A password that would not decode: bad percent-encoding (an error naming the host part),
 * or out of memory. */
static int password_error(bool bad, const char *hosts, const char *auth_end, cmig_diags *d)
{
	if (!bad)
		return cmig_diag_oom(d);
	return cmig_diag_error(d, NULL, 0, CMIG_ERROR, NULL,
	                       "database URL for host '%.*s' has a bad "
	                       "percent-encoding in its password (write '%%' as %%25)",
	                       (int)(auth_end - hosts), hosts);
}

/* The userinfo rest[0, at) ("user" or "user:password"): into u, and into conn as written and
 * into disp with the password as "***", each followed by '@'. */
static int parse_userinfo(cmig_dburl *u, const char *rest, const char *at, const char *auth_end,
                          cmig_buf *conn, cmig_buf *disp, cmig_diags *d)
{
	const char *colon = memchr(rest, ':', (size_t)(at - rest)), *hosts = at + 1;
	bool bad;

	u->user = percent_decode(rest, (size_t)((colon ? colon : at) - rest), &bad);
	if (!u->user && !bad)
		return cmig_diag_oom(d);
	if (colon) {
		size_t plen = (size_t)(at - colon - 1);
		u->password_raw = cmig_strndup(colon + 1, plen);
		if (!u->password_raw)
			return cmig_diag_oom(d);
		u->password = percent_decode(colon + 1, plen, &bad);
		if (!u->password)
			return password_error(bad, hosts, auth_end, d);
		cmig_buf_add(conn, rest, (size_t)(colon - rest));
		cmig_buf_add(disp, rest, (size_t)(colon - rest));
		cmig_buf_puts(disp, ":***");
	} else {
		cmig_buf_add(conn, rest, (size_t)(at - rest));
		cmig_buf_add(disp, rest, (size_t)(at - rest));
	}
	cmig_buf_putc(conn, '@');
	cmig_buf_putc(disp, '@');
	return CMIG_OK;
}

/* The query parameters at p (after '?', up to '#'): a password=… goes into u and shows as
 * "***" in disp only; cmig's own parameters (take_param) show in disp only; the rest go to
 * both. */
static int parse_query(cmig_dburl *u, const char *p, const char *hosts, const char *auth_end,
                       cmig_buf *conn, cmig_buf *disp, cmig_diags *d)
{
	bool conn_first = true, disp_first = true, bad;
	int rc;

	while (*p) {
		size_t plen = strcspn(p, "&#");
		if (plen >= PASSWORD_PARAM_LEN && !strncmp(p, PASSWORD_PARAM, PASSWORD_PARAM_LEN)) {
			const char *v = p + PASSWORD_PARAM_LEN;
			size_t vlen = plen - PASSWORD_PARAM_LEN;
			if (u->password_raw)
				return cmig_diag_error(d, NULL, 0, CMIG_ERROR, NULL,
				                       "database URL gives the password twice (in the user "
				                       "part and as ?password=)");
			if (!(u->password_raw = cmig_strndup(v, vlen)))
				return cmig_diag_oom(d);
			if (!(u->password = percent_decode(v, vlen, &bad)))
				return password_error(bad, hosts, auth_end, d);
			cmig_buf_puts(disp, disp_first ? "?" : "&");
			cmig_buf_puts(disp, PASSWORD_PARAM "***");
			disp_first = false;
		} else if ((rc = take_param(u, p, plen, d)) != CMIG_OK) {
			if (rc < 0)
				return rc;
			/* cmig's own parameter: shown to people, never handed to libpq */
			cmig_buf_puts(disp, disp_first ? "?" : "&");
			cmig_buf_add(disp, p, plen);
			disp_first = false;
		} else if (plen) {
			cmig_buf_puts(conn, conn_first ? "?" : "&");
			cmig_buf_add(conn, p, plen);
			cmig_buf_puts(disp, disp_first ? "?" : "&");
			cmig_buf_add(disp, p, plen);
			conn_first = disp_first = false;
		}
		p += plen;
		if (*p == '#')
			break;
		if (*p == '&')
			p++;
	}
	return CMIG_OK;
}

static int parse_postgresql(cmig_dburl *u, const char *url, const char *rest, cmig_diags *d)
{
	const char *auth_end = rest + strcspn(rest, "/?#");
	const char *at = NULL, *hosts, *q;
	cmig_buf conn = CMIG_BUF_INIT, disp = CMIG_BUF_INIT;
	size_t prefix = (size_t)(rest - url);
	int rc = CMIG_OK;
	bool bad;

	/* Both outputs are at most the URL plus "***" twice: reserve that once, so the appends
	 * below cannot fail half way and hand libpq a URL with a piece missing. */
	if (cmig_buf_grow(&conn, strlen(url) + 16) != CMIG_OK ||
	    cmig_buf_grow(&disp, strlen(url) + 16) != CMIG_OK) {
		rc = cmig_diag_oom(d);
		goto done;
	}
	for (const char *p = rest; p < auth_end; p++)
		if (*p == '@')
			at = p;
	cmig_buf_add(&conn, url, prefix);
	cmig_buf_add(&disp, url, prefix);
	hosts = at ? at + 1 : rest;
	if (at && (rc = parse_userinfo(u, rest, at, auth_end, &conn, &disp, d)) != CMIG_OK)
		goto done;
	/* "user:pa/ss@host": the authority ends early and the password's tail would show up
	 * in the path or query; refuse rather than guess. */
	if (memchr(hosts, ':', (size_t)(auth_end - hosts)) && strchr(auth_end, '@')) {
		rc = cmig_diag_error(d, NULL, 0, CMIG_ERROR, NULL,
		                     "database URL has an '@' after its host part; a password "
		                     "containing '/', '?' or '#' must be percent-encoded");
		goto done;
	}
	if ((rc = parse_hosts(u, hosts, (size_t)(auth_end - hosts), d)) != CMIG_OK)
		goto done;
	if (*auth_end == '/' && auth_end[1] && auth_end[1] != '?' && auth_end[1] != '#') {
		size_t n = strcspn(auth_end + 1, "?#");
		if (!(u->dbname = percent_decode(auth_end + 1, n, &bad)) && !bad) {
			rc = cmig_diag_oom(d);
			goto done;
		}
	}

	/* Path, then the query with any password=… parameter taken out. */
	q = strchr(auth_end, '?');
	if (!q) {
		cmig_buf_puts(&conn, hosts);
		cmig_buf_puts(&disp, hosts);
	} else {
		cmig_buf_add(&conn, hosts, (size_t)(q - hosts));
		cmig_buf_add(&disp, hosts, (size_t)(q - hosts));
		if ((rc = parse_query(u, q + 1, hosts, auth_end, &conn, &disp, d)) != CMIG_OK)
			goto done;
	}
	u->pg_conninfo = cmig_buf_detach(&conn);
	u->display = cmig_buf_detach(&disp);
	if (!u->pg_conninfo || !u->display)
		rc = cmig_diag_oom(d);
done:
	cmig_buf_release(&conn);
	cmig_buf_release(&disp);
	return rc;
}

/* The length of a URL's scheme (letters, then letters, digits, + - .) before ':', 0 if none. */
static size_t scheme_len(const char *url)
{
	size_t i = 0;
	while ((url[i] >= 'a' && url[i] <= 'z') || (url[i] >= 'A' && url[i] <= 'Z') ||
	       (i > 0 && ((url[i] >= '0' && url[i] <= '9') || url[i] == '+' || url[i] == '-' ||
	                  url[i] == '.')))
		i++;
	return url[i] == ':' ? i : 0;
}

/* SPEC §1: SQLAlchemy's driver-qualified schemes (postgresql+psycopg2://, sqlite+pysqlite://)
 * are their plain form. Returns the scheme's plain length (the part before '+'), 0 when the
 * scheme is not one of ours. */
static size_t plain_scheme(const char *url, size_t slen)
{
	const char *plus = memchr(url, '+', slen);
	size_t n = plus ? (size_t)(plus - url) : slen;
	if (cmig_text_ieqn(url, n, "sqlite") || cmig_text_ieqn(url, n, "postgresql") ||
	    cmig_text_ieqn(url, n, "postgres"))
		return n;
	return 0;
}

int cmig_dburl_parse(cmig_dburl *out, const char *url, const char *base_dir, cmig_diags *d)
{
	const char *sep;
	size_t slen;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!url || !*url)
		return cmig_diag_error(d, NULL, 0, CMIG_ERROR, NULL, "empty database URL");
	slen = scheme_len(url);
	if (slen && strncmp(url + slen, "://", 3) && plain_scheme(url, slen)) {
		/* `sqlite:/x.db`, `postgresql:db`: our scheme, without the "//" */
		bool sqlite = cmig_text_ieqn(url, plain_scheme(url, slen), "sqlite");
		if (sqlite)
			return cmig_diag_full(d, CMIG_DIAG_ERROR, CMIG_ERROR, NULL, NULL, 0, 0, NULL,
			                      "Write sqlite:///relative/path.db or sqlite:////absolute/path.db.",
			                      "database URL %s: a SQLite URL has three slashes after "
			                      "'sqlite:', then the path", url);
		return cmig_diag_full(d, CMIG_DIAG_ERROR, CMIG_ERROR, NULL, NULL, 0, 0, NULL,
		                      "Write postgresql://user@host/dbname.",
		                      "database URL: '%.*s:' must be followed by '//'", (int)slen, url);
	}
	if (slen && plain_scheme(url, slen) && plain_scheme(url, slen) < slen) {
		/* postgresql+psycopg2://… -> postgresql://… (the URL is rebuilt, then parsed) */
		cmig_buf plain = CMIG_BUF_INIT;
		size_t n = plain_scheme(url, slen);
		if (cmig_buf_add(&plain, url, n) || cmig_buf_puts(&plain, url + slen)) {
			cmig_buf_release(&plain);
			return cmig_diag_oom(d);
		}
		rc = cmig_dburl_parse(out, plain.ptr, base_dir, d);
		memset(plain.ptr, 0, plain.len); /* it may hold a password */
		cmig_buf_release(&plain);
		return rc;
	}
	sep = strstr(url, "://");
	slen = sep ? (size_t)(sep - url) : 0;
	for (size_t i = 0; i < slen; i++) {
		char c = url[i];
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		          (i > 0 && ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.'));
		if (!ok)
			slen = 0;
	}
	if (!slen)
		return cmig_diag_full(d, CMIG_DIAG_ERROR, CMIG_ERROR, NULL, NULL, 0, 0, NULL,
		                      "Use sqlite:///path.db or postgresql://user@host/dbname.",
		                      "database URL has no scheme");
	if (!(out->raw = cmig_strdup(url)))
		return cmig_diag_oom(d);
	if (cmig_text_ieqn(url, slen, "sqlite")) {
		out->kind = CMIG_DB_SQLITE;
		rc = parse_sqlite(out, sep + 3, base_dir, d);
	} else if (cmig_text_ieqn(url, slen, "postgresql") || cmig_text_ieqn(url, slen, "postgres")) {
		out->kind = CMIG_DB_POSTGRESQL;
		rc = parse_postgresql(out, out->raw, out->raw + slen + 3, d);
	} else {
		rc = cmig_diag_full(d, CMIG_DIAG_ERROR, CMIG_ERROR, NULL, NULL, 0, 0, NULL,
		                    "Use sqlite:///path.db or postgresql://user@host/dbname.",
		                    "unsupported database URL scheme \"%.*s\"", (int)slen, url);
	}
	if (rc != CMIG_OK)
		cmig_dburl_release(out);
	return rc;
}

void cmig_dburl_release(cmig_dburl *u)
{
	if (!u)
		return;
	if (u->raw)
		memset(u->raw, 0, strlen(u->raw));
	if (u->password)
		memset(u->password, 0, strlen(u->password));
	free(u->raw);
	free(u->display);
	free(u->sqlite_path);
	free(u->pg_conninfo);
	free(u->password);
	free(u->password_raw);
	free(u->host);
	free(u->port);
	free(u->qhost);
	free(u->qport);
	free(u->dbname);
	free(u->user);
	free(u->schema);
	memset(u, 0, sizeof(*u));
}

/* Replace each occurrence of secret in text by "***" (or as many '*' as the secret is long
 * when it is shorter: the text is edited in place and cannot grow). */
static void scrub_one(char *text, const char *secret)
{
	size_t sl = secret ? strlen(secret) : 0, rl;
	char *p = text;

	if (!sl)
		return;
	rl = sl < 3 ? sl : 3;
	while ((p = strstr(p, secret)) != NULL) {
		memset(p, '*', rl);
		memmove(p + rl, p + sl, strlen(p + sl) + 1);
		p += rl;
	}
}

void cmig_dburl_scrub(const cmig_dburl *u, char *text)
{
	if (!u || !text)
		return;
	scrub_one(text, u->password_raw);
	scrub_one(text, u->password);
}
