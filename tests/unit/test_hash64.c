/*
 * test_hash64.c - util/hash64.c, the fingerprint that tells a migration file read again from
 * the one parsed: the same bytes give the same value; one changed bit anywhere (each position
 * of a file, the 1-7 tail bytes included), one more or one less byte, each give another.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "hash64.h"

static void test_hash64_same_bytes_same_value(void **state)
{
	char a[64], b[64];
	(void)state;
	for (size_t i = 0; i < sizeof(a); i++)
		a[i] = b[i] = (char)('a' + i % 26);
	for (size_t n = 0; n <= sizeof(a); n++)
		assert_true(cmig_hash64(a, n) == cmig_hash64(b, n));
	assert_true(cmig_hash64(NULL, 0) == cmig_hash64("", 0));
}

static void test_hash64_every_bit_and_length_counts(void **state)
{
	char buf[67];
	(void)state;
	memset(buf, 'x', sizeof(buf));
	for (size_t n = 1; n <= sizeof(buf); n++) {
		uint64_t h = cmig_hash64(buf, n);
		for (size_t i = 0; i < n; i++)
			for (int bit = 0; bit < 8; bit++) {
				buf[i] ^= (char)(1 << bit);
				assert_true(cmig_hash64(buf, n) != h);
				buf[i] ^= (char)(1 << bit);
			}
		assert_true(cmig_hash64(buf, n - 1) != h);
	}
	{
		/* zero bytes more are another file (a tail is padded with zeros) */
		char z[9] = { 0 };
		for (size_t n = 0; n < sizeof(z); n++)
			assert_true(cmig_hash64(z, n) != cmig_hash64(z, n + 1));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hash64_same_bytes_same_value),
		cmocka_unit_test(test_hash64_every_bit_and_length_counts),
	};
	return cmocka_run_group_tests_name("hash64", tests, NULL, NULL);
}
