/* impact.c: comparing two dates (see impact.h). */
#include "impact.h"

#include "hmap.h"

#include <stdlib.h>
#include <string.h>

typedef struct slot {
    bool changed;
    eccn_change change;
} slot;

struct eccn_impact {
    const eccn_ruleset *rs;
    eccn_date before, after;
    eccn_hmap slots; /* part, destination, headquarters (canonical pointers) -> slot */
};

eccn_impact *eccn_impact_new(const eccn_ruleset *rs, eccn_date before, eccn_date after)
{
    eccn_impact *im = calloc(1, sizeof *im);
    if (im) {
        im->rs = rs;
        im->before = before;
        im->after = after;
        eccn_hmap_init(&im->slots, sizeof(slot));
    }
    return im;
}

void eccn_impact_free(eccn_impact *im)
{
    if (im)
        eccn_hmap_free(&im->slots);
    free(im);
}

static void outcome_of(const eccn_result *r, eccn_outcome *o)
{
    o->status = r->status;
    memcpy(o->eccn, r->eccn, sizeof o->eccn);
    o->verdict = r->verdict;
    o->review_policy = r->review_policy;
}

static bool listed(const eccn_provision *p, const eccn_result *r)
{
    for (size_t i = 0; i < r->ndeciding; i++)
        if (r->deciding[i] == p)
            return true;
    return false;
}

/* The first provision deciding a but not b. */
static const eccn_provision *only_in(const eccn_result *a, const eccn_result *b)
{
    for (size_t i = 0; i < a->ndeciding; i++)
        if (!listed(a->deciding[i], b))
            return a->deciding[i];
    return NULL;
}

/* The provision whose review policy this is (policies are borrowed from provisions). */
static const eccn_provision *policy_source(const eccn_ruleset *rs, const char *policy)
{
    for (size_t i = 0; policy && i < rs->nprovs; i++)
        if (rs->provs[i].review_policy == policy)
            return &rs->provs[i];
    return NULL;
}

static int compare(const eccn_impact *im, const eccn_part *part, const char *dest, const char *hq,
                   slot *s, eccn_error *err)
{
    eccn_query q = {.part = part,
                    .spec = part->spec,
                    .destination = dest,
                    .headquarters = hq,
                    .quantity = 1,
                    .no_trace = true};
    eccn_result was = {0}, now = {0};
    int rc;
    q.date = im->before;
    if ((rc = eccn_evaluate(im->rs, &q, &was, err)) == ECCN_OK) {
        q.date = im->after;
        rc = eccn_evaluate(im->rs, &q, &now, err);
    }
    if (rc == ECCN_OK) {
        eccn_change *c = &s->change;
        outcome_of(&was, &c->before);
        outcome_of(&now, &c->after);
        c->classification = was.status != now.status || strcmp(was.eccn, now.eccn) != 0;
        c->verdict = was.verdict != now.verdict;
        c->policy = !c->verdict && was.verdict == ECCN_V_LICENSE &&
                    (was.review_policy != now.review_policy);
        s->changed = c->classification || c->verdict || c->policy;
        if (c->classification)
            c->class_by = now.deciding_class ? now.deciding_class : was.deciding_class;
        if (c->verdict || c->policy)
            c->licence_by = only_in(&now, &was) ? only_in(&now, &was) : only_in(&was, &now);
        if (!c->licence_by && c->policy)
            c->licence_by = policy_source(im->rs, now.review_policy)
                                ? policy_source(im->rs, now.review_policy)
                                : policy_source(im->rs, was.review_policy);
    }
    eccn_result_free(&was);
    eccn_result_free(&now);
    return rc;
}

int eccn_impact_of(eccn_impact *im, const eccn_part *part, const char *destination, const char *hq,
                   const eccn_change **out, eccn_error *err)
{
    const void *key[3] = {part, destination, hq};
    int rc;
    *out = NULL;
    slot *s = eccn_hmap_find(&im->slots, key, sizeof key);
    if (!s) {
        slot fresh = {0};
        bool added;
        if ((rc = compare(im, part, destination, hq, &fresh, err)) != ECCN_OK)
            return rc;
        if (!(s = eccn_hmap_get(&im->slots, key, sizeof key, &added)))
            return ECCN_ENOMEM;
        *s = fresh;
    }
    *out = s->changed ? &s->change : NULL;
    return ECCN_OK;
}
