/* test_lint.c - `check --lint` (src/model/lint*.c, SPEC §10).
 *
 * Data-driven: every tests/data/lint/NNN-name.txt holds cases. A case starts with a line
 *     === NAME [dialects=sqlite,postgresql] [only=D] [pg=N] [lock_timeout] [down] [since=N]
 * (defaults: dialects=postgresql, pg 15) followed by one or more revisions, each starting
 * with a line `--- rev`; the harness adds the revision/down_revision headers, so a revision's
 * own text starts at its line 3. A statement that must be flagged carries, on its first
 * line, a trailing comment `-- expect: CODE[,CODE]`; every finding must be annotated and
 * every annotation found, at that exact line, so each look-alike without an annotation is a
 * statement that must NOT be flagged. The annotations are written by hand from SPEC §10. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "lint.h"
#include "revfile.h"

#include "datacase.h"

#define DATA_DIR CMIG_TEST_DATA "/lint"
#define MAXREV 16

/* "path:line code" for every finding / annotation, sorted, one a line. */
static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void sorted_lines(cmig_buf *out, char **items, size_t n)
{
	qsort(items, n, sizeof(*items), cmp_str);
	for (size_t i = 0; i < n; i++) {
		cmig_buf_puts(out, items[i]);
		cmig_buf_putc(out, '\n');
		free(items[i]);
	}
}

struct lines {
	char *items[512];
	size_t n;
};

static void add_line(struct lines *l, const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	assert_true(l->n < 512);
	l->items[l->n++] = strdup(buf);
}

/* Annotations of one revision's text. */
static void annotations(struct lines *l, const char *path, const char *text)
{
	unsigned line = 1;
	for (const char *p = text; *p; line++) {
		const char *nl = strchr(p, '\n'), *e = nl ? nl : p + strlen(p);
		const char *x = strstr(p, "-- expect: ");
		if (x && x < e) {
			x += strlen("-- expect: ");
			while (x < e) {
				const char *c = x;
				while (c < e && *c != ',' && *c != ' ' && *c != '\r')
					c++;
				if (c > x)
					add_line(l, "%s:%u %.*s", path, line, (int)(c - x), x);
				x = c + 1;
			}
		}
		p = nl ? nl + 1 : e;
	}
}

static void run_case(const char *file, const char *name, const char *opts, const char *body)
{
	struct cmig_lint_options o = { CMIG_LINT_POSTGRESQL, CMIG_DIALECT_ANY, 15, false, false, -1 };
	struct cmig_revfile revs[MAXREV];
	const struct cmig_revfile *rp[MAXREV];
	struct lines want = { .n = 0 }, got = { .n = 0 };
	cmig_diags d = CMIG_DIAGS_INIT, pd = CMIG_DIAGS_INIT;
	cmig_buf a = CMIG_BUF_INIT, b = CMIG_BUF_INIT;
	size_t n = 0;
	const char *p;

	if ((p = strstr(opts, "dialects="))) {
		char v[64];
		snprintf(v, sizeof(v), "%.*s", (int)strcspn(p + 9, " ]"), p + 9);
		o.dialects = (strstr(v, "sqlite") ? CMIG_LINT_SQLITE : 0) |
		             (strstr(v, "postgresql") ? CMIG_LINT_POSTGRESQL : 0);
	}
	if ((p = strstr(opts, "only=")))
		o.only = !strncmp(p + 5, "sqlite", 6) ? CMIG_DIALECT_SQLITE : CMIG_DIALECT_POSTGRESQL;
	if ((p = strstr(opts, "pg=")))
		o.pg_version = (unsigned)atoi(p + 3);
	if ((p = strstr(opts, "since=")))
		o.since = atol(p + 6);
	o.lock_timeout_set = strstr(opts, "lock_timeout") != NULL;
	o.lint_down = strstr(opts, "down") != NULL;

	/* revisions */
	for (p = strstr(body, "--- rev\n"); p; n++) {
		const char *start = p + strlen("--- rev\n"), *next = strstr(start, "--- rev\n");
		size_t len = next ? (size_t)(next - start) : strlen(start);
		char path[32];
		cmig_buf t = CMIG_BUF_INIT;
		assert_true(n < MAXREV);
		snprintf(path, sizeof(path), "r%zu.sql", n);
		if (n == 0)
			cmig_buf_puts(&t, "-- revision: r0\n-- down_revision:\n");
		else
			cmig_buf_printf(&t, "-- revision: r%zu\n-- down_revision: r%zu\n", n, n - 1);
		cmig_buf_add(&t, start, len);
		annotations(&want, path, t.ptr);
		len = t.len;
		if (cmig_revfile_parse(&revs[n], path, NULL, cmig_buf_detach(&t), len, &pd) != CMIG_OK) {
			for (size_t i = 0; i < pd.n; i++)
				fprintf(stderr, "%s: %s: %s:%u: %s\n", file, name, pd.items[i].path,
				        pd.items[i].line, pd.items[i].message);
			fail_msg("%s: case '%s': revision %zu does not parse", file, name, n);
		}
		rp[n] = &revs[n];
		p = next;
	}
	assert_true(n > 0);
	assert_int_equal(cmig_lint_chain(rp, n, &o, &d), CMIG_OK);
	for (size_t i = 0; i < d.n; i++)
		if (d.items[i].severity == CMIG_DIAG_WARNING) {
			assert_non_null(d.items[i].kind);
			/* every message starts with its code and names a lock or the failure */
			assert_int_equal(strncmp(d.items[i].message, d.items[i].kind, strlen(d.items[i].kind)), 0);
			if (strcmp(d.items[i].kind, "lint-ignore"))
				assert_non_null(d.items[i].hint);
			add_line(&got, "%s:%u %s", d.items[i].path, d.items[i].line, d.items[i].kind);
		}
	sorted_lines(&a, want.items, want.n);
	sorted_lines(&b, got.items, got.n);
	if (strcmp(a.ptr ? a.ptr : "", b.ptr ? b.ptr : "")) {
		for (size_t i = 0; i < d.n; i++)
			fprintf(stderr, "  %s:%u: %s\n", d.items[i].path, d.items[i].line, d.items[i].message);
		fail_msg("%s: case '%s' [%s]\n--- expected\n%s--- got\n%s", file, name, opts,
		         a.ptr ? a.ptr : "", b.ptr ? b.ptr : "");
	}
	for (size_t i = 0; i < n; i++)
		cmig_revfile_release(&revs[i]);
	cmig_buf_release(&a);
	cmig_buf_release(&b);
	cmig_diags_release(&d);
	cmig_diags_release(&pd);
}

