# tests/p11env.sh: shared helpers for tests that drive a PKCS#11 module with
# the ecosystem's own clients (pkcs11-tool, p11tool, p11-kit, gnutls, PyKCS11).
# Sourced, never run.  POSIX sh.
#
#   p11env_setup [mcxhsm|softhsm]
#	Makes a private temporary directory ($P11_DIR, removed on exit), a token
#	directory in it and a config naming it, and sets:
#	  P11_TARGET   mcxhsm (default, or $P11_TARGET) or softhsm
#	  P11_MODULE   absolute path of the module under test
#	  MCXHSM_CONF  (mcxhsm) file with `token_dir = DIR` (token/config.h)
#	  SOFTHSM2_CONF (softhsm) SoftHSMv2's config, same idea
#	  HOME         $P11_DIR/home, so no user config of the machine leaks in
#	SoftHSMv2 is the reference the interop tests were developed against and
#	the other side of the differential attribute test; the tests themselves
#	run against our module.
#   p11env_run CMD ARGS...
#	Runs a program we did not build (pkcs11-tool, p11tool, python3, ...)
#	with our module: in the ASan build it needs the ASan runtime preloaded
#	to dlopen the instrumented module, and its own leaks are not ours, so
#	leak detection is off for it.  libstdc++ is preloaded too: ASan must
#	find the real __cxa_throw at start-up, or a C++ library loaded later
#	(PyKCS11) aborts on its first exception.  Bounded by a timeout
#	($P11_TIMEOUT, 60 s).
#   p11env_spawn CMD ARGS...
#	The same in the background; its pid in $P11ENV_PID: that of the
#	timeout process, which leads its own process group (kill -- -PID
#	reaches the program too) and passes a TERM on to the program.
#   p11env_tool ARGS...   pkcs11-tool --module $P11_MODULE ARGS (via p11env_run)
#   p11env_module_ready   0 when C_GetFunctionList + C_Initialize + C_GetInfo
#	work (pkcs11-tool -I), else 1 with the reason on stderr.
#   p11env_init_token LABEL SO_PIN USER_PIN
#	C_InitToken on the first slot whose token is uninitialised (our
#	module's empty slot), then C_InitPIN as SO.  Afterwards address the
#	token by label (--token-label): slot IDs may change on init.
#   p11env_require_prog NAME...   exit 77 (skip) when a client is missing.
#   p11env_fail MSG   print "FAIL: MSG" and exit 1.

P11_TIMEOUT=${P11_TIMEOUT:-60}
P11_SOFTHSM_MODULE=${P11_SOFTHSM_MODULE:-/usr/lib/softhsm/libsofthsm2.so}

p11env_fail()
{
	echo "FAIL: $*" >&2
	exit 1
}

p11env_require_prog()
{
	for p11env_p in "$@"; do
		if ! command -v "$p11env_p" >/dev/null 2>&1; then
			echo "SKIP: $p11env_p not installed" >&2
			exit 77
		fi
	done
}

p11env_cleanup()
{
	if [ -n "${P11_DIR:-}" ] && [ -d "$P11_DIR" ]; then
		rm -rf "$P11_DIR"
	fi
}

