/* report.c: compliance reports from the ledger (see report.h, docs/report-schema.md). */
#include "report.h"

#include "csvr.h"
#include "jsonw.h"
#include "ledger_query.h"
#include "report_data.h"
#include "report_map.h"

#include <stdlib.h>
#include <string.h>

/* ---- lines, streamed ---- */

typedef eccn_ledger_line line;

typedef struct line_fn {
    report *r;
    int (*fn)(report *r, const line *ln, void *ctx);
    void *ctx;
} line_fn;

static int call_line(const eccn_ledger_line *ln, void *ctx)
{
    line_fn *f = ctx;
    return f->fn(f->r, ln, f->ctx);
}

/* Calls fn for the lines in scope (which of them: eccn_ledger_lines_of), runs first then checks,
 * in order. */
static int each_line(report *r, eccn_ledger_lines_of which,
                     int (*fn)(report *r, const line *ln, void *ctx), void *ctx)
{
    line_fn f = {r, fn, ctx};
    int rc = ECCN_OK;
    for (size_t i = 0; rc == ECCN_OK && i < r->nruns; i++)
        rc = eccn_ledger_run_lines(r->l, r->runs[i].id, which, call_line, &f, r->err);
    if (rc == ECCN_OK && !r->o->run_id)
        rc = eccn_ledger_check_lines(r->l, r->o->since, r->o->until, which, r->o->include_what_if,
                                     call_line, &f, r->err);
    return rc;
}

static void keep_until(report *r, char out[16])
{
    out[0] = '\0';
    if (r->latest[0])
        eccn_retention_keep_until(r->l, r->o->retention, r->latest, out, r->err);
}

/* ---- CSV: every line in scope (docs/report-schema.md) ---- */

static int csv_line(report *r, const line *ln, void *ctx)
{
    (void)ctx;
    char run[24] = "", no[24], qty[24];
    if (ln->run)
        snprintf(run, sizeof run, "%lld", ln->run);
    snprintf(no, sizeof no, "%lld", ln->line);
    snprintf(qty, sizeof qty, "%lld", ln->qty);
    const char *cells[] = {ln->source,     run,        no,
                           ln->line_id,    ln->part,   ln->resolved,
                           ln->dest,       ln->date,   qty,
                           ln->verdict,    ln->eccn,   ln->policy,
                           ln->exceptions, ln->reason, ln->what_if ? "yes" : ""};
    size_t n = sizeof cells / sizeof *cells;
    for (size_t i = 0; i < n; i++)
        eccn_csv_write_cell(r->out, cells[i], strlen(cells[i]), i + 1 == n);
    return ferror(r->out) ? ECCN_EIO : ECCN_OK;
}

static int write_csv(report *r)
{
    fputs("source,run,line,line_id,part,resolved_part,destination,ship_date,quantity,verdict,"
          "eccn,review_policy,license_exceptions,reason,what_if\n",
          r->out);
    int rc = each_line(r, ECCN_LINES_ALL, csv_line, NULL);
    return rc == ECCN_OK ? eccn_report_screening_csv(r) : rc;
}

/* ---- JSON (docs/report-schema.md) ---- */

typedef struct jout {
    jsonw w;
    eccn_buf buf;
} jout;

static void jflush(report *r, jout *j)
{
    if (j->buf.len)
        fwrite(j->buf.data, 1, j->buf.len, r->out);
    j->buf.len = 0;
}

static void jkv(jsonw *w, const char *k, const char *v)
{
    jsonw_kv_str(w, k, v && *v ? v : NULL);
}

static int json_problem(report *r, const line *ln, void *ctx)
{
    jout *j = ctx;
    jsonw *w = &j->w;
    jsonw_obj_begin(w);
    jkv(w, "source", ln->source);
    jsonw_kv_id(w, "run", ln->run);
    jsonw_kv_int(w, "line", ln->line);
    jkv(w, "line_id", ln->line_id);
    jkv(w, "part", ln->part);
    jkv(w, "destination", ln->dest);
    jkv(w, "ship_date", ln->date);
    jkv(w, "verdict", ln->verdict);
    jkv(w, "reason", ln->reason);
    jsonw_key(w, "what_if");
    jsonw_bool(w, ln->what_if);
    jsonw_obj_end(w);
    if (j->buf.len > 1 << 16)
        jflush(r, j);
    return w->status;
}

