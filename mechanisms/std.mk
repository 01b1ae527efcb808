# mechanisms/std.mk: the standard mechanisms (AES GCM/ECB/key wrap, SHA-256
# and HMAC, P-256 ECDSA, random) as pure functions over bytes.
mechanisms_libmcxmech_la_SOURCES += \
	mechanisms/aes.c mechanisms/aes.h \
	mechanisms/digest.c mechanisms/digest.h \
	mechanisms/ec_p256.c mechanisms/ec_p256.h \
	mechanisms/random.c mechanisms/random.h
