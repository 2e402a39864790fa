/* match.c: screening a name against the index (see screen.h and docs/screening.md). */
#include "screen_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define QMAX 32
#define QFUZZ 8
/* Scores are sums of products of weights: a typo's 0.5 x 0.9 + 0.5 x 0.9 must reach a threshold of
 * 0.90 however the rounding falls. */
#define SCORE_EPS 1e-9

typedef struct qtok {
    char s[48];
    size_t len;
    int64_t id; /* vocabulary id, -1 for a word no name holds */
    float w;
    uint8_t flags;
    uint32_t fuzz[QFUZZ]; /* vocabulary tokens a typo away (for unknown words) */
    int fdist[QFUZZ];
    size_t nfuzz;
} qtok;

typedef struct query {
    qtok t[QMAX];
    size_t n;
    double wsum;
    const char *country;
} query;

typedef struct cand {
    uint32_t name;
    double score;
} cand;

static bool known(const eccn_screen_lists *l, const char *s, size_t n)
{
    return scr_token_find(l, s, n) >= 0;
}

/* True when some listed name holds both tokens. */
static bool cooccur(const eccn_screen_lists *l, uint32_t a, uint32_t b)
{
    const scr_token *ta = &l->toks[a], *tb = &l->toks[b];
    if (tb->post_n < ta->post_n) {
        const scr_token *t = ta;
        ta = tb, tb = t, b = a;
    }
    for (uint32_t p = 0; p < ta->post_n; p++) {
        const scr_name *nm = &l->names[l->postings[ta->post_off + p]];
        for (uint32_t k = 0; k < nm->ntok; k++)
            if (l->name_toks[nm->tok_off + k] == b)
                return true;
    }
    return false;
}

static bool is_legal(const eccn_screen_lists *l, int64_t id)
{
    return id >= 0 && (l->toks[id].flags & (TOK_LEGAL | TOK_STOP));
}

/* Splits an unknown word into two known words that stand together in some listed name
 * ("huaweitechnologies"), or into a word of four letters or more and a legal form or stop word
 * ("eunomialtd", "jscagat"), the longest first part first; writes them into out. Requiring a
 * listed name to hold both keeps a foreign word from falling apart into syllables that happen to
 * be words ("fujitsu" is not "fu jit su"). */
static bool split_word(const eccn_screen_lists *l, const char *s, size_t n, eccn_buf *out)
{
    for (size_t p = n >= 2 ? n - 2 : 0; p >= 2; p--) {
        int64_t a = scr_token_find(l, s, p), b = scr_token_find(l, s + p, n - p);
        bool legal =
            (is_legal(l, a) && b >= 0 && n - p >= 4) || (is_legal(l, b) && a >= 0 && p >= 4);
        if (a >= 0 && b >= 0 && (legal || cooccur(l, (uint32_t)a, (uint32_t)b)))
            return eccn_buf_append(out, s, p) == ECCN_OK && eccn_buf_append(out, " ", 1) == 0 &&
                   eccn_buf_append(out, s + p, n - p) == ECCN_OK;
    }
    return false;
}

/* Missing and extra spaces: two words that are unknown alone but known together are joined
 * ("rosoboron export"); an unknown word that is known words run together is split
 * ("huaweitechnologies"). Known words, and typos of known words, are left alone. */
