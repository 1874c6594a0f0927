/*
 * test_config.c - project/config.c: cmig.yaml keys, defaults, precedence and paths (SPEC §1).
 *
 * Each test runs in a fresh temporary directory (the process's cwd) so "./cmig.yaml" and
 * relative paths mean something fixed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "tmpfix.h"

#include "buf.h"
#include "config.h"
#include "fs.h"

struct fixture {
	struct tmpdir tmp;
	struct cmig_config c;
	cmig_diags d;
};

static int setup(void **state)
{
	return tmpfix_setup(state, "config", sizeof(struct fixture), offsetof(struct fixture, d));
}

static int teardown(void **state)
{
	struct fixture *x = *state;
	cmig_config_release(&x->c);
	return tmpfix_teardown(state, offsetof(struct fixture, d));
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

static int load(struct fixture *x, const char *path, bool required, const char *flag,
                const char *env)
{
	struct cmig_config_given given = { .url = flag, .env_url = env };
	cmig_config_release(&x->c);
	return cmig_config_load(&x->c, path, required, &given, &x->d);
}

static void assert_defaults_except_paths(const struct cmig_config *c)
{
	assert_string_equal(c->version_table, "cmig_version");
	assert_null(c->version_table_schema);
	assert_string_equal(c->history_table, "cmig_history");
	assert_true(c->sqlite_foreign_keys);
}

static void test_config_no_file_gives_defaults(void **state)
{
	struct fixture *x = *state;
	assert_int_equal(load(x, NULL, false, NULL, NULL), CMIG_OK);
	assert_null(x->c.path);
	assert_string_equal(x->c.dir, ".");
	assert_string_equal(x->c.database_url, "sqlite:///cmig.db");
	assert_null(x->c.url_base_dir);   /* no cmig.yaml: the current directory */
	assert_false(x->c.url_configured);
	assert_string_equal(x->c.versions_dir, "versions");
	assert_null(x->c.template_path);
	assert_defaults_except_paths(&x->c);
	assert_int_equal(x->d.n, 0);
	/* -c naming a missing file without `required` is the same. */
	assert_int_equal(load(x, "nope.yaml", false, NULL, NULL), CMIG_OK);
	assert_null(x->c.path);
}

static void test_config_missing_required_file(void **state)
{
	struct fixture *x = *state;
	assert_int_equal(load(x, "conf/nope.yaml", true, NULL, NULL), CMIG_ENOTFOUND);
	assert_int_equal(x->d.errors, 1);
	assert_string_equal(x->d.items[0].path, "conf/nope.yaml");
	assert_non_null(strstr(x->d.items[0].message, "not found"));
}

static void test_config_empty_file_gives_defaults(void **state)
{
	struct fixture *x = *state;
	put("cmig.yaml", "");
	assert_int_equal(load(x, NULL, false, NULL, NULL), CMIG_OK);
	assert_string_equal(x->c.path, "cmig.yaml");
	assert_string_equal(x->c.dir, ".");
	assert_string_equal(x->c.database_url, "sqlite:///cmig.db");
	/* The default URL with a cmig.yaml found: relative to the config's directory. */
	assert_string_equal(x->c.url_base_dir, ".");
	assert_false(x->c.url_configured);
	assert_defaults_except_paths(&x->c);
	assert_int_equal(x->d.n, 0);
	/* Comments only, and a bare document marker, are empty too. */
	cmig_config_release(&x->c);
	unlink("cmig.yaml");
	put("cmig.yaml", "# nothing yet\n---\n");
	assert_int_equal(load(x, NULL, false, NULL, NULL), CMIG_OK);
	assert_string_equal(x->c.database_url, "sqlite:///cmig.db");
	assert_int_equal(x->d.n, 0);
}

