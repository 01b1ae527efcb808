/*
 * CKM_MCX_MIKEY_SAKKE, C_UnwrapKey: receive a signed MIKEY-SAKKE I_MESSAGE
 * (RFC 6509, TS 33.180 5.2 and Annex E; MCX-REFERENCE §4, §5, decisions a,
 * d, e, g) into a CKK_MCX_KEY object.  The steps, in this order, each
 * refusal with its own CKR and nothing stored (the entry point audits):
 *
 *   1. strict decode (CKR_MCX_MESSAGE_MALFORMED; a GE type 7 not in the
 *      Rel-17 protected form: CKR_MCX_PARAMETERS_INVALID)
 *   2. T against the evaluation time: maximum age and future skew from
 *      CK_MCX_MIKEY_RECEIVE_PARAMS, else the configuration, else off
 *      (CKR_MCX_MESSAGE_TOO_OLD, CKR_MCX_MESSAGE_IN_FUTURE)
 *   3. the receiver's RSK (decision g): by the UID of IDRuidr when the
 *      message hides identities, else by the IDRr URI, the IDRkmsr KMS and
 *      the key period containing T (CKR_MCX_NO_RECEIVER_KEY).  An RSK named
 *      by the caller must be that key: CKR_MCX_UID_MISMATCH otherwise (the
 *      handle is valid, the message is not for it)
 *   4. the sender: the KPAK of IDRkmsi (CKR_MCX_UNKNOWN_KMS); its ECCSI ID
 *      is the UID of IDRuidi, or the F.2.1 UID of the IDRi URI under that
 *      KMS for the key period containing T
 *   5. mcx_mikey_receive: signature (CKR_MCX_SIGNATURE_INVALID), SAKKE
 *      decapsulation with the re-encapsulation check
 *      (CKR_MCX_DECAPSULATION_FAILED), K-ID from the UK-ID, key parameters
 *      (CKR_MCX_PARAMETERS_INVALID)
 *   6. the sender is authorised for every MC group ID of the parameters
 *      (CKR_MCX_SENDER_NOT_AUTHORISED): a group ID `descriptor@gms-uri`
 *      names its GMS; the sender must be that GMS or be configured for the
 *      group's domain (`authorised_gms = DOMAIN URI`, the domain being the
 *      text after the group ID's last '@').  Checked before the registry so
 *      an unauthorised sender learns nothing of the keys held.
 *   7. the K-ID registry (ops_mcx_keystore.c): an active key whose K-ID the
 *      receiver already holds, active or revoked, is a replay
 *      (CKR_MCX_DUPLICATE_KEY_ID).  A revoked status marks the held key
 *      revoked and returns it, or records a revoked key for a K-ID not seen
 *      yet; a held key with that K-ID but another value is not revoked by
 *      it (CKR_MCX_DUPLICATE_KEY_ID: the K-ID is taken).
 *   8. the key object: sensitive, CKA_CHECK_VALUE, CKA_MCX_KEY_PURPOSE from
 *      the K-ID, the K-ID, UK-ID, status, times, text, group IDs, sender
 *      (when known: IDRi, or the GMS URI whose UID matched IDRuidi in step
 *      6) and receiver (the RSK's user URI); the template adds label, id,
 *      CKA_TOKEN, CKA_EXTRACTABLE (needed to re-send it, partner GMS).
 *
 * Engine state comes from the caches (ops_mcx_cache.c): the RSK with its
 * pairing table, the receiver KMS, the KPAK, and one ECCSI verifier per
 * (KPAK, sender ID) with Y = [HS]PVT + KPAK ('V' key, shared with
 * CKM_MCX_ECCSI), entered only after a signature verified with it.
 *
 * Step 5 runs without the module lock (mcx_session_unlock_begin), so that
 * threads receive in parallel; steps 7-8 run locked and inside the store's
 * write transaction that the audit record commits, so that the duplicate
 * check and the insert are atomic across threads and processes (session
 * objects of other processes are not visible: their duplicates are not
 * seen).
 */
#include "config.h"

#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/wipe.h"
#include "mechanisms/eccsi.h"
#include "mechanisms/kdf3gpp.h"
#include "mechanisms/mikey.h"
#include "mechanisms/sakke.h"
#include "token/ops_internal.h"
#include "token/ops_mcx.h"

