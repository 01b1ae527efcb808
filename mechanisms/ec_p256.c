/*
 * P-256 key generation and ECDSA through EVP_PKEY in the module's private
 * library context.  Keys arrive as raw octets (PKCS#11 attribute values)
 * and are turned into short-lived EVP_PKEYs; the native-endian copy of a
 * private scalar that OSSL_PARAM needs is wiped on every path.
 */
#include "mechanisms/ec_p256.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/params.h>
#include <string.h>

#include "common/wipe.h"
#include "mechanisms/libctx.h"

const uint8_t mcx_ec_p256_params_der[10] = {0x06, 0x08, 0x2a, 0x86, 0x48,
					    0xce, 0x3d, 0x03, 0x01, 0x07};

/* The group order n (SEC 2 2.4.2), big-endian. */
static const uint8_t p256_order[MCX_EC_P256_PRIV_LEN] = {
    0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17,
    0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51};

int mcx_ec_p256_params_match(const uint8_t *der, size_t len)
{
	static const char *const names[] = {"prime256v1", "secp256r1", "P-256"};
	size_t i = 0, n = 0;

	if (der == NULL)
		return 0;
	if (len == sizeof(mcx_ec_p256_params_der) &&
	    memcmp(der, mcx_ec_p256_params_der, len) == 0)
		return 1;
	/* PrintableString (tag 0x13), short-form length. */
	if (len < 2 || der[0] != 0x13 || der[1] != len - 2)
		return 0;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		n = strlen(names[i]);
		if (n == len - 2 && memcmp(der + 2, names[i], n) == 0)
			return 1;
	}
	return 0;
}

/* 1 if 1 <= priv < n, without branching on the scalar's octets. */
static int scalar_in_range(const uint8_t priv[MCX_EC_P256_PRIV_LEN])
{
	unsigned int borrow = 0, nonzero = 0;
	int i = 0;

	/* priv - n borrows iff priv < n. */
	for (i = MCX_EC_P256_PRIV_LEN - 1; i >= 0; i--) {
		unsigned int d = (unsigned int)priv[i] - p256_order[i] - borrow;

		borrow = (d >> 8) & 1;
		nonzero |= priv[i];
	}
	return (int)(borrow & (unsigned int)((nonzero + 0xff) >> 8));
}

/* An EVP_PKEY holding the private scalar (and no public point: ECDSA
 * signing does not need it). */
static EVP_PKEY *priv_pkey(OSSL_LIB_CTX *libctx,
			   const uint8_t priv[MCX_EC_P256_PRIV_LEN])
{
	EVP_PKEY_CTX *pctx = NULL;
	EVP_PKEY *pkey = NULL;
	uint8_t le[MCX_EC_P256_PRIV_LEN];
	OSSL_PARAM params[3];
	char group[] = SN_X9_62_prime256v1;
	int i = 0;

	/* OSSL_PARAM integers are native-endian: x86-64 and aarch64 are
	 * little-endian, which the configure target set assumes. */
	for (i = 0; i < MCX_EC_P256_PRIV_LEN; i++)
		le[i] = priv[MCX_EC_P256_PRIV_LEN - 1 - i];
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME,
						     group, 0);
	params[1] =
	    OSSL_PARAM_construct_BN(OSSL_PKEY_PARAM_PRIV_KEY, le, sizeof(le));
	params[2] = OSSL_PARAM_construct_end();
	pctx = EVP_PKEY_CTX_new_from_name(libctx, "EC", NULL);
	if (pctx == NULL || EVP_PKEY_fromdata_init(pctx) != 1 ||
	    EVP_PKEY_fromdata(pctx, &pkey, EVP_PKEY_KEYPAIR, params) != 1)
		pkey = NULL;
	EVP_PKEY_CTX_free(pctx);
	mcx_wipe(le, sizeof(le));
	return pkey;
}

static EVP_PKEY *pub_pkey(OSSL_LIB_CTX *libctx,
			  const uint8_t pub[MCX_EC_P256_POINT_LEN])
{
	EVP_PKEY_CTX *pctx = NULL;
	EVP_PKEY *pkey = NULL;
	OSSL_PARAM params[3];
	char group[] = SN_X9_62_prime256v1;

	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME,
						     group, 0);
	params[1] = OSSL_PARAM_construct_octet_string(
	    OSSL_PKEY_PARAM_PUB_KEY, (void *)pub, MCX_EC_P256_POINT_LEN);
	params[2] = OSSL_PARAM_construct_end();
	pctx = EVP_PKEY_CTX_new_from_name(libctx, "EC", NULL);
	if (pctx == NULL || EVP_PKEY_fromdata_init(pctx) != 1 ||
	    EVP_PKEY_fromdata(pctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) != 1)
		pkey = NULL;
	EVP_PKEY_CTX_free(pctx);
	return pkey;
}

