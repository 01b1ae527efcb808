/*
 * KEM "SAKKE" (RFC 6508 with RFC 6509 parameter set 1; provider-kem(7)).
 *
 * OpenSSL's KEM API hands the shared secret (the SSV) to the caller, while
 * the token's promise is that MCX keys never leave it.  So:
 *
 * Encapsulate (key: a KMS public key Z_T, a token object; context
 * parameter "receiver-id": the receiver's identifier, the UID): the SSV is
 * the caller's own secret, never a token key: 16 random octets from
 * C_GenerateRandom (or the "ssv" parameter, for known-answer tests),
 * made a session CKK_MCX_KEY with C_CreateObject, SAKKE-wrapped with
 * C_WrapKey(CKM_MCX_SAKKE) to the KMS certificate, and destroyed.  With a
 * private key (an RSK) it encapsulates to that key's own identity (its
 * KMS's Z_T, its UID): SAKKE-to-self.
 *
 * Decapsulate (key: the receiver's RSK in the token): C_UnwrapKey
 * (CKM_MCX_SAKKE) into a non-sensitive session CKK_MCX_KEY whose value is
 * read and which is then destroyed.  The token allows that only when the
 * RSK's CKA_MCX_ALLOW_SSV_EXPORT is true (default false: a server's keys,
 * whose SSVs are group and client keys, stay inside); otherwise it fails
 * with CKR_KEY_FUNCTION_NOT_PERMITTED and the audit log records it.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/params.h>

#include "provider/internal.h"

struct kemctx {
	struct mcx_prov *prov;
	struct mcx_key *key;
	uint8_t id[MCX_ID_MAX];
	size_t id_len;
	bool has_id;
	uint8_t ssv[MCX_SAKKE_SSV_BYTES];
	bool has_ssv;
};

static void *kem_newctx(void *provctx)
{
	struct kemctx *c = calloc(1, sizeof(*c));
	if (c != NULL)
		c->prov = provctx;
	return c;
}

static void kem_freectx(void *vctx)
{
	struct kemctx *c = vctx;
	if (c == NULL)
		return;
	mcx_key_free(c->key);
	OPENSSL_clear_free(c, sizeof(*c));
}

static void *kem_dupctx(void *vctx)
{
	const struct kemctx *c = vctx;
	struct kemctx *d = malloc(sizeof(*d));
	if (d == NULL)
		return NULL;
	*d = *c;
	d->key = mcx_key_ref(c->key);
	return d;
}

static int kem_set_ctx_params(void *vctx, const OSSL_PARAM params[])
{
	struct kemctx *c = vctx;
	const OSSL_PARAM *p = NULL;
	const void *v = NULL;
	size_t n = 0;
	if (params == NULL)
		return 1;
	p = OSSL_PARAM_locate_const(params, MCX_PARAM_RECEIVER_ID);
	if (p != NULL) {
		if (!OSSL_PARAM_get_octet_string_ptr(p, &v, &n) || n == 0 ||
		    n > sizeof(c->id)) {
			MCX_RAISE(c->prov, MCX_R_BAD_PARAM, "%s: 1..%d octets",
				  MCX_PARAM_RECEIVER_ID, MCX_ID_MAX);
			return 0;
		}
		memcpy(c->id, v, n);
		c->id_len = n;
		c->has_id = true;
	}
	p = OSSL_PARAM_locate_const(params, MCX_PARAM_SSV);
	if (p != NULL) {
		if (!OSSL_PARAM_get_octet_string_ptr(p, &v, &n) ||
		    n != sizeof(c->ssv)) {
			MCX_RAISE(c->prov, MCX_R_BAD_PARAM, "%s: %d octets",
				  MCX_PARAM_SSV, MCX_SAKKE_SSV_BYTES);
			return 0;
		}
		memcpy(c->ssv, v, n);
		c->has_ssv = true;
	}
	return 1;
}

static const OSSL_PARAM settable[] = {
    OSSL_PARAM_octet_string(MCX_PARAM_RECEIVER_ID, NULL, 0),
    OSSL_PARAM_octet_string(MCX_PARAM_SSV, NULL, 0),
    OSSL_PARAM_END,
};

static const OSSL_PARAM *kem_settable_ctx_params(void *vctx, void *provctx)
{
	return settable;
}

static int init(struct kemctx *c, void *provkey, const OSSL_PARAM params[],
		bool decap)
{
	struct mcx_key *k = provkey;
	if (k == NULL || k->key_type != CKK_MCX_SAKKE ||
	    (decap && k->cls != CKO_PRIVATE_KEY)) {
		MCX_RAISE(c->prov, MCX_R_WRONG_KEY,
			  decap ? "SAKKE decapsulation needs an RSK in the "
				  "token"
				: "not a SAKKE key");
		return 0;
	}
	mcx_key_free(c->key);
	c->key = mcx_key_ref(k);
	return kem_set_ctx_params(c, params);
}

static int kem_encapsulate_init(void *vctx, void *provkey,
				const OSSL_PARAM params[])
{
	return init(vctx, provkey, params, false);
}

static int kem_decapsulate_init(void *vctx, void *provkey,
				const OSSL_PARAM params[])
{
	return init(vctx, provkey, params, true);
}

static CK_RV encapsulate(struct kemctx *c, unsigned char *out, size_t *outlen,
			 unsigned char *secret)
{
	CK_FUNCTION_LIST *f = NULL;
	CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
	CK_OBJECT_HANDLE kms = CK_INVALID_HANDLE, ssv_h = CK_INVALID_HANDLE;
	CK_SLOT_ID slot = 0;
	CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	CK_KEY_TYPE kt = CKK_MCX_KEY;
	CK_ULONG purpose = CKP_MCX_CSK, wl = MCX_SAKKE_SED_BYTES;
	CK_BBOOL no = CK_FALSE, yes = CK_TRUE;
	uint8_t ssv[MCX_SAKKE_SSV_BYTES];
	CK_ATTRIBUTE t[] = {
	    {CKA_CLASS, &cls, sizeof(cls)},
	    {CKA_KEY_TYPE, &kt, sizeof(kt)},
	    {CKA_TOKEN, &no, sizeof(no)},
	    {CKA_EXTRACTABLE, &yes, sizeof(yes)},
	    {CKA_MCX_KEY_PURPOSE, &purpose, sizeof(purpose)},
	    {CKA_VALUE, ssv, sizeof(ssv)},
	};
	struct mcx_key *k = c->key;
	bool self = k->cls == CKO_PRIVATE_KEY;
	CK_MCX_SAKKE_PARAMS p = {c->id, c->id_len};
	CK_MECHANISM m = {CKM_MCX_SAKKE, &p, sizeof(p)};
	const char *call = NULL;

	if (!c->has_id) {
		if (!self || k->uid == NULL) {
			MCX_RAISE(c->prov, MCX_R_BAD_PARAM,
				  "SAKKE encapsulation needs the %s parameter",
				  MCX_PARAM_RECEIVER_ID);
			return CKR_MECHANISM_PARAM_INVALID;
		}
		p.pIdentifier = k->uid;
		p.ulIdentifierLen = k->uid_len;
	}
	CK_RV rv = mcx_key_session(k, &f, &slot, &s, &call);
	if (rv == CKR_OK) {
		call = "C_FindObjects";
		/* the token wraps only to KMS certificates it holds */
		rv = self ? mcx_key_kms_object(k, f, s, true, &kms)
			  : mcx_key_handle(k, f, s, &kms);
		if (rv != CKR_OK && !self && !k->in_token)
			MCX_RAISE(c->prov, MCX_R_NOT_FOUND,
				  "the token wraps only to KMS certificates it "
				  "holds: import this Z_T into the token");
	}
	if (rv == CKR_OK && c->has_ssv) {
		memcpy(ssv, c->ssv, sizeof(ssv));
	} else if (rv == CKR_OK) {
		call = "C_GenerateRandom";
		rv = f->C_GenerateRandom(s, ssv, sizeof(ssv));
	}
	if (rv == CKR_OK) {
		call = "C_CreateObject";
		rv = f->C_CreateObject(s, t, sizeof(t) / sizeof(t[0]), &ssv_h);
	}
	if (rv == CKR_OK) {
		call = "C_WrapKey";
		rv = f->C_WrapKey(s, &m, kms, ssv_h, out, &wl);
	}
	if (ssv_h != CK_INVALID_HANDLE)
		f->C_DestroyObject(s, ssv_h);
	if (rv == CKR_OK) {
		memcpy(secret, ssv, sizeof(ssv));
		*outlen = wl;
	}
	OPENSSL_cleanse(ssv, sizeof(ssv));
	mcx_p11_session_put(c->prov->p11, slot, s, rv);
	if (rv != CKR_OK)
		MCX_CKR(c->prov, call, rv);
	return rv;
}

