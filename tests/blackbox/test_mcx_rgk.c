/*
 * Black-box suite of the regroup keys in the token (issue 6; MCX-REFERENCE
 * §5.7, §7, project decisions c and f): CKM_MCX_RGK_SEED_GEN,
 * CKM_MCX_XPK_WRAP (C_WrapKey, the N-target form, C_UnwrapKey) and
 * CKM_MCX_RGK_DERIVE through PKCS#11.
 *
 *   - decision c known answers: the fixed test keys of
 *     tests/vectors/rgk_project.json unwrap to the seeds whose AES check
 *     value the test computes itself; seeds the token wraps decrypt, with
 *     OpenSSL EVP and the vector's K, to the same seed
 *   - decision f: the reference's worked example through the token (RGK
 *     check value of the last 16 octets, not of the first: wrong-half trap)
 *   - both regroup flows in one token (X.1: unicast + MuSiK multicast; X.2:
 *     unicast only, late entry), a different GMK gives a different RGK
 *   - every refusal of the issue with its CKR and audit record: seed under
 *     a key that is not a CSK/MuSiK, reading its value, copying it
 *     extractable, wrong CSK on unwrap (nothing stored), revoked GMK, seed
 *     after its regroup ended
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <openssl/evp.h>

#include "tests/blackbox/p11_helpers.h"
#include "tests/common/vectors.h"

#define SO_PIN	 "so-secret-1"
#define USER_PIN "user-secret-1"
#define PROT_LEN 44
#define N_VEC	 3

static struct mcx_p11 p11;
static CK_SESSION_HANDLE sess;
static struct json_object *vec;
static CK_BBOOL yes = CK_TRUE, no = CK_FALSE;

/* The vectors' XPKs (csk_alice, csk_bob, musik_server) as token objects. */
struct xpk {
	uint8_t key[16], id[4], k[16], seed[16], prot[PROT_LEN];
	char p0[64];
	CK_ULONG purpose;
	CK_OBJECT_HANDLE h;
};
static struct xpk xv[N_VEC];

#define F p11.f

static void hex_into(const char *path, uint8_t *out, size_t len)
{
	size_t got = 0;
	uint8_t *b = mcx_vectors_hex(vec, path, &got);

	assert_int_equal(got, len);
	memcpy(out, b, len);
	free(b);
}

static CK_OBJECT_HANDLE make_mcx_key(const uint8_t key[16], CK_ULONG purpose,
				     const uint8_t id[4], const char *sender)
{
	CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	CK_KEY_TYPE kt = CKK_MCX_KEY;
	CK_ATTRIBUTE t[] = {
	    {CKA_CLASS, &cls, sizeof(cls)},
	    {CKA_KEY_TYPE, &kt, sizeof(kt)},
	    {CKA_VALUE, (void *)key, 16},
	    {CKA_MCX_KEY_PURPOSE, &purpose, sizeof(purpose)},
	    {CKA_MCX_KEY_ID, (void *)id, 4},
	    {CKA_WRAP, &yes, 1},
	    {CKA_UNWRAP, &yes, 1},
	    {CKA_DERIVE, &yes, 1},
	    {CKA_MCX_SENDER_URI, (void *)sender, sender ? strlen(sender) : 0},
	};
	CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;

	MCX_P11_CHECK(F->C_CreateObject(sess, t, sender ? 9 : 8, &h), CKR_OK);
	return h;
}

static int setup(void **state)
{
	static const char *names[N_VEC] = {"0", "1", "2"};
	(void)state;
	vec = mcx_vectors_load("rgk_project.json");
	mcx_p11_open(&p11);
	mcx_p11_init_token(&p11, "mcx-rgk", SO_PIN, USER_PIN);
	sess = mcx_p11_session(&p11, CKU_USER, USER_PIN);
	for (int i = 0; i < N_VEC; i++) {
		char path[64];
		struct xpk *x = &xv[i];

#define P(f)                                                                   \
	(snprintf(path, sizeof(path), "xpk_protection.%s.%s", names[i], f),    \
	 path)
		hex_into(P("xpk"), x->key, 16);
		hex_into(P("xpk_id"), x->id, 4);
		hex_into(P("k"), x->k, 16);
		hex_into(P("rgk_seed"), x->seed, 16);
		hex_into(P("protected"), x->prot, PROT_LEN);
		snprintf(x->p0, sizeof(x->p0), "%s",
			 mcx_vectors_str(vec, P("p0")));
		x->purpose =
		    strcmp(mcx_vectors_str(vec, P("xpk_kind")), "MuSiK") == 0
			? CKP_MCX_MUSIK
			: CKP_MCX_CSK;
#undef P
		x->h = make_mcx_key(x->key, x->purpose, x->id, x->p0);
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	F->C_CloseSession(sess);
	mcx_p11_close(&p11);
	json_object_put(vec);
	return 0;
}

static void aes_cv(const uint8_t key[16], uint8_t cv[3])
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

/* Decision c decryption done here, independently of the token: AES-128-GCM
 * under k, IV = first 12 octets, AAD = XPK-ID, tag = last 16. */
static bool gcm_open(const uint8_t k[16], const uint8_t id[4],
		     const uint8_t in[PROT_LEN], uint8_t seed[16])
{
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	int l = 0, ok = 0;

	assert_non_null(c);
	ok = EVP_DecryptInit_ex(c, EVP_aes_128_gcm(), NULL, NULL, NULL) == 1 &&
	     EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_IVLEN, 12, NULL) == 1 &&
	     EVP_DecryptInit_ex(c, NULL, NULL, k, in) == 1 &&
	     EVP_DecryptUpdate(c, NULL, &l, id, 4) == 1 &&
	     EVP_DecryptUpdate(c, seed, &l, in + 12, 16) == 1 &&
	     EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, 16,
				 (void *)(in + 28)) == 1 &&
	     EVP_DecryptFinal_ex(c, seed + 16, &l) == 1;
	EVP_CIPHER_CTX_free(c);
	return ok;
}

