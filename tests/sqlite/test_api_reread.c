/*
 * test_api_reread.c - a project opened from versions/ keeps no file's text (issue 11: memory
 * that grows with the chain); the text of a revision is read again when it is run or shown,
 * and must be the bytes parsed when the project was opened. Through <cmig/cmig.h>, on real
 * files and a real SQLite database, read back with sqlite3 itself.
 *
 * What it proves: an upgrade after a chdir still finds its files (the directory is kept
 * absolute) and applies exactly them; a file edited, replaced by one of the same length, or
 * removed after the open is refused with "PATH: error: file changed while cmig was running"
 * before the first change, the database left at its revision with no new
 * history row; cmig_revision_text gives the bytes, or NULL for a changed file.
 */
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

#include "tmpdir.h"

#include "cmig/cmig.h"

static int setup(void **state) { return tmpdir_setup(state, "reread"); }
static int teardown(void **state) { return tmpdir_teardown(state); }

/* "PATH: message" of every error, one a line */
struct errors {
	char text[4096];
	int n;
};

static void on_diag(const cmig_diag *d, void *payload)
{
	struct errors *e = payload;
	size_t n = strlen(e->text);
	if (d->severity != CMIG_DIAG_ERROR)
		return;
	e->n++;
	snprintf(e->text + n, sizeof(e->text) - n, "%s: %s\n", d->path ? d->path : "-", d->message);
}

static const char *const IDS[] = { "a1", "b2", "c3" };

/* versions/<id>.sql: up creates t_<id>, down drops it; parent: the one before in IDS */
static void rev_text(char *out, size_t cap, int i, const char *table)
{
	snprintf(out, cap, "-- revision: %s\n-- down_revision: %s\n-- message: add %s\n\n"
	         "-- migrate:up\nCREATE TABLE %s (id INTEGER PRIMARY KEY);\n\n"
	         "-- migrate:down\nDROP TABLE %s;\n",
	         IDS[i], i ? IDS[i - 1] : "none", table, table, table);
}

static void write_rev(int i, const char *table)
{
	char path[64], text[512];
	snprintf(path, sizeof(path), "versions/%s.sql", IDS[i]);
	rev_text(text, sizeof(text), i, table);
	assert_int_equal(tmpdir_write_file(path, text), 0);
}

/* cmig.yaml and versions/ in the cwd; the database URL is absolute (tests chdir) */
static void make_project(char *url, size_t cap)
{
	char cwd[1024];
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	snprintf(url, cap, "sqlite:///%s/test.db", cwd);
	assert_int_equal(mkdir("versions", 0777), 0);
	assert_int_equal(tmpdir_write_file("cmig.yaml", "versions_dir: versions\n"), 0);
	write_rev(0, "t_a1");
	write_rev(1, "t_b2");
	write_rev(2, "t_c3");
}

static int open_project(cmig_project **p, struct errors *e, const char *url)
{
	cmig_open_options o = CMIG_OPEN_OPTIONS_INIT;
	o.config_path = "cmig.yaml";
	o.url = url;
	o.on_diag = on_diag;
	o.payload = e;
	return cmig_project_open(p, &o);
}

static int upgrade(cmig_project *p, struct errors *e, const char *target)
{
	cmig_run_options o = CMIG_RUN_OPTIONS_INIT;
	o.target = target;
	o.on_diag = on_diag;
	o.payload = e;
	return cmig_upgrade(NULL, p, &o);
}

/* One value from the database with sqlite3 itself ("" for no row or NULL). */
static void db_value(char *out, size_t cap, const char *url, const char *sql)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	const char *path = url + strlen("sqlite://");
	snprintf(out, cap, "ERROR");
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
		int rc = sqlite3_step(st);
		const unsigned char *v = rc == SQLITE_ROW ? sqlite3_column_text(st, 0) : NULL;
		if (rc == SQLITE_ROW)
			snprintf(out, cap, "%s", v ? (const char *)v : "");
		else if (rc == SQLITE_DONE)
			snprintf(out, cap, "%s", "");
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
}

static void assert_db(const char *url, const char *sql, const char *want)
{
	char got[256];
	db_value(got, sizeof(got), url, sql);
	assert_string_equal(got, want);
}

static const cmig_revision *find(cmig_project *p, const char *id)
{
	const cmig_revision *r = NULL;
	assert_int_equal(cmig_project_find(&r, p, id), CMIG_OK);
	assert_non_null(r);
	return r;
}

