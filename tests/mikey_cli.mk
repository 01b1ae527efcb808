# tests/mikey_cli.mk: the admin tool's `mikey` and `gms` commands, the
# whole-story demo and tshark interop (issue 5).
#   mikey_inspect.sh  `mikey inspect` on the Streamwide v5 messages, no token
#   mikey_cli.sh      mikey send/receive and gms create-group, distribute,
#                     revoke, regroup, forward end to end (one token per
#                     party, Streamwide key material via mikey_p11.py)
#   tshark.sh         tshark decodes our I_MESSAGEs as our decoder does
#   mikey_demo.sh     the demo's whole story (tests/demo/story.sh), 5 users
TESTS += \
	tests/admin/mikey_inspect.sh \
	tests/admin/mikey_cli.sh \
	tests/interop/tshark.sh \
	tests/admin/mikey_demo.sh
EXTRA_DIST += \
	tests/admin/mikey_demo.sh \
	tests/demo/story.sh \
	tests/admin/mikey_inspect.sh \
	tests/admin/mikey_cli.sh \
	tests/admin/mikey_p11.py \
	tests/interop/tshark.sh
