/*
 * Text encoders "ECCSI" and "SAKKE" (provider-encoder(7), output=text):
 * what EVP_PKEY_print_public/private, `openssl pkey -text` and `openssl
 * storeutl -text` print for our keys.  Only public parts: the identity,
 * KMS, key period, PVT or KMS point, and the key's pkcs11: URI; a private
 * key prints as "(in the token)".  There is no DER/PEM form: ECCSI and
 * SAKKE keys have no standard SubjectPublicKeyInfo, and private parts never
 * leave the token.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/core_object.h>

#include "provider/internal.h"

struct out {
	const struct mcx_prov *prov;
	OSSL_CORE_BIO *bio;
	int ok;
};

static void put(struct out *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void put(struct out *o, const char *fmt, ...)
{
	char line[512];
	size_t written = 0;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0 || !o->ok)
		return;
	if ((size_t)n >= sizeof(line))
		n = sizeof(line) - 1;
	if (o->prov->bio_write == NULL ||
	    !o->prov->bio_write(o->bio, line, (size_t)n, &written) ||
	    written != (size_t)n)
		o->ok = 0;
}

static void hex(struct out *o, const char *name, const uint8_t *v, size_t n)
{
	put(o, "%s:\n", name);
	for (size_t i = 0; i < n; i += 16) {
		char line[16 * 3 + 1];
		size_t w = 0;
		for (size_t j = i; j < n && j < i + 16; j++)
			w += (size_t)snprintf(line + w, sizeof(line) - w,
					      "%02x%s", v[j],
					      j + 1 < n ? ":" : "");
		put(o, "    %s\n", line);
	}
}

static void *enc_newctx(void *provctx)
{
	return provctx;
}

static void enc_freectx(void *ctx)
{
}

static int enc_does_selection(void *provctx, int selection)
{
	return (selection & OSSL_KEYMGMT_SELECT_KEYPAIR) != 0;
}

static int enc_encode(void *ctx, OSSL_CORE_BIO *cout, const void *obj_raw,
		      const OSSL_PARAM obj_abstract[], int selection,
		      OSSL_PASSPHRASE_CALLBACK *cb, void *cbarg)
{
	const struct mcx_key *k = obj_raw;
	struct out o = {ctx, cout, 1};
	const char *alg =
	    k != NULL && k->key_type == CKK_MCX_ECCSI ? "ECCSI" : "SAKKE";
	if (k == NULL)
		return 0; /* only our own key objects, never exported ones */
	if (k->cls == CKO_PRIVATE_KEY) {
		put(&o, "%s private key (%s, in the token)\n", alg,
		    k->key_type == CKK_MCX_ECCSI ? "SSK + PVT" : "RSK");
	} else {
		put(&o, "%s KMS public key (%s)\n", alg,
		    k->key_type == CKK_MCX_ECCSI ? "KPAK" : "Z_T");
	}
	if (k->in_token) {
		char *u = mcx_uri_format(k->token_label, k->label, k->ckaid,
					 k->ckaid_len, k->cls);
		if (u != NULL)
			put(&o, "pkcs11-uri: %s\n", u);
		free(u);
	}
	if (k->user_uri != NULL)
		put(&o, "user-uri: %s\n", k->user_uri);
	if (k->kms_uri != NULL)
		put(&o, "kms-uri: %s\n", k->kms_uri);
	if (k->has_key_period_no)
		put(&o, "key-period-no: %lu\n",
		    (unsigned long)k->key_period_no);
	if (k->has_user_key_period)
		put(&o, "user-key-period: %lu\n",
		    (unsigned long)k->user_key_period);
	if (k->has_user_key_offset)
		put(&o, "user-key-offset: %lu\n",
		    (unsigned long)k->user_key_offset);
	if (k->key_type == CKK_MCX_SAKKE && k->cls == CKO_PRIVATE_KEY)
		put(&o, "allow-ssv-export: %s\n",
		    k->allow_ssv_export ? "yes" : "no");
	if (k->uid != NULL)
		hex(&o, "uid", k->uid, k->uid_len);
	if (k->pvt != NULL)
		hex(&o, "pvt", k->pvt, k->pvt_len);
	if (k->value != NULL)
		hex(&o, "pub", k->value, k->value_len);
	return o.ok;
}

const OSSL_DISPATCH mcx_encode_text_functions[] = {
    {OSSL_FUNC_ENCODER_NEWCTX, (void (*)(void))enc_newctx},
    {OSSL_FUNC_ENCODER_FREECTX, (void (*)(void))enc_freectx},
    {OSSL_FUNC_ENCODER_DOES_SELECTION, (void (*)(void))enc_does_selection},
    {OSSL_FUNC_ENCODER_ENCODE, (void (*)(void))enc_encode},
    {0, NULL},
};
