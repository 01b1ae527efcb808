/*
 * Black-box suite of MCX identity keys (issue 4 first bullet, TS 33.180
 * §5.1, MCX-REFERENCE §5.1-5.3): the Streamwide v5 KMS certificate and the
 * GMS/Alice/Bob key sets are accepted through C_CreateObject, CKA_MCX_HS is
 * computed as published, and tampered or unanchored keys are refused with
 * their CKR, audited, with nothing stored.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tests/blackbox/mcx_streamwide.h"
#include "tests/blackbox/p11_helpers.h"

#define SO_PIN	 "so-secret-1"
#define USER_PIN "user-secret-1"

static struct mcx_p11 p11;
static CK_SESSION_HANDLE sess;
static struct mcx_sw sw;

#define F p11.f

static int setup(void **state)
{
	(void)state;
	mcx_sw_load(&sw);
	mcx_p11_open(&p11);
	mcx_p11_init_token(&p11, "mcx-ident", SO_PIN, USER_PIN);
	sess = mcx_p11_session(&p11, CKU_USER, USER_PIN);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	F->C_CloseSession(sess);
	mcx_p11_close(&p11);
	return 0;
}

/* Objects matching (class, key type, attribute type = value). */
static CK_ULONG count(CK_OBJECT_CLASS cls, CK_ATTRIBUTE_TYPE type,
		      const void *v, CK_ULONG len)
{
	CK_ATTRIBUTE t[] = {{CKA_CLASS, &cls, sizeof(cls)},
			    {type, (void *)v, len}};
	CK_OBJECT_HANDLE h[16];
	CK_ULONG n = 0;
	MCX_P11_CHECK(F->C_FindObjectsInit(sess, t, 2), CKR_OK);
	MCX_P11_CHECK(F->C_FindObjects(sess, h, 16, &n), CKR_OK);
	MCX_P11_CHECK(F->C_FindObjectsFinal(sess), CKR_OK);
	return n;
}

/* Audit records of C_CreateObject that returned rv. */
static CK_ULONG audited(CK_RV rv)
{
	CK_OBJECT_CLASS cls = CKO_MCX_AUDIT_RECORD;
	CK_ULONG r = rv;
	return count(cls, CKA_MCX_AUDIT_RV, &r, sizeof(r));
}

static void kms_certificate(void)
{
	CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
	CK_KEY_TYPE kt = CKK_MCX_SAKKE;
	if (count(CKO_PUBLIC_KEY, CKA_KEY_TYPE, &kt, sizeof(kt)) > 0)
		return;
	MCX_P11_CHECK(mcx_sw_create_sakke_public(F, sess, &sw, sw.z_t, &h),
		      CKR_OK);
	MCX_P11_CHECK(mcx_sw_create_eccsi_public(F, sess, &sw, sw.kpak, &h),
		      CKR_OK);
}

static void test_tampered_certificate(void **state)
{
	(void)state;
	uint8_t z[257], k[65];
	CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
	memcpy(z, sw.z_t, sizeof(z));
	memcpy(k, sw.kpak, sizeof(k));
	z[200] ^= 0x01; /* off the curve */
	k[40] ^= 0x01;
	CK_ULONG before = audited(CKR_MCX_KEY_VALIDATION_FAILED);
	assert_int_equal(mcx_sw_create_sakke_public(F, sess, &sw, z, &h),
			 CKR_MCX_KEY_VALIDATION_FAILED);
	assert_int_equal(mcx_sw_create_eccsi_public(F, sess, &sw, k, &h),
			 CKR_MCX_KEY_VALIDATION_FAILED);
	assert_int_equal(audited(CKR_MCX_KEY_VALIDATION_FAILED), before + 2);
	assert_int_equal(count(CKO_PUBLIC_KEY, CKA_VALUE, z, sizeof(z)), 0);
}

static void test_unknown_kms(void **state)
{
	(void)state;
	struct mcx_sw_user u;
	CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
	mcx_sw_user(&sw, "Alice", &u);
	/* before the certificate is in the token, or for another KMS */
	assert_int_equal(mcx_sw_create_rsk(F, sess, "kms.example.org", &u, &h),
			 CKR_MCX_UNKNOWN_KMS);
	assert_int_equal(mcx_sw_create_ssk(F, sess, "kms.example.org", &u, &h),
			 CKR_MCX_UNKNOWN_KMS);
	assert_true(audited(CKR_MCX_UNKNOWN_KMS) >= 2);
	assert_int_equal(
	    count(CKO_PRIVATE_KEY, CKA_MCX_UID, u.uid, sizeof(u.uid)), 0);
}

