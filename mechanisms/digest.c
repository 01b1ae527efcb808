/*
 * SHA-256 and HMAC-SHA-256 through EVP_MD / EVP_MAC fetched from the
 * module's private library context.  An HMAC context holds the key (in its
 * inner and outer pads); EVP_MAC_CTX_free cleanses it.
 */
#include "mechanisms/digest.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <stdlib.h>

#include "common/wipe.h"
#include "mechanisms/libctx.h"

struct mcx_digest {
	EVP_MD_CTX *md;	  /* a plain digest, or NULL */
	size_t len;	  /* output length */
	EVP_MAC_CTX *mac; /* HMAC-SHA-256, or NULL */
	int finished;
};

/* A plain digest (md_name) when key is NULL, else HMAC-SHA-256. */
static enum mcx_mech_err digest_new(struct mcx_digest **out,
				    const char *md_name, const uint8_t *key,
				    size_t key_len)
{
	enum mcx_mech_err err = MCX_ERR_CRYPTO;
	struct mcx_digest *d = NULL;
	OSSL_LIB_CTX *libctx = NULL;
	EVP_MD *md = NULL;
	EVP_MAC *mac = NULL;
	OSSL_PARAM params[2];
	static const uint8_t empty[1];

	if (out == NULL)
		return MCX_ERR_ARGUMENT;
	*out = NULL;
	mcx_err_mark();
	libctx = mcx_libctx();
	if (libctx == NULL)
		goto out;
	err = MCX_ERR_NOMEM;
	d = calloc(1, sizeof(*d));
	if (d == NULL)
		goto out;
	err = MCX_ERR_CRYPTO;
	if (key == NULL) {
		md = EVP_MD_fetch(libctx, md_name, NULL);
		d->md = EVP_MD_CTX_new();
		if (md == NULL || d->md == NULL || EVP_MD_get_size(md) <= 0 ||
		    EVP_MD_get_size(md) > MCX_DIGEST_MAX ||
		    EVP_DigestInit_ex2(d->md, md, NULL) != 1)
			goto out;
		d->len = (size_t)EVP_MD_get_size(md);
	} else {
		d->len = MCX_SHA256_LEN;
		mac = EVP_MAC_fetch(libctx, "HMAC", NULL);
		if (mac == NULL)
			goto out;
		d->mac = EVP_MAC_CTX_new(mac);
		params[0] = OSSL_PARAM_construct_utf8_string(
		    OSSL_MAC_PARAM_DIGEST, "SHA256", 0);
		params[1] = OSSL_PARAM_construct_end();
		/* RFC 2104 allows an empty key; EVP wants a non-NULL one. */
		if (d->mac == NULL ||
		    EVP_MAC_init(d->mac, key_len > 0 ? key : empty, key_len,
				 params) != 1)
			goto out;
	}
	*out = d;
	d = NULL;
	err = MCX_OK;
out:
	EVP_MD_free(md);
	EVP_MAC_free(mac);
	mcx_digest_free(d);
	mcx_err_pop();
	return err;
}

enum mcx_mech_err mcx_digest_new(struct mcx_digest **out, const uint8_t *key,
				 size_t key_len)
{
	return digest_new(out, "SHA256", key, key_len);
}

enum mcx_mech_err mcx_digest_new_md(struct mcx_digest **out,
				    const char *md_name)
{
	if (md_name == NULL) {
		if (out != NULL)
			*out = NULL;
		return MCX_ERR_ARGUMENT;
	}
	return digest_new(out, md_name, NULL, 0);
}

size_t mcx_digest_len(const struct mcx_digest *d)
{
	return d == NULL ? 0 : d->len;
}

enum mcx_mech_err mcx_digest_update(struct mcx_digest *d, const uint8_t *in,
				    size_t in_len)
{
	int ok = 0;

	if (d == NULL || d->finished || (in == NULL && in_len > 0))
		return MCX_ERR_ARGUMENT;
	if (in_len == 0)
		return MCX_OK;
	mcx_err_mark();
	if (d->md != NULL)
		ok = EVP_DigestUpdate(d->md, in, in_len);
	else
		ok = EVP_MAC_update(d->mac, in, in_len);
	mcx_err_pop();
	return ok == 1 ? MCX_OK : MCX_ERR_CRYPTO;
}

enum mcx_mech_err mcx_digest_final(struct mcx_digest *d,
				   uint8_t out[MCX_SHA256_LEN])
{
	unsigned int mdlen = 0;
	size_t maclen = 0;
	int ok = 0;

	if (d == NULL || out == NULL || d->finished)
		return MCX_ERR_ARGUMENT;
	d->finished = 1;
	mcx_err_mark();
	if (d->md != NULL)
		ok = EVP_DigestFinal_ex(d->md, out, &mdlen) == 1 &&
		     mdlen == d->len;
	else
		ok = EVP_MAC_final(d->mac, out, &maclen, MCX_SHA256_LEN) == 1 &&
		     maclen == MCX_SHA256_LEN;
	mcx_err_pop();
	return ok ? MCX_OK : MCX_ERR_CRYPTO;
}

void mcx_digest_free(struct mcx_digest *d)
{
	if (d == NULL)
		return;
	mcx_err_mark();
	EVP_MD_CTX_free(d->md);
	EVP_MAC_CTX_free(d->mac);
	mcx_err_pop();
	mcx_wipe_free(d, sizeof(*d));
}

/* One-shot forms share the streaming code: one path to test. */
static enum mcx_mech_err one_shot(const uint8_t *key, size_t key_len,
				  const uint8_t *in, size_t in_len,
				  uint8_t out[MCX_SHA256_LEN])
{
	struct mcx_digest *d = NULL;
	enum mcx_mech_err err = MCX_ERR_ARGUMENT;

	if (out == NULL || (in == NULL && in_len > 0))
		return err;
	err = mcx_digest_new(&d, key, key_len);
	if (err == MCX_OK)
		err = mcx_digest_update(d, in, in_len);
	if (err == MCX_OK)
		err = mcx_digest_final(d, out);
	mcx_digest_free(d);
	return err;
}

enum mcx_mech_err mcx_digest_sha256(const uint8_t *in, size_t in_len,
				    uint8_t out[MCX_SHA256_LEN])
{
	return one_shot(NULL, 0, in, in_len, out);
}

enum mcx_mech_err mcx_digest_hmac_sha256(const uint8_t *key, size_t key_len,
					 const uint8_t *in, size_t in_len,
					 uint8_t out[MCX_SHA256_LEN])
{
	static const uint8_t empty[1];

	/* A NULL key would select plain SHA-256 in mcx_digest_new. */
	if (key == NULL && key_len > 0)
		return MCX_ERR_ARGUMENT;
	return one_shot(key != NULL ? key : empty, key_len, in, in_len, out);
}
