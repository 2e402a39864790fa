/* geo.c: countries, regions and country groups (see geo.h). */
#include "geo.h"

#include "ydoc.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct country {
    char code[8];
    char **names;
    size_t nnames;
    char treated_as[8];
    eccn_date treated_from;
    char parent[8]; /* regions only */
    int line, col;  /* of its entry, for a duplicate found after sorting */
    char **keys;    /* every name and code it is known by, as name_key writes them; owned */
    size_t nkeys;
} country;

/* A name that means more than one country ("Korea"): refused, naming them. */
typedef struct ambiguous_name {
    char key[64];
    char codes[64]; /* "KR, KP" */
} ambiguous_name;

typedef struct member {
    char code[8];
    eccn_date from;  /* ECCN_DATE_NONE: member before the modelled period */
    eccn_date until; /* ECCN_DATE_NONE: still a member */
} member;

typedef struct group {
    char id[16];
    member *members;
    size_t nmembers;
} group;

struct eccn_geo {
    country *countries; /* sorted by code once loaded, for binary search */
    size_t ncountries;
    group *groups;
    size_t ngroups;
    ambiguous_name *ambiguous;
    size_t nambiguous;
};

void eccn_geo_free(eccn_geo *geo)
{
    if (!geo)
        return;
    for (size_t i = 0; i < geo->ncountries; i++) {
        free(geo->countries[i].names); /* a ynode_strv list: one block */
        for (size_t j = 0; j < geo->countries[i].nkeys; j++)
            free(geo->countries[i].keys[j]);
        free(geo->countries[i].keys);
    }
    free(geo->ambiguous);
    free(geo->countries);
    for (size_t i = 0; i < geo->ngroups; i++)
        free(geo->groups[i].members);
    free(geo->groups);
    free(geo);
}

/* Codes are stored upper case (ISO writes them so); a query is folded once, then compared
 * exactly, which matters because evaluation looks codes up many times. */
