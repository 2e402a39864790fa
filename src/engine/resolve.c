/* resolve.c: part numbers first, then descriptions, never an accessory as its GPU (resolve.h). */
#include "resolve.h"

#include "digest.h"
#include "partno.h"
#include "vendor.h"
#include "ydoc.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct eccn_vocab {
    char **accessory, **brands, **systems, **absent, **products, **joins;
    size_t naccessory, nbrands, nsystems, nabsent, nproducts, njoins;
    char digest[65];
    /* Systems made for texts that name their accelerators ("8x H100 SXM5"): owned, kept until
     * the rule set is freed, so a part returned stays valid like a catalogue entry. */
    eccn_part **made;
    size_t nmade;
};

void eccn_vocab_free(eccn_vocab *v)
{
    if (!v)
        return;
    free(v->accessory);
    free(v->brands);
    free(v->systems);
    free(v->absent);
    free(v->products);
    free(v->joins);
    for (size_t i = 0; i < v->nmade; i++) {
        free(v->made[i]->id);
        free(v->made[i]->model);
        free(v->made[i]);
    }
    free(v->made);
    free(v);
}

const char *eccn_vocab_digest(const eccn_vocab *v)
{
    return v ? v->digest : "";
}

int eccn_vocab_load(const char *data_dir, eccn_vocab **out, eccn_error *err)
{
    char path[4200];
    ydoc *doc = NULL;
    eccn_vocab *v = calloc(1, sizeof *v);
    int rc = v ? ECCN_OK : ECCN_ENOMEM;
    *out = NULL;
    snprintf(path, sizeof path, "%s/resolve.yaml", data_dir);
    FILE *probe = rc == ECCN_OK ? fopen(path, "rb") : NULL;
    if (!probe)
        goto done;
    fclose(probe);
    if ((rc = ydoc_load_file(path, &doc, err)) == ECCN_OK &&
        (rc = ynode_strv(path, doc->root, "accessory_words", &v->accessory, &v->naccessory, err)) ==
            ECCN_OK &&
        (rc = ynode_strv(path, doc->root, "brand_words", &v->brands, &v->nbrands, err)) ==
            ECCN_OK &&
        (rc = ynode_strv(path, doc->root, "system_words", &v->systems, &v->nsystems, err)) ==
            ECCN_OK &&
        (rc = ynode_strv(path, doc->root, "absent_words", &v->absent, &v->nabsent, err)) ==
            ECCN_OK &&
        (rc = ynode_strv(path, doc->root, "product_words", &v->products, &v->nproducts, err)) ==
            ECCN_OK &&
        (rc = ynode_strv(path, doc->root, "component_joins", &v->joins, &v->njoins, err)) ==
            ECCN_OK)
        memcpy(v->digest, doc->sha256, sizeof v->digest);
done:
    ydoc_free(doc);
    if (rc != ECCN_OK) {
        eccn_vocab_free(v);
        return rc;
    }
    *out = v;
    return ECCN_OK;
}

static bool word_at(const char *t, size_t tn, size_t i, const char *w, size_t wn)
{
    if (i + wn > tn || (i > 0 && isalnum((unsigned char)t[i - 1])) ||
        (i + wn < tn && isalnum((unsigned char)t[i + wn])))
        return false;
    for (size_t k = 0; k < wn; k++)
        if (tolower((unsigned char)t[i + k]) != tolower((unsigned char)w[k]))
            return false;
    return true;
}

/* Where word w first stands in t (n bytes) as a whole word, from position from; n when nowhere. */
static size_t word_pos(const char *t, size_t n, size_t from, const char *w)
{
    size_t wn = strlen(w);
    for (size_t i = from; wn && i + wn <= n; i++)
        if (word_at(t, n, i, w, wn))
            return i;
    return n;
}

/* The first word of list that stands in t from position from, and where (n when none). */
static const char *first_of(char *const *list, size_t nlist, const char *t, size_t n, size_t from,
                            size_t *at)
{
    const char *w = NULL;
    *at = n;
    for (size_t j = 0; j < nlist; j++) {
        size_t i = word_pos(t, n, from, list[j]);
        if (i < *at)
            *at = i, w = list[j];
    }
    return w;
}

