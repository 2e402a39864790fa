/* ledger_show.c: a recorded verdict in words (see ledger_show.h). The ledger stores its lists as
 * JSON (exceptions, provisions, metrics, the tests); a person reading `ledger show` wants them as
 * lines, and a figure as 82.6, not as the 82.599999999999994 that round-trips. */
#include "ledger_show.h"

#include "util.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static const char *or_dash(const char *s)
{
    return s && *s ? s : "-";
}

static const char *member(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

/* The licence exceptions, a JSON array of names: "ACA, NAC" or "none". */
static void print_exceptions(const char *json)
{
    json_t *a = json ? json_loads(json, 0, NULL) : NULL;
    size_t i, n = json_array_size(a);
    json_t *v;
    printf("  licence exceptions: %s", n ? "" : "none");
    /* each a name, or (as recorded since exceptions carry their terms) an object naming it */
    json_array_foreach(a, i, v)
        printf("%s%s", i ? ", " : "", json_is_string(v) ? json_string_value(v) : member(v, "name"));
    putchar('\n');
    json_decref(a);
}

static void print_provisions(const char *json)
{
    json_t *a = json ? json_loads(json, 0, NULL) : NULL;
    size_t i;
    json_t *p;
    printf("  deciding provisions:%s\n", json_array_size(a) ? "" : " none");
    json_array_foreach(a, i, p)
        printf("    %s (%s) - %s [%s]\n", member(p, "id"), member(p, "kind"), member(p, "title"),
               member(p, "citation"));
    json_decref(a);
}

/* The figures known, rounded (eccn_fmt_num), the unknown ones left out. */
static void print_metrics(const char *json)
{
    json_t *o = json ? json_loads(json, 0, NULL) : NULL;
    const char *k;
    json_t *v;
    int n = 0;
    printf("  figures:");
    json_object_foreach(o, k, v)
    {
        char num[32];
        if (json_is_number(v)) {
            eccn_fmt_num(json_number_value(v), num, sizeof num);
            printf("%s %s %s", n++ ? "," : "", k, num);
        } else if (json_is_boolean(v) || json_is_string(v))
            printf("%s %s %s", n++ ? "," : "", k,
                   json_is_string(v) ? json_string_value(v)
                   : json_is_true(v) ? "yes"
                                     : "no");
    }
    printf("%s\n", n ? "" : " none recorded");
    json_decref(o);
}

/* A provision's tests: as a tree with its ALL/ANY/NOT when the record has one, else (records
 * made before it did) as the list it has. */
static void print_tests(const json_t *f)
{
    const json_t *tree = json_object_get(f, "tree");
    size_t j;
    json_t *t;
    if (!json_array_size(tree)) {
        json_array_foreach(json_object_get(f, "tests"), j, t)
            printf("        - %s\n", member(t, "text"));
        return;
    }
    json_array_foreach(tree, j, t)
    {
        const char *node = member(t, "node");
        int indent = 8 + 2 * (int)json_integer_value(json_object_get(t, "depth"));
        if (strcmp(node, "test") == 0)
            printf("%*s- %s\n", indent, "", member(t, "text"));
        else
            printf("%*s%s (%s):\n", indent, "",
                   strcmp(node, "all") == 0   ? "ALL of"
                   : strcmp(node, "any") == 0 ? "ANY of"
                                              : "NOT",
                   member(t, "result"));
    }
}

/* The recorded tests of each provision evaluated, as check --explain printed them. */
static void print_explanation(const char *json)
{
    json_t *a = json ? json_loads(json, 0, NULL) : NULL;
    size_t i, j;
    json_t *f, *t;
    printf("  explanation (what was met or open, and every figure tested; --json for all):\n");
    json_array_foreach(a, i, f)
    {
        const char *res = member(f, "result");
        /* As check --explain's short form: a provision not met on places alone is left out. */
        bool numeric = false;
        json_array_foreach(json_object_get(f, "tests"), j, t) numeric |=
            json_object_get(t, "metric") != NULL;
        if (strcmp(res, "not met") == 0 && !numeric)
            continue;
        printf("    %-9s %s (%s)\n",
               strcmp(res, "met") == 0       ? "MET"
               : strcmp(res, "unknown") == 0 ? "UNKNOWN"
                                             : res,
               member(f, "provision"), member(f, "title"));
        print_tests(f);
    }
    json_decref(a);
}

void ledger_show_text(const eccn_verdict_row *r)
{
    printf("verdict %lld recorded %s by %s (eccn %s)\n", r->id, r->created_at, r->user,
           r->tool_version);
    if (r->what_if)
        printf("  WHAT-IF, NOT A DECISION: decided with rules not in force: %s\n", r->what_if);
    printf("  input: %s %s\n", r->input_kind, r->input);
    printf("  part: %s (%s)\n", or_dash(r->part_id), or_dash(r->part_name));
    printf("  shipment: %lld to %s, headquarters %s%s, ship date %s, consignee %s\n", r->quantity,
           r->destination, r->headquarters, r->hq_assumed ? " (assumed)" : "", r->ship_date,
           or_dash(r->consignee));
    printf("  verdict: %s%s  ECCN: %s  (%s)\n", r->what_if ? "what-if " : "", r->verdict,
           or_dash(r->eccn), r->status);
    printf("  review policy: %s\n", or_dash(r->review_policy));
    print_exceptions(r->license_exceptions);
    print_provisions(r->provisions);
    print_metrics(r->metrics);
    printf("  rules revision: %s\n", r->rules_revision);
    print_explanation(r->explanation);
}
