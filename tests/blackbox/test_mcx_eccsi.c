/*
 * Black-box suite of CKM_MCX_ECCSI (RFC 6507, MCX-REFERENCE §2) through
 * the built module: signatures made by C_Sign with the Streamwide v5 GMS
 * and Alice key sets (imported as objects) verify through C_Verify with the
 * KMS's KPAK object and CK_MCX_ECCSI_PARAMS, single- and multi-part, and
 * with the pure engine (mechanisms/eccsi.h); the SIGN payloads of the
 * three published Streamwide I_MESSAGEs verify through C_Verify; tampered
 * data, signer IDs, PVTs and lengths are refused.
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

#include "mechanisms/eccsi.h"
#include "tests/blackbox/mcx_streamwide.h"
#include "tests/blackbox/p11_helpers.h"
#include "tests/common/vectors.h"

#define SO_PIN	 "so-secret-1"
#define USER_PIN "user-secret-1"

static struct mcx_p11 p11;
static CK_SESSION_HANDLE sess;
static struct mcx_sw sw;
static struct mcx_sw_user gms, alice;
static CK_OBJECT_HANDLE kpak_h, gms_h, alice_h;

#define F p11.f

static int setup(void **state)
{
	CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
	(void)state;
	mcx_sw_load(&sw);
	mcx_sw_user(&sw, "GMS", &gms);
	mcx_sw_user(&sw, "Alice", &alice);
	mcx_p11_open(&p11);
	mcx_p11_init_token(&p11, "mcx-eccsi", SO_PIN, USER_PIN);
	sess = mcx_p11_session(&p11, CKU_USER, USER_PIN);
	MCX_P11_CHECK(mcx_sw_create_sakke_public(F, sess, &sw, sw.z_t, &h),
		      CKR_OK);
	MCX_P11_CHECK(
	    mcx_sw_create_eccsi_public(F, sess, &sw, sw.kpak, &kpak_h), CKR_OK);
	MCX_P11_CHECK(mcx_sw_create_ssk(F, sess, sw.kms_uri, &gms, &gms_h),
		      CKR_OK);
	MCX_P11_CHECK(mcx_sw_create_ssk(F, sess, sw.kms_uri, &alice, &alice_h),
		      CKR_OK);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	F->C_CloseSession(sess);
	mcx_p11_close(&p11);
	return 0;
}

static void sign(CK_OBJECT_HANDLE key, const uint8_t *msg, size_t len,
		 bool multi, uint8_t sig[MCX_ECCSI_SIG_LEN])
{
	CK_MECHANISM m = {CKM_MCX_ECCSI, NULL, 0};
	CK_ULONG sl = 0;
	MCX_P11_CHECK(F->C_SignInit(sess, &m, key), CKR_OK);
	if (!multi) {
		/* size query first (PKCS#11 3.0 §5.2) */
		MCX_P11_CHECK(F->C_Sign(sess, (CK_BYTE_PTR)msg, len, NULL, &sl),
			      CKR_OK);
		assert_int_equal(sl, MCX_ECCSI_SIG_LEN);
		MCX_P11_CHECK(F->C_Sign(sess, (CK_BYTE_PTR)msg, len, sig, &sl),
			      CKR_OK);
	} else {
		size_t a = len / 3, b = len - a;
		MCX_P11_CHECK(F->C_SignUpdate(sess, (CK_BYTE_PTR)msg, a),
			      CKR_OK);
		MCX_P11_CHECK(F->C_SignUpdate(sess, (CK_BYTE_PTR)msg + a, 0),
			      CKR_OK);
		MCX_P11_CHECK(F->C_SignUpdate(sess, (CK_BYTE_PTR)msg + a, b),
			      CKR_OK);
		sl = MCX_ECCSI_SIG_LEN;
		MCX_P11_CHECK(F->C_SignFinal(sess, sig, &sl), CKR_OK);
	}
	assert_int_equal(sl, MCX_ECCSI_SIG_LEN);
}