static void test_config_every_key_relative_to_config_dir(void **state)
{
	struct fixture *x = *state;
	put("proj/cmig.yaml",
	    "# project settings\n"
	    "database_url: sqlite:///app.db\n"
	    "versions_dir: migrations\n"
	    "template: tmpl/new.sql.tmpl\n"
	    "version_table: app_version\n"
	    "version_table_schema: ops\n"
	    "history_table: 'app_history'\n"
	    "sqlite_foreign_keys: off\n");
	assert_int_equal(load(x, "proj/cmig.yaml", true, NULL, NULL), CMIG_OK);
	assert_string_equal(x->c.path, "proj/cmig.yaml");
	assert_string_equal(x->c.dir, "proj");
	assert_string_equal(x->c.database_url, "sqlite:///app.db");
	assert_string_equal(x->c.url_base_dir, "proj");
	assert_true(x->c.url_configured);
	assert_string_equal(x->c.versions_dir, "proj/migrations");
	assert_string_equal(x->c.template_path, "proj/tmpl/new.sql.tmpl");
	assert_string_equal(x->c.version_table, "app_version");
	assert_string_equal(x->c.version_table_schema, "ops");
	assert_string_equal(x->c.history_table, "app_history");
	assert_false(x->c.sqlite_foreign_keys);
	assert_int_equal(x->d.n, 0);
}

static void test_config_absolute_paths_stay(void **state)
{
	struct fixture *x = *state;
	put("proj/cmig.yaml", "versions_dir: /srv/versions\ntemplate: /srv/t.tmpl\n");
	assert_int_equal(load(x, "proj/cmig.yaml", true, NULL, NULL), CMIG_OK);
	assert_string_equal(x->c.versions_dir, "/srv/versions");
	assert_string_equal(x->c.template_path, "/srv/t.tmpl");
}

static void test_config_default_template_when_present(void **state)
{
	struct fixture *x = *state;
	put("proj/cmig.yaml", "versions_dir: versions\n");
	assert_int_equal(load(x, "proj/cmig.yaml", true, NULL, NULL), CMIG_OK);
	assert_null(x->c.template_path);
	put("proj/templates/revision.sql.tmpl", "-- revision: ${revision}\n");
	assert_int_equal(load(x, "proj/cmig.yaml", true, NULL, NULL), CMIG_OK);
	assert_string_equal(x->c.template_path, "proj/templates/revision.sql.tmpl");
}

static void test_config_url_precedence(void **state)
{
	struct fixture *x = *state;
	put("proj/cmig.yaml", "database_url: sqlite:///from-file.db\n");
	/* flag > env > file > default */
	assert_int_equal(load(x, "proj/cmig.yaml", true, "sqlite:///flag.db", "sqlite:///env.db"),
	                 CMIG_OK);
	assert_string_equal(x->c.database_url, "sqlite:///flag.db");
	assert_null(x->c.url_base_dir);
	assert_true(x->c.url_configured);
	assert_int_equal(load(x, "proj/cmig.yaml", true, NULL, "sqlite:///env.db"), CMIG_OK);
	assert_string_equal(x->c.database_url, "sqlite:///env.db");
	assert_null(x->c.url_base_dir);
	assert_int_equal(load(x, "proj/cmig.yaml", true, NULL, ""), CMIG_OK);
	assert_string_equal(x->c.database_url, "sqlite:///from-file.db");
	assert_string_equal(x->c.url_base_dir, "proj");
	assert_int_equal(load(x, NULL, false, NULL, "postgresql://h/db"), CMIG_OK);
	assert_string_equal(x->c.database_url, "postgresql://h/db");
	assert_int_equal(load(x, NULL, false, NULL, NULL), CMIG_OK);
	assert_string_equal(x->c.database_url, "sqlite:///cmig.db");
	assert_false(x->c.url_configured);
}

static void test_config_booleans(void **state)
{
	struct fixture *x = *state;
	static const char *const yes[] = { "true", "yes", "on", "True", "ON" };
	static const char *const no[] = { "false", "no", "off", "FALSE", "No" };
	for (size_t i = 0; i < 5; i++) {
		char *text = cmig_asprintf("sqlite_foreign_keys: %s\n", yes[i]);
		unlink("cmig.yaml");
		put("cmig.yaml", text);
		free(text);
		assert_int_equal(load(x, NULL, false, NULL, NULL), CMIG_OK);
		assert_true(x->c.sqlite_foreign_keys);
		text = cmig_asprintf("sqlite_foreign_keys: %s\n", no[i]);
		unlink("cmig.yaml");
		put("cmig.yaml", text);
		free(text);
		assert_int_equal(load(x, NULL, false, NULL, NULL), CMIG_OK);
		assert_false(x->c.sqlite_foreign_keys);
	}
}

