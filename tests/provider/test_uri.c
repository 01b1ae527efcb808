/*
 * RFC 7512 pkcs11: URI parsing and formatting of the provider
 * (provider/uri.c), compiled into this test: attributes, percent-encoding
 * (§2.3), pin-value / pin-source (§2.4, not both), refusals (unknown path
 * attributes, duplicates, bad escapes, other schemes).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "provider/internal.h"

static void test_parse(void **state)
{
	(void)state;
	struct mcx_uri u;
	assert_int_equal(
	    mcx_uri_parse("pkcs11:token=My%20Token;object=gms-eccsi;"
			  "id=%01%02%ff;type=private;slot-id=7;"
			  "library-manufacturer=x;x-vendor=1"
			  "?pin-value=12%2634&module-name=ignored",
			  &u),
	    CKR_OK);
	assert_string_equal(u.token, "My Token");
	assert_string_equal(u.object, "gms-eccsi");
	assert_true(u.has_id);
	assert_int_equal(u.id_len, 3);
	assert_memory_equal(u.id, "\x01\x02\xff", 3);
	assert_true(u.has_type);
	assert_int_equal(u.type, CKO_PRIVATE_KEY);
	assert_true(u.has_slot_id);
	assert_int_equal(u.slot_id, 7);
	assert_string_equal(u.pin_value, "12&34");
	assert_int_equal(u.pin_value_len, 5);
	assert_null(u.pin_source);
	mcx_uri_clear(&u);

	/* the scheme is case-insensitive; an empty path is every token */
	assert_int_equal(mcx_uri_parse("PKCS11:", &u), CKR_OK);
	assert_null(u.token);
	assert_false(u.has_type);
	mcx_uri_clear(&u);
	assert_int_equal(
	    mcx_uri_parse("pkcs11:type=public?pin-source=file:/x/pin", &u),
	    CKR_OK);
	assert_int_equal(u.type, CKO_PUBLIC_KEY);
	assert_string_equal(u.pin_source, "file:/x/pin");
	mcx_uri_clear(&u);
}

static void test_refusals(void **state)
{
	(void)state;
	struct mcx_uri u;
	static const char *bad[] = {
	    "file:/etc/passwd",
	    "pkcs11:tokn=x",
	    "pkcs11:token=a;token=b",
	    "pkcs11:object=%zz",
	    "pkcs11:object=abc%4",
	    "pkcs11:type=secret",
	    "pkcs11:slot-id=x1",
	    "pkcs11:token",
	    "pkcs11:=x",
	    "pkcs11:token=a?pin-value=1&pin-source=file:/p",
	    "pkcs11:id=%01;id=%02",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (mcx_uri_parse(bad[i], &u) != CKR_ARGUMENTS_BAD)
			fail_msg("accepted: %s", bad[i]);
		assert_null(u.token);
	}
}

static void test_format(void **state)
{
	(void)state;
	struct mcx_uri u;
	char *s =
	    mcx_uri_format("My Token;1", "a/b", (const uint8_t *)"\x00\x7f", 2,
			   CKO_PUBLIC_KEY);
	assert_string_equal(
	    s,
	    "pkcs11:token=My%20Token%3b1;object=a%2fb;id=%00%7f;type=public");
	/* and back */
	assert_int_equal(mcx_uri_parse(s, &u), CKR_OK);
	assert_string_equal(u.token, "My Token;1");
	assert_string_equal(u.object, "a/b");
	assert_int_equal(u.id_len, 2);
	assert_memory_equal(u.id, "\x00\x7f", 2);
	mcx_uri_clear(&u);
	free(s);
	s = mcx_uri_format(NULL, NULL, NULL, 0, CKO_PRIVATE_KEY);
	assert_string_equal(s, "pkcs11:type=private");
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse),
	    cmocka_unit_test(test_refusals),
	    cmocka_unit_test(test_format),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
