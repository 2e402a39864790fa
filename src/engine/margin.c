/* margin.c: threshold flips (see margin.h). */
#include "margin.h"

#include <math.h>
#include <string.h>

static const eccn_metric VARIED[ECCN_NFLIPS] = {ECCN_M_TPP, ECCN_M_DIE_AREA, ECCN_M_IO_BW};

static bool same_outcome(const eccn_result *a, const eccn_result *b)
{
    return a->status == b->status && strcmp(a->eccn, b->eccn) == 0 && a->verdict == b->verdict;
}

/* Evaluates q with the IC's figure `varied` set to x; records a flip nearer than the best so far.
 */
static int try_value(const eccn_ruleset *rs, const eccn_query *q, const eccn_result *now, double x,
                     eccn_flip *f, eccn_error *err)
{
    if (x < 0 || x == f->from || (f->found && fabs(x - f->from) >= fabs(f->to - f->from)))
        return ECCN_OK;
    const eccn_part *part = q->part;
    const eccn_part *ic = part && part->kind == ECCN_PART_SYSTEM ? part->component : part;
    eccn_query changed = *q;
    eccn_part ic_copy, system_copy;
    eccn_spec spec = ic ? ic->spec : q->spec;
    eccn_spec_set(&spec, f->varied, x);
    if (ic) { /* shallow copies, read only: the catalogue's own entries stay untouched */
        ic_copy = *ic;
        ic_copy.spec = spec;
        changed.part = &ic_copy;
        if (ic != part) {
            system_copy = *part;
            system_copy.component = &ic_copy;
            changed.part = &system_copy;
        }
    }
    changed.spec = spec;
    eccn_result r = {0};
    int rc = eccn_evaluate(rs, &changed, &r, err);
    if (rc == ECCN_OK && !same_outcome(now, &r)) {
        f->found = true;
        f->to = x;
        f->status = r.status;
        f->verdict = r.verdict;
        memcpy(f->eccn, r.eccn, sizeof f->eccn);
        f->by = r.deciding_class ? r.deciding_class : r.ndeciding ? r.deciding[0] : NULL;
    }
    eccn_result_free(&r);
    return rc;
}

/* The value of the varied figure at which test t's threshold is reached, or -1. */
static double crossing(const eccn_test *t, eccn_metric varied, const eccn_spec *m)
{
    if (t->metric == varied)
        return t->threshold;
    if (t->metric != ECCN_M_PD)
        return -1;
    if (varied == ECCN_M_TPP && eccn_spec_has(m, ECCN_M_DIE_AREA))
        return t->threshold * m->v[ECCN_M_DIE_AREA];
    if (varied == ECCN_M_DIE_AREA && eccn_spec_has(m, ECCN_M_TPP) && t->threshold > 0)
        return m->v[ECCN_M_TPP] / t->threshold;
    return -1;
}

int eccn_margin_flips(const eccn_ruleset *rs, const eccn_query *q, const eccn_result *now,
                      eccn_flip out[ECCN_NFLIPS], eccn_error *err)
{
    int rc = ECCN_OK;
    for (int v = 0; v < ECCN_NFLIPS && rc == ECCN_OK; v++) {
        eccn_flip *f = &out[v];
        memset(f, 0, sizeof *f);
        f->varied = VARIED[v];
        if (!(f->known = eccn_spec_has(&now->metrics, f->varied)))
            continue;
        f->from = now->metrics.v[f->varied];
        for (size_t i = 0; i < now->trace.n && rc == ECCN_OK; i++) {
            const eccn_test *t = &now->trace.tests[i];
            double c = t->is_metric ? crossing(t, f->varied, &now->metrics) : -1;
            if (c < 0)
                continue;
            /* Just below, at and just above: which side flips depends on the comparison. */
            double nudge = fmax(1e-9, fabs(c) * 1e-9);
            for (int k = -1; k <= 1 && rc == ECCN_OK; k++)
                rc = try_value(rs, q, now, c + k * nudge, f, err);
        }
    }
    return rc;
}
