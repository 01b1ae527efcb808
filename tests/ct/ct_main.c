/*
 * The constant-time test program (see ct.h).  Usage:
 *   ct_main have-memcheck  exit 0 if built with valgrind/memcheck.h, else 77
 *   ct_main secrets        run every secret path with the secrets undefined;
 *                          exit 1 on a wrong result (memcheck's own reports
 *                          fail the run through --error-exitcode)
 *   ct_main leak-branch    a deliberately variable-time function: a branch
 *   ct_main leak-index     on a secret bit / a table index from a secret /
 *   ct_main leak-montgomery  the textbook "if (t >= m) t -= m" final
 *                          subtraction of a Montgomery product; under
 *                          valgrind each MUST be reported, which proves the
 *                          harness can fail (run-ct-leak.sh)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mechanisms/fp1024_kernel.h"
#include "tests/ct/ct.h"

#define N MCX_FP1024_LIMBS

static uint64_t fill_state = 0x9E3779B97F4A7C15u;

void ct_fill(void *p, size_t n)
{
	uint8_t *out = p;

	for (size_t i = 0; i < n; i++) {
		fill_state ^= fill_state << 13;
		fill_state ^= fill_state >> 7;
		fill_state ^= fill_state << 17;
		out[i] = (uint8_t)fill_state;
	}
}

/* RFC 6509 parameter set 1 p as limbs would need the vectors; the kernels
 * are generic in the modulus, so a fixed odd 1024-bit modulus with the top
 * bit set exercises the same instruction trace.  Inputs are reduced below
 * it by clearing their top bit. */
static void random_modulus(uint64_t m[N])
{
	ct_fill(m, 8 * N);
	m[0] |= 1;
	m[N - 1] |= UINT64_C(1) << 63;
}

static void random_below(uint64_t x[N])
{
	ct_fill(x, 8 * N);
	x[N - 1] &= ~(UINT64_C(1) << 63);
}

/* a, b secret; m and m0inv public (p or q in SAKKE).  Covers r = a b,
 * r aliasing b, r aliasing a and b, and the squaring kernel. */
static int kernel_case(mcx_fp1024_mont_mul_fn mul, mcx_fp1024_mont_sqr_fn sqr,
		       const char *name)
{
	uint64_t m[N], a[N], b[N], r[N], sq[N], sq2[N], want_r[N], want_sq[N];

	random_modulus(m);
	for (int i = 0; i < 64; i++) {
		uint64_t m0inv = mcx_fp1024_m0inv(m[0]);

		random_below(a);
		random_below(b);
		/* Expected values, from the still public inputs. */
		mcx_fp1024_mont_mul_portable(want_r, a, b, m, m0inv);
		mcx_fp1024_mont_mul_portable(want_r, a, want_r, m, m0inv);
		mcx_fp1024_mont_mul_portable(want_sq, a, a, m, m0inv);

		CT_SECRET(a, sizeof(a));
		CT_SECRET(b, sizeof(b));
		mul(r, a, b, m, m0inv);
		mul(r, a, r, m, m0inv);
		memcpy(sq, a, sizeof(sq));
		mul(sq, sq, sq, m, m0inv);
		sqr(sq2, a, m, m0inv);
		/* Declassify the results (and the inputs) to compare them. */
		CT_PUBLIC(a, sizeof(a));
		CT_PUBLIC(b, sizeof(b));
		CT_PUBLIC(r, sizeof(r));
		CT_PUBLIC(sq, sizeof(sq));
		CT_PUBLIC(sq2, sizeof(sq2));
		if (memcmp(r, want_r, sizeof(r)) != 0 ||
		    memcmp(sq, want_sq, sizeof(sq)) != 0 ||
		    memcmp(sq2, want_sq, sizeof(sq2)) != 0) {
			fprintf(stderr, "ct: %s: wrong result\n", name);
			return 1;
		}
	}
	return 0;
}

/* The lazy-reduction kernels: a, b and the 2048-bit t secret. */
static int wide_case(mcx_fp1024_mul_wide_fn wide, mcx_fp1024_redc_fn redc,
		     const char *name)
{
	uint64_t m[N], a[N], b[N], t[2 * N], r[N], want[N];

	random_modulus(m);
	for (int i = 0; i < 64; i++) {
		uint64_t m0inv = mcx_fp1024_m0inv(m[0]);

		random_below(a);
		random_below(b);
		mcx_fp1024_mont_mul_portable(want, a, b, m, m0inv);
		CT_SECRET(a, sizeof(a));
		CT_SECRET(b, sizeof(b));
		wide(t, a, b);
		redc(r, t, m, m0inv);
		/* The whole 2048-bit range (m > 2^1023 here). */
		ct_fill(t, sizeof(t));
		CT_SECRET(t, sizeof(t));
		redc(t, t, m, m0inv);
		CT_PUBLIC(a, sizeof(a));
		CT_PUBLIC(b, sizeof(b));
		CT_PUBLIC(t, sizeof(t));
		CT_PUBLIC(r, sizeof(r));
		if (memcmp(r, want, sizeof(r)) != 0) {
			fprintf(stderr, "ct: %s: wrong result\n", name);
			return 1;
		}
	}
	return 0;
}

static int wide_portable(void)
{
	return wide_case(mcx_fp1024_mul_wide_portable, mcx_fp1024_redc_portable,
			 "portable mul_wide/redc");
}

static int wide_adx(void)
{
#ifdef MCX_HAVE_FP1024_ADX
	const char *env = getenv("MCXHSM_FP1024");

	if (mcx_fp1024_cpu_has_adx() || (env != NULL && !strcmp(env, "adx")))
		return wide_case(mcx_fp1024_mul_wide_adx, mcx_fp1024_redc_adx,
				 "adx mul_wide/redc");
#endif
	return 0;
}