/* A MIKEY I_MESSAGE is under 1 KiB plus text and group IDs. */
#define MSG_MAX	   65536
#define UID_LEN	   MCX_KDF3GPP_UID_LEN
#define MAX_ID_LEN 96 /* the verifier cache key fits its 160 octets */
#define MAX_HELD   8  /* received keys with one K-ID we look at */
#define GROUPS_MAX (MCX_MIKEY_MAX_GROUPS * (2 + 256))
#define N_IMPLIED  20

struct rx {
	struct mcx_session *s;
	struct mcx_mikey_msg msg;
	CK_MCX_MIKEY_RECEIVE_PARAMS p;
	uint64_t t_ntp; /* seconds since 1900 */
	const struct mcx_mikey_idr *idri, *idrr, *uidi, *uidr, *kmsi, *kmsr;
	struct mcx_object *rsk_obj, *zt_obj, *kpak_obj;
	/* the sender KMS's UserKeyPeriod/Offset when its KPAK object lacks
	 * them: its Z_T object (a KMS certificate imported as two keys) */
	struct mcx_object *period_obj;
	/* the RSK's identity, copied: the crypto runs without the module
	 * lock, when the object's attributes may be reloaded */
	uint8_t *own_uri;
	size_t own_uri_len;
	uint8_t own_uid[UID_LEN];
	uint8_t sender_uid[UID_LEN];
	const uint8_t *sender_id;
	size_t sender_id_len;
	const uint8_t *sender_uri; /* NULL: unknown (hidden identities) */
	size_t sender_uri_len;
	struct mcx_mikey_received got; /* secret: wiped */
	uint8_t groups[GROUPS_MAX];    /* CKA_MCX_GROUP_IDS encoding */
	size_t groups_len;
};

static CK_RV read_params(const CK_MECHANISM *mech,
			 CK_MCX_MIKEY_RECEIVE_PARAMS *p)
{
	uint64_t age = 0, skew = 0;
	memset(p, 0, sizeof(*p));
	if (mech->pParameter != NULL) {
		if (mech->ulParameterLen != sizeof(*p))
			return CKR_MECHANISM_PARAM_INVALID;
		memcpy(p, mech->pParameter, sizeof(*p));
	} else if (mech->ulParameterLen != 0) {
		return CKR_MECHANISM_PARAM_INVALID;
	}
	/* decision g: the caller's limits, else the configured ones */
	mcx_ops_mcx_keystore_limits(&age, &skew);
	if (p->ulMaxAge == 0)
		p->ulMaxAge = (CK_ULONG)age;
	if (p->ulMaxFutureSkew == 0)
		p->ulMaxFutureSkew = (CK_ULONG)skew;
	if (p->ulEvaluationTime == 0)
		p->ulEvaluationTime = (CK_ULONG)time(NULL);
	return CKR_OK;
}

/* Step 1: decode, and find the identities of decision g. */
static CK_RV decode(struct rx *r, const CK_BYTE *in, CK_ULONG in_len)
{
	if (in_len == 0 || in_len > MSG_MAX)
		return CKR_WRAPPED_KEY_LEN_RANGE;
	enum mcx_mech_err e = mcx_mikey_decode(in, in_len, &r->msg);
	if (e == MCX_ERR_PARAMS_FORMAT)
		return CKR_MCX_PARAMETERS_INVALID;
	if (e == MCX_ERR_NOMEM)
		return CKR_HOST_MEMORY;
	if (e != MCX_OK)
		return CKR_MCX_MESSAGE_MALFORMED;
	r->idri = mcx_mikey_find_idr(&r->msg, MCX_MIKEY_ROLE_I);
	r->idrr = mcx_mikey_find_idr(&r->msg, MCX_MIKEY_ROLE_R);
	r->uidi = mcx_mikey_find_idr(&r->msg, MCX_MIKEY_ROLE_UIDI);
	r->uidr = mcx_mikey_find_idr(&r->msg, MCX_MIKEY_ROLE_UIDR);
	r->kmsi = mcx_mikey_find_idr(&r->msg, MCX_MIKEY_ROLE_KMSI);
	r->kmsr = mcx_mikey_find_idr(&r->msg, MCX_MIKEY_ROLE_KMSR);
	/* TS 33.180 E.1.2: both parties and both KMSs are mandatory */
	if ((r->idri == NULL && r->uidi == NULL) ||
	    (r->idrr == NULL && r->uidr == NULL) || r->kmsi == NULL ||
	    r->kmsr == NULL || r->kmsi->id_len == 0 || r->kmsr->id_len == 0 ||
	    (r->uidi != NULL && r->uidi->id_len != UID_LEN) ||
	    (r->uidr != NULL && r->uidr->id_len != UID_LEN) ||
	    (r->idri != NULL && r->idri->id_len == 0) ||
	    (r->idrr != NULL && r->idrr->id_len == 0))
		return CKR_MCX_MESSAGE_MALFORMED;
	if ((r->msg.csb_id >> 28) > CKP_MCX_MUSIK)
		return CKR_MCX_MESSAGE_MALFORMED; /* no such purpose tag */
	r->t_ntp = r->msg.ts >> 32;
	return CKR_OK;
}

