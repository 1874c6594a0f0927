/*
 * test_api_silent.c - libcmig writes nothing to stdout or stderr (STYLE §2 and §5, issue 7).
 *
 * File descriptors 1 and 2 are pointed at two files while the library runs an upgrade whose
 * migration makes PostgreSQL send a NOTICE (libpq's default notice processor would print
 * it), fails to connect, runs a failing migration, and goes through the other entry points
 * with and without callbacks; both files must stay empty, and the NOTICE must have reached
 * the on_diag callback instead.
 *
 * PostgreSQL is required: the test suite's runner (scripts/test.sh, tests/pg/cluster.sh)
 * exports PGHOST, PGPORT and PGUSER. Without PGHOST this test FAILS; it never skips.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "cmig/cmig.h"

struct fixture {
	char old_cwd[4096];
	char dir[64];
	char dbname[64];
};

struct seen {
	int errors, notes;
	char text[8192];
};

static void on_diag(const cmig_diag *d, void *payload)
{
	struct seen *s = payload;
	size_t n = strlen(s->text);
	if (d->severity == CMIG_DIAG_ERROR)
		s->errors++;
	else if (d->severity == CMIG_DIAG_NOTE)
		s->notes++;
	snprintf(s->text + n, sizeof(s->text) - n, "%s | %s\n", d->message ? d->message : "",
	         d->detail ? d->detail : "");
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static off_t file_size(const char *path)
{
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	return st.st_size;
}

static int setup(void **state)
{
	struct fixture *x = calloc(1, sizeof(*x));
	char cmd[256];
	if (!x || !getcwd(x->old_cwd, sizeof(x->old_cwd)))
		return -1;
	snprintf(x->dir, sizeof(x->dir), "/tmp/cmig-test-silent-XXXXXX");
	if (!mkdtemp(x->dir) || chdir(x->dir) != 0)
		return -1;
	*state = x;
	if (!getenv("PGHOST"))
		return 0; /* the test itself fails, with a message */
	snprintf(x->dbname, sizeof(x->dbname), "cmig_silent_%ld", (long)getpid());
	snprintf(cmd, sizeof(cmd), "createdb '%s'", x->dbname);
	return system(cmd) == 0 ? 0 : -1;
}

static int teardown(void **state)
{
	struct fixture *x = *state;
	char cmd[256];
	if (x->dbname[0]) {
		snprintf(cmd, sizeof(cmd), "dropdb --if-exists '%s'", x->dbname);
		if (system(cmd) != 0)
			return -1;
	}
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", x->dir);
	if (chdir(x->old_cwd) != 0 || system(cmd) != 0)
		return -1;
	free(x);
	return 0;
}

