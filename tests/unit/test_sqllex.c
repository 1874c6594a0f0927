/* test_sqllex.c - the SQL tokenizer (src/model/sqllex.c): every token form of both dialects,
 * unterminated forms, and linear time on hostile input. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "sqllex.h"

/* The tokens of sql as "k[text]" pieces: s space, c comment, w word, q qident, S string,
 * D dollar, N number, p param, P punct, U unterminated. */
static char *render(const char *sql, bool significant_only)
{
	static const char kinds[] = "EscwqSDNpPU";
	cmig_buf b = CMIG_BUF_INIT;
	cmig_lexer lx;
	size_t last = 0;

	cmig_lexer_init(&lx, sql, 0, strlen(sql));
	for (;;) {
		cmig_token t = significant_only ? cmig_lex_next_significant(&lx) : cmig_lex_next(&lx);
		if (t.kind == CMIG_TOK_EOF) {
			assert_int_equal(t.start, strlen(sql));
			assert_int_equal(t.len, 0);
			break;
		}
		if (!significant_only) {
			/* tokens tile the text */
			assert_int_equal(t.start, last);
		}
		assert_true(t.len > 0);
		last = t.start + t.len;
		cmig_buf_printf(&b, "%c[%.*s]", kinds[t.kind], (int)t.len, sql + t.start);
	}
	return cmig_buf_detach(&b);
}

#define EXPECT_TOKENS(sql, want) do { \
		char *got_ = render((sql), false); \
		assert_string_equal(got_, (want)); \
		free(got_); \
	} while (0)

#define EXPECT_SIGNIFICANT(sql, want) do { \
		char *got_ = render((sql), true); \
		assert_string_equal(got_, (want)); \
		free(got_); \
	} while (0)

static void test_sqllex_words_space_punct(void **state)
{
	(void)state;
	EXPECT_TOKENS("SELECT a.b, c;\n", "w[SELECT]s[ ]w[a]P[.]w[b]P[,]s[ ]w[c]P[;]s[\n]");
	EXPECT_TOKENS("f(x)", "w[f]P[(]w[x]P[)]");
	EXPECT_TOKENS("_x1$y é", "w[_x1$y]s[ ]w[é]");
	EXPECT_TOKENS("", "");
}

static void test_sqllex_operators(void **state)
{
	(void)state;
	EXPECT_TOKENS("a::int", "w[a]P[::]w[int]");
	EXPECT_TOKENS("a<=b", "w[a]P[<=]w[b]");
	EXPECT_TOKENS("a||b", "w[a]P[||]w[b]");
	EXPECT_TOKENS("j->>'k'", "w[j]P[->>]S['k']");
	/* ';' '(' ')' ',' '.' are always single */
	EXPECT_TOKENS("();,.", "P[(]P[)]P[;]P[,]P[.]");
	/* an operator run stops where a comment starts */
	EXPECT_TOKENS("a=--x\n", "w[a]P[=]c[--x]s[\n]");
	EXPECT_TOKENS("a*/*x*/b", "w[a]P[*]c[/*x*/]w[b]");
}

static void test_sqllex_strings(void **state)
{
	(void)state;
	EXPECT_TOKENS("'it''s'", "S['it''s']");
	EXPECT_TOKENS("'a;b'x", "S['a;b']w[x]");
	EXPECT_TOKENS("''", "S['']");
	EXPECT_TOKENS("E'a\\'b' c", "S[E'a\\'b']s[ ]w[c]");
	EXPECT_TOKENS("e'\\\\' x", "S[e'\\\\']s[ ]w[x]");
	/* without E a backslash is an ordinary character */
	EXPECT_TOKENS("'a\\' x", "S['a\\']s[ ]w[x]");
	EXPECT_TOKENS("X'1F' B'01' N'n' U&'u'", "S[X'1F']s[ ]S[B'01']s[ ]S[N'n']s[ ]S[U&'u']");
	EXPECT_TOKENS("x'ab'", "S[x'ab']");
	/* a word that merely ends in e is not an E string */
	EXPECT_TOKENS("case'a'", "w[case]S['a']");
}

