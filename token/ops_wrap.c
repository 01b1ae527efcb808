/*
 * C_WrapKey, C_UnwrapKey, C_DeriveKey (PKCS#11 3.0 §5.18) and the AES key
 * wrap handler: CKM_AES_KEY_WRAP (RFC 3394, §2.14.6) and
 * CKM_AES_KEY_WRAP_KWP (RFC 5649, §2.14.7) of secret keys; unwrap also
 * makes private CKK_MCX_SAKKE / CKK_MCX_ECCSI identity keys from a KMS's
 * TrK-protected RSK / SSK (issue 4, ops_mcx_kms_unwrap.c).
 *
 * The checks of §4.8/§5.18.6 before anything is wrapped, each refusal
 * audited: the wrapping key may wrap (CKA_WRAP) with this mechanism; the
 * key is extractable (CKR_KEY_UNEXTRACTABLE); a CKA_WRAP_WITH_TRUSTED key
 * only under a CKA_TRUSTED wrapping key (CKR_KEY_NOT_WRAPPABLE); the key
 * matches the wrapping key's CKA_WRAP_TEMPLATE (CKR_KEY_NOT_WRAPPABLE).
 * Unwrapping enforces CKA_UNWRAP on the unwrapping key and its
 * CKA_UNWRAP_TEMPLATE through the attribute policy.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "common/wipe.h"
#include "mechanisms/aes.h"
#include "token/entry.h"
#include "token/ops_internal.h"
#include "token/ops_mcx.h"

/* RFC 3394 2.2.3.1 default IV and RFC 5649 3 AIV prefix: the only
 * parameters we accept (an absent parameter means these). */
static const uint8_t kw_iv[8] = {0xa6, 0xa6, 0xa6, 0xa6,
				 0xa6, 0xa6, 0xa6, 0xa6};
static const uint8_t kwp_iv[4] = {0xa6, 0x59, 0x59, 0xa6};

/* Largest key value we wrap or unwrap (RSA-sized secrets do not exist
 * here; 4 KiB is plenty for any secret key of ours). */
#define WRAP_MAX 4096

static CK_RV check_kw_param(const CK_MECHANISM *mech)
{
	const uint8_t *iv =
	    mech->mechanism == CKM_AES_KEY_WRAP ? kw_iv : kwp_iv;
	size_t iv_len = mech->mechanism == CKM_AES_KEY_WRAP ? sizeof(kw_iv)
							    : sizeof(kwp_iv);

	if (mech->pParameter == NULL && mech->ulParameterLen == 0)
		return CKR_OK;
	if (mech->pParameter != NULL && mech->ulParameterLen == iv_len &&
	    memcmp(mech->pParameter, iv, iv_len) == 0)
		return CKR_OK;
	return CKR_MECHANISM_PARAM_INVALID;
}

/* Key types an AES key wrap may carry: the standard secret keys.  MCX
 * keys leave the token only through their own mechanisms (PRODUCT.md:
 * SAKKE / MIKEY-SAKKE, CKM_MCX_XPK_WRAP). */
static bool kw_key_type_ok(CK_KEY_TYPE kt)
{
	return kt == CKK_AES || kt == CKK_GENERIC_SECRET ||
	       kt == CKK_SHA256_HMAC;
}

static CK_RV kw_wrap(struct mcx_session *s, const CK_MECHANISM *mech,
		     struct mcx_object *wrapping_key, struct mcx_object *key,
		     CK_BYTE *out, CK_ULONG *out_len)
{
	const uint8_t *kek = NULL, *value = NULL;
	size_t kek_len = 0, len = 0, need = 0;
	bool kwp = mech->mechanism == CKM_AES_KEY_WRAP_KWP, produce = false;
	CK_RV rv = check_kw_param(mech);

	(void)s;
	if (rv != CKR_OK)
		return rv;
	if (mcx_object_class(key) != CKO_SECRET_KEY ||
	    !kw_key_type_ok(mcx_object_key_type(key)))
		return CKR_KEY_NOT_WRAPPABLE;
	rv = mcx_ops_mech_value(wrapping_key, &kek, &kek_len);
	if (rv == CKR_OK)
		rv = mcx_ops_mech_value(key, &value, &len);
	if (rv != CKR_OK)
		return rv;
	/* RFC 3394 wraps n >= 2 whole 64-bit blocks. */
	if (len > WRAP_MAX || len == 0 || (!kwp && (len < 16 || len % 8)))
		return CKR_KEY_SIZE_RANGE;
	need = kwp ? mcx_aes_kwp_wrapped_len(len) : len + MCX_AES_WRAP_OVERHEAD;
	rv = mcx_ops_mech_out_len(out, out_len, need, &produce);
	if (!produce)
		return rv;
	rv = mcx_ops_mech_ckr(
	    kwp ? mcx_aes_kwp_wrap(kek, kek_len, value, len, out)
		: mcx_aes_wrap(kek, kek_len, value, len, out));
	if (rv == CKR_OK)
		*out_len = need;
	return rv;
}

