/*
 * chain.h: the ledger's hash chain. Every verdict and every row an audit writes (texts,
 * evaluations, results) carries hash = SHA-256(previous row's hash || canonical encoding of the
 * row), so changing, deleting, inserting or reordering a row breaks the chain from there on and
 * `eccn ledger verify` names the first row that no longer follows.
 *
 * The canonical encoding is the row's values in column order, each as a type tag and its bytes:
 * 'N'; 'I' and 8 big-endian bytes; 'F' and the 8 big-endian bytes of the IEEE double; 'T' or 'B',
 * a 4-byte big-endian length and the bytes. Each chain starts from its own genesis hash (which
 * names its table), so a row cannot move between chains unnoticed; an audit line's encoding then
 * fits SHA-256's two blocks. It is defined on SQLite values, so a row can be encoded from what is
 * bound when it is written and from what is read when it is verified. The SQL function
 * eccn_chain(prev, v1, ...) computes the same hash inside a statement; both, being SQLite's, are
 * declared in ledger_internal.h. SHA-256 comes from libcrypto (digest.h).
 */
#ifndef ECCN_CHAIN_H
#define ECCN_CHAIN_H

#include "util.h"

#define ECCN_HASH_LEN 32

/* An encoding being built. Reset by eccn_chain_start, which also takes the previous hash; the
 * first failed append sets status, so a short encoding can never be hashed. Free buf when done. */
typedef struct eccn_chain_enc {
    eccn_buf buf;
    int status;
} eccn_chain_enc;

void eccn_chain_start(eccn_chain_enc *e, const unsigned char prev[ECCN_HASH_LEN]);
void eccn_chain_null(eccn_chain_enc *e);
void eccn_chain_int(eccn_chain_enc *e, long long v);
void eccn_chain_real(eccn_chain_enc *e, double v);
void eccn_chain_text(eccn_chain_enc *e, const char *s, size_t n);
void eccn_chain_blob(eccn_chain_enc *e, const void *p, size_t n);
/* The hash of what was encoded, or the first failure. */
int eccn_chain_finish(const eccn_chain_enc *e, unsigned char out[ECCN_HASH_LEN]);

/* The genesis of a chain: SHA-256 of the parent hash (zeros, or an audit run's) and the table. */
int eccn_chain_genesis(const unsigned char parent[ECCN_HASH_LEN], const char *table,
                       unsigned char out[ECCN_HASH_LEN]);

#endif
