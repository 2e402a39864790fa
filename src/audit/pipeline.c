/* pipeline.c: the audit as a two-stage pipeline. A worker thread reads the CSV, resolves and
 * judges each line and gathers the rows it wants recorded into a batch; the calling thread, which
 * alone touches the ledger, appends each batch to the audit store (which hashes each row onto its
 * chain) and commits where the worker marked it, with the position to resume from. The two halves
 * cost about the same, so on two cores a run takes about half as long. */
#define _GNU_SOURCE /* pthread_setname_np */
#include "audit_internal.h"

#include "record.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CHUNK_LINES 4096 /* lines per hand-over */
/* 64k lines in flight (about 8 MiB): enough to cover the inserting thread's pause at each commit,
 * so the reading thread rarely waits. Measured: 3 slots 0.67 s, 8 slots 0.59 s, 16 slots 0.55 s
 * for a million lines. */
#define NSLOTS 16

typedef struct batch {
    eccn_audit_rows *rows;
    eccn_audit_progress progress; /* after the batch's last line */
    long long out_end;            /* --out's size after the batch's lines, or -1 when it has none */
    bool last;                    /* the input ended with this batch */
    bool commit;                  /* a transaction ends with this batch */
    int rc;         /* not ECCN_OK: the worker failed in this batch, which must not commit */
    eccn_error err; /* with rc */
} batch;

typedef struct pipeline {
    pthread_mutex_t mu;
    pthread_cond_t changed;
    batch slot[NSLOTS];
    batch *full[NSLOTS]; /* handed over, oldest first */
    size_t nfull;
    batch *spare[NSLOTS];
    size_t nspare;
    bool abort; /* the caller failed: the worker stops at its next hand-over */
    run *r;
    eccn_audit_store *w;
    eccn_csv *csv;
    long long records, commit_lines;
} pipeline;

/* The licence exceptions that may apply, by name, as --out lists them. */
static int exceptions_text(const eccn_result *res, eccn_buf *b)
{
    eccn_buf_printf(b, "%s", "");
    for (size_t i = 0; i < res->nexceptions; i++)
        eccn_buf_printf(b, "%s%s", i ? "; " : "", res->exceptions[i]->exception_name);
    return b->data ? ECCN_OK : ECCN_ENOMEM;
}

/* What an indeterminate answer lacks, "missing: " and each figure on one line ("; " between),
 * or nothing. An audit evaluates without the trace that names it, so the few indeterminate
 * evaluations of a run are made again with it. */
static int missing_reason(run *r, const eccn_query *q, eccn_buf *out, eccn_error *err)
{
    eccn_query traced = *q;
    eccn_result res;
    eccn_buf text = {0};
    traced.no_trace = false;
    int rc = eccn_evaluate(r->rs, &traced, &res, err);
    if (rc != ECCN_OK)
        return rc;
    if ((rc = eccn_result_missing_text(&res, &text)) == ECCN_OK && text.data) {
        const char *line = text.data;
        for (bool first = true; rc == ECCN_OK && *line; first = false) {
            size_t n = strcspn(line, "\n");
            rc = eccn_buf_printf(out, "%s%.*s", first ? "missing: " : "; ", (int)n, line);
            line += n + (line[n] == '\n');
        }
    }
    eccn_buf_free(&text);
    eccn_result_free(&res);
    return rc;
}

/* Why a party makes the answer indeterminate, in reason (size bytes). */
static const char *party_reason(const eccn_party_finding *f, char *reason, size_t size)
{
    const eccn_screen_entry *e = f->match->entry;
    if (f->effect == ECCN_PARTY_OUTSIDE_EAR)
        snprintf(reason, size, "%s on the %s (%s%s%s): outside the EAR; review before shipping",
                 f->role, e->list, e->source, e->programs[0] ? ", programme " : "", e->programs);
    else
        snprintf(reason, size, "%s possibly %s (%s%s%s, score %.2f): review the match", f->role,
                 e->name, e->list, e->entity_number[0] ? " " : "", e->entity_number,
                 f->match->score);
    return reason;
}

