/* cond.c: rule conditions, parsed and evaluated in three-valued logic (see cond.h). */
#include "cond.h"

#include "rx.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum {
    C_ALL,
    C_ANY,
    C_NOT,
    C_METRIC,
    C_FLAG,
    C_DESTINATION,
    C_HEADQUARTERS,
    C_ECCN,
    C_CONTAINS,
    C_ITEM,
    C_MATCH,
} cond_kind;

typedef enum { OP_GE, OP_GT, OP_LT, OP_LE, OP_EQ, OP_NE } cmp_op;
static const char *const OP_TEXT[] = {">=", ">", "<", "<=", "==", "!="};

struct eccn_cond {
    cond_kind kind;
    eccn_cond **kids;
    size_t nkids;
    /* C_METRIC */
    eccn_metric metric;
    cmp_op op;
    double value;
    /* C_FLAG */
    eccn_flag flag;
    int want;
    /* C_DESTINATION, C_HEADQUARTERS, C_ECCN, C_CONTAINS: a set of names */
    char **set;
    size_t nset;
    /* C_ITEM */
    eccn_part_kind item;
    /* C_MATCH */
    char attr[16];
    char *pattern;
    eccn_rx *re;
};

void eccn_trace_free(eccn_trace *t)
{
    free(t->tests);
    t->tests = NULL;
    t->n = t->cap = 0;
}

void eccn_cond_free(eccn_cond *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->nkids; i++)
        eccn_cond_free(c->kids[i]);
    free(c->kids);
    for (size_t i = 0; i < c->nset; i++)
        free(c->set[i]);
    free(c->set);
    free(c->pattern);
    eccn_rx_free(c->re);
    free(c);
}

const char *eccn_tv_word(eccn_tv v)
{
    return v == ECCN_TRUE ? "met" : v == ECCN_FALSE ? "not met" : "unknown";
}

const char *eccn_status_word(eccn_status s)
{
    return s == ECCN_ST_CONTROLLED       ? "controlled"
           : s == ECCN_ST_NOT_CONTROLLED ? "not_controlled"
                                         : "indeterminate";
}

static int bad(const char *file, const ynode *n, const char *what, eccn_error *err)
{
    return eccn_fail(err, ECCN_EINPUT, file, n ? n->line : 0, n ? n->col : 0, "%s", what);
}

static int parse_set(const char *file, const ynode *n, const eccn_geo *geo, bool places,
                     eccn_cond *c, eccn_error *err)
{
    const ynode *in = ynode_get(n, "in");
    if (!in || in->kind != YN_SEQ || in->nkids == 0)
        return bad(file, n, "expected `in: [ ... ]` with at least one entry", err);
    if (!(c->set = calloc(in->nkids, sizeof *c->set)))
        return ECCN_ENOMEM;
    for (size_t i = 0; i < in->nkids; i++) {
        const ynode *e = in->kids[i];
        if (e->kind != YN_SCALAR)
            return bad(file, e, "expected a name", err);
        if (places && !eccn_geo_is_group(geo, e->str) && !eccn_geo_resolve(geo, e->str))
            return eccn_fail(err, ECCN_EINPUT, file, e->line, e->col,
                             "'%s' is neither a country code nor a country group", e->str);
        if (places && !eccn_geo_is_group(geo, e->str) &&
            strcmp(eccn_geo_resolve(geo, e->str), e->str) != 0)
            return eccn_fail(err, ECCN_EINPUT, file, e->line, e->col,
                             "write the ISO code %s rather than '%s'",
                             eccn_geo_resolve(geo, e->str), e->str);
        if (!(c->set[c->nset++] = eccn_strdup(e->str)))
            return ECCN_ENOMEM;
    }
    return ECCN_OK;
}

static int parse_kids(const char *file, const ynode *seq, const eccn_geo *geo, eccn_cond *c,
                      eccn_error *err)
{
    if (!seq || seq->kind != YN_SEQ || seq->nkids == 0)
        return bad(file, seq, "all/any: expected a non-empty list of conditions", err);
    if (!(c->kids = calloc(seq->nkids, sizeof *c->kids)))
        return ECCN_ENOMEM;
    for (size_t i = 0; i < seq->nkids; i++) {
        int rc = eccn_cond_parse(file, seq->kids[i], geo, &c->kids[i], err);
        if (rc != ECCN_OK)
            return rc;
        c->nkids++;
    }
    return ECCN_OK;
}

