/* routes.c: the API of `eccn serve` (docs/serve.md), one function a route. A check is answered
 * as `eccn check --json` answers it and recorded as it records it; nothing is recorded for a
 * request refused. */
#include "answer.h"
#include "resolve.h"
#include "serve_internal.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void srv_reply_error(srv_reply *out, int status, const char *field, const char *fmt, ...)
{
    char msg[1536];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    jsonw w;
    eccn_buf_reset(&out->body);
    jsonw_init(&w, &out->body);
    jsonw_obj_begin(&w);
    jsonw_kv_str(&w, "error", msg);
    jsonw_kv_str(&w, "field", field);
    jsonw_obj_end(&w);
    out->status = status;
}

/* The fields of classify and check, in the order of item_fields. */
enum { F_PART, F_SPEC, F_DATE, F_DEST, F_HQ, F_QTY, F_CONSIGNEE, F_END_USER, F_COUNT };

static void item_fields(srv_field f[F_COUNT])
{
    const srv_field all[F_COUNT] = {
        {.name = "part", .type = SRV_F_STRING},
        {.name = "spec", .type = SRV_F_STRING},
        {.name = "date", .type = SRV_F_STRING},
        {.name = "destination", .type = SRV_F_STRING, .required = true},
        {.name = "hq", .type = SRV_F_STRING},
        {.name = "quantity", .type = SRV_F_INT},
        {.name = "consignee", .type = SRV_F_STRING},
        {.name = "end_user", .type = SRV_F_STRING},
    };
    memcpy(f, all, sizeof all);
}

static bool country(const eccn_ruleset *rs, const srv_field *f, const char **code, srv_reply *out)
{
    eccn_error err = {0};
    *code = NULL;
    if (!f->given)
        return true;
    if (eccn_geo_lookup(rs->geo, f->s, code, &err) != ECCN_OK) {
        srv_reply_error(out, 400, f->name, "%s: %s", f->name, err.msg);
        return false;
    }
    return true;
}

/* The query of the fields f under rs, and its result; false with out filled on bad input. Holds
 * the revision's engine lock: the catalogue's matcher serves one query at a time. */
static bool evaluate(srv_rev *rev, const srv_field *f, eccn_query *q, eccn_result *r,
                     char considered[512], srv_reply *out)
{
    const eccn_ruleset *rs = rev->rs;
    eccn_error err = {0};
    memset(q, 0, sizeof *q);
    q->quantity = 1;
    if (f[F_PART].given == f[F_SPEC].given) {
        srv_reply_error(out, 400, f[F_PART].given ? "spec" : "part",
                        "give one of 'part' (SKU, part number or description) and 'spec'");
        return false;
    }
    if (!f[F_DATE].given)
        q->date = eccn_date_today_utc();
    else if (!eccn_date_parse(f[F_DATE].s, strlen(f[F_DATE].s), &q->date)) {
        srv_reply_error(out, 400, "date", "date: expected YYYY-MM-DD (a real calendar day)");
        return false;
    }
    if (f[F_QTY].given && f[F_QTY].i < 1) {
        srv_reply_error(out, 400, "quantity", "quantity: expected a whole number >= 1");
        return false;
    }
    if (f[F_QTY].given)
        q->quantity = f[F_QTY].i;
    q->consignee = f[F_CONSIGNEE].given ? f[F_CONSIGNEE].s : NULL;
    if (!country(rs, &f[F_DEST], &q->destination, out) ||
        !country(rs, &f[F_HQ], &q->headquarters, out))
        return false;
    bool ok = true;
    pthread_mutex_lock(&rev->engine);
    if (f[F_PART].given &&
        eccn_resolve_query(rs, f[F_PART].s, q, considered, 512, &err) != ECCN_OK) {
        srv_reply_error(out, 400, "part", "part: %s", err.msg);
        ok = false;
    } else if (f[F_SPEC].given && eccn_spec_parse(f[F_SPEC].s, &q->spec, &err) != ECCN_OK) {
        srv_reply_error(out, 400, "spec", "spec: %s", err.msg);
        ok = false;
    } else if (eccn_evaluate(rs, q, r, &err) != ECCN_OK) {
        srv_reply_error(out, 400, NULL, "%s", err.msg);
        ok = false;
    }
    pthread_mutex_unlock(&rev->engine);
    return ok;
}

