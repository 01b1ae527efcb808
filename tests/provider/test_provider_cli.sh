#!/bin/sh
# The provider through the openssl command (issue 7): `openssl list
# -providers` shows it; `openssl storeutl` / `openssl pkey -text` find and
# print the token's keys by pkcs11: URI through our loader (-propquery
# provider=mcxhsm), with the PIN from the URI's pin-source or the provider's configuration; a wrong
# PIN and a malformed URI fail.  Under ASan the uninstrumented openssl
# binary gets the ASan runtime and a no-op dlclose preloaded, with leak
# detection on.
set -u
. "$MCXHSM_SRCDIR/tests/p11env.sh"
p11env_require_prog openssl

DIR=$("$MCXHSM_BUILDDIR/tests/provider/prov_setup") || p11env_fail "prov_setup"
trap 'rm -rf "$DIR"' EXIT
MCXHSM_CONF=$DIR/mcxhsm.conf
MCXHSM_PROVIDER_MODULE=$MCXHSM_MODULE
export MCXHSM_CONF MCXHSM_PROVIDER_MODULE
unset MCXHSM_PROVIDER_PIN_SOURCE
PROV="-provider-path $MCXHSM_BUILDDIR/provider/.libs -provider mcxhsm -provider default"

ossl()
{
	if [ "${MCXHSM_SANITIZERS:-}" = 1 ]; then
		LD_PRELOAD=$MCXHSM_ASAN_PRELOAD:$MCXHSM_BUILDDIR/tests/provider/.libs/fake_dlclose.so \
			ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
			timeout 60 openssl "$@"
	else
		timeout 60 openssl "$@"
	fi
}

out=$(ossl list -providers $PROV 2>&1) || p11env_fail "list -providers: $out"
printf '%s\n' "$out" | grep -q "name: mcxhsm" || p11env_fail "provider not listed: $out"
printf '%s\n' "$out" | grep -A3 "mcxhsm" | grep -q "status: active" ||
	p11env_fail "provider not active: $out"

# the module is loaded on first use, not when the provider is
out=$(MCXHSM_PROVIDER_DEBUG=$DIR/debug.log ossl list -providers $PROV 2>&1) ||
	p11env_fail "list: $out"
grep -q "provider loaded" "$DIR/debug.log" || p11env_fail "no debug log"
grep -q "C_Initialize" "$DIR/debug.log" && p11env_fail "module loaded by list"
out=$(MCXHSM_PROVIDER_DEBUG=$DIR/debug.log ossl storeutl -noout $PROV \
	-propquery provider=mcxhsm "pkcs11:token=mcx-prov?pin-value=user-secret-7" 2>&1)
grep -q "C_Initialize" "$DIR/debug.log" || p11env_fail "no C_Initialize logged"
grep -q "C_Login(slot [0-9]*) = 0x0" "$DIR/debug.log" || p11env_fail "no login logged"
grep -q "user-secret-7" "$DIR/debug.log" && p11env_fail "the PIN reached the log"

# the private ECCSI key, PIN from the URI
U="pkcs11:token=mcx-prov;object=gms-eccsi?pin-source=file:$DIR/user.pin"
out=$(ossl storeutl -noout -keys $PROV -propquery provider=mcxhsm "$U" 2>&1) ||
	p11env_fail "storeutl $U: $out"
printf '%s\n' "$out" | grep -q "^0: Pkey" || p11env_fail "no private key: $out"
printf '%s\n' "$out" | grep -q "Total found: 1" || p11env_fail "not one key: $out"

# the PIN as the URI's pin-value (RFC 7512 §2.4)
out=$(ossl storeutl -noout -keys $PROV -propquery provider=mcxhsm \
	"pkcs11:token=mcx-prov;object=alice-sakke?pin-value=user-secret-7" 2>&1)
printf '%s\n' "$out" | grep -q "Total found: 1" || p11env_fail "pin-value: $out"

# the text encoder: public parts only
out=$(ossl storeutl -text -noout $PROV -propquery provider=mcxhsm \
	"pkcs11:token=mcx-prov;object=alice-sakke?pin-source=file:$DIR/user.pin" 2>&1)
