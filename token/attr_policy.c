/*
 * The attribute policy tables (see attr_policy.h for the flags and their
 * PKCS#11 3.0 footnotes).  A class's policy is the union of its tables:
 * storage objects + class (+ key common + key type for keys).
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <mcxhsm/pkcs11-mcx.h>

#include "token/attr_policy.h"

#define R_ MCX_AF_REQUIRED
#define NC MCX_AF_NO_CREATE
#define RO MCX_AF_READONLY
#define MO MCX_AF_MODIFIABLE
#define LT MCX_AF_LATCH_TRUE
#define LF MCX_AF_LATCH_FALSE
#define CO MCX_AF_COPY_ONLY
#define SO MCX_AF_SO_ONLY
#define SE MCX_AF_SENSITIVE
#define SC MCX_AF_SECRET

#define B MCX_AK_BOOL
#define U MCX_AK_ULONG
#define Y MCX_AK_BYTES
#define D MCX_AK_DATE
#define A MCX_AK_ATTRS
#define M MCX_AK_MECHS

#define END                                                                    \
	{                                                                      \
		0, 0, 0xffffffffu                                              \
	}

/* §4.4 storage objects (all classes) */
static const struct mcx_attr_rule storage[] = {
    {CKA_CLASS, U, R_},
    {CKA_TOKEN, B, CO},
    {CKA_PRIVATE, B, CO},
    {CKA_MODIFIABLE, B, CO | LF},
    {CKA_LABEL, Y, MO},
    {CKA_COPYABLE, B, MO | LF},
    {CKA_DESTROYABLE, B, CO},
    {CKA_UNIQUE_ID, Y, RO},
    END,
};

/* §4.5 data objects */
static const struct mcx_attr_rule data[] = {
    {CKA_APPLICATION, Y, MO},
    {CKA_OBJECT_ID, Y, MO},
    {CKA_VALUE, Y, MO},
    END,
};

/* §4.6 certificates (+ X.509 §4.6.3; the MCX identity attributes for
 * KMS certificates) */
static const struct mcx_attr_rule certificate[] = {
    {CKA_CERTIFICATE_TYPE, U, R_},
    {CKA_TRUSTED, B, SO},
    {CKA_CERTIFICATE_CATEGORY, U, 0},
    {CKA_CHECK_VALUE, Y, 0},
    {CKA_START_DATE, D, MO},
    {CKA_END_DATE, D, MO},
    {CKA_PUBLIC_KEY_INFO, Y, 0},
    {CKA_SUBJECT, Y, 0},
    {CKA_ID, Y, MO},
    {CKA_ISSUER, Y, MO},
    {CKA_SERIAL_NUMBER, Y, MO},
    {CKA_VALUE, Y, 0},
    {CKA_URL, Y, 0},
    {CKA_HASH_OF_SUBJECT_PUBLIC_KEY, Y, 0},
    {CKA_HASH_OF_ISSUER_PUBLIC_KEY, Y, 0},
    {CKA_JAVA_MIDP_SECURITY_DOMAIN, U, 0},
    {CKA_NAME_HASH_ALGORITHM, U, 0},
    {CKA_MCX_KMS_URI, Y, 0},
    {CKA_MCX_USER_URI, Y, 0},
    {CKA_MCX_KMS_ROLE, Y, 0},
    {CKA_MCX_VALID_FROM, U, 0},
    {CKA_MCX_VALID_TO, U, 0},
    {CKA_MCX_USER_KEY_PERIOD, U, 0},
    {CKA_MCX_USER_KEY_OFFSET, U, 0},
    {CKA_MCX_REVOKED, B, MO | LT},
    END,
};

/* §4.7 keys (common) */
static const struct mcx_attr_rule key[] = {
    {CKA_KEY_TYPE, U, R_},
    {CKA_ID, Y, MO},
    {CKA_START_DATE, D, MO},
    {CKA_END_DATE, D, MO},
    {CKA_DERIVE, B, MO},
    {CKA_LOCAL, B, RO},
    {CKA_KEY_GEN_MECHANISM, U, RO},
    {CKA_ALLOWED_MECHANISMS, M, 0},
    END,
};

