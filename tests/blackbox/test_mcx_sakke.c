/*
 * Black-box suite of CKM_MCX_KEY_GEN and CKM_MCX_SAKKE (issue 5 first
 * part; RFC 6508, MCX-REFERENCE §3, §5.2): MCX keys are generated with a
 * unique purpose-tagged K-ID and stay sensitive; C_WrapKey with the
 * Streamwide KMS's Z_T gives a SED that the pure engine decapsulates with
 * the receiver's published RSK to the key whose check value the token
 * reports; C_UnwrapKey with the RSK object restores it; the SAKKE payloads
 * of the published Streamwide messages unwrap to the published keys;
 * tampered SEDs and wrong receivers are refused (CKR_MCX_DECAPSULATION_
 * FAILED, audited, nothing stored); standard wrapping of an MCX key is
 * refused with CKR_KEY_NOT_WRAPPABLE.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>

#include "mechanisms/sakke.h"
#include "tests/blackbox/mcx_streamwide.h"
#include "tests/blackbox/p11_helpers.h"
#include "tests/common/vectors.h"

#define SO_PIN	 "so-secret-1"
#define USER_PIN "user-secret-1"

static struct mcx_p11 p11;
static CK_SESSION_HANDLE sess;
static struct mcx_sw sw;
static struct mcx_sw_user users[3];
static const char *names[3] = {"GMS", "Alice", "Bob"};
static CK_OBJECT_HANDLE zt_h, rsk_h[3];
static CK_BBOOL yes = CK_TRUE, no = CK_FALSE;

#define F p11.f

static int setup(void **state)
{
	CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
	(void)state;
	mcx_sw_load(&sw);
	mcx_p11_open(&p11);
	mcx_p11_init_token(&p11, "mcx-sakke", SO_PIN, USER_PIN);
	sess = mcx_p11_session(&p11, CKU_USER, USER_PIN);
	MCX_P11_CHECK(mcx_sw_create_sakke_public(F, sess, &sw, sw.z_t, &zt_h),
		      CKR_OK);
	MCX_P11_CHECK(mcx_sw_create_eccsi_public(F, sess, &sw, sw.kpak, &h),
		      CKR_OK);
	for (int i = 0; i < 3; i++) {
		mcx_sw_user(&sw, names[i], &users[i]);
		MCX_P11_CHECK(mcx_sw_create_rsk(F, sess, sw.kms_uri, &users[i],
						&rsk_h[i]),
			      CKR_OK);
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	F->C_CloseSession(sess);
	mcx_p11_close(&p11);
	return 0;
}

static void aes_check_value(const uint8_t key[16], uint8_t cv[3])
{
	uint8_t zero[16] = {0}, out[32];
	int l = 0;
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	assert_non_null(c);
	assert_int_equal(
	    EVP_EncryptInit_ex(c, EVP_aes_128_ecb(), NULL, key, NULL), 1);
	EVP_CIPHER_CTX_set_padding(c, 0);
	assert_int_equal(EVP_EncryptUpdate(c, out, &l, zero, 16), 1);
	EVP_CIPHER_CTX_free(c);
	memcpy(cv, out, 3);
}

static CK_OBJECT_HANDLE gen(CK_ULONG purpose, CK_RV expect)
{
	CK_MECHANISM m = {CKM_MCX_KEY_GEN, NULL, 0};
	CK_ATTRIBUTE t[] = {
	    {CKA_MCX_KEY_PURPOSE, &purpose, sizeof(purpose)},
	    {CKA_TOKEN, &no, sizeof(no)},
	    {CKA_EXTRACTABLE, &yes, sizeof(yes)},
	};
	CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
	assert_int_equal(F->C_GenerateKey(sess, &m, t, 3, &h), expect);
	return h;
}

static void attr(CK_OBJECT_HANDLE h, CK_ATTRIBUTE_TYPE t, void *v, CK_ULONG len)
{
	CK_ATTRIBUTE a = {t, v, len};
	MCX_P11_CHECK(F->C_GetAttributeValue(sess, h, &a, 1), CKR_OK);
	assert_int_equal(a.ulValueLen, len);
}

static CK_ULONG count_mcx_keys(void)
{
	CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	CK_KEY_TYPE kt = CKK_MCX_KEY;
	CK_ATTRIBUTE t[] = {{CKA_CLASS, &cls, sizeof(cls)},
			    {CKA_KEY_TYPE, &kt, sizeof(kt)}};
	CK_OBJECT_HANDLE h[256];
	CK_ULONG n = 0;
	MCX_P11_CHECK(F->C_FindObjectsInit(sess, t, 2), CKR_OK);
	MCX_P11_CHECK(F->C_FindObjects(sess, h, 256, &n), CKR_OK);
	MCX_P11_CHECK(F->C_FindObjectsFinal(sess), CKR_OK);
	return n;
}

static CK_ULONG audited(CK_RV rv)
{
	CK_OBJECT_CLASS cls = CKO_MCX_AUDIT_RECORD;
	CK_ULONG r = rv;
	CK_ATTRIBUTE t[] = {{CKA_CLASS, &cls, sizeof(cls)},
			    {CKA_MCX_AUDIT_RV, &r, sizeof(r)}};
	CK_OBJECT_HANDLE h[64];
	CK_ULONG n = 0;
	MCX_P11_CHECK(F->C_FindObjectsInit(sess, t, 2), CKR_OK);
	MCX_P11_CHECK(F->C_FindObjects(sess, h, 64, &n), CKR_OK);
	MCX_P11_CHECK(F->C_FindObjectsFinal(sess), CKR_OK);
	return n;
}

static void test_keygen(void **state)
{
	(void)state;
	uint8_t ids[40][4];
	for (int i = 0; i < 40; i++) {
		CK_ULONG purpose = (CK_ULONG)(i % 7), got = 99;
		CK_BBOOL sens = CK_FALSE;
		CK_ULONG vlen = 0;
		uint8_t cv[3];
		CK_OBJECT_HANDLE h = gen(purpose, CKR_OK);
		attr(h, CKA_MCX_KEY_ID, ids[i], 4);
		attr(h, CKA_MCX_KEY_PURPOSE, &got, sizeof(got));
		attr(h, CKA_SENSITIVE, &sens, 1);
		attr(h, CKA_VALUE_LEN, &vlen, sizeof(vlen));
		attr(h, CKA_CHECK_VALUE, cv, 3);
		assert_int_equal(got, purpose);
		assert_int_equal(ids[i][0] >> 4, purpose);
		assert_int_equal(sens, CK_TRUE);
		assert_int_equal(vlen, 16);
		for (int j = 0; j < i; j++)
			assert_memory_not_equal(ids[i], ids[j], 4);
		uint8_t v[16];
		CK_ATTRIBUTE a = {CKA_VALUE, v, sizeof(v)};
		assert_int_equal(F->C_GetAttributeValue(sess, h, &a, 1),
				 CKR_ATTRIBUTE_SENSITIVE);
	}
	gen(7, CKR_ATTRIBUTE_VALUE_INVALID);
	CK_MECHANISM m = {CKM_MCX_KEY_GEN, NULL, 0};
	CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
	CK_ATTRIBUTE t[] = {{CKA_TOKEN, &no, sizeof(no)}};
	assert_int_equal(F->C_GenerateKey(sess, &m, t, 1, &h),
			 CKR_TEMPLATE_INCOMPLETE);
	CK_ULONG gmk = CKP_MCX_GMK;
	CK_ATTRIBUTE t2[] = {{CKA_MCX_KEY_PURPOSE, &gmk, sizeof(gmk)},
			     {CKA_SENSITIVE, &no, sizeof(no)}};
	assert_int_equal(F->C_GenerateKey(sess, &m, t2, 2, &h),
			 CKR_TEMPLATE_INCONSISTENT);
}

static CK_RV wrap(CK_OBJECT_HANDLE wk, CK_OBJECT_HANDLE k, const uint8_t *id,
		  uint8_t *sed, CK_ULONG *len)
{
	CK_MCX_SAKKE_PARAMS p = {(CK_BYTE_PTR)id, 32};
	CK_MECHANISM m = {CKM_MCX_SAKKE, &p, sizeof(p)};
	return F->C_WrapKey(sess, &m, wk, k, sed, len);
}

static CK_RV unwrap(CK_OBJECT_HANDLE rsk, const uint8_t *sed, CK_ULONG len,
		    CK_OBJECT_HANDLE *h)
{
	CK_MECHANISM m = {CKM_MCX_SAKKE, NULL, 0};
	CK_ULONG purpose = CKP_MCX_GMK;
	CK_ATTRIBUTE t[] = {
	    {CKA_MCX_KEY_PURPOSE, &purpose, sizeof(purpose)},
	    {CKA_TOKEN, &no, sizeof(no)},
	};
	return F->C_UnwrapKey(sess, &m, rsk, (CK_BYTE_PTR)sed, len, t, 2, h);
}

static void test_wrap_unwrap(void **state)
{
	(void)state;
	CK_OBJECT_HANDLE k = gen(CKP_MCX_GMK, CKR_OK), k2 = CK_INVALID_HANDLE;
	uint8_t sed[MCX_SAKKE_SED_LEN + 8], cv[3], cv2[3], ssv[16], want[3];
	CK_ULONG len = 0;
	attr(k, CKA_CHECK_VALUE, cv, 3);
	for (int r = 1; r < 3; r++) {
		/* size query, then the SED for the receiver's UID */
		MCX_P11_CHECK(wrap(zt_h, k, users[r].uid, NULL, &len), CKR_OK);
		assert_int_equal(len, MCX_SAKKE_SED_LEN);
		len = sizeof(sed);
		MCX_P11_CHECK(wrap(zt_h, k, users[r].uid, sed, &len), CKR_OK);
		assert_int_equal(len, MCX_SAKKE_SED_LEN);
		/* the pure engine with the published RSK agrees */
		struct mcx_sakke_kms *kms = NULL;
		struct mcx_sakke_rsk *rsk = NULL;
		assert_int_equal(mcx_sakke_kms_new(sw.z_t, 257, &kms), MCX_OK);
		assert_int_equal(mcx_sakke_rsk_new(users[r].rsk, 257, &rsk),
				 MCX_OK);
		assert_int_equal(mcx_sakke_decapsulate(kms, rsk, users[r].uid,
						       32, sed, len, ssv),
				 MCX_OK);
		mcx_sakke_rsk_free(rsk);
		mcx_sakke_kms_free(kms);
		aes_check_value(ssv, want);
		assert_memory_equal(cv, want, 3);
		/* and the token restores it */
		MCX_P11_CHECK(unwrap(rsk_h[r], sed, len, &k2), CKR_OK);
		attr(k2, CKA_CHECK_VALUE, cv2, 3);
		assert_memory_equal(cv, cv2, 3);
	}
	/* tampered SED, wrong receiver: refused, audited, nothing stored */
	CK_ULONG before = count_mcx_keys();
	CK_ULONG aud = audited(CKR_MCX_DECAPSULATION_FAILED);
	assert_int_equal(unwrap(rsk_h[1], sed, len, &k2),
			 CKR_MCX_DECAPSULATION_FAILED);
	sed[MCX_SAKKE_SED_LEN - 1] ^= 0x01;
	assert_int_equal(unwrap(rsk_h[2], sed, len, &k2),
			 CKR_MCX_DECAPSULATION_FAILED);
	sed[MCX_SAKKE_SED_LEN - 1] ^= 0x01;
	sed[100] ^= 0x01;
	CK_RV rv = unwrap(rsk_h[2], sed, len, &k2);
	assert_true(rv == CKR_MCX_DECAPSULATION_FAILED);
	assert_int_equal(audited(CKR_MCX_DECAPSULATION_FAILED), aud + 3);
	assert_int_equal(count_mcx_keys(), before);
	assert_int_equal(unwrap(rsk_h[2], sed, 200, &k2),
			 CKR_WRAPPED_KEY_LEN_RANGE);
}

