/* screen_query.c: the screening findings recorded, for reports (see screen_query.h). */
#include "screen_query.h"

#include "audit_store.h"
#include "ledger_internal.h"

#include <string.h>

typedef struct rows_ctx {
    int (*fn)(const eccn_ledger_screening *s, void *ctx);
    void *ctx;
} rows_ctx;

/* Columns: run, verdict, role, name, country, result, effect, list, entry, number, note,
 * lists revision, lines. */
static int each(eccn_ledger *l, sqlite3_stmt *st, const rows_ctx *c, eccn_error *err)
{
    int rc = ECCN_OK, step;
    while (rc == ECCN_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
        eccn_ledger_screening s = {.run_id = sqlite3_column_int64(st, 0),
                                   .verdict_id = sqlite3_column_int64(st, 1),
                                   .role = eccn_ledger_col(st, 2),
                                   .name = eccn_ledger_col(st, 3),
                                   .country = eccn_ledger_col(st, 4),
                                   .result = eccn_ledger_col(st, 5),
                                   .effect = eccn_ledger_col(st, 6),
                                   .list = eccn_ledger_col(st, 7),
                                   .entry_name = eccn_ledger_col(st, 8),
                                   .entity_number = eccn_ledger_col(st, 9),
                                   .note = eccn_ledger_col(st, 10),
                                   .lists_revision = eccn_ledger_col(st, 11),
                                   .lines = sqlite3_column_int64(st, 12)};
        rc = c->fn(&s, c->ctx);
    }
    if (rc == ECCN_OK && step != SQLITE_DONE)
        rc = eccn_ledger_fail(l, "cannot read the screening findings", err);
    sqlite3_finalize(st);
    return rc;
}

int eccn_ledger_run_screenings(eccn_ledger *l, long long run_id,
                               int (*fn)(const eccn_ledger_screening *s, void *ctx), void *ctx,
                               eccn_error *err)
{
    sqlite3_stmt *st = NULL;
    rows_ctx c = {fn, ctx};
    /* The lines naming each party, counted in one pass over the run's results. */
    int rc = eccn_ledger_prepare(
        l,
        "WITH n AS (SELECT party, count(*) AS lines FROM (SELECT consignee AS party FROM "
        "audit_results WHERE " ECCN_SQL_KEYS_OF_RUN1 " UNION ALL SELECT end_user FROM "
        "audit_results WHERE " ECCN_SQL_KEYS_OF_RUN1 ") WHERE party IS NOT NULL GROUP BY party), "
        "o AS (SELECT options FROM audit_runs WHERE id=?1) "
        "SELECT ?1, 0, '', p.name, p.country, p.result, p.effect, p.list, p.entry_name, "
        "p.entity_number, p.note, (SELECT CASE WHEN instr(options, 'lists=') > 0 THEN "
        "substr(options, instr(options, 'lists=') + 6, 64) END FROM o), COALESCE(n.lines, 0) "
        "FROM audit_parties p LEFT JOIN n ON n.party = p.id WHERE p.run_id=?1 AND "
        "(p.result <> 'clear' OR p.note IS NOT NULL) ORDER BY p.id",
        &st, err);
    if (rc != ECCN_OK)
        return rc;
    sqlite3_bind_int64(st, 1, run_id);
    return each(l, st, &c, err);
}

