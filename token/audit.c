/*
 * The audit hook (mcx_audit) and the audit log seen as PKCS#11 objects of
 * class CKO_MCX_AUDIT_RECORD (read-only, CKA_PRIVATE = TRUE, one per record;
 * the hash chain is documented in <mcxhsm/pkcs11-mcx.h>).  The trail names
 * private keys and who used them, so it is shown only after a login, to
 * the user or the SO (mcx_object_visible in object.c).  Records carry function,
 * mechanism, user type, CKR and the object's unique id and label: never key
 * material or PINs.
 */
#include <stdlib.h>
#include <string.h>

#include "token/internal.h"
#include "token/log.h"

/* NUL-terminated copy of a string attribute (NULL if absent or empty). */
static char *str_attr(struct mcx_object *obj, CK_ATTRIBUTE_TYPE t)
{
	if (obj == NULL)
		return NULL;
	const struct mcx_attr *a = mcx_attrs_find(&obj->attrs, t);
	if (a == NULL || a->len == 0 || a->secret)
		return NULL;
	char *s = malloc(a->len + 1);
	if (s != NULL) {
		memcpy(s, a->value, a->len);
		s[a->len] = '\0';
	}
	return s;
}

/* ---- One transaction for a change and its record (issue 2) ------------- */

CK_RV mcx_audit_txn_open_locked(struct mcx_slot *slot)
{
	if (mcx_g.txn_slot == slot)
		return CKR_OK;
	CK_RV rv = mcx_audit_commit_locked();
	if (rv != CKR_OK)
		return rv;
	rv = mcx_store_txn_begin(slot->store);
	if (rv == CKR_OK)
		mcx_g.txn_slot = slot;
	return rv;
}

CK_RV mcx_audit_commit_locked(void)
{
	struct mcx_slot *slot = mcx_g.txn_slot;
	if (slot == NULL)
		return CKR_OK;
	mcx_g.txn_slot = NULL;
	CK_RV rv = mcx_store_txn_commit(slot->store);
	if (rv != CKR_OK) {
		/* the change is gone with its record: reload the cache */
		mcx_log(MCX_LOG_ERROR,
			"object change and audit record not committed: "
			"CKR 0x%lx",
			(unsigned long)rv);
		slot->generation_valid = false;
	}
	return rv;
}

CK_RV mcx_audit_slot_locked(struct mcx_slot *slot, CK_USER_TYPE user,
			    const char *function, CK_MECHANISM_TYPE mechanism,
			    struct mcx_object *obj, CK_RV rv)
{
	CK_RV crv = CKR_OK;
	if (slot == NULL || slot->store == NULL)
		return CKR_OK;
	struct mcx_audit_record rec;
	memset(&rec, 0, sizeof(rec));
	rec.user_type = user; /* MCX_USER_NONE == CK_UNAVAILABLE_INFORMATION */
	rec.mechanism = mechanism;
	rec.rv = rv;
	rec.function = function;
	char *uid = str_attr(obj, CKA_UNIQUE_ID);
	char *label = str_attr(obj, CKA_LABEL);
	rec.unique_id = uid;
	rec.label = label;
	CK_RV arv = mcx_store_audit_append(slot->store, &rec);
	/* a change waiting for this record commits with it */
	if (mcx_g.txn_slot == slot)
		crv = mcx_audit_commit_locked();
	if (arv != CKR_OK)
		mcx_log(MCX_LOG_ERROR,
			"audit append failed for %s (CKR 0x%lx): CKR 0x%lx",
			function ? function : "?", (unsigned long)rv,
			(unsigned long)arv);
	free(uid);
	free(label);
	return crv;
}

void mcx_audit(struct mcx_session *s, const char *function,
	       CK_MECHANISM_TYPE mechanism, struct mcx_object *obj, CK_RV rv)
{
	if (s == NULL)
		return;
	mcx_audit_slot_locked(s->slot, s->slot->user, function, mechanism, obj,
			      rv);
}

/* ---- Records as objects ------------------------------------------------- */