/* A count "8x", "8 x", "8X" starting at p: its value, and where the counted thing starts. */
static int count_at(const char *s, const char *p, const char **after)
{
    int c = 0;
    const char *q = p;
    if (!isdigit((unsigned char)*p) || (p > s && isalnum((unsigned char)p[-1])))
        return 0;
    while (isdigit((unsigned char)*q) && c < 1000)
        c = c * 10 + (*q++ - '0');
    while (*q == ' ')
        q++;
    if ((*q != 'x' && *q != 'X') || (q[1] != ' ' && !isalpha((unsigned char)q[1])) || c < 1)
        return 0;
    for (q++; *q == ' '; q++)
        ;
    *after = q;
    return c;
}

/* Does the list item holding position i (items split by punctuation or a `component_joins` word)
 * start with a count ("2x ConnectX-7")? */
static bool counted_item(const eccn_vocab *v, const char *t, size_t n, size_t i)
{
    size_t b = i;
    while (b > 0 && !strchr(",;+|(/", t[b - 1]))
        b--;
    for (size_t j = 0; j < v->njoins; j++) {
        size_t k = b;
        while ((k = word_pos(t, n, k, v->joins[j])) < i)
            b = k + strlen(v->joins[j]), k = b;
    }
    while (b < i && !isalnum((unsigned char)t[b]))
        b++;
    const char *after;
    return count_at(t, t + b, &after) != 0;
}

/* Is there a list boundary (punctuation or a `component_joins` word) in t between a and b? */
static bool boundary_between(const eccn_vocab *v, const char *t, size_t a, size_t b)
{
    for (size_t k = a; k < b; k++)
        if (strchr(",;+|(/", t[k]))
            return true;
    size_t at;
    return first_of(v->joins, v->njoins, t, b, a, &at) != NULL;
}

/* Where the first counted thing in t that is not itself an accessory ends ("8x H100" in "Dell
 * PowerEdge XE9680 8x H100 SXM5, 2x ConnectX-7"): the counted accelerators; n when none. */
static size_t counted_accelerators(const eccn_vocab *v, const char *t, size_t n)
{
    for (const char *p = t; *p; p++) {
        const char *after;
        size_t at;
        if (!count_at(t, p, &after))
            continue;
        if (first_of(v->accessory, v->naccessory, t, n, (size_t)(after - t), &at) &&
            at == (size_t)(after - t))
            continue; /* "2x ConnectX-7": a counted accessory */
        return (size_t)(after - t);
    }
    return n;
}

const char *eccn_vocab_accessory(const eccn_vocab *v, const char *text)
{
    size_t n = strlen(text), at;
    if (!v || n >= 1024)
        return v && v->naccessory ? v->accessory[0] : NULL; /* longer than any part's name */
    const char *w = first_of(v->absent, v->nabsent, text, n, 0, &at);
    if (w)
        return w; /* "chassis, no GPUs": never a system */
    /* A product named with an accessory word ("Jetson AGX Orin Developer Kit") is that product. */
    char t[1024];
    memcpy(t, text, n + 1);
    for (size_t j = 0; j < v->nproducts; j++)
        for (size_t i = 0; (i = word_pos(t, n, i, v->products[j])) < n; i++)
            memset(t + i, ' ', strlen(v->products[j]));
    /* An accessory word is the item itself unless it names another component of a system that
     * names its accelerators: after them, in a list item of its own, in a text that names a system
     * or counts that component too ("Dell PowerEdge XE9680 8x H100 SXM5, 2x ConnectX-7"). */
    size_t g = counted_accelerators(v, t, n), sys;
    bool system = first_of(v->systems, v->nsystems, t, n, 0, &sys) != NULL;
    for (size_t from = 0; (w = first_of(v->accessory, v->naccessory, t, n, from, &at));
         from = at + 1)
        if (g == n || at < g || !boundary_between(v, t, g, at) ||
            !(system || counted_item(v, t, n, at)))
            return w;
    return NULL;
}

/* text without the brand words it starts with, into out; false when it starts with none. */
static bool strip_brands(const eccn_vocab *v, const char *text, char *out, size_t outsz)
{
    const char *t = text;
    bool any = false, again = true;
    while (again && v) {
        again = false;
        while (*t && !isalnum((unsigned char)*t))
            t++;
        for (size_t j = 0; j < v->nbrands && !again; j++) {
            size_t wn = strlen(v->brands[j]);
            if (word_at(t, strlen(t), 0, v->brands[j], wn)) {
                t += wn;
                any = again = true;
            }
        }
    }
    snprintf(out, outsz, "%s", t);
    return any && *out;
}

