/* rules.c: loading the rule files and data into a rule set (see rules.h, docs/rules.md). */
#include "rules.h"

#include "resolve.h"
#include "vendor.h"

#include "digest.h"
#include "ydoc.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int collect_changes(eccn_ruleset *rs);

static const char *const KIND_NAMES[] = {"classification", "exclusion", "license", "exception",
                                         "policy"};

const char *eccn_prov_kind_name(eccn_prov_kind k)
{
    return KIND_NAMES[k];
}

static void free_strv(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

void eccn_ruleset_free(eccn_ruleset *rs)
{
    if (!rs)
        return;
    eccn_vendors_free(rs->vendors);
    eccn_vocab_free(rs->vocab);
    for (size_t i = 0; i < rs->nprovs; i++) {
        eccn_provision *p = &rs->provs[i];
        free(p->id);
        free(p->title);
        free(p->citation);
        free(p->source);
        free(p->note);
        free(p->eccn);
        free(p->review_policy);
        free(p->exception_name);
        free(p->exception_terms);
        free(p->excludes); /* ynode_strv lists: one block each */
        free(p->overcomes);
        eccn_cond_free(p->when);
    }
    free(rs->provs);
    for (size_t i = 0; i < rs->nacts; i++) {
        eccn_act *a = &rs->acts[i];
        free(a->id);
        free(a->title);
        free(a->citation);
        free(a->source);
        free(a->file);
    }
    free(rs->acts);
    eccn_geo_free(rs->geo);
    eccn_catalog_free(rs->cat);
    for (size_t i = 0; i < rs->nfiles; i++)
        free(rs->files[i].path);
    free(rs->files);
    free_strv(rs->enforce_acts, rs->nenforce);
    free(rs->changes);
    free(rs->rules_dir);
    free(rs->data_dir);
    free(rs);
}

static int load_provision(eccn_ruleset *rs, const eccn_act *act, const char *file, const ynode *m,
                          eccn_error *err)
{
    eccn_provision *p = &rs->provs[rs->nprovs];
    char *kind = NULL, *item = NULL, *outcome = NULL;
    int rc;
    memset(p, 0, sizeof *p);
    rs->nprovs++;
    p->act = act;
    p->line = m->line;
    p->col = m->col;
    if (m->kind != YN_MAP)
        return eccn_fail(err, ECCN_EINPUT, file, m->line, m->col, "a provision is a mapping");
    if ((rc = ynode_str(file, m, "id", true, &p->id, err)) != ECCN_OK ||
        (rc = ynode_str(file, m, "kind", true, &kind, err)) != ECCN_OK ||
        (rc = ynode_str(file, m, "title", true, &p->title, err)) != ECCN_OK ||
        (rc = ynode_str(file, m, "citation", true, &p->citation, err)) != ECCN_OK ||
        (rc = ynode_str(file, m, "source", false, &p->source, err)) != ECCN_OK ||
        (rc = ynode_str(file, m, "note", false, &p->note, err)) != ECCN_OK ||
        (rc = ynode_date(file, m, "effective", true, &p->effective, err)) != ECCN_OK ||
        (rc = ynode_date(file, m, "ends", false, &p->ends, err)) != ECCN_OK ||
        (rc = ynode_date(file, m, "not_enforced_from", false, &p->not_enforced_from, err)) !=
            ECCN_OK ||
        (rc = ynode_date(file, m, "compliance_from", false, &p->compliance_from, err)) != ECCN_OK)
        goto done;
    if (!p->source && !(p->source = eccn_strdup(act->source))) {
        rc = ECCN_ENOMEM;
        goto done;
    }
    for (size_t i = 0; i + 1 < rs->nprovs; i++)
        if (strcmp(rs->provs[i].id, p->id) == 0) {
            rc = eccn_fail(err, ECCN_EINPUT, file, m->line, m->col,
                           "duplicate provision id '%s' (first in %s:%d)", p->id,
                           rs->provs[i].act->file, rs->provs[i].line);
            goto done;
        }
    if (p->ends != ECCN_DATE_NONE && p->ends <= p->effective) {
        rc = eccn_fail(err, ECCN_EINPUT, file, m->line, m->col,
                       "%s: ends must come after effective", p->id);
        goto done;
    }
    if ((p->not_enforced_from != ECCN_DATE_NONE && p->not_enforced_from < p->effective) ||
        (p->compliance_from != ECCN_DATE_NONE && p->compliance_from < p->effective)) {
        rc = eccn_fail(err, ECCN_EINPUT, file, m->line, m->col,
                       "%s: not_enforced_from and compliance_from must not come before effective",
                       p->id);
        goto done;
    }
    size_t k;
    for (k = 0; k < sizeof KIND_NAMES / sizeof *KIND_NAMES; k++)
        if (strcmp(kind, KIND_NAMES[k]) == 0)
            break;
    if (k == sizeof KIND_NAMES / sizeof *KIND_NAMES) {
        rc = eccn_fail(err, ECCN_EINPUT, file, m->line, m->col,
                       "%s: kind must be classification, exclusion, license, exception or policy",
                       p->id);
        goto done;
    }
    p->kind = (eccn_prov_kind)k;
    const ynode *when = ynode_get(m, "when");
    if (!when) {
        rc = eccn_fail(err, ECCN_EINPUT, file, m->line, m->col, "%s: missing `when:`", p->id);
        goto done;
    }
    if ((rc = eccn_cond_parse(file, when, rs->geo, &p->when, err)) != ECCN_OK)
        goto done;
    switch (p->kind) {
    case ECCN_PROV_CLASSIFICATION:
        if ((rc = ynode_str(file, m, "eccn", true, &p->eccn, err)) != ECCN_OK ||
            (rc = ynode_str(file, m, "item", false, &item, err)) != ECCN_OK)
            goto done;
        p->item = item && strcmp(item, "system") == 0 ? ECCN_PART_SYSTEM : ECCN_PART_IC;
        if (item && strcmp(item, "system") != 0 && strcmp(item, "ic") != 0)
            rc = eccn_fail(err, ECCN_EINPUT, file, m->line, m->col, "%s: item must be ic or system",
                           p->id);
        break;
    case ECCN_PROV_EXCLUSION:
        if ((rc = ynode_strv(file, m, "excludes", &p->excludes, &p->nexcludes, err)) == ECCN_OK &&
            p->nexcludes == 0)
            rc = eccn_fail(err, ECCN_EINPUT, file, m->line, m->col,
                           "%s: an exclusion needs `excludes:` naming the ECCN paragraphs", p->id);
        break;
    case ECCN_PROV_LICENSE:
        if ((rc = ynode_str(file, m, "review_policy", false, &p->review_policy, err)) != ECCN_OK ||
            (rc = ynode_str(file, m, "outcome", false, &outcome, err)) != ECCN_OK)
            goto done;
        if (outcome && strcmp(outcome, "indeterminate") == 0)
            p->indeterminate_outcome = true;
        else if (outcome && strcmp(outcome, "license_required") != 0)
            rc = eccn_fail(err, ECCN_EINPUT, file, m->line, m->col,
                           "%s: outcome must be license_required or indeterminate", p->id);
        break;
    case ECCN_PROV_EXCEPTION:
        if ((rc = ynode_str(file, m, "name", true, &p->exception_name, err)) != ECCN_OK ||
            (rc = ynode_str(file, m, "terms", true, &p->exception_terms, err)) != ECCN_OK ||
            (rc = ynode_strv(file, m, "overcomes", &p->overcomes, &p->novercomes, err)) != ECCN_OK)
            goto done;
        if (p->novercomes == 0)
            rc = eccn_fail(err, ECCN_EINPUT, file, m->line, m->col,
                           "%s: an exception needs `overcomes:` naming licence provisions", p->id);
        break;
    case ECCN_PROV_POLICY:
        rc = ynode_str(file, m, "review_policy", true, &p->review_policy, err);
        break;
    }
done:
    free(kind);
    free(item);
    free(outcome);
    return rc;
}

/* Records a loaded file with the digest of the very bytes that were parsed. */
static int push_file(eccn_ruleset *rs, const ydoc *doc)
{
    eccn_rulefile *g = realloc(rs->files, (rs->nfiles + 1) * sizeof *g);
    if (!g)
        return ECCN_ENOMEM;
    rs->files = g;
    eccn_rulefile *f = &rs->files[rs->nfiles];
    if (!(f->path = eccn_strdup(doc->path)))
        return ECCN_ENOMEM;
    memcpy(f->sha256, doc->sha256, sizeof f->sha256);
    f->size = doc->size;
    rs->nfiles++;
    return ECCN_OK;
}

/* Loads the act in the file at path. */
static int load_act_file(eccn_ruleset *rs, const char *path, bool what_if, eccn_error *err)
{
    ydoc *doc = NULL;
    int rc = ydoc_load_file(path, &doc, err);
    if (rc != ECCN_OK)
        return rc;
    const ynode *a = ynode_get(doc->root, "act");
    const ynode *provs = ynode_get(doc->root, "provisions");
    if (!a || a->kind != YN_MAP) {
        rc = eccn_fail(err, ECCN_EINPUT, path, 1, 1, "expected `act:` with the act's metadata");
        goto done;
    }
    if (!provs || provs->kind != YN_SEQ || provs->nkids == 0) {
        rc = eccn_fail(err, ECCN_EINPUT, path, 1, 1, "expected `provisions:` with a list");
        goto done;
    }
    eccn_act *act = &rs->acts[rs->nacts];
    memset(act, 0, sizeof *act);
    rs->nacts++;
    act->what_if = what_if;
    if (!(act->file = eccn_strdup(path))) {
        rc = ECCN_ENOMEM;
        goto done;
    }
    if ((rc = ynode_str(path, a, "id", true, &act->id, err)) != ECCN_OK ||
        (rc = ynode_str(path, a, "title", true, &act->title, err)) != ECCN_OK ||
        (rc = ynode_str(path, a, "citation", true, &act->citation, err)) != ECCN_OK ||
        (rc = ynode_str(path, a, "source", true, &act->source, err)) != ECCN_OK ||
        (rc = ynode_date(path, a, "published", false, &act->published, err)) != ECCN_OK ||
        (rc = ynode_date(path, a, "covers_from", false, &act->covers_from, err)) != ECCN_OK)
        goto done;
    for (size_t i = 0; i + 1 < rs->nacts; i++)
        if (strcmp(rs->acts[i].id, act->id) == 0) {
            rc = eccn_fail(err, ECCN_EINPUT, path, a->line, a->col, "duplicate act id '%s'",
                           act->id);
            goto done;
        }
    eccn_provision *grown = realloc(rs->provs, (rs->nprovs + provs->nkids) * sizeof *grown);
    if (!grown) {
        rc = ECCN_ENOMEM;
        goto done;
    }
    /* Provisions point at acts, never the reverse, so growing the array moves nothing that is
     * referenced. Acts are preallocated for the same reason. */
    rs->provs = grown;
    for (size_t i = 0; rc == ECCN_OK && i < provs->nkids; i++)
        rc = load_provision(rs, act, path, provs->kids[i], err);
done:
    if (rc == ECCN_OK)
        rc = push_file(rs, doc);
    ydoc_free(doc);
    return rc;
}

static int list_rule_files(const char *dir, char ***out, size_t *n, eccn_error *err)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    *out = NULL;
    *n = 0;
    if (!d)
        return eccn_fail(err, ECCN_EIO, dir, 0, 0, "cannot open rules directory: %s",
                         strerror(errno));
    int rc = ECCN_OK;
    while ((e = readdir(d)) && rc == ECCN_OK) {
        size_t l = strlen(e->d_name);
        if (l < 6 || strcmp(e->d_name + l - 5, ".yaml") != 0 || e->d_name[0] == '.')
            continue;
        char **g = realloc(*out, (*n + 1) * sizeof *g);
        if (!g) {
            rc = ECCN_ENOMEM;
            break;
        }
        *out = g;
        size_t sz = strlen(dir) + l + 2;
        if (!((*out)[*n] = malloc(sz))) {
            rc = ECCN_ENOMEM;
            break;
        }
        snprintf((*out)[(*n)++], sz, "%s/%s", dir, e->d_name);
    }
    closedir(d);
    if (rc == ECCN_OK && *n == 0)
        rc = eccn_fail(err, ECCN_EINPUT, dir, 0, 0, "no rule files (*.yaml) here");
    if (rc == ECCN_OK)
        eccn_sort(*out, *n, sizeof **out, eccn_cmp_strings);
    return rc;
}

