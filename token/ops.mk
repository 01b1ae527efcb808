# token/ops.mk: the token's cryptographic operations (engineer M): the
# mechanism table, the crypto entry points and the standard mechanisms'
# handlers.  Add a mechanism as a row in ops_mech.c plus a handler file.
token_libmcxtoken_la_SOURCES += \
	token/ops_internal.h \
	token/ops_mech.c \
	token/ops_op.h \
	token/ops_op.c \
	token/ops_crypt.c \
	token/ops_gcm.c \
	token/ops_sign.c \
	token/ops_sig_std.c \
	token/ops_digest.c \
	token/ops_keygen.c \
	token/ops_wrap.c \
	token/ops_random.c \
	token/ops_mcx.h \
	token/ops_mcx_cache.c \
	token/ops_mcx_ident.c \
	token/ops_mcx_eccsi.c \
	token/ops_mcx_keygen.c \
	token/ops_mcx_sakke.c \
	token/ops_mcx_mikey.c \
	token/ops_mcx_mikey_send.c \
	token/ops_mcx_keystore.c \
	token/ops_mcx_mikey_receive.c \
	token/ops_mcx_kms.c \
	token/ops_mcx_kms_unwrap.c \
	token/ops_mcx_rgk.c
