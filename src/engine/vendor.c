/* vendor.c: vendor export-classification tables (see vendor.h, docs/vendors.md). */
#include "vendor.h"

#include "arena.h"
#include "csvr.h"
#include "digest.h"
#include "partno.h"
#include "resolve.h"
#include "ydoc.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct eccn_vendors {
    eccn_vendor_table *tables;
    size_t ntables;
    eccn_vendor_row *rows;
    size_t nrows, cap;
    /* The rows' strings and the parts they resolve to (made on first use): freed at once. */
    eccn_arena arena;
    eccn_pnmap *by_pn, *cat_pn, *cat_stem;
    eccn_pnmap *by_desc; /* rows by description in word form (desc_key), on first use */
    char digest[65];
    double tpp_tolerance;
    char *dir;         /* data/vendors */
    eccn_catalog *cat; /* for linking rows by description, on first use */
    const struct eccn_vocab *vocab;
    bool loaded; /* the tables' rows are read (on first use) */
    int load_rc; /* and how that went */
    eccn_error load_err;
};

void eccn_vendors_free(eccn_vendors *v)
{
    if (!v)
        return;
    for (size_t i = 0; i < v->ntables; i++) {
        eccn_vendor_table *t = &v->tables[i];
        free(t->name), free(t->file), free(t->path), free(t->date), free(t->source);
    }
    eccn_arena_free(&v->arena);
    free(v->tables);
    free(v->rows);
    free(v->dir);
    eccn_pnmap_free(v->by_pn);
    eccn_pnmap_free(v->by_desc);
    eccn_pnmap_free(v->cat_pn);
    eccn_pnmap_free(v->cat_stem);
    free(v);
}

static int col_of(const eccn_csv_record *h, const char *const *names)
{
    for (size_t i = 0; i < h->nfields; i++)
        for (size_t j = 0; names[j]; j++)
            if (eccn_streq_ci(h->fields[i], names[j]))
                return (int)i;
    return -1;
}

static const char *const PN_COLS[] = {"part_number", "part", "pn", NULL};
static const char *const ECCN_COLS[] = {"eccn", NULL};
static const char *const DESC_COLS[] = {"description", NULL};
static const char *const TPP_COLS[] = {"tpp_per_gpu", "tpp", NULL};
static const char *const A1_COLS[] = {"meets_3a090a1", NULL};
static const char *const HTS_COLS[] = {"hts_us", "hts", NULL};

static char *field(eccn_arena *a, const eccn_csv_record *r, int c)
{
    if (c < 0 || (size_t)c >= r->nfields)
        return NULL;
    const char *s = r->fields[c];
    size_t n = r->lens[c];
    while (n && isspace((unsigned char)s[n - 1]))
        n--;
    while (n && isspace((unsigned char)*s))
        s++, n--;
    return eccn_arena_strndup(a, s, n);
}

/* A cell as read ("" when the record has no such column): valid until the next record. */
static const char *cell(const eccn_csv_record *r, int c)
{
    return c >= 0 && (size_t)c < r->nfields ? r->fields[c] : "";
}

static int add_row(eccn_vendors *v, const eccn_csv_record *rec, const int col[6], size_t table)
{
    eccn_vendor_row *g = eccn_grow(v->rows, &v->cap, v->nrows + 1, sizeof *g, 1024);
    if (!g)
        return ECCN_ENOMEM;
    v->rows = g;
    eccn_vendor_row *r = &v->rows[v->nrows];
    memset(r, 0, sizeof *r);
    r->table = (const eccn_vendor_table *)(uintptr_t)table; /* fixed up once tables stop moving */
    r->line = rec->line;
    r->meets_a1 = -1;
    const char *tpp = cell(rec, col[3]), *a1 = cell(rec, col[4]), *hts = cell(rec, col[5]);
    /* HTS heading 8542 is "electronic integrated circuits": the vendor ships the part as an IC. */
    r->is_ic = strncmp(hts, "8542", 4) == 0;
    r->part_number = field(&v->arena, rec, col[0]);
    r->eccn = field(&v->arena, rec, col[1]);
    r->description = col[2] >= 0 ? field(&v->arena, rec, col[2]) : NULL;
    char num[64];
    size_t tn = strlen(tpp);
    while (tn && isspace((unsigned char)tpp[tn - 1]))
        tn--;
    while (tn && isspace((unsigned char)*tpp))
        tpp++, tn--;
    snprintf(num, sizeof num, "%.*s", (int)(tn < sizeof num ? tn : sizeof num - 1), tpp);
    r->has_tpp = tn && tn < sizeof num && eccn_parse_double(num, &r->tpp);
    while (isspace((unsigned char)*a1))
        a1++;
    if (*a1)
        r->meets_a1 = toupper((unsigned char)*a1) == 'Y' ? 1 : 0;
    v->nrows++;
    return r->part_number && r->eccn ? ECCN_OK : ECCN_ENOMEM;
}

