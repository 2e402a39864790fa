/*
 * anchor.c: see anchor.h. The head is built from the committed state under an exclusive lock on
 * a file beside it, so two processes writing one ledger store their heads in the order of what
 * they saw, and a head never goes back.
 */
#include "anchor.h"

#include "ledger_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

int eccn_ledger_identity(eccn_ledger *l, char out[65], eccn_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = eccn_ledger_prepare(l, "SELECT id FROM ledger_identity", &st, err);
    if (rc == ECCN_OK) {
        const char *id = sqlite3_step(st) == SQLITE_ROW ? eccn_ledger_col(st, 0) : "";
        if (strlen(id) == 64)
            memcpy(out, id, 65);
        else
            rc = eccn_fail(err, ECCN_ETAMPERED, l->path, 0, 0, "the ledger has no identity");
    }
    sqlite3_finalize(st);
    return rc;
}

/* A chain over the rows st gives, at most limit of them (limit < 0: all): the hash of the last
 * and how many there were. For what has no hash column of its own: the purge checkpoints, and
 * each audit run's own record (its file's digest and size, options, status). */
static int rows_hash(sqlite3_stmt *st, long long limit, unsigned char out[ECCN_HASH_LEN],
                     long long *rows)
{
    eccn_chain_enc e = {0};
    int rc = ECCN_OK;
    memset(out, 0, ECCN_HASH_LEN);
    *rows = 0;
    while (rc == ECCN_OK && (limit < 0 || *rows < limit) && sqlite3_step(st) == SQLITE_ROW) {
        eccn_chain_start(&e, out);
        for (int i = 0; i < sqlite3_column_count(st); i++)
            eccn_chain_value(&e, sqlite3_column_value(st, i));
        rc = eccn_chain_finish(&e, out);
        ++*rows;
    }
    eccn_buf_free(&e.buf);
    sqlite3_reset(st);
    return rc;
}

static int add_chain(eccn_head *h, size_t *cap, const char *name, long long position,
                     const unsigned char hash[ECCN_HASH_LEN])
{
    eccn_head_chain *c = eccn_grow(h->chains, cap, h->nchains + 1, sizeof *c, 16);
    if (!c)
        return ECCN_ENOMEM;
    h->chains = c;
    c = &c[h->nchains++];
    snprintf(c->name, sizeof c->name, "%s", name);
    c->position = position;
    memcpy(c->hash, hash, ECCN_HEAD_HASHLEN);
    return ECCN_OK;
}

/* Appends a chain's end (name, position, hash) when the statement, bound to its keys, finds
 * one. */
static int add_tip(eccn_head *h, size_t *cap, sqlite3_stmt *st, const char *name,
                   long long position_mask)
{
    int rc = ECCN_OK;
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_bytes(st, 1) == ECCN_HEAD_HASHLEN)
        rc = add_chain(h, cap, name, sqlite3_column_int64(st, 0) & position_mask,
                       sqlite3_column_blob(st, 1));
    sqlite3_reset(st);
    return rc;
}

#define CHECKPOINTS_SQL "SELECT * FROM ledger_checkpoints ORDER BY id"
/* The rules revisions a verdict or run names, with their files and provisions (citations and
 * sources that reports print): rows only ever added. */
#define REVISIONS_SQL "SELECT * FROM rules_revisions ORDER BY rowid"
/* The holds as placed (a release fills in the other columns later). */
#define HOLDS_SQL                                                                                  \
    "SELECT id, verdict_id, run_id, reason, placed_at, placed_by FROM holds ORDER BY id"

/* The chains made over rows that have no hash of their own, each row added after the others. */
static const char *rows_chain_sql(const char *name)
{
    return strcmp(name, "checkpoints") == 0 ? CHECKPOINTS_SQL
           : strcmp(name, "revisions") == 0 ? REVISIONS_SQL
           : strcmp(name, "holds") == 0     ? HOLDS_SQL
                                            : NULL;
}
/* A run's record in two parts that never change once written: what it was started with, and,
 * once complete, the digest and size of the file it judged and when it finished. */
#define RUN_RECORD_SQL                                                                             \
    "SELECT id, file, rules_revision, options, started_at FROM audit_runs WHERE id = ?1"
#define RUN_FINAL_SQL                                                                              \
    "SELECT sha256, size, finished_at FROM audit_runs WHERE id = ?1 AND status = 'complete'"

