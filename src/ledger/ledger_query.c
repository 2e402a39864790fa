/* ledger_query.c: the reads behind reports and listings (see ledger_query.h). */
#include "ledger_query.h"

#include "ledger_internal.h"

#include <stdio.h>
#include <string.h>

#define col eccn_ledger_col

static void bind_opt(sqlite3_stmt *st, int i, const char *s)
{
    if (s)
        sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, i);
}

/* Steps st to its end (or fn's first non-zero value); doing names the read in an error. */
static int each_row(eccn_ledger *l, sqlite3_stmt *st, int (*fn)(sqlite3_stmt *st, void *ctx),
                    void *ctx, const char *doing, eccn_error *err)
{
    int rc = ECCN_OK, step;
    while (rc == ECCN_OK && (step = sqlite3_step(st)) == SQLITE_ROW)
        rc = fn(st, ctx);
    if (rc == ECCN_OK && step != SQLITE_DONE)
        rc = eccn_ledger_fail(l, doing, err);
    sqlite3_finalize(st);
    return rc;
}

/* ---- runs ---- */

typedef struct run_ctx {
    int (*fn)(const eccn_ledger_run *run, void *ctx);
    void *ctx;
} run_ctx;

static int run_row(sqlite3_stmt *st, void *vctx)
{
    run_ctx *c = vctx;
    eccn_ledger_run run = {.id = sqlite3_column_int64(st, 0),
                           .started_at = col(st, 1),
                           .status = col(st, 2),
                           .lines_read = sqlite3_column_int64(st, 3),
                           .results = sqlite3_column_int64(st, 4),
                           .errors = sqlite3_column_int64(st, 5),
                           .file = col(st, 6),
                           .sha256 = col(st, 7),
                           .what_if = sqlite3_column_int(st, 8) != 0};
    return c->fn(&run, c->ctx);
}

int eccn_ledger_each_run(eccn_ledger *l, long long run_id, const char *since, const char *until,
                         int (*fn)(const eccn_ledger_run *run, void *ctx), void *ctx,
                         eccn_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = eccn_ledger_prepare(
        l,
        "SELECT id, started_at, status, lines_read, results, errors, file, sha256, "
        "instr(options, 'what_if=') > 0 FROM audit_runs "
        "WHERE "
        "CASE WHEN ?3 <> 0 THEN id = ?3 WHEN ?1 IS NULL AND ?2 IS NULL THEN 1 ELSE "
        "date(started_at) BETWEEN COALESCE(?1, '0000-00-00') AND COALESCE(?2, '9999-12-31') END "
        "ORDER BY id",
        &st, err);
    if (rc != ECCN_OK)
        return rc;
    bind_opt(st, 1, since);
    bind_opt(st, 2, until);
    sqlite3_bind_int64(st, 3, run_id);
    return each_row(l, st, run_row, &(run_ctx){fn, ctx}, "cannot read audit runs", err);
}

static int record_exists(eccn_ledger *l, const char *sql, const char *what, long long id,
                         eccn_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = eccn_ledger_prepare(l, sql, &st, err);
    if (rc != ECCN_OK)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    int step = sqlite3_step(st);
    if (step == SQLITE_DONE)
        rc = eccn_fail(err, ECCN_ENOTFOUND, eccn_ledger_path(l), 0, 0, "no %s %lld in the ledger",
                       what, id);
    else if (step != SQLITE_ROW)
        rc = eccn_ledger_fail(l, "cannot read the ledger", err);
    sqlite3_finalize(st);
    return rc;
}

int eccn_ledger_run_exists(eccn_ledger *l, long long run_id, eccn_error *err)
{
    return record_exists(l, "SELECT 1 FROM audit_runs WHERE id = ?", "audit run", run_id, err);
}

int eccn_ledger_verdict_exists(eccn_ledger *l, long long verdict_id, eccn_error *err)
{
    return record_exists(l, "SELECT 1 FROM verdicts WHERE id = ?", "verdict", verdict_id, err);
}

/* ---- outcomes ---- */

/* The first classification among a provisions JSON array, by id (SQL does the JSON). */
#define FIRST_CLASS(col)                                                                           \
    "(SELECT json_extract(p.value, '$.id') FROM json_each(" col ") p WHERE "                       \
    "json_extract(p.value, '$.kind') = 'classification' LIMIT 1)"

