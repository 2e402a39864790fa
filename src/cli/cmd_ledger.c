/* cmd_ledger.c: `eccn ledger list|show|runs` and `eccn replay`. */
#include "cli.h"
#include "answer.h"
#include "resolve.h"
#include "jsonw.h"
#include "ledger_query.h"
#include "ledger_show.h"

#include <stdlib.h>
#include <string.h>

struct list_ctx {
    bool json;
    jsonw w;
    eccn_buf out;
    long n;
};

static int list_one(const eccn_verdict_row *r, void *vctx)
{
    struct list_ctx *c = vctx;
    c->n++;
    if (c->json) {
        eccn_answer_verdict_json(&c->w, r, false);
        return c->w.status;
    }
    printf("%6lld  %s  %-10s %-20s %-3s %s x%lld  %-8s %s%s\n", r->id, r->created_at, r->ship_date,
           r->part_id ? r->part_id : r->part_name, r->destination, r->status, r->quantity,
           r->eccn ? r->eccn : "-", r->verdict, r->what_if ? "  WHAT-IF (not a decision)" : "");
    return ECCN_OK;
}

static int ledger_list(cli_env *env, int argc, char **argv)
{
    const char *since = NULL;
    bool json = false;
    eccn_ledger *l = NULL;
    eccn_error err = {0};
    eccn_date d;
    for (int i = 2; i < argc; i++) {
        if (cli_opt(argc, argv, &i, "--since", &since)) {
            if (!since || cli_date(since, &d))
                return EXIT_USAGE;
        } else if (strcmp(argv[i], "--json") == 0)
            json = true;
        else {
            cli_errorf("ledger list: unexpected '%s'", argv[i]);
            return EXIT_USAGE;
        }
    }
    int rc = cli_open_ledger(env, CLI_LEDGER_PRESENT, &l);
    if (rc)
        return rc;
    struct list_ctx c = {.json = json};
    jsonw_init(&c.w, &c.out);
    if (json)
        jsonw_arr_begin(&c.w);
    else
        printf("    id  recorded (UTC)        ship date  part                 to  status x qty  "
               "ECCN     verdict\n");
    if (eccn_ledger_each_verdict(l, since, list_one, &c, &err) != ECCN_OK) {
        cli_print_error(&err);
        rc = EXIT_USAGE;
    } else if (json) {
        jsonw_arr_end(&c.w);
        printf("%s\n", c.out.data);
    }
    eccn_buf_free(&c.out);
    eccn_ledger_close(l);
    return rc;
}

static int ledger_show(cli_env *env, int argc, char **argv)
{
    long long id;
    bool json = argc > 3 && strcmp(argv[3], "--json") == 0;
    eccn_ledger *l = NULL;
    eccn_verdict_row r;
    eccn_error err = {0};
    int rc = cli_id("ledger id", argc > 2 ? argv[2] : NULL, &id);
    if (rc || (rc = cli_open_ledger(env, CLI_LEDGER_PRESENT, &l)))
        return rc;
    if (eccn_ledger_get_verdict(l, id, &r, &err) != ECCN_OK) {
        cli_print_error(&err);
        eccn_ledger_close(l);
        return EXIT_USAGE;
    }
    if (json) {
        eccn_buf out = {0};
        jsonw w;
        jsonw_init(&w, &out);
        eccn_answer_verdict_json(&w, &r, true);
        printf("%s\n", out.data);
        eccn_buf_free(&out);
    } else
        ledger_show_text(&r);
    eccn_verdict_row_free(&r);
    eccn_ledger_close(l);
    return 0;
}

static int print_run(const eccn_ledger_run *run, void *ctx)
{
    (void)ctx;
    cli_printf("%6lld  %s  %-10s %6lld  %7lld  %6lld  %s%s\n", run->id, run->started_at,
               run->status, run->lines_read, run->results, run->errors, run->file,
               run->what_if ? "  (WHAT-IF, not a decision)" : "");
    return ECCN_OK;
}

static int ledger_runs(cli_env *env)
{
    eccn_ledger *l = NULL;
    eccn_error err = {0};
    int rc = cli_open_ledger(env, CLI_LEDGER_PRESENT, &l);
    if (rc)
        return rc;
    printf("   run  started (UTC)         status      lines  results  errors  file\n");
    if (eccn_ledger_each_run(l, 0, NULL, NULL, print_run, NULL, &err) != ECCN_OK) {
        cli_print_error(&err);
        rc = EXIT_USAGE;
    }
    eccn_ledger_close(l);
    return rc;
}

