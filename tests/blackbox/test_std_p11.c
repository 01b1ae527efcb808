/*
 * Black-box suite of the standard mechanisms through the built module
 * ($MCXHSM_MODULE, dlopen, C_GetInterface): mechanism list and info, every
 * mechanism's round trip, the PKCS#11 size-query and operation-state
 * rules, the key checks (type, usage flags), the wrap/unwrap policy
 * (CKA_EXTRACTABLE, CKA_WRAP_WITH_TRUSTED vs CKA_TRUSTED, CKA_WRAP_TEMPLATE,
 * CKA_UNWRAP_TEMPLATE), audit records for refusals, and results checked
 * against libcrypto computed here (AES check value, GCM, SHA-256, ECDSA
 * verification of the token's signatures) and against RFC 4231.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/rand.h>

#include "tests/blackbox/p11_helpers.h"
#include "tests/common/vectors.h"

#define SO_PIN	 "so-secret-1"
#define USER_PIN "user-secret-1"

static struct mcx_p11 p11;
static CK_SESSION_HANDLE sess;
static CK_BBOOL yes = CK_TRUE, no = CK_FALSE;

/* A public CKA_TRUSTED wrapping key on the token: only the SO may set
 * CKA_TRUSTED (PKCS#11 3.0 §4.8). */
static CK_OBJECT_HANDLE trusted_kek;

static void make_trusted(struct mcx_p11 *p, CK_SESSION_HANDLE so, void *arg)
{
	CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	CK_KEY_TYPE kt = CKK_AES;
	uint8_t kv[32];
	CK_ATTRIBUTE tt[] = {
	    {CKA_CLASS, &cls, sizeof(cls)},   {CKA_KEY_TYPE, &kt, sizeof(kt)},
	    {CKA_TOKEN, &yes, sizeof(yes)},   {CKA_PRIVATE, &no, sizeof(no)},
	    {CKA_TRUSTED, &yes, sizeof(yes)}, {CKA_WRAP, &yes, sizeof(yes)},
	    {CKA_VALUE, kv, sizeof(kv)}};

	(void)arg;
	if (RAND_bytes(kv, sizeof(kv)) != 1)
		abort();
	MCX_P11_CHECK(p->f->C_CreateObject(so, tt, 7, &trusted_kek), CKR_OK);
}

static int setup(void **state)
{
	(void)state;
	mcx_p11_open(&p11);
	mcx_p11_init_token_as_so(&p11, "std-test", SO_PIN, USER_PIN,
				 make_trusted, NULL);
	sess = mcx_p11_session(&p11, CKU_USER, USER_PIN);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	p11.f->C_CloseSession(sess);
	mcx_p11_close(&p11);
	return 0;
}

#define F p11.f

/* A session AES key of len octets; sensitive/extractable as given. */
static CK_OBJECT_HANDLE aes_key(CK_ULONG len, CK_BBOOL sensitive,
				CK_BBOOL extractable)
{
	CK_MECHANISM m = {CKM_AES_KEY_GEN, NULL, 0};
	CK_ATTRIBUTE t[] = {
	    {CKA_VALUE_LEN, &len, sizeof(len)},
	    {CKA_TOKEN, &no, sizeof(no)},
	    {CKA_SENSITIVE, &sensitive, sizeof(sensitive)},
	    {CKA_EXTRACTABLE, &extractable, sizeof(extractable)},
	    {CKA_ENCRYPT, &yes, sizeof(yes)},
	    {CKA_DECRYPT, &yes, sizeof(yes)},
	    {CKA_WRAP, &yes, sizeof(yes)},
	    {CKA_UNWRAP, &yes, sizeof(yes)},
	};
	CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;

	MCX_P11_CHECK(F->C_GenerateKey(sess, &m, t, 8, &h), CKR_OK);
	return h;
}

static void get_value(CK_OBJECT_HANDLE h, CK_ATTRIBUTE_TYPE type, void *buf,
		      CK_ULONG *len)
{
	CK_ATTRIBUTE a = {type, buf, *len};

	MCX_P11_CHECK(F->C_GetAttributeValue(sess, h, &a, 1), CKR_OK);
	*len = a.ulValueLen;
}

/* Number of audit records whose function is fn and CKR rv. */
static CK_ULONG audit_count(const char *fn, CK_RV rv)
{
	CK_OBJECT_CLASS cls = CKO_MCX_AUDIT_RECORD;
	CK_ULONG rv_ul = rv;
	CK_ATTRIBUTE t[] = {
	    {CKA_CLASS, &cls, sizeof(cls)},
	    {CKA_MCX_AUDIT_FUNCTION, (void *)fn, strlen(fn)},
	    {CKA_MCX_AUDIT_RV, &rv_ul, sizeof(rv_ul)},
	};
	CK_OBJECT_HANDLE h[64];
	CK_ULONG n = 0, total = 0;

	MCX_P11_CHECK(F->C_FindObjectsInit(sess, t, 3), CKR_OK);
	do {
		MCX_P11_CHECK(F->C_FindObjects(sess, h, 64, &n), CKR_OK);
		total += n;
	} while (n == 64);
	MCX_P11_CHECK(F->C_FindObjectsFinal(sess), CKR_OK);
	return total;
}

static void test_mechanisms(void **state)
{
	static const CK_MECHANISM_TYPE want[] = {CKM_AES_KEY_GEN,
						 CKM_AES_GCM,
						 CKM_AES_KEY_WRAP,
						 CKM_AES_KEY_WRAP_KWP,
						 CKM_SHA256,
						 CKM_SHA256_HMAC,
						 CKM_GENERIC_SECRET_KEY_GEN,
						 CKM_EC_KEY_PAIR_GEN,
						 CKM_ECDSA,
						 CKM_ECDSA_SHA256};
	CK_MECHANISM_TYPE list[64];
	CK_ULONG n = 0, small = 1;
	CK_MECHANISM_INFO info;

	MCX_P11_CHECK(F->C_GetMechanismList(p11.slot, NULL, &n), CKR_OK);
	assert_true(n >= 10 && n <= 64);
	MCX_P11_CHECK(F->C_GetMechanismList(p11.slot, list, &small),
		      CKR_BUFFER_TOO_SMALL);
	assert_int_equal(small, n);
	MCX_P11_CHECK(F->C_GetMechanismList(p11.slot, list, &n), CKR_OK);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		bool found = false;

		for (CK_ULONG j = 0; j < n; j++)
			found |= list[j] == want[i];
		assert_true(found);
	}
	MCX_P11_CHECK(F->C_GetMechanismInfo(p11.slot, CKM_AES_GCM, &info),
		      CKR_OK);
	assert_int_equal(info.ulMinKeySize, 16);
	assert_int_equal(info.ulMaxKeySize, 32);
	assert_true(info.flags & CKF_ENCRYPT);
	assert_true(info.flags & CKF_DECRYPT);
	assert_false(info.flags & CKF_SIGN);
	MCX_P11_CHECK(F->C_GetMechanismInfo(p11.slot, CKM_ECDSA, &info),
		      CKR_OK);
	assert_int_equal(info.ulMinKeySize, 256);
	assert_true(info.flags & CKF_SIGN);
	assert_true(info.flags & CKF_EC_NAMEDCURVE);
	MCX_P11_CHECK(
	    F->C_GetMechanismInfo(p11.slot, CKM_EC_KEY_PAIR_GEN, &info),
	    CKR_OK);
	assert_true(info.flags & CKF_GENERATE_KEY_PAIR);
	MCX_P11_CHECK(F->C_GetMechanismInfo(p11.slot, CKM_RSA_PKCS, &info),
		      CKR_MECHANISM_INVALID);
	MCX_P11_CHECK(F->C_GetMechanismInfo(p11.slot, CKM_SHA256, NULL),
		      CKR_ARGUMENTS_BAD);
	MCX_P11_CHECK(F->C_GetMechanismList(0x7ffffff0UL, NULL, &n),
		      CKR_SLOT_ID_INVALID);
}