/* The revision: SHA-256 over each file's name (relative to its root) and bytes, in load order, so
 * that the same content gives the same revision wherever it is installed. */
static int compute_revision(eccn_ruleset *rs)
{
    eccn_digest *d = eccn_digest_new();
    int rc = d ? ECCN_OK : ECCN_ENOMEM;
    for (size_t i = 0; rc == ECCN_OK && i < rs->nfiles; i++) {
        const eccn_rulefile *f = &rs->files[i];
        const char *base = strrchr(f->path, '/');
        base = base ? base + 1 : f->path;
        char line[4200];
        int l = snprintf(line, sizeof line, "%s %lld %s\n", base, f->size, f->sha256);
        rc = eccn_digest_update(d, line, (size_t)l);
    }
    if (rc == ECCN_OK)
        rc = eccn_digest_hex(d, rs->revision);
    eccn_digest_free(d);
    return rc;
}

/* Loads the file called name in data_dir. */
static int load_data(const char *data_dir, const char *name, ydoc **out, eccn_error *err)
{
    char path[4200];
    *out = NULL;
    if (snprintf(path, sizeof path, "%s/%s", data_dir, name) >= (int)sizeof path)
        return eccn_fail(err, ECCN_EINPUT, data_dir, 0, 0, "path too long");
    return ydoc_load_file(path, out, err);
}

