/*
 * Black-box suite of the token's KMS role and TrK unwrap (issue 4, token
 * side; MCX-REFERENCE §2.2, §3.3, §5.1, §6, decision b), through PKCS#11:
 *   - CKM_MCX_KMS_KEY_GEN in token A (z_T / Z_T and KSAK / KPAK);
 *   - CKM_MCX_KMS_ISSUE of a user's RSK and SSK/PVT under a TrK;
 *   - token B holds the KMS public keys (C_CreateObject) and the same TrK
 *     and C_UnwrapKey's the issued keys into private identity keys, which
 *     then sign/verify (CKM_MCX_ECCSI) and unwrap SAKKE (CKM_MCX_SAKKE);
 *   - refusals (wrong TrK, tampered RSK / PVT, wrong UID, a key for another
 *     identity, unknown KMS, bad issue parameters, a non-KMS key): each its
 *     CKR, audited, nothing stored;
 *   - the Streamwide v5 key sets wrapped here with OpenSSL's
 *     AES-128-WRAP(-PAD) unwrap into working keys.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>

#include "tests/blackbox/mcx_streamwide.h"
#include "tests/blackbox/p11_helpers.h"

#define SO_PIN	 "so-secret-1"
#define USER_PIN "user-secret-1"

#define KMS_URI	   "kms.kt-test.example.org"
#define KMS_PERIOD 2592000UL
#define KMS_OFFSET 0UL
#define ALICE	   "sip:alice@kt-test.example.org"
#define BOB	   "sip:bob@kt-test.example.org"
#define PERIOD_NO  1388UL

#define RSK_WRAPPED 272
#define SSK_WRAPPED 40
#define PVT_WRAPPED 80

static struct mcx_p11 p11;
static CK_SLOT_ID slot_a, slot_b;
static CK_SESSION_HANDLE sa, sb; /* token A (KMS), token B (user) */
static struct mcx_sw sw;
static CK_BBOOL yes = CK_TRUE, no = CK_FALSE;

/* token A */
static CK_OBJECT_HANDLE z_pub, z_priv, k_pub, k_priv, trk_a;
static uint8_t z_t[257], kpak[65];
/* token B */
static CK_OBJECT_HANDLE z_pub_b, k_pub_b, trk_b, trk_other;

static const uint8_t trk_value[16] = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55,
				      0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb,
				      0xcc, 0xdd, 0xee, 0xff};
static const uint8_t other_value[16] = {0x0f, 0x1e, 0x2d, 0x3c, 0x4b, 0x5a,
					0x69, 0x78, 0x87, 0x96, 0xa5, 0xb4,
					0xc3, 0xd2, 0xe1, 0xf0};

#define F p11.f

static CK_OBJECT_HANDLE create_trk(CK_SESSION_HANDLE s, const uint8_t *v)
{
	CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	CK_KEY_TYPE kt = CKK_AES;
	CK_ATTRIBUTE t[] = {
	    {CKA_CLASS, &cls, sizeof(cls)}, {CKA_KEY_TYPE, &kt, sizeof(kt)},
	    {CKA_TOKEN, &yes, sizeof(yes)}, {CKA_PRIVATE, &yes, sizeof(yes)},
	    {CKA_WRAP, &yes, sizeof(yes)},  {CKA_UNWRAP, &yes, sizeof(yes)},
	    {CKA_VALUE, (void *)v, 16},	    {CKA_LABEL, "trk", 3},
	};
	CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
	MCX_P11_CHECK(F->C_CreateObject(s, t, 8, &h), CKR_OK);
	return h;
}

static CK_RV kms_keygen(CK_SESSION_HANDLE s, CK_KEY_TYPE kt, const char *uri,
			CK_ATTRIBUTE *extra_priv, CK_ULONG n_extra,
			CK_OBJECT_HANDLE *pub, CK_OBJECT_HANDLE *priv)
{
	CK_MECHANISM m = {CKM_MCX_KMS_KEY_GEN, NULL, 0};
	CK_ULONG period = KMS_PERIOD, offset = KMS_OFFSET;
	CK_ATTRIBUTE pt[] = {
	    {CKA_KEY_TYPE, &kt, sizeof(kt)},
	    {CKA_TOKEN, &yes, sizeof(yes)},
	    {CKA_MCX_KMS_URI, (void *)uri, strlen(uri)},
	    {CKA_MCX_USER_KEY_PERIOD, &period, sizeof(period)},
	    {CKA_MCX_USER_KEY_OFFSET, &offset, sizeof(offset)},
	};
	CK_ATTRIBUTE qt[8] = {
	    {CKA_KEY_TYPE, &kt, sizeof(kt)},
	    {CKA_TOKEN, &yes, sizeof(yes)},
	    {CKA_PRIVATE, &yes, sizeof(yes)},
	    {CKA_LABEL, "kms", 3},
	};
	CK_ULONG nq = 4;
	for (CK_ULONG i = 0; i < n_extra && nq < 8; i++)
		qt[nq++] = extra_priv[i];
	return F->C_GenerateKeyPair(s, &m, pt, 5, qt, nq, pub, priv);
}

static CK_ULONG attr_ulong(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE h,
			   CK_ATTRIBUTE_TYPE t)
{
	CK_ULONG v = 0;
	CK_ATTRIBUTE a = {t, &v, sizeof(v)};
	MCX_P11_CHECK(F->C_GetAttributeValue(s, h, &a, 1), CKR_OK);
	return v;
}

static CK_BBOOL attr_bool(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE h,
			  CK_ATTRIBUTE_TYPE t)
{
	CK_BBOOL v = 0xff;
	CK_ATTRIBUTE a = {t, &v, sizeof(v)};
	MCX_P11_CHECK(F->C_GetAttributeValue(s, h, &a, 1), CKR_OK);
	return v;
}

static CK_ULONG attr_bytes(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE h,
			   CK_ATTRIBUTE_TYPE t, void *buf, CK_ULONG cap)
{
	CK_ATTRIBUTE a = {t, buf, cap};
	MCX_P11_CHECK(F->C_GetAttributeValue(s, h, &a, 1), CKR_OK);
	return a.ulValueLen;
}

/* Objects of class cls (and attribute t = v if t != 0) visible to s. */
static CK_ULONG count(CK_SESSION_HANDLE s, CK_OBJECT_CLASS cls,
		      CK_ATTRIBUTE_TYPE t, const void *v, CK_ULONG len)
{
	CK_ATTRIBUTE tm[] = {{CKA_CLASS, &cls, sizeof(cls)},
			     {t, (void *)v, len}};
	CK_OBJECT_HANDLE h[64];
	CK_ULONG n = 0, total = 0;
	MCX_P11_CHECK(F->C_FindObjectsInit(s, tm, t != 0 ? 2 : 1), CKR_OK);
	do {
		MCX_P11_CHECK(F->C_FindObjects(s, h, 64, &n), CKR_OK);
		total += n;
	} while (n == 64);
	MCX_P11_CHECK(F->C_FindObjectsFinal(s), CKR_OK);
	return total;
}

static CK_ULONG audited_rv(CK_SESSION_HANDLE s, CK_RV rv)
{
	CK_ULONG r = rv;
	return count(s, CKO_MCX_AUDIT_RECORD, CKA_MCX_AUDIT_RV, &r, sizeof(r));
}

static CK_ULONG audited_mech(CK_SESSION_HANDLE s, CK_MECHANISM_TYPE m)
{
	CK_ULONG v = m;
	return count(s, CKO_MCX_AUDIT_RECORD, CKA_MCX_AUDIT_MECHANISM, &v,
		     sizeof(v));
}

static CK_ULONG private_keys(CK_SESSION_HANDLE s)
{
	return count(s, CKO_PRIVATE_KEY, 0, NULL, 0);
}