static void test_aes_check_value(void **state)
{
	static const uint8_t zero[16];
	CK_OBJECT_HANDLE k = aes_key(32, CK_FALSE, CK_TRUE);
	uint8_t value[32], cv[3], block[16];
	CK_ULONG vlen = sizeof(value), cvlen = sizeof(cv);
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int outl = 0;

	get_value(k, CKA_VALUE, value, &vlen);
	assert_int_equal(vlen, 32);
	get_value(k, CKA_CHECK_VALUE, cv, &cvlen);
	assert_int_equal(cvlen, 3);
	assert_int_equal(
	    EVP_EncryptInit_ex(ctx, EVP_aes_256_ecb(), NULL, value, NULL), 1);
	EVP_CIPHER_CTX_set_padding(ctx, 0);
	assert_int_equal(EVP_EncryptUpdate(ctx, block, &outl, zero, 16), 1);
	EVP_CIPHER_CTX_free(ctx);
	assert_memory_equal(cv, block, 3);
	/* Key generation is audited. */
	assert_true(audit_count("C_GenerateKey", CKR_OK) >= 1);
	F->C_DestroyObject(sess, k);
}

/* AES-GCM of pt with EVP, for comparison. */
static void evp_gcm(const uint8_t *key, size_t klen, const uint8_t *iv,
		    size_t ivlen, const uint8_t *aad, size_t aadlen,
		    const uint8_t *pt, size_t ptlen, size_t taglen,
		    uint8_t *out)
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int outl = 0;

	assert_int_equal(EVP_EncryptInit_ex(ctx,
					    klen == 16 ? EVP_aes_128_gcm()
						       : EVP_aes_256_gcm(),
					    NULL, NULL, NULL),
			 1);
	assert_int_equal(
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, (int)ivlen, NULL),
	    1);
	assert_int_equal(EVP_EncryptInit_ex(ctx, NULL, NULL, key, iv), 1);
	assert_int_equal(EVP_EncryptUpdate(ctx, NULL, &outl, aad, (int)aadlen),
			 1);
	assert_int_equal(EVP_EncryptUpdate(ctx, out, &outl, pt, (int)ptlen), 1);
	assert_int_equal(EVP_EncryptFinal_ex(ctx, out + ptlen, &outl), 1);
	assert_int_equal(EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG,
					     (int)taglen, out + ptlen),
			 1);
	EVP_CIPHER_CTX_free(ctx);
}

static void test_aes_gcm(void **state)
{
	CK_OBJECT_HANDLE k = aes_key(16, CK_FALSE, CK_TRUE);
	uint8_t key[16], iv[16], aad[13], pt[100], ref[116], ct[116], back[116];
	CK_ULONG klen = sizeof(key), n = 0, part = 0, total = 0;
	CK_GCM_PARAMS gp;
	CK_MECHANISM m = {CKM_AES_GCM, &gp, sizeof(gp)};

	get_value(k, CKA_VALUE, key, &klen);
	assert_int_equal(RAND_bytes(iv, sizeof(iv)), 1);
	assert_int_equal(RAND_bytes(aad, sizeof(aad)), 1);
	assert_int_equal(RAND_bytes(pt, sizeof(pt)), 1);
	/* A 16-octet IV (the MCX key parameters use those). */
	memset(&gp, 0, sizeof(gp));
	gp.pIv = iv;
	gp.ulIvLen = 16;
	gp.ulIvBits = 128;
	gp.pAAD = aad;
	gp.ulAADLen = sizeof(aad);
	gp.ulTagBits = 128;
	evp_gcm(key, 16, iv, 16, aad, sizeof(aad), pt, sizeof(pt), 16, ref);

	/* Single part, with a size query and a short buffer first: both
	 * leave the operation active. */
	MCX_P11_CHECK(F->C_EncryptInit(sess, &m, k), CKR_OK);
	MCX_P11_CHECK(F->C_EncryptInit(sess, &m, k), CKR_OPERATION_ACTIVE);
	MCX_P11_CHECK(F->C_Encrypt(sess, pt, sizeof(pt), NULL, &n), CKR_OK);
	assert_int_equal(n, 116);
	n = 10;
	MCX_P11_CHECK(F->C_Encrypt(sess, pt, sizeof(pt), ct, &n),
		      CKR_BUFFER_TOO_SMALL);
	assert_int_equal(n, 116);
	MCX_P11_CHECK(F->C_Encrypt(sess, pt, sizeof(pt), ct, &n), CKR_OK);
	assert_int_equal(n, 116);
	assert_memory_equal(ct, ref, 116);
	/* Finished: no operation any more. */
	MCX_P11_CHECK(F->C_Encrypt(sess, pt, sizeof(pt), ct, &n),
		      CKR_OPERATION_NOT_INITIALIZED);

	/* Multi-part encryption gives the same. */
	MCX_P11_CHECK(F->C_EncryptInit(sess, &m, k), CKR_OK);
	total = 0;
	for (size_t off = 0; off < sizeof(pt); off += 33) {
		CK_ULONG c = sizeof(pt) - off < 33 ? sizeof(pt) - off : 33;

		part = sizeof(ct) - total;
		MCX_P11_CHECK(
		    F->C_EncryptUpdate(sess, pt + off, c, ct + total, &part),
		    CKR_OK);
		total += part;
	}
	part = sizeof(ct) - total;
	MCX_P11_CHECK(F->C_EncryptFinal(sess, ct + total, &part), CKR_OK);
	total += part;
	assert_int_equal(total, 116);
	assert_memory_equal(ct, ref, 116);

	/* Decryption, single part and multi-part (no plaintext before the
	 * tag is checked: the updates return nothing). */
	MCX_P11_CHECK(F->C_DecryptInit(sess, &m, k), CKR_OK);
	n = sizeof(back);
	MCX_P11_CHECK(F->C_Decrypt(sess, ct, 116, back, &n), CKR_OK);
	assert_int_equal(n, 100);
	assert_memory_equal(back, pt, 100);
	MCX_P11_CHECK(F->C_DecryptInit(sess, &m, k), CKR_OK);
	part = sizeof(back);
	MCX_P11_CHECK(F->C_DecryptUpdate(sess, ct, 50, back, &part), CKR_OK);
	assert_int_equal(part, 0);
	part = sizeof(back);
	MCX_P11_CHECK(F->C_DecryptUpdate(sess, ct + 50, 66, back, &part),
		      CKR_OK);
	assert_int_equal(part, 0);
	part = 0;
	MCX_P11_CHECK(F->C_DecryptFinal(sess, NULL, &part), CKR_OK);
	assert_int_equal(part, 100);
	MCX_P11_CHECK(F->C_DecryptFinal(sess, back, &part), CKR_OK);
	assert_memory_equal(back, pt, 100);

	/* A wrong tag: CKR_ENCRYPTED_DATA_INVALID, and the operation ends. */
	ct[115] ^= 1;
	MCX_P11_CHECK(F->C_DecryptInit(sess, &m, k), CKR_OK);
	n = sizeof(back);
	MCX_P11_CHECK(F->C_Decrypt(sess, ct, 116, back, &n),
		      CKR_ENCRYPTED_DATA_INVALID);
	MCX_P11_CHECK(F->C_Decrypt(sess, ct, 116, back, &n),
		      CKR_OPERATION_NOT_INITIALIZED);
	/* Shorter than a tag. */
	MCX_P11_CHECK(F->C_DecryptInit(sess, &m, k), CKR_OK);
	n = sizeof(back);
	MCX_P11_CHECK(F->C_Decrypt(sess, ct, 10, back, &n),
		      CKR_ENCRYPTED_DATA_LEN_RANGE);

	/* 12-octet IV, 96-bit tag. */
	gp.ulIvLen = 12;
	gp.ulIvBits = 96;
	gp.ulTagBits = 96;
	evp_gcm(key, 16, iv, 12, aad, sizeof(aad), pt, sizeof(pt), 12, ref);
	MCX_P11_CHECK(F->C_EncryptInit(sess, &m, k), CKR_OK);
	n = sizeof(ct);
	MCX_P11_CHECK(F->C_Encrypt(sess, pt, sizeof(pt), ct, &n), CKR_OK);
	assert_int_equal(n, 112);
	assert_memory_equal(ct, ref, 112);

	/* Bad parameters. */
	gp.ulTagBits = 24;
	MCX_P11_CHECK(F->C_EncryptInit(sess, &m, k),
		      CKR_MECHANISM_PARAM_INVALID);
	gp.ulTagBits = 128;
	m.ulParameterLen = 3;
	MCX_P11_CHECK(F->C_EncryptInit(sess, &m, k),
		      CKR_MECHANISM_PARAM_INVALID);
	F->C_DestroyObject(sess, k);
}

