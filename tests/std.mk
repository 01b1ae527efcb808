# tests/std.mk: the standard mechanisms (mechanisms/aes, digest, ec_p256,
# random): known answers and cross-checks against libcrypto.
MCX_STD_UNIT_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(JSONC_CFLAGS) \
	$(CRYPTO_CFLAGS)
MCX_STD_UNIT_LDADD = tests/common/libmcxtest.la mechanisms/libmcxmech.la \
	common/libmcxcommon.la $(CMOCKA_LIBS) $(JSONC_LIBS) $(CRYPTO_LIBS)

check_PROGRAMS += tests/unit/test_std_aes tests/unit/test_std_digest \
	tests/unit/test_std_ec
tests_unit_test_std_aes_SOURCES = tests/unit/test_std_aes.c
tests_unit_test_std_aes_CFLAGS = $(MCX_STD_UNIT_CFLAGS)
tests_unit_test_std_aes_LDADD = $(MCX_STD_UNIT_LDADD)
tests_unit_test_std_digest_SOURCES = tests/unit/test_std_digest.c
tests_unit_test_std_digest_CFLAGS = $(MCX_STD_UNIT_CFLAGS)
tests_unit_test_std_digest_LDADD = $(MCX_STD_UNIT_LDADD)
tests_unit_test_std_ec_SOURCES = tests/unit/test_std_ec.c
tests_unit_test_std_ec_CFLAGS = $(MCX_STD_UNIT_CFLAGS)
tests_unit_test_std_ec_LDADD = $(MCX_STD_UNIT_LDADD)
TESTS += tests/unit/test_std_aes tests/unit/test_std_digest \
	tests/unit/test_std_ec

# Black-box: the standard mechanisms through the built module (dlopen).
# tests/blackbox/p11_helpers.c is the shared black-box helper (any suite may
# link it).
check_PROGRAMS += tests/blackbox/test_std_p11
tests_blackbox_test_std_p11_SOURCES = tests/blackbox/test_std_p11.c \
	tests/blackbox/p11_helpers.c tests/blackbox/p11_helpers.h
tests_blackbox_test_std_p11_CFLAGS = $(MCX_STD_UNIT_CFLAGS) $(P11KIT_CFLAGS)
tests_blackbox_test_std_p11_LDADD = tests/common/libmcxtest.la \
	$(CMOCKA_LIBS) $(JSONC_LIBS) $(CRYPTO_LIBS) -ldl
TESTS += tests/blackbox/test_std_p11

# Benchmark (make bench): AES-GCM 1 KiB through PKCS#11, ours vs SoftHSMv2.
check_PROGRAMS += tests/bench/bench_std
tests_bench_bench_std_SOURCES = tests/bench/bench_std.c \
	tests/blackbox/p11_helpers.c tests/blackbox/p11_helpers.h
tests_bench_bench_std_CFLAGS = $(AM_CFLAGS) $(P11KIT_CFLAGS)
tests_bench_bench_std_LDADD = -ldl
BENCH_BINARIES += tests/bench/bench_std
