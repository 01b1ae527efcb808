/*
 * CKM_MCX_MIKEY_SAKKE, C_WrapKey: one complete signed MIKEY-SAKKE I_MESSAGE
 * for one receiver (TS 33.180 5.2, Annex E; MCX-REFERENCE §4-§5, the
 * model message is §5.6), built by the pure mcx_mikey_encode:
 *
 *   HDR     CSB-ID = GUK-ID for GMK / MKFC (end-point diversity with the
 *           receiver URI, F.1.3; GENERIC-ID SPI = K-ID || GUK-ID), else the
 *           K-ID (5.2.3)
 *   T       NTP-UTC of ulTime, or of now (TS 33.179 E.1.1)
 *   RAND    16 random octets
 *   IDRs    sender and receiver URIs (roles 1/2), or their UIDs (roles
 *           8/9, E.7) with CKF_MCX_HIDE_IDENTITIES; IDRkmsi / IDRkmsr
 *   SP      the default SRTP profile (E.2)
 *   SAKKE   the key encapsulated to the receiver's UID (F.2.1: receiver
 *           URI, receiver KMS URI, its UserKeyPeriod / UserKeyOffset, the
 *           key period given or the one containing T), ID scheme 2
 *   GE 6    SAKKE-to-self (E.5) to the sender's own UID, if asked
 *   GE 7    the key parameters (E.6, decisions d and e) unless
 *           CKF_MCX_NO_KEY_PARAMS: each from the parameters when given,
 *           else from the key's own attribute (a received key keeps its
 *           activation, expiry, text and groups when re-sent), else unset
 *   SIGN    ECCSI with the sender's SSK, signer ID = its CKA_MCX_UID
 *
 * Everything is resolved and copied under the module lock; the SAKKE and
 * ECCSI math then runs without it (mcx_session_unlock_begin), so that
 * several threads distribute at once.  The KMS comb tables and the ECCSI
 * signer come from the engine cache (ops_mcx_cache.c): nothing is rebuilt
 * per message.  A size query (NULL output) does no per-message crypto: the
 * length follows from the parameters (mcx_mikey_encoded_len).
 *
 * Refusals (the entry point audits them with the key): a key that is not
 * a CKK_MCX_KEY with a 4-octet K-ID matching its purpose
 * (CKR_KEY_NOT_WRAPPABLE), a revoked key (CKR_MCX_KEY_REVOKED, policy), a
 * wrapping key that is not a user's private CKK_MCX_ECCSI key
 * (CKR_WRAPPING_KEY_TYPE_INCONSISTENT), a receiver KMS that is not a token
 * public CKK_MCX_SAKKE object, or is revoked (CKR_MCX_UNKNOWN_KMS), a time
 * outside the sender key's validity or before the receiver KMS's first key
 * period (CKR_MCX_KEY_PERIOD_INVALID), bad parameters
 * (CKR_MECHANISM_PARAM_INVALID).
 */
#include "config.h"

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

#define URI_MAX 0xFFFFu /* an IDR's 16-bit length */
#define UID_MAX 128	/* RFC 6508 identifiers: at most 1024 bits */
#define SEND_FLAGS                                                             \
	(CKF_MCX_SAKKE_TO_SELF | CKF_MCX_HIDE_IDENTITIES |                     \
	 CKF_MCX_NO_KEY_PARAMS)
/* The last Unix second whose NTP seconds fit the 32-bit T field. */
#define UNIX_MAX (0xFFFFFFFFull - MCX_MIKEY_NTP_UNIX_DELTA)

struct blob {
	uint8_t *p;
	size_t len;
};

/* What one message needs, copied out of the objects so that the math can
 * run without the module lock. */
struct send_job {
	uint8_t key[MCX_MIKEY_KEY_LEN]; /* secret */
	uint32_t key_id;
	CK_ULONG purpose;
	uint64_t t_unix;
	struct blob sender_uri, sender_uid, sender_kms, receiver_kms;
	struct blob text, groups; /* the key's own, when not given */
	uint8_t receiver_uid[MCX_KDF3GPP_UID_LEN];
	struct mcx_mikey_keyparams kp;
	struct mcx_eccsi_signer *signer;
	struct mcx_sakke_kms *kms, *self_kms;
	struct mcx_ops_mcx_entry *signer_ent, *kms_ent, *self_ent;
	struct mcx_mikey_build b;
};

