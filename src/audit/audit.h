/*
 * audit.h: batch audit of an inventory or order CSV against the rules in force on each line's
 * ship date. Every line becomes one audit_results row (a verdict or an error with its reason) in
 * the ledger, committed in batches together with the position to resume from, so a run killed at
 * any moment leaves a consistent ledger and `--resume` ends with exactly one result per line.
 *
 * Reporting is the caller's: the audit fills an eccn_audit_summary (owned by the caller, released
 * with eccn_audit_summary_free) and calls an optional progress hook. The rows themselves are the
 * ledger's business (audit_store.h), which also compares two runs (eccn_audit_store_diff).
 */
#ifndef ECCN_AUDIT_H
#define ECCN_AUDIT_H

#include "erp.h"
#include "ledger.h"
#include "rules.h"
#include "util.h"

#include <stdio.h>

enum {
    ECCN_F_PART,
    ECCN_F_DESCRIPTION,
    ECCN_F_QUANTITY,
    ECCN_F_DESTINATION,
    ECCN_F_DATE,
    ECCN_F_CONSIGNEE,
    ECCN_F_HQ,
    ECCN_F_LINE_ID,
    ECCN_F_END_USER,
    ECCN_F_COUNT
};

#define ECCN_AUDIT_MAX_MAPS 16

typedef struct eccn_audit_opts {
    const char *path;         /* "-" for standard input */
    const char *default_date; /* YYYY-MM-DD for files without a date column, or NULL */
    const char *default_to;   /* country for files without a destination column, or NULL */
    char delimiter;           /* 0: sniff */
    eccn_datefmt date_format; /* --date-format; NONE: decided from the file's dates */
    const char *sheet;        /* --sheet: the sheet of a workbook to read (NULL: the first) */
    const char *maps[ECCN_AUDIT_MAX_MAPS]; /* "COLUMN=FIELD" */
    size_t nmaps;
    bool strict;          /* stop at the first bad line */
    bool force;           /* audit again even if a finished run matches */
    long long resume_run; /* 0, or the run to continue */
    FILE *out_csv;        /* where to write a header and a row per line (--out), or NULL */
    long long batch;      /* lines per transaction (0: default) */
    void (*progress)(long long lines, long long bytes, long long size, void *ctx);
    void *progress_ctx;
} eccn_audit_opts;

typedef struct eccn_count {
    char key[64];
    long long lines, quantity;
} eccn_count;

typedef struct eccn_audit_line {
    long long line;
    char line_id[64], part[96], destination[8], date[11], eccn[32];
    long long quantity;
} eccn_audit_line;

typedef struct eccn_audit_summary {
    long long run_id;
    bool reused;     /* a finished run of the same bytes and rules was found */
    char file[4096]; /* the file audited (for a resumed run, as recorded) */
    char sha256[65];
    long long size;
    long long lines_read, results, errors;
    eccn_count *by_verdict, *by_eccn, *by_destination;
    size_t nverdict, neccn, ndestination;
    eccn_audit_line licence_lines[20];
    size_t nlicence_lines;
    eccn_audit_line error_lines[20];
    char error_reasons[20][200];
    size_t nerror_lines;
    long long licence_required, indeterminate, no_licence;
    /* What the header told: the columns no field took, and the fields it lacks that a reader of
     * the results must know of (no quantity: quantities unknown). */
    char unused_columns[512];
    char warnings[4][200];
    size_t nwarnings;
    eccn_datefmt date_format; /* how the dates were read */
    /* The lines in error by reason, in words ("dates look like MM/DD/YYYY: use --date-format
     * mdy"), for the lines judged by this process. */
    eccn_count *by_error;
    size_t nerror_kinds;
    /* The acts applied though not in force (--what-if), space-separated; "" for a real run: a
     * what-if run is no decision, and says so wherever it shows. */
    char what_if[256];
    /* Denied-party screening, when the file has a consignee or end-user column: the lists
     * revision and date screened against, the distinct parties (name and country) screened, each
     * once, and how many were hits, possible matches, and set aside by a recorded review. */
    bool screened;
    char lists_revision[65], lists_date[11];
    long long parties, party_hits, party_reviews, party_cleared;
} eccn_audit_summary;

/* One line of an inventory as resolved, without evaluating or recording it (eccn impact). part is
 * NULL and why set when the line cannot be judged; strings are valid during the call only. */
typedef struct eccn_audit_item {
    long long line;
    const char *line_id; /* may be NULL */
    const eccn_part *part;
    const char *destination, *headquarters; /* canonical codes; headquarters may be NULL */
    long long quantity;                     /* -1: unknown (the file has no quantity column) */
    const char *why;
} eccn_audit_item;

/* Reads o->path (columns, aliases, --map, --to as for an audit; no ledger) and calls fn for each
 * line; fn returning non-zero stops with that status. */
int eccn_audit_scan(eccn_ruleset *rs, const eccn_audit_opts *o,
                    int (*fn)(const eccn_audit_item *it, void *ctx), void *ctx, eccn_error *err);
/* The same for the lines of a recorded audit run that have a result (not the error lines). */
int eccn_audit_run_items(eccn_ruleset *rs, eccn_ledger *l, long long run_id,
                         int (*fn)(const eccn_audit_item *it, void *ctx), void *ctx,
                         eccn_error *err);

/* Is name a field --map can name (part, description, quantity, destination, date or ship_date,
 * consignee, hq, line_id, end_user)? */
bool eccn_audit_field_known(const char *name);

/* Audits o->path (a CSV file or an .xlsx workbook), or with o->resume_run set continues that run:
 * then the file (unless o->path names where it now lives) and the options come from the ledger, and
 * only out_csv, batch and progress are taken from o. */
int eccn_audit_run(eccn_ruleset *rs, eccn_ledger *l, const eccn_audit_opts *o,
                   eccn_audit_summary *s, eccn_error *err);
/* Fills the summary of a run already in the ledger (for reuse and resume). */
int eccn_audit_summarise(eccn_ledger *l, long long run_id, eccn_audit_summary *s, eccn_error *err);
void eccn_audit_summary_free(eccn_audit_summary *s);

#endif
