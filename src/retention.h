/*
 * retention.h: legal hold and the purge of records whose retention has passed. EAR 762.6 keeps
 * export records five years; eccn counts from the latest ship date in the record (a verdict's
 * ship date; an audit run's latest line date, or its start when no line has one).
 *
 * A purge removes only whole records whose retention ended before the given date and before
 * today, that are not on hold: verdicts only as the oldest stretch of their chain (the chain must
 * stay one piece), audit runs whole and complete. Each purge records a checkpoint with the range
 * and the last hash, so `ledger verify` still checks what is left. All of it is one transaction.
 */
#ifndef ECCN_RETENTION_H
#define ECCN_RETENTION_H

#include "ledger.h"

/* 15 CFR 762.6(a): records are kept five years from the export. Every query and message uses
 * these two, so the period is written once. */
#define ECCN_RETENTION_YEARS 5
#define ECCN_RETENTION_STR_(n) #n
#define ECCN_RETENTION_STR(n) ECCN_RETENTION_STR_(n)
/* The period as an SQLite date modifier literal: '+5 years'. */
#define ECCN_RETENTION_SQL "'+" ECCN_RETENTION_STR(ECCN_RETENTION_YEARS) " years'"

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
int eccn_retention_purge(eccn_ledger *l, const char *before, const char *today, const char *user,
                         eccn_purge_report *rep, eccn_error *err);

#endif
