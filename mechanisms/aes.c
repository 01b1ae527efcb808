/*
 * AES through libcrypto's EVP in the module's private library context:
 * GCM (SP 800-38D), one ECB block for check values, RFC 3394 key wrap and
 * RFC 5649 key wrap with padding.  Every libcrypto call is bracketed by
 * mcx_err_mark()/mcx_err_pop() so nothing is left in the caller's error
 * queue.
 */
#include "mechanisms/aes.h"

#include <limits.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "common/wipe.h"
#include "mechanisms/libctx.h"

struct mcx_aes_gcm {
	EVP_CIPHER_CTX *ctx;
	int encrypt;
	size_t tag_len;
	/* Decryption: the last tag_len octets seen, which may be the tag. */
	uint8_t hold[MCX_AES_GCM_TAG_MAX];
	size_t hold_len;
};

int mcx_aes_key_len_ok(size_t len)
{
	return len == 16 || len == 24 || len == 32;
}

enum aes_mode { AES_GCM, AES_ECB, AES_WRAP, AES_WRAP_PAD, AES_MODES };

static const char *const aes_names[3][AES_MODES] = {
    {"AES-128-GCM", "AES-128-ECB", "AES-128-WRAP", "AES-128-WRAP-PAD"},
    {"AES-192-GCM", "AES-192-ECB", "AES-192-WRAP", "AES-192-WRAP-PAD"},
    {"AES-256-GCM", "AES-256-ECB", "AES-256-WRAP", "AES-256-WRAP-PAD"},
};

/* Fetched ciphers, kept for the life of the library context: a fetch by
 * name costs more than a whole 1 KiB GCM encryption (name lookup under the
 * provider store's locks), and C_EncryptInit + C_Encrypt does one per
 * message.  mcx_libctx_free() drops them (cache_drop) before the context
 * they belong to goes. */
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t cache_once = PTHREAD_ONCE_INIT;
static OSSL_LIB_CTX *cache_ctx;
static EVP_CIPHER *cache[3][AES_MODES];

static void cache_flush_locked(void)
{
	for (size_t k = 0; k < 3; k++)
		for (size_t m = 0; m < AES_MODES; m++) {
			EVP_CIPHER_free(cache[k][m]);
			cache[k][m] = NULL;
		}
	cache_ctx = NULL;
}

static void cache_drop(void)
{
	pthread_mutex_lock(&cache_lock);
	cache_flush_locked();
	pthread_mutex_unlock(&cache_lock);
}

static void cache_register(void)
{
	mcx_libctx_atfree(cache_drop);
}

/* The cipher for a key of key_len octets in mode, with a reference the
 * caller drops with EVP_CIPHER_free; NULL if the key length is wrong or
 * libcrypto fails.  Lock order: the context's lock (inside mcx_libctx and
 * mcx_libctx_free) is never taken while cache_lock is held. */
static EVP_CIPHER *fetch_aes(size_t key_len, enum aes_mode mode)
{
	OSSL_LIB_CTX *libctx = NULL;
	EVP_CIPHER *c = NULL;
	size_t k = key_len == 16 ? 0 : key_len == 24 ? 1 : 2;

	if (!mcx_aes_key_len_ok(key_len))
		return NULL;
	pthread_once(&cache_once, cache_register);
	libctx = mcx_libctx();
	if (libctx == NULL)
		return NULL;
	pthread_mutex_lock(&cache_lock);
	if (cache_ctx != libctx) {
		cache_flush_locked();
		cache_ctx = libctx;
	}
	if (cache[k][mode] == NULL)
		cache[k][mode] =
		    EVP_CIPHER_fetch(libctx, aes_names[k][mode], NULL);
	c = cache[k][mode];
	if (c != NULL && EVP_CIPHER_up_ref(c) != 1)
		c = NULL;
	pthread_mutex_unlock(&cache_lock);
	return c;
}

/* Set up ctx for GCM with an IV of any length (SP 800-38D 7.1 step 2: IVs
 * other than 96 bits go through GHASH; the MCX key parameters use 16). */
