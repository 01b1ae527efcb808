/*
 * The mcxhsm OpenSSL provider through OpenSSL's own API (issue 7), with
 * the token of fixture.h:
 *  - OSSL_STORE on pkcs11: URIs (token/object/id/type, pin-source), keys by
 *    reference; public parameters; private export refused;
 *  - ECCSI signatures made through the provider (one-shot and
 *    update/final) verified by the token's C_Verify and by the provider;
 *    the RFC 6507 Appendix A signature verified through the provider with
 *    the vector's KPAK imported as OSSL_PARAMs;
 *  - SAKKE encapsulation through the provider decapsulated by the token
 *    (same SSV check value) and by the provider with an RSK whose policy
 *    allows it; refused (CKR_KEY_FUNCTION_NOT_PERMITTED) with one whose
 *    policy does not; the token's C_WrapKey decapsulated by the provider;
 *    the RFC 6508 Appendix A SED through the provider with the vector's SSV;
 *  - a forked child signs with a key loaded by its parent;
 *  - two threads sign and verify with one key at once.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/store.h>

#include "tests/common/vectors.h"
#include "tests/provider/fixture.h"

#define PROPQ "provider=mcxhsm"

static struct mcxp_fixture fx;
static OSSL_LIB_CTX *libctx;

static int setup(void **state)
{
	(void)state;
	mcxp_fixture_make(&fx);
	libctx = mcxp_provider_libctx(&fx);
	return libctx == NULL ? -1 : 0;
}

static int teardown(void **state)
{
	(void)state;
	mcxp_provider_libctx_free(&fx, libctx);
	mcx_p11_close(&fx.p11);
	return 0;
}

/* Every key a URI names (expect: OSSL_STORE_INFO_* or 0). */
static int load_all(const char *uri, int expect, EVP_PKEY **keys, int max)
{
	OSSL_STORE_CTX *st = OSSL_STORE_open_ex(uri, libctx, PROPQ, NULL, NULL,
						NULL, NULL, NULL);
	int n = 0;
	if (st == NULL)
		return -1;
	if (expect != 0)
		assert_int_equal(OSSL_STORE_expect(st, expect), 1);
	while (!OSSL_STORE_eof(st)) {
		OSSL_STORE_INFO *info = OSSL_STORE_load(st);
		if (info == NULL)
			continue;
		int t = OSSL_STORE_INFO_get_type(info);
		EVP_PKEY *k = t == OSSL_STORE_INFO_PKEY
				  ? OSSL_STORE_INFO_get1_PKEY(info)
			      : t == OSSL_STORE_INFO_PUBKEY
				  ? OSSL_STORE_INFO_get1_PUBKEY(info)
				  : NULL;
		if (k != NULL && n < max)
			keys[n++] = k;
		else
			EVP_PKEY_free(k);
		OSSL_STORE_INFO_free(info);
	}
	OSSL_STORE_close(st);
	return n;
}

static EVP_PKEY *load_one(const char *uri)
{
	EVP_PKEY *k[2] = {NULL, NULL};
	int n = load_all(uri, 0, k, 2);
	if (n != 1) {
		fprintf(stderr, "%s: %d keys\n", uri, n);
		ERR_print_errors_fp(stderr);
		fail();
	}
	return k[0];
}

static void expect_error(const char *text)
{
	char buf[512] = "";
	unsigned long e = 0, last = 0;
	const char *data = NULL;
	int flags = 0;
	bool found = false;
	while ((e = ERR_get_error_all(NULL, NULL, NULL, &data, &flags)) != 0) {
		last = e;
		ERR_error_string_n(e, buf, sizeof(buf));
		if (strstr(buf, text) != NULL ||
		    ((flags & ERR_TXT_STRING) && strstr(data, text) != NULL))
			found = true;
	}
	if (!found)
		fprintf(stderr, "error queue lacks \"%s\" (last %lx)\n", text,
			last);
	assert_true(found);
}

