/* parties.c: denied-party screening in an audit. The consignee and end-user columns are screened
 * against the lists (src/screen), each distinct name and destination once per run: a name as
 * written is looked up first (the cost of a line that repeats one), then as normalised (so that
 * "Acme Co., Ltd." and "ACME CO LTD" are one party), and only a new one is queried. A name is
 * first screened without a country: a country only lowers a match's score (country_factor), so
 * a name that matches nothing then is clear in every country, and the few that match something
 * are screened again with each destination they ship to. Each party
 * screened becomes an audit_parties row, chained with the run; the recorded reviews
 * (clearances.h) are applied as in `check`. */
#include "audit_internal.h"

#include <stdlib.h>
#include <string.h>

int parties_open(run *r, eccn_error *err)
{
    eccn_audit_summary *s = r->s;
    int rc;
    if (r->col[ECCN_F_CONSIGNEE] < 0 && r->col[ECCN_F_END_USER] < 0)
        return ECCN_OK;
    if ((rc = eccn_screen_lists_load(r->rs->data_dir ? r->rs->data_dir : ".", &r->lists, err)) !=
            ECCN_OK ||
        (rc = eccn_clearances_load(r->l, &r->clearances, err)) != ECCN_OK)
        return rc;
    if (s) {
        const eccn_screen_info *in = eccn_screen_lists_info(r->lists);
        s->screened = true;
        snprintf(s->lists_revision, sizeof s->lists_revision, "%s", in->revision);
        snprintf(s->lists_date, sizeof s->lists_date, "%s", in->date);
    }
    return ECCN_OK;
}

void parties_free(run *r)
{
    for (size_t i = 0; i < r->nparty; i++)
        eccn_party_finding_free(&r->partyv[i].f);
    free(r->partyv);
    eccn_hmap_free(&r->party_raw);
    eccn_hmap_free(&r->party_norm);
    eccn_hmap_free(&r->party_any);
    eccn_hmap_free(&r->pevals);
    eccn_clearances_free(&r->clearances);
    eccn_screen_lists_free(r->lists);
}

void party_cells(const party_info *p, const char *cells[5])
{
    const eccn_screen_match *m = p ? p->f.match : NULL;
    cells[0] = p ? eccn_screen_verdict_name(p->f.result.verdict) : "";
    cells[1] = m ? m->entry->list : "";
    cells[2] = m ? m->entry->name : "";
    cells[3] = m ? m->entry->entity_number : "";
    cells[4] = p ? p->note : "";
}

/* The audit_parties row of a party just screened, into the batch. */
static int record_party(run *r, const party_info *p, const char *name, const char *country)
{
    const char *cells[5];
    eccn_buf json = {0};
    jsonw w;
    int rc;
    jsonw_init(&w, &json);
    eccn_party_finding_json(&p->f, &w);
    if ((rc = w.status) != ECCN_OK || !json.data) {
        eccn_buf_free(&json);
        return ECCN_ENOMEM;
    }
    party_cells(p, cells);
    eccn_audit_party_row row = {.id = p->id,
                                .name = name,
                                .country = country,
                                .result = cells[0],
                                .effect = eccn_party_effect_name(p->f.effect),
                                .list = cells[1][0] ? cells[1] : NULL,
                                .entry_name = cells[2][0] ? cells[2] : NULL,
                                .entity_number = cells[3][0] ? cells[3] : NULL,
                                .note = p->note[0] ? p->note : NULL,
                                .screening = json.data};
    rc = eccn_audit_rows_party(r->out, &row);
    eccn_buf_free(&json);
    return rc;
}

/* What screening a name without a country told (run.party_any). */
enum { ANY_NEW, ANY_CLEAR, ANY_MATCHES, ANY_NOTHING };

