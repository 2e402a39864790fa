/* rules.c: loading the rule files and data into a rule set (see rules.h, docs/rules.md). */
#define _GNU_SOURCE /* dl_iterate_phdr, for the build id */
#include "rules.h"

#include "resolve.h"
#include "vendor.h"

#include "digest.h"
#include "image.h"
#include "ydoc.h"

#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <link.h>
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
    if (rs->image) {
        /* Everything is in the image but what was compiled since it was read. */
        for (size_t i = 0; i < rs->nprovs; i++)
            eccn_cond_free(rs->provs[i].when);
        eccn_catalog_free(rs->cat);
        free(rs->image); /* rs itself is in it */
        return;
    }
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
    memset(f, 0, sizeof *f); /* padding too: an image (save_image) holds the bytes */
    if (!(f->path = eccn_strdup(doc->path)))
        return ECCN_ENOMEM;
    memcpy(f->sha256, doc->sha256, sizeof f->sha256);
    f->size = doc->size;
    rs->nfiles++;
    return ECCN_OK;
}

/* Loads the act in the file at path; dir, when not NULL, is the open directory path is in. */
static int load_act_file(eccn_ruleset *rs, ydoc_dir *dir, const char *path, bool what_if,
                         eccn_error *err)
{
    ydoc *doc = NULL;
    int rc = dir ? ydoc_dir_load(dir, strrchr(path, '/') + 1, &doc, err)
                 : ydoc_load_file(path, &doc, err);
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
        (rc = ynode_date(path, a, "published", false, &act->published, err)) != ECCN_OK)
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
static int revision_of(const eccn_rulefile *files, size_t n, char out[65])
{
    eccn_digest *d = eccn_digest_new();
    int rc = d ? ECCN_OK : ECCN_ENOMEM;
    for (size_t i = 0; rc == ECCN_OK && i < n; i++) {
        const eccn_rulefile *f = &files[i];
        const char *base = strrchr(f->path, '/');
        base = base ? base + 1 : f->path;
        char line[4200];
        int l = snprintf(line, sizeof line, "%s %lld %s\n", base, f->size, f->sha256);
        rc = eccn_digest_update(d, line, (size_t)l);
    }
    if (rc == ECCN_OK)
        rc = eccn_digest_hex(d, out);
    eccn_digest_free(d);
    return rc;
}

static int compute_revision(eccn_ruleset *rs)
{
    return revision_of(rs->files, rs->nfiles, rs->revision);
}

/*
 * The rule set's image. Building the rule set from the parsed files (countries, groups,
 * catalogue, provisions and their conditions: some two thousand allocations and strings) was the
 * largest part of a check after SQLite. Once built, it is written into one block (image.h) kept
 * in the parse cache, and a later process whose files are all as the directory indexes trusted
 * them (ydoc_dir_identify) reads that block and fixes its pointers instead: no file is read or
 * parsed, and the rules revision is computed from the digests the indexes recorded, exactly as
 * when the files are read. An image is named by the executable's build id, the two directories
 * and the revision, and holds them to be checked again, so that it is used only by the same
 * binary for the same bytes; its payload carries a 64-bit check against accidental damage, and
 * anything inconsistent makes the rule set be built from the files as before. Never with --what-if.
 * The few patterns of the conditions are compiled when first evaluated (cond.c).
 */
#define IMAGE_MAGIC "eccnrsi1"

typedef struct image_header {
    char magic[8];
    uint64_t exe[5]; /* the executable's build id */
    uint64_t root;   /* where the eccn_ruleset is */
    uint64_t len;    /* of the whole image, header included */
    uint64_t check;  /* eccn_hash64 of what follows the header */
} image_header;

_Static_assert(sizeof(image_header) % 8 == 0, "the payload stays 8-byte aligned");

/* The executable's GNU build id (a hash of its contents, which the linker writes): another
 * build of eccn is another executable, whose structures may be laid out otherwise. Read from the
 * program's own note segment, so that it names eccn also when it runs under valgrind, where
 * /proc/self/exe names valgrind. False without one: then no image is read or written. */
struct build_id {
    uint64_t words[5];
    bool found;
};