/* The files are read again after a chdir: the versions directory was made absolute. */
static void test_reread_upgrade_after_chdir_applies_the_files(void **state)
{
	struct tmpdir *t = *state;
	struct errors e = { { 0 }, 0 };
	cmig_project *p = NULL;
	char url[1200], want[512];
	const char *text;
	size_t len = 99;

	make_project(url, sizeof(url));
	assert_int_equal(open_project(&p, &e, url), CMIG_OK);
	assert_int_equal(mkdir("elsewhere", 0777), 0);
	assert_int_equal(chdir("elsewhere"), 0);
	assert_int_equal(upgrade(p, &e, "head"), CMIG_OK);
	assert_int_equal(e.n, 0);
	assert_db(url, "SELECT version_num FROM cmig_version", "c3");
	assert_db(url, "SELECT count(*) FROM sqlite_master WHERE name IN ('t_a1', 't_b2', 't_c3')", "3");
	assert_db(url, "SELECT count(*) FROM cmig_history "
	               "WHERE direction = 'up' AND length(checksum) = 64", "3");
	text = cmig_revision_text(&len, find(p, "b2"));
	rev_text(want, sizeof(want), 1, "t_b2");
	assert_non_null(text);
	assert_int_equal(len, strlen(want));
	assert_string_equal(text, want);
	cmig_project_free(p);
	assert_int_equal(chdir(t->dir), 0);
}

/* A file edited after the open (here c3, the last of the plan) stops the upgrade before its
 * first step: nothing of a1 or b2 runs either. Same length or not; removed too. */
static void test_reread_changed_file_refused_before_any_change(void **state)
{
	struct errors e = { { 0 }, 0 };
	cmig_project *p = NULL;
	char url[1200];

	(void)state;
	make_project(url, sizeof(url));
	assert_int_equal(open_project(&p, &e, url), CMIG_OK);
	assert_int_equal(upgrade(p, &e, "a1"), CMIG_OK);
	assert_db(url, "SELECT version_num FROM cmig_version", "a1");

	/* the same length: t_c3 -> t_x3 */
	write_rev(2, "t_x3");
	assert_int_equal(upgrade(p, &e, "head"), CMIG_ERROR);
	assert_string_equal(e.text, "versions/c3.sql: file changed while cmig was running\n");
	assert_db(url, "SELECT version_num FROM cmig_version", "a1");
	assert_db(url, "SELECT count(*) FROM sqlite_master WHERE name IN ('t_b2', 't_c3', 't_x3')", "0");
	assert_db(url, "SELECT count(*) FROM cmig_history", "1");
	assert_null(cmig_revision_text(NULL, find(p, "c3")));

	/* another length */
	memset(&e, 0, sizeof(e));
	write_rev(2, "t_longer_name");
	assert_int_equal(upgrade(p, &e, "head"), CMIG_ERROR);
	assert_string_equal(e.text, "versions/c3.sql: file changed while cmig was running\n");

	/* removed, and still nothing run */
	memset(&e, 0, sizeof(e));
	assert_int_equal(unlink("versions/c3.sql"), 0);
	assert_int_equal(upgrade(p, &e, "head"), CMIG_ERROR);
	assert_string_equal(e.text,
	                    "versions/c3.sql: file changed while cmig was running: it was removed\n");
	assert_db(url, "SELECT version_num FROM cmig_version", "a1");
	assert_db(url, "SELECT count(*) FROM cmig_history", "1");

	/* the bytes parsed, back again: the upgrade runs (b2 was loaded by the plans above) */
	memset(&e, 0, sizeof(e));
	write_rev(2, "t_c3");
	assert_int_equal(upgrade(p, &e, "head"), CMIG_OK);
	assert_int_equal(e.n, 0);
	assert_db(url, "SELECT version_num FROM cmig_version", "c3");
	assert_db(url, "SELECT count(*) FROM sqlite_master WHERE name IN ('t_b2', 't_c3')", "2");
	cmig_project_free(p);
}

/* A downgrade reads the down section again the same way. */
static void test_reread_changed_down_section_refused(void **state)
{
	struct errors e = { { 0 }, 0 };
	cmig_project *p = NULL;
	cmig_run_options o = CMIG_RUN_OPTIONS_INIT;
	char url[1200];
	FILE *f;

	(void)state;
	make_project(url, sizeof(url));
	assert_int_equal(open_project(&p, &e, url), CMIG_OK);
	assert_int_equal(upgrade(p, &e, "head"), CMIG_OK);
	cmig_project_free(p);
	assert_int_equal(open_project(&p, &e, url), CMIG_OK);
	f = fopen("versions/b2.sql", "ab");
	assert_non_null(f);
	fputs("DROP TABLE t_a1;\n", f);
	assert_int_equal(fclose(f), 0);
	o.target = "base";
	o.on_diag = on_diag;
	o.payload = &e;
	assert_int_equal(cmig_downgrade(p, &o), CMIG_ERROR);
	assert_string_equal(e.text, "versions/b2.sql: file changed while cmig was running\n");
	assert_db(url, "SELECT version_num FROM cmig_version", "c3");
	assert_db(url, "SELECT count(*) FROM sqlite_master WHERE name IN ('t_a1', 't_b2', 't_c3')", "3");
	assert_db(url, "SELECT count(*) FROM cmig_history", "3");
	cmig_project_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_reread_upgrade_after_chdir_applies_the_files),
		T(test_reread_changed_file_refused_before_any_change),
		T(test_reread_changed_down_section_refused),
	};
	return cmocka_run_group_tests_name("api_reread", tests, NULL, NULL);
}
