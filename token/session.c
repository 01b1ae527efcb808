/*
 * Sessions (PKCS#11 3.0 §5.6): open/close, info, and the per-session
 * operation slots the crypto entry points keep their state in.  The lock
 * discipline is described in session.h.
 *
 * Handles: (serial << 16) | (index + 1), below 2^31, so a stale handle of a
 * closed session never reaches the session that reuses its index.
 */

#include <stdlib.h>
#include <string.h>

#include "token/entry.h"
#include "token/internal.h"

#define MAX_SESSIONS 0xfffeUL

CK_RV mcx_session_lookup_locked(CK_SESSION_HANDLE h, struct mcx_session **out)
{
	size_t idx = (size_t)(h & 0xffffUL);
	if (idx == 0 || idx > mcx_g.nsessions)
		return CKR_SESSION_HANDLE_INVALID;
	struct mcx_session *s = mcx_g.sessions[idx - 1];
	if (s == NULL || s->handle != h)
		return CKR_SESSION_HANDLE_INVALID;
	*out = s;
	return CKR_OK;
}

CK_RV mcx_session_acquire(CK_SESSION_HANDLE hSession, struct mcx_session **out)
{
	if (out == NULL)
		return CKR_ARGUMENTS_BAD;
	*out = NULL;
	CK_RV rv = mcx_module_enter();
	if (rv != CKR_OK)
		return rv;
	rv = mcx_session_lookup_locked(hSession, out);
	if (rv != CKR_OK)
		mcx_module_unlock();
	return rv;
}

void mcx_session_release(struct mcx_session *s)
{
	if (s != NULL)
		mcx_module_unlock();
}

void mcx_session_unlock_begin(struct mcx_session *s)
{
	s->unlocked++;
	mcx_g.busy++; /* C_Finalize waits for it */
	mcx_module_unlock();
}

void mcx_session_unlock_end(struct mcx_session *s)
{
	mcx_module_lock();
	s->unlocked--;
	mcx_g.busy--;
	mcx_module_signal_locked();
}

CK_SESSION_HANDLE mcx_session_handle(const struct mcx_session *s)
{
	return s->handle;
}

CK_SLOT_ID mcx_session_slot_id(const struct mcx_session *s)
{
	return s->slot->id;
}

struct mcx_slot *mcx_session_slot(const struct mcx_session *s)
{
	return s->slot;
}

bool mcx_session_is_rw(const struct mcx_session *s)
{
	return (s->flags & CKF_RW_SESSION) != 0;
}

CK_USER_TYPE mcx_session_user(const struct mcx_session *s)
{
	return s->slot->user;
}

CK_STATE mcx_session_state(const struct mcx_session *s)
{
	bool rw = mcx_session_is_rw(s);
	switch (s->slot->user) {
	case CKU_SO:
		return CKS_RW_SO_FUNCTIONS;
	case CKU_USER:
		return rw ? CKS_RW_USER_FUNCTIONS : CKS_RO_USER_FUNCTIONS;
	default:
		return rw ? CKS_RW_PUBLIC_SESSION : CKS_RO_PUBLIC_SESSION;
	}
}

struct mcx_store *mcx_session_store(const struct mcx_session *s)
{
	return s->slot->store;
}

const struct mcx_master_key *mcx_session_master_key(const struct mcx_session *s)
{
	return s->slot->have_key ? &s->slot->key : NULL;
}

/* ---- Operation slots ---------------------------------------------------- */

CK_RV mcx_session_op_start(struct mcx_session *s, enum mcx_op_kind kind,
			   CK_MECHANISM_TYPE mechanism,
			   const struct mcx_object *key, void *ctx,
			   void (*free_ctx)(void *ctx))
{
	if ((unsigned)kind >= MCX_OP_COUNT)
		return CKR_GENERAL_ERROR;
	struct mcx_op *op = &s->ops[kind];
	if (op->active)
		return CKR_OPERATION_ACTIVE;
	op->active = true;
	op->mechanism = mechanism;
	op->ctx = ctx;
	op->free_ctx = free_ctx;
	op->needs_context_login = false;
	if (key != NULL) {
		const struct mcx_attr *a =
		    mcx_attrs_find(&key->attrs, CKA_ALWAYS_AUTHENTICATE);
		op->needs_context_login = a != NULL &&
					  a->len == sizeof(CK_BBOOL) &&
					  a->value[0] == CK_TRUE;
	}
	return CKR_OK;
}

