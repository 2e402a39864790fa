/* http.c: libmicrohttpd glue for `eccn serve` (serve_internal.h): a thread per connection (a
 * check waits for its group commit), the limits of docs/serve.md, the bearer token, and one
 * revision held from a request's first byte to its answer. */
#include "serve_internal.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct srv_http {
    struct MHD_Daemon *d;
};

typedef struct conn_req {
    double t0;
    srv_rev *rev;
    eccn_buf body;
    bool too_large, answered;
} conn_req;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static enum MHD_Result send_reply(struct MHD_Connection *c, const srv_reply *r)
{
    struct MHD_Response *resp = MHD_create_response_from_buffer(
        r->body.len, r->body.data ? r->body.data : (char *)"", MHD_RESPMEM_MUST_COPY);
    if (!resp)
        return MHD_NO;
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, r->content_type);
    if (r->status == 401)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer");
    enum MHD_Result ok = MHD_queue_response(c, (unsigned)r->status, resp);
    MHD_destroy_response(resp);
    return ok;
}

/* The client's name from "Authorization: Bearer TOKEN", or NULL. */
static const char *client(struct MHD_Connection *c, const srv_rev *rev)
{
    const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
    if (!h || strncmp(h, "Bearer ", 7) != 0)
        return NULL;
    h += 7;
    while (*h == ' ')
        h++;
    size_t n = strlen(h);
    while (n && h[n - 1] == ' ')
        n--;
    return n ? srv_tokens_check(&rev->tokens, h, n) : NULL;
}

static enum MHD_Result answer(srv *s, struct MHD_Connection *c, const char *url, const char *method,
                              conn_req *cr)
{
    srv_reply out = {.status = 500, .content_type = "application/json"};
    bool known = false;
    srv_route route = srv_route_of(method, url, &known);
    srv_request rq = {.method = method, .url = url, .rev = cr->rev};
    if (route == SRV_R_OTHER)
        srv_reply_error(&out, known ? 405 : 404, NULL,
                        known ? "method not allowed here" : "no such route");
    else if (route != SRV_R_HEALTHZ && !(rq.user = client(c, cr->rev)))
        srv_reply_error(&out, 401, NULL, "a valid bearer token is required");
    else if (cr->too_large)
        srv_reply_error(&out, 413, NULL, "the body is larger than %zu bytes", s->cfg->max_body);
    else {
        rq.body = cr->body.data;
        rq.body_len = cr->body.len;
        rq.date_arg = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "date");
        srv_handle(s, route, &rq, &out);
    }
    enum MHD_Result ok = send_reply(c, &out);
    srv_metrics_request(s->metrics, route, out.status, now_s() - cr->t0);
    eccn_buf_free(&out.body);
    return ok;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload,
                                  size_t *upload_size, void **con_cls)
{
    srv *s = cls;
    conn_req *cr = *con_cls;
    if (!cr) { /* the headers are in: a revision for the whole request */
        if (!(cr = calloc(1, sizeof *cr)))
            return MHD_NO;
        cr->t0 = now_s();
        cr->rev = srv_rev_acquire(&s->revs);
        *con_cls = cr;
        /* A body announced larger than the limit is refused before it is read. */
        const char *cl =
            MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
        if (cl && strtoull(cl, NULL, 10) > s->cfg->max_body) {
            cr->too_large = cr->answered = true;
            return answer(s, c, url, method, cr);
        }
        return MHD_YES;
    }
    if (*upload_size) {
        /* Past the limit (a chunked body) the rest is read and dropped; 413 at its end. */
        if (!cr->answered && cr->body.len + *upload_size > s->cfg->max_body) {
            cr->too_large = true;
            eccn_buf_free(&cr->body);
        } else if (!cr->answered && !cr->too_large &&
                   eccn_buf_append(&cr->body, upload, *upload_size) != ECCN_OK)
            return MHD_NO;
        *upload_size = 0;
        return MHD_YES;
    }
    return cr->answered ? MHD_YES : answer(s, c, url, method, cr);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    conn_req *cr = *con_cls;
    if (!cr)
        return;
    eccn_buf_free(&cr->body);
    srv_rev_release(cr->rev);
    free(cr);
    *con_cls = NULL;
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    const srv *s = cls;
    char line[1024];
    vsnprintf(line, sizeof line, fmt, ap);
    line[strcspn(line, "\n")] = '\0';
    if (s->cfg->log)
        s->cfg->log(line, s->cfg->ctx);
}

static int parse_listen(const char *text, struct sockaddr_in *sa, eccn_error *err)
{
    const char *colon = strrchr(text, ':');
    char addr[64];
    char *end;
    memset(sa, 0, sizeof *sa);
    sa->sin_family = AF_INET;
    if (!colon || (size_t)(colon - text) >= sizeof addr)
        return eccn_fail(err, ECCN_EINPUT, NULL, 0, 0, "--listen '%s': expected ADDR:PORT", text);
    memcpy(addr, text, (size_t)(colon - text));
    addr[colon - text] = '\0';
    long port = strtol(colon + 1, &end, 10);
    if (*end || end == colon + 1 || port < 0 || port > 65535 ||
        inet_pton(AF_INET, addr, &sa->sin_addr) != 1)
        return eccn_fail(err, ECCN_EINPUT, NULL, 0, 0,
                         "--listen '%s': expected an IPv4 address and a port, as 127.0.0.1:8080",
                         text);
    sa->sin_port = htons((uint16_t)port);
    return ECCN_OK;
}

int srv_http_start(srv *s, srv_http **out, eccn_error *err)
{
    const eccn_serve_config *cfg = s->cfg;
    struct sockaddr_in sa;
    int rc = parse_listen(cfg->listen, &sa, err);
    *out = NULL;
    if (rc != ECCN_OK)
        return rc;
    srv_http *h = calloc(1, sizeof *h);
    if (!h)
        return ECCN_ENOMEM;
    /* The logger first, so that libmicrohttpd prints nothing itself. The connection's memory pool
     * holds its request line and headers: a larger head is refused (431) by libmicrohttpd. */
    h->d = MHD_start_daemon(
        MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG, 0,
        NULL, NULL, on_request, s, MHD_OPTION_EXTERNAL_LOGGER, mhd_log, s, MHD_OPTION_SOCK_ADDR,
        (struct sockaddr *)&sa, MHD_OPTION_CONNECTION_LIMIT, (unsigned)cfg->max_connections,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)cfg->timeout_s, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
        (size_t)cfg->max_header, MHD_OPTION_NOTIFY_COMPLETED, on_completed, s, MHD_OPTION_END);
    if (!h->d) {
        free(h);
        return eccn_fail(err, ECCN_EINPUT, NULL, 0, 0, "cannot listen on %s", cfg->listen);
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(h->d, MHD_DAEMON_INFO_BIND_PORT);
    char addr[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &sa.sin_addr, addr, sizeof addr);
    if (cfg->ready)
        cfg->ready(addr, info ? info->port : ntohs(sa.sin_port), cfg->ctx);
    *out = h;
    return ECCN_OK;
}

void srv_http_stop(srv_http *h)
{
    if (!h)
        return;
    MHD_stop_daemon(h->d);
    free(h);
}
