/*
 * CKM_MCX_ECCSI: ECCSI signatures (RFC 6507, MCX-REFERENCE §2) through
 * C_Sign* / C_Verify*, single- and multi-part.
 *
 * Signing key: a private CKK_MCX_ECCSI object (SSK, CKA_MCX_PVT, signer ID =
 * CKA_MCX_UID), validated against the KPAK of its KMS when it was created
 * (ops_mcx_ident.c).  Verifying key: the KMS's public CKK_MCX_ECCSI object
 * (KPAK) with CK_MCX_ECCSI_PARAMS naming the signer.
 *
 * Engine state is cached per object (ops_mcx_cache.c) so that a GMS
 * signing many messages validates its SSK once and a receiver computes
 * Y = [HS]PVT + KPAK once per signer (RFC 6507 §5.2.2 step 4):
 *   'S' || unique id               the mcx_eccsi_signer (holds the SSK)
 *   'K' || unique id               the parsed KPAK
 *   'V' || unique id || signer ID  the mcx_eccsi_verifier
 * A verifier is made from the PVT of the first signature seen; a later
 * signature with another PVT is verified the slow way by the engine.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "common/wipe.h"
#include "mechanisms/eccsi.h"
#include "token/ops_internal.h"
#include "token/ops_mcx.h"

#define MAX_ID_LEN 96 /* the cache key (33 + ID) fits its 160 octets */

struct eccsi_ctx {
	bool sign;
	struct mcx_ops_mcx_entry *ent; /* signer (sign) or KPAK (verify) */
	struct mcx_eccsi_sign_ctx *sctx;
	struct mcx_eccsi_kpak *kpak;   /* verify: owned by ent */
	uint8_t vkey[33 + MAX_ID_LEN]; /* verifier cache key */
	size_t vkey_len;
	uint8_t *msg; /* verify: the message, collected */
	size_t len, cap;
};

static void signer_free(void *p)
{
	mcx_eccsi_signer_free(p);
}

static void kpak_free(void *p)
{
	mcx_eccsi_kpak_free(p);
}

static void verifier_free(void *p)
{
	mcx_eccsi_verifier_free(p);
}

static CK_RV err_ckr(enum mcx_mech_err e)
{
	return e == MCX_ERR_NOMEM ? CKR_HOST_MEMORY
				  : CKR_MCX_KEY_VALIDATION_FAILED;
}

/* The KPAK of the KMS named by key's CKA_MCX_KMS_URI (for a signer) or of
 * the key itself (for a verifier), cached; reference in *ent. */
static CK_RV kpak_of(struct mcx_object *kpak_obj, struct mcx_eccsi_kpak **out,
		     struct mcx_ops_mcx_entry **ent)
{
	uint8_t key[33];
	const uint8_t *v = NULL;
	size_t len = 0;
	struct mcx_eccsi_kpak *kpak = NULL;
	CK_RV rv = mcx_ops_mcx_unique_id(kpak_obj, 'K', key);
	if (rv != CKR_OK)
		return rv;
	*out = mcx_ops_mcx_cache_get(key, sizeof(key), ent);
	if (*out != NULL)
		return CKR_OK;
	rv = mcx_ops_mech_value(kpak_obj, &v, &len);
	if (rv != CKR_OK)
		return rv;
	enum mcx_mech_err e = mcx_eccsi_kpak_new(&kpak, v, len);
	if (e != MCX_OK)
		return err_ckr(e);
	*out = mcx_ops_mcx_cache_put(key, sizeof(key), kpak, kpak_free, ent);
	return *out != NULL ? CKR_OK : CKR_HOST_MEMORY;
}