/* The title of the vendor row a provisions array cites (kind "vendor", eval.c), or NULL. */
#define VENDOR_TITLE(col)                                                                          \
    "(SELECT json_extract(p.value, '$.title') FROM json_each(" col ") p WHERE "                    \
    "json_extract(p.value, '$.kind') = 'vendor' LIMIT 1)"

/* Columns 0 to 8 of both outcome queries, in eccn_ledger_outcome's terms. */
static eccn_ledger_outcome outcome_of(sqlite3_stmt *st)
{
    return (eccn_ledger_outcome){.verdict = col(st, 0),
                                 .destination = col(st, 1),
                                 .eccn = col(st, 2),
                                 .exceptions = col(st, 3),
                                 .part_id = col(st, 4),
                                 .tpp = sqlite3_column_double(st, 5),
                                 .has_tpp = sqlite3_column_type(st, 5) != SQLITE_NULL,
                                 .pd = sqlite3_column_double(st, 6),
                                 .has_pd = sqlite3_column_type(st, 6) != SQLITE_NULL,
                                 .classified_by = col(st, 7),
                                 .status = col(st, 8)};
}

static int run_outcome(sqlite3_stmt *st, void *ctx)
{
    const eccn_ledger_outcome_fns *fns = ctx;
    eccn_ledger_outcome o = outcome_of(st);
    o.lines = sqlite3_column_int64(st, 9);
    o.quantity = sqlite3_column_int64(st, 10);
    int latest = sqlite3_column_int(st, 11), earliest = sqlite3_column_int(st, 12);
    if (latest)
        eccn_ymd_format(latest, o.latest);
    if (earliest)
        eccn_ymd_format(earliest, o.earliest);
    o.vendor = sqlite3_column_type(st, 13) == SQLITE_NULL ? NULL : col(st, 13);
    return fns->outcome ? fns->outcome(&o, fns->ctx) : ECCN_OK;
}

static int run_cited(sqlite3_stmt *st, void *ctx)
{
    const eccn_ledger_outcome_fns *fns = ctx;
    int (*fn)(const char *, void *) =
        sqlite3_column_int(st, 0) == 0 ? fns->revision : fns->provision;
    return fn ? fn(col(st, 1), fns->ctx) : ECCN_OK;
}

int eccn_ledger_run_outcomes(eccn_ledger *l, long long run, const eccn_ledger_outcome_fns *fns,
                             eccn_error *err)
{
    sqlite3_stmt *st = NULL;
    /* One pass over the run's results, grouped by evaluation; then the evaluations. */
    int rc = eccn_ledger_prepare(
        l,
        "SELECT COALESCE(e.verdict, 'error'), COALESCE(e.destination, ''), COALESCE(e.eccn, ''), "
        "e.license_exceptions, e.part_id, e.tpp, e.pd, " FIRST_CLASS(
            "e.provisions") ", "
                            "COALESCE(e.status, ''), c.n, c.q, c.latest, c.earliest, " VENDOR_TITLE(
                                "e.provisions") " FROM (SELECT "
                                                "eval_id, count(*) AS n, sum(quantity) AS q, "
                                                "max(ship_date) AS "
                                                "latest, min(ship_date) AS earliest FROM "
                                                "audit_results "
                                                "WHERE " ECCN_SQL_KEYS_OF_RUN1
                                                " GROUP BY eval_id) c LEFT JOIN audit_evals e ON "
                                                "e.run_id = ?1 AND "
                                                "e.id = c.eval_id",
        &st, err);
    if (rc != ECCN_OK)
        return rc;
    sqlite3_bind_int64(st, 1, run);
    if ((rc = each_row(l, st, run_outcome, (void *)fns, "cannot aggregate the audit run", err)) !=
            ECCN_OK ||
        (rc = eccn_ledger_prepare(
             l,
             "SELECT 0, rules_revision FROM audit_runs WHERE id = ?1 UNION ALL SELECT * FROM "
             "(SELECT DISTINCT 1, json_extract(p.value, '$.id') FROM audit_evals e, "
             "json_each(e.provisions) p WHERE e.run_id = ?1 AND json_extract(p.value, '$.kind') "
             "<> 'vendor')",
             &st, err)) != ECCN_OK)
        return rc;
    sqlite3_bind_int64(st, 1, run);
    return each_row(l, st, run_cited, (void *)fns, "cannot read the audit run's provisions", err);
}

