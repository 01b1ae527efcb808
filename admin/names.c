/*
 * Names for PKCS#11 numbers, so that messages and listings say
 * "CKR_PIN_INCORRECT" and "CKK_MCX_KEY" rather than numbers.  Tables, not
 * code: a new vendor constant is one line here.
 */
#include "config.h"

#include <stdio.h>

#include "admin/internal.h"

struct rv_name {
	CK_RV rv;
	const char *name;
	const char *hint;
};

struct ul_name {
	CK_ULONG v;
	const char *name;
};

#define N_ELEM(a) (sizeof(a) / sizeof((a)[0]))

static const struct rv_name rv_names[] = {
    {CKR_OK, "CKR_OK", NULL},
    {CKR_CANCEL, "CKR_CANCEL", NULL},
    {CKR_HOST_MEMORY, "CKR_HOST_MEMORY", "out of memory"},
    {CKR_SLOT_ID_INVALID, "CKR_SLOT_ID_INVALID", "no such slot"},
    {CKR_GENERAL_ERROR, "CKR_GENERAL_ERROR", "module failure (see its log)"},
    {CKR_FUNCTION_FAILED, "CKR_FUNCTION_FAILED", NULL},
    {CKR_ARGUMENTS_BAD, "CKR_ARGUMENTS_BAD", "bad arguments"},
    {CKR_NO_EVENT, "CKR_NO_EVENT", NULL},
    {CKR_NEED_TO_CREATE_THREADS, "CKR_NEED_TO_CREATE_THREADS", NULL},
    {CKR_CANT_LOCK, "CKR_CANT_LOCK", NULL},
    {CKR_ATTRIBUTE_READ_ONLY, "CKR_ATTRIBUTE_READ_ONLY", NULL},
    {CKR_ATTRIBUTE_SENSITIVE, "CKR_ATTRIBUTE_SENSITIVE", "the value is secret"},
    {CKR_ATTRIBUTE_TYPE_INVALID, "CKR_ATTRIBUTE_TYPE_INVALID", NULL},
    {CKR_ATTRIBUTE_VALUE_INVALID, "CKR_ATTRIBUTE_VALUE_INVALID", NULL},
    {CKR_ACTION_PROHIBITED, "CKR_ACTION_PROHIBITED",
     "refused by the key policy"},
    {CKR_DATA_INVALID, "CKR_DATA_INVALID", NULL},
    {CKR_DATA_LEN_RANGE, "CKR_DATA_LEN_RANGE", NULL},
    {CKR_DEVICE_ERROR, "CKR_DEVICE_ERROR",
     "token storage failure (see the module log)"},
    {CKR_DEVICE_MEMORY, "CKR_DEVICE_MEMORY", "token storage full"},
    {CKR_DEVICE_REMOVED, "CKR_DEVICE_REMOVED", NULL},
    {CKR_ENCRYPTED_DATA_INVALID, "CKR_ENCRYPTED_DATA_INVALID", NULL},
    {CKR_ENCRYPTED_DATA_LEN_RANGE, "CKR_ENCRYPTED_DATA_LEN_RANGE", NULL},
    {CKR_FUNCTION_CANCELED, "CKR_FUNCTION_CANCELED", NULL},
    {CKR_FUNCTION_NOT_PARALLEL, "CKR_FUNCTION_NOT_PARALLEL", NULL},
    {CKR_FUNCTION_NOT_SUPPORTED, "CKR_FUNCTION_NOT_SUPPORTED",
     "the module does not offer this"},
    {CKR_KEY_HANDLE_INVALID, "CKR_KEY_HANDLE_INVALID", NULL},
    {CKR_KEY_SIZE_RANGE, "CKR_KEY_SIZE_RANGE", NULL},
    {CKR_KEY_TYPE_INCONSISTENT, "CKR_KEY_TYPE_INCONSISTENT", NULL},
    {CKR_KEY_NOT_NEEDED, "CKR_KEY_NOT_NEEDED", NULL},
    {CKR_KEY_CHANGED, "CKR_KEY_CHANGED", NULL},
    {CKR_KEY_NEEDED, "CKR_KEY_NEEDED", NULL},
    {CKR_KEY_INDIGESTIBLE, "CKR_KEY_INDIGESTIBLE", NULL},
    {CKR_KEY_FUNCTION_NOT_PERMITTED, "CKR_KEY_FUNCTION_NOT_PERMITTED",
     "the key may not be used so"},
    {CKR_KEY_NOT_WRAPPABLE, "CKR_KEY_NOT_WRAPPABLE", NULL},
    {CKR_KEY_UNEXTRACTABLE, "CKR_KEY_UNEXTRACTABLE",
     "the key may not leave the token"},
    {CKR_MECHANISM_INVALID, "CKR_MECHANISM_INVALID", "mechanism not offered"},
    {CKR_MECHANISM_PARAM_INVALID, "CKR_MECHANISM_PARAM_INVALID", NULL},
    {CKR_OBJECT_HANDLE_INVALID, "CKR_OBJECT_HANDLE_INVALID",
     "the object is gone"},
    {CKR_OPERATION_ACTIVE, "CKR_OPERATION_ACTIVE", NULL},
    {CKR_OPERATION_NOT_INITIALIZED, "CKR_OPERATION_NOT_INITIALIZED", NULL},
    {CKR_PIN_INCORRECT, "CKR_PIN_INCORRECT", "wrong PIN"},
    {CKR_PIN_INVALID, "CKR_PIN_INVALID",
     "PIN has characters the token refuses"},
    {CKR_PIN_LEN_RANGE, "CKR_PIN_LEN_RANGE", "PIN too short or too long"},
    {CKR_PIN_EXPIRED, "CKR_PIN_EXPIRED", "PIN expired: set a new one"},
    {CKR_PIN_LOCKED, "CKR_PIN_LOCKED", "PIN locked after too many wrong tries"},
    {CKR_SESSION_CLOSED, "CKR_SESSION_CLOSED", NULL},
    {CKR_SESSION_COUNT, "CKR_SESSION_COUNT", NULL},
    {CKR_SESSION_HANDLE_INVALID, "CKR_SESSION_HANDLE_INVALID", NULL},
    {CKR_SESSION_PARALLEL_NOT_SUPPORTED, "CKR_SESSION_PARALLEL_NOT_SUPPORTED",
     NULL},
    {CKR_SESSION_READ_ONLY, "CKR_SESSION_READ_ONLY", NULL},
    {CKR_SESSION_EXISTS, "CKR_SESSION_EXISTS", "the token has open sessions"},
    {CKR_SESSION_READ_ONLY_EXISTS, "CKR_SESSION_READ_ONLY_EXISTS",
     "a read-only session is open"},
    {CKR_SESSION_READ_WRITE_SO_EXISTS, "CKR_SESSION_READ_WRITE_SO_EXISTS",
     NULL},
    {CKR_SIGNATURE_INVALID, "CKR_SIGNATURE_INVALID",
     "signature does not verify"},
    {CKR_SIGNATURE_LEN_RANGE, "CKR_SIGNATURE_LEN_RANGE", NULL},
    {CKR_TEMPLATE_INCOMPLETE, "CKR_TEMPLATE_INCOMPLETE",
     "an attribute is missing"},
    {CKR_TEMPLATE_INCONSISTENT, "CKR_TEMPLATE_INCONSISTENT",
     "attributes contradict each other"},
    {CKR_TOKEN_NOT_PRESENT, "CKR_TOKEN_NOT_PRESENT", "no token in the slot"},
    {CKR_TOKEN_NOT_RECOGNIZED, "CKR_TOKEN_NOT_RECOGNIZED",
     "token not initialised"},
    {CKR_TOKEN_WRITE_PROTECTED, "CKR_TOKEN_WRITE_PROTECTED",
     "token is read-only"},
    {CKR_UNWRAPPING_KEY_SIZE_RANGE, "CKR_UNWRAPPING_KEY_SIZE_RANGE", NULL},
    {CKR_UNWRAPPING_KEY_TYPE_INCONSISTENT,
     "CKR_UNWRAPPING_KEY_TYPE_INCONSISTENT", NULL},
    {CKR_USER_ALREADY_LOGGED_IN, "CKR_USER_ALREADY_LOGGED_IN",
     "already logged in"},
    {CKR_USER_NOT_LOGGED_IN, "CKR_USER_NOT_LOGGED_IN", "login needed"},
    {CKR_USER_PIN_NOT_INITIALIZED, "CKR_USER_PIN_NOT_INITIALIZED",
     "user PIN not set: run token init"},
    {CKR_USER_TYPE_INVALID, "CKR_USER_TYPE_INVALID", NULL},
    {CKR_USER_ANOTHER_ALREADY_LOGGED_IN, "CKR_USER_ANOTHER_ALREADY_LOGGED_IN",
     NULL},
    {CKR_USER_TOO_MANY_TYPES, "CKR_USER_TOO_MANY_TYPES", NULL},
    {CKR_WRAPPED_KEY_INVALID, "CKR_WRAPPED_KEY_INVALID", NULL},
    {CKR_WRAPPED_KEY_LEN_RANGE, "CKR_WRAPPED_KEY_LEN_RANGE", NULL},
    {CKR_WRAPPING_KEY_HANDLE_INVALID, "CKR_WRAPPING_KEY_HANDLE_INVALID", NULL},
    {CKR_WRAPPING_KEY_SIZE_RANGE, "CKR_WRAPPING_KEY_SIZE_RANGE", NULL},
    {CKR_WRAPPING_KEY_TYPE_INCONSISTENT, "CKR_WRAPPING_KEY_TYPE_INCONSISTENT",
     NULL},
    {CKR_RANDOM_SEED_NOT_SUPPORTED, "CKR_RANDOM_SEED_NOT_SUPPORTED", NULL},
    {CKR_RANDOM_NO_RNG, "CKR_RANDOM_NO_RNG", NULL},
    {CKR_DOMAIN_PARAMS_INVALID, "CKR_DOMAIN_PARAMS_INVALID", NULL},
    {CKR_CURVE_NOT_SUPPORTED, "CKR_CURVE_NOT_SUPPORTED", NULL},
    {CKR_BUFFER_TOO_SMALL, "CKR_BUFFER_TOO_SMALL", NULL},
    {CKR_SAVED_STATE_INVALID, "CKR_SAVED_STATE_INVALID", NULL},
    {CKR_INFORMATION_SENSITIVE, "CKR_INFORMATION_SENSITIVE", NULL},
    {CKR_STATE_UNSAVEABLE, "CKR_STATE_UNSAVEABLE", NULL},
    {CKR_CRYPTOKI_NOT_INITIALIZED, "CKR_CRYPTOKI_NOT_INITIALIZED",
     "module not initialised"},
    {CKR_CRYPTOKI_ALREADY_INITIALIZED, "CKR_CRYPTOKI_ALREADY_INITIALIZED",
     NULL},
    {CKR_MUTEX_BAD, "CKR_MUTEX_BAD", NULL},
    {CKR_MUTEX_NOT_LOCKED, "CKR_MUTEX_NOT_LOCKED", NULL},
    {CKR_NEW_PIN_MODE, "CKR_NEW_PIN_MODE", NULL},
    {CKR_NEXT_OTP, "CKR_NEXT_OTP", NULL},
    {CKR_EXCEEDED_MAX_ITERATIONS, "CKR_EXCEEDED_MAX_ITERATIONS", NULL},
    {CKR_FIPS_SELF_TEST_FAILED, "CKR_FIPS_SELF_TEST_FAILED", NULL},
    {CKR_LIBRARY_LOAD_FAILED, "CKR_LIBRARY_LOAD_FAILED", NULL},
    {CKR_PIN_TOO_WEAK, "CKR_PIN_TOO_WEAK", NULL},
    {CKR_PUBLIC_KEY_INVALID, "CKR_PUBLIC_KEY_INVALID", NULL},
    {CKR_FUNCTION_REJECTED, "CKR_FUNCTION_REJECTED", NULL},
    /* vendor codes, <mcxhsm/pkcs11-mcx.h> */
    {CKR_MCX_SIGNATURE_INVALID, "CKR_MCX_SIGNATURE_INVALID",
     "ECCSI signature does not verify"},
    {CKR_MCX_DECAPSULATION_FAILED, "CKR_MCX_DECAPSULATION_FAILED",
     "SAKKE decapsulation failed"},
    {CKR_MCX_PARAMETERS_INVALID, "CKR_MCX_PARAMETERS_INVALID",
     "key parameters do not decrypt or parse"},
    {CKR_MCX_UNKNOWN_KMS, "CKR_MCX_UNKNOWN_KMS",
     "no certificate of that KMS in the token"},
    {CKR_MCX_NO_RECEIVER_KEY, "CKR_MCX_NO_RECEIVER_KEY",
     "no receiver key for the key period"},
    {CKR_MCX_DUPLICATE_KEY_ID, "CKR_MCX_DUPLICATE_KEY_ID",
     "a key with that K-ID exists"},
    {CKR_MCX_SENDER_NOT_AUTHORISED, "CKR_MCX_SENDER_NOT_AUTHORISED",
     "sender not authorised for the group"},
    {CKR_MCX_KEY_REVOKED, "CKR_MCX_KEY_REVOKED", "the key is revoked"},
    {CKR_MCX_KEY_VALIDATION_FAILED, "CKR_MCX_KEY_VALIDATION_FAILED",
     "key material fails validation"},
    {CKR_MCX_MESSAGE_MALFORMED, "CKR_MCX_MESSAGE_MALFORMED",
     "malformed message"},
    {CKR_MCX_MESSAGE_TOO_OLD, "CKR_MCX_MESSAGE_TOO_OLD", "message too old"},
    {CKR_MCX_MESSAGE_IN_FUTURE, "CKR_MCX_MESSAGE_IN_FUTURE",
     "message time in the future"},
    {CKR_MCX_KEY_PERIOD_INVALID, "CKR_MCX_KEY_PERIOD_INVALID",
     "key period out of validity"},
    {CKR_MCX_UID_MISMATCH, "CKR_MCX_UID_MISMATCH",
     "UID does not match the identity"},
    {CKR_MCX_REGROUP_ENDED, "CKR_MCX_REGROUP_ENDED", "the regroup has ended"},
};