/* Step 2 (decision g): never judged against the wall clock unless asked. */
static CK_RV judge_time(const struct rx *r)
{
	uint64_t t = mcx_mikey_unix_from_ntp(r->msg.ts);
	uint64_t now = r->p.ulEvaluationTime;
	if (r->p.ulMaxAge != 0 && now > t && now - t > r->p.ulMaxAge)
		return CKR_MCX_MESSAGE_TOO_OLD;
	if (r->p.ulMaxFutureSkew != 0 && t > now &&
	    t - now > r->p.ulMaxFutureSkew)
		return CKR_MCX_MESSAGE_IN_FUTURE;
	return CKR_OK;
}

static bool attr_is(struct mcx_object *obj, CK_ATTRIBUTE_TYPE t, const void *v,
		    size_t len)
{
	const void *a = NULL;
	size_t l = 0;
	return mcx_object_attr(obj, t, &a, &l) == CKR_OK && l == len &&
	       (len == 0 || memcmp(a, v, len) == 0);
}

/* The key period of KMS object kms containing T (F.2.1 P5). */
static CK_RV period_of(const struct rx *r, struct mcx_object *kms,
		       CK_ULONG *period, CK_ULONG *offset, CK_ULONG *no)
{
	uint64_t n = 0;
	*period = mcx_object_ulong(kms, CKA_MCX_USER_KEY_PERIOD, 0);
	*offset = mcx_object_ulong(kms, CKA_MCX_USER_KEY_OFFSET, 0);
	if (*period == 0)
		return CKR_MCX_UNKNOWN_KMS; /* no certificate parameters */
	if (mcx_kdf3gpp_key_period_no(r->t_ntp, *period, *offset, &n) != MCX_OK)
		return CKR_MCX_KEY_PERIOD_INVALID;
	*no = (CK_ULONG)n;
	return CKR_OK;
}

/* Step 3: the receiver's RSK and KMS. */
static CK_RV receiver_key(struct mcx_session *s, struct rx *r,
			  struct mcx_object *given)
{
	CK_ULONG period = 0, offset = 0, no = 0;
	const uint8_t *kms = r->kmsr->id;
	size_t kms_len = r->kmsr->id_len;
	CK_RV rv = CKR_OK;