static void get_attr(CK_OBJECT_HANDLE h, CK_ATTRIBUTE_TYPE t, void *v,
		     CK_ULONG len)
{
	CK_ATTRIBUTE a = {t, v, len};

	MCX_P11_CHECK(F->C_GetAttributeValue(sess, h, &a, 1), CKR_OK);
	assert_int_equal(a.ulValueLen, len);
}

static bool get_bool(CK_OBJECT_HANDLE h, CK_ATTRIBUTE_TYPE t)
{
	CK_BBOOL b = CK_FALSE;

	get_attr(h, t, &b, 1);
	return b == CK_TRUE;
}

static void assert_cv(CK_OBJECT_HANDLE h, const uint8_t value[16])
{
	uint8_t want[3], got[3];

	aes_cv(value, want);
	get_attr(h, CKA_CHECK_VALUE, got, 3);
	assert_memory_equal(got, want, 3);
}

static CK_ULONG count_of(CK_ATTRIBUTE *t, CK_ULONG n)
{
	CK_OBJECT_HANDLE h[64];
	CK_ULONG got = 0, total = 0;

	MCX_P11_CHECK(F->C_FindObjectsInit(sess, t, n), CKR_OK);
	do {
		MCX_P11_CHECK(F->C_FindObjects(sess, h, 64, &got), CKR_OK);
		total += got;
	} while (got == 64);
	MCX_P11_CHECK(F->C_FindObjectsFinal(sess), CKR_OK);
	return total;
}

static CK_ULONG count_seeds(void)
{
	CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	CK_KEY_TYPE kt = CKK_MCX_RGK_SEED;
	CK_ATTRIBUTE t[] = {{CKA_CLASS, &cls, sizeof(cls)},
			    {CKA_KEY_TYPE, &kt, sizeof(kt)}};

	return count_of(t, 2);
}

/* Audit records of function fn with CKR rv (and mechanism mech unless it
 * is CK_UNAVAILABLE_INFORMATION). */
static CK_ULONG audited(const char *fn, CK_MECHANISM_TYPE mech, CK_RV rv)
{
	CK_OBJECT_CLASS cls = CKO_MCX_AUDIT_RECORD;
	CK_ULONG r = rv, m = mech;
	CK_ATTRIBUTE t[] = {
	    {CKA_CLASS, &cls, sizeof(cls)},
	    {CKA_MCX_AUDIT_FUNCTION, (void *)fn, strlen(fn)},
	    {CKA_MCX_AUDIT_RV, &r, sizeof(r)},
	    {CKA_MCX_AUDIT_MECHANISM, &m, sizeof(m)},
	};

	return count_of(t, mech == CK_UNAVAILABLE_INFORMATION ? 3 : 4);
}

static CK_RV unwrap_seed(CK_OBJECT_HANDLE xpk, const uint8_t *in, CK_ULONG len,
			 const char *regroup, CK_ULONG expiry,
			 CK_OBJECT_HANDLE *seed)
{
	CK_MECHANISM m = {CKM_MCX_XPK_WRAP, NULL, 0};
	CK_ATTRIBUTE t[] = {
	    {CKA_TOKEN, &no, 1},
	    {CKA_MCX_REGROUP_ID, (void *)regroup, strlen(regroup)},
	    {CKA_MCX_EXPIRY, &expiry, sizeof(expiry)},
	};

	*seed = CK_INVALID_HANDLE;
	return F->C_UnwrapKey(sess, &m, xpk, (CK_BYTE_PTR)in, len, t, 3, seed);
}

static CK_OBJECT_HANDLE gen_seed(const char *regroup, CK_ULONG expiry)
{
	CK_MECHANISM m = {CKM_MCX_RGK_SEED_GEN, NULL, 0};
	CK_ATTRIBUTE t[] = {
	    {CKA_TOKEN, &no, 1},
	    {CKA_EXTRACTABLE, &yes, 1}, /* ignored: never extractable */
	    {CKA_MCX_REGROUP_ID, (void *)regroup, strlen(regroup)},
	    {CKA_MCX_EXPIRY, &expiry, sizeof(expiry)},
	};
	CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;

	MCX_P11_CHECK(F->C_GenerateKey(sess, &m, t, 4, &h), CKR_OK);
	return h;
}

static CK_RV wrap(CK_OBJECT_HANDLE xpk, CK_OBJECT_HANDLE seed,
		  CK_OBJECT_HANDLE *targets, CK_ULONG n, uint8_t *out,
		  CK_ULONG *out_len)
{
	CK_MCX_XPK_WRAP_PARAMS p = {NULL, 0, targets, n};
	CK_MECHANISM m = {CKM_MCX_XPK_WRAP, &p, sizeof(p)};

	return F->C_WrapKey(sess, &m, xpk, seed, out, out_len);
}

static CK_RV derive(CK_OBJECT_HANDLE gmk, CK_OBJECT_HANDLE seed,
		    CK_OBJECT_HANDLE *rgk)
{
	CK_MCX_RGK_DERIVE_PARAMS p = {seed};
	CK_MECHANISM m = {CKM_MCX_RGK_DERIVE, &p, sizeof(p)};
	CK_ATTRIBUTE t[] = {{CKA_TOKEN, &no, 1}};

	*rgk = CK_INVALID_HANDLE;
	return F->C_DeriveKey(sess, &m, gmk, t, 1, rgk);
}

