/*
 * Constant-time harness (the ctgrind technique, A. Langley 2010): secrets
 * are marked undefined with valgrind memcheck client requests, so that
 * memcheck reports every conditional branch and every memory address that
 * depends on them ("Conditional jump or move depends on uninitialised
 * value", "Use of uninitialised value of size 8").  Results are marked
 * defined again (declassified) before the harness compares them; each such
 * point is a deliberate, commented declassification.
 *
 * Outside valgrind the client requests are no-ops, so the same program
 * runs under ASan+UBSan as a plain memory-safety check of the same paths.
 */
#ifndef MCX_TESTS_CT_CT_H
#define MCX_TESTS_CT_CT_H

#include <stddef.h>

#include "config.h"

#ifdef HAVE_VALGRIND_MEMCHECK_H
#include <valgrind/memcheck.h>
#define CT_HAVE_MEMCHECK 1
#define CT_SECRET(p, n)	 ((void)VALGRIND_MAKE_MEM_UNDEFINED((p), (n)))
#define CT_PUBLIC(p, n)	 ((void)VALGRIND_MAKE_MEM_DEFINED((p), (n)))
#else
#define CT_HAVE_MEMCHECK 0
#define CT_SECRET(p, n)	 ((void)(p), (void)(n))
#define CT_PUBLIC(p, n)	 ((void)(p), (void)(n))
#endif

/* One group of secret paths; returns 0, or 1 after printing why a result
 * was wrong (a functional failure, distinct from memcheck's reports). */
struct ct_case {
	const char *name;
	int (*run)(void);
};

/* Case tables, each ended by { NULL, NULL }: the kernels (ct_main.c) and
 * one table per unit under test (ct_<unit>.c). */
extern const struct ct_case ct_kernel_cases[];
extern const struct ct_case ct_eccsi_cases[];
extern const struct ct_case ct_sakke_cases[];
extern const struct ct_case ct_mikey_cases[];

/* Deterministic filler for test inputs (xorshift64; not a secret source:
 * the harness only needs values, memcheck supplies the secrecy). */
void ct_fill(void *p, size_t n);

#endif /* MCX_TESTS_CT_CT_H */