/* The parties behind an evaluation's answer (those whose screening is not clear), with their
 * roles, into fs; returns how many. */
static size_t party_findings(const party_info *const p[2], eccn_party_finding fs[2])
{
    static const char *const ROLES[2] = {"consignee", "end user"};
    size_t n = 0;
    for (int i = 0; p && i < 2; i++)
        if (p[i] && p[i]->f.effect != ECCN_PARTY_CLEAR) {
            fs[n] = p[i]->f;
            fs[n++].role = ROLES[i];
        }
    return n;
}

/* What decided the answer: a licence provision, else a party on the lists, else the
 * classification (audit_store.c picks the same from the recorded JSON). */
static int deciding_of(run *r, eval_info *in, const eccn_result *res, const eccn_party_finding *fs,
                       size_t nf, const char *exceptions)
{
    const eccn_provision *by = res->ndeciding ? res->deciding[0] : res->deciding_class;
    char id[96], title[600];
    if (res->ndeciding || !nf)
        return info_deciding(r, in, by ? by->id : NULL, by ? by->citation : NULL,
                             by ? by->title : NULL, exceptions);
    eccn_party_provision(&fs[0], id, sizeof id, title, sizeof title);
    return info_deciding(r, in, id, fs[0].citation, title, exceptions);
}

static int new_eval(run *r, const eccn_part *part, const char *dest, const char *hq, eccn_date date,
                    const party_info *const parties[2], long long *id, eccn_error *err)
{
    eccn_party_finding fs[2];
    const size_t nf = party_findings(parties, fs);
    char why[700];
    eccn_query q = {.part = part,
                    .spec = part->spec,
                    .date = date,
                    .destination = dest,
                    .headquarters = hq,
                    .quantity = 1,
                    .no_trace = true};
    eccn_result res;
    eccn_record rec = {0};
    eccn_buf exc = {0}, missing = {0};
    int rc = eccn_evaluate(r->rs, &q, &res, err);
    if (rc != ECCN_OK)
        return rc;
    eval_info *in = push_info(r);
    const eccn_verdict_row *v = &rec.row;
    if (!in || (rc = eccn_record_from_eval(r->rs, &q, &res, ECCN_RECORD_AUDIT, &rec)) != ECCN_OK) {
        rc = ECCN_ENOMEM;
        goto done;
    }
    /* A party on the lists changes the answer as in `check` (party.h), its finding recorded
     * among the provisions. */
    const eccn_verdict verdict = eccn_party_verdict(res.verdict, fs, nf);
    if (nf && eccn_record_add_parties(&rec, verdict, fs, nf) != ECCN_OK) {
        rc = ECCN_ENOMEM;
        goto done;
    }
    /* The reason is recorded for an indeterminate answer only: a note that a classification
     * cannot be decided, beside a verdict that did not need it, would contradict the verdict.
     * It names the figure that is missing, as check does. */
    if (verdict != ECCN_V_INDETERMINATE)
        rec.reason = NULL;
    else if (res.verdict != ECCN_V_INDETERMINATE)
        rec.reason = party_reason(&fs[0], why, sizeof why);
    else if ((rc = missing_reason(r, &q, &missing, err)) != ECCN_OK)
        goto done;
    else if (missing.data)
        rec.reason = missing.data;
    if (exceptions_text(&res, &exc) != ECCN_OK ||
        (rec.reason && !(in->reason = eccn_strdup(rec.reason))) ||
        deciding_of(r, in, &res, fs, nf, exc.data) != ECCN_OK) {
        rc = ECCN_ENOMEM;
        goto done;
    }
    *id = ++r->next_eval;
    in->verdict = verdict;
    snprintf(in->eccn, sizeof in->eccn, "%s", res.eccn);
    snprintf(in->destination, sizeof in->destination, "%s", dest);
    eccn_audit_eval_row row = {.id = *id,
                               .part_id = v->part_id,
                               .destination = v->destination,
                               .headquarters = v->headquarters,
                               .epoch_date = v->ship_date,
                               .status = v->status,
                               .eccn = v->eccn,
                               .verdict = v->verdict,
                               .review_policy = v->review_policy,
                               .license_exceptions = v->license_exceptions,
                               .provisions = v->provisions,
                               .reason = rec.reason,
                               .hq_given = hq,
                               .has_tpp = eccn_spec_has(&res.metrics, ECCN_M_TPP),
                               .has_pd = eccn_spec_has(&res.metrics, ECCN_M_PD),
                               .tpp = res.metrics.v[ECCN_M_TPP],
                               .pd = res.metrics.v[ECCN_M_PD]};
    rc = eccn_audit_rows_eval(r->out, &row);
done:
    eccn_buf_free(&exc);
    eccn_buf_free(&missing);
    eccn_record_free(&rec);
    eccn_result_free(&res);
    return rc;
}

