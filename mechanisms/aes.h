/*
 * AES for the standard mechanisms: GCM (NIST SP 800-38D) one-shot and
 * streaming, one ECB block (check values, PKCS#11 3.0 section 4.4.1), and
 * AES key wrap without (RFC 3394) and with padding (RFC 5649).  Pure
 * functions over bytes; keys are 16, 24 or 32 octets.
 */
#ifndef MCX_MECHANISMS_AES_H
#define MCX_MECHANISMS_AES_H

#include <stddef.h>
#include <stdint.h>

#include "mechanisms/mech_err.h"

#define MCX_AES_BLOCK	    16
#define MCX_AES_GCM_TAG_MIN 4
#define MCX_AES_GCM_TAG_MAX 16
/* The IV length GCM accepts here (SP 800-38D allows 1..2^64-1 bits; we cap
 * it at a size no caller needs to exceed). */
#define MCX_AES_GCM_IV_MAX    128
#define MCX_AES_WRAP_OVERHEAD 8

/* Whether len is an AES key length (16, 24, 32). */
int mcx_aes_key_len_ok(size_t len);

/* AES-GCM encryption in one call: out receives in_len octets of ciphertext
 * followed by the tag_len-octet tag (4..16). iv_len is 1..MCX_AES_GCM_IV_MAX
 * (12 is the fast path; 16-octet IVs are used by the MCX key parameters). */
enum mcx_mech_err mcx_aes_gcm_encrypt(const uint8_t *key, size_t key_len,
				      const uint8_t *iv, size_t iv_len,
				      const uint8_t *aad, size_t aad_len,
				      const uint8_t *in, size_t in_len,
				      size_t tag_len, uint8_t *out);

/* AES-GCM decryption in one call: in is ciphertext || tag (in_len >=
 * tag_len); out receives in_len - tag_len octets.  On any failure after the
 * argument checks (MCX_ERR_AUTH or another) out is wiped: no
 * unauthenticated plaintext leaves (SP 800-38D 7.2 step 7). */
enum mcx_mech_err mcx_aes_gcm_decrypt(const uint8_t *key, size_t key_len,
				      const uint8_t *iv, size_t iv_len,
				      const uint8_t *aad, size_t aad_len,
				      const uint8_t *in, size_t in_len,
				      size_t tag_len, uint8_t *out);

/* Streaming GCM.  Encryption: update() turns in_len octets into in_len
 * octets; final() writes the tag.  Decryption: the tag is the last tag_len
 * octets of the whole input, so update() holds back the last tag_len octets
 * it has seen and may output fewer octets than it consumed (never more than
 * in_len + tag_len); final() checks the tag against the held-back octets.
 * The caller decides whether plaintext may be released before final()
 * succeeds (the token does not release it). */
struct mcx_aes_gcm;

enum mcx_mech_err mcx_aes_gcm_new(struct mcx_aes_gcm **out, int encrypt,
				  const uint8_t *key, size_t key_len,
				  const uint8_t *iv, size_t iv_len,
				  const uint8_t *aad, size_t aad_len,
				  size_t tag_len);
enum mcx_mech_err mcx_aes_gcm_update(struct mcx_aes_gcm *gcm, const uint8_t *in,
				     size_t in_len, uint8_t *out,
				     size_t *out_len);
/* Encryption: writes the tag_len-octet tag to tag.  Decryption: tag is
 * unused; MCX_ERR_AUTH if the held-back tag does not verify. */
enum mcx_mech_err mcx_aes_gcm_final(struct mcx_aes_gcm *gcm, uint8_t *tag);
/* The tag length the context was created with. */
size_t mcx_aes_gcm_tag_len(const struct mcx_aes_gcm *gcm);
void mcx_aes_gcm_free(struct mcx_aes_gcm *gcm);

/* AES-ECB encryption of one 16-octet block. */
enum mcx_mech_err mcx_aes_ecb_block(const uint8_t *key, size_t key_len,
				    const uint8_t in[MCX_AES_BLOCK],
				    uint8_t out[MCX_AES_BLOCK]);

/* The PKCS#11 3.0 AES check value (section 2.9.1 / 4.4.1): the first 3
 * octets of AES-ECB(key, 16 zero octets). */
enum mcx_mech_err mcx_aes_check_value(const uint8_t *key, size_t key_len,
				      uint8_t out[3]);

/* RFC 3394 section 2.2.1 key wrap: in_len a multiple of 8 and >= 16; out
 * gets in_len + 8 octets. */
enum mcx_mech_err mcx_aes_wrap(const uint8_t *kek, size_t kek_len,
			       const uint8_t *in, size_t in_len, uint8_t *out);
/* RFC 3394 section 2.2.2 unwrap with the 2.2.3 integrity check: in_len a
 * multiple of 8 and >= 24; out gets in_len - 8 octets (wiped on
 * MCX_ERR_AUTH). */
enum mcx_mech_err mcx_aes_unwrap(const uint8_t *kek, size_t kek_len,
				 const uint8_t *in, size_t in_len,
				 uint8_t *out);

/* The RFC 5649 wrapped length of in_len octets: ceil(in_len/8)*8 + 8. */
size_t mcx_aes_kwp_wrapped_len(size_t in_len);
/* RFC 5649 section 4.1 wrap with padding: in_len >= 1; out gets
 * mcx_aes_kwp_wrapped_len(in_len) octets. */
enum mcx_mech_err mcx_aes_kwp_wrap(const uint8_t *kek, size_t kek_len,
				   const uint8_t *in, size_t in_len,
				   uint8_t *out);
/* RFC 5649 section 4.2 unwrap: in_len a multiple of 8 and >= 16; out must
 * hold in_len - 8 octets; *out_len gets the MLI (the unpadded length).
 * The octets of out past *out_len are zero. */
enum mcx_mech_err mcx_aes_kwp_unwrap(const uint8_t *kek, size_t kek_len,
				     const uint8_t *in, size_t in_len,
				     uint8_t *out, size_t *out_len);

#endif /* MCX_MECHANISMS_AES_H */
