/*
 * anchor.c: see anchor.h. The head is built from the committed state under an exclusive lock on
 * a file beside it, so two processes writing one ledger store their heads in the order of what
 * they saw, and a head never goes back.
 */
#define _DEFAULT_SOURCE /* realpath */
#include "anchor.h"

#include "digest.h"
#include "ledger_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
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

/* The checkpoints' columns of schema 2 (those of schema 5, the signature and the period,
 * are covered by the signature): a head signed before holds the same hash. */
#define CHECKPOINTS_SQL                                                                            \
    "SELECT id, chain, run_id, first_key, last_key, rows, last_hash, before_date, purged_at, "     \
    "user FROM ledger_checkpoints ORDER BY id"
/* The rules revisions a verdict or run names, with their files and provisions (citations and
 * sources that reports print): rows only ever added. */
#define REVISIONS_SQL "SELECT * FROM rules_revisions ORDER BY rowid"
/* The holds as placed, and their releases (schema 5: a release is a row of its own; the hold's
 * released_at and released_by are those of schema 2, copied into hold_releases and fixed). */
#define HOLDS_SQL                                                                                  \
    "SELECT id, verdict_id, run_id, reason, placed_at, placed_by FROM holds ORDER BY id"
#define HOLDS_RELEASED_SQL "SELECT id, released_at, released_by FROM holds ORDER BY id"
#define RELEASES_SQL "SELECT id, hold_id, released_at, released_by FROM hold_releases ORDER BY id"

/* The chains made over rows that have no hash of their own, each row added after the others. */
static const char *rows_chain_sql(const char *name)
{
    return strcmp(name, "checkpoints") == 0      ? CHECKPOINTS_SQL
           : strcmp(name, "revisions") == 0      ? REVISIONS_SQL
           : strcmp(name, "holds") == 0          ? HOLDS_SQL
           : strcmp(name, "releases") == 0       ? RELEASES_SQL
           : strcmp(name, "holds released") == 0 ? HOLDS_RELEASED_SQL
           : strcmp(name, "checkpoint years") == 0
               ? "SELECT id, years FROM ledger_checkpoints ORDER BY id"
               : NULL;
}

/* The chains of the ledger as a whole: name, the SQL of its rows (rows_chain_sql) or of its tip
 * (position, hash). "runs" is the chain of finished runs' seals (integrity.c): one entry for
 * them all, so that what a write costs here does not grow with the runs a ledger holds. */
static const struct {
    const char *name, *tip;
} WHOLE[] = {
    {"verdicts", "SELECT id, hash FROM verdicts ORDER BY id DESC LIMIT 1"},
    {"checkpoints", NULL},
    {"revisions", NULL},
    {"holds", NULL},
    {"releases", NULL},
    {"checkpoint years", NULL}, /* the period each purge applied (schema 5) */
    {"holds released", NULL},   /* schema 2's record of a release, fixed since schema 5 */
    {"runs", "SELECT id, hash FROM audit_seals ORDER BY id DESC LIMIT 1"},
    /* schema 6: the reviews of possible matches (screen --clear) */
    {"reviews", "SELECT id, hash FROM screen_clearances ORDER BY id DESC LIMIT 1"},
};
enum { NWHOLE = sizeof WHOLE / sizeof *WHOLE };

/* The entries of a run not sealed yet (an audit under way or given up): its record, and the
 * ends of its chains. */
static int add_run(eccn_ledger *l, eccn_head *h, size_t *cap, long long run, eccn_error *err)
{
    static const char *const SQL[] = {
        ECCN_SQL_RUN_RECORD,
        ECCN_SQL_RUN_FINAL,
        "SELECT id, hash FROM audit_texts WHERE run_id = ?1 ORDER BY id DESC LIMIT 1",
        "SELECT id, hash FROM audit_evals WHERE run_id = ?1 ORDER BY id DESC LIMIT 1",
        "SELECT key, hash FROM audit_results WHERE " ECCN_SQL_KEYS_OF_RUN1
        " ORDER BY key DESC LIMIT 1",
        "SELECT id, hash FROM audit_commits WHERE run_id = ?1 ORDER BY id DESC LIMIT 1",
    };
    static const char *const PART[] = {"record", "final", "texts", "evals", "results", "commits"};
    unsigned char hash[ECCN_HASH_LEN];
    long long rows = 0;
    int rc = ECCN_OK;
    for (int i = 0; rc == ECCN_OK && i < 6; i++) {
        sqlite3_stmt *st = NULL;
        char name[64];
        snprintf(name, sizeof name, "run %lld %s", run, PART[i]);
        if ((rc = eccn_ledger_prepare(l, SQL[i], &st, err)) == ECCN_OK) {
            sqlite3_bind_int64(st, 1, run);
            if (i >= 2)
                rc = add_tip(h, cap, st, name, i == 4 ? 0xffffffffLL : -1);
            else if ((rc = eccn_integrity_rows_hash(st, 1, hash, &rows)) == ECCN_OK && rows == 1)
                rc = add_chain(h, cap, name, run, hash);
        }
        sqlite3_finalize(st);
    }
    return rc;
}