static void rgk_cv(CK_OBJECT_HANDLE gmk, CK_OBJECT_HANDLE seed, uint8_t cv[3])
{
	CK_OBJECT_HANDLE rgk = CK_INVALID_HANDLE;

	MCX_P11_CHECK(derive(gmk, seed, &rgk), CKR_OK);
	get_attr(rgk, CKA_CHECK_VALUE, cv, 3);
	MCX_P11_CHECK(F->C_DestroyObject(sess, rgk), CKR_OK);
}

/* ---- Decision c known answers ------------------------------------------- */

static void test_kat_unwrap(void **state)
{
	(void)state;
	for (int i = 0; i < N_VEC; i++) {
		CK_OBJECT_HANDLE s = CK_INVALID_HANDLE;
		CK_ULONG created = 0, kt = 0, now = (CK_ULONG)time(NULL);
		char uri[64] = {0};
		CK_ATTRIBUTE a = {CKA_MCX_INITIATOR_URI, uri, sizeof(uri)};

		MCX_P11_CHECK(
		    unwrap_seed(xv[i].h, xv[i].prot, PROT_LEN, "rg-kat", 0, &s),
		    CKR_OK);
		assert_cv(s, xv[i].seed);
		get_attr(s, CKA_KEY_TYPE, &kt, sizeof(kt));
		assert_int_equal(kt, CKK_MCX_RGK_SEED);
		assert_true(get_bool(s, CKA_SENSITIVE));
		assert_false(get_bool(s, CKA_EXTRACTABLE));
		assert_true(get_bool(s, CKA_ALWAYS_SENSITIVE));
		assert_true(get_bool(s, CKA_NEVER_EXTRACTABLE));
		get_attr(s, CKA_MCX_CREATED, &created, sizeof(created));
		assert_true(created + 5 >= now && created <= now + 5);
		/* under a CSK the initiator is its owner (P0) */
		F->C_GetAttributeValue(sess, s, &a, 1);
		if (xv[i].purpose == CKP_MCX_CSK) {
			assert_int_equal(a.ulValueLen, strlen(xv[i].p0));
			assert_memory_equal(uri, xv[i].p0, a.ulValueLen);
		}
		MCX_P11_CHECK(F->C_DestroyObject(sess, s), CKR_OK);
	}
}

/* P0 given as the parameter for an XPK without CKA_MCX_SENDER_URI; a
 * wrong P0 is a GCM failure. */
static void test_kat_explicit_p0(void **state)
{
	CK_OBJECT_HANDLE x = make_mcx_key(xv[0].key, CKP_MCX_CSK, xv[0].id,
					  NULL),
			 s = CK_INVALID_HANDLE;
	CK_MCX_XPK_WRAP_PARAMS p = {(CK_BYTE_PTR)xv[0].p0, strlen(xv[0].p0),
				    NULL, 0};
	CK_MECHANISM m = {CKM_MCX_XPK_WRAP, &p, sizeof(p)};
	CK_ATTRIBUTE t[] = {{CKA_TOKEN, &no, 1}};
	(void)state;

	/* no P0 anywhere */
	assert_int_equal(unwrap_seed(x, xv[0].prot, PROT_LEN, "rg", 0, &s),
			 CKR_MECHANISM_PARAM_INVALID);
	MCX_P11_CHECK(
	    F->C_UnwrapKey(sess, &m, x, xv[0].prot, PROT_LEN, t, 1, &s),
	    CKR_OK);
	assert_cv(s, xv[0].seed);
	MCX_P11_CHECK(F->C_DestroyObject(sess, s), CKR_OK);
	p.pP0 = (CK_BYTE_PTR) "sip:mallory@example.org";
	p.ulP0Len = strlen((char *)p.pP0);
	assert_int_equal(
	    F->C_UnwrapKey(sess, &m, x, xv[0].prot, PROT_LEN, t, 1, &s),
	    CKR_WRAPPED_KEY_INVALID);
	MCX_P11_CHECK(F->C_DestroyObject(sess, x), CKR_OK);
}

/* A seed the token wraps under each XPK decrypts here with the vector's K
 * to the seed, and unwraps in the token to the same check value. */
static void test_kat_wrap(void **state)
{
	CK_OBJECT_HANDLE s = CK_INVALID_HANDLE, back = CK_INVALID_HANDLE;
	uint8_t out[PROT_LEN], seed[16];
	CK_ULONG len = 0;
	(void)state;

	MCX_P11_CHECK(unwrap_seed(xv[0].h, xv[0].prot, PROT_LEN, "rg-w", 0, &s),
		      CKR_OK);
	for (int i = 0; i < N_VEC; i++) {
		/* size query, then too small, then the output */
		MCX_P11_CHECK(wrap(xv[i].h, s, NULL, 0, NULL, &len), CKR_OK);
		assert_int_equal(len, PROT_LEN);
		len = PROT_LEN - 1;
		assert_int_equal(wrap(xv[i].h, s, NULL, 0, out, &len),
				 CKR_BUFFER_TOO_SMALL);
		len = sizeof(out);
		MCX_P11_CHECK(wrap(xv[i].h, s, NULL, 0, out, &len), CKR_OK);
		assert_int_equal(len, PROT_LEN);
		assert_true(gcm_open(xv[i].k, xv[i].id, out, seed));
		assert_memory_equal(seed, xv[0].seed, 16);
		MCX_P11_CHECK(unwrap_seed(xv[i].h, out, len, "rg-w", 0, &back),
			      CKR_OK);
		assert_cv(back, xv[0].seed);
		MCX_P11_CHECK(F->C_DestroyObject(sess, back), CKR_OK);
	}
	MCX_P11_CHECK(F->C_DestroyObject(sess, s), CKR_OK);
}

