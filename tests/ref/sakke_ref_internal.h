/*
 * Private to the reference SAKKE (tests/ref): the structures and the
 * arithmetic of sakke_ref_arith.c (F_p in Montgomery form, affine and
 * Jacobian points, F_p^2, the pairing) used by sakke_ref.c.
 */
#ifndef MCX_TESTS_REF_SAKKE_REF_INTERNAL_H
#define MCX_TESTS_REF_SAKKE_REF_INTERNAL_H

#include <openssl/bn.h>
#include <stdint.h>

#include "tests/ref/sakke_ref.h"

#define FP  MCX_SAKKE_REF_FP_LEN
#define PT  MCX_SAKKE_REF_POINT_LEN
#define SSV MCX_SAKKE_REF_SSV_LEN

struct mcx_sakke_ref_pt {
	BIGNUM *x;
	BIGNUM *y;
	int inf;
};

/* a + i*b with i^2 = -1; the PF_p value of (a, b) is b/a. */
struct mcx_sakke_ref_fp2 {
	BIGNUM *a;
	BIGNUM *b;
};

struct mcx_sakke_ref {
	BIGNUM *p;
	BIGNUM *q;
	BIGNUM *g;
	BIGNUM *c;		      /* (p + 1) / q */
	BIGNUM *one;		      /* 1 in Montgomery form */
	BN_MONT_CTX *mont;	      /* modulo p */
	struct mcx_sakke_ref_pt base; /* P, Montgomery form */
	BN_CTX *bn;
};

int mcx_sakke_ref_arith_pt_init(struct mcx_sakke_ref_pt *a);
void mcx_sakke_ref_arith_pt_clear(struct mcx_sakke_ref_pt *a);
int mcx_sakke_ref_arith_pt_copy(struct mcx_sakke_ref_pt *dst,
				const struct mcx_sakke_ref_pt *src);
int mcx_sakke_ref_arith_on_curve(struct mcx_sakke_ref *ref,
				 const struct mcx_sakke_ref_pt *a);
int mcx_sakke_ref_arith_pt_add(struct mcx_sakke_ref *ref,
			       struct mcx_sakke_ref_pt *out,
			       const struct mcx_sakke_ref_pt *a,
			       const struct mcx_sakke_ref_pt *b);
int mcx_sakke_ref_arith_pt_mul(struct mcx_sakke_ref *ref,
			       struct mcx_sakke_ref_pt *out, const BIGNUM *k,
			       const struct mcx_sakke_ref_pt *a);
int mcx_sakke_ref_arith_pt_mul_affine(struct mcx_sakke_ref *ref,
				      struct mcx_sakke_ref_pt *out,
				      const BIGNUM *k,
				      const struct mcx_sakke_ref_pt *a);
int mcx_sakke_ref_arith_pt_decode(struct mcx_sakke_ref *ref,
				  const uint8_t in[PT],
				  struct mcx_sakke_ref_pt *out);
int mcx_sakke_ref_arith_pt_encode(struct mcx_sakke_ref *ref,
				  const struct mcx_sakke_ref_pt *a,
				  uint8_t out[PT]);
int mcx_sakke_ref_arith_fp2_init(struct mcx_sakke_ref_fp2 *a);
void mcx_sakke_ref_arith_fp2_clear(struct mcx_sakke_ref_fp2 *a);
int mcx_sakke_ref_arith_fp2_pow(struct mcx_sakke_ref *ref,
				struct mcx_sakke_ref_fp2 *out,
				const struct mcx_sakke_ref_fp2 *x,
				const BIGNUM *e);
int mcx_sakke_ref_arith_fp2_to_fp(struct mcx_sakke_ref *ref,
				  const struct mcx_sakke_ref_fp2 *x,
				  uint8_t out[FP]);
int mcx_sakke_ref_arith_pairing(struct mcx_sakke_ref *ref,
				const struct mcx_sakke_ref_pt *r,
				const struct mcx_sakke_ref_pt *q,
				uint8_t out[FP]);
int mcx_sakke_ref_arith_pairing_affine(struct mcx_sakke_ref *ref,
				       const struct mcx_sakke_ref_pt *r,
				       const struct mcx_sakke_ref_pt *q,
				       uint8_t out[FP]);

#endif /* MCX_TESTS_REF_SAKKE_REF_INTERNAL_H */
