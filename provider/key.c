/*
 * Provider key objects for CKK_MCX_ECCSI and CKK_MCX_SAKKE, shared by the
 * two key managers.  A key is either a token object (from the store, by
 * reference: its handle, refound by CKA_UNIQUE_ID after a fork) or public
 * parts imported from OSSL_PARAMs.  Private parts never enter or leave:
 * only the token holds the SSK / RSK.
 *
 * Public parameters (README "OpenSSL provider"):
 *   pub (OSSL_PKEY_PARAM_PUB_KEY)  KMS public key: KPAK (65) or Z_T (257)
 *   kms-uri, user-uri (UTF-8), uid, pvt (octets), key-period-no,
 *   user-key-period, user-key-offset (unsigned), allow-ssv-export (int,
 *   read-only), pkcs11-uri (UTF-8, read-only).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/params.h>

#include "provider/internal.h"

/* the KMS URI of a KPAK imported without one (the token requires one on
 * every KMS public key object) */
#define IMPORTED_KMS_URI "urn:x-mcxhsm:provider-imported"

struct mcx_key *mcx_key_new(struct mcx_prov *prov, CK_KEY_TYPE kt)
{
	struct mcx_key *k = calloc(1, sizeof(*k));
	if (k == NULL)
		return NULL;
	pthread_mutex_init(&k->lock, NULL);
	k->prov = prov;
	k->refs = 1;
	k->key_type = kt;
	k->cls = CKO_PUBLIC_KEY;
	k->handle = CK_INVALID_HANDLE;
	return k;
}

struct mcx_key *mcx_key_ref(struct mcx_key *k)
{
	if (k == NULL)
		return NULL;
	pthread_mutex_lock(&k->lock);
	k->refs++;
	pthread_mutex_unlock(&k->lock);
	return k;
}

void mcx_key_free(struct mcx_key *k)
{
	if (k == NULL)
		return;
	pthread_mutex_lock(&k->lock);
	int left = --k->refs;
	pthread_mutex_unlock(&k->lock);
	if (left > 0)
		return;
	if (k->session_object && k->handle != CK_INVALID_HANDLE) {
		CK_FUNCTION_LIST *f = NULL;
		CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
		unsigned gen = 0;
		if (mcx_p11_get(k->prov->p11, &f, &gen) == CKR_OK &&
		    gen == k->gen &&
		    mcx_p11_session_get(k->prov->p11, k->slot, &s) == CKR_OK) {
			CK_RV rv = f->C_DestroyObject(s, k->handle);
			mcx_p11_session_put(k->prov->p11, k->slot, s, rv);
		}
	}
	free(k->token_label);
	free(k->label);
	free(k->ckaid);
	free(k->value);
	free(k->kms_uri);
	free(k->user_uri);
	free(k->uid);
	free(k->pvt);
	pthread_mutex_destroy(&k->lock);
	free(k);
}

/* The value of attribute t of h, malloc'ed (NUL-terminated for strings);
 * CKR_OK with *v NULL when the object has no such attribute. */
static CK_RV get_attr(CK_FUNCTION_LIST *f, CK_SESSION_HANDLE s,
		      CK_OBJECT_HANDLE h, CK_ATTRIBUTE_TYPE t, uint8_t **v,
		      size_t *len)
{
	CK_ATTRIBUTE a = {t, NULL, 0};
	*v = NULL;
	*len = 0;
	CK_RV rv = f->C_GetAttributeValue(s, h, &a, 1);
	if (rv == CKR_ATTRIBUTE_TYPE_INVALID || rv == CKR_ATTRIBUTE_SENSITIVE)
		return CKR_OK;
	if (rv != CKR_OK || a.ulValueLen == CK_UNAVAILABLE_INFORMATION)
		return rv;
	a.pValue = malloc(a.ulValueLen + 1);
	if (a.pValue == NULL)
		return CKR_HOST_MEMORY;
	rv = f->C_GetAttributeValue(s, h, &a, 1);
	if (rv != CKR_OK) {
		free(a.pValue);
		return rv;
	}
	((uint8_t *)a.pValue)[a.ulValueLen] = 0;
	*v = a.pValue;
	*len = a.ulValueLen;
	return CKR_OK;
}

