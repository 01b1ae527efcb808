#!/bin/bash
# The whole MCX story (issue 5), every step through the mcxhsm admin tool,
# one token per party, each in its own token directory:
#
#   1. a KMS token creates its master secrets (kms create) and issues key
#      sets under the TrK (kms issue) for the GMS, the partner GMS and N
#      users; the KMS certificate goes out as KmsInit XML
#   2. every party provisions its own token (token init, trk import,
#      kms import)
#   3. the GMS creates group "patrol" (a GMK and a floor-control MKFC) and
#      distributes both to its members as signed MIKEY-SAKKE I_MESSAGEs
#   4. every member receives them; the token checks signature, SAKKE,
#      GUK-ID, key parameters and the GMS's authority over the group
#   5. the GMS revokes the group's keys; every member records them revoked
#   6. a multi-domain regroup (TS 33.180 7.3.3.3): a new GMK for
#      "incident-1", sent to the patrol members and to the partner GMS,
#      which forwards it to its own users signed with its identity
#   7. regroup keys (issue 6, tests/demo/regroup.sh): an MC service server
#      and five members holding the regroup GMK exchange CSKs and a MuSiK
#      by MIKEY-SAKKE and derive the same RGK (with N >= 5)
#   8. a summary: who holds which K-ID, check values equal, timings
#
#   tests/demo/story.sh BUILD_DIR VAR_DIR [--members N]   (default N = 50)
#
# All tokens share the demo PINs (one PIN file, the tool's --pin-file).
set -euo pipefail
trap 'echo "story: failed at line $LINENO: $BASH_COMMAND" >&2' ERR

[ $# -ge 2 ] || { echo "usage: $0 BUILD_DIR VAR_DIR [--members N]" >&2; exit 2; }
build=$(cd "$1" && pwd)
mkdir -p "$2"
var=$(cd "$2" && pwd)
shift 2
members=50
while [ $# -gt 0 ]; do
	case $1 in
	--members) members=$2; shift 2 ;;
	*) echo "story: unknown option $1" >&2; exit 2 ;;
	esac
done
[ "$members" -ge 2 ] 2>/dev/null || { echo "story: --members N, N >= 2" >&2; exit 2; }

export MCXHSM_MODULE="${MCXHSM_MODULE:-$build/token/.libs/libmcxhsm.so}"
export TOOL="$build/admin/mcxhsm"
export STORY="$var/story"
rm -rf "$STORY"
mkdir -p "$STORY/parties" "$STORY/keys" "$STORY/msgs" "$STORY/rx"
chmod 700 "$STORY"
umask 077
jobs=$(nproc 2>/dev/null || echo 2)

# Identities: one KMS; the primary GMS and its users in police.example, the
# partner GMS and its users in fire.example (a fifth of the users).
export KMS=kms.mcx.example GMS=gms@police.example PARTNER=gms@fire.example
export SERVER=sip:mcptt-server@police.example
n_fire=$((members / 5 > 0 ? members / 5 : 1))
n_police=$((members - n_fire))
for i in $(seq 1 "$n_police"); do printf 'sip:officer%03d@police.example\n' "$i"; done >"$STORY/police.txt"
for i in $(seq 1 "$n_fire"); do printf 'sip:firefighter%03d@fire.example\n' "$i"; done >"$STORY/fire.txt"
printf '%s\n' "$PARTNER" >"$STORY/partner.txt"
PATROL="patrol@$GMS" ENGINES="engines@$PARTNER" INCIDENT="incident-1@$GMS"
export PATROL ENGINES INCIDENT

printf 'demo-so-pin-%s\n' "$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')" >"$STORY/so.pin"
printf 'demo-user-pin-%s\n' "$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')" >"$STORY/user.pin"
# The TrK the KMS and the parties share (delivered out of band).
od -An -N32 -tx1 /dev/urandom | tr -d ' \n' >"$STORY/trk.hex"

