/* cmd_classify.c: `eccn classify`, `eccn check` and `eccn margin`. */
#include "cli.h"
#include "answer.h"
#include "party.h"
#include "resolve.h"
#include "jsonw.h"
#include "margin.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct item_args {
    const char *sku, *spec_text, *date_text, *to, *hq, *qty_text, *consignee, *end_user;
    bool json, explain, no_record, record;
} item_args;

enum { ARGS_CLASSIFY, ARGS_CHECK, ARGS_MARGIN };

static int parse_args(int argc, char **argv, item_args *a, int mode)
{
    bool check = mode == ARGS_CHECK, with_to = mode != ARGS_CLASSIFY;
    memset(a, 0, sizeof *a);
    for (int i = 1; i < argc; i++) {
        const char *v = NULL;
        bool took = true;
        if (cli_opt(argc, argv, &i, "--spec", &v))
            a->spec_text = v;
        else if (cli_opt(argc, argv, &i, "--date", &v))
            a->date_text = v;
        else if (with_to && cli_opt(argc, argv, &i, "--to", &v))
            a->to = v;
        else if (with_to && cli_opt(argc, argv, &i, "--hq", &v))
            a->hq = v;
        else if (check && cli_opt(argc, argv, &i, "--qty", &v))
            a->qty_text = v;
        else if (check && cli_opt(argc, argv, &i, "--consignee", &v))
            a->consignee = v;
        else if (check && cli_opt(argc, argv, &i, "--end-user", &v))
            a->end_user = v;
        else {
            took = false;
            if (strcmp(argv[i], "--json") == 0)
                a->json = true;
            else if (strcmp(argv[i], "--explain") == 0)
                a->explain = true;
            else if (check && strcmp(argv[i], "--no-record") == 0)
                a->no_record = true;
            else if (check && strcmp(argv[i], "--record") == 0)
                a->record = true;
            else if (argv[i][0] == '-' && argv[i][1]) {
                cli_errorf("%s: unknown option '%s'", argv[0], argv[i]);
                return EXIT_USAGE;
            } else if (a->sku) {
                cli_errorf("%s: more than one part given ('%s' and '%s')", argv[0], a->sku,
                           argv[i]);
                return EXIT_USAGE;
            } else
                a->sku = argv[i];
        }
        if (took && !v)
            return EXIT_USAGE;
    }
    if (!a->sku == !a->spec_text) {
        cli_errorf("%s: give a part (SKU, part number or description) or --spec K=V,...", argv[0]);
        return EXIT_USAGE;
    }
    if (check && !a->to) {
        cli_errorf("check: --to CC (the destination country) is required");
        return EXIT_USAGE;
    }
    return 0;
}

/* The catalogue entries a text fitted, all answering alike (eccn_resolve_query), for the output. */
static char g_considered[512];

/* Builds the query from the arguments; prints a diagnostic and returns EXIT_USAGE on bad input. */
static int build_query(eccn_ruleset *rs, const item_args *a, eccn_query *q)
{
    eccn_error err = {0};
    memset(q, 0, sizeof *q);
    q->quantity = 1;
    if (cli_date(a->date_text, &q->date))
        return EXIT_USAGE;
    if (a->to && !(q->destination = cli_country(rs, "--to", a->to)))
        return EXIT_USAGE;
    if (a->hq && !(q->headquarters = cli_country(rs, "--hq", a->hq)))
        return EXIT_USAGE;
    /* Resolved for the question asked: candidates that all answer alike are an answer. */
    if (a->sku) {
        if (eccn_resolve_query(rs, a->sku, q, g_considered, sizeof g_considered, &err) != ECCN_OK) {
            cli_print_error(&err);
            return EXIT_USAGE;
        }
    } else if (eccn_spec_parse(a->spec_text, &q->spec, &err) != ECCN_OK) {
        cli_print_error(&err);
        return EXIT_USAGE;
    }
    if (a->qty_text) {
        char *end;
        long long n = strtoll(a->qty_text, &end, 10);
        if (*end || end == a->qty_text || n < 1) {
            cli_errorf("--qty: expected a whole number >= 1, got '%s'", a->qty_text);
            return EXIT_USAGE;
        }
        q->quantity = n;
    }
    q->consignee = a->consignee;
    return 0;
}

