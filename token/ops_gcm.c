/*
 * CKM_AES_GCM (PKCS#11 3.0 §2.14.3, SP 800-38D) for C_Encrypt* and
 * C_Decrypt*.  Ciphertext is C || T with T ulTagBits/8 octets.
 * Multi-part decryption releases no plaintext before the tag has been
 * checked: C_DecryptUpdate keeps the ciphertext and returns nothing,
 * C_DecryptFinal decrypts and verifies it all (SP 800-38D 7.2: no output
 * on a failed tag).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "common/wipe.h"
#include "mechanisms/aes.h"
#include "token/ops_internal.h"

/* Multi-part decryption keeps at most this much ciphertext. */
#define GCM_DECRYPT_MAX (64UL * 1024 * 1024)

/* The PKCS#11 2.40 CK_GCM_PARAMS as first published (no ulIvBits), still
 * sent by some applications; told apart by ulParameterLen. */
struct gcm_params_240 {
	CK_BYTE_PTR pIv;
	CK_ULONG ulIvLen;
	CK_BYTE_PTR pAAD;
	CK_ULONG ulAADLen;
	CK_ULONG ulTagBits;
};

struct gcm_ctx {
	bool encrypt;
	uint8_t key[32];
	size_t key_len;
	uint8_t iv[MCX_AES_GCM_IV_MAX];
	size_t iv_len;
	uint8_t *aad;
	size_t aad_len;
	size_t tag_len;
	struct mcx_aes_gcm *stream; /* multi-part encryption */
	uint8_t *buf;		    /* multi-part decryption: C || T so far */
	size_t buf_len, buf_cap;
};

static void gcm_free(void *p)
{
	struct gcm_ctx *g = p;

	if (g == NULL)
		return;
	mcx_aes_gcm_free(g->stream);
	free(g->aad);
	free(g->buf);
	mcx_wipe_free(g, sizeof(*g));
}

static CK_RV gcm_init(const CK_MECHANISM *mech, struct mcx_object *key,
		      bool encrypt, void **out)
{
	const CK_BYTE *iv = NULL, *aad = NULL;
	CK_ULONG iv_len = 0, aad_len = 0, tag_bits = 0;
	const uint8_t *value = NULL;
	size_t len = 0;
	struct gcm_ctx *g = NULL;
	CK_RV rv = CKR_MECHANISM_PARAM_INVALID;

	if (mech->pParameter != NULL &&
	    mech->ulParameterLen == sizeof(CK_GCM_PARAMS)) {
		const CK_GCM_PARAMS *p = mech->pParameter;

		iv = p->pIv;
		iv_len = p->ulIvLen;
		aad = p->pAAD;
		aad_len = p->ulAADLen;
		tag_bits = p->ulTagBits;
	} else if (mech->pParameter != NULL &&
		   mech->ulParameterLen == sizeof(struct gcm_params_240)) {
		const struct gcm_params_240 *p = mech->pParameter;

		iv = p->pIv;
		iv_len = p->ulIvLen;
		aad = p->pAAD;
		aad_len = p->ulAADLen;
		tag_bits = p->ulTagBits;
	} else {
		return rv;
	}
	/* §2.14.3: IV of 1..(2^32-1) octets (we take up to 128), tag of
	 * 32..128 bits in whole octets (SP 800-38D 5.2.1.2). */
	if (iv == NULL || iv_len == 0 || iv_len > MCX_AES_GCM_IV_MAX ||
	    (aad == NULL && aad_len > 0) || tag_bits % 8 != 0 ||
	    tag_bits / 8 < MCX_AES_GCM_TAG_MIN ||
	    tag_bits / 8 > MCX_AES_GCM_TAG_MAX)
		return rv;
	rv = mcx_ops_mech_value(key, &value, &len);
	if (rv != CKR_OK)
		return rv;
	if (!mcx_aes_key_len_ok(len))
		return CKR_KEY_SIZE_RANGE;
	g = calloc(1, sizeof(*g));
	if (g == NULL)
		return CKR_HOST_MEMORY;
	g->encrypt = encrypt;
	memcpy(g->key, value, len);
	g->key_len = len;
	memcpy(g->iv, iv, iv_len);
	g->iv_len = iv_len;
	g->tag_len = tag_bits / 8;
	if (aad_len > 0) {
		g->aad = malloc(aad_len);
		if (g->aad == NULL) {
			gcm_free(g);
			return CKR_HOST_MEMORY;
		}
		memcpy(g->aad, aad, aad_len);
		g->aad_len = aad_len;
	}
	*out = g;
	return CKR_OK;
}

