/*
 * Objects as the crypto entry points see them: lookup with visibility,
 * attribute reading, the usage check, key creation through the attribute
 * policy, and the audit hook.  Everything here expects the module lock held
 * (see token/session.h: call between mcx_session_acquire and
 * mcx_session_release).
 *
 * Object handles are process-local.  Token objects are cached in memory
 * keyed by their store id and revalidated against mcx_store_generation, so
 * another process's changes are seen by the next call (the generation is
 * read once per entry-point call and slot); session objects live in memory
 * only and die with the session that created them (visible to every
 * session of this process on the same token, PKCS#11 3.0 §4.4).
 */
#ifndef MCX_TOKEN_OBJECT_H
#define MCX_TOKEN_OBJECT_H

#include <mcxhsm/pkcs11.h>
#include <stdbool.h>
#include <stddef.h>

struct mcx_session;
struct mcx_object;

/* Look up hObject for session s.  Private objects need a user login;
 * session objects must belong to s's token.  CKR_OBJECT_HANDLE_INVALID
 * otherwise (also for an object another process has destroyed).  The
 * reference stays valid until mcx_object_put, even if the object is
 * destroyed meanwhile. */
CK_RV mcx_object_get(struct mcx_session *s, CK_OBJECT_HANDLE hObject,
		     struct mcx_object **out);
/* Release a reference from mcx_object_get; NULL-safe. */
void mcx_object_put(struct mcx_object *obj);

CK_OBJECT_HANDLE mcx_object_handle(const struct mcx_object *obj);
CK_OBJECT_CLASS mcx_object_class(const struct mcx_object *obj);
/* CK_UNAVAILABLE_INFORMATION for objects without CKA_KEY_TYPE. */
CK_KEY_TYPE mcx_object_key_type(const struct mcx_object *obj);

/* The value of attribute type: *value points into the object (valid until
 * mcx_object_put; do not keep it longer, secret values are wiped then).
 * CKR_ATTRIBUTE_TYPE_INVALID if the object has no such attribute.  Secret
 * values (CKA_VALUE of keys, private key components) of token objects are
 * decrypted with the master key: CKR_USER_NOT_LOGGED_IN if nobody is
 * logged in.  No policy here: CKA_SENSITIVE is the caller's business (the
 * crypto ops use values; only C_GetAttributeValue refuses them). */
CK_RV mcx_object_attr(struct mcx_object *obj, CK_ATTRIBUTE_TYPE type,
		      const void **value, size_t *len);
/* Typed helpers: a missing or malformed attribute gives dflt. */
bool mcx_object_bool(struct mcx_object *obj, CK_ATTRIBUTE_TYPE type, bool dflt);
CK_ULONG mcx_object_ulong(struct mcx_object *obj, CK_ATTRIBUTE_TYPE type,
			  CK_ULONG dflt);

/* May obj be used as the key of mechanism for the purpose usage (CKA_SIGN,
 * CKA_VERIFY, CKA_ENCRYPT, CKA_DECRYPT, CKA_WRAP, CKA_UNWRAP, CKA_DERIVE,
 * CKA_SIGN_RECOVER, CKA_VERIFY_RECOVER; 0 = no flag to check, e.g.
 * C_DigestKey)?  Checks, in this order: obj is a key
 * (CKR_KEY_HANDLE_INVALID), CKA_MCX_STATUS revoked or CKA_MCX_REVOKED
 * (CKR_MCX_KEY_REVOKED), the usage flag (CKR_KEY_FUNCTION_NOT_PERMITTED),
 * CKA_ALLOWED_MECHANISMS (CKR_MECHANISM_INVALID), CKA_START_DATE /
 * CKA_END_DATE against today, UTC (CKR_KEY_FUNCTION_NOT_PERMITTED).  The
 * caller audits a refusal with mcx_audit(). */
CK_RV mcx_object_check_use(struct mcx_object *obj, CK_ATTRIBUTE_TYPE usage,
			   CK_MECHANISM_TYPE mechanism);

/* Does tmpl satisfy the attribute array stored in obj's attribute which
 * (CKA_WRAP_TEMPLATE of the wrapping key against the key to be wrapped, or
 * CKA_UNWRAP_TEMPLATE of the unwrapping key against the new key's
 * template)?  Every attribute of the stored array must be present in tmpl
 * with the same value (PKCS#11 3.0 §4.8 / §5.18.6).  CKR_OK if obj has no
 * such template; else CKR_OK or CKR_TEMPLATE_INCONSISTENT (unwrap) /
 * CKR_KEY_NOT_WRAPPABLE (wrap, the caller maps). */