/* Where every chain of the ledger ends now. */
static int collect_tips(eccn_ledger *l, eccn_head *h, eccn_error *err)
{
    sqlite3_stmt *st = NULL;
    size_t cap = 0;
    unsigned char hash[ECCN_HASH_LEN];
    long long rows = 0;
    int rc = ECCN_OK;
    for (int i = 0; rc == ECCN_OK && i < NWHOLE; i++) {
        const char *sql = WHOLE[i].tip ? WHOLE[i].tip : rows_chain_sql(WHOLE[i].name);
        if ((rc = eccn_ledger_prepare(l, sql, &st, err)) != ECCN_OK)
            break;
        if (WHOLE[i].tip)
            rc = add_tip(h, &cap, st, WHOLE[i].name, -1);
        else if ((rc = eccn_integrity_rows_hash(st, -1, hash, &rows)) == ECCN_OK)
            rc = add_chain(h, &cap, WHOLE[i].name, rows, hash);
        sqlite3_finalize(st);
        st = NULL;
    }
    /* The runs not sealed: the incomplete ones, which an index on status finds. (A complete
     * run without a seal is a finding of verify's.) */
    if (rc == ECCN_OK)
        rc = eccn_ledger_prepare(l,
                                 "SELECT id FROM audit_runs WHERE status = 'incomplete' ORDER BY "
                                 "id",
                                 &st, err);
    while (rc == ECCN_OK && sqlite3_step(st) == SQLITE_ROW)
        rc = add_run(l, h, &cap, sqlite3_column_int64(st, 0), err);
    sqlite3_finalize(st);
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
static int check_head_at(eccn_ledger *l, const eccn_head *h, bool deep, bool *agrees, char *what,
                         size_t whatsz, eccn_error *err);

static int check_stored(eccn_ledger *l, eccn_error *err)
{
    eccn_head old;
    bool agrees = true;
    char what[512];
    int rc = eccn_ledger_stored_head(l, &old, err);
    if (rc == ECCN_ENOTFOUND)
        return ECCN_OK;
    if (rc == ECCN_OK) {
        const eccn_head_chain *ck = eccn_head_find(&old, "checkpoints");
        long long now = 0;
        sqlite3_stmt *st = NULL;
        if ((rc = eccn_ledger_prepare(l, "SELECT COALESCE(max(id), 0) FROM ledger_checkpoints", &st,
                                      err)) == ECCN_OK &&
            sqlite3_step(st) == SQLITE_ROW)
            now = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
        bool unsigned_checkpoints = now > (ck ? ck->position : 0) && now > l->own_checkpoints;
        if (rc == ECCN_OK)
            rc = check_head_at(l, &old, unsigned_checkpoints, &agrees, what, sizeof what, err);
    }
    if (rc == ECCN_OK && !agrees)
        rc = eccn_fail(err, ECCN_ETAMPERED, l->path, 0, 0,
                       "the ledger disagrees with its signed head of %s: %s", old.signed_at, what);
    eccn_head_free(&old);
    return rc;
}

/* The state directory remembers, for each path it signed a head at (paths/SHA-256 of the real
 * path), the identity of the ledger there: a ledger whose identity was changed in place would
 * otherwise have no head here to be checked against, and would pass for a new one. */
static int path_entry(const eccn_ledger *l, eccn_buf *out)
{
    char real[PATH_MAX], hex[65];
    if (!realpath(l->path, real) || eccn_sha256_hex(real, strlen(real), hex) != ECCN_OK)
        return ECCN_ENOTFOUND;
    return eccn_buf_printf(out, "%s/paths/%s", l->anchor_dir, hex);
}

static void remember_path(const eccn_ledger *l, const char *id)
{
    eccn_buf p = {0}, known = {0};
    eccn_error ignored = {0};
    if (path_entry(l, &p) == ECCN_OK &&
        (eccn_read_file(p.data, &known, &ignored) != ECCN_OK || known.len != 64 ||
         memcmp(known.data, id, 64) != 0) &&
        eccn_mkdirs_for(p.data, &ignored) == ECCN_OK) {
        int fd = open(p.data, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (fd >= 0) {
            ssize_t n = write(fd, id, 64);
            (void)n; /* a lost note only weakens the check on open, which says nothing then */
            close(fd);
        }
    }
    eccn_buf_free(&p);
    eccn_buf_free(&known);
}

/* On open: a ledger that holds records, has no head here, and sits where this machine signed
 * heads for a ledger of another identity, had its identity changed (or is another ledger put in
 * its place): refused, as a ledger that disagrees with its head is. */
static int check_identity(eccn_ledger *l, eccn_error *err)
{
    eccn_buf p = {0}, known = {0}, head = {0};
    eccn_error ignored = {0};
    sqlite3_stmt *st = NULL;
    char id[65];
    int rc = eccn_ledger_identity(l, id, err);
    if (rc == ECCN_OK && path_entry(l, &p) == ECCN_OK &&
        eccn_read_file(p.data, &known, &ignored) == ECCN_OK && known.len == 64 &&
        memcmp(known.data, id, 64) != 0 &&
        eccn_buf_printf(&head, "%s/heads/%.64s.head", l->anchor_dir, known.data) == ECCN_OK &&
        access(head.data, F_OK) == 0) {
        eccn_buf_reset(&head);
        bool own = eccn_buf_printf(&head, "%s/heads/%s.head", l->anchor_dir, id) == ECCN_OK &&
                   access(head.data, F_OK) == 0;
        bool records = false;
        if (!own && (rc = eccn_ledger_prepare(l,
                                              "SELECT EXISTS (SELECT 1 FROM verdicts) OR EXISTS "
                                              "(SELECT 1 FROM audit_runs) OR EXISTS (SELECT 1 "
                                              "FROM ledger_checkpoints)",
                                              &st, err)) == ECCN_OK)
            records = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0);
        if (records)
            rc = eccn_fail(err, ECCN_ETAMPERED, l->path, 0, 0,
                           "this ledger's identity is %.16s..., but heads were signed here for "
                           "ledger %.16s... at this path, and none for this one: its identity "
                           "was changed, or another ledger put in its place (verify it against "
                           "a head filed elsewhere with --head FILE)",
                           id, known.data);
    }
    sqlite3_finalize(st);
    eccn_buf_free(&p);
    eccn_buf_free(&known);
    eccn_buf_free(&head);
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
        (rc = collect_tips(l, &h, err)) == ECCN_OK &&
        (rc = eccn_head_store(l->anchor_dir, &h, key, err)) == ECCN_OK)
        remember_path(l, h.ledger);
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
    int rc = l->anchor_dir ? check_identity(l, err) : ECCN_OK;
    return rc == ECCN_OK && l->anchor_dir ? check_stored(l, err) : rc;
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
    const char *sql = strcmp(c->name, "runs") == 0 ? "SELECT hash FROM audit_seals WHERE id = ?2"
                      : strcmp(c->name, "reviews") == 0
                          ? "SELECT hash FROM screen_clearances WHERE id = ?2"
                          : "SELECT hash FROM verdicts WHERE id = ?2";
    const char *rows_sql = rows_chain_sql(c->name);
    bool computed = rows_sql != NULL;
    if (computed)
        sql = rows_sql;
    else if (sscanf(c->name, "run %lld %15s", &run, table) == 2) {
        computed = strcmp(table, "record") == 0 || strcmp(table, "final") == 0;
        sql = computed ? (table[0] == 'r' ? ECCN_SQL_RUN_RECORD : ECCN_SQL_RUN_FINAL)
              : strcmp(table, "results") == 0
                  ? "SELECT hash FROM audit_results WHERE key = ?1 * 4294967296 + ?2"
              : strcmp(table, "evals") == 0
                  ? "SELECT hash FROM audit_evals WHERE run_id = ?1 AND id = ?2"
              : strcmp(table, "commits") == 0
                  ? "SELECT hash FROM audit_commits WHERE run_id = ?1 AND id = ?2"
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
        rc = eccn_integrity_rows_hash(st, want, out, &rows);
        *present = rows == want;
    } else if ((*present = sqlite3_step(st) == SQLITE_ROW)) {
        memset(out, 0, ECCN_HASH_LEN);
        if (sqlite3_column_bytes(st, 0) == ECCN_HASH_LEN)
            memcpy(out, sqlite3_column_blob(st, 0), ECCN_HASH_LEN);
    }
    sqlite3_finalize(st);
    return rc;
}