/* F.2.1 UID, recomputed here with libcrypto (public data). */
static void put_int(uint8_t *s, size_t *off, unsigned long v)
{
	uint8_t b[8];
	size_t n = 0;
	do {
		b[n++] = (uint8_t)(v & 0xff);
		v >>= 8;
	} while (v != 0);
	s[(*off)++] = 0;
	s[(*off)++] = (uint8_t)n;
	while (n > 0)
		s[(*off)++] = b[--n];
}

static void uid_of(const char *uri, const char *kms, unsigned long period,
		   unsigned long offset, unsigned long pno, uint8_t uid[32])
{
	uint8_t s[512];
	size_t off = 0, l = 0;
	unsigned int dl = 0;
	s[off++] = 0x00;
	memcpy(s + off, "MIKEY-SAKKE-UID", 15);
	off += 15;
	s[off++] = 0;
	s[off++] = 15;
	l = strlen(uri);
	memcpy(s + off, uri, l);
	off += l;
	s[off++] = (uint8_t)(l >> 8);
	s[off++] = (uint8_t)l;
	l = strlen(kms);
	memcpy(s + off, kms, l);
	off += l;
	s[off++] = (uint8_t)(l >> 8);
	s[off++] = (uint8_t)l;
	/* Pi || Li: the value, then its length */
	uint8_t tmp[16];
	size_t t = 0;
	unsigned long vals[3] = {period, offset, pno};
	for (int i = 0; i < 3; i++) {
		t = 0;
		put_int(tmp, &t, vals[i]);
		memcpy(s + off, tmp + 2, t - 2);
		off += t - 2;
		memcpy(s + off, tmp, 2);
		off += 2;
	}
	assert_int_equal(EVP_Digest(s, off, uid, &dl, EVP_sha256(), NULL), 1);
}

static CK_RV issue(CK_OBJECT_HANDLE trk, CK_OBJECT_HANDLE secret,
		   const char *uri, CK_ULONG pno, uint8_t *out, CK_ULONG *len)
{
	CK_MCX_KMS_ISSUE_PARAMS p = {(CK_BYTE_PTR)uri, strlen(uri), pno};
	CK_MECHANISM m = {CKM_MCX_KMS_ISSUE, &p, sizeof(p)};
	return F->C_WrapKey(sa, &m, trk, secret, out, len);
}

/* C_UnwrapKey of an identity key in session s. */
struct ident {
	const char *uri;
	const char *kms;
	const uint8_t *uid;
	CK_ULONG uid_len;
	CK_ULONG period_no;
	const uint8_t *pvt;	    /* clear PVT, or NULL */
	const uint8_t *wrapped_pvt; /* or this, 80 octets */
	CK_ULONG wrapped_pvt_len;
	bool pvt_on_rsk; /* also give the PVT to an RSK (refused) */
};

static CK_RV unwrap_ident(CK_SESSION_HANDLE s, CK_MECHANISM_TYPE mech,
			  CK_OBJECT_HANDLE trk, CK_KEY_TYPE kt,
			  const uint8_t *blob, CK_ULONG blob_len,
			  const struct ident *id, CK_BBOOL token,
			  CK_OBJECT_HANDLE *h)
{
	CK_MECHANISM m = {mech, NULL, 0};
	CK_OBJECT_CLASS cls = CKO_PRIVATE_KEY;
	CK_ULONG pno = id->period_no;
	CK_ATTRIBUTE t[16] = {
	    {CKA_CLASS, &cls, sizeof(cls)},
	    {CKA_KEY_TYPE, &kt, sizeof(kt)},
	    {CKA_TOKEN, &token, sizeof(token)},
	    {CKA_PRIVATE, &yes, sizeof(yes)},
	    {kt == CKK_MCX_SAKKE ? CKA_UNWRAP : CKA_SIGN, &yes, sizeof(yes)},
	    /* asked for, never granted */
	    {CKA_SENSITIVE, &no, sizeof(no)},
	    {CKA_EXTRACTABLE, &yes, sizeof(yes)},
	    {CKA_MCX_USER_URI, (void *)id->uri, strlen(id->uri)},
	    {CKA_MCX_UID, (void *)id->uid, id->uid_len},
	    {CKA_MCX_KMS_URI, (void *)id->kms, strlen(id->kms)},
	    {CKA_MCX_KEY_PERIOD_NO, &pno, sizeof(pno)},
	};
	CK_ULONG n = 11;
	bool pvt = kt == CKK_MCX_ECCSI || id->pvt_on_rsk;
	if (pvt && id->pvt != NULL)
		t[n++] = (CK_ATTRIBUTE){CKA_MCX_PVT, (void *)id->pvt, 65};
	if (pvt && id->wrapped_pvt != NULL)
		t[n++] =
		    (CK_ATTRIBUTE){CKA_MCX_WRAPPED_PVT, (void *)id->wrapped_pvt,
				   id->wrapped_pvt_len};
	*h = CK_INVALID_HANDLE;
	return F->C_UnwrapKey(s, &m, trk, (CK_BYTE_PTR)blob, blob_len, t, n, h);
}

/* CKM_MCX_ECCSI sign with ssk, verify under kpak_h for uid. */
static void sign_verify(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE ssk,
			CK_OBJECT_HANDLE kpak_h, const uint8_t *uid)
{
	CK_MECHANISM m = {CKM_MCX_ECCSI, NULL, 0};
	CK_MCX_ECCSI_PARAMS p = {(CK_BYTE_PTR)uid, 32};
	CK_MECHANISM mv = {CKM_MCX_ECCSI, &p, sizeof(p)};
	uint8_t msg[] = "MIKEY-SAKKE I_MESSAGE stand-in";
	uint8_t sig[129];
	CK_ULONG sl = sizeof(sig);
	MCX_P11_CHECK(F->C_SignInit(s, &m, ssk), CKR_OK);
	MCX_P11_CHECK(F->C_Sign(s, msg, sizeof(msg), sig, &sl), CKR_OK);
	assert_int_equal(sl, 129);
	MCX_P11_CHECK(F->C_VerifyInit(s, &mv, kpak_h), CKR_OK);
	MCX_P11_CHECK(F->C_Verify(s, msg, sizeof(msg), sig, sl), CKR_OK);
	sig[10] ^= 1;
	MCX_P11_CHECK(F->C_VerifyInit(s, &mv, kpak_h), CKR_OK);
	assert_int_equal(F->C_Verify(s, msg, sizeof(msg), sig, sl),
			 CKR_SIGNATURE_INVALID);
}

/* An MCX key SAKKE-wrapped to uid under z_h and unwrapped with rsk comes
 * back with the same check value. */
static void sakke_round_trip(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE z_h,
			     CK_OBJECT_HANDLE rsk, const uint8_t *uid)
{
	CK_MECHANISM g = {CKM_MCX_KEY_GEN, NULL, 0};
	CK_ULONG purpose = CKP_MCX_GMK;
	CK_ATTRIBUTE gt[] = {{CKA_MCX_KEY_PURPOSE, &purpose, sizeof(purpose)},
			     {CKA_TOKEN, &no, sizeof(no)},
			     {CKA_EXTRACTABLE, &yes, sizeof(yes)}};
	CK_MCX_SAKKE_PARAMS p = {(CK_BYTE_PTR)uid, 32};
	CK_MECHANISM w = {CKM_MCX_SAKKE, &p, sizeof(p)};
	CK_MECHANISM u = {CKM_MCX_SAKKE, NULL, 0};
	CK_OBJECT_HANDLE k = CK_INVALID_HANDLE, k2 = CK_INVALID_HANDLE;
	uint8_t sed[300], cv[3], cv2[3];
	CK_ULONG len = sizeof(sed);
	MCX_P11_CHECK(F->C_GenerateKey(s, &g, gt, 3, &k), CKR_OK);
	MCX_P11_CHECK(F->C_WrapKey(s, &w, z_h, k, sed, &len), CKR_OK);
	assert_int_equal(len, 273);
	MCX_P11_CHECK(F->C_UnwrapKey(s, &u, rsk, sed, len, gt, 2, &k2), CKR_OK);
	attr_bytes(s, k, CKA_CHECK_VALUE, cv, 3);
	attr_bytes(s, k2, CKA_CHECK_VALUE, cv2, 3);
	assert_memory_equal(cv, cv2, 3);
	MCX_P11_CHECK(F->C_DestroyObject(s, k), CKR_OK);
	MCX_P11_CHECK(F->C_DestroyObject(s, k2), CKR_OK);
}

