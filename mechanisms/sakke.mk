# mechanisms/sakke: (fragment owned by the sakke family)
# kernels (A2)
mechanisms_libmcxmech_la_SOURCES += \
	mechanisms/fp1024_kernel.h mechanisms/fp1024_portable.c \
	mechanisms/fp1024_select.c mechanisms/fp1024_x86_64.c \
	mechanisms/fp1024_ifma.c mechanisms/fp1024_addsub_avx512.c
# SAKKE engine (A): field, F_p^2, curve, pairing, combs, public API
mechanisms_libmcxmech_la_SOURCES += \
	mechanisms/fp1024.c mechanisms/fp1024.h \
	mechanisms/fp2.c mechanisms/fp2.h \
	mechanisms/sakke_curve.c mechanisms/sakke_curve.h \
	mechanisms/sakke_order.c mechanisms/sakke_order.h \
	mechanisms/ct_public.h \
	mechanisms/sakke_pairing.c mechanisms/sakke_pairing.h \
	mechanisms/sakke_comb.c mechanisms/sakke_comb.h \
	mechanisms/sakke_hash.c mechanisms/sakke_hash.h \
	mechanisms/sakke_kms.c mechanisms/sakke_internal.h \
	mechanisms/sakke.c mechanisms/sakke.h