static CK_RV kw_unwrap(struct mcx_session *s, const CK_MECHANISM *mech,
		       struct mcx_object *unwrapping_key, const CK_BYTE *in,
		       CK_ULONG in_len, const CK_ATTRIBUTE *tmpl, CK_ULONG n,
		       CK_OBJECT_HANDLE *key)
{
	const CK_ATTRIBUTE *a_cls = mcx_template_find(tmpl, n, CKA_CLASS);
	const CK_ATTRIBUTE *a_kt = mcx_template_find(tmpl, n, CKA_KEY_TYPE);
	bool kwp = mech->mechanism == CKM_AES_KEY_WRAP_KWP, identity = false;
	const uint8_t *kek = NULL;
	size_t kek_len = 0, len = 0;
	uint8_t *value = NULL;
	CK_OBJECT_CLASS cls = 0;
	CK_KEY_TYPE kt = 0;
	CK_ULONG value_len = 0;
	CK_ATTRIBUTE implied[2];
	const struct mcx_key_spec spec = {.tmpl = tmpl,
					  .n_tmpl = n,
					  .implied = implied,
					  .n_implied = 2,
					  .origin = MCX_ORIGIN_UNWRAPPED,
					  .mechanism = mech->mechanism,
					  .unwrapping_key = unwrapping_key};
	enum mcx_mech_err err = MCX_OK;
	CK_RV rv = check_kw_param(mech);

	if (rv != CKR_OK)
		return rv;
	/* §5.18.3: the template names the new key's class and type. */
	if (a_cls == NULL || a_kt == NULL)
		return CKR_TEMPLATE_INCOMPLETE;
	if (a_cls->pValue == NULL || a_cls->ulValueLen != sizeof(cls) ||
	    a_kt->pValue == NULL || a_kt->ulValueLen != sizeof(kt))
		return CKR_ATTRIBUTE_VALUE_INVALID;
	memcpy(&cls, a_cls->pValue, sizeof(cls));
	memcpy(&kt, a_kt->pValue, sizeof(kt));
	/* TrK-protected RSK / SSK of a KMS (issue 4, decision b) */
	identity = cls == CKO_PRIVATE_KEY &&
		   (kt == CKK_MCX_SAKKE || kt == CKK_MCX_ECCSI);
	if (!identity && (cls != CKO_SECRET_KEY || !kw_key_type_ok(kt)))
		return CKR_TEMPLATE_INCONSISTENT;
	if (in_len < (kwp ? 16u : 24u) || in_len % 8 != 0 ||
	    in_len > WRAP_MAX + 16)
		return CKR_WRAPPED_KEY_LEN_RANGE;
	rv = mcx_ops_mech_value(unwrapping_key, &kek, &kek_len);
	if (rv != CKR_OK)
		return rv;
	value = malloc(in_len);
	if (value == NULL)
		return CKR_HOST_MEMORY;
	if (kwp) {
		err = mcx_aes_kwp_unwrap(kek, kek_len, in, in_len, value, &len);
	} else {
		err = mcx_aes_unwrap(kek, kek_len, in, in_len, value);
		len = in_len - MCX_AES_WRAP_OVERHEAD;
	}
	if (err == MCX_ERR_AUTH) {
		rv = CKR_WRAPPED_KEY_INVALID;
		goto out;
	}
	rv = mcx_ops_mech_ckr(err);
	if (rv != CKR_OK)
		goto out;
	if (identity) {
		/* validated and stored as by C_CreateObject
		 * (ops_mcx_kms_unwrap.c) */
		rv = mcx_ops_mcx_kms_unwrap_identity(s, mech, unwrapping_key,
						     kek, kek_len, kt, value,
						     len, tmpl, n, key);
		goto out;
	}
	if (kt == CKK_AES && !mcx_aes_key_len_ok(len)) {
		rv = CKR_WRAPPED_KEY_INVALID;
		goto out;
	}
	value_len = len;
	implied[0] = (CK_ATTRIBUTE){CKA_VALUE, value, len};
	implied[1] =
	    (CK_ATTRIBUTE){CKA_VALUE_LEN, &value_len, sizeof(value_len)};
	rv = mcx_object_create_key(s, &spec, key);
out:
	mcx_wipe_free(value, in_len);
	return rv;
}

