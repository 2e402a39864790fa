/*
 * clearances.h: the reviews of possible matches recorded in the ledger (clearance.h), loaded for
 * screening (party.h): what `check`, `audit` and `screen` apply. The set owns its strings;
 * release it with eccn_clearances_free.
 */
#ifndef ECCN_CLEARANCES_H
#define ECCN_CLEARANCES_H

#include "ledger.h"
#include "party.h"

typedef struct eccn_clearances {
    eccn_party_clearance *v;
    size_t n, cap;
    char **strings;
    size_t nstrings, strings_cap;
} eccn_clearances;

/* Every review recorded in l (none when l is NULL). */
int eccn_clearances_load(eccn_ledger *l, eccn_clearances *out, eccn_error *err);
void eccn_clearances_free(eccn_clearances *c);

/* Records a person's review: every match of f (screened against lists) is set aside for the
 * name as f was screened (its country, or any when none was given), by user, for reason. The
 * rows recorded are counted in *n. */
int eccn_clearances_record(eccn_ledger *l, const eccn_screen_lists *lists,
                           const eccn_party_finding *f, const char *user, const char *reason,
                           size_t *n, eccn_error *err);

#endif