static int respace(eccn_screen_lists *l, const char *norm, eccn_buf *out)
{
    const char *w[QMAX * 2];
    size_t len[QMAX * 2], n = 0;
    char join[256];
    eccn_buf_reset(out);
    if (eccn_buf_reserve(out, strlen(norm) + 1) != ECCN_OK)
        return ECCN_ENOMEM;
    out->data[0] = '\0'; /* a new buffer's first byte, when nothing is appended */
    for (const char *p = norm; *p && n < QMAX * 2;) {
        const char *sp = strchr(p, ' ');
        len[n] = sp ? (size_t)(sp - p) : strlen(p);
        w[n++] = p;
        p += len[n - 1] + (sp != NULL);
    }
    for (size_t i = 0; i < n; i++) {
        if (out->len && eccn_buf_append(out, " ", 1) != ECCN_OK)
            return ECCN_ENOMEM;
        if (i + 1 < n && len[i] + len[i + 1] < sizeof join &&
            (!known(l, w[i], len[i]) || !known(l, w[i + 1], len[i + 1]))) {
            memcpy(join, w[i], len[i]);
            memcpy(join + len[i], w[i + 1], len[i + 1]);
            if (known(l, join, len[i] + len[i + 1])) {
                if (eccn_buf_append(out, join, len[i] + len[i + 1]) != ECCN_OK)
                    return ECCN_ENOMEM;
                i++;
                continue;
            }
        }
        size_t mark = out->len, nfuzz = 0;
        uint32_t fuzz[1];
        int dist[1];
        /* A typo of a known word is taken as that, not split: "hikvison" is not "hik vison". */
        if (!known(l, w[i], len[i]) &&
            scr_fuzzy_find(l, w[i], len[i], fuzz, dist, 1, &nfuzz) != ECCN_OK)
            return ECCN_ENOMEM;
        if (nfuzz || known(l, w[i], len[i]) || !split_word(l, w[i], len[i], out)) {
            out->len = mark;
            if (out->data)
                out->data[mark] = '\0';
            if (eccn_buf_append(out, w[i], len[i]) != ECCN_OK)
                return ECCN_ENOMEM;
        }
    }
    return ECCN_OK;
}

static int cmp_qtok(const void *a, const void *b)
{
    const qtok *x = a, *y = b;
    return x->w < y->w ? 1 : x->w > y->w ? -1 : 0;
}

/* The query's tokens with their weights, legal forms and stop words left out (unless nothing
 * else is there), heaviest first. */
static int make_query(eccn_screen_lists *l, const char *text, query *q)
{
    const double rarest = log(1.0 + (double)l->nnames);
    size_t kept = 0;
    q->n = 0;
    for (const char *p = text; *p && q->n < QMAX;) {
        const char *sp = strchr(p, ' ');
        size_t len = sp ? (size_t)(sp - p) : strlen(p);
        qtok *t = &q->t[q->n];
        bool dup = false;
        if (len < sizeof t->s) {
            memcpy(t->s, p, len);
            t->s[len] = '\0';
            t->len = len;
            t->id = scr_token_find(l, p, len);
            t->flags = t->id >= 0 ? l->toks[t->id].flags : 0;
            t->nfuzz = 0;
            /* The words a typo away, for known words too: "parisan" is a word of the lists,
             * and a typo of the Entity List's "ZTE Parsian". An unknown word a typo away from
             * a legal form ("comapny") is a legal form. */
            if (scr_fuzzy_find(l, t->s, t->len, t->fuzz, t->fdist, QFUZZ, &t->nfuzz) != ECCN_OK)
                return ECCN_ENOMEM;
            for (size_t k = 0; t->id < 0 && k < t->nfuzz; k++)
                t->flags |= l->toks[t->fuzz[k]].flags & (TOK_LEGAL | TOK_STOP);
            for (size_t k = 0; k < q->n; k++)
                dup |= q->t[k].len == len && memcmp(q->t[k].s, p, len) == 0;
            if (!dup) {
                kept += !(t->flags & (TOK_LEGAL | TOK_STOP));
                q->n++;
            }
        }
        p += len + (sp != NULL);
    }
    size_t out = 0;
    q->wsum = 0;
    for (size_t i = 0; i < q->n; i++) {
        qtok *t = &q->t[i];
        if (kept && (t->flags & (TOK_LEGAL | TOK_STOP)))
            continue;
        if (t->id >= 0)
            t->w = l->toks[t->id].w;
        else {
            t->w = (float)rarest;
            for (size_t k = 0; k < t->nfuzz; k++)
                t->w = k == 0 || l->toks[t->fuzz[k]].w > t->w ? l->toks[t->fuzz[k]].w : t->w;
        }
        q->wsum += t->w;
        q->t[out++] = *t;
    }
    q->n = out;
    eccn_sort(q->t, q->n, sizeof q->t[0], cmp_qtok);
    return ECCN_OK;
}

