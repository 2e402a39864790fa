/* integrity.c: walking and checking the ledger's hash chains (see integrity.h). */
#include "integrity.h"
#include "ledger_internal.h"

#include <stdio.h>
#include <string.h>

/* The chained tables: the columns hashed, in order, the first being the one rows are ordered by
 * within a run (audit tables) or in the table (verdicts). They are the columns audit.c and
 * ledger.c write, in the order they write them. */
typedef struct chain_def {
    const char *table, *columns, *order, *in_run;
    int since; /* the schema version that made the table */
    /* A column a later schema added (at schema 4): hashed after the others, and only when not
     * NULL, so that rows written before it existed keep their hashes. */
    const char *optional;
    /* Columns a later schema added (at opt_since), after optional: hashed only when one of them
     * is not NULL, all of them then (a group, so that a value cannot move between them). */
    const char *opt;
    int opt_since;
} chain_def;

static const chain_def VERDICTS = {
    "verdicts",
    "id, created_at, user, tool_version, rules_revision, input_kind, input, spec, part_id, "
    "part_name, destination, headquarters, hq_assumed, ship_date, quantity, consignee, metrics, "
    "status, eccn, verdict, review_policy, license_exceptions, provisions, explanation, what_if",
    "id",
    NULL,
    2,
    NULL,
    NULL,
    0};
static const chain_def CLEARANCES = {
    "screen_clearances",
    "id, created_at, user, name, norm_name, country, reason, lists_revision, list, entity_number, "
    "entry_name, entry_hash",
    "id",
    NULL,
    5,
    NULL,
    NULL,
    0};
static const chain_def RUN_CHAINS[] = {
    {"audit_texts", "run_id, id, text", "id", "run_id = ?1", 2, NULL, NULL, 0},
    {"audit_evals",
     "run_id, id, part_id, destination, headquarters, epoch_date, status, eccn, verdict, "
     "review_policy, license_exceptions, provisions, reason, tpp, pd, hq_given",
     "id", "run_id = ?1", 2, NULL, NULL, 0},
    {"audit_results", "key, line_id, part_text, desc_text, quantity, ship_date, eval_id, error",
     "key", ECCN_SQL_KEYS_OF_RUN1, 2, "dest_text", "consignee, end_user", 5},
    {"audit_parties",
     "run_id, id, name, country, result, effect, list, entry_name, entity_number, note, screening",
     "id", "run_id = ?1", 5, NULL, NULL, 0},
};

/* Called for each row in chain order with the hash it should have; returns non-zero to stop. */
typedef int (*row_fn)(const chain_def *c, long long run, long long key, const void *stored,
                      int stored_len, const unsigned char expected[ECCN_HASH_LEN], void *ctx);

static int fill_row(const chain_def *c, long long run, long long key, const void *stored,
                    int stored_len, const unsigned char expected[ECCN_HASH_LEN], void *ctx);

/* Walks one chain: rows of c (of run `run` when c is per run) from prev, calling fn. *prev ends
 * as the last row's expected hash. */
