/*
 * The mechanism table (one row per mechanism, PKCS#11 3.0 §6 for the
 * standard ones), C_GetMechanismList, C_GetMechanismInfo, and the helpers
 * every ops file shares.
 */
#include "config.h"

#include <string.h>

#include "mechanisms/ec_p256.h"
#include "token/entry.h"
#include "token/ops_internal.h"
#include "token/slot.h"

#define NO_KEY                                                                 \
	{                                                                      \
		CK_UNAVAILABLE_INFORMATION, CK_UNAVAILABLE_INFORMATION,        \
		    CK_UNAVAILABLE_INFORMATION                                 \
	}
#define EC_FLAGS (CKF_EC_F_P | CKF_EC_NAMEDCURVE | CKF_EC_UNCOMPRESS)

static const struct mcx_mech mechs[] = {
    /* §6.14 AES: key sizes in octets. */
    {CKM_AES_KEY_GEN, "CKM_AES_KEY_GEN", NO_KEY, 16, 32, CKF_GENERATE, NULL,
     NULL, &mcx_ops_keygen_secret, NULL, NULL},
    {CKM_AES_GCM,
     "CKM_AES_GCM",
     {CKK_AES, CK_UNAVAILABLE_INFORMATION, CK_UNAVAILABLE_INFORMATION},
     16,
     32,
     CKF_ENCRYPT | CKF_DECRYPT,
     &mcx_ops_gcm_cipher,
     NULL,
     NULL,
     NULL,
     NULL},
    {CKM_AES_KEY_WRAP,
     "CKM_AES_KEY_WRAP",
     {CKK_AES, CK_UNAVAILABLE_INFORMATION, CK_UNAVAILABLE_INFORMATION},
     16,
     32,
     CKF_WRAP | CKF_UNWRAP,
     NULL,
     NULL,
     NULL,
     &mcx_ops_wrap_aes,
     NULL},
    {CKM_AES_KEY_WRAP_KWP,
     "CKM_AES_KEY_WRAP_KWP",
     {CKK_AES, CK_UNAVAILABLE_INFORMATION, CK_UNAVAILABLE_INFORMATION},
     16,
     32,
     CKF_WRAP | CKF_UNWRAP,
     NULL,
     NULL,
     NULL,
     &mcx_ops_wrap_aes,
     NULL},
    /* §6.x SHA-256 and HMAC: generic secret keys of 1..512 octets (also
     * the 2.40 CKK_SHA256_HMAC type). */
    {CKM_SHA256, "CKM_SHA256", NO_KEY, 0, 0, CKF_DIGEST, NULL, NULL, NULL, NULL,
     NULL},
    {CKM_SHA256_HMAC,
     "CKM_SHA256_HMAC",
     {CKK_GENERIC_SECRET, CKK_SHA256_HMAC, CK_UNAVAILABLE_INFORMATION},
     1,
     512,
     CKF_SIGN | CKF_VERIFY,
     NULL,
     &mcx_ops_sig_std_hmac,
     NULL,
     NULL,
     NULL},
    {CKM_GENERIC_SECRET_KEY_GEN, "CKM_GENERIC_SECRET_KEY_GEN", NO_KEY, 1, 512,
     CKF_GENERATE, NULL, NULL, &mcx_ops_keygen_secret, NULL, NULL},
    /* §2.3 EC: P-256 only, sizes in bits. */
    {CKM_EC_KEY_PAIR_GEN, "CKM_EC_KEY_PAIR_GEN", NO_KEY, 256, 256,
     CKF_GENERATE_KEY_PAIR | EC_FLAGS, NULL, NULL, &mcx_ops_keygen_ec, NULL,
     NULL},
    {CKM_ECDSA,
     "CKM_ECDSA",
     {CKK_EC, CK_UNAVAILABLE_INFORMATION, CK_UNAVAILABLE_INFORMATION},
     256,
     256,
     CKF_SIGN | CKF_VERIFY | EC_FLAGS,
     NULL,
     &mcx_ops_sig_std_ecdsa,
     NULL,
     NULL,
     NULL},
    {CKM_ECDSA_SHA256,
     "CKM_ECDSA_SHA256",
     {CKK_EC, CK_UNAVAILABLE_INFORMATION, CK_UNAVAILABLE_INFORMATION},
     256,
     256,
     CKF_SIGN | CKF_VERIFY | EC_FLAGS,
     NULL,
     &mcx_ops_sig_std_ecdsa_sha256,
     NULL,
     NULL,
     NULL},
    /* Legacy, for pkcs11-tool --test-ec (see ops_sig_std.c). */
    {CKM_ECDSA_SHA1,
     "CKM_ECDSA_SHA1",
     {CKK_EC, CK_UNAVAILABLE_INFORMATION, CK_UNAVAILABLE_INFORMATION},
     256,
     256,
     CKF_SIGN | CKF_VERIFY | EC_FLAGS,
     NULL,
     &mcx_ops_sig_std_ecdsa_sha1,
     NULL,
     NULL,
     NULL},
    /* MCX vendor mechanisms (<mcxhsm/pkcs11-mcx.h>, ops_mcx_*.c): no key
     * size range, the key types fix the curves. */
    {CKM_MCX_KEY_GEN, "CKM_MCX_KEY_GEN", NO_KEY, 16, 16, CKF_GENERATE, NULL,
     NULL, &mcx_ops_mcx_keygen, NULL, NULL},
    {CKM_MCX_SAKKE,
     "CKM_MCX_SAKKE",
     {CKK_MCX_SAKKE, CK_UNAVAILABLE_INFORMATION, CK_UNAVAILABLE_INFORMATION},
     1024,
     1024,
     CKF_WRAP | CKF_UNWRAP,
     NULL,
     NULL,
     NULL,
     &mcx_ops_mcx_sakke,
     NULL},
    {CKM_MCX_ECCSI,
     "CKM_MCX_ECCSI",
     {CKK_MCX_ECCSI, CK_UNAVAILABLE_INFORMATION, CK_UNAVAILABLE_INFORMATION},
     256,
     256,
     CKF_SIGN | CKF_VERIFY,
     NULL,
     &mcx_ops_mcx_eccsi,
     NULL,
     NULL,
     NULL},
    /* issue 5: wrap = send (key: the sender's ECCSI private key), unwrap =
     * receive (key: the receiver's RSK); ops_mcx_mikey.c */
    {CKM_MCX_MIKEY_SAKKE,
     "CKM_MCX_MIKEY_SAKKE",
     {CKK_MCX_ECCSI, CKK_MCX_SAKKE, CK_UNAVAILABLE_INFORMATION},
     0,
     0,
     CKF_WRAP | CKF_UNWRAP,
     NULL,
     NULL,
     NULL,
     &mcx_ops_mcx_mikey,
     NULL},
    /* Regroup keys (ops_mcx_rgk.c, issue 6). */
    {CKM_MCX_RGK_SEED_GEN, "CKM_MCX_RGK_SEED_GEN", NO_KEY, 16, 16, CKF_GENERATE,
     NULL, NULL, &mcx_ops_mcx_rgk_seed_gen, NULL, NULL},
    {CKM_MCX_XPK_WRAP,
     "CKM_MCX_XPK_WRAP",
     {CKK_MCX_KEY, CK_UNAVAILABLE_INFORMATION, CK_UNAVAILABLE_INFORMATION},
     16,
     16,
     CKF_WRAP | CKF_UNWRAP,
     NULL,
     NULL,
     NULL,
     &mcx_ops_mcx_xpk_wrap,
     NULL},
    {CKM_MCX_RGK_DERIVE,
     "CKM_MCX_RGK_DERIVE",
     {CKK_MCX_KEY, CK_UNAVAILABLE_INFORMATION, CK_UNAVAILABLE_INFORMATION},
     16,
     16,
     CKF_DERIVE,
     NULL,
     NULL,
     NULL,
     NULL,
     &mcx_ops_mcx_rgk_derive},
    /* KMS role (ops_mcx_kms.c, issue 4): the issue mechanism's key is the
     * TrK; the key "wrapped" is a KMS master secret */
    {CKM_MCX_KMS_KEY_GEN, "CKM_MCX_KMS_KEY_GEN", NO_KEY, 0, 0,
     CKF_GENERATE_KEY_PAIR, NULL, NULL, &mcx_ops_mcx_kms_keygen, NULL, NULL},
    {CKM_MCX_KMS_ISSUE,
     "CKM_MCX_KMS_ISSUE",
     {CKK_AES, CK_UNAVAILABLE_INFORMATION, CK_UNAVAILABLE_INFORMATION},
     16,
     32,
     CKF_WRAP,
     NULL,
     NULL,
     NULL,
     &mcx_ops_mcx_kms_issue,
     NULL},
};