static void create_kms_public_b(void)
{
	CK_OBJECT_CLASS cls = CKO_PUBLIC_KEY;
	CK_KEY_TYPE zk = CKK_MCX_SAKKE, kk = CKK_MCX_ECCSI;
	CK_ULONG period = KMS_PERIOD, offset = KMS_OFFSET;
	CK_ATTRIBUTE zt[] = {
	    {CKA_CLASS, &cls, sizeof(cls)},
	    {CKA_KEY_TYPE, &zk, sizeof(zk)},
	    {CKA_TOKEN, &yes, sizeof(yes)},
	    {CKA_VALUE, z_t, sizeof(z_t)},
	    {CKA_MCX_KMS_URI, KMS_URI, strlen(KMS_URI)},
	    {CKA_MCX_USER_KEY_PERIOD, &period, sizeof(period)},
	    {CKA_MCX_USER_KEY_OFFSET, &offset, sizeof(offset)},
	};
	CK_ATTRIBUTE kt[] = {
	    {CKA_CLASS, &cls, sizeof(cls)},
	    {CKA_KEY_TYPE, &kk, sizeof(kk)},
	    {CKA_TOKEN, &yes, sizeof(yes)},
	    {CKA_VALUE, kpak, sizeof(kpak)},
	    {CKA_MCX_KMS_URI, KMS_URI, strlen(KMS_URI)},
	    {CKA_MCX_USER_KEY_PERIOD, &period, sizeof(period)},
	    {CKA_MCX_USER_KEY_OFFSET, &offset, sizeof(offset)},
	};
	MCX_P11_CHECK(F->C_CreateObject(sb, zt, 7, &z_pub_b), CKR_OK);
	MCX_P11_CHECK(F->C_CreateObject(sb, kt, 7, &k_pub_b), CKR_OK);
}

static int setup(void **state)
{
	(void)state;
	mcx_sw_load(&sw);
	mcx_p11_open(&p11);
	mcx_p11_init_token(&p11, "kms-a", SO_PIN, USER_PIN);
	slot_a = p11.slot;
	sa = mcx_p11_session(&p11, CKU_USER, USER_PIN);
	mcx_p11_init_token(&p11, "user-b", SO_PIN, USER_PIN);
	slot_b = p11.slot;
	sb = mcx_p11_session(&p11, CKU_USER, USER_PIN);
	assert_true(slot_a != slot_b);
	/* the KMS in token A, the same TrK in both */
	MCX_P11_CHECK(
	    kms_keygen(sa, CKK_MCX_SAKKE, KMS_URI, NULL, 0, &z_pub, &z_priv),
	    CKR_OK);
	MCX_P11_CHECK(
	    kms_keygen(sa, CKK_MCX_ECCSI, KMS_URI, NULL, 0, &k_pub, &k_priv),
	    CKR_OK);
	attr_bytes(sa, z_pub, CKA_VALUE, z_t, sizeof(z_t));
	attr_bytes(sa, k_pub, CKA_VALUE, kpak, sizeof(kpak));
	trk_a = create_trk(sa, trk_value);
	trk_b = create_trk(sb, trk_value);
	trk_other = create_trk(sb, other_value);
	create_kms_public_b();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	F->C_CloseSession(sa);
	F->C_CloseSession(sb);
	mcx_p11_close(&p11);
	return 0;
}

/* ---- CKM_MCX_KMS_KEY_GEN --------------------------------------------------
 */

static void test_keygen(void **state)
{
	(void)state;
	uint8_t buf[300];
	assert_int_equal(attr_bytes(sa, z_pub, CKA_VALUE, buf, sizeof(buf)),
			 257);
	assert_int_equal(buf[0], 0x04);
	assert_int_equal(attr_bytes(sa, k_pub, CKA_VALUE, buf, sizeof(buf)),
			 65);
	CK_OBJECT_HANDLE priv[2] = {z_priv, k_priv};
	for (int i = 0; i < 2; i++) {
		CK_OBJECT_HANDLE h = priv[i];
		assert_int_equal(attr_bool(sa, h, CKA_MCX_KMS_SECRET), CK_TRUE);
		assert_int_equal(attr_bool(sa, h, CKA_SENSITIVE), CK_TRUE);
		assert_int_equal(attr_bool(sa, h, CKA_EXTRACTABLE), CK_FALSE);
		assert_int_equal(attr_bool(sa, h, CKA_NEVER_EXTRACTABLE),
				 CK_TRUE);
		assert_int_equal(attr_bool(sa, h, CKA_ALWAYS_SENSITIVE),
				 CK_TRUE);
		assert_int_equal(attr_bool(sa, h, CKA_LOCAL), CK_TRUE);
		assert_int_equal(attr_bool(sa, h, CKA_SIGN), CK_FALSE);
		assert_int_equal(attr_bool(sa, h, CKA_UNWRAP), CK_FALSE);
		assert_int_equal(attr_ulong(sa, h, CKA_MCX_USER_KEY_PERIOD),
				 KMS_PERIOD);
		assert_int_equal(attr_ulong(sa, h, CKA_MCX_USER_KEY_OFFSET),
				 KMS_OFFSET);
		assert_int_equal(attr_ulong(sa, h, CKA_KEY_GEN_MECHANISM),
				 CKM_MCX_KMS_KEY_GEN);
		assert_int_equal(
		    attr_bytes(sa, h, CKA_MCX_KMS_URI, buf, sizeof(buf)),
		    strlen(KMS_URI));
		CK_ATTRIBUTE v = {CKA_VALUE, buf, sizeof(buf)};
		assert_int_equal(F->C_GetAttributeValue(sa, h, &v, 1),
				 CKR_ATTRIBUTE_SENSITIVE);
		/* no standard wrap takes it out */
		CK_MECHANISM kw = {CKM_AES_KEY_WRAP_KWP, NULL, 0};
		CK_ULONG len = sizeof(buf);
		assert_int_not_equal(F->C_WrapKey(sa, &kw, trk_a, h, buf, &len),
				     CKR_OK);
	}
	/* two key pairs made: two distinct Z_T across generations */
	CK_OBJECT_HANDLE p2 = CK_INVALID_HANDLE, q2 = CK_INVALID_HANDLE;
	CK_ATTRIBUTE tok = {CKA_TOKEN, &no, sizeof(no)};
	/* the private template may name the token flag; session objects */
	CK_MECHANISM m = {CKM_MCX_KMS_KEY_GEN, NULL, 0};
	CK_KEY_TYPE zk = CKK_MCX_SAKKE;
	CK_ULONG period = KMS_PERIOD, offset = KMS_OFFSET;
	CK_ATTRIBUTE pt[] = {
	    {CKA_KEY_TYPE, &zk, sizeof(zk)},
	    {CKA_MCX_KMS_URI, "kms.other", 9},
	    {CKA_MCX_USER_KEY_PERIOD, &period, sizeof(period)},
	    {CKA_MCX_USER_KEY_OFFSET, &offset, sizeof(offset)},
	};
	MCX_P11_CHECK(F->C_GenerateKeyPair(sa, &m, pt, 4, &tok, 1, &p2, &q2),
		      CKR_OK);
	attr_bytes(sa, p2, CKA_VALUE, buf, sizeof(buf));
	assert_memory_not_equal(buf, z_t, 257);
	/* one KMS per URI, one key period for both of its keys */
	CK_OBJECT_HANDLE p3 = CK_INVALID_HANDLE, q3 = CK_INVALID_HANDLE;
	assert_int_equal(F->C_GenerateKeyPair(sa, &m, pt, 4, &tok, 1, &p3, &q3),
			 CKR_TEMPLATE_INCONSISTENT);
	CK_KEY_TYPE ek = CKK_MCX_ECCSI;
	CK_ULONG period2 = KMS_PERIOD + 1;
	pt[0].pValue = &ek;
	pt[2].pValue = &period2;
	assert_int_equal(F->C_GenerateKeyPair(sa, &m, pt, 4, &tok, 1, &p3, &q3),
			 CKR_TEMPLATE_INCONSISTENT);
	MCX_P11_CHECK(F->C_DestroyObject(sa, p2), CKR_OK);
	MCX_P11_CHECK(F->C_DestroyObject(sa, q2), CKR_OK);
}

