#!/bin/bash
# `mcxhsm trk` and `mcxhsm kms import` through the built tool and module
# (issue 4, MCX-REFERENCE §6, decision b):
#  - trk import / generate print the check value, never the key;
#  - the §6.3 Annex D example (RFC test KMS) imports its certificate; its
#    key set is refused by default (the token's RSK check fails) and
#    accepted only with the logged --uid-as-text;
#  - the Streamwide v5 KMS and GMS/Alice/Bob key sets import in the clear
#    and TrK-encrypted (built here with OpenSSL's AES key wrap), signed with
#    the InK or not, and the imported keys sign/verify and SAKKE-unwrap;
#  - every bad input of the issue is refused naming its element, and
#    nothing is stored.
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
GEN="$PY $MCXHSM_SRCDIR/tests/kms/kms_xml_gen.py"
KT="$MCXHSM_BUILDDIR/tests/kms/kms_tool"
V="$MCXHSM_SRCDIR/tests/vectors/kms_xml"
# kms_tool loads the module itself: under ASan the runtime must come first
ktool() { LD_PRELOAD="${MCXHSM_ASAN_PRELOAD:-}" "$KT" "$@"; }

# Fixed keys of this test (never a secret of anyone).
trk=5a1e0c3b9d8f7a6e4c2b1a09f8e7d6c5b4a39281706f5e4d3c2b1a0918273645
ink=0f1e2d3c4b5a69788796a5b4c3d2e1f00112233445566778899aabbccddeeff0
printf '%s\n' "$trk" >"$work/trk.hex"
printf '%s\n' "$ink" >"$work/ink.hex"

for t in rfc sw swe bad; do
	expect_rc 0 "$TOOL" token init --label "$t" \
		--so-pin-file "$work/so.pin" --pin-file "$work/user.pin"
done

# ---- trk ------------------------------------------------------------------
expect_rc 0 "$TOOL" --token swe trk import --id 01 --label trk-1 \
	--key-file "$work/trk.hex"
grep -q "check_value $(aes_check_value "$trk")" "$work/out" ||
	fail "trk import: check value: $(cat "$work/out")"
! grep -qi "$trk" "$work/out" "$work/err" || fail "trk import printed the TrK"
# the same TrK as 32 raw octets, in another token
printf '%s' "$trk" | xxd -r -p >"$work/trk.bin"
expect_rc 0 "$TOOL" --token bad trk import --id 01 --label trk-1 \
	--key-file "$work/trk.bin"
grep -q "check_value $(aes_check_value "$trk")" "$work/out" ||
	fail "trk import (raw): check value"
expect_rc 1 "$TOOL" --token swe trk import --id 02 --label trk-1 \
	--key-file "$work/trk.hex"
grep -q "exists already" "$work/err" || fail "duplicate TrK label accepted"
printf '0011' >"$work/short.hex"
expect_rc 1 "$TOOL" --token swe trk import --id 03 --label x \
	--key-file "$work/short.hex"
expect_rc 0 "$TOOL" --token swe trk generate --id 04 --label trk-gen
grep -q '^check_value [0-9a-f]\{6\}$' "$work/out" || fail "trk generate output"
expect_rc 0 "$TOOL" --token swe trk import --ink --id 05 --label ink-1 \
	--key-file "$work/ink.hex"
expect_rc 0 "$TOOL" --token swe key list --json
json_check "$work/out" '[(k["key_type"], k["sensitive"], k["extractable"]) for k in d if k["label"] in ("trk-1", "trk-gen")] == [("CKK_AES", True, False)] * 2'
json_check "$work/out" '[k["key_type"] for k in d if k["label"] == "ink-1"] == ["CKK_GENERIC_SECRET"]'

# ---- §6.3: the Annex D example of the RFC test KMS -------------------------
expect_rc 0 "$TOOL" --token rfc kms import --json "$V/streamwide_kms_init_response.xml"
json_check "$work/out" 'd["certificates"] == 1 and d["per_file"][0]["type"] == "KmsInit"'
expect_rc 1 "$TOOL" --token rfc kms import "$V/streamwide_kms_keyprov_response.xml"
grep -q 'KmsKeySet\[1\]/UserDecryptKey: RSK fails validation' "$work/err" ||
	fail "6.3 key set: $(cat "$work/err")"
expect_rc 0 "$TOOL" --token rfc key list --json
json_check "$work/out" 'not [k for k in d if k["class"] == "CKO_PRIVATE_KEY"]'
expect_rc 0 "$TOOL" --token rfc kms import --uid-as-text --json \
	"$V/streamwide_kms_keyprov_response.xml"
