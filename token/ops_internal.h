/*
 * The token's cryptographic operations (token/ops_*.c), private to them.
 *
 * Mechanisms are data: one row of struct mcx_mech per mechanism (key types,
 * key size range, CKF_ flags as C_GetMechanismInfo reports them, and one
 * handler per family of functions it supports).  The entry points in
 * ops_crypt.c, ops_sign.c, ops_digest.c, ops_keygen.c and ops_wrap.c do the
 * PKCS#11 work common to every mechanism (session, operation state, key
 * lookup, key type, usage flag, size queries, audit) and call the row's
 * handler for the mechanism-specific part.  A new mechanism (the CKM_MCX_*
 * family) is a row in ops_mech.c plus a handler file.
 */
#ifndef MCX_TOKEN_OPS_INTERNAL_H
#define MCX_TOKEN_OPS_INTERNAL_H

#include <mcxhsm/pkcs11-mcx.h>
#include <mcxhsm/pkcs11.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mechanisms/mech_err.h"
#include "token/object.h"
#include "token/session.h"

/* C_Encrypt* / C_Decrypt*.  The entry points do the size queries: each
 * *_len callback gives the exact output length of the step that follows
 * (an error there, e.g. CKR_ENCRYPTED_DATA_LEN_RANGE, ends the operation). */
struct mcx_cipher_ops {
	/* Read the mechanism parameter and the key (type and usage already
	 * checked) into a fresh *ctx. */
	CK_RV(*init)
	(const CK_MECHANISM *mech, struct mcx_object *key, bool encrypt,
	 void **ctx);
	void (*free)(void *ctx);
	CK_RV (*oneshot_len)(void *ctx, CK_ULONG in_len, CK_ULONG *out_len);
	CK_RV(*oneshot)
	(void *ctx, const CK_BYTE *in, CK_ULONG in_len, CK_BYTE *out,
	 CK_ULONG *out_len);
	CK_RV (*update_len)(void *ctx, CK_ULONG in_len, CK_ULONG *out_len);
	CK_RV(*update)
	(void *ctx, const CK_BYTE *in, CK_ULONG in_len, CK_BYTE *out,
	 CK_ULONG *out_len);
	CK_RV (*final_len)(void *ctx, CK_ULONG *out_len);
	CK_RV (*final)(void *ctx, CK_BYTE *out, CK_ULONG *out_len);
};

/* C_Sign* / C_Verify*: data goes in through update (also for the
 * single-part calls); sign writes sig_len octets; verify answers CKR_OK,
 * CKR_SIGNATURE_INVALID or CKR_SIGNATURE_LEN_RANGE. */
struct mcx_sign_ops {
	CK_RV(*init)
	(const CK_MECHANISM *mech, struct mcx_object *key, bool sign,
	 void **ctx);
	void (*free)(void *ctx);
	bool multi_part; /* false: C_SignUpdate/C_VerifyUpdate refused */
	CK_ULONG (*sig_len)(void *ctx);
	CK_RV (*update)(void *ctx, const CK_BYTE *data, CK_ULONG len);
	CK_RV (*sign)(void *ctx, CK_BYTE *sig);
	CK_RV (*verify)(void *ctx, const CK_BYTE *sig, CK_ULONG len);
};

/* C_GenerateKey / C_GenerateKeyPair: the whole job after the entry point
 * checked the session and the mechanism; keys are created through
 * mcx_object_create_key(_pair). */
struct mcx_keygen_ops {
	CK_RV(*generate)
	(struct mcx_session *s, const CK_MECHANISM *mech,
	 const CK_ATTRIBUTE *tmpl, CK_ULONG n, CK_OBJECT_HANDLE *key);
	CK_RV(*generate_pair)
	(struct mcx_session *s, const CK_MECHANISM *mech,
	 const CK_ATTRIBUTE *pub_tmpl, CK_ULONG n_pub,
	 const CK_ATTRIBUTE *priv_tmpl, CK_ULONG n_priv, CK_OBJECT_HANDLE *pub,
	 CK_OBJECT_HANDLE *priv);
};

