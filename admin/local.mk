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
	admin/audit_cmd.c \
	admin/regroup_cmd.c \
	admin/mikey_inspect.c \
	admin/mikey_cmd.c \
	admin/gms.h \
	admin/gms_cmd.c \
	admin/gms_group.c \
	admin/trk_cmd.c \
	admin/kms_cmd.h \
	admin/kms_cmd_import.c \
	admin/kms_cmd_keys.c \
	admin/kms_cmd.c
# The installed module is the default; --module or $MCXHSM_MODULE override.
admin_mcxhsm_CPPFLAGS = $(AM_CPPFLAGS) \
	-DMCXHSM_DEFAULT_MODULE='"$(pkcs11dir)/libmcxhsm.so"'
admin_mcxhsm_CFLAGS = $(AM_CFLAGS) $(P11KIT_CFLAGS) $(JSONC_CFLAGS) \
	$(CRYPTO_CFLAGS) $(XML_CFLAGS)
# mechanisms/libmcxmech.la: only the pure MIKEY decoder for `mikey
# inspect` (public data; every key operation goes through the module).
# admin/libmcxkmsxml.la: the KMS XML reader of `kms import` (parsing and
# public checks only; the token validates every key).
admin_mcxhsm_LDADD = admin/libmcxkmsxml.la \
	mechanisms/libmcxmech.la common/libmcxcommon.la \
	$(XML_LIBS) $(JSONC_LIBS) $(CRYPTO_LIBS) -ldl
include admin/kms.mk
