/* retention.c: holds and purges (see retention.h). */
#include "retention.h"

#include "anchor.h"
#include "ledger_internal.h"
#include "ydoc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int eccn_retention_load(const char *data_dir, eccn_retention_policy *out, eccn_error *err)
{
    char path[4096];
    ydoc *doc = NULL;
    char *citation = NULL, *source = NULL;
    const ynode *ret = NULL, *years = NULL, *at = NULL;
    long long n = 0;
    memset(out, 0, sizeof *out);
    snprintf(path, sizeof path, "%s/recordkeeping.yaml", data_dir);
    int rc = ydoc_load_file(path, &doc, err);
    if (rc != ECCN_OK)
        return rc;
    ret = doc->root ? ynode_get(doc->root, "retention") : NULL;
    if (!ret || ret->kind != YN_MAP) {
        at = ret ? ret : doc->root;
        rc = eccn_fail(err, ECCN_EINPUT, path, at ? at->line : 1, at ? at->col : 1,
                       "expected a mapping `retention:` with years, citation and source");
        goto done;
    }
    years = ynode_get(ret, "years");
    if (!years || years->kind != YN_SCALAR || !eccn_parse_id(years->str, &n) || n > 100) {
        at = years ? years : ret;
        rc = eccn_fail(err, ECCN_EINPUT, path, at->line, at->col,
                       "retention.years: expected a whole number of years from 1 to 100");
        goto done;
    }
    /* The source is for the reader of the file; a period without one is not cited. */
    if ((rc = ynode_str(path, ret, "citation", true, &citation, err)) != ECCN_OK ||
        (rc = ynode_str(path, ret, "source", true, &source, err)) != ECCN_OK)
        goto done;
    if (strlen(citation) >= sizeof out->citation) {
        at = ynode_get(ret, "citation");
        rc = eccn_fail(err, ECCN_EINPUT, path, at->line, at->col,
                       "retention.citation: at most %zu characters", sizeof out->citation - 1);
        goto done;
    }
    /* The law is not data a caller can override downward: the period shipped in eccn's own
     * data/recordkeeping.yaml is compiled in (CMakeLists.txt) as the least any file may give. */
    if (n < ECCN_RETENTION_MIN_YEARS) {
        at = years;
        rc = eccn_fail(err, ECCN_EINPUT, path, at->line, at->col,
                       "retention.years: %lld is shorter than the %d years of %s; a period can "
                       "be lengthened, never shortened",
                       n, ECCN_RETENTION_MIN_YEARS, ECCN_RETENTION_MIN_CITATION);
        goto done;
    }
    out->years = (int)n;
    snprintf(out->citation, sizeof out->citation, "%s", citation);
    snprintf(out->modifier, sizeof out->modifier, "+%d years", out->years);
done:
    free(citation);
    free(source);
    ydoc_free(doc);
    return rc;
}

/* A hold stands until a release records its end. */
#define HOLD_ACTIVE(h) "NOT EXISTS (SELECT 1 FROM hold_releases x WHERE x.hold_id = " h ".id)"

int eccn_retention_keep_until(eccn_ledger *l, const eccn_retention_policy *pol, const char *latest,
                              char out[16], eccn_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = eccn_ledger_prepare(l, "SELECT date(?, ?)", &st, err);
    out[0] = '\0';
    if (rc != ECCN_OK)
        return rc;
    sqlite3_bind_text(st, 1, latest, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, pol->modifier, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW)
        snprintf(out, 16, "%s", eccn_ledger_col(st, 0));
    sqlite3_finalize(st);
    return ECCN_OK;
}

/* Runs a statement whose parameters are 64-bit integers and texts given as one list. */
static int run_stmt(eccn_ledger *l, const char *sql, const long long *ints, size_t nints,
                    const char *const *texts, size_t ntexts, long long *changes, eccn_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = eccn_ledger_prepare(l, sql, &st, err);
    if (rc != ECCN_OK)
        return rc;
    for (size_t i = 0; i < nints; i++)
        sqlite3_bind_int64(st, (int)i + 1, ints[i]);
    for (size_t i = 0; i < ntexts; i++)
        sqlite3_bind_text(st, (int)(nints + i) + 1, texts[i], -1, SQLITE_STATIC);
    int step = sqlite3_step(st);
    if (step != SQLITE_DONE && step != SQLITE_ROW)
        rc = eccn_ledger_fail(l, "retention", err);
    else if (changes)
        *changes = sqlite3_changes(eccn_ledger_db(l));
    sqlite3_finalize(st);
    return rc;
}

