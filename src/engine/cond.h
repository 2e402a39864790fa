/*
 * cond.h: the condition language of rule provisions (docs/rules.md), parsed from YAML and evaluated
 * in three-valued logic: a test that needs a figure the part lacks is UNKNOWN, never false, so an
 * unknown can only disappear where the regulation's logic makes it irrelevant (an AND with a false
 * test, an OR with a true one).
 *
 * A condition tree owns its nodes and compiled patterns; eccn_cond_free releases them. Evaluation
 * appends one eccn_test per leaf to a trace, which the caller owns.
 */
#ifndef ECCN_COND_H
#define ECCN_COND_H

#include "catalog.h"
#include "geo.h"
#include "spec.h"
#include "util.h"
#include "ydoc.h"

typedef enum { ECCN_FALSE = 0, ECCN_TRUE = 1, ECCN_UNKNOWN = 2 } eccn_tv;

typedef enum {
    ECCN_ST_NOT_CONTROLLED = 0,
    ECCN_ST_CONTROLLED = 1,
    ECCN_ST_INDETERMINATE = 2,
} eccn_status;

/* Everything a condition can ask about: the item, its classification so far, the shipment. */
typedef struct eccn_subject {
    const eccn_spec *metrics; /* derived metrics of the IC (for a system, the IC it carries) */
    eccn_part_kind kind;
    const char *vendor, *model, *part_id, *name; /* NULL when not known */
    eccn_status status;                          /* classification of the item, once known */
    const char *eccn;                            /* NULL when not controlled or not determined */
    eccn_status ic_status;                       /* systems: classification of the IC carried */
    const char *ic_eccn;
    const char *destination;  /* canonical code, or NULL for classification alone */
    const char *headquarters; /* canonical code, or NULL */
    eccn_date date;
    const eccn_geo *geo;
} eccn_subject;

/* One leaf test as evaluated, for explanations. */
typedef struct eccn_test {
    eccn_tv result;
    char text[320];
    /* For metric comparisons: */
    bool is_metric;
    eccn_metric metric;
    bool value_known;
    double value, threshold, margin;
    char op[3];
} eccn_test;

typedef struct eccn_trace {
    eccn_test *tests;
    size_t n, cap;
} eccn_trace;

void eccn_trace_free(eccn_trace *t);

typedef struct eccn_cond eccn_cond;

/* Parses a condition; geo validates country codes and group names. */
int eccn_cond_parse(const char *file, const ynode *n, const eccn_geo *geo, eccn_cond **out,
                    eccn_error *err);
void eccn_cond_free(eccn_cond *c);
/* Evaluates c for s; when trace is non-NULL one test per leaf is appended. */
eccn_tv eccn_cond_eval(const eccn_cond *c, const eccn_subject *s, eccn_trace *trace);
/* JIT-compiles the condition's patterns: worth it for batches only (see eccn_ruleset_use_jit). */
void eccn_cond_use_jit(eccn_cond *c);
/* Calls fn for each eccn string the condition compares against (rules lint checks them). */
void eccn_cond_each_eccn(const eccn_cond *c, void (*fn)(const char *eccn, void *ctx), void *ctx);
/* For a condition that is a conjunction (an `all` of leaves, or one leaf): calls fn with each
 * metric comparison and returns the number of other leaves (flags, places...). -1 when the
 * condition is not a conjunction (any, not, nesting). Reports draw the regions of 3A090 with it. */
int eccn_cond_conjunction(const eccn_cond *c,
                          void (*fn)(eccn_metric m, const char *op, double value, void *ctx),
                          void *ctx);
/* True if the condition reads the classification of the item (an `eccn:` or `contains:` test). */
bool eccn_cond_uses_eccn(const eccn_cond *c);

const char *eccn_tv_word(eccn_tv v);         /* "met", "not met", "unknown" */
const char *eccn_status_word(eccn_status s); /* "controlled", "not_controlled", "indeterminate" */

#endif
