/*
 * MCX identity keys (issue 4; TS 33.180 §5.1, MCX-REFERENCE §5.1-5.3):
 * validation of CKK_MCX_SAKKE / CKK_MCX_ECCSI objects when they are
 * created, and the lookup of a KMS's public key object by its URI.
 *
 * A private key is accepted only if the token already holds the public key
 * of its KMS (the KMS certificate: Z_T for SAKKE, KPAK for ECCSI, same
 * CKA_MCX_KMS_URI) and:
 *   - its CKA_MCX_UID equals SHA-256 of the F.2.1 string built from the
 *     user URI, KMS URI, UserKeyPeriod and UserKeyOffset (from the KMS
 *     object) and the key period number (from the key), and
 *   - an RSK passes <[b]P + Z_T, RSK> == g (RFC 6508 §6.1.2), an SSK/PVT
 *     pair passes KPAK == [SSK]G - [HS]PVT (RFC 6507 §5.1.2), b = the UID.
 * The ECCSI HS is stored as CKA_MCX_HS.  This file reads attribute sets
 * and the object cache, hence token/internal.h.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "common/wipe.h"
#include "mechanisms/eccsi.h"
#include "mechanisms/kdf3gpp.h"
#include "mechanisms/sakke.h"
#include "token/internal.h"
#include "token/ops_internal.h"
#include "token/ops_mcx.h"

/* ---- KMS lookup -------------------------------------------------------- */

struct kms_collect {
	struct mcx_session *s; /* NULL: public objects of slot only */
	struct mcx_slot *slot;
	const CK_ATTRIBUTE *tmpl;
	CK_ULONG n;
	struct mcx_object *found;
};

static bool kms_visible(const struct kms_collect *c, struct mcx_object *obj)
{
	if (c->s != NULL)
		return mcx_object_visible(c->s, obj);
	return obj->slot == c->slot && !mcx_object_bool(obj, CKA_PRIVATE, true);
}

static void session_kms_fn(uint64_t key, void *val, void *arg)
{
	(void)key;
	struct kms_collect *c = arg;
	struct mcx_object *obj = val;
	if (c->found != NULL || obj->kind != MCX_OBJ_SESSION ||
	    !kms_visible(c, obj) || !mcx_object_matches(obj, c->tmpl, c->n))
		return;
	obj->refs++;
	c->found = obj;
}

static CK_RV find_kms(struct mcx_session *s, struct mcx_slot *slot,
		      CK_KEY_TYPE kt, const void *kms_uri, size_t kms_uri_len,
		      struct mcx_object **out)
{
	CK_OBJECT_CLASS cls = CKO_PUBLIC_KEY;
	CK_ATTRIBUTE tmpl[] = {
	    {CKA_CLASS, &cls, sizeof(cls)},
	    {CKA_KEY_TYPE, &kt, sizeof(kt)},
	    {CKA_MCX_KMS_URI, (void *)kms_uri, kms_uri_len},
	};
	struct kms_collect c = {s, slot, tmpl, 3, NULL};
	mcx_store_id *ids = NULL;
	size_t nids = 0;
	CK_RV rv = CKR_OK;

	*out = NULL;
	/* token objects first: the certificate normally lives there */
	if (slot->store != NULL) {
		mcx_object_revalidate_locked(slot);
		rv = mcx_store_object_find(slot->store, tmpl, 3, &ids, &nids);
		if (rv != CKR_OK)
			goto out;
	}
	for (size_t i = 0; i < nids && c.found == NULL; i++) {
		struct mcx_object *obj =
		    mcx_object_for_store_id_locked(slot, ids[i]);
		if (obj == NULL) {
			rv = CKR_HOST_MEMORY;
			goto out;
		}
		if (mcx_object_load_locked(obj, false) != CKR_OK)
			continue;
		if (kms_visible(&c, obj) && mcx_object_matches(obj, tmpl, 3)) {
			obj->refs++;
			c.found = obj;
		}
	}
	if (c.found == NULL)
		mcx_hmap_each(&mcx_g.session_objects, session_kms_fn, &c);
	if (c.found == NULL) {
		rv = CKR_MCX_UNKNOWN_KMS;
		goto out;
	}
	/* a revoked KMS certificate anchors nothing (issue 4: Revoked) */
	if (mcx_object_bool(c.found, CKA_MCX_REVOKED, false)) {
		mcx_object_put(c.found);
		rv = CKR_MCX_KEY_REVOKED;
		goto out;
	}
	*out = c.found;
out:
	free(ids);
	return rv;
}

