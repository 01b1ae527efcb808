/*
 * Results of the pure mechanisms.  mechanisms/ knows nothing of PKCS#11, so
 * it reports precise reasons; the token maps them to CK_RV values
 * (mcx_mech_err_to_ckr in token/) and audits the refusal.
 */
#ifndef MCX_MECHANISMS_MECH_ERR_H
#define MCX_MECHANISMS_MECH_ERR_H

enum mcx_mech_err {
	MCX_OK = 0,
	MCX_ERR_LENGTH,	      /* input of the wrong length */
	MCX_ERR_ENCODING,     /* not 0x04||x||y, coordinate >= p, bad format */
	MCX_ERR_NOT_ON_CURVE, /* point fails the curve equation */
	MCX_ERR_INFINITY,     /* point at infinity where a point is needed */
	MCX_ERR_NOT_IN_SUBGROUP, /* point not of order q */
	MCX_ERR_SCALAR_RANGE,	 /* scalar 0 or >= q */
	MCX_ERR_KEY_INVALID,	 /* RSK / SSK+PVT fails validation */
	MCX_ERR_DECAP_CHECK,	 /* SAKKE re-encapsulation check failed */
	MCX_ERR_SIGNATURE,	 /* signature does not verify */
	MCX_ERR_AUTH,		 /* AEAD tag / key-wrap integrity failure */
	MCX_ERR_ARGUMENT,	 /* NULL or contradictory arguments */
	MCX_ERR_NOMEM,
	MCX_ERR_RANDOM,	       /* the RNG failed */
	MCX_ERR_CRYPTO,	       /* libcrypto failed unexpectedly */
	MCX_ERR_UNSUPPORTED,   /* well-formed value we do not support (MIKEY) */
	MCX_ERR_PARAMS,	       /* MIKEY key parameters fail to decrypt */
	MCX_ERR_PARAMS_FORMAT, /* MIKEY key parameters not in the Rel-17 form */
	MCX_ERR_IDENTITY, /* MIKEY identity differs from the expected one */
	MCX_ERR_KEY_ID,	  /* MIKEY K-ID / UK-ID / key type inconsistent */
};

/* A fixed English phrase for logs and test messages (never key material). */
const char *mcx_mech_err_str(enum mcx_mech_err err);

#endif /* MCX_MECHANISMS_MECH_ERR_H */
