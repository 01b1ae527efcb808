/*
 * Reference in-process validation of parsed KMS key sets, for the KMS XML
 * reader's tests (tests/kms/kms_xml_ref.c); never part of the admin tool.
 */
#ifndef MCX_TESTS_KMS_XML_REF_H
#define MCX_TESTS_KMS_XML_REF_H

#include "admin/kms_xml.h"

/* The key octets of a key element into out (cap octets): the clear value,
 * or the CipherValue unwrapped with trk (16 or 32 octets, matching the
 * algorithm) — RFC 3394 for kw-aes128/256, RFC 5649 for the -pad forms.
 * out is wiped on failure. */
enum mcx_kms_xml_err mcx_kms_xml_key_unwrap(const struct mcx_kms_xml_key *key,
					    const uint8_t *trk, size_t trk_len,
					    uint8_t *out, size_t cap,
					    size_t *out_len,
					    char err[MCX_KMS_XML_ERR_LEN]);

/* Validation context of one KMS certificate: its Z_T (with the SAKKE comb
 * table, built once) and KPAK. */
struct mcx_kms_xml_kms;

enum mcx_kms_xml_err mcx_kms_xml_kms_new(const struct mcx_kms_xml_cert *cert,
					 struct mcx_kms_xml_kms **out,
					 char err[MCX_KMS_XML_ERR_LEN]);
void mcx_kms_xml_kms_free(struct mcx_kms_xml_kms *kms);

#define MCX_KMS_XML_UID_AS_TEXT 0x1u /* §6.3 quirk: ID = 64 hex chars */

/* §6.4 steps 2-5 for one key set against its KMS certificate: KmsUri
 * matches, key lengths (RSK 257 with 0x04, SSK 32, PVT 65 with 0x04),
 * UserID == UID(UserUri, KmsUri, UserKeyPeriod, UserKeyOffset,
 * KeyPeriodNo), RSK validation (pairing) and SSK/PVT validation against
 * KPAK with the identifier = UserID (or, with MCX_KMS_XML_UID_AS_TEXT, its
 * 64-character hex text as written, lower-case hex if it was base64). Encrypted
 * elements need trk. */
enum mcx_kms_xml_err
mcx_kms_xml_validate_keyset(const struct mcx_kms_xml_kms *kms,
			    const struct mcx_kms_xml_keyset *ks,
			    const uint8_t *trk, size_t trk_len, unsigned flags,
			    char err[MCX_KMS_XML_ERR_LEN]);

#endif /* MCX_TESTS_KMS_XML_REF_H */
