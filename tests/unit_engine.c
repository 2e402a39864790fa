/* unit_engine.c: the rule engine through its API (rules.h, eval.h, spec.h, catalog.h, geo.h),
 * against the real rules/ and data/ and against small rule files written to a temporary directory.
 * `unit_engine NAME` runs one test (CTest registers each name); `unit_engine` runs them all. A
 * failed CHECK prints the expression and line.
 *
 * Expected values come from the regulation, not from eccn's output: thresholds are those of
 * ../shared/reference/regulations.md (cited by section at each use) and are also read back from
 * the rule files to show the two agree; dates are the effective dates the memo gives. */
#include "testing.h"
#include "catalog.h"
#include "cond.h"
#include "eval.h"
#include "geo.h"
#include "rules.h"
#include "spec.h"
#include "util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *rules_dir = SRC_DIR "/rules", *data_dir = SRC_DIR "/data";

static eccn_ruleset *open_rules(const char *dir, const char *const *what_if, size_t n)
{
    eccn_ruleset *rs = NULL;
    eccn_error err = {0};
    if (eccn_ruleset_open(dir, data_dir, what_if, n, &rs, &err) != ECCN_OK) {
        char msg[512];
        eccn_error_format(&err, msg, sizeof msg);
        fprintf(stderr, "cannot load rules from %s: %s\n", dir, msg);
        exit(1);
    }
    return rs;
}

static eccn_ruleset *load(void)
{
    return open_rules(rules_dir, NULL, 0);
}

static eccn_date D(const char *ymd)
{
    eccn_date d = 0;
    if (!eccn_date_parse(ymd, strlen(ymd), &d)) {
        fprintf(stderr, "bad date in a test: %s\n", ymd);
        exit(1);
    }
    return d;
}

/* A spec from "key=value,..." text. */
static eccn_spec spec(const char *text)
{
    eccn_spec s;
    eccn_error err = {0};
    if (eccn_spec_parse(text, &s, &err) != ECCN_OK) {
        fprintf(stderr, "bad spec in a test: %s: %s\n", text, err.msg);
        exit(1);
    }
    return s;
}

/* A spec with TPP and performance density given as exact doubles (so a test can sit on a
 * threshold or on the double next to it), and the datacenter flag (1, 0 or -1 unknown). */
static eccn_spec tpp_pd(double tpp, double pd, int datacenter)
{
    eccn_spec s;
    eccn_spec_init(&s);
    eccn_spec_set(&s, ECCN_M_TPP, tpp);
    if (!isnan(pd))
        eccn_spec_set(&s, ECCN_M_PD, pd);
    s.flag[ECCN_FLAG_DATACENTER] = datacenter;
    return s;
}

static double below(double x)
{
    return nextafter(x, -INFINITY);
}

static double above(double x)
{
    return nextafter(x, INFINITY);
}

/* Evaluates a spec (or a part, when part is non-NULL) on a date, to a destination and
 * headquarters (either may be NULL). */
static void eval_at(const eccn_ruleset *rs, const eccn_part *part, const eccn_spec *s,
                    const char *date, const char *to, const char *hq, eccn_result *r)
{
    eccn_query q = {0};
    eccn_error err = {0};
    q.part = part;
    if (s)
        q.spec = *s;
    else
        eccn_spec_init(&q.spec);
    q.date = D(date);
    q.destination = to;
    q.headquarters = hq;
    q.quantity = 1;
    if (eccn_evaluate(rs, &q, r, &err) != ECCN_OK) {
        fprintf(stderr, "evaluation failed: %s\n", err.msg);
        exit(1);
    }
}

static const eccn_finding *finding(const eccn_result *r, const char *id)
{
    for (size_t i = 0; i < r->nfindings; i++)
        if (strcmp(r->findings[i].prov->id, id) == 0)
            return &r->findings[i];
    return NULL;
}

/* The effective result of a provision's finding, or -1 when it was not evaluated. */
static int result_of(const eccn_result *r, const char *id)
{
    const eccn_finding *f = finding(r, id);
    return f ? (int)f->effective : -1;
}

static bool decided_by(const eccn_result *r, const char *id)
{
    for (size_t i = 0; i < r->ndeciding; i++)
        if (strcmp(r->deciding[i]->id, id) == 0)
            return true;
    return false;
}

static bool exception_named(const eccn_result *r, const char *name)
{
    for (size_t i = 0; i < r->nexceptions; i++)
        if (strcmp(r->exceptions[i]->exception_name, name) == 0)
            return true;
    return false;
}

/* The classification a spec gets on a date: its paragraph ("" when none) and the provision that
 * decided it ("" when none). */
static eccn_status classify(const eccn_ruleset *rs, const eccn_spec *s, const char *date,
                            char eccn[32], char by[64])
{
    eccn_result r;
    eval_at(rs, NULL, s, date, NULL, NULL, &r);
    eccn_status st = r.status;
    snprintf(eccn, 32, "%s", r.eccn);
    snprintf(by, 64, "%s", r.deciding_class ? r.deciding_class->id : "");
    eccn_result_free(&r);
    return st;
}

/* Is the classification of s on date exactly `want` (a paragraph, "" for not controlled) decided
 * by `prov` ("" when none)? Prints what came out when not. */
static bool classified(const eccn_ruleset *rs, const eccn_spec *s, const char *date,
                       const char *want, const char *prov)
{
    char eccn[32], by[64];
    eccn_status st = classify(rs, s, date, eccn, by);
    bool ok = strcmp(eccn, want) == 0 && strcmp(by, prov) == 0 &&
              st == (*want ? ECCN_ST_CONTROLLED : ECCN_ST_NOT_CONTROLLED);
    if (!ok)
        fprintf(stderr, "  TPP %.17g PD %.17g on %s: got %s '%s' by '%s', wanted '%s' by '%s'\n",
                s->v[ECCN_M_TPP], s->v[ECCN_M_PD], date, eccn_status_word(st), eccn, by, want,
                prov);
    return ok;
}

/* The verdict for s to `to` (headquarters hq) on date. */
static eccn_verdict verdict(const eccn_ruleset *rs, const eccn_spec *s, const char *date,
                            const char *to, const char *hq)
{
    eccn_result r;
    eval_at(rs, NULL, s, date, to, hq, &r);
    eccn_verdict v = r.verdict;
    eccn_result_free(&r);
    return v;
}

/* ---- thresholds read from the rule files ---- */

struct wanted_threshold {
    eccn_metric metric;
    const char *op;
    double value;
    int found;
};

static void take_threshold(eccn_metric m, const char *op, double value, void *ctx)
{
    struct wanted_threshold *w = ctx;
    if (m == w->metric && strcmp(op, w->op) == 0) {
        w->value = value;
        w->found++;
    }
}

/* The value of the one `metric op value` test in the conjunction that provision `id` is; NAN when
 * there is not exactly one. */
static double rule_threshold(const eccn_ruleset *rs, const char *id, eccn_metric m, const char *op)
{
    const eccn_provision *p = eccn_ruleset_find(rs, id);
    struct wanted_threshold w = {m, op, NAN, 0};
    if (!p || eccn_cond_conjunction(p->when, take_threshold, &w) < 0 || w.found != 1) {
        fprintf(stderr, "  %s: no single %s %s test\n", id, eccn_metric_name(m), op);
        return NAN;
    }
    return w.value;
}

/* ---- the real rule set: which rules are in force on which dates ---- */

/* Every provision is in force from its effective date (inclusive) and no longer on its end date,
 * and each of those dates starts a new epoch. An act BIS does not enforce (aidiff2025, effective
 * 2025-01-13 but not enforced from 2025-05-13, before its compliance date 2025-05-15:
 * regulations.md 3.3, 3.4) is never in force without --what-if. */
static void test_effective_windows(void)
{
    eccn_ruleset *rs = load();
    int checked = 0;
    for (size_t i = 0; i < rs->nprovs; i++) {
        const eccn_provision *p = &rs->provs[i];
        eccn_date first = p->compliance_from != ECCN_DATE_NONE ? p->compliance_from : p->effective;
        if (p->not_enforced_from != ECCN_DATE_NONE && p->not_enforced_from <= first) {
            CHECK(!eccn_provision_applies(rs, p, first));
            CHECK(!eccn_provision_applies(rs, p, p->effective));
            CHECK(!eccn_provision_applies(rs, p, D("2026-01-01")));
            continue;
        }
        if (!eccn_provision_applies(rs, p, first) || eccn_provision_applies(rs, p, first - 1)) {
            fprintf(stderr, "  %s: not in force from its first day\n", p->id);
            failures++;
        }
        CHECK(eccn_ruleset_epoch(rs, first) != eccn_ruleset_epoch(rs, first - 1));
        if (p->ends != ECCN_DATE_NONE) {
            if (!eccn_provision_applies(rs, p, p->ends - 1) ||
                eccn_provision_applies(rs, p, p->ends)) {
                fprintf(stderr, "  %s: still in force on its end date\n", p->id);
                failures++;
            }
            CHECK(eccn_ruleset_epoch(rs, p->ends) != eccn_ruleset_epoch(rs, p->ends - 1));
        }
        checked++;
    }
    CHECK(checked > 20);
    /* The dates themselves, as the memo gives them. */
    static const struct {
        const char *id, *effective, *ends;
    } DATES[] = {
        {"ac2022/3A090", "2022-10-07", "2023-11-17"},            /* 1.1; replaced per 2.1 */
        {"macau2023/license-macau", "2023-01-17", "2023-11-17"}, /* 1.4 */
        {"ac2023/3A090.a.1", "2023-11-17", NULL},                /* 2.1 */
        {"ac2023/license-headquarters", "2023-11-17", NULL},     /* 2.10 */
        {"ac2023/exception-nac", "2023-11-17", "2024-04-04"},    /* 2.12, 3.1 */
        {"ac2024/exception-aca", "2024-04-04", NULL},            /* 3.1 */
        {"hbm2024/3A090.c", "2024-12-02", NULL},                 /* 3.2 */
        {"letters2025/nvidia-h20", "2025-04-09", NULL},          /* 3.5 */
        {"ac2026/policy-case-by-case", "2026-01-15", NULL},      /* 3.6 */
    };
    for (size_t i = 0; i < sizeof DATES / sizeof *DATES; i++) {
        const eccn_provision *p = eccn_ruleset_find(rs, DATES[i].id);
        CHECK(p != NULL);
        if (!p)
            continue;
        if (p->effective != D(DATES[i].effective) ||
            (DATES[i].ends ? p->ends != D(DATES[i].ends) : p->ends != ECCN_DATE_NONE)) {
            fprintf(stderr, "  %s: dates differ from regulations.md\n", DATES[i].id);
            failures++;
        }
    }
    eccn_ruleset_free(rs);
}

