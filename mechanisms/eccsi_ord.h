/*
 * Arithmetic modulo the order q of NIST P-256, for ECCSI signing
 * (RFC 6507 §5.2.1 steps 4-5: s' = j * (HE + r*SSK)^-1 mod q, all secret).
 * OpenSSL's fast constant-time inversion modulo the P-256 order is not
 * public and BN_mod_exp_mont_consttime on 256-bit numbers cost as much as
 * the whole [j]G, so this file has a 4 x 64-bit Montgomery multiplication
 * and Fermat's inversion x^(q-2): the exponent is public, the sequence of
 * operations and memory accesses is fixed, and every carry and the final
 * subtraction are handled with masks, so the time does not depend on x.
 */
#ifndef MCX_MECHANISMS_ECCSI_ORD_H
#define MCX_MECHANISMS_ECCSI_ORD_H

#include <stdint.h>

/* out = in^-1 mod q for in in [1, q-1], 32 octets big-endian each (out may
 * alias in).  For in = 0 the result is 0.  Temporaries are wiped. */
void mcx_eccsi_ord_inverse(uint8_t out[32], const uint8_t in[32]);

/* RFC 6507 §5.2.1 steps 4-5 in one constant-time pass:
 * s = j * (HE + r * SSK)^-1 mod q, all 32 octets big-endian; j, SSK, r must
 * be below q, HE is any 256-bit value.  Returns 0 when HE + r*SSK = 0 mod q
 * (the RFC's "choose a new j"; s is then 0), 1 otherwise. */
int mcx_eccsi_ord_sign(uint8_t s[32], const uint8_t j[32],
		       const uint8_t ssk[32], const uint8_t r[32],
		       const uint8_t he[32]);

#endif /* MCX_MECHANISMS_ECCSI_ORD_H */
