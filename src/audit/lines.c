/* lines.c: reading an inventory's lines: which column is which field, each field trimmed and
 * checked, and each distinct text resolved once per run (to a part, a country, an audit_texts
 * row) whatever the number of lines that repeat it. Also eccn_audit_scan and
 * eccn_audit_run_items, which give `impact` the same lines without recording anything. */
#include "audit_internal.h"
#include "resolve.h"

#include "erp.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

static const char *field(const run *r, const eccn_csv_record *rec, int f, size_t *len)
{
    int c = r->col[f];
    if (c < 0 || (size_t)c >= rec->nfields) {
        *len = 0;
        return NULL;
    }
    /* Trim surrounding blanks: inventory exports pad cells. Blank is what isspace() says in
     * the C locale, which eccn runs in, without its call per byte. */
    const char *s = rec->fields[c];
    size_t n = rec->lens[c];
    while (n && (*s == ' ' || (*s >= '\t' && *s <= '\r')))
        s++, n--;
    while (n && (s[n - 1] == ' ' || (s[n - 1] >= '\t' && s[n - 1] <= '\r')))
        n--;
    *len = n;
    return s;
}

/* The entry of a raw part or description text: interned (a row of audit_texts) when first
 * seen. One lookup serves both the text's id and its part resolution. */
static int text_entry(run *r, const char *s, size_t n, text_val **out)
{
    bool added;
    text_val *e = eccn_hmap_get(&r->texts, s, n, &added);
    int rc = ECCN_OK;
    *out = e;
    if (!e)
        return ECCN_ENOMEM;
    if (added && r->out) { /* no batch: a scan that records nothing */
        e->id = ++r->next_text;
        rc = eccn_audit_rows_text(r->out, e->id, s, n);
    }
    return rc;
}

/* Resolves a text to a part once per run; NULL with *why set when it does not resolve. */
static const eccn_part *resolve_part(run *r, text_val *e, const char **why)
{
    if (!e->asked) {
        eccn_error err = {0};
        e->asked = true;
        /* The map's copy of the text is NUL-terminated: resolve from it. */
        int rc = eccn_resolve(r->rs, eccn_hmap_key(&r->texts, e, NULL), &e->part, &err);
        e->ambiguous = rc == ECCN_EINPUT;
        if (rc != ECCN_OK) {
            char **g = realloc(r->part_errors, (r->npart_errors + 1) * sizeof *g);
            e->part = NULL;
            if (g) {
                r->part_errors = g;
                e->why = g[r->npart_errors++] = eccn_strdup(err.msg);
            }
        }
    }
    if (!e->part)
        *why = e->why ? e->why : "unknown part";
    return e->part;
}

static const char *resolve_country(run *r, const char *s, size_t n)
{
    bool added;
    const char **code = eccn_hmap_get(&r->countries, s, n, &added);
    if (code && added)
        *code = eccn_geo_resolve(r->rs->geo, eccn_hmap_key(&r->countries, code, NULL));
    return code ? *code : NULL;
}

/* Why a country text did not resolve: unknown, or a name of several countries ("Korea"), in
 * which case the geography's message lists them. Asked again only for lines in error. */
static void country_error(const run *r, const char *what, const char *s, size_t n, char *buf,
                          size_t cap)
{
    char text[64];
    const char *code = NULL;
    eccn_error err = {0};
    snprintf(text, sizeof text, "%.*s", (int)(n < sizeof text ? n : sizeof text - 1), s);
    if (eccn_geo_lookup(r->rs->geo, text, &code, &err) == ECCN_EINPUT)
        snprintf(buf, cap, "ambiguous %s country: %s", what, err.msg);
    else
        snprintf(buf, cap, "unknown %s country '%s'", what, text);
}

/* A new, zeroed slot for evaluation number ninfo + 1; NULL when out of memory. */
eval_info *push_info(run *r)
{
    eval_info *g = eccn_grow(r->info, &r->info_cap, r->ninfo + 1, sizeof *g, 256);
    if (!g)
        return NULL;
    r->info = g;
    eval_info *in = &r->info[r->ninfo++];
    memset(in, 0, sizeof *in);
    return in;
}