/* The evaluation a good line's answer is: dates in the same epoch see the same provisions and
 * groups, so one evaluation serves them all, and a million lines over five years need a few
 * thousand evaluations. */
static int eval_of(run *r, const line_in *li, long long *eval_id, eccn_error *err)
{
    const int epoch = eccn_ruleset_epoch(r->rs, li->date);
    uint32_t *at = li->place ? &r->eval_at[(li->place - 1) * r->nepochs + (size_t)epoch] : NULL;
    if (at && *at) {
        *eval_id = *at;
        return ECCN_OK;
    }
    const void *key[4] = {li->part, li->dest, li->hq, (const void *)(intptr_t)epoch};
    bool added;
    int rc;
    long long *id = eccn_hmap_get(&r->evals, key, sizeof key, &added);
    if (!id)
        return ECCN_ENOMEM;
    if (added && (rc = new_eval(r, li->part, li->dest, li->hq, li->date, NULL, id, err)) != ECCN_OK)
        return rc;
    *eval_id = *id;
    if (at && *id <= UINT32_MAX)
        *at = (uint32_t)*id;
    return ECCN_OK;
}

/* The line's parties, screened (once per run each), and the evaluation that is its answer with
 * them: the part's own when they are clear, else one per evaluation and parties not clear. */
static int screen_line(run *r, const line_in *li, const party_info *p[2], long long *eval_id,
                       eccn_error *err)
{
    size_t idx[2];
    int rc;
    for (int i = 0; i < 2; i++)
        if ((rc = party_of(r, li, i, &idx[i], err)) != ECCN_OK)
            return rc;
    for (int i = 0; i < 2; i++) /* after both: the second may have moved the array */
        p[i] = idx[i] ? &r->partyv[idx[i] - 1] : NULL;
    long long key[3] = {*eval_id, 0, 0};
    for (int i = 0; i < 2; i++)
        if (p[i] && p[i]->f.effect != ECCN_PARTY_CLEAR)
            key[1 + i] = p[i]->id;
    if (!key[1] && !key[2])
        return ECCN_OK;
    bool added;
    long long *id = eccn_hmap_get(&r->pevals, key, sizeof key, &added);
    if (!id)
        return ECCN_ENOMEM;
    if (added && (rc = new_eval(r, li->part, li->dest, li->hq, li->date, p, id, err)) != ECCN_OK)
        return rc;
    *eval_id = *id;
    return ECCN_OK;
}