static enum mcx_mech_err gcm_init(EVP_CIPHER_CTX *ctx, int encrypt,
				  const uint8_t *key, size_t key_len,
				  const uint8_t *iv, size_t iv_len,
				  const uint8_t *aad, size_t aad_len)
{
	enum mcx_mech_err err = MCX_ERR_CRYPTO;
	EVP_CIPHER *cipher = NULL;
	int outl = 0;

	cipher = fetch_aes(key_len, AES_GCM);
	if (cipher == NULL)
		goto out;
	if (EVP_CipherInit_ex2(ctx, cipher, NULL, NULL, encrypt, NULL) != 1)
		goto out;
	/* 12 octets is the default; setting it costs a parameter lookup. */
	if (iv_len != 12 && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_IVLEN,
						(int)iv_len, NULL) != 1)
		goto out;
	if (EVP_CipherInit_ex2(ctx, NULL, key, iv, encrypt, NULL) != 1)
		goto out;
	/* AAD in INT_MAX pieces: EVP takes int lengths. */
	while (aad_len > 0) {
		int n = aad_len > INT_MAX ? INT_MAX : (int)aad_len;

		if (EVP_CipherUpdate(ctx, NULL, &outl, aad, n) != 1)
			goto out;
		aad += n;
		aad_len -= (size_t)n;
	}
	err = MCX_OK;
out:
	EVP_CIPHER_free(cipher);
	return err;
}

static enum mcx_mech_err gcm_check_args(const uint8_t *key, size_t key_len,
					const uint8_t *iv, size_t iv_len,
					const uint8_t *aad, size_t aad_len,
					size_t tag_len)
{
	if (key == NULL || iv == NULL || (aad == NULL && aad_len > 0))
		return MCX_ERR_ARGUMENT;
	if (!mcx_aes_key_len_ok(key_len) || iv_len == 0 ||
	    iv_len > MCX_AES_GCM_IV_MAX || tag_len < MCX_AES_GCM_TAG_MIN ||
	    tag_len > MCX_AES_GCM_TAG_MAX)
		return MCX_ERR_LENGTH;
	return MCX_OK;
}

/* Run len octets through the cipher in INT_MAX pieces. */
static int cipher_update(EVP_CIPHER_CTX *ctx, uint8_t *out, const uint8_t *in,
			 size_t len)
{
	int outl = 0;

	while (len > 0) {
		int n = len > INT_MAX ? INT_MAX : (int)len;

		if (EVP_CipherUpdate(ctx, out, &outl, in, n) != 1 || outl != n)
			return 0;
		in += n;
		out += n;
		len -= (size_t)n;
	}
	return 1;
}

enum mcx_mech_err mcx_aes_gcm_encrypt(const uint8_t *key, size_t key_len,
				      const uint8_t *iv, size_t iv_len,
				      const uint8_t *aad, size_t aad_len,
				      const uint8_t *in, size_t in_len,
				      size_t tag_len, uint8_t *out)
{
	enum mcx_mech_err err = MCX_ERR_CRYPTO;
	EVP_CIPHER_CTX *ctx = NULL;
	int outl = 0;

	err = gcm_check_args(key, key_len, iv, iv_len, aad, aad_len, tag_len);
	if (err != MCX_OK)
		return err;
	if (out == NULL || (in == NULL && in_len > 0))
		return MCX_ERR_ARGUMENT;
	mcx_err_mark();
	err = MCX_ERR_NOMEM;
	ctx = EVP_CIPHER_CTX_new();
	if (ctx == NULL)
		goto out;
	err = gcm_init(ctx, 1, key, key_len, iv, iv_len, aad, aad_len);
	if (err != MCX_OK)
		goto out;
	err = MCX_ERR_CRYPTO;
	if (!cipher_update(ctx, out, in, in_len))
		goto out;
	if (EVP_CipherFinal_ex(ctx, out + in_len, &outl) != 1 || outl != 0)
		goto out;
	if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, (int)tag_len,
				out + in_len) != 1)
		goto out;
	err = MCX_OK;