static const struct ul_name key_type_names[] = {
    {CKK_RSA, "CKK_RSA"},
    {CKK_DSA, "CKK_DSA"},
    {CKK_DH, "CKK_DH"},
    {CKK_EC, "CKK_EC"},
    {CKK_X9_42_DH, "CKK_X9_42_DH"},
    {CKK_KEA, "CKK_KEA"},
    {CKK_GENERIC_SECRET, "CKK_GENERIC_SECRET"},
    {CKK_RC2, "CKK_RC2"},
    {CKK_RC4, "CKK_RC4"},
    {CKK_DES, "CKK_DES"},
    {CKK_DES2, "CKK_DES2"},
    {CKK_DES3, "CKK_DES3"},
    {CKK_CAST, "CKK_CAST"},
    {CKK_CAST3, "CKK_CAST3"},
    {CKK_CAST128, "CKK_CAST128"},
    {CKK_RC5, "CKK_RC5"},
    {CKK_IDEA, "CKK_IDEA"},
    {CKK_SKIPJACK, "CKK_SKIPJACK"},
    {CKK_BATON, "CKK_BATON"},
    {CKK_JUNIPER, "CKK_JUNIPER"},
    {CKK_CDMF, "CKK_CDMF"},
    {CKK_AES, "CKK_AES"},
    {CKK_BLOWFISH, "CKK_BLOWFISH"},
    {CKK_TWOFISH, "CKK_TWOFISH"},
    {CKK_SECURID, "CKK_SECURID"},
    {CKK_HOTP, "CKK_HOTP"},
    {CKK_ACTI, "CKK_ACTI"},
    {CKK_CAMELLIA, "CKK_CAMELLIA"},
    {CKK_ARIA, "CKK_ARIA"},
    {CKK_MD5_HMAC, "CKK_MD5_HMAC"},
    {CKK_SHA_1_HMAC, "CKK_SHA_1_HMAC"},
    {CKK_RIPEMD128_HMAC, "CKK_RIPEMD128_HMAC"},
    {CKK_RIPEMD160_HMAC, "CKK_RIPEMD160_HMAC"},
    {CKK_SHA256_HMAC, "CKK_SHA256_HMAC"},
    {CKK_SHA384_HMAC, "CKK_SHA384_HMAC"},
    {CKK_SHA512_HMAC, "CKK_SHA512_HMAC"},
    {CKK_SHA224_HMAC, "CKK_SHA224_HMAC"},
    {CKK_SEED, "CKK_SEED"},
    {CKK_GOSTR3410, "CKK_GOSTR3410"},
    {CKK_GOSTR3411, "CKK_GOSTR3411"},
    {CKK_GOST28147, "CKK_GOST28147"},
    {CKK_EC_EDWARDS, "CKK_EC_EDWARDS"},
    {CKK_MCX_SAKKE, "CKK_MCX_SAKKE"},
    {CKK_MCX_ECCSI, "CKK_MCX_ECCSI"},
    {CKK_MCX_KEY, "CKK_MCX_KEY"},
    {CKK_MCX_RGK_SEED, "CKK_MCX_RGK_SEED"},
};

