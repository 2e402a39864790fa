/*
 * party.c: see party.h. The effect of each list is data (data/screening.yaml, `effects`).
 */
#include "party.h"

#include "screen_internal.h"

#include "digest.h"

#include <stdio.h>
#include <string.h>

static const char *pair_value(char *const *pairs, size_t n, const char *key)
{
    for (size_t i = 0; i + 1 < n; i += 2)
        if (strcmp(pairs[i], key) == 0)
            return pairs[i + 1];
    return NULL;
}

/* The effect of the matches in f->result (those a clearance set aside are gone from it). */
static void decide(const eccn_screen_lists *l, eccn_party_finding *f)
{
    eccn_screen_result *r = &f->result;
    f->match = NULL;
    f->effect = ECCN_PARTY_CLEAR;
    f->citation = "";
    if (!r->nmatches) {
        r->verdict = ECCN_SCREEN_CLEAR;
        return;
    }
    r->verdict = r->matches[0].score >= l->cfg.hit ? ECCN_SCREEN_HIT : ECCN_SCREEN_REVIEW;
    f->match = &r->matches[0];
    f->effect = ECCN_PARTY_REVIEW;
    if (r->verdict != ECCN_SCREEN_HIT)
        return;
    /* The strongest effect among the hits, best match first among equals. */
    f->effect = ECCN_PARTY_OUTSIDE_EAR;
    for (size_t i = 0; i < r->nmatches; i++) {
        const eccn_screen_match *m = &r->matches[i];
        if (m->score < l->cfg.hit)
            break;
        const char *e = pair_value(l->cfg.effects, l->cfg.neffects, m->entry->list);
        eccn_party_effect eff = !e                         ? ECCN_PARTY_OUTSIDE_EAR
                                : strcmp(e, "denied") == 0 ? ECCN_PARTY_DENIED
                                                           : ECCN_PARTY_LICENSE_REQUIRED;
        if (eff == ECCN_PARTY_DENIED ||
            (eff == ECCN_PARTY_LICENSE_REQUIRED && f->effect == ECCN_PARTY_OUTSIDE_EAR)) {
            f->effect = eff;
            f->match = m;
            const char *c =
                pair_value(l->cfg.effect_citations, l->cfg.neffect_citations, m->entry->list);
            f->citation = c ? c : "";
        }
    }
}

int eccn_party_screen(eccn_screen_lists *l, const char *role, const char *name, const char *country,
                      eccn_party_finding *out, eccn_error *err)
{
    memset(out, 0, sizeof *out);
    out->role = role;
    out->citation = "";
    int rc = eccn_screen_query(l, name, country, &out->result, err);
    if (rc == ECCN_OK)
        decide(l, out);
    return rc;
}

static void hash_field(eccn_digest *d, const char *s)
{
    eccn_digest_update(d, s, strlen(s) + 1); /* with its NUL: no field runs into the next */
}

int eccn_screen_entry_hash(const eccn_screen_entry *e, char out[65])
{
    const char *fields[] = {e->name,
                            e->list,
                            e->source,
                            e->entity_number,
                            e->type,
                            e->programs,
                            e->countries,
                            e->federal_register_notice,
                            e->license_requirement,
                            e->license_policy};
    eccn_digest *d = eccn_digest_new();
    if (!d)
        return ECCN_ENOMEM;
    for (size_t i = 0; i < sizeof fields / sizeof *fields; i++)
        hash_field(d, fields[i]);
    for (size_t i = 0; i < e->nalt_names; i++)
        hash_field(d, e->alt_names[i]);
    int rc = eccn_digest_hex(d, out);
    eccn_digest_free(d);
    return rc;
}

static const eccn_party_clearance *clearance_of(const eccn_screen_entry *e, const char *norm,
                                                const char *country, const eccn_party_clearance *c,
                                                size_t n)
{
    char hash[65];
    bool hashed = false;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(c[i].norm_name, norm) != 0 ||
            (c[i].country[0] && strcmp(c[i].country, country) != 0))
            continue;
        if (!hashed && eccn_screen_entry_hash(e, hash) != ECCN_OK)
            return NULL;
        hashed = true;
        if (strcmp(c[i].entry_hash, hash) == 0)
            return &c[i];
    }
    return NULL;
}

