/* eval.c: classification and licence determination (see eval.h, docs/rules.md). */
#include "eval.h"

#include "jsonw.h"
#include "crosscheck.h"
#include "vendor.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *eccn_verdict_word(eccn_verdict v)
{
    switch (v) {
    case ECCN_V_NO_LICENSE:
        return "no_license_required";
    case ECCN_V_LICENSE:
        return "license_required";
    case ECCN_V_INDETERMINATE:
        return "indeterminate";
    default:
        return "none";
    }
}

void eccn_result_free(eccn_result *r)
{
    free(r->findings);
    free(r->deciding);
    free(r->exceptions);
    eccn_trace_free(&r->trace);
    memset(r, 0, sizeof *r);
}

static eccn_finding *record(eccn_result *r, const eccn_provision *p, const eccn_subject *s)
{
    eccn_finding *g = realloc(r->findings, (r->nfindings + 1) * sizeof *g);
    if (!g)
        return NULL;
    r->findings = g;
    eccn_finding *f = &r->findings[r->nfindings++];
    memset(f, 0, sizeof *f);
    f->prov = p;
    f->first_test = r->trace.n;
    f->result = eccn_cond_eval(p->when, s, r->no_trace ? NULL : &r->trace);
    f->effective = f->result;
    f->ntests = r->trace.n - f->first_test;
    return f;
}

static eccn_tv tv_and_not(eccn_tv a, eccn_tv b)
{
    eccn_tv nb = b == ECCN_UNKNOWN ? b : b == ECCN_TRUE ? ECCN_FALSE : ECCN_TRUE;
    if (a == ECCN_FALSE || nb == ECCN_FALSE)
        return ECCN_FALSE;
    return a == ECCN_UNKNOWN || nb == ECCN_UNKNOWN ? ECCN_UNKNOWN : ECCN_TRUE;
}

/* Classifies the subject against the paragraphs for its item kind in force on s->date. */
static int classify(const eccn_ruleset *rs, eccn_subject *s, eccn_part_kind item, eccn_result *r,
                    eccn_status *status, char eccn[32], const eccn_provision **deciding)
{
    size_t first = r->nfindings;
    *status = ECCN_ST_NOT_CONTROLLED;
    eccn[0] = '\0';
    *deciding = NULL;
    for (size_t i = 0; i < rs->nprovs; i++) {
        const eccn_provision *p = &rs->provs[i];
        if (p->kind == ECCN_PROV_CLASSIFICATION && p->item == item &&
            eccn_provision_applies(rs, p, s->date) && !record(r, p, s))
            return ECCN_ENOMEM;
    }
    size_t last = r->nfindings;
    /* Exclusions (such as the note on parts not designed or marketed for datacenters). */
    for (size_t i = 0; i < rs->nprovs; i++) {
        const eccn_provision *x = &rs->provs[i];
        if (x->kind != ECCN_PROV_EXCLUSION || !eccn_provision_applies(rs, x, s->date))
            continue;
        bool relevant = false;
        for (size_t f = first; f < last; f++)
            for (size_t j = 0; j < x->nexcludes; j++)
                relevant |= strcmp(r->findings[f].prov->eccn, x->excludes[j]) == 0;
        if (!relevant)
            continue;
        eccn_finding *xf = record(r, x, s);
        if (!xf)
            return ECCN_ENOMEM;
        eccn_tv xr = xf->result;
        for (size_t f = first; f < last; f++) {
            eccn_finding *cf = &r->findings[f];
            for (size_t j = 0; j < x->nexcludes; j++)
                if (strcmp(cf->prov->eccn, x->excludes[j]) == 0) {
                    eccn_tv before = cf->effective;
                    cf->effective = tv_and_not(cf->effective, xr);
                    if (before != ECCN_FALSE && cf->effective != before)
                        cf->excluded_by = x->id;
                }
        }
    }
    /* The first paragraph met wins, in the order the rule files list them (.a before .b); an
     * undetermined paragraph before it leaves the paragraph, and so the status, undetermined. */
    const eccn_provision *unknown_before = NULL;
    for (size_t f = first; f < last; f++) {
        const eccn_finding *cf = &r->findings[f];
        if (cf->effective == ECCN_TRUE) {
            if (unknown_before && strcmp(unknown_before->eccn, cf->prov->eccn) != 0) {
                *status = ECCN_ST_INDETERMINATE;
                snprintf(r->class_note, sizeof r->class_note,
                         "%s is met, but %s cannot be decided with the figures known", cf->prov->id,
                         unknown_before->id);
                return ECCN_OK;
            }
            *status = ECCN_ST_CONTROLLED;
            snprintf(eccn, 32, "%s", cf->prov->eccn);
            *deciding = cf->prov;
            return ECCN_OK;
        }
        if (cf->effective == ECCN_UNKNOWN && !unknown_before)
            unknown_before = cf->prov;
    }
    if (unknown_before) {
        *status = ECCN_ST_INDETERMINATE;
        snprintf(r->class_note, sizeof r->class_note, "%s cannot be decided with the figures known",
                 unknown_before->id);
    }
    return ECCN_OK;
}

