/*
 * KMS XML fuzz target: arbitrary bytes through mcx_kms_xml_parse() with a
 * signature key and a small size limit, then every key set through the
 * unwrap and validation functions against the document's own
 * certificate(s).  The reader must answer with an error and never crash,
 * leak or read out of bounds.
 *
 * LLVMFuzzerTestOneInput is libFuzzer's entry (build with clang
 * -fsanitize=fuzzer -DMCX_LIBFUZZER); without it, main() replays every
 * file of the corpus directory (argv[1], or
 * $MCXHSM_SRCDIR/tests/fuzz/corpus/kms_xml) so `make check` runs it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include "admin/kms_xml.h"
#include "tests/fuzz/replay.h"
#include "tests/kms/kms_xml_ref.h"

static const uint8_t key[32] = {1, 2, 3, 4, 5, 6, 7, 8};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[MCX_KMS_XML_ERR_LEN];
	struct mcx_kms_xml *doc = NULL;
	struct mcx_kms_xml_opts o = {
	    .max_size = 1u << 20, .sig_key = key, .sig_key_len = 32};
	if (mcx_kms_xml_parse(data, size, &o, &doc, err) != MCX_KMS_XML_OK)
		return 0;
	for (size_t c = 0; c < doc->n_certs; c++) {
		struct mcx_kms_xml_kms *kms = NULL;
		if (mcx_kms_xml_kms_new(&doc->certs[c], &kms, err) !=
		    MCX_KMS_XML_OK)
			continue;
		for (size_t i = 0; i < doc->n_keysets && i < 4; i++) {
			int64_t f = 0, t = 0;
			(void)mcx_kms_xml_keyset_validity(
			    &doc->certs[c], &doc->keysets[i], &f, &t, err);
			(void)mcx_kms_xml_validate_keyset(kms, &doc->keysets[i],
							  key, 32, i & 1, err);
		}
		mcx_kms_xml_kms_free(kms);
	}
	for (size_t i = 0; i < doc->n_keysets; i++) {
		uint8_t out[300];
		size_t n = 0;
		(void)mcx_kms_xml_key_unwrap(&doc->keysets[i].rsk, key, 16, out,
					     sizeof(out), &n, err);
	}
	mcx_kms_xml_free(doc);
	return 0;
}

#ifndef MCX_LIBFUZZER
int main(int argc, char **argv)
{
	int rc = mcx_fuzz_replay(argc, argv, "kms_xml", NULL);

	xmlCleanupParser();
	return rc;
}
#endif
