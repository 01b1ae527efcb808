#!/bin/bash
# `mcxhsm regroup` end to end across separate tokens (issue 6): an MC
# service server and three clients, each with its own token, the CSKs and
# the MuSiK in both ends' tokens (as MIKEY-SAKKE delivery leaves them,
# imported here by tests/admin/regroup_p11.py), the group's GMK in the
# clients'.
#
#   X.1  preconfigured group regroup: client 1 initiates, unicast to
#        client 2 under its CSK, multicast to client 3 under the MuSiK
#   X.2  user regroup: client 2 initiates, unicast to client 1, late entry
#        of client 3 after the start
#
# Every participant's RGK check value must be equal, a client with another
# GMK must get another one; refusals: the wrong CSK (nothing stored), a
# seed file for someone else, a second start, a GMK named as a CSK, wrap
# after the end; the audit trail records the end.  (Expiry: the black-box
# suite tests/blackbox/test_mcx_rgk.c.)
. "$MCXHSM_SRCDIR/tests/admin/lib.sh"

work=$(mktemp -d "${TMPDIR:-/tmp}/mcxhsm-regroup.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/tokens"
printf 'token_dir = %s\n' "$work/tokens" >"$work/mcxhsm.conf"
export MCXHSM_CONF="$work/mcxhsm.conf"
printf 'so-pin-rg\n' >"$work/so.pin"
printf 'user-pin-rg\n' >"$work/user.pin"

server_uri=sip:mcptt-server@example.org
as() { # as TOKEN ARGS...: the tool on one party's token
	local t=$1
	shift
	"$TOOL" --token "$t" --pin-file "$work/user.pin" "$@"
}
cv_of() { # the check value `regroup derive|start|new` printed
	awk '/check_value/ {print $NF}' "$work/out"
}

for t in server c1 c2 c3; do
	expect_rc 0 "$TOOL" token init --label "$t" \
		--so-pin-file "$work/so.pin" --pin-file "$work/user.pin"
done

rand() { od -An -N16 -tx1 /dev/urandom | tr -d ' \n'; }
gmk=$(rand)
musik=$(rand)
{
	for i in 1 2 3; do
		csk=$(rand)
		# the client's own CSK, and the server's copy (its sender URI
		# is the client, P0 of decision c)
		echo "c$i csk$i 2 2000000$i $csk"
		echo "server csk$i 2 2000000$i $csk sip:client$i@example.org"
		echo "c$i gmk 0 00000005 $gmk"
	done
	echo "server musik 6 60000001 $musik"
	echo "c3 musik 6 60000001 $musik $server_uri"
	echo "c3 other-gmk 0 00000006 $(rand)"
} | LD_PRELOAD="$PRELOAD" ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" \
	"$PY" "$MCXHSM_SRCDIR/tests/admin/regroup_p11.py" create-mcx-keys \
	"$work/user.pin" || fail "key fixtures"

# ---- usage -----------------------------------------------------------------
expect_rc 2 as server regroup start --regroup-id R --seed-file x
expect_rc 2 as server regroup wrap --regroup-id R --out "$work"
expect_rc 2 as server regroup wrap --regroup-id R --to-csk 20000001 \
	--to-musik 60000001 --out "$work"
expect_rc 2 as server regroup derive --regroup-id R

# ---- X.1: preconfigured group regroup --------------------------------------
mkdir -p "$work/x1"
expect_rc 0 as c1 regroup new --regroup-id X1
seed_cv=$(cv_of)
expect_rc 0 as c1 regroup wrap --regroup-id X1 --to-csk 20000001 \
	--p0 sip:client1@example.org --out "$work/x1"
[ "$(stat -c %s "$work/x1/20000001.seed")" -eq 44 ] || fail "seed file size"
mv "$work/x1/20000001.seed" "$work/x1/from-c1.seed"

# the wrong CSK: refused, nothing stored
expect_rc 1 as server regroup start --regroup-id X1 \
	--seed-file "$work/x1/from-c1.seed" --from-csk 20000002
grep -q "nothing stored" "$work/err" || fail "wrong CSK message"
expect_rc 0 as server key list --json
json_check "$work/out" 'not any(o.get("key_type") == "CKK_MCX_RGK_SEED" for o in d)'

expect_rc 0 as server regroup start --regroup-id X1 \
	--seed-file "$work/x1/from-c1.seed" --from-csk 20000001 --expires +3600
[ "$(cv_of)" = "$seed_cv" ] || fail "server seed check value"
expect_rc 1 as server regroup start --regroup-id X1 \
	--seed-file "$work/x1/from-c1.seed" --from-csk 20000001
grep -q "already" "$work/err" || fail "second start accepted"
# the seed is a never-extractable, sensitive object
expect_rc 0 as server key list --json
json_check "$work/out" 'any(o.get("key_type") == "CKK_MCX_RGK_SEED" and o["sensitive"] and not o["extractable"] for o in d)'

expect_rc 0 as server regroup wrap --regroup-id X1 --to-csk 20000002 \
	--out "$work/x1"
expect_rc 0 as server regroup wrap --regroup-id X1 --to-musik 60000001 \
	--p0 "$server_uri" --out "$work/x1"
# client 2 (unicast, its own CSK) and client 3 (multicast, the MuSiK)
expect_rc 1 as c3 regroup start --regroup-id X1 \
	--seed-file "$work/x1/20000002.seed" --from-csk 20000003 \
	--p0 sip:client3@example.org
# a client's own CSK names no owner: --p0 says who it is
expect_rc 1 as c2 regroup start --regroup-id X1 \
	--seed-file "$work/x1/20000002.seed" --from-csk 20000002
grep -q "give --p0" "$work/err" || fail "no-P0 message: $(cat "$work/err")"
expect_rc 0 as c2 regroup start --regroup-id X1 \
	--seed-file "$work/x1/20000002.seed" --from-csk 20000002 \
	--p0 sip:client2@example.org
expect_rc 0 as c3 regroup start --regroup-id X1 \
	--seed-file "$work/x1/60000001.seed" --from-musik 60000001
for c in c1 c2 c3; do
	expect_rc 0 as "$c" regroup derive --regroup-id X1 --gmk 00000005 --json
	json_check "$work/out" 'd["regroup_id"] == "X1" and d["key"] == "rgk" and len(d["check_value"]) == 6'
	eval "rgk_$c=\$(awk -F'\"' '/check_value/ {print \$4}' \"\$work/out\")"
done
[ "$rgk_c1" = "$rgk_c2" ] && [ "$rgk_c1" = "$rgk_c3" ] ||
	fail "X.1 RGK check values differ: $rgk_c1 $rgk_c2 $rgk_c3"
expect_rc 0 as c3 regroup derive --regroup-id X1 --gmk 00000006
[ "$(cv_of)" != "$rgk_c1" ] || fail "another GMK gave the same RGK"
# the GMK is no CSK
expect_rc 1 as c1 regroup wrap --regroup-id X1 --to-csk 00000005 \
	--out "$work/x1"
grep -q "GMK, not a CSK" "$work/err" || fail "purpose check: $(cat "$work/err")"

# the server ends the regroup: the seed is gone, audited
expect_rc 0 as server regroup end --regroup-id X1
grep -q "1 seed(s)" "$work/out" || fail "end output"
expect_rc 1 as server regroup wrap --regroup-id X1 --to-csk 20000002 \
	--out "$work/x1"
grep -q "no seed for regroup" "$work/err" || fail "wrap after end"
expect_rc 1 as server regroup end --regroup-id X1
expect_rc 0 as server audit show --json
json_check "$work/out" 'any(r.get("function") == "C_DestroyObject" and r.get("label") == "seed:X1" for r in d)'
json_check "$work/out" 'any(r.get("function") == "C_UnwrapKey" and r.get("rv") == "CKR_WRAPPED_KEY_INVALID" for r in d)'

# ---- X.2: user regroup, unicast only, late entry ---------------------------
mkdir -p "$work/x2"
expect_rc 0 as c2 regroup new --regroup-id X2 --expires +3600
expect_rc 0 as c2 regroup wrap --regroup-id X2 --to-csk 20000002 \
	--p0 sip:client2@example.org --out "$work/x2"
mv "$work/x2/20000002.seed" "$work/x2/from-c2.seed"
expect_rc 0 as server regroup start --regroup-id X2 \
	--seed-file "$work/x2/from-c2.seed" --from-csk 20000002
expect_rc 0 as server regroup wrap --regroup-id X2 --to-csk 20000001 \
	--out "$work/x2"
expect_rc 0 as c1 regroup start --regroup-id X2 \
	--seed-file "$work/x2/20000001.seed" --from-csk 20000001 \
	--p0 sip:client1@example.org
# late entry: client 3 joins after the start, from the kept seed
expect_rc 0 as server regroup wrap --regroup-id X2 --to-csk 20000003 \
	--out "$work/x2"
expect_rc 0 as c3 regroup start --regroup-id X2 \
	--seed-file "$work/x2/20000003.seed" --from-csk 20000003 \
	--p0 sip:client3@example.org
for c in c1 c2 c3; do
	expect_rc 0 as "$c" regroup derive --regroup-id X2 --gmk 00000005
	eval "rgk_$c=\$(cv_of)"
done
[ "$rgk_c1" = "$rgk_c2" ] && [ "$rgk_c1" = "$rgk_c3" ] ||
	fail "X.2 RGK check values differ: $rgk_c1 $rgk_c2 $rgk_c3"

echo "regroup: X.1 and X.2 end to end, RGK $rgk_c1 on every client"