static void test_key_checks(void **state)
{
	CK_MECHANISM gen = {CKM_EC_KEY_PAIR_GEN, NULL, 0};
	static const uint8_t p256[] = {0x06, 0x08, 0x2a, 0x86, 0x48,
				       0xce, 0x3d, 0x03, 0x01, 0x07};
	CK_ATTRIBUTE pt[] = {{CKA_EC_PARAMS, (void *)p256, sizeof(p256)},
			     {CKA_TOKEN, &no, sizeof(no)}};
	CK_ATTRIBUTE vt[] = {{CKA_TOKEN, &no, sizeof(no)},
			     {CKA_SIGN, &yes, sizeof(yes)}};
	CK_OBJECT_HANDLE pub = 0, priv = 0, k = 0;
	CK_ULONG len = 16;
	CK_MECHANISM kg = {CKM_AES_KEY_GEN, NULL, 0};
	CK_ATTRIBUTE nt[] = {{CKA_VALUE_LEN, &len, sizeof(len)},
			     {CKA_TOKEN, &no, sizeof(no)},
			     {CKA_ENCRYPT, &no, sizeof(no)}};
	uint8_t iv[12] = {0};
	CK_GCM_PARAMS gp = {iv, 12, 96, NULL, 0, 128};
	CK_MECHANISM m = {CKM_AES_GCM, &gp, sizeof(gp)};
	CK_ULONG before = 0;

	MCX_P11_CHECK(
	    F->C_GenerateKeyPair(sess, &gen, pt, 2, vt, 2, &pub, &priv),
	    CKR_OK);
	/* Key type vs mechanism. */
	MCX_P11_CHECK(F->C_EncryptInit(sess, &m, pub),
		      CKR_KEY_TYPE_INCONSISTENT);
	/* Usage flag off; the refusal is audited. */
	MCX_P11_CHECK(F->C_GenerateKey(sess, &kg, nt, 3, &k), CKR_OK);
	before = audit_count("C_EncryptInit", CKR_KEY_FUNCTION_NOT_PERMITTED);
	MCX_P11_CHECK(F->C_EncryptInit(sess, &m, k),
		      CKR_KEY_FUNCTION_NOT_PERMITTED);
	assert_int_equal(
	    audit_count("C_EncryptInit", CKR_KEY_FUNCTION_NOT_PERMITTED),
	    before + 1);
	/* Bad handles, unsupported mechanisms. */
	MCX_P11_CHECK(F->C_EncryptInit(sess, &m, 0x7fff1234UL),
		      CKR_KEY_HANDLE_INVALID);
	m.mechanism = CKM_AES_CBC;
	MCX_P11_CHECK(F->C_EncryptInit(sess, &m, k), CKR_MECHANISM_INVALID);
	MCX_P11_CHECK(F->C_EncryptInit(sess, NULL, k), CKR_ARGUMENTS_BAD);
	F->C_DestroyObject(sess, k);
	F->C_DestroyObject(sess, pub);
	F->C_DestroyObject(sess, priv);
}