const struct mcx_wrap_ops mcx_ops_wrap_aes = {
    .wrap = kw_wrap,
    .unwrap = kw_unwrap,
};

/* May key be wrapped by wrapping_key?  §4.8 (CKA_EXTRACTABLE,
 * CKA_WRAP_WITH_TRUSTED) and §4.8 CKA_WRAP_TEMPLATE. */
static CK_RV wrap_policy(struct mcx_object *wrapping_key,
			 struct mcx_object *key)
{
	CK_OBJECT_CLASS cls = mcx_object_class(key);

	if (cls != CKO_SECRET_KEY && cls != CKO_PRIVATE_KEY)
		return cls == CKO_PUBLIC_KEY ? CKR_KEY_NOT_WRAPPABLE
					     : CKR_KEY_HANDLE_INVALID;
	/* an RGK-SEED is never extractable, yet leaves under
	 * CKM_MCX_XPK_WRAP, the one way mcx_ops_mcx_wrap_policy admits */
	if (!mcx_object_bool(key, CKA_EXTRACTABLE, false) &&
	    mcx_object_key_type(key) != CKK_MCX_RGK_SEED)
		return CKR_KEY_UNEXTRACTABLE;
	if (mcx_object_bool(key, CKA_WRAP_WITH_TRUSTED, false) &&
	    !mcx_object_bool(wrapping_key, CKA_TRUSTED, false))
		return CKR_KEY_NOT_WRAPPABLE;
	return mcx_object_matches_wrap_template(wrapping_key, key);
}

CK_RV mcx_C_WrapKey(CK_SESSION_HANDLE session, CK_MECHANISM_PTR mechanism,
		    CK_OBJECT_HANDLE wrapping_key, CK_OBJECT_HANDLE key,
		    CK_BYTE_PTR wrapped_key, CK_ULONG_PTR wrapped_key_len)
{
	struct mcx_session *s = NULL;
	struct mcx_object *wk = NULL, *k = NULL;
	const struct mcx_mech *row = NULL;
	CK_RV rv = mcx_session_acquire(session, &s);

	if (rv != CKR_OK)
		return rv;
	if (mechanism == NULL || wrapped_key_len == NULL) {
		rv = CKR_ARGUMENTS_BAD;
		goto out;
	}
	row = mcx_ops_mech_find(mechanism->mechanism);
	if (row == NULL || row->wrap == NULL || !(row->flags & CKF_WRAP)) {
		rv = CKR_MECHANISM_INVALID;
		goto out;
	}
	/* CKM_MCX_MIKEY_SAKKE's wrapping key is the sender's ECCSI private
	 * key, which signs the message: its usage flag is CKA_SIGN (a
	 * private key has no CKA_WRAP) */
	rv = mcx_ops_mech_key(
	    s, "C_WrapKey", row, wrapping_key,
	    row->type == CKM_MCX_MIKEY_SAKKE ? CKA_SIGN : CKA_WRAP, &wk);
	if (rv != CKR_OK)
		goto out;
	rv = mcx_object_get(s, key, &k);
	if (rv == CKR_OBJECT_HANDLE_INVALID)
		rv = CKR_KEY_HANDLE_INVALID;
	if (rv != CKR_OK)
		goto out;
	rv = mcx_ops_mcx_wrap_policy(row->type, wk, k);
	/* CKM_MCX_KMS_ISSUE "wraps" a never-extractable KMS master secret:
	 * what leaves is the key set it issues, checked instead
	 * (ops_mcx_kms.c) */
	if (rv == CKR_OK)
		rv = row->type == CKM_MCX_KMS_ISSUE
			 ? mcx_ops_mcx_kms_issue_policy(wk, k)
			 : wrap_policy(wk, k);
	if (rv == CKR_OK)
		rv = row->wrap->wrap(s, mechanism, wk, k, wrapped_key,
				     wrapped_key_len);
	/* A size query exports nothing; everything else is recorded, with
	 * the key that was (or would have been) wrapped. */
	if (wrapped_key != NULL || rv != CKR_OK)
		mcx_audit(s, "C_WrapKey", row->type, k, rv);
out:
	mcx_object_put(k);
	mcx_object_put(wk);
	mcx_session_release(s);
	return rv;
}

