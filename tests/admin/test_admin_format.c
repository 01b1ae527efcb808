/*
 * admin/names.c and admin/json.c: the names the tool prints (CKR with
 * hints, vendor key types, PRODUCT.md's purpose spellings), hex in
 * lowercase both ways, ISO 8601 UTC times, and JSON that escapes what a
 * label may hold.  The commands themselves are tested by running the tool
 * (the tests/admin scripts).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "admin/internal.h"

/* main.c is the program's; json.c reports output failures through this. */
int mcx_main_fail(const char *fmt, ...)
{
	(void)fmt;
	return MCX_EXIT_FAIL;
}

static void test_rv_names(void **state)
{
	CK_RV rv = 0;

	(void)state;
	assert_string_equal(mcx_names_rv(CKR_OK), "CKR_OK");
	assert_string_equal(mcx_names_rv(CKR_PIN_INCORRECT),
			    "CKR_PIN_INCORRECT");
	assert_string_equal(mcx_names_rv_hint(CKR_PIN_INCORRECT), "wrong PIN");
	assert_string_equal(mcx_names_rv(CKR_MCX_KEY_REVOKED),
			    "CKR_MCX_KEY_REVOKED");
	assert_string_equal(mcx_names_rv(CKR_MCX_REGROUP_ENDED),
			    "CKR_MCX_REGROUP_ENDED");
	assert_non_null(mcx_names_rv_hint(CKR_MCX_SIGNATURE_INVALID));
	assert_null(mcx_names_rv_hint(CKR_MECHANISM_PARAM_INVALID));
	assert_string_equal(mcx_names_rv(0x12345678UL), "0x12345678");
	/* every vendor code of the header has its name */
	for (rv = CKR_MCX_SIGNATURE_INVALID; rv <= CKR_MCX_REGROUP_ENDED; rv++)
		assert_memory_equal(mcx_names_rv(rv), "CKR_MCX_", 8);
}

/* Several unknown numbers in one printf each keep their own text. */
static void test_unknown_numbers_distinct(void **state)
{
	const char *a = NULL, *b = NULL, *c = NULL;

	(void)state;
	a = mcx_names_rv(0x0badUL);
	b = mcx_names_mechanism(0x0beeUL);
	c = mcx_names_user_type(0x0cafUL);
	assert_string_equal(a, "0x00000bad");
	assert_string_equal(b, "0x00000bee");
	assert_string_equal(c, "0x00000caf");
	assert_string_equal(mcx_names_mechanism(CK_UNAVAILABLE_INFORMATION),
			    "-");
	assert_string_equal(mcx_names_user_type(CK_UNAVAILABLE_INFORMATION),
			    "-");
}

static void test_object_names(void **state)
{
	(void)state;
	assert_string_equal(mcx_names_class(CKO_SECRET_KEY), "CKO_SECRET_KEY");
	assert_string_equal(mcx_names_class(CKO_MCX_AUDIT_RECORD),
			    "CKO_MCX_AUDIT_RECORD");
	assert_string_equal(mcx_names_key_type(CKK_EC), "CKK_EC");
	assert_string_equal(mcx_names_key_type(CKK_AES), "CKK_AES");
	assert_string_equal(mcx_names_key_type(CKK_MCX_SAKKE), "CKK_MCX_SAKKE");
	assert_string_equal(mcx_names_key_type(CKK_MCX_ECCSI), "CKK_MCX_ECCSI");
	assert_string_equal(mcx_names_key_type(CKK_MCX_KEY), "CKK_MCX_KEY");
	assert_string_equal(mcx_names_key_type(CKK_MCX_RGK_SEED),
			    "CKK_MCX_RGK_SEED");
	assert_string_equal(mcx_names_mechanism(CKM_MCX_MIKEY_SAKKE),
			    "CKM_MCX_MIKEY_SAKKE");
	assert_string_equal(mcx_names_mechanism(CKM_AES_KEY_WRAP_KWP),
			    "CKM_AES_KEY_WRAP_KWP");
	assert_string_equal(mcx_names_user_type(CKU_SO), "SO");
}

/* PRODUCT.md: "the admin tool prints these names exactly so". */
static void test_purpose_names(void **state)
{
	static const char *const want[] = {"GMK",  "PCK",   "CSK",  "SPK",
					   "MKFC", "MSCCK", "MuSiK"};
	CK_ULONG p = 0;

	(void)state;
	for (p = 0; p < 7; p++)
		assert_string_equal(mcx_names_purpose(p), want[p]);
	assert_string_equal(mcx_names_purpose(7), "0x00000007");
}

static void test_hex(void **state)
{
	static const CK_BYTE in[] = {0x00, 0x9a, 0xff, 0x10};
	char out[2 * sizeof(in) + 1] = {0};
	CK_BYTE *back = NULL;
	size_t len = 0;

	(void)state;
	mcx_hex(out, in, sizeof(in));
	assert_string_equal(out, "009aff10");
	assert_true(mcx_unhex("009AFF10", &back, &len));
	assert_int_equal(len, sizeof(in));
	assert_memory_equal(back, in, sizeof(in));
	free(back);
	back = NULL;
	assert_false(mcx_unhex("abc", &back, &len));
	assert_false(mcx_unhex("", &back, &len));
	assert_false(mcx_unhex("0g", &back, &len));
	assert_null(back);
}

static void test_time_iso(void **state)
{
	char buf[32] = {0};

	(void)state;
	mcx_time_iso(buf, sizeof(buf), 0);
	assert_string_equal(buf, "1970-01-01T00:00:00Z");
	mcx_time_iso(buf, sizeof(buf), 1767225600ULL);
	assert_string_equal(buf, "2026-01-01T00:00:00Z");
}

/* A label may hold quotes, backslashes, control characters and UTF-8: the
 * JSON must parse back to the same string. */
static void test_json_escaping(void **state)
{
	static const char label[] = "a \"quoted\" \\ label\n\t\x01 /x \xc3\xa9";
	static const CK_BYTE uid[] = {0xde, 0xad, 0xbe, 0xef};
	struct json_object *o = json_object_new_object();
	struct json_object *back = NULL, *v = NULL;
	const char *text = NULL;

	(void)state;
	mcx_json_add_string(o, "label", label);
	mcx_json_add_string(o, "absent", NULL);
	mcx_json_add_hex(o, "uid", uid, sizeof(uid));
	mcx_json_add_time(o, "valid_from", 1767225600ULL);
	mcx_json_add_int(o, "key_period_no", 1234);
	text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	back = json_tokener_parse(text);
	assert_non_null(back);
	assert_true(json_object_object_get_ex(back, "label", &v));
	assert_string_equal(json_object_get_string(v), label);
	assert_false(json_object_object_get_ex(back, "absent", &v));
	assert_true(json_object_object_get_ex(back, "uid", &v));
	assert_string_equal(json_object_get_string(v), "deadbeef");
	assert_true(json_object_object_get_ex(back, "valid_from", &v));
	assert_string_equal(json_object_get_string(v), "2026-01-01T00:00:00Z");
	assert_true(json_object_object_get_ex(back, "key_period_no", &v));
	assert_int_equal(json_object_get_int64(v), 1234);
	json_object_put(back);
	json_object_put(o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rv_names),
	    cmocka_unit_test(test_unknown_numbers_distinct),
	    cmocka_unit_test(test_object_names),
	    cmocka_unit_test(test_purpose_names),
	    cmocka_unit_test(test_hex),
	    cmocka_unit_test(test_time_iso),
	    cmocka_unit_test(test_json_escaping),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
