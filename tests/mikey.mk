# tests/mikey.mk: MIKEY-SAKKE I_MESSAGE codec (issue 5, pure level): the
# Streamwide v5 known answers, our own messages and their rejections, the
# parser fuzz target replaying its corpus, and the bench.
MCX_MIKEY_TEST_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(JSONC_CFLAGS) \
	$(CRYPTO_CFLAGS)
MCX_MIKEY_TEST_LDADD = tests/common/libmcxtest.la mechanisms/libmcxmech.la \
	common/libmcxcommon.la $(CMOCKA_LIBS) $(JSONC_LIBS) $(CRYPTO_LIBS)

check_PROGRAMS += tests/kat/test_mikey_kat
tests_kat_test_mikey_kat_SOURCES = tests/kat/test_mikey_kat.c
tests_kat_test_mikey_kat_CFLAGS = $(MCX_MIKEY_TEST_CFLAGS)
tests_kat_test_mikey_kat_LDADD = $(MCX_MIKEY_TEST_LDADD)
TESTS += tests/kat/test_mikey_kat

check_PROGRAMS += tests/unit/test_mikey_codec
tests_unit_test_mikey_codec_SOURCES = tests/unit/test_mikey_codec.c
tests_unit_test_mikey_codec_CFLAGS = $(MCX_MIKEY_TEST_CFLAGS)
tests_unit_test_mikey_codec_LDADD = $(MCX_MIKEY_TEST_LDADD)
TESTS += tests/unit/test_mikey_codec

# Parser fuzz target: replays tests/fuzz/corpus/mikey in make check (seeds:
# the three Streamwide messages, truncations, bad lengths; libFuzzer build:
# clang -fsanitize=fuzzer -DMCX_LIBFUZZER).
check_PROGRAMS += tests/fuzz/fuzz_mikey
tests_fuzz_fuzz_mikey_SOURCES = tests/fuzz/fuzz_mikey.c \
	tests/fuzz/replay.c tests/fuzz/replay.h
tests_fuzz_fuzz_mikey_CFLAGS = $(AM_CFLAGS) $(CRYPTO_CFLAGS)
tests_fuzz_fuzz_mikey_LDADD = mechanisms/libmcxmech.la \
	common/libmcxcommon.la $(CRYPTO_LIBS)
TESTS += tests/fuzz/fuzz_mikey

# make bench: complete GMK I_MESSAGEs built / received per second (pure).
check_PROGRAMS += tests/bench/bench_mikey
tests_bench_bench_mikey_SOURCES = tests/bench/bench_mikey.c
tests_bench_bench_mikey_CFLAGS = $(AM_CFLAGS) $(CRYPTO_CFLAGS)
tests_bench_bench_mikey_LDADD = mechanisms/libmcxmech.la \
	common/libmcxcommon.la $(CRYPTO_LIBS)
BENCH_BINARIES += tests/bench/bench_mikey
