/*
 * The 1024-bit Montgomery multiplication kernel under the SAKKE field
 * arithmetic (RFC 6509 parameter set 1: |p| = 1024 bits, |q| = 1022 bits).
 *
 * Numbers are 16 little-endian 64-bit limbs.  The kernel is generic in the
 * odd modulus m < 2^1024 (the same kernel serves arithmetic mod p and mod
 * q); m0inv = -m^-1 mod 2^64.  Contract of every implementation:
 *
 *   inputs  a, b in [0, m)
 *   output  r = a * b * 2^-1024 mod m, fully reduced to [0, m)
 *   r may alias a and/or b
 *   constant time: the instruction sequence and memory addresses depend
 *   only on the limb count, never on the values (the final subtraction of
 *   m is done with masks)
 *
 * Two implementations: portable C with unsigned __int128 (always built),
 * and an x86-64 path using MULX/ADCX/ADOX that is chosen at run time when
 * the CPU has BMI2 and ADX.  Both are tested against each other.
 *
 * Request from A (SAKKE, 04:12 UTC): the kernel is ~75% of every SAKKE
 * profile (perf on bench_sakke); the issue-3 bars need ~2x: a pairing is
 * ~31k multiplications, a table decapsulation ~13k, an encapsulation ~6k.
 * Most wanted: mul_adx well under OpenSSL's BN (e.g. fully unrolled with
 * a and t kept in registers).  Next: mcx_fp1024_mul_wide (2048-bit a*b,
 * no reduction) + mcx_fp1024_redc (Montgomery reduction of a 2048-bit
 * value < m*2^1024), so F_p^2 Karatsuba can reduce twice instead of 3x.
 *
 * Answer (A2, 04:30 UTC):
 * - mul_wide and redc are below (portable and ADX, selected like the
 *   others; redc even takes any t < 2^2048 for p).  Measured best-of-200
 *   here: mul_wide 110 ns, redc 149 ns, mont_mul 244 ns, so F_p^2
 *   Karatsuba as 3 mul_wide + 2 redc costs 0.84-0.87 of 3 mont_mul (plus
 *   your wide additions: c0 = a0 b0 - a1 b1 needs + m 2^1024 or similar to
 *   stay non-negative; any value below 2m 2^1024 is accepted).  I agree
 *   with your fp2.c measurement: a complete F_p^2 product in C on these
 *   kernels (unreduced sums, middle term mod 2^2048, ADC/SBB intrinsics)
 *   measured 1.03-1.10 of three mont_mul (its 2048-bit passes cost what
 *   the saved reduction gains), so it is not in the tree; only a fused
 *   assembler F_p^2 kernel could keep the 0.87.
 * - mul_adx: 244 ns against 289 ns for OpenSSL's BN_mod_mul_montgomery,
 *   sqr_adx 210 ns against 223 ns (best-of-200, same run; bench_fp1024's
 *   interleaved medians give ratios 0.84-0.86 and 0.95-0.98).  It is bound by
 *   MULX/ADCX/ADOX throughput, not by memory: dropping every accumulator
 *   load/store of the multiply pass (an experiment) gained 4%, and a
 *   one-level Karatsuba mont_mul (448 instead of 512 MULX) measured 273 ns,
 *   slower, so CIOS stays.  The remaining 2x has to come from fewer
 *   multiplications (lazy reduction, sqr for every square, fewer
 *   inversions/subgroup checks), not from this kernel.
 * Issue 3, session 2 ("REDC costs more than the product"), best-of-40
 * chains here: redc_adx 151 ns against mul_wide 112 ns.  Not the mi
 * dependency (computing mi from a constant instead: 146 ns), not the copy
 * of t (in place: 148 ns) and only 9 ns of the second masked subtraction
 * (one subtraction: 146 ns, valid for t < m 2^1024 only): the reduction
 * rows themselves cost ~135 ns.  A product-then-reduce (SOS) mont_mul
 * built from these rows measured 0.99-1.03x of the CIOS one, so neither
 * went into the tree.  The next step would be AVX-512 IFMA (52-bit limbs,
 * two or three independent products at once for F_p^2), not measured.
 * PF2 (issue 3, session 2): mechanisms/fp1024_ifma.c, one product at a
 * time in radix 2^52, bit-identical to the others (a is taken as a 2^16
 * so that 20 rows of 52 bits divide by exactly 2^1024); chosen first when
 * the CPU has it.  mont_mul 0.57-0.58x of mul_adx, redc 0.78-0.86x of
 * redc_adx (bench_fp1024 medians, 3 runs); with it 3 mul_wide + 2 redc
 * cost more than 3 mont_mul (lazy reduction no longer pays on this path);
 * mul_wide stays the ADX one: an IFMA mul_wide (window of three
 * vectors, 40-lane vector normalisation and packing) passed every test
 * here but measured 0.97x of mul_wide_adx, so it is not in the tree.
 */