static void test_config_bad_yaml_names_line_and_column(void **state)
{
	struct fixture *x = *state;
	/* A mapping value where none may start: libyaml marks the ':' after "b", line 2,
	 * column 4. */
	put("cmig.yaml", "versions_dir: a\n  b: c\n");
	assert_int_equal(load(x, NULL, false, NULL, NULL), CMIG_ERROR);
	assert_int_equal(x->d.errors, 1);
	assert_string_equal(x->d.items[0].path, "cmig.yaml");
	assert_int_equal(x->d.items[0].line, 2);
	assert_int_equal(x->d.items[0].column, 4);
	assert_null(x->d.items[0].kind);
	assert_non_null(strstr(x->d.items[0].message, "invalid YAML"));
}

static void test_config_wrong_types_name_line_and_column(void **state)
{
	struct fixture *x = *state;
	put("cmig.yaml",
	    "versions_dir: [a, b]\n"
	    "sqlite_foreign_keys: maybe\n"
	    "history_table:\n"
	    "  nested: 1\n");
	assert_int_equal(load(x, NULL, false, NULL, NULL), CMIG_ERROR);
	/* All three reported. */
	assert_int_equal(x->d.errors, 3);
	assert_int_equal(x->d.items[0].line, 1);
	assert_int_equal(x->d.items[0].column, 15);
	assert_string_equal(x->d.items[0].message, "key \"versions_dir\" must be a string, not a list");
	assert_int_equal(x->d.items[1].line, 2);
	assert_int_equal(x->d.items[1].column, 22);
	assert_non_null(strstr(x->d.items[1].message, "sqlite_foreign_keys"));
	assert_int_equal(x->d.items[2].line, 4);
	assert_int_equal(x->d.items[2].column, 3);
	assert_string_equal(x->d.items[2].message,
	                    "key \"history_table\" must be a string, not a mapping");
}

static void test_config_unknown_key_warns(void **state)
{
	struct fixture *x = *state;
	put("cmig.yaml", "colour: blue\nversions_dir: v\nextras: [1, {a: b}]\n");
	assert_int_equal(load(x, NULL, false, NULL, NULL), CMIG_OK);
	assert_int_equal(x->d.errors, 0);
	assert_int_equal(x->d.warnings, 2);
	assert_int_equal(x->d.items[0].severity, CMIG_DIAG_WARNING);
	assert_string_equal(x->d.items[0].path, "cmig.yaml");
	assert_int_equal(x->d.items[0].line, 1);
	assert_int_equal(x->d.items[0].column, 1);
	assert_non_null(strstr(x->d.items[0].message, "\"colour\""));
	assert_int_equal(x->d.items[1].line, 3);
	assert_string_equal(x->c.versions_dir, "v");
}

static void test_config_repeated_key_and_non_mapping(void **state)
{
	struct fixture *x = *state;
	put("cmig.yaml", "version_table: a\nversion_table: b\n");
	assert_int_equal(load(x, NULL, false, NULL, NULL), CMIG_ERROR);
	assert_int_equal(x->d.items[0].line, 2);
	assert_non_null(strstr(x->d.items[0].message, "twice"));
	unlink("cmig.yaml");
	put("cmig.yaml", "- a\n- b\n");
	assert_int_equal(load(x, NULL, false, NULL, NULL), CMIG_ERROR);
	assert_int_equal(x->d.items[1].line, 1);
	unlink("cmig.yaml");
	put("cmig.yaml", "just text\n");
	assert_int_equal(load(x, NULL, false, NULL, NULL), CMIG_ERROR);
	assert_non_null(strstr(x->d.items[2].message, "mapping"));
}

static void test_config_null_value_means_default(void **state)
{
	struct fixture *x = *state;
	put("cmig.yaml", "version_table:\nversion_table_schema: ~\nhistory_table: ''\n");
	assert_int_equal(load(x, NULL, false, NULL, NULL), CMIG_OK);
	assert_defaults_except_paths(&x->c);
}