# dir PARTY: a party's directory name; t PARTY ARGS: the tool on its token
dir() { printf '%s/parties/%s' "$STORY" "$(printf '%s' "$1" | tr -c 'A-Za-z0-9.@+-' '_')"; }
t() {
	local d
	d=$(dir "$1")
	shift
	MCXHSM_CONF="$d/conf" "$TOOL" --pin-file "$STORY/user.pin" "$@"
}
msgfile() { printf '%s/%s' "$1" "$(printf '%s' "$2" | tr -c 'A-Za-z0-9.@+-' '_')"; }
export -f dir t msgfile

now() { date +%s.%N; }
declare -A took
phase() { # NAME CMD...: run, record the seconds
	local name=$1 t0 t1
	shift
	t0=$(now)
	"$@"
	t1=$(now)
	took[$name]=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
	# on stderr: the command's stdout may go to a file
	printf '  (%s: %s s)\n' "$name" "${took[$name]}" >&2
}
section() { printf '\n== %s\n' "$*"; }
indent() { sed 's/^/  /'; }

new_token() { # PARTY [authorised_gms line]
	local d
	d=$(dir "$1")
	mkdir -p "$d/tokens"
	printf 'token_dir = %s\n' "$d/tokens" >"$d/conf"
	[ -z "${2:-}" ] || printf 'authorised_gms = %s\n' "$2" >>"$d/conf"
	MCXHSM_CONF="$d/conf" "$TOOL" token init --label "$1" \
		--so-pin-file "$STORY/so.pin" --pin-file "$STORY/user.pin" >/dev/null
}
export -f new_token

# ---- 1. the KMS -----------------------------------------------------------------
kms_setup() {
	new_token "$KMS"
	t "$KMS" kms create --uri "$KMS" --period 2592000 --offset 0 | indent
	t "$KMS" trk import --id 01 --label trk --key-file "$STORY/trk.hex" | indent
	t "$KMS" kms certificate --out "$STORY/keys/kms-cert.xml" | indent
}
issue_one() { t "$KMS" kms issue --user "$1" --trk trk --out "$STORY/keys/$(basename "$(dir "$1")").xml" >/dev/null; }
export -f issue_one
issue_all() {
	cat "$STORY/all.txt" | xargs -P "$jobs" -I{} bash -c 'issue_one "$1"' _ {}
	echo "  issued $(wc -l <"$STORY/all.txt") key sets (RSK, SSK, PVT) wrapped under the TrK"
}
{ printf '%s\n%s\n%s\n' "$GMS" "$PARTNER" "$SERVER"; cat "$STORY/police.txt" "$STORY/fire.txt"; } >"$STORY/all.txt"
parties=$(wc -l <"$STORY/all.txt")
section "1. KMS $KMS: master secrets in its token, key sets for $parties parties"
phase kms kms_setup
phase issue issue_all

# ---- 2. every party provisions its own token --------------------------------------
provision_one() { # PARTY [authorised_gms]
	new_token "$1" "${2:-}"
	t "$1" trk import --id 01 --label trk --key-file "$STORY/trk.hex" >/dev/null
	t "$1" kms import --trk trk "$STORY/keys/kms-cert.xml" \
		"$STORY/keys/$(basename "$(dir "$1")").xml" >/dev/null
}
export -f provision_one
provision_all() {
	# fire.example users accept the partner GMS for police.example groups
	{
		printf '%s\n' "$GMS" "$PARTNER" "$SERVER"
		cat "$STORY/police.txt"
	} | xargs -P "$jobs" -I{} bash -c 'provision_one "$1"' _ {}
	xargs -P "$jobs" -I{} bash -c 'provision_one "$1" "police.example $PARTNER"' _ {} \
		<"$STORY/fire.txt"
	echo "  $parties tokens: token init, trk import, kms import (certificate + own key set)"
}
section "2. Every party provisions its own token"
phase provision provision_all
t "$(head -n1 "$STORY/police.txt")" key list | indent

# ---- 3. the GMS creates the group and distributes its keys ------------------------
section "3. GMS $GMS: group $PATROL, GMK + MKFC to $n_police members"
t "$GMS" gms create-group --group-id "$PATROL" --floor-control \
	--members "$STORY/police.txt" --json >"$STORY/patrol.json"
indent <"$STORY/patrol.json"
phase distribute t "$GMS" gms distribute --group-id "$PATROL" \
	--text "patrol" --json --out "$STORY/msgs/patrol" >"$STORY/distribute.json"