/* The place (see run.triples) of a resolved part, destination and headquarters: 0 when out of
 * memory or past UINT32_MAX places, and the lines of that combination then take the evals lookup
 * alone. */
static uint32_t place_of(run *r, const eccn_part *part, const char *dest, const char *hq)
{
    const void *key[3] = {part, dest, hq};
    bool added;
    long long *place = eccn_hmap_get(&r->triples, key, sizeof key, &added);
    if (!place)
        return 0;
    if (added) {
        size_t n = r->triples.n, need = n * r->nepochs;
        uint32_t *g = n < UINT32_MAX
                          ? eccn_grow(r->eval_at, &r->eval_at_cap, need, sizeof *g, 64 * r->nepochs)
                          : NULL;
        if (!g)
            return 0; /* *place stays 0 */
        memset(g + need - r->nepochs, 0, r->nepochs * sizeof *g);
        r->eval_at = g;
        *place = (long long)n;
    }
    return (uint32_t)*place;
}

/* The combination's key: each text with its length before it, so no text can run into another. */
static size_t sig_key(char *key, size_t cap, const char *const t[4], const size_t n[4])
{
    size_t len = 0;
    for (int i = 0; i < 4; i++) {
        uint32_t n32 = (uint32_t)n[i];
        if (n[i] > cap || len + sizeof n32 + n[i] > cap)
            return 0;
        memcpy(key + len, &n32, sizeof n32);
        if (n[i])
            memcpy(key + len + sizeof n32, t[i], n[i]);
        len += sizeof n32 + n[i];
    }
    return len;
}

/* Resolves the part (by number, else description) and the places of a line with no error yet. */
static int resolve_texts(run *r, line_in *in, const char *totext, size_t tn, const char *hqtext,
                         size_t hn, const char **why)
{
    char *whybuf = in->whybuf;
    const size_t wsz = sizeof in->whybuf;
    text_val *pe = NULL, *de = NULL;
    int rc;
    if ((in->pn && (rc = text_entry(r, in->ptext, in->pn, &pe)) != ECCN_OK) ||
        (in->dn && (rc = text_entry(r, in->dtext, in->dn, &de)) != ECCN_OK))
        return rc;
    in->ptext_id = pe ? pe->id : 0;
    in->dtext_id = de ? de->id : 0;
    if (*why)
        return ECCN_OK;
    const char *pwhy = NULL, *dwhy = NULL;
    if (pe)
        in->part = resolve_part(r, pe, &pwhy);
    if (!in->part && de)
        in->part = resolve_part(r, de, &dwhy);
    if (!pwhy)
        pwhy = dwhy;
    if (!in->part) {
        snprintf(whybuf, wsz, "%s", in->pn || in->dn ? pwhy : "no part number or description");
        *why = whybuf;
        /* A text that fits several entries may still answer this line (agree_on_part): its
         * places are read too. */
        in->ambiguous = pe && pe->ambiguous ? pe : de && de->ambiguous ? de : NULL;
        if (!in->ambiguous)
            return ECCN_OK;
    }
    if (tn)
        in->dest = resolve_country(r, totext, tn);
    else if (r->default_to)
        in->dest = r->default_to;
    if (!in->dest) {
        if (!*why && tn)
            country_error(r, "destination", totext, tn, whybuf, wsz);
        else if (!*why)
            snprintf(whybuf, wsz, "no destination (and no --to)");
        *why = whybuf;
        in->ambiguous = NULL;
        return ECCN_OK;
    }
    if (hn && !(in->hq = resolve_country(r, hqtext, hn))) {
        if (!*why)
            country_error(r, "headquarters", hqtext, hn, whybuf, wsz);
        *why = whybuf;
        in->ambiguous = NULL;
    }
    return ECCN_OK;
}

/* The ship date in the file's format (decided once, see audit.c); a line that already has an
 * error keeps its date, read when it can be, so that its --out row still shows it. */
