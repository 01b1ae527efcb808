#!/usr/bin/python3
"""PKCS#11 helpers for the admin tests, through PyKCS11 against
$MCXHSM_MODULE (the tool itself never creates keys).

  create-aes PIN_FILE LABEL ID_HEX KEY_HEX   import a sensitive AES key
"""
import os
import sys

import PyKCS11
from PyKCS11.LowLevel import CKA_CLASS


def session(pin_file):
    lib = PyKCS11.PyKCS11Lib()
    lib.load(os.environ["MCXHSM_MODULE"])
    slots = [s for s in lib.getSlotList(tokenPresent=True)
             if lib.getTokenInfo(s).flags & PyKCS11.CKF_TOKEN_INITIALIZED]
    if len(slots) != 1:
        sys.exit("expected one initialised token, found %d" % len(slots))
    s = lib.openSession(slots[0], PyKCS11.CKF_SERIAL_SESSION |
                        PyKCS11.CKF_RW_SESSION)
    with open(pin_file) as f:
        s.login(f.readline().rstrip("\r\n"))
    return lib, s


def create_aes(pin_file, label, id_hex, key_hex):
    lib, s = session(pin_file)
    s.createObject([
        (CKA_CLASS, PyKCS11.CKO_SECRET_KEY),
        (PyKCS11.CKA_KEY_TYPE, PyKCS11.CKK_AES),
        (PyKCS11.CKA_TOKEN, True),
        (PyKCS11.CKA_PRIVATE, True),
        (PyKCS11.CKA_SENSITIVE, True),
        (PyKCS11.CKA_EXTRACTABLE, False),
        (PyKCS11.CKA_ENCRYPT, True),
        (PyKCS11.CKA_LABEL, label),
        (PyKCS11.CKA_ID, bytes.fromhex(id_hex)),
        (PyKCS11.CKA_VALUE, bytes.fromhex(key_hex)),
    ])
    s.logout()
    s.closeSession()


def main():
    if len(sys.argv) == 6 and sys.argv[1] == "create-aes":
        create_aes(*sys.argv[2:])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