static void test_digest(void **state)
{
	CK_MECHANISM m = {CKM_SHA256, NULL, 0};
	uint8_t msg[300], ref[32], out[32], keyval[32];
	unsigned int rl = 0;
	CK_ULONG n = 0, klen = sizeof(keyval);
	CK_OBJECT_HANDLE k = aes_key(32, CK_FALSE, CK_TRUE);
	CK_OBJECT_HANDLE sk = aes_key(32, CK_TRUE, CK_FALSE);
	EVP_MD_CTX *md = EVP_MD_CTX_new();

	assert_int_equal(RAND_bytes(msg, sizeof(msg)), 1);
	assert_int_equal(
	    EVP_Digest(msg, sizeof(msg), ref, &rl, EVP_sha256(), NULL), 1);
	MCX_P11_CHECK(F->C_DigestInit(sess, &m), CKR_OK);
	MCX_P11_CHECK(F->C_DigestInit(sess, &m), CKR_OPERATION_ACTIVE);
	MCX_P11_CHECK(F->C_Digest(sess, msg, sizeof(msg), NULL, &n), CKR_OK);
	assert_int_equal(n, 32);
	n = 31;
	MCX_P11_CHECK(F->C_Digest(sess, msg, sizeof(msg), out, &n),
		      CKR_BUFFER_TOO_SMALL);
	n = 32;
	MCX_P11_CHECK(F->C_Digest(sess, msg, sizeof(msg), out, &n), CKR_OK);
	assert_memory_equal(out, ref, 32);
	/* Multi-part with a key: SHA-256(msg[0..99] || key || msg[100..]). */
	get_value(k, CKA_VALUE, keyval, &klen);
	EVP_DigestInit_ex(md, EVP_sha256(), NULL);
	EVP_DigestUpdate(md, msg, 100);
	EVP_DigestUpdate(md, keyval, 32);
	EVP_DigestUpdate(md, msg + 100, 200);
	EVP_DigestFinal_ex(md, ref, &rl);
	EVP_MD_CTX_free(md);
	MCX_P11_CHECK(F->C_DigestInit(sess, &m), CKR_OK);
	MCX_P11_CHECK(F->C_DigestUpdate(sess, msg, 100), CKR_OK);
	MCX_P11_CHECK(F->C_DigestKey(sess, k), CKR_OK);
	MCX_P11_CHECK(F->C_DigestUpdate(sess, msg + 100, 200), CKR_OK);
	n = 32;
	MCX_P11_CHECK(F->C_DigestFinal(sess, out, &n), CKR_OK);
	assert_memory_equal(out, ref, 32);
	/* An unextractable key is not digested. */
	MCX_P11_CHECK(F->C_DigestInit(sess, &m), CKR_OK);
	MCX_P11_CHECK(F->C_DigestKey(sess, sk), CKR_KEY_INDIGESTIBLE);
	MCX_P11_CHECK(F->C_DigestFinal(sess, out, &n),
		      CKR_OPERATION_NOT_INITIALIZED);
	m.mechanism = CKM_SHA_1;
	MCX_P11_CHECK(F->C_DigestInit(sess, &m), CKR_MECHANISM_INVALID);
	F->C_DestroyObject(sess, k);
	F->C_DestroyObject(sess, sk);
}

/* A generic secret session key with the given value. */
static CK_OBJECT_HANDLE hmac_key(const uint8_t *v, size_t len)
{
	CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	CK_KEY_TYPE kt = CKK_GENERIC_SECRET;
	CK_ATTRIBUTE t[] = {
	    {CKA_CLASS, &cls, sizeof(cls)},  {CKA_KEY_TYPE, &kt, sizeof(kt)},
	    {CKA_TOKEN, &no, sizeof(no)},    {CKA_SIGN, &yes, sizeof(yes)},
	    {CKA_VERIFY, &yes, sizeof(yes)}, {CKA_VALUE, (void *)v, len},
	};
	CK_OBJECT_HANDLE h = 0;

	MCX_P11_CHECK(F->C_CreateObject(sess, t, 6, &h), CKR_OK);
	return h;
}

static void test_hmac_rfc4231(void **state)
{
	struct json_object *root = mcx_vectors_load("hmac_sha256_rfc4231.json");
	size_t n = json_object_array_length(mcx_vectors_get(root, "vectors"));
	CK_MECHANISM m = {CKM_SHA256_HMAC, NULL, 0};

	for (size_t i = 0; i < n; i++) {
		char path[64];
		size_t klen = 0, dlen = 0, elen = 0;
		uint8_t *key = NULL, *data = NULL, *exp = NULL, mac[32];
		CK_ULONG maclen = sizeof(mac);
		CK_OBJECT_HANDLE k = 0;

		snprintf(path, sizeof(path), "vectors.%zu.key", i);
		key = mcx_vectors_hex(root, path, &klen);
		snprintf(path, sizeof(path), "vectors.%zu.data", i);
		data = mcx_vectors_hex(root, path, &dlen);
		snprintf(path, sizeof(path), "vectors.%zu.rfc_output", i);
		exp = mcx_vectors_hex(root, path, &elen);
		k = hmac_key(key, klen);
		MCX_P11_CHECK(F->C_SignInit(sess, &m, k), CKR_OK);
		MCX_P11_CHECK(F->C_Sign(sess, data, dlen, mac, &maclen),
			      CKR_OK);
		assert_int_equal(maclen, 32);
		assert_memory_equal(mac, exp, elen);
		/* Multi-part sign, and verify. */
		MCX_P11_CHECK(F->C_SignInit(sess, &m, k), CKR_OK);
		MCX_P11_CHECK(F->C_SignUpdate(sess, data, 1), CKR_OK);
		MCX_P11_CHECK(F->C_SignUpdate(sess, data + 1, dlen - 1),
			      CKR_OK);
		maclen = 0;
		MCX_P11_CHECK(F->C_SignFinal(sess, NULL, &maclen), CKR_OK);
		assert_int_equal(maclen, 32);
		MCX_P11_CHECK(F->C_SignFinal(sess, mac, &maclen), CKR_OK);
		assert_memory_equal(mac, exp, elen);
		MCX_P11_CHECK(F->C_VerifyInit(sess, &m, k), CKR_OK);
		MCX_P11_CHECK(F->C_Verify(sess, data, dlen, mac, 32), CKR_OK);
		mac[0] ^= 1;
		MCX_P11_CHECK(F->C_VerifyInit(sess, &m, k), CKR_OK);
		MCX_P11_CHECK(F->C_Verify(sess, data, dlen, mac, 32),
			      CKR_SIGNATURE_INVALID);
		MCX_P11_CHECK(F->C_VerifyInit(sess, &m, k), CKR_OK);
		MCX_P11_CHECK(F->C_Verify(sess, data, dlen, mac, 31),
			      CKR_SIGNATURE_LEN_RANGE);
		F->C_DestroyObject(sess, k);
		free(key);
		free(data);
		free(exp);
	}
	json_object_put(root);
}

