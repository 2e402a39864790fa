/*
 * digest.h: SHA-256 through OpenSSL's libcrypto (EVP), never hand-written. A digest context
 * accumulates bytes; eccn_digest_hex finishes it into 64 lowercase hex digits.
 */
#ifndef ECCN_DIGEST_H
#define ECCN_DIGEST_H

#include "util.h"

typedef struct eccn_digest eccn_digest;

eccn_digest *eccn_digest_new(void); /* NULL when out of memory; free with eccn_digest_free */
int eccn_digest_update(eccn_digest *d, const void *data, size_t len);
int eccn_digest_hex(eccn_digest *d, char out[65]);
/* The hex digest of the bytes so far, leaving d to go on accumulating. */
int eccn_digest_peek_hex(const eccn_digest *d, char out[65]);
void eccn_digest_free(eccn_digest *d);
/* SHA-256 of len bytes into 32 raw bytes. */
int eccn_sha256(const void *data, size_t len, unsigned char out[32]);
/* Writes n bytes as 2n lowercase hex digits and a NUL into out. */
void eccn_hex(const unsigned char *bytes, size_t n, char *out);
/* SHA-256 of one buffer as 64 hex digits. */
int eccn_sha256_hex(const void *data, size_t len, char out[65]);
/* SHA-256 of a whole file, streamed. */
int eccn_digest_file(const char *path, char out[65], long long *size, eccn_error *err);

#endif
