/*
 * The object cache and the object accessors of object.h.
 *
 * Every object has a process-local handle in mcx_g.objects.  Token objects
 * are also indexed by store row id per slot; their attributes are loaded
 * lazily from the store and reloaded when the store generation moved
 * (another process, or another connection, changed something), so
 * C_Initialize reads no object and a find touches only its candidates.
 * Secret values are loaded only while somebody is logged in and are wiped
 * when dropped.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/wipe.h"
#include "token/attr_policy.h"
#include "token/internal.h"

/* ---- Attribute sets ----------------------------------------------------- */

const struct mcx_attr *mcx_attrs_find(const struct mcx_attrs *a,
				      CK_ATTRIBUTE_TYPE type)
{
	for (size_t i = 0; i < a->n; i++)
		if (a->v[i].type == type)
			return &a->v[i];
	return NULL;
}

void mcx_attrs_clear(struct mcx_attrs *a)
{
	for (size_t i = 0; i < a->n; i++) {
		if (a->v[i].secret)
			mcx_wipe_free(a->v[i].value, a->v[i].len);
		else
			free(a->v[i].value);
	}
	free(a->v);
	a->v = NULL;
	a->n = 0;
}

CK_RV mcx_attrs_set(struct mcx_attrs *a, CK_ATTRIBUTE_TYPE type,
		    const void *value, size_t len, bool secret)
{
	uint8_t *copy = NULL;
	if (len > 0) {
		copy = malloc(len);
		if (copy == NULL)
			return CKR_HOST_MEMORY;
		memcpy(copy, value, len);
	}
	for (size_t i = 0; i < a->n; i++) {
		if (a->v[i].type != type)
			continue;
		if (a->v[i].secret)
			mcx_wipe_free(a->v[i].value, a->v[i].len);
		else
			free(a->v[i].value);
		a->v[i].value = copy;
		a->v[i].len = len;
		a->v[i].secret = secret;
		return CKR_OK;
	}
	struct mcx_attr *v = realloc(a->v, (a->n + 1) * sizeof(*v));
	if (v == NULL) {
		if (secret)
			mcx_wipe_free(copy, len);
		else
			free(copy);
		return CKR_HOST_MEMORY;
	}
	a->v = v;
	a->v[a->n].type = type;
	a->v[a->n].value = copy;
	a->v[a->n].len = len;
	a->v[a->n].secret = secret;
	a->n++;
	return CKR_OK;
}

/* ---- Cache -------------------------------------------------------------- */

struct mcx_object *mcx_object_new_locked(struct mcx_slot *slot,
					 enum mcx_object_kind kind)
{
	struct mcx_object *obj = calloc(1, sizeof(*obj));
	if (obj == NULL)
		return NULL;
	obj->slot = slot;
	obj->kind = kind;
	obj->refs = 1;
	obj->handle = mcx_g.next_handle++;
	if (!mcx_hmap_put(&mcx_g.objects, obj->handle, obj)) {
		free(obj);
		return NULL;
	}
	if (kind == MCX_OBJ_SESSION &&
	    !mcx_hmap_put(&mcx_g.session_objects, obj->handle, obj)) {
		mcx_hmap_del(&mcx_g.objects, obj->handle);
		free(obj);
		return NULL;
	}
	return obj;
}

void mcx_object_put(struct mcx_object *obj)
{
	if (obj == NULL || --obj->refs > 0)
		return;
	mcx_attrs_clear(&obj->attrs);
	free(obj);
}

void mcx_object_unlink_locked(struct mcx_object *obj)
{
	if (obj->dead)
		return;
	obj->dead = true;
	mcx_hmap_del(&mcx_g.objects, obj->handle);
	if (obj->kind == MCX_OBJ_SESSION)
		mcx_hmap_del(&mcx_g.session_objects, obj->handle);
	if (obj->kind == MCX_OBJ_TOKEN)
		mcx_hmap_del(&obj->slot->by_store_id, (uint64_t)obj->id);
	else if (obj->kind == MCX_OBJ_AUDIT)
		mcx_hmap_del(&obj->slot->audit_by_seq, (uint64_t)obj->id);
	mcx_object_put(obj);
}

