/*
 * Helpers shared by the SAKKE API files (sakke.c, sakke_kms.c); not part
 * of the public interface of mechanisms/sakke.h.
 */
#ifndef MCX_MECHANISMS_SAKKE_INTERNAL_H
#define MCX_MECHANISMS_SAKKE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "mechanisms/fp1024.h"
#include "mechanisms/mech_err.h"

/* An identifier b of 1..128 octets (MCX_ERR_LENGTH, MCX_ERR_ARGUMENT). */
enum mcx_mech_err mcx_sakke_check_id(const uint8_t *id, size_t id_len);
/* A secret scalar of 1..128 octets into raw limbs; returns the mask "in
 * [1, q-1]" (computed without branches). */
uint64_t mcx_sakke_scalar_in_range(struct mcx_fp1024 *raw, const uint8_t *k,
				   size_t k_len);

#endif /* MCX_MECHANISMS_SAKKE_INTERNAL_H */