static void route_classify(const srv_request *rq, srv_reply *out)
{
    srv_field f[F_COUNT];
    void *doc = NULL;
    eccn_query q;
    eccn_result r = {0};
    char considered[512] = "";
    item_fields(f);
    /* classify knows part, spec and date only: the fields before F_DEST */
    if (!srv_fields_parse(rq->body, rq->body_len, f, F_DEST, &doc, out) ||
        !evaluate(rq->rev, f, &q, &r, considered, out))
        goto done;
    jsonw w;
    jsonw_init(&w, &out->body);
    jsonw_obj_begin(&w);
    int rc = eccn_answer_common_json(&w, rq->rev->rs, &q, &r, considered);
    jsonw_key(&w, "what_if");
    jsonw_null(&w);
    jsonw_obj_end(&w);
    if (rc != ECCN_OK || w.status != ECCN_OK)
        srv_reply_error(out, 500, NULL, "out of memory");
    else
        out->status = 200;
done:
    eccn_result_free(&r);
    srv_fields_done(doc);
}

/* Screens the consignee and the end user given, under the revision's screening lock. */
static bool screen_parties(srv_rev *rev, const srv_field *f, const eccn_query *q,
                           eccn_party_finding p[2], size_t *n, srv_reply *out)
{
    static const int which[2] = {F_CONSIGNEE, F_END_USER};
    static const char *const roles[2] = {"consignee", "end user"};
    bool ok = true;
    *n = 0;
    pthread_mutex_lock(&rev->screen);
    for (int i = 0; ok && i < 2; i++) {
        eccn_error err = {0};
        if (f[which[i]].given) {
            if (eccn_party_screen(rev->lists, roles[i], f[which[i]].s, q->destination, &p[*n],
                                  &err) != ECCN_OK) {
                srv_reply_error(out, 400, f[which[i]].name, "%s: %s", f[which[i]].name, err.msg);
                ok = false;
            } else
                ++*n;
        }
    }
    pthread_mutex_unlock(&rev->screen);
    return ok;
}

static void route_check(srv *s, const srv_request *rq, srv_reply *out)
{
    srv_field f[F_COUNT];
    void *doc = NULL;
    eccn_query q;
    eccn_result r = {0};
    eccn_record rec = {0};
    eccn_party_finding parties[2];
    size_t np = 0;
    char considered[512] = "";
    const eccn_ruleset *rs = rq->rev->rs;
    item_fields(f);
    if (!srv_fields_parse(rq->body, rq->body_len, f, F_COUNT, &doc, out) ||
        !evaluate(rq->rev, f, &q, &r, considered, out) ||
        !screen_parties(rq->rev, f, &q, parties, &np, out))
        goto done;
    bool part = f[F_PART].given;
    eccn_verdict v = eccn_party_verdict(r.verdict, parties, np);
    if (eccn_answer_row(rs, &q, &r, rq->user, part ? "sku" : "spec",
                        part ? f[F_PART].s : f[F_SPEC].s, &rec) != ECCN_OK ||
        (np && eccn_record_add_parties(&rec, v, parties, np) != ECCN_OK)) {
        srv_reply_error(out, 500, NULL, "out of memory");
        goto done;
    }
    r.verdict = v;
    srv_job job = {.entry = {.rs = rs, .row = &rec.row}};
    srv_writer_submit(s->writer, &job);
    if (job.rc != ECCN_OK) {
        char msg[1600];
        eccn_error_format(&job.err, msg, sizeof msg);
        srv_reply_error(out, 503, NULL, "the verdict could not be recorded: %s", msg);
        goto done;
    }
    srv_metrics_verdict(s->metrics, eccn_verdict_word(v));
    if (eccn_answer_check_json(rs, &q, &r, considered, &rec, job.entry.id, parties, np,
                               &out->body) != ECCN_OK)
        srv_reply_error(out, 500, NULL, "out of memory (the verdict is recorded as %lld)",
                        job.entry.id);
    else
        out->status = 200;
done:
    for (size_t i = 0; i < np; i++)
        eccn_party_finding_free(&parties[i]);
    eccn_record_free(&rec);
    eccn_result_free(&r);
    srv_fields_done(doc);
}