int cmd_ledger(cli_env *env, int argc, char **argv)
{
    const char *sub = argc > 1 ? argv[1] : "";
    if (strcmp(sub, "list") == 0)
        return ledger_list(env, argc, argv);
    if (strcmp(sub, "show") == 0)
        return ledger_show(env, argc, argv);
    if (strcmp(sub, "runs") == 0)
        return ledger_runs(env);
    if (strcmp(sub, "verify") == 0)
        return ledger_verify(env, argc, argv);
    if (strcmp(sub, "check") == 0)
        return ledger_check(env, argc, argv);
    if (strcmp(sub, "hold") == 0 || strcmp(sub, "release") == 0)
        return ledger_hold(env, argc, argv);
    if (strcmp(sub, "purge") == 0)
        return ledger_purge(env, argc, argv);
    if (strcmp(sub, "backup") == 0)
        return ledger_backup(env, argc, argv);
    if (strcmp(sub, "head") == 0)
        return ledger_head(env, argc, argv);
    cli_errorf("ledger: expected list, show ID, runs, verify, check, hold, release, purge, backup "
               "or head");
    return EXIT_USAGE;
}

/* Provision ids inside a stored provisions JSON array, as one " id1 id2 " string. */
static void ids_of(const char *json, eccn_buf *out)
{
    eccn_buf_puts(out, " ");
    for (const char *p = json ? strstr(json, "\"id\":\"") : NULL; p; p = strstr(p, "\"id\":\"")) {
        p += 6;
        const char *e = strchr(p, '"');
        if (!e)
            break;
        eccn_buf_append(out, p, (size_t)(e - p));
        eccn_buf_puts(out, " ");
        p = e;
    }
}

