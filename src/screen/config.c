/* config.c: data/screening.yaml, the matching settings (see screen_internal.h). */
#include "screen_internal.h"

#include "ydoc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A number in [lo, hi] at map.key. */
static int number(const char *file, const ynode *map, const char *key, double lo, double hi,
                  double *out, eccn_error *err)
{
    const ynode *n = map ? ynode_get(map, key) : NULL;
    if (!n)
        return eccn_fail(err, ECCN_EINPUT, file, map ? map->line : 1, map ? map->col : 1,
                         "missing required `%s:`", key);
    if (n->kind != YN_SCALAR || !eccn_parse_double(n->str, out) || *out < lo || *out > hi)
        return eccn_fail(err, ECCN_EINPUT, file, n->line, n->col,
                         "%s: expected a number from %g to %g", key, lo, hi);
    return ECCN_OK;
}

/* Words written as the normaliser writes them, so that the file cannot hold a word no name can
 * ever contain. */
static int words(const char *file, const ynode *root, const char *key, char ***out, size_t *n,
                 eccn_error *err)
{
    int rc = ynode_strv(file, root, key, out, n, err);
    eccn_buf b = {0};
    for (size_t i = 0; rc == ECCN_OK && i < *n; i++) {
        if ((rc = eccn_screen_normalise((*out)[i], &b)) != ECCN_OK)
            break;
        if (strcmp(b.data, (*out)[i]) != 0) {
            const ynode *at = ynode_get(root, key)->kids[i];
            rc = eccn_fail(err, ECCN_EINPUT, file, at->line, at->col,
                           "%s: '%s' is not one normalised word (write '%s')", key, (*out)[i],
                           b.data);
        }
    }
    eccn_buf_free(&b);
    return rc;
}

/* Whether a map's key or value is acceptable: an ISO code, or one normalised word. */
static bool iso_code(const ynode *k, bool value)
{
    return !value || (k->len == 2 && k->str[0] >= 'A' && k->str[0] <= 'Z' && k->str[1] >= 'A' &&
                      k->str[1] <= 'Z');
}

static bool effect_word(const ynode *k, bool value)
{
    return !value || strcmp(k->str, "license_required") == 0 || strcmp(k->str, "denied") == 0;
}

static bool any_text(const ynode *k, bool value)
{
    (void)value;
    return k->len > 0;
}

static bool one_word(const ynode *k, bool value)
{
    eccn_buf b = {0};
    bool ok = eccn_screen_normalise(k->str, &b) == ECCN_OK && b.data[0] &&
              strcmp(b.data, k->str) == 0 && !strchr(b.data, ' ');
    eccn_buf_free(&b);
    return ok;
}

/* A mapping of strings at root.key into out (key, value, key, value ...; *n strings), each
 * scalar accepted by ok, or an error saying what was expected. */
static int pairs(const char *file, const ynode *root, const char *key,
                 bool (*ok)(const ynode *k, bool value), const char *expected, char ***out,
                 size_t *n, eccn_error *err)
{
    const ynode *m = ynode_get(root, key);
    if (ynode_is_null(m))
        return ECCN_OK;
    if (m->kind != YN_MAP)
        return eccn_fail(err, ECCN_EINPUT, file, m->line, m->col, "%s: expected a mapping %s", key,
                         expected);
    if (!(*out = calloc(m->nkids ? m->nkids : 1, sizeof(char *))))
        return ECCN_ENOMEM;
    for (size_t i = 0; i < m->nkids; i++) {
        const ynode *k = m->kids[i];
        if (k->kind != YN_SCALAR || !ok(k, i % 2 == 1))
            return eccn_fail(err, ECCN_EINPUT, file, k->line, k->col, "%s: expected a mapping %s",
                             key, expected);
        if (!((*out)[i] = eccn_strdup(k->str)))
            return ECCN_ENOMEM;
        (*n)++;
    }
    return ECCN_OK;
}

