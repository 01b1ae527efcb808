#!/bin/sh
# Attribute semantics of our token, probed with PyKCS11 (issue 2):
# tests/interop/attr_semantics.py --check fails unless every answer is one
# PKCS#11 3.0 allows.  The system python3 has python3-pykcs11 (the pyenv
# python3 on PATH does not): $SYSTEM_PYTHON3.
. "${MCXHSM_SRCDIR:-$(dirname "$0")/../..}/tests/p11env.sh"

PY=${SYSTEM_PYTHON3:-/usr/bin/python3}
p11env_require_prog pkcs11-tool "$PY"
"$PY" -c 'import PyKCS11, cryptography' 2>/dev/null || {
	echo "SKIP: $PY lacks PyKCS11 or cryptography" >&2
	exit 77
}
p11env_setup
p11env_module_ready || p11env_fail "C_GetFunctionList/C_Initialize"
p11env_init_token attr 12345678 123456

rc=0
p11env_run "$PY" "$MCXHSM_SRCDIR/tests/interop/attr_semantics.py" \
	--module "$P11_MODULE" --token attr --pin 123456 \
	--out "$P11_DIR/answers.txt" --check || rc=$?
cat "$P11_DIR/answers.txt"
[ "$rc" -eq 0 ] || p11env_fail "answers PKCS#11 3.0 does not allow (above)"
echo "PASS"
