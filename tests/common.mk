# tests/common.mk: the leaf helpers of common/.
check_PROGRAMS += tests/unit/test_hex
tests_unit_test_hex_SOURCES = tests/unit/test_hex.c
tests_unit_test_hex_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_hex_LDADD = common/libmcxcommon.la $(CMOCKA_LIBS)
TESTS += tests/unit/test_hex