/* SPEC §8 schema_file: a scalar, or a map of dialect to file (each resolved beside the
 * config); key errors at their line and column, every one reported, later keys still read. */
static void test_config_schema_file_map(void **state)
{
	struct fixture *x = *state;
	put("sub/cmig.yaml", "schema_file:\n  sqlite: s.sql\n  postgres: db/p.sql\nversions_dir: v\n");
	assert_int_equal(load(x, "sub/cmig.yaml", true, NULL, NULL), CMIG_OK);
	assert_null(x->c.schema_file);
	assert_string_equal(x->c.schema_files[1], "sub/s.sql");
	assert_string_equal(x->c.schema_files[2], "sub/db/p.sql");
	assert_int_equal(x->c.schema_file_line, 1);
	assert_int_equal(x->c.schema_files_line[1], 2);
	assert_int_equal(x->c.schema_files_line[2], 3);
	assert_string_equal(x->c.versions_dir, "sub/v");
	/* one key only; the scalar form and the default */
	unlink("sub/cmig.yaml");
	put("sub/cmig.yaml", "schema_file: {postgresql: p.sql}\n");
	assert_int_equal(load(x, "sub/cmig.yaml", true, NULL, NULL), CMIG_OK);
	assert_null(x->c.schema_files[1]);
	assert_string_equal(x->c.schema_files[2], "sub/p.sql");
	unlink("sub/cmig.yaml");
	put("sub/cmig.yaml", "versions_dir: v\n");
	assert_int_equal(load(x, "sub/cmig.yaml", true, NULL, NULL), CMIG_OK);
	assert_string_equal(x->c.schema_file, "sub/schema.sql");
	assert_null(x->c.schema_files[1]);
	assert_null(x->c.schema_files[2]);
	/* errors: an unknown dialect, a repeat, a list value; all reported; then an empty map */
	unlink("sub/cmig.yaml");
	put("sub/cmig.yaml", "schema_file:\n  mysql: m.sql\n  sqlite: a.sql\n  sqlite: b.sql\n"
	                     "  postgresql: [x]\nversion_table: [1]\n");
	assert_int_equal(load(x, "sub/cmig.yaml", true, NULL, NULL), CMIG_ERROR);
	assert_int_equal(x->d.errors, 4);
	assert_int_equal(x->d.items[0].line, 2);
	assert_int_equal(x->d.items[0].column, 3);
	assert_string_equal(x->d.items[0].message,
	                    "key \"schema_file\": unknown dialect \"mysql\" (expected sqlite or "
	                    "postgresql)");
	assert_int_equal(x->d.items[1].line, 4);
	assert_string_equal(x->d.items[1].message,
	                    "key \"schema_file\": sqlite appears twice (lines 3 and 4)");
	assert_int_equal(x->d.items[2].line, 5);
	assert_string_equal(x->d.items[2].message,
	                    "key \"schema_file\": postgresql needs a file name, not a list");
	assert_int_equal(x->d.items[3].line, 6); /* the key after the map is still read */
	unlink("sub/cmig.yaml");
	put("sub/cmig.yaml", "schema_file: {}\n");
	assert_int_equal(load(x, "sub/cmig.yaml", true, NULL, NULL), CMIG_ERROR);
	assert_int_equal(x->d.items[4].line, 1);
	assert_non_null(strstr(x->d.items[4].message, "the map names no file"));
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_config_schema_file_map),
		T(test_config_no_file_gives_defaults),
		T(test_config_missing_required_file),
		T(test_config_empty_file_gives_defaults),
		T(test_config_every_key_relative_to_config_dir),
		T(test_config_absolute_paths_stay),
		T(test_config_default_template_when_present),
		T(test_config_url_precedence),
		T(test_config_booleans),
		T(test_config_bad_yaml_names_line_and_column),
		T(test_config_wrong_types_name_line_and_column),
		T(test_config_unknown_key_warns),
		T(test_config_repeated_key_and_non_mapping),
		T(test_config_null_value_means_default),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