static void test_store(void **state)
{
	(void)state;
	EVP_PKEY *k[8] = {NULL};
	/* everything in the token: 2 KMS keys + 4 user keys */
	int n = load_all("pkcs11:token=" MCXP_TOKEN, 0, k, 8);
	assert_int_equal(n, 6);
	for (int i = 0; i < n; i++) {
		assert_true(EVP_PKEY_is_a(k[i], "ECCSI") ||
			    EVP_PKEY_is_a(k[i], "SAKKE"));
		EVP_PKEY_free(k[i]);
	}
	/* public ones only */
	assert_int_equal(
	    load_all("pkcs11:token=" MCXP_TOKEN, OSSL_STORE_INFO_PUBKEY, k, 8),
	    2);
	EVP_PKEY_free(k[0]);
	EVP_PKEY_free(k[1]);
	/* by id and type */
	assert_int_equal(
	    load_all("pkcs11:token=" MCXP_TOKEN ";id=%02;type=public", 0, k, 8),
	    1);
	assert_true(EVP_PKEY_is_a(k[0], "ECCSI"));
	EVP_PKEY_free(k[0]);
	/* another token name finds nothing */
	assert_int_equal(load_all("pkcs11:token=nosuch", 0, k, 8), 0);
	/* a path attribute RFC 7512 does not define */
	assert_int_equal(load_all("pkcs11:tokn=x", 0, k, 8), -1);
	expect_error("invalid pkcs11 URI");

	/* public parameters of a private key: its identity and PVT */
	EVP_PKEY *gms = load_one("pkcs11:token=" MCXP_TOKEN
				 ";object=gms-eccsi;type=private");
	uint8_t uid[64], pvt[80];
	char uri[256];
	size_t len = 0;
	assert_int_equal(
	    EVP_PKEY_get_octet_string_param(gms, "uid", uid, sizeof(uid), &len),
	    1);
	assert_int_equal(len, 32);
	assert_memory_equal(uid, fx.gms.uid, 32);
	assert_int_equal(
	    EVP_PKEY_get_octet_string_param(gms, "pvt", pvt, sizeof(pvt), &len),
	    1);
	assert_memory_equal(pvt, fx.gms.pvt, 65);
	assert_int_equal(EVP_PKEY_get_utf8_string_param(gms, "user-uri", uri,
							sizeof(uri), &len),
			 1);
	assert_string_equal(uri, fx.gms.uri);
	assert_int_equal(EVP_PKEY_get_utf8_string_param(gms, "pkcs11-uri", uri,
							sizeof(uri), &len),
			 1);
	assert_string_equal(uri, "pkcs11:token=" MCXP_TOKEN
				 ";object=gms-eccsi;type=private");
	assert_int_equal(EVP_PKEY_get_size(gms), 129);
	/* the SSK never leaves */
	OSSL_PARAM *out = NULL;
	assert_int_equal(EVP_PKEY_todata(gms, EVP_PKEY_KEYPAIR, &out), 0);
	expect_error("private key parts never leave the token");
	assert_int_equal(EVP_PKEY_todata(gms, EVP_PKEY_PUBLIC_KEY, &out), 1);
	assert_non_null(OSSL_PARAM_locate(out, "pvt"));
	OSSL_PARAM_free(out);
	EVP_PKEY_free(gms);
}

static size_t sign(EVP_PKEY *key, const uint8_t *msg, size_t len, bool multi,
		   uint8_t *sig)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	size_t sl = 0;
	assert_int_equal(
	    EVP_DigestSignInit_ex(md, NULL, NULL, libctx, PROPQ, key, NULL), 1);
	if (!multi) {
		assert_int_equal(EVP_DigestSign(md, NULL, &sl, msg, len), 1);
		assert_int_equal(sl, 129);
		assert_int_equal(EVP_DigestSign(md, sig, &sl, msg, len), 1);
	} else {
		assert_int_equal(EVP_DigestSignUpdate(md, msg, len / 3), 1);
		assert_int_equal(
		    EVP_DigestSignUpdate(md, msg + len / 3, len - len / 3), 1);
		assert_int_equal(EVP_DigestSignFinal(md, NULL, &sl), 1);
		assert_int_equal(EVP_DigestSignFinal(md, sig, &sl), 1);
	}
	EVP_MD_CTX_free(md);
	return sl;
}