#ifndef MCX_MECHANISMS_FP1024_KERNEL_H
#define MCX_MECHANISMS_FP1024_KERNEL_H

#include <stdint.h>

#define MCX_FP1024_LIMBS 16

typedef void (*mcx_fp1024_mont_mul_fn)(uint64_t r[MCX_FP1024_LIMBS],
				       const uint64_t a[MCX_FP1024_LIMBS],
				       const uint64_t b[MCX_FP1024_LIMBS],
				       const uint64_t m[MCX_FP1024_LIMBS],
				       uint64_t m0inv);

/* Dedicated squaring, r = a^2 * 2^-1024 mod m, same contract (r may alias
 * a); about 20% faster than mul(r, a, a) on the ADX path (A: use it for
 * every square in the field layer; tests/bench/bench_fp1024 measures it). */
typedef void (*mcx_fp1024_mont_sqr_fn)(uint64_t r[MCX_FP1024_LIMBS],
				       const uint64_t a[MCX_FP1024_LIMBS],
				       const uint64_t m[MCX_FP1024_LIMBS],
				       uint64_t m0inv);

/* Lazy reduction, for F_p^2 Karatsuba (two reductions instead of three):
 *   mul_wide  t = a * b, the full 2048-bit product (32 limbs), for any
 *             a, b < 2^1024; t must not overlap a or b.
 *   redc      r = t * 2^-1024 mod m, fully reduced to [0, m), for any
 *             t < 2m * 2^1024 (so any t < 2^2048 when m > 2^1023, as p
 *             of parameter set 1 is); r may overlap t's low half.
 * redc(mul_wide(a, b)) = mont_mul(a, b).  Same constant-time rules. */
typedef void (*mcx_fp1024_mul_wide_fn)(uint64_t t[2 * MCX_FP1024_LIMBS],
				       const uint64_t a[MCX_FP1024_LIMBS],
				       const uint64_t b[MCX_FP1024_LIMBS]);
typedef void (*mcx_fp1024_redc_fn)(uint64_t r[MCX_FP1024_LIMBS],
				   const uint64_t t[2 * MCX_FP1024_LIMBS],
				   const uint64_t m[MCX_FP1024_LIMBS],
				   uint64_t m0inv);

/* Fused r = (a b + c d) * 2^-1024 mod m, fully reduced to [0, m), for
 * a, b, c, d in [0, m); r may alias any input.  Same constant-time rules.
 * Only the IFMA path has one (mcx_fp1024_mul2_select() is NULL
 * elsewhere: there mul_wide x 2 + redc does it). */
typedef void (*mcx_fp1024_mul2_fn)(uint64_t r[MCX_FP1024_LIMBS],
				   const uint64_t a[MCX_FP1024_LIMBS],
				   const uint64_t b[MCX_FP1024_LIMBS],
				   const uint64_t c[MCX_FP1024_LIMBS],
				   const uint64_t d[MCX_FP1024_LIMBS],
				   const uint64_t m[MCX_FP1024_LIMBS],
				   uint64_t m0inv);

