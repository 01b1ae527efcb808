# tests/interop.mk: tests of the interop area
