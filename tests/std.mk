# tests/std.mk: tests of the std area