	if (given != NULL && (mcx_object_class(given) != CKO_PRIVATE_KEY ||
			      mcx_object_key_type(given) != CKK_MCX_SAKKE))
		return CKR_UNWRAPPING_KEY_TYPE_INCONSISTENT;
	if (r->uidr == NULL) {
		/* by URI: the receiver's KMS gives the key period */
		rv = mcx_ops_mcx_find_kms(s, CKK_MCX_SAKKE, kms, kms_len,
					  &r->zt_obj);
		if (rv == CKR_MCX_UNKNOWN_KMS)
			return CKR_MCX_NO_RECEIVER_KEY;
		if (rv == CKR_OK)
			rv = period_of(r, r->zt_obj, &period, &offset, &no);
		if (rv == CKR_MCX_UNKNOWN_KMS)
			rv = CKR_MCX_NO_RECEIVER_KEY;
		if (rv != CKR_OK)
			return rv;
	}
	if (given != NULL) {
		bool ok = attr_is(given, CKA_MCX_KMS_URI, kms, kms_len);
		if (r->uidr != NULL)
			ok = ok && attr_is(given, CKA_MCX_UID, r->uidr->id,
					   r->uidr->id_len);
		else
			ok = ok &&
			     attr_is(given, CKA_MCX_USER_URI, r->idrr->id,
				     r->idrr->id_len) &&
			     mcx_object_ulong(given, CKA_MCX_KEY_PERIOD_NO,
					      (CK_ULONG)-1) == no;
		if (!ok)
			return CKR_MCX_UID_MISMATCH;
		r->rsk_obj = given;
	} else {
		if (r->uidr != NULL)
			rv = mcx_ops_mcx_keystore_rsk_by_uid(
			    s, r->uidr->id, r->uidr->id_len, kms, kms_len,
			    &r->rsk_obj);
		else
			rv = mcx_ops_mcx_keystore_rsk_by_uri(
			    s, r->idrr->id, r->idrr->id_len, kms, kms_len, no,
			    &r->rsk_obj);
		if (rv != CKR_OK)
			return rv;
		if (r->rsk_obj == NULL)
			return CKR_MCX_NO_RECEIVER_KEY;
		/* the caller's RSK passed these in C_UnwrapKey */
		rv = mcx_object_check_use(r->rsk_obj, CKA_UNWRAP,
					  CKM_MCX_MIKEY_SAKKE);
		if (rv != CKR_OK)
			return rv;
	}
	const void *uri = NULL, *uid = NULL;
	size_t uid_len = 0;
	rv = mcx_object_attr(r->rsk_obj, CKA_MCX_USER_URI, &uri,
			     &r->own_uri_len);
	if (rv == CKR_OK)
		rv = mcx_object_attr(r->rsk_obj, CKA_MCX_UID, &uid, &uid_len);
	if (rv == CKR_ATTRIBUTE_TYPE_INVALID ||
	    (rv == CKR_OK && (uid_len != UID_LEN || r->own_uri_len == 0)))
		rv = CKR_UNWRAPPING_KEY_TYPE_INCONSISTENT;
	if (rv == CKR_OK) {
		memcpy(r->own_uid, uid, UID_LEN);
		r->own_uri = malloc(r->own_uri_len);
		if (r->own_uri == NULL)
			rv = CKR_HOST_MEMORY;
		else
			memcpy(r->own_uri, uri, r->own_uri_len);
	}
	if (rv == CKR_OK && r->zt_obj == NULL)
		rv = mcx_ops_mcx_find_kms(s, CKK_MCX_SAKKE, kms, kms_len,
					  &r->zt_obj);
	if (rv == CKR_MCX_UNKNOWN_KMS)
		rv = CKR_MCX_NO_RECEIVER_KEY;
	return rv;
}

/* The F.2.1 UID of uri under the sender's KMS for the period of T.  The
 * KMS's UserKeyPeriod/Offset are on its KPAK object, or else on its Z_T
 * object (a KMS certificate imported as two keys), looked up once. */
static CK_RV sender_uid_of(struct rx *r, const uint8_t *uri, size_t uri_len,
			   uint8_t uid[UID_LEN])
{
	CK_ULONG period = 0, offset = 0, no = 0;
	CK_RV rv = CKR_OK;
	if (r->period_obj == NULL &&
	    mcx_object_ulong(r->kpak_obj, CKA_MCX_USER_KEY_PERIOD, 0) == 0)
		rv = mcx_ops_mcx_find_kms(r->s, CKK_MCX_SAKKE, r->kmsi->id,
					  r->kmsi->id_len, &r->period_obj);
	if (rv == CKR_OK)
		rv = period_of(r, r->period_obj ? r->period_obj : r->kpak_obj,
			       &period, &offset, &no);
	if (rv != CKR_OK)
		return rv;
	return mcx_ops_mech_ckr(mcx_kdf3gpp_uid(uri, uri_len, r->kmsi->id,
						r->kmsi->id_len, period, offset,
						no, uid));
}

