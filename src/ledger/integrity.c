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
    /* A column a later schema added: hashed after the others, and only when not NULL, so that
     * rows written before it existed keep their hashes. */
    const char *optional;
    /* Columns a later schema added (at group_since), after optional: hashed only when one of
     * them is not NULL, all of them then (a group, so that a value cannot move between them). */
    const char *group;
    int group_since;
    int since; /* the schema version that made the table, when after 5 (0: by then) */
} chain_def;

static const chain_def VERDICTS = {
    "verdicts",
    "id, created_at, user, tool_version, rules_revision, input_kind, input, spec, part_id, "
    "part_name, destination, headquarters, hq_assumed, ship_date, quantity, consignee, metrics, "
    "status, eccn, verdict, review_policy, license_exceptions, provisions, explanation, what_if",
    "id",
    NULL,
    NULL,
    NULL,
    0,
    0};
static const chain_def RUN_CHAINS[] = {
    {"audit_texts", "run_id, id, text", "id", "run_id = ?1", NULL, NULL, 0, 0},
    {"audit_evals",
     "run_id, id, part_id, destination, headquarters, epoch_date, status, eccn, verdict, "
     "review_policy, license_exceptions, provisions, reason, tpp, pd, hq_given",
     "id", "run_id = ?1", NULL, NULL, 0, 0},
    {"audit_results", "key, line_id, part_text, desc_text, quantity, ship_date, eval_id, error",
     "key", ECCN_SQL_KEYS_OF_RUN1, "dest_text", "consignee, end_user", 6, 0},
    /* schema 5: where the run stood at each commit, and the digest of the input judged so far */
    {"audit_commits", "run_id, id, offset, line, lines_read, sha256", "id", "run_id = ?1", NULL,
     NULL, 0, 0},
    /* schema 6: the parties an audit screened (src/screen), once each */
    {"audit_parties",
     "run_id, id, name, country, result, effect, list, entry_name, entity_number, note, screening",
     "id", "run_id = ?1", NULL, NULL, 0, 6},
};
enum { NRUN_CHAINS_V2 = 3, NRUN_CHAINS = sizeof RUN_CHAINS / sizeof *RUN_CHAINS };
/* The reviews of possible matches recorded with `screen --clear` (schema 6): one chain. */
static const chain_def CLEARANCES = {
    "screen_clearances",
    "id, created_at, user, name, norm_name, country, reason, lists_revision, list, entity_number, "
    "entry_name, entry_hash",
    "id",
    NULL,
    NULL,
    NULL,
    0,
    6};
/* The finished runs' seals, one chain in the order they finished (schema 5). */
static const chain_def SEALS = {"audit_seals",
                                "id, run_id, record, final, texts, texts_hash, evals, evals_hash, "
                                "results, results_hash, commits, commits_hash",
                                "id",
                                NULL,
                                NULL,
                                NULL,
                                0,
                                0};

/* Called for each row in chain order with the hash it should have; returns non-zero to stop. */
typedef int (*row_fn)(const chain_def *c, long long run, long long key, const void *stored,
                      int stored_len, const unsigned char expected[ECCN_HASH_LEN], void *ctx);

static int fill_row(const chain_def *c, long long run, long long key, const void *stored,
                    int stored_len, const unsigned char expected[ECCN_HASH_LEN], void *ctx);

