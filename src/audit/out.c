/* out.c: what an audit reports. --out gets a row per line under OUT_HEADER, written as the line
 * is judged or, for lines an earlier process recorded (a reused or resumed run), from the ledger:
 * one writer, so the file reads the same however the run came to be. The summary (counts by
 * verdict, ECCN and destination, the first lines needing a licence or in error) is kept as lines
 * are judged, and read back from the ledger for a run recorded before. */
#include "audit_internal.h"

#include <stdlib.h>
#include <string.h>

/* One row per line: where it is in the input, the part as written and as resolved, what was read
 * of it, the answer and what decided it, for a line in error the reason and the field at fault,
 * and last the acts applied under --what-if (empty for a real run): a what-if row is never read
 * as a decision, in whatever program the file is opened. */
const char OUT_HEADER[] = "line,line_id,part,resolved_part,quantity,destination,date,verdict,eccn,"
                          "provision,citation,license_exceptions,reason,field,what_if\n";
/* Each party's screening: clear, hit or review; the listed entry matched (its list, name and
 * entity number); and a recorded review that set a match aside. */
const char OUT_PARTY_HEADER[] =
    ",consignee_screening,consignee_list,consignee_entry,consignee_entity_number,"
    "consignee_screening_note,end_user_screening,end_user_list,end_user_entry,"
    "end_user_entity_number,end_user_screening_note\n";

/* The field at fault in a line's error, from its reason: the same for a line just judged and one
 * read back from the ledger, which records the reason only. */
static const char *fault_of(const char *reason)
{
    static const struct {
        const char *start, *field;
    } KNOWN[] = {
        {"bad quantity", "quantity"},
        {"bad ship date", "date"},
        {"no ship date", "date"},
        {"unknown destination", "destination"},
        {"no destination", "destination"},
        {"ambiguous destination", "destination"},
        {"unknown headquarters", "hq"},
        {"ambiguous headquarters", "hq"},
        {"expected ", "record"}, /* the number of fields */
        /* csvr.c's malformed records */
        {"a quoted field", "record"},
        {"NUL byte", "record"},
        {"a quote inside", "record"},
        {"text after a closing quote", "record"},
    };
    for (size_t i = 0; i < sizeof KNOWN / sizeof *KNOWN; i++)
        if (strncmp(reason, KNOWN[i].start, strlen(KNOWN[i].start)) == 0)
            return KNOWN[i].field;
    return "part";
}

/* The text between the first pair of single quotes of s, in buf. */
static size_t quoted(const char *s, char *buf, size_t size)
{
    const char *a = strchr(s, '\''), *b = a ? strchr(a + 1, '\'') : NULL;
    size_t n = b ? (size_t)(b - a - 1) : 0;
    n = n < size ? n : size - 1;
    memcpy(buf, a ? a + 1 : "", n);
    buf[n] = '\0';
    return n;
}

/* Each kind is under 64 bytes: it is an eccn_count key. */
const char *error_kind(const char *reason)
{
    const char *field = fault_of(reason);
    char text[64];
    eccn_date d;
    if (strcmp(field, "record") == 0)
        return "records whose fields do not match the header";
    if (strcmp(field, "destination") == 0)
        return reason[0] == 'n'   ? "no destination"
               : reason[0] == 'a' ? "destination names of several countries"
                                  : "unknown destination countries";
    if (strcmp(field, "hq") == 0)
        return reason[0] == 'a' ? "headquarters names of several countries"
                                : "unknown headquarters countries";
    if (strcmp(field, "quantity") == 0)
        return strstr(reason, "fractional")        ? "fractional quantities"
               : strstr(reason, "bad quantity ''") ? "empty quantities"
                                                   : "quantities that are not whole numbers";
    if (strcmp(field, "date") == 0) {
        if (reason[0] == 'n')
            return "no ship date";
        /* A date that failed is one the file's format did not read: the order that reads it. */
        size_t n = quoted(reason, text, sizeof text);
        const bool mdy = eccn_erp_date(text, n, ECCN_DATEFMT_MDY, &d),
                   dmy = eccn_erp_date(text, n, ECCN_DATEFMT_DMY, &d);
        return mdy && dmy ? "ambiguous dates (d/m/y or m/d/y): use --date-format dmy or mdy"
               : mdy      ? "dates look like MM/DD/YYYY: use --date-format mdy"
               : dmy      ? "dates look like DD/MM/YYYY: use --date-format dmy"
                          : "ship dates that are not dates";
    }
    return strncmp(reason, "no part", 7) == 0 ? "no part number or description"
                                              : "parts not in the catalogue";
}

/* What --out says of a line's answer: a line in error gives its reason; an indeterminate one
 * what cannot be decided (a provision's title alone, "Licence required by letter...", would read
 * as a verdict); one with a verdict gives the provision that decided it, never a note (such as a
 * classification that cannot be decided) that the verdict made moot. */
