/* catalog.c: device catalogue and SKU resolution (see catalog.h). */
#include "catalog.h"

#include "rx.h"
#include "ydoc.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CANDIDATES 8

struct eccn_catalog {
    eccn_part *parts;
    size_t n;
    char *path;
    bool compiled, jit;
    eccn_rx_matcher *matcher;
};

void eccn_catalog_free(eccn_catalog *cat)
{
    if (!cat)
        return;
    for (size_t i = 0; i < cat->n; i++) {
        eccn_part *p = &cat->parts[i];
        free(p->id);
        free(p->vendor);
        free(p->model);
        free(p->variant);
        free(p->note);
        free(p->pattern);
        free(p->aliases); /* ynode_strv lists: one block each */
        free(p->part_numbers);
        free(p->sources);
        eccn_rx_free(p->re);
    }
    free(cat->parts);
    free(cat->path);
    eccn_rx_matcher_free(cat->matcher);
    free(cat);
}

size_t eccn_catalog_count(const eccn_catalog *cat)
{
    return cat->n;
}

const eccn_part *eccn_catalog_at(const eccn_catalog *cat, size_t i)
{
    return i < cat->n ? &cat->parts[i] : NULL;
}

const eccn_part *eccn_catalog_find_id(const eccn_catalog *cat, const char *id)
{
    for (size_t i = 0; i < cat->n; i++)
        if (strcmp(cat->parts[i].id, id) == 0)
            return &cat->parts[i];
    return NULL;
}

static int load_figures(const char *file, const ynode *e, eccn_part *p, eccn_error *err)
{
    eccn_spec_init(&p->spec);
    for (size_t i = 0; i + 1 < e->nkids; i += 2) {
        const ynode *k = e->kids[i], *v = e->kids[i + 1];
        eccn_metric m;
        if (!eccn_metric_from_name(k->str, &m) || m == ECCN_M_PD)
            continue;
        double x;
        if (v->kind != YN_SCALAR || !eccn_parse_double(v->str, &x) || x < 0)
            return eccn_fail(err, ECCN_EINPUT, file, v->line, v->col,
                             "%s: expected a finite number >= 0, got '%s'", k->str,
                             v->kind == YN_SCALAR ? v->str : "(not a scalar)");
        eccn_spec_set(&p->spec, m, x);
    }
    /* The catalogue lists processors: an entry is HBM (3A090.c) only when it says so. */
    p->spec.flag[ECCN_FLAG_HBM] = 0;
    for (int f = 0; f < ECCN_FLAG_COUNT; f++) {
        const ynode *v = ynode_get(e, eccn_flag_name((eccn_flag)f));
        /* YAML 1.1 reads a plain yes/no as a boolean; libyaml hands us the text. */
        if (!ynode_is_null(v) && (v->kind != YN_SCALAR || !eccn_yes_no(v->str, &p->spec.flag[f])))
            return eccn_fail(err, ECCN_EINPUT, file, v->line, v->col,
                             "%s: expected yes or no (leave it out when unknown)",
                             eccn_flag_name((eccn_flag)f));
    }
    snprintf(p->spec.name, sizeof p->spec.name, "%s%s%s", p->model ? p->model : p->id,
             p->variant ? " " : "", p->variant ? p->variant : "");
    return ECCN_OK;
}

static const char *const FORMS[] = {"ic", "card", "module", "board", "system"};

const char *eccn_form_name(eccn_form f)
{
    return (unsigned)f < sizeof FORMS / sizeof *FORMS ? FORMS[f] : "?";
}

/* `form:` says whether a part is sold as an IC or as an assembly, which decides its ECCN of
 * record; without it a devices entry is taken as an IC and a systems entry as a system. */
static int load_form(const char *file, const ynode *e, eccn_part *p, eccn_error *err)
{
    const ynode *f = ynode_get(e, "form");
    p->form = p->kind == ECCN_PART_IC ? ECCN_FORM_IC : ECCN_FORM_SYSTEM;
    if (!f)
        return ECCN_OK;
    for (size_t i = 0; f && f->kind == YN_SCALAR && i < sizeof FORMS / sizeof *FORMS; i++)
        if (strcmp(f->str, FORMS[i]) == 0) {
            p->form = (eccn_form)i;
            /* A devices entry may be a whole system when its IC has no entry of its own (a
             * desktop computer around one chip); a systems entry carries a listed IC. */
            bool ok = p->kind == ECCN_PART_IC ? i != ECCN_FORM_BOARD
                                              : i == ECCN_FORM_BOARD || i == ECCN_FORM_SYSTEM;
            return ok ? ECCN_OK
                      : eccn_fail(err, ECCN_EINPUT, file, f->line, f->col,
                                  "%s: form '%s' does not fit a%s entry", p->id, f->str,
                                  p->kind == ECCN_PART_IC ? "n IC (devices:)" : " system");
        }
    return eccn_fail(err, ECCN_EINPUT, file, f ? f->line : e->line, f ? f->col : e->col,
                     "%s: `form:` must be ic, card, module or system (devices) or board or "
                     "system (systems)",
                     p->id);
}