/* The N-target form: one call, one protected seed per target in order,
 * each with its own IV, one audit record. */
static void test_batch(void **state)
{
	CK_OBJECT_HANDLE s = gen_seed("rg-batch", 0),
			 tg[2] = {xv[1].h, xv[2].h};
	uint8_t out[3 * PROT_LEN], seed[3][16];
	CK_ULONG len = 0,
		 before = audited("C_WrapKey", CKM_MCX_XPK_WRAP, CKR_OK);
	(void)state;

	MCX_P11_CHECK(wrap(xv[0].h, s, tg, 2, NULL, &len), CKR_OK);
	assert_int_equal(len, 3 * PROT_LEN);
	MCX_P11_CHECK(wrap(xv[0].h, s, tg, 2, out, &len), CKR_OK);
	assert_int_equal(len, 3 * PROT_LEN);
	assert_int_equal(audited("C_WrapKey", CKM_MCX_XPK_WRAP, CKR_OK),
			 before + 1);
	for (int i = 0; i < 3; i++)
		assert_true(
		    gcm_open(xv[i].k, xv[i].id, out + i * PROT_LEN, seed[i]));
	assert_memory_equal(seed[0], seed[1], 16);
	assert_memory_equal(seed[0], seed[2], 16);
	assert_memory_not_equal(out, out + PROT_LEN, 12);
	assert_cv(s, seed[0]);
	/* every target brings its own P0: a common one is refused */
	{
		CK_MCX_XPK_WRAP_PARAMS p = {(CK_BYTE_PTR) "sip:x", 5, tg, 2};
		CK_MECHANISM m = {CKM_MCX_XPK_WRAP, &p, sizeof(p)};
		len = sizeof(out);
		assert_int_equal(F->C_WrapKey(sess, &m, xv[0].h, s, out, &len),
				 CKR_MECHANISM_PARAM_INVALID);
	}
	MCX_P11_CHECK(F->C_DestroyObject(sess, s), CKR_OK);
}

/* ---- Decision f --------------------------------------------------------- */

static void test_derive_kat(void **state)
{
	uint8_t gmk[16], rgk[16], msb[16], id[4] = {0x00, 0x00, 0x00, 0x01};
	uint8_t want[3], wrong[3], got[3];
	CK_OBJECT_HANDLE g = CK_INVALID_HANDLE, s = CK_INVALID_HANDLE,
			 r = CK_INVALID_HANDLE;
	CK_ULONG kt = 0, vl = 0;
	(void)state;

	hex_into("rgk_example.gmk", gmk, 16);
	hex_into("rgk_example.rgk", rgk, 16);
	hex_into("rgk_example.msb128_not_the_rgk", msb, 16);
	{
		/* the musik_server vector's seed is the example's seed */
		uint8_t ex_seed[16];
		hex_into("rgk_example.rgk_seed", ex_seed, 16);
		assert_memory_equal(ex_seed, xv[2].seed, 16);
	}
	g = make_mcx_key(gmk, CKP_MCX_GMK, id, NULL);
	MCX_P11_CHECK(unwrap_seed(xv[2].h, xv[2].prot, PROT_LEN, "rg-f", 0, &s),
		      CKR_OK);
	MCX_P11_CHECK(derive(g, s, &r), CKR_OK);
	aes_cv(rgk, want);
	aes_cv(msb, wrong);
	get_attr(r, CKA_CHECK_VALUE, got, 3);
	assert_memory_equal(got, want, 3);
	assert_memory_not_equal(got, wrong, 3);
	get_attr(r, CKA_KEY_TYPE, &kt, sizeof(kt));
	assert_int_equal(kt, CKK_AES);
	get_attr(r, CKA_VALUE_LEN, &vl, sizeof(vl));
	assert_int_equal(vl, 16);
	assert_true(get_bool(r, CKA_SENSITIVE));
	{
		uint8_t v[16];
		CK_ATTRIBUTE a = {CKA_VALUE, v, sizeof(v)};
		assert_int_equal(F->C_GetAttributeValue(sess, r, &a, 1),
				 CKR_ATTRIBUTE_SENSITIVE);
	}
	/* the RGK is a usable AES key: GCM under it round-trips */
	{
		CK_BYTE iv[12] = {1}, pt[5] = "media", ct[32], back[32];
		CK_GCM_PARAMS gp = {iv, 12, 96, NULL, 0, 128};
		CK_MECHANISM m = {CKM_AES_GCM, &gp, sizeof(gp)};
		CK_ULONG cl = sizeof(ct), bl = sizeof(back);
		MCX_P11_CHECK(F->C_EncryptInit(sess, &m, r), CKR_OK);
		MCX_P11_CHECK(F->C_Encrypt(sess, pt, 5, ct, &cl), CKR_OK);
		MCX_P11_CHECK(F->C_DecryptInit(sess, &m, r), CKR_OK);
		MCX_P11_CHECK(F->C_Decrypt(sess, ct, cl, back, &bl), CKR_OK);
		assert_int_equal(bl, 5);
		assert_memory_equal(back, pt, 5);
	}
	MCX_P11_CHECK(F->C_DestroyObject(sess, r), CKR_OK);
	MCX_P11_CHECK(F->C_DestroyObject(sess, s), CKR_OK);
	MCX_P11_CHECK(F->C_DestroyObject(sess, g), CKR_OK);
}