#define N_MECHS (sizeof(mechs) / sizeof(mechs[0]))

const struct mcx_mech *mcx_ops_mech_find(CK_MECHANISM_TYPE type)
{
	for (size_t i = 0; i < N_MECHS; i++)
		if (mechs[i].type == type)
			return &mechs[i];
	return NULL;
}

CK_RV mcx_ops_mech_ckr(enum mcx_mech_err err)
{
	switch (err) {
	case MCX_OK:
		return CKR_OK;
	case MCX_ERR_LENGTH:
		return CKR_DATA_LEN_RANGE;
	case MCX_ERR_ENCODING:
	case MCX_ERR_NOT_ON_CURVE:
	case MCX_ERR_INFINITY:
	case MCX_ERR_NOT_IN_SUBGROUP:
	case MCX_ERR_SCALAR_RANGE:
	case MCX_ERR_KEY_INVALID:
		return CKR_MCX_KEY_VALIDATION_FAILED;
	case MCX_ERR_DECAP_CHECK:
		return CKR_MCX_DECAPSULATION_FAILED;
	case MCX_ERR_SIGNATURE:
		return CKR_SIGNATURE_INVALID;
	case MCX_ERR_AUTH:
		return CKR_ENCRYPTED_DATA_INVALID;
	case MCX_ERR_ARGUMENT:
		return CKR_ARGUMENTS_BAD;
	case MCX_ERR_NOMEM:
		return CKR_HOST_MEMORY;
	case MCX_ERR_RANDOM:
		return CKR_DEVICE_ERROR;
	case MCX_ERR_UNSUPPORTED:
		return CKR_MCX_MESSAGE_MALFORMED;
	case MCX_ERR_PARAMS:
	case MCX_ERR_PARAMS_FORMAT:
		return CKR_MCX_PARAMETERS_INVALID;
	case MCX_ERR_IDENTITY:
	case MCX_ERR_KEY_ID:
		return CKR_MCX_UID_MISMATCH;
	case MCX_ERR_CRYPTO:
		break;
	}
	return CKR_FUNCTION_FAILED;
}

