/* revision.c: what `eccn serve` answers from, loaded whole or not at all (serve_internal.h). */
#include "serve_internal.h"

#include <stdlib.h>

int srv_rev_load(const eccn_serve_config *cfg, long number, srv_rev **out, eccn_error *err)
{
    srv_rev *r = calloc(1, sizeof *r);
    *out = NULL;
    if (!r)
        return ECCN_ENOMEM;
    int rc = eccn_ruleset_open(cfg->rules_dir, cfg->data_dir, NULL, 0, &r->rs, err);
    if (rc == ECCN_OK)
        rc = eccn_screen_lists_load(cfg->data_dir, &r->lists, err);
    if (rc == ECCN_OK)
        rc = srv_tokens_load(cfg->tokens_path, &r->tokens, err);
    if (rc != ECCN_OK) {
        srv_tokens_free(&r->tokens);
        eccn_screen_lists_free(r->lists);
        eccn_ruleset_free(r->rs);
        free(r);
        return rc;
    }
    pthread_mutex_init(&r->engine, NULL);
    pthread_mutex_init(&r->screen, NULL);
    atomic_init(&r->refs, 1); /* the holder's */
    r->number = number;
    *out = r;
    return ECCN_OK;
}

srv_rev *srv_rev_acquire(srv_revs *h)
{
    pthread_mutex_lock(&h->lock);
    srv_rev *r = h->current;
    atomic_fetch_add(&r->refs, 1);
    pthread_mutex_unlock(&h->lock);
    return r;
}

void srv_rev_release(srv_rev *r)
{
    if (!r || atomic_fetch_sub(&r->refs, 1) != 1)
        return;
    pthread_mutex_destroy(&r->engine);
    pthread_mutex_destroy(&r->screen);
    srv_tokens_free(&r->tokens);
    eccn_screen_lists_free(r->lists);
    eccn_ruleset_free(r->rs);
    free(r);
}

void srv_rev_swap(srv_revs *h, srv_rev *r)
{
    pthread_mutex_lock(&h->lock);
    srv_rev *old = h->current;
    h->current = r;
    pthread_mutex_unlock(&h->lock);
    srv_rev_release(old);
}
