/*
 * x86-64 1024-bit Montgomery multiplication with MULX (BMI2) and ADCX/ADOX
 * (ADX).  Contract: mechanisms/fp1024_kernel.h.
 *
 * Algorithm: CIOS, as in the portable kernel, 16 rows.  Each row is two
 * passes over the 16 limbs of the accumulator t (kept on the stack):
 *   t += a * b[i]                     (multiply pass)
 *   t = (t + mi * m) / 2^64, mi = t[0] * m0inv   (reduction pass)
 * MULX leaves the flags alone, so each pass runs two independent carry
 * chains: ADCX (CF) adds the low halves into t, ADOX (OF) adds the high
 * half of the previous product; this is the use case Intel designed the
 * instructions for (Gopal et al., "Fast Multiplication of Large Integers:
 * Implementation and Analysis of the DMULX Instruction", Intel 2012).
 * The final subtraction of m is computed unconditionally and the result
 * chosen with CMOVC, so the instruction trace and every address depend on
 * nothing but the limb count.  The stack accumulator is zeroed on return.
 *
 * A dedicated squaring kernel follows (see its comment): separated
 * product and reduction, 392 instead of 512 MULX; then the lazy-reduction
 * pair mul_wide (the 2048-bit product) and redc (its reduction).
 *
 * Each function is one top-level asm block (the assembler text a .S file
 * would hold) so that no configure-time assembler support is needed; the
 * C preprocessor only unrolls the inner loops.  Build with
 * -DMCX_FP1024_NO_ASM to leave them out (the portable kernels are then the
 * only ones).  Measured (tests/bench/bench_fp1024): the multiplication
 * is bound by the multiplier port (one MULX per cycle at best), so fewer
 * MULX, not fewer memory operations, is what makes it faster.
 */
#include "mechanisms/fp1024_kernel.h"

#ifdef MCX_HAVE_FP1024_ADX

#include <cpuid.h>
#include <stddef.h>

int mcx_fp1024_cpu_has_adx(void)
{
	unsigned int eax = 0, ebx = 0, ecx = 0, edx = 0;

	/* CPUID leaf 7 subleaf 0: EBX bit 8 = BMI2 (MULX), bit 19 = ADX. */
	if (__get_cpuid_max(0, NULL) < 7)
		return 0;
	__cpuid_count(7, 0, eax, ebx, ecx, edx);
	return (ebx & (1u << 8)) != 0 && (ebx & (1u << 19)) != 0;
}

/* clang-format off: assembler text, laid out by hand. */
// clang-format off
/*
 * Registers: rdi r, rsi a, rcx m, r8 m0inv, r9 walks b, r10 row counter,
 * rax zero, rdx MULX multiplicand, rbx low half / scratch, r11 and r12
 * alternate as the high half carried to the next limb.  t[0..17] lives at
 * 0..143(%rsp).
 */
#define S(x) #x

/* Multiply pass, limb j: t[j] += lo(a[j] b) + hi(a[j-1] b) + carries. */
#define MULSTEP(j, hin, hout)                                                  \
	"mulx 8*" S(j) "(%rsi), %rbx, " hout "\n\t"                            \
	"adcx 8*" S(j) "(%rsp), %rbx\n\t"                                      \
	"adox " hin ", %rbx\n\t"                                               \
	"mov %rbx, 8*" S(j) "(%rsp)\n\t"

/* Reduction pass, limb j: result shifted down one limb. */
#define REDSTEP(j, hin, hout)                                                  \
	"mulx 8*" S(j) "(%rcx), %rbx, " hout "\n\t"                            \
	"adcx 8*" S(j) "(%rsp), %rbx\n\t"                                      \
	"adox " hin ", %rbx\n\t"                                               \
	"mov %rbx, 8*" S(j) "-8(%rsp)\n\t"

/* (carry-in, carry-out) registers of a step. */
#define FROM11 "%r11", "%r12"
#define FROM12 "%r12", "%r11"
#define STEPS_1_15(STEP)                                                       \
	STEP(1, FROM11) STEP(2, FROM12) STEP(3, FROM11) STEP(4, FROM12)        \
	STEP(5, FROM11) STEP(6, FROM12) STEP(7, FROM11) STEP(8, FROM12)        \
	STEP(9, FROM11) STEP(10, FROM12) STEP(11, FROM11) STEP(12, FROM12)     \
	STEP(13, FROM11) STEP(14, FROM12) STEP(15, FROM11)
