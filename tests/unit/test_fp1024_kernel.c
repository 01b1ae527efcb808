/*
 * The 1024-bit Montgomery kernels (mechanisms/fp1024_kernel.h) against
 * OpenSSL BIGNUM: r = a * b * 2^-1024 mod m computed as BN_mod_mul by the
 * inverse of 2^1024, which shares no code with the kernels.
 *
 * Moduli: p and q of RFC 6509 parameter set 1 (read from
 * tests/vectors/sakke_rfc6508.json), random odd 1024-bit moduli, and the
 * extreme odd moduli 2^1024 - 1 (every limb all-ones, every carry ripples)
 * and 2^1023 + 1 (m0inv = -1).  Inputs: >= 10,000 random pairs per modulus
 * and kernel, edge values (0, 1, 2, m-1, m-2, R mod m, R^2 mod m, values
 * of all-ones limbs), and every aliasing of r with a and b.  The squaring
 * kernels get the same inputs (and r aliasing a).  The lazy-reduction
 * kernels: mul_wide against BN_mul, redc against BIGNUM over the whole
 * input range its contract allows, and redc(mul_wide) = mont_mul.
 *
 * Random inputs come from a xorshift generator seeded from the clock; the
 * seed is printed and MCXHSM_TEST_SEED replays a run.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <openssl/bn.h>

#include "mechanisms/fp1024_kernel.h"
#include "tests/common/vectors.h"

#define N	     MCX_FP1024_LIMBS
#define RANDOM_PAIRS 10000

struct kernel {
	const char *name;
	mcx_fp1024_mont_mul_fn mul;
	mcx_fp1024_mont_sqr_fn sqr;
	mcx_fp1024_mul_wide_fn wide;
	mcx_fp1024_redc_fn redc;
};

static struct kernel kernels[4]; /* portable, adx, ifma */
static int nkernels;

static uint64_t rng_state;
static uint64_t rng_seed; /* printed on failure to replay the run */

static uint64_t rng_next(void)
{
	uint64_t x = rng_state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	rng_state = x;
	return x;
}

static void limbs_from_bn(uint64_t out[N], const BIGNUM *bn)
{
	unsigned char le[8 * N];

	assert_true(BN_num_bytes(bn) <= (int)sizeof(le));
	assert_int_equal(BN_bn2lebinpad(bn, le, sizeof(le)), sizeof(le));
	for (int i = 0; i < N; i++) {
		out[i] = 0;
		for (int k = 7; k >= 0; k--)
			out[i] = (out[i] << 8) | le[8 * i + k];
	}
}

static BIGNUM *bn_from_limbs(const uint64_t in[N])
{
	unsigned char le[8 * N];
	BIGNUM *bn = NULL;

	for (int i = 0; i < N; i++)
		for (int k = 0; k < 8; k++)
			le[8 * i + k] = (unsigned char)(in[i] >> (8 * k));
	bn = BN_lebin2bn(le, sizeof(le), NULL);
	assert_non_null(bn);
	return bn;
}

/* One modulus with what the reference needs. */
struct modulus {
	char name[32];
	uint64_t m[N];
	uint64_t m0inv;
	BIGNUM *bn_m;
	BIGNUM *bn_rinv; /* 2^-1024 mod m */
	BIGNUM *bn_r;	 /* 2^1024 mod m */
};

static struct modulus moduli[8];
static int nmoduli;
static BN_CTX *bnctx;

static void modulus_add(const char *name, const BIGNUM *m)
{
	struct modulus *mod = &moduli[nmoduli++];
	BIGNUM *r = BN_new();

	assert_true(nmoduli <= (int)(sizeof(moduli) / sizeof(moduli[0])));
	snprintf(mod->name, sizeof(mod->name), "%s", name);
	assert_true(BN_is_odd(m));
	assert_true(BN_num_bits(m) <= 1024);
	limbs_from_bn(mod->m, m);
	mod->m0inv = mcx_fp1024_m0inv(mod->m[0]);
	/* The defining property of m0inv, checked here so that a wrong
	 * m0inv shows up as such rather than as wrong products. */
	assert_true((uint64_t)(mod->m[0] * mod->m0inv) == UINT64_MAX);
	mod->bn_m = BN_dup(m);
	assert_non_null(r);
	assert_true(BN_set_bit(r, 1024));
	mod->bn_r = BN_new();
	assert_true(BN_mod(mod->bn_r, r, m, bnctx));
	mod->bn_rinv = BN_mod_inverse(NULL, r, m, bnctx);
	assert_non_null(mod->bn_rinv);
	BN_free(r);
}

