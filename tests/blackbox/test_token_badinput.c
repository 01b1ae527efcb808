/*
 * Bad input on every C_* function of the 3.0 function list, table-driven:
 * before C_Initialize (CKR_CRYPTOKI_NOT_INITIALIZED), with an invalid
 * session handle (CKR_SESSION_HANDLE_INVALID) or slot
 * (CKR_SLOT_ID_INVALID), then NULL pointers, invalid object handles and
 * garbage templates with a valid session: the spec's CKR and no crash.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "tests/blackbox/p11_helpers.h"

static struct mcx_p11 P;
static CK_FUNCTION_LIST_3_0 *f;

/* Well-formed arguments for calls that must fail before looking at them. */
static CK_BYTE buf[256];
static CK_ULONG len;
static CK_MECHANISM mech = {CKM_SHA256, NULL, 0};
static CK_OBJECT_CLASS data_class = CKO_DATA;
static CK_ATTRIBUTE tmpl[1] = {{CKA_CLASS, &data_class, sizeof(data_class)}};
static CK_OBJECT_HANDLE oh, oh2;
static CK_SESSION_HANDLE sh;
static CK_SLOT_ID slot;
static CK_INFO info;
static CK_SLOT_INFO slot_info;
static CK_TOKEN_INFO token_info;
static CK_SESSION_INFO session_info;
static CK_MECHANISM_INFO mech_info;
static CK_MECHANISM_TYPE mechs[64];
static CK_SLOT_ID slots[16];

typedef CK_RV (*call_fn)(CK_SESSION_HANDLE s);

struct entry {
	const char *name;
	call_fn call;
};

#define E(n, expr)                                                             \
	static CK_RV call_##n(CK_SESSION_HANDLE s)                             \
	{                                                                      \
		(void)s;                                                       \
		return expr;                                                   \
	}

