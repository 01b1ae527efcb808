# admin/: the mcxhsm command-line tool, a PKCS#11 client of the module.
