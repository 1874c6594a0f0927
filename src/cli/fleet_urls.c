/*
 * fleet_urls.c - the list of databases of a run over many (SPEC §11; see fleet.h).
 *
 * Order is the command line's: each --url where it stands, each --urls FILE's lines in file
 * order, each pattern's matches sorted byte-wise. A SQLite URL whose path holds `*` or `[`
 * is a pattern (`?` starts the URL's query, as always): it matches regular files whose names
 * do not begin with `.` and do not end in -journal, -wal or -shm.
 */
#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "buf.h"
#include "fleet.h"
#include "out.h"

/* The path part of a SQLite URL (after "sqlite://", "sqlite+driver://"), or NULL. */
static const char *sqlite_path(const char *url)
{
	const char *sep = strstr(url, "://");
	if (!sep || (size_t)(sep - url) < 6 || strncasecmp(url, "sqlite", 6) ||
	    (sep - url > 6 && url[6] != '+'))
		return NULL;
	return sep + 3;
}

static bool is_pattern(const char *url)
{
	const char *p = sqlite_path(url);
	size_t n;
	if (!p)
		return false;
	n = strcspn(p, "?");
	return memchr(p, '*', n) || memchr(p, '[', n);
}

bool fleet_wanted(const struct cli_parsed *args, int url_idx, int urls_idx)
{
	size_t urls = 0;
	for (size_t i = 0; i < args->nall; i++) {
		if (args->all_idx[i] == (size_t)urls_idx)
			return true;
		if (args->all_idx[i] == (size_t)url_idx && (++urls > 1 || is_pattern(args->all[i])))
			return true;
	}
	return false;
}

static void oom(void)
{
	fputs("cmig: error: out of memory\n", stderr);
}

static int add(struct fleet_list *l, const char *url, size_t len, const char *origin)
{
	struct fleet_db db = { NULL, NULL, NULL, NULL };
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		struct fleet_db *v = realloc(l->items, cap * sizeof(*v));
		if (!v)
			return -1;
		l->items = v;
		l->cap = cap;
	}
	db.url = cmig_strndup(url, len);
	db.origin = cmig_strdup(origin);
	if (!db.url || !db.origin) {
		free(db.url);
		free(db.origin);
		return -1;
	}
	l->items[l->n++] = db;
	return 0;
}