static void job_clear(struct send_job *j)
{
	mcx_wipe(j->key, sizeof(j->key));
	free(j->sender_uri.p);
	free(j->sender_uid.p);
	free(j->sender_kms.p);
	free(j->receiver_kms.p);
	free(j->text.p);
	free(j->groups.p);
	mcx_ops_mcx_cache_release(j->signer_ent);
	mcx_ops_mcx_cache_release(j->kms_ent);
	mcx_ops_mcx_cache_release(j->self_ent);
	memset(j, 0, sizeof(*j));
}

/* A copy of attribute type of obj; absent: missing (CKR_OK leaves it
 * empty). */
static CK_RV dup_attr(struct mcx_object *obj, CK_ATTRIBUTE_TYPE type,
		      struct blob *b, CK_RV missing)
{
	const void *v = NULL;
	size_t len = 0;
	CK_RV rv = mcx_object_attr(obj, type, &v, &len);

	if (rv == CKR_ATTRIBUTE_TYPE_INVALID)
		return missing;
	if (rv != CKR_OK)
		return rv;
	if (len == 0)
		return missing;
	b->p = malloc(len);
	if (b->p == NULL)
		return CKR_HOST_MEMORY;
	memcpy(b->p, v, len);
	b->len = len;
	return CKR_OK;
}

/* CKA_MCX_GROUP_IDS encoding (a sequence of 2-octet big-endian length +
 * UTF-8 ID) into the key parameters' MC group IDs (E.6.3). */
static CK_RV parse_groups(const uint8_t *p, size_t len,
			  struct mcx_mikey_keyparams *kp)
{
	kp->n_groups = 0;
	while (len > 0) {
		if (len < 2 || kp->n_groups == MCX_MIKEY_MAX_GROUPS)
			return CKR_MECHANISM_PARAM_INVALID;
		size_t n = (size_t)p[0] << 8 | p[1];
		if (n == 0 || n > len - 2)
			return CKR_MECHANISM_PARAM_INVALID;
		kp->groups[kp->n_groups].iei = MCX_MIKEY_GROUP_ID_IEI;
		kp->groups[kp->n_groups].id = p + 2;
		kp->groups[kp->n_groups].len = n;
		kp->n_groups++;
		p += 2 + n;
		len -= 2 + n;
	}
	return CKR_OK;
}

static CK_RV check_params(const CK_MECHANISM *mech,
			  const CK_MCX_MIKEY_SEND_PARAMS **out)
{
	const CK_MCX_MIKEY_SEND_PARAMS *p = mech->pParameter;

	if (p == NULL || mech->ulParameterLen != sizeof(*p))
		return CKR_MECHANISM_PARAM_INVALID;
	if (p->pReceiverUri == NULL || p->ulReceiverUriLen == 0 ||
	    p->ulReceiverUriLen > URI_MAX || (p->flags & ~SEND_FLAGS) != 0 ||
	    (p->ulStatus != CKS_MCX_ACTIVE && p->ulStatus != CKS_MCX_REVOKED) ||
	    p->ulActivation > MCX_MIKEY_TIME40_MAX ||
	    p->ulExpiry > MCX_MIKEY_TIME40_MAX || p->ulTime > UNIX_MAX ||
	    (p->pText == NULL && p->ulTextLen != 0) || p->ulTextLen > URI_MAX ||
	    (p->pGroupIds == NULL && p->ulGroupIdsLen != 0) ||
	    p->ulGroupIdsLen > URI_MAX)
		return CKR_MECHANISM_PARAM_INVALID;
	*out = p;
	return CKR_OK;
}

/* The sender: a user's private CKK_MCX_ECCSI key (not a KMS secret) whose
 * validity, when it has one, contains the message time. */
