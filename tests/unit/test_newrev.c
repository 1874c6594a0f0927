/*
 * test_newrev.c - project/newrev.c: `cmig revision` rendering and file naming (SPEC §1, §5).
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
#include "fs.h"
#include "newrev.h"

struct fixture {
	struct tmpdir tmp;
	cmig_diags d;
	cmig_buf out;
	char *path;
};

static int setup(void **state)
{
	cmig_diags d = CMIG_DIAGS_INIT;
	if (tmpfix_setup(state, "newrev", sizeof(struct fixture), offsetof(struct fixture, d)) != 0 ||
	    cmig_fs_mkdirs("versions", &d) != CMIG_OK)
		return -1;
	cmig_buf_init(&((struct fixture *)*state)->out, 0);
	return 0;
}

static int teardown(void **state)
{
	struct fixture *x = *state;
	cmig_buf_release(&x->out);
	free(x->path);
	return tmpfix_teardown(state, offsetof(struct fixture, d));
}

static char *slurp(const char *path)
{
	cmig_buf b = CMIG_BUF_INIT;
	cmig_diags d = CMIG_DIAGS_INIT;
	assert_int_equal(cmig_fs_read(&b, path, path, 1 << 20, &d), CMIG_OK);
	cmig_diags_release(&d);
	return cmig_buf_detach(&b);
}

static void test_newrev_template_file_matches_builtin(void **state)
{
	char *text = slurp(CMIG_SOURCE_DIR "/templates/revision.sql.tmpl");
	(void)state;
	assert_string_equal(text, cmig_newrev_default_template);
	free(text);
}

/* The default template rendered for 5d2e6f1a9b3c "add comments" after 1a2b3c4d5e6f. */
static const char add_comments_rev[] = "-- revision: 5d2e6f1a9b3c\n"
                                       "-- down_revision: 1a2b3c4d5e6f\n"
                                       "-- message: add comments\n"
                                       "-- created: 2026-11-22T10:15:00Z\n"
                                       "\n"
                                       "-- migrate:up\n"
                                       "\n"
                                       "\n"
                                       "-- migrate:down\n"
                                       "\n";

static void test_newrev_render_default(void **state)
{
	struct fixture *x = *state;
	assert_int_equal(cmig_newrev_render(&x->out, cmig_newrev_default_template, NULL,
	                                    "5d2e6f1a9b3c", "1a2b3c4d5e6f", "add comments",
	                                    "2026-11-22T10:15:00Z", &x->d), CMIG_OK);
	assert_string_equal(x->out.ptr, add_comments_rev);
}

static void test_newrev_render_root_and_control_chars(void **state)
{
	struct fixture *x = *state;
	assert_int_equal(cmig_newrev_render(&x->out, "d=${down_revision}|m=${message}|", "t.tmpl",
	                                    "ab", NULL, "one\ntwo\tthree\r\x7f", "c", &x->d), CMIG_OK);
	assert_string_equal(x->out.ptr, "d=|m=one two three  |");
}

static void test_newrev_render_substitutes_once(void **state)
{
	struct fixture *x = *state;
	/* A message that looks like a placeholder is text, not another substitution. */
	assert_int_equal(cmig_newrev_render(&x->out, "${message} ${revision}${revision}", "t.tmpl",
	                                    "ab", NULL, "${revision}", "c", &x->d), CMIG_OK);
	assert_string_equal(x->out.ptr, "${revision} abab");
}

static void test_newrev_render_unknown_placeholder(void **state)
{
	struct fixture *x = *state;
	assert_int_equal(cmig_newrev_render(&x->out, "-- revision: ${revision}\n\n-- by: ${author}\n",
	                                    "templates/revision.sql.tmpl", "ab", NULL, "m", "c",
	                                    &x->d), CMIG_ERROR);
	assert_int_equal(x->d.errors, 1);
	assert_string_equal(x->d.items[0].path, "templates/revision.sql.tmpl");
	assert_int_equal(x->d.items[0].line, 3);
	assert_non_null(strstr(x->d.items[0].message, "${author}"));
	/* Unterminated, on line 2. */
	assert_int_equal(cmig_newrev_render(&x->out, "a\n${revision\n", "t.tmpl", "ab", NULL, "m",
	                                    "c", &x->d), CMIG_ERROR);
	assert_int_equal(x->d.items[1].line, 2);
}

/* Create and check the file name (relative to versions/) and that it exists there. */
static void create_named(struct fixture *x, const char *message, const char *expect_name)
{
	char *expect = cmig_asprintf("versions/%s", expect_name);
	free(x->path);
	x->path = NULL;
	assert_int_equal(cmig_newrev_create(&x->path, "versions", NULL, "1a2b", NULL, message,
	                                    "2026-11-22T10:15:00Z", &x->d), CMIG_OK);
	assert_string_equal(x->path, expect);
	assert_true(cmig_fs_exists(expect));
	unlink(expect);
	free(expect);
}