/* Functions taking a session handle. */
E(GetSessionInfo, f->C_GetSessionInfo(s, &session_info))
E(CloseSession, f->C_CloseSession(s))
E(GetOperationState, f->C_GetOperationState(s, buf, &len))
E(SetOperationState, f->C_SetOperationState(s, buf, 16, 0, 0))
E(Login, f->C_Login(s, CKU_USER, buf, 4))
E(Logout, f->C_Logout(s))
E(InitPIN, f->C_InitPIN(s, buf, 4))
E(SetPIN, f->C_SetPIN(s, buf, 4, buf, 4))
E(CreateObject, f->C_CreateObject(s, tmpl, 1, &oh))
E(CopyObject, f->C_CopyObject(s, 1, tmpl, 0, &oh))
E(DestroyObject, f->C_DestroyObject(s, 1))
E(GetObjectSize, f->C_GetObjectSize(s, 1, &len))
E(GetAttributeValue, f->C_GetAttributeValue(s, 1, tmpl, 1))
E(SetAttributeValue, f->C_SetAttributeValue(s, 1, tmpl, 1))
E(FindObjectsInit, f->C_FindObjectsInit(s, tmpl, 1))
E(FindObjects, f->C_FindObjects(s, &oh, 1, &len))
E(FindObjectsFinal, f->C_FindObjectsFinal(s))
E(EncryptInit, f->C_EncryptInit(s, &mech, 1))
E(Encrypt, f->C_Encrypt(s, buf, 16, buf, &len))
E(EncryptUpdate, f->C_EncryptUpdate(s, buf, 16, buf, &len))
E(EncryptFinal, f->C_EncryptFinal(s, buf, &len))
E(DecryptInit, f->C_DecryptInit(s, &mech, 1))
E(Decrypt, f->C_Decrypt(s, buf, 16, buf, &len))
E(DecryptUpdate, f->C_DecryptUpdate(s, buf, 16, buf, &len))
E(DecryptFinal, f->C_DecryptFinal(s, buf, &len))
E(DigestInit, f->C_DigestInit(s, &mech))
E(Digest, f->C_Digest(s, buf, 16, buf, &len))
E(DigestUpdate, f->C_DigestUpdate(s, buf, 16))
E(DigestKey, f->C_DigestKey(s, 1))
E(DigestFinal, f->C_DigestFinal(s, buf, &len))
E(SignInit, f->C_SignInit(s, &mech, 1))
E(Sign, f->C_Sign(s, buf, 16, buf, &len))
E(SignUpdate, f->C_SignUpdate(s, buf, 16))
E(SignFinal, f->C_SignFinal(s, buf, &len))
E(SignRecoverInit, f->C_SignRecoverInit(s, &mech, 1))
E(SignRecover, f->C_SignRecover(s, buf, 16, buf, &len))
E(VerifyInit, f->C_VerifyInit(s, &mech, 1))
E(Verify, f->C_Verify(s, buf, 16, buf, 16))
E(VerifyUpdate, f->C_VerifyUpdate(s, buf, 16))
E(VerifyFinal, f->C_VerifyFinal(s, buf, 16))
E(VerifyRecoverInit, f->C_VerifyRecoverInit(s, &mech, 1))
E(VerifyRecover, f->C_VerifyRecover(s, buf, 16, buf, &len))
E(DigestEncryptUpdate, f->C_DigestEncryptUpdate(s, buf, 16, buf, &len))
E(DecryptDigestUpdate, f->C_DecryptDigestUpdate(s, buf, 16, buf, &len))
E(SignEncryptUpdate, f->C_SignEncryptUpdate(s, buf, 16, buf, &len))
E(DecryptVerifyUpdate, f->C_DecryptVerifyUpdate(s, buf, 16, buf, &len))
E(GenerateKey, f->C_GenerateKey(s, &mech, tmpl, 1, &oh))
E(GenerateKeyPair, f->C_GenerateKeyPair(s, &mech, tmpl, 1, tmpl, 1, &oh, &oh2))
E(WrapKey, f->C_WrapKey(s, &mech, 1, 2, buf, &len))
E(UnwrapKey, f->C_UnwrapKey(s, &mech, 1, buf, 16, tmpl, 1, &oh))
E(DeriveKey, f->C_DeriveKey(s, &mech, 1, tmpl, 1, &oh))
E(SeedRandom, f->C_SeedRandom(s, buf, 16))
E(GenerateRandom, f->C_GenerateRandom(s, buf, 16))
E(GetFunctionStatus, f->C_GetFunctionStatus(s))
E(CancelFunction, f->C_CancelFunction(s))
E(LoginUser, f->C_LoginUser(s, CKU_USER, buf, 4, NULL, 0))
E(SessionCancel, f->C_SessionCancel(s, 0))
E(MessageEncryptInit, f->C_MessageEncryptInit(s, &mech, 1))
E(EncryptMessage, f->C_EncryptMessage(s, buf, 16, buf, 0, buf, 16, buf, &len))
E(EncryptMessageBegin, f->C_EncryptMessageBegin(s, buf, 16, buf, 0))
E(EncryptMessageNext,
  f->C_EncryptMessageNext(s, buf, 16, buf, 16, buf, &len, 0))
E(MessageEncryptFinal, f->C_MessageEncryptFinal(s))
E(MessageDecryptInit, f->C_MessageDecryptInit(s, &mech, 1))
E(DecryptMessage, f->C_DecryptMessage(s, buf, 16, buf, 0, buf, 16, buf, &len))
E(DecryptMessageBegin, f->C_DecryptMessageBegin(s, buf, 16, buf, 0))
E(DecryptMessageNext,
  f->C_DecryptMessageNext(s, buf, 16, buf, 16, buf, &len, 0))
E(MessageDecryptFinal, f->C_MessageDecryptFinal(s))
E(MessageSignInit, f->C_MessageSignInit(s, &mech, 1))
E(SignMessage, f->C_SignMessage(s, buf, 16, buf, 16, buf, &len))
E(SignMessageBegin, f->C_SignMessageBegin(s, buf, 16))
E(SignMessageNext, f->C_SignMessageNext(s, buf, 16, buf, 16, buf, &len))
E(MessageSignFinal, f->C_MessageSignFinal(s))
E(MessageVerifyInit, f->C_MessageVerifyInit(s, &mech, 1))
E(VerifyMessage, f->C_VerifyMessage(s, buf, 16, buf, 16, buf, 16))
E(VerifyMessageBegin, f->C_VerifyMessageBegin(s, buf, 16))
E(VerifyMessageNext, f->C_VerifyMessageNext(s, buf, 16, buf, 16, buf, 16))
E(MessageVerifyFinal, f->C_MessageVerifyFinal(s))