/* The variadic forwarders let FROM11/FROM12 expand into two arguments. */
#define MULSTEP_(...) MULSTEP(__VA_ARGS__)
#define REDSTEP_(...) REDSTEP(__VA_ARGS__)
#define MUL_1_15 STEPS_1_15(MULSTEP_)
#define RED_1_15 STEPS_1_15(REDSTEP_)

/* Limb j of the unconditional subtraction d = t - m, written to r. */
#define SUBSTEP(j)                                                             \
	"mov 8*" S(j) "(%rsp), %rbx\n\t"                                       \
	"sbb 8*" S(j) "(%rcx), %rbx\n\t"                                       \
	"mov %rbx, 8*" S(j) "(%rdi)\n\t"
/* Limb j of the selection: r = t where CF says t < m. */
#define SELSTEP(j)                                                             \
	"mov 8*" S(j) "(%rdi), %rbx\n\t"                                       \
	"cmovc 8*" S(j) "(%rsp), %rbx\n\t"                                     \
	"mov %rbx, 8*" S(j) "(%rdi)\n\t"
#define ZERO(j) "mov %rax, 8*" S(j) "(%rsp)\n\t"
#define FOR_1_15(X)                                                            \
	X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11) X(12) X(13)  \
	X(14) X(15)
#define FOR_0_17(X) X(0) FOR_1_15(X) X(16) X(17)

__asm__(".text\n\t"
	".p2align 5\n\t"
	".globl mcx_fp1024_mont_mul_adx\n\t"
	".type mcx_fp1024_mont_mul_adx, @function\n"
	"mcx_fp1024_mont_mul_adx:\n\t"
	".cfi_startproc\n\t"
	"endbr64\n\t"
	"push %rbx\n\t"
	".cfi_adjust_cfa_offset 8\n\t"
	".cfi_offset %rbx, -16\n\t"
	"push %r12\n\t"
	".cfi_adjust_cfa_offset 8\n\t"
	".cfi_offset %r12, -24\n\t"
	"sub $152, %rsp\n\t"
	".cfi_adjust_cfa_offset 152\n\t"
	"mov %rdx, %r9\n\t"
	"mov $16, %r10d\n\t"
	"xor %eax, %eax\n\t" FOR_0_17(ZERO)
	/* One CIOS row per iteration. */
	"1:\n\t"
	"mov (%r9), %rdx\n\t"
	"xor %ebx, %ebx\n\t" /* clears CF and OF */
	"mulx 0(%rsi), %rbx, %r11\n\t"
	"adcx 0(%rsp), %rbx\n\t"
	"mov %rbx, 0(%rsp)\n\t" MUL_1_15
	/* t[16] += carries; t[17] = the two carry bits. */
	"mov 128(%rsp), %rbx\n\t"
	"adcx %rax, %rbx\n\t"
	"adox %r12, %rbx\n\t"
	"mov %rbx, 128(%rsp)\n\t"
	"mov $0, %ebx\n\t"
	"adcx %rax, %rbx\n\t"
	"adox %rax, %rbx\n\t"
	"mov %rbx, 136(%rsp)\n\t"
	/* mi = t[0] * m0inv; t = (t + mi m) / 2^64. */
	"mov 0(%rsp), %rdx\n\t"
	"imul %r8, %rdx\n\t"
	"xor %ebx, %ebx\n\t"
	"mulx 0(%rcx), %rbx, %r11\n\t"
	"adcx 0(%rsp), %rbx\n\t" RED_1_15
	"mov 128(%rsp), %rbx\n\t"
	"adcx %rax, %rbx\n\t"
	"adox %r12, %rbx\n\t"
	"mov %rbx, 120(%rsp)\n\t"
	"mov 136(%rsp), %rbx\n\t"
	"adcx %rax, %rbx\n\t"
	"adox %rax, %rbx\n\t"
	"mov %rbx, 128(%rsp)\n\t"
	"add $8, %r9\n\t"
	"dec %r10d\n\t"
	"jnz 1b\n\t"
	/* r = t - m; then CF = borrow out of t[16], set iff t < m. */
	"mov 0(%rsp), %rbx\n\t"
	"sub 0(%rcx), %rbx\n\t"
	"mov %rbx, 0(%rdi)\n\t" FOR_1_15(SUBSTEP) "mov 128(%rsp), %rbx\n\t"
	"sbb $0, %rbx\n\t"
	"mov 0(%rdi), %rbx\n\t"
	"cmovc 0(%rsp), %rbx\n\t"
	"mov %rbx, 0(%rdi)\n\t" FOR_1_15(SELSTEP)
	/* Wipe the accumulator and the scratch registers. */
	FOR_0_17(ZERO) "xor %ebx, %ebx\n\t"
	"xor %edx, %edx\n\t"
	"xor %r11d, %r11d\n\t"
	"add $152, %rsp\n\t"
	".cfi_adjust_cfa_offset -152\n\t"
	"pop %r12\n\t"
	".cfi_adjust_cfa_offset -8\n\t"
	"pop %rbx\n\t"
	".cfi_adjust_cfa_offset -8\n\t"
	"ret\n\t"
	".cfi_endproc\n\t"
	".size mcx_fp1024_mont_mul_adx, .-mcx_fp1024_mont_mul_adx\n\t");

