/*
 * Constant-time inversion modulo the P-256 group order; see eccsi_ord.h.
 * Limbs are little-endian 64-bit words; values in Montgomery form carry the
 * factor R = 2^256.
 */
#include "mechanisms/eccsi_ord.h"

#include <string.h>

#include "common/wipe.h"

typedef unsigned __int128 u128;

/* q = FFFFFFFF00000000 FFFFFFFFFFFFFFFF BCE6FAADA7179E84 F3B9CAC2FC632551 */
static const uint64_t q_limbs[4] = {0xF3B9CAC2FC632551u, 0xBCE6FAADA7179E84u,
				    0xFFFFFFFFFFFFFFFFu, 0xFFFFFFFF00000000u};
/* -q^-1 mod 2^64 */
static const uint64_t q0inv = 0xCCD1C8AAEE00BC4Fu;
/* R^2 mod q, to enter the Montgomery domain */
static const uint64_t r2_limbs[4] = {0x83244C95BE79EEA2u, 0x4699799C49BD6FA6u,
				     0x2845B2392B6BEC59u, 0x66E12D94F3D95620u};

/* r = a * b * R^-1 mod q for a, b < q (CIOS), fully reduced with a masked
 * final subtraction.  r may alias a or b.  The loops are unrolled and the
 * intermediate words kept in locals so that they live in registers (this
 * runs about 330 times per inversion). */
static void mont_mul(uint64_t r[4], const uint64_t a[4], const uint64_t b[4])
{
	uint64_t t[6] = {0};
	uint64_t d[4];
	uint64_t aa[4] = {a[0], a[1], a[2], a[3]};
	uint64_t bb[4] = {b[0], b[1], b[2], b[3]};
	uint64_t carry, borrow, mask, m;
	u128 acc;

#pragma GCC unroll 4
	for (int i = 0; i < 4; i++) {
		carry = 0;
#pragma GCC unroll 4
		for (int j = 0; j < 4; j++) {
			acc = (u128)aa[j] * bb[i] + t[j] + carry;
			t[j] = (uint64_t)acc;
			carry = (uint64_t)(acc >> 64);
		}
		acc = (u128)t[4] + carry;
		t[4] = (uint64_t)acc;
		t[5] = (uint64_t)(acc >> 64);
		m = t[0] * q0inv;
		acc = (u128)m * q_limbs[0] + t[0];
		carry = (uint64_t)(acc >> 64);
#pragma GCC unroll 3
		for (int j = 1; j < 4; j++) {
			acc = (u128)m * q_limbs[j] + t[j] + carry;
			t[j - 1] = (uint64_t)acc;
			carry = (uint64_t)(acc >> 64);
		}
		acc = (u128)t[4] + carry;
		t[3] = (uint64_t)acc;
		t[4] = t[5] + (uint64_t)(acc >> 64);
	}
	/* t < 2q: subtract q when t >= q, chosen by mask. */
	borrow = 0;
#pragma GCC unroll 4
	for (int j = 0; j < 4; j++) {
		acc = (u128)t[j] - q_limbs[j] - borrow;
		d[j] = (uint64_t)acc;
		borrow = (uint64_t)(acc >> 64) & 1;
	}
	mask = 0 - ((t[4] | (borrow ^ 1)) & 1);
#pragma GCC unroll 4
	for (int j = 0; j < 4; j++)
		r[j] = (d[j] & mask) | (t[j] & ~mask);
}

static void load(uint64_t x[4], const uint8_t in[32])
{
	for (int i = 0; i < 4; i++) {
		x[i] = 0;
		for (int k = 0; k < 8; k++)
			x[i] |= (uint64_t)in[31 - 8 * i - k] << (8 * k);
	}
}

static void store(uint8_t out[32], const uint64_t x[4])
{
	for (int i = 0; i < 4; i++)
		for (int k = 0; k < 8; k++)
			out[31 - 8 * i - k] = (uint8_t)(x[i] >> (8 * k));
}