static int walk(eccn_ledger *l, const chain_def *c, int version, long long run,
                unsigned char prev[ECCN_HASH_LEN], row_fn fn, void *ctx, eccn_error *err)
{
    char sql[1024];
    sqlite3_stmt *st = NULL;
    eccn_chain_enc enc = {0};
    int rc, step, ncols, nopt = 0;
    /* Filling in chains happens in the migration to schema 2, before any optional column. */
    const bool optional = c->optional && version >= 4 && fn != fill_row;
    const bool opt = c->opt && version >= c->opt_since && fn != fill_row;
    if (version < c->since) /* the table is not there yet */
        return ECCN_OK;
    snprintf(sql, sizeof sql, "SELECT %s%s%s%s%s, hash FROM %s%s%s ORDER BY %s", c->columns,
             optional ? ", " : "", optional ? c->optional : "", opt ? ", " : "", opt ? c->opt : "",
             c->table, c->in_run ? " WHERE " : "", c->in_run ? c->in_run : "", c->order);
    if ((rc = eccn_ledger_prepare(l, sql, &st, err)) != ECCN_OK)
        return rc;
    if (c->in_run)
        sqlite3_bind_int64(st, 1, run);
    ncols = sqlite3_column_count(st) - 1;
    for (const char *p = opt ? c->opt : ""; *p; p++)
        nopt += p == c->opt || p[-1] == ',';
    while (rc == ECCN_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
        unsigned char expected[ECCN_HASH_LEN];
        int n = ncols;
        bool all_null = nopt > 0;
        for (int i = ncols - nopt; i < ncols; i++)
            all_null = all_null && sqlite3_column_type(st, i) == SQLITE_NULL;
        if (all_null)
            n = ncols - nopt;
        eccn_chain_start(&enc, prev);
        for (int i = 0; i < n; i++)
            if (!(optional && i == ncols - nopt - 1 && sqlite3_column_type(st, i) == SQLITE_NULL))
                eccn_chain_value(&enc, sqlite3_column_value(st, i));
        if ((rc = eccn_chain_finish(&enc, expected)) != ECCN_OK)
            break;
        long long key = sqlite3_column_int64(st, c->in_run && strcmp(c->order, "id") == 0 ? 1 : 0);
        rc = fn(c, run, key, sqlite3_column_blob(st, ncols), sqlite3_column_bytes(st, ncols),
                expected, ctx);
        memcpy(prev, expected, ECCN_HASH_LEN);
    }
    if (rc == ECCN_OK && step != SQLITE_DONE)
        rc = eccn_ledger_fail(l, "cannot read the ledger's chain", err);
    sqlite3_finalize(st);
    eccn_buf_free(&enc.buf);
    return rc;
}

/* The run's own hash, over its fixed fields, from the "audit_runs" genesis. */
static int run_hash(eccn_ledger *l, long long run_id, unsigned char out[ECCN_HASH_LEN],
                    eccn_error *err)
{
    static const unsigned char zero[ECCN_HASH_LEN];
    unsigned char prev[ECCN_HASH_LEN];
    sqlite3_stmt *st = NULL;
    eccn_chain_enc enc = {0};
    int rc = eccn_ledger_prepare(
        l, "SELECT id, file, started_at, rules_revision, options FROM audit_runs WHERE id=?", &st,
        err);
    if (rc != ECCN_OK)
        return rc;
    sqlite3_bind_int64(st, 1, run_id);
    if (sqlite3_step(st) != SQLITE_ROW) {
        rc = eccn_fail(err, ECCN_ENOTFOUND, eccn_ledger_path(l), 0, 0, "no audit run %lld", run_id);
    } else if ((rc = eccn_chain_genesis(zero, "audit_runs", prev)) == ECCN_OK) {
        eccn_chain_start(&enc, prev);
        for (int i = 0; i < 5; i++)
            eccn_chain_value(&enc, sqlite3_column_value(st, i));
        rc = eccn_chain_finish(&enc, out);
    }
    sqlite3_finalize(st);
    eccn_buf_free(&enc.buf);
    return rc;
}

int eccn_integrity_run_genesis(eccn_ledger *l, long long run_id, const char *table,
                               unsigned char out[ECCN_HASH_LEN], eccn_error *err)
{
    unsigned char run[ECCN_HASH_LEN];
    int rc = run_hash(l, run_id, run, err);
    return rc == ECCN_OK ? eccn_chain_genesis(run, table, out) : rc;
}

int eccn_integrity_verdicts_genesis(unsigned char out[ECCN_HASH_LEN])
{
    static const unsigned char zero[ECCN_HASH_LEN];
    return eccn_chain_genesis(zero, "verdicts", out);
}

int eccn_integrity_clearances_genesis(unsigned char out[ECCN_HASH_LEN])
{
    static const unsigned char zero[ECCN_HASH_LEN];
    return eccn_chain_genesis(zero, "screen_clearances", out);
}

