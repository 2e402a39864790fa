/* unit_audit.c: unit tests of the audit's ledger store (src/ledger/audit_store) and of the verdict
 * row builder (src/audit/record). `unit_audit NAME` runs one case (CTest registers each),
 * `unit_audit` runs all. A failed CHECK prints the expression and line. */
#include "audit.h"
#include "audit_store.h"
#include "integrity.h"
#include "ledger_internal.h" /* sqlite3, to see the connection's sync level */
#include "record.h"

#include "testing.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static eccn_ruleset *load(void)
{
    eccn_ruleset *rs = NULL;
    eccn_error err = {0};
    if (eccn_ruleset_open(SRC_DIR "/rules", SRC_DIR "/data", NULL, 0, &rs, &err) != ECCN_OK) {
        fprintf(stderr, "cannot load rules: %s\n", err.msg);
        exit(1);
    }
    return rs;
}

/* A fresh ledger in a new directory, with one incomplete run recorded. */
static eccn_ledger *new_ledger(const eccn_ruleset *rs, char dir[32], long long *run_id)
{
    char path[64];
    eccn_ledger *l = NULL;
    eccn_error err = {0};
    strcpy(dir, "/tmp/eccn-store-XXXXXX");
    if (!mkdtemp(dir))
        exit(1);
    snprintf(path, sizeof path, "%s/l.db", dir);
    if (eccn_ledger_open(path, &l, &err) != ECCN_OK ||
        eccn_audit_store_begin_run(l, rs, "inv.csv", 100, "opts", run_id, &err) != ECCN_OK) {
        fprintf(stderr, "cannot start a run: %s\n", err.msg);
        exit(1);
    }
    return l;
}

static void drop_ledger(eccn_ledger *l, const char *dir)
{
    char cmd[64];
    eccn_ledger_close(l);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
}

/* Two good lines and one in error, all referring to text 1 and evaluation 1. */
static eccn_audit_rows *three_lines(long long run_id)
{
    eccn_audit_rows *b = eccn_audit_rows_new(run_id);
    eccn_audit_eval_row e = {.id = 1,
                             .part_id = "h800-sxm5-80gb",
                             .destination = "CN",
                             .headquarters = "CN",
                             .epoch_date = "2024-02-01",
                             .status = "controlled",
                             .eccn = "3A090.a",
                             .verdict = "license_required",
                             .license_exceptions = "[]",
                             .provisions = "[]",
                             .has_tpp = true,
                             .tpp = 15832};
    CHECK(b && eccn_audit_rows_text(b, 1, "H800 SXM5", 9) == ECCN_OK);
    CHECK(eccn_audit_rows_eval(b, &e) == ECCN_OK);
    for (long long line = 2; line <= 4; line++) {
        eccn_audit_result_row r = {.line = line,
                                   .line_id = "SO-1",
                                   .line_id_len = 4,
                                   .part_text = 1,
                                   .quantity = line,
                                   .ship_date = 20240201,
                                   .eval_id = line == 4 ? 0 : 1,
                                   .error = line == 4 ? "bad quantity" : NULL};
        CHECK(eccn_audit_rows_result(b, &r) == ECCN_OK);
    }
    return b;
}

static int count_line(const eccn_audit_line_row *row, void *ctx)
{
    long long *n = ctx;
    CHECK(strcmp(row->line_id, "SO-1") == 0 && strcmp(row->part, "H800 SXM5") == 0);
    CHECK(row->ship_date == 20240201);
    CHECK(strcmp(row->verdict, row->line == 4 ? "error" : "license_required") == 0);
    CHECK(strcmp(row->reason, row->line == 4 ? "bad quantity" : "") == 0);
    (*n)++;
    return ECCN_OK;
}

static int check_eval(const eccn_audit_eval_info *e, void *ctx)
{
    CHECK(e->id == 1 && strcmp(e->part_id, "h800-sxm5-80gb") == 0);
    CHECK(e->lines == 2 && e->quantity == 2 + 3 && e->hq_given == NULL);
    (*(int *)ctx)++;
    return ECCN_OK;
}

