/*
 * The module's entry: the 2.40 and 3.0 function lists and the interfaces
 * (PKCS#11 3.0 §5.4).  The only exported symbols are C_GetFunctionList,
 * C_GetInterfaceList and C_GetInterface.
 */
#include <string.h>

#include "token/entry.h"
#include "token/internal.h"

/* Exported entry points (the only three). */
CK_RV C_GetFunctionList(CK_FUNCTION_LIST_PTR_PTR ppFunctionList)
    __attribute__((visibility("default")));
CK_RV C_GetInterfaceList(CK_INTERFACE_PTR pInterfacesList,
			 CK_ULONG_PTR pulCount)
    __attribute__((visibility("default")));
CK_RV C_GetInterface(CK_UTF8CHAR_PTR pInterfaceName, CK_VERSION_PTR pVersion,
		     CK_INTERFACE_PTR_PTR ppInterface, CK_FLAGS flags)
    __attribute__((visibility("default")));

static CK_FUNCTION_LIST list_240 = {
    .version = {2, 40},
    .C_Initialize = mcx_C_Initialize,
    .C_Finalize = mcx_C_Finalize,
    .C_GetInfo = mcx_core_get_info_240,
    .C_GetFunctionList = mcx_C_GetFunctionList,
    .C_GetSlotList = mcx_C_GetSlotList,
    .C_GetSlotInfo = mcx_C_GetSlotInfo,
    .C_GetTokenInfo = mcx_C_GetTokenInfo,
    .C_WaitForSlotEvent = mcx_C_WaitForSlotEvent,
    .C_GetMechanismList = mcx_C_GetMechanismList,
    .C_GetMechanismInfo = mcx_C_GetMechanismInfo,
    .C_InitToken = mcx_C_InitToken,
    .C_InitPIN = mcx_C_InitPIN,
    .C_SetPIN = mcx_C_SetPIN,
    .C_OpenSession = mcx_C_OpenSession,
    .C_CloseSession = mcx_C_CloseSession,
    .C_CloseAllSessions = mcx_C_CloseAllSessions,
    .C_GetSessionInfo = mcx_C_GetSessionInfo,
    .C_GetOperationState = mcx_C_GetOperationState,
    .C_SetOperationState = mcx_C_SetOperationState,
    .C_Login = mcx_C_Login,
    .C_Logout = mcx_C_Logout,
    .C_CreateObject = mcx_C_CreateObject,
    .C_CopyObject = mcx_C_CopyObject,
    .C_DestroyObject = mcx_C_DestroyObject,
    .C_GetObjectSize = mcx_C_GetObjectSize,
    .C_GetAttributeValue = mcx_C_GetAttributeValue,
    .C_SetAttributeValue = mcx_C_SetAttributeValue,
    .C_FindObjectsInit = mcx_C_FindObjectsInit,
    .C_FindObjects = mcx_C_FindObjects,
    .C_FindObjectsFinal = mcx_C_FindObjectsFinal,
    .C_EncryptInit = mcx_C_EncryptInit,
    .C_Encrypt = mcx_C_Encrypt,
    .C_EncryptUpdate = mcx_C_EncryptUpdate,
    .C_EncryptFinal = mcx_C_EncryptFinal,
    .C_DecryptInit = mcx_C_DecryptInit,
    .C_Decrypt = mcx_C_Decrypt,
    .C_DecryptUpdate = mcx_C_DecryptUpdate,
    .C_DecryptFinal = mcx_C_DecryptFinal,
    .C_DigestInit = mcx_C_DigestInit,
    .C_Digest = mcx_C_Digest,
    .C_DigestUpdate = mcx_C_DigestUpdate,
    .C_DigestKey = mcx_C_DigestKey,
    .C_DigestFinal = mcx_C_DigestFinal,
    .C_SignInit = mcx_C_SignInit,
    .C_Sign = mcx_C_Sign,
    .C_SignUpdate = mcx_C_SignUpdate,
    .C_SignFinal = mcx_C_SignFinal,
    .C_SignRecoverInit = mcx_C_SignRecoverInit,
    .C_SignRecover = mcx_C_SignRecover,
    .C_VerifyInit = mcx_C_VerifyInit,
    .C_Verify = mcx_C_Verify,
    .C_VerifyUpdate = mcx_C_VerifyUpdate,
    .C_VerifyFinal = mcx_C_VerifyFinal,
    .C_VerifyRecoverInit = mcx_C_VerifyRecoverInit,
    .C_VerifyRecover = mcx_C_VerifyRecover,
    .C_DigestEncryptUpdate = mcx_C_DigestEncryptUpdate,
    .C_DecryptDigestUpdate = mcx_C_DecryptDigestUpdate,
    .C_SignEncryptUpdate = mcx_C_SignEncryptUpdate,
    .C_DecryptVerifyUpdate = mcx_C_DecryptVerifyUpdate,
    .C_GenerateKey = mcx_C_GenerateKey,
    .C_GenerateKeyPair = mcx_C_GenerateKeyPair,
    .C_WrapKey = mcx_C_WrapKey,
    .C_UnwrapKey = mcx_C_UnwrapKey,
    .C_DeriveKey = mcx_C_DeriveKey,
    .C_SeedRandom = mcx_C_SeedRandom,
    .C_GenerateRandom = mcx_C_GenerateRandom,
    .C_GetFunctionStatus = mcx_C_GetFunctionStatus,
    .C_CancelFunction = mcx_C_CancelFunction,
};