/* Point fds 1 and 2 at out.txt and err.txt; saved[] keeps the originals. */
static void redirect(int saved[2])
{
	int out, err;
	fflush(stdout);
	fflush(stderr);
	saved[0] = dup(1);
	saved[1] = dup(2);
	out = open("out.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	err = open("err.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(saved[0] >= 0 && saved[1] >= 0 && out >= 0 && err >= 0);
	assert_int_equal(dup2(out, 1), 1);
	assert_int_equal(dup2(err, 2), 2);
	close(out);
	close(err);
}

static void restore(int saved[2])
{
	/* whatever the library left in stdio's buffers lands in the files first */
	fflush(stdout);
	fflush(stderr);
	dup2(saved[0], 1);
	dup2(saved[1], 2);
	close(saved[0]);
	close(saved[1]);
}

static int open_project(cmig_project **p, const char *url, struct seen *s)
{
	cmig_open_options o = CMIG_OPEN_OPTIONS_INIT;
	o.config_path = "cmig.yaml";
	o.flags |= CMIG_OPEN_CONFIG_REQUIRED;
	o.url = url;
	o.on_diag = s ? on_diag : NULL;
	o.payload = s;
	return cmig_project_open(p, &o);
}

static void test_api_silent_library_writes_nothing(void **state)
{
	struct fixture *x = *state;
	struct seen s_notice = { 0 }, s_conn = { 0 }, s_fail = { 0 }, s_misc = { 0 };
	int rc_notice = 99, rc_conn = 99, rc_conn_sqlite = 99, rc_fail = 99, rc_open_bad = 99;
	int rc_nocb = 99, rc_offline = 99, rc_check = 99, rc_current = 99;
	cmig_run_options o = CMIG_RUN_OPTIONS_INIT;
	cmig_check_options c = CMIG_CHECK_OPTIONS_INIT;
	cmig_project *p = NULL, *bad = NULL;
	char url[128], bad_url[160], *cur = NULL;
	size_t errors = 0;
	int saved[2];

	if (!getenv("PGHOST"))
		fail_msg("PGHOST is not set: this test needs the PostgreSQL cluster of tests/pg/cluster.sh "
		         "(run it through scripts/test.sh); it does not skip");
	snprintf(url, sizeof(url), "postgresql:///%s", x->dbname);
	snprintf(bad_url, sizeof(bad_url), "postgresql:///%s_does_not_exist", x->dbname);

	assert_int_equal(mkdir("versions", 0777), 0);
	write_file("cmig.yaml", "versions_dir: versions\n");
	/* DROP ... IF EXISTS of a missing table: the server answers with a NOTICE */
	write_file("versions/a1_notice.sql",
	           "-- revision: a1\n-- down_revision: none\n-- message: notice\n\n-- migrate:up\n"
	           "DROP TABLE IF EXISTS cmig_silent_not_there;\n"
	           "DO $$ BEGIN RAISE NOTICE 'cmig silent test notice'; END $$;\n"
	           "CREATE TABLE t_a1 (id INTEGER PRIMARY KEY);\n\n-- migrate:down\nDROP TABLE t_a1;\n");
	write_file("versions/b2_fails.sql",
	           "-- revision: b2\n-- down_revision: a1\n-- message: fails\n\n-- migrate:up\n"
	           "CREATE TABLE t_b2 (id INTEGER);\nSELECT * FROM cmig_silent_no_such_table;\n\n"
	           "-- migrate:down\nDROP TABLE t_b2;\n");

	redirect(saved);

	/* 1. an upgrade that triggers NOTICEs, delivered as notes (verbose) */
	if (open_project(&p, url, &s_notice) == CMIG_OK) {
		o.target = "a1";
		o.flags |= CMIG_RUN_VERBOSE;
		o.on_diag = on_diag;
		o.payload = &s_notice;
		rc_notice = cmig_upgrade(NULL, p, &o);
		/* the same without any callback: notices and all go nowhere */
		o.flags |= CMIG_RUN_VERBOSE;
		o.on_diag = NULL;
		o.payload = NULL;
		o.target = "a1";
		rc_nocb = cmig_upgrade(NULL, p, &o);
	}

	/* 2. a failed connection (PostgreSQL: no such database; SQLite: no such directory) */
	if (open_project(&bad, bad_url, &s_conn) == CMIG_OK) {
		o.target = "head";
		o.on_diag = on_diag;
		o.payload = &s_conn;
		rc_conn = cmig_upgrade(NULL, bad, &o);
		o.on_diag = NULL;
		(void)cmig_upgrade(NULL, bad, &o);
		(void)cmig_current(&cur, bad, &o);
		cmig_free(cur);
		cur = NULL;
	}
	cmig_project_free(bad);
	bad = NULL;
	if (open_project(&bad, "sqlite:////nonexistent-cmig-dir/x/y.db", &s_conn) == CMIG_OK) {
		o.on_diag = on_diag;
		o.payload = &s_conn;
		rc_conn_sqlite = cmig_upgrade(NULL, bad, &o);
	}
	cmig_project_free(bad);

	/* 3. a failed migration */
	if (p) {
		o.target = "head";
		o.flags |= CMIG_RUN_VERBOSE;
		o.on_diag = on_diag;
		o.payload = &s_fail;
		rc_fail = cmig_upgrade(NULL, p, &o);
		o.on_diag = NULL;
		(void)cmig_upgrade(NULL, p, &o);
	}

	/* 4. the rest, without callbacks: offline SQL with no on_output, check, current, a bad
	 * config with no on_diag */
	if (p) {
		o.target = "head";
		o.flags |= CMIG_RUN_OFFLINE;
		o.on_output = NULL;
		o.on_diag = NULL;
		rc_offline = cmig_upgrade(NULL, p, &o);
		o.flags &= ~(unsigned)CMIG_RUN_OFFLINE;
		c.flags |= CMIG_CHECK_WITH_DATABASE;
		rc_check = cmig_check(&errors, NULL, p, &c);
		rc_current = cmig_current(&cur, p, &o);
	}
	write_file("bad.yaml", "versions_dir: [unclosed\n");
	{
		cmig_open_options oo = CMIG_OPEN_OPTIONS_INIT;
		oo.config_path = "bad.yaml";
		oo.flags |= CMIG_OPEN_CONFIG_REQUIRED;
		rc_open_bad = cmig_project_open(&bad, &oo);
		cmig_project_free(bad);
	}
	(void)s_misc;

	restore(saved);

	/* what the library said went to the callbacks, and nowhere else */
	assert_int_equal(file_size("out.txt"), 0);
	assert_int_equal(file_size("err.txt"), 0);

	assert_int_equal(rc_notice, CMIG_OK);
	assert_int_equal(rc_nocb, CMIG_OK);
	assert_true(s_notice.notes >= 1);
	assert_non_null(strstr(s_notice.text, "cmig_silent_not_there"));
	assert_non_null(strstr(s_notice.text, "cmig silent test notice"));
	assert_int_equal(rc_conn, CMIG_ECONNECT);
	assert_int_equal(rc_conn_sqlite, CMIG_ECONNECT);
	assert_true(s_conn.errors >= 2);
	assert_int_equal(rc_fail, CMIG_ESQL);
	assert_non_null(strstr(s_fail.text, "cmig_silent_no_such_table"));
	assert_int_equal(rc_offline, CMIG_OK);
	assert_int_equal(rc_check, CMIG_OK);
	assert_int_equal(rc_current, CMIG_OK);
	assert_non_null(cur);
	assert_string_equal(cur, "a1"); /* the failed migration left the database at a1 */
	assert_int_not_equal(rc_open_bad, CMIG_OK);
	cmig_free(cur);
	cmig_project_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_api_silent_library_writes_nothing, setup, teardown),
	};
	return cmocka_run_group_tests_name("api_silent", tests, NULL, NULL);
}
