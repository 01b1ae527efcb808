/*
 * C_SeedRandom, C_GenerateRandom (PKCS#11 3.0 §5.19) and the dual-function
 * calls of §5.13, which the token does not offer (the specification allows
 * CKR_FUNCTION_NOT_SUPPORTED).  Random octets come from the DRBG of the
 * module's private library context, which seeds itself from the OS: an
 * application's seed is neither needed nor accepted.
 */
#include "config.h"

#include "mechanisms/random.h"
#include "token/entry.h"
#include "token/ops_internal.h"

/* The session check every call makes first, so bad handles get the usual
 * codes. */
static CK_RV session_ok(CK_SESSION_HANDLE h)
{
	struct mcx_session *s = NULL;
	CK_RV rv = mcx_session_acquire(h, &s);

	if (rv == CKR_OK)
		mcx_session_release(s);
	return rv;
}

CK_RV mcx_C_SeedRandom(CK_SESSION_HANDLE session, CK_BYTE_PTR seed,
		       CK_ULONG seed_len)
{
	CK_RV rv = session_ok(session);

	if (rv != CKR_OK)
		return rv;
	if (seed == NULL && seed_len > 0)
		return CKR_ARGUMENTS_BAD;
	return CKR_RANDOM_SEED_NOT_SUPPORTED;
}

CK_RV mcx_C_GenerateRandom(CK_SESSION_HANDLE session, CK_BYTE_PTR random_data,
			   CK_ULONG random_len)
{
	struct mcx_session *s = NULL;
	CK_RV rv = CKR_OK;

	if (random_data == NULL && random_len > 0) {
		rv = session_ok(session);
		return rv != CKR_OK ? rv : CKR_ARGUMENTS_BAD;
	}
	rv = mcx_session_acquire(session, &s);
	if (rv != CKR_OK)
		return rv;
	rv = mcx_ops_mech_ckr(mcx_random_bytes(random_data, random_len));
	mcx_session_release(s);
	return rv;
}

CK_RV mcx_C_DigestEncryptUpdate(CK_SESSION_HANDLE session, CK_BYTE_PTR part,
				CK_ULONG part_len, CK_BYTE_PTR encrypted_part,
				CK_ULONG_PTR encrypted_part_len)
{
	CK_RV rv = session_ok(session);

	(void)part;
	(void)part_len;
	(void)encrypted_part;
	(void)encrypted_part_len;
	return rv != CKR_OK ? rv : CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV mcx_C_DecryptDigestUpdate(CK_SESSION_HANDLE session,
				CK_BYTE_PTR encrypted_part,
				CK_ULONG encrypted_part_len, CK_BYTE_PTR part,
				CK_ULONG_PTR part_len)
{
	CK_RV rv = session_ok(session);

	(void)encrypted_part;
	(void)encrypted_part_len;
	(void)part;
	(void)part_len;
	return rv != CKR_OK ? rv : CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV mcx_C_SignEncryptUpdate(CK_SESSION_HANDLE session, CK_BYTE_PTR part,
			      CK_ULONG part_len, CK_BYTE_PTR encrypted_part,
			      CK_ULONG_PTR encrypted_part_len)
{
	CK_RV rv = session_ok(session);

	(void)part;
	(void)part_len;
	(void)encrypted_part;
	(void)encrypted_part_len;
	return rv != CKR_OK ? rv : CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV mcx_C_DecryptVerifyUpdate(CK_SESSION_HANDLE session,
				CK_BYTE_PTR encrypted_part,
				CK_ULONG encrypted_part_len, CK_BYTE_PTR part,
				CK_ULONG_PTR part_len)
{
	CK_RV rv = session_ok(session);

	(void)encrypted_part;
	(void)encrypted_part_len;
	(void)part;
	(void)part_len;
	return rv != CKR_OK ? rv : CKR_FUNCTION_NOT_SUPPORTED;
}
