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
#include "sign.h"

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

/* A chain over the rows st gives, at most limit of them (limit < 0: all): the hash of the last
 * and how many there were. For what has no hash column of its own: the purge checkpoints, the
 * holds, their releases, the rules revisions, and each audit run's own record. Resets st. */
int eccn_integrity_rows_hash(sqlite3_stmt *st, long long limit, unsigned char out[ECCN_HASH_LEN],
                             long long *rows);
/* A run's record in two parts that never change once written: what it was started with, and,
 * once complete, the digest and size of the file it judged and when it finished (run as ?1). */
#define ECCN_SQL_RUN_RECORD                                                                        \
    "SELECT id, file, rules_revision, options, started_at FROM audit_runs WHERE id = ?1"
#define ECCN_SQL_RUN_FINAL                                                                         \
    "SELECT sha256, size, finished_at FROM audit_runs WHERE id = ?1 AND status = 'complete'"

/* Records where run stands at a commit (offset, line, lines read) and the SHA-256 of the input
 * judged so far, on the run's commits chain; inside the caller's transaction. */
int eccn_integrity_commit(eccn_ledger *l, long long run, long long offset, long long line,
                          long long lines_read, const char *sha256, eccn_error *err);
/* Seals finished run run: its record, final record and the ends of its chains, as the next row
 * of audit_seals; inside the caller's transaction (the one that marks it complete). */
int eccn_integrity_seal(eccn_ledger *l, long long run, eccn_error *err);
/* Seals the finished runs that have no seal yet, oldest first (schema migration 3 -> 4). */
int eccn_integrity_seal_existing(eccn_ledger *l, eccn_error *err);

/* ---- anchor.c: rows that carry authority (a release, a purge's checkpoint) are signed ---- */

/* Signs the row st stands on (its first ncols columns, as the chain encodes them, after kind
 * and the ledger's identity) with the key of the ledger's signed head. ECCN_ENOTFOUND when the
 * ledger keeps no head (no state directory): the row then goes unsigned. */
int eccn_anchor_sign_row(eccn_ledger *l, const char *kind, sqlite3_stmt *st, int ncols,
                         unsigned char sig[ECCN_SIGN_SIGLEN], eccn_error *err);
/* Is the row's column ncols a signature, by key, of its first ncols columns? */
bool eccn_anchor_row_signed(eccn_ledger *l, const char *kind, sqlite3_stmt *st, int ncols,
                            const unsigned char key[ECCN_SIGN_PUBLEN]);
/* The releases and checkpoints as signed: their columns, and the signature last. */
#define ECCN_SQL_RELEASE_COLS "id, hold_id, released_at, released_by"
#define ECCN_SQL_CHECKPOINT_COLS                                                                   \
    "id, chain, run_id, first_key, last_key, rows, last_hash, before_date, purged_at, user, "      \
    "years"
#define ECCN_CHECKPOINT_NCOLS 11
/* Each release (*table "hold_releases") and checkpoint with a signature holds under this
 * machine's key; those without one are the head's before schema 5 (id at most the position the
 * stored head signed). Else ECCN_ETAMPERED, naming the row. For a purge. */
int eccn_anchor_check_signed(eccn_ledger *l, eccn_error *err);

/* ---- ledger.c ---- */

/* Stores the revision with its files and provisions if not yet present; inside the caller's
 * transaction. */
int eccn_ledger_note_revision(eccn_ledger *l, const eccn_ruleset *rs, eccn_error *err);

#endif
