/*
 * The token's KMS role (issue 4; TS 33.180 Annex D, MCX-REFERENCE §2.2,
 * §3.3, §5.1): CKM_MCX_KMS_KEY_GEN makes a KMS master secret in the token
 * (z_T with Z_T = [z_T]P, RFC 6508 §2.2; KSAK with KPAK = [KSAK]G, RFC 6507
 * §4.2) and CKM_MCX_KMS_ISSUE issues one user's key for (user URI, key
 * period) wrapped under a transport key (TrK), so that neither the master
 * secret nor the issued key ever leaves the token in the clear.
 *
 * The PKCS#11 calls a client (the admin tool's `kms` commands) makes; the
 * same text is /work/notes/kms-api.md.  A USER login is needed throughout.
 *
 * 1. kms create (once per key type, CKK_MCX_SAKKE then CKK_MCX_ECCSI):
 *      C_GenerateKeyPair(CKM_MCX_KMS_KEY_GEN, no parameter,
 *        pub  {CKA_CLASS CKO_PUBLIC_KEY, CKA_KEY_TYPE kt, CKA_TOKEN, CKA_LABEL,
 *              CKA_ID, CKA_MCX_KMS_URI, CKA_MCX_USER_KEY_PERIOD (> 0),
 *              CKA_MCX_USER_KEY_OFFSET}          (URI, period, offset required)
 *        priv {CKA_CLASS CKO_PRIVATE_KEY, CKA_KEY_TYPE kt, CKA_TOKEN,
 *              CKA_PRIVATE, CKA_LABEL, CKA_ID})
 *    pub gets CKA_VALUE = Z_T (257) / KPAK (65): the same object C_CreateObject
 *    of the KMS certificate makes, so identity keys validate against it.
 *    priv gets CKA_VALUE = z_T (128) / KSAK (32), CKA_MCX_KMS_SECRET = TRUE,
 *    the URI, period and offset of pub; it is sensitive, never extractable,
 *    and CKA_SIGN/DECRYPT/UNWRAP/SIGN_RECOVER/DERIVE are FALSE (a template
 *    asking otherwise, or naming a user identity, is inconsistent).  One
 *    KMS per URI: a second key of the same type for the URI, or an ECCSI
 *    and a SAKKE key with different period/offset, is inconsistent.
 * 2. kms certificate: C_FindObjects {CKO_PUBLIC_KEY, kt, CKA_MCX_KMS_URI},
 *    C_GetAttributeValue CKA_VALUE, CKA_MCX_USER_KEY_PERIOD/OFFSET.
 * 3. kms issue: master secret = C_FindObjects {CKO_PRIVATE_KEY, kt,
 *    CKA_MCX_KMS_SECRET TRUE, CKA_MCX_KMS_URI}; TrK = a CKK_AES key with
 *    CKA_WRAP;
 *      CK_MCX_KMS_ISSUE_PARAMS p = {uri, uri_len, key_period_no};
 *      C_WrapKey({CKM_MCX_KMS_ISSUE, &p, sizeof(p)}, hTrK, hSecret, NULL, &len)
 *      C_WrapKey(..., buf, &len)
 *    z_T:  272 octets, the RSK wrapped with RFC 5649 (UserDecryptKey)
 *    KSAK: 120 octets, the SSK wrapped with RFC 3394 (40, UserSigningKeySSK)
 *          || the PVT wrapped with RFC 5649 (80, UserPubTokenPVT)
 *    The UID is F.2.1 of (user URI, KMS URI, period, offset, period number).
 *    A size query does no crypto and is not audited; every issue is.
 * 4. kms import: C_UnwrapKey(CKM_AES_KEY_WRAP_KWP for the RSK, CKM_AES_KEY_WRAP
 *    or _KWP for the SSK, hTrK, blob, {CKO_PRIVATE_KEY, kt, CKA_TOKEN,
 *    CKA_PRIVATE, CKA_UNWRAP (RSK) / CKA_SIGN (SSK), CKA_MCX_USER_URI,
 *    CKA_MCX_UID, CKA_MCX_KMS_URI, CKA_MCX_KEY_PERIOD_NO,
 * CKA_MCX_VALID_FROM/TO, ECCSI: CKA_MCX_PVT (clear) or CKA_MCX_WRAPPED_PVT (RFC
 * 5649 blob)}); see ops_mcx_kms_unwrap.c for the checks and their CKRs.
 */
