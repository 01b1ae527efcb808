/*
 * MIKEY timestamps: T carries a 64-bit NTP-UTC time (RFC 3830 §6.6,
 * TS 33.179 E.1.1: seconds since 1900 in the upper 32 bits), the key
 * parameters 40-bit Unix time (decision d).  NTP = Unix + 2 208 988 800
 * (MCX-REFERENCE §0).
 */
#include "mechanisms/mikey.h"

uint64_t mcx_mikey_ntp_from_unix(uint64_t unix_seconds)
{
	return (unix_seconds + MCX_MIKEY_NTP_UNIX_DELTA) << 32;
}

uint64_t mcx_mikey_unix_from_ntp(uint64_t ntp64)
{
	uint64_t s = ntp64 >> 32;

	/* NTP era 0 only (until 2036); earlier than 1970 maps to 0. */
	return s >= MCX_MIKEY_NTP_UNIX_DELTA ? s - MCX_MIKEY_NTP_UNIX_DELTA : 0;
}
