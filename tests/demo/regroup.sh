#!/bin/bash
# The regroup part of the demo (issue 6; MCX-REFERENCE §7): RGK-SEED flows
# between an MC service server and five clients, each with its own token,
# driven by the admin tool, ending with every participant's RGK check value.
#
#   X.1  preconfigured group regroup: client 1 initiates with a seed under
#        its CSK; the server keeps it and re-wraps it: unicast to client 2
#        (its CSK), multicast to clients 3-5 (the MuSiK)
#   X.2  user regroup, unicast only: client 1 initiates, the server sends to
#        clients 2 and 3 in one call; client 4 joins late, after the start
#
# Called by tests/demo/demo.sh with the parties it provisioned (identity
# keys from its KMS, the group's GMK in every client token, CKA_DERIVE set):
#   regroup.sh --tool MCXHSM --pin-file F --work DIR --gmk GMK_KID \
#       --server CONF,TOKEN,URI --client CONF,TOKEN,URI (x5)
# CSKs travel client -> server and the MuSiK server -> clients as MIKEY-SAKKE
# I_MESSAGEs (`mikey send` / `mikey receive`).
#
# --csk-transport fixtures: the same CSKs and MuSiK imported into both
# ends' tokens instead (tests/admin/regroup_p11.py), e.g. while MIKEY-SAKKE
# between the demo's parties does not work.
# Stand-alone (no KMS needed): makes six tokens in DIR and imports the CSKs,
# the MuSiK and the GMK as fixtures:
#   regroup.sh --standalone --tool MCXHSM --work DIR
# Exit 1 if anything fails or the RGK check values differ.
set -euo pipefail
trap 'echo "regroup demo: failed at line $LINENO: $BASH_COMMAND" >&2' ERR

src=$(cd "$(dirname "$0")/../.." && pwd)
tool= pin= work= gmk= standalone=false transport=mikey
conf=() token=() uri=()
add_party() { # CONF,TOKEN,URI
	local c=${1%%,*} rest=${1#*,}
	conf+=("$c")
	token+=("${rest%%,*}")
	uri+=("${rest#*,}")
}
while [ $# -gt 0 ]; do
	case $1 in
	--tool) tool=$2; shift ;;
	--pin-file) pin=$2; shift ;;
	--work) work=$2; shift ;;
	--gmk) gmk=$2; shift ;;
	--server) [ ${#conf[@]} -eq 0 ] || { echo "--server first" >&2; exit 2; }
		add_party "$2"; shift ;;
	--client) add_party "$2"; shift ;;
	--standalone) standalone=true transport=fixtures ;;
	--csk-transport) transport=$2; shift ;;
	*) echo "regroup.sh: unknown argument $1" >&2; exit 2 ;;
	esac
	shift
