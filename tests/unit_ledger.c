/* unit_ledger.c: unit tests of the ledger module: opening, the hash chain, retention, and the
 * queries reports are built from. `unit_ledger NAME` runs one case (CTest registers each), each in
 * a directory of its own. It uses SQLite directly only to tamper with a ledger as someone with the
 * file and the sqlite3 tool could. */
#include "testing.h"

#include "audit.h"
#include "integrity.h"
#include "ledger.h"
#include "ledger_query.h"
#include "retention.h"
#include "rules.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *rules_dir = SRC_DIR "/rules", *data_dir = SRC_DIR "/data";
static char dir[128], ledger_path[160];
static eccn_ruleset *rs;

/* The case's own directory (in the program's, which run_tests removes) and ledger path, and the
 * rule set verdicts are recorded against. */
static void setup(const char *name)
{
    eccn_error err = {0};
    snprintf(dir, sizeof dir, "%s/%s", make_test_dir(), name);
    if (mkdir(dir, 0700) != 0 ||
        eccn_ruleset_open(rules_dir, data_dir, NULL, 0, &rs, &err) != ECCN_OK) {
        fprintf(stderr, "setup of %s failed: %s\n", name, err.msg);
        exit(1);
    }
    snprintf(ledger_path, sizeof ledger_path, "%s/ledger.db", dir);
}

static eccn_verdict_row verdict(const char *created, const char *dest, const char *ship,
                                const char *outcome)
{
    return (eccn_verdict_row){
        .created_at = (char *)created,
        .user = "tester",
        .tool_version = "0.1.0",
        .rules_revision = rs->revision,
        .input_kind = "sku",
        .input = "H800 SXM5",
        .spec = "{}",
        .part_id = "h800-sxm5",
        .destination = (char *)dest,
        .headquarters = (char *)dest,
        .hq_assumed = 1,
        .ship_date = (char *)ship,
        .quantity = 5,
        .metrics = "{\"tpp\":15800,\"pd\":19.5}",
        .status = "controlled",
        .eccn = "3A090.a",
        .verdict = (char *)outcome,
        .license_exceptions = "[]",
        .provisions = "[{\"id\":\"undecided-thing\",\"kind\":\"classification\",\"title\":"
                      "\"Undecided thing\"}]",
        .explanation = "[]"};
}

/* A new ledger with n verdicts shipped on ships[i] (all recorded in 2024), closed again. */
static void ledger_with(int n, const char *const *ships)
{
    eccn_ledger *l = NULL;
    eccn_error err = {0};
    CHECK(eccn_ledger_open(ledger_path, &l, &err) == ECCN_OK);
    for (int i = 0; l && i < n; i++) {
        eccn_verdict_row row = verdict("2024-01-10T10:00:00Z", "CN", ships[i], "license_required");
        long long id = 0;
        CHECK(eccn_ledger_add_verdict(l, rs, &row, &id, &err) == ECCN_OK && id == i + 1);
    }
    eccn_ledger_close(l);
}

static const char *const SHIPS[] = {"2024-01-01", "2024-01-02", "2024-01-03", "2024-01-04"};

/* Runs sql on the ledger as an editor with the sqlite3 tool would, past the append-only guards. */
static void tamper(const char *sql)
{
    sqlite3 *db = NULL;
    char *msg = NULL;
    CHECK(sqlite3_open(ledger_path, &db) == SQLITE_OK);
    int rc = sqlite3_exec(db, "UPDATE ledger_control SET purging = 1", NULL, NULL, &msg);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK)
        fprintf(stderr, "tamper: %s\n", msg);
    CHECK(rc == SQLITE_OK);
    sqlite3_exec(db, "UPDATE ledger_control SET purging = 0", NULL, NULL, NULL);
    sqlite3_free(msg);
    sqlite3_close(db);
}

static eccn_integrity_report verify(void)
{
    eccn_ledger *l = NULL;
    eccn_error err = {0};
    eccn_integrity_report rep = {0};
    CHECK(eccn_ledger_open_existing(ledger_path, &l, &err) == ECCN_OK);
    CHECK(l && eccn_integrity_verify(l, &rep, &err) == ECCN_OK);
    eccn_ledger_close(l);
    return rep;
}

