/*
 * Errors: raised on OpenSSL's error queue through the core's error
 * functions (provider-base(7)), with our reason strings; a failed PKCS#11
 * call is reported by name with the token's CKR name, e.g.
 * "C_UnwrapKey: CKR_KEY_FUNCTION_NOT_PERMITTED".
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>

#include "provider/internal.h"

static const OSSL_ITEM reasons[] = {
    {MCX_R_PKCS11, "PKCS#11 call failed"},
    {MCX_R_NO_MODULE, "PKCS#11 module not available"},
    {MCX_R_BAD_URI, "invalid pkcs11 URI"},
    {MCX_R_NOT_FOUND, "key not found in the token"},
    {MCX_R_PRIVATE_EXPORT, "private key parts never leave the token"},
    {MCX_R_BAD_PARAM, "invalid parameter"},
    {MCX_R_WRONG_KEY, "wrong key for this operation"},
    {MCX_R_SSV_NOT_ALLOWED,
     "the RSK's policy does not allow returning the SSV"},
    {MCX_R_BAD_DIGEST, "ECCSI uses SHA-256 only"},
    {0, NULL},
};

const OSSL_ITEM *mcx_err_reason_strings(void)
{
	return reasons;
}

#define N(x)                                                                   \
	{                                                                      \
		x, #x                                                          \
	}
static const struct {
	CK_RV rv;
	const char *name;
} ckr_names[] = {
    N(CKR_OK),
    N(CKR_CANCEL),
    N(CKR_HOST_MEMORY),
    N(CKR_SLOT_ID_INVALID),
    N(CKR_GENERAL_ERROR),
    N(CKR_FUNCTION_FAILED),
    N(CKR_ARGUMENTS_BAD),
    N(CKR_ATTRIBUTE_READ_ONLY),
    N(CKR_ATTRIBUTE_SENSITIVE),
    N(CKR_ATTRIBUTE_TYPE_INVALID),
    N(CKR_ATTRIBUTE_VALUE_INVALID),
    N(CKR_DATA_INVALID),
    N(CKR_DATA_LEN_RANGE),
    N(CKR_DEVICE_ERROR),
    N(CKR_DEVICE_MEMORY),
    N(CKR_FUNCTION_NOT_SUPPORTED),
    N(CKR_KEY_HANDLE_INVALID),
    N(CKR_KEY_SIZE_RANGE),
    N(CKR_KEY_TYPE_INCONSISTENT),
    N(CKR_KEY_FUNCTION_NOT_PERMITTED),
    N(CKR_KEY_NOT_WRAPPABLE),
    N(CKR_KEY_UNEXTRACTABLE),
    N(CKR_MECHANISM_INVALID),
    N(CKR_MECHANISM_PARAM_INVALID),
    N(CKR_OBJECT_HANDLE_INVALID),
    N(CKR_OPERATION_ACTIVE),
    N(CKR_OPERATION_NOT_INITIALIZED),
    N(CKR_PIN_INCORRECT),
    N(CKR_PIN_LEN_RANGE),
    N(CKR_PIN_LOCKED),
    N(CKR_SESSION_HANDLE_INVALID),
    N(CKR_SESSION_READ_ONLY),
    N(CKR_SIGNATURE_INVALID),
    N(CKR_SIGNATURE_LEN_RANGE),
    N(CKR_TEMPLATE_INCOMPLETE),
    N(CKR_TEMPLATE_INCONSISTENT),
    N(CKR_TOKEN_NOT_PRESENT),
    N(CKR_TOKEN_NOT_RECOGNIZED),
    N(CKR_USER_NOT_LOGGED_IN),
    N(CKR_USER_ALREADY_LOGGED_IN),
    N(CKR_WRAPPED_KEY_INVALID),
    N(CKR_WRAPPED_KEY_LEN_RANGE),
    N(CKR_WRAPPING_KEY_HANDLE_INVALID),
    N(CKR_WRAPPING_KEY_TYPE_INCONSISTENT),
    N(CKR_UNWRAPPING_KEY_HANDLE_INVALID),
    N(CKR_UNWRAPPING_KEY_TYPE_INCONSISTENT),
    N(CKR_BUFFER_TOO_SMALL),
    N(CKR_CRYPTOKI_NOT_INITIALIZED),
    N(CKR_CRYPTOKI_ALREADY_INITIALIZED),
    N(CKR_MCX_SIGNATURE_INVALID),
    N(CKR_MCX_DECAPSULATION_FAILED),
    N(CKR_MCX_PARAMETERS_INVALID),
    N(CKR_MCX_UNKNOWN_KMS),
    N(CKR_MCX_NO_RECEIVER_KEY),
    N(CKR_MCX_DUPLICATE_KEY_ID),
    N(CKR_MCX_SENDER_NOT_AUTHORISED),
    N(CKR_MCX_KEY_REVOKED),
    N(CKR_MCX_KEY_VALIDATION_FAILED),
    N(CKR_MCX_MESSAGE_MALFORMED),
    N(CKR_MCX_MESSAGE_TOO_OLD),
    N(CKR_MCX_MESSAGE_IN_FUTURE),
    N(CKR_MCX_KEY_PERIOD_INVALID),
    N(CKR_MCX_UID_MISMATCH),
    N(CKR_MCX_REGROUP_ENDED),
};
#undef N

const char *mcx_err_ckr_name(CK_RV rv)
{
	for (size_t i = 0; i < sizeof(ckr_names) / sizeof(ckr_names[0]); i++)
		if (ckr_names[i].rv == rv)
			return ckr_names[i].name;
	return NULL;
}

static void vraise(const struct mcx_prov *prov, int reason, const char *file,
		   int line, const char *func, const char *fmt, va_list ap)
{
	if (prov == NULL || prov->new_error == NULL ||
	    prov->set_error_debug == NULL || prov->vset_error == NULL)
		return;
	prov->new_error(prov->handle);
	prov->set_error_debug(prov->handle, file, line, func);
	prov->vset_error(prov->handle, reason, fmt, ap);
}

void mcx_err_raise(const struct mcx_prov *prov, int reason, const char *file,
		   int line, const char *func, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vraise(prov, reason, file, line, func, fmt, ap);
	va_end(ap);
}

CK_RV mcx_err_ckr(const struct mcx_prov *prov, const char *file, int line,
		  const char *func, const char *call, CK_RV rv)
{
	const char *name = mcx_err_ckr_name(rv);
	if (name != NULL)
		mcx_err_raise(prov, MCX_R_PKCS11, file, line, func, "%s: %s",
			      call, name);
	else
		mcx_err_raise(prov, MCX_R_PKCS11, file, line, func,
			      "%s: CKR 0x%08lx", call, (unsigned long)rv);
	if (prov != NULL)
		mcx_p11_debug(prov->p11, "%s failed: %s (0x%lx)", call,
			      name ? name : "?", (unsigned long)rv);
	return rv;
}
