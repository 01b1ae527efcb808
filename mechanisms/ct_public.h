/*
 * Declassification points of the constant-time discipline (issue 3).
 *
 * A function computed from secrets sometimes has to branch on a verdict the
 * API reports anyway (a point is not on the curve, an RSK is not of order
 * q, the re-encapsulation check failed).  MCX_CT_PUBLIC(p, n) states, at
 * the exact place of that branch, that the n octets at p are public from
 * here on.  Under valgrind memcheck it marks them defined (the ctgrind
 * technique of tests/ct/: secrets are undefined there), so every other
 * branch and address in the same function is still checked, instead of a
 * suppression that would cover the whole function.  Outside valgrind the
 * client request is a short no-op instruction sequence (valgrind.h's
 * "special instruction preamble"); without valgrind/memcheck.h at build
 * time the macro is empty.  The same idea as BoringSSL's
 * CONSTTIME_DECLASSIFY.
 *
 * Use it only on values that leave the function as an error code or a
 * documented public result, never on data.
 */
#ifndef MCX_MECHANISMS_CT_PUBLIC_H
#define MCX_MECHANISMS_CT_PUBLIC_H

#include "config.h"

#ifdef HAVE_VALGRIND_MEMCHECK_H
#include <valgrind/memcheck.h>
#define MCX_CT_PUBLIC(p, n) ((void)VALGRIND_MAKE_MEM_DEFINED((p), (n)))
#else
#define MCX_CT_PUBLIC(p, n) ((void)(p), (void)(n))
#endif

#endif /* MCX_MECHANISMS_CT_PUBLIC_H */
