/* test_envsubst.c - ${NAME} and ${NAME:-default} in cmig.yaml values (src/project/envsubst.c,
 * SPEC §1). The environment is a fixed table here, never the process's. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "envsubst.h"

static const char *fake_env(const char *name)
{
	if (!strcmp(name, "HOST"))
		return "db.internal";
	if (!strcmp(name, "EMPTY"))
		return "";
	if (!strcmp(name, "REF"))
		return "${HOST}"; /* a value is never expanded again */
	if (!strcmp(name, "_x9"))
		return "u";
	return NULL;
}

static void expands(const char *in, const char *want)
{
	char *out = NULL, unset[32] = "";
	assert_int_equal(cmig_envsubst(&out, in, unset, sizeof(unset), fake_env), CMIG_ENVSUBST_OK);
	assert_non_null(out);
	assert_string_equal(out, want);
	free(out);
}

static void unset_named(const char *in, const char *name)
{
	char *out = (char *)&out, unset[32] = "";
	assert_int_equal(cmig_envsubst(&out, in, unset, sizeof(unset), fake_env), CMIG_ENVSUBST_UNSET);
	assert_null(out);
	assert_string_equal(unset, name);
}

static void test_envsubst_references(void **state)
{
	(void)state;
	expands("postgresql://${HOST}/app", "postgresql://db.internal/app");
	expands("${HOST}${HOST}", "db.internal" "db.internal");
	expands("${_x9}", "u");
	expands("${REF}", "${HOST}");
	expands("", "");
	expands("plain", "plain");
}

static void test_envsubst_defaults(void **state)
{
	(void)state;
	expands("${NOPE:-local.db}", "local.db");
	expands("${EMPTY:-x}", "x");            /* empty counts as unset for :- */
	expands("${HOST:-x}", "db.internal");
	expands("${NOPE:-}", "");
	expands("${NOPE:-a:b/c}", "a:b/c");     /* the default is literal text */
	expands("${NOPE:-${HOST}", "${HOST");   /* up to the first '}' */
	expands("${EMPTY}", "");                /* set but empty, no default: empty */
}

static void test_envsubst_literal_dollars(void **state)
{
	(void)state;
	expands("pa$$word", "pa$word");
	expands("$$${HOST}", "$db.internal");
	expands("pa$word", "pa$word");
	expands("cost$", "cost$");
	expands("${1}", "${1}");                /* not a name: literal */
	expands("${HOST", "${HOST");            /* no closing brace: literal */
	expands("${}", "${}");
	expands("${HO-ST}", "${HO-ST}");
	expands("$HOST", "$HOST");              /* only the braced form is a reference */
}

static void test_envsubst_unset(void **state)
{
	(void)state;
	unset_named("sqlite:///${APP_DB}", "APP_DB");
	unset_named("${HOST}/${A}/${B}", "A");   /* the first unset one */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_envsubst_references),
		cmocka_unit_test(test_envsubst_defaults),
		cmocka_unit_test(test_envsubst_literal_dollars),
		cmocka_unit_test(test_envsubst_unset),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
