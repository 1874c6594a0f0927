/*
 * test_chain.c - model/chain.c: one linear chain, every violation reported (SPEC §3).
 *
 * Files are built by hand (no parser): id, down_revision, name, path and header lines.
 * Expected messages are written from SPEC §3 and the chain.c contract, not captured.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "buf.h"
#include "chain.h"

/* A hand-made file: "-- revision:" on line 1, "-- down_revision:" on line 2. */
static void mk(struct cmig_revfile *f, const char *name, const char *id, const char *down)
{
	memset(f, 0, sizeof(*f));
	f->name = cmig_strdup(name);
	f->path = cmig_asprintf("versions/%s", name);
	f->id = id ? cmig_strdup(id) : NULL;
	f->down = down ? cmig_strdup(down) : NULL;
	f->down_present = true;
	f->parsed = true;
	f->id_line = 1;
	f->down_line = 2;
	f->index = -1;
}

static void unmk(struct cmig_revfile *f, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		/* headers, when a test sets them, point at the test's own arrays */
		free(f[i].name);
		free(f[i].path);
		free(f[i].id);
		free(f[i].down);
	}
}

struct fixture {
	struct cmig_revfile f[16];
	struct cmig_revfile *p[16];
	size_t n;
	struct cmig_chain c;
	cmig_diags d;
};

static void add(struct fixture *x, const char *name, const char *id, const char *down)
{
	mk(&x->f[x->n], name, id, down);
	x->p[x->n] = &x->f[x->n];
	x->n++;
}

static int build(struct fixture *x)
{
	cmig_diags_init(&x->d, NULL, NULL);
	return cmig_chain_build(&x->c, x->p, x->n, &x->d);
}

static void done(struct fixture *x)
{
	cmig_chain_release(&x->c);
	cmig_diags_release(&x->d);
	unmk(x->f, x->n);
}

/* The one diagnostic of this kind; fails when there is not exactly one. */
static const cmig_diag *only(const cmig_diags *d, const char *kind)
{
	const cmig_diag *found = NULL;
	size_t count = 0;
	for (size_t i = 0; i < d->n; i++)
		if (d->items[i].kind && !strcmp(d->items[i].kind, kind)) {
			found = &d->items[i];
			count++;
		}
	assert_int_equal(count, 1);
	return found;
}

/* The one diagnostic of this kind, checked to stand at path:line with this message. */
static const cmig_diag *expect_one(const cmig_diags *d, const char *kind, const char *path, int line,
                                   const char *message)
{
	const cmig_diag *g = only(d, kind);
	assert_string_equal(g->path, path);
	assert_int_equal(g->line, line);
	assert_string_equal(g->message, message);
	return g;
}

static size_t count_kind(const cmig_diags *d, const char *kind)
{
	size_t count = 0;
	for (size_t i = 0; i < d->n; i++)
		count += d->items[i].kind && !strcmp(d->items[i].kind, kind);
	return count;
}

static void test_chain_linear_orders_root_to_head(void **state)
{
	struct fixture x = { .n = 0 };
	(void)state;
	/* Name order differs from chain order: c is the root, then a, then b. */
	add(&x, "a_second.sql", "a", "c");
	add(&x, "b_third.sql", "b", "a");
	add(&x, "c_first.sql", "c", NULL);
	assert_int_equal(build(&x), CMIG_OK);
	assert_true(x.c.ok);
	assert_int_equal(x.d.n, 0);
	assert_int_equal(x.c.n, 3);
	assert_ptr_equal(x.c.revs[0], &x.f[2]);
	assert_ptr_equal(x.c.revs[1], &x.f[0]);
	assert_ptr_equal(x.c.revs[2], &x.f[1]);
	assert_int_equal(x.f[2].index, 0);
	assert_int_equal(x.f[0].index, 1);
	assert_int_equal(x.f[1].index, 2);
	assert_null(x.f[2].parent);
	assert_ptr_equal(x.f[0].parent, &x.f[2]);
	assert_ptr_equal(x.f[1].parent, &x.f[0]);
	assert_int_equal(x.f[2].nchildren, 1);
	assert_int_equal(x.f[1].nchildren, 0);
	assert_int_equal(x.c.nheads, 1);
	assert_ptr_equal(x.c.heads[0], &x.f[1]);
	assert_int_equal(cmig_chain_index(&x.c, "c"), 0);
	assert_int_equal(cmig_chain_index(&x.c, "b"), 2);
	assert_int_equal(cmig_chain_index(&x.c, "zz"), -1);
	assert_int_equal(cmig_chain_index(&x.c, "b_"), -1);
	done(&x);
}