/* §4.8 public keys */
static const struct mcx_attr_rule public_key[] = {
    {CKA_SUBJECT, Y, MO},
    {CKA_ENCRYPT, B, MO},
    {CKA_VERIFY, B, MO},
    {CKA_VERIFY_RECOVER, B, MO},
    {CKA_WRAP, B, MO},
    {CKA_TRUSTED, B, MO | SO},
    {CKA_WRAP_TEMPLATE, A, 0},
    {CKA_PUBLIC_KEY_INFO, Y, 0},
    END,
};

/* §4.9 private keys */
static const struct mcx_attr_rule private_key[] = {
    {CKA_SUBJECT, Y, MO},	    {CKA_SENSITIVE, B, MO | LT},
    {CKA_DECRYPT, B, MO},	    {CKA_SIGN, B, MO},
    {CKA_SIGN_RECOVER, B, MO},	    {CKA_UNWRAP, B, MO},
    {CKA_EXTRACTABLE, B, MO | LF},  {CKA_ALWAYS_SENSITIVE, B, RO},
    {CKA_NEVER_EXTRACTABLE, B, RO}, {CKA_WRAP_WITH_TRUSTED, B, MO | LT},
    {CKA_UNWRAP_TEMPLATE, A, 0},    {CKA_ALWAYS_AUTHENTICATE, B, 0},
    {CKA_PUBLIC_KEY_INFO, Y, 0},    END,
};

/* §4.10 secret keys */
static const struct mcx_attr_rule secret_key[] = {
    {CKA_SENSITIVE, B, MO | LT},   {CKA_ENCRYPT, B, MO},
    {CKA_DECRYPT, B, MO},	   {CKA_SIGN, B, MO},
    {CKA_VERIFY, B, MO},	   {CKA_WRAP, B, MO},
    {CKA_UNWRAP, B, MO},	   {CKA_EXTRACTABLE, B, MO | LF},
    {CKA_ALWAYS_SENSITIVE, B, RO}, {CKA_NEVER_EXTRACTABLE, B, RO},
    {CKA_CHECK_VALUE, Y, 0},	   {CKA_WRAP_WITH_TRUSTED, B, MO | LT},
    {CKA_TRUSTED, B, MO | SO},	   {CKA_WRAP_TEMPLATE, A, 0},
    {CKA_UNWRAP_TEMPLATE, A, 0},   {CKA_VALUE, Y, R_ | SE | SC},
    {CKA_VALUE_LEN, U, NC},	   END,
};

/* §6.3 EC public / private keys */
static const struct mcx_attr_rule ec_public[] = {
    {CKA_EC_PARAMS, Y, R_},
    {CKA_EC_POINT, Y, R_},
    END,
};
static const struct mcx_attr_rule ec_private[] = {
    {CKA_EC_PARAMS, Y, R_},
    {CKA_VALUE, Y, R_ | SE | SC},
    END,
};

/* Vendor key types (<mcxhsm/pkcs11-mcx.h>).  CKA_VALUE of a public key is
 * the KMS point (Z_T, KPAK); of a private key the RSK / SSK. */
