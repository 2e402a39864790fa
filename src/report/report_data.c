/* report_data.c: gathering what a report says (see report_data.h). */
#include "report_data.h"

#include "ledger_query.h"

#include <stdlib.h>
#include <string.h>

int eccn_report_strset_add(strset *s, const char *v)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->v[i], v) == 0)
            return ECCN_OK;
    char **g = eccn_grow(s->v, &s->cap, s->n + 1, sizeof *g, 16);
    if (!g)
        return ECCN_ENOMEM;
    s->v = g;
    return (s->v[s->n] = eccn_strdup(v)) ? (s->n++, ECCN_OK) : ECCN_ENOMEM;
}

void eccn_report_strset_free(strset *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->v[i]);
    free(s->v);
}

/* The slot holding the index + 1 of the entry keyed by the n texts (0: none yet); NULL when out
 * of memory. The texts are joined with NULs, so no two keys run into each other. */
static size_t *index_of(eccn_hmap *m, const char *const *texts, size_t n)
{
    char key[4 * 64];
    size_t len = 0;
    for (size_t i = 0; i < n && i < 4; i++) {
        size_t l = strnlen(texts[i], 63); /* as the 64-byte fields they are kept in hold them */
        memcpy(key + len, texts[i], l);
        key[len + l] = '\0';
        len += l + 1;
    }
    bool added;
    return eccn_hmap_get(m, key, len, &added);
}

/* One judged group of lines: n lines of quantity qty, all with the same outcome. */
static int count(report *r, const char *verdict, const char *dest, const char *eccn,
                 const char *exceptions, const char *part_id, double tpp, bool has_tpp, double pd,
                 bool has_pd, const char *by, const char *status, const char *vendor, long long n,
                 long long qty)
{
    r->lines += n;
    r->quantity += qty;
    if (strcmp(verdict, "license_required") == 0) {
        r->licence += n;
        r->licence_qty += qty;
        if (exceptions && strcmp(exceptions, "[]") != 0 && *exceptions)
            r->exceptions += n;
        const char *gkey[2] = {dest, eccn};
        size_t *gat = index_of(&r->group_at, gkey, 2);
        if (!gat)
            return ECCN_ENOMEM;
        size_t g = *gat ? *gat - 1 : r->ngroups;
        if (g == r->ngroups) {
            *gat = g + 1;
            group *grown = eccn_grow(r->groups, &r->groups_cap, g + 1, sizeof *grown, 32);
            if (!grown)
                return ECCN_ENOMEM;
            r->groups = grown;
            memset(&r->groups[g], 0, sizeof *grown);
            snprintf(r->groups[g].dest, sizeof grown->dest, "%s", dest);
            snprintf(r->groups[g].eccn, sizeof grown->eccn, "%s", eccn);
            r->ngroups++;
        }
        r->groups[g].lines += n;
        r->groups[g].qty += qty;
    } else if (strcmp(verdict, "indeterminate") == 0) {
        r->indeterminate += n;
    } else {
        r->no_licence += n;
    }
    if (!part_id || !*part_id)
        return ECCN_OK;
    /* A part is listed once per classification it had: the same part shipped under the 2022
     * and the 2023 rules can be two rows. */
    const char *pkey[3] = {part_id, eccn, by ? by : ""};
    size_t *pat = index_of(&r->part_at, pkey, 3);
    if (!pat)
        return ECCN_ENOMEM;
    size_t p = *pat ? *pat - 1 : r->nparts;
    if (p == r->nparts) {
        *pat = p + 1;
        part *grown = eccn_grow(r->parts, &r->parts_cap, p + 1, sizeof *grown, 32);
        if (!grown)
            return ECCN_ENOMEM;
        r->parts = grown;
        part *np = &r->parts[p];
        memset(np, 0, sizeof *np);
        snprintf(np->id, sizeof np->id, "%s", part_id);
        snprintf(np->eccn, sizeof np->eccn, "%s", eccn);
        snprintf(np->by, sizeof np->by, "%s", by ? by : "");
        snprintf(np->status, sizeof np->status, "%s", status);
        snprintf(np->vendor, sizeof np->vendor, "%s", vendor ? vendor : "");
        np->tpp = tpp;
        np->has_tpp = has_tpp;
        np->pd = pd;
        np->has_pd = has_pd;
        r->nparts++;
    }
    r->parts[p].lines += n;
    return ECCN_OK;
}

static void note_dates(report *r, const char *earliest, const char *latest)
{
    if (latest && strlen(latest) == 10 && strcmp(latest, r->latest) > 0)
        snprintf(r->latest, sizeof r->latest, "%s", latest);
    if (earliest && strlen(earliest) == 10 &&
        (!r->earliest[0] || strcmp(earliest, r->earliest) < 0))
        snprintf(r->earliest, sizeof r->earliest, "%s", earliest);
}

