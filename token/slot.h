/*
 * Slots and tokens.  One slot per token database in the configured token
 * directory, named <token_dir>/token-<N>.mcxtoken where N (1 .. 2^31-1) is
 * the slot ID, so IDs are stable across processes and restarts; plus one
 * empty slot whose ID is the lowest unused N: C_InitToken on it creates
 * that file, so the slot keeps its ID once it holds a token.
 */
#ifndef MCX_TOKEN_SLOT_H
#define MCX_TOKEN_SLOT_H

#include <mcxhsm/pkcs11.h>

struct mcx_slot;

/* CKR_OK if slotID names a slot of this module (CKR_SLOT_ID_INVALID
 * otherwise, CKR_CRYPTOKI_NOT_INITIALIZED before C_Initialize).  For the
 * mechanism functions, which need no session.  Takes and drops the module
 * lock itself. */
CK_RV mcx_slot_check(CK_SLOT_ID slotID);

#endif /* MCX_TOKEN_SLOT_H */
