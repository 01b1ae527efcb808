# common/: leaf helpers with no PKCS#11 state (wipe, ...).
noinst_LTLIBRARIES += common/libmcxcommon.la
common_libmcxcommon_la_SOURCES = \
	common/wipe.c common/wipe.h common/hex.c common/hex.h
common_libmcxcommon_la_CFLAGS = $(AM_CFLAGS) $(CRYPTO_CFLAGS)
common_libmcxcommon_la_LIBADD = $(CRYPTO_LIBS)
