/*
 * C_GetAttributeValue, C_SetAttributeValue, C_GetObjectSize (PKCS#11 3.0
 * §5.7.4-5.7.6).  GetAttributeValue has whole-template semantics: every
 * attribute is processed; each one that cannot be returned gets
 * CK_UNAVAILABLE_INFORMATION and the function returns the matching CKR
 * (ATTRIBUTE_SENSITIVE, ATTRIBUTE_TYPE_INVALID, BUFFER_TOO_SMALL).
 */
#include <stdlib.h>
#include <string.h>

#include "token/attr_policy.h"
#include "token/entry.h"
#include "token/internal.h"

static bool is_sensitive_now(struct mcx_object *obj)
{
	return mcx_object_bool(obj, CKA_SENSITIVE, false) ||
	       !mcx_object_bool(obj, CKA_EXTRACTABLE, true);
}

/* An encoded attribute array back into the caller's CK_ATTRIBUTE array. */
static CK_RV get_array(const struct mcx_attr *a, CK_ATTRIBUTE *t)
{
	CK_ULONG count = 0;
	if (!mcx_policy_attrs_decode(a->value, a->len, &count, NULL, 0))
		return CKR_GENERAL_ERROR;
	CK_ULONG need = count * sizeof(CK_ATTRIBUTE);
	if (t->pValue == NULL) {
		t->ulValueLen = need;
		return CKR_OK;
	}
	if (t->ulValueLen < need) {
		t->ulValueLen = CK_UNAVAILABLE_INFORMATION;
		return CKR_BUFFER_TOO_SMALL;
	}
	CK_ATTRIBUTE *v = calloc(count ? count : 1, sizeof(*v));
	if (v == NULL)
		return CKR_HOST_MEMORY;
	(void)mcx_policy_attrs_decode(a->value, a->len, &count, v, count);
	CK_ATTRIBUTE *dst = t->pValue;
	CK_RV rv = CKR_OK;
	for (CK_ULONG i = 0; i < count; i++) {
		dst[i].type = v[i].type;
		if (dst[i].pValue == NULL) {
			dst[i].ulValueLen = v[i].ulValueLen;
		} else if (dst[i].ulValueLen < v[i].ulValueLen) {
			dst[i].ulValueLen = CK_UNAVAILABLE_INFORMATION;
			rv = CKR_BUFFER_TOO_SMALL;
		} else {
			if (v[i].ulValueLen)
				memcpy(dst[i].pValue, v[i].pValue,
				       v[i].ulValueLen);
			dst[i].ulValueLen = v[i].ulValueLen;
		}
	}
	free(v);
	t->ulValueLen = need;
	return rv;
}

static CK_RV get_one(struct mcx_object *obj, CK_ATTRIBUTE *t)
{
	CK_OBJECT_CLASS cls = mcx_object_class(obj);
	CK_KEY_TYPE kt = mcx_object_key_type(obj);
	const struct mcx_attr_rule *r = mcx_policy_rule(cls, kt, t->type);
	if (r != NULL && (r->flags & MCX_AF_SENSITIVE) && is_sensitive_now(obj))
		return CKR_ATTRIBUTE_SENSITIVE;
	const void *value = NULL;
	size_t len = 0;
	CK_RV rv = mcx_object_attr(obj, t->type, &value, &len);
	if (rv == CKR_USER_NOT_LOGGED_IN)
		return CKR_ATTRIBUTE_SENSITIVE; /* cannot be decrypted now */
	if (rv != CKR_OK)
		return CKR_ATTRIBUTE_TYPE_INVALID;
	if (r != NULL && r->kind == MCX_AK_ATTRS) {
		struct mcx_attr a = {
		    .type = t->type, .value = (uint8_t *)value, .len = len};
		return get_array(&a, t);
	}
	if (t->pValue == NULL) {
		t->ulValueLen = len;
		return CKR_OK;
	}
	if (t->ulValueLen < len)
		return CKR_BUFFER_TOO_SMALL;
	if (len)
		memcpy(t->pValue, value, len);
	t->ulValueLen = len;
	return CKR_OK;
}

CK_RV mcx_C_GetAttributeValue(CK_SESSION_HANDLE hSession,
			      CK_OBJECT_HANDLE hObject,
			      CK_ATTRIBUTE_PTR pTemplate, CK_ULONG ulCount)
{
	struct mcx_session *s = NULL;
	struct mcx_object *obj = NULL;
	CK_RV rv = mcx_session_acquire(hSession, &s);
	if (rv != CKR_OK)
		return rv;
	rv = mcx_object_get(s, hObject, &obj);
	if (rv != CKR_OK)
		goto out;
	if (pTemplate == NULL && ulCount != 0) {
		rv = CKR_ARGUMENTS_BAD;
		goto out;
	}
	bool refused = false;
	for (CK_ULONG i = 0; i < ulCount; i++) {
		CK_RV r1 = get_one(obj, &pTemplate[i]);
		if (r1 == CKR_OK)
			continue;
		if (r1 == CKR_HOST_MEMORY || r1 == CKR_GENERAL_ERROR) {
			rv = r1;
			break;
		}
		pTemplate[i].ulValueLen = CK_UNAVAILABLE_INFORMATION;
		/* all three may apply; report the first kind seen */
		if (rv == CKR_OK)
			rv = r1;
		refused |= r1 == CKR_ATTRIBUTE_SENSITIVE;
	}
	if (refused)
		mcx_audit(s, "C_GetAttributeValue", CK_UNAVAILABLE_INFORMATION,
			  obj, CKR_ATTRIBUTE_SENSITIVE);
out:
	mcx_object_put(obj);
	mcx_session_release(s);
	return rv;
}

