#!/bin/bash
# tshark (Wireshark's MIKEY dissector, Debian) decodes the I_MESSAGEs our
# token makes through `mcxhsm mikey send` / `gms distribute`: each message
# is wrapped in UDP to port 2269 (the MIKEY port, which tshark dissects as
# MIKEY) with text2pcap, and every field tshark shows for HDR, T, RAND,
# IDR, SP, SAKKE, GE and SIGN is compared with the message's own bytes as
# our decoder (`mcxhsm mikey inspect --json`) places them: value and
# position.  Messages: a PCK with URIs, a PCK with hidden identities
# (IDRuidi/IDRuidr, roles 8/9), and a GMK (GENERIC-ID map, GUK-ID).
#
# Wireshark 4.0's dissector does not know the RFC 6043 GENERIC-ID map
# (type 2) that GMK messages carry, so for those only HDR is compared
# unless the installed tshark decodes further.
set -eu
: "${MCXHSM_SRCDIR:?}" "${MCXHSM_BUILDDIR:?}" "${MCXHSM_MODULE:?}"
command -v tshark >/dev/null && command -v text2pcap >/dev/null ||
	{ echo "SKIP: tshark or text2pcap missing" >&2; exit 77; }
. "$MCXHSM_SRCDIR/tests/admin/lib.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/tokens"
export MCXHSM_CONF="$work/conf"
printf 'token_dir = %s\n' "$work/tokens" >"$MCXHSM_CONF"
printf 'so-pin-tshark\n' >"$work/so.pin"
printf 'user-pin-tshark\n' >"$work/user.pin"
# the Streamwide key period 236 contains this time (MCX-REFERENCE §5.6)
at=2025-10-02T23:47:52Z

expect_rc 0 "$TOOL" token init --label gms --so-pin-file "$work/so.pin" \
	--pin-file "$work/user.pin"
py_mikey() {
	LD_PRELOAD="$PRELOAD" ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" \
		"$PY" "$MCXHSM_SRCDIR/tests/admin/mikey_p11.py" "$@"
}
py_mikey provision "$work/user.pin" GMS || fail "provisioning"
pck=$(py_mikey keygen "$work/user.pin" 1 pck) || fail "PCK generation"
expect_rc 0 "$TOOL" --pin-file "$work/user.pin" mikey send --key "$pck" \
	--to sip:bob@streamwide.com --time "$at" --text "tshark check" \
	--out "$work/pck.mikey"
expect_rc 0 "$TOOL" --pin-file "$work/user.pin" mikey send --key "$pck" \
	--to sip:bob@streamwide.com --time "$at" --hide-identities \
	--out "$work/pck-hidden.mikey"
printf 'sip:alice@streamwide.com\n' >"$work/members"
expect_rc 0 "$TOOL" --pin-file "$work/user.pin" gms create-group \
	--group-id g1@gms@streamwide.com
expect_rc 0 "$TOOL" --pin-file "$work/user.pin" gms distribute \
	--group-id g1@gms@streamwide.com --members "$work/members" \
	--time "$at" --out "$work/gmk"
cp "$work/gmk/sip_alice@streamwide.com.gmk.mikey" "$work/gmk.mikey"

for m in pck pck-hidden gmk; do
	expect_rc 0 "$TOOL" mikey inspect --json "$work/$m.mikey"
	cp "$work/out" "$work/$m.json"
	od -Ax -tx1 -v "$work/$m.mikey" >"$work/$m.hex"
	# (text2pcap writes a separator line on stderr even with -q)
	text2pcap -q -u 2269,2269 "$work/$m.hex" "$work/$m.pcap" 2>"$work/t2p.err" ||
		{ cat "$work/t2p.err" >&2; fail "text2pcap $m"; }
	tshark -r "$work/$m.pcap" -T pdml >"$work/$m.pdml" 2>"$work/tshark.err" ||
		{ cat "$work/tshark.err" >&2; fail "tshark on $m"; }
	"$PY" - "$work/$m.json" "$work/$m.pdml" "$m" <<'PY' || fail "tshark disagrees on $m"
import json, sys
import xml.etree.ElementTree as ET

ours = json.load(open(sys.argv[1]))
name = sys.argv[3]
root = ET.parse(sys.argv[2]).getroot()
proto = [p for p in root.iter("proto") if p.get("name") == "mikey"]
if len(proto) != 1:
    sys.exit("tshark did not dissect MIKEY")
udp = [p for p in root.iter("proto") if p.get("name") == "udp"][0]
base = int(udp.get("pos")) + 8          # the message starts after UDP

def fields(node, prefix):
    return [f for f in node.iter("field") if f.get("name", "").startswith(prefix)]

def hexval(f):
    return f.get("value").lower()

