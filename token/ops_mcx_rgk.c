/*
 * Regroup keys in the token (issue 6; MCX-REFERENCE §5.7, §7, project
 * decisions c and f):
 *
 *   CKM_MCX_RGK_SEED_GEN  C_GenerateKey: a random CKK_MCX_RGK_SEED object
 *   CKM_MCX_XPK_WRAP      C_WrapKey / C_UnwrapKey of a seed under a CSK or
 *                         MuSiK (CKK_MCX_KEY): IV || GCM ciphertext || tag,
 *                         44 octets; C_WrapKey may name more targets
 *                         (CK_MCX_XPK_WRAP_PARAMS.phTargets) and then
 *                         returns one protected seed per target
 *   CKM_MCX_RGK_DERIVE    C_DeriveKey: RGK = last 16 octets of
 *                         HMAC-SHA-256(GMK, seed), a sensitive CKK_AES key
 *
 * A seed is always sensitive and never extractable (attr_policy.c); the
 * only way out of the token is CKM_MCX_XPK_WRAP under a key whose purpose
 * is CSK or MuSiK (mcx_ops_mcx_rgk_wrap_policy).  A seed whose
 * CKA_MCX_EXPIRY has passed belongs to a regroup that has ended: every use
 * is refused with CKR_MCX_REGROUP_ENDED.  Ending a regroup early is
 * C_DestroyObject of its seed (audited by the entry point).
 *
 * Audit: the entry points write one record per call (C_WrapKey names the
 * seed, C_UnwrapKey / C_GenerateKey / C_DeriveKey the new key); a batch
 * wrap for N targets is one call and one record, and a refused target is
 * recorded on its own, naming that target.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/wipe.h"
#include "mechanisms/rgk.h"
#include "token/entry.h"
#include "token/ops_internal.h"
#include "token/ops_mcx.h"

/* Largest batch of one C_WrapKey call: 65536 targets = 2.8 MiB of output,
 * far above any regroup, and it bounds the allocation. */
#define MAX_TARGETS 65536UL

static CK_ULONG now_unix(void)
{
	time_t t = time(NULL);

	return t > 0 ? (CK_ULONG)t : 0;
}

/* CKA_MCX_EXPIRY of a seed: 0 = none (decision d's convention). */
static bool seed_ended(struct mcx_object *seed)
{
	CK_ULONG expiry = mcx_object_ulong(seed, CKA_MCX_EXPIRY, 0);

	return expiry != 0 && now_unix() >= expiry;
}

/* the shared revocation test (engineer MR, ops_mcx_keystore.c) */
static bool is_revoked(struct mcx_object *obj)
{
	return mcx_ops_mcx_keystore_revoked(obj);
}

/* Is xpk a key a seed may be protected under (decision c: a CSK or a
 * MuSiK)? */
static bool is_xpk(struct mcx_object *xpk)
{
	CK_ULONG purpose = 0;

	if (mcx_object_class(xpk) != CKO_SECRET_KEY ||
	    mcx_object_key_type(xpk) != CKK_MCX_KEY)
		return false;
	purpose = mcx_object_ulong(xpk, CKA_MCX_KEY_PURPOSE,
				   CK_UNAVAILABLE_INFORMATION);
	return purpose == CKP_MCX_CSK || purpose == CKP_MCX_MUSIK;
}

CK_RV mcx_ops_mcx_rgk_wrap_policy(CK_MECHANISM_TYPE mech,
				  struct mcx_object *wrapping_key,
				  struct mcx_object *key)
{
	if (mcx_object_key_type(key) != CKK_MCX_RGK_SEED)
		return CKR_OK;
	/* PRODUCT.md: a seed leaves only under a CSK or MuSiK */
	if (mech != CKM_MCX_XPK_WRAP || !is_xpk(wrapping_key))
		return CKR_KEY_NOT_WRAPPABLE;
	if (is_revoked(key))
		return CKR_MCX_KEY_REVOKED;
	if (seed_ended(key))
		return CKR_MCX_REGROUP_ENDED;
	return CKR_OK;
}

/* ---- One XPK as the pure code wants it --------------------------------- */

/* The XPK's value, P0 and XPK-ID (pointers into obj, valid until
 * mcx_object_put).  p0 given (non-NULL) wins over CKA_MCX_SENDER_URI
 * (CK_MCX_XPK_WRAP_PARAMS).  bad: the CKR when the key cannot serve
 * (CKR_WRAPPING_KEY_TYPE_INCONSISTENT or the unwrap variant). */