#define ROW(n)                                                                 \
	{                                                                      \
#n, call_##n                                                   \
	}
static const struct entry session_calls[] = {
    ROW(GetSessionInfo),
    ROW(GetOperationState),
    ROW(SetOperationState),
    ROW(Login),
    ROW(Logout),
    ROW(InitPIN),
    ROW(SetPIN),
    ROW(CreateObject),
    ROW(CopyObject),
    ROW(DestroyObject),
    ROW(GetObjectSize),
    ROW(GetAttributeValue),
    ROW(SetAttributeValue),
    ROW(FindObjectsInit),
    ROW(FindObjects),
    ROW(FindObjectsFinal),
    ROW(EncryptInit),
    ROW(Encrypt),
    ROW(EncryptUpdate),
    ROW(EncryptFinal),
    ROW(DecryptInit),
    ROW(Decrypt),
    ROW(DecryptUpdate),
    ROW(DecryptFinal),
    ROW(DigestInit),
    ROW(Digest),
    ROW(DigestUpdate),
    ROW(DigestKey),
    ROW(DigestFinal),
    ROW(SignInit),
    ROW(Sign),
    ROW(SignUpdate),
    ROW(SignFinal),
    ROW(SignRecoverInit),
    ROW(SignRecover),
    ROW(VerifyInit),
    ROW(Verify),
    ROW(VerifyUpdate),
    ROW(VerifyFinal),
    ROW(VerifyRecoverInit),
    ROW(VerifyRecover),
    ROW(DigestEncryptUpdate),
    ROW(DecryptDigestUpdate),
    ROW(SignEncryptUpdate),
    ROW(DecryptVerifyUpdate),
    ROW(GenerateKey),
    ROW(GenerateKeyPair),
    ROW(WrapKey),
    ROW(UnwrapKey),
    ROW(DeriveKey),
    ROW(SeedRandom),
    ROW(GenerateRandom),
    ROW(GetFunctionStatus),
    ROW(CancelFunction),
    ROW(LoginUser),
    ROW(SessionCancel),
    ROW(MessageEncryptInit),
    ROW(EncryptMessage),
    ROW(EncryptMessageBegin),
    ROW(EncryptMessageNext),
    ROW(MessageEncryptFinal),
    ROW(MessageDecryptInit),
    ROW(DecryptMessage),
    ROW(DecryptMessageBegin),
    ROW(DecryptMessageNext),
    ROW(MessageDecryptFinal),
    ROW(MessageSignInit),
    ROW(SignMessage),
    ROW(SignMessageBegin),
    ROW(SignMessageNext),
    ROW(MessageSignFinal),
    ROW(MessageVerifyInit),
    ROW(VerifyMessage),
    ROW(VerifyMessageBegin),
    ROW(VerifyMessageNext),
    ROW(MessageVerifyFinal),
    ROW(CloseSession),
};
#define N_SESSION_CALLS (sizeof(session_calls) / sizeof(session_calls[0]))

/* Functions taking a slot ID (s is the slot here). */
E(GetSlotInfo, f->C_GetSlotInfo(s, &slot_info))
E(GetTokenInfo, f->C_GetTokenInfo(s, &token_info))
E(GetMechanismList, f->C_GetMechanismList(s, mechs, &len))
E(GetMechanismInfo, f->C_GetMechanismInfo(s, CKM_SHA256, &mech_info))
E(InitToken, f->C_InitToken(s, buf, 8, buf))
E(OpenSession, f->C_OpenSession(s, CKF_SERIAL_SESSION, NULL, NULL, &sh))
E(CloseAllSessions, f->C_CloseAllSessions(s))
static const struct entry slot_calls[] = {
    ROW(GetSlotInfo),	   ROW(GetTokenInfo), ROW(GetMechanismList),
    ROW(GetMechanismInfo), ROW(InitToken),    ROW(OpenSession),
    ROW(CloseAllSessions),
};
#define N_SLOT_CALLS (sizeof(slot_calls) / sizeof(slot_calls[0]))