/* Inserts the row sel stands on (the table's signed columns, its id first: ncols of them),
 * signed as kind by the key of the signed head, through ins (those columns and the signature).
 * A release lifts a hold, and a checkpoint accounts for purged rows, only with its signature: one
 * added by hand carries no authority (anchor.c). A ledger kept without a head signs nothing. */
static int insert_signed(eccn_ledger *l, const char *kind, sqlite3_stmt *sel, int ncols,
                         const char *ins_sql, eccn_error *err)
{
    unsigned char sig[ECCN_SIGN_SIGLEN];
    sqlite3_stmt *ins = NULL;
    int rc = eccn_anchor_sign_row(l, kind, sel, ncols, sig, err);
    bool signed_ = rc == ECCN_OK;
    if (rc == ECCN_ENOTFOUND)
        rc = ECCN_OK;
    if (rc == ECCN_OK && (rc = eccn_ledger_prepare(l, ins_sql, &ins, err)) == ECCN_OK) {
        for (int i = 0; i < ncols; i++)
            sqlite3_bind_value(ins, i + 1, sqlite3_column_value(sel, i));
        if (signed_)
            sqlite3_bind_blob(ins, ncols + 1, sig, ECCN_SIGN_SIGLEN, SQLITE_STATIC);
        if (sqlite3_step(ins) != SQLITE_DONE)
            rc = eccn_ledger_fail(l, "cannot record it", err);
    }
    sqlite3_finalize(ins);
    return rc;
}

#define INSERT_CHECKPOINT                                                                          \
    "INSERT INTO ledger_checkpoints(" ECCN_SQL_CHECKPOINT_COLS ", signature) VALUES "              \
    "(?,?,?,?,?,?,?,?,?,?,?,?)"
#define NEXT_CHECKPOINT "(SELECT COALESCE(max(id), 0) + 1 FROM ledger_checkpoints)"

static int target_exists(eccn_ledger *l, long long verdict_id, long long run_id, eccn_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = eccn_ledger_prepare(
        l, verdict_id ? "SELECT 1 FROM verdicts WHERE id=?" : "SELECT 1 FROM audit_runs WHERE id=?",
        &st, err);
    if (rc != ECCN_OK)
        return rc;
    sqlite3_bind_int64(st, 1, verdict_id ? verdict_id : run_id);
    if (sqlite3_step(st) != SQLITE_ROW)
        rc = eccn_fail(err, ECCN_ENOTFOUND, eccn_ledger_path(l), 0, 0, "no %s %lld in the ledger",
                       verdict_id ? "verdict" : "audit run", verdict_id ? verdict_id : run_id);
    sqlite3_finalize(st);
    return rc;
}

int eccn_retention_hold(eccn_ledger *l, long long verdict_id, long long run_id, const char *reason,
                        const char *user, long long *hold_id, eccn_error *err)
{
    char now[21];
    int rc;
    if (!reason || !*reason)
        return eccn_fail(err, ECCN_EINPUT, "--reason", 0, 0, "a hold needs a reason");
    if ((rc = eccn_ledger_quick_check(l, err)) != ECCN_OK ||
        (rc = target_exists(l, verdict_id, run_id, err)) != ECCN_OK)
        return rc;
    eccn_utc_now(now);
    const char *texts[] = {reason, now, user};
    const long long ids[] = {verdict_id, run_id};
    rc = run_stmt(l,
                  "INSERT INTO holds(verdict_id, run_id, reason, placed_at, placed_by) "
                  "VALUES (NULLIF(?1, 0), NULLIF(?2, 0), ?3, ?4, ?5)",
                  ids, 2, texts, 3, NULL, err);
    *hold_id = sqlite3_last_insert_rowid(eccn_ledger_db(l));
    if (rc == ECCN_OK)
        eccn_ledger_anchor(l); /* the holds as placed are in the signed head */
    return rc;
}