/* What is appended, committed and finished reads back as it was written, chained. */
static void store_roundtrip(void)
{
    eccn_ruleset *rs = load();
    char dir[32];
    long long run_id = 0, n = 0;
    int nevals = 0;
    eccn_error err = {0};
    eccn_ledger *l = new_ledger(rs, dir, &run_id);
    eccn_audit_store *w = NULL;
    eccn_audit_rows *b = three_lines(run_id);
    eccn_audit_progress p = {.lines_read = 3, .results = 2, .errors = 1, .offset = 90};
    CHECK(eccn_audit_store_open(l, run_id, &w, &err) == ECCN_OK);
    CHECK(eccn_audit_store_append(w, b, &err) == ECCN_OK);
    CHECK(eccn_audit_store_finish(w, &p, "ab", 100, &err) == ECCN_OK);
    eccn_audit_store_close(w);
    eccn_audit_run_info info;
    CHECK(eccn_audit_store_run(l, run_id, &info, &err) == ECCN_OK);
    CHECK(info.complete && info.lines_read == 3 && info.results == 2 && info.errors == 1);
    CHECK(strcmp(info.sha256, "ab") == 0 && info.resume_line == 0);
    CHECK(eccn_audit_store_find_complete(l, "ab", rs->revision, "opts") == run_id);
    CHECK(eccn_audit_store_find_complete(l, "ab", rs->revision, "other") == 0);
    CHECK(eccn_audit_store_each_line(l, run_id, ECCN_AUDIT_LINES_ALL, 0, count_line, &n, &err) ==
              ECCN_OK &&
          n == 3);
    n = 0;
    CHECK(eccn_audit_store_each_line(l, run_id, ECCN_AUDIT_LINES_ERRORS, 0, count_line, &n, &err) ==
              ECCN_OK &&
          n == 1);
    n = 0;
    CHECK(eccn_audit_store_each_line(l, run_id, ECCN_AUDIT_LINES_LICENCE, 1, count_line, &n,
                                     &err) == ECCN_OK &&
          n == 1); /* the limit */
    CHECK(eccn_audit_store_each_eval(l, run_id, check_eval, &nevals, &err) == ECCN_OK &&
          nevals == 1);
    eccn_integrity_report rep;
    CHECK(eccn_integrity_verify(l, &rep, &err) == ECCN_OK && rep.intact && rep.rows == 6); /* and its seal */
    eccn_audit_rows_free(b);
    drop_ledger(l, dir);
    eccn_ruleset_free(rs);
}

/* Rows appended after the last commit are gone when the writer closes, and the resume position
 * is the last committed one: what a killed audit leaves. */
static void store_rollback_on_close(void)
{
    eccn_ruleset *rs = load();
    char dir[32];
    long long run_id = 0, n = 0;
    eccn_error err = {0};
    eccn_ledger *l = new_ledger(rs, dir, &run_id);
    eccn_audit_store *w = NULL;
    eccn_audit_rows *b = three_lines(run_id);
    eccn_audit_progress p = {
        .lines_read = 3, .results = 2, .errors = 1, .offset = 90, .next_line = 5};
    CHECK(eccn_audit_store_open(l, run_id, &w, &err) == ECCN_OK);
    CHECK(eccn_audit_store_append(w, b, &err) == ECCN_OK);
    CHECK(eccn_audit_store_commit(w, &p, &err) == ECCN_OK);
    eccn_audit_rows_clear(b);
    eccn_audit_result_row r = {.line = 5, .quantity = 1, .error = "no part"};
    CHECK(eccn_audit_rows_result(b, &r) == ECCN_OK);
    CHECK(eccn_audit_store_append(w, b, &err) == ECCN_OK);
    eccn_audit_store_close(w);
    eccn_audit_run_info info;
    CHECK(eccn_audit_store_run(l, run_id, &info, &err) == ECCN_OK);
    CHECK(!info.complete && info.resume_offset == 90 && info.resume_line == 5);
    CHECK(eccn_audit_store_each_line(l, run_id, ECCN_AUDIT_LINES_ALL, 0, count_line, &n, &err) ==
              ECCN_OK &&
          n == 3);
    eccn_audit_rows_free(b);
    drop_ledger(l, dir);
    eccn_ruleset_free(rs);
}