/* The report's counts (docs/report-schema.md: summary). */
static void json_summary(const report *r, jsonw *w)
{
    jsonw_key(w, "summary");
    jsonw_obj_begin(w);
    jsonw_kv_int(w, "lines", r->lines);
    jsonw_kv_int(w, "checks", r->checks);
    jsonw_kv_int(w, "audit_runs", (long long)r->nruns);
    jsonw_kv_int(w, "license_required", r->licence);
    jsonw_kv_int(w, "license_exceptions_available", r->exceptions);
    jsonw_kv_int(w, "indeterminate", r->indeterminate);
    jsonw_kv_int(w, "errors", r->errors);
    jsonw_kv_int(w, "no_license_required", r->no_licence);
    jsonw_kv_int(w, "quantity", r->quantity);
    jsonw_kv_int(w, "license_required_quantity", r->licence_qty);
    jsonw_kv_int(w, "what_if_checks", r->what_if);
    jsonw_kv_int(w, "what_if_checks_left_out", r->what_if_left);
    jsonw_kv_int(w, "what_if_runs", r->what_if_runs);
    jsonw_kv_int(w, "what_if_runs_left_out", r->what_if_runs_left);
    jsonw_kv_int(w, "earlier_runs_of_same_file_left_out", r->reaudits);
    jsonw_obj_end(w);
}

/* The acts, space-separated, as a JSON array. */
static void write_acts_json(jsonw *w, const char *acts)
{
    char one[256];
    jsonw_arr_begin(w);
    for (const char *a = acts; *a; a += strcspn(a, " "), a += *a == ' ') {
        snprintf(one, sizeof one, "%.*s", (int)strcspn(a, " "), a);
        jsonw_str(w, one);
    }
    jsonw_arr_end(w);
}

static int write_json(report *r, const provs *p)
{
    jout j = {0};
    jsonw *w = &j.w;
    char keep[16];
    int rc;
    jsonw_init(w, &j.buf);
    jsonw_obj_begin(w);
    jkv(w, "schema", "eccn-report/1");
    jkv(w, "generated_at", r->o->generated_at);
    jkv(w, "organisation", r->o->org);
    jkv(w, "tool_version", ECCN_VERSION);
    jkv(w, "ledger", r->o->ledger_name);
    jsonw_key(w, "scope");
    jsonw_obj_begin(w);
    jsonw_kv_id(w, "run", r->o->run_id);
    jkv(w, "since", r->o->since);
    jkv(w, "until", r->o->until);
    jsonw_key(w, "include_what_if");
    jsonw_bool(w, r->o->include_what_if);
    jsonw_obj_end(w);
    /* The acts of the what-if runs shown: a report of one is no decision (null: none). */
    jsonw_key(w, "what_if");
    if (r->what_if_runs)
        write_acts_json(w, r->what_if_acts);
    else
        jsonw_null(w);
    jsonw_key(w, "rules_revisions");
    jsonw_arr_begin(w);
    for (size_t i = 0; i < r->revisions.n; i++)
        jsonw_str(w, r->revisions.v[i]);
    jsonw_arr_end(w);
    json_summary(r, w);
    jsonw_key(w, "license_required");
    jsonw_arr_begin(w);
    for (size_t g = 0; g < r->ngroups; g++) {
        jsonw_obj_begin(w);
        jkv(w, "destination", r->groups[g].dest);
        jkv(w, "eccn", r->groups[g].eccn);
        jsonw_kv_int(w, "lines", r->groups[g].lines);
        jsonw_kv_int(w, "quantity", r->groups[g].qty);
        jsonw_obj_end(w);
    }
    jsonw_arr_end(w);
    jsonw_key(w, "problems");
    jsonw_arr_begin(w);
    rc = each_line(r, ECCN_LINES_PROBLEMS, json_problem, &j);
    jsonw_arr_end(w);
    jsonw_key(w, "parts");
    jsonw_arr_begin(w);
    for (size_t i = 0; i < r->nparts; i++) {
        const part *pt = &r->parts[i];
        jsonw_obj_begin(w);
        jkv(w, "part", pt->id);
        jkv(w, "eccn", pt->eccn);
        jkv(w, "status", pt->status);
        jsonw_kv_num(w, "tpp", pt->has_tpp, pt->tpp);
        jsonw_kv_num(w, "pd", pt->has_pd, pt->pd);
        jkv(w, "deciding_provision", pt->by);
        jsonw_kv_int(w, "lines", pt->lines);
        if (pt->vendor[0])
            jkv(w, "vendor_classification", pt->vendor);
        jsonw_obj_end(w);
    }
    jsonw_arr_end(w);
    eccn_report_screening_json(r, w);
    jsonw_key(w, "provisions");
    jsonw_arr_begin(w);
    for (size_t i = 0; i < r->provisions.n; i++) {
        const prov *v = eccn_report_find_prov(p, r->provisions.v[i]);
        jsonw_obj_begin(w);
        jkv(w, "id", r->provisions.v[i]);
        jkv(w, "kind", v ? v->kind : NULL);
        jkv(w, "title", v ? v->title : NULL);
        jkv(w, "citation", v ? v->citation : NULL);
        jkv(w, "source", v ? v->source : NULL);
        jsonw_obj_end(w);
    }
    jsonw_arr_end(w);
    keep_until(r, keep);
    jsonw_key(w, "recordkeeping");
    jsonw_obj_begin(w);
    jkv(w, "latest_ship_date", r->latest);
    jkv(w, "keep_until", keep);
    char basis[200];
    snprintf(basis, sizeof basis, "%s: %d years from the latest ship date in this report",
             r->o->retention->citation, r->o->retention->years);
    jkv(w, "basis", basis);
    jsonw_obj_end(w);
    jsonw_obj_end(w);
    eccn_buf_puts(&j.buf, "\n");
    if (rc == ECCN_OK)
        rc = w->status;
    jflush(r, &j);
    eccn_buf_free(&j.buf);
    return rc;
}

