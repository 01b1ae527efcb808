#!/usr/bin/python3
"""Annex D KMS XML for the `kms import` tests (MCX-REFERENCE §6.2, decision b),
built from tests/vectors/mikey_streamwide_v5.json at run time.

  kms_xml_gen.py init                      KmsInit with the Streamwide KMS
  kms_xml_gen.py certcache [--revoked]     KmsCertCache with it (External,
                                           ValidFrom/ValidTo, maybe Revoked)
  kms_xml_gen.py keyprov [options]         KmsKeyProv with GMS, Alice, Bob
      --trk HEX --key-name NAME            TrK-encrypt the RSK, SSK and PVT
                                           with OpenSSL's AES key wrap (RFC 5649
                                           for RSK/PVT, RFC 3394 for the SSK)
      --users GMS,Alice                    which users (default all three)
      --mutate WHAT                        one bad input (see MUTATIONS)
      --kms-uri URI                        another KmsUri in the key sets

The UserIDs are the vectors' (KMS-issued) UIDs; --mutate changes one thing.
"""
import argparse
import base64
import json
import os
import sys

from cryptography.hazmat.primitives.keywrap import (aes_key_wrap,
                                                    aes_key_wrap_with_padding)

NS = "urn:3gpp:ns:mcsecKMSInterface:1.0"
KW = {16: "http://www.w3.org/2001/04/xmlenc#kw-aes128",
      32: "http://www.w3.org/2001/04/xmlenc#kw-aes256"}
KWP = {16: "http://www.w3.org/2009/xmlenc11#kw-aes-128-pad",
       32: "http://www.w3.org/2009/xmlenc11#kw-aes-256-pad"}

MUTATIONS = ["uid", "rsk", "ssk", "truncated-rsk", "nonhex-ssk", "short-ssk",
             "algorithm", "tamper-rsk", "tamper-pvt", "doctype", "entity",
             "duplicate"]


def vectors():
    d = os.environ.get("MCXHSM_VECTORS") or os.path.join(
        os.environ["MCXHSM_SRCDIR"], "tests", "vectors")
    with open(os.path.join(d, "mikey_streamwide_v5.json")) as f:
        return json.load(f)


def head(user_uri, kms_uri, what):
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<KmsResponse xmlns="%s" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
            'xmlns:xenc="http://www.w3.org/2001/04/xmlenc#" '
            'xmlns:ds="http://www.w3.org/2000/09/xmldsig#" Id="xmldoc">\n'
            '<UserUri>%s</UserUri><KmsUri>%s</KmsUri>'
            '<Time>2025-06-01T00:00:00Z</Time>\n'
            '<ClientReqUrl>https://%s/keymanagement/identity/v1/%s'
            '</ClientReqUrl>\n' % (NS, user_uri, kms_uri, kms_uri, what))


def init(v):
    k = v["kms"]
    return (head(k["KmsUri"], k["KmsUri"], "init") +
            '<KmsMessage><KmsInit Version="1.0.0">'
            '<KmsCertificate Version="1.1.0" Role="Root">'
            '<KmsUri>%s</KmsUri><UserIdFormat>%s</UserIdFormat>'
            '<UserKeyPeriod>%d</UserKeyPeriod><UserKeyOffset>%d</UserKeyOffset>'
            '<PubEncKey>%s</PubEncKey><PubAuthKey>%s</PubAuthKey>'
            '</KmsCertificate></KmsInit></KmsMessage></KmsResponse>\n' %
            (k["KmsUri"], k["UserIdFormat"], k["UserKeyPeriod"],
             k["UserKeyOffset"], k["Z_PubEncKey"], k["KPAK_PubAuthKey"]))


def certcache(v, revoked):
    """KmsCertCache with the Streamwide KMS certificate as an External one
    with a validity window, optionally revoked."""
    k = v["kms"]
    return (head(k["KmsUri"], k["KmsUri"], "certcache") +
            '<KmsMessage><KmsCertCache Version="1.0.0" CacheNum="2">'
            '<KmsCertificate Version="1.1.0" Role="External">'
            '<KmsUri>%s</KmsUri><ValidFrom>2025-01-01T00:00:00Z</ValidFrom>'
            '<ValidTo>2027-01-01T00:00:00Z</ValidTo>%s'
            '<UserIdFormat>%s</UserIdFormat>'
            '<UserKeyPeriod>%d</UserKeyPeriod><UserKeyOffset>%d</UserKeyOffset>'
            '<PubEncKey>%s</PubEncKey><PubAuthKey>%s</PubAuthKey>'
            '</KmsCertificate></KmsCertCache></KmsMessage></KmsResponse>\n' %
            (k["KmsUri"], "<Revoked>true</Revoked>" if revoked else "",
             k["UserIdFormat"], k["UserKeyPeriod"], k["UserKeyOffset"],
             k["Z_PubEncKey"], k["KPAK_PubAuthKey"]))


