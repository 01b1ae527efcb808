/*
 * Reference SAKKE with BIGNUM, protocol level: see sakke_ref.h.  Each
 * function follows MCX-REFERENCE §3 step by step on top of the arithmetic
 * of sakke_ref_arith.c; no precomputation, no constant-time tricks, so
 * that it can be checked by reading.
 */
#include "tests/ref/sakke_ref.h"

#include <openssl/bn.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "tests/common/vectors.h"
#include "tests/ref/sakke_ref_internal.h"

/* ---- helpers ----------------------------------------------------------- */

static BIGNUM *hex_bn(struct json_object *root, const char *path)
{
	BIGNUM *v = NULL;

	if (!BN_hex2bn(&v, mcx_vectors_str(root, path)))
		return NULL;
	return v;
}

static int sha256(const uint8_t *a, size_t a_len, const uint8_t *b,
		  size_t b_len, uint8_t out[32])
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	int ok = md != NULL && EVP_DigestInit_ex(md, EVP_sha256(), NULL) &&
		 EVP_DigestUpdate(md, a, a_len) &&
		 (b_len == 0 || EVP_DigestUpdate(md, b, b_len)) &&
		 EVP_DigestFinal_ex(md, out, NULL);

	EVP_MD_CTX_free(md);
	return ok;
}

/* ---- HashToIntegerRange (§3.2) ----------------------------------------- */

static int hash_to_range(const uint8_t *s, size_t s_len, const BIGNUM *n,
			 BIGNUM *out, BN_CTX *bn)
{
	uint8_t a[32], h[32] = {0}, vv[32 * 8];
	BIGNUM *n1 = BN_dup(n);
	int l, ok = n1 != NULL && BN_sub_word(n1, 1) &&
		    sha256(s, s_len, NULL, 0, a);

	/* l = ceil(lg(n) / 256) */
	l = (BN_num_bits(n1) + 255) / 256;
	ok = ok && l >= 1 && l <= 8;
	for (int i = 0; ok && i < l; i++)
		ok = sha256(h, 32, NULL, 0, h) &&
		     sha256(h, 32, a, 32, vv + 32 * i);
	ok = ok && BN_bin2bn(vv, 32 * l, out) != NULL &&
	     BN_nnmod(out, out, n, bn);
	BN_free(n1);
	return ok;
}

/* ---- setup ------------------------------------------------------------- */

struct mcx_sakke_ref *mcx_sakke_ref_new(void)
{
	struct json_object *root = mcx_vectors_load("sakke_rfc6508.json");
	struct mcx_sakke_ref *ref = calloc(1, sizeof(*ref));
	BIGNUM *rem = BN_new();
	struct mcx_sakke_ref_pt t;
	int ok = ref != NULL && rem != NULL && mcx_sakke_ref_arith_pt_init(&t);

	if (ref != NULL) {
		ref->bn = BN_CTX_new();
		ref->p = hex_bn(root, "parameter_set_1.p");
		ref->q = hex_bn(root, "parameter_set_1.q");
		ref->g = hex_bn(root, "parameter_set_1.g");
		ref->c = BN_new();
		ref->one = BN_new();
		ref->mont = BN_MONT_CTX_new();
		ok = ok && mcx_sakke_ref_arith_pt_init(&ref->base);
		if (ok) {
			BN_free(ref->base.x);
			BN_free(ref->base.y);
			ref->base.x = hex_bn(root, "parameter_set_1.Px");
			ref->base.y = hex_bn(root, "parameter_set_1.Py");
			ref->base.inf = 0;
		}
	}
	ok = ok && ref->bn != NULL && ref->p != NULL && ref->q != NULL &&
	     ref->g != NULL && ref->c != NULL && ref->one != NULL &&
	     ref->mont != NULL && ref->base.x != NULL && ref->base.y != NULL;
	/* Montgomery form modulo p: 1 and P's coordinates. */
	ok = ok && BN_MONT_CTX_set(ref->mont, ref->p, ref->bn) &&
	     BN_to_montgomery(ref->one, BN_value_one(), ref->mont, ref->bn) &&
	     BN_to_montgomery(ref->base.x, ref->base.x, ref->mont, ref->bn) &&
	     BN_to_montgomery(ref->base.y, ref->base.y, ref->mont, ref->bn);
	/* c = (p + 1) / q exactly; P on the curve; [q]P = O. */
	ok = ok && BN_copy(rem, ref->p) && BN_add_word(rem, 1) &&
	     BN_div(ref->c, rem, rem, ref->q, ref->bn) && BN_is_zero(rem) &&
	     mcx_sakke_ref_arith_on_curve(ref, &ref->base) &&
	     mcx_sakke_ref_arith_pt_mul(ref, &t, ref->q, &ref->base) && t.inf;
	mcx_sakke_ref_arith_pt_clear(&t);
	BN_free(rem);
	json_object_put(root);
	if (!ok) {
		mcx_sakke_ref_free(ref);
		return NULL;
	}
	return ref;
}

