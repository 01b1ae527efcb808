# tests/provider.mk: the OpenSSL provider mcxhsm (issue 7).  The tests load
# provider/.libs/mcxhsm.so (MCXHSM_BUILDDIR) with the built module
# (MCXHSM_MODULE) and a token made by tests/provider/fixture.c.
PROV_T_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(JSONC_CFLAGS) \
	$(CRYPTO_CFLAGS) $(P11KIT_CFLAGS)
PROV_T_LDADD = tests/common/libmcxtest.la $(CMOCKA_LIBS) $(JSONC_LIBS) \
	$(CRYPTO_LIBS) -ldl
PROV_T_HELPERS = tests/provider/fixture.c tests/provider/fixture.h \
	tests/blackbox/p11_helpers.c tests/blackbox/p11_helpers.h \
	tests/blackbox/mcx_streamwide.c tests/blackbox/mcx_streamwide.h

# OpenSSL API: store, ECCSI, SAKKE, RFC vectors, fork
check_PROGRAMS += tests/provider/test_provider
tests_provider_test_provider_SOURCES = tests/provider/test_provider.c \
	$(PROV_T_HELPERS)
tests_provider_test_provider_CFLAGS = $(PROV_T_CFLAGS)
tests_provider_test_provider_LDADD = $(PROV_T_LDADD)
TESTS += tests/provider/test_provider

# openssl list / storeutl through the provider
check_PROGRAMS += tests/provider/prov_setup
tests_provider_prov_setup_SOURCES = tests/provider/prov_setup.c \
	$(PROV_T_HELPERS)
tests_provider_prov_setup_CFLAGS = $(PROV_T_CFLAGS)
tests_provider_prov_setup_LDADD = $(PROV_T_LDADD)
# a no-op dlclose preloaded into openssl under ASan (fake_dlclose.c)
check_LTLIBRARIES += tests/provider/fake_dlclose.la
tests_provider_fake_dlclose_la_SOURCES = tests/provider/fake_dlclose.c
tests_provider_fake_dlclose_la_CFLAGS = $(WARN_CFLAGS)
tests_provider_fake_dlclose_la_LDFLAGS = -module -avoid-version -shared \
	-rpath /nowhere
TESTS += tests/provider/test_provider_cli.sh
EXTRA_DIST += tests/provider/test_provider_cli.sh

# both providers at once (skips without pkcs11-provider)
TESTS += tests/provider/test_provider_coexist.sh
EXTRA_DIST += tests/provider/test_provider_coexist.sh

# BENCH: provider_eccsi_sign vs the token's direct C_Sign (bar >= 0.8x)
check_PROGRAMS += tests/bench/bench_provider
tests_bench_bench_provider_SOURCES = tests/bench/bench_provider.c \
	$(PROV_T_HELPERS)
tests_bench_bench_provider_CFLAGS = $(PROV_T_CFLAGS)
tests_bench_bench_provider_LDADD = $(PROV_T_LDADD)
BENCH_BINARIES += tests/bench/bench_provider

# pkcs11: URI parsing (provider/uri.c compiled in)
check_PROGRAMS += tests/provider/test_uri
tests_provider_test_uri_SOURCES = tests/provider/test_uri.c provider/uri.c
tests_provider_test_uri_CFLAGS = $(PROV_T_CFLAGS)
tests_provider_test_uri_LDADD = common/libmcxcommon.la $(CMOCKA_LIBS) \
	$(CRYPTO_LIBS)
TESTS += tests/provider/test_uri