static void read_date(const run *r, line_in *in, const char *s, size_t n, const char **why)
{
    if (!n) {
        if (r->default_date != ECCN_DATE_NONE)
            in->date = r->default_date;
        else if (!*why) {
            *why = "no ship date (and no --date)";
        }
        /* ISO first, as the ledger's own parser reads it: the common case costs no more. */
    } else if (!(n == 10 && s[4] == '-' && eccn_date_parse_ymd(s, n, &in->date, &in->ymd)) &&
               !eccn_erp_date(s, n, r->datefmt, &in->date)) {
        in->date = ECCN_DATE_NONE;
        if (*why)
            return;
        snprintf(in->whybuf, sizeof in->whybuf, "bad ship date '%.*s' (expected %s%s)",
                 (int)(n > 40 ? 40 : n), s, eccn_datefmt_name(r->datefmt),
                 r->datefmt == ECCN_DATEFMT_ISO || r->datefmt == ECCN_DATEFMT_NONE
                     ? ", or --date-format dmy or mdy"
                     : "");
        *why = in->whybuf;
    }
    if (in->date != ECCN_DATE_NONE)
        in->ymd = eccn_date_ymd(in->date);
}

/* Without a quantity column a line's quantity is unknown (QTY_UNKNOWN, recorded as NULL): its
 * verdict does not depend on it, and counting it as 1 would invent units. A line already in
 * error keeps the quantity it was given, when it reads. */
static void read_quantity(run *r, line_in *in, const char *s, size_t n, const char **why)
{
    const char *what;
    if (r->col[ECCN_F_QUANTITY] < 0)
        return;
    if (eccn_erp_quantity(s ? s : "", n, &in->qty, &what))
        return;
    in->qty = QTY_UNKNOWN;
    if (*why) /* the line's first error is its reason */
        return;
    snprintf(in->whybuf, sizeof in->whybuf, "bad quantity '%.*s' (%s)", (int)(n > 40 ? 40 : n),
             s ? s : "", what);
    *why = in->whybuf;
}

static int agree_on_part(run *r, line_in *in, const char **why);

int read_line(run *r, const eccn_csv_record *rec, line_in *in)
{
    size_t qn, tn, datn, hn;
    const char *qtext = field(r, rec, ECCN_F_QUANTITY, &qn);
    const char *totext = field(r, rec, ECCN_F_DESTINATION, &tn);
    const char *datetext = field(r, rec, ECCN_F_DATE, &datn);
    const char *hqtext = field(r, rec, ECCN_F_HQ, &hn);
    char *whybuf = in->whybuf;
    const size_t wsz = sizeof in->whybuf;
    const char *why = NULL;
    int rc;
    memset(in, 0, offsetof(line_in, whybuf));
    in->ptext = field(r, rec, ECCN_F_PART, &in->pn);
    in->dtext = field(r, rec, ECCN_F_DESCRIPTION, &in->dn);
    in->idtext = field(r, rec, ECCN_F_LINE_ID, &in->idn);
    in->party_text[0] = field(r, rec, ECCN_F_CONSIGNEE, &in->party_n[0]);
    in->party_text[1] = field(r, rec, ECCN_F_END_USER, &in->party_n[1]);
    in->date = ECCN_DATE_NONE;
    in->qty = QTY_UNKNOWN;
    if (rec->malformed)
        why = rec->malformed;
    else if (rec->nfields != r->ncols) {
        snprintf(whybuf, wsz, "expected %zu fields as in the header, found %zu", r->ncols,
                 rec->nfields);
        why = whybuf;
    }
    const char *texts[4] = {in->ptext, in->dtext, totext, hqtext};
    const size_t lens[4] = {in->pn, in->dn, tn, hn};
    char key[512];
    size_t klen = why ? 0 : sig_key(key, sizeof key, texts, lens);
    bool added;
    long long *sig = klen ? eccn_hmap_get(&r->sigs, key, klen, &added) : NULL;
    if (klen && !sig)
        return ECCN_ENOMEM;
    if (sig && *sig > 0) {
        const line_sig *g = &r->sigv[*sig - 1];
        in->ptext_id = g->ptext_id;
        in->dtext_id = g->dtext_id;
        in->part = g->part;
        in->dest = g->dest;
        in->hq = g->hq;
        in->place = g->place;
    } else {
        if ((rc = resolve_texts(r, in, totext, tn, hqtext, hn, &why)) != ECCN_OK)
            return rc;
        /* Only a good combination is kept; a bad one's entry keeps value 0 and is asked again. */
        if (sig && !why) {
            line_sig *g = eccn_grow(r->sigv, &r->sigs_cap, r->nsigs + 1, sizeof *g, 64);
            if (!g)
                return ECCN_ENOMEM;
            r->sigv = g;
            in->place = place_of(r, in->part, in->dest, in->hq);
            g[r->nsigs++] =
                (line_sig){in->ptext_id, in->dtext_id, in->part, in->dest, in->hq, in->place};
            *sig = (long long)r->nsigs;
        }
    }
    read_date(r, in, datetext, datn, &why);
    if (in->ambiguous && in->date != ECCN_DATE_NONE && why == in->whybuf &&
        (rc = agree_on_part(r, in, &why)) != ECCN_OK)
        return rc;
    read_quantity(r, in, qtext, qn, &why);
    in->why = why;
    /* A line in error has no evaluation to name its destination: it keeps the text it was given,
     * so that its --out row and the ledger still show where it was going. */
    if (why && tn) {
        text_val *te = NULL;
        if ((rc = text_entry(r, totext, tn, &te)) != ECCN_OK)
            return rc;
        in->ttext = totext;
        in->tn = tn;
        in->ttext_id = te->id;
    }
    return ECCN_OK;
}

