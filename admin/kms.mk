# admin/kms.mk: the TS 33.180 Annex D KMS XML reader (issue 4), a pure
# library the admin tool's `kms import` links.  Users link it with
# mechanisms/libmcxmech.la common/libmcxcommon.la $(XML_LIBS) $(CRYPTO_LIBS).
noinst_LTLIBRARIES += admin/libmcxkmsxml.la
admin_libmcxkmsxml_la_SOURCES = \
	admin/kms_xml.h admin/kms_xml_internal.h \
	admin/kms_xml.c admin/kms_xml_key.c admin/kms_xml_util.c admin/kms_xml_sig.c \
	admin/kms_xml_check.c admin/kms_xml_write.c
admin_libmcxkmsxml_la_CFLAGS = $(AM_CFLAGS) $(XML_CFLAGS) $(CRYPTO_CFLAGS)
admin_libmcxkmsxml_la_LIBADD = $(XML_LIBS)
