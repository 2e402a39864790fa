/* report_screen.c: the denied-party screening a report covers: each party of an audit run or a
 * check in scope that was a hit, a possible match or cleared by a recorded review, with the list
 * entry it matched, and the lists revisions used. */
#include "report_data.h"

#include "csvr.h"
#include "screen_query.h"

#include <stdio.h>
#include <string.h>

static int add_screen(const eccn_ledger_screening *s, void *ctx)
{
    report *r = ctx;
    screen_row *g = eccn_grow(r->screens, &r->screens_cap, r->nscreens + 1, sizeof *g, 16);
    if (!g)
        return ECCN_ENOMEM;
    r->screens = g;
    screen_row *w = &g[r->nscreens++];
    memset(w, 0, sizeof *w);
    w->run = s->run_id;
    w->verdict = s->verdict_id;
    w->lines = s->lines;
    snprintf(w->role, sizeof w->role, "%s", s->role);
    snprintf(w->name, sizeof w->name, "%s", s->name);
    snprintf(w->country, sizeof w->country, "%s", s->country);
    snprintf(w->result, sizeof w->result, "%s", s->result);
    snprintf(w->effect, sizeof w->effect, "%s", s->effect);
    snprintf(w->list, sizeof w->list, "%s", s->list);
    snprintf(w->entry, sizeof w->entry, "%s", s->entry_name);
    snprintf(w->number, sizeof w->number, "%s", s->entity_number);
    snprintf(w->note, sizeof w->note, "%s", s->note);
    return s->lists_revision[0] ? eccn_report_strset_add(&r->lists_revisions, s->lists_revision)
                                : ECCN_OK;
}

int eccn_report_screening_gather(report *r)
{
    int rc = ECCN_OK;
    for (size_t i = 0; rc == ECCN_OK && i < r->nruns; i++)
        rc = eccn_ledger_run_screenings(r->l, r->runs[i].id, add_screen, r, r->err);
    if (rc == ECCN_OK && !r->o->run_id)
        rc = eccn_ledger_check_screenings(r->l, r->o->since, r->o->until, r->o->include_what_if,
                                          add_screen, r, r->err);
    return rc;
}

/* Where the party was screened: "run 3" or "check 12". */
static void source_of(const screen_row *s, char *buf, size_t n)
{
    if (s->run)
        snprintf(buf, n, "audit run %lld", s->run);
    else
        snprintf(buf, n, "check %lld", s->verdict);
}

static void entry_of(const screen_row *s, char *buf, size_t n)
{
    snprintf(buf, n, "%s%s%s%s%s", s->list, s->number[0] ? " " : "", s->number,
             s->list[0] ? ": " : "", s->entry);
}

void eccn_report_screening_doc(const report *r, const doc_ops *ops)
{
    static const char *const heads[] = {"source", "party",         "country", "result",
                                        "effect", "entry matched", "lines",   "review"};
    char src[48], entry[300], lines[24], buf[400];
    ops->heading(ops->d, 2, "Denied-party screening");
    if (!r->nscreens) {
        ops->para(ops->d, "No party in scope was a hit, a possible match or cleared by a review.");
    } else {
        ops->table_begin(ops->d, heads, sizeof heads / sizeof *heads);
        for (size_t i = 0; i < r->nscreens; i++) {
            const screen_row *s = &r->screens[i];
            source_of(s, src, sizeof src);
            entry_of(s, entry, sizeof entry);
            snprintf(lines, sizeof lines, "%lld", s->lines);
            snprintf(buf, sizeof buf, "%s%s%s", s->role, s->role[0] ? ": " : "", s->name);
            const char *cells[] = {src,       buf,   s->country, s->result,
                                   s->effect, entry, lines,      s->note};
            ops->row(ops->d, cells, sizeof cells / sizeof *cells);
        }
        ops->table_end(ops->d);
    }
    for (size_t i = 0; i < r->lists_revisions.n; i++) {
        snprintf(buf, sizeof buf, "Screened against lists revision %s.", r->lists_revisions.v[i]);
        ops->para(ops->d, buf);
    }
    ops->para(ops->d, "A party not listed here was not on the lists as bundled on their date; "
                      "entities owned 50% or more by listed parties are not on the lists "
                      "(docs/screening.md).");
}

void eccn_report_screening_json(const report *r, jsonw *w)
{
    jsonw_key(w, "screening");
    jsonw_obj_begin(w);
    jsonw_key(w, "lists_revisions");
    jsonw_arr_begin(w);
    for (size_t i = 0; i < r->lists_revisions.n; i++)
        jsonw_str(w, r->lists_revisions.v[i]);
    jsonw_arr_end(w);
    jsonw_key(w, "findings");
    jsonw_arr_begin(w);
    for (size_t i = 0; i < r->nscreens; i++) {
        const screen_row *s = &r->screens[i];
        jsonw_obj_begin(w);
        jsonw_kv_id(w, "run", s->run);
        jsonw_kv_id(w, "verdict_id", s->verdict);
        jsonw_kv_str(w, "role", s->role[0] ? s->role : NULL);
        jsonw_kv_str(w, "name", s->name);
        jsonw_kv_str(w, "country", s->country[0] ? s->country : NULL);
        jsonw_kv_str(w, "result", s->result);
        jsonw_kv_str(w, "effect", s->effect);
        jsonw_kv_str(w, "list", s->list[0] ? s->list : NULL);
        jsonw_kv_str(w, "entry_name", s->entry[0] ? s->entry : NULL);
        jsonw_kv_str(w, "entity_number", s->number[0] ? s->number : NULL);
        jsonw_kv_str(w, "review", s->note[0] ? s->note : NULL);
        jsonw_kv_int(w, "lines", s->lines);
        jsonw_obj_end(w);
    }
    jsonw_arr_end(w);
    jsonw_obj_end(w);
}

/* After the lines, one row a finding: source "screening", the party in part, the entry matched
 * in resolved_part, its country in destination, the lines naming it in quantity, the result in
 * verdict, the effect in review_policy and the recorded review and lists revision in reason. */
int eccn_report_screening_csv(const report *r)
{
    for (size_t i = 0; i < r->nscreens; i++) {
        const screen_row *s = &r->screens[i];
        char run[24] = "", qty[24], entry[300], reason[600];
        if (s->run)
            snprintf(run, sizeof run, "%lld", s->run);
        else
            snprintf(run, sizeof run, "check %lld", s->verdict);
        snprintf(qty, sizeof qty, "%lld", s->lines);
        entry_of(s, entry, sizeof entry);
        snprintf(reason, sizeof reason, "%s%s%s", s->role, s->role[0] && s->note[0] ? "; " : "",
                 s->note);
        const char *cells[] = {"screening", run, "",        "", s->name, entry, s->country, "", qty,
                               s->result,   "",  s->effect, "", reason,  ""};
        size_t n = sizeof cells / sizeof *cells;
        for (size_t k = 0; k < n; k++)
            eccn_csv_write_cell(r->out, cells[k], strlen(cells[k]), k + 1 == n);
    }
    return ferror(r->out) ? ECCN_EIO : ECCN_OK;
}
