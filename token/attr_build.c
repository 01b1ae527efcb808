/*
 * Building the attribute set of a new object through the attribute policy
 * (attr_policy.h): template checks, defaults, forced and derived
 * attributes.  Derived attributes follow
 * PKCS#11 3.0 §4.9-4.10: CKA_LOCAL, CKA_KEY_GEN_MECHANISM,
 * CKA_ALWAYS_SENSITIVE, CKA_NEVER_EXTRACTABLE, CKA_CHECK_VALUE (§6.7: AES
 * rule, also for the 16-octet MCX key types; §6.1 generic secrets: SHA-1),
 * CKA_UNIQUE_ID (§4.4.1: assigned once, never changes).
 */
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdlib.h>
#include <string.h>

#include "common/wipe.h"
#include "mechanisms/libctx.h"
#include "token/attr_policy.h"
#include "token/internal.h"

static const CK_BBOOL ck_true = CK_TRUE, ck_false = CK_FALSE;

/* ---- Derived values ----------------------------------------------------- */

/* First 3 octets of AES-ECB(key, 0^16) or of SHA-1(key). */
static CK_RV check_value(CK_KEY_TYPE kt, const uint8_t *key, size_t len,
			 uint8_t out[3])
{
	CK_RV rv = CKR_GENERAL_ERROR;
	uint8_t block[32];
	memset(block, 0, sizeof(block));
	mcx_err_mark();
	if (kt == CKK_AES || kt == CKK_MCX_KEY || kt == CKK_MCX_RGK_SEED) {
		const char *name = len == 16   ? "AES-128-ECB"
				   : len == 24 ? "AES-192-ECB"
				   : len == 32 ? "AES-256-ECB"
					       : NULL;
		EVP_CIPHER *c =
		    name ? EVP_CIPHER_fetch(mcx_libctx(), name, NULL) : NULL;
		EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
		int outl = 0;
		if (c != NULL && ctx != NULL &&
		    EVP_EncryptInit_ex2(ctx, c, key, NULL, NULL) == 1 &&
		    EVP_CIPHER_CTX_set_padding(ctx, 0) == 1 &&
		    EVP_EncryptUpdate(ctx, block + 16, &outl, block, 16) == 1 &&
		    outl == 16) {
			memcpy(out, block + 16, 3);
			rv = CKR_OK;
		}
		EVP_CIPHER_CTX_free(ctx);
		EVP_CIPHER_free(c);
	} else {
		EVP_MD *md = EVP_MD_fetch(mcx_libctx(), "SHA1", NULL);
		unsigned int dl = 0;
		if (md != NULL &&
		    EVP_Digest(key, len, block, &dl, md, NULL) == 1) {
			memcpy(out, block, 3);
			rv = CKR_OK;
		}
		EVP_MD_free(md);
	}
	mcx_err_pop();
	mcx_wipe(block, sizeof(block));
	return rv;
}

CK_RV mcx_attr_new_unique_id(char out[33])
{
	uint8_t r[16];
	static const char hex[] = "0123456789abcdef";
	mcx_err_mark();
	int ok = RAND_bytes_ex(mcx_libctx(), r, sizeof(r), 0);
	mcx_err_pop();
	if (ok != 1)
		return CKR_DEVICE_ERROR;
	for (size_t i = 0; i < sizeof(r); i++) {
		out[2 * i] = hex[r[i] >> 4];
		out[2 * i + 1] = hex[r[i] & 15];
	}
	out[32] = '\0';
	return CKR_OK;
}

static bool tmpl_bool(const CK_ATTRIBUTE *a, bool dflt)
{
	if (a == NULL || a->pValue == NULL || a->ulValueLen != sizeof(CK_BBOOL))
		return dflt;
	return *(const CK_BBOOL *)a->pValue == CK_TRUE;
}

