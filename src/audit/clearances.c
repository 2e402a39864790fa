/* clearances.c: the recorded reviews of possible matches, loaded and recorded (clearances.h). */
#include "clearances.h"

#include "clearance.h"

#include <stdlib.h>
#include <string.h>

static const char *keep(eccn_clearances *c, const char *s)
{
    char **g = eccn_grow(c->strings, &c->strings_cap, c->nstrings + 1, sizeof *g, 64);
    char *copy = g ? eccn_strdup(s ? s : "") : NULL;
    if (!copy)
        return NULL;
    c->strings = g;
    return c->strings[c->nstrings++] = copy;
}

static int add_row(const eccn_clearance_row *r, void *ctx)
{
    eccn_clearances *c = ctx;
    eccn_party_clearance *g = eccn_grow(c->v, &c->cap, c->n + 1, sizeof *g, 16);
    if (!g)
        return ECCN_ENOMEM;
    c->v = g;
    eccn_party_clearance *p = &g[c->n];
    if (!(p->norm_name = keep(c, r->norm_name)) || !(p->country = keep(c, r->country)) ||
        !(p->entry_hash = keep(c, r->entry_hash)) || !(p->user = keep(c, r->user)) ||
        !(p->date = keep(c, r->created_at)) || !(p->reason = keep(c, r->reason)))
        return ECCN_ENOMEM;
    c->n++;
    return ECCN_OK;
}

int eccn_clearances_load(eccn_ledger *l, eccn_clearances *out, eccn_error *err)
{
    memset(out, 0, sizeof *out);
    return l ? eccn_clearance_each(l, add_row, out, err) : ECCN_OK;
}

void eccn_clearances_free(eccn_clearances *c)
{
    for (size_t i = 0; i < c->nstrings; i++)
        free(c->strings[i]);
    free(c->strings);
    free(c->v);
    memset(c, 0, sizeof *c);
}

int eccn_clearances_record(eccn_ledger *l, const eccn_screen_lists *lists,
                           const eccn_party_finding *f, const char *user, const char *reason,
                           size_t *n, eccn_error *err)
{
    const eccn_screen_result *r = &f->result;
    eccn_clearance_row *rows = calloc(r->nmatches ? r->nmatches : 1, sizeof *rows);
    char(*hashes)[65] = calloc(r->nmatches ? r->nmatches : 1, sizeof *hashes);
    eccn_buf norm = {0};
    char now[21];
    int rc = rows && hashes ? eccn_screen_normalise(r->query, &norm) : ECCN_ENOMEM;
    *n = 0;
    eccn_utc_now(now);
    for (size_t i = 0; rc == ECCN_OK && i < r->nmatches; i++) {
        const eccn_screen_entry *e = r->matches[i].entry;
        if ((rc = eccn_screen_entry_hash(e, hashes[i])) != ECCN_OK)
            break;
        rows[i] = (eccn_clearance_row){.created_at = now,
                                       .user = user,
                                       .name = r->query,
                                       .norm_name = norm.data ? norm.data : "",
                                       .country = r->country,
                                       .reason = reason,
                                       .lists_revision = eccn_screen_lists_info(lists)->revision,
                                       .list = e->list,
                                       .entity_number = e->entity_number,
                                       .entry_name = e->name,
                                       .entry_hash = hashes[i]};
    }
    if (rc == ECCN_OK && r->nmatches &&
        (rc = eccn_clearance_add(l, rows, r->nmatches, err)) == ECCN_OK)
        *n = r->nmatches;
    eccn_buf_free(&norm);
    free(rows);
    free(hashes);
    return rc;
}