/* Portable C implementation. */
void mcx_fp1024_mont_mul_portable(uint64_t r[MCX_FP1024_LIMBS],
				  const uint64_t a[MCX_FP1024_LIMBS],
				  const uint64_t b[MCX_FP1024_LIMBS],
				  const uint64_t m[MCX_FP1024_LIMBS],
				  uint64_t m0inv);
void mcx_fp1024_mont_sqr_portable(uint64_t r[MCX_FP1024_LIMBS],
				  const uint64_t a[MCX_FP1024_LIMBS],
				  const uint64_t m[MCX_FP1024_LIMBS],
				  uint64_t m0inv);
void mcx_fp1024_mul_wide_portable(uint64_t t[2 * MCX_FP1024_LIMBS],
				  const uint64_t a[MCX_FP1024_LIMBS],
				  const uint64_t b[MCX_FP1024_LIMBS]);
void mcx_fp1024_redc_portable(uint64_t r[MCX_FP1024_LIMBS],
			      const uint64_t t[2 * MCX_FP1024_LIMBS],
			      const uint64_t m[MCX_FP1024_LIMBS],
			      uint64_t m0inv);

/* MULX/ADCX/ADOX implementation; only defined on x86-64 builds
 * (MCX_HAVE_FP1024_ADX) not configured with CPPFLAGS=-DMCX_FP1024_NO_ASM,
 * and callable only when mcx_fp1024_cpu_has_adx(). */
#if defined(__x86_64__) && !defined(MCX_FP1024_NO_ASM)
#define MCX_HAVE_FP1024_ADX 1
void mcx_fp1024_mont_mul_adx(uint64_t r[MCX_FP1024_LIMBS],
			     const uint64_t a[MCX_FP1024_LIMBS],
			     const uint64_t b[MCX_FP1024_LIMBS],
			     const uint64_t m[MCX_FP1024_LIMBS],
			     uint64_t m0inv);
void mcx_fp1024_mont_sqr_adx(uint64_t r[MCX_FP1024_LIMBS],
			     const uint64_t a[MCX_FP1024_LIMBS],
			     const uint64_t m[MCX_FP1024_LIMBS],
			     uint64_t m0inv);
void mcx_fp1024_mul_wide_adx(uint64_t t[2 * MCX_FP1024_LIMBS],
			     const uint64_t a[MCX_FP1024_LIMBS],
			     const uint64_t b[MCX_FP1024_LIMBS]);
void mcx_fp1024_redc_adx(uint64_t r[MCX_FP1024_LIMBS],
			 const uint64_t t[2 * MCX_FP1024_LIMBS],
			 const uint64_t m[MCX_FP1024_LIMBS], uint64_t m0inv);
int mcx_fp1024_cpu_has_adx(void);
#endif

/* AVX-512 IFMA implementation (mechanisms/fp1024_ifma.c): x86-64 with a
 * compiler that knows the target attribute (gcc >= 8, clang >= 7); callable
 * only when mcx_fp1024_cpu_has_ifma() (CPUID bmi2, avx512f/dq/vl/bw/ifma/
 * vbmi and the OS saves zmm state).  mul_wide of this path is the ADX one (the
 * CPUs with IFMA all have ADX). */
#if defined(MCX_HAVE_FP1024_ADX) &&                                            \
    (defined(__clang__) || (defined(__GNUC__) && __GNUC__ >= 8))
#define MCX_HAVE_FP1024_IFMA 1
void mcx_fp1024_mont_mul_ifma(uint64_t r[MCX_FP1024_LIMBS],
			      const uint64_t a[MCX_FP1024_LIMBS],
			      const uint64_t b[MCX_FP1024_LIMBS],
			      const uint64_t m[MCX_FP1024_LIMBS],
			      uint64_t m0inv);
void mcx_fp1024_mont_sqr_ifma(uint64_t r[MCX_FP1024_LIMBS],
			      const uint64_t a[MCX_FP1024_LIMBS],
			      const uint64_t m[MCX_FP1024_LIMBS],
			      uint64_t m0inv);