static CK_RV resolve_sender(struct send_job *j, struct mcx_object *wk)
{
	CK_RV rv = CKR_OK;

	if (mcx_object_class(wk) != CKO_PRIVATE_KEY ||
	    mcx_object_key_type(wk) != CKK_MCX_ECCSI ||
	    mcx_object_bool(wk, CKA_MCX_KMS_SECRET, false))
		return CKR_WRAPPING_KEY_TYPE_INCONSISTENT;
	CK_ULONG from = mcx_object_ulong(wk, CKA_MCX_VALID_FROM, 0);
	CK_ULONG to = mcx_object_ulong(wk, CKA_MCX_VALID_TO, 0);
	if ((from != 0 && j->t_unix < from) || (to != 0 && j->t_unix > to))
		return CKR_MCX_KEY_PERIOD_INVALID;
	rv = dup_attr(wk, CKA_MCX_USER_URI, &j->sender_uri,
		      CKR_WRAPPING_KEY_TYPE_INCONSISTENT);
	if (rv == CKR_OK)
		rv = dup_attr(wk, CKA_MCX_UID, &j->sender_uid,
			      CKR_WRAPPING_KEY_TYPE_INCONSISTENT);
	if (rv == CKR_OK)
		rv = dup_attr(wk, CKA_MCX_KMS_URI, &j->sender_kms,
			      CKR_WRAPPING_KEY_TYPE_INCONSISTENT);
	if (rv != CKR_OK)
		return rv;
	if (j->sender_uri.len > URI_MAX || j->sender_uid.len > UID_MAX ||
	    j->sender_kms.len > URI_MAX)
		return CKR_WRAPPING_KEY_TYPE_INCONSISTENT;
	return mcx_ops_mcx_eccsi_signer_get(wk, &j->signer, &j->signer_ent);
}

/* The key: a CKK_MCX_KEY of 16 octets with a 4-octet K-ID whose purpose
 * tag is its CKA_MCX_KEY_PURPOSE (5.2.3). */
static CK_RV resolve_key(struct send_job *j, struct mcx_object *k)
{
	const uint8_t *v = NULL;
	const void *kid = NULL;
	size_t len = 0, kid_len = 0;
	CK_RV rv = CKR_OK;

	if (mcx_object_class(k) != CKO_SECRET_KEY ||
	    mcx_object_key_type(k) != CKK_MCX_KEY)
		return CKR_KEY_NOT_WRAPPABLE;
	rv = mcx_object_attr(k, CKA_MCX_KEY_ID, &kid, &kid_len);
	if (rv == CKR_ATTRIBUTE_TYPE_INVALID || (rv == CKR_OK && kid_len != 4))
		return CKR_KEY_NOT_WRAPPABLE;
	if (rv != CKR_OK)
		return rv;
	const uint8_t *b = kid;
	j->key_id = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
		    (uint32_t)b[2] << 8 | b[3];
	j->purpose = j->key_id >> 28;
	if (j->purpose > CKP_MCX_MUSIK ||
	    mcx_object_ulong(k, CKA_MCX_KEY_PURPOSE, j->purpose) != j->purpose)
		return CKR_KEY_NOT_WRAPPABLE;
	rv = mcx_ops_mech_value(k, &v, &len);
	if (rv != CKR_OK)
		return rv;
	if (len != MCX_MIKEY_KEY_LEN)
		return CKR_KEY_SIZE_RANGE;
	memcpy(j->key, v, len);
	return CKR_OK;
}

/* The SAKKE public key (Z_T) of a KMS: a token object of class
 * CKO_PUBLIC_KEY, key type CKK_MCX_SAKKE, not revoked.  h may be
 * CK_INVALID_HANDLE: the KMS of kms_uri. */
static CK_RV resolve_kms(struct mcx_session *s, CK_OBJECT_HANDLE h,
			 const struct blob *kms_uri, struct mcx_object **out)
{
	CK_RV rv = h == CK_INVALID_HANDLE
		       ? mcx_ops_mcx_find_kms(s, CKK_MCX_SAKKE, kms_uri->p,
					      kms_uri->len, out)
		       : mcx_object_get(s, h, out);

	if (rv == CKR_OBJECT_HANDLE_INVALID)
		return CKR_MCX_UNKNOWN_KMS;
	if (rv != CKR_OK)
		return rv;
	if (mcx_object_class(*out) != CKO_PUBLIC_KEY ||
	    mcx_object_key_type(*out) != CKK_MCX_SAKKE ||
	    !mcx_object_bool(*out, CKA_TOKEN, false) ||
	    mcx_object_bool(*out, CKA_MCX_REVOKED, false))
		return CKR_MCX_UNKNOWN_KMS;
	return CKR_OK;
}

