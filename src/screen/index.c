/* index.c: the token index over the lists' names: a vocabulary with each token's rarity, the
 * names as token ids, an inverted index from token to names, and (built at the first query with
 * an unknown token) a deletion index for tokens one edit away (see screen_internal.h). */
#include "screen_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int rehash(eccn_screen_lists *l, size_t nslots)
{
    uint32_t *slots = calloc(nslots, sizeof *slots);
    if (!slots)
        return ECCN_ENOMEM;
    for (size_t i = 0; i < l->ntoks; i++) {
        size_t h = eccn_hash64(l->toks[i].s, l->toks[i].len) & (nslots - 1);
        while (slots[h])
            h = (h + 1) & (nslots - 1);
        slots[h] = (uint32_t)i + 1;
    }
    free(l->slots);
    l->slots = slots;
    l->nslots = nslots;
    return ECCN_OK;
}

int64_t scr_token_find(const eccn_screen_lists *l, const char *s, size_t n)
{
    if (!l->nslots)
        return -1;
    size_t h = eccn_hash64(s, n) & (l->nslots - 1);
    for (; l->slots[h]; h = (h + 1) & (l->nslots - 1)) {
        const scr_token *t = &l->toks[l->slots[h] - 1];
        if (t->len == n && memcmp(t->s, s, n) == 0)
            return t->canon ? (int64_t)t->canon - 1 : (int64_t)l->slots[h] - 1;
    }
    return -1;
}

/* The id of s, added to the vocabulary when new. */
static int token_add(eccn_screen_lists *l, const char *s, size_t n, uint32_t *id)
{
    int64_t found = scr_token_find(l, s, n);
    if (found >= 0) {
        *id = (uint32_t)found;
        return ECCN_OK;
    }
    if ((l->ntoks + 1) * 2 > l->nslots && rehash(l, l->nslots ? l->nslots * 2 : 65536) != 0)
        return ECCN_ENOMEM;
    scr_token *t = eccn_grow(l->toks, &l->captoks, l->ntoks + 1, sizeof *l->toks, 16384);
    if (!t)
        return ECCN_ENOMEM;
    l->toks = t;
    t = &l->toks[l->ntoks];
    memset(t, 0, sizeof *t);
    if (!(t->s = scr_strndup(&l->arena, s, n)))
        return ECCN_ENOMEM;
    t->len = (uint32_t)n;
    size_t h = eccn_hash64(s, n) & (l->nslots - 1);
    while (l->slots[h])
        h = (h + 1) & (l->nslots - 1);
    l->slots[h] = (uint32_t)l->ntoks + 1;
    *id = (uint32_t)l->ntoks++;
    return ECCN_OK;
}

/* Abbreviations stand for their word in names and queries alike: "Intl" is "international". */
static int add_abbreviations(eccn_screen_lists *l)
{
    const scr_config *cfg = &l->cfg;
    for (size_t i = 0; i + 1 < cfg->nabbreviations; i += 2) {
        uint32_t abbr, word;
        if (token_add(l, cfg->abbreviations[i + 1], strlen(cfg->abbreviations[i + 1]), &word) !=
                ECCN_OK ||
            token_add(l, cfg->abbreviations[i], strlen(cfg->abbreviations[i]), &abbr) != ECCN_OK)
            return ECCN_ENOMEM;
        if (abbr != word)
            l->toks[abbr].canon = word + 1;
    }
    return ECCN_OK;
}

static int add_words(eccn_screen_lists *l, char **words, size_t n, uint8_t flag)
{
    for (size_t i = 0; i < n; i++) {
        uint32_t id;
        if (token_add(l, words[i], strlen(words[i]), &id) != ECCN_OK)
            return ECCN_ENOMEM;
        l->toks[id].flags |= flag;
    }
    return ECCN_OK;
}

/* Appends one name's tokens (normalised text in norm) to name_toks. Legal forms and stop words
 * are left out unless nothing else is there. */