int eccn_party_apply_clearances(eccn_screen_lists *l, eccn_party_finding *f,
                                const eccn_party_clearance *c, size_t n)
{
    eccn_screen_result *r = &f->result;
    eccn_buf norm = {0};
    if (!n || !r->nmatches)
        return ECCN_OK;
    if (eccn_screen_normalise(r->query, &norm) != ECCN_OK || !norm.data) {
        eccn_buf_free(&norm);
        return ECCN_ENOMEM;
    }
    size_t kept = 0;
    for (size_t i = 0; i < r->nmatches; i++) {
        const eccn_party_clearance *by =
            clearance_of(r->matches[i].entry, norm.data, r->country, c, n);
        if (by && f->ncleared < ECCN_PARTY_MAX_CLEARED)
            f->cleared[f->ncleared++] = (eccn_party_cleared){r->matches[i].entry, by};
        else
            r->matches[kept++] = r->matches[i];
    }
    r->nmatches = kept;
    eccn_buf_free(&norm);
    decide(l, f);
    return ECCN_OK;
}

const char *eccn_party_cleared_text(const eccn_party_finding *f, char *buf, size_t size)
{
    buf[0] = '\0';
    if (f->ncleared) {
        const eccn_party_clearance *c = f->cleared[0].by;
        snprintf(buf, size, "cleared by %s on %.10s: %s", c->user, c->date, c->reason);
    }
    return buf;
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

void eccn_party_provision(const eccn_party_finding *f, char *id, size_t idsz, char *title,
                          size_t titlesz)
{
    const eccn_screen_entry *e = f->match ? f->match->entry : NULL;
    snprintf(id, idsz, "screening:%s%s%s", e ? e->list : "clear",
             e && e->entity_number[0] ? ":" : "", e ? e->entity_number : "");
    title[0] = '\0';
    if (e)
        snprintf(title, titlesz, "%s%s%s: %s on the %s (%s)", f->role ? f->role : "",
                 f->role ? " " : "", f->effect == ECCN_PARTY_REVIEW ? "possibly" : "listed",
                 e->name, e->list, eccn_party_effect_name(f->effect));
}

void eccn_party_finding_json(const eccn_party_finding *f, jsonw *w)
{
    const eccn_screen_entry *e = f->match ? f->match->entry : NULL;
    char id[96], title[600];
    eccn_party_provision(f, id, sizeof id, title, sizeof title);
    jsonw_obj_begin(w);
    jsonw_kv_str(w, "kind", "screening");
    jsonw_kv_str(w, "id", id);
    jsonw_kv_str(w, "title", e ? title : NULL);
    jsonw_kv_str(w, "role", f->role);
    jsonw_kv_str(w, "effect", eccn_party_effect_name(f->effect));
    jsonw_kv_str(w, "citation", f->citation[0] ? f->citation : NULL);
    jsonw_key(w, "entry"); /* the deciding match's entry, null when clear */
    if (e) {
        jsonw_obj_begin(w);
        jsonw_kv_str(w, "list", e->list);
        jsonw_kv_str(w, "name", e->name);
        jsonw_kv_str(w, "entity_number", e->entity_number);
        jsonw_obj_end(w);
    } else
        jsonw_null(w);
    jsonw_key(w, "cleared");
    jsonw_arr_begin(w);
    for (size_t i = 0; i < f->ncleared; i++) {
        const eccn_party_cleared *c = &f->cleared[i];
        jsonw_obj_begin(w);
        jsonw_kv_str(w, "list", c->entry->list);
        jsonw_kv_str(w, "name", c->entry->name);
        jsonw_kv_str(w, "entity_number", c->entry->entity_number);
        jsonw_kv_str(w, "by", c->by->user);
        jsonw_kv_str(w, "on", c->by->date);
        jsonw_kv_str(w, "reason", c->by->reason);
        jsonw_obj_end(w);
    }
    jsonw_arr_end(w);
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