/* The provider's verdict: 1, 0 (bad signature), -1 (init failed). */
static int verify(EVP_PKEY *key, const uint8_t *id, size_t id_len,
		  const uint8_t *msg, size_t len, const uint8_t *sig, size_t sl,
		  bool multi)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	OSSL_PARAM p[2] = {OSSL_PARAM_END, OSSL_PARAM_END};
	if (id != NULL)
		p[0] = OSSL_PARAM_construct_octet_string("signer-id",
							 (void *)id, id_len);
	int r = -1;
	if (EVP_DigestVerifyInit_ex(md, NULL, NULL, libctx, PROPQ, key, p) ==
	    1) {
		if (multi)
			r = EVP_DigestVerifyUpdate(md, msg, len) == 1 &&
			    EVP_DigestVerifyFinal(md, sig, sl) == 1;
		else
			r = EVP_DigestVerify(md, sig, sl, msg, len) == 1;
	}
	EVP_MD_CTX_free(md);
	ERR_clear_error();
	return r;
}

static CK_RV token_verify(const uint8_t *uid, const uint8_t *msg, size_t len,
			  const uint8_t *sig, size_t sl)
{
	CK_FUNCTION_LIST *f = fx.p11.f;
	CK_SESSION_HANDLE s = mcxp_fixture_session(&fx);
	CK_MCX_ECCSI_PARAMS p = {(CK_BYTE_PTR)uid, 32};
	CK_MECHANISM m = {CKM_MCX_ECCSI, &p, sizeof(p)};
	MCX_P11_CHECK(f->C_VerifyInit(s, &m, fx.kpak), CKR_OK);
	CK_RV rv = f->C_Verify(s, (CK_BYTE_PTR)msg, len, (CK_BYTE_PTR)sig, sl);
	f->C_CloseSession(s);
	return rv;
}

static void test_eccsi(void **state)
{
	(void)state;
	uint8_t msg[300], sig[160], sig2[160];
	for (size_t i = 0; i < sizeof(msg); i++)
		msg[i] = (uint8_t)(i * 13 + 1);
	char uri[512];
	/* the URI's own pin-source (the configured one would do too) */
	snprintf(uri, sizeof(uri),
		 "pkcs11:token=" MCXP_TOKEN
		 ";object=gms-eccsi?pin-source=file:%s",
		 fx.pin_file);
	EVP_PKEY *gms = load_one(uri);
	EVP_PKEY *kpak =
	    load_one("pkcs11:token=" MCXP_TOKEN ";object=kms-eccsi");
	for (int multi = 0; multi < 2; multi++) {
		size_t sl = sign(gms, msg, sizeof(msg), multi, sig);
		assert_int_equal(sl, 129);
		assert_memory_equal(sig + 64, fx.gms.pvt, 65);
		/* the token agrees, and so does the provider */
		assert_int_equal(
		    token_verify(fx.gms.uid, msg, sizeof(msg), sig, sl),
		    CKR_OK);
		assert_int_equal(verify(kpak, fx.gms.uid, 32, msg, sizeof(msg),
					sig, sl, !multi),
				 1);
		/* the private key verifies as its own identity */
		assert_int_equal(
		    verify(gms, NULL, 0, msg, sizeof(msg), sig, sl, multi), 1);
	}
	/* copies of keys (EVP_PKEY_dup) work and compare equal */
	EVP_PKEY *kdup = EVP_PKEY_dup(kpak), *gdup = EVP_PKEY_dup(gms);
	assert_non_null(kdup);
	assert_non_null(gdup);
	assert_int_equal(EVP_PKEY_eq(kdup, kpak), 1);
	assert_int_equal(EVP_PKEY_eq(gdup, gms), 1);
	assert_int_not_equal(EVP_PKEY_eq(gdup, kpak), 1);
	size_t dl = sign(gdup, msg, sizeof(msg), false, sig2);
	assert_int_equal(
	    verify(kdup, fx.gms.uid, 32, msg, sizeof(msg), sig2, dl, false), 1);
	EVP_PKEY_free(kdup);
	EVP_PKEY_free(gdup);
	/* randomised signatures */
	sign(gms, msg, sizeof(msg), false, sig2);
	assert_memory_not_equal(sig, sig2, 64);
	/* wrong signer, tampered message, tampered signature */
	assert_int_equal(
	    verify(kpak, fx.alice.uid, 32, msg, sizeof(msg), sig, 129, false),
	    0);
	msg[7] ^= 1;
	assert_int_equal(
	    verify(kpak, fx.gms.uid, 32, msg, sizeof(msg), sig, 129, false), 0);
	msg[7] ^= 1;
	sig[3] ^= 0x40;
	assert_int_equal(
	    verify(kpak, fx.gms.uid, 32, msg, sizeof(msg), sig, 129, false), 0);
	assert_int_not_equal(
	    token_verify(fx.gms.uid, msg, sizeof(msg), sig, 129), CKR_OK);
	/* a KPAK alone cannot say who signed */
	sig[3] ^= 0x40;
	assert_int_equal(
	    verify(kpak, NULL, 0, msg, sizeof(msg), sig, 129, false), 0);
	/* signing needs the private key; digests other than SHA-256 */
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	assert_int_equal(
	    EVP_DigestSignInit_ex(md, NULL, NULL, libctx, PROPQ, kpak, NULL),
	    0);
	expect_error("wrong key for this operation");
	assert_int_equal(
	    EVP_DigestSignInit_ex(md, NULL, "SHA384", libctx, PROPQ, gms, NULL),
	    0);
	ERR_clear_error();
	EVP_MD_CTX_free(md);
	EVP_PKEY_free(kpak);
	EVP_PKEY_free(gms);
}

