# tests/kms_token.mk: the token's KMS role and TrK unwrap into identity keys
# (engineer KT, issue 4 token side).  Black-box through the built module
# ($(MCXHSM_MODULE)); the Streamwide v5 vectors are read at run time.  Uses
# the helpers and flags of tests/mcx.mk (included before this fragment).
check_PROGRAMS += tests/blackbox/test_mcx_kms
tests_blackbox_test_mcx_kms_SOURCES = tests/blackbox/test_mcx_kms.c \
	$(MCX_G_BB_HELPERS)
tests_blackbox_test_mcx_kms_CFLAGS = $(MCX_G_BB_CFLAGS)
tests_blackbox_test_mcx_kms_LDADD = $(MCX_G_BB_LDADD)
TESTS += tests/blackbox/test_mcx_kms

# BENCH kms_issue_keyset / kms_unwrap_keyset (+ the RSK / SSK halves and the
# pure engine's validation on the same keys, to show what limits import).
check_PROGRAMS += tests/bench/bench_mcx_kms
tests_bench_bench_mcx_kms_SOURCES = tests/bench/bench_mcx_kms.c \
	$(MCX_G_BB_HELPERS)
tests_bench_bench_mcx_kms_CFLAGS = $(MCX_G_BB_CFLAGS)
tests_bench_bench_mcx_kms_LDADD = tests/common/libmcxtest.la \
	mechanisms/libmcxmech.la common/libmcxcommon.la $(CMOCKA_LIBS) \
	$(JSONC_LIBS) $(CRYPTO_LIBS) -ldl
BENCH_BINARIES += tests/bench/bench_mcx_kms
