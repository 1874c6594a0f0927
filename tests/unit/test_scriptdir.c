/*
 * test_scriptdir.c - project/scriptdir.c: versions/ -> parsed files -> chain.
 *
 * Tests run in a fresh temporary directory (the cwd), so shown paths are "versions/…" as
 * SPEC §3 prints them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "tmpfix.h"

#include "buf.h"
#include "fs.h"
#include "scriptdir.h"

struct fixture {
	struct tmpdir tmp;
	struct cmig_scriptdir s;
	cmig_diags d;
};

static int setup(void **state)
{
	return tmpfix_setup(state, "scriptdir", sizeof(struct fixture), offsetof(struct fixture, d));
}

static int teardown(void **state)
{
	struct fixture *x = *state;
	cmig_scriptdir_release(&x->s);
	return tmpfix_teardown(state, offsetof(struct fixture, d));
}

/* A migration: revision on line 1, down_revision on line 2. */
static char *migration(const char *id, const char *down)
{
	return cmig_asprintf("-- revision: %s\n"
	                     "-- down_revision: %s\n"
	                     "-- message: step %s\n"
	                     "\n"
	                     "-- migrate:up\n"
	                     "CREATE TABLE t_%s (id INTEGER PRIMARY KEY);\n"
	                     "\n"
	                     "-- migrate:down\n"
	                     "DROP TABLE t_%s;\n", id, down ? down : "", id, id, id);
}

static void put(const char *path, const char *text)
{
	cmig_diags d = CMIG_DIAGS_INIT;
	char *dir = cmig_path_dirname(path);
	assert_int_equal(cmig_fs_mkdirs(dir, &d), CMIG_OK);
	assert_int_equal(cmig_fs_write_new(path, text, strlen(text), &d), CMIG_OK);
	free(dir);
	cmig_diags_release(&d);
}

static void put_migration(const char *name, const char *id, const char *down)
{
	char *path = cmig_asprintf("versions/%s", name), *text = migration(id, down);
	put(path, text);
	free(path);
	free(text);
}

static bool has_diag(const cmig_diags *d, const char *path, const char *needle)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->items[i].path && !strcmp(d->items[i].path, path) &&
		    strstr(d->items[i].message, needle))
			return true;
	return false;
}

static void test_scriptdir_loads_migrations_only(void **state)
{
	struct fixture *x = *state;
	put_migration("3c4d_add_tags.sql", "3c4d", "1a2b");
	put_migration("1a2b_init.sql", "1a2b", NULL);
	put("versions/README.md", "not a migration\n");
	put("versions/.hidden.sql", "not a migration either\n");
	put("versions/notes.sql.bak", "nor this\n");
	put("versions/.sql", "nor this\n");
	assert_int_equal(cmig_scriptdir_load(&x->s, "versions", NULL, 0, &x->d), CMIG_OK);
	assert_int_equal(x->d.errors, 0);
	assert_int_equal(x->s.n, 2);
	assert_int_equal(x->s.parse_errors, 0);
	assert_string_equal(x->s.files[0].name, "1a2b_init.sql");
	assert_string_equal(x->s.files[0].path, "versions/1a2b_init.sql");
	assert_string_equal(x->s.files[1].path, "versions/3c4d_add_tags.sql");
	assert_true(x->s.chain.ok);
	assert_int_equal(x->s.chain.n, 2);
	assert_string_equal(x->s.chain.revs[0]->id, "1a2b");
	assert_string_equal(x->s.chain.revs[1]->id, "3c4d");
	assert_string_equal(x->s.dir, "versions");
}

static void test_scriptdir_absolute_dir_shown_relative(void **state)
{
	struct fixture *x = *state;
	char *abs = cmig_asprintf("%s/versions", x->tmp.dir);
	put_migration("1a2b_init.sql", "1a2b", NULL);
	assert_int_equal(cmig_scriptdir_load(&x->s, abs, NULL, 0, &x->d), CMIG_OK);
	assert_string_equal(x->s.files[0].path, "versions/1a2b_init.sql");
	free(abs);
}

static void test_scriptdir_branch_as_in_spec(void **state)
{
	struct fixture *x = *state;
	put_migration("1a2b_init.sql", "1a2b", NULL);
	put_migration("3c4d_add_tags.sql", "3c4d", "1a2b");
	put_migration("7e8f_add_flag.sql", "7e8f", "1a2b");
	assert_int_equal(cmig_scriptdir_load(&x->s, "versions", NULL, 0, &x->d), CMIG_ECHAIN);
	assert_int_equal(x->d.errors, 1);
	assert_string_equal(x->d.items[0].path, "versions/3c4d_add_tags.sql");
	assert_int_equal(x->d.items[0].line, 2);
	assert_string_equal(x->d.items[0].kind, "branch");
	assert_string_equal(x->d.items[0].message,
	                    "branch: both 3c4d (versions/3c4d_add_tags.sql) and 7e8f "
	                    "(versions/7e8f_add_flag.sql) follow 1a2b");
	/* Still filled for `check` and `heads`. */
	assert_int_equal(x->s.n, 3);
	assert_int_equal(x->s.chain.nheads, 2);
}