/* October 2022 (regulations.md 1.1, 1.2): 3A090 from 2022-10-07 for I/O >= 600 GB/s AND TPP >=
 * 4800, until the 2023 rule replaces it on 2023-11-17 (2.1, 2.2). */
static void test_rule_2022_dates(void)
{
    eccn_ruleset *rs = load();
    eccn_spec s = spec("tpp=5000,io_bw=700,datacenter=yes");
    CHECK(classified(rs, &s, "2022-10-06", "", ""));
    CHECK(classified(rs, &s, "2022-10-07", "3A090.a", "ac2022/3A090"));
    CHECK(classified(rs, &s, "2023-11-16", "3A090.a", "ac2022/3A090"));
    CHECK(classified(rs, &s, "2023-11-17", "3A090.a", "ac2023/3A090.a.1"));
    /* The licence for China (1.4; Hong Kong counts as China since 2020-12-23) from the same day. */
    CHECK(verdict(rs, &s, "2022-10-06", "CN", NULL) == ECCN_V_NO_LICENSE);
    CHECK(verdict(rs, &s, "2022-10-07", "CN", NULL) == ECCN_V_LICENSE);
    CHECK(verdict(rs, &s, "2022-10-07", "HK", NULL) == ECCN_V_LICENSE);
    /* China only (Macau from 2023-01-17): Vietnam (D:1) needs a 3A090 licence only from the 2023
     * rule (2.9). */
    CHECK(verdict(rs, &s, "2023-06-01", "VN", NULL) == ECCN_V_NO_LICENSE);
    CHECK(verdict(rs, &s, "2023-11-17", "VN", NULL) == ECCN_V_LICENSE);
    /* The I/O test is gone in the 2023 rule: a part with little I/O is caught from 2023-11-17. */
    eccn_spec low_io = spec("tpp=5000,io_bw=464,datacenter=yes");
    CHECK(classified(rs, &low_io, "2023-11-16", "", ""));
    CHECK(classified(rs, &low_io, "2023-11-17", "3A090.a", "ac2023/3A090.a.1"));
    eccn_ruleset_free(rs);
}

/* Macau (regulations.md 1.4): the 2022 licence reaches it from 2023-01-17; from 2023-11-17 the
 * 2023 rule's Macau/D:5 line does instead (2.9). */
static void test_rule_2023_macau(void)
{
    eccn_ruleset *rs = load();
    eccn_spec s = spec("tpp=5000,io_bw=700,datacenter=yes");
    eccn_result r;
    eval_at(rs, NULL, &s, "2023-01-16", "MO", NULL, &r);
    CHECK(r.verdict == ECCN_V_NO_LICENSE);
    eccn_result_free(&r);
    eval_at(rs, NULL, &s, "2023-01-17", "MO", NULL, &r);
    CHECK(r.verdict == ECCN_V_LICENSE && decided_by(&r, "macau2023/license-macau"));
    eccn_result_free(&r);
    eval_at(rs, NULL, &s, "2023-11-17", "MO", NULL, &r);
    CHECK(r.verdict == ECCN_V_LICENSE && decided_by(&r, "ac2023/license-d5-macau") &&
          !finding(&r, "macau2023/license-macau"));
    eccn_result_free(&r);
    eccn_ruleset_free(rs);
}

/* License Exception NAC (2023 scope) until 2024-04-04, when ACA takes D:1/D:4 outside Macau and
 * D:5 and NAC keeps the rest (regulations.md 2.12, 3.1). A consumer part with TPP >= 4800 (the RTX
 * 4090 profile, 5.x) is the item both cover. */
static void test_rule_2024_exceptions(void)
{
    eccn_ruleset *rs = load();
    eccn_spec s = tpp_pd(5286, NAN, 0);
    eccn_result r;
    eval_at(rs, NULL, &s, "2024-04-03", "VN", NULL, &r);
    CHECK(r.verdict == ECCN_V_LICENSE && r.nexceptions == 1 && exception_named(&r, "NAC") &&
          strcmp(r.exceptions[0]->id, "ac2023/exception-nac") == 0);
    eccn_result_free(&r);
    eval_at(rs, NULL, &s, "2024-04-04", "VN", NULL, &r);
    CHECK(r.verdict == ECCN_V_LICENSE && r.nexceptions == 1 && exception_named(&r, "ACA"));
    eccn_result_free(&r);
    eval_at(rs, NULL, &s, "2024-04-04", "CN", NULL, &r);
    CHECK(r.verdict == ECCN_V_LICENSE && r.nexceptions == 1 && exception_named(&r, "NAC") &&
          strcmp(r.exceptions[0]->id, "ac2024/exception-nac") == 0);
    eccn_result_free(&r);
    /* Neither overcomes the headquarters rule (2.10): a Chinese parent in Germany has none. */
    eval_at(rs, NULL, &s, "2024-06-01", "DE", "CN", &r);
    CHECK(r.verdict == ECCN_V_LICENSE && decided_by(&r, "ac2023/license-headquarters") &&
          r.nexceptions == 0);
    eccn_result_free(&r);
    /* A datacenter 3A090.a part has neither (2.12: NAC is for non-datacenter .a items). */
    eccn_spec dc = tpp_pd(5286, NAN, 1);
    eval_at(rs, NULL, &dc, "2024-04-04", "VN", NULL, &r);
    CHECK(r.verdict == ECCN_V_LICENSE && r.nexceptions == 0);
    eccn_result_free(&r);
    eccn_ruleset_free(rs);
}

/* 3A090.c from 2024-12-02: HBM with memory bandwidth density "greater than 2" GB/s/mm2; licence to
 * Macau and D:5; License Exception HBM below 3.3 (regulations.md 3.2). */
static void test_rule_2024_hbm(void)
{
    eccn_ruleset *rs = load();
    double limit = rule_threshold(rs, "hbm2024/3A090.c", ECCN_M_MBD, ">");
    CHECK(limit == 2);
    eccn_spec s;
    eccn_spec_init(&s);
    s.flag[ECCN_FLAG_HBM] = 1;
    eccn_spec_set(&s, ECCN_M_MBD, above(2));
    char eccn[32], by[64];
    CHECK(classify(rs, &s, "2024-12-01", eccn, by) == ECCN_ST_NOT_CONTROLLED);
    CHECK(classified(rs, &s, "2024-12-02", "3A090.c", "hbm2024/3A090.c"));
    eccn_spec_set(&s, ECCN_M_MBD, 2); /* exactly 2 is not greater than 2 */
    CHECK(classify(rs, &s, "2024-12-02", eccn, by) == ECCN_ST_NOT_CONTROLLED);
    /* Derived from bandwidth and package area: 1000 GB/s over 400 mm2 is 2.5. */
    eccn_spec d = spec("hbm=yes,mem_bw=1000,package_area=400");
    CHECK(classified(rs, &d, "2025-01-01", "3A090.c", "hbm2024/3A090.c"));
    /* Unknown area: the density is unknown, so is the classification. */
    eccn_spec u = spec("hbm=yes,mem_bw=1000");
    CHECK(classify(rs, &u, "2025-01-01", eccn, by) == ECCN_ST_INDETERMINATE);
    /* The exception at and below 3.3. */
    double hbm_x = NAN;
    const eccn_provision *x = eccn_ruleset_find(rs, "hbm2024/exception-hbm");
    struct wanted_threshold w = {ECCN_M_MBD, "<", NAN, 0};
    CHECK(x && eccn_cond_conjunction(x->when, take_threshold, &w) >= 0 && w.found == 1);
    hbm_x = w.value;
    CHECK(hbm_x == 3.3);
    eccn_result r;
    eccn_spec_set(&s, ECCN_M_MBD, 3.3);
    eval_at(rs, NULL, &s, "2025-01-01", "CN", NULL, &r);
    CHECK(r.verdict == ECCN_V_LICENSE && decided_by(&r, "hbm2024/license-d5-macau") &&
          r.nexceptions == 0);
    eccn_result_free(&r);
    eccn_spec_set(&s, ECCN_M_MBD, below(3.3));
    eval_at(rs, NULL, &s, "2025-01-01", "CN", NULL, &r);
    CHECK(r.verdict == ECCN_V_LICENSE && exception_named(&r, "HBM"));
    eccn_result_free(&r);
    /* Not a D:5 destination: no licence (Vietnam is D:1 only). */
    CHECK(verdict(rs, &s, "2025-01-01", "VN", NULL) == ECCN_V_NO_LICENSE);
    eccn_ruleset_free(rs);
}

/* The AI Diffusion rule (regulations.md 3.3, 3.4): never enforced, so applied only with
 * --what-if aidiff2025, and then from its compliance date 2025-05-15: a worldwide licence for
 * 3A090.a outside the US. */
