#!/usr/bin/python3
"""Attribute semantics of a PKCS#11 token, probed with PyKCS11 (issue 2).

Run against a freshly initialised token (user PIN set, no objects); prints
one line per probe, "name: answer", where the answer is the CKR and/or the
values the probe reads.  Answers never contain handles or random values, so
two tokens' transcripts can be compared line by line.

  attr_semantics.py --module M --token LABEL --pin PIN [--out FILE] [--check]
      --check: exit 1 unless every answer is one PKCS#11 3.0 allows
      (EXPECTED below, each with the rule it follows).
  attr_semantics.py --compare OURS SOFTHSM
      the differential run: exit 1 unless the transcripts agree, or differ
      only on a probe listed in SOFTHSM_KNOWN_DIFFERENCES with the answer
      SoftHSMv2 2.6.1 gives there, while ours gives the PKCS#11 3.0 answer
      (or, for the few probes of SPEC_LEAVES_CHOICE, both answers are ones
      PKCS#11 3.0 allows).

PyKCS11 hides a few things this needs: the ulValueLen of each attribute
after C_GetAttributeValue (it maps CK_UNAVAILABLE_INFORMATION to 0), buffer
lengths, and C_CopyObject (absent from PyKCS11 1.5).  For those the script
calls the same, already loaded, module through ctypes, on PyKCS11's own
session handles.
"""

import argparse
import ctypes
import sys

import PyKCS11
from PyKCS11 import (CKA_ALWAYS_SENSITIVE, CKA_APPLICATION, CKA_CHECK_VALUE,
                     CKA_CLASS, CKA_COPYABLE, CKA_DECRYPT, CKA_DESTROYABLE,
                     CKA_EC_PARAMS, CKA_EC_POINT, CKA_ENCRYPT,
                     CKA_EXTRACTABLE, CKA_ID, CKA_KEY_GEN_MECHANISM,
                     CKA_KEY_TYPE, CKA_LABEL, CKA_LOCAL, CKA_MODIFIABLE,
                     CKA_MODULUS, CKA_NEVER_EXTRACTABLE, CKA_PRIVATE,
                     CKA_SENSITIVE, CKA_SIGN, CKA_TOKEN, CKA_TRUSTED,
                     CKA_VALUE, CKA_VALUE_LEN, CKA_VERIFY,
                     CKF_RW_SESSION, CKF_SERIAL_SESSION, CKK_AES, CKK_EC,
                     CKM_AES_KEY_GEN, CKM_EC_KEY_PAIR_GEN, CKO_DATA,
                     CKO_PRIVATE_KEY, CKO_PUBLIC_KEY, CKO_SECRET_KEY,
                     CKR_OK, PyKCS11Error, PyKCS11Lib)

# PKCS#11 3.0 value; PyKCS11 1.5.12 defines CKA_UNIQUE_ID as 0x4, wrongly.
CKA_UNIQUE_ID = 0x0A

CK_ULONG = ctypes.c_ulong
UNAVAILABLE = CK_ULONG(-1).value  # CK_UNAVAILABLE_INFORMATION

# P-256 (prime256v1) named curve, DER OID, as CKA_EC_PARAMS holds it.
P256_PARAMS = bytes.fromhex("06082a8648ce3d030107")
# Known key values (test data, not secrets).
AES128 = bytes.fromhex("000102030405060708090a0b0c0d0e0f")
# CKA_ID of every template the token must refuse.
REFUSED_ID = b"\xee"
AES256 = bytes.fromhex(
    "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4")

