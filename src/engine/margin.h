/*
 * margin.h: how far a part sits from the thresholds of the rules in force, and the smallest single
 * change in TPP, die area or I/O bandwidth that would change its outcome: the classification, and
 * with a destination the licence verdict too. This is the analysis behind the A800, H800, H20 and
 * RTX 4090 D, each designed to sit just outside a test.
 *
 * The distances themselves are the metric tests in an eccn_result's trace (value, threshold,
 * margin); this module searches for the flips. Flip candidates are the thresholds of those tests,
 * translated to the varied figure (a PD threshold p is TPP p x die area, or die area TPP / p),
 * each tried just below, at and just above; the nearest one that changes the outcome wins.
 */
#ifndef ECCN_MARGIN_H
#define ECCN_MARGIN_H

#include "eval.h"

#define ECCN_NFLIPS 3

typedef struct eccn_flip {
    eccn_metric varied; /* ECCN_M_TPP, ECCN_M_DIE_AREA or ECCN_M_IO_BW */
    bool known;         /* the figure is known now (otherwise nothing is searched) */
    bool found;         /* some value changes the outcome */
    double from, to;
    /* the outcome at `to` */
    eccn_status status;
    char eccn[32];
    eccn_verdict verdict;
    const eccn_provision *by; /* the classification deciding it, or the first licence provision */
} eccn_flip;

/* Fills out[] for TPP, die area and I/O bandwidth, given now = eccn_evaluate(rs, q). */
int eccn_margin_flips(const eccn_ruleset *rs, const eccn_query *q, const eccn_result *now,
                      eccn_flip out[ECCN_NFLIPS], eccn_error *err);

#endif
