/* clearance.c: the screen_clearances table (see clearance.h). */
#include "clearance.h"

#include "anchor.h"
#include "integrity.h"
#include "ledger_internal.h"

#include <string.h>

#define CLEARANCE_COLUMNS 12 /* without the hash */

static int last_hash(eccn_ledger *l, unsigned char prev[ECCN_HASH_LEN], long long *last_id,
                     eccn_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = eccn_ledger_prepare(
        l, "SELECT id, hash FROM screen_clearances ORDER BY id DESC LIMIT 1", &st, err);
    if (rc != ECCN_OK)
        return rc;
    *last_id = 0;
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_bytes(st, 1) == ECCN_HASH_LEN) {
        *last_id = sqlite3_column_int64(st, 0);
        memcpy(prev, sqlite3_column_blob(st, 1), ECCN_HASH_LEN);
    } else
        rc = eccn_integrity_clearances_genesis(prev);
    sqlite3_finalize(st);
    return rc;
}

/* Binds row r, hashes it onto prev (in place) and inserts it. */
static int insert_one(eccn_ledger *l, sqlite3_stmt *st, eccn_chain_enc *enc,
                      const eccn_clearance_row *r, unsigned char prev[ECCN_HASH_LEN],
                      eccn_error *err)
{
    const char *texts[CLEARANCE_COLUMNS - 1] = {
        r->created_at,     r->user, r->name,          r->norm_name,  r->country,   r->reason,
        r->lists_revision, r->list, r->entity_number, r->entry_name, r->entry_hash};
    eccn_chain_start(enc, prev);
    eccn_chain_int(enc, r->id);
    sqlite3_bind_int64(st, 1, r->id);
    for (int i = 0; i < CLEARANCE_COLUMNS - 1; i++) {
        const char *t = texts[i] ? texts[i] : "";
        eccn_chain_text(enc, t, strlen(t));
        sqlite3_bind_text(st, 2 + i, t, -1, SQLITE_STATIC);
    }
    int rc = eccn_chain_finish(enc, prev);
    if (rc != ECCN_OK)
        return rc;
    sqlite3_bind_blob(st, CLEARANCE_COLUMNS + 1, prev, ECCN_HASH_LEN, SQLITE_TRANSIENT);
    int step = sqlite3_step(st);
    sqlite3_reset(st);
    return step == SQLITE_DONE ? ECCN_OK : eccn_ledger_fail(l, "cannot record the review", err);
}

int eccn_clearance_add(eccn_ledger *l, eccn_clearance_row *rows, size_t n, eccn_error *err)
{
    unsigned char prev[ECCN_HASH_LEN];
    sqlite3_stmt *st = NULL;
    eccn_chain_enc enc = {0};
    long long id = 0;
    int rc = eccn_ledger_exec(l, "BEGIN IMMEDIATE", err);
    if (rc != ECCN_OK)
        return rc;
    if ((rc = last_hash(l, prev, &id, err)) != ECCN_OK ||
        (rc = eccn_ledger_prepare(l,
                                  "INSERT INTO screen_clearances(id, created_at, user, name, "
                                  "norm_name, country, reason, lists_revision, list, "
                                  "entity_number, entry_name, entry_hash, hash) "
                                  "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                                  &st, err)) != ECCN_OK)
        goto done;
    for (size_t i = 0; rc == ECCN_OK && i < n; i++) {
        rows[i].id = ++id;
        rc = insert_one(l, st, &enc, &rows[i], prev, err);
    }
    if (rc == ECCN_OK && (rc = eccn_ledger_exec(l, "COMMIT", err)) == ECCN_OK)
        eccn_ledger_anchor(l);
done:
    sqlite3_finalize(st);
    eccn_buf_free(&enc.buf);
    if (rc != ECCN_OK)
        sqlite3_exec(eccn_ledger_db(l), "ROLLBACK", NULL, NULL, NULL);
    return rc;
}

int eccn_clearance_each(eccn_ledger *l, int (*fn)(const eccn_clearance_row *row, void *ctx),
                        void *ctx, eccn_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = eccn_ledger_prepare(l,
                                 "SELECT id, created_at, user, name, norm_name, country, reason, "
                                 "lists_revision, list, entity_number, entry_name, entry_hash "
                                 "FROM screen_clearances ORDER BY id",
                                 &st, err),
        step = SQLITE_DONE;
    while (rc == ECCN_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
        eccn_clearance_row r = {.id = sqlite3_column_int64(st, 0),
                                .created_at = eccn_ledger_col(st, 1),
                                .user = eccn_ledger_col(st, 2),
                                .name = eccn_ledger_col(st, 3),
                                .norm_name = eccn_ledger_col(st, 4),
                                .country = eccn_ledger_col(st, 5),
                                .reason = eccn_ledger_col(st, 6),
                                .lists_revision = eccn_ledger_col(st, 7),
                                .list = eccn_ledger_col(st, 8),
                                .entity_number = eccn_ledger_col(st, 9),
                                .entry_name = eccn_ledger_col(st, 10),
                                .entry_hash = eccn_ledger_col(st, 11)};
        rc = fn(&r, ctx);
    }
    if (rc == ECCN_OK && step != SQLITE_DONE)
        rc = eccn_ledger_fail(l, "cannot read the recorded reviews", err);
    sqlite3_finalize(st);
    return rc;
}
