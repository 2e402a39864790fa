/*
 * party.c: see party.h. The effect of each list is data (data/screening.yaml, `effects`).
 */
#include "party.h"

#include "screen_internal.h"

#include <string.h>

static const char *pair_value(char *const *pairs, size_t n, const char *key)
{
    for (size_t i = 0; i + 1 < n; i += 2)
        if (strcmp(pairs[i], key) == 0)
            return pairs[i + 1];
    return NULL;
}

int eccn_party_screen(eccn_screen_lists *l, const char *role, const char *name, const char *country,
                      eccn_party_finding *out, eccn_error *err)
{
    memset(out, 0, sizeof *out);
    out->role = role;
    out->citation = "";
    int rc = eccn_screen_query(l, name, country, &out->result, err);
    if (rc != ECCN_OK || out->result.verdict == ECCN_SCREEN_CLEAR || !out->result.nmatches)
        return rc;
    out->match = &out->result.matches[0];
    out->effect = ECCN_PARTY_REVIEW;
    if (out->result.verdict != ECCN_SCREEN_HIT)
        return ECCN_OK;
    /* The strongest effect among the hits, best match first among equals. */
    out->effect = ECCN_PARTY_OUTSIDE_EAR;
    for (size_t i = 0; i < out->result.nmatches; i++) {
        const eccn_screen_match *m = &out->result.matches[i];
        if (m->score < l->cfg.hit)
            break;
        const char *e = pair_value(l->cfg.effects, l->cfg.neffects, m->entry->list);
        eccn_party_effect eff = !e                         ? ECCN_PARTY_OUTSIDE_EAR
                                : strcmp(e, "denied") == 0 ? ECCN_PARTY_DENIED
                                                           : ECCN_PARTY_LICENSE_REQUIRED;
        if (eff == ECCN_PARTY_DENIED ||
            (eff == ECCN_PARTY_LICENSE_REQUIRED && out->effect == ECCN_PARTY_OUTSIDE_EAR)) {
            out->effect = eff;
            out->match = m;
            const char *c =
                pair_value(l->cfg.effect_citations, l->cfg.neffect_citations, m->entry->list);
            out->citation = c ? c : "";
        }
    }
    return ECCN_OK;
}

void eccn_party_finding_free(eccn_party_finding *f)
{
    eccn_screen_result_free(&f->result);
    memset(f, 0, sizeof *f);
}

const char *eccn_party_effect_name(eccn_party_effect e)
{
    static const char *const NAMES[] = {"clear", "license_required", "denied", "outside_ear",
                                        "review"};
    return NAMES[e];
}

void eccn_party_finding_json(const eccn_party_finding *f, jsonw *w)
{
    jsonw_obj_begin(w);
    jsonw_kv_str(w, "role", f->role);
    jsonw_kv_str(w, "effect", eccn_party_effect_name(f->effect));
    jsonw_kv_str(w, "citation", f->citation[0] ? f->citation : NULL);
    jsonw_key(w, "screening");
    eccn_screen_result_json(&f->result, w);
    jsonw_obj_end(w);
}

eccn_verdict eccn_party_verdict(eccn_verdict part, const eccn_party_finding *f, size_t n)
{
    eccn_verdict v = part;
    for (size_t i = 0; i < n; i++) {
        if (f[i].effect == ECCN_PARTY_LICENSE_REQUIRED || f[i].effect == ECCN_PARTY_DENIED)
            return ECCN_V_LICENSE;
        if (f[i].effect != ECCN_PARTY_CLEAR && v != ECCN_V_LICENSE)
            v = ECCN_V_INDETERMINATE;
    }
    return v;
}