/* ---- the ledger ---- */

static void test_add_get(void)
{
    eccn_ledger *l = NULL;
    eccn_error err = {0};
    eccn_verdict_row row = verdict("2024-01-10T10:00:00Z", "CN", "2024-02-01", "license_required"),
                     got = {0};
    long long id = 0;
    char wal[160];
    struct stat st;
    CHECK(eccn_ledger_open(ledger_path, &l, &err) == ECCN_OK);
    CHECK(eccn_ledger_add_verdict(l, rs, &row, &id, &err) == ECCN_OK && id == 1);
    /* The owner's alone, whatever the umask, and so is the log SQLite makes beside it. */
    snprintf(wal, sizeof wal, "%s-wal", ledger_path);
    CHECK(stat(ledger_path, &st) == 0 && (st.st_mode & 0777) == 0600);
    CHECK(stat(wal, &st) == 0 && (st.st_mode & 0777) == 0600);
    CHECK(eccn_ledger_get_verdict(l, id, &got, &err) == ECCN_OK);
    CHECK(got.id == 1 && strcmp(got.destination, "CN") == 0 &&
          strcmp(got.ship_date, "2024-02-01") == 0 && got.quantity == 5 && got.hq_assumed == 1 &&
          strcmp(got.rules_revision, rs->revision) == 0 && !got.consignee &&
          strcmp(got.metrics, row.metrics) == 0);
    eccn_verdict_row_free(&got);
    CHECK(eccn_ledger_get_verdict(l, 2, &got, &err) == ECCN_ENOTFOUND);
    /* A row the schema refuses (an unknown input kind) leaves nothing behind. */
    row.input_kind = "guess";
    CHECK(eccn_ledger_add_verdict(l, rs, &row, &id, &err) == ECCN_EDB);
    eccn_ledger_close(l);
    CHECK(verify().intact && verify().rows == 1);
}

/* Group commit (eccn serve): a batch is chained in order in one transaction, all or none. */
static void test_add_batch(void)
{
    eccn_ledger *l = NULL;
    eccn_error err = {0};
    eccn_verdict_row rows[3] = {
        verdict("2024-01-10T10:00:00Z", "CN", "2024-02-01", "license_required"),
        verdict("2024-01-10T10:00:01Z", "DE", "2024-02-01", "no_license_required"),
        verdict("2024-01-10T10:00:02Z", "VN", "2024-02-01", "license_required")};
    eccn_verdict_entry v[3];
    for (int i = 0; i < 3; i++)
        v[i] = (eccn_verdict_entry){.rs = rs, .row = &rows[i]};
    CHECK(eccn_ledger_open(ledger_path, &l, &err) == ECCN_OK);
    CHECK(l && eccn_ledger_add_verdicts(l, v, 3, &err) == ECCN_OK);
    CHECK(v[0].id == 1 && v[1].id == 2 && v[2].id == 3);
    /* One row the schema refuses: the whole batch is refused, nothing is left behind. */
    rows[1].input_kind = "guess";
    CHECK(l && eccn_ledger_add_verdicts(l, v, 3, &err) == ECCN_EDB);
    eccn_verdict_row got = {0};
    CHECK(l && eccn_ledger_get_verdict(l, 4, &got, &err) == ECCN_ENOTFOUND);
    eccn_ledger_close(l);
    eccn_integrity_report rep = verify();
    CHECK(rep.intact && rep.rows == 3);
}

static void test_refuses_foreign(void)
{
    sqlite3 *db = NULL;
    eccn_ledger *l = NULL;
    eccn_error err = {0};
    CHECK(sqlite3_open(ledger_path, &db) == SQLITE_OK &&
          sqlite3_exec(db, "CREATE TABLE mine(x); INSERT INTO mine VALUES (42)", NULL, NULL,
                       NULL) == SQLITE_OK);
    sqlite3_close(db);
    CHECK(eccn_ledger_open(ledger_path, &l, &err) == ECCN_EDB && !l);
    CHECK(strstr(err.msg, "not an eccn ledger") != NULL);
    /* Untouched: no ledger table, no version. */
    sqlite3_stmt *st = NULL;
    CHECK(sqlite3_open(ledger_path, &db) == SQLITE_OK &&
          sqlite3_prepare_v2(db,
                             "SELECT (SELECT count(*) FROM sqlite_schema), (SELECT user_version "
                             "FROM pragma_user_version), (SELECT x FROM mine)",
                             -1, &st, NULL) == SQLITE_OK &&
          sqlite3_step(st) == SQLITE_ROW);
    CHECK(sqlite3_column_int(st, 0) == 1 && sqlite3_column_int(st, 1) == 0 &&
          sqlite3_column_int(st, 2) == 42);
    sqlite3_finalize(st);
    sqlite3_close(db);
}