CK_RV mcx_session_op_get(struct mcx_session *s, enum mcx_op_kind kind,
			 void **ctx, CK_MECHANISM_TYPE *mechanism)
{
	if ((unsigned)kind >= MCX_OP_COUNT || !s->ops[kind].active)
		return CKR_OPERATION_NOT_INITIALIZED;
	if (s->ops[kind].needs_context_login)
		return CKR_USER_NOT_LOGGED_IN;
	if (ctx != NULL)
		*ctx = s->ops[kind].ctx;
	if (mechanism != NULL)
		*mechanism = s->ops[kind].mechanism;
	return CKR_OK;
}

bool mcx_session_op_active(const struct mcx_session *s, enum mcx_op_kind kind)
{
	return (unsigned)kind < MCX_OP_COUNT && s->ops[kind].active;
}

void mcx_session_op_end(struct mcx_session *s, enum mcx_op_kind kind)
{
	if ((unsigned)kind >= MCX_OP_COUNT || !s->ops[kind].active)
		return;
	struct mcx_op *op = &s->ops[kind];
	void *ctx = op->ctx;
	void (*free_ctx)(void *) = op->free_ctx;
	memset(op, 0, sizeof(*op));
	if (free_ctx != NULL)
		free_ctx(ctx);
}

CK_RV mcx_session_context_login_done(struct mcx_session *s)
{
	CK_RV rv = CKR_OPERATION_NOT_INITIALIZED;
	for (int k = 0; k < MCX_OP_COUNT; k++) {
		if (s->ops[k].active && s->ops[k].needs_context_login) {
			s->ops[k].needs_context_login = false;
			rv = CKR_OK;
		}
	}
	return rv;
}

/* ---- Open / close -------------------------------------------------------- */

void mcx_find_clear(struct mcx_find *f)
{
	for (CK_ULONG i = 0; i < f->n; i++)
		free(f->tmpl[i].pValue);
	free(f->tmpl);
	free(f->handles);
	free(f->ids);
	memset(f, 0, sizeof(*f));
}

/* Free one session: operations, find state, its session objects. */
static void session_free_locked(struct mcx_session *s)
{
	for (int k = 0; k < MCX_OP_COUNT; k++)
		mcx_session_op_end(s, (enum mcx_op_kind)k);
	mcx_find_clear(&s->find);
	if (s->made_objects)
		mcx_object_destroy_session_objects_locked(s->handle);
	free(s);
}

void mcx_session_count_locked(const struct mcx_slot *slot, CK_ULONG *all,
			      CK_ULONG *ro)
{
	CK_ULONG a = 0, r = 0;
	for (size_t i = 0; i < mcx_g.nsessions; i++) {
		const struct mcx_session *s = mcx_g.sessions[i];
		if (s == NULL || (slot != NULL && s->slot != slot))
			continue;
		a++;
		if (!(s->flags & CKF_RW_SESSION))
			r++;
	}
	if (all != NULL)
		*all = a;
	if (ro != NULL)
		*ro = r;
}

static void close_index_locked(size_t i, bool wait_unlocked)
{
	struct mcx_session *s = mcx_g.sessions[i];
	CK_SESSION_HANDLE h = s->handle;
	/* a call of this session runs unlocked (mcx_session_unlock_begin):
	 * wait for it; meanwhile the session may be closed by another thread
	 * or the module finalized.  The module teardown does not wait
	 * (C_Finalize waited for mcx_g.busy; a forked child inherits counts of
	 * threads it does not have). */
	while (wait_unlocked && s->unlocked > 0) {
		mcx_module_wait_locked();
		if (!mcx_g.initialized || i >= mcx_g.nsessions ||
		    mcx_g.sessions[i] == NULL || mcx_g.sessions[i]->handle != h)
			return;
		s = mcx_g.sessions[i];
	}
	struct mcx_slot *slot = s->slot;
	mcx_g.sessions[i] = NULL;
	session_free_locked(s);
	CK_ULONG left = 0;
	mcx_session_count_locked(slot, &left, NULL);
	/* Closing the last session of a token logs it out (§5.6.2). */
	if (left == 0)
		mcx_slot_logout_locked(slot);
}

void mcx_session_close_all_locked(struct mcx_slot *slot)
{
	for (size_t i = 0; i < mcx_g.nsessions; i++) {
		if (mcx_g.sessions[i] != NULL &&
		    (slot == NULL || mcx_g.sessions[i]->slot == slot))
			close_index_locked(i, slot != NULL);
	}
}