static void test_rule_2025_ai_diffusion(void)
{
    eccn_ruleset *rs = load();
    const char *const what_if[] = {"aidiff2025"};
    eccn_ruleset *wi = open_rules(rules_dir, what_if, 1);
    eccn_spec s = tpp_pd(6000, 10, 1);
    CHECK(verdict(rs, &s, "2025-06-01", "DE", NULL) == ECCN_V_NO_LICENSE);
    CHECK(verdict(wi, &s, "2025-05-14", "DE", NULL) == ECCN_V_NO_LICENSE);
    eccn_result r;
    eval_at(wi, NULL, &s, "2025-05-15", "DE", NULL, &r);
    CHECK(r.verdict == ECCN_V_LICENSE && decided_by(&r, "aidiff2025/license-worldwide-a") &&
          exception_named(&r, "AIA") && exception_named(&r, "LPP"));
    eccn_result_free(&r);
    CHECK(verdict(wi, &s, "2025-06-01", "US", NULL) == ECCN_V_NO_LICENSE);
    CHECK(strcmp(rs->revision, wi->revision) != 0);
    eccn_ruleset_free(wi);
    eccn_ruleset_free(rs);
}

/* The April 2025 letter to NVIDIA (regulations.md 3.5): from 2025-04-09, the H20 and any NVIDIA IC
 * reaching its memory bandwidth or its interconnect bandwidth, to China, Macau or D:5. The
 * thresholds are the H20's own figures, read here from the catalogue. */
static void test_rule_2025_letters(void)
{
    eccn_ruleset *rs = load();
    const eccn_part *h20 = eccn_catalog_find_id(rs->cat, "h20");
    CHECK(h20 != NULL);
    if (!h20) {
        eccn_ruleset_free(rs);
        return;
    }
    eccn_result r;
    eval_at(rs, h20, NULL, "2025-04-08", "CN", NULL, &r);
    CHECK(r.status == ECCN_ST_NOT_CONTROLLED && r.verdict == ECCN_V_NO_LICENSE);
    eccn_result_free(&r);
    eval_at(rs, h20, NULL, "2025-04-09", "CN", NULL, &r);
    CHECK(r.verdict == ECCN_V_LICENSE && decided_by(&r, "letters2025/nvidia-h20"));
    eccn_result_free(&r);
    eval_at(rs, h20, NULL, "2025-06-01", "DE", "CN", &r); /* headquartered in China */
    CHECK(r.verdict == ECCN_V_LICENSE && decided_by(&r, "letters2025/nvidia-h20"));
    eccn_result_free(&r);
    eval_at(rs, h20, NULL, "2025-06-01", "DE", NULL, &r);
    CHECK(r.verdict == ECCN_V_NO_LICENSE);
    eccn_result_free(&r);
    /* Another NVIDIA part, not 3A090 (TPP 100), at the H20's memory bandwidth and just below. */
    CHECK(eccn_spec_has(&h20->spec, ECCN_M_MEM_BW) &&
          eccn_spec_has(&h20->spec, ECCN_M_INTERCONNECT));
    eccn_part other = {.id = "other", .kind = ECCN_PART_IC, .vendor = "NVIDIA", .model = "Other"};
    eccn_spec_init(&other.spec);
    snprintf(other.spec.name, sizeof other.spec.name, "Other");
    eccn_spec_set(&other.spec, ECCN_M_TPP, 100);
    eccn_spec_set(&other.spec, ECCN_M_DIE_AREA, 800);
    other.spec.flag[ECCN_FLAG_DATACENTER] = 1;
    eccn_spec_set(&other.spec, ECCN_M_INTERCONNECT, below(h20->spec.v[ECCN_M_INTERCONNECT]));
    eccn_spec_set(&other.spec, ECCN_M_MEM_BW, h20->spec.v[ECCN_M_MEM_BW]);
    eval_at(rs, &other, NULL, "2025-06-01", "CN", NULL, &r);
    CHECK(r.status == ECCN_ST_NOT_CONTROLLED && r.verdict == ECCN_V_LICENSE &&
          decided_by(&r, "letters2025/nvidia-h20"));
    eccn_result_free(&r);
    eccn_spec_set(&other.spec, ECCN_M_MEM_BW, below(h20->spec.v[ECCN_M_MEM_BW]));
    eval_at(rs, &other, NULL, "2025-06-01", "CN", NULL, &r);
    CHECK(r.verdict == ECCN_V_NO_LICENSE);
    eccn_result_free(&r);
    eccn_spec_set(&other.spec, ECCN_M_INTERCONNECT, h20->spec.v[ECCN_M_INTERCONNECT]);
    eval_at(rs, &other, NULL, "2025-06-01", "CN", NULL, &r);
    CHECK(r.verdict == ECCN_V_LICENSE);
    eccn_result_free(&r);
    /* Not NVIDIA: the letter does not reach it. */
    other.vendor = "Other";
    eval_at(rs, &other, NULL, "2025-06-01", "CN", NULL, &r);
    CHECK(r.verdict == ECCN_V_NO_LICENSE);
    eccn_result_free(&r);
    other.vendor = "NVIDIA";
    /* A consumer 3A090.a part (NAC-eligible to China, 2.12, 3.1) at the H20's memory bandwidth:
     * NAC overcomes the 3A090 licence but not the letter's, so no exception is offered. */
    eccn_spec_set(&other.spec, ECCN_M_TPP, 5286);
    other.spec.flag[ECCN_FLAG_DATACENTER] = 0;
    eval_at(rs, &other, NULL, "2025-06-01", "CN", NULL, &r);
    CHECK(r.verdict == ECCN_V_LICENSE && decided_by(&r, "letters2025/nvidia-h20") &&
          decided_by(&r, "ac2023/license-d5-macau") && r.nexceptions == 0);
    CHECK(result_of(&r, "ac2024/exception-nac") == ECCN_TRUE);
    eccn_result_free(&r);
    eval_at(rs, &other, NULL, "2025-04-08", "CN", NULL, &r); /* before the letter: NAC */
    CHECK(r.verdict == ECCN_V_LICENSE && exception_named(&r, "NAC"));
    eccn_result_free(&r);
    eccn_ruleset_free(rs);
}

/* January 2026 (regulations.md 3.6): case-by-case review for China and Macau below TPP 21,000 and
 * DRAM bandwidth 6,500 GB/s; presumption of denial at or above either. Before 2026-01-15 the 2023
 * rule's own policy for D:5 and Macau stands. */
static void test_rule_2026_policy(void)
{
    eccn_ruleset *rs = load();
    const eccn_provision *cbc = eccn_ruleset_find(rs, "ac2026/policy-case-by-case"),
                         *denial = eccn_ruleset_find(rs, "ac2026/policy-denial"),
                         *d5 = eccn_ruleset_find(rs, "ac2023/license-d5-macau");
    CHECK(cbc && denial && d5);
    if (!cbc || !denial || !d5) {
        eccn_ruleset_free(rs);
        return;
    }
    CHECK(rule_threshold(rs, cbc->id, ECCN_M_TPP, "<") == 21000);
    CHECK(rule_threshold(rs, cbc->id, ECCN_M_MEM_BW, "<") == 6500);
    static const struct {
        double tpp, mem_bw;
        const char *date;
        int policy; /* 0 the 2023 rule's, 1 case-by-case, 2 denial */
    } CASES[] = {
        {15832, 4800, "2026-01-14", 0}, /* the H200 (5.x) the day before */
        {15832, 4800, "2026-01-15", 1}, {20999, 6499, "2026-01-15", 1},
        {21000, 4800, "2026-01-15", 2}, {15832, 6500, "2026-01-15", 2},
        {36000, 7700, "2026-01-15", 2}, /* B200 */
    };
    for (size_t i = 0; i < sizeof CASES / sizeof *CASES; i++) {
        eccn_spec s = tpp_pd(CASES[i].tpp, 19, 1);
        eccn_spec_set(&s, ECCN_M_MEM_BW, CASES[i].mem_bw);
        eccn_result r;
        eval_at(rs, NULL, &s, CASES[i].date, "CN", NULL, &r);
        const char *want = CASES[i].policy == 0   ? d5->review_policy
                           : CASES[i].policy == 1 ? cbc->review_policy
                                                  : denial->review_policy;
        if (r.verdict != ECCN_V_LICENSE || r.review_policy != want) {
            fprintf(stderr, "  TPP %g, DRAM %g on %s: policy '%s'\n", CASES[i].tpp, CASES[i].mem_bw,
                    CASES[i].date, r.review_policy ? r.review_policy : "(none)");
            failures++;
        }
        eccn_result_free(&r);
    }
    eccn_ruleset_free(rs);
}

/* ---- thresholds at and beside their boundaries ---- */

/* 3A090 (2022, regulations.md 1.2): "600 Gbyte/s or more" AND "4800 or more". */
static void test_threshold_2022(void)
{
    eccn_ruleset *rs = load();
    double io = rule_threshold(rs, "ac2022/3A090", ECCN_M_IO_BW, ">="),
           tpp = rule_threshold(rs, "ac2022/3A090", ECCN_M_TPP, ">=");
    CHECK(io == 600 && tpp == 4800);
    const char *day = "2023-06-01";
    eccn_spec s = tpp_pd(4800, NAN, 1);
    eccn_spec_set(&s, ECCN_M_IO_BW, 600);
    CHECK(classified(rs, &s, day, "3A090.a", "ac2022/3A090"));
    eccn_spec_set(&s, ECCN_M_IO_BW, below(600));
    CHECK(classified(rs, &s, day, "", ""));
    eccn_spec_set(&s, ECCN_M_IO_BW, 600);
    eccn_spec_set(&s, ECCN_M_TPP, below(4800));
    CHECK(classified(rs, &s, day, "", ""));
    eccn_spec_set(&s, ECCN_M_TPP, 4799);
    CHECK(classified(rs, &s, day, "", ""));
    /* I/O is NVLink plus the host link (1.2): 400 + 64 = 464 (the A800) is short, 536 + 64 is
     * exactly 600. */
    eccn_spec a800 = spec("tpp=4992,interconnect=400,pcie=64");
    CHECK(classified(rs, &a800, day, "", ""));
    eccn_spec sum = spec("tpp=4992,interconnect=536,pcie=64");
    CHECK(classified(rs, &sum, day, "3A090.a", "ac2022/3A090"));
    eccn_ruleset_free(rs);
}