/* ---- rows that carry authority: releases and checkpoints, signed when written ---- */

/* What is signed: the SHA-256 of kind, the ledger's identity and the row's first ncols columns,
 * as the chain encodes them. */
static int row_message(eccn_ledger *l, const char *kind, sqlite3_stmt *st, int ncols,
                       unsigned char out[ECCN_HASH_LEN])
{
    static const unsigned char zero[ECCN_HASH_LEN];
    char id[65];
    eccn_chain_enc e = {0};
    eccn_error ignored = {0};
    int rc = eccn_ledger_identity(l, id, &ignored);
    eccn_chain_start(&e, zero);
    eccn_chain_text(&e, kind, strlen(kind));
    eccn_chain_text(&e, id, strlen(id));
    for (int i = 0; i < ncols; i++)
        eccn_chain_value(&e, sqlite3_column_value(st, i));
    if (rc == ECCN_OK)
        rc = eccn_chain_finish(&e, out);
    eccn_buf_free(&e.buf);
    return rc;
}

int eccn_anchor_sign_row(eccn_ledger *l, const char *kind, sqlite3_stmt *st, int ncols,
                         unsigned char sig[ECCN_SIGN_SIGLEN], eccn_error *err)
{
    eccn_sign_key *key = NULL;
    unsigned char msg[ECCN_HASH_LEN];
    eccn_buf path = {0};
    if (!l->anchor_dir)
        return ECCN_ENOTFOUND;
    int rc = row_message(l, kind, st, ncols, msg);
    if (rc == ECCN_OK && (rc = key_path(l, &path)) == ECCN_OK &&
        (rc = eccn_mkdirs_for(path.data, err)) == ECCN_OK &&
        (rc = signing_key(l, true, &key, err)) == ECCN_OK)
        rc = eccn_sign(key, msg, sizeof msg, sig, err);
    eccn_buf_free(&path);
    return rc;
}

