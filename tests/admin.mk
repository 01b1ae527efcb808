# tests/admin.mk: tests of the admin tool (admin/mcxhsm), run as a user
# would run it.  softhsm.sh proves it is a plain PKCS#11 client (SoftHSMv2);
# module.sh runs the same suite plus the audit checks against our module;
# demo.sh runs tests/demo/demo.sh (./quickstart demo) twice.
check_PROGRAMS += tests/admin/test_admin_format
tests_admin_test_admin_format_SOURCES = tests/admin/test_admin_format.c \
	admin/names.c admin/json.c admin/internal.h
tests_admin_test_admin_format_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) \
	$(JSONC_CFLAGS) $(P11KIT_CFLAGS)
tests_admin_test_admin_format_LDADD = common/libmcxcommon.la $(CMOCKA_LIBS) \
	$(JSONC_LIBS)

TESTS += \
	tests/admin/test_admin_format \
	tests/admin/softhsm.sh \
	tests/admin/module.sh \
	tests/admin/demo.sh
EXTRA_DIST += \
	tests/admin/lib.sh \
	tests/admin/p11helper.py \
	tests/admin/pty_run.py \
	tests/admin/softhsm.sh \
	tests/admin/module.sh \
	tests/admin/demo.sh \
	tests/demo/demo.sh \
	tests/demo/demo_p11.py