static void print_metrics_text(const eccn_result *r)
{
    const eccn_metric shown[] = {ECCN_M_TPP, ECCN_M_PD, ECCN_M_DIE_AREA, ECCN_M_IO_BW,
                                 ECCN_M_MEM_BW};
    printf("  metrics:");
    for (size_t i = 0; i < sizeof shown / sizeof *shown; i++) {
        char v[32] = "unknown";
        if (eccn_spec_has(&r->metrics, shown[i]))
            eccn_fmt_num(r->metrics.v[shown[i]], v, sizeof v);
        printf("%s %s %s", i ? "," : "", eccn_metric_label(shown[i]), v);
        if (shown[i] == ECCN_M_TPP && eccn_spec_has(&r->metrics, ECCN_M_TPP))
            printf(" (%s)", r->metrics.tpp_basis == ECCN_M_TPP
                                ? "given"
                                : eccn_metric_name(r->metrics.tpp_basis));
    }
    for (int f = 0; f < ECCN_FLAG_COUNT; f++) {
        int v = r->metrics.flag[f];
        printf(", %s %s", eccn_flag_name((eccn_flag)f), v < 0 ? "unknown" : v ? "yes" : "no");
    }
    if (eccn_spec_has(&r->metrics, ECCN_M_MBD))
        printf(", %s %.3g", eccn_metric_label(ECCN_M_MBD), r->metrics.v[ECCN_M_MBD]);
    putchar('\n');
}

static void print_classification_text(const eccn_query *q, const eccn_result *r)
{
    if (r->status == ECCN_ST_CONTROLLED)
        printf("  ECCN: %s (controlled)", r->eccn);
    else if (r->status == ECCN_ST_NOT_CONTROLLED)
        printf("  ECCN: none under the rules in force (not controlled by 3A090/4A090)");
    else
        printf("  ECCN: indeterminate");
    if (r->deciding_class)
        printf(" by %s [%s]", r->deciding_class->id, r->deciding_class->citation);
    printf("\n");
    if (r->status == ECCN_ST_INDETERMINATE && r->class_note[0])
        printf("  why indeterminate: %s\n", r->class_note);
    else if (r->vendor_decided)
        printf("  decided by: %s\n", r->class_note);
    if (r->ic_deciding && r->ic_deciding != r->deciding_class)
        printf("  IC carried: %s by %s [%s]\n", r->ic_eccn, r->ic_deciding->id,
               r->ic_deciding->citation);
    if (g_considered[0])
        printf("  candidates considered (all give this answer): %s\n", g_considered);
    if (r->vendor_eccn[0])
        printf("  vendor ECCN: %s (%s classification table, %s%s)%s%s\n", r->vendor_eccn,
               r->vendor_name, r->vendor_date,
               r->vendor_later ? ", after the date asked: shown, not applied" : "",
               r->review[0] ? "; REVIEW: " : "", r->review);
    if (q->part && q->part->kind == ECCN_PART_SYSTEM && q->part->component)
        printf("  carries: %d x %s (%s)\n", q->part->count, q->part->component->id,
               r->ic_eccn[0] ? r->ic_eccn : eccn_status_word(r->ic_status));
    print_metrics_text(r);
}

/* classify and margin under --what-if: the answer is said to be one, in text and JSON alike
 * (check marks its own from the ledger row, which lists the acts enforced too). */
static void what_if_text(const cli_env *env)
{
    if (!env->nwhat_if)
        return;
    printf("WHAT-IF, NOT A DECISION: rules not in force applied (--what-if");
    for (size_t i = 0; i < env->nwhat_if; i++) {
        putchar(' ');
        cli_write_safe(stdout, env->what_if[i], strlen(env->what_if[i])); /* a path as typed */
    }
    printf(")\n");
}