/* What the candidates of an ambiguous text answer for one destination, headquarters and epoch. */
typedef struct agreement {
    bool asked;
    const eccn_part *part; /* the first candidate when they all answer alike, else NULL */
    const char *why;       /* else: how they differ (in run.part_errors) */
} agreement;

/* A line whose part text fits several catalogue entries: when they all give this line the same
 * ECCN and verdict (eccn_resolve_query, as check does), it is judged as the first of them, and
 * the run's summary says which were considered; when they differ, the reason says how. */
static int agree_on_part(run *r, line_in *in, const char **why)
{
    const int epoch = eccn_ruleset_epoch(r->rs, in->date);
    const void *key[4] = {in->ambiguous, in->dest, in->hq, (const void *)(intptr_t)epoch};
    bool added;
    agreement *a = eccn_hmap_get(&r->agreed, key, sizeof key, &added);
    if (!a)
        return ECCN_ENOMEM;
    if (!a->asked) {
        eccn_query q = {
            .date = in->date, .destination = in->dest, .headquarters = in->hq, .quantity = 1};
        char considered[512];
        eccn_error err = {0};
        const char *text = eccn_hmap_key(&r->texts, in->ambiguous, NULL);
        a->asked = true;
        if (eccn_resolve_query(r->rs, text, &q, considered, sizeof considered, &err) == ECCN_OK) {
            a->part = q.part;
            eccn_audit_summary *s = r->s;
            if (!in->ambiguous->agreed_noted && s && s->nwarnings < 4)
                snprintf(s->warnings[s->nwarnings++], sizeof s->warnings[0],
                         "'%.40s' fits %.100s: lines where they answer alike are judged as %s",
                         text, considered, q.part->id);
            in->ambiguous->agreed_noted = true;
        } else {
            char **g = realloc(r->part_errors, (r->npart_errors + 1) * sizeof *g);
            if (!g)
                return ECCN_ENOMEM;
            r->part_errors = g;
            a->why = g[r->npart_errors++] = eccn_strdup(err.msg);
        }
    }
    if (a->part) {
        in->part = a->part;
        in->place = place_of(r, in->part, in->dest, in->hq);
        *why = NULL;
    } else if (a->why)
        *why = a->why;
    return ECCN_OK;
}