static CK_FUNCTION_LIST_3_0 list_30 = {
    .version = {3, 0},
    .C_Initialize = mcx_C_Initialize,
    .C_Finalize = mcx_C_Finalize,
    .C_GetInfo = mcx_C_GetInfo,
    .C_GetFunctionList = mcx_C_GetFunctionList,
    .C_GetSlotList = mcx_C_GetSlotList,
    .C_GetSlotInfo = mcx_C_GetSlotInfo,
    .C_GetTokenInfo = mcx_C_GetTokenInfo,
    .C_WaitForSlotEvent = mcx_C_WaitForSlotEvent,
    .C_GetMechanismList = mcx_C_GetMechanismList,
    .C_GetMechanismInfo = mcx_C_GetMechanismInfo,
    .C_InitToken = mcx_C_InitToken,
    .C_InitPIN = mcx_C_InitPIN,
    .C_SetPIN = mcx_C_SetPIN,
    .C_OpenSession = mcx_C_OpenSession,
    .C_CloseSession = mcx_C_CloseSession,
    .C_CloseAllSessions = mcx_C_CloseAllSessions,
    .C_GetSessionInfo = mcx_C_GetSessionInfo,
    .C_GetOperationState = mcx_C_GetOperationState,
    .C_SetOperationState = mcx_C_SetOperationState,
    .C_Login = mcx_C_Login,
    .C_Logout = mcx_C_Logout,
    .C_CreateObject = mcx_C_CreateObject,
    .C_CopyObject = mcx_C_CopyObject,
    .C_DestroyObject = mcx_C_DestroyObject,
    .C_GetObjectSize = mcx_C_GetObjectSize,
    .C_GetAttributeValue = mcx_C_GetAttributeValue,
    .C_SetAttributeValue = mcx_C_SetAttributeValue,
    .C_FindObjectsInit = mcx_C_FindObjectsInit,
    .C_FindObjects = mcx_C_FindObjects,
    .C_FindObjectsFinal = mcx_C_FindObjectsFinal,
    .C_EncryptInit = mcx_C_EncryptInit,
    .C_Encrypt = mcx_C_Encrypt,
    .C_EncryptUpdate = mcx_C_EncryptUpdate,
    .C_EncryptFinal = mcx_C_EncryptFinal,
    .C_DecryptInit = mcx_C_DecryptInit,
    .C_Decrypt = mcx_C_Decrypt,
    .C_DecryptUpdate = mcx_C_DecryptUpdate,
    .C_DecryptFinal = mcx_C_DecryptFinal,
    .C_DigestInit = mcx_C_DigestInit,
    .C_Digest = mcx_C_Digest,
    .C_DigestUpdate = mcx_C_DigestUpdate,
    .C_DigestKey = mcx_C_DigestKey,
    .C_DigestFinal = mcx_C_DigestFinal,
    .C_SignInit = mcx_C_SignInit,
    .C_Sign = mcx_C_Sign,
    .C_SignUpdate = mcx_C_SignUpdate,
    .C_SignFinal = mcx_C_SignFinal,
    .C_SignRecoverInit = mcx_C_SignRecoverInit,
    .C_SignRecover = mcx_C_SignRecover,
    .C_VerifyInit = mcx_C_VerifyInit,
    .C_Verify = mcx_C_Verify,
    .C_VerifyUpdate = mcx_C_VerifyUpdate,
    .C_VerifyFinal = mcx_C_VerifyFinal,
    .C_VerifyRecoverInit = mcx_C_VerifyRecoverInit,
    .C_VerifyRecover = mcx_C_VerifyRecover,
    .C_DigestEncryptUpdate = mcx_C_DigestEncryptUpdate,
    .C_DecryptDigestUpdate = mcx_C_DecryptDigestUpdate,
    .C_SignEncryptUpdate = mcx_C_SignEncryptUpdate,
    .C_DecryptVerifyUpdate = mcx_C_DecryptVerifyUpdate,
    .C_GenerateKey = mcx_C_GenerateKey,
    .C_GenerateKeyPair = mcx_C_GenerateKeyPair,
    .C_WrapKey = mcx_C_WrapKey,
    .C_UnwrapKey = mcx_C_UnwrapKey,
    .C_DeriveKey = mcx_C_DeriveKey,
    .C_SeedRandom = mcx_C_SeedRandom,
    .C_GenerateRandom = mcx_C_GenerateRandom,
    .C_GetFunctionStatus = mcx_C_GetFunctionStatus,
    .C_CancelFunction = mcx_C_CancelFunction,
    .C_GetInterfaceList = mcx_C_GetInterfaceList,
    .C_GetInterface = mcx_C_GetInterface,
    .C_LoginUser = mcx_C_LoginUser,
    .C_SessionCancel = mcx_C_SessionCancel,
    .C_MessageEncryptInit = mcx_C_MessageEncryptInit,
    .C_EncryptMessage = mcx_C_EncryptMessage,
    .C_EncryptMessageBegin = mcx_C_EncryptMessageBegin,
    .C_EncryptMessageNext = mcx_C_EncryptMessageNext,
    .C_MessageEncryptFinal = mcx_C_MessageEncryptFinal,
    .C_MessageDecryptInit = mcx_C_MessageDecryptInit,
    .C_DecryptMessage = mcx_C_DecryptMessage,
    .C_DecryptMessageBegin = mcx_C_DecryptMessageBegin,
    .C_DecryptMessageNext = mcx_C_DecryptMessageNext,
    .C_MessageDecryptFinal = mcx_C_MessageDecryptFinal,
    .C_MessageSignInit = mcx_C_MessageSignInit,
    .C_SignMessage = mcx_C_SignMessage,
    .C_SignMessageBegin = mcx_C_SignMessageBegin,
    .C_SignMessageNext = mcx_C_SignMessageNext,
    .C_MessageSignFinal = mcx_C_MessageSignFinal,
    .C_MessageVerifyInit = mcx_C_MessageVerifyInit,
    .C_VerifyMessage = mcx_C_VerifyMessage,
    .C_VerifyMessageBegin = mcx_C_VerifyMessageBegin,
    .C_VerifyMessageNext = mcx_C_VerifyMessageNext,
    .C_MessageVerifyFinal = mcx_C_MessageVerifyFinal,
};