static void route_screen(const srv_request *rq, srv_reply *out)
{
    srv_field f[] = {{.name = "name", .type = SRV_F_STRING, .required = true},
                     {.name = "country", .type = SRV_F_STRING}};
    void *doc = NULL;
    eccn_screen_result r = {0};
    eccn_error err = {0};
    if (!srv_fields_parse(rq->body, rq->body_len, f, 2, &doc, out))
        goto done;
    char cc[3] = ""; /* "cn" is what a client means by CN, as on the command line */
    const char *country = f[1].given ? f[1].s : NULL;
    if (country && strlen(country) == 2) {
        cc[0] = (char)toupper((unsigned char)country[0]);
        cc[1] = (char)toupper((unsigned char)country[1]);
        country = cc;
    }
    pthread_mutex_lock(&rq->rev->screen);
    int rc = eccn_screen_query(rq->rev->lists, f[0].s, country, &r, &err);
    if (rc == ECCN_OK) {
        jsonw w;
        jsonw_init(&w, &out->body);
        eccn_screen_result_json(&r, &w);
        rc = w.status;
    }
    pthread_mutex_unlock(&rq->rev->screen);
    if (rc == ECCN_EINPUT)
        srv_reply_error(out, 400, strstr(err.msg, "country") ? "country" : "name", "%s", err.msg);
    else if (rc != ECCN_OK)
        srv_reply_error(out, 500, NULL, "out of memory");
    else
        out->status = 200;
done:
    eccn_screen_result_free(&r);
    srv_fields_done(doc);
}

static void route_verdict(srv *s, const srv_request *rq, srv_reply *out)
{
    long long id;
    eccn_verdict_row row = {0};
    eccn_error err = {0};
    if (!eccn_parse_id(rq->url + strlen("/v1/verdicts/"), &id)) {
        srv_reply_error(out, 404, NULL, "expected /v1/verdicts/ID, ID a whole number >= 1");
        return;
    }
    pthread_mutex_lock(&s->reader_lock);
    int rc = eccn_ledger_get_verdict(s->reader, id, &row, &err);
    pthread_mutex_unlock(&s->reader_lock);
    if (rc == ECCN_OK) {
        jsonw w;
        jsonw_init(&w, &out->body);
        eccn_answer_verdict_json(&w, &row, true);
        out->status = w.status == ECCN_OK ? 200 : 500;
    } else
        srv_reply_error(out, rc == ECCN_ENOTFOUND ? 404 : 500, NULL, "%s", err.msg);
    eccn_verdict_row_free(&row);
}

static void provision_json(jsonw *w, const eccn_provision *p)
{
    char d[11];
    jsonw_obj_begin(w);
    jsonw_kv_str(w, "id", p->id);
    jsonw_kv_str(w, "kind", eccn_prov_kind_name(p->kind));
    jsonw_kv_str(w, "title", p->title);
    jsonw_kv_str(w, "citation", p->citation);
    jsonw_kv_str(w, "act", p->act->citation);
    eccn_date_format(p->effective, d);
    jsonw_kv_str(w, "effective", d);
    const eccn_date more[3] = {p->ends, p->compliance_from, p->not_enforced_from};
    const char *const key[3] = {"ends", "compliance_from", "not_enforced_from"};
    for (int k = 0; k < 3; k++) {
        if (more[k] != ECCN_DATE_NONE)
            eccn_date_format(more[k], d);
        jsonw_kv_str(w, key[k], more[k] != ECCN_DATE_NONE ? d : NULL);
    }
    jsonw_obj_end(w);
}

