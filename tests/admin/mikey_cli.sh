#!/bin/bash
# mcxhsm mikey send | receive and gms create-group | distribute | revoke |
# regroup | forward, end to end, one token per party (each its own token
# directory), all keyed with the Streamwide v5 material (GMS, Alice, Bob:
# tests/vectors/mikey_streamwide_v5.json, provisioned by mikey_p11.py):
#   - the three Streamwide messages are received with the published IDs
#     and check values (binary and SDP forms)
#   - our own messages round-trip with their key parameters; check values
#     at the receiver equal the sender's
#   - rejections exit 1 with the token's CKR: tampered, truncated,
#     duplicate K-ID, too old, unauthorised sender
#   - a group's GMK and MKFC reach every member; revoke marks them revoked
#     at the members and in the GMS token; regroup sends a new GMK to the
#     union; a partner GMS forwards a GMK with its own signature, same K-ID
set -eu
: "${MCXHSM_SRCDIR:?}" "${MCXHSM_BUILDDIR:?}" "${MCXHSM_MODULE:?}" \
	"${MCXHSM_VECTORS:?}"
. "$MCXHSM_SRCDIR/tests/admin/lib.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf 'so-pin-mikey\n' >"$work/so.pin"
printf 'user-pin-mikey\n' >"$work/user.pin"
vec="$MCXHSM_VECTORS/mikey_streamwide_v5.json"
# the Streamwide key period 236 contains this time (MCX-REFERENCE §5.6)
at=2025-10-02T23:47:52Z
gms=gms@streamwide.com alice=sip:alice@streamwide.com bob=sip:bob@streamwide.com

# as PARTY CMD...: run with PARTY's configuration (its own token dir)
as() {
	local party=$1
	shift
	MCXHSM_CONF="$work/$party/conf" "$@"
}
tool() { as "$1" "$TOOL" --pin-file "$work/user.pin" "${@:2}"; }
py_mikey() {
	as "$1" env LD_PRELOAD="$PRELOAD" \
		ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" \
		"$PY" "$MCXHSM_SRCDIR/tests/admin/mikey_p11.py" "${@:2}"
}
# json_get FILE EXPR: print a value of the JSON in FILE
json_get() {
	"$PY" -c 'import json, sys
d = json.load(open(sys.argv[1]))
print(eval(sys.argv[2]))' "$1" "$2"
}
# expect_ckr NAME: the last command failed with this CKR
expect_ckr() {
	grep -q "$1" "$work/err" || fail "expected $1, got: $(cat "$work/err")"
}

for p in GMS Alice Bob; do
	mkdir -p "$work/$p/tokens"
	printf 'token_dir = %s\n' "$work/$p/tokens" >"$work/$p/conf"
done
# Alice accepts Bob as a partner GMS of the streamwide.com groups
printf 'authorised_gms = streamwide.com %s\n' "$bob" >>"$work/Alice/conf"
for p in GMS Alice Bob; do
	as "$p" expect_rc 0 "$TOOL" token init --label "$p" \
		--so-pin-file "$work/so.pin" --pin-file "$work/user.pin"
	py_mikey "$p" provision "$work/user.pin" "$p" || fail "provision $p"
done

# ---- the Streamwide messages ------------------------------------------------
"$PY" - "$vec" "$work" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for i, c in enumerate(d["cases"]):
    open("%s/sw%d.bin" % (sys.argv[2], i), "wb").write(bytes.fromhex(c["hex"]))
    open("%s/sw%d.sdp" % (sys.argv[2], i), "w").write(c["sdp_key_mgmt"] + "\n")
    print(c["expected"]["key"], c["expected"]["key_id"],
          c["expected"].get("guk_id", c["expected"]["key_id"]),
          file=open("%s/sw%d.expect" % (sys.argv[2], i), "w"))