CK_RV mcx_ops_mcx_find_first(struct mcx_session *s, const CK_ATTRIBUTE *tmpl,
			     CK_ULONG n, struct mcx_object **out)
{
	struct kms_collect c = {s, s->slot, tmpl, n, NULL};
	mcx_store_id *ids = NULL;
	size_t nids = 0;
	CK_RV rv = CKR_OK;

	*out = NULL;
	mcx_hmap_each(&mcx_g.session_objects, session_kms_fn, &c);
	if (c.found == NULL && s->slot->store != NULL) {
		mcx_object_revalidate_locked(s->slot);
		rv =
		    mcx_store_object_find(s->slot->store, tmpl, n, &ids, &nids);
	}
	for (size_t i = 0; rv == CKR_OK && i < nids && c.found == NULL; i++) {
		struct mcx_object *obj =
		    mcx_object_for_store_id_locked(s->slot, ids[i]);
		if (obj == NULL) {
			rv = CKR_HOST_MEMORY;
			break;
		}
		if (mcx_object_load_locked(obj, false) != CKR_OK)
			continue;
		if (kms_visible(&c, obj) && mcx_object_matches(obj, tmpl, n)) {
			obj->refs++;
			c.found = obj;
		}
	}
	free(ids);
	if (rv == CKR_OK)
		*out = c.found;
	else
		mcx_object_put(c.found);
	return rv;
}

CK_RV mcx_ops_mcx_find_kms(struct mcx_session *s, CK_KEY_TYPE kt,
			   const void *kms_uri, size_t kms_uri_len,
			   struct mcx_object **out)
{
	return find_kms(s, s->slot, kt, kms_uri, kms_uri_len, out);
}

CK_RV mcx_ops_mcx_find_kms_near(struct mcx_object *near, CK_KEY_TYPE kt,
				const void *kms_uri, size_t kms_uri_len,
				struct mcx_object **out)
{
	return find_kms(NULL, near->slot, kt, kms_uri, kms_uri_len, out);
}

CK_RV mcx_ops_mcx_unique_id(struct mcx_object *obj, uint8_t tag,
			    uint8_t key[33])
{
	const void *v = NULL;
	size_t len = 0;
	CK_RV rv = mcx_object_attr(obj, CKA_UNIQUE_ID, &v, &len);
	if (rv != CKR_OK)
		return rv;
	if (len != 32)
		return CKR_GENERAL_ERROR;
	key[0] = tag;
	memcpy(key + 1, v, 32);
	return CKR_OK;
}

/* ---- Validation -------------------------------------------------------- */

static bool attrs_ulong(const struct mcx_attrs *a, CK_ATTRIBUTE_TYPE t,
			CK_ULONG *v)
{
	const struct mcx_attr *x = mcx_attrs_find(a, t);
	if (x == NULL || x->len != sizeof(*v))
		return false;
	memcpy(v, x->value, sizeof(*v));
	return true;
}

static CK_RV validate_public(CK_KEY_TYPE kt, const struct mcx_attrs *a)
{
	const struct mcx_attr *v = mcx_attrs_find(a, CKA_VALUE);
	const struct mcx_attr *uri = mcx_attrs_find(a, CKA_MCX_KMS_URI);
	enum mcx_mech_err e = MCX_OK;
	CK_ULONG period = 0, offset = 0;

	if (v == NULL || uri == NULL || uri->len == 0)
		return CKR_TEMPLATE_INCOMPLETE;
	if (kt == CKK_MCX_SAKKE) {
		/* the UID of every user of this KMS needs them (F.2.1) */
		if (!attrs_ulong(a, CKA_MCX_USER_KEY_PERIOD, &period) ||
		    !attrs_ulong(a, CKA_MCX_USER_KEY_OFFSET, &offset))
			return CKR_TEMPLATE_INCOMPLETE;
		if (period == 0)
			return CKR_ATTRIBUTE_VALUE_INVALID;
		struct mcx_sakke_kms *kms = NULL;
		e = mcx_sakke_kms_new(v->value, v->len, &kms);
		mcx_sakke_kms_free(kms);
	} else {
		struct mcx_eccsi_kpak *kpak = NULL;
		e = mcx_eccsi_kpak_new(&kpak, v->value, v->len);
		mcx_eccsi_kpak_free(kpak);
	}
	return e == MCX_OK ? CKR_OK : CKR_MCX_KEY_VALIDATION_FAILED;
}