static EVP_PKEY *from_public(const char *type, const uint8_t *pub, size_t len)
{
	EVP_PKEY_CTX *c = EVP_PKEY_CTX_new_from_name(libctx, type, PROPQ);
	EVP_PKEY *k = NULL;
	OSSL_PARAM p[] = {
	    OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY,
					      (void *)pub, len),
	    OSSL_PARAM_END,
	};
	assert_non_null(c);
	assert_int_equal(EVP_PKEY_fromdata_init(c), 1);
	assert_int_equal(EVP_PKEY_fromdata(c, &k, EVP_PKEY_PUBLIC_KEY, p), 1);
	EVP_PKEY_CTX_free(c);
	return k;
}

/* RFC 6507 Appendix A: ECCSI signatures are randomised (j), and the token
 * takes no caller randomness, so the vector is checked on the verify side:
 * its KPAK imported as a parameter, its signature and ID. */
static void test_eccsi_rfc6507(void **state)
{
	(void)state;
	struct json_object *v = mcx_vectors_load("eccsi_rfc6507.json");
	size_t kl = 0, il = 0, ml = 0, sl = 0;
	uint8_t *kp = mcx_vectors_hex(v, "outputs.KPAK.hex", &kl);
	uint8_t *id = mcx_vectors_hex(v, "inputs.ID.hex", &il);
	uint8_t *m = mcx_vectors_hex(v, "inputs.M.hex", &ml);
	uint8_t *sig = mcx_vectors_hex(v, "outputs.Signature.hex", &sl);
	EVP_PKEY *kpak = from_public("ECCSI", kp, kl);
	assert_int_equal(verify(kpak, id, il, m, ml, sig, sl, false), 1);
	assert_int_equal(verify(kpak, id, il, m, ml, sig, sl, true), 1);
	sig[sl - 1] ^= 1; /* PVT */
	assert_int_equal(verify(kpak, id, il, m, ml, sig, sl, false), 0);
	sig[sl - 1] ^= 1;
	id[3] ^= 1;
	assert_int_equal(verify(kpak, id, il, m, ml, sig, sl, false), 0);
	/* a key of the wrong size is refused at import */
	EVP_PKEY_CTX *c = EVP_PKEY_CTX_new_from_name(libctx, "ECCSI", PROPQ);
	EVP_PKEY *bad = NULL;
	OSSL_PARAM p[] = {
	    OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, kp, 64),
	    OSSL_PARAM_END,
	};
	assert_int_equal(EVP_PKEY_fromdata_init(c), 1);
	assert_int_equal(EVP_PKEY_fromdata(c, &bad, EVP_PKEY_PUBLIC_KEY, p), 0);
	ERR_clear_error();
	EVP_PKEY_CTX_free(c);
	EVP_PKEY_free(kpak);
	free(kp);
	free(id);
	free(m);
	free(sig);
	json_object_put(v);
}

static int encap(EVP_PKEY *key, const uint8_t *id, size_t id_len,
		 const uint8_t *ssv_in, uint8_t *sed, size_t *sed_len,
		 uint8_t ssv[16])
{
	EVP_PKEY_CTX *c = EVP_PKEY_CTX_new_from_pkey(libctx, key, PROPQ);
	OSSL_PARAM p[3];
	size_t n = 0, sl = 16;
	if (id != NULL)
		p[n++] = OSSL_PARAM_construct_octet_string("receiver-id",
							   (void *)id, id_len);
	if (ssv_in != NULL)
		p[n++] = OSSL_PARAM_construct_octet_string("ssv",
							   (void *)ssv_in, 16);
	p[n] = OSSL_PARAM_construct_end();
	int ok = c != NULL && EVP_PKEY_encapsulate_init(c, p) == 1 &&
		 EVP_PKEY_encapsulate(c, NULL, sed_len, NULL, &sl) == 1 &&
		 *sed_len == 273 && sl == 16 &&
		 EVP_PKEY_encapsulate(c, sed, sed_len, ssv, &sl) == 1;
	EVP_PKEY_CTX_free(c);
	return ok;
}