/* 3A090.a and .b under the 2023 rule, every bound of the table in regulations.md 2.3, at the bound
 * and at the double just beside it; datacenter parts, so Note 2 does not take them out. */
static void test_threshold_2023(void)
{
    eccn_ruleset *rs = load();
    const double A1 = rule_threshold(rs, "ac2023/3A090.a.1", ECCN_M_TPP, ">="),
                 A2_TPP = rule_threshold(rs, "ac2023/3A090.a.2", ECCN_M_TPP, ">="),
                 A2_PD = rule_threshold(rs, "ac2023/3A090.a.2", ECCN_M_PD, ">="),
                 B1_TPP = rule_threshold(rs, "ac2023/3A090.b.1", ECCN_M_TPP, ">="),
                 B1_TPP_MAX = rule_threshold(rs, "ac2023/3A090.b.1", ECCN_M_TPP, "<"),
                 B1_PD = rule_threshold(rs, "ac2023/3A090.b.1", ECCN_M_PD, ">="),
                 B1_PD_MAX = rule_threshold(rs, "ac2023/3A090.b.1", ECCN_M_PD, "<"),
                 B2_TPP = rule_threshold(rs, "ac2023/3A090.b.2", ECCN_M_TPP, ">="),
                 B2_PD = rule_threshold(rs, "ac2023/3A090.b.2", ECCN_M_PD, ">="),
                 B2_PD_MAX = rule_threshold(rs, "ac2023/3A090.b.2", ECCN_M_PD, "<");
    /* regulations.md 2.3: a.1 TPP >= 4800; a.2 TPP >= 1600 and PD >= 5.92; b.1 2400 <= TPP <
     * 4800 and 1.6 <= PD < 5.92; b.2 TPP >= 1600 and 3.2 <= PD < 5.92. */
    CHECK(A1 == 4800 && A2_TPP == 1600 && A2_PD == 5.92);
    CHECK(B1_TPP == 2400 && B1_TPP_MAX == 4800 && B1_PD == 1.6 && B1_PD_MAX == 5.92);
    CHECK(B2_TPP == 1600 && B2_PD == 3.2 && B2_PD_MAX == 5.92);
    const char *day = "2024-06-01";
    const char *a1 = "ac2023/3A090.a.1", *a2 = "ac2023/3A090.a.2", *b1 = "ac2023/3A090.b.1",
               *b2 = "ac2023/3A090.b.2";
    const struct {
        double tpp, pd;
        const char *eccn, *by;
    } CASES[] = {
        /* a.1: TPP 4800 or more, whatever the density */
        {A1, 0.1, "3A090.a", a1},
        {4799, 0.1, "", ""},
        {below(A1), 0.1, "", ""},
        /* a.2: TPP 1600 or more and PD 5.92 or more */
        {A2_TPP, A2_PD, "3A090.a", a2},
        {below(A2_TPP), A2_PD, "", ""},
        {A2_TPP, below(A2_PD), "3A090.b", b2}, /* falls to b.2 */
        /* b.1: TPP in [2400, 4800) and PD in [1.6, 5.92) */
        {B1_TPP, B1_PD, "3A090.b", b1},
        {below(B1_TPP), B1_PD, "", ""},
        {2399, B1_PD, "", ""},
        {B1_TPP, below(B1_PD), "", ""},
        {below(B1_TPP_MAX), B1_PD, "3A090.b", b1},
        {B1_TPP_MAX, B1_PD, "3A090.a", a1},
        {3000, below(B1_PD_MAX), "3A090.b", b1},
        {3000, B1_PD_MAX, "3A090.a", a2},
        /* b.2: TPP 1600 or more and PD in [3.2, 5.92) */
        {B2_TPP, B2_PD, "3A090.b", b2},
        {B2_TPP, below(B2_PD), "", ""},
        {below(B2_TPP), B2_PD, "", ""},
        {B2_TPP, below(B2_PD_MAX), "3A090.b", b2},
    };
    for (size_t i = 0; i < sizeof CASES / sizeof *CASES; i++) {
        eccn_spec s = tpp_pd(CASES[i].tpp, CASES[i].pd, 1);
        if (!classified(rs, &s, day, CASES[i].eccn, CASES[i].by)) {
            fprintf(stderr, "  (case %zu)\n", i);
            failures++;
        }
    }
    /* Density derived from TPP and die area (2.5): 2960 / 500 = 5.92 is a.2; 2960 / 500.1 not. */
    eccn_spec d = spec("tpp=2960,die_area=500,datacenter=yes");
    CHECK(classified(rs, &d, day, "3A090.a", a2));
    d = spec("tpp=2960,die_area=500.1,datacenter=yes");
    CHECK(classified(rs, &d, day, "3A090.b", b1));
    /* TPP derived from throughput (2.4): 600 TOPS at 8 bits or 300 TFLOPS at 16 bits is 4800 (the
     * memo's BIS example); 299.99 TFLOPS at 16 bits is not. */
    d = spec("int8=600,die_area=100000,datacenter=yes");
    CHECK(classified(rs, &d, day, "3A090.a", a1));
    d = spec("fp16=300,die_area=100000,datacenter=yes");
    CHECK(classified(rs, &d, day, "3A090.a", a1));
    d = spec("fp16=299.99,die_area=100000,datacenter=yes");
    CHECK(classified(rs, &d, day, "", ""));
    eccn_ruleset_free(rs);
}

/* Note 2 (regulations.md 2.6): a part not designed or marketed for datacenters is outside 3A090
 * unless its TPP is 4800 or more. */
static void test_threshold_not_datacenter(void)
{
    eccn_ruleset *rs = load();
    CHECK(rule_threshold(rs, "ac2023/note-not-datacenter", ECCN_M_TPP, "<") == 4800);
    const char *day = "2024-06-01";
    eccn_spec s = tpp_pd(below(4800), 10, 0); /* a.2 profile, but a consumer part */
    CHECK(classified(rs, &s, day, "", ""));
    eccn_result r;
    eval_at(rs, NULL, &s, day, NULL, NULL, &r);
    const eccn_finding *f = finding(&r, "ac2023/3A090.a.2");
    CHECK(f && f->result == ECCN_TRUE && f->effective == ECCN_FALSE && f->excluded_by &&
          strcmp(f->excluded_by, "ac2023/note-not-datacenter") == 0);
    eccn_result_free(&r);
    s = tpp_pd(4800, 10, 0);
    CHECK(classified(rs, &s, day, "3A090.a", "ac2023/3A090.a.1"));
    s = tpp_pd(below(4800), 10, 1);
    CHECK(classified(rs, &s, day, "3A090.a", "ac2023/3A090.a.2"));
    /* The RTX 4090 D (5.x: TPP 4707, consumer) is outside; the RTX 4090 (5286) is a.1. */
    const eccn_part *d = NULL, *full = NULL;
    eccn_error err = {0};
    CHECK(eccn_catalog_resolve(rs->cat, "RTX 4090 D", &d, &err) == ECCN_OK);
    CHECK(eccn_catalog_resolve(rs->cat, "RTX 4090 24GB", &full, &err) == ECCN_OK);
    if (d && full) {
        eval_at(rs, d, NULL, day, NULL, NULL, &r);
        CHECK(r.status == ECCN_ST_NOT_CONTROLLED && r.metrics.v[ECCN_M_TPP] < 4800);
        eccn_result_free(&r);
        eval_at(rs, full, NULL, day, NULL, NULL, &r);
        /* Sold as a card: 4A090.a, carrying a 3A090.a IC. */
        CHECK(r.status == ECCN_ST_CONTROLLED && strcmp(r.eccn, "4A090.a") == 0 &&
              strcmp(r.ic_eccn, "3A090.a") == 0);
        eccn_result_free(&r);
    }
    eccn_ruleset_free(rs);
}

/* ---- three-valued logic on the real rules ---- */

/* A figure the rules need and the part lacks makes the answer indeterminate, never "not
 * controlled"; it drops out only where the regulation's logic makes it irrelevant. */
