# tests/rgk.mk: regroup keys (mechanisms/rgk): RGK known answers (reference
# §7 example, RFC 4231), decision c round trips against an independent EVP
# computation, refusals; benchmark of the pure re-wrap.
MCX_RGK_TEST_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(JSONC_CFLAGS) \
	$(CRYPTO_CFLAGS)
MCX_RGK_TEST_LDADD = tests/common/libmcxtest.la mechanisms/libmcxmech.la \
	common/libmcxcommon.la $(CMOCKA_LIBS) $(JSONC_LIBS) $(CRYPTO_LIBS)

check_PROGRAMS += tests/kat/test_rgk
tests_kat_test_rgk_SOURCES = tests/kat/test_rgk.c
tests_kat_test_rgk_CFLAGS = $(MCX_RGK_TEST_CFLAGS)
tests_kat_test_rgk_LDADD = $(MCX_RGK_TEST_LDADD)
TESTS += tests/kat/test_rgk

# Benchmark (make bench): BENCH rgk_seed_rewrap_pure, batch of 100 targets.
check_PROGRAMS += tests/bench/bench_rgk
tests_bench_bench_rgk_SOURCES = tests/bench/bench_rgk.c
tests_bench_bench_rgk_CFLAGS = $(AM_CFLAGS) $(CRYPTO_CFLAGS)
tests_bench_bench_rgk_LDADD = mechanisms/libmcxmech.la \
	common/libmcxcommon.la $(CRYPTO_LIBS)
BENCH_BINARIES += tests/bench/bench_rgk
