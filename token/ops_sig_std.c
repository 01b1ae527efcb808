/*
 * Sign handlers of the standard mechanisms: CKM_SHA256_HMAC (PKCS#11 3.0
 * §2.17, RFC 2104; a full 32-octet MAC), CKM_ECDSA (§2.3.6: the input is
 * the digest; single-part) and CKM_ECDSA_SHA256 (§2.3.7: SHA-256 then
 * ECDSA; multi-part), and CKM_ECDSA_SHA1 (§2.3.7) because OpenSC's
 * pkcs11-tool --test-ec signs with it (issue 2 runs that test); SHA-1 here
 * is the legacy hash-then-sign, offered for that interoperability only.
 * Signatures are r || s (§2.3.1).
 */
#include "config.h"

#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>

#include "common/wipe.h"
#include "mechanisms/digest.h"
#include "mechanisms/ec_p256.h"
#include "token/ops_internal.h"

/* CKM_ECDSA takes digests up to SHA-512's 64 octets (ECDSA uses the
 * leftmost 256 bits, FIPS 186-4 6.4). */
#define ECDSA_MAX_INPUT 64

struct sig_ctx {
	bool sign;
	struct mcx_digest *d; /* HMAC, or the hash of ECDSA_SHA* */
	uint8_t priv[MCX_EC_P256_PRIV_LEN];
	uint8_t pub[MCX_EC_P256_POINT_LEN];
	uint8_t buf[ECDSA_MAX_INPUT]; /* CKM_ECDSA input */
	size_t buf_len;
};

static void sig_free(void *p)
{
	struct sig_ctx *c = p;

	if (c == NULL)
		return;
	mcx_digest_free(c->d);
	mcx_wipe_free(c, sizeof(*c));
}

static CK_RV no_param(const CK_MECHANISM *mech)
{
	return mech->pParameter != NULL || mech->ulParameterLen != 0
		   ? CKR_MECHANISM_PARAM_INVALID
		   : CKR_OK;
}

static CK_RV hmac_init(const CK_MECHANISM *mech, struct mcx_object *key,
		       bool sign, void **out)
{
	const uint8_t *value = NULL;
	size_t len = 0;
	struct sig_ctx *c = NULL;
	CK_RV rv = no_param(mech);

	if (rv != CKR_OK)
		return rv;
	rv = mcx_ops_mech_value(key, &value, &len);
	if (rv != CKR_OK)
		return rv;
	c = calloc(1, sizeof(*c));
	if (c == NULL)
		return CKR_HOST_MEMORY;
	c->sign = sign;
	rv = mcx_ops_mech_ckr(mcx_digest_new(&c->d, value, len));
	if (rv != CKR_OK) {
		sig_free(c);
		return rv;
	}
	*out = c;
	return CKR_OK;
}

static CK_ULONG len_32(void *ctx)
{
	(void)ctx;
	return MCX_SHA256_LEN;
}

static CK_ULONG len_64(void *ctx)
{
	(void)ctx;
	return MCX_EC_P256_SIG_LEN;
}

static CK_RV digest_update(void *ctx, const CK_BYTE *data, CK_ULONG len)
{
	struct sig_ctx *c = ctx;

	return mcx_ops_mech_ckr(mcx_digest_update(c->d, data, len));
}

static CK_RV hmac_sign(void *ctx, CK_BYTE *sig)
{
	struct sig_ctx *c = ctx;

	return mcx_ops_mech_ckr(mcx_digest_final(c->d, sig));
}

static CK_RV hmac_verify(void *ctx, const CK_BYTE *sig, CK_ULONG len)
{
	struct sig_ctx *c = ctx;
	uint8_t mac[MCX_SHA256_LEN];
	CK_RV rv = CKR_SIGNATURE_LEN_RANGE;

	if (len != MCX_SHA256_LEN)
		return rv;
	rv = mcx_ops_mech_ckr(mcx_digest_final(c->d, mac));
	if (rv == CKR_OK && CRYPTO_memcmp(mac, sig, MCX_SHA256_LEN) != 0)
		rv = CKR_SIGNATURE_INVALID;
	mcx_wipe(mac, sizeof(mac));
	return rv;
}

/* The key material of an EC key: the private scalar (left-padded: other
 * tools store it without leading zero octets) or the public point. */
static CK_RV ec_key(struct sig_ctx *c, struct mcx_object *key)
{
	const void *v = NULL;
	size_t len = 0;
	CK_RV rv = CKR_OK;

	if (c->sign) {
		rv = mcx_ops_mech_value(key, (const uint8_t **)&v, &len);
		if (rv != CKR_OK)
			return rv;
		if (len == 0 || len > MCX_EC_P256_PRIV_LEN)
			return CKR_KEY_SIZE_RANGE;
		memcpy(c->priv + MCX_EC_P256_PRIV_LEN - len, v, len);
		return CKR_OK;
	}
	rv = mcx_object_attr(key, CKA_EC_POINT, &v, &len);
	if (rv == CKR_ATTRIBUTE_TYPE_INVALID)
		return CKR_KEY_TYPE_INCONSISTENT;
	if (rv != CKR_OK)
		return rv;
	return mcx_ops_mech_ckr(mcx_ec_p256_point_from_der(v, len, c->pub));
}

