/* crosscheck.c: the vendor's classification beside eccn's (see crosscheck.h). */
#include "crosscheck.h"

#include "vendor.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

__attribute__((format(printf, 2, 3))) static void note(eccn_result *r, const char *fmt, ...)
{
    size_t l = strlen(r->review);
    snprintf(r->review + l, sizeof r->review - l, "%s", l ? "; " : "");
    l = strlen(r->review);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->review + l, sizeof r->review - l, fmt, ap);
    va_end(ap);
}

/* 'a' ranks above 'b' (3A090.a's limits exceed .b's); 'c' (HBM) is apart from both. */
static int rank(const char *eccn)
{
    size_t n = strlen(eccn);
    return n < 7 ? 0 : eccn[6] == 'a' ? 2 : eccn[6] == 'b' ? 1 : 0;
}

void eccn_vendor_crosscheck(const eccn_ruleset *rs, const eccn_part *part, eccn_date date,
                            eccn_result *r)
{
    const eccn_vendor_row *row = part->vrow;
    bool assembly = part->kind == ECCN_PART_SYSTEM || part->form != ECCN_FORM_IC;
    char tier[16], was[32];
    bool has_tier = eccn_vendor_tier(row, assembly, tier);
    bool ac = has_tier || eccn_vendor_is_z(row->eccn);
    snprintf(r->vendor_eccn, sizeof r->vendor_eccn, "%s", row->eccn);
    r->vendor_name = row->table->name;
    r->vendor_date = row->table->date;
    r->vendor_row = row;
    r->vendor_only = part->base == NULL;
    snprintf(was, sizeof was, "%s", r->eccn[0] ? r->eccn : eccn_status_word(r->status));
    eccn_date since;
    if (!eccn_date_parse(row->table->date, strlen(row->table->date), &since) || date < since) {
        r->vendor_later = true;
        return;
    }

    if (!ac) {
        if (r->status == ECCN_ST_CONTROLLED)
            note(r, "the vendor's %s is outside 3A090/4A090, eccn's rules give %s", row->eccn,
                 r->eccn);
        else if (r->status == ECCN_ST_INDETERMINATE) {
            /* eccn's rules cannot place the item; the vendor's ECCN places it outside. */
            r->status = ECCN_ST_NOT_CONTROLLED;
            r->vendor_decided = true;
            snprintf(r->class_note, sizeof r->class_note,
                     "not controlled under 3A090/4A090 per vendor classification (%s %s: %s)",
                     row->table->name, row->table->date, row->eccn);
        }
    } else if (!has_tier) {
        /* A .z paragraph that does not say its tier: eccn's own tier stands when it has one. */
        if (r->status != ECCN_ST_CONTROLLED) {
            if (r->status == ECCN_ST_NOT_CONTROLLED)
                note(r, "the vendor's %s says the item meets 3A090/4A090, eccn's rules say %s",
                     row->eccn, "not controlled");
            r->status = ECCN_ST_INDETERMINATE;
            snprintf(r->class_note, sizeof r->class_note,
                     "the vendor classifies it %s (meets 3A090 or 4A090) without saying the tier",
                     row->eccn);
        }
    } else if (r->status != ECCN_ST_CONTROLLED || rank(tier) > rank(r->eccn) ||
               (rank(tier) == 0 && strcmp(tier, r->eccn) != 0 && rank(r->eccn) == 0)) {
        if (r->status == ECCN_ST_NOT_CONTROLLED || r->status == ECCN_ST_CONTROLLED)
            note(r, "the vendor's %s is a higher tier than eccn's %s", row->eccn, was);
        r->status = ECCN_ST_CONTROLLED;
        r->vendor_decided = true;
        snprintf(r->eccn, sizeof r->eccn, "%s", tier);
        snprintf(r->class_note, sizeof r->class_note, "%s per vendor classification (%s %s: %s)",
                 tier, row->table->name, row->table->date, row->eccn);
        r->deciding_class = NULL;
    } else if (rank(tier) < rank(r->eccn)) {
        note(r, "the vendor's %s is a lower tier than eccn's %s (eccn's stands)", row->eccn,
             r->eccn);
    } else if (strncmp(tier, r->eccn, 5) != 0) {
        note(r, "the vendor's %s is another ECCN than eccn's %s", row->eccn, r->eccn);
    }

    double tol = eccn_vendors_tpp_tolerance(rs->vendors);
    if (row->has_tpp && row->tpp > 0 && tol >= 0 && eccn_spec_has(&r->metrics, ECCN_M_TPP) &&
        fabs(r->metrics.v[ECCN_M_TPP] - row->tpp) > tol * row->tpp) {
        char a[32], b[32];
        eccn_fmt_num(r->metrics.v[ECCN_M_TPP], a, sizeof a);
        eccn_fmt_num(row->tpp, b, sizeof b);
        note(r, "TPP %s against the vendor's %s", a, b);
    }
}

int eccn_vendor_check_each(const eccn_ruleset *rs, const char *only, eccn_date date,
                           void (*fn)(const eccn_vendor_finding *f, void *ctx), void *ctx,
                           eccn_error *err)
{
    int rc = rs->vendors ? eccn_vendors_ready(rs->vendors, err) : ECCN_OK;
    for (size_t i = 0; rc == ECCN_OK && i < eccn_vendors_nrows(rs->vendors); i++) {
        const eccn_vendor_row *row = eccn_vendors_row(rs->vendors, i);
        if (only && !eccn_streq_ci(only, row->table->name))
            continue;
        const eccn_part *p = eccn_vendors_row_part(rs->vendors, i);
        if (!p)
            return ECCN_ENOMEM;
        eccn_query q = {.part = p, .spec = p->spec, .date = date, .quantity = 1, .no_trace = true};
        eccn_result r;
        if ((rc = eccn_evaluate(rs, &q, &r, err)) != ECCN_OK)
            break;
        eccn_vendor_finding f = {row, p, &r, r.review[0] || r.status == ECCN_ST_INDETERMINATE};
        fn(&f, ctx);
        eccn_result_free(&r);
    }
    return rc;
}