struct collect {
	struct mcx_object **v;
	size_t n, cap;
	struct mcx_slot *slot;
	CK_SESSION_HANDLE owner; /* 0: any */
	bool oom;
};

static void collect_fn(uint64_t key, void *val, void *arg)
{
	(void)key;
	struct collect *c = arg;
	struct mcx_object *obj = val;
	if (c->slot != NULL && obj->slot != c->slot)
		return;
	if (c->owner != 0 &&
	    (obj->kind != MCX_OBJ_SESSION || obj->owner != c->owner))
		return;
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 64;
		struct mcx_object **v = realloc(c->v, cap * sizeof(*v));
		if (v == NULL) {
			c->oom = true;
			return;
		}
		c->v = v;
		c->cap = cap;
	}
	c->v[c->n++] = obj;
}

void mcx_object_destroy_session_objects_locked(CK_SESSION_HANDLE owner)
{
	struct collect c = {.owner = owner};
	mcx_hmap_each(&mcx_g.session_objects, collect_fn, &c);
	for (size_t i = 0; i < c.n; i++)
		mcx_object_unlink_locked(c.v[i]);
	free(c.v);
}

void mcx_object_forget_slot_locked(struct mcx_slot *slot)
{
	struct collect c = {.slot = slot};
	mcx_hmap_each(&mcx_g.objects, collect_fn, &c);
	for (size_t i = 0; i < c.n; i++)
		mcx_object_unlink_locked(c.v[i]);
	free(c.v);
}

static void drop_fn(uint64_t key, void *val, void *arg)
{
	(void)key;
	struct mcx_object *obj = val;
	if (obj->slot != arg || obj->kind != MCX_OBJ_TOKEN ||
	    !obj->with_secrets)
		return;
	/* referenced objects keep their values until put (object.h) */
	if (obj->refs > 1)
		return;
	mcx_attrs_clear(&obj->attrs);
	obj->loaded = false;
	obj->with_secrets = false;
}

void mcx_object_drop_secrets_locked(struct mcx_slot *slot)
{
	mcx_hmap_each(&mcx_g.objects, drop_fn, slot);
}

/* Another process's (or module instance's) change must be seen by the
 * next PKCS#11 call, not by the next object lookup: the generation is read
 * once per hold of the module lock (mcx_g.lock_serial), so a C_WrapKey
 * naming 100 targets reads it once, not 101 times.  Every entry point takes
 * the lock afresh, and so does a call coming back from its unlocked math
 * (mcx_session_unlock_end): what it does next, e.g. latching a revocation
 * from the cached attributes, sees what others wrote meanwhile.  Our own
 * writes keep the cache (object_create.c after_write); a failed commit
 * clears generation_valid and forces a read. */
void mcx_object_revalidate_locked(struct mcx_slot *slot)
{
	uint64_t gen = 0;
	if (slot->store == NULL)
		return;
	if (slot->generation_valid &&
	    slot->generation_checked == mcx_g.lock_serial)
		return;
	if (mcx_store_generation(slot->store, &gen) != CKR_OK) {
		slot->generation_valid = false;
		return;
	}
	if (!slot->generation_valid || gen != slot->generation) {
		/* objects loaded before compare unequal and reload */
		slot->generation = gen;
		slot->generation_valid = true;
		slot->generation_epoch++;
	}
	slot->generation_checked = mcx_g.lock_serial;
}

