# token/: the PKCS#11 v3.0 module libmcxhsm.so.  All token code is built
# once into a convenience library (unit tests link it); the module adds the
# three exported entry points on top.
noinst_LTLIBRARIES += token/libmcxtoken.la
token_libmcxtoken_la_SOURCES =
token_libmcxtoken_la_CFLAGS = $(AM_CFLAGS) $(CRYPTO_CFLAGS) $(SQLITE_CFLAGS) $(P11KIT_CFLAGS)
# Convenience libraries never LIBADD each other (that would duplicate their
# objects); final programs and the module link the set they need.
token_libmcxtoken_la_LIBADD = $(SQLITE_LIBS) $(CRYPTO_LIBS)
MCX_TOKEN_LIBS = token/libmcxtoken.la mechanisms/libmcxmech.la common/libmcxcommon.la

include token/store.mk
include token/core.mk
include token/ops.mk

pkcs11_LTLIBRARIES += token/libmcxhsm.la
token_libmcxhsm_la_SOURCES = token/module.c
token_libmcxhsm_la_CFLAGS = $(AM_CFLAGS) $(P11KIT_CFLAGS)
token_libmcxhsm_la_LIBADD = $(MCX_TOKEN_LIBS)
# Only the three PKCS#11 entry points leave the module.
token_libmcxhsm_la_LDFLAGS = $(AM_LDFLAGS) -module -avoid-version -shared \
	-export-symbols-regex '^C_Get(FunctionList|InterfaceList|Interface)$$'

# p11-kit registration
# p11-kit registration: the module file names the installed module by its
# absolute path, so a --prefix other than p11-kit's own still works.
p11kitmodule_DATA = token/mcxhsm.module
EXTRA_DIST += token/mcxhsm.module.in
CLEANFILES += token/mcxhsm.module
token/mcxhsm.module: $(top_srcdir)/token/mcxhsm.module.in Makefile
	$(AM_V_GEN)$(MKDIR_P) token && \
	sed -e 's|@pkcs11dir[@]|$(pkcs11dir)|g' $(top_srcdir)/token/mcxhsm.module.in > $@

# A dlopen'ed module needs no libtool archive beside it.
install-data-hook: remove-module-la
remove-module-la:
	rm -f $(DESTDIR)$(pkcs11dir)/libmcxhsm.la
.PHONY: remove-module-la