static void test_streamwide_key_sets(void **state)
{
	(void)state;
	static const char *names[] = {"GMS", "Alice", "Bob"};
	kms_certificate();
	for (size_t i = 0; i < 3; i++) {
		struct mcx_sw_user u;
		CK_OBJECT_HANDLE r = CK_INVALID_HANDLE, e = CK_INVALID_HANDLE;
		uint8_t hs[32] = {0};
		CK_ATTRIBUTE ta = {CKA_MCX_HS, hs, sizeof(hs)};
		mcx_sw_user(&sw, names[i], &u);
		MCX_P11_CHECK(mcx_sw_create_rsk(F, sess, sw.kms_uri, &u, &r),
			      CKR_OK);
		MCX_P11_CHECK(mcx_sw_create_ssk(F, sess, sw.kms_uri, &u, &e),
			      CKR_OK);
		/* HS computed by the token equals the published one */
		MCX_P11_CHECK(F->C_GetAttributeValue(sess, e, &ta, 1), CKR_OK);
		assert_int_equal(ta.ulValueLen, 32);
		assert_memory_equal(hs, u.hs, 32);
		/* the RSK and SSK never come out, whatever the template
		 * asked (it asked for CKA_SENSITIVE false, CKA_EXTRACTABLE
		 * true) */
		for (int k = 0; k < 2; k++) {
			CK_BBOOL sens = CK_FALSE, ext = CK_TRUE;
			CK_ATTRIBUTE q[] = {{CKA_SENSITIVE, &sens, 1},
					    {CKA_EXTRACTABLE, &ext, 1}};
			MCX_P11_CHECK(
			    F->C_GetAttributeValue(sess, k ? e : r, q, 2),
			    CKR_OK);
			assert_int_equal(sens, CK_TRUE);
			assert_int_equal(ext, CK_FALSE);
		}
		uint8_t v[257];
		CK_ATTRIBUTE tv = {CKA_VALUE, v, sizeof(v)};
		assert_int_equal(F->C_GetAttributeValue(sess, r, &tv, 1),
				 CKR_ATTRIBUTE_SENSITIVE);
		tv.ulValueLen = sizeof(v);
		assert_int_equal(F->C_GetAttributeValue(sess, e, &tv, 1),
				 CKR_ATTRIBUTE_SENSITIVE);
		MCX_P11_CHECK(F->C_DestroyObject(sess, r), CKR_OK);
		MCX_P11_CHECK(F->C_DestroyObject(sess, e), CKR_OK);
	}
}

static void test_uid_mismatch(void **state)
{
	(void)state;
	struct mcx_sw_user u;
	CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
	kms_certificate();
	mcx_sw_user(&sw, "Alice", &u);
	CK_ULONG before = audited(CKR_MCX_UID_MISMATCH);
	/* the published UID, but claimed for the next key period */
	u.period_no++;
	assert_int_equal(mcx_sw_create_rsk(F, sess, sw.kms_uri, &u, &h),
			 CKR_MCX_UID_MISMATCH);
	u.period_no--;
	/* a UID that is not the identity's */
	u.uid[31] ^= 0x80;
	assert_int_equal(mcx_sw_create_ssk(F, sess, sw.kms_uri, &u, &h),
			 CKR_MCX_UID_MISMATCH);
	assert_int_equal(audited(CKR_MCX_UID_MISMATCH), before + 2);
	assert_int_equal(
	    count(CKO_PRIVATE_KEY, CKA_MCX_UID, u.uid, sizeof(u.uid)), 0);
}

