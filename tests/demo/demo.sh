#!/bin/bash
# The mcxhsm demo (./quickstart demo): an embedded default token under
# VAR_DIR, driven by the ecosystem's own clients and the admin tool.
#
#   tests/demo/demo.sh BUILD_DIR VAR_DIR [--members N] [--no-story]
#
# First the token basics (issue 2) on one token; then the whole MCX story
# (tests/demo/story.sh: KMS, GMS, partner GMS and N users, default 50, each
# with its own token) unless --no-story.
# Each run starts from a fresh VAR_DIR/tokens, so running it twice works.
# MCXHSM_DEMO_MODULE overrides the module (e.g. SoftHSMv2, to compare; the
# story needs ours and is skipped then).
set -euo pipefail
trap 'echo "demo: failed at line $LINENO: $BASH_COMMAND" >&2' ERR

[ $# -ge 2 ] || { echo "usage: $0 BUILD_DIR VAR_DIR [--members N] [--no-story]" >&2; exit 2; }
build=$(cd "$1" && pwd)
mkdir -p "$2"
var=$(cd "$2" && pwd)
src=$(cd "$(dirname "$0")/../.." && pwd)
shift 2
story=(--members 50)
while [ $# -gt 0 ]; do
	case $1 in
	--members) story=(--members "$2"); shift 2 ;;
	--no-story) story=(); shift ;;
	*) echo "demo: unknown option $1" >&2; exit 2 ;;
	esac
done
[ -z "${MCXHSM_DEMO_MODULE:-}" ] || story=()

export MCXHSM_MODULE="${MCXHSM_DEMO_MODULE:-$build/token/.libs/libmcxhsm.so}"
export MCXHSM_CONF="$var/mcxhsm.conf"
tool="$build/admin/mcxhsm"
# In the ASan build (make check), programs we do not build need the ASan
# runtime preloaded to load the instrumented module; their own leaks are
# not ours (libstdc++ preloaded too, for PyKCS11's C++ exceptions).
if [ -n "${MCXHSM_ASAN_PRELOAD:-}" ]; then
	ext_env=(env LD_PRELOAD="$MCXHSM_ASAN_PRELOAD libstdc++.so.6"
		ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0")
else
	ext_env=()
fi
py() { "${ext_env[@]}" /usr/bin/python3 "$@"; }
# pkcs11-tool on the demo token (not the empty slot), without its
# "Using slot" chatter.
p11() {
	"${ext_env[@]}" pkcs11-tool --module "$MCXHSM_MODULE" \
		--token-label demo "$@" 2>&1 | { grep -v '^Using slot\|^$' || true; }
}
section() { printf '\n== %s\n' "$*"; }
indent() { sed 's/^/  /'; }

section "Embedded default token under $var"
rm -rf "$var/tokens"
mkdir -p "$var/tokens"
chmod 700 "$var" "$var/tokens"
printf 'token_dir = %s\n' "$var/tokens" >"$MCXHSM_CONF"
# Demo PINs, in files only the owner can read (never on a command line).
umask 077
printf 'demo-so-pin-%s\n' "$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')" >"$var/so.pin"
printf 'demo-user-pin-%s\n' "$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')" >"$var/user.pin"
pin=$(head -n1 "$var/user.pin")
echo "  module:  $MCXHSM_MODULE"
echo "  config:  $MCXHSM_CONF ($(cat "$MCXHSM_CONF"))"
echo "  PINs:    $var/so.pin, $var/user.pin"

section "mcxhsm token init"
"$tool" token init --label demo --so-pin-file "$var/so.pin" \
	--pin-file "$var/user.pin" | indent
"$tool" token info | indent

section "Generate an AES-256 key and an EC P-256 key pair (pkcs11-tool)"
p11 --login --pin "$pin" --keygen --key-type AES:32 --sensitive \
	--label demo-aes --id 01 2>&1 | indent
p11 --login --pin "$pin" --keypairgen --key-type EC:prime256v1 \
	--usage-sign --label demo-ec --id 02 2>&1 | indent

section "Sign with the token's EC key, verify in the token and with OpenSSL"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "MCX demo message $(date -u +%FT%TZ)" >"$work/msg"
# CKM_ECDSA_SHA256 when the module has it (ours does), else CKM_ECDSA over
# the SHA-256 digest (SoftHSMv2 2.6).
if p11 -M 2>/dev/null | grep -q '^ *ECDSA-SHA256'; then
	mech=ECDSA-SHA256 in="$work/msg" rawin=(-rawin -digest sha256)
else
	openssl dgst -sha256 -binary -out "$work/hash" "$work/msg"
	mech=ECDSA in="$work/hash" rawin=()
fi
p11 --login --pin "$pin" --sign --mechanism "$mech" --id 02 \
	--signature-format openssl -i "$in" -o "$work/sig" 2>&1 | indent
p11 --verify --mechanism "$mech" --id 02 --signature-format openssl \
	-i "$in" --signature-file "$work/sig" 2>&1 | indent
py "$src/tests/demo/demo_p11.py" export-ec-pub 02 "$work/pub.der"
openssl pkeyutl -verify -pubin -inkey "$work/pub.der" -keyform DER \
	"${rawin[@]}" -in "$in" -sigfile "$work/sig" | indent

section "Wrap an AES key under another and unwrap it (RFC 3394)"
py "$src/tests/demo/demo_p11.py" wrap-unwrap "$var/user.pin"

section "Import a known AES key (for the at-rest check)"
known=$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')
py "$src/tests/demo/demo_p11.py" import-aes "$var/user.pin" demo-known "$known"
echo "  imported demo-known (32 octets, sensitive, unextractable)"

section "mcxhsm key list"
"$tool" --pin-file "$var/user.pin" key list | indent

section "mcxhsm audit show --last 12"
# the trail is private: the auditor logs in (user PIN; --so for the SO)
"$tool" --pin-file "$var/user.pin" audit show --last 12 | indent
"$tool" --pin-file "$var/user.pin" audit verify | indent

section "At rest: the database holds no plaintext key material"
# Everything is closed now; search every file of the token directory
# (database, WAL, journal) for the known key, its hex text, and the PINs.
py - "$var/tokens" "$known" "$var/user.pin" "$var/so.pin" <<'PY'
import os, sys
top, key = sys.argv[1], bytes.fromhex(sys.argv[2])
needles = {"the known AES key": key, "its hex text": sys.argv[2].encode()}
for f in sys.argv[3:]:
    needles["the PIN in " + os.path.basename(f)] = open(f, "rb").readline().rstrip(b"\r\n")
files = [os.path.join(d, n) for d, _, ns in os.walk(top) for n in ns]
found = [(what, p) for p in files for what, n in needles.items()
         if n in open(p, "rb").read()]
size = sum(os.path.getsize(p) for p in files)
print("  searched %d files (%d octets) under %s" % (len(files), size, top))
for what, p in found:
    print("  FOUND %s in %s" % (what, p))
if found:
    sys.exit(1)
print("  no plaintext key material found")
PY

if [ ${#story[@]} -gt 0 ]; then
	section "The MCX story: KMS, GMS, partner GMS and users, one token each"
	"$src/tests/demo/story.sh" "$build" "$var" "${story[@]}"
fi

section "Done"
echo "  token files: $var/tokens${story[*]:+ and $var/story}; run again for fresh tokens"
