/*
 * Creating, copying and destroying objects (PKCS#11 3.0 §5.7.1-5.7.3):
 * C_CreateObject, C_CopyObject, C_DestroyObject and the key creation of
 * object.h for the mechanisms.  The attribute sets come from
 * attr_build.c; a token object change goes to the store in one
 * transaction with its audit record (audit.c), session objects stay in
 * memory.
 */
#include <stdlib.h>
#include <string.h>

#include "token/attr_policy.h"
#include "token/entry.h"
#include "token/internal.h"
#include "token/ops_mcx.h"

static bool attrs_bool(const struct mcx_attrs *a, CK_ATTRIBUTE_TYPE t,
		       bool dflt)
{
	const struct mcx_attr *x = mcx_attrs_find(a, t);
	if (x == NULL || x->len != sizeof(CK_BBOOL))
		return dflt;
	return x->value[0] == CK_TRUE;
}

/* ---- Storing ------------------------------------------------------------ */

/* The store generation before one of our own writes; after_write() then
 * adopts the new generation without invalidating the cache when nobody
 * else wrote in between (the counter moved by exactly one).  The read may
 * be the one made earlier under the same hold of the module lock (object.c
 * revalidate): a write of another process since then makes the counter
 * move by two, and the next call reloads. */
static uint64_t before_write(struct mcx_slot *slot)
{
	mcx_object_revalidate_locked(slot);
	return slot->generation;
}

static void after_write(struct mcx_slot *slot, uint64_t before)
{
	uint64_t g = 0;
	if (slot->generation_valid &&
	    mcx_store_generation(slot->store, &g) == CKR_OK &&
	    g == before + 1 && slot->generation == before)
		slot->generation = g;
}

CK_RV mcx_object_store_attrs_locked(struct mcx_slot *slot, mcx_store_id id,
				    const struct mcx_attrs *a, bool insert,
				    mcx_store_id *new_id)
{
	struct mcx_store_attr *sa = calloc(a->n ? a->n : 1, sizeof(*sa));
	bool secret = false;
	if (sa == NULL)
		return CKR_HOST_MEMORY;
	for (size_t i = 0; i < a->n; i++) {
		sa[i].type = a->v[i].type;
		sa[i].value = a->v[i].value;
		sa[i].len = a->v[i].len;
		sa[i].secret = a->v[i].secret;
		secret |= a->v[i].secret;
	}
	CK_RV rv = CKR_OK;
	if (secret && !slot->have_key) {
		rv = CKR_USER_NOT_LOGGED_IN;
		goto out;
	}
	/* the caller's audit record joins this change (audit.c) */
	rv = mcx_audit_txn_open_locked(slot);
	if (rv != CKR_OK)
		goto out;
	uint64_t before = before_write(slot);
	const struct mcx_master_key *key = slot->have_key ? &slot->key : NULL;
	if (insert)
		rv =
		    mcx_store_object_insert(slot->store, key, sa, a->n, new_id);
	else
		rv = mcx_store_object_update(slot->store, key, id, sa, a->n);
	if (rv == CKR_OK)
		after_write(slot, before);
out:
	free(sa);
	return rv;
}

/* Session checks for a new object with attributes a (§5.7: token objects
 * need an R/W session, private objects a user login). */
static CK_RV may_create(const struct mcx_session *s, const struct mcx_attrs *a)
{
	if (attrs_bool(a, CKA_TOKEN, false) && !mcx_session_is_rw(s))
		return CKR_SESSION_READ_ONLY;
	if (attrs_bool(a, CKA_PRIVATE, false) && s->slot->user != CKU_USER)
		return CKR_USER_NOT_LOGGED_IN;
	return CKR_OK;
}

/* Store a new object built in *a (adopted, cleared on return) and return
 * it (one reference for the caller). */