CK_RV mcx_C_UnwrapKey(CK_SESSION_HANDLE session, CK_MECHANISM_PTR mechanism,
		      CK_OBJECT_HANDLE unwrapping_key, CK_BYTE_PTR wrapped_key,
		      CK_ULONG wrapped_key_len, CK_ATTRIBUTE_PTR templ,
		      CK_ULONG attribute_count, CK_OBJECT_HANDLE_PTR key)
{
	struct mcx_session *s = NULL;
	struct mcx_object *uk = NULL;
	const struct mcx_mech *row = NULL;
	CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
	CK_RV rv = mcx_session_acquire(session, &s);

	if (rv != CKR_OK)
		return rv;
	if (mechanism == NULL || wrapped_key == NULL || key == NULL ||
	    (templ == NULL && attribute_count > 0)) {
		rv = CKR_ARGUMENTS_BAD;
		goto out;
	}
	row = mcx_ops_mech_find(mechanism->mechanism);
	if (row == NULL || row->wrap == NULL || !(row->flags & CKF_UNWRAP)) {
		rv = CKR_MECHANISM_INVALID;
		goto out;
	}
	/* CKM_MCX_MIKEY_SAKKE alone may leave the unwrapping key to the
	 * token: the message names its receiver (MCX-REFERENCE decision g);
	 * the handler then gets NULL and checks the RSK it finds. */
	if (unwrapping_key != CK_INVALID_HANDLE ||
	    row->type != CKM_MCX_MIKEY_SAKKE) {
		rv = mcx_ops_mech_key(s, "C_UnwrapKey", row, unwrapping_key,
				      CKA_UNWRAP, &uk);
		if (rv != CKR_OK)
			goto out;
	}
	rv = row->wrap->unwrap(s, mechanism, uk, wrapped_key, wrapped_key_len,
			       templ, attribute_count, &h);
	mcx_ops_keygen_audit_new(s, "C_UnwrapKey", row->type, uk, h, rv);
	if (rv == CKR_OK)
		*key = h;
out:
	mcx_object_put(uk);
	mcx_session_release(s);
	return rv;
}

CK_RV mcx_C_DeriveKey(CK_SESSION_HANDLE session, CK_MECHANISM_PTR mechanism,
		      CK_OBJECT_HANDLE base_key, CK_ATTRIBUTE_PTR templ,
		      CK_ULONG attribute_count, CK_OBJECT_HANDLE_PTR key)
{
	struct mcx_session *s = NULL;
	struct mcx_object *bk = NULL;
	const struct mcx_mech *row = NULL;
	CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
	CK_RV rv = mcx_session_acquire(session, &s);

	if (rv != CKR_OK)
		return rv;
	if (mechanism == NULL || (templ == NULL && attribute_count > 0)) {
		rv = CKR_ARGUMENTS_BAD;
		goto out;
	}
	/* No standard derivation is offered; CKM_MCX_RGK_DERIVE will be a
	 * row with a derive handler. */
	row = mcx_ops_mech_find(mechanism->mechanism);
	if (row == NULL || row->derive == NULL || !(row->flags & CKF_DERIVE)) {
		rv = CKR_MECHANISM_INVALID;
		mcx_audit(s, "C_DeriveKey", mechanism->mechanism, NULL, rv);
		goto out;
	}
	if (key == NULL) {
		rv = CKR_ARGUMENTS_BAD;
		goto out;
	}
	rv = mcx_ops_mech_key(s, "C_DeriveKey", row, base_key, CKA_DERIVE, &bk);
	if (rv != CKR_OK)
		goto out;
	rv = row->derive->derive(s, mechanism, bk, templ, attribute_count, &h);
	mcx_ops_keygen_audit_new(s, "C_DeriveKey", row->type, bk, h, rv);
	if (rv == CKR_OK)
		*key = h;
out:
	mcx_object_put(bk);
	mcx_session_release(s);
	return rv;
}