/* --date and --to, for files without those columns. */
int take_defaults(run *r, eccn_error *err)
{
    const eccn_audit_opts *o = r->o;
    r->default_date = ECCN_DATE_NONE;
    if (o->default_date &&
        !eccn_date_parse(o->default_date, strlen(o->default_date), &r->default_date))
        return eccn_fail(err, ECCN_EINPUT, "--date", 0, 0, "bad date '%s' (expected YYYY-MM-DD)",
                         o->default_date);
    if (o->default_to && !(r->default_to = eccn_geo_resolve(r->rs->geo, o->default_to)))
        return eccn_fail(err, ECCN_EINPUT, "--to", 0, 0, "unknown country '%s'", o->default_to);
    return ECCN_OK;
}

/* How the file writes its dates, before its first line is judged: 03/04/2024 is a different day
 * read either way, so one reading is chosen for the whole file from all its dates (erp.h), and a
 * file where every date could be read both ways is refused with a request for --date-format
 * rather than guessed at. A file whose first date is ISO text is read as ISO without reading
 * on: the common case costs no second pass. (A workbook's first date is usually a serial number,
 * with text dates typed by hand among them: its dates are all read.) Standard input or a pipe
 * cannot be read twice: it is read as ISO unless --date-format says otherwise. */
int decide_dates(run *r, eccn_error *err)
{
    const eccn_audit_opts *o = r->o;
    eccn_csv *csv = NULL;
    eccn_csv_record rec;
    eccn_datefmt_votes v = {0};
    eccn_error ignored = {0};
    int rc = ECCN_OK, got;
    r->datefmt = o->date_format != ECCN_DATEFMT_NONE ? o->date_format : ECCN_DATEFMT_ISO;
    if (o->date_format != ECCN_DATEFMT_NONE || strcmp(o->path, "-") == 0)
        return ECCN_OK;
    if ((rc = eccn_csv_open_sheet(o->path, o->delimiter, o->sheet, &csv, err)) != ECCN_OK ||
        eccn_csv_size(csv) < 0) /* a pipe, read once: as standard input is */
        goto done;
    /* A header without a date column is the audit's to report, as it reads it again. */
    if ((got = eccn_csv_next(csv, &rec, err)) <= 0 || map_columns(r, &rec, &ignored) != ECCN_OK ||
        r->col[ECCN_F_DATE] < 0) {
        rc = got < 0 ? got : ECCN_OK;
        goto done;
    }
    const size_t c = (size_t)r->col[ECCN_F_DATE];
    while ((got = eccn_csv_next(csv, &rec, err)) > 0) {
        if (c < rec.nfields)
            eccn_datefmt_observe(&v, rec.fields[c], rec.lens[c]);
        if (v.dates == 1 && v.iso == 1)
            break;
    }
    if (got < 0)
        rc = got;
    else if (eccn_datefmt_decide(&v, &r->datefmt, err) != ECCN_OK) {
        memcpy(ignored.msg, err->msg, sizeof ignored.msg);
        rc = eccn_fail(err, ECCN_EINPUT, o->path, 0, 0, "%s", ignored.msg);
    }
done:
    eccn_csv_close(csv);
    return rc;
}

void run_init(run *r, eccn_ruleset *rs, const eccn_audit_opts *o)
{
    memset(r, 0, sizeof *r);
    r->rs = rs;
    r->o = o;
    r->nepochs = rs->nchanges + 1;
    r->out_committed = -1;
    eccn_hmap_init(&r->countries, sizeof(const char *));
    eccn_hmap_init(&r->texts, sizeof(text_val));
    eccn_hmap_init(&r->agreed, sizeof(agreement));
    eccn_hmap_init(&r->evals, sizeof(long long));
    eccn_hmap_init(&r->sigs, sizeof(long long));
    eccn_hmap_init(&r->triples, sizeof(long long));
    eccn_hmap_init(&r->strings, 1);
    eccn_hmap_init(&r->party_raw, sizeof(long long));
    eccn_hmap_init(&r->party_norm, sizeof(long long));
    eccn_hmap_init(&r->party_any, sizeof(long long));
    eccn_hmap_init(&r->pevals, sizeof(long long));
}

