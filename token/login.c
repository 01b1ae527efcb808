/*
 * Login state and PINs (PKCS#11 3.0 §5.6.3-5.6.6, §5.5.6-5.5.7).  Login is
 * per token and shared by every session of the process on it; the master
 * key unwrapped by the store at login stays in the slot until logout.
 * Every attempt, failed ones too, is audited (never the PIN).
 */

#include <string.h>

#include "common/wipe.h"
#include "token/entry.h"
#include "token/internal.h"

static CK_RV context_login(struct mcx_session *s, CK_BYTE_PTR pPin,
			   CK_ULONG ulPinLen)
{
	struct mcx_slot *slot = s->slot;
	struct mcx_master_key tmp;
	CK_RV rv = CKR_OK;
	memset(&tmp, 0, sizeof(tmp));
	if (slot->user == MCX_USER_NONE)
		return CKR_USER_NOT_LOGGED_IN;
	bool pending = false;
	for (int k = 0; k < MCX_OP_COUNT; k++)
		pending |= s->ops[k].active && s->ops[k].needs_context_login;
	if (!pending)
		return CKR_OPERATION_NOT_INITIALIZED;
	/* Re-authenticate the logged-in user for this one operation. */
	rv = mcx_store_login(slot->store, slot->user, pPin, ulPinLen, &tmp);
	mcx_wipe(&tmp, sizeof(tmp));
	if (rv == CKR_OK)
		rv = mcx_session_context_login_done(s);
	return rv;
}

static CK_RV login(CK_SESSION_HANDLE hSession, CK_USER_TYPE userType,
		   CK_BYTE_PTR pPin, CK_ULONG ulPinLen)
{
	struct mcx_session *s = NULL;
	CK_RV rv = mcx_session_acquire(hSession, &s);
	if (rv != CKR_OK)
		return rv;
	struct mcx_slot *slot = s->slot;
	CK_USER_TYPE audited = userType;
	if (userType != CKU_SO && userType != CKU_USER &&
	    userType != CKU_CONTEXT_SPECIFIC) {
		rv = CKR_USER_TYPE_INVALID;
		audited = MCX_USER_NONE;
		goto out;
	}
	if (pPin == NULL) {
		rv = CKR_ARGUMENTS_BAD;
		goto out;
	}
	if (userType == CKU_CONTEXT_SPECIFIC) {
		audited = slot->user;
		rv = context_login(s, pPin, ulPinLen);
		goto out;
	}
	if (slot->user == userType) {
		rv = CKR_USER_ALREADY_LOGGED_IN;
		goto out;
	}
	if (slot->user != MCX_USER_NONE) {
		rv = CKR_USER_ANOTHER_ALREADY_LOGGED_IN;
		goto out;
	}
	if (userType == CKU_SO) {
		CK_ULONG ro = 0;
		mcx_session_count_locked(slot, NULL, &ro);
		if (ro != 0) {
			rv = CKR_SESSION_READ_ONLY_EXISTS;
			goto out;
		}
	}
	rv = mcx_store_login(slot->store, userType, pPin, ulPinLen, &slot->key);
	if (rv != CKR_OK) {
		mcx_wipe(&slot->key, sizeof(slot->key));
		goto out;
	}
	slot->have_key = true;
	slot->user = userType;
out:
	mcx_audit_slot_locked(slot, audited, "C_Login",
			      CK_UNAVAILABLE_INFORMATION, NULL, rv);
	mcx_session_release(s);
	return rv;
}

CK_RV mcx_C_Login(CK_SESSION_HANDLE hSession, CK_USER_TYPE userType,
		  CK_BYTE_PTR pPin, CK_ULONG ulPinLen)
{
	return login(hSession, userType, pPin, ulPinLen);
}

/* PKCS#11 3.0 C_LoginUser: the token has no named users, so only the
 * plain form (no user name) is supported. */
CK_RV mcx_C_LoginUser(CK_SESSION_HANDLE hSession, CK_USER_TYPE userType,
		      CK_UTF8CHAR_PTR pPin, CK_ULONG ulPinLen,
		      CK_UTF8CHAR_PTR pUsername, CK_ULONG ulUsernameLen)
{
	if (pUsername != NULL && ulUsernameLen != 0) {
		struct mcx_session *s = NULL;
		CK_RV rv = mcx_session_acquire(hSession, &s);
		if (rv != CKR_OK)
			return rv;
		mcx_session_release(s);
		return CKR_FUNCTION_NOT_SUPPORTED;
	}
	return login(hSession, userType, pPin, ulPinLen);
}

CK_RV mcx_C_Logout(CK_SESSION_HANDLE hSession)
{
	struct mcx_session *s = NULL;
	CK_RV rv = mcx_session_acquire(hSession, &s);
	if (rv != CKR_OK)
		return rv;
	if (s->slot->user == MCX_USER_NONE) {
		rv = CKR_USER_NOT_LOGGED_IN;
	} else {
		mcx_audit_slot_locked(s->slot, s->slot->user, "C_Logout",
				      CK_UNAVAILABLE_INFORMATION, NULL, CKR_OK);
		mcx_slot_logout_locked(s->slot);
	}
	mcx_session_release(s);
	return rv;
}

CK_RV mcx_C_InitPIN(CK_SESSION_HANDLE hSession, CK_BYTE_PTR pPin,
		    CK_ULONG ulPinLen)
{
	struct mcx_session *s = NULL;
	CK_RV rv = mcx_session_acquire(hSession, &s);
	if (rv != CKR_OK)
		return rv;
	if (mcx_session_state(s) != CKS_RW_SO_FUNCTIONS) {
		rv = CKR_USER_NOT_LOGGED_IN;
		goto out;
	}
	if (pPin == NULL) {
		rv = CKR_ARGUMENTS_BAD;
		goto out;
	}
	rv = mcx_slot_check_pin_len(ulPinLen);
	if (rv == CKR_OK)
		rv = mcx_store_init_pin(s->slot->store, &s->slot->key, pPin,
					ulPinLen);
out:
	mcx_audit_slot_locked(s->slot, s->slot->user, "C_InitPIN",
			      CK_UNAVAILABLE_INFORMATION, NULL, rv);
	mcx_session_release(s);
	return rv;
}

CK_RV mcx_C_SetPIN(CK_SESSION_HANDLE hSession, CK_BYTE_PTR pOldPin,
		   CK_ULONG ulOldLen, CK_BYTE_PTR pNewPin, CK_ULONG ulNewLen)
{
	struct mcx_session *s = NULL;
	CK_RV rv = mcx_session_acquire(hSession, &s);
	if (rv != CKR_OK)
		return rv;
	/* The SO changes the SO PIN; anybody else the user PIN (§5.5.7). */
	CK_USER_TYPE who = s->slot->user == CKU_SO ? CKU_SO : CKU_USER;
	if (!mcx_session_is_rw(s)) {
		rv = CKR_SESSION_READ_ONLY;
		goto out;
	}
	if (pOldPin == NULL || pNewPin == NULL) {
		rv = CKR_ARGUMENTS_BAD;
		goto out;
	}
	rv = mcx_slot_check_pin_len(ulNewLen);
	if (rv == CKR_OK)
		rv = mcx_store_set_pin(s->slot->store, who, pOldPin, ulOldLen,
				       pNewPin, ulNewLen);
out:
	mcx_audit_slot_locked(s->slot, who, "C_SetPIN",
			      CK_UNAVAILABLE_INFORMATION, NULL, rv);
	mcx_session_release(s);
	return rv;
}