static void what_if_json(jsonw *w, const cli_env *env)
{
    jsonw_key(w, "what_if");
    if (!env->nwhat_if) {
        jsonw_null(w);
        return;
    }
    jsonw_arr_begin(w);
    for (size_t i = 0; i < env->nwhat_if; i++)
        jsonw_str(w, env->what_if[i]);
    jsonw_arr_end(w);
}

/* What classify, check and margin share: parse the arguments, open the rules, build the query and
 * evaluate it. On failure the diagnostic is printed and the exit status returned; *rs and *r are
 * the caller's to free either way. */
static int evaluate_args(cli_env *env, int argc, char **argv, int mode, item_args *a,
                         eccn_ruleset **rs, eccn_query *q, eccn_result *r)
{
    eccn_error err = {0};
    int rc = parse_args(argc, argv, a, mode);
    if (rc || (rc = cli_open_rules(env, rs)) || (rc = build_query(*rs, a, q)))
        return rc;
    if (eccn_evaluate(*rs, q, r, &err) != ECCN_OK) {
        cli_print_error(&err);
        return EXIT_USAGE;
    }
    return 0;
}

int cmd_classify(cli_env *env, int argc, char **argv)
{
    item_args a;
    eccn_ruleset *rs = NULL;
    eccn_query q;
    eccn_result r = {0};
    eccn_buf out = {0};
    int rc = evaluate_args(env, argc, argv, ARGS_CLASSIFY, &a, &rs, &q, &r);
    if (rc)
        goto done;
    if (a.json) {
        jsonw w;
        jsonw_init(&w, &out);
        jsonw_obj_begin(&w);
        eccn_answer_common_json(&w, rs, &q, &r, g_considered);
        what_if_json(&w, env);
        jsonw_obj_end(&w);
        printf("%s\n", out.data);
    } else {
        char d[11];
        what_if_text(env);
        eccn_date_format(q.date, d);
        printf("%s%s%s%s on %s\n", eccn_answer_subject(&q), q.part ? " (" : "",
               q.part ? q.part->id : "", q.part ? ")" : "", d);
        print_classification_text(&q, &r);
        printf("  rules revision: %s\n", rs->revision);
        eccn_result_explanation_text(&r, a.explain, &out);
        printf("explanation:\n%s", out.data ? out.data : "  (no provision in force)\n");
    }
    rc = r.status == ECCN_ST_INDETERMINATE ? EXIT_INDET : 0;
done:
    eccn_buf_free(&out);
    eccn_result_free(&r);
    eccn_ruleset_free(rs);
    return rc;
}

static int verdict_exit(eccn_verdict v)
{
    return v == ECCN_V_LICENSE ? EXIT_LR : v == ECCN_V_INDETERMINATE ? EXIT_INDET : EXIT_NLR;
}

/* The short answer: verdict, ECCN, deciding provisions, what is missing when indeterminate,
 * exceptions and the ledger entry; the whole tree only with --explain. */