out:
	EVP_CIPHER_CTX_free(ctx);
	mcx_err_pop();
	return err;
}

enum mcx_mech_err mcx_aes_gcm_decrypt(const uint8_t *key, size_t key_len,
				      const uint8_t *iv, size_t iv_len,
				      const uint8_t *aad, size_t aad_len,
				      const uint8_t *in, size_t in_len,
				      size_t tag_len, uint8_t *out)
{
	enum mcx_mech_err err = MCX_ERR_CRYPTO;
	EVP_CIPHER_CTX *ctx = NULL;
	uint8_t tag[MCX_AES_GCM_TAG_MAX];
	size_t ct_len = 0;
	int outl = 0;

	err = gcm_check_args(key, key_len, iv, iv_len, aad, aad_len, tag_len);
	if (err != MCX_OK)
		return err;
	if (in == NULL || (out == NULL && in_len > tag_len))
		return MCX_ERR_ARGUMENT;
	if (in_len < tag_len)
		return MCX_ERR_LENGTH;
	ct_len = in_len - tag_len;
	memcpy(tag, in + ct_len, tag_len);
	mcx_err_mark();
	err = MCX_ERR_NOMEM;
	ctx = EVP_CIPHER_CTX_new();
	if (ctx == NULL)
		goto out;
	err = gcm_init(ctx, 0, key, key_len, iv, iv_len, aad, aad_len);
	if (err != MCX_OK)
		goto out;
	err = MCX_ERR_CRYPTO;
	if (!cipher_update(ctx, out, in, ct_len))
		goto out;
	if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, (int)tag_len,
				tag) != 1)
		goto out;
	/* SP 800-38D 7.2 step 7: no plaintext when the tag is wrong. */
	if (EVP_CipherFinal_ex(ctx, tag, &outl) != 1) {
		err = MCX_ERR_AUTH;
		goto out;
	}
	err = MCX_OK;
out:
	/* Unverified plaintext never leaves: on every failure after the
	 * arguments were accepted (a failed update or tag setting as well as
	 * a wrong tag), out holds no part of it. */
	if (err != MCX_OK && ct_len > 0)
		mcx_wipe(out, ct_len);
	EVP_CIPHER_CTX_free(ctx);
	mcx_err_pop();
	return err;
}

enum mcx_mech_err mcx_aes_gcm_new(struct mcx_aes_gcm **out, int encrypt,
				  const uint8_t *key, size_t key_len,
				  const uint8_t *iv, size_t iv_len,
				  const uint8_t *aad, size_t aad_len,
				  size_t tag_len)
{
	enum mcx_mech_err err = MCX_ERR_CRYPTO;
	struct mcx_aes_gcm *gcm = NULL;

	if (out == NULL)
		return MCX_ERR_ARGUMENT;
	*out = NULL;
	err = gcm_check_args(key, key_len, iv, iv_len, aad, aad_len, tag_len);
	if (err != MCX_OK)
		return err;
	mcx_err_mark();
	err = MCX_ERR_NOMEM;
	gcm = calloc(1, sizeof(*gcm));
	if (gcm == NULL)
		goto out;
	gcm->encrypt = encrypt != 0;
	gcm->tag_len = tag_len;
	gcm->ctx = EVP_CIPHER_CTX_new();
	if (gcm->ctx == NULL)
		goto out;
	err = gcm_init(gcm->ctx, gcm->encrypt, key, key_len, iv, iv_len, aad,
		       aad_len);
	if (err != MCX_OK)
		goto out;
	*out = gcm;
	gcm = NULL;
out:
	mcx_aes_gcm_free(gcm);
	mcx_err_pop();
	return err;
}

