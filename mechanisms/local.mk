# mechanisms/: pure cryptography over bytes and key structs; knows nothing
# of sessions, handles or attributes.  One fragment per family.
noinst_LTLIBRARIES += mechanisms/libmcxmech.la
mechanisms_libmcxmech_la_SOURCES = \
	mechanisms/libctx.c mechanisms/libctx.h \
	mechanisms/mech_err.c mechanisms/mech_err.h
mechanisms_libmcxmech_la_CFLAGS = $(AM_CFLAGS) $(CRYPTO_CFLAGS)
mechanisms_libmcxmech_la_LIBADD = $(CRYPTO_LIBS)

include mechanisms/std.mk
include mechanisms/sakke.mk
include mechanisms/eccsi.mk
include mechanisms/mikey.mk
include mechanisms/rgk.mk