static int counted(const eccn_ledger_outcome *o, void *ctx)
{
    report *r = ctx;
    note_dates(r, o->earliest, o->latest);
    if (strcmp(o->verdict, "error") == 0) {
        r->errors += o->lines;
        r->lines += o->lines;
        return ECCN_OK;
    }
    return count(r, o->verdict, o->destination, o->eccn, o->exceptions, o->part_id, o->tpp,
                 o->has_tpp, o->pd, o->has_pd, o->classified_by, o->status, o->vendor, o->lines,
                 o->quantity);
}

static int counted_check(const eccn_ledger_outcome *o, void *ctx)
{
    report *r = ctx;
    r->checks++;
    r->what_if += o->what_if;
    return counted(o, ctx);
}

static int cited_revision(const char *revision, void *ctx)
{
    return eccn_report_strset_add(&((report *)ctx)->revisions, revision);
}

static int cited_provision(const char *id, void *ctx)
{
    /* A party's finding is listed with the screening, not among the rules' provisions. */
    if (strncmp(id, "screening:", 10) == 0)
        return ECCN_OK;
    return eccn_report_strset_add(&((report *)ctx)->provisions, id);
}

/* Notes act (one of a run's what-if acts, space-separated) in r->what_if_acts, once. */
static void note_acts(report *r, const char *acts)
{
    char one[256];
    for (const char *a = acts; *a;) {
        size_t n = strcspn(a, " ");
        snprintf(one, sizeof one, "%.*s", (int)n, a);
        const char *have = r->what_if_acts, *at = strstr(have, one);
        while (at && !((at == have || at[-1] == ' ') && (at[n] == ' ' || !at[n])))
            at = strstr(at + 1, one);
        size_t len = strlen(have);
        if (!at && n)
            snprintf(r->what_if_acts + len, sizeof r->what_if_acts - len, "%s%s", len ? " " : "",
                     one);
        a += n + (a[n] == ' ');
    }
}

/* A run in scope; in a period, a later run of the same input replaces an earlier one: an input
 * audited again (after a rules change, or by mistake) is one set of shipments, not two. The same
 * input is the same bytes and the same sheet of them (two sheets of a workbook are two inputs).
 * A what-if run replaces only a what-if run under the same acts, never a decision, nor the
 * reverse. A run that did not finish replaces only one that did not either: it has judged part
 * of the file. */
static int add_run(const eccn_ledger_run *run, void *ctx)
{
    report *r = ctx;
    bool complete = strcmp(run->status, "complete") == 0;
    /* A what-if run is not a decision: a report of a period leaves it out unless asked. */
    if (run->what_if[0] && !r->o->run_id && !r->o->include_what_if) {
        r->what_if_runs_left++;
        return ECCN_OK;
    }
    for (size_t i = 0; !r->o->run_id && run->sha256[0] && i < r->nruns; i++)
        if (strcmp(r->runs[i].sha256, run->sha256) == 0 &&
            strcmp(r->runs[i].sheet, run->sheet) == 0 &&
            strcmp(r->runs[i].what_if, run->what_if) == 0) {
            if (complete || !r->runs[i].complete) { /* runs come in id order: this one is later */
                r->runs[i].id = run->id;
                r->runs[i].complete = complete;
            }
            r->reaudits++;
            return ECCN_OK;
        }
    struct run_ref *g = eccn_grow(r->runs, &r->runs_cap, r->nruns + 1, sizeof *g, 8);
    if (!g)
        return ECCN_ENOMEM;
    r->runs = g;
    g += r->nruns++;
    memset(g, 0, sizeof *g);
    g->id = run->id;
    g->complete = complete;
    snprintf(g->sha256, sizeof g->sha256, "%s", run->sha256);
    snprintf(g->sheet, sizeof g->sheet, "%s", run->sheet);
    snprintf(g->what_if, sizeof g->what_if, "%s", run->what_if);
    if (run->what_if[0]) {
        r->what_if_runs++;
        note_acts(r, run->what_if);
    }
    return ECCN_OK;
}

static int gather(report *r)
{
    eccn_ledger_outcome_fns fns = {counted, cited_revision, cited_provision, r};
    int rc = eccn_ledger_each_run(r->l, r->o->run_id, r->o->since, r->o->until, add_run, r, r->err);
    if (rc == ECCN_OK && r->o->run_id && !r->nruns)
        return eccn_fail(r->err, ECCN_ENOTFOUND, eccn_ledger_path(r->l), 0, 0,
                         "no audit run %lld in the ledger", r->o->run_id);
    for (size_t i = 0; rc == ECCN_OK && i < r->nruns; i++)
        rc = eccn_ledger_run_outcomes(r->l, r->runs[i].id, &fns, r->err);
    fns.outcome = counted_check;
    if (rc == ECCN_OK && !r->o->run_id)
        rc = eccn_ledger_check_outcomes(r->l, r->o->since, r->o->until, r->o->include_what_if, &fns,
                                        r->err);
    if (rc == ECCN_OK && !r->o->run_id && !r->o->include_what_if)
        rc = eccn_ledger_count_what_if(r->l, r->o->since, r->o->until, &r->what_if_left, r->err);
    if (rc == ECCN_OK)
        rc = eccn_report_screening_gather(r);
    eccn_sort(r->revisions.v, r->revisions.n, sizeof *r->revisions.v, eccn_cmp_strings);
    eccn_sort(r->provisions.v, r->provisions.n, sizeof *r->provisions.v, eccn_cmp_strings);
    return rc;
}

