/*
 * The K-ID registry of received MCX keys (issue 5; MCX-REFERENCE decision
 * g): which RSK a MIKEY-SAKKE I_MESSAGE is for, which received keys already
 * hold a K-ID for a receiver (the duplicate check that is the replay
 * protection), and revocation marks that stay recorded.  Also the receive
 * settings of the configuration (token/config.h).
 *
 * A received key is a CKK_MCX_KEY with CKA_MCX_RECEIVER_URI; (CKA_MCX_KEY_ID,
 * CKA_MCX_RECEIVER_URI) names it.  CKA_MCX_KEY_ID is an indexed store column,
 * so a lookup costs one indexed find.  Revoking sets CKA_MCX_STATUS, the
 * latch CKA_MCX_REVOKED (applications cannot clear it, attr_policy.c) and
 * clears CKA_DESTROYABLE: a revoked record is never removed short of
 * C_InitToken, so an old message cannot bring its key back.
 *
 * It includes token/internal.h (like ops_mcx_ident.c) because it walks the
 * object tables and rewrites an object's attributes in place.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "token/config.h"
#include "token/internal.h"
#include "token/ops_mcx.h"

/* ---- Configuration ------------------------------------------------------- */

/* Set at C_Initialize under the module lock, read under it. */
static uint64_t cfg_max_age, cfg_max_skew;
static struct mcx_config_gms *cfg_gms;
static size_t cfg_n_gms;

static void gms_free(void)
{
	for (size_t i = 0; i < cfg_n_gms; i++) {
		free(cfg_gms[i].domain);
		free(cfg_gms[i].uri);
	}
	free(cfg_gms);
	cfg_gms = NULL;
	cfg_n_gms = 0;
}

CK_RV mcx_ops_mcx_keystore_configure(const struct mcx_config *cfg)
{
	gms_free();
	cfg_max_age = cfg->mikey_max_age;
	cfg_max_skew = cfg->mikey_max_future_skew;
	if (cfg->n_authorised_gms == 0)
		return CKR_OK;
	cfg_gms = calloc(cfg->n_authorised_gms, sizeof(*cfg_gms));
	if (cfg_gms == NULL)
		return CKR_HOST_MEMORY;
	for (size_t i = 0; i < cfg->n_authorised_gms; i++) {
		cfg_gms[i].domain = strdup(cfg->authorised_gms[i].domain);
		cfg_gms[i].uri = strdup(cfg->authorised_gms[i].uri);
		cfg_n_gms = i + 1;
		if (cfg_gms[i].domain == NULL || cfg_gms[i].uri == NULL) {
			gms_free();
			return CKR_HOST_MEMORY;
		}
	}
	return CKR_OK;
}

__attribute__((destructor)) static void keystore_unload(void)
{
	gms_free();
}

void mcx_ops_mcx_keystore_limits(uint64_t *max_age, uint64_t *max_skew)
{
	*max_age = cfg_max_age;
	*max_skew = cfg_max_skew;
}

const char *mcx_ops_mcx_keystore_gms(const uint8_t *domain, size_t domain_len,
				     size_t i)
{
	for (size_t k = 0; k < cfg_n_gms; k++) {
		const char *d = cfg_gms[k].domain;
		if (strlen(d) != domain_len || memcmp(d, domain, domain_len))
			continue;
		if (i-- == 0)
			return cfg_gms[k].uri;
	}
	return NULL;
}

/* ---- Lookups ------------------------------------------------------------- */

bool mcx_ops_mcx_keystore_revoked(struct mcx_object *obj)
{
	return mcx_object_ulong(obj, CKA_MCX_STATUS, CKS_MCX_ACTIVE) ==
		   CKS_MCX_REVOKED ||
	       mcx_object_bool(obj, CKA_MCX_REVOKED, false);
}

struct collect {
	struct mcx_session *s;
	const CK_ATTRIBUTE *tmpl;
	CK_ULONG n;
	struct mcx_object **out;
	size_t max, count;
};

static void add(struct collect *c, struct mcx_object *obj)
{
	for (size_t i = 0; i < c->count; i++)
		if (c->out[i] == obj)
			return;
	if (c->count >= c->max)
		return;
	obj->refs++;
	c->out[c->count++] = obj;
}

static void session_fn(uint64_t key, void *val, void *arg)
{
	struct collect *c = arg;
	struct mcx_object *obj = val;
	(void)key;
	if (obj->kind == MCX_OBJ_SESSION && mcx_object_visible(c->s, obj) &&
	    mcx_object_matches(obj, c->tmpl, c->n))
		add(c, obj);
}

/* Every object visible to s that matches tmpl (session objects of this
 * process, then the token's), at most max. */
static CK_RV collect(struct mcx_session *s, const CK_ATTRIBUTE *tmpl,
		     CK_ULONG n, struct mcx_object **out, size_t max,
		     size_t *count)
{
	struct collect c = {s, tmpl, n, out, max, 0};
	mcx_store_id *ids = NULL;
	size_t nids = 0;
	CK_RV rv = CKR_OK;

	mcx_hmap_each(&mcx_g.session_objects, session_fn, &c);
	if (s->slot->store != NULL) {
		mcx_object_revalidate_locked(s->slot);
		rv =
		    mcx_store_object_find(s->slot->store, tmpl, n, &ids, &nids);
	}
	for (size_t i = 0; rv == CKR_OK && i < nids && c.count < max; i++) {
		struct mcx_object *obj =
		    mcx_object_for_store_id_locked(s->slot, ids[i]);
		if (obj == NULL) {
			rv = CKR_HOST_MEMORY;
			break;
		}
		/* gone meanwhile (another process): not a match */
		if (mcx_object_load_locked(obj, false) != CKR_OK)
			continue;
		if (mcx_object_visible(s, obj) &&
		    mcx_object_matches(obj, tmpl, n))
			add(&c, obj);
	}
	free(ids);
	if (rv != CKR_OK) {
		for (size_t i = 0; i < c.count; i++)
			mcx_object_put(out[i]);
		c.count = 0;
	}
	*count = c.count;
	return rv;
}

