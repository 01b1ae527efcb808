/*
 * Signature "ECCSI" (RFC 6507; provider-signature(7)).  OpenSSL 3.0 has no
 * message-signing API, and ECCSI hashes the message itself (§5.2.1: HE =
 * hash(HS || r || M)), so only digest-sign / digest-verify are offered, one
 * shot or update/final (the message is accumulated and passed to the token
 * in one C_Sign / C_Verify).  The digest name must be empty or SHA-256.
 *
 * Signing runs in the token: C_Sign with CKM_MCX_ECCSI and the private key
 * (SSK + PVT); the signature is r || s || PVT, 129 octets.  Verification
 * runs in the token too, with C_VerifyInit(CKM_MCX_ECCSI, KPAK object,
 * CK_MCX_ECCSI_PARAMS): the key is the KMS's KPAK (a token object, or an
 * imported one, for which a session object is made) and the context
 * parameter "signer-id" the signer's identifier as signed (the UID).  A
 * private key verifies with its KMS's KPAK object and its own UID unless
 * "signer-id" says otherwise.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/params.h>

#include "provider/internal.h"

struct sigctx {
	struct mcx_prov *prov;
	struct mcx_key *key;
	uint8_t *msg;
	size_t len, cap;
	uint8_t signer[MCX_ID_MAX];
	size_t signer_len;
	bool has_signer;
};

static void *sig_newctx(void *provctx, const char *propq)
{
	struct sigctx *c = calloc(1, sizeof(*c));
	if (c != NULL)
		c->prov = provctx;
	return c;
}

static void sig_freectx(void *vctx)
{
	struct sigctx *c = vctx;
	if (c == NULL)
		return;
	mcx_key_free(c->key);
	free(c->msg);
	free(c);
}

static void *sig_dupctx(void *vctx)
{
	const struct sigctx *c = vctx;
	struct sigctx *d = malloc(sizeof(*d));
	if (d == NULL)
		return NULL;
	*d = *c;
	d->msg = NULL;
	if (c->cap > 0) {
		d->msg = malloc(c->cap);
		if (d->msg == NULL) {
			free(d);
			return NULL;
		}
		memcpy(d->msg, c->msg, c->len);
	}
	d->key = mcx_key_ref(c->key);
	return d;
}

static int set_ctx_params(void *vctx, const OSSL_PARAM params[])
{
	struct sigctx *c = vctx;
	const OSSL_PARAM *p =
	    params ? OSSL_PARAM_locate_const(params, MCX_PARAM_SIGNER_ID)
		   : NULL;
	if (p == NULL)
		return 1;
	const void *v = NULL;
	size_t n = 0;
	if (!OSSL_PARAM_get_octet_string_ptr(p, &v, &n) || n == 0 ||
	    n > sizeof(c->signer)) {
		MCX_RAISE(c->prov, MCX_R_BAD_PARAM, "%s: 1..%d octets",
			  MCX_PARAM_SIGNER_ID, MCX_ID_MAX);
		return 0;
	}
	memcpy(c->signer, v, n);
	c->signer_len = n;
	c->has_signer = true;
	return 1;
}

static const OSSL_PARAM settable[] = {
    OSSL_PARAM_octet_string(MCX_PARAM_SIGNER_ID, NULL, 0),
    OSSL_PARAM_END,
};

static const OSSL_PARAM *sig_settable_ctx_params(void *vctx, void *provctx)
{
	return settable;
}

static int init(struct sigctx *c, const char *mdname, void *provkey,
		const OSSL_PARAM params[], bool sign)
{
	struct mcx_key *k = provkey;
	if (mdname != NULL && mdname[0] != '\0' &&
	    strcasecmp(mdname, "SHA256") != 0 &&
	    strcasecmp(mdname, "SHA2-256") != 0 &&
	    strcasecmp(mdname, "SHA-256") != 0) {
		MCX_RAISE(c->prov, MCX_R_BAD_DIGEST, "digest %s", mdname);
		return 0;
	}
	if (k == NULL && c->key == NULL)
		return 0;
	if (k != NULL) {
		if (k->key_type != CKK_MCX_ECCSI ||
		    (sign && k->cls != CKO_PRIVATE_KEY)) {
			MCX_RAISE(c->prov, MCX_R_WRONG_KEY,
				  sign ? "ECCSI signing needs a private key "
					 "(SSK + PVT) in the token"
				       : "not an ECCSI key");
			return 0;
		}
		mcx_key_free(c->key);
		c->key = mcx_key_ref(k);
	}
	c->len = 0;
	return set_ctx_params(c, params);
}

static int sig_digest_sign_init(void *vctx, const char *mdname, void *provkey,
				const OSSL_PARAM params[])
{
	return init(vctx, mdname, provkey, params, true);
}

static int sig_digest_verify_init(void *vctx, const char *mdname, void *provkey,
				  const OSSL_PARAM params[])
{
	return init(vctx, mdname, provkey, params, false);
}

static int sig_update(void *vctx, const unsigned char *data, size_t len)
{
	struct sigctx *c = vctx;
	if (len == 0)
		return 1;
	if (len > SIZE_MAX / 2 - c->len)
		return 0;
	if (c->len + len > c->cap) {
		size_t cap = c->cap ? c->cap : 256;
		while (cap < c->len + len)
			cap *= 2;
		uint8_t *m = realloc(c->msg, cap);
		if (m == NULL)
			return 0;
		c->msg = m;
		c->cap = cap;
	}
	memcpy(c->msg + c->len, data, len);
	c->len += len;
	return 1;
}

/* C_Sign of msg in the token. */
static CK_RV token_sign(struct sigctx *c, const uint8_t *msg, size_t len,
			unsigned char *sig, size_t *siglen)
{
	CK_FUNCTION_LIST *f = NULL;
	CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
	CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
	CK_MECHANISM m = {CKM_MCX_ECCSI, NULL, 0};
	CK_ULONG sl = MCX_ECCSI_SIG_BYTES;
	CK_SLOT_ID slot = 0;
	const char *call = NULL;
	CK_RV rv = mcx_key_session(c->key, &f, &slot, &s, &call);
	if (rv == CKR_OK) {
		call = "C_FindObjects";
		rv = mcx_key_handle(c->key, f, s, &h);
	}
	if (rv == CKR_OK) {
		call = "C_SignInit";
		rv = f->C_SignInit(s, &m, h);
	}
	if (rv == CKR_OK) {
		call = "C_Sign";
		rv = f->C_Sign(s, (CK_BYTE_PTR)msg, len, sig, &sl);
	}
	if (rv == CKR_OK)
		*siglen = sl;
	mcx_p11_session_put(c->prov->p11, slot, s, rv);
	if (rv != CKR_OK)
		MCX_CKR(c->prov, call, rv);
	return rv;
}

