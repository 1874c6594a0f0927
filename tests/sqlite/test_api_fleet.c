/*
 * test_api_fleet.c - the library side of SPEC §11 through <cmig/cmig.h>, on real SQLite
 * files: one open project, many databases via cmig_run_options.url from several threads at
 * once (each its own database), cmig_run_result filled in, cmig_check_options.url checking
 * one database only, cmig_url_describe's display and identity, and a version-1 options
 * struct whose url is never read. Databases are read back with sqlite3 directly.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include <sqlite3.h>

#include "cmig/cmig.h"

#define NDB 24
#define NTHREADS 6

struct fixture {
	char old_cwd[4096];
	char dir[64];
	cmig_project *p;
};

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_true(fputs(text, f) >= 0);
	assert_int_equal(fclose(f), 0);
}

static int setup(void **state)
{
	struct fixture *x = calloc(1, sizeof(*x));
	cmig_open_options o = CMIG_OPEN_OPTIONS_INIT;
	if (!x || !getcwd(x->old_cwd, sizeof(x->old_cwd)))
		return -1;
	snprintf(x->dir, sizeof(x->dir), "/tmp/cmig-test-fleet-XXXXXX");
	if (!mkdtemp(x->dir) || chdir(x->dir) != 0 || mkdir("versions", 0755) != 0)
		return -1;
	write_file("cmig.yaml", "database_url: sqlite:///project.db\n");
	write_file("versions/a1_one.sql", "-- revision: a1\n-- down_revision:\n\n-- migrate:up\n"
	           "CREATE TABLE one (id INTEGER);\n-- migrate:down\nDROP TABLE one;\n");
	write_file("versions/b2_two.sql", "-- revision: b2\n-- down_revision: a1\n\n-- migrate:up\n"
	           "CREATE TABLE two (id INTEGER);\n-- migrate:down\nDROP TABLE two;\n");
	if (cmig_project_open(&x->p, &o) != CMIG_OK)
		return -1;
	*state = x;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *x = *state;
	char cmd[128];
	cmig_project_free(x->p);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", x->dir);
	if (chdir(x->old_cwd) != 0 || system(cmd) != 0)
		return -1;
	free(x);
	return 0;
}

static char *version_of(const char *path)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	char *v = NULL;
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	if (sqlite3_prepare_v2(db, "SELECT version_num FROM cmig_version", -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			v = strdup((const char *)sqlite3_column_text(st, 0));
		sqlite3_finalize(st);
	}
	sqlite3_close(db);
	return v;
}

struct job {
	cmig_project *p;
	int first, step;       /* databases first, first+step, ... */
	const char *target;
	int failures;
	size_t steps[NDB];
	char *before[NDB], *after[NDB];
};

static void *run_jobs(void *arg)
{
	struct job *j = arg;
	for (int i = j->first; i < NDB; i += j->step) {
		cmig_run_options o = CMIG_RUN_OPTIONS_INIT;
		cmig_run_result r = { 0 };
		char url[64];
		snprintf(url, sizeof(url), "sqlite:///db%02d.db", i);
		o.url = url;
		o.result = &r;
		o.target = j->target;
		if (cmig_upgrade(NULL, j->p, &o) != CMIG_OK || !r.known)
			j->failures++;
		j->steps[i] = r.steps;
		j->before[i] = r.before ? strdup(r.before) : NULL;
		j->after[i] = r.after ? strdup(r.after) : NULL;
		cmig_run_result_release(&r);
	}
	return NULL;
}

/* Several threads, one project, each database upgraded once; then all at head again. */
static void test_threads_share_one_project(void **state)
{
	struct fixture *x = *state;
	for (int round = 0; round < 2; round++) {
		pthread_t t[NTHREADS];
		struct job *jobs = calloc(NTHREADS, sizeof(*jobs));
		assert_non_null(jobs);
		for (int k = 0; k < NTHREADS; k++) {
			jobs[k].p = x->p;
			jobs[k].first = k;
			jobs[k].step = NTHREADS;
			jobs[k].target = "head";
			assert_int_equal(pthread_create(&t[k], NULL, run_jobs, &jobs[k]), 0);
		}
		for (int k = 0; k < NTHREADS; k++)
			assert_int_equal(pthread_join(t[k], NULL), 0);
		for (int i = 0; i < NDB; i++) {
			struct job *j = &jobs[i % NTHREADS];
			char path[32], *v;
			assert_int_equal(j->failures, 0);
			assert_int_equal(j->steps[i], round == 0 ? 2 : 0);
			if (round == 0)
				assert_null(j->before[i]);
			else
				assert_string_equal(j->before[i], "b2");
			assert_string_equal(j->after[i], "b2");
			snprintf(path, sizeof(path), "db%02d.db", i);
			v = version_of(path);
			assert_non_null(v);
			assert_string_equal(v, "b2");
			free(v);
			free(j->before[i]);
			free(j->after[i]);
		}
		free(jobs);
	}
	/* the project's own database was never touched */
	assert_int_equal(access("project.db", F_OK), -1);
}