PY
check_sw() { # PARTY CASE FORM PURPOSE
	local key kid ukid
	read -r key kid ukid <"$work/sw$2.expect"
	tool "$1" mikey receive --in "$work/sw$2.$3" --json >"$work/out" \
		2>"$work/err" || { cat "$work/err" >&2; fail "$1 receive sw$2"; }
	json_check "$work/out" 'd["key_id"] == "'"$kid"'" and d["uk_id"] == "'"$ukid"'"'
	json_check "$work/out" 'd["check_value"] == "'"$(aes_check_value "$key")"'"'
	json_check "$work/out" 'd["purpose"] == "'"$4"'" and d["status"] == "active"'
}
check_sw Alice 0 bin GMK
check_sw GMS 1 sdp CSK
check_sw Bob 2 bin PCK
# the same message again: a replay (duplicate K-ID), nothing stored
expect_rc 1 tool Bob mikey receive --in "$work/sw2.sdp"
expect_ckr CKR_MCX_DUPLICATE_KEY_ID

# ---- mikey send / receive ---------------------------------------------------
pck=$(py_mikey GMS keygen "$work/user.pin" 1 pck-1) || fail "PCK generation"
expect_rc 0 tool GMS key list --json
gms_cv=$(json_get "$work/out" '[k["check_value"] for k in d if k.get("key_id") == "'"$pck"'"][0]')
expect_rc 0 tool GMS mikey send --key "$pck" --to "$alice" --time "$at" \
	--text "private call" --activation 2025-10-01T00:00:00Z \
	--expiry 1767225599 --sdp --out "$work/pck.sdp"
grep -q '^mikey [A-Za-z0-9+/]*=*$' "$work/pck.sdp" || fail "SDP form"
expect_rc 0 "$TOOL" mikey inspect --json "$work/pck.sdp"
json_check "$work/out" '[p["id_text"] for p in d["payloads"] if p["type"] == "IDR"][:2] == ["'"$gms"'", "'"$alice"'"]'
expect_rc 0 tool Alice mikey receive --in "$work/pck.sdp" --json
json_check "$work/out" 'd["key_id"] == "'"$pck"'" and d["uk_id"] == "'"$pck"'" and d["purpose"] == "PCK"'
json_check "$work/out" 'd["check_value"] == "'"$gms_cv"'"'
json_check "$work/out" 'd["text"] == "private call" and d["activation"] == "2025-10-01T00:00:00Z" and d["expiry"] == "2025-12-31T23:59:59Z"'
json_check "$work/out" 'd["sender"] == "'"$gms"'" and d["receiver"] == "'"$alice"'"'
# hidden identities (roles 8/9) and SAKKE-to-self reach Bob too
expect_rc 0 tool GMS mikey send --key "$pck" --to "$bob" --time "$at" \
	--hide-identities --sakke-to-self --out "$work/pck-bob.mikey"
expect_rc 0 "$TOOL" mikey inspect --json "$work/pck-bob.mikey"
json_check "$work/out" '[p["id_role"] for p in d["payloads"] if p["type"] == "IDR"] == [8, 9, 6, 7]'
json_check "$work/out" '[p["ext_type"] for p in d["payloads"] if p["type"] == "GEN-EXT"] == [6, 7]'
# a tampered octet in the RAND (signed) and a truncated copy are refused
"$PY" -c 'import sys
m = bytearray(open(sys.argv[1], "rb").read())
m[40] ^= 1
open(sys.argv[2], "wb").write(m)
open(sys.argv[3], "wb").write(m[:300])' "$work/pck-bob.mikey" \
	"$work/tampered.mikey" "$work/short.mikey"
expect_rc 1 tool Bob mikey receive --in "$work/tampered.mikey"
expect_ckr CKR_MCX_SIGNATURE_INVALID
expect_rc 1 tool Bob mikey receive --in "$work/short.mikey"
expect_ckr CKR_MCX_MESSAGE_MALFORMED
# too old when judged now with a one-day maximum age
expect_rc 1 tool Bob mikey receive --in "$work/pck-bob.mikey" --max-age 86400
expect_ckr CKR_MCX_MESSAGE_TOO_OLD
expect_rc 0 tool Bob mikey receive --in "$work/pck-bob.mikey" --json \
	--at 2025-10-03T00:00:00Z --max-age 86400
