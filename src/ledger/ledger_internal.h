/*
 * ledger_internal.h: what the files of the ledger module share and nothing outside it may use.
 * The ledger owns its schema and its SQL: only files under src/ledger/ include this header (and
 * so sqlite3.h); every other module calls the functions of ledger.h and its sibling headers.
 *
 * Layering, so that no two files call each other: ledger_conn.c (the connection helpers below)
 * and chain.c use nothing else of the module; integrity.c, retention.c and ledger_query.c use
 * those two; ledger.c (opening, migrating, verdicts) uses all of them.
 */
#ifndef ECCN_LEDGER_INTERNAL_H
#define ECCN_LEDGER_INTERNAL_H

#include "chain.h"
#include "ledger.h"

#include <sqlite3.h>

struct eccn_ledger {
    sqlite3 *db;
    char *path;
    sqlite3_stmt *ins_verdict;
    int wal_frames;   /* frames in the WAL after this connection's last commit */
    char *anchor_dir; /* where its signed head is kept (anchor.h), or NULL */
    /* the signing key in anchor_dir, loaded on first use and kept: decoding it is a good part of
     * a check's own time, and a write reads the head, checks it and signs a new one */
    struct eccn_sign_key *sign_key;
    void (*anchor_warn)(const char *msg, void *ctx);
    void *anchor_ctx;
    long long own_checkpoints; /* checkpoints up to this id were written by this connection's
                                * purge, which anchor.c may trust before the head signs them */
};

/* ---- ledger_conn.c ---- */

sqlite3 *eccn_ledger_db(eccn_ledger *l);
/* Fills err from the database's last error, prefixed by what was being done. */
int eccn_ledger_fail(eccn_ledger *l, const char *doing, eccn_error *err);
/* Prepares sql, or fills err with the database's reason. The caller finalizes *st. */
int eccn_ledger_prepare(eccn_ledger *l, const char *sql, sqlite3_stmt **st, eccn_error *err);
/* Runs statements that return no rows (transaction control, DDL); err names the SQL on failure. */
int eccn_ledger_exec(eccn_ledger *l, const char *sql, eccn_error *err);
/* The text of column i, "" for NULL. */
const char *eccn_ledger_col(sqlite3_stmt *st, int i);

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

/* ---- chain.c: the chain's encoding of a SQLite value, and its SQL function ---- */

void eccn_chain_value(eccn_chain_enc *e, sqlite3_value *v);
/* Registers eccn_chain(prev BLOB, v1, ...) -> BLOB on db (prev NULL: the zero hash). */
int eccn_chain_register(sqlite3 *db);

/* ---- integrity.c ---- */

/* Fills the hash of every row that has none, in chain order (schema migration 1 -> 2), inside the
 * migration's transaction. */
int eccn_integrity_chain_existing(eccn_ledger *l, eccn_error *err);

/* ---- ledger.c ---- */

/* Stores the revision with its files and provisions if not yet present; inside the caller's
 * transaction. */
int eccn_ledger_note_revision(eccn_ledger *l, const eccn_ruleset *rs, eccn_error *err);

#endif
