/* audit.c: eccn_audit_run, one audit from start to finish (see audit.h): a finished run of the
 * same bytes is reused, else the run is recorded (or an unfinished one taken up again), its lines
 * judged and committed in batches (pipeline.c), and the run marked complete with its digest. */
#include "audit_internal.h"
#include "integrity.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A finished run of the same bytes, rules and options, summarised as this one; *reused false
 * when there is none. The digest is otherwise taken while reading, so that the file is read once:
 * a finished run can only be reused when one of the same size exists, which is when it pays to
 * hash first. */
static int reuse(run *r, eccn_csv *csv, const eccn_csv_record *header, const char *opts,
                 bool *reused, eccn_error *err)
{
    const eccn_audit_opts *o = r->o;
    char sha[65];
    long long prev;
    int rc;
    *reused = false;
    if (o->resume_run || o->force || eccn_csv_size(csv) < 0 ||
        !eccn_audit_store_may_match(r->l, eccn_csv_size(csv), r->rs->revision, opts))
        return ECCN_OK;
    bool sealed = false;
    if ((rc = eccn_digest_file(o->path, sha, NULL, err)) != ECCN_OK ||
        !(prev = eccn_audit_store_find_complete(r->l, sha, r->rs->revision, opts)))
        return rc;
    /* Its results become this audit's answer: the run must be what was sealed when it finished
     * (a digest changed in the ledger would otherwise pass another file's verdicts off). */
    if ((rc = eccn_integrity_run_sealed(r->l, prev, &sealed, err)) != ECCN_OK)
        return rc;
    if (!sealed)
        return eccn_fail(err, ECCN_ETAMPERED, eccn_ledger_path(r->l), 0, 0,
                         "audit run %lld, whose results this audit would reuse, is not what was "
                         "sealed when it finished: the ledger was changed outside eccn (see "
                         "`eccn ledger verify`)",
                         prev);
    *reused = true;
    rc = eccn_audit_summarise(r->l, prev, r->s, err);
    r->s->date_format = r->datefmt; /* as decided now, which is how that run read them */
    /* What the header tells (columns not used, fields missing) is said as for a fresh run: the
     * header maps as it did then, or the options, and so the run, would differ. */
    eccn_error ignored = {0};
    if (rc == ECCN_OK)
        map_columns(r, header, &ignored);
    if (rc == ECCN_OK && o->out_csv)
        rc = write_recorded_out(r->l, prev, r->lists != NULL, o->out_csv, r->what_if, err);
    snprintf(r->s->file, sizeof r->s->file, "%s", o->path);
    r->s->reused = true;
    return rc;
}

/* On resume: is the part of the file judged before what the run's last commit recorded? The
 * file may have grown since (lines appended are judged now); a judged line edited, or the file
 * cut short, would leave the ledger holding verdicts of lines the file no longer has. */
static int check_prefix(run *r, prefix_hash *h, const eccn_audit_progress *last, eccn_error *err)
{
    char now[65];
    int rc = ECCN_OK;
    /* a text file: its first bytes again, the reader's read-ahead dropped (a workbook was read
     * whole with its header) */
    if (!h->whole && ((prefix_free(h), rc = prefix_init(h, false)) != ECCN_OK ||
                      (rc = prefix_read_file(h, r->o->path, last->offset, err)) != ECCN_OK))
        return rc;
    if ((rc = prefix_at(h, h->fed, now)) != ECCN_OK)
        return rc;
    if (h->whole && strcmp(now, last->sha256) != 0)
        return eccn_fail(err, ECCN_EINPUT, r->o->path, 0, 0,
                         "this workbook is not the one audit run %lld judged (SHA-256 then "
                         "%.16s..., now %.16s...): refusing to resume; audit it afresh",
                         r->run_id, last->sha256, now);
    if (h->fed < last->offset || strcmp(now, last->sha256) != 0)
        return eccn_fail(err, ECCN_EINPUT, r->o->path, (int)last->next_line, 0,
                         "the file's first %lld bytes (the lines before this one), which audit "
                         "run %lld judged, %s: refusing to resume, as its recorded verdicts would "
                         "not be this file's; audit it afresh",
                         last->offset, r->run_id,
                         h->fed < last->offset ? "are cut short" : "were changed since");
    return ECCN_OK;
}

/* Takes up run r->run_id where it stopped: its texts and evaluations, its counts so far, --out's
 * rows of the lines already recorded, and the file from the last commit, once check_prefix has
 * found the part judged unchanged. */
