/*
 * report.h: compliance reports built from the ledger alone: one audit run, or the checks and
 * runs recorded in a date range. The same ledger and options give the same report, apart from
 * the generation time the caller passes in.
 *
 * Content: a title block (organisation, generation time, tool version, ledger, the rules
 * revisions used and their provisions); a summary; licence-required lines grouped by destination
 * and ECCN; the indeterminate and error lines with their reasons; the parts seen with TPP, PD,
 * ECCN and deciding provision; every provision cited; the recordkeeping date (EAR 762.6).
 * Aggregates are computed by the ledger per audit run (ledger_query.h: a million lines make a few
 * thousand groups); detail lines are streamed. Formats and their schemas: docs/report-schema.md.
 */
#ifndef ECCN_REPORT_H
#define ECCN_REPORT_H

#include "ledger.h"
#include "retention.h"

#include <stdio.h>

typedef enum {
    ECCN_REPORT_HTML,
    ECCN_REPORT_MD,
    ECCN_REPORT_JSON,
    ECCN_REPORT_CSV
} eccn_report_format;

typedef struct eccn_report_opts {
    long long run_id;          /* an audit run, or 0 for the range */
    const char *since, *until; /* YYYY-MM-DD, inclusive, by recording date; NULL: open */
    eccn_report_format format;
    const char *org;          /* may be NULL */
    const char *generated_at; /* UTC, ISO 8601 */
    const char *ledger_name;  /* shown in the title block */
    /* Markdown: the charts are written to chart_dir/<chart_prefix>-*.svg and linked by name. */
    const char *chart_dir, *chart_prefix;
    const eccn_retention_policy *retention; /* what the recordkeeping note says; required */
} eccn_report_opts;

int eccn_report_write(eccn_ledger *l, const eccn_report_opts *o, FILE *out, eccn_error *err);

#endif