p11env_setup()
{
	P11_TARGET=${1:-${P11_TARGET:-mcxhsm}}
	P11_DIR=$(mktemp -d "${TMPDIR:-/tmp}/mcxhsm-interop.XXXXXX") ||
		p11env_fail "mktemp"
	trap p11env_cleanup EXIT
	trap 'exit 2' HUP INT TERM
	mkdir -p "$P11_DIR/tokens" "$P11_DIR/home"
	HOME=$P11_DIR/home
	XDG_CONFIG_HOME=$HOME/.config
	XDG_DATA_HOME=$HOME/.local/share
	export HOME XDG_CONFIG_HOME XDG_DATA_HOME
	case $P11_TARGET in
	mcxhsm)
		[ -n "${MCXHSM_MODULE:-}" ] ||
			p11env_fail "MCXHSM_MODULE not set (run through make check)"
		[ -f "$MCXHSM_MODULE" ] ||
			p11env_fail "module $MCXHSM_MODULE not built"
		P11_MODULE=$MCXHSM_MODULE
		MCXHSM_CONF=$P11_DIR/mcxhsm.conf
		printf 'token_dir = %s\n' "$P11_DIR/tokens" >"$MCXHSM_CONF"
		export MCXHSM_CONF
		;;
	softhsm)
		if [ ! -f "$P11_SOFTHSM_MODULE" ]; then
			echo "SKIP: SoftHSMv2 ($P11_SOFTHSM_MODULE) not installed" >&2
			exit 77
		fi
		P11_MODULE=$P11_SOFTHSM_MODULE
		SOFTHSM2_CONF=$P11_DIR/softhsm2.conf
		printf 'directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n' \
			"$P11_DIR/tokens" >"$SOFTHSM2_CONF"
		export SOFTHSM2_CONF
		;;
	*)
		p11env_fail "unknown P11_TARGET $P11_TARGET"
		;;
	esac
	export P11_TARGET P11_MODULE P11_DIR
}

p11env_run()
{
	if [ "${MCXHSM_SANITIZERS:-}" = 1 ] && [ "$P11_TARGET" = mcxhsm ]; then
		if [ ! -f "${MCXHSM_ASAN_PRELOAD:-}" ]; then
			p11env_fail "ASan build but no MCXHSM_ASAN_PRELOAD"
		fi
		LD_PRELOAD=$MCXHSM_ASAN_PRELOAD:libstdc++.so.6${LD_PRELOAD:+:$LD_PRELOAD} \
			ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 \
			timeout -k 5 "$P11_TIMEOUT" "$@"
	else
		timeout -k 5 "$P11_TIMEOUT" "$@"
	fi
}

p11env_spawn()
{
	if [ "${MCXHSM_SANITIZERS:-}" = 1 ] && [ "$P11_TARGET" = mcxhsm ]; then
		LD_PRELOAD=$MCXHSM_ASAN_PRELOAD:libstdc++.so.6${LD_PRELOAD:+:$LD_PRELOAD} \
			ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 \
			timeout -k 5 "$P11_TIMEOUT" "$@" &
	else
		timeout -k 5 "$P11_TIMEOUT" "$@" &
	fi
	P11ENV_PID=$!
}

p11env_tool()
{
	p11env_run pkcs11-tool --module "$P11_MODULE" "$@"
}

p11env_module_ready()
{
	if ! p11env_out=$(p11env_tool -I 2>&1); then
		echo "module not ready: pkcs11-tool -I failed:" >&2
		printf '%s\n' "$p11env_out" | tail -n 5 >&2
		return 1
	fi
	return 0
}

# Index (in C_GetSlotList order, as --slot-index counts) of the first slot
# holding an uninitialised token, from pkcs11-tool -L.
p11env_empty_slot_index()
{
	p11env_tool -L 2>/dev/null | awk '
		/^Slot [0-9]+/ { idx++ }
		/token state:[ \t]*uninitialized/ && !found { found = idx }
		END { if (found) print found - 1; else exit 1 }'
}

p11env_init_token()
{
	p11env_label=$1
	p11env_so=$2
	p11env_pin=$3
	p11env_idx=$(p11env_empty_slot_index) ||
		p11env_fail "no slot with an uninitialised token (pkcs11-tool -L)"
	p11env_tool --slot-index "$p11env_idx" --init-token \
		--label "$p11env_label" --so-pin "$p11env_so" >/dev/null ||
		p11env_fail "C_InitToken on slot index $p11env_idx"
	p11env_tool --token-label "$p11env_label" --login --login-type so \
		--so-pin "$p11env_so" --init-pin --pin "$p11env_pin" >/dev/null ||
		p11env_fail "C_InitPIN on token $p11env_label"
}
