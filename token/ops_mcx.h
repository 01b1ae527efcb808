/*
 * The MCX vendor mechanisms' shared token helpers (token/ops_mcx_*.c):
 * identity-key validation at creation, the KMS public key lookup by
 * CKA_MCX_KMS_URI, and the per-object engine state cache.
 */
#ifndef MCX_TOKEN_OPS_MCX_H
#define MCX_TOKEN_OPS_MCX_H

#include <mcxhsm/pkcs11-mcx.h>
#include <mcxhsm/pkcs11.h>
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

#endif /* MCX_TOKEN_OPS_MCX_H */
