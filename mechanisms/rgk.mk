# mechanisms/rgk.mk: regroup keys (MCX-REFERENCE §7; decisions c and f):
# RGK derivation and RGK-SEED protection under a CSK / MuSiK.
mechanisms_libmcxmech_la_SOURCES += \
	mechanisms/rgk.c mechanisms/rgk.h
