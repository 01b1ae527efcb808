/*
 * The MCX vendor mechanisms' shared token helpers (token/ops_mcx_*.c):
 * identity-key validation at creation, the KMS public key lookup by
 * CKA_MCX_KMS_URI, and the per-object engine state cache.
 */
#ifndef MCX_TOKEN_OPS_MCX_H
#define MCX_TOKEN_OPS_MCX_H

#include <mcxhsm/pkcs11-mcx.h>
#include <mcxhsm/pkcs11.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct mcx_session;
struct mcx_attrs;
struct mcx_object;

/* Called by object creation (object_create.c) with the built attribute
 * set of a new object, before anything is stored.  For CKK_MCX_SAKKE and
 * CKK_MCX_ECCSI keys (TS 33.180 §5.1, MCX-REFERENCE §5.1): public keys must
 * parse as a valid Z_T / KPAK; private keys are checked against the KMS
 * public key of the same CKA_MCX_KMS_URI in the token (RSK by the pairing
 * check, SSK/PVT against the KPAK) and their CKA_MCX_UID must equal the UID
 * recomputed from the identity (F.2.1).  CKA_MCX_HS of an ECCSI private key
 * is computed and set in *a.  Other objects: CKR_OK, untouched.
 * Refusals: CKR_MCX_UNKNOWN_KMS, CKR_MCX_UID_MISMATCH,
 * CKR_MCX_KEY_VALIDATION_FAILED, CKR_TEMPLATE_INCOMPLETE. */
CK_RV mcx_ops_mcx_validate_identity(struct mcx_session *s, CK_OBJECT_CLASS cls,
				    struct mcx_attrs *a);

/* The public key object (class CKO_PUBLIC_KEY, key type kt) of the KMS
 * kms_uri visible to s: a new reference in *out, or CKR_MCX_UNKNOWN_KMS. */
CK_RV mcx_ops_mcx_find_kms(struct mcx_session *s, CK_KEY_TYPE kt,
			   const void *kms_uri, size_t kms_uri_len,
			   struct mcx_object **out);

/* The first object visible to s that matches tmpl (session objects, then
 * token objects): a new reference in *out, or NULL in *out and CKR_OK. */
CK_RV mcx_ops_mcx_find_first(struct mcx_session *s, const CK_ATTRIBUTE *tmpl,
			     CK_ULONG n, struct mcx_object **out);

/* The same without a session (an operation handler): the public key
 * objects (CKA_PRIVATE false) of near's token. */
CK_RV mcx_ops_mcx_find_kms_near(struct mcx_object *near, CK_KEY_TYPE kt,
				const void *kms_uri, size_t kms_uri_len,
				struct mcx_object **out);

/* A cache key for obj's state: tag || CKA_UNIQUE_ID (32 octets; unique
 * ids are random and never reused, so a destroyed object's entry is simply
 * never hit again and ages out). */
CK_RV mcx_ops_mcx_unique_id(struct mcx_object *obj, uint8_t tag,
			    uint8_t key[33]);

/* C_WrapKey's export policy for MCX keys (issue 5): a CKK_MCX_KEY leaves
 * only through CKM_MCX_SAKKE (to a KMS public key that is a token object)
 * or CKM_MCX_MIKEY_SAKKE; otherwise CKR_KEY_NOT_WRAPPABLE.  CKR_OK for
 * other keys. */
CK_RV mcx_ops_mcx_wrap_policy(CK_MECHANISM_TYPE mech,
			      struct mcx_object *wrapping_key,
			      struct mcx_object *key);
/* The same for a CKK_MCX_RGK_SEED (issue 6, ops_mcx_rgk.c): only
 * CKM_MCX_XPK_WRAP under a CSK or MuSiK (else CKR_KEY_NOT_WRAPPABLE), not
 * revoked, not past CKA_MCX_EXPIRY (CKR_MCX_REGROUP_ENDED).  CKR_OK for
 * other keys. */
CK_RV mcx_ops_mcx_rgk_wrap_policy(CK_MECHANISM_TYPE mech,
				  struct mcx_object *wrapping_key,
				  struct mcx_object *key);