static CK_RV store_new(struct mcx_session *s, struct mcx_attrs *a,
		       struct mcx_object **out)
{
	char uid[33];
	struct mcx_object *obj = NULL;
	CK_RV rv = may_create(s, a);
	if (rv == CKR_OK)
		rv = mcx_attr_new_unique_id(uid);
	if (rv == CKR_OK)
		rv = mcx_attrs_set(a, CKA_UNIQUE_ID, uid, 32, false);
	if (rv != CKR_OK)
		goto out;
	if (attrs_bool(a, CKA_TOKEN, false)) {
		mcx_store_id id = 0;
		rv = mcx_object_store_attrs_locked(s->slot, 0, a, true, &id);
		if (rv != CKR_OK)
			goto out;
		obj = mcx_object_for_store_id_locked(s->slot, id);
		if (obj == NULL) {
			rv = CKR_HOST_MEMORY;
			goto out;
		}
		mcx_attrs_clear(&obj->attrs);
		obj->generation = s->slot->generation_epoch;
		obj->with_secrets = true;
	} else {
		obj = mcx_object_new_locked(s->slot, MCX_OBJ_SESSION);
		if (obj == NULL) {
			rv = CKR_HOST_MEMORY;
			goto out;
		}
		obj->owner = s->handle;
		s->made_objects = true;
	}
	obj->attrs = *a;
	a->v = NULL;
	a->n = 0;
	obj->loaded = true;
	obj->refs++;
	*out = obj;
out:
	mcx_attrs_clear(a);
	return rv;
}

/* Remove an object for good (store row or memory). */
static CK_RV destroy_locked(struct mcx_object *obj)
{
	if (obj->kind == MCX_OBJ_TOKEN) {
		CK_RV rv = mcx_audit_txn_open_locked(obj->slot);
		if (rv != CKR_OK)
			return rv;
		uint64_t before = before_write(obj->slot);
		rv = mcx_store_object_delete(obj->slot->store, obj->id);
		if (rv != CKR_OK && rv != CKR_OBJECT_HANDLE_INVALID)
			return rv;
		if (rv == CKR_OK)
			after_write(obj->slot, before);
	}
	mcx_object_unlink_locked(obj);
	return CKR_OK;
}

/* ---- Keys for the mechanisms ------------------------------------------- */

static CK_RV create_one(struct mcx_session *s, const struct mcx_key_spec *k,
			struct mcx_object **out)
{
	struct mcx_attrs a = {0};
	CK_OBJECT_CLASS cls = 0;
	CK_RV rv = mcx_attr_build(s, k, &a, &cls);
	/* MCX identity keys: validated against their KMS (and CKA_MCX_HS
	 * computed) before anything is stored; see token/ops_mcx_ident.c
	 * (engineer G, issue 4). */
	if (rv == CKR_OK)
		rv = mcx_ops_mcx_validate_identity(s, cls, &a);
	if (rv == CKR_OK)
		rv = store_new(s, &a, out);
	mcx_attrs_clear(&a);
	return rv;
}

CK_RV mcx_object_create_key(struct mcx_session *s,
			    const struct mcx_key_spec *spec,
			    CK_OBJECT_HANDLE *out)
{
	struct mcx_object *obj = NULL;
	if (spec == NULL || out == NULL)
		return CKR_ARGUMENTS_BAD;
	CK_RV rv = create_one(s, spec, &obj);
	if (rv == CKR_OK)
		*out = obj->handle;
	/* the mechanism's entry point audits (one record per call) */
	mcx_object_put(obj);
	return rv;
}

