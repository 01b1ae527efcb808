# token/ops.mk
