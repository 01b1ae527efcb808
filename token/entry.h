/*
 * The PKCS#11 entry points of libmcxhsm.so, one mcx_C_<Name> per function.
 * token/module.c builds the 2.40 CK_FUNCTION_LIST and the 3.0
 * CK_FUNCTION_LIST_3_0 from these and exports only C_GetFunctionList,
 * C_GetInterfaceList and C_GetInterface.
 *
 * Who implements what:
 *   token/module.c    C_Initialize, C_Finalize, C_GetInfo, the function and
 *                     interface getters, the "not supported" 3.0 functions
 *   token/slot.c      slots, tokens, C_InitToken, C_WaitForSlotEvent
 *   token/session.c   sessions
 *   token/login.c     C_Login, C_LoginUser, C_Logout, C_InitPIN, C_SetPIN
 *   token/object.c    C_CreateObject, C_CopyObject, C_DestroyObject,
 *                     C_GetObjectSize, C_GetAttributeValue, C_SetAttributeValue
 *   token/find.c      C_FindObjectsInit, C_FindObjects, C_FindObjectsFinal
 *   token/ops_*.c     (engineer M) mechanisms, crypto operations, key
 *                     generation, wrap/unwrap/derive, random; until those
 *                     land token/ops_pending.c returns
 *                     CKR_FUNCTION_NOT_SUPPORTED for them.
 */
#ifndef MCX_TOKEN_ENTRY_H
#define MCX_TOKEN_ENTRY_H

#include <mcxhsm/pkcs11.h>

/* ---- PKCS#11 2.40 (order of CK_FUNCTION_LIST) ---------------------- */
CK_RV mcx_C_Initialize(CK_VOID_PTR init_args);
CK_RV mcx_C_Finalize(CK_VOID_PTR reserved);
CK_RV mcx_C_GetInfo(CK_INFO_PTR info);
CK_RV mcx_C_GetFunctionList(CK_FUNCTION_LIST_PTR_PTR function_list);
CK_RV mcx_C_GetSlotList(CK_BBOOL token_present, CK_SLOT_ID_PTR slot_list,
			CK_ULONG_PTR count);
CK_RV mcx_C_GetSlotInfo(CK_SLOT_ID slot_id, CK_SLOT_INFO_PTR info);
CK_RV mcx_C_GetTokenInfo(CK_SLOT_ID slot_id, CK_TOKEN_INFO_PTR info);
CK_RV mcx_C_WaitForSlotEvent(CK_FLAGS flags, CK_SLOT_ID_PTR slot,
			     CK_VOID_PTR reserved);
CK_RV mcx_C_GetMechanismList(CK_SLOT_ID slot_id,
			     CK_MECHANISM_TYPE_PTR mechanism_list,
			     CK_ULONG_PTR count);
CK_RV mcx_C_GetMechanismInfo(CK_SLOT_ID slot_id, CK_MECHANISM_TYPE type,
			     CK_MECHANISM_INFO_PTR info);
CK_RV mcx_C_InitToken(CK_SLOT_ID slot_id, CK_BYTE_PTR pin, CK_ULONG pin_len,
		      CK_BYTE_PTR label);
CK_RV mcx_C_InitPIN(CK_SESSION_HANDLE session, CK_BYTE_PTR pin,
		    CK_ULONG pin_len);
CK_RV mcx_C_SetPIN(CK_SESSION_HANDLE session, CK_BYTE_PTR old_pin,
		   CK_ULONG old_len, CK_BYTE_PTR new_pin, CK_ULONG new_len);
CK_RV mcx_C_OpenSession(CK_SLOT_ID slot_id, CK_FLAGS flags,
			CK_VOID_PTR application, CK_NOTIFY notify,
			CK_SESSION_HANDLE_PTR session);
CK_RV mcx_C_CloseSession(CK_SESSION_HANDLE session);
CK_RV mcx_C_CloseAllSessions(CK_SLOT_ID slot_id);
CK_RV mcx_C_GetSessionInfo(CK_SESSION_HANDLE session, CK_SESSION_INFO_PTR info);
CK_RV mcx_C_GetOperationState(CK_SESSION_HANDLE session,
			      CK_BYTE_PTR operation_state,
			      CK_ULONG_PTR operation_state_len);