static int decap(EVP_PKEY *rsk, const uint8_t *sed, size_t sed_len,
		 uint8_t ssv[16])
{
	EVP_PKEY_CTX *c = EVP_PKEY_CTX_new_from_pkey(libctx, rsk, PROPQ);
	size_t sl = 0;
	int ok = c != NULL && EVP_PKEY_decapsulate_init(c, NULL) == 1 &&
		 EVP_PKEY_decapsulate(c, NULL, &sl, sed, sed_len) == 1 &&
		 sl == 16 &&
		 EVP_PKEY_decapsulate(c, ssv, &sl, sed, sed_len) == 1;
	EVP_PKEY_CTX_free(c);
	return ok;
}

/* AES-128-ECB(ssv, 0^16)[0..2]: CKA_CHECK_VALUE of an MCX key. */
static void check_value(const uint8_t ssv[16], uint8_t cv[3])
{
	uint8_t zero[16] = {0}, out[32];
	int l = 0;
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	assert_int_equal(
	    EVP_EncryptInit_ex(c, EVP_aes_128_ecb(), NULL, ssv, NULL), 1);
	assert_int_equal(EVP_EncryptUpdate(c, out, &l, zero, 16), 1);
	memcpy(cv, out, 3);
	EVP_CIPHER_CTX_free(c);
}

/* C_UnwrapKey CKM_MCX_SAKKE with rsk (a sensitive session key): its check
 * value, or the CKR. */
static CK_RV token_decap(CK_OBJECT_HANDLE rsk, const uint8_t *sed, size_t len,
			 uint8_t cv[3])
{
	CK_FUNCTION_LIST *f = fx.p11.f;
	CK_SESSION_HANDLE s = mcxp_fixture_session(&fx);
	CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	CK_KEY_TYPE kt = CKK_MCX_KEY;
	CK_ULONG purpose = CKP_MCX_CSK;
	CK_BBOOL no = CK_FALSE;
	CK_ATTRIBUTE t[] = {
	    {CKA_CLASS, &cls, sizeof(cls)},
	    {CKA_KEY_TYPE, &kt, sizeof(kt)},
	    {CKA_TOKEN, &no, sizeof(no)},
	    {CKA_MCX_KEY_PURPOSE, &purpose, sizeof(purpose)},
	};
	CK_MECHANISM m = {CKM_MCX_SAKKE, NULL, 0};
	CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
	CK_RV rv = f->C_UnwrapKey(s, &m, rsk, (CK_BYTE_PTR)sed, len, t, 4, &h);
	if (rv == CKR_OK) {
		CK_ATTRIBUTE a = {CKA_CHECK_VALUE, cv, 3};
		MCX_P11_CHECK(f->C_GetAttributeValue(s, h, &a, 1), CKR_OK);
		/* and the SSV is not readable */
		uint8_t v[16];
		CK_ATTRIBUTE b = {CKA_VALUE, v, sizeof(v)};
		MCX_P11_CHECK(f->C_GetAttributeValue(s, h, &b, 1),
			      CKR_ATTRIBUTE_SENSITIVE);
	}
	f->C_CloseSession(s);
	return rv;
}

/* The token's side of the policy (token/ops_mcx_sakke.c): a readable SSV
 * only from an RSK that allows it, only into a session object. */
