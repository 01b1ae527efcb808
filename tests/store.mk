# tests/store.mk: tests of the store area