/* How many accelerators a server description names ("8x H100", "8 x H200", "4X L40S"): the
 * count standing right before model when there is one, else the first count; 0 when none. */
static int named_count_of(const char *s, const char *model)
{
    const char *after;
    size_t n = strlen(s), mn = model ? strlen(model) : 0;
    for (const char *p = s; mn && *p; p++) {
        int c = count_at(s, p, &after);
        if (c && word_at(s, n, (size_t)(after - s), model, mn))
            return c;
    }
    for (const char *p = s; *p; p++) {
        int c = count_at(s, p, &after);
        if (c)
            return c;
    }
    return 0;
}

static int named_count(const char *s)
{
    return named_count_of(s, NULL);
}

static bool has_word(const char *text, const char *w)
{
    size_t tn = strlen(text), wn = strlen(w);
    for (size_t i = 0; wn && i + wn <= tn; i++)
        if (word_at(text, tn, i, w, wn))
            return true;
    return false;
}

/* The entries whose model name stands in text as whole words, the longest such names only ("H100
 * NVL" over "H100"). Not for a text that names a system (a word of `system_words`) without
 * saying how many accelerators it carries: that is a system eccn does not model, not its GPU. */
static void by_model_word(const eccn_catalog *cat, const eccn_vocab *v, const char *text,
                          const eccn_part **cand, size_t *n)
{
    size_t best = 0;
    *n = 0;
    for (size_t i = 0; v && i < v->nsystems; i++)
        if (has_word(text, v->systems[i]) && !named_count(text))
            return;
    for (size_t i = 0; i < eccn_catalog_count(cat); i++) {
        const eccn_part *p = eccn_catalog_at(cat, i);
        size_t l = strlen(p->model);
        if (p->kind != ECCN_PART_IC || l < best || !has_word(text, p->model))
            continue;
        if (l > best)
            *n = 0, best = l;
        if (*n < 8)
            cand[(*n)++] = p;
    }
}

/* The catalogue's candidates for text, tried again without its leading brand words, then by the
 * model names standing in it, when it has none. */
static int candidates(eccn_catalog *cat, const eccn_vocab *vocab, const char *text,
                      const eccn_part **cand, size_t *n, eccn_error *err)
{
    char bare[512];
    int rc = eccn_catalog_candidates(cat, text, cand, n, err);
    if (rc == ECCN_OK && *n == 0 && strlen(text) < sizeof bare &&
        strip_brands(vocab, text, bare, sizeof bare))
        rc = eccn_catalog_candidates(cat, bare, cand, n, err);
    if (rc == ECCN_OK && *n == 0)
        by_model_word(cat, vocab, text, cand, n);
    return rc;
}

static const char *accessory_error(const char *text, const char *acc, eccn_error *err)
{
    eccn_fail(err, ECCN_ENOTFOUND, NULL, 0, 0,
              "'%s' names an accessory or other item ('%s'), not the GPU or system it mentions; "
              "it resolves only by its part number (vendor table or catalogue)",
              text, acc);
    return NULL;
}

int eccn_resolve_description(eccn_catalog *cat, const eccn_vocab *vocab, const char *text,
                             const eccn_part **out, eccn_error *err)
{
    const char *acc = eccn_vocab_accessory(vocab, text);
    const eccn_part *cand[8];
    size_t n = 0;
    *out = NULL;
    if (acc) {
        accessory_error(text, acc, err);
        return ECCN_ENOTFOUND;
    }
    int rc = candidates(cat, vocab, text, cand, &n, err);
    if (rc != ECCN_OK)
        return rc;
    if (n == 1) {
        *out = cand[0];
        return ECCN_OK;
    }
    if (n > 1) {
        char list[512] = "";
        for (size_t i = 0; i < n; i++) {
            size_t l = strlen(list);
            snprintf(list + l, sizeof list - l, "%s%s", i ? ", " : "", cand[i]->id);
        }
        return eccn_fail(err, ECCN_EINPUT, NULL, 0, 0, "ambiguous part '%s': could be %s", text,
                         list);
    }
    /* Unknown: the catalogue's message names the nearest entries. */
    return eccn_catalog_resolve(cat, text, out, err);
}