/* Similarity of query token t and listed token id: 1 equal, 1 - penalty per edit for a typo in a
 * long word, 0 otherwise. */
static double token_sim(const eccn_screen_lists *l, const qtok *t, uint32_t id)
{
    const scr_config *cfg = &l->cfg;
    if (t->id == (int64_t)id)
        return 1;
    for (size_t k = 0; k < t->nfuzz; k++)
        if (t->fuzz[k] == id)
            return 1 - cfg->typo_penalty * t->fdist[k];
    const scr_token *tk = &l->toks[id];
    int allowed = scr_allowed_edits(cfg, t->len < tk->len ? t->len : tk->len);
    if (!allowed || (size_t)abs((int)t->len - (int)tk->len) > (size_t)allowed)
        return 0;
    int d = scr_edit_distance(t->s, t->len, tk->s, tk->len, allowed + 1);
    return d <= allowed ? 1 - cfg->typo_penalty * d : 0;
}

/* Scores name ni against the query: each query token, heaviest first, takes the unused listed
 * token most like it. pairs (may be NULL) receives what matched. */
static double score_name(const eccn_screen_lists *l, const query *q, uint32_t ni,
                         eccn_screen_match *pairs)
{
    const scr_name *nm = &l->names[ni];
    const uint32_t *ids = &l->name_toks[nm->tok_off];
    bool used[64] = {false};
    double mq = 0, mn = 0;
    if (nm->wsum <= 0 || q->wsum <= 0)
        return 0;
    if (pairs)
        pairs->npairs = 0;
    for (size_t i = 0; i < q->n; i++) {
        const qtok *t = &q->t[i];
        double best = 0;
        int bj = -1;
        for (uint32_t j = 0; j < nm->ntok && j < 64 && best < 1; j++) {
            if (used[j])
                continue;
            double s = token_sim(l, t, ids[j]);
            if (s > best)
                best = s, bj = (int)j;
        }
        if (bj >= 0) {
            used[bj] = true;
            mq += best * t->w;
            mn += best * l->toks[ids[bj]].w;
        }
        if (pairs && pairs->npairs < ECCN_SCREEN_MAX_PAIRS) {
            eccn_screen_pair *p = &pairs->pairs[pairs->npairs++];
            snprintf(p->query, sizeof p->query, "%s", t->s);
            snprintf(p->listed, sizeof p->listed, "%s", bj >= 0 ? l->toks[ids[bj]].s : "");
            p->sim = best;
        }
    }
    double a = l->cfg.listed_weight, wn = fmax(nm->wsum, l->min_name_weight);
    double s = a * fmin(1, mn / wn) + (1 - a) * fmin(1, mq / q->wsum);
    return s > 1 ? 1 : s;
}

/* True when the entry lists countries and code is not among them. */
static bool country_differs(const eccn_screen_entry *e, const char *code)
{
    if (!code || !code[0] || !e->countries[0])
        return false;
    for (const char *p = e->countries; (p = strstr(p, code)); p++)
        if ((p == e->countries || p[-1] == ' ') && (p[2] == '\0' || p[2] == ';'))
            return false;
    return true;
}

static int cmp_cand(const void *a, const void *b)
{
    const cand *x = a, *y = b;
    if (x->score != y->score)
        return x->score < y->score ? 1 : -1;
    return x->name < y->name ? -1 : x->name > y->name;
}

/* Adds the query's weight to every name its tokens (and their typos) occur in: the names touched
 * are the candidates, and nothing else is looked at. */