static void modulus_add_hex(const char *name, const char *hex)
{
	BIGNUM *m = NULL;

	assert_true(BN_hex2bn(&m, hex) > 0);
	modulus_add(name, m);
	BN_free(m);
}

static void reference(uint64_t out[N], const struct modulus *mod,
		      const uint64_t a[N], const uint64_t b[N])
{
	BIGNUM *x = bn_from_limbs(a);
	BIGNUM *y = bn_from_limbs(b);
	BIGNUM *z = BN_new();

	assert_non_null(z);
	assert_true(BN_mod_mul(z, x, y, mod->bn_m, bnctx));
	assert_true(BN_mod_mul(z, z, mod->bn_rinv, mod->bn_m, bnctx));
	limbs_from_bn(out, z);
	BN_free(x);
	BN_free(y);
	BN_free(z);
}

/* A uniformly random value below m (rejection sampling on the top limb's
 * bit length keeps it simple and unbiased). */
static void random_below(uint64_t out[N], const struct modulus *mod)
{
	BIGNUM *v = NULL;
	int bits = BN_num_bits(mod->bn_m);

	for (;;) {
		for (int i = 0; i < N; i++)
			out[i] = rng_next();
		for (int i = 0; i < N; i++) {
			int lo = 64 * i;

			if (lo >= bits)
				out[i] = 0;
			else if (bits - lo < 64)
				out[i] &= (UINT64_C(1) << (bits - lo)) - 1;
		}
		v = bn_from_limbs(out);
		if (BN_cmp(v, mod->bn_m) < 0)
			break;
		BN_free(v);
	}
	BN_free(v);
}

static void check_one(const struct kernel *k, const struct modulus *mod,
		      const uint64_t a[N], const uint64_t b[N])
{
	uint64_t want[N];
	uint64_t got[N];

	reference(want, mod, a, b);
	memset(got, 0xA5, sizeof(got));
	k->mul(got, a, b, mod->m, mod->m0inv);
	if (memcmp(got, want, sizeof(got)) != 0) {
		print_error("%s mod %s: wrong product (seed %llu)\n", k->name,
			    mod->name, (unsigned long long)rng_seed);
		fail();
	}
}

/* The squaring kernel: a^2 against the reference, and in place. */
static void check_sqr(const struct kernel *k, const struct modulus *mod,
		      const uint64_t a[N])
{
	uint64_t want[N];
	uint64_t got[N];

	reference(want, mod, a, a);
	memset(got, 0x5A, sizeof(got));
	k->sqr(got, a, mod->m, mod->m0inv);
	if (memcmp(got, want, sizeof(got)) != 0) {
		print_error("%s mod %s: wrong square (seed %llu)\n", k->name,
			    mod->name, (unsigned long long)rng_seed);
		fail();
	}
	memcpy(got, a, sizeof(got));
	k->sqr(got, got, mod->m, mod->m0inv);
	if (memcmp(got, want, sizeof(got)) != 0) {
		print_error("%s mod %s: wrong square in place (seed %llu)\n",
			    k->name, mod->name, (unsigned long long)rng_seed);
		fail();
	}
}