static void test_sqllex_identifiers(void **state)
{
	(void)state;
	EXPECT_TOKENS("\"a\"\"b\"", "q[\"a\"\"b\"]");
	EXPECT_TOKENS("`a;b`", "q[`a;b`]");
	EXPECT_TOKENS("[my col];", "q[[my col]]P[;]");
	EXPECT_TOKENS("U&\"d\\0061t\"", "q[U&\"d\\0061t\"]");
}

static void test_sqllex_comments(void **state)
{
	(void)state;
	EXPECT_TOKENS("-- a;b\nx", "c[-- a;b]s[\n]w[x]");
	EXPECT_TOKENS("-- end", "c[-- end]");
	EXPECT_TOKENS("/* a /* nested; */ still */x", "c[/* a /* nested; */ still */]w[x]");
	EXPECT_TOKENS("/**/", "c[/**/]");
	EXPECT_TOKENS("a-b", "w[a]P[-]w[b]");
}

static void test_sqllex_dollar_quotes(void **state)
{
	(void)state;
	EXPECT_TOKENS("$$a;b$$;", "D[$$a;b$$]P[;]");
	EXPECT_TOKENS("$fn$ BEGIN; $x$ END; $fn$", "D[$fn$ BEGIN; $x$ END; $fn$]");
	EXPECT_TOKENS("$a$$a$", "D[$a$$a$]");
	/* a different tag does not close */
	EXPECT_TOKENS("$a$ x $b$ y $a$", "D[$a$ x $b$ y $a$]");
	/* tags are case-sensitive */
	EXPECT_TOKENS("$A$ x $a$", "p[$A]P[$]s[ ]w[x]s[ ]p[$a]P[$]");
	/* $name without a closing delimiter is a parameter (SQLite's $name) */
	EXPECT_TOKENS("$name, $1", "p[$name]P[,]s[ ]p[$1]");
	EXPECT_TOKENS("$$ never closed", "U[$$ never closed]");
	EXPECT_TOKENS("$", "P[$]");
}

static void test_sqllex_numbers(void **state)
{
	(void)state;
	EXPECT_TOKENS("1 1.5 .5 1.5e-3 2E10 0x1F 1_000", "N[1]s[ ]N[1.5]s[ ]N[.5]s[ ]N[1.5e-3]s[ ]"
	              "N[2E10]s[ ]N[0x1F]s[ ]N[1_000]");
	EXPECT_TOKENS("1e", "N[1]w[e]");
	EXPECT_TOKENS("1.e+x", "N[1.]w[e]P[+]w[x]");
}

static void test_sqllex_params(void **state)
{
	(void)state;
	EXPECT_TOKENS("? ?1 :name @name $1", "p[?]s[ ]p[?1]s[ ]p[:name]s[ ]p[@name]s[ ]p[$1]");
	EXPECT_TOKENS("a=:x", "w[a]P[=]p[:x]");
	EXPECT_TOKENS("a : b", "w[a]s[ ]P[:]s[ ]w[b]");
}

static void test_sqllex_unterminated(void **state)
{
	(void)state;
	EXPECT_TOKENS("a 'open; b", "w[a]s[ ]U['open; b]");
	EXPECT_TOKENS("E'x\\'", "U[E'x\\']");
	EXPECT_TOKENS("\"id", "U[\"id]");
	EXPECT_TOKENS("`id", "U[`id]");
	EXPECT_TOKENS("[id", "U[[id]");
	EXPECT_TOKENS("/* a /* b */", "U[/* a /* b */]");
	EXPECT_TOKENS("x /*", "w[x]s[ ]U[/*]");
}

static void test_sqllex_significant_and_keywords(void **state)
{
	const char *sql = "  /* c */ BEGIN -- x\n ;";
	cmig_lexer lx;
	cmig_token t;

	(void)state;
	EXPECT_SIGNIFICANT("a /* x */ -- y\n b", "w[a]w[b]");
	cmig_lexer_init(&lx, sql, 0, strlen(sql));
	t = cmig_lex_next_significant(&lx);
	assert_int_equal(t.kind, CMIG_TOK_WORD);
	assert_true(cmig_tok_is(&lx, &t, "begin"));
	assert_true(cmig_tok_is(&lx, &t, "BEGIN"));
	assert_false(cmig_tok_is(&lx, &t, "BEGI"));
	assert_false(cmig_tok_is(&lx, &t, "BEGINS"));
	t = cmig_lex_next_significant(&lx);
	assert_int_equal(t.kind, CMIG_TOK_PUNCT);
	assert_false(cmig_tok_is(&lx, &t, ";"));
	t = cmig_lex_next_significant(&lx);
	assert_int_equal(t.kind, CMIG_TOK_EOF);
	t = cmig_lex_next_significant(&lx);
	assert_int_equal(t.kind, CMIG_TOK_EOF);
}