static int find_build_id(struct dl_phdr_info *info, size_t size, void *ctx)
{
    struct build_id *id = ctx;
    (void)size;
    for (int i = 0; i < info->dlpi_phnum && !id->found; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type != PT_NOTE)
            continue;
        const char *at = (const char *)(info->dlpi_addr + ph->p_vaddr), *end = at + ph->p_memsz;
        while (!id->found && (size_t)(end - at) >= sizeof(ElfW(Nhdr))) {
            ElfW(Nhdr) n;
            memcpy(&n, at, sizeof n);
            size_t name = (n.n_namesz + 3u) & ~3u, desc = (n.n_descsz + 3u) & ~3u;
            if ((size_t)(end - at) - sizeof n < name + desc)
                break;
            if (n.n_type == NT_GNU_BUILD_ID && n.n_namesz == 4 &&
                memcmp(at + sizeof n, "GNU", 4) == 0 && n.n_descsz > 0 &&
                n.n_descsz <= sizeof id->words) {
                memcpy(id->words, at + sizeof n + name, n.n_descsz);
                id->found = true;
            }
            at += sizeof n + name + desc;
        }
    }
    return 1; /* the first object is the program itself */
}

static bool exe_identity(uint64_t id[5])
{
    struct build_id b = {{0}, false};
    dl_iterate_phdr(find_build_id, &b);
    memcpy(id, b.words, sizeof b.words);
    return b.found;
}

static void image_name(const uint64_t exe[5], const char *rules_dir, const char *data_dir,
                       const char *revision, char out[17])
{
    eccn_buf key = {0};
    uint64_t h = 0;
    if (eccn_buf_append(&key, (const char *)exe, 5 * sizeof *exe) == ECCN_OK &&
        eccn_buf_append(&key, rules_dir, strlen(rules_dir) + 1) == ECCN_OK &&
        eccn_buf_append(&key, data_dir, strlen(data_dir) + 1) == ECCN_OK &&
        eccn_buf_append(&key, revision, 64) == ECCN_OK)
        h = eccn_hash64(key.data, key.len);
    eccn_buf_free(&key);
    snprintf(out, 17, "%016llx", (unsigned long long)h);
}

/* The string fields of an act and of a provision, for eccn_imgw_strs and eccn_imgr_strs. */
enum { ACT_STRINGS = 5, PROV_STRINGS = 9 };
static void act_strings(eccn_act *a, char **out[ACT_STRINGS])
{
    char **fields[ACT_STRINGS] = {&a->id, &a->title, &a->citation, &a->source, &a->file};
    memcpy(out, fields, sizeof fields);
}

static void prov_strings(eccn_provision *p, char **out[PROV_STRINGS])
{
    char **fields[PROV_STRINGS] = {
        &p->id,   &p->title,         &p->citation,       &p->source,         &p->note,
        &p->eccn, &p->review_policy, &p->exception_name, &p->exception_terms};
    memcpy(out, fields, sizeof fields);
}

