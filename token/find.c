/*
 * C_FindObjectsInit / C_FindObjects / C_FindObjectsFinal (PKCS#11 3.0
 * §5.7.13-15).  Session objects are matched at init.  Token objects come
 * from the store's indexed find (mcx_store_object_find narrows by CKA_ID,
 * CKA_LABEL, CKA_CLASS, ...) as row ids and are loaded and matched only as
 * C_FindObjects reaches them, so a find among 100,000 objects costs what
 * its candidates cost.  Audit records are found only when the template
 * names CKO_MCX_AUDIT_RECORD (<mcxhsm/pkcs11-mcx.h>).
 */
#include <stdlib.h>
#include <string.h>

#include "token/attr_policy.h"
#include "token/entry.h"
#include "token/internal.h"

struct sess_collect {
	struct mcx_session *s;
	struct mcx_find *f;
	CK_RV rv;
};

static void session_fn(uint64_t key, void *val, void *arg)
{
	(void)key;
	struct sess_collect *c = arg;
	struct mcx_object *obj = val;
	if (c->rv != CKR_OK || obj->kind != MCX_OBJ_SESSION ||
	    !mcx_object_visible(c->s, obj) ||
	    !mcx_object_matches(obj, c->f->tmpl, c->f->n))
		return;
	CK_OBJECT_HANDLE *v =
	    realloc(c->f->handles, (c->f->count + 1) * sizeof(*v));
	if (v == NULL) {
		c->rv = CKR_HOST_MEMORY;
		return;
	}
	c->f->handles = v;
	v[c->f->count++] = obj->handle;
}

static CK_RV audit_candidates(struct mcx_session *s, struct mcx_find *f)
{
	uint64_t count = 0;
	/* the trail is shown after a login only (audit.c): nothing to find,
	 * and no need to count the records */
	if (s->slot->user != CKU_USER && s->slot->user != CKU_SO) {
		f->audit = true;
		return CKR_OK;
	}
	CK_RV rv = mcx_store_audit_count(s->slot->store, &count);
	if (rv != CKR_OK)
		return rv;
	const CK_ATTRIBUTE *seq =
	    mcx_template_find(f->tmpl, f->n, CKA_MCX_AUDIT_SEQ);
	uint64_t first = 0, n = count;
	if (seq != NULL) {
		CK_ULONG v = 0;
		if (seq->ulValueLen != sizeof(v))
			return CKR_OK;
		memcpy(&v, seq->pValue, sizeof(v));
		if (v >= count)
			return CKR_OK;
		first = v;
		n = 1;
	}
	f->ids = malloc((n ? n : 1) * sizeof(*f->ids));
	if (f->ids == NULL)
		return CKR_HOST_MEMORY;
	for (uint64_t i = 0; i < n; i++)
		f->ids[i] = (mcx_store_id)(first + i);
	f->nids = (size_t)n;
	f->audit = true;
	return CKR_OK;
}