static CK_RV xpk_of(struct mcx_object *obj, const CK_BYTE *p0, CK_ULONG p0_len,
		    CK_RV bad, struct mcx_rgk_xpk *x)
{
	const void *id = NULL, *sender = NULL;
	const uint8_t *value = NULL;
	size_t id_len = 0, value_len = 0, sender_len = 0;
	CK_RV rv = CKR_OK;

	if (!is_xpk(obj))
		return bad;
	rv = mcx_ops_mech_value(obj, &value, &value_len);
	if (rv != CKR_OK)
		return rv;
	if (value_len != MCX_RGK_XPK_LEN)
		return bad;
	/* decision c: P1 = the 4-octet XPK-ID (CSK-ID / MuSiK-ID) */
	rv = mcx_object_attr(obj, CKA_MCX_KEY_ID, &id, &id_len);
	if (rv == CKR_ATTRIBUTE_TYPE_INVALID || id_len != MCX_RGK_XPK_ID_LEN)
		return bad;
	if (rv != CKR_OK)
		return rv;
	if (p0 == NULL) {
		rv = mcx_object_attr(obj, CKA_MCX_SENDER_URI, &sender,
				     &sender_len);
		if (rv == CKR_ATTRIBUTE_TYPE_INVALID || sender_len == 0)
			return CKR_MECHANISM_PARAM_INVALID;
		if (rv != CKR_OK)
			return rv;
		p0 = sender;
		p0_len = sender_len;
	}
	/* the KDF's L0 is two octets */
	if (p0_len == 0 || p0_len > 0xffffUL)
		return CKR_MECHANISM_PARAM_INVALID;
	x->key = value;
	x->p0 = p0;
	x->p0_len = p0_len;
	x->id = id;
	return CKR_OK;
}

/* CK_MCX_XPK_WRAP_PARAMS, or all defaults when absent. */
static CK_RV params_of(const CK_MECHANISM *mech, CK_MCX_XPK_WRAP_PARAMS *p)
{
	memset(p, 0, sizeof(*p));
	if (mech->pParameter == NULL && mech->ulParameterLen == 0)
		return CKR_OK;
	if (mech->pParameter == NULL || mech->ulParameterLen != sizeof(*p))
		return CKR_MECHANISM_PARAM_INVALID;
	memcpy(p, mech->pParameter, sizeof(*p));
	if ((p->pP0 == NULL && p->ulP0Len != 0) ||
	    (p->pP0 != NULL && p->ulP0Len == 0) ||
	    (p->phTargets == NULL && p->ulTargets != 0) ||
	    p->ulTargets > MAX_TARGETS)
		return CKR_MECHANISM_PARAM_INVALID;
	/* one P0 cannot be every target's: each brings its own */
	if (p->ulTargets != 0 && p->pP0 != NULL)
		return CKR_MECHANISM_PARAM_INVALID;
	return CKR_OK;
}

/* ---- CKM_MCX_XPK_WRAP: C_WrapKey ---------------------------------------- */

/* One further target of a batch: the checks C_WrapKey makes of its
 * wrapping key (mcx_ops_mech_key: handle, type, CKA_WRAP, revoked,
 * CKA_ALLOWED_MECHANISMS, dates; each refusal audited there) and of the
 * seed against it (purpose, CKA_WRAP_WITH_TRUSTED, CKA_WRAP_TEMPLATE). */
static CK_RV target_of(struct mcx_session *s, CK_OBJECT_HANDLE h,
		       struct mcx_object *seed, struct mcx_object **out)
{
	const struct mcx_mech *row = mcx_ops_mech_find(CKM_MCX_XPK_WRAP);
	struct mcx_object *t = NULL;
	CK_RV rv = mcx_ops_mech_key(s, "C_WrapKey", row, h, CKA_WRAP, &t);

	*out = NULL;
	if (rv != CKR_OK)
		return rv;
	rv = mcx_ops_mcx_rgk_wrap_policy(CKM_MCX_XPK_WRAP, t, seed);
	if (rv == CKR_OK &&
	    mcx_object_bool(seed, CKA_WRAP_WITH_TRUSTED, false) &&
	    !mcx_object_bool(t, CKA_TRUSTED, false))
		rv = CKR_KEY_NOT_WRAPPABLE;
	if (rv == CKR_OK)
		rv = mcx_object_matches_wrap_template(t, seed);
	if (rv != CKR_OK) {
		mcx_audit(s, "C_WrapKey", CKM_MCX_XPK_WRAP, t, rv);
		mcx_object_put(t);
		return rv;
	}
	*out = t;
	return CKR_OK;
}