typedef struct check_ctx {
    const eccn_ledger_outcome_fns *fns;
    sqlite3_stmt *ids; /* the ids in a provisions array */
} check_ctx;

static int check_outcome(sqlite3_stmt *st, void *vctx)
{
    check_ctx *c = vctx;
    const eccn_ledger_outcome_fns *fns = c->fns;
    eccn_ledger_outcome o = outcome_of(st);
    o.lines = 1;
    o.quantity = sqlite3_column_int64(st, 9);
    snprintf(o.latest, sizeof o.latest, "%s", strlen(col(st, 10)) == 10 ? col(st, 10) : "");
    memcpy(o.earliest, o.latest, sizeof o.earliest);
    o.what_if = sqlite3_column_int(st, 13) != 0;
    o.vendor = sqlite3_column_type(st, 14) == SQLITE_NULL ? NULL : col(st, 14);
    int rc = fns->outcome ? fns->outcome(&o, fns->ctx) : ECCN_OK;
    if (rc == ECCN_OK && fns->revision)
        rc = fns->revision(col(st, 11), fns->ctx);
    sqlite3_bind_text(c->ids, 1, col(st, 12), -1, SQLITE_TRANSIENT);
    while (rc == ECCN_OK && fns->provision && sqlite3_step(c->ids) == SQLITE_ROW)
        rc = fns->provision(col(c->ids, 0), fns->ctx);
    sqlite3_reset(c->ids);
    return rc;
}

int eccn_ledger_check_outcomes(eccn_ledger *l, const char *since, const char *until, bool what_if,
                               const eccn_ledger_outcome_fns *fns, eccn_error *err)
{
    check_ctx c = {.fns = fns};
    sqlite3_stmt *st = NULL;
    int rc = eccn_ledger_prepare(
        l,
        "SELECT verdict, destination, COALESCE(eccn, ''), license_exceptions, part_id, "
        "json_extract(metrics, '$.tpp'), json_extract(metrics, '$.pd'), " FIRST_CLASS(
            "provisions") ", status, quantity, ship_date, rules_revision, provisions, what_if IS "
                          "NOT "
                          "NULL, " VENDOR_TITLE(
                              "provisions") " FROM verdicts WHERE date(created_at) BETWEEN "
                                            "COALESCE(?1, "
                                            "'0000-00-00') AND COALESCE(?2, '9999-12-31') AND (?3 "
                                            "OR what_if IS "
                                            "NULL) ORDER BY id",
        &st, err);
    if (rc != ECCN_OK)
        return rc;
    if ((rc = eccn_ledger_prepare(l,
                                  "SELECT json_extract(value, '$.id') FROM json_each(?1) WHERE "
                                  "json_extract(value, '$.kind') <> 'vendor'",
                                  &c.ids, err)) != ECCN_OK) {
        sqlite3_finalize(st);
        return rc;
    }
    bind_opt(st, 1, since);
    bind_opt(st, 2, until);
    sqlite3_bind_int(st, 3, what_if);
    rc = each_row(l, st, check_outcome, &c, "cannot read the checks", err);
    sqlite3_finalize(c.ids);
    return rc;
}

int eccn_ledger_count_what_if(eccn_ledger *l, const char *since, const char *until, long long *n,
                              eccn_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = eccn_ledger_prepare(l,
                                 "SELECT count(*) FROM verdicts WHERE what_if IS NOT NULL AND "
                                 "date(created_at) BETWEEN COALESCE(?1, '0000-00-00') AND "
                                 "COALESCE(?2, '9999-12-31')",
                                 &st, err);
    if (rc != ECCN_OK)
        return rc;
    bind_opt(st, 1, since);
    bind_opt(st, 2, until);
    if (sqlite3_step(st) == SQLITE_ROW)
        *n = sqlite3_column_int64(st, 0);
    else
        rc = eccn_ledger_fail(l, "cannot count the what-if checks", err);
    sqlite3_finalize(st);
    return rc;
}

/* ---- lines ---- */

/* The first licence provision among a provisions JSON array, by id. */
#define FIRST_LICENCE(col)                                                                         \
    "(SELECT json_extract(p.value, '$.id') FROM json_each(" col ") p WHERE "                       \
    "json_extract(p.value, '$.kind') = 'license' LIMIT 1)"

