/*
 * JSON output of the admin tool through json-c (escaping done right), and
 * the hex/time formats every listing shares: hex in lowercase, times as
 * ISO 8601 UTC (PRODUCT.md "Admin tool JSON").
 */
#include "config.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "admin/internal.h"
#include "common/hex.h"

void mcx_hex(char *out, const CK_BYTE *in, size_t len)
{
	static const char digits[] = "0123456789abcdef";
	size_t i = 0;

	for (i = 0; i < len; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 0x0f];
	}
	out[2 * len] = '\0';
}

bool mcx_unhex(const char *hex, CK_BYTE **out, size_t *len)
{
	size_t n = strlen(hex);
	CK_BYTE *buf = NULL;
	size_t i = 0;

	if (n == 0 || n % 2 != 0)
		return false;
	buf = malloc(n / 2);
	if (buf == NULL)
		return false;
	for (i = 0; i < n / 2; i++) {
		int hi = mcx_hex_digit(hex[2 * i]);
		int lo = mcx_hex_digit(hex[2 * i + 1]);

		if (hi < 0 || lo < 0) {
			free(buf);
			return false;
		}
		buf[i] = (CK_BYTE)(hi << 4 | lo);
	}
	*out = buf;
	*len = n / 2;
	return true;
}

void mcx_time_iso(char *out, size_t outlen, unsigned long long t)
{
	struct tm tm;
	time_t tt = (time_t)t;

	memset(&tm, 0, sizeof(tm));
	if (gmtime_r(&tt, &tm) == NULL ||
	    strftime(out, outlen, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(out, outlen, "%llu", t);
}

void mcx_json_add_string(struct json_object *obj, const char *key,
			 const char *value)
{
	if (value != NULL)
		json_object_object_add(obj, key, json_object_new_string(value));
}

void mcx_json_add_int(struct json_object *obj, const char *key, long long v)
{
	json_object_object_add(obj, key, json_object_new_int64(v));
}

void mcx_json_add_bool(struct json_object *obj, const char *key, bool v)
{
	json_object_object_add(obj, key, json_object_new_boolean(v));
}

void mcx_json_add_hex(struct json_object *obj, const char *key,
		      const CK_BYTE *value, size_t len)
{
	char *hex = NULL;

	if (value == NULL)
		return;
	hex = malloc(2 * len + 1);
	if (hex == NULL)
		return;
	mcx_hex(hex, value, len);
	json_object_object_add(obj, key, json_object_new_string(hex));
	free(hex);
}

void mcx_json_add_time(struct json_object *obj, const char *key,
		       unsigned long long t)
{
	char buf[32] = {0};

	mcx_time_iso(buf, sizeof(buf), t);
	json_object_object_add(obj, key, json_object_new_string(buf));
}

int mcx_json_print(struct json_object *root)
{
	const char *s = NULL;
	int ret = MCX_EXIT_OK;

	s = json_object_to_json_string_ext(
	    root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
		      JSON_C_TO_STRING_NOSLASHESCAPE);
	if (s == NULL || puts(s) == EOF || fflush(stdout) != 0)
		ret = mcx_main_fail("cannot write the JSON output");
	json_object_put(root);
	return ret;
}
