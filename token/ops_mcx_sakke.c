/*
 * CKM_MCX_SAKKE: raw SAKKE key wrapping (RFC 6508 §6.2, RFC 6509,
 * MCX-REFERENCE §3 and decision a) through C_WrapKey / C_UnwrapKey, and the
 * MCX key export policy.
 *
 * Wrap: the wrapping key is a KMS's public CKK_MCX_SAKKE object (Z_T) held
 * in the token, the key a CKK_MCX_KEY whose 16 octets are the SSV; the
 * output is the SED R || H (273 octets) for the receiver identifier of
 * CK_MCX_SAKKE_PARAMS.  Unwrap: the unwrapping key is the receiver's RSK;
 * the SSV is returned only if the re-encapsulation check passes, else
 * CKR_MCX_DECAPSULATION_FAILED and nothing is stored.  A readable SSV
 * (template CKA_SENSITIVE false) needs CKA_MCX_ALLOW_SSV_EXPORT on the RSK
 * and a session object, else CKR_KEY_FUNCTION_NOT_PERMITTED.
 *
 * Cached per object (ops_mcx_cache.c): 'Z' || unique id, the KMS with its
 * comb table; 'R' || unique id, the RSK with its pairing table.
 */
#include "config.h"

#include <string.h>

#include "common/wipe.h"
#include "mechanisms/sakke.h"
#include "token/entry.h"
#include "token/ops_internal.h"
#include "token/ops_mcx.h"

/* Engine state built from a key object's CKA_VALUE: the KMS with its Z_T
 * comb table, or the RSK with its pairing table (RFC 6508 §6.2). */
static enum mcx_mech_err kms_build(const uint8_t *v, size_t len, void **out)
{
	struct mcx_sakke_kms *kms = NULL;
	enum mcx_mech_err e = mcx_sakke_kms_new(v, len, &kms);

	if (e == MCX_OK)
		e = mcx_sakke_kms_build_table(kms);
	if (e != MCX_OK)
		mcx_sakke_kms_free(kms);
	else
		*out = kms;
	return e;
}

static void kms_free(void *p)
{
	mcx_sakke_kms_free(p);
}

static enum mcx_mech_err rsk_build(const uint8_t *v, size_t len, void **out)
{
	struct mcx_sakke_rsk *rsk = NULL;
	enum mcx_mech_err e = mcx_sakke_rsk_new(v, len, &rsk);

	if (e == MCX_OK)
		e = mcx_sakke_rsk_precompute(rsk);
	if (e != MCX_OK)
		mcx_sakke_rsk_free(rsk);
	else
		*out = rsk;
	return e;
}

static void rsk_free(void *p)
{
	mcx_sakke_rsk_free(p);
}

CK_RV mcx_ops_mcx_wrap_policy(CK_MECHANISM_TYPE mech,
			      struct mcx_object *wrapping_key,
			      struct mcx_object *key)
{
	CK_KEY_TYPE kt = mcx_object_key_type(key);
	if (kt == CKK_MCX_RGK_SEED)
		return mcx_ops_mcx_rgk_wrap_policy(mech, wrapping_key, key);
	if (kt != CKK_MCX_KEY)
		return CKR_OK;
	/* issue 5 policy: an MCX key leaves the token only SAKKE-wrapped
	 * to a KMS certificate the token holds */
	if (mech != CKM_MCX_SAKKE && mech != CKM_MCX_MIKEY_SAKKE)
		return CKR_KEY_NOT_WRAPPABLE;
	/* a revoked key is used by no mechanism (issue 5) */
	if (mcx_object_bool(key, CKA_MCX_REVOKED, false) ||
	    mcx_object_ulong(key, CKA_MCX_STATUS, CKS_MCX_ACTIVE) ==
		CKS_MCX_REVOKED)
		return CKR_MCX_KEY_REVOKED;
	if (mech == CKM_MCX_SAKKE &&
	    !mcx_object_bool(wrapping_key, CKA_TOKEN, false))
		return CKR_KEY_NOT_WRAPPABLE;
	return CKR_OK;
}

/* The identifier of CK_MCX_SAKKE_PARAMS (1..128 octets, RFC 6508 b). */
static CK_RV params_id(const CK_MECHANISM *mech, const uint8_t **id,
		       size_t *len)
{
	const CK_MCX_SAKKE_PARAMS *p = mech->pParameter;
	if (p == NULL || mech->ulParameterLen != sizeof(*p) ||
	    p->pIdentifier == NULL || p->ulIdentifierLen == 0 ||
	    p->ulIdentifierLen > MCX_SAKKE_FP_LEN)
		return CKR_MECHANISM_PARAM_INVALID;
	*id = p->pIdentifier;
	*len = p->ulIdentifierLen;
	return CKR_OK;
}

/* obj's engine state from the cache (tag || CKA_UNIQUE_ID), built from
 * its CKA_VALUE and cached on a miss; a reference in *ent. */
