/*
 * head.h: a ledger's signed head, kept outside the ledger. After each write the ledger's chains
 * are summed up as (chain, position of its last row, that row's hash), signed with a key of its
 * own (sign.h), and stored in a state directory that the ledger's writer cannot reach by writing
 * the ledger. `ledger verify` then finds a cut tail, a re-hashed chain or a forged checkpoint as a
 * disagreement with the head; a head filed elsewhere (an e-mail, a ticket) checks the same.
 *
 * The head is a few lines of text, signed over every byte before its signature line:
 *
 *     eccn ledger head 1
 *     ledger 6f1c...            the ledger's identity, chosen when it was created
 *     signed 2026-12-07T22:10:00Z
 *     chain verdicts 1234 9a0b...   (name, position, hash of the row at that position)
 *     key 3b6a...               the Ed25519 public key
 *     signature 51c2...
 */
#ifndef ECCN_HEAD_H
#define ECCN_HEAD_H

#include "sign.h"
#include "util.h"

#define ECCN_HEAD_HASHLEN 32

typedef struct eccn_head_chain {
    char name[64]; /* "verdicts", "run 7 results": no spaces at either end, no newline */
    long long position;
    unsigned char hash[ECCN_HEAD_HASHLEN];
} eccn_head_chain;

/* The caller owns chains (eccn_head_free frees it when it came from eccn_head_decode/load). */
typedef struct eccn_head {
    char ledger[65];
    char signed_at[21];
    unsigned char key[ECCN_SIGN_PUBLEN];
    eccn_head_chain *chains;
    size_t nchains;
} eccn_head;

/* Signs h (its key and time are filled in) and writes it as text into out. */
int eccn_head_encode(eccn_head *h, const eccn_sign_key *k, eccn_buf *out, eccn_error *err);
/* Parses a head and checks its signature against the key it names; name is the file, for
 * errors. A head whose signature does not hold is ECCN_EINPUT. */
int eccn_head_decode(const char *text, size_t len, const char *name, eccn_head *out,
                     eccn_error *err);
void eccn_head_free(eccn_head *h);
const eccn_head_chain *eccn_head_find(const eccn_head *h, const char *chain);

/* The head of ledger id in dir (dir/heads/ID.head): ECCN_ENOTFOUND when none was stored. The
 * signature must hold and the key must be trusted (its public key), or the head is refused. */
int eccn_head_load(const char *dir, const char *ledger, const unsigned char *trusted_key,
                   eccn_head *out, eccn_error *err);
/* Signs and stores h as the ledger's head, atomically, in a directory created 0700. A head never
 * goes back: a chain that the stored head has at a later position than h is refused (ECCN_EINPUT),
 * since the ledger lost rows since the last write. (A chain may end: a purge removes whole runs,
 * and records why in a checkpoint of its own.) */
int eccn_head_store(const char *dir, eccn_head *h, const eccn_sign_key *k, eccn_error *err);

#endif
