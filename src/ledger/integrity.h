/*
 * integrity.h: checking the ledger: its hash chains (chain.h) and SQLite's own integrity check.
 *
 * The chains: verdicts in id order from a zero hash; and for each audit run, its texts and its
 * evaluations in id order and its results in key order, each from the run's genesis hash (over
 * the run's fixed fields: id, file, start, rules revision, options). A purge leaves a checkpoint
 * (ledger_checkpoints) from which a chain continues. Nothing here writes.
 */
#ifndef ECCN_INTEGRITY_H
#define ECCN_INTEGRITY_H

#include "chain.h"
#include "ledger.h"

/* The first break found, if any. */
typedef struct eccn_integrity_report {
    bool intact;
    long long rows; /* rows whose hash was checked */
    long long runs; /* audit runs checked */
    char chain[64]; /* "verdicts" or "audit run 7 results" */
    long long key;  /* the verdict id, or the run's text or evaluation id or line */
    char what[256]; /* changed, deleted, inserted, reordered: as far as it can tell */
    unsigned char head[ECCN_HASH_LEN]; /* the verdict chain's last hash: keep it outside the
                                        * ledger to detect a cut tail later */
    bool has_head;
} eccn_integrity_report;

int eccn_integrity_verify(eccn_ledger *l, eccn_integrity_report *rep, eccn_error *err);
/* Is finished run run_id still what its seal says, and its seal what the seal chain says there?
 * The check made before an audit reuses a run's results, short of a full verify. *holds is
 * false when not, or when the run has no seal. */
int eccn_integrity_run_sealed(eccn_ledger *l, long long run_id, bool *holds, eccn_error *err);
/* SQLite's integrity_check; problems go into msg (empty when "ok"). */
int eccn_integrity_sqlite(eccn_ledger *l, char *msg, size_t n, eccn_error *err);

/* The genesis hash of audit run run_id's chain for table, and of the verdicts' chain. */
int eccn_integrity_run_genesis(eccn_ledger *l, long long run_id, const char *table,
                               unsigned char out[ECCN_HASH_LEN], eccn_error *err);
int eccn_integrity_verdicts_genesis(unsigned char out[ECCN_HASH_LEN]);
/* The genesis of the chain of recorded screening reviews (screen_clearances). */
int eccn_integrity_clearances_genesis(unsigned char out[ECCN_HASH_LEN]);
/* The last hash of a run's chain for table ("audit_texts", "audit_evals", "audit_results"), or
 * the genesis when it has no row yet; for resuming a run. */
int eccn_integrity_run_head(eccn_ledger *l, long long run_id, const char *table,
                            unsigned char out[ECCN_HASH_LEN], eccn_error *err);

#endif
