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

/* Any operation of s waiting for a context-specific login? */
static bool context_pending(const struct mcx_session *s)
{
	for (int k = 0; k < MCX_OP_COUNT; k++)
		if (s->ops[k].active && s->ops[k].needs_context_login)
			return true;
	return false;
}

/* PIN KDFs (PBKDF2, ~0.2 s each) run without the module lock so that the
 * other threads' calls go on meanwhile: one PIN operation (C_Login,
 * C_InitToken, C_InitPIN, C_SetPIN) per token at a time
 * (slot->login_busy), C_Finalize waits for it (mcx_g.busy), and afterwards
 * the session is looked up again because it may have been closed in
 * between (the slot itself lives until C_Finalize). */
void mcx_login_busy_begin_locked(struct mcx_slot *slot, CK_USER_TYPE who)
{
	slot->login_busy = true;
	slot->login_busy_user = who;
	mcx_g.busy++;
	mcx_module_unlock();
}

void mcx_login_busy_end(struct mcx_slot *slot)
{
	mcx_module_lock();
	mcx_g.busy--;
	slot->login_busy = false;
	slot->init_busy = false;
	mcx_module_signal_locked();
}

/* mcx_session_acquire, then wait until no PIN operation runs on the
 * session's token.  CKR_OK with the lock held, else without it. */
static CK_RV acquire_idle(CK_SESSION_HANDLE hSession, struct mcx_session **s)
{
	CK_RV rv = mcx_session_acquire(hSession, s);
	if (rv != CKR_OK)
		return rv;
	while ((*s)->slot->login_busy) {
		mcx_module_wait_locked();
		if (!mcx_g.initialized) {
			mcx_module_unlock();
			return CKR_CRYPTOKI_NOT_INITIALIZED;
		}
		if (mcx_session_lookup_locked(hSession, s) != CKR_OK) {
			mcx_module_unlock();
			return CKR_SESSION_HANDLE_INVALID;
		}
	}
	return CKR_OK;
}