/* ---- Regroup flows (figures X.1 and X.2) -------------------------------- */

/* One token plays every participant: the initiator (client 1) generates the
 * seed and protects it under its CSK; the server unwraps it into a seed
 * object for the regroup and re-wraps it; each client unwraps its copy and
 * derives the RGK from the group's GMK. */
static void test_flows(void **state)
{
	uint8_t key[16], id[4], gmk_v[16];
	CK_OBJECT_HANDLE csk[7], musik, gmk, gmk2, init_seed, server_seed,
	    client_seed;
	uint8_t prot[8 * PROT_LEN], cv0[3], cv[3];
	CK_ULONG len = 0;
	char uri[64];
	(void)state;

	for (int i = 1; i <= 6; i++) {
		memset(key, 0x10 * i, 16);
		id[0] = 0x20;
		id[1] = id[2] = 0;
		id[3] = (uint8_t)i;
		snprintf(uri, sizeof(uri), "sip:client%d@example.org", i);
		csk[i] = make_mcx_key(key, CKP_MCX_CSK, id, uri);
	}
	memset(key, 0x77, 16);
	memcpy(id, "\x60\x00\x00\x09", 4);
	musik = make_mcx_key(key, CKP_MCX_MUSIK, id, "sip:server@example.org");
	memset(gmk_v, 0x42, 16);
	gmk = make_mcx_key(gmk_v, CKP_MCX_GMK, (const uint8_t *)"\x00\0\0\x05",
			   NULL);
	gmk_v[0] ^= 1;
	gmk2 = make_mcx_key(gmk_v, CKP_MCX_GMK, (const uint8_t *)"\x00\0\0\x06",
			    NULL);

	/* X.1: client 1 initiates a preconfigured group regroup */
	init_seed = gen_seed("rg-x1", 0);
	rgk_cv(gmk, init_seed, cv0);
	len = PROT_LEN;
	MCX_P11_CHECK(wrap(csk[1], init_seed, NULL, 0, prot, &len), CKR_OK);
	MCX_P11_CHECK(unwrap_seed(csk[1], prot, len, "rg-x1",
				  (CK_ULONG)time(NULL) + 3600, &server_seed),
		      CKR_OK);
	/* unicast to client 2, multicast to clients 3-5 under the MuSiK */
	{
		CK_OBJECT_HANDLE tg[1] = {musik};
		len = sizeof(prot);
		MCX_P11_CHECK(wrap(csk[2], server_seed, tg, 1, prot, &len),
			      CKR_OK);
		assert_int_equal(len, 2 * PROT_LEN);
	}
	for (int c = 2; c <= 5; c++) {
		CK_OBJECT_HANDLE via = c == 2 ? csk[2] : musik;
		const uint8_t *in = c == 2 ? prot : prot + PROT_LEN;
		MCX_P11_CHECK(
		    unwrap_seed(via, in, PROT_LEN, "rg-x1", 0, &client_seed),
		    CKR_OK);
		rgk_cv(gmk, client_seed, cv);
		assert_memory_equal(cv, cv0, 3);
		/* a client with another GMK derives another RGK */
		rgk_cv(gmk2, client_seed, cv);
		assert_memory_not_equal(cv, cv0, 3);
		MCX_P11_CHECK(F->C_DestroyObject(sess, client_seed), CKR_OK);
	}
	/* the regroup ends: the server destroys its seed (audited) */
	{
		CK_ULONG before = audited("C_DestroyObject",
					  CK_UNAVAILABLE_INFORMATION, CKR_OK);
		MCX_P11_CHECK(F->C_DestroyObject(sess, server_seed), CKR_OK);
		assert_int_equal(audited("C_DestroyObject",
					 CK_UNAVAILABLE_INFORMATION, CKR_OK),
				 before + 1);
		len = sizeof(prot);
		assert_int_equal(wrap(csk[2], server_seed, NULL, 0, prot, &len),
				 CKR_KEY_HANDLE_INVALID);
	}
	MCX_P11_CHECK(F->C_DestroyObject(sess, init_seed), CKR_OK);

	/* X.2: user regroup by client 3, unicast to 4 and 5; client 6
	 * joins late, after the start */
	init_seed = gen_seed("rg-x2", 0);
	rgk_cv(gmk, init_seed, cv0);
	len = PROT_LEN;
	MCX_P11_CHECK(wrap(csk[3], init_seed, NULL, 0, prot, &len), CKR_OK);
	MCX_P11_CHECK(unwrap_seed(csk[3], prot, len, "rg-x2", 0, &server_seed),
		      CKR_OK);
	{
		CK_OBJECT_HANDLE tg[1] = {csk[5]};
		len = sizeof(prot);
		MCX_P11_CHECK(wrap(csk[4], server_seed, tg, 1, prot, &len),
			      CKR_OK);
	}
	for (int c = 4; c <= 6; c++) {
		const uint8_t *in = prot + (size_t)(c - 4) * PROT_LEN;
		if (c == 6) {
			/* late entry: the kept seed is wrapped for the new
			 * member */
			len = PROT_LEN;
			MCX_P11_CHECK(wrap(csk[6], server_seed, NULL, 0,
					   prot + 2 * PROT_LEN, &len),
				      CKR_OK);
		}
		MCX_P11_CHECK(
		    unwrap_seed(csk[c], in, PROT_LEN, "rg-x2", 0, &client_seed),
		    CKR_OK);
		rgk_cv(gmk, client_seed, cv);
		assert_memory_equal(cv, cv0, 3);
		MCX_P11_CHECK(F->C_DestroyObject(sess, client_seed), CKR_OK);
	}
	/* a copy meant for client 4 does not open under client 5's CSK */
	assert_int_equal(
	    unwrap_seed(csk[5], prot, PROT_LEN, "rg-x2", 0, &client_seed),
	    CKR_WRAPPED_KEY_INVALID);
	MCX_P11_CHECK(F->C_DestroyObject(sess, server_seed), CKR_OK);
	MCX_P11_CHECK(F->C_DestroyObject(sess, init_seed), CKR_OK);
	for (int i = 1; i <= 6; i++)
		MCX_P11_CHECK(F->C_DestroyObject(sess, csk[i]), CKR_OK);
	MCX_P11_CHECK(F->C_DestroyObject(sess, musik), CKR_OK);
	MCX_P11_CHECK(F->C_DestroyObject(sess, gmk), CKR_OK);
	MCX_P11_CHECK(F->C_DestroyObject(sess, gmk2), CKR_OK);
}

