# token/store.mk: the SQLite token store (token/store.h), the module's
# configuration file and its log.
token_libmcxtoken_la_SOURCES += \
	token/store.h token/store_internal.h \
	token/store_sqlite.c token/store_object.c token/store_find.c \
	token/store_pin.c \
	token/store_audit.c token/store_crypto.c
token_libmcxtoken_la_SOURCES += \
	token/config.c token/config.h token/log.c token/log.h