static CK_RV
state_of(struct mcx_object *obj, uint8_t tag,
	 enum mcx_mech_err (*build)(const uint8_t *, size_t, void **),
	 void (*free_fn)(void *), void **out, struct mcx_ops_mcx_entry **ent)
{
	uint8_t key[33];
	const uint8_t *v = NULL;
	size_t len = 0;
	void *state = NULL;
	enum mcx_mech_err e = MCX_OK;
	CK_RV rv = mcx_ops_mcx_unique_id(obj, tag, key);

	if (rv != CKR_OK)
		return rv;
	*out = mcx_ops_mcx_cache_get(key, sizeof(key), ent);
	if (*out != NULL)
		return CKR_OK;
	rv = mcx_ops_mech_value(obj, &v, &len);
	if (rv != CKR_OK)
		return rv;
	e = build(v, len, &state);
	if (e != MCX_OK)
		return e == MCX_ERR_NOMEM ? CKR_HOST_MEMORY
					  : CKR_MCX_KEY_VALIDATION_FAILED;
	*out = mcx_ops_mcx_cache_put(key, sizeof(key), state, free_fn, ent);
	return *out != NULL ? CKR_OK : CKR_HOST_MEMORY;
}

static CK_RV kms_of(struct mcx_object *obj, struct mcx_sakke_kms **out,
		    struct mcx_ops_mcx_entry **ent)
{
	void *state = NULL;
	CK_RV rv = state_of(obj, 'Z', kms_build, kms_free, &state, ent);

	*out = state;
	return rv;
}

static CK_RV rsk_of(struct mcx_object *obj, struct mcx_sakke_rsk **out,
		    struct mcx_ops_mcx_entry **ent)
{
	void *state = NULL;
	CK_RV rv = state_of(obj, 'R', rsk_build, rsk_free, &state, ent);

	*out = state;
	return rv;
}

/* Exported for the MIKEY mechanisms (ops_mcx.h): the same cache entries. */
CK_RV mcx_ops_mcx_sakke_kms_get(struct mcx_object *kms_obj,
				struct mcx_sakke_kms **out,
				struct mcx_ops_mcx_entry **ent)
{
	return kms_of(kms_obj, out, ent);
}

CK_RV mcx_ops_mcx_sakke_rsk_get(struct mcx_object *rsk_obj,
				struct mcx_sakke_rsk **out,
				struct mcx_ops_mcx_entry **ent)
{
	return rsk_of(rsk_obj, out, ent);
}

static CK_RV sakke_wrap(struct mcx_session *s, const CK_MECHANISM *mech,
			struct mcx_object *wrapping_key, struct mcx_object *key,
			CK_BYTE *out, CK_ULONG *out_len)
{
	const uint8_t *id = NULL, *ssv = NULL;
	size_t id_len = 0, ssv_len = 0;
	struct mcx_sakke_kms *kms = NULL;
	struct mcx_ops_mcx_entry *ent = NULL;
	bool produce = false;
	(void)s;
	CK_RV rv = params_id(mech, &id, &id_len);
	if (rv != CKR_OK)
		return rv;
	if (mcx_object_key_type(key) != CKK_MCX_KEY)
		return CKR_KEY_NOT_WRAPPABLE;
	rv = mcx_ops_mech_out_len(out, out_len, MCX_SAKKE_SED_LEN, &produce);
	if (rv != CKR_OK || !produce)
		return rv;
	rv = mcx_ops_mech_value(key, &ssv, &ssv_len);
	if (rv != CKR_OK)
		return rv;
	if (ssv_len != MCX_SAKKE_SSV_LEN)
		return CKR_KEY_SIZE_RANGE;
	rv = kms_of(wrapping_key, &kms, &ent);
	if (rv == CKR_OK)
		rv = mcx_ops_mech_ckr(
		    mcx_sakke_encapsulate(kms, id, id_len, ssv, out));
	if (rv == CKR_OK)
		*out_len = MCX_SAKKE_SED_LEN;
	mcx_ops_mcx_cache_release(ent);
	return rv;
}

static bool tmpl_bool_is(const CK_ATTRIBUTE *tmpl, CK_ULONG n,
			 CK_ATTRIBUTE_TYPE t, CK_BBOOL v)
{
	const CK_ATTRIBUTE *a = mcx_template_find(tmpl, n, t);
	return a != NULL && a->pValue != NULL &&
	       a->ulValueLen == sizeof(CK_BBOOL) &&
	       *(const CK_BBOOL *)a->pValue == v;
}

/* An SSV the caller can read (CKA_SENSITIVE false: the OpenSSL provider's
 * SAKKE decapsulation, issue 7) comes only from an RSK whose
 * CKA_MCX_ALLOW_SSV_EXPORT is true, and only into a session object;
 * otherwise the key stays inside like every MCX key (PRODUCT.md). */
static CK_RV ssv_export_policy(struct mcx_object *rsk_obj,
			       const CK_ATTRIBUTE *tmpl, CK_ULONG n)
{
	if (!tmpl_bool_is(tmpl, n, CKA_SENSITIVE, CK_FALSE))
		return CKR_OK;
	if (tmpl_bool_is(tmpl, n, CKA_TOKEN, CK_TRUE) ||
	    !mcx_object_bool(rsk_obj, CKA_MCX_ALLOW_SSV_EXPORT, false))
		return CKR_KEY_FUNCTION_NOT_PERMITTED;
	return CKR_OK;
}