static int parse_into(const char *file, const ynode *n, const eccn_geo *geo, eccn_cond *c,
                      eccn_error *err)
{
    if (!n || n->kind != YN_MAP || n->nkids == 0)
        return bad(file, n,
                   "expected a condition (a mapping such as {metric: tpp, op: \">=\", "
                   "value: 4800})",
                   err);
    const ynode *v;
    if ((v = ynode_get(n, "all")) || (v = ynode_get(n, "any"))) {
        c->kind = ynode_get(n, "all") ? C_ALL : C_ANY;
        return parse_kids(file, v, geo, c, err);
    }
    if ((v = ynode_get(n, "not"))) {
        c->kind = C_NOT;
        if (!(c->kids = calloc(1, sizeof *c->kids)))
            return ECCN_ENOMEM;
        int rc = eccn_cond_parse(file, v, geo, &c->kids[0], err);
        if (rc == ECCN_OK)
            c->nkids = 1;
        return rc;
    }
    if ((v = ynode_get(n, "metric"))) {
        c->kind = C_METRIC;
        const ynode *op = ynode_get(n, "op"), *val = ynode_get(n, "value");
        if (v->kind != YN_SCALAR || !eccn_metric_from_name(v->str, &c->metric))
            return bad(file, v,
                       "metric: expected tpp, pd, die_area, io_bw, interconnect, pcie, "
                       "mem_bw or a precision (fp64 ... fp4)",
                       err);
        size_t i;
        for (i = 0; op && op->kind == YN_SCALAR && i < 6; i++)
            if (strcmp(op->str, OP_TEXT[i]) == 0)
                break;
        if (!op || op->kind != YN_SCALAR || i == 6)
            return bad(file, op ? op : n, "op: expected one of >= > < <= == !=", err);
        c->op = (cmp_op)i;
        if (!val || val->kind != YN_SCALAR || !eccn_parse_double(val->str, &c->value))
            return bad(file, val ? val : n, "value: expected a number", err);
        return ECCN_OK;
    }
    for (int f = 0; f < ECCN_FLAG_COUNT; f++) {
        if (!(v = ynode_get(n, eccn_flag_name((eccn_flag)f))))
            continue;
        c->kind = C_FLAG;
        c->flag = (eccn_flag)f;
        if (v->kind != YN_SCALAR || !eccn_yes_no(v->str, &c->want)) {
            char what[64];
            snprintf(what, sizeof what, "%s: expected yes or no", eccn_flag_name((eccn_flag)f));
            return bad(file, v, what, err);
        }
        return ECCN_OK;
    }
    if ((v = ynode_get(n, "destination")) || (v = ynode_get(n, "headquarters"))) {
        c->kind = ynode_get(n, "destination") ? C_DESTINATION : C_HEADQUARTERS;
        return parse_set(file, v, geo, true, c, err);
    }
    if ((v = ynode_get(n, "eccn"))) {
        c->kind = C_ECCN;
        return parse_set(file, v, geo, false, c, err);
    }
    if ((v = ynode_get(n, "contains"))) {
        c->kind = C_CONTAINS;
        const ynode *e = ynode_get(v, "eccn");
        if (!e)
            return bad(file, v, "contains: expected {eccn: {in: [...]}}", err);
        return parse_set(file, e, geo, false, c, err);
    }
    if ((v = ynode_get(n, "item"))) {
        c->kind = C_ITEM;
        if (v->kind == YN_SCALAR && strcmp(v->str, "ic") == 0)
            c->item = ECCN_PART_IC;
        else if (v->kind == YN_SCALAR && strcmp(v->str, "system") == 0)
            c->item = ECCN_PART_SYSTEM;
        else
            return bad(file, v, "item: expected ic or system", err);
        return ECCN_OK;
    }
    if ((v = ynode_get(n, "attribute"))) {
        c->kind = C_MATCH;
        const ynode *pat = ynode_get(n, "matches");
        if (v->kind != YN_SCALAR || (strcmp(v->str, "vendor") && strcmp(v->str, "model") &&
                                     strcmp(v->str, "part") && strcmp(v->str, "name")))
            return bad(file, v, "attribute: expected vendor, model, part or name", err);
        snprintf(c->attr, sizeof c->attr, "%s", v->str);
        if (!pat || pat->kind != YN_SCALAR)
            return bad(file, n, "matches: expected a PCRE2 pattern", err);
        if (!(c->pattern = eccn_strdup(pat->str)))
            return ECCN_ENOMEM;
        return eccn_rx_compile(pat->str, "matches", file, pat->line, pat->col, &c->re, err);
    }
    return eccn_fail(err, ECCN_EINPUT, file, n->line, n->col,
                     "unknown condition '%s' (expected all, any, not, metric, datacenter, hbm, "
                     "destination, headquarters, eccn, contains, item or attribute)",
                     n->kids[0]->kind == YN_SCALAR ? n->kids[0]->str : "?");
}