static int open_rules(const char *rules_dir, const char *data_dir, const char *const *what_if,
                      size_t nwhat_if, eccn_ruleset **out, eccn_error *err)
{
    eccn_ruleset *rs = calloc(1, sizeof *rs);
    char **rule_files = NULL;
    size_t nrule = 0;
    ydoc *doc = NULL, *doc2 = NULL;
    int rc = rs ? ECCN_OK : ECCN_ENOMEM;
    *out = NULL;
    if (rc != ECCN_OK)
        return rc;
    if (!(rs->rules_dir = eccn_strdup(rules_dir)) || !(rs->data_dir = eccn_strdup(data_dir))) {
        rc = ECCN_ENOMEM;
        goto done;
    }
    /* One document at a time, each freed before the next is read, so that they all reuse the
     * same memory. */
    if ((rc = load_data(data_dir, "countries.yaml", &doc, err)) != ECCN_OK ||
        (rc = push_file(rs, doc)) != ECCN_OK ||
        (rc = load_data(data_dir, "country-groups.yaml", &doc2, err)) != ECCN_OK ||
        (rc = push_file(rs, doc2)) != ECCN_OK ||
        (rc = eccn_geo_load(doc, doc2, &rs->geo, err)) != ECCN_OK)
        goto done;
    ydoc_free(doc);
    ydoc_free(doc2);
    doc = doc2 = NULL;
    if ((rc = load_data(data_dir, "devices.yaml", &doc, err)) != ECCN_OK ||
        (rc = push_file(rs, doc)) != ECCN_OK ||
        (rc = eccn_catalog_load(doc, &rs->cat, err)) != ECCN_OK ||
        (rc = list_rule_files(rules_dir, &rule_files, &nrule, err)) != ECCN_OK)
        goto done;
    ydoc_free(doc);
    doc = NULL;
    if (!(rs->acts = calloc(nrule + nwhat_if, sizeof *rs->acts))) {
        rc = ECCN_ENOMEM;
        goto done;
    }
    for (size_t i = 0; rc == ECCN_OK && i < nrule; i++)
        rc = load_act_file(rs, rule_files[i], false, err);
    for (size_t i = 0; rc == ECCN_OK && i < nwhat_if; i++) {
        const char *w = what_if[i];
        size_t l = strlen(w);
        if (l > 5 && strcmp(w + l - 5, ".yaml") == 0) {
            rc = load_act_file(rs, w, true, err);
            continue;
        }
        bool found = false;
        for (size_t a = 0; a < rs->nacts; a++)
            found |= strcmp(rs->acts[a].id, w) == 0;
        if (!found) {
            rc = eccn_fail(err, ECCN_EINPUT, "--what-if", 0, 0,
                           "'%s' is neither a rule file (*.yaml) nor the id of a loaded act", w);
            break;
        }
        char **g = realloc(rs->enforce_acts, (rs->nenforce + 1) * sizeof *g);
        if (!g || !(g[rs->nenforce] = eccn_strdup(w))) {
            if (g)
                rs->enforce_acts = g;
            rc = ECCN_ENOMEM;
            break;
        }
        rs->enforce_acts = g;
        rs->nenforce++;
    }
    if (rc == ECCN_OK) {
        /* The revision has always listed the rule files first and the three data files last. */
        eccn_rulefile data[3];
        memcpy(data, rs->files, sizeof data);
        memmove(rs->files, rs->files + 3, (rs->nfiles - 3) * sizeof *rs->files);
        memcpy(rs->files + rs->nfiles - 3, data, sizeof data);
        rc = compute_revision(rs);
    }
    if (rc == ECCN_OK && rs->nenforce) {
        /* Enforcing a non-enforced act changes the answers, so it changes the revision too. */
        eccn_digest *d = eccn_digest_new();
        rc = d ? eccn_digest_update(d, rs->revision, 64) : ECCN_ENOMEM;
        for (size_t i = 0; rc == ECCN_OK && i < rs->nenforce; i++)
            rc = eccn_digest_update(d, rs->enforce_acts[i], strlen(rs->enforce_acts[i]) + 1);
        if (rc == ECCN_OK)
            rc = eccn_digest_hex(d, rs->revision);
        eccn_digest_free(d);
    }
    if (rc == ECCN_OK)
        rc = collect_changes(rs);
done:
    free_strv(rule_files, nrule);
    ydoc_free(doc);
    ydoc_free(doc2);
    if (rc != ECCN_OK) {
        eccn_ruleset_free(rs);
        return rc;
    }
    *out = rs;
    return ECCN_OK;
}