CK_RV mcx_ops_mech_value(struct mcx_object *key, const uint8_t **value,
			 size_t *len)
{
	const void *v = NULL;
	CK_RV rv = mcx_object_attr(key, CKA_VALUE, &v, len);

	if (rv == CKR_ATTRIBUTE_TYPE_INVALID)
		return CKR_KEY_TYPE_INCONSISTENT;
	*value = v;
	return rv;
}

CK_RV mcx_ops_mech_check_key(const struct mcx_mech *row, struct mcx_object *key)
{
	CK_KEY_TYPE kt = mcx_object_key_type(key);
	const uint8_t *value = NULL;
	const void *params = NULL;
	size_t len = 0, plen = 0;
	bool ok = false;
	CK_RV rv = CKR_OK;

	for (size_t i = 0; i < MCX_MECH_MAX_KEY_TYPES; i++)
		if (row->key_types[i] != CK_UNAVAILABLE_INFORMATION &&
		    row->key_types[i] == kt)
			ok = true;
	if (!ok)
		return CKR_KEY_TYPE_INCONSISTENT;
	switch (kt) {
	case CKK_MCX_SAKKE:
	case CKK_MCX_ECCSI:
		/* A KMS master secret (z_T or KSAK, CKA_MCX_KMS_SECRET, made
		 * by CKM_MCX_KMS_KEY_GEN) has an identity key's type but is
		 * no RSK or SSK: no mechanism takes it as its key (the KMS
		 * role's CKM_MCX_KMS_ISSUE takes it as the key to be
		 * wrapped), whatever its usage flags say: PKCS#11 3.0
		 * §5.1.6 CKR_KEY_TYPE_INCONSISTENT (C_WrapKey/C_UnwrapKey
		 * say it in the wrapping key's words, in_words_of). */
		if (mcx_object_class(key) == CKO_PRIVATE_KEY &&
		    mcx_object_bool(key, CKA_MCX_KMS_SECRET, false))
			return CKR_KEY_TYPE_INCONSISTENT;
		break;
	case CKK_AES:
	case CKK_GENERIC_SECRET:
	case CKK_SHA256_HMAC:
		rv = mcx_ops_mech_value(key, &value, &len);
		if (rv != CKR_OK)
			return rv;
		if (len < row->min_key || len > row->max_key)
			return CKR_KEY_SIZE_RANGE;
		break;
	case CKK_EC:
		/* The only curve we offer: 256 bits, P-256. */
		rv = mcx_object_attr(key, CKA_EC_PARAMS, &params, &plen);
		if (rv == CKR_ATTRIBUTE_TYPE_INVALID)
			return CKR_KEY_TYPE_INCONSISTENT;
		if (rv != CKR_OK)
			return rv;
		if (!mcx_ec_p256_params_match(params, plen))
			return CKR_KEY_SIZE_RANGE;
		break;
	default:
		break;
	}
	return CKR_OK;
}

CK_RV mcx_ops_mech_out_len(CK_BYTE *out, CK_ULONG *out_len, CK_ULONG need,
			   bool *produce)
{
	*produce = false;
	if (out == NULL) {
		*out_len = need;
		return CKR_OK;
	}
	if (*out_len < need) {
		*out_len = need;
		return CKR_BUFFER_TOO_SMALL;
	}
	*produce = true;
	return CKR_OK;
}

/* The object classes a key used for usage may have (PKCS#11 3.0 §4.8-4.9:
 * encrypt/verify/wrap with secret or public keys, the inverse operations
 * with secret or private keys). */
