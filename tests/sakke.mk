# tests/sakke.mk: tests of the sakke area
# SAKKE known answers (A)
check_PROGRAMS += tests/kat/test_sakke_kat
tests_kat_test_sakke_kat_SOURCES = tests/kat/test_sakke_kat.c
tests_kat_test_sakke_kat_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) \
	$(JSONC_CFLAGS) $(CRYPTO_CFLAGS)
tests_kat_test_sakke_kat_LDADD = tests/common/libmcxtest.la \
	mechanisms/libmcxmech.la common/libmcxcommon.la \
	$(CMOCKA_LIBS) $(JSONC_LIBS) $(CRYPTO_LIBS)
TESTS += tests/kat/test_sakke_kat
# SAKKE benchmark (A): make bench
check_PROGRAMS += tests/bench/bench_sakke
tests_bench_bench_sakke_SOURCES = tests/bench/bench_sakke.c
tests_bench_bench_sakke_CFLAGS = $(AM_CFLAGS) $(JSONC_CFLAGS)
tests_bench_bench_sakke_LDADD = tests/common/libmcxtest.la \
	mechanisms/libmcxmech.la common/libmcxcommon.la \
	$(JSONC_LIBS) $(CRYPTO_LIBS)
BENCH_BINARIES += tests/bench/bench_sakke
# SAKKE field, F_p^2, curve and comb layers against BIGNUM (A)
check_PROGRAMS += tests/unit/test_fp1024
tests_unit_test_fp1024_SOURCES = tests/unit/test_fp1024.c
tests_unit_test_fp1024_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) \
	$(JSONC_CFLAGS) $(CRYPTO_CFLAGS)
tests_unit_test_fp1024_LDADD = tests/common/libmcxtest.la \
	mechanisms/libmcxmech.la common/libmcxcommon.la \
	$(CMOCKA_LIBS) $(JSONC_LIBS) $(CRYPTO_LIBS)
TESTS += tests/unit/test_fp1024