static CK_RV verify(const uint8_t *id, size_t id_len, const uint8_t *msg,
		    size_t len, const uint8_t *sig, size_t sig_len, bool multi)
{
	CK_MCX_ECCSI_PARAMS p = {(CK_BYTE_PTR)id, id_len};
	CK_MECHANISM m = {CKM_MCX_ECCSI, &p, sizeof(p)};
	MCX_P11_CHECK(F->C_VerifyInit(sess, &m, kpak_h), CKR_OK);
	if (!multi)
		return F->C_Verify(sess, (CK_BYTE_PTR)msg, len,
				   (CK_BYTE_PTR)sig, sig_len);
	size_t a = len / 2;
	MCX_P11_CHECK(F->C_VerifyUpdate(sess, (CK_BYTE_PTR)msg, a), CKR_OK);
	MCX_P11_CHECK(F->C_VerifyUpdate(sess, (CK_BYTE_PTR)msg + a, len - a),
		      CKR_OK);
	return F->C_VerifyFinal(sess, (CK_BYTE_PTR)sig, sig_len);
}

/* The pure engine's verdict on a token signature. */
static enum mcx_mech_err engine_verify(const uint8_t *id, const uint8_t *msg,
				       size_t len, const uint8_t *sig)
{
	struct mcx_eccsi_kpak *k = NULL;
	assert_int_equal(mcx_eccsi_kpak_new(&k, sw.kpak, sizeof(sw.kpak)),
			 MCX_OK);
	enum mcx_mech_err e =
	    mcx_eccsi_verify(k, id, 32, msg, len, sig, MCX_ECCSI_SIG_LEN);
	mcx_eccsi_kpak_free(k);
	return e;
}

static void test_sign_verify(void **state)
{
	(void)state;
	uint8_t msg[700], sig[MCX_ECCSI_SIG_LEN], sig2[MCX_ECCSI_SIG_LEN];
	for (size_t i = 0; i < sizeof(msg); i++)
		msg[i] = (uint8_t)(i * 7 + 3);
	for (int multi = 0; multi < 2; multi++) {
		sign(gms_h, msg, sizeof(msg), multi, sig);
		/* the PVT travels in the signature */
		assert_memory_equal(sig + 64, gms.pvt, 65);
		assert_int_equal(engine_verify(gms.uid, msg, sizeof(msg), sig),
				 MCX_OK);
		assert_int_equal(verify(gms.uid, 32, msg, sizeof(msg), sig,
					sizeof(sig), !multi),
				 CKR_OK);
		assert_int_equal(verify(gms.uid, 32, msg, sizeof(msg), sig,
					sizeof(sig), multi),
				 CKR_OK);
	}
	/* randomised: two signatures differ, both verify */
	sign(alice_h, msg, sizeof(msg), false, sig);
	sign(alice_h, msg, sizeof(msg), false, sig2);
	assert_memory_not_equal(sig, sig2, 64);
	assert_int_equal(engine_verify(alice.uid, msg, sizeof(msg), sig2),
			 MCX_OK);
	assert_int_equal(
	    verify(alice.uid, 32, msg, sizeof(msg), sig, sizeof(sig), false),
	    CKR_OK);
	/* an empty message is a message */
	sign(alice_h, msg, 0, false, sig);
	assert_int_equal(verify(alice.uid, 32, msg, 0, sig, sizeof(sig), true),
			 CKR_OK);
}