/* Fork safety is not claimed: a child must call C_Initialize. */
static CK_INTERFACE interfaces[] = {
    {(CK_CHAR *)"PKCS 11", &list_30, 0},
    {(CK_CHAR *)"PKCS 11", &list_240, 0},
};
#define N_INTERFACES (sizeof(interfaces) / sizeof(interfaces[0]))

CK_RV mcx_C_GetFunctionList(CK_FUNCTION_LIST_PTR_PTR ppFunctionList)
{
	if (ppFunctionList == NULL)
		return CKR_ARGUMENTS_BAD;
	*ppFunctionList = &list_240;
	return CKR_OK;
}

CK_RV mcx_C_GetInterfaceList(CK_INTERFACE_PTR pInterfacesList,
			     CK_ULONG_PTR pulCount)
{
	if (pulCount == NULL)
		return CKR_ARGUMENTS_BAD;
	if (pInterfacesList == NULL) {
		*pulCount = N_INTERFACES;
		return CKR_OK;
	}
	if (*pulCount < N_INTERFACES) {
		*pulCount = N_INTERFACES;
		return CKR_BUFFER_TOO_SMALL;
	}
	memcpy(pInterfacesList, interfaces, sizeof(interfaces));
	*pulCount = N_INTERFACES;
	return CKR_OK;
}

CK_RV mcx_C_GetInterface(CK_UTF8CHAR_PTR pInterfaceName,
			 CK_VERSION_PTR pVersion,
			 CK_INTERFACE_PTR_PTR ppInterface, CK_FLAGS flags)
{
	if (ppInterface == NULL)
		return CKR_ARGUMENTS_BAD;
	for (size_t i = 0; i < N_INTERFACES; i++) {
		const CK_VERSION *v = interfaces[i].pFunctionList;
		if (pInterfaceName != NULL &&
		    strcmp((const char *)pInterfaceName,
			   (const char *)interfaces[i].pInterfaceName) != 0)
			continue;
		if (pVersion != NULL && (pVersion->major != v->major ||
					 pVersion->minor != v->minor))
			continue;
		if ((flags & interfaces[i].flags) != flags)
			continue;
		*ppInterface = &interfaces[i];
		return CKR_OK;
	}
	return CKR_ARGUMENTS_BAD;
}

CK_RV C_GetFunctionList(CK_FUNCTION_LIST_PTR_PTR ppFunctionList)
{
	return mcx_C_GetFunctionList(ppFunctionList);
}

CK_RV C_GetInterfaceList(CK_INTERFACE_PTR pInterfacesList,
			 CK_ULONG_PTR pulCount)
{
	return mcx_C_GetInterfaceList(pInterfacesList, pulCount);
}

CK_RV C_GetInterface(CK_UTF8CHAR_PTR pInterfaceName, CK_VERSION_PTR pVersion,
		     CK_INTERFACE_PTR_PTR ppInterface, CK_FLAGS flags)
{
	return mcx_C_GetInterface(pInterfaceName, pVersion, ppInterface, flags);
}