/* The receiver's UID (F.2.1) for its key period in its KMS. */
static CK_RV receiver_uid(struct send_job *j, struct mcx_object *kms,
			  const CK_MCX_MIKEY_SEND_PARAMS *p)
{
	uint64_t period = mcx_object_ulong(kms, CKA_MCX_USER_KEY_PERIOD, 0);
	uint64_t offset = mcx_object_ulong(kms, CKA_MCX_USER_KEY_OFFSET, 0);
	uint64_t period_no = p->ulReceiverKeyPeriodNo;
	CK_RV rv = dup_attr(kms, CKA_MCX_KMS_URI, &j->receiver_kms,
			    CKR_MCX_UNKNOWN_KMS);

	if (rv != CKR_OK)
		return rv;
	if (j->receiver_kms.len > URI_MAX || period == 0)
		return CKR_MCX_UNKNOWN_KMS;
	if (p->ulReceiverKeyPeriodNo == CK_UNAVAILABLE_INFORMATION &&
	    mcx_kdf3gpp_key_period_no(j->t_unix + MCX_MIKEY_NTP_UNIX_DELTA,
				      period, offset, &period_no) != MCX_OK)
		return CKR_MCX_KEY_PERIOD_INVALID;
	return mcx_ops_mech_ckr(mcx_kdf3gpp_uid(
	    p->pReceiverUri, p->ulReceiverUriLen, j->receiver_kms.p,
	    j->receiver_kms.len, period, offset, period_no, j->receiver_uid));
}

/* The key parameters (E.6): the parameters' values, else the key's. */
static CK_RV key_params(struct send_job *j, struct mcx_object *k,
			const CK_MCX_MIKEY_SEND_PARAMS *p)
{
	struct mcx_mikey_keyparams *kp = &j->kp;
	CK_RV rv = CKR_OK;

	memset(kp, 0, sizeof(*kp));
	kp->key_type = (uint8_t)j->purpose;
	kp->status =
	    p->ulStatus == CKS_MCX_REVOKED ? 0 : MCX_MIKEY_STATUS_NOT_REVOKED;
	kp->activation = p->ulActivation != 0
			     ? p->ulActivation
			     : mcx_object_ulong(k, CKA_MCX_ACTIVATION, 0);
	kp->expiry = p->ulExpiry != 0 ? p->ulExpiry
				      : mcx_object_ulong(k, CKA_MCX_EXPIRY, 0);
	if (kp->activation > MCX_MIKEY_TIME40_MAX ||
	    kp->expiry > MCX_MIKEY_TIME40_MAX)
		return CKR_MECHANISM_PARAM_INVALID;
	if (p->pText != NULL) {
		kp->text = p->pText;
		kp->text_len = p->ulTextLen;
	} else {
		rv = dup_attr(k, CKA_MCX_TEXT, &j->text, CKR_OK);
		kp->text = j->text.p;
		kp->text_len = j->text.len;
	}
	/* E.6.3: the MC group IDs travel with GMK, MKFC and MuSiK only */
	kp->has_groups = j->purpose == CKP_MCX_GMK ||
			 j->purpose == CKP_MCX_MKFC ||
			 j->purpose == CKP_MCX_MUSIK;
	if (rv != CKR_OK)
		return rv;
	if (p->pGroupIds != NULL) {
		if (!kp->has_groups)
			return CKR_MECHANISM_PARAM_INVALID;
		return parse_groups(p->pGroupIds, p->ulGroupIdsLen, kp);
	}
	if (!kp->has_groups)
		return CKR_OK;
	rv = dup_attr(k, CKA_MCX_GROUP_IDS, &j->groups, CKR_OK);
	if (rv == CKR_OK)
		rv = parse_groups(j->groups.p, j->groups.len, kp);
	/* a stored attribute we cannot send is the key's fault */
	return rv == CKR_MECHANISM_PARAM_INVALID ? CKR_KEY_NOT_WRAPPABLE : rv;
}

/* CS ID map per key type (MCX-REFERENCE §5.3 and the Streamwide
 * messages): GMK and MKFC one GENERIC-ID crypto session 4, CSK and MuSiK
 * CS 6 (E.4.2), PCK and the others the empty map (defaults). */
static void cs_map(struct send_job *j)
{
	switch (j->purpose) {
	case CKP_MCX_GMK:
	case CKP_MCX_MKFC:
		j->b.map_type = MCX_MIKEY_MAP_GENERIC_ID;
		j->b.cs_id = 4;
		break;
	case CKP_MCX_CSK:
	case CKP_MCX_MUSIK:
		j->b.map_type = MCX_MIKEY_MAP_GENERIC_ID;
		j->b.cs_id = 6;
		break;
	default:
		j->b.map_type = MCX_MIKEY_MAP_EMPTY;
		break;
	}
}