static bool attrs_bool(const struct mcx_attrs *a, CK_ATTRIBUTE_TYPE t,
		       bool dflt)
{
	const struct mcx_attr *x = mcx_attrs_find(a, t);
	if (x == NULL || x->len != sizeof(CK_BBOOL))
		return dflt;
	return x->value[0] == CK_TRUE;
}

static CK_ULONG attrs_ulong(const struct mcx_attrs *a, CK_ATTRIBUTE_TYPE t,
			    CK_ULONG dflt)
{
	const struct mcx_attr *x = mcx_attrs_find(a, t);
	CK_ULONG v = dflt;
	if (x != NULL && x->len == sizeof(CK_ULONG))
		memcpy(&v, x->value, sizeof(v));
	return v;
}

static CK_RV set_bool(struct mcx_attrs *a, CK_ATTRIBUTE_TYPE t, bool v)
{
	return mcx_attrs_set(a, t, v ? &ck_true : &ck_false, sizeof(CK_BBOOL),
			     false);
}

static CK_RV set_ulong(struct mcx_attrs *a, CK_ATTRIBUTE_TYPE t, CK_ULONG v)
{
	return mcx_attrs_set(a, t, &v, sizeof(v), false);
}

static CK_RV default_bool(struct mcx_attrs *a, CK_ATTRIBUTE_TYPE t, bool v)
{
	return mcx_attrs_find(a, t) ? CKR_OK : set_bool(a, t, v);
}

/* Defaults for attributes the template left out (token-specific defaults
 * as a SoftHSMv2 or network HSM user expects: keys private and sensitive,
 * not extractable, usable for what their class can do). */
static CK_RV apply_defaults(struct mcx_attrs *a, CK_OBJECT_CLASS cls)
{
	bool key = cls == CKO_PUBLIC_KEY || cls == CKO_PRIVATE_KEY ||
		   cls == CKO_SECRET_KEY;
	bool secret = cls == CKO_PRIVATE_KEY || cls == CKO_SECRET_KEY;
	CK_RV rv = CKR_OK;
	struct {
		CK_ATTRIBUTE_TYPE t;
		bool v;
		bool when;
	} d[] = {
	    {CKA_TOKEN, false, true},
	    {CKA_PRIVATE, secret, true},
	    {CKA_MODIFIABLE, true, true},
	    {CKA_COPYABLE, true, true},
	    {CKA_DESTROYABLE, true, true},
	    {CKA_DERIVE, false, key},
	    {CKA_SENSITIVE, true, secret},
	    {CKA_EXTRACTABLE, false, secret},
	    {CKA_WRAP_WITH_TRUSTED, false, secret},
	    {CKA_ENCRYPT, true, cls == CKO_PUBLIC_KEY || cls == CKO_SECRET_KEY},
	    {CKA_VERIFY, true, cls == CKO_PUBLIC_KEY || cls == CKO_SECRET_KEY},
	    {CKA_WRAP, true, cls == CKO_PUBLIC_KEY || cls == CKO_SECRET_KEY},
	    {CKA_TRUSTED, false,
	     cls == CKO_PUBLIC_KEY || cls == CKO_SECRET_KEY ||
		 cls == CKO_CERTIFICATE},
	    {CKA_VERIFY_RECOVER, true, cls == CKO_PUBLIC_KEY},
	    {CKA_DECRYPT, true, secret},
	    {CKA_SIGN, true, secret},
	    {CKA_UNWRAP, true, secret},
	    {CKA_SIGN_RECOVER, true, cls == CKO_PRIVATE_KEY},
	    {CKA_ALWAYS_AUTHENTICATE, false, cls == CKO_PRIVATE_KEY},
	};
	for (size_t i = 0; i < sizeof(d) / sizeof(d[0]) && rv == CKR_OK; i++)
		if (d[i].when)
			rv = default_bool(a, d[i].t, d[i].v);
	if (rv == CKR_OK && !mcx_attrs_find(a, CKA_LABEL))
		rv = mcx_attrs_set(a, CKA_LABEL, NULL, 0, false);
	if (rv == CKR_OK && key && !mcx_attrs_find(a, CKA_ID))
		rv = mcx_attrs_set(a, CKA_ID, NULL, 0, false);
	if (rv == CKR_OK && key && !mcx_attrs_find(a, CKA_START_DATE))
		rv = mcx_attrs_set(a, CKA_START_DATE, NULL, 0, false);
	if (rv == CKR_OK && key && !mcx_attrs_find(a, CKA_END_DATE))
		rv = mcx_attrs_set(a, CKA_END_DATE, NULL, 0, false);
	if (rv == CKR_OK && cls == CKO_CERTIFICATE &&
	    !mcx_attrs_find(a, CKA_CERTIFICATE_CATEGORY))
		rv = set_ulong(a, CKA_CERTIFICATE_CATEGORY, 0);
	return rv;
}

