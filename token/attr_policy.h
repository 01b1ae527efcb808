/*
 * The attribute policy: one table per object class (and per key type),
 * from the PKCS#11 3.0 base specification §4.4-4.10 and their footnotes
 * (Table 10 "Common footnotes for object attribute tables"):
 *   REQUIRED   must be given to C_CreateObject (footnote 1)
 *   NO_CREATE  must not be given to C_CreateObject (footnote 3, e.g. an AES
 *              key's CKA_VALUE_LEN) but may come from a mechanism
 *   READONLY   set by the token only (footnote 2/4: CKA_LOCAL,
 *              CKA_ALWAYS_SENSITIVE, CKA_NEVER_EXTRACTABLE,
 *              CKA_KEY_GEN_MECHANISM, CKA_UNIQUE_ID)
 *   MODIFIABLE may change after creation (footnote 8); with LATCH_TRUE only
 *              FALSE->TRUE (CKA_SENSITIVE, CKA_WRAP_WITH_TRUSTED), with
 *              LATCH_FALSE only TRUE->FALSE (CKA_EXTRACTABLE, CKA_COPYABLE)
 *   COPY_ONLY  may change in C_CopyObject only (CKA_TOKEN, CKA_PRIVATE,
 *              CKA_MODIFIABLE, CKA_DESTROYABLE)
 *   SO_ONLY    only the SO may set it TRUE (CKA_TRUSTED, footnote 11)
 *   SENSITIVE  never revealed when the key is sensitive or unextractable
 *              (footnote 7)
 *   SECRET     encrypted at rest by the store
 */
#ifndef MCX_TOKEN_ATTR_POLICY_H
#define MCX_TOKEN_ATTR_POLICY_H

#include <mcxhsm/pkcs11.h>
#include <stdbool.h>
#include <stddef.h>

enum mcx_attr_kind {
	MCX_AK_BOOL,
	MCX_AK_ULONG,
	MCX_AK_BYTES,
	MCX_AK_DATE,  /* CK_DATE or empty */
	MCX_AK_ATTRS, /* CK_ATTRIBUTE array (wrap/unwrap templates) */
	MCX_AK_MECHS, /* CK_MECHANISM_TYPE array */
};

#define MCX_AF_REQUIRED	   0x001u
#define MCX_AF_NO_CREATE   0x002u
#define MCX_AF_READONLY	   0x004u
#define MCX_AF_MODIFIABLE  0x008u
#define MCX_AF_LATCH_TRUE  0x010u
#define MCX_AF_LATCH_FALSE 0x020u
#define MCX_AF_COPY_ONLY   0x040u
#define MCX_AF_SO_ONLY	   0x080u
#define MCX_AF_SENSITIVE   0x100u
#define MCX_AF_SECRET	   0x200u

/* Largest attribute value accepted (certificates and MCX messages are
 * far smaller). */
#define MCX_POLICY_MAX_VALUE_LEN (1UL << 20)

struct mcx_attr_rule {
	CK_ATTRIBUTE_TYPE type;
	enum mcx_attr_kind kind;
	unsigned flags;
};

/* The rule for type in an object of class / key_type (key_type ignored for
 * non-keys), or NULL if such an object has no such attribute. */
const struct mcx_attr_rule *mcx_policy_rule(CK_OBJECT_CLASS cls,
					    CK_KEY_TYPE key_type,
					    CK_ATTRIBUTE_TYPE type);
/* Call fn for every rule of the class / key type. */
void mcx_policy_each(CK_OBJECT_CLASS cls, CK_KEY_TYPE key_type,
		     void (*fn)(const struct mcx_attr_rule *r, void *arg),
		     void *arg);
/* Is cls a class C_CreateObject accepts, and key_type valid for it?
 * CKR_OK, CKR_ATTRIBUTE_VALUE_INVALID (unknown class or key type),
 * CKR_TEMPLATE_INCONSISTENT (key type of another class). */
CK_RV mcx_policy_class_ok(CK_OBJECT_CLASS cls, CK_KEY_TYPE key_type);
/* Length check of one value of kind: CKR_OK / CKR_ATTRIBUTE_VALUE_INVALID. */
CK_RV mcx_policy_value_ok(const struct mcx_attr_rule *r, const void *value,
			  CK_ULONG len);
/* Key types whose private/secret CKA_VALUE is always sensitive and never
 * extractable whatever the template says (MCX RSK and SSK, RGK-SEED). */
bool mcx_policy_forced_sensitive(CK_OBJECT_CLASS cls, CK_KEY_TYPE key_type);
/* Required length of a secret key's CKA_VALUE (0: any length >= 1), and
 * the allowed AES lengths for CKK_AES (returns 0 and *aes = true). */
CK_RV mcx_policy_secret_len_ok(CK_KEY_TYPE key_type, size_t len);

/* Serialise a CK_ATTRIBUTE array (CKA_WRAP_TEMPLATE, CKA_UNWRAP_TEMPLATE)
 * for storage: repeated (type u64, len u64, value).  *out malloc'd. */
CK_RV mcx_policy_attrs_encode(const CK_ATTRIBUTE *a, CK_ULONG n,
			      unsigned char **out, size_t *out_len);
/* Number of attributes in an encoded array, and the i-th one (pointers
 * into enc).  False if malformed. */
bool mcx_policy_attrs_decode(const unsigned char *enc, size_t len,
			     CK_ULONG *count, CK_ATTRIBUTE *v, CK_ULONG max);

#endif /* MCX_TOKEN_ATTR_POLICY_H */