void run_free(run *r)
{
    eccn_hmap *maps[] = {&r->countries, &r->texts,   &r->agreed, &r->evals,
                         &r->sigs,      &r->triples, &r->strings};
    for (size_t i = 0; i < sizeof maps / sizeof *maps; i++)
        eccn_hmap_free(maps[i]);
    free(r->sigv);
    free(r->eval_at);
    free_aliases(r);
    parties_free(r);
    for (size_t i = 0; i < r->npart_errors; i++)
        free(r->part_errors[i]);
    free(r->part_errors);
    for (size_t i = 0; i < r->ninfo; i++)
        free(r->info[i].reason);
    free(r->info);
}

int eccn_audit_scan(eccn_ruleset *rs, const eccn_audit_opts *o,
                    int (*fn)(const eccn_audit_item *it, void *ctx), void *ctx, eccn_error *err)
{
    run r;
    eccn_csv *csv = NULL;
    eccn_csv_record rec;
    int rc, got;
    run_init(&r, rs, o);
    if ((rc = take_defaults(&r, err)) != ECCN_OK || (rc = decide_dates(&r, err)) != ECCN_OK ||
        (rc = eccn_csv_open_sheet(o->path, o->delimiter, o->sheet, &csv, err)) != ECCN_OK)
        goto done;
    if ((got = eccn_csv_next(csv, &rec, err)) <= 0) {
        rc = got < 0
                 ? got
                 : eccn_fail(err, ECCN_EINPUT, o->path, 1, 1, "empty file: expected a header line");
        goto done;
    }
    if ((rc = map_columns(&r, &rec, err)) != ECCN_OK)
        goto done;
    while (rc == ECCN_OK && (got = eccn_csv_next(csv, &rec, err)) > 0) {
        line_in li;
        if ((rc = read_line(&r, &rec, &li)) != ECCN_OK)
            break;
        char id[256];
        snprintf(id, sizeof id, "%.*s", (int)(li.idn < 255 ? li.idn : 255),
                 li.idtext ? li.idtext : "");
        eccn_audit_item it = {.line = rec.line,
                              .line_id = li.idn ? id : NULL,
                              .part = li.why ? NULL : li.part,
                              .destination = li.dest,
                              .headquarters = li.hq,
                              .quantity = li.qty,
                              .why = li.why};
        rc = fn(&it, ctx);
    }
    if (rc == ECCN_OK && got < 0)
        rc = got;
done:
    eccn_csv_close(csv);
    run_free(&r);
    return rc;
}

typedef struct items_ctx {
    const eccn_ruleset *rs;
    int (*fn)(const eccn_audit_item *it, void *ctx);
    void *ctx;
} items_ctx;

static int each_item(const eccn_audit_item_row *row, void *vctx)
{
    const items_ctx *c = vctx;
    eccn_audit_item it = {
        .line = row->line,
        .line_id = row->line_id,
        .part = eccn_resolve_id(c->rs, row->part_id ? row->part_id : ""),
        .destination = row->destination ? eccn_geo_resolve(c->rs->geo, row->destination) : NULL,
        .headquarters = row->hq_given ? eccn_geo_resolve(c->rs->geo, row->hq_given) : NULL,
        .quantity = row->quantity};
    if (!it.part || !it.destination)
        it.why = "the recorded part or destination is not in today's catalogue or countries";
    return c->fn(&it, c->ctx);
}

int eccn_audit_run_items(eccn_ruleset *rs, eccn_ledger *l, long long run_id,
                         int (*fn)(const eccn_audit_item *it, void *ctx), void *ctx,
                         eccn_error *err)
{
    items_ctx c = {rs, fn, ctx};
    return eccn_audit_store_each_item(l, run_id, each_item, &c, err);
}