static int setup(void **state)
{
	struct json_object *v = mcx_vectors_load("sakke_rfc6508.json");
	const char *seed_env = getenv("MCXHSM_TEST_SEED");
	BIGNUM *m = NULL;

	(void)state;
	rng_state = seed_env != NULL ? strtoull(seed_env, NULL, 0)
				     : (uint64_t)time(NULL) * 2654435761u;
	if (rng_state == 0)
		rng_state = 1;
	rng_seed = rng_state;
	fprintf(stderr, "# MCXHSM_TEST_SEED=%llu\n",
		(unsigned long long)rng_state);

	bnctx = BN_CTX_new();
	if (bnctx == NULL)
		return -1;
	modulus_add_hex("p", mcx_vectors_str(v, "parameter_set_1.p"));
	modulus_add_hex("q", mcx_vectors_str(v, "parameter_set_1.q"));
	json_object_put(v);

	/* 2^1024 - 1 and 2^1023 + 1. */
	m = BN_new();
	if (m == NULL || !BN_set_bit(m, 1024) || !BN_sub_word(m, 1))
		return -1;
	modulus_add("2^1024-1", m);
	BN_zero(m);
	if (!BN_set_bit(m, 1023) || !BN_add_word(m, 1))
		return -1;
	modulus_add("2^1023+1", m);

	/* Random odd moduli with the top bit set. */
	for (int i = 0; i < 3; i++) {
		uint64_t limbs[N];
		char name[32];

		for (int j = 0; j < N; j++)
			limbs[j] = rng_next();
		limbs[0] |= 1;
		limbs[N - 1] |= UINT64_C(1) << 63;
		BN_free(m);
		m = bn_from_limbs(limbs);
		snprintf(name, sizeof(name), "random-%d", i);
		modulus_add(name, m);
	}
	BN_free(m);

	kernels[nkernels++] = (struct kernel){
	    "portable", mcx_fp1024_mont_mul_portable,
	    mcx_fp1024_mont_sqr_portable, mcx_fp1024_mul_wide_portable,
	    mcx_fp1024_redc_portable};
#ifdef MCX_HAVE_FP1024_ADX
	if (mcx_fp1024_cpu_has_adx())
		kernels[nkernels++] = (struct kernel){
		    "adx", mcx_fp1024_mont_mul_adx, mcx_fp1024_mont_sqr_adx,
		    mcx_fp1024_mul_wide_adx, mcx_fp1024_redc_adx};
	else
		fprintf(stderr, "# CPU without BMI2+ADX: adx kernel not run\n");
#endif
#ifdef MCX_HAVE_FP1024_IFMA
	/* its mul_wide is the ADX one (fp1024_select.c) */
	if (mcx_fp1024_cpu_has_ifma())
		kernels[nkernels++] = (struct kernel){
		    "ifma", mcx_fp1024_mont_mul_ifma, mcx_fp1024_mont_sqr_ifma,
		    mcx_fp1024_mul_wide_adx, mcx_fp1024_redc_ifma};
	else
		fprintf(stderr, "# CPU or OS without AVX-512 IFMA: ifma kernel "
				"not run\n");
#endif
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	for (int i = 0; i < nmoduli; i++) {
		BN_free(moduli[i].bn_m);
		BN_free(moduli[i].bn_r);
		BN_free(moduli[i].bn_rinv);
	}
	BN_CTX_free(bnctx);
	return 0;
}

static void test_m0inv(void **state)
{
	(void)state;
	for (int i = 0; i < 100000; i++) {
		uint64_t m0 = rng_next() | 1;

		assert_true((uint64_t)(m0 * mcx_fp1024_m0inv(m0)) ==
			    UINT64_MAX);
	}
}

static void test_random(void **state)
{
	uint64_t a[N];
	uint64_t b[N];

	(void)state;
	for (int k = 0; k < nkernels; k++)
		for (int i = 0; i < nmoduli; i++)
			for (int n = 0; n < RANDOM_PAIRS; n++) {
				random_below(a, &moduli[i]);
				random_below(b, &moduli[i]);
				check_one(&kernels[k], &moduli[i], a, b);
				check_sqr(&kernels[k], &moduli[i], a);
			}
}

