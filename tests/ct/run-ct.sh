#!/bin/sh
# Constant-time test (issue 3): ct_main runs every secret path with the
# secrets marked undefined; under valgrind memcheck any branch or memory
# address that depends on a secret is a report, and any report fails the
# test (--error-exitcode=1).  In the ASan+UBSan build the same program runs
# without valgrind, as a memory-safety check of the same paths.
# Skips (77) only when valgrind or valgrind/memcheck.h is missing.
ct="${MCXHSM_BUILDDIR:-.}/tests/ct/ct_main"

if [ -n "$MCXHSM_SANITIZERS" ]; then
	exec "$ct" secrets
fi
if [ -z "$VALGRIND" ]; then
	echo "valgrind not found: skipping" >&2
	exit 77
fi
"$ct" have-memcheck || { echo "built without valgrind/memcheck.h: skipping" >&2; exit 77; }
# One pass covers both kernels: the kernel cases call the portable and the
# ADX kernel directly, and the code above them (field, curve, pairing,
# SAKKE) is the same C whichever kernel it calls, so it runs once, on the
# kernel production would pick.  Valgrind's CPUID hides ADX, so that kernel
# is forced (MCXHSM_FP1024=adx) when the real CPU has it.
MCXHSM_FP1024=portable
if grep -qw adx /proc/cpuinfo 2>/dev/null &&
	grep -qw bmi2 /proc/cpuinfo 2>/dev/null; then
	MCXHSM_FP1024=adx
fi
export MCXHSM_FP1024
echo "# field kernel: $MCXHSM_FP1024"
exec "$VALGRIND" -q --error-exitcode=1 --track-origins=yes \
	--suppressions="${MCXHSM_SRCDIR:-.}/tests/ct/ct.supp" \
	"$ct" secrets
