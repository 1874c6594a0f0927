/*
 * test_dburl.c - model/dburl.c: URL forms (SPEC §1) and the rule that a password is never
 * shown (STYLE §5 "Secrets have one door").
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "buf.h"
#include "dburl.h"

static cmig_dburl u;
static cmig_diags d;

static int setup(void **state)
{
	(void)state;
	memset(&u, 0, sizeof(u));
	cmig_diags_init(&d, NULL, NULL);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	cmig_dburl_release(&u);
	cmig_diags_release(&d);
	return 0;
}

/* No field of any diagnostic contains needle. */
static void assert_diags_lack(const char *needle)
{
	for (size_t i = 0; i < d.n; i++) {
		const cmig_diag *g = &d.items[i];
		assert_null(strstr(g->message, needle));
		if (g->detail)
			assert_null(strstr(g->detail, needle));
		if (g->hint)
			assert_null(strstr(g->hint, needle));
		if (g->path)
			assert_null(strstr(g->path, needle));
	}
}

static void test_dburl_sqlite_relative_to_base_dir(void **state)
{
	(void)state;
	assert_int_equal(cmig_dburl_parse(&u, "sqlite:///rel/path.db", "/proj", &d), CMIG_OK);
	assert_int_equal(u.kind, CMIG_DB_SQLITE);
	assert_string_equal(u.sqlite_path, "/proj/rel/path.db");
	assert_string_equal(u.display, "sqlite:///rel/path.db");
	assert_null(u.password);
	assert_null(u.pg_conninfo);
}

static void test_dburl_sqlite_relative_to_cwd(void **state)
{
	(void)state;
	assert_int_equal(cmig_dburl_parse(&u, "sqlite:///cmig.db", NULL, &d), CMIG_OK);
	assert_string_equal(u.sqlite_path, "cmig.db");
	cmig_dburl_release(&u);
	assert_int_equal(cmig_dburl_parse(&u, "sqlite:///cmig.db", ".", &d), CMIG_OK);
	assert_string_equal(u.sqlite_path, "cmig.db");
}

static void test_dburl_sqlite_absolute_and_memory(void **state)
{
	(void)state;
	assert_int_equal(cmig_dburl_parse(&u, "sqlite:////abs/path.db", "/proj", &d), CMIG_OK);
	assert_string_equal(u.sqlite_path, "/abs/path.db");
	cmig_dburl_release(&u);
	assert_int_equal(cmig_dburl_parse(&u, "sqlite:///:memory:", "/proj", &d), CMIG_OK);
	assert_string_equal(u.sqlite_path, ":memory:");
	assert_int_equal(d.n, 0);
}

static void test_dburl_sqlite_bad_forms(void **state)
{
	(void)state;
	assert_int_equal(cmig_dburl_parse(&u, "sqlite://host/x.db", NULL, &d), CMIG_ERROR);
	assert_int_equal(cmig_dburl_parse(&u, "sqlite:///", NULL, &d), CMIG_ERROR);
	assert_int_equal(cmig_dburl_parse(&u, "sqlite://", NULL, &d), CMIG_ERROR);
	assert_int_equal(d.errors, 3);
	assert_null(u.raw);
}

static void test_dburl_postgresql_full(void **state)
{
	(void)state;
	assert_int_equal(cmig_dburl_parse(&u, "postgresql://app:p%40ss@db.example:5433/shop?sslmode=disable",
	                                  NULL, &d), CMIG_OK);
	assert_int_equal(u.kind, CMIG_DB_POSTGRESQL);
	assert_string_equal(u.password, "p@ss");
	assert_string_equal(u.password_raw, "p%40ss");
	assert_string_equal(u.host, "db.example");
	assert_string_equal(u.port, "5433");
	assert_string_equal(u.pg_conninfo, "postgresql://app@db.example:5433/shop?sslmode=disable");
	assert_string_equal(u.display, "postgresql://app:***@db.example:5433/shop?sslmode=disable");
	assert_null(u.sqlite_path);
}

static void test_dburl_postgres_scheme_no_password(void **state)
{
	(void)state;
	assert_int_equal(cmig_dburl_parse(&u, "postgres://app@localhost/shop", NULL, &d), CMIG_OK);
	assert_int_equal(u.kind, CMIG_DB_POSTGRESQL);
	assert_null(u.password);
	assert_null(u.password_raw);
	assert_string_equal(u.host, "localhost");
	assert_null(u.port);
	assert_string_equal(u.pg_conninfo, "postgres://app@localhost/shop");
	assert_string_equal(u.display, "postgres://app@localhost/shop");
}

