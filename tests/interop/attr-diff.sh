#!/bin/sh
# Differential run of tests/interop/attr_semantics.py (issue 2): the same
# probes against our token and against SoftHSMv2 (Debian softhsm2 2.6.1).
# The answers must match, or differ only where attr_semantics.py's
# SOFTHSM_KNOWN_DIFFERENCES names the PKCS#11 3.0 rule SoftHSMv2 gets wrong
# and ours gives the answer PKCS#11 3.0 allows.
. "${MCXHSM_SRCDIR:-$(dirname "$0")/../..}/tests/p11env.sh"

PY=${SYSTEM_PYTHON3:-/usr/bin/python3}
SCRIPT=$MCXHSM_SRCDIR/tests/interop/attr_semantics.py
p11env_require_prog pkcs11-tool "$PY"
"$PY" -c 'import PyKCS11, cryptography' 2>/dev/null || {
	echo "SKIP: $PY lacks PyKCS11 or cryptography" >&2
	exit 77
}
RESULTS=$(mktemp -d "${TMPDIR:-/tmp}/mcxhsm-attrdiff.XXXXXX") ||
	p11env_fail "mktemp"

# One transcript per token, each in its own environment (subshell).
for target in softhsm mcxhsm; do
	(
		p11env_setup $target
		p11env_module_ready || p11env_fail "$target: C_Initialize"
		p11env_init_token attr 12345678 123456
		p11env_run "$PY" "$SCRIPT" --module "$P11_MODULE" --token attr \
			--pin 123456 --out "$RESULTS/$target.txt"
	) || {
		rc=$?
		rm -rf "$RESULTS"
		[ $rc -eq 77 ] && exit 77
		p11env_fail "$target: probes did not run"
	}
done
rc=0
"$PY" "$SCRIPT" --compare "$RESULTS/mcxhsm.txt" "$RESULTS/softhsm.txt" || rc=$?
if [ $rc -ne 0 ]; then
	diff -u "$RESULTS/softhsm.txt" "$RESULTS/mcxhsm.txt"
fi
rm -rf "$RESULTS"
[ $rc -eq 0 ] || p11env_fail "differences not in the known-differences table"
echo "PASS"
