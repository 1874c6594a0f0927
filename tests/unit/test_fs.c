/*
 * test_fs.c - util/fs.h on real files in a fresh temporary directory: a read appends the
 * whole file and refuses (with a diagnostic naming the shown path) a missing file, a
 * directory, a dangling link and a file past the ceiling; a listing is sorted bytewise without
 * "." and ".."; write_new never overwrites; replace keeps the mode; mkdirs makes every level
 * and accepts what exists; and the path helpers join, cut and display as SPEC §3 prints paths.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fs.h"
#include "tmpdir.h"

static int setup(void **state)
{
	return tmpdir_setup(state, "fs");
}

static int teardown(void **state)
{
	return tmpdir_teardown(state);
}

/* The one error record in d: its path, code and message contain `msg`. */
static void assert_one_error(const cmig_diags *d, const char *path, int code, const char *msg)
{
	assert_int_equal(d->n, 1);
	assert_int_equal(d->errors, 1);
	assert_int_equal(d->items[0].code, code);
	assert_string_equal(d->items[0].path, path);
	assert_non_null(strstr(d->items[0].message, msg));
}

static void test_fs_read_appends_whole_file(void **state)
{
	cmig_buf b = CMIG_BUF_INIT;
	cmig_diags d = CMIG_DIAGS_INIT;
	(void)state;
	assert_int_equal(tmpdir_write_file("a.sql", "line one\nline two\n"), 0);
	assert_int_equal(cmig_buf_puts(&b, ">>"), CMIG_OK);
	assert_int_equal(cmig_fs_read(&b, "a.sql", "shown/a.sql", CMIG_FILE_MAX, &d), CMIG_OK);
	assert_int_equal(b.len, 20);
	assert_string_equal(b.ptr, ">>line one\nline two\n");
	assert_int_equal(d.n, 0);
	/* an empty file reads as nothing, and the buffer stays terminated */
	assert_int_equal(tmpdir_write_file("empty.sql", ""), 0);
	cmig_buf_clear(&b);
	assert_int_equal(cmig_fs_read(&b, "empty.sql", "empty.sql", CMIG_FILE_MAX, &d), CMIG_OK);
	assert_int_equal(b.len, 0);
	cmig_buf_release(&b);
}

static void test_fs_read_at(void **state)
{
	cmig_buf b = CMIG_BUF_INIT;
	cmig_diags d = CMIG_DIAGS_INIT;
	int dirfd;
	(void)state;
	assert_int_equal(cmig_fs_mkdirs("versions", &d), CMIG_OK);
	assert_int_equal(tmpdir_write_file("versions/x.sql", "-- x\n"), 0);
	dirfd = open("versions", O_RDONLY | O_DIRECTORY);
	assert_true(dirfd >= 0);
	assert_int_equal(cmig_fs_read_at(&b, dirfd, "x.sql", "versions/x.sql", 100, &d), CMIG_OK);
	assert_string_equal(b.ptr, "-- x\n");
	assert_int_equal(cmig_fs_read_at(&b, dirfd, "nope.sql", "versions/nope.sql", 100, &d),
	                 CMIG_ENOTFOUND);
	assert_one_error(&d, "versions/nope.sql", CMIG_ENOTFOUND, "cannot read file");
	close(dirfd);
	cmig_diags_release(&d);
	cmig_buf_release(&b);
}

static void test_fs_read_refusals(void **state)
{
	cmig_buf b = CMIG_BUF_INIT;
	cmig_diags d = CMIG_DIAGS_INIT;
	(void)state;
	assert_int_equal(cmig_fs_read(&b, "missing.sql", "m.sql", CMIG_FILE_MAX, &d), CMIG_ENOTFOUND);
	assert_one_error(&d, "m.sql", CMIG_ENOTFOUND, "cannot read file");
	assert_string_equal(d.items[0].kind, "parse");
	cmig_diags_release(&d);

	assert_int_equal(mkdir("adir", 0755), 0);
	assert_int_equal(cmig_fs_read(&b, "adir", "adir", CMIG_FILE_MAX, &d), CMIG_ERROR);
	assert_one_error(&d, "adir", CMIG_ERROR, "it is a directory");
	cmig_diags_release(&d);

	assert_int_equal(symlink("no-such-target", "dangling.sql"), 0);
	assert_int_equal(cmig_fs_read(&b, "dangling.sql", "dangling.sql", CMIG_FILE_MAX, &d),
	                 CMIG_ERROR);
	assert_one_error(&d, "dangling.sql", CMIG_ERROR, "dangling symbolic link");
	cmig_diags_release(&d);

	/* the ceiling: a file one byte over it is refused whole, one at it is read */
	assert_int_equal(tmpdir_write_file("big.sql", "0123456789"), 0);
	assert_int_equal(cmig_fs_read(&b, "big.sql", "big.sql", 9, &d), CMIG_ERROR);
	assert_one_error(&d, "big.sql", CMIG_ERROR, "file is too large: 10 bytes");
	cmig_diags_release(&d);
	assert_int_equal(b.len, 0);
	assert_int_equal(cmig_fs_read(&b, "big.sql", "big.sql", 10, &d), CMIG_OK);
	assert_string_equal(b.ptr, "0123456789");
	assert_int_equal(d.n, 0);
	cmig_buf_release(&b);
}