/* ---- Markdown and HTML: one document outline, two spellings ---- */

typedef struct doc {
    report *r;
    bool html;
    long long *shown; /* rows written of a table that is cut short */
} doc;

static void esc(doc *d, const char *s)
{
    FILE *f = d->r->out;
    if (d->html) {
        eccn_xml_escape(f, s);
        return;
    }
    for (; s && *s; s++) {
        if (*s == '\n' || *s == '\r')
            fputc(' ', f);
        else {
            if (strchr("\\`*_[]<>|#!{}", *s))
                fputc('\\', f);
            fputc(*s, f);
        }
    }
}

static void heading(doc *d, int level, const char *t)
{
    if (d->html) {
        fprintf(d->r->out, "<h%d>", level);
        esc(d, t);
        fprintf(d->r->out, "</h%d>\n", level);
    } else {
        fprintf(d->r->out, "\n%.*s ", level, "######");
        esc(d, t);
        fputs("\n\n", d->r->out);
    }
}

static void para(doc *d, const char *t)
{
    fputs(d->html ? "<p>" : "", d->r->out);
    esc(d, t);
    fputs(d->html ? "</p>\n" : "\n\n", d->r->out);
}

static void table_row(doc *d, const char *const *cells, size_t n, bool head)
{
    FILE *f = d->r->out;
    fputs(d->html ? "<tr>" : "|", f);
    for (size_t i = 0; i < n; i++) {
        fputs(d->html ? (head ? "<th>" : "<td>") : " ", f);
        esc(d, cells[i]);
        fputs(d->html ? (head ? "</th>" : "</td>") : " |", f);
    }
    fputs(d->html ? "</tr>\n" : "\n", f);
    if (head && !d->html) {
        fputs("|", f);
        for (size_t i = 0; i < n; i++)
            fputs("---|", f);
        fputs("\n", f);
    }
}

static void table_begin(doc *d, const char *const *heads, size_t n)
{
    if (d->html)
        fputs("<table>\n", d->r->out);
    table_row(d, heads, n, true);
}

static void table_end(doc *d)
{
    fputs(d->html ? "</table>\n" : "\n", d->r->out);
}

static void op_heading(void *d, int level, const char *t)
{
    heading(d, level, t);
}
static void op_para(void *d, const char *t)
{
    para(d, t);
}
static void op_table_begin(void *d, const char *const *heads, size_t n)
{
    table_begin(d, heads, n);
}
static void op_row(void *d, const char *const *cells, size_t n)
{
    table_row(d, cells, n, false);
}
static void op_table_end(void *d)
{
    table_end(d);
}

