#include "mechanisms/mech_err.h"

const char *mcx_mech_err_str(enum mcx_mech_err err)
{
	switch (err) {
	case MCX_OK:
		return "ok";
	case MCX_ERR_LENGTH:
		return "wrong length";
	case MCX_ERR_ENCODING:
		return "bad encoding";
	case MCX_ERR_NOT_ON_CURVE:
		return "point not on the curve";
	case MCX_ERR_INFINITY:
		return "point at infinity";
	case MCX_ERR_NOT_IN_SUBGROUP:
		return "point not of order q";
	case MCX_ERR_SCALAR_RANGE:
		return "scalar out of range";
	case MCX_ERR_KEY_INVALID:
		return "key fails validation";
	case MCX_ERR_DECAP_CHECK:
		return "re-encapsulation check failed";
	case MCX_ERR_SIGNATURE:
		return "signature does not verify";
	case MCX_ERR_AUTH:
		return "integrity check failed";
	case MCX_ERR_ARGUMENT:
		return "invalid argument";
	case MCX_ERR_NOMEM:
		return "out of memory";
	case MCX_ERR_RANDOM:
		return "random generator failed";
	case MCX_ERR_CRYPTO:
		return "cryptographic library failure";
	case MCX_ERR_UNSUPPORTED:
		return "unsupported value";
	case MCX_ERR_PARAMS:
		return "key parameters fail to decrypt";
	case MCX_ERR_PARAMS_FORMAT:
		return "key parameters malformed or not protected";
	case MCX_ERR_IDENTITY:
		return "identity mismatch";
	case MCX_ERR_KEY_ID:
		return "key identifier mismatch";
	}
	return "unknown error";
}
