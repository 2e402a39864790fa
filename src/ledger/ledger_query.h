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
    const char *sha256; /* of the file's bytes: two runs of the same input share it */
    long long lines_read, results, errors;
    bool what_if; /* judged with rules not in force (--what-if): not a decision */
} eccn_ledger_run;

/* The audit runs in id order: run_id alone when it is not 0 (the dates are then ignored), or
 * those started between since and until. */
int eccn_ledger_each_run(eccn_ledger *l, long long run_id, const char *since, const char *until,
                         int (*fn)(const eccn_ledger_run *run, void *ctx), void *ctx,
                         eccn_error *err);

/* ECCN_OK when the ledger holds that audit run (or verdict); ECCN_ENOTFOUND, with "no audit run N
 * in the ledger" in err, when not. Commands that name a record check it first: a mistyped number
 * must be an error, never an empty answer ("0 lines differ"). */
int eccn_ledger_run_exists(eccn_ledger *l, long long run_id, eccn_error *err);
int eccn_ledger_verdict_exists(eccn_ledger *l, long long verdict_id, eccn_error *err);

/* Lines judged alike: every line of an audit run that shares one evaluation, or one check. */
typedef struct eccn_ledger_outcome {
    const char *verdict; /* license_required, no_license_required, indeterminate or error */
    const char *destination, *eccn, *status, *part_id;
    const char *exceptions;    /* the JSON array of licence exceptions */
    const char *classified_by; /* the first classification among the deciding provisions */
    double tpp, pd;
    bool has_tpp, has_pd;
    long long lines, quantity;
    char latest[11];   /* the latest ship date among the lines, YYYY-MM-DD, or "" */
    char earliest[11]; /* the earliest, likewise */
    bool what_if;      /* a check decided under --what-if (recorded with --record) */
    /* The vendor row the answer cites (eval.c: it decided, or is all eccn knows of the part):
     * "NVIDIA 920-... \"description\": ECCN"; NULL when none. */
    const char *vendor;
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
 * its revision and its provisions. what_if: include the checks decided under --what-if, which are
 * not decisions and are left out otherwise. */
int eccn_ledger_check_outcomes(eccn_ledger *l, const char *since, const char *until, bool what_if,
                               const eccn_ledger_outcome_fns *fns, eccn_error *err);
/* How many checks between since and until were decided under --what-if. */
int eccn_ledger_count_what_if(eccn_ledger *l, const char *since, const char *until, long long *n,
                              eccn_error *err);

/* One line of an audit run, or one check. */
typedef struct eccn_ledger_line {
    const char *source; /* "audit" or "check" */
    long long run;      /* the audit run, 0 for a check */
    long long line;     /* the line number in the run's file, or the verdict's id */
    const char *line_id, *part, *resolved, *dest, *date, *verdict, *eccn, *policy, *exceptions,
        *reason;
    const char *provision; /* the first licence provision that decided it, or "" */
    long long qty;
    bool what_if; /* a check decided under --what-if */
} eccn_ledger_line;

/* Which lines: every one, the indeterminate and error lines, or those that need a licence. */
typedef enum { ECCN_LINES_ALL, ECCN_LINES_PROBLEMS, ECCN_LINES_LICENCE } eccn_ledger_lines_of;

/* A run's lines in line order. */
int eccn_ledger_run_lines(eccn_ledger *l, long long run, eccn_ledger_lines_of which,
                          int (*fn)(const eccn_ledger_line *ln, void *ctx), void *ctx,
                          eccn_error *err);
/* The checks recorded between since and until as lines, in id order (an indeterminate one's
 * reason names the first undecided provision); what_if as for eccn_ledger_check_outcomes. */
int eccn_ledger_check_lines(eccn_ledger *l, const char *since, const char *until,
                            eccn_ledger_lines_of which, bool what_if,
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
