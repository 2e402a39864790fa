/*
 * screen_query.h: the screening findings recorded in the ledger, for reports: the parties an audit
 * run screened that were hits, possible matches or cleared by a recorded review (audit_parties),
 * and the same of the parties of checks (the screening objects among a verdict's provisions).
 * Strings handed to the callback are valid during the call only; "" when absent.
 */
#ifndef ECCN_SCREEN_QUERY_H
#define ECCN_SCREEN_QUERY_H

#include "ledger.h"

typedef struct eccn_ledger_screening {
    long long run_id;     /* the audit run, or 0 for a check */
    long long verdict_id; /* the check, or 0 */
    const char *role;     /* a check's "consignee" or "end user"; "" in an audit */
    const char *name, *country, *result, *effect; /* result: hit, review or clear (cleared) */
    const char *list, *entry_name, *entity_number, *note, *lists_revision;
    long long lines; /* the lines naming the party (1 for a check) */
} eccn_ledger_screening;

/* The parties of run_id that were not plainly clear, in the order screened. */
int eccn_ledger_run_screenings(eccn_ledger *l, long long run_id,
                               int (*fn)(const eccn_ledger_screening *s, void *ctx), void *ctx,
                               eccn_error *err);
/* The same of the checks recorded between since and until (either NULL: open), what-if checks
 * only when what_if. */
int eccn_ledger_check_screenings(eccn_ledger *l, const char *since, const char *until, bool what_if,
                                 int (*fn)(const eccn_ledger_screening *s, void *ctx), void *ctx,
                                 eccn_error *err);

#endif
