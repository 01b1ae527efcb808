# tests/kms.mk: the KMS XML reader (issue 4, engineer K)
KMS_XML_TEST_LIBS = admin/libmcxkmsxml.la tests/common/libmcxtest.la \
	mechanisms/libmcxmech.la common/libmcxcommon.la \
	$(XML_LIBS) $(JSONC_LIBS) $(CRYPTO_LIBS)
check_PROGRAMS += tests/unit/test_kms_xml
tests_unit_test_kms_xml_SOURCES = tests/unit/test_kms_xml.c
tests_unit_test_kms_xml_CPPFLAGS = $(AM_CPPFLAGS) \
	-DMCX_TEST_VECTORS_DIR='"$(abs_top_srcdir)/tests/vectors"'
tests_unit_test_kms_xml_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) \
	$(JSONC_CFLAGS) $(XML_CFLAGS) $(CRYPTO_CFLAGS)
tests_unit_test_kms_xml_LDADD = $(KMS_XML_TEST_LIBS) $(CMOCKA_LIBS)
TESTS += tests/unit/test_kms_xml
# Fuzz target replaying its corpus (libFuzzer entry + main())
check_PROGRAMS += tests/fuzz/fuzz_kms_xml
tests_fuzz_fuzz_kms_xml_SOURCES = tests/fuzz/fuzz_kms_xml.c
tests_fuzz_fuzz_kms_xml_CFLAGS = $(AM_CFLAGS) $(XML_CFLAGS)
tests_fuzz_fuzz_kms_xml_LDADD = admin/libmcxkmsxml.la \
	mechanisms/libmcxmech.la common/libmcxcommon.la \
	$(XML_LIBS) $(CRYPTO_LIBS)
TESTS += tests/fuzz/fuzz_kms_xml
# (its corpus ships with tests/fuzz/corpus, EXTRA_DIST in tests/token.mk)
# Benchmark (make bench): parse + validate 1,000 TrK-encrypted key sets
check_PROGRAMS += tests/bench/bench_kms_xml
tests_bench_bench_kms_xml_SOURCES = tests/bench/bench_kms_xml.c
tests_bench_bench_kms_xml_CFLAGS = $(AM_CFLAGS) $(XML_CFLAGS)
tests_bench_bench_kms_xml_LDADD = admin/libmcxkmsxml.la \
	mechanisms/libmcxmech.la common/libmcxcommon.la \
	$(XML_LIBS) $(CRYPTO_LIBS)
BENCH_BINARIES += tests/bench/bench_kms_xml