static int cmp_group(const void *a, const void *b)
{
    const group *x = a, *y = b;
    int c = strcmp(x->dest, y->dest);
    return c ? c : strcmp(x->eccn, y->eccn);
}

static int cmp_part(const void *a, const void *b)
{
    const part *x = a, *y = b;
    int c = strcmp(x->id, y->id);
    return c ? c : (c = strcmp(x->eccn, y->eccn)) ? c : strcmp(x->by, y->by);
}

static void provs_free(provs *p)
{
    for (size_t i = 0; i < p->n; i++) {
        char **f[] = {&p->v[i].id,        &p->v[i].kind,   &p->v[i].title,
                      &p->v[i].citation,  &p->v[i].source, &p->v[i].eccn,
                      &p->v[i].effective, &p->v[i].ends,   &p->v[i].tests};
        for (size_t k = 0; k < sizeof f / sizeof *f; k++)
            free(*f[k]);
    }
    free(p->v);
}

static int add_prov(const eccn_ledger_provision *lp, void *ctx)
{
    provs *out = ctx;
    for (size_t k = 0; k < out->n; k++)
        if (strcmp(out->v[k].id, lp->id) == 0)
            return ECCN_OK;
    prov *g = eccn_grow(out->v, &out->cap, out->n + 1, sizeof *g, 64);
    if (!g)
        return ECCN_ENOMEM;
    out->v = g;
    prov *p = &out->v[out->n++];
    memset(p, 0, sizeof *p);
    char **f[] = {&p->id,   &p->kind,      &p->title, &p->citation, &p->source,
                  &p->eccn, &p->effective, &p->ends,  &p->tests};
    const char *from[] = {lp->id,   lp->kind,      lp->title, lp->citation, lp->source,
                          lp->eccn, lp->effective, lp->ends,  lp->tests};
    int rc = ECCN_OK;
    for (int k = 0; k < 9; k++)
        if (!(*f[k] = eccn_strdup(from[k])))
            rc = ECCN_ENOMEM;
    p->other_tests = lp->other_tests;
    return rc;
}

/* Every provision of the revisions used, once (the first revision that has it). */
static int load_provisions(report *r, provs *out)
{
    int rc = ECCN_OK;
    for (size_t i = 0; rc == ECCN_OK && i < r->revisions.n; i++)
        rc = eccn_ledger_revision_provisions(r->l, r->revisions.v[i], add_prov, out, r->err);
    return rc;
}

const prov *eccn_report_find_prov(const provs *p, const char *id)
{
    for (size_t i = 0; i < p->n; i++)
        if (strcmp(p->v[i].id, id) == 0)
            return &p->v[i];
    return NULL;
}

int eccn_report_data_gather(report *r, provs *p)
{
    eccn_hmap_init(&r->group_at, sizeof(size_t));
    eccn_hmap_init(&r->part_at, sizeof(size_t));
    int rc = gather(r);
    if (rc == ECCN_OK) {
        eccn_sort(r->groups, r->ngroups, sizeof *r->groups, cmp_group);
        eccn_sort(r->parts, r->nparts, sizeof *r->parts, cmp_part);
        rc = load_provisions(r, p);
    }
    /* A period without a line still has rules in force at its end: those of the ledger's latest
     * revision, or the map would say none are drawable. */
    if (rc == ECCN_OK && !r->revisions.n &&
        (rc = eccn_ledger_latest_revision(r->l, r->map_revision, r->err)) == ECCN_OK &&
        r->map_revision[0])
        rc = eccn_ledger_revision_provisions(r->l, r->map_revision, add_prov, p, r->err);
    return rc;
}

void eccn_report_period_end(const report *r, char out[11])
{
    const char *end = r->o->until    ? r->o->until
                      : r->o->run_id ? r->latest[0] ? r->latest : r->o->generated_at
                                     : r->o->generated_at;
    snprintf(out, 11, "%.10s", end);
}

void eccn_report_data_free(report *r, provs *p)
{
    provs_free(p);
    eccn_report_strset_free(&r->revisions);
    eccn_report_strset_free(&r->provisions);
    eccn_report_strset_free(&r->lists_revisions);
    free(r->screens);
    free(r->runs);
    free(r->groups);
    free(r->parts);
    eccn_hmap_free(&r->group_at);
    eccn_hmap_free(&r->part_at);
}
