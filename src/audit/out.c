/* out.c: what an audit reports. --out gets a row per line under OUT_HEADER, written as the line
 * is judged or, for lines an earlier process recorded (a reused or resumed run), from the ledger:
 * one writer, so the file reads the same however the run came to be. The summary (counts by
 * verdict, ECCN and destination, the first lines needing a licence or in error) is kept as lines
 * are judged, and read back from the ledger for a run recorded before. */
#include "audit_internal.h"

#include <stdlib.h>
#include <string.h>

const char OUT_HEADER[] = "line,line_id,part,destination,date,verdict,eccn,reason\n";

void write_out_row(FILE *f, const out_row *o)
{
    char num[32];
    int n = snprintf(num, sizeof num, "%lld", o->line);
    eccn_csv_write_cell(f, num, (size_t)n, false);
    eccn_csv_write_cell(f, o->line_id, o->line_id_len, false);
    eccn_csv_write_cell(f, o->part, o->part_len, false);
    const char *rest[] = {o->destination, o->date, o->verdict, o->eccn, o->reason};
    for (size_t i = 0; i < 5; i++)
        eccn_csv_write_cell(f, rest[i], strlen(rest[i]), i == 4);
}

void out_line(FILE *f, long long line, const line_in *li, const eval_info *in)
{
    char d[11] = "";
    if (li->date != ECCN_DATE_NONE)
        eccn_date_format(li->date, d);
    /* As the ledger records a line: one in error has no destination. */
    write_out_row(f, &(out_row){.line = line,
                                .line_id = li->idn ? li->idtext : "",
                                .line_id_len = li->idn,
                                .part = li->pn   ? li->ptext
                                        : li->dn ? li->dtext
                                                 : "",
                                .part_len = li->pn ? li->pn : li->dn,
                                .destination = in ? li->dest : "",
                                .date = d,
                                .verdict = in ? eccn_verdict_word(in->verdict) : "error",
                                .eccn = in ? in->eccn : "",
                                .reason = li->why      ? li->why
                                          : in->reason ? in->reason
                                                       : ""});
}

static int recorded_row(const eccn_audit_line_row *row, void *ctx)
{
    char date[11];
    eccn_ymd_format(row->ship_date, date);
    write_out_row(ctx, &(out_row){.line = row->line,
                                  .line_id = row->line_id,
                                  .line_id_len = strlen(row->line_id),
                                  .part = row->part,
                                  .part_len = strlen(row->part),
                                  .destination = row->destination,
                                  .date = date,
                                  .verdict = row->verdict,
                                  .eccn = row->eccn,
                                  .reason = row->reason});
    return ECCN_OK;
}

int write_recorded_out(eccn_ledger *l, long long run_id, FILE *f, eccn_error *err)
{
    int rc = eccn_audit_store_each_line(l, run_id, ECCN_AUDIT_LINES_ALL, 0, recorded_row, f, err);
    if (rc == ECCN_OK && ferror(f))
        rc = eccn_fail(err, ECCN_EIO, "--out", 0, 0, "write failed");
    return rc;
}

static void copy_line(eccn_audit_line *a, long long line, const char *id, size_t idn,
                      const char *part, size_t pn, const char *dest, eccn_date date,
                      const char *eccn, long long qty)
{
    memset(a, 0, sizeof *a);
    a->line = line;
    snprintf(a->line_id, sizeof a->line_id, "%.*s", (int)idn, id ? id : "");
    snprintf(a->part, sizeof a->part, "%.*s", (int)pn, part ? part : "");
    snprintf(a->destination, sizeof a->destination, "%s", dest ? dest : "");
    if (date != ECCN_DATE_NONE)
        eccn_date_format(date, a->date);
    snprintf(a->eccn, sizeof a->eccn, "%s", eccn ? eccn : "");
    a->quantity = qty;
}

void note_line(eccn_audit_summary *s, long long line, const line_in *li, eval_info *in)
{
    const char *part = li->pn ? li->ptext : li->dtext;
    size_t pn = li->pn ? li->pn : li->dn;
    if (!in) {
        s->errors++;
        if (s->nerror_lines < 20) {
            copy_line(&s->error_lines[s->nerror_lines], line, li->idtext, li->idn, part, pn,
                      li->dest, li->date, NULL, li->qty);
            snprintf(s->error_reasons[s->nerror_lines++], sizeof s->error_reasons[0], "%s",
                     li->why);
        }
        return;
    }
    s->results++;
    in->lines++;
    in->quantity += li->qty;
    if (in->verdict == ECCN_V_LICENSE && s->nlicence_lines < 20)
        copy_line(&s->licence_lines[s->nlicence_lines++], line, li->idtext, li->idn, part, pn,
                  li->dest, li->date, in->eccn, li->qty);
}

static int add_count(eccn_count **v, size_t *n, const char *key, long long lines, long long qty)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp((*v)[i].key, key) == 0) {
            (*v)[i].lines += lines;
            (*v)[i].quantity += qty;
            return ECCN_OK;
        }
    eccn_count *g = realloc(*v, (*n + 1) * sizeof *g);
    if (!g)
        return ECCN_ENOMEM;
    *v = g;
    snprintf(g[*n].key, sizeof g[*n].key, "%s", key);
    g[*n].lines = lines;
    g[*n].quantity = qty;
    (*n)++;
    return ECCN_OK;
}