/* Functions with neither. */
E(Finalize, f->C_Finalize(NULL))
E(GetInfo, f->C_GetInfo(&info))
E(GetSlotList, f->C_GetSlotList(CK_FALSE, slots, &len))
E(WaitForSlotEvent, f->C_WaitForSlotEvent(CKF_DONT_BLOCK, &slot, NULL))
static const struct entry global_calls[] = {
    ROW(Finalize),
    ROW(GetInfo),
    ROW(GetSlotList),
    ROW(WaitForSlotEvent),
};
#define N_GLOBAL_CALLS (sizeof(global_calls) / sizeof(global_calls[0]))

static int group_setup(void **state)
{
	(void)state;
	mcx_p11_open(&P);
	f = P.f3;
	mcx_p11_init_token(&P, "badinput", "so-pin-0000", "user-pin-0000");
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	mcx_p11_close(&P);
	return 0;
}

static void expect(const char *name, CK_RV got, CK_RV want)
{
	if (got != want)
		fail_msg("C_%s: CKR 0x%lx, expected 0x%lx", name,
			 (unsigned long)got, (unsigned long)want);
}

static void test_not_initialized(void **state)
{
	(void)state;
	assert_int_equal(f->C_Finalize(NULL), CKR_OK);
	for (size_t i = 0; i < N_SESSION_CALLS; i++) {
		len = sizeof(buf);
		expect(session_calls[i].name, session_calls[i].call(1),
		       CKR_CRYPTOKI_NOT_INITIALIZED);
	}
	for (size_t i = 0; i < N_SLOT_CALLS; i++) {
		len = 64;
		expect(slot_calls[i].name, slot_calls[i].call(P.slot),
		       CKR_CRYPTOKI_NOT_INITIALIZED);
	}
	for (size_t i = 0; i < N_GLOBAL_CALLS; i++) {
		len = 16;
		expect(global_calls[i].name, global_calls[i].call(0),
		       CKR_CRYPTOKI_NOT_INITIALIZED);
	}
	assert_int_equal(f->C_Initialize(NULL), CKR_OK);
}

static void test_invalid_handles(void **state)
{
	(void)state;
	/* a handle that was never issued, and one that was closed */
	CK_SESSION_HANDLE closed = 0;
	assert_int_equal(
	    f->C_OpenSession(P.slot, CKF_SERIAL_SESSION, NULL, NULL, &closed),
	    CKR_OK);
	assert_int_equal(f->C_CloseSession(closed), CKR_OK);
	CK_SESSION_HANDLE bad[] = {0, 0xdead0000UL, closed, ~(CK_ULONG)0};
	for (size_t b = 0; b < sizeof(bad) / sizeof(bad[0]); b++)
		for (size_t i = 0; i < N_SESSION_CALLS; i++) {
			len = sizeof(buf);
			expect(session_calls[i].name,
			       session_calls[i].call(bad[b]),
			       CKR_SESSION_HANDLE_INVALID);
		}
	CK_SLOT_ID bad_slots[] = {0, 0x7fffff00UL, ~(CK_ULONG)0};
	for (size_t b = 0; b < sizeof(bad_slots) / sizeof(bad_slots[0]); b++)
		for (size_t i = 0; i < N_SLOT_CALLS; i++) {
			len = 64;
			expect(slot_calls[i].name,
			       slot_calls[i].call(bad_slots[b]),
			       CKR_SLOT_ID_INVALID);
		}
}