CK_RV mcx_C_SetOperationState(CK_SESSION_HANDLE session,
			      CK_BYTE_PTR operation_state,
			      CK_ULONG operation_state_len,
			      CK_OBJECT_HANDLE encryption_key,
			      CK_OBJECT_HANDLE authentiation_key);
CK_RV mcx_C_Login(CK_SESSION_HANDLE session, CK_USER_TYPE user_type,
		  CK_BYTE_PTR pin, CK_ULONG pin_len);
CK_RV mcx_C_Logout(CK_SESSION_HANDLE session);
CK_RV mcx_C_CreateObject(CK_SESSION_HANDLE session, CK_ATTRIBUTE_PTR templ,
			 CK_ULONG count, CK_OBJECT_HANDLE_PTR object);
CK_RV mcx_C_CopyObject(CK_SESSION_HANDLE session, CK_OBJECT_HANDLE object,
		       CK_ATTRIBUTE_PTR templ, CK_ULONG count,
		       CK_OBJECT_HANDLE_PTR new_object);
CK_RV mcx_C_DestroyObject(CK_SESSION_HANDLE session, CK_OBJECT_HANDLE object);
CK_RV mcx_C_GetObjectSize(CK_SESSION_HANDLE session, CK_OBJECT_HANDLE object,
			  CK_ULONG_PTR size);
CK_RV mcx_C_GetAttributeValue(CK_SESSION_HANDLE session,
			      CK_OBJECT_HANDLE object, CK_ATTRIBUTE_PTR templ,
			      CK_ULONG count);
CK_RV mcx_C_SetAttributeValue(CK_SESSION_HANDLE session,
			      CK_OBJECT_HANDLE object, CK_ATTRIBUTE_PTR templ,
			      CK_ULONG count);
CK_RV mcx_C_FindObjectsInit(CK_SESSION_HANDLE session, CK_ATTRIBUTE_PTR templ,
			    CK_ULONG count);
CK_RV mcx_C_FindObjects(CK_SESSION_HANDLE session, CK_OBJECT_HANDLE_PTR object,
			CK_ULONG max_object_count, CK_ULONG_PTR object_count);
CK_RV mcx_C_FindObjectsFinal(CK_SESSION_HANDLE session);
CK_RV mcx_C_EncryptInit(CK_SESSION_HANDLE session, CK_MECHANISM_PTR mechanism,
			CK_OBJECT_HANDLE key);
CK_RV mcx_C_Encrypt(CK_SESSION_HANDLE session, CK_BYTE_PTR data,
		    CK_ULONG data_len, CK_BYTE_PTR encrypted_data,
		    CK_ULONG_PTR encrypted_data_len);
CK_RV mcx_C_EncryptUpdate(CK_SESSION_HANDLE session, CK_BYTE_PTR part,
			  CK_ULONG part_len, CK_BYTE_PTR encrypted_part,
			  CK_ULONG_PTR encrypted_part_len);
CK_RV mcx_C_EncryptFinal(CK_SESSION_HANDLE session,
			 CK_BYTE_PTR last_encrypted_part,
			 CK_ULONG_PTR last_encrypted_part_len);
CK_RV mcx_C_DecryptInit(CK_SESSION_HANDLE session, CK_MECHANISM_PTR mechanism,
			CK_OBJECT_HANDLE key);
CK_RV mcx_C_Decrypt(CK_SESSION_HANDLE session, CK_BYTE_PTR encrypted_data,
		    CK_ULONG encrypted_data_len, CK_BYTE_PTR data,
		    CK_ULONG_PTR data_len);
CK_RV mcx_C_DecryptUpdate(CK_SESSION_HANDLE session, CK_BYTE_PTR encrypted_part,
			  CK_ULONG encrypted_part_len, CK_BYTE_PTR part,
			  CK_ULONG_PTR part_len);
CK_RV mcx_C_DecryptFinal(CK_SESSION_HANDLE session, CK_BYTE_PTR last_part,
			 CK_ULONG_PTR last_part_len);
CK_RV mcx_C_DigestInit(CK_SESSION_HANDLE session, CK_MECHANISM_PTR mechanism);
CK_RV mcx_C_Digest(CK_SESSION_HANDLE session, CK_BYTE_PTR data,
		   CK_ULONG data_len, CK_BYTE_PTR digest,
		   CK_ULONG_PTR digest_len);