static void gather(eccn_screen_lists *l, const query *q)
{
    l->ntouched = 0;
    for (size_t i = 0; i < q->n; i++) {
        const qtok *t = &q->t[i];
        for (size_t k = 0; k <= t->nfuzz; k++) {
            int64_t id = k < t->nfuzz ? (int64_t)t->fuzz[k] : t->id;
            if (id < 0)
                continue;
            const scr_token *tk = &l->toks[id];
            for (uint32_t p = 0; p < tk->post_n; p++) {
                uint32_t ni = l->postings[tk->post_off + p];
                if (l->acc[ni] == 0)
                    l->touched[l->ntouched++] = ni;
                l->acc[ni] += t->w;
            }
        }
    }
}

/* Scores the candidates whose best possible score reaches the review threshold; keeps those that
 * do, best first. */
static int score_candidates(eccn_screen_lists *l, const query *q, cand **out, size_t *nout,
                            size_t *scored)
{
    const scr_config *cfg = &l->cfg;
    size_t cap = 0, n = 0;
    cand *c = NULL;
    int rc = ECCN_OK;
    *scored = 0;
    for (size_t i = 0; i < l->ntouched; i++) {
        uint32_t ni = l->touched[i];
        double bound =
            cfg->listed_weight + (1 - cfg->listed_weight) * fmin(1, l->acc[ni] / q->wsum);
        l->acc[ni] = 0;
        if (rc != ECCN_OK || bound + SCORE_EPS < cfg->review)
            continue;
        (*scored)++;
        double s = score_name(l, q, ni, NULL);
        if (country_differs(&l->entries[l->names[ni].entry], q->country))
            s *= cfg->country_factor;
        if (s + SCORE_EPS < cfg->review)
            continue;
        cand *g = eccn_grow(c, &cap, n + 1, sizeof *c, 64);
        if (!g) {
            rc = ECCN_ENOMEM;
            continue;
        }
        c = g;
        c[n++] = (cand){ni, s};
    }
    eccn_sort(c, n, sizeof *c, cmp_cand);
    *out = c;
    *nout = n;
    return rc;
}

/* One match per entry, best first, at most max_matches. */
static int fill_matches(eccn_screen_lists *l, const query *q, const cand *c, size_t n,
                        eccn_screen_result *r)
{
    size_t max = (size_t)l->cfg.max_matches;
    if (n && !(r->matches = calloc(n < max ? n : max, sizeof *r->matches)))
        return ECCN_ENOMEM;
    for (size_t i = 0; i < n && r->nmatches < max; i++) {
        const scr_name *nm = &l->names[c[i].name];
        bool seen = false;
        for (size_t k = 0; k < r->nmatches; k++)
            seen |= r->matches[k].entry == &l->entries[nm->entry];
        if (seen)
            continue;
        eccn_screen_match *m = &r->matches[r->nmatches++];
        m->entry = &l->entries[nm->entry];
        m->matched_name = nm->alias < 0 ? m->entry->name : m->entry->alt_names[nm->alias];
        m->score = c[i].score;
        m->country_differs = country_differs(m->entry, q->country);
        score_name(l, q, c[i].name, m);
    }
    if (r->nmatches)
        r->verdict =
            r->matches[0].score + SCORE_EPS >= l->cfg.hit ? ECCN_SCREEN_HIT : ECCN_SCREEN_REVIEW;
    return ECCN_OK;
}

