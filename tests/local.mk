# tests/: unit, known-answer, black-box PKCS#11, interop, fuzz and bench.
# Shared test helpers:
check_LTLIBRARIES += tests/common/libmcxtest.la
tests_common_libmcxtest_la_SOURCES = \
	tests/common/vectors.c tests/common/vectors.h
tests_common_libmcxtest_la_CPPFLAGS = $(AM_CPPFLAGS) \
	-DMCX_VECTORS_DIR='"$(abs_top_srcdir)/tests/vectors"'
tests_common_libmcxtest_la_CFLAGS = $(AM_CFLAGS) $(JSONC_CFLAGS)
tests_common_libmcxtest_la_LIBADD = $(JSONC_LIBS)

EXTRA_DIST += tests/vectors

# One fragment per area; each appends to TESTS / check_PROGRAMS / BENCH_PROGRAMS.
include tests/common.mk
include tests/sakke.mk
include tests/ct.mk
include tests/eccsi.mk
include tests/mikey.mk
include tests/std.mk
include tests/store.mk
include tests/token.mk
include tests/admin.mk
include tests/interop.mk
include tests/bench/local.mk
include tests/kms.mk
include tests/rgk.mk
include tests/rgk_token.mk
include tests/mcx.mk
include tests/provider.mk
include tests/mikey_token.mk
include tests/kms_token.mk
include tests/mikey_cli.mk
include tests/mikey_rx.mk