/* Columns 0 to 13 of both line queries, in eccn_ledger_line's terms. */
#define RUN_LINES                                                                                  \
    "SELECT r.key & 4294967295, COALESCE(r.line_id, ''), COALESCE(p.text, d.text, ''), "           \
    "COALESCE(e.part_id, ''), COALESCE(e.destination, t.text, ''), "                               \
    "CASE WHEN r.ship_date IS NULL THEN '' ELSE " ECCN_SQL_YMD(                                    \
        "r.ship_date") " END, "                                                                    \
                       "COALESCE(e.verdict, 'error'), COALESCE(e.eccn, ''), "                      \
                       "COALESCE(e.review_policy, ''), "                                           \
                       "COALESCE(e.license_exceptions, '[]'), COALESCE(r.error, e.reason, ''), "   \
                       "r.quantity, "                                                              \
                       "COALESCE(" FIRST_LICENCE(                                                  \
                           "e.provisions") ", ''), 0 FROM audit_results r "                        \
                                           "LEFT JOIN audit_evals e ON e.run_id = ?1 AND e.id = "  \
                                           "r.eval_id "                                            \
                                           "LEFT JOIN audit_texts p ON p.run_id = ?1 AND p.id = "  \
                                           "r.part_text "                                          \
                                           "LEFT JOIN audit_texts d ON d.run_id = ?1 AND d.id = "  \
                                           "r.desc_text "                                          \
                                           "LEFT JOIN audit_texts t ON t.run_id = ?1 AND t.id = "  \
                                           "r.dest_text "                                          \
                                           "WHERE " ECCN_SQL_R_KEYS_OF_RUN1
#define CHECK_LINES                                                                                \
    "SELECT id, '', input, COALESCE(part_id, ''), destination, ship_date, verdict, "               \
    "COALESCE(eccn, ''), COALESCE(review_policy, ''), license_exceptions, CASE WHEN verdict = "    \
    "'indeterminate' THEN 'undecided: ' || (SELECT json_extract(p.value, '$.title') FROM "         \
    "json_each(provisions) p LIMIT 1) ELSE '' END, quantity, "                                     \
    "COALESCE(" FIRST_LICENCE("provisions") ", ''), what_if IS NOT NULL FROM verdicts "            \
                                            "WHERE date(created_at) BETWEEN COALESCE(?2, "         \
                                            "'0000-00-00') AND COALESCE(?3, '9999-12-31') "        \
                                            "AND (?4 OR what_if IS NULL)"

typedef struct line_ctx {
    int (*fn)(const eccn_ledger_line *ln, void *ctx);
    void *ctx;
    long long run;
} line_ctx;

static int line_row(sqlite3_stmt *st, void *vctx)
{
    line_ctx *c = vctx;
    eccn_ledger_line ln = {.source = c->run ? "audit" : "check",
                           .run = c->run,
                           .line = sqlite3_column_int64(st, 0),
                           .line_id = col(st, 1),
                           .part = col(st, 2),
                           .resolved = col(st, 3),
                           .dest = col(st, 4),
                           .date = col(st, 5),
                           .verdict = col(st, 6),
                           .eccn = col(st, 7),
                           .policy = col(st, 8),
                           .exceptions = col(st, 9),
                           .reason = col(st, 10),
                           .qty = sqlite3_column_int64(st, 11),
                           .provision = col(st, 12),
                           .what_if = sqlite3_column_int(st, 13) != 0};
    return c->fn(&ln, c->ctx);
}

int eccn_ledger_run_lines(eccn_ledger *l, long long run, eccn_ledger_lines_of which,
                          int (*fn)(const eccn_ledger_line *ln, void *ctx), void *ctx,
                          eccn_error *err)
{
    static const char *const SQL[] = {
        [ECCN_LINES_ALL] = RUN_LINES " ORDER BY r.key",
        [ECCN_LINES_PROBLEMS] = RUN_LINES " AND (r.error IS NOT NULL OR r.eval_id IN (SELECT id "
                                          "FROM audit_evals WHERE run_id = ?1 AND verdict = "
                                          "'indeterminate')) ORDER BY r.key",
        [ECCN_LINES_LICENCE] = RUN_LINES " AND r.eval_id IN (SELECT id FROM audit_evals WHERE "
                                         "run_id = ?1 AND verdict = 'license_required') ORDER BY "
                                         "r.key"};
    sqlite3_stmt *st = NULL;
    int rc = eccn_ledger_prepare(l, SQL[which], &st, err);
    if (rc != ECCN_OK)
        return rc;
    sqlite3_bind_int64(st, 1, run);
    return each_row(l, st, line_row, &(line_ctx){fn, ctx, run}, "cannot read the report's lines",
                    err);
}

