# tests/token.mk: tests of the token area (engineer F: the PKCS#11 front
# end).  Black-box suites dlopen $(MCXHSM_MODULE); the fuzz target replays
# its corpus.
MCX_TOKEN_BB_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(CRYPTO_CFLAGS) \
	$(P11KIT_CFLAGS)
MCX_TOKEN_BB_LDADD = $(CMOCKA_LIBS) $(CRYPTO_LIBS) -ldl

check_PROGRAMS += tests/blackbox/test_token_core
tests_blackbox_test_token_core_SOURCES = tests/blackbox/test_token_core.c \
	tests/blackbox/p11_helpers.c tests/blackbox/p11_helpers.h
tests_blackbox_test_token_core_CFLAGS = $(MCX_TOKEN_BB_CFLAGS)
tests_blackbox_test_token_core_LDADD = $(MCX_TOKEN_BB_LDADD)
TESTS += tests/blackbox/test_token_core

check_PROGRAMS += tests/blackbox/test_token_badinput
tests_blackbox_test_token_badinput_SOURCES = \
	tests/blackbox/test_token_badinput.c \
	tests/blackbox/p11_helpers.c tests/blackbox/p11_helpers.h
tests_blackbox_test_token_badinput_CFLAGS = $(MCX_TOKEN_BB_CFLAGS)
tests_blackbox_test_token_badinput_LDADD = $(MCX_TOKEN_BB_LDADD)
TESTS += tests/blackbox/test_token_badinput

# Another process's changes are seen by the next call (the store
# generation is read once per call, token/object.c).
check_PROGRAMS += tests/blackbox/test_token_generation
tests_blackbox_test_token_generation_SOURCES = \
	tests/blackbox/test_token_generation.c \
	tests/blackbox/p11_helpers.c tests/blackbox/p11_helpers.h
tests_blackbox_test_token_generation_CFLAGS = $(MCX_TOKEN_BB_CFLAGS)
tests_blackbox_test_token_generation_LDADD = $(MCX_TOKEN_BB_LDADD)
TESTS += tests/blackbox/test_token_generation

# Template fuzz target: replays tests/fuzz/corpus/template in make check
# (libFuzzer build: clang -fsanitize=fuzzer -DMCX_LIBFUZZER).
check_PROGRAMS += tests/fuzz/fuzz_template
tests_fuzz_fuzz_template_SOURCES = tests/fuzz/fuzz_template.c \
	tests/fuzz/replay.c tests/fuzz/replay.h \
	tests/blackbox/p11_helpers.c tests/blackbox/p11_helpers.h
tests_fuzz_fuzz_template_CFLAGS = $(MCX_TOKEN_BB_CFLAGS)
tests_fuzz_fuzz_template_LDADD = $(MCX_TOKEN_BB_LDADD)
TESTS += tests/fuzz/fuzz_template
EXTRA_DIST += tests/fuzz/corpus

# Unit tests of front-end internals (link the token library only).
MCX_TOKEN_UNIT_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(P11KIT_CFLAGS)
MCX_TOKEN_UNIT_LDADD = $(MCX_TOKEN_LIBS) $(CMOCKA_LIBS) $(SQLITE_LIBS) \
	$(CRYPTO_LIBS)
check_PROGRAMS += tests/unit/test_token_hmap tests/unit/test_token_policy
tests_unit_test_token_hmap_SOURCES = tests/unit/test_token_hmap.c
tests_unit_test_token_hmap_CFLAGS = $(MCX_TOKEN_UNIT_CFLAGS)
tests_unit_test_token_hmap_LDADD = $(MCX_TOKEN_UNIT_LDADD)
tests_unit_test_token_policy_SOURCES = tests/unit/test_token_policy.c
tests_unit_test_token_policy_CFLAGS = $(MCX_TOKEN_UNIT_CFLAGS)
tests_unit_test_token_policy_LDADD = $(MCX_TOKEN_UNIT_LDADD)
TESTS += tests/unit/test_token_hmap tests/unit/test_token_policy

# The store generation is read once per call: every read the front end
# makes goes through the test's __wrap_mcx_store_generation.
check_PROGRAMS += tests/unit/test_token_gencount
tests_unit_test_token_gencount_SOURCES = tests/unit/test_token_gencount.c
tests_unit_test_token_gencount_CFLAGS = $(MCX_TOKEN_UNIT_CFLAGS)
tests_unit_test_token_gencount_LDADD = $(MCX_TOKEN_UNIT_LDADD)
tests_unit_test_token_gencount_LDFLAGS = $(AM_LDFLAGS) \
	-Wl,--wrap=mcx_store_generation
TESTS += tests/unit/test_token_gencount
