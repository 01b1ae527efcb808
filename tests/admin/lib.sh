# Shared helpers of the admin tool tests (sourced).  Every check prints
# what it expected on failure and exits 1.
set -eu

TOOL="$MCXHSM_BUILDDIR/admin/mcxhsm"
PY="${SYSTEM_PYTHON3:-/usr/bin/python3}"
# Programs we do not build need the ASan runtime to load an instrumented
# module (tests/local.mk sets MCXHSM_ASAN_PRELOAD in the ASan build).
# libstdc++ too: PyKCS11 is C++ and ASan must intercept its __cxa_throw.
PRELOAD="${MCXHSM_ASAN_PRELOAD:+$MCXHSM_ASAN_PRELOAD libstdc++.so.6}"

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# expect_rc N CMD...: run CMD (stdout to $out, stderr to $err), check its
# exit status.
expect_rc() {
	local want=$1 got=0
	shift
	"$@" >"$work/out" 2>"$work/err" || got=$?
	if [ "$got" -ne "$want" ]; then
		echo "--- stdout" >&2
		cat "$work/out" >&2
		echo "--- stderr" >&2
		cat "$work/err" >&2
		fail "'$*' exited $got, expected $want"
	fi
}

# json_check FILE PYTHON-EXPR: FILE parses as JSON and EXPR (on `d`) holds.
json_check() {
	local file=$1 expr=$2
	"$PY" -c 'import json, sys
d = json.load(open(sys.argv[1]))
if not eval(sys.argv[2]):
    sys.exit("json check failed: " + sys.argv[2])' "$file" "$expr" ||
		{ cat "$file" >&2; fail "JSON check: $expr"; }
}

# py_p11 ARGS...: the PyKCS11 helper against $MCXHSM_MODULE.
py_p11() {
	# python3 itself is not ours: LeakSanitizer would report its leaks.
	LD_PRELOAD="$PRELOAD" ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" "$PY" "$MCXHSM_SRCDIR/tests/admin/p11helper.py" "$@"
}