bool eccn_anchor_row_signed(eccn_ledger *l, const char *kind, sqlite3_stmt *st, int ncols,
                            const unsigned char key[ECCN_SIGN_PUBLEN])
{
    unsigned char msg[ECCN_HASH_LEN];
    return sqlite3_column_bytes(st, ncols) == ECCN_SIGN_SIGLEN &&
           row_message(l, kind, st, ncols, msg) == ECCN_OK &&
           eccn_sign_verify(key, msg, sizeof msg, sqlite3_column_blob(st, ncols));
}

/* The releases and checkpoints after those the head signed carry signatures by its key (those
 * it signed are in its chains, columns and period included: a key rotated since leaves them
 * standing). A release without one is one carried over from the hold it releases. */
static int signed_rows(eccn_ledger *l, const eccn_head *h, bool *agrees, char *what, size_t whatsz,
                       eccn_error *err)
{
    static const struct {
        const char *kind, *chain, *sql;
        int ncols;
    } ROWS[] = {
        {"release", "releases",
         "SELECT " ECCN_SQL_RELEASE_COLS ", signature FROM hold_releases r WHERE id > ?1 AND "
         "NOT (signature IS NULL AND EXISTS (SELECT 1 FROM "
         "holds h WHERE h.id = r.hold_id AND h.released_at = r.released_at)) ORDER BY id",
         4},
        {"checkpoint", "checkpoints",
         "SELECT " ECCN_SQL_CHECKPOINT_COLS ", signature FROM ledger_checkpoints WHERE id > ?1 "
         "ORDER BY id",
         ECCN_CHECKPOINT_NCOLS},
    };
    int rc = ECCN_OK;
    for (size_t i = 0; rc == ECCN_OK && *agrees && i < sizeof ROWS / sizeof *ROWS; i++) {
        const eccn_head_chain *c = eccn_head_find(h, ROWS[i].chain);
        sqlite3_stmt *st = NULL;
        if ((rc = eccn_ledger_prepare(l, ROWS[i].sql, &st, err)) != ECCN_OK)
            break;
        sqlite3_bind_int64(st, 1, c ? c->position : 0);
        while (*agrees && sqlite3_step(st) == SQLITE_ROW)
            if (!eccn_anchor_row_signed(l, ROWS[i].kind, st, ROWS[i].ncols, h->key) &&
                !(ROWS[i].ncols == ECCN_CHECKPOINT_NCOLS &&
                  l->own_checkpoints >= sqlite3_column_int64(st, 0))) {
                *agrees = false;
                snprintf(what, whatsz,
                         "%s %lld is not signed by the head's key: it was added outside eccn, "
                         "and carries no authority",
                         ROWS[i].kind, sqlite3_column_int64(st, 0));
            }
        sqlite3_finalize(st);
    }
    return rc;
}

