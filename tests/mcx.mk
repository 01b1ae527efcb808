# tests/mcx.mk: black-box suites of the MCX vendor objects and mechanisms
# in the token (engineer G: issues 4 and 5, token side).  They dlopen
# $(MCXHSM_MODULE) and read tests/vectors/*.json at run time.
MCX_G_BB_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(JSONC_CFLAGS) \
	$(CRYPTO_CFLAGS) $(P11KIT_CFLAGS)
MCX_G_BB_LDADD = tests/common/libmcxtest.la $(CMOCKA_LIBS) $(JSONC_LIBS) \
	$(CRYPTO_LIBS) -ldl
MCX_G_BB_HELPERS = tests/blackbox/p11_helpers.c tests/blackbox/p11_helpers.h \
	tests/blackbox/mcx_streamwide.c tests/blackbox/mcx_streamwide.h

check_PROGRAMS += tests/blackbox/test_mcx_ident
tests_blackbox_test_mcx_ident_SOURCES = tests/blackbox/test_mcx_ident.c \
	$(MCX_G_BB_HELPERS)
tests_blackbox_test_mcx_ident_CFLAGS = $(MCX_G_BB_CFLAGS)
tests_blackbox_test_mcx_ident_LDADD = $(MCX_G_BB_LDADD)
TESTS += tests/blackbox/test_mcx_ident

check_PROGRAMS += tests/blackbox/test_mcx_eccsi
tests_blackbox_test_mcx_eccsi_SOURCES = tests/blackbox/test_mcx_eccsi.c \
	$(MCX_G_BB_HELPERS)
tests_blackbox_test_mcx_eccsi_CFLAGS = $(MCX_G_BB_CFLAGS)
tests_blackbox_test_mcx_eccsi_LDADD = tests/common/libmcxtest.la \
	mechanisms/libmcxmech.la common/libmcxcommon.la $(CMOCKA_LIBS) \
	$(JSONC_LIBS) $(CRYPTO_LIBS) -ldl
TESTS += tests/blackbox/test_mcx_eccsi

check_PROGRAMS += tests/blackbox/test_mcx_sakke
tests_blackbox_test_mcx_sakke_SOURCES = tests/blackbox/test_mcx_sakke.c \
	$(MCX_G_BB_HELPERS)
tests_blackbox_test_mcx_sakke_CFLAGS = $(MCX_G_BB_CFLAGS)
tests_blackbox_test_mcx_sakke_LDADD = $(tests_blackbox_test_mcx_eccsi_LDADD)
TESTS += tests/blackbox/test_mcx_sakke

# BENCH: C_Sign / C_Verify with CKM_MCX_ECCSI vs the pure engine.
check_PROGRAMS += tests/bench/bench_mcx_eccsi
tests_bench_bench_mcx_eccsi_SOURCES = tests/bench/bench_mcx_eccsi.c \
	$(MCX_G_BB_HELPERS)
tests_bench_bench_mcx_eccsi_CFLAGS = $(MCX_G_BB_CFLAGS)
tests_bench_bench_mcx_eccsi_LDADD = $(tests_blackbox_test_mcx_eccsi_LDADD)
BENCH_BINARIES += tests/bench/bench_mcx_eccsi
