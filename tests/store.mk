# tests/store.mk: the token store (token/store*.c), config and log.
MCX_STORE_TEST_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(SQLITE_CFLAGS) $(P11KIT_CFLAGS) \
	$(CRYPTO_CFLAGS)
MCX_STORE_TEST_LDADD = $(MCX_TOKEN_LIBS) $(CMOCKA_LIBS) $(SQLITE_LIBS) \
	$(CRYPTO_LIBS)

# test_store builds the store sources into itself with a small PBKDF2
# count (see token/store_internal.h): ~40 PIN operations at 600,000
# iterations take a minute under ASan.  The module keeps the real count.
check_PROGRAMS += tests/unit/test_store
tests_unit_test_store_SOURCES = tests/unit/test_store.c \
	token/store_sqlite.c token/store_object.c token/store_find.c \
	token/store_pin.c \
	token/store_audit.c token/store_crypto.c token/log.c
tests_unit_test_store_CPPFLAGS = $(AM_CPPFLAGS) \
	-DMCX_STORE_KDF_ITERATIONS=2000u
tests_unit_test_store_CFLAGS = $(MCX_STORE_TEST_CFLAGS)
tests_unit_test_store_LDADD = mechanisms/libmcxmech.la \
	common/libmcxcommon.la $(CMOCKA_LIBS) $(SQLITE_LIBS) $(CRYPTO_LIBS)
TESTS += tests/unit/test_store

check_PROGRAMS += tests/unit/test_config
tests_unit_test_config_SOURCES = tests/unit/test_config.c
tests_unit_test_config_CFLAGS = $(MCX_STORE_TEST_CFLAGS)
tests_unit_test_config_LDADD = $(MCX_STORE_TEST_LDADD)
TESTS += tests/unit/test_config

# Store-level benchmark (make bench): insert, load, find, open.
check_PROGRAMS += tests/bench/bench_store_db
tests_bench_bench_store_db_SOURCES = tests/bench/bench_store_db.c
tests_bench_bench_store_db_CFLAGS = $(MCX_STORE_TEST_CFLAGS)
tests_bench_bench_store_db_LDADD = $(MCX_STORE_TEST_LDADD)
BENCH_BINARIES += tests/bench/bench_store_db

# Black-box store tests through the built module ($(MCXHSM_MODULE)).
MCX_STORE_BB_CFLAGS = $(AM_CFLAGS) $(P11KIT_CFLAGS) $(SQLITE_CFLAGS) \
	$(CRYPTO_CFLAGS)
MCX_STORE_BB_LDADD = $(SQLITE_LIBS) $(CRYPTO_LIBS) -ldl

check_PROGRAMS += tests/blackbox/test_at_rest
tests_blackbox_test_at_rest_SOURCES = tests/blackbox/test_at_rest.c \
	tests/blackbox/p11_helpers.c tests/blackbox/p11_helpers.h
tests_blackbox_test_at_rest_CFLAGS = $(MCX_STORE_BB_CFLAGS)
tests_blackbox_test_at_rest_LDADD = $(MCX_STORE_BB_LDADD)
TESTS += tests/blackbox/test_at_rest

check_PROGRAMS += tests/blackbox/test_crash_safety
tests_blackbox_test_crash_safety_SOURCES = \
	tests/blackbox/test_crash_safety.c \
	tests/blackbox/p11_helpers.c tests/blackbox/p11_helpers.h
tests_blackbox_test_crash_safety_CFLAGS = $(MCX_STORE_BB_CFLAGS)
tests_blackbox_test_crash_safety_LDADD = $(MCX_STORE_BB_LDADD)
TESTS += tests/blackbox/test_crash_safety

check_PROGRAMS += tests/blackbox/test_config_module
tests_blackbox_test_config_module_SOURCES = \
	tests/blackbox/test_config_module.c
tests_blackbox_test_config_module_CFLAGS = $(MCX_STORE_BB_CFLAGS)
tests_blackbox_test_config_module_LDADD = -ldl
TESTS += tests/blackbox/test_config_module
