#!/bin/bash
# The admin tool against our module: the generic suite (tests/admin/lib.sh),
# then the audit log: only after a login (user or SO), failed logins
# recorded, show/--last/--json, verify,
# and a database edited behind the module's back (sqlite3 CLI) makes
# `audit verify` exit 1 naming the first broken record.
set -eu
. "${MCXHSM_SRCDIR:?}/tests/admin/lib.sh"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/tokens"
printf 'token_dir = %s\n' "$work/tokens" >"$work/mcxhsm.conf"
export MCXHSM_CONF="$work/mcxhsm.conf"

# The bootstrap placeholder module (C_GetFunctionList not supported) cannot
# run anything yet; any other failure to load is a failure.
if ! "$TOOL" token info >"$work/out" 2>"$work/err"; then
	if grep -q 'C_GetFunctionList: CKR_FUNCTION_NOT_SUPPORTED' "$work/err"; then
		echo "SKIP: the module is the bootstrap placeholder" >&2
		exit 77
	fi
fi

generic_suite

# --conf names the module's configuration as $MCXHSM_CONF does
expect_rc 0 env -u MCXHSM_CONF "$TOOL" --conf "$work/mcxhsm.conf" token info --json
json_check "$work/out" '[t["label"] for t in d if t["initialized"]] == ["admin-test"]'

# PKCS#11 3.0 §5.2 CK_TOKEN_INFO: a failed login sets
# CKF_USER_PIN_COUNT_LOW until the next successful one; token info shows it.
expect_rc 1 "$TOOL" --pin-file "$work/bad.pin" key list
expect_rc 0 "$TOOL" token info --json
json_check "$work/out" '[t for t in d if t["initialized"]][0]["flags"].count("user_pin_count_low") == 1'

# A vendor key lists with its MCX attributes under PRODUCT.md's names and
# its check value by the AES rule; its value never appears.
mcxkey=00112233445566778899aabbccddeeff
rc=0
py_p11 create-mcx-key "$work/reset.pin" musik-1 6 6000abcd "$mcxkey" || rc=$?
if [ "$rc" -eq 0 ]; then
	expect_rc 0 "$TOOL" --pin-file "$work/reset.pin" key list --json
	json_check "$work/out" '[(k["key_type"], k["purpose"], k["key_id"], k["check_value"]) for k in d if k.get("label") == "musik-1"] == [("CKK_MCX_KEY", "MuSiK", "6000abcd", "'"$(aes_check_value $mcxkey)"'")]'
	! grep -qi "$mcxkey" "$work/out" || fail "key list printed the MCX key"
elif [ "$rc" -eq 3 ]; then
	echo "note: the module does not import CKK_MCX_KEY by C_CreateObject" >&2
else
	fail "creating the MCX key"
fi

# The audit trail is shown only after a login (user, or SO with --so):
# without a PIN there is nothing to read.
expect_rc 1 env -u MCXHSM_PIN setsid -w "$TOOL" audit show
expect_rc 1 env -u MCXHSM_PIN setsid -w "$TOOL" audit verify
# The failed login of generic_suite and the token's life are audited.
expect_rc 0 "$TOOL" --pin-file "$work/reset.pin" audit show --json
cp "$work/out" "$work/audit.json"
json_check "$work/audit.json" 'any(r["function"] == "C_Login" and r["rv"] == "CKR_PIN_INCORRECT" for r in d)'
json_check "$work/audit.json" 'any(r["function"] == "C_InitToken" and r["rv"] == "CKR_OK" for r in d)'
json_check "$work/audit.json" '[r["seq"] for r in d] == sorted(r["seq"] for r in d)'
for secret in user-pin-1234 user-pin-5678 user-pin-reset so-pin-1234 \
	000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f; do
	! grep -q "$secret" "$work/audit.json" || fail "audit shows $secret"
done
expect_rc 0 "$TOOL" --pin-file "$work/reset.pin" audit show --last 2 --json
json_check "$work/out" 'len(d) == 2 and d[-1]["seq"] > d[0]["seq"]'
MCXHSM_PIN=user-pin-reset expect_rc 0 "$TOOL" audit show
grep -q 'C_Login .*CKR_PIN_INCORRECT' "$work/out" || fail "audit show text"
expect_rc 2 "$TOOL" audit show --last x
expect_rc 0 "$TOOL" --pin-file "$work/reset.pin" audit verify
grep -q '^audit chain ok' "$work/out" || fail "audit verify output"
# the SO reads and verifies the trail too (its own login is the last record)
expect_rc 0 "$TOOL" --so-pin-file "$work/so.pin" audit show --so --last 1 --json
json_check "$work/out" 'd[-1]["function"] == "C_Login" and d[-1]["user_type"] == "SO" and d[-1]["rv"] == "CKR_OK"'
expect_rc 0 "$TOOL" --so-pin-file "$work/so.pin" audit verify --so
grep -q '^audit chain ok' "$work/out" || fail "audit verify --so output"
expect_rc 1 "$TOOL" --so-pin-file "$work/bad.pin" audit verify --so

# Tampering: the token database is the SQLite file in the token directory.
db=
for f in "$work/tokens"/* "$work/tokens"/*/*; do
	[ -f "$f" ] && [ "$(head -c 15 "$f" 2>/dev/null)" = "SQLite format 3" ] &&
		{ db=$f; break; }
done
[ -n "$db" ] || fail "no SQLite database under $work/tokens"
command -v sqlite3 >/dev/null || { echo "SKIP: no sqlite3 CLI" >&2; exit 77; }
cp -a "$work/tokens" "$work/tokens.orig"
seq=$(sqlite3 "$db" 'SELECT min(seq) + 2 FROM audit')

# 1. an edited record (the append-only trigger dropped first, as an
#    attacker with the file would)
sqlite3 "$db" "DROP TRIGGER IF EXISTS audit_no_update;
	UPDATE audit SET label = 'tampered' WHERE seq = $seq;"
expect_rc 1 "$TOOL" --pin-file "$work/reset.pin" audit verify
grep -q "audit chain broken at seq $seq\$" "$work/err" ||
	fail "edited record: $(cat "$work/err")"

# 2. a record deleted from the middle
rm -rf "$work/tokens"
cp -a "$work/tokens.orig" "$work/tokens"
sqlite3 "$db" "DROP TRIGGER IF EXISTS audit_no_delete;
	DELETE FROM audit WHERE seq = $seq;"
expect_rc 1 "$TOOL" --pin-file "$work/reset.pin" audit verify
grep -q "audit chain broken at seq $((seq + 1)) (record $seq missing)" "$work/err" ||
	fail "deleted record: $(cat "$work/err")"

# 3. the first record deleted: the chain must start from 32 zero octets
rm -rf "$work/tokens"
cp -a "$work/tokens.orig" "$work/tokens"
first=$(sqlite3 "$db" 'SELECT min(seq) FROM audit')
sqlite3 "$db" "DROP TRIGGER IF EXISTS audit_no_delete;
	DELETE FROM audit WHERE seq = $first;"
expect_rc 1 "$TOOL" --pin-file "$work/reset.pin" audit verify
grep -q "audit chain broken at seq $((first + 1))\$" "$work/err" ||
	fail "deleted first record: $(cat "$work/err")"

# 4. the untouched copy still verifies
rm -rf "$work/tokens"
cp -a "$work/tokens.orig" "$work/tokens"
expect_rc 0 env -u MCXHSM_PIN "$TOOL" --pin-file "$work/reset.pin" audit verify
echo "admin tool against mcxhsm: ok"