static void check_text(const cli_env *env, const eccn_ruleset *rs, const eccn_query *q,
                       const eccn_result *r, const eccn_record *rec, long long id, bool explain)
{
    char d[11];
    eccn_buf b = {0};
    eccn_date_format(q->date, d);
    const char *words = r->verdict == ECCN_V_LICENSE      ? "LICENCE REQUIRED"
                        : r->verdict == ECCN_V_NO_LICENSE ? "NO LICENCE REQUIRED"
                                                          : "INDETERMINATE";
    if (rec->row.what_if)
        printf("WHAT-IF, NOT A DECISION: rules not in force applied (%s); %s\n", rec->row.what_if,
               id ? "recorded marked what-if" : "not recorded (--record to keep it)");
    printf("%lld x %s -> %s (%s) on %s: %s%s\n", q->quantity, eccn_answer_subject(q),
           q->destination, eccn_geo_name(rs->geo, q->destination), d,
           rec->row.what_if ? "what-if " : "", words);
    /* An indeterminate answer leads with what would decide it, not with a provision's title. */
    if (eccn_result_missing_text(r, &b) == ECCN_OK && b.data) {
        printf("  missing, to decide it:\n");
        for (char *line = b.data, *nl; *line; line = nl + 1) {
            nl = strchr(line, '\n');
            printf("    %.*s\n", (int)(nl - line), line);
        }
    }
    eccn_buf_free(&b);
    if (r->status == ECCN_ST_CONTROLLED)
        printf("  ECCN: %s by %s [%s]\n", r->eccn, r->deciding_class->id,
               r->deciding_class->citation);
    else
        printf("  ECCN: %s\n", r->status == ECCN_ST_NOT_CONTROLLED
                                   ? "none under the rules in force (not 3A090/4A090)"
                                   : "indeterminate");
    if (r->hq_assumed)
        printf("  headquarters: taken to be %s (--hq if the consignee's parent is elsewhere)\n",
               q->destination);
    if (g_considered[0]) /* the text fitted several entries: say which, and that they agree */
        printf("  candidates considered (all give this answer): %s\n", g_considered);
    for (size_t i = 0; i < r->ndeciding; i++)
        printf("  %s: %s - %s [%s]\n",
               r->verdict == ECCN_V_LICENSE ? "deciding provision" : "undecided provision",
               r->deciding[i]->id, r->deciding[i]->title, r->deciding[i]->citation);
    if (r->review_policy)
        printf("  licence review policy: %s\n", r->review_policy);
    for (size_t i = 0; i < r->nexceptions; i++)
        printf("  licence exception that may be available: %s (%s) - %s\n",
               r->exceptions[i]->exception_name, r->exceptions[i]->citation,
               r->exceptions[i]->exception_terms);
    if (id)
        printf("  recorded: ledger entry %lld in %s%s\n", id, env->db_path,
               rec->row.what_if ? " (marked what-if)" : "");
    if (explain) {
        printf("  rules revision: %s\n", rs->revision);
        print_metrics_text(r);
        if (eccn_result_explanation_text(r, true, &b) == ECCN_OK)
            printf("explanation (every provision in force, its tests as combined):\n%s",
                   b.data ? b.data : "");
        eccn_buf_free(&b);
    } else
        printf("  (--explain: every provision and test behind this)\n");
}

/* Screens the consignee and the end user named (none: nothing loaded). Returns 0 or EXIT_USAGE;
 * *n findings to free. */
static int screen_parties(cli_env *env, const item_args *a, const eccn_query *q,
                          eccn_screen_lists **lists, eccn_clearances *cl, eccn_party_finding f[2],
                          size_t *n)
{
    const char *names[2] = {a->consignee, a->end_user}, *roles[2] = {"consignee", "end user"};
    eccn_error err = {0};
    *n = 0;
    if (!a->consignee && !a->end_user)
        return 0;
    /* The reviews recorded (screen --clear): from the ledger this check records in, or from the
     * one there is when it records nothing. */
    int rc = cli_find_data(env);
    if (rc == 0)
        rc = cli_load_clearances(env, !a->no_record, cl);
    if (rc == 0 && eccn_screen_lists_load(env->data_dir, lists, &err) != ECCN_OK)
        rc = EXIT_USAGE;
    for (int i = 0; rc == 0 && i < 2; i++)
        if (names[i]) {
            if (eccn_party_screen(*lists, roles[i], names[i], q->destination, &f[*n], &err) !=
                    ECCN_OK ||
                eccn_party_apply_clearances(*lists, &f[*n], cl->v, cl->n) != ECCN_OK)
                rc = EXIT_USAGE;
            else
                ++*n;
        }
    if (rc && err.msg[0])
        cli_print_error(&err);
    return rc;
}

