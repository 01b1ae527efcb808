#!/bin/bash
# The admin tool is a plain PKCS#11 client: its generic commands must work
# with SoftHSMv2 as with our module (tests/admin/lib.sh generic_suite).
set -eu
. "${MCXHSM_SRCDIR:?}/tests/admin/lib.sh"

softhsm=/usr/lib/softhsm/libsofthsm2.so
[ -r "$softhsm" ] || { echo "SKIP: no SoftHSMv2" >&2; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/tokens"
printf 'directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\n' \
	"$work/tokens" >"$work/softhsm2.conf"
export SOFTHSM2_CONF="$work/softhsm2.conf" MCXHSM_MODULE="$softhsm"
# SoftHSMv2 is not instrumented, and python3 need not preload ASan for it.
PRELOAD=
# LeakSanitizer: leaks inside SoftHSMv2 are not ours.
export ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0"

generic_suite
# --module names the module as well as $MCXHSM_MODULE does
expect_rc 0 env -u MCXHSM_MODULE "$TOOL" --module "$softhsm" token info --json
json_check "$work/out" '[t["label"] for t in d if t["initialized"]] == ["admin-test"]'
echo "admin tool against SoftHSMv2: ok"