static void test_chain_empty_is_ok(void **state)
{
	struct fixture x = { .n = 0 };
	(void)state;
	assert_int_equal(build(&x), CMIG_OK);
	assert_true(x.c.ok);
	assert_int_equal(x.c.n, 0);
	assert_int_equal(x.c.nheads, 0);
	assert_int_equal(cmig_chain_index(&x.c, "a"), -1);
	done(&x);
}

static void test_chain_skips_files_without_id(void **state)
{
	struct fixture x = { .n = 0 };
	(void)state;
	add(&x, "0000_broken.sql", NULL, NULL);
	add(&x, "1a2b_init.sql", "1a2b", NULL);
	assert_int_equal(build(&x), CMIG_OK);
	assert_true(x.c.ok);
	assert_int_equal(x.c.n, 1);
	assert_int_equal(x.f[0].index, -1);
	assert_int_equal(x.f[1].index, 0);
	done(&x);
}

static void test_chain_unparsed_down_is_not_a_second_root(void **state)
{
	struct fixture x = { .n = 0 };
	cmig_header h[2] = { { (char *)"revision", (char *)"3c4d", 1 },
	                     { (char *)"down_revision", (char *)"1a2b-x", 2 } };
	cmig_header root_h[2] = { { (char *)"revision", (char *)"5e6f", 1 },
	                          { (char *)"down_revision", (char *)"None", 2 } };
	(void)state;
	add(&x, "1a2b_init.sql", "1a2b", NULL);
	/* The parser rejected 3c4d's down_revision ("1a2b-x" is no id): down is NULL, but the
	 * file does not claim to be a root, so no "more than one root" on top of the parse
	 * error. */
	add(&x, "3c4d_next.sql", "3c4d", NULL);
	x.f[1].parsed = false;
	x.f[1].headers = h;
	x.f[1].nheaders = 2;
	assert_int_equal(build(&x), CMIG_ECHAIN);
	assert_int_equal(x.d.n, 0);
	assert_false(x.c.ok);
	/* Failing to parse for another reason, "none" still declares a root. */
	add(&x, "5e6f_other.sql", "5e6f", NULL);
	x.f[2].parsed = false;
	x.f[2].headers = root_h;
	x.f[2].nheaders = 2;
	cmig_chain_release(&x.c);
	cmig_diags_release(&x.d);
	assert_int_equal(build(&x), CMIG_ECHAIN);
	assert_int_equal(count_kind(&x.d, "roots"), 1);
	x.f[1].headers = NULL;
	x.f[2].headers = NULL;
	done(&x);
}

static void test_chain_branch_names_both_files(void **state)
{
	struct fixture x = { .n = 0 };
	const cmig_diag *g;
	(void)state;
	add(&x, "1a2b_init.sql", "1a2b", NULL);
	add(&x, "3c4d_add_tags.sql", "3c4d", "1a2b");
	add(&x, "7e8f_add_flag.sql", "7e8f", "1a2b");
	assert_int_equal(build(&x), CMIG_ECHAIN);
	assert_false(x.c.ok);
	assert_int_equal(x.d.errors, 1);
	g = only(&x.d, "branch");
	assert_int_equal(g->severity, CMIG_DIAG_ERROR);
	assert_int_equal(g->code, CMIG_ECHAIN);
	assert_string_equal(g->path, "versions/3c4d_add_tags.sql");
	assert_int_equal(g->line, 2);
	assert_string_equal(g->message, "branch: both 3c4d (versions/3c4d_add_tags.sql) and 7e8f "
	                                "(versions/7e8f_add_flag.sql) follow 1a2b");
	/* `cmig heads` on a branched chain: every head, in file-name order. */
	assert_int_equal(x.c.nheads, 2);
	assert_string_equal(x.c.heads[0]->id, "3c4d");
	assert_string_equal(x.c.heads[1]->id, "7e8f");
	assert_int_equal(x.f[0].nchildren, 2);
	assert_int_equal(x.c.n, 0);
	done(&x);
}