static int push_prov(const eccn_provision ***v, size_t *n, const eccn_provision *p)
{
    const eccn_provision **g = realloc(*v, (*n + 1) * sizeof *g);
    if (!g)
        return ECCN_ENOMEM;
    *v = g;
    g[(*n)++] = p;
    return ECCN_OK;
}

static bool overcomes_all(const eccn_provision *x, const eccn_provision *const *req, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        bool covered = false;
        for (size_t j = 0; j < x->novercomes; j++)
            covered |= strcmp(x->overcomes[j], req[i]->id) == 0;
        if (!covered)
            return false;
    }
    return n > 0;
}

static int determine(const eccn_ruleset *rs, const eccn_subject *s, eccn_result *r)
{
    bool any_required = false, any_unknown = false;
    const eccn_provision **unknown = NULL;
    size_t nunknown = 0;
    int rc = ECCN_OK;
    for (size_t i = 0; i < rs->nprovs && rc == ECCN_OK; i++) {
        const eccn_provision *p = &rs->provs[i];
        if (p->kind != ECCN_PROV_LICENSE || !eccn_provision_applies(rs, p, s->date))
            continue;
        eccn_finding *f = record(r, p, s);
        if (!f) {
            rc = ECCN_ENOMEM;
            break;
        }
        if (f->result == ECCN_TRUE && !p->indeterminate_outcome) {
            any_required = true;
            rc = push_prov(&r->deciding, &r->ndeciding, p);
        } else if (f->result != ECCN_FALSE) {
            any_unknown = true;
            rc = push_prov(&unknown, &nunknown, p);
        }
    }
    if (rc != ECCN_OK)
        goto done;
    if (any_required) {
        r->verdict = ECCN_V_LICENSE;
        for (size_t i = 0; i < r->ndeciding && !r->review_policy; i++)
            r->review_policy = r->deciding[i]->review_policy;
    } else if (any_unknown) {
        r->verdict = ECCN_V_INDETERMINATE;
        free(r->deciding);
        r->deciding = unknown;
        r->ndeciding = nunknown;
        unknown = NULL;
    } else {
        r->verdict = ECCN_V_NO_LICENSE;
    }
    for (size_t i = 0; i < rs->nprovs && rc == ECCN_OK; i++) {
        const eccn_provision *p = &rs->provs[i];
        if ((p->kind != ECCN_PROV_POLICY && p->kind != ECCN_PROV_EXCEPTION) ||
            r->verdict != ECCN_V_LICENSE || !eccn_provision_applies(rs, p, s->date))
            continue;
        eccn_finding *f = record(r, p, s);
        if (!f) {
            rc = ECCN_ENOMEM;
            break;
        }
        if (f->result != ECCN_TRUE)
            continue;
        if (p->kind == ECCN_PROV_POLICY)
            r->review_policy = p->review_policy; /* later acts override earlier statements */
        else if (overcomes_all(p, r->deciding, r->ndeciding))
            rc = push_prov(&r->exceptions, &r->nexceptions, p);
    }
done:
    free(unknown);
    return rc;
}

