# tests/eccsi.mk: ECCSI and 3GPP KDF known answers, the BIGNUM SAKKE
# reference and the differential test against mechanisms/sakke, bench.
MCX_ECCSI_TEST_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(JSONC_CFLAGS) \
	$(CRYPTO_CFLAGS)
MCX_ECCSI_TEST_LDADD = tests/common/libmcxtest.la mechanisms/libmcxmech.la \
	common/libmcxcommon.la $(CMOCKA_LIBS) $(JSONC_LIBS) $(CRYPTO_LIBS)

check_PROGRAMS += tests/kat/test_eccsi_kat
tests_kat_test_eccsi_kat_SOURCES = tests/kat/test_eccsi_kat.c
tests_kat_test_eccsi_kat_CFLAGS = $(MCX_ECCSI_TEST_CFLAGS)
tests_kat_test_eccsi_kat_LDADD = $(MCX_ECCSI_TEST_LDADD)
TESTS += tests/kat/test_eccsi_kat

check_PROGRAMS += tests/kat/test_kdf3gpp_kat
tests_kat_test_kdf3gpp_kat_SOURCES = tests/kat/test_kdf3gpp_kat.c
tests_kat_test_kdf3gpp_kat_CFLAGS = $(MCX_ECCSI_TEST_CFLAGS)
tests_kat_test_kdf3gpp_kat_LDADD = $(MCX_ECCSI_TEST_LDADD)
TESTS += tests/kat/test_kdf3gpp_kat

# The BIGNUM reference SAKKE (test-only oracle) and its own known answers.
check_PROGRAMS += tests/ref/test_sakke_ref
tests_ref_test_sakke_ref_SOURCES = tests/ref/test_sakke_ref.c \
	tests/ref/sakke_ref.c tests/ref/sakke_ref.h \
	tests/ref/sakke_ref_arith.c tests/ref/sakke_ref_internal.h
tests_ref_test_sakke_ref_CFLAGS = $(MCX_ECCSI_TEST_CFLAGS)
tests_ref_test_sakke_ref_LDADD = $(MCX_ECCSI_TEST_LDADD)
TESTS += tests/ref/test_sakke_ref

# make bench: ECCSI sign/verify against OpenSSL ECDSA P-256 in one run.
check_PROGRAMS += tests/bench/bench_eccsi
tests_bench_bench_eccsi_SOURCES = tests/bench/bench_eccsi.c
tests_bench_bench_eccsi_CFLAGS = $(AM_CFLAGS) $(CRYPTO_CFLAGS)
tests_bench_bench_eccsi_LDADD = mechanisms/libmcxmech.la \
	common/libmcxcommon.la $(CRYPTO_LIBS)
BENCH_BINARIES += tests/bench/bench_eccsi

# Differential test: mechanisms/sakke against the BIGNUM reference, >= 1000
# random cases per run on both Montgomery kernels (seed printed; replay
# with MCXHSM_DIFF_SEED=..., size with MCXHSM_DIFF_CASES=...).
check_PROGRAMS += tests/unit/test_sakke_diff
tests_unit_test_sakke_diff_SOURCES = tests/unit/test_sakke_diff.c \
	tests/ref/sakke_ref.c tests/ref/sakke_ref.h \
	tests/ref/sakke_ref_arith.c tests/ref/sakke_ref_internal.h
tests_unit_test_sakke_diff_CFLAGS = $(MCX_ECCSI_TEST_CFLAGS)
tests_unit_test_sakke_diff_LDADD = $(MCX_ECCSI_TEST_LDADD)
TESTS += tests/unit/test_sakke_diff
