/*
 * audit_internal.h: what the files of the audit module share. An audit is one `run`, filled by:
 *   lines.c     reading a line and resolving its texts, once per distinct text (also for scan);
 *   pipeline.c  the two threads: one reads and judges lines into batches of rows, the other
 *               hands them to the ledger's audit store and commits;
 *   resume.c    what a run was started with, and the maps rebuilt from the ledger to go on;
 *   out.c       --out's rows and the summary;
 *   audit.c     eccn_audit_run, which puts them together.
 * SQL is the ledger's (audit_store.h): nothing here speaks it.
 */
#ifndef ECCN_AUDIT_INTERNAL_H
#define ECCN_AUDIT_INTERNAL_H

#include "audit.h"
#include "audit_store.h"
#include "clearances.h"
#include "csvr.h"
#include "digest.h"
#include "erp.h"
#include "eval.h"
#include "hmap.h"

#define DEFAULT_BATCH 50000

/* What a run knows of a raw part or description text. */
typedef struct text_val {
    long long id; /* its audit_texts row */
    bool asked;   /* whether it was resolved yet: then to part, or not for why */
    const eccn_part *part;
    const char *why; /* in run.part_errors, or NULL when unknown */
    /* it fits several catalogue entries: a line answers when they all answer it alike */
    bool ambiguous, agreed_noted;
} text_val;

/* An evaluation of the run (evaluation id - 1 indexes run.info). */
typedef struct eval_info {
    eccn_verdict verdict;
    char eccn[32], destination[8];
    char *reason; /* as recorded in audit_evals.reason (owned), or NULL */
    /* the provision that decided it, its citation and title, the licence exceptions that may
     * apply: "" when none (--out's columns); in run.strings */
    const char *provision, *citation, *title, *exceptions;
    long long lines, quantity;
} eval_info;

/* What a good line's four texts resolved to, so that the few hundred combinations an inventory
 * repeats cost one lookup a line instead of four (two texts, two countries): about a quarter of
 * the reading thread's time went to those lookups. */
typedef struct line_sig {
    long long ptext_id, dtext_id;
    const eccn_part *part;
    const char *dest, *hq;
    uint32_t place;
} line_sig;

/* A line's fields, resolved and checked: why is set when the line cannot be judged. */
typedef struct line_in {
    const char *ptext, *dtext, *idtext;
    size_t pn, dn, idn;
    const char *party_text[2]; /* the consignee's and the end user's names as written */
    size_t party_n[2];
    long long ptext_id, dtext_id; /* rows of audit_texts, 0 for an empty field */
    /* a line in error: its destination as written and that text's audit_texts row (0: none) */
    const char *ttext;
    size_t tn;
    long long ttext_id;
    text_val *ambiguous; /* the text that fitted several entries, until the line's answer says */
    const eccn_part *part;
    const char *dest, *hq;
    uint32_t place; /* run.triples' index + 1 of part, dest, hq; 0 when not known */
    eccn_date date;
    int ymd;       /* date as the ledger stores it, YYYYMMDD */
    long long qty; /* QTY_UNKNOWN without a quantity column */
    const char *why;
    char whybuf[400];
} line_in;

#define QTY_UNKNOWN (-1LL)

/* A distinct party (name, as normalised, and destination) the run screened. */
typedef struct party_info {
    long long id;         /* its audit_parties row */
    eccn_party_finding f; /* role NULL; its matches borrow from run.lists */
    char note[400];       /* "cleared by USER on DATE: REASON", or "" */
} party_info;

/* prefix.c: the input's SHA-256, taken while it is read, and at each commit that of the part
 * judged so far (bytes before the commit's offset), which the commit records so that --resume
 * can refuse a file whose judged part changed. A workbook has no byte position for a row: its
 * digest at every commit is of the whole file. */
typedef struct prefix_hash {
    eccn_digest *d;
    long long fed;    /* bytes in d */
    eccn_buf pending; /* bytes read ahead of the judged part, not in d yet */
    bool whole;       /* a workbook */
    int status;       /* the first failure of the hook, which cannot return one */
} prefix_hash;
int prefix_init(prefix_hash *h, bool whole);
void prefix_free(prefix_hash *h);
/* eccn_csv_on_bytes's hook, ctx the prefix_hash. */
void prefix_bytes(const void *p, size_t n, void *ctx);
/* Moves the bytes read before offset (a position read already, at or after the last) into the
 * digest. */