static void test_chain_branch_reported_at_first_file_by_name(void **state)
{
	struct fixture x = { .n = 0 };
	(void)state;
	/* Three children of r: one diagnostic per extra child, each at the first child. */
	add(&x, "a_x.sql", "a", "r");
	add(&x, "b_y.sql", "b", "r");
	add(&x, "c_z.sql", "c", "r");
	add(&x, "r_root.sql", "r", NULL);
	assert_int_equal(build(&x), CMIG_ECHAIN);
	assert_int_equal(x.d.n, 2);
	assert_string_equal(x.d.items[0].path, "versions/a_x.sql");
	assert_string_equal(x.d.items[0].message,
	                    "branch: both a (versions/a_x.sql) and b (versions/b_y.sql) follow r");
	assert_string_equal(x.d.items[1].path, "versions/a_x.sql");
	assert_string_equal(x.d.items[1].message,
	                    "branch: both a (versions/a_x.sql) and c (versions/c_z.sql) follow r");
	assert_int_equal(x.c.nheads, 3);
	done(&x);
}

static void test_chain_duplicate_at_second_file(void **state)
{
	struct fixture x = { .n = 0 };
	(void)state;
	add(&x, "1a2b_init.sql", "1a2b", NULL);
	add(&x, "1a2b_other.sql", "1a2b", NULL);
	add(&x, "3c4d_next.sql", "3c4d", "1a2b");
	assert_int_equal(build(&x), CMIG_ECHAIN);
	expect_one(&x.d, "duplicate", "versions/1a2b_other.sql", 1,
	           "duplicate: revision 1a2b is declared by "
	           "versions/1a2b_init.sql and versions/1a2b_other.sql");
	/* The repeat is left out of the graph: no "more than one root" on top. */
	assert_int_equal(x.d.errors, 1);
	assert_int_equal(x.f[1].index, -1);
	done(&x);
}

static void test_chain_missing_parent_at_down_line(void **state)
{
	struct fixture x = { .n = 0 };
	(void)state;
	add(&x, "1a2b_init.sql", "1a2b", NULL);
	add(&x, "3c4d_next.sql", "3c4d", "9999");
	x.f[1].down_line = 5;
	assert_int_equal(build(&x), CMIG_ECHAIN);
	expect_one(&x.d, "missing-parent", "versions/3c4d_next.sql", 5,
	           "missing-parent: 3c4d follows 9999, which no file declares");
	assert_int_equal(x.d.errors, 1);
	done(&x);
}

static void test_chain_two_roots(void **state)
{
	struct fixture x = { .n = 0 };
	(void)state;
	add(&x, "a_one.sql", "a", NULL);
	add(&x, "b_two.sql", "b", NULL);
	x.f[1].id_line = 3;
	assert_int_equal(build(&x), CMIG_ECHAIN);
	expect_one(&x.d, "roots", "versions/b_two.sql", 3,
	           "roots: more than one root: a (versions/a_one.sql) and b (versions/b_two.sql)");
	assert_int_equal(x.c.nheads, 2);
	done(&x);
}

static void test_chain_cycle_reported_once(void **state)
{
	struct fixture x = { .n = 0 };
	(void)state;
	/* r is the root; b follows a, c follows b, a follows c: a loop of three. */
	add(&x, "a_x.sql", "a", "c");
	add(&x, "b_x.sql", "b", "a");
	add(&x, "c_x.sql", "c", "b");
	add(&x, "r_root.sql", "r", NULL);
	x.f[0].down_line = 4;
	assert_int_equal(build(&x), CMIG_ECHAIN);
	expect_one(&x.d, "cycle", "versions/a_x.sql", 4,
	           "cycle: a -> b -> c -> a");
	assert_int_equal(x.d.errors, 1);
	/* Nothing follows r; the loop has no head. */
	assert_int_equal(x.c.nheads, 1);
	assert_string_equal(x.c.heads[0]->id, "r");
	done(&x);
}