static int do_sign(struct sigctx *c, unsigned char *sig, size_t *siglen,
		   size_t sigsize, const uint8_t *msg, size_t len)
{
	if (c->key == NULL)
		return 0;
	if (sig == NULL) {
		*siglen = MCX_ECCSI_SIG_BYTES;
		return 1;
	}
	if (sigsize < MCX_ECCSI_SIG_BYTES) {
		MCX_RAISE(c->prov, MCX_R_BAD_PARAM, "signature buffer of %zu",
			  sigsize);
		return 0;
	}
	return token_sign(c, msg, len, sig, siglen) == CKR_OK;
}

static int sig_digest_sign_final(void *vctx, unsigned char *sig, size_t *siglen,
				 size_t sigsize)
{
	struct sigctx *c = vctx;
	int ok = do_sign(c, sig, siglen, sigsize, c->msg, c->len);
	if (sig != NULL)
		c->len = 0;
	return ok;
}

static int sig_digest_sign(void *vctx, unsigned char *sig, size_t *siglen,
			   size_t sigsize, const unsigned char *tbs,
			   size_t tbslen)
{
	return do_sign(vctx, sig, siglen, sigsize, tbs, tbslen);
}

static CK_RV token_verify(struct sigctx *c, const uint8_t *msg, size_t len,
			  const unsigned char *sig, size_t siglen)
{
	CK_FUNCTION_LIST *f = NULL;
	CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
	CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
	CK_SLOT_ID slot = 0;
	CK_MCX_ECCSI_PARAMS p = {c->signer, c->signer_len};
	CK_MECHANISM m = {CKM_MCX_ECCSI, &p, sizeof(p)};
	const char *call = NULL;
	struct mcx_key *k = c->key;
	bool priv = k->cls == CKO_PRIVATE_KEY;

	if (!c->has_signer) {
		if (!priv || k->uid == NULL) {
			MCX_RAISE(c->prov, MCX_R_BAD_PARAM,
				  "ECCSI verify needs the %s parameter",
				  MCX_PARAM_SIGNER_ID);
			return CKR_MECHANISM_PARAM_INVALID;
		}
		p.pSignerId = k->uid;
		p.ulSignerIdLen = k->uid_len;
	}
	CK_RV rv = mcx_key_session(k, &f, &slot, &s, &call);
	for (int attempt = 0; rv == CKR_OK && attempt < 2; attempt++) {
		call = "C_FindObjects";
		rv = priv ? mcx_key_kms_object(k, f, s, false, &h)
			  : mcx_key_handle(k, f, s, &h);
		if (rv == CKR_OK) {
			call = "C_VerifyInit";
			rv = f->C_VerifyInit(s, &m, h);
		}
		if ((rv == CKR_KEY_HANDLE_INVALID ||
		     rv == CKR_OBJECT_HANDLE_INVALID) &&
		    !priv && !k->in_token && attempt == 0) {
			/* our session object went with its session: make
			 * it again */
			pthread_mutex_lock(&k->lock);
			k->handle = CK_INVALID_HANDLE;
			pthread_mutex_unlock(&k->lock);
			rv = CKR_OK;
			continue;
		}
		break;
	}
	if (rv == CKR_OK) {
		call = "C_Verify";
		rv = f->C_Verify(s, (CK_BYTE_PTR)msg, len, (CK_BYTE_PTR)sig,
				 siglen);
	}
	mcx_p11_session_put(c->prov->p11, slot, s, rv);
	if (rv != CKR_OK)
		MCX_CKR(c->prov, call, rv);
	return rv;
}

