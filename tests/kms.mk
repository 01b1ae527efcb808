# tests/kms.mk: the KMS XML reader and the admin `trk`/`kms` commands
# (issue 4, engineers K and KA)
KMS_XML_TEST_LIBS = admin/libmcxkmsxml.la tests/common/libmcxtest.la \
	mechanisms/libmcxmech.la common/libmcxcommon.la \
	$(XML_LIBS) $(JSONC_LIBS) $(CRYPTO_LIBS)
check_PROGRAMS += tests/unit/test_kms_xml
tests_unit_test_kms_xml_SOURCES = tests/unit/test_kms_xml.c \
	tests/kms/kms_xml_ref.c tests/kms/kms_xml_ref.h
tests_unit_test_kms_xml_CPPFLAGS = $(AM_CPPFLAGS) \
	-DMCX_TEST_VECTORS_DIR='"$(abs_top_srcdir)/tests/vectors"'
tests_unit_test_kms_xml_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) \
	$(JSONC_CFLAGS) $(XML_CFLAGS) $(CRYPTO_CFLAGS)
tests_unit_test_kms_xml_LDADD = $(KMS_XML_TEST_LIBS) $(CMOCKA_LIBS)
TESTS += tests/unit/test_kms_xml
# Fuzz target replaying its corpus (libFuzzer entry + main())
check_PROGRAMS += tests/fuzz/fuzz_kms_xml
tests_fuzz_fuzz_kms_xml_SOURCES = tests/fuzz/fuzz_kms_xml.c \
	tests/fuzz/replay.c tests/fuzz/replay.h \
	tests/kms/kms_xml_ref.c tests/kms/kms_xml_ref.h
tests_fuzz_fuzz_kms_xml_CFLAGS = $(AM_CFLAGS) $(XML_CFLAGS)
tests_fuzz_fuzz_kms_xml_LDADD = admin/libmcxkmsxml.la \
	mechanisms/libmcxmech.la common/libmcxcommon.la \
	$(XML_LIBS) $(CRYPTO_LIBS)
TESTS += tests/fuzz/fuzz_kms_xml
# (its corpus ships with tests/fuzz/corpus, EXTRA_DIST in tests/token.mk)
# Benchmark (make bench): `kms import` of 1,000 TrK-encrypted key sets
# issued by `kms issue` (tool + module, validation in the token)
check_PROGRAMS += tests/bench/bench_kms_xml
tests_bench_bench_kms_xml_SOURCES = tests/bench/bench_kms_xml.c
tests_bench_bench_kms_xml_CFLAGS = $(AM_CFLAGS) $(XML_CFLAGS)
tests_bench_bench_kms_xml_LDADD = admin/libmcxkmsxml.la \
	mechanisms/libmcxmech.la common/libmcxcommon.la \
	$(XML_LIBS) $(CRYPTO_LIBS)
BENCH_BINARIES += tests/bench/bench_kms_xml

# `mcxhsm trk` / `kms` through the built tool and module (issue 4, engineer
# KA): kms_tool signs KMS XML with an InK and uses imported keys through
# PKCS#11; kms_xml_gen.py builds Streamwide v5 Annex D XML (clear, or
# TrK-encrypted with OpenSSL's AES key wrap) and its bad variants.
check_PROGRAMS += tests/kms/kms_tool
tests_kms_kms_tool_SOURCES = tests/kms/kms_tool.c
tests_kms_kms_tool_CFLAGS = $(AM_CFLAGS) $(XML_CFLAGS) $(CRYPTO_CFLAGS) \
	$(P11KIT_CFLAGS)
tests_kms_kms_tool_LDADD = $(XML_LIBS) $(CRYPTO_LIBS) -ldl
TESTS += tests/kms/kms_import.sh tests/kms/kms_role.sh
EXTRA_DIST += tests/kms/kms_import.sh tests/kms/kms_role.sh \
	tests/kms/kms_xml_gen.py
