/*
 * Hex digits (common/hex.h): one definition for the admin tool and the
 * provider, which share no code but common/.
 */
#include "config.h"

#include "common/hex.h"

int mcx_hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}
