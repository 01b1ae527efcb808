#!/usr/bin/python3
"""Provision a party's token with the Streamwide v5 key material
(tests/vectors/mikey_streamwide_v5.json, every key validated in
MCX-REFERENCE Appendix A), through PyKCS11 against $MCXHSM_MODULE, for the
`mikey` / `gms` command tests (the tool itself never imports raw keys).

  provision PIN_FILE USER [--kms-uri URI]
      the KMS's public Z_T and KPAK, and USER's (GMS, Alice, Bob) RSK and
      SSK + PVT; --kms-uri stores the KMS under another URI (a second KMS
      with the same keys, for the multi-KMS member files)
  keygen PIN_FILE PURPOSE LABEL
      CKM_MCX_KEY_GEN: a new extractable CKK_MCX_KEY of purpose tag
      PURPOSE (0 GMK, 1 PCK, 2 CSK, ...); prints its K-ID in hex
"""
import os
import struct
import sys

import PyKCS11
from PyKCS11.LowLevel import CKA_CLASS

MCX_TAG = 0x4D435800
CKK_MCX_SAKKE = PyKCS11.CKK_VENDOR_DEFINED | MCX_TAG | 0x01
CKK_MCX_ECCSI = PyKCS11.CKK_VENDOR_DEFINED | MCX_TAG | 0x02
A = PyKCS11.CKA_VENDOR_DEFINED | MCX_TAG
CKA_MCX_USER_URI = A | 0x10
CKA_MCX_UID = A | 0x11
CKA_MCX_KMS_URI = A | 0x12
CKA_MCX_KEY_PERIOD_NO = A | 0x13
CKA_MCX_USER_KEY_PERIOD = A | 0x14
CKA_MCX_USER_KEY_OFFSET = A | 0x15
CKA_MCX_PVT = A | 0x18
CKK_MCX_KEY = PyKCS11.CKK_VENDOR_DEFINED | MCX_TAG | 0x03
CKA_MCX_KEY_PURPOSE = A | 0x01
CKA_MCX_KEY_ID = A | 0x02
CKM_MCX_KEY_GEN = PyKCS11.CKM_VENDOR_DEFINED | MCX_TAG | 0x01


def ulong(v):
    return struct.pack("L", v)


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


def provision(pin_file, user, kms_uri=None):
    import json
    d = json.load(open(os.path.join(os.environ["MCXHSM_VECTORS"],
                                    "mikey_streamwide_v5.json")))
    kms, u = d["kms"], d["users"][user]
    kms_uri = (kms_uri or kms["KmsUri"]).encode()
    lib, s = session(pin_file)
    common = [(PyKCS11.CKA_TOKEN, True), (CKA_MCX_KMS_URI, kms_uri)]
    s.createObject(common + [
        (CKA_CLASS, PyKCS11.CKO_PUBLIC_KEY),
        (PyKCS11.CKA_KEY_TYPE, CKK_MCX_SAKKE),
        (PyKCS11.CKA_WRAP, True),
        (PyKCS11.CKA_VALUE, bytes.fromhex(kms["Z_PubEncKey"])),
        (CKA_MCX_USER_KEY_PERIOD, ulong(kms["UserKeyPeriod"])),
        (CKA_MCX_USER_KEY_OFFSET, ulong(kms["UserKeyOffset"])),
        (PyKCS11.CKA_LABEL, "kms-z"),
    ])
    s.createObject(common + [
        (CKA_CLASS, PyKCS11.CKO_PUBLIC_KEY),
        (PyKCS11.CKA_KEY_TYPE, CKK_MCX_ECCSI),
        (PyKCS11.CKA_VERIFY, True),
        (PyKCS11.CKA_VALUE, bytes.fromhex(kms["KPAK_PubAuthKey"])),
        (PyKCS11.CKA_LABEL, "kms-kpak"),
    ])
    ident = common + [
        (CKA_CLASS, PyKCS11.CKO_PRIVATE_KEY),
        (PyKCS11.CKA_PRIVATE, True),
        (CKA_MCX_USER_URI, u["uri"].encode()),
        (CKA_MCX_UID, bytes.fromhex(u["uid"])),
        (CKA_MCX_KEY_PERIOD_NO, ulong(u["key_period_no"])),
    ]
    s.createObject(ident + [
        (PyKCS11.CKA_KEY_TYPE, CKK_MCX_SAKKE),
        (PyKCS11.CKA_UNWRAP, True),
        (PyKCS11.CKA_VALUE, bytes.fromhex(u["RSK"])),
        (PyKCS11.CKA_LABEL, "rsk"),
    ])
    s.createObject(ident + [
        (PyKCS11.CKA_KEY_TYPE, CKK_MCX_ECCSI),
        (PyKCS11.CKA_SIGN, True),
        (PyKCS11.CKA_VALUE, bytes.fromhex(u["SSK"])),
        (CKA_MCX_PVT, bytes.fromhex(u["PVT"])),
        (PyKCS11.CKA_LABEL, "ssk"),
    ])
    s.logout()
    s.closeSession()


def keygen(pin_file, purpose, label):
    lib, s = session(pin_file)
    h = s.generateKey([
        (CKA_CLASS, PyKCS11.CKO_SECRET_KEY),
        (PyKCS11.CKA_KEY_TYPE, CKK_MCX_KEY),
        (CKA_MCX_KEY_PURPOSE, ulong(int(purpose))),
        (PyKCS11.CKA_TOKEN, True),
        (PyKCS11.CKA_PRIVATE, True),
        (PyKCS11.CKA_EXTRACTABLE, True),
        (PyKCS11.CKA_LABEL, label),
    ], PyKCS11.Mechanism(CKM_MCX_KEY_GEN, None))
    kid = s.getAttributeValue(h, [CKA_MCX_KEY_ID])[0]
    print(bytes(kid).hex())
    s.logout()
    s.closeSession()


def main(argv):
    if len(argv) >= 3 and argv[0] == "provision":
        kms_uri = None
        if len(argv) == 5 and argv[3] == "--kms-uri":
            kms_uri = argv[4]
        elif len(argv) != 3:
            sys.exit(__doc__)
        provision(argv[1], argv[2], kms_uri)
    elif len(argv) == 4 and argv[0] == "keygen":
        keygen(argv[1], argv[2], argv[3])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
