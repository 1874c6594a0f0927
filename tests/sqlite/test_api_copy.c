/*
 * test_api_copy.c - cmig_copy() (SPEC §9) through <cmig/cmig.h>, SQLite to SQLite on real
 * files: values stored under the target's affinity (booleans 0/1, JSON text, timestamps as
 * RFC 3339 with offset), user triggers off during the copy and recreated from their text,
 * sqlite_sequence set for an AUTOINCREMENT table, the per-table callback, and the refusals
 * (a missing URL, a non-empty target) that leave the target as it was.
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

#include "tmpdir.h"

#include <sqlite3.h>

#include "cmig/cmig.h"

static int setup(void **state) { return tmpdir_setup(state, "copy"); }
static int teardown(void **state) { return tmpdir_teardown(state); }

static void write_file(const char *path, const char *text)
{
	assert_int_equal(tmpdir_write_file(path, text), 0);
}

static char last_error[512];
static void on_diag(const cmig_diag *d, void *payload)
{
	(void)payload;
	if (d->severity == CMIG_DIAG_ERROR)
		snprintf(last_error, sizeof(last_error), "%s", d->message);
}

static void sql(const char *db, const char *text)
{
	sqlite3 *h;
	char *err = NULL;
	assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
	if (sqlite3_exec(h, text, NULL, NULL, &err) != SQLITE_OK)
		fail_msg("%s: %s", text, err);
	sqlite3_close(h);
}

/* The first column of the first row as text ("" for none/NULL). */
static char got[512];
static const char *query(const char *db, const char *text)
{
	sqlite3 *h;
	sqlite3_stmt *st;
	got[0] = '\0';
	assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(h, text, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		snprintf(got, sizeof(got), "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(h);
	return got;
}

static void upgrade(const char *url)
{
	cmig_open_options oo = CMIG_OPEN_OPTIONS_INIT;
	cmig_run_options ro = CMIG_RUN_OPTIONS_INIT;
	cmig_project *p = NULL;
	oo.url = url;
	oo.on_diag = on_diag;
	assert_int_equal(cmig_project_open(&p, &oo), CMIG_OK);
	ro.on_diag = on_diag;
	assert_int_equal(cmig_upgrade(NULL, p, &ro), CMIG_OK);
	cmig_project_free(p);
}

static unsigned long long rows_seen;
static int tables_seen;
static void on_table(const char *table, unsigned long long rows, double seconds, void *payload)
{
	(void)payload;
	assert_non_null(table);
	assert_true(seconds >= 0);
	rows_seen += rows;
	tables_seen++;
}

static const char MIGRATION[] =
	"-- revision: r1\n-- down_revision: none\n\n-- migrate:up\n"
	"CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, flag BOOLEAN NOT NULL, doc JSON,\n"
	"                at TIMESTAMP);\n"
	"CREATE TABLE c (id INTEGER PRIMARY KEY, t_id INTEGER REFERENCES t (id));\n"
	"CREATE TABLE log (what TEXT);\n"
	"CREATE TRIGGER t_audit AFTER INSERT ON t BEGIN INSERT INTO log VALUES ('t ' || new.id); END;\n"
	"\n-- migrate:down\nDROP TABLE c;\nDROP TABLE log;\nDROP TABLE t;\n";

/* The project in the cwd, opened with diagnostics recorded; co set to copy src.db into
 * dst.db, its diagnostics recorded too. */
static cmig_project *open_copy(cmig_copy_options *co)
{
	cmig_open_options oo = CMIG_OPEN_OPTIONS_INIT;
	cmig_project *p = NULL;
	oo.on_diag = on_diag;
	assert_int_equal(cmig_project_open(&p, &oo), CMIG_OK);
	co->from = "sqlite:///src.db";
	co->to = "sqlite:///dst.db";
	co->on_diag = on_diag;
	return p;
}

/* SPEC §9: SQLite to SQLite by the same rules */
static void test_api_copy_sqlite_to_sqlite(void **state)
{
	cmig_copy_options co = CMIG_COPY_OPTIONS_INIT;
	cmig_project *p = NULL;
	char trig[512];
	(void)state;

	mkdir("versions", 0755);
	write_file("versions/r1_init.sql", MIGRATION);
	write_file("cmig.yaml", "database_url: sqlite:///src.db\n");
	upgrade("sqlite:///src.db");
	upgrade("sqlite:///dst.db");
	sql("src.db", "INSERT INTO t VALUES (1, 'true', '{\"a\": [1, 2]}', '2024-01-02 03:04:05'),"
	              " (5, 0, NULL, 1700000000);"
	              "INSERT INTO c VALUES (1, 5), (2, 1);");
	snprintf(trig, sizeof(trig), "%s",
	         query("dst.db", "SELECT sql FROM sqlite_master WHERE name = 't_audit'"));
	assert_string_equal(query("src.db", "SELECT count(*) FROM log"), "2");

	p = open_copy(&co);
	co.on_table = on_table;
	rows_seen = 0;
	tables_seen = 0;
	assert_int_equal(cmig_copy(p, &co), CMIG_OK);
	assert_int_equal(tables_seen, 3);
	assert_int_equal(rows_seen, 2 + 2 + 2);

	assert_string_equal(query("dst.db", "SELECT group_concat(id || ':' || typeof(flag) || flag, ',') FROM t"),
	                    "1:integer1,5:integer0");
	assert_string_equal(query("dst.db", "SELECT doc FROM t WHERE id = 1"), "{\"a\": [1, 2]}");
	assert_string_equal(query("dst.db", "SELECT at FROM t WHERE id = 1"), "2024-01-02T03:04:05+00:00");
	assert_string_equal(query("dst.db", "SELECT at FROM t WHERE id = 5"), "2023-11-14T22:13:20+00:00");
	/* the trigger was off during the copy: log holds the copied rows only, not doubled */
	assert_string_equal(query("dst.db", "SELECT count(*) FROM log"), "2");
	assert_string_equal(query("dst.db", "SELECT sql FROM sqlite_master WHERE name = 't_audit'"), trig);
	/* AUTOINCREMENT: sqlite_sequence holds the largest id copied */
	assert_string_equal(query("dst.db", "SELECT seq FROM sqlite_sequence WHERE name = 't'"), "5");
	assert_string_equal(query("dst.db", "PRAGMA foreign_key_check"), "");
	sql("dst.db", "INSERT INTO t (flag) VALUES (1)");
	assert_string_equal(query("dst.db", "SELECT max(id) FROM t"), "6");
	assert_string_equal(query("dst.db", "SELECT count(*) FROM log"), "3"); /* the trigger is back */

	/* a non-empty target is refused and left as it was */
	last_error[0] = '\0';
	assert_int_equal(cmig_copy(p, &co), CMIG_ERROR);
	assert_non_null(strstr(last_error, "target tables already have rows: t, c, log"));
	assert_string_equal(query("dst.db", "SELECT count(*) FROM t"), "3");

	/* --truncate: emptied in the copy's transaction (children first), then copied */
	co.flags = CMIG_COPY_TRUNCATE;
	assert_int_equal(cmig_copy(p, &co), CMIG_OK);
	assert_string_equal(query("dst.db", "SELECT count(*) FROM t"), "2");
	assert_string_equal(query("dst.db", "SELECT seq FROM sqlite_sequence WHERE name = 't'"), "5");

	/* the options of another version or without URLs are a usage error */
	cmig_copy_options co2;
	assert_int_equal(cmig_copy_options_init(&co2, CMIG_COPY_OPTIONS_VERSION), CMIG_OK);
	assert_int_equal(co2.lock_timeout, 300.0);
	assert_null(co2.from);
	assert_int_equal(cmig_copy_options_init(&co2, CMIG_COPY_OPTIONS_VERSION + 1), CMIG_EUSAGE);
	co2.from = co.from;
	co2.to = co.to;
	co2.version = 0;
	assert_int_equal(cmig_copy(p, &co2), CMIG_EUSAGE);
	co.to = NULL;
	assert_int_equal(cmig_copy(p, &co), CMIG_EUSAGE);
	assert_int_equal(cmig_copy(p, NULL), CMIG_EUSAGE);
	cmig_project_free(p);
}

/* SPEC §9: row counts verified before commit. A trigger left on (--keep-triggers) that
 * drops a row makes the target hold fewer rows than the source: the copy fails, nothing is
 * copied. Without --keep-triggers the trigger is off during the copy and back afterwards. */
static void test_api_copy_counts_verified(void **state)
{
	cmig_copy_options co = CMIG_COPY_OPTIONS_INIT;
	cmig_project *p = NULL;
	(void)state;

	mkdir("versions", 0755);
	write_file("versions/r1_init.sql",
	           "-- revision: r1\n-- down_revision: none\n\n-- migrate:up\n"
	           "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT);\n"
	           "CREATE TRIGGER t_skip BEFORE INSERT ON t WHEN new.id = 5 BEGIN SELECT RAISE(IGNORE); END;\n");
	write_file("cmig.yaml", "database_url: sqlite:///src.db\n");
	upgrade("sqlite:///src.db");
	upgrade("sqlite:///dst.db");
	sql("src.db", "INSERT INTO t VALUES (1, 'a'), (6, 'b')");
	sql("src.db", "UPDATE t SET id = 5 WHERE id = 6"); /* the trigger fires on INSERT only */
	p = open_copy(&co);
	co.flags = CMIG_COPY_KEEP_TRIGGERS;
	last_error[0] = '\0';
	assert_int_equal(cmig_copy(p, &co), CMIG_ERROR);
	assert_non_null(strstr(last_error, "table t: the target holds 1 rows after the copy, the source 2"));
	assert_string_equal(query("dst.db", "SELECT count(*) FROM t"), "0");
	co.flags = 0;
	assert_int_equal(cmig_copy(p, &co), CMIG_OK);
	assert_string_equal(query("dst.db", "SELECT group_concat(id) FROM t"), "1,5");
	assert_string_equal(query("dst.db", "SELECT count(*) FROM sqlite_master WHERE name = 't_skip'"), "1");
	cmig_project_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_api_copy_sqlite_to_sqlite, setup, teardown),
		cmocka_unit_test_setup_teardown(test_api_copy_counts_verified, setup, teardown),
	};
	return cmocka_run_group_tests_name("api_copy", tests, NULL, NULL);
}