static CK_RV get_ulong(CK_FUNCTION_LIST *f, CK_SESSION_HANDLE s,
		       CK_OBJECT_HANDLE h, CK_ATTRIBUTE_TYPE t, CK_ULONG *v,
		       bool *has)
{
	CK_ATTRIBUTE a = {t, v, sizeof(*v)};
	CK_RV rv = f->C_GetAttributeValue(s, h, &a, 1);
	*has = rv == CKR_OK;
	return rv == CKR_ATTRIBUTE_TYPE_INVALID ? CKR_OK : rv;
}

CK_RV mcx_key_from_object(struct mcx_prov *prov, CK_FUNCTION_LIST *f,
			  CK_SESSION_HANDLE s, CK_SLOT_ID slot,
			  const char *token_label, CK_OBJECT_HANDLE h,
			  struct mcx_key **out)
{
	CK_OBJECT_CLASS cls = 0;
	CK_KEY_TYPE kt = 0;
	CK_BBOOL allow = CK_FALSE;
	CK_ATTRIBUTE a[] = {
	    {CKA_CLASS, &cls, sizeof(cls)},
	    {CKA_KEY_TYPE, &kt, sizeof(kt)},
	};
	uint8_t *uid = NULL;
	size_t len = 0;
	bool has = false;
	struct mcx_key *k = NULL;
	unsigned gen = 0;

	*out = NULL;
	CK_RV rv = f->C_GetAttributeValue(s, h, a, 2);
	if (rv != CKR_OK)
		return rv;
	if ((kt != CKK_MCX_ECCSI && kt != CKK_MCX_SAKKE) ||
	    (cls != CKO_PUBLIC_KEY && cls != CKO_PRIVATE_KEY))
		return CKR_KEY_TYPE_INCONSISTENT;
	rv = mcx_p11_get(prov->p11, &f, &gen);
	if (rv != CKR_OK)
		return rv;
	k = mcx_key_new(prov, kt);
	if (k == NULL)
		return CKR_HOST_MEMORY;
	k->cls = cls;
	k->in_token = true;
	k->slot = slot;
	k->handle = h;
	k->gen = gen;
	k->token_label = token_label ? strdup(token_label) : NULL;
	rv = get_attr(f, s, h, CKA_UNIQUE_ID, &uid, &len);
	if (rv == CKR_OK && (uid == NULL || len > sizeof(k->unique_id)))
		rv = CKR_ATTRIBUTE_VALUE_INVALID;
	if (rv == CKR_OK) {
		memcpy(k->unique_id, uid, len);
		k->unique_id_len = len;
	}
	free(uid);
	if (rv == CKR_OK)
		rv = get_attr(f, s, h, CKA_LABEL, (uint8_t **)&k->label, &len);
	if (rv == CKR_OK)
		rv = get_attr(f, s, h, CKA_ID, &k->ckaid, &k->ckaid_len);
	if (rv == CKR_OK)
		rv = get_attr(f, s, h, CKA_MCX_KMS_URI, (uint8_t **)&k->kms_uri,
			      &len);
	if (rv == CKR_OK && cls == CKO_PUBLIC_KEY)
		rv = get_attr(f, s, h, CKA_VALUE, &k->value, &k->value_len);
	if (rv == CKR_OK && cls == CKO_PUBLIC_KEY)
		rv = get_ulong(f, s, h, CKA_MCX_USER_KEY_PERIOD,
			       &k->user_key_period, &k->has_user_key_period);
	if (rv == CKR_OK && cls == CKO_PUBLIC_KEY)
		rv = get_ulong(f, s, h, CKA_MCX_USER_KEY_OFFSET,
			       &k->user_key_offset, &k->has_user_key_offset);
	if (rv == CKR_OK && cls == CKO_PRIVATE_KEY)
		rv = get_attr(f, s, h, CKA_MCX_USER_URI,
			      (uint8_t **)&k->user_uri, &len);
	if (rv == CKR_OK && cls == CKO_PRIVATE_KEY)
		rv = get_attr(f, s, h, CKA_MCX_UID, &k->uid, &k->uid_len);
	if (rv == CKR_OK && cls == CKO_PRIVATE_KEY)
		rv = get_ulong(f, s, h, CKA_MCX_KEY_PERIOD_NO,
			       &k->key_period_no, &k->has_key_period_no);
	if (rv == CKR_OK && cls == CKO_PRIVATE_KEY && kt == CKK_MCX_ECCSI)
		rv = get_attr(f, s, h, CKA_MCX_PVT, &k->pvt, &k->pvt_len);
	if (rv == CKR_OK && cls == CKO_PRIVATE_KEY && kt == CKK_MCX_SAKKE) {
		CK_ATTRIBUTE b = {CKA_MCX_ALLOW_SSV_EXPORT, &allow,
				  sizeof(allow)};
		has = f->C_GetAttributeValue(s, h, &b, 1) == CKR_OK;
		k->allow_ssv_export = has && allow == CK_TRUE;
	}
	if (rv != CKR_OK) {
		mcx_key_free(k);
		return rv;
	}
	*out = k;
	return CKR_OK;
}