static void test_generic_secret(void **state)
{
	CK_MECHANISM g = {CKM_GENERIC_SECRET_KEY_GEN, NULL, 0};
	CK_MECHANISM m = {CKM_SHA256_HMAC, NULL, 0};
	CK_ULONG len = 48, bad = 0, maclen = 32;
	CK_ATTRIBUTE t[] = {{CKA_VALUE_LEN, &len, sizeof(len)},
			    {CKA_TOKEN, &no, sizeof(no)},
			    {CKA_SIGN, &yes, sizeof(yes)},
			    {CKA_VERIFY, &yes, sizeof(yes)}};
	CK_ATTRIBUTE tb[] = {{CKA_VALUE_LEN, &bad, sizeof(bad)}};
	CK_OBJECT_HANDLE k = 0, k2 = 0;
	uint8_t mac[32];

	MCX_P11_CHECK(F->C_GenerateKey(sess, &g, t, 4, &k), CKR_OK);
	MCX_P11_CHECK(F->C_SignInit(sess, &m, k), CKR_OK);
	MCX_P11_CHECK(F->C_Sign(sess, (CK_BYTE_PTR) "abc", 3, mac, &maclen),
		      CKR_OK);
	MCX_P11_CHECK(F->C_VerifyInit(sess, &m, k), CKR_OK);
	MCX_P11_CHECK(F->C_VerifyUpdate(sess, (CK_BYTE_PTR) "ab", 2), CKR_OK);
	MCX_P11_CHECK(F->C_VerifyUpdate(sess, (CK_BYTE_PTR) "c", 1), CKR_OK);
	MCX_P11_CHECK(F->C_VerifyFinal(sess, mac, 32), CKR_OK);
	/* Missing or impossible CKA_VALUE_LEN. */
	MCX_P11_CHECK(F->C_GenerateKey(sess, &g, t + 1, 3, &k2),
		      CKR_TEMPLATE_INCOMPLETE);
	MCX_P11_CHECK(F->C_GenerateKey(sess, &g, tb, 1, &k2),
		      CKR_ATTRIBUTE_VALUE_INVALID);
	/* HMAC with an AES key is a type mismatch. */
	k2 = aes_key(16, CK_TRUE, CK_FALSE);
	MCX_P11_CHECK(F->C_SignInit(sess, &m, k2), CKR_KEY_TYPE_INCONSISTENT);
	F->C_DestroyObject(sess, k);
	F->C_DestroyObject(sess, k2);
}

/* The public point of pub as an OpenSSL key. */
static EVP_PKEY *ossl_pub(CK_OBJECT_HANDLE pub)
{
	uint8_t der[80];
	CK_ULONG len = sizeof(der);
	OSSL_PARAM_BLD *b = OSSL_PARAM_BLD_new();
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
	EVP_PKEY *pkey = NULL;

	get_value(pub, CKA_EC_POINT, der, &len);
	assert_int_equal(len, 67);
	assert_int_equal(der[0], 0x04);
	assert_int_equal(der[1], 65);
	OSSL_PARAM_BLD_push_utf8_string(b, OSSL_PKEY_PARAM_GROUP_NAME,
					"prime256v1", 0);
	OSSL_PARAM_BLD_push_octet_string(b, OSSL_PKEY_PARAM_PUB_KEY, der + 2,
					 65);
	params = OSSL_PARAM_BLD_to_param(b);
	assert_int_equal(EVP_PKEY_fromdata_init(ctx), 1);
	assert_int_equal(
	    EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params), 1);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(b);
	EVP_PKEY_CTX_free(ctx);
	return pkey;
}

static int ossl_verify(EVP_PKEY *pkey, const uint8_t *dgst, size_t dlen,
		       const uint8_t *sig)
{
	ECDSA_SIG *es = ECDSA_SIG_new();
	unsigned char *der = NULL;
	int len = 0, ok = 0;
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(pkey, NULL);

	ECDSA_SIG_set0(es, BN_bin2bn(sig, 32, NULL),
		       BN_bin2bn(sig + 32, 32, NULL));
	len = i2d_ECDSA_SIG(es, &der);
	EVP_PKEY_verify_init(ctx);
	ok = EVP_PKEY_verify(ctx, der, (size_t)len, dgst, dlen);
	OPENSSL_free(der);
	ECDSA_SIG_free(es);
	EVP_PKEY_CTX_free(ctx);
	return ok;
}