static void test_missing_figures(void)
{
    eccn_ruleset *rs = load();
    const char *day = "2024-06-01";
    char eccn[32], by[64];
    /* Nothing known. */
    eccn_spec none;
    eccn_spec_init(&none);
    CHECK(classify(rs, &none, day, eccn, by) == ECCN_ST_INDETERMINATE && !*eccn);
    /* TPP 3000 datacenter, die area unknown: a.2, b.1 and b.2 all turn on the density. */
    eccn_spec s = spec("tpp=3000,datacenter=yes");
    eccn_result r;
    eval_at(rs, NULL, &s, day, NULL, NULL, &r);
    CHECK(r.status == ECCN_ST_INDETERMINATE && !*r.eccn && !r.deciding_class);
    CHECK(result_of(&r, "ac2023/3A090.a.1") == ECCN_FALSE);
    CHECK(result_of(&r, "ac2023/3A090.a.2") == ECCN_UNKNOWN);
    CHECK(result_of(&r, "ac2023/3A090.b.1") == ECCN_UNKNOWN);
    CHECK(strstr(r.class_note, "ac2023/3A090.a.2") != NULL);
    eccn_result_free(&r);
    /* The same part sold as a consumer card: Note 2 decides whatever the density. */
    s = spec("tpp=3000,datacenter=no");
    CHECK(classify(rs, &s, day, eccn, by) == ECCN_ST_NOT_CONTROLLED);
    /* TPP 4800 or more: a.1 decides whatever the density and the flag. */
    s = spec("tpp=6000");
    CHECK(classified(rs, &s, day, "3A090.a", "ac2023/3A090.a.1"));
    /* An a.2 density with the datacenter flag unknown: Note 2 may or may not apply. */
    s = spec("tpp=3000,die_area=500");
    eval_at(rs, NULL, &s, day, NULL, NULL, &r);
    CHECK(r.status == ECCN_ST_INDETERMINATE);
    CHECK(result_of(&r, "ac2023/3A090.a.2") == ECCN_UNKNOWN);
    CHECK(result_of(&r, "ac2023/note-not-datacenter") == ECCN_UNKNOWN);
    eccn_result_free(&r);
    /* Under the 2022 rule: TPP known, I/O unknown. */
    s = spec("tpp=5000,datacenter=yes");
    CHECK(classify(rs, &s, "2023-06-01", eccn, by) == ECCN_ST_INDETERMINATE);
    s = spec("tpp=4000,datacenter=yes"); /* TPP alone fails the AND */
    CHECK(classify(rs, &s, "2023-06-01", eccn, by) == ECCN_ST_NOT_CONTROLLED);
    /* The licence: indeterminate to China (D:5) whatever the paragraph... */
    s = spec("tpp=3000,datacenter=yes");
    eval_at(rs, NULL, &s, day, "CN", NULL, &r);
    CHECK(r.verdict == ECCN_V_INDETERMINATE && decided_by(&r, "ac2023/license-d5-macau"));
    CHECK(!decided_by(&r, "ac2023/license-d1-d4"));
    eccn_result_free(&r);
    /* ...but no licence to Germany, which no 3A090 paragraph would need one for. */
    CHECK(verdict(rs, &s, day, "DE", NULL) == ECCN_V_NO_LICENSE);
    /* With headquarters in China it may need one again. */
    CHECK(verdict(rs, &s, day, "DE", "CN") == ECCN_V_INDETERMINATE);
    /* A system carrying an IC whose paragraph is undetermined is undetermined too. */
    eccn_part ic = {.id = "ic", .kind = ECCN_PART_IC, .vendor = "V", .model = "IC"};
    ic.spec = spec("tpp=3000,datacenter=yes");
    eccn_part sys = {.id = "sys",
                     .kind = ECCN_PART_SYSTEM,
                     .vendor = "V",
                     .model = "Sys",
                     .component = &ic,
                     .count = 8};
    eval_at(rs, &sys, NULL, day, NULL, NULL, &r);
    CHECK(r.ic_status == ECCN_ST_INDETERMINATE && r.status == ECCN_ST_INDETERMINATE);
    CHECK(result_of(&r, "ac2023/4A090.a") == ECCN_UNKNOWN);
    eccn_result_free(&r);
    eccn_ruleset_free(rs);
}

/* Systems take their paragraph from the IC they carry (regulations.md 2.7, 1.3). */
static void test_systems(void)
{
    eccn_ruleset *rs = load();
    const eccn_part *hgx = eccn_catalog_find_id(rs->cat, "hgx-h100-8gpu"),
                    *h20 = eccn_catalog_find_id(rs->cat, "hgx-h20-8gpu");
    CHECK(hgx && hgx->kind == ECCN_PART_SYSTEM && h20);
    if (!hgx || !h20) {
        eccn_ruleset_free(rs);
        return;
    }
    eccn_result r;
    eval_at(rs, hgx, NULL, "2024-06-01", NULL, NULL, &r);
    CHECK(r.status == ECCN_ST_CONTROLLED && strcmp(r.eccn, "4A090.a") == 0 &&
          strcmp(r.ic_eccn, "3A090.a") == 0);
    eccn_result_free(&r);
    eval_at(rs, hgx, NULL, "2023-06-01", NULL, NULL, &r);
    CHECK(strcmp(r.eccn, "4A090.a") == 0 && strcmp(r.ic_eccn, "3A090.a") == 0);
    eccn_result_free(&r);
    eval_at(rs, hgx, NULL, "2022-10-06", NULL, NULL, &r);
    CHECK(r.status == ECCN_ST_NOT_CONTROLLED);
    eccn_result_free(&r);
    eval_at(rs, h20, NULL, "2024-06-01", NULL, NULL, &r);
    CHECK(r.status == ECCN_ST_NOT_CONTROLLED && r.ic_status == ECCN_ST_NOT_CONTROLLED);
    eccn_result_free(&r);
    eccn_ruleset_free(rs);
}

/* ---- country groups and the headquarters rule ---- */

static void test_country_groups(void)
{
    eccn_ruleset *rs = load();
    const eccn_geo *g = rs->geo;
    /* Hong Kong is China from 2020-12-23 (regulations.md 1.4). */
    CHECK(!eccn_geo_matches(g, "HK", "CN", D("2020-12-22")));
    CHECK(eccn_geo_matches(g, "HK", "CN", D("2020-12-23")));
    CHECK(eccn_geo_matches(g, "HK", "D:5", D("2024-06-01")));
    /* Nicaragua joins D:1 and D:5 on 2024-03-15 (4.2). */
    CHECK(!eccn_geo_matches(g, "NI", "D:5", D("2024-03-14")));
    CHECK(eccn_geo_matches(g, "NI", "D:5", D("2024-03-15")));
    CHECK(!eccn_geo_matches(g, "NI", "D:1", D("2024-03-14")));
    CHECK(eccn_geo_matches(g, "NI", "D:1", D("2024-03-15")));
    /* Cambodia leaves D:5 on 2026-02-03 and stays in D:1 (4.2). */
    CHECK(eccn_geo_matches(g, "KH", "D:5", D("2026-02-02")));
    CHECK(!eccn_geo_matches(g, "KH", "D:5", D("2026-02-03")));
    CHECK(eccn_geo_matches(g, "KH", "D:1", D("2026-02-03")));
    /* Macau is not in D:5 but is in D:1 and D:4 (4.1). */
    CHECK(!eccn_geo_matches(g, "MO", "D:5", D("2024-06-01")));
    CHECK(eccn_geo_matches(g, "MO", "D:1", D("2024-06-01")));
    CHECK(eccn_geo_matches(g, "MO", "D:4", D("2024-06-01")));
    /* Israel: D:4 and A:6 (4.1). */
    CHECK(eccn_geo_matches(g, "IL", "D:4", D("2024-06-01")));
    CHECK(eccn_geo_matches(g, "IL", "A:6", D("2024-06-01")));
    CHECK(!eccn_geo_matches(g, "DE", "D:1", D("2024-06-01")));
    /* What that does to a 3A090.a datacenter part under the 2023 rule (2.9): D:1, D:4, D:5 not
     * also in A:5 or A:6. */
    eccn_spec s = tpp_pd(6000, 10, 1);
    static const struct {
        const char *to, *date;
        eccn_verdict want;
    } CASES[] = {
        {"IL", "2024-06-01", ECCN_V_NO_LICENSE}, /* D:4 but A:6 */
        {"SA", "2024-06-01", ECCN_V_LICENSE},    /* D:4 */
        {"VN", "2024-06-01", ECCN_V_LICENSE},    /* D:1 */
        {"DE", "2024-06-01", ECCN_V_NO_LICENSE}, /* A:5 */
        {"MO", "2024-06-01", ECCN_V_LICENSE},    {"HK", "2024-06-01", ECCN_V_LICENSE},
        {"NI", "2024-03-14", ECCN_V_NO_LICENSE}, {"NI", "2024-03-15", ECCN_V_LICENSE},
    };
    for (size_t i = 0; i < sizeof CASES / sizeof *CASES; i++)
        if (verdict(rs, &s, CASES[i].date, CASES[i].to, NULL) != CASES[i].want) {
            fprintf(stderr, "  3A090.a to %s on %s: wrong verdict\n", CASES[i].to, CASES[i].date);
            failures++;
        }
    /* Review policy by group (2.11): denial for D:5 and Macau, approval for D:1/D:4 only. */
    const eccn_provision *d5 = eccn_ruleset_find(rs, "ac2023/license-d5-macau"),
                         *d14 = eccn_ruleset_find(rs, "ac2023/license-d1-d4");
    eccn_result r;
    eval_at(rs, NULL, &s, "2024-06-01", "SA", NULL, &r);
    CHECK(d14 && r.review_policy == d14->review_policy && decided_by(&r, d14->id) &&
          !decided_by(&r, "ac2023/license-d5-macau"));
    eccn_result_free(&r);
    eval_at(rs, NULL, &s, "2024-06-01", "MO", NULL, &r);
    CHECK(d5 && r.review_policy == d5->review_policy && !decided_by(&r, "ac2023/license-d1-d4"));
    eccn_result_free(&r);
    eccn_ruleset_free(rs);
}

/* The headquarters rule (regulations.md 2.10): from 2023-11-17 a licence is needed for 3A090/4A090
 * anywhere outside the US when the entity or its ultimate parent is headquartered in D:5 or Macau.
 * Without a stated headquarters, the consignee is taken to be headquartered in the destination. */