static void test_present_missing(void)
{
    eccn_ledger *l = NULL;
    eccn_error err = {0};
    CHECK(eccn_ledger_open_present(ledger_path, &l, &err) == ECCN_ENOTFOUND && !l);
    CHECK(access(ledger_path, F_OK) != 0); /* a mistyped path is not created */
    CHECK(eccn_ledger_open_existing(ledger_path, &l, &err) == ECCN_ENOTFOUND && !l);
}

/* ---- the chain ---- */

static void test_chain_changed(void)
{
    ledger_with(3, SHIPS);
    CHECK(verify().intact);
    tamper("UPDATE verdicts SET destination = 'DE' WHERE id = 2");
    eccn_integrity_report rep = verify();
    CHECK(!rep.intact && strcmp(rep.chain, "verdicts") == 0 && rep.key == 2);
    CHECK(strstr(rep.what, "does not match its hash") != NULL);
}

static void deleted(long long id, bool detected_in_chain)
{
    ledger_with(4, SHIPS);
    eccn_integrity_report before = verify();
    char sql[64];
    snprintf(sql, sizeof sql, "DELETE FROM verdicts WHERE id = %lld", id);
    tamper(sql);
    eccn_integrity_report rep = verify();
    if (detected_in_chain) {
        /* The row after the gap is named, with the ids that went. */
        CHECK(!rep.intact && strcmp(rep.chain, "verdicts") == 0 && rep.key == id + 1);
        CHECK(strstr(rep.what, "were deleted") != NULL);
    } else {
        /* A cut tail leaves a whole chain: only the head kept outside the ledger shows it. */
        CHECK(rep.intact && rep.rows == 3 && rep.has_head && before.has_head &&
              memcmp(rep.head, before.head, ECCN_HASH_LEN) != 0);
    }
}

static void test_chain_deleted_first(void)
{
    deleted(1, true);
}

static void test_chain_deleted_middle(void)
{
    deleted(2, true);
}

static void test_chain_deleted_last(void)
{
    deleted(4, false);
}

static void test_chain_inserted(void)
{
    ledger_with(3, SHIPS);
    /* A copy of the last row, its hash included, appended as a fourth. */
    tamper("INSERT INTO verdicts SELECT 4, created_at, user, tool_version, rules_revision, "
           "input_kind, input, spec, part_id, part_name, destination, headquarters, hq_assumed, "
           "ship_date, quantity, consignee, metrics, status, eccn, verdict, review_policy, "
           "license_exceptions, provisions, explanation, what_if, hash FROM verdicts WHERE id = 3");
    eccn_integrity_report rep = verify();
    CHECK(!rep.intact && strcmp(rep.chain, "verdicts") == 0 && rep.key == 4);
    CHECK(strstr(rep.what, "does not match its hash") != NULL);
    /* And one without a hash at all. */
    tamper("DELETE FROM verdicts WHERE id = 4; INSERT INTO verdicts SELECT 4, created_at, user, "
           "tool_version, rules_revision, input_kind, input, spec, part_id, part_name, "
           "destination, headquarters, hq_assumed, ship_date, quantity, consignee, metrics, "
           "status, eccn, verdict, review_policy, license_exceptions, provisions, explanation, "
           "what_if, NULL FROM verdicts WHERE id = 3");
    rep = verify();
    CHECK(!rep.intact && rep.key == 4 && strstr(rep.what, "inserted outside eccn") != NULL);
}

/* ---- retention ---- */

