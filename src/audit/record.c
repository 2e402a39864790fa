/* record.c: one evaluation as the ledger records it (see record.h). */
#include "record.h"

#include "jsonw.h"

#include <string.h>

/* The --what-if files and the enforcement acts behind a result, "[]" when none. */
static int what_if_json(const eccn_ruleset *rs, eccn_buf *out)
{
    jsonw w;
    jsonw_init(&w, out);
    jsonw_arr_begin(&w);
    for (size_t i = 0; i < rs->nacts; i++)
        if (rs->acts[i].what_if)
            jsonw_str(&w, rs->acts[i].file);
    for (size_t i = 0; i < rs->nenforce; i++)
        jsonw_str(&w, rs->enforce_acts[i]);
    jsonw_arr_end(&w);
    return w.status;
}

static int check_fields(const eccn_ruleset *rs, const eccn_query *q, const eccn_result *r,
                        eccn_record *rec)
{
    eccn_verdict_row *row = &rec->row;
    int rc = ECCN_OK;
    eccn_utc_now(rec->created_at);
    if (eccn_spec_format(&q->spec, &rec->spec) != ECCN_OK ||
        eccn_result_metrics_json(r, &rec->metrics) != ECCN_OK || !rec->metrics.data ||
        eccn_result_explanation_json(r, &rec->explanation) != ECCN_OK || !rec->explanation.data ||
        what_if_json(rs, &rec->what_if) != ECCN_OK || !rec->what_if.data)
        rc = ECCN_ENOMEM;
    row->created_at = rec->created_at;
    row->tool_version = ECCN_VERSION;
    row->rules_revision = (char *)rs->revision;
    row->spec = rec->spec.data ? rec->spec.data : "";
    row->hq_assumed = r->hq_assumed;
    row->quantity = q->quantity;
    row->consignee = (char *)q->consignee;
    row->metrics = rec->metrics.data;
    row->explanation = rec->explanation.data;
    row->what_if = rec->what_if.len > 2 ? rec->what_if.data : NULL;
    return rc;
}

int eccn_record_from_eval(const eccn_ruleset *rs, const eccn_query *q, const eccn_result *r,
                          eccn_record_kind kind, eccn_record *rec)
{
    eccn_verdict_row *row = &rec->row;
    int rc = ECCN_OK;
    memset(rec, 0, sizeof *rec);
    eccn_date_format(q->date, rec->ship_date);
    if (eccn_result_exceptions_json(r, &rec->exceptions, kind == ECCN_RECORD_AUDIT) != ECCN_OK ||
        !rec->exceptions.data || eccn_result_provisions_json(r, &rec->provisions) != ECCN_OK ||
        !rec->provisions.data)
        rc = ECCN_ENOMEM;
    if (kind == ECCN_RECORD_CHECK && check_fields(rs, q, r, rec) != ECCN_OK)
        rc = ECCN_ENOMEM;
    if (r->status == ECCN_ST_INDETERMINATE)
        rec->reason = r->class_note;
    else if (r->verdict == ECCN_V_INDETERMINATE && r->ndeciding)
        rec->reason = r->deciding[0]->title;
    row->part_id = q->part ? q->part->id : NULL;
    row->destination = (char *)q->destination;
    row->headquarters = (char *)(q->headquarters ? q->headquarters : q->destination);
    row->ship_date = rec->ship_date;
    row->status = (char *)eccn_status_word(r->status);
    row->eccn = r->eccn[0] ? (char *)r->eccn : NULL;
    row->verdict = (char *)eccn_verdict_word(r->verdict);
    row->review_policy = (char *)r->review_policy;
    row->license_exceptions = rec->exceptions.data;
    row->provisions = rec->provisions.data;
    return rc;
}

void eccn_record_free(eccn_record *rec)
{
    eccn_buf *bufs[] = {&rec->spec,       &rec->metrics,     &rec->exceptions,
                        &rec->provisions, &rec->explanation, &rec->what_if};
    for (size_t i = 0; i < sizeof bufs / sizeof *bufs; i++)
        eccn_buf_free(bufs[i]);
    memset(rec, 0, sizeof *rec);
}

int eccn_record_add_parties(eccn_record *rec, eccn_verdict verdict, const eccn_party_finding *f,
                            size_t n)
{
    eccn_buf all = {0}, one = {0};
    int rc = ECCN_OK;
    const char *old = rec->provisions.data ? rec->provisions.data : "[]";
    size_t len = strlen(old);
    /* The provisions array, less its closing bracket, then one object a party. */
    rc = eccn_buf_append(&all, old, len > 0 ? len - 1 : 0);
    for (size_t i = 0; rc == ECCN_OK && i < n; i++) {
        jsonw w;
        eccn_buf_reset(&one);
        jsonw_init(&w, &one);
        eccn_party_finding_json(&f[i], &w);
        rc = eccn_buf_printf(&all, "%s%s", all.len > 1 ? "," : "", one.data ? one.data : "{}");
    }
    if (rc == ECCN_OK)
        rc = eccn_buf_puts(&all, "]");
    eccn_buf_free(&one);
    if (rc != ECCN_OK) {
        eccn_buf_free(&all);
        return rc;
    }
    eccn_buf_free(&rec->provisions);
    rec->provisions = all;
    rec->row.provisions = rec->provisions.data;
    rec->row.verdict = (char *)eccn_verdict_word(verdict);
    return ECCN_OK;
}
