# tests/token.mk: tests of the token area