static const struct ul_name class_names[] = {
    {CKO_DATA, "CKO_DATA"},
    {CKO_CERTIFICATE, "CKO_CERTIFICATE"},
    {CKO_PUBLIC_KEY, "CKO_PUBLIC_KEY"},
    {CKO_PRIVATE_KEY, "CKO_PRIVATE_KEY"},
    {CKO_SECRET_KEY, "CKO_SECRET_KEY"},
    {CKO_HW_FEATURE, "CKO_HW_FEATURE"},
    {CKO_DOMAIN_PARAMETERS, "CKO_DOMAIN_PARAMETERS"},
    {CKO_MECHANISM, "CKO_MECHANISM"},
    {CKO_OTP_KEY, "CKO_OTP_KEY"},
    {CKO_PROFILE, "CKO_PROFILE"},
    {CKO_MCX_AUDIT_RECORD, "CKO_MCX_AUDIT_RECORD"},
};

/* The mechanisms the token offers and a few a log may name. */
static const struct ul_name mechanism_names[] = {
    {CKM_RSA_PKCS_KEY_PAIR_GEN, "CKM_RSA_PKCS_KEY_PAIR_GEN"},
    {CKM_RSA_PKCS, "CKM_RSA_PKCS"},
    {CKM_SHA256, "CKM_SHA256"},
    {CKM_SHA256_HMAC, "CKM_SHA256_HMAC"},
    {CKM_GENERIC_SECRET_KEY_GEN, "CKM_GENERIC_SECRET_KEY_GEN"},
    {CKM_EC_KEY_PAIR_GEN, "CKM_EC_KEY_PAIR_GEN"},
    {CKM_ECDSA, "CKM_ECDSA"},
    {CKM_ECDSA_SHA256, "CKM_ECDSA_SHA256"},
    {CKM_ECDH1_DERIVE, "CKM_ECDH1_DERIVE"},
    {CKM_AES_KEY_GEN, "CKM_AES_KEY_GEN"},
    {CKM_AES_ECB, "CKM_AES_ECB"},
    {CKM_AES_CBC, "CKM_AES_CBC"},
    {CKM_AES_CBC_PAD, "CKM_AES_CBC_PAD"},
    {CKM_AES_GCM, "CKM_AES_GCM"},
    {CKM_AES_KEY_WRAP, "CKM_AES_KEY_WRAP"},
    {CKM_AES_KEY_WRAP_PAD, "CKM_AES_KEY_WRAP_PAD"},
    {CKM_AES_KEY_WRAP_KWP, "CKM_AES_KEY_WRAP_KWP"},
    {CKM_MCX_KEY_GEN, "CKM_MCX_KEY_GEN"},
    {CKM_MCX_SAKKE, "CKM_MCX_SAKKE"},
    {CKM_MCX_ECCSI, "CKM_MCX_ECCSI"},
    {CKM_MCX_MIKEY_SAKKE, "CKM_MCX_MIKEY_SAKKE"},
    {CKM_MCX_XPK_WRAP, "CKM_MCX_XPK_WRAP"},
    {CKM_MCX_RGK_SEED_GEN, "CKM_MCX_RGK_SEED_GEN"},
    {CKM_MCX_RGK_DERIVE, "CKM_MCX_RGK_DERIVE"},
    {CKM_MCX_KMS_KEY_GEN, "CKM_MCX_KMS_KEY_GEN"},
    {CKM_MCX_KMS_ISSUE, "CKM_MCX_KMS_ISSUE"},
};