typedef struct hashing {
    eccn_digest *d;
    int rc;
} hashing;

static void hash_bytes(const void *p, size_t n, void *ctx)
{
    hashing *h = ctx;
    if (h->rc == ECCN_OK)
        h->rc = eccn_digest_update(h->d, p, n);
}

/* Reads one table's rows, hashing its bytes as they are read (into h); a row without a part
 * number or an ECCN is an error. */
static int load_table(eccn_vendors *v, size_t ti, hashing *h, eccn_error *err)
{
    eccn_vendor_table *t = &v->tables[ti];
    eccn_csv *c = NULL;
    eccn_csv_record rec;
    int col[6] = {-1, -1, -1, -1, -1, -1}, rc = eccn_csv_open(t->path, ',', &c, err), got;
    t->first = v->nrows;
    if (rc != ECCN_OK)
        return rc;
    eccn_csv_on_bytes(c, hash_bytes, h);
    if ((got = eccn_csv_next(c, &rec, err)) <= 0) {
        rc = got < 0 ? got : eccn_fail(err, ECCN_EINPUT, t->path, 1, 1, "empty vendor table");
        goto done;
    }
    col[0] = col_of(&rec, PN_COLS), col[1] = col_of(&rec, ECCN_COLS);
    col[2] = col_of(&rec, DESC_COLS), col[3] = col_of(&rec, TPP_COLS),
    col[4] = col_of(&rec, A1_COLS);
    col[5] = col_of(&rec, HTS_COLS);
    if (col[0] < 0 || col[1] < 0) {
        rc = eccn_fail(err, ECCN_EINPUT, t->path, 1, 1,
                       "a vendor table needs part_number and eccn columns");
        goto done;
    }
    while (rc == ECCN_OK && (got = eccn_csv_next(c, &rec, err)) > 0) {
        if ((size_t)col[0] >= rec.nfields || (size_t)col[1] >= rec.nfields || !rec.lens[col[0]] ||
            !rec.lens[col[1]]) {
            rc = eccn_fail(err, ECCN_EINPUT, t->path, (int)rec.line, 1,
                           "a row needs a part number and an ECCN");
            break;
        }
        rc = add_row(v, &rec, col, ti);
    }
    if (rc == ECCN_OK && got < 0)
        rc = got;
done:
    t->nrows = v->nrows - t->first;
    eccn_csv_close(c);
    return rc == ECCN_OK ? h->rc : rc;
}

static int load_manifest(eccn_vendors *v, const char *dir, const ydoc *doc, eccn_error *err)
{
    const char *file = doc->path;
    const ynode *list = ynode_get(doc->root, "vendors"), *rev = ynode_get(doc->root, "review");
    const ynode *tol = rev ? ynode_get(rev, "tpp_tolerance") : NULL;
    v->tpp_tolerance = -1;
    if (tol && (tol->kind != YN_SCALAR || !eccn_parse_double(tol->str, &v->tpp_tolerance)))
        return eccn_fail(err, ECCN_EINPUT, file, tol->line, tol->col, "expected a number");
    if (!list || list->kind != YN_SEQ)
        return eccn_fail(err, ECCN_EINPUT, file, 1, 1, "expected `vendors:` with a list");
    if (!(v->tables = calloc(list->nkids ? list->nkids : 1, sizeof *v->tables)))
        return ECCN_ENOMEM;
    int rc = ECCN_OK;
    for (size_t i = 0; rc == ECCN_OK && i < list->nkids; i++) {
        const ynode *e = list->kids[i];
        eccn_vendor_table *t = &v->tables[v->ntables++];
        char *sha = NULL;
        if ((rc = ynode_str(file, e, "name", true, &t->name, err)) != ECCN_OK ||
            (rc = ynode_str(file, e, "file", true, &t->file, err)) != ECCN_OK ||
            (rc = ynode_str(file, e, "date", true, &t->date, err)) != ECCN_OK ||
            (rc = ynode_str(file, e, "source", true, &t->source, err)) != ECCN_OK ||
            (rc = ynode_str(file, e, "sha256", true, &sha, err)) != ECCN_OK) {
            free(sha);
            break;
        }
        size_t l = strlen(dir) + strlen(t->file) + 2;
        if (!(t->path = malloc(l)))
            rc = ECCN_ENOMEM;
        else
            snprintf(t->path, l, "%s/%s", dir, t->file);
        if (rc == ECCN_OK && strlen(sha) != 64)
            rc = eccn_fail(err, ECCN_EINPUT, file, e->line, e->col,
                           "%s: sha256 is not 64 hex digits", t->file);
        if (rc == ECCN_OK)
            memcpy(t->sha256, sha, sizeof t->sha256);
        free(sha);
    }
    return rc;
}