/* ---- KMS role and TrK unwrap (ops_mcx_kms*.c, issue 4) ----------------- */

/* Object creation's check of a KMS master secret (a private CKK_MCX_SAKKE /
 * CKK_MCX_ECCSI key with CKA_MCX_KMS_SECRET TRUE, made only by
 * CKM_MCX_KMS_KEY_GEN): no user identity, the KMS URI, period and offset,
 * a value of the right length. */
CK_RV mcx_ops_mcx_kms_validate_secret(CK_KEY_TYPE kt,
				      const struct mcx_attrs *a);

/* C_WrapKey's policy for CKM_MCX_KMS_ISSUE, in place of the extractable
 * check (the master secret never leaves; the issued key set does): key
 * must be a KMS master secret (CKR_KEY_TYPE_INCONSISTENT), usable
 * (mcx_object_check_use), and the issued key set must pass the TrK's
 * CKA_WRAP_TEMPLATE and the secret's CKA_WRAP_WITH_TRUSTED
 * (CKR_KEY_NOT_WRAPPABLE). */
CK_RV mcx_ops_mcx_kms_issue_policy(struct mcx_object *trk,
				   struct mcx_object *key);

/* C_UnwrapKey with CKM_AES_KEY_WRAP(_KWP) of a private CKK_MCX_SAKKE /
 * CKK_MCX_ECCSI key: value (len octets) is the unwrapped RSK / SSK, kek the
 * TrK's value (for CKA_MCX_WRAPPED_PVT).  Creates the key through
 * mcx_object_create_key (validated as by C_CreateObject). */
CK_RV mcx_ops_mcx_kms_unwrap_identity(
    struct mcx_session *s, const CK_MECHANISM *mech, struct mcx_object *trk,
    const uint8_t *kek, size_t kek_len, CK_KEY_TYPE kt, const uint8_t *value,
    size_t len, const CK_ATTRIBUTE *tmpl, CK_ULONG n, CK_OBJECT_HANDLE *key);

/* ---- Engine state cache --------------------------------------------------
 * Per-object engine state (ECCSI signers, verifiers, SAKKE tables) kept in
 * memory keyed by octets (the object's CKA_UNIQUE_ID plus what else the
 * state depends on), so repeated operations skip validation and
 * precomputation.  Entries are reference counted: an operation holds one
 * for its lifetime; eviction (LRU, bounded) drops only the cache's own. */
struct mcx_ops_mcx_entry;

/* The value of key, with a new reference in *ent; NULL if absent. */
void *mcx_ops_mcx_cache_get(const uint8_t *key, size_t key_len,
			    struct mcx_ops_mcx_entry **ent);
/* Insert value (adopted: freed with free_fn when the last reference goes)
 * and return it with a reference in *ent; if another thread inserted the
 * same key meanwhile, value is freed and the existing one returned.  NULL
 * (value freed) when out of memory. */
void *mcx_ops_mcx_cache_put(const uint8_t *key, size_t key_len, void *value,
			    void (*free_fn)(void *),
			    struct mcx_ops_mcx_entry **ent);
/* Drop a reference; NULL-safe. */
void mcx_ops_mcx_cache_release(struct mcx_ops_mcx_entry *ent);
/* Drop every entry the cache holds (operations keep theirs until they
 * end); run when the module is unloaded.  Meant also for C_Finalize and
 * C_Logout, so that no SSK/RSK state outlives the login. */
void mcx_ops_mcx_cache_flush(void);

/* ---- Cached engine state of one object (ops_mcx_sakke.c, ops_mcx_eccsi.c)
 * The KMS Z_T with its comb table ('Z'), an RSK with its pairing table
 * ('R'), an ECCSI signer validated against its KMS's KPAK ('S'), a KPAK
 * ('K'): made on the first use, then shared.  On CKR_OK *out is valid
 * until mcx_ops_mcx_cache_release(*ent). */
