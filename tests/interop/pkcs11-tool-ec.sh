#!/bin/sh
# OpenSC pkcs11-tool --test-ec against our module (issue 2): generates an EC
# P-256 key pair in a R/W session, reads CKA_EC_PARAMS/CKA_EC_POINT, changes
# CKA_ID of both keys, signs (including the C_Sign length query and a
# too-small buffer), changes CKA_LABEL/CKA_ID/CKA_SUBJECT of the public key
# and destroys both.  pkcs11-tool 0.23 signs with CKM_ECDSA_SHA1, fixed in
# its code, so the token must offer that mechanism for signing.
# pkcs11-tool returns 0 from several failed paths of test_ec ("ERR: ..."),
# so the test also needs its final "==> OK".
. "${MCXHSM_SRCDIR:-$(dirname "$0")/../..}/tests/p11env.sh"

p11env_require_prog pkcs11-tool
p11env_setup
p11env_module_ready || p11env_fail "C_GetFunctionList/C_Initialize"
p11env_init_token interop-ec 12345678 123456

OUT=$P11_DIR/out
rc=0
p11env_tool --token-label interop-ec --login --pin 123456 --session-rw \
	--test-ec --id 02 --key-type EC:prime256v1 >"$OUT" 2>&1 || rc=$?
cat "$OUT"
[ "$rc" -eq 0 ] || p11env_fail "--test-ec: pkcs11-tool exit status $rc"
grep -q "==> OK" "$OUT" || p11env_fail "--test-ec: no \"==> OK\""
if grep -q -E "ERR:|error:|warning:|Aborting" "$OUT"; then
	p11env_fail "--test-ec: error or warning reported"
fi
echo "PASS"