/* Validate one application-supplied attribute against the policy, for
 * creation (copy == false) or C_CopyObject / C_SetAttributeValue (copy ==
 * true, old = current attributes). */
CK_RV mcx_policy_check_change(CK_OBJECT_CLASS cls, CK_KEY_TYPE kt,
			      const CK_ATTRIBUTE *t,
			      const struct mcx_attrs *old, bool copy, bool set,
			      CK_USER_TYPE user)
{
	const struct mcx_attr_rule *r = mcx_policy_rule(cls, kt, t->type);
	if (r == NULL)
		return CKR_ATTRIBUTE_TYPE_INVALID;
	CK_RV rv = mcx_policy_value_ok(r, t->pValue, t->ulValueLen);
	if (rv != CKR_OK)
		return rv;
	if (r->flags & MCX_AF_READONLY)
		return CKR_ATTRIBUTE_READ_ONLY;
	bool newv = r->kind == MCX_AK_BOOL && tmpl_bool(t, false);
	if ((r->flags & MCX_AF_SO_ONLY) && newv && user != CKU_SO)
		return CKR_ATTRIBUTE_READ_ONLY;
	if (old == NULL)
		return CKR_OK;
	/* changing an existing object */
	const struct mcx_attr *o = mcx_attrs_find(old, t->type);
	bool same = o != NULL && o->len == t->ulValueLen &&
		    (o->len == 0 || memcmp(o->value, t->pValue, o->len) == 0);
	if (same)
		return CKR_OK;
	bool allowed = (r->flags & MCX_AF_MODIFIABLE) ||
		       (copy && (r->flags & MCX_AF_COPY_ONLY));
	if (!allowed || (set && (r->flags & MCX_AF_COPY_ONLY)))
		return CKR_ATTRIBUTE_READ_ONLY;
	bool oldv = o != NULL && o->len == 1 && o->value[0] == CK_TRUE;
	if ((r->flags & MCX_AF_LATCH_TRUE) && oldv && !newv)
		return CKR_ATTRIBUTE_READ_ONLY;
	if ((r->flags & MCX_AF_LATCH_FALSE) && !oldv && newv)
		return CKR_ATTRIBUTE_READ_ONLY;
	(void)rv;
	return CKR_OK;
}

/* Secret-key specific values: CKA_VALUE length, CKA_VALUE_LEN, check
 * value. */
static CK_RV finish_secret(struct mcx_attrs *a, CK_KEY_TYPE kt)
{
	const struct mcx_attr *v = mcx_attrs_find(a, CKA_VALUE);
	if (v == NULL)
		return CKR_TEMPLATE_INCOMPLETE;
	CK_RV rv = mcx_policy_secret_len_ok(kt, v->len);
	if (rv != CKR_OK)
		return rv;
	size_t len = v->len;
	CK_ULONG given = attrs_ulong(a, CKA_VALUE_LEN, len);
	if (given != len)
		return CKR_TEMPLATE_INCONSISTENT;
	uint8_t cv[3];
	rv = check_value(kt, v->value, v->len, cv);
	if (rv != CKR_OK)
		return rv;
	const struct mcx_attr *g = mcx_attrs_find(a, CKA_CHECK_VALUE);
	/* a given check value must match (an empty one means "none") */
	if (g != NULL && g->len != 0 &&
	    (g->len != 3 || memcmp(g->value, cv, 3) != 0))
		return CKR_ATTRIBUTE_VALUE_INVALID;
	if (g == NULL || g->len != 0)
		rv = mcx_attrs_set(a, CKA_CHECK_VALUE, cv, 3, false);
	if (rv == CKR_OK)
		rv = set_ulong(a, CKA_VALUE_LEN, len);
	return rv;
}