static int kem_encapsulate(void *vctx, unsigned char *out, size_t *outlen,
			   unsigned char *secret, size_t *secretlen)
{
	struct kemctx *c = vctx;
	if (c->key == NULL)
		return 0;
	if (out == NULL) {
		*outlen = MCX_SAKKE_SED_BYTES;
		if (secretlen != NULL)
			*secretlen = MCX_SAKKE_SSV_BYTES;
		return 1;
	}
	if (secret == NULL || secretlen == NULL ||
	    *outlen < MCX_SAKKE_SED_BYTES || *secretlen < MCX_SAKKE_SSV_BYTES) {
		MCX_RAISE(c->prov, MCX_R_BAD_PARAM, "output buffers too small");
		return 0;
	}
	if (encapsulate(c, out, outlen, secret) != CKR_OK)
		return 0;
	*secretlen = MCX_SAKKE_SSV_BYTES;
	return 1;
}

static CK_RV decapsulate(struct kemctx *c, unsigned char *secret,
			 const unsigned char *in, size_t inlen)
{
	CK_FUNCTION_LIST *f = NULL;
	CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
	CK_OBJECT_HANDLE rsk = CK_INVALID_HANDLE, ssv_h = CK_INVALID_HANDLE;
	CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	CK_KEY_TYPE kt = CKK_MCX_KEY;
	CK_ULONG purpose = CKP_MCX_CSK;
	CK_BBOOL no = CK_FALSE, yes = CK_TRUE;
	CK_ATTRIBUTE t[] = {
	    {CKA_CLASS, &cls, sizeof(cls)},
	    {CKA_KEY_TYPE, &kt, sizeof(kt)},
	    {CKA_TOKEN, &no, sizeof(no)},
	    {CKA_SENSITIVE, &no, sizeof(no)},
	    {CKA_EXTRACTABLE, &yes, sizeof(yes)},
	    {CKA_MCX_KEY_PURPOSE, &purpose, sizeof(purpose)},
	};
	CK_MCX_SAKKE_PARAMS p = {c->id, c->id_len};
	CK_MECHANISM m = {CKM_MCX_SAKKE, c->has_id ? &p : NULL,
			  c->has_id ? sizeof(p) : 0};
	CK_ATTRIBUTE v = {CKA_VALUE, secret, MCX_SAKKE_SSV_BYTES};
	struct mcx_key *k = c->key;
	CK_SLOT_ID slot = 0;
	const char *call = NULL;

	CK_RV rv = mcx_key_session(k, &f, &slot, &s, &call);
	if (rv == CKR_OK) {
		call = "C_FindObjects";
		rv = mcx_key_handle(k, f, s, &rsk);
	}
	if (rv == CKR_OK) {
		call = "C_UnwrapKey";
		rv = f->C_UnwrapKey(s, &m, rsk, (CK_BYTE_PTR)in, inlen, t,
				    sizeof(t) / sizeof(t[0]), &ssv_h);
		if (rv == CKR_KEY_FUNCTION_NOT_PERMITTED)
			MCX_RAISE(
			    c->prov, MCX_R_SSV_NOT_ALLOWED,
			    "the RSK's CKA_MCX_ALLOW_SSV_EXPORT is false");
	}
	if (rv == CKR_OK) {
		call = "C_GetAttributeValue";
		rv = f->C_GetAttributeValue(s, ssv_h, &v, 1);
		if (rv == CKR_OK && v.ulValueLen != MCX_SAKKE_SSV_BYTES)
			rv = CKR_GENERAL_ERROR;
	}
	if (ssv_h != CK_INVALID_HANDLE)
		f->C_DestroyObject(s, ssv_h);
	if (rv != CKR_OK)
		OPENSSL_cleanse(secret, MCX_SAKKE_SSV_BYTES);
	mcx_p11_session_put(c->prov->p11, slot, s, rv);
	if (rv != CKR_OK)
		MCX_CKR(c->prov, call, rv);
	return rv;
}