static void test_streamwide_seds(void **state)
{
	(void)state;
	for (int c = 0; c < 3; c++) {
		char path[64];
		size_t len = 0;
		uint8_t key[16], cv[3], want[3];
		CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
		snprintf(path, sizeof(path), "cases.%d.responder.role", c);
		const char *who = mcx_vectors_str(sw.root, path);
		assert_non_null(who);
		int r = 0;
		while (r < 3 && strcmp(names[r], who) != 0)
			r++;
		assert_true(r < 3);
		snprintf(path, sizeof(path), "cases.%d.payloads.8.sakke_data",
			 c);
		uint8_t *sed = mcx_vectors_hex(sw.root, path, &len);
		assert_non_null(sed);
		assert_int_equal(len, MCX_SAKKE_SED_LEN);
		snprintf(path, sizeof(path), "cases.%d.expected.key", c);
		assert_int_equal(mcx_hex_decode(mcx_vectors_str(sw.root, path),
						key, sizeof(key)),
				 16);
		MCX_P11_CHECK(unwrap(rsk_h[r], sed, len, &h), CKR_OK);
		attr(h, CKA_CHECK_VALUE, cv, 3);
		aes_check_value(key, want);
		assert_memory_equal(cv, want, 3);
		/* another receiver's RSK fails the re-encapsulation check */
		assert_int_equal(unwrap(rsk_h[(r + 1) % 3], sed, len, &h),
				 CKR_MCX_DECAPSULATION_FAILED);
		free(sed);
	}
}