static void purge(const char *before, eccn_purge_report *rep)
{
    eccn_ledger *l = NULL;
    eccn_error err = {0};
    eccn_retention_policy pol;
    CHECK(eccn_retention_load(data_dir, &pol, &err) == ECCN_OK && pol.years == 5);
    CHECK(eccn_ledger_open_present(ledger_path, &l, &err) == ECCN_OK);
    CHECK(l && eccn_retention_purge(l, &pol, before, "2099-01-01", "tester", rep, &err) == ECCN_OK);
    eccn_ledger_close(l);
}

static bool exists(long long id)
{
    eccn_ledger *l = NULL;
    eccn_error err = {0};
    eccn_verdict_row row = {0};
    CHECK(eccn_ledger_open_existing(ledger_path, &l, &err) == ECCN_OK);
    int rc = l ? eccn_ledger_get_verdict(l, id, &row, &err) : ECCN_EDB;
    CHECK(rc == ECCN_OK || rc == ECCN_ENOTFOUND);
    eccn_verdict_row_free(&row);
    eccn_ledger_close(l);
    return rc == ECCN_OK;
}

static void test_purge_period(void)
{
    static const char *const ships[] = {"2010-03-01", "2012-03-01", "2020-03-01"};
    eccn_purge_report rep;
    ledger_with(3, ships);
    /* Kept until 2015-03-01, 2017-03-01 and 2025-03-01: only the first has passed by 2016. */
    purge("2016-01-01", &rep);
    CHECK(rep.verdicts == 1 && rep.first_verdict == 1 && rep.last_verdict == 1);
    CHECK(rep.kept_verdict == 2 && strstr(rep.kept_why, "2017-03-01") != NULL);
    CHECK(!exists(1) && exists(2) && exists(3));
    /* The checkpoint carries the chain on from the purged row. */
    eccn_integrity_report v = verify();
    CHECK(v.intact && v.rows == 2);
    purge("2016-01-01", &rep); /* nothing more has passed */
    CHECK(rep.verdicts == 0 && exists(2));
}

static void test_purge_hold(void)
{
    static const char *const ships[] = {"2010-03-01", "2011-03-01", "2012-03-01"};
    eccn_ledger *l = NULL;
    eccn_error err = {0};
    eccn_purge_report rep;
    long long hold = 0, released = 0;
    ledger_with(3, ships);
    CHECK(eccn_ledger_open_present(ledger_path, &l, &err) == ECCN_OK);
    CHECK(eccn_retention_hold(l, 2, 0, "litigation", "tester", &hold, &err) == ECCN_OK && hold);
    eccn_ledger_close(l);
    /* All three have passed, but the chain is purged only up to the held one. */
    purge("2030-01-01", &rep);
    CHECK(rep.verdicts == 1 && rep.kept_verdict == 2 && strcmp(rep.kept_why, "on hold") == 0);
    CHECK(!exists(1) && exists(2) && exists(3));
    CHECK(verify().intact);
    CHECK(eccn_ledger_open_present(ledger_path, &l, &err) == ECCN_OK);
    CHECK(eccn_retention_release(l, 2, 0, "tester", &released, &err) == ECCN_OK && released == 1);
    eccn_ledger_close(l);
    purge("2030-01-01", &rep);
    CHECK(rep.verdicts == 2 && !exists(2) && !exists(3));
    eccn_integrity_report v = verify();
    CHECK(v.intact && v.rows == 0);
}

/* ---- the report's queries ---- */

typedef struct tally {
    long long lines[4],
        quantity[4]; /* license_required, no_license_required, indeterminate, error */
    int revisions, provisions, outcomes;
    char latest[11];
    char seen[256];
} tally;

static int tally_outcome(const eccn_ledger_outcome *o, void *ctx)
{
    tally *t = ctx;
    static const char *const words[] = {"license_required", "no_license_required", "indeterminate",
                                        "error"};
    int i = 0;
    while (i < 4 && strcmp(o->verdict, words[i]))
        i++;
    CHECK(i < 4);
    if (i < 4) {
        t->lines[i] += o->lines;
        t->quantity[i] += o->quantity;
    }
    if (strcmp(o->latest, t->latest) > 0)
        snprintf(t->latest, sizeof t->latest, "%s", o->latest);
    t->outcomes++;
    return ECCN_OK;
}