int eccn_retention_release(eccn_ledger *l, long long verdict_id, long long run_id, const char *user,
                           long long *released, eccn_error *err)
{
    char now[21];
    sqlite3_stmt *sel = NULL;
    eccn_utc_now(now);
    *released = 0;
    /* A release is a signed record of its own (hold_releases), in the signed head: the hold's
     * row is never changed, so that a hold cannot be lifted by editing it. One at a time, each
     * the next id, in one transaction. */
    int rc = eccn_ledger_quick_check(l, err);
    if (rc != ECCN_OK || (rc = eccn_ledger_exec(l, "BEGIN IMMEDIATE", err)) != ECCN_OK)
        return rc;
    if ((rc = eccn_ledger_prepare(
             l,
             "SELECT (SELECT COALESCE(max(id), 0) + 1 FROM hold_releases), h.id, ?3, ?4 FROM "
             "holds h WHERE " HOLD_ACTIVE("h") " AND h.verdict_id IS NULLIF(?1, 0) AND h.run_id "
                                               "IS NULLIF(?2, 0) ORDER BY h.id LIMIT 1",
             &sel, err)) != ECCN_OK)
        goto done;
    sqlite3_bind_int64(sel, 1, verdict_id);
    sqlite3_bind_int64(sel, 2, run_id);
    sqlite3_bind_text(sel, 3, now, -1, SQLITE_STATIC);
    sqlite3_bind_text(sel, 4, user, -1, SQLITE_STATIC);
    while (rc == ECCN_OK && sqlite3_step(sel) == SQLITE_ROW) {
        rc = insert_signed(l, "release", sel, 4,
                           "INSERT INTO hold_releases(" ECCN_SQL_RELEASE_COLS
                           ", signature) VALUES (?,?,?,?,?)",
                           err);
        sqlite3_reset(sel);
        ++*released;
    }
    if (rc == ECCN_OK)
        rc = eccn_ledger_exec(l, "COMMIT", err);
done:
    sqlite3_finalize(sel);
    if (rc != ECCN_OK) {
        sqlite3_exec(eccn_ledger_db(l), "ROLLBACK", NULL, NULL, NULL);
        *released = 0;
    } else {
        eccn_ledger_anchor(l);
    }
    return rc;
}

/* The oldest stretch of verdicts that may go: each past retention before `before` and today, and
 * not held. The first that may not go ends it, and the report says why. */
static int verdict_prefix(eccn_ledger *l, const eccn_retention_policy *pol, const char *cutoff,
                          eccn_purge_report *rep, unsigned char last_hash[ECCN_HASH_LEN],
                          eccn_error *err)
{
    sqlite3_stmt *st = NULL;
    const char *sql =
        "SELECT v.id, date(v.ship_date, ?1), v.hash, EXISTS (SELECT 1 "
        "FROM holds h WHERE h.verdict_id = v.id AND " HOLD_ACTIVE("h") ") FROM "
                                                                       "verdicts v ORDER BY v.id";
    int rc = eccn_ledger_prepare(l, sql, &st, err), step;
    if (rc == ECCN_OK)
        sqlite3_bind_text(st, 1, pol->modifier, -1, SQLITE_STATIC);
    while (rc == ECCN_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
        long long id = sqlite3_column_int64(st, 0);
        const char *until = (const char *)sqlite3_column_text(st, 1);
        bool held = sqlite3_column_int(st, 3);
        if (held || !until || strcmp(until, cutoff) >= 0) {
            rep->kept_verdict = id;
            snprintf(rep->kept_why, sizeof rep->kept_why,
                     held    ? "on hold"
                     : until ? "retained until %s"
                             : "no valid ship date",
                     until);
            break;
        }
        if (!rep->first_verdict)
            rep->first_verdict = id;
        rep->last_verdict = id;
        rep->verdicts++;
        if (sqlite3_column_bytes(st, 2) == ECCN_HASH_LEN)
            memcpy(last_hash, sqlite3_column_blob(st, 2), ECCN_HASH_LEN);
    }
    if (rc == ECCN_OK && step != SQLITE_DONE && step != SQLITE_ROW)
        rc = eccn_ledger_fail(l, "cannot read the verdicts", err);
    sqlite3_finalize(st);
    return rc;
}