enum mcx_mech_err mcx_aes_gcm_update(struct mcx_aes_gcm *gcm, const uint8_t *in,
				     size_t in_len, uint8_t *out,
				     size_t *out_len)
{
	enum mcx_mech_err err = MCX_ERR_CRYPTO;
	size_t total = 0, emit = 0, from_hold = 0, from_in = 0;

	if (gcm == NULL || out_len == NULL || (in == NULL && in_len > 0))
		return MCX_ERR_ARGUMENT;
	*out_len = 0;
	mcx_err_mark();
	if (gcm->encrypt) {
		if (in_len > 0 && out == NULL) {
			err = MCX_ERR_ARGUMENT;
			goto out;
		}
		if (!cipher_update(gcm->ctx, out, in, in_len))
			goto out;
		*out_len = in_len;
		err = MCX_OK;
		goto out;
	}
	/* Decryption: everything but the last tag_len octets seen so far is
	 * ciphertext; those last octets wait in hold. */
	total = gcm->hold_len + in_len;
	if (total <= gcm->tag_len) {
		if (in_len > 0)
			memcpy(gcm->hold + gcm->hold_len, in, in_len);
		gcm->hold_len = total;
		err = MCX_OK;
		goto out;
	}
	if (out == NULL) {
		err = MCX_ERR_ARGUMENT;
		goto out;
	}
	emit = total - gcm->tag_len;
	from_hold = emit < gcm->hold_len ? emit : gcm->hold_len;
	from_in = emit - from_hold;
	if (!cipher_update(gcm->ctx, out, gcm->hold, from_hold) ||
	    !cipher_update(gcm->ctx, out + from_hold, in, from_in))
		goto out;
	memmove(gcm->hold, gcm->hold + from_hold, gcm->hold_len - from_hold);
	gcm->hold_len -= from_hold;
	if (in_len > from_in)
		memcpy(gcm->hold + gcm->hold_len, in + from_in,
		       in_len - from_in);
	gcm->hold_len += in_len - from_in;
	*out_len = emit;
	err = MCX_OK;
out:
	mcx_err_pop();
	return err;
}

enum mcx_mech_err mcx_aes_gcm_final(struct mcx_aes_gcm *gcm, uint8_t *tag)
{
	enum mcx_mech_err err = MCX_ERR_CRYPTO;
	uint8_t scratch[MCX_AES_BLOCK];
	int outl = 0;

	if (gcm == NULL || (gcm->encrypt && tag == NULL))
		return MCX_ERR_ARGUMENT;
	mcx_err_mark();
	if (gcm->encrypt) {
		if (EVP_CipherFinal_ex(gcm->ctx, scratch, &outl) != 1 ||
		    EVP_CIPHER_CTX_ctrl(gcm->ctx, EVP_CTRL_AEAD_GET_TAG,
					(int)gcm->tag_len, tag) != 1)
			goto out;
		err = MCX_OK;
		goto out;
	}
	if (gcm->hold_len != gcm->tag_len) {
		/* Fewer octets than a tag in all: not a GCM ciphertext. */
		err = MCX_ERR_LENGTH;
		goto out;
	}
	if (EVP_CIPHER_CTX_ctrl(gcm->ctx, EVP_CTRL_AEAD_SET_TAG,
				(int)gcm->tag_len, gcm->hold) != 1)
		goto out;
	err = EVP_CipherFinal_ex(gcm->ctx, scratch, &outl) == 1 ? MCX_OK
								: MCX_ERR_AUTH;
out:
	mcx_err_pop();
	return err;
}

size_t mcx_aes_gcm_tag_len(const struct mcx_aes_gcm *gcm)
{
	return gcm == NULL ? 0 : gcm->tag_len;
}

void mcx_aes_gcm_free(struct mcx_aes_gcm *gcm)
{
	if (gcm == NULL)
		return;
	mcx_err_mark();
	/* EVP_CIPHER_CTX_free cleanses the key schedule. */
	EVP_CIPHER_CTX_free(gcm->ctx);
	mcx_err_pop();
	mcx_wipe_free(gcm, sizeof(*gcm));
}

