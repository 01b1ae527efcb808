/*
 * Test-vector access for the C test suites: the JSON files under
 * tests/vectors/ (copied from shared/spec/vectors, sources named in each
 * file) are read at run time, never pasted into code.
 */
#ifndef MCX_TESTS_VECTORS_H
#define MCX_TESTS_VECTORS_H

#include <json-c/json.h>
#include <stddef.h>
#include <stdint.h>

/* Load tests/vectors/<name> (directory from $MCXHSM_VECTORS, else the
 * compiled-in source path); aborts the test program if it cannot. The
 * caller releases it with json_object_put(). */
struct json_object *mcx_vectors_load(const char *name);

/* Follow a dotted path ("outputs.R_bS.hex", "users.1.uid"; numbers index
 * arrays); NULL if absent. */
struct json_object *mcx_vectors_get(struct json_object *root, const char *path);

/* The string at path; aborts if absent. */
const char *mcx_vectors_str(struct json_object *root, const char *path);

/* Decode the hex string at path (case-insensitive, whitespace ignored) into
 * a freshly malloc'd buffer; *len gets its length. Aborts if absent/invalid. */
uint8_t *mcx_vectors_hex(struct json_object *root, const char *path,
			 size_t *len);

/* Decode hex text into out (max octets); returns the length or -1. */
long mcx_hex_decode(const char *hex, uint8_t *out, size_t max);

#endif /* MCX_TESTS_VECTORS_H */
