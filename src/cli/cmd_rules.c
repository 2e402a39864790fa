/* cmd_rules.c: `eccn rules list|show|lint|test`. */
#include "cli.h"
#include "resolve.h"
#include "ydoc.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

static void print_dates(const eccn_provision *p)
{
    char a[11], b[11];
    eccn_date_format(p->effective, a);
    if (p->ends != ECCN_DATE_NONE)
        eccn_date_format(p->ends, b);
    printf("%s .. %s", a, p->ends != ECCN_DATE_NONE ? b : "        ");
}

static int rules_list(eccn_ruleset *rs)
{
    for (size_t a = 0; a < rs->nacts; a++) {
        const eccn_act *act = &rs->acts[a];
        printf("%s  %s%s\n  %s\n", act->citation, act->title, act->what_if ? " [what-if]" : "",
               act->source);
        for (size_t i = 0; i < rs->nprovs; i++) {
            const eccn_provision *p = &rs->provs[i];
            if (p->act != act)
                continue;
            printf("    %-34s %-14s ", p->id, eccn_prov_kind_name(p->kind));
            print_dates(p);
            const eccn_date extra[2] = {p->compliance_from, p->not_enforced_from};
            const char *const label[2] = {"compliance from", "not enforced from"};
            for (int k = 0; k < 2; k++)
                if (extra[k] != ECCN_DATE_NONE) {
                    char n[11];
                    eccn_date_format(extra[k], n);
                    printf("  %s %s", label[k], n);
                }
            printf("\n");
        }
    }
    printf("rules revision %s\n", rs->revision);
    return 0;
}

static int rules_show(eccn_ruleset *rs, const char *id)
{
    const eccn_provision *p = id ? eccn_ruleset_find(rs, id) : NULL;
    if (!p) {
        cli_errorf("rules show: no provision '%s' (see `eccn rules list`)", id ? id : "");
        return EXIT_USAGE;
    }
    printf("%s (%s)\n  title: %s\n  act: %s, %s\n  citation: %s\n  source: %s\n  in force: ", p->id,
           eccn_prov_kind_name(p->kind), p->title, p->act->citation, p->act->title, p->citation,
           p->source);
    print_dates(p);
    printf("\n  defined at: %s:%d\n", p->act->file, p->line);
    if (p->eccn)
        printf("  ECCN: %s\n", p->eccn);
    if (p->review_policy)
        printf("  review policy: %s\n", p->review_policy);
    if (p->exception_name)
        printf("  exception: %s - %s\n", p->exception_name, p->exception_terms);
    if (p->note)
        printf("  note: %s\n", p->note);
    return 0;
}

static void lint_problem(const eccn_error *e, void *ctx)
{
    (void)ctx;
    cli_print_error(e);
}

/* Resolves a case's part for the question it asks (candidates that all answer alike are an
 * answer). Returns 0 to go on and evaluate, 1 when the case is settled here (it expected the text
 * not to resolve), -1 on an error already printed. */
static int case_part(eccn_ruleset *rs, const char *file, int line, const ynode *part,
                     const ynode *exp, const char *label, eccn_query *q, char *considered,
                     size_t sz, int *failed)
{
    eccn_error err = {0};
    const ynode *unres = ynode_get(exp, "resolves"), *m = ynode_get(exp, "error");
    bool want_unresolved = unres && unres->kind == YN_SCALAR && strcmp(unres->str, "no") == 0;
    int rc = eccn_resolve_query(rs, part->str, q, considered, sz, &err);
    if (rc != ECCN_OK && want_unresolved) {
        bool ok = !m || (m->kind == YN_SCALAR && strstr(err.msg, m->str));
        printf("%s %s%s%s\n", ok ? "ok  " : "FAIL", label, ok ? "" : ": error was ",
               ok ? "" : err.msg);
        *failed += !ok;
        return 1;
    }
    if (rc == ECCN_OK && want_unresolved) {
        printf("FAIL %s:%d: %s: resolved to %s (expected no resolution)\n", file, line, label,
               q->part->id);
        (*failed)++;
        return 1;
    }
    if (rc != ECCN_OK) {
        err.line = part->line, err.col = part->col;
        snprintf(err.file, sizeof err.file, "%s", file);
        cli_print_error(&err);
        return -1;
    }
    return 0;
}

