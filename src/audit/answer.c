/* answer.c: the JSON answers of classify and check, and the verdicts row of a check (answer.h). */
#include "answer.h"

#include <string.h>

const char *eccn_answer_subject(const eccn_query *q)
{
    if (q->part)
        return q->part->spec.name[0] ? q->part->spec.name : q->part->id;
    return q->spec.name[0] ? q->spec.name : "(spec)";
}

int eccn_answer_common_json(jsonw *w, const eccn_ruleset *rs, const eccn_query *q,
                            const eccn_result *r, const char *considered)
{
    eccn_buf tmp = {0};
    char d[11];
    eccn_date_format(q->date, d);
    jsonw_kv_str(w, "part", q->part ? q->part->id : NULL);
    jsonw_kv_str(w, "name", eccn_answer_subject(q));
    jsonw_kv_str(w, "date", d);
    jsonw_kv_str(w, "eccn", r->eccn[0] ? r->eccn : NULL);
    jsonw_kv_str(w, "status", eccn_status_word(r->status));
    if (r->status == ECCN_ST_INDETERMINATE) {
        jsonw_kv_str(w, "indeterminate_reason", r->class_note);
    }
    jsonw_kv_str(w, "ic_eccn", r->ic_eccn[0] ? r->ic_eccn : NULL);
    jsonw_kv_str(w, "form", q->part ? eccn_form_name(q->part->form) : NULL);
    if (considered[0])
        jsonw_kv_str(w, "candidates_considered", considered);
    if (r->vendor_eccn[0]) {
        jsonw_key(w, "vendor");
        jsonw_obj_begin(w);
        jsonw_kv_str(w, "name", r->vendor_name);
        jsonw_kv_str(w, "date", r->vendor_date);
        jsonw_kv_str(w, "eccn", r->vendor_eccn);
        jsonw_key(w, "decided");
        jsonw_bool(w, r->vendor_decided);
        jsonw_key(w, "after_date_asked");
        jsonw_bool(w, r->vendor_later);
        jsonw_kv_str(w, "review", r->review[0] ? r->review : NULL);
        jsonw_obj_end(w);
    }
    jsonw_kv_str(w, "rules_revision", rs->revision);
    int rc = eccn_result_metrics_json(r, &tmp);
    jsonw_kv_raw(w, "metrics", tmp.data);
    eccn_buf_reset(&tmp);
    rc |= eccn_result_explanation_json(r, &tmp);
    jsonw_kv_raw(w, "explanation", tmp.data);
    eccn_buf_free(&tmp);
    return rc;
}

int eccn_answer_check_json(const eccn_ruleset *rs, const eccn_query *q, const eccn_result *r,
                           const char *considered, const eccn_record *rec, long long id,
                           const eccn_party_finding *parties, size_t nparties, eccn_buf *out)
{
    jsonw w;
    eccn_buf tmp = {0};
    jsonw_init(&w, out);
    jsonw_obj_begin(&w);
    int rc = eccn_answer_common_json(&w, rs, q, r, considered);
    jsonw_kv_str(&w, "verdict", eccn_verdict_word(r->verdict));
    jsonw_kv_str(&w, "destination", q->destination);
    jsonw_kv_str(&w, "headquarters", q->headquarters ? q->headquarters : q->destination);
    jsonw_key(&w, "headquarters_assumed");
    jsonw_bool(&w, r->hq_assumed);
    jsonw_kv_int(&w, "quantity", q->quantity);
    jsonw_kv_str(&w, "consignee", q->consignee);
    eccn_result_exceptions_json(r, &tmp, true);
    jsonw_kv_raw(&w, "license_exceptions", tmp.data);
    eccn_buf_reset(&tmp);
    eccn_result_exceptions_json(r, &tmp, false);
    jsonw_kv_raw(&w, "license_exception_details", tmp.data);
    eccn_buf_reset(&tmp);
    eccn_result_provisions_json(r, &tmp);
    jsonw_kv_raw(&w, "provisions", tmp.data);
    eccn_buf_free(&tmp);
    eccn_result_missing_text(r, &tmp); /* null when decided */
    jsonw_kv_str(&w, "missing", tmp.data);
    eccn_buf_free(&tmp);
    jsonw_kv_str(&w, "review_policy", r->review_policy);
    /* A what-if answer says so in the JSON too: null when the rules in force decided. */
    jsonw_kv_raw(&w, "what_if", rec->row.what_if ? rec->row.what_if : "null");
    jsonw_kv_id(&w, "ledger_id", id);
    if (nparties) { /* each party screened: what it does to the answer, and the lists' match */
        jsonw_key(&w, "screening");
        jsonw_arr_begin(&w);
        for (size_t i = 0; i < nparties; i++)
            eccn_party_finding_json(&parties[i], &w);
        jsonw_arr_end(&w);
    }
    jsonw_obj_end(&w);
    return rc != ECCN_OK ? rc : w.status;
}

int eccn_answer_row(const eccn_ruleset *rs, const eccn_query *q, const eccn_result *r,
                    const char *user, const char *input_kind, const char *input, eccn_record *rec)
{
    int rc = eccn_record_from_eval(rs, q, r, ECCN_RECORD_CHECK, rec);
    rec->row.user = (char *)user;
    rec->row.input_kind = (char *)input_kind;
    rec->row.input = (char *)input;
    rec->row.part_name = (char *)eccn_answer_subject(q);
    return rc;
}

void eccn_answer_verdict_json(jsonw *w, const eccn_verdict_row *r, bool full)
{
    jsonw_obj_begin(w);
    jsonw_kv_int(w, "id", r->id);
    const struct {
        const char *k, *v;
    } text[] = {{"created_at", r->created_at},
                {"user", r->user},
                {"tool_version", r->tool_version},
                {"rules_revision", r->rules_revision},
                {"input_kind", r->input_kind},
                {"input", r->input},
                {"spec", r->spec},
                {"part", r->part_id},
                {"part_name", r->part_name},
                {"destination", r->destination},
                {"headquarters", r->headquarters},
                {"date", r->ship_date},
                {"consignee", r->consignee},
                {"status", r->status},
                {"eccn", r->eccn},
                {"verdict", r->verdict},
                {"review_policy", r->review_policy}};
    for (size_t i = 0; i < sizeof text / sizeof *text; i++) {
        jsonw_kv_str(w, text[i].k, text[i].v);
    }
    jsonw_key(w, "headquarters_assumed");
    jsonw_bool(w, r->hq_assumed);
    jsonw_kv_int(w, "quantity", r->quantity);
    jsonw_kv_raw(w, "license_exceptions", r->license_exceptions);
    jsonw_kv_raw(w, "provisions", r->provisions);
    if (full) {
        jsonw_kv_raw(w, "metrics", r->metrics);
        jsonw_kv_raw(w, "explanation", r->explanation);
    }
    /* Listed or shown, a what-if answer says so: null when the rules in force decided. */
    jsonw_kv_raw(w, "what_if", r->what_if ? r->what_if : "null");
    jsonw_obj_end(w);
}