/* First object of the template on slot, through s; none is an error
 * (the caller's rv_none). */
static CK_RV find_one(CK_FUNCTION_LIST *f, CK_SESSION_HANDLE s, CK_ATTRIBUTE *t,
		      CK_ULONG n, CK_RV rv_none, CK_OBJECT_HANDLE *h)
{
	CK_ULONG got = 0;
	CK_RV rv = f->C_FindObjectsInit(s, t, n);
	if (rv != CKR_OK)
		return rv;
	rv = f->C_FindObjects(s, h, 1, &got);
	f->C_FindObjectsFinal(s);
	if (rv == CKR_OK && got == 0)
		rv = rv_none;
	return rv;
}

CK_RV mcx_key_kms_object(struct mcx_key *k, CK_FUNCTION_LIST *f,
			 CK_SESSION_HANDLE s, bool token_only,
			 CK_OBJECT_HANDLE *h)
{
	CK_OBJECT_CLASS cls = CKO_PUBLIC_KEY;
	CK_BBOOL yes = CK_TRUE;
	if (k->kms_uri == NULL)
		return CKR_MCX_UNKNOWN_KMS;
	CK_ATTRIBUTE t[] = {
	    {CKA_CLASS, &cls, sizeof(cls)},
	    {CKA_KEY_TYPE, &k->key_type, sizeof(k->key_type)},
	    {CKA_MCX_KMS_URI, k->kms_uri, strlen(k->kms_uri)},
	    {CKA_TOKEN, &yes, sizeof(yes)},
	};
	return find_one(f, s, t, token_only ? 4 : 3, CKR_MCX_UNKNOWN_KMS, h);
}

/* An imported public key as an object: a token object with the same value
 * (a KMS certificate the token holds), else (KPAK only) a session object
 * we make. */
static CK_RV imported_handle(struct mcx_key *k, CK_FUNCTION_LIST *f,
			     CK_SESSION_HANDLE s, CK_OBJECT_HANDLE *h)
{
	CK_OBJECT_CLASS cls = CKO_PUBLIC_KEY;
	CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
	const char *kms = k->kms_uri ? k->kms_uri : IMPORTED_KMS_URI;
	CK_ATTRIBUTE t[] = {
	    {CKA_CLASS, &cls, sizeof(cls)},
	    {CKA_KEY_TYPE, &k->key_type, sizeof(k->key_type)},
	    {CKA_VALUE, k->value, k->value_len},
	    {CKA_TOKEN, &no, sizeof(no)},
	    {CKA_VERIFY, &yes, sizeof(yes)},
	    {CKA_MCX_KMS_URI, (void *)kms, strlen(kms)},
	};
	if (k->value == NULL || k->cls != CKO_PUBLIC_KEY)
		return CKR_KEY_HANDLE_INVALID;
	k->session_object = false;
	if (find_one(f, s, t, 3, CKR_OBJECT_HANDLE_INVALID, h) == CKR_OK)
		return CKR_OK;
	if (k->key_type != CKK_MCX_ECCSI)
		return CKR_KEY_HANDLE_INVALID;
	CK_RV rv = f->C_CreateObject(s, t, 6, h);
	if (rv == CKR_OK)
		k->session_object = true;
	return rv;
}