static int tally_revision(const char *revision, void *ctx)
{
    CHECK(strcmp(revision, rs->revision) == 0);
    ((tally *)ctx)->revisions++;
    return ECCN_OK;
}

static int tally_provision(const char *id, void *ctx)
{
    CHECK(*id != '\0');
    ((tally *)ctx)->provisions++;
    return ECCN_OK;
}

static int tally_line(const eccn_ledger_line *ln, void *ctx)
{
    tally *t = ctx;
    size_t used = strlen(t->seen);
    snprintf(t->seen + used, sizeof t->seen - used, "%s%s:%lld:%lld:%s:%s", used ? " " : "",
             ln->source, ln->run, ln->line, ln->verdict, ln->reason);
    return ECCN_OK;
}

/* "id:provision" per line, "what-if:" before the provision of a what-if line. */
static int tally_marked(const eccn_ledger_line *ln, void *ctx)
{
    tally *t = ctx;
    size_t used = strlen(t->seen);
    snprintf(t->seen + used, sizeof t->seen - used, "%s%lld:%s%s", used ? " " : "", ln->line,
             ln->what_if ? "what-if:" : "", ln->provision);
    return ECCN_OK;
}

static int count_run(const eccn_ledger_run *run, void *ctx)
{
    CHECK(strcmp(run->status, "complete") == 0 && run->lines_read == 4 && run->errors == 1);
    (*(int *)ctx)++;
    return ECCN_OK;
}

static void test_report_checks(void)
{
    eccn_ledger *l = NULL;
    eccn_error err = {0};
    long long id;
    CHECK(eccn_ledger_open(ledger_path, &l, &err) == ECCN_OK);
    const char *made[] = {"2024-01-10T10:00:00Z", "2024-02-10T10:00:00Z", "2024-03-10T10:00:00Z"};
    const char *outcome[] = {"license_required", "indeterminate", "no_license_required"};
    const char *ship[] = {"2024-01-20", "2024-02-20", "2024-03-20"};
    for (int i = 0; l && i < 3; i++) {
        eccn_verdict_row row = verdict(made[i], i ? "DE" : "CN", ship[i], outcome[i]);
        CHECK(eccn_ledger_add_verdict(l, rs, &row, &id, &err) == ECCN_OK);
    }
    tally all = {0}, feb = {0}, lines = {0}, problems = {0};
    eccn_ledger_outcome_fns fns = {tally_outcome, tally_revision, tally_provision, &all};
    CHECK(eccn_ledger_check_outcomes(l, NULL, NULL, false, &fns, &err) == ECCN_OK);
    CHECK(all.outcomes == 3 && all.lines[0] == 1 && all.lines[1] == 1 && all.lines[2] == 1 &&
          all.quantity[0] == 5 && all.revisions == 3 && all.provisions == 3 &&
          strcmp(all.latest, "2024-03-20") == 0);
    fns.ctx = &feb;
    CHECK(eccn_ledger_check_outcomes(l, "2024-02-01", "2024-02-29", false, &fns, &err) == ECCN_OK);
    CHECK(feb.outcomes == 1 && feb.lines[2] == 1 && strcmp(feb.latest, "2024-02-20") == 0);
    CHECK(eccn_ledger_check_lines(l, NULL, NULL, ECCN_LINES_ALL, false, tally_line, &lines, &err) ==
          ECCN_OK);
    CHECK(strcmp(lines.seen, "check:0:1:license_required: check:0:2:indeterminate:undecided: "
                             "Undecided thing check:0:3:no_license_required:") == 0);
    CHECK(eccn_ledger_check_lines(l, NULL, NULL, ECCN_LINES_PROBLEMS, false, tally_line, &problems,
                                  &err) == ECCN_OK);
    CHECK(strcmp(problems.seen, "check:0:2:indeterminate:undecided: Undecided thing") == 0);
    int runs = 0;
    CHECK(eccn_ledger_each_run(l, 0, NULL, NULL, count_run, &runs, &err) == ECCN_OK && !runs);
    eccn_retention_policy pol;
    char until[16];
    CHECK(eccn_retention_load(data_dir, &pol, &err) == ECCN_OK);
    CHECK(eccn_retention_keep_until(l, &pol, "2020-02-29", until, &err) == ECCN_OK &&
          strcmp(until, "2025-03-01") == 0);
    eccn_ledger_close(l);
}