/* Edge values of one modulus; returns how many were written. */
static int edge_values(uint64_t out[][N], const struct modulus *mod)
{
	int n = 0;
	BIGNUM *t = BN_new();

	assert_non_null(t);
	memset(out[n++], 0, sizeof(out[0])); /* 0 */
	memset(out[n], 0, sizeof(out[0]));
	out[n++][0] = 1; /* 1 */
	memset(out[n], 0, sizeof(out[0]));
	out[n++][0] = 2; /* 2 */
	assert_true(BN_sub(t, mod->bn_m, BN_value_one()));
	limbs_from_bn(out[n++], t); /* m - 1 */
	assert_true(BN_sub_word(t, 1));
	limbs_from_bn(out[n++], t);	    /* m - 2 */
	limbs_from_bn(out[n++], mod->bn_r); /* R mod m: Montgomery 1 */
	assert_true(BN_mod_mul(t, mod->bn_r, mod->bn_r, mod->bn_m, bnctx));
	limbs_from_bn(out[n++], t); /* R^2 mod m */
	/* 2^k - 1 for the largest k with 2^k - 1 < m: all-ones limbs, so
	 * every carry of the products ripples. */
	BN_zero(t);
	assert_true(BN_set_bit(t, BN_num_bits(mod->bn_m) - 1));
	assert_true(BN_sub_word(t, 1));
	limbs_from_bn(out[n++], t);
	/* Alternating all-ones and zero limbs below m. */
	for (int i = 0; i < N; i++)
		out[n][i] = (i & 1) ? 0 : UINT64_MAX;
	out[n][N - 1] = 0;
	n++;
	BN_free(t);
	return n;
}

static void test_edges(void **state)
{
	uint64_t vals[16][N];

	(void)state;
	for (int k = 0; k < nkernels; k++)
		for (int i = 0; i < nmoduli; i++) {
			int nv = edge_values(vals, &moduli[i]);

			for (int x = 0; x < nv; x++) {
				check_sqr(&kernels[k], &moduli[i], vals[x]);
				for (int y = 0; y < nv; y++)
					check_one(&kernels[k], &moduli[i],
						  vals[x], vals[y]);
			}
		}
}

static void test_aliasing(void **state)
{
	(void)state;
	for (int k = 0; k < nkernels; k++)
		for (int i = 0; i < nmoduli; i++)
			for (int n = 0; n < 200; n++) {
				const struct modulus *mod = &moduli[i];
				uint64_t a[N], b[N], want[N], r[N];

				random_below(a, mod);
				random_below(b, mod);
				reference(want, mod, a, b);
				memcpy(r, a, sizeof(r)); /* r == a */
				kernels[k].mul(r, r, b, mod->m, mod->m0inv);
				assert_memory_equal(r, want, sizeof(r));
				memcpy(r, b, sizeof(r)); /* r == b */
				kernels[k].mul(r, a, r, mod->m, mod->m0inv);
				assert_memory_equal(r, want, sizeof(r));
				reference(want, mod, a, a);
				memcpy(r, a, sizeof(r)); /* r == a == b */
				kernels[k].mul(r, r, r, mod->m, mod->m0inv);
				assert_memory_equal(r, want, sizeof(r));
			}
}

static void wide_from_bn(uint64_t out[2 * N], const BIGNUM *bn)
{
	BIGNUM *hi = BN_new();
	BIGNUM *lo = BN_new();

	assert_non_null(hi);
	assert_non_null(lo);
	assert_true(BN_num_bits(bn) <= 2048);
	assert_true(BN_rshift(hi, bn, 1024));
	assert_true(BN_copy(lo, bn) != NULL);
	assert_true(BN_mask_bits(lo, 1024) || BN_is_zero(lo));
	limbs_from_bn(out, lo);
	limbs_from_bn(out + N, hi);
	BN_free(hi);
	BN_free(lo);
}

/* mul_wide: the exact 2048-bit product of any a, b < 2^1024 (random,
 * all-ones, zero), against BN_mul. */
static void test_mul_wide(void **state)
{
	(void)state;
	for (int k = 0; k < nkernels; k++)
		for (int n = 0; n < RANDOM_PAIRS; n++) {
			uint64_t a[N], b[N], t[2 * N], want[2 * N];
			BIGNUM *x = NULL, *y = NULL, *z = BN_new();

			for (int i = 0; i < N; i++) {
				a[i] = rng_next();
				b[i] = rng_next();
			}
			if (n == 0)
				memset(a, 0xff, sizeof(a));
			if (n <= 1)
				memset(b, 0xff, sizeof(b));
			if (n == 2)
				memset(a, 0, sizeof(a));
			x = bn_from_limbs(a);
			y = bn_from_limbs(b);
			assert_non_null(z);
			assert_true(BN_mul(z, x, y, bnctx));
			wide_from_bn(want, z);
			kernels[k].wide(t, a, b);
			if (memcmp(t, want, sizeof(t)) != 0) {
				print_error("%s: wrong wide product (seed "
					    "%llu)\n",
					    kernels[k].name,
					    (unsigned long long)rng_seed);
				fail();
			}
			BN_free(x);
			BN_free(y);
			BN_free(z);
		}
}