indent <"$STORY/distribute.json"
first=$(head -n1 "$STORY/police.txt")
"$TOOL" mikey inspect "$(msgfile "$STORY/msgs/patrol" "$first").gmk.mikey" |
	grep -E '^[A-Z]|csb_id|spi |id_text|dppk_id' | head -n 20 | indent

# ---- 4. every member receives and checks them --------------------------------------
receive_one() { # MEMBER TAG FILES...
	local m=$1 tag=$2 args=()
	shift 2
	for f in "$@"; do args+=(--in "$f"); done
	t "$m" mikey receive "${args[@]}" --json >"$STORY/rx/$(basename "$(dir "$m")").$tag.json"
}
export -f receive_one
receive_patrol() {
	xargs -P "$jobs" -I{} bash -c 'f=$(msgfile "$STORY/msgs/patrol" "$1"); receive_one "$1" patrol "$f.gmk.mikey" "$f.mkfc.mikey"' _ {} <"$STORY/police.txt"
	echo "  $n_police members received the GMK and the MKFC"
}
section "4. Every member receives the GMK and MKFC into its token"
phase receive receive_patrol
indent <"$STORY/rx/$(basename "$(dir "$first")").patrol.json" | head -n 16

# ---- 5. revocation -------------------------------------------------------------
receive_revoke() {
	xargs -P "$jobs" -I{} bash -c 'f=$(msgfile "$STORY/msgs/revoke" "$1"); receive_one "$1" revoke "$f.gmk.mikey" "$f.mkfc.mikey"' _ {} <"$STORY/police.txt"
	echo "  $n_police members recorded the GMK and MKFC revoked"
}
section "5. The GMS revokes $PATROL's keys"
phase revoke t "$GMS" gms revoke --group-id "$PATROL" --json --out "$STORY/msgs/revoke" >"$STORY/revoke.json"
indent <"$STORY/revoke.json"
phase receive_revoke receive_revoke

# ---- 6. multi-domain regroup through the partner GMS --------------------------
receive_incident() {
	xargs -P "$jobs" -I{} bash -c 'f=$(msgfile "$STORY/msgs/incident" "$1"); receive_one "$1" incident "$f.gmk.mikey"' _ {} <"$STORY/police.txt"
	xargs -P "$jobs" -I{} bash -c 'f=$(msgfile "$STORY/msgs/incident-fire" "$1"); receive_one "$1" incident "$f.gmk.mikey"' _ {} <"$STORY/fire.txt"
	echo "  $n_police police.example and $n_fire fire.example members received the regroup GMK"
}
section "6. Multi-domain regroup $INCIDENT: $PATROL + $ENGINES (via partner GMS $PARTNER)"
t "$GMS" gms create-group --group-id "$ENGINES" --members-only \
	--members "$STORY/partner.txt" >/dev/null
phase regroup t "$GMS" gms regroup --from-groups "$PATROL,$ENGINES" \
	--group-id "$INCIDENT" --text "incident 1" --json --out "$STORY/msgs/incident" >"$STORY/regroup.json"
indent <"$STORY/regroup.json"
phase forward t "$PARTNER" gms forward \
	--in "$(msgfile "$STORY/msgs/incident" "$PARTNER").gmk.mikey" \
	--members "$STORY/fire.txt" --json --out "$STORY/msgs/incident-fire" >"$STORY/forward.json"
indent <"$STORY/forward.json"
phase receive_incident receive_incident