static void test_headquarters(void)
{
    eccn_ruleset *rs = load();
    eccn_spec s = tpp_pd(6000, 10, 1);
    const char *hq_rule = "ac2023/license-headquarters";
    static const struct {
        const char *to, *hq, *date;
        eccn_verdict want;
        bool by_hq;
    } CASES[] = {
        {"DE", "CN", "2024-06-01", ECCN_V_LICENSE, true},
        {"DE", "MO", "2024-06-01", ECCN_V_LICENSE, true},     /* Macau, named with D:5 */
        {"DE", "RU", "2024-06-01", ECCN_V_LICENSE, true},     /* D:5 */
        {"DE", "HK", "2024-06-01", ECCN_V_LICENSE, true},     /* treated as China */
        {"DE", "VN", "2024-06-01", ECCN_V_NO_LICENSE, false}, /* D:1 only */
        {"DE", NULL, "2024-06-01", ECCN_V_NO_LICENSE, false}, /* assumed German */
        {"DE", "DE", "2024-06-01", ECCN_V_NO_LICENSE, false},
        {"US", "CN", "2024-06-01", ECCN_V_NO_LICENSE, false}, /* outside the US only */
        {"CN", "CN", "2024-06-01", ECCN_V_LICENSE, false},    /* the destination rule decides */
        {"DE", "CN", "2023-11-16", ECCN_V_NO_LICENSE, false}, /* not yet in force */
        {"DE", "CN", "2023-11-17", ECCN_V_LICENSE, true},
        {"DE", "NI", "2024-03-14", ECCN_V_NO_LICENSE, false},
        {"DE", "NI", "2024-03-15", ECCN_V_LICENSE, true},
        {"DE", "KH", "2026-02-02", ECCN_V_LICENSE, true},
        {"DE", "KH", "2026-02-03", ECCN_V_NO_LICENSE, false},
    };
    for (size_t i = 0; i < sizeof CASES / sizeof *CASES; i++) {
        eccn_result r;
        eval_at(rs, NULL, &s, CASES[i].date, CASES[i].to, CASES[i].hq, &r);
        if (r.verdict != CASES[i].want || decided_by(&r, hq_rule) != CASES[i].by_hq ||
            r.hq_assumed != (CASES[i].hq == NULL)) {
            fprintf(stderr, "  to %s, headquarters %s, on %s: %s%s\n", CASES[i].to,
                    CASES[i].hq ? CASES[i].hq : "(none)", CASES[i].date,
                    eccn_verdict_word(r.verdict), decided_by(&r, hq_rule) ? " by hq" : "");
            failures++;
        }
        eccn_result_free(&r);
    }
    /* A part outside 3A090 needs no licence for a Chinese parent (H20 profile before 2025). */
    eccn_spec h20 = spec("tpp=2368,die_area=814,datacenter=yes");
    CHECK(verdict(rs, &h20, "2024-06-01", "DE", "CN") == ECCN_V_NO_LICENSE);
    eccn_ruleset_free(rs);
}

/* Cyprus was in D:5 until 2024-05-30 (regulations.md 7.1, FR Doc 2024-10280), so an entity
 * headquartered there needed a licence under the headquarters rule before that day. */
static void test_headquarters_cyprus(void)
{
    eccn_ruleset *rs = load();
    CHECK(eccn_geo_matches(rs->geo, "CY", "D:5", D("2024-05-29")));
    CHECK(!eccn_geo_matches(rs->geo, "CY", "D:5", D("2024-05-30")));
    eccn_spec s = tpp_pd(6000, 10, 1);
    CHECK(verdict(rs, &s, "2024-05-29", "DE", "CY") == ECCN_V_LICENSE);
    CHECK(verdict(rs, &s, "2024-05-30", "DE", "CY") == ECCN_V_NO_LICENSE);
    /* As a destination Cyprus is in A:6, so never a 3A090 licence destination (4.2). */
    CHECK(verdict(rs, &s, "2024-05-29", "CY", "DE") == ECCN_V_NO_LICENSE);
    eccn_ruleset_free(rs);
}

/* ---- explanations ---- */

static bool text_has(const eccn_buf *b, const char *needle)
{
    bool ok = b->data && strstr(b->data, needle);
    if (!ok)
        fprintf(stderr, "  '%s' not in:\n%s\n", needle, b->data ? b->data : "(empty)");
    return ok;
}

/* The test of the finding for provision id whose text contains needle. */
static const eccn_test *test_in(const eccn_result *r, const char *id, const char *needle)
{
    const eccn_finding *f = finding(r, id);
    for (size_t i = 0; f && i < f->ntests; i++)
        if (strstr(r->trace.tests[f->first_test + i].text, needle))
            return &r->trace.tests[f->first_test + i];
    fprintf(stderr, "  %s: no test saying '%s'\n", id, needle);
    return NULL;
}

/* The explanation names the provision that fired and the test in it, with value, threshold and
 * margin. */
static void test_explanation(void)
{
    eccn_ruleset *rs = load();
    eccn_result r;
    eccn_buf text = {0}, json = {0};
    /* TPP exactly 4800: a.1 met with margin 0. */
    eccn_spec s = tpp_pd(4800, 0.5, 1);
    eval_at(rs, NULL, &s, "2024-06-01", NULL, NULL, &r);
    CHECK(r.deciding_class && strcmp(r.deciding_class->id, "ac2023/3A090.a.1") == 0);
    const eccn_test *t = test_in(&r, "ac2023/3A090.a.1", "TPP 4800 >= 4800: met, margin 0");
    CHECK(t && t->is_metric && t->metric == ECCN_M_TPP && t->result == ECCN_TRUE &&
          t->value_known && t->value == 4800 && t->threshold == 4800 && t->margin == 0 &&
          strcmp(t->op, ">=") == 0);
    CHECK(eccn_result_explanation_text(&r, false, &text) == ECCN_OK);
    CHECK(text_has(&text, "MET       ac2023/3A090.a.1"));
    CHECK(text_has(&text, "      - TPP 4800 >= 4800: met, margin 0\n"));
    /* a.2 is not met, its density 0.5 short of 5.92 by 5.42: shown too, since it is numeric. */
    CHECK(text_has(&text, "PD 0.5 < 5.92: not met (needs >= 5.92), 5.42 short"));
    CHECK(eccn_result_explanation_json(&r, &json) == ECCN_OK);
    CHECK(text_has(&json, "\"provision\":\"ac2023/3A090.a.1\""));
    /* (JSON writes > as \u003e so that it can sit inside HTML.) */
    CHECK(text_has(&json,
                   "\"metric\":\"tpp\",\"op\":\"\\u003e=\",\"threshold\":4800,\"value\":4800,"
                   "\"margin\":0"));
    eccn_buf_free(&text);
    eccn_buf_free(&json);
    eccn_result_free(&r);
    /* TPP 4799: a.1 not met, 1 short. */
    s = tpp_pd(4799, 0.5, 1);
    eval_at(rs, NULL, &s, "2024-06-01", NULL, NULL, &r);
    t = test_in(&r, "ac2023/3A090.a.1", "TPP 4799 < 4800: not met (needs >= 4800), 1 short");
    CHECK(t && t->result == ECCN_FALSE && t->margin == 1);
    eccn_result_free(&r);
    /* An unknown figure is named with the test that needs it. */
    s = spec("tpp=3000,datacenter=yes");
    eval_at(rs, NULL, &s, "2024-06-01", NULL, NULL, &r);
    char want[96];
    snprintf(want, sizeof want, "%s unknown: this test needs pd >= 5.92",
             eccn_metric_label(ECCN_M_PD));
    t = test_in(&r, "ac2023/3A090.a.2", want);
    CHECK(t && t->result == ECCN_UNKNOWN && !t->value_known && t->threshold == 5.92);
    CHECK(eccn_result_explanation_text(&r, false, &text) == ECCN_OK);
    CHECK(text_has(&text, "UNKNOWN   ac2023/3A090.a.2"));
    eccn_buf_free(&text);
    eccn_result_free(&r);
    /* The licence that fired names the place test: headquarters CN as D:5. */
    s = tpp_pd(6000, 10, 1);
    eval_at(rs, NULL, &s, "2024-06-01", "DE", "CN", &r);
    t = test_in(&r, "ac2023/license-headquarters", "headquarters CN (");
    CHECK(t && t->result == ECCN_TRUE && strstr(t->text, "in [D:5, MO]: yes, as D:5"));
    t = test_in(&r, "ac2023/license-headquarters", "classification 3A090.a in [");
    CHECK(t && t->result == ECCN_TRUE);
    CHECK(eccn_result_provisions_json(&r, &json) == ECCN_OK);
    CHECK(text_has(&json, "\"id\":\"ac2023/3A090.a.1\""));
    CHECK(text_has(&json, "\"id\":\"ac2023/license-headquarters\""));
    eccn_buf_free(&json);
    eccn_result_free(&r);
    /* no_trace: the same verdict, no tests recorded. */
    eccn_query q = {0};
    eccn_error err = {0};
    q.spec = s;
    q.date = D("2024-06-01");
    q.destination = "DE";
    q.headquarters = "CN";
    q.no_trace = true;
    CHECK(eccn_evaluate(rs, &q, &r, &err) == ECCN_OK && r.verdict == ECCN_V_LICENSE &&
          r.trace.n == 0);
    eccn_result_free(&r);
    eccn_ruleset_free(rs);
}

/* ---- synthetic rule files: the evaluator in isolation ---- */

static char tmp_dir[64], tmp_file[128];

/* Writes text to synthetic.yaml in a fresh temporary directory (tmp_dir, tmp_file). */
static void write_tmp(const char *text)
{
    const char *base = getenv("TMPDIR");
    snprintf(tmp_dir, sizeof tmp_dir, "%s/eccn-unit-engine-XXXXXX",
             base && *base == '/' && strlen(base) < 32 ? base : "/tmp");
    if (!mkdtemp(tmp_dir)) {
        perror("mkdtemp");
        exit(1);
    }
    snprintf(tmp_file, sizeof tmp_file, "%s/synthetic.yaml", tmp_dir);
    FILE *f = fopen(tmp_file, "w");
    if (!f || fputs(text, f) < 0 || fclose(f) != 0) {
        perror(tmp_file);
        exit(1);
    }
}

static void remove_tmp(void)
{
    unlink(tmp_file);
    rmdir(tmp_dir);
}

/* Opens text as the only rule file, with the real data/ (countries, groups, catalogue). */
static eccn_ruleset *synthetic(const char *text)
{
    write_tmp(text);
    eccn_ruleset *rs = open_rules(tmp_dir, NULL, 0);
    remove_tmp();
    return rs;
}

#define ACT                                                                                        \
    "act: {id: syn, title: t, citation: c, source: 'https://example.invalid/'}\nprovisions:\n"

/* Leaves for a part with TPP 10 and nothing else known: true, false, unknown. */
#define LEAF_T "{metric: tpp, op: '>=', value: 1}"
#define LEAF_F "{metric: tpp, op: '<', value: 1}"
#define LEAF_U "{metric: fp4, op: '>=', value: 1}"

/* AND, OR and NOT over true, false and unknown (Kleene's logic, docs/rules.md): an unknown leaf
 * decides nothing unless the others leave the answer open. Each case is a classification in force
 * during 2001 only. */
