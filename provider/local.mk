# provider/: the OpenSSL 3 provider mcxhsm.so (issue 7), installed into
# libcrypto's modules directory (configure --with-openssl-modules-dir).  It
# reaches the token only through PKCS#11 (dlopen), so it links no token code
# (common/libmcxcommon.la: leaf helpers only).
osslmodule_LTLIBRARIES = provider/mcxhsm.la
provider_mcxhsm_la_SOURCES = provider/internal.h provider/prov.c \
	provider/p11.c provider/uri.c provider/key.c provider/store.c \
	provider/keymgmt.c \
	provider/sig_eccsi.c provider/kem_sakke.c provider/encode_text.c \
	provider/err.c
provider_mcxhsm_la_CPPFLAGS = $(AM_CPPFLAGS) \
	-DMCX_PROV_DEFAULT_MODULE='"$(pkcs11dir)/libmcxhsm.so"'
provider_mcxhsm_la_CFLAGS = $(AM_CFLAGS) \
	$(CRYPTO_CFLAGS) $(P11KIT_CFLAGS)
provider_mcxhsm_la_LIBADD = common/libmcxcommon.la $(CRYPTO_LIBS) -ldl
provider_mcxhsm_la_LDFLAGS = $(AM_LDFLAGS) -module -avoid-version -shared \
	-export-symbols-regex '^OSSL_provider_init$$'

# A dlopen'ed module needs no libtool archive beside it.
install-data-hook: remove-provider-la
remove-provider-la:
	rm -f $(DESTDIR)$(osslmoduledir)/mcxhsm.la
.PHONY: remove-provider-la