enum mcx_mech_err mcx_ec_p256_generate(uint8_t priv[MCX_EC_P256_PRIV_LEN],
				       uint8_t pub[MCX_EC_P256_POINT_LEN])
{
	enum mcx_mech_err err = MCX_ERR_CRYPTO;
	OSSL_LIB_CTX *libctx = NULL;
	EVP_PKEY *pkey = NULL;
	BIGNUM *d = NULL;
	size_t pub_len = 0;
	char curve[] = "P-256";

	if (priv == NULL || pub == NULL)
		return MCX_ERR_ARGUMENT;
	mcx_err_mark();
	libctx = mcx_libctx();
	if (libctx == NULL)
		goto out;
	/* FIPS 186-4 B.4: OpenSSL draws d in [1, n-1] from the DRBG. */
	pkey = EVP_PKEY_Q_keygen(libctx, NULL, "EC", curve);
	if (pkey == NULL)
		goto out;
	if (EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_PRIV_KEY, &d) != 1 ||
	    BN_bn2binpad(d, priv, MCX_EC_P256_PRIV_LEN) != MCX_EC_P256_PRIV_LEN)
		goto out;
	if (EVP_PKEY_get_octet_string_param(pkey, OSSL_PKEY_PARAM_PUB_KEY, pub,
					    MCX_EC_P256_POINT_LEN,
					    &pub_len) != 1 ||
	    pub_len != MCX_EC_P256_POINT_LEN || pub[0] != 0x04)
		goto out;
	err = MCX_OK;
out:
	if (err != MCX_OK)
		mcx_wipe(priv, MCX_EC_P256_PRIV_LEN);
	BN_clear_free(d);
	EVP_PKEY_free(pkey);
	mcx_err_pop();
	return err;
}

enum mcx_mech_err mcx_ec_p256_public(const uint8_t priv[MCX_EC_P256_PRIV_LEN],
				     uint8_t pub[MCX_EC_P256_POINT_LEN])
{
	enum mcx_mech_err err = MCX_ERR_CRYPTO;
	EC_GROUP *group = NULL;
	EC_POINT *point = NULL;
	BIGNUM *d = NULL;

	if (priv == NULL || pub == NULL)
		return MCX_ERR_ARGUMENT;
	if (!scalar_in_range(priv))
		return MCX_ERR_SCALAR_RANGE;
	mcx_err_mark();
	group = EC_GROUP_new_by_curve_name_ex(mcx_libctx(), NULL,
					      NID_X9_62_prime256v1);
	if (group == NULL)
		goto out;
	point = EC_POINT_new(group);
	d = BN_secure_new();
	if (point == NULL || d == NULL)
		goto out;
	BN_set_flags(d, BN_FLG_CONSTTIME);
	if (BN_bin2bn(priv, MCX_EC_P256_PRIV_LEN, d) == NULL ||
	    EC_POINT_mul(group, point, d, NULL, NULL, NULL) != 1 ||
	    EC_POINT_point2oct(group, point, POINT_CONVERSION_UNCOMPRESSED, pub,
			       MCX_EC_P256_POINT_LEN,
			       NULL) != MCX_EC_P256_POINT_LEN)
		goto out;
	err = MCX_OK;
out:
	BN_clear_free(d);
	EC_POINT_free(point);
	EC_GROUP_free(group);
	mcx_err_pop();
	return err;
}

enum mcx_mech_err mcx_ec_p256_check_point(const uint8_t *pub, size_t len)
{
	enum mcx_mech_err err = MCX_ERR_CRYPTO;
	EC_GROUP *group = NULL;
	EC_POINT *point = NULL;

	if (pub == NULL)
		return MCX_ERR_ARGUMENT;
	if (len != MCX_EC_P256_POINT_LEN || pub[0] != 0x04)
		return MCX_ERR_ENCODING;
	mcx_err_mark();
	group = EC_GROUP_new_by_curve_name_ex(mcx_libctx(), NULL,
					      NID_X9_62_prime256v1);
	if (group == NULL)
		goto out;
	point = EC_POINT_new(group);
	if (point == NULL)
		goto out;
	/* oct2point checks x, y < p and the curve equation. */
	err = EC_POINT_oct2point(group, point, pub, len, NULL) == 1
		  ? MCX_OK
		  : MCX_ERR_NOT_ON_CURVE;
out:
	EC_POINT_free(point);
	EC_GROUP_free(group);
	mcx_err_pop();
	return err;
}

void mcx_ec_p256_point_to_der(const uint8_t pub[MCX_EC_P256_POINT_LEN],
			      uint8_t der[MCX_EC_P256_POINT_DER_LEN])
{
	der[0] = 0x04; /* OCTET STRING */
	der[1] = MCX_EC_P256_POINT_LEN;
	memcpy(der + 2, pub, MCX_EC_P256_POINT_LEN);
}

enum mcx_mech_err mcx_ec_p256_point_from_der(const uint8_t *der, size_t len,
					     uint8_t pub[MCX_EC_P256_POINT_LEN])
{
	if (der == NULL || pub == NULL)
		return MCX_ERR_ARGUMENT;
	if (len == MCX_EC_P256_POINT_DER_LEN && der[0] == 0x04 &&
	    der[1] == MCX_EC_P256_POINT_LEN && der[2] == 0x04) {
		memcpy(pub, der + 2, MCX_EC_P256_POINT_LEN);
		return MCX_OK;
	}
	if (len == MCX_EC_P256_POINT_LEN && der[0] == 0x04) {
		memcpy(pub, der, MCX_EC_P256_POINT_LEN);
		return MCX_OK;
	}
	return MCX_ERR_ENCODING;
}