/* Step 4: the sender's KPAK and ECCSI identifier. */
static CK_RV sender(struct mcx_session *s, struct rx *r)
{
	CK_RV rv = mcx_ops_mcx_find_kms(s, CKK_MCX_ECCSI, r->kmsi->id,
					r->kmsi->id_len, &r->kpak_obj);
	if (rv != CKR_OK)
		return rv;
	if (mcx_ops_mcx_keystore_revoked(r->kpak_obj))
		return CKR_MCX_KEY_REVOKED;
	if (r->uidi != NULL) {
		r->sender_id = r->uidi->id;
		r->sender_id_len = r->uidi->id_len;
		return CKR_OK;
	}
	r->sender_uri = r->idri->id;
	r->sender_uri_len = r->idri->id_len;
	rv = sender_uid_of(r, r->idri->id, r->idri->id_len, r->sender_uid);
	r->sender_id = r->sender_uid;
	r->sender_id_len = UID_LEN;
	return rv;
}

static void verifier_free(void *p)
{
	mcx_eccsi_verifier_free(p);
}

/* The CK_RV of a failed mcx_mikey_receive: its steps share some error
 * values (an ECCSI PVT and a SAKKE R both fail as MCX_ERR_ENCODING), so a
 * failure is first checked against the signature alone. */
static CK_RV receive_ckr(struct rx *r, struct mcx_eccsi_kpak *kpak,
			 enum mcx_mech_err e)
{
	switch (e) {
	case MCX_ERR_NOMEM:
		return CKR_HOST_MEMORY;
	case MCX_ERR_CRYPTO:
	case MCX_ERR_ARGUMENT:
		return CKR_FUNCTION_FAILED;
	case MCX_ERR_RANDOM:
		return CKR_DEVICE_ERROR;
	default:
		break;
	}
	if (mcx_eccsi_verify(kpak, r->sender_id, r->sender_id_len, r->msg.msg,
			     r->msg.signed_len, r->msg.sig,
			     r->msg.sig_len) != MCX_OK)
		return CKR_MCX_SIGNATURE_INVALID;
	switch (e) {
	case MCX_ERR_PARAMS:
	case MCX_ERR_PARAMS_FORMAT:
	case MCX_ERR_KEY_ID:
		return CKR_MCX_PARAMETERS_INVALID;
	case MCX_ERR_IDENTITY:
		return CKR_MCX_UID_MISMATCH;
	default:
		/* RFC 6508 §6.2.2: R not a point, or the check failed */
		return CKR_MCX_DECAPSULATION_FAILED;
	}
}

/* Step 5: the cryptographic steps of mechanisms/mikey_receive.c. */
static CK_RV crypto(struct rx *r)
{
	struct mcx_ops_mcx_entry *kent = NULL, *zent = NULL, *rent = NULL,
				 *vent = NULL;
	struct mcx_eccsi_kpak *kpak = NULL;
	struct mcx_sakke_kms *kms = NULL;
	struct mcx_sakke_rsk *rsk = NULL;
	struct mcx_eccsi_verifier *v = NULL, *fresh = NULL;
	uint8_t vkey[33 + MAX_ID_LEN];
	CK_RV rv = CKR_OK;

	if (r->sender_id_len > MAX_ID_LEN)
		return CKR_MCX_MESSAGE_MALFORMED;
	rv = mcx_ops_mcx_eccsi_kpak_get(r->kpak_obj, &kpak, &kent);
	if (rv == CKR_OK)
		rv = mcx_ops_mcx_sakke_kms_get(r->zt_obj, &kms, &zent);
	if (rv == CKR_OK)
		rv = mcx_ops_mcx_sakke_rsk_get(r->rsk_obj, &rsk, &rent);
	if (rv == CKR_OK)
		rv = mcx_ops_mcx_unique_id(r->kpak_obj, 'V', vkey);
	if (rv != CKR_OK)
		goto out;
	memcpy(vkey + 33, r->sender_id, r->sender_id_len);
	v = mcx_ops_mcx_cache_get(vkey, 33 + r->sender_id_len, &vent);
	if (v == NULL) {
		/* a sender seen for the first time: Y from the PVT in its
		 * signature (r || s || PVT), cached once it verified */
		enum mcx_mech_err e = mcx_eccsi_verifier_new(
		    &fresh, kpak, r->sender_id, r->sender_id_len,
		    r->msg.sig + 2 * MCX_ECCSI_N, MCX_ECCSI_POINT_LEN);
		if (e != MCX_OK) {
			rv = e == MCX_ERR_NOMEM ? CKR_HOST_MEMORY
						: CKR_MCX_SIGNATURE_INVALID;
			goto out;
		}
		v = fresh;
	}
	struct mcx_mikey_receiver rcv = {
	    .kpak = kpak,
	    .sender_id = r->sender_id,
	    .sender_id_len = r->sender_id_len,
	    .verifier = v,
	    .kms = kms,
	    .rsk = rsk,
	    .own_uid = r->own_uid,
	    .own_uid_len = UID_LEN,
	    .own_uri = r->own_uri,
	    .own_uri_len = r->own_uri_len,
	};
	/* the math runs without the module lock (session.h): everything it
	 * reads is the message, copies in r, and cache entries we hold */
	mcx_session_unlock_begin(r->s);
	enum mcx_mech_err e = mcx_mikey_receive(&r->msg, &rcv, &r->got);
	if (e != MCX_OK)
		rv = receive_ckr(r, kpak, e);
	mcx_session_unlock_end(r->s);
	if (rv != CKR_OK)
		goto out;
	if (fresh != NULL) {
		/* adopted by the cache (freed there if it fails) */
		(void)mcx_ops_mcx_cache_put(vkey, 33 + r->sender_id_len, fresh,
					    verifier_free, &vent);
		fresh = NULL;
	}
out:
	mcx_eccsi_verifier_free(fresh);
	mcx_ops_mcx_cache_release(vent);
	mcx_ops_mcx_cache_release(rent);
	mcx_ops_mcx_cache_release(zent);
	mcx_ops_mcx_cache_release(kent);
	return rv;
}