static void test_tampered_keys(void **state)
{
	(void)state;
	struct mcx_sw_user alice, bob;
	CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
	kms_certificate();
	mcx_sw_user(&sw, "Alice", &alice);
	mcx_sw_user(&sw, "Bob", &bob);
	CK_ULONG before = audited(CKR_MCX_KEY_VALIDATION_FAILED);
	struct mcx_sw_user u = alice;
	/* Bob's RSK under Alice's identity: a valid point, wrong pairing */
	memcpy(u.rsk, bob.rsk, sizeof(u.rsk));
	assert_int_equal(mcx_sw_create_rsk(F, sess, sw.kms_uri, &u, &h),
			 CKR_MCX_KEY_VALIDATION_FAILED);
	/* a flipped RSK coordinate bit: off the curve */
	u = alice;
	u.rsk[100] ^= 0x04;
	assert_int_equal(mcx_sw_create_rsk(F, sess, sw.kms_uri, &u, &h),
			 CKR_MCX_KEY_VALIDATION_FAILED);
	/* SSK off by one bit, and Bob's PVT with Alice's SSK */
	u = alice;
	u.ssk[31] ^= 0x01;
	assert_int_equal(mcx_sw_create_ssk(F, sess, sw.kms_uri, &u, &h),
			 CKR_MCX_KEY_VALIDATION_FAILED);
	u = alice;
	memcpy(u.pvt, bob.pvt, sizeof(u.pvt));
	assert_int_equal(mcx_sw_create_ssk(F, sess, sw.kms_uri, &u, &h),
			 CKR_MCX_KEY_VALIDATION_FAILED);
	assert_int_equal(audited(CKR_MCX_KEY_VALIDATION_FAILED), before + 4);
	assert_int_equal(
	    count(CKO_PRIVATE_KEY, CKA_MCX_UID, alice.uid, sizeof(alice.uid)),
	    0);
}

static void test_incomplete(void **state)
{
	(void)state;
	CK_OBJECT_CLASS cls = CKO_PRIVATE_KEY;
	CK_KEY_TYPE kt = CKK_MCX_SAKKE;
	CK_BBOOL yes = CK_TRUE;
	struct mcx_sw_user u;
	CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
	mcx_sw_user(&sw, "Alice", &u);
	kms_certificate();
	/* an RSK without its identity cannot be validated */
	CK_ATTRIBUTE t[] = {
	    {CKA_CLASS, &cls, sizeof(cls)},
	    {CKA_KEY_TYPE, &kt, sizeof(kt)},
	    {CKA_TOKEN, &yes, sizeof(yes)},
	    {CKA_VALUE, u.rsk, sizeof(u.rsk)},
	};
	assert_int_equal(F->C_CreateObject(sess, t, 4, &h),
			 CKR_TEMPLATE_INCOMPLETE);
}

/* Last: a revoked KMS certificate validates no key. */
static void test_revoked_kms(void **state)
{
	(void)state;
	struct mcx_sw_user u;
	CK_OBJECT_CLASS cls = CKO_PUBLIC_KEY;
	CK_KEY_TYPE kt = CKK_MCX_SAKKE;
	CK_BBOOL yes = CK_TRUE;
	CK_OBJECT_HANDLE h = CK_INVALID_HANDLE, cert = CK_INVALID_HANDLE;
	CK_ULONG n = 0;
	kms_certificate();
	CK_ATTRIBUTE t[] = {{CKA_CLASS, &cls, sizeof(cls)},
			    {CKA_KEY_TYPE, &kt, sizeof(kt)}};
	MCX_P11_CHECK(F->C_FindObjectsInit(sess, t, 2), CKR_OK);
	MCX_P11_CHECK(F->C_FindObjects(sess, &cert, 1, &n), CKR_OK);
	MCX_P11_CHECK(F->C_FindObjectsFinal(sess), CKR_OK);
	assert_int_equal(n, 1);
	mcx_sw_user(&sw, "Bob", &u);
	MCX_P11_CHECK(mcx_sw_create_rsk(F, sess, sw.kms_uri, &u, &h), CKR_OK);
	MCX_P11_CHECK(F->C_DestroyObject(sess, h), CKR_OK);
	CK_ATTRIBUTE r = {CKA_MCX_REVOKED, &yes, sizeof(yes)};
	MCX_P11_CHECK(F->C_SetAttributeValue(sess, cert, &r, 1), CKR_OK);
	assert_int_equal(mcx_sw_create_rsk(F, sess, sw.kms_uri, &u, &h),
			 CKR_MCX_KEY_REVOKED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_tampered_certificate),
	    cmocka_unit_test(test_unknown_kms),
	    cmocka_unit_test(test_streamwide_key_sets),
	    cmocka_unit_test(test_uid_mismatch),
	    cmocka_unit_test(test_tampered_keys),
	    cmocka_unit_test(test_incomplete),
	    cmocka_unit_test(test_revoked_kms),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