/* ---- Refusals, each with its CKR and audit record ----------------------- */

static void test_refuse_wrap(void **state)
{
	CK_OBJECT_HANDLE s = gen_seed("rg-r", 0), aes = CK_INVALID_HANDLE,
			 gmk = CK_INVALID_HANDLE;
	CK_MECHANISM kg = {CKM_AES_KEY_GEN, NULL, 0};
	CK_ULONG vl = 16, len = 0;
	CK_ATTRIBUTE at[] = {{CKA_VALUE_LEN, &vl, sizeof(vl)},
			     {CKA_WRAP, &yes, 1}};
	uint8_t out[256], gv[16] = {9};
	(void)state;

	MCX_P11_CHECK(F->C_GenerateKey(sess, &kg, at, 2, &aes), CKR_OK);
	gmk = make_mcx_key(gv, CKP_MCX_GMK, (const uint8_t *)"\x00\0\0\x07",
			   NULL);

	/* under an AES key with AES key wrap */
	{
		CK_MECHANISM m = {CKM_AES_KEY_WRAP_KWP, NULL, 0};
		CK_ULONG before = audited("C_WrapKey", CKM_AES_KEY_WRAP_KWP,
					  CKR_KEY_NOT_WRAPPABLE);
		len = sizeof(out);
		assert_int_equal(F->C_WrapKey(sess, &m, aes, s, out, &len),
				 CKR_KEY_NOT_WRAPPABLE);
		assert_int_equal(audited("C_WrapKey", CKM_AES_KEY_WRAP_KWP,
					 CKR_KEY_NOT_WRAPPABLE),
				 before + 1);
	}
	/* CKM_MCX_XPK_WRAP under an AES key */
	{
		/* the audit record carries the code the caller gets */
		CK_ULONG before = audited("C_WrapKey", CKM_MCX_XPK_WRAP,
					  CKR_WRAPPING_KEY_TYPE_INCONSISTENT);
		len = sizeof(out);
		assert_int_equal(wrap(aes, s, NULL, 0, out, &len),
				 CKR_WRAPPING_KEY_TYPE_INCONSISTENT);
		assert_int_equal(audited("C_WrapKey", CKM_MCX_XPK_WRAP,
					 CKR_WRAPPING_KEY_TYPE_INCONSISTENT),
				 before + 1);
	}
	/* under an MCX key that is neither CSK nor MuSiK (a GMK), alone
	 * and as a batch target */
	{
		CK_ULONG before = audited("C_WrapKey", CKM_MCX_XPK_WRAP,
					  CKR_KEY_NOT_WRAPPABLE);
		CK_OBJECT_HANDLE tg[2] = {xv[1].h, gmk};
		len = sizeof(out);
		assert_int_equal(wrap(gmk, s, NULL, 0, out, &len),
				 CKR_KEY_NOT_WRAPPABLE);
		len = sizeof(out);
		memset(out, 0xee, sizeof(out));
		assert_int_equal(wrap(xv[0].h, s, tg, 2, out, &len),
				 CKR_KEY_NOT_WRAPPABLE);
		/* no partial output */
		for (size_t i = 0; i < 3 * PROT_LEN; i++)
			assert_true(out[i] == 0xee || out[i] == 0);
		/* the call and the refused target: records */
		assert_true(audited("C_WrapKey", CKM_MCX_XPK_WRAP,
				    CKR_KEY_NOT_WRAPPABLE) >= before + 2);
	}
	/* an MCX key may not travel under CKM_MCX_XPK_WRAP */
	len = sizeof(out);
	assert_int_equal(wrap(xv[0].h, gmk, NULL, 0, out, &len),
			 CKR_KEY_NOT_WRAPPABLE);
	MCX_P11_CHECK(F->C_DestroyObject(sess, aes), CKR_OK);
	MCX_P11_CHECK(F->C_DestroyObject(sess, gmk), CKR_OK);
	MCX_P11_CHECK(F->C_DestroyObject(sess, s), CKR_OK);
}