/* Complete runs whose latest ship date (or start) plus the retention is before the cutoff, and
 * that are not held. */
#define LATEST_SHIP_DATE ECCN_SQL_YMD("max(ship_date)")
#define RUN_R_KEYS ECCN_SQL_RUN_KEYS("key", "r.id")
#define RUNS_DUE                                                                                   \
    "SELECT r.id FROM audit_runs r WHERE r.status = 'complete' AND NOT EXISTS (SELECT 1 FROM "     \
    "holds h WHERE h.run_id = r.id AND " HOLD_ACTIVE(                                              \
        "h") ") AND "                                                                              \
             "date(COALESCE((SELECT " LATEST_SHIP_DATE " FROM audit_results WHERE " RUN_R_KEYS     \
             "), "                                                                                 \
             "substr(r.started_at, 1, 10)), ?2) < ?1 ORDER BY r.id"

static int purge_run(eccn_ledger *l, long long run, int years, const char *before, const char *now,
                     const char *user, eccn_purge_report *rep, eccn_error *err)
{
    const long long ids[] = {run};
    long long rows = 0;
    sqlite3_stmt *sel = NULL;
    int rc = eccn_ledger_prepare(l,
                                 "SELECT " NEXT_CHECKPOINT ", 'audit_run', ?1, "
                                 "COALESCE(min(key & 4294967295), 0), "
                                 "COALESCE(max(key & 4294967295), 0), count(*), (SELECT hash FROM "
                                 "audit_results WHERE " ECCN_SQL_KEYS_OF_RUN1
                                 " ORDER BY key DESC LIMIT 1), ?2, ?3, ?4, ?5 FROM audit_results "
                                 "WHERE " ECCN_SQL_KEYS_OF_RUN1,
                                 &sel, err);
    if (rc == ECCN_OK) {
        sqlite3_bind_int64(sel, 1, run);
        sqlite3_bind_text(sel, 2, before, -1, SQLITE_STATIC);
        sqlite3_bind_text(sel, 3, now, -1, SQLITE_STATIC);
        sqlite3_bind_text(sel, 4, user, -1, SQLITE_STATIC);
        sqlite3_bind_int(sel, 5, years);
        rc =
            sqlite3_step(sel) == SQLITE_ROW
                ? insert_signed(l, "checkpoint", sel, ECCN_CHECKPOINT_NCOLS, INSERT_CHECKPOINT, err)
                : eccn_ledger_fail(l, "cannot record the purge checkpoint", err);
    }
    sqlite3_finalize(sel);
    if (rc == ECCN_OK)
        rc = run_stmt(l, "DELETE FROM audit_results WHERE " ECCN_SQL_KEYS_OF_RUN1, ids, 1, NULL, 0,
                      &rows, err);
    if (rc == ECCN_OK)
        rc = run_stmt(l, "DELETE FROM audit_evals WHERE run_id = ?1", ids, 1, NULL, 0, NULL, err);
    if (rc == ECCN_OK)
        rc = run_stmt(l, "DELETE FROM audit_texts WHERE run_id = ?1", ids, 1, NULL, 0, NULL, err);
    if (rc == ECCN_OK)
        rc = run_stmt(l, "DELETE FROM audit_commits WHERE run_id = ?1", ids, 1, NULL, 0, NULL, err);
    rc = run_stmt(l, "DELETE FROM audit_parties WHERE run_id = ?1", ids, 1, NULL, 0, NULL, err);
    if (rc == ECCN_OK)
        rc = run_stmt(l, "DELETE FROM audit_runs WHERE id = ?1", ids, 1, NULL, 0, NULL, err);
    rep->runs++;
    rep->result_rows += rows;
    return rc;
}