/* Results of current, stamp, a failure before the revision is read, and check with url. */
static void test_results_and_check_url(void **state)
{
	struct fixture *x = *state;
	cmig_run_options o = CMIG_RUN_OPTIONS_INIT;
	cmig_check_options co = CMIG_CHECK_OPTIONS_INIT;
	cmig_run_result r = { 0 };
	char *cur = NULL;
	size_t errors = 9;

	o.url = "sqlite:///s.db";
	o.result = &r;
	o.target = "a1";
	assert_int_equal(cmig_stamp(x->p, &o), CMIG_OK);
	assert_true(r.known);
	assert_null(r.before);
	assert_string_equal(r.after, "a1");
	assert_int_equal(r.steps, 1);
	assert_int_equal(cmig_current(&cur, x->p, &o), CMIG_OK);
	assert_string_equal(cur, "a1");
	assert_string_equal(r.before, "a1");
	assert_int_equal(r.steps, 1); /* b2 pending */
	cmig_free(cur);
	cmig_run_result_release(&r);
	assert_null(r.before);

	co.url = "sqlite:///s.db";
	co.result = &r;
	co.flags = CMIG_CHECK_WITH_DATABASE;
	assert_int_equal(cmig_check(&errors, NULL, x->p, &co), CMIG_OK);
	assert_int_equal(errors, 0);
	assert_string_equal(r.before, "a1");
	assert_int_equal(r.steps, 1);
	cmig_run_result_release(&r);

	/* a directory is no database: the run fails before the revision is read */
	assert_int_equal(mkdir("adir.db", 0755), 0);
	o.url = "sqlite:///adir.db";
	o.target = "head";
	assert_int_not_equal(cmig_upgrade(NULL, x->p, &o), CMIG_OK);
	assert_false(r.known);
	cmig_run_result_release(&r);

	/* a bad URL is an error of that run only */
	o.url = "mysql://nowhere/x";
	assert_int_equal(cmig_upgrade(NULL, x->p, &o), CMIG_ERROR);
}

/* A version-1 struct ends before url: the library never reads it. */
static void test_version1_ignores_url(void **state)
{
	struct fixture *x = *state;
	cmig_run_options o = CMIG_RUN_OPTIONS_INIT;
	o.version = 1;
	o.url = "sqlite:///elsewhere.db";
	assert_int_equal(cmig_upgrade(NULL, x->p, &o), CMIG_OK);
	assert_int_equal(access("elsewhere.db", F_OK), -1);
	assert_int_equal(access("project.db", F_OK), 0);
}

static int diags;
static void count_diag(const cmig_diag *d, void *payload)
{
	(void)payload;
	assert_null(strstr(d->message, "s3cret"));
	diags++;
}

static void test_url_describe(void **state)
{
	char *disp = NULL, *id1 = NULL, *id2 = NULL;
	(void)state;
	write_file("same.db", "");
	assert_int_equal(cmig_url_describe(&disp, &id1, "sqlite:///same.db", NULL, NULL), CMIG_OK);
	assert_string_equal(disp, "sqlite:///same.db");
	cmig_free(disp);
	assert_int_equal(cmig_url_describe(&disp, &id2, "sqlite:///./same.db", NULL, NULL), CMIG_OK);
	assert_string_equal(id1, id2);
	cmig_free(disp);
	cmig_free(id1);
	cmig_free(id2);

	assert_int_equal(cmig_url_describe(&disp, &id1,
	                 "postgresql://u:s3cret@h:5433/shop?schema=t1", NULL, NULL), CMIG_OK);
	assert_string_equal(disp, "postgresql://u:***@h:5433/shop?schema=t1");
	assert_null(strstr(id1, "s3cret"));
	cmig_free(disp);
	assert_int_equal(cmig_url_describe(&disp, &id2, "postgresql://h:5433/shop?schema=t2&user=u",
	                 NULL, NULL), CMIG_OK);
	assert_string_not_equal(id1, id2); /* another schema: another database */
	cmig_free(disp);
	cmig_free(id2);
	assert_int_equal(cmig_url_describe(&disp, &id2, "postgres://u@h:5433/shop?schema=t1", NULL,
	                 NULL), CMIG_OK);
	assert_string_equal(id1, id2);
	cmig_free(disp);
	cmig_free(id1);
	cmig_free(id2);

	diags = 0;
	assert_int_equal(cmig_url_describe(&disp, &id1, "ftp://u:s3cret@x/y", count_diag, NULL), CMIG_ERROR);
	assert_null(disp);
	assert_null(id1);
	assert_int_equal(diags, 1);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_threads_share_one_project),
		T(test_results_and_check_url),
		T(test_version1_ignores_url),
		T(test_url_describe),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