static CK_RV xpk_wrap(struct mcx_session *s, const CK_MECHANISM *mech,
		      struct mcx_object *wrapping_key, struct mcx_object *key,
		      CK_BYTE *out, CK_ULONG *out_len)
{
	CK_MCX_XPK_WRAP_PARAMS p;
	struct mcx_object **targets = NULL;
	struct mcx_rgk_xpk *to = NULL;
	const uint8_t *seed = NULL;
	size_t seed_len = 0, n = 0, held = 0;
	bool produce = false;
	CK_RV rv = params_of(mech, &p);

	if (rv != CKR_OK)
		return rv;
	if (mcx_object_key_type(key) != CKK_MCX_RGK_SEED)
		return CKR_KEY_NOT_WRAPPABLE;
	if (!is_xpk(wrapping_key))
		return CKR_WRAPPING_KEY_TYPE_INCONSISTENT;
	n = 1 + (size_t)p.ulTargets;
	rv = mcx_ops_mech_out_len(
	    out, out_len, (CK_ULONG)(n * MCX_RGK_PROTECTED_LEN), &produce);
	if (!produce)
		return rv;
	targets = calloc(n, sizeof(*targets));
	to = calloc(n, sizeof(*to));
	if (targets == NULL || to == NULL) {
		rv = CKR_HOST_MEMORY;
		goto out;
	}
	rv = mcx_ops_mech_value(key, &seed, &seed_len);
	if (rv == CKR_OK && seed_len != MCX_RGK_SEED_LEN)
		rv = CKR_KEY_SIZE_RANGE;
	if (rv == CKR_OK)
		rv = xpk_of(wrapping_key, p.pP0, p.ulP0Len,
			    CKR_WRAPPING_KEY_TYPE_INCONSISTENT, &to[0]);
	for (size_t i = 1; i < n && rv == CKR_OK; i++) {
		rv = target_of(s, p.phTargets[i - 1], key, &targets[i]);
		if (rv == CKR_OK) {
			held = i;
			rv = xpk_of(targets[i], NULL, 0,
				    CKR_WRAPPING_KEY_TYPE_INCONSISTENT, &to[i]);
		}
	}
	if (rv != CKR_OK)
		goto out;
	/* decision c for each target, each with its own fresh IV; no
	 * partial result (the pure code zeroes out on failure) */
	rv = mcx_ops_mech_ckr(mcx_rgk_seed_protect_batch(to, n, seed, out));
	if (rv == CKR_OK)
		*out_len = (CK_ULONG)(n * MCX_RGK_PROTECTED_LEN);
out:
	for (size_t i = 1; i <= held; i++)
		mcx_object_put(targets[i]);
	free(targets);
	free(to);
	return rv;
}

/* ---- CKM_MCX_XPK_WRAP: C_UnwrapKey -------------------------------------- */

/* Has the regroup the template names already ended at `now`?  Its
 * CKA_MCX_EXPIRY counts as absent when malformed: the policy rejects a
 * malformed one later.  A regroup that is already over is not started. */
static bool tmpl_ended(const CK_ATTRIBUTE *tmpl, CK_ULONG n, CK_ULONG now)
{
	const CK_ATTRIBUTE *a = mcx_template_find(tmpl, n, CKA_MCX_EXPIRY);
	CK_ULONG v = 0;

	if (a != NULL && a->pValue != NULL && a->ulValueLen == sizeof(v))
		memcpy(&v, a->pValue, sizeof(v));
	return v != 0 && now >= v;
}

/* Store a seed as a CKK_MCX_RGK_SEED object: generated (unwrapping_key
 * NULL) or unwrapped under unwrapping_key; extra (may be NULL) is one
 * more implied attribute.  C_GenerateKey and C_UnwrapKey build the same
 * object (§5.7, decision c). */