CK_RV mcx_C_SetAttributeValue(CK_SESSION_HANDLE hSession,
			      CK_OBJECT_HANDLE hObject,
			      CK_ATTRIBUTE_PTR pTemplate, CK_ULONG ulCount)
{
	struct mcx_session *s = NULL;
	struct mcx_object *obj = NULL;
	struct mcx_attrs a = {0};
	CK_RV rv = mcx_session_acquire(hSession, &s);
	if (rv != CKR_OK)
		return rv;
	rv = mcx_object_get(s, hObject, &obj);
	if (rv != CKR_OK)
		goto out;
	if (pTemplate == NULL && ulCount != 0) {
		rv = CKR_ARGUMENTS_BAD;
		goto out;
	}
	if (obj->kind == MCX_OBJ_AUDIT ||
	    !mcx_object_bool(obj, CKA_MODIFIABLE, true)) {
		rv = CKR_ACTION_PROHIBITED;
		goto out;
	}
	if (obj->kind == MCX_OBJ_TOKEN && !mcx_session_is_rw(s)) {
		rv = CKR_SESSION_READ_ONLY;
		goto out;
	}
	CK_OBJECT_CLASS cls = mcx_object_class(obj);
	CK_KEY_TYPE kt = mcx_object_key_type(obj);
	for (CK_ULONG i = 0; i < ulCount && rv == CKR_OK; i++) {
		if (pTemplate[i].pValue == NULL && pTemplate[i].ulValueLen)
			rv = CKR_ATTRIBUTE_VALUE_INVALID;
		else
			rv = mcx_policy_check_change(cls, kt, &pTemplate[i],
						     &obj->attrs, false, true,
						     s->slot->user);
	}
	if (rv != CKR_OK || ulCount == 0)
		goto out;
	/* the store replaces the whole attribute set: secrets included */
	if (obj->kind == MCX_OBJ_TOKEN) {
		const void *v = NULL;
		size_t l = 0;
		rv = mcx_object_attr(obj, CKA_VALUE, &v, &l);
		if (rv == CKR_ATTRIBUTE_TYPE_INVALID)
			rv = CKR_OK;
		if (rv != CKR_OK)
			goto out;
	}
	for (size_t i = 0; i < obj->attrs.n && rv == CKR_OK; i++)
		rv = mcx_attrs_set(&a, obj->attrs.v[i].type,
				   obj->attrs.v[i].value, obj->attrs.v[i].len,
				   obj->attrs.v[i].secret);
	for (CK_ULONG i = 0; i < ulCount && rv == CKR_OK; i++)
		rv = mcx_object_set_from_template(&a, cls, kt, &pTemplate[i]);
	if (rv == CKR_OK && obj->kind == MCX_OBJ_TOKEN)
		rv = mcx_object_store_attrs_locked(obj->slot, obj->id, &a,
						   false, NULL);
	if (rv == CKR_OK) {
		mcx_attrs_clear(&obj->attrs);
		obj->attrs = a;
		a.v = NULL;
		a.n = 0;
		obj->generation = obj->slot->generation_epoch;
	}
out:
	if (obj != NULL) {
		/* the change commits with its record (audit.c); if that
		 * fails the cache reloads the stored values */
		CK_RV crv = mcx_audit_slot_locked(
		    s->slot, s->slot->user, "C_SetAttributeValue",
		    CK_UNAVAILABLE_INFORMATION, obj, rv);
		if (rv == CKR_OK)
			rv = crv;
	}
	mcx_attrs_clear(&a);
	mcx_object_put(obj);
	mcx_session_release(s);
	return rv;
}

CK_RV mcx_C_GetObjectSize(CK_SESSION_HANDLE hSession, CK_OBJECT_HANDLE hObject,
			  CK_ULONG_PTR pulSize)
{
	struct mcx_session *s = NULL;
	struct mcx_object *obj = NULL;
	CK_RV rv = mcx_session_acquire(hSession, &s);
	if (rv != CKR_OK)
		return rv;
	rv = mcx_object_get(s, hObject, &obj);
	if (rv == CKR_OK && pulSize == NULL)
		rv = CKR_ARGUMENTS_BAD;
	if (rv == CKR_OK) {
		/* an approximation of the stored size, as §5.7.3 allows */
		CK_ULONG size = 0;
		for (size_t i = 0; i < obj->attrs.n; i++)
			size += (CK_ULONG)(obj->attrs.v[i].len + 16);
		*pulSize = size;
	}
	mcx_object_put(obj);
	mcx_session_release(s);
	return rv;
}