/* The vendor tables and the vocabulary resolution reads are loaded beside the rules, and their
 * digests fold into the revision, so a replay knows which vendor data it saw. */
int eccn_ruleset_open(const char *rules_dir, const char *data_dir, const char *const *what_if,
                      size_t nwhat_if, eccn_ruleset **out, eccn_error *err)
{
    eccn_ruleset *rs = NULL;
    int rc = open_rules(rules_dir, data_dir, what_if, nwhat_if, &rs, err);
    eccn_digest *d = NULL;
    *out = NULL;
    if (rc != ECCN_OK)
        return rc;
    if ((rc = eccn_vocab_load(data_dir, &rs->vocab, err)) != ECCN_OK ||
        (rc = eccn_vendors_load(data_dir, &rs->vendors, err)) != ECCN_OK ||
        (rc = eccn_vendors_attach(rs->vendors, rs->cat, rs->vocab, err)) != ECCN_OK)
        goto done;
    if (*eccn_vendors_digest(rs->vendors) || *eccn_vocab_digest(rs->vocab)) {
        rc = (d = eccn_digest_new()) ? eccn_digest_update(d, rs->revision, 64) : ECCN_ENOMEM;
        if (rc == ECCN_OK)
            rc = eccn_digest_update(d, eccn_vocab_digest(rs->vocab), 64);
        if (rc == ECCN_OK)
            rc = eccn_digest_update(d, eccn_vendors_digest(rs->vendors), 64);
        if (rc == ECCN_OK)
            rc = eccn_digest_hex(d, rs->revision);
    }
    if (rc == ECCN_OK)
        rc = collect_changes(rs); /* again, with the vendor tables' dates */
    rs->first_date = ECCN_DATE_NONE;
    for (size_t i = 0; i < rs->nacts; i++)
        if (rs->acts[i].covers_from != ECCN_DATE_NONE &&
            (rs->first_date == ECCN_DATE_NONE || rs->acts[i].covers_from > rs->first_date))
            rs->first_date = rs->acts[i].covers_from;
done:
    eccn_digest_free(d);
    if (rc != ECCN_OK) {
        eccn_ruleset_free(rs);
        return rc;
    }
    *out = rs;
    return ECCN_OK;
}

