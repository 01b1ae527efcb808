/*
 * Portable 1024-bit Montgomery multiplication: CIOS (Koç, Acar, Kaliski,
 * "Analyzing and Comparing Montgomery Multiplication Algorithms", 1996,
 * coarsely integrated operand scanning) over 16 x 64-bit limbs with
 * unsigned __int128 products.  Contract: mechanisms/fp1024_kernel.h.
 *
 * Constant time: every loop runs a fixed number of times and the final
 * subtraction of m is applied through a mask, so neither the instruction
 * sequence nor any address depends on a, b or the result.
 */
#include "mechanisms/fp1024_kernel.h"

#include "common/wipe.h"

typedef unsigned __int128 u128;

#define N MCX_FP1024_LIMBS

/* r = t - m if t >= m else t (r must not alias t), for t < 2m held in N limbs
 * plus a top limb hi in {0, 1}; by masks, never by branch. */
static void final_sub(uint64_t r[N], const uint64_t t[N], uint64_t hi,
		      const uint64_t m[N])
{
	uint64_t borrow = 0;
	uint64_t keep = 0;

	for (int j = 0; j < N; j++) {
		u128 diff = (u128)t[j] - m[j] - borrow;
		r[j] = (uint64_t)diff;
		borrow = (uint64_t)(diff >> 64) & 1;
	}
	/* t < m exactly when the subtraction borrows out of the top limb
	 * too: keep = all-ones then. */
	keep = 0 - (uint64_t)(borrow > hi);
	for (int j = 0; j < N; j++)
		r[j] = (t[j] & keep) | (r[j] & ~keep);
}

void mcx_fp1024_mont_mul_portable(uint64_t r[N], const uint64_t a[N],
				  const uint64_t b[N], const uint64_t m[N],
				  uint64_t m0inv)
{
	uint64_t t[N + 2] = {0};

	for (int i = 0; i < N; i++) {
		uint64_t c = 0;
		uint64_t bi = b[i];
		uint64_t mi = 0;
		u128 s = 0;

		/* t += a * b[i] */
		for (int j = 0; j < N; j++) {
			s = (u128)a[j] * bi + t[j] + c;
			t[j] = (uint64_t)s;
			c = (uint64_t)(s >> 64);
		}
		s = (u128)t[N] + c;
		t[N] = (uint64_t)s;
		t[N + 1] = (uint64_t)(s >> 64);

		/* t = (t + mi * m) / 2^64, with mi chosen so the low limb
		 * vanishes. */
		mi = t[0] * m0inv;
		s = (u128)mi * m[0] + t[0];
		c = (uint64_t)(s >> 64);
		for (int j = 1; j < N; j++) {
			s = (u128)mi * m[j] + t[j] + c;
			t[j - 1] = (uint64_t)s;
			c = (uint64_t)(s >> 64);
		}
		s = (u128)t[N] + c;
		t[N - 1] = (uint64_t)s;
		t[N] = t[N + 1] + (uint64_t)(s >> 64);
	}
	/* a, b < m gives t < 2m, so t[N] is 0 or 1 here. */
	final_sub(r, t, t[N], m);
	mcx_wipe(t, sizeof(t));
}

/*
 * Squaring: the 2048-bit square first (off-diagonal products once, then
 * doubled, plus the diagonal: 136 word products instead of 256), then 16
 * rows of Montgomery reduction (separated operand scanning; Koç et al.
 * 1996, SOS).  Same contract as the multiplication.
 */
void mcx_fp1024_mont_sqr_portable(uint64_t r[N], const uint64_t a[N],
				  const uint64_t m[N], uint64_t m0inv)
{
	uint64_t t[2 * N] = {0};
	uint64_t c = 0, top = 0, shift = 0;
	u128 s = 0;

	/* Off-diagonal products a[i] a[j], i < j. */
	for (int i = 0; i < N - 1; i++) {
		c = 0;
		for (int j = i + 1; j < N; j++) {
			s = (u128)a[i] * a[j] + t[i + j] + c;
			t[i + j] = (uint64_t)s;
			c = (uint64_t)(s >> 64);
		}
		t[i + N] = c;
	}
	/* Double (shift bit carried in `shift`), and add the squares
	 * a[i]^2 at limb 2i (addition carry in c). */
	c = 0;
	for (int i = 0; i < N; i++) {
		uint64_t lo = t[2 * i], hi = t[2 * i + 1];
		uint64_t dlo = (lo << 1) | shift, dhi = (hi << 1) | (lo >> 63);

		shift = hi >> 63;
		s = (u128)a[i] * a[i] + dlo + c;
		t[2 * i] = (uint64_t)s;
		s = (u128)dhi + (uint64_t)(s >> 64);
		t[2 * i + 1] = (uint64_t)s;
		c = (uint64_t)(s >> 64);
	}
	/* Reduction rows: t += mi m 2^(64 i), zeroing limb i; the carry out
	 * of each row's top limb moves up with the next row. */
	for (int i = 0; i < N; i++) {
		uint64_t mi = t[i] * m0inv;

		c = 0;
		for (int j = 0; j < N; j++) {
			s = (u128)mi * m[j] + t[i + j] + c;
			t[i + j] = (uint64_t)s;
			c = (uint64_t)(s >> 64);
		}
		s = (u128)t[i + N] + c + top;
		t[i + N] = (uint64_t)s;
		top = (uint64_t)(s >> 64);
	}
	/* a < m gives t / 2^1024 < 2m: top is 0 or 1. */
	final_sub(r, t + N, top, m);
	mcx_wipe(t, sizeof(t));
}

/*
 * Lazy reduction (for F_p^2 Karatsuba in the field layer): the 2048-bit
 * product without reduction, and the Montgomery reduction of a 2048-bit
 * value.  Contracts in mechanisms/fp1024_kernel.h.
 */
void mcx_fp1024_mul_wide_portable(uint64_t t[2 * N], const uint64_t a[N],
				  const uint64_t b[N])
{
	uint64_t acc[2 * N] = {0};

	for (int i = 0; i < N; i++) {
		uint64_t c = 0;

		for (int j = 0; j < N; j++) {
			u128 s = (u128)a[j] * b[i] + acc[i + j] + c;

			acc[i + j] = (uint64_t)s;
			c = (uint64_t)(s >> 64);
		}
		acc[i + N] = c;
	}
	for (int i = 0; i < 2 * N; i++)
		t[i] = acc[i];
	mcx_wipe(acc, sizeof(acc));
}

void mcx_fp1024_redc_portable(uint64_t r[N], const uint64_t t[2 * N],
			      const uint64_t m[N], uint64_t m0inv)
{
	uint64_t acc[2 * N];
	uint64_t once[N];
	uint64_t c = 0, top = 0;
	u128 s = 0;

	for (int i = 0; i < 2 * N; i++)
		acc[i] = t[i];
	for (int i = 0; i < N; i++) {
		uint64_t mi = acc[i] * m0inv;

		c = 0;
		for (int j = 0; j < N; j++) {
			s = (u128)mi * m[j] + acc[i + j] + c;
			acc[i + j] = (uint64_t)s;
			c = (uint64_t)(s >> 64);
		}
		s = (u128)acc[i + N] + c + top;
		acc[i + N] = (uint64_t)s;
		top = (uint64_t)(s >> 64);
	}
	/* v = (t + q m) / 2^1024 < t / 2^1024 + m < 3m: two masked
	 * subtractions (the first result is below 2^1024, so no top limb). */
	final_sub(once, acc + N, top, m);
	final_sub(r, once, 0, m);
	mcx_wipe(acc, sizeof(acc));
	mcx_wipe(once, sizeof(once));
}