static void test_keygen_refusals(void **state)
{
	(void)state;
	CK_OBJECT_HANDLE p = CK_INVALID_HANDLE, q = CK_INVALID_HANDLE;
	CK_ULONG before = private_keys(sa);
	CK_ATTRIBUTE user = {CKA_MCX_USER_URI, ALICE, strlen(ALICE)};
	CK_ATTRIBUTE secret = {CKA_MCX_KMS_SECRET, &yes, sizeof(yes)};
	CK_ATTRIBUTE sign = {CKA_SIGN, &yes, sizeof(yes)};
	CK_KEY_TYPE ec = CKK_EC;
	CK_ATTRIBUTE wrong_kt = {CKA_KEY_TYPE, &ec, sizeof(ec)};
	assert_int_equal(
	    kms_keygen(sa, CKK_MCX_SAKKE, "kms.fresh", &user, 1, &p, &q),
	    CKR_TEMPLATE_INCONSISTENT);
	assert_int_equal(
	    kms_keygen(sa, CKK_MCX_ECCSI, "kms.fresh", &secret, 1, &p, &q),
	    CKR_ATTRIBUTE_READ_ONLY);
	assert_int_equal(
	    kms_keygen(sa, CKK_MCX_ECCSI, "kms.fresh", &sign, 1, &p, &q),
	    CKR_TEMPLATE_INCONSISTENT);
	assert_int_equal(
	    kms_keygen(sa, CKK_MCX_SAKKE, "kms.fresh", &wrong_kt, 1, &p, &q),
	    CKR_TEMPLATE_INCONSISTENT);
	/* no KMS URI / period */
	CK_MECHANISM m = {CKM_MCX_KMS_KEY_GEN, NULL, 0};
	CK_KEY_TYPE zk = CKK_MCX_SAKKE;
	CK_ATTRIBUTE pt[] = {{CKA_KEY_TYPE, &zk, sizeof(zk)}};
	assert_int_equal(F->C_GenerateKeyPair(sa, &m, pt, 1, NULL, 0, &p, &q),
			 CKR_TEMPLATE_INCOMPLETE);
	CK_ULONG x = 1;
	CK_MECHANISM mp = {CKM_MCX_KMS_KEY_GEN, &x, sizeof(x)};
	assert_int_equal(F->C_GenerateKeyPair(sa, &mp, pt, 1, NULL, 0, &p, &q),
			 CKR_MECHANISM_PARAM_INVALID);
	assert_int_equal(private_keys(sa), before);
	/* nobody may claim a key is a KMS secret */
	CK_OBJECT_CLASS cls = CKO_PRIVATE_KEY;
	uint8_t z[128] = {0};
	z[127] = 7;
	CK_ATTRIBUTE ct[] = {
	    {CKA_CLASS, &cls, sizeof(cls)},
	    {CKA_KEY_TYPE, &zk, sizeof(zk)},
	    {CKA_VALUE, z, sizeof(z)},
	    {CKA_MCX_KMS_URI, KMS_URI, strlen(KMS_URI)},
	    {CKA_MCX_KMS_SECRET, &yes, sizeof(yes)},
	};
	assert_int_equal(F->C_CreateObject(sa, ct, 5, &p),
			 CKR_ATTRIBUTE_READ_ONLY);
	/* a master secret signs nothing: it is no SSK (its type does not
	 * fit, whatever its flags say; test_master_secret_refused) */
	CK_MECHANISM em = {CKM_MCX_ECCSI, NULL, 0};
	assert_int_equal(F->C_SignInit(sa, &em, k_priv),
			 CKR_KEY_TYPE_INCONSISTENT);
	/* nor once its usage flags are switched on: it is no user key */
	CK_ATTRIBUTE on = {CKA_SIGN, &yes, sizeof(yes)};
	CK_ATTRIBUTE on_u = {CKA_UNWRAP, &yes, sizeof(yes)};
	MCX_P11_CHECK(F->C_SetAttributeValue(sa, k_priv, &on, 1), CKR_OK);
	MCX_P11_CHECK(F->C_SetAttributeValue(sa, z_priv, &on_u, 1), CKR_OK);
	uint8_t sig[129], sed[273] = {0x04};
	CK_ULONG sl = sizeof(sig);
	CK_RV rv = F->C_SignInit(sa, &em, k_priv);
	if (rv == CKR_OK)
		rv = F->C_Sign(sa, sig, 16, sig, &sl);
	assert_int_equal(rv, CKR_KEY_TYPE_INCONSISTENT);
	CK_MECHANISM sm = {CKM_MCX_SAKKE, NULL, 0};
	CK_OBJECT_CLASS sk = CKO_SECRET_KEY;
	CK_ULONG purpose = CKP_MCX_GMK;
	CK_ATTRIBUTE st[] = {{CKA_CLASS, &sk, sizeof(sk)},
			     {CKA_MCX_KEY_PURPOSE, &purpose, sizeof(purpose)}};
	assert_int_equal(
	    F->C_UnwrapKey(sa, &sm, z_priv, sed, sizeof(sed), st, 2, &p),
	    CKR_UNWRAPPING_KEY_TYPE_INCONSISTENT);
	on.pValue = &no;
	on_u.pValue = &no;
	MCX_P11_CHECK(F->C_SetAttributeValue(sa, k_priv, &on, 1), CKR_OK);
	MCX_P11_CHECK(F->C_SetAttributeValue(sa, z_priv, &on_u, 1), CKR_OK);
	assert_int_equal(private_keys(sa), before);
}

/* ---- CKM_MCX_KMS_ISSUE + TrK unwrap ------------------------------------- */

