/*
 * NIST P-256 (prime256v1, SEC 2 secp256r1) for CKM_EC_KEY_PAIR_GEN and
 * CKM_ECDSA / CKM_ECDSA_SHA256 (FIPS 186-4 section 6), in the encodings
 * PKCS#11 3.0 uses (section 2.3): private value = 32-octet big-endian
 * scalar (CKA_VALUE), public point = 04||x||y (65 octets) wrapped in a DER
 * OCTET STRING for CKA_EC_POINT, CKA_EC_PARAMS = the DER namedCurve OID,
 * signature = r||s, 32 octets each.
 */
#ifndef MCX_MECHANISMS_EC_P256_H
#define MCX_MECHANISMS_EC_P256_H

#include <stddef.h>
#include <stdint.h>

#include "mechanisms/mech_err.h"

#define MCX_EC_P256_PRIV_LEN	  32
#define MCX_EC_P256_POINT_LEN	  65 /* 04 || x || y */
#define MCX_EC_P256_POINT_DER_LEN 67 /* 04 41 || point */
#define MCX_EC_P256_SIG_LEN	  64 /* r || s */

/* DER of the prime256v1 OID 1.2.840.10045.3.1.7 (RFC 5480 2.1.1.1). */
extern const uint8_t mcx_ec_p256_params_der[10];

/* Whether the CKA_EC_PARAMS value names P-256: the DER namedCurve OID, or
 * (PKCS#11 3.0 2.3.3, curveName) a DER PrintableString "prime256v1",
 * "secp256r1" or "P-256". */
int mcx_ec_p256_params_match(const uint8_t *der, size_t len);

/* A fresh key pair: priv (32 octets) and pub (04||x||y). */
enum mcx_mech_err mcx_ec_p256_generate(uint8_t priv[MCX_EC_P256_PRIV_LEN],
				       uint8_t pub[MCX_EC_P256_POINT_LEN]);

/* The public point [priv]G of a private scalar (1 <= priv < n, else
 * MCX_ERR_SCALAR_RANGE). */
enum mcx_mech_err mcx_ec_p256_public(const uint8_t priv[MCX_EC_P256_PRIV_LEN],
				     uint8_t pub[MCX_EC_P256_POINT_LEN]);

/* Check a public point: 65 octets, 04 prefix (else MCX_ERR_ENCODING), on
 * the curve (else MCX_ERR_NOT_ON_CURVE). */
enum mcx_mech_err mcx_ec_p256_check_point(const uint8_t *pub, size_t len);

/* CKA_EC_POINT: the DER OCTET STRING around the 65-octet point. */
void mcx_ec_p256_point_to_der(const uint8_t pub[MCX_EC_P256_POINT_LEN],
			      uint8_t der[MCX_EC_P256_POINT_DER_LEN]);
/* The point inside a CKA_EC_POINT value.  Besides the DER form, the raw
 * 65-octet point is accepted, as many PKCS#11 clients send it so. */
enum mcx_mech_err
mcx_ec_p256_point_from_der(const uint8_t *der, size_t len,
			   uint8_t pub[MCX_EC_P256_POINT_LEN]);

/* ECDSA signature of a message digest of any length (FIPS 186-4 6.4:
 * the leftmost 256 bits are used), with a fresh random k. */
enum mcx_mech_err mcx_ec_p256_sign(const uint8_t priv[MCX_EC_P256_PRIV_LEN],
				   const uint8_t *digest, size_t digest_len,
				   uint8_t sig[MCX_EC_P256_SIG_LEN]);

/* MCX_OK if sig (r||s, sig_len must be 64, else MCX_ERR_LENGTH) is a valid
 * signature of digest under pub; MCX_ERR_SIGNATURE if not. */
enum mcx_mech_err mcx_ec_p256_verify(const uint8_t pub[MCX_EC_P256_POINT_LEN],
				     const uint8_t *digest, size_t digest_len,
				     const uint8_t *sig, size_t sig_len);

#endif /* MCX_MECHANISMS_EC_P256_H */