static int sync_level(eccn_ledger *l)
{
    sqlite3_stmt *st = NULL;
    eccn_error err = {0};
    int level = -1;
    if (eccn_ledger_prepare(l, "PRAGMA synchronous", &st, &err) == ECCN_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        level = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return level;
}

/* An audit's commits sync: synchronous is FULL (2) once a run is begun or its writer is open,
 * whatever it was. */
static void store_durable(void)
{
    eccn_ruleset *rs = load();
    char dir[32];
    long long run_id = 0, again = 0;
    eccn_error err = {0};
    eccn_ledger *l = new_ledger(rs, dir, &run_id);
    eccn_audit_store *w = NULL;
    CHECK(eccn_ledger_exec(l, "PRAGMA synchronous=NORMAL", &err) == ECCN_OK && sync_level(l) == 1);
    CHECK(eccn_audit_store_begin_run(l, rs, "inv.csv", 1, "o", &again, &err) == ECCN_OK);
    CHECK(sync_level(l) == 2);
    CHECK(eccn_ledger_exec(l, "PRAGMA synchronous=NORMAL", &err) == ECCN_OK);
    CHECK(eccn_audit_store_open(l, run_id, &w, &err) == ECCN_OK);
    CHECK(sync_level(l) == 2);
    CHECK(eccn_ledger_exec(l, "PRAGMA synchronous=EXTRA", &err) == ECCN_OK);
    eccn_audit_store_close(w);
    CHECK(eccn_audit_store_open(l, run_id, &w, &err) == ECCN_OK);
    CHECK(sync_level(l) == 3); /* never lowered */
    eccn_audit_store_close(w);
    drop_ledger(l, dir);
    eccn_ruleset_free(rs);
}

static int count_item(const eccn_audit_item *it, void *ctx)
{
    long long *n = ctx;
    CHECK(it->line == *n + 2 && it->part == NULL && it->why != NULL);
    (*n)++;
    return ECCN_OK;
}

/* One part number with many descriptions: each line finds its part text and then adds its
 * description to the same map, which grows under the part's entry. The entry must stay valid
 * (it did not before the project's map kept values in place: a use-after-free under ASan). */
static void scan_repeated_part(void)
{
    eccn_ruleset *rs = load();
    char path[] = "/tmp/eccn-scan-XXXXXX";
    int fd = mkstemp(path);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    long long n = 0;
    eccn_error err = {0};
    CHECK(f != NULL);
    if (!f)
        return;
    fputs("part_number,description,qty,ship_to_country,ship_date\n", f);
    for (int i = 0; i < 600; i++)
        fprintf(f, "PN-00001,Widget model %d,1,DE,2024-01-01\n", i);
    fclose(f);
    eccn_audit_opts o = {.path = path};
    CHECK(eccn_audit_scan(rs, &o, count_item, &n, &err) == ECCN_OK && n == 600);
    remove(path);
    eccn_ruleset_free(rs);
}

/* A check's record and an audit's share every field the evaluation decides; the audit's leaves
 * out what an audit_evals row does not hold, and names its exceptions only. */
static void record_kinds(void)
{
    eccn_ruleset *rs = load();
    eccn_error err = {0};
    const eccn_part *part = NULL;
    eccn_result r = {0};
    eccn_record check = {0}, audit = {0};
    /* An SXM5 module: 4A090.a, the ECCN of record of an assembly carrying a 3A090.a IC. */
    CHECK(eccn_catalog_resolve(rs->cat, "H800 SXM5", &part, &err) == ECCN_OK && part);
    eccn_query q = {.part = part, .spec = part->spec, .destination = "CN", .quantity = 1};
    CHECK(eccn_date_parse("2024-02-01", 10, &q.date));
    CHECK(eccn_evaluate(rs, &q, &r, &err) == ECCN_OK);
    CHECK(eccn_record_from_eval(rs, &q, &r, ECCN_RECORD_CHECK, &check) == ECCN_OK);
    CHECK(eccn_record_from_eval(rs, &q, &r, ECCN_RECORD_AUDIT, &audit) == ECCN_OK);
    const eccn_verdict_row *c = &check.row, *a = &audit.row;
    CHECK(strcmp(c->verdict, "license_required") == 0 && strcmp(c->eccn, "4A090.a") == 0);
    CHECK(strcmp(c->verdict, a->verdict) == 0 && strcmp(c->status, a->status) == 0 &&
          strcmp(c->eccn, a->eccn) == 0 && strcmp(c->provisions, a->provisions) == 0 &&
          strcmp(c->ship_date, "2024-02-01") == 0 && strcmp(a->ship_date, c->ship_date) == 0);
    CHECK(strcmp(c->headquarters, "CN") == 0 && strcmp(a->headquarters, "CN") == 0);
    CHECK(c->explanation && c->metrics && c->created_at && !a->explanation && !a->metrics);
    CHECK(check.reason == NULL && audit.reason == NULL);
    eccn_record_free(&check);
    eccn_record_free(&audit);
    eccn_result_free(&r);
    eccn_ruleset_free(rs);
}

static const test_case TESTS[] = {
    {"store_roundtrip", store_roundtrip}, {"store_rollback_on_close", store_rollback_on_close},
    {"store_durable", store_durable},     {"scan_repeated_part", scan_repeated_part},
    {"record_kinds", record_kinds},
};

int main(int argc, char **argv)
{
    return run_tests(TESTS, sizeof TESTS / sizeof *TESTS, argc, argv);
}