struct mcx_object *mcx_audit_object_locked(struct mcx_slot *slot, uint64_t seq)
{
	/* keys of the map must be non-zero: seq + 1 */
	struct mcx_object *obj = mcx_hmap_get(&slot->audit_by_seq, seq + 1);
	if (obj != NULL)
		return obj;
	obj = mcx_object_new_locked(slot, MCX_OBJ_AUDIT);
	if (obj == NULL)
		return NULL;
	obj->id = (mcx_store_id)seq;
	if (!mcx_hmap_put(&slot->audit_by_seq, seq + 1, obj)) {
		mcx_object_unlink_locked(obj);
		return NULL;
	}
	return obj;
}

static CK_RV put_ulong(struct mcx_attrs *a, CK_ATTRIBUTE_TYPE t, CK_ULONG v)
{
	return mcx_attrs_set(a, t, &v, sizeof(v), false);
}

static CK_RV put_str(struct mcx_attrs *a, CK_ATTRIBUTE_TYPE t, const char *s)
{
	return mcx_attrs_set(a, t, s, s ? strlen(s) : 0, false);
}

static CK_RV load_cb(const struct mcx_audit_record *r, void *arg)
{
	struct mcx_attrs *a = arg;
	static const CK_BBOOL t = CK_TRUE, f = CK_FALSE;
	CK_RV rv = put_ulong(a, CKA_CLASS, CKO_MCX_AUDIT_RECORD);
	if (rv == CKR_OK)
		rv = mcx_attrs_set(a, CKA_TOKEN, &t, 1, false);
	if (rv == CKR_OK)
		rv = mcx_attrs_set(a, CKA_PRIVATE, &t, 1, false);
	if (rv == CKR_OK)
		rv = mcx_attrs_set(a, CKA_MODIFIABLE, &f, 1, false);
	if (rv == CKR_OK)
		rv = mcx_attrs_set(a, CKA_COPYABLE, &f, 1, false);
	if (rv == CKR_OK)
		rv = mcx_attrs_set(a, CKA_DESTROYABLE, &f, 1, false);
	if (rv == CKR_OK)
		rv = put_ulong(a, CKA_MCX_AUDIT_SEQ, (CK_ULONG)r->seq);
	if (rv == CKR_OK)
		rv = put_ulong(a, CKA_MCX_AUDIT_TIME, (CK_ULONG)r->time);
	if (rv == CKR_OK)
		rv = put_ulong(a, CKA_MCX_AUDIT_PID, (CK_ULONG)r->pid);
	if (rv == CKR_OK)
		rv = put_ulong(a, CKA_MCX_AUDIT_USER_TYPE, r->user_type);
	if (rv == CKR_OK)
		rv = put_ulong(a, CKA_MCX_AUDIT_MECHANISM, r->mechanism);
	if (rv == CKR_OK)
		rv = put_ulong(a, CKA_MCX_AUDIT_RV, r->rv);
	if (rv == CKR_OK)
		rv = put_str(a, CKA_MCX_AUDIT_FUNCTION, r->function);
	if (rv == CKR_OK)
		rv = put_str(a, CKA_MCX_AUDIT_OBJECT_ID, r->unique_id);
	if (rv == CKR_OK)
		rv = put_str(a, CKA_MCX_AUDIT_LABEL, r->label);
	if (rv == CKR_OK)
		rv = mcx_attrs_set(a, CKA_MCX_AUDIT_PREV_HASH, r->prev_hash,
				   sizeof(r->prev_hash), false);
	if (rv == CKR_OK)
		rv = mcx_attrs_set(a, CKA_MCX_AUDIT_HASH, r->hash,
				   sizeof(r->hash), false);
	return rv;
}

CK_RV mcx_audit_load_locked(struct mcx_object *obj)
{
	struct mcx_attrs a = {0};
	CK_RV rv = mcx_store_audit_each(obj->slot->store, (uint64_t)obj->id, 1,
					load_cb, &a);
	if (rv == CKR_OK && a.n == 0)
		rv = CKR_OBJECT_HANDLE_INVALID;
	if (rv != CKR_OK) {
		mcx_attrs_clear(&a);
		return rv;
	}
	mcx_attrs_clear(&obj->attrs);
	obj->attrs = a;
	obj->loaded = true;
	return CKR_OK;
}
