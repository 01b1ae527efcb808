# token/store.mk
