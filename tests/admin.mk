# tests/admin.mk: tests of the admin area