static CK_RV store_seed(struct mcx_session *s, const CK_MECHANISM *mech,
			const CK_ATTRIBUTE *tmpl, CK_ULONG n,
			uint8_t seed[MCX_RGK_SEED_LEN], CK_ULONG created,
			struct mcx_object *unwrapping_key,
			const CK_ATTRIBUTE *extra, CK_OBJECT_HANDLE *key)
{
	CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	CK_KEY_TYPE kt = CKK_MCX_RGK_SEED;
	CK_ULONG len = MCX_RGK_SEED_LEN;
	CK_ATTRIBUTE implied[6] = {
	    {CKA_CLASS, &cls, sizeof(cls)},
	    {CKA_KEY_TYPE, &kt, sizeof(kt)},
	    {CKA_VALUE, seed, MCX_RGK_SEED_LEN},
	    {CKA_VALUE_LEN, &len, sizeof(len)},
	    {CKA_MCX_CREATED, &created, sizeof(created)},
	};
	CK_ULONG n_implied = 5;
	struct mcx_key_spec spec = {
	    .tmpl = tmpl,
	    .n_tmpl = n,
	    .implied = implied,
	    .origin = unwrapping_key != NULL ? MCX_ORIGIN_UNWRAPPED
					     : MCX_ORIGIN_GENERATED,
	    .mechanism = mech->mechanism,
	    .unwrapping_key = unwrapping_key,
	};

	if (extra != NULL)
		implied[n_implied++] = *extra;
	spec.n_implied = n_implied;
	return mcx_object_create_key(s, &spec, key);
}

static CK_RV xpk_unwrap(struct mcx_session *s, const CK_MECHANISM *mech,
			struct mcx_object *unwrapping_key, const CK_BYTE *in,
			CK_ULONG in_len, const CK_ATTRIBUTE *tmpl, CK_ULONG n,
			CK_OBJECT_HANDLE *key)
{
	CK_MCX_XPK_WRAP_PARAMS p;
	struct mcx_rgk_xpk from;
	CK_ULONG created = now_unix();
	uint8_t seed[MCX_RGK_SEED_LEN] = {0};
	CK_ATTRIBUTE initiator = {CKA_MCX_INITIATOR_URI, NULL, 0};
	const CK_ATTRIBUTE *extra = NULL;
	enum mcx_mech_err err = MCX_OK;
	CK_RV rv = params_of(mech, &p);

	if (rv == CKR_OK && p.ulTargets != 0)
		rv = CKR_MECHANISM_PARAM_INVALID;
	if (rv != CKR_OK)
		goto out;
	rv = xpk_of(unwrapping_key, p.pP0, p.ulP0Len,
		    CKR_UNWRAPPING_KEY_TYPE_INCONSISTENT, &from);
	if (rv != CKR_OK)
		goto out;
	if (in_len != MCX_RGK_PROTECTED_LEN) {
		rv = CKR_WRAPPED_KEY_LEN_RANGE;
		goto out;
	}
	if (tmpl_ended(tmpl, n, created)) {
		rv = CKR_MCX_REGROUP_ENDED;
		goto out;
	}
	err = mcx_rgk_seed_unprotect(from.key, from.p0, from.p0_len, from.id,
				     in, in_len, seed);
	if (err == MCX_ERR_AUTH) {
		/* GCM tag failure: wrong CSK/MuSiK, P0, XPK-ID or altered
		 * octets; nothing is stored */
		rv = CKR_WRAPPED_KEY_INVALID;
		goto out;
	}
	rv = mcx_ops_mech_ckr(err);
	if (rv != CKR_OK)
		goto out;
	/* under a CSK the initiator is the CSK's owner, P0 (decision c);
	 * a MuSiK's P0 is the server, so the template must say */
	if (mcx_object_ulong(unwrapping_key, CKA_MCX_KEY_PURPOSE, 0) ==
		CKP_MCX_CSK &&
	    mcx_template_find(tmpl, n, CKA_MCX_INITIATOR_URI) == NULL) {
		initiator.pValue = (void *)from.p0;
		initiator.ulValueLen = from.p0_len;
		extra = &initiator;
	}
	rv = store_seed(s, mech, tmpl, n, seed, created, unwrapping_key, extra,
			key);
out:
	mcx_wipe(seed, sizeof(seed));
	return rv;
}

const struct mcx_wrap_ops mcx_ops_mcx_xpk_wrap = {
    .wrap = xpk_wrap,
    .unwrap = xpk_unwrap,
};

/* ---- CKM_MCX_RGK_SEED_GEN ----------------------------------------------- */

static CK_RV gen_seed(struct mcx_session *s, const CK_MECHANISM *mech,
		      const CK_ATTRIBUTE *tmpl, CK_ULONG n,
		      CK_OBJECT_HANDLE *key)
{
	CK_ULONG created = now_unix();
	uint8_t seed[MCX_RGK_SEED_LEN] = {0};
	CK_RV rv = CKR_OK;

	if (mech->pParameter != NULL || mech->ulParameterLen != 0)
		return CKR_MECHANISM_PARAM_INVALID;
	if (tmpl_ended(tmpl, n, created))
		return CKR_MCX_REGROUP_ENDED;
	/* decision c: a random 128-bit seed from the module's DRBG */
	rv = mcx_ops_mech_ckr(mcx_rgk_seed_generate(seed));
	if (rv == CKR_OK)
		rv = store_seed(s, mech, tmpl, n, seed, created, NULL, NULL,
				key);
	mcx_wipe(seed, sizeof(seed));
	return rv;
}