int eccn_anchor_check_signed(eccn_ledger *l, eccn_error *err)
{
    eccn_head h;
    bool agrees = true;
    char what[512];
    int rc = eccn_ledger_stored_head(l, &h, err);
    if (rc == ECCN_ENOTFOUND)
        return ECCN_OK; /* no head, no key: nothing to check against */
    if (rc == ECCN_OK)
        rc = signed_rows(l, &h, &agrees, what, sizeof what, err);
    if (rc == ECCN_OK && !agrees)
        rc = eccn_fail(err, ECCN_ETAMPERED, l->path, 0, 0, "%s", what);
    eccn_head_free(&h);
    return rc;
}

/* The finished runs the head sealed (seals up to `sealed`) that are gone: each must be accounted
 * for by a checkpoint the head signed. What is left of them is verify's (integrity.c). */
static int sealed_runs_gone(eccn_ledger *l, long long sealed, long long signed_checkpoints,
                            bool *agrees, char *what, size_t whatsz, eccn_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = eccn_ledger_prepare(l,
                                 "SELECT s.run_id FROM audit_seals s WHERE s.id <= ?1 AND NOT "
                                 "EXISTS (SELECT 1 FROM audit_runs r WHERE r.id = s.run_id) ORDER "
                                 "BY s.id",
                                 &st, err);
    if (rc == ECCN_OK)
        sqlite3_bind_int64(st, 1, sealed);
    while (rc == ECCN_OK && *agrees && sqlite3_step(st) == SQLITE_ROW) {
        long long run = sqlite3_column_int64(st, 0);
        if (!purged(l, run, 0, signed_checkpoints)) {
            *agrees = false;
            snprintf(what, whatsz,
                     "audit run %lld, finished and sealed, is gone, and no signed checkpoint "
                     "accounts for it",
                     run);
        }
    }
    sqlite3_finalize(st);
    return rc;
}

/* deep: also look for sealed runs that are gone, which costs a look at every seal; a write does
 * it only when the ledger holds checkpoints the head did not sign. */
static int check_head_at(eccn_ledger *l, const eccn_head *h, bool deep, bool *agrees, char *what,
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
        } else if (!present && (rows_chain_sql(c->name) || strcmp(c->name, "runs") == 0 ||
                                !purged(l, run, c->position, signed_checkpoints))) {
            *agrees = false;
            snprintf(what, whatsz,
                     "%s, row %lld is missing, and no signed checkpoint accounts for it: rows "
                     "were cut off or deleted",
                     c->name, c->position);
        }
    }
    /* signed rows and seals are schema 5's: a ledger verified as it is may be older */
    sqlite3_stmt *st = NULL;
    bool v5 = false;
    if (rc == ECCN_OK && (rc = eccn_ledger_prepare(l, "PRAGMA user_version", &st, err)) == ECCN_OK)
        v5 = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) >= 5;
    sqlite3_finalize(st);
    if (rc == ECCN_OK && *agrees && v5)
        rc = signed_rows(l, h, agrees, what, whatsz, err);
    const eccn_head_chain *runs = v5 ? eccn_head_find(h, "runs") : NULL;
    if (rc == ECCN_OK && *agrees && runs && deep)
        rc = sealed_runs_gone(l, runs->position, signed_checkpoints, agrees, what, whatsz, err);
    return rc;
}

int eccn_ledger_check_head(eccn_ledger *l, const eccn_head *h, bool *agrees, char *what,
                           size_t whatsz, eccn_error *err)
{
    return check_head_at(l, h, true, agrees, what, whatsz, err);
}