void mcx_sakke_ref_free(struct mcx_sakke_ref *ref)
{
	if (ref == NULL)
		return;
	BN_free(ref->p);
	BN_free(ref->q);
	BN_free(ref->g);
	BN_free(ref->c);
	BN_free(ref->one);
	BN_MONT_CTX_free(ref->mont);
	mcx_sakke_ref_arith_pt_clear(&ref->base);
	BN_CTX_free(ref->bn);
	free(ref);
}

void mcx_sakke_ref_get_p(struct mcx_sakke_ref *ref, uint8_t out[PT])
{
	mcx_sakke_ref_arith_pt_encode(ref, &ref->base, out);
}

int mcx_sakke_ref_on_curve(struct mcx_sakke_ref *ref, const uint8_t pt[PT])
{
	struct mcx_sakke_ref_pt a;
	int ok = mcx_sakke_ref_arith_pt_init(&a) &&
		 mcx_sakke_ref_arith_pt_decode(ref, pt, &a);

	mcx_sakke_ref_arith_pt_clear(&a);
	return ok ? 0 : -1;
}

/* ---- public operations ------------------------------------------------- */

int mcx_sakke_ref_point_mul(struct mcx_sakke_ref *ref, const uint8_t *k,
			    size_t k_len, const uint8_t pt[PT], uint8_t out[PT])
{
	struct mcx_sakke_ref_pt a, r;
	BIGNUM *kb = BN_bin2bn(k, (int)k_len, NULL);
	int ok = kb != NULL && mcx_sakke_ref_arith_pt_init(&a) &&
		 mcx_sakke_ref_arith_pt_init(&r) &&
		 mcx_sakke_ref_arith_pt_decode(ref, pt, &a) &&
		 mcx_sakke_ref_arith_pt_mul(ref, &r, kb, &a) &&
		 mcx_sakke_ref_arith_pt_encode(ref, &r, out);

	mcx_sakke_ref_arith_pt_clear(&a);
	mcx_sakke_ref_arith_pt_clear(&r);
	BN_free(kb);
	return ok ? 0 : -1;
}

int mcx_sakke_ref_point_mul_affine(struct mcx_sakke_ref *ref, const uint8_t *k,
				   size_t k_len, const uint8_t pt[PT],
				   uint8_t out[PT])
{
	struct mcx_sakke_ref_pt a, r;
	BIGNUM *kb = BN_bin2bn(k, (int)k_len, NULL);
	int ok = kb != NULL && mcx_sakke_ref_arith_pt_init(&a) &&
		 mcx_sakke_ref_arith_pt_init(&r) &&
		 mcx_sakke_ref_arith_pt_decode(ref, pt, &a) &&
		 mcx_sakke_ref_arith_pt_mul_affine(ref, &r, kb, &a) &&
		 mcx_sakke_ref_arith_pt_encode(ref, &r, out);

	mcx_sakke_ref_arith_pt_clear(&a);
	mcx_sakke_ref_arith_pt_clear(&r);
	BN_free(kb);
	return ok ? 0 : -1;
}

