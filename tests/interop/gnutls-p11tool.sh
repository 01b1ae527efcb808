#!/bin/sh
# GnuTLS p11tool against our module (issue 2): --list-all shows the objects
# of our token with their pkcs11: URIs, and --test-sign signs with an ECDSA
# P-256 private key in the token and verifies with both the private key's
# parameters and the public key object (GnuTLS drives CKM_ECDSA itself).
. "${MCXHSM_SRCDIR:-$(dirname "$0")/../..}/tests/p11env.sh"

p11env_require_prog pkcs11-tool p11tool
p11env_setup
p11env_module_ready || p11env_fail "C_GetFunctionList/C_Initialize"

LABEL=interop
PIN=123456
p11env_init_token "$LABEL" 12345678 "$PIN"
p11env_tool --token-label "$LABEL" --login --pin "$PIN" --keypairgen \
	--key-type EC:prime256v1 --id 01 --label gnutls-ec >/dev/null ||
	p11env_fail "EC P-256 key pair generation"

GNUTLS_PIN=$PIN
export GNUTLS_PIN
OUT=$P11_DIR/out

echo "== p11tool --list-all --login"
rc=0
p11env_run p11tool --provider "$P11_MODULE" --list-all --login \
	"pkcs11:token=$LABEL" >"$OUT" 2>&1 || rc=$?
cat "$OUT"
[ "$rc" -eq 0 ] || p11env_fail "p11tool --list-all: exit status $rc"
grep -q "token=$LABEL;id=%01;object=gnutls-ec;type=private" "$OUT" ||
	p11env_fail "--list-all does not show the private key's URI"
grep -q "token=$LABEL;id=%01;object=gnutls-ec;type=public" "$OUT" ||
	p11env_fail "--list-all does not show the public key's URI"
grep -q "Type: Private key (EC/ECDSA-SECP256R1)" "$OUT" ||
	p11env_fail "--list-all does not show an EC P-256 private key"

echo "== p11tool --list-all without login (private objects hidden)"
rc=0
p11env_run p11tool --provider "$P11_MODULE" --list-all \
	"pkcs11:token=$LABEL" >"$OUT" 2>&1 || rc=$?
cat "$OUT"
[ "$rc" -eq 0 ] || p11env_fail "p11tool --list-all (public): exit status $rc"
if grep -q "type=private" "$OUT"; then
	p11env_fail "private key visible without login (CKA_PRIVATE)"
fi
grep -q "object=gnutls-ec;type=public" "$OUT" ||
	p11env_fail "public key not listed without login"

echo "== p11tool --test-sign"
rc=0
p11env_run p11tool --provider "$P11_MODULE" --login --test-sign \
	"pkcs11:token=$LABEL;object=gnutls-ec;type=private" >"$OUT" 2>&1 || rc=$?
cat "$OUT"
[ "$rc" -eq 0 ] || p11env_fail "p11tool --test-sign: exit status $rc"
grep -q "Verifying against public key in the token... ok" "$OUT" ||
	p11env_fail "--test-sign did not verify against the token's public key"
echo "PASS"