static int take_up(run *r, eccn_csv *csv, const stored_run *sr, prefix_hash *h, eccn_error *err)
{
    eccn_audit_summary *s = r->s, prev = {0};
    eccn_audit_progress last;
    int rc = eccn_audit_store_last_commit(r->l, r->run_id, &last, err);
    if (rc == ECCN_ENOTFOUND && sr->offset > 0)
        return eccn_fail(err, ECCN_EINPUT, eccn_ledger_path(r->l), 0, 0,
                         "audit run %lld was recorded by an eccn that kept no digest of the lines "
                         "it judged, so the file cannot be checked: refusing to resume; audit it "
                         "afresh",
                         r->run_id);
    if (rc == ECCN_OK && (rc = check_prefix(r, h, &last, err)) != ECCN_OK)
        return rc;
    if (rc == ECCN_ENOTFOUND) /* nothing committed: the run starts from the top */
        rc = ECCN_OK;
    if (rc != ECCN_OK || (rc = reload(r, err)) != ECCN_OK ||
        (rc = eccn_audit_summarise(r->l, r->run_id, &prev, err)) != ECCN_OK)
        goto done;
    s->results = prev.results;
    s->errors = prev.errors;
    memcpy(s->licence_lines, prev.licence_lines, sizeof s->licence_lines);
    s->nlicence_lines = prev.nlicence_lines;
    memcpy(s->error_lines, prev.error_lines, sizeof s->error_lines);
    memcpy(s->error_reasons, prev.error_reasons, sizeof s->error_reasons);
    s->nerror_lines = prev.nerror_lines;
    s->by_error = prev.by_error; /* the lines in error so far, by reason: this process adds on */
    s->nerror_kinds = prev.nerror_kinds;
    prev.by_error = NULL;
    /* The parties screened so far keep their rows and numbers (reload). */
    s->parties = prev.parties;
    s->party_hits = prev.party_hits;
    s->party_reviews = prev.party_reviews;
    s->party_cleared = prev.party_cleared;
    if (r->o->out_csv && (rc = write_recorded_out(r->l, r->run_id, r->lists != NULL, r->o->out_csv,
                                                  r->what_if, err)) != ECCN_OK)
        goto done;
    if (sr->offset > 0)
        rc = eccn_csv_seek(csv, sr->offset, sr->line, err);
done:
    eccn_audit_summary_free(&prev);
    return rc;
}

/* Reads the header and, when it names a party, loads the lists to screen against: the lists
 * revision and the number of reviews recorded join the run's options, so that a run is reused
 * only under the same lists and reviews, and a run taken up again only under the same lists. */
static int read_header(run *r, eccn_csv *csv, eccn_csv_record *rec, const stored_run *sr,
                       eccn_buf *opts, eccn_error *err)
{
    int got = eccn_csv_next(csv, rec, err), rc;
    if (got < 0)
        return got;
    if (got == 0)
        return eccn_fail(err, ECCN_EINPUT, r->o->path, 1, 1, "empty file: expected a header line");
    if ((rc = map_columns(r, rec, err)) != ECCN_OK || (rc = parties_open(r, err)) != ECCN_OK ||
        !r->lists)
        return rc;
    const eccn_screen_info *in = eccn_screen_lists_info(r->lists);
    if (sr && sr->lists[0] && strcmp(sr->lists, in->revision) != 0)
        return eccn_fail(err, ECCN_EINPUT, eccn_ledger_path(r->l), 0, 0,
                         "audit run %lld screened against lists %.12s, and the lists are now "
                         "%.12s: audit the file again instead of resuming",
                         r->run_id, sr->lists, in->revision);
    return eccn_buf_printf(opts, "lists=%s\nlists_date=%s\nclearances=%zu\n", in->revision,
                           in->date, r->clearances.n);
}

/* Records the run unless it is taken up again. */
static int start(run *r, eccn_csv *csv, const char *opts, eccn_error *err)
{
    int rc;
    if (!r->run_id && (rc = eccn_audit_store_begin_run(r->l, r->rs, r->o->path, eccn_csv_size(csv),
                                                       opts, &r->run_id, err)) != ECCN_OK)
        return rc;
    r->s->run_id = r->run_id;
    return ECCN_OK;
}

/* Marks the run complete in the transaction of its last rows, and fills the summary. */
static int finish(run *r, eccn_audit_store *w, eccn_csv *csv, prefix_hash *h,
                  const eccn_audit_progress *final, eccn_error *err)
{
    eccn_audit_summary *s = r->s;
    int rc = prefix_finish(h, s->sha256);
    if (rc != ECCN_OK || (rc = eccn_audit_store_finish(w, final, s->sha256,
                                                       eccn_csv_bytes_read(csv), err)) != ECCN_OK)
        return rc;
    r->out_committed = -1; /* every line written is in the ledger now: nothing to cut back */
    s->size = eccn_csv_bytes_read(csv);
    return fold_counts(r, err);
}