static void test_ecdsa(void **state)
{
	static const uint8_t oid[] = {0x06, 0x08, 0x2a, 0x86, 0x48,
				      0xce, 0x3d, 0x03, 0x01, 0x07};
	static const uint8_t name[] = {0x13, 0x0a, 'p', 'r', 'i', 'm',
				       'e',  '2',  '5', '6', 'v', '1'};
	static const uint8_t p384[] = {0x06, 0x05, 0x2b, 0x81,
				       0x04, 0x00, 0x22};
	CK_MECHANISM gen = {CKM_EC_KEY_PAIR_GEN, NULL, 0};
	CK_MECHANISM ecdsa = {CKM_ECDSA, NULL, 0};
	CK_MECHANISM ecdsa256 = {CKM_ECDSA_SHA256, NULL, 0};
	CK_ATTRIBUTE pt[] = {{CKA_EC_PARAMS, (void *)oid, sizeof(oid)},
			     {CKA_TOKEN, &no, sizeof(no)},
			     {CKA_VERIFY, &yes, sizeof(yes)}};
	CK_ATTRIBUTE vt[] = {{CKA_TOKEN, &no, sizeof(no)},
			     {CKA_SIGN, &yes, sizeof(yes)}};
	CK_OBJECT_HANDLE pub = 0, priv = 0, pub2 = 0, priv2 = 0;
	uint8_t msg[200], dgst[32], sig[64], params[16];
	unsigned int dl = 0;
	CK_ULONG siglen = 0, plen = sizeof(params);
	EVP_PKEY *pkey = NULL;

	assert_int_equal(RAND_bytes(msg, sizeof(msg)), 1);
	assert_int_equal(
	    EVP_Digest(msg, sizeof(msg), dgst, &dl, EVP_sha256(), NULL), 1);
	MCX_P11_CHECK(
	    F->C_GenerateKeyPair(sess, &gen, pt, 3, vt, 2, &pub, &priv),
	    CKR_OK);
	pkey = ossl_pub(pub);

	/* CKM_ECDSA over a digest, with a size query. */
	MCX_P11_CHECK(F->C_SignInit(sess, &ecdsa, priv), CKR_OK);
	MCX_P11_CHECK(F->C_Sign(sess, dgst, 32, NULL, &siglen), CKR_OK);
	assert_int_equal(siglen, 64);
	MCX_P11_CHECK(F->C_Sign(sess, dgst, 32, sig, &siglen), CKR_OK);
	assert_int_equal(ossl_verify(pkey, dgst, 32, sig), 1);
	MCX_P11_CHECK(F->C_VerifyInit(sess, &ecdsa, pub), CKR_OK);
	MCX_P11_CHECK(F->C_Verify(sess, dgst, 32, sig, 64), CKR_OK);
	/* CKM_ECDSA is single-part. */
	MCX_P11_CHECK(F->C_SignInit(sess, &ecdsa, priv), CKR_OK);
	MCX_P11_CHECK(F->C_SignUpdate(sess, dgst, 32),
		      CKR_FUNCTION_NOT_SUPPORTED);

	/* CKM_ECDSA_SHA256, multi-part, checked by OpenSSL. */
	MCX_P11_CHECK(F->C_SignInit(sess, &ecdsa256, priv), CKR_OK);
	MCX_P11_CHECK(F->C_SignUpdate(sess, msg, 77), CKR_OK);
	MCX_P11_CHECK(F->C_SignUpdate(sess, msg + 77, sizeof(msg) - 77),
		      CKR_OK);
	siglen = 10;
	MCX_P11_CHECK(F->C_SignFinal(sess, sig, &siglen), CKR_BUFFER_TOO_SMALL);
	assert_int_equal(siglen, 64);
	MCX_P11_CHECK(F->C_SignFinal(sess, sig, &siglen), CKR_OK);
	assert_int_equal(ossl_verify(pkey, dgst, 32, sig), 1);
	MCX_P11_CHECK(F->C_VerifyInit(sess, &ecdsa256, pub), CKR_OK);
	MCX_P11_CHECK(F->C_Verify(sess, msg, sizeof(msg), sig, 64), CKR_OK);
	sig[63] ^= 1;
	MCX_P11_CHECK(F->C_VerifyInit(sess, &ecdsa256, pub), CKR_OK);
	MCX_P11_CHECK(F->C_Verify(sess, msg, sizeof(msg), sig, 64),
		      CKR_SIGNATURE_INVALID);
	/* CKM_ECDSA_SHA1 (legacy, pkcs11-tool --test-ec), checked by
	 * OpenSSL over SHA-1 of the message. */
	{
		CK_MECHANISM sha1 = {CKM_ECDSA_SHA1, NULL, 0};
		uint8_t d1[32] = {0};

		assert_int_equal(
		    EVP_Digest(msg, sizeof(msg), d1, &dl, EVP_sha1(), NULL), 1);
		MCX_P11_CHECK(F->C_SignInit(sess, &sha1, priv), CKR_OK);
		siglen = 64;
		MCX_P11_CHECK(F->C_Sign(sess, msg, sizeof(msg), sig, &siglen),
			      CKR_OK);
		assert_int_equal(ossl_verify(pkey, d1, 20, sig), 1);
		MCX_P11_CHECK(F->C_VerifyInit(sess, &sha1, pub), CKR_OK);
		MCX_P11_CHECK(F->C_Verify(sess, msg, sizeof(msg), sig, 64),
			      CKR_OK);
	}
	/* Public key cannot sign; private key cannot verify. */
	MCX_P11_CHECK(F->C_SignInit(sess, &ecdsa, pub),
		      CKR_KEY_TYPE_INCONSISTENT);
	MCX_P11_CHECK(F->C_VerifyInit(sess, &ecdsa, priv),
		      CKR_KEY_TYPE_INCONSISTENT);
	EVP_PKEY_free(pkey);

	/* CKA_EC_PARAMS as the printable curve name; kept as given. */
	pt[0].pValue = (void *)name;
	pt[0].ulValueLen = sizeof(name);
	MCX_P11_CHECK(
	    F->C_GenerateKeyPair(sess, &gen, pt, 3, vt, 2, &pub2, &priv2),
	    CKR_OK);
	get_value(pub2, CKA_EC_PARAMS, params, &plen);
	assert_int_equal(plen, sizeof(name));
	assert_memory_equal(params, name, sizeof(name));
	MCX_P11_CHECK(F->C_SignInit(sess, &ecdsa, priv2), CKR_OK);
	siglen = 64;
	MCX_P11_CHECK(F->C_Sign(sess, dgst, 32, sig, &siglen), CKR_OK);
	MCX_P11_CHECK(F->C_VerifyInit(sess, &ecdsa, pub2), CKR_OK);
	MCX_P11_CHECK(F->C_Verify(sess, dgst, 32, sig, 64), CKR_OK);
	/* Other curves and missing parameters. */
	pt[0].pValue = (void *)p384;
	pt[0].ulValueLen = sizeof(p384);
	MCX_P11_CHECK(
	    F->C_GenerateKeyPair(sess, &gen, pt, 3, vt, 2, &pub2, &priv2),
	    CKR_CURVE_NOT_SUPPORTED);
	MCX_P11_CHECK(
	    F->C_GenerateKeyPair(sess, &gen, pt + 1, 2, vt, 2, &pub2, &priv2),
	    CKR_TEMPLATE_INCOMPLETE);
	F->C_DestroyObject(sess, pub);
	F->C_DestroyObject(sess, priv);
}

static CK_ULONG check_value_of(CK_OBJECT_HANDLE h)
{
	uint8_t cv[3];
	CK_ULONG len = sizeof(cv);

	get_value(h, CKA_CHECK_VALUE, cv, &len);
	return (CK_ULONG)cv[0] << 16 | (CK_ULONG)cv[1] << 8 | cv[2];
}

