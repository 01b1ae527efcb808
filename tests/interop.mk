# tests/interop.mk: the ecosystem's clients against our module (issue 2).
# Shell drivers (executable, run directly by the test harness) over the
# shared helpers of tests/p11env.sh: a temporary token directory and
# MCXHSM_CONF per test, C_InitToken through pkcs11-tool, and the ASan
# runtime preloaded into the clients in the sanitizer build.
# P11_TARGET=softhsm runs a driver against SoftHSMv2 instead (development).
INTEROP_TESTS = \
	tests/interop/pkcs11-tool.sh \
	tests/interop/pkcs11-tool-ec.sh \
	tests/interop/gnutls-p11tool.sh \
	tests/interop/p11kit-module.sh \
	tests/interop/gnutls-tls13.sh \
	tests/interop/attr-semantics.sh \
	tests/interop/attr-diff.sh
TESTS += $(INTEROP_TESTS)

EXTRA_DIST += tests/p11env.sh $(INTEROP_TESTS) \
	tests/interop/attr_semantics.py