/* Where every chain of the ledger ends now. */
static int collect_tips(eccn_ledger *l, eccn_head *h, eccn_error *err)
{
    static const char *const SQL[] = {
        "SELECT id, hash FROM verdicts ORDER BY id DESC LIMIT 1",
        CHECKPOINTS_SQL,
        REVISIONS_SQL,
        HOLDS_SQL,
        RUN_RECORD_SQL,
        RUN_FINAL_SQL,
        "SELECT id FROM audit_runs ORDER BY id",
        "SELECT id, hash FROM audit_texts WHERE run_id = ?1 ORDER BY id DESC LIMIT 1",
        "SELECT id, hash FROM audit_evals WHERE run_id = ?1 ORDER BY id DESC LIMIT 1",
        "SELECT key, hash FROM audit_results WHERE " ECCN_SQL_KEYS_OF_RUN1
        " ORDER BY key DESC LIMIT 1",
    };
    static const char *const RUN_CHAIN[] = {"texts", "evals", "results"};
    enum { NSQL = sizeof SQL / sizeof *SQL };
    sqlite3_stmt *st[NSQL] = {0};
    size_t cap = 0;
    unsigned char hash[ECCN_HASH_LEN];
    long long rows = 0;
    int rc = ECCN_OK;
    for (size_t i = 0; rc == ECCN_OK && i < NSQL; i++)
        rc = eccn_ledger_prepare(l, SQL[i], &st[i], err);
    if (rc == ECCN_OK)
        rc = add_tip(h, &cap, st[0], "verdicts", -1);
    if (rc == ECCN_OK && (rc = rows_hash(st[1], -1, hash, &rows)) == ECCN_OK)
        rc = add_chain(h, &cap, "checkpoints", rows, hash);
    if (rc == ECCN_OK && (rc = rows_hash(st[2], -1, hash, &rows)) == ECCN_OK)
        rc = add_chain(h, &cap, "revisions", rows, hash);
    if (rc == ECCN_OK && (rc = rows_hash(st[3], -1, hash, &rows)) == ECCN_OK)
        rc = add_chain(h, &cap, "holds", rows, hash);
    while (rc == ECCN_OK && sqlite3_step(st[6]) == SQLITE_ROW) {
        long long run = sqlite3_column_int64(st[6], 0);
        char name[64];
        for (int part = 0; rc == ECCN_OK && part < 2; part++) {
            snprintf(name, sizeof name, "run %lld %s", run, part ? "final" : "record");
            sqlite3_bind_int64(st[4 + part], 1, run);
            if ((rc = rows_hash(st[4 + part], 1, hash, &rows)) == ECCN_OK && rows == 1)
                rc = add_chain(h, &cap, name, run, hash);
        }
        for (int c = 0; rc == ECCN_OK && c < 3; c++) {
            snprintf(name, sizeof name, "run %lld %s", run, RUN_CHAIN[c]);
            sqlite3_bind_int64(st[7 + c], 1, run);
            rc = add_tip(h, &cap, st[7 + c], name, c == 2 ? 0xffffffffLL : -1);
        }
    }
    for (size_t i = 0; i < NSQL; i++)
        sqlite3_finalize(st[i]);
    return rc;
}

static int key_path(const eccn_ledger *l, eccn_buf *out)
{
    return eccn_buf_printf(out, "%s/signing-key.pem", l->anchor_dir);
}

/* The ledger's signing key, loaded (or created, when create is set) once; ECCN_ENOTFOUND when
 * there is none and create is not set. Borrowed: the ledger frees it. */
static int signing_key(eccn_ledger *l, bool create, eccn_sign_key **out, eccn_error *err)
{
    eccn_buf path = {0};
    bool created;
    int rc = ECCN_OK;
    if (!l->sign_key && (rc = key_path(l, &path)) == ECCN_OK) {
        if (!create && access(path.data, F_OK) != 0)
            rc = ECCN_ENOTFOUND; /* no key, so no head was ever signed here */
        else
            rc = eccn_sign_key_open(path.data, &l->sign_key, &created, err);
    }
    eccn_buf_free(&path);
    *out = l->sign_key;
    return rc;
}

/* Does the ledger still hold what its stored head signed? ECCN_ETAMPERED, saying where, when
 * not; ECCN_OK when it does or when no head was stored yet. */
static int check_stored(eccn_ledger *l, eccn_error *err)
{
    eccn_head old;
    bool agrees = true;
    char what[512];
    int rc = eccn_ledger_stored_head(l, &old, err);
    if (rc == ECCN_ENOTFOUND)
        return ECCN_OK;
    if (rc == ECCN_OK)
        rc = eccn_ledger_check_head(l, &old, &agrees, what, sizeof what, err);
    if (rc == ECCN_OK && !agrees)
        rc = eccn_fail(err, ECCN_ETAMPERED, l->path, 0, 0,
                       "the ledger disagrees with its signed head of %s: %s", old.signed_at, what);
    eccn_head_free(&old);
    return rc;
}