/* C_WrapKey / C_UnwrapKey after the common checks (wrapping key type and
 * CKA_WRAP/CKA_UNWRAP, CKA_EXTRACTABLE, CKA_WRAP_WITH_TRUSTED,
 * CKA_WRAP_TEMPLATE).  wrap: out == NULL is a size query (*out_len gets the
 * length, CKR_OK); too small: CKR_BUFFER_TOO_SMALL with the length.
 * unwrap creates the key through mcx_object_create_key with
 * spec.unwrapping_key set, so CKA_UNWRAP_TEMPLATE is enforced. */
struct mcx_wrap_ops {
	CK_RV(*wrap)
	(struct mcx_session *s, const CK_MECHANISM *mech,
	 struct mcx_object *wrapping_key, struct mcx_object *key, CK_BYTE *out,
	 CK_ULONG *out_len);
	CK_RV(*unwrap)
	(struct mcx_session *s, const CK_MECHANISM *mech,
	 struct mcx_object *unwrapping_key, const CK_BYTE *in, CK_ULONG in_len,
	 const CK_ATTRIBUTE *tmpl, CK_ULONG n, CK_OBJECT_HANDLE *key);
};

/* C_DeriveKey after the base key's type and CKA_DERIVE were checked. */
struct mcx_derive_ops {
	CK_RV(*derive)
	(struct mcx_session *s, const CK_MECHANISM *mech,
	 struct mcx_object *base_key, const CK_ATTRIBUTE *tmpl, CK_ULONG n,
	 CK_OBJECT_HANDLE *key);
};

#define MCX_MECH_MAX_KEY_TYPES 3

struct mcx_mech {
	CK_MECHANISM_TYPE type;
	const char *name;
	/* Key types the operation key may have (unused entries
	 * CK_UNAVAILABLE_INFORMATION); none for digests and generation. */
	CK_KEY_TYPE key_types[MCX_MECH_MAX_KEY_TYPES];
	/* CK_MECHANISM_INFO: octets for AES and generic secrets, bits for
	 * EC; enforced on the operation key. */
	CK_ULONG min_key, max_key;
	CK_FLAGS flags;
	const struct mcx_cipher_ops *cipher;
	const struct mcx_sign_ops *sign;
	const struct mcx_keygen_ops *keygen;
	const struct mcx_wrap_ops *wrap;
	const struct mcx_derive_ops *derive;
};

/* The row of a mechanism, NULL if the token does not offer it. */
const struct mcx_mech *mcx_ops_mech_find(CK_MECHANISM_TYPE type);

/* The CK_RV of a mechanisms/ result where the context adds nothing. */
CK_RV mcx_ops_mech_ckr(enum mcx_mech_err err);

/* Is key of one of row's key types and, for key types measured in octets
 * or bits, within its size range?  CKR_KEY_TYPE_INCONSISTENT or
 * CKR_KEY_SIZE_RANGE. */
CK_RV mcx_ops_mech_check_key(const struct mcx_mech *row,
			     struct mcx_object *key);

/* Resolve the operation key h for row and usage (CKA_ENCRYPT, CKA_SIGN,
 * ...): CKR_KEY_HANDLE_INVALID, CKR_KEY_TYPE_INCONSISTENT (object class or
 * key type), CKR_KEY_SIZE_RANGE (for fn C_WrapKey / C_UnwrapKey in the
 * wrapping key's words: CKR_WRAPPING_KEY_*, CKR_UNWRAPPING_KEY_*), or
 * mcx_object_check_use's refusal; every refusal is audited under fn with
 * the code returned.  On CKR_OK the caller owns a reference. */
CK_RV mcx_ops_mech_key(struct mcx_session *s, const char *fn,
		       const struct mcx_mech *row, CK_OBJECT_HANDLE h,
		       CK_ATTRIBUTE_TYPE usage, struct mcx_object **out);

/* CKA_VALUE of a key (pointer into the object, valid until
 * mcx_object_put). */
CK_RV mcx_ops_mech_value(struct mcx_object *key, const uint8_t **value,
			 size_t *len);