CK_RV mcx_key_handle(struct mcx_key *k, CK_FUNCTION_LIST *f,
		     CK_SESSION_HANDLE s, CK_OBJECT_HANDLE *h)
{
	unsigned gen = 0;
	CK_RV rv = mcx_p11_get(k->prov->p11, &f, &gen);
	if (rv != CKR_OK)
		return rv;
	pthread_mutex_lock(&k->lock);
	if (k->handle != CK_INVALID_HANDLE && k->gen == gen) {
		*h = k->handle;
		pthread_mutex_unlock(&k->lock);
		return CKR_OK;
	}
	if (k->in_token) {
		/* after fork the parent's handle means nothing here */
		CK_ATTRIBUTE t[] = {
		    {CKA_UNIQUE_ID, k->unique_id, k->unique_id_len},
		    {CKA_CLASS, &k->cls, sizeof(k->cls)},
		};
		rv = find_one(f, s, t, 2, CKR_OBJECT_HANDLE_INVALID, h);
	} else {
		rv = imported_handle(k, f, s, h);
	}
	if (rv == CKR_OK) {
		k->handle = *h;
		k->gen = gen;
	}
	pthread_mutex_unlock(&k->lock);
	return rv;
}

CK_RV mcx_key_slot(struct mcx_key *k, CK_SLOT_ID *slot)
{
	CK_FUNCTION_LIST *f = NULL;
	CK_SLOT_ID slots[16];
	CK_ULONG n = 16;
	if (k->in_token || k->handle != CK_INVALID_HANDLE) {
		*slot = k->slot;
		return CKR_OK;
	}
	CK_RV rv = mcx_p11_get(k->prov->p11, &f, NULL);
	if (rv == CKR_OK)
		rv = f->C_GetSlotList(CK_TRUE, slots, &n);
	if (rv != CKR_OK)
		return rv;
	CK_MECHANISM_TYPE want =
	    k->key_type == CKK_MCX_ECCSI ? CKM_MCX_ECCSI : CKM_MCX_SAKKE;
	for (CK_ULONG i = 0; i < n; i++) {
		CK_MECHANISM_INFO info;
		CK_TOKEN_INFO ti;
		if (f->C_GetMechanismInfo(slots[i], want, &info) == CKR_OK &&
		    f->C_GetTokenInfo(slots[i], &ti) == CKR_OK &&
		    (ti.flags & CKF_TOKEN_INITIALIZED)) {
			*slot = k->slot = slots[i];
			return CKR_OK;
		}
	}
	return CKR_TOKEN_NOT_PRESENT;
}

CK_RV mcx_key_session(struct mcx_key *k, CK_FUNCTION_LIST **f, CK_SLOT_ID *slot,
		      CK_SESSION_HANDLE *s, const char **call)
{
	*call = "C_GetSlotList";
	CK_RV rv = mcx_p11_get(k->prov->p11, f, NULL);
	if (rv == CKR_OK)
		rv = mcx_key_slot(k, slot);
	if (rv == CKR_OK) {
		*call = "C_OpenSession";
		rv = mcx_p11_session_get(k->prov->p11, *slot, s);
	}
	return rv;
}

/* ---- keymgmt parts ------------------------------------------------------- */