/* Mark secret attributes (encrypted at rest, wiped in memory). */
static void mark_secrets(struct mcx_attrs *a, CK_OBJECT_CLASS cls,
			 CK_KEY_TYPE kt)
{
	for (size_t i = 0; i < a->n; i++) {
		const struct mcx_attr_rule *r =
		    mcx_policy_rule(cls, kt, a->v[i].type);
		a->v[i].secret = r != NULL && (r->flags & MCX_AF_SECRET);
	}
}

/* Check the template's own consistency: NULL values with a length,
 * duplicates with different values. */
CK_RV mcx_attr_check_template(const CK_ATTRIBUTE *t, CK_ULONG n)
{
	if (t == NULL && n != 0)
		return CKR_ARGUMENTS_BAD;
	for (CK_ULONG i = 0; i < n; i++) {
		if (t[i].pValue == NULL && t[i].ulValueLen != 0)
			return CKR_ATTRIBUTE_VALUE_INVALID;
		if (t[i].ulValueLen > MCX_POLICY_MAX_VALUE_LEN)
			return CKR_ATTRIBUTE_VALUE_INVALID;
		for (CK_ULONG j = 0; j < i; j++) {
			if (t[j].type != t[i].type)
				continue;
			if (t[j].ulValueLen != t[i].ulValueLen ||
			    (t[i].ulValueLen && memcmp(t[j].pValue, t[i].pValue,
						       t[i].ulValueLen) != 0))
				return CKR_TEMPLATE_INCONSISTENT;
		}
	}
	return CKR_OK;
}

static CK_RV get_ulong_attr(const CK_ATTRIBUTE *a, CK_ULONG *v)
{
	if (a->ulValueLen != sizeof(CK_ULONG) || a->pValue == NULL)
		return CKR_ATTRIBUTE_VALUE_INVALID;
	memcpy(v, a->pValue, sizeof(*v));
	return CKR_OK;
}

static CK_RV set_array_attr(struct mcx_attrs *a, const CK_ATTRIBUTE *t,
			    const struct mcx_attr_rule *r)
{
	if (r->kind != MCX_AK_ATTRS)
		return mcx_attrs_set(a, t->type, t->pValue, t->ulValueLen,
				     false);
	/* nested templates are kept in a pointer-free encoding */
	unsigned char *enc = NULL;
	size_t len = 0;
	CK_RV rv = mcx_attr_check_template(t->pValue, t->ulValueLen /
							  sizeof(CK_ATTRIBUTE));
	if (rv == CKR_OK)
		rv = mcx_policy_attrs_encode(
		    t->pValue, t->ulValueLen / sizeof(CK_ATTRIBUTE), &enc,
		    &len);
	if (rv == CKR_OK)
		rv = mcx_attrs_set(a, t->type, enc, len, false);
	free(enc);
	return rv;
}

struct req {
	const struct mcx_attrs *a;
	CK_RV rv;
};

static void check_req(const struct mcx_attr_rule *r, void *arg)
{
	struct req *req = arg;
	if ((r->flags & MCX_AF_REQUIRED) && req->rv == CKR_OK &&
	    mcx_attrs_find(req->a, r->type) == NULL)
		req->rv = CKR_TEMPLATE_INCOMPLETE;
}

/* Build the attribute set of a new object from the key spec (also used,
 * with implied == NULL and origin CREATED, for C_CreateObject). */