/* C_Login / C_LoginUser (the KDF unlocked, as above). */
static CK_RV login(CK_SESSION_HANDLE hSession, CK_USER_TYPE userType,
		   CK_BYTE_PTR pPin, CK_ULONG ulPinLen)
{
	struct mcx_session *s = NULL;
	struct mcx_master_key key;
	memset(&key, 0, sizeof(key));
	CK_RV rv = acquire_idle(hSession, &s);
	if (rv != CKR_OK)
		return rv;
	struct mcx_slot *slot = s->slot;
	CK_USER_TYPE who = userType;
	if (userType != CKU_SO && userType != CKU_USER &&
	    userType != CKU_CONTEXT_SPECIFIC) {
		rv = CKR_USER_TYPE_INVALID;
		who = MCX_USER_NONE;
		goto out;
	}
	if (pPin == NULL) {
		rv = CKR_ARGUMENTS_BAD;
		goto out;
	}
	if (userType == CKU_CONTEXT_SPECIFIC) {
		/* re-authenticate the logged-in user for one operation */
		who = slot->user;
		if (who == MCX_USER_NONE)
			rv = CKR_USER_NOT_LOGGED_IN;
		else if (!context_pending(s))
			rv = CKR_OPERATION_NOT_INITIALIZED;
	} else if (slot->user == userType) {
		rv = CKR_USER_ALREADY_LOGGED_IN;
	} else if (slot->user != MCX_USER_NONE) {
		rv = CKR_USER_ANOTHER_ALREADY_LOGGED_IN;
	} else if (userType == CKU_SO) {
		CK_ULONG ro = 0;
		mcx_session_count_locked(slot, NULL, &ro);
		if (ro != 0)
			rv = CKR_SESSION_READ_ONLY_EXISTS;
	}
	if (rv != CKR_OK)
		goto out;

	mcx_login_busy_begin_locked(slot, who);
	rv = mcx_store_login(slot->store, who, pPin, ulPinLen, &key);
	mcx_login_busy_end(slot);

	if (mcx_session_lookup_locked(hSession, &s) != CKR_OK) {
		if (rv == CKR_OK)
			rv = CKR_SESSION_CLOSED;
		goto out;
	}
	if (rv != CKR_OK)
		goto out;
	if (userType == CKU_CONTEXT_SPECIFIC) {
		rv = slot->user == who ? mcx_session_context_login_done(s)
				       : CKR_USER_NOT_LOGGED_IN;
	} else {
		memcpy(&slot->key, &key, sizeof(key));
		slot->have_key = true;
		slot->user = userType;
	}
out:
	mcx_wipe(&key, sizeof(key));
	mcx_audit_slot_locked(slot, who, "C_Login", CK_UNAVAILABLE_INFORMATION,
			      NULL, rv);
	mcx_module_unlock();
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

/* C_InitPIN and C_SetPIN derive keys from PINs: unlocked as in login, with
 * a copy of the master key (a C_Logout meanwhile wipes the slot's). */
CK_RV mcx_C_InitPIN(CK_SESSION_HANDLE hSession, CK_BYTE_PTR pPin,
		    CK_ULONG ulPinLen)
{
	struct mcx_session *s = NULL;
	struct mcx_master_key key;
	memset(&key, 0, sizeof(key));
	CK_RV rv = acquire_idle(hSession, &s);
	if (rv != CKR_OK)
		return rv;
	struct mcx_slot *slot = s->slot;
	CK_USER_TYPE who = slot->user;
	if (mcx_session_state(s) != CKS_RW_SO_FUNCTIONS) {
		rv = CKR_USER_NOT_LOGGED_IN;
		goto out;
	}
	if (pPin == NULL) {
		rv = CKR_ARGUMENTS_BAD;
		goto out;
	}
	rv = mcx_slot_check_pin_len(ulPinLen);
	if (rv != CKR_OK)
		goto out;
	memcpy(&key, &slot->key, sizeof(key));
	mcx_login_busy_begin_locked(slot, who);
	rv = mcx_store_init_pin(slot->store, &key, pPin, ulPinLen);
	mcx_login_busy_end(slot);
out:
	mcx_wipe(&key, sizeof(key));
	mcx_audit_slot_locked(slot, who, "C_InitPIN",
			      CK_UNAVAILABLE_INFORMATION, NULL, rv);
	mcx_module_unlock();
	return rv;
}

CK_RV mcx_C_SetPIN(CK_SESSION_HANDLE hSession, CK_BYTE_PTR pOldPin,
		   CK_ULONG ulOldLen, CK_BYTE_PTR pNewPin, CK_ULONG ulNewLen)
{
	struct mcx_session *s = NULL;
	CK_RV rv = acquire_idle(hSession, &s);
	if (rv != CKR_OK)
		return rv;
	struct mcx_slot *slot = s->slot;
	/* The SO changes the SO PIN; anybody else the user PIN (§5.5.7). */
	CK_USER_TYPE who = slot->user == CKU_SO ? CKU_SO : CKU_USER;
	if (!mcx_session_is_rw(s)) {
		rv = CKR_SESSION_READ_ONLY;
		goto out;
	}
	if (pOldPin == NULL || pNewPin == NULL) {
		rv = CKR_ARGUMENTS_BAD;
		goto out;
	}
	rv = mcx_slot_check_pin_len(ulNewLen);
	if (rv != CKR_OK)
		goto out;
	mcx_login_busy_begin_locked(slot, slot->user);
	rv = mcx_store_set_pin(slot->store, who, pOldPin, ulOldLen, pNewPin,
			       ulNewLen);
	mcx_login_busy_end(slot);
out:
	mcx_audit_slot_locked(slot, who, "C_SetPIN", CK_UNAVAILABLE_INFORMATION,
			      NULL, rv);
	mcx_module_unlock();
	return rv;
}