printf '%s\n' "$out" | grep -q "SAKKE private key (RSK, in the token)" ||
	p11env_fail "storeutl -text: $out"
printf '%s\n' "$out" | grep -q "allow-ssv-export: yes" || p11env_fail "policy not shown: $out"
out=$(ossl pkey $PROV -propquery provider=mcxhsm -pubin -text -noout \
	-in "pkcs11:token=mcx-prov;object=kms-eccsi" 2>&1) || p11env_fail "pkey -text: $out"
printf '%s\n' "$out" | grep -q "ECCSI KMS public key (KPAK)" || p11env_fail "pkey -text: $out"

# every key of the token, PIN from the provider's configuration
out=$(MCXHSM_PROVIDER_PIN_SOURCE=file:$DIR/user.pin \
	ossl storeutl -noout $PROV -propquery provider=mcxhsm "pkcs11:token=mcx-prov" 2>&1) ||
	p11env_fail "storeutl all: $out"
printf '%s\n' "$out" | grep -q "Total found: 6" || p11env_fail "not 6 keys: $out"
[ "$(printf '%s\n' "$out" | grep -c "Public key")" = 2 ] || p11env_fail "not 2 public: $out"

# without a PIN only the public objects
out=$(ossl storeutl -noout $PROV -propquery provider=mcxhsm "pkcs11:token=mcx-prov" </dev/null 2>&1)
printf '%s\n' "$out" | grep -q "Total found: 2" || p11env_fail "public only: $out"

# a wrong PIN fails with the token's reason
printf 'wrong-pin\n' >"$DIR/bad.pin"
# (storeutl 3.0 reports load errors but exits 0: judge by the output)
out=$(ossl storeutl -noout -keys $PROV -propquery provider=mcxhsm \
	"pkcs11:token=mcx-prov?pin-source=file:$DIR/bad.pin" 2>&1)
printf '%s\n' "$out" | grep -q "C_Login: CKR_PIN_INCORRECT" ||
	p11env_fail "no CKR_PIN_INCORRECT: $out"
printf '%s\n' "$out" | grep -q "Total found: 0" || p11env_fail "wrong PIN found keys: $out"

# a URI RFC 7512 does not allow
out=$(ossl storeutl -noout $PROV -propquery provider=mcxhsm "pkcs11:token=mcx-prov;bogus=1" 2>&1) &&
	p11env_fail "bad URI accepted: $out"
printf '%s\n' "$out" | grep -q "invalid pkcs11 URI" || p11env_fail "no URI error: $out"
# a module that cannot be loaded: the provider still loads, the store
# says why it finds nothing
out=$(MCXHSM_PROVIDER_MODULE=$DIR/no-such-module.so ossl storeutl -noout $PROV \
	-propquery provider=mcxhsm "pkcs11:token=mcx-prov" 2>&1)
printf '%s\n' "$out" | grep -q "PKCS#11 module not available" ||
	p11env_fail "missing module: $out"

# configuration from openssl.cnf instead of the environment
cat >"$DIR/openssl.cnf" <<CNF
openssl_conf = conf
[conf]
providers = provs
[provs]
default = default_sect
mcxhsm = mcxhsm_sect
[default_sect]
activate = 1
[mcxhsm_sect]
module = $MCXHSM_BUILDDIR/provider/.libs/mcxhsm.so
pkcs11-module-path = $MCXHSM_MODULE
pin-source = file:$DIR/user.pin
activate = 1
CNF
out=$(env -u MCXHSM_PROVIDER_MODULE OPENSSL_CONF="$DIR/openssl.cnf" \
	sh -c '. "$MCXHSM_SRCDIR/tests/p11env.sh"; P11_TARGET=mcxhsm; p11env_run openssl storeutl -noout -keys -propquery provider=mcxhsm "pkcs11:token=mcx-prov"' 2>&1)
printf '%s\n' "$out" | grep -q "Total found: 4" || p11env_fail "openssl.cnf: $out"
echo "PASS"