# Answers PKCS#11 3.0 allows for each probe.  Where the standard leaves a
# choice (several error cases at once), the set holds each allowed answer.
EXPECTED = {
    # 4.1.1 Creating objects; 4.10 secret key objects
    "create.aes_plain": {"CKR_OK"},
    "create.aes_sensitive": {"CKR_OK"},
    # 4.1.1 rule 3; Mechanisms 2.8.1: an AES key is 16, 24 or 32 octets
    "create.aes_bad_length": {"CKR_ATTRIBUTE_VALUE_INVALID"},
    "create.aes_no_value": {"CKR_TEMPLATE_INCOMPLETE"},  # 4.1.1 rule 5, table 10 fn 1
    "create.no_class": {"CKR_TEMPLATE_INCOMPLETE"},  # 4.1.1 rule 5
    "create.value_len_given": {"CKR_ATTRIBUTE_READ_ONLY",
                               "CKR_TEMPLATE_INCONSISTENT"},  # 6.8 table: fn 2,3
    "create.unique_id_given": {"CKR_ATTRIBUTE_READ_ONLY"},  # 4.4.1: set by the token
    "create.check_value_wrong": {"CKR_ATTRIBUTE_VALUE_INVALID"},  # 4.10: checked on create
    "create.check_value_right": {"CKR_OK"},
    "create.trusted_as_user": {"CKR_ATTRIBUTE_READ_ONLY"},  # 4.10 table fn 11: SO only
    "create.refused_left_nothing": {"0"},  # 5.7.1: no object on failure
    "create.data_object": {"CKR_OK value=68656c6c6f application=mcx"},
    # 5.7.5 C_GetAttributeValue: every attribute processed, unavailable ones
    # get ulValueLen = CK_UNAVAILABLE_INFORMATION
    "get.sensitive_in_template": {
        "CKR_ATTRIBUTE_SENSITIVE label=11 value=unavailable class=CKO_SECRET_KEY"},
    "get.type_invalid_in_template": {
        "CKR_ATTRIBUTE_TYPE_INVALID label=11 modulus=unavailable key_type=CKK_AES"},
    "get.buffer_too_small": {
        "CKR_BUFFER_TOO_SMALL label=unavailable class=CKO_SECRET_KEY"},
    "get.lengths_only": {"CKR_ATTRIBUTE_SENSITIVE label=11 value=unavailable"},
    "get.two_errors": {"CKR_ATTRIBUTE_SENSITIVE value=unavailable modulus=unavailable",
                       "CKR_ATTRIBUTE_TYPE_INVALID value=unavailable modulus=unavailable"},
    "get.plain_value": {"CKR_OK value=known"},
    # 4.10: derived attributes; CKA_LOCAL only for generated keys (4.7)
    "attrs.created_sensitive": {
        "always_sensitive=FALSE never_extractable=FALSE local=FALSE"},
    "attrs.generated_aes": {
        "always_sensitive=TRUE never_extractable=TRUE local=TRUE "
        "key_gen_mechanism=CKM_AES_KEY_GEN value_len=32 check_value_len=3"},
    "attrs.generated_aes_value": {"CKR_ATTRIBUTE_SENSITIVE"},
    # 4.10 (3.0): CKA_CHECK_VALUE of AES keys = first 3 octets of
    # ECB-encrypting a zero block; readable even on sensitive keys
    "attrs.check_value_plain": {"CKR_OK check_value=aes-ecb-zero-block"},
    "attrs.check_value_sensitive": {"CKR_OK check_value=aes-ecb-zero-block"},
    # Mechanisms 2.3.3-4 (EC keys): DER params, DER OCTET STRING point
    "attrs.ec_public": {"ec_params=p256 ec_point_len=67 local=TRUE"},
    "attrs.ec_private": {
        "ec_params=p256 local=TRUE key_gen_mechanism=CKM_EC_KEY_PAIR_GEN "
        "always_sensitive=TRUE never_extractable=TRUE value=CKR_ATTRIBUTE_SENSITIVE"},
    # 4.1.2 / 4.10 fn 11, 4.4: latching and read-only attributes
    "set.sensitive_off": {"CKR_ATTRIBUTE_READ_ONLY"},
    "set.sensitive_on": {"CKR_OK value=CKR_ATTRIBUTE_SENSITIVE always_sensitive=FALSE"},
    "set.extractable_off": {"CKR_OK never_extractable=FALSE"},
    "set.extractable_on_again": {"CKR_ATTRIBUTE_READ_ONLY"},
    "set.label": {"CKR_OK label=ia-renamed"},
    "set.usage_flag": {"CKR_OK decrypt=FALSE"},
    "set.class": {"CKR_ATTRIBUTE_READ_ONLY"},
    "set.key_type": {"CKR_ATTRIBUTE_READ_ONLY"},
    "set.value": {"CKR_ATTRIBUTE_READ_ONLY"},
    "set.unique_id": {"CKR_ATTRIBUTE_READ_ONLY"},
    "set.trusted_as_user": {"CKR_ATTRIBUTE_READ_ONLY"},
    "set.type_invalid": {"CKR_ATTRIBUTE_TYPE_INVALID"},
    "set.bool_wrong_length": {"CKR_ATTRIBUTE_VALUE_INVALID"},
    # 4.4 (3.0): CKA_MODIFIABLE FALSE -> C_SetAttributeValue fails with
    # CKR_ACTION_PROHIBITED
    "set.not_modifiable": {"CKR_ACTION_PROHIBITED"},
    # 5.7.2 C_CopyObject: only what could be set may change, latches hold
    "copy.label": {"CKR_OK label=ia-copy value=known id=0102 unique_id=new"},
    "copy.extractable_on": {"CKR_ATTRIBUTE_READ_ONLY"},
    "copy.sensitive_off": {"CKR_ATTRIBUTE_READ_ONLY"},
    "copy.sensitive_on": {
        "CKR_OK value=CKR_ATTRIBUTE_SENSITIVE always_sensitive=FALSE"},
    "copy.to_session_object": {"CKR_OK token=FALSE"},
    "copy.unique_id_given": {"CKR_ATTRIBUTE_READ_ONLY"},
    "copy.not_copyable": {"CKR_ACTION_PROHIBITED"},  # 4.4 (3.0) CKA_COPYABLE
    # 4.4 (3.0) CKA_DESTROYABLE; 5.7.3
    "destroy.not_destroyable": {"CKR_ACTION_PROHIBITED"},
    "destroy.then_get": {"CKR_OK then=CKR_OBJECT_HANDLE_INVALID"},
    # 4.4.1 (3.0): CKA_UNIQUE_ID present, unique, stable
    "unique_id.present": {"yes"},
    "unique_id.distinct": {"yes"},
    "unique_id.stable_across_sessions": {"yes"},
    # 5.7.6-8 C_FindObjects*: exact match on every template attribute
    "find.by_label": {"1"},
    "find.by_id": {"3"},
    "find.by_unique_id": {"1"},
    "find.by_class_and_key_type": {"10"},
    "find.ec_keys": {"public=1 private=1"},
    "find.no_match": {"0"},
    "find.public_after_logout": {"private_key=0 data=1"},
}