static CK_RV first(struct mcx_session *s, const CK_ATTRIBUTE *tmpl, CK_ULONG n,
		   struct mcx_object **out)
{
	size_t count = 0;
	*out = NULL;
	return collect(s, tmpl, n, out, 1, &count);
}

CK_RV mcx_ops_mcx_keystore_rsk_by_uid(struct mcx_session *s, const uint8_t *uid,
				      size_t uid_len, const void *kms_uri,
				      size_t kms_len, struct mcx_object **out)
{
	CK_OBJECT_CLASS cls = CKO_PRIVATE_KEY;
	CK_KEY_TYPE kt = CKK_MCX_SAKKE;
	CK_ATTRIBUTE t[] = {
	    {CKA_CLASS, &cls, sizeof(cls)},
	    {CKA_KEY_TYPE, &kt, sizeof(kt)},
	    {CKA_MCX_KMS_URI, (void *)kms_uri, kms_len},
	    {CKA_MCX_UID, (void *)uid, uid_len},
	};
	return first(s, t, 4, out);
}

CK_RV mcx_ops_mcx_keystore_rsk_by_uri(struct mcx_session *s, const void *uri,
				      size_t uri_len, const void *kms_uri,
				      size_t kms_len, CK_ULONG period_no,
				      struct mcx_object **out)
{
	CK_OBJECT_CLASS cls = CKO_PRIVATE_KEY;
	CK_KEY_TYPE kt = CKK_MCX_SAKKE;
	CK_ATTRIBUTE t[] = {
	    {CKA_CLASS, &cls, sizeof(cls)},
	    {CKA_KEY_TYPE, &kt, sizeof(kt)},
	    {CKA_MCX_KMS_URI, (void *)kms_uri, kms_len},
	    {CKA_MCX_USER_URI, (void *)uri, uri_len},
	    {CKA_MCX_KEY_PERIOD_NO, &period_no, sizeof(period_no)},
	};
	return first(s, t, 5, out);
}

CK_RV mcx_ops_mcx_keystore_find(struct mcx_session *s, const uint8_t key_id[4],
				const void *receiver, size_t receiver_len,
				struct mcx_object **out, size_t max, size_t *n)
{
	CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	CK_KEY_TYPE kt = CKK_MCX_KEY;
	CK_ATTRIBUTE t[] = {
	    {CKA_CLASS, &cls, sizeof(cls)},
	    {CKA_KEY_TYPE, &kt, sizeof(kt)},
	    {CKA_MCX_KEY_ID, (void *)key_id, 4},
	    {CKA_MCX_RECEIVER_URI, (void *)receiver, receiver_len},
	};
	/* Check and insert in one write transaction (BEGIN IMMEDIATE), the
	 * one the entry point's audit record commits: another process cannot
	 * store the same K-ID in between.  It costs nothing extra, the audit
	 * record needs that transaction anyway. */
	*n = 0;
	if (s->slot->store != NULL) {
		CK_RV rv = mcx_audit_txn_open_locked(s->slot);
		if (rv != CKR_OK)
			return rv;
	}
	return collect(s, t, 4, out, max, n);
}

/* ---- Revocation ---------------------------------------------------------- */

CK_RV mcx_ops_mcx_keystore_revoke(struct mcx_session *s, struct mcx_object *obj)
{
	struct mcx_attrs a = {0};
	CK_ULONG revoked = CKS_MCX_REVOKED;
	CK_BBOOL no = CK_FALSE, yes = CK_TRUE;
	CK_RV rv = CKR_OK;

	if (mcx_object_ulong(obj, CKA_MCX_STATUS, CKS_MCX_ACTIVE) ==
		CKS_MCX_REVOKED &&
	    mcx_object_bool(obj, CKA_MCX_REVOKED, false) &&
	    !mcx_object_bool(obj, CKA_DESTROYABLE, true))
		return CKR_OK;
	if (obj->kind == MCX_OBJ_TOKEN) {
		const void *v = NULL;
		size_t l = 0;
		if (!mcx_session_is_rw(s))
			return CKR_SESSION_READ_ONLY;
		/* the store replaces the whole attribute set: load the
		 * secrets so that the copy carries them */
		rv = mcx_object_attr(obj, CKA_VALUE, &v, &l);
		if (rv != CKR_OK)
			return rv;
	}
	for (size_t i = 0; i < obj->attrs.n && rv == CKR_OK; i++)
		rv = mcx_attrs_set(&a, obj->attrs.v[i].type,
				   obj->attrs.v[i].value, obj->attrs.v[i].len,
				   obj->attrs.v[i].secret);
	if (rv == CKR_OK)
		rv = mcx_attrs_set(&a, CKA_MCX_STATUS, &revoked,
				   sizeof(revoked), false);
	if (rv == CKR_OK)
		rv = mcx_attrs_set(&a, CKA_MCX_REVOKED, &yes, sizeof(yes),
				   false);
	if (rv == CKR_OK)
		rv = mcx_attrs_set(&a, CKA_DESTROYABLE, &no, sizeof(no), false);
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
	mcx_attrs_clear(&a);
	return rv;
}
