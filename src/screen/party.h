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

/* A person's review of a possible match, as the ledger records it (screen --clear): the party
 * whose name normalises to norm_name, screened in country ("" for any), is not the listed entry
 * whose content hashes to entry_hash (eccn_screen_entry_hash). When the lists change that entry,
 * its hash changes and the clearance no longer applies. Strings are the caller's. */
typedef struct eccn_party_clearance {
    const char *norm_name, *country, *entry_hash, *user, *date, *reason;
} eccn_party_clearance;

#define ECCN_PARTY_MAX_CLEARED 8

/* A match a clearance set aside: the entry (borrowed from the lists) and the clearance. */
typedef struct eccn_party_cleared {
    const eccn_screen_entry *entry;
    const eccn_party_clearance *by;
} eccn_party_cleared;

typedef struct eccn_party_finding {
    const char *role; /* "consignee", "end user" */
    eccn_screen_result result;
    eccn_party_effect effect;
    const eccn_screen_match *match; /* the deciding match, or NULL when clear */
    const char *citation;           /* the rule behind the effect, or "" */
    size_t ncleared;                /* matches set aside by a recorded review, out of result */
    eccn_party_cleared cleared[ECCN_PARTY_MAX_CLEARED];
} eccn_party_finding;

/* The SHA-256 (hex) of an entry's content: every field and alias, as loaded. */
int eccn_screen_entry_hash(const eccn_screen_entry *e, char out[65]);

/* Screens name as the party in role, qualified by the destination country. */
int eccn_party_screen(eccn_screen_lists *l, const char *role, const char *name, const char *country,
                      eccn_party_finding *out, eccn_error *err);
/* Sets aside the matches of f that a clearance names (same normalised name, the clearance's
 * country empty or the one screened, the entry's content unchanged) and decides the effect
 * again from the matches left: a finding whose every match was cleared is clear. */
int eccn_party_apply_clearances(eccn_screen_lists *l, eccn_party_finding *f,
                                const eccn_party_clearance *c, size_t n);
/* "cleared by USER on DATE: REASON" for the first match set aside, in buf ("" when none). */
const char *eccn_party_cleared_text(const eccn_party_finding *f, char *buf, size_t size);
void eccn_party_finding_free(eccn_party_finding *f);
const char *eccn_party_effect_name(eccn_party_effect e);
/* The answer once the parties are screened: licence required when a party is on a list that
 * requires one (or is denied), whatever the part; at least indeterminate when a party is a
 * possible match or on a list outside the EAR. */
eccn_verdict eccn_party_verdict(eccn_verdict part, const eccn_party_finding *f, size_t n);
/* The finding as a provision: its id ("screening:LIST:ENTITY_NUMBER", "screening:clear") and
 * title ("consignee listed: NAME on the EL (license_required)", "" when clear). */
void eccn_party_provision(const eccn_party_finding *f, char *id, size_t idsz, char *title,
                          size_t titlesz);
/* Writes {"kind": "screening", "id", "title", "role", "effect", "citation", "cleared" (the
 * matches a recorded review set aside) and the screening result} (docs/screening.md). */
void eccn_party_finding_json(const eccn_party_finding *f, jsonw *w);

#endif
