# tests/sakke.mk: tests of the sakke area