static void test_newrev_file_names(void **state)
{
	struct fixture *x = *state;
	create_named(x, "Add Comments!", "1a2b_add_comments.sql");
	create_named(x, "../../x", "1a2b_x.sql");
	create_named(x, "", "1a2b.sql");
	create_named(x, "!!!", "1a2b.sql");
	create_named(x, NULL, "1a2b.sql");
	/* Non-ASCII bytes are outside [a-z0-9]: "é" (two bytes) is one '_'. */
	create_named(x, "Ajout de données", "1a2b_ajout_de_donn_es.sql");
	/* 60 characters: cut to 40. */
	create_named(x, "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij",
	             "1a2b_abcdefghijabcdefghijabcdefghijabcdefghij.sql");
	/* Cut to 40 ends on the '_' of "x y": trimmed after the cut. */
	create_named(x, "abcdefghijabcdefghijabcdefghijabcdefghi more words here",
	             "1a2b_abcdefghijabcdefghijabcdefghijabcdefghi.sql");
	assert_int_equal(x->d.n, 0);
}

static void test_newrev_file_content(void **state)
{
	struct fixture *x = *state;
	char *text;
	assert_int_equal(cmig_newrev_create(&x->path, "versions", NULL, "5d2e6f1a9b3c",
	                                    "1a2b3c4d5e6f", "add comments", "2026-11-22T10:15:00Z",
	                                    &x->d), CMIG_OK);
	assert_string_equal(x->path, "versions/5d2e6f1a9b3c_add_comments.sql");
	text = slurp(x->path);
	assert_string_equal(text, add_comments_rev);
	free(text);
}

static void test_newrev_custom_template_and_now(void **state)
{
	struct fixture *x = *state;
	cmig_diags d = CMIG_DIAGS_INIT;
	char *text;
	const char *tmpl = "-- revision: ${revision}\n-- created: ${created}\n-- migrate:up\n";
	assert_int_equal(cmig_fs_write_new("my.tmpl", tmpl, strlen(tmpl), &d), CMIG_OK);
	assert_int_equal(cmig_newrev_create(&x->path, "versions", "my.tmpl", "ab", NULL, "m", NULL,
	                                    &x->d), CMIG_OK);
	text = slurp(x->path);
	/* created defaults to now: "YYYY-MM-DDTHH:MM:SSZ". */
	assert_true(!strncmp(text, "-- revision: ab\n-- created: ", 28));
	assert_int_equal(strlen(text), 28 + 20 + 1 + 14);
	assert_int_equal(text[28 + 19], 'Z');
	free(text);
	cmig_diags_release(&d);
}

static void test_newrev_never_overwrites(void **state)
{
	struct fixture *x = *state;
	cmig_diags d = CMIG_DIAGS_INIT;
	char *text;
	assert_int_equal(cmig_fs_write_new("versions/ab_m.sql", "keep\n", 5, &d), CMIG_OK);
	assert_int_equal(cmig_newrev_create(&x->path, "versions", NULL, "ab", NULL, "m", "c", &x->d),
	                 CMIG_EEXISTS);
	assert_null(x->path);
	text = slurp("versions/ab_m.sql");
	assert_string_equal(text, "keep\n");
	free(text);
	cmig_diags_release(&d);
}

static void test_newrev_refusals(void **state)
{
	struct fixture *x = *state;
	/* Reserved words and path characters are not revision ids. */
	assert_int_equal(cmig_newrev_create(&x->path, "versions", NULL, "HEAD", NULL, "m", "c", &x->d),
	                 CMIG_EUSAGE);
	assert_int_equal(cmig_newrev_create(&x->path, "versions", NULL, "../x", NULL, "m", "c", &x->d),
	                 CMIG_EUSAGE);
	/* No versions/: a hint to run cmig init. */
	assert_int_equal(cmig_newrev_create(&x->path, "nowhere", NULL, "ab", NULL, "m", "c", &x->d),
	                 CMIG_ENOTFOUND);
	assert_non_null(strstr(x->d.items[2].hint, "cmig init"));
	/* A template with an unknown placeholder writes nothing. */
	{
		cmig_diags d = CMIG_DIAGS_INIT;
		assert_int_equal(cmig_fs_write_new("bad.tmpl", "x\n${nope}\n", 10, &d), CMIG_OK);
		cmig_diags_release(&d);
	}
	assert_int_equal(cmig_newrev_create(&x->path, "versions", "bad.tmpl", "ab", NULL, "m", "c",
	                                    &x->d), CMIG_ERROR);
	assert_string_equal(x->d.items[3].path, "bad.tmpl");
	assert_int_equal(x->d.items[3].line, 2);
	assert_false(cmig_fs_exists("versions/ab_m.sql"));
	/* A missing template is named. */
	assert_int_equal(cmig_newrev_create(&x->path, "versions", "missing.tmpl", "ab", NULL, "m",
	                                    "c", &x->d), CMIG_ENOTFOUND);
	assert_string_equal(x->d.items[4].path, "missing.tmpl");
	assert_null(x->path);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_newrev_template_file_matches_builtin),
		T(test_newrev_render_default),
		T(test_newrev_render_root_and_control_chars),
		T(test_newrev_render_substitutes_once),
		T(test_newrev_render_unknown_placeholder),
		T(test_newrev_file_names),
		T(test_newrev_file_content),
		T(test_newrev_custom_template_and_now),
		T(test_newrev_never_overwrites),
		T(test_newrev_refusals),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
