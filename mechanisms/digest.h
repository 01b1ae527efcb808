/*
 * SHA-256 (FIPS 180-4) and HMAC-SHA-256 (RFC 2104, RFC 4231), one-shot and
 * streaming, for CKM_SHA256, CKM_SHA256_HMAC and the MCX derivations.
 */
#ifndef MCX_MECHANISMS_DIGEST_H
#define MCX_MECHANISMS_DIGEST_H

#include <stddef.h>
#include <stdint.h>

#include "mechanisms/mech_err.h"

#define MCX_SHA256_LEN 32
#define MCX_DIGEST_MAX 64 /* the longest output of any context here */

enum mcx_mech_err mcx_digest_sha256(const uint8_t *in, size_t in_len,
				    uint8_t out[MCX_SHA256_LEN]);

/* HMAC-SHA-256 of in under key (any length, also 0). */
enum mcx_mech_err mcx_digest_hmac_sha256(const uint8_t *key, size_t key_len,
					 const uint8_t *in, size_t in_len,
					 uint8_t out[MCX_SHA256_LEN]);

/* Streaming: a SHA-256 context (key == NULL in new) or an HMAC-SHA-256
 * context (key given); mcx_digest_new_md() makes a plain digest context of
 * another hash by its libcrypto name ("SHA1" for CKM_ECDSA_SHA1, which
 * pkcs11-tool --test-ec uses).  final() writes mcx_digest_len() octets (32
 * for SHA-256 and HMAC-SHA-256); the context can then only be freed.
 * free() is NULL-safe and wipes the state. */
struct mcx_digest;

enum mcx_mech_err mcx_digest_new(struct mcx_digest **out, const uint8_t *key,
				 size_t key_len);
enum mcx_mech_err mcx_digest_new_md(struct mcx_digest **out,
				    const char *md_name);
size_t mcx_digest_len(const struct mcx_digest *d);
enum mcx_mech_err mcx_digest_update(struct mcx_digest *d, const uint8_t *in,
				    size_t in_len);
enum mcx_mech_err mcx_digest_final(struct mcx_digest *d,
				   uint8_t out[MCX_SHA256_LEN]);
void mcx_digest_free(struct mcx_digest *d);

#endif /* MCX_MECHANISMS_DIGEST_H */
