/*
 * C_GenerateKey and C_GenerateKeyPair (PKCS#11 3.0 §5.14), and the
 * standard generators: CKM_AES_KEY_GEN (§2.14.2), CKM_GENERIC_SECRET_KEY_GEN
 * (§2.43.2), CKM_EC_KEY_PAIR_GEN on P-256 (§2.3.5).  The generator only
 * makes the key material and names the attributes it determines; the
 * attribute policy (token/object.h) does the rest.  Every generation,
 * successful or refused, is audited.
 */
#include "config.h"

#include <string.h>

#include "common/wipe.h"
#include "mechanisms/ec_p256.h"
#include "mechanisms/random.h"
#include "token/entry.h"
#include "token/ops_internal.h"

#define SECRET_MAX 512

/* CKA_VALUE_LEN from the template: CKR_TEMPLATE_INCOMPLETE if absent. */
static CK_RV value_len(const CK_ATTRIBUTE *tmpl, CK_ULONG n, CK_ULONG *out)
{
	const CK_ATTRIBUTE *a = mcx_template_find(tmpl, n, CKA_VALUE_LEN);

	if (a == NULL)
		return CKR_TEMPLATE_INCOMPLETE;
	if (a->pValue == NULL || a->ulValueLen != sizeof(CK_ULONG))
		return CKR_ATTRIBUTE_VALUE_INVALID;
	memcpy(out, a->pValue, sizeof(CK_ULONG));
	return CKR_OK;
}

struct mcx_key_spec mcx_ops_keygen_spec(const CK_MECHANISM *mech,
					const CK_ATTRIBUTE *tmpl, CK_ULONG n,
					const CK_ATTRIBUTE *implied,
					CK_ULONG n_implied)
{
	struct mcx_key_spec spec = {.tmpl = tmpl,
				    .n_tmpl = n,
				    .implied = implied,
				    .n_implied = n_implied,
				    .origin = MCX_ORIGIN_GENERATED,
				    .mechanism = mech->mechanism};

	return spec;
}

static CK_RV gen_secret(struct mcx_session *s, const CK_MECHANISM *mech,
			const CK_ATTRIBUTE *tmpl, CK_ULONG n,
			CK_OBJECT_HANDLE *key)
{
	const struct mcx_mech *row = mcx_ops_mech_find(mech->mechanism);
	CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	CK_KEY_TYPE kt =
	    mech->mechanism == CKM_AES_KEY_GEN ? CKK_AES : CKK_GENERIC_SECRET;
	uint8_t value[SECRET_MAX];
	CK_ULONG len = 0;
	CK_ATTRIBUTE implied[4] = {{0}};
	const struct mcx_key_spec spec =
	    mcx_ops_keygen_spec(mech, tmpl, n, implied, 4);
	CK_RV rv = CKR_OK;

	if (mech->pParameter != NULL || mech->ulParameterLen != 0)
		return CKR_MECHANISM_PARAM_INVALID;
	rv = value_len(tmpl, n, &len);
	if (rv != CKR_OK)
		return rv;
	/* AES: 16, 24 or 32 octets (FIPS 197); generic: the row's range. */
	if (len < row->min_key || len > row->max_key || len > SECRET_MAX ||
	    (kt == CKK_AES && len % 8 != 0))
		return CKR_ATTRIBUTE_VALUE_INVALID;
	rv = mcx_ops_mech_ckr(mcx_random_bytes(value, len));
	if (rv != CKR_OK)
		goto out;
	implied[0] = (CK_ATTRIBUTE){CKA_CLASS, &cls, sizeof(cls)};
	implied[1] = (CK_ATTRIBUTE){CKA_KEY_TYPE, &kt, sizeof(kt)};
	implied[2] = (CK_ATTRIBUTE){CKA_VALUE, value, len};
	implied[3] = (CK_ATTRIBUTE){CKA_VALUE_LEN, &len, sizeof(len)};
	rv = mcx_object_create_key(s, &spec, key);
out:
	mcx_wipe(value, sizeof(value));
	return rv;
}