/* Each party screened, as a compliance officer reads it: the list entry and why it decides. */
static void parties_text(const eccn_party_finding *f, size_t n, const char *lists_date)
{
    for (size_t i = 0; i < n; i++) {
        const eccn_screen_match *m = f[i].match;
        char note[400];
        for (size_t k = 0; k < f[i].ncleared; k++)
            printf("  %s: not %s [%s%s%s]: %s\n", f[i].role, f[i].cleared[k].entry->name,
                   f[i].cleared[k].entry->list, f[i].cleared[k].entry->entity_number[0] ? " " : "",
                   f[i].cleared[k].entry->entity_number,
                   eccn_party_cleared_text(&f[i], note, sizeof note));
        if (!m) {
            printf("  %s: not on the screening lists as bundled on %s\n", f[i].role, lists_date);
            continue;
        }
        const eccn_screen_entry *e = m->entry;
        printf("  %s: %s %s (%.2f) on %s%s%s [%s]\n", f[i].role,
               f[i].effect == ECCN_PARTY_REVIEW ? "possible match, for review:" : "listed:",
               e->name, m->score, e->list, e->entity_number[0] ? " " : "", e->entity_number,
               e->federal_register_notice[0] ? e->federal_register_notice : e->source);
        if (f[i].effect == ECCN_PARTY_LICENSE_REQUIRED || f[i].effect == ECCN_PARTY_DENIED)
            printf("    deciding: %s%s%s%s%s\n", f[i].citation,
                   e->license_requirement[0] ? "; licence requirement: " : "",
                   e->license_requirement, e->license_policy[0] ? "; policy: " : "",
                   e->license_policy);
        if (f[i].effect == ECCN_PARTY_DENIED)
            printf("    export privileges denied: no export to this party\n");
        if (f[i].effect == ECCN_PARTY_OUTSIDE_EAR)
            printf("    outside the EAR (%s%s%s): review before shipping\n", e->source,
                   e->programs[0] ? ", programme " : "", e->programs);
    }
}

int cmd_check(cli_env *env, int argc, char **argv)
{
    item_args a;
    eccn_ruleset *rs = NULL;
    eccn_ledger *l = NULL;
    eccn_query q;
    eccn_result r = {0};
    eccn_error err = {0};
    eccn_buf out = {0};
    eccn_record rec = {0};
    eccn_screen_lists *lists = NULL;
    eccn_party_finding parties[2];
    eccn_clearances cl = {0};
    size_t nparties = 0;
    long long id = 0;
    int rc = evaluate_args(env, argc, argv, ARGS_CHECK, &a, &rs, &q, &r);
    if (rc || (rc = screen_parties(env, &a, &q, &lists, &cl, parties, &nparties)))
        goto done;
    if (eccn_answer_row(rs, &q, &r, cli_user(), a.sku ? "sku" : "spec", a.sku ? a.sku : a.spec_text,
                        &rec) != ECCN_OK ||
        (nparties && eccn_record_add_parties(&rec, eccn_party_verdict(r.verdict, parties, nparties),
                                             parties, nparties) != ECCN_OK)) {
        cli_errorf("out of memory");
        rc = EXIT_USAGE;
        goto done;
    }
    r.verdict = eccn_party_verdict(r.verdict, parties, nparties);
    if (a.record && a.no_record) {
        cli_errorf("check: --record and --no-record contradict each other");
        rc = EXIT_USAGE;
        goto done;
    }
    /* A what-if answer is not a decision: the ledger gets it only when asked, marked by its
     * what_if column (record.c), which every listing and report reads. */
    bool record = rec.row.what_if ? a.record : !a.no_record;
    if (record) {
        if ((rc = cli_open_ledger(env, CLI_LEDGER_BRIEF, &l)))
            goto done;
        if (eccn_ledger_add_verdict(l, rs, &rec.row, &id, &err) != ECCN_OK) {
            cli_print_error(&err);
            rc = EXIT_USAGE;
            goto done;
        }
    }
    if (a.json) {
        eccn_answer_check_json(rs, &q, &r, g_considered, &rec, id, parties, nparties, &out);
        printf("%s\n", out.data);
    } else {
        check_text(env, rs, &q, &r, &rec, id, a.explain);
        if (nparties)
            parties_text(parties, nparties, eccn_screen_lists_info(lists)->date);
    }
    rc = verdict_exit(r.verdict);
done:
    for (size_t i = 0; i < nparties; i++)
        eccn_party_finding_free(&parties[i]);
    eccn_clearances_free(&cl);
    eccn_screen_lists_free(lists);
    eccn_record_free(&rec);
    eccn_buf_free(&out);
    eccn_result_free(&r);
    eccn_ledger_close(l);
    eccn_ruleset_free(rs);
    return rc;
}

