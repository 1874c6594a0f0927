/*
 * test_api_threads.c - one project per thread is safe (issue 11, docs/embedding.md): eight
 * threads, each with its own project and SQLite database, all started together, each upgrades
 * to head, checks, downgrades to base and upgrades again, while also asking for
 * cmig_version_string() (the lazily filled static buffers of api.c and backend.c). Half the
 * threads read versions/ from disk, half use embedded files. Every thread must finish at head
 * with its own version row. Then eight threads share one project opened from versions/ (whose
 * texts are read again on first use, under one lock). scripts/test.sh runs it under
 * ThreadSanitizer too, which fails it on any data race.
 *
 * Paths are absolute and no cmig.yaml is read: the working directory is shared by threads.
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

#define NTHREADS 8
#define NREVS 12

static char root[64];
static pthread_barrier_t start;

static const char *rev_text(int i, char *buf, size_t size)
{
	char down[16];
	if (i == 0)
		snprintf(down, sizeof(down), "none");
	else
		snprintf(down, sizeof(down), "r%02d", i - 1);
	/* every 4th revision alters a table: SQLite batch mode (a rebuild) in every thread */
	snprintf(buf, size,
	         "-- revision: r%02d\n-- down_revision: %s\n-- message: step %d\n\n-- migrate:up\n"
	         "CREATE TABLE t%d (id INTEGER PRIMARY KEY, v TEXT);\n"
	         "INSERT INTO t%d (v) VALUES ('a'), ('b');\n%s\n\n-- migrate:down\nDROP TABLE t%d;\n",
	         i, down, i, i, i,
	         i % 4 == 3 ? "ALTER TABLE t0 ALTER COLUMN v SET NOT NULL;" : "", i);
	return buf;
}

struct job {
	int id;
	char dir[128], db[160], url[200];
	cmig_embedded_file files[NREVS];
	char texts[NREVS][512];
	char names[NREVS][32];
	int rc;
	const char *failed_at;
	size_t errors;
};

static void *run(void *arg)
{
	struct job *j = arg;
	cmig_open_options oo = CMIG_OPEN_OPTIONS_INIT;
	cmig_run_options ro = CMIG_RUN_OPTIONS_INIT;
	cmig_check_options co = CMIG_CHECK_OPTIONS_INIT;
	cmig_project *p = NULL;
	char *cur = NULL;

	oo.flags = CMIG_OPEN_NO_CONFIG_FILE;
	oo.url = j->url;
	if (j->id % 2)
		oo.versions_dir = j->dir;
	else {
		oo.files = j->files;
		oo.nfiles = NREVS;
	}
	pthread_barrier_wait(&start);
	(void)cmig_version_string();
#define STEP(what, call)                        \
	if ((j->rc = (call)) != CMIG_OK) {      \
		j->failed_at = what;            \
		goto out;                       \
	}
	STEP("open", cmig_project_open(&p, &oo));
	(void)cmig_version_string();
	ro.target = "head";
	STEP("upgrade", cmig_upgrade(NULL, p, &ro));
	co.flags = CMIG_CHECK_WITH_DATABASE;
	STEP("check", cmig_check(&j->errors, NULL, p, &co));
	ro.target = "base";
	STEP("downgrade", cmig_downgrade(p, &ro));
	ro.target = "head";
	STEP("upgrade again", cmig_upgrade(NULL, p, &ro));
	STEP("current", cmig_current(&cur, p, &ro));
	if (!cur || strcmp(cur, "r11") != 0) {
		j->rc = CMIG_ERROR;
		j->failed_at = "current is not r11";
	}
out:
	cmig_free(cur);
	cmig_project_free(p);
	return NULL;
}

