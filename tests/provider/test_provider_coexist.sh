#!/bin/sh
# mcxhsm and latchset/pkcs11-provider loaded together (issue 7): both
# register the "pkcs11" store scheme; with -propquery provider=mcxhsm our
# loader answers and hands over the MCX keys, and `openssl list` shows both
# providers active.  pkcs11-provider is pointed at our module too.  Skips
# (77) when pkcs11-provider is not installed (Debian bookworm has it only
# in bookworm-backports).
set -u
. "$MCXHSM_SRCDIR/tests/p11env.sh"
p11env_require_prog openssl
MODDIR=$(openssl version -m | sed -n 's/^MODULESDIR: "\(.*\)"$/\1/p')
if [ ! -f "$MODDIR/pkcs11.so" ]; then
	echo "SKIP: pkcs11-provider ($MODDIR/pkcs11.so) not installed" >&2
	exit 77
fi

DIR=$("$MCXHSM_BUILDDIR/tests/provider/prov_setup") || p11env_fail "prov_setup"
trap 'rm -rf "$DIR"' EXIT
MCXHSM_CONF=$DIR/mcxhsm.conf
MCXHSM_PROVIDER_MODULE=$MCXHSM_MODULE
MCXHSM_PROVIDER_PIN_SOURCE=file:$DIR/user.pin
PKCS11_PROVIDER_MODULE=$MCXHSM_MODULE
export MCXHSM_CONF MCXHSM_PROVIDER_MODULE MCXHSM_PROVIDER_PIN_SOURCE \
	PKCS11_PROVIDER_MODULE
# our provider from the build tree, pkcs11-provider from the system one:
# a config file names both by path
cat >"$DIR/openssl.cnf" <<CNF
openssl_conf = conf
[conf]
providers = provs
[provs]
default = default_sect
pkcs11 = pkcs11_sect
mcxhsm = mcxhsm_sect
[default_sect]
activate = 1
[pkcs11_sect]
module = $MODDIR/pkcs11.so
activate = 1
[mcxhsm_sect]
module = $MCXHSM_BUILDDIR/provider/.libs/mcxhsm.so
activate = 1
CNF
OPENSSL_CONF=$DIR/openssl.cnf
export OPENSSL_CONF

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

out=$(ossl list -providers 2>&1) || p11env_fail "list: $out"
[ "$(printf '%s\n' "$out" | grep -c "status: active")" -ge 3 ] ||
	p11env_fail "not all providers active: $out"
out=$(ossl list -key-managers -propquery provider=mcxhsm 2>&1)
printf '%s\n' "$out" | grep -q "ECCSI" || p11env_fail "no ECCSI key manager: $out"
out=$(ossl storeutl -noout -propquery provider=mcxhsm "pkcs11:token=mcx-prov" 2>&1)
printf '%s\n' "$out" | grep -q "Total found: 6" || p11env_fail "mcxhsm store: $out"
echo "PASS"