/* A check's parties are the objects among its provisions that have a role (party.h's JSON). */
static const char CHECK_SQL[] =
    "SELECT 0, v.id, json_extract(p.value, '$.role'), json_extract(p.value, '$.screening.query'), "
    "json_extract(p.value, '$.screening.country'), CASE WHEN json_extract(p.value, '$.effect') = "
    "'clear' THEN 'clear' ELSE json_extract(p.value, '$.screening.result') END, "
    "json_extract(p.value, '$.effect'), json_extract(p.value, '$.entry.list'), "
    "json_extract(p.value, '$.entry.name'), json_extract(p.value, '$.entry.entity_number'), "
    "CASE WHEN json_extract(p.value, '$.cleared[0].by') IS NOT NULL THEN 'cleared by ' || "
    "json_extract(p.value, '$.cleared[0].by') || ' on ' || "
    "substr(json_extract(p.value, '$.cleared[0].on'), 1, 10) || ': ' || "
    "json_extract(p.value, '$.cleared[0].reason') END, "
    "json_extract(p.value, '$.screening.lists_revision'), 1 "
    "FROM verdicts v, json_each(v.provisions) p WHERE json_extract(p.value, '$.role') IS NOT NULL "
    "AND (json_extract(p.value, '$.effect') <> 'clear' OR "
    "json_extract(p.value, '$.cleared[0].by') IS NOT NULL) AND date(v.created_at) BETWEEN "
    "COALESCE(?1, '0000-00-00') AND COALESCE(?2, '9999-12-31') AND (?3 OR v.what_if IS NULL) "
    "ORDER BY v.id, p.key";

int eccn_ledger_check_screenings(eccn_ledger *l, const char *since, const char *until, bool what_if,
                                 int (*fn)(const eccn_ledger_screening *s, void *ctx), void *ctx,
                                 eccn_error *err)
{
    sqlite3_stmt *st = NULL;
    rows_ctx c = {fn, ctx};
    int rc = eccn_ledger_prepare(l, CHECK_SQL, &st, err);
    if (rc != ECCN_OK)
        return rc;
    if (since)
        sqlite3_bind_text(st, 1, since, -1, SQLITE_STATIC);
    if (until)
        sqlite3_bind_text(st, 2, until, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 3, what_if);
    return each(l, st, &c, err);
}

/* The audit store's reading of a run's parties (audit_store.h), here beside the other
 * screening reads. */
int eccn_audit_store_each_party(eccn_ledger *l, long long run_id,
                                int (*fn)(const eccn_audit_party_row *p, void *ctx), void *ctx,
                                eccn_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = eccn_ledger_prepare(l,
                                 "SELECT id, name, country, result, effect, note FROM "
                                 "audit_parties WHERE run_id=?1 ORDER BY id",
                                 &st, err),
        step = SQLITE_DONE;
    if (rc == ECCN_OK)
        sqlite3_bind_int64(st, 1, run_id);
    while (rc == ECCN_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
        eccn_audit_party_row p = {
            .id = sqlite3_column_int64(st, 0),
            .name = eccn_ledger_col(st, 1),
            .country = eccn_ledger_col(st, 2),
            .result = eccn_ledger_col(st, 3),
            .effect = eccn_ledger_col(st, 4),
            .note = sqlite3_column_type(st, 5) == SQLITE_NULL ? NULL : eccn_ledger_col(st, 5)};
        rc = fn(&p, ctx);
    }
    if (rc == ECCN_OK && step != SQLITE_DONE)
        rc = eccn_ledger_fail(l, "cannot read the run's screened parties", err);
    sqlite3_finalize(st);
    return rc;
}

int eccn_audit_store_party_counts(eccn_ledger *l, long long run_id, eccn_audit_party_counts *out,
                                  eccn_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = eccn_ledger_prepare(l,
                                 "SELECT count(*), COALESCE(sum(result='hit'),0), "
                                 "COALESCE(sum(result='review'),0), "
                                 "COALESCE(sum(note IS NOT NULL),0), COALESCE(max(id),0) FROM "
                                 "audit_parties WHERE run_id=?1",
                                 &st, err);
    memset(out, 0, sizeof *out);
    if (rc != ECCN_OK)
        return rc;
    sqlite3_bind_int64(st, 1, run_id);
    if (sqlite3_step(st) == SQLITE_ROW) {
        long long *v[] = {&out->parties, &out->hits, &out->reviews, &out->cleared, &out->max_id};
        for (int i = 0; i < 5; i++)
            *v[i] = sqlite3_column_int64(st, i);
    } else
        rc = eccn_ledger_fail(l, "cannot count the run's screened parties", err);
    sqlite3_finalize(st);
    return rc;
}