int mcx_sakke_ref_pairing_affine(struct mcx_sakke_ref *ref, const uint8_t r[PT],
				 const uint8_t q[PT], uint8_t out[FP])
{
	struct mcx_sakke_ref_pt a, b;
	int ok = mcx_sakke_ref_arith_pt_init(&a) &&
		 mcx_sakke_ref_arith_pt_init(&b) &&
		 mcx_sakke_ref_arith_pt_decode(ref, r, &a) &&
		 mcx_sakke_ref_arith_pt_decode(ref, q, &b) &&
		 mcx_sakke_ref_arith_pairing_affine(ref, &a, &b, out);

	mcx_sakke_ref_arith_pt_clear(&a);
	mcx_sakke_ref_arith_pt_clear(&b);
	return ok ? 0 : -1;
}

int mcx_sakke_ref_pairing(struct mcx_sakke_ref *ref, const uint8_t r[PT],
			  const uint8_t q[PT], uint8_t out[FP])
{
	struct mcx_sakke_ref_pt a, b;
	int ok = mcx_sakke_ref_arith_pt_init(&a) &&
		 mcx_sakke_ref_arith_pt_init(&b) &&
		 mcx_sakke_ref_arith_pt_decode(ref, r, &a) &&
		 mcx_sakke_ref_arith_pt_decode(ref, q, &b) &&
		 mcx_sakke_ref_arith_pairing(ref, &a, &b, out);

	mcx_sakke_ref_arith_pt_clear(&a);
	mcx_sakke_ref_arith_pt_clear(&b);
	return ok ? 0 : -1;
}

static int g_pow_bn(struct mcx_sakke_ref *ref, const BIGNUM *e, uint8_t out[FP])
{
	struct mcx_sakke_ref_fp2 g, v;
	int ok = mcx_sakke_ref_arith_fp2_init(&g) &&
		 mcx_sakke_ref_arith_fp2_init(&v) && BN_copy(g.a, ref->one) &&
		 BN_to_montgomery(g.b, ref->g, ref->mont, ref->bn) &&
		 mcx_sakke_ref_arith_fp2_pow(ref, &v, &g, e) &&
		 mcx_sakke_ref_arith_fp2_to_fp(ref, &v, out);

	mcx_sakke_ref_arith_fp2_clear(&g);
	mcx_sakke_ref_arith_fp2_clear(&v);
	return ok;
}

int mcx_sakke_ref_g_pow(struct mcx_sakke_ref *ref, const uint8_t *e,
			size_t e_len, uint8_t out[FP])
{
	BIGNUM *eb = BN_bin2bn(e, (int)e_len, NULL);
	int ok = eb != NULL && g_pow_bn(ref, eb, out);

	BN_free(eb);
	return ok ? 0 : -1;
}

int mcx_sakke_ref_hash_to_q(struct mcx_sakke_ref *ref, const uint8_t *s,
			    size_t s_len, uint8_t out[FP])
{
	BIGNUM *v = BN_new();
	int ok = v != NULL && hash_to_range(s, s_len, ref->q, v, ref->bn) &&
		 BN_bn2binpad(v, out, FP) == FP;

	BN_free(v);
	return ok ? 0 : -1;
}

int mcx_sakke_ref_hash_to_n(struct mcx_sakke_ref *ref, const uint8_t *s,
			    size_t s_len, uint8_t out[SSV])
{
	BIGNUM *v = BN_new(), *n = BN_new();
	int ok = v != NULL && n != NULL && BN_set_bit(n, 128) &&
		 hash_to_range(s, s_len, n, v, ref->bn) &&
		 BN_bn2binpad(v, out, SSV) == SSV;

	BN_free(v);
	BN_free(n);
	return ok ? 0 : -1;
}

int mcx_sakke_ref_kms_public(struct mcx_sakke_ref *ref, const uint8_t *z,
			     size_t z_len, uint8_t z_pub[PT])
{
	struct mcx_sakke_ref_pt r;
	BIGNUM *zb = BN_bin2bn(z, (int)z_len, NULL);
	int ok = zb != NULL && mcx_sakke_ref_arith_pt_init(&r) &&
		 mcx_sakke_ref_arith_pt_mul(ref, &r, zb, &ref->base) &&
		 mcx_sakke_ref_arith_pt_encode(ref, &r, z_pub);

	mcx_sakke_ref_arith_pt_clear(&r);
	BN_free(zb);
	return ok ? 0 : -1;
}