static void test_chain_cycle_starts_at_first_name(void **state)
{
	struct fixture x = { .n = 0 };
	(void)state;
	/* The first walk starts at a and enters the loop at c, but the report starts at b,
	 * the loop's first file by name. */
	add(&x, "a_x.sql", "a", "c");
	add(&x, "b_x.sql", "b", "c");
	add(&x, "c_x.sql", "c", "b");
	add(&x, "r_root.sql", "r", NULL);
	assert_int_equal(build(&x), CMIG_ECHAIN);
	assert_string_equal(only(&x.d, "cycle")->message, "cycle: b -> c -> b");
	assert_string_equal(only(&x.d, "cycle")->path, "versions/b_x.sql");
	done(&x);
}

static void test_chain_self_cycle_and_no_root(void **state)
{
	struct fixture x = { .n = 0 };
	const cmig_diag *g;
	(void)state;
	add(&x, "a_x.sql", "a", "a");
	assert_int_equal(build(&x), CMIG_ECHAIN);
	assert_string_equal(only(&x.d, "cycle")->message, "cycle: a -> a");
	g = only(&x.d, "roots");
	assert_null(g->path);
	assert_int_equal(g->line, 0);
	assert_string_equal(g->message, "roots: no root: every revision follows another");
	assert_int_equal(x.d.errors, 2);
	done(&x);
}

static void test_chain_two_cycles_each_once(void **state)
{
	struct fixture x = { .n = 0 };
	(void)state;
	add(&x, "a_x.sql", "a", "b");
	add(&x, "b_x.sql", "b", "a");
	add(&x, "c_x.sql", "c", "d");
	add(&x, "d_x.sql", "d", "c");
	add(&x, "e_x.sql", "e", "a");  /* hangs off the first loop: not a loop itself */
	add(&x, "r_x.sql", "r", NULL);
	assert_int_equal(build(&x), CMIG_ECHAIN);
	assert_int_equal(count_kind(&x.d, "cycle"), 2);
	assert_int_equal(count_kind(&x.d, "branch"), 1); /* b and e both follow a */
	done(&x);
}

static void test_chain_reports_every_problem_at_once(void **state)
{
	struct fixture x = { .n = 0 };
	(void)state;
	add(&x, "1a2b_init.sql", "1a2b", NULL);
	add(&x, "1a2b_zcopy.sql", "1a2b", "3c4d");    /* duplicate */
	add(&x, "3c4d_tags.sql", "3c4d", "1a2b");
	add(&x, "5e6f_flag.sql", "5e6f", "1a2b");     /* branch with 3c4d */
	add(&x, "7a8b_lost.sql", "7a8b", "ffff");     /* missing parent */
	add(&x, "9c0d_root.sql", "9c0d", NULL);       /* second root */
	add(&x, "aa_loop.sql", "aa", "bb");           /* cycle */
	add(&x, "bb_loop.sql", "bb", "aa");
	assert_int_equal(build(&x), CMIG_ECHAIN);
	assert_int_equal(count_kind(&x.d, "duplicate"), 1);
	assert_int_equal(count_kind(&x.d, "branch"), 1);
	assert_int_equal(count_kind(&x.d, "missing-parent"), 1);
	assert_int_equal(count_kind(&x.d, "roots"), 1);
	assert_int_equal(count_kind(&x.d, "cycle"), 1);
	assert_int_equal(x.d.errors, 5);
	assert_string_equal(only(&x.d, "roots")->message,
	                    "roots: more than one root: 1a2b (versions/1a2b_init.sql) and 9c0d "
	                    "(versions/9c0d_root.sql)");
	assert_false(x.c.ok);
	assert_int_equal(x.c.n, 0);
	for (size_t i = 0; i < x.n; i++)
		assert_int_equal(x.f[i].index, -1);
	done(&x);
}

/* ---- scale: 100,000 revisions, linear ---------------------------------------------------- */

#define BIG 100000

struct big {
	struct cmig_revfile *f;
	struct cmig_revfile **p;
	struct cmig_chain c;
	cmig_diags d;
};

