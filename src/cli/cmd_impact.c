/* cmd_impact.c: `eccn impact --from D1 --to D2 [--inventory FILE | --run RUN | --hq CC]`: what
 * changes between two dates, for the catalogue (every part, every destination, the consignee
 * headquartered there or in CC) or an inventory's lines. */
#include "audit.h"
#include "cli.h"
#include "ledger_query.h"
#include "impact.h"
#include "jsonw.h"

#include <stdlib.h>
#include <string.h>

typedef struct impact_args {
    const char *from, *to, *inventory, *run, *dest, *delimiter, *hq;
    const char *maps[ECCN_AUDIT_MAX_MAPS];
    size_t nmaps;
    bool json;
} impact_args;

static int parse_args(int argc, char **argv, impact_args *a)
{
    memset(a, 0, sizeof *a);
    for (int i = 1; i < argc; i++) {
        const char *v = NULL;
        if (cli_opt(argc, argv, &i, "--from", &v))
            a->from = v;
        else if (cli_opt(argc, argv, &i, "--to", &v))
            a->to = v;
        else if (cli_opt(argc, argv, &i, "--inventory", &v))
            a->inventory = v;
        else if (cli_opt(argc, argv, &i, "--run", &v))
            a->run = v;
        else if (cli_opt(argc, argv, &i, "--dest", &v))
            a->dest = v;
        else if (cli_opt(argc, argv, &i, "--hq", &v))
            a->hq = v;
        else if (cli_opt(argc, argv, &i, "--delimiter", &v))
            a->delimiter = v;
        else if (cli_opt(argc, argv, &i, "--map", &v)) {
            if (cli_map(v, a->maps, &a->nmaps))
                return EXIT_USAGE;
        } else if (strcmp(argv[i], "--json") == 0) {
            a->json = true;
            continue;
        } else {
            cli_errorf("impact: unknown argument '%s'", argv[i]);
            return EXIT_USAGE;
        }
        if (!v)
            return EXIT_USAGE;
    }
    if (!a->from || !a->to) {
        cli_errorf("impact: --from D1 and --to D2 (YYYY-MM-DD) are required");
        return EXIT_USAGE;
    }
    if (a->inventory && a->run) {
        cli_errorf("impact: give --inventory FILE or --run RUN, not both");
        return EXIT_USAGE;
    }
    if (a->hq && (a->inventory || a->run)) {
        cli_errorf("impact: --hq is for the catalogue; an inventory's lines carry their own "
                   "headquarters column");
        return EXIT_USAGE;
    }
    return 0;
}

static void outcome_json(jsonw *w, const char *key, const eccn_outcome *o)
{
    jsonw_key(w, key);
    jsonw_obj_begin(w);
    jsonw_kv_str(w, "status", eccn_status_word(o->status));
    jsonw_kv_str(w, "eccn", o->eccn[0] ? o->eccn : NULL);
    if (o->verdict != ECCN_V_NONE) {
        jsonw_kv_str(w, "verdict", eccn_verdict_word(o->verdict));
        jsonw_kv_str(w, "review_policy", o->review_policy);
    }
    jsonw_obj_end(w);
}

/* by: the provision behind this change (classification or licence) */
static const eccn_provision *cause(const eccn_change *c, bool verdict)
{
    return verdict && c->licence_by ? c->licence_by : c->class_by ? c->class_by : c->licence_by;
}

static void change_json(jsonw *w, const eccn_change *c, bool verdict)
{
    const eccn_provision *by = cause(c, verdict);
    outcome_json(w, "before", &c->before);
    outcome_json(w, "after", &c->after);
    jsonw_kv_str(w, "provision", by ? by->id : NULL);
    jsonw_kv_str(w, "citation", by ? by->citation : NULL);
}

static const char *outcome_text(const eccn_outcome *o, bool verdict, char *buf, size_t n)
{
    if (!verdict)
        snprintf(buf, n, "%s",
                 o->status == ECCN_ST_CONTROLLED ? o->eccn : eccn_status_word(o->status));
    else
        snprintf(buf, n, "%s%s%s%s", eccn_verdict_word(o->verdict), o->review_policy ? " (" : "",
                 o->review_policy ? o->review_policy : "", o->review_policy ? ")" : "");
    return buf;
}

/* with_class: also say how the classification changed, when it did (lines; the catalogue says it
 * once per part) */
static void change_text(const eccn_change *c, bool verdict, bool with_class)
{
    char a[400], b[400];
    const eccn_provision *by = cause(c, verdict);
    if (verdict && with_class && c->classification)
        printf("%s -> %s; ", outcome_text(&c->before, false, a, sizeof a),
               outcome_text(&c->after, false, b, sizeof b));
    printf("%s -> %s", outcome_text(&c->before, verdict, a, sizeof a),
           outcome_text(&c->after, verdict, b, sizeof b));
    if (by)
        printf(" [%s, %s]", by->id, by->citation);
    printf("\n");
}

/* ---- catalogue: every part, classification and every destination ---- */

typedef struct dest_group {
    eccn_change change;
    char codes[300][8];
    size_t n;
} dest_group;

