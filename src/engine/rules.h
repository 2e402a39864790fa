/*
 * rules.h: the rule set. Each rule file in rules/ holds one legal act (a Federal Register rule, a
 * Part 746 sanction programme, a letter to a manufacturer) and its provisions, each with citation,
 * source and effective window; data/ holds the catalogue, countries and country groups. Opening a
 * rule set loads all of them and computes the rules revision: SHA-256 over every file used, so a
 * verdict can name exactly the content that produced it.
 *
 * An eccn_ruleset owns its acts, provisions, catalogue and geography; eccn_ruleset_free releases
 * them all.
 */
#ifndef ECCN_RULES_H
#define ECCN_RULES_H

#include "catalog.h"
#include "cond.h"
#include "geo.h"
#include "util.h"

typedef struct eccn_vocab eccn_vocab;

typedef enum {
    ECCN_PROV_CLASSIFICATION, /* the item is in an ECCN paragraph */
    ECCN_PROV_EXCLUSION,      /* a note that takes items out of listed paragraphs */
    ECCN_PROV_LICENSE,        /* a licence requirement */
    ECCN_PROV_EXCEPTION,      /* a licence exception that may authorise the export */
    ECCN_PROV_POLICY,         /* a licence review policy that replaces the requirement's own */
} eccn_prov_kind;

typedef struct eccn_act {
    char *id, *title, *citation, *source, *file;
    eccn_date published;
    /* The first day the act's model is complete (`covers_from:`), or ECCN_DATE_NONE: an act that
     * models each provision from the date of its current form, while earlier forms of the same
     * control existed, says from when all of them are there. */
    eccn_date covers_from;
    bool what_if; /* loaded with --what-if: applied as if in force and enforced */
} eccn_act;

typedef struct eccn_provision {
    char *id, *title, *citation, *source, *note;
    eccn_prov_kind kind;
    const eccn_act *act;
    int line, col;
    eccn_date effective;         /* first day in force */
    eccn_date ends;              /* first day no longer in force, or ECCN_DATE_NONE */
    eccn_date not_enforced_from; /* BIS announced it would not enforce from this day, or NONE */
    eccn_date compliance_from;   /* in effect earlier, but compliance is required from this day */
    eccn_cond *when;
    /* classification */
    char *eccn;
    eccn_part_kind item;
    /* exclusion */
    char **excludes;
    size_t nexcludes;
    /* license */
    bool indeterminate_outcome; /* the requirement turns on a fact eccn cannot know */
    char *review_policy;        /* license, policy */
    /* exception */
    char *exception_name, *exception_terms;
    char **overcomes;
    size_t novercomes;
} eccn_provision;

/* A file whose bytes went into the rules revision. */
typedef struct eccn_rulefile {
    char *path;
    char sha256[65];
    long long size;
} eccn_rulefile;

typedef struct eccn_ruleset {
    eccn_act *acts;
    size_t nacts;
    eccn_provision *provs;
    size_t nprovs;
    eccn_geo *geo;
    eccn_catalog *cat;
    char revision[65];
    eccn_rulefile *files; /* every file hashed into the revision, in order */
    size_t nfiles;
    char *rules_dir, *data_dir;
    eccn_date *changes; /* sorted dates on which anything in force changes */
    eccn_date first_date; /* the first day the rules cover: the latest covers_from of the acts
                           * (ECCN_DATE_NONE: no act says); earlier questions are refused */
    size_t nchanges;
    char **enforce_acts; /* act ids applied with --what-if despite non-enforcement */
    size_t nenforce;
    /* Vendor tables and the resolution vocabulary (vendor.h, resolve.h); their digests are folded
     * into the revision. */
    struct eccn_vendors *vendors;
    struct eccn_vocab *vocab;
} eccn_ruleset;

/* Loads every .yaml file in rules_dir and data_dir's catalogue and geography. what_if names further
 * rule files, or ids of acts to apply although not enforced; it may be NULL. */
int eccn_ruleset_open(const char *rules_dir, const char *data_dir, const char *const *what_if,
                      size_t nwhat_if, eccn_ruleset **out, eccn_error *err);
void eccn_ruleset_free(eccn_ruleset *rs);
/* Asks for JIT-compiled patterns in the catalogue and the rules. Worth it only for batches: JIT
 * code costs executable-page faults (about 0.5 ms for the catalogue's 60 patterns) that a single
 * check, matching each pattern once, never wins back. */
void eccn_ruleset_use_jit(eccn_ruleset *rs);

/* Is p in force, and enforced, on date d? */
bool eccn_provision_applies(const eccn_ruleset *rs, const eccn_provision *p, eccn_date d);
/* The index of the period between two change dates that d falls in: two dates with the same
 * epoch see the same provisions and the same country groups, so they evaluate alike. */
int eccn_ruleset_epoch(const eccn_ruleset *rs, eccn_date d);
const eccn_provision *eccn_ruleset_find(const eccn_ruleset *rs, const char *id);
const char *eccn_prov_kind_name(eccn_prov_kind k);

/* Consistency checks beyond what loading enforces; each problem is passed to fn. Returns the
 * number of problems. */
int eccn_ruleset_lint(eccn_ruleset *rs, void (*fn)(const eccn_error *problem, void *ctx),
                      void *ctx);

#endif