static int load_entry(eccn_catalog *cat, const char *file, const ynode *e, eccn_part_kind kind,
                      eccn_error *err)
{
    eccn_part *p = &cat->parts[cat->n];
    int rc;
    memset(p, 0, sizeof *p);
    cat->n++; /* counted before filling, so a half-filled entry is still freed */
    p->kind = kind;
    p->line = e->line;
    p->col = e->col;
    if (e->kind != YN_MAP)
        return eccn_fail(err, ECCN_EINPUT, file, e->line, e->col, "expected a mapping");
    if ((rc = ynode_str(file, e, "id", true, &p->id, err)) != ECCN_OK ||
        (rc = ynode_str(file, e, "vendor", true, &p->vendor, err)) != ECCN_OK ||
        (rc = ynode_str(file, e, "model", true, &p->model, err)) != ECCN_OK ||
        (rc = ynode_str(file, e, "variant", false, &p->variant, err)) != ECCN_OK ||
        (rc = ynode_str(file, e, "note", false, &p->note, err)) != ECCN_OK ||
        (rc = ynode_str(file, e, "match", false, &p->pattern, err)) != ECCN_OK ||
        (rc = ynode_strv(file, e, "aliases", &p->aliases, &p->naliases, err)) != ECCN_OK ||
        (rc = ynode_strv(file, e, "part_numbers", &p->part_numbers, &p->npart_numbers, err)) !=
            ECCN_OK ||
        (rc = ynode_strv(file, e, "sources", &p->sources, &p->nsources, err)) != ECCN_OK)
        return rc;
    if (p->nsources == 0)
        return eccn_fail(err, ECCN_EINPUT, file, e->line, e->col,
                         "%s: every catalogue entry needs `sources:`", p->id);
    const ynode *m = ynode_get(e, "match");
    if (m) {
        p->pattern_line = m->line;
        p->pattern_col = m->col;
    }
    if (eccn_catalog_find_id(cat, p->id) != p)
        return eccn_fail(err, ECCN_EINPUT, file, e->line, e->col, "duplicate id '%s'", p->id);
    if ((rc = load_figures(file, e, p, err)) != ECCN_OK)
        return rc;
    if ((rc = load_form(file, e, p, err)) != ECCN_OK)
        return rc;
    if (kind == ECCN_PART_SYSTEM) {
        const ynode *cnt = ynode_get(e, "count");
        double c;
        if (cnt &&
            (cnt->kind != YN_SCALAR || !eccn_parse_double(cnt->str, &c) || c < 1 || c != (int)c))
            return eccn_fail(err, ECCN_EINPUT, file, cnt->line, cnt->col,
                             "count: expected a whole number >= 1");
        p->count = cnt ? (int)c : 0;
        const ynode *comp = ynode_get(e, "contains");
        if (!comp || comp->kind != YN_SCALAR)
            return eccn_fail(err, ECCN_EINPUT, file, e->line, e->col,
                             "%s: a system needs `contains:` naming the IC it carries", p->id);
        const eccn_part *ic = eccn_catalog_find_id(cat, comp->str);
        if (!ic || ic->kind != ECCN_PART_IC)
            return eccn_fail(err, ECCN_EINPUT, file, comp->line, comp->col,
                             "contains: '%s' is not an IC listed above", comp->str);
        p->component = ic;
    }
    return ECCN_OK;
}