typedef struct catalogue_walk {
    eccn_impact *im;
    const eccn_part *part;
    const char *hq; /* the consignee's headquarters, or NULL: in the destination */
    dest_group *groups;
    size_t ngroups, cap;
    int rc;
    eccn_error *err;
} catalogue_walk;

static bool same_change(const eccn_change *a, const eccn_change *b)
{
    return a->licence_by == b->licence_by && a->class_by == b->class_by &&
           a->before.verdict == b->before.verdict && a->after.verdict == b->after.verdict &&
           a->before.review_policy == b->before.review_policy &&
           a->after.review_policy == b->after.review_policy;
}

static void each_destination(const char *code, void *ctx)
{
    catalogue_walk *w = ctx;
    const eccn_change *c;
    if (w->rc != ECCN_OK ||
        (w->rc = eccn_impact_of(w->im, w->part, code, w->hq, &c, w->err)) != ECCN_OK || !c ||
        !(c->verdict || c->policy))
        return;
    size_t g = 0;
    while (g < w->ngroups && !same_change(&w->groups[g].change, c))
        g++;
    if (g == w->ngroups) {
        dest_group *grown = w->ngroups == w->cap
                                ? eccn_grow(w->groups, &w->cap, w->ngroups + 1, sizeof *grown, 8)
                                : w->groups;
        if (!grown) {
            w->rc = ECCN_ENOMEM;
            return;
        }
        w->groups = grown;
        w->groups[w->ngroups].change = *c;
        w->groups[w->ngroups++].n = 0;
    }
    dest_group *dg = &w->groups[g];
    if (dg->n < sizeof dg->codes / sizeof *dg->codes)
        snprintf(dg->codes[dg->n++], sizeof dg->codes[0], "%s", code);
}

static int impact_catalogue(eccn_ruleset *rs, eccn_impact *im, const char *hq, bool json, jsonw *jw,
                            eccn_error *err)
{
    catalogue_walk w = {.im = im, .hq = hq, .err = err, .rc = ECCN_OK};
    size_t parts_changed = 0;
    if (json) {
        jsonw_key(jw, "changes");
        jsonw_arr_begin(jw);
    }
    for (size_t i = 0; i < eccn_catalog_count(rs->cat) && w.rc == ECCN_OK; i++) {
        const eccn_part *p = eccn_catalog_at(rs->cat, i);
        const eccn_change *cls = NULL;
        eccn_change keep;
        w.part = p;
        w.ngroups = 0;
        if ((w.rc = eccn_impact_of(im, p, NULL, NULL, &cls, err)) != ECCN_OK)
            break;
        if (cls)
            keep = *cls;
        eccn_geo_each_country(rs->geo, each_destination, &w);
        if (w.rc != ECCN_OK || (!cls && !w.ngroups))
            continue;
        parts_changed++;
        if (json) {
            jsonw_obj_begin(jw);
            jsonw_kv_str(jw, "part", p->id);
            jsonw_kv_str(jw, "name", p->spec.name);
            jsonw_key(jw, "classification");
            if (cls) {
                jsonw_obj_begin(jw);
                change_json(jw, &keep, false);
                jsonw_obj_end(jw);
            } else
                jsonw_null(jw);
            jsonw_key(jw, "licence");
            jsonw_arr_begin(jw);
            for (size_t g = 0; g < w.ngroups; g++) {
                jsonw_obj_begin(jw);
                change_json(jw, &w.groups[g].change, true);
                jsonw_key(jw, "destinations");
                jsonw_arr_begin(jw);
                for (size_t k = 0; k < w.groups[g].n; k++)
                    jsonw_str(jw, w.groups[g].codes[k]);
                jsonw_arr_end(jw);
                jsonw_obj_end(jw);
            }
            jsonw_arr_end(jw);
            jsonw_obj_end(jw);
            continue;
        }
        printf("%s  %s\n", p->id, p->spec.name);
        if (cls) {
            printf("  classification: ");
            change_text(&keep, false, false);
        }
        for (size_t g = 0; g < w.ngroups; g++) {
            printf("  to %zu destination%s (", w.groups[g].n, w.groups[g].n == 1 ? "" : "s");
            for (size_t k = 0; k < w.groups[g].n; k++)
                printf("%s%s", k ? " " : "", w.groups[g].codes[k]);
            printf("): ");
            change_text(&w.groups[g].change, true, false);
        }
    }
    if (json) {
        jsonw_arr_end(jw);
        jsonw_kv_int(jw, "parts_changed", (long long)parts_changed);
    } else if (w.rc == ECCN_OK)
        printf("%zu of %zu catalogue entries change\n", parts_changed, eccn_catalog_count(rs->cat));
    free(w.groups);
    return w.rc;
}

/* ---- an inventory's lines ---- */

typedef struct lines_walk {
    eccn_impact *im;
    bool json;
    jsonw *jw;
    long long compared, changed, errors;
    eccn_error *err;
} lines_walk;