static void test_issue_and_import(void **state)
{
	(void)state;
	uint8_t rsk_w[RSK_WRAPPED], ssk_w[SSK_WRAPPED + PVT_WRAPPED], uid[32];
	uint8_t ssk_w2[SSK_WRAPPED + PVT_WRAPPED];
	CK_ULONG len = 0;
	CK_ULONG audits = audited_mech(sa, CKM_MCX_KMS_ISSUE);

	/* size queries: no crypto, no audit */
	MCX_P11_CHECK(issue(trk_a, z_priv, ALICE, PERIOD_NO, NULL, &len),
		      CKR_OK);
	assert_int_equal(len, RSK_WRAPPED);
	MCX_P11_CHECK(issue(trk_a, k_priv, ALICE, PERIOD_NO, NULL, &len),
		      CKR_OK);
	assert_int_equal(len, SSK_WRAPPED + PVT_WRAPPED);
	assert_int_equal(audited_mech(sa, CKM_MCX_KMS_ISSUE), audits);
	len = 100;
	assert_int_equal(issue(trk_a, z_priv, ALICE, PERIOD_NO, rsk_w, &len),
			 CKR_BUFFER_TOO_SMALL);
	assert_int_equal(len, RSK_WRAPPED);
	len = sizeof(rsk_w);
	MCX_P11_CHECK(issue(trk_a, z_priv, ALICE, PERIOD_NO, rsk_w, &len),
		      CKR_OK);
	assert_int_equal(len, RSK_WRAPPED);
	len = sizeof(ssk_w);
	MCX_P11_CHECK(issue(trk_a, k_priv, ALICE, PERIOD_NO, ssk_w, &len),
		      CKR_OK);
	assert_int_equal(len, SSK_WRAPPED + PVT_WRAPPED);
	/* a fresh v each time: another PVT */
	len = sizeof(ssk_w2);
	MCX_P11_CHECK(issue(trk_a, k_priv, ALICE, PERIOD_NO, ssk_w2, &len),
		      CKR_OK);
	assert_memory_not_equal(ssk_w + SSK_WRAPPED, ssk_w2 + SSK_WRAPPED,
				PVT_WRAPPED);
	/* the TrK-wrapped RSK is the KWP of 257 octets under the TrK */
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	uint8_t clear[300];
	int ol = 0;
	EVP_CIPHER_CTX_set_flags(c, EVP_CIPHER_CTX_FLAG_WRAP_ALLOW);
	assert_int_equal(EVP_DecryptInit_ex(c, EVP_aes_128_wrap_pad(), NULL,
					    trk_value, NULL),
			 1);
	assert_int_equal(EVP_DecryptUpdate(c, clear, &ol, rsk_w, RSK_WRAPPED),
			 1);
	assert_int_equal(ol, 257);
	assert_int_equal(clear[0], 0x04);
	EVP_CIPHER_CTX_free(c);
	/* three issues and the refused too-small buffer */
	assert_int_equal(audited_mech(sa, CKM_MCX_KMS_ISSUE), audits + 4);

	/* token B imports them */
	uid_of(ALICE, KMS_URI, KMS_PERIOD, KMS_OFFSET, PERIOD_NO, uid);
	struct ident id = {
	    ALICE,	 KMS_URI, uid, 32, PERIOD_NO, NULL, ssk_w + SSK_WRAPPED,
	    PVT_WRAPPED, false};
	CK_OBJECT_HANDLE rsk = CK_INVALID_HANDLE, ssk = CK_INVALID_HANDLE;
	MCX_P11_CHECK(unwrap_ident(sb, CKM_AES_KEY_WRAP_KWP, trk_b,
				   CKK_MCX_SAKKE, rsk_w, RSK_WRAPPED, &id,
				   CK_TRUE, &rsk),
		      CKR_OK);
	MCX_P11_CHECK(unwrap_ident(sb, CKM_AES_KEY_WRAP, trk_b, CKK_MCX_ECCSI,
				   ssk_w, SSK_WRAPPED, &id, CK_TRUE, &ssk),
		      CKR_OK);
	for (int i = 0; i < 2; i++) {
		CK_OBJECT_HANDLE h = i == 0 ? rsk : ssk;
		assert_int_equal(attr_bool(sb, h, CKA_SENSITIVE), CK_TRUE);
		assert_int_equal(attr_bool(sb, h, CKA_EXTRACTABLE), CK_FALSE);
		assert_int_equal(attr_bool(sb, h, CKA_NEVER_EXTRACTABLE),
				 CK_TRUE);
		assert_int_equal(attr_bool(sb, h, CKA_LOCAL), CK_FALSE);
		uint8_t b[300];
		CK_ATTRIBUTE v = {CKA_VALUE, b, sizeof(b)};
		assert_int_equal(F->C_GetAttributeValue(sb, h, &v, 1),
				 CKR_ATTRIBUTE_SENSITIVE);
		/* the wrapped PVT is never stored */
		CK_ATTRIBUTE w = {CKA_MCX_WRAPPED_PVT, b, sizeof(b)};
		assert_int_not_equal(F->C_GetAttributeValue(sb, h, &w, 1),
				     CKR_OK);
	}
	uint8_t pvt[65], hs[32];
	assert_int_equal(attr_bytes(sb, ssk, CKA_MCX_PVT, pvt, sizeof(pvt)),
			 65);
	assert_int_equal(pvt[0], 0x04);
	assert_int_equal(attr_bytes(sb, ssk, CKA_MCX_HS, hs, sizeof(hs)), 32);
	/* they work */
	sign_verify(sb, ssk, k_pub_b, uid);
	sakke_round_trip(sb, z_pub_b, rsk, uid);
	/* the KMS's own token verifies with its generated KPAK too */
	CK_MCX_ECCSI_PARAMS vp = {uid, 32};
	CK_MECHANISM sm = {CKM_MCX_ECCSI, NULL, 0};
	CK_MECHANISM vm = {CKM_MCX_ECCSI, &vp, sizeof(vp)};
	uint8_t msg[] = "hello", sig[129];
	CK_ULONG sl = sizeof(sig);
	MCX_P11_CHECK(F->C_SignInit(sb, &sm, ssk), CKR_OK);
	MCX_P11_CHECK(F->C_Sign(sb, msg, 5, sig, &sl), CKR_OK);
	MCX_P11_CHECK(F->C_VerifyInit(sa, &vm, k_pub), CKR_OK);
	MCX_P11_CHECK(F->C_Verify(sa, msg, 5, sig, sl), CKR_OK);
	MCX_P11_CHECK(F->C_DestroyObject(sb, rsk), CKR_OK);
	MCX_P11_CHECK(F->C_DestroyObject(sb, ssk), CKR_OK);
}

static void test_issue_refusals(void **state)
{
	(void)state;
	uint8_t out[RSK_WRAPPED];
	CK_ULONG len = sizeof(out);
	CK_ULONG inconsistent = audited_rv(sa, CKR_KEY_TYPE_INCONSISTENT);
	/* not a KMS master secret: the TrK itself, a public key */
	assert_int_equal(issue(trk_a, trk_a, ALICE, 1, out, &len),
			 CKR_KEY_TYPE_INCONSISTENT);
	len = sizeof(out);
	assert_int_equal(issue(trk_a, z_pub, ALICE, 1, out, &len),
			 CKR_KEY_TYPE_INCONSISTENT);
	assert_int_equal(audited_rv(sa, CKR_KEY_TYPE_INCONSISTENT),
			 inconsistent + 2);
	/* the wrapping key must be an AES key */
	len = sizeof(out);
	assert_int_equal(issue(z_priv, z_priv, ALICE, 1, out, &len),
			 CKR_WRAPPING_KEY_TYPE_INCONSISTENT);
	/* bad parameters */
	CK_MCX_KMS_ISSUE_PARAMS p = {NULL, 5, 1};
	CK_MECHANISM m = {CKM_MCX_KMS_ISSUE, &p, sizeof(p)};
	len = sizeof(out);
	assert_int_equal(F->C_WrapKey(sa, &m, trk_a, z_priv, out, &len),
			 CKR_MECHANISM_PARAM_INVALID);
	p.pUserUri = (CK_BYTE_PTR)ALICE;
	p.ulUserUriLen = 0;
	assert_int_equal(F->C_WrapKey(sa, &m, trk_a, z_priv, out, &len),
			 CKR_MECHANISM_PARAM_INVALID);
	p.ulUserUriLen = strlen(ALICE);
	m.ulParameterLen = sizeof(p) - 1;
	assert_int_equal(F->C_WrapKey(sa, &m, trk_a, z_priv, out, &len),
			 CKR_MECHANISM_PARAM_INVALID);
	m.pParameter = NULL;
	m.ulParameterLen = 0;
	assert_int_equal(F->C_WrapKey(sa, &m, trk_a, k_priv, out, &len),
			 CKR_MECHANISM_PARAM_INVALID);
	/* the mechanism does not unwrap */
	CK_MECHANISM mu = {CKM_MCX_KMS_ISSUE, NULL, 0};
	CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
	CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	CK_ATTRIBUTE t = {CKA_CLASS, &cls, sizeof(cls)};
	assert_int_equal(F->C_UnwrapKey(sa, &mu, trk_a, out, 272, &t, 1, &h),
			 CKR_MECHANISM_INVALID);
	/* a TrK whose CKA_WRAP_TEMPLATE admits no private key */
	CK_ATTRIBUTE wt[] = {{CKA_CLASS, &cls, sizeof(cls)}};
	CK_KEY_TYPE aes = CKK_AES;
	CK_ATTRIBUTE tt[] = {
	    {CKA_CLASS, &cls, sizeof(cls)},
	    {CKA_KEY_TYPE, &aes, sizeof(aes)},
	    {CKA_WRAP, &yes, sizeof(yes)},
	    {CKA_VALUE, (void *)trk_value, 16},
	    {CKA_WRAP_TEMPLATE, wt, sizeof(wt)},
	};
	CK_OBJECT_HANDLE tk = CK_INVALID_HANDLE;
	MCX_P11_CHECK(F->C_CreateObject(sa, tt, 5, &tk), CKR_OK);
	len = sizeof(out);
	assert_int_equal(issue(tk, z_priv, ALICE, 1, out, &len),
			 CKR_KEY_NOT_WRAPPABLE);
	MCX_P11_CHECK(F->C_DestroyObject(sa, tk), CKR_OK);
}