static char *db_value(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	char *v = NULL;
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		v = strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

static void test_api_threads_one_project_each(void **state)
{
	static struct job jobs[NTHREADS];
	pthread_t t[NTHREADS];
	(void)state;

	snprintf(root, sizeof(root), "/tmp/cmig-test-threads-XXXXXX");
	assert_non_null(mkdtemp(root));
	for (int k = 0; k < NTHREADS; k++) {
		struct job *j = &jobs[k];
		j->id = k;
		snprintf(j->dir, sizeof(j->dir), "%s/v%d", root, k);
		snprintf(j->db, sizeof(j->db), "%s/db%d.sqlite", root, k);
		snprintf(j->url, sizeof(j->url), "sqlite:///%s/db%d.sqlite", root, k);
		assert_int_equal(mkdir(j->dir, 0777), 0);
		for (int i = 0; i < NREVS; i++) {
			char path[200];
			FILE *f;
			rev_text(i, j->texts[i], sizeof(j->texts[i]));
			snprintf(j->names[i], sizeof(j->names[i]), "r%02d_step.sql", i);
			j->files[i].name = j->names[i];
			j->files[i].text = j->texts[i];
			j->files[i].len = strlen(j->texts[i]);
			snprintf(path, sizeof(path), "%s/%s", j->dir, j->names[i]);
			assert_non_null(f = fopen(path, "w"));
			assert_true(fputs(j->texts[i], f) >= 0);
			assert_int_equal(fclose(f), 0);
		}
	}
	assert_int_equal(pthread_barrier_init(&start, NULL, NTHREADS), 0);
	for (int k = 0; k < NTHREADS; k++)
		assert_int_equal(pthread_create(&t[k], NULL, run, &jobs[k]), 0);
	for (int k = 0; k < NTHREADS; k++)
		assert_int_equal(pthread_join(t[k], NULL), 0);
	pthread_barrier_destroy(&start);
	for (int k = 0; k < NTHREADS; k++) {
		char *v = db_value(jobs[k].db, "SELECT version_num FROM cmig_version");
		char *ups = db_value(jobs[k].db, "SELECT count(*) FROM cmig_history WHERE direction = 'up'");
		if (jobs[k].rc != CMIG_OK)
			fail_msg("thread %d: %s: %s", k, jobs[k].failed_at, cmig_status_name(jobs[k].rc));
		assert_int_equal(jobs[k].errors, 0);
		assert_non_null(v);
		assert_string_equal(v, "r11");
		assert_non_null(ups);
		assert_string_equal(ups, "24");     /* 12 up, 12 down, 12 up again */
		free(v);
		free(ups);
	}
	assert_non_null(strstr(cmig_version_string(), "sqlite "));
	{
		char cmd[128];
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
		assert_int_equal(system(cmd), 0);
	}
}

/* One project shared by every thread (SPEC §11, as `cmig --urls` runs it), opened from
 * versions/: its files keep no text, and the first run that needs a revision reads it again
 * (revfile.h, issue 11), while other threads read the same revision. Each thread upgrades
 * its own database, reads every revision's text, downgrades and upgrades again. */
struct shared_job {
	cmig_project *p;
	const struct job *files;   /* the texts written */
	char url[200], db[160];
	int rc;
	const char *failed_at;
};

static void *run_shared(void *arg)
{
	struct shared_job *j = arg;
	cmig_run_options ro = CMIG_RUN_OPTIONS_INIT;
	ro.url = j->url;
	pthread_barrier_wait(&start);
	ro.target = "head";
	STEP("upgrade", cmig_upgrade(NULL, j->p, &ro));
	for (int i = 0; i < NREVS; i++) {
		const cmig_revision *r = NULL;
		const char *text;
		size_t len;
		char id[8];
		snprintf(id, sizeof(id), "r%02d", i);
		STEP("find", cmig_project_find(&r, j->p, id));
		text = r ? cmig_revision_text(&len, r) : NULL;
		if (!text || len != strlen(j->files->texts[i]) || memcmp(text, j->files->texts[i], len)) {
			j->rc = CMIG_ERROR;
			j->failed_at = "a revision's text is not its file's";
			goto out;
		}
	}
	ro.target = "base";
	STEP("downgrade", cmig_downgrade(j->p, &ro));
	ro.target = "head";
	STEP("upgrade again", cmig_upgrade(NULL, j->p, &ro));
out:
	return NULL;
}

static void test_api_threads_one_shared_project(void **state)
{
	static struct job files;
	static struct shared_job jobs[NTHREADS];
	cmig_open_options oo = CMIG_OPEN_OPTIONS_INIT;
	cmig_project *p = NULL;
	pthread_t t[NTHREADS];
	(void)state;

	snprintf(root, sizeof(root), "/tmp/cmig-test-threads-XXXXXX");
	assert_non_null(mkdtemp(root));
	snprintf(files.dir, sizeof(files.dir), "%s/versions", root);
	assert_int_equal(mkdir(files.dir, 0777), 0);
	for (int i = 0; i < NREVS; i++) {
		char path[200];
		FILE *f;
		rev_text(i, files.texts[i], sizeof(files.texts[i]));
		snprintf(path, sizeof(path), "%s/r%02d_step.sql", files.dir, i);
		assert_non_null(f = fopen(path, "w"));
		assert_true(fputs(files.texts[i], f) >= 0);
		assert_int_equal(fclose(f), 0);
	}
	oo.flags = CMIG_OPEN_NO_CONFIG_FILE;
	oo.versions_dir = files.dir;
	assert_int_equal(cmig_project_open(&p, &oo), CMIG_OK);
	assert_int_equal(pthread_barrier_init(&start, NULL, NTHREADS), 0);
	for (int k = 0; k < NTHREADS; k++) {
		jobs[k].p = p;
		jobs[k].files = &files;
		snprintf(jobs[k].db, sizeof(jobs[k].db), "%s/db%d.sqlite", root, k);
		snprintf(jobs[k].url, sizeof(jobs[k].url), "sqlite:///%s/db%d.sqlite", root, k);
		assert_int_equal(pthread_create(&t[k], NULL, run_shared, &jobs[k]), 0);
	}
	for (int k = 0; k < NTHREADS; k++)
		assert_int_equal(pthread_join(t[k], NULL), 0);
	pthread_barrier_destroy(&start);
	cmig_project_free(p);
	for (int k = 0; k < NTHREADS; k++) {
		char *v = db_value(jobs[k].db, "SELECT version_num FROM cmig_version");
		char *ups = db_value(jobs[k].db, "SELECT count(*) FROM cmig_history WHERE direction = 'up'");
		if (jobs[k].rc != CMIG_OK)
			fail_msg("thread %d: %s: %s", k, jobs[k].failed_at, cmig_status_name(jobs[k].rc));
		assert_non_null(v);
		assert_string_equal(v, "r11");
		assert_non_null(ups);
		assert_string_equal(ups, "24");
		free(v);
		free(ups);
	}
	{
		char cmd[128];
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
		assert_int_equal(system(cmd), 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_api_threads_one_project_each),
		cmocka_unit_test(test_api_threads_one_shared_project),
	};
	return cmocka_run_group_tests_name("api_threads", tests, NULL, NULL);
}
