#include "tests/common/vectors.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef MCX_VECTORS_DIR
#define MCX_VECTORS_DIR "tests/vectors"
#endif

static void die(const char *what, const char *detail)
{
	fprintf(stderr, "vectors: %s: %s\n", what, detail);
	abort();
}

struct json_object *mcx_vectors_load(const char *name)
{
	const char *dir = getenv("MCXHSM_VECTORS");
	char path[4096];
	struct json_object *root;

	if (dir == NULL || *dir == '\0')
		dir = MCX_VECTORS_DIR;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	root = json_object_from_file(path);
	if (root == NULL)
		die("cannot read", path);
	return root;
}

struct json_object *mcx_vectors_get(struct json_object *root, const char *path)
{
	char buf[512];
	char *save = NULL;
	struct json_object *cur = root;

	if (strlen(path) >= sizeof(buf))
		return NULL;
	strcpy(buf, path);
	for (char *tok = strtok_r(buf, ".", &save); tok != NULL && cur != NULL;
	     tok = strtok_r(NULL, ".", &save)) {
		if (json_object_is_type(cur, json_type_array)) {
			char *end;
			long idx = strtol(tok, &end, 10);
			if (*end != '\0' || idx < 0)
				return NULL;
			cur = json_object_array_get_idx(cur, (size_t)idx);
		} else if (!json_object_object_get_ex(cur, tok, &cur)) {
			return NULL;
		}
	}
	return cur;
}

const char *mcx_vectors_str(struct json_object *root, const char *path)
{
	struct json_object *o = mcx_vectors_get(root, path);

	if (o == NULL || !json_object_is_type(o, json_type_string))
		die("no string at", path);
	return json_object_get_string(o);
}

long mcx_hex_decode(const char *hex, uint8_t *out, size_t max)
{
	size_t n = 0;
	int hi = -1;

	for (const char *p = hex; *p != '\0'; p++) {
		int v;
		if (isspace((unsigned char)*p))
			continue;
		if (!isxdigit((unsigned char)*p))
			return -1;
		v = isdigit((unsigned char)*p)
			? *p - '0'
			: (tolower((unsigned char)*p) - 'a' + 10);
		if (hi < 0) {
			hi = v;
		} else {
			if (n >= max)
				return -1;
			out[n++] = (uint8_t)(hi << 4 | v);
			hi = -1;
		}
	}
	return hi < 0 ? (long)n : -1;
}

uint8_t *mcx_vectors_hex(struct json_object *root, const char *path,
			 size_t *len)
{
	const char *hex = mcx_vectors_str(root, path);
	size_t max = strlen(hex) / 2 + 1;
	uint8_t *out = malloc(max);
	long n;

	if (out == NULL)
		die("out of memory for", path);
	n = mcx_hex_decode(hex, out, max);
	if (n < 0)
		die("bad hex at", path);
	*len = (size_t)n;
	return out;
}