/* ---- margin ---- */

static double percent_of(double value, double threshold)
{
    return threshold != 0 ? (value - threshold) / threshold * 100 : NAN;
}

static const char *outcome_text(const eccn_status st, const char *eccn, eccn_verdict v, char *buf,
                                size_t n)
{
    snprintf(buf, n, "%s%s%s", st == ECCN_ST_CONTROLLED ? eccn : eccn_status_word(st),
             v == ECCN_V_NONE ? "" : ", ", v == ECCN_V_NONE ? "" : eccn_verdict_word(v));
    return buf;
}

static void margin_text(const eccn_query *q, const eccn_result *r, const eccn_flip *flips)
{
    char d[11], o[96], a[32], b[32], c[32];
    eccn_date_format(q->date, d);
    printf("%s%s%s%s on %s%s%s: %s\n", eccn_answer_subject(q), q->part ? " (" : "",
           q->part ? q->part->id : "", q->part ? ")" : "", d, q->destination ? " to " : "",
           q->destination ? q->destination : "",
           outcome_text(r->status, r->eccn, r->verdict, o, sizeof o));
    printf("tests of the rules in force (distance = value - threshold):\n");
    for (size_t i = 0; i < r->nfindings; i++) {
        const eccn_finding *fd = &r->findings[i];
        for (size_t k = fd->first_test; k < fd->first_test + fd->ntests; k++) {
            const eccn_test *t = &r->trace.tests[k];
            if (!t->is_metric)
                continue;
            eccn_fmt_num(t->threshold, b, sizeof b);
            printf("  %-30s %-6s %-2s %-9s ", fd->prov->id, eccn_metric_name(t->metric), t->op, b);
            if (!t->value_known) {
                printf("value unknown\n");
                continue;
            }
            eccn_fmt_num(t->value, a, sizeof a);
            eccn_fmt_num(t->value - t->threshold, c, sizeof c);
            printf("value %-9s distance %-9s (%+.2f%%) %s\n", a, c,
                   percent_of(t->value, t->threshold), eccn_tv_word(t->result));
        }
    }
    printf("smallest single change that changes the outcome:\n");
    for (int i = 0; i < ECCN_NFLIPS; i++) {
        const eccn_flip *f = &flips[i];
        printf("  %-22s ", eccn_metric_label(f->varied));
        if (!f->known) {
            printf("unknown, nothing to vary\n");
            continue;
        }
        eccn_fmt_num(f->from, a, sizeof a);
        if (!f->found) {
            printf("%s: no single change of it changes the outcome\n", a);
            continue;
        }
        eccn_fmt_num(f->to, b, sizeof b);
        eccn_fmt_num(f->to - f->from, c, sizeof c);
        printf("%s -> %s (%s%s, %+.2f%%): %s%s%s\n", a, b, f->to > f->from ? "+" : "", c,
               percent_of(f->to, f->from),
               outcome_text(f->status, f->eccn, f->verdict, o, sizeof o), f->by ? " by " : "",
               f->by ? f->by->id : "");
    }
}

static void outcome_json(jsonw *w, const char *eccn, eccn_status status, eccn_verdict verdict)
{
    jsonw_kv_str(w, "eccn", eccn[0] ? eccn : NULL);
    jsonw_kv_str(w, "status", eccn_status_word(status));
    jsonw_kv_str(w, "verdict", verdict == ECCN_V_NONE ? NULL : eccn_verdict_word(verdict));
}