static CK_RV token_readable_unwrap(CK_OBJECT_HANDLE rsk, const uint8_t *sed,
				   size_t len, CK_BBOOL token)
{
	CK_FUNCTION_LIST *f = fx.p11.f;
	CK_SESSION_HANDLE s = mcxp_fixture_session(&fx);
	CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	CK_KEY_TYPE kt = CKK_MCX_KEY;
	CK_ULONG purpose = CKP_MCX_CSK;
	CK_BBOOL no = CK_FALSE, yes = CK_TRUE;
	CK_ATTRIBUTE t[] = {
	    {CKA_CLASS, &cls, sizeof(cls)},
	    {CKA_KEY_TYPE, &kt, sizeof(kt)},
	    {CKA_TOKEN, &token, sizeof(token)},
	    {CKA_SENSITIVE, &no, sizeof(no)},
	    {CKA_EXTRACTABLE, &yes, sizeof(yes)},
	    {CKA_MCX_KEY_PURPOSE, &purpose, sizeof(purpose)},
	};
	CK_MECHANISM m = {CKM_MCX_SAKKE, NULL, 0};
	CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
	CK_RV rv = f->C_UnwrapKey(s, &m, rsk, (CK_BYTE_PTR)sed, len, t, 6, &h);
	if (rv == CKR_OK)
		f->C_DestroyObject(s, h);
	else
		assert_int_equal(h, CK_INVALID_HANDLE);
	f->C_CloseSession(s);
	return rv;
}

static void test_sakke(void **state)
{
	(void)state;
	uint8_t sed[300], ssv[16], ssv2[16], cv[3], want[3];
	size_t sl = sizeof(sed);
	EVP_PKEY *zt = load_one("pkcs11:token=" MCXP_TOKEN ";object=kms-sakke");
	EVP_PKEY *alice =
	    load_one("pkcs11:token=" MCXP_TOKEN ";object=alice-sakke");
	EVP_PKEY *bob =
	    load_one("pkcs11:token=" MCXP_TOKEN ";object=bob-sakke");
	int allow = -1;
	assert_int_equal(
	    EVP_PKEY_get_int_param(alice, "allow-ssv-export", &allow), 1);
	assert_int_equal(allow, 1);
	assert_int_equal(EVP_PKEY_get_size(zt), 273);

	/* provider -> token */
	assert_int_equal(encap(zt, fx.alice.uid, 32, NULL, sed, &sl, ssv), 1);
	assert_int_equal(token_decap(fx.alice_rsk, sed, sl, cv), CKR_OK);
	check_value(ssv, want);
	assert_memory_equal(cv, want, 3);
	/* provider -> provider, policy allows */
	assert_int_equal(decap(alice, sed, sl, ssv2), 1);
	assert_memory_equal(ssv, ssv2, 16);
	/* a fresh SSV each time */
	assert_int_equal(encap(zt, fx.alice.uid, 32, NULL, sed, &sl, ssv2), 1);
	assert_memory_not_equal(ssv, ssv2, 16);
	/* tampered SED */
	sed[100] ^= 1;
	assert_int_equal(decap(alice, sed, sl, ssv2), 0);
	expect_error("CKR_MCX_DECAPSULATION_FAILED");
	/* to Bob: the token decapsulates, the provider is refused */
	assert_int_equal(encap(zt, fx.bob.uid, 32, NULL, sed, &sl, ssv), 1);
	assert_int_equal(token_decap(fx.bob_rsk, sed, sl, cv), CKR_OK);
	check_value(ssv, want);
	assert_memory_equal(cv, want, 3);
	assert_int_equal(decap(bob, sed, sl, ssv2), 0);
	expect_error("CKR_KEY_FUNCTION_NOT_PERMITTED");
	assert_int_equal(token_readable_unwrap(fx.bob_rsk, sed, sl, CK_FALSE),
			 CKR_KEY_FUNCTION_NOT_PERMITTED);
	/* Alice's RSK allows it, but never into a token object */
	assert_int_equal(encap(zt, fx.alice.uid, 32, NULL, sed, &sl, ssv), 1);
	assert_int_equal(token_readable_unwrap(fx.alice_rsk, sed, sl, CK_TRUE),
			 CKR_KEY_FUNCTION_NOT_PERMITTED);
	assert_int_equal(token_readable_unwrap(fx.alice_rsk, sed, sl, CK_FALSE),
			 CKR_OK);
	/* encapsulation to self with an RSK: its KMS, its UID */
	assert_int_equal(encap(alice, NULL, 0, NULL, sed, &sl, ssv), 1);
	assert_int_equal(decap(alice, sed, sl, ssv2), 1);
	assert_memory_equal(ssv, ssv2, 16);
	/* no receiver */
	assert_int_equal(encap(zt, NULL, 0, NULL, sed, &sl, ssv), 0);
	ERR_clear_error();

	/* token -> provider: an MCX key SAKKE-wrapped by C_WrapKey */
	CK_FUNCTION_LIST *f = fx.p11.f;
	CK_SESSION_HANDLE s = mcxp_fixture_session(&fx);
	CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	CK_KEY_TYPE kt = CKK_MCX_KEY;
	CK_ULONG purpose = CKP_MCX_CSK;
	CK_BBOOL no = CK_FALSE, yes = CK_TRUE;
	CK_ATTRIBUTE t[] = {
	    {CKA_CLASS, &cls, sizeof(cls)},
	    {CKA_KEY_TYPE, &kt, sizeof(kt)},
	    {CKA_TOKEN, &no, sizeof(no)},
	    {CKA_EXTRACTABLE, &yes, sizeof(yes)},
	    {CKA_MCX_KEY_PURPOSE, &purpose, sizeof(purpose)},
	};
	CK_MECHANISM gen = {CKM_MCX_KEY_GEN, NULL, 0};
	CK_OBJECT_HANDLE key = CK_INVALID_HANDLE;
	MCX_P11_CHECK(f->C_GenerateKey(s, &gen, t, 5, &key), CKR_OK);
	CK_MCX_SAKKE_PARAMS wp = {fx.alice.uid, 32};
	CK_MECHANISM wm = {CKM_MCX_SAKKE, &wp, sizeof(wp)};
	CK_ULONG wl = sizeof(sed);
	MCX_P11_CHECK(f->C_WrapKey(s, &wm, fx.zt, key, sed, &wl), CKR_OK);
	CK_ATTRIBUTE a = {CKA_CHECK_VALUE, cv, 3};
	MCX_P11_CHECK(f->C_GetAttributeValue(s, key, &a, 1), CKR_OK);
	f->C_CloseSession(s);
	assert_int_equal(decap(alice, sed, wl, ssv), 1);
	check_value(ssv, want);
	assert_memory_equal(cv, want, 3);

	EVP_PKEY_free(zt);
	EVP_PKEY_free(alice);
	EVP_PKEY_free(bob);
}