grep -q 'warning: .*--uid-as-text' "$work/err" || fail "--uid-as-text not logged"
json_check "$work/out" 'd["key_sets"] == 1'
expect_rc 0 "$TOOL" --token rfc key list --json
json_check "$work/out" 'sorted(k["key_type"] for k in d if k.get("user_uri") == "alice@org.com" and k["key_period_no"] == 625 and k["status"] == "active") == ["CKK_MCX_ECCSI", "CKK_MCX_SAKKE"]'
json_check "$work/out" '[k["status"] for k in d if k["class"] == "CKO_PUBLIC_KEY"] == ["active"] * 2'

# ---- Streamwide v5, clear ---------------------------------------------------
$GEN init >"$work/sw_init.xml"
$GEN keyprov >"$work/sw_keys.xml"
expect_rc 0 "$TOOL" --token sw kms import --json "$work/sw_init.xml" "$work/sw_keys.xml"
json_check "$work/out" 'd["certificates"] == 1 and d["key_sets"] == 3 and d["failed_files"] == 0'
expect_rc 0 "$TOOL" --token sw key list --json
json_check "$work/out" 'sorted(k["uid"] for k in d if k["class"] == "CKO_PRIVATE_KEY" and k["key_type"] == "CKK_MCX_SAKKE") == sorted(["15a4d5b12856538d02d91fedbb766e6dd377b014c92e216666c8fb678608d20e", "b5c452309219da6a3d805615548d6c1b0f4de45a6b48fb13d9a24d857fc03dc4", "780851cda91a9c33f941cd3a2831697e2893264754e363f8a0cef827eb201a81"])'
# period 236 of 16777215 s from 1900 (§6.2): 2025-06-20 .. 2025-12-31
json_check "$work/out" 'all(k["valid_from"] == "2025-06-20T15:39:00Z" and k["valid_to"] == "2025-12-31T19:59:15Z" for k in d if k["class"] == "CKO_PRIVATE_KEY")'
expect_rc 0 ktool use sw gms@streamwide.com
expect_rc 0 ktool use sw sip:bob@streamwide.com
# a re-import changes nothing
expect_rc 0 "$TOOL" --token sw kms import --json "$work/sw_init.xml" "$work/sw_keys.xml"
json_check "$work/out" 'd["certificates"] == 0 and d["key_sets"] == 0 and d["unchanged"] == 3'

# ---- KmsCertCache: Role, validity and Revoked are kept and honoured ------
$GEN certcache >"$work/cc.xml"
$GEN certcache --revoked >"$work/cc_revoked.xml"
expect_rc 0 "$TOOL" --token bad kms import --json "$work/cc.xml"
json_check "$work/out" 'd["certificates"] == 1 and d["per_file"][0]["type"] == "KmsCertCache"'
expect_rc 0 "$TOOL" --token bad key list --json
json_check "$work/out" '[(k["valid_from"], k["valid_to"], k["status"]) for k in d if k["class"] == "CKO_PUBLIC_KEY"] == [("2025-01-01T00:00:00Z", "2027-01-01T00:00:00Z", "active")] * 2'
expect_rc 0 "$TOOL" --token bad kms import --json "$work/cc_revoked.xml"
expect_rc 0 "$TOOL" --token bad key list --json
json_check "$work/out" '[k["status"] for k in d if k["class"] == "CKO_PUBLIC_KEY"] == ["revoked"] * 2'
expect_rc 1 "$TOOL" --token bad kms import "$work/sw_keys.xml"
grep -q "KmsKeySet\[1\]/KmsUri: the certificate of KMS 'kms.mydev.streamwide.com' is revoked" "$work/err" ||
	fail "key set of a revoked KMS: $(cat "$work/err")"
expect_rc 0 "$TOOL" --token bad key delete --label kms.mydev.streamwide.com

# ---- Streamwide v5, TrK-encrypted and InK-signed ----------------------------
$GEN keyprov --trk "$trk" --key-name trk-1 >"$work/sw_enc.xml"
! grep -qi "${trk:0:16}" "$work/sw_enc.xml" || fail "TrK in the XML"
grep -q 'kw-aes-256-pad' "$work/sw_enc.xml" || fail "generator: no KWP"
expect_rc 0 ktool sign-xml "$ink" ink-1 "$work/sw_init.xml" "$work/sw_init_signed.xml"
expect_rc 0 ktool sign-xml "$ink" ink-1 "$work/sw_enc.xml" "$work/sw_enc_signed.xml"
expect_rc 0 "$TOOL" --token swe kms import --require-signature --json \
	"$work/sw_init_signed.xml" "$work/sw_enc_signed.xml"
json_check "$work/out" 'd["certificates"] == 1 and d["key_sets"] == 3 and all(f["signed"] for f in d["per_file"])'
expect_rc 0 ktool use swe sip:alice@streamwide.com
expect_rc 0 "$TOOL" --token swe key list --json
json_check "$work/out" 'len([k for k in d if k["class"] == "CKO_PRIVATE_KEY" and k["sensitive"] and not k["extractable"]]) == 6'

