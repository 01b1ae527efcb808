/*
 * common/hex.c: every one of the 256 octet values against the digit set,
 * and the bytes that sit next to the digit ranges in ASCII.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "common/hex.h"

static void test_digits(void **state)
{
	static const char lower[] = "0123456789abcdef";
	static const char upper[] = "0123456789ABCDEF";

	for (int i = 0; i < 16; i++) {
		assert_int_equal(mcx_hex_digit(lower[i]), i);
		assert_int_equal(mcx_hex_digit(upper[i]), i);
	}
}

static void test_not_digits(void **state)
{
	/* neighbours of the ranges, white space, NUL, high octets, EOF */
	static const int bad[] = {'/',	':',  '@', 'G', '`', 'g',  ' ',	 '\n',
				  '\t', '\0', 'x', 'X', '%', 0x80, 0xff, -1};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(mcx_hex_digit(bad[i]), -1);
}

static void test_all_octets(void **state)
{
	size_t valid = 0;

	for (int c = 0; c < 256; c++) {
		int d = mcx_hex_digit(c);
		bool is_hex = c != 0 && strchr("0123456789abcdefABCDEF", c);

		if (is_hex) {
			assert_in_range(d, 0, 15);
			valid++;
		} else {
			assert_int_equal(d, -1);
		}
	}
	assert_int_equal(valid, 22);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_digits),
	    cmocka_unit_test(test_not_digits),
	    cmocka_unit_test(test_all_octets),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