/* A check recorded under --what-if is left out of a report's reads unless asked for, counted
 * apart, and marked when included; a licence line names its licence provision. */
static void test_report_what_if(void)
{
    eccn_ledger *l = NULL;
    eccn_error err = {0};
    long long id, n = -1;
    CHECK(eccn_ledger_open(ledger_path, &l, &err) == ECCN_OK);
    eccn_verdict_row real = verdict("2024-01-10T10:00:00Z", "CN", "2024-01-20", "license_required");
    real.provisions = "[{\"id\":\"c\",\"kind\":\"classification\"},{\"id\":\"lic\","
                      "\"kind\":\"license\"}]";
    eccn_verdict_row what_if =
        verdict("2024-01-11T10:00:00Z", "DE", "2024-01-21", "license_required");
    what_if.what_if = "[\"draft.yaml\"]";
    CHECK(l && eccn_ledger_add_verdict(l, rs, &real, &id, &err) == ECCN_OK);
    CHECK(l && eccn_ledger_add_verdict(l, rs, &what_if, &id, &err) == ECCN_OK);
    tally left = {0}, all = {0}, lines = {0}, licence = {0};
    eccn_ledger_outcome_fns fns = {tally_outcome, NULL, NULL, &left};
    CHECK(eccn_ledger_check_outcomes(l, NULL, NULL, false, &fns, &err) == ECCN_OK);
    CHECK(left.outcomes == 1);
    fns.ctx = &all;
    CHECK(eccn_ledger_check_outcomes(l, NULL, NULL, true, &fns, &err) == ECCN_OK);
    CHECK(all.outcomes == 2);
    CHECK(eccn_ledger_count_what_if(l, NULL, NULL, &n, &err) == ECCN_OK && n == 1);
    CHECK(eccn_ledger_count_what_if(l, "2024-01-11", NULL, &n, &err) == ECCN_OK && n == 1);
    CHECK(eccn_ledger_count_what_if(l, "2024-01-12", NULL, &n, &err) == ECCN_OK && n == 0);
    CHECK(eccn_ledger_check_lines(l, NULL, NULL, ECCN_LINES_ALL, false, tally_line, &lines, &err) ==
          ECCN_OK);
    CHECK(strcmp(lines.seen, "check:0:1:license_required:") == 0);
    CHECK(eccn_ledger_check_lines(l, NULL, NULL, ECCN_LINES_LICENCE, true, tally_marked, &licence,
                                  &err) == ECCN_OK);
    CHECK(strcmp(licence.seen, "1:lic 2:what-if:") == 0);
    eccn_ledger_close(l);
}

static int count_provision(const eccn_ledger_provision *p, void *ctx)
{
    CHECK(*p->id && *p->kind && *p->citation);
    (*(int *)ctx)++;
    return ECCN_OK;
}