static void test_refusals(void **state)
{
	(void)state;
	uint8_t msg[64] = {1, 2, 3}, sig[MCX_ECCSI_SIG_LEN];
	sign(gms_h, msg, sizeof(msg), false, sig);
	/* another message, another signer, a tampered r/s/PVT, a length */
	msg[5] ^= 1;
	assert_int_equal(
	    verify(gms.uid, 32, msg, sizeof(msg), sig, sizeof(sig), false),
	    CKR_SIGNATURE_INVALID);
	msg[5] ^= 1;
	assert_int_equal(
	    verify(alice.uid, 32, msg, sizeof(msg), sig, sizeof(sig), false),
	    CKR_SIGNATURE_INVALID);
	for (size_t at = 0; at < MCX_ECCSI_SIG_LEN; at += 40) {
		sig[at] ^= 0x10;
		assert_int_equal(verify(gms.uid, 32, msg, sizeof(msg), sig,
					sizeof(sig), false),
				 CKR_SIGNATURE_INVALID);
		sig[at] ^= 0x10;
	}
	/* Alice's PVT in a GMS signature (cached verifier, other PVT) */
	uint8_t forged[MCX_ECCSI_SIG_LEN];
	memcpy(forged, sig, sizeof(forged));
	memcpy(forged + 64, alice.pvt, 65);
	assert_int_equal(verify(gms.uid, 32, msg, sizeof(msg), forged,
				sizeof(forged), false),
			 CKR_SIGNATURE_INVALID);
	assert_int_equal(
	    verify(gms.uid, 32, msg, sizeof(msg), sig, sizeof(sig) - 1, false),
	    CKR_SIGNATURE_LEN_RANGE);
	assert_int_equal(
	    verify(gms.uid, 32, msg, sizeof(msg), sig, sizeof(sig), false),
	    CKR_OK);
	/* the longest signer ID the token takes, and one octet more */
	uint8_t long_id[97] = {0};
	assert_int_equal(
	    verify(long_id, 96, msg, sizeof(msg), sig, sizeof(sig), false),
	    CKR_SIGNATURE_INVALID);
	CK_MCX_ECCSI_PARAMS lp = {long_id, 97};
	CK_MECHANISM lm = {CKM_MCX_ECCSI, &lp, sizeof(lp)};
	assert_int_equal(F->C_VerifyInit(sess, &lm, kpak_h),
			 CKR_MECHANISM_PARAM_INVALID);
	/* no signer parameter; signing with a public key; verifying with a
	 * private one */
	CK_MECHANISM m = {CKM_MCX_ECCSI, NULL, 0};
	assert_int_equal(F->C_VerifyInit(sess, &m, kpak_h),
			 CKR_MECHANISM_PARAM_INVALID);
	assert_int_equal(F->C_SignInit(sess, &m, kpak_h),
			 CKR_KEY_TYPE_INCONSISTENT);
	CK_MCX_ECCSI_PARAMS p = {gms.uid, 32};
	CK_MECHANISM mp = {CKM_MCX_ECCSI, &p, sizeof(p)};
	assert_int_equal(F->C_VerifyInit(sess, &mp, gms_h),
			 CKR_KEY_TYPE_INCONSISTENT);
	/* the mechanism is listed with its flags */
	CK_MECHANISM_INFO info;
	MCX_P11_CHECK(F->C_GetMechanismInfo(p11.slot, CKM_MCX_ECCSI, &info),
		      CKR_OK);
	assert_true((info.flags & (CKF_SIGN | CKF_VERIFY)) ==
		    (CKF_SIGN | CKF_VERIFY));
}

/* The SIGN payload of each published I_MESSAGE: the signature (r || s ||
 * PVT, the last 129 octets) covers every octet before it, the SIGN
 * header included; the signer ID is the initiator's UID. */
static void test_streamwide_messages(void **state)
{
	(void)state;
	struct json_object *cases = mcx_vectors_get(sw.root, "cases");
	assert_non_null(cases);
	size_t n = json_object_array_length(cases);
	assert_int_equal(n, 3);
	for (size_t i = 0; i < n; i++) {
		char path[64];
		uint8_t uid[32];
		size_t len = 0;
		snprintf(path, sizeof(path), "cases.%zu.hex", i);
		uint8_t *m = mcx_vectors_hex(sw.root, path, &len);
		assert_non_null(m);
		assert_true(len > MCX_ECCSI_SIG_LEN);
		snprintf(path, sizeof(path), "cases.%zu.initiator.uid", i);
		assert_int_equal(mcx_hex_decode(mcx_vectors_str(sw.root, path),
						uid, sizeof(uid)),
				 32);
		size_t body = len - MCX_ECCSI_SIG_LEN;
		assert_int_equal(verify(uid, 32, m, body, m + body,
					MCX_ECCSI_SIG_LEN, false),
				 CKR_OK);
		assert_int_equal(
		    verify(uid, 32, m, body, m + body, MCX_ECCSI_SIG_LEN, true),
		    CKR_OK);
		/* the SIGN header is covered */
		m[body - 1] ^= 0x01;
		assert_int_equal(verify(uid, 32, m, body, m + body,
					MCX_ECCSI_SIG_LEN, false),
				 CKR_SIGNATURE_INVALID);
		free(m);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sign_verify),
	    cmocka_unit_test(test_refusals),
	    cmocka_unit_test(test_streamwide_messages),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