static CK_RV gen_ec_pair(struct mcx_session *s, const CK_MECHANISM *mech,
			 const CK_ATTRIBUTE *pub_tmpl, CK_ULONG n_pub,
			 const CK_ATTRIBUTE *priv_tmpl, CK_ULONG n_priv,
			 CK_OBJECT_HANDLE *pub, CK_OBJECT_HANDLE *priv)
{
	CK_OBJECT_CLASS pub_cls = CKO_PUBLIC_KEY, priv_cls = CKO_PRIVATE_KEY;
	CK_KEY_TYPE kt = CKK_EC;
	const CK_ATTRIBUTE *params = NULL;
	uint8_t d[MCX_EC_P256_PRIV_LEN], q[MCX_EC_P256_POINT_LEN];
	uint8_t q_der[MCX_EC_P256_POINT_DER_LEN];
	CK_ATTRIBUTE pub_implied[4] = {{0}}, priv_implied[4] = {{0}};
	const struct mcx_key_spec pub_spec =
	    mcx_ops_keygen_spec(mech, pub_tmpl, n_pub, pub_implied, 4);
	const struct mcx_key_spec priv_spec =
	    mcx_ops_keygen_spec(mech, priv_tmpl, n_priv, priv_implied, 4);
	CK_RV rv = CKR_OK;

	if (mech->pParameter != NULL || mech->ulParameterLen != 0)
		return CKR_MECHANISM_PARAM_INVALID;
	/* §2.3.5: CKA_EC_PARAMS comes with the public key template (the
	 * private template may repeat it). */
	params = mcx_template_find(pub_tmpl, n_pub, CKA_EC_PARAMS);
	if (params == NULL)
		params = mcx_template_find(priv_tmpl, n_priv, CKA_EC_PARAMS);
	if (params == NULL)
		return CKR_TEMPLATE_INCOMPLETE;
	if (params->pValue == NULL)
		return CKR_ATTRIBUTE_VALUE_INVALID;
	if (!mcx_ec_p256_params_match(params->pValue, params->ulValueLen))
		return CKR_CURVE_NOT_SUPPORTED;
	rv = mcx_ops_mech_ckr(mcx_ec_p256_generate(d, q));
	if (rv != CKR_OK)
		goto out;
	mcx_ec_p256_point_to_der(q, q_der);
	/* The parameters are stored as the application gave them (OID or
	 * curve name), so a template naming them is never inconsistent. */
	pub_implied[0] = (CK_ATTRIBUTE){CKA_CLASS, &pub_cls, sizeof(pub_cls)};
	pub_implied[1] = (CK_ATTRIBUTE){CKA_KEY_TYPE, &kt, sizeof(kt)};
	pub_implied[2] =
	    (CK_ATTRIBUTE){CKA_EC_PARAMS, params->pValue, params->ulValueLen};
	pub_implied[3] = (CK_ATTRIBUTE){CKA_EC_POINT, q_der, sizeof(q_der)};
	priv_implied[0] =
	    (CK_ATTRIBUTE){CKA_CLASS, &priv_cls, sizeof(priv_cls)};
	priv_implied[1] = (CK_ATTRIBUTE){CKA_KEY_TYPE, &kt, sizeof(kt)};
	priv_implied[2] =
	    (CK_ATTRIBUTE){CKA_EC_PARAMS, params->pValue, params->ulValueLen};
	priv_implied[3] = (CK_ATTRIBUTE){CKA_VALUE, d, sizeof(d)};
	rv = mcx_object_create_key_pair(s, &pub_spec, &priv_spec, pub, priv);
out:
	mcx_wipe(d, sizeof(d));
	return rv;
}