/* A description's word form: letters and digits lower-cased, every other run one space. */
static size_t desc_key(const char *s, size_t n, char *out, size_t outsz)
{
    size_t k = 0;
    for (size_t i = 0; i < n && k + 2 < outsz; i++) {
        unsigned char c = (unsigned char)s[i];
        if (isalnum(c))
            out[k++] = (char)tolower(c);
        else if (k && out[k - 1] != ' ')
            out[k++] = ' ';
    }
    while (k && out[k - 1] == ' ')
        k--;
    out[k] = '\0';
    return k;
}

/* Reads every table, refusing one whose bytes are not those the manifest (and so the revision)
 * names, and maps the rows by part number. */
static int load_tables(eccn_vendors *v, eccn_error *err)
{
    int rc = ECCN_OK;
    for (size_t i = 0; rc == ECCN_OK && i < v->ntables; i++) {
        eccn_vendor_table *t = &v->tables[i];
        char got[65];
        hashing h = {eccn_digest_new(), ECCN_OK};
        rc = h.d ? load_table(v, i, &h, err) : ECCN_ENOMEM;
        if (rc == ECCN_OK && (rc = eccn_digest_hex(h.d, got)) == ECCN_OK &&
            strcmp(got, t->sha256) != 0)
            rc = eccn_fail(err, ECCN_EINPUT, t->path, 0, 0,
                           "SHA-256 is %s, data/vendors/vendors.yaml says %s (import the table "
                           "with `eccn vendors import` to replace it)",
                           got, t->sha256);
        eccn_digest_free(h.d);
    }
    if (rc == ECCN_OK)
        rc = eccn_pnmap_reserve(v->by_pn, v->nrows);
    for (size_t i = 0; rc == ECCN_OK && i < v->nrows; i++) {
        eccn_vendor_row *r = &v->rows[i];
        char key[128];
        r->table = &v->tables[(uintptr_t)r->table];
        size_t n = eccn_partno_norm(r->part_number, strlen(r->part_number), key, sizeof key);
        rc = eccn_pnmap_add(v->by_pn, key, n, r);
    }
    return rc;
}

/* The rows by description (desc_key), made on the first lookup by description. */
static int map_descriptions(eccn_vendors *v)
{
    if (v->by_desc)
        return ECCN_OK;
    if (!(v->by_desc = eccn_pnmap_new()) || eccn_pnmap_reserve(v->by_desc, v->nrows) != ECCN_OK)
        return ECCN_ENOMEM;
    for (size_t i = 0; i < v->nrows; i++) {
        const eccn_vendor_row *r = &v->rows[i];
        char dk[256];
        size_t n;
        if (r->description &&
            (n = desc_key(r->description, strlen(r->description), dk, sizeof dk)) != 0 &&
            eccn_pnmap_add(v->by_desc, dk, n, r) != ECCN_OK)
            return ECCN_ENOMEM;
    }
    return ECCN_OK;
}

static int compute_digest(eccn_vendors *v)
{
    eccn_digest *d = eccn_digest_new();
    int rc = d ? ECCN_OK : ECCN_ENOMEM;
    for (size_t i = 0; rc == ECCN_OK && i < v->ntables; i++) {
        const eccn_vendor_table *t = &v->tables[i];
        char line[512];
        int l = snprintf(line, sizeof line, "%s %s %s %s\n", t->name, t->date, t->file, t->sha256);
        rc = eccn_digest_update(d, line, (size_t)l < sizeof line ? (size_t)l : sizeof line - 1);
    }
    if (rc == ECCN_OK)
        rc = eccn_digest_hex(d, v->digest);
    eccn_digest_free(d);
    return rc;
}