/* The lines of one evaluation, into the counts. */
static int count_eval(eccn_audit_summary *s, eccn_verdict v, const char *eccn, const char *dest,
                      long long lines, long long qty)
{
    int rc = ECCN_OK;
    if (!lines)
        return rc;
    if ((rc = add_count(&s->by_verdict, &s->nverdict, eccn_verdict_word(v), lines, qty)) ==
            ECCN_OK &&
        (rc = add_count(&s->by_eccn, &s->neccn, eccn[0] ? eccn : "none", lines, qty)) == ECCN_OK)
        rc = add_count(&s->by_destination, &s->ndestination, dest, lines, qty);
    if (v == ECCN_V_LICENSE)
        s->licence_required += lines;
    else if (v == ECCN_V_INDETERMINATE)
        s->indeterminate += lines;
    else
        s->no_licence += lines;
    return rc;
}

/* The lines in error, without units: such a line's quantity may be what made it one. */
static int count_errors(eccn_audit_summary *s)
{
    return s->errors ? add_count(&s->by_verdict, &s->nverdict, "error", s->errors, 0) : ECCN_OK;
}

int fold_counts(run *r, eccn_error *err)
{
    eccn_audit_summary *s = r->s;
    int rc = ECCN_OK;
    for (size_t i = 0; i < r->ninfo && rc == ECCN_OK; i++) {
        const eval_info *in = &r->info[i];
        rc = count_eval(s, in->verdict, in->eccn, in->destination, in->lines, in->quantity);
    }
    return rc == ECCN_OK ? count_errors(s) : rc;
}

eccn_verdict verdict_from_word(const char *w)
{
    const eccn_verdict all[] = {ECCN_V_NO_LICENSE, ECCN_V_LICENSE, ECCN_V_INDETERMINATE};
    for (size_t i = 0; i < sizeof all / sizeof *all; i++)
        if (strcmp(w, eccn_verdict_word(all[i])) == 0)
            return all[i];
    return ECCN_V_NONE;
}

void eccn_audit_summary_free(eccn_audit_summary *s)
{
    free(s->by_verdict);
    free(s->by_eccn);
    free(s->by_destination);
    memset(s, 0, sizeof *s);
}

typedef struct first_ctx {
    eccn_audit_line *out;
    char (*reasons)[200];
    size_t *n;
} first_ctx;

static int first_line(const eccn_audit_line_row *row, void *vctx)
{
    first_ctx *c = vctx;
    eccn_audit_line *a = &c->out[*c->n];
    memset(a, 0, sizeof *a);
    a->line = row->line;
    snprintf(a->line_id, sizeof a->line_id, "%s", row->line_id);
    snprintf(a->part, sizeof a->part, "%s", row->part);
    snprintf(a->destination, sizeof a->destination, "%s", row->destination);
    eccn_ymd_format(row->ship_date, a->date);
    snprintf(a->eccn, sizeof a->eccn, "%s", row->eccn);
    a->quantity = row->quantity;
    if (c->reasons)
        snprintf(c->reasons[*c->n], sizeof c->reasons[0], "%s", row->reason);
    (*c->n)++;
    return ECCN_OK;
}

static int summary_eval(const eccn_audit_eval_info *e, void *s)
{
    return count_eval(s, verdict_from_word(e->verdict), e->eccn, e->destination, e->lines,
                      e->quantity);
}

int eccn_audit_summarise(eccn_ledger *l, long long run_id, eccn_audit_summary *s, eccn_error *err)
{
    eccn_audit_run_info *info = malloc(sizeof *info);
    int rc = info ? ECCN_OK : ECCN_ENOMEM;
    eccn_audit_summary_free(s);
    s->run_id = run_id;
    if (rc != ECCN_OK || (rc = eccn_audit_store_run(l, run_id, info, err)) != ECCN_OK)
        goto done;
    snprintf(s->sha256, sizeof s->sha256, "%s", info->sha256);
    s->size = info->size;
    s->lines_read = info->lines_read;
    s->results = info->results;
    s->errors = info->errors;
    /* Each evaluation with its lines counted in SQL: a few hundred rows. */
    if ((rc = eccn_audit_store_each_eval(l, run_id, summary_eval, s, err)) != ECCN_OK ||
        (rc = count_errors(s)) != ECCN_OK)
        goto done;
    first_ctx lic = {s->licence_lines, NULL, &s->nlicence_lines},
              bad = {s->error_lines, s->error_reasons, &s->nerror_lines};
    if ((rc = eccn_audit_store_each_line(l, run_id, ECCN_AUDIT_LINES_LICENCE, 20, first_line, &lic,
                                         err)) == ECCN_OK)
        rc = eccn_audit_store_each_line(l, run_id, ECCN_AUDIT_LINES_ERRORS, 20, first_line, &bad,
                                        err);
done:
    free(info);
    return rc;
}