CK_RV mcx_object_load_locked(struct mcx_object *obj, bool want_secrets)
{
	struct mcx_slot *slot = obj->slot;
	if (obj->dead)
		return CKR_OBJECT_HANDLE_INVALID;
	if (obj->kind == MCX_OBJ_SESSION)
		return CKR_OK;
	if (obj->kind == MCX_OBJ_AUDIT)
		return obj->loaded ? CKR_OK : mcx_audit_load_locked(obj);
	want_secrets = want_secrets && slot->have_key;
	if (obj->loaded && obj->generation == slot->generation_epoch &&
	    (obj->with_secrets || !want_secrets))
		return CKR_OK;
	struct mcx_store_attr *sa = NULL;
	size_t n = 0;
	CK_RV rv = mcx_store_object_load(
	    slot->store, want_secrets ? &slot->key : NULL, obj->id, &sa, &n);
	if (rv == CKR_OBJECT_HANDLE_INVALID) {
		mcx_object_unlink_locked(obj);
		return rv;
	}
	if (rv != CKR_OK)
		return rv;
	struct mcx_attrs fresh = {0};
	for (size_t i = 0; i < n && rv == CKR_OK; i++)
		rv = mcx_attrs_set(&fresh, sa[i].type, sa[i].value, sa[i].len,
				   sa[i].secret);
	mcx_store_attrs_free(sa, n);
	if (rv != CKR_OK) {
		mcx_attrs_clear(&fresh);
		return rv;
	}
	mcx_attrs_clear(&obj->attrs);
	obj->attrs = fresh;
	obj->loaded = true;
	obj->with_secrets = want_secrets;
	obj->generation = slot->generation_epoch;
	return CKR_OK;
}

struct mcx_object *mcx_object_for_store_id_locked(struct mcx_slot *slot,
						  mcx_store_id id)
{
	struct mcx_object *obj = mcx_hmap_get(&slot->by_store_id, (uint64_t)id);
	if (obj != NULL)
		return obj;
	obj = mcx_object_new_locked(slot, MCX_OBJ_TOKEN);
	if (obj == NULL)
		return NULL;
	obj->id = id;
	if (!mcx_hmap_put(&slot->by_store_id, (uint64_t)id, obj)) {
		mcx_object_unlink_locked(obj);
		return NULL;
	}
	return obj;
}

static bool attr_true(const struct mcx_attrs *a, CK_ATTRIBUTE_TYPE t, bool dflt)
{
	const struct mcx_attr *x = mcx_attrs_find(a, t);
	if (x == NULL || x->len != sizeof(CK_BBOOL))
		return dflt;
	return x->value[0] == CK_TRUE;
}

bool mcx_object_visible(const struct mcx_session *s, struct mcx_object *obj)
{
	if (obj->dead || obj->slot != s->slot)
		return false;
	/* Audit records: after a login only, but to the SO too (who
	 * administers the token and verifies its trail); decided by kind,
	 * not by a loaded attribute, so an unloaded record is never shown. */
	if (obj->kind == MCX_OBJ_AUDIT)
		return s->slot->user == CKU_USER || s->slot->user == CKU_SO;
	/* private objects only to the normal user (§4.4, CKA_PRIVATE) */
	if (attr_true(&obj->attrs, CKA_PRIVATE, false) &&
	    s->slot->user != CKU_USER)
		return false;
	return true;
}

CK_RV mcx_object_get(struct mcx_session *s, CK_OBJECT_HANDLE hObject,
		     struct mcx_object **out)
{
	if (out == NULL)
		return CKR_ARGUMENTS_BAD;
	*out = NULL;
	struct mcx_object *obj = mcx_hmap_get(&mcx_g.objects, hObject);
	if (obj == NULL || obj->slot != s->slot)
		return CKR_OBJECT_HANDLE_INVALID;
	if (obj->kind == MCX_OBJ_TOKEN)
		mcx_object_revalidate_locked(obj->slot);
	CK_RV rv = mcx_object_load_locked(obj, true);
	if (rv != CKR_OK)
		return rv;
	if (!mcx_object_visible(s, obj))
		return CKR_OBJECT_HANDLE_INVALID;
	obj->refs++;
	*out = obj;
	return CKR_OK;
}

/* ---- Accessors ---------------------------------------------------------- */

CK_OBJECT_HANDLE mcx_object_handle(const struct mcx_object *obj)
{
	return obj->handle;
}