const struct mcx_keygen_ops mcx_ops_mcx_rgk_seed_gen = {
    .generate = gen_seed,
    .generate_pair = NULL,
};

/* ---- CKM_MCX_RGK_DERIVE ------------------------------------------------- */

static CK_RV rgk_derive(struct mcx_session *s, const CK_MECHANISM *mech,
			struct mcx_object *gmk, const CK_ATTRIBUTE *tmpl,
			CK_ULONG n, CK_OBJECT_HANDLE *key)
{
	const CK_MCX_RGK_DERIVE_PARAMS *p = mech->pParameter;
	struct mcx_object *seed_obj = NULL;
	const uint8_t *g = NULL, *seed = NULL;
	size_t g_len = 0, seed_len = 0;
	CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	CK_KEY_TYPE kt = CKK_AES;
	CK_ULONG len = MCX_RGK_LEN;
	CK_BBOOL sensitive = CK_TRUE;
	uint8_t rgk[MCX_RGK_LEN] = {0};
	const CK_ATTRIBUTE implied[] = {
	    {CKA_CLASS, &cls, sizeof(cls)}, {CKA_KEY_TYPE, &kt, sizeof(kt)},
	    {CKA_VALUE, rgk, sizeof(rgk)},  {CKA_VALUE_LEN, &len, sizeof(len)},
	    {CKA_SENSITIVE, &sensitive, 1},
	};
	const struct mcx_key_spec spec = {
	    .tmpl = tmpl,
	    .n_tmpl = n,
	    .implied = implied,
	    .n_implied = sizeof(implied) / sizeof(implied[0]),
	    .origin = MCX_ORIGIN_DERIVED,
	    .mechanism = mech->mechanism,
	    .base_key = gmk,
	};
	CK_RV rv = CKR_OK;

	if (p == NULL || mech->ulParameterLen != sizeof(*p))
		return CKR_MECHANISM_PARAM_INVALID;
	/* the base key is a GMK (issue 6); revoked GMKs were refused by
	 * the entry point's mcx_object_check_use (CKR_MCX_KEY_REVOKED) */
	if (mcx_object_ulong(gmk, CKA_MCX_KEY_PURPOSE,
			     CK_UNAVAILABLE_INFORMATION) != CKP_MCX_GMK)
		return CKR_KEY_TYPE_INCONSISTENT;
	rv = mcx_object_get(s, p->hSeed, &seed_obj);
	if (rv == CKR_OBJECT_HANDLE_INVALID)
		return CKR_KEY_HANDLE_INVALID;
	if (rv != CKR_OK)
		return rv;
	if (mcx_object_class(seed_obj) != CKO_SECRET_KEY ||
	    mcx_object_key_type(seed_obj) != CKK_MCX_RGK_SEED)
		rv = CKR_KEY_TYPE_INCONSISTENT;
	else if (is_revoked(seed_obj))
		rv = CKR_MCX_KEY_REVOKED;
	else if (seed_ended(seed_obj))
		rv = CKR_MCX_REGROUP_ENDED;
	if (rv == CKR_OK)
		rv = mcx_ops_mech_value(gmk, &g, &g_len);
	if (rv == CKR_OK)
		rv = mcx_ops_mech_value(seed_obj, &seed, &seed_len);
	if (rv == CKR_OK &&
	    (g_len != MCX_RGK_GMK_LEN || seed_len != MCX_RGK_SEED_LEN))
		rv = CKR_KEY_SIZE_RANGE;
	if (rv != CKR_OK)
		goto out;
	/* decision f: the last 16 octets of HMAC-SHA-256(GMK, seed) */
	rv = mcx_ops_mech_ckr(mcx_rgk_derive(g, seed, rgk));
	if (rv != CKR_OK)
		goto out;
	rv = mcx_object_create_key(s, &spec, key);
out:
	mcx_wipe(rgk, sizeof(rgk));
	mcx_object_put(seed_obj);
	return rv;
}

const struct mcx_derive_ops mcx_ops_mcx_rgk_derive = {
    .derive = rgk_derive,
};
