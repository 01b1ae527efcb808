/*
 * Random octets from the DRBG of the module's private library context
 * (keys, IVs, C_GenerateRandom).
 */
#ifndef MCX_MECHANISMS_RANDOM_H
#define MCX_MECHANISMS_RANDOM_H

#include <stddef.h>
#include <stdint.h>

#include "mechanisms/mech_err.h"

/* Fill out with len random octets; MCX_ERR_RANDOM if the DRBG fails. */
enum mcx_mech_err mcx_random_bytes(uint8_t *out, size_t len);

#endif /* MCX_MECHANISMS_RANDOM_H */
