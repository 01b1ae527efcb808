#!/bin/bash
# The KMS role of `mcxhsm kms` (issue 4) end to end: `kms create` in token
# "kms" (z_T, KSAK made inside), `kms certificate` (KmsInit XML), `kms
# issue` of 12 key periods of one user and one period of another, wrapped
# under a TrK that `trk import` installed in both tokens; then `kms import` into token "srv": `key list` shows each period with its
# §6.2 validity, the imported keys sign/verify and SAKKE-unwrap, the import
# draws a progress bar on a terminal, and keys issued under another TrK are
# refused.
set -eu
. "${MCXHSM_SRCDIR:?}/tests/admin/lib.sh"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/tokens"
printf 'token_dir = %s\n' "$work/tokens" >"$work/mcxhsm.conf"
export MCXHSM_CONF="$work/mcxhsm.conf"
export MCXHSM_PIN=user-pin-1234
printf 'so-pin-1234\n' >"$work/so.pin"
printf '%s\n' "$MCXHSM_PIN" >"$work/user.pin"
KT="$MCXHSM_BUILDDIR/tests/kms/kms_tool"
ktool() { LD_PRELOAD="${MCXHSM_ASAN_PRELOAD:-}" "$KT" "$@"; }

for t in kms srv; do
	expect_rc 0 "$TOOL" token init --label "$t" \
		--so-pin-file "$work/so.pin" --pin-file "$work/user.pin"
done
openssl rand -hex 16 >"$work/trk.hex"
for t in kms srv; do
	expect_rc 0 "$TOOL" --token "$t" trk import --id 01 --label trk-a \
		--key-file "$work/trk.hex"
done
expect_rc 0 "$TOOL" --token kms trk generate --id 02 --label trk-other --bits 128

# usage errors
expect_rc 2 "$TOOL" --token kms kms create --uri kms.example.org --period 0 --offset 0
expect_rc 2 "$TOOL" --token kms kms issue --user sip:a@example.org --out x.xml
expect_rc 1 "$TOOL" --token kms kms certificate --out "$work/none.xml"
grep -q 'holds no KMS' "$work/err" || fail "certificate without a KMS"

expect_rc 0 "$TOOL" --token kms kms create --uri kms.example.org \
	--period 2592000 --offset 0
expect_rc 1 "$TOOL" --token kms kms create --uri kms.example.org \
	--period 2592000 --offset 0
grep -q 'already holds KMS' "$work/err" || fail "second KMS with one URI"
expect_rc 0 "$TOOL" --token kms key list --json
json_check "$work/out" 'sorted((k["class"], k["key_type"], k["sensitive"], k["extractable"]) for k in d if k["class"] == "CKO_PRIVATE_KEY") == [("CKO_PRIVATE_KEY", "CKK_MCX_ECCSI", True, False), ("CKO_PRIVATE_KEY", "CKK_MCX_SAKKE", True, False)]'

expect_rc 0 "$TOOL" --token kms kms certificate --out "$work/cert.xml"
grep -q '<PubEncKey>04[0-9A-F]\{512\}</PubEncKey>' "$work/cert.xml" ||
	fail "certificate: PubEncKey"
# 12 periods of alice from period 1400 (2014-12-29), one of bob now
expect_rc 0 "$TOOL" --token kms kms issue --user sip:alice@example.org \
	--period-no 1400 --periods 12 --trk trk-a --out "$work/alice.xml"
expect_rc 0 "$TOOL" --token kms kms issue --user sip:bob@example.org \
	--at 2026-01-15T00:00:00Z --trk trk-a --out "$work/bob.xml"
grep -q '<KeyPeriodNo>1534</KeyPeriodNo>' "$work/bob.xml" ||
	fail "--at: key period of 2026-01-15"
for f in alice bob; do
	grep -q 'kw-aes-128-pad' "$work/$f.xml" || fail "$f: RSK/PVT not KWP"
	grep -q 'xmlenc#kw-aes128"' "$work/$f.xml" || fail "$f: SSK not KW"
	! grep -q '<UserDecryptKey xsi:type="KeyContentType"' "$work/$f.xml" ||
		fail "$f: a clear key"
done
expect_rc 0 "$TOOL" --token kms kms issue --user sip:carol@example.org \
	--period-no 1400 --trk trk-other --out "$work/carol.xml"

# the server: certificate, then both files (alice's on a terminal)
expect_rc 0 "$TOOL" --token srv kms import --json "$work/cert.xml" "$work/bob.xml"
json_check "$work/out" 'd["certificates"] == 1 and d["key_sets"] == 1'
expect_rc 0 "$PY" "$MCXHSM_SRCDIR/tests/admin/pty_run.py" "" env \
	LD_PRELOAD="${MCXHSM_ASAN_PRELOAD:-}" "$TOOL" --token srv \
	--pin-file "$work/user.pin" kms import "$work/alice.xml"
grep -q '12/12 key sets' "$work/out" || fail "no progress bar: $(cat "$work/out")"
expect_rc 0 "$TOOL" --token srv key list --json
"$PY" - "$work/out" <<'EOF' || fail "key list: the 12 periods"
import datetime, json, sys
d = json.load(open(sys.argv[1]))
keys = [k for k in d if k.get("user_uri") == "sip:alice@example.org"]
assert len(keys) == 24, len(keys)
for kt in ("CKK_MCX_SAKKE", "CKK_MCX_ECCSI"):
    per = sorted((k["key_period_no"], k["valid_from"], k["valid_to"])
                 for k in keys if k["key_type"] == kt)
    assert [p[0] for p in per] == list(range(1400, 1412)), per
    for n, vf, vt in per:
        # §6.2: ValidFrom = n * 2592000 (NTP), ValidTo one period later
        f = n * 2592000 - 2208988800
        iso = lambda t: datetime.datetime.fromtimestamp(
            t, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        assert (vf, vt) == (iso(f), iso(f + 2592000)), (n, vf, vt)
assert all(k["status"] == "active" and k["sensitive"] and not k["extractable"]
           for k in keys)
EOF
expect_rc 0 ktool use srv sip:alice@example.org
grep -q '^ok 12$' "$work/out" || fail "use: $(cat "$work/out")"
expect_rc 0 ktool use srv sip:bob@example.org
# carol's keys are wrapped under a TrK the server does not have
expect_rc 1 "$TOOL" --token srv kms import "$work/carol.xml"
grep -q "encrypted under TrK 'trk-other', which the token does not hold" \
	"$work/err" || fail "carol: $(cat "$work/err")"
echo "kms_role: ok"