struct changes {
    eccn_ruleset *rs;
    bool oom;
};

static void add_change(eccn_date d, void *ctx)
{
    struct changes *c = ctx;
    eccn_date *g = realloc(c->rs->changes, (c->rs->nchanges + 1) * sizeof *g);
    if (!g) {
        c->oom = true;
        return;
    }
    c->rs->changes = g;
    c->rs->changes[c->rs->nchanges++] = d;
}

static int cmp_date(const void *a, const void *b)
{
    eccn_date x = *(const eccn_date *)a, y = *(const eccn_date *)b;
    return x < y ? -1 : x > y;
}

static int collect_changes(eccn_ruleset *rs)
{
    struct changes c = {rs, false};
    free(rs->changes);
    rs->changes = NULL;
    rs->nchanges = 0;
    for (size_t i = 0; i < rs->nprovs; i++) {
        const eccn_provision *p = &rs->provs[i];
        eccn_date ds[4] = {p->effective, p->ends, p->not_enforced_from, p->compliance_from};
        for (int k = 0; k < 4; k++)
            if (ds[k] != ECCN_DATE_NONE)
                add_change(ds[k], &c);
    }
    eccn_geo_each_change(rs->geo, add_change, &c);
    /* A vendor's classification counts from its table's date (crosscheck.c), so that date
     * changes answers too: an audit that reused one answer across it would give a line the
     * answer of whichever line came first. */
    for (size_t i = 0; i < eccn_vendors_ntables(rs->vendors); i++) {
        const char *text = eccn_vendors_table(rs->vendors, i)->date;
        eccn_date d;
        if (text && eccn_date_parse(text, strlen(text), &d))
            add_change(d, &c);
    }
    if (c.oom)
        return ECCN_ENOMEM;
    if (rs->nchanges)
        eccn_sort(rs->changes, rs->nchanges, sizeof *rs->changes, cmp_date);
    return ECCN_OK;
}