int prefix_advance(prefix_hash *h, long long offset);
/* The hex digest of the bytes before offset (a position read already, at or after the last). */
int prefix_at(prefix_hash *h, long long offset, char out[65]);
/* The digest of every byte read. */
int prefix_finish(prefix_hash *h, char out[65]);
/* Adds the file's bytes up to limit (-1: all) from where h stands: on resume, the part judged
 * by an earlier process. */
int prefix_read_file(prefix_hash *h, const char *path, long long limit, eccn_error *err);

typedef struct run {
    eccn_ruleset *rs;
    eccn_ledger *l;
    const eccn_audit_opts *o;
    eccn_audit_summary *s;
    eccn_audit_rows *out; /* where the reading thread puts the current batch's rows; NULL: scan */
    long long run_id;
    int col[ECCN_F_COUNT];        /* column index of each field, -1 when absent */
    char **aliases[ECCN_F_COUNT]; /* each field's header spellings, folded (columns.yaml) */
    size_t naliases[ECCN_F_COUNT];
    bool aliases_loaded;
    size_t ncols;
    char **part_errors;
    size_t npart_errors;
    eccn_hmap countries; /* raw text -> its code (const char *), NULL when unknown */
    eccn_hmap texts;     /* raw text -> text_val */
    eccn_hmap agreed;    /* (ambiguous text, dest, hq, epoch) -> agreement (lines.c) */
    eccn_hmap evals;     /* (part, dest, hq, epoch) -> eval id (long long) */
    eccn_hmap sigs;      /* the four texts of a good line -> index in sigv + 1 (long long) */
    line_sig *sigv;
    size_t nsigs, sigs_cap;
    /* In front of evals, for lines with a sig: each distinct (part, destination, headquarters)
     * is a place (triples: its key -> place number, from 1, long long), and eval_at[(place - 1)
     * * nepochs + epoch] is the eval id, 0 until asked. An array index instead of a hash lookup
     * whose key lies elsewhere in memory: the second lookup of every line, about a twentieth of
     * an audit's CPU (perf). */
    eccn_hmap triples;
    eccn_hmap strings; /* the texts of eval_info's deciding provisions, once each */
    uint32_t *eval_at;
    size_t eval_at_cap, nepochs;
    eval_info *info;
    size_t ninfo, info_cap;
    long long next_text, next_eval;
    eccn_date default_date;
    eccn_datefmt datefmt; /* how the file writes its dates: --date-format, or decided once */
    const char *default_to;
    /* Denied-party screening (parties.c), when the file has a consignee or end-user column. */
    eccn_screen_lists *lists;
    eccn_clearances clearances;
    eccn_hmap party_raw;  /* name as written + destination -> party index + 1 (long long) */
    eccn_hmap party_norm; /* name normalised + destination -> party index + 1 (long long) */
    eccn_hmap party_any;  /* name normalised -> ANY_* (parties.c): screened without a country */
    /* Each role's party on the line before: an order's lines repeat it, and a comparison costs
     * less than a lookup. */
    struct last_party {
        char text[256];
        size_t n, idx;
        const char *dest;
    } last_party[2];
    party_info *partyv;
    size_t nparty, party_cap;
    long long next_party;
    eccn_hmap pevals;    /* (evaluation, consignee's party, end user's party) -> eval id */
    prefix_hash *prefix; /* the input's digest, for each commit */
    /* --out's size when the last transaction committed, or -1 when it cannot be truncated (a
     * pipe): on failure the file is cut back to it, so that it holds what the ledger holds. */
    long long out_committed;
    /* The acts applied though not in force (--what-if), space-separated; "" for a real run. */
    char what_if[256];
} run;

/* columns.c */
int map_columns(run *r, const eccn_csv_record *h, eccn_error *err);
const char *audit_field_name(int field);
void free_aliases(run *r);

/* lines.c */
void run_init(run *r, eccn_ruleset *rs, const eccn_audit_opts *o);
void run_free(run *r);
int take_defaults(run *r, eccn_error *err);
/* Sets r->datefmt: --date-format, or decided from the file's dates (ECCN_EINPUT when they do
 * not decide it). */