static int user_version(eccn_ledger *l)
{
    sqlite3_stmt *st = NULL;
    int v = 0;
    if (sqlite3_prepare_v2(eccn_ledger_db(l), "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* Walks one chain: rows of c (of run `run` when c is per run) from prev, calling fn. *prev ends
 * as the last row's expected hash. */
static int walk(eccn_ledger *l, const chain_def *c, long long run,
                unsigned char prev[ECCN_HASH_LEN], row_fn fn, void *ctx, eccn_error *err)
{
    char sql[1024];
    sqlite3_stmt *st = NULL;
    eccn_chain_enc enc = {0};
    int rc, step, ncols;
    /* Filling in chains happens in the migration to schema 2, before any optional column. */
    const bool optional = c->optional && fn != fill_row;
    const int version = c->since || c->group ? user_version(l) : 0;
    const bool group = c->group && fn != fill_row && version >= c->group_since;
    int ngroup = 0;
    if (c->since && version < c->since) /* the table is not there yet */
        return ECCN_OK;
    for (const char *p = group ? c->group : ""; *p; p++)
        ngroup += p == c->group || p[-1] == ',';
    snprintf(sql, sizeof sql, "SELECT %s%s%s%s%s, hash FROM %s%s%s ORDER BY %s", c->columns,
             optional ? ", " : "", optional ? c->optional : "", group ? ", " : "",
             group ? c->group : "", c->table, c->in_run ? " WHERE " : "",
             c->in_run ? c->in_run : "", c->order);
    if ((rc = eccn_ledger_prepare(l, sql, &st, err)) != ECCN_OK)
        return rc;
    if (c->in_run)
        sqlite3_bind_int64(st, 1, run);
    ncols = sqlite3_column_count(st) - 1;
    while (rc == ECCN_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
        unsigned char expected[ECCN_HASH_LEN];
        int n = ncols;
        bool all_null = ngroup > 0;
        for (int i = ncols - ngroup; i < ncols; i++)
            all_null = all_null && sqlite3_column_type(st, i) == SQLITE_NULL;
        if (all_null)
            n = ncols - ngroup;
        eccn_chain_start(&enc, prev);
        for (int i = 0; i < n; i++)
            if (!(optional && i == ncols - ngroup - 1 && sqlite3_column_type(st, i) == SQLITE_NULL))
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

int eccn_integrity_rows_hash(sqlite3_stmt *st, long long limit, unsigned char out[ECCN_HASH_LEN],
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
    for (size_t i = 0; i < NRUN_CHAINS; i++)
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
    sqlite3_stmt *upd[4];
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
    /* the chains of schema 2, which this fills in: audit_commits came later, chained from the
     * start */
    for (size_t i = 0; rc == ECCN_OK && i < NRUN_CHAINS_V2; i++) {
        unsigned char prev[ECCN_HASH_LEN];
        if ((rc = eccn_integrity_run_genesis(l, run, RUN_CHAINS[i].table, prev, w->err)) == ECCN_OK)
            rc = walk(l, &RUN_CHAINS[i], run, prev, w->fn, w->ctx, w->err);
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
        rc = walk(l, &VERDICTS, 0, prev, fill_row, &f, err);
    if (rc == ECCN_OK)
        rc = each_run(l, walk_run, &w, err);
    for (int i = 0; i < 4; i++)
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
    if (c == &VERDICTS || c == &SEALS || c == &CLEARANCES)
        snprintf(rep->chain, sizeof rep->chain, "%s", c == &SEALS ? "audit run seals" : c->table);
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

/* A run's lines name their parties (schema 6): a party row deleted, even the last, which its
 * chain alone cannot show, leaves a line naming a row that is not there. True (and the report
 * filled) when one does. */
static bool missing_party(eccn_ledger *l, long long run, eccn_integrity_report *rep,
                          eccn_error *err)
{
    sqlite3_stmt *st = NULL;
    long long line = 0;
    if (user_version(l) < 6 ||
        eccn_ledger_prepare(
            l,
            "SELECT r.key & 4294967295 FROM audit_results r WHERE " ECCN_SQL_R_KEYS_OF_RUN1
            " AND ((r.consignee IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "
            "audit_parties p WHERE p.run_id = ?1 AND p.id = r.consignee)) OR "
            "(r.end_user IS NOT NULL AND NOT EXISTS (SELECT 1 FROM audit_parties "
            "p WHERE p.run_id = ?1 AND p.id = r.end_user))) ORDER BY r.key LIMIT 1",
            &st, err) != ECCN_OK)
        return false;
    sqlite3_bind_int64(st, 1, run);
    if (sqlite3_step(st) == SQLITE_ROW)
        line = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    if (!line)
        return false;
    rep->intact = false;
    snprintf(rep->chain, sizeof rep->chain, "audit run %lld results", run);
    rep->key = line;
    snprintf(rep->what, sizeof rep->what,
             "(a line) names a screened party whose row is not there: deleted");
    return true;
}

typedef struct verify_runs {
    verify *v;
    eccn_error *err;
    long long expect_run;
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
    if (missing_party(l, run, v->rep, vr->err))
        return 1;
    v->rep->runs++;
    for (size_t i = 0; i < NRUN_CHAINS; i++) {
        unsigned char prev[ECCN_HASH_LEN];
        int rc = eccn_integrity_run_genesis(l, run, RUN_CHAINS[i].table, prev, vr->err);
        v->check_keys = false;
        if (rc == ECCN_OK)
            rc = walk(l, &RUN_CHAINS[i], run, prev, verify_row, v, vr->err);
        if (rc != ECCN_OK)
            return rc;
    }
    return ECCN_OK;
}

/* ---- a run's commits and its seal ---- */

int eccn_integrity_commit(eccn_ledger *l, long long run, long long offset, long long line,
                          long long lines_read, const char *sha256, eccn_error *err)
{
    unsigned char prev[ECCN_HASH_LEN], hash[ECCN_HASH_LEN];
    sqlite3_stmt *st = NULL;
    eccn_chain_enc e = {0};
    long long id = 1;
    int rc = eccn_integrity_run_head(l, run, "audit_commits", prev, err);
    if (rc == ECCN_OK &&
        (rc = eccn_ledger_prepare(l,
                                  "SELECT COALESCE(max(id), 0) + 1 FROM audit_commits WHERE "
                                  "run_id = ?1",
                                  &st, err)) == ECCN_OK) {
        sqlite3_bind_int64(st, 1, run);
        if (sqlite3_step(st) == SQLITE_ROW)
            id = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
        st = NULL;
    }
    const long long ints[] = {run, id, offset, line, lines_read};
    eccn_chain_start(&e, prev);
    for (int i = 0; i < 5; i++)
        eccn_chain_int(&e, ints[i]);
    eccn_chain_text(&e, sha256, strlen(sha256));
    if (rc == ECCN_OK && (rc = eccn_chain_finish(&e, hash)) == ECCN_OK &&
        (rc = eccn_ledger_prepare(l,
                                  "INSERT INTO audit_commits(run_id, id, offset, line, lines_read, "
                                  "sha256, hash) VALUES (?,?,?,?,?,?,?)",
                                  &st, err)) == ECCN_OK) {
        for (int i = 0; i < 5; i++)
            sqlite3_bind_int64(st, i + 1, ints[i]);
        sqlite3_bind_text(st, 6, sha256, -1, SQLITE_STATIC);
        sqlite3_bind_blob(st, 7, hash, ECCN_HASH_LEN, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = eccn_ledger_fail(l, "cannot record the audit's commit", err);
    }
    sqlite3_finalize(st);
    eccn_buf_free(&e.buf);
    return rc;
}

/* The ends of a run's chains, as a seal records them: (last id or line, its hash) for its texts,
 * evaluations, results and commits; 0 and NULL for a chain with no row. */
#define TIP(table, pos, where)                                                                     \
    "COALESCE((SELECT " pos " FROM " table " WHERE " where " ORDER BY " pos " DESC LIMIT 1), 0), " \
    "(SELECT hash FROM " table " WHERE " where " ORDER BY " pos " DESC LIMIT 1)"
#define TIPS_SQL                                                                                   \
    "SELECT " TIP("audit_texts", "id", "run_id = ?1") ", " TIP(                                    \
        "audit_evals", "id",                                                                       \
        "run_id = ?1") ", " TIP("audit_results", "key",                                            \
                                ECCN_SQL_KEYS_OF_RUN1) ", " TIP("audit_commits", "id",             \
                                                                "run_id = ?1")
enum { NTIPS = 8 };

/* A run's record and final record hashed (ECCN_SQL_RUN_RECORD, _FINAL), and its tips in st
 * (TIPS_SQL, stepped to its row). *complete: whether it has a final record. */
static int run_state(eccn_ledger *l, long long run, unsigned char rec[ECCN_HASH_LEN],
                     unsigned char fin[ECCN_HASH_LEN], bool *complete, sqlite3_stmt **tips,
                     eccn_error *err)
{
    const char *sql[2] = {ECCN_SQL_RUN_RECORD, ECCN_SQL_RUN_FINAL};
    unsigned char *out[2] = {rec, fin};
    long long rows = 0;
    int rc = ECCN_OK;
    for (int i = 0; rc == ECCN_OK && i < 2; i++) {
        sqlite3_stmt *st = NULL;
        if ((rc = eccn_ledger_prepare(l, sql[i], &st, err)) == ECCN_OK) {
            sqlite3_bind_int64(st, 1, run);
            rc = eccn_integrity_rows_hash(st, 1, out[i], &rows);
        }
        sqlite3_finalize(st);
        if (i == 1)
            *complete = rows == 1;
    }
    if (rc == ECCN_OK && (rc = eccn_ledger_prepare(l, TIPS_SQL, tips, err)) == ECCN_OK) {
        sqlite3_bind_int64(*tips, 1, run);
        if (sqlite3_step(*tips) != SQLITE_ROW)
            rc = eccn_ledger_fail(l, "cannot read an audit run's chains", err);
    }
    return rc;
}

int eccn_integrity_seal(eccn_ledger *l, long long run, eccn_error *err)
{
    static const unsigned char zero[ECCN_HASH_LEN];
    unsigned char prev[ECCN_HASH_LEN], rec[ECCN_HASH_LEN], fin[ECCN_HASH_LEN], hash[ECCN_HASH_LEN];
    sqlite3_stmt *tips = NULL, *st = NULL;
    eccn_chain_enc e = {0};
    long long id = 1;
    bool complete = false;
    int rc = eccn_chain_genesis(zero, "audit_seals", prev);
    if (rc == ECCN_OK &&
        (rc = eccn_ledger_prepare(l,
                                  "SELECT id, hash FROM audit_seals ORDER BY id "
                                  "DESC LIMIT 1",
                                  &st, err)) == ECCN_OK &&
        sqlite3_step(st) == SQLITE_ROW) {
        id = sqlite3_column_int64(st, 0) + 1;
        if (sqlite3_column_bytes(st, 1) == ECCN_HASH_LEN)
            memcpy(prev, sqlite3_column_blob(st, 1), ECCN_HASH_LEN);
    }
    sqlite3_finalize(st);
    st = NULL;
    if (rc == ECCN_OK)
        rc = run_state(l, run, rec, fin, &complete, &tips, err);
    if (rc == ECCN_OK && !complete)
        rc = eccn_fail(err, ECCN_EDB, eccn_ledger_path(l), 0, 0,
                       "audit run %lld is not complete: nothing to seal", run);
    if (rc != ECCN_OK)
        goto done;
    eccn_chain_start(&e, prev);
    eccn_chain_int(&e, id);
    eccn_chain_int(&e, run);
    eccn_chain_blob(&e, rec, ECCN_HASH_LEN);
    eccn_chain_blob(&e, fin, ECCN_HASH_LEN);
    for (int i = 0; i < NTIPS; i++)
        eccn_chain_value(&e, sqlite3_column_value(tips, i));
    if ((rc = eccn_chain_finish(&e, hash)) != ECCN_OK ||
        (rc = eccn_ledger_prepare(l,
                                  "INSERT INTO audit_seals(id, run_id, record, final, texts, "
                                  "texts_hash, evals, evals_hash, results, results_hash, commits, "
                                  "commits_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                                  &st, err)) != ECCN_OK)
        goto done;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, run);
    sqlite3_bind_blob(st, 3, rec, ECCN_HASH_LEN, SQLITE_STATIC);
    sqlite3_bind_blob(st, 4, fin, ECCN_HASH_LEN, SQLITE_STATIC);
    for (int i = 0; i < NTIPS; i++)
        sqlite3_bind_value(st, 5 + i, sqlite3_column_value(tips, i));
    sqlite3_bind_blob(st, 13, hash, ECCN_HASH_LEN, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE)
        rc = eccn_ledger_fail(l, "cannot seal the audit run", err);
done:
    sqlite3_finalize(st);
    sqlite3_finalize(tips);
    eccn_buf_free(&e.buf);
    return rc;
}

int eccn_integrity_seal_existing(eccn_ledger *l, eccn_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = eccn_ledger_prepare(l,
                                 "SELECT id FROM audit_runs WHERE status = 'complete' AND id NOT "
                                 "IN (SELECT run_id FROM audit_seals) ORDER BY id",
                                 &st, err),
        step = SQLITE_DONE;
    while (rc == ECCN_OK && (step = sqlite3_step(st)) == SQLITE_ROW)
        rc = eccn_integrity_seal(l, sqlite3_column_int64(st, 0), err);
    if (rc == ECCN_OK && step != SQLITE_DONE)
        rc = eccn_ledger_fail(l, "cannot seal the finished runs", err);
    sqlite3_finalize(st);
    return rc;
}

static bool same_value(sqlite3_stmt *a, int i, sqlite3_stmt *b, int j)
{
    int t = sqlite3_column_type(a, i);
    if (t != sqlite3_column_type(b, j))
        return false;
    if (t == SQLITE_INTEGER)
        return sqlite3_column_int64(a, i) == sqlite3_column_int64(b, j);
    int n = sqlite3_column_bytes(a, i);
    return t == SQLITE_NULL ||
           (n == sqlite3_column_bytes(b, j) &&
            memcmp(sqlite3_column_blob(a, i), sqlite3_column_blob(b, j), (size_t)n) == 0);
}

/* Does a seal (st: SELECT run_id, record, final, texts, ... commits_hash) still describe its
 * run? A run that is gone must have been purged. *what is set when not. */
static int seal_holds(eccn_ledger *l, sqlite3_stmt *seal, sqlite3_stmt *purged, char *what,
                      size_t n, eccn_error *err)
{
    long long run = sqlite3_column_int64(seal, 0);
    unsigned char rec[ECCN_HASH_LEN], fin[ECCN_HASH_LEN];
    sqlite3_stmt *tips = NULL;
    bool complete = false;
    int rc = run_state(l, run, rec, fin, &complete, &tips, err);
    bool present = false;
    if (rc == ECCN_OK) {
        sqlite3_bind_int64(purged, 1, run);
        present = sqlite3_step(purged) != SQLITE_ROW;
        sqlite3_reset(purged);
    }
    if (rc == ECCN_OK && present) {
        bool same = complete && sqlite3_column_bytes(seal, 1) == ECCN_HASH_LEN &&
                    sqlite3_column_bytes(seal, 2) == ECCN_HASH_LEN &&
                    memcmp(rec, sqlite3_column_blob(seal, 1), ECCN_HASH_LEN) == 0 &&
                    memcmp(fin, sqlite3_column_blob(seal, 2), ECCN_HASH_LEN) == 0;
        for (int i = 0; same && i < NTIPS; i++)
            same = same_value(tips, i, seal, 3 + i);
        if (!same)
            snprintf(what, n,
                     "audit run %lld no longer is what was sealed when it finished: its record "
                     "or lines were changed, cut or deleted",
                     run);
    }
    sqlite3_finalize(tips);
    return rc;
}

int eccn_integrity_run_sealed(eccn_ledger *l, long long run_id, bool *holds, eccn_error *err)
{
    static const unsigned char zero[ECCN_HASH_LEN];
    unsigned char prev[ECCN_HASH_LEN], hash[ECCN_HASH_LEN];
    sqlite3_stmt *st = NULL, *purged = NULL;
    eccn_chain_enc e = {0};
    char what[256] = "";
    *holds = false;
    int rc = eccn_chain_genesis(zero, "audit_seals", prev);
    if (rc != ECCN_OK ||
        (rc = eccn_ledger_prepare(l, "SELECT 1 WHERE ?1 IS NULL", &purged, err)) != ECCN_OK ||
        (rc = eccn_ledger_prepare(l,
                                  "SELECT run_id, record, final, texts, texts_hash, evals, "
                                  "evals_hash, results, results_hash, commits, commits_hash, id, "
                                  "hash, (SELECT p.hash FROM audit_seals p WHERE p.id = s.id - 1) "
                                  "FROM audit_seals s WHERE run_id = ?1",
                                  &st, err)) != ECCN_OK)
        goto done;
    sqlite3_bind_int64(st, 1, run_id);
    if (sqlite3_step(st) != SQLITE_ROW)
        goto done;
    if (sqlite3_column_bytes(st, 13) == ECCN_HASH_LEN)
        memcpy(prev, sqlite3_column_blob(st, 13), ECCN_HASH_LEN);
    /* the seal's own hash, from the one before it (a seal changed and its successors re-hashed
     * changes the last, which the signed head holds) */
    eccn_chain_start(&e, prev);
    eccn_chain_value(&e, sqlite3_column_value(st, 11));
    for (int i = 0; i < 11; i++)
        eccn_chain_value(&e, sqlite3_column_value(st, i));
    if ((rc = eccn_chain_finish(&e, hash)) != ECCN_OK ||
        (rc = seal_holds(l, st, purged, what, sizeof what, err)) != ECCN_OK)
        goto done;
    *holds = !what[0] && sqlite3_column_bytes(st, 12) == ECCN_HASH_LEN &&
             memcmp(hash, sqlite3_column_blob(st, 12), ECCN_HASH_LEN) == 0;
done:
    sqlite3_finalize(st);
    sqlite3_finalize(purged);
    eccn_buf_free(&e.buf);
    return rc;
}

/* The seals: one chain, never purged; and each one still describes its run. */
static int verify_seals(eccn_ledger *l, verify *v, eccn_error *err)
{
    static const unsigned char zero[ECCN_HASH_LEN];
    unsigned char prev[ECCN_HASH_LEN];
    sqlite3_stmt *st = NULL, *purged = NULL;
    char what[256] = "";
    v->check_keys = true;
    v->expect_key = 1;
    int rc = eccn_chain_genesis(zero, "audit_seals", prev), step = SQLITE_DONE;
    if (rc == ECCN_OK)
        rc = walk(l, &SEALS, 0, prev, verify_row, v, err);
    if (rc != ECCN_OK || !v->rep->intact)
        return rc;
    /* gone only with a purge's checkpoint (whether the checkpoint is genuine is the signed
     * head's question: anchor.c) */
    if ((rc = eccn_ledger_prepare(l,
                                  "SELECT 1 FROM ledger_checkpoints WHERE chain = 'audit_run' AND "
                                  "run_id = ?1 AND NOT EXISTS (SELECT 1 FROM audit_runs WHERE id "
                                  "= ?1)",
                                  &purged, err)) != ECCN_OK ||
        (rc = eccn_ledger_prepare(l,
                                  "SELECT run_id, record, final, texts, texts_hash, evals, "
                                  "evals_hash, results, results_hash, commits, commits_hash, id "
                                  "FROM audit_seals ORDER BY id",
                                  &st, err)) != ECCN_OK)
        goto done;
    while (rc == ECCN_OK && !what[0] && (step = sqlite3_step(st)) == SQLITE_ROW)
        rc = seal_holds(l, st, purged, what, sizeof what, err);
    sqlite3_finalize(purged);
    purged = NULL;
    /* and every finished run has its seal (the signed head names the runs under way, and
     * leaves the finished ones to their seals) */
    if (rc == ECCN_OK && !what[0] &&
        (rc = eccn_ledger_prepare(l,
                                  "SELECT id FROM audit_runs r WHERE status <> 'incomplete' AND "
                                  "NOT EXISTS (SELECT 1 FROM audit_seals s WHERE s.run_id = r.id) "
                                  "ORDER BY id LIMIT 1",
                                  &purged, err)) == ECCN_OK &&
        sqlite3_step(purged) == SQLITE_ROW) {
        v->rep->intact = false;
        snprintf(v->rep->chain, sizeof v->rep->chain, "audit runs");
        v->rep->key = sqlite3_column_int64(purged, 0);
        snprintf(v->rep->what, sizeof v->rep->what,
                 "is marked complete but was never sealed: marked so outside eccn");
        goto done;
    }
    if (rc == ECCN_OK && what[0]) {
        v->rep->intact = false;
        snprintf(v->rep->chain, sizeof v->rep->chain, "audit run seals");
        v->rep->key = sqlite3_column_int64(st, 11);
        snprintf(v->rep->what, sizeof v->rep->what, "%s", what);
    } else if (rc == ECCN_OK && step != SQLITE_DONE)
        rc = eccn_ledger_fail(l, "cannot read the audit run seals", err);
done:
    sqlite3_finalize(st);
    sqlite3_finalize(purged);
    return rc;
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
    rc = walk(l, &VERDICTS, 0, prev, verify_row, &v, err);
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
        rc = walk(l, &CLEARANCES, 0, prev, verify_row, &v, err);
    if (rc == 1)
        rc = ECCN_OK;
    if (rc != ECCN_OK || !rep->intact)
        return rc;
    verify_runs vr = {.v = &v, .err = err, .expect_run = 1};
    if ((rc = eccn_ledger_prepare(
             l, "SELECT 1 FROM ledger_checkpoints WHERE chain='audit_run' AND run_id=?", &vr.purged,
             err)) != ECCN_OK)
        return rc;
    rc = each_run(l, verify_run, &vr, err);
    sqlite3_finalize(vr.purged);
    if (rc == 1)
        rc = ECCN_OK;
    if (rc == ECCN_OK && rep->intact && version >= 5)
        rc = verify_seals(l, &v, err);
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