static void save_image(const eccn_ruleset *rs)
{
    uint64_t exe[5];
    if (rs->nenforce || !exe_identity(exe))
        return;
    for (size_t i = 0; i < rs->nacts; i++)
        if (rs->acts[i].what_if)
            return;
    eccn_imgw w = {0};
    image_header h = {.magic = IMAGE_MAGIC};
    eccn_act *acts = calloc(rs->nacts ? rs->nacts : 1, sizeof *acts);
    eccn_provision *provs = calloc(rs->nprovs ? rs->nprovs : 1, sizeof *provs);
    eccn_rulefile *files = calloc(rs->nfiles ? rs->nfiles : 1, sizeof *files);
    if (!acts || !provs || !files ||
        (w.status = eccn_buf_append(&w.buf, (const char *)&h, sizeof h)) != ECCN_OK)
        goto done;
    for (size_t i = 0; i < rs->nacts; i++) {
        char **strings[ACT_STRINGS];
        acts[i] = rs->acts[i];
        act_strings(&acts[i], strings);
        eccn_imgw_strs(&w, strings, ACT_STRINGS);
    }
    for (size_t i = 0; i < rs->nprovs; i++) {
        const eccn_provision *p = &rs->provs[i];
        eccn_provision *q = &provs[i];
        char **strings[PROV_STRINGS];
        *q = *p;
        prov_strings(q, strings);
        eccn_imgw_strs(&w, strings, PROV_STRINGS);
        q->act = ECCN_IMG_STASH((uint64_t)(p->act - rs->acts) + 1); /* its index + 1 */
        q->when = ECCN_IMG_STASH(eccn_cond_save(p->when, &w));
        q->excludes = ECCN_IMG_STASH(eccn_imgw_strv(&w, p->excludes, p->nexcludes));
        q->overcomes = ECCN_IMG_STASH(eccn_imgw_strv(&w, p->overcomes, p->novercomes));
    }
    for (size_t i = 0; i < rs->nfiles; i++) {
        files[i] = rs->files[i];
        files[i].path = ECCN_IMG_STASH(eccn_imgw_str(&w, rs->files[i].path));
    }
    eccn_ruleset copy = *rs;
    copy.acts = ECCN_IMG_STASH(eccn_imgw_put(&w, acts, rs->nacts * sizeof *acts));
    copy.provs = ECCN_IMG_STASH(eccn_imgw_put(&w, provs, rs->nprovs * sizeof *provs));
    copy.geo = ECCN_IMG_STASH(eccn_geo_save(rs->geo, &w));
    copy.cat = ECCN_IMG_STASH(eccn_catalog_save(rs->cat, &w));
    copy.files = ECCN_IMG_STASH(eccn_imgw_put(&w, files, rs->nfiles * sizeof *files));
    copy.changes =
        ECCN_IMG_STASH(eccn_imgw_put(&w, rs->changes, rs->nchanges * sizeof *rs->changes));
    copy.rules_dir = ECCN_IMG_STASH(eccn_imgw_str(&w, rs->rules_dir));
    copy.data_dir = ECCN_IMG_STASH(eccn_imgw_str(&w, rs->data_dir));
    copy.image = NULL;
    h.root = eccn_imgw_put(&w, &copy, sizeof copy);
    if (w.status != ECCN_OK)
        goto done;
    memcpy(h.exe, exe, sizeof exe);
    h.len = w.buf.len;
    h.check = eccn_hash64(w.buf.data + sizeof h, w.buf.len - sizeof h);
    memcpy(w.buf.data, &h, sizeof h);
    char name[17];
    image_name(exe, rs->rules_dir, rs->data_dir, rs->revision, name);
    ydoc_cache_put(name, w.buf.data, w.buf.len);
done:
    free(acts);
    free(provs);
    free(files);
    eccn_buf_free(&w.buf);
}

/* The rule set at root, fixed up in place; NULL (and r->bad) when inconsistent. */
static eccn_ruleset *restore_image(eccn_imgr *r, uint64_t root)
{
    eccn_ruleset *rs = eccn_imgr_array(r, ECCN_IMG_STASH(root), 1, sizeof *rs);
    if (!rs || rs->image || rs->enforce_acts || rs->nenforce) {
        r->bad = true;
        return NULL;
    }
    rs->acts = eccn_imgr_array(r, rs->acts, rs->nacts, sizeof *rs->acts);
    for (size_t i = 0; !r->bad && i < rs->nacts; i++) {
        eccn_act *a = &rs->acts[i];
        char **strings[ACT_STRINGS];
        act_strings(a, strings);
        eccn_imgr_strs(r, strings, ACT_STRINGS);
        r->bad |= !a->id || a->what_if;
    }
    rs->provs = eccn_imgr_array(r, rs->provs, rs->nprovs, sizeof *rs->provs);
    for (size_t i = 0; !r->bad && i < rs->nprovs; i++) {
        eccn_provision *p = &rs->provs[i];
        uint64_t act = ECCN_IMG_OFFSET(p->act);
        char **strings[PROV_STRINGS];
        prov_strings(p, strings);
        eccn_imgr_strs(r, strings, PROV_STRINGS);
        p->when = p->when ? eccn_cond_restore(r, p->when) : NULL;
        p->excludes = eccn_imgr_strv(r, p->excludes, p->nexcludes);
        p->overcomes = eccn_imgr_strv(r, p->overcomes, p->novercomes);
        r->bad |= !p->id || act == 0 || act > rs->nacts || (unsigned)p->kind > ECCN_PROV_POLICY;
        p->act = r->bad ? NULL : &rs->acts[act - 1];
    }
    if (!r->bad) {
        rs->geo = eccn_geo_restore(r, rs->geo);
        rs->cat = eccn_catalog_restore(r, rs->cat);
        r->bad |= !rs->geo || !rs->cat;
    }
    if (!r->bad)
        rs->files = eccn_imgr_array(r, rs->files, rs->nfiles, sizeof *rs->files);
    for (size_t i = 0; !r->bad && i < rs->nfiles; i++) {
        rs->files[i].path = eccn_imgr_str(r, rs->files[i].path);
        eccn_imgr_field(r, rs->files[i].sha256, sizeof rs->files[i].sha256);
        r->bad |= !rs->files[i].path;
    }
    rs->changes = eccn_imgr_array(r, rs->changes, rs->nchanges, sizeof *rs->changes);
    rs->rules_dir = eccn_imgr_str(r, rs->rules_dir);
    rs->data_dir = eccn_imgr_str(r, rs->data_dir);
    eccn_imgr_field(r, rs->revision, sizeof rs->revision);
    return r->bad || !rs->rules_dir || !rs->data_dir ? NULL : rs;
}