const struct mcx_keygen_ops mcx_ops_keygen_secret = {
    .generate = gen_secret,
    .generate_pair = NULL,
};

const struct mcx_keygen_ops mcx_ops_keygen_ec = {
    .generate = NULL,
    .generate_pair = gen_ec_pair,
};

void mcx_ops_keygen_audit_new(struct mcx_session *s, const char *fn,
			      CK_MECHANISM_TYPE mech, struct mcx_object *op_key,
			      CK_OBJECT_HANDLE h, CK_RV rv)
{
	struct mcx_object *obj = NULL;

	if (rv == CKR_OK && mcx_object_get(s, h, &obj) != CKR_OK)
		obj = NULL;
	mcx_audit(s, fn, mech, obj != NULL ? obj : op_key, rv);
	mcx_object_put(obj);
}

CK_RV mcx_C_GenerateKey(CK_SESSION_HANDLE session, CK_MECHANISM_PTR mechanism,
			CK_ATTRIBUTE_PTR templ, CK_ULONG count,
			CK_OBJECT_HANDLE_PTR key)
{
	struct mcx_session *s = NULL;
	const struct mcx_mech *row = NULL;
	CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
	CK_RV rv = mcx_session_acquire(session, &s);

	if (rv != CKR_OK)
		return rv;
	if (mechanism == NULL || key == NULL || (templ == NULL && count > 0)) {
		rv = CKR_ARGUMENTS_BAD;
		goto out;
	}
	row = mcx_ops_mech_find(mechanism->mechanism);
	if (row == NULL || row->keygen == NULL ||
	    row->keygen->generate == NULL || !(row->flags & CKF_GENERATE)) {
		rv = CKR_MECHANISM_INVALID;
		goto out;
	}
	rv = row->keygen->generate(s, mechanism, templ, count, &h);
	mcx_ops_keygen_audit_new(s, "C_GenerateKey", row->type, NULL, h, rv);
	if (rv == CKR_OK)
		*key = h;
out:
	mcx_session_release(s);
	return rv;
}

CK_RV mcx_C_GenerateKeyPair(
    CK_SESSION_HANDLE session, CK_MECHANISM_PTR mechanism,
    CK_ATTRIBUTE_PTR public_key_template, CK_ULONG public_key_attribute_count,
    CK_ATTRIBUTE_PTR private_key_template, CK_ULONG private_key_attribute_count,
    CK_OBJECT_HANDLE_PTR public_key, CK_OBJECT_HANDLE_PTR private_key)
{
	struct mcx_session *s = NULL;
	const struct mcx_mech *row = NULL;
	CK_OBJECT_HANDLE hpub = CK_INVALID_HANDLE, hpriv = CK_INVALID_HANDLE;
	CK_RV rv = mcx_session_acquire(session, &s);

	if (rv != CKR_OK)
		return rv;
	if (mechanism == NULL || public_key == NULL || private_key == NULL ||
	    (public_key_template == NULL && public_key_attribute_count > 0) ||
	    (private_key_template == NULL && private_key_attribute_count > 0)) {
		rv = CKR_ARGUMENTS_BAD;
		goto out;
	}
	row = mcx_ops_mech_find(mechanism->mechanism);
	if (row == NULL || row->keygen == NULL ||
	    row->keygen->generate_pair == NULL ||
	    !(row->flags & CKF_GENERATE_KEY_PAIR)) {
		rv = CKR_MECHANISM_INVALID;
		goto out;
	}
	rv = row->keygen->generate_pair(
	    s, mechanism, public_key_template, public_key_attribute_count,
	    private_key_template, private_key_attribute_count, &hpub, &hpriv);
	mcx_ops_keygen_audit_new(s, "C_GenerateKeyPair", row->type, NULL, hpriv,
				 rv);
	if (rv == CKR_OK) {
		*public_key = hpub;
		*private_key = hpriv;
	}
out:
	mcx_session_release(s);
	return rv;
}
