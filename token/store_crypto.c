/*
 * The store's cryptography: PBKDF2 of PINs, AES-256-GCM for the wrapped
 * master key and for secret attribute values, SHA-256 for the audit chain,
 * random octets.  All of it through the module's private library context
 * (mechanisms/libctx.h), each call bracketed by mcx_err_mark()/pop().
 */
#include "token/store_internal.h"

#include "common/wipe.h"
#include "mechanisms/libctx.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/rand.h>
#include <string.h>

CK_RV mcx_store_crypto_init(struct mcx_store *st)
{
	CK_RV rv = CKR_GENERAL_ERROR;
	OSSL_LIB_CTX *ctx = mcx_libctx();

	if (ctx == NULL)
		return CKR_GENERAL_ERROR;
	mcx_err_mark();
	st->gcm = EVP_CIPHER_fetch(ctx, "AES-256-GCM", NULL);
	st->sha256 = EVP_MD_fetch(ctx, "SHA256", NULL);
	if (st->gcm != NULL && st->sha256 != NULL)
		rv = CKR_OK;
	mcx_err_pop();
	return rv;
}

void mcx_store_crypto_free(struct mcx_store *st)
{
	EVP_CIPHER_free(st->gcm);
	EVP_MD_free(st->sha256);
	st->gcm = NULL;
	st->sha256 = NULL;
}

CK_RV mcx_store_random(void *buf, size_t len)
{
	CK_RV rv = CKR_FUNCTION_FAILED;
	OSSL_LIB_CTX *ctx = mcx_libctx();

	if (ctx == NULL)
		return CKR_GENERAL_ERROR;
	mcx_err_mark();
	if (RAND_bytes_ex(ctx, buf, len, 0) == 1)
		rv = CKR_OK;
	mcx_err_pop();
	return rv;
}

CK_RV mcx_store_pin_kek(const uint8_t *pin, size_t pin_len,
			const uint8_t salt[MCX_STORE_SALT_LEN],
			uint32_t iterations, uint8_t kek[32])
{
	CK_RV rv = CKR_FUNCTION_FAILED;
	OSSL_LIB_CTX *ctx = mcx_libctx();
	EVP_KDF *kdf = NULL;
	EVP_KDF_CTX *kctx = NULL;
	static const uint8_t empty[1] = {0};
	char digest[] = "SHA256";
	OSSL_PARAM params[5];

	if (ctx == NULL)
		return CKR_GENERAL_ERROR;
	if (pin == NULL || pin_len == 0) {
		pin = empty; /* an empty PIN is still a PIN */
		pin_len = 0;
	}
	mcx_err_mark();
	kdf = EVP_KDF_fetch(ctx, "PBKDF2", NULL);
	if (kdf == NULL)
		goto out;
	kctx = EVP_KDF_CTX_new(kdf);
	if (kctx == NULL)
		goto out;
	params[0] =
	    OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest, 0);
	params[1] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_PASSWORD,
						      (void *)pin, pin_len);
	params[2] = OSSL_PARAM_construct_octet_string(
	    OSSL_KDF_PARAM_SALT, (void *)salt, MCX_STORE_SALT_LEN);
	params[3] =
	    OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_ITER, &iterations);
	params[4] = OSSL_PARAM_construct_end();
	if (EVP_KDF_derive(kctx, kek, 32, params) != 1) {
		mcx_wipe(kek, 32);
		goto out;
	}
	rv = CKR_OK;
out:
	EVP_KDF_CTX_free(kctx);
	EVP_KDF_free(kdf);
	mcx_err_pop();
	return rv;
}

