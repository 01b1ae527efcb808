/*
 * CKM_MCX_MIKEY_SAKKE: complete MIKEY-SAKKE I_MESSAGEs (RFC 6509, TS 33.180
 * 5.2 and Annex E; MCX-REFERENCE §4, §5) through C_WrapKey / C_UnwrapKey.
 *
 *   wrap    the sender (ops_mcx_mikey_send.c): wrapping key = the
 *           sender's private CKK_MCX_ECCSI key, key = a CKK_MCX_KEY,
 *           parameter CK_MCX_MIKEY_SEND_PARAMS; one signed I_MESSAGE for
 *           one receiver
 *   unwrap  the receiver (ops_mcx_mikey_receive.c): unwrapping key = the
 *           receiver's RSK (private CKK_MCX_SAKKE), parameter
 *           CK_MCX_MIKEY_RECEIVE_PARAMS; the key object
 *
 * The mechanism row (ops_mech.c) names both key types; each handler
 * checks that its key is the one it needs.
 */
#include "config.h"

#include "token/ops_internal.h"

const struct mcx_wrap_ops mcx_ops_mcx_mikey = {
    .wrap = mcx_ops_mcx_mikey_send,
    .unwrap = mcx_ops_mcx_mikey_receive,
};
