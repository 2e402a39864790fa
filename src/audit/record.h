/*
 * record.h: what the ledger records of one evaluation, built in one place for both writers: a
 * `check` (a verdicts row) and an audit (an audit_evals row). The two must name a status,
 * verdict, ECCN, policy, exceptions and provisions in the same words and JSON, or a report that
 * puts checks and audit lines side by side would compare spellings instead of answers. Here, not
 * in the engine: the engine does not know the ledger's rows.
 */
#ifndef ECCN_RECORD_H
#define ECCN_RECORD_H

#include "eval.h"
#include "ledger.h"
#include "party.h"

typedef enum {
    /* Every field of a verdicts row that comes from the evaluation (the caller adds who asked
     * and what they typed). */
    ECCN_RECORD_CHECK,
    /* An audit evaluation: exceptions by name only, and no spec, metrics, explanation or what-if,
     * which an audit_evals row does not hold; thousands of them are built per audit. */
    ECCN_RECORD_AUDIT
} eccn_record_kind;

typedef struct eccn_record {
    /* Its strings point into this record, the query, the result and the rule set: valid while
     * all four are. */
    eccn_verdict_row row;
    const char *reason; /* why the answer is indeterminate, or NULL */
    char ship_date[11], created_at[21];
    eccn_buf spec, metrics, exceptions, provisions, explanation, what_if;
} eccn_record;

/* Fills rec from the query q and its result r under rs. ECCN_ENOMEM (rec still to be freed) when
 * a JSON field could not be built: a lost list must not be recorded as an empty one. */
int eccn_record_from_eval(const eccn_ruleset *rs, const eccn_query *q, const eccn_result *r,
                          eccn_record_kind kind, eccn_record *rec);
void eccn_record_free(eccn_record *rec);
/* Adds the screening of the parties to the record: each finding joins the provisions (JSON, so
 * the chain covers it) with the lists revision it was screened against, and the verdict is the
 * one eccn_party_verdict gives. */
int eccn_record_add_parties(eccn_record *rec, eccn_verdict verdict, const eccn_party_finding *f,
                            size_t n);

#endif