/*
 * Squaring.  Rows of off-diagonal products a[i] a[j] (i < j, 120 MULX)
 * into T[0..31] on the stack, then one pass that doubles T (ADCX of a limb
 * with itself, CF carrying the shifted-out bit) and adds the diagonal
 * a[i]^2 (ADOX), then 16 Montgomery reduction rows over T (SOS: Koç et al.
 * 1996), each adding mi m at limb i; r14 carries each row's top carry to
 * the next.  136 + 256 MULX instead of the multiplication's 512.
 * Registers: rdi r, rsi a, rcx m, r8 m0inv, r13 row pointer, r10 row
 * counter, r14 row carry, r15 the row's low limb (handed from one row to
 * the next in a register, which shortens the mi dependency chain), rax
 * zero, rbx/r11/r12 as in the multiplication.
 */
/* Row i's first product a[i] a[i+1] lands at limb k = 2i+1. */
#define SQFIRST(i, j, k)                                                       \
	"mov 8*" S(i) "(%rsi), %rdx\n\t"                                       \
	"xor %ebx, %ebx\n\t"                                                   \
	"mulx 8*" S(j) "(%rsi), %rbx, %r11\n\t"                                \
	"adcx 8*" S(k) "(%rsp), %rbx\n\t"                                      \
	"mov %rbx, 8*" S(k) "(%rsp)\n\t"
/* Product a[i] a[j] added at limb k = i + j. */
#define SQSTEP(j, k, hin, hout)                                                \
	"mulx 8*" S(j) "(%rsi), %rbx, " hout "\n\t"                            \
	"adcx 8*" S(k) "(%rsp), %rbx\n\t"                                      \
	"adox " hin ", %rbx\n\t"                                               \
	"mov %rbx, 8*" S(k) "(%rsp)\n\t"
#define SQSTEP_(...) SQSTEP(__VA_ARGS__)
#define SQSTEP_FWD(j, k, regs) SQSTEP_(j, k, regs)
#define R11 "%r11"
#define R12 "%r12"
/* Limb k = i + 16 is still zero: it gets the last high half and both
 * carries. */
#define SQTOP(hlast, k)                                                        \
	"mov " hlast ", %rbx\n\t"                                              \
	"adcx %rax, %rbx\n\t"                                                  \
	"adox %rax, %rbx\n\t"                                                  \
	"mov %rbx, 8*" S(k) "(%rsp)\n\t"
/* Row i: SQFIRST(i, i+1, 2i+1), then SQSTEP(j, i+j, carry registers) for
 * j = i+2..15 (the registers alternate), then SQTOP(last high half,
 * i+16). */
#define SQROW0                                                                 \
	SQFIRST(0, 1, 1) SQSTEP_FWD(2, 2, FROM11) SQSTEP_FWD(3, 3, FROM12)     \
	SQSTEP_FWD(4, 4, FROM11) SQSTEP_FWD(5, 5, FROM12)                      \
	SQSTEP_FWD(6, 6, FROM11) SQSTEP_FWD(7, 7, FROM12)                      \
	SQSTEP_FWD(8, 8, FROM11) SQSTEP_FWD(9, 9, FROM12)                      \
	SQSTEP_FWD(10, 10, FROM11) SQSTEP_FWD(11, 11, FROM12)                  \
	SQSTEP_FWD(12, 12, FROM11) SQSTEP_FWD(13, 13, FROM12)                  \
	SQSTEP_FWD(14, 14, FROM11) SQSTEP_FWD(15, 15, FROM12) SQTOP(R11, 16)