/* A clear finding for name in country, without a query: the name matched nothing anywhere. */
static void clear_finding(const run *r, const char *name, const char *country,
                          eccn_party_finding *f)
{
    eccn_screen_result *res = &f->result;
    f->citation = "";
    res->verdict = ECCN_SCREEN_CLEAR;
    snprintf(res->query, sizeof res->query, "%s", name);
    snprintf(res->country, sizeof res->country, "%s", country ? country : "");
    snprintf(res->revision, sizeof res->revision, "%s", eccn_screen_lists_info(r->lists)->revision);
}

/* Screens a name not seen before in this run (as normalised) for country; clear: it matched
 * nothing without a country, so it is clear here too. */
static int screen_new(run *r, const char *name, const char *country, bool clear, size_t *idx,
                      eccn_error *err)
{
    party_info *g = eccn_grow(r->partyv, &r->party_cap, r->nparty + 1, sizeof *g, 256);
    int rc;
    if (!g)
        return ECCN_ENOMEM;
    r->partyv = g;
    party_info *p = &g[r->nparty];
    memset(p, 0, sizeof *p);
    if (clear)
        clear_finding(r, name, country, &p->f);
    else if ((rc = eccn_party_screen(r->lists, NULL, name, country, &p->f, err)) != ECCN_OK ||
             (rc = eccn_party_apply_clearances(r->lists, &p->f, r->clearances.v,
                                               r->clearances.n)) != ECCN_OK) {
        eccn_party_finding_free(&p->f);
        return rc;
    }
    eccn_party_cleared_text(&p->f, p->note, sizeof p->note);
    p->id = ++r->next_party;
    r->nparty++;
    *idx = r->nparty;
    if (r->s) {
        eccn_audit_summary *s = r->s;
        s->parties++;
        s->party_hits += p->f.result.verdict == ECCN_SCREEN_HIT;
        s->party_reviews += p->f.result.verdict == ECCN_SCREEN_REVIEW;
        s->party_cleared += p->note[0] != '\0';
    }
    return r->out ? record_party(r, p, name, country) : ECCN_OK;
}

/* A map key: the text, a NUL, then the country code's pointer (interned by the geo table). */
static size_t party_key(char *key, size_t cap, const char *s, size_t n, const char *country)
{
    if (n + 1 + sizeof country > cap)
        return 0;
    memcpy(key, s, n);
    key[n] = '\0';
    memcpy(key + n + 1, &country, sizeof country);
    return n + 1 + sizeof country;
}

typedef struct reload_ctx {
    run *r;
    eccn_error *err;
} reload_ctx;

/* A party recorded before the run was taken up: known again under its number, so that the lines
 * still to come that name it refer to its row. A clear one is clear again without a query; one
 * that matched is screened again (the lists are the ones it was screened against: resume
 * refuses others), for the entry --out names and the evaluation it makes. */
static int reload_party(const eccn_audit_party_row *row, void *vctx)
{
    reload_ctx *c = vctx;
    run *r = c->r;
    const char *dest = row->country ? eccn_geo_resolve(r->rs->geo, row->country) : NULL;
    char key[600];
    size_t klen;
    eccn_buf norm = {0};
    bool added;
    int rc = ECCN_OK;
    if (row->id > r->next_party)
        r->next_party = row->id;
    if (!dest || eccn_screen_normalise(row->name, &norm) != ECCN_OK || !norm.data ||
        !(klen = party_key(key, sizeof key, norm.data, norm.len, dest))) {
        eccn_buf_free(&norm);
        return ECCN_OK; /* not found again: a line naming it is screened anew */
    }
    party_info *g = eccn_grow(r->partyv, &r->party_cap, r->nparty + 1, sizeof *g, 256);
    long long *np = g ? eccn_hmap_get(&r->party_norm, key, klen, &added) : NULL;
    eccn_buf_free(&norm);
    if (!np)
        return ECCN_ENOMEM;
    r->partyv = g;
    party_info *p = &g[r->nparty];
    memset(p, 0, sizeof *p);
    if (strcmp(row->result, "clear") == 0 && !row->note)
        clear_finding(r, row->name, dest, &p->f);
    else if ((rc = eccn_party_screen(r->lists, NULL, row->name, dest, &p->f, c->err)) != ECCN_OK ||
             (rc = eccn_party_apply_clearances(r->lists, &p->f, r->clearances.v,
                                               r->clearances.n)) != ECCN_OK) {
        eccn_party_finding_free(&p->f);
        return rc;
    }
    eccn_party_cleared_text(&p->f, p->note, sizeof p->note);
    p->id = row->id;
    *np = (long long)++r->nparty;
    return ECCN_OK;
}