#include "config.h"

#include <string.h>

#include "common/wipe.h"
#include "mechanisms/aes.h"
#include "mechanisms/eccsi.h"
#include "mechanisms/kdf3gpp.h"
#include "mechanisms/random.h"
#include "mechanisms/sakke.h"
#include "token/internal.h"
#include "token/ops_internal.h"
#include "token/ops_mcx.h"

/* q of RFC 6509 parameter set 1 is (p + 1) / 4 with p of 1024 bits: a
 * 1022-bit number, so a 128-octet candidate with its top two bits cleared
 * is below q with probability > 1/2 (rejection sampling, RFC 6508 §2.2:
 * z_T uniform in [2, q-1]). */
#define Z_TOP_MASK  0x3fu
#define Z_MAX_TRIES 64

/* The issued key set's sizes (MCX-REFERENCE §6.2, decision b). */
#define RSK_WRAPPED_LEN 272 /* RFC 5649 of 257 octets */
#define SSK_WRAPPED_LEN 40  /* RFC 3394 of 32 octets */
#define PVT_WRAPPED_LEN 80  /* RFC 5649 of 65 octets */

static const CK_BBOOL ck_true = CK_TRUE, ck_false = CK_FALSE;

/* ---- CKM_MCX_KMS_KEY_GEN ------------------------------------------------ */

static bool is_one(const uint8_t *z, size_t len)
{
	uint8_t acc = (uint8_t)(z[len - 1] ^ 1u);
	for (size_t i = 0; i + 1 < len; i++)
		acc |= z[i];
	return acc == 0;
}

/* z_T uniform in [2, q-1] and Z_T = [z_T]P. */
static CK_RV sakke_master(uint8_t z[MCX_SAKKE_FP_LEN],
			  uint8_t z_t[MCX_SAKKE_POINT_LEN])
{
	for (int i = 0; i < Z_MAX_TRIES; i++) {
		enum mcx_mech_err e = mcx_random_bytes(z, MCX_SAKKE_FP_LEN);
		if (e != MCX_OK)
			return mcx_ops_mech_ckr(e);
		z[0] &= Z_TOP_MASK;
		if (is_one(z, MCX_SAKKE_FP_LEN))
			continue;
		/* out of [1, q-1]: MCX_ERR_SCALAR_RANGE before any
		 * arithmetic, draw again */
		e = mcx_sakke_kms_public_from_secret(z, MCX_SAKKE_FP_LEN, z_t);
		if (e == MCX_OK)
			return CKR_OK;
		if (e != MCX_ERR_SCALAR_RANGE)
			return mcx_ops_mech_ckr(e);
	}
	return CKR_DEVICE_ERROR; /* 2^-64: the DRBG is broken */
}

static CK_RV tmpl_ulong(const CK_ATTRIBUTE *tmpl, CK_ULONG n,
			CK_ATTRIBUTE_TYPE t, CK_ULONG *v)
{
	const CK_ATTRIBUTE *a = mcx_template_find(tmpl, n, t);
	if (a == NULL)
		return CKR_TEMPLATE_INCOMPLETE;
	if (a->pValue == NULL || a->ulValueLen != sizeof(*v))
		return CKR_ATTRIBUTE_VALUE_INVALID;
	memcpy(v, a->pValue, sizeof(*v));
	return CKR_OK;
}

