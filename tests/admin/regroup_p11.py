#!/usr/bin/python3
"""PKCS#11 fixtures for the regroup tests and demo, through PyKCS11 against
$MCXHSM_MODULE: the same MCX key (CSK, MuSiK or GMK) in several parties'
tokens, as MIKEY-SAKKE delivery would leave it (the tool itself never
creates keys from a value).

  create-mcx-keys PIN_FILE < LINES
      each line "TOKEN LABEL PURPOSE KEY_ID_HEX KEY_HEX [SENDER_URI]":
      import a CKK_MCX_KEY (CKA_WRAP, CKA_UNWRAP, CKA_DERIVE) into the
      token labelled TOKEN (one login per token); PURPOSE is the TS 33.180
      purpose tag (0 GMK, 2 CSK, 6 MuSiK); SENDER_URI becomes
      CKA_MCX_SENDER_URI
  keygen TOKEN PIN_FILE PURPOSE LABEL
      CKM_MCX_KEY_GEN in the token labelled TOKEN: a new extractable MCX key
      (a client's CSK, a server's MuSiK) that MIKEY-SAKKE may carry; prints
      its K-ID in hex
"""
import os
import struct
import sys

import PyKCS11
from PyKCS11.LowLevel import CKA_CLASS

# <mcxhsm/pkcs11-mcx.h>: one vendor base per family.
MCX_TAG = 0x4D435800
CKK_MCX_KEY = PyKCS11.CKK_VENDOR_DEFINED | MCX_TAG | 0x03
CKA_MCX_KEY_PURPOSE = PyKCS11.CKA_VENDOR_DEFINED | MCX_TAG | 0x01
CKA_MCX_KEY_ID = PyKCS11.CKA_VENDOR_DEFINED | MCX_TAG | 0x02
CKA_MCX_SENDER_URI = PyKCS11.CKA_VENDOR_DEFINED | MCX_TAG | 0x09
CKM_MCX_KEY_GEN = PyKCS11.CKM_VENDOR_DEFINED | MCX_TAG | 0x01


def session(token, pin_file):
    lib = PyKCS11.PyKCS11Lib()
    lib.load(os.environ["MCXHSM_MODULE"])
    slots = [s for s in lib.getSlotList(tokenPresent=True)
             if lib.getTokenInfo(s).label.strip() == token]
    if len(slots) != 1:
        sys.exit("expected one token labelled %s, found %d" %
                 (token, len(slots)))
    s = lib.openSession(slots[0], PyKCS11.CKF_SERIAL_SESSION |
                        PyKCS11.CKF_RW_SESSION)
    with open(pin_file) as f:
        s.login(f.readline().rstrip("\r\n"))
    return lib, s


def create_mcx_key(s, label, purpose, key_id_hex, key_hex, sender=None):
    t = [
        (CKA_CLASS, PyKCS11.CKO_SECRET_KEY),
        (PyKCS11.CKA_KEY_TYPE, CKK_MCX_KEY),
        (PyKCS11.CKA_TOKEN, True),
        (PyKCS11.CKA_LABEL, label),
        (PyKCS11.CKA_WRAP, True),
        (PyKCS11.CKA_UNWRAP, True),
        (PyKCS11.CKA_DERIVE, True),
        # vendor attributes go as bytes: a CK_ULONG in native size/order
        (CKA_MCX_KEY_PURPOSE, struct.pack("L", int(purpose))),
        (CKA_MCX_KEY_ID, bytes.fromhex(key_id_hex)),
        (PyKCS11.CKA_VALUE, bytes.fromhex(key_hex)),
    ]
    if sender:
        t.append((CKA_MCX_SENDER_URI, sender.encode()))
    s.createObject(t)


def keygen(token, pin_file, purpose, label):
    lib, s = session(token, pin_file)
    h = s.generateKey([
        (PyKCS11.CKA_TOKEN, True),
        (PyKCS11.CKA_LABEL, label),
        (PyKCS11.CKA_EXTRACTABLE, True),
        (PyKCS11.CKA_WRAP, True),
        (PyKCS11.CKA_UNWRAP, True),
        (CKA_MCX_KEY_PURPOSE, struct.pack("L", int(purpose))),
    ], PyKCS11.Mechanism(CKM_MCX_KEY_GEN, None))
    kid = bytes(s.getAttributeValue(h, [CKA_MCX_KEY_ID])[0])
    print(kid.hex())
    s.logout()


def main():
    if len(sys.argv) == 6 and sys.argv[1] == "keygen":
        keygen(*sys.argv[2:])
        return
    if len(sys.argv) != 3 or sys.argv[1] != "create-mcx-keys":
        sys.exit(__doc__)
    sessions = {}
    for line in sys.stdin:
        f = line.split()
        if not f:
            continue
        if len(f) not in (5, 6):
            sys.exit("bad line: " + line)
        if f[0] not in sessions:
            sessions[f[0]] = session(f[0], sys.argv[2])
        create_mcx_key(sessions[f[0]][1], *f[1:])
    for lib, s in sessions.values():
        s.logout()
        s.closeSession()


if __name__ == "__main__":
    main()
