/*
 * Benchmark of the 1024-bit Montgomery kernels (mechanisms/fp1024_kernel.h)
 * against OpenSSL's BN_mod_mul_montgomery (which runs OpenSSL's own x86-64
 * MULX/ADX assembly), all modulo p of RFC 6509 parameter set 1.
 *
 * Every figure is timed as a chain of CHAIN dependent operations
 * (x = x * y, x = x^2, t = wide(x, y), t_lo = redc(t)), so it is the
 * latency the field arithmetic sees.  The machine is two shared cores, so
 * the figures are measured interleaved: each of the REPS rounds times
 * every figure once, in turn, and each BENCH value is the median over the
 * rounds; each ratio is the median of the per-round ratios, which cancels
 * load that changes between rounds.  OpenSSL's squaring figure is
 * BN_mod_mul_montgomery(x, x, x), which detects a == b and squares.
 * mul2_add (x = (x y + y x) R^-1) is timed on the lazy ADX path (two
 * mul_wide, a 2048-bit addition, redc: what mechanisms/fp1024.c does
 * without a fused kernel) and with the fused IFMA kernel.
 * Values are only nominally in Montgomery form: the chains measure time,
 * tests/unit/test_fp1024_kernel checks values.
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
#define CHAIN 2000
#define REPS  51

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

static double median(const double *v, int n)
{
	double s[REPS];

	memcpy(s, v, sizeof(double) * (size_t)n);
	qsort(s, (size_t)n, sizeof(s[0]), cmp_double);
	return s[n / 2];
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

/* What every figure works on. */
struct bench {
	uint64_t m[N], x[N], y[N], m0inv;
	uint64_t t[2 * N];
	uint64_t sink;
	BIGNUM *bx, *by, *bt;
	BN_MONT_CTX *mont;
	BN_CTX *ctx;
	mcx_fp1024_mont_mul_fn mul;
	mcx_fp1024_mont_sqr_fn sqr;
	mcx_fp1024_mul_wide_fn wide;
	mcx_fp1024_redc_fn redc;
	mcx_fp1024_mul2_fn mul2;
	int failed;
};

static void run_mul(struct bench *b)
{
	for (int i = 0; i < CHAIN; i++)
		b->mul(b->x, b->x, b->y, b->m, b->m0inv);
}

static void run_sqr(struct bench *b)
{
	for (int i = 0; i < CHAIN; i++)
		b->sqr(b->x, b->x, b->m, b->m0inv);
}

static void run_wide(struct bench *b)
{
	for (int i = 0; i < CHAIN; i++) {
		b->wide(b->t, b->x, b->y);
		b->x[0] ^= b->t[0]; /* a dependency on the previous product */
	}
}

static void run_redc(struct bench *b)
{
	for (int i = 0; i < CHAIN; i++)
		b->redc(b->t, b->t, b->m, b->m0inv);
}

/* r = (x y + y x) R^-1: the lazy path (two mul_wide, a 2048-bit
 * addition, one redc, as mechanisms/fp1024.c does without a fused
 * kernel) or the fused one */
static void run_mul2(struct bench *b)
{
	if (b->mul2 != NULL) {
		for (int i = 0; i < CHAIN; i++)
			b->mul2(b->x, b->x, b->y, b->y, b->x, b->m, b->m0inv);
		return;
	}
	for (int i = 0; i < CHAIN; i++) {
		uint64_t u[2 * N];
		unsigned long long c = 0;

		b->wide(b->t, b->x, b->y);
		b->wide(u, b->y, b->x);
		for (int k = 0; k < 2 * N; k++) {
			unsigned __int128 sum =
			    (unsigned __int128)b->t[k] + u[k] + c;

			b->t[k] = (uint64_t)sum;
			c = (unsigned long long)(sum >> 64);
		}
		b->redc(b->x, b->t, b->m, b->m0inv);
	}
}

static void run_ossl_mul(struct bench *b)
{
	for (int i = 0; i < CHAIN; i++)
		if (!BN_mod_mul_montgomery(b->bt, b->bt, b->by, b->mont,
					   b->ctx))
			b->failed = 1;
}

static void run_ossl_sqr(struct bench *b)
{
	for (int i = 0; i < CHAIN; i++)
		if (!BN_mod_mul_montgomery(b->bt, b->bt, b->bt, b->mont,
					   b->ctx))
			b->failed = 1;
}

struct figure {
	const char *name;
	void (*run)(struct bench *b);
	/* the kernels this figure uses (NULL for OpenSSL's) */
	mcx_fp1024_mont_mul_fn mul;
	mcx_fp1024_mont_sqr_fn sqr;
	mcx_fp1024_mul_wide_fn wide;
	mcx_fp1024_redc_fn redc;
	mcx_fp1024_mul2_fn mul2;
	double ns[REPS];
};