/* The key type both templates name (at least one must). */
static CK_RV pair_key_type(const CK_ATTRIBUTE *pub, CK_ULONG n_pub,
			   const CK_ATTRIBUTE *priv, CK_ULONG n_priv,
			   CK_KEY_TYPE *kt)
{
	CK_KEY_TYPE a = 0, b = 0;
	CK_RV ra = tmpl_ulong(pub, n_pub, CKA_KEY_TYPE, &a);
	CK_RV rb = tmpl_ulong(priv, n_priv, CKA_KEY_TYPE, &b);
	if (ra != CKR_OK && ra != CKR_TEMPLATE_INCOMPLETE)
		return ra;
	if (rb != CKR_OK && rb != CKR_TEMPLATE_INCOMPLETE)
		return rb;
	if (ra != CKR_OK && rb != CKR_OK)
		return CKR_TEMPLATE_INCOMPLETE;
	if (ra == CKR_OK && rb == CKR_OK && a != b)
		return CKR_TEMPLATE_INCONSISTENT;
	*kt = ra == CKR_OK ? a : b;
	return (*kt == CKK_MCX_SAKKE || *kt == CKK_MCX_ECCSI)
		   ? CKR_OK
		   : CKR_TEMPLATE_INCONSISTENT;
}

/* A master secret belongs to a KMS, never to a user. */
static CK_RV no_user_identity(const CK_ATTRIBUTE *tmpl, CK_ULONG n)
{
	static const CK_ATTRIBUTE_TYPE user[] = {
	    CKA_MCX_USER_URI, CKA_MCX_UID, CKA_MCX_KEY_PERIOD_NO,
	    CKA_MCX_PVT,      CKA_MCX_HS,  CKA_MCX_ALLOW_SSV_EXPORT,
	};
	for (size_t i = 0; i < sizeof(user) / sizeof(user[0]); i++)
		if (mcx_template_find(tmpl, n, user[i]) != NULL)
			return CKR_TEMPLATE_INCONSISTENT;
	return CKR_OK;
}

/* One KMS per URI in a token: identity keys are validated against the
 * public key found by URI (ops_mcx_ident.c), so a second key of the same
 * type (or a revoked one) would make that ambiguous; the other type's key,
 * if any, must carry the same key period parameters (F.2.1 P3, P4). */
static CK_RV kms_unique(struct mcx_session *s, CK_KEY_TYPE kt,
			const CK_ATTRIBUTE *uri, CK_ULONG period,
			CK_ULONG offset)
{
	struct mcx_object *o = NULL;
	CK_KEY_TYPE other = kt == CKK_MCX_SAKKE ? CKK_MCX_ECCSI : CKK_MCX_SAKKE;
	CK_RV rv =
	    mcx_ops_mcx_find_kms(s, kt, uri->pValue, uri->ulValueLen, &o);

	mcx_object_put(o);
	o = NULL;
	if (rv == CKR_OK || rv == CKR_MCX_KEY_REVOKED)
		return CKR_TEMPLATE_INCONSISTENT;
	if (rv != CKR_MCX_UNKNOWN_KMS)
		return rv;
	rv = mcx_ops_mcx_find_kms(s, other, uri->pValue, uri->ulValueLen, &o);
	if (rv == CKR_OK) {
		CK_ULONG p = mcx_object_ulong(o, CKA_MCX_USER_KEY_PERIOD, 0);
		CK_ULONG f = mcx_object_ulong(o, CKA_MCX_USER_KEY_OFFSET, 0);
		rv = p != 0 && (p != period || f != offset)
			 ? CKR_TEMPLATE_INCONSISTENT
			 : CKR_OK;
	} else if (rv == CKR_MCX_UNKNOWN_KMS || rv == CKR_MCX_KEY_REVOKED) {
		rv = CKR_OK;
	}
	mcx_object_put(o);
	return rv;
}