# The AES check value (PKCS#11 3.0 §4.10: first 3 octets of ECB(0^16)).
aes_check_value() {
	head -c 16 /dev/zero |
		openssl enc -aes-$((${#1} * 4))-ecb -K "$1" -nopad |
		od -An -tx1 | tr -d ' \n' | cut -c1-6
}

# generic_suite: token init/info/set-pin, wrong PIN, key list/delete.  Any
# PKCS#11 module must pass it ($MCXHSM_MODULE, with an empty token dir).
generic_suite() {
	local key=000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f
	local cv
	printf 'so-pin-1234\n' >"$work/so.pin"
	printf 'user-pin-1234\n' >"$work/user.pin"
	printf 'wrong-pin-99\n' >"$work/bad.pin"
	printf 'user-pin-5678\n' >"$work/new.pin"

	# usage errors exit 2 and print the command's usage
	expect_rc 2 "$TOOL" token init --so-pin-file "$work/so.pin"
	grep -q 'usage: mcxhsm' "$work/err" || fail "usage text missing"
	expect_rc 2 "$TOOL" key delete --label a --id 01

	expect_rc 0 "$TOOL" token info --json
	json_check "$work/out" 'any(not t["initialized"] for t in d)'
	expect_rc 1 "$TOOL" --pin-file "$work/user.pin" key list
	grep -q '^mcxhsm: no initialised token' "$work/err" ||
		fail "no-token message: $(cat "$work/err")"

	expect_rc 0 "$TOOL" token init --label admin-test \
		--so-pin-file "$work/so.pin" --pin-file "$work/user.pin"
	expect_rc 1 "$TOOL" token init --label admin-test \
		--so-pin-file "$work/so.pin" --pin-file "$work/user.pin"
	grep -q "exists already" "$work/err" || fail "duplicate label accepted"
	expect_rc 0 "$TOOL" token info --json
	json_check "$work/out" '[t["label"] for t in d if t["initialized"]] == ["admin-test"]'
	json_check "$work/out" 'all("user_pin_initialized" in t["flags"] for t in d if t["initialized"])'
	expect_rc 0 "$TOOL" token info
	grep -q 'label: *admin-test' "$work/out" || fail "token info text"

	# PIN files: the first line counts (CRLF too); an empty one is refused
	: >"$work/empty.pin"
	expect_rc 1 "$TOOL" --pin-file "$work/empty.pin" key list
	grep -q 'empty PIN file' "$work/err" || fail "empty PIN file accepted"

	# wrong PIN: exit 1 and exactly one specific message
	expect_rc 1 "$TOOL" --pin-file "$work/bad.pin" key list
	[ "$(cat "$work/err")" = "mcxhsm: C_Login: CKR_PIN_INCORRECT (wrong PIN)" ] ||
		fail "wrong-PIN message: $(cat "$work/err")"
	expect_rc 1 "$TOOL" --token nosuch --pin-file "$work/user.pin" key list
	grep -q "no token labelled 'nosuch'" "$work/err" || fail "--token message"

	# a known key: listed with its check value, its bytes never printed
	py_p11 create-aes "$work/user.pin" known-aes a1 "$key" ||
		fail "creating the known AES key"
	cv=$(aes_check_value "$key")
	printf 'user-pin-1234\r\nignored\n' >"$work/crlf.pin"
	expect_rc 0 "$TOOL" --pin-file "$work/crlf.pin" key list --json
	json_check "$work/out" '[k.get("check_value") for k in d if k.get("label") == "known-aes"] == ["'"$cv"'"]'
	json_check "$work/out" '[(k["class"], k["key_type"], k["id"]) for k in d if k.get("label") == "known-aes"] == [("CKO_SECRET_KEY", "CKK_AES", "a1")]'
	! grep -qi "$key" "$work/out" || fail "key list --json printed the key"
	MCXHSM_PIN=user-pin-1234 expect_rc 0 "$TOOL" key list
	grep -q "check_value *$cv" "$work/out" || fail "key list text lacks the key"
	! grep -qi "$key" "$work/out" || fail "key list printed the key"

	# set-pin: the old PIN stops working, the new one works
	expect_rc 0 "$TOOL" --pin-file "$work/user.pin" token set-pin \
		--new-pin-file "$work/new.pin"
	expect_rc 1 "$TOOL" --pin-file "$work/user.pin" key list
	grep -q CKR_PIN_INCORRECT "$work/err" || fail "old PIN still works"
	expect_rc 0 "$TOOL" --pin-file "$work/new.pin" key list
	expect_rc 0 "$TOOL" --so-pin-file "$work/so.pin" token set-pin --so \
		--new-pin-file "$work/so.pin"
	# the SO sets a new user PIN (C_InitPIN); the prompt below logs in with it
	printf 'user-pin-reset\n' >"$work/reset.pin"
	expect_rc 0 "$TOOL" --so-pin-file "$work/so.pin" token init-pin \
		--new-pin-file "$work/reset.pin"
	grep -q 'user PIN set by the SO' "$work/out" || fail "init-pin output"

	# PIN prompt on a terminal: no echo; no terminal and no PIN: a message
	expect_rc 0 "$PY" "$MCXHSM_SRCDIR/tests/admin/pty_run.py" user-pin-reset \
		"$TOOL" key list
	grep -q 'User PIN:' "$work/out" || fail "no PIN prompt"
	grep -q 'known-aes' "$work/out" || fail "key list after the prompt"
	! grep -q 'user-pin-reset' "$work/out" || fail "the prompt echoed the PIN"
	expect_rc 1 "$PY" "$MCXHSM_SRCDIR/tests/admin/pty_run.py" a-pin-1,a-pin-2 \
		"$TOOL" --pin-file "$work/reset.pin" token set-pin
	grep -q 'the two user PINs differ' "$work/out" || fail "PIN confirmation"
	expect_rc 1 env -u MCXHSM_PIN setsid -w "$TOOL" key list
	grep -q '^mcxhsm: no PIN: give --pin-file' "$work/err" ||
		fail "no-terminal message: $(cat "$work/err")"

	# delete by id; a second delete finds nothing
	expect_rc 0 "$TOOL" --pin-file "$work/reset.pin" key delete --id A1
	grep -q 'deleted 1 object' "$work/out" || fail "delete output"
	expect_rc 1 "$TOOL" --pin-file "$work/reset.pin" key delete --id a1
	grep -q 'no object with that id' "$work/err" || fail "delete of nothing"
	# (global options may also follow the command)
	expect_rc 0 "$TOOL" key list --json --pin-file "$work/reset.pin"
	json_check "$work/out" 'not any(k.get("label") == "known-aes" for k in d)'
}