static void route_rules(const srv_request *rq, srv_reply *out)
{
    eccn_date date = eccn_date_today_utc();
    if (rq->date_arg && !eccn_date_parse(rq->date_arg, strlen(rq->date_arg), &date)) {
        srv_reply_error(out, 400, "date", "date: expected YYYY-MM-DD (a real calendar day)");
        return;
    }
    const eccn_ruleset *rs = rq->rev->rs;
    char d[11];
    jsonw w;
    eccn_date_format(date, d);
    jsonw_init(&w, &out->body);
    jsonw_obj_begin(&w);
    jsonw_kv_str(&w, "rules_revision", rs->revision);
    jsonw_kv_str(&w, "date", d);
    jsonw_key(&w, "provisions"); /* in force on the date */
    jsonw_arr_begin(&w);
    for (size_t i = 0; i < rs->nprovs; i++) {
        const eccn_provision *p = &rs->provs[i];
        if (p->effective <= date && (p->ends == ECCN_DATE_NONE || date < p->ends))
            provision_json(&w, p);
    }
    jsonw_arr_end(&w);
    jsonw_obj_end(&w);
    out->status = w.status == ECCN_OK ? 200 : 500;
}

srv_route srv_route_of(const char *method, const char *url, bool *known_path)
{
    static const struct {
        const char *method, *path;
        bool prefix;
        srv_route route;
    } table[] = {{"POST", "/v1/classify", false, SRV_R_CLASSIFY},
                 {"POST", "/v1/check", false, SRV_R_CHECK},
                 {"POST", "/v1/screen", false, SRV_R_SCREEN},
                 {"GET", "/v1/verdicts/", true, SRV_R_VERDICTS},
                 {"GET", "/v1/rules", false, SRV_R_RULES},
                 {"GET", "/healthz", false, SRV_R_HEALTHZ},
                 {"GET", "/metrics", false, SRV_R_METRICS}};
    *known_path = false;
    for (size_t i = 0; i < sizeof table / sizeof *table; i++) {
        size_t n = strlen(table[i].path);
        bool path =
            table[i].prefix ? strncmp(url, table[i].path, n) == 0 : strcmp(url, table[i].path) == 0;
        if (!path)
            continue;
        *known_path = true;
        if (strcmp(method, table[i].method) == 0)
            return table[i].route;
    }
    return SRV_R_OTHER;
}

void srv_handle(srv *s, srv_route route, const srv_request *rq, srv_reply *out)
{
    out->content_type = "application/json";
    switch (route) {
    case SRV_R_CLASSIFY:
        route_classify(rq, out);
        break;
    case SRV_R_CHECK:
        route_check(s, rq, out);
        break;
    case SRV_R_SCREEN:
        route_screen(rq, out);
        break;
    case SRV_R_VERDICTS:
        route_verdict(s, rq, out);
        break;
    case SRV_R_RULES:
        route_rules(rq, out);
        break;
    case SRV_R_HEALTHZ:
        eccn_buf_printf(&out->body,
                        "{\"status\":\"ok\",\"revision\":%ld,\"rules_revision\":\"%s\"}",
                        rq->rev->number, rq->rev->rs->revision);
        out->status = 200;
        break;
    case SRV_R_METRICS:
        out->content_type = "text/plain; version=0.0.4";
        out->status =
            srv_metrics_text(s->metrics, rq->rev->number, &out->body) == ECCN_OK ? 200 : 500;
        break;
    default:
        srv_reply_error(out, 404, NULL, "no such route");
    }
}