int eccn_ledger_check_lines(eccn_ledger *l, const char *since, const char *until,
                            eccn_ledger_lines_of which, bool what_if,
                            int (*fn)(const eccn_ledger_line *ln, void *ctx), void *ctx,
                            eccn_error *err)
{
    static const char *const SQL[] = {
        [ECCN_LINES_ALL] = CHECK_LINES " ORDER BY id",
        [ECCN_LINES_PROBLEMS] = CHECK_LINES " AND verdict = 'indeterminate' ORDER BY id",
        [ECCN_LINES_LICENCE] = CHECK_LINES " AND verdict = 'license_required' ORDER BY id"};
    sqlite3_stmt *st = NULL;
    int rc = eccn_ledger_prepare(l, SQL[which], &st, err);
    if (rc != ECCN_OK)
        return rc;
    bind_opt(st, 2, since);
    bind_opt(st, 3, until);
    sqlite3_bind_int(st, 4, what_if);
    return each_row(l, st, line_row, &(line_ctx){fn, ctx, 0}, "cannot read the report's lines",
                    err);
}

/* ---- provisions ---- */

typedef struct prov_ctx {
    int (*fn)(const eccn_ledger_provision *p, void *ctx);
    void *ctx;
} prov_ctx;

static int prov_row(sqlite3_stmt *st, void *vctx)
{
    prov_ctx *c = vctx;
    eccn_ledger_provision p = {
        .id = col(st, 0),
        .kind = col(st, 1),
        .title = col(st, 2),
        .citation = col(st, 3),
        .source = col(st, 4),
        .eccn = col(st, 5),
        .effective = col(st, 6),
        .ends = col(st, 7),
        .tests = col(st, 8),
        .other_tests = sqlite3_column_type(st, 9) == SQLITE_NULL ? -1 : sqlite3_column_int(st, 9)};
    return c->fn(&p, c->ctx);
}

int eccn_ledger_revision_provisions(eccn_ledger *l, const char *revision,
                                    int (*fn)(const eccn_ledger_provision *p, void *ctx), void *ctx,
                                    eccn_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = eccn_ledger_prepare(
        l,
        "SELECT json_extract(p.value, '$.id'), json_extract(p.value, '$.kind'), "
        "json_extract(p.value, '$.title'), json_extract(p.value, '$.citation'), "
        "json_extract(p.value, '$.source'), json_extract(p.value, '$.eccn'), "
        "json_extract(p.value, '$.effective'), json_extract(p.value, '$.ends'), "
        "json_extract(p.value, '$.tests'), json_extract(p.value, '$.other_tests') "
        "FROM rules_revisions r, json_each(r.provisions) p WHERE r.revision = ?",
        &st, err);
    if (rc != ECCN_OK)
        return rc;
    sqlite3_bind_text(st, 1, revision, -1, SQLITE_STATIC);
    return each_row(l, st, prov_row, &(prov_ctx){fn, ctx}, "cannot read a rules revision", err);
}

typedef struct test_ctx {
    int (*fn)(const char *metric, const char *op, double value, void *ctx);
    void *ctx;
} test_ctx;

static int test_row(sqlite3_stmt *st, void *vctx)
{
    test_ctx *c = vctx;
    return c->fn(col(st, 0), col(st, 1), sqlite3_column_double(st, 2), c->ctx);
}

int eccn_ledger_provision_tests(eccn_ledger *l, const char *tests,
                                int (*fn)(const char *metric, const char *op, double value,
                                          void *ctx),
                                void *ctx, eccn_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = eccn_ledger_prepare(l,
                                 "SELECT json_extract(value, '$.metric'), json_extract(value, "
                                 "'$.op'), json_extract(value, '$.value') FROM json_each(?)",
                                 &st, err);
    if (rc != ECCN_OK)
        return rc;
    sqlite3_bind_text(st, 1, tests, -1, SQLITE_STATIC);
    return each_row(l, st, test_row, &(test_ctx){fn, ctx}, "cannot read a provision's tests", err);
}