static void test_dburl_ipv6_host(void **state)
{
	(void)state;
	assert_int_equal(cmig_dburl_parse(&u, "postgresql://app:secret@[::1]:5432/shop", NULL, &d),
	                 CMIG_OK);
	assert_string_equal(u.host, "[::1]");
	assert_string_equal(u.port, "5432");
	assert_string_equal(u.password, "secret");
	assert_string_equal(u.pg_conninfo, "postgresql://app@[::1]:5432/shop");
	assert_string_equal(u.display, "postgresql://app:***@[::1]:5432/shop");
	cmig_dburl_release(&u);
	assert_int_equal(cmig_dburl_parse(&u, "postgresql://[2001:db8::7]/shop", NULL, &d), CMIG_OK);
	assert_string_equal(u.host, "[2001:db8::7]");
	assert_null(u.port);
}

static void test_dburl_libpq_forms_pass_through(void **state)
{
	(void)state;
	assert_int_equal(cmig_dburl_parse(&u, "postgresql:///shop?host=/var/run/postgresql", NULL, &d),
	                 CMIG_OK);
	assert_null(u.host);
	assert_null(u.password);
	assert_string_equal(u.pg_conninfo, "postgresql:///shop?host=/var/run/postgresql");
	assert_string_equal(u.display, "postgresql:///shop?host=/var/run/postgresql");
	cmig_dburl_release(&u);
	assert_int_equal(cmig_dburl_parse(&u, "postgresql://", NULL, &d), CMIG_OK);
	assert_string_equal(u.pg_conninfo, "postgresql://");
	cmig_dburl_release(&u);
	assert_int_equal(cmig_dburl_parse(&u, "postgresql://h1:5432,h2:5433/shop", NULL, &d), CMIG_OK);
	assert_string_equal(u.host, "h1:5432,h2:5433");
	assert_string_equal(u.pg_conninfo, "postgresql://h1:5432,h2:5433/shop");
	cmig_dburl_release(&u);
	/* An empty port is libpq's default port. */
	assert_int_equal(cmig_dburl_parse(&u, "postgresql://h:/shop", NULL, &d), CMIG_OK);
	assert_string_equal(u.host, "h");
	assert_string_equal(u.port, "");
	assert_int_equal(d.n, 0);
}

static void test_dburl_password_in_query(void **state)
{
	(void)state;
	assert_int_equal(cmig_dburl_parse(&u, "postgresql://app@h/shop?password=s%3Bcret&sslmode=require",
	                                  NULL, &d), CMIG_OK);
	assert_string_equal(u.password, "s;cret");
	assert_string_equal(u.password_raw, "s%3Bcret");
	assert_string_equal(u.pg_conninfo, "postgresql://app@h/shop?sslmode=require");
	assert_string_equal(u.display, "postgresql://app@h/shop?password=***&sslmode=require");
}

static void test_dburl_password_with_raw_at_sign(void **state)
{
	(void)state;
	/* Split at the last '@' before the path: the password keeps its '@'. */
	assert_int_equal(cmig_dburl_parse(&u, "postgresql://app:p@ss@h/shop", NULL, &d), CMIG_OK);
	assert_string_equal(u.password, "p@ss");
	assert_string_equal(u.host, "h");
	assert_string_equal(u.display, "postgresql://app:***@h/shop");
}

static void test_dburl_bad_percent_encoding_hides_password(void **state)
{
	(void)state;
	assert_int_equal(cmig_dburl_parse(&u, "postgresql://app:hunter%zz2@h/shop", NULL, &d),
	                 CMIG_ERROR);
	assert_int_equal(d.errors, 1);
	assert_non_null(strstr(d.items[0].message, "percent-encoding"));
	assert_diags_lack("hunter");
	assert_diags_lack("%zz2");
	assert_diags_lack("postgresql://");
	/* A truncated escape at the end. */
	assert_int_equal(cmig_dburl_parse(&u, "postgresql://app:hunter2%4@h/shop", NULL, &d),
	                 CMIG_ERROR);
	assert_diags_lack("hunter");
}

static void test_dburl_unencoded_slash_in_password_is_refused(void **state)
{
	(void)state;
	/* libpq would read "app:hun" as host:port; cmig refuses without echoing anything. */
	assert_int_equal(cmig_dburl_parse(&u, "postgresql://app:hun/ter2@h/shop", NULL, &d),
	                 CMIG_ERROR);
	assert_int_equal(cmig_dburl_parse(&u, "postgresql://app:12/ter2@h/shop", NULL, &d),
	                 CMIG_ERROR);
	assert_int_equal(cmig_dburl_parse(&u, "postgresql://app:hun?ter2@h/shop", NULL, &d),
	                 CMIG_ERROR);
	assert_int_equal(d.errors, 3);
	assert_diags_lack("hun");
	assert_diags_lack("ter2");
}