/* RFC 6508 Appendix A through the provider: SAKKE's r comes from SSV and
 * the identifier (§6.2.1), so with the vector's SSV (the "ssv" parameter)
 * the SED is the vector's.  Its KMS must be a token object (the token
 * wraps only to KMS certificates it holds): the test installs it, the
 * provider finds it from the imported Z_T.  The vector's RSK is not for an
 * MCX identity (no F.2.1 UID), so the token refuses it as a key and the
 * decapsulation side is covered by the tests above. */
static void test_sakke_rfc6508(void **state)
{
	(void)state;
	struct json_object *v = mcx_vectors_load("sakke_rfc6508.json");
	size_t zl = 0, il = 0, vl = 0, el = 0, sl = 0;
	uint8_t *z = mcx_vectors_hex(v, "outputs.Z.hex", &zl);
	uint8_t *id = mcx_vectors_hex(v, "inputs.ID_b.hex", &il);
	uint8_t *ssv_in = mcx_vectors_hex(v, "inputs.SSV.hex", &vl);
	uint8_t *want = mcx_vectors_hex(v, "outputs.SED.hex", &el);
	uint8_t sed[300], ssv[16];
	assert_int_equal(vl, 16);

	EVP_PKEY *zt = from_public("SAKKE", z, zl);
	/* not in the token yet: refused */
	sl = sizeof(sed);
	assert_int_equal(encap(zt, id, il, ssv_in, sed, &sl, ssv), 0);
	expect_error("key not found in the token");

	CK_FUNCTION_LIST *f = fx.p11.f;
	CK_SESSION_HANDLE s = mcxp_fixture_session(&fx);
	CK_OBJECT_CLASS cls = CKO_PUBLIC_KEY;
	CK_KEY_TYPE kt = CKK_MCX_SAKKE;
	CK_ULONG period = 2592000, offset = 0;
	CK_BBOOL yes = CK_TRUE;
	CK_ATTRIBUTE t[] = {
	    {CKA_CLASS, &cls, sizeof(cls)},
	    {CKA_KEY_TYPE, &kt, sizeof(kt)},
	    {CKA_TOKEN, &yes, sizeof(yes)},
	    {CKA_WRAP, &yes, sizeof(yes)},
	    {CKA_VALUE, z, zl},
	    {CKA_MCX_KMS_URI, "rfc6508.kms.example", 19},
	    {CKA_MCX_USER_KEY_PERIOD, &period, sizeof(period)},
	    {CKA_MCX_USER_KEY_OFFSET, &offset, sizeof(offset)},
	};
	CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
	MCX_P11_CHECK(f->C_CreateObject(s, t, 8, &h), CKR_OK);
	f->C_CloseSession(s);

	sl = sizeof(sed);
	assert_int_equal(encap(zt, id, il, ssv_in, sed, &sl, ssv), 1);
	assert_int_equal(sl, el);
	assert_memory_equal(sed, want, el);
	assert_memory_equal(ssv, ssv_in, 16);
	EVP_PKEY_free(zt);
	free(z);
	free(id);
	free(ssv_in);
	free(want);
	json_object_put(v);
}