int eccn_evaluate(const eccn_ruleset *rs, const eccn_query *q, eccn_result *out, eccn_error *err)
{
    eccn_result *r = out;
    eccn_subject s = {0};
    const eccn_part *part = q->part;
    const eccn_part *ic = part && part->kind == ECCN_PART_SYSTEM ? part->component : part;
    /* A card or module is sold as an assembly carrying its IC: 4A090 is its ECCN of record. */
    bool assembly = part && (part->kind == ECCN_PART_SYSTEM || part->form != ECCN_FORM_IC);
    int rc;
    memset(r, 0, sizeof *r);
    r->verdict = ECCN_V_NONE;
    if (rs->first_date != ECCN_DATE_NONE && q->date < rs->first_date) {
        /* Before the first classification the rules model, "not controlled" would be a guess
         * about rules eccn does not hold. */
        char d[11], first[11];
        eccn_date_format(q->date, d);
        eccn_date_format(rs->first_date, first);
        return eccn_fail(err, ECCN_EINPUT, "", 0, 0,
                         "%s is before the rules eccn models: they cover shipments from %s", d,
                         first);
    }
    r->no_trace = q->no_trace;
    r->metrics = ic ? ic->spec : q->spec;
    eccn_metrics_derive(&r->metrics);
    s.metrics = &r->metrics;
    s.kind = ECCN_PART_IC;
    s.vendor = ic ? ic->vendor : NULL;
    s.model = ic ? ic->model : NULL;
    s.part_id = ic ? ic->id : NULL;
    s.name = ic ? ic->spec.name : (q->spec.name[0] ? q->spec.name : NULL);
    s.date = q->date;
    s.geo = rs->geo;
    s.destination = q->destination;
    s.headquarters = q->headquarters ? q->headquarters : q->destination;
    r->hq_assumed = q->destination && !q->headquarters;

    const eccn_provision *dec;
    if ((rc = classify(rs, &s, ECCN_PART_IC, r, &r->status, r->eccn, &dec)) != ECCN_OK)
        goto fail;
    r->deciding_class = dec;
    if (assembly) {
        r->ic_deciding = dec;
        r->ic_status = r->status;
        memcpy(r->ic_eccn, r->eccn, sizeof r->eccn);
        s.kind = ECCN_PART_SYSTEM;
        s.ic_status = r->ic_status;
        s.ic_eccn = r->ic_eccn[0] ? r->ic_eccn : NULL;
        s.vendor = part->vendor;
        s.model = part->model;
        s.part_id = part->id;
        if ((rc = classify(rs, &s, ECCN_PART_SYSTEM, r, &r->status, r->eccn, &dec)) != ECCN_OK)
            goto fail;
        r->deciding_class = dec;
    }
    if (part && part->vrow)
        eccn_vendor_crosscheck(rs, part, q->date, r);
    s.status = r->status;
    s.eccn = r->eccn[0] ? r->eccn : NULL;
    if (q->destination && (rc = determine(rs, &s, r)) != ECCN_OK)
        goto fail;
    return ECCN_OK;
fail:
    eccn_result_free(r);
    return eccn_fail(err, rc, NULL, 0, 0, "out of memory while evaluating");
}

static void finding_json(jsonw *w, const eccn_result *r, const eccn_finding *f)
{
    jsonw_obj_begin(w);
    jsonw_kv_str(w, "provision", f->prov->id);
    jsonw_kv_str(w, "kind", eccn_prov_kind_name(f->prov->kind));
    jsonw_kv_str(w, "title", f->prov->title);
    jsonw_kv_str(w, "citation", f->prov->citation);
    jsonw_kv_str(w, "result", eccn_tv_word(f->effective));
    if (f->excluded_by) {
        jsonw_kv_str(w, "excluded_by", f->excluded_by);
    }
    jsonw_key(w, "tests");
    jsonw_arr_begin(w);
    for (size_t i = 0; i < f->ntests; i++) {
        const eccn_test *t = &r->trace.tests[f->first_test + i];
        if (t->node != ECCN_NODE_LEAF)
            continue; /* the JSON lists the tests; the text shows how they combine */
        jsonw_obj_begin(w);
        jsonw_kv_str(w, "text", t->text);
        jsonw_kv_str(w, "result", eccn_tv_word(t->result));
        if (t->is_metric) {
            jsonw_kv_str(w, "metric", eccn_metric_name(t->metric));
            jsonw_kv_str(w, "op", t->op);
            jsonw_key(w, "threshold");
            jsonw_num(w, t->threshold);
            jsonw_kv_num(w, "value", t->value_known, t->value);
            jsonw_kv_num(w, "margin", t->value_known, t->margin);
        }
        jsonw_obj_end(w);
    }
    jsonw_arr_end(w);
    /* How the tests combine, in order and depth, so that the record reads as check --explain
     * did: a "no" under a NOT is what made the provision met. */
    jsonw_key(w, "tree");
    jsonw_arr_begin(w);
    for (size_t i = 0; i < f->ntests; i++) {
        const eccn_test *t = &r->trace.tests[f->first_test + i];
        jsonw_obj_begin(w);
        jsonw_kv_str(w, "node",
                     t->node == ECCN_NODE_LEAF  ? "test"
                     : t->node == ECCN_NODE_ALL ? "all"
                     : t->node == ECCN_NODE_ANY ? "any"
                                                : "not");
        jsonw_kv_int(w, "depth", t->depth);
        jsonw_kv_str(w, "result", eccn_tv_word(t->result));
        if (t->node == ECCN_NODE_LEAF)
            jsonw_kv_str(w, "text", t->text);
        jsonw_obj_end(w);
    }
    jsonw_arr_end(w);
    jsonw_obj_end(w);
}

