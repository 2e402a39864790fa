/*
 * ledger.h: the SQLite verdict ledger. Every `check` is a row in verdicts; every audit run and its
 * per-line results live in audit_* tables. Each rules revision used is stored once with its files
 * and provisions, so reports and replays can name what a verdict was based on years later.
 *
 * The schema is versioned with PRAGMA user_version and migrated forward in one transaction per
 * step; the file is marked with PRAGMA application_id so eccn never writes into a database that is
 * not a ledger. Writes are single transactions: a failure leaves no partial row, and a commit
 * returns only once it is on disk (synchronous=FULL).
 *
 * The ledger owns its schema and its SQL: nothing outside src/ledger/ sees SQLite. Other modules
 * call the functions here and in ledger_query.h, integrity.h and retention.h.
 */
#ifndef ECCN_LEDGER_H
#define ECCN_LEDGER_H

#include "rules.h"
#include "util.h"

#define ECCN_LEDGER_APP_ID 0x4543434e /* "ECCN" */
#define ECCN_LEDGER_SCHEMA 6

typedef struct eccn_ledger eccn_ledger;

/* Opens (creating when absent, with its directory) and migrates the ledger at path. Every open
 * uses SQLite's default VFS. */
int eccn_ledger_open(const char *path, eccn_ledger **out, eccn_error *err);
/* Opens and migrates as eccn_ledger_open, for a connection that makes one short transaction and
 * closes (check): while no other connection has the ledger open it holds it alone until closed,
 * and anyone else waits those few milliseconds (the busy timeout); when another connection has it
 * open, it opens shared. */
int eccn_ledger_open_brief(const char *path, eccn_ledger **out, eccn_error *err);
/* Opens a ledger that must exist already, migrating it to the current schema: for commands that
 * read or annotate a ledger, which a mistyped path must not create. */
int eccn_ledger_open_present(const char *path, eccn_ledger **out, eccn_error *err);
/* Opens an existing ledger without creating or migrating it (verification, reports). */
int eccn_ledger_open_existing(const char *path, eccn_ledger **out, eccn_error *err);
/* SQLite's quick_check, before every write (a check, an audit, a hold or release, a purge; once
 * when `eccn serve` starts): a ledger that fails it accepts nothing (ECCN_EDB, naming the first
 * problem). It reads every page: milliseconds for thousands of verdicts, 0.17 s at 190 MB. */
int eccn_ledger_quick_check(eccn_ledger *l, eccn_error *err);
void eccn_ledger_close(eccn_ledger *l);
const char *eccn_ledger_path(const eccn_ledger *l);

/* Writes a consistent, self-contained copy of the ledger (its log included) to a new file at dest,
 * which must not exist. The way to copy a ledger that is in use. */
int eccn_ledger_backup(eccn_ledger *l, const char *dest, eccn_error *err);

/* A verdicts row. Strings are owned by the row when it comes from eccn_ledger_get_verdict
 * (release with eccn_verdict_row_free); the caller's when passed to eccn_ledger_add_verdict. */
typedef struct eccn_verdict_row {
    long long id;
    char *created_at, *user, *tool_version, *rules_revision;
    char *input_kind, *input, *spec, *part_id, *part_name;
    char *destination, *headquarters;
    int hq_assumed;
    char *ship_date;
    long long quantity;
    char *consignee;
    char *metrics, *status, *eccn, *verdict, *review_policy;
    char *license_exceptions, *provisions, *explanation, *what_if;
} eccn_verdict_row;

/* Records row, and the rules revision rs it was decided by when not yet stored, in one durable
 * transaction: when this returns ECCN_OK the verdict has been fsynced; otherwise nothing was
 * written. *id is the verdict's id. */
int eccn_ledger_add_verdict(eccn_ledger *l, const eccn_ruleset *rs, const eccn_verdict_row *row,
                            long long *id, eccn_error *err);
/* One verdict of a batch: its row and the rules revision it was decided by (the caller's); id is
 * set when the batch is recorded. */
typedef struct eccn_verdict_entry {
    const eccn_ruleset *rs;
    const eccn_verdict_row *row;
    long long id;
} eccn_verdict_entry;
/* Records n verdicts as eccn_ledger_add_verdict records one, in one durable transaction (group
 * commit, `eccn serve`): chained in the order given, each new rules revision stored once, the
 * signed head moved once after the commit. ECCN_OK: all are fsynced; otherwise none was written. */
int eccn_ledger_add_verdicts(eccn_ledger *l, eccn_verdict_entry *v, size_t n, eccn_error *err);
/* ECCN_ENOTFOUND when there is no such id. */
int eccn_ledger_get_verdict(eccn_ledger *l, long long id, eccn_verdict_row *row, eccn_error *err);
void eccn_verdict_row_free(eccn_verdict_row *row);
/* Calls fn for each verdict created on or after since (a date, or NULL for all), oldest first. */
int eccn_ledger_each_verdict(eccn_ledger *l, const char *since,
                             int (*fn)(const eccn_verdict_row *row, void *ctx), void *ctx,
                             eccn_error *err);

#endif