static int doc_problem(report *r, const line *ln, void *ctx)
{
    doc *d = ctx;
    char no[48], run[24] = "";
    snprintf(no, sizeof no, "%lld", ln->line);
    if (ln->run)
        snprintf(run, sizeof run, "%lld", ln->run);
    char verdict[64];
    snprintf(verdict, sizeof verdict, "%s%s", ln->what_if ? "WHAT-IF " : "", ln->verdict);
    const char *cells[] = {ln->source, run,      no,      ln->line_id, ln->part,
                           ln->dest,   ln->date, verdict, ln->reason};
    table_row(d, cells, sizeof cells / sizeof *cells, false);
    return ferror(r->out) ? ECCN_EIO : ECCN_OK;
}

static const char HTML_HEAD[] =
    "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>";
/* Self-contained: no fonts, scripts or images from elsewhere. The print rules fit both A4
 * (210 x 297 mm) and US Letter (216 x 279 mm): margins and widths, never a fixed page size. */
static const char HTML_STYLE[] =
    "</title>\n<style>\n"
    "body{font-family:sans-serif;max-width:60em;margin:1.5em auto;padding:0 1em;color:#111}\n"
    "table{border-collapse:collapse;margin:.5em 0 1.2em;font-size:.9em}\n"
    "th,td{border:1px solid #bbb;padding:.25em .5em;text-align:left;vertical-align:top}\n"
    "th{background:#eee}\nsvg{max-width:100%;height:auto;display:block;margin:1em 0}\n"
    ".what-if{border:3px solid #b00;color:#b00;padding:.5em}\n"
    "footer{border-top:1px solid #999;margin-top:2em;padding-top:.5em;font-size:.9em}\n"
    "@page{margin:14mm 12mm}\n"
    "@media print{body{max-width:none;margin:0;padding:0;font-size:10pt}"
    "a{color:#000;text-decoration:none}tr,svg,h2,h3{break-inside:avoid}"
    "h2,h3{break-after:avoid}}\n</style>\n</head>\n<body>\n";

static int write_chart_file(report *r, const char *suffix, const map *m, char *name, size_t n)
{
    char path[4200];
    snprintf(name, n, "%s-%s.svg", r->o->chart_prefix, suffix);
    snprintf(path, sizeof path, "%s/%s", r->o->chart_dir, name);
    FILE *f = fopen(path, "w");
    if (!f)
        return eccn_fail(r->err, ECCN_EIO, path, 0, 0, "cannot write the chart");
    if (m)
        eccn_report_control_map(r, m, f);
    else
        eccn_report_destination_bars(r, f);
    return fclose(f) == 0 ? ECCN_OK : eccn_fail(r->err, ECCN_EIO, path, 0, 0, "write failed");
}

/* A report that shows lines judged under rules not in force says so first, where no reader can
 * miss it: they are no decision. */
static void what_if_banner(doc *d)
{
    report *r = d->r;
    char buf[600];
    if (!r->what_if_runs)
        return;
    if (r->o->run_id)
        snprintf(buf, sizeof buf,
                 "WHAT-IF, NOT A DECISION: %s %s. Audit run %lld was judged under rules not in "
                 "force (--what-if); its verdicts are not decisions.",
                 strchr(r->what_if_acts, ' ') ? "acts" : "act", r->what_if_acts, r->o->run_id);
    else
        snprintf(buf, sizeof buf,
                 "WHAT-IF, NOT A DECISION: %s %s. %lld of the audit runs shown were judged under "
                 "rules not in force (--what-if), included at the report's request; their lines "
                 "are marked WHAT-IF and are not decisions.",
                 strchr(r->what_if_acts, ' ') ? "acts" : "act", r->what_if_acts, r->what_if_runs);
    fputs(d->html ? "<p class=\"what-if\"><strong>" : "**", r->out);
    esc(d, buf);
    fputs(d->html ? "</strong></p>\n" : "**\n\n", r->out);
}