static void test_scriptdir_missing_dir_hints_init(void **state)
{
	struct fixture *x = *state;
	assert_int_equal(cmig_scriptdir_load(&x->s, "versions", NULL, 0, &x->d), CMIG_ENOTFOUND);
	assert_int_equal(x->d.errors, 1);
	assert_string_equal(x->d.items[0].path, "versions");
	assert_non_null(strstr(x->d.items[0].message, "does not exist"));
	assert_non_null(x->d.items[0].hint);
	assert_non_null(strstr(x->d.items[0].hint, "cmig init"));
}

static void test_scriptdir_dir_is_a_file(void **state)
{
	struct fixture *x = *state;
	put("versions", "oops\n");
	assert_int_equal(cmig_scriptdir_load(&x->s, "versions", NULL, 0, &x->d), CMIG_ERROR);
	assert_non_null(strstr(x->d.items[0].message, "not a directory"));
}

static void test_scriptdir_unreadable_entries_named(void **state)
{
	struct fixture *x = *state;
	put_migration("1a2b_init.sql", "1a2b", NULL);
	put_migration("3c4d_next.sql", "3c4d", "1a2b");
	assert_int_equal(mkdir("versions/5e6f_dir.sql", 0755), 0);
	assert_int_equal(symlink("nowhere.sql", "versions/6a7b_link.sql"), 0);
	assert_int_equal(cmig_scriptdir_load(&x->s, "versions", NULL, 0, &x->d), CMIG_ECHAIN);
	assert_int_equal(x->s.parse_errors, 2);
	assert_int_equal(x->d.errors, 2);
	assert_true(has_diag(&x->d, "versions/5e6f_dir.sql", "directory"));
	assert_true(has_diag(&x->d, "versions/6a7b_link.sql", "dangling"));
	/* The readable files are all there, and chain fine. */
	assert_int_equal(x->s.n, 2);
	assert_true(x->s.chain.ok);
}

static void test_scriptdir_parse_error_keeps_going(void **state)
{
	struct fixture *x = *state;
	put_migration("1a2b_init.sql", "1a2b", NULL);
	put("versions/2b3c_broken.sql", "-- message: no revision header\n\n-- migrate:up\nSELECT 1;\n");
	put_migration("3c4d_next.sql", "3c4d", "1a2b");
	assert_int_equal(cmig_scriptdir_load(&x->s, "versions", NULL, 0, &x->d), CMIG_ECHAIN);
	assert_int_equal(x->s.parse_errors, 1);
	assert_true(x->d.errors >= 1);
	assert_true(has_diag(&x->d, "versions/2b3c_broken.sql", ""));
	assert_int_equal(x->s.n, 3);
	assert_true(x->s.chain.ok);
	assert_int_equal(x->s.chain.n, 2);
}

static void test_scriptdir_embedded_sorted_by_name(void **state)
{
	struct fixture *x = *state;
	char *a = migration("1a2b", NULL), *b = migration("3c4d", "1a2b");
	cmig_embedded_file files[] = {
		{ "3c4d_next.sql", b, strlen(b) },
		{ "README", "x", 1 },
		{ "1a2b_init.sql", a, strlen(a) },
	};
	assert_int_equal(cmig_scriptdir_load(&x->s, NULL, files, 3, &x->d), CMIG_OK);
	assert_int_equal(x->s.n, 2);
	assert_string_equal(x->s.files[0].path, "1a2b_init.sql");
	assert_string_equal(x->s.files[1].path, "3c4d_next.sql");
	assert_true(x->s.chain.ok);
	assert_string_equal(x->s.chain.revs[1]->id, "3c4d");
	free(a);
	free(b);
}

static void test_scriptdir_100k_embedded_files_linear(void **state)
{
	struct fixture *x = *state;
	enum { N = 100000 };
	cmig_embedded_file *files = calloc(N, sizeof(*files));
	char **texts = calloc(N, sizeof(*texts)), **names = calloc(N, sizeof(*names));
	char id[16], down[16];
	clock_t t0;
	assert_non_null(files);
	assert_non_null(texts);
	assert_non_null(names);
	for (size_t i = 0; i < N; i++) {
		snprintf(id, sizeof(id), "r%06zu", i);
		snprintf(down, sizeof(down), "r%06zu", i - 1);
		texts[i] = migration(id, i ? down : NULL);
		names[i] = cmig_asprintf("%s_step.sql", id);
		files[i].name = names[i];
		files[i].text = texts[i];
		files[i].len = strlen(texts[i]);
	}
	t0 = clock();
	assert_int_equal(cmig_scriptdir_load(&x->s, NULL, files, N, &x->d), CMIG_OK);
	/* Linear: seconds at most even under sanitizers; quadratic would be hours. */
	assert_true((double)(clock() - t0) / CLOCKS_PER_SEC < 30.0);
	assert_int_equal(x->s.chain.n, N);
	assert_string_equal(x->s.chain.revs[N - 1]->id, "r099999");
	for (size_t i = 0; i < N; i++) {
		free(texts[i]);
		free(names[i]);
	}
	free(texts);
	free(names);
	free(files);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_scriptdir_loads_migrations_only),
		T(test_scriptdir_absolute_dir_shown_relative),
		T(test_scriptdir_branch_as_in_spec),
		T(test_scriptdir_missing_dir_hints_init),
		T(test_scriptdir_dir_is_a_file),
		T(test_scriptdir_unreadable_entries_named),
		T(test_scriptdir_parse_error_keeps_going),
		T(test_scriptdir_embedded_sorted_by_name),
		T(test_scriptdir_100k_embedded_files_linear),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