/* Builds and stores the head while holding heads/ID.lock. A ledger that no longer holds what
 * the stored head signed is not signed again, so that a head never launders a change. */
static int anchor_now(eccn_ledger *l, eccn_error *err)
{
    eccn_head h = {0};
    eccn_sign_key *key = NULL;
    eccn_buf path = {0};
    int lock = -1;
    int rc = eccn_ledger_identity(l, h.ledger, err);
    /* heads/ID.lock, its directories made 0700 as needed */
    if (rc == ECCN_OK &&
        (rc = eccn_buf_printf(&path, "%s/heads/%s.lock", l->anchor_dir, h.ledger)) == ECCN_OK &&
        (rc = eccn_mkdirs_for(path.data, err)) == ECCN_OK &&
        ((lock = open(path.data, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600)) < 0 ||
         flock(lock, LOCK_EX) != 0))
        rc = eccn_fail(err, ECCN_EIO, path.data, 0, 0, "cannot lock: %s", strerror(errno));
    eccn_buf_reset(&path);
    if (rc == ECCN_OK && (rc = check_stored(l, err)) == ECCN_OK &&
        (rc = signing_key(l, true, &key, err)) == ECCN_OK &&
        (rc = collect_tips(l, &h, err)) == ECCN_OK)
        rc = eccn_head_store(l->anchor_dir, &h, key, err);
    if (lock >= 0)
        close(lock); /* and so unlocked */
    eccn_head_free(&h);
    eccn_buf_free(&path);
    return rc;
}

void eccn_ledger_anchor(eccn_ledger *l)
{
    eccn_error err = {0};
    if (!l->anchor_dir || anchor_now(l, &err) == ECCN_OK || !l->anchor_warn)
        return;
    char msg[1400];
    eccn_error_format(&err, msg, sizeof msg);
    l->anchor_warn(msg, l->anchor_ctx);
}

int eccn_ledger_set_anchor(eccn_ledger *l, const char *state_dir,
                           void (*warn)(const char *msg, void *ctx), void *ctx, eccn_error *err)
{
    free(l->anchor_dir);
    l->anchor_dir = NULL;
    eccn_sign_key_free(l->sign_key); /* another directory, another key */
    l->sign_key = NULL;
    if (state_dir && !(l->anchor_dir = eccn_strdup(state_dir)))
        return ECCN_ENOMEM;
    l->anchor_warn = warn;
    l->anchor_ctx = ctx;
    return l->anchor_dir ? check_stored(l, err) : ECCN_OK;
}

int eccn_ledger_stored_head(eccn_ledger *l, eccn_head *out, eccn_error *err)
{
    char id[65];
    eccn_sign_key *key = NULL;
    unsigned char pub[ECCN_SIGN_PUBLEN];
    memset(out, 0, sizeof *out);
    if (!l->anchor_dir)
        return ECCN_ENOTFOUND;
    int rc = eccn_ledger_identity(l, id, err);
    if (rc == ECCN_OK && (rc = signing_key(l, false, &key, err)) == ECCN_OK) {
        eccn_sign_key_public(key, pub);
        rc = eccn_head_load(l->anchor_dir, id, pub, out, err);
    }
    return rc;
}

int eccn_ledger_head_text(eccn_ledger *l, eccn_buf *out, eccn_error *err)
{
    eccn_head h;
    eccn_buf path = {0};
    int rc = eccn_ledger_stored_head(l, &h, err);
    if (rc == ECCN_OK) {
        eccn_head_free(&h);
        rc = eccn_buf_printf(&path, "%s/heads/%s.head", l->anchor_dir, h.ledger);
        if (rc == ECCN_OK)
            rc = eccn_read_file(path.data, out, err);
    }
    eccn_buf_free(&path);
    return rc;
}

/* Was this chain's row at position taken away by a purge? Only a checkpoint the head signed
 * (one of its first `signed_checkpoints`) says so: one inserted later proves nothing. */