static const char *out_reason(const char *verdict, const char *reason, const char *title, char *buf,
                              size_t size)
{
    if (strcmp(verdict, "error") == 0)
        return reason;
    if (strcmp(verdict, "indeterminate") == 0) {
        if (!title[0] || strcmp(reason, title) != 0)
            return reason;
        snprintf(buf, size, "cannot be decided with the figures known whether this applies: %s",
                 title);
        return buf;
    }
    if (strcmp(verdict, "no_license_required") == 0)
        return "no licence requirement applies";
    return title;
}

void write_out_row(FILE *f, const out_row *o)
{
    char num[32], as_given[200];
    int n = snprintf(num, sizeof num, "%lld", o->line);
    const bool error = strcmp(o->verdict, "error") == 0;
    const char *fault = error ? fault_of(o->reason) : "";
    /* The field at fault keeps the text it was given (the reason quotes it), not "unknown" or
     * nothing, so that the row shows what to correct; live and recorded rows alike. */
    size_t given = strcmp(fault, "date") == 0 || strcmp(fault, "quantity") == 0
                       ? quoted(o->reason, as_given, sizeof as_given)
                       : 0;
    bool date_given = given && fault[0] == 'd', qty_given = given && fault[0] == 'q';
    eccn_csv_write_cell(f, num, (size_t)n, false);
    eccn_csv_write_cell(f, o->line_id, o->line_id_len, false);
    eccn_csv_write_cell(f, o->part, o->part_len, false);
    eccn_csv_write_cell(f, o->resolved_part, strlen(o->resolved_part), false);
    eccn_csv_write_cell(f, qty_given ? as_given : o->quantity, qty_given ? given : o->quantity_len,
                        false);
    eccn_csv_write_cell(f, o->destination, o->destination_len, false);
    eccn_csv_write_cell(f, date_given ? as_given : o->date, date_given ? given : o->date_len,
                        false);
    const char *rest[] = {o->verdict,    o->eccn,   o->provision, o->citation,
                          o->exceptions, o->reason, fault,        o->what_if ? o->what_if : ""};
    for (size_t i = 0; i < sizeof rest / sizeof *rest; i++)
        eccn_csv_write_cell(f, rest[i], strlen(rest[i]),
                            !o->screened && i + 1 == sizeof rest / sizeof *rest);
    for (int p = 0; o->screened && p < 2; p++)
        for (int k = 0; k < 5; k++) {
            const char *c = o->party[p][k] ? o->party[p][k] : "";
            eccn_csv_write_cell(f, c, strlen(c), p == 1 && k == 4);
        }
}

void out_line(FILE *f, const char *what_if, long long line, const line_in *li, const eval_info *in,
              const party_info *const *p)
{
    char d[11] = "", q[24] = "unknown", why[600];
    size_t qn = strlen(q);
    if (li->date != ECCN_DATE_NONE)
        eccn_date_format(li->date, d);
    if (li->qty >= 0)
        qn = (size_t)snprintf(q, sizeof q, "%lld", li->qty);
    const char *verdict = in ? eccn_verdict_word(in->verdict) : "error";
    /* As the ledger records the line, so that a reused or resumed run's rows read the same: a
     * line in error has the quantity and date it was given when they read, and its destination
     * as written. */
    const char *dest = in ? li->dest : li->ttext ? li->ttext : "";
    size_t dest_len = in ? strlen(li->dest) : li->tn;
    out_row o = {.line = line,
                 .what_if = what_if,
                 .line_id = li->idn ? li->idtext : "",
                 .line_id_len = li->idn,
                 .part = li->pn   ? li->ptext
                         : li->dn ? li->dtext
                                  : "",
                 .part_len = li->pn ? li->pn : li->dn,
                 .resolved_part = in && li->part ? li->part->id : "",
                 .quantity = q,
                 .quantity_len = qn,
                 .destination = dest,
                 .destination_len = dest_len,
                 .date = d,
                 .date_len = strlen(d),
                 .verdict = verdict,
                 .eccn = in ? in->eccn : "",
                 .provision = in ? in->provision : "",
                 .citation = in ? in->citation : "",
                 .exceptions = in ? in->exceptions : "",
                 .reason = out_reason(verdict,
                                      li->why      ? li->why
                                      : in->reason ? in->reason
                                                   : "",
                                      in ? in->title : "", why, sizeof why),
                 .screened = p != NULL};
    for (int i = 0; p && i < 2; i++)
        if (p[i])
            party_cells(p[i], o.party[i]);
    write_out_row(f, &o);
}

typedef struct recorded_ctx {
    FILE *f;
    const char *what_if;
    bool screened;
} recorded_ctx;