/* Size-query discipline of PKCS#11 3.0 §5.2: NULL out -> *out_len = need,
 * CKR_OK; too small -> *out_len = need, CKR_BUFFER_TOO_SMALL; else CKR_OK
 * and the caller produces the output.  *produce says which. */
CK_RV mcx_ops_mech_out_len(CK_BYTE *out, CK_ULONG *out_len, CK_ULONG need,
			   bool *produce);

/* Handlers (ops_gcm.c, ops_sig_std.c, ops_keygen.c, ops_wrap.c). */
extern const struct mcx_cipher_ops mcx_ops_gcm_cipher;
extern const struct mcx_sign_ops mcx_ops_sig_std_hmac;
extern const struct mcx_sign_ops mcx_ops_sig_std_ecdsa;
extern const struct mcx_sign_ops mcx_ops_sig_std_ecdsa_sha256;
extern const struct mcx_sign_ops mcx_ops_sig_std_ecdsa_sha1;
extern const struct mcx_keygen_ops mcx_ops_keygen_secret;
extern const struct mcx_keygen_ops mcx_ops_keygen_ec;
/* The spec of a key generated by mech from the caller's tmpl and the
 * mechanism's implied attributes (ops_keygen.c): MCX_ORIGIN_GENERATED, so
 * CKA_LOCAL and CKA_KEY_GEN_MECHANISM = mech (§4.7). */
struct mcx_key_spec mcx_ops_keygen_spec(const CK_MECHANISM *mech,
					const CK_ATTRIBUTE *tmpl, CK_ULONG n,
					const CK_ATTRIBUTE *implied,
					CK_ULONG n_implied);
/* The one audit record of a call that makes a key (C_GenerateKey*,
 * C_UnwrapKey, C_DeriveKey; ops_keygen.c): it names the new key h, or
 * op_key (may be NULL) when none was made. */
void mcx_ops_keygen_audit_new(struct mcx_session *s, const char *fn,
			      CK_MECHANISM_TYPE mech, struct mcx_object *op_key,
			      CK_OBJECT_HANDLE h, CK_RV rv);
extern const struct mcx_wrap_ops mcx_ops_wrap_aes;
/* The MCX vendor mechanisms (ops_mcx_*.c, engineer G). */
extern const struct mcx_sign_ops mcx_ops_mcx_eccsi;
extern const struct mcx_keygen_ops mcx_ops_mcx_keygen;
extern const struct mcx_wrap_ops mcx_ops_mcx_sakke;
/* CKM_MCX_MIKEY_SAKKE (ops_mcx_mikey.c, issue 5): the row's handlers; the
 * sender is ops_mcx_mikey_send.c. */
extern const struct mcx_wrap_ops mcx_ops_mcx_mikey;
CK_RV mcx_ops_mcx_mikey_send(struct mcx_session *s, const CK_MECHANISM *mech,
			     struct mcx_object *wrapping_key,
			     struct mcx_object *key, CK_BYTE *out,
			     CK_ULONG *out_len);
/* The receiver (ops_mcx_mikey_receive.c); unwrapping_key is NULL when the
 * caller passed CK_INVALID_HANDLE (the token chooses the RSK). */
CK_RV mcx_ops_mcx_mikey_receive(struct mcx_session *s, const CK_MECHANISM *mech,
				struct mcx_object *unwrapping_key,
				const CK_BYTE *in, CK_ULONG in_len,
				const CK_ATTRIBUTE *tmpl, CK_ULONG n,
				CK_OBJECT_HANDLE *key);
/* KMS role (ops_mcx_kms.c, issue 4). */
extern const struct mcx_keygen_ops mcx_ops_mcx_kms_keygen;
extern const struct mcx_wrap_ops mcx_ops_mcx_kms_issue;
/* Regroup keys (ops_mcx_rgk.c, issue 6). */
extern const struct mcx_keygen_ops mcx_ops_mcx_rgk_seed_gen;
extern const struct mcx_wrap_ops mcx_ops_mcx_xpk_wrap;
extern const struct mcx_derive_ops mcx_ops_mcx_rgk_derive;

#endif /* MCX_TOKEN_OPS_INTERNAL_H */