int eccn_integrity_run_head(eccn_ledger *l, long long run_id, const char *table,
                            unsigned char out[ECCN_HASH_LEN], eccn_error *err)
{
    const chain_def *c = NULL;
    for (size_t i = 0; i < sizeof RUN_CHAINS / sizeof *RUN_CHAINS; i++)
        if (strcmp(RUN_CHAINS[i].table, table) == 0)
            c = &RUN_CHAINS[i];
    if (!c)
        return eccn_fail(err, ECCN_EINPUT, table, 0, 0, "not a chained audit table");
    char sql[512];
    sqlite3_stmt *st = NULL;
    snprintf(sql, sizeof sql, "SELECT hash FROM %s WHERE %s ORDER BY %s DESC LIMIT 1", c->table,
             c->in_run, c->order);
    int rc = eccn_ledger_prepare(l, sql, &st, err);
    if (rc != ECCN_OK)
        return rc;
    sqlite3_bind_int64(st, 1, run_id);
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_bytes(st, 0) == ECCN_HASH_LEN)
        memcpy(out, sqlite3_column_blob(st, 0), ECCN_HASH_LEN);
    else
        rc = eccn_integrity_run_genesis(l, run_id, table, out, err);
    sqlite3_finalize(st);
    return rc;
}

/* ---- filling in the chain of rows written before it existed ---- */

typedef struct fill {
    eccn_ledger *l;
    sqlite3_stmt *upd[1 + sizeof RUN_CHAINS / sizeof *RUN_CHAINS];
    eccn_error *err;
} fill;

static int fill_row(const chain_def *c, long long run, long long key, const void *stored,
                    int stored_len, const unsigned char expected[ECCN_HASH_LEN], void *ctx)
{
    fill *f = ctx;
    (void)stored;
    (void)stored_len;
    size_t which = c == &VERDICTS ? 0 : (size_t)(c - RUN_CHAINS) + 1;
    if (!f->upd[which]) {
        char sql[256];
        if (c == &VERDICTS)
            snprintf(sql, sizeof sql, "UPDATE verdicts SET hash=?1 WHERE id=?2");
        else if (strcmp(c->order, "key") == 0)
            snprintf(sql, sizeof sql, "UPDATE %s SET hash=?1 WHERE key=?2", c->table);
        else
            snprintf(sql, sizeof sql, "UPDATE %s SET hash=?1 WHERE run_id=?3 AND id=?2", c->table);
        if (eccn_ledger_prepare(f->l, sql, &f->upd[which], f->err) != ECCN_OK)
            return ECCN_EDB;
    }
    sqlite3_stmt *st = f->upd[which];
    sqlite3_bind_blob(st, 1, expected, ECCN_HASH_LEN, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, key);
    if (sqlite3_bind_parameter_count(st) >= 3)
        sqlite3_bind_int64(st, 3, run);
    int step = sqlite3_step(st);
    sqlite3_reset(st);
    return step == SQLITE_DONE ? ECCN_OK : eccn_ledger_fail(f->l, "cannot chain a row", f->err);
}

static int each_run(eccn_ledger *l, int (*fn)(eccn_ledger *l, long long run, void *ctx), void *ctx,
                    eccn_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = eccn_ledger_prepare(l, "SELECT id FROM audit_runs ORDER BY id", &st, err), step;
    while (rc == ECCN_OK && (step = sqlite3_step(st)) == SQLITE_ROW)
        rc = fn(l, sqlite3_column_int64(st, 0), ctx);
    if (rc == ECCN_OK && step != SQLITE_DONE)
        rc = eccn_ledger_fail(l, "cannot read the audit runs", err);
    sqlite3_finalize(st);
    return rc;
}

typedef struct run_walk {
    row_fn fn;
    void *ctx;
    eccn_error *err;
    long long runs;
} run_walk;

static int walk_run(eccn_ledger *l, long long run, void *ctx)
{
    run_walk *w = ctx;
    int rc = ECCN_OK;
    w->runs++;
    for (size_t i = 0; rc == ECCN_OK && i < sizeof RUN_CHAINS / sizeof *RUN_CHAINS; i++) {
        unsigned char prev[ECCN_HASH_LEN];
        if ((rc = eccn_integrity_run_genesis(l, run, RUN_CHAINS[i].table, prev, w->err)) == ECCN_OK)
            rc = walk(l, &RUN_CHAINS[i], 2, run, prev, w->fn, w->ctx, w->err);
    }
    return rc;
}