static CK_ULONG ulong_of(const struct mcx_attrs *a, CK_ATTRIBUTE_TYPE t,
			 CK_ULONG dflt)
{
	const struct mcx_attr *x = mcx_attrs_find(a, t);
	CK_ULONG v = dflt;
	if (x != NULL && x->len == sizeof(CK_ULONG))
		memcpy(&v, x->value, sizeof(v));
	return v;
}

CK_OBJECT_CLASS mcx_object_class(const struct mcx_object *obj)
{
	return ulong_of(&obj->attrs, CKA_CLASS, CK_UNAVAILABLE_INFORMATION);
}

CK_KEY_TYPE mcx_object_key_type(const struct mcx_object *obj)
{
	return ulong_of(&obj->attrs, CKA_KEY_TYPE, CK_UNAVAILABLE_INFORMATION);
}

CK_RV mcx_object_attr(struct mcx_object *obj, CK_ATTRIBUTE_TYPE type,
		      const void **value, size_t *len)
{
	if (value == NULL || len == NULL)
		return CKR_ARGUMENTS_BAD;
	*value = NULL;
	*len = 0;
	const struct mcx_attr_rule *r = mcx_policy_rule(
	    mcx_object_class(obj), mcx_object_key_type(obj), type);
	if (r != NULL && (r->flags & MCX_AF_SECRET) &&
	    obj->kind == MCX_OBJ_TOKEN && !obj->with_secrets) {
		if (!obj->slot->have_key)
			return CKR_USER_NOT_LOGGED_IN;
		CK_RV rv = mcx_object_load_locked(obj, true);
		if (rv != CKR_OK)
			return rv;
	}
	const struct mcx_attr *a = mcx_attrs_find(&obj->attrs, type);
	if (a == NULL)
		return CKR_ATTRIBUTE_TYPE_INVALID;
	*value = a->value;
	*len = a->len;
	return CKR_OK;
}

bool mcx_object_bool(struct mcx_object *obj, CK_ATTRIBUTE_TYPE type, bool dflt)
{
	return attr_true(&obj->attrs, type, dflt);
}

CK_ULONG mcx_object_ulong(struct mcx_object *obj, CK_ATTRIBUTE_TYPE type,
			  CK_ULONG dflt)
{
	return ulong_of(&obj->attrs, type, dflt);
}

/* ---- Usage and templates ------------------------------------------------ */

/* CK_DATE "YYYYMMDD" as an integer, 0 if empty or malformed. */
static long date_of(const struct mcx_attr *a)
{
	if (a == NULL || a->len != sizeof(CK_DATE))
		return 0;
	long v = 0;
	for (size_t i = 0; i < 8; i++) {
		if (a->value[i] < '0' || a->value[i] > '9')
			return 0;
		v = v * 10 + (a->value[i] - '0');
	}
	return v;
}

CK_RV mcx_object_check_use(struct mcx_object *obj, CK_ATTRIBUTE_TYPE usage,
			   CK_MECHANISM_TYPE mechanism)
{
	CK_OBJECT_CLASS cls = mcx_object_class(obj);
	if (cls != CKO_SECRET_KEY && cls != CKO_PUBLIC_KEY &&
	    cls != CKO_PRIVATE_KEY)
		return CKR_KEY_HANDLE_INVALID;
	if (mcx_object_ulong(obj, CKA_MCX_STATUS, CKS_MCX_ACTIVE) ==
		CKS_MCX_REVOKED ||
	    mcx_object_bool(obj, CKA_MCX_REVOKED, false))
		return CKR_MCX_KEY_REVOKED;
	if (usage != 0 && !mcx_object_bool(obj, usage, false))
		return CKR_KEY_FUNCTION_NOT_PERMITTED;
	const struct mcx_attr *am =
	    mcx_attrs_find(&obj->attrs, CKA_ALLOWED_MECHANISMS);
	if (am != NULL && am->len > 0) {
		bool ok = false;
		for (size_t off = 0; off + sizeof(CK_MECHANISM_TYPE) <= am->len;
		     off += sizeof(CK_MECHANISM_TYPE)) {
			CK_MECHANISM_TYPE m;
			memcpy(&m, am->value + off, sizeof(m));
			ok |= m == mechanism;
		}
		if (!ok)
			return CKR_MECHANISM_INVALID;
	}
	long start = date_of(mcx_attrs_find(&obj->attrs, CKA_START_DATE));
	long end = date_of(mcx_attrs_find(&obj->attrs, CKA_END_DATE));
	if (start != 0 || end != 0) {
		time_t now = time(NULL);
		struct tm tm;
		gmtime_r(&now, &tm);
		long today = (tm.tm_year + 1900L) * 10000L +
			     (tm.tm_mon + 1L) * 100L + tm.tm_mday;
		if ((start != 0 && today < start) || (end != 0 && today > end))
			return CKR_KEY_FUNCTION_NOT_PERMITTED;
	}
	return CKR_OK;
}