/* One test case: what it names, and what it expects. */
static int run_case(eccn_ruleset *rs, const char *file, const ynode *c, int *failed)
{
    const ynode *name = ynode_get(c, "name"), *part = ynode_get(c, "part"),
                *spec = ynode_get(c, "spec"), *date = ynode_get(c, "date"),
                *to = ynode_get(c, "to"), *hq = ynode_get(c, "hq"), *exp = ynode_get(c, "expect");
    eccn_query q = {0};
    eccn_result r = {0};
    eccn_error err = {0};
    char why[1024] = "", considered[512] = "";
    const char *label = name && name->kind == YN_SCALAR ? name->str : "(unnamed)";
    if (!date || date->kind != YN_SCALAR || !eccn_date_parse(date->str, date->len, &q.date) ||
        !exp || exp->kind != YN_MAP || (!part == !spec)) {
        eccn_fail(&err, ECCN_EINPUT, file, c->line, c->col,
                  "test case needs name, date, part or spec, and expect");
        cli_print_error(&err);
        return EXIT_USAGE;
    }
    q.quantity = 1;
    if ((to && !(q.destination = eccn_geo_resolve(rs->geo, to->str))) ||
        (hq && !(q.headquarters = eccn_geo_resolve(rs->geo, hq->str)))) {
        eccn_fail(&err, ECCN_EINPUT, file, c->line, c->col, "unknown country in test case");
        cli_print_error(&err);
        return EXIT_USAGE;
    }
    int settled = part ? case_part(rs, file, c->line, part, exp, label, &q, considered,
                                   sizeof considered, failed)
                       : 0;
    if (settled)
        return settled < 0 ? EXIT_USAGE : 0;
    if (!part && eccn_spec_parse(spec->str, &q.spec, &err) != ECCN_OK) {
        err.line = spec->line, err.col = spec->col;
        snprintf(err.file, sizeof err.file, "%s", file);
        cli_print_error(&err);
        return EXIT_USAGE;
    }
    if (eccn_evaluate(rs, &q, &r, &err) != ECCN_OK) {
        cli_print_error(&err);
        return EXIT_USAGE;
    }
    const ynode *e;
    size_t wl = 0;
#define WHY(...)                                                                                   \
    wl += (size_t)snprintf(why + wl, wl < sizeof why ? sizeof why - wl : 0, __VA_ARGS__)
    if ((e = ynode_get(exp, "part_id")) && q.part &&
        strcmp(e->str, q.part->base ? q.part->base->id : q.part->id) != 0)
        WHY(" resolved to %s (expected %s);", q.part->base ? q.part->base->id : q.part->id, e->str);
    if ((e = ynode_get(exp, "considered")) && !strstr(considered, e->str))
        WHY(" candidates considered '%s' (expected '%s');", considered, e->str);
    if ((e = ynode_get(exp, "vendor_eccn")) && strcmp(e->str, r.vendor_eccn) != 0)
        WHY(" vendor ECCN '%s' (expected '%s');", r.vendor_eccn, e->str);
    if ((e = ynode_get(exp, "ic_eccn")) && strcmp(e->str, r.ic_eccn) != 0)
        WHY(" IC ECCN '%s' (expected '%s');", r.ic_eccn, e->str);
    if ((e = ynode_get(exp, "review")) &&
        (ynode_is_null(e) ? r.review[0] != '\0' : !strstr(r.review, e->str)))
        WHY(" review '%s' (expected '%s');", r.review, ynode_is_null(e) ? "" : e->str);
    if ((e = ynode_get(exp, "status")) && strcmp(e->str, eccn_status_word(r.status)) != 0)
        WHY(" status %s (expected %s);", eccn_status_word(r.status), e->str);
    if ((e = ynode_get(exp, "eccn"))) {
        const char *want = ynode_is_null(e) ? "" : e->str;
        if (strcmp(want, r.eccn) != 0)
            WHY(" eccn '%s' (expected '%s');", r.eccn, want);
    }
    if ((e = ynode_get(exp, "verdict")) && strcmp(e->str, eccn_verdict_word(r.verdict)) != 0)
        WHY(" verdict %s (expected %s);", eccn_verdict_word(r.verdict), e->str);
    if ((e = ynode_get(exp, "review_policy"))) {
        if (ynode_is_null(e) ? r.review_policy != NULL
                             : (!r.review_policy || !strstr(r.review_policy, e->str)))
            WHY(" review policy '%s' (expected '%s');", r.review_policy ? r.review_policy : "",
                ynode_is_null(e) ? "" : e->str);
    }
    if ((e = ynode_get(exp, "exceptions")) && e->kind == YN_SEQ) {
        bool ok = e->nkids == r.nexceptions;
        for (size_t i = 0; ok && i < e->nkids; i++) {
            bool found = false;
            for (size_t j = 0; j < r.nexceptions; j++)
                found |= strcmp(r.exceptions[j]->exception_name, e->kids[i]->str) == 0;
            ok = found;
        }
        if (!ok) {
            WHY(" exceptions [");
            for (size_t j = 0; j < r.nexceptions; j++)
                WHY("%s%s", j ? " " : "", r.exceptions[j]->exception_name);
            WHY("] (expected %zu listed);", (size_t)e->nkids);
        }
    }
    if ((e = ynode_get(exp, "provisions")) && e->kind == YN_SEQ) {
        for (size_t i = 0; i < e->nkids; i++) {
            bool found = r.deciding_class && strcmp(r.deciding_class->id, e->kids[i]->str) == 0;
            found |= r.ic_deciding && strcmp(r.ic_deciding->id, e->kids[i]->str) == 0;
            for (size_t j = 0; j < r.ndeciding; j++)
                found |= strcmp(r.deciding[j]->id, e->kids[i]->str) == 0;
            if (!found)
                WHY(" provision %s did not decide;", e->kids[i]->str);
        }
    }
#undef WHY
    if (why[0]) {
        printf("FAIL %s:%d: %s:%s\n", file, c->line, label, why);
        (*failed)++;
    } else {
        printf("ok   %s\n", label);
    }
    eccn_result_free(&r);
    return 0;
}