CK_RV mcx_C_DigestUpdate(CK_SESSION_HANDLE session, CK_BYTE_PTR part,
			 CK_ULONG part_len);
CK_RV mcx_C_DigestKey(CK_SESSION_HANDLE session, CK_OBJECT_HANDLE key);
CK_RV mcx_C_DigestFinal(CK_SESSION_HANDLE session, CK_BYTE_PTR digest,
			CK_ULONG_PTR digest_len);
CK_RV mcx_C_SignInit(CK_SESSION_HANDLE session, CK_MECHANISM_PTR mechanism,
		     CK_OBJECT_HANDLE key);
CK_RV mcx_C_Sign(CK_SESSION_HANDLE session, CK_BYTE_PTR data, CK_ULONG data_len,
		 CK_BYTE_PTR signature, CK_ULONG_PTR signature_len);
CK_RV mcx_C_SignUpdate(CK_SESSION_HANDLE session, CK_BYTE_PTR part,
		       CK_ULONG part_len);
CK_RV mcx_C_SignFinal(CK_SESSION_HANDLE session, CK_BYTE_PTR signature,
		      CK_ULONG_PTR signature_len);
CK_RV mcx_C_SignRecoverInit(CK_SESSION_HANDLE session,
			    CK_MECHANISM_PTR mechanism, CK_OBJECT_HANDLE key);
CK_RV mcx_C_SignRecover(CK_SESSION_HANDLE session, CK_BYTE_PTR data,
			CK_ULONG data_len, CK_BYTE_PTR signature,
			CK_ULONG_PTR signature_len);
CK_RV mcx_C_VerifyInit(CK_SESSION_HANDLE session, CK_MECHANISM_PTR mechanism,
		       CK_OBJECT_HANDLE key);
CK_RV mcx_C_Verify(CK_SESSION_HANDLE session, CK_BYTE_PTR data,
		   CK_ULONG data_len, CK_BYTE_PTR signature,
		   CK_ULONG signature_len);
CK_RV mcx_C_VerifyUpdate(CK_SESSION_HANDLE session, CK_BYTE_PTR part,
			 CK_ULONG part_len);
CK_RV mcx_C_VerifyFinal(CK_SESSION_HANDLE session, CK_BYTE_PTR signature,
			CK_ULONG signature_len);
CK_RV mcx_C_VerifyRecoverInit(CK_SESSION_HANDLE session,
			      CK_MECHANISM_PTR mechanism, CK_OBJECT_HANDLE key);
CK_RV mcx_C_VerifyRecover(CK_SESSION_HANDLE session, CK_BYTE_PTR signature,
			  CK_ULONG signature_len, CK_BYTE_PTR data,
			  CK_ULONG_PTR data_len);
CK_RV mcx_C_DigestEncryptUpdate(CK_SESSION_HANDLE session, CK_BYTE_PTR part,
				CK_ULONG part_len, CK_BYTE_PTR encrypted_part,
				CK_ULONG_PTR encrypted_part_len);
CK_RV mcx_C_DecryptDigestUpdate(CK_SESSION_HANDLE session,
				CK_BYTE_PTR encrypted_part,
				CK_ULONG encrypted_part_len, CK_BYTE_PTR part,
				CK_ULONG_PTR part_len);
CK_RV mcx_C_SignEncryptUpdate(CK_SESSION_HANDLE session, CK_BYTE_PTR part,
			      CK_ULONG part_len, CK_BYTE_PTR encrypted_part,
			      CK_ULONG_PTR encrypted_part_len);
CK_RV mcx_C_DecryptVerifyUpdate(CK_SESSION_HANDLE session,
				CK_BYTE_PTR encrypted_part,
				CK_ULONG encrypted_part_len, CK_BYTE_PTR part,
				CK_ULONG_PTR part_len);
CK_RV mcx_C_GenerateKey(CK_SESSION_HANDLE session, CK_MECHANISM_PTR mechanism,
			CK_ATTRIBUTE_PTR templ, CK_ULONG count,
			CK_OBJECT_HANDLE_PTR key);