int eccn_retention_purge(eccn_ledger *l, const eccn_retention_policy *pol, const char *before,
                         const char *today, const char *user, eccn_purge_report *rep,
                         eccn_error *err)
{
    char now[21];
    /* "Has passed": the earlier of the date asked for and today. */
    const char *cutoff = strcmp(before, today) < 0 ? before : today;
    unsigned char last_hash[ECCN_HASH_LEN] = {0};
    sqlite3_stmt *due = NULL;
    long long *runs = NULL;
    size_t nruns = 0, cap = 0;
    int rc, step;
    memset(rep, 0, sizeof *rep);
    eccn_utc_now(now);
    if ((rc = eccn_ledger_quick_check(l, err)) != ECCN_OK ||
        (rc = eccn_ledger_exec(l, "BEGIN IMMEDIATE", err)) != ECCN_OK)
        return rc;
    /* A hand-added release would lift a hold, a hand-added checkpoint hide a deletion: each
     * must carry its signature before anything goes. */
    if ((rc = eccn_anchor_check_signed(l, err)) != ECCN_OK ||
        (rc = eccn_ledger_exec(l, "UPDATE ledger_control SET purging = 1", err)) != ECCN_OK ||
        (rc = verdict_prefix(l, pol, cutoff, rep, last_hash, err)) != ECCN_OK)
        goto done;
    if (rep->verdicts) {
        const long long ids[] = {rep->first_verdict, rep->last_verdict, rep->verdicts};
        const char *texts[] = {before, now, user};
        sqlite3_stmt *ck = NULL;
        if ((rc = run_stmt(l, "DELETE FROM verdicts WHERE id BETWEEN ?1 AND ?2", ids, 2, NULL, 0,
                           NULL, err)) != ECCN_OK ||
            (rc = eccn_ledger_prepare(
                 l, "SELECT " NEXT_CHECKPOINT ", 'verdicts', NULL, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8",
                 &ck, err)) != ECCN_OK)
            goto done;
        for (int i = 0; i < 3; i++)
            sqlite3_bind_int64(ck, i + 1, ids[i]);
        sqlite3_bind_blob(ck, 4, last_hash, ECCN_HASH_LEN, SQLITE_STATIC);
        for (int i = 0; i < 3; i++)
            sqlite3_bind_text(ck, i + 5, texts[i], -1, SQLITE_STATIC);
        sqlite3_bind_int(ck, 8, pol->years);
        rc = sqlite3_step(ck) == SQLITE_ROW
                 ? insert_signed(l, "checkpoint", ck, ECCN_CHECKPOINT_NCOLS, INSERT_CHECKPOINT, err)
                 : eccn_ledger_fail(l, "cannot record the purge checkpoint", err);
        sqlite3_finalize(ck);
        if (rc != ECCN_OK)
            goto done;
    }
    if ((rc = eccn_ledger_prepare(l, RUNS_DUE, &due, err)) != ECCN_OK)
        goto done;
    sqlite3_bind_text(due, 1, cutoff, -1, SQLITE_STATIC);
    sqlite3_bind_text(due, 2, pol->modifier, -1, SQLITE_STATIC);
    while ((step = sqlite3_step(due)) == SQLITE_ROW) {
        long long *g = eccn_grow(runs, &cap, nruns + 1, sizeof *g, 16);
        if (!g) {
            rc = ECCN_ENOMEM;
            goto done;
        }
        runs = g;
        runs[nruns++] = sqlite3_column_int64(due, 0);
    }
    if (step != SQLITE_DONE) {
        rc = eccn_ledger_fail(l, "cannot list the runs due", err);
        goto done;
    }
    for (size_t i = 0; rc == ECCN_OK && i < nruns; i++)
        rc = purge_run(l, runs[i], pol->years, before, now, user, rep, err);
    if (rc == ECCN_OK)
        rc = eccn_ledger_exec(l, "UPDATE ledger_control SET purging = 0", err);
    if (rc == ECCN_OK && (rc = eccn_ledger_exec(l, "COMMIT", err)) == ECCN_OK) {
        /* The purged chains' ends are gone, accounted for by the checkpoints just written: the
         * head follows, signing them. */
        l->own_checkpoints = sqlite3_last_insert_rowid(l->db);
        eccn_ledger_anchor(l);
    }
done:
    if (rc != ECCN_OK)
        sqlite3_exec(eccn_ledger_db(l), "ROLLBACK", NULL, NULL, NULL);
    sqlite3_finalize(due);
    free(runs);
    return rc;
}