/* UserKeyPeriod / UserKeyOffset of a KMS: from the SAKKE certificate
 * object (where the KMS certificate carries them), else from the ECCSI
 * one. */
static CK_RV kms_period(struct mcx_session *s, const struct mcx_attr *uri,
			CK_ULONG *period, CK_ULONG *offset)
{
	static const CK_KEY_TYPE order[] = {CKK_MCX_SAKKE, CKK_MCX_ECCSI};
	CK_RV rv = CKR_MCX_UNKNOWN_KMS;
	for (size_t i = 0; i < 2; i++) {
		struct mcx_object *k = NULL;
		if (mcx_ops_mcx_find_kms(s, order[i], uri->value, uri->len,
					 &k) != CKR_OK)
			continue;
		*period = mcx_object_ulong(k, CKA_MCX_USER_KEY_PERIOD, 0);
		*offset = mcx_object_ulong(k, CKA_MCX_USER_KEY_OFFSET, 0);
		mcx_object_put(k);
		if (*period != 0)
			return CKR_OK;
	}
	return rv;
}

/* CKA_MCX_UID is the F.2.1 UID (32 octets), or, for keys of a KMS that
 * uses the UID's 64-character hex text as the SAKKE/ECCSI identifier
 * (MCX-REFERENCE §6.3; the admin tool's logged `kms import --uid-as-text`),
 * exactly that text in either case.  The value is then the identifier the
 * key validates and works with. */
static bool uid_matches(const struct mcx_attr *uid,
			const uint8_t want[MCX_KDF3GPP_UID_LEN])
{
	static const char digits[] = "0123456789abcdef";
	unsigned diff = 0;

	if (uid->len == MCX_KDF3GPP_UID_LEN)
		return CRYPTO_memcmp(uid->value, want, MCX_KDF3GPP_UID_LEN) ==
		       0;
	if (uid->len != 2 * MCX_KDF3GPP_UID_LEN)
		return false;
	for (size_t i = 0; i < uid->len; i++) {
		uint8_t c = ((const uint8_t *)uid->value)[i];
		uint8_t nib = i % 2 == 0 ? want[i / 2] >> 4 : want[i / 2] & 15;

		/* upper-case hex letters compare as lower-case */
		if (c >= 'A' && c <= 'F')
			c = (uint8_t)(c - 'A' + 'a');
		diff |= (unsigned)(c ^ (uint8_t)digits[nib]);
	}
	return diff == 0;
}

static void kms_free(void *p)
{
	mcx_sakke_kms_free(p);
}

/* The KMS's parsed Z_T from the engine cache, shared with CKM_MCX_SAKKE
 * (tag 'Z', ops_mcx_sakke.c), so that importing many RSKs parses and
 * order-checks Z_T once (issue 4 import rate); *ent NULL: not cached, the
 * caller frees *out. */
static enum mcx_mech_err kms_cached(struct mcx_object *obj, const void *v,
				    size_t len, struct mcx_sakke_kms **out,
				    struct mcx_ops_mcx_entry **ent)
{
	uint8_t key[33];
	struct mcx_sakke_kms *kms = NULL;
	enum mcx_mech_err e = MCX_OK;

	*ent = NULL;
	if (mcx_ops_mcx_unique_id(obj, 'Z', key) != CKR_OK)
		return mcx_sakke_kms_new(v, len, out);
	*out = mcx_ops_mcx_cache_get(key, sizeof(key), ent);
	if (*out != NULL)
		return MCX_OK;
	e = mcx_sakke_kms_new(v, len, &kms);
	if (e != MCX_OK)
		return e;
	*out = mcx_ops_mcx_cache_put(key, sizeof(key), kms, kms_free, ent);
	return *out != NULL ? MCX_OK : MCX_ERR_NOMEM;
}

static CK_RV validate_private(struct mcx_session *s, CK_KEY_TYPE kt,
			      struct mcx_attrs *a)
{
	const struct mcx_attr *v = mcx_attrs_find(a, CKA_VALUE);
	const struct mcx_attr *uri = mcx_attrs_find(a, CKA_MCX_USER_URI);
	const struct mcx_attr *kms_uri = mcx_attrs_find(a, CKA_MCX_KMS_URI);
	const struct mcx_attr *uid = mcx_attrs_find(a, CKA_MCX_UID);
	const struct mcx_attr *pvt = mcx_attrs_find(a, CKA_MCX_PVT);
	CK_ULONG period_no = 0, period = 0, offset = 0;
	uint8_t want[MCX_KDF3GPP_UID_LEN] = {0};
	uint8_t hs[MCX_ECCSI_HS_LEN] = {0};
	struct mcx_object *kms_obj = NULL;
	struct mcx_sakke_kms *kms = NULL;
	struct mcx_ops_mcx_entry *kms_ent = NULL;
	struct mcx_sakke_rsk *rsk = NULL;
	struct mcx_eccsi_kpak *kpak = NULL;
	struct mcx_eccsi_signer *signer = NULL;
	const void *kv = NULL;
	size_t kv_len = 0;
	enum mcx_mech_err e = MCX_OK;
	CK_RV rv = CKR_OK;