# Where SoftHSMv2 2.6.1 answers differently, and the PKCS#11 3.0 rule it
# does not follow.  The differential run accepts exactly these differences.
SOFTHSM_KNOWN_DIFFERENCES = {
    # PKCS#11 3.0 4.4.1: CKA_UNIQUE_ID is new in 3.0; SoftHSMv2 2.6.1 is a
    # 2.40 token and does not know the attribute.
    "create.unique_id_given": "CKR_ATTRIBUTE_TYPE_INVALID",
    "set.unique_id": "CKR_ATTRIBUTE_TYPE_INVALID",
    "copy.unique_id_given": "CKR_ATTRIBUTE_TYPE_INVALID",
    "unique_id.present": "no",
    "unique_id.distinct": "no",
    "unique_id.stable_across_sessions": "no",
    "find.by_unique_id": "unsupported",
    "copy.label": "CKR_OK label=ia-copy value=known id=0102 unique_id=none",
    # PKCS#11 3.0 Mechanisms 2.8.1 (AES): CKA_VALUE is 16, 24 or 32 octets;
    # base 4.1.1 rule 3 refuses an invalid value (CKR_ATTRIBUTE_VALUE_INVALID);
    # SoftHSMv2 2.6.1 creates a 5-octet AES key.
    "create.aes_bad_length": "CKR_OK",
    # PKCS#11 3.0 5.7.1 C_CreateObject: a call that cannot create the
    # precise template "will fail and return without creating any object";
    # SoftHSMv2 2.6.1 returns CKR_TEMPLATE_INCOMPLETE for an AES key
    # without CKA_VALUE but leaves the half-made object in the token.
    "create.refused_left_nothing": "1",
}


# Probes where PKCS#11 3.0 names no single return value, so two correct
# tokens may differ; the differential run accepts a difference here only
# when both answers are in EXPECTED.
SPEC_LEAVES_CHOICE = {
    # Base 4.1.2 footnote 2 ("MUST not be specified when object is created
    # with C_CreateObject") names no CKR: 4.1.1 rule 4 (read-only attribute:
    # CKR_ATTRIBUTE_READ_ONLY, SoftHSMv2's answer) and rule 6 (inconsistent
    # template: CKR_TEMPLATE_INCONSISTENT) both fit.
    "create.value_len_given",
}


class Token:
    """PyKCS11 for the ordinary calls, ctypes on the same module for the
    ones PyKCS11 hides."""

    def __init__(self, module, label, pin):
        self.pkcs11 = PyKCS11Lib()
        self.pkcs11.load(module)
        self.pin = pin
        self.slot = None
        for slot in self.pkcs11.getSlotList(tokenPresent=True):
            if self.pkcs11.getTokenInfo(slot).label.strip() == label:
                self.slot = slot
        if self.slot is None:
            raise SystemExit("no token labelled %r" % label)
        self.open()
        # The module is already loaded; dlopen returns the same instance.
        self.raw = ctypes.CDLL(module)
        flist = ctypes.c_void_p()
        rv = self.raw.C_GetFunctionList(ctypes.byref(flist))
        if rv != CKR_OK:
            raise SystemExit("C_GetFunctionList: %#x" % rv)
        # CK_FUNCTION_LIST: CK_VERSION (padded to a pointer), then the
        # function pointers in the order of the standard.
        slot_size = ctypes.sizeof(ctypes.c_void_p)

        def fn(index, *argtypes):
            addr = ctypes.c_void_p.from_address(
                flist.value + slot_size * (1 + index)).value
            proto = ctypes.CFUNCTYPE(CK_ULONG, *argtypes)
            return proto(addr)

        attr_p = ctypes.POINTER(CKAttribute)
        self.c_copy = fn(21, CK_ULONG, CK_ULONG, attr_p, CK_ULONG,
                         ctypes.POINTER(CK_ULONG))
        self.c_get = fn(24, CK_ULONG, CK_ULONG, attr_p, CK_ULONG)
        self.c_set = fn(25, CK_ULONG, CK_ULONG, attr_p, CK_ULONG)

    def open(self):
        self.session = self.pkcs11.openSession(
            self.slot, CKF_SERIAL_SESSION | CKF_RW_SESSION)
        self.session.login(self.pin)

    def close(self):
        self.session.logout()
        self.session.closeSession()

    def handle(self, obj):
        return obj.value()

    def create(self, template):
        return self.session.createObject(template)

    def raw_get(self, obj, spec):
        """spec: list of (type, buffer length or None for NULL).  Returns
        the CKR and, per attribute, its ulValueLen and value bytes."""
        arr = (CKAttribute * len(spec))()
        bufs = []
        for i, (atype, buflen) in enumerate(spec):
            arr[i].type = atype
            if buflen is None:
                arr[i].pValue = None
                arr[i].ulValueLen = 0
                bufs.append(None)
            else:
                buf = ctypes.create_string_buffer(buflen)
                bufs.append(buf)
                arr[i].pValue = ctypes.cast(buf, ctypes.c_void_p)
                arr[i].ulValueLen = buflen
        rv = self.c_get(self.session.session.value(), self.handle(obj), arr, len(spec))
        out = []
        for i in range(len(spec)):
            n = arr[i].ulValueLen
            if n == UNAVAILABLE or bufs[i] is None:
                out.append((n, None))
            else:
                out.append((n, bufs[i].raw[:n]))
        return ckr(rv), out

    def raw_set(self, obj, atype, value):
        arr = (CKAttribute * 1)()
        buf = ctypes.create_string_buffer(value, len(value))
        arr[0].type = atype
        arr[0].pValue = ctypes.cast(buf, ctypes.c_void_p)
        arr[0].ulValueLen = len(value)
        return ckr(self.c_set(self.session.session.value(), self.handle(obj), arr, 1))

    def copy(self, obj, template):
        """C_CopyObject; template as (type, bytes) pairs.  Returns the CKR
        and the new object (a PyKCS11 handle) or None."""
        arr = (CKAttribute * max(1, len(template)))()
        bufs = []
        for i, (atype, value) in enumerate(template):
            buf = ctypes.create_string_buffer(value, len(value))
            bufs.append(buf)
            arr[i].type = atype
            arr[i].pValue = ctypes.cast(buf, ctypes.c_void_p)
            arr[i].ulValueLen = len(value)
        new = CK_ULONG(0)
        rv = self.c_copy(self.session.session.value(), self.handle(obj), arr,
                         len(template), ctypes.byref(new))
        if rv != CKR_OK:
            return ckr(rv), None
        handle = PyKCS11.CK_OBJECT_HANDLE(self.session)
        handle.assign(new.value)
        return "CKR_OK", handle

    def get(self, obj, atype):
        return self.session.getAttributeValue(obj, [atype], allAsBinary=True)[0]

    def get_bool(self, obj, atype):
        value = bytes(self.get(obj, atype))
        return "TRUE" if value == b"\x01" else "FALSE"

    def get_ulong(self, obj, atype):
        return int.from_bytes(bytes(self.get(obj, atype)), sys.byteorder)

    def find(self, template):
        return self.session.findObjects(template)