/* ---- Step 6: authorisation ------------------------------------------- */

static bool same(const uint8_t *a, size_t alen, const void *b, size_t blen)
{
	return alen == blen && memcmp(a, b, alen) == 0;
}

/* Is candidate the sender?  By URI when the message names it (also with
 * the URI's scheme left out of the group ID: "sip:gms@x" for "gms@x"),
 * else by its UID against IDRuidi (E.7). */
static CK_RV is_sender(struct rx *r, const uint8_t *cand, size_t len, bool *yes)
{
	uint8_t uid[UID_LEN];
	*yes = false;
	if (len == 0)
		return CKR_OK;
	if (r->sender_uri != NULL) {
		const uint8_t *u = r->sender_uri;
		size_t ul = r->sender_uri_len;
		const uint8_t *colon = memchr(u, ':', ul);
		*yes =
		    same(u, ul, cand, len) ||
		    (colon != NULL && memchr(cand, ':', len) == NULL &&
		     same(colon + 1, ul - (size_t)(colon + 1 - u), cand, len));
		return CKR_OK;
	}
	CK_RV rv = sender_uid_of(r, cand, len, uid);
	if (rv != CKR_OK)
		return rv;
	*yes = CRYPTO_memcmp(uid, r->sender_id, UID_LEN) == 0;
	if (*yes) {
		r->sender_uri = cand;
		r->sender_uri_len = len;
	}
	return CKR_OK;
}

static CK_RV authorised_for(struct rx *r, const uint8_t *g, size_t len)
{
	const uint8_t *at = memchr(g, '@', len), *last = NULL;
	bool yes = false;
	CK_RV rv = CKR_OK;

	if (at == NULL)
		return CKR_MCX_SENDER_NOT_AUTHORISED; /* names no GMS */
	for (const uint8_t *p = at; p != NULL;
	     p = memchr(p + 1, '@', len - (size_t)(p + 1 - g)))
		last = p;
	/* the GMS named in the group ID */
	rv = is_sender(r, at + 1, len - (size_t)(at + 1 - g), &yes);
	/* or one configured for the group's domain */
	const uint8_t *dom = last + 1;
	size_t dom_len = len - (size_t)(dom - g);
	for (size_t i = 0; rv == CKR_OK && !yes; i++) {
		const char *uri = mcx_ops_mcx_keystore_gms(dom, dom_len, i);
		if (uri == NULL)
			break;
		rv = is_sender(r, (const uint8_t *)uri, strlen(uri), &yes);
	}
	if (rv == CKR_OK && !yes)
		rv = CKR_MCX_SENDER_NOT_AUTHORISED;
	return rv;
}