static void test_sqllex_sub_range(void **state)
{
	/* only text[start, end) is read: the quote is cut off by `end` */
	const char *sql = "xx 'ab' yy";
	cmig_lexer lx;
	cmig_token t;

	(void)state;
	cmig_lexer_init(&lx, sql, 3, 6);
	t = cmig_lex_next(&lx);
	assert_int_equal(t.kind, CMIG_TOK_UNTERMINATED);
	assert_int_equal(t.start, 3);
	assert_int_equal(t.len, 3);
	t = cmig_lex_next(&lx);
	assert_int_equal(t.kind, CMIG_TOK_EOF);
}

/* Openers with no closer each cost a search to the end; the lexer's budget for those
 * searches keeps it linear: 200,000 distinct unclosed tags lex in well under a second, where
 * a search per opener would scan some 10^11 bytes. */
static void test_sqllex_linear_on_unclosed_dollar_tags(void **state)
{
	cmig_buf b = CMIG_BUF_INIT;
	cmig_lexer lx;
	cmig_token t;
	size_t ntok = 0, params = 0;
	clock_t t0;

	(void)state;
	for (size_t i = 0; i < 200000; i++)
		assert_int_equal(cmig_buf_printf(&b, "$t%zu$ ", i), 0);
	t0 = clock();
	cmig_lexer_init(&lx, b.ptr, 0, b.len);
	while ((t = cmig_lex_next(&lx)).kind != CMIG_TOK_EOF) {
		ntok++;
		params += t.kind == CMIG_TOK_PARAM;
	}
	assert_true((double)(clock() - t0) / CLOCKS_PER_SEC < 2.0);
	/* the first few are parameters, then one UNTERMINATED token takes the rest */
	assert_true(params >= 1);
	assert_int_equal(t.start, b.len);
	assert_int_equal(lx.pos, b.len);
	assert_true(ntok < 100);
	cmig_buf_release(&b);
}

/* Deep nesting and long runs stay linear too. */
static void test_sqllex_linear_on_nested_comments(void **state)
{
	cmig_buf b = CMIG_BUF_INIT;
	cmig_lexer lx;
	cmig_token t;
	clock_t t0;

	(void)state;
	for (size_t i = 0; i < 300000; i++)
		assert_int_equal(cmig_buf_puts(&b, "/*"), 0);
	for (size_t i = 0; i < 300000; i++)
		assert_int_equal(cmig_buf_puts(&b, "*/"), 0);
	t0 = clock();
	cmig_lexer_init(&lx, b.ptr, 0, b.len);
	t = cmig_lex_next(&lx);
	assert_int_equal(t.kind, CMIG_TOK_COMMENT);
	assert_int_equal(t.len, b.len);
	assert_true((double)(clock() - t0) / CLOCKS_PER_SEC < 1.0);
	cmig_buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sqllex_words_space_punct),
		cmocka_unit_test(test_sqllex_operators),
		cmocka_unit_test(test_sqllex_strings),
		cmocka_unit_test(test_sqllex_identifiers),
		cmocka_unit_test(test_sqllex_comments),
		cmocka_unit_test(test_sqllex_dollar_quotes),
		cmocka_unit_test(test_sqllex_numbers),
		cmocka_unit_test(test_sqllex_params),
		cmocka_unit_test(test_sqllex_unterminated),
		cmocka_unit_test(test_sqllex_significant_and_keywords),
		cmocka_unit_test(test_sqllex_sub_range),
		cmocka_unit_test(test_sqllex_linear_on_unclosed_dollar_tags),
		cmocka_unit_test(test_sqllex_linear_on_nested_comments),
	};
	return cmocka_run_group_tests_name("sqllex", tests, NULL, NULL);
}