int eccn_result_explanation_json(const eccn_result *r, eccn_buf *out)
{
    jsonw w;
    jsonw_init(&w, out);
    jsonw_arr_begin(&w);
    for (size_t i = 0; i < r->nfindings; i++)
        finding_json(&w, r, &r->findings[i]);
    jsonw_arr_end(&w);
    return w.status;
}

/* A finding's tests as a tree: each all/any/not with its result, its parts indented under it,
 * so that a "no" under a NOT reads as what it is. */
static int tests_text(const eccn_result *r, const eccn_finding *f, eccn_buf *out)
{
    int rc = ECCN_OK;
    for (size_t j = 0; j < f->ntests && rc == ECCN_OK; j++) {
        const eccn_test *t = &r->trace.tests[f->first_test + j];
        int indent = 6 + 2 * (int)t->depth;
        if (t->node == ECCN_NODE_LEAF)
            rc = eccn_buf_printf(out, "%*s- %s\n", indent, "", t->text);
        else
            rc = eccn_buf_printf(out, "%*s%s (%s):\n", indent, "",
                                 t->node == ECCN_NODE_ALL   ? "ALL of"
                                 : t->node == ECCN_NODE_ANY ? "ANY of"
                                                            : "NOT",
                                 eccn_tv_word(t->result));
    }
    return rc;
}

int eccn_result_explanation_text(const eccn_result *r, bool all, eccn_buf *out)
{
    int rc = ECCN_OK;
    for (size_t i = 0; i < r->nfindings && rc == ECCN_OK; i++) {
        const eccn_finding *f = &r->findings[i];
        /* A short explanation shows what fired or stayed open, and every numeric test. */
        bool numeric = false;
        for (size_t j = 0; j < f->ntests; j++)
            numeric |= r->trace.tests[f->first_test + j].is_metric;
        if (!all && f->effective == ECCN_FALSE && !numeric && !f->excluded_by)
            continue;
        rc = eccn_buf_printf(out, "  %-9s %s (%s) [%s]%s%s\n",
                             f->effective == ECCN_TRUE    ? "MET"
                             : f->effective == ECCN_FALSE ? "not met"
                                                          : "UNKNOWN",
                             f->prov->id, f->prov->title, f->prov->citation,
                             f->excluded_by ? " excluded by " : "",
                             f->excluded_by ? f->excluded_by : "");
        if (rc == ECCN_OK)
            rc = tests_text(r, f, out);
    }
    return rc;
}

/* Appends the undecided leaves of f (figures, places, names: not the classification, whose own
 * missing figures are listed from its paragraphs) to out, once each. */
static int missing_of(const eccn_result *r, const eccn_finding *f, eccn_buf *out)
{
    int rc = ECCN_OK;
    for (size_t j = 0; j < f->ntests && rc == ECCN_OK; j++) {
        const eccn_test *t = &r->trace.tests[f->first_test + j];
        if (t->node != ECCN_NODE_LEAF || t->result != ECCN_UNKNOWN || t->on_class)
            continue;
        /* The same figure missing for several tests is one thing to find out: a line per what
         * the text names before its colon ("PD unknown"), with the first test that needs it. */
        char key[340];
        snprintf(key, sizeof key, "\n%.*s:", (int)strcspn(t->text, ":"), t->text);
        if (out->data &&
            (strncmp(out->data, key + 1, strlen(key + 1)) == 0 || strstr(out->data, key)))
            continue;
        rc = eccn_buf_printf(out, "%s (%s)\n", t->text, f->prov->id);
    }
    return rc;
}

int eccn_result_missing_text(const eccn_result *r, eccn_buf *out)
{
    int rc = ECCN_OK;
    for (size_t i = 0; i < r->nfindings && rc == ECCN_OK; i++) {
        const eccn_finding *f = &r->findings[i];
        bool classifying =
            f->prov->kind == ECCN_PROV_CLASSIFICATION || f->prov->kind == ECCN_PROV_EXCLUSION;
        bool undecided_licence = false;
        for (size_t k = 0; k < r->ndeciding && r->verdict == ECCN_V_INDETERMINATE; k++)
            undecided_licence |= r->deciding[k] == f->prov;
        if (classifying ? r->status == ECCN_ST_INDETERMINATE && f->effective == ECCN_UNKNOWN
                        : undecided_licence)
            rc = missing_of(r, f, out);
        /* Met, but the outcome turns on a fact no figure gives (a letter to the vendor). */
        if (rc == ECCN_OK && undecided_licence && f->result == ECCN_TRUE &&
            f->prov->indeterminate_outcome)
            rc = eccn_buf_printf(out, "a fact eccn cannot know: %s (%s)\n",
                                 f->prov->note ? f->prov->note : f->prov->title, f->prov->id);
    }
    return rc;
}