int eccn_catalog_load(const ydoc *doc, eccn_catalog **out, eccn_error *err)
{
    const char *path = doc->path;
    eccn_catalog *cat = calloc(1, sizeof *cat);
    int rc = cat ? ECCN_OK : ECCN_ENOMEM;
    *out = NULL;
    if (rc == ECCN_OK && !(cat->path = eccn_strdup(path)))
        rc = ECCN_ENOMEM;
    if (rc != ECCN_OK)
        goto done;
    const ynode *ics = ynode_get(doc->root, "devices");
    const ynode *sys = ynode_get(doc->root, "systems");
    if (!ics || ics->kind != YN_SEQ) {
        rc = eccn_fail(err, ECCN_EINPUT, path, 1, 1, "expected `devices:` with a list of parts");
        goto done;
    }
    if (sys && sys->kind != YN_SEQ) {
        rc = eccn_fail(err, ECCN_EINPUT, path, sys->line, sys->col, "systems: expected a list");
        goto done;
    }
    size_t total = ics->nkids + (sys ? sys->nkids : 0);
    if (!(cat->parts = calloc(total ? total : 1, sizeof *cat->parts))) {
        rc = ECCN_ENOMEM;
        goto done;
    }
    for (size_t i = 0; rc == ECCN_OK && i < ics->nkids; i++)
        rc = load_entry(cat, path, ics->kids[i], ECCN_PART_IC, err);
    for (size_t i = 0; rc == ECCN_OK && sys && i < sys->nkids; i++)
        rc = load_entry(cat, path, sys->kids[i], ECCN_PART_SYSTEM, err);
done:
    if (rc != ECCN_OK) {
        eccn_catalog_free(cat);
        return rc;
    }
    *out = cat;
    return ECCN_OK;
}

void eccn_catalog_use_jit(eccn_catalog *cat)
{
    cat->jit = true;
}

int eccn_catalog_compile(eccn_catalog *cat, eccn_error *err)
{
    if (cat->compiled)
        return ECCN_OK;
    if (!cat->matcher && !(cat->matcher = eccn_rx_matcher_new()))
        return ECCN_ENOMEM;
    for (size_t i = 0; i < cat->n; i++) {
        eccn_part *p = &cat->parts[i];
        if (!p->pattern || p->re)
            continue;
        int rc = eccn_rx_compile(p->pattern, p->id, cat->path, p->pattern_line, p->pattern_col,
                                 &p->re, err);
        if (rc != ECCN_OK)
            return rc;
        if (cat->jit)
            eccn_rx_jit(p->re);
    }
    cat->compiled = true;
    return ECCN_OK;
}

static void trim(const char *s, const char **b, size_t *n)
{
    const char *e = s + strlen(s);
    while (*s && isspace((unsigned char)*s))
        s++;
    while (e > s && isspace((unsigned char)e[-1]))
        e--;
    *b = s;
    *n = (size_t)(e - s);
}

static bool eq_ci_n(const char *a, size_t an, const char *b)
{
    size_t bn = strlen(b);
    if (an != bn)
        return false;
    for (size_t i = 0; i < an; i++)
        if (tolower((unsigned char)a[i]) != tolower((unsigned char)b[i]))
            return false;
    return true;
}

static bool contains_ci(const char *hay, size_t hn, const char *needle)
{
    size_t nn = strlen(needle);
    for (size_t i = 0; nn && i + nn <= hn; i++)
        if (eq_ci_n(hay + i, nn, needle))
            return true;
    return false;
}

const eccn_part *eccn_catalog_find_name(const eccn_catalog *cat, const char *text)
{
    const char *s;
    size_t n;
    const eccn_part *found = NULL;
    trim(text, &s, &n);
    for (size_t i = 0; i < cat->n; i++) {
        const eccn_part *p = &cat->parts[i];
        bool hit = eq_ci_n(s, n, p->id);
        for (size_t j = 0; !hit && j < p->naliases; j++)
            hit = eq_ci_n(s, n, p->aliases[j]);
        if (hit && found && found != p)
            return NULL;
        if (hit)
            found = p;
    }
    return found;
}

static void add_cand(const eccn_part **c, size_t *n, const eccn_part *p)
{
    for (size_t i = 0; i < *n; i++)
        if (c[i] == p)
            return;
    if (*n < MAX_CANDIDATES)
        c[(*n)++] = p;
}

static int pick(const eccn_part **c, size_t n, const char *text, const eccn_part **out,
                eccn_error *err)
{
    if (n == 1) {
        *out = c[0];
        return ECCN_OK;
    }
    char list[512] = "";
    for (size_t i = 0; i < n; i++) {
        size_t l = strlen(list);
        snprintf(list + l, sizeof list - l, "%s%s", i ? ", " : "", c[i]->id);
    }
    return eccn_fail(err, ECCN_EINPUT, NULL, 0, 0, "ambiguous part '%s': could be %s", text, list);
}