void mcx_fp1024_redc_ifma(uint64_t r[MCX_FP1024_LIMBS],
			  const uint64_t t[2 * MCX_FP1024_LIMBS],
			  const uint64_t m[MCX_FP1024_LIMBS], uint64_t m0inv);
/* One AMM pass with both products in each row (1.20-1.24x one mul_ifma,
 * 0.45-0.48x of 2 mul_wide_adx + redc_ifma, measured 2026-11-23). */
void mcx_fp1024_mul2_add_ifma(uint64_t r[MCX_FP1024_LIMBS],
			      const uint64_t a[MCX_FP1024_LIMBS],
			      const uint64_t b[MCX_FP1024_LIMBS],
			      const uint64_t c[MCX_FP1024_LIMBS],
			      const uint64_t d[MCX_FP1024_LIMBS],
			      const uint64_t m[MCX_FP1024_LIMBS],
			      uint64_t m0inv);
int mcx_fp1024_cpu_has_ifma(void);
/* The kernel's last step, exposed for its unit test (its rare carry paths
 * cannot be reached reliably through products): r = X mod m for X = sum
 * x[k] 2^(52 k) < 2m and < 2^1025, lanes x[k] < 2^63, x[20..23] = 0. */
void mcx_fp1024_ifma_out52(uint64_t r[MCX_FP1024_LIMBS], const uint64_t x[24],
			   const uint64_t m[MCX_FP1024_LIMBS]);
/* Modular addition and subtraction in AVX-512 vectors
 * (fp1024_addsub_avx512.c), used with the IFMA kernel: contract of
 * mcx_fp1024_add/_sub (a, b < m, result fully reduced, r may alias). */
void mcx_fp1024_add_avx512(uint64_t r[MCX_FP1024_LIMBS],
			   const uint64_t a[MCX_FP1024_LIMBS],
			   const uint64_t b[MCX_FP1024_LIMBS],
			   const uint64_t m[MCX_FP1024_LIMBS]);
void mcx_fp1024_sub_avx512(uint64_t r[MCX_FP1024_LIMBS],
			   const uint64_t a[MCX_FP1024_LIMBS],
			   const uint64_t b[MCX_FP1024_LIMBS],
			   const uint64_t m[MCX_FP1024_LIMBS]);
#endif

/* m0inv = -m0^-1 mod 2^64 for an odd low limb m0 (Newton iteration; a
 * public value, computed once per modulus). */
uint64_t mcx_fp1024_m0inv(uint64_t m0);

/* The implementation chosen for this CPU (resolved once, thread-safe):
 * ifma, else adx, else portable; MCXHSM_FP1024=portable in the environment
 * forces the portable path; MCXHSM_FP1024=adx forces the ADX one without
 * asking CPUID (only for tests under valgrind, whose CPUID hides ADX);
 * MCXHSM_FP1024=ifma is the default where the CPU has it.
 * (Tests switch paths in one process with mcx_fp1024_force_portable() of
 * mechanisms/fp1024.h.) */
mcx_fp1024_mont_mul_fn mcx_fp1024_mont_mul_select(void);
/* The squaring and lazy-reduction kernels of the same path (same rules). */
mcx_fp1024_mont_sqr_fn mcx_fp1024_mont_sqr_select(void);
mcx_fp1024_mul_wide_fn mcx_fp1024_mul_wide_select(void);
mcx_fp1024_redc_fn mcx_fp1024_redc_select(void);
/* The fused a b + c d kernel of the same path, or NULL (see above). */
mcx_fp1024_mul2_fn mcx_fp1024_mul2_select(void);

/* "portable", "adx", "ifma" or "unknown": which kernel fn is (logs,
 * benchmarks). */
const char *mcx_fp1024_mont_mul_name(mcx_fp1024_mont_mul_fn fn);

#endif /* MCX_MECHANISMS_FP1024_KERNEL_H */