CK_RV mcx_attr_build(struct mcx_session *s, const struct mcx_key_spec *k,
		     struct mcx_attrs *out, CK_OBJECT_CLASS *cls_out)
{
	CK_RV rv = mcx_attr_check_template(k->tmpl, k->n_tmpl);
	if (rv == CKR_OK && k->implied == NULL && k->n_implied != 0)
		rv = CKR_ARGUMENTS_BAD;
	if (rv != CKR_OK)
		return rv;
	/* implied attributes win; a contradicting template entry is an
	 * inconsistency */
	for (CK_ULONG i = 0; i < k->n_implied; i++) {
		const CK_ATTRIBUTE *t =
		    mcx_template_find(k->tmpl, k->n_tmpl, k->implied[i].type);
		if (t != NULL &&
		    (t->ulValueLen != k->implied[i].ulValueLen ||
		     (t->ulValueLen && memcmp(t->pValue, k->implied[i].pValue,
					      t->ulValueLen) != 0)))
			return CKR_TEMPLATE_INCONSISTENT;
	}
	const CK_ATTRIBUTE *ca =
	    mcx_template_find(k->implied, k->n_implied, CKA_CLASS);
	if (ca == NULL)
		ca = mcx_template_find(k->tmpl, k->n_tmpl, CKA_CLASS);
	if (ca == NULL)
		return CKR_TEMPLATE_INCOMPLETE;
	CK_OBJECT_CLASS cls = 0;
	CK_KEY_TYPE kt = CK_UNAVAILABLE_INFORMATION;
	rv = get_ulong_attr(ca, &cls);
	if (rv != CKR_OK)
		return rv;
	bool key = cls == CKO_PUBLIC_KEY || cls == CKO_PRIVATE_KEY ||
		   cls == CKO_SECRET_KEY;
	if (key) {
		const CK_ATTRIBUTE *kta =
		    mcx_template_find(k->implied, k->n_implied, CKA_KEY_TYPE);
		if (kta == NULL)
			kta =
			    mcx_template_find(k->tmpl, k->n_tmpl, CKA_KEY_TYPE);
		if (kta == NULL)
			return CKR_TEMPLATE_INCOMPLETE;
		rv = get_ulong_attr(kta, &kt);
		if (rv != CKR_OK)
			return rv;
	}
	rv = mcx_policy_class_ok(cls, kt);
	if (rv != CKR_OK)
		return rv;
	if (!key && k->origin != MCX_ORIGIN_CREATED)
		return CKR_TEMPLATE_INCONSISTENT;

	/* the caller's template: policy per attribute */
	for (CK_ULONG i = 0; i < k->n_tmpl; i++) {
		const CK_ATTRIBUTE *t = &k->tmpl[i];
		const struct mcx_attr_rule *r =
		    mcx_policy_rule(cls, kt, t->type);
		rv = mcx_policy_check_change(cls, kt, t, NULL, false, false,
					     s->slot->user);
		if (rv != CKR_OK)
			return rv;
		if ((r->flags & MCX_AF_NO_CREATE) &&
		    k->origin == MCX_ORIGIN_CREATED)
			return CKR_TEMPLATE_INCONSISTENT;
	}
	/* the mechanism's attributes */
	for (CK_ULONG i = 0; i < k->n_implied && rv == CKR_OK; i++) {
		const struct mcx_attr_rule *r =
		    mcx_policy_rule(cls, kt, k->implied[i].type);
		if (r == NULL)
			return CKR_ATTRIBUTE_TYPE_INVALID;
		rv = mcx_policy_value_ok(r, k->implied[i].pValue,
					 k->implied[i].ulValueLen);
		if (rv == CKR_OK)
			rv = set_array_attr(out, &k->implied[i], r);
	}
	for (CK_ULONG i = 0; i < k->n_tmpl && rv == CKR_OK; i++) {
		if (mcx_attrs_find(out, k->tmpl[i].type) != NULL)
			continue;
		rv = set_array_attr(out, &k->tmpl[i],
				    mcx_policy_rule(cls, kt, k->tmpl[i].type));
	}
	if (rv != CKR_OK)
		return rv;