CK_RV mcx_C_FindObjectsInit(CK_SESSION_HANDLE hSession,
			    CK_ATTRIBUTE_PTR pTemplate, CK_ULONG ulCount)
{
	struct mcx_session *s = NULL;
	CK_RV rv = mcx_session_acquire(hSession, &s);
	if (rv != CKR_OK)
		return rv;
	struct mcx_find *f = &s->find;
	if (pTemplate == NULL && ulCount != 0) {
		rv = CKR_ARGUMENTS_BAD;
		goto out;
	}
	if (f->active) {
		rv = CKR_OPERATION_ACTIVE;
		goto out;
	}
	f->tmpl = calloc(ulCount ? ulCount : 1, sizeof(*f->tmpl));
	if (f->tmpl == NULL) {
		rv = CKR_HOST_MEMORY;
		goto fail;
	}
	for (CK_ULONG i = 0; i < ulCount; i++) {
		if ((pTemplate[i].pValue == NULL &&
		     pTemplate[i].ulValueLen != 0) ||
		    pTemplate[i].ulValueLen > MCX_POLICY_MAX_VALUE_LEN) {
			rv = CKR_ATTRIBUTE_VALUE_INVALID;
			goto fail;
		}
		f->tmpl[i].type = pTemplate[i].type;
		f->tmpl[i].ulValueLen = pTemplate[i].ulValueLen;
		if (pTemplate[i].ulValueLen != 0) {
			f->tmpl[i].pValue = malloc(pTemplate[i].ulValueLen);
			if (f->tmpl[i].pValue == NULL) {
				rv = CKR_HOST_MEMORY;
				goto fail;
			}
			memcpy(f->tmpl[i].pValue, pTemplate[i].pValue,
			       pTemplate[i].ulValueLen);
		}
		f->n = i + 1;
	}
	const CK_ATTRIBUTE *ca = mcx_template_find(f->tmpl, f->n, CKA_CLASS);
	CK_OBJECT_CLASS cls = CK_UNAVAILABLE_INFORMATION;
	if (ca != NULL && ca->ulValueLen == sizeof(cls))
		memcpy(&cls, ca->pValue, sizeof(cls));
	if (cls == CKO_MCX_AUDIT_RECORD) {
		rv = audit_candidates(s, f);
	} else {
		struct sess_collect c = {s, f, CKR_OK};
		mcx_hmap_each(&mcx_g.session_objects, session_fn, &c);
		rv = c.rv;
		if (rv == CKR_OK) {
			mcx_object_revalidate_locked(s->slot);
			rv = mcx_store_object_find(s->slot->store, f->tmpl,
						   f->n, &f->ids, &f->nids);
		}
	}
	if (rv != CKR_OK)
		goto fail;
	f->active = true;
	goto out;
fail:
	mcx_find_clear(f);
out:
	mcx_session_release(s);
	return rv;
}

CK_RV mcx_C_FindObjects(CK_SESSION_HANDLE hSession,
			CK_OBJECT_HANDLE_PTR phObject,
			CK_ULONG ulMaxObjectCount, CK_ULONG_PTR pulObjectCount)
{
	struct mcx_session *s = NULL;
	CK_RV rv = mcx_session_acquire(hSession, &s);
	if (rv != CKR_OK)
		return rv;
	struct mcx_find *f = &s->find;
	if (phObject == NULL || pulObjectCount == NULL) {
		rv = CKR_ARGUMENTS_BAD;
		goto out;
	}
	if (!f->active) {
		rv = CKR_OPERATION_NOT_INITIALIZED;
		goto out;
	}
	CK_ULONG got = 0;
	while (got < ulMaxObjectCount && f->pos < f->count) {
		/* a session object destroyed since init is skipped */
		struct mcx_object *obj =
		    mcx_hmap_get(&mcx_g.objects, f->handles[f->pos++]);
		if (obj != NULL && mcx_object_visible(s, obj))
			phObject[got++] = obj->handle;
	}
	/* the candidates were listed by C_FindObjectsInit, an earlier call:
	 * another process may have changed or destroyed them since, and a
	 * cached one must not be matched on what it was */
	if (!f->audit && f->ipos < f->nids && got < ulMaxObjectCount)
		mcx_object_revalidate_locked(s->slot);
	while (got < ulMaxObjectCount && f->ipos < f->nids) {
		mcx_store_id id = f->ids[f->ipos++];
		struct mcx_object *obj =
		    f->audit ? mcx_audit_object_locked(s->slot, (uint64_t)id)
			     : mcx_object_for_store_id_locked(s->slot, id);
		if (obj == NULL) {
			rv = CKR_HOST_MEMORY;
			break;
		}
		CK_RV lrv = mcx_object_load_locked(obj, false);
		if (lrv == CKR_OBJECT_HANDLE_INVALID)
			continue; /* gone meanwhile */
		if (lrv != CKR_OK) {
			rv = lrv;
			break;
		}
		if (mcx_object_visible(s, obj) &&
		    mcx_object_matches(obj, f->tmpl, f->n))
			phObject[got++] = obj->handle;
	}
	*pulObjectCount = got;
out:
	mcx_session_release(s);
	return rv;
}

CK_RV mcx_C_FindObjectsFinal(CK_SESSION_HANDLE hSession)
{
	struct mcx_session *s = NULL;
	CK_RV rv = mcx_session_acquire(hSession, &s);
	if (rv != CKR_OK)
		return rv;
	if (!s->find.active)
		rv = CKR_OPERATION_NOT_INITIALIZED;
	else
		mcx_find_clear(&s->find);
	mcx_session_release(s);
	return rv;
}