class CKAttribute(ctypes.Structure):
    _fields_ = [("type", CK_ULONG), ("pValue", ctypes.c_void_p),
                ("ulValueLen", CK_ULONG)]


EXTRA_CKR = {0x1B: "CKR_ACTION_PROHIBITED"}


def ckr(rv):
    if isinstance(rv, PyKCS11Error):
        rv = rv.value
    name = EXTRA_CKR.get(rv) or PyKCS11.CKR.get(rv)
    return name if isinstance(name, str) else "CKR_%#x" % rv


def ulong_bytes(value):
    return value.to_bytes(ctypes.sizeof(CK_ULONG), sys.byteorder)


def bool_bytes(value):
    return b"\x01" if value else b"\x00"


def aes_check_value(key):
    """PKCS#11 3.0 4.10: first 3 octets of AES-ECB(key, 16 zero octets)."""
    from cryptography.hazmat.primitives.ciphers import (Cipher, algorithms,
                                                        modes)
    enc = Cipher(algorithms.AES(key), modes.ECB()).encryptor()
    return (enc.update(bytes(16)) + enc.finalize())[:3]


def aes_template(label, value, sensitive, extractable, ident=b"\x01\x02"):
    template = [(CKA_CLASS, CKO_SECRET_KEY), (CKA_KEY_TYPE, CKK_AES),
                (CKA_TOKEN, True), (CKA_PRIVATE, True), (CKA_LABEL, label),
                (CKA_ID, ident), (CKA_ENCRYPT, True), (CKA_DECRYPT, True),
                (CKA_SENSITIVE, sensitive), (CKA_EXTRACTABLE, extractable)]
    if value is not None:
        template.append((CKA_VALUE, value))
    return template


