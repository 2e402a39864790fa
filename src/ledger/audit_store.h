/*
 * audit_store.h: the audit_* tables of the ledger, behind plain C functions. The ledger owns its
 * schema: every statement an audit (src/audit, `eccn audit`, `eccn impact --run`) makes on
 * audit_runs, audit_texts, audit_evals and audit_results is in audit_store.c, and so is every
 * transaction it makes. src/audit decides what to write and when to commit; this file knows how.
 * (Verification, retention and reports read the same tables from their own files.)
 *
 * Writing a run: eccn_audit_store_begin_run records it (incomplete); eccn_audit_store_open gives
 * the writer, which appends batches of rows (eccn_audit_rows, gathered on any thread), commits
 * them with the position to resume from, and finishes the run. Each commit is durable: the
 * writer's connection syncs at every commit (PRAGMA synchronous=FULL, raised to it if the ledger
 * was opened lower), so a result an audit has committed survives a power cut, not only a crash.
 * Each row is hashed onto its table's chain of the run (chain.h) as it is inserted.
 *
 * Reading a run: its audit_runs row, its texts and evaluations (to resume it), its lines (for
 * --out and the summary), its judged items (impact) and the lines on which two runs differ.
 * Strings handed to a callback are valid during the call only.
 */
#ifndef ECCN_AUDIT_STORE_H
#define ECCN_AUDIT_STORE_H

#include "ledger.h"

/* ---- writing ---- */

/* Rows to append to a run, gathered away from the writing thread (an audit reads and judges on
 * one thread while the other inserts). Each append returns ECCN_OK or ECCN_ENOMEM. */
typedef struct eccn_audit_rows eccn_audit_rows;

/* An audit_evals row: one distinct question of a run. NULL strings are SQL NULL. */
typedef struct eccn_audit_eval_row {
    long long id; /* 1, 2, ... in the run */
    const char *part_id, *destination, *headquarters, *epoch_date;
    const char *status, *eccn, *verdict, *review_policy, *license_exceptions, *provisions;
    const char *reason, *hq_given;
    bool has_tpp, has_pd;
    double tpp, pd;
} eccn_audit_eval_row;

/* An audit_results row: one line of the input. */
typedef struct eccn_audit_result_row {
    long long line;
    const char *line_id; /* line_id_len bytes; NULL: none */
    size_t line_id_len;
    long long part_text, desc_text; /* audit_texts ids, 0: none */
    long long quantity;             /* negative: unknown (NULL) */
    int ship_date;                  /* YYYYMMDD, 0: none */
    long long eval_id;              /* 0 for a line in error */
    const char *error;              /* why the line could not be judged, or NULL */
    long long dest_text;            /* a line in error: its destination's audit_texts id, or 0 */
    long long consignee, end_user;  /* audit_parties ids, 0: none screened */
} eccn_audit_result_row;

/* An audit_parties row: one distinct party (name and country) a run screened. NULL strings are
 * SQL NULL. */
typedef struct eccn_audit_party_row {
    long long id; /* 1, 2, ... in the run */
    const char *name, *country, *result, *effect, *list, *entry_name, *entity_number, *note;
    const char *screening; /* JSON: the finding as party.h writes it */
} eccn_audit_party_row;

eccn_audit_rows *eccn_audit_rows_new(long long run_id);
void eccn_audit_rows_free(eccn_audit_rows *b);
void eccn_audit_rows_clear(eccn_audit_rows *b);
int eccn_audit_rows_text(eccn_audit_rows *b, long long id, const char *text, size_t n);
int eccn_audit_rows_eval(eccn_audit_rows *b, const eccn_audit_eval_row *e);
int eccn_audit_rows_result(eccn_audit_rows *b, const eccn_audit_result_row *r);
int eccn_audit_rows_party(eccn_audit_rows *b, const eccn_audit_party_row *p);

/* Where a run stands after the rows committed so far; next_line 0 once it is complete. */
typedef struct eccn_audit_progress {
    long long lines_read, results, errors;
    long long offset, next_line; /* the byte offset and line number to resume from */
    /* SHA-256 of the input's bytes before offset (of a workbook: of the whole file), as hex;
     * recorded, chained, with each commit that has one, for --resume to compare */
    char sha256[65];
} eccn_audit_progress;

/* Records a new, incomplete run of file (size bytes, options as resume.c writes them) under the
 * rules revision of rs, stored with it; committed before it returns. */
int eccn_audit_store_begin_run(eccn_ledger *l, const eccn_ruleset *rs, const char *file,
                               long long size, const char *options, long long *run_id,
                               eccn_error *err);

typedef struct eccn_audit_store eccn_audit_store;

/* The writer of run_id, its chains continuing from the run's last rows. One at a time per
 * ledger connection, on one thread. */
int eccn_audit_store_open(eccn_ledger *l, long long run_id, eccn_audit_store **out,
                          eccn_error *err);
/* Inserts b's rows in a transaction that the next commit or finish ends; a failure leaves that
 * transaction to be rolled back by close. */
int eccn_audit_store_append(eccn_audit_store *w, const eccn_audit_rows *b, eccn_error *err);
/* Commits what was appended, with p (and its digest, when it has one), durably. */
int eccn_audit_store_commit(eccn_audit_store *w, const eccn_audit_progress *p, eccn_error *err);
/* Commits what was appended and marks the run complete, with its digest and size, and seals it
 * (its chains' ends, in the chain of finished runs that the signed head names as one). */
int eccn_audit_store_finish(eccn_audit_store *w, const eccn_audit_progress *p, const char *sha256,
                            long long size, eccn_error *err);