enum mcx_mech_err mcx_aes_ecb_block(const uint8_t *key, size_t key_len,
				    const uint8_t in[MCX_AES_BLOCK],
				    uint8_t out[MCX_AES_BLOCK])
{
	enum mcx_mech_err err = MCX_ERR_CRYPTO;
	EVP_CIPHER_CTX *ctx = NULL;
	EVP_CIPHER *cipher = NULL;
	int outl = 0;

	if (key == NULL || in == NULL || out == NULL)
		return MCX_ERR_ARGUMENT;
	if (!mcx_aes_key_len_ok(key_len))
		return MCX_ERR_LENGTH;
	mcx_err_mark();
	ctx = EVP_CIPHER_CTX_new();
	cipher = fetch_aes(key_len, AES_ECB);
	if (ctx == NULL || cipher == NULL)
		goto out;
	if (EVP_EncryptInit_ex2(ctx, cipher, key, NULL, NULL) != 1 ||
	    EVP_CIPHER_CTX_set_padding(ctx, 0) != 1 ||
	    EVP_EncryptUpdate(ctx, out, &outl, in, MCX_AES_BLOCK) != 1 ||
	    outl != MCX_AES_BLOCK)
		goto out;
	err = MCX_OK;
out:
	EVP_CIPHER_free(cipher);
	EVP_CIPHER_CTX_free(ctx);
	mcx_err_pop();
	return err;
}

enum mcx_mech_err mcx_aes_check_value(const uint8_t *key, size_t key_len,
				      uint8_t out[3])
{
	static const uint8_t zero[MCX_AES_BLOCK];
	uint8_t block[MCX_AES_BLOCK];
	enum mcx_mech_err err = MCX_ERR_ARGUMENT;

	if (out == NULL)
		return err;
	err = mcx_aes_ecb_block(key, key_len, zero, block);
	if (err == MCX_OK)
		memcpy(out, block, 3);
	/* The whole block is a function of the key: only 3 octets leave. */
	mcx_wipe(block, sizeof(block));
	return err;
}

/* One RFC 3394 / RFC 5649 operation through EVP's wrap ciphers ("WRAP" or
 * "WRAP-PAD"); *out_len gets the octets written.  A failed unwrap is an
 * integrity failure (RFC 3394 2.2.3, RFC 5649 section 3): MCX_ERR_AUTH. */
static enum mcx_mech_err wrap_op(enum aes_mode mode, int encrypt,
				 const uint8_t *kek, size_t kek_len,
				 const uint8_t *in, size_t in_len, uint8_t *out,
				 size_t *out_len)
{
	enum mcx_mech_err err = MCX_ERR_CRYPTO;
	EVP_CIPHER_CTX *ctx = NULL;
	EVP_CIPHER *cipher = NULL;
	int outl = 0;

	*out_len = 0;
	if (in_len > INT_MAX - 16)
		return MCX_ERR_LENGTH;
	mcx_err_mark();
	ctx = EVP_CIPHER_CTX_new();
	cipher = fetch_aes(kek_len, mode);
	if (ctx == NULL || cipher == NULL)
		goto out;
	EVP_CIPHER_CTX_set_flags(ctx, EVP_CIPHER_CTX_FLAG_WRAP_ALLOW);
	if (EVP_CipherInit_ex2(ctx, cipher, kek, NULL, encrypt, NULL) != 1)
		goto out;
	if (EVP_CipherUpdate(ctx, out, &outl, in, (int)in_len) != 1 ||
	    outl <= 0) {
		err = encrypt ? MCX_ERR_CRYPTO : MCX_ERR_AUTH;
		goto out;
	}
	*out_len = (size_t)outl;
	err = MCX_OK;
out:
	EVP_CIPHER_free(cipher);
	EVP_CIPHER_CTX_free(ctx);
	mcx_err_pop();
	return err;
}

enum mcx_mech_err mcx_aes_wrap(const uint8_t *kek, size_t kek_len,
			       const uint8_t *in, size_t in_len, uint8_t *out)
{
	enum mcx_mech_err err = MCX_ERR_ARGUMENT;
	size_t n = 0;

	if (kek == NULL || in == NULL || out == NULL)
		return err;
	/* RFC 3394 2.2.1: n >= 2 64-bit blocks of plaintext. */
	if (!mcx_aes_key_len_ok(kek_len) || in_len < 16 || in_len % 8 != 0)
		return MCX_ERR_LENGTH;
	err = wrap_op(AES_WRAP, 1, kek, kek_len, in, in_len, out, &n);
	if (err == MCX_OK && n != in_len + MCX_AES_WRAP_OVERHEAD)
		err = MCX_ERR_CRYPTO;
	return err;
}

