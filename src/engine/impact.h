/*
 * impact.h: what a change of date does to an item: its classification, licence verdict and
 * review policy on two dates, and the provision that made the difference. `eccn impact` runs it
 * over the catalogue (for every destination) or over an inventory's lines.
 *
 * An eccn_impact caches one comparison per distinct (part, destination, headquarters), so an
 * inventory of a million lines costs a few thousand evaluations. A change it returns is owned by
 * it and valid until the next call (copy the struct to keep it); the rule set must outlive it.
 */
#ifndef ECCN_IMPACT_H
#define ECCN_IMPACT_H

#include "eval.h"

typedef struct eccn_outcome {
    eccn_status status;
    char eccn[32];
    eccn_verdict verdict;      /* ECCN_V_NONE without a destination */
    const char *review_policy; /* borrowed from the rule set, or NULL */
} eccn_outcome;

typedef struct eccn_change {
    eccn_outcome before, after;
    bool classification, verdict, policy; /* which of them differ */
    /* the provisions that made the difference: the classification that now decides (or that
     * stopped deciding), and the licence requirement or policy that came or went */
    const eccn_provision *class_by, *licence_by;
} eccn_change;

typedef struct eccn_impact eccn_impact;

eccn_impact *eccn_impact_new(const eccn_ruleset *rs, eccn_date before, eccn_date after);
void eccn_impact_free(eccn_impact *im);
/* The change for part to destination (NULL: classification only) with headquarters hq (NULL:
 * the destination); *out is NULL when nothing differs. */
int eccn_impact_of(eccn_impact *im, const eccn_part *part, const char *destination, const char *hq,
                   const eccn_change **out, eccn_error *err);

#endif