/* r = a + b mod q for a, b < q, with a masked subtraction. */
static void add_mod(uint64_t r[4], const uint64_t a[4], const uint64_t b[4])
{
	uint64_t s[4], d[4], carry = 0, borrow = 0, mask;
	u128 acc;

	for (int j = 0; j < 4; j++) {
		acc = (u128)a[j] + b[j] + carry;
		s[j] = (uint64_t)acc;
		carry = (uint64_t)(acc >> 64);
	}
	for (int j = 0; j < 4; j++) {
		acc = (u128)s[j] - q_limbs[j] - borrow;
		d[j] = (uint64_t)acc;
		borrow = (uint64_t)(acc >> 64) & 1;
	}
	/* s >= q when the sum carried or the subtraction did not borrow */
	mask = 0 - ((carry | (borrow ^ 1)) & 1);
	for (int j = 0; j < 4; j++)
		r[j] = (d[j] & mask) | (s[j] & ~mask);
	mcx_wipe(s, sizeof(s));
	mcx_wipe(d, sizeof(d));
}

/* acc = x^(q-2) for x in Montgomery form (result in Montgomery form), with
 * fixed 4-bit windows of the public exponent, top nibble first.  The table
 * index and the skipped multiplications depend on the exponent only. */
static void mont_inv(uint64_t acc[4], const uint64_t x[4])
{
	/* The public exponent q - 2 (q's low limb is >= 2: no borrow). */
	static const uint64_t e[4] = {0xF3B9CAC2FC632551u - 2,
				      0xBCE6FAADA7179E84u, 0xFFFFFFFFFFFFFFFFu,
				      0xFFFFFFFF00000000u};
	static const uint64_t one[4] = {1, 0, 0, 0};
	uint64_t tbl[16][4]; /* x^i R, i = 0..15 */

	memcpy(tbl[1], x, sizeof(tbl[1]));
	mont_mul(tbl[0], one, r2_limbs); /* R */
	for (int i = 2; i < 16; i++)
		mont_mul(tbl[i], tbl[i - 1], tbl[1]);
	memcpy(acc, tbl[(e[3] >> 60) & 15], 4 * sizeof(uint64_t));
	for (int nib = 62; nib >= 0; nib--) {
		unsigned int w =
		    (unsigned int)(e[nib / 16] >> (4 * (nib % 16))) & 15;

		for (int k = 0; k < 4; k++)
			mont_mul(acc, acc, acc);
		if (w != 0)
			mont_mul(acc, acc, tbl[w]);
	}
	mcx_wipe(tbl, sizeof(tbl));
}

void mcx_eccsi_ord_inverse(uint8_t out[32], const uint8_t in[32])
{
	static const uint64_t one[4] = {1, 0, 0, 0};
	uint64_t x[4], acc[4];

	load(x, in);
	mont_mul(x, x, r2_limbs); /* x R */
	mont_inv(acc, x);	  /* x^-1 R */
	mont_mul(acc, acc, one);  /* leave the Montgomery domain */
	store(out, acc);
	mcx_wipe(x, sizeof(x));
	mcx_wipe(acc, sizeof(acc));
}

int mcx_eccsi_ord_sign(uint8_t s[32], const uint8_t j[32],
		       const uint8_t ssk[32], const uint8_t r[32],
		       const uint8_t he[32])
{
	uint64_t a[4], b[4], t[4], h[4], d[4];
	uint64_t borrow = 0, mask, nz = 0;
	u128 acc;
	int ok;

	/* HE < 2^256 < 2q: one masked subtraction reduces it. */
	load(h, he);
	for (int i = 0; i < 4; i++) {
		acc = (u128)h[i] - q_limbs[i] - borrow;
		d[i] = (uint64_t)acc;
		borrow = (uint64_t)(acc >> 64) & 1;
	}
	mask = 0 - (borrow ^ 1); /* h >= q */
	for (int i = 0; i < 4; i++)
		h[i] = (d[i] & mask) | (h[i] & ~mask);
	/* t = HE + r * SSK mod q:  (r R) * SSK * R^-1 = r * SSK */
	load(a, r);
	load(b, ssk);
	mont_mul(a, a, r2_limbs);
	mont_mul(t, a, b);
	add_mod(t, t, h);
	/* t = 0 is the RFC's "choose a new j" case; the caller learns only
	 * that bit. */
	for (int i = 0; i < 4; i++)
		nz |= t[i];
	ok = nz != 0;
	/* s' = j * t^-1:  t R -> t^-1 R, then (t^-1 R) * j * R^-1 */
	mont_mul(t, t, r2_limbs);
	mont_inv(a, t);
	load(b, j);
	mont_mul(a, a, b);
	store(s, a);
	mcx_wipe(a, sizeof(a));
	mcx_wipe(b, sizeof(b));
	mcx_wipe(t, sizeof(t));
	mcx_wipe(h, sizeof(h));
	mcx_wipe(d, sizeof(d));
	return ok;
}