int eccn_integrity_chain_existing(eccn_ledger *l, eccn_error *err)
{
    fill f = {.l = l, .err = err};
    unsigned char prev[ECCN_HASH_LEN];
    run_walk w = {.fn = fill_row, .ctx = &f, .err = err};
    int rc = eccn_integrity_verdicts_genesis(prev);
    if (rc == ECCN_OK)
        rc = walk(l, &VERDICTS, 2, 0, prev, fill_row, &f, err);
    if (rc == ECCN_OK)
        rc = each_run(l, walk_run, &w, err);
    for (size_t i = 0; i < sizeof f.upd / sizeof *f.upd; i++)
        sqlite3_finalize(f.upd[i]);
    return rc;
}

/* ---- verification ---- */

typedef struct verify {
    eccn_integrity_report *rep;
    long long expect_key; /* verdicts: the id that should come next */
    bool check_keys;
} verify;

static int verify_row(const chain_def *c, long long run, long long key, const void *stored,
                      int stored_len, const unsigned char expected[ECCN_HASH_LEN], void *ctx)
{
    verify *v = ctx;
    eccn_integrity_report *rep = v->rep;
    rep->rows++;
    long long want = v->expect_key;
    bool gap = v->check_keys && key != want;
    bool match = stored_len == ECCN_HASH_LEN && memcmp(stored, expected, ECCN_HASH_LEN) == 0;
    v->expect_key = key + 1;
    if (match && !gap)
        return ECCN_OK;
    rep->intact = false;
    if (!c->in_run)
        snprintf(rep->chain, sizeof rep->chain, "%s", c->table);
    else
        snprintf(rep->chain, sizeof rep->chain, "audit run %lld %s", run,
                 c->table + strlen("audit_"));
    rep->key = strcmp(c->order, "key") == 0 ? key & 0xffffffffLL : key;
    if (stored_len != ECCN_HASH_LEN)
        snprintf(rep->what, sizeof rep->what, "has no hash: inserted outside eccn");
    else if (gap && key > want)
        snprintf(rep->what, sizeof rep->what,
                 "comes where %lld should: rows %lld to %lld were deleted and no purge recorded "
                 "them",
                 want, want, key - 1);
    else if (gap)
        snprintf(rep->what, sizeof rep->what, "is out of order: %lld was expected here", want);
    else
        snprintf(rep->what, sizeof rep->what,
                 "does not match its hash: changed, or a row before it was deleted, inserted or "
                 "moved");
    return 1; /* stop at the first break */
}

typedef struct verify_runs {
    verify *v;
    eccn_error *err;
    long long expect_run;
    int version;
    sqlite3_stmt *purged; /* is run n recorded as purged? */
} verify_runs;

static int verify_run(eccn_ledger *l, long long run, void *ctx)
{
    verify_runs *vr = ctx;
    verify *v = vr->v;
    /* A missing run id must be one a purge recorded. */
    for (long long missing = vr->expect_run; missing < run; missing++) {
        sqlite3_bind_int64(vr->purged, 1, missing);
        bool recorded = sqlite3_step(vr->purged) == SQLITE_ROW;
        sqlite3_reset(vr->purged);
        if (!recorded) {
            v->rep->intact = false;
            snprintf(v->rep->chain, sizeof v->rep->chain, "audit runs");
            v->rep->key = missing;
            snprintf(v->rep->what, sizeof v->rep->what,
                     "audit run %lld is missing and no purge recorded it", missing);
            return 1;
        }
    }
    vr->expect_run = run + 1;
    v->rep->runs++;
    for (size_t i = 0; i < sizeof RUN_CHAINS / sizeof *RUN_CHAINS; i++) {
        unsigned char prev[ECCN_HASH_LEN];
        int rc = eccn_integrity_run_genesis(l, run, RUN_CHAINS[i].table, prev, vr->err);
        v->check_keys = false;
        if (rc == ECCN_OK)
            rc = walk(l, &RUN_CHAINS[i], vr->version, run, prev, verify_row, v, vr->err);
        if (rc != ECCN_OK)
            return rc;
    }
    return ECCN_OK;
}