#define SQROW1                                                                 \
	SQFIRST(1, 2, 3) SQSTEP_FWD(3, 4, FROM11) SQSTEP_FWD(4, 5, FROM12)     \
	SQSTEP_FWD(5, 6, FROM11) SQSTEP_FWD(6, 7, FROM12)                      \
	SQSTEP_FWD(7, 8, FROM11) SQSTEP_FWD(8, 9, FROM12)                      \
	SQSTEP_FWD(9, 10, FROM11) SQSTEP_FWD(10, 11, FROM12)                   \
	SQSTEP_FWD(11, 12, FROM11) SQSTEP_FWD(12, 13, FROM12)                  \
	SQSTEP_FWD(13, 14, FROM11) SQSTEP_FWD(14, 15, FROM12)                  \
	SQSTEP_FWD(15, 16, FROM11) SQTOP(R12, 17)
#define SQROW2                                                                 \
	SQFIRST(2, 3, 5) SQSTEP_FWD(4, 6, FROM11) SQSTEP_FWD(5, 7, FROM12)     \
	SQSTEP_FWD(6, 8, FROM11) SQSTEP_FWD(7, 9, FROM12)                      \
	SQSTEP_FWD(8, 10, FROM11) SQSTEP_FWD(9, 11, FROM12)                    \
	SQSTEP_FWD(10, 12, FROM11) SQSTEP_FWD(11, 13, FROM12)                  \
	SQSTEP_FWD(12, 14, FROM11) SQSTEP_FWD(13, 15, FROM12)                  \
	SQSTEP_FWD(14, 16, FROM11) SQSTEP_FWD(15, 17, FROM12) SQTOP(R11, 18)
#define SQROW3                                                                 \
	SQFIRST(3, 4, 7) SQSTEP_FWD(5, 8, FROM11) SQSTEP_FWD(6, 9, FROM12)     \
	SQSTEP_FWD(7, 10, FROM11) SQSTEP_FWD(8, 11, FROM12)                    \
	SQSTEP_FWD(9, 12, FROM11) SQSTEP_FWD(10, 13, FROM12)                   \
	SQSTEP_FWD(11, 14, FROM11) SQSTEP_FWD(12, 15, FROM12)                  \
	SQSTEP_FWD(13, 16, FROM11) SQSTEP_FWD(14, 17, FROM12)                  \
	SQSTEP_FWD(15, 18, FROM11) SQTOP(R12, 19)
#define SQROW4                                                                 \
	SQFIRST(4, 5, 9) SQSTEP_FWD(6, 10, FROM11) SQSTEP_FWD(7, 11, FROM12)   \
	SQSTEP_FWD(8, 12, FROM11) SQSTEP_FWD(9, 13, FROM12)                    \
	SQSTEP_FWD(10, 14, FROM11) SQSTEP_FWD(11, 15, FROM12)                  \
	SQSTEP_FWD(12, 16, FROM11) SQSTEP_FWD(13, 17, FROM12)                  \
	SQSTEP_FWD(14, 18, FROM11) SQSTEP_FWD(15, 19, FROM12) SQTOP(R11, 20)
#define SQROW5                                                                 \
	SQFIRST(5, 6, 11) SQSTEP_FWD(7, 12, FROM11)                            \
	SQSTEP_FWD(8, 13, FROM12) SQSTEP_FWD(9, 14, FROM11)                    \
	SQSTEP_FWD(10, 15, FROM12) SQSTEP_FWD(11, 16, FROM11)                  \
	SQSTEP_FWD(12, 17, FROM12) SQSTEP_FWD(13, 18, FROM11)                  \
	SQSTEP_FWD(14, 19, FROM12) SQSTEP_FWD(15, 20, FROM11) SQTOP(R12, 21)
#define SQROW6                                                                 \
	SQFIRST(6, 7, 13) SQSTEP_FWD(8, 14, FROM11)                            \
	SQSTEP_FWD(9, 15, FROM12) SQSTEP_FWD(10, 16, FROM11)                   \
	SQSTEP_FWD(11, 17, FROM12) SQSTEP_FWD(12, 18, FROM11)                  \
	SQSTEP_FWD(13, 19, FROM12) SQSTEP_FWD(14, 20, FROM11)                  \
	SQSTEP_FWD(15, 21, FROM12) SQTOP(R11, 22)
#define SQROW7                                                                 \
	SQFIRST(7, 8, 15) SQSTEP_FWD(9, 16, FROM11)                            \
	SQSTEP_FWD(10, 17, FROM12) SQSTEP_FWD(11, 18, FROM11)                  \
	SQSTEP_FWD(12, 19, FROM12) SQSTEP_FWD(13, 20, FROM11)                  \
	SQSTEP_FWD(14, 21, FROM12) SQSTEP_FWD(15, 22, FROM11) SQTOP(R12, 23)
