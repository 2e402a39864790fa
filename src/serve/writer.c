/* writer.c: group commit (serve_internal.h). One thread owns the ledger connection. Requests
 * queue their verdicts and wait; the thread takes every verdict queued so far, records them in
 * one transaction (one fsync), and wakes their requests. While it syncs, the next ones gather. */
#include "serve_internal.h"

#include <stdlib.h>

enum { BATCH_MAX = 512 }; /* verdicts in one transaction at most */

struct srv_writer {
    eccn_ledger *l;
    srv_metrics *metrics;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t queued, committed;
    srv_job *head, **tail;
    bool stop;
};

/* Takes up to BATCH_MAX jobs off the queue, in arrival order. */
static size_t take(srv_writer *w, srv_job **jobs)
{
    size_t n = 0;
    while (w->head && n < BATCH_MAX) {
        jobs[n++] = w->head;
        w->head = w->head->next;
    }
    if (!w->head)
        w->tail = &w->head;
    return n;
}

static void *run(void *arg)
{
    srv_writer *w = arg;
    srv_job **jobs = malloc(BATCH_MAX * sizeof *jobs);
    eccn_verdict_entry *v = malloc(BATCH_MAX * sizeof *v);
    pthread_mutex_lock(&w->lock);
    for (;;) {
        while (!w->head && !w->stop)
            pthread_cond_wait(&w->queued, &w->lock);
        if (!w->head && w->stop)
            break;
        size_t n = take(w, jobs);
        pthread_mutex_unlock(&w->lock);
        eccn_error err = {0};
        int rc = jobs && v ? ECCN_OK : ECCN_ENOMEM;
        for (size_t i = 0; rc == ECCN_OK && i < n; i++)
            v[i] = jobs[i]->entry;
        if (rc == ECCN_OK)
            rc = eccn_ledger_add_verdicts(w->l, v, n, &err);
        if (rc == ECCN_OK)
            srv_metrics_commit(w->metrics, n);
        pthread_mutex_lock(&w->lock);
        for (size_t i = 0; i < n; i++) {
            jobs[i]->rc = rc;
            jobs[i]->err = err;
            jobs[i]->entry.id = rc == ECCN_OK ? v[i].id : 0;
            jobs[i]->done = true;
        }
        pthread_cond_broadcast(&w->committed);
    }
    pthread_mutex_unlock(&w->lock);
    free(jobs);
    free(v);
    return NULL;
}

int srv_writer_start(eccn_ledger *l, srv_metrics *m, srv_writer **out, eccn_error *err)
{
    srv_writer *w = calloc(1, sizeof *w);
    *out = NULL;
    if (!w)
        return ECCN_ENOMEM;
    w->l = l;
    w->metrics = m;
    w->tail = &w->head;
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->queued, NULL);
    pthread_cond_init(&w->committed, NULL);
    if (pthread_create(&w->thread, NULL, run, w) != 0) {
        pthread_cond_destroy(&w->queued);
        pthread_cond_destroy(&w->committed);
        pthread_mutex_destroy(&w->lock);
        free(w);
        return eccn_fail(err, ECCN_EIO, NULL, 0, 0, "cannot start the ledger writer thread");
    }
    *out = w;
    return ECCN_OK;
}

void srv_writer_submit(srv_writer *w, srv_job *job)
{
    job->next = NULL;
    job->done = false;
    pthread_mutex_lock(&w->lock);
    *w->tail = job;
    w->tail = &job->next;
    pthread_cond_signal(&w->queued);
    while (!job->done)
        pthread_cond_wait(&w->committed, &w->lock);
    pthread_mutex_unlock(&w->lock);
}

void srv_writer_stop(srv_writer *w)
{
    if (!w)
        return;
    pthread_mutex_lock(&w->lock);
    w->stop = true;
    pthread_cond_signal(&w->queued);
    pthread_mutex_unlock(&w->lock);
    pthread_join(w->thread, NULL);
    pthread_cond_destroy(&w->queued);
    pthread_cond_destroy(&w->committed);
    pthread_mutex_destroy(&w->lock);
    free(w);
}