bad, checked = [], []
def expect(what, have, want):
    checked.append(what)
    if have != want:
        bad.append("%s: tshark %r, ours %r" % (what, have, want))

pl = ours["payloads"]
hdr = pl[0]
top = fields(proto[0], "mikey.hdr")[0]
expect("HDR pos", int(top.get("pos")) - base, 0)
for fname, key in (("mikey.version", "version"), ("mikey.type", "data_type"),
                   ("mikey.cs_count", "n_cs"),
                   ("mikey.cs_id_map_type", "cs_id_map_type")):
    f = fields(top, fname)[0]
    expect("HDR " + key, int(f.get("show")), hdr[key])
expect("HDR csb_id", hexval(fields(top, "mikey.csb_id")[0]), hdr["csb_id"])

generic = hdr["cs_id_map_type"] == 2
tops = {}
for f in proto[0]:
    tops.setdefault(f.get("name"), []).append(f)
t_ours = [p for p in pl if p["type"] == "T"][0]["offset"]
if generic and ("mikey.t" not in tops or
                int(tops["mikey.t"][0].get("pos")) - base != t_ours):
    print("%s: this tshark does not decode the GENERIC-ID map; HDR only"
          % name)
    if bad:
        sys.exit("\n".join(bad))
    print("%s: %d fields agree" % (name, len(checked)))
    sys.exit(0)
if any("malformed" in (p.get("name") or "") for p in root.iter("proto")):
    sys.exit("tshark reports a malformed packet")

def payloads(kind):
    return [p for p in pl if p["type"] == kind]

# T, RAND
t, f = payloads("T")[0], tops["mikey.t"][0]
expect("T pos", int(f.get("pos")) - base, t["offset"])
expect("T ts_type", int(fields(f, "mikey.t.ts_type")[0].get("show")), t["ts_type"])
expect("T ntp", hexval(fields(f, "mikey.t.ntp")[0]), t["ts"])
r, f = payloads("RAND")[0], tops["mikey.rand"][0]
expect("RAND pos", int(f.get("pos")) - base, r["offset"])
expect("RAND", hexval(fields(f, "mikey.rand.data")[0]), r["rand"])
# IDR, in order
idrs = payloads("IDR")
expect("IDR count", len(tops.get("mikey.idr", [])), len(idrs))
for i, (ti, oi) in enumerate(zip(tops.get("mikey.idr", []), idrs)):
    expect("IDR%d pos" % i, int(ti.get("pos")) - base, oi["offset"])
    expect("IDR%d role" % i, int(fields(ti, "mikey.id.role")[0].get("show")), oi["id_role"])
    expect("IDR%d type" % i, int(fields(ti, "mikey.id.type")[0].get("show")), oi["id_type"])
    expect("IDR%d data" % i, hexval(fields(ti, "mikey.id.data")[0]), oi["id_hex"])
# SP
for sp, f in zip(payloads("SP"), tops.get("mikey.sp", [])):
    expect("SP pos", int(f.get("pos")) - base, sp["offset"])
    expect("SP param_len", int(fields(f, "mikey.sp.param_len")[0].get("show")), sp["param_len"])
    expect("SP types", [int(x.get("show")) for x in fields(f, "mikey.sp.param.type")],
           [p["type"] for p in sp["params"]])
# SAKKE
s, f = payloads("SAKKE")[0], tops["mikey.sakke"][0]
expect("SAKKE pos", int(f.get("pos")) - base, s["offset"])
expect("SAKKE params", int(fields(f, "mikey.sakke.params")[0].get("show")), s["sakke_params"])
expect("SAKKE id scheme", int(fields(f, "mikey.sakke.idscheme")[0].get("show")), s["id_scheme"])
expect("SAKKE data", hexval(fields(f, "mikey.sakke.data")[0]), s["sakke_data"])
# GE (type 7, key parameters)
for g, f in zip(payloads("GEN-EXT"), tops.get("mikey.ext", [])):
    expect("GE pos", int(f.get("pos")) - base, g["offset"])
    expect("GE type", int(fields(f, "mikey.ext.type")[0].get("show")), g["ext_type"])
    expect("GE data", hexval(fields(f, "mikey.ext.data")[0]), g["ext_data"])
# SIGN
g, f = payloads("SIGN")[0], tops["mikey.sign"][0]
expect("SIGN pos", int(f.get("pos")) - base, g["offset"])
expect("SIGN type", int(fields(f, "mikey.sign.type")[0].get("show")), 2)
expect("SIGN len", int(fields(f, "mikey.sign.len")[0].get("show")), 129)
expect("SIGN data", hexval(fields(f, "mikey.sign.data")[0]), g["signature"])
if bad:
    sys.exit("\n".join(bad))
print("%s: %d fields agree" % (name, len(checked)))
PY
done
echo "tshark: ok"