int scr_config_load(const char *data_dir, scr_config *cfg, eccn_error *err)
{
    char path[4096];
    ydoc *doc = NULL;
    const ynode *th, *sc;
    double v[12];
    memset(cfg, 0, sizeof *cfg);
    snprintf(path, sizeof path, "%s/screening.yaml", data_dir);
    int rc = ydoc_load_file(path, &doc, err);
    if (rc != ECCN_OK)
        return rc;
    if (!doc->root || doc->root->kind != YN_MAP) {
        rc = eccn_fail(err, ECCN_EINPUT, path, 1, 1,
                       "expected a mapping with thresholds, scoring and the word lists");
        goto done;
    }
    th = ynode_get(doc->root, "thresholds");
    sc = ynode_get(doc->root, "scoring");
    if ((rc = number(path, th, "hit", 0, 1, &v[0], err)) != 0 ||
        (rc = number(path, th, "review", 0, 1, &v[1], err)) != 0 ||
        (rc = number(path, sc, "listed_weight", 0, 1, &v[2], err)) != 0 ||
        (rc = number(path, sc, "country_factor", 0.01, 1, &v[3], err)) != 0 ||
        (rc = number(path, sc, "qualifier_weight", 0, 1, &v[4], err)) != 0 ||
        (rc = number(path, sc, "typo_penalty", 0, 0.5, &v[5], err)) != 0 ||
        (rc = number(path, sc, "typo_min_length", 2, 64, &v[6], err)) != 0 ||
        (rc = number(path, sc, "typo2_min_length", 2, 64, &v[7], err)) != 0 ||
        (rc = number(path, sc, "max_matches", 1, 1000, &v[8], err)) != 0 ||
        (rc = number(path, sc, "floor_df", 1, 1e9, &v[9], err)) != 0 ||
        (rc = number(path, sc, "typo3_min_length", 2, 64, &v[10], err)) != 0)
        goto done;
    if (v[1] > v[0]) {
        const ynode *at = ynode_get(th, "review");
        rc = eccn_fail(err, ECCN_EINPUT, path, at->line, at->col,
                       "review: must not be above hit (%g)", v[0]);
        goto done;
    }
    cfg->hit = v[0], cfg->review = v[1], cfg->listed_weight = v[2], cfg->country_factor = v[3];
    cfg->qualifier_weight = v[4], cfg->typo_penalty = v[5];
    cfg->typo_min_length = (int)v[6], cfg->typo2_min_length = (int)v[7];
    cfg->max_matches = (int)v[8];
    cfg->floor_df = v[9];
    cfg->typo3_min_length = (int)v[10];
    if ((rc = words(path, doc->root, "legal_forms", &cfg->legal_forms, &cfg->nlegal_forms, err)) !=
            0 ||
        (rc = words(path, doc->root, "stopwords", &cfg->stopwords, &cfg->nstopwords, err)) != 0 ||
        (rc = words(path, doc->root, "qualifiers", &cfg->qualifiers, &cfg->nqualifiers, err)) != 0)
        goto done;
    if ((rc = pairs(path, doc->root, "country_aliases", iso_code,
                    "of the source's words to ISO 3166-1 alpha-2 codes (WORD: CC)",
                    &cfg->country_aliases, &cfg->ncountry_aliases, err)) == ECCN_OK)
        rc = pairs(path, doc->root, "abbreviations", one_word,
                   "of abbreviations to words, each one normalised word (intl: international)",
                   &cfg->abbreviations, &cfg->nabbreviations, err);
    if (rc == ECCN_OK)
        rc = pairs(path, doc->root, "effects", effect_word,
                   "of list codes to license_required or denied", &cfg->effects, &cfg->neffects,
                   err);
    if (rc == ECCN_OK)
        rc = pairs(path, doc->root, "effect_citations", any_text,
                   "of list codes to the rule that gives the effect", &cfg->effect_citations,
                   &cfg->neffect_citations, err);
done:
    if (rc != ECCN_OK)
        scr_config_free(cfg);
    ydoc_free(doc);
    return rc;
}

void scr_config_free(scr_config *cfg)
{
    free(cfg->legal_forms);
    free(cfg->stopwords);
    free(cfg->qualifiers);
    for (size_t i = 0; i < cfg->ncountry_aliases; i++)
        free(cfg->country_aliases[i]);
    free(cfg->country_aliases);
    for (size_t i = 0; i < cfg->nabbreviations; i++)
        free(cfg->abbreviations[i]);
    free(cfg->abbreviations);
    char **owned[] = {cfg->effects, cfg->effect_citations};
    size_t nowned[] = {cfg->neffects, cfg->neffect_citations};
    for (size_t k = 0; k < 2; k++) {
        for (size_t i = 0; i < nowned[k]; i++)
            free(owned[k][i]);
        free(owned[k]);
    }
    memset(cfg, 0, sizeof *cfg);
}

int scr_allowed_edits(const scr_config *cfg, size_t n)
{
    if (n >= (size_t)cfg->typo3_min_length)
        return 3;
    return n >= (size_t)cfg->typo2_min_length ? 2 : n >= (size_t)cfg->typo_min_length ? 1 : 0;
}