/* Judges one line: its result row (a verdict or the reason it has none), the summary, --out. */
static int audit_line(run *r, const eccn_csv_record *rec, eccn_error *err)
{
    line_in li;
    long long eval_id = 0;
    const party_info *p[2] = {NULL, NULL};
    int rc = read_line(r, rec, &li);
    if (rc != ECCN_OK || (!li.why && (rc = eval_of(r, &li, &eval_id, err)) != ECCN_OK) ||
        (!li.why && r->lists && (rc = screen_line(r, &li, p, &eval_id, err)) != ECCN_OK))
        return rc;
    eccn_audit_result_row row = {.line = rec->line,
                                 .line_id = li.idn ? li.idtext : NULL,
                                 .line_id_len = li.idn,
                                 .part_text = li.ptext_id,
                                 .desc_text = li.dtext_id,
                                 .quantity = li.qty,
                                 .ship_date = li.date != ECCN_DATE_NONE ? li.ymd : 0,
                                 .eval_id = eval_id,
                                 .error = li.why,
                                 .dest_text = li.ttext_id,
                                 .consignee = p[0] ? p[0]->id : 0,
                                 .end_user = p[1] ? p[1]->id : 0};
    if ((rc = eccn_audit_rows_result(r->out, &row)) != ECCN_OK)
        return rc;
    eval_info *in = li.why ? NULL : &r->info[eval_id - 1];
    note_line(r->s, rec->line, &li, in);
    if (r->o->out_csv)
        out_line(r->o->out_csv, r->what_if, rec->line, &li, in, r->lists ? p : NULL);
    if (li.why && r->o->strict)
        return eccn_fail(err, ECCN_EINPUT, r->o->path, (int)rec->line, 0, "%s (--strict)", li.why);
    return ECCN_OK;
}

static void report_progress(pipeline *p, time_t *last)
{
    const eccn_audit_opts *o = p->r->o;
    if (!o->progress || (p->records & 4095) != 0)
        return;
    time_t now = time(NULL);
    if (now != *last || (p->records & 65535) == 0) {
        *last = now;
        o->progress(p->records, eccn_csv_bytes_read(p->csv), eccn_csv_size(p->csv),
                    o->progress_ctx);
    }
}

/* Fills b with up to CHUNK_LINES lines, stopping early where a transaction ends. */
static void fill_batch(pipeline *p, batch *b, time_t *last_progress)
{
    run *r = p->r;
    long long next_line = 0;
    eccn_audit_rows_clear(b->rows);
    b->last = b->commit = false;
    b->rc = ECCN_OK;
    r->out = b->rows;
    for (int n = 0; n < CHUNK_LINES; n++) {
        eccn_csv_record rec;
        int got = eccn_csv_next(p->csv, &rec, &b->err);
        if (got <= 0) {
            b->rc = got;
            b->last = true;
            break;
        }
        next_line = rec.line + 1;
        b->commit = ++p->records % p->commit_lines == 0;
        if ((b->rc = audit_line(r, &rec, &b->err)) != ECCN_OK) {
            b->last = true;
            break;
        }
        if (b->commit)
            break;
        report_progress(p, last_progress);
    }
    b->out_end = r->o->out_csv ? (long long)ftello(r->o->out_csv) : -1;
    b->progress = (eccn_audit_progress){.lines_read = p->records,
                                        .results = r->s->results,
                                        .errors = r->s->errors,
                                        .offset = eccn_csv_bytes_read(p->csv),
                                        .next_line = next_line};
    /* The bytes judged go into the digest batch by batch (what is read ahead waits); at a
     * commit, their digest is recorded with it for --resume to compare. */
    if (b->rc == ECCN_OK && r->prefix && !b->last &&
        (b->commit ? prefix_at(r->prefix, b->progress.offset, b->progress.sha256)
                   : prefix_advance(r->prefix, b->progress.offset)) != ECCN_OK)
        b->rc = eccn_fail(&b->err, ECCN_ENOMEM, r->o->path, 0, 0, "cannot hash the input");
}

