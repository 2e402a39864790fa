/*
 * ledger.h: the SQLite verdict ledger. Every `check` is a row in verdicts; every audit run and its
 * per-line results live in audit_* tables (written by audit.c through eccn_ledger_db). Each rules
 * revision used is stored once with its files and provisions, so reports and replays can name what
 * a verdict was based on years later.
 *
 * The schema is versioned with PRAGMA user_version and migrated forward in one transaction per
 * step; the file is marked with PRAGMA application_id so eccn never writes into a database that is
 * not a ledger. Writes are single transactions: a failure leaves no partial row.
 */
#ifndef ECCN_LEDGER_H
#define ECCN_LEDGER_H

#include "rules.h"
#include "util.h"

#include <sqlite3.h>

#define ECCN_LEDGER_APP_ID 0x4543434e /* "ECCN" */
#define ECCN_LEDGER_SCHEMA 2

/* audit_results keys pack (run << 32 | line): a run's rows are one key range, which SQLite walks by
 * its primary key (filtering the audit_results_v view on run_id would scan every run). The SQL
 * condition for a key column and a run, both SQL text: */
#define ECCN_SQL_RUN_KEYS(key, run)                                                                \
    key " BETWEEN " run " * 4294967296 AND " run " * 4294967296 + 4294967295"
/* The usual cases: the run bound as ?1, audit_results unaliased or as r. */
#define ECCN_SQL_KEYS_OF_RUN1 ECCN_SQL_RUN_KEYS("key", "?1")
#define ECCN_SQL_R_KEYS_OF_RUN1 ECCN_SQL_RUN_KEYS("r.key", "?1")
/* The SQL expression for an integer YYYYMMDD (ship_date) as YYYY-MM-DD. */
#define ECCN_SQL_YMD(x) "printf('%04d-%02d-%02d', " x " / 10000, " x " / 100 % 100, " x " % 100)"

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
void eccn_ledger_close(eccn_ledger *l);
sqlite3 *eccn_ledger_db(eccn_ledger *l);
const char *eccn_ledger_path(const eccn_ledger *l);
/* Fills err from the database's last error, prefixed by what was being done. */
int eccn_ledger_fail(eccn_ledger *l, const char *doing, eccn_error *err);
/* Prepares sql, or fills err with the database's reason. The caller finalizes *st. */
int eccn_ledger_prepare(eccn_ledger *l, const char *sql, sqlite3_stmt **st, eccn_error *err);
/* Runs statements that return no rows (transaction control, DDL); err names the SQL on failure. */
int eccn_ledger_exec(eccn_ledger *l, const char *sql, eccn_error *err);

/* Do nothing: kept while the audit calls them (see ledger.c). */
bool eccn_ledger_checkpoint_behind(eccn_ledger *l);
void eccn_ledger_checkpoint_inline(eccn_ledger *l);

/* Writes a consistent, self-contained copy of the ledger (its log included) to a new file at dest,
 * which must not exist. The way to copy a ledger that is in use. */
int eccn_ledger_backup(eccn_ledger *l, const char *dest, eccn_error *err);

/* Stores the revision with its files and provisions if not yet present. */
int eccn_ledger_note_revision(eccn_ledger *l, const eccn_ruleset *rs, eccn_error *err);

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

int eccn_ledger_add_verdict(eccn_ledger *l, const eccn_verdict_row *row, long long *id,
                            eccn_error *err);
/* ECCN_ENOTFOUND when there is no such id. */
int eccn_ledger_get_verdict(eccn_ledger *l, long long id, eccn_verdict_row *row, eccn_error *err);
void eccn_verdict_row_free(eccn_verdict_row *row);
/* Calls fn for each verdict created on or after since (a date, or NULL for all), oldest first. */
int eccn_ledger_each_verdict(eccn_ledger *l, const char *since,
                             int (*fn)(const eccn_verdict_row *row, void *ctx), void *ctx,
                             eccn_error *err);

#endif