/* The title block (organisation, generation, tool, ledger, scope, revisions) and the summary. */
static void doc_title(doc *d)
{
    report *r = d->r;
    FILE *f = r->out;
    bool html = d->html;
    char buf[256], a[32], b[32];
    snprintf(buf, sizeof buf, "Export-control compliance report%s%s", r->o->org ? ": " : "",
             r->o->org ? r->o->org : "");
    if (html) {
        fputs(HTML_HEAD, f);
        esc(d, buf);
        fputs(HTML_STYLE, f);
    }
    heading(d, 1, buf);
    what_if_banner(d);

    /* The scope ends on the date the control map is drawn for (eccn_report_period_end). */
    char scope[160], end[11];
    eccn_report_period_end(r, end);
    if (r->o->run_id && r->latest[0])
        snprintf(scope, sizeof scope, "audit run %lld: ship dates %s to %s", r->o->run_id,
                 r->earliest, r->latest);
    else if (r->o->run_id)
        snprintf(scope, sizeof scope, "audit run %lld", r->o->run_id);
    else
        snprintf(scope, sizeof scope, "checks and audit runs recorded from %s to %s%s",
                 r->o->since ? r->o->since : "the start", r->o->until ? "" : "today, ", end);
    const char *head2[] = {"", ""};
    table_begin(d, head2, 2);
    const char *rows[][2] = {{"organisation", r->o->org ? r->o->org : "(not given)"},
                             {"generated at (UTC)", r->o->generated_at},
                             {"tool", "eccn " ECCN_VERSION},
                             {"ledger", r->o->ledger_name},
                             {"scope", scope}};
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++)
        table_row(d, rows[i], 2, false);
    for (size_t i = 0; i < r->revisions.n; i++) {
        const char *rv[] = {"rules revision", r->revisions.v[i]};
        table_row(d, rv, 2, false);
    }
    table_end(d);
    /* Summary */
    heading(d, 2, "Summary");
    const char *sh[] = {"", "lines", "quantity"};
    table_begin(d, sh, 3);
    struct {
        const char *what;
        long long lines, qty;
        bool has_qty;
    } sum[] = {{"judged and recorded", r->lines, r->quantity, true},
               {"licence required", r->licence, r->licence_qty, true},
               {"licence exception may be available", r->exceptions, 0, false},
               {"indeterminate", r->indeterminate, 0, false},
               {"no licence required", r->no_licence, 0, false},
               {"errors (not judged)", r->errors, 0, false}};
    for (size_t i = 0; i < sizeof sum / sizeof *sum; i++) {
        snprintf(a, sizeof a, "%lld", sum[i].lines);
        snprintf(b, sizeof b, "%lld", sum[i].qty);
        const char *cells[] = {sum[i].what, a, sum[i].has_qty ? b : ""};
        table_row(d, cells, 3, false);
    }
    table_end(d);
    snprintf(buf, sizeof buf, "%lld single checks and %zu audit runs.", r->checks, r->nruns);
    para(d, buf);
    /* What is not counted above, or counted but is no decision, is said where the counts are. */
    if (r->reaudits) {
        snprintf(buf, sizeof buf,
                 "%lld earlier audit runs of the same files left out: each input file is shown "
                 "once, by its latest run.",
                 r->reaudits);
        para(d, buf);
    }
    if (r->what_if_left) {
        snprintf(buf, sizeof buf,
                 "%lld what-if checks left out: answers under rules not in force are not "
                 "decisions (eccn report --include-what-if shows them, marked).",
                 r->what_if_left);
        para(d, buf);
    }
    if (r->what_if_runs_left) {
        snprintf(buf, sizeof buf,
                 "%lld what-if audit runs left out: lines judged under rules not in force are "
                 "not decisions (--include-what-if shows them).",
                 r->what_if_runs_left);
        para(d, buf);
    }
    if (r->what_if) {
        snprintf(buf, sizeof buf,
                 "WHAT-IF: %lld of the checks counted above were answered under rules not in "
                 "force, at the report's request; they are not decisions and are marked WHAT-IF.",
                 r->what_if);
        para(d, buf);
    }
}

/* ---- the licence-required lines, one row each (the first LICENCE_ROWS; the CSV has all) ---- */

enum { LICENCE_ROWS = 500 };

static int doc_licence_line(report *r, const line *ln, void *ctx)
{
    doc *d = ctx;
    long long *shown = d->shown;
    if (++*shown > LICENCE_ROWS)
        return ECCN_OK;
    char qty[24], where[64];
    snprintf(qty, sizeof qty, "%lld", ln->qty);
    if (ln->run)
        snprintf(where, sizeof where, "%srun %lld line %lld", ln->what_if ? "WHAT-IF " : "",
                 ln->run, ln->line);
    else
        snprintf(where, sizeof where, "%scheck %lld", ln->what_if ? "WHAT-IF " : "", ln->line);
    const char *cells[] = {ln->part,      qty,  ln->dest, ln->date, ln->eccn[0] ? ln->eccn : "-",
                           ln->provision, where};
    table_row(d, cells, sizeof cells / sizeof *cells, false);
    return ferror(r->out) ? ECCN_EIO : ECCN_OK;
}