static CK_RV kms_gen_pair(struct mcx_session *s, const CK_MECHANISM *mech,
			  const CK_ATTRIBUTE *pub_tmpl, CK_ULONG n_pub,
			  const CK_ATTRIBUTE *priv_tmpl, CK_ULONG n_priv,
			  CK_OBJECT_HANDLE *pub, CK_OBJECT_HANDLE *priv)
{
	CK_OBJECT_CLASS pub_cls = CKO_PUBLIC_KEY, priv_cls = CKO_PRIVATE_KEY;
	CK_KEY_TYPE kt = 0;
	CK_ULONG period = 0, offset = 0;
	const CK_ATTRIBUTE *uri = NULL;
	/* z_T is 128 octets, KSAK 32; Z_T 257 octets, KPAK 65 */
	uint8_t secret[MCX_SAKKE_FP_LEN] = {0};
	uint8_t point[MCX_SAKKE_POINT_LEN] = {0};
	size_t secret_len = 0, point_len = 0;
	CK_ATTRIBUTE pub_implied[3] = {{0}}, priv_implied[12] = {{0}};
	const struct mcx_key_spec pub_spec =
	    mcx_ops_keygen_spec(mech, pub_tmpl, n_pub, pub_implied, 3);
	const struct mcx_key_spec priv_spec =
	    mcx_ops_keygen_spec(mech, priv_tmpl, n_priv, priv_implied, 12);
	CK_RV rv = CKR_OK;

	if (mech->pParameter != NULL || mech->ulParameterLen != 0)
		return CKR_MECHANISM_PARAM_INVALID;
	rv = pair_key_type(pub_tmpl, n_pub, priv_tmpl, n_priv, &kt);
	if (rv != CKR_OK)
		return rv;
	/* the KMS certificate's parameters (F.2.1 P2-P4) */
	uri = mcx_template_find(pub_tmpl, n_pub, CKA_MCX_KMS_URI);
	if (uri == NULL)
		return CKR_TEMPLATE_INCOMPLETE;
	if (uri->pValue == NULL || uri->ulValueLen == 0 ||
	    uri->ulValueLen > 0xffff)
		return CKR_ATTRIBUTE_VALUE_INVALID;
	rv = tmpl_ulong(pub_tmpl, n_pub, CKA_MCX_USER_KEY_PERIOD, &period);
	if (rv == CKR_OK)
		rv = tmpl_ulong(pub_tmpl, n_pub, CKA_MCX_USER_KEY_OFFSET,
				&offset);
	if (rv != CKR_OK)
		return rv;
	if (period == 0)
		return CKR_ATTRIBUTE_VALUE_INVALID;
	rv = kms_unique(s, kt, uri, period, offset);
	if (rv == CKR_OK)
		rv = no_user_identity(priv_tmpl, n_priv);
	if (rv != CKR_OK)
		return rv;

	if (kt == CKK_MCX_SAKKE) {
		secret_len = MCX_SAKKE_FP_LEN;
		point_len = MCX_SAKKE_POINT_LEN;
		rv = sakke_master(secret, point);
	} else {
		secret_len = MCX_ECCSI_N;
		point_len = MCX_ECCSI_POINT_LEN;
		rv = mcx_ops_mech_ckr(mcx_eccsi_kms_keygen(secret, point));
	}
	if (rv != CKR_OK)
		goto out;

	pub_implied[0] = (CK_ATTRIBUTE){CKA_CLASS, &pub_cls, sizeof(pub_cls)};
	pub_implied[1] = (CK_ATTRIBUTE){CKA_KEY_TYPE, &kt, sizeof(kt)};
	pub_implied[2] = (CK_ATTRIBUTE){CKA_VALUE, point, point_len};
	priv_implied[0] =
	    (CK_ATTRIBUTE){CKA_CLASS, &priv_cls, sizeof(priv_cls)};
	priv_implied[1] = (CK_ATTRIBUTE){CKA_KEY_TYPE, &kt, sizeof(kt)};
	priv_implied[2] = (CK_ATTRIBUTE){CKA_VALUE, secret, secret_len};
	priv_implied[3] = (CK_ATTRIBUTE){CKA_MCX_KMS_SECRET, (void *)&ck_true,
					 sizeof(ck_true)};
	priv_implied[4] =
	    (CK_ATTRIBUTE){CKA_MCX_KMS_URI, uri->pValue, uri->ulValueLen};
	priv_implied[5] =
	    (CK_ATTRIBUTE){CKA_MCX_USER_KEY_PERIOD, &period, sizeof(period)};
	priv_implied[6] =
	    (CK_ATTRIBUTE){CKA_MCX_USER_KEY_OFFSET, &offset, sizeof(offset)};
	/* usable by CKM_MCX_KMS_ISSUE only, which checks no usage flag */
	priv_implied[7] =
	    (CK_ATTRIBUTE){CKA_SIGN, (void *)&ck_false, sizeof(ck_false)};
	priv_implied[8] =
	    (CK_ATTRIBUTE){CKA_DECRYPT, (void *)&ck_false, sizeof(ck_false)};
	priv_implied[9] =
	    (CK_ATTRIBUTE){CKA_UNWRAP, (void *)&ck_false, sizeof(ck_false)};
	priv_implied[10] = (CK_ATTRIBUTE){CKA_SIGN_RECOVER, (void *)&ck_false,
					  sizeof(ck_false)};
	priv_implied[11] =
	    (CK_ATTRIBUTE){CKA_DERIVE, (void *)&ck_false, sizeof(ck_false)};
	/* sensitive and never extractable: attr_build.c forces it for every
	 * private CKK_MCX_SAKKE / CKK_MCX_ECCSI key */
	rv = mcx_object_create_key_pair(s, &pub_spec, &priv_spec, pub, priv);
out:
	mcx_wipe(secret, sizeof(secret));
	return rv;
}