static int add_name(eccn_screen_lists *l, uint32_t entry, int alias, const char *norm,
                    size_t *capname_toks, size_t *capnames)
{
    uint32_t ids[64];
    size_t n = 0, kept = 0;
    for (const char *p = norm; *p && n < 64;) {
        const char *sp = strchr(p, ' ');
        size_t len = sp ? (size_t)(sp - p) : strlen(p);
        uint32_t id;
        if (token_add(l, p, len, &id) != ECCN_OK)
            return ECCN_ENOMEM;
        bool dup = false;
        for (size_t k = 0; k < n; k++)
            dup |= ids[k] == id;
        if (!dup)
            ids[n++] = id;
        p += len + (sp != NULL);
    }
    for (size_t k = 0; k < n; k++)
        kept += !(l->toks[ids[k]].flags & (TOK_LEGAL | TOK_STOP));
    uint32_t *nt = eccn_grow(l->name_toks, capname_toks, l->nname_toks + n, sizeof *nt, 1 << 18);
    if (!nt)
        return ECCN_ENOMEM;
    l->name_toks = nt;
    scr_name *nm = eccn_grow(l->names, capnames, l->nnames + 1, sizeof *nm, 1 << 15);
    if (!nm)
        return ECCN_ENOMEM;
    l->names = nm;
    nm = &l->names[l->nnames];
    nm->entry = entry;
    nm->alias = (int16_t)alias;
    nm->tok_off = (uint32_t)l->nname_toks;
    for (size_t k = 0; k < n; k++)
        if (!kept || !(l->toks[ids[k]].flags & (TOK_LEGAL | TOK_STOP))) {
            l->name_toks[l->nname_toks++] = ids[k];
            l->toks[ids[k]].df++;
        }
    nm->ntok = (uint16_t)(l->nname_toks - nm->tok_off);
    if (nm->ntok)
        l->nnames++;
    return ECCN_OK;
}

/* A name with a bracketed part ("National University of Defense Technology (NUDT)",
 * "Inspur (Beijing) Electronic ...") is also indexed without it, as ERPs write it; the bracket
 * usually holds an abbreviation or a place that the same entry lists as an alias anyway. */
static int add_unbracketed(eccn_screen_lists *l, uint32_t entry, int alias, const char *name,
                           eccn_buf *b, size_t *capname_toks, size_t *capnames)
{
    eccn_buf plain = {0};
    int depth = 0, rc = eccn_buf_reserve(&plain, strlen(name) + 1);
    for (const char *p = name; rc == ECCN_OK && *p; p++) {
        if (*p == '(')
            depth++;
        else if (*p == ')' && depth > 0)
            depth--;
        else if (depth == 0)
            plain.data[plain.len++] = *p;
        plain.data[plain.len] = '\0';
    }
    if (rc == ECCN_OK && plain.len && (rc = eccn_screen_normalise(plain.data, b)) == ECCN_OK &&
        b->len)
        rc = add_name(l, entry, alias, b->data, capname_toks, capnames);
    eccn_buf_free(&plain);
    return rc;
}

/* Rewrites an entry's address countries with the source's words made ISO codes. */
static int normalise_countries(eccn_screen_lists *l, eccn_screen_entry *e, eccn_buf *b)
{
    const scr_config *cfg = &l->cfg;
    eccn_buf_reset(b);
    for (const char *p = e->countries; *p;) {
        const char *semi = strstr(p, "; ");
        size_t len = semi ? (size_t)(semi - p) : strlen(p);
        const char *code = NULL;
        for (size_t i = 0; i + 1 < cfg->ncountry_aliases; i += 2)
            if (strlen(cfg->country_aliases[i]) == len &&
                strncmp(cfg->country_aliases[i], p, len) == 0)
                code = cfg->country_aliases[i + 1];
        if ((b->len && eccn_buf_puts(b, "; ") != ECCN_OK) ||
            (code ? eccn_buf_puts(b, code) : eccn_buf_append(b, p, len)) != ECCN_OK)
            return ECCN_ENOMEM;
        p += len + (semi ? 2 : 0);
    }
    if (strcmp(b->data ? b->data : "", e->countries) != 0 &&
        !(e->countries = scr_strndup(&l->arena, b->data, b->len)))
        return ECCN_ENOMEM;
    return ECCN_OK;
}