CK_RV mcx_object_template_matches(struct mcx_object *obj,
				  CK_ATTRIBUTE_TYPE which,
				  const CK_ATTRIBUTE *tmpl, CK_ULONG n);
/* Same for an existing object (wrap: does the key to be wrapped match the
 * wrapping key's CKA_WRAP_TEMPLATE?). CKR_OK or CKR_KEY_NOT_WRAPPABLE. */
CK_RV mcx_object_matches_wrap_template(struct mcx_object *wrapping_key,
				       struct mcx_object *key);

/* ---- Creating keys on behalf of a mechanism ---------------------------- */

enum mcx_key_origin {
	MCX_ORIGIN_GENERATED, /* C_GenerateKey / C_GenerateKeyPair: LOCAL */
	MCX_ORIGIN_UNWRAPPED, /* C_UnwrapKey: not LOCAL, never ALWAYS_SENSITIVE
			       */
	MCX_ORIGIN_DERIVED,   /* C_DeriveKey: inherits from the base key */
	MCX_ORIGIN_CREATED,   /* C_CreateObject */
};

/* What a mechanism asks to be stored.  tmpl is the application's template
 * (validated: read-only attributes and inconsistencies refused with the
 * spec's CKR).  implied are the attributes the mechanism determines
 * (CKA_CLASS, CKA_KEY_TYPE, CKA_VALUE or the private parts, CKA_VALUE_LEN,
 * CKA_EC_PARAMS/CKA_EC_POINT, vendor attributes): they win, but a tmpl
 * entry of the same type with a different value is
 * CKR_TEMPLATE_INCONSISTENT.  The policy then adds defaults and derived
 * attributes: CKA_LOCAL, CKA_KEY_GEN_MECHANISM = mechanism (generated) or
 * CK_UNAVAILABLE_INFORMATION, CKA_ALWAYS_SENSITIVE, CKA_NEVER_EXTRACTABLE
 * (derived keys: AND with base_key's), CKA_CHECK_VALUE of secret keys,
 * CKA_UNIQUE_ID. */
struct mcx_key_spec {
	const CK_ATTRIBUTE *tmpl;
	CK_ULONG n_tmpl;
	const CK_ATTRIBUTE *implied;
	CK_ULONG n_implied;
	enum mcx_key_origin origin;
	CK_MECHANISM_TYPE mechanism;
	/* MCX_ORIGIN_DERIVED: the base key (may be NULL otherwise). */
	struct mcx_object *base_key;
	/* MCX_ORIGIN_UNWRAPPED: the unwrapping key, whose CKA_UNWRAP_TEMPLATE
	 * the resulting object must match (NULL: no check). */
	struct mcx_object *unwrapping_key;
};

/* Create one key object (token objects through the store in one
 * transaction, session objects in memory) and return its handle.  Checks
 * the session (CKR_SESSION_READ_ONLY for a token object in an RO session,
 * CKR_USER_NOT_LOGGED_IN for a private object without user login) and the
 * class policy.  Not audited here: the calling entry point audits the
 * call (success or refusal) with mcx_audit(), once. */
CK_RV mcx_object_create_key(struct mcx_session *s,
			    const struct mcx_key_spec *spec,
			    CK_OBJECT_HANDLE *out);
/* Both keys of a pair, or neither. */
CK_RV mcx_object_create_key_pair(struct mcx_session *s,
				 const struct mcx_key_spec *pub,
				 const struct mcx_key_spec *priv,
				 CK_OBJECT_HANDLE *pub_out,
				 CK_OBJECT_HANDLE *priv_out);

/* Find a value in a caller's template (NULL if absent). */
const CK_ATTRIBUTE *mcx_template_find(const CK_ATTRIBUTE *tmpl, CK_ULONG n,
				      CK_ATTRIBUTE_TYPE type);

/* ---- Audit ------------------------------------------------------------- */

/* Append an audit record to s's token through the store: function
 * ("C_Sign"), mechanism (CK_UNAVAILABLE_INFORMATION if none), the object's
 * CKA_UNIQUE_ID and CKA_LABEL (obj may be NULL), the CKR.  Never key
 * material or PINs.  A failing append is logged, not returned. */
void mcx_audit(struct mcx_session *s, const char *function,
	       CK_MECHANISM_TYPE mechanism, struct mcx_object *obj, CK_RV rv);

#endif /* MCX_TOKEN_OBJECT_H */
