/*
 * test_api.c - every public function of <cmig/cmig.h>, on real SQLite files (STYLE §9,
 * issue 7): the good path and the error paths (bad config, missing versions/, a branched
 * chain, a bad target, a failing migration, ...).
 *
 * Each test runs in a fresh temporary directory that is also the current directory, so the
 * paths in diagnostics are "versions/..." as SPEC §3 prints them. The database is read back
 * with sqlite3 directly, never through cmig, so a test cannot agree with the code it checks.
 * The library-never-prints test (with PostgreSQL) is test_api_silent.c.
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

#ifndef CMIG_SOURCE_DIR
#define CMIG_SOURCE_DIR "."
#endif

/* ---- fixture and helpers ---------------------------------------------------------------- */

static int setup(void **state) { return tmpdir_setup(state, "api"); }
static int teardown(void **state) { return tmpdir_teardown(state); }

static void write_file(const char *path, const char *text)
{
	assert_int_equal(tmpdir_write_file(path, text), 0);
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = calloc(1, (size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	return buf;
}

static bool exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

/* versions/<id>_<id>.sql: CREATE TABLE t_<id> up, DROP down (down NULL: no down marker). */
static void write_rev(const char *id, const char *down, const char *up_sql, const char *down_sql)
{
	char path[256], text[4096], up_default[128], down_default[128];
	snprintf(up_default, sizeof(up_default), "CREATE TABLE t_%s (id INTEGER PRIMARY KEY);\n", id);
	snprintf(down_default, sizeof(down_default), "DROP TABLE t_%s;\n", id);
	snprintf(path, sizeof(path), "versions/%s_%s.sql", id, id);
	snprintf(text, sizeof(text),
	         "-- revision: %s\n-- down_revision: %s\n-- message: add %s\n"
	         "-- created: 2026-11-2%dT10:00:00Z\n\n-- migrate:up\n%s%s%s",
	         id, down ? down : "none", id, (int)(id[0] % 10), up_sql ? up_sql : up_default,
	         down_sql && !strcmp(down_sql, "@none") ? "" : "\n-- migrate:down\n",
	         down_sql && !strcmp(down_sql, "@none") ? "" : down_sql ? down_sql : down_default);
	write_file(path, text);
}

/* A project in the cwd: cmig.yaml (database test.db) and versions/ with a1 <- b2 <- c3. */
static void make_project(void)
{
	assert_int_equal(mkdir("versions", 0777), 0);
	write_file("cmig.yaml", "database_url: sqlite:///test.db\nversions_dir: versions\n");
	write_rev("a1", NULL, NULL, NULL);
	write_rev("b2", "a1", NULL, NULL);
	write_rev("c3", "b2", NULL, NULL);
}

/* Everything the callbacks saw. */
struct seen {
	int diags, errors, warnings, notes;
	char text[16384];          /* "severity kind path:line: message\n" per diagnostic */
	int progress;
	char steps[2048];          /* "from>to " per per-migration progress event */
	char output[65536];        /* on_output */
	int waits;
	int created;
	char relinks[1024];
	int rows;
	char row_text[2048];
};

static void on_diag(const cmig_diag *d, void *payload)
{
	struct seen *s = payload;
	size_t n = strlen(s->text);
	s->diags++;
	if (d->severity == CMIG_DIAG_ERROR)
		s->errors++;
	else if (d->severity == CMIG_DIAG_WARNING)
		s->warnings++;
	else
		s->notes++;
	snprintf(s->text + n, sizeof(s->text) - n, "%s %s %s:%u: %s\n",
	         d->severity == CMIG_DIAG_ERROR ? "error" : d->severity == CMIG_DIAG_WARNING ? "warning" : "note",
	         d->kind ? d->kind : "-", d->path ? d->path : "-", d->line, d->message ? d->message : "");
}

static void on_progress(const cmig_progress *ev, void *payload)
{
	struct seen *s = payload;
	size_t n = strlen(s->steps);
	if (ev->what)
		return;
	s->progress++;
	snprintf(s->steps + n, sizeof(s->steps) - n, "%s>%s ", ev->from ? ev->from : "base",
	         ev->to ? ev->to : "base");
}

static void on_output(const char *text, size_t len, void *payload)
{
	struct seen *s = payload;
	size_t n = strlen(s->output);
	if (n + len < sizeof(s->output)) {
		memcpy(s->output + n, text, len);
		s->output[n + len] = '\0';
	}
}

static void on_wait(const char *what, void *payload)
{
	((struct seen *)payload)->waits++;
}

static void on_created(const char *path, void *payload)
{
	((struct seen *)payload)->created++;
}

static void on_relink(const char *path, const char *old_down, const char *new_down, void *payload)
{
	struct seen *s = payload;
	size_t n = strlen(s->relinks);
	snprintf(s->relinks + n, sizeof(s->relinks) - n, "%s: %s -> %s\n", path, old_down, new_down);
}

static void on_row(const cmig_status_row *row, void *payload)
{
	struct seen *s = payload;
	size_t n = strlen(s->row_text);
	s->rows++;
	snprintf(s->row_text + n, sizeof(s->row_text) - n, "%s %s%s\n", cmig_revision_id(row->rev),
	         row->applied_at ? "applied" : "pending", row->stamped ? " stamped" : "");
}

static int open_with(cmig_project **p, struct seen *s, const char *url)
{
	cmig_open_options o = CMIG_OPEN_OPTIONS_INIT;
	o.config_path = "cmig.yaml";
	o.flags |= CMIG_OPEN_CONFIG_REQUIRED;
	o.url = url;
	o.on_diag = on_diag;
	o.payload = s;
	return cmig_project_open(p, &o);
}

/* make_project() and open it with every callback recording into s. */
static void open_made(cmig_project **p, struct seen *s)
{
	make_project();
	assert_int_equal(open_with(p, s, NULL), CMIG_OK);
}

static cmig_run_options run_opts(struct seen *s, const char *target)
{
	cmig_run_options o = CMIG_RUN_OPTIONS_INIT;
	o.target = target;
	o.on_progress = on_progress;
	o.on_output = on_output;
	o.on_wait = on_wait;
	o.on_diag = on_diag;
	o.payload = s;
	return o;
}

/* One value from test.db with sqlite3 itself ("" for no row or NULL; "ERROR" on error). */
static char *db_value(const char *db_path, const char *sql)
{
	static char out[512];
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	snprintf(out, sizeof(out), "ERROR");
	if (sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
		int rc = sqlite3_step(st);
		if (rc == SQLITE_ROW)
			snprintf(out, sizeof(out), "%s",
			         sqlite3_column_text(st, 0) ? (const char *)sqlite3_column_text(st, 0) : "");
		else if (rc == SQLITE_DONE)
			out[0] = '\0';
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	return out;
}

#define VERSION() db_value("test.db", "SELECT version_num FROM cmig_version")
#define HAS_TABLE(t) (atoi(db_value("test.db", "SELECT count(*) FROM sqlite_schema WHERE name = '" t "'")) == 1)

/* ---- library-wide functions --------------------------------------------------------------- */

static void test_api_version_string_names_sqlite_and_libpq(void **state)
{
	const char *v = cmig_version_string();
	char want[64];
	snprintf(want, sizeof(want), "%d.", 0);
	assert_non_null(v);
	assert_true(strncmp(v, want, strlen(want)) == 0);
	assert_non_null(strstr(v, "(sqlite 3."));
	assert_non_null(strstr(v, ", libpq "));
	assert_ptr_equal(v, cmig_version_string()); /* static storage */
}

static void test_api_status_name_every_code(void **state)
{
	assert_string_equal(cmig_status_name(CMIG_OK), "ok");
	assert_string_equal(cmig_status_name(CMIG_ERROR), "error");
	assert_string_equal(cmig_status_name(CMIG_ENOTFOUND), "not found");
	assert_string_equal(cmig_status_name(CMIG_EAMBIGUOUS), "ambiguous");
	assert_string_equal(cmig_status_name(CMIG_EEXISTS), "exists");
	assert_string_equal(cmig_status_name(CMIG_ECHAIN), "chain error");
	assert_string_equal(cmig_status_name(CMIG_ESQL), "sql error");
	assert_string_equal(cmig_status_name(CMIG_ECONNECT), "connection error");
	assert_string_equal(cmig_status_name(CMIG_ENOMEM), "out of memory");
	assert_string_equal(cmig_status_name(CMIG_EUSAGE), "usage error");
	assert_string_equal(cmig_status_name(12345), "error");
}

static void test_api_free_null_is_noop(void **state)
{
	cmig_free(NULL);
	cmig_project_free(NULL);
	cmig_free(malloc(16));
}

/* ---- init --------------------------------------------------------------------------------- */

/* SPEC §1: `cmig init [DIR]` creates cmig.yaml, versions/, templates/ and never overwrites */
static void test_api_init_creates_and_never_overwrites(void **state)
{
	struct seen s = { 0 };
	char *text;
	assert_int_equal(cmig_init("proj", on_created, on_diag, &s), CMIG_OK);
	assert_int_equal(s.created, 3);
	assert_true(exists("proj/cmig.yaml"));
	assert_true(exists("proj/versions"));
	assert_true(exists("proj/templates/revision.sql.tmpl"));
	write_file("proj/cmig.yaml", "database_url: sqlite:///mine.db\n");
	s.created = 0;
	assert_int_equal(cmig_init("proj", on_created, on_diag, &s), CMIG_OK);
	assert_int_equal(s.created, 0);
	text = read_file("proj/cmig.yaml");
	assert_string_equal(text, "database_url: sqlite:///mine.db\n");
	free(text);
	assert_int_equal(s.errors, 0);
}

static void test_api_init_error_when_dir_is_a_file(void **state)
{
	struct seen s = { 0 };
	write_file("plainfile", "x");
	assert_int_not_equal(cmig_init("plainfile", on_created, on_diag, &s), CMIG_OK);
	assert_true(s.errors >= 1);
	assert_int_equal(s.created, 0);
}

/* ---- open and the accessors --------------------------------------------------------------- */

static void test_api_open_and_accessors(void **state)
{
	struct seen s = { 0 };
	cmig_project *p = NULL;
	const cmig_revision *r = NULL;
	const cmig_revision *const *heads = NULL;
	size_t len = 0;
	make_project();
	write_rev("d4", "c3", NULL, "@none");
	assert_int_equal(open_with(&p, &s, NULL), CMIG_OK);
	assert_non_null(p);
	assert_int_equal(s.errors, 0);

	assert_int_equal(cmig_project_count(p), 4);
	assert_string_equal(cmig_revision_id(cmig_project_at(p, 0)), "a1");
	assert_null(cmig_project_at(p, 4));
	assert_string_equal(cmig_revision_id(cmig_project_head(p)), "d4");
	assert_int_equal(cmig_project_heads(&heads, p), 1);
	assert_string_equal(cmig_revision_id(heads[0]), "d4");
	assert_string_equal(cmig_project_url_display(p), "sqlite:///test.db");
	assert_string_equal(cmig_project_url_source(p), "cmig.yaml line 1");
	assert_true(cmig_project_has_database(p));

	r = cmig_project_at(p, 1);
	assert_int_equal(cmig_revision_position(r), 1);
	assert_string_equal(cmig_revision_down(r), "a1");
	assert_null(cmig_revision_down(cmig_project_at(p, 0)));
	assert_string_equal(cmig_revision_message(r), "add b2");
	assert_string_equal(cmig_revision_created(r), "2026-11-28T10:00:00Z");
	assert_string_equal(cmig_revision_path(r), "versions/b2_b2.sql");
	assert_non_null(strstr(cmig_revision_text(&len, r), "CREATE TABLE t_b2"));
	assert_int_equal(len, strlen(cmig_revision_text(NULL, r)));
	assert_true(cmig_revision_has_down(r));
	assert_false(cmig_revision_has_down(cmig_project_head(p)));

	/* SPEC §5 TARGET: head, base, an id, a unique prefix */
	assert_int_equal(cmig_project_find(&r, p, "head"), CMIG_OK);
	assert_string_equal(cmig_revision_id(r), "d4");
	assert_int_equal(cmig_project_find(&r, p, "base"), CMIG_OK);
	assert_null(r);
	assert_int_equal(cmig_project_find(&r, p, "c"), CMIG_OK);
	assert_string_equal(cmig_revision_id(r), "c3");
	assert_int_equal(cmig_project_find(&r, p, "zz"), CMIG_ENOTFOUND);
	assert_null(r);
	cmig_project_free(p);
}

static void test_api_open_default_url_is_not_a_configured_database(void **state)
{
	struct seen s = { 0 };
	cmig_project *p = NULL;
	make_project();
	write_file("cmig.yaml", "versions_dir: versions\n");
	assert_int_equal(open_with(&p, &s, NULL), CMIG_OK);
	assert_false(cmig_project_has_database(p));
	assert_string_equal(cmig_project_url_source(p), "default");
	cmig_project_free(p);
	/* --url wins and counts as configured; a password is never shown (SPEC §1) */
	assert_int_equal(open_with(&p, &s, "postgresql://u:sekrit@localhost:1/db"), CMIG_OK);
	assert_true(cmig_project_has_database(p));
	assert_string_equal(cmig_project_url_source(p), "--url");
	assert_null(strstr(cmig_project_url_display(p), "sekrit"));
	cmig_project_free(p);
}

static void test_api_open_null_options_is_usage_error(void **state)
{
	cmig_project *p = (cmig_project *)&p;
	assert_int_equal(cmig_project_open(&p, NULL), CMIG_EUSAGE);
	assert_null(p);
}

/* API 1.0: each _init() function gives its _INIT macro; an options struct of a version the
 * library does not know (0: never initialised; above the header's: a newer header) is refused
 * by every entry point before any other field is read, and changes nothing. */
static void test_api_options_init_and_version_check(void **state)
{
	struct seen s = { 0 };
	cmig_open_options oi = CMIG_OPEN_OPTIONS_INIT, of;
	cmig_run_options ri = CMIG_RUN_OPTIONS_INIT, rf, ro;
	cmig_check_options ci = CMIG_CHECK_OPTIONS_INIT, cf;
	cmig_revision_options vi = CMIG_REVISION_OPTIONS_INIT, vf;
	cmig_project *p = NULL;
	char *path = (char *)&s, *cur = (char *)&s;
	size_t pending = 7;

	memset(&of, 0xff, sizeof(of));
	memset(&rf, 0xff, sizeof(rf));
	memset(&cf, 0xff, sizeof(cf));
	memset(&vf, 0xff, sizeof(vf));
	assert_int_equal(cmig_open_options_init(&of, CMIG_OPEN_OPTIONS_VERSION), CMIG_OK);
	assert_int_equal(cmig_run_options_init(&rf, CMIG_RUN_OPTIONS_VERSION), CMIG_OK);
	assert_int_equal(cmig_check_options_init(&cf, CMIG_CHECK_OPTIONS_VERSION), CMIG_OK);
	assert_int_equal(cmig_revision_options_init(&vf, CMIG_REVISION_OPTIONS_VERSION), CMIG_OK);
	assert_int_equal(of.version, CMIG_OPEN_OPTIONS_VERSION);
	assert_int_equal(of.flags, 0);
	assert_null(of.config_path);
	assert_null(of.on_diag);
	assert_int_equal(oi.version, of.version);
	assert_int_equal(rf.version, ri.version);
	assert_true(rf.lock_timeout == 300.0 && ri.lock_timeout == 300.0);
	assert_null(rf.target);
	assert_int_equal(rf.flags, 0);
	assert_int_equal(cf.version, ci.version);
	assert_int_equal(cf.flags, 0);
	assert_int_equal(vf.version, vi.version);
	assert_null(vf.message);
	assert_int_equal(cmig_open_options_init(&of, 0), CMIG_EUSAGE);
	assert_int_equal(cmig_run_options_init(&rf, CMIG_RUN_OPTIONS_VERSION + 1), CMIG_EUSAGE);
	assert_int_equal(cmig_check_options_init(NULL, CMIG_CHECK_OPTIONS_VERSION), CMIG_EUSAGE);
	assert_int_equal(cmig_revision_options_init(&vf, 99), CMIG_EUSAGE);

	make_project();
	oi.version = 0;
	assert_int_equal(cmig_project_open(&p, &oi), CMIG_EUSAGE);
	assert_null(p);
	assert_int_equal(open_with(&p, &s, NULL), CMIG_OK);
	ro = run_opts(&s, "head");
	ro.version = CMIG_RUN_OPTIONS_VERSION + 1;
	assert_int_equal(cmig_upgrade(&pending, p, &ro), CMIG_EUSAGE);
	assert_int_equal(pending, 0);
	assert_int_equal(cmig_downgrade(p, &ro), CMIG_EUSAGE);
	assert_int_equal(cmig_stamp(p, &ro), CMIG_EUSAGE);
	assert_int_equal(cmig_current(&cur, p, &ro), CMIG_EUSAGE);
	assert_null(cur);
	ci.version = 0;
	assert_int_equal(cmig_check(NULL, NULL, p, &ci), CMIG_EUSAGE);
	vi.version = 0;
	vi.message = "never written";
	assert_int_equal(cmig_revision_create(&path, p, &vi), CMIG_EUSAGE);
	assert_null(path);
	assert_false(exists("test.db"));
	assert_int_equal(s.errors, 0);
	cmig_project_free(p);
}

static void test_api_open_bad_config_names_file_and_line(void **state)
{
	struct seen s = { 0 };
	cmig_project *p = (cmig_project *)&s;
	make_project();
	write_file("cmig.yaml", "database_url: sqlite:///test.db\nversions_dir: [unclosed\n");
	assert_int_not_equal(open_with(&p, &s, NULL), CMIG_OK);
	assert_null(p);
	assert_true(s.errors >= 1);
	assert_non_null(strstr(s.text, " cmig.yaml:"));
	assert_null(strstr(s.text, " cmig.yaml:0:"));
}

static void test_api_open_missing_config_when_required(void **state)
{
	struct seen s = { 0 };
	cmig_project *p = (cmig_project *)&s;
	assert_int_equal(open_with(&p, &s, NULL), CMIG_ENOTFOUND);
	assert_null(p);
	assert_int_equal(s.errors, 1);
	assert_non_null(strstr(s.text, "configuration file not found"));
}

static void test_api_open_missing_versions_dir(void **state)
{
	struct seen s = { 0 };
	cmig_project *p = (cmig_project *)&s;
	write_file("cmig.yaml", "versions_dir: nowhere\n");
	assert_int_not_equal(open_with(&p, &s, NULL), CMIG_OK);
	assert_null(p);
	assert_true(s.errors >= 1);
	assert_non_null(strstr(s.text, "nowhere"));
}

/* SPEC §3: a branch makes every chain command refuse, with compiler-style diagnostics */
static void test_api_open_branched_chain_is_echain_with_diagnostics(void **state)
{
	struct seen s = { 0 }, s2 = { 0 };
	cmig_project *p = NULL;
	const cmig_revision *const *heads = NULL;
	const cmig_revision *r = NULL;
	cmig_run_options o;
	make_project();
	write_rev("x9", "b2", NULL, NULL); /* c3 and x9 both follow b2 */
	assert_int_equal(open_with(&p, &s, NULL), CMIG_ECHAIN);
	assert_non_null(p);
	assert_int_equal(cmig_project_count(p), 0);
	assert_null(cmig_project_head(p));
	assert_int_equal(cmig_project_heads(&heads, p), 2);
	assert_int_equal(cmig_project_find(&r, p, "head"), CMIG_ECHAIN);

	cmig_project_diagnostics(p, CMIG_DIAGNOSTICS_WARNINGS, on_diag, &s2);
	assert_int_equal(s2.errors, 1);
	assert_non_null(strstr(s2.text, "error branch versions/c3_c3.sql:2: branch: both c3 (versions/c3_c3.sql) "
	                                "and x9 (versions/x9_x9.sql) follow b2"));

	/* nothing runs, nothing is created */
	memset(&s2, 0, sizeof(s2));
	o = run_opts(&s2, "head");
	assert_int_equal(cmig_upgrade(NULL, p, &o), CMIG_ECHAIN);
	assert_int_equal(cmig_downgrade(p, &o), CMIG_ECHAIN);
	assert_int_equal(cmig_stamp(p, &o), CMIG_ECHAIN);
	assert_true(s2.errors >= 1);
	assert_int_equal(s2.progress, 0);
	assert_false(exists("test.db"));
	cmig_project_free(p);
}

static void test_api_open_parse_error_is_reported_at_its_line(void **state)
{
	struct seen s = { 0 }, s2 = { 0 };
	cmig_project *p = NULL;
	make_project();
	write_file("versions/d4_bad.sql", "-- revision: d4\n-- down_revision: c3\n\n-- migrate: up\nSELECT 1;\n");
	assert_int_equal(open_with(&p, &s, NULL), CMIG_ECHAIN);
	cmig_project_diagnostics(p, 0, on_diag, &s2);
	assert_true(s2.errors >= 1);
	assert_non_null(strstr(s2.text, "error parse versions/d4_bad.sql:4:"));
	cmig_project_free(p);
}

/* ---- embedded files --------------------------------------------------------------------- */

static const char emb_a[] = "-- revision: e1\n-- down_revision: none\n-- message: first\n\n"
                            "-- migrate:up\nCREATE TABLE e (id INTEGER PRIMARY KEY);\n"
                            "INSERT INTO e VALUES (7);\n\n-- migrate:down\nDROP TABLE e;\n";
static const char emb_b[] = "-- revision: e2\n-- down_revision: e1\n-- message: second\n\n"
                            "-- migrate:up\nALTER TABLE e ADD COLUMN note TEXT;\n\n"
                            "-- migrate:down\nALTER TABLE e DROP COLUMN note;\n";

static void test_api_embedded_files_open_and_upgrade(void **state)
{
	/* out of order on purpose: the library sorts by name; non-migrations are skipped */
	const cmig_embedded_file files[] = {
		{ "e2_second.sql", emb_b, sizeof(emb_b) - 1 },
		{ "README.txt", "not a migration", 15 },
		{ "e1_first.sql", emb_a, sizeof(emb_a) - 1 },
	};
	cmig_open_options oo = CMIG_OPEN_OPTIONS_INIT;
	cmig_run_options ro;
	struct seen s = { 0 };
	cmig_project *p = NULL;
	char *cur = NULL;

	oo.url = "sqlite:///test.db";
	oo.versions_dir = "does-not-exist"; /* not read: files win */
	oo.files = files;
	oo.nfiles = 3;
	oo.on_diag = on_diag;
	oo.payload = &s;
	assert_int_equal(cmig_project_open(&p, &oo), CMIG_OK);
	assert_int_equal(cmig_project_count(p), 2);
	assert_string_equal(cmig_revision_path(cmig_project_at(p, 0)), "e1_first.sql");
	ro = run_opts(&s, "head");
	assert_int_equal(cmig_upgrade(NULL, p, &ro), CMIG_OK);
	assert_string_equal(s.steps, "base>e1 e1>e2 ");
	assert_string_equal(VERSION(), "e2");
	assert_string_equal(db_value("test.db", "SELECT id FROM e"), "7");
	assert_int_equal(cmig_current(&cur, p, &ro), CMIG_OK);
	assert_string_equal(cur, "e2");
	cmig_free(cur);
	/* SPEC §8 dump: the revision line, then the schema (never cmig's own tables) */
	assert_int_equal(cmig_dump(&cur, p, &ro), CMIG_OK);
	assert_true(strncmp(cur, "-- cmig dump: the schema at revision e2\n", 40) == 0);
	assert_non_null(strstr(cur, "CREATE TABLE e"));
	assert_null(strstr(cur, "cmig_version"));
	cmig_project_free(p);
	/* zero embedded files, as `cmig dump` opens (no versions/ read): the same dump */
	{
		char *again = NULL;
		oo.nfiles = 0;
		assert_int_equal(cmig_project_open(&p, &oo), CMIG_OK);
		assert_int_equal(cmig_project_count(p), 0);
		assert_int_equal(cmig_dump(&again, p, &ro), CMIG_OK);
		assert_string_equal(again, cur);
		cmig_free(again);
		cmig_project_free(p);
	}
	cmig_free(cur);
	assert_int_equal(s.errors, 0);
}

static void test_api_ignore_config_file_skips_a_stray_cmig_yaml(void **state)
{
	const cmig_embedded_file files[] = { { "e1_first.sql", emb_a, sizeof(emb_a) - 1 } };
	cmig_open_options oo = CMIG_OPEN_OPTIONS_INIT;
	struct seen s = { 0 };
	cmig_project *p = NULL;

	(void)state;
	write_file("cmig.yaml", "database_url: [unclosed\n"); /* broken on purpose */
	oo.url = "sqlite:///test.db";
	oo.files = files;
	oo.nfiles = 1;
	oo.on_diag = on_diag;
	oo.payload = &s;
	/* read by default: the broken file fails the open */
	assert_int_not_equal(cmig_project_open(&p, &oo), CMIG_OK);
	assert_null(p);
	/* ignored on request: settings come from the struct only */
	oo.flags |= CMIG_OPEN_NO_CONFIG_FILE;
	s.errors = 0;
	assert_int_equal(cmig_project_open(&p, &oo), CMIG_OK);
	assert_int_equal(cmig_project_count(p), 1);
	cmig_project_free(p);
	assert_int_equal(s.errors, 0);
}

static void test_api_embedded_files_branch_is_echain(void **state)
{
	const cmig_embedded_file files[] = {
		{ "e1_first.sql", emb_a, sizeof(emb_a) - 1 },
		{ "e2_second.sql", emb_b, sizeof(emb_b) - 1 },
		{ "e3_other.sql", "-- revision: e3\n-- down_revision: e1\n\n-- migrate:up\n", 44 },
	};
	cmig_open_options oo = CMIG_OPEN_OPTIONS_INIT;
	struct seen s = { 0 }, s2 = { 0 };
	cmig_project *p = NULL;
	oo.url = "sqlite:///test.db";
	oo.files = files;
	oo.nfiles = 3;
	oo.on_diag = on_diag;
	oo.payload = &s;
	assert_int_equal(cmig_project_open(&p, &oo), CMIG_ECHAIN);
	cmig_project_diagnostics(p, 0, on_diag, &s2);
	assert_non_null(strstr(s2.text, "error branch e2_second.sql:2: branch: both e2"));
	cmig_project_free(p);
}

/* ---- upgrade, downgrade, stamp, current, status ------------------------------------------- */

/* SPEC §4/§5: upgrade runs each migration with its version row; a second run is a no-op */
static void test_api_upgrade_to_head_then_noop(void **state)
{
	struct seen s = { 0 };
	cmig_project *p = NULL;
	cmig_run_options o;
	char *cur = (char *)&s;
	open_made(&p, &s);
	o = run_opts(&s, "head");
	assert_int_equal(cmig_current(&cur, p, &o), CMIG_OK);
	assert_null(cur);
	assert_int_equal(cmig_upgrade(NULL, p, &o), CMIG_OK);
	assert_int_equal(s.progress, 3);
	assert_string_equal(s.steps, "base>a1 a1>b2 b2>c3 ");
	assert_string_equal(VERSION(), "c3");
	assert_true(HAS_TABLE("t_c3"));
	assert_string_equal(db_value("test.db", "SELECT count(*) FROM cmig_history WHERE direction = 'up'"), "3");
	assert_int_equal(cmig_current(&cur, p, &o), CMIG_OK);
	assert_string_equal(cur, "c3");
	cmig_free(cur);

	memset(&s, 0, sizeof(s));
	assert_int_equal(cmig_upgrade(NULL, p, &o), CMIG_OK);
	assert_int_equal(s.progress, 0);
	assert_int_equal(s.waits, 0);
	assert_string_equal(db_value("test.db", "SELECT count(*) FROM cmig_history"), "3");
	cmig_project_free(p);
}

static void test_api_upgrade_relative_and_prefix_targets(void **state)
{
	struct seen s = { 0 };
	cmig_project *p = NULL;
	cmig_run_options o;
	open_made(&p, &s);
	o = run_opts(&s, "+1");
	assert_int_equal(cmig_upgrade(NULL, p, &o), CMIG_OK);
	assert_string_equal(VERSION(), "a1");
	o.target = "b";
	assert_int_equal(cmig_upgrade(NULL, p, &o), CMIG_OK);
	assert_string_equal(VERSION(), "b2");
	cmig_project_free(p);
}

/* SPEC §5: an unknown or ambiguous target, a step past head, the wrong side: error, no change */
static void test_api_upgrade_bad_targets_change_nothing(void **state)
{
	struct seen s = { 0 };
	cmig_project *p = NULL;
	cmig_run_options o;
	make_project();
	write_rev("b9", "c3", NULL, NULL); /* "b" is now ambiguous: b2, b9 */
	assert_int_equal(open_with(&p, &s, NULL), CMIG_OK);
	o = run_opts(&s, "b2");
	assert_int_equal(cmig_upgrade(NULL, p, &o), CMIG_OK);
	memset(&s, 0, sizeof(s));

	o.target = "nosuch";
	assert_int_equal(cmig_upgrade(NULL, p, &o), CMIG_ENOTFOUND);
	o.target = "b";
	assert_int_equal(cmig_upgrade(NULL, p, &o), CMIG_EAMBIGUOUS);
	o.target = "+5";
	assert_int_not_equal(cmig_upgrade(NULL, p, &o), CMIG_OK);
	o.target = "a1"; /* older than current: the wrong side */
	assert_int_not_equal(cmig_upgrade(NULL, p, &o), CMIG_OK);
	o.target = "-1"; /* a downgrade step given to upgrade */
	assert_int_not_equal(cmig_upgrade(NULL, p, &o), CMIG_OK);
	o.target = "c3";
	assert_int_not_equal(cmig_downgrade(p, &o), CMIG_OK); /* c3 is above the current b2 */
	o.target = "a1:head"; /* FROM:TO only offline */
	assert_int_not_equal(cmig_upgrade(NULL, p, &o), CMIG_OK);

	assert_int_equal(s.progress, 0);
	assert_true(s.errors >= 6);
	assert_string_equal(VERSION(), "b2");
	assert_string_equal(db_value("test.db", "SELECT count(*) FROM cmig_history"), "2");
	cmig_project_free(p);
}

/* SPEC §4: a failing statement rolls its migration back whole, names file:line, CMIG_ESQL */
static void test_api_failed_migration_is_esql_and_db_unchanged(void **state)
{
	struct seen s = { 0 };
	cmig_project *p = NULL;
	cmig_run_options o;
	make_project();
	write_rev("d4", "c3",
	          "CREATE TABLE t_d4 (id INTEGER);\n"
	          "INSERT INTO t_d4 VALUES (1);\n"
	          "INSERT INTO no_such_table VALUES (1);\n",
	          NULL);
	assert_int_equal(open_with(&p, &s, NULL), CMIG_OK);
	o = run_opts(&s, "b2");
	assert_int_equal(cmig_upgrade(NULL, p, &o), CMIG_OK);
	memset(&s, 0, sizeof(s));
	o.target = "head";
	assert_int_equal(cmig_upgrade(NULL, p, &o), CMIG_ESQL);
	/* migrations before the failing one stay applied; the failing one left nothing */
	assert_string_equal(VERSION(), "c3");
	assert_true(HAS_TABLE("t_c3"));
	assert_false(HAS_TABLE("t_d4"));
	assert_string_equal(db_value("test.db", "SELECT count(*) FROM cmig_history WHERE revision = 'd4'"), "0");
	/* line 9 of versions/d4_d4.sql: 6 header/blank/marker lines, then the third statement */
	assert_non_null(strstr(s.text, "versions/d4_d4.sql:9:"));
	assert_non_null(strstr(s.text, "no such table"));
	cmig_project_free(p);
}

static void test_api_upgrade_check_only_counts_pending_and_touches_nothing(void **state)
{
	struct seen s = { 0 };
	cmig_project *p = NULL;
	cmig_run_options o;
	size_t pending = 99;
	open_made(&p, &s);
	o = run_opts(&s, "head");
	o.flags |= CMIG_RUN_CHECK_ONLY;
	assert_int_equal(cmig_upgrade(&pending, p, &o), CMIG_OK);
	assert_int_equal(pending, 3);
	assert_non_null(strstr(s.output, "a1\n"));
	assert_non_null(strstr(s.output, "c3\n"));
	assert_false(exists("test.db")); /* SPEC §5: it creates no database file either */
	o.flags &= ~(unsigned)CMIG_RUN_CHECK_ONLY;
	assert_int_equal(cmig_upgrade(NULL, p, &o), CMIG_OK);
	o.flags |= CMIG_RUN_CHECK_ONLY;
	assert_int_equal(cmig_upgrade(&pending, p, &o), CMIG_OK);
	assert_int_equal(pending, 0);
	cmig_project_free(p);
}

/* SPEC §5: --sql prints the SQL, including transactions and version rows, and never connects */
static void test_api_offline_sql_goes_to_on_output(void **state)
{
	struct seen s = { 0 };
	cmig_project *p = NULL;
	cmig_run_options o;
	open_made(&p, &s);
	o = run_opts(&s, "a1:head");
	o.flags |= CMIG_RUN_OFFLINE;
	assert_int_equal(cmig_upgrade(NULL, p, &o), CMIG_OK);
	assert_null(strstr(s.output, "CREATE TABLE t_a1"));
	assert_non_null(strstr(s.output, "CREATE TABLE t_b2"));
	assert_non_null(strstr(s.output, "CREATE TABLE t_c3"));
	assert_non_null(strstr(s.output, "cmig_version"));
	assert_non_null(strstr(s.output, "COMMIT"));
	assert_false(exists("test.db"));
	memset(&s, 0, sizeof(s));
	o.target = "a1";
	assert_int_equal(cmig_downgrade(p, &o), CMIG_OK);
	assert_non_null(strstr(s.output, "DROP TABLE t_c3"));
	assert_non_null(strstr(s.output, "DROP TABLE t_b2"));
	assert_null(strstr(s.output, "DROP TABLE t_a1"));
	assert_false(exists("test.db"));
	cmig_project_free(p);
}

static void test_api_downgrade_steps_and_base(void **state)
{
	struct seen s = { 0 };
	cmig_project *p = NULL;
	cmig_run_options o;
	open_made(&p, &s);
	o = run_opts(&s, "head");
	assert_int_equal(cmig_upgrade(NULL, p, &o), CMIG_OK);
	memset(&s, 0, sizeof(s));
	o.target = "-1";
	assert_int_equal(cmig_downgrade(p, &o), CMIG_OK);
	assert_string_equal(s.steps, "c3>b2 ");
	assert_string_equal(VERSION(), "b2");
	assert_false(HAS_TABLE("t_c3"));
	o.target = "base";
	assert_int_equal(cmig_downgrade(p, &o), CMIG_OK);
	assert_string_equal(s.steps, "c3>b2 b2>a1 a1>base ");
	assert_string_equal(VERSION(), "");
	assert_false(HAS_TABLE("t_a1"));
	assert_string_equal(db_value("test.db", "SELECT count(*) FROM cmig_history WHERE direction = 'down'"), "3");
	cmig_project_free(p);
}

/* SPEC §2: a revision without a down section cannot be downgraded past; refused up front */
static void test_api_downgrade_refuses_past_missing_down(void **state)
{
	struct seen s = { 0 };
	cmig_project *p = NULL;
	cmig_run_options o;
	make_project();
	write_rev("b2", "a1", NULL, "@none");
	assert_int_equal(open_with(&p, &s, NULL), CMIG_OK);
	o = run_opts(&s, "head");
	assert_int_equal(cmig_upgrade(NULL, p, &o), CMIG_OK);
	memset(&s, 0, sizeof(s));
	o.target = "base";
	assert_int_not_equal(cmig_downgrade(p, &o), CMIG_OK);
	assert_int_equal(s.progress, 0);
	assert_string_equal(VERSION(), "c3");
	assert_non_null(strstr(s.text, "b2"));
	cmig_project_free(p);
}

/* SPEC §5: stamp sets the version table without running SQL; §7: one `stamp` history row */
static void test_api_stamp_runs_no_sql(void **state)
{
	struct seen s = { 0 };
	cmig_project *p = NULL;
	cmig_run_options o;
	char *cur = NULL;
	open_made(&p, &s);
	o = run_opts(&s, "b2");
	assert_int_equal(cmig_stamp(p, &o), CMIG_OK);
	assert_string_equal(VERSION(), "b2");
	assert_false(HAS_TABLE("t_a1"));
	assert_string_equal(db_value("test.db", "SELECT revision || ',' || checksum FROM cmig_history WHERE direction = 'stamp'"),
	                    "b2,");
	assert_int_equal(cmig_current(&cur, p, &o), CMIG_OK);
	assert_string_equal(cur, "b2");
	cmig_free(cur);
	o.target = "base";
	assert_int_equal(cmig_stamp(p, &o), CMIG_OK);
	assert_string_equal(VERSION(), "");
	o.target = "nosuch";
	assert_int_equal(cmig_stamp(p, &o), CMIG_ENOTFOUND);
	assert_int_equal(s.progress, 0);
	cmig_project_free(p);
}

static void test_api_current_on_missing_sqlite_file_is_base(void **state)
{
	struct seen s = { 0 };
	cmig_project *p = NULL;
	cmig_run_options o;
	char *cur = (char *)&s;
	open_made(&p, &s);
	o = run_opts(&s, NULL);
	assert_int_equal(cmig_current(&cur, p, &o), CMIG_OK);
	assert_null(cur);
	cmig_project_free(p);
}

static void test_api_connection_failure_is_econnect(void **state)
{
	struct seen s = { 0 };
	cmig_project *p = NULL;
	cmig_run_options o;
	char *cur = (char *)&s;
	make_project();
	assert_int_equal(open_with(&p, &s, "sqlite:////nonexistent-dir-cmig/x/test.db"), CMIG_OK);
	o = run_opts(&s, "head");
	assert_int_equal(cmig_upgrade(NULL, p, &o), CMIG_ECONNECT);
	assert_true(s.errors >= 1);
	/* reading needs no file: a SQLite file that does not exist is a database at base (§7) */
	assert_int_equal(cmig_current(&cur, p, &o), CMIG_OK);
	assert_null(cur);
	assert_int_equal(s.progress, 0);
	cmig_project_free(p);
}

/* SPEC §4: a run that has waited a second says so (on_wait, once); after lock_timeout it
 * gives up having changed nothing */
static void test_api_lock_wait_and_timeout(void **state)
{
	struct seen s = { 0 };
	cmig_project *p = NULL;
	cmig_run_options o;
	sqlite3 *holder = NULL;
	open_made(&p, &s);
	o = run_opts(&s, "a1");
	assert_int_equal(cmig_upgrade(NULL, p, &o), CMIG_OK);
	memset(&s, 0, sizeof(s));

	/* another writer holds the database */
	assert_int_equal(sqlite3_open("test.db", &holder), SQLITE_OK);
	assert_int_equal(sqlite3_exec(holder, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
	o.target = "head";
	o.lock_timeout = 1.5;
	assert_int_not_equal(cmig_upgrade(NULL, p, &o), CMIG_OK);
	assert_int_equal(s.waits, 1);
	assert_true(s.errors >= 1);
	assert_int_equal(sqlite3_exec(holder, "ROLLBACK", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(holder);
	assert_string_equal(VERSION(), "a1");
	assert_false(HAS_TABLE("t_b2"));

	/* released: the same run goes through */
	assert_int_equal(cmig_upgrade(NULL, p, &o), CMIG_OK);
	assert_string_equal(VERSION(), "c3");
	cmig_project_free(p);
}

/* SPEC §5 status: the chain oldest first, applied or pending, stamped marked */
static void test_api_status_walk_rows(void **state)
{
	struct seen s = { 0 };
	cmig_project *p = NULL;
	cmig_run_options o;
	char *cur = NULL;
	open_made(&p, &s);
	o = run_opts(&s, NULL);
	assert_int_equal(cmig_status_walk(&cur, p, &o, on_row), CMIG_OK);
	assert_null(cur);
	assert_string_equal(s.row_text, "a1 pending\nb2 pending\nc3 pending\n");

	o.target = "a1";
	assert_int_equal(cmig_stamp(p, &o), CMIG_OK);
	o.target = "b2";
	assert_int_equal(cmig_upgrade(NULL, p, &o), CMIG_OK);
	memset(&s, 0, sizeof(s));
	o.target = NULL;
	assert_int_equal(cmig_status_walk(&cur, p, &o, on_row), CMIG_OK);
	assert_string_equal(cur, "b2");
	assert_int_equal(s.rows, 3);
	assert_string_equal(s.row_text, "a1 applied stamped\nb2 applied\nc3 pending\n");
	cmig_free(cur);

	/* SPEC §5: at a revision no file declares, status reports db-unknown and succeeds; the
	 * rows come from the history alone */
	{
		sqlite3 *db = NULL;
		assert_int_equal(sqlite3_open("test.db", &db), SQLITE_OK);
		assert_int_equal(sqlite3_exec(db, "UPDATE cmig_version SET version_num = 'zz9'", NULL,
		                              NULL, NULL), SQLITE_OK);
		sqlite3_close(db);
	}
	memset(&s, 0, sizeof(s));
	assert_int_equal(cmig_status_walk(&cur, p, &o, on_row), CMIG_OK);
	assert_string_equal(cur, "zz9");
	assert_string_equal(s.row_text, "a1 applied stamped\nb2 applied\nc3 pending\n");
	assert_int_equal(s.errors, 1);
	assert_non_null(strstr(s.text, "db-unknown: the database is at revision zz9"));
	cmig_free(cur);
	assert_int_equal(cmig_status_walk(&cur, p, &o, NULL), CMIG_EUSAGE);
	cmig_project_free(p);
}

/* ---- check, rehash, linearize --------------------------------------------------------------- */

/* SPEC §7: counts; no-down is a warning, an error with strict */
static void test_api_check_counts_and_strict(void **state)
{
	struct seen s = { 0 };
	cmig_project *p = NULL;
	cmig_check_options c = CMIG_CHECK_OPTIONS_INIT;
	size_t errors = 99, warnings = 99;
	make_project();
	write_rev("d4", "c3", NULL, "@none");
	assert_int_equal(open_with(&p, &s, NULL), CMIG_OK);
	c.on_diag = on_diag;
	c.payload = &s;
	assert_int_equal(cmig_check(&errors, &warnings, p, &c), CMIG_OK);
	assert_int_equal(errors, 0);
	assert_int_equal(warnings, 1);
	assert_non_null(strstr(s.text, "warning no-down versions/d4_d4.sql"));
	memset(&s, 0, sizeof(s));
	c.flags |= CMIG_CHECK_STRICT;
	assert_int_not_equal(cmig_check(&errors, &warnings, p, &c), CMIG_OK);
	assert_int_equal(errors, 1);
	assert_int_equal(warnings, 0);
	assert_int_equal(cmig_check(NULL, NULL, p, NULL), CMIG_EUSAGE);
	cmig_project_free(p);
}

/* SPEC §10 through the API: CMIG_CHECK_LINT adds warnings (code = rule), --since and
 * --dialect narrow them, lint off adds nothing; the rule list has every code. */
static void test_api_check_lint(void **state)
{
	struct seen s = { 0 };
	cmig_project *p = NULL;
	cmig_check_options c = CMIG_CHECK_OPTIONS_INIT;
	size_t errors = 99, warnings = 99, n = 0;
	const cmig_lint_rule_info *rules = cmig_lint_rule_list(&n);
	(void)state;
	assert_int_equal(n, 12);
	assert_string_equal(rules[0].code, "lint-index-not-concurrent");
	assert_string_equal(rules[n - 1].code, "lint-blocking");
	for (size_t i = 0; i < n; i++)
		assert_true(rules[i].summary[0] && rules[i].help[0]);
	make_project();
	write_rev("d4", "c3", "ALTER TABLE t_a1 ADD COLUMN n INTEGER NOT NULL;\n", NULL);
	assert_int_equal(open_with(&p, &s, NULL), CMIG_OK);
	c.on_diag = on_diag;
	c.payload = &s;
	assert_int_equal(cmig_check(&errors, &warnings, p, &c), CMIG_OK);
	assert_int_equal(warnings, 0);           /* lint off: nothing */
	c.flags |= CMIG_CHECK_LINT;
	assert_int_equal(cmig_check(&errors, &warnings, p, &c), CMIG_OK);
	assert_int_equal(warnings, 1);
	assert_non_null(strstr(s.text, "warning lint-not-null-without-default versions/d4_d4.sql:7: "));
	memset(&s, 0, sizeof(s));
	c.lint_since = "d4";                     /* nothing after d4 */
	assert_int_equal(cmig_check(&errors, &warnings, p, &c), CMIG_OK);
	assert_int_equal(warnings, 0);
	c.lint_since = "zz";                     /* not in the files: an error */
	assert_int_not_equal(cmig_check(&errors, &warnings, p, &c), CMIG_OK);
	assert_non_null(strstr(s.text, "zz"));
	c.lint_since = NULL;
	c.lint_dialect = "postgresql";           /* PostgreSQL also wants a lock_timeout */
	assert_int_equal(cmig_check(&errors, &warnings, p, &c), CMIG_OK);
	assert_int_equal(warnings, 2);
	c.flags |= CMIG_CHECK_STRICT;
	assert_int_not_equal(cmig_check(&errors, &warnings, p, &c), CMIG_OK);
	assert_int_equal(errors, 2);
	cmig_project_free(p);
}

static void test_api_check_reports_every_chain_problem(void **state)
{
	struct seen s = { 0 };
	cmig_project *p = NULL;
	cmig_check_options c = CMIG_CHECK_OPTIONS_INIT;
	size_t errors = 0, warnings = 0;
	make_project();
	write_rev("x9", "b2", NULL, NULL);  /* branch */
	write_rev("m5", "zz", NULL, NULL);  /* missing parent */
	assert_int_equal(open_with(&p, &s, NULL), CMIG_ECHAIN);
	c.on_diag = on_diag;
	c.payload = &s;
	assert_int_not_equal(cmig_check(&errors, &warnings, p, &c), CMIG_OK);
	assert_true(errors >= 2);
	assert_non_null(strstr(s.text, "error branch "));
	assert_non_null(strstr(s.text, "error missing-parent versions/m5_m5.sql:2:"));
	cmig_project_free(p);
}

/* SPEC §7 drift and rehash */
static void test_api_rehash_accepts_an_edit(void **state)
{
	struct seen s = { 0 };
	cmig_project *p = NULL;
	cmig_run_options o;
	cmig_check_options c = CMIG_CHECK_OPTIONS_INIT;
	size_t errors = 0, count = 99;
	open_made(&p, &s);
	o = run_opts(&s, "b2");
	assert_int_equal(cmig_upgrade(NULL, p, &o), CMIG_OK);
	cmig_project_free(p);

	write_rev("a1", NULL, "CREATE TABLE t_a1 (id INTEGER PRIMARY KEY, extra TEXT);\n", NULL);
	assert_int_equal(open_with(&p, &s, NULL), CMIG_OK);
	c.flags |= CMIG_CHECK_WITH_DATABASE;
	c.on_diag = on_diag;
	c.payload = &s;
	memset(&s, 0, sizeof(s));
	assert_int_not_equal(cmig_check(&errors, NULL, p, &c), CMIG_OK);
	assert_int_equal(errors, 1);
	assert_non_null(strstr(s.text, "error drift versions/a1_a1.sql:"));

	o.target = NULL;
	assert_int_not_equal(cmig_rehash(&count, p, &o, "c3", 0), CMIG_OK); /* not applied */
	assert_int_equal(cmig_rehash(&count, p, &o, "a1", 0), CMIG_OK);
	assert_int_equal(count, 1);
	assert_string_equal(db_value("test.db", "SELECT count(*) FROM cmig_history WHERE direction = 'rehash'"), "1");
	memset(&s, 0, sizeof(s));
	assert_int_equal(cmig_check(&errors, NULL, p, &c), CMIG_OK);
	assert_int_equal(errors, 0);
	assert_int_equal(cmig_rehash(&count, p, &o, NULL, CMIG_REHASH_ALL), CMIG_OK);
	assert_int_equal(count, 0);
	assert_int_equal(cmig_rehash(&count, p, &o, NULL, 0), CMIG_EUSAGE);
	cmig_project_free(p);
}

/* SPEC §7 linearize: dry run reports and writes nothing; the real run fixes the chain */
static void test_api_linearize_dry_run_then_real(void **state)
{
	struct seen s = { 0 };
	cmig_project *p = NULL;
	cmig_run_options o;
	char *before, *after;
	make_project();
	write_rev("x9", "b2", NULL, NULL); /* created 2026-11-20 sorts before c3's 2026-11-29 */
	assert_int_equal(open_with(&p, &s, NULL), CMIG_ECHAIN);
	o = run_opts(&s, NULL);
	before = read_file("versions/c3_c3.sql");
	assert_int_equal(cmig_linearize(p, &o, CMIG_LINEARIZE_DRY_RUN, on_relink), CMIG_OK);
	assert_string_equal(s.relinks, "versions/c3_c3.sql: b2 -> x9\n");
	after = read_file("versions/c3_c3.sql");
	assert_string_equal(before, after);
	free(after);
	memset(&s, 0, sizeof(s));
	assert_int_equal(cmig_linearize(p, &o, 0, on_relink), CMIG_OK);
	assert_string_equal(s.relinks, "versions/c3_c3.sql: b2 -> x9\n");
	after = read_file("versions/c3_c3.sql");
	assert_non_null(strstr(after, "-- down_revision: x9\n"));
	free(before);
	free(after);
	cmig_project_free(p);
	assert_int_equal(open_with(&p, &s, NULL), CMIG_OK);
	assert_string_equal(cmig_revision_id(cmig_project_head(p)), "c3");
	cmig_project_free(p);
}

static void test_api_linearize_refuses_a_cycle(void **state)
{
	struct seen s = { 0 };
	cmig_project *p = NULL;
	cmig_run_options o;
	assert_int_equal(mkdir("versions", 0777), 0);
	write_file("cmig.yaml", "database_url: sqlite:///test.db\n");
	write_rev("a1", NULL, NULL, NULL);
	write_rev("m5", "zz", NULL, NULL); /* missing parent: not a branch */
	assert_int_equal(open_with(&p, &s, NULL), CMIG_ECHAIN);
	o = run_opts(&s, NULL);
	memset(&s, 0, sizeof(s));
	assert_int_not_equal(cmig_linearize(p, &o, CMIG_LINEARIZE_DRY_RUN, on_relink), CMIG_OK);
	assert_string_equal(s.relinks, "");
	assert_true(s.errors >= 1);
	cmig_project_free(p);
}

/* ---- revision_create ------------------------------------------------------------------------ */

/* SPEC §5 revision: after the head of the files; never overwrite; the slug rule */
static void test_api_revision_create(void **state)
{
	struct seen s = { 0 };
	cmig_project *p = NULL;
	cmig_revision_options r = CMIG_REVISION_OPTIONS_INIT;
	char *path = NULL, *text;
	open_made(&p, &s);
	r.message = "Add Users / and ../ more!";
	r.rev_id = "d4";
	r.created = "2026-11-23T12:00:00Z";
	r.on_diag = on_diag;
	r.payload = &s;
	assert_int_equal(cmig_revision_create(&path, p, &r), CMIG_OK);
	assert_string_equal(path, "versions/d4_add_users_and_more.sql");
	text = read_file(path);
	assert_non_null(strstr(text, "-- revision: d4\n"));
	assert_non_null(strstr(text, "-- down_revision: c3\n"));
	assert_non_null(strstr(text, "2026-11-23T12:00:00Z"));
	free(text);
	cmig_free(path);

	path = (char *)&s;
	r.rev_id = "c3";
	assert_int_equal(cmig_revision_create(&path, p, &r), CMIG_EEXISTS);
	assert_null(path);
	r.rev_id = "head";
	assert_int_equal(cmig_revision_create(&path, p, &r), CMIG_EUSAGE);
	r.rev_id = "bad-id";
	assert_int_equal(cmig_revision_create(&path, p, &r), CMIG_EUSAGE);
	r.rev_id = NULL;
	r.message = NULL;
	assert_int_equal(cmig_revision_create(&path, p, &r), CMIG_EUSAGE);
	cmig_project_free(p);

	/* a generated id: 12 lowercase hex digits, after the new head d4 */
	assert_int_equal(open_with(&p, &s, NULL), CMIG_OK);
	r.message = "second";
	assert_int_equal(cmig_revision_create(&path, p, &r), CMIG_OK);
	assert_int_equal(strlen(path), strlen("versions/") + 12 + strlen("_second.sql"));
	assert_int_equal(strspn(path + 9, "0123456789abcdef"), 12);
	text = read_file(path);
	assert_non_null(strstr(text, "-- down_revision: d4\n"));
	free(text);
	cmig_free(path);
	cmig_project_free(p);
}

static void test_api_revision_create_on_branched_chain_refuses(void **state)
{
	struct seen s = { 0 };
	cmig_project *p = NULL;
	cmig_revision_options r = CMIG_REVISION_OPTIONS_INIT;
	char *path = NULL;
	make_project();
	write_rev("x9", "b2", NULL, NULL);
	assert_int_equal(open_with(&p, &s, NULL), CMIG_ECHAIN);
	r.message = "more";
	r.on_diag = on_diag;
	r.payload = &s;
	assert_int_equal(cmig_revision_create(&path, p, &r), CMIG_ECHAIN);
	assert_null(path);
	cmig_project_free(p);
}

/* The bundled example project (cmig.yaml + versions/ at the repository root) upgrades and
 * downgrades whole on SQLite through the API. */
static void test_api_bundled_example_round_trip(void **state)
{
	struct seen s = { 0 };
	cmig_open_options oo = CMIG_OPEN_OPTIONS_INIT;
	cmig_project *p = NULL;
	cmig_run_options o;
	oo.config_path = CMIG_SOURCE_DIR "/cmig.yaml";
	oo.flags |= CMIG_OPEN_CONFIG_REQUIRED;
	oo.url = "sqlite:///test.db";
	oo.on_diag = on_diag;
	oo.payload = &s;
	assert_int_equal(cmig_project_open(&p, &oo), CMIG_OK);
	assert_int_equal(cmig_project_count(p), 7);
	o = run_opts(&s, "head");
	assert_int_equal(cmig_upgrade(NULL, p, &o), CMIG_OK);
	assert_string_equal(VERSION(), cmig_revision_id(cmig_project_head(p)));
	o.target = "base";
	assert_int_equal(cmig_downgrade(p, &o), CMIG_OK);
	assert_string_equal(VERSION(), "");
	assert_int_equal(s.errors, 0);
	cmig_project_free(p);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_api_version_string_names_sqlite_and_libpq),
		T(test_api_status_name_every_code),
		T(test_api_free_null_is_noop),
		T(test_api_init_creates_and_never_overwrites),
		T(test_api_init_error_when_dir_is_a_file),
		T(test_api_open_and_accessors),
		T(test_api_open_default_url_is_not_a_configured_database),
		T(test_api_open_null_options_is_usage_error),
		T(test_api_options_init_and_version_check),
		T(test_api_open_bad_config_names_file_and_line),
		T(test_api_open_missing_config_when_required),
		T(test_api_open_missing_versions_dir),
		T(test_api_open_branched_chain_is_echain_with_diagnostics),
		T(test_api_open_parse_error_is_reported_at_its_line),
		T(test_api_embedded_files_open_and_upgrade),
		T(test_api_embedded_files_branch_is_echain),
		T(test_api_ignore_config_file_skips_a_stray_cmig_yaml),
		T(test_api_upgrade_to_head_then_noop),
		T(test_api_upgrade_relative_and_prefix_targets),
		T(test_api_upgrade_bad_targets_change_nothing),
		T(test_api_failed_migration_is_esql_and_db_unchanged),
		T(test_api_upgrade_check_only_counts_pending_and_touches_nothing),
		T(test_api_offline_sql_goes_to_on_output),
		T(test_api_downgrade_steps_and_base),
		T(test_api_downgrade_refuses_past_missing_down),
		T(test_api_stamp_runs_no_sql),
		T(test_api_current_on_missing_sqlite_file_is_base),
		T(test_api_connection_failure_is_econnect),
		T(test_api_lock_wait_and_timeout),
		T(test_api_status_walk_rows),
		T(test_api_check_counts_and_strict),
		T(test_api_check_reports_every_chain_problem),
		T(test_api_check_lint),
		T(test_api_rehash_accepts_an_edit),
		T(test_api_linearize_dry_run_then_real),
		T(test_api_linearize_refuses_a_cycle),
		T(test_api_revision_create),
		T(test_api_revision_create_on_branched_chain_refuses),
		T(test_api_bundled_example_round_trip),
	};
	return cmocka_run_group_tests_name("api", tests, NULL, NULL);
}