static const struct mcx_attr_rule sakke_public[] = {
    {CKA_VALUE, Y, R_},
    {CKA_MCX_KMS_URI, Y, 0},
    {CKA_MCX_USER_KEY_PERIOD, U, 0},
    {CKA_MCX_USER_KEY_OFFSET, U, 0},
    /* the KMS certificate's ValidFrom/ValidTo and Role (Annex D, issue 4) */
    {CKA_MCX_VALID_FROM, U, 0},
    {CKA_MCX_VALID_TO, U, 0},
    {CKA_MCX_KMS_ROLE, Y, 0},
    {CKA_MCX_REVOKED, B, MO | LT},
    END,
};
static const struct mcx_attr_rule eccsi_public[] = {
    {CKA_VALUE, Y, R_},
    {CKA_MCX_KMS_URI, Y, 0},
    {CKA_MCX_USER_KEY_PERIOD, U, 0},
    {CKA_MCX_USER_KEY_OFFSET, U, 0},
    /* the KMS certificate's ValidFrom/ValidTo and Role (Annex D, issue 4) */
    {CKA_MCX_VALID_FROM, U, 0},
    {CKA_MCX_VALID_TO, U, 0},
    {CKA_MCX_KMS_ROLE, Y, 0},
    {CKA_MCX_REVOKED, B, MO | LT},
    END,
};
static const struct mcx_attr_rule identity_private[] = {
    {CKA_VALUE, Y, R_ | SE | SC},
    {CKA_MCX_USER_URI, Y, 0},
    {CKA_MCX_UID, Y, 0},
    {CKA_MCX_KMS_URI, Y, 0},
    {CKA_MCX_KEY_PERIOD_NO, U, 0},
    {CKA_MCX_VALID_FROM, U, 0},
    {CKA_MCX_VALID_TO, U, 0},
    {CKA_MCX_PVT, Y, 0},
    {CKA_MCX_HS, Y, 0},
    {CKA_MCX_ALLOW_SSV_EXPORT, B, 0},
    {CKA_MCX_REVOKED, B, MO | LT},
    /* KMS master secrets (CKM_MCX_KMS_KEY_GEN sets these) */
    {CKA_MCX_KMS_SECRET, B, RO},
    {CKA_MCX_USER_KEY_PERIOD, U, RO},
    {CKA_MCX_USER_KEY_OFFSET, U, RO},
    END,
};
static const struct mcx_attr_rule mcx_key[] = {
    {CKA_MCX_KEY_PURPOSE, U, 0},   {CKA_MCX_KEY_ID, Y, 0},
    {CKA_MCX_UK_ID, Y, 0},	   {CKA_MCX_STATUS, U, MO},
    {CKA_MCX_ACTIVATION, U, MO},   {CKA_MCX_EXPIRY, U, MO},
    {CKA_MCX_TEXT, Y, MO},	   {CKA_MCX_GROUP_IDS, Y, MO},
    {CKA_MCX_SENDER_URI, Y, 0},	   {CKA_MCX_RECEIVER_URI, Y, 0},
    {CKA_MCX_REVOKED, B, MO | LT}, END,
};
static const struct mcx_attr_rule rgk_seed[] = {
    {CKA_MCX_REGROUP_ID, Y, 0},
    {CKA_MCX_INITIATOR_URI, Y, 0},
    {CKA_MCX_CREATED, U, 0},
    {CKA_MCX_EXPIRY, U, MO}, /* the server may extend or end the regroup */
    {CKA_MCX_REVOKED, B, MO | LT},
    END,
};
static const struct mcx_attr_rule none[] = {END};

/* The audit records (read-only through PKCS#11). */
static const struct mcx_attr_rule audit[] = {
    {CKA_MCX_AUDIT_SEQ, U, RO},	      {CKA_MCX_AUDIT_TIME, U, RO},
    {CKA_MCX_AUDIT_PID, U, RO},	      {CKA_MCX_AUDIT_USER_TYPE, U, RO},
    {CKA_MCX_AUDIT_FUNCTION, Y, RO},  {CKA_MCX_AUDIT_MECHANISM, U, RO},
    {CKA_MCX_AUDIT_OBJECT_ID, Y, RO}, {CKA_MCX_AUDIT_LABEL, Y, RO},
    {CKA_MCX_AUDIT_RV, U, RO},	      {CKA_MCX_AUDIT_PREV_HASH, Y, RO},
    {CKA_MCX_AUDIT_HASH, Y, RO},      END,
};

static bool is_end(const struct mcx_attr_rule *r)
{
	return r->flags == 0xffffffffu;
}

/* The tables that make up a class's policy; n = how many. */
static size_t tables(CK_OBJECT_CLASS cls, CK_KEY_TYPE kt,
		     const struct mcx_attr_rule *t[4])
{
	t[0] = storage;
	switch (cls) {
	case CKO_DATA:
		t[1] = data;
		return 2;
	case CKO_CERTIFICATE:
		t[1] = certificate;
		return 2;
	case CKO_MCX_AUDIT_RECORD:
		t[1] = audit;
		return 2;
	case CKO_PUBLIC_KEY:
		t[1] = key;
		t[2] = public_key;
		t[3] = kt == CKK_EC	     ? ec_public
		       : kt == CKK_MCX_SAKKE ? sakke_public
		       : kt == CKK_MCX_ECCSI ? eccsi_public
					     : none;
		return 4;
	case CKO_PRIVATE_KEY:
		t[1] = key;
		t[2] = private_key;
		t[3] = kt == CKK_EC ? ec_private
		       : (kt == CKK_MCX_SAKKE || kt == CKK_MCX_ECCSI)
			   ? identity_private
			   : none;
		return 4;
	case CKO_SECRET_KEY:
		t[1] = key;
		t[2] = secret_key;
		t[3] = kt == CKK_MCX_KEY	? mcx_key
		       : kt == CKK_MCX_RGK_SEED ? rgk_seed
						: none;
		return 4;
	default:
		return 0;
	}
}

