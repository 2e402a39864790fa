/*
 * retention.h: legal hold and the purge of records whose retention has passed. EAR 762.6 keeps
 * export records for a period (five years) that data/recordkeeping.yaml states; eccn counts it
 * from the latest ship date in the record (a verdict's ship date; an audit run's latest line
 * date, or its start when no line has one).
 *
 * A purge removes only whole records whose retention ended before the given date and before
 * today, that are not on hold: verdicts only as the oldest stretch of their chain (the chain must
 * stay one piece), audit runs whole and complete. Each purge records a checkpoint with the range
 * and the last hash, so `ledger verify` still checks what is left. All of it is one transaction.
 */
#ifndef ECCN_RETENTION_H
#define ECCN_RETENTION_H

#include "ledger.h"

/* How long records are kept: data/recordkeeping.yaml holds the figure and its citation. */
typedef struct eccn_retention_policy {
    int years;
    char citation[128]; /* "15 CFR 762.6(a)" */
    char modifier[24];  /* the period as an SQLite date modifier: "+5 years" */
} eccn_retention_policy;

/* Reads data_dir/recordkeeping.yaml (retention: years, citation and source, all required);
 * errors name the file, line and column. */
int eccn_retention_load(const char *data_dir, eccn_retention_policy *out, eccn_error *err);

/* The last day a record whose latest ship date is latest (YYYY-MM-DD) must be kept: latest plus
 * the period, as SQLite's date arithmetic has it ("" when latest is not a date). */
int eccn_retention_keep_until(eccn_ledger *l, const eccn_retention_policy *pol, const char *latest,
                              char out[16], eccn_error *err);

/* Places a hold on verdict_id or on run_id (the other 0). */
int eccn_retention_hold(eccn_ledger *l, long long verdict_id, long long run_id, const char *reason,
                        const char *user, long long *hold_id, eccn_error *err);
/* Releases the active holds on verdict_id or run_id; *released counts them. */
int eccn_retention_release(eccn_ledger *l, long long verdict_id, long long run_id, const char *user,
                           long long *released, eccn_error *err);

typedef struct eccn_purge_report {
    long long verdicts, runs, result_rows;
    long long first_verdict, last_verdict;
    long long kept_verdict; /* the oldest verdict kept, 0 when none */
    char kept_why[160];     /* why it (and so every later one) stays */
} eccn_purge_report;

/* before and today are YYYY-MM-DD. */
int eccn_retention_purge(eccn_ledger *l, const eccn_retention_policy *pol, const char *before,
                         const char *today, const char *user, eccn_purge_report *rep,
                         eccn_error *err);

#endif
