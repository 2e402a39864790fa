/*
 * anchor.h: the ledger's signed head kept in step with its chains, outside the ledger file.
 *
 * After every write that commits rows to a chain, the ledger sums up where each chain ends (the
 * verdicts; each audit run's texts, evaluations and results) as a head (head.h), signs it with a
 * key of this machine's (sign.h, created on first use) and stores it in a state directory, under
 * a lock so that heads only ever move forward. `ledger verify` then checks the ledger against
 * that head, or against one filed elsewhere: a chain cut back, re-hashed or deleted shows as a
 * row that is missing or whose hash differs at a position the head signed. A head that could not
 * be written (a full disk, say) does not undo the commit: the ledger says so through the warning
 * function given, and the next write brings the head up to date.
 */
#ifndef ECCN_ANCHOR_H
#define ECCN_ANCHOR_H

#include "head.h"
#include "ledger.h"

/* Keep l's head in state_dir (created 0700; the key is state_dir/signing-key.pem). warn, when
 * given, is called with a message when a head cannot be written. Checks the ledger against the
 * head stored there: ECCN_ETAMPERED (err says where) when it no longer holds what was signed,
 * and then nothing must be written to it. */
int eccn_ledger_set_anchor(eccn_ledger *l, const char *state_dir,
                           void (*warn)(const char *msg, void *ctx), void *ctx, eccn_error *err);
/* The ledger's identity: 64 hex digits chosen when it was created. */
int eccn_ledger_identity(eccn_ledger *l, char out[65], eccn_error *err);
/* The head stored for l in its state directory, as text (`ledger head`); ECCN_ENOTFOUND when
 * none was stored yet. */
int eccn_ledger_head_text(eccn_ledger *l, eccn_buf *out, eccn_error *err);
/* Loads and checks the stored head (signed by this machine's key): ECCN_ENOTFOUND when none. */
int eccn_ledger_stored_head(eccn_ledger *l, eccn_head *out, eccn_error *err);

/* Does the ledger hold every row the head signed, with the signed hash? (A ledger may be ahead
 * of its head.) On disagreement *agrees is false and what names the first chain and position. */
int eccn_ledger_check_head(eccn_ledger *l, const eccn_head *h, bool *agrees, char *what,
                           size_t whatsz, eccn_error *err);

/* For the ledger module: brings the head up to date after a commit. */
void eccn_ledger_anchor(eccn_ledger *l);

#endif
