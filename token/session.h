/*
 * Sessions of the PKCS#11 front end, and the lock discipline of the module.
 *
 * Lock discipline: one module-wide mutex (the "module lock") guards all
 * front-end state: slots, the login state of each token, sessions, the
 * object cache.  An entry point that works on a session brackets its work:
 *
 *	struct mcx_session *s = NULL;
 *	CK_RV rv = mcx_session_acquire(hSession, &s); // locks on CKR_OK
 *	if (rv != CKR_OK)
 *		return rv;
 *	... mcx_session_*, mcx_object_*, mcx_audit() ...
 *	mcx_session_release(s);                       // unlocks
 *
 * The lock is not recursive: while holding a session never call an mcx_C_*
 * function.  Everything in session.h and object.h (except acquire) expects
 * the lock held.  Crypto runs under the lock: the token is one software
 * device, and this keeps C_Finalize / C_CloseSession racing an operation in
 * another thread safe (pkcs11-tool --test-threads does that).  The one
 * exception is C_Login's PIN KDF (~0.2 s), which runs unlocked (login.c).
 *
 * Every session has one operation slot per kind.  A crypto entry point
 * keeps its state there as a void * context with a free callback; ending
 * the operation (explicitly, by C_CloseSession, C_Logout of a private key's
 * user, or C_Finalize) calls the callback.  "Operation state ends on error
 * as the spec says" is the job of the function that owns the kind.
 */
#ifndef MCX_TOKEN_SESSION_H
#define MCX_TOKEN_SESSION_H

#include <mcxhsm/pkcs11.h>
#include <stdbool.h>

struct mcx_session;
struct mcx_slot;
struct mcx_store;
struct mcx_master_key;
struct mcx_object;

/* Nobody is logged in (also the user type audited then). */
#define MCX_USER_NONE ((CK_USER_TYPE)CK_UNAVAILABLE_INFORMATION)

enum mcx_op_kind {
	MCX_OP_ENCRYPT = 0,
	MCX_OP_DECRYPT,
	MCX_OP_DIGEST,
	MCX_OP_SIGN,
	MCX_OP_VERIFY,
	MCX_OP_SIGN_RECOVER,
	MCX_OP_VERIFY_RECOVER,
	MCX_OP_COUNT
};

/* Validate hSession and take the module lock.  CKR_CRYPTOKI_NOT_INITIALIZED
 * (also in a forked child that has not called C_Initialize),
 * CKR_SESSION_HANDLE_INVALID; on CKR_OK *out is set and the lock is held. */
CK_RV mcx_session_acquire(CK_SESSION_HANDLE hSession, struct mcx_session **out);
/* Drop the lock taken by mcx_session_acquire; NULL-safe. */
void mcx_session_release(struct mcx_session *s);

/* Run a long computation of an entry point (the SAKKE and ECCSI math of
 * CKM_MCX_MIKEY_SAKKE) without the module lock, so that other threads'
 * calls proceed; end takes the lock again.  Between the two, s stays
 * valid (C_CloseSession and C_Finalize wait for it) and references from
 * mcx_object_get stay valid, but nothing else of session.h or object.h may
 * be used: copy what the computation needs first (another thread may log
 * out, change or destroy objects meanwhile). */
void mcx_session_unlock_begin(struct mcx_session *s);
void mcx_session_unlock_end(struct mcx_session *s);

/* ---- State (lock held) ------------------------------------------------ */
CK_SESSION_HANDLE mcx_session_handle(const struct mcx_session *s);
CK_SLOT_ID mcx_session_slot_id(const struct mcx_session *s);
struct mcx_slot *mcx_session_slot(const struct mcx_session *s);
/* CKF_RW_SESSION was given to C_OpenSession. */
bool mcx_session_is_rw(const struct mcx_session *s);
/* CKU_USER, CKU_SO or MCX_USER_NONE: login state is per token and shared by
 * all sessions of this process on that token (PKCS#11 §5.6). */
CK_USER_TYPE mcx_session_user(const struct mcx_session *s);
/* CKS_RO_PUBLIC_SESSION ... CKS_RW_SO_FUNCTIONS */
CK_STATE mcx_session_state(const struct mcx_session *s);
/* The token's store; never NULL for an open session. */
struct mcx_store *mcx_session_store(const struct mcx_session *s);
/* The master key while somebody is logged in, else NULL.  Needed to store
 * or load secret attributes (the store encrypts them under it). */
const struct mcx_master_key *
mcx_session_master_key(const struct mcx_session *s);

/* ---- Operation slots (lock held) --------------------------------------- */

/* Start an operation of kind with mechanism, adopting ctx (freed with
 * free_ctx when the operation ends; free_ctx may be NULL).  key may be NULL;
 * when it has CKA_ALWAYS_AUTHENTICATE = TRUE the operation needs a
 * C_Login(CKU_CONTEXT_SPECIFIC) before its first data call (PKCS#11 3.0
 * §5.6.4).  CKR_OPERATION_ACTIVE if one is active: ctx is then NOT adopted
 * (the caller frees it). */
CK_RV mcx_session_op_start(struct mcx_session *s, enum mcx_op_kind kind,
			   CK_MECHANISM_TYPE mechanism,
			   const struct mcx_object *key, void *ctx,
			   void (*free_ctx)(void *ctx));
/* The active operation of kind: CKR_OPERATION_NOT_INITIALIZED if none,
 * CKR_USER_NOT_LOGGED_IN while a context-specific login is still due (the
 * operation stays active), else CKR_OK with *ctx (and *mechanism if not
 * NULL) set. */
CK_RV mcx_session_op_get(struct mcx_session *s, enum mcx_op_kind kind,
			 void **ctx, CK_MECHANISM_TYPE *mechanism);
/* True if an operation of kind is active. */
bool mcx_session_op_active(const struct mcx_session *s, enum mcx_op_kind kind);
/* End the operation of kind (calls free_ctx); no-op if none. */
void mcx_session_op_end(struct mcx_session *s, enum mcx_op_kind kind);

/* ---- Used by the front end itself -------------------------------------- */

/* Called by login.c: a context-specific login satisfied pending operations
 * of this session; CKR_OPERATION_NOT_INITIALIZED if none was pending. */
CK_RV mcx_session_context_login_done(struct mcx_session *s);
/* Close every session (C_Finalize, or all of one slot when slot != NULL);
 * module lock held. */
void mcx_session_close_all_locked(struct mcx_slot *slot);
/* Number of open sessions on slot, and of read-only ones. */
void mcx_session_count_locked(const struct mcx_slot *slot, CK_ULONG *all,
			      CK_ULONG *ro);

#endif /* MCX_TOKEN_SESSION_H */