enum mcx_mech_err mcx_aes_unwrap(const uint8_t *kek, size_t kek_len,
				 const uint8_t *in, size_t in_len, uint8_t *out)
{
	enum mcx_mech_err err = MCX_ERR_ARGUMENT;
	size_t n = 0;

	if (kek == NULL || in == NULL || out == NULL)
		return err;
	if (!mcx_aes_key_len_ok(kek_len) || in_len < 24 || in_len % 8 != 0)
		return MCX_ERR_LENGTH;
	err = wrap_op(AES_WRAP, 0, kek, kek_len, in, in_len, out, &n);
	if (err == MCX_OK && n != in_len - MCX_AES_WRAP_OVERHEAD)
		err = MCX_ERR_CRYPTO;
	if (err != MCX_OK)
		mcx_wipe(out, in_len - MCX_AES_WRAP_OVERHEAD);
	return err;
}

size_t mcx_aes_kwp_wrapped_len(size_t in_len)
{
	return (in_len + 7) / 8 * 8 + MCX_AES_WRAP_OVERHEAD;
}

enum mcx_mech_err mcx_aes_kwp_wrap(const uint8_t *kek, size_t kek_len,
				   const uint8_t *in, size_t in_len,
				   uint8_t *out)
{
	enum mcx_mech_err err = MCX_ERR_ARGUMENT;
	size_t n = 0;

	if (kek == NULL || in == NULL || out == NULL)
		return err;
	/* RFC 5649 section 3: the MLI is 32 bits, 1 <= length < 2^32. */
	if (!mcx_aes_key_len_ok(kek_len) || in_len == 0 || in_len > UINT32_MAX)
		return MCX_ERR_LENGTH;
	err = wrap_op(AES_WRAP_PAD, 1, kek, kek_len, in, in_len, out, &n);
	if (err == MCX_OK && n != mcx_aes_kwp_wrapped_len(in_len))
		err = MCX_ERR_CRYPTO;
	return err;
}

enum mcx_mech_err mcx_aes_kwp_unwrap(const uint8_t *kek, size_t kek_len,
				     const uint8_t *in, size_t in_len,
				     uint8_t *out, size_t *out_len)
{
	enum mcx_mech_err err = MCX_ERR_ARGUMENT;
	uint8_t *tmp = NULL;
	size_t n = 0;

	if (kek == NULL || in == NULL || out == NULL || out_len == NULL)
		return err;
	*out_len = 0;
	if (!mcx_aes_key_len_ok(kek_len) || in_len < 16 || in_len % 8 != 0)
		return MCX_ERR_LENGTH;
	/* libcrypto's RFC 5649 unwrap clears in_len octets of its output when
	 * the integrity check fails, 8 more than the caller's buffer holds:
	 * unwrap into our own buffer of in_len octets and copy out. */
	tmp = malloc(in_len);
	if (tmp == NULL)
		return MCX_ERR_NOMEM;
	err = wrap_op(AES_WRAP_PAD, 0, kek, kek_len, in, in_len, tmp, &n);
	if (err == MCX_OK && n > in_len - MCX_AES_WRAP_OVERHEAD)
		err = MCX_ERR_CRYPTO;
	if (err != MCX_OK) {
		mcx_wipe(out, in_len - MCX_AES_WRAP_OVERHEAD);
		goto out;
	}
	/* A fixed-length copy (the MLI decides nothing here): RFC 5649 4.2
	 * step 3 checked that the padding octets past the MLI are zero, so
	 * callers never see stale buffer contents past *out_len. */
	memcpy(out, tmp, in_len - MCX_AES_WRAP_OVERHEAD);
	*out_len = n;
out:
	mcx_wipe_free(tmp, in_len);
	return err;
}