static int margin_json(const cli_env *env, const eccn_ruleset *rs, const eccn_query *q,
                       const eccn_result *r, const eccn_flip *flips, eccn_buf *out)
{
    jsonw w;
    char d[11];
    eccn_date_format(q->date, d);
    jsonw_init(&w, out);
    jsonw_obj_begin(&w);
    jsonw_kv_str(&w, "part", q->part ? q->part->id : NULL);
    jsonw_kv_str(&w, "name", eccn_answer_subject(q));
    jsonw_kv_str(&w, "date", d);
    jsonw_kv_str(&w, "destination", q->destination);
    outcome_json(&w, r->eccn, r->status, r->verdict);
    jsonw_kv_str(&w, "rules_revision", rs->revision);
    what_if_json(&w, env);
    jsonw_key(&w, "tests");
    jsonw_arr_begin(&w);
    for (size_t i = 0; i < r->nfindings; i++) {
        const eccn_finding *fd = &r->findings[i];
        for (size_t k = fd->first_test; k < fd->first_test + fd->ntests; k++) {
            const eccn_test *t = &r->trace.tests[k];
            if (!t->is_metric)
                continue;
            jsonw_obj_begin(&w);
            jsonw_kv_str(&w, "provision", fd->prov->id);
            jsonw_kv_str(&w, "metric", eccn_metric_name(t->metric));
            jsonw_kv_str(&w, "op", t->op);
            jsonw_key(&w, "threshold");
            jsonw_num(&w, t->threshold);
            jsonw_kv_num(&w, "value", t->value_known, t->value);
            jsonw_kv_num(&w, "distance", t->value_known, t->value - t->threshold);
            jsonw_kv_num(&w, "percent", t->value_known, percent_of(t->value, t->threshold));
            jsonw_kv_str(&w, "result", eccn_tv_word(t->result));
            jsonw_obj_end(&w);
        }
    }
    jsonw_arr_end(&w);
    jsonw_key(&w, "flips");
    jsonw_arr_begin(&w);
    for (int i = 0; i < ECCN_NFLIPS; i++) {
        const eccn_flip *f = &flips[i];
        jsonw_obj_begin(&w);
        jsonw_kv_str(&w, "vary", eccn_metric_name(f->varied));
        jsonw_kv_num(&w, "from", f->known, f->from);
        jsonw_kv_num(&w, "to", f->found, f->to);
        if (f->found) {
            jsonw_kv_num(&w, "change", true, f->to - f->from);
            jsonw_kv_num(&w, "percent", true, percent_of(f->to, f->from));
            outcome_json(&w, f->eccn, f->status, f->verdict);
            jsonw_kv_str(&w, "provision", f->by ? f->by->id : NULL);
        }
        jsonw_obj_end(&w);
    }
    jsonw_arr_end(&w);
    jsonw_obj_end(&w);
    return w.status;
}

int cmd_margin(cli_env *env, int argc, char **argv)
{
    item_args a;
    eccn_ruleset *rs = NULL;
    eccn_query q;
    eccn_result r = {0};
    eccn_error err = {0};
    eccn_buf out = {0};
    eccn_flip flips[ECCN_NFLIPS];
    int rc = evaluate_args(env, argc, argv, ARGS_MARGIN, &a, &rs, &q, &r);
    if (rc)
        goto done;
    if (eccn_margin_flips(rs, &q, &r, flips, &err) != ECCN_OK) {
        cli_print_error(&err);
        rc = EXIT_USAGE;
        goto done;
    }
    if (a.json) {
        if (margin_json(env, rs, &q, &r, flips, &out) != ECCN_OK) {
            cli_errorf("out of memory");
            rc = EXIT_USAGE;
            goto done;
        }
        printf("%s\n", out.data);
    } else {
        what_if_text(env);
        margin_text(&q, &r, flips);
    }
done:
    eccn_buf_free(&out);
    eccn_result_free(&r);
    eccn_ruleset_free(rs);
    return rc;
}