int mcx_key_has(const struct mcx_key *k, int selection)
{
	if (k == NULL)
		return 0;
	if ((selection & OSSL_KEYMGMT_SELECT_PRIVATE_KEY) &&
	    k->cls != CKO_PRIVATE_KEY)
		return 0;
	/* the public half of a private identity key is its identity and
	 * PVT; of a public key the KMS point */
	if ((selection & OSSL_KEYMGMT_SELECT_PUBLIC_KEY) &&
	    k->cls == CKO_PUBLIC_KEY && k->value == NULL)
		return 0;
	return 1;
}

static bool same(const void *a, size_t al, const void *b, size_t bl)
{
	return al == bl && (al == 0 || memcmp(a, b, al) == 0);
}

static size_t slen(const char *s)
{
	return s ? strlen(s) : 0;
}

int mcx_key_match(const struct mcx_key *a, const struct mcx_key *b,
		  int selection)
{
	if (a->key_type != b->key_type)
		return 0;
	if (a->in_token && b->in_token && a->cls == b->cls &&
	    same(a->unique_id, a->unique_id_len, b->unique_id,
		 b->unique_id_len))
		return 1;
	if (selection & OSSL_KEYMGMT_SELECT_PRIVATE_KEY)
		return 0; /* different objects (private parts unseen) */
	if (a->cls != b->cls)
		return 0;
	if (a->cls == CKO_PUBLIC_KEY)
		return same(a->value, a->value_len, b->value, b->value_len);
	return same(a->uid, a->uid_len, b->uid, b->uid_len) &&
	       same(a->kms_uri, slen(a->kms_uri), b->kms_uri, slen(b->kms_uri));
}

static int dup_octets(const OSSL_PARAM *p, uint8_t **v, size_t *len, size_t max)
{
	const void *d = NULL;
	size_t n = 0;
	if (!OSSL_PARAM_get_octet_string_ptr(p, &d, &n) || n == 0 || n > max)
		return 0;
	uint8_t *c = malloc(n);
	if (c == NULL)
		return 0;
	memcpy(c, d, n);
	free(*v);
	*v = c;
	*len = n;
	return 1;
}

static int dup_utf8(const OSSL_PARAM *p, char **v)
{
	const char *s = NULL;
	if (!OSSL_PARAM_get_utf8_string_ptr(p, &s))
		return 0;
	char *c = strdup(s);
	if (c == NULL)
		return 0;
	free(*v);
	*v = c;
	return 1;
}

int mcx_key_import(struct mcx_key *k, int selection, const OSSL_PARAM params[])
{
	const OSSL_PARAM *p = NULL;
	size_t want = k->key_type == CKK_MCX_ECCSI ? MCX_ECCSI_KPAK_BYTES
						   : MCX_SAKKE_ZT_BYTES;
	if (selection & OSSL_KEYMGMT_SELECT_PRIVATE_KEY) {
		MCX_RAISE(k->prov, MCX_R_PRIVATE_EXPORT,
			  "import of a private key: provision it in the token");
		return 0;
	}
	if (!(selection & OSSL_KEYMGMT_SELECT_PUBLIC_KEY))
		return 1;
	p = OSSL_PARAM_locate_const(params, OSSL_PKEY_PARAM_PUB_KEY);
	if (p == NULL || !dup_octets(p, &k->value, &k->value_len, want) ||
	    k->value_len != want) {
		MCX_RAISE(k->prov, MCX_R_BAD_PARAM, "%s: %zu octets expected",
			  OSSL_PKEY_PARAM_PUB_KEY, want);
		return 0;
	}
	p = OSSL_PARAM_locate_const(params, MCX_PARAM_KMS_URI);
	if (p != NULL && !dup_utf8(p, &k->kms_uri))
		return 0;
	p = OSSL_PARAM_locate_const(params, MCX_PARAM_USER_KEY_PERIOD);
	if (p != NULL) {
		unsigned long v = 0;
		if (!OSSL_PARAM_get_ulong(p, &v))
			return 0;
		k->user_key_period = v;
		k->has_user_key_period = true;
	}
	p = OSSL_PARAM_locate_const(params, MCX_PARAM_USER_KEY_OFFSET);
	if (p != NULL) {
		unsigned long v = 0;
		if (!OSSL_PARAM_get_ulong(p, &v))
			return 0;
		k->user_key_offset = v;
		k->has_user_key_offset = true;
	}
	k->cls = CKO_PUBLIC_KEY;
	k->in_token = false;
	return 1;
}