/* TS 33.180 §5.2.3 purpose tags; PRODUCT.md fixes these spellings. */
static const struct ul_name purpose_names[] = {
    {CKP_MCX_GMK, "GMK"},     {CKP_MCX_PCK, "PCK"},   {CKP_MCX_CSK, "CSK"},
    {CKP_MCX_SPK, "SPK"},     {CKP_MCX_MKFC, "MKFC"}, {CKP_MCX_MSCCK, "MSCCK"},
    {CKP_MCX_MUSIK, "MuSiK"},
};

static const struct ul_name user_type_names[] = {
    {CKU_SO, "SO"},
    {CKU_USER, "USER"},
    {CKU_CONTEXT_SPECIFIC, "CONTEXT_SPECIFIC"},
};

static const char *lookup(const struct ul_name *t, size_t n, CK_ULONG v)
{
	size_t i = 0;

	for (i = 0; i < n; i++)
		if (t[i].v == v)
			return t[i].name;
	return mcx_names_hex_ulong(v);
}

const char *mcx_names_hex_ulong(CK_ULONG v)
{
	/* A few buffers in turn: one printf may name several unknown
	 * numbers (an audit line: user type, mechanism, CKR). */
	static char bufs[4][24];
	static unsigned next;
	char *buf = bufs[next++ % 4];

	snprintf(buf, sizeof(bufs[0]), "0x%08lx", (unsigned long)v);
	return buf;
}