static CK_RV gcm_oneshot_len(void *ctx, CK_ULONG in_len, CK_ULONG *out_len)
{
	struct gcm_ctx *g = ctx;

	if (g->encrypt) {
		if (in_len > (CK_ULONG)-1 - g->tag_len)
			return CKR_DATA_LEN_RANGE;
		*out_len = in_len + g->tag_len;
	} else {
		if (in_len < g->tag_len)
			return CKR_ENCRYPTED_DATA_LEN_RANGE;
		*out_len = in_len - g->tag_len;
	}
	return CKR_OK;
}

static CK_RV gcm_oneshot(void *ctx, const CK_BYTE *in, CK_ULONG in_len,
			 CK_BYTE *out, CK_ULONG *out_len)
{
	struct gcm_ctx *g = ctx;
	enum mcx_mech_err err = MCX_OK;

	if (g->encrypt) {
		err = mcx_aes_gcm_encrypt(g->key, g->key_len, g->iv, g->iv_len,
					  g->aad, g->aad_len, in, in_len,
					  g->tag_len, out);
		*out_len = in_len + g->tag_len;
	} else {
		err = mcx_aes_gcm_decrypt(g->key, g->key_len, g->iv, g->iv_len,
					  g->aad, g->aad_len, in, in_len,
					  g->tag_len, out);
		*out_len = err == MCX_OK ? in_len - g->tag_len : 0;
	}
	if (err == MCX_ERR_AUTH)
		return CKR_ENCRYPTED_DATA_INVALID;
	return mcx_ops_mech_ckr(err);
}

static CK_RV gcm_update_len(void *ctx, CK_ULONG in_len, CK_ULONG *out_len)
{
	struct gcm_ctx *g = ctx;

	*out_len = g->encrypt ? in_len : 0;
	return CKR_OK;
}

static CK_RV gcm_update(void *ctx, const CK_BYTE *in, CK_ULONG in_len,
			CK_BYTE *out, CK_ULONG *out_len)
{
	struct gcm_ctx *g = ctx;
	enum mcx_mech_err err = MCX_OK;
	size_t n = 0;

	*out_len = 0;
	if (g->encrypt) {
		if (g->stream == NULL) {
			err = mcx_aes_gcm_new(&g->stream, 1, g->key, g->key_len,
					      g->iv, g->iv_len, g->aad,
					      g->aad_len, g->tag_len);
			if (err != MCX_OK)
				return mcx_ops_mech_ckr(err);
		}
		err = mcx_aes_gcm_update(g->stream, in, in_len, out, &n);
		*out_len = n;
		return mcx_ops_mech_ckr(err);
	}
	if (in_len > GCM_DECRYPT_MAX - g->buf_len)
		return CKR_ENCRYPTED_DATA_LEN_RANGE;
	if (g->buf_len + in_len > g->buf_cap) {
		size_t cap = g->buf_cap ? g->buf_cap : 1024;
		uint8_t *nb = NULL;

		while (cap < g->buf_len + in_len)
			cap *= 2;
		nb = realloc(g->buf, cap);
		if (nb == NULL)
			return CKR_HOST_MEMORY;
		g->buf = nb;
		g->buf_cap = cap;
	}
	if (in_len > 0)
		memcpy(g->buf + g->buf_len, in, in_len);
	g->buf_len += in_len;
	return CKR_OK;
}

static CK_RV gcm_final_len(void *ctx, CK_ULONG *out_len)
{
	struct gcm_ctx *g = ctx;

	if (g->encrypt) {
		*out_len = g->tag_len;
		return CKR_OK;
	}
	return gcm_oneshot_len(ctx, g->buf_len, out_len);
}

static CK_RV gcm_final(void *ctx, CK_BYTE *out, CK_ULONG *out_len)
{
	struct gcm_ctx *g = ctx;
	enum mcx_mech_err err = MCX_OK;

	if (!g->encrypt)
		return gcm_oneshot(ctx, g->buf, g->buf_len, out, out_len);
	*out_len = 0;
	if (g->stream == NULL) {
		err =
		    mcx_aes_gcm_new(&g->stream, 1, g->key, g->key_len, g->iv,
				    g->iv_len, g->aad, g->aad_len, g->tag_len);
		if (err != MCX_OK)
			return mcx_ops_mech_ckr(err);
	}
	err = mcx_aes_gcm_final(g->stream, out);
	if (err == MCX_OK)
		*out_len = g->tag_len;
	return mcx_ops_mech_ckr(err);
}

const struct mcx_cipher_ops mcx_ops_gcm_cipher = {
    .init = gcm_init,
    .free = gcm_free,
    .oneshot_len = gcm_oneshot_len,
    .oneshot = gcm_oneshot,
    .update_len = gcm_update_len,
    .update = gcm_update,
    .final_len = gcm_final_len,
    .final = gcm_final,
};