static void test_fs_list_sorted(void **state)
{
	cmig_diags d = CMIG_DIAGS_INIT;
	char **names = NULL;
	size_t n = 99;
	(void)state;
	assert_int_equal(mkdir("v", 0755), 0);
	assert_int_equal(tmpdir_write_file("v/b.sql", ""), 0);
	assert_int_equal(tmpdir_write_file("v/B.sql", ""), 0);
	assert_int_equal(tmpdir_write_file("v/a_10.sql", ""), 0);
	assert_int_equal(tmpdir_write_file("v/a_9.sql", ""), 0);
	assert_int_equal(tmpdir_write_file("v/.hidden", ""), 0);
	assert_int_equal(cmig_fs_list(&names, &n, "v", &d), CMIG_OK);
	assert_int_equal(n, 5);
	/* bytewise: '.' < 'B' < 'a' < 'b', and "a_10" < "a_9" */
	assert_string_equal(names[0], ".hidden");
	assert_string_equal(names[1], "B.sql");
	assert_string_equal(names[2], "a_10.sql");
	assert_string_equal(names[3], "a_9.sql");
	assert_string_equal(names[4], "b.sql");
	cmig_fs_names_free(names, n);

	assert_int_equal(mkdir("empty", 0755), 0);
	assert_int_equal(cmig_fs_list(&names, &n, "empty", &d), CMIG_OK);
	assert_int_equal(n, 0);
	assert_null(names);

	assert_int_equal(cmig_fs_list(&names, &n, "nodir", &d), CMIG_ENOTFOUND);
	assert_int_equal(d.errors, 1);
	assert_non_null(strstr(d.items[0].message, "cannot read directory nodir"));
	assert_null(names);
	assert_int_equal(n, 0);
	cmig_diags_release(&d);
}

static void test_fs_write_new_never_overwrites(void **state)
{
	cmig_buf b = CMIG_BUF_INIT;
	cmig_diags d = CMIG_DIAGS_INIT;
	(void)state;
	assert_int_equal(cmig_fs_write_new("new.sql", "abc", 3, &d), CMIG_OK);
	assert_int_equal(cmig_fs_write_new("new.sql", "xyz!", 4, &d), CMIG_EEXISTS);
	assert_one_error(&d, "new.sql", CMIG_EEXISTS, "file exists, not overwriting");
	assert_int_equal(cmig_fs_read(&b, "new.sql", "new.sql", 100, &d), CMIG_OK);
	assert_string_equal(b.ptr, "abc");
	cmig_diags_release(&d);
	/* a directory that does not exist: an error, nothing left behind */
	assert_int_equal(cmig_fs_write_new("nodir/new.sql", "abc", 3, &d), CMIG_ERROR);
	assert_one_error(&d, "nodir/new.sql", CMIG_ERROR, "cannot create file");
	assert_false(cmig_fs_exists("nodir"));
	cmig_diags_release(&d);
	cmig_buf_release(&b);
}

