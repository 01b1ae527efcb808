#!/bin/bash
# mcxhsm mikey inspect: the three Streamwide v5 I_MESSAGEs
# (tests/vectors/mikey_streamwide_v5.json), as binary files and in their
# SDP form, decode to the published payloads (every field the vectors
# list); broken messages exit 1 with one message.  No token is involved.
set -eu
: "${MCXHSM_SRCDIR:?}" "${MCXHSM_BUILDDIR:?}" "${MCXHSM_VECTORS:?}"
. "$MCXHSM_SRCDIR/tests/admin/lib.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
vec="$MCXHSM_VECTORS/mikey_streamwide_v5.json"

# One binary and one SDP file per case, from the vectors.
"$PY" - "$vec" "$work" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for i, c in enumerate(d["cases"]):
    open("%s/m%d.bin" % (sys.argv[2], i), "wb").write(bytes.fromhex(c["hex"]))
    open("%s/m%d.sdp" % (sys.argv[2], i), "w").write(
        "a=key-mgmt:" + c["sdp_key_mgmt"] + "\r\n" if i == 1 else c["sdp_key_mgmt"] + "\n")
PY

# compare JSON CASE: every field the vectors give for a payload is what the
# tool printed (names as in the vectors; SP params as [type, value] pairs).
compare() {
	"$PY" - "$vec" "$1" "$2" <<'PY' || fail "inspect of case $2 differs from the vectors"
import json, sys
vec = json.load(open(sys.argv[1]))["cases"][int(sys.argv[3])]
got = json.load(open(sys.argv[2]))
bad = []
if got["length"] != vec["length"]:
    bad.append("length %s != %s" % (got["length"], vec["length"]))
gp, vp = got["payloads"], vec["payloads"]
if [p["type"] for p in gp] != [p["type"] for p in vp]:
    bad.append("payload types %s != %s" % ([p["type"] for p in gp], [p["type"] for p in vp]))
for g, v in zip(gp, vp):
    for k, want in v.items():
        if k == "signed_part_len":  # the vectors count up to the SIGN header
            continue
        have = g.get(k)
        if k == "params":
            have = [[e["type"], e["value"]] for e in have]
        if k == "id_text" and want is None:
            if have is not None:
                bad.append("%s@%d id_text %r, expected none" % (v["type"], v["offset"], have))
            continue
        if isinstance(want, str) and k not in ("type", "id_text"):
            want = want.lower()
        if have != want:
            bad.append("%s@%d %s: %r != %r" % (v["type"], v["offset"], k, have, want))
if bad:
    sys.exit("\n".join(bad))
PY
}

for i in 0 1 2; do
	for form in bin sdp; do
		expect_rc 0 "$TOOL" mikey inspect --json "$work/m$i.$form"
		cp "$work/out" "$work/m$i.$form.json"
		compare "$work/m$i.$form.json" "$i"
	done
	json_check "$work/m$i.sdp.json" 'd["sdp"] is True'
	json_check "$work/m$i.bin.json" 'd["sdp"] is False'
	# the text form says the same
	expect_rc 0 "$TOOL" mikey inspect "$work/m$i.bin"
	grep -q '^SIGN  at ' "$work/out" || fail "text form lacks SIGN"
	grep -q '^    algorithm  *ECCSI$' "$work/out" || fail "text form: ECCSI"
done
# what TS 33.180 carries: GMK with its GUK-ID, CSK and PCK without one
json_check "$work/m0.bin.json" 'd["payloads"][0]["purpose"] == "GMK" and d["payloads"][0]["uk_id_diversified"]'
json_check "$work/m1.bin.json" 'd["payloads"][0]["purpose"] == "CSK" and not d["payloads"][0]["uk_id_diversified"]'
json_check "$work/m2.bin.json" 'd["payloads"][0]["purpose"] == "PCK"'
json_check "$work/m0.bin.json" '[p["dppk_id"] for p in d["payloads"] if p["type"] == "GEN-EXT"] == ["06a12aea"]'
json_check "$work/m0.bin.json" 'd["payloads"][1]["time"] == "2025-10-02T23:47:52Z"'

# broken input: truncated, a length pointing outside, trailing octets, not
# a message at all, bad base64, no file; each one message, exit 1
head -c 600 "$work/m0.bin" >"$work/trunc.bin"
expect_rc 1 "$TOOL" mikey inspect "$work/trunc.bin"
grep -q 'not a valid MIKEY-SAKKE I_MESSAGE: malformed' "$work/err" ||
	fail "truncated: $(cat "$work/err")"
"$PY" -c 'import sys
m = bytearray(open(sys.argv[1], "rb").read())
m[36] = 0xff  # RAND length far past the message
open(sys.argv[2], "wb").write(m)
open(sys.argv[3], "wb").write(bytes(open(sys.argv[1], "rb").read()) + b"\0")' \
	"$work/m0.bin" "$work/len.bin" "$work/trail.bin"
expect_rc 1 "$TOOL" mikey inspect "$work/len.bin"
grep -q 'malformed' "$work/err" || fail "length: $(cat "$work/err")"
expect_rc 1 "$TOOL" mikey inspect "$work/trail.bin"
grep -q 'malformed' "$work/err" || fail "trailing: $(cat "$work/err")"
echo "hello" >"$work/text"
expect_rc 1 "$TOOL" mikey inspect "$work/text"
grep -q "neither a binary I_MESSAGE nor the SDP form" "$work/err" ||
	fail "text: $(cat "$work/err")"
echo "mikey AR#=" >"$work/b64"
expect_rc 1 "$TOOL" mikey inspect "$work/b64"
grep -q "invalid base64" "$work/err" || fail "base64: $(cat "$work/err")"
expect_rc 1 "$TOOL" mikey inspect "$work/nosuch"
grep -q "No such file" "$work/err" || fail "no file: $(cat "$work/err")"
expect_rc 2 "$TOOL" mikey inspect
echo "mikey inspect: ok"
