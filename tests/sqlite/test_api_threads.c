/*
 * test_api_threads.c - one project per thread is safe (issue 11, docs/embedding.md): eight
 * threads, each with its own project and SQLite database, all started together, each upgrades
 * to head, checks, downgrades to base and upgrades again, while also asking for
 * cmig_version_string() (the lazily filled static buffers of api.c and backend.c). Half the
 * threads read versions/ from disk, half use embedded files. Every thread must finish at head
 * with its own version row. Then eight threads share one project opened from versions/ (whose
 * texts are read again on first use, under one lock). Then eight threads compare schemas
 * (cmig_diff, cmig_revision_autogenerate), each call running a second thread of its own.
 * scripts/test.sh runs it under ThreadSanitizer too, which fails it on any data race.
 *
 * Paths are absolute (the working directory is shared by threads); only the schema test reads
 * a cmig.yaml, its own, by an absolute config_path.
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

/* Schema comparison in every thread at once (issue 13): cmig_diff and
 * cmig_revision_autogenerate load the head and the declared schema side by side on a thread
 * of their own (runtime/autogen.c), so each call here runs two threads. Each project declares
 * its head's dump plus one table: diff finds it (from the chain and from the database),
 * autogenerate writes the revision after proving it, and the project opened again agrees. */
struct auto_job {
	char dir[128], yaml[160], schema[160];
	int rc;
	const char *failed_at;
	size_t found, found_db, after;
};

static int write_text(const char *path, const char *a, const char *b)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return CMIG_ERROR;
	fputs(a, f);
	fputs(b, f);
	return fclose(f) == 0 ? CMIG_OK : CMIG_ERROR;
}

/* errors go to stderr, so that a failing thread says what failed */
static void print_diag(const cmig_diag *g, void *payload)
{
	if (g->severity == CMIG_DIAG_ERROR)
		fprintf(stderr, "%s: %s%s%s\n", (const char *)payload, g->path ? g->path : "",
		        g->path ? ": " : "", g->message);
}

static void *run_autogenerate(void *arg)
{
	struct auto_job *j = arg;
	cmig_open_options oo = CMIG_OPEN_OPTIONS_INIT;
	cmig_run_options ro = CMIG_RUN_OPTIONS_INIT;
	cmig_schema_options so = CMIG_SCHEMA_OPTIONS_INIT;
	cmig_project *p = NULL;
	char *dump = NULL, *path = NULL;

	oo.flags = CMIG_OPEN_CONFIG_REQUIRED;
	oo.config_path = j->yaml;
	oo.on_diag = ro.on_diag = so.on_diag = print_diag;
	oo.payload = ro.payload = so.payload = j->dir;
	pthread_barrier_wait(&start);
	STEP("open", cmig_project_open(&p, &oo));
	ro.target = "head";
	STEP("upgrade", cmig_upgrade(NULL, p, &ro));
	STEP("dump", cmig_dump(&dump, p, &ro));
	STEP("schema.sql", write_text(j->schema, dump,
	                              "\nCREATE TABLE extra (id INTEGER PRIMARY KEY, note TEXT);\n"));
	STEP("diff", cmig_diff(&j->found, p, &so));
	so.flags = CMIG_SCHEMA_FROM_DB;
	STEP("diff --from-db", cmig_diff(&j->found_db, p, &so));
	so.flags = 0;
	so.message = "extra";
	STEP("autogenerate", cmig_revision_autogenerate(&path, p, &so));
	if (!path) {
		j->rc = CMIG_ERROR;
		j->failed_at = "autogenerate wrote nothing";
		goto out;
	}
	cmig_project_free(p);
	p = NULL;
	STEP("open again", cmig_project_open(&p, &oo));
	so.message = NULL;
	STEP("diff again", cmig_diff(&j->after, p, &so));
out:
	cmig_free(dump);
	cmig_free(path);
	cmig_project_free(p);
	return NULL;
}

/* snprintf that fails the test instead of truncating */
#define FMT(buf, ...) assert_true(snprintf(buf, sizeof(buf), __VA_ARGS__) < (int)sizeof(buf))

static void test_api_threads_autogenerate(void **state)
{
	static struct auto_job jobs[NTHREADS];
	pthread_t t[NTHREADS];
	char text[512], path[256], yaml[512];
	(void)state;

	FMT(root, "/tmp/cmig-test-threads-XXXXXX");
	assert_non_null(mkdtemp(root));
	for (int k = 0; k < NTHREADS; k++) {
		struct auto_job *j = &jobs[k];
		FMT(j->dir, "%s/p%d", root, k);
		FMT(j->yaml, "%s/p%d/cmig.yaml", root, k);
		FMT(j->schema, "%s/p%d/schema.sql", root, k);
		assert_int_equal(mkdir(j->dir, 0777), 0);
		FMT(path, "%s/versions", j->dir);
		assert_int_equal(mkdir(path, 0777), 0);
		for (int i = 0; i < NREVS; i++) {
			FMT(path, "%s/versions/r%02d_step.sql", j->dir, i);
			assert_int_equal(write_text(path, rev_text(i, text, sizeof(text)), ""), CMIG_OK);
		}
		FMT(yaml,
		         "database_url: sqlite:///%s/app.db\nversions_dir: %s/versions\n"
		         "schema_file: %s\n", j->dir, j->dir, j->schema);
		assert_int_equal(write_text(j->yaml, yaml, ""), CMIG_OK);
	}
	assert_int_equal(pthread_barrier_init(&start, NULL, NTHREADS), 0);
	for (int k = 0; k < NTHREADS; k++)
		assert_int_equal(pthread_create(&t[k], NULL, run_autogenerate, &jobs[k]), 0);
	for (int k = 0; k < NTHREADS; k++)
		assert_int_equal(pthread_join(t[k], NULL), 0);
	pthread_barrier_destroy(&start);
	for (int k = 0; k < NTHREADS; k++) {
		if (jobs[k].rc != CMIG_OK)
			fail_msg("thread %d: %s: %s", k, jobs[k].failed_at, cmig_status_name(jobs[k].rc));
		assert_int_equal(jobs[k].found, 1);    /* CREATE TABLE extra */
		assert_int_equal(jobs[k].found_db, 1);
		assert_int_equal(jobs[k].after, 0);
	}
	{
		char cmd[128];
		FMT(cmd, "rm -rf '%s'", root);
		assert_int_equal(system(cmd), 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_api_threads_one_project_each),
		cmocka_unit_test(test_api_threads_one_shared_project),
		cmocka_unit_test(test_api_threads_autogenerate),
	};
	return cmocka_run_group_tests_name("api_threads", tests, NULL, NULL);
}
