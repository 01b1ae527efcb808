#!/usr/bin/python3
"""The demo's PKCS#11 steps that pkcs11-tool cannot script well, through
PyKCS11 against $MCXHSM_MODULE (one initialised token, user PIN in a file).

  wrap-unwrap PIN_FILE   AES key wrap (RFC 3394) of a fresh extractable AES
                         key under a KEK, unwrap into a new object, compare
                         the two check values
  export-ec-pub ID_HEX OUT_DER
                         the P-256 public key with that CKA_ID as a DER
                         SubjectPublicKeyInfo, for OpenSSL to verify with
  import-aes PIN_FILE LABEL KEY_HEX
                         create a sensitive, unextractable AES key with a
                         known value (for the at-rest check)
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
    s = lib.openSession(slots[0], PyKCS11.CKF_SERIAL_SESSION |
                        PyKCS11.CKF_RW_SESSION)
    with open(pin_file) as f:
        s.login(f.readline().rstrip("\r\n"))
    return lib, s


def aes_template(label, length, extractable, wrap):
    return [
        (CKA_CLASS, PyKCS11.CKO_SECRET_KEY),
        (PyKCS11.CKA_KEY_TYPE, PyKCS11.CKK_AES),
        (PyKCS11.CKA_VALUE_LEN, length),
        (PyKCS11.CKA_TOKEN, True),
        (PyKCS11.CKA_PRIVATE, True),
        (PyKCS11.CKA_SENSITIVE, True),
        (PyKCS11.CKA_EXTRACTABLE, extractable),
        (PyKCS11.CKA_ENCRYPT, True),
        (PyKCS11.CKA_DECRYPT, True),
        (PyKCS11.CKA_WRAP, wrap),
        (PyKCS11.CKA_UNWRAP, wrap),
        (PyKCS11.CKA_LABEL, label),
    ]


def check_value(s, key):
    cv = s.getAttributeValue(key, [PyKCS11.CKA_CHECK_VALUE])[0]
    return bytes(cv).hex() if cv else "(none)"


def wrap_unwrap(pin_file):
    lib, s = session(pin_file)
    gen = PyKCS11.Mechanism(PyKCS11.CKM_AES_KEY_GEN, None)
    kek = s.generateKey(aes_template("demo-kek", 32, False, True), gen)
    data = s.generateKey(aes_template("demo-data-key", 16, True, False), gen)
    kw = PyKCS11.Mechanism(PyKCS11.CKM_AES_KEY_WRAP, None)
    wrapped = bytes(s.wrapKey(kek, data, kw))
    print("  wrapped demo-data-key under demo-kek (CKM_AES_KEY_WRAP): "
          "%d octets %s..." % (len(wrapped), wrapped[:8].hex()))
    tmpl = [t for t in aes_template("demo-data-key-unwrapped", 16, False,
                                    False) if t[0] != PyKCS11.CKA_VALUE_LEN]
    back = s.unwrapKey(kek, wrapped, tmpl, kw)
    # Same key <=> same AES-GCM output for the same IV and data (check
    # values are shown too, where the module computes them on unwrap).
    gcm = PyKCS11.AES_GCM_Mechanism(bytes(12), b"", 128)
    probe = b"mcxhsm demo probe"
    ca = bytes(s.encrypt(data, probe, gcm))
    cb = bytes(s.encrypt(back, probe, gcm))
    print("  unwrapped as demo-data-key-unwrapped; check values %s / %s; "
          "AES-GCM of a probe %s" % (check_value(s, data),
                                     check_value(s, back),
                                     "equal" if ca == cb else "DIFFERS"))
    s.logout()
    if ca != cb:
        sys.exit("demo: the unwrapped key differs from the original")


def import_aes(pin_file, label, key_hex):
    lib, s = session(pin_file)
    tmpl = [t for t in aes_template(label, 32, False, False)
            if t[0] != PyKCS11.CKA_VALUE_LEN]
    s.createObject(tmpl + [(PyKCS11.CKA_VALUE, bytes.fromhex(key_hex))])
    s.logout()


# RFC 5480 SubjectPublicKeyInfo prefix for an uncompressed P-256 point.
P256_SPKI_PREFIX = bytes.fromhex(
    "3059301306072a8648ce3d020106082a8648ce3d030107034200")
P256_OID = bytes.fromhex("06082a8648ce3d030107")


def export_ec_pub(id_hex, out):
    lib = PyKCS11.PyKCS11Lib()
    lib.load(os.environ["MCXHSM_MODULE"])
    slots = [s for s in lib.getSlotList(tokenPresent=True)
             if lib.getTokenInfo(s).flags & PyKCS11.CKF_TOKEN_INITIALIZED]
    s = lib.openSession(slots[0])
    objs = s.findObjects([(CKA_CLASS, PyKCS11.CKO_PUBLIC_KEY),
                          (PyKCS11.CKA_ID, bytes.fromhex(id_hex))])
    if len(objs) != 1:
        sys.exit("demo: expected one public key with id %s" % id_hex)
    params, point = s.getAttributeValue(
        objs[0], [PyKCS11.CKA_EC_PARAMS, PyKCS11.CKA_EC_POINT])
    params, point = bytes(params), bytes(point)
    # CKA_EC_POINT is the DER OCTET STRING of the X9.62 point.
    if params != P256_OID or len(point) != 67 or point[:3] != b"\x04\x41\x04":
        sys.exit("demo: not an uncompressed P-256 public key")
    with open(out, "wb") as f:
        f.write(P256_SPKI_PREFIX + point[2:])


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "wrap-unwrap":
        wrap_unwrap(sys.argv[2])
    elif len(sys.argv) == 4 and sys.argv[1] == "export-ec-pub":
        export_ec_pub(*sys.argv[2:])
    elif len(sys.argv) == 5 and sys.argv[1] == "import-aes":
        import_aes(*sys.argv[2:])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