static bool class_fits(CK_OBJECT_CLASS cls, CK_ATTRIBUTE_TYPE usage)
{
	if (cls == CKO_SECRET_KEY)
		return true;
	switch (usage) {
	case CKA_ENCRYPT:
	case CKA_VERIFY:
	case CKA_WRAP:
		return cls == CKO_PUBLIC_KEY;
	case CKA_DECRYPT:
	case CKA_SIGN:
	case CKA_UNWRAP:
	case CKA_DERIVE:
		return cls == CKO_PRIVATE_KEY;
	default:
		return false;
	}
}

/* The operation key's codes in the wrapping key's words (PKCS#11 3.0
 * §5.18.6) when fn is C_WrapKey / C_UnwrapKey, so that the caller and the
 * audit record see the same CKR. */
static CK_RV in_words_of(const char *fn, CK_RV rv)
{
	bool wrap = strcmp(fn, "C_WrapKey") == 0;

	if (!wrap && strcmp(fn, "C_UnwrapKey") != 0)
		return rv;
	switch (rv) {
	case CKR_KEY_HANDLE_INVALID:
		return wrap ? CKR_WRAPPING_KEY_HANDLE_INVALID
			    : CKR_UNWRAPPING_KEY_HANDLE_INVALID;
	case CKR_KEY_TYPE_INCONSISTENT:
		return wrap ? CKR_WRAPPING_KEY_TYPE_INCONSISTENT
			    : CKR_UNWRAPPING_KEY_TYPE_INCONSISTENT;
	case CKR_KEY_SIZE_RANGE:
		return wrap ? CKR_WRAPPING_KEY_SIZE_RANGE
			    : CKR_UNWRAPPING_KEY_SIZE_RANGE;
	default:
		return rv;
	}
}

CK_RV mcx_ops_mech_key(struct mcx_session *s, const char *fn,
		       const struct mcx_mech *row, CK_OBJECT_HANDLE h,
		       CK_ATTRIBUTE_TYPE usage, struct mcx_object **out)
{
	struct mcx_object *key = NULL;
	CK_RV rv = mcx_object_get(s, h, &key);

	*out = NULL;
	if (rv == CKR_OBJECT_HANDLE_INVALID)
		return in_words_of(fn, CKR_KEY_HANDLE_INVALID);
	if (rv != CKR_OK)
		return rv;
	/* Type first: a key of the wrong kind is inconsistent with the
	 * mechanism whatever its flags say. */
	if (!class_fits(mcx_object_class(key), usage)) {
		rv = mcx_object_class(key) == CKO_SECRET_KEY ||
			     mcx_object_class(key) == CKO_PUBLIC_KEY ||
			     mcx_object_class(key) == CKO_PRIVATE_KEY
			 ? CKR_KEY_TYPE_INCONSISTENT
			 : CKR_KEY_HANDLE_INVALID;
		goto out;
	}
	rv = mcx_ops_mech_check_key(row, key);
	if (rv != CKR_OK)
		goto out;
	rv = mcx_object_check_use(key, usage, row->type);
out:
	rv = in_words_of(fn, rv);
	if (rv != CKR_OK) {
		mcx_audit(s, fn, row->type, key, rv);
		mcx_object_put(key);
		return rv;
	}
	*out = key;
	return CKR_OK;
}

CK_RV mcx_C_GetMechanismList(CK_SLOT_ID slot_id,
			     CK_MECHANISM_TYPE_PTR mechanism_list,
			     CK_ULONG_PTR count)
{
	CK_RV rv = mcx_slot_check(slot_id);

	if (rv != CKR_OK)
		return rv;
	if (count == NULL)
		return CKR_ARGUMENTS_BAD;
	if (mechanism_list == NULL) {
		*count = N_MECHS;
		return CKR_OK;
	}
	if (*count < N_MECHS) {
		*count = N_MECHS;
		return CKR_BUFFER_TOO_SMALL;
	}
	for (size_t i = 0; i < N_MECHS; i++)
		mechanism_list[i] = mechs[i].type;
	*count = N_MECHS;
	return CKR_OK;
}

CK_RV mcx_C_GetMechanismInfo(CK_SLOT_ID slot_id, CK_MECHANISM_TYPE type,
			     CK_MECHANISM_INFO_PTR info)
{
	const struct mcx_mech *row = NULL;
	CK_RV rv = mcx_slot_check(slot_id);

	if (rv != CKR_OK)
		return rv;
	if (info == NULL)
		return CKR_ARGUMENTS_BAD;
	row = mcx_ops_mech_find(type);
	if (row == NULL)
		return CKR_MECHANISM_INVALID;
	info->ulMinKeySize = row->min_key;
	info->ulMaxKeySize = row->max_key;
	info->flags = row->flags;
	return CKR_OK;
}