int mcx_sakke_ref_issue_rsk(struct mcx_sakke_ref *ref, const uint8_t *z,
			    size_t z_len, const uint8_t *id, size_t id_len,
			    uint8_t rsk[PT])
{
	struct mcx_sakke_ref_pt r;
	BIGNUM *zb = BN_bin2bn(z, (int)z_len, NULL);
	BIGNUM *b = BN_bin2bn(id, (int)id_len, NULL);
	int ok = zb != NULL && b != NULL && mcx_sakke_ref_arith_pt_init(&r) &&
		 BN_mod_add(b, b, zb, ref->q, ref->bn) &&
		 BN_mod_inverse(b, b, ref->q, ref->bn) != NULL &&
		 mcx_sakke_ref_arith_pt_mul(ref, &r, b, &ref->base) &&
		 mcx_sakke_ref_arith_pt_encode(ref, &r, rsk);

	mcx_sakke_ref_arith_pt_clear(&r);
	BN_free(zb);
	BN_free(b);
	return ok ? 0 : -1;
}

/* [b]P + Z */
static int bp_plus_z(struct mcx_sakke_ref *ref, const uint8_t z_pub[PT],
		     const uint8_t *id, size_t id_len,
		     struct mcx_sakke_ref_pt *out)
{
	struct mcx_sakke_ref_pt z;
	BIGNUM *b = BN_bin2bn(id, (int)id_len, NULL);
	int ok = b != NULL && mcx_sakke_ref_arith_pt_init(&z) &&
		 mcx_sakke_ref_arith_pt_decode(ref, z_pub, &z) &&
		 mcx_sakke_ref_arith_pt_mul(ref, out, b, &ref->base) &&
		 mcx_sakke_ref_arith_pt_add(ref, out, out, &z);

	mcx_sakke_ref_arith_pt_clear(&z);
	BN_free(b);
	return ok;
}

int mcx_sakke_ref_validate_rsk(struct mcx_sakke_ref *ref,
			       const uint8_t z_pub[PT], const uint8_t rsk[PT],
			       const uint8_t *id, size_t id_len)
{
	struct mcx_sakke_ref_pt a, k;
	uint8_t w[FP], g[FP];
	int ok = mcx_sakke_ref_arith_pt_init(&a) &&
		 mcx_sakke_ref_arith_pt_init(&k) &&
		 mcx_sakke_ref_arith_pt_decode(ref, rsk, &k) &&
		 bp_plus_z(ref, z_pub, id, id_len, &a) &&
		 mcx_sakke_ref_arith_pairing(ref, &a, &k, w) &&
		 BN_bn2binpad(ref->g, g, FP) == FP && memcmp(w, g, FP) == 0;

	mcx_sakke_ref_arith_pt_clear(&a);
	mcx_sakke_ref_arith_pt_clear(&k);
	return ok ? 0 : -1;
}

/* r = HashToIntegerRange(SSV || b, q) */
static int derive_r(struct mcx_sakke_ref *ref, const uint8_t ssv[SSV],
		    const uint8_t *id, size_t id_len, BIGNUM *r)
{
	uint8_t *s = malloc(SSV + id_len);
	int ok = s != NULL;

	if (ok) {
		memcpy(s, ssv, SSV);
		memcpy(s + SSV, id, id_len);
		ok = hash_to_range(s, SSV + id_len, ref->q, r, ref->bn);
	}
	free(s);
	return ok;
}

int mcx_sakke_ref_encapsulate(struct mcx_sakke_ref *ref,
			      const uint8_t z_pub[PT], const uint8_t *id,
			      size_t id_len, const uint8_t ssv[SSV],
			      uint8_t sed[MCX_SAKKE_REF_SED_LEN],
			      struct mcx_sakke_ref_encap *inter)
{
	struct mcx_sakke_ref_encap loc;
	struct mcx_sakke_ref_encap *e = inter != NULL ? inter : &loc;
	struct mcx_sakke_ref_pt bpz, rr;
	BIGNUM *r = BN_new();
	int ok = r != NULL && mcx_sakke_ref_arith_pt_init(&bpz) &&
		 mcx_sakke_ref_arith_pt_init(&rr);