done
[ -n "$tool" ] && [ -n "$work" ] || { echo "usage: see $0" >&2; exit 2; }
mkdir -p "$work"
work=$(cd "$work" && pwd)
PY=${SYSTEM_PYTHON3:-/usr/bin/python3}
if [ -n "${MCXHSM_ASAN_PRELOAD:-}" ]; then
	ext_env=(env LD_PRELOAD="$MCXHSM_ASAN_PRELOAD libstdc++.so.6"
		ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0")
else
	ext_env=(env)
fi
indent() { sed 's/^/    /'; }
section() { printf '\n== %s\n' "$*"; }
names=(server client1 client2 client3 client4 client5)

if $standalone; then
	section "Regroup demo (stand-alone): six tokens in $work"
	rm -rf "$work/tokens"
	mkdir -p "$work/tokens"
	printf 'token_dir = %s\n' "$work/tokens" >"$work/mcxhsm.conf"
	(umask 077 && printf 'rg-so-%s\n' "$RANDOM$RANDOM" >"$work/so.pin" &&
		printf 'rg-user-%s\n' "$RANDOM$RANDOM" >"$work/user.pin")
	pin=$work/user.pin
	conf=() token=() uri=()
	for i in 0 1 2 3 4 5; do
		conf+=("$work/mcxhsm.conf")
		token+=("rg-${names[$i]}")
		if [ "$i" -eq 0 ]; then
			uri+=("sip:mcptt-server@example.org")
		else
			uri+=("sip:client$i@example.org")
		fi
		MCXHSM_CONF="$work/mcxhsm.conf" "$tool" token init \
			--label "${token[$i]}" --so-pin-file "$work/so.pin" \
			--pin-file "$pin" | indent
	done
fi
[ ${#conf[@]} -eq 6 ] || { echo "regroup.sh: one --server and five --client" >&2; exit 2; }
[ -n "$pin" ] || { echo "regroup.sh: --pin-file" >&2; exit 2; }
$standalone || [ -n "$gmk" ] || { echo "regroup.sh: --gmk" >&2; exit 2; }

# as I ARGS...: the tool on party I's token (0 = server, 1..5 = clients)
as() {
	local i=$1
	shift
	MCXHSM_CONF="${conf[$i]}" "$tool" --token "${token[$i]}" \
		--pin-file "$pin" "$@"
}
py_p11() {
	local i=$1
	shift
	MCXHSM_CONF="${conf[$i]}" "${ext_env[@]}" "$PY" \
		"$src/tests/admin/regroup_p11.py" "$@"
}
cv() { awk '/check_value/ {print $NF}'; }
rand() { od -An -N16 -tx1 /dev/urandom | tr -d ' \n'; }

section "Keys: a CSK per client (client and server), the MuSiK (server, clients 3-5), the GMK"
declare -a csk
if [ "$transport" = fixtures ]; then
	$standalone && gmk=00000005
	g=$(rand) m=$(rand)
	for i in 1 2 3 4 5; do
		csk[$i]=2000000$i
		k=$(rand)
		printf '%s csk %s %s %s\n' "${token[$i]}" 2 "${csk[$i]}" "$k"
		printf '%s csk-%s 2 %s %s %s\n' "${token[0]}" "${names[$i]}" \
			"${csk[$i]}" "$k" "${uri[$i]}"
		if $standalone; then
			printf '%s gmk 0 %s %s\n' "${token[$i]}" "$gmk" "$g"
		fi
	done >"$work/fixtures"
	musik=60000001
	printf '%s musik 6 %s %s\n' "${token[0]}" "$musik" "$m" >>"$work/fixtures"
	for i in 3 4 5; do
		printf '%s musik 6 %s %s %s\n' "${token[$i]}" "$musik" "$m" \
			"${uri[0]}" >>"$work/fixtures"
	done
	# each party's lines with its own configuration
	for i in 0 1 2 3 4 5; do
		awk -v t="${token[$i]}" '$1 == t' "$work/fixtures" |
			py_p11 "$i" create-mcx-keys "$pin"
	done
	echo "    imported (fixtures): CSKs ${csk[*]:1}, MuSiK $musik, GMK $gmk"
else
	mkdir -p "$work/mikey"
	for i in 1 2 3 4 5; do
		csk[$i]=$(py_p11 "$i" keygen "${token[$i]}" "$pin" 2 csk)
		as "$i" mikey send --key "${csk[$i]}" --from "${uri[$i]}" \
			--to "${uri[0]}" --out "$work/mikey/csk$i.mikey" >/dev/null
		as 0 mikey receive --in "$work/mikey/csk$i.mikey" \
			--label "csk-${names[$i]}" >/dev/null
		echo "    ${names[$i]}: CSK ${csk[$i]} -> server (MIKEY-SAKKE)"
	done
	musik=$(py_p11 0 keygen "${token[0]}" "$pin" 6 musik)
	for i in 3 4 5; do
		as 0 mikey send --key "$musik" --from "${uri[0]}" \
			--to "${uri[$i]}" --out "$work/mikey/musik$i.mikey" >/dev/null
		as "$i" mikey receive --in "$work/mikey/musik$i.mikey" \
			--label musik >/dev/null
	done
	echo "    server: MuSiK $musik -> clients 3-5 (MIKEY-SAKKE)"
fi

declare -A rgk
derive_all() { # REGROUP CLIENT...
	local r=$1 i
	shift
	for i in "$@"; do
		rgk[$r,$i]=$(as "$i" regroup derive --regroup-id "$r" \
			--gmk "$gmk" | cv)
		echo "    ${names[$i]}: regroup derive -> RGK check value ${rgk[$r,$i]}"
	done
}

tag=$(od -An -N2 -tx1 /dev/urandom | tr -d ' \n')
x1=X1-$tag x2=X2-$tag
section "Figure X.1: preconfigured group regroup $x1 (unicast to client 2, multicast to clients 3-5)"
d=$work/$x1
mkdir -p "$d/init" "$d/unicast" "$d/multicast"
echo "    client1: regroup new -> seed $(as 1 regroup new --regroup-id "$x1" | cv)"
as 1 regroup wrap --regroup-id "$x1" --to-csk "${csk[1]}" --p0 "${uri[1]}" \
	--out "$d/init" >/dev/null
echo "    client1 -> server: $(stat -c %s "$d/init/${csk[1]}.seed")-octet protected seed under its CSK"
echo "    server: regroup start -> seed $(as 0 regroup start --regroup-id "$x1" \
	--seed-file "$d/init/${csk[1]}.seed" --from-csk "${csk[1]}" \
	--expires +3600 | cv) (kept for the regroup, 1 h)"
as 0 regroup wrap --regroup-id "$x1" --to-csk "${csk[2]}" --out "$d/unicast" | indent
as 0 regroup wrap --regroup-id "$x1" --to-musik "$musik" --p0 "${uri[0]}" \
	--out "$d/multicast" | indent
as 2 regroup start --regroup-id "$x1" --seed-file "$d/unicast/${csk[2]}.seed" \
	--from-csk "${csk[2]}" --p0 "${uri[2]}" >/dev/null
for i in 3 4 5; do
	as "$i" regroup start --regroup-id "$x1" \
		--seed-file "$d/multicast/$musik.seed" --from-musik "$musik" >/dev/null
done
derive_all "$x1" 1 2 3 4 5
as 0 regroup end --regroup-id "$x1" | indent

section "Figure X.2: user regroup $x2 (unicast only; client 4 joins late)"
d=$work/$x2
mkdir -p "$d/init" "$d/start" "$d/late"
as 1 regroup new --regroup-id "$x2" >/dev/null
as 1 regroup wrap --regroup-id "$x2" --to-csk "${csk[1]}" --p0 "${uri[1]}" \
	--out "$d/init" >/dev/null
as 0 regroup start --regroup-id "$x2" --seed-file "$d/init/${csk[1]}.seed" \
	--from-csk "${csk[1]}" >/dev/null
echo "    server: regroup start, then one call for clients 2 and 3:"
as 0 regroup wrap --regroup-id "$x2" --to-csk "${csk[2]}" "${csk[3]}" \
	--out "$d/start" | indent
for i in 2 3; do
	as "$i" regroup start --regroup-id "$x2" \
		--seed-file "$d/start/${csk[$i]}.seed" --from-csk "${csk[$i]}" \
		--p0 "${uri[$i]}" >/dev/null
done
derive_all "$x2" 1 2 3
echo "    late entry: client 4 joins; the server wraps the kept seed for it"
as 0 regroup wrap --regroup-id "$x2" --to-csk "${csk[4]}" --out "$d/late" | indent
as 4 regroup start --regroup-id "$x2" --seed-file "$d/late/${csk[4]}.seed" \
	--from-csk "${csk[4]}" --p0 "${uri[4]}" >/dev/null
derive_all "$x2" 4
as 0 regroup end --regroup-id "$x2" | indent

section "Regroup summary: RGK check values"
status=0
printf '    %-10s %-14s %-14s\n' participant "$x1" "$x2"
for i in 1 2 3 4 5; do
	printf '    %-10s %-14s %-14s\n' "${names[$i]}" "${rgk[$x1,$i]:--}" \
		"${rgk[$x2,$i]:--}"
done
for r in "$x1" "$x2"; do
	want=${rgk[$r,1]}
	n=0 same=true
	for i in 1 2 3 4 5; do
		[ -n "${rgk[$r,$i]:-}" ] || continue
		n=$((n + 1))
		[ "${rgk[$r,$i]}" = "$want" ] || same=false
	done
	if $same; then
		echo "    $r: all $n participants hold the same RGK ($want)"
	else
		echo "    $r: RGK check values DIFFER" >&2
		status=1
	fi
done
exit $status