int eccn_ruleset_epoch(const eccn_ruleset *rs, eccn_date d)
{
    size_t lo = 0, hi = rs->nchanges;
    while (lo < hi) { /* the number of change dates <= d */
        size_t mid = (lo + hi) / 2;
        if (rs->changes[mid] <= d)
            lo = mid + 1;
        else
            hi = mid;
    }
    return (int)lo;
}

void eccn_ruleset_use_jit(eccn_ruleset *rs)
{
    eccn_catalog_use_jit(rs->cat);
    for (size_t i = 0; i < rs->nprovs; i++)
        if (rs->provs[i].when)
            eccn_cond_use_jit(rs->provs[i].when);
}

bool eccn_provision_applies(const eccn_ruleset *rs, const eccn_provision *p, eccn_date d)
{
    if (d < p->effective || (p->ends != ECCN_DATE_NONE && d >= p->ends) ||
        (p->compliance_from != ECCN_DATE_NONE && d < p->compliance_from))
        return false;
    if (p->not_enforced_from == ECCN_DATE_NONE || d < p->not_enforced_from || p->act->what_if)
        return true;
    for (size_t i = 0; i < rs->nenforce; i++)
        if (strcmp(rs->enforce_acts[i], p->act->id) == 0)
            return true;
    return false;
}

const eccn_provision *eccn_ruleset_find(const eccn_ruleset *rs, const char *id)
{
    for (size_t i = 0; i < rs->nprovs; i++)
        if (strcmp(rs->provs[i].id, id) == 0)
            return &rs->provs[i];
    return NULL;
}

struct lint_ctx {
    const eccn_ruleset *rs;
    const eccn_provision *p;
    void (*fn)(const eccn_error *, void *);
    void *ctx;
    int problems;
};

static bool eccn_is_produced(const eccn_ruleset *rs, const char *eccn)
{
    for (size_t i = 0; i < rs->nprovs; i++)
        if (rs->provs[i].kind == ECCN_PROV_CLASSIFICATION && strcmp(rs->provs[i].eccn, eccn) == 0)
            return true;
    return false;
}

static void report(struct lint_ctx *lc, const eccn_provision *p, const char *what, const char *arg)
{
    eccn_error e;
    eccn_fail(&e, ECCN_EINPUT, p->act->file, p->line, p->col, "%s: %s '%s'", p->id, what, arg);
    lc->fn(&e, lc->ctx);
    lc->problems++;
}

static void lint_eccn(const char *eccn, void *vctx)
{
    struct lint_ctx *lc = vctx;
    if (!eccn_is_produced(lc->rs, eccn))
        report(lc, lc->p, "condition names an ECCN that no classification provides:", eccn);
}

int eccn_ruleset_lint(eccn_ruleset *rs, void (*fn)(const eccn_error *problem, void *ctx), void *ctx)
{
    struct lint_ctx lc = {rs, NULL, fn, ctx, 0};
    eccn_error e;
    if (eccn_catalog_compile(rs->cat, &e) != ECCN_OK) {
        fn(&e, ctx);
        lc.problems++;
    }
    for (size_t i = 0; i < rs->nprovs; i++) {
        const eccn_provision *p = &rs->provs[i];
        lc.p = p;
        eccn_cond_each_eccn(p->when, lint_eccn, &lc);
        for (size_t j = 0; j < p->nexcludes; j++)
            if (!eccn_is_produced(rs, p->excludes[j]))
                report(&lc, p, "excludes an ECCN that no classification provides:", p->excludes[j]);
        for (size_t j = 0; j < p->novercomes; j++) {
            const eccn_provision *q = eccn_ruleset_find(rs, p->overcomes[j]);
            if (!q || q->kind != ECCN_PROV_LICENSE)
                report(&lc, p,
                       "overcomes something that is not a licence provision:", p->overcomes[j]);
        }
        if (strncmp(p->source, "http", 4) != 0)
            report(&lc, p, "source is not an address:", p->source);
        if (p->kind == ECCN_PROV_CLASSIFICATION && p->item == ECCN_PART_SYSTEM &&
            !eccn_cond_uses_eccn(p->when))
            report(&lc, p, "system classification does not test the IC it carries (contains:)", "");
    }
    return lc.problems;
}