#define SQROW8                                                                 \
	SQFIRST(8, 9, 17) SQSTEP_FWD(10, 18, FROM11)                           \
	SQSTEP_FWD(11, 19, FROM12) SQSTEP_FWD(12, 20, FROM11)                  \
	SQSTEP_FWD(13, 21, FROM12) SQSTEP_FWD(14, 22, FROM11)                  \
	SQSTEP_FWD(15, 23, FROM12) SQTOP(R11, 24)
#define SQROW9                                                                 \
	SQFIRST(9, 10, 19) SQSTEP_FWD(11, 20, FROM11)                          \
	SQSTEP_FWD(12, 21, FROM12) SQSTEP_FWD(13, 22, FROM11)                  \
	SQSTEP_FWD(14, 23, FROM12) SQSTEP_FWD(15, 24, FROM11) SQTOP(R12, 25)
#define SQROW10                                                                \
	SQFIRST(10, 11, 21) SQSTEP_FWD(12, 22, FROM11)                         \
	SQSTEP_FWD(13, 23, FROM12) SQSTEP_FWD(14, 24, FROM11)                  \
	SQSTEP_FWD(15, 25, FROM12) SQTOP(R11, 26)
#define SQROW11                                                                \
	SQFIRST(11, 12, 23) SQSTEP_FWD(13, 24, FROM11)                         \
	SQSTEP_FWD(14, 25, FROM12) SQSTEP_FWD(15, 26, FROM11) SQTOP(R12, 27)
#define SQROW12                                                                \
	SQFIRST(12, 13, 25) SQSTEP_FWD(14, 26, FROM11)                         \
	SQSTEP_FWD(15, 27, FROM12) SQTOP(R11, 28)
#define SQROW13                                                                \
	SQFIRST(13, 14, 27) SQSTEP_FWD(15, 28, FROM11) SQTOP(R12, 29)
#define SQROW14                                                                \
	SQFIRST(14, 15, 29) SQTOP(R11, 30)
/* T[2i..2i+1] = 2 T[2i..2i+1] + a[i]^2 + carries. */
#define DIAG(i)                                                                \
	"mov 8*" S(i) "(%rsi), %rdx\n\t"                                       \
	"mulx %rdx, %rbx, %r11\n\t"                                            \
	"mov 16*" S(i) "(%rsp), %r12\n\t"                                      \
	"adcx %r12, %r12\n\t"                                                  \
	"adox %rbx, %r12\n\t"                                                  \
	"mov %r12, 16*" S(i) "(%rsp)\n\t"                                      \
	"mov 16*" S(i) "+8(%rsp), %r12\n\t"                                    \
	"adcx %r12, %r12\n\t"                                                  \
	"adox %r11, %r12\n\t"                                                  \
	"mov %r12, 16*" S(i) "+8(%rsp)\n\t"
#define FOR_0_15(X) X(0) FOR_1_15(X)
#define FOR_0_31(X)                                                            \
	FOR_0_15(X) X(16) X(17) X(18) X(19) X(20) X(21) X(22) X(23) X(24)     \
	X(25) X(26) X(27) X(28) X(29) X(30) X(31)
/* Reduction row over T at r13. */
#define RSTEP(j, hin, hout)                                                    \
	"mulx 8*" S(j) "(%rcx), %rbx, " hout "\n\t"                            \
	"adcx 8*" S(j) "(%r13), %rbx\n\t"                                      \
	"adox " hin ", %rbx\n\t"                                               \
	"mov %rbx, 8*" S(j) "(%r13)\n\t"
#define RSTEP_(...) RSTEP(__VA_ARGS__)
#define RSTEP_1_15 STEPS_1_15(RSTEP_)
#define RSTEP_2_15                                                             \
	RSTEP_(2, FROM12) RSTEP_(3, FROM11) RSTEP_(4, FROM12) RSTEP_(5, FROM11) \
	RSTEP_(6, FROM12) RSTEP_(7, FROM11) RSTEP_(8, FROM12) RSTEP_(9, FROM11) \
	RSTEP_(10, FROM12) RSTEP_(11, FROM11) RSTEP_(12, FROM12)               \
	RSTEP_(13, FROM11) RSTEP_(14, FROM12) RSTEP_(15, FROM11)