static void test_null_pointers(void **state)
{
	(void)state;
	CK_SESSION_HANDLE s = 0;
	CK_ULONG n = 0;
	assert_int_equal(f->C_GetSlotList(CK_FALSE, NULL, NULL),
			 CKR_ARGUMENTS_BAD);
	assert_int_equal(f->C_GetSlotInfo(P.slot, NULL), CKR_ARGUMENTS_BAD);
	assert_int_equal(f->C_GetTokenInfo(P.slot, NULL), CKR_ARGUMENTS_BAD);
	assert_int_equal(f->C_GetInfo(NULL), CKR_ARGUMENTS_BAD);
	assert_int_equal(f->C_GetMechanismList(P.slot, NULL, NULL),
			 CKR_ARGUMENTS_BAD);
	assert_int_equal(f->C_GetMechanismInfo(P.slot, CKM_SHA256, NULL),
			 CKR_ARGUMENTS_BAD);
	assert_int_equal(f->C_WaitForSlotEvent(CKF_DONT_BLOCK, NULL, NULL),
			 CKR_ARGUMENTS_BAD);
	assert_int_equal(
	    f->C_OpenSession(P.slot, CKF_SERIAL_SESSION, NULL, NULL, NULL),
	    CKR_ARGUMENTS_BAD);
	assert_int_equal(f->C_InitToken(P.slot, NULL, 0, NULL),
			 CKR_ARGUMENTS_BAD);
	assert_int_equal(f->C_OpenSession(P.slot,
					  CKF_SERIAL_SESSION | CKF_RW_SESSION,
					  NULL, NULL, &s),
			 CKR_OK);
	assert_int_equal(f->C_GetSessionInfo(s, NULL), CKR_ARGUMENTS_BAD);
	assert_int_equal(f->C_Login(s, CKU_USER, NULL, 4), CKR_ARGUMENTS_BAD);
	assert_int_equal(f->C_SetPIN(s, NULL, 4, buf, 4), CKR_ARGUMENTS_BAD);
	assert_int_equal(f->C_CreateObject(s, NULL, 1, &oh), CKR_ARGUMENTS_BAD);
	assert_int_equal(f->C_CreateObject(s, tmpl, 1, NULL),
			 CKR_ARGUMENTS_BAD);
	assert_int_equal(f->C_CreateObject(s, tmpl, 1, &oh), CKR_OK);
	assert_int_equal(f->C_CopyObject(s, oh, tmpl, 0, NULL),
			 CKR_ARGUMENTS_BAD);
	assert_int_equal(f->C_GetObjectSize(s, oh, NULL), CKR_ARGUMENTS_BAD);
	assert_int_equal(f->C_GetAttributeValue(s, oh, NULL, 1),
			 CKR_ARGUMENTS_BAD);
	assert_int_equal(f->C_SetAttributeValue(s, oh, NULL, 1),
			 CKR_ARGUMENTS_BAD);
	assert_int_equal(f->C_FindObjectsInit(s, NULL, 1), CKR_ARGUMENTS_BAD);
	assert_int_equal(f->C_FindObjects(s, NULL, 1, &n), CKR_ARGUMENTS_BAD);
	assert_int_equal(f->C_FindObjects(s, &oh2, 1, &n),
			 CKR_OPERATION_NOT_INITIALIZED);
	assert_int_equal(f->C_FindObjectsFinal(s),
			 CKR_OPERATION_NOT_INITIALIZED);
	assert_int_equal(f->C_FindObjectsInit(s, NULL, 0), CKR_OK);
	assert_int_equal(f->C_FindObjectsInit(s, NULL, 0),
			 CKR_OPERATION_ACTIVE);
	assert_int_equal(f->C_FindObjects(s, &oh2, 1, NULL), CKR_ARGUMENTS_BAD);
	assert_int_equal(f->C_FindObjectsFinal(s), CKR_OK);
	assert_int_equal(f->C_EncryptInit(s, NULL, oh), CKR_ARGUMENTS_BAD);
	assert_int_equal(f->C_DecryptInit(s, NULL, oh), CKR_ARGUMENTS_BAD);
	assert_int_equal(f->C_DigestInit(s, NULL), CKR_ARGUMENTS_BAD);
	assert_int_equal(f->C_SignInit(s, NULL, oh), CKR_ARGUMENTS_BAD);
	assert_int_equal(f->C_VerifyInit(s, NULL, oh), CKR_ARGUMENTS_BAD);
	assert_int_equal(f->C_GenerateKey(s, NULL, tmpl, 1, &oh2),
			 CKR_ARGUMENTS_BAD);
	assert_int_equal(f->C_GenerateRandom(s, NULL, 16), CKR_ARGUMENTS_BAD);
	/* operations that were never started */
	len = sizeof(buf);
	assert_int_equal(f->C_Encrypt(s, buf, 16, buf, &len),
			 CKR_OPERATION_NOT_INITIALIZED);
	assert_int_equal(f->C_DigestFinal(s, buf, &len),
			 CKR_OPERATION_NOT_INITIALIZED);
	assert_int_equal(f->C_SignUpdate(s, buf, 16),
			 CKR_OPERATION_NOT_INITIALIZED);
	assert_int_equal(f->C_VerifyFinal(s, buf, 16),
			 CKR_OPERATION_NOT_INITIALIZED);
	/* invalid object handles */
	CK_OBJECT_HANDLE badh[] = {0, 0xdeadbeefUL, ~(CK_ULONG)0};
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(f->C_DestroyObject(s, badh[i]),
				 CKR_OBJECT_HANDLE_INVALID);
		assert_int_equal(f->C_GetObjectSize(s, badh[i], &n),
				 CKR_OBJECT_HANDLE_INVALID);
		assert_int_equal(f->C_GetAttributeValue(s, badh[i], tmpl, 1),
				 CKR_OBJECT_HANDLE_INVALID);
		assert_int_equal(f->C_SetAttributeValue(s, badh[i], tmpl, 1),
				 CKR_OBJECT_HANDLE_INVALID);
		assert_int_equal(f->C_CopyObject(s, badh[i], tmpl, 0, &oh2),
				 CKR_OBJECT_HANDLE_INVALID);
	}
	assert_int_equal(f->C_CloseSession(s), CKR_OK);
}