enum mcx_mech_err mcx_ec_p256_sign(const uint8_t priv[MCX_EC_P256_PRIV_LEN],
				   const uint8_t *digest, size_t digest_len,
				   uint8_t sig[MCX_EC_P256_SIG_LEN])
{
	enum mcx_mech_err err = MCX_ERR_CRYPTO;
	OSSL_LIB_CTX *libctx = NULL;
	EVP_PKEY *pkey = NULL;
	EVP_PKEY_CTX *pctx = NULL;
	ECDSA_SIG *esig = NULL;
	const BIGNUM *r = NULL, *s = NULL;
	const unsigned char *p = NULL;
	unsigned char der[80];
	size_t der_len = sizeof(der);

	if (priv == NULL || sig == NULL || (digest == NULL && digest_len > 0))
		return MCX_ERR_ARGUMENT;
	if (!scalar_in_range(priv))
		return MCX_ERR_SCALAR_RANGE;
	mcx_err_mark();
	libctx = mcx_libctx();
	if (libctx == NULL)
		goto out;
	pkey = priv_pkey(libctx, priv);
	if (pkey == NULL)
		goto out;
	pctx = EVP_PKEY_CTX_new_from_pkey(libctx, pkey, NULL);
	/* No digest set on the context: the input is the digest itself
	 * (CKM_ECDSA, PKCS#11 3.0 2.3.6), of whatever length. */
	if (pctx == NULL || EVP_PKEY_sign_init(pctx) != 1 ||
	    EVP_PKEY_sign(pctx, der, &der_len, digest, digest_len) != 1)
		goto out;
	p = der;
	esig = d2i_ECDSA_SIG(NULL, &p, (long)der_len);
	if (esig == NULL)
		goto out;
	ECDSA_SIG_get0(esig, &r, &s);
	if (BN_bn2binpad(r, sig, 32) != 32 ||
	    BN_bn2binpad(s, sig + 32, 32) != 32)
		goto out;
	err = MCX_OK;
out:
	ECDSA_SIG_free(esig);
	EVP_PKEY_CTX_free(pctx);
	EVP_PKEY_free(pkey);
	mcx_err_pop();
	return err;
}

enum mcx_mech_err mcx_ec_p256_verify(const uint8_t pub[MCX_EC_P256_POINT_LEN],
				     const uint8_t *digest, size_t digest_len,
				     const uint8_t *sig, size_t sig_len)
{
	enum mcx_mech_err err = MCX_ERR_CRYPTO;
	OSSL_LIB_CTX *libctx = NULL;
	EVP_PKEY *pkey = NULL;
	EVP_PKEY_CTX *pctx = NULL;
	ECDSA_SIG *esig = NULL;
	BIGNUM *r = NULL, *s = NULL;
	unsigned char *der = NULL;
	int der_len = 0, rc = 0;

	if (pub == NULL || sig == NULL || (digest == NULL && digest_len > 0))
		return MCX_ERR_ARGUMENT;
	if (sig_len != MCX_EC_P256_SIG_LEN)
		return MCX_ERR_LENGTH;
	err = mcx_ec_p256_check_point(pub, MCX_EC_P256_POINT_LEN);
	if (err != MCX_OK)
		return err;
	err = MCX_ERR_CRYPTO;
	mcx_err_mark();
	libctx = mcx_libctx();
	if (libctx == NULL)
		goto out;
	pkey = pub_pkey(libctx, pub);
	esig = ECDSA_SIG_new();
	r = BN_bin2bn(sig, 32, NULL);
	s = BN_bin2bn(sig + 32, 32, NULL);
	if (pkey == NULL || esig == NULL || r == NULL || s == NULL)
		goto out;
	if (ECDSA_SIG_set0(esig, r, s) != 1)
		goto out;
	r = s = NULL; /* owned by esig now */
	der_len = i2d_ECDSA_SIG(esig, &der);
	if (der_len <= 0)
		goto out;
	pctx = EVP_PKEY_CTX_new_from_pkey(libctx, pkey, NULL);
	if (pctx == NULL || EVP_PKEY_verify_init(pctx) != 1)
		goto out;
	/* 1 valid, 0 invalid (incl. r or s outside [1, n-1]), < 0 error;
	 * FIPS 186-4 6.4.2 step 1 range checks are OpenSSL's. */
	rc = EVP_PKEY_verify(pctx, der, (size_t)der_len, digest, digest_len);
	err = rc == 1 ? MCX_OK : MCX_ERR_SIGNATURE;
out:
	OPENSSL_free(der);
	BN_free(r);
	BN_free(s);
	ECDSA_SIG_free(esig);
	EVP_PKEY_CTX_free(pctx);
	EVP_PKEY_free(pkey);
	mcx_err_pop();
	return err;
}