class Probes:
    def __init__(self, tok, out):
        self.tok = tok
        self.out = out
        self.answers = {}
        self.objects = []  # every object created, for the unique-id probes

    def say(self, name, answer):
        self.answers[name] = answer
        print("%s: %s" % (name, answer), file=self.out)
        self.out.flush()

    def probe(self, name, func):
        try:
            answer = func()
        except PyKCS11Error as err:
            answer = ckr(err)
        self.say(name, answer)

    def create(self, template):
        obj = self.tok.create(template)
        self.objects.append(obj)
        return obj

    def create_rv(self, template):
        try:
            obj = self.create(template)
        except PyKCS11Error as err:
            return ckr(err), None
        return "CKR_OK", obj

    def create_refused(self, template):
        """A creation PKCS#11 refuses: its CKR; an object the token made
        anyway is destroyed so that later counts do not depend on it."""
        try:
            obj = self.tok.create(template)
        except PyKCS11Error as err:
            return ckr(err)
        self.tok.session.destroyObject(obj)
        return "CKR_OK"

    def run(self):
        tok = self.tok
        ckv = aes_check_value

        # --- C_CreateObject -------------------------------------------
        rv, plain = self.create_rv(aes_template("ia-aes-plain", AES128,
                                                False, True))
        self.say("create.aes_plain", rv)
        rv, sens = self.create_rv(aes_template("ia-aes-sens", AES256, True,
                                               False, b"\x03"))
        self.say("create.aes_sensitive", rv)
        if plain is None or sens is None:
            return
        self.say("create.aes_bad_length", self.create_refused(
            aes_template("ia-bad", bytes(5), False, True, REFUSED_ID)))
        self.say("create.aes_no_value", self.create_refused(
            aes_template("ia-novalue", None, False, True, REFUSED_ID)))
        self.say("create.no_class", self.create_refused(
            [(CKA_KEY_TYPE, CKK_AES), (CKA_VALUE, AES128), (CKA_TOKEN, True),
             (CKA_ID, REFUSED_ID)]))
        self.say("create.value_len_given", self.create_refused(
            aes_template("ia-vlen", AES128, False, True, REFUSED_ID) +
            [(CKA_VALUE_LEN, 16)]))
        self.say("create.unique_id_given", self.create_refused(
            aes_template("ia-uid", AES128, False, True, REFUSED_ID) +
            [(CKA_UNIQUE_ID, b"my-own-id")]))
        self.say("create.check_value_wrong", self.create_refused(
            aes_template("ia-kcv-bad", AES128, False, True, REFUSED_ID) +
            [(CKA_CHECK_VALUE, bytes(a ^ 0xFF for a in ckv(AES128)))]))
        rv, right = self.create_rv(aes_template("ia-kcv-ok", AES128, False,
                                                True, b"\x04") +
                                   [(CKA_CHECK_VALUE, ckv(AES128))])
        self.say("create.check_value_right", rv)
        self.say("create.trusted_as_user", self.create_refused(
            aes_template("ia-trusted", AES128, False, True, REFUSED_ID) +
            [(CKA_TRUSTED, True)]))

        # 5.7.1: a refused C_CreateObject creates nothing.  Count what the
        # refusals above left behind, then remove it so that later counts
        # do not depend on it.
        left = self.tok.find([(CKA_TOKEN, True), (CKA_ID, REFUSED_ID)])
        self.say("create.refused_left_nothing", str(len(left)))
        for obj in left:
            self.tok.session.destroyObject(obj)

        def data_object():
            obj = self.create([(CKA_CLASS, CKO_DATA), (CKA_TOKEN, True),
                               (CKA_PRIVATE, False), (CKA_LABEL, "ia-data"),
                               (CKA_APPLICATION, "mcx"), (CKA_VALUE, b"hello")])
            value = bytes(tok.get(obj, CKA_VALUE)).hex()
            app = bytes(tok.get(obj, CKA_APPLICATION)).decode()
            return "CKR_OK value=%s application=%s" % (value, app)
        self.probe("create.data_object", data_object)

        # --- C_GetAttributeValue, whole template ------------------------
        def describe(rv, names, res, fmt):
            parts = [rv]
            for name, (n, val) in zip(names, res):
                if n == UNAVAILABLE:
                    parts.append("%s=unavailable" % name)
                elif val is None:
                    parts.append("%s=%d" % (name, n))
                else:
                    parts.append("%s=%s" % (name, fmt.get(name, str)(val)))
            return " ".join(parts)
        cls = {"class": lambda v: PyKCS11.CKO.get(
            int.from_bytes(v, sys.byteorder)),
            "key_type": lambda v: PyKCS11.CKK.get(
            int.from_bytes(v, sys.byteorder)),
            "label": lambda v: str(len(v))}

        rv, res = tok.raw_get(sens, [(CKA_LABEL, 64), (CKA_VALUE, 64),
                                     (CKA_CLASS, 8)])
        self.say("get.sensitive_in_template",
                 describe(rv, ["label", "value", "class"], res, cls))
        rv, res = tok.raw_get(sens, [(CKA_LABEL, 64), (CKA_MODULUS, 64),
                                     (CKA_KEY_TYPE, 8)])
        self.say("get.type_invalid_in_template",
                 describe(rv, ["label", "modulus", "key_type"], res, cls))
        rv, res = tok.raw_get(sens, [(CKA_LABEL, 1), (CKA_CLASS, 8)])
        self.say("get.buffer_too_small",
                 describe(rv, ["label", "class"], res, cls))
        rv, res = tok.raw_get(sens, [(CKA_LABEL, None), (CKA_VALUE, None)])
        self.say("get.lengths_only", describe(rv, ["label", "value"], res, cls))
        rv, res = tok.raw_get(sens, [(CKA_VALUE, 64), (CKA_MODULUS, 64)])
        self.say("get.two_errors", describe(rv, ["value", "modulus"], res, cls))
        rv, res = tok.raw_get(plain, [(CKA_VALUE, 64)])
        self.say("get.plain_value", "%s value=%s" % (
            rv, "known" if res[0][1] == AES128 else "wrong"))

        # --- derived attributes ----------------------------------------
        def created_sensitive():
            return "always_sensitive=%s never_extractable=%s local=%s" % (
                tok.get_bool(sens, CKA_ALWAYS_SENSITIVE),
                tok.get_bool(sens, CKA_NEVER_EXTRACTABLE),
                tok.get_bool(sens, CKA_LOCAL))
        self.probe("attrs.created_sensitive", created_sensitive)

        gen = None
        try:
            gen = tok.session.generateKey(
                [(CKA_CLASS, CKO_SECRET_KEY), (CKA_KEY_TYPE, CKK_AES),
                 (CKA_VALUE_LEN, 32), (CKA_TOKEN, True), (CKA_PRIVATE, True),
                 (CKA_LABEL, "ia-aes-gen"), (CKA_ID, b"\x06"),
                 (CKA_SENSITIVE, True), (CKA_EXTRACTABLE, False),
                 (CKA_ENCRYPT, True), (CKA_DECRYPT, True)],
                PyKCS11.Mechanism(CKM_AES_KEY_GEN, None))
            self.objects.append(gen)
        except PyKCS11Error as err:
            self.say("attrs.generated_aes", "C_GenerateKey " + ckr(err))

        def generated_aes():
            return ("always_sensitive=%s never_extractable=%s local=%s "
                    "key_gen_mechanism=%s value_len=%d check_value_len=%d") % (
                tok.get_bool(gen, CKA_ALWAYS_SENSITIVE),
                tok.get_bool(gen, CKA_NEVER_EXTRACTABLE),
                tok.get_bool(gen, CKA_LOCAL),
                PyKCS11.CKM.get(tok.get_ulong(gen, CKA_KEY_GEN_MECHANISM)),
                tok.get_ulong(gen, CKA_VALUE_LEN),
                len(tok.get(gen, CKA_CHECK_VALUE)))
        if gen is not None:
            self.probe("attrs.generated_aes", generated_aes)
            self.say("attrs.generated_aes_value",
                     tok.raw_get(gen, [(CKA_VALUE, 64)])[0])

        def check_value(obj, key):
            rv, res = tok.raw_get(obj, [(CKA_CHECK_VALUE, 16)])
            if rv != "CKR_OK":
                return rv
            return "%s check_value=%s" % (
                rv, "aes-ecb-zero-block" if res[0][1] == ckv(key) else
                res[0][1].hex())
        self.probe("attrs.check_value_plain", lambda: check_value(plain, AES128))
        self.probe("attrs.check_value_sensitive",
                   lambda: check_value(sens, AES256))

        pub = priv = None
        try:
            pub, priv = tok.session.generateKeyPair(
                [(CKA_CLASS, CKO_PUBLIC_KEY), (CKA_KEY_TYPE, CKK_EC),
                 (CKA_TOKEN, True), (CKA_EC_PARAMS, P256_PARAMS),
                 (CKA_LABEL, "ia-ec"), (CKA_ID, b"\x07"), (CKA_VERIFY, True)],
                [(CKA_CLASS, CKO_PRIVATE_KEY), (CKA_KEY_TYPE, CKK_EC),
                 (CKA_TOKEN, True), (CKA_PRIVATE, True), (CKA_LABEL, "ia-ec"),
                 (CKA_ID, b"\x07"), (CKA_SIGN, True), (CKA_SENSITIVE, True),
                 (CKA_EXTRACTABLE, False)],
                PyKCS11.Mechanism(CKM_EC_KEY_PAIR_GEN, None))
            self.objects += [pub, priv]
        except PyKCS11Error as err:
            self.say("attrs.ec_public", "C_GenerateKeyPair " + ckr(err))

        def ec_public():
            params = bytes(tok.get(pub, CKA_EC_PARAMS))
            return "ec_params=%s ec_point_len=%d local=%s" % (
                "p256" if params == P256_PARAMS else params.hex(),
                len(tok.get(pub, CKA_EC_POINT)), tok.get_bool(pub, CKA_LOCAL))

        def ec_private():
            params = bytes(tok.get(priv, CKA_EC_PARAMS))
            return ("ec_params=%s local=%s key_gen_mechanism=%s "
                    "always_sensitive=%s never_extractable=%s value=%s") % (
                "p256" if params == P256_PARAMS else params.hex(),
                tok.get_bool(priv, CKA_LOCAL),
                PyKCS11.CKM.get(tok.get_ulong(priv, CKA_KEY_GEN_MECHANISM)),
                tok.get_bool(priv, CKA_ALWAYS_SENSITIVE),
                tok.get_bool(priv, CKA_NEVER_EXTRACTABLE),
                tok.raw_get(priv, [(CKA_VALUE, 128)])[0])
        if pub is not None:
            self.probe("attrs.ec_public", ec_public)
            self.probe("attrs.ec_private", ec_private)

        # --- C_SetAttributeValue ----------------------------------------
        def set_rv(obj, template):
            try:
                tok.session.setAttributeValue(obj, template)
            except PyKCS11Error as err:
                return ckr(err)
            return "CKR_OK"

        self.say("set.sensitive_off",
                 set_rv(sens, [(CKA_SENSITIVE, False)]))

        def sensitive_on():
            obj = self.create(aes_template("ia-latch-s", AES128, False, True,
                                           b"\x08"))
            rv = set_rv(obj, [(CKA_SENSITIVE, True)])
            return "%s value=%s always_sensitive=%s" % (
                rv, tok.raw_get(obj, [(CKA_VALUE, 64)])[0],
                tok.get_bool(obj, CKA_ALWAYS_SENSITIVE))
        self.probe("set.sensitive_on", sensitive_on)

        latch_x = self.create(aes_template("ia-latch-x", AES128, True, True,
                                           b"\x09"))
        self.probe("set.extractable_off", lambda: "%s never_extractable=%s" % (
            set_rv(latch_x, [(CKA_EXTRACTABLE, False)]),
            tok.get_bool(latch_x, CKA_NEVER_EXTRACTABLE)))
        self.say("set.extractable_on_again",
                 set_rv(latch_x, [(CKA_EXTRACTABLE, True)]))

        def relabel():
            rv = set_rv(latch_x, [(CKA_LABEL, "ia-renamed")])
            return "%s label=%s" % (
                rv, bytes(tok.get(latch_x, CKA_LABEL)).decode())
        self.probe("set.label", relabel)
        self.probe("set.usage_flag", lambda: "%s decrypt=%s" % (
            set_rv(latch_x, [(CKA_DECRYPT, False)]),
            tok.get_bool(latch_x, CKA_DECRYPT)))
        self.say("set.class", set_rv(plain, [(CKA_CLASS, CKO_DATA)]))
        self.say("set.key_type", set_rv(plain, [(CKA_KEY_TYPE, CKK_EC)]))
        self.say("set.value", set_rv(plain, [(CKA_VALUE, AES256)]))
        self.say("set.unique_id", set_rv(plain, [(CKA_UNIQUE_ID, b"other")]))
        self.say("set.trusted_as_user", set_rv(plain, [(CKA_TRUSTED, True)]))
        self.say("set.type_invalid", set_rv(plain, [(CKA_MODULUS, b"\x01")]))
        self.say("set.bool_wrong_length",
                 tok.raw_set(plain, CKA_ENCRYPT, b"\x01\x00\x00\x00"))
        frozen = self.create(aes_template("ia-frozen", AES128, False, True,
                                          b"\x0a") +
                             [(CKA_MODIFIABLE, False)])
        self.say("set.not_modifiable",
                 set_rv(frozen, [(CKA_LABEL, "ia-thawed")]))

        # --- C_CopyObject ----------------------------------------------
        def copy_label():
            rv, new = tok.copy(plain, [(CKA_LABEL, b"ia-copy")])
            if new is None:
                return rv
            self.objects.append(new)
            uid_old = unique_id(plain)
            uid_new = unique_id(new)
            if uid_new is None:
                uid = "none"
            else:
                uid = "new" if uid_new != uid_old else "same"
            return "%s label=%s value=%s id=%s unique_id=%s" % (
                rv, bytes(tok.get(new, CKA_LABEL)).decode(),
                "known" if bytes(tok.get(new, CKA_VALUE)) == AES128 else
                "wrong", bytes(tok.get(new, CKA_ID)).hex(), uid)

        def unique_id(obj):
            rv, res = tok.raw_get(obj, [(CKA_UNIQUE_ID, 256)])
            return res[0][1] if rv == "CKR_OK" else None
        self.probe("copy.label", copy_label)

        def copy_rv(obj, template):
            rv, new = tok.copy(obj, template)
            if new is not None:
                self.objects.append(new)
            return rv, new
        self.say("copy.extractable_on",
                 copy_rv(sens, [(CKA_EXTRACTABLE, bool_bytes(True))])[0])
        self.say("copy.sensitive_off",
                 copy_rv(sens, [(CKA_SENSITIVE, bool_bytes(False))])[0])

        def copy_sensitive_on():
            rv, new = copy_rv(plain, [(CKA_SENSITIVE, bool_bytes(True)),
                                      (CKA_LABEL, b"ia-copy-s")])
            if new is None:
                return rv
            return "%s value=%s always_sensitive=%s" % (
                rv, tok.raw_get(new, [(CKA_VALUE, 64)])[0],
                tok.get_bool(new, CKA_ALWAYS_SENSITIVE))
        self.probe("copy.sensitive_on", copy_sensitive_on)

        def copy_to_session():
            rv, new = copy_rv(plain, [(CKA_TOKEN, bool_bytes(False)),
                                      (CKA_LABEL, b"ia-copy-session")])
            if new is None:
                return rv
            return "%s token=%s" % (rv, tok.get_bool(new, CKA_TOKEN))
        self.probe("copy.to_session_object", copy_to_session)
        self.say("copy.unique_id_given",
                 copy_rv(plain, [(CKA_UNIQUE_ID, b"mine")])[0])
        sealed = self.create(aes_template("ia-sealed", AES128, False, True,
                                          b"\x0b") +
                             [(CKA_COPYABLE, b"\x00"), (CKA_DESTROYABLE, b"\x00")])
        self.say("copy.not_copyable",
                 copy_rv(sealed, [(CKA_LABEL, b"ia-sealed-copy")])[0])

        # --- C_DestroyObject -------------------------------------------
        def destroy_rv(obj):
            try:
                tok.session.destroyObject(obj)
            except PyKCS11Error as err:
                return ckr(err)
            return "CKR_OK"
        self.say("destroy.not_destroyable", destroy_rv(sealed))

        def destroy_then_get():
            obj = self.tok.create(aes_template("ia-doomed", AES128, False,
                                               True, b"\x0c"))
            rv = destroy_rv(obj)
            return "%s then=%s" % (rv, tok.raw_get(obj, [(CKA_LABEL, 64)])[0])
        self.probe("destroy.then_get", destroy_then_get)

        # --- CKA_UNIQUE_ID ---------------------------------------------
        ids = [unique_id(obj) for obj in self.objects]
        self.say("unique_id.present",
                 "yes" if all(ids) else "no")
        present = [i for i in ids if i]
        self.say("unique_id.distinct",
                 "yes" if present and len(set(present)) == len(ids) else "no")
        plain_uid = unique_id(plain)

        # --- C_FindObjects ---------------------------------------------
        def count(template):
            return str(len(tok.find(template)))
        self.probe("find.by_label", lambda: count([(CKA_LABEL, "ia-aes-plain")]))
        self.probe("find.by_id", lambda: count([(CKA_CLASS, CKO_SECRET_KEY),
                                                (CKA_TOKEN, True),
                                                (CKA_ID, b"\x01\x02")]))
        self.probe("find.by_class_and_key_type", lambda: count(
            [(CKA_CLASS, CKO_SECRET_KEY), (CKA_KEY_TYPE, CKK_AES),
             (CKA_TOKEN, True)]))
        self.probe("find.ec_keys", lambda: "public=%s private=%s" % (
            count([(CKA_CLASS, CKO_PUBLIC_KEY), (CKA_KEY_TYPE, CKK_EC)]),
            count([(CKA_CLASS, CKO_PRIVATE_KEY), (CKA_KEY_TYPE, CKK_EC)])))
        self.probe("find.no_match", lambda: count([(CKA_LABEL, "ia-nothing")]))

        # New session: unique ids are stable, and private objects hide
        # after logout.
        tok.close()
        tok.open()
        again = tok.find([(CKA_LABEL, "ia-aes-plain")])
        self.say("unique_id.stable_across_sessions",
                 "yes" if plain_uid and again and
                 unique_id(again[0]) == plain_uid else "no")
        if plain_uid:
            self.probe("find.by_unique_id",
                       lambda: count([(CKA_UNIQUE_ID, plain_uid)]))
        else:
            self.say("find.by_unique_id", "unsupported")
        tok.session.logout()
        self.probe("find.public_after_logout", lambda: "private_key=%s data=%s" % (
            count([(CKA_LABEL, "ia-ec"), (CKA_CLASS, CKO_PRIVATE_KEY)]),
            count([(CKA_LABEL, "ia-data")])))
        tok.session.closeSession()