int eccn_cond_parse(const char *file, const ynode *n, const eccn_geo *geo, eccn_cond **out,
                    eccn_error *err)
{
    eccn_cond *c = calloc(1, sizeof *c);
    *out = NULL;
    if (!c)
        return ECCN_ENOMEM;
    int rc = parse_into(file, n, geo, c, err);
    if (rc != ECCN_OK) {
        eccn_cond_free(c);
        return rc;
    }
    *out = c;
    return ECCN_OK;
}

static eccn_test *new_test(eccn_trace *t)
{
    if (!t)
        return NULL;
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 16;
        eccn_test *g = realloc(t->tests, cap * sizeof *g);
        if (!g)
            return NULL; /* the explanation loses a line; the verdict does not change */
        t->tests = g;
        t->cap = cap;
    }
    eccn_test *x = &t->tests[t->n++];
    memset(x, 0, sizeof *x);
    return x;
}

static bool compare(double a, cmp_op op, double b)
{
    switch (op) {
    case OP_GE:
        return a >= b;
    case OP_GT:
        return a > b;
    case OP_LT:
        return a < b;
    case OP_LE:
        return a <= b;
    case OP_EQ:
        return a == b;
    case OP_NE:
        return a != b;
    }
    return false;
}

static eccn_tv eval_metric(const eccn_cond *c, const eccn_subject *s, eccn_trace *trace)
{
    eccn_test *t = new_test(trace);
    char vt[32], tt[32], mt[32];
    eccn_fmt_num(c->value, tt, sizeof tt);
    if (!s->metrics || !eccn_spec_has(s->metrics, c->metric)) {
        if (t) {
            *t = (eccn_test){.result = ECCN_UNKNOWN,
                             .is_metric = true,
                             .metric = c->metric,
                             .threshold = c->value};
            snprintf(t->op, sizeof t->op, "%s", OP_TEXT[c->op]);
            snprintf(t->text, sizeof t->text, "%s unknown: this test needs %s %s %s",
                     eccn_metric_label(c->metric), eccn_metric_name(c->metric), OP_TEXT[c->op], tt);
        }
        return ECCN_UNKNOWN;
    }
    double v = s->metrics->v[c->metric];
    bool ok = compare(v, c->op, c->value);
    if (t) {
        double margin = fabs(v - c->value);
        *t = (eccn_test){.result = ok ? ECCN_TRUE : ECCN_FALSE,
                         .is_metric = true,
                         .metric = c->metric,
                         .value_known = true,
                         .value = v,
                         .threshold = c->value,
                         .margin = margin};
        snprintf(t->op, sizeof t->op, "%s", OP_TEXT[c->op]);
        eccn_fmt_num(v, vt, sizeof vt);
        eccn_fmt_num(margin, mt, sizeof mt);
        const char *rel = v > c->value ? ">" : v < c->value ? "<" : "=";
        if (ok)
            snprintf(t->text, sizeof t->text, "%s %s %s %s: met, margin %s",
                     eccn_metric_label(c->metric), vt, OP_TEXT[c->op], tt, mt);
        else
            snprintf(t->text, sizeof t->text, "%s %s %s %s: not met (needs %s %s), %s %s",
                     eccn_metric_label(c->metric), vt, rel, tt, OP_TEXT[c->op], tt, mt,
                     (c->op == OP_GE || c->op == OP_GT) ? "short" : "over");
    }
    return ok ? ECCN_TRUE : ECCN_FALSE;
}