static void test_export_policy(void **state)
{
	(void)state;
	CK_OBJECT_HANDLE k = gen(CKP_MCX_GMK, CKR_OK), kek = CK_INVALID_HANDLE;
	CK_MECHANISM ag = {CKM_AES_KEY_GEN, NULL, 0};
	CK_ULONG l32 = 32;
	CK_ATTRIBUTE at[] = {{CKA_VALUE_LEN, &l32, sizeof(l32)},
			     {CKA_TOKEN, &no, sizeof(no)},
			     {CKA_WRAP, &yes, sizeof(yes)}};
	MCX_P11_CHECK(F->C_GenerateKey(sess, &ag, at, 3, &kek), CKR_OK);
	uint8_t out[300];
	CK_ULONG len = sizeof(out);
	CK_ULONG aud = audited(CKR_KEY_NOT_WRAPPABLE);
	CK_MECHANISM kw = {CKM_AES_KEY_WRAP, NULL, 0};
	assert_int_equal(F->C_WrapKey(sess, &kw, kek, k, out, &len),
			 CKR_KEY_NOT_WRAPPABLE);
	CK_MECHANISM kwp = {CKM_AES_KEY_WRAP_KWP, NULL, 0};
	len = sizeof(out);
	assert_int_equal(F->C_WrapKey(sess, &kwp, kek, k, out, &len),
			 CKR_KEY_NOT_WRAPPABLE);
	/* a Z_T that is only a session object is no KMS of the token */
	CK_OBJECT_CLASS pc = CKO_PUBLIC_KEY;
	CK_KEY_TYPE skt = CKK_MCX_SAKKE;
	CK_ULONG period = sw.period, offset = sw.offset;
	const char *other = "kms.session.example";
	CK_ATTRIBUTE zt[] = {
	    {CKA_CLASS, &pc, sizeof(pc)},
	    {CKA_KEY_TYPE, &skt, sizeof(skt)},
	    {CKA_TOKEN, &no, sizeof(no)},
	    {CKA_WRAP, &yes, sizeof(yes)},
	    {CKA_VALUE, sw.z_t, sizeof(sw.z_t)},
	    {CKA_MCX_KMS_URI, (void *)other, strlen(other)},
	    {CKA_MCX_USER_KEY_PERIOD, &period, sizeof(period)},
	    {CKA_MCX_USER_KEY_OFFSET, &offset, sizeof(offset)},
	};
	CK_OBJECT_HANDLE sz = CK_INVALID_HANDLE;
	MCX_P11_CHECK(F->C_CreateObject(sess, zt, 8, &sz), CKR_OK);
	len = sizeof(out);
	assert_int_equal(wrap(sz, k, users[1].uid, out, &len),
			 CKR_KEY_NOT_WRAPPABLE);
	assert_int_equal(audited(CKR_KEY_NOT_WRAPPABLE), aud + 3);
	/* no parameter; an AES key is no SSV */
	CK_MECHANISM m = {CKM_MCX_SAKKE, NULL, 0};
	len = sizeof(out);
	assert_int_equal(F->C_WrapKey(sess, &m, zt_h, k, out, &len),
			 CKR_MECHANISM_PARAM_INVALID);
	CK_OBJECT_HANDLE aes = CK_INVALID_HANDLE;
	CK_ULONG l16 = 16;
	CK_ATTRIBUTE at2[] = {{CKA_VALUE_LEN, &l16, sizeof(l16)},
			      {CKA_TOKEN, &no, sizeof(no)},
			      {CKA_EXTRACTABLE, &yes, sizeof(yes)}};
	MCX_P11_CHECK(F->C_GenerateKey(sess, &ag, at2, 3, &aes), CKR_OK);
	len = sizeof(out);
	assert_int_equal(wrap(zt_h, aes, users[1].uid, out, &len),
			 CKR_KEY_NOT_WRAPPABLE);
	/* a revoked MCX key goes nowhere */
	CK_ULONG revoked = CKS_MCX_REVOKED;
	CK_ATTRIBUTE st = {CKA_MCX_STATUS, &revoked, sizeof(revoked)};
	len = sizeof(out);
	MCX_P11_CHECK(wrap(zt_h, k, users[1].uid, out, &len), CKR_OK);
	MCX_P11_CHECK(F->C_SetAttributeValue(sess, k, &st, 1), CKR_OK);
	len = sizeof(out);
	assert_int_equal(wrap(zt_h, k, users[1].uid, out, &len),
			 CKR_MCX_KEY_REVOKED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_keygen),
	    cmocka_unit_test(test_wrap_unwrap),
	    cmocka_unit_test(test_streamwide_seds),
	    cmocka_unit_test(test_export_policy),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
