/*
 * Functions the token does not support (PKCS#11 3.0 allows it): operation
 * state save/restore, the legacy parallel-function calls, session cancel and
 * the 3.0 message-based API.  Each still validates the library state and the
 * session handle first so that bad input gets the usual codes.
 */

#include "token/entry.h"
#include "token/session.h"

static CK_RV session_valid(CK_SESSION_HANDLE hSession)
{
	struct mcx_session *s = NULL;
	CK_RV rv = mcx_session_acquire(hSession, &s);
	if (rv == CKR_OK)
		mcx_session_release(s);
	return rv;
}

CK_RV mcx_C_GetOperationState(CK_SESSION_HANDLE session,
			      CK_BYTE_PTR operation_state,
			      CK_ULONG_PTR operation_state_len)
{
	CK_RV rv = session_valid(session);
	return rv != CKR_OK ? rv : CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV mcx_C_SetOperationState(CK_SESSION_HANDLE session,
			      CK_BYTE_PTR operation_state,
			      CK_ULONG operation_state_len,
			      CK_OBJECT_HANDLE encryption_key,
			      CK_OBJECT_HANDLE authentiation_key)
{
	CK_RV rv = session_valid(session);
	return rv != CKR_OK ? rv : CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV mcx_C_GetFunctionStatus(CK_SESSION_HANDLE session)
{
	CK_RV rv = session_valid(session);
	return rv != CKR_OK ? rv : CKR_FUNCTION_NOT_PARALLEL;
}

CK_RV mcx_C_CancelFunction(CK_SESSION_HANDLE session)
{
	CK_RV rv = session_valid(session);
	return rv != CKR_OK ? rv : CKR_FUNCTION_NOT_PARALLEL;
}

CK_RV mcx_C_SessionCancel(CK_SESSION_HANDLE hSession, CK_FLAGS flags)
{
	CK_RV rv = session_valid(hSession);
	return rv != CKR_OK ? rv : CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV mcx_C_MessageEncryptInit(CK_SESSION_HANDLE hSession,
			       CK_MECHANISM_PTR pMechanism,
			       CK_OBJECT_HANDLE hKey)
{
	CK_RV rv = session_valid(hSession);
	return rv != CKR_OK ? rv : CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV mcx_C_EncryptMessage(CK_SESSION_HANDLE hSession, CK_VOID_PTR pParameter,
			   CK_ULONG ulParameterLen, CK_BYTE_PTR pAssociatedData,
			   CK_ULONG ulAssociatedDataLen, CK_BYTE_PTR pPlaintext,
			   CK_ULONG ulPlaintextLen, CK_BYTE_PTR pCiphertext,
			   CK_ULONG_PTR pulCiphertextLen)
{
	CK_RV rv = session_valid(hSession);
	return rv != CKR_OK ? rv : CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV mcx_C_EncryptMessageBegin(CK_SESSION_HANDLE hSession,
				CK_VOID_PTR pParameter, CK_ULONG ulParameterLen,
				CK_BYTE_PTR pAssociatedData,
				CK_ULONG ulAssociatedDataLen)
{
	CK_RV rv = session_valid(hSession);
	return rv != CKR_OK ? rv : CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV mcx_C_EncryptMessageNext(CK_SESSION_HANDLE hSession,
			       CK_VOID_PTR pParameter, CK_ULONG ulParameterLen,
			       CK_BYTE_PTR pPlaintextPart,
			       CK_ULONG ulPlaintextPartLen,
			       CK_BYTE_PTR pCiphertextPart,
			       CK_ULONG_PTR pulCiphertextPartLen,
			       CK_FLAGS flags)
{
	CK_RV rv = session_valid(hSession);
	return rv != CKR_OK ? rv : CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV mcx_C_MessageEncryptFinal(CK_SESSION_HANDLE hSession)
{
	CK_RV rv = session_valid(hSession);
	return rv != CKR_OK ? rv : CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV mcx_C_MessageDecryptInit(CK_SESSION_HANDLE hSession,
			       CK_MECHANISM_PTR pMechanism,
			       CK_OBJECT_HANDLE hKey)
{
	CK_RV rv = session_valid(hSession);
	return rv != CKR_OK ? rv : CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV mcx_C_DecryptMessage(CK_SESSION_HANDLE hSession, CK_VOID_PTR pParameter,
			   CK_ULONG ulParameterLen, CK_BYTE_PTR pAssociatedData,
			   CK_ULONG ulAssociatedDataLen,
			   CK_BYTE_PTR pCiphertext, CK_ULONG ulCiphertextLen,
			   CK_BYTE_PTR pPlaintext, CK_ULONG_PTR pulPlaintextLen)
{
	CK_RV rv = session_valid(hSession);
	return rv != CKR_OK ? rv : CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV mcx_C_DecryptMessageBegin(CK_SESSION_HANDLE hSession,
				CK_VOID_PTR pParameter, CK_ULONG ulParameterLen,
				CK_BYTE_PTR pAssociatedData,
				CK_ULONG ulAssociatedDataLen)
{
	CK_RV rv = session_valid(hSession);
	return rv != CKR_OK ? rv : CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV mcx_C_DecryptMessageNext(CK_SESSION_HANDLE hSession,
			       CK_VOID_PTR pParameter, CK_ULONG ulParameterLen,
			       CK_BYTE_PTR pCiphertextPart,
			       CK_ULONG ulCiphertextPartLen,
			       CK_BYTE_PTR pPlaintextPart,
			       CK_ULONG_PTR pulPlaintextPartLen, CK_FLAGS flags)
{
	CK_RV rv = session_valid(hSession);
	return rv != CKR_OK ? rv : CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV mcx_C_MessageDecryptFinal(CK_SESSION_HANDLE hSession)
{
	CK_RV rv = session_valid(hSession);
	return rv != CKR_OK ? rv : CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV mcx_C_MessageSignInit(CK_SESSION_HANDLE hSession,
			    CK_MECHANISM_PTR pMechanism, CK_OBJECT_HANDLE hKey)
{
	CK_RV rv = session_valid(hSession);
	return rv != CKR_OK ? rv : CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV mcx_C_SignMessage(CK_SESSION_HANDLE hSession, CK_VOID_PTR pParameter,
			CK_ULONG ulParameterLen, CK_BYTE_PTR pData,
			CK_ULONG ulDataLen, CK_BYTE_PTR pSignature,
			CK_ULONG_PTR pulSignatureLen)
{
	CK_RV rv = session_valid(hSession);
	return rv != CKR_OK ? rv : CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV mcx_C_SignMessageBegin(CK_SESSION_HANDLE hSession, CK_VOID_PTR pParameter,
			     CK_ULONG ulParameterLen)
{
	CK_RV rv = session_valid(hSession);
	return rv != CKR_OK ? rv : CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV mcx_C_SignMessageNext(CK_SESSION_HANDLE hSession, CK_VOID_PTR pParameter,
			    CK_ULONG ulParameterLen, CK_BYTE_PTR pData,
			    CK_ULONG ulDataLen, CK_BYTE_PTR pSignature,
			    CK_ULONG_PTR pulSignatureLen)
{
	CK_RV rv = session_valid(hSession);
	return rv != CKR_OK ? rv : CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV mcx_C_MessageSignFinal(CK_SESSION_HANDLE hSession)
{
	CK_RV rv = session_valid(hSession);
	return rv != CKR_OK ? rv : CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV mcx_C_MessageVerifyInit(CK_SESSION_HANDLE hSession,
			      CK_MECHANISM_PTR pMechanism,
			      CK_OBJECT_HANDLE hKey)
{
	CK_RV rv = session_valid(hSession);
	return rv != CKR_OK ? rv : CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV mcx_C_VerifyMessage(CK_SESSION_HANDLE hSession, CK_VOID_PTR pParameter,
			  CK_ULONG ulParameterLen, CK_BYTE_PTR pData,
			  CK_ULONG ulDataLen, CK_BYTE_PTR pSignature,
			  CK_ULONG ulSignatureLen)
{
	CK_RV rv = session_valid(hSession);
	return rv != CKR_OK ? rv : CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV mcx_C_VerifyMessageBegin(CK_SESSION_HANDLE hSession,
			       CK_VOID_PTR pParameter, CK_ULONG ulParameterLen)
{
	CK_RV rv = session_valid(hSession);
	return rv != CKR_OK ? rv : CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV mcx_C_VerifyMessageNext(CK_SESSION_HANDLE hSession,
			      CK_VOID_PTR pParameter, CK_ULONG ulParameterLen,
			      CK_BYTE_PTR pData, CK_ULONG ulDataLen,
			      CK_BYTE_PTR pSignature, CK_ULONG ulSignatureLen)
{
	CK_RV rv = session_valid(hSession);
	return rv != CKR_OK ? rv : CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV mcx_C_MessageVerifyFinal(CK_SESSION_HANDLE hSession)
{
	CK_RV rv = session_valid(hSession);
	return rv != CKR_OK ? rv : CKR_FUNCTION_NOT_SUPPORTED;
}
