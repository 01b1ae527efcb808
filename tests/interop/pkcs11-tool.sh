#!/bin/sh
# OpenSC pkcs11-tool's own self-tests against our module (issue 2, "The
# ecosystem's clients"): --test with a login (random, digests, then again with
# an EC P-256 key pair made by --keypairgen), --test-fork (a forked child can
# C_Initialize), and --test-threads 20 times.  --test-ec: pkcs11-tool-ec.sh.
#
# pkcs11-tool exits 0 from several failed self-test paths (test_ec "ERR: ..."
# returns without an error status), so each step also checks the line the
# tool prints only on success.
# P11_TARGET=softhsm runs the same steps against SoftHSMv2 (development
# reference; SoftHSMv2 2.6.1 fails --test-fork, and --test-threads crashes
# in C_Finalize).
. "${MCXHSM_SRCDIR:-$(dirname "$0")/../..}/tests/p11env.sh"

p11env_require_prog pkcs11-tool
p11env_setup
p11env_module_ready || p11env_fail "C_GetFunctionList/C_Initialize"

LABEL=interop
SO_PIN=12345678
PIN=123456
p11env_init_token "$LABEL" "$SO_PIN" "$PIN"
OUT=$P11_DIR/out

step()
{
	echo "== $*"
}

# $1 = what, $2 = line that must appear; output in $OUT, status in $rc.
# A failed step is recorded and the next steps still run.
FAILED=
check()
{
	cat "$OUT"
	if [ "$rc" -ne 0 ]; then
		echo "FAILED: $1: pkcs11-tool exit status $rc" >&2
		FAILED="$FAILED $1"
	elif ! grep -q -- "$2" "$OUT"; then
		echo "FAILED: $1: no \"$2\" in its output" >&2
		FAILED="$FAILED $1"
	elif grep -q -E "ERR:|error:|Aborting" "$OUT"; then
		echo "FAILED: $1: error reported" >&2
		FAILED="$FAILED $1"
	fi
}

step "--test --allow-sw (with login)"
rc=0
p11env_tool --token-label "$LABEL" --login --pin "$PIN" --test --allow-sw \
	>"$OUT" 2>&1 || rc=$?
check "--test" "No errors"

step "--keypairgen EC:prime256v1"
rc=0
p11env_tool --token-label "$LABEL" --login --pin "$PIN" --keypairgen \
	--key-type EC:prime256v1 --id 01 --label interop-ec >"$OUT" 2>&1 || rc=$?
check "--keypairgen" "EC_POINT"

step "--test with the EC key present"
rc=0
p11env_tool --token-label "$LABEL" --login --pin "$PIN" --test --allow-sw \
	>"$OUT" 2>&1 || rc=$?
check "--test (EC key)" "No errors"

step "--test-fork"
rc=0
p11env_tool --token-label "$LABEL" --login --pin "$PIN" --test-fork \
	>"$OUT" 2>&1 || rc=$?
check "--test-fork" "Calling C_Initialize in forked child"

# pkcs11-tool 0.23's test_threads cleanup sleeps 30 s whenever its thread
# has not finished by the time the main thread (which only does C_Initialize
# and picks a slot) gets there, which is most runs: the 20 runs therefore go
# concurrently, so the test takes one such wait, not twenty.  Each run must
# end normally (no crash, no timeout) with every thread's CKR_OK.
step "--test-threads ILGISLT0 -L, 20 runs"
pids=
i=1
while [ $i -le 20 ]; do
	p11env_spawn pkcs11-tool --module "$P11_MODULE" --test-threads ILGISLT0 -L \
		>"$P11_DIR/threads.$i" 2>&1
	pids="$pids $P11ENV_PID"
	i=$((i + 1))
done
i=1
failed=0
for pid in $pids; do
	rc=0
	wait "$pid" || rc=$?
	if [ "$rc" -ne 0 ] ||
		! grep -q "all threads have ended with CKR_OK" "$P11_DIR/threads.$i"; then
		cat "$P11_DIR/threads.$i"
		echo "--test-threads run $i: exit status $rc" >&2
		failed=$((failed + 1))
	fi
	i=$((i + 1))
done
if [ $failed -eq 0 ]; then
	echo "20 runs ok"
else
	echo "FAILED: --test-threads: $failed of 20 runs" >&2
	FAILED="$FAILED --test-threads"
fi
[ -z "$FAILED" ] || p11env_fail "failed steps:$FAILED"
echo "PASS"
