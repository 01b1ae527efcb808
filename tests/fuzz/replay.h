/*
 * Corpus replay for the fuzz targets in `make check` (a libFuzzer build,
 * clang -fsanitize=fuzzer -DMCX_LIBFUZZER, uses libFuzzer's own main).
 */
#ifndef MCX_TESTS_FUZZ_REPLAY_H
#define MCX_TESTS_FUZZ_REPLAY_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Give every file of the corpus directory (argv[1], else
 * $MCXHSM_SRCDIR/tests/fuzz/corpus/<corpus>) to LLVMFuzzerTestOneInput as
 * a heap copy of exactly its length, so that ASan sees a read past the
 * end.  After each file, checked(file name) may judge the outcome (NULL:
 * none); nonzero fails the run.  Returns 77 without a directory, 1 on an
 * I/O error, a failed check or an empty corpus (a test that could not
 * fail), else 0. */
int mcx_fuzz_replay(int argc, char **argv, const char *corpus,
		    int (*checked)(const char *file));

#endif /* MCX_TESTS_FUZZ_REPLAY_H */