# ---- 7. regroup keys between an MC service server and five members -------------
regroup_part() {
	local incident_kid args=() u
	incident_kid=$(/usr/bin/python3 -c 'import json, sys
print(json.load(open(sys.argv[1]))["gmk_id"])' "$STORY/regroup.json")
	args=(--server "$(dir "$SERVER")/conf,$SERVER,$SERVER")
	for u in $(cat "$STORY/police.txt" "$STORY/fire.txt" | head -n 5); do
		args+=(--client "$(dir "$u")/conf,$u,$u")
	done
	"$(dirname "$0")/regroup.sh" --tool "$TOOL" --pin-file "$STORY/user.pin" \
		--work "$STORY/regroup" --gmk "$incident_kid" "${args[@]}" | indent
}
if [ "$members" -ge 5 ]; then
	section "7. Regroup keys: $SERVER and five members of $INCIDENT"
	phase rgk regroup_part
fi

# ---- 8. summary ------------------------------------------------------------------
section "8. Summary"
t "$GMS" key list --json >"$STORY/gms-keys.json"
timings=""
for k in "${!took[@]}"; do timings+="$k=${took[$k]} "; done
/usr/bin/python3 - "$STORY" "$timings" <<'PY'
import glob, json, os, sys
story, timings = sys.argv[1], dict(kv.split("=") for kv in sys.argv[2].split())
gms = {k["key_id"]: k for k in json.load(open(story + "/gms-keys.json")) if "key_id" in k}
police = open(story + "/police.txt").read().split()
fire = open(story + "/fire.txt").read().split()
def name(u):
    return u.translate({ord(c): "_" for c in ":/"})
def rx(u, tag):
    p = "%s/rx/%s.%s.json" % (story, name(u), tag)
    if not os.path.exists(p):
        return []
    d = json.load(open(p))
    return d if isinstance(d, list) else [d]
rows, bad = [], 0
keys = {}
for who, tags in [(u, ("patrol", "revoke", "incident")) for u in police] + \
        [(u, ("incident",)) for u in fire]:
    for tag in tags:
        for k in rx(who, tag):
            keys.setdefault(k["key_id"], []).append((who, tag, k))
print("  %-10s %-6s %-24s %-6s %-9s %-8s %s" % ("K-ID", "key", "group", "GMS cv", "received", "cv equal", "status at the members"))
for kid, got in sorted(keys.items(), key=lambda kv: kv[0]):
    g = gms.get(kid, {})
    holders = {w for w, tag, k in got if tag != "revoke"}
    equal = sum(1 for w, tag, k in got if tag != "revoke" and k["check_value"] == g.get("check_value"))
    last = {}                      # each holder's latest word on the key
    for w, tag, k in got:
        last[w] = k["status"]
    status = ", ".join("%s %d/%d" % (st, list(last.values()).count(st), len(last))
                       for st in sorted(set(last.values())))
    groups = sorted({x for w, tag, k in got for x in k.get("group_ids", [])})
    bad += len(holders) - equal
    print("  %-10s %-6s %-24s %-6s %-9d %-8s %s" % (kid, got[0][2]["purpose"], ",".join(groups)[:24],
          g.get("check_value", "?"), len(holders), "%d/%d" % (equal, len(holders)), status))
print()
print("  who holds which K-ID (first members of each domain):")
for u in police[:3] + fire[:2]:
    held = {}
    for tag in ("patrol", "revoke", "incident"):
        for k in rx(u, tag):
            held[k["key_id"]] = "%s %s %s" % (k["purpose"], k["key_id"], k["status"])
    print("    %-32s %s" % (u, "; ".join(held.values())))
if len(police) + len(fire) > 5:
    print("    ... and %d more members" % (len(police) + len(fire) - 5))
d = json.load(open(story + "/distribute.json"))
r = json.load(open(story + "/regroup.json"))
print()
print("  %-34s %8s" % ("phase", "seconds"))
for k in ("kms", "issue", "provision", "distribute", "receive", "revoke", "receive_revoke", "regroup", "forward", "receive_incident", "rgk"):
    if k not in timings:
        continue
    print("  %-34s %8.2f" % (k, float(timings.get(k, "nan"))))
print()
print("  GMS distribute: %d I_MESSAGEs in %.3f s inside the tool = %.0f keys/s (one thread)"
      % (d["messages"], d["seconds"], d["messages_per_second"]))
print("  GMS regroup:    %d I_MESSAGEs in %.3f s = %.0f keys/s"
      % (r["messages"], r["seconds"], r["messages_per_second"]))
print("  members checked: %d received keys, check values equal for all: %s"
      % (sum(len(v) for v in keys.values()), "yes" if bad == 0 else "NO (%d differ)" % bad))
if bad:
    sys.exit(1)
PY
echo "  story ok: $members members, tokens under $STORY/parties"
