# tests/mikey_rx.mk: CKM_MCX_MIKEY_SAKKE receive in the token (engineer MR,
# issue 5 "Receiving"): the black-box suites and the receive benchmark.  All
# dlopen $(MCXHSM_MODULE), read tests/vectors/mikey_streamwide_v5.json at run
# time and build messages with the pure MIKEY builder.
MCX_RX_LDADD = tests/common/libmcxtest.la mechanisms/libmcxmech.la \
	common/libmcxcommon.la $(CMOCKA_LIBS) $(JSONC_LIBS) $(CRYPTO_LIBS) \
	$(PTHREAD_LIBS) -ldl

MCX_RX_HELPERS = $(MCX_G_BB_HELPERS) tests/blackbox/mikey_rx_util.c \
	tests/blackbox/mikey_rx_util.h

# part 1: Streamwide messages, own messages, every rejection of a message
check_PROGRAMS += tests/blackbox/test_mcx_mikey_rx
tests_blackbox_test_mcx_mikey_rx_SOURCES = tests/blackbox/test_mcx_mikey_rx.c \
	$(MCX_RX_HELPERS)
tests_blackbox_test_mcx_mikey_rx_CFLAGS = $(MCX_G_BB_CFLAGS)
tests_blackbox_test_mcx_mikey_rx_LDADD = $(MCX_RX_LDADD)
TESTS += tests/blackbox/test_mcx_mikey_rx

# part 2: K-ID registry, revocation, authorisation, round trip, threads,
# processes, configuration
check_PROGRAMS += tests/blackbox/test_mcx_mikey_rx_state
tests_blackbox_test_mcx_mikey_rx_state_SOURCES = \
	tests/blackbox/test_mcx_mikey_rx_state.c $(MCX_RX_HELPERS)
tests_blackbox_test_mcx_mikey_rx_state_CFLAGS = $(MCX_G_BB_CFLAGS)
tests_blackbox_test_mcx_mikey_rx_state_LDADD = $(MCX_RX_LDADD)
TESTS += tests/blackbox/test_mcx_mikey_rx_state

# BENCH: mikey_receive (C_UnwrapKey, server RSK) against the pure engine.
check_PROGRAMS += tests/bench/bench_mcx_mikey_rx
tests_bench_bench_mcx_mikey_rx_SOURCES = tests/bench/bench_mcx_mikey_rx.c \
	$(MCX_G_BB_HELPERS)
tests_bench_bench_mcx_mikey_rx_CFLAGS = $(MCX_G_BB_CFLAGS)
tests_bench_bench_mcx_mikey_rx_LDADD = $(MCX_RX_LDADD)
BENCH_BINARIES += tests/bench/bench_mcx_mikey_rx