static const OSSL_PARAM import_public[] = {
    OSSL_PARAM_octet_string(OSSL_PKEY_PARAM_PUB_KEY, NULL, 0),
    OSSL_PARAM_utf8_string(MCX_PARAM_KMS_URI, NULL, 0),
    OSSL_PARAM_ulong(MCX_PARAM_USER_KEY_PERIOD, NULL),
    OSSL_PARAM_ulong(MCX_PARAM_USER_KEY_OFFSET, NULL),
    OSSL_PARAM_END,
};

const OSSL_PARAM *mcx_key_import_types(int selection)
{
	if (selection & OSSL_KEYMGMT_SELECT_PRIVATE_KEY)
		return NULL;
	return import_public;
}

/* Append the public parameters of k to bld-less params array pa (up to
 * max entries, END-terminated). */
static size_t public_params(struct mcx_key *k, OSSL_PARAM *pa, size_t max,
			    unsigned long *ul)
{
	size_t n = 0;
#define ADD(x)                                                                 \
	do {                                                                   \
		if (n + 1 < max)                                               \
			pa[n++] = (x);                                         \
	} while (0)
	if (k->value != NULL)
		ADD(OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY,
						      k->value, k->value_len));
	if (k->kms_uri != NULL)
		ADD(OSSL_PARAM_construct_utf8_string(MCX_PARAM_KMS_URI,
						     k->kms_uri, 0));
	if (k->user_uri != NULL)
		ADD(OSSL_PARAM_construct_utf8_string(MCX_PARAM_USER_URI,
						     k->user_uri, 0));
	if (k->uid != NULL)
		ADD(OSSL_PARAM_construct_octet_string(MCX_PARAM_UID, k->uid,
						      k->uid_len));
	if (k->pvt != NULL)
		ADD(OSSL_PARAM_construct_octet_string(MCX_PARAM_PVT, k->pvt,
						      k->pvt_len));
	ul[0] = k->key_period_no;
	ul[1] = k->user_key_period;
	ul[2] = k->user_key_offset;
	if (k->has_key_period_no)
		ADD(OSSL_PARAM_construct_ulong(MCX_PARAM_KEY_PERIOD_NO,
					       &ul[0]));
	if (k->has_user_key_period)
		ADD(OSSL_PARAM_construct_ulong(MCX_PARAM_USER_KEY_PERIOD,
					       &ul[1]));
	if (k->has_user_key_offset)
		ADD(OSSL_PARAM_construct_ulong(MCX_PARAM_USER_KEY_OFFSET,
					       &ul[2]));
#undef ADD
	pa[n] = OSSL_PARAM_construct_end();
	return n;
}

int mcx_key_export(struct mcx_key *k, int selection, OSSL_CALLBACK *cb,
		   void *cbarg)
{
	OSSL_PARAM pa[10];
	unsigned long ul[3];
	if (selection & OSSL_KEYMGMT_SELECT_PRIVATE_KEY) {
		/* the token's promise: SSK and RSK never leave it */
		MCX_RAISE(k->prov, MCX_R_PRIVATE_EXPORT, "export refused");
		return 0;
	}
	if (!(selection & OSSL_KEYMGMT_SELECT_PUBLIC_KEY))
		return 1;
	public_params(k, pa, sizeof(pa) / sizeof(pa[0]), ul);
	return cb(pa, cbarg);
}

