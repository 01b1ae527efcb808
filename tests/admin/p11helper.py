#!/usr/bin/python3
"""PKCS#11 helpers for the admin tests, through PyKCS11 against
$MCXHSM_MODULE (the tool itself never creates keys).

  create-aes PIN_FILE LABEL ID_HEX KEY_HEX   import a sensitive AES key
  create-mcx-key PIN_FILE LABEL PURPOSE KEY_ID_HEX KEY_HEX
                                             import a CKK_MCX_KEY; exits 3
                                             when the module refuses it
"""
import os
import struct
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


# <mcxhsm/pkcs11-mcx.h>: one vendor base per family.
MCX_TAG = 0x4D435800
CKK_MCX_KEY = PyKCS11.CKK_VENDOR_DEFINED | MCX_TAG | 0x03
CKA_MCX_KEY_PURPOSE = PyKCS11.CKA_VENDOR_DEFINED | MCX_TAG | 0x01
CKA_MCX_KEY_ID = PyKCS11.CKA_VENDOR_DEFINED | MCX_TAG | 0x02


def create_mcx_key(pin_file, label, purpose, key_id_hex, key_hex):
    lib, s = session(pin_file)
    try:
        s.createObject([
            (CKA_CLASS, PyKCS11.CKO_SECRET_KEY),
            (PyKCS11.CKA_KEY_TYPE, CKK_MCX_KEY),
            (PyKCS11.CKA_TOKEN, True),
            (PyKCS11.CKA_LABEL, label),
            # PyKCS11 passes unknown (vendor) attributes as bytes: a
            # CK_ULONG (C unsigned long) in native size and order.
            (CKA_MCX_KEY_PURPOSE, struct.pack("L", int(purpose))),
            (CKA_MCX_KEY_ID, bytes.fromhex(key_id_hex)),
            (PyKCS11.CKA_VALUE, bytes.fromhex(key_hex)),
        ])
    except PyKCS11.PyKCS11Error as e:
        print("module refused the MCX key: %s" % e, file=sys.stderr)
        sys.exit(3)
    s.logout()


def main():
    if len(sys.argv) == 6 and sys.argv[1] == "create-aes":
        create_aes(*sys.argv[2:])
    elif len(sys.argv) == 7 and sys.argv[1] == "create-mcx-key":
        create_mcx_key(*sys.argv[2:])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
