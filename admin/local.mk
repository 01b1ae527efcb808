# admin/: the mcxhsm command-line tool, a PKCS#11 client of the module.  It
# dlopens the module (no token internals); one file per command group.
bin_PROGRAMS += admin/mcxhsm
admin_mcxhsm_SOURCES = \
	admin/internal.h \
	admin/main.c \
	admin/p11.c \
	admin/pin.c \
	admin/names.c \
	admin/json.c \
	admin/token_cmd.c \
	admin/key_cmd.c \
	admin/audit_cmd.c
# The installed module is the default; --module or $MCXHSM_MODULE override.
admin_mcxhsm_CPPFLAGS = $(AM_CPPFLAGS) \
	-DMCXHSM_DEFAULT_MODULE='"$(pkcs11dir)/libmcxhsm.so"'
admin_mcxhsm_CFLAGS = $(AM_CFLAGS) $(P11KIT_CFLAGS) $(JSONC_CFLAGS) \
	$(CRYPTO_CFLAGS)
admin_mcxhsm_LDADD = common/libmcxcommon.la $(JSONC_LIBS) $(CRYPTO_LIBS) \
	-ldl
include admin/kms.mk