/* Rolls back anything appended and not committed, and releases the writer. NULL is ignored. */
void eccn_audit_store_close(eccn_audit_store *w);

/* ---- reading ---- */

typedef struct eccn_audit_run_info {
    bool complete;
    char file[4096], sha256[65], options[8192];
    long long size, lines_read, results, errors, resume_offset, resume_line;
} eccn_audit_run_info;

/* ECCN_ENOTFOUND when there is no such run. */
int eccn_audit_store_run(eccn_ledger *l, long long run_id, eccn_audit_run_info *out,
                         eccn_error *err);
/* The last commit of a run: where it stood and the digest of the input before that point.
 * ECCN_ENOTFOUND when the run committed nothing yet; ECCN_ETAMPERED when the run's resume
 * position is not the one its last commit recorded. */
int eccn_audit_store_last_commit(eccn_ledger *l, long long run_id, eccn_audit_progress *out,
                                 eccn_error *err);
/* Could a complete run of a file of this size, revision and options exist? (The cheap question
 * asked before hashing a file to ask the real one.) */
bool eccn_audit_store_may_match(eccn_ledger *l, long long size, const char *revision,
                                const char *options);
/* The newest complete run of the file with this digest, revision and options; 0 when none. */
long long eccn_audit_store_find_complete(eccn_ledger *l, const char *sha256, const char *revision,
                                         const char *options);

/* Each text of a run, in id order. fn returning non-zero stops with that status. */
int eccn_audit_store_each_text(eccn_ledger *l, long long run_id,
                               int (*fn)(long long id, const char *text, size_t n, void *ctx),
                               void *ctx, eccn_error *err);

/* An evaluation of a run with the lines that refer to it. Strings are "" when NULL, except
 * hq_given and reason. */
typedef struct eccn_audit_eval_info {
    long long id;
    const char *part_id, *destination, *hq_given, *epoch_date, *verdict, *eccn, *reason;
    long long lines, quantity; /* quantity: of the lines whose quantity is known */
    /* the first deciding provision, its citation and title, and the licence exceptions that
     * may apply ("; " between their names); "" when none */
    const char *provision, *citation, *title, *exceptions;
} eccn_audit_eval_info;

/* Each evaluation of a run, in id order. */
int eccn_audit_store_each_eval(eccn_ledger *l, long long run_id,
                               int (*fn)(const eccn_audit_eval_info *e, void *ctx), void *ctx,
                               eccn_error *err);
/* A line of a run as --out writes it: strings "" when absent, verdict "error" for a line in
 * error, part the part text or else the description. */
typedef struct eccn_audit_line_row {
    long long line, quantity;
    const char *line_id, *part, *destination, *eccn, *verdict, *reason;
    int ship_date; /* YYYYMMDD, 0: none */
    bool quantity_known;
    /* as in eccn_audit_eval_info; "" for a line in error */
    const char *resolved_part, *provision, *citation, *title, *exceptions;
    /* the consignee's [0] and end user's [1] screening: result, list, entry name, entity number
     * and note, "" when the party was not screened */
    const char *party[2][5];
} eccn_audit_line_row;

typedef enum {
    ECCN_AUDIT_LINES_ALL,
    ECCN_AUDIT_LINES_LICENCE, /* those that need a licence */
    ECCN_AUDIT_LINES_ERRORS   /* those in error */
} eccn_audit_lines;

/* The lines of a run, in line order; at most limit (0: all). */
int eccn_audit_store_each_line(eccn_ledger *l, long long run_id, eccn_audit_lines which,
                               long long limit,
                               int (*fn)(const eccn_audit_line_row *row, void *ctx), void *ctx,
                               eccn_error *err);

/* Each party a run screened, in id order (screening is NULL: not read). */
int eccn_audit_store_each_party(eccn_ledger *l, long long run_id,
                                int (*fn)(const eccn_audit_party_row *p, void *ctx), void *ctx,
                                eccn_error *err);

/* The parties a run screened: how many, and how many were hits, possible matches and cleared by
 * a recorded review. */
typedef struct eccn_audit_party_counts {
    long long parties, hits, reviews, cleared, max_id;
} eccn_audit_party_counts;
int eccn_audit_store_party_counts(eccn_ledger *l, long long run_id, eccn_audit_party_counts *out,
                                  eccn_error *err);

/* A judged line of a run as recorded (the lines in error are left out). */
typedef struct eccn_audit_item_row {
    long long line, quantity; /* quantity -1: unknown (the file had no quantity column) */
    const char *line_id, *part_id, *destination, *hq_given; /* NULL when absent */
} eccn_audit_item_row;

int eccn_audit_store_each_item(eccn_ledger *l, long long run_id,
                               int (*fn)(const eccn_audit_item_row *it, void *ctx), void *ctx,
                               eccn_error *err);

/* One line whose verdict or ECCN differs between two runs of the same inventory. Dates are
 * YYYYMMDD, 0 when the line had none. */
typedef struct eccn_audit_change {
    long long line;
    const char *line_id, *part, *destination;
    const char *verdict_a, *eccn_a, *verdict_b, *eccn_b;
    int date_a, date_b;
    const char *provisions_b; /* JSON array: the provisions behind B's answer */
    const char *reason_b;
} eccn_audit_change;

/* Each line of run_a that differs in run_b, in line order. */
int eccn_audit_store_diff(eccn_ledger *l, long long run_a, long long run_b,
                          int (*fn)(const eccn_audit_change *c, void *ctx), void *ctx,
                          eccn_error *err);

#endif