static bool purged(eccn_ledger *l, long long run, long long position, long long signed_checkpoints)
{
    sqlite3_stmt *st = NULL;
    bool yes = false;
    if (eccn_ledger_prepare(l,
                            run ? "SELECT 1 FROM ledger_checkpoints WHERE id <= ?3 AND run_id = ?1"
                                : "SELECT 1 FROM ledger_checkpoints WHERE id <= ?3 AND "
                                  "chain = 'verdicts' AND last_key >= ?2",
                            &st, NULL) == ECCN_OK) {
        sqlite3_bind_int64(st, 1, run);
        sqlite3_bind_int64(st, 2, position);
        sqlite3_bind_int64(st, 3, signed_checkpoints);
        yes = sqlite3_step(st) == SQLITE_ROW;
    }
    sqlite3_finalize(st);
    return yes;
}

/* The hash the ledger now gives what chain c names: of the row at its position, or of the
 * rows that have none of their own; *present false when there is no such row. */
static int hash_now(eccn_ledger *l, const eccn_head_chain *c, unsigned char out[ECCN_HASH_LEN],
                    bool *present, eccn_error *err)
{
    long long run = 0, rows = 0;
    char table[16] = "";
    const char *sql = "SELECT hash FROM verdicts WHERE id = ?2";
    const char *rows_sql = rows_chain_sql(c->name);
    bool computed = rows_sql != NULL;
    if (computed)
        sql = rows_sql;
    else if (sscanf(c->name, "run %lld %15s", &run, table) == 2) {
        computed = strcmp(table, "record") == 0 || strcmp(table, "final") == 0;
        sql = computed ? (table[0] == 'r' ? RUN_RECORD_SQL : RUN_FINAL_SQL)
              : strcmp(table, "results") == 0
                  ? "SELECT hash FROM audit_results WHERE key = ?1 * 4294967296 + ?2"
              : strcmp(table, "evals") == 0
                  ? "SELECT hash FROM audit_evals WHERE run_id = ?1 AND id = ?2"
                  : "SELECT hash FROM audit_texts WHERE run_id = ?1 AND id = ?2";
    }
    sqlite3_stmt *st = NULL;
    int rc = eccn_ledger_prepare(l, sql, &st, err);
    if (rc != ECCN_OK)
        return rc;
    if (sqlite3_bind_parameter_count(st) >= 1)
        sqlite3_bind_int64(st, 1, run);
    if (sqlite3_bind_parameter_count(st) >= 2)
        sqlite3_bind_int64(st, 2, c->position);
    if (computed) {
        long long want = rows_sql ? c->position : 1;
        rc = rows_hash(st, want, out, &rows);
        *present = rows == want;
    } else if ((*present = sqlite3_step(st) == SQLITE_ROW)) {
        memset(out, 0, ECCN_HASH_LEN);
        if (sqlite3_column_bytes(st, 0) == ECCN_HASH_LEN)
            memcpy(out, sqlite3_column_blob(st, 0), ECCN_HASH_LEN);
    }
    sqlite3_finalize(st);
    return rc;
}

int eccn_ledger_check_head(eccn_ledger *l, const eccn_head *h, bool *agrees, char *what,
                           size_t whatsz, eccn_error *err)
{
    char id[65];
    const eccn_head_chain *ck = eccn_head_find(h, "checkpoints");
    long long signed_checkpoints = ck ? ck->position : 0;
    if (l->own_checkpoints > signed_checkpoints) /* this connection's purge, just committed */
        signed_checkpoints = l->own_checkpoints;
    int rc = eccn_ledger_identity(l, id, err);
    *agrees = rc == ECCN_OK && strcmp(id, h->ledger) == 0;
    if (rc == ECCN_OK && !*agrees)
        snprintf(what, whatsz, "the head is for ledger %.16s..., this ledger is %.16s...",
                 h->ledger, id);
    for (size_t i = 0; rc == ECCN_OK && *agrees && i < h->nchains; i++) {
        const eccn_head_chain *c = &h->chains[i];
        unsigned char now[ECCN_HASH_LEN];
        bool present = false;
        long long run = 0;
        sscanf(c->name, "run %lld", &run);
        if ((rc = hash_now(l, c, now, &present, err)) != ECCN_OK)
            break;
        if (present && memcmp(now, c->hash, ECCN_HASH_LEN) != 0) {
            *agrees = false;
            snprintf(what, whatsz,
                     "%s, row %lld does not have the hash the head signed: it (or a row before "
                     "it) was changed",
                     c->name, c->position);
        } else if (!present &&
                   (rows_chain_sql(c->name) || !purged(l, run, c->position, signed_checkpoints))) {
            *agrees = false;
            snprintf(what, whatsz,
                     "%s, row %lld is missing, and no signed checkpoint accounts for it: rows "
                     "were cut off or deleted",
                     c->name, c->position);
        }
    }
    return rc;
}