json_check "$work/out" 'd["key_id"] == "'"$pck"'" and d["check_value"] == "'"$gms_cv"'" and d["receiver"] == "'"$bob"'"'
# usage errors
expect_rc 2 tool GMS mikey send --key "$pck" --to "$bob"
expect_rc 2 tool GMS mikey send --key 0102 --to "$bob" --out "$work/x"
expect_rc 2 tool GMS mikey receive --json

# ---- gms: a group, its members, revocation ----------------------------------
g1="g1@$gms"
printf '# members of g1\n%s\n\n%s kms.mydev.streamwide.com\n' "$alice" "$bob" \
	>"$work/g1.members"
expect_rc 0 tool GMS gms create-group --group-id "$g1" --floor-control --json
cp "$work/out" "$work/g1.json"
gmk=$(json_get "$work/g1.json" 'd["gmk_id"]')
mkfc=$(json_get "$work/g1.json" 'd["mkfc_id"]')
[ "${gmk:0:1}" = 0 ] && [ "${mkfc:0:1}" = 4 ] || fail "purpose tags: $gmk $mkfc"
expect_rc 1 tool GMS gms create-group --group-id "$g1"
grep -q 'has a GMK already' "$work/err" || fail "second create-group"
expect_rc 1 tool GMS gms distribute --group-id "$g1" --out "$work/d1"
grep -q 'no members' "$work/err" || fail "distribute without members"
expect_rc 0 tool GMS gms distribute --group-id "$g1" --members "$work/g1.members" \
	--time "$at" --text "group one" --json --out "$work/d1"
json_check "$work/out" 'd["members"] == 2 and d["messages"] == 4'
json_check "$work/d1/index.json" '[e["member"] for e in d] == ["'"$alice"'", "'"$bob"'"]'
for p in Alice Bob; do
	u=$([ $p = Alice ] && echo "$alice" || echo "$bob")
	f="$work/d1/$(echo "$u" | tr ':' '_')"
	expect_rc 0 tool "$p" mikey receive --in "$f.gmk.mikey" \
		--in "$f.mkfc.mikey" --json
	json_check "$work/out" '[k["key_id"] for k in d] == ["'"$gmk"'", "'"$mkfc"'"]'
	json_check "$work/out" '[k["check_value"] for k in d] == ["'"$(json_get "$work/g1.json" 'd["gmk_check_value"]')"'", "'"$(json_get "$work/g1.json" 'd["mkfc_check_value"]')"'"]'
	json_check "$work/out" 'all(k["group_ids"] == ["'"$g1"'"] and k["text"] == "group one" and k["uk_id"] != k["key_id"] for k in d)'
	json_check "$work/out" '[k["purpose"] for k in d] == ["GMK", "MKFC"]'
	cp "$work/out" "$work/$p.g1.json"
done
# end-point diversity: each member has its own GUK-ID
[ "$(json_get "$work/Alice.g1.json" 'd[0]["uk_id"]')" != \
	"$(json_get "$work/Bob.g1.json" 'd[0]["uk_id"]')" ] || fail "same GUK-ID"
# the stored member list is used when --members is left out; on a
# terminal a progress bar shows the members done
expect_rc 0 as GMS "$PY" "$MCXHSM_SRCDIR/tests/admin/pty_run.py" none \
	"$TOOL" --pin-file "$work/user.pin" gms distribute --group-id "$g1" \
	--time "$at" --out "$work/d1b"
grep -q '\[#*\] 2/2 members' "$work/out" || fail "no progress bar: $(cat "$work/out")"
grep -q '^messages  *4' "$work/out" || fail "distribute text output"
# revoke: status revoked to every member, then the GMS's keys revoked
expect_rc 0 tool GMS gms revoke --group-id "$g1" --time "$at" --json \
	--out "$work/r1"
json_check "$work/out" 'd["status"] == "revoked" and d["messages"] == 4'
expect_rc 0 tool Alice mikey receive --json \
	--in "$work/r1/sip_alice@streamwide.com.gmk.mikey"
