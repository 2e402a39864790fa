/* serve.c: `eccn serve` (serve.h): startup, the signal loop and reloads. */
#include "serve_internal.h"

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static void logf_(const srv *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void logf_(const srv *s, const char *fmt, ...)
{
    char line[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (s->cfg->log)
        s->cfg->log(line, s->cfg->ctx);
}

/* SIGHUP: a new revision, built whole, then swapped in; a failure keeps the one answering. */
static void reload(srv *s, long *number)
{
    eccn_error err = {0};
    srv_rev *r = NULL;
    if (srv_rev_load(s->cfg, *number + 1, &r, &err) != ECCN_OK) {
        char msg[1600];
        eccn_error_format(&err, msg, sizeof msg);
        logf_(s, "reload failed, revision %ld goes on answering: %s", *number, msg);
        srv_metrics_reload(s->metrics, false);
        return;
    }
    ++*number;
    srv_rev_swap(&s->revs, r);
    srv_metrics_reload(s->metrics, true);
    logf_(s, "reloaded: revision %ld, rules revision %s, %zu clients", *number, r->rs->revision,
          r->tokens.n);
}

static int wait_signals(srv *s, const sigset_t *set, long number)
{
    for (;;) {
        int sig = 0;
        if (sigwait(set, &sig) != 0)
            return ECCN_EIO;
        if (sig == SIGHUP)
            reload(s, &number);
        else {
            logf_(s, "%s: stopping", sig == SIGINT ? "SIGINT" : "SIGTERM");
            return ECCN_OK;
        }
    }
}

int eccn_serve_run(const eccn_serve_config *cfg, eccn_error *err)
{
    srv s = {.cfg = cfg};
    srv_http *h = NULL;
    srv_rev *first = NULL;
    sigset_t set, old;
    sigemptyset(&set);
    sigaddset(&set, SIGHUP);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    /* Before any thread starts, so that every thread inherits the mask and only sigwait sees
     * them. */
    pthread_sigmask(SIG_BLOCK, &set, &old);
    pthread_mutex_init(&s.revs.lock, NULL);
    pthread_mutex_init(&s.reader_lock, NULL);
    int rc = srv_rev_load(cfg, 1, &first, err);
    if (rc == ECCN_OK) {
        s.revs.current = first;
        rc = (s.metrics = srv_metrics_new()) ? ECCN_OK : ECCN_ENOMEM;
    }
    if (rc == ECCN_OK) /* a damaged ledger accepts nothing: checked once, before serving */
        rc = eccn_ledger_quick_check(cfg->ledger, err);
    if (rc == ECCN_OK)
        rc = eccn_ledger_open_existing(eccn_ledger_path(cfg->ledger), &s.reader, err);
    if (rc == ECCN_OK)
        rc = srv_writer_start(cfg->ledger, s.metrics, &s.writer, err);
    if (rc == ECCN_OK)
        rc = srv_http_start(&s, &h, err);
    if (rc == ECCN_OK) {
        logf_(&s, "rules revision %s, %zu clients, ledger %s", first->rs->revision, first->tokens.n,
              eccn_ledger_path(cfg->ledger));
        rc = wait_signals(&s, &set, 1);
    }
    srv_http_stop(h); /* every connection answered and closed before the writer stops */
    srv_writer_stop(s.writer);
    eccn_ledger_close(s.reader);
    srv_metrics_free(s.metrics);
    if (s.revs.current)
        srv_rev_release(s.revs.current);
    pthread_mutex_destroy(&s.reader_lock);
    pthread_mutex_destroy(&s.revs.lock);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return rc;
}