static void test_fs_replace_keeps_mode(void **state)
{
	cmig_buf b = CMIG_BUF_INIT;
	cmig_diags d = CMIG_DIAGS_INIT;
	struct stat st;
	(void)state;
	assert_int_equal(tmpdir_write_file("r.sql", "old text, longer than the new\n"), 0);
	assert_int_equal(chmod("r.sql", 0640), 0);
	assert_int_equal(cmig_fs_replace("r.sql", "new\n", 4, &d), CMIG_OK);
	assert_int_equal(cmig_fs_read(&b, "r.sql", "r.sql", 100, &d), CMIG_OK);
	assert_string_equal(b.ptr, "new\n");
	assert_int_equal(stat("r.sql", &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
	assert_false(cmig_fs_exists("r.sql.cmig-tmp"));   /* renamed over, not left beside */
	/* a file that did not exist is created */
	assert_int_equal(cmig_fs_replace("fresh.sql", "f", 1, &d), CMIG_OK);
	assert_true(cmig_fs_exists("fresh.sql"));
	assert_int_equal(cmig_fs_replace("nodir/x.sql", "f", 1, &d), CMIG_ERROR);
	assert_one_error(&d, "nodir/x.sql", CMIG_ERROR, "cannot write file");
	cmig_diags_release(&d);
	cmig_buf_release(&b);
}

static void test_fs_mkdirs(void **state)
{
	cmig_diags d = CMIG_DIAGS_INIT;
	(void)state;
	assert_int_equal(cmig_fs_mkdirs("a/b/c", &d), CMIG_OK);
	assert_true(cmig_fs_is_dir("a/b/c"));
	assert_int_equal(cmig_fs_mkdirs("a/b/c", &d), CMIG_OK);    /* existing is fine */
	assert_int_equal(cmig_fs_mkdirs("a/b/", &d), CMIG_OK);
	assert_int_equal(cmig_fs_mkdirs("/", &d), CMIG_OK);
	assert_int_equal(d.n, 0);
	/* a level that is a file: an error naming the prefix that failed */
	assert_int_equal(tmpdir_write_file("a/f", ""), 0);
	assert_int_equal(cmig_fs_mkdirs("a/f/g", &d), CMIG_ERROR);
	assert_one_error(&d, "a/f/g", CMIG_ERROR, "cannot create directory");
	cmig_diags_release(&d);
	assert_int_equal(cmig_fs_mkdirs("", &d), CMIG_ERROR);
	assert_int_equal(d.errors, 1);
	cmig_diags_release(&d);
	assert_true(cmig_fs_exists("a/f"));
	assert_false(cmig_fs_is_dir("a/f"));
	assert_false(cmig_fs_exists("a/nothing"));
	assert_false(cmig_fs_is_dir("a/nothing"));
}

static void test_path_join_and_dirname(void **state)
{
	char *s;
	(void)state;
	assert_string_equal(s = cmig_path_join("dir", "f.sql"), "dir/f.sql"); free(s);
	assert_string_equal(s = cmig_path_join("dir/", "f.sql"), "dir/f.sql"); free(s);
	assert_string_equal(s = cmig_path_join(".", "f.sql"), "f.sql"); free(s);
	assert_string_equal(s = cmig_path_join("", "f.sql"), "f.sql"); free(s);
	assert_string_equal(s = cmig_path_join(NULL, "f.sql"), "f.sql"); free(s);
	assert_string_equal(s = cmig_path_join("dir", "/abs/f.sql"), "/abs/f.sql"); free(s);
	assert_string_equal(s = cmig_path_join("/", "f.sql"), "/f.sql"); free(s);

	assert_string_equal(s = cmig_path_dirname("a/b/c.sql"), "a/b"); free(s);
	assert_string_equal(s = cmig_path_dirname("c.sql"), "."); free(s);
	assert_string_equal(s = cmig_path_dirname("/c.sql"), "/"); free(s);
	assert_string_equal(s = cmig_path_dirname("/x/c.sql"), "/x"); free(s);
}

static void test_path_display(void **state)
{
	char cwd[PATH_MAX], *in, *s, *want;
	(void)state;
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_string_equal(s = cmig_path_display("versions/a.sql"), "versions/a.sql"); free(s);
	assert_string_equal(s = cmig_path_display("./././versions/a.sql"), "versions/a.sql"); free(s);
	/* absolute inside the current directory: relative; the directory itself: "." */
	in = cmig_asprintf("%s/versions/./x/../a.sql", cwd);
	assert_string_equal(s = cmig_path_display(in), "versions/a.sql"); free(s); free(in);
	assert_string_equal(s = cmig_path_display(cwd), "."); free(s);
	/* outside it: absolute and normalized */
	assert_string_equal(s = cmig_path_display("/usr//lib/../share/"), "/usr/share"); free(s);
	assert_string_equal(s = cmig_path_display("/.."), "/"); free(s);
	/* "../x.sql": outside, so the parent's absolute path */
	in = cmig_path_dirname(cwd);
	want = cmig_asprintf("%s/x.sql", strcmp(in, "/") ? in : "");
	s = cmig_path_display("../x.sql");
	assert_string_equal(s, want);
	free(s);
	free(want);
	free(in);
	/* a sibling whose name starts with the directory's is not inside it */
	in = cmig_asprintf("%sX/a.sql", cwd);
	assert_string_equal(s = cmig_path_display(in), in); free(s); free(in);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_fs_read_appends_whole_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fs_read_at, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fs_read_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fs_list_sorted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fs_write_new_never_overwrites, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fs_replace_keeps_mode, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fs_mkdirs, setup, teardown),
		cmocka_unit_test(test_path_join_and_dirname),
		cmocka_unit_test_setup_teardown(test_path_display, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