static int sig_digest_verify_final(void *vctx, const unsigned char *sig,
				   size_t siglen)
{
	struct sigctx *c = vctx;
	if (c->key == NULL)
		return 0;
	int ok = token_verify(c, c->msg, c->len, sig, siglen) == CKR_OK;
	c->len = 0;
	return ok;
}

static int sig_digest_verify(void *vctx, const unsigned char *sig,
			     size_t siglen, const unsigned char *tbs,
			     size_t tbslen)
{
	struct sigctx *c = vctx;
	if (c->key == NULL)
		return 0;
	return token_verify(c, tbs, tbslen, sig, siglen) == CKR_OK;
}

const OSSL_DISPATCH mcx_sig_eccsi_functions[] = {
    {OSSL_FUNC_SIGNATURE_NEWCTX, (void (*)(void))sig_newctx},
    {OSSL_FUNC_SIGNATURE_FREECTX, (void (*)(void))sig_freectx},
    {OSSL_FUNC_SIGNATURE_DUPCTX, (void (*)(void))sig_dupctx},
    {OSSL_FUNC_SIGNATURE_DIGEST_SIGN_INIT,
     (void (*)(void))sig_digest_sign_init},
    {OSSL_FUNC_SIGNATURE_DIGEST_SIGN_UPDATE, (void (*)(void))sig_update},
    {OSSL_FUNC_SIGNATURE_DIGEST_SIGN_FINAL,
     (void (*)(void))sig_digest_sign_final},
    {OSSL_FUNC_SIGNATURE_DIGEST_SIGN, (void (*)(void))sig_digest_sign},
    {OSSL_FUNC_SIGNATURE_DIGEST_VERIFY_INIT,
     (void (*)(void))sig_digest_verify_init},
    {OSSL_FUNC_SIGNATURE_DIGEST_VERIFY_UPDATE, (void (*)(void))sig_update},
    {OSSL_FUNC_SIGNATURE_DIGEST_VERIFY_FINAL,
     (void (*)(void))sig_digest_verify_final},
    {OSSL_FUNC_SIGNATURE_DIGEST_VERIFY, (void (*)(void))sig_digest_verify},
    {OSSL_FUNC_SIGNATURE_SET_CTX_PARAMS, (void (*)(void))set_ctx_params},
    {OSSL_FUNC_SIGNATURE_SETTABLE_CTX_PARAMS,
     (void (*)(void))sig_settable_ctx_params},
    {0, NULL},
};
