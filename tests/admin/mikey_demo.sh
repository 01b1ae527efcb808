#!/bin/bash
# The scenario test of issue 5: ./quickstart demo's whole story
# (tests/demo/demo.sh -> tests/demo/story.sh) with 4 users: KMS, GMS and
# partner GMS tokens, key sets issued and imported, a group's GMK and MKFC
# distributed and received, revoked, a multi-domain regroup forwarded by
# the partner GMS; every member's check values equal the GMS's.  (With 4
# users the story leaves out its regroup-key part, which needs 5 clients
# and has its own test, tests/admin/regroup.sh: CPU time.)
set -eu
: "${MCXHSM_SRCDIR:?}" "${MCXHSM_BUILDDIR:?}" "${MCXHSM_MODULE:?}"
command -v pkcs11-tool >/dev/null || { echo "SKIP: no pkcs11-tool" >&2; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if ! "$MCXHSM_SRCDIR/tests/demo/demo.sh" "$MCXHSM_BUILDDIR" "$work/var" \
	--members 4 >"$work/out" 2>&1; then
	cat "$work/out"
	echo "FAIL: the demo story" >&2
	exit 1
fi
cat "$work/out"
for want in 'check values equal for all: yes$' \
	'^  story ok: 4 members' '^  no plaintext key material found$'; do
	grep -q "$want" "$work/out" || { echo "FAIL: no line '$want'" >&2; exit 1; }
done
# every K-ID row: received by all its holders with equal check values
awk '/^  K-ID/ { t = 1; next } t && NF == 0 { exit } t { split($6, a, "/"); if (a[1] != a[2] || a[1] == 0) bad = 1 } END { exit bad }' \
	"$work/out" || { echo "FAIL: a key's check values differ" >&2; exit 1; }
echo "demo story (4 members): ok"