static CK_RV authorise(struct rx *r)
{
	const struct mcx_mikey_keyparams *kp = &r->got.params;
	if (!r->got.has_params || !kp->has_groups)
		return CKR_OK;
	for (size_t i = 0; i < kp->n_groups; i++) {
		const struct mcx_mikey_group_id *g = &kp->groups[i];
		CK_RV rv = authorised_for(r, g->id, g->len);
		if (rv != CKR_OK)
			return rv;
		if (r->groups_len + 2 + g->len > sizeof(r->groups))
			return CKR_MCX_PARAMETERS_INVALID;
		r->groups[r->groups_len++] = (uint8_t)(g->len >> 8);
		r->groups[r->groups_len++] = (uint8_t)g->len;
		memcpy(r->groups + r->groups_len, g->id, g->len);
		r->groups_len += g->len;
	}
	return CKR_OK;
}

/* ---- Steps 7 and 8: registry and key object ------------------------------ */

static CK_RV create(struct mcx_session *s, const CK_MECHANISM *mech,
		    struct rx *r, bool revoked, const CK_ATTRIBUTE *tmpl,
		    CK_ULONG n, CK_OBJECT_HANDLE *key)
{
	CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	CK_KEY_TYPE kt = CKK_MCX_KEY;
	CK_ULONG len = MCX_MIKEY_KEY_LEN, purpose = r->got.key_id >> 28;
	CK_ULONG status = revoked ? CKS_MCX_REVOKED : CKS_MCX_ACTIVE;
	CK_ULONG act = (CK_ULONG)r->got.params.activation;
	CK_ULONG exp = (CK_ULONG)r->got.params.expiry;
	CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
	uint8_t kid[4], ukid[4];
	CK_ATTRIBUTE im[N_IMPLIED];
	CK_ULONG k = 0;
	struct mcx_key_spec spec;

	for (int i = 0; i < 4; i++) {
		kid[i] = (uint8_t)(r->got.key_id >> (24 - 8 * i));
		ukid[i] = (uint8_t)(r->got.uk_id >> (24 - 8 * i));
	}
	im[k++] = (CK_ATTRIBUTE){CKA_CLASS, &cls, sizeof(cls)};
	im[k++] = (CK_ATTRIBUTE){CKA_KEY_TYPE, &kt, sizeof(kt)};
	im[k++] = (CK_ATTRIBUTE){CKA_VALUE, r->got.key, MCX_MIKEY_KEY_LEN};
	im[k++] = (CK_ATTRIBUTE){CKA_VALUE_LEN, &len, sizeof(len)};
	im[k++] = (CK_ATTRIBUTE){CKA_SENSITIVE, &yes, sizeof(yes)};
	im[k++] =
	    (CK_ATTRIBUTE){CKA_MCX_KEY_PURPOSE, &purpose, sizeof(purpose)};
	im[k++] = (CK_ATTRIBUTE){CKA_MCX_KEY_ID, kid, 4};
	im[k++] = (CK_ATTRIBUTE){CKA_MCX_UK_ID, ukid, 4};
	im[k++] = (CK_ATTRIBUTE){CKA_MCX_STATUS, &status, sizeof(status)};
	im[k++] = (CK_ATTRIBUTE){CKA_MCX_ACTIVATION, &act, sizeof(act)};
	im[k++] = (CK_ATTRIBUTE){CKA_MCX_EXPIRY, &exp, sizeof(exp)};
	im[k++] = (CK_ATTRIBUTE){CKA_MCX_RECEIVER_URI, (void *)r->own_uri,
				 r->own_uri_len};
	if (r->got.has_params && r->got.params.text_len > 0)
		im[k++] =
		    (CK_ATTRIBUTE){CKA_MCX_TEXT, (void *)r->got.params.text,
				   r->got.params.text_len};
	if (r->groups_len > 0)
		im[k++] =
		    (CK_ATTRIBUTE){CKA_MCX_GROUP_IDS, r->groups, r->groups_len};
	if (r->sender_uri != NULL)
		im[k++] =
		    (CK_ATTRIBUTE){CKA_MCX_SENDER_URI, (void *)r->sender_uri,
				   r->sender_uri_len};
	if (revoked) {
		/* decision g: a revoked record stays */
		im[k++] = (CK_ATTRIBUTE){CKA_MCX_REVOKED, &yes, sizeof(yes)};
		im[k++] = (CK_ATTRIBUTE){CKA_DESTROYABLE, &no, sizeof(no)};
	}
	memset(&spec, 0, sizeof(spec));
	spec.tmpl = tmpl;
	spec.n_tmpl = n;
	spec.implied = im;
	spec.n_implied = k;
	spec.origin = MCX_ORIGIN_UNWRAPPED;
	spec.mechanism = mech->mechanism;
	spec.unwrapping_key = r->rsk_obj;
	return mcx_object_create_key(s, &spec, key);
}