	/* required attributes (footnote 1) */
	struct req req = {out, CKR_OK};
	mcx_policy_each(cls, kt, check_req, &req);
	if (req.rv != CKR_OK)
		return req.rv;

	rv = apply_defaults(out, cls);
	if (rv != CKR_OK)
		return rv;
	if (mcx_policy_forced_sensitive(cls, kt)) {
		/* RSK / SSK: always sensitive, never extractable, whatever
		 * the template says (PRODUCT.md) */
		rv = set_bool(out, CKA_SENSITIVE, true);
		if (rv == CKR_OK)
			rv = set_bool(out, CKA_EXTRACTABLE, false);
	}
	if (rv == CKR_OK && key) {
		rv =
		    set_bool(out, CKA_LOCAL, k->origin == MCX_ORIGIN_GENERATED);
		if (rv == CKR_OK)
			rv = set_ulong(out, CKA_KEY_GEN_MECHANISM,
				       k->origin == MCX_ORIGIN_GENERATED
					   ? k->mechanism
					   : CK_UNAVAILABLE_INFORMATION);
	}
	if (rv == CKR_OK && (cls == CKO_PRIVATE_KEY || cls == CKO_SECRET_KEY)) {
		bool sens = attrs_bool(out, CKA_SENSITIVE, true);
		bool extr = attrs_bool(out, CKA_EXTRACTABLE, false);
		bool as = false, ne = false;
		switch (k->origin) {
		case MCX_ORIGIN_GENERATED:
			as = sens;
			ne = !extr;
			break;
		case MCX_ORIGIN_DERIVED:
			as = sens &&
			     (k->base_key == NULL ||
			      mcx_object_bool(k->base_key, CKA_ALWAYS_SENSITIVE,
					      false));
			ne = !extr &&
			     (k->base_key == NULL ||
			      mcx_object_bool(k->base_key,
					      CKA_NEVER_EXTRACTABLE, false));
			break;
		default:
			break;
		}
		if (mcx_policy_forced_sensitive(cls, kt))
			as = ne = true;
		rv = set_bool(out, CKA_ALWAYS_SENSITIVE, as);
		if (rv == CKR_OK)
			rv = set_bool(out, CKA_NEVER_EXTRACTABLE, ne);
	}
	if (rv == CKR_OK && cls == CKO_SECRET_KEY)
		rv = finish_secret(out, kt);
	if (rv == CKR_OK && k->unwrapping_key != NULL) {
		/* the new key must satisfy CKA_UNWRAP_TEMPLATE (§4.9) */
		CK_ATTRIBUTE tv[128];
		CK_ULONG n = 0;
		for (size_t i = 0; i < out->n && n < 128; i++, n++) {
			tv[n].type = out->v[i].type;
			tv[n].pValue = out->v[i].value;
			tv[n].ulValueLen = out->v[i].len;
		}
		rv = mcx_object_template_matches(k->unwrapping_key,
						 CKA_UNWRAP_TEMPLATE, tv, n);
	}
	mark_secrets(out, cls, kt);
	*cls_out = cls;
	return rv;
}

CK_RV mcx_object_set_from_template(struct mcx_attrs *a, CK_OBJECT_CLASS cls,
				   CK_KEY_TYPE kt, const CK_ATTRIBUTE *t)
{
	const struct mcx_attr_rule *r = mcx_policy_rule(cls, kt, t->type);
	if (r == NULL)
		return CKR_ATTRIBUTE_TYPE_INVALID;
	CK_RV rv = set_array_attr(a, t, r);
	if (rv == CKR_OK && (r->flags & MCX_AF_SECRET)) {
		for (size_t i = 0; i < a->n; i++)
			if (a->v[i].type == t->type)
				a->v[i].secret = true;
	}
	return rv;
}