static void test_wrap_unwrap(void **state)
{
	static const CK_MECHANISM_TYPE mechs[] = {CKM_AES_KEY_WRAP,
						  CKM_AES_KEY_WRAP_KWP};
	CK_OBJECT_HANDLE kek = aes_key(32, CK_TRUE, CK_FALSE);
	CK_OBJECT_HANDLE k = aes_key(24, CK_TRUE, CK_TRUE);
	CK_OBJECT_HANDLE unext = aes_key(16, CK_TRUE, CK_FALSE);
	CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	CK_KEY_TYPE kt = CKK_AES;
	CK_ATTRIBUTE ut[] = {{CKA_CLASS, &cls, sizeof(cls)},
			     {CKA_KEY_TYPE, &kt, sizeof(kt)},
			     {CKA_TOKEN, &no, sizeof(no)},
			     {CKA_ENCRYPT, &yes, sizeof(yes)}};
	uint8_t wrapped[64];
	CK_ULONG wlen = 0, before = 0;
	CK_OBJECT_HANDLE u = 0;

	for (size_t i = 0; i < 2; i++) {
		CK_MECHANISM m = {mechs[i], NULL, 0};

		MCX_P11_CHECK(F->C_WrapKey(sess, &m, kek, k, NULL, &wlen),
			      CKR_OK);
		assert_int_equal(wlen, 32);
		wlen = 8;
		MCX_P11_CHECK(F->C_WrapKey(sess, &m, kek, k, wrapped, &wlen),
			      CKR_BUFFER_TOO_SMALL);
		assert_int_equal(wlen, 32);
		MCX_P11_CHECK(F->C_WrapKey(sess, &m, kek, k, wrapped, &wlen),
			      CKR_OK);
		MCX_P11_CHECK(
		    F->C_UnwrapKey(sess, &m, kek, wrapped, wlen, ut, 4, &u),
		    CKR_OK);
		assert_int_equal(check_value_of(u), check_value_of(k));
		F->C_DestroyObject(sess, u);
		/* Integrity and length failures. */
		wrapped[3] ^= 1;
		MCX_P11_CHECK(
		    F->C_UnwrapKey(sess, &m, kek, wrapped, wlen, ut, 4, &u),
		    CKR_WRAPPED_KEY_INVALID);
		MCX_P11_CHECK(
		    F->C_UnwrapKey(sess, &m, kek, wrapped, 20, ut, 4, &u),
		    CKR_WRAPPED_KEY_LEN_RANGE);
		/* The template must name class and key type. */
		MCX_P11_CHECK(
		    F->C_UnwrapKey(sess, &m, kek, wrapped, wlen, ut + 2, 2, &u),
		    CKR_TEMPLATE_INCOMPLETE);
	}
	/* Unextractable keys do not leave; refusals are audited. */
	before = audit_count("C_WrapKey", CKR_KEY_UNEXTRACTABLE);
	{
		CK_MECHANISM m = {CKM_AES_KEY_WRAP, NULL, 0};

		wlen = sizeof(wrapped);
		MCX_P11_CHECK(
		    F->C_WrapKey(sess, &m, kek, unext, wrapped, &wlen),
		    CKR_KEY_UNEXTRACTABLE);
	}
	assert_true(audit_count("C_WrapKey", CKR_KEY_UNEXTRACTABLE) >=
		    before + 1);
	{
		/* A key without CKA_WRAP cannot wrap. */
		CK_MECHANISM m = {CKM_AES_KEY_WRAP, NULL, 0};
		CK_MECHANISM gen = {CKM_AES_KEY_GEN, NULL, 0};
		CK_ULONG len = 16;
		CK_ATTRIBUTE t[] = {{CKA_VALUE_LEN, &len, sizeof(len)},
				    {CKA_TOKEN, &no, sizeof(no)},
				    {CKA_WRAP, &no, sizeof(no)}};
		CK_OBJECT_HANDLE nowrap = 0;

		MCX_P11_CHECK(F->C_GenerateKey(sess, &gen, t, 3, &nowrap),
			      CKR_OK);
		wlen = sizeof(wrapped);
		MCX_P11_CHECK(F->C_WrapKey(sess, &m, nowrap, k, wrapped, &wlen),
			      CKR_KEY_FUNCTION_NOT_PERMITTED);
		/* An unknown wrapping key handle. */
		MCX_P11_CHECK(
		    F->C_WrapKey(sess, &m, 0x7ffff00fUL, k, wrapped, &wlen),
		    CKR_WRAPPING_KEY_HANDLE_INVALID);
		F->C_DestroyObject(sess, nowrap);
	}
	F->C_DestroyObject(sess, kek);
	F->C_DestroyObject(sess, k);
	F->C_DestroyObject(sess, unext);
}

/* CKA_WRAP_WITH_TRUSTED: only a CKA_TRUSTED wrapping key (set by the
 * SO) may wrap; CKA_WRAP_TEMPLATE / CKA_UNWRAP_TEMPLATE. */
static void test_wrap_policy(void **state)
{
	CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	CK_KEY_TYPE kt = CKK_AES;
	CK_ULONG len32 = 32, len16 = 16;
	CK_ATTRIBUTE wwt_t[] = {{CKA_VALUE_LEN, &len16, sizeof(len16)},
				{CKA_TOKEN, &no, sizeof(no)},
				{CKA_EXTRACTABLE, &yes, sizeof(yes)},
				{CKA_WRAP_WITH_TRUSTED, &yes, sizeof(yes)}};
	CK_ATTRIBUTE wrap_tmpl[] = {{CKA_VALUE_LEN, &len16, sizeof(len16)}};
	CK_ATTRIBUTE unwrap_tmpl[] = {{CKA_EXTRACTABLE, &no, sizeof(no)}};
	CK_ATTRIBUTE wk_t[] = {
	    {CKA_VALUE_LEN, &len32, sizeof(len32)},
	    {CKA_TOKEN, &no, sizeof(no)},
	    {CKA_WRAP, &yes, sizeof(yes)},
	    {CKA_UNWRAP, &yes, sizeof(yes)},
	    {CKA_WRAP_TEMPLATE, wrap_tmpl, sizeof(wrap_tmpl)},
	    {CKA_UNWRAP_TEMPLATE, unwrap_tmpl, sizeof(unwrap_tmpl)}};
	CK_ATTRIBUTE ut_ok[] = {{CKA_CLASS, &cls, sizeof(cls)},
				{CKA_KEY_TYPE, &kt, sizeof(kt)},
				{CKA_TOKEN, &no, sizeof(no)},
				{CKA_EXTRACTABLE, &no, sizeof(no)}};
	CK_MECHANISM gen = {CKM_AES_KEY_GEN, NULL, 0};
	CK_MECHANISM m = {CKM_AES_KEY_WRAP, NULL, 0};
	CK_OBJECT_HANDLE trusted = 0, wwt = 0, wk = 0, big = 0, u = 0;
	uint8_t wrapped[64];
	CK_ULONG wlen = sizeof(wrapped);

	/* The SO made a public trusted wrapping key in setup (handles are
	 * per process and outlive logins). */
	trusted = trusted_kek;
	MCX_P11_CHECK(F->C_GenerateKey(sess, &gen, wwt_t, 4, &wwt), CKR_OK);
	MCX_P11_CHECK(F->C_GenerateKey(sess, &gen, wk_t, 6, &wk), CKR_OK);
	/* An untrusted wrapping key may not wrap it... */
	MCX_P11_CHECK(F->C_WrapKey(sess, &m, wk, wwt, wrapped, &wlen),
		      CKR_KEY_NOT_WRAPPABLE);
	/* ...the trusted one may. */
	wlen = sizeof(wrapped);
	MCX_P11_CHECK(F->C_WrapKey(sess, &m, trusted, wwt, wrapped, &wlen),
		      CKR_OK);
	assert_int_equal(wlen, 24);

	/* CKA_WRAP_TEMPLATE {VALUE_LEN 16}: a 32-octet key does not
	 * match. */
	big = aes_key(32, CK_TRUE, CK_TRUE);
	wlen = sizeof(wrapped);
	MCX_P11_CHECK(F->C_WrapKey(sess, &m, wk, big, wrapped, &wlen),
		      CKR_KEY_NOT_WRAPPABLE);
	{
		CK_OBJECT_HANDLE small = aes_key(16, CK_TRUE, CK_TRUE);

		wlen = sizeof(wrapped);
		MCX_P11_CHECK(F->C_WrapKey(sess, &m, wk, small, wrapped, &wlen),
			      CKR_OK);
		F->C_DestroyObject(sess, small);
	}
	/* CKA_UNWRAP_TEMPLATE {EXTRACTABLE FALSE}. */
	ut_ok[3].pValue = &yes;
	MCX_P11_CHECK(F->C_UnwrapKey(sess, &m, wk, wrapped, wlen, ut_ok, 4, &u),
		      CKR_TEMPLATE_INCONSISTENT);
	ut_ok[3].pValue = &no;
	MCX_P11_CHECK(F->C_UnwrapKey(sess, &m, wk, wrapped, wlen, ut_ok, 4, &u),
		      CKR_OK);
	F->C_DestroyObject(sess, u);
	F->C_DestroyObject(sess, big);
	F->C_DestroyObject(sess, wk);
	F->C_DestroyObject(sess, wwt);
	F->C_DestroyObject(sess, trusted);
}

