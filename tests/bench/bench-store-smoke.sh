#!/bin/sh
# make check guard for tests/bench/bench_store (not a timing test: the
# figures come from `make bench`): a tiny run must print every figure, for
# ours and for SoftHSMv2.  Under ASan only ours (SoftHSMv2's own leaks
# would trip LeakSanitizer; ours must not).
BENCH=${MCXHSM_BUILDDIR:-.}/tests/bench/bench_store
[ -x "$BENCH" ] || { echo "FAIL: $BENCH not built" >&2; exit 1; }
[ -n "${MCXHSM_MODULE:-}" ] || { echo "FAIL: MCXHSM_MODULE not set" >&2; exit 1; }
SOFTHSM=/usr/lib/softhsm/libsofthsm2.so
if [ "${MCXHSM_SANITIZERS:-}" = 1 ] || [ ! -f "$SOFTHSM" ]; then
	SOFTHSM=/nonexistent/libsofthsm2.so
fi
out=$(MCXHSM_BENCH_OBJECTS=60 MCXHSM_BENCH_SOFTHSM_OBJECTS=20 \
	timeout 120 "$BENCH" "$MCXHSM_MODULE" "$SOFTHSM") || {
	printf '%s\n' "$out"
	echo "FAIL: bench_store exit status" >&2
	exit 1
}
printf '%s\n' "$out"
expect="store_create_mcxhsm store_init_find_20_mcxhsm store_find_id_20_mcxhsm
store_find_label_20_mcxhsm store_populate_60_mcxhsm store_init_find_60_mcxhsm
store_find_id_60_mcxhsm store_find_label_60_mcxhsm"
if [ "$SOFTHSM" != /nonexistent/libsofthsm2.so ]; then
	expect="$expect store_create_softhsm store_init_find_20_softhsm
store_create_vs_softhsm store_init_find_20_vs_softhsm store_find_id_20_vs_softhsm"
fi
for name in $expect; do
	printf '%s\n' "$out" | grep -q "^BENCH $name [0-9.]* " ||
		{ echo "FAIL: no figure $name" >&2; exit 1; }
done
echo "PASS"