/* The worker's side: fill a spare batch, hand it over, until the input ends or fails. */
static void *pipeline_worker(void *arg)
{
    pipeline *p = arg;
    time_t last_progress = 0;
#ifdef __GLIBC__
    pthread_setname_np(pthread_self(), "eccn-audit"); /* so perf and top tell the halves apart */
#endif
    for (;;) {
        pthread_mutex_lock(&p->mu);
        while (!p->abort && p->nspare == 0)
            pthread_cond_wait(&p->changed, &p->mu);
        batch *b = p->abort ? NULL : p->spare[--p->nspare];
        pthread_mutex_unlock(&p->mu);
        if (!b)
            return NULL;
        fill_batch(p, b, &last_progress);
        bool last = b->last;
        pthread_mutex_lock(&p->mu);
        p->full[p->nfull++] = b;
        pthread_cond_broadcast(&p->changed);
        pthread_mutex_unlock(&p->mu);
        if (last)
            return NULL;
    }
}

/* The caller's side: append each batch in order, and commit where the worker marked it. Returns
 * with the last batch appended and its transaction open, so that the run is finished in the same
 * transaction; or with the error of the first failure. */
static int pipeline_consume(pipeline *p, batch **last, eccn_error *err)
{
    run *r = p->r;
    int rc = ECCN_OK;
    for (;;) {
        pthread_mutex_lock(&p->mu);
        while (p->nfull == 0)
            pthread_cond_wait(&p->changed, &p->mu);
        batch *b = p->full[0];
        memmove(p->full, p->full + 1, --p->nfull * sizeof *p->full);
        pthread_mutex_unlock(&p->mu);
        if (b->rc != ECCN_OK) {
            *err = b->err;
            return b->rc;
        }
        if ((rc = eccn_audit_store_append(p->w, b->rows, err)) != ECCN_OK)
            return rc;
        if (b->last) {
            *last = b;
            return ECCN_OK;
        }
        if (b->commit) {
            if ((rc = eccn_audit_store_commit(p->w, &b->progress, err)) != ECCN_OK)
                return rc;
            if (r->out_committed >= 0)
                r->out_committed = b->out_end;
        }
        pthread_mutex_lock(&p->mu);
        p->spare[p->nspare++] = b;
        pthread_cond_broadcast(&p->changed);
        pthread_mutex_unlock(&p->mu);
    }
}

int pipeline_run(run *r, eccn_csv *csv, eccn_audit_store *w, long long *records,
                 eccn_audit_progress *final, eccn_error *err)
{
    pipeline p = {.r = r,
                  .w = w,
                  .csv = csv,
                  .records = *records,
                  .commit_lines = r->o->batch > 0 ? r->o->batch : DEFAULT_BATCH};
    batch *last = NULL;
    pthread_t worker;
    int rc = ECCN_OK;
    for (int i = 0; i < NSLOTS; i++) {
        if (!(p.slot[i].rows = eccn_audit_rows_new(r->run_id)))
            rc = ECCN_ENOMEM;
        p.spare[p.nspare++] = &p.slot[i];
    }
    pthread_mutex_init(&p.mu, NULL);
    pthread_cond_init(&p.changed, NULL);
    r->out_committed = r->o->out_csv ? (long long)ftello(r->o->out_csv) : -1;
    if (rc == ECCN_OK && pthread_create(&worker, NULL, pipeline_worker, &p) != 0) {
        rc = eccn_fail(err, ECCN_ENOMEM, r->o->path, 0, 0, "cannot start the audit thread");
    } else if (rc == ECCN_OK) {
        rc = pipeline_consume(&p, &last, err);
        pthread_mutex_lock(&p.mu);
        p.abort = true;
        pthread_cond_broadcast(&p.changed);
        pthread_mutex_unlock(&p.mu);
        pthread_join(worker, NULL);
    }
    *records = p.records;
    if (rc == ECCN_OK) /* its rows are appended: keep the counts and position */
        *final = last->progress;
    for (int i = 0; i < NSLOTS; i++)
        eccn_audit_rows_free(p.slot[i].rows);
    pthread_cond_destroy(&p.changed);
    pthread_mutex_destroy(&p.mu);
    return rc;
}
