/*
 * crosscheck.h: eccn's classification beside the vendor's (issue 17 item 5). The vendor's ECCN is
 * shown with eccn's; a different tier, a vendor ECCN eccn's rules do not explain, or a TPP farther
 * from the vendor's than the review tolerance is flagged for review. A vendor ECCN never lowers
 * eccn's answer: where eccn's rules cannot place the item (figures unknown) or place it lower, the
 * vendor's tier is taken, and said to be the vendor's.
 */
#ifndef ECCN_CROSSCHECK_H
#define ECCN_CROSSCHECK_H

#include "eval.h"

/* The vendor's answer is its determination on its table's date: it decides nothing for an earlier
 * date (it is still shown). */
void eccn_vendor_crosscheck(const eccn_ruleset *rs, const eccn_part *part, eccn_date date,
                            eccn_result *r);

/* One vendor row as eccn answers it on a date (classification only). */
typedef struct eccn_vendor_finding {
    const struct eccn_vendor_row *row;
    const eccn_part *part;
    const eccn_result *result;
    bool flagged; /* a disagreement to review, or eccn cannot decide */
} eccn_vendor_finding;

/* Evaluates every row of the tables (of vendor `only` when not NULL) on date and passes each to
 * fn; returns ECCN_OK or the first failure. */
int eccn_vendor_check_each(const eccn_ruleset *rs, const char *only, eccn_date date,
                           void (*fn)(const eccn_vendor_finding *f, void *ctx), void *ctx,
                           eccn_error *err);

#endif