/* redc: t 2^-1024 mod m for t < 2m 2^1024 (the whole 2048-bit range for
 * the moduli above 2^1023), including the largest such t, against BIGNUM;
 * and redc(mul_wide(a, b)) = mont_mul(a, b). */
static void test_redc(void **state)
{
	BIGNUM *bound = BN_new();
	BIGNUM *tv = BN_new();
	BIGNUM *z = BN_new();

	(void)state;
	assert_non_null(bound);
	assert_non_null(tv);
	assert_non_null(z);
	for (int k = 0; k < nkernels; k++)
		for (int i = 0; i < nmoduli; i++) {
			const struct modulus *mod = &moduli[i];

			/* bound = min(2m 2^1024, 2^2048) */
			assert_true(BN_lshift(bound, mod->bn_m, 1025));
			if (BN_num_bits(bound) > 2048) {
				BN_zero(bound);
				assert_true(BN_set_bit(bound, 2048));
			}
			for (int n = 0; n < RANDOM_PAIRS / 2; n++) {
				uint64_t t[2 * N], r[N], want[N], a[N], b[N];

				if (n == 0)
					assert_true(
					    BN_sub(tv, bound, BN_value_one()));
				else if (n == 1)
					BN_zero(tv);
				else
					assert_true(BN_rand_range(tv, bound));
				wide_from_bn(t, tv);
				assert_true(BN_mod_mul(z, tv, mod->bn_rinv,
						       mod->bn_m, bnctx));
				limbs_from_bn(want, z);
				kernels[k].redc(r, t, mod->m, mod->m0inv);
				if (memcmp(r, want, sizeof(r)) != 0) {
					print_error(
					    "%s mod %s: wrong redc "
					    "(seed %llu)\n",
					    kernels[k].name, mod->name,
					    (unsigned long long)rng_seed);
					fail();
				}
				/* r overlapping t's low half */
				kernels[k].redc(t, t, mod->m, mod->m0inv);
				assert_memory_equal(t, want, sizeof(want));
				/* redc(mul_wide(a, b)) = mont_mul(a, b) */
				random_below(a, mod);
				random_below(b, mod);
				kernels[k].wide(t, a, b);
				kernels[k].redc(r, t, mod->m, mod->m0inv);
				kernels[k].mul(want, a, b, mod->m, mod->m0inv);
				assert_memory_equal(r, want, sizeof(r));
			}
		}
	BN_free(bound);
	BN_free(tv);
	BN_free(z);
}

/* The paths against each other directly (issue 3: "both paths are
 * tested against each other"), every kernel against the portable one, on
 * every modulus: products and squares. */
static void test_cross(void **state)
{
	(void)state;
	if (nkernels < 2) {
		skip();
		return;
	}
	for (int k = 1; k < nkernels; k++)
		for (int i = 0; i < nmoduli; i++)
			for (int n = 0; n < RANDOM_PAIRS; n++) {
				const struct modulus *mod = &moduli[i];
				uint64_t a[N], b[N], r0[N], r1[N];

				random_below(a, mod);
				random_below(b, mod);
				kernels[0].mul(r0, a, b, mod->m, mod->m0inv);
				kernels[k].mul(r1, a, b, mod->m, mod->m0inv);
				assert_memory_equal(r0, r1, sizeof(r0));
				kernels[0].sqr(r0, a, mod->m, mod->m0inv);
				kernels[k].sqr(r1, a, mod->m, mod->m0inv);
				assert_memory_equal(r0, r1, sizeof(r0));
			}
}

#ifdef MCX_HAVE_FP1024_IFMA
/* X (< 2m) as radix-2^52 lanes, normalised, then with random amounts moved
 * down from each lane to the one below (lanes stay < 2^63), as the AMM
 * rows leave them. */