/* Postings in one array, each token's names at post_off (a name appears once per token). */
static int build_postings(eccn_screen_lists *l)
{
    size_t off = 0;
    for (size_t t = 0; t < l->ntoks; t++) {
        l->toks[t].post_off = (uint32_t)off;
        l->toks[t].post_n = 0;
        off += l->toks[t].df;
    }
    if (!(l->postings = malloc((off ? off : 1) * sizeof *l->postings)))
        return ECCN_ENOMEM;
    double n = (double)l->nnames;
    for (size_t i = 0; i < l->nnames; i++) {
        scr_name *nm = &l->names[i];
        for (uint32_t k = 0; k < nm->ntok; k++) {
            scr_token *t = &l->toks[l->name_toks[nm->tok_off + k]];
            l->postings[t->post_off + t->post_n++] = (uint32_t)i;
        }
    }
    for (size_t t = 0; t < l->ntoks; t++) {
        scr_token *tk = &l->toks[t];
        /* Rarity over the lists' own names; a word no name holds is as rare as can be. */
        tk->w = (float)log(1.0 + n / (tk->df ? tk->df : 1));
        if (tk->flags & TOK_QUALIFIER)
            tk->w *= (float)l->cfg.qualifier_weight;
    }
    l->min_name_weight = log(1.0 + n / l->cfg.floor_df);
    for (size_t i = 0; i < l->nnames; i++) {
        scr_name *nm = &l->names[i];
        nm->wsum = 0;
        for (uint32_t k = 0; k < nm->ntok; k++)
            nm->wsum += l->toks[l->name_toks[nm->tok_off + k]].w;
    }
    l->acc = calloc(l->nnames ? l->nnames : 1, sizeof *l->acc);
    l->touched = malloc((l->nnames ? l->nnames : 1) * sizeof *l->touched);
    return l->acc && l->touched ? ECCN_OK : ECCN_ENOMEM;
}

int scr_index_build(eccn_screen_lists *l, eccn_error *err)
{
    const scr_config *cfg = &l->cfg;
    eccn_buf b = {0};
    size_t capname_toks = 0, capnames = 0;
    int rc = ECCN_OK;
    if (add_words(l, cfg->legal_forms, cfg->nlegal_forms, TOK_LEGAL) != ECCN_OK ||
        add_words(l, cfg->stopwords, cfg->nstopwords, TOK_STOP) != ECCN_OK ||
        add_words(l, cfg->qualifiers, cfg->nqualifiers, TOK_QUALIFIER) != ECCN_OK ||
        add_abbreviations(l) != ECCN_OK)
        rc = ECCN_ENOMEM;
    for (size_t i = 0; rc == ECCN_OK && i < l->nentries; i++) {
        eccn_screen_entry *e = &l->entries[i];
        if ((rc = normalise_countries(l, e, &b)) != ECCN_OK)
            break;
        /* An entry with more aliases than an int16 holds keeps the first 32767. */
        for (int a = -1; rc == ECCN_OK && a < (int)e->nalt_names && a < 32767; a++) {
            const char *name = a < 0 ? e->name : e->alt_names[a];
            if ((rc = eccn_screen_normalise(name, &b)) == ECCN_OK)
                rc = add_name(l, (uint32_t)i, a, b.data, &capname_toks, &capnames);
            if (rc == ECCN_OK && strchr(name, '('))
                rc = add_unbracketed(l, (uint32_t)i, a, name, &b, &capname_toks, &capnames);
        }
    }
    if (rc == ECCN_OK)
        rc = build_postings(l);
    eccn_buf_free(&b);
    if (rc == ECCN_ENOMEM)
        eccn_fail(err, ECCN_ENOMEM, NULL, 0, 0, "out of memory building the screening index");
    return rc;
}

