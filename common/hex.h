/*
 * Hex digits, for the text forms of keys and identifiers read by the admin
 * tool (key files, KMS XML hexBinary, command-line K-IDs) and for the
 * percent-encoding of RFC 7512 pkcs11: URIs in the provider.
 */
#ifndef MCX_COMMON_HEX_H
#define MCX_COMMON_HEX_H

/* The value 0..15 of the hex digit c ('0'-'9', 'a'-'f', 'A'-'F'), or -1
 * when c is not one. */
int mcx_hex_digit(int c);

#endif /* MCX_COMMON_HEX_H */