static size_t cases_run;

static void run_file(const char *path)
{
	size_t len;
	char *text = datacase_slurp(path, &len);
	char *p;
	assert_non_null(text);
	p = strstr(text, "=== ");
	while (p) {
		char *eol = strchr(p, '\n'), *next, name[256], opts[256] = "";
		char *body, *br;
		assert_non_null(eol);
		next = strstr(eol, "\n=== ");
		snprintf(name, sizeof(name), "%.*s", (int)(eol - p - 4), p + 4);
		if ((br = strchr(name, '['))) {
			snprintf(opts, sizeof(opts), "%s", br);
			*br = 0;
		}
		body = strndup(eol + 1, next ? (size_t)(next + 1 - (eol + 1)) : strlen(eol + 1));
		run_case(path, name, opts, body);
		free(body);
		cases_run++;
		p = next ? next + 1 : NULL;
	}
	free(text);
}

static void test_data_cases(void **state)
{
	struct dirent **ents;
	int n = scandir(DATA_DIR, &ents, NULL, alphasort);
	(void)state;
	assert_true(n > 0);
	for (int i = 0; i < n; i++) {
		size_t l = strlen(ents[i]->d_name);
		if (l > 4 && !strcmp(ents[i]->d_name + l - 4, ".txt")) {
			char path[1024];
			snprintf(path, sizeof(path), "%s/%s", DATA_DIR, ents[i]->d_name);
			run_file(path);
		}
		free(ents[i]);
	}
	free(ents);
	assert_true(cases_run >= 40);
}

/* An unknown code in an ignore line or header is a warning naming it, and silences nothing. */
static void test_unknown_ignore_code(void **state)
{
	const char *src = "-- revision: a\n-- down_revision:\n-- lint-ignore: lint-drop, lint-bogus\n"
	                  "-- migrate:up\n"
	                  "-- cmig:lint-ignore lint-nope\n"
	                  "CREATE INDEX i ON t (a);\n"
	                  "DROP TABLE u;\n";
	struct cmig_revfile r;
	const struct cmig_revfile *rp = &r;
	struct cmig_lint_options o = { CMIG_LINT_POSTGRESQL, CMIG_DIALECT_ANY, 15, true, false, -1 };
	cmig_diags d = CMIG_DIAGS_INIT;
	bool bogus = false, nope = false, index = false;
	(void)state;
	assert_int_equal(cmig_revfile_parse(&r, "a.sql", NULL, strdup(src), strlen(src), &d), CMIG_OK);
	for (size_t i = 0; i < d.n; i++)   /* lint-ignore is a known header */
		assert_string_not_equal(d.items[i].kind, "unknown-header");
	cmig_diags_release(&d);
	cmig_diags_init(&d, NULL, NULL);
	assert_int_equal(cmig_lint_chain(&rp, 1, &o, &d), CMIG_OK);
	for (size_t i = 0; i < d.n; i++) {
		const cmig_diag *x = &d.items[i];
		assert_int_equal(x->severity, CMIG_DIAG_WARNING);
		if (!strcmp(x->kind, "lint-ignore") && strstr(x->message, "'lint-bogus'") && x->line == 3)
			bogus = true;
		else if (!strcmp(x->kind, "lint-ignore") && strstr(x->message, "'lint-nope'") && x->line == 5)
			nope = true;
		else if (!strcmp(x->kind, "lint-index-not-concurrent") && x->line == 6)
			index = true;
		else
			fail_msg("unexpected %s:%u: %s", x->path, x->line, x->message);   /* lint-drop silenced */
	}
	assert_true(bogus && nope && index);
	assert_int_equal(d.n, 3);
	cmig_revfile_release(&r);
	cmig_diags_release(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_data_cases),
		cmocka_unit_test(test_unknown_ignore_code),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