int mcx_key_get_params(struct mcx_key *k, OSSL_PARAM params[])
{
	OSSL_PARAM pa[10];
	unsigned long ul[3];
	OSSL_PARAM *p = NULL;
	int ecc = k->key_type == CKK_MCX_ECCSI;

	p = OSSL_PARAM_locate(params, OSSL_PKEY_PARAM_BITS);
	if (p != NULL && !OSSL_PARAM_set_int(p, ecc ? 256 : 1024))
		return 0;
	p = OSSL_PARAM_locate(params, OSSL_PKEY_PARAM_SECURITY_BITS);
	if (p != NULL && !OSSL_PARAM_set_int(p, 128))
		return 0;
	p = OSSL_PARAM_locate(params, OSSL_PKEY_PARAM_MAX_SIZE);
	if (p != NULL && !OSSL_PARAM_set_int(p, ecc ? MCX_ECCSI_SIG_BYTES
						    : MCX_SAKKE_SED_BYTES))
		return 0;
	/* no default-digest answer: ECCSI hashes inside (RFC 6507 §5.2.1),
	 * so EVP_DigestSignInit passes no digest name */
	p = OSSL_PARAM_locate(params, MCX_PARAM_ALLOW_SSV_EXPORT);
	if (p != NULL && !OSSL_PARAM_set_int(p, k->allow_ssv_export))
		return 0;
	p = OSSL_PARAM_locate(params, MCX_PARAM_PKCS11_URI);
	if (p != NULL && k->in_token) {
		char *u = mcx_uri_format(k->token_label, k->label, k->ckaid,
					 k->ckaid_len, k->cls);
		int ok = u != NULL && OSSL_PARAM_set_utf8_string(p, u);
		free(u);
		if (!ok)
			return 0;
	}
	public_params(k, pa, sizeof(pa) / sizeof(pa[0]), ul);
	for (OSSL_PARAM *q = pa; q->key != NULL; q++) {
		p = OSSL_PARAM_locate(params, q->key);
		if (p == NULL)
			continue;
		int ok = 0;
		if (q->data_type == OSSL_PARAM_OCTET_STRING)
			ok = OSSL_PARAM_set_octet_string(p, q->data,
							 q->data_size);
		else if (q->data_type == OSSL_PARAM_UTF8_STRING)
			ok = OSSL_PARAM_set_utf8_string(p, q->data);
		else
			ok = OSSL_PARAM_set_ulong(p, *(unsigned long *)q->data);
		if (!ok)
			return 0;
	}
	return 1;
}

static const OSSL_PARAM gettable[] = {
    OSSL_PARAM_int(OSSL_PKEY_PARAM_BITS, NULL),
    OSSL_PARAM_int(OSSL_PKEY_PARAM_SECURITY_BITS, NULL),
    OSSL_PARAM_int(OSSL_PKEY_PARAM_MAX_SIZE, NULL),
    OSSL_PARAM_octet_string(OSSL_PKEY_PARAM_PUB_KEY, NULL, 0),
    OSSL_PARAM_utf8_string(MCX_PARAM_KMS_URI, NULL, 0),
    OSSL_PARAM_utf8_string(MCX_PARAM_USER_URI, NULL, 0),
    OSSL_PARAM_octet_string(MCX_PARAM_UID, NULL, 0),
    OSSL_PARAM_octet_string(MCX_PARAM_PVT, NULL, 0),
    OSSL_PARAM_ulong(MCX_PARAM_KEY_PERIOD_NO, NULL),
    OSSL_PARAM_ulong(MCX_PARAM_USER_KEY_PERIOD, NULL),
    OSSL_PARAM_ulong(MCX_PARAM_USER_KEY_OFFSET, NULL),
    OSSL_PARAM_int(MCX_PARAM_ALLOW_SSV_EXPORT, NULL),
    OSSL_PARAM_utf8_string(MCX_PARAM_PKCS11_URI, NULL, 0),
    OSSL_PARAM_END,
};

const OSSL_PARAM *mcx_key_gettable_params(void)
{
	return gettable;
}