def check(answers):
    bad = 0
    for name, allowed in EXPECTED.items():
        got = answers.get(name)
        if got not in allowed:
            print("MISMATCH %s: got %r, PKCS#11 3.0 allows %s" % (
                name, got, " | ".join(sorted(allowed))), file=sys.stderr)
            bad += 1
    for name in answers:
        if name not in EXPECTED:
            print("UNLISTED probe %s" % name, file=sys.stderr)
            bad += 1
    return bad


def read_transcript(path):
    answers = {}
    with open(path) as f:
        for line in f:
            name, _, answer = line.rstrip("\n").partition(": ")
            answers[name] = answer
    return answers


def compare(ours_path, softhsm_path):
    ours = read_transcript(ours_path)
    soft = read_transcript(softhsm_path)
    bad = 0
    for name in EXPECTED:
        a, b = ours.get(name), soft.get(name)
        if a == b:
            continue
        known = SOFTHSM_KNOWN_DIFFERENCES.get(name)
        if known is not None and b == known and a in EXPECTED[name]:
            print("known difference %s: ours %r, SoftHSMv2 %r" % (name, a, b))
            continue
        if (name in SPEC_LEAVES_CHOICE and a in EXPECTED[name] and
                b in EXPECTED[name]):
            print("both allowed %s: ours %r, SoftHSMv2 %r" % (name, a, b))
            continue
        print("DIFFERENCE %s: ours %r, SoftHSMv2 %r" % (name, a, b),
              file=sys.stderr)
        bad += 1
    return bad


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--module")
    ap.add_argument("--token")
    ap.add_argument("--pin")
    ap.add_argument("--out")
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--compare", nargs=2, metavar=("OURS", "SOFTHSM"))
    args = ap.parse_args()
    if args.compare:
        return 1 if compare(*args.compare) else 0
    if not (args.module and args.token and args.pin):
        ap.error("--module, --token and --pin are required")
    out = open(args.out, "w") if args.out else sys.stdout
    tok = Token(args.module, args.token, args.pin)
    probes = Probes(tok, out)
    probes.run()
    if out is not sys.stdout:
        out.close()
    if args.check:
        return 1 if check(probes.answers) else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
