/*
 * answer.h: the JSON answers of classify and check, and of a recorded verdict, in one place for
 * the CLI's --json and for `eccn serve`: the two must give the same shapes, or an order system
 * moved from one to the other would read different fields. Also the verdicts row of one check
 * (record.h), with who asked and what they typed. Nothing here prints; the buffers and records
 * filled are the caller's.
 */
#ifndef ECCN_ANSWER_H
#define ECCN_ANSWER_H

#include "jsonw.h"
#include "party.h"
#include "record.h"

/* The name of what was asked about: the part's name or id, the spec's name, or "(spec)". */
const char *eccn_answer_subject(const eccn_query *q);
/* The members classify and check share: part, name, date, ECCN and status, vendor, revision,
 * metrics and explanation. considered is what eccn_resolve_query listed ("" for none). */
int eccn_answer_common_json(jsonw *w, const eccn_ruleset *rs, const eccn_query *q,
                            const eccn_result *r, const char *considered);
/* The whole answer of a check as one JSON object into out: the common members, the verdict, the
 * shipment, exceptions, provisions, what is missing, the ledger id (null when not recorded: id 0)
 * and each party screened. */
int eccn_answer_check_json(const eccn_ruleset *rs, const eccn_query *q, const eccn_result *r,
                           const char *considered, const eccn_record *rec, long long id,
                           const eccn_party_finding *parties, size_t nparties, eccn_buf *out);
/* The verdicts row of a check: rec borrows user, input_kind and input, which must outlive it.
 * rec is the caller's to free (eccn_record_free), also on failure. */
int eccn_answer_row(const eccn_ruleset *rs, const eccn_query *q, const eccn_result *r,
                    const char *user, const char *input_kind, const char *input, eccn_record *rec);
/* A recorded verdict as `ledger list --json` (full: false) and `ledger show --json` (true). */
void eccn_answer_verdict_json(jsonw *w, const eccn_verdict_row *r, bool full);

#endif