static CK_RV signer_of(struct mcx_object *key, struct mcx_eccsi_signer **out,
		       struct mcx_ops_mcx_entry **ent)
{
	uint8_t ck[33];
	const uint8_t *ssk = NULL;
	const void *pvt = NULL, *uid = NULL, *kms_uri = NULL;
	size_t ssk_len = 0, pvt_len = 0, uid_len = 0, kms_len = 0;
	struct mcx_object *kms = NULL;
	struct mcx_eccsi_kpak *kpak = NULL;
	struct mcx_ops_mcx_entry *kent = NULL;
	struct mcx_eccsi_signer *signer = NULL;
	CK_RV rv = mcx_ops_mcx_unique_id(key, 'S', ck);
	if (rv != CKR_OK)
		return rv;
	*out = mcx_ops_mcx_cache_get(ck, sizeof(ck), ent);
	if (*out != NULL)
		return CKR_OK;
	rv = mcx_ops_mech_value(key, &ssk, &ssk_len);
	if (rv == CKR_OK)
		rv = mcx_object_attr(key, CKA_MCX_PVT, &pvt, &pvt_len);
	if (rv == CKR_OK)
		rv = mcx_object_attr(key, CKA_MCX_UID, &uid, &uid_len);
	if (rv == CKR_OK)
		rv = mcx_object_attr(key, CKA_MCX_KMS_URI, &kms_uri, &kms_len);
	if (rv == CKR_ATTRIBUTE_TYPE_INVALID)
		rv = CKR_KEY_TYPE_INCONSISTENT;
	if (rv == CKR_OK)
		rv = mcx_ops_mcx_find_kms_near(key, CKK_MCX_ECCSI, kms_uri,
					       kms_len, &kms);
	if (rv == CKR_OK)
		rv = kpak_of(kms, &kpak, &kent);
	if (rv != CKR_OK)
		goto out;
	/* RFC 6507 §5.1.2 again: the KMS object may have been replaced
	 * since the key was created */
	enum mcx_mech_err e = mcx_eccsi_signer_new(&signer, kpak, uid, uid_len,
						   ssk, ssk_len, pvt, pvt_len);
	if (e != MCX_OK) {
		rv = err_ckr(e);
		goto out;
	}
	*out = mcx_ops_mcx_cache_put(ck, sizeof(ck), signer, signer_free, ent);
	if (*out == NULL)
		rv = CKR_HOST_MEMORY;
out:
	mcx_ops_mcx_cache_release(kent);
	mcx_object_put(kms);
	return rv;
}

/* Exported for the MIKEY mechanisms (ops_mcx.h): the same cache entries. */
CK_RV mcx_ops_mcx_eccsi_signer_get(struct mcx_object *key,
				   struct mcx_eccsi_signer **out,
				   struct mcx_ops_mcx_entry **ent)
{
	return signer_of(key, out, ent);
}

CK_RV mcx_ops_mcx_eccsi_kpak_get(struct mcx_object *kpak_obj,
				 struct mcx_eccsi_kpak **out,
				 struct mcx_ops_mcx_entry **ent)
{
	return kpak_of(kpak_obj, out, ent);
}

static void eccsi_free(void *p)
{
	struct eccsi_ctx *c = p;
	if (c == NULL)
		return;
	mcx_eccsi_sign_ctx_free(c->sctx);
	mcx_ops_mcx_cache_release(c->ent);
	free(c->msg);
	free(c);
}

static CK_RV eccsi_init(const CK_MECHANISM *mech, struct mcx_object *key,
			bool sign, void **ctx)
{
	struct eccsi_ctx *c = calloc(1, sizeof(*c));
	CK_RV rv = CKR_OK;
	if (c == NULL)
		return CKR_HOST_MEMORY;
	c->sign = sign;
	if (sign) {
		struct mcx_eccsi_signer *signer = NULL;
		rv = signer_of(key, &signer, &c->ent);
		if (rv == CKR_OK &&
		    mcx_eccsi_sign_init(&c->sctx, signer) != MCX_OK)
			rv = CKR_FUNCTION_FAILED;
	} else {
		const CK_MCX_ECCSI_PARAMS *p = mech->pParameter;
		if (p == NULL || mech->ulParameterLen != sizeof(*p) ||
		    p->pSignerId == NULL || p->ulSignerIdLen == 0 ||
		    p->ulSignerIdLen > MAX_ID_LEN) {
			rv = CKR_MECHANISM_PARAM_INVALID;
			goto out;
		}
		rv = mcx_ops_mcx_unique_id(key, 'V', c->vkey);
		if (rv != CKR_OK)
			goto out;
		memcpy(c->vkey + 33, p->pSignerId, p->ulSignerIdLen);
		c->vkey_len = 33 + p->ulSignerIdLen;
		rv = kpak_of(key, &c->kpak, &c->ent);
	}
out:
	if (rv != CKR_OK) {
		eccsi_free(c);
		return rv;
	}
	*ctx = c;
	return CKR_OK;
}

