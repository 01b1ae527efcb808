# token/core.mk
