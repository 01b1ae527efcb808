# tests/rgk_token.mk: regroup keys in the token (issue 6, engineer RG):
# CKM_MCX_RGK_SEED_GEN, CKM_MCX_XPK_WRAP, CKM_MCX_RGK_DERIVE through
# PKCS#11 (black box: decision c/f known answers from
# tests/vectors/rgk_project.json, both regroup flows, every refusal with its
# CKR and audit record), the admin tool's `regroup` commands across
# separate client and server tokens, and the token-path re-wrap benchmark.
MCX_RG_BB_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(JSONC_CFLAGS) \
	$(CRYPTO_CFLAGS) $(P11KIT_CFLAGS)
MCX_RG_BB_LDADD = tests/common/libmcxtest.la $(CMOCKA_LIBS) $(JSONC_LIBS) \
	$(CRYPTO_LIBS) -ldl

check_PROGRAMS += tests/blackbox/test_mcx_rgk
tests_blackbox_test_mcx_rgk_SOURCES = tests/blackbox/test_mcx_rgk.c \
	tests/blackbox/p11_helpers.c tests/blackbox/p11_helpers.h
tests_blackbox_test_mcx_rgk_CFLAGS = $(MCX_RG_BB_CFLAGS)
tests_blackbox_test_mcx_rgk_LDADD = $(MCX_RG_BB_LDADD)
TESTS += tests/blackbox/test_mcx_rgk

# Benchmark (make bench): BENCH rgk_seed_rewrap through PKCS#11, bar
# >= 50,000/s, with the pure engine's figure of the same run.
check_PROGRAMS += tests/bench/bench_mcx_rgk
tests_bench_bench_mcx_rgk_SOURCES = tests/bench/bench_mcx_rgk.c \
	tests/blackbox/p11_helpers.c tests/blackbox/p11_helpers.h
tests_bench_bench_mcx_rgk_CFLAGS = $(MCX_RG_BB_CFLAGS)
tests_bench_bench_mcx_rgk_LDADD = mechanisms/libmcxmech.la \
	common/libmcxcommon.la $(MCX_RG_BB_LDADD)
BENCH_BINARIES += tests/bench/bench_mcx_rgk

# The admin tool's `regroup` commands across separate server and client
# tokens (both flows, late entry, refusals).
TESTS += tests/admin/regroup.sh
EXTRA_DIST += tests/admin/regroup.sh tests/admin/regroup_p11.py \
	tests/demo/regroup.sh