static int doc_licence_lines(doc *d)
{
    long long shown = 0;
    char buf[160];
    heading(d, 2, "Licence-required lines");
    const char *th[] = {"part", "quantity",  "destination", "ship date",
                        "ECCN", "provision", "record"};
    table_begin(d, th, sizeof th / sizeof *th);
    d->shown = &shown;
    int rc = each_line(d->r, ECCN_LINES_LICENCE, doc_licence_line, d);
    table_end(d);
    if (rc == ECCN_OK && shown > LICENCE_ROWS) {
        snprintf(buf, sizeof buf, "The first %d of %lld lines; the CSV report lists them all.",
                 LICENCE_ROWS, shown);
        para(d, buf);
    }
    return rc;
}

static void doc_parts(doc *d)
{
    report *r = d->r;
    char a[32], b[32], c[32], name[420];
    heading(d, 2, "Parts seen");
    const char *th[] = {"part", "ECCN", "TPP", "PD", "deciding test", "lines"};
    table_begin(d, th, 6);
    for (size_t i = 0; i < r->nparts; i++) {
        const part *pt = &r->parts[i];
        snprintf(a, sizeof a, "%.6g", pt->tpp);
        snprintf(b, sizeof b, "%.4g", pt->pd);
        snprintf(c, sizeof c, "%lld", pt->lines);
        /* A part known by a vendor row alone is shown with it: what the line was. */
        snprintf(name, sizeof name, "%s%s%s%s", pt->id, pt->vendor[0] ? " (" : "", pt->vendor,
                 pt->vendor[0] ? ")" : "");
        const char *cells[] = {name,
                               pt->eccn[0]                                ? pt->eccn
                               : strcmp(pt->status, "indeterminate") == 0 ? "indeterminate"
                                                                          : "not controlled",
                               pt->has_tpp ? a : "unknown",
                               pt->has_pd ? b : "unknown",
                               pt->by[0] ? pt->by : "-",
                               c};
        table_row(d, cells, 6, false);
    }
    table_end(d);
}

static void doc_provisions(doc *d, const provs *p)
{
    report *r = d->r;
    FILE *f = r->out;
    bool html = d->html;
    heading(d, 2, "Provisions cited");
    const char *vh[] = {"provision", "title", "citation", "source"};
    table_begin(d, vh, 4);
    for (size_t i = 0; i < r->provisions.n; i++) {
        const prov *v = eccn_report_find_prov(p, r->provisions.v[i]);
        const char *cells[] = {r->provisions.v[i], v ? v->title : "", v ? v->citation : "",
                               v ? v->source : ""};
        if (!html || !v || !*v->source) {
            table_row(d, cells, 4, false);
            continue;
        }
        fputs("<tr>", f);
        for (int k = 0; k < 3; k++) {
            fputs("<td>", f);
            esc(d, cells[k]);
            fputs("</td>", f);
        }
        fputs("<td><a href=\"", f);
        esc(d, v->source);
        fputs("\">", f);
        esc(d, v->source);
        fputs("</a></td></tr>\n", f);
    }
    table_end(d);
    /* Rules revisions and what they contain */
    heading(d, 2, "Rules revisions used");
    for (size_t i = 0; i < r->revisions.n; i++)
        para(d, r->revisions.v[i]);
    eccn_buf ids = {0};
    for (size_t k = 0; k < p->n; k++)
        eccn_buf_printf(&ids, "%s%s", ids.len ? ", " : "", p->v[k].id);
    para(d, "Their provisions:");
    para(d, ids.data && r->revisions.n ? ids.data : "(none recorded)");
    eccn_buf_free(&ids);
}

/* The recordkeeping note (EAR 762.6), and the end of the document. */
static void doc_footer(doc *d)
{
    report *r = d->r;
    FILE *f = r->out;
    bool html = d->html;
    char buf[256], keep[16];
    keep_until(r, keep);
    if (keep[0])
        snprintf(buf, sizeof buf,
                 "Recordkeeping: keep these records until %s, %d years after the latest ship "
                 "date in this report (%s), per %s.",
                 keep, r->o->retention->years, r->latest, r->o->retention->citation);
    else
        snprintf(buf, sizeof buf,
                 "Recordkeeping: no ship date in this report; %s asks for %d years from the "
                 "export.",
                 r->o->retention->citation, r->o->retention->years);
    if (html) {
        fputs("<footer>", f);
        esc(d, buf);
        fputs("</footer>\n</body>\n</html>\n", f);
    } else {
        fputs("---\n\n", f);
        para(d, buf);
    }
}

