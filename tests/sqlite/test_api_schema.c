/*
 * test_api_schema.c - the SPEC §8 entry points of <cmig/cmig.h> on real SQLite files:
 * cmig_schema_options_init, cmig_diff (count and SQL through on_output),
 * cmig_revision_autogenerate (a proven file; nothing when there is no difference; a refused
 * rename writes nothing) and cmig_check_schema (a hand-made change is schema-drift).
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

#include "cmig/cmig.h"
#include "tmpdir.h"


struct seen {
	int errors;
	char text[8192];
	char output[8192];
};

static void on_diag(const cmig_diag *d, void *payload)
{
	struct seen *s = payload;
	size_t n = strlen(s->text);
	if (d->severity == CMIG_DIAG_ERROR)
		s->errors++;
	snprintf(s->text + n, sizeof(s->text) - n, "%s: %s\n", d->kind ? d->kind : "-", d->message);
}

static void on_output(const char *text, size_t len, void *payload)
{
	struct seen *s = payload;
	size_t n = strlen(s->output);
	snprintf(s->output + n, sizeof(s->output) - n, "%.*s", (int)len, text);
}

static void write_file(const char *path, const char *text)
{
	assert_int_equal(tmpdir_write_file(path, text), 0);
}

static int count_files(void)
{
	int n = 0;
	char cmd[] = "ls versions | wc -l";
	FILE *p = popen(cmd, "r");
	if (p) {
		if (fscanf(p, "%d", &n) != 1)
			n = -1;
		pclose(p);
	}
	return n;
}

static int setup(void **state)
{
	if (tmpdir_setup(state, "schema") != 0)
		return -1;
	mkdir("versions", 0777);
	write_file("cmig.yaml", "database_url: sqlite:///test.db\nversions_dir: versions\n");
	write_file("versions/a1_base.sql", "-- revision: a1\n-- down_revision: none\n-- message: base\n\n"
	           "-- migrate:up\nCREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);\n\n"
	           "-- migrate:down\nDROP TABLE users;\n");
	return 0;
}

static int teardown(void **state)
{
	return tmpdir_teardown(state);
}

static cmig_project *open_project(struct seen *s)
{
	cmig_open_options o = CMIG_OPEN_OPTIONS_INIT;
	cmig_project *p = NULL;
	o.config_path = "cmig.yaml";
	o.on_diag = on_diag;
	o.payload = s;
	assert_int_equal(cmig_project_open(&p, &o), CMIG_OK);
	return p;
}

static void test_api_schema_diff_autogenerate_check(void **state)
{
	struct seen s = { 0 };
	cmig_schema_options o;
	cmig_project *p;
	size_t n = 99;
	char *path = NULL;
	const char *ren[] = { "users.name:full_name" };
	(void)state;

	assert_int_equal(cmig_schema_options_init(&o, 99), CMIG_EUSAGE);
	assert_int_equal(cmig_schema_options_init(&o, CMIG_SCHEMA_OPTIONS_VERSION), CMIG_OK);
	o.on_diag = on_diag;
	o.on_output = on_output;
	o.payload = &s;

	write_file("schema.sql", "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);\n");
	p = open_project(&s);
	assert_int_equal(cmig_diff(&n, p, &o), CMIG_OK);
	assert_int_equal(n, 0);
	assert_string_equal(s.output, "");
	o.message = "nothing";
	assert_int_equal(cmig_revision_autogenerate(&path, p, &o), CMIG_OK);
	assert_null(path); /* no difference: nothing written */
	assert_int_equal(count_files(), 1);
	cmig_project_free(p);

	/* a column renamed: refused without the rename, written with it */
	write_file("schema.sql", "CREATE TABLE users (id INTEGER PRIMARY KEY, full_name TEXT);\n");
	p = open_project(&s);
	o.message = "rename";
	assert_int_equal(cmig_revision_autogenerate(&path, p, &o), CMIG_ERROR);
	assert_null(path);
	assert_int_equal(count_files(), 1);
	assert_non_null(strstr(s.text, "column name is gone and column full_name is new"));
	o.renames = ren;
	o.nrenames = 1;
	assert_int_equal(cmig_diff(&n, p, &o), CMIG_OK);
	assert_int_equal(n, 1);
	assert_string_equal(s.output, "ALTER TABLE users RENAME COLUMN name TO full_name;\n");
	o.rev_id = "b2";
	assert_int_equal(cmig_revision_autogenerate(&path, p, &o), CMIG_OK);
	assert_string_equal(path, "versions/b2_rename.sql");
	cmig_free(path);
	assert_int_equal(count_files(), 2);
	cmig_project_free(p);

	/* the database at head, then changed by hand: schema-drift */
	p = open_project(&s);
	{
		cmig_run_options ro = CMIG_RUN_OPTIONS_INIT;
		sqlite3 *db;
		assert_int_equal(cmig_upgrade(NULL, p, &ro), CMIG_OK);
		assert_int_equal(cmig_check_schema(&n, p, &o), CMIG_OK);
		assert_int_equal(n, 0);
		assert_int_equal(sqlite3_open("test.db", &db), SQLITE_OK);
		assert_int_equal(sqlite3_exec(db, "CREATE INDEX by_hand ON users (full_name)", NULL, NULL,
		                              NULL), SQLITE_OK);
		sqlite3_close(db);
	}
	s.text[0] = '\0';
	assert_int_equal(cmig_check_schema(&n, p, &o), CMIG_ERROR);
	assert_int_equal(n, 1);
	assert_non_null(strstr(s.text, "schema-drift"));
	assert_non_null(strstr(s.text, "by_hand"));
	cmig_project_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_api_schema_diff_autogenerate_check, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
