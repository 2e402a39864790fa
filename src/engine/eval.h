/*
 * eval.h: evaluation of a query against the rule set in force on its date: classification (the
 * ECCN paragraph, or not controlled, or indeterminate) and, when a destination is given, the
 * licence determination with the deciding provisions, review policy and licence exceptions.
 *
 * An eccn_result owns its explanation; eccn_result_free releases it. Provision pointers inside
 * borrow from the rule set, which must outlive the result.
 */
#ifndef ECCN_EVAL_H
#define ECCN_EVAL_H

#include "cond.h"
#include "rules.h"

typedef enum {
    ECCN_V_NONE = -1, /* classification only */
    ECCN_V_NO_LICENSE = 0,
    ECCN_V_LICENSE = 1,
    ECCN_V_INDETERMINATE = 3,
} eccn_verdict;

typedef struct eccn_query {
    const eccn_part *part; /* NULL for a --spec query */
    eccn_spec spec;        /* the inputs (for a part, its catalogue figures) */
    eccn_date date;
    const char *destination;  /* canonical code, or NULL for classification only */
    const char *headquarters; /* canonical code, or NULL: then taken as the destination */
    long long quantity;
    const char *consignee;
    bool no_trace; /* skip the per-test explanation (an audit records none; it is half the cost) */
} eccn_query;

/* One provision as evaluated, with its leaf tests. */
typedef struct eccn_finding {
    const eccn_provision *prov;
    eccn_tv result;            /* the provision's own condition */
    eccn_tv effective;         /* after exclusions (classification); same as result otherwise */
    size_t first_test, ntests; /* range in the result's trace */
    const char *excluded_by;   /* exclusion that took a classification away, if any */
} eccn_finding;

typedef struct eccn_result {
    eccn_spec metrics; /* derived metrics of the IC evaluated */
    eccn_status status;
    char eccn[32];    /* empty when not controlled or indeterminate */
    char ic_eccn[32]; /* systems: the IC's paragraph */
    eccn_status ic_status;
    const eccn_provision *deciding_class; /* the classification that fired, if any */
    const eccn_provision *ic_deciding;    /* assemblies: the 3A090 paragraph of the IC carried */
    char class_note[256];                 /* why the classification is indeterminate, when it is */
    /* Where a vendor table classifies the part (vendor.h): its ECCN beside eccn's, and why the
     * two need a person's review ("" when they agree). vendor_decided: eccn's rules could not
     * place the item and the answer is the vendor's tier. */
    char vendor_eccn[32];
    const char *vendor_name, *vendor_date;
    char review[384];
    bool vendor_decided;
    bool vendor_later; /* the vendor's table is dated after the query: shown, not applied */
    /* The vendor row shown (borrowed from the rule set), and whether it is all eccn knows of the
     * part (no catalogue entry): then, or when it decided, the recorded provisions cite it. */
    const struct eccn_vendor_row *vendor_row;
    bool vendor_only;
    eccn_verdict verdict;
    const char *review_policy;       /* borrowed, NULL when none stated */
    const eccn_provision **deciding; /* licence provisions that decided the verdict */
    size_t ndeciding;
    const eccn_provision **exceptions; /* exceptions that may be available */
    size_t nexceptions;
    bool hq_assumed;
    eccn_finding *findings;
    size_t nfindings;
    eccn_trace trace;
    bool no_trace; /* from the query: trace stays empty */
} eccn_result;

int eccn_evaluate(const eccn_ruleset *rs, const eccn_query *q, eccn_result *out, eccn_error *err);
void eccn_result_free(eccn_result *r);

const char *eccn_verdict_word(eccn_verdict v); /* "license_required", ... */

/* Explanation as JSON array / as text lines (the CLI prints them). */
int eccn_result_explanation_json(const eccn_result *r, eccn_buf *out);
int eccn_result_explanation_text(const eccn_result *r, bool all, eccn_buf *out);
/* What an indeterminate answer lacks, one line each ("PD unknown: this test needs pd >= 5.92
 * (ac2023/3A090.a.2)"): the undecided tests of the undecided classification paragraphs and licence
 * provisions, a figure missing for several of them once. Appends nothing when decided. */
int eccn_result_missing_text(const eccn_result *r, eccn_buf *out);
/* Deciding provisions as a JSON array of {id, citation, title}. */
int eccn_result_provisions_json(const eccn_result *r, eccn_buf *out);
int eccn_result_metrics_json(const eccn_result *r, eccn_buf *out);
int eccn_result_exceptions_json(const eccn_result *r, eccn_buf *out, bool names_only);

#endif