static int list_rule_files(const char *dir, char ***out, size_t *n, eccn_error *err);

/* The digests the indexes trust for every file a rule set would read, in revision order (the
 * rule files, then the three data files); ECCN_ENOTFOUND when any file must be read. */
static int identify_files(const char *rules_dir, const char *data_dir, char revision[65])
{
    static const char *const DATA[] = {"countries.yaml", "country-groups.yaml", "devices.yaml"};
    eccn_error ignored = {0};
    char **rule_files = NULL;
    size_t nrule = 0;
    eccn_rulefile *files = NULL;
    ydoc_dir *d = NULL;
    int rc = list_rule_files(rules_dir, &rule_files, &nrule, &ignored);
    if (rc == ECCN_OK && !(files = calloc(nrule + 3, sizeof *files)))
        rc = ECCN_ENOMEM;
    if (rc == ECCN_OK)
        rc = ydoc_dir_open(rules_dir, &d);
    for (size_t i = 0; rc == ECCN_OK && i < nrule; i++) {
        files[i].path = rule_files[i];
        rc = ydoc_dir_identify(d, strrchr(rule_files[i], '/') + 1, files[i].sha256, &files[i].size);
    }
    ydoc_dir_close(d);
    d = NULL;
    if (rc == ECCN_OK)
        rc = ydoc_dir_open(data_dir, &d);
    for (size_t i = 0; rc == ECCN_OK && i < 3; i++) {
        files[nrule + i].path = (char *)DATA[i];
        rc = ydoc_dir_identify(d, DATA[i], files[nrule + i].sha256, &files[nrule + i].size);
    }
    ydoc_dir_close(d);
    if (rc == ECCN_OK)
        rc = revision_of(files, nrule + 3, revision);
    free(files);
    free_strv(rule_files, nrule);
    return rc;
}

/* The rule set from its image, when there is one for exactly these files and this binary. */
static int open_image(const char *rules_dir, const char *data_dir, eccn_ruleset **out)
{
    uint64_t exe[5];
    char revision[65], name[17];
    image_header h;
    eccn_buf b = {0};
    *out = NULL;
    if (!ydoc_cache_enabled() || !exe_identity(exe) ||
        identify_files(rules_dir, data_dir, revision) != ECCN_OK)
        return ECCN_ENOTFOUND;
    image_name(exe, rules_dir, data_dir, revision, name);
    if (ydoc_cache_get(name, &b) != ECCN_OK)
        return ECCN_ENOTFOUND;
    eccn_imgr r = {.base = b.data, .len = b.len};
    eccn_ruleset *rs = NULL;
    if (b.len < sizeof h)
        goto bad;
    memcpy(&h, b.data, sizeof h);
    if (memcmp(h.magic, IMAGE_MAGIC, 8) != 0 || memcmp(h.exe, exe, sizeof exe) != 0 ||
        h.len != b.len || h.check != eccn_hash64(b.data + sizeof h, b.len - sizeof h) ||
        !(rs = restore_image(&r, h.root)) || strcmp(rs->revision, revision) != 0 ||
        strcmp(rs->rules_dir, rules_dir) != 0 || strcmp(rs->data_dir, data_dir) != 0)
        goto bad;
    rs->image = b.data;
    *out = rs;
    return ECCN_OK;
bad:
    eccn_buf_free(&b);
    return ECCN_ENOTFOUND;
}