int decide_dates(run *r, eccn_error *err);
int read_line(run *r, const eccn_csv_record *rec, line_in *in);
/* A new, zeroed slot for evaluation number ninfo + 1; NULL when out of memory. */
eval_info *push_info(run *r);

/* parties.c */
/* Loads the lists and the recorded reviews when the header has a party column (after
 * map_columns), and notes the lists revision in the summary. */
int parties_open(run *r, eccn_error *err);
void parties_free(run *r);
/* On resume: the parties already recorded keep their rows (reload, after parties_open). */
int parties_reload(run *r, eccn_error *err);
/* The party a line names in role (0 consignee, 1 end user), screened once per run: its index in
 * r->partyv + 1, or 0 when the line names none. */
int party_of(run *r, const line_in *li, int role, size_t *idx, eccn_error *err);
/* The screening columns of --out for a party (NULL: none screened). */
void party_cells(const party_info *p, const char *cells[5]);

/* pipeline.c: judges and records the lines of csv from where it stands to its end, *records
 * counting them (it starts with those read before). Returns with the last rows appended and not
 * committed, and where the run then stands in final, for eccn_audit_store_finish. */
int pipeline_run(run *r, eccn_csv *csv, eccn_audit_store *w, long long *records,
                 eccn_audit_progress *final, eccn_error *err);

/* resume.c */
/* The options a run is recorded with: o's, and the date format decided for its file. */
void options_text(const eccn_audit_opts *o, eccn_datefmt datefmt, eccn_buf *b);
/* What a run was started with, read back for --resume; the strings live here. */
typedef struct stored_run {
    eccn_audit_opts o;
    char path[4096], date[16], to[64], sheet[256], maps[ECCN_AUDIT_MAX_MAPS][256];
    char what_if[256]; /* the acts the run was judged under though not in force, space-separated */
    char lists[65];    /* the lists revision it screened against, "" when none */
    long long offset, line, lines_read;
} stored_run;
int load_run(eccn_ledger *l, const eccn_audit_opts *given, stored_run *sr, eccn_error *err);
/* On resume: the distinct strings and evaluations already recorded keep their numbers. */
int reload(run *r, eccn_error *err);

/* out.c */
extern const char OUT_HEADER[];
/* The columns --out adds when the run screens parties, in place of OUT_HEADER's newline. */
extern const char OUT_PARTY_HEADER[];
/* One row of --out. Lengths go with the texts that may come straight from a CSV record; the
 * others are C strings, "" when empty. */
typedef struct out_row {
    long long line;
    const char *line_id, *part, *quantity, *destination, *date;
    size_t line_id_len, part_len, quantity_len, destination_len, date_len;
    const char *resolved_part, *verdict, *eccn, *provision, *citation, *exceptions, *reason;
    const char *what_if;     /* the run's what-if acts, NULL or "" for a real run */
    bool screened;           /* the run screens parties: the party columns follow */
    const char *party[2][5]; /* result, list, entry, entity number, note ("" or NULL: none) */
} out_row;
/* Sets an evaluation's deciding provision and exceptions (interned in r); ECCN_ENOMEM. */
int info_deciding(run *r, eval_info *in, const char *provision, const char *citation,
                  const char *title, const char *exceptions);
void write_out_row(FILE *f, const out_row *o);
/* --out's rows of the lines run_id has recorded, from the ledger. */
int write_recorded_out(eccn_ledger *l, long long run_id, bool screened, FILE *f,
                       const char *what_if, eccn_error *err);
/* The --out row of a line just judged (in = NULL: a line in error); p its parties (NULL when
 * the run screens none). */
void out_line(FILE *f, const char *what_if, long long line, const line_in *li, const eval_info *in,
              const party_info *const *p);
/* Counts a judged line (in = NULL: a line in error) into the summary. */
void note_line(eccn_audit_summary *s, long long line, const line_in *li, eval_info *in);
eccn_verdict verdict_from_word(const char *w);
/* The reason a line is in error, in words the lines in error for one reason share ("dates look
 * like MM/DD/YYYY: use --date-format mdy"), from the line's reason as recorded. */
const char *error_kind(const char *reason);
/* Folds the run's evaluations into the summary's counts, once the run is complete. */
int fold_counts(run *r, eccn_error *err);

#endif