static bool same(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* A verdict's outcome in replay --json: key: {status, eccn, verdict, review_policy, ...}. */
static void replay_side(jsonw *w, const char *key, const eccn_verdict_row *r)
{
    jsonw_key(w, key);
    jsonw_obj_begin(w);
    jsonw_kv_str(w, "status", r->status);
    jsonw_kv_str(w, "eccn", r->eccn);
    jsonw_kv_str(w, "verdict", r->verdict);
    jsonw_kv_str(w, "review_policy", r->review_policy);
    jsonw_kv_raw(w, "license_exceptions", r->license_exceptions);
    jsonw_kv_raw(w, "provisions", r->provisions);
    jsonw_obj_end(w);
}

static void replay_json(long long id, bool holds, const eccn_verdict_row *then,
                        const eccn_verdict_row *now, const char *revision_now, eccn_buf *out)
{
    jsonw w;
    jsonw_init(&w, out);
    jsonw_obj_begin(&w);
    jsonw_kv_int(&w, "id", id);
    jsonw_key(&w, "holds");
    jsonw_bool(&w, holds);
    jsonw_kv_str(&w, "rules_revision_then", then->rules_revision);
    jsonw_kv_str(&w, "rules_revision_now", revision_now);
    jsonw_kv_raw(&w, "what_if_then", then->what_if ? then->what_if : "null");
    replay_side(&w, "then", then);
    replay_side(&w, "now", now);
    jsonw_obj_end(&w);
    printf("%s\n", out->data);
}

/* Prints each provision id of from (" id1 id2 ", ids_of) that is not in to: as one that no longer
 * decides (gone), or as one that now does. */
static void print_missing(const char *from, const char *to, const eccn_ruleset *rs, bool gone)
{
    char *save = NULL, *copy = eccn_strdup(from);
    for (char *t = copy ? strtok_r(copy, " ", &save) : NULL; t; t = strtok_r(NULL, " ", &save)) {
        char key[300];
        snprintf(key, sizeof key, " %s ", t);
        if (strstr(to, key))
            continue;
        const eccn_provision *p = eccn_ruleset_find(rs, t);
        if (gone)
            printf("  no longer decides: %s%s%s\n", t, p ? " " : " (no longer in the rules)",
                   p ? p->citation : "");
        else
            printf("  now decided by: %s %s [%s]\n", t, p ? p->title : "", p ? p->citation : "");
    }
    free(copy);
}

/* provisions_then and provisions_now: " id1 id2 " (ids_of). */
static void replay_text(long long id, bool holds, const eccn_verdict_row *then,
                        const eccn_verdict_row *now, const eccn_ruleset *rs,
                        const char *provisions_then, const char *provisions_now)
{
    printf("verdict %lld (%s, %s to %s on %s)\n", id, then->input,
           then->part_id ? then->part_id : "spec", then->destination, then->ship_date);
    if (then->what_if)
        printf("  WHAT-IF then, not a decision: decided with rules not in force: %s\n",
               then->what_if);
    printf("  rules revision then: %s\n  rules revision now:  %s%s\n", then->rules_revision,
           rs->revision, strcmp(then->rules_revision, rs->revision) == 0 ? " (same)" : "");
    printf("  then: %s, %s, %s\n  now:  %s, %s, %s\n", then->status, then->eccn ? then->eccn : "-",
           then->verdict, now->status, now->eccn ? now->eccn : "-", now->verdict);
    if (holds)
        printf("  STILL HOLDS\n");
    else {
        printf("  CHANGED\n");
        if (!same(then->review_policy, now->review_policy))
            printf("  review policy: '%s' -> '%s'\n",
                   then->review_policy ? then->review_policy : "-",
                   now->review_policy ? now->review_policy : "-");
        if (!same(then->license_exceptions, now->license_exceptions))
            printf("  licence exceptions: %s -> %s\n", then->license_exceptions,
                   now->license_exceptions);
    }
    /* Which provisions made the difference: deciding then but not now, and the reverse. */
    print_missing(provisions_then, provisions_now, rs, true);
    print_missing(provisions_now, provisions_then, rs, false);
}

int cmd_replay(cli_env *env, int argc, char **argv)
{
    long long id;
    bool json = argc > 2 && strcmp(argv[2], "--json") == 0;
    eccn_ledger *l = NULL;
    eccn_ruleset *rs = NULL;
    eccn_verdict_row old = {0}, now;
    eccn_record rec = {0};
    eccn_result r = {0};
    eccn_query q = {0};
    eccn_error err = {0};
    eccn_buf oldids = {0}, newids = {0}, out = {0};
    int rc = cli_id("ledger id", argc > 1 ? argv[1] : NULL, &id);
    if (rc || (rc = cli_open_ledger(env, CLI_LEDGER_PRESENT, &l)) ||
        (rc = cli_open_rules(env, &rs)))
        goto done;
    if (eccn_ledger_get_verdict(l, id, &old, &err) != ECCN_OK) {
        cli_print_error(&err);
        rc = EXIT_USAGE;
        goto done;
    }
    eccn_date_parse(old.ship_date, strlen(old.ship_date), &q.date);
    q.destination = eccn_geo_resolve(rs->geo, old.destination);
    q.headquarters = old.hq_assumed ? NULL : eccn_geo_resolve(rs->geo, old.headquarters);
    q.quantity = old.quantity;
    q.consignee = old.consignee;
    if (strcmp(old.input_kind, "sku") == 0) {
        q.part = old.part_id ? eccn_resolve_id(rs, old.part_id) : NULL;
        if (!q.part && eccn_resolve(rs, old.input, &q.part, &err) != ECCN_OK) {
            cli_print_error(&err);
            rc = EXIT_USAGE;
            goto done;
        }
        q.spec = q.part->spec;
    } else if (eccn_spec_parse(old.spec, &q.spec, &err) != ECCN_OK) {
        cli_print_error(&err);
        rc = EXIT_USAGE;
        goto done;
    }
    if (!q.destination) {
        cli_errorf("replay: recorded destination '%s' is no longer a known country",
                   old.destination);
        rc = EXIT_USAGE;
        goto done;
    }
    if (eccn_evaluate(rs, &q, &r, &err) != ECCN_OK ||
        eccn_answer_row(rs, &q, &r, cli_user(), old.input_kind, old.input, &rec) != ECCN_OK) {
        cli_print_error(&err);
        rc = EXIT_USAGE;
        goto done;
    }
    now = rec.row;
    bool holds = same(old.status, now.status) && same(old.eccn, now.eccn) &&
                 same(old.verdict, now.verdict) && same(old.review_policy, now.review_policy) &&
                 same(old.license_exceptions, now.license_exceptions);
    ids_of(old.provisions, &oldids);
    ids_of(now.provisions, &newids);
    if (json)
        replay_json(id, holds, &old, &now, rs->revision, &out);
    else
        replay_text(id, holds, &old, &now, rs, oldids.data, newids.data);
    rc = holds ? 0 : 1;
done:
    eccn_record_free(&rec);
    eccn_buf_free(&oldids);
    eccn_buf_free(&newids);
    eccn_buf_free(&out);
    eccn_verdict_row_free(&old);
    eccn_result_free(&r);
    eccn_ruleset_free(rs);
    eccn_ledger_close(l);
    return rc;
}