static void lanes_from_bn(uint64_t x[24], const BIGNUM *v, int spread)
{
	unsigned char le[16 * N];
	uint64_t w[2 * N];

	assert_int_equal(BN_bn2lebinpad(v, le, sizeof(le)), sizeof(le));
	for (int i = 0; i < 2 * N; i++) {
		w[i] = 0;
		for (int k = 7; k >= 0; k--)
			w[i] = (w[i] << 8) | le[8 * i + k];
	}
	memset(x, 0, 24 * sizeof(x[0]));
	for (int k = 0; k < 20; k++) {
		int bit = 52 * k, i = bit / 64, sh = bit % 64;
		uint64_t l = w[i] >> sh;

		if (sh > 12)
			l |= w[i + 1] << (64 - sh);
		x[k] = l & ((UINT64_C(1) << 52) - 1);
	}
	for (int k = 0; spread && k < 19; k++) {
		uint64_t d = rng_next() & 0x3ff;

		if (d > x[k + 1])
			d = x[k + 1];
		x[k + 1] -= d;
		x[k] += d << 52;
	}
}

/* The IFMA kernel's output step (normalise, pack, subtract m once) on
 * crafted lanes: carry ripples through lanes of 2^52 - 1 that two
 * shift-and-add rounds leave unresolved, bit 1024 set, X = m, X = 2m - 1,
 * and random unnormalised X < 2m. */
static void test_ifma_out52(void **state)
{
	BIGNUM *v = BN_new();
	BIGNUM *bound = BN_new();
	BIGNUM *z = BN_new();

	(void)state;
	if (!mcx_fp1024_cpu_has_ifma()) {
		BN_free(v);
		BN_free(bound);
		BN_free(z);
		skip();
		return;
	}
	assert_non_null(v);
	assert_non_null(bound);
	assert_non_null(z);
	for (int i = 0; i < nmoduli; i++) {
		const struct modulus *mod = &moduli[i];

		assert_true(BN_lshift1(bound, mod->bn_m)); /* 2m */
		for (int n = 0; n < 3000; n++) {
			uint64_t x[24], r[N], want[N];

			if (n < 20) {
				/* ripple: lane 0 = 2^53 - 1, lanes 1..n =
				 * 2^52 - 1 (two rounds move the carry two
				 * lanes, the masks the rest) */
				memset(x, 0, sizeof(x));
				x[0] = (UINT64_C(1) << 53) - 1;
				for (int k = 1; k <= n && k < 20; k++)
					x[k] = (UINT64_C(1) << 52) - 1;
				BN_zero(v);
				for (int k = 19; k >= 0; k--) {
					assert_true(BN_lshift(v, v, 52));
					assert_true(BN_add_word(v, x[k]));
				}
				if (BN_cmp(v, bound) >= 0)
					continue;
			} else {
				if (n == 20)
					assert_true(
					    BN_sub(v, bound, BN_value_one()));
				else if (n == 21)
					assert_true(BN_copy(v, mod->bn_m));
				else
					assert_true(BN_rand_range(v, bound));
				lanes_from_bn(x, v, n % 2);
			}
			assert_true(BN_mod(z, v, mod->bn_m, bnctx));
			limbs_from_bn(want, z);
			mcx_fp1024_ifma_out52(r, x, mod->m);
			if (memcmp(r, want, sizeof(r)) != 0) {
				print_error("ifma out52 mod %s case %d: wrong "
					    "(seed %llu)\n",
					    mod->name, n,
					    (unsigned long long)rng_seed);
				fail();
			}
		}
	}
	BN_free(v);
	BN_free(bound);
	BN_free(z);
}
/* (a b + c d) 2^-1024 mod m, from reference(). */
static void reference2(uint64_t out[N], const struct modulus *mod,
		       const uint64_t a[N], const uint64_t b[N],
		       const uint64_t c[N], const uint64_t d[N])
{
	uint64_t ab[N], cd[N];
	BIGNUM *x = NULL, *y = NULL;

	reference(ab, mod, a, b);
	reference(cd, mod, c, d);
	x = bn_from_limbs(ab);
	y = bn_from_limbs(cd);
	assert_true(BN_mod_add(x, x, y, mod->bn_m, bnctx));
	limbs_from_bn(out, x);
	BN_free(x);
	BN_free(y);
}