int eccn_integrity_verify(eccn_ledger *l, eccn_integrity_report *rep, eccn_error *err)
{
    sqlite3_stmt *st = NULL;
    int version = 0, rc;
    memset(rep, 0, sizeof *rep);
    rep->intact = true;
    if ((rc = eccn_ledger_prepare(l, "PRAGMA user_version", &st, err)) != ECCN_OK)
        return rc;
    if (sqlite3_step(st) == SQLITE_ROW)
        version = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    if (version < 2)
        return eccn_fail(err, ECCN_EDB, eccn_ledger_path(l), 0, 0,
                         "ledger schema %d has no hash chain yet; any writing command (check, "
                         "audit) migrates it",
                         version);
    /* Verdicts continue from the last purge checkpoint, if any. */
    verify v = {.rep = rep, .check_keys = true, .expect_key = 1};
    unsigned char prev[ECCN_HASH_LEN];
    if ((rc = eccn_integrity_verdicts_genesis(prev)) != ECCN_OK)
        return rc;
    if ((rc = eccn_ledger_prepare(
             l,
             "SELECT last_key, last_hash FROM ledger_checkpoints WHERE chain='verdicts' "
             "ORDER BY id DESC LIMIT 1",
             &st, err)) != ECCN_OK)
        return rc;
    if (sqlite3_step(st) == SQLITE_ROW) {
        v.expect_key = sqlite3_column_int64(st, 0) + 1;
        if (sqlite3_column_bytes(st, 1) == ECCN_HASH_LEN)
            memcpy(prev, sqlite3_column_blob(st, 1), ECCN_HASH_LEN);
    }
    sqlite3_finalize(st);
    rc = walk(l, &VERDICTS, version, 0, prev, verify_row, &v, err);
    if (rc == ECCN_OK && rep->intact) {
        memcpy(rep->head, prev, ECCN_HASH_LEN);
        rep->has_head = rep->rows > 0;
    }
    if (rc == 1)
        rc = ECCN_OK;
    if (rc != ECCN_OK || !rep->intact)
        return rc;
    /* The recorded reviews of possible matches: never purged, so numbered from 1. */
    v.check_keys = true;
    v.expect_key = 1;
    if ((rc = eccn_integrity_clearances_genesis(prev)) == ECCN_OK)
        rc = walk(l, &CLEARANCES, version, 0, prev, verify_row, &v, err);
    if (rc == 1)
        rc = ECCN_OK;
    if (rc != ECCN_OK || !rep->intact)
        return rc;
    verify_runs vr = {.v = &v, .err = err, .expect_run = 1, .version = version};
    if ((rc = eccn_ledger_prepare(
             l, "SELECT 1 FROM ledger_checkpoints WHERE chain='audit_run' AND run_id=?", &vr.purged,
             err)) != ECCN_OK)
        return rc;
    rc = each_run(l, verify_run, &vr, err);
    sqlite3_finalize(vr.purged);
    return rc == 1 ? ECCN_OK : rc;
}

int eccn_integrity_sqlite(eccn_ledger *l, char *msg, size_t n, eccn_error *err)
{
    sqlite3_stmt *st = NULL;
    size_t used = 0;
    int rc = eccn_ledger_prepare(l, "PRAGMA integrity_check", &st, err), step;
    msg[0] = '\0';
    while (rc == ECCN_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
        const char *line = (const char *)sqlite3_column_text(st, 0);
        if (line && strcmp(line, "ok") != 0 && used + 2 < n)
            used += (size_t)snprintf(msg + used, n - used, "%s%s", used ? "; " : "", line);
    }
    if (rc == ECCN_OK && step != SQLITE_DONE)
        rc = eccn_ledger_fail(l, "SQLite's integrity check failed", err);
    sqlite3_finalize(st);
    return rc;
}