/* A child after fork: the provider starts the module again, logs in and
 * finds its key by CKA_UNIQUE_ID. */
static void test_fork(void **state)
{
	(void)state;
	uint8_t msg[32] = "fork test message", sig[160];
	EVP_PKEY *gms =
	    load_one("pkcs11:token=" MCXP_TOKEN ";object=gms-eccsi");
	EVP_PKEY *kpak =
	    load_one("pkcs11:token=" MCXP_TOKEN ";object=kms-eccsi");
	sign(gms, msg, sizeof(msg), false, sig);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		EVP_MD_CTX *md = EVP_MD_CTX_new();
		size_t sl = sizeof(sig);
		int ok = EVP_DigestSignInit_ex(md, NULL, NULL, libctx, PROPQ,
					       gms, NULL) == 1 &&
			 EVP_DigestSign(md, sig, &sl, msg, sizeof(msg)) == 1 &&
			 verify(kpak, fx.gms.uid, 32, msg, sizeof(msg), sig, sl,
				false) == 1;
		if (!ok)
			ERR_print_errors_fp(stderr);
		_exit(ok ? 0 : 1);
	}
	int status = 0;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	/* the parent goes on */
	sign(gms, msg, sizeof(msg), false, sig);
	assert_int_equal(
	    verify(kpak, fx.gms.uid, 32, msg, sizeof(msg), sig, 129, false), 1);
	EVP_PKEY_free(gms);
	EVP_PKEY_free(kpak);
}

struct worker {
	EVP_PKEY *key, *kpak;
	int ok;
};

static void *sign_verify_loop(void *arg)
{
	struct worker *w = arg;
	uint8_t msg[64], sig[160];
	w->ok = 1;
	for (int i = 0; i < 40 && w->ok; i++) {
		size_t sl = sizeof(sig);
		memset(msg, i, sizeof(msg));
		EVP_MD_CTX *md = EVP_MD_CTX_new();
		w->ok = EVP_DigestSignInit_ex(md, NULL, NULL, libctx, PROPQ,
					      w->key, NULL) == 1 &&
			EVP_DigestSign(md, sig, &sl, msg, sizeof(msg)) == 1 &&
			sl == 129;
		EVP_MD_CTX_free(md);
		if (w->ok)
			w->ok = verify(w->kpak, fx.gms.uid, 32, msg,
				       sizeof(msg), sig, sl, i % 2) == 1;
	}
	return NULL;
}

/* Two threads share one key: the session pool and the cached handle. */
static void test_threads(void **state)
{
	(void)state;
	struct worker w[2];
	pthread_t t[2];
	EVP_PKEY *gms =
	    load_one("pkcs11:token=" MCXP_TOKEN ";object=gms-eccsi");
	EVP_PKEY *kpak =
	    load_one("pkcs11:token=" MCXP_TOKEN ";object=kms-eccsi");
	for (int i = 0; i < 2; i++) {
		w[i].key = gms;
		w[i].kpak = kpak;
		assert_int_equal(
		    pthread_create(&t[i], NULL, sign_verify_loop, &w[i]), 0);
	}
	for (int i = 0; i < 2; i++) {
		assert_int_equal(pthread_join(t[i], NULL), 0);
		assert_int_equal(w[i].ok, 1);
	}
	EVP_PKEY_free(gms);
	EVP_PKEY_free(kpak);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_store),	  cmocka_unit_test(test_eccsi),
	    cmocka_unit_test(test_eccsi_rfc6507), cmocka_unit_test(test_sakke),
	    cmocka_unit_test(test_sakke_rfc6508), cmocka_unit_test(test_fork),
	    cmocka_unit_test(test_threads),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