static int each_line(const eccn_audit_item *it, void *ctx)
{
    lines_walk *w = ctx;
    const eccn_change *c;
    int rc;
    if (!it->part) {
        w->errors++;
        return ECCN_OK;
    }
    w->compared++;
    if ((rc = eccn_impact_of(w->im, it->part, it->destination, it->headquarters, &c, w->err)) !=
            ECCN_OK ||
        !c)
        return rc;
    w->changed++;
    if (w->json) {
        jsonw *jw = w->jw;
        jsonw_obj_begin(jw);
        jsonw_kv_int(jw, "line", it->line);
        jsonw_kv_str(jw, "line_id", it->line_id);
        jsonw_kv_str(jw, "part", it->part->id);
        jsonw_kv_str(jw, "destination", it->destination);
        jsonw_kv_str(jw, "headquarters", it->headquarters);
        if (it->quantity >= 0)
            jsonw_kv_int(jw, "quantity", it->quantity);
        else
            jsonw_kv_str(jw, "quantity", NULL); /* unknown: the file had no quantity */
        change_json(jw, c, true);
        jsonw_obj_end(jw);
        return jw->status;
    }
    printf("line %lld%s%s %s -> %s: ", it->line, it->line_id ? " " : "",
           it->line_id ? it->line_id : "", it->part->id, it->destination);
    change_text(c, true, true);
    return ECCN_OK;
}

int cmd_impact(cli_env *env, int argc, char **argv)
{
    impact_args a;
    eccn_ruleset *rs = NULL;
    eccn_ledger *l = NULL;
    eccn_impact *im = NULL;
    eccn_error err = {0};
    eccn_buf out = {0};
    eccn_date d1, d2;
    long long run = 0;
    const char *hq = NULL;
    jsonw jw;
    int rc = parse_args(argc, argv, &a);
    if (rc || (rc = cli_date(a.from, &d1)) || (rc = cli_date(a.to, &d2)) ||
        (a.run && (rc = cli_id("--run", a.run, &run))) || (rc = cli_open_rules(env, &rs)))
        goto done;
    if (a.hq && !(hq = cli_country(rs, "--hq", a.hq))) {
        rc = EXIT_USAGE;
        goto done;
    }
    if (a.run && (rc = cli_open_ledger(env, CLI_LEDGER_AS_IS, &l)))
        goto done;
    if (a.run && eccn_ledger_run_exists(l, run, &err) != ECCN_OK) {
        cli_print_error(&err); /* not "0 of 0 lines change" */
        rc = EXIT_USAGE;
        goto done;
    }
    if (!(im = eccn_impact_new(rs, d1, d2))) {
        rc = EXIT_USAGE;
        cli_errorf("out of memory");
        goto done;
    }
    jsonw_init(&jw, &out);
    jsonw_obj_begin(&jw);
    jsonw_kv_str(&jw, "from", a.from);
    jsonw_kv_str(&jw, "to", a.to);
    jsonw_kv_str(&jw, "rules_revision", rs->revision);
    if (!a.json)
        printf("changes from %s to %s (rules revision %s)\n", a.from, a.to, rs->revision);
    int st;
    if (!a.inventory && !a.run) {
        jsonw_kv_str(&jw, "headquarters", hq);
        if (!a.json)
            printf("consignee headquartered %s%s\n", hq ? "in " : "in the destination",
                   hq ? hq : "");
        st = impact_catalogue(rs, im, hq, a.json, &jw, &err);
    } else {
        lines_walk w = {.im = im, .json = a.json, .jw = &jw, .err = &err};
        jsonw_key(&jw, a.run ? "run" : "inventory");
        if (a.run)
            jsonw_int(&jw, run);
        else
            jsonw_str(&jw, a.inventory);
        jsonw_key(&jw, "changes");
        jsonw_arr_begin(&jw);
        if (a.run) {
            st = eccn_audit_run_items(rs, l, run, each_line, &w, &err);
        } else {
            /* Ship dates are not read: every line is judged on both dates given. */
            eccn_audit_opts o = {.path = a.inventory,
                                 .default_to = a.dest,
                                 .default_date = a.to,
                                 .delimiter = a.delimiter ? a.delimiter[0] : 0};
            memcpy(o.maps, a.maps, sizeof a.maps);
            o.nmaps = a.nmaps;
            st = eccn_audit_scan(rs, &o, each_line, &w, &err);
        }
        jsonw_arr_end(&jw);
        jsonw_kv_int(&jw, "lines_compared", w.compared);
        jsonw_kv_int(&jw, "lines_changed", w.changed);
        jsonw_kv_int(&jw, "lines_not_judged", w.errors);
        if (!a.json && st == ECCN_OK)
            printf("%lld of %lld lines change%s\n", w.changed, w.compared,
                   w.errors ? " (lines that cannot be judged are left out; `eccn audit` names them)"
                            : "");
    }
    if (st != ECCN_OK) {
        cli_print_error(&err);
        rc = EXIT_USAGE;
        goto done;
    }
    jsonw_obj_end(&jw);
    if (a.json)
        printf("%s\n", out.data);
done:
    eccn_buf_free(&out);
    eccn_impact_free(im);
    eccn_ledger_close(l);
    eccn_ruleset_free(rs);
    return rc;
}