static void set_text(eccn_buf *b, const char *const *set, size_t n)
{
    eccn_buf_puts(b, "[");
    for (size_t i = 0; i < n; i++) {
        if (i)
            eccn_buf_puts(b, ", ");
        eccn_buf_puts(b, set[i]);
    }
    eccn_buf_puts(b, "]");
}

static eccn_tv eval_place(const eccn_cond *c, const eccn_subject *s, const char *code,
                          const char *role, eccn_trace *trace)
{
    eccn_test *t = new_test(trace);
    eccn_buf b = {0};
    eccn_tv r;
    const char *hit = NULL;
    if (!code) {
        r = ECCN_UNKNOWN;
    } else {
        for (size_t i = 0; i < c->nset && !hit; i++)
            if (eccn_geo_matches(s->geo, code, c->set[i], s->date))
                hit = c->set[i];
        r = hit ? ECCN_TRUE : ECCN_FALSE;
    }
    if (t) {
        t->result = r;
        set_text(&b, (const char *const *)c->set, c->nset);
        if (!code)
            snprintf(t->text, sizeof t->text, "%s unknown: this test needs it in %s", role,
                     b.data ? b.data : "");
        else
            snprintf(t->text, sizeof t->text, "%s %s (%s) in %s: %s%s%s", role, code,
                     eccn_geo_name(s->geo, code), b.data ? b.data : "", hit ? "yes, " : "no",
                     hit ? "as " : "", hit ? hit : "");
    }
    eccn_buf_free(&b);
    return r;
}

static eccn_tv eval_eccn(const eccn_cond *c, eccn_status st, const char *eccn, const char *what,
                         eccn_trace *trace)
{
    eccn_test *t = new_test(trace);
    eccn_buf b = {0};
    eccn_tv r;
    if (st == ECCN_ST_INDETERMINATE) {
        r = ECCN_UNKNOWN;
    } else {
        r = ECCN_FALSE;
        for (size_t i = 0; eccn && i < c->nset; i++)
            if (strcmp(eccn, c->set[i]) == 0)
                r = ECCN_TRUE;
    }
    if (t) {
        t->result = r;
        set_text(&b, (const char *const *)c->set, c->nset);
        snprintf(t->text, sizeof t->text, "%s %s in %s: %s", what,
                 st == ECCN_ST_INDETERMINATE ? "indeterminate"
                 : eccn                      ? eccn
                                             : "not controlled",
                 b.data ? b.data : "",
                 r == ECCN_TRUE    ? "yes"
                 : r == ECCN_FALSE ? "no"
                                   : "unknown");
    }
    eccn_buf_free(&b);
    return r;
}

