# tests/ct.mk: the 1024-bit Montgomery kernels (A2): unit tests against
# BIGNUM, the constant-time (ctgrind) harness, and the kernel benchmark.
check_PROGRAMS += tests/unit/test_fp1024_kernel
tests_unit_test_fp1024_kernel_SOURCES = tests/unit/test_fp1024_kernel.c
tests_unit_test_fp1024_kernel_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) \
	$(JSONC_CFLAGS) $(CRYPTO_CFLAGS)
tests_unit_test_fp1024_kernel_LDADD = tests/common/libmcxtest.la \
	mechanisms/libmcxmech.la common/libmcxcommon.la \
	$(CMOCKA_LIBS) $(JSONC_LIBS) $(CRYPTO_LIBS)
TESTS += tests/unit/test_fp1024_kernel

check_PROGRAMS += tests/bench/bench_fp1024
tests_bench_bench_fp1024_SOURCES = tests/bench/bench_fp1024.c
tests_bench_bench_fp1024_CFLAGS = $(AM_CFLAGS) $(JSONC_CFLAGS) \
	$(CRYPTO_CFLAGS)
tests_bench_bench_fp1024_LDADD = tests/common/libmcxtest.la \
	mechanisms/libmcxmech.la common/libmcxcommon.la \
	$(JSONC_LIBS) $(CRYPTO_LIBS)
BENCH_BINARIES += tests/bench/bench_fp1024

# Constant-time harness: ct_main runs the secret paths with the secrets
# marked undefined; run-ct.sh runs it under valgrind memcheck (or plain in
# the ASan build), run-ct-leak.sh proves that a leak is reported.
check_PROGRAMS += tests/ct/ct_main
tests_ct_ct_main_SOURCES = tests/ct/ct.h tests/ct/ct_main.c \
	tests/ct/ct_sakke.c tests/ct/ct_eccsi.c tests/ct/ct_mikey.c
tests_ct_ct_main_CFLAGS = $(AM_CFLAGS) $(JSONC_CFLAGS) $(CRYPTO_CFLAGS)
tests_ct_ct_main_LDADD = tests/common/libmcxtest.la \
	mechanisms/libmcxmech.la common/libmcxcommon.la \
	$(JSONC_LIBS) $(CRYPTO_LIBS)
TESTS += tests/ct/run-ct.sh tests/ct/run-ct-leak.sh
EXTRA_DIST += tests/ct/run-ct.sh tests/ct/run-ct-leak.sh tests/ct/ct.supp