static void test_synthetic_logic(void)
{
    static const struct {
        const char *id, *when;
        eccn_tv want;
    } CASES[] = {
        {"syn/t", LEAF_T, ECCN_TRUE},
        {"syn/f", LEAF_F, ECCN_FALSE},
        {"syn/u", LEAF_U, ECCN_UNKNOWN},
        {"syn/and-tt", "{all: [" LEAF_T ", " LEAF_T "]}", ECCN_TRUE},
        {"syn/and-tf", "{all: [" LEAF_T ", " LEAF_F "]}", ECCN_FALSE},
        {"syn/and-tu", "{all: [" LEAF_T ", " LEAF_U "]}", ECCN_UNKNOWN},
        {"syn/and-fu", "{all: [" LEAF_F ", " LEAF_U "]}", ECCN_FALSE},
        {"syn/and-uf", "{all: [" LEAF_U ", " LEAF_F "]}", ECCN_FALSE},
        {"syn/and-uu", "{all: [" LEAF_U ", " LEAF_U "]}", ECCN_UNKNOWN},
        {"syn/or-ff", "{any: [" LEAF_F ", " LEAF_F "]}", ECCN_FALSE},
        {"syn/or-tf", "{any: [" LEAF_T ", " LEAF_F "]}", ECCN_TRUE},
        {"syn/or-tu", "{any: [" LEAF_T ", " LEAF_U "]}", ECCN_TRUE},
        {"syn/or-ut", "{any: [" LEAF_U ", " LEAF_T "]}", ECCN_TRUE},
        {"syn/or-fu", "{any: [" LEAF_F ", " LEAF_U "]}", ECCN_UNKNOWN},
        {"syn/or-uu", "{any: [" LEAF_U ", " LEAF_U "]}", ECCN_UNKNOWN},
        {"syn/not-t", "{not: " LEAF_T "}", ECCN_FALSE},
        {"syn/not-f", "{not: " LEAF_F "}", ECCN_TRUE},
        {"syn/not-u", "{not: " LEAF_U "}", ECCN_UNKNOWN},
        {"syn/not-and-tu", "{not: {all: [" LEAF_T ", " LEAF_U "]}}", ECCN_UNKNOWN},
        {"syn/not-or-fu", "{not: {any: [" LEAF_F ", " LEAF_U "]}}", ECCN_UNKNOWN},
        {"syn/or-not-u-t", "{any: [{not: " LEAF_U "}, " LEAF_T "]}", ECCN_TRUE},
        {"syn/and-not-f-or-fu", "{all: [{not: " LEAF_F "}, {any: [" LEAF_F ", " LEAF_U "]}]}",
         ECCN_UNKNOWN},
        {"syn/and-not-t-u", "{all: [{not: " LEAF_T "}, " LEAF_U "]}", ECCN_FALSE},
    };
    eccn_buf yaml = {0};
    eccn_buf_puts(&yaml, ACT);
    for (size_t i = 0; i < sizeof CASES / sizeof *CASES; i++)
        eccn_buf_printf(&yaml,
                        "  - {id: %s, kind: classification, eccn: L, title: t, citation: c,"
                        " effective: 2001-01-01, ends: 2002-01-01, when: %s}\n",
                        CASES[i].id, CASES[i].when);
    eccn_ruleset *rs = synthetic(yaml.data);
    eccn_buf_free(&yaml);
    eccn_spec s;
    eccn_spec_init(&s);
    eccn_spec_set(&s, ECCN_M_TPP, 10);
    eccn_result r;
    eval_at(rs, NULL, &s, "2001-06-01", NULL, NULL, &r);
    for (size_t i = 0; i < sizeof CASES / sizeof *CASES; i++) {
        int got = result_of(&r, CASES[i].id);
        if (got != (int)CASES[i].want) {
            fprintf(stderr, "  %s: got %s, wanted %s\n", CASES[i].id,
                    got < 0 ? "(not evaluated)" : eccn_tv_word((eccn_tv)got),
                    eccn_tv_word(CASES[i].want));
            failures++;
        }
    }
    /* Every child is evaluated (the explanation shows every margin): all [T, U] has two tests,
     * after the entry of the AND that combines them. */
    const eccn_finding *f = finding(&r, "syn/and-tu");
    CHECK(f && f->ntests == 3);
    const eccn_test *all = f ? &r.trace.tests[f->first_test] : NULL;
    CHECK(all && all->node == ECCN_NODE_ALL && all->depth == 0 && all->result == ECCN_UNKNOWN);
    CHECK(all && all[1].node == ECCN_NODE_LEAF && all[1].depth == 1 && all[2].depth == 1);
    eccn_result_free(&r);
    /* The window: in force through 2001-12-31, not on 2002-01-01 or 2000-12-31. */
    const eccn_provision *p = eccn_ruleset_find(rs, "syn/t");
    CHECK(p && eccn_provision_applies(rs, p, D("2001-01-01")) &&
          eccn_provision_applies(rs, p, D("2001-12-31")) &&
          !eccn_provision_applies(rs, p, D("2002-01-01")) &&
          !eccn_provision_applies(rs, p, D("2000-12-31")));
    eval_at(rs, NULL, &s, "2002-01-01", NULL, NULL, &r);
    CHECK(r.nfindings == 0 && r.status == ECCN_ST_NOT_CONTROLLED);
    eccn_result_free(&r);
    eccn_ruleset_free(rs);
}

/* The explanation shows how tests combine: under a provision MET for China, "in [A:5, A:6]: no"
 * stands under the NOT that makes it count. */
static void test_explanation_tree(void)
{
    eccn_ruleset *rs = load();
    eccn_result r;
    eccn_buf text = {0}, json = {0};
    eccn_spec s = tpp_pd(6000, 10, 1);
    eval_at(rs, NULL, &s, "2024-06-01", "CN", NULL, &r);
    CHECK(r.verdict == ECCN_V_LICENSE);
    CHECK(eccn_result_explanation_text(&r, true, &text) == ECCN_OK);
    CHECK(text_has(&text, "  MET       ac2023/license-d5-macau (RS licence requirement for "));
    CHECK(text_has(&text, "      ALL of (met):\n"
                          "        - classification 3A090.a in [3A090.a, 3A090.b, 4A090.a, "
                          "4A090.b]: yes\n"
                          "        ANY of (met):\n"
                          "          - destination CN (China) in [MO]: no\n"
                          "          ALL of (met):\n"
                          "            - destination CN (China) in [D:5]: yes, as D:5\n"
                          "            NOT (met):\n"
                          "              - destination CN (China) in [A:5, A:6]: no\n"));
    /* The JSON lists the leaf tests alone, as before, and the tree beside them, so that a
     * recorded verdict reads as check --explain did (ledger show). */
    CHECK(eccn_result_explanation_json(&r, &json) == ECCN_OK);
    CHECK(!strstr(json.data, "all of") && strstr(json.data, "\"tests\":[{\"text\":"));
    CHECK(strstr(json.data, "{\"node\":\"not\",\"depth\":3,\"result\":\"met\"},{\"node\":"
                            "\"test\",\"depth\":4,\"result\":\"not met\",\"text\":"
                            "\"destination CN (China) in [A:5, A:6]: no\"}"));
    /* Decided: nothing missing, nothing appended. */
    eccn_buf_free(&text);
    CHECK(eccn_result_missing_text(&r, &text) == ECCN_OK && !text.data);
    eccn_buf_free(&json);
    eccn_result_free(&r);
    /* Indeterminate: the missing figure, once, with the first paragraph that needs it. */
    s = spec("tpp=3000,datacenter=yes");
    eval_at(rs, NULL, &s, "2024-06-01", "CN", NULL, &r);
    CHECK(r.verdict == ECCN_V_INDETERMINATE);
    CHECK(eccn_result_missing_text(&r, &text) == ECCN_OK);
    char want[128];
    snprintf(want, sizeof want, "%s unknown: this test needs pd >= 5.92 (ac2023/3A090.a.2)\n",
             eccn_metric_label(ECCN_M_PD));
    CHECK(text.data && strcmp(text.data, want) == 0);
    eccn_buf_free(&text);
    eccn_result_free(&r);
    eccn_ruleset_free(rs);
}

#define OPS(id, op)                                                                                \
    "  - {id: " id ", kind: classification, eccn: O, title: t, citation: c, effective: "           \
    "2001-01-01, when: {metric: tpp, op: '" op "', value: 100}}\n"

/* Each comparison operator on either side of its threshold and on it. */
static void test_synthetic_threshold(void)
{
    eccn_ruleset *rs = synthetic(ACT OPS("syn/ge", ">=") OPS("syn/gt", ">") OPS("syn/lt", "<")
                                     OPS("syn/le", "<=") OPS("syn/eq", "==") OPS("syn/ne", "!="));
    static const struct {
        const char *id;
        eccn_tv below, at, above;
    } CASES[] = {
        {"syn/ge", ECCN_FALSE, ECCN_TRUE, ECCN_TRUE},
        {"syn/gt", ECCN_FALSE, ECCN_FALSE, ECCN_TRUE},
        {"syn/lt", ECCN_TRUE, ECCN_FALSE, ECCN_FALSE},
        {"syn/le", ECCN_TRUE, ECCN_TRUE, ECCN_FALSE},
        {"syn/eq", ECCN_FALSE, ECCN_TRUE, ECCN_FALSE},
        {"syn/ne", ECCN_TRUE, ECCN_FALSE, ECCN_TRUE},
    };
    const double values[3] = {below(100), 100, above(100)};
    for (int v = 0; v < 3; v++) {
        eccn_spec s;
        eccn_spec_init(&s);
        eccn_spec_set(&s, ECCN_M_TPP, values[v]);
        eccn_result r;
        eval_at(rs, NULL, &s, "2001-06-01", NULL, NULL, &r);
        for (size_t i = 0; i < sizeof CASES / sizeof *CASES; i++) {
            eccn_tv want = v == 0 ? CASES[i].below : v == 1 ? CASES[i].at : CASES[i].above;
            if (result_of(&r, CASES[i].id) != (int)want) {
                fprintf(stderr, "  %s with TPP %.17g: wanted %s\n", CASES[i].id, values[v],
                        eccn_tv_word(want));
                failures++;
            }
        }
        /* The margin is the distance to the threshold. */
        const eccn_finding *f = finding(&r, "syn/ge");
        CHECK(f && f->ntests == 1 && r.trace.tests[f->first_test].margin == fabs(values[v] - 100));
        eccn_result_free(&r);
    }
    /* With TPP unknown every comparison is unknown, != included. */
    eccn_spec none;
    eccn_spec_init(&none);
    eccn_result r;
    eval_at(rs, NULL, &none, "2001-06-01", NULL, NULL, &r);
    for (size_t i = 0; i < sizeof CASES / sizeof *CASES; i++)
        CHECK(result_of(&r, CASES[i].id) == ECCN_UNKNOWN);
    CHECK(r.status == ECCN_ST_INDETERMINATE);
    eccn_result_free(&r);
    eccn_ruleset_free(rs);
}