struct mcx_sakke_kms;
struct mcx_sakke_rsk;
struct mcx_eccsi_signer;
struct mcx_eccsi_kpak;
CK_RV mcx_ops_mcx_sakke_kms_get(struct mcx_object *kms_obj,
				struct mcx_sakke_kms **out,
				struct mcx_ops_mcx_entry **ent);
CK_RV mcx_ops_mcx_sakke_rsk_get(struct mcx_object *rsk_obj,
				struct mcx_sakke_rsk **out,
				struct mcx_ops_mcx_entry **ent);
CK_RV mcx_ops_mcx_eccsi_signer_get(struct mcx_object *key,
				   struct mcx_eccsi_signer **out,
				   struct mcx_ops_mcx_entry **ent);
CK_RV mcx_ops_mcx_eccsi_kpak_get(struct mcx_object *kpak_obj,
				 struct mcx_eccsi_kpak **out,
				 struct mcx_ops_mcx_entry **ent);

/* ---- The K-ID registry of received keys (ops_mcx_keystore.c) -------------
 * CKM_MCX_MIKEY_SAKKE receive (issue 5, decision g): receiver keys, the
 * received CKK_MCX_KEY objects by (K-ID, receiver URI), revocation marks,
 * and the configured receive defaults.  Lock held (object.h). */
struct mcx_config;

/* Take the receive settings of the configuration (mikey_max_age,
 * mikey_max_future_skew, authorised_gms); called by C_Initialize. */
CK_RV mcx_ops_mcx_keystore_configure(const struct mcx_config *cfg);
/* The configured limits in seconds, 0 = off. */
void mcx_ops_mcx_keystore_limits(uint64_t *max_age, uint64_t *max_skew);
/* The i-th configured GMS URI authorised for the MC groups of domain
 * (NUL-terminated), or NULL after the last. */
const char *mcx_ops_mcx_keystore_gms(const uint8_t *domain, size_t domain_len,
				     size_t i);

/* Is obj revoked (CKA_MCX_STATUS = CKS_MCX_REVOKED, or CKA_MCX_REVOKED)?
 * mcx_object_check_use refuses such keys for every mechanism with
 * CKR_MCX_KEY_REVOKED; this is the same test for code that uses a key
 * without that check (e.g. a key named in a mechanism parameter). */
bool mcx_ops_mcx_keystore_revoked(struct mcx_object *obj);

/* The receiver's RSK (private CKK_MCX_SAKKE) by UID, or by user URI, KMS
 * URI and key period number: a new reference in *out, or NULL and CKR_OK
 * if the token holds none. */
CK_RV mcx_ops_mcx_keystore_rsk_by_uid(struct mcx_session *s, const uint8_t *uid,
				      size_t uid_len, const void *kms_uri,
				      size_t kms_len, struct mcx_object **out);
CK_RV mcx_ops_mcx_keystore_rsk_by_uri(struct mcx_session *s, const void *uri,
				      size_t uri_len, const void *kms_uri,
				      size_t kms_len, CK_ULONG period_no,
				      struct mcx_object **out);

/* The received keys (CKK_MCX_KEY with CKA_MCX_RECEIVER_URI) holding
 * key_id for receiver: up to max references in out[], *n of them (more
 * than max: the first max).  Opens the token's write transaction (the
 * caller's audit record commits it), so that a key stored after this
 * check is atomic with it across processes. */
CK_RV mcx_ops_mcx_keystore_find(struct mcx_session *s, const uint8_t key_id[4],
				const void *receiver, size_t receiver_len,
				struct mcx_object **out, size_t max, size_t *n);
/* Mark a received key revoked for good: CKA_MCX_STATUS = CKS_MCX_REVOKED,
 * CKA_MCX_REVOKED = TRUE (a latch) and CKA_DESTROYABLE = FALSE, so that
 * the record stays (decision g).
 * Token objects need an R/W session (CKR_SESSION_READ_ONLY). */
CK_RV mcx_ops_mcx_keystore_revoke(struct mcx_session *s,
				  struct mcx_object *obj);

#endif /* MCX_TOKEN_OPS_MCX_H */