static CK_RV ecdsa_init_common(const CK_MECHANISM *mech, struct mcx_object *key,
			       bool sign, const char *hash, void **out)
{
	struct sig_ctx *c = NULL;
	CK_RV rv = no_param(mech);

	if (rv != CKR_OK)
		return rv;
	c = calloc(1, sizeof(*c));
	if (c == NULL)
		return CKR_HOST_MEMORY;
	c->sign = sign;
	rv = ec_key(c, key);
	if (rv == CKR_OK && hash != NULL)
		rv = mcx_ops_mech_ckr(mcx_digest_new_md(&c->d, hash));
	if (rv != CKR_OK) {
		sig_free(c);
		return rv;
	}
	*out = c;
	return CKR_OK;
}

static CK_RV ecdsa_init(const CK_MECHANISM *mech, struct mcx_object *key,
			bool sign, void **out)
{
	return ecdsa_init_common(mech, key, sign, NULL, out);
}

static CK_RV ecdsa_sha256_init(const CK_MECHANISM *mech, struct mcx_object *key,
			       bool sign, void **out)
{
	return ecdsa_init_common(mech, key, sign, "SHA256", out);
}

static CK_RV ecdsa_sha1_init(const CK_MECHANISM *mech, struct mcx_object *key,
			     bool sign, void **out)
{
	return ecdsa_init_common(mech, key, sign, "SHA1", out);
}

static CK_RV ecdsa_update(void *ctx, const CK_BYTE *data, CK_ULONG len)
{
	struct sig_ctx *c = ctx;

	if (len > ECDSA_MAX_INPUT - c->buf_len)
		return CKR_DATA_LEN_RANGE;
	if (len > 0)
		memcpy(c->buf + c->buf_len, data, len);
	c->buf_len += len;
	return CKR_OK;
}

/* The digest to sign or verify: the input itself (CKM_ECDSA) or SHA-256
 * of it. */
static CK_RV ecdsa_digest(struct sig_ctx *c, const uint8_t **dgst, size_t *len)
{
	if (c->d == NULL) {
		if (c->buf_len == 0)
			return CKR_DATA_LEN_RANGE;
		*dgst = c->buf;
		*len = c->buf_len;
		return CKR_OK;
	}
	*dgst = c->buf;
	*len = mcx_digest_len(c->d);
	return mcx_ops_mech_ckr(mcx_digest_final(c->d, c->buf));
}

static CK_RV ecdsa_sign(void *ctx, CK_BYTE *sig)
{
	struct sig_ctx *c = ctx;
	const uint8_t *dgst = NULL;
	size_t len = 0;
	CK_RV rv = ecdsa_digest(c, &dgst, &len);

	if (rv != CKR_OK)
		return rv;
	return mcx_ops_mech_ckr(mcx_ec_p256_sign(c->priv, dgst, len, sig));
}

static CK_RV ecdsa_verify(void *ctx, const CK_BYTE *sig, CK_ULONG sig_len)
{
	struct sig_ctx *c = ctx;
	const uint8_t *dgst = NULL;
	size_t len = 0;
	CK_RV rv = CKR_SIGNATURE_LEN_RANGE;

	if (sig_len != MCX_EC_P256_SIG_LEN)
		return rv;
	rv = ecdsa_digest(c, &dgst, &len);
	if (rv != CKR_OK)
		return rv;
	return mcx_ops_mech_ckr(
	    mcx_ec_p256_verify(c->pub, dgst, len, sig, sig_len));
}

const struct mcx_sign_ops mcx_ops_sig_std_hmac = {
    .init = hmac_init,
    .free = sig_free,
    .multi_part = true,
    .sig_len = len_32,
    .update = digest_update,
    .sign = hmac_sign,
    .verify = hmac_verify,
};

const struct mcx_sign_ops mcx_ops_sig_std_ecdsa = {
    .init = ecdsa_init,
    .free = sig_free,
    .multi_part = false,
    .sig_len = len_64,
    .update = ecdsa_update,
    .sign = ecdsa_sign,
    .verify = ecdsa_verify,
};

const struct mcx_sign_ops mcx_ops_sig_std_ecdsa_sha256 = {
    .init = ecdsa_sha256_init,
    .free = sig_free,
    .multi_part = true,
    .sig_len = len_64,
    .update = digest_update,
    .sign = ecdsa_sign,
    .verify = ecdsa_verify,
};

const struct mcx_sign_ops mcx_ops_sig_std_ecdsa_sha1 = {
    .init = ecdsa_sha1_init,
    .free = sig_free,
    .multi_part = true,
    .sig_len = len_64,
    .update = digest_update,
    .sign = ecdsa_sign,
    .verify = ecdsa_verify,
};