CK_RV mcx_store_gcm_seal(struct mcx_store *st, const uint8_t key[32],
			 const uint8_t *aad, size_t aad_len, const uint8_t *in,
			 size_t in_len, uint8_t *out)
{
	CK_RV rv = CKR_FUNCTION_FAILED;
	EVP_CIPHER_CTX *c = NULL;
	uint8_t *iv = out;
	uint8_t *ct = out + MCX_STORE_GCM_IV_LEN;
	int len = 0;

	if (in_len > (size_t)INT32_MAX || aad_len > (size_t)INT32_MAX)
		return CKR_DATA_LEN_RANGE;
	/* A fresh random IV per value: with at most 2^32 values per key the
	 * collision probability stays below 2^-32 (NIST SP 800-38D 8.3). */
	rv = mcx_store_random(iv, MCX_STORE_GCM_IV_LEN);
	if (rv != CKR_OK)
		return rv;
	rv = CKR_FUNCTION_FAILED;
	mcx_err_mark();
	c = EVP_CIPHER_CTX_new();
	if (c == NULL)
		goto out;
	if (EVP_EncryptInit_ex2(c, st->gcm, key, iv, NULL) != 1)
		goto out;
	if (aad_len > 0 &&
	    EVP_EncryptUpdate(c, NULL, &len, aad, (int)aad_len) != 1)
		goto out;
	if (in_len > 0 && EVP_EncryptUpdate(c, ct, &len, in, (int)in_len) != 1)
		goto out;
	if (EVP_EncryptFinal_ex(c, ct + in_len, &len) != 1)
		goto out;
	if (EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG,
				(int)MCX_STORE_GCM_TAG_LEN, ct + in_len) != 1)
		goto out;
	rv = CKR_OK;
out:
	EVP_CIPHER_CTX_free(c);
	mcx_err_pop();
	if (rv != CKR_OK)
		mcx_wipe(out,
			 MCX_STORE_GCM_IV_LEN + in_len + MCX_STORE_GCM_TAG_LEN);
	return rv;
}

CK_RV mcx_store_gcm_open(struct mcx_store *st, const uint8_t key[32],
			 const uint8_t *aad, size_t aad_len, const uint8_t *in,
			 size_t in_len, uint8_t *out)
{
	CK_RV rv = CKR_FUNCTION_FAILED;
	EVP_CIPHER_CTX *c = NULL;
	const uint8_t *iv = in;
	const uint8_t *ct = in + MCX_STORE_GCM_IV_LEN;
	size_t ct_len = 0;
	uint8_t tag[MCX_STORE_GCM_TAG_LEN];
	int len = 0;

	if (in_len < MCX_STORE_GCM_IV_LEN + MCX_STORE_GCM_TAG_LEN)
		return CKR_ENCRYPTED_DATA_INVALID;
	ct_len = in_len - MCX_STORE_GCM_IV_LEN - MCX_STORE_GCM_TAG_LEN;
	if (ct_len > (size_t)INT32_MAX || aad_len > (size_t)INT32_MAX)
		return CKR_DATA_LEN_RANGE;
	memcpy(tag, ct + ct_len, sizeof(tag));
	mcx_err_mark();
	c = EVP_CIPHER_CTX_new();
	if (c == NULL)
		goto out;
	if (EVP_DecryptInit_ex2(c, st->gcm, key, iv, NULL) != 1)
		goto out;
	if (aad_len > 0 &&
	    EVP_DecryptUpdate(c, NULL, &len, aad, (int)aad_len) != 1)
		goto out;
	if (ct_len > 0 && EVP_DecryptUpdate(c, out, &len, ct, (int)ct_len) != 1)
		goto out;
	if (EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG,
				(int)MCX_STORE_GCM_TAG_LEN, tag) != 1)
		goto out;
	/* The provider compares the tag in constant time (CRYPTO_memcmp):
	 * this is the wrong-PIN and tamper check. */
	if (EVP_DecryptFinal_ex(c, out + ct_len, &len) != 1) {
		rv = CKR_ENCRYPTED_DATA_INVALID;
		goto out;
	}
	rv = CKR_OK;
out:
	EVP_CIPHER_CTX_free(c);
	mcx_err_pop();
	if (rv != CKR_OK)
		mcx_wipe(out, ct_len);
	return rv;
}

CK_RV mcx_store_sha256(struct mcx_store *st, const uint8_t *a, size_t a_len,
		       const uint8_t *b, size_t b_len, uint8_t out[32])
{
	CK_RV rv = CKR_FUNCTION_FAILED;
	EVP_MD_CTX *c = NULL;

	mcx_err_mark();
	c = EVP_MD_CTX_new();
	if (c == NULL)
		goto out;
	if (EVP_DigestInit_ex2(c, st->sha256, NULL) != 1 ||
	    EVP_DigestUpdate(c, a, a_len) != 1 ||
	    EVP_DigestUpdate(c, b, b_len) != 1 ||
	    EVP_DigestFinal_ex(c, out, NULL) != 1)
		goto out;
	rv = CKR_OK;
out:
	EVP_MD_CTX_free(c);
	mcx_err_pop();
	return rv;
}