CK_RV mcx_object_create_key_pair(struct mcx_session *s,
				 const struct mcx_key_spec *pub,
				 const struct mcx_key_spec *priv,
				 CK_OBJECT_HANDLE *pub_out,
				 CK_OBJECT_HANDLE *priv_out)
{
	struct mcx_object *po = NULL, *qo = NULL;
	if (pub == NULL || priv == NULL || pub_out == NULL || priv_out == NULL)
		return CKR_ARGUMENTS_BAD;
	CK_RV rv = create_one(s, pub, &po);
	if (rv == CKR_OK) {
		rv = create_one(s, priv, &qo);
		if (rv != CKR_OK) {
			/* both keys or neither */
			(void)destroy_locked(po);
		}
	}
	if (rv == CKR_OK) {
		*pub_out = po->handle;
		*priv_out = qo->handle;
	}
	mcx_object_put(po);
	mcx_object_put(qo);
	return rv;
}

/* ---- Entry points ------------------------------------------------------- */

CK_RV mcx_C_CreateObject(CK_SESSION_HANDLE hSession, CK_ATTRIBUTE_PTR pTemplate,
			 CK_ULONG ulCount, CK_OBJECT_HANDLE_PTR phObject)
{
	struct mcx_session *s = NULL;
	struct mcx_object *obj = NULL;
	CK_RV crv = CKR_OK;
	CK_RV rv = mcx_session_acquire(hSession, &s);
	if (rv != CKR_OK)
		return rv;
	if (phObject == NULL || (pTemplate == NULL && ulCount != 0)) {
		rv = CKR_ARGUMENTS_BAD;
		goto out;
	}
	const CK_ATTRIBUTE *ca =
	    mcx_template_find(pTemplate, ulCount, CKA_CLASS);
	CK_OBJECT_CLASS cls = 0;
	if (ca != NULL && ca->pValue != NULL && ca->ulValueLen == sizeof(cls)) {
		memcpy(&cls, ca->pValue, sizeof(cls));
		if (cls == CKO_MCX_AUDIT_RECORD) {
			/* the log is appended by the token only */
			rv = CKR_ATTRIBUTE_READ_ONLY;
			goto out;
		}
	}
	const CK_ATTRIBUTE *kta =
	    mcx_template_find(pTemplate, ulCount, CKA_KEY_TYPE);
	if (kta != NULL && kta->pValue != NULL &&
	    kta->ulValueLen == sizeof(CK_KEY_TYPE) &&
	    *(const CK_KEY_TYPE *)kta->pValue == CKK_MCX_RGK_SEED) {
		/* a seed is never in the clear: it is generated
		 * (CKM_MCX_RGK_SEED_GEN) or unwrapped (CKM_MCX_XPK_WRAP) */
		rv = CKR_TEMPLATE_INCONSISTENT;
		goto out;
	}
	struct mcx_key_spec k = {
	    .tmpl = pTemplate,
	    .n_tmpl = ulCount,
	    .origin = MCX_ORIGIN_CREATED,
	    .mechanism = CK_UNAVAILABLE_INFORMATION,
	};
	rv = create_one(s, &k, &obj);
	if (rv == CKR_OK)
		*phObject = obj->handle;
out:
	/* the new token object and its record commit together */
	crv = mcx_audit_slot_locked(s->slot, s->slot->user, "C_CreateObject",
				    CK_UNAVAILABLE_INFORMATION, obj, rv);
	if (rv == CKR_OK && crv != CKR_OK) {
		rv = crv;
		*phObject = CK_INVALID_HANDLE;
		mcx_object_unlink_locked(obj);
	}
	mcx_object_put(obj);
	mcx_session_release(s);
	return rv;
}