static int recorded_row(const eccn_audit_line_row *row, void *vctx)
{
    const recorded_ctx *ctx = vctx;
    char date[11] = "", q[24] = "unknown", why[600];
    if (row->ship_date)
        eccn_ymd_format(row->ship_date, date);
    if (row->quantity_known)
        snprintf(q, sizeof q, "%lld", row->quantity);
    out_row o = {.line = row->line,
                 .what_if = ctx->what_if,
                 .line_id = row->line_id,
                 .line_id_len = strlen(row->line_id),
                 .part = row->part,
                 .part_len = strlen(row->part),
                 .resolved_part = row->resolved_part,
                 .quantity = q,
                 .quantity_len = strlen(q),
                 .destination = row->destination,
                 .destination_len = strlen(row->destination),
                 .date = date,
                 .date_len = strlen(date),
                 .verdict = row->verdict,
                 .eccn = row->eccn,
                 .provision = row->provision,
                 .citation = row->citation,
                 .exceptions = row->exceptions,
                 .reason = out_reason(row->verdict, row->reason, row->title, why, sizeof why),
                 .screened = ctx->screened};
    memcpy(o.party, row->party, sizeof o.party);
    write_out_row(ctx->f, &o);
    return ECCN_OK;
}

/* The run's one copy of s: a run has thousands of evaluations and a few dozen provisions. */
static const char *intern(run *r, const char *s)
{
    bool added;
    s = s ? s : "";
    const char *v = eccn_hmap_get(&r->strings, s, strlen(s), &added);
    return v ? eccn_hmap_key(&r->strings, v, NULL) : NULL;
}

int info_deciding(run *r, eval_info *in, const char *provision, const char *citation,
                  const char *title, const char *exceptions)
{
    in->provision = intern(r, provision);
    in->citation = intern(r, citation);
    in->title = intern(r, title);
    in->exceptions = intern(r, exceptions);
    return in->provision && in->citation && in->title && in->exceptions ? ECCN_OK : ECCN_ENOMEM;
}

int write_recorded_out(eccn_ledger *l, long long run_id, bool screened, FILE *f,
                       const char *what_if, eccn_error *err)
{
    recorded_ctx ctx = {f, what_if, screened};
    int rc =
        eccn_audit_store_each_line(l, run_id, ECCN_AUDIT_LINES_ALL, 0, recorded_row, &ctx, err);
    if (rc == ECCN_OK && ferror(f))
        rc = eccn_fail(err, ECCN_EIO, "--out", 0, 0, "write failed");
    return rc;
}

static int add_count(eccn_count **v, size_t *n, const char *key, long long lines, long long qty);

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
        add_count(&s->by_error, &s->nerror_kinds, error_kind(li->why), 1, 0);
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
    if (li->qty > 0) /* unknown quantities count no units */
        in->quantity += li->qty;
    if (in->verdict == ECCN_V_LICENSE && s->nlicence_lines < 20)
        copy_line(&s->licence_lines[s->nlicence_lines++], line, li->idtext, li->idn, part, pn,
                  li->dest, li->date, in->eccn, li->qty);
}

static int add_count(eccn_count **v, size_t *n, const char *key, long long lines, long long qty)
{
    for (size_t i = 0; i < *n; i++)
        /* as stored: a key is cut to the array's size, and must still find its count */
        if (strncmp((*v)[i].key, key, sizeof(*v)[i].key - 1) == 0) {
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
    free(s->by_error);
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

/* A recorded line in error, counted by its reason's kind. */
static int error_line(const eccn_audit_line_row *row, void *vs)
{
    eccn_audit_summary *s = vs;
    return add_count(&s->by_error, &s->nerror_kinds, error_kind(row->reason), 1, 0);
}

static int summary_eval(const eccn_audit_eval_info *e, void *s)
{
    return count_eval(s, verdict_from_word(e->verdict), e->eccn, e->destination, e->lines,
                      e->quantity);
}

/* The screening of a recorded run: the lists named in its options (resume.c), its parties. */
static int summarise_parties(eccn_ledger *l, long long run_id, const char *options,
                             eccn_audit_summary *s, eccn_error *err)
{
    const char *rev = strstr(options, "lists=");
    const char *date = strstr(options, "lists_date=");
    eccn_audit_party_counts c;
    if (!rev || (rev != options && rev[-1] != '\n'))
        return ECCN_OK;
    s->screened = true;
    snprintf(s->lists_revision, sizeof s->lists_revision, "%.64s", rev + 6);
    if (date)
        snprintf(s->lists_date, sizeof s->lists_date, "%.10s", date + 11);
    int rc = eccn_audit_store_party_counts(l, run_id, &c, err);
    s->parties = c.parties;
    s->party_hits = c.hits;
    s->party_reviews = c.reviews;
    s->party_cleared = c.cleared;
    return rc;
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
    if ((rc = summarise_parties(l, run_id, info->options, s, err)) != ECCN_OK)
        goto done;
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
    /* Every line in error, by kind: a run's errors are few, or one reason many times over. */
    if (rc == ECCN_OK && s->errors)
        rc = eccn_audit_store_each_line(l, run_id, ECCN_AUDIT_LINES_ERRORS, 0, error_line, s, err);
done:
    free(info);
    return rc;
}