	/* 2. r = HashToIntegerRange(SSV || b, q) */
	ok = ok && derive_r(ref, ssv, id, id_len, r) &&
	     BN_bn2binpad(r, e->r, FP) == FP;
	/* 3. R = [r]([b]P + Z) */
	ok = ok && bp_plus_z(ref, z_pub, id, id_len, &bpz) &&
	     mcx_sakke_ref_arith_pt_encode(ref, &bpz, e->bp_plus_z) &&
	     mcx_sakke_ref_arith_pt_mul(ref, &rr, r, &bpz) &&
	     mcx_sakke_ref_arith_pt_encode(ref, &rr, sed);
	/* 4. H = SSV XOR HashToIntegerRange(g^r, 2^128), g^r fixed-length */
	ok = ok && g_pow_bn(ref, r, e->g_r) &&
	     mcx_sakke_ref_hash_to_n(ref, e->g_r, FP, e->mask) == 0;
	for (size_t i = 0; ok && i < SSV; i++)
		sed[PT + i] = ssv[i] ^ e->mask[i];
	mcx_sakke_ref_arith_pt_clear(&bpz);
	mcx_sakke_ref_arith_pt_clear(&rr);
	BN_free(r);
	return ok ? 0 : -1;
}

int mcx_sakke_ref_decapsulate(struct mcx_sakke_ref *ref,
			      const uint8_t z_pub[PT], const uint8_t rsk[PT],
			      const uint8_t *id, size_t id_len,
			      const uint8_t *sed, size_t sed_len,
			      uint8_t ssv[SSV], uint8_t w_out[FP])
{
	struct mcx_sakke_ref_pt rr, k, bpz, test;
	BIGNUM *r = BN_new();
	uint8_t w[FP], h[SSV] = {0}, mask[SSV], cand[SSV];
	int ok, found = 0;

	if (sed_len != MCX_SAKKE_REF_SED_LEN &&
	    sed_len != MCX_SAKKE_REF_SED_LEN - 1) {
		BN_free(r);
		return -1;
	}
	/* 1. parse R and H (a 15-octet H is left-padded, decision a) */
	memcpy(h + SSV - (sed_len - PT), sed + PT, sed_len - PT);
	ok = r != NULL && mcx_sakke_ref_arith_pt_init(&rr) &&
	     mcx_sakke_ref_arith_pt_init(&k) &&
	     mcx_sakke_ref_arith_pt_init(&bpz) &&
	     mcx_sakke_ref_arith_pt_init(&test) &&
	     mcx_sakke_ref_arith_pt_decode(ref, sed, &rr) &&
	     mcx_sakke_ref_arith_pt_decode(ref, rsk, &k);
	/* 2. w = <R, K> */
	ok = ok && mcx_sakke_ref_arith_pairing(ref, &rr, &k, w) &&
	     bp_plus_z(ref, z_pub, id, id_len, &bpz);
	/* 3-5, first with w as 128 octets, then (decision a) without its
	 * leading zero octets if it has any. */
	for (int attempt = 0; ok && !found && attempt < 2; attempt++) {
		size_t skip = 0;

		if (attempt == 1) {
			while (skip < FP && w[skip] == 0)
				skip++;
			if (skip == 0)
				break;
		}
		ok = mcx_sakke_ref_hash_to_n(ref, w + skip, FP - skip, mask) ==
		     0;
		for (size_t i = 0; ok && i < SSV; i++)
			cand[i] = h[i] ^ mask[i];
		ok = ok && derive_r(ref, cand, id, id_len, r) &&
		     mcx_sakke_ref_arith_pt_mul(ref, &test, r, &bpz);
		found = ok && !test.inf && BN_cmp(test.x, rr.x) == 0 &&
			BN_cmp(test.y, rr.y) == 0;
	}
	if (found)
		memcpy(ssv, cand, SSV);
	if (w_out != NULL && ok)
		memcpy(w_out, w, FP);
	mcx_sakke_ref_arith_pt_clear(&rr);
	mcx_sakke_ref_arith_pt_clear(&k);
	mcx_sakke_ref_arith_pt_clear(&bpz);
	mcx_sakke_ref_arith_pt_clear(&test);
	BN_free(r);
	return found ? 0 : -1;
}