const char *mcx_names_rv(CK_RV rv)
{
	size_t i = 0;

	for (i = 0; i < N_ELEM(rv_names); i++)
		if (rv_names[i].rv == rv)
			return rv_names[i].name;
	return mcx_names_hex_ulong(rv);
}

const char *mcx_names_rv_hint(CK_RV rv)
{
	size_t i = 0;

	for (i = 0; i < N_ELEM(rv_names); i++)
		if (rv_names[i].rv == rv)
			return rv_names[i].hint;
	return NULL;
}

const char *mcx_names_class(CK_OBJECT_CLASS cls)
{
	return lookup(class_names, N_ELEM(class_names), cls);
}

const char *mcx_names_key_type(CK_KEY_TYPE kt)
{
	return lookup(key_type_names, N_ELEM(key_type_names), kt);
}

const char *mcx_names_mechanism(CK_MECHANISM_TYPE mech)
{
	if (mech == CK_UNAVAILABLE_INFORMATION)
		return "-";
	return lookup(mechanism_names, N_ELEM(mechanism_names), mech);
}

const char *mcx_names_purpose(CK_ULONG purpose)
{
	return lookup(purpose_names, N_ELEM(purpose_names), purpose);
}

const char *mcx_names_user_type(CK_ULONG user_type)
{
	if (user_type == CK_UNAVAILABLE_INFORMATION)
		return "-";
	return lookup(user_type_names, N_ELEM(user_type_names), user_type);
}