CK_RV mcx_C_CopyObject(CK_SESSION_HANDLE hSession, CK_OBJECT_HANDLE hObject,
		       CK_ATTRIBUTE_PTR pTemplate, CK_ULONG ulCount,
		       CK_OBJECT_HANDLE_PTR phNewObject)
{
	struct mcx_session *s = NULL;
	struct mcx_object *src = NULL, *obj = NULL;
	struct mcx_attrs a = {0};
	CK_RV crv = CKR_OK;
	CK_RV rv = mcx_session_acquire(hSession, &s);
	if (rv != CKR_OK)
		return rv;
	rv = mcx_object_get(s, hObject, &src);
	if (rv != CKR_OK)
		goto out;
	if (phNewObject == NULL) {
		rv = CKR_ARGUMENTS_BAD;
		goto out;
	}
	rv = mcx_attr_check_template(pTemplate, ulCount);
	if (rv != CKR_OK)
		goto out;
	if (src->kind == MCX_OBJ_AUDIT ||
	    !attrs_bool(&src->attrs, CKA_COPYABLE, true)) {
		rv = CKR_ACTION_PROHIBITED;
		goto out;
	}
	CK_OBJECT_CLASS cls = mcx_object_class(src);
	CK_KEY_TYPE kt = mcx_object_key_type(src);
	for (CK_ULONG i = 0; i < ulCount && rv == CKR_OK; i++)
		rv =
		    mcx_policy_check_change(cls, kt, &pTemplate[i], &src->attrs,
					    true, false, s->slot->user);
	if (rv != CKR_OK)
		goto out;
	/* all of the source, secrets included */
	if (src->kind == MCX_OBJ_TOKEN && !src->with_secrets) {
		const void *v = NULL;
		size_t l = 0;
		CK_RV r2 = mcx_object_attr(src, CKA_VALUE, &v, &l);
		if (r2 == CKR_USER_NOT_LOGGED_IN) {
			rv = r2;
			goto out;
		}
	}
	for (size_t i = 0; i < src->attrs.n && rv == CKR_OK; i++) {
		if (src->attrs.v[i].type == CKA_UNIQUE_ID)
			continue;
		rv = mcx_attrs_set(&a, src->attrs.v[i].type,
				   src->attrs.v[i].value, src->attrs.v[i].len,
				   src->attrs.v[i].secret);
	}
	for (CK_ULONG i = 0; i < ulCount && rv == CKR_OK; i++)
		rv = mcx_object_set_from_template(&a, cls, kt, &pTemplate[i]);
	if (rv == CKR_OK)
		rv = store_new(s, &a, &obj);
	if (rv == CKR_OK)
		*phNewObject = obj->handle;
out:
	crv = mcx_audit_slot_locked(s->slot, s->slot->user, "C_CopyObject",
				    CK_UNAVAILABLE_INFORMATION, obj ? obj : src,
				    rv);
	if (rv == CKR_OK && crv != CKR_OK) {
		rv = crv;
		*phNewObject = CK_INVALID_HANDLE;
		mcx_object_unlink_locked(obj);
	}
	mcx_attrs_clear(&a);
	mcx_object_put(obj);
	mcx_object_put(src);
	mcx_session_release(s);
	return rv;
}

CK_RV mcx_C_DestroyObject(CK_SESSION_HANDLE hSession, CK_OBJECT_HANDLE hObject)
{
	struct mcx_session *s = NULL;
	struct mcx_object *obj = NULL;
	CK_RV crv = CKR_OK;
	CK_RV rv = mcx_session_acquire(hSession, &s);
	if (rv != CKR_OK)
		return rv;
	rv = mcx_object_get(s, hObject, &obj);
	if (rv != CKR_OK)
		goto out;
	if (obj->kind == MCX_OBJ_AUDIT ||
	    !attrs_bool(&obj->attrs, CKA_DESTROYABLE, true)) {
		rv = CKR_ACTION_PROHIBITED;
		goto out;
	}
	if (obj->kind == MCX_OBJ_TOKEN && !mcx_session_is_rw(s)) {
		rv = CKR_SESSION_READ_ONLY;
		goto out;
	}
	rv = destroy_locked(obj);
out:
	crv = mcx_audit_slot_locked(s->slot, s->slot->user, "C_DestroyObject",
				    CK_UNAVAILABLE_INFORMATION, obj, rv);
	if (rv == CKR_OK)
		rv = crv; /* not committed: the object is still there */
	mcx_object_put(obj);
	mcx_session_release(s);
	return rv;
}