const struct mcx_keygen_ops mcx_ops_mcx_kms_keygen = {
    .generate = NULL,
    .generate_pair = kms_gen_pair,
};

CK_RV mcx_ops_mcx_kms_validate_secret(CK_KEY_TYPE kt, const struct mcx_attrs *a)
{
	static const CK_ATTRIBUTE_TYPE user[] = {
	    CKA_MCX_USER_URI, CKA_MCX_UID, CKA_MCX_KEY_PERIOD_NO,
	    CKA_MCX_PVT,      CKA_MCX_HS,  CKA_MCX_ALLOW_SSV_EXPORT,
	};
	const struct mcx_attr *v = mcx_attrs_find(a, CKA_VALUE);
	const struct mcx_attr *uri = mcx_attrs_find(a, CKA_MCX_KMS_URI);
	const struct mcx_attr *period =
	    mcx_attrs_find(a, CKA_MCX_USER_KEY_PERIOD);

	/* only CKM_MCX_KMS_KEY_GEN sets CKA_MCX_KMS_SECRET (read-only), so
	 * this is a consistency check of what it built */
	for (size_t i = 0; i < sizeof(user) / sizeof(user[0]); i++)
		if (mcx_attrs_find(a, user[i]) != NULL)
			return CKR_TEMPLATE_INCONSISTENT;
	if (v == NULL || uri == NULL || uri->len == 0 || period == NULL ||
	    mcx_attrs_find(a, CKA_MCX_USER_KEY_OFFSET) == NULL)
		return CKR_TEMPLATE_INCOMPLETE;
	if (v->len != (kt == CKK_MCX_SAKKE ? MCX_SAKKE_FP_LEN : MCX_ECCSI_N))
		return CKR_ATTRIBUTE_VALUE_INVALID;
	return CKR_OK;
}

/* ---- CKM_MCX_KMS_ISSUE --------------------------------------------------- */

static bool is_kms_secret(struct mcx_object *key)
{
	CK_KEY_TYPE kt = mcx_object_key_type(key);
	return mcx_object_class(key) == CKO_PRIVATE_KEY &&
	       (kt == CKK_MCX_SAKKE || kt == CKK_MCX_ECCSI) &&
	       mcx_object_bool(key, CKA_MCX_KMS_SECRET, false);
}