CK_RV mcx_C_GenerateKeyPair(
    CK_SESSION_HANDLE session, CK_MECHANISM_PTR mechanism,
    CK_ATTRIBUTE_PTR public_key_template, CK_ULONG public_key_attribute_count,
    CK_ATTRIBUTE_PTR private_key_template, CK_ULONG private_key_attribute_count,
    CK_OBJECT_HANDLE_PTR public_key, CK_OBJECT_HANDLE_PTR private_key);
CK_RV mcx_C_WrapKey(CK_SESSION_HANDLE session, CK_MECHANISM_PTR mechanism,
		    CK_OBJECT_HANDLE wrapping_key, CK_OBJECT_HANDLE key,
		    CK_BYTE_PTR wrapped_key, CK_ULONG_PTR wrapped_key_len);
CK_RV mcx_C_UnwrapKey(CK_SESSION_HANDLE session, CK_MECHANISM_PTR mechanism,
		      CK_OBJECT_HANDLE unwrapping_key, CK_BYTE_PTR wrapped_key,
		      CK_ULONG wrapped_key_len, CK_ATTRIBUTE_PTR templ,
		      CK_ULONG attribute_count, CK_OBJECT_HANDLE_PTR key);
CK_RV mcx_C_DeriveKey(CK_SESSION_HANDLE session, CK_MECHANISM_PTR mechanism,
		      CK_OBJECT_HANDLE base_key, CK_ATTRIBUTE_PTR templ,
		      CK_ULONG attribute_count, CK_OBJECT_HANDLE_PTR key);
CK_RV mcx_C_SeedRandom(CK_SESSION_HANDLE session, CK_BYTE_PTR seed,
		       CK_ULONG seed_len);
CK_RV mcx_C_GenerateRandom(CK_SESSION_HANDLE session, CK_BYTE_PTR random_data,
			   CK_ULONG random_len);
CK_RV mcx_C_GetFunctionStatus(CK_SESSION_HANDLE session);
CK_RV mcx_C_CancelFunction(CK_SESSION_HANDLE session);

/* ---- PKCS#11 3.0 additions (order of CK_FUNCTION_LIST_3_0) ---------- */
CK_RV mcx_C_GetInterfaceList(CK_INTERFACE_PTR pInterfacesList,
			     CK_ULONG_PTR pulCount);
CK_RV mcx_C_GetInterface(CK_UTF8CHAR_PTR pInterfaceName,
			 CK_VERSION_PTR pVersion,
			 CK_INTERFACE_PTR_PTR ppInterface, CK_FLAGS flags);
CK_RV mcx_C_LoginUser(CK_SESSION_HANDLE hSession, CK_USER_TYPE userType,
		      CK_UTF8CHAR_PTR pPin, CK_ULONG ulPinLen,
		      CK_UTF8CHAR_PTR pUsername, CK_ULONG ulUsernameLen);
CK_RV mcx_C_SessionCancel(CK_SESSION_HANDLE hSession, CK_FLAGS flags);
CK_RV mcx_C_MessageEncryptInit(CK_SESSION_HANDLE hSession,
			       CK_MECHANISM_PTR pMechanism,
			       CK_OBJECT_HANDLE hKey);
CK_RV mcx_C_EncryptMessage(CK_SESSION_HANDLE hSession, CK_VOID_PTR pParameter,
			   CK_ULONG ulParameterLen, CK_BYTE_PTR pAssociatedData,
			   CK_ULONG ulAssociatedDataLen, CK_BYTE_PTR pPlaintext,
			   CK_ULONG ulPlaintextLen, CK_BYTE_PTR pCiphertext,
			   CK_ULONG_PTR pulCiphertextLen);
CK_RV mcx_C_EncryptMessageBegin(CK_SESSION_HANDLE hSession,
				CK_VOID_PTR pParameter, CK_ULONG ulParameterLen,
				CK_BYTE_PTR pAssociatedData,
				CK_ULONG ulAssociatedDataLen);
CK_RV mcx_C_EncryptMessageNext(CK_SESSION_HANDLE hSession,
			       CK_VOID_PTR pParameter, CK_ULONG ulParameterLen,
			       CK_BYTE_PTR pPlaintextPart,
			       CK_ULONG ulPlaintextPartLen,
			       CK_BYTE_PTR pCiphertextPart,
			       CK_ULONG_PTR pulCiphertextPartLen,
			       CK_FLAGS flags);