/* A part number inside a longer text: each token that looks like one, tried in turn. */
static int partno_inside(eccn_vendors *v, const char *s, const eccn_part **out, eccn_error *err)
{
    static const char SEP[] = ",;()[]/|:#";
    const char *p = s;
    int rc = ECCN_OK;
    *out = NULL;
    while (*p && !*out && rc == ECCN_OK) {
        while (*p && (isspace((unsigned char)*p) || strchr(SEP, *p)))
            p++;
        const char *b = p;
        while (*p && !isspace((unsigned char)*p) && !strchr(SEP, *p))
            p++;
        if (p > b && eccn_partno_like(b, (size_t)(p - b)))
            rc = eccn_vendors_by_partno(v, b, (size_t)(p - b), out, err);
    }
    return rc;
}

/* A system carrying count of ic, made once per (ic, count) and kept in the vocabulary. */
static const eccn_part *made_system(eccn_vocab *v, const eccn_part *ic, int count, const char *text)
{
    for (size_t i = 0; i < v->nmade; i++)
        if (v->made[i]->component == ic && v->made[i]->count == count)
            return v->made[i];
    eccn_part **g = realloc(v->made, (v->nmade + 1) * sizeof *g), *p;
    if (!g)
        return NULL;
    v->made = g;
    if (!(p = calloc(1, sizeof *p)))
        return NULL;
    size_t l = strlen(ic->id) + 32;
    p->id = malloc(l);
    p->model = eccn_strdup(text);
    if (!p->id || !p->model) {
        free(p->id), free(p->model), free(p);
        return NULL;
    }
    snprintf(p->id, l, "system:%dx:%s", count, ic->id);
    p->kind = ECCN_PART_SYSTEM;
    p->form = ECCN_FORM_SYSTEM;
    p->vendor = ic->vendor;
    p->sources = ic->sources;
    p->nsources = ic->nsources;
    p->component = ic;
    p->count = count;
    p->spec = ic->spec;
    snprintf(p->spec.name, sizeof p->spec.name, "%s", text);
    v->made[v->nmade++] = p;
    return p;
}

/* A description that names its accelerators with a count is a system carrying them (4A090),
 * not the accelerator itself. */
static const eccn_part *as_system(const eccn_ruleset *rs, const eccn_part *p, const char *text)
{
    int count =
        rs->vocab && p && p->kind == ECCN_PART_IC && !p->vrow ? named_count_of(text, p->model) : 0;
    const eccn_part *sys = count ? made_system(rs->vocab, p, count, text) : NULL;
    return sys ? sys : p;
}

/* A catalogue part named by its description, as its vendor classifies it when the vendor's table
 * lists its part numbers with one ECCN: so the vendor's answer shows beside eccn's. */
static const eccn_part *with_vendor(const eccn_ruleset *rs, const eccn_part *p)
{
    const eccn_part *view = eccn_vendors_view_of(rs->vendors, p);
    return view ? view : p;
}

/* Is text one word (surrounding blanks aside)? */
static bool one_word(const char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    while (*s && !isspace((unsigned char)*s))
        s++;
    while (isspace((unsigned char)*s))
        s++;
    return *s == '\0';
}

int eccn_resolve(const eccn_ruleset *rs, const char *text, const eccn_part **out, eccn_error *err)
{
    size_t n = strlen(text);
    const eccn_part *p = NULL;
    int rc = ECCN_OK;
    *out = NULL;
    if (eccn_partno_like(text, n))
        rc = eccn_vendors_by_partno(rs->vendors, text, n, &p, err);
    if (rc == ECCN_OK && !p && n < 4096)
        rc = partno_inside(rs->vendors, text, &p, err);
    /* A catalogue id or alias needs no description matching. */
    if (rc == ECCN_OK && !p)
        p = eccn_catalog_find_name(rs->cat, text);
    /* One word that does not look like a part number may still be one ("PSP-PS3"). */
    if (rc == ECCN_OK && !p && n < 128 && one_word(text))
        rc = eccn_vendors_by_partno(rs->vendors, text, n, &p, err);
    /* A description exactly as a vendor publishes it is that vendor's row, accessory or not. */
    if (rc == ECCN_OK && !p)
        rc = eccn_vendors_by_description(rs->vendors, text, &p, err);
    if (rc != ECCN_OK)
        return rc;
    if (p) {
        *out = with_vendor(rs, p); /* a catalogue name: the vendor's view of it, if one */
        return ECCN_OK;
    }
    if ((rc = eccn_resolve_description(rs->cat, rs->vocab, text, &p, err)) == ECCN_OK)
        *out = with_vendor(rs, as_system(rs, p, text));
    return rc;
}