/* The entries text fits, from the first step that finds any: exact names, a part number inside,
 * the description patterns, a bare model name shared by variants. */
static int find_cands(eccn_catalog *cat, const char *text, const eccn_part **cand, size_t *nc,
                      eccn_error *err)
{
    const char *s;
    size_t n;
    int rc;
    size_t ncand = 0;
    *nc = 0;
    trim(text, &s, &n);
    if (n == 0)
        return eccn_fail(err, ECCN_EINPUT, NULL, 0, 0, "empty part name");

    /* 1. Exact: id, alias or vendor part number. */
    for (size_t i = 0; i < cat->n; i++) {
        const eccn_part *p = &cat->parts[i];
        bool hit = eq_ci_n(s, n, p->id);
        for (size_t j = 0; !hit && j < p->naliases; j++)
            hit = eq_ci_n(s, n, p->aliases[j]);
        for (size_t j = 0; !hit && j < p->npart_numbers; j++)
            hit = eq_ci_n(s, n, p->part_numbers[j]);
        if (hit)
            add_cand(cand, &ncand, p);
    }

    /* 2. A vendor part number inside a longer description. */
    bool before = ncand != 0;
    for (size_t i = 0; !before && i < cat->n; i++)
        for (size_t j = 0; j < cat->parts[i].npart_numbers; j++)
            if (contains_ci(s, n, cat->parts[i].part_numbers[j]))
                add_cand(cand, &ncand, &cat->parts[i]);

    /* 3. Free text against the description patterns. */
    if (!ncand && (rc = eccn_catalog_compile(cat, err)) != ECCN_OK)
        return rc;
    before = ncand != 0;
    for (size_t i = 0; !before && i < cat->n; i++) {
        const eccn_part *p = &cat->parts[i];
        if (!p->re)
            continue;
        eccn_rx_result m = eccn_rx_match(cat->matcher, p->re, s, n);
        if (m == ECCN_RX_YES)
            add_cand(cand, &ncand, p);
        else if (m == ECCN_RX_LIMIT)
            return eccn_fail(err, ECCN_EINPUT, cat->path, p->pattern_line, p->pattern_col,
                             "%s: pattern exceeded its match limit on '%s'", p->id, text);
    }

    /* 4. A bare model name shared by several variants ("H100") is ambiguous, not unknown. */
    before = ncand != 0;
    for (size_t i = 0; !before && i < cat->n; i++)
        if (eq_ci_n(s, n, cat->parts[i].model))
            add_cand(cand, &ncand, &cat->parts[i]);
    *nc = ncand;
    return ECCN_OK;
}

int eccn_catalog_candidates(eccn_catalog *cat, const char *text, const eccn_part **cand, size_t *n,
                            eccn_error *err)
{
    return find_cands(cat, text, cand, n, err);
}

int eccn_catalog_resolve(eccn_catalog *cat, const char *text, const eccn_part **out,
                         eccn_error *err)
{
    const eccn_part *cand[MAX_CANDIDATES];
    size_t ncand = 0;
    int rc;
    *out = NULL;
    if ((rc = find_cands(cat, text, cand, &ncand, err)) != ECCN_OK)
        return rc;
    if (ncand)
        return pick(cand, ncand, text, out, err);

    /* Unknown: suggest the nearest ids and aliases. */
    const char *best[3] = {0};
    int bestd[3] = {99, 99, 99};
    for (size_t i = 0; i < cat->n; i++) {
        const eccn_part *p = &cat->parts[i];
        /* The nearest of the entry's names: id, model, and every alias. */
        int d = eccn_edit_distance(text, p->id, 99);
        int dm = eccn_edit_distance(text, p->model, 99);
        d = dm < d ? dm : d;
        for (size_t j = 0; j < p->naliases; j++) {
            int da = eccn_edit_distance(text, p->aliases[j], 99);
            d = da < d ? da : d;
        }
        for (int k = 0; k < 3; k++) {
            if (d >= bestd[k])
                continue;
            for (int q = 2; q > k; q--) {
                best[q] = best[q - 1];
                bestd[q] = bestd[q - 1];
            }
            best[k] = p->id;
            bestd[k] = d;
            break;
        }
    }
    return eccn_fail(err, ECCN_ENOTFOUND, NULL, 0, 0,
                     "unknown part '%s'; nearest catalogue entries: %s, %s, %s", text,
                     best[0] ? best[0] : "-", best[1] ? best[1] : "-", best[2] ? best[2] : "-");
}