static bool skipped_name(const char *path)
{
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	static const char *const tails[] = { "-journal", "-wal", "-shm" };
	size_t n = strlen(base);
	if (base[0] == '.')
		return true;
	for (size_t i = 0; i < 3; i++) {
		size_t t = strlen(tails[i]);
		if (n >= t && !strcmp(base + n - t, tails[i]))
			return true;
	}
	return false;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Expand one pattern URL; EXIT_OK, or EXIT_FAIL with the message printed. */
static int expand(struct fleet_list *l, const char *url, const char *origin)
{
	const char *path = sqlite_path(url), *query;
	size_t plen = strcspn(path, "?"), prefix = (size_t)(path - url), before = l->n;
	char *pat;
	glob_t g;
	int grc, rc = EXIT_OK;

	query = path + plen;
	/* sqlite:///rel/x.db: the path after the third slash; sqlite:////abs: it keeps its own */
	if (*path != '/') {
		fprintf(stderr, "%s: error: a sqlite URL is sqlite:///relative/path.db or "
		        "sqlite:////absolute/path.db\n", origin);
		return EXIT_FAIL;
	}
	pat = cmig_strndup(path + 1, plen - 1);
	if (!pat) {
		oom();
		return EXIT_FAIL;
	}
	memset(&g, 0, sizeof(g));
	grc = glob(pat, GLOB_NOSORT, NULL, &g);
	if (grc != 0 && grc != GLOB_NOMATCH) {
		fprintf(stderr, "%s: error: cannot expand %s: %s\n", origin, url,
		        grc == GLOB_NOSPACE ? "out of memory" : "a directory could not be read");
		rc = EXIT_FAIL;
	}
	if (grc == 0)
		qsort(g.gl_pathv, g.gl_pathc, sizeof(char *), cmp_str);
	for (size_t i = 0; rc == EXIT_OK && grc == 0 && i < g.gl_pathc; i++) {
		struct stat st;
		cmig_buf b = CMIG_BUF_INIT;
		const char *m = g.gl_pathv[i];
		if (skipped_name(m) || stat(m, &st) != 0 || !S_ISREG(st.st_mode))
			continue;
		if (cmig_buf_add(&b, url, prefix) || cmig_buf_putc(&b, '/') || cmig_buf_puts(&b, m) ||
		    cmig_buf_puts(&b, query) || add(l, b.ptr, b.len, origin)) {
			oom();
			rc = EXIT_FAIL;
		}
		cmig_buf_release(&b);
	}
	globfree(&g);
	free(pat);
	if (rc == EXIT_OK && l->n == before) {
		fprintf(stderr, "%s: error: %s matches no database\n", origin, url);
		rc = EXIT_FAIL;
	}
	return rc;
}

static int add_url(struct fleet_list *l, const char *url, size_t len, const char *origin)
{
	char *u;
	int rc;
	if (!is_pattern(url) || strlen(url) != len)
		return add(l, url, len, origin) ? (oom(), EXIT_FAIL) : EXIT_OK;
	if (!(u = cmig_strndup(url, len)))
		return oom(), EXIT_FAIL;
	rc = expand(l, u, origin);
	free(u);
	return rc;
}

/* One URL a line; `#` comments and blank lines ignored, spaces around a URL too. */
static int read_list(struct fleet_list *l, const char *name)
{
	FILE *f = strcmp(name, "-") ? fopen(name, "r") : stdin;
	const char *shown = strcmp(name, "-") ? name : "(stdin)";
	size_t before = l->n, cap = 0;
	char *line = NULL, origin[4096];
	unsigned lineno = 0;
	ssize_t n;
	int rc = EXIT_OK;

	if (!f) {
		fprintf(stderr, "%s: error: cannot read the list of databases: %s\n", name, strerror(errno));
		return EXIT_FAIL;
	}
	while (rc == EXIT_OK && (n = getline(&line, &cap, f)) >= 0) {
		char *s = line, *e = line + n;
		lineno++;
		while (s < e && (*s == ' ' || *s == '\t'))
			s++;
		while (e > s && (e[-1] == '\n' || e[-1] == '\r' || e[-1] == ' ' || e[-1] == '\t'))
			e--;
		if (s == e || *s == '#')
			continue;
		*e = '\0';
		snprintf(origin, sizeof(origin), "%s:%u", shown, lineno);
		rc = add_url(l, s, (size_t)(e - s), origin);
	}
	if (rc == EXIT_OK && ferror(f)) {
		fprintf(stderr, "%s: error: cannot read the list of databases: %s\n", shown, strerror(errno));
		rc = EXIT_FAIL;
	}
	free(line);
	if (f != stdin)
		fclose(f);
	if (rc == EXIT_OK && l->n == before) {
		fprintf(stderr, "%s: error: the list names no database\n", shown);
		rc = EXIT_FAIL;
	}
	return rc;
}

struct describe_ctx {
	const char *origin;
};

static void describe_diag(const cmig_diag *d, void *payload)
{
	const struct describe_ctx *c = payload;
	fprintf(stderr, "%s: %s: %s\n", c->origin, d->severity == CMIG_DIAG_ERROR ? "error" : "warning",
	        d->message);
	if (d->hint)
		fprintf(stderr, "  hint: %s\n", d->hint);
}

static int cmp_ident(const void *a, const void *b)
{
	const struct fleet_db *x = *(const struct fleet_db *const *)a;
	const struct fleet_db *y = *(const struct fleet_db *const *)b;
	int c = strcmp(x->identity, y->identity);
	return c ? c : x < y ? -1 : x > y;
}

int fleet_list_build(struct fleet_list *out, const struct cli_parsed *args, int url_idx,
                     int urls_idx)
{
	struct fleet_db **sorted;
	int rc = EXIT_OK;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; rc == EXIT_OK && i < args->nall; i++) {
		if (args->all_idx[i] == (size_t)url_idx)
			rc = add_url(out, args->all[i], strlen(args->all[i]), "--url");
		else if (args->all_idx[i] == (size_t)urls_idx)
			rc = read_list(out, args->all[i]);
	}
	for (size_t i = 0; rc == EXIT_OK && i < out->n; i++) {
		struct describe_ctx c = { out->items[i].origin };
		if (cmig_url_describe(&out->items[i].display, &out->items[i].identity, out->items[i].url,
		                      describe_diag, &c) != CMIG_OK)
			rc = EXIT_FAIL;
	}
	if (rc != EXIT_OK)
		return rc;
	/* the same database twice: a usage error before anything runs */
	sorted = malloc((out->n ? out->n : 1) * sizeof(*sorted));
	if (!sorted)
		return oom(), EXIT_FAIL;
	for (size_t i = 0; i < out->n; i++)
		sorted[i] = &out->items[i];
	qsort(sorted, out->n, sizeof(*sorted), cmp_ident);
	for (size_t i = 1; i < out->n; i++)
		if (!strcmp(sorted[i - 1]->identity, sorted[i]->identity)) {
			fprintf(stderr, "cmig: error: the same database is listed twice: %s (%s) and %s (%s)\n",
			        sorted[i - 1]->display, sorted[i - 1]->origin, sorted[i]->display,
			        sorted[i]->origin);
			rc = EXIT_USAGE;
		}
	free(sorted);
	return rc;
}

void fleet_list_release(struct fleet_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		struct fleet_db *db = &l->items[i];
		if (db->url)
			memset(db->url, 0, strlen(db->url)); /* may hold a password */
		free(db->url);
		free(db->display);
		free(db->identity);
		free(db->origin);
	}
	free(l->items);
	memset(l, 0, sizeof(*l));
}