/* A KMS master secret has an identity key's type but is no RSK or SSK:
 * every MCX mechanism that takes an identity private key refuses it as a
 * key of the wrong type (in the wrapping key's words for C_WrapKey /
 * C_UnwrapKey), before its usage flags, and audits that code.  The other
 * way round, a user's RSK or SSK is no master secret for
 * CKM_MCX_KMS_ISSUE. */
static void test_master_secret_refused(void **state)
{
	(void)state;
	CK_ULONG kti = audited_rv(sa, CKR_KEY_TYPE_INCONSISTENT);
	CK_ULONG wti = audited_rv(sa, CKR_WRAPPING_KEY_TYPE_INCONSISTENT);
	CK_ULONG uti = audited_rv(sa, CKR_UNWRAPPING_KEY_TYPE_INCONSISTENT);
	CK_ULONG fnp = audited_rv(sa, CKR_KEY_FUNCTION_NOT_PERMITTED);
	CK_MECHANISM sign = {CKM_MCX_ECCSI, NULL, 0};
	CK_MECHANISM sakke = {CKM_MCX_SAKKE, NULL, 0};
	CK_MECHANISM mikey = {CKM_MCX_MIKEY_SAKKE, NULL, 0};
	CK_MECHANISM g = {CKM_MCX_KEY_GEN, NULL, 0};
	CK_ULONG purpose = CKP_MCX_GMK;
	CK_ATTRIBUTE gt[] = {{CKA_MCX_KEY_PURPOSE, &purpose, sizeof(purpose)},
			     {CKA_TOKEN, &no, sizeof(no)},
			     {CKA_EXTRACTABLE, &yes, sizeof(yes)}};
	CK_OBJECT_HANDLE gmk = CK_INVALID_HANDLE, h = CK_INVALID_HANDLE;
	uint8_t blob[400] = {0};
	CK_ULONG len = sizeof(blob);

	MCX_P11_CHECK(F->C_GenerateKey(sa, &g, gt, 3, &gmk), CKR_OK);
	/* KSAK as an SSK (C_SignInit), z_T as an RSK (SAKKE and MIKEY
	 * receive), KSAK as the MIKEY sender's key */
	assert_int_equal(F->C_SignInit(sa, &sign, k_priv),
			 CKR_KEY_TYPE_INCONSISTENT);
	assert_int_equal(F->C_SignInit(sa, &sign, z_priv),
			 CKR_KEY_TYPE_INCONSISTENT);
	assert_int_equal(
	    F->C_UnwrapKey(sa, &sakke, z_priv, blob, 273, gt, 2, &h),
	    CKR_UNWRAPPING_KEY_TYPE_INCONSISTENT);
	assert_int_equal(
	    F->C_UnwrapKey(sa, &mikey, z_priv, blob, 300, gt, 2, &h),
	    CKR_UNWRAPPING_KEY_TYPE_INCONSISTENT);
	assert_int_equal(F->C_WrapKey(sa, &mikey, k_priv, gmk, blob, &len),
			 CKR_WRAPPING_KEY_TYPE_INCONSISTENT);
	/* the KMS public key wraps (CKM_MCX_SAKKE), its secret does not */
	len = sizeof(blob);
	assert_int_equal(F->C_WrapKey(sa, &sakke, z_priv, gmk, blob, &len),
			 CKR_WRAPPING_KEY_TYPE_INCONSISTENT);
	assert_int_equal(h, CK_INVALID_HANDLE);
	assert_int_equal(audited_rv(sa, CKR_KEY_TYPE_INCONSISTENT), kti + 2);
	assert_int_equal(audited_rv(sa, CKR_WRAPPING_KEY_TYPE_INCONSISTENT),
			 wti + 2);
	assert_int_equal(audited_rv(sa, CKR_UNWRAPPING_KEY_TYPE_INCONSISTENT),
			 uti + 2);
	/* the type decides, not the flags: the usage flags were never the
	 * reason */
	assert_int_equal(audited_rv(sa, CKR_KEY_FUNCTION_NOT_PERMITTED), fnp);

	/* the reverse: Alice's RSK and SSK, issued and imported into the
	 * KMS's own token, issue nothing */
	uint8_t rsk_w[RSK_WRAPPED], ssk_w[SSK_WRAPPED + PVT_WRAPPED], uid[32];
	len = sizeof(rsk_w);
	MCX_P11_CHECK(issue(trk_a, z_priv, ALICE, PERIOD_NO, rsk_w, &len),
		      CKR_OK);
	len = sizeof(ssk_w);
	MCX_P11_CHECK(issue(trk_a, k_priv, ALICE, PERIOD_NO, ssk_w, &len),
		      CKR_OK);
	uid_of(ALICE, KMS_URI, KMS_PERIOD, KMS_OFFSET, PERIOD_NO, uid);
	struct ident id = {
	    ALICE,	 KMS_URI, uid, 32, PERIOD_NO, NULL, ssk_w + SSK_WRAPPED,
	    PVT_WRAPPED, false};
	CK_OBJECT_HANDLE rsk = CK_INVALID_HANDLE, ssk = CK_INVALID_HANDLE;
	MCX_P11_CHECK(unwrap_ident(sa, CKM_AES_KEY_WRAP_KWP, trk_a,
				   CKK_MCX_SAKKE, rsk_w, RSK_WRAPPED, &id,
				   CK_FALSE, &rsk),
		      CKR_OK);
	MCX_P11_CHECK(unwrap_ident(sa, CKM_AES_KEY_WRAP, trk_a, CKK_MCX_ECCSI,
				   ssk_w, SSK_WRAPPED, &id, CK_FALSE, &ssk),
		      CKR_OK);
	kti = audited_rv(sa, CKR_KEY_TYPE_INCONSISTENT);
	len = sizeof(rsk_w);
	assert_int_equal(issue(trk_a, rsk, BOB, PERIOD_NO, rsk_w, &len),
			 CKR_KEY_TYPE_INCONSISTENT);
	len = sizeof(ssk_w);
	assert_int_equal(issue(trk_a, ssk, BOB, PERIOD_NO, ssk_w, &len),
			 CKR_KEY_TYPE_INCONSISTENT);
	assert_int_equal(audited_rv(sa, CKR_KEY_TYPE_INCONSISTENT), kti + 2);
	/* and they are what a master secret is not: working user keys */
	sign_verify(sa, ssk, k_pub, uid);
	MCX_P11_CHECK(F->C_DestroyObject(sa, rsk), CKR_OK);
	MCX_P11_CHECK(F->C_DestroyObject(sa, ssk), CKR_OK);
	MCX_P11_CHECK(F->C_DestroyObject(sa, gmk), CKR_OK);
}