static void test_garbage_templates(void **state)
{
	(void)state;
	CK_SESSION_HANDLE s = 0;
	CK_OBJECT_CLASS dc = CKO_DATA;
	CK_BBOOL seven = 7;
	CK_ULONG bogus = 0x7fff1234UL;
	assert_int_equal(f->C_OpenSession(P.slot,
					  CKF_SERIAL_SESSION | CKF_RW_SESSION,
					  NULL, NULL, &s),
			 CKR_OK);
	struct {
		CK_ATTRIBUTE t[2];
		CK_ULONG n;
		CK_RV want;
	} rows[] = {
	    {{{CKA_CLASS, &dc, 3}}, 1, CKR_ATTRIBUTE_VALUE_INVALID},
	    {{{CKA_CLASS, NULL, sizeof(dc)}}, 1, CKR_ATTRIBUTE_VALUE_INVALID},
	    {{{CKA_CLASS, &bogus, sizeof(bogus)}},
	     1,
	     CKR_ATTRIBUTE_VALUE_INVALID},
	    {{{CKA_CLASS, &dc, sizeof(dc)}, {bogus, buf, 4}},
	     2,
	     CKR_ATTRIBUTE_TYPE_INVALID},
	    {{{CKA_CLASS, &dc, sizeof(dc)}, {CKA_TOKEN, &seven, 1}},
	     2,
	     CKR_ATTRIBUTE_VALUE_INVALID},
	    {{{CKA_CLASS, &dc, sizeof(dc)}, {CKA_TOKEN, buf, 2}},
	     2,
	     CKR_ATTRIBUTE_VALUE_INVALID},
	    {{{CKA_LABEL, buf, 4}}, 1, CKR_TEMPLATE_INCOMPLETE},
	    {{{CKA_CLASS, &dc, sizeof(dc)}, {CKA_CLASS, &bogus, sizeof(bogus)}},
	     2,
	     CKR_TEMPLATE_INCONSISTENT},
	    {{{CKA_CLASS, &dc, sizeof(dc)}, {CKA_UNIQUE_ID, buf, 4}},
	     2,
	     CKR_ATTRIBUTE_READ_ONLY},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		CK_OBJECT_HANDLE h = 0;
		CK_RV rv = f->C_CreateObject(s, rows[i].t, rows[i].n, &h);
		if (rv != rows[i].want)
			fail_msg("row %zu: CKR 0x%lx, expected 0x%lx", i,
				 (unsigned long)rv,
				 (unsigned long)rows[i].want);
	}
	/* find with a NULL value of non-zero length */
	CK_ATTRIBUTE ft = {CKA_LABEL, NULL, 5};
	assert_int_equal(f->C_FindObjectsInit(s, &ft, 1),
			 CKR_ATTRIBUTE_VALUE_INVALID);
	assert_int_equal(f->C_CloseSession(s), CKR_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_not_initialized),
	    cmocka_unit_test(test_invalid_handles),
	    cmocka_unit_test(test_null_pointers),
	    cmocka_unit_test(test_garbage_templates),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