	if (v == NULL || uri == NULL || kms_uri == NULL || uid == NULL ||
	    !attrs_ulong(a, CKA_MCX_KEY_PERIOD_NO, &period_no) ||
	    (kt == CKK_MCX_ECCSI && pvt == NULL))
		return CKR_TEMPLATE_INCOMPLETE;
	rv =
	    mcx_ops_mcx_find_kms(s, kt, kms_uri->value, kms_uri->len, &kms_obj);
	if (rv != CKR_OK)
		goto out;
	rv = kms_period(s, kms_uri, &period, &offset);
	if (rv != CKR_OK)
		goto out;
	/* F.2.1: the UID is a function of the identity, never trusted */
	e = mcx_kdf3gpp_uid(uri->value, uri->len, kms_uri->value, kms_uri->len,
			    period, offset, period_no, want);
	if (e != MCX_OK) {
		rv = mcx_ops_mech_ckr(e);
		goto out;
	}
	if (!uid_matches(uid, want)) {
		rv = CKR_MCX_UID_MISMATCH;
		goto out;
	}
	rv = mcx_object_attr(kms_obj, CKA_VALUE, &kv, &kv_len);
	if (rv != CKR_OK)
		goto out;
	if (kt == CKK_MCX_SAKKE) {
		e = kms_cached(kms_obj, kv, kv_len, &kms, &kms_ent);
		if (e == MCX_OK)
			e = mcx_sakke_rsk_new(v->value, v->len, &rsk);
		if (e == MCX_OK)
			e = mcx_sakke_rsk_validate(rsk, kms, uid->value,
						   uid->len);
	} else {
		e = mcx_eccsi_kpak_new(&kpak, kv, kv_len);
		if (e == MCX_OK)
			e = mcx_eccsi_signer_new(&signer, kpak, uid->value,
						 uid->len, v->value, v->len,
						 pvt->value, pvt->len);
		if (e == MCX_OK)
			memcpy(hs, mcx_eccsi_signer_hs(signer), sizeof(hs));
	}
	if (e != MCX_OK) {
		rv = e == MCX_ERR_NOMEM ? CKR_HOST_MEMORY
					: CKR_MCX_KEY_VALIDATION_FAILED;
		goto out;
	}
	if (kt == CKK_MCX_ECCSI)
		rv = mcx_attrs_set(a, CKA_MCX_HS, hs, sizeof(hs), false);
out:
	mcx_eccsi_signer_free(signer);
	mcx_eccsi_kpak_free(kpak);
	mcx_sakke_rsk_free(rsk);
	if (kms_ent != NULL)
		mcx_ops_mcx_cache_release(kms_ent);
	else
		mcx_sakke_kms_free(kms);
	mcx_object_put(kms_obj);
	mcx_wipe(hs, sizeof(hs));
	return rv;
}

CK_RV mcx_ops_mcx_validate_identity(struct mcx_session *s, CK_OBJECT_CLASS cls,
				    struct mcx_attrs *a)
{
	CK_ULONG kt = 0;
	if ((cls != CKO_PUBLIC_KEY && cls != CKO_PRIVATE_KEY) ||
	    !attrs_ulong(a, CKA_KEY_TYPE, &kt) ||
	    (kt != CKK_MCX_SAKKE && kt != CKK_MCX_ECCSI))
		return CKR_OK;
	if (cls == CKO_PUBLIC_KEY)
		return validate_public(kt, a);
	/* a KMS master secret (ops_mcx_kms.c) has no user identity */
	const struct mcx_attr *ks = mcx_attrs_find(a, CKA_MCX_KMS_SECRET);
	if (ks != NULL && ks->len == sizeof(CK_BBOOL) &&
	    ks->value[0] == CK_TRUE)
		return mcx_ops_mcx_kms_validate_secret(kt, a);
	return validate_private(s, kt, a);
}
