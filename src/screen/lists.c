/* lists.c: reading the Consolidated Screening List in trade.gov's CSV or JSON layout, and the
 * lists object's storage (see screen.h). JSON goes through jansson: a well-kept Debian library
 * that validates UTF-8 and decodes \u escapes with surrogate pairs, which a hand-written reader
 * would have to get right on its own (docs/screening.md). */
#include "screen_internal.h"

#include "csvr.h"
#include "digest.h"
#include "ydoc.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct scr_block {
    scr_block *next;
    size_t used, cap;
    max_align_t data[];
};

void *scr_alloc(scr_arena *a, size_t n)
{
    n = (n + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
    scr_block *b = a->head;
    if (!b || b->cap - b->used < n) {
        size_t cap = n > (1u << 20) ? n : (1u << 20);
        if (!(b = malloc(sizeof *b + cap)))
            return NULL;
        b->next = a->head;
        b->used = 0;
        b->cap = cap;
        a->head = b;
    }
    void *p = (char *)b->data + b->used;
    b->used += n;
    return p;
}

char *scr_strndup(scr_arena *a, const char *s, size_t n)
{
    char *p = scr_alloc(a, n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

void scr_arena_free(scr_arena *a)
{
    while (a->head) {
        scr_block *next = a->head->next;
        free(a->head);
        a->head = next;
    }
}

static char *dup_trim(scr_arena *a, const char *s, size_t n)
{
    while (n && (*s == ' ' || *s == '\t'))
        s++, n--;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
        n--;
    return scr_strndup(a, s, n);
}

/* The short code in the source column: "Entity List (EL) - Bureau ..." is EL, "Non-SDN Menu-Based
 * Sanctions List (NS-MBS List) - ..." is NS-MBS; a source without parentheses is its own code. */
static void list_code(const char *source, char out[24])
{
    const char *open = strchr(source, '('), *close = open ? strchr(open, ')') : NULL;
    const char *s = close ? open + 1 : source;
    size_t n = close ? (size_t)(close - open - 1) : strlen(source);
    if (n > 5 && memcmp(s + n - 5, " List", 5) == 0)
        n -= 5;
    if (n > 23)
        n = 23;
    memcpy(out, s, n);
    out[n] = '\0';
}

/* The list's code string, shared by its entries (the arena holds one copy per list). */
static const char *intern_list(eccn_screen_lists *l, const char *source)
{
    char code[24];
    list_code(source, code);
    eccn_screen_info *in = &l->info;
    for (size_t i = 0; i < in->nlists; i++)
        if (strcmp(in->lists[i].code, code) == 0) {
            in->lists[i].n++;
            return l->list_codes[i];
        }
    if (in->nlists == ECCN_SCREEN_MAX_LISTS)
        return NULL;
    snprintf(in->lists[in->nlists].code, sizeof in->lists[0].code, "%s", code);
    in->lists[in->nlists].n = 1;
    l->list_codes[in->nlists] = scr_strndup(&l->arena, code, strlen(code));
    return l->list_codes[in->nlists++];
}

/* Aliases separated by "; " (CSV) into an array in the arena. */
static int split_aliases(scr_arena *a, const char *s, const char *const **out, size_t *n)
{
    size_t count = 0, k = 0;
    for (const char *p = s; *p; p++)
        count += *p == ';';
    const char **v = scr_alloc(a, (count + 1) * sizeof *v);
    if (!v)
        return ECCN_ENOMEM;
    while (*s) {
        const char *semi = strchr(s, ';');
        size_t len = semi ? (size_t)(semi - s) : strlen(s);
        char *item = dup_trim(a, s, len);
        if (!item)
            return ECCN_ENOMEM;
        if (*item)
            v[k++] = item;
        s += len + (semi != NULL);
    }
    *out = v;
    *n = k;
    return ECCN_OK;
}

static eccn_screen_entry *new_entry(eccn_screen_lists *l)
{
    eccn_screen_entry *e =
        eccn_grow(l->entries, &l->capentries, l->nentries + 1, sizeof *l->entries, 1024);
    if (!e)
        return NULL;
    l->entries = e;
    e = &l->entries[l->nentries];
    memset(e, 0, sizeof *e);
    return e;
}

/* Fills the entry's list from its source column; the entry counts once it has one. */
static int finish_entry(eccn_screen_lists *l, eccn_screen_entry *e, const char *file,
                        long long line, eccn_error *err)
{
    if (!e->name[0])
        return eccn_fail(err, ECCN_EINPUT, file, (int)line, 0, "entry without a name");
    if (!(e->list = intern_list(l, e->source)))
        return eccn_fail(err, ECCN_EINPUT, file, (int)line, 0,
                         "more than %d different lists in the source column",
                         ECCN_SCREEN_MAX_LISTS);
    e->line = line;
    l->nentries++;
    return ECCN_OK;
}

enum {
    C_NAME,
    C_SOURCE,
    C_NUMBER,
    C_TYPE,
    C_PROGRAMS,
    C_ADDRESSES,
    C_FRN,
    C_LREQ,
    C_LPOL,
    C_ALT,
    C_N
};
/* The columns read, by their names in trade.gov's CSV header and JSON members. */
static const char *const CSV_COLUMNS[C_N] = {
    "name",           "source",    "entity_number",           "type",
    "programs",       "addresses", "federal_register_notice", "license_requirement",
    "license_policy", "alt_names"};

static int parse_csv(eccn_screen_lists *l, const char *name, char *data, size_t len,
                     eccn_error *err)
{
    eccn_csv *c = NULL;
    eccn_csv_record rec;
    int col[C_N], rc = ECCN_OK;
    size_t ncols = 0;
    FILE *f = fmemopen(data, len, "r");
    if (!f)
        return eccn_fail(err, ECCN_ENOMEM, name, 0, 0, "cannot read the file from memory");
    if ((rc = eccn_csv_open_stream(f, name, ',', &c)) != ECCN_OK)
        goto done;
    if ((rc = eccn_csv_next(c, &rec, err)) <= 0) {
        rc = rc < 0 ? rc : eccn_fail(err, ECCN_EINPUT, name, 1, 1, "empty file");
        goto done;
    }
    ncols = rec.nfields;
    for (int k = 0; k < C_N; k++) {
        col[k] = -1;
        for (size_t i = 0; i < rec.nfields; i++)
            if (strcmp(rec.fields[i], CSV_COLUMNS[k]) == 0)
                col[k] = (int)i;
        if (col[k] < 0 && (k == C_NAME || k == C_SOURCE)) {
            rc = eccn_fail(err, ECCN_EINPUT, name, 1, 1,
                           "no column '%s': not trade.gov's consolidated screening list layout",
                           CSV_COLUMNS[k]);
            goto done;
        }
    }
    while ((rc = eccn_csv_next(c, &rec, err)) == 1) {
        if (rec.malformed || rec.nfields != ncols) {
            rc = eccn_fail(err, ECCN_EINPUT, name, (int)rec.line, 0, "%s",
                           rec.malformed ? rec.malformed : "wrong number of fields");
            if (!rec.malformed)
                snprintf(err->msg, sizeof err->msg, "%zu fields where the header has %zu",
                         rec.nfields, ncols);
            goto done;
        }
        eccn_screen_entry *e = new_entry(l);
        const char **dst[C_N] = {
            &e->name,           &e->source,    &e->entity_number,           &e->type,
            &e->programs,       &e->countries, &e->federal_register_notice, &e->license_requirement,
            &e->license_policy, NULL};
        if (!e) {
            rc = ECCN_ENOMEM;
            goto done;
        }
        for (int k = 0; k < C_ALT; k++) {
            const char *v = col[k] >= 0 ? rec.fields[col[k]] : "";
            if (!(*dst[k] = dup_trim(&l->arena, v, col[k] >= 0 ? rec.lens[col[k]] : 0))) {
                rc = ECCN_ENOMEM;
                goto done;
            }
        }
        if ((rc = split_aliases(&l->arena, col[C_ALT] >= 0 ? rec.fields[col[C_ALT]] : "",
                                &e->alt_names, &e->nalt_names)) != ECCN_OK ||
            (rc = finish_entry(l, e, name, rec.line, err)) != ECCN_OK)
            goto done;
    }
done:
    eccn_csv_close(c);
    fclose(f);
    return rc < 0 ? rc : ECCN_OK;
}

/* A JSON value as text: strings as they are, numbers as written, arrays of strings (or of
 * objects with a "country") joined with "; ", null as "". NULL for anything else. */
static char *json_text(scr_arena *a, const json_t *v, const char *member)
{
    char num[32];
    if (!v || json_is_null(v))
        return scr_strndup(a, "", 0);
    if (json_is_string(v))
        return dup_trim(a, json_string_value(v), json_string_length(v));
    if (json_is_integer(v)) {
        snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v));
        return scr_strndup(a, num, strlen(num));
    }
    if (!json_is_array(v))
        return NULL;
    eccn_buf b = {0};
    size_t i;
    json_t *item;
    char *out = NULL;
    json_array_foreach(v, i, item)
    {
        const json_t *s = member && json_is_object(item) ? json_object_get(item, member) : item;
        if (s && json_is_null(s))
            continue;
        if (!s || !json_is_string(s))
            goto done;
        if (json_string_length(s) == 0)
            continue;
        if ((b.len && eccn_buf_puts(&b, "; ") != ECCN_OK) ||
            eccn_buf_append(&b, json_string_value(s), json_string_length(s)) != ECCN_OK)
            goto done;
    }
    out = scr_strndup(a, b.data ? b.data : "", b.len);
done:
    eccn_buf_free(&b);
    return out;
}

static int parse_json(eccn_screen_lists *l, const char *name, const char *data, size_t len,
                      eccn_error *err)
{
    json_error_t jerr;
    json_t *root = json_loadb(data, len, 0, &jerr), *results, *item;
    int rc = ECCN_OK;
    size_t i;
    if (!root)
        return eccn_fail(err, ECCN_EINPUT, name, jerr.line > 0 ? jerr.line : 0,
                         jerr.column > 0 ? jerr.column : 0, "%s", jerr.text);
    results = json_is_object(root) ? json_object_get(root, "results") : root;
    if (!json_is_array(results)) {
        rc = eccn_fail(err, ECCN_EINPUT, name, 1, 1,
                       "expected {\"results\": [...]}, trade.gov's consolidated.json layout");
        goto done;
    }
    json_array_foreach(results, i, item)
    {
        eccn_screen_entry *e = new_entry(l);
        if (!e) {
            rc = ECCN_ENOMEM;
            goto done;
        }
        const char **dst[C_N] = {
            &e->name,           &e->source,    &e->entity_number,           &e->type,
            &e->programs,       &e->countries, &e->federal_register_notice, &e->license_requirement,
            &e->license_policy, NULL};
        if (!json_is_object(item)) {
            rc = eccn_fail(err, ECCN_EINPUT, name, 0, 0, "results[%zu]: expected an object", i);
            goto done;
        }
        for (int k = 0; k < C_ALT; k++) {
            const char *member = k == C_ADDRESSES ? "country" : NULL;
            if (!(*dst[k] = json_text(&l->arena, json_object_get(item, CSV_COLUMNS[k]), member))) {
                rc = eccn_fail(err, ECCN_EINPUT, name, 0, 0,
                               "results[%zu].%s: expected a string or a list of strings", i,
                               CSV_COLUMNS[k]);
                goto done;
            }
        }
        /* A list of aliases is joined and split like the CSV's column: an alias that holds "; "
         * is as rare in one format as in the other. */
        const char *joined = json_text(&l->arena, json_object_get(item, "alt_names"), NULL);
        if (!joined)
            rc = eccn_fail(err, ECCN_EINPUT, name, 0, 0,
                           "results[%zu].alt_names: expected a list of strings", i);
        if (rc == ECCN_OK)
            rc = split_aliases(&l->arena, joined, &e->alt_names, &e->nalt_names);
        if (rc == ECCN_OK && !e->name[0])
            rc = eccn_fail(err, ECCN_EINPUT, name, 0, 0, "results[%zu]: entry without a name", i);
        if (rc == ECCN_OK)
            rc = finish_entry(l, e, name, (long long)i + 1, err);
        if (rc != ECCN_OK)
            goto done;
    }
done:
    json_decref(root);
    return rc;
}

static int cmp_counts(const void *a, const void *b)
{
    const eccn_screen_list_count *x = a, *y = b;
    if (x->n != y->n)
        return x->n < y->n ? 1 : -1;
    return strcmp(x->code, y->code);
}

/* Parses data (NUL-terminated, len bytes) as CSV or JSON into a new lists object. */
static int parse_mem(const char *name, char *data, size_t len, eccn_screen_lists **out,
                     eccn_error *err)
{
    eccn_screen_lists *l = calloc(1, sizeof *l);
    int rc;
    *out = NULL;
    if (!l)
        return ECCN_ENOMEM;
    const char *p = data;
    if ((unsigned char)p[0] == 0xef && (unsigned char)p[1] == 0xbb && (unsigned char)p[2] == 0xbf)
        p += 3;
    while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
        p++;
    bool json = *p == '{' || *p == '[';
    snprintf(l->info.format, sizeof l->info.format, "%s", json ? "json" : "csv");
    snprintf(l->info.file, sizeof l->info.file, "%s", name);
    if ((rc = eccn_sha256_hex(data, len, l->info.revision)) == ECCN_OK)
        rc = json ? parse_json(l, name, data, len, err) : parse_csv(l, name, data, len, err);
    if (rc == ECCN_OK && l->nentries == 0)
        rc = eccn_fail(err, ECCN_EINPUT, name, 0, 0, "no entries");
    if (rc != ECCN_OK) {
        eccn_screen_lists_free(l);
        return rc;
    }
    l->info.entries = l->nentries;
    for (size_t i = 0; i < l->nentries; i++)
        l->info.names += 1 + l->entries[i].nalt_names;
    eccn_sort(l->info.lists, l->info.nlists, sizeof l->info.lists[0], cmp_counts);
    *out = l;
    return ECCN_OK;
}

int eccn_screen_lists_parse_file(const char *path, eccn_screen_lists **out, eccn_error *err)
{
    eccn_buf b = {0};
    int rc = eccn_read_file(path, &b, err);
    if (rc == ECCN_OK)
        rc = parse_mem(path, b.data, b.len, out, err);
    eccn_buf_free(&b);
    return rc;
}

void eccn_screen_lists_free(eccn_screen_lists *l)
{
    if (!l)
        return;
    if (l->have_cfg)
        scr_config_free(&l->cfg);
    free(l->entries);
    free(l->toks);
    free(l->slots);
    free(l->names);
    free(l->name_toks);
    free(l->postings);
    free(l->deletes);
    free(l->acc);
    free(l->touched);
    scr_arena_free(&l->arena);
    free(l);
}

const eccn_screen_info *eccn_screen_lists_info(const eccn_screen_lists *l)
{
    return &l->info;
}

const eccn_screen_entry *eccn_screen_lists_entries(const eccn_screen_lists *l, size_t *n)
{
    *n = l->nentries;
    return l->entries;
}

size_t eccn_screen_lists_count(const eccn_screen_lists *l, const char *code)
{
    for (size_t i = 0; i < l->info.nlists; i++)
        if (strcmp(l->info.lists[i].code, code) == 0)
            return l->info.lists[i].n;
    return 0;
}

void scr_manifest_free(scr_manifest *m)
{
    free(m->file);
    free(m->sha256);
    free(m->date);
    free(m->source);
}

int scr_manifest_read(const char *path, scr_manifest *m, eccn_error *err)
{
    ydoc *doc = NULL;
    memset(m, 0, sizeof *m);
    int rc = ydoc_load_file(path, &doc, err);
    if (rc == ECCN_OK && (!doc->root || doc->root->kind != YN_MAP))
        rc = eccn_fail(err, ECCN_EINPUT, path, 1, 1,
                       "expected a mapping with file, sha256, date and source");
    if (rc == ECCN_OK && (rc = ynode_str(path, doc->root, "file", true, &m->file, err)) == 0 &&
        (rc = ynode_str(path, doc->root, "sha256", true, &m->sha256, err)) == 0 &&
        (rc = ynode_str(path, doc->root, "date", true, &m->date, err)) == 0)
        rc = ynode_str(path, doc->root, "source", true, &m->source, err);
    if (rc == ECCN_OK && (strchr(m->file, '/') || m->file[0] == '.')) {
        const ynode *at = ynode_get(doc->root, "file");
        rc = eccn_fail(err, ECCN_EINPUT, path, at->line, at->col,
                       "file: a name in the same directory, not a path");
    }
    ydoc_free(doc);
    return rc;
}

int eccn_screen_lists_load(const char *data_dir, eccn_screen_lists **out, eccn_error *err)
{
    char path[4096], mpath[4096];
    scr_manifest m;
    eccn_buf b = {0};
    *out = NULL;
    snprintf(mpath, sizeof mpath, "%s/lists/lists.yaml", data_dir);
    int rc = scr_manifest_read(mpath, &m, err);
    if (rc == ECCN_OK) {
        snprintf(path, sizeof path, "%s/lists/%s", data_dir, m.file);
        rc = eccn_read_file(path, &b, err);
    }
    if (rc == ECCN_OK)
        rc = parse_mem(path, b.data, b.len, out, err);
    if (rc == ECCN_OK && strcmp((*out)->info.revision, m.sha256) != 0)
        rc = eccn_fail(err, ECCN_EINPUT, path, 0, 0,
                       "SHA-256 %s, but lists.yaml records %s: the file changed after it was "
                       "installed; install it with `eccn lists import FILE`",
                       (*out)->info.revision, m.sha256);
    if (rc == ECCN_OK) {
        eccn_screen_info *in = &(*out)->info;
        snprintf(in->date, sizeof in->date, "%s", m.date);
        snprintf(in->source, sizeof in->source, "%s", m.source);
        if ((rc = scr_config_load(data_dir, &(*out)->cfg, err)) == ECCN_OK) {
            (*out)->have_cfg = true;
            rc = scr_index_build(*out, err);
        }
    }
    if (rc != ECCN_OK) {
        eccn_screen_lists_free(*out);
        *out = NULL;
    }
    scr_manifest_free(&m);
    eccn_buf_free(&b);
    return rc;
}