const struct mcx_attr_rule *mcx_policy_rule(CK_OBJECT_CLASS cls,
					    CK_KEY_TYPE key_type,
					    CK_ATTRIBUTE_TYPE type)
{
	const struct mcx_attr_rule *t[4];
	size_t n = tables(cls, key_type, t);
	/* later tables refine earlier ones (CKA_VALUE of a key type) */
	for (size_t i = n; i-- > 0;)
		for (const struct mcx_attr_rule *r = t[i]; !is_end(r); r++)
			if (r->type == type)
				return r;
	return NULL;
}

void mcx_policy_each(CK_OBJECT_CLASS cls, CK_KEY_TYPE key_type,
		     void (*fn)(const struct mcx_attr_rule *r, void *arg),
		     void *arg)
{
	const struct mcx_attr_rule *t[4];
	size_t n = tables(cls, key_type, t);
	for (size_t i = 0; i < n; i++)
		for (const struct mcx_attr_rule *r = t[i]; !is_end(r); r++)
			if (mcx_policy_rule(cls, key_type, r->type) == r)
				fn(r, arg);
}

CK_RV mcx_policy_class_ok(CK_OBJECT_CLASS cls, CK_KEY_TYPE kt)
{
	switch (cls) {
	case CKO_DATA:
	case CKO_CERTIFICATE:
		return CKR_OK;
	case CKO_PUBLIC_KEY:
	case CKO_PRIVATE_KEY:
		if (kt == CKK_EC || kt == CKK_MCX_SAKKE || kt == CKK_MCX_ECCSI)
			return CKR_OK;
		if (kt == CKK_AES || kt == CKK_GENERIC_SECRET ||
		    kt == CKK_SHA256_HMAC || kt == CKK_MCX_KEY ||
		    kt == CKK_MCX_RGK_SEED)
			return CKR_TEMPLATE_INCONSISTENT;
		return CKR_ATTRIBUTE_VALUE_INVALID;
	case CKO_SECRET_KEY:
		if (kt == CKK_AES || kt == CKK_GENERIC_SECRET ||
		    kt == CKK_SHA256_HMAC || kt == CKK_MCX_KEY ||
		    kt == CKK_MCX_RGK_SEED)
			return CKR_OK;
		if (kt == CKK_EC || kt == CKK_MCX_SAKKE || kt == CKK_MCX_ECCSI)
			return CKR_TEMPLATE_INCONSISTENT;
		return CKR_ATTRIBUTE_VALUE_INVALID;
	default:
		return CKR_ATTRIBUTE_VALUE_INVALID;
	}
}

CK_RV mcx_policy_value_ok(const struct mcx_attr_rule *r, const void *value,
			  CK_ULONG len)
{
	if (value == NULL && len != 0)
		return CKR_ATTRIBUTE_VALUE_INVALID;
	/* no attribute is this large; CK_UNAVAILABLE_INFORMATION left in a
	 * template by C_GetAttributeValue must not be trusted as a length */
	if (len > MCX_POLICY_MAX_VALUE_LEN)
		return CKR_ATTRIBUTE_VALUE_INVALID;
	switch (r->kind) {
	case MCX_AK_BOOL:
		if (len != sizeof(CK_BBOOL))
			return CKR_ATTRIBUTE_VALUE_INVALID;
		return (*(const CK_BBOOL *)value == CK_TRUE ||
			*(const CK_BBOOL *)value == CK_FALSE)
			   ? CKR_OK
			   : CKR_ATTRIBUTE_VALUE_INVALID;
	case MCX_AK_ULONG:
		return len == sizeof(CK_ULONG) ? CKR_OK
					       : CKR_ATTRIBUTE_VALUE_INVALID;
	case MCX_AK_DATE:
		return (len == 0 || len == sizeof(CK_DATE))
			   ? CKR_OK
			   : CKR_ATTRIBUTE_VALUE_INVALID;
	case MCX_AK_ATTRS:
		return len % sizeof(CK_ATTRIBUTE) == 0
			   ? CKR_OK
			   : CKR_ATTRIBUTE_VALUE_INVALID;
	case MCX_AK_MECHS:
		return len % sizeof(CK_MECHANISM_TYPE) == 0
			   ? CKR_OK
			   : CKR_ATTRIBUTE_VALUE_INVALID;
	case MCX_AK_BYTES:
	default:
		return CKR_OK;
	}
}