const CK_ATTRIBUTE *mcx_template_find(const CK_ATTRIBUTE *tmpl, CK_ULONG n,
				      CK_ATTRIBUTE_TYPE type)
{
	if (tmpl == NULL)
		return NULL;
	for (CK_ULONG i = 0; i < n; i++)
		if (tmpl[i].type == type)
			return &tmpl[i];
	return NULL;
}

#define MAX_NESTED 64

CK_RV mcx_object_template_matches(struct mcx_object *obj,
				  CK_ATTRIBUTE_TYPE which,
				  const CK_ATTRIBUTE *tmpl, CK_ULONG n)
{
	const struct mcx_attr *t = mcx_attrs_find(&obj->attrs, which);
	CK_ATTRIBUTE v[MAX_NESTED];
	CK_ULONG count = 0;
	if (t == NULL || t->len == 0)
		return CKR_OK;
	if (!mcx_policy_attrs_decode(t->value, t->len, &count, v, MAX_NESTED) ||
	    count > MAX_NESTED)
		return CKR_TEMPLATE_INCONSISTENT;
	for (CK_ULONG i = 0; i < count; i++) {
		const CK_ATTRIBUTE *x = mcx_template_find(tmpl, n, v[i].type);
		if (x == NULL || x->ulValueLen != v[i].ulValueLen ||
		    (x->ulValueLen != 0 &&
		     (x->pValue == NULL ||
		      memcmp(x->pValue, v[i].pValue, x->ulValueLen) != 0)))
			return CKR_TEMPLATE_INCONSISTENT;
	}
	return CKR_OK;
}

CK_RV mcx_object_matches_wrap_template(struct mcx_object *wrapping_key,
				       struct mcx_object *key)
{
	const struct mcx_attr *t =
	    mcx_attrs_find(&wrapping_key->attrs, CKA_WRAP_TEMPLATE);
	CK_ATTRIBUTE v[MAX_NESTED];
	CK_ULONG count = 0;
	if (t == NULL || t->len == 0)
		return CKR_OK;
	if (!mcx_policy_attrs_decode(t->value, t->len, &count, v, MAX_NESTED) ||
	    count > MAX_NESTED)
		return CKR_KEY_NOT_WRAPPABLE;
	for (CK_ULONG i = 0; i < count; i++) {
		const struct mcx_attr *a =
		    mcx_attrs_find(&key->attrs, v[i].type);
		if (a == NULL || a->len != v[i].ulValueLen ||
		    (a->len != 0 && memcmp(a->value, v[i].pValue, a->len) != 0))
			return CKR_KEY_NOT_WRAPPABLE;
	}
	return CKR_OK;
}

/* Does obj carry every attribute of tmpl with the same value?  Secret
 * values never match (a find must not become an oracle for key bytes). */
bool mcx_object_matches(struct mcx_object *obj, const CK_ATTRIBUTE *tmpl,
			CK_ULONG n)
{
	for (CK_ULONG i = 0; i < n; i++) {
		const struct mcx_attr *a =
		    mcx_attrs_find(&obj->attrs, tmpl[i].type);
		if (a == NULL || a->secret || a->len != tmpl[i].ulValueLen)
			return false;
		if (a->len != 0 &&
		    memcmp(a->value, tmpl[i].pValue, a->len) != 0)
			return false;
	}
	return true;
}