static void test_unwrap_refusals(void **state)
{
	(void)state;
	uint8_t rsk_w[RSK_WRAPPED], ssk_w[SSK_WRAPPED + PVT_WRAPPED], uid[32],
	    bob_uid[32], bad[RSK_WRAPPED];
	CK_ULONG len = sizeof(rsk_w);
	CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
	MCX_P11_CHECK(issue(trk_a, z_priv, ALICE, PERIOD_NO, rsk_w, &len),
		      CKR_OK);
	len = sizeof(ssk_w);
	MCX_P11_CHECK(issue(trk_a, k_priv, ALICE, PERIOD_NO, ssk_w, &len),
		      CKR_OK);
	uid_of(ALICE, KMS_URI, KMS_PERIOD, KMS_OFFSET, PERIOD_NO, uid);
	uid_of(BOB, KMS_URI, KMS_PERIOD, KMS_OFFSET, PERIOD_NO, bob_uid);
	struct ident id = {
	    ALICE,	 KMS_URI, uid, 32, PERIOD_NO, NULL, ssk_w + SSK_WRAPPED,
	    PVT_WRAPPED, false};
	CK_ULONG before = private_keys(sb);
	CK_ULONG invalid = audited_rv(sb, CKR_WRAPPED_KEY_INVALID);

	/* wrong TrK */
	assert_int_equal(unwrap_ident(sb, CKM_AES_KEY_WRAP_KWP, trk_other,
				      CKK_MCX_SAKKE, rsk_w, RSK_WRAPPED, &id,
				      CK_TRUE, &h),
			 CKR_WRAPPED_KEY_INVALID);
	assert_int_equal(unwrap_ident(sb, CKM_AES_KEY_WRAP, trk_other,
				      CKK_MCX_ECCSI, ssk_w, SSK_WRAPPED, &id,
				      CK_TRUE, &h),
			 CKR_WRAPPED_KEY_INVALID);
	/* tampered RSK */
	memcpy(bad, rsk_w, sizeof(bad));
	bad[100] ^= 0x20;
	assert_int_equal(unwrap_ident(sb, CKM_AES_KEY_WRAP_KWP, trk_b,
				      CKK_MCX_SAKKE, bad, RSK_WRAPPED, &id,
				      CK_TRUE, &h),
			 CKR_WRAPPED_KEY_INVALID);
	/* tampered PVT (SSK intact) */
	uint8_t badpvt[PVT_WRAPPED];
	memcpy(badpvt, ssk_w + SSK_WRAPPED, PVT_WRAPPED);
	badpvt[33] ^= 0x01;
	struct ident idp = id;
	idp.wrapped_pvt = badpvt;
	assert_int_equal(unwrap_ident(sb, CKM_AES_KEY_WRAP, trk_b,
				      CKK_MCX_ECCSI, ssk_w, SSK_WRAPPED, &idp,
				      CK_TRUE, &h),
			 CKR_WRAPPED_KEY_INVALID);
	/* an RSK blob passed as the SSK: wrong length once unwrapped */
	assert_int_equal(unwrap_ident(sb, CKM_AES_KEY_WRAP_KWP, trk_b,
				      CKK_MCX_ECCSI, rsk_w, RSK_WRAPPED, &id,
				      CK_TRUE, &h),
			 CKR_WRAPPED_KEY_INVALID);
	assert_int_equal(audited_rv(sb, CKR_WRAPPED_KEY_INVALID), invalid + 5);

	/* wrong UID in the template */
	CK_ULONG mism = audited_rv(sb, CKR_MCX_UID_MISMATCH);
	uint8_t wuid[32];
	memcpy(wuid, uid, 32);
	wuid[0] ^= 0x80;
	struct ident idu = id;
	idu.uid = wuid;
	assert_int_equal(unwrap_ident(sb, CKM_AES_KEY_WRAP_KWP, trk_b,
				      CKK_MCX_SAKKE, rsk_w, RSK_WRAPPED, &idu,
				      CK_TRUE, &h),
			 CKR_MCX_UID_MISMATCH);
	assert_int_equal(unwrap_ident(sb, CKM_AES_KEY_WRAP, trk_b,
				      CKK_MCX_ECCSI, ssk_w, SSK_WRAPPED, &idu,
				      CK_TRUE, &h),
			 CKR_MCX_UID_MISMATCH);
	assert_int_equal(audited_rv(sb, CKR_MCX_UID_MISMATCH), mism + 2);

	/* Alice's keys under Bob's (consistent) identity fail validation */
	CK_ULONG vf = audited_rv(sb, CKR_MCX_KEY_VALIDATION_FAILED);
	struct ident idb = id;
	idb.uri = BOB;
	idb.uid = bob_uid;
	assert_int_equal(unwrap_ident(sb, CKM_AES_KEY_WRAP_KWP, trk_b,
				      CKK_MCX_SAKKE, rsk_w, RSK_WRAPPED, &idb,
				      CK_TRUE, &h),
			 CKR_MCX_KEY_VALIDATION_FAILED);
	assert_int_equal(unwrap_ident(sb, CKM_AES_KEY_WRAP, trk_b,
				      CKK_MCX_ECCSI, ssk_w, SSK_WRAPPED, &idb,
				      CK_TRUE, &h),
			 CKR_MCX_KEY_VALIDATION_FAILED);
	assert_int_equal(audited_rv(sb, CKR_MCX_KEY_VALIDATION_FAILED), vf + 2);

	/* the KMS's public key is not in the token */
	CK_ULONG unk = audited_rv(sb, CKR_MCX_UNKNOWN_KMS);
	uint8_t other_uid[32];
	uid_of(ALICE, "kms.absent", KMS_PERIOD, KMS_OFFSET, PERIOD_NO,
	       other_uid);
	struct ident idk = id;
	idk.kms = "kms.absent";
	idk.uid = other_uid;
	assert_int_equal(unwrap_ident(sb, CKM_AES_KEY_WRAP_KWP, trk_b,
				      CKK_MCX_SAKKE, rsk_w, RSK_WRAPPED, &idk,
				      CK_TRUE, &h),
			 CKR_MCX_UNKNOWN_KMS);
	assert_int_equal(unwrap_ident(sb, CKM_AES_KEY_WRAP, trk_b,
				      CKK_MCX_ECCSI, ssk_w, SSK_WRAPPED, &idk,
				      CK_TRUE, &h),
			 CKR_MCX_UNKNOWN_KMS);
	assert_int_equal(audited_rv(sb, CKR_MCX_UNKNOWN_KMS), unk + 2);

	/* PVT twice or not at all */
	uint8_t pvt_clear[65] = {0x04};
	struct ident id2 = id;
	id2.pvt = pvt_clear;
	assert_int_equal(unwrap_ident(sb, CKM_AES_KEY_WRAP, trk_b,
				      CKK_MCX_ECCSI, ssk_w, SSK_WRAPPED, &id2,
				      CK_TRUE, &h),
			 CKR_TEMPLATE_INCONSISTENT);
	id2.pvt = NULL;
	id2.wrapped_pvt = NULL;
	assert_int_equal(unwrap_ident(sb, CKM_AES_KEY_WRAP, trk_b,
				      CKK_MCX_ECCSI, ssk_w, SSK_WRAPPED, &id2,
				      CK_TRUE, &h),
			 CKR_TEMPLATE_INCOMPLETE);
	/* a wrapped PVT on an RSK is no attribute of it */
	id2 = id;
	id2.pvt_on_rsk = true;
	assert_int_equal(unwrap_ident(sb, CKM_AES_KEY_WRAP_KWP, trk_b,
				      CKK_MCX_SAKKE, rsk_w, RSK_WRAPPED, &id2,
				      CK_TRUE, &h),
			 CKR_ATTRIBUTE_TYPE_INVALID);
	/* nothing stored by any of these */
	assert_int_equal(private_keys(sb), before);
	assert_int_equal(
	    count(sb, CKO_PRIVATE_KEY, CKA_MCX_UID, uid, sizeof(uid)), 0);

	/* other private key types keep the existing refusal */
	CK_KEY_TYPE ec = CKK_EC;
	CK_OBJECT_CLASS pc = CKO_PRIVATE_KEY;
	CK_ATTRIBUTE et[] = {{CKA_CLASS, &pc, sizeof(pc)},
			     {CKA_KEY_TYPE, &ec, sizeof(ec)}};
	CK_MECHANISM kwp = {CKM_AES_KEY_WRAP_KWP, NULL, 0};
	assert_int_equal(
	    F->C_UnwrapKey(sb, &kwp, trk_b, rsk_w, RSK_WRAPPED, et, 2, &h),
	    CKR_TEMPLATE_INCONSISTENT);
}