/* Rule sets opened for cases that apply an act with --what-if, one per act named. */
typedef struct alt_rules {
    eccn_ruleset *rs[8];
    char act[8][64];
    size_t n;
} alt_rules;

static int what_if_rules(eccn_ruleset *base, const ynode *w, alt_rules *alt, eccn_ruleset **out)
{
    eccn_error err = {0};
    if (w->kind != YN_SCALAR) {
        eccn_fail(&err, ECCN_EINPUT, "rules/tests", w->line, w->col, "what_if: expected an act id");
        cli_print_error(&err);
        return EXIT_USAGE;
    }
    for (size_t i = 0; i < alt->n; i++)
        if (strcmp(alt->act[i], w->str) == 0) {
            *out = alt->rs[i];
            return 0;
        }
    const char *acts[1] = {w->str};
    if (alt->n == 8 ||
        eccn_ruleset_open(base->rules_dir, base->data_dir, acts, 1, &alt->rs[alt->n], &err)) {
        if (alt->n == 8)
            eccn_fail(&err, ECCN_EINPUT, "rules/tests", w->line, w->col, "too many what_if acts");
        cli_print_error(&err);
        return EXIT_USAGE;
    }
    snprintf(alt->act[alt->n], sizeof alt->act[0], "%s", w->str);
    *out = alt->rs[alt->n++];
    return 0;
}

static int rules_test(eccn_ruleset *rs)
{
    alt_rules alt = {0};
    char dir[4200];
    snprintf(dir, sizeof dir, "%s/tests", rs->rules_dir);
    DIR *d = opendir(dir);
    char *names[256];
    size_t n = 0;
    int passed = 0, failed = 0, rc = 0;
    if (!d) {
        cli_errorf("rules test: no test directory %s", dir);
        return EXIT_USAGE;
    }
    struct dirent *de;
    while ((de = readdir(d)) && n < 256) {
        size_t l = strlen(de->d_name);
        if (l > 5 && strcmp(de->d_name + l - 5, ".yaml") == 0)
            names[n++] = eccn_strdup(de->d_name);
    }
    closedir(d);
    eccn_sort(names, n, sizeof *names, eccn_cmp_strings);
    for (size_t i = 0; i < n && !rc; i++) {
        char path[4500];
        ydoc *doc = NULL;
        eccn_error err = {0};
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        if (ydoc_load_file(path, &doc, &err) != ECCN_OK) {
            cli_print_error(&err);
            rc = EXIT_USAGE;
            break;
        }
        const ynode *cases = ynode_get(doc->root, "cases");
        if (!cases || cases->kind != YN_SEQ) {
            eccn_fail(&err, ECCN_EINPUT, path, 1, 1, "expected `cases:` with a list");
            cli_print_error(&err);
            rc = EXIT_USAGE;
        }
        for (size_t j = 0; !rc && j < cases->nkids; j++) {
            int before = failed;
            eccn_ruleset *use = rs;
            const ynode *w = ynode_get(cases->kids[j], "what_if");
            if (w && (rc = what_if_rules(rs, w, &alt, &use)) != 0)
                break;
            rc = run_case(use, path, cases->kids[j], &failed);
            if (!rc && failed == before)
                passed++;
        }
        ydoc_free(doc);
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    for (size_t i = 0; i < alt.n; i++)
        eccn_ruleset_free(alt.rs[i]);
    if (rc)
        return rc;
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}

int cmd_rules(cli_env *env, int argc, char **argv)
{
    const char *sub = argc > 1 ? argv[1] : "";
    eccn_ruleset *rs = NULL;
    int rc;
    if (strcmp(sub, "list") && strcmp(sub, "show") && strcmp(sub, "lint") && strcmp(sub, "test")) {
        cli_errorf("rules: expected list, show ID, lint or test");
        return EXIT_USAGE;
    }
    if ((rc = cli_open_rules(env, &rs)))
        return rc;
    if (strcmp(sub, "list") == 0)
        rc = rules_list(rs);
    else if (strcmp(sub, "show") == 0)
        rc = rules_show(rs, argc > 2 ? argv[2] : NULL);
    else if (strcmp(sub, "lint") == 0) {
        eccn_retention_policy pol;
        int problems = eccn_ruleset_lint(rs, lint_problem, NULL);
        if (cli_open_retention(env, &pol)) /* data/recordkeeping.yaml, which it reports */
            problems++;
        if (problems)
            rc = EXIT_USAGE;
        else
            printf("%zu rule files, %zu provisions, %zu catalogue entries, recordkeeping %d years "
                   "(%s): no problems\n",
                   rs->nacts, rs->nprovs, eccn_catalog_count(rs->cat), pol.years, pol.citation);
    } else
        rc = rules_test(rs);
    eccn_ruleset_free(rs);
    return rc;
}