/* The final subtraction and selection on T[16..31]. */
#define SUBHI(j)                                                               \
	"mov 128+8*" S(j) "(%rsp), %rbx\n\t"                                   \
	"sbb 8*" S(j) "(%rcx), %rbx\n\t"                                       \
	"mov %rbx, 8*" S(j) "(%rdi)\n\t"
#define SELHI(j)                                                               \
	"mov 8*" S(j) "(%rdi), %rbx\n\t"                                       \
	"cmovc 128+8*" S(j) "(%rsp), %rbx\n\t"                                 \
	"mov %rbx, 8*" S(j) "(%rdi)\n\t"

__asm__(".text\n\t"
	".p2align 5\n\t"
	".globl mcx_fp1024_mont_sqr_adx\n\t"
	".type mcx_fp1024_mont_sqr_adx, @function\n"
	"mcx_fp1024_mont_sqr_adx:\n\t"
	".cfi_startproc\n\t"
	"endbr64\n\t"
	"push %rbx\n\t"
	".cfi_adjust_cfa_offset 8\n\t"
	".cfi_offset %rbx, -16\n\t"
	"push %r12\n\t"
	".cfi_adjust_cfa_offset 8\n\t"
	".cfi_offset %r12, -24\n\t"
	"push %r13\n\t"
	".cfi_adjust_cfa_offset 8\n\t"
	".cfi_offset %r13, -32\n\t"
	"push %r14\n\t"
	".cfi_adjust_cfa_offset 8\n\t"
	".cfi_offset %r14, -40\n\t"
	"push %r15\n\t"
	".cfi_adjust_cfa_offset 8\n\t"
	".cfi_offset %r15, -48\n\t"
	"sub $256, %rsp\n\t"
	".cfi_adjust_cfa_offset 256\n\t"
	/* (r, a, m, m0inv) arrive in rdi, rsi, rdx, rcx. */
	"mov %rcx, %r8\n\t"
	"mov %rdx, %rcx\n\t"
	"xor %eax, %eax\n\t" FOR_0_31(ZERO)
	SQROW0 SQROW1 SQROW2 SQROW3 SQROW4 SQROW5 SQROW6 SQROW7 SQROW8
	SQROW9 SQROW10 SQROW11 SQROW12 SQROW13 SQROW14
	"xor %ebx, %ebx\n\t" /* clears CF and OF */
	FOR_0_15(DIAG)
	"mov %rsp, %r13\n\t"
	"mov $16, %r10d\n\t"
	"xor %r14d, %r14d\n\t"
	"mov 0(%rsp), %r15\n\t"
	"2:\n\t"
	"mov %r15, %rdx\n\t"
	"imul %r8, %rdx\n\t"
	"xor %ebx, %ebx\n\t"
	"mulx 0(%rcx), %rbx, %r11\n\t"
	"adcx %r15, %rbx\n\t"
	"mulx 8(%rcx), %rbx, %r12\n\t"
	"adcx 8(%r13), %rbx\n\t"
	"adox %r11, %rbx\n\t"
	"mov %rbx, 8(%r13)\n\t"
	"mov %rbx, %r15\n\t" RSTEP_2_15
	"mov 128(%r13), %rbx\n\t"
	"adcx %r14, %rbx\n\t"
	"adox %r12, %rbx\n\t"
	"mov %rbx, 128(%r13)\n\t"
	"mov $0, %r14d\n\t"
	"adcx %rax, %r14\n\t"
	"adox %rax, %r14\n\t"
	"add $8, %r13\n\t"
	"dec %r10d\n\t"
	"jnz 2b\n\t"
	/* r = T[16..31] + r14 2^1024 - m; CF then says whether to keep T. */
	"mov 128(%rsp), %rbx\n\t"
	"sub 0(%rcx), %rbx\n\t"
	"mov %rbx, 0(%rdi)\n\t" FOR_1_15(SUBHI)
	"sbb $0, %r14\n\t" FOR_0_15(SELHI)
	FOR_0_31(ZERO)
	"xor %ebx, %ebx\n\t"
	"xor %edx, %edx\n\t"
	"xor %r11d, %r11d\n\t"
	"xor %r12d, %r12d\n\t"
	"add $256, %rsp\n\t"
	".cfi_adjust_cfa_offset -256\n\t"
	"xor %r15d, %r15d\n\t"
	"pop %r15\n\t"
	".cfi_adjust_cfa_offset -8\n\t"
	"pop %r14\n\t"
	".cfi_adjust_cfa_offset -8\n\t"
	"pop %r13\n\t"
	".cfi_adjust_cfa_offset -8\n\t"
	"pop %r12\n\t"
	".cfi_adjust_cfa_offset -8\n\t"
	"pop %rbx\n\t"
	".cfi_adjust_cfa_offset -8\n\t"
	"ret\n\t"
	".cfi_endproc\n\t"
	".size mcx_fp1024_mont_sqr_adx, .-mcx_fp1024_mont_sqr_adx\n\t");

