/*
 * test_sha256.c - util/sha256.c against the FIPS 180-2 test vectors (one block, two blocks,
 * a million bytes), fed whole and split at every offset; and SPEC §4's section checksum,
 * where CRLF counts as LF and nothing else changes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sha256.h"

static const struct { const char *msg, *hex; } VECTORS[] = {
	{ "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
	{ "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
	{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
	  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
};

static void digest(char out[65], const char *msg, size_t len)
{
	cmig_sha256 c;
	cmig_sha256_init(&c);
	cmig_sha256_update(&c, msg, len);
	cmig_sha256_hex(&c, out);
}

static void test_sha256_fips_vectors(void **state)
{
	char hex[65];
	(void)state;
	for (size_t i = 0; i < sizeof(VECTORS) / sizeof(VECTORS[0]); i++) {
		digest(hex, VECTORS[i].msg, strlen(VECTORS[i].msg));
		assert_string_equal(hex, VECTORS[i].hex);
	}
}

/* The block buffering: any split of the input gives the same digest. */
static void test_sha256_split_updates(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(VECTORS) / sizeof(VECTORS[0]); i++) {
		const char *m = VECTORS[i].msg;
		size_t len = strlen(m);
		for (size_t cut = 0; cut <= len; cut++) {
			cmig_sha256 c;
			char hex[65];
			cmig_sha256_init(&c);
			cmig_sha256_update(&c, m, cut);
			cmig_sha256_update(&c, m + cut, len - cut);
			cmig_sha256_hex(&c, hex);
			assert_string_equal(hex, VECTORS[i].hex);
		}
	}
}

/* FIPS 180-2 C.3: one million 'a', in updates of 1000 bytes (crosses blocks unaligned). */
static void test_sha256_million_a(void **state)
{
	char chunk[1000], hex[65];
	cmig_sha256 c;
	(void)state;
	memset(chunk, 'a', sizeof(chunk));
	cmig_sha256_init(&c);
	for (int i = 0; i < 1000; i++)
		cmig_sha256_update(&c, chunk, sizeof(chunk));
	cmig_sha256_hex(&c, hex);
	assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

/* SPEC §4: a section's checksum reads every CRLF as LF; a lone CR is kept. */
static void test_sha256_section_crlf(void **state)
{
	char a[65], b[65];
	(void)state;
	cmig_sha256_section(a, "abc", 3);
	assert_string_equal(a, VECTORS[1].hex);
	cmig_sha256_section(a, "x\r\ny\r\n", 6);
	digest(b, "x\ny\n", 4);
	assert_string_equal(a, b);
	cmig_sha256_section(a, "x\r\r\ny\r", 6);   /* CR CRLF: one CR stays; a final CR too */
	digest(b, "x\r\ny\r", 5);
	assert_string_equal(a, b);
	cmig_sha256_section(a, "x\ry", 3);
	digest(b, "x\ny", 3);
	assert_string_not_equal(a, b);
	cmig_sha256_section(a, "", 0);
	assert_string_equal(a, VECTORS[0].hex);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sha256_fips_vectors),
		cmocka_unit_test(test_sha256_split_updates),
		cmocka_unit_test(test_sha256_million_a),
		cmocka_unit_test(test_sha256_section_crlf),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