static CK_RV registry(struct mcx_session *s, const CK_MECHANISM *mech,
		      struct rx *r, const CK_ATTRIBUTE *tmpl, CK_ULONG n,
		      CK_OBJECT_HANDLE *key)
{
	struct mcx_object *held[MAX_HELD];
	size_t nheld = 0;
	uint8_t kid[4];
	/* E.6.9: bit 0 set = NOT revoked; no parameters: active */
	bool revoked = r->got.has_params &&
		       !(r->got.params.status & MCX_MIKEY_STATUS_NOT_REVOKED);
	CK_RV rv = CKR_OK;

	for (int i = 0; i < 4; i++)
		kid[i] = (uint8_t)(r->got.key_id >> (24 - 8 * i));
	rv = mcx_ops_mcx_keystore_find(s, kid, r->own_uri, r->own_uri_len, held,
				       MAX_HELD, &nheld);
	if (rv != CKR_OK)
		return rv;
	if (nheld == 0) {
		rv = create(s, mech, r, revoked, tmpl, n, key);
		goto out;
	}
	if (!revoked) {
		/* a replay, or an old message for a revoked key */
		rv = CKR_MCX_DUPLICATE_KEY_ID;
		goto out;
	}
	/* the revocation must name the key it revokes: same value */
	for (size_t i = 0; i < nheld && rv == CKR_OK; i++) {
		const uint8_t *v = NULL;
		size_t l = 0;
		rv = mcx_ops_mech_value(held[i], &v, &l);
		if (rv == CKR_OK &&
		    (l != MCX_MIKEY_KEY_LEN ||
		     CRYPTO_memcmp(v, r->got.key, MCX_MIKEY_KEY_LEN) != 0))
			rv = CKR_MCX_DUPLICATE_KEY_ID;
	}
	for (size_t i = 0; i < nheld && rv == CKR_OK; i++)
		rv = mcx_ops_mcx_keystore_revoke(s, held[i]);
	if (rv == CKR_OK)
		*key = mcx_object_handle(held[0]);
out:
	for (size_t i = 0; i < nheld; i++)
		mcx_object_put(held[i]);
	return rv;
}

CK_RV mcx_ops_mcx_mikey_receive(struct mcx_session *s, const CK_MECHANISM *mech,
				struct mcx_object *unwrapping_key,
				const CK_BYTE *in, CK_ULONG in_len,
				const CK_ATTRIBUTE *tmpl, CK_ULONG n,
				CK_OBJECT_HANDLE *key)
{
	struct rx *r = calloc(1, sizeof(*r));
	CK_RV rv = CKR_OK;

	if (r == NULL)
		return CKR_HOST_MEMORY;
	r->s = s;
	rv = read_params(mech, &r->p);
	if (rv == CKR_OK)
		rv = decode(r, in, in_len);
	if (rv == CKR_OK)
		rv = judge_time(r);
	if (rv == CKR_OK)
		rv = receiver_key(s, r, unwrapping_key);
	if (rv == CKR_OK)
		rv = sender(s, r);
	if (rv == CKR_OK)
		rv = crypto(r);
	if (rv == CKR_OK)
		rv = authorise(r);
	if (rv == CKR_OK)
		rv = registry(s, mech, r, tmpl, n, key);
	/* the given RSK is the entry point's reference */
	if (r->rsk_obj != unwrapping_key)
		mcx_object_put(r->rsk_obj);
	mcx_object_put(r->zt_obj);
	mcx_object_put(r->kpak_obj);
	mcx_object_put(r->period_obj);
	free(r->own_uri);
	mcx_wipe(r, sizeof(*r));
	free(r);
	return rv;
}
