# token/core.mk: the PKCS#11 front end (engineer F): module, slots,
# sessions, login, objects, attribute policy, find, audit hook.
token_libmcxtoken_la_SOURCES += \
	token/entry.h token/internal.h token/session.h token/object.h \
	token/slot.h token/attr_policy.h token/hmap.h \
	token/hmap.c token/slot.c token/session.c token/login.c \
	token/object.c token/object_create.c token/object_attr.c \
	token/attr_build.c \
	token/attr_policy.c token/find.c token/audit.c token/unsupported.c \
	token/core.c