/* The vendor row behind an answer, cited like a provision (kind "vendor") when it decided the
 * classification or is all eccn knows of the part: so a record says what the line was (the
 * vendor's description) and whose classification it took. Kept short (an audit writes one per
 * evaluation, hundreds of thousands): the table is named by vendor and date, which the rules
 * revision's vendor digest pins down. */
static void vendor_entry(const eccn_result *r, jsonw *w)
{
    const eccn_vendor_row *row = r->vendor_row;
    char id[200], title[300];
    if (!row || !(r->vendor_decided || r->vendor_only))
        return;
    snprintf(id, sizeof id, "vendor:%s:%s", row->table->name, row->part_number);
    snprintf(title, sizeof title, "%s%s%s %s: %s",
             row->description && *row->description ? row->description : "",
             row->description && *row->description ? "; " : "", row->table->name, row->table->date,
             row->eccn);
    jsonw_obj_begin(w);
    jsonw_kv_str(w, "id", id);
    jsonw_kv_str(w, "kind", "vendor");
    jsonw_kv_str(w, "title", title);
    jsonw_obj_end(w);
}

int eccn_result_provisions_json(const eccn_result *r, eccn_buf *out)
{
    jsonw w;
    jsonw_init(&w, out);
    jsonw_arr_begin(&w);
    const eccn_provision *list[64];
    size_t n = 0;
    if (r->deciding_class)
        list[n++] = r->deciding_class;
    for (size_t i = 0; i < r->ndeciding && n < 64; i++)
        list[n++] = r->deciding[i];
    for (size_t i = 0; i < n; i++) {
        jsonw_obj_begin(&w);
        jsonw_kv_str(&w, "id", list[i]->id);
        jsonw_kv_str(&w, "kind", eccn_prov_kind_name(list[i]->kind));
        jsonw_kv_str(&w, "title", list[i]->title);
        jsonw_kv_str(&w, "citation", list[i]->citation);
        jsonw_kv_str(&w, "source", list[i]->source);
        jsonw_obj_end(&w);
    }
    vendor_entry(r, &w);
    jsonw_arr_end(&w);
    return w.status;
}

int eccn_result_metrics_json(const eccn_result *r, eccn_buf *out)
{
    jsonw w;
    jsonw_init(&w, out);
    jsonw_obj_begin(&w);
    for (int m = 0; m < ECCN_M_COUNT; m++) {
        jsonw_kv_num(&w, eccn_metric_name((eccn_metric)m),
                     eccn_spec_has(&r->metrics, (eccn_metric)m), r->metrics.v[m]);
    }
    jsonw_key(&w, "tpp_basis");
    jsonw_str(&w,
              eccn_spec_has(&r->metrics, ECCN_M_TPP)
                  ? (r->metrics.tpp_basis == ECCN_M_TPP ? "given"
                                                        : eccn_metric_name(r->metrics.tpp_basis))
                  : NULL);
    for (int f = 0; f < ECCN_FLAG_COUNT; f++) {
        jsonw_key(&w, eccn_flag_name((eccn_flag)f));
        if (r->metrics.flag[f] < 0)
            jsonw_null(&w);
        else
            jsonw_bool(&w, r->metrics.flag[f] == 1);
    }
    jsonw_obj_end(&w);
    return w.status;
}

int eccn_result_exceptions_json(const eccn_result *r, eccn_buf *out, bool names_only)
{
    jsonw w;
    jsonw_init(&w, out);
    jsonw_arr_begin(&w);
    for (size_t i = 0; i < r->nexceptions; i++) {
        const eccn_provision *x = r->exceptions[i];
        if (names_only) {
            jsonw_str(&w, x->exception_name);
            continue;
        }
        jsonw_obj_begin(&w);
        jsonw_kv_str(&w, "name", x->exception_name);
        jsonw_kv_str(&w, "provision", x->id);
        jsonw_kv_str(&w, "citation", x->citation);
        jsonw_kv_str(&w, "terms", x->exception_terms);
        jsonw_obj_end(&w);
    }
    jsonw_arr_end(&w);
    return w.status;
}
