/*
 * Template fuzz target: arbitrary attribute templates through
 * C_CreateObject, C_FindObjectsInit, C_GetAttributeValue,
 * C_SetAttributeValue and C_CopyObject of the built module.  The module
 * must answer with a CKR and never crash or leak.
 *
 * Input: one op byte, then attributes as (type: 4 octets big-endian,
 * len: 1 octet, value: len octets); len 0xff means "pValue NULL,
 * ulValueLen 4", len 0xfe "pValue NULL, ulValueLen 0".  Types below 0x100
 * map to 0x000..0x0ff; 0x80000000 + x to the MCX vendor attributes.
 *
 * LLVMFuzzerTestOneInput is libFuzzer's entry (build with clang
 * -fsanitize=fuzzer -DMCX_LIBFUZZER); without it, main() replays every
 * file of the corpus directory (argv[1], or
 * $MCXHSM_SRCDIR/tests/fuzz/corpus/template) so `make check` runs it with
 * gcc, as p11-kit's fuzz/main.c does.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/blackbox/p11_helpers.h"
#include "tests/fuzz/replay.h"

#define MAX_ATTRS 32

static struct mcx_p11 P;
static CK_SESSION_HANDLE S;
static int ready;

static void setup(void)
{
	if (ready)
		return;
	mcx_p11_open(&P);
	mcx_p11_init_token(&P, "fuzz", "so-pin-0000", "user-pin-0000");
	S = mcx_p11_session(&P, CKU_USER, "user-pin-0000");
	ready = 1;
}

#define NESTED 8
static CK_ATTRIBUTE nested[MAX_ATTRS][NESTED];

static size_t parse(const uint8_t *d, size_t n, CK_ATTRIBUTE *t,
		    uint8_t vals[MAX_ATTRS][256])
{
	size_t count = 0, off = 0;
	while (count < MAX_ATTRS && off + 5 <= n) {
		uint32_t type = (uint32_t)d[off] << 24 |
				(uint32_t)d[off + 1] << 16 |
				(uint32_t)d[off + 2] << 8 | d[off + 3];
		uint8_t len = d[off + 4];
		off += 5;
		if (type & 0x80000000u)
			type = (uint32_t)(CKA_MCX_BASE + (type & 0xffu));
		else
			type &= 0xfffu;
		t[count].type = type;
		if (type & CKF_ARRAY_ATTRIBUTE) {
			/* attribute arrays hold pointers: build a well-formed
			 * nested template from the bytes instead of trusting
			 * them as pointers (the caller owns pointer validity
			 * in PKCS#11) */
			size_t l = len < 0xfe ? len : 0;
			if (l > n - off)
				l = n - off;
			size_t k = l / 5 < NESTED ? l / 5 : NESTED;
			for (size_t j = 0; j < k; j++) {
				nested[count][j].type = d[off + 5 * j] & 0x1f;
				memcpy(vals[count] + 4 * j, d + off + 5 * j + 1,
				       4);
				nested[count][j].pValue = vals[count] + 4 * j;
				nested[count][j].ulValueLen =
				    d[off + 5 * j] & 0x20 ? 1 : 4;
			}
			t[count].pValue = nested[count];
			t[count].ulValueLen = k * sizeof(CK_ATTRIBUTE);
			off += l;
			count++;
			continue;
		}
		if (len == 0xff || len == 0xfe) {
			t[count].pValue = NULL;
			t[count].ulValueLen = len == 0xff ? 4 : 0;
		} else {
			size_t l = len;
			if (l > n - off)
				l = n - off;
			memcpy(vals[count], d + off, l);
			t[count].pValue = vals[count];
			t[count].ulValueLen = l;
			off += l;
		}
		count++;
	}
	return count;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t vals[MAX_ATTRS][256];
	CK_ATTRIBUTE t[MAX_ATTRS];
	CK_OBJECT_HANDLE h = CK_INVALID_HANDLE, c = CK_INVALID_HANDLE;
	CK_OBJECT_HANDLE found[16];
	CK_ULONG n = 0;
	setup();
	if (size < 1)
		return 0;
	uint8_t op = data[0];
	size_t count = parse(data + 1, size - 1, t, vals);
	CK_RV rv = P.f->C_CreateObject(S, t, count, &h);
	if (rv == CKR_OK) {
		/* read back with the same (garbage) template, as a size
		 * query and as a read into buffers */
		CK_ATTRIBUTE q[MAX_ATTRS];
		memcpy(q, t, count * sizeof(*t));
		for (size_t i = 0; i < count; i++)
			q[i].pValue = NULL;
		(void)P.f->C_GetAttributeValue(S, h, q, count);
		for (size_t i = 0; i < count; i++) {
			if (t[i].type & CKF_ARRAY_ATTRIBUTE)
				continue; /* q[i] stays a size query */
			q[i].pValue = t[i].pValue;
			q[i].ulValueLen = t[i].ulValueLen;
		}
		(void)P.f->C_GetAttributeValue(S, h, q, count);
		if (op & 1)
			(void)P.f->C_SetAttributeValue(S, h, t, count);
		if (op & 2) {
			if (P.f->C_CopyObject(S, h, t, count, &c) == CKR_OK)
				(void)P.f->C_DestroyObject(S, c);
		}
	}
	if (P.f->C_FindObjectsInit(S, t, count) == CKR_OK) {
		(void)P.f->C_FindObjects(S, found, 16, &n);
		(void)P.f->C_FindObjectsFinal(S);
	}
	if (h != CK_INVALID_HANDLE)
		(void)P.f->C_DestroyObject(S, h);
	return 0;
}

#ifndef MCX_LIBFUZZER
int main(int argc, char **argv)
{
	int rc = mcx_fuzz_replay(argc, argv, "template", NULL);

	if (ready) {
		P.f->C_CloseSession(S);
		mcx_p11_close(&P);
	}
	return rc;
}
#endif
