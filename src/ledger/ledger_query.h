/*
 * ledger_query.h: what reports and listings read from the ledger, as plain C values. Each function
 * calls fn once per row, in a fixed order, and stops at (and returns) the first non-zero value fn
 * returns. Strings handed to fn are never NULL ("" where the ledger has none) and are valid only
 * during the call.
 *
 * Scope by date: since and until are YYYY-MM-DD, inclusive, compared with the date a record was
 * made (a verdict's created_at, a run's started_at); NULL leaves that end open.
 */
#ifndef ECCN_LEDGER_QUERY_H
#define ECCN_LEDGER_QUERY_H

#include "ledger.h"

typedef struct eccn_ledger_run {
    long long id;
    const char *started_at, *status, *file;
    long long lines_read, results, errors;
} eccn_ledger_run;

/* The audit runs in id order: run_id alone when it is not 0 (the dates are then ignored), or
 * those started between since and until. */
int eccn_ledger_each_run(eccn_ledger *l, long long run_id, const char *since, const char *until,
                         int (*fn)(const eccn_ledger_run *run, void *ctx), void *ctx,
                         eccn_error *err);

/* Lines judged alike: every line of an audit run that shares one evaluation, or one check. */
typedef struct eccn_ledger_outcome {
    const char *verdict; /* license_required, no_license_required, indeterminate or error */
    const char *destination, *eccn, *status, *part_id;
    const char *exceptions;    /* the JSON array of licence exceptions */
    const char *classified_by; /* the first classification among the deciding provisions */
    double tpp, pd;
    bool has_tpp, has_pd;
    long long lines, quantity;
    char latest[11]; /* the latest ship date among the lines, YYYY-MM-DD, or "" */
} eccn_ledger_outcome;

/* What the outcome functions report: each outcome, each rules revision it was decided by and
 * each provision that decided it (repeats possible). Any of the three may be NULL. */
typedef struct eccn_ledger_outcome_fns {
    int (*outcome)(const eccn_ledger_outcome *o, void *ctx);
    int (*revision)(const char *revision, void *ctx);
    int (*provision)(const char *id, void *ctx);
    void *ctx;
} eccn_ledger_outcome_fns;

/* An audit run's outcomes, one per evaluation (error lines as verdict "error"), then its rules
 * revision, then the provisions its evaluations cite. */
int eccn_ledger_run_outcomes(eccn_ledger *l, long long run, const eccn_ledger_outcome_fns *fns,
                             eccn_error *err);
/* The checks recorded between since and until, in id order: for each, its outcome (one line),
 * its revision and its provisions. */
int eccn_ledger_check_outcomes(eccn_ledger *l, const char *since, const char *until,
                               const eccn_ledger_outcome_fns *fns, eccn_error *err);

/* One line of an audit run, or one check. */
typedef struct eccn_ledger_line {
    const char *source; /* "audit" or "check" */
    long long run;      /* the audit run, 0 for a check */
    long long line;     /* the line number in the run's file, or the verdict's id */
    const char *line_id, *part, *resolved, *dest, *date, *verdict, *eccn, *policy, *exceptions,
        *reason;
    long long qty;
} eccn_ledger_line;

/* A run's lines in line order; problems: only the indeterminate and error lines. */
int eccn_ledger_run_lines(eccn_ledger *l, long long run, bool problems,
                          int (*fn)(const eccn_ledger_line *ln, void *ctx), void *ctx,
                          eccn_error *err);
/* The checks recorded between since and until as lines, in id order; problems: only the
 * indeterminate ones, whose reason names the first undecided provision. */
int eccn_ledger_check_lines(eccn_ledger *l, const char *since, const char *until, bool problems,
                            int (*fn)(const eccn_ledger_line *ln, void *ctx), void *ctx,
                            eccn_error *err);

/* A provision as a rules revision recorded it (eccn_ledger_note_revision). */
typedef struct eccn_ledger_provision {
    const char *id, *kind, *title, *citation, *source, *eccn, *effective, *ends;
    const char *tests; /* a classification's conjunctive tests, JSON; "" when none recorded */
    int other_tests;   /* its other tests (not of one metric against a value); -1: none recorded */
} eccn_ledger_provision;

/* The provisions of a recorded revision, in the order they were recorded. */
int eccn_ledger_revision_provisions(eccn_ledger *l, const char *revision,
                                    int (*fn)(const eccn_ledger_provision *p, void *ctx), void *ctx,
                                    eccn_error *err);
/* Each test of a provision's tests (the JSON above), in order: metric, op (">=", "<"...), value. */
int eccn_ledger_provision_tests(eccn_ledger *l, const char *tests,
                                int (*fn)(const char *metric, const char *op, double value,
                                          void *ctx),
                                void *ctx, eccn_error *err);

#endif
