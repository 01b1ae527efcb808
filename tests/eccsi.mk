# tests/eccsi.mk: tests of the eccsi area