const eccn_part *eccn_resolve_id(const eccn_ruleset *rs, const char *id)
{
    const eccn_part *p = eccn_catalog_find_id(rs->cat, id);
    if (p)
        return with_vendor(rs, p);
    const char *colon = strchr(id, ':');
    if (!colon)
        return NULL;
    if (strncmp(id, "system:", 7) == 0) { /* system:8x:h100-sxm5-80gb (made_system) */
        char *end = NULL;
        long count = strtol(id + 7, &end, 10);
        const eccn_part *ic = end && end[0] == 'x' && end[1] == ':' && count > 0 && count < 1000
                                  ? eccn_catalog_find_id(rs->cat, end + 2)
                                  : NULL;
        return ic && ic->kind == ECCN_PART_IC && rs->vocab
                   ? made_system(rs->vocab, ic, (int)count, id)
                   : NULL;
    }
    /* NAME:PART-NUMBER, a vendor row the catalogue does not model. */
    eccn_error ignored = {0};
    if (eccn_vendors_by_partno(rs->vendors, colon + 1, strlen(colon + 1), &p, &ignored) !=
            ECCN_OK ||
        !p || strcmp(p->id, id) != 0)
        return NULL;
    return p;
}

/* What the question asks of a candidate: its ECCN and verdict. */
static int answer(const eccn_ruleset *rs, const eccn_query *q, const eccn_part *p, eccn_result *r,
                  eccn_error *err)
{
    eccn_query c = *q;
    c.part = p;
    c.spec = p->spec;
    c.no_trace = true;
    return eccn_evaluate(rs, &c, r, err);
}

int eccn_resolve_query(const eccn_ruleset *rs, const char *text, eccn_query *q, char *considered,
                       size_t sz, eccn_error *err)
{
    const eccn_part *cand[8];
    size_t n = 0;
    considered[0] = '\0';
    int rc = eccn_resolve(rs, text, &q->part, err);
    if (rc == ECCN_OK)
        q->spec = q->part->spec;
    if (rc != ECCN_EINPUT || candidates(rs->cat, rs->vocab, text, cand, &n, err) != ECCN_OK ||
        n < 2)
        return rc;
    eccn_result first, r;
    char why[768] = "";
    bool same = true;
    for (size_t i = 0; i < n; i++) {
        eccn_result *x = i ? &r : &first;
        if ((rc = answer(rs, q, cand[i], x, err)) != ECCN_OK) {
            if (i)
                eccn_result_free(&first);
            return rc;
        }
        size_t l = strlen(why);
        snprintf(why + l, sizeof why - l, "%s%s [%s]: %s, %s", i ? "; " : "", cand[i]->id,
                 cand[i]->variant ? cand[i]->variant : cand[i]->model,
                 x->eccn[0] ? x->eccn : eccn_status_word(x->status), eccn_verdict_word(x->verdict));
        l = strlen(considered);
        snprintf(considered + l, sz - l, "%s%s", i ? ", " : "", cand[i]->id);
        if (i) {
            same &= r.status == first.status && strcmp(r.eccn, first.eccn) == 0 &&
                    r.verdict == first.verdict;
            eccn_result_free(&r);
        }
    }
    eccn_result_free(&first);
    if (!same) {
        considered[0] = '\0';
        return eccn_fail(err, ECCN_EINPUT, NULL, 0, 0,
                         "'%s' fits %zu catalogue entries that answer differently (%s); the "
                         "variant (form factor, memory) decides",
                         text, n, why);
    }
    q->part = with_vendor(rs, as_system(rs, cand[0], text));
    q->spec = q->part->spec;
    return ECCN_OK;
}
