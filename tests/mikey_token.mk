# tests/mikey_token.mk: CKM_MCX_MIKEY_SAKKE send in the token (engineer MS,
# issue 5 "Sending"): black-box suites (the Streamwide v5 key material in a
# token, messages checked with the pure decoder/receiver), the concurrent
# sends of two threads and two processes, and the send benchmark.
MS_BB_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(JSONC_CFLAGS) \
	$(CRYPTO_CFLAGS) $(P11KIT_CFLAGS)
MS_BB_LDADD = tests/common/libmcxtest.la mechanisms/libmcxmech.la \
	common/libmcxcommon.la $(CMOCKA_LIBS) $(JSONC_LIBS) $(CRYPTO_LIBS) -ldl
MS_BB_HELPERS = tests/blackbox/p11_helpers.c tests/blackbox/p11_helpers.h \
	tests/blackbox/mcx_streamwide.c tests/blackbox/mcx_streamwide.h \
	tests/blackbox/test_mcx_mikey_send_common.c \
	tests/blackbox/test_mcx_mikey_send_common.h

check_PROGRAMS += tests/blackbox/test_mcx_mikey_send
tests_blackbox_test_mcx_mikey_send_SOURCES = \
	tests/blackbox/test_mcx_mikey_send.c $(MS_BB_HELPERS)
tests_blackbox_test_mcx_mikey_send_CFLAGS = $(MS_BB_CFLAGS)
tests_blackbox_test_mcx_mikey_send_LDADD = $(MS_BB_LDADD)
TESTS += tests/blackbox/test_mcx_mikey_send

check_PROGRAMS += tests/blackbox/test_mcx_mikey_send_mt
tests_blackbox_test_mcx_mikey_send_mt_SOURCES = \
	tests/blackbox/test_mcx_mikey_send_mt.c $(MS_BB_HELPERS)
tests_blackbox_test_mcx_mikey_send_mt_CFLAGS = $(MS_BB_CFLAGS)
tests_blackbox_test_mcx_mikey_send_mt_LDADD = $(MS_BB_LDADD) -lpthread
TESTS += tests/blackbox/test_mcx_mikey_send_mt

# BENCH mikey_send_gmk, mikey_send_gmk_2threads, mikey_send_gmk_2t_speedup
check_PROGRAMS += tests/bench/bench_mcx_mikey
tests_bench_bench_mcx_mikey_SOURCES = tests/bench/bench_mcx_mikey.c \
	$(MS_BB_HELPERS)
tests_bench_bench_mcx_mikey_CFLAGS = $(MS_BB_CFLAGS)
tests_bench_bench_mcx_mikey_LDADD = $(MS_BB_LDADD) -lpthread
BENCH_BINARIES += tests/bench/bench_mcx_mikey