int eccn_vendors_load(const char *data_dir, eccn_vendors **out, eccn_error *err)
{
    eccn_vendors *v = calloc(1, sizeof *v);
    ydoc *doc = NULL;
    char dir[4096], path[4200];
    int rc = v ? ECCN_OK : ECCN_ENOMEM;
    *out = NULL;
    snprintf(dir, sizeof dir, "%s/vendors", data_dir);
    snprintf(path, sizeof path, "%s/vendors.yaml", dir);
    if (rc == ECCN_OK && (!(v->by_pn = eccn_pnmap_new()) || !(v->dir = eccn_strdup(dir))))
        rc = ECCN_ENOMEM;
    if (rc != ECCN_OK)
        goto done;
    v->tpp_tolerance = -1;
    FILE *probe = fopen(path, "rb");
    if (!probe)
        goto done; /* no vendor tables: an empty set */
    fclose(probe);
    if ((rc = ydoc_load_file(path, &doc, err)) != ECCN_OK ||
        (rc = load_manifest(v, dir, doc, err)) != ECCN_OK || (rc = compute_digest(v)) != ECCN_OK)
        goto done;
done:
    ydoc_free(doc);
    if (rc != ECCN_OK) {
        eccn_vendors_free(v);
        return rc;
    }
    *out = v;
    return ECCN_OK;
}

const char *eccn_vendors_digest(const eccn_vendors *v)
{
    return v ? v->digest : "";
}
size_t eccn_vendors_ntables(const eccn_vendors *v)
{
    return v ? v->ntables : 0;
}
const eccn_vendor_table *eccn_vendors_table(const eccn_vendors *v, size_t i)
{
    return v && i < v->ntables ? &v->tables[i] : NULL;
}
size_t eccn_vendors_nrows(const eccn_vendors *v)
{
    return v ? v->nrows : 0;
}
const eccn_vendor_row *eccn_vendors_row(const eccn_vendors *v, size_t i)
{
    return v && i < v->nrows ? &v->rows[i] : NULL;
}
double eccn_vendors_tpp_tolerance(const eccn_vendors *v)
{
    return v ? v->tpp_tolerance : -1;
}

/* The catalogue's own part numbers, whole and by stem. */
static int map_catalogue(eccn_vendors *v, const eccn_catalog *cat)
{
    if (!(v->cat_pn = eccn_pnmap_new()) || !(v->cat_stem = eccn_pnmap_new()))
        return ECCN_ENOMEM;
    for (size_t i = 0; i < eccn_catalog_count(cat); i++) {
        const eccn_part *p = eccn_catalog_at(cat, i);
        for (size_t j = 0; j < p->npart_numbers; j++) {
            const char *pn = p->part_numbers[j];
            char key[128];
            size_t n = eccn_partno_norm(pn, strlen(pn), key, sizeof key);
            if (eccn_pnmap_add(v->cat_pn, key, n, p) != ECCN_OK)
                return ECCN_ENOMEM;
            n = eccn_partno_stem(pn, strlen(pn), key, sizeof key);
            if (eccn_pnmap_add(v->cat_stem, key, n, p) != ECCN_OK)
                return ECCN_ENOMEM;
        }
    }
    return ECCN_OK;
}

/* The one catalogue part a map holds under key, or NULL (none, or several). */
static const eccn_part *one_part(const eccn_pnmap *m, const char *key, size_t n)
{
    const void *got[2];
    return eccn_pnmap_get(m, key, n, got, 2) == 1 ? got[0] : NULL;
}

static const eccn_part *catalogued(const eccn_vendors *v, const char *s, size_t n, const char **how)
{
    char key[128];
    size_t k = eccn_partno_norm(s, n, key, sizeof key);
    const eccn_part *p = one_part(v->cat_pn, key, k);
    *how = "part number";
    if (!p && (k = eccn_partno_stem(s, n, key, sizeof key)) != 0) {
        p = one_part(v->cat_stem, key, k);
        *how = "suffix";
    }
    return p;
}