CK_RV mcx_ops_mcx_kms_issue_policy(struct mcx_object *trk,
				   struct mcx_object *key)
{
	CK_OBJECT_CLASS cls = CKO_PRIVATE_KEY;
	CK_KEY_TYPE kt = mcx_object_key_type(key);
	const void *uri = NULL;
	size_t uri_len = 0;
	CK_RV rv = CKR_OK;

	if (!is_kms_secret(key))
		return CKR_KEY_TYPE_INCONSISTENT;
	/* a revoked KMS, CKA_ALLOWED_MECHANISMS, validity dates */
	rv = mcx_object_check_use(key, 0, CKM_MCX_KMS_ISSUE);
	if (rv != CKR_OK)
		return rv;
	/* The master secret never leaves; what does is the issued key set,
	 * a private key of the same type and KMS, which inherits the
	 * master secret's CKA_WRAP_WITH_TRUSTED (§4.8) and must match the
	 * TrK's CKA_WRAP_TEMPLATE. */
	if (mcx_object_bool(key, CKA_WRAP_WITH_TRUSTED, false) &&
	    !mcx_object_bool(trk, CKA_TRUSTED, false))
		return CKR_KEY_NOT_WRAPPABLE;
	rv = mcx_object_attr(key, CKA_MCX_KMS_URI, &uri, &uri_len);
	if (rv != CKR_OK)
		return rv;
	CK_ATTRIBUTE issued[] = {
	    {CKA_CLASS, &cls, sizeof(cls)},
	    {CKA_KEY_TYPE, &kt, sizeof(kt)},
	    {CKA_MCX_KMS_URI, (void *)uri, uri_len},
	};
	rv = mcx_object_template_matches(trk, CKA_WRAP_TEMPLATE, issued, 3);
	return rv == CKR_OK ? CKR_OK : CKR_KEY_NOT_WRAPPABLE;
}

static CK_RV issue_params(const CK_MECHANISM *mech,
			  const CK_MCX_KMS_ISSUE_PARAMS **out)
{
	const CK_MCX_KMS_ISSUE_PARAMS *p = mech->pParameter;
	/* F.2.1: L1 is two octets */
	if (p == NULL || mech->ulParameterLen != sizeof(*p) ||
	    p->pUserUri == NULL || p->ulUserUriLen == 0 ||
	    p->ulUserUriLen > 0xffff)
		return CKR_MECHANISM_PARAM_INVALID;
	*out = p;
	return CKR_OK;
}

/* F.2.1 UID of the user for this KMS and key period. */
static CK_RV issue_uid(struct mcx_object *key, const CK_MCX_KMS_ISSUE_PARAMS *p,
		       uint8_t uid[MCX_KDF3GPP_UID_LEN])
{
	const void *kms_uri = NULL;
	size_t kms_uri_len = 0;
	CK_ULONG period = mcx_object_ulong(key, CKA_MCX_USER_KEY_PERIOD, 0);
	CK_ULONG offset = mcx_object_ulong(key, CKA_MCX_USER_KEY_OFFSET, 0);
	CK_RV rv =
	    mcx_object_attr(key, CKA_MCX_KMS_URI, &kms_uri, &kms_uri_len);

	if (rv != CKR_OK)
		return rv;
	if (period == 0 || kms_uri_len == 0)
		return CKR_KEY_TYPE_INCONSISTENT;
	return mcx_ops_mech_ckr(mcx_kdf3gpp_uid(p->pUserUri, p->ulUserUriLen,
						kms_uri, kms_uri_len, period,
						offset, p->ulKeyPeriodNo, uid));
}