static CK_ULONG eccsi_sig_len(void *ctx)
{
	(void)ctx;
	return MCX_ECCSI_SIG_LEN;
}

static CK_RV eccsi_update(void *ctx, const CK_BYTE *data, CK_ULONG len)
{
	struct eccsi_ctx *c = ctx;
	if (c->sign)
		return mcx_eccsi_sign_update(c->sctx, data, len) == MCX_OK
			   ? CKR_OK
			   : CKR_FUNCTION_FAILED;
	if (len > SIZE_MAX - c->len)
		return CKR_DATA_LEN_RANGE;
	if (c->len + len > c->cap) {
		size_t cap = c->cap ? c->cap : 256;
		while (cap < c->len + len)
			cap = cap > SIZE_MAX / 2 ? c->len + len : cap * 2;
		uint8_t *m = realloc(c->msg, cap);
		if (m == NULL)
			return CKR_HOST_MEMORY;
		c->msg = m;
		c->cap = cap;
	}
	if (len > 0)
		memcpy(c->msg + c->len, data, len);
	c->len += len;
	return CKR_OK;
}

static CK_RV eccsi_sign(void *ctx, CK_BYTE *sig)
{
	struct eccsi_ctx *c = ctx;
	enum mcx_mech_err e = mcx_eccsi_sign_final(c->sctx, sig);
	if (e != MCX_OK) {
		mcx_wipe(sig, MCX_ECCSI_SIG_LEN);
		return CKR_FUNCTION_FAILED;
	}
	return CKR_OK;
}

static CK_RV eccsi_verify(void *ctx, const CK_BYTE *sig, CK_ULONG len)
{
	struct eccsi_ctx *c = ctx;
	struct mcx_ops_mcx_entry *vent = NULL;
	struct mcx_eccsi_verifier *v = NULL;
	enum mcx_mech_err e = MCX_OK;
	CK_RV rv = CKR_OK;

	if (len != MCX_ECCSI_SIG_LEN)
		return CKR_SIGNATURE_LEN_RANGE;
	v = mcx_ops_mcx_cache_get(c->vkey, c->vkey_len, &vent);
	if (v == NULL) {
		/* first signature of this signer: the PVT it carries
		 * (sig = r || s || PVT) anchors the cached Y */
		e = mcx_eccsi_verifier_new(
		    &v, c->kpak, c->vkey + 33, c->vkey_len - 33,
		    sig + 2 * MCX_ECCSI_N, MCX_ECCSI_POINT_LEN);
		if (e != MCX_OK) {
			/* a PVT off the curve: no signature of ours */
			rv = e == MCX_ERR_NOMEM ? CKR_HOST_MEMORY
						: CKR_SIGNATURE_INVALID;
			goto out;
		}
		v = mcx_ops_mcx_cache_put(c->vkey, c->vkey_len, v,
					  verifier_free, &vent);
		if (v == NULL) {
			rv = CKR_HOST_MEMORY;
			goto out;
		}
	}
	e = mcx_eccsi_verifier_verify(v, c->msg, c->len, sig, len);
	switch (e) {
	case MCX_OK:
		rv = CKR_OK;
		break;
	case MCX_ERR_NOMEM:
		rv = CKR_HOST_MEMORY;
		break;
	case MCX_ERR_CRYPTO:
		rv = CKR_FUNCTION_FAILED;
		break;
	default:
		/* RFC 6507 §5.2.2: bad encoding, range or equation */
		rv = CKR_SIGNATURE_INVALID;
		break;
	}
out:
	mcx_ops_mcx_cache_release(vent);
	return rv;
}

const struct mcx_sign_ops mcx_ops_mcx_eccsi = {
    .init = eccsi_init,
    .free = eccsi_free,
    .multi_part = true,
    .sig_len = eccsi_sig_len,
    .update = eccsi_update,
    .sign = eccsi_sign,
    .verify = eccsi_verify,
};