static void check_mul2(const struct modulus *mod, const uint64_t a[N],
		       const uint64_t b[N], const uint64_t c[N],
		       const uint64_t d[N], const char *what)
{
	uint64_t want[N], r[N];

	reference2(want, mod, a, b, c, d);
	mcx_fp1024_mul2_add_ifma(r, a, b, c, d, mod->m, mod->m0inv);
	if (memcmp(r, want, sizeof(r)) != 0) {
		print_error("ifma mul2_add mod %s (%s): wrong (seed %llu)\n",
			    mod->name, what, (unsigned long long)rng_seed);
		fail();
	}
}

/* The fused r = (a b + c d) 2^-1024 mod m against BIGNUM: random inputs,
 * every quadruple of edge values (0, 1, m - 1, R mod m, all-ones ...),
 * and r aliasing each input. */
static void test_ifma_mul2(void **state)
{
	uint64_t vals[16][N];

	(void)state;
	if (!mcx_fp1024_cpu_has_ifma()) {
		skip();
		return;
	}
	for (int i = 0; i < nmoduli; i++) {
		const struct modulus *mod = &moduli[i];
		int nv = edge_values(vals, mod);

		for (int w = 0; w < nv; w++)
			for (int x = 0; x < nv; x++)
				for (int y = 0; y < nv; y++)
					check_mul2(mod, vals[w], vals[x],
						   vals[y], vals[(w + x) % nv],
						   "edges");
		for (int n = 0; n < 2000; n++) {
			uint64_t in[4][N], want[N], r[N];

			for (int k = 0; k < 4; k++)
				random_below(in[k], mod);
			check_mul2(mod, in[0], in[1], in[2], in[3], "random");
			/* r aliasing input n % 4 */
			reference2(want, mod, in[0], in[1], in[2], in[3]);
			memcpy(r, in[n % 4], sizeof(r));
			mcx_fp1024_mul2_add_ifma(
			    r, n % 4 == 0 ? r : in[0], n % 4 == 1 ? r : in[1],
			    n % 4 == 2 ? r : in[2], n % 4 == 3 ? r : in[3],
			    mod->m, mod->m0inv);
			assert_memory_equal(r, want, sizeof(r));
		}
	}
	/* the selection hands it out exactly where the ifma kernel is used */
	if (mcx_fp1024_mont_mul_select() == mcx_fp1024_mont_mul_ifma)
		assert_ptr_equal(mcx_fp1024_mul2_select(),
				 mcx_fp1024_mul2_add_ifma);
	else
		assert_null(mcx_fp1024_mul2_select());
}
#endif

/* The run-time choice follows CPUID and MCXHSM_FP1024. */
static void test_select(void **state)
{
	const char *env = getenv("MCXHSM_FP1024");
	mcx_fp1024_mont_mul_fn want = mcx_fp1024_mont_mul_portable;
	const char *want_name = "portable";

	(void)state;
#ifdef MCX_HAVE_FP1024_ADX
	if (env == NULL || strcmp(env, "portable") != 0)
		if (mcx_fp1024_cpu_has_adx() ||
		    (env != NULL && strcmp(env, "adx") == 0)) {
			want = mcx_fp1024_mont_mul_adx;
			want_name = "adx";
		}
#endif
#ifdef MCX_HAVE_FP1024_IFMA
	/* ifma first, unless "portable" or "adx" is forced */
	if ((env == NULL ||
	     (strcmp(env, "portable") != 0 && strcmp(env, "adx") != 0)) &&
	    mcx_fp1024_cpu_has_ifma()) {
		want = mcx_fp1024_mont_mul_ifma;
		want_name = "ifma";
	}
#endif
	(void)env;
	assert_ptr_equal(mcx_fp1024_mont_mul_select(), want);
	assert_string_equal(mcx_fp1024_mont_mul_name(want), want_name);
	fprintf(stderr, "# selected kernel: %s\n",
		mcx_fp1024_mont_mul_name(want));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_m0inv),      cmocka_unit_test(test_select),
	    cmocka_unit_test(test_edges),      cmocka_unit_test(test_aliasing),
	    cmocka_unit_test(test_random),     cmocka_unit_test(test_cross),
	    cmocka_unit_test(test_mul_wide),   cmocka_unit_test(test_redc),
#ifdef MCX_HAVE_FP1024_IFMA
	    cmocka_unit_test(test_ifma_out52), cmocka_unit_test(test_ifma_mul2),
#endif
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