int eccn_screen_query(eccn_screen_lists *l, const char *name, const char *country,
                      eccn_screen_result *out, eccn_error *err)
{
    eccn_buf norm = {0}, spaced = {0};
    query *q = NULL;
    cand *c = NULL;
    size_t nc = 0;
    memset(out, 0, sizeof *out);
    snprintf(out->query, sizeof out->query, "%s", name);
    snprintf(out->revision, sizeof out->revision, "%s", l->info.revision);
    if (country && country[0]) {
        if (strlen(country) != 2 || country[0] < 'A' || country[0] > 'Z' || country[1] < 'A' ||
            country[1] > 'Z')
            return eccn_fail(err, ECCN_EINPUT, NULL, 0, 0,
                             "country '%s': expected an ISO 3166-1 alpha-2 code such as CN",
                             country);
        memcpy(out->country, country, 3);
    }
    if (!l->names)
        return eccn_fail(err, ECCN_EINPUT, NULL, 0, 0, "the lists were parsed but not indexed");
    int rc = ECCN_ENOMEM;
    if (!(q = calloc(1, sizeof *q)) || eccn_screen_normalise(name, &norm) != ECCN_OK ||
        respace(l, norm.data, &spaced) != ECCN_OK || make_query(l, spaced.data, q) != ECCN_OK)
        goto done;
    q->country = out->country;
    if (q->n == 0) {
        rc = eccn_fail(err, ECCN_EINPUT, NULL, 0, 0, "name '%s' has no letters or digits to screen",
                       name);
        goto done;
    }
    gather(l, q);
    if ((rc = score_candidates(l, q, &c, &nc, &out->candidates)) == ECCN_OK)
        rc = fill_matches(l, q, c, nc, out);
done:
    if (rc == ECCN_ENOMEM)
        eccn_fail(err, ECCN_ENOMEM, NULL, 0, 0, "out of memory screening '%s'", name);
    if (rc != ECCN_OK)
        eccn_screen_result_free(out);
    free(c);
    free(q);
    eccn_buf_free(&norm);
    eccn_buf_free(&spaced);
    return rc;
}

void eccn_screen_result_free(eccn_screen_result *r)
{
    free(r->matches);
    r->matches = NULL;
    r->nmatches = 0;
}

const char *eccn_screen_verdict_name(eccn_screen_verdict v)
{
    return v == ECCN_SCREEN_HIT ? "hit" : v == ECCN_SCREEN_REVIEW ? "review" : "clear";
}

void eccn_screen_result_json(const eccn_screen_result *r, jsonw *w)
{
    jsonw_obj_begin(w);
    jsonw_kv_str(w, "query", r->query);
    jsonw_kv_str(w, "country", r->country[0] ? r->country : NULL);
    jsonw_kv_str(w, "lists_revision", r->revision);
    jsonw_kv_str(w, "result", eccn_screen_verdict_name(r->verdict));
    jsonw_key(w, "matches");
    jsonw_arr_begin(w);
    for (size_t i = 0; i < r->nmatches; i++) {
        const eccn_screen_match *m = &r->matches[i];
        const eccn_screen_entry *e = m->entry;
        jsonw_obj_begin(w);
        jsonw_kv_str(w, "name", e->name);
        jsonw_kv_str(w, "matched_name", m->matched_name);
        jsonw_kv_str(w, "list", e->list);
        jsonw_kv_str(w, "entity_number", e->entity_number[0] ? e->entity_number : NULL);
        jsonw_kv_num(w, "score", true, round(m->score * 10000) / 10000);
        jsonw_key(w, "countries");
        jsonw_arr_begin(w);
        for (const char *p = e->countries; *p;) {
            const char *semi = strstr(p, "; ");
            size_t n = semi ? (size_t)(semi - p) : strlen(p);
            jsonw_strn(w, p, n);
            p += n + (semi ? 2 : 0);
        }
        jsonw_arr_end(w);
        jsonw_kv_str(w, "federal_register_notice", e->federal_register_notice);
        jsonw_kv_str(w, "license_requirement", e->license_requirement);
        jsonw_kv_str(w, "license_policy", e->license_policy);
        jsonw_key(w, "matched_tokens");
        jsonw_arr_begin(w);
        for (size_t k = 0; k < m->npairs; k++) {
            jsonw_obj_begin(w);
            jsonw_kv_str(w, "query", m->pairs[k].query);
            jsonw_kv_str(w, "listed", m->pairs[k].listed[0] ? m->pairs[k].listed : NULL);
            jsonw_kv_num(w, "similarity", true, round(m->pairs[k].sim * 100) / 100);
            jsonw_obj_end(w);
        }
        jsonw_arr_end(w);
        jsonw_obj_end(w);
    }
    jsonw_arr_end(w);
    jsonw_obj_end(w);
}
