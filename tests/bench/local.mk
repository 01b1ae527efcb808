# tests/bench: make bench harness (run-bench.sh runs $(BENCH_BINARIES) and
# prints a summary table of every BENCH line at the end).
EXTRA_DIST += tests/bench/run-bench.sh

# Token store operations through PKCS#11, ours vs SoftHSMv2 (issue 2).
# MCXHSM_BENCH_OBJECTS / MCXHSM_BENCH_SOFTHSM_OBJECTS size the tokens.
check_PROGRAMS += tests/bench/bench_store
tests_bench_bench_store_SOURCES = tests/bench/bench_store.c
tests_bench_bench_store_CFLAGS = $(AM_CFLAGS) $(P11KIT_CFLAGS)
BENCH_BINARIES += tests/bench/bench_store
# make check guard that bench_store still runs (tiny counts, no timing bar).
TESTS += tests/bench/bench-store-smoke.sh
EXTRA_DIST += tests/bench/bench-store-smoke.sh