/* Standard AES key wrap of secret keys is unchanged. */
static void test_secret_unwrap_unchanged(void **state)
{
	(void)state;
	CK_MECHANISM g = {CKM_AES_KEY_GEN, NULL, 0};
	CK_MECHANISM kw = {CKM_AES_KEY_WRAP, NULL, 0};
	CK_ULONG vl = 32;
	CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	CK_KEY_TYPE aes = CKK_AES;
	CK_ATTRIBUTE gt[] = {{CKA_VALUE_LEN, &vl, sizeof(vl)},
			     {CKA_EXTRACTABLE, &yes, sizeof(yes)}};
	CK_ATTRIBUTE ut[] = {{CKA_CLASS, &cls, sizeof(cls)},
			     {CKA_KEY_TYPE, &aes, sizeof(aes)}};
	CK_OBJECT_HANDLE k = CK_INVALID_HANDLE, k2 = CK_INVALID_HANDLE;
	uint8_t w[64], cv[3], cv2[3];
	CK_ULONG len = sizeof(w);
	MCX_P11_CHECK(F->C_GenerateKey(sb, &g, gt, 2, &k), CKR_OK);
	MCX_P11_CHECK(F->C_WrapKey(sb, &kw, trk_b, k, w, &len), CKR_OK);
	assert_int_equal(len, 40);
	MCX_P11_CHECK(F->C_UnwrapKey(sb, &kw, trk_b, w, len, ut, 2, &k2),
		      CKR_OK);
	attr_bytes(sb, k, CKA_CHECK_VALUE, cv, 3);
	attr_bytes(sb, k2, CKA_CHECK_VALUE, cv2, 3);
	assert_memory_equal(cv, cv2, 3);
	MCX_P11_CHECK(F->C_DestroyObject(sb, k), CKR_OK);
	MCX_P11_CHECK(F->C_DestroyObject(sb, k2), CKR_OK);
}

/* ---- Streamwide v5 key sets, wrapped here with OpenSSL ------------------- */

static int ossl_wrap(bool pad, const uint8_t *in, int in_len, uint8_t *out)
{
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	EVP_CIPHER *ci = EVP_CIPHER_fetch(
	    NULL, pad ? "AES-128-WRAP-PAD" : "AES-128-WRAP", NULL);
	int ol = 0;
	assert_non_null(c);
	assert_non_null(ci);
	EVP_CIPHER_CTX_set_flags(c, EVP_CIPHER_CTX_FLAG_WRAP_ALLOW);
	assert_int_equal(EVP_EncryptInit_ex2(c, ci, trk_value, NULL, NULL), 1);
	assert_int_equal(EVP_EncryptUpdate(c, out, &ol, in, in_len), 1);
	EVP_CIPHER_free(ci);
	EVP_CIPHER_CTX_free(c);
	return ol;
}

static void test_streamwide(void **state)
{
	(void)state;
	static const char *names[] = {"GMS", "Alice", "Bob"};
	CK_OBJECT_HANDLE zh = CK_INVALID_HANDLE, kh = CK_INVALID_HANDLE;
	MCX_P11_CHECK(mcx_sw_create_sakke_public(F, sb, &sw, sw.z_t, &zh),
		      CKR_OK);
	MCX_P11_CHECK(mcx_sw_create_eccsi_public(F, sb, &sw, sw.kpak, &kh),
		      CKR_OK);
	for (size_t i = 0; i < 3; i++) {
		struct mcx_sw_user u;
		uint8_t rw[300], sw_[64], pw[96], hs[32];
		CK_OBJECT_HANDLE rsk = CK_INVALID_HANDLE,
				 ssk = CK_INVALID_HANDLE;
		mcx_sw_user(&sw, names[i], &u);
		int rl = ossl_wrap(true, u.rsk, 257, rw);
		/* the SSK both ways (decision b: kw-aes128 and -pad) */
		bool pad = i == 1;
		int sl = ossl_wrap(pad, u.ssk, 32, sw_);
		int pl = ossl_wrap(true, u.pvt, 65, pw);
		assert_int_equal(rl, RSK_WRAPPED);
		assert_int_equal(sl, pad ? 40 : SSK_WRAPPED);
		assert_int_equal(pl, PVT_WRAPPED);
		struct ident id = {u.uri, sw.kms_uri,	u.uid,
				   32,	  u.period_no,	NULL,
				   pw,	  (CK_ULONG)pl, false};
		MCX_P11_CHECK(unwrap_ident(sb, CKM_AES_KEY_WRAP_KWP, trk_b,
					   CKK_MCX_SAKKE, rw, (CK_ULONG)rl, &id,
					   CK_FALSE, &rsk),
			      CKR_OK);
		MCX_P11_CHECK(
		    unwrap_ident(sb,
				 pad ? CKM_AES_KEY_WRAP_KWP : CKM_AES_KEY_WRAP,
				 trk_b, CKK_MCX_ECCSI, sw_, (CK_ULONG)sl, &id,
				 CK_FALSE, &ssk),
		    CKR_OK);
		/* HS as published */
		attr_bytes(sb, ssk, CKA_MCX_HS, hs, sizeof(hs));
		assert_memory_equal(hs, u.hs, 32);
		sign_verify(sb, ssk, kh, u.uid);
		sakke_round_trip(sb, zh, rsk, u.uid);
		/* the admin tool's one-transaction import: session objects
		 * first, then copies to the token */
		CK_ATTRIBUTE tok = {CKA_TOKEN, &yes, sizeof(yes)};
		CK_OBJECT_HANDLE copy = CK_INVALID_HANDLE;
		MCX_P11_CHECK(F->C_CopyObject(sb, ssk, &tok, 1, &copy), CKR_OK);
		assert_int_equal(attr_bool(sb, copy, CKA_TOKEN), CK_TRUE);
		assert_int_equal(attr_bool(sb, copy, CKA_SENSITIVE), CK_TRUE);
		assert_int_equal(attr_bool(sb, copy, CKA_EXTRACTABLE),
				 CK_FALSE);
		sign_verify(sb, copy, kh, u.uid);
		MCX_P11_CHECK(F->C_DestroyObject(sb, copy), CKR_OK);
		MCX_P11_CHECK(F->C_DestroyObject(sb, rsk), CKR_OK);
		MCX_P11_CHECK(F->C_DestroyObject(sb, ssk), CKR_OK);
	}
	MCX_P11_CHECK(F->C_DestroyObject(sb, zh), CKR_OK);
	MCX_P11_CHECK(F->C_DestroyObject(sb, kh), CKR_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_keygen),
	    cmocka_unit_test(test_keygen_refusals),
	    cmocka_unit_test(test_issue_and_import),
	    cmocka_unit_test(test_issue_refusals),
	    cmocka_unit_test(test_master_secret_refused),
	    cmocka_unit_test(test_unwrap_refusals),
	    cmocka_unit_test(test_secret_unwrap_unchanged),
	    cmocka_unit_test(test_streamwide),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