# ---- bad input: refused, the element named, nothing stored ------------------
expect_rc 0 "$TOOL" --token bad kms import "$work/sw_init.xml"
expect_rc 0 "$TOOL" --token bad key list --json
cp "$work/out" "$work/before.json"
refused() { # FILE PATTERN [OPTIONS...]: import refused with PATTERN on stderr
	local f=$1 pat=$2
	shift 2
	expect_rc 1 "$TOOL" --token bad kms import "$@" "$f"
	grep -q -- "$pat" "$work/err" ||
		fail "$f: expected '$pat', got: $(cat "$work/err")"
}
# One import of all the bad files (one transaction each, one login): each
# file's refusal is its own line "mcxhsm: FILE: ELEMENT: why".
files=() pats=()
bad() { # MUTATION PATTERN [GENERATOR OPTIONS...]
	local m=$1 pat=$2
	shift 2
	$GEN keyprov --mutate "$m" "$@" >"$work/bad_$m.xml"
	files+=("$work/bad_$m.xml")
	pats+=("bad_$m.xml: .*$pat")
}
bad uid 'KmsKeySet\[3\]/UserID: does not match UID'
bad rsk 'KmsKeySet\[3\]/UserDecryptKey: RSK fails validation'
bad ssk 'KmsKeySet\[3\]/UserSigningKeySSK: SSK/PVT fails validation'
bad truncated-rsk 'KmsKeySet\[3\]/UserDecryptKey: key text is neither'
bad nonhex-ssk 'KmsKeySet\[3\]/UserSigningKeySSK: SSK of 48 octets'
bad short-ssk 'KmsKeySet\[3\]/UserSigningKeySSK: SSK of 31 octets'
bad algorithm 'UserDecryptKey/EncryptedKey/EncryptionMethod: unsupported key-wrap algorithm http://www.w3.org/2001/04/xmlenc#aes128-cbc' --trk "$trk"
bad tamper-rsk 'KmsKeySet\[3\]/UserDecryptKey: key-wrap integrity check failed' --trk "$trk"
bad tamper-pvt 'KmsKeySet\[3\]/UserSigningKeySSK and UserPubTokenPVT: key-wrap integrity' --trk "$trk"
bad doctype 'DOCTYPE or entity declaration not allowed'
bad entity "Entity 'ext' not defined"
bad duplicate 'KmsKeySet\[4\]: the same UserUri, KmsUri and KeyPeriodNo as KmsKeySet\[1\]'
$GEN keyprov --trk "$trk" --key-name trk-9 >"$work/bad_trk.xml"
files+=("$work/bad_trk.xml")
pats+=("bad_trk.xml: KmsKeySet\[1\]/UserDecryptKey: encrypted under TrK 'trk-9', which the token does not hold")
$GEN keyprov --trk "${trk%??}00" --key-name trk-1 >"$work/bad_wrongtrk.xml"
files+=("$work/bad_wrongtrk.xml")
pats+=('bad_wrongtrk.xml: KmsKeySet\[1\]/UserDecryptKey: key-wrap integrity check failed')
$GEN keyprov --kms-uri kms.unknown.example >"$work/bad_kms.xml"
files+=("$work/bad_kms.xml")
pats+=("bad_kms.xml: KmsKeySet\[1\]/KmsUri: no certificate of KMS 'kms.unknown.example'")
# 100 MB: refused from its size, before it is read
truncate -s 100M "$work/big.xml"
files+=("$work/big.xml")
pats+=('big.xml: .*file of 104857600 octets (limit')
expect_rc 1 "$TOOL" --token bad kms import --json "${files[@]}"
for p in "${pats[@]}"; do
	grep -q -- "$p" "$work/err" || fail "expected '$p', got: $(cat "$work/err")"
done
json_check "$work/out" 'd["failed_files"] == d["files"] == '"${#files[@]}"' and d["key_sets"] == 0'
# wrong HMAC signature (and a signed file with no InK in the token)
expect_rc 0 ktool sign-xml "${ink%??}00" ink-1 "$work/sw_keys.xml" "$work/bad_sig.xml"
refused "$work/bad_sig.xml" 'Signature/SignatureValue'
grep -q "InK named 'ink-1'" "$work/err" || fail "missing InK not said"
expect_rc 0 "$TOOL" --token bad trk import --ink --id 05 --label ink-1 \
	--key-file "$work/ink.hex"
refused "$work/bad_sig.xml" 'Signature/SignatureValue'
refused "$work/sw_keys.xml" 'unsigned document' --require-signature
expect_rc 0 "$TOOL" --token bad key list --json
"$PY" - "$work/before.json" "$work/out" <<'EOF' || fail "a refused file stored something"
import json, sys
a = [k for k in json.load(open(sys.argv[1])) if k["class"] != "CKO_SECRET_KEY"]
b = [k for k in json.load(open(sys.argv[2])) if k["class"] != "CKO_SECRET_KEY"]
sys.exit(0 if a == b and len(a) == 2 else 1)
EOF
echo "kms_import: ok"