enum {
	F_MUL_PORTABLE,
	F_SQR_PORTABLE,
	F_WIDE_PORTABLE,
	F_REDC_PORTABLE,
	F_MUL_ADX,
	F_SQR_ADX,
	F_WIDE_ADX,
	F_REDC_ADX,
	F_MUL2_ADX,
	F_MUL_IFMA,
	F_SQR_IFMA,
	F_REDC_IFMA,
	F_MUL2_IFMA,
	F_OSSL_MUL,
	F_OSSL_SQR,
	F_COUNT
};

static struct figure figures[F_COUNT] = {
    [F_MUL_PORTABLE] = {.name = "fp1024_mul_portable",
			.run = run_mul,
			.mul = mcx_fp1024_mont_mul_portable},
    [F_SQR_PORTABLE] = {.name = "fp1024_sqr_portable",
			.run = run_sqr,
			.sqr = mcx_fp1024_mont_sqr_portable},
    [F_WIDE_PORTABLE] = {.name = "fp1024_mul_wide_portable",
			 .run = run_wide,
			 .wide = mcx_fp1024_mul_wide_portable},
    [F_REDC_PORTABLE] = {.name = "fp1024_redc_portable",
			 .run = run_redc,
			 .redc = mcx_fp1024_redc_portable},
#ifdef MCX_HAVE_FP1024_ADX
    [F_MUL_ADX] = {.name = "fp1024_mul_adx",
		   .run = run_mul,
		   .mul = mcx_fp1024_mont_mul_adx},
    [F_SQR_ADX] = {.name = "fp1024_sqr_adx",
		   .run = run_sqr,
		   .sqr = mcx_fp1024_mont_sqr_adx},
    [F_WIDE_ADX] = {.name = "fp1024_mul_wide_adx",
		    .run = run_wide,
		    .wide = mcx_fp1024_mul_wide_adx},
    [F_REDC_ADX] = {.name = "fp1024_redc_adx",
		    .run = run_redc,
		    .redc = mcx_fp1024_redc_adx},
    [F_MUL2_ADX] = {.name = "fp1024_mul2_add_adx",
		    .run = run_mul2,
		    .wide = mcx_fp1024_mul_wide_adx,
		    .redc = mcx_fp1024_redc_adx},
#endif
#ifdef MCX_HAVE_FP1024_IFMA
    [F_MUL_IFMA] = {.name = "fp1024_mul_ifma",
		    .run = run_mul,
		    .mul = mcx_fp1024_mont_mul_ifma},
    [F_SQR_IFMA] = {.name = "fp1024_sqr_ifma",
		    .run = run_sqr,
		    .sqr = mcx_fp1024_mont_sqr_ifma},
    [F_REDC_IFMA] = {.name = "fp1024_redc_ifma",
		     .run = run_redc,
		     .redc = mcx_fp1024_redc_ifma},
    [F_MUL2_IFMA] = {.name = "fp1024_mul2_add_ifma",
		     .run = run_mul2,
		     .mul2 = mcx_fp1024_mul2_add_ifma},
#endif
    [F_OSSL_MUL] = {.name = "openssl_bn_mont_mul", .run = run_ossl_mul},
    [F_OSSL_SQR] = {.name = "openssl_bn_mont_sqr", .run = run_ossl_sqr},
};

static int have(int f)
{
	return figures[f].run != NULL;
}

static void ratio(const char *name, int num, int den, int times_num,
		  int times_den)
{
	double r[REPS];

	if (!have(num) || !have(den))
		return;
	for (int i = 0; i < REPS; i++)
		r[i] = (times_num * figures[num].ns[i]) /
		       (times_den * figures[den].ns[i]);
	printf("BENCH %s %.2f ratio\n", name, median(r, REPS));
}

/* 3 wide products + 2 reductions (F_p^2 Karatsuba with lazy reduction)
 * against 3 Montgomery multiplications, per round. */
static void ratio_lazy(void)
{
	double r[REPS];

	if (!have(F_WIDE_ADX) || !have(F_MUL_ADX))
		return;
	for (int i = 0; i < REPS; i++)
		r[i] = (3 * figures[F_WIDE_ADX].ns[i] +
			2 * figures[F_REDC_ADX].ns[i]) /
		       (3 * figures[F_MUL_ADX].ns[i]);
	printf("BENCH fp1024_3wide_2redc_vs_3mul_adx %.2f ratio\n",
	       median(r, REPS));
	/* the same on the ifma path (its mul_wide is the ADX one) */
	if (!have(F_REDC_IFMA) || !have(F_MUL_IFMA))
		return;
	for (int i = 0; i < REPS; i++)
		r[i] = (3 * figures[F_WIDE_ADX].ns[i] +
			2 * figures[F_REDC_IFMA].ns[i]) /
		       (3 * figures[F_MUL_IFMA].ns[i]);
	printf("BENCH fp1024_3wide_2redc_vs_3mul_ifma %.2f ratio\n",
	       median(r, REPS));
}

