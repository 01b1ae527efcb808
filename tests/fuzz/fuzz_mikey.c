/*
 * Fuzz target for the MIKEY-SAKKE parser (mechanisms/mikey_decode.c) and
 * the key-parameter content parser: arbitrary octets must give an error
 * code or a decoded message whose every pointer lies inside the input,
 * never a read past the end (run under ASan in CI).
 *
 * LLVMFuzzerTestOneInput is libFuzzer's entry (build with clang
 * -fsanitize=fuzzer -DMCX_LIBFUZZER); without it, main() replays every
 * file of the corpus directory (argv[1], or
 * $MCXHSM_SRCDIR/tests/fuzz/corpus/mikey) so `make check` runs it, as
 * p11-kit's fuzz/main.c does.  Corpus files named "ok-*" are valid
 * messages and must decode (a regression check on the seeds).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mechanisms/mikey.h"
#include "tests/fuzz/replay.h"

static void inside(const uint8_t *p, size_t len, const uint8_t *data,
		   size_t size)
{
	if (len == 0)
		return;
	if (p == NULL || p < data || len > size ||
	    (size_t)(p - data) > size - len)
		abort();
}

static enum mcx_mech_err last;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mcx_mikey_msg m;
	struct mcx_mikey_keyparams kp;

	last = mcx_mikey_decode(data, size, &m);
	if (last == MCX_OK) {
		if (m.signed_len + m.sig_len != size ||
		    m.sig_len != MCX_ECCSI_SIG_LEN)
			abort();
		inside(m.rand, m.rand_len, data, size);
		inside(m.sakke.sed, m.sakke.sed_len, data, size);
		inside(m.sp_params, m.sp_params_len, data, size);
		for (size_t i = 0; i < m.n_idr; i++)
			inside(m.idr[i].id, m.idr[i].id_len, data, size);
		for (size_t i = 0; i < m.n_cs; i++) {
			inside(m.cs[i].spi, m.cs[i].spi_len, data, size);
			inside(m.cs[i].session_data, m.cs[i].session_data_len,
			       data, size);
		}
		if (m.has_self)
			inside(m.self.sed, m.self.sed_len, data, size);
		if (m.has_keyparams) {
			inside(m.keyparams.ct, m.keyparams.ct_len, data, size);
			/* The ciphertext as if it were a plaintext. */
			(void)mcx_mikey_keyparams_parse(
			    m.keyparams.ct, m.keyparams.ct_len, &kp);
		}
		for (size_t i = 0; i < m.n_payloads; i++)
			if (m.pos[i].offset + m.pos[i].len > size)
				abort();
	}
	if (mcx_mikey_keyparams_parse(data, size, &kp) == MCX_OK) {
		inside(kp.text, kp.text_len, data, size);
		for (size_t i = 0; i < kp.n_groups; i++)
			inside(kp.groups[i].id, kp.groups[i].len, data, size);
	}
	return 0;
}

#ifndef MCX_LIBFUZZER
/* Corpus files named ok-* are well-formed messages that must decode. */
static int decoded_if_ok(const char *file)
{
	if (strncmp(file, "ok-", 3) != 0 || last == MCX_OK)
		return 0;
	fprintf(stderr, "%s: %s\n", file, mcx_mech_err_str(last));
	return 1;
}

int main(int argc, char **argv)
{
	return mcx_fuzz_replay(argc, argv, "mikey", decoded_if_ok);
}
#endif