/*
 * Lazy-reduction kernels.  mul_wide: 16 rows of t += a b[i] 2^(64 i)
 * straight into the caller's 32 limbs (r13 walks t, r9 walks b).  redc:
 * the squaring's reduction rows on a stack copy of t, then two masked
 * subtractions, since t may be as large as 2m 2^1024 (result < 3m).
 */
/* Row step over the output at r13. */
#define WSTEP(j, hin, hout)                                                    \
	"mulx 8*" S(j) "(%rsi), %rbx, " hout "\n\t"                            \
	"adcx 8*" S(j) "(%r13), %rbx\n\t"                                      \
	"adox " hin ", %rbx\n\t"                                               \
	"mov %rbx, 8*" S(j) "(%r13)\n\t"
#define WSTEP_(...) WSTEP(__VA_ARGS__)
#define ZEROT(j) "mov %rax, 8*" S(j) "(%rdi)\n\t"

__asm__(".text\n\t"
	".p2align 5\n\t"
	".globl mcx_fp1024_mul_wide_adx\n\t"
	".type mcx_fp1024_mul_wide_adx, @function\n"
	"mcx_fp1024_mul_wide_adx:\n\t"
	".cfi_startproc\n\t"
	"endbr64\n\t"
	"push %rbx\n\t"
	".cfi_adjust_cfa_offset 8\n\t"
	".cfi_offset %rbx, -16\n\t"
	"push %r12\n\t"
	".cfi_adjust_cfa_offset 8\n\t"
	".cfi_offset %r12, -24\n\t"
	"push %r13\n\t"
	".cfi_adjust_cfa_offset 8\n\t"
	".cfi_offset %r13, -32\n\t"
	/* (t, a, b) arrive in rdi, rsi, rdx. */
	"mov %rdx, %r9\n\t"
	"xor %eax, %eax\n\t" FOR_0_31(ZEROT)
	"mov %rdi, %r13\n\t"
	"mov $16, %r10d\n\t"
	"3:\n\t"
	"mov (%r9), %rdx\n\t"
	"xor %ebx, %ebx\n\t"
	"mulx 0(%rsi), %rbx, %r11\n\t"
	"adcx 0(%r13), %rbx\n\t"
	"mov %rbx, 0(%r13)\n\t" STEPS_1_15(WSTEP_)
	/* Limb i + 16 is still zero. */
	"mov %r12, %rbx\n\t"
	"adcx %rax, %rbx\n\t"
	"adox %rax, %rbx\n\t"
	"mov %rbx, 128(%r13)\n\t"
	"add $8, %r13\n\t"
	"add $8, %r9\n\t"
	"dec %r10d\n\t"
	"jnz 3b\n\t"
	"xor %ebx, %ebx\n\t"
	"xor %edx, %edx\n\t"
	"xor %r11d, %r11d\n\t"
	"xor %r12d, %r12d\n\t"
	"pop %r13\n\t"
	".cfi_adjust_cfa_offset -8\n\t"
	"pop %r12\n\t"
	".cfi_adjust_cfa_offset -8\n\t"
	"pop %rbx\n\t"
	".cfi_adjust_cfa_offset -8\n\t"
	"ret\n\t"
	".cfi_endproc\n\t"
	".size mcx_fp1024_mul_wide_adx, .-mcx_fp1024_mul_wide_adx\n\t");

/* Copy limb j of t to the stack. */
#define COPYT(j)                                                               \
	"mov 8*" S(j) "(%rsi), %rbx\n\t"                                       \
	"mov %rbx, 8*" S(j) "(%rsp)\n\t"
/* Second subtraction: T[16+j] = r[j] - m[j]; then r = T[16..] unless it
 * borrowed. */
#define SUB2(j)                                                                \
	"mov 8*" S(j) "(%rdi), %rbx\n\t"                                       \
	"sbb 8*" S(j) "(%rcx), %rbx\n\t"                                       \
	"mov %rbx, 128+8*" S(j) "(%rsp)\n\t"
