/* report_map.c: the report's charts (see report_map.h). */
#include "report_map.h"

#include "ledger_query.h"

#include <string.h>

static void add_line(double *v, size_t *n, double x)
{
    for (size_t i = 0; i < *n; i++)
        if (v[i] == x)
            return;
    if (*n < 16)
        v[(*n)++] = x;
}

typedef struct region_ctx {
    map *m;
    eccn_chart_region g;
    bool drawable;
} region_ctx;

static int region_test(const char *metric, const char *op, double x, void *ctx)
{
    region_ctx *c = ctx;
    bool lower = op[0] == '>';
    if (strcmp(metric, "tpp") == 0) {
        *(lower ? &c->g.tpp_lo : &c->g.tpp_hi) = x;
        add_line(c->m->tpp_lines, &c->m->ntpp, x);
    } else if (strcmp(metric, "pd") == 0) {
        *(lower ? &c->g.pd_lo : &c->g.pd_hi) = x;
        add_line(c->m->pd_lines, &c->m->npd, x);
    } else {
        c->drawable = false;
    }
    return ECCN_OK;
}

/* Notes in m->changes each date after start and up to m->when on which a classification
 * paragraph came into force or ended: lines on either side were judged by different maps. */
static void note_changes(const provs *p, const char *start, map *m)
{
    for (size_t i = 0; *start && i < p->n; i++) {
        const prov *v = &p->v[i];
        const char *dates[] = {v->effective, v->ends};
        for (int k = 0; k < 2 && strcmp(v->kind, "classification") == 0; k++) {
            const char *d = dates[k];
            if (!d || strlen(d) != 10 || strcmp(d, start) <= 0 || strcmp(d, m->when) > 0 ||
                strstr(m->changes, d))
                continue;
            size_t len = strlen(m->changes);
            snprintf(m->changes + len, sizeof m->changes - len, "%s%s", len ? ", " : "", d);
        }
    }
}

/* The map is drawn for the end of the period, the date the report's scope ends on. */
void eccn_report_build_map(report *r, const provs *p, map *m)
{
    memset(m, 0, sizeof *m);
    eccn_report_period_end(r, m->when);
    note_changes(p, r->earliest, m);
    for (size_t i = 0; i < p->n && m->nregions < 16; i++) {
        const prov *v = &p->v[i];
        if (strcmp(v->kind, "classification") || v->other_tests != 0 || !*v->tests ||
            strcmp(v->effective, m->when) > 0 || (*v->ends && strcmp(v->ends, m->when) <= 0))
            continue;
        region_ctx c = {
            .m = m, .g = {.pd_lo = 0, .pd_hi = 1e9, .tpp_lo = 1, .tpp_hi = 1e12}, .drawable = true};
        /* A region that cannot be read is left out, as one on other axes is. */
        if (eccn_ledger_provision_tests(r->l, v->tests, region_test, &c, r->err) != ECCN_OK ||
            !c.drawable)
            continue;
        snprintf(m->labels[m->nregions], sizeof m->labels[0], "%s (%s)", v->eccn, v->id);
        c.g.label = m->labels[m->nregions];
        c.g.eccn = v->eccn;
        m->regions[m->nregions++] = c.g;
    }
}

void eccn_report_control_map(report *r, const map *m, FILE *out)
{
    eccn_chart_point pts[256];
    size_t n = 0;
    char title[160];
    for (size_t i = 0; i < r->nparts && n < 256; i++)
        if (r->parts[i].has_tpp && (i == 0 || strcmp(r->parts[i].id, r->parts[i - 1].id)))
            pts[n++] = (eccn_chart_point){.label = r->parts[i].id,
                                          .tpp = r->parts[i].tpp,
                                          .pd = r->parts[i].pd,
                                          .has_pd = r->parts[i].has_pd};
    snprintf(title, sizeof title, "Control map: classification regions in force on %s%s", m->when,
             m->nregions ? "" : " (none drawable on these axes)");
    eccn_chart_control_map(out, title, m->regions, m->nregions, m->tpp_lines, m->ntpp, m->pd_lines,
                           m->npd, pts, n);
}

static int cmp_bar(const void *a, const void *b)
{
    const eccn_chart_bar *x = a, *y = b;
    return x->value < y->value ? 1 : x->value > y->value ? -1 : strcmp(x->label, y->label);
}

void eccn_report_destination_bars(report *r, FILE *out)
{
    eccn_chart_bar bars[64];
    size_t n = 0;
    for (size_t g = 0; g < r->ngroups; g++) {
        size_t b = 0;
        while (b < n && strcmp(bars[b].label, r->groups[g].dest))
            b++;
        if (b == n) {
            if (n == 64)
                continue;
            bars[n++] = (eccn_chart_bar){.label = r->groups[g].dest, .value = 0};
        }
        bars[b].value += (double)r->groups[g].qty;
    }
    eccn_sort(bars, n, sizeof *bars, cmp_bar);
    eccn_chart_bars(out, "Licence-required quantity by destination", bars, n < 20 ? n : 20,
                    "units");
}