def flip(hexstr, pos):
    """Change one hex digit (keeps the length and the 04 prefix)."""
    c = "0" if hexstr[pos] != "0" else "1"
    return hexstr[:pos] + c + hexstr[pos + 1:]


def element(name, hexval, trk, key_name, pad, mutate_wrap=False,
            algorithm=None):
    if trk is None:
        return '<%s xsi:type="KeyContentType">%s</%s>' % (name, hexval, name)
    raw = bytes.fromhex(hexval)
    wrapped = (aes_key_wrap_with_padding(trk, raw) if pad
               else aes_key_wrap(trk, raw))
    if mutate_wrap:
        wrapped = bytes([wrapped[0] ^ 1]) + wrapped[1:]
    alg = algorithm or (KWP if pad else KW)[len(trk)]
    return ('<%s xsi:type="EncKeyContentType"><xenc:EncryptedKey>'
            '<xenc:EncryptionMethod Algorithm="%s"/>'
            '<ds:KeyInfo><ds:KeyName>%s</ds:KeyName></ds:KeyInfo>'
            '<xenc:CipherData><xenc:CipherValue>%s</xenc:CipherValue>'
            '</xenc:CipherData></xenc:EncryptedKey></%s>' %
            (name, alg, key_name, base64.b64encode(wrapped).decode(), name))


def keyprov(v, a):
    k = v["kms"]
    kms_uri = a.kms_uri or k["KmsUri"]
    trk = bytes.fromhex(a.trk) if a.trk else None
    m = a.mutate
    out = [head(v["users"]["GMS"]["uri"], kms_uri, "keyprov"),
           '<KmsMessage><KmsKeyProv Version="1.0.0">\n']
    for i, name in enumerate(a.users.split(",")):
        u = v["users"][name]
        bad = i == len(a.users.split(",")) - 1  # the last key set is bad
        uid, rsk, ssk, pvt = u["uid"], u["RSK"], u["SSK"], u["PVT"]
        if bad and m == "uid":
            uid = flip(uid, 10)
        if bad and m == "rsk":
            rsk = flip(rsk, 100)
        if bad and m == "ssk":
            ssk = flip(ssk, 10)
        if bad and m == "truncated-rsk":
            rsk = rsk[:-7]
        if bad and m == "nonhex-ssk":
            ssk = ssk[:10] + "zz" + ssk[12:]
        if bad and m == "short-ssk":
            ssk = ssk[:-2]
        alg = "http://www.w3.org/2001/04/xmlenc#aes128-cbc" \
            if bad and m == "algorithm" else None
        out.append(
            '<KmsKeySet Version="1.1.0"><KmsUri>%s</KmsUri>'
            '<UserUri>%s</UserUri><UserID>%s</UserID>'
            '<KeyPeriodNo>%d</KeyPeriodNo>\n' %
            (kms_uri, u["uri"], uid, u["key_period_no"]))
        out.append(element("UserDecryptKey", rsk, trk, a.key_name, True,
                           bad and m == "tamper-rsk", alg) + "\n")
        out.append(element("UserSigningKeySSK", ssk, trk, a.key_name, False,
                           False, None) + "\n")
        out.append(element("UserPubTokenPVT", pvt, trk, a.key_name, True,
                           bad and m == "tamper-pvt", None) + "\n")
        out.append("</KmsKeySet>\n")
    if m == "duplicate":  # the first key set once more
        first = out[2:7]
        out.extend(first)
    out.append("</KmsKeyProv></KmsMessage></KmsResponse>\n")
    doc = "".join(out)
    if m == "doctype":
        doc = doc.replace('<KmsResponse', '<!DOCTYPE KmsResponse [\n'
                          '<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
                          '<KmsResponse', 1)
        doc = doc.replace('<UserUri>', '<UserUri>&x;', 1)
    if m == "entity":
        doc = doc.replace('<UserUri>', '<UserUri>&ext;', 1)
    return doc


def main():
    p = argparse.ArgumentParser()
    p.add_argument("what", choices=["init", "keyprov", "certcache"])
    p.add_argument("--revoked", action="store_true")
    p.add_argument("--trk")
    p.add_argument("--key-name", default="trk-1")
    p.add_argument("--users", default="GMS,Alice,Bob")
    p.add_argument("--mutate", choices=MUTATIONS)
    p.add_argument("--kms-uri")
    a = p.parse_args()
    v = vectors()
    if a.what == "init":
        sys.stdout.write(init(v))
    elif a.what == "certcache":
        sys.stdout.write(certcache(v, a.revoked))
    else:
        sys.stdout.write(keyprov(v, a))


if __name__ == "__main__":
    main()