/* A row's own part, for a row the catalogue does not model: the vendor's figures only. */
static int own_part(eccn_arena *a, eccn_part *p, const eccn_vendor_row *r)
{
    size_t l = strlen(r->table->name) + strlen(r->part_number) + 2;
    if (!(p->id = eccn_arena_alloc(a, l)) ||
        !(p->sources = eccn_arena_alloc(a, sizeof *p->sources)))
        return ECCN_ENOMEM;
    snprintf(p->id, l, "%s:%s", r->table->name, r->part_number);
    p->sources[0] = r->table->source;
    p->nsources = 1;
    p->kind = ECCN_PART_IC;
    p->vendor = r->table->name;
    p->model = r->description && *r->description ? r->description : r->part_number;
    /* The vendor says what it is through its ECCN (3A090 is an IC) or its tariff heading (8542,
     * integrated circuits); anything else is taken as a part sold as an assembly. */
    p->form = strncmp(r->eccn, "3A090", 5) == 0 || r->is_ic ? ECCN_FORM_IC : ECCN_FORM_CARD;
    eccn_spec_init(&p->spec);
    if (r->has_tpp)
        eccn_spec_set(&p->spec, ECCN_M_TPP, r->tpp);
    size_t vn = strlen(r->table->name); /* "NVIDIA NVIDIA ..." says it once */
    bool named = strncasecmp(p->model, r->table->name, vn) == 0 && p->model[vn] == ' ';
    snprintf(p->spec.name, sizeof p->spec.name, "%s%s%s", named ? "" : r->table->name,
             named ? "" : " ", p->model);
    p->vrow = r;
    return ECCN_OK;
}

int eccn_vendors_attach(eccn_vendors *v, eccn_catalog *cat, const struct eccn_vocab *vocab,
                        eccn_error *err)
{
    (void)err;
    v->cat = cat;
    v->vocab = vocab;
    return map_catalogue(v, cat);
}

/* The part row i resolves to, made on first use: a view of the catalogue entry it is, or a part of
 * its own. */
static const eccn_part *row_part(eccn_vendors *v, size_t i)
{
    eccn_vendor_row *r = &v->rows[i];
    if (r->part)
        return r->part;
    const char *how = NULL;
    const eccn_part *p = catalogued(v, r->part_number, strlen(r->part_number), &how);
    eccn_error ignored = {0};
    if (!p && r->description &&
        eccn_resolve_description(v->cat, v->vocab, r->description, &p, &ignored) == ECCN_OK)
        how = "description";
    eccn_part *view = eccn_arena_alloc(&v->arena, sizeof *view);
    if (!view)
        return NULL;
    if (p) {
        *view = *p;
        view->vrow = r;
        view->base = p;
        r->link = how;
    } else if (own_part(&v->arena, view, r) != ECCN_OK) {
        return NULL;
    }
    return r->part = view;
}

int eccn_vendors_ready(eccn_vendors *v, eccn_error *err)
{
    if (!v->loaded) {
        v->loaded = true;
        v->load_rc = load_tables(v, &v->load_err);
    }
    if (v->load_rc != ECCN_OK && err)
        *err = v->load_err;
    return v->load_rc;
}

const eccn_part *eccn_vendors_row_part(eccn_vendors *v, size_t i)
{
    return eccn_vendors_ready(v, NULL) == ECCN_OK && i < v->nrows ? row_part(v, i) : NULL;
}

int eccn_vendors_by_partno(eccn_vendors *v, const char *s, size_t n, const eccn_part **out,
                           eccn_error *err)
{
    const char *how;
    char key[128];
    *out = NULL;
    if (!v || !v->cat_pn)
        return ECCN_OK;
    int rc = eccn_vendors_ready(v, err);
    if (rc != ECCN_OK)
        return rc;
    size_t k = eccn_partno_norm(s, n, key, sizeof key);
    const void *got[1];
    /* A vendor row first: it carries the vendor's ECCN for exactly this number. */
    if (eccn_pnmap_get(v->by_pn, key, k, got, 1))
        *out = row_part(v, (size_t)((const eccn_vendor_row *)got[0] - v->rows));
    else
        *out = catalogued(v, s, n, &how);
    return ECCN_OK;
}