bool mcx_policy_forced_sensitive(CK_OBJECT_CLASS cls, CK_KEY_TYPE kt)
{
	/* RGK-SEED: issue 6, it leaves only under CKM_MCX_XPK_WRAP */
	return (cls == CKO_PRIVATE_KEY &&
		(kt == CKK_MCX_SAKKE || kt == CKK_MCX_ECCSI)) ||
	       (cls == CKO_SECRET_KEY && kt == CKK_MCX_RGK_SEED);
}

CK_RV mcx_policy_secret_len_ok(CK_KEY_TYPE kt, size_t len)
{
	switch (kt) {
	case CKK_AES:
		return (len == 16 || len == 24 || len == 32)
			   ? CKR_OK
			   : CKR_ATTRIBUTE_VALUE_INVALID;
	case CKK_MCX_KEY:
	case CKK_MCX_RGK_SEED:
		return len == 16 ? CKR_OK : CKR_ATTRIBUTE_VALUE_INVALID;
	default:
		return (len >= 1 && len <= 1024) ? CKR_OK
						 : CKR_ATTRIBUTE_VALUE_INVALID;
	}
}

static void put_u64(unsigned char *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--) {
		p[i] = (unsigned char)(v & 0xff);
		v >>= 8;
	}
}

static uint64_t get_u64(const unsigned char *p)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = (v << 8) | p[i];
	return v;
}

CK_RV mcx_policy_attrs_encode(const CK_ATTRIBUTE *a, CK_ULONG n,
			      unsigned char **out, size_t *out_len)
{
	size_t total = 0;
	*out = NULL;
	*out_len = 0;
	for (CK_ULONG i = 0; i < n; i++) {
		if (a[i].pValue == NULL && a[i].ulValueLen != 0)
			return CKR_ATTRIBUTE_VALUE_INVALID;
		if (a[i].ulValueLen > 65536)
			return CKR_ATTRIBUTE_VALUE_INVALID;
		total += 16 + a[i].ulValueLen;
	}
	unsigned char *buf = malloc(total ? total : 1);
	if (buf == NULL)
		return CKR_HOST_MEMORY;
	size_t off = 0;
	for (CK_ULONG i = 0; i < n; i++) {
		put_u64(buf + off, a[i].type);
		put_u64(buf + off + 8, a[i].ulValueLen);
		if (a[i].ulValueLen)
			memcpy(buf + off + 16, a[i].pValue, a[i].ulValueLen);
		off += 16 + a[i].ulValueLen;
	}
	*out = buf;
	*out_len = total;
	return CKR_OK;
}

bool mcx_policy_attrs_decode(const unsigned char *enc, size_t len,
			     CK_ULONG *count, CK_ATTRIBUTE *v, CK_ULONG max)
{
	size_t off = 0;
	CK_ULONG n = 0;
	while (off < len) {
		if (len - off < 16)
			return false;
		uint64_t t = get_u64(enc + off), l = get_u64(enc + off + 8);
		if (l > len - off - 16)
			return false;
		if (v != NULL && n < max) {
			v[n].type = (CK_ATTRIBUTE_TYPE)t;
			v[n].pValue = l ? (void *)(enc + off + 16) : NULL;
			v[n].ulValueLen = (CK_ULONG)l;
		}
		n++;
		off += 16 + (size_t)l;
	}
	*count = n;
	return true;
}