int parties_reload(run *r, eccn_error *err)
{
    reload_ctx c = {r, err};
    return r->lists ? eccn_audit_store_each_party(r->l, r->run_id, reload_party, &c, err) : ECCN_OK;
}

static void remember(struct last_party *last, const char *s, size_t n, const char *dest, size_t idx)
{
    last->n = n < sizeof last->text ? n : 0; /* 0: a longer name is looked up each time */
    memcpy(last->text, s, last->n);
    last->dest = dest;
    last->idx = idx;
}

/* The first sight of a name (as normalised): screened without a country, into *any. */
static int screen_anywhere(run *r, const char *name, long long *any, eccn_error *err)
{
    eccn_screen_result res;
    int rc = eccn_screen_query(r->lists, name, NULL, &res, err);
    if (rc == ECCN_EINPUT) { /* nothing to match on ("-", "n/a"): not screened */
        *any = ANY_NOTHING;
        return ECCN_OK;
    }
    if (rc == ECCN_OK) {
        *any = res.nmatches ? ANY_MATCHES : ANY_CLEAR;
        eccn_screen_result_free(&res);
    }
    return rc;
}

int party_of(run *r, const line_in *li, int role, size_t *idx, eccn_error *err)
{
    const char *s = li->party_text[role];
    size_t n = li->party_n[role], klen;
    char key[600], name[512];
    bool added;
    eccn_buf norm = {0};
    int rc = ECCN_OK;
    *idx = 0;
    if (!r->lists || !n || !li->dest || !(klen = party_key(key, sizeof key, s, n, li->dest)))
        return ECCN_OK; /* no name, or one too long to be a party's: not screened */
    struct last_party *last = &r->last_party[role];
    if (last->n == n && last->dest == li->dest && memcmp(last->text, s, n) == 0) {
        *idx = last->idx;
        return ECCN_OK;
    }
    long long *raw = eccn_hmap_get(&r->party_raw, key, klen, &added);
    if (!raw)
        return ECCN_ENOMEM;
    if (!added) {
        *idx = (size_t)*raw;
        remember(last, s, n, li->dest, *idx);
        return ECCN_OK;
    }
    snprintf(name, sizeof name, "%.*s", (int)n, s);
    if ((rc = eccn_screen_normalise(name, &norm)) != ECCN_OK)
        return rc;
    long long *any = NULL;
    if (norm.data && norm.len && !(any = eccn_hmap_get(&r->party_any, norm.data, norm.len, &added)))
        rc = ECCN_ENOMEM;
    else if (any && *any == ANY_NEW)
        rc = screen_anywhere(r, name, any, err);
    if (rc == ECCN_OK && any && *any != ANY_NOTHING &&
        (klen = party_key(key, sizeof key, norm.data, norm.len, li->dest))) {
        long long *np = eccn_hmap_get(&r->party_norm, key, klen, &added);
        if (!np)
            rc = ECCN_ENOMEM;
        else if (!added)
            *idx = (size_t)*np;
        else if ((rc = screen_new(r, name, li->dest, *any == ANY_CLEAR, idx, err)) == ECCN_OK)
            *np = (long long)*idx;
    }
    /* A name with nothing to match on ("-", "n/a") stays unscreened: index 0. */
    if (rc == ECCN_EINPUT) {
        rc = ECCN_OK;
        *idx = 0;
    }
    *raw = (long long)*idx;
    if (rc == ECCN_OK)
        remember(last, s, n, li->dest, *idx);
    eccn_buf_free(&norm);
    return rc;
}
