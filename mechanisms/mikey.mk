# mechanisms/mikey: MIKEY-SAKKE I_MESSAGE encode / decode / receive and the
# GE type 7 key parameters (RFC 6509, TS 33.180 Annex E; issue 5).
mechanisms_libmcxmech_la_SOURCES += \
	mechanisms/mikey.h mechanisms/mikey_decode.c \
	mechanisms/mikey_encode.c mechanisms/mikey_receive.c mechanisms/mikey_time.c \
	mechanisms/mikey_keyparams.c mechanisms/mikey_keyparams.h