static void test_refuse_read_copy(void **state)
{
	CK_OBJECT_HANDLE s = gen_seed("rg-c", 0), c = CK_INVALID_HANDLE;
	uint8_t v[16];
	CK_ATTRIBUTE a = {CKA_VALUE, v, sizeof(v)};
	CK_ULONG before =
	    audited("C_GetAttributeValue", CK_UNAVAILABLE_INFORMATION,
		    CKR_ATTRIBUTE_SENSITIVE);
	(void)state;

	assert_false(get_bool(s, CKA_EXTRACTABLE));
	assert_true(get_bool(s, CKA_SENSITIVE));
	assert_int_equal(F->C_GetAttributeValue(sess, s, &a, 1),
			 CKR_ATTRIBUTE_SENSITIVE);
	assert_int_equal(audited("C_GetAttributeValue",
				 CK_UNAVAILABLE_INFORMATION,
				 CKR_ATTRIBUTE_SENSITIVE),
			 before + 1);
	{
		CK_ATTRIBUTE t[] = {{CKA_EXTRACTABLE, &yes, 1}};
		CK_ULONG b2 =
		    audited("C_CopyObject", CK_UNAVAILABLE_INFORMATION,
			    CKR_ATTRIBUTE_READ_ONLY);
		CK_ULONG n = count_seeds();
		assert_int_equal(F->C_CopyObject(sess, s, t, 1, &c),
				 CKR_ATTRIBUTE_READ_ONLY);
		assert_int_equal(audited("C_CopyObject",
					 CK_UNAVAILABLE_INFORMATION,
					 CKR_ATTRIBUTE_READ_ONLY),
				 b2 + 1);
		assert_int_equal(count_seeds(), n);
	}
	{
		CK_ATTRIBUTE t[] = {{CKA_SENSITIVE, &no, 1}};
		assert_int_equal(F->C_SetAttributeValue(sess, s, t, 1),
				 CKR_ATTRIBUTE_READ_ONLY);
		assert_int_equal(F->C_CopyObject(sess, s, t, 1, &c),
				 CKR_ATTRIBUTE_READ_ONLY);
	}
	/* a plain copy stays a never-extractable seed */
	MCX_P11_CHECK(F->C_CopyObject(sess, s, NULL, 0, &c), CKR_OK);
	assert_false(get_bool(c, CKA_EXTRACTABLE));
	assert_true(get_bool(c, CKA_NEVER_EXTRACTABLE));
	MCX_P11_CHECK(F->C_DestroyObject(sess, c), CKR_OK);
	/* a seed is never in the clear: no C_CreateObject */
	{
		CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
		CK_KEY_TYPE kt = CKK_MCX_RGK_SEED;
		CK_ATTRIBUTE t[] = {{CKA_CLASS, &cls, sizeof(cls)},
				    {CKA_KEY_TYPE, &kt, sizeof(kt)},
				    {CKA_VALUE, v, sizeof(v)}};
		memset(v, 1, sizeof(v));
		assert_int_equal(F->C_CreateObject(sess, t, 3, &c),
				 CKR_TEMPLATE_INCONSISTENT);
	}
	MCX_P11_CHECK(F->C_DestroyObject(sess, s), CKR_OK);
}

static void test_refuse_wrong_csk(void **state)
{
	CK_OBJECT_HANDLE s = CK_INVALID_HANDLE;
	CK_ULONG n = count_seeds(),
		 before = audited("C_UnwrapKey", CKM_MCX_XPK_WRAP,
				  CKR_WRAPPED_KEY_INVALID);
	uint8_t bad[PROT_LEN];
	(void)state;

	/* alice's protected seed under bob's CSK */
	assert_int_equal(
	    unwrap_seed(xv[1].h, xv[0].prot, PROT_LEN, "rg", 0, &s),
	    CKR_WRAPPED_KEY_INVALID);
	assert_int_equal(s, CK_INVALID_HANDLE);
	/* one altered tag octet under the right CSK */
	memcpy(bad, xv[0].prot, PROT_LEN);
	bad[PROT_LEN - 1] ^= 0x01;
	assert_int_equal(unwrap_seed(xv[0].h, bad, PROT_LEN, "rg", 0, &s),
			 CKR_WRAPPED_KEY_INVALID);
	assert_int_equal(
	    audited("C_UnwrapKey", CKM_MCX_XPK_WRAP, CKR_WRAPPED_KEY_INVALID),
	    before + 2);
	assert_int_equal(count_seeds(), n);
	assert_int_equal(
	    unwrap_seed(xv[0].h, xv[0].prot, PROT_LEN - 1, "rg", 0, &s),
	    CKR_WRAPPED_KEY_LEN_RANGE);
}

static void test_refuse_revoked_gmk(void **state)
{
	uint8_t gv[16] = {3};
	CK_OBJECT_HANDLE g = make_mcx_key(gv, CKP_MCX_GMK,
					  (const uint8_t *)"\x00\0\0\x08",
					  NULL),
			 s = gen_seed("rg-rev", 0), r = CK_INVALID_HANDLE;
	CK_ULONG revoked = CKS_MCX_REVOKED;
	CK_ATTRIBUTE t[] = {{CKA_MCX_STATUS, &revoked, sizeof(revoked)}};
	CK_ULONG before;
	(void)state;

	MCX_P11_CHECK(derive(g, s, &r), CKR_OK);
	MCX_P11_CHECK(F->C_DestroyObject(sess, r), CKR_OK);
	MCX_P11_CHECK(F->C_SetAttributeValue(sess, g, t, 1), CKR_OK);
	before =
	    audited("C_DeriveKey", CKM_MCX_RGK_DERIVE, CKR_MCX_KEY_REVOKED);
	assert_int_equal(derive(g, s, &r), CKR_MCX_KEY_REVOKED);
	assert_int_equal(r, CK_INVALID_HANDLE);
	assert_int_equal(
	    audited("C_DeriveKey", CKM_MCX_RGK_DERIVE, CKR_MCX_KEY_REVOKED),
	    before + 1);
	/* a CSK is no base key for the RGK, a CSK no seed */
	assert_int_equal(derive(xv[0].h, s, &r), CKR_KEY_TYPE_INCONSISTENT);
	{
		uint8_t g2[16] = {4};
		CK_OBJECT_HANDLE ok = make_mcx_key(
		    g2, CKP_MCX_GMK, (const uint8_t *)"\x00\0\0\x09", NULL);
		assert_int_equal(derive(ok, xv[0].h, &r),
				 CKR_KEY_TYPE_INCONSISTENT);
		MCX_P11_CHECK(F->C_DestroyObject(sess, ok), CKR_OK);
	}
	MCX_P11_CHECK(F->C_DestroyObject(sess, g), CKR_OK);
	MCX_P11_CHECK(F->C_DestroyObject(sess, s), CKR_OK);
}