static int open_rules(const char *rules_dir, const char *data_dir, const char *const *what_if,
                      size_t nwhat_if, eccn_ruleset **out, eccn_error *err)
{
    if (nwhat_if == 0 && open_image(rules_dir, data_dir, out) == ECCN_OK)
        return ECCN_OK;
    eccn_ruleset *rs = calloc(1, sizeof *rs);
    char **rule_files = NULL;
    size_t nrule = 0;
    ydoc *doc = NULL, *doc2 = NULL;
    ydoc_dir *dir = NULL;
    int rc = rs ? ECCN_OK : ECCN_ENOMEM;
    *out = NULL;
    if (rc != ECCN_OK)
        return rc;
    if (!(rs->rules_dir = eccn_strdup(rules_dir)) || !(rs->data_dir = eccn_strdup(data_dir))) {
        rc = ECCN_ENOMEM;
        goto done;
    }
    /* One document at a time, each freed before the next is read, so that they all reuse the
     * same memory: fresh pages are what a short run pays for most. */
    if ((rc = ydoc_dir_open(data_dir, &dir)) != ECCN_OK ||
        (rc = ydoc_dir_load(dir, "countries.yaml", &doc, err)) != ECCN_OK ||
        (rc = push_file(rs, doc)) != ECCN_OK ||
        (rc = ydoc_dir_load(dir, "country-groups.yaml", &doc2, err)) != ECCN_OK ||
        (rc = push_file(rs, doc2)) != ECCN_OK ||
        (rc = eccn_geo_load(doc, doc2, &rs->geo, err)) != ECCN_OK)
        goto done;
    ydoc_free(doc);
    ydoc_free(doc2);
    doc = doc2 = NULL;
    if ((rc = ydoc_dir_load(dir, "devices.yaml", &doc, err)) != ECCN_OK ||
        (rc = push_file(rs, doc)) != ECCN_OK ||
        (rc = eccn_catalog_load(doc, &rs->cat, err)) != ECCN_OK ||
        (rc = list_rule_files(rules_dir, &rule_files, &nrule, err)) != ECCN_OK)
        goto done;
    ydoc_free(doc);
    doc = NULL;
    ydoc_dir_close(dir);
    dir = NULL;
    if (!(rs->acts = calloc(nrule + nwhat_if, sizeof *rs->acts)) ||
        ydoc_dir_open(rules_dir, &dir) != ECCN_OK) {
        rc = ECCN_ENOMEM;
        goto done;
    }
    for (size_t i = 0; rc == ECCN_OK && i < nrule; i++)
        rc = load_act_file(rs, dir, rule_files[i], false, err);
    for (size_t i = 0; rc == ECCN_OK && i < nwhat_if; i++) {
        const char *w = what_if[i];
        size_t l = strlen(w);
        if (l > 5 && strcmp(w + l - 5, ".yaml") == 0) {
            rc = load_act_file(rs, NULL, w, true, err);
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
    ydoc_dir_close(dir);
    free_strv(rule_files, nrule);
    ydoc_free(doc);
    ydoc_free(doc2);
    if (rc != ECCN_OK) {
        eccn_ruleset_free(rs);
        return rc;
    }
    /* Saved only when a later process will find it: every file trusted by its index. */
    char trusted[65];
    if (nwhat_if == 0 && ydoc_cache_enabled() &&
        identify_files(rules_dir, data_dir, trusted) == ECCN_OK &&
        strcmp(trusted, rs->revision) == 0)
        save_image(rs);
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
    rs->vendors = NULL; /* an image never holds them */
    rs->vocab = NULL;
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
    for (size_t i = 0; i < rs->nprovs; i++) {
        const eccn_provision *p = &rs->provs[i];
        eccn_date ds[4] = {p->effective, p->ends, p->not_enforced_from, p->compliance_from};
        for (int k = 0; k < 4; k++)
            if (ds[k] != ECCN_DATE_NONE)
                add_change(ds[k], &c);
    }
    eccn_geo_each_change(rs->geo, add_change, &c);
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
