# mechanisms/eccsi: ECCSI (RFC 6507) on P-256 and the 3GPP key derivations
# (TS 33.180 Annex F UID, GUK-ID, XPK keys, DPCK; MIKEY PRF).
mechanisms_libmcxmech_la_SOURCES += \
	mechanisms/eccsi.c mechanisms/eccsi.h \
	mechanisms/eccsi_internal.h mechanisms/eccsi_verify.c \
	mechanisms/eccsi_kms.c \
	mechanisms/eccsi_ord.c mechanisms/eccsi_ord.h \
	mechanisms/kdf3gpp.c mechanisms/kdf3gpp.h