/* A rule on a metric the part lacks, among others: classification order, exclusions and
 * licences with an unknown. Each scenario is in force in its own year. */
static void test_synthetic_unknown_metric(void)
{
    eccn_ruleset *rs = synthetic(
        ACT
        /* 2003: an undetermined paragraph (Z.a) listed before a met one (Z.b). */
        "  - {id: syn3/a, kind: classification, eccn: Z.a, title: t, citation: c,"
        " effective: 2003-01-01, ends: 2004-01-01, when: " LEAF_U "}\n"
        "  - {id: syn3/b, kind: classification, eccn: Z.b, title: t, citation: c,"
        " effective: 2003-01-01, ends: 2004-01-01, when: " LEAF_T "}\n"
        /* 2004: an undetermined prong before a met prong of the same paragraph. */
        "  - {id: syn4/a1, kind: classification, eccn: Z.a, title: t, citation: c,"
        " effective: 2004-01-01, ends: 2005-01-01, when: " LEAF_U "}\n"
        "  - {id: syn4/a2, kind: classification, eccn: Z.a, title: t, citation: c,"
        " effective: 2004-01-01, ends: 2005-01-01, when: " LEAF_T "}\n"
        /* 2005: licences, one known and one turning on the unknown metric, and an exception. */
        "  - {id: syn5/c, kind: classification, eccn: Z, title: t, citation: c,"
        " effective: 2005-01-01, ends: 2006-01-01, when: " LEAF_T "}\n"
        "  - {id: syn5/known, kind: license, title: t, citation: c, effective: 2005-01-01,"
        " ends: 2006-01-01, when: {all: [{eccn: {in: [Z]}}, {destination: {in: [CN]}}]}}\n"
        "  - {id: syn5/unknown, kind: license, title: t, citation: c, effective: 2005-01-01,"
        " ends: 2006-01-01, when: {all: [{eccn: {in: [Z]}}, " LEAF_U "]}}\n"
        "  - {id: syn5/x, kind: exception, name: SYN, title: t, citation: c, terms: t,"
        " effective: 2005-01-01, ends: 2006-01-01, overcomes: [syn5/known], when: " LEAF_T "}\n"
        /* 2006: an exclusion on a flag. */
        "  - {id: syn6/c, kind: classification, eccn: Z, title: t, citation: c,"
        " effective: 2006-01-01, ends: 2007-01-01, when: " LEAF_T "}\n"
        "  - {id: syn6/x, kind: exclusion, excludes: [Z], title: t, citation: c,"
        " effective: 2006-01-01, ends: 2007-01-01, when: {datacenter: no}}\n");
    eccn_spec s;
    eccn_spec_init(&s);
    eccn_spec_set(&s, ECCN_M_TPP, 10);
    eccn_result r;
    eval_at(rs, NULL, &s, "2003-06-01", NULL, NULL, &r);
    CHECK(r.status == ECCN_ST_INDETERMINATE && !*r.eccn && strstr(r.class_note, "syn3/a") &&
          strstr(r.class_note, "syn3/b"));
    eccn_result_free(&r);
    /* Once the metric is known and fails, Z.b stands. */
    eccn_spec known = s;
    eccn_spec_set(&known, ECCN_M_FP4, 0);
    eval_at(rs, NULL, &known, "2003-06-01", NULL, NULL, &r);
    CHECK(r.status == ECCN_ST_CONTROLLED && strcmp(r.eccn, "Z.b") == 0);
    eccn_result_free(&r);
    eval_at(rs, NULL, &s, "2004-06-01", NULL, NULL, &r);
    CHECK(r.status == ECCN_ST_CONTROLLED && strcmp(r.eccn, "Z.a") == 0 && r.deciding_class &&
          strcmp(r.deciding_class->id, "syn4/a2") == 0);
    eccn_result_free(&r);
    /* 2005 to China: the known licence decides; the exception overcomes it. */
    eval_at(rs, NULL, &s, "2005-06-01", "CN", NULL, &r);
    CHECK(r.verdict == ECCN_V_LICENSE && r.ndeciding == 1 && decided_by(&r, "syn5/known") &&
          exception_named(&r, "SYN"));
    eccn_result_free(&r);
    /* To Germany: only the unknown one is open, so the verdict is indeterminate, naming it. */
    eval_at(rs, NULL, &s, "2005-06-01", "DE", NULL, &r);
    CHECK(r.verdict == ECCN_V_INDETERMINATE && r.ndeciding == 1 && decided_by(&r, "syn5/unknown") &&
          r.nexceptions == 0);
    eccn_result_free(&r);
    eval_at(rs, NULL, &known, "2005-06-01", "DE", NULL, &r);
    CHECK(r.verdict == ECCN_V_NO_LICENSE);
    eccn_result_free(&r);
    /* 2006: the exclusion by flag, yes / no / unknown. */
    eccn_spec flag = s;
    flag.flag[ECCN_FLAG_DATACENTER] = 0;
    eval_at(rs, NULL, &flag, "2006-06-01", NULL, NULL, &r);
    CHECK(r.status == ECCN_ST_NOT_CONTROLLED && finding(&r, "syn6/c") &&
          finding(&r, "syn6/c")->excluded_by &&
          strcmp(finding(&r, "syn6/c")->excluded_by, "syn6/x") == 0);
    eccn_result_free(&r);
    flag.flag[ECCN_FLAG_DATACENTER] = 1;
    eval_at(rs, NULL, &flag, "2006-06-01", NULL, NULL, &r);
    CHECK(r.status == ECCN_ST_CONTROLLED && strcmp(r.eccn, "Z") == 0);
    eccn_result_free(&r);
    flag.flag[ECCN_FLAG_DATACENTER] = -1;
    eval_at(rs, NULL, &flag, "2006-06-01", NULL, NULL, &r);
    CHECK(r.status == ECCN_ST_INDETERMINATE);
    eccn_result_free(&r);
    eccn_ruleset_free(rs);
}

/* A draft rule given with --what-if is applied as if in force and enforced, even where it says BIS
 * does not enforce it, beside the real rules. */
static void test_synthetic_what_if(void)
{
    eccn_ruleset *rs = load();
    write_tmp("act: {id: draft, title: t, citation: c, source: 'https://example.invalid/'}\n"
              "provisions:\n"
              "  - {id: draft/de, kind: license, title: t, citation: c, effective: 2020-01-01,"
              " not_enforced_from: 2021-01-01,"
              " when: {all: [{eccn: {in: [3A090.a]}}, {destination: {in: [DE]}}]}}\n");
    const char *const what_if[] = {tmp_file};
    eccn_ruleset *wi = open_rules(rules_dir, what_if, 1);
    remove_tmp();
    eccn_spec s = tpp_pd(6000, 10, 1);
    CHECK(verdict(rs, &s, "2024-06-01", "DE", NULL) == ECCN_V_NO_LICENSE);
    eccn_result r;
    eval_at(wi, NULL, &s, "2024-06-01", "DE", NULL, &r);
    CHECK(r.verdict == ECCN_V_LICENSE && r.ndeciding == 1 && decided_by(&r, "draft/de"));
    eccn_result_free(&r);
    CHECK(verdict(wi, &s, "2019-12-31", "DE", NULL) == ECCN_V_NO_LICENSE);
    CHECK(strcmp(rs->revision, wi->revision) != 0);
    eccn_ruleset_free(wi);
    eccn_ruleset_free(rs);
}

static const test_case TESTS[] = {
    {"effective_windows", test_effective_windows},
    {"rule_2022_dates", test_rule_2022_dates},
    {"rule_2023_macau", test_rule_2023_macau},
    {"rule_2024_exceptions", test_rule_2024_exceptions},
    {"rule_2024_hbm", test_rule_2024_hbm},
    {"rule_2025_ai_diffusion", test_rule_2025_ai_diffusion},
    {"rule_2025_letters", test_rule_2025_letters},
    {"rule_2026_policy", test_rule_2026_policy},
    {"threshold_2022", test_threshold_2022},
    {"threshold_2023", test_threshold_2023},
    {"threshold_not_datacenter", test_threshold_not_datacenter},
    {"missing_figures", test_missing_figures},
    {"systems", test_systems},
    {"country_groups", test_country_groups},
    {"headquarters", test_headquarters},
    {"headquarters_cyprus", test_headquarters_cyprus},
    {"explanation", test_explanation},
    {"explanation_tree", test_explanation_tree},
    {"synthetic_logic", test_synthetic_logic},
    {"synthetic_threshold", test_synthetic_threshold},
    {"synthetic_unknown_metric", test_synthetic_unknown_metric},
    {"synthetic_what_if", test_synthetic_what_if},
};

int main(int argc, char **argv)
{
    return run_tests(TESTS, sizeof TESTS / sizeof *TESTS, argc, argv);
}