static int write_doc(report *r, const provs *p, bool html)
{
    doc dd = {r, html, NULL}, *d = &dd;
    FILE *f = r->out;
    char a[32], b[32];
    map m;
    int rc = ECCN_OK;
    eccn_report_build_map(r, p, &m);
    doc_title(d);
    /* Charts */
    heading(d, 2, "Charts");
    if (html) {
        eccn_report_control_map(r, &m, f);
        eccn_report_destination_bars(r, f);
    } else {
        char name[4200];
        if ((rc = write_chart_file(r, "control-map", &m, name, sizeof name)) != ECCN_OK)
            return rc;
        fprintf(f, "![Control map](%s)\n\n", name);
        if ((rc = write_chart_file(r, "destinations", NULL, name, sizeof name)) != ECCN_OK)
            return rc;
        fprintf(f, "![Licence-required quantity by destination](%s)\n\n", name);
    }
    para(d, "The control map shades each 3A090 paragraph in force on the date shown (the end of "
            "the period) whose tests are all on TPP and performance density; paragraphs that also "
            "test other facts (datacenter design, I/O bandwidth) are not drawn. Hollow points: PD "
            "unknown.");
    if (r->map_revision[0]) {
        char note[200];
        snprintf(note, sizeof note,
                 "No line in this period: the map shows the paragraphs of the rules revision "
                 "recorded last (%.16s...).",
                 r->map_revision);
        para(d, note);
    }
    if (m.changes[0]) {
        char note[320];
        snprintf(note, sizeof note,
                 "The period spans a change of the rules (on %s; ship dates from %s, map drawn "
                 "for %s): a line shipped before a change was judged under the paragraphs in "
                 "force on its date, not those drawn; the parts table names the test that "
                 "decided each.",
                 m.changes, r->earliest, m.when);
        para(d, note);
    }
    /* Licence required */
    heading(d, 2, "Licence required, by destination and ECCN");
    const char *lh[] = {"destination", "ECCN", "lines", "quantity"};
    table_begin(d, lh, 4);
    for (size_t g = 0; g < r->ngroups; g++) {
        snprintf(a, sizeof a, "%lld", r->groups[g].lines);
        snprintf(b, sizeof b, "%lld", r->groups[g].qty);
        const char *cells[] = {
            r->groups[g].dest,
            r->groups[g].eccn[0] ? r->groups[g].eccn : "none (by letter or Part 746)", a, b};
        table_row(d, cells, 4, false);
    }
    table_end(d);
    if ((rc = doc_licence_lines(d)) != ECCN_OK)
        return rc;
    /* Problems */
    heading(d, 2, "Indeterminate and error lines");
    const char *ph[] = {"source",      "run",       "line",    "line id", "part",
                        "destination", "ship date", "verdict", "reason"};
    table_begin(d, ph, sizeof ph / sizeof *ph);
    if ((rc = each_line(r, ECCN_LINES_PROBLEMS, doc_problem, d)) != ECCN_OK)
        return rc;
    table_end(d);
    eccn_report_screening_doc(
        r, &(doc_ops){op_heading, op_para, op_table_begin, op_row, op_table_end, d});
    doc_parts(d);
    doc_provisions(d, p);
    doc_footer(d);
    return ferror(f) ? eccn_fail(r->err, ECCN_EIO, "report", 0, 0, "write failed") : ECCN_OK;
}

int eccn_report_write(eccn_ledger *l, const eccn_report_opts *o, FILE *out, eccn_error *err)
{
    report r = {.l = l, .o = o, .out = out, .err = err};
    provs p = {0};
    int rc = eccn_report_data_gather(&r, &p);
    if (rc == ECCN_OK) {
        switch (o->format) {
        case ECCN_REPORT_CSV:
            rc = write_csv(&r);
            break;
        case ECCN_REPORT_JSON:
            rc = write_json(&r, &p);
            break;
        default:
            rc = write_doc(&r, &p, o->format == ECCN_REPORT_HTML);
        }
    }
    eccn_report_data_free(&r, &p);
    return rc;
}
