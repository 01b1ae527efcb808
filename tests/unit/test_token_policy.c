/*
 * Unit test of token/attr_policy.c: the per-class tables (required,
 * read-only, latching, SO-only, sensitive, secret flags from the PKCS#11
 * 3.0 footnotes), value checks, and the encoding of attribute arrays.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <mcxhsm/pkcs11-mcx.h>
#include <stdlib.h>
#include <string.h>

#include "token/attr_policy.h"

static unsigned flags(CK_OBJECT_CLASS c, CK_KEY_TYPE k, CK_ATTRIBUTE_TYPE t)
{
	const struct mcx_attr_rule *r = mcx_policy_rule(c, k, t);
	assert_non_null(r);
	return r->flags;
}

static void test_tables(void **state)
{
	(void)state;
	/* secret key value: required, sensitive, encrypted at rest */
	unsigned v = flags(CKO_SECRET_KEY, CKK_AES, CKA_VALUE);
	assert_true(v & MCX_AF_REQUIRED);
	assert_true(v & MCX_AF_SENSITIVE);
	assert_true(v & MCX_AF_SECRET);
	/* a data object's value is neither */
	v = flags(CKO_DATA, 0, CKA_VALUE);
	assert_false(v & (MCX_AF_SENSITIVE | MCX_AF_SECRET));
	/* latches */
	assert_true(flags(CKO_PRIVATE_KEY, CKK_EC, CKA_SENSITIVE) &
		    MCX_AF_LATCH_TRUE);
	assert_true(flags(CKO_SECRET_KEY, CKK_AES, CKA_WRAP_WITH_TRUSTED) &
		    MCX_AF_LATCH_TRUE);
	assert_true(flags(CKO_SECRET_KEY, CKK_AES, CKA_EXTRACTABLE) &
		    MCX_AF_LATCH_FALSE);
	/* token-assigned */
	assert_true(flags(CKO_SECRET_KEY, CKK_AES, CKA_LOCAL) &
		    MCX_AF_READONLY);
	assert_true(flags(CKO_PRIVATE_KEY, CKK_EC, CKA_NEVER_EXTRACTABLE) &
		    MCX_AF_READONLY);
	assert_true(flags(CKO_DATA, 0, CKA_UNIQUE_ID) & MCX_AF_READONLY);
	/* SO only */
	assert_true(flags(CKO_CERTIFICATE, 0, CKA_TRUSTED) & MCX_AF_SO_ONLY);
	assert_true(flags(CKO_PUBLIC_KEY, CKK_EC, CKA_TRUSTED) &
		    MCX_AF_SO_ONLY);
	/* AES CKA_VALUE_LEN must not be given to C_CreateObject */
	assert_true(flags(CKO_SECRET_KEY, CKK_AES, CKA_VALUE_LEN) &
		    MCX_AF_NO_CREATE);
	/* the vendor types */
	assert_true(flags(CKO_PRIVATE_KEY, CKK_MCX_SAKKE, CKA_VALUE) &
		    MCX_AF_SECRET);
	assert_non_null(
	    mcx_policy_rule(CKO_SECRET_KEY, CKK_MCX_KEY, CKA_MCX_KEY_PURPOSE));
	assert_null(
	    mcx_policy_rule(CKO_SECRET_KEY, CKK_AES, CKA_MCX_KEY_PURPOSE));
	assert_true(
	    mcx_policy_forced_sensitive(CKO_PRIVATE_KEY, CKK_MCX_ECCSI));
	assert_false(mcx_policy_forced_sensitive(CKO_PRIVATE_KEY, CKK_EC));
	/* attributes a class does not have */
	assert_null(mcx_policy_rule(CKO_DATA, 0, CKA_SENSITIVE));
	assert_null(mcx_policy_rule(CKO_PUBLIC_KEY, CKK_EC, CKA_SIGN));
	assert_null(mcx_policy_rule(CKO_SECRET_KEY, CKK_AES, CKA_EC_POINT));
}