static void big_alloc(struct big *b)
{
	b->f = calloc(BIG, sizeof(*b->f));
	b->p = calloc(BIG, sizeof(*b->p));
	assert_non_null(b->f);
	assert_non_null(b->p);
}

/* File i (named f<i>.sql) declares revision r<rev>, down r<down> (none when down < 0). */
static void big_set(struct big *b, size_t i, size_t rev, long down)
{
	char id[16], downid[16], name[32];
	snprintf(name, sizeof(name), "f%06zu.sql", i);
	snprintf(id, sizeof(id), "r%06zu", rev);
	snprintf(downid, sizeof(downid), "r%06ld", down);
	mk(&b->f[i], name, id, down >= 0 ? downid : NULL);
	b->p[i] = &b->f[i];
}

static double seconds_since(clock_t t0)
{
	return (double)(clock() - t0) / CLOCKS_PER_SEC;
}

/* Build b's chain, which must return `expect`: a quadratic build would take minutes, a linear
 * one takes milliseconds. */
static void big_build(struct big *b, int expect)
{
	clock_t t0;
	cmig_diags_init(&b->d, NULL, NULL);
	t0 = clock();
	assert_int_equal(cmig_chain_build(&b->c, b->p, BIG, &b->d), expect);
	assert_true(seconds_since(t0) < 5.0);
}

static void big_free(struct big *b)
{
	cmig_chain_release(&b->c);
	cmig_diags_release(&b->d);
	unmk(b->f, BIG);
	free(b->f);
	free(b->p);
}

static void test_chain_100k_builds_linearly(void **state)
{
	struct big b;
	(void)state;
	big_alloc(&b);
	/* File i (name order) declares revision BIG-1-i, so the chain runs backwards through the
	 * name order: nothing is found by accident of order. */
	for (size_t i = 0; i < BIG; i++)
		big_set(&b, i, BIG - 1 - i, (long)(BIG - 1 - i) - 1);
	big_build(&b, CMIG_OK);
	assert_true(b.c.ok);
	assert_int_equal(b.c.n, BIG);
	assert_string_equal(b.c.revs[0]->id, "r000000");
	assert_string_equal(b.c.revs[BIG - 1]->id, "r099999");
	assert_int_equal(b.c.nheads, 1);
	assert_int_equal(cmig_chain_index(&b.c, "r050000"), 50000);
	big_free(&b);
}

static void test_chain_100k_loop_found_linearly(void **state)
{
	struct big b;
	(void)state;
	big_alloc(&b);
	/* One loop through every revision: r0 follows r99999. */
	for (size_t i = 0; i < BIG; i++)
		big_set(&b, i, i, (long)(i ? i - 1 : BIG - 1));
	big_build(&b, CMIG_ECHAIN);
	assert_int_equal(count_kind(&b.d, "cycle"), 1);
	assert_int_equal(count_kind(&b.d, "roots"), 1);
	assert_true(!strncmp(only(&b.d, "cycle")->message, "cycle: r000000 -> r000001 -> ", 29));
	big_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chain_linear_orders_root_to_head),
		cmocka_unit_test(test_chain_empty_is_ok),
		cmocka_unit_test(test_chain_skips_files_without_id),
		cmocka_unit_test(test_chain_unparsed_down_is_not_a_second_root),
		cmocka_unit_test(test_chain_branch_names_both_files),
		cmocka_unit_test(test_chain_branch_reported_at_first_file_by_name),
		cmocka_unit_test(test_chain_duplicate_at_second_file),
		cmocka_unit_test(test_chain_missing_parent_at_down_line),
		cmocka_unit_test(test_chain_two_roots),
		cmocka_unit_test(test_chain_cycle_reported_once),
		cmocka_unit_test(test_chain_cycle_starts_at_first_name),
		cmocka_unit_test(test_chain_self_cycle_and_no_root),
		cmocka_unit_test(test_chain_two_cycles_each_once),
		cmocka_unit_test(test_chain_reports_every_problem_at_once),
		cmocka_unit_test(test_chain_100k_builds_linearly),
		cmocka_unit_test(test_chain_100k_loop_found_linearly),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
