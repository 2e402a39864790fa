/*
 * party.h: what screening a party of a shipment (the consignee, the end user) does to the answer
 * about the part. A hit on a list whose effect data/screening.yaml gives (the Entity List and
 * the Military End-User List: licence required; the Denied Persons List: denied) decides the
 * answer whatever the part; a hit on another list (OFAC's, State's) is outside the EAR and is
 * reported for a person to review; a possible match also asks for review. The caller owns the
 * finding (eccn_party_finding_free); its match borrows from the lists.
 */
#ifndef ECCN_PARTY_H
#define ECCN_PARTY_H

#include "eval.h"
#include "screen.h"

typedef enum {
    ECCN_PARTY_CLEAR,
    ECCN_PARTY_LICENSE_REQUIRED, /* on a list that requires a licence for every item */
    ECCN_PARTY_DENIED,           /* export privileges denied */
    ECCN_PARTY_OUTSIDE_EAR,      /* on a list outside the EAR: review */
    ECCN_PARTY_REVIEW,           /* a possible match: review */
} eccn_party_effect;

typedef struct eccn_party_finding {
    const char *role; /* "consignee", "end user" */
    eccn_screen_result result;
    eccn_party_effect effect;
    const eccn_screen_match *match; /* the deciding match, or NULL when clear */
    const char *citation;           /* the rule behind the effect, or "" */
} eccn_party_finding;

/* Screens name as the party in role, qualified by the destination country. */
int eccn_party_screen(eccn_screen_lists *l, const char *role, const char *name, const char *country,
                      eccn_party_finding *out, eccn_error *err);
void eccn_party_finding_free(eccn_party_finding *f);
const char *eccn_party_effect_name(eccn_party_effect e);
/* The answer once the parties are screened: licence required when a party is on a list that
 * requires one (or is denied), whatever the part; at least indeterminate when a party is a
 * possible match or on a list outside the EAR. */
eccn_verdict eccn_party_verdict(eccn_verdict part, const eccn_party_finding *f, size_t n);
/* Writes {"role", "effect", "citation", and the screening result} (docs/screening.md). */
void eccn_party_finding_json(const eccn_party_finding *f, jsonw *w);

#endif