/* RSK = [(a + z_T)^-1]P (RFC 6508 §6.1.1), RFC 5649-wrapped. */
static CK_RV issue_rsk(const uint8_t *kek, size_t kek_len, const uint8_t *z,
		       size_t z_len, const uint8_t uid[MCX_KDF3GPP_UID_LEN],
		       CK_BYTE *out)
{
	uint8_t rsk[MCX_SAKKE_POINT_LEN] = {0};
	enum mcx_mech_err e =
	    mcx_sakke_kms_issue_rsk(z, z_len, uid, MCX_KDF3GPP_UID_LEN, rsk);
	if (e == MCX_OK)
		e = mcx_aes_kwp_wrap(kek, kek_len, rsk, sizeof(rsk), out);
	mcx_wipe(rsk, sizeof(rsk));
	return mcx_ops_mech_ckr(e);
}

/* (SSK, PVT) with a random v (RFC 6507 §5.1.1): SSK RFC 3394-wrapped,
 * then the PVT RFC 5649-wrapped (decision b: the PVT is 65 octets). */
static CK_RV issue_ssk(const uint8_t *kek, size_t kek_len, const uint8_t *ksak,
		       size_t ksak_len, const uint8_t uid[MCX_KDF3GPP_UID_LEN],
		       CK_BYTE *out)
{
	uint8_t ssk[MCX_ECCSI_N] = {0};
	uint8_t pvt[MCX_ECCSI_POINT_LEN] = {0};
	enum mcx_mech_err e = MCX_ERR_KEY_INVALID;

	if (ksak_len == MCX_ECCSI_N)
		e = mcx_eccsi_kms_issue(ksak, uid, MCX_KDF3GPP_UID_LEN, ssk,
					pvt);
	if (e == MCX_OK)
		e = mcx_aes_wrap(kek, kek_len, ssk, sizeof(ssk), out);
	if (e == MCX_OK)
		e = mcx_aes_kwp_wrap(kek, kek_len, pvt, sizeof(pvt),
				     out + SSK_WRAPPED_LEN);
	mcx_wipe(ssk, sizeof(ssk));
	mcx_wipe(pvt, sizeof(pvt));
	return mcx_ops_mech_ckr(e);
}

static CK_RV kms_issue(struct mcx_session *s, const CK_MECHANISM *mech,
		       struct mcx_object *trk, struct mcx_object *key,
		       CK_BYTE *out, CK_ULONG *out_len)
{
	const CK_MCX_KMS_ISSUE_PARAMS *p = NULL;
	const uint8_t *kek = NULL, *secret = NULL;
	size_t kek_len = 0, secret_len = 0;
	uint8_t uid[MCX_KDF3GPP_UID_LEN] = {0};
	bool produce = false, sakke = false;
	CK_RV rv = CKR_OK;

	(void)s;
	if (!is_kms_secret(key))
		return CKR_KEY_TYPE_INCONSISTENT;
	rv = issue_params(mech, &p);
	if (rv != CKR_OK)
		return rv;
	sakke = mcx_object_key_type(key) == CKK_MCX_SAKKE;
	/* the sizes are fixed: a size query does no crypto */
	rv = mcx_ops_mech_out_len(out, out_len,
				  sakke ? RSK_WRAPPED_LEN
					: SSK_WRAPPED_LEN + PVT_WRAPPED_LEN,
				  &produce);
	if (!produce)
		return rv;
	rv = issue_uid(key, p, uid);
	if (rv == CKR_OK)
		rv = mcx_ops_mech_value(trk, &kek, &kek_len);
	if (rv == CKR_OK)
		rv = mcx_ops_mech_value(key, &secret, &secret_len);
	if (rv != CKR_OK)
		return rv;
	if (sakke)
		rv = issue_rsk(kek, kek_len, secret, secret_len, uid, out);
	else
		rv = issue_ssk(kek, kek_len, secret, secret_len, uid, out);
	if (rv == CKR_OK)
		*out_len =
		    sakke ? RSK_WRAPPED_LEN : SSK_WRAPPED_LEN + PVT_WRAPPED_LEN;
	else
		mcx_wipe(out, *out_len);
	return rv;
}

const struct mcx_wrap_ops mcx_ops_mcx_kms_issue = {
    .wrap = kms_issue,
    .unwrap = NULL,
};
