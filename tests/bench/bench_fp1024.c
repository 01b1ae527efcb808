/*
 * Benchmark of the 1024-bit Montgomery multiplication kernels
 * (mechanisms/fp1024_kernel.h) against OpenSSL's BN_mod_mul_montgomery
 * (which runs OpenSSL's own x86-64 MULX/ADX assembly), all modulo p of
 * RFC 6509 parameter set 1.
 *
 * Each figure is the median over REPS runs of CHAIN dependent
 * multiplications (x = x * y), so it is the latency of one multiplication
 * as the field arithmetic sees it.  Output: BENCH lines (ns per
 * multiplication, and ratios measured in this same run).  Squarings are
 * timed the same way (x = x^2); OpenSSL's figure for them is
 * BN_mod_mul_montgomery(x, x, x), which detects a == b and squares.
 * Inputs are in Montgomery form only nominally: the chains measure time,
 * the unit test checks values.
 */
#include <openssl/bn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mechanisms/fp1024_kernel.h"
#include "mechanisms/libctx.h"
#include "tests/common/vectors.h"

#define N     MCX_FP1024_LIMBS
#define CHAIN 20000
#define REPS  15

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp_double(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;

	return (a > b) - (a < b);
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(v[0]), cmp_double);
	return v[n / 2];
}

static void limbs_from_bn(uint64_t out[N], const BIGNUM *bn)
{
	unsigned char le[8 * N];

	BN_bn2lebinpad(bn, le, sizeof(le));
	for (int i = 0; i < N; i++) {
		out[i] = 0;
		for (int k = 7; k >= 0; k--)
			out[i] = (out[i] << 8) | le[8 * i + k];
	}
}

/* ns per multiplication of one kernel, median of REPS chains. */
static double time_kernel(mcx_fp1024_mont_mul_fn mul, const uint64_t m[N],
			  uint64_t m0inv, const uint64_t x0[N],
			  const uint64_t y[N], uint64_t *sink)
{
	double runs[REPS];
	uint64_t x[N];

	for (int r = 0; r < REPS; r++) {
		double t0 = 0;

		memcpy(x, x0, sizeof(x));
		t0 = now_ns();
		for (int i = 0; i < CHAIN; i++)
			mul(x, x, y, m, m0inv);
		runs[r] = (now_ns() - t0) / CHAIN;
		*sink ^= x[0];
	}
	return median(runs, REPS);
}

/* ns per squaring, median of REPS chains x = x^2. */
static double time_sqr(mcx_fp1024_mont_sqr_fn sqr, const uint64_t m[N],
		       uint64_t m0inv, const uint64_t x0[N], uint64_t *sink)
{
	double runs[REPS];
	uint64_t x[N];

	for (int r = 0; r < REPS; r++) {
		double t0 = 0;

		memcpy(x, x0, sizeof(x));
		t0 = now_ns();
		for (int i = 0; i < CHAIN; i++)
			sqr(x, x, m, m0inv);
		runs[r] = (now_ns() - t0) / CHAIN;
		*sink ^= x[0];
	}
	return median(runs, REPS);
}

/* ns per mul_wide and per redc (median of REPS runs of CHAIN calls; the
 * wide products are independent, the redc chain feeds each result back as
 * the low half of t). */
static void time_lazy(mcx_fp1024_mul_wide_fn wide, mcx_fp1024_redc_fn redc,
		      const uint64_t m[N], uint64_t m0inv, const uint64_t x0[N],
		      const uint64_t y[N], double *wide_ns, double *redc_ns,
		      uint64_t *sink)
{
	double runs_w[REPS], runs_r[REPS];
	uint64_t x[N], t[2 * N];

	for (int r = 0; r < REPS; r++) {
		double t0 = 0, t1 = 0;

		memcpy(x, x0, sizeof(x));
		t0 = now_ns();
		for (int i = 0; i < CHAIN; i++)
			wide(t, x, y);
		t1 = now_ns();
		runs_w[r] = (t1 - t0) / CHAIN;
		memcpy(t + N, x, sizeof(x));
		t0 = now_ns();
		for (int i = 0; i < CHAIN; i++)
			redc(t, t, m, m0inv);
		runs_r[r] = (now_ns() - t0) / CHAIN;
		*sink ^= t[0];
	}
	*wide_ns = median(runs_w, REPS);
	*redc_ns = median(runs_r, REPS);
}

/* OpenSSL: x = x * y, or x = x^2 when by is NULL. */
static double time_openssl(const BIGNUM *bx, const BIGNUM *by,
			   BN_MONT_CTX *mont, BN_CTX *ctx, uint64_t *sink)
{
	double runs[REPS];
	double result = -1;
	BIGNUM *x = BN_new();

	if (x == NULL)
		return -1;
	for (int r = 0; r < REPS; r++) {
		double t0 = 0;

		if (BN_copy(x, bx) == NULL)
			goto out;
		t0 = now_ns();
		for (int i = 0; i < CHAIN; i++)
			if (!BN_mod_mul_montgomery(x, x, by != NULL ? by : x,
						   mont, ctx))
				goto out;
		runs[r] = (now_ns() - t0) / CHAIN;
		*sink ^= BN_get_word(x);
	}
	result = median(runs, REPS);
out:
	BN_free(x);
	return result;
}