int main(void)
{
	struct json_object *v = mcx_vectors_load("sakke_rfc6508.json");
	struct bench b;
	BIGNUM *bm = NULL;
	int status = 1;

	memset(&b, 0, sizeof(b));
	mcx_err_mark();
#ifdef MCX_HAVE_FP1024_ADX
	if (!mcx_fp1024_cpu_has_adx())
		for (int f = F_MUL_ADX; f <= F_MUL2_ADX; f++)
			figures[f].run = NULL;
#endif
#ifdef MCX_HAVE_FP1024_IFMA
	if (!mcx_fp1024_cpu_has_ifma())
		for (int f = F_MUL_IFMA; f <= F_MUL2_IFMA; f++)
			figures[f].run = NULL;
#endif
	b.ctx = BN_CTX_new_ex(mcx_libctx());
	b.mont = BN_MONT_CTX_new();
	b.bx = BN_new();
	b.by = BN_new();
	b.bt = BN_new();
	if (b.ctx == NULL || b.mont == NULL || b.bx == NULL || b.by == NULL ||
	    b.bt == NULL ||
	    BN_hex2bn(&bm, mcx_vectors_str(v, "parameter_set_1.p")) == 0 ||
	    !BN_MONT_CTX_set(b.mont, bm, b.ctx) ||
	    !BN_rand_range_ex(b.bx, bm, 0, b.ctx) ||
	    !BN_rand_range_ex(b.by, bm, 0, b.ctx))
		goto out;
	limbs_from_bn(b.m, bm);
	limbs_from_bn(b.y, b.by);
	b.m0inv = mcx_fp1024_m0inv(b.m[0]);

	for (int r = 0; r < REPS; r++)
		for (int f = 0; f < F_COUNT; f++) {
			struct figure *fig = &figures[f];
			double t0 = 0;

			if (!have(f))
				continue;
			b.mul = fig->mul;
			b.sqr = fig->sqr;
			b.wide = fig->wide;
			b.redc = fig->redc;
			b.mul2 = fig->mul2;
			limbs_from_bn(b.x, b.bx);
			memset(b.t, 0, sizeof(b.t));
			memcpy(b.t + N, b.x, sizeof(b.x));
			if (BN_copy(b.bt, b.bx) == NULL)
				goto out;
			t0 = now_ns();
			fig->run(&b);
			fig->ns[r] = (now_ns() - t0) / CHAIN;
			b.sink ^= b.x[0] ^ b.t[0];
		}
	if (b.failed)
		goto out;

	for (int f = 0; f < F_COUNT; f++)
		if (have(f))
			printf("BENCH %s %.1f ns\n", figures[f].name,
			       median(figures[f].ns, REPS));
	ratio("fp1024_mul_adx_vs_openssl", F_MUL_ADX, F_OSSL_MUL, 1, 1);
	ratio("fp1024_sqr_adx_vs_openssl", F_SQR_ADX, F_OSSL_SQR, 1, 1);
	ratio("fp1024_mul_adx_vs_portable", F_MUL_ADX, F_MUL_PORTABLE, 1, 1);
	ratio("fp1024_sqr_adx_vs_mul_adx", F_SQR_ADX, F_MUL_ADX, 1, 1);
	ratio("fp1024_mul_portable_vs_openssl", F_MUL_PORTABLE, F_OSSL_MUL, 1,
	      1);
	ratio_lazy();
	ratio("fp1024_mul_ifma_vs_adx", F_MUL_IFMA, F_MUL_ADX, 1, 1);
	ratio("fp1024_sqr_ifma_vs_sqr_adx", F_SQR_IFMA, F_SQR_ADX, 1, 1);
	ratio("fp1024_mul_ifma_vs_openssl", F_MUL_IFMA, F_OSSL_MUL, 1, 1);
	ratio("fp1024_redc_ifma_vs_adx", F_REDC_IFMA, F_REDC_ADX, 1, 1);
	/* the fused a b + c d against one mul of the same path, and against
	 * the lazy ADX path it replaces in mcx_fp1024_mul2_add */
	ratio("fp1024_mul2_add_ifma_vs_mul_ifma", F_MUL2_IFMA, F_MUL_IFMA, 1,
	      1);
	ratio("fp1024_mul2_add_ifma_vs_lazy_adx", F_MUL2_IFMA, F_MUL2_ADX, 1,
	      1);
	printf("# selected kernel: %s (sink %llx)\n",
	       mcx_fp1024_mont_mul_name(mcx_fp1024_mont_mul_select()),
	       (unsigned long long)b.sink);
	status = 0;
out:
	mcx_err_pop();
	BN_free(bm);
	BN_free(b.bx);
	BN_free(b.by);
	BN_free(b.bt);
	BN_MONT_CTX_free(b.mont);
	BN_CTX_free(b.ctx);
	json_object_put(v);
	return status;
}