static int kernel_portable(void)
{
	return kernel_case(mcx_fp1024_mont_mul_portable,
			   mcx_fp1024_mont_sqr_portable, "portable");
}

static int kernel_adx(void)
{
#ifdef MCX_HAVE_FP1024_ADX
	/* Under valgrind CPUID hides ADX; run-ct.sh then says so through
	 * MCXHSM_FP1024=adx after checking /proc/cpuinfo. */
	const char *env = getenv("MCXHSM_FP1024");

	if (mcx_fp1024_cpu_has_adx() || (env != NULL && !strcmp(env, "adx")))
		return kernel_case(mcx_fp1024_mont_mul_adx,
				   mcx_fp1024_mont_sqr_adx, "adx");
#endif
	fprintf(stderr, "ct: adx kernel not run (no BMI2+ADX, or "
			"MCXHSM_FP1024=portable)\n");
	return 0;
}

const struct ct_case ct_kernel_cases[] = {
    {"fp1024 kernel portable", kernel_portable},
    {"fp1024 kernel adx", kernel_adx},
    {"fp1024 mul_wide, redc portable", wide_portable},
    {"fp1024 mul_wide, redc adx", wide_adx},
    {NULL, NULL},
};

/* ---- Deliberately variable-time code (never in the library) ---------- */

static volatile int sink_a, sink_b;

/* A branch on a secret bit; the volatile stores keep the compiler from
 * turning it into a conditional move. */
static __attribute__((noinline)) void leaky_branch(const uint8_t *secret)
{
	if (secret[0] & 1)
		sink_a = 1;
	else
		sink_b = 1;
}

/* A memory index derived from a secret (the cache-timing leak of table
 * lookups that do not scan the whole table). */
static __attribute__((noinline)) int leaky_index(const uint8_t *secret)
{
	static const int table[16] = {3, 1, 4, 1, 5, 9, 2, 6,
				      5, 3, 5, 8, 9, 7, 9, 3};

	return table[secret[0] & 15];
}

/* A Montgomery product whose final subtraction branches on the comparison
 * of the secret result with m: the timing leak the kernels avoid with
 * masks (the "extra reduction" of Walter and Thompson, CT-RSA 2001). */
static __attribute__((noinline)) void leaky_montgomery(uint64_t r[N],
						       const uint64_t a[N],
						       const uint64_t b[N],
						       const uint64_t m[N])
{
	int ge = 1;

	/* The product (fully reduced: the branch below never subtracts, but
	 * the comparison still runs on the secret) ... */
	mcx_fp1024_mont_mul_portable(r, a, b, m, mcx_fp1024_m0inv(m[0]));
	/* ... then "if (r >= m) r -= m" with early-exit comparison. */
	for (int i = N - 1; i >= 0; i--) {
		if (r[i] != m[i]) {
			ge = r[i] > m[i];
			break;
		}
	}
	if (ge) {
		uint64_t borrow = 0;

		for (int i = 0; i < N; i++) {
			uint64_t d = r[i] - m[i] - borrow;

			borrow = (r[i] < m[i]) | ((r[i] == m[i]) & borrow);
			r[i] = d;
		}
	}
}

static int leak(const char *which)
{
	uint8_t secret[1];
	uint64_t m[N], a[N], b[N], r[N];
	int v = 0;

	ct_fill(secret, sizeof(secret));
	CT_SECRET(secret, sizeof(secret));
	if (strcmp(which, "leak-branch") == 0) {
		leaky_branch(secret);
	} else if (strcmp(which, "leak-index") == 0) {
		v = leaky_index(secret);
	} else {
		random_modulus(m);
		random_below(a);
		random_below(b);
		CT_SECRET(a, sizeof(a));
		CT_SECRET(b, sizeof(b));
		leaky_montgomery(r, a, b, m);
		CT_PUBLIC(r, sizeof(r));
		v = (int)(r[0] & 1);
	}
	CT_PUBLIC(&v, sizeof(v));
	printf("ct: %s ran (%d)\n", which, v);
	return 0;
}

static int run_table(const struct ct_case *cases)
{
	int status = 0;

	for (const struct ct_case *c = cases; c->name != NULL; c++) {
		struct timespec t0, t1;
		int rc = 0;

		clock_gettime(CLOCK_MONOTONIC, &t0);
		rc = c->run();
		clock_gettime(CLOCK_MONOTONIC, &t1);
		printf("ct: %-40s %-6s %.2f s\n", c->name,
		       rc == 0 ? "ok" : "FAILED",
		       (double)(t1.tv_sec - t0.tv_sec) +
			   (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
		fflush(stdout);
		status |= rc;
	}
	return status;
}

int main(int argc, char **argv)
{
	const struct ct_case *tables[] = {
	    ct_kernel_cases,
	    ct_sakke_cases,
	    ct_eccsi_cases,
	    ct_mikey_cases,
	};
	int status = 0;

	if (argc != 2)
		goto usage;
	if (strcmp(argv[1], "have-memcheck") == 0)
		return CT_HAVE_MEMCHECK ? 0 : 77;
	if (strcmp(argv[1], "leak-branch") == 0 ||
	    strcmp(argv[1], "leak-index") == 0 ||
	    strcmp(argv[1], "leak-montgomery") == 0)
		return leak(argv[1]);
	if (strcmp(argv[1], "secrets") != 0)
		goto usage;
	for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++)
		status |= run_table(tables[i]);
	return status;
usage:
	fprintf(stderr, "usage: ct_main have-memcheck|secrets|leak-branch|"
			"leak-index|leak-montgomery\n");
	return 2;
}
