/* metrics.c: what `eccn serve` counts, in Prometheus' text exposition format (docs/serve.md). */
#include "serve_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const route_names[SRV_R_COUNT] = {"classify", "check",   "screen",  "verdicts",
                                                     "rules",    "healthz", "metrics", "other"};
/* The statuses the service answers with; anything else is counted as "other". */
static const int statuses[] = {200, 400, 401, 404, 405, 413, 500, 503};
enum { NSTATUS = sizeof statuses / sizeof *statuses };
/* Latency buckets, seconds: a durable check waits for an fsync, milliseconds on a disk. */
static const double buckets[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                 0.05,   0.1,   0.25,   0.5,   1,    2.5};
enum { NBUCKETS = sizeof buckets / sizeof *buckets };
static const char *const verdict_names[] = {"license_required", "no_license_required",
                                            "indeterminate"};
enum { NVERDICTS = sizeof verdict_names / sizeof *verdict_names };

struct srv_metrics {
    pthread_mutex_t lock;
    unsigned long long requests[SRV_R_COUNT][NSTATUS + 1];
    unsigned long long le[SRV_R_COUNT][NBUCKETS + 1]; /* per bucket; the last is +Inf */
    double seconds[SRV_R_COUNT];
    unsigned long long verdicts[NVERDICTS + 1];
    unsigned long long commits, rows, reloads, reload_failures;
};

srv_metrics *srv_metrics_new(void)
{
    srv_metrics *m = calloc(1, sizeof *m);
    if (m)
        pthread_mutex_init(&m->lock, NULL);
    return m;
}

void srv_metrics_free(srv_metrics *m)
{
    if (!m)
        return;
    pthread_mutex_destroy(&m->lock);
    free(m);
}

void srv_metrics_request(srv_metrics *m, srv_route route, int status, double seconds)
{
    size_t s = 0, b = 0;
    while (s < NSTATUS && statuses[s] != status)
        s++;
    while (b < NBUCKETS && seconds > buckets[b])
        b++;
    pthread_mutex_lock(&m->lock);
    m->requests[route][s]++;
    m->le[route][b]++;
    m->seconds[route] += seconds;
    pthread_mutex_unlock(&m->lock);
}

void srv_metrics_verdict(srv_metrics *m, const char *verdict)
{
    size_t v = 0;
    while (v < NVERDICTS && strcmp(verdict_names[v], verdict) != 0)
        v++;
    pthread_mutex_lock(&m->lock);
    m->verdicts[v]++;
    pthread_mutex_unlock(&m->lock);
}

void srv_metrics_commit(srv_metrics *m, size_t rows)
{
    pthread_mutex_lock(&m->lock);
    m->commits++;
    m->rows += rows;
    pthread_mutex_unlock(&m->lock);
}

void srv_metrics_reload(srv_metrics *m, bool ok)
{
    pthread_mutex_lock(&m->lock);
    if (ok)
        m->reloads++;
    else
        m->reload_failures++;
    pthread_mutex_unlock(&m->lock);
}

static void histogram(const srv_metrics *m, eccn_buf *out)
{
    eccn_buf_puts(out, "# HELP eccn_request_duration_seconds Time from a request's first byte "
                       "to its answer.\n# TYPE eccn_request_duration_seconds histogram\n");
    for (int r = 0; r < SRV_R_COUNT; r++) {
        unsigned long long sum = 0;
        for (int b = 0; b <= NBUCKETS; b++) {
            sum += m->le[r][b];
            if (b < NBUCKETS)
                eccn_buf_printf(out,
                                "eccn_request_duration_seconds_bucket{route=\"%s\",le=\"%g\"} "
                                "%llu\n",
                                route_names[r], buckets[b], sum);
            else
                eccn_buf_printf(out,
                                "eccn_request_duration_seconds_bucket{route=\"%s\",le=\"+Inf\"} "
                                "%llu\n",
                                route_names[r], sum);
        }
        eccn_buf_printf(out, "eccn_request_duration_seconds_sum{route=\"%s\"} %.6f\n",
                        route_names[r], m->seconds[r]);
        eccn_buf_printf(out, "eccn_request_duration_seconds_count{route=\"%s\"} %llu\n",
                        route_names[r], sum);
    }
}

int srv_metrics_text(srv_metrics *m, long revision, eccn_buf *out)
{
    pthread_mutex_lock(&m->lock);
    srv_metrics c = *m;
    pthread_mutex_unlock(&m->lock);
    eccn_buf_puts(out, "# HELP eccn_requests_total Requests answered, by route and status.\n"
                       "# TYPE eccn_requests_total counter\n");
    for (int r = 0; r < SRV_R_COUNT; r++)
        for (int s = 0; s <= NSTATUS; s++)
            if (c.requests[r][s]) {
                char code[8] = "other";
                if (s < NSTATUS)
                    snprintf(code, sizeof code, "%d", statuses[s]);
                eccn_buf_printf(out, "eccn_requests_total{route=\"%s\",status=\"%s\"} %llu\n",
                                route_names[r], code, c.requests[r][s]);
            }
    histogram(&c, out);
    eccn_buf_puts(out, "# HELP eccn_verdicts_total Verdicts recorded, by verdict.\n"
                       "# TYPE eccn_verdicts_total counter\n");
    for (int v = 0; v <= NVERDICTS; v++)
        eccn_buf_printf(out, "eccn_verdicts_total{verdict=\"%s\"} %llu\n",
                        v < NVERDICTS ? verdict_names[v] : "other", c.verdicts[v]);
    return eccn_buf_printf(
        out,
        "# HELP eccn_ledger_commits_total Ledger transactions committed (one fsync each).\n"
        "# TYPE eccn_ledger_commits_total counter\neccn_ledger_commits_total %llu\n"
        "# HELP eccn_ledger_verdicts_written_total Verdict rows committed to the ledger.\n"
        "# TYPE eccn_ledger_verdicts_written_total counter\n"
        "eccn_ledger_verdicts_written_total %llu\n"
        "# HELP eccn_reloads_total Reloads on SIGHUP, by outcome.\n"
        "# TYPE eccn_reloads_total counter\neccn_reloads_total{outcome=\"ok\"} %llu\n"
        "eccn_reloads_total{outcome=\"failed\"} %llu\n"
        "# HELP eccn_revision The revision answering (1 at startup, +1 per reload).\n"
        "# TYPE eccn_revision gauge\neccn_revision %ld\n",
        c.commits, c.rows, c.reloads, c.reload_failures, revision);
}