static void test_report_run(void)
{
    char csv[160];
    snprintf(csv, sizeof csv, "%s/inv.csv", dir);
    FILE *f = fopen(csv, "w");
    CHECK(f != NULL);
    if (!f)
        return;
    fputs("order_line,part_number,description,qty,ship_to_country,ship_date\n"
          "A-1,,NVIDIA A100 SXM4 80GB,8,CN,2023-06-01\n"
          "A-2,,NVIDIA A800 SXM4 80GB,7,CN,2023-06-01\n"
          "A-3,,Gaudi 2 HL-225B,2,CN,2023-07-01\n"
          "A-4,,NVIDIA L40S,3,Atlantis,2024-06-01\n",
          f);
    fclose(f);
    eccn_ledger *l = NULL;
    eccn_error err = {0};
    eccn_audit_summary s = {0};
    CHECK(eccn_ledger_open(ledger_path, &l, &err) == ECCN_OK);
    CHECK(l && eccn_audit_run(rs, l, &(eccn_audit_opts){.path = csv}, &s, &err) == ECCN_OK);
    tally t = {0}, lines = {0}, problems = {0};
    eccn_ledger_outcome_fns fns = {tally_outcome, tally_revision, tally_provision, &t};
    CHECK(eccn_ledger_run_outcomes(l, s.run_id, &fns, &err) == ECCN_OK);
    CHECK(t.lines[0] == 1 && t.lines[1] == 1 && t.lines[2] == 1 && t.lines[3] == 1);
    CHECK(t.quantity[0] == 8 && t.quantity[1] == 7 && t.quantity[2] == 2);
    /* The latest date is A-4's: a line in error keeps the ship date it was given. */
    CHECK(t.revisions == 1 && t.provisions >= 1 && strcmp(t.latest, "2024-06-01") == 0);
    CHECK(eccn_ledger_run_lines(l, s.run_id, ECCN_LINES_ALL, tally_line, &lines, &err) == ECCN_OK);
    CHECK(strncmp(lines.seen, "audit:1:2:license_required: audit:1:3:no_license_required: ", 59) ==
          0);
    CHECK(eccn_ledger_run_lines(l, s.run_id, ECCN_LINES_PROBLEMS, tally_line, &problems, &err) ==
          ECCN_OK);
    CHECK(strncmp(problems.seen, "audit:1:4:indeterminate:", 24) == 0 &&
          strstr(problems.seen, " audit:1:5:error:unknown destination country 'Atlantis'"));
    int runs = 0, provisions = 0;
    CHECK(eccn_ledger_each_run(l, s.run_id, "2999-01-01", NULL, count_run, &runs, &err) ==
              ECCN_OK &&
          runs == 1); /* a run asked for by id ignores the dates */
    CHECK(eccn_ledger_each_run(l, 0, "2999-01-01", NULL, count_run, &runs, &err) == ECCN_OK &&
          runs == 1);
    CHECK(eccn_ledger_revision_provisions(l, rs->revision, count_provision, &provisions, &err) ==
              ECCN_OK &&
          provisions == (int)rs->nprovs);
    /* The run exists, the next one does not, and nor does a verdict of an audit (an audit's
     * lines are not verdicts). */
    CHECK(eccn_ledger_run_exists(l, s.run_id, &err) == ECCN_OK);
    CHECK(eccn_ledger_run_exists(l, s.run_id + 1, &err) == ECCN_ENOTFOUND);
    CHECK(strstr(err.msg, "no audit run 2 in the ledger") != NULL);
    CHECK(eccn_ledger_verdict_exists(l, 1, &err) == ECCN_ENOTFOUND);
    CHECK(strstr(err.msg, "no verdict 1 in the ledger") != NULL);
    eccn_audit_summary_free(&s);
    eccn_ledger_close(l);
}

/* Each case in a directory of its own, with the rule set loaded. */
#define CASE(name)                                                                                 \
    static void case_##name(void)                                                                  \
    {                                                                                              \
        setup(#name);                                                                              \
        test_##name();                                                                             \
        eccn_ruleset_free(rs);                                                                     \
    }
CASE(add_get)
CASE(add_batch)
CASE(refuses_foreign)
CASE(present_missing)
CASE(chain_changed)
CASE(chain_deleted_first)
CASE(chain_deleted_middle)
CASE(chain_deleted_last)
CASE(chain_inserted)
CASE(purge_period)
CASE(purge_hold)
CASE(report_checks)
CASE(report_run)
CASE(report_what_if)

static const test_case TESTS[] = {
    {"add_get", case_add_get},
    {"add_batch", case_add_batch},
    {"refuses_foreign", case_refuses_foreign},
    {"present_missing", case_present_missing},
    {"chain_changed", case_chain_changed},
    {"chain_deleted_first", case_chain_deleted_first},
    {"chain_deleted_middle", case_chain_deleted_middle},
    {"chain_deleted_last", case_chain_deleted_last},
    {"chain_inserted", case_chain_inserted},
    {"purge_period", case_purge_period},
    {"purge_hold", case_purge_hold},
    {"report_checks", case_report_checks},
    {"report_run", case_report_run},
    {"report_what_if", case_report_what_if},
};

int main(int argc, char **argv)
{
    return run_tests(TESTS, sizeof TESTS / sizeof *TESTS, argc, argv);
}