CK_RV mcx_ops_mcx_mikey_send(struct mcx_session *s, const CK_MECHANISM *mech,
			     struct mcx_object *wrapping_key,
			     struct mcx_object *key, CK_BYTE *out,
			     CK_ULONG *out_len)
{
	const CK_MCX_MIKEY_SEND_PARAMS *p = NULL;
	struct mcx_object *kms = NULL, *self = NULL;
	struct send_job *j = calloc(1, sizeof(*j));
	size_t need = 0, len = 0;
	bool produce = false, hide = false;
	CK_RV rv = CKR_OK;

	if (j == NULL)
		return CKR_HOST_MEMORY;
	rv = check_params(mech, &p);
	if (rv != CKR_OK)
		goto out;
	hide = (p->flags & CKF_MCX_HIDE_IDENTITIES) != 0;
	j->t_unix = p->ulTime != 0 ? p->ulTime : (uint64_t)time(NULL);
	rv = resolve_key(j, key);
	if (rv == CKR_OK)
		rv = resolve_sender(j, wrapping_key);
	if (rv == CKR_OK)
		rv = resolve_kms(s, p->hReceiverKms, &j->sender_kms, &kms);
	if (rv == CKR_OK)
		rv = receiver_uid(j, kms, p);
	if (rv == CKR_OK)
		rv = mcx_ops_mcx_sakke_kms_get(kms, &j->kms, &j->kms_ent);
	if (rv == CKR_OK && (p->flags & CKF_MCX_SAKKE_TO_SELF)) {
		rv = resolve_kms(s, CK_INVALID_HANDLE, &j->sender_kms, &self);
		if (rv == CKR_OK)
			rv = mcx_ops_mcx_sakke_kms_get(self, &j->self_kms,
						       &j->self_ent);
	}
	if (rv == CKR_OK && !(p->flags & CKF_MCX_NO_KEY_PARAMS))
		rv = key_params(j, key, p);
	if (rv != CKR_OK)
		goto out;

	struct mcx_mikey_build *b = &j->b;
	b->key = j->key;
	b->key_id = j->key_id;
	b->receiver_uri = p->pReceiverUri;
	b->receiver_uri_len = p->ulReceiverUriLen;
	cs_map(j);
	b->ts = mcx_mikey_ntp_from_unix(j->t_unix);
	b->idri =
	    (struct mcx_mikey_id){hide ? MCX_MIKEY_ROLE_UIDI : MCX_MIKEY_ROLE_I,
				  hide ? j->sender_uid.p : j->sender_uri.p,
				  hide ? j->sender_uid.len : j->sender_uri.len};
	b->idrr = (struct mcx_mikey_id){
	    hide ? MCX_MIKEY_ROLE_UIDR : MCX_MIKEY_ROLE_R,
	    hide ? j->receiver_uid : p->pReceiverUri,
	    hide ? sizeof(j->receiver_uid) : p->ulReceiverUriLen};
	b->idrkmsi = (struct mcx_mikey_id){MCX_MIKEY_ROLE_KMSI, j->sender_kms.p,
					   j->sender_kms.len};
	b->idrkmsr = (struct mcx_mikey_id){
	    MCX_MIKEY_ROLE_KMSR, j->receiver_kms.p, j->receiver_kms.len};
	b->with_sp = 1;
	b->kms = j->kms;
	b->receiver_uid = j->receiver_uid;
	b->receiver_uid_len = sizeof(j->receiver_uid);
	if (j->self_kms != NULL) {
		/* E.5: to the sender's own UID in its own KMS */
		b->self_kms = j->self_kms;
		b->self_uid = j->sender_uid.p;
		b->self_uid_len = j->sender_uid.len;
	}
	b->params = (p->flags & CKF_MCX_NO_KEY_PARAMS) ? NULL : &j->kp;
	b->signer = j->signer;
	if (mcx_mikey_encoded_len(b, &need) != MCX_OK) {
		/* e.g. a text or group list too long for the GE payload */
		rv = CKR_MECHANISM_PARAM_INVALID;
		goto out;
	}
	rv = mcx_ops_mech_out_len(out, out_len, need, &produce);
	if (rv != CKR_OK || !produce)
		goto out;
	/* everything the encoder reads is ours now: run the SAKKE and ECCSI
	 * math without the module lock */
	mcx_session_unlock_begin(s);
	enum mcx_mech_err e = mcx_mikey_encode(b, out, *out_len, &len);
	mcx_session_unlock_end(s);
	rv = mcx_ops_mech_ckr(e);
	if (rv == CKR_OK)
		*out_len = len;
out:
	mcx_object_put(self);
	mcx_object_put(kms);
	job_clear(j);
	free(j);
	return rv;
}
