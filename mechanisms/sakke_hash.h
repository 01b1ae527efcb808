/*
 * HashToIntegerRange(s, n, SHA-256) of RFC 6508 §5.1 (MCX-REFERENCE.md
 * §3.2) for the two ranges SAKKE needs; s = s1 || s2 so that callers need
 * not concatenate secrets into temporary buffers.
 */
#ifndef MCX_MECHANISMS_SAKKE_HASH_H
#define MCX_MECHANISMS_SAKKE_HASH_H

#include <stddef.h>
#include <stdint.h>

#include "mechanisms/fp1024.h"
#include "mechanisms/mech_err.h"

/* v' mod q as a Montgomery element mod q (mont) and raw (raw). */
enum mcx_mech_err mcx_sakke_hash_q(const uint8_t *s1, size_t s1_len,
				   const uint8_t *s2, size_t s2_len,
				   struct mcx_fp1024 *mont,
				   struct mcx_fp1024 *raw);
/* v' mod 2^128: the last 16 octets of v_1. */
enum mcx_mech_err mcx_sakke_hash_n(const uint8_t *s, size_t s_len,
				   uint8_t out[16]);

/* HashToIntegerRange(w[skip..128), 2^128) for a secret skip (0..127): the
 * mask from the minimal-length encoding of g^r that decision a's recovery
 * tries (MCX-REFERENCE.md, project decision a).  Constant time in w and in
 * skip: neither the instruction trace nor any address depends on them
 * (SHA-256 over a masked length).  skip must be below 128 (it is not
 * checked, being secret; only its low 7 bits are used). */
enum mcx_mech_err mcx_sakke_hash_n_tail(const uint8_t w[128], size_t skip,
					uint8_t out[16]);

#endif /* MCX_MECHANISMS_SAKKE_HASH_H */