/* The rows published under this description; ECCN_EINPUT when they carry different ECCNs. */
static int rows_by_desc(eccn_vendors *v, const char *key, size_t n, const eccn_part **out,
                        eccn_error *err)
{
    const void *got[8];
    size_t all = eccn_pnmap_get(v->by_desc, key, n, got, 8), shown = all < 8 ? all : 8;
    /* Rows that differ only in ECCNs outside 3A090/4A090 give one answer to the question eccn
     * asks (not controlled under them), so they do not make the text ambiguous. */
    bool differ = false, ac = false;
    char tier[16];
    for (size_t i = 0; i < shown; i++) {
        const eccn_vendor_row *r = got[i];
        differ |= strcmp(r->eccn, ((const eccn_vendor_row *)got[0])->eccn) != 0;
        ac |= eccn_vendor_tier(r, true, tier) || eccn_vendor_is_z(r->eccn);
    }
    for (size_t i = 1; differ && ac && i < shown; i++)
        if (strcmp(((const eccn_vendor_row *)got[i])->eccn,
                   ((const eccn_vendor_row *)got[0])->eccn) != 0) {
            char list[512] = "";
            for (size_t j = 0; j < shown; j++) {
                const eccn_vendor_row *r = got[j];
                size_t l = strlen(list);
                snprintf(list + l, sizeof list - l, "%s%s %s", j ? ", " : "", r->part_number,
                         r->eccn);
            }
            return eccn_fail(err, ECCN_EINPUT, NULL, 0, 0,
                             "'%s' is the description of %zu vendor rows with different ECCNs "
                             "(%s%s); the part number decides",
                             key, all, list, all > shown ? ", ..." : "");
        }
    if (all)
        *out = row_part(v, (size_t)((const eccn_vendor_row *)got[0] - v->rows));
    return ECCN_OK;
}

int eccn_vendors_by_description(eccn_vendors *v, const char *s, const eccn_part **out,
                                eccn_error *err)
{
    char key[256];
    size_t n = strlen(s);
    *out = NULL;
    if (!v || !v->cat_pn || n >= 1024)
        return ECCN_OK; /* no tables, or longer than any description */
    int rc = eccn_vendors_ready(v, err);
    if (rc == ECCN_OK && map_descriptions(v) != ECCN_OK)
        rc = ECCN_ENOMEM;
    if (rc != ECCN_OK)
        return rc;
    size_t k = desc_key(s, n, key, sizeof key);
    if ((rc = rows_by_desc(v, key, k, out, err)) != ECCN_OK || *out || n <= 40)
        return rc;
    /* NVIDIA cuts its descriptions at 40 characters: a full description starts with the cut one. */
    k = desc_key(s, 40, key, sizeof key);
    return rows_by_desc(v, key, k, out, err);
}

const eccn_part *eccn_vendors_view_of(eccn_vendors *v, const eccn_part *p)
{
    const eccn_part *view = NULL;
    const char *eccn = NULL;
    if (!v || !p || p->vrow || p->npart_numbers == 0 || eccn_vendors_ready(v, NULL) != ECCN_OK)
        return NULL;
    for (size_t i = 0; i < p->npart_numbers; i++) {
        const void *got[8];
        char key[128];
        size_t k =
            eccn_partno_norm(p->part_numbers[i], strlen(p->part_numbers[i]), key, sizeof key);
        size_t n = eccn_pnmap_get(v->by_pn, key, k, got, 8);
        for (size_t j = 0; j < n && j < 8; j++) {
            const eccn_vendor_row *r = got[j];
            /* Numbers the vendor classifies differently leave the part without one answer. */
            if (eccn && strcmp(eccn, r->eccn) != 0)
                return NULL;
            eccn = r->eccn;
            const eccn_part *rp = row_part(v, (size_t)(r - v->rows));
            if (!view && rp && rp->base == p)
                view = rp;
        }
    }
    return view;
}

bool eccn_vendor_is_z(const char *eccn)
{
    const char *z = strstr(eccn, ".z");
    return z && (z[2] == '\0' || z[2] == '.');
}

bool eccn_vendor_tier(const eccn_vendor_row *row, bool assembly, char out[16])
{
    const char *e = row->eccn;
    char letter = 0;
    out[0] = '\0';
    if ((strncmp(e, "3A090.", 6) == 0 || strncmp(e, "4A090.", 6) == 0) && e[6]) {
        snprintf(out, 16, "%.7s", e);
        return true;
    }
    if (!eccn_vendor_is_z(e))
        return false;
    const char *sub = strstr(e, ".z") + 2;
    if (*sub == '.')
        sub++;
    if (*sub == '1' || *sub == 'a')
        letter = 'a';
    else if (*sub == '2' || *sub == 'b')
        letter = 'b';
    else if (row->meets_a1 == 1)
        letter = 'a';
    if (!letter)
        return false;
    snprintf(out, 16, "%s.%c", assembly ? "4A090" : "3A090", letter);
    return true;
}