CK_RV mcx_C_OpenSession(CK_SLOT_ID slotID, CK_FLAGS flags,
			CK_VOID_PTR pApplication, CK_NOTIFY Notify,
			CK_SESSION_HANDLE_PTR phSession)
{
	(void)pApplication;
	(void)Notify; /* callbacks are optional; we never surrender */
	CK_RV rv = mcx_module_enter();
	if (rv != CKR_OK)
		return rv;
	struct mcx_session *s = NULL;
	struct mcx_slot *slot = mcx_slot_find_locked(slotID);
	/* C_InitToken is deriving the SO key without the module lock
	 * (login.c) and destroys every object: no session may slip in. */
	while (slot != NULL && slot->init_busy) {
		mcx_module_wait_locked();
		if (!mcx_g.initialized) {
			mcx_module_unlock();
			return CKR_CRYPTOKI_NOT_INITIALIZED;
		}
		slot = mcx_slot_find_locked(slotID);
	}
	if (slot == NULL) {
		rv = CKR_SLOT_ID_INVALID;
		goto out;
	}
	if (phSession == NULL) {
		rv = CKR_ARGUMENTS_BAD;
		goto out;
	}
	if (!(flags & CKF_SERIAL_SESSION)) {
		rv = CKR_SESSION_PARALLEL_NOT_SUPPORTED;
		goto out;
	}
	rv = mcx_slot_open_store_locked(slot);
	if (rv != CKR_OK)
		goto out;
	struct mcx_store_token_info ti;
	memset(&ti, 0, sizeof(ti));
	rv = mcx_store_token_info(slot->store, &ti);
	if (rv != CKR_OK)
		goto out;
	if (!ti.initialized) {
		rv = CKR_TOKEN_NOT_RECOGNIZED;
		goto out;
	}
	if ((slot->user == CKU_SO ||
	     (slot->login_busy && slot->login_busy_user == CKU_SO)) &&
	    !(flags & CKF_RW_SESSION)) {
		rv = CKR_SESSION_READ_WRITE_SO_EXISTS;
		goto out;
	}
	size_t idx = 0;
	while (idx < mcx_g.nsessions && mcx_g.sessions[idx] != NULL)
		idx++;
	if (idx == mcx_g.nsessions) {
		if (mcx_g.nsessions >= MAX_SESSIONS) {
			rv = CKR_SESSION_COUNT;
			goto out;
		}
		size_t cap = mcx_g.nsessions ? mcx_g.nsessions * 2 : 16;
		if (cap > MAX_SESSIONS)
			cap = MAX_SESSIONS;
		struct mcx_session **v =
		    realloc(mcx_g.sessions, cap * sizeof(*v));
		if (v == NULL) {
			rv = CKR_HOST_MEMORY;
			goto out;
		}
		for (size_t i = mcx_g.nsessions; i < cap; i++)
			v[i] = NULL;
		mcx_g.sessions = v;
		mcx_g.nsessions = cap;
	}
	s = calloc(1, sizeof(*s));
	if (s == NULL) {
		rv = CKR_HOST_MEMORY;
		goto out;
	}
	mcx_g.session_serial = (mcx_g.session_serial + 1) & 0x7fffUL;
	if (mcx_g.session_serial == 0)
		mcx_g.session_serial = 1;
	s->handle =
	    (CK_SESSION_HANDLE)((mcx_g.session_serial << 16) | (idx + 1));
	s->slot = slot;
	s->flags = flags & (CKF_SERIAL_SESSION | CKF_RW_SESSION);
	mcx_g.sessions[idx] = s;
	*phSession = s->handle;
	rv = CKR_OK;
out:
	mcx_module_unlock();
	return rv;
}

CK_RV mcx_C_CloseSession(CK_SESSION_HANDLE hSession)
{
	struct mcx_session *s = NULL;
	CK_RV rv = mcx_session_acquire(hSession, &s);
	if (rv != CKR_OK)
		return rv;
	close_index_locked((size_t)(hSession & 0xffffUL) - 1, true);
	mcx_module_unlock();
	return CKR_OK;
}

CK_RV mcx_C_CloseAllSessions(CK_SLOT_ID slotID)
{
	CK_RV rv = mcx_module_enter();
	if (rv != CKR_OK)
		return rv;
	struct mcx_slot *slot = mcx_slot_find_locked(slotID);
	if (slot == NULL)
		rv = CKR_SLOT_ID_INVALID;
	else
		mcx_session_close_all_locked(slot);
	mcx_module_unlock();
	return rv;
}

CK_RV mcx_C_GetSessionInfo(CK_SESSION_HANDLE hSession,
			   CK_SESSION_INFO_PTR pInfo)
{
	struct mcx_session *s = NULL;
	CK_RV rv = mcx_session_acquire(hSession, &s);
	if (rv != CKR_OK)
		return rv;
	if (pInfo == NULL) {
		rv = CKR_ARGUMENTS_BAD;
	} else {
		memset(pInfo, 0, sizeof(*pInfo));
		pInfo->slotID = s->slot->id;
		pInfo->state = mcx_session_state(s);
		pInfo->flags = s->flags;
		pInfo->ulDeviceError = 0;
	}
	mcx_session_release(s);
	return rv;
}