static void test_classes_and_values(void **state)
{
	(void)state;
	assert_int_equal(mcx_policy_class_ok(CKO_SECRET_KEY, CKK_AES), CKR_OK);
	assert_int_equal(mcx_policy_class_ok(CKO_SECRET_KEY, CKK_EC),
			 CKR_TEMPLATE_INCONSISTENT);
	assert_int_equal(mcx_policy_class_ok(CKO_PRIVATE_KEY, 0x7777),
			 CKR_ATTRIBUTE_VALUE_INVALID);
	assert_int_equal(mcx_policy_class_ok(0x7777, 0),
			 CKR_ATTRIBUTE_VALUE_INVALID);
	assert_int_equal(mcx_policy_secret_len_ok(CKK_AES, 24), CKR_OK);
	assert_int_equal(mcx_policy_secret_len_ok(CKK_AES, 20),
			 CKR_ATTRIBUTE_VALUE_INVALID);
	assert_int_equal(mcx_policy_secret_len_ok(CKK_MCX_KEY, 32),
			 CKR_ATTRIBUTE_VALUE_INVALID);
	assert_int_equal(mcx_policy_secret_len_ok(CKK_MCX_RGK_SEED, 16),
			 CKR_OK);
	const struct mcx_attr_rule *b = mcx_policy_rule(CKO_DATA, 0, CKA_TOKEN);
	CK_BBOOL t = CK_TRUE, bad = 2;
	assert_int_equal(mcx_policy_value_ok(b, &t, 1), CKR_OK);
	assert_int_equal(mcx_policy_value_ok(b, &bad, 1),
			 CKR_ATTRIBUTE_VALUE_INVALID);
	assert_int_equal(mcx_policy_value_ok(b, &t, 2),
			 CKR_ATTRIBUTE_VALUE_INVALID);
	assert_int_equal(mcx_policy_value_ok(b, NULL, 1),
			 CKR_ATTRIBUTE_VALUE_INVALID);
	const struct mcx_attr_rule *l = mcx_policy_rule(CKO_DATA, 0, CKA_LABEL);
	assert_int_equal(mcx_policy_value_ok(l, "x", (CK_ULONG)-1),
			 CKR_ATTRIBUTE_VALUE_INVALID);
}

static void test_attr_arrays(void **state)
{
	(void)state;
	CK_BBOOL t = CK_TRUE;
	CK_ULONG cls = CKO_SECRET_KEY;
	CK_ATTRIBUTE in[] = {{CKA_EXTRACTABLE, &t, 1},
			     {CKA_CLASS, &cls, sizeof(cls)},
			     {CKA_LABEL, NULL, 0}};
	unsigned char *enc = NULL;
	size_t len = 0;
	assert_int_equal(mcx_policy_attrs_encode(in, 3, &enc, &len), CKR_OK);
	CK_ATTRIBUTE out[3];
	CK_ULONG n = 0;
	assert_true(mcx_policy_attrs_decode(enc, len, &n, out, 3));
	assert_int_equal(n, 3);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(out[i].type, in[i].type);
		assert_int_equal(out[i].ulValueLen, in[i].ulValueLen);
		if (in[i].ulValueLen)
			assert_memory_equal(out[i].pValue, in[i].pValue,
					    in[i].ulValueLen);
	}
	/* truncated encodings are refused, never over-read */
	for (size_t cut = 1; cut < len; cut++)
		if (cut != 17 && cut != 17 + 16 + sizeof(CK_ULONG))
			assert_false(
			    mcx_policy_attrs_decode(enc, cut, &n, out, 3));
	free(enc);
	CK_ATTRIBUTE bad = {CKA_LABEL, NULL, 4};
	assert_int_equal(mcx_policy_attrs_encode(&bad, 1, &enc, &len),
			 CKR_ATTRIBUTE_VALUE_INVALID);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_tables),
	    cmocka_unit_test(test_classes_and_values),
	    cmocka_unit_test(test_attr_arrays),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