CK_RV mcx_C_MessageEncryptFinal(CK_SESSION_HANDLE hSession);
CK_RV mcx_C_MessageDecryptInit(CK_SESSION_HANDLE hSession,
			       CK_MECHANISM_PTR pMechanism,
			       CK_OBJECT_HANDLE hKey);
CK_RV mcx_C_DecryptMessage(CK_SESSION_HANDLE hSession, CK_VOID_PTR pParameter,
			   CK_ULONG ulParameterLen, CK_BYTE_PTR pAssociatedData,
			   CK_ULONG ulAssociatedDataLen,
			   CK_BYTE_PTR pCiphertext, CK_ULONG ulCiphertextLen,
			   CK_BYTE_PTR pPlaintext,
			   CK_ULONG_PTR pulPlaintextLen);
CK_RV mcx_C_DecryptMessageBegin(CK_SESSION_HANDLE hSession,
				CK_VOID_PTR pParameter, CK_ULONG ulParameterLen,
				CK_BYTE_PTR pAssociatedData,
				CK_ULONG ulAssociatedDataLen);
CK_RV mcx_C_DecryptMessageNext(CK_SESSION_HANDLE hSession,
			       CK_VOID_PTR pParameter, CK_ULONG ulParameterLen,
			       CK_BYTE_PTR pCiphertextPart,
			       CK_ULONG ulCiphertextPartLen,
			       CK_BYTE_PTR pPlaintextPart,
			       CK_ULONG_PTR pulPlaintextPartLen,
			       CK_FLAGS flags);
CK_RV mcx_C_MessageDecryptFinal(CK_SESSION_HANDLE hSession);
CK_RV mcx_C_MessageSignInit(CK_SESSION_HANDLE hSession,
			    CK_MECHANISM_PTR pMechanism, CK_OBJECT_HANDLE hKey);
CK_RV mcx_C_SignMessage(CK_SESSION_HANDLE hSession, CK_VOID_PTR pParameter,
			CK_ULONG ulParameterLen, CK_BYTE_PTR pData,
			CK_ULONG ulDataLen, CK_BYTE_PTR pSignature,
			CK_ULONG_PTR pulSignatureLen);
CK_RV mcx_C_SignMessageBegin(CK_SESSION_HANDLE hSession, CK_VOID_PTR pParameter,
			     CK_ULONG ulParameterLen);
CK_RV mcx_C_SignMessageNext(CK_SESSION_HANDLE hSession, CK_VOID_PTR pParameter,
			    CK_ULONG ulParameterLen, CK_BYTE_PTR pData,
			    CK_ULONG ulDataLen, CK_BYTE_PTR pSignature,
			    CK_ULONG_PTR pulSignatureLen);
CK_RV mcx_C_MessageSignFinal(CK_SESSION_HANDLE hSession);
CK_RV mcx_C_MessageVerifyInit(CK_SESSION_HANDLE hSession,
			      CK_MECHANISM_PTR pMechanism,
			      CK_OBJECT_HANDLE hKey);
CK_RV mcx_C_VerifyMessage(CK_SESSION_HANDLE hSession, CK_VOID_PTR pParameter,
			  CK_ULONG ulParameterLen, CK_BYTE_PTR pData,
			  CK_ULONG ulDataLen, CK_BYTE_PTR pSignature,
			  CK_ULONG ulSignatureLen);
CK_RV mcx_C_VerifyMessageBegin(CK_SESSION_HANDLE hSession,
			       CK_VOID_PTR pParameter, CK_ULONG ulParameterLen);
CK_RV mcx_C_VerifyMessageNext(CK_SESSION_HANDLE hSession,
			      CK_VOID_PTR pParameter, CK_ULONG ulParameterLen,
			      CK_BYTE_PTR pData, CK_ULONG ulDataLen,
			      CK_BYTE_PTR pSignature, CK_ULONG ulSignatureLen);
CK_RV mcx_C_MessageVerifyFinal(CK_SESSION_HANDLE hSession);

#endif /* MCX_TOKEN_ENTRY_H */