int eccn_audit_run(eccn_ruleset *rs, eccn_ledger *l, const eccn_audit_opts *given,
                   eccn_audit_summary *s, eccn_error *err)
{
    const eccn_audit_opts *o = given;
    run r;
    stored_run sr;
    eccn_csv *csv = NULL;
    eccn_audit_store *w = NULL;
    prefix_hash prefix = {0};
    eccn_buf opts = {0};
    eccn_audit_progress final = {0};
    long long records = 0;
    bool reused = false;
    int rc = ECCN_OK;
    eccn_csv_record header;
    memset(s, 0, sizeof *s);
    run_init(&r, rs, o);
    r.l = l;
    r.s = s;
    if (given->resume_run) {
        /* A resumed run reads its file and options back from the ledger. */
        if ((rc = load_run(l, given, &sr, err)) != ECCN_OK)
            goto done;
        r.o = o = &sr.o;
        r.run_id = given->resume_run;
        records = sr.lines_read;
    }
    snprintf(s->file, sizeof s->file, "%s", o->path);
    if ((rc = take_defaults(&r, err)) != ECCN_OK || (rc = decide_dates(&r, err)) != ECCN_OK)
        goto done;
    s->date_format = r.datefmt;
    options_text(o, r.datefmt, &opts);
    /* A run judged with rules not in force is marked so in its fixed, chained options: reports
     * and listings leave it out of what was decided (issue 20: what-if is never a decision). */
    for (size_t i = 0; i < rs->nacts + rs->nenforce; i++) {
        const char *act = i < rs->nacts ? rs->acts[i].what_if ? rs->acts[i].id : NULL
                                        : rs->enforce_acts[i - rs->nacts];
        size_t len = strlen(r.what_if);
        if (!act)
            continue;
        eccn_buf_printf(&opts, "what_if=%s\n", act);
        snprintf(r.what_if + len, sizeof r.what_if - len, "%s%s", len ? " " : "", act);
    }
    if (!opts.data) {
        rc = ECCN_ENOMEM;
        goto done;
    }
    /* The rest of a run is judged as its start was: a what-if run under the same acts, a real
     * run under none, or its lines would mix decisions and what-ifs under one mark. */
    if (given->resume_run && strcmp(sr.what_if, r.what_if) != 0) {
        rc = eccn_fail(err, ECCN_EINPUT, eccn_ledger_path(l), 0, 0,
                       sr.what_if[0] ? "audit run %lld was judged under --what-if %s: resume it "
                                       "with the same --what-if"
                                     : "audit run %lld was judged under the rules in force%s: "
                                       "resume it without --what-if",
                       given->resume_run, sr.what_if);
        goto done;
    }
    if ((rc = eccn_csv_open_sheet(o->path, o->delimiter, o->sheet, &csv, err)) != ECCN_OK)
        goto done;
    if ((rc = prefix_init(&prefix, eccn_csv_is_workbook(csv))) != ECCN_OK)
        goto done;
    eccn_csv_on_bytes(csv, prefix_bytes, &prefix);
    r.prefix = &prefix;
    if ((rc = read_header(&r, csv, &header, given->resume_run ? &sr : NULL, &opts, err)) != ECCN_OK)
        goto done;
    if (given->out_csv) /* with the party columns when the run screens */
        fprintf(given->out_csv, "%.*s%s", (int)strlen(OUT_HEADER) - 1, OUT_HEADER,
                r.lists ? OUT_PARTY_HEADER : "\n");
    if ((rc = reuse(&r, csv, &header, opts.data, &reused, err)) != ECCN_OK || reused)
        goto done;
    if ((rc = start(&r, csv, opts.data, err)) != ECCN_OK ||
        (rc = eccn_audit_store_open(l, r.run_id, &w, err)) != ECCN_OK ||
        (o->resume_run && (rc = take_up(&r, csv, &sr, &prefix, err)) != ECCN_OK) ||
        (rc = pipeline_run(&r, csv, w, &records, &final, err)) != ECCN_OK)
        goto done;
    s->lines_read = records;
    rc = finish(&r, w, csv, &prefix, &final, err);
done:
    snprintf(s->what_if, sizeof s->what_if, "%s", r.what_if);
    /* A failure inside a batch rolls the batch back (close): the run stays incomplete, its
     * committed results and resume position agree, and --resume redoes exactly the lost lines.
     * --out is cut back to the lines committed (the worker that wrote the others has ended). */
    eccn_audit_store_close(w);
    if (rc != ECCN_OK && o->out_csv && r.out_committed >= 0 && fflush(o->out_csv) == 0 &&
        ftruncate(fileno(o->out_csv), (off_t)r.out_committed) == 0)
        fseeko(o->out_csv, (off_t)r.out_committed, SEEK_SET);
    run_free(&r);
    prefix_free(&prefix);
    eccn_csv_close(csv);
    eccn_buf_free(&opts);
    return rc;
}