static CK_RV sakke_unwrap(struct mcx_session *s, const CK_MECHANISM *mech,
			  struct mcx_object *rsk_obj, const CK_BYTE *in,
			  CK_ULONG in_len, const CK_ATTRIBUTE *tmpl, CK_ULONG n,
			  CK_OBJECT_HANDLE *key)
{
	const uint8_t *id = NULL;
	const void *kms_uri = NULL;
	size_t id_len = 0, kms_len = 0;
	struct mcx_object *kms_obj = NULL;
	struct mcx_sakke_kms *kms = NULL;
	struct mcx_sakke_rsk *rsk = NULL;
	struct mcx_ops_mcx_entry *kent = NULL, *rent = NULL;
	CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	CK_KEY_TYPE kt = CKK_MCX_KEY;
	CK_ULONG len = MCX_SAKKE_SSV_LEN, purpose = 0;
	uint8_t ssv[MCX_SAKKE_SSV_LEN] = {0};
	CK_ATTRIBUTE implied[5];
	struct mcx_key_spec spec;
	CK_RV rv = CKR_OK;

	if (mech->pParameter != NULL) {
		rv = params_id(mech, &id, &id_len);
	} else {
		const void *uid = NULL;
		rv = mcx_object_attr(rsk_obj, CKA_MCX_UID, &uid, &id_len);
		id = uid;
	}
	if (rv != CKR_OK)
		goto out;
	if (in_len != MCX_SAKKE_SED_LEN && in_len != MCX_SAKKE_SED_SHORT_LEN) {
		rv = CKR_WRAPPED_KEY_LEN_RANGE;
		goto out;
	}
	const CK_ATTRIBUTE *p = mcx_template_find(tmpl, n, CKA_MCX_KEY_PURPOSE);
	if (p == NULL) {
		rv = CKR_TEMPLATE_INCOMPLETE;
		goto out;
	}
	if (p->pValue == NULL || p->ulValueLen != sizeof(purpose)) {
		rv = CKR_ATTRIBUTE_VALUE_INVALID;
		goto out;
	}
	memcpy(&purpose, p->pValue, sizeof(purpose));
	if (purpose > CKP_MCX_MUSIK) {
		rv = CKR_ATTRIBUTE_VALUE_INVALID;
		goto out;
	}
	rv = ssv_export_policy(rsk_obj, tmpl, n);
	if (rv != CKR_OK)
		goto out;
	rv = mcx_object_attr(rsk_obj, CKA_MCX_KMS_URI, &kms_uri, &kms_len);
	if (rv == CKR_ATTRIBUTE_TYPE_INVALID)
		rv = CKR_MCX_UNKNOWN_KMS;
	if (rv == CKR_OK)
		rv = mcx_ops_mcx_find_kms(s, CKK_MCX_SAKKE, kms_uri, kms_len,
					  &kms_obj);
	if (rv == CKR_OK)
		rv = kms_of(kms_obj, &kms, &kent);
	if (rv == CKR_OK)
		rv = rsk_of(rsk_obj, &rsk, &rent);
	if (rv != CKR_OK)
		goto out;
	enum mcx_mech_err e =
	    mcx_sakke_decapsulate(kms, rsk, id, id_len, in, in_len, ssv);
	if (e != MCX_OK) {
		/* RFC 6508 §6.2.2 step 4: only a checked SSV comes out */
		rv = e == MCX_ERR_NOMEM ? CKR_HOST_MEMORY
					: CKR_MCX_DECAPSULATION_FAILED;
		goto out;
	}
	implied[0] = (CK_ATTRIBUTE){CKA_CLASS, &cls, sizeof(cls)};
	implied[1] = (CK_ATTRIBUTE){CKA_KEY_TYPE, &kt, sizeof(kt)};
	implied[2] = (CK_ATTRIBUTE){CKA_VALUE, ssv, sizeof(ssv)};
	implied[3] = (CK_ATTRIBUTE){CKA_VALUE_LEN, &len, sizeof(len)};
	implied[4] =
	    (CK_ATTRIBUTE){CKA_MCX_KEY_PURPOSE, &purpose, sizeof(purpose)};
	memset(&spec, 0, sizeof(spec));
	spec.tmpl = tmpl;
	spec.n_tmpl = n;
	spec.implied = implied;
	spec.n_implied = 5;
	spec.origin = MCX_ORIGIN_UNWRAPPED;
	spec.mechanism = mech->mechanism;
	spec.unwrapping_key = rsk_obj;
	rv = mcx_object_create_key(s, &spec, key);
out:
	mcx_wipe(ssv, sizeof(ssv));
	mcx_ops_mcx_cache_release(rent);
	mcx_ops_mcx_cache_release(kent);
	mcx_object_put(kms_obj);
	return rv;
}

const struct mcx_wrap_ops mcx_ops_mcx_sakke = {
    .wrap = sakke_wrap,
    .unwrap = sakke_unwrap,
};