static int kem_decapsulate(void *vctx, unsigned char *out, size_t *outlen,
			   const unsigned char *in, size_t inlen)
{
	struct kemctx *c = vctx;
	if (c->key == NULL)
		return 0;
	if (out == NULL) {
		*outlen = MCX_SAKKE_SSV_BYTES;
		return 1;
	}
	if (*outlen < MCX_SAKKE_SSV_BYTES) {
		MCX_RAISE(c->prov, MCX_R_BAD_PARAM, "secret buffer too small");
		return 0;
	}
	if (decapsulate(c, out, in, inlen) != CKR_OK)
		return 0;
	*outlen = MCX_SAKKE_SSV_BYTES;
	return 1;
}

const OSSL_DISPATCH mcx_kem_sakke_functions[] = {
    {OSSL_FUNC_KEM_NEWCTX, (void (*)(void))kem_newctx},
    {OSSL_FUNC_KEM_FREECTX, (void (*)(void))kem_freectx},
    {OSSL_FUNC_KEM_DUPCTX, (void (*)(void))kem_dupctx},
    {OSSL_FUNC_KEM_ENCAPSULATE_INIT, (void (*)(void))kem_encapsulate_init},
    {OSSL_FUNC_KEM_ENCAPSULATE, (void (*)(void))kem_encapsulate},
    {OSSL_FUNC_KEM_DECAPSULATE_INIT, (void (*)(void))kem_decapsulate_init},
    {OSSL_FUNC_KEM_DECAPSULATE, (void (*)(void))kem_decapsulate},
    {OSSL_FUNC_KEM_SET_CTX_PARAMS, (void (*)(void))kem_set_ctx_params},
    {OSSL_FUNC_KEM_SETTABLE_CTX_PARAMS,
     (void (*)(void))kem_settable_ctx_params},
    {0, NULL},
};
