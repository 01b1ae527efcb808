#!/bin/sh
# Proof that the constant-time harness can fail: ct_main's deliberately
# variable-time functions (a branch on a secret bit, a table index from a
# secret, a Montgomery product with a branching final subtraction) must
# each draw a memcheck report under exactly the options of run-ct.sh.
# Fails if any one passes unreported.
ct="${MCXHSM_BUILDDIR:-.}/tests/ct/ct_main"

if [ -n "$MCXHSM_SANITIZERS" ]; then
	echo "valgrind tests skip in the sanitizer build" >&2
	exit 77
fi
if [ -z "$VALGRIND" ]; then
	echo "valgrind not found: skipping" >&2
	exit 77
fi
"$ct" have-memcheck || { echo "built without valgrind/memcheck.h: skipping" >&2; exit 77; }
status=0
for mode in leak-branch:"Conditional jump or move depends on uninitialised" \
	leak-index:"Use of uninitialised value of size" \
	leak-montgomery:"Conditional jump or move depends on uninitialised"; do
	arg=${mode%%:*}
	want=${mode#*:}
	log=$(mktemp)
	"$VALGRIND" -q --error-exitcode=1 --track-origins=yes \
		--suppressions="${MCXHSM_SRCDIR:-.}/tests/ct/ct.supp" \
		"$ct" "$arg" >"$log" 2>&1
	rc=$?
	if [ $rc -ne 1 ] || ! grep -q "$want" "$log"; then
		echo "FAIL: $arg was not reported (exit $rc):" >&2
		cat "$log" >&2
		status=1
	else
		echo "ok: $arg reported by memcheck"
	fi
	rm -f "$log"
done
exit $status