static void test_dburl_unknown_scheme_names_scheme_only(void **state)
{
	(void)state;
	assert_int_equal(cmig_dburl_parse(&u, "mysql://root:hunter2@h/shop", NULL, &d), CMIG_ERROR);
	assert_string_equal(d.items[0].message, "unsupported database URL scheme \"mysql\"");
	assert_diags_lack("hunter2");
	assert_int_equal(cmig_dburl_parse(&u, "hunter2@just-a-path", NULL, &d), CMIG_ERROR);
	assert_string_equal(d.items[1].message, "database URL has no scheme");
	assert_diags_lack("hunter2");
	assert_int_equal(cmig_dburl_parse(&u, "", NULL, &d), CMIG_ERROR);
}

static void test_dburl_scrub(void **state)
{
	char text[] = "auth failed for p%40ss (p@ss) at h";
	char short_pw[] = "xx yxxy";
	(void)state;
	assert_int_equal(cmig_dburl_parse(&u, "postgresql://app:p%40ss@h/shop", NULL, &d), CMIG_OK);
	cmig_dburl_scrub(&u, text);
	assert_string_equal(text, "auth failed for *** (***) at h");
	cmig_dburl_release(&u);
	/* A password shorter than "***" is starred in place: the text cannot grow. */
	assert_int_equal(cmig_dburl_parse(&u, "postgresql://app:xx@h/shop", NULL, &d), CMIG_OK);
	cmig_dburl_scrub(&u, short_pw);
	assert_string_equal(short_pw, "** y**y");
	cmig_dburl_scrub(NULL, short_pw);
}

/* SPEC §11: schema= and pgbouncer= are cmig's, taken out of what libpq sees and kept in what
 * people see; host/port/dbname/user in the query are remembered for identity and left to
 * libpq. */
static void test_dburl_schema_and_pgbouncer(void **state)
{
	(void)state;
	assert_int_equal(cmig_dburl_parse(&u, "postgresql://app:pw@db1:6432/shop?sslmode=disable&schema=Tenant%2042&pgbouncer=true&connect_timeout=3",
	                                  NULL, &d), CMIG_OK);
	assert_string_equal(u.schema, "Tenant 42");
	assert_true(u.pgbouncer);
	assert_string_equal(u.dbname, "shop");
	assert_string_equal(u.user, "app");
	assert_string_equal(u.pg_conninfo, "postgresql://app@db1:6432/shop?sslmode=disable&connect_timeout=3");
	assert_string_equal(u.display, "postgresql://app:***@db1:6432/shop?sslmode=disable&schema=Tenant%2042&pgbouncer=true&connect_timeout=3");
	cmig_dburl_release(&u);
	assert_int_equal(cmig_dburl_parse(&u, "postgresql:///shop?host=/tmp/s&port=7&schema=a&dbname=other", NULL, &d), CMIG_OK);
	assert_string_equal(u.schema, "a");
	assert_false(u.pgbouncer);
	assert_string_equal(u.qhost, "/tmp/s");
	assert_string_equal(u.qport, "7");
	assert_string_equal(u.dbname, "other");
	assert_null(u.host);
	assert_string_equal(u.pg_conninfo, "postgresql:///shop?host=/tmp/s&port=7&dbname=other");
	cmig_dburl_release(&u);
	assert_int_equal(cmig_dburl_parse(&u, "postgresql:///shop?schema=", NULL, &d), CMIG_ERROR);
	assert_int_equal(cmig_dburl_parse(&u, "postgresql:///shop?schema=0123456789012345678901234567890123456789012345678901234567890123",
	                                  NULL, &d), CMIG_ERROR);
	assert_int_equal(cmig_dburl_parse(&u, "postgresql:///shop?schema=%zz", NULL, &d), CMIG_ERROR);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_dburl_sqlite_relative_to_base_dir),
		T(test_dburl_sqlite_relative_to_cwd),
		T(test_dburl_sqlite_absolute_and_memory),
		T(test_dburl_sqlite_bad_forms),
		T(test_dburl_postgresql_full),
		T(test_dburl_postgres_scheme_no_password),
		T(test_dburl_ipv6_host),
		T(test_dburl_libpq_forms_pass_through),
		T(test_dburl_password_in_query),
		T(test_dburl_password_with_raw_at_sign),
		T(test_dburl_bad_percent_encoding_hides_password),
		T(test_dburl_unencoded_slash_in_password_is_refused),
		T(test_dburl_unknown_scheme_names_scheme_only),
		T(test_dburl_scrub),
		T(test_dburl_schema_and_pgbouncer),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