json_check "$work/out" 'd["key_id"] == "'"$gmk"'" and d["status"] == "revoked"'
expect_rc 0 tool GMS key list --json
json_check "$work/out" '[k["status"] for k in d if k.get("key_id") in ("'"$gmk"'", "'"$mkfc"'")] == ["revoked", "revoked"]'
# a revoked key is not sent again; the group can be keyed anew
expect_rc 1 tool GMS mikey send --key "$gmk" --to "$alice" --out "$work/x"
expect_rc 0 tool GMS gms create-group --group-id "$g1" --json
[ "$(json_get "$work/out" 'd["gmk_id"]')" != "$gmk" ] || fail "same K-ID"

# ---- regroup: the union of two groups' members ------------------------------
g2="g2@$gms"
printf '%s\n' "$bob" >"$work/g2.members"
expect_rc 0 tool GMS gms create-group --group-id "$g2" --members "$work/g2.members"
expect_rc 0 tool GMS gms regroup --from-groups "$g1,$g2" --group-id "t1@$gms" \
	--time "$at" --json --out "$work/t1"
json_check "$work/out" 'd["members"] == 2 and d["messages"] == 2'
t1=$(json_get "$work/out" 'd["gmk_id"]')
expect_rc 0 tool Bob mikey receive --json \
	--in "$work/t1/sip_bob@streamwide.com.gmk.mikey"
json_check "$work/out" 'd["key_id"] == "'"$t1"'" and d["group_ids"] == ["t1@'"$gms"'"]'
expect_rc 1 tool GMS gms regroup --from-groups "$g1,nosuch@$gms" \
	--group-id "t2@$gms" --out "$work/t2"
grep -q 'no members' "$work/err" || fail "regroup of an unknown group"

# ---- partner GMS: Bob's token forwards the GMK of g3 to Alice ---------------
g3="g3@$gms"
printf '%s\n' "$bob" >"$work/g3.members"
expect_rc 0 tool GMS gms create-group --group-id "$g3" --json
g3cv=$(json_get "$work/out" 'd["gmk_check_value"]')
g3id=$(json_get "$work/out" 'd["gmk_id"]')
expect_rc 0 tool GMS gms distribute --group-id "$g3" --members "$work/g3.members" \
	--time "$at" --out "$work/g3"
printf '%s\n' "$alice" >"$work/partner.members"
expect_rc 0 tool Bob gms forward --in "$work/g3/sip_bob@streamwide.com.gmk.mikey" \
	--members "$work/partner.members" --time "$at" --json --out "$work/fwd"
json_check "$work/out" 'd["received"]["key_id"] == "'"$g3id"'" and d["messages"] == 1'
bob_ukid=$(json_get "$work/out" 'd["received"]["uk_id"]')
expect_rc 0 "$TOOL" mikey inspect --json "$work/fwd/sip_alice@streamwide.com.gmk.mikey"
json_check "$work/out" '[p["id_text"] for p in d["payloads"] if p["type"] == "IDR"][0] == "'"$bob"'"'
expect_rc 0 tool Alice mikey receive --json \
	--in "$work/fwd/sip_alice@streamwide.com.gmk.mikey"
json_check "$work/out" 'd["key_id"] == "'"$g3id"'" and d["check_value"] == "'"$g3cv"'" and d["sender"] == "'"$bob"'"'
# same K-ID, a new GUK-ID for the partner's member (F.1.3)
json_check "$work/out" 'd["uk_id"] not in ("'"$bob_ukid"'", "'"$g3id"'")'
# without the configured partner, Bob is not authorised for g3
sed -i '/^authorised_gms/d' "$work/Alice/conf"
expect_rc 0 tool GMS gms create-group --group-id "g4@$gms"
expect_rc 0 tool GMS gms distribute --group-id "g4@$gms" --members "$work/g3.members" \
	--time "$at" --out "$work/g4"
expect_rc 0 tool Bob gms forward --in "$work/g4/sip_bob@streamwide.com.gmk.mikey" \
	--members "$work/partner.members" --time "$at" --out "$work/fwd4"
expect_rc 1 tool Alice mikey receive --in "$work/fwd4/sip_alice@streamwide.com.gmk.mikey"
expect_ckr CKR_MCX_SENDER_NOT_AUTHORISED
echo "mikey/gms commands: ok"