static const country *find_code(const eccn_geo *geo, const char *code)
{
    char up[sizeof geo->countries[0].code];
    size_t n = 0;
    while (n < sizeof up - 1 && code[n]) {
        up[n] = (char)toupper((unsigned char)code[n]);
        n++;
    }
    if (n == 0 || code[n])
        return NULL;
    up[n] = '\0';
    size_t lo = 0, hi = geo->ncountries;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(geo->countries[mid].code, up);
        if (c == 0)
            return &geo->countries[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static int cmp_country(const void *a, const void *b)
{
    return strcmp(((const country *)a)->code, ((const country *)b)->code);
}

static int scalar_into(const char *file, const ynode *n, char *out, size_t outsz, const char *what,
                       eccn_error *err)
{
    if (!n || n->kind != YN_SCALAR || n->len == 0 || n->len >= outsz)
        return eccn_fail(err, ECCN_EINPUT, file, n ? n->line : 0, n ? n->col : 0, "expected %s",
                         what);
    memcpy(out, n->str, n->len + 1);
    return ECCN_OK;
}

/* A name as it is compared: letters and digits only, ASCII folded to lower case, so that
 * "Hong Kong", "HONGKONG" and "Hong-Kong" are one name, and "U.K." is "uk". Bytes of UTF-8
 * characters are kept as they are. */
static void name_key(const char *s, char *out, size_t cap)
{
    size_t n = 0;
    for (; *s && n + 1 < cap; s++) {
        unsigned char c = (unsigned char)*s;
        if (c >= 0x80 || isalnum(c))
            out[n++] = (char)tolower(c);
    }
    out[n] = '\0';
}

static int add_key(country *c, const char *name)
{
    char key[256];
    name_key(name, key, sizeof key);
    if (!key[0])
        return ECCN_OK;
    for (size_t i = 0; i < c->nkeys; i++)
        if (strcmp(c->keys[i], key) == 0)
            return ECCN_OK;
    char **grown = realloc(c->keys, (c->nkeys + 1) * sizeof *grown);
    if (!grown)
        return ECCN_ENOMEM;
    c->keys = grown;
    if (!(c->keys[c->nkeys] = eccn_strdup(key)))
        return ECCN_ENOMEM;
    c->nkeys++;
    return ECCN_OK;
}

/* The keys of a place: its names, its other codes and the names trade uses for it; an ISO name
 * written "Korea, Republic of" also as "Republic of Korea". */
static int add_keys(country *c, const char *file, const ynode *e, eccn_error *err)
{
    static const char *const LISTS[] = {"codes", "also_known_as"};
    int rc = ECCN_OK;
    for (size_t i = 0; rc == ECCN_OK && i < c->nnames; i++) {
        const char *comma = strstr(c->names[i], ", ");
        if ((rc = add_key(c, c->names[i])) == ECCN_OK && comma) {
            char turned[256];
            snprintf(turned, sizeof turned, "%s %.*s", comma + 2, (int)(comma - c->names[i]),
                     c->names[i]);
            rc = add_key(c, turned);
        }
    }
    for (size_t l = 0; rc == ECCN_OK && l < 2; l++) {
        const ynode *list = ynode_get(e, LISTS[l]);
        if (list && list->kind != YN_SEQ)
            return eccn_fail(err, ECCN_EINPUT, file, list->line, list->col,
                             "%s: expected a list of names", LISTS[l]);
        for (size_t i = 0; rc == ECCN_OK && list && i < list->nkids; i++) {
            if (list->kids[i]->kind != YN_SCALAR)
                return eccn_fail(err, ECCN_EINPUT, file, list->kids[i]->line, list->kids[i]->col,
                                 "%s: expected a name", LISTS[l]);
            rc = add_key(c, list->kids[i]->str);
        }
    }
    return rc;
}

static int load_ambiguous(eccn_geo *geo, const char *file, const ynode *seq, eccn_error *err)
{
    if (!seq)
        return ECCN_OK;
    if (seq->kind != YN_SEQ || !(geo->ambiguous = calloc(seq->nkids, sizeof *geo->ambiguous)))
        return seq->kind != YN_SEQ ? eccn_fail(err, ECCN_EINPUT, file, seq->line, seq->col,
                                               "ambiguous: expected a list")
                                   : ECCN_ENOMEM;
    for (size_t i = 0; i < seq->nkids; i++) {
        const ynode *e = seq->kids[i], *name = ynode_get(e, "name"), *codes = ynode_get(e, "codes");
        ambiguous_name *a = &geo->ambiguous[geo->nambiguous++];
        if (!name || name->kind != YN_SCALAR || !codes || codes->kind != YN_SEQ || codes->nkids < 2)
            return eccn_fail(err, ECCN_EINPUT, file, e->line, e->col,
                             "expected name: and codes: with two or more country codes");
        name_key(name->str, a->key, sizeof a->key);
        for (size_t j = 0; j < codes->nkids; j++) {
            const ynode *code = codes->kids[j];
            if (code->kind != YN_SCALAR || !find_code(geo, code->str))
                return eccn_fail(err, ECCN_EINPUT, file, code->line, code->col,
                                 "expected a country code");
            size_t len = strlen(a->codes);
            snprintf(a->codes + len, sizeof a->codes - len, "%s%s", j ? " or " : "", code->str);
        }
    }
    return ECCN_OK;
}

static int load_places(eccn_geo *geo, const char *file, const ynode *seq, bool regions,
                       eccn_error *err)
{
    if (!seq)
        return ECCN_OK;
    if (seq->kind != YN_SEQ)
        return eccn_fail(err, ECCN_EINPUT, file, seq->line, seq->col, "expected a list");
    country *grown = realloc(geo->countries, (geo->ncountries + seq->nkids) * sizeof *grown);
    if (!grown)
        return ECCN_ENOMEM;
    geo->countries = grown;
    for (size_t i = 0; i < seq->nkids; i++) {
        const ynode *e = seq->kids[i];
        country *c = &geo->countries[geo->ncountries];
        memset(c, 0, sizeof *c);
        c->treated_from = ECCN_DATE_NONE;
        int rc = scalar_into(file, ynode_get(e, "code"), c->code, sizeof c->code,
                             "code: an ISO 3166 code", err);
        if (rc != ECCN_OK)
            return rc;
        c->line = e->line;
        c->col = e->col;
        geo->ncountries++;
        const ynode *names = ynode_get(e, "names");
        if (names && names->kind == YN_SEQ &&
            (rc = ynode_strv(file, e, "names", &c->names, &c->nnames, err)) != ECCN_OK)
            return rc;
        if ((rc = add_keys(c, file, e, err)) != ECCN_OK)
            return rc;
        const ynode *t = ynode_get(e, "treated_as");
        if (t && (rc = scalar_into(file, t, c->treated_as, sizeof c->treated_as,
                                   "treated_as: a country code", err)) != ECCN_OK)
            return rc;
        if ((rc = ynode_date(file, e, "treated_from", false, &c->treated_from, err)) != ECCN_OK)
            return rc;
        if (regions && (rc = scalar_into(file, ynode_get(e, "parent"), c->parent, sizeof c->parent,
                                         "parent: a country code", err)) != ECCN_OK)
            return rc;
    }
    return ECCN_OK;
}

static int add_member(group *g, const char *code, eccn_date from, eccn_date until)
{
    member *m = realloc(g->members, (g->nmembers + 1) * sizeof *m);
    if (!m)
        return ECCN_ENOMEM;
    g->members = m;
    member *x = &g->members[g->nmembers++];
    snprintf(x->code, sizeof x->code, "%s", code);
    x->from = from;
    x->until = until;
    return ECCN_OK;
}

static int check_code(const eccn_geo *geo, const char *file, const ynode *n, eccn_error *err)
{
    if (n->kind != YN_SCALAR || !find_code(geo, n->str))
        return eccn_fail(err, ECCN_EINPUT, file, n->line, n->col,
                         "unknown country code '%s' (expected ISO 3166-1 alpha-2)",
                         n->kind == YN_SCALAR ? n->str : "");
    return ECCN_OK;
}

static int load_groups(eccn_geo *geo, const char *file, const ynode *seq, eccn_error *err)
{
    if (!seq || seq->kind != YN_SEQ)
        return eccn_fail(err, ECCN_EINPUT, file, seq ? seq->line : 1, seq ? seq->col : 1,
                         "expected `groups:` with a list of groups");
    geo->groups = calloc(seq->nkids, sizeof *geo->groups);
    if (!geo->groups)
        return ECCN_ENOMEM;
    for (size_t i = 0; i < seq->nkids; i++) {
        const ynode *e = seq->kids[i];
        group *g = &geo->groups[geo->ngroups++];
        int rc = scalar_into(file, ynode_get(e, "id"), g->id, sizeof g->id,
                             "id: a group name such as D:5", err);
        if (rc != ECCN_OK)
            return rc;
        const ynode *mem = ynode_get(e, "members");
        for (size_t j = 0; mem && mem->kind == YN_SEQ && j < mem->nkids; j++) {
            if ((rc = check_code(geo, file, mem->kids[j], err)) != ECCN_OK ||
                (rc = add_member(g, mem->kids[j]->str, ECCN_DATE_NONE, ECCN_DATE_NONE)) != ECCN_OK)
                return rc;
        }
        const ynode *dated = ynode_get(e, "dated");
        for (size_t j = 0; dated && dated->kind == YN_SEQ && j < dated->nkids; j++) {
            const ynode *d = dated->kids[j];
            const ynode *code = ynode_get(d, "code");
            eccn_date from, until;
            if (!code)
                return eccn_fail(err, ECCN_EINPUT, file, d->line, d->col, "expected code:");
            if ((rc = check_code(geo, file, code, err)) != ECCN_OK ||
                (rc = ynode_date(file, d, "from", false, &from, err)) != ECCN_OK ||
                (rc = ynode_date(file, d, "until", false, &until, err)) != ECCN_OK)
                return rc;
            if (from == ECCN_DATE_NONE && until == ECCN_DATE_NONE)
                return eccn_fail(err, ECCN_EINPUT, file, d->line, d->col,
                                 "a dated membership needs from: or until:");
            if (from != ECCN_DATE_NONE && until != ECCN_DATE_NONE && until <= from)
                return eccn_fail(err, ECCN_EINPUT, file, d->line, d->col,
                                 "until: must come after from:");
            if ((rc = add_member(g, code->str, from, until)) != ECCN_OK)
                return rc;
        }
    }
    return ECCN_OK;
}

int eccn_geo_load(const ydoc *countries, const ydoc *groups, eccn_geo **out, eccn_error *err)
{
    eccn_geo *geo = calloc(1, sizeof *geo);
    int rc = geo ? ECCN_OK : ECCN_ENOMEM;
    *out = NULL;
    if (rc == ECCN_OK)
        rc = load_places(geo, countries->path, ynode_get(countries->root, "countries"), false, err);
    if (rc == ECCN_OK)
        rc = load_places(geo, countries->path, ynode_get(countries->root, "regions"), true, err);
    if (rc == ECCN_OK && geo->ncountries == 0)
        rc = eccn_fail(err, ECCN_EINPUT, countries->path, 1, 1, "expected `countries:`");
    /* Duplicates are found by sorting, not by a search per entry: a quadratic search over ~250
     * codes was a tenth of a check's time. The later entry is the one named. */
    if (rc == ECCN_OK)
        eccn_sort(geo->countries, geo->ncountries, sizeof *geo->countries, cmp_country);
    for (size_t i = 1; rc == ECCN_OK && i < geo->ncountries; i++) {
        const country *a = &geo->countries[i - 1], *b = &geo->countries[i];
        if (strcmp(a->code, b->code) == 0) {
            const country *later = a->line > b->line ? a : b;
            rc = eccn_fail(err, ECCN_EINPUT, countries->path, later->line, later->col,
                           "duplicate code %s", later->code);
        }
    }
    for (size_t i = 0; rc == ECCN_OK && i < geo->ncountries; i++) {
        const country *c = &geo->countries[i];
        if ((c->treated_as[0] && !find_code(geo, c->treated_as)) ||
            (c->parent[0] && !find_code(geo, c->parent)))
            rc = eccn_fail(err, ECCN_EINPUT, countries->path, 0, 0, "%s refers to an unknown code",
                           c->code);
    }
    if (rc == ECCN_OK)
        rc = load_ambiguous(geo, countries->path, ynode_get(countries->root, "ambiguous"), err);
    if (rc == ECCN_OK)
        rc = load_groups(geo, groups->path, ynode_get(groups->root, "groups"), err);
    if (rc != ECCN_OK) {
        eccn_geo_free(geo);
        return rc;
    }
    *out = geo;
    return ECCN_OK;
}

int eccn_geo_lookup(const eccn_geo *geo, const char *text, const char **code, eccn_error *err)
{
    const country *c = find_code(geo, text);
    char key[256];
    *code = NULL;
    if (c) {
        *code = c->code;
        return ECCN_OK;
    }
    name_key(text, key, sizeof key);
    for (size_t i = 0; key[0] && i < geo->ncountries; i++)
        for (size_t j = 0; j < geo->countries[i].nkeys; j++)
            if (strcmp(geo->countries[i].keys[j], key) == 0) {
                *code = geo->countries[i].code;
                return ECCN_OK;
            }
    for (size_t i = 0; key[0] && i < geo->nambiguous; i++)
        if (strcmp(geo->ambiguous[i].key, key) == 0)
            return eccn_fail(err, ECCN_EINPUT, "", 0, 0, "'%s' could be %s: give the code", text,
                             geo->ambiguous[i].codes);
    return eccn_fail(err, ECCN_ENOTFOUND, "", 0, 0,
                     "unknown country '%s' (expected an ISO 3166-1 code or name, such as CN, CHN, "
                     "156 or China)",
                     text);
}

const char *eccn_geo_resolve(const eccn_geo *geo, const char *text)
{
    const char *code;
    return eccn_geo_lookup(geo, text, &code, NULL) == ECCN_OK ? code : NULL;
}

const char *eccn_geo_name(const eccn_geo *geo, const char *code)
{
    const country *c = find_code(geo, code);
    return c && c->nnames ? c->names[0] : code;
}

bool eccn_geo_is_group(const eccn_geo *geo, const char *id)
{
    for (size_t i = 0; i < geo->ngroups; i++)
        if (strcmp(geo->groups[i].id, id) == 0)
            return true;
    return false;
}

const char *eccn_geo_treated_as(const eccn_geo *geo, const char *code, eccn_date d)
{
    const country *c = find_code(geo, code);
    if (c && c->treated_as[0] && (c->treated_from == ECCN_DATE_NONE || d >= c->treated_from))
        return find_code(geo, c->treated_as)->code;
    return c ? c->code : code;
}

static bool in_group(const group *g, const char *code, eccn_date d)
{
    for (size_t i = 0; i < g->nmembers; i++) {
        const member *m = &g->members[i];
        if (strcmp(m->code, code) != 0)
            continue;
        if ((m->from == ECCN_DATE_NONE || d >= m->from) &&
            (m->until == ECCN_DATE_NONE || d < m->until))
            return true;
    }
    return false;
}

bool eccn_geo_matches(const eccn_geo *geo, const char *code, const char *target, eccn_date d)
{
    /* The chain of what this destination counts as: itself, what it is treated as, its country. */
    const char *chain[3];
    size_t n = 0;
    const country *c = find_code(geo, code);
    if (!c)
        return false;
    chain[n++] = c->code;
    const char *t = eccn_geo_treated_as(geo, c->code, d);
    if (strcmp(t, c->code) != 0)
        chain[n++] = t;
    if (c->parent[0])
        chain[n++] = find_code(geo, c->parent)->code;
    for (size_t i = 0; i < geo->ngroups; i++) {
        if (strcmp(geo->groups[i].id, target) != 0)
            continue;
        for (size_t k = 0; k < n; k++)
            if (in_group(&geo->groups[i], chain[k], d))
                return true;
        return false;
    }
    for (size_t k = 0; k < n; k++)
        if (eccn_streq_ci(chain[k], target))
            return true;
    return false;
}

void eccn_geo_each_country(const eccn_geo *geo, void (*fn)(const char *code, void *ctx), void *ctx)
{
    for (size_t i = 0; i < geo->ncountries; i++)
        if (!geo->countries[i].parent[0])
            fn(geo->countries[i].code, ctx);
}

void eccn_geo_each_change(const eccn_geo *geo, void (*fn)(eccn_date d, void *ctx), void *ctx)
{
    for (size_t i = 0; i < geo->ncountries; i++)
        if (geo->countries[i].treated_from != ECCN_DATE_NONE)
            fn(geo->countries[i].treated_from, ctx);
    for (size_t i = 0; i < geo->ngroups; i++)
        for (size_t j = 0; j < geo->groups[i].nmembers; j++) {
            const member *m = &geo->groups[i].members[j];
            if (m->from != ECCN_DATE_NONE)
                fn(m->from, ctx);
            if (m->until != ECCN_DATE_NONE)
                fn(m->until, ctx);
        }
}