static void test_random_and_misc(void **state)
{
	uint8_t a[32] = {0}, b[32] = {0};
	CK_MECHANISM m = {CKM_ECDH1_DERIVE, NULL, 0};
	CK_OBJECT_HANDLE k = 0;

	MCX_P11_CHECK(F->C_GenerateRandom(sess, a, sizeof(a)), CKR_OK);
	MCX_P11_CHECK(F->C_GenerateRandom(sess, b, sizeof(b)), CKR_OK);
	assert_memory_not_equal(a, b, sizeof(a));
	MCX_P11_CHECK(F->C_GenerateRandom(sess, NULL, 5), CKR_ARGUMENTS_BAD);
	MCX_P11_CHECK(F->C_SeedRandom(sess, a, sizeof(a)),
		      CKR_RANDOM_SEED_NOT_SUPPORTED);
	MCX_P11_CHECK(F->C_DeriveKey(sess, &m, 1, NULL, 0, &k),
		      CKR_MECHANISM_INVALID);
	MCX_P11_CHECK(F->C_GenerateRandom(0x7fffffffUL, a, 1),
		      CKR_SESSION_HANDLE_INVALID);
	MCX_P11_CHECK(F->C_SignRecoverInit(sess, &m, 1), CKR_MECHANISM_INVALID);
}

/* NULL pointers and missing operations give the spec's codes, no crash. */
static void test_bad_input(void **state)
{
	CK_OBJECT_HANDLE k = aes_key(16, CK_TRUE, CK_FALSE);
	uint8_t iv[12] = {0}, buf[64] = {0};
	CK_GCM_PARAMS gp = {iv, 12, 96, NULL, 0, 128};
	CK_GCM_PARAMS no_iv = {NULL, 12, 96, NULL, 0, 128};
	CK_MECHANISM m = {CKM_AES_GCM, &gp, sizeof(gp)};
	CK_MECHANISM bad = {CKM_AES_GCM, &no_iv, sizeof(no_iv)};
	CK_MECHANISM hm = {CKM_SHA256_HMAC, NULL, 0};
	CK_MECHANISM kw = {CKM_AES_KEY_WRAP, NULL, 0};
	CK_ULONG n = sizeof(buf);
	CK_OBJECT_HANDLE h = 0;

	MCX_P11_CHECK(F->C_EncryptInit(sess, &bad, k),
		      CKR_MECHANISM_PARAM_INVALID);
	/* Data calls without an operation. */
	MCX_P11_CHECK(F->C_Encrypt(sess, buf, 16, buf, &n),
		      CKR_OPERATION_NOT_INITIALIZED);
	MCX_P11_CHECK(F->C_DecryptFinal(sess, buf, &n),
		      CKR_OPERATION_NOT_INITIALIZED);
	MCX_P11_CHECK(F->C_SignUpdate(sess, buf, 1),
		      CKR_OPERATION_NOT_INITIALIZED);
	MCX_P11_CHECK(F->C_VerifyFinal(sess, buf, 32),
		      CKR_OPERATION_NOT_INITIALIZED);
	MCX_P11_CHECK(F->C_DigestUpdate(sess, buf, 1),
		      CKR_OPERATION_NOT_INITIALIZED);
	/* NULL pointers end the operation with CKR_ARGUMENTS_BAD. */
	MCX_P11_CHECK(F->C_EncryptInit(sess, &m, k), CKR_OK);
	MCX_P11_CHECK(F->C_Encrypt(sess, NULL, 16, buf, &n), CKR_ARGUMENTS_BAD);
	MCX_P11_CHECK(F->C_Encrypt(sess, buf, 16, buf, &n),
		      CKR_OPERATION_NOT_INITIALIZED);
	MCX_P11_CHECK(F->C_EncryptInit(sess, &m, k), CKR_OK);
	MCX_P11_CHECK(F->C_EncryptUpdate(sess, buf, 16, buf, NULL),
		      CKR_ARGUMENTS_BAD);
	MCX_P11_CHECK(F->C_SignInit(sess, &hm, k), CKR_KEY_TYPE_INCONSISTENT);
	MCX_P11_CHECK(F->C_WrapKey(sess, &kw, k, k, buf, NULL),
		      CKR_ARGUMENTS_BAD);
	MCX_P11_CHECK(F->C_WrapKey(sess, NULL, k, k, buf, &n),
		      CKR_ARGUMENTS_BAD);
	MCX_P11_CHECK(F->C_UnwrapKey(sess, &kw, k, NULL, 24, NULL, 0, &h),
		      CKR_ARGUMENTS_BAD);
	MCX_P11_CHECK(F->C_GenerateKey(sess, &kw, NULL, 0, &h),
		      CKR_MECHANISM_INVALID);
	MCX_P11_CHECK(F->C_GenerateKey(sess, NULL, NULL, 0, &h),
		      CKR_ARGUMENTS_BAD);
	MCX_P11_CHECK(
	    F->C_GenerateKeyPair(sess, &kw, NULL, 0, NULL, 0, &h, NULL),
	    CKR_ARGUMENTS_BAD);
	MCX_P11_CHECK(F->C_GetMechanismList(p11.slot, NULL, NULL),
		      CKR_ARGUMENTS_BAD);
	MCX_P11_CHECK(F->C_DigestInit(0x7fffffffUL, &hm),
		      CKR_SESSION_HANDLE_INVALID);
	F->C_DestroyObject(sess, k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_mechanisms),
	    cmocka_unit_test(test_aes_check_value),
	    cmocka_unit_test(test_aes_gcm),
	    cmocka_unit_test(test_key_checks),
	    cmocka_unit_test(test_digest),
	    cmocka_unit_test(test_hmac_rfc4231),
	    cmocka_unit_test(test_generic_secret),
	    cmocka_unit_test(test_ecdsa),
	    cmocka_unit_test(test_wrap_unwrap),
	    cmocka_unit_test(test_wrap_policy),
	    cmocka_unit_test(test_random_and_misc),
	    cmocka_unit_test(test_bad_input),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