#define SEL2(j)                                                                \
	"mov 128+8*" S(j) "(%rsp), %rbx\n\t"                                   \
	"cmovc 8*" S(j) "(%rdi), %rbx\n\t"                                     \
	"mov %rbx, 8*" S(j) "(%rdi)\n\t"

__asm__(".text\n\t"
	".p2align 5\n\t"
	".globl mcx_fp1024_redc_adx\n\t"
	".type mcx_fp1024_redc_adx, @function\n"
	"mcx_fp1024_redc_adx:\n\t"
	".cfi_startproc\n\t"
	"endbr64\n\t"
	"push %rbx\n\t"
	".cfi_adjust_cfa_offset 8\n\t"
	".cfi_offset %rbx, -16\n\t"
	"push %r12\n\t"
	".cfi_adjust_cfa_offset 8\n\t"
	".cfi_offset %r12, -24\n\t"
	"push %r13\n\t"
	".cfi_adjust_cfa_offset 8\n\t"
	".cfi_offset %r13, -32\n\t"
	"push %r14\n\t"
	".cfi_adjust_cfa_offset 8\n\t"
	".cfi_offset %r14, -40\n\t"
	"push %r15\n\t"
	".cfi_adjust_cfa_offset 8\n\t"
	".cfi_offset %r15, -48\n\t"
	"sub $256, %rsp\n\t"
	".cfi_adjust_cfa_offset 256\n\t"
	/* (r, t, m, m0inv) arrive in rdi, rsi, rdx, rcx. */
	"mov %rcx, %r8\n\t"
	"mov %rdx, %rcx\n\t"
	"xor %eax, %eax\n\t" FOR_0_31(COPYT)
	"mov %rsp, %r13\n\t"
	"mov $16, %r10d\n\t"
	"xor %r14d, %r14d\n\t"
	"mov 0(%rsp), %r15\n\t"
	"2:\n\t"
	"mov %r15, %rdx\n\t"
	"imul %r8, %rdx\n\t"
	"xor %ebx, %ebx\n\t"
	"mulx 0(%rcx), %rbx, %r11\n\t"
	"adcx %r15, %rbx\n\t"
	"mulx 8(%rcx), %rbx, %r12\n\t"
	"adcx 8(%r13), %rbx\n\t"
	"adox %r11, %rbx\n\t"
	"mov %rbx, 8(%r13)\n\t"
	"mov %rbx, %r15\n\t" RSTEP_2_15
	"mov 128(%r13), %rbx\n\t"
	"adcx %r14, %rbx\n\t"
	"adox %r12, %rbx\n\t"
	"mov %rbx, 128(%r13)\n\t"
	"mov $0, %r14d\n\t"
	"adcx %rax, %r14\n\t"
	"adox %rax, %r14\n\t"
	"add $8, %r13\n\t"
	"dec %r10d\n\t"
	"jnz 2b\n\t"
	/* v = T[16..31] + r14 2^1024 < 3m: r = v - m unless v < m ... */
	"mov 128(%rsp), %rbx\n\t"
	"sub 0(%rcx), %rbx\n\t"
	"mov %rbx, 0(%rdi)\n\t" FOR_1_15(SUBHI)
	"sbb $0, %r14\n\t" FOR_0_15(SELHI)
	/* ... then r = r - m unless r < m. */
	"mov 0(%rdi), %rbx\n\t"
	"sub 0(%rcx), %rbx\n\t"
	"mov %rbx, 128(%rsp)\n\t" FOR_1_15(SUB2) FOR_0_15(SEL2)
	FOR_0_31(ZERO)
	"xor %ebx, %ebx\n\t"
	"xor %edx, %edx\n\t"
	"xor %r11d, %r11d\n\t"
	"xor %r12d, %r12d\n\t"
	"add $256, %rsp\n\t"
	".cfi_adjust_cfa_offset -256\n\t"
	"xor %r15d, %r15d\n\t"
	"pop %r15\n\t"
	".cfi_adjust_cfa_offset -8\n\t"
	"pop %r14\n\t"
	".cfi_adjust_cfa_offset -8\n\t"
	"pop %r13\n\t"
	".cfi_adjust_cfa_offset -8\n\t"
	"pop %r12\n\t"
	".cfi_adjust_cfa_offset -8\n\t"
	"pop %rbx\n\t"
	".cfi_adjust_cfa_offset -8\n\t"
	"ret\n\t"
	".cfi_endproc\n\t"
	".size mcx_fp1024_redc_adx, .-mcx_fp1024_redc_adx\n\t");
// clang-format on

#endif /* MCX_HAVE_FP1024_ADX */
