/*
 * serve_internal.h: the parts of `eccn serve` (serve.h) and what they share.
 *   serve.c     startup, the signal loop, reloads
 *   revision.c  one revision of rules, data, lists and tokens, refcounted, swapped on SIGHUP
 *   auth.c      the tokens file: salted hashes, checked in constant time
 *   writer.c    the group-commit writer thread
 *   http.c      libmicrohttpd glue: bodies, limits, responses, timing
 *   routes.c    the API: one function per route
 *   fields.c    request bodies: JSON objects of known fields and types
 *   metrics.c   counters and the latency histogram, in Prometheus' text format
 */
#ifndef ECCN_SERVE_INTERNAL_H
#define ECCN_SERVE_INTERNAL_H

#include "ledger.h"
#include "rules.h"
#include "screen.h"
#include "serve.h"

#include <pthread.h>
#include <stdatomic.h>

/* ---- auth.c ---- */
typedef struct srv_token {
    char name[65];
    unsigned char salt[16], hash[32];
} srv_token;

typedef struct srv_tokens {
    srv_token *v;
    size_t n;
} srv_tokens;

int srv_tokens_load(const char *path, srv_tokens *out, eccn_error *err);
void srv_tokens_free(srv_tokens *t);
/* The name of the client whose token is the n bytes at token, or NULL. */
const char *srv_tokens_check(const srv_tokens *t, const char *token, size_t n);

/* ---- revision.c ---- */
typedef struct srv_rev {
    eccn_ruleset *rs;
    eccn_screen_lists *lists;
    srv_tokens tokens;
    /* The catalogue's matcher and the lists' scratch space serve one query at a time. */
    pthread_mutex_t engine, screen;
    atomic_int refs;
    long number; /* 1 for the revision loaded at startup, +1 per reload */
} srv_rev;

typedef struct srv_revs {
    pthread_mutex_t lock;
    srv_rev *current;
} srv_revs;

int srv_rev_load(const eccn_serve_config *cfg, long number, srv_rev **out, eccn_error *err);
/* The current revision, held until srv_rev_release. */
srv_rev *srv_rev_acquire(srv_revs *h);
void srv_rev_release(srv_rev *r);
/* Makes r current; the previous one is freed when its last request releases it. */
void srv_rev_swap(srv_revs *h, srv_rev *r);

/* ---- metrics.c ---- */
typedef enum {
    SRV_R_CLASSIFY,
    SRV_R_CHECK,
    SRV_R_SCREEN,
    SRV_R_VERDICTS,
    SRV_R_RULES,
    SRV_R_HEALTHZ,
    SRV_R_METRICS,
    SRV_R_OTHER,
    SRV_R_COUNT
} srv_route;

typedef struct srv_metrics srv_metrics;
srv_metrics *srv_metrics_new(void);
void srv_metrics_free(srv_metrics *m);
void srv_metrics_request(srv_metrics *m, srv_route route, int status, double seconds);
void srv_metrics_verdict(srv_metrics *m, const char *verdict);
void srv_metrics_commit(srv_metrics *m, size_t rows);
void srv_metrics_reload(srv_metrics *m, bool ok);
int srv_metrics_text(srv_metrics *m, long revision, eccn_buf *out);

/* ---- writer.c ---- */
typedef struct srv_job {
    eccn_verdict_entry entry;
    int rc;
    eccn_error err;
    bool done;
    struct srv_job *next;
} srv_job;

typedef struct srv_writer srv_writer;
int srv_writer_start(eccn_ledger *l, srv_metrics *m, srv_writer **out, eccn_error *err);
/* Records job->entry with the others waiting; returns once it is committed (job->rc ECCN_OK,
 * job->entry.id set) or failed (job->rc, job->err). */
void srv_writer_submit(srv_writer *w, srv_job *job);
void srv_writer_stop(srv_writer *w);

/* ---- the service ---- */
typedef struct srv {
    const eccn_serve_config *cfg;
    srv_revs revs;
    srv_metrics *metrics;
    srv_writer *writer;
    eccn_ledger *reader; /* a second connection, for GET /v1/verdicts */
    pthread_mutex_t reader_lock;
} srv;

/* ---- routes.c ---- */
typedef struct srv_reply {
    int status;
    eccn_buf body;
    const char *content_type;
} srv_reply;

typedef struct srv_request {
    const char *method, *url;
    const char *date_arg; /* ?date= */
    const char *body;
    size_t body_len;
    const char *user; /* the client's name: NULL when not authenticated */
    srv_rev *rev;
} srv_request;

srv_route srv_route_of(const char *method, const char *url, bool *known_path);
void srv_handle(srv *s, srv_route route, const srv_request *rq, srv_reply *out);
/* {"error": msg, "field": field or null} with status. */
void srv_reply_error(srv_reply *out, int status, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* ---- http.c ---- */
typedef struct srv_http srv_http;
int srv_http_start(srv *s, srv_http **out, eccn_error *err);
void srv_http_stop(srv_http *h);

/* ---- fields.c ---- */
typedef enum { SRV_F_STRING, SRV_F_INT } srv_ftype;
typedef struct srv_field {
    const char *name;
    srv_ftype type;
    bool required;
    const char *s; /* out: the string (borrowed from the parsed document) */
    long long i;   /* out: the integer */
    bool given;    /* out */
} srv_field;

/* Parses body as one JSON object whose members are among fields, each of its type. On failure
 * fills out with a 400 naming the field and returns false. *doc is the caller's to json_decref
 * (NULL-safe via srv_fields_done). */
bool srv_fields_parse(const char *body, size_t len, srv_field *fields, size_t n, void **doc,
                      srv_reply *out);
void srv_fields_done(void *doc);

#endif