int scr_edit_distance(const char *a, size_t la, const char *b, size_t lb, int cap)
{
    /* Three rows of the optimal-string-alignment table: a swap of two neighbouring letters
     * ("exprot") is one edit, as a typist makes it, where Levenshtein counts two. */
    int rows[3][65], *pp = rows[0], *prev = rows[1], *cur = rows[2];
    if (la > 64 || lb > 64)
        return cap;
    for (size_t j = 0; j <= lb; j++)
        prev[j] = (int)j;
    for (size_t i = 1; i <= la; i++) {
        int low = cur[0] = (int)i;
        for (size_t j = 1; j <= lb; j++) {
            int best = prev[j - 1] + (a[i - 1] != b[j - 1]);
            if (prev[j] + 1 < best)
                best = prev[j] + 1;
            if (cur[j - 1] + 1 < best)
                best = cur[j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                pp[j - 2] + 1 < best)
                best = pp[j - 2] + 1;
            cur[j] = best;
            low = best < low ? best : low;
        }
        if (low >= cap)
            return cap;
        int *t = pp;
        pp = prev, prev = cur, cur = t;
    }
    return prev[lb] < cap ? prev[lb] : cap;
}

static int cmp_deletes(const void *a, const void *b)
{
    const scr_delete *x = a, *y = b;
    return x->hash < y->hash ? -1 : x->hash > y->hash;
}

/* Each long token under its own hash and under the hash of each one-character deletion: two
 * tokens one edit apart share one of these keys (SymSpell's idea), so a query looks up a few keys
 * instead of comparing itself with every token. */
static int build_deletes(eccn_screen_lists *l)
{
    size_t n = 0, min = (size_t)l->cfg.typo_min_length;
    char tmp[256];
    for (size_t t = 0; t < l->ntoks; t++)
        if (l->toks[t].len >= min && l->toks[t].len < sizeof tmp)
            n += l->toks[t].len + 1;
    if (!(l->deletes = malloc((n ? n : 1) * sizeof *l->deletes)))
        return ECCN_ENOMEM;
    for (size_t t = 0; t < l->ntoks; t++) {
        const scr_token *tk = &l->toks[t];
        if (tk->len < min || tk->len >= sizeof tmp)
            continue;
        l->deletes[l->ndeletes++] = (scr_delete){eccn_hash64(tk->s, tk->len), (uint32_t)t};
        for (size_t i = 0; i < tk->len; i++) {
            memcpy(tmp, tk->s, i);
            memcpy(tmp + i, tk->s + i + 1, tk->len - i - 1);
            l->deletes[l->ndeletes++] = (scr_delete){eccn_hash64(tmp, tk->len - 1), (uint32_t)t};
        }
    }
    eccn_sort(l->deletes, l->ndeletes, sizeof *l->deletes, cmp_deletes);
    l->deletes_built = true;
    return ECCN_OK;
}

/* Adds the tokens under key h that are within the allowed edits of s. */
static void probe(eccn_screen_lists *l, uint64_t h, const char *s, size_t n, uint32_t *out,
                  int *dist, size_t max, size_t *found)
{
    size_t lo = 0, hi = l->ndeletes;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (l->deletes[mid].hash < h)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (; lo < l->ndeletes && l->deletes[lo].hash == h && *found < max; lo++) {
        uint32_t t = l->deletes[lo].tok;
        const scr_token *tk = &l->toks[t];
        bool seen = false;
        for (size_t k = 0; k < *found; k++)
            seen |= out[k] == t;
        int allowed = scr_allowed_edits(&l->cfg, n < tk->len ? n : tk->len);
        if (seen || allowed == 0 || (tk->len == n && memcmp(tk->s, s, n) == 0))
            continue;
        int d = scr_edit_distance(s, n, tk->s, tk->len, allowed + 1);
        if (d <= allowed) {
            out[*found] = t;
            dist[(*found)++] = d;
        }
    }
}

int scr_fuzzy_find(eccn_screen_lists *l, const char *s, size_t n, uint32_t *out, int *dist,
                   size_t max, size_t *found)
{
    char tmp[256];
    *found = 0;
    if (n < (size_t)l->cfg.typo_min_length || n >= sizeof tmp)
        return ECCN_OK;
    if (!l->deletes_built && build_deletes(l) != ECCN_OK)
        return ECCN_ENOMEM;
    probe(l, eccn_hash64(s, n), s, n, out, dist, max, found);
    for (size_t i = 0; i < n; i++) {
        memcpy(tmp, s, i);
        memcpy(tmp + i, s + i + 1, n - i - 1);
        probe(l, eccn_hash64(tmp, n - 1), s, n, out, dist, max, found);
    }
    return ECCN_OK;
}