static void test_refuse_ended(void **state)
{
	uint8_t gv[16] = {5}, out[PROT_LEN];
	CK_OBJECT_HANDLE g = make_mcx_key(gv, CKP_MCX_GMK,
					  (const uint8_t *)"\x00\0\0\x0a",
					  NULL),
			 s = gen_seed("rg-end", (CK_ULONG)time(NULL) + 3600),
			 r = CK_INVALID_HANDLE;
	CK_ULONG past = (CK_ULONG)time(NULL) - 1, len = sizeof(out);
	CK_ATTRIBUTE t[] = {{CKA_MCX_EXPIRY, &past, sizeof(past)}};
	CK_ULONG bw = audited("C_WrapKey", CKM_MCX_XPK_WRAP,
			      CKR_MCX_REGROUP_ENDED),
		 bd = audited("C_DeriveKey", CKM_MCX_RGK_DERIVE,
			      CKR_MCX_REGROUP_ENDED);
	(void)state;

	MCX_P11_CHECK(wrap(xv[0].h, s, NULL, 0, out, &len), CKR_OK);
	MCX_P11_CHECK(derive(g, s, &r), CKR_OK);
	MCX_P11_CHECK(F->C_DestroyObject(sess, r), CKR_OK);
	/* the regroup's expiry passes */
	MCX_P11_CHECK(F->C_SetAttributeValue(sess, s, t, 1), CKR_OK);
	len = sizeof(out);
	assert_int_equal(wrap(xv[0].h, s, NULL, 0, out, &len),
			 CKR_MCX_REGROUP_ENDED);
	assert_int_equal(derive(g, s, &r), CKR_MCX_REGROUP_ENDED);
	assert_int_equal(
	    audited("C_WrapKey", CKM_MCX_XPK_WRAP, CKR_MCX_REGROUP_ENDED),
	    bw + 1);
	assert_int_equal(
	    audited("C_DeriveKey", CKM_MCX_RGK_DERIVE, CKR_MCX_REGROUP_ENDED),
	    bd + 1);
	/* nor is a regroup started that has already ended */
	assert_int_equal(
	    unwrap_seed(xv[0].h, xv[0].prot, PROT_LEN, "rg-end", past, &r),
	    CKR_MCX_REGROUP_ENDED);
	MCX_P11_CHECK(F->C_DestroyObject(sess, g), CKR_OK);
	MCX_P11_CHECK(F->C_DestroyObject(sess, s), CKR_OK);
}

/* Token objects: a seed kept for the life of the regroup survives the
 * session and is found by its regroup ID. */
static void test_token_seed(void **state)
{
	CK_MECHANISM m = {CKM_MCX_XPK_WRAP, NULL, 0};
	const char *rid = "rg-token";
	CK_ATTRIBUTE t[] = {
	    {CKA_TOKEN, &yes, 1},
	    {CKA_MCX_REGROUP_ID, (void *)rid, strlen(rid)},
	};
	CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	CK_ATTRIBUTE f[] = {
	    {CKA_CLASS, &cls, sizeof(cls)},
	    {CKA_MCX_REGROUP_ID, (void *)rid, strlen(rid)},
	};
	CK_OBJECT_HANDLE h = CK_INVALID_HANDLE, found[2];
	CK_SESSION_HANDLE s2;
	CK_ULONG n = 0;
	(void)state;

	MCX_P11_CHECK(
	    F->C_UnwrapKey(sess, &m, xv[0].h, xv[0].prot, PROT_LEN, t, 2, &h),
	    CKR_OK);
	s2 = mcx_p11_session(&p11, CKU_USER, NULL);
	MCX_P11_CHECK(F->C_FindObjectsInit(s2, f, 2), CKR_OK);
	MCX_P11_CHECK(F->C_FindObjects(s2, found, 2, &n), CKR_OK);
	MCX_P11_CHECK(F->C_FindObjectsFinal(s2), CKR_OK);
	assert_int_equal(n, 1);
	assert_cv(found[0], xv[0].seed);
	MCX_P11_CHECK(F->C_DestroyObject(s2, found[0]), CKR_OK);
	F->C_CloseSession(s2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_kat_unwrap),
	    cmocka_unit_test(test_kat_explicit_p0),
	    cmocka_unit_test(test_kat_wrap),
	    cmocka_unit_test(test_batch),
	    cmocka_unit_test(test_derive_kat),
	    cmocka_unit_test(test_flows),
	    cmocka_unit_test(test_refuse_wrap),
	    cmocka_unit_test(test_refuse_read_copy),
	    cmocka_unit_test(test_refuse_wrong_csk),
	    cmocka_unit_test(test_refuse_revoked_gmk),
	    cmocka_unit_test(test_refuse_ended),
	    cmocka_unit_test(test_token_seed),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
