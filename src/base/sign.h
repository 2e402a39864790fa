/*
 * sign.h: Ed25519 signatures through OpenSSL's libcrypto (EVP), never hand-written. The ledger's
 * signed heads (head.h) are signed with a key kept outside the ledger, in a file of its own that
 * is created on first use.
 */
#ifndef ECCN_SIGN_H
#define ECCN_SIGN_H

#include "util.h"

#define ECCN_SIGN_PUBLEN 32
#define ECCN_SIGN_SIGLEN 64

typedef struct eccn_sign_key eccn_sign_key;

/* Loads the private key at path (PEM, PKCS#8), or creates one there when there is none (mode
 * 0600, O_EXCL, never through a symbolic link); *created says which. A key file that others may
 * read or write, or that is not a regular file, is refused. Free with eccn_sign_key_free. */
int eccn_sign_key_open(const char *path, eccn_sign_key **out, bool *created, eccn_error *err);
void eccn_sign_key_free(eccn_sign_key *k);
void eccn_sign_key_public(const eccn_sign_key *k, unsigned char pub[ECCN_SIGN_PUBLEN]);

int eccn_sign(const eccn_sign_key *k, const void *msg, size_t n,
              unsigned char sig[ECCN_SIGN_SIGLEN], eccn_error *err);
/* True when sig is pub's signature of msg. */
bool eccn_sign_verify(const unsigned char pub[ECCN_SIGN_PUBLEN], const void *msg, size_t n,
                      const unsigned char sig[ECCN_SIGN_SIGLEN]);

#endif