eccn_tv eccn_cond_eval(const eccn_cond *c, const eccn_subject *s, eccn_trace *trace)
{
    switch (c->kind) {
    case C_ALL:
    case C_ANY: {
        /* Every child is evaluated, not short-circuited: the explanation shows every margin. */
        bool any_f = false, any_t = false, any_u = false;
        for (size_t i = 0; i < c->nkids; i++) {
            eccn_tv r = eccn_cond_eval(c->kids[i], s, trace);
            any_f |= r == ECCN_FALSE;
            any_t |= r == ECCN_TRUE;
            any_u |= r == ECCN_UNKNOWN;
        }
        if (c->kind == C_ALL)
            return any_f ? ECCN_FALSE : any_u ? ECCN_UNKNOWN : ECCN_TRUE;
        return any_t ? ECCN_TRUE : any_u ? ECCN_UNKNOWN : ECCN_FALSE;
    }
    case C_NOT: {
        eccn_tv r = eccn_cond_eval(c->kids[0], s, trace);
        return r == ECCN_UNKNOWN ? r : r == ECCN_TRUE ? ECCN_FALSE : ECCN_TRUE;
    }
    case C_METRIC:
        return eval_metric(c, s, trace);
    case C_FLAG: {
        static const char *const WHAT[ECCN_FLAG_COUNT] = {
            [ECCN_FLAG_DATACENTER] = "designed or marketed for datacenters",
            [ECCN_FLAG_HBM] = "high-bandwidth memory (dominant function memory)"};
        int have = s->metrics ? s->metrics->flag[c->flag] : -1;
        eccn_tv r = have < 0 ? ECCN_UNKNOWN : have == c->want ? ECCN_TRUE : ECCN_FALSE;
        eccn_test *t = new_test(trace);
        if (t) {
            t->result = r;
            snprintf(t->text, sizeof t->text, "%s: %s (test: %s)", WHAT[c->flag],
                     have < 0 ? "unknown"
                     : have   ? "yes"
                              : "no",
                     c->want ? "yes" : "no");
        }
        return r;
    }
    case C_DESTINATION:
        return eval_place(c, s, s->destination, "destination", trace);
    case C_HEADQUARTERS:
        return eval_place(c, s, s->headquarters, "headquarters", trace);
    case C_ECCN:
        return eval_eccn(c, s->status, s->eccn, "classification", trace);
    case C_CONTAINS:
        if (s->kind != ECCN_PART_SYSTEM)
            return ECCN_FALSE;
        return eval_eccn(c, s->ic_status, s->ic_eccn, "IC carried", trace);
    case C_ITEM: {
        eccn_tv r = s->kind == c->item ? ECCN_TRUE : ECCN_FALSE;
        eccn_test *t = new_test(trace);
        if (t) {
            t->result = r;
            snprintf(t->text, sizeof t->text, "item is %s: %s",
                     c->item == ECCN_PART_SYSTEM ? "a computer, board or assembly" : "an IC",
                     r == ECCN_TRUE ? "yes" : "no");
        }
        return r;
    }
    case C_MATCH: {
        const char *v = strcmp(c->attr, "vendor") == 0  ? s->vendor
                        : strcmp(c->attr, "model") == 0 ? s->model
                        : strcmp(c->attr, "part") == 0  ? s->part_id
                                                        : s->name;
        eccn_tv r = ECCN_UNKNOWN;
        if (v) {
            eccn_rx_matcher *m = eccn_rx_matcher_new();
            if (m) {
                eccn_rx_result got = eccn_rx_match(m, c->re, v, strlen(v));
                /* Hitting a limit is not evidence either way. */
                r = got == ECCN_RX_YES ? ECCN_TRUE : got == ECCN_RX_NO ? ECCN_FALSE : ECCN_UNKNOWN;
            }
            eccn_rx_matcher_free(m);
        }
        eccn_test *t = new_test(trace);
        if (t) {
            t->result = r;
            snprintf(t->text, sizeof t->text, "%s '%s' matches /%s/: %s", c->attr,
                     v ? v : "(unknown)", c->pattern,
                     r == ECCN_TRUE    ? "yes"
                     : r == ECCN_FALSE ? "no"
                     : v ? "unknown: the pattern exceeded PCRE2's match limit (a pattern that "
                           "backtracks catastrophically; rewrite it)"
                         : "unknown");
        }
        return r;
    }
    }
    return ECCN_UNKNOWN;
}

void eccn_cond_use_jit(eccn_cond *c)
{
    eccn_rx_jit(c->re);
    for (size_t i = 0; i < c->nkids; i++)
        eccn_cond_use_jit(c->kids[i]);
}

void eccn_cond_each_eccn(const eccn_cond *c, void (*fn)(const char *eccn, void *ctx), void *ctx)
{
    if (c->kind == C_ECCN || c->kind == C_CONTAINS)
        for (size_t i = 0; i < c->nset; i++)
            fn(c->set[i], ctx);
    for (size_t i = 0; i < c->nkids; i++)
        eccn_cond_each_eccn(c->kids[i], fn, ctx);
}

int eccn_cond_conjunction(const eccn_cond *c,
                          void (*fn)(eccn_metric m, const char *op, double value, void *ctx),
                          void *ctx)
{
    const eccn_cond *const *leaves = c->kind == C_ALL ? (const eccn_cond *const *)c->kids : &c;
    size_t n = c->kind == C_ALL ? c->nkids : 1;
    int others = 0;
    for (size_t i = 0; i < n; i++) {
        const eccn_cond *l = leaves[i];
        if (l->kind == C_ALL || l->kind == C_ANY || l->kind == C_NOT)
            return -1;
        if (l->kind == C_METRIC)
            fn(l->metric, OP_TEXT[l->op], l->value, ctx);
        else
            others++;
    }
    return others;
}

bool eccn_cond_uses_eccn(const eccn_cond *c)
{
    if (c->kind == C_ECCN || c->kind == C_CONTAINS)
        return true;
    for (size_t i = 0; i < c->nkids; i++)
        if (eccn_cond_uses_eccn(c->kids[i]))
            return true;
    return false;
}
