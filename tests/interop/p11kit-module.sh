#!/bin/sh
# p11-kit registration through a module file (issue 2): with
# ~/.config/pkcs11/modules/mcxhsm.module naming the built module by absolute
# path (as the installed token/mcxhsm.module does for the installed one),
# `p11-kit list-modules` loads our module and shows our token.
. "${MCXHSM_SRCDIR:-$(dirname "$0")/../..}/tests/p11env.sh"

p11env_require_prog pkcs11-tool p11-kit
# Under ASan p11-kit cannot run here: with the ASan runtime preloaded (as a
# program we did not build needs, to load our instrumented module), glibc's
# setlocale lock is left with an underflowed reader count, and libp11-kit
# deadlocks in newlocale() when it loads the trust module and in
# freelocale() at exit; SoftHSMv2 alone, or `p11-kit list-modules --help`,
# hang the same way.  The plain build runs this test.
if [ "${MCXHSM_SANITIZERS:-}" = 1 ]; then
	echo "SKIP: p11-kit deadlocks in newlocale/freelocale under an ASan preload" >&2
	exit 77
fi
p11env_setup
p11env_module_ready || p11env_fail "C_GetFunctionList/C_Initialize"

LABEL=interop-p11kit
p11env_init_token "$LABEL" 12345678 123456

MODULE=$P11_MODULE
if [ "$P11_TARGET" = softhsm ]; then
	# p11-kit merges registrations of one library file: give the
	# development reference a path of its own.
	cp "$P11_MODULE" "$P11_DIR/libsofthsm2-copy.so"
	MODULE=$P11_DIR/libsofthsm2-copy.so
fi
mkdir -p "$HOME/.config/pkcs11/modules"
printf 'module: %s\n' "$MODULE" >"$HOME/.config/pkcs11/modules/mcxhsm.module"

# p11-kit skips user configuration in a program running as root (CI runs as
# root): there, run it as an unprivileged user in a user namespace that maps
# our uid, so the files we made stay ours.
AS_USER=
if [ "$(id -u)" -eq 0 ]; then
	if ! unshare -U --map-user=1000 --map-group=1000 true 2>/dev/null; then
		echo "SKIP: root, and no user namespace to run p11-kit unprivileged" >&2
		exit 77
	fi
	AS_USER="unshare -U --map-user=1000 --map-group=1000"
fi

OUT=$P11_DIR/out
rc=0
p11env_run $AS_USER p11-kit list-modules >"$OUT" 2>&1 || rc=$?
cat "$OUT"
[ "$rc" -eq 0 ] || p11env_fail "p11-kit list-modules: exit status $rc"
# The mcxhsm block: from "mcxhsm: PATH" to the next unindented line.
awk -v label="$LABEL" -v path="$MODULE" '
	/^[^ \t]/ { inblock = ($0 == "mcxhsm: " path) ; if (inblock) seen = 1; next }
	inblock && $1 == "token:" && $2 == label { found = 1 }
	END { exit !(seen && found) }' "$OUT" ||
	p11env_fail "p11-kit list-modules does not show module mcxhsm with token $LABEL"
echo "PASS"