int main(void)
{
	struct json_object *v = mcx_vectors_load("sakke_rfc6508.json");
	BN_CTX *ctx = BN_CTX_new_ex(mcx_libctx());
	BN_MONT_CTX *mont = BN_MONT_CTX_new();
	BIGNUM *bm = NULL, *bx = BN_new(), *by = BN_new();
	uint64_t m[N], x[N], y[N], m0inv = 0, sink = 0;
	double portable = 0, adx = -1, ossl = 0;
	double sqr_portable = 0, sqr_adx = -1, ossl_sqr = 0;
	double wide_portable = 0, redc_portable = 0, wide_adx = -1,
	       redc_adx = -1;
	int status = 1;

	mcx_err_mark();
	if (ctx == NULL || mont == NULL || bx == NULL || by == NULL ||
	    BN_hex2bn(&bm, mcx_vectors_str(v, "parameter_set_1.p")) == 0 ||
	    !BN_MONT_CTX_set(mont, bm, ctx) ||
	    !BN_rand_range_ex(bx, bm, 0, ctx) ||
	    !BN_rand_range_ex(by, bm, 0, ctx))
		goto out;
	limbs_from_bn(m, bm);
	limbs_from_bn(x, bx);
	limbs_from_bn(y, by);
	m0inv = mcx_fp1024_m0inv(m[0]);

	portable =
	    time_kernel(mcx_fp1024_mont_mul_portable, m, m0inv, x, y, &sink);
	sqr_portable =
	    time_sqr(mcx_fp1024_mont_sqr_portable, m, m0inv, x, &sink);
	time_lazy(mcx_fp1024_mul_wide_portable, mcx_fp1024_redc_portable, m,
		  m0inv, x, y, &wide_portable, &redc_portable, &sink);
#ifdef MCX_HAVE_FP1024_ADX
	if (mcx_fp1024_cpu_has_adx()) {
		adx =
		    time_kernel(mcx_fp1024_mont_mul_adx, m, m0inv, x, y, &sink);
		sqr_adx = time_sqr(mcx_fp1024_mont_sqr_adx, m, m0inv, x, &sink);
		time_lazy(mcx_fp1024_mul_wide_adx, mcx_fp1024_redc_adx, m,
			  m0inv, x, y, &wide_adx, &redc_adx, &sink);
	}
#endif
	ossl = time_openssl(bx, by, mont, ctx, &sink);
	ossl_sqr = time_openssl(bx, NULL, mont, ctx, &sink);
	if (ossl <= 0 || ossl_sqr <= 0)
		goto out;

	printf("BENCH fp1024_mul_portable %.1f ns\n", portable);
	if (adx > 0)
		printf("BENCH fp1024_mul_adx %.1f ns\n", adx);
	printf("BENCH openssl_bn_mont_mul %.1f ns\n", ossl);
	printf("BENCH fp1024_sqr_portable %.1f ns\n", sqr_portable);
	if (sqr_adx > 0)
		printf("BENCH fp1024_sqr_adx %.1f ns\n", sqr_adx);
	printf("BENCH openssl_bn_mont_sqr %.1f ns\n", ossl_sqr);
	printf("BENCH fp1024_mul_wide_portable %.1f ns\n", wide_portable);
	printf("BENCH fp1024_redc_portable %.1f ns\n", redc_portable);
	if (wide_adx > 0) {
		printf("BENCH fp1024_mul_wide_adx %.1f ns\n", wide_adx);
		printf("BENCH fp1024_redc_adx %.1f ns\n", redc_adx);
		/* F_p^2 Karatsuba: 3 products and 2 reductions against 3
		 * Montgomery multiplications. */
		printf("BENCH fp2_mul_lazy_vs_3mul_adx %.2f ratio\n",
		       (3 * wide_adx + 2 * redc_adx) / (3 * adx));
	}
	printf("BENCH fp1024_mul_portable_vs_openssl %.2f ratio\n",
	       portable / ossl);
	if (adx > 0) {
		printf("BENCH fp1024_mul_adx_vs_openssl %.2f ratio\n",
		       adx / ossl);
		printf("BENCH fp1024_mul_adx_vs_portable %.2f ratio\n",
		       adx / portable);
	}
	if (sqr_adx > 0) {
		printf("BENCH fp1024_sqr_adx_vs_mul_adx %.2f ratio\n",
		       sqr_adx / adx);
		printf("BENCH fp1024_sqr_adx_vs_openssl %.2f ratio\n",
		       sqr_adx / ossl_sqr);
	}
	printf("# selected kernel: %s (sink %llx)\n",
	       mcx_fp1024_mont_mul_name(mcx_fp1024_mont_mul_select()),
	       (unsigned long long)sink);
	status = 0;
out:
	mcx_err_pop();
	BN_free(bm);
	BN_free(bx);
	BN_free(by);
	BN_MONT_CTX_free(mont);
	BN_CTX_free(ctx);
	json_object_put(v);
	return status;
}
