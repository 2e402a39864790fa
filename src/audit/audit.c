/* audit.c: batch audit of inventory CSVs into the ledger (see audit.h). */
#define _GNU_SOURCE /* pthread_setname_np */
#include "audit.h"

#include "csvr.h"
#include "digest.h"
#include "resolve.h"
#include "integrity.h"
#include "eval.h"
#include "jsonw.h"

#include <ctype.h>
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_BATCH 50000

#define LINE_COLUMNS                                                                               \
    "r.key & 4294967295, COALESCE(r.line_id,''), COALESCE(p.text, d.text, ''), "                   \
    "COALESCE(e.destination,''), r.ship_date, COALESCE(e.eccn,''), r.quantity, "                   \
    "COALESCE(r.error, e.reason, '')"
#define X_KEYS_OF_RUN1 ECCN_SQL_RUN_KEYS("x.key", "?1") /* audit diff's first run */
#define LINE_JOINS                                                                                 \
    "audit_results r LEFT JOIN audit_texts p ON p.run_id=?1 AND p.id=r.part_text "                 \
    "LEFT JOIN audit_texts d ON d.run_id=?1 AND d.id=r.desc_text "                                 \
    "LEFT JOIN audit_evals e ON e.run_id=?1 AND e.id=r.eval_id"

/* ---- a string-keyed hash map: each distinct string of a run is looked at once ---- */

typedef struct smap_entry {
    char *key;
    size_t klen;
    uint64_t hash;
    long long value;
    const void *ptr;
    long long aux;
} smap_entry;

typedef struct smap {
    smap_entry *slots;
    size_t cap, n;
} smap;

static void smap_free(smap *m)
{
    for (size_t i = 0; i < m->cap; i++)
        free(m->slots[i].key);
    free(m->slots);
    memset(m, 0, sizeof *m);
}

static smap_entry *smap_find(smap *m, const void *key, size_t klen, uint64_t h)
{
    if (!m->cap)
        return NULL;
    for (size_t i = h & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
        smap_entry *e = &m->slots[i];
        if (!e->key)
            return NULL;
        if (e->hash == h && e->klen == klen && memcmp(e->key, key, klen) == 0)
            return e;
    }
}

static int smap_grow(smap *m)
{
    size_t cap = m->cap ? m->cap * 2 : 256;
    smap_entry *slots = calloc(cap, sizeof *slots);
    if (!slots)
        return ECCN_ENOMEM;
    for (size_t i = 0; i < m->cap; i++) {
        smap_entry *e = &m->slots[i];
        if (!e->key)
            continue;
        size_t j = e->hash & (cap - 1);
        while (slots[j].key)
            j = (j + 1) & (cap - 1);
        slots[j] = *e;
    }
    free(m->slots);
    m->slots = slots;
    m->cap = cap;
    return ECCN_OK;
}

static smap_entry *smap_put(smap *m, const void *key, size_t klen, uint64_t h);

/* The entry for key, added (value 0, ptr NULL, *added true) when absent; NULL when out of memory.
 */
static smap_entry *smap_get(smap *m, const void *key, size_t klen, bool *added)
{
    uint64_t h = eccn_hash64(key, klen);
    smap_entry *e = smap_find(m, key, klen, h);
    *added = !e;
    return e ? e : smap_put(m, key, klen, h);
}

static smap_entry *smap_put(smap *m, const void *key, size_t klen, uint64_t h)
{
    if ((m->n + 1) * 2 > m->cap && smap_grow(m) != ECCN_OK)
        return NULL;
    size_t i = h & (m->cap - 1);
    while (m->slots[i].key)
        i = (i + 1) & (m->cap - 1);
    smap_entry *e = &m->slots[i];
    if (!(e->key = eccn_strndup(key, klen)))
        return NULL;
    e->klen = klen;
    e->hash = h;
    m->n++;
    return e;
}

/* ---- rows to insert, deferred ----
 *
 * The audit runs as a two-stage pipeline: a worker thread reads the CSV, resolves and evaluates
 * each line and writes the rows it wants inserted into a batch; the calling thread, which alone
 * touches SQLite, binds and inserts each batch and commits it with the resume position. The two
 * halves cost about the same, so on two cores a run takes about half as long. */

enum { STMT_RESULT, STMT_EVAL, STMT_TEXT, STMT_RESULTS, STMT_MAXKEY, NSTMTS };

/* Results go in RESULTS_PER_INSERT rows to a statement: one statement keeps its b-tree cursor
 * at the end of the table between rows, where a statement per row seeks from the root for
 * each and pays a step and reset. Measured: the inserting thread about twice as fast. */
#define RESULTS_PER_INSERT 64
#define RESULT_COLUMNS 9

typedef struct cell {
    enum { CELL_NULL, CELL_INT, CELL_REAL, CELL_TEXT } type;
    uint32_t len; /* CELL_TEXT: length */
    union {
        long long i;
        double d;
        size_t off; /* CELL_TEXT: where in the batch's text */
    } v;
} cell;

typedef struct row {
    int stmt;
    size_t first, n; /* cells */
} row;

typedef struct batch {
    row *rows;
    size_t nrows, rows_cap;
    cell *cells;
    size_t ncells, cells_cap;
    eccn_buf text;
    /* the position after the batch's last line, saved with it for --resume, and the counts */
    long long records, offset, next_line, results, errors;
    long long out_end; /* --out's size after the batch's lines, or -1 when it has none */
    bool last;         /* the input ended with this batch */
    bool commit;       /* a transaction ends with this batch */
    int rc;            /* not ECCN_OK: the worker failed in this batch, which must not commit */
    eccn_error err;    /* with rc */
} batch;

static void batch_clear(batch *b)
{
    b->nrows = b->ncells = 0;
    eccn_buf_reset(&b->text);
    b->last = b->commit = false;
    b->rc = ECCN_OK;
}

static void batch_free(batch *b)
{
    free(b->rows);
    free(b->cells);
    eccn_buf_free(&b->text);
}

static int row_begin(batch *b, int stmt)
{
    row *g = eccn_grow(b->rows, &b->rows_cap, b->nrows + 1, sizeof *g, 1024);
    if (!g)
        return ECCN_ENOMEM;
    b->rows = g;
    b->rows[b->nrows++] = (row){.stmt = stmt, .first = b->ncells};
    return ECCN_OK;
}

static cell *row_cell(batch *b)
{
    cell *g = eccn_grow(b->cells, &b->cells_cap, b->ncells + 1, sizeof *g, 8192);
    if (!g)
        return NULL;
    b->cells = g;
    b->rows[b->nrows - 1].n++;
    cell *c = &b->cells[b->ncells++];
    c->type = CELL_NULL;
    return c;
}

static int cell_null(batch *b)
{
    return row_cell(b) ? ECCN_OK : ECCN_ENOMEM;
}

static int cell_int(batch *b, long long v)
{
    cell *c = row_cell(b);
    if (!c)
        return ECCN_ENOMEM;
    c->type = CELL_INT;
    c->v.i = v;
    return ECCN_OK;
}

static int cell_real(batch *b, double v)
{
    cell *c = row_cell(b);
    if (!c)
        return ECCN_ENOMEM;
    c->type = CELL_REAL;
    c->v.d = v;
    return ECCN_OK;
}

/* NULL text is SQL NULL. */
static int cell_text(batch *b, const char *s, size_t n)
{
    cell *c = row_cell(b);
    if (!c)
        return ECCN_ENOMEM;
    if (!s)
        return ECCN_OK;
    if (n > INT32_MAX)
        return ECCN_ENOMEM;
    c->type = CELL_TEXT;
    c->v.off = b->text.len;
    c->len = (uint32_t)n;
    return eccn_buf_append(&b->text, s, n);
}

static int cell_str(batch *b, const char *s)
{
    return cell_text(b, s, s ? strlen(s) : 0);
}

static void bind_cells(sqlite3_stmt *st, int first_col, const batch *b, const row *rw)
{
    for (size_t k = 0; k < rw->n; k++) {
        const cell *c = &b->cells[rw->first + k];
        int col = first_col + (int)k;
        switch (c->type) {
        case CELL_NULL:
            sqlite3_bind_null(st, col);
            break;
        case CELL_INT:
            sqlite3_bind_int64(st, col, c->v.i);
            break;
        case CELL_REAL:
            sqlite3_bind_double(st, col, c->v.d);
            break;
        case CELL_TEXT:
            sqlite3_bind_text(st, col, b->text.data + c->v.off, (int)c->len, SQLITE_STATIC);
            break;
        }
    }
}

static int step_reset(eccn_ledger *l, sqlite3_stmt *st, const char *what, eccn_error *err)
{
    int step = sqlite3_step(st);
    sqlite3_reset(st);
    return step == SQLITE_DONE ? ECCN_OK : eccn_ledger_fail(l, what, err);
}

static long long max_key(sqlite3_stmt *st)
{
    long long k = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    sqlite3_reset(st);
    return k;
}

/* The hash chain (chain.h) of the run's three tables, kept by the inserting thread: it hashes
 * each row just before binding it, in each table's insertion order, which is the order ledger
 * verify walks them in. (Hashing here rather than on the reading thread balances the two.) */
typedef struct chain_state {
    unsigned char head[NSTMTS][ECCN_HASH_LEN]; /* each table's last hash in this run */
    /* the hashes bound to the statement being filled: bound in place (SQLITE_STATIC), since
     * copying each costs SQLite an allocation per row */
    unsigned char bound[RESULTS_PER_INSERT][ECCN_HASH_LEN];
    eccn_chain_enc enc;
} chain_state;

/* Hashes row rw onto its table's chain and binds the hash, kept in bound[slot], at col. */
static int seal(chain_state *cs, sqlite3_stmt *st, int col, size_t slot, const batch *b,
                const row *rw)
{
    unsigned char *head = cs->head[rw->stmt];
    eccn_chain_start(&cs->enc, head);
    for (size_t k = 0; k < rw->n; k++) {
        const cell *c = &b->cells[rw->first + k];
        switch (c->type) {
        case CELL_INT:
            eccn_chain_int(&cs->enc, c->v.i);
            break;
        case CELL_REAL:
            eccn_chain_real(&cs->enc, c->v.d);
            break;
        case CELL_TEXT:
            eccn_chain_text(&cs->enc, b->text.data + c->v.off, c->len);
            break;
        default:
            eccn_chain_null(&cs->enc);
        }
    }
    int rc = eccn_chain_finish(&cs->enc, head);
    if (rc == ECCN_OK) {
        memcpy(cs->bound[slot], head, ECCN_HASH_LEN);
        sqlite3_bind_blob(st, col, cs->bound[slot], ECCN_HASH_LEN, SQLITE_STATIC);
    }
    return rc;
}

/* Inserts every row of b, the caller commits. The texts and evaluations a batch's results refer
 * to go first (no constraint needs it, a reader of the committed batch does), then the results
 * in groups.
 *
 * A result whose key is one more than the largest in the table is inserted with a NULL key:
 * SQLite then appends it as max + 1, the same key, without the root-to-leaf search an explicit
 * key costs (a tenth of an audit's time). The writer lock is held (BEGIN IMMEDIATE), so nothing
 * else can insert in between, and the table's largest key is checked after the batch. */
static int batch_insert(eccn_ledger *l, sqlite3_stmt *const stmts[NSTMTS], chain_state *cs,
                        const batch *b, eccn_error *err)
{
    static const char *const what = "cannot record an audit result";
    int rc = ECCN_OK;
    size_t nresults = 0;
    for (size_t i = 0; rc == ECCN_OK && i < b->nrows; i++) {
        const row *rw = &b->rows[i];
        if (rw->stmt == STMT_RESULT) {
            nresults++;
            continue;
        }
        bind_cells(stmts[rw->stmt], 1, b, rw);
        if ((rc = seal(cs, stmts[rw->stmt], 1 + (int)rw->n, 0, b, rw)) != ECCN_OK)
            break;
        rc = step_reset(
            l, stmts[rw->stmt],
            rw->stmt == STMT_EVAL ? "cannot record an evaluation" : "cannot record a text", err);
    }
    long long top = rc == ECCN_OK ? max_key(stmts[STMT_MAXKEY]) : 0;
    size_t in_group = 0, left = nresults;
    for (size_t i = 0; rc == ECCN_OK && i < b->nrows; i++) {
        const row *rw = &b->rows[i];
        if (rw->stmt != STMT_RESULT)
            continue;
        long long key = b->cells[rw->first].v.i;
        bool append = key == top + 1;
        top = key > top ? key : top;
        sqlite3_stmt *st;
        int col;
        if (left >= RESULTS_PER_INSERT || in_group) {
            st = stmts[STMT_RESULTS];
            col = 1 + (int)in_group * RESULT_COLUMNS;
        } else {
            st = stmts[STMT_RESULT];
            col = 1;
        }
        bind_cells(st, col, b, rw);
        if ((rc = seal(cs, st, col + (int)rw->n, st == stmts[STMT_RESULT] ? 0 : in_group, b, rw)) !=
            ECCN_OK)
            break;
        if (append)
            sqlite3_bind_null(st, col);
        if (st == stmts[STMT_RESULT]) {
            rc = step_reset(l, st, what, err);
            left--;
        } else if (++in_group == RESULTS_PER_INSERT) {
            rc = step_reset(l, st, what, err);
            in_group = 0;
            left -= RESULTS_PER_INSERT;
        }
    }
    if (rc == ECCN_OK && nresults && max_key(stmts[STMT_MAXKEY]) != top)
        rc = eccn_fail(err, ECCN_EDB, eccn_ledger_path(l), 0, 0,
                       "audit results were not recorded under the keys expected; batch undone");
    return rc;
}

/* ---- the run ---- */

typedef struct eval_info {
    eccn_verdict verdict;
    char eccn[32], destination[8];
    char *reason; /* as recorded in audit_evals.reason (owned), or NULL */
    long long lines, quantity;
} eval_info;

typedef struct run {
    eccn_ruleset *rs;
    eccn_ledger *l;
    const eccn_audit_opts *o;
    eccn_audit_summary *s;
    sqlite3 *db;
    sqlite3_stmt *stmts[NSTMTS], *upd_run;
    batch *out; /* where the worker puts the rows of the current batch */
    /* the inserting thread's, in its own cache lines: run's other fields are written by the
     * reading thread, and sharing a line with them cost a tenth of the inserting thread's time */
    chain_state *chain;
    long long run_id;
    int col[ECCN_F_COUNT]; /* column index of each field, -1 when absent */
    size_t ncols;
    char **part_errors;
    size_t npart_errors;
    smap countries; /* raw text -> code (ptr), NULL when unknown */
    /* raw text -> its audit_texts id (value), and, once asked, the part it resolves to (ptr,
     * aux -1) or why not (aux = index in part_errors + 1) */
    smap texts;
    smap evals; /* "part|dest|hq|date" -> eval id */
    /* The texts of a good line's part, description, destination and headquarters, together ->
     * what they resolved to (value: index in sigv + 1). */
    smap sigs;
    struct line_sig *sigv;
    size_t nsigs, sigs_cap;
    /* In front of evals, for lines with a sig: each distinct (part, destination, headquarters)
     * is a place (triples: its key -> place number, from 1), and eval_at[(place - 1) * nepochs
     * + epoch] is the eval id, 0 until asked. An array index instead of a hash lookup whose key
     * lies elsewhere in memory: the second lookup of every line, about a twentieth of an audit's
     * CPU (perf). */
    smap triples;
    uint32_t *eval_at;
    size_t eval_at_cap, nepochs;
    eval_info *info;
    size_t ninfo, info_cap;
    long long next_text, next_eval;
    eccn_date default_date;
    const char *default_to;
    eccn_digest *digest;
    /* --out's size when the last transaction committed, or -1 when it cannot be truncated (a
     * pipe): on failure the file is cut back to it, so that it holds what the ledger holds. */
    long long out_committed;
} run;

static void digest_bytes(const void *p, size_t n, void *ctx)
{
    eccn_digest_update(ctx, p, n);
}

static const struct {
    int field;
    const char *names[8];
} ALIASES[] = {
    {ECCN_F_PART, {"sku", "part", "part_number", "pn", "material", "item", NULL}},
    {ECCN_F_DESCRIPTION, {"description", "desc", "item_description", NULL}},
    {ECCN_F_QUANTITY, {"qty", "quantity", NULL}},
    {ECCN_F_DESTINATION, {"destination", "dest", "country", "ship_to_country", "ship_to", NULL}},
    {ECCN_F_DATE, {"ship_date", "date", NULL}},
    {ECCN_F_CONSIGNEE, {"consignee", "customer", "end_user", NULL}},
    {ECCN_F_HQ, {"hq", "hq_country", "parent_country", NULL}},
    {ECCN_F_LINE_ID, {"line", "line_id", "order_line", NULL}},
};
static const char *const FIELD_NAMES[ECCN_F_COUNT] = {
    "part", "description", "quantity", "destination", "date", "consignee", "hq", "line_id"};

bool eccn_audit_field_known(const char *name)
{
    for (int f = 0; f < ECCN_F_COUNT; f++)
        if (strcmp(name, FIELD_NAMES[f]) == 0)
            return true;
    return strcmp(name, "ship_date") == 0;
}

static void norm_header(const char *in, char *out, size_t outsz)
{
    size_t j = 0;
    while (*in && isspace((unsigned char)*in))
        in++;
    for (; *in && j + 1 < outsz; in++)
        out[j++] = (*in == ' ' || *in == '-') ? '_' : (char)tolower((unsigned char)*in);
    while (j > 0 && out[j - 1] == '_')
        j--;
    out[j] = '\0';
}

static int map_columns(run *r, const eccn_csv_record *h, eccn_error *err)
{
    const char *file = r->o->path;
    for (int f = 0; f < ECCN_F_COUNT; f++)
        r->col[f] = -1;
    r->ncols = h->nfields;
    for (size_t i = 0; i < h->nfields; i++) {
        char name[128];
        norm_header(h->fields[i], name, sizeof name);
        for (size_t m = 0; m < r->o->nmaps; m++) {
            const char *eq = strchr(r->o->maps[m], '=');
            char col[128];
            snprintf(col, sizeof col, "%.*s", (int)(eq - r->o->maps[m]), r->o->maps[m]);
            norm_header(col, col, sizeof col);
            if (strcmp(col, name) != 0)
                continue;
            for (int f = 0; f < ECCN_F_COUNT; f++)
                if (strcmp(eq + 1, FIELD_NAMES[f]) == 0 ||
                    (f == ECCN_F_DATE && strcmp(eq + 1, "ship_date") == 0))
                    r->col[f] = (int)i;
        }
    }
    for (size_t i = 0; i < h->nfields; i++) {
        char name[128];
        norm_header(h->fields[i], name, sizeof name);
        for (size_t a = 0; a < sizeof ALIASES / sizeof *ALIASES; a++)
            for (int k = 0; ALIASES[a].names[k]; k++)
                if (strcmp(name, ALIASES[a].names[k]) == 0 && r->col[ALIASES[a].field] < 0)
                    r->col[ALIASES[a].field] = (int)i;
    }
    if (r->col[ECCN_F_PART] < 0 && r->col[ECCN_F_DESCRIPTION] < 0)
        return eccn_fail(err, ECCN_EINPUT, file, (int)h->line, 1,
                         "no part or description column (expected a header such as sku, part, "
                         "part_number, pn or description, or --map COLUMN=part)");
    if (r->col[ECCN_F_DESTINATION] < 0 && !r->o->default_to)
        return eccn_fail(err, ECCN_EINPUT, file, (int)h->line, 1,
                         "no destination column (destination, dest, country, ship_to_country, "
                         "ship_to) and no --to");
    if (r->col[ECCN_F_DATE] < 0 && !r->o->default_date)
        return eccn_fail(err, ECCN_EINPUT, file, (int)h->line, 1,
                         "no ship date column (ship_date, date) and no --date");
    return ECCN_OK;
}

static const char *field(const run *r, const eccn_csv_record *rec, int f, size_t *len)
{
    int c = r->col[f];
    if (c < 0 || (size_t)c >= rec->nfields) {
        *len = 0;
        return NULL;
    }
    /* Trim surrounding blanks: inventory exports pad cells. Blank is what isspace() says in
     * the C locale, which eccn runs in, without its call per byte. */
    const char *s = rec->fields[c];
    size_t n = rec->lens[c];
    while (n && (*s == ' ' || (*s >= '\t' && *s <= '\r')))
        s++, n--;
    while (n && (s[n - 1] == ' ' || (s[n - 1] >= '\t' && s[n - 1] <= '\r')))
        n--;
    *len = n;
    return s;
}

/* The entry of a raw part or description text: interned (a row of audit_texts) when first
 * seen. One lookup serves both the text's id and its part resolution. */
static int text_entry(run *r, const char *s, size_t n, smap_entry **out)
{
    bool added;
    smap_entry *e = smap_get(&r->texts, s, n, &added);
    int rc = ECCN_OK;
    *out = e;
    if (!e)
        return ECCN_ENOMEM;
    if (added && r->out) { /* no batch: a scan that records nothing */
        e->value = ++r->next_text;
        if ((rc = row_begin(r->out, STMT_TEXT)) == ECCN_OK &&
            (rc = cell_int(r->out, r->run_id)) == ECCN_OK &&
            (rc = cell_int(r->out, e->value)) == ECCN_OK)
            rc = cell_text(r->out, s, n);
    }
    return rc;
}

/* Resolves a text to a part once per run; NULL with *why set when it does not resolve. */
static const eccn_part *resolve_part(run *r, smap_entry *e, const char **why)
{
    if (!e->aux) {
        const eccn_part *p = NULL;
        eccn_error err = {0};
        e->aux = -1;
        /* The entry's key is a NUL-terminated copy: resolve from it. */
        if (eccn_resolve(r->rs, e->key, &p, &err) == ECCN_OK) {
            e->ptr = p;
        } else {
            char **g = realloc(r->part_errors, (r->npart_errors + 1) * sizeof *g);
            if (g) {
                r->part_errors = g;
                g[r->npart_errors] = eccn_strdup(err.msg);
                e->aux = (long long)++r->npart_errors;
            }
        }
    }
    if (!e->ptr)
        *why =
            e->aux > 0 && r->part_errors[e->aux - 1] ? r->part_errors[e->aux - 1] : "unknown part";
    return e->ptr;
}

static const char *resolve_country(run *r, const char *s, size_t n)
{
    bool added;
    smap_entry *e = smap_get(&r->countries, s, n, &added);
    if (e && added)
        e->ptr = eccn_geo_resolve(r->rs->geo, e->key);
    return e ? e->ptr : NULL;
}

/* A new, zeroed slot for evaluation number ninfo + 1; NULL when out of memory. */
static eval_info *push_info(run *r)
{
    eval_info *g = eccn_grow(r->info, &r->info_cap, r->ninfo + 1, sizeof *g, 256);
    if (!g)
        return NULL;
    r->info = g;
    eval_info *in = &r->info[r->ninfo++];
    memset(in, 0, sizeof *in);
    return in;
}

static int new_eval(run *r, const eccn_part *part, const char *dest, const char *hq, eccn_date date,
                    long long *id, eccn_error *err)
{
    eccn_query q = {.part = part,
                    .spec = part->spec,
                    .date = date,
                    .destination = dest,
                    .headquarters = hq,
                    .quantity = 1,
                    .no_trace = true};
    eccn_result res;
    eccn_buf provs = {0}, excs = {0};
    char d[11];
    int rc = eccn_evaluate(r->rs, &q, &res, err);
    if (rc != ECCN_OK)
        return rc;
    eval_info *in = push_info(r);
    const char *reason = NULL;
    batch *b = r->out;
    rc = ECCN_ENOMEM;
    if (!in)
        goto done;
    *id = ++r->next_eval;
    in->verdict = res.verdict;
    snprintf(in->eccn, sizeof in->eccn, "%s", res.eccn);
    snprintf(in->destination, sizeof in->destination, "%s", dest);
    /* A provisions list lost to a failed allocation must not be recorded as an empty one. */
    if (eccn_result_provisions_json(&res, &provs) != ECCN_OK || !provs.data ||
        eccn_result_exceptions_json(&res, &excs, true) != ECCN_OK || !excs.data)
        goto done;
    eccn_date_format(date, d);
    if (res.status == ECCN_ST_INDETERMINATE)
        reason = res.class_note;
    else if (res.verdict == ECCN_V_INDETERMINATE && res.ndeciding)
        reason = res.deciding[0]->title;
    if (reason && !(in->reason = eccn_strdup(reason)))
        goto done;
    if ((rc = row_begin(b, STMT_EVAL)) == ECCN_OK && (rc = cell_int(b, r->run_id)) == ECCN_OK &&
        (rc = cell_int(b, *id)) == ECCN_OK && (rc = cell_str(b, part->id)) == ECCN_OK &&
        (rc = cell_str(b, dest)) == ECCN_OK && (rc = cell_str(b, hq ? hq : dest)) == ECCN_OK &&
        (rc = cell_str(b, d)) == ECCN_OK &&
        (rc = cell_str(b, eccn_status_word(res.status))) == ECCN_OK &&
        (rc = cell_str(b, res.eccn[0] ? res.eccn : NULL)) == ECCN_OK &&
        (rc = cell_str(b, eccn_verdict_word(in->verdict))) == ECCN_OK &&
        (rc = cell_str(b, res.review_policy)) == ECCN_OK &&
        (rc = cell_text(b, excs.data, excs.len)) == ECCN_OK &&
        (rc = cell_text(b, provs.data, provs.len)) == ECCN_OK &&
        (rc = cell_str(b, reason)) == ECCN_OK) {
        const eccn_metric m[2] = {ECCN_M_TPP, ECCN_M_PD};
        for (int i = 0; rc == ECCN_OK && i < 2; i++)
            rc = eccn_spec_has(&res.metrics, m[i]) ? cell_real(b, res.metrics.v[m[i]])
                                                   : cell_null(b);
        if (rc == ECCN_OK)
            rc = cell_str(b, hq);
    }
done:
    eccn_buf_free(&provs);
    eccn_buf_free(&excs);
    eccn_result_free(&res);
    return rc;
}

static void copy_line(eccn_audit_line *a, long long line, const char *id, size_t idn,
                      const char *part, size_t pn, const char *dest, eccn_date date,
                      const char *eccn, long long qty)
{
    memset(a, 0, sizeof *a);
    a->line = line;
    snprintf(a->line_id, sizeof a->line_id, "%.*s", (int)idn, id ? id : "");
    snprintf(a->part, sizeof a->part, "%.*s", (int)pn, part ? part : "");
    snprintf(a->destination, sizeof a->destination, "%s", dest ? dest : "");
    if (date != ECCN_DATE_NONE)
        eccn_date_format(date, a->date);
    snprintf(a->eccn, sizeof a->eccn, "%s", eccn ? eccn : "");
    a->quantity = qty;
}

/* Judges one line; returns ECCN_OK with either an evaluation or a recorded error. */
/* A line's fields, resolved and checked: why is set when the line cannot be judged. */
typedef struct line_in {
    const char *ptext, *dtext, *idtext;
    size_t pn, dn, idn;
    long long ptext_id, dtext_id; /* rows of audit_texts, 0 for an empty field */
    const eccn_part *part;
    const char *dest, *hq;
    uint32_t place; /* run.triples' index + 1 of part, dest, hq; 0 when not known */
    eccn_date date;
    int ymd; /* date as the ledger stores it, YYYYMMDD */
    long long qty;
    const char *why;
    char whybuf[400];
} line_in;

/* What a good line's four texts resolved to, so that the few hundred combinations an inventory
 * repeats cost one lookup a line instead of four (two texts, two countries): about a quarter of
 * the reading thread's time went to those lookups. */
typedef struct line_sig {
    long long ptext_id, dtext_id;
    const eccn_part *part;
    const char *dest, *hq;
    uint32_t place;
} line_sig;

/* The place (see run.triples) of a resolved part, destination and headquarters: 0 when out of
 * memory or past UINT32_MAX places, and the lines of that combination then take the evals lookup
 * alone. */
static uint32_t place_of(run *r, const eccn_part *part, const char *dest, const char *hq)
{
    const void *key[3] = {part, dest, hq};
    bool added;
    smap_entry *e = smap_get(&r->triples, key, sizeof key, &added);
    if (!e)
        return 0;
    if (added) {
        size_t n = r->triples.n, need = n * r->nepochs;
        uint32_t *g = n < UINT32_MAX
                          ? eccn_grow(r->eval_at, &r->eval_at_cap, need, sizeof *g, 64 * r->nepochs)
                          : NULL;
        if (!g)
            return 0; /* e->value stays 0 */
        memset(g + need - r->nepochs, 0, r->nepochs * sizeof *g);
        r->eval_at = g;
        e->value = (long long)n;
    }
    return (uint32_t)e->value;
}

/* The combination's key: each text with its length before it, so no text can run into another. */
static size_t sig_key(char *key, size_t cap, const char *const t[4], const size_t n[4])
{
    size_t len = 0;
    for (int i = 0; i < 4; i++) {
        uint32_t n32 = (uint32_t)n[i];
        if (n[i] > cap || len + sizeof n32 + n[i] > cap)
            return 0;
        memcpy(key + len, &n32, sizeof n32);
        if (n[i])
            memcpy(key + len + sizeof n32, t[i], n[i]);
        len += sizeof n32 + n[i];
    }
    return len;
}

/* Resolves the part (by number, else description) and the places of a line with no error yet. */
static int resolve_texts(run *r, line_in *in, const char *totext, size_t tn, const char *hqtext,
                         size_t hn, const char **why)
{
    char *whybuf = in->whybuf;
    const size_t wsz = sizeof in->whybuf;
    smap_entry *pe = NULL, *de = NULL;
    int rc;
    if ((in->pn && (rc = text_entry(r, in->ptext, in->pn, &pe)) != ECCN_OK) ||
        (in->dn && (rc = text_entry(r, in->dtext, in->dn, &de)) != ECCN_OK))
        return rc;
    in->ptext_id = pe ? pe->value : 0;
    in->dtext_id = de ? de->value : 0;
    if (*why)
        return ECCN_OK;
    const char *pwhy = NULL, *dwhy = NULL;
    if (pe)
        in->part = resolve_part(r, pe, &pwhy);
    if (!in->part && de)
        in->part = resolve_part(r, de, &dwhy);
    if (!pwhy)
        pwhy = dwhy;
    if (!in->part) {
        snprintf(whybuf, wsz, "%s", in->pn || in->dn ? pwhy : "no part number or description");
        *why = whybuf;
        return ECCN_OK;
    }
    if (tn)
        in->dest = resolve_country(r, totext, tn);
    else if (r->default_to)
        in->dest = r->default_to;
    if (!in->dest) {
        snprintf(whybuf, wsz,
                 tn ? "unknown destination country '%.*s'" : "no destination (and no --to)%.*s",
                 (int)(tn > 60 ? 60 : tn), tn ? totext : "");
        *why = whybuf;
        return ECCN_OK;
    }
    if (hn && !(in->hq = resolve_country(r, hqtext, hn))) {
        snprintf(whybuf, wsz, "unknown headquarters country '%.*s'", (int)(hn > 60 ? 60 : hn),
                 hqtext);
        *why = whybuf;
    }
    return ECCN_OK;
}

static int read_line(run *r, const eccn_csv_record *rec, line_in *in)
{
    size_t qn, tn, datn, hn;
    const char *qtext = field(r, rec, ECCN_F_QUANTITY, &qn);
    const char *totext = field(r, rec, ECCN_F_DESTINATION, &tn);
    const char *datetext = field(r, rec, ECCN_F_DATE, &datn);
    const char *hqtext = field(r, rec, ECCN_F_HQ, &hn);
    char *whybuf = in->whybuf;
    const size_t wsz = sizeof in->whybuf;
    const char *why = NULL;
    int rc;
    memset(in, 0, offsetof(line_in, whybuf));
    in->ptext = field(r, rec, ECCN_F_PART, &in->pn);
    in->dtext = field(r, rec, ECCN_F_DESCRIPTION, &in->dn);
    in->idtext = field(r, rec, ECCN_F_LINE_ID, &in->idn);
    in->date = ECCN_DATE_NONE;
    in->qty = 1;
    if (rec->malformed)
        why = rec->malformed;
    else if (rec->nfields != r->ncols) {
        snprintf(whybuf, wsz, "expected %zu fields as in the header, found %zu", r->ncols,
                 rec->nfields);
        why = whybuf;
    }
    const char *texts[4] = {in->ptext, in->dtext, totext, hqtext};
    const size_t lens[4] = {in->pn, in->dn, tn, hn};
    char key[512];
    size_t klen = why ? 0 : sig_key(key, sizeof key, texts, lens);
    bool added;
    smap_entry *e = klen ? smap_get(&r->sigs, key, klen, &added) : NULL;
    if (klen && !e)
        return ECCN_ENOMEM;
    if (e && e->value > 0) {
        const line_sig *g = &r->sigv[e->value - 1];
        in->ptext_id = g->ptext_id;
        in->dtext_id = g->dtext_id;
        in->part = g->part;
        in->dest = g->dest;
        in->hq = g->hq;
        in->place = g->place;
    } else {
        if ((rc = resolve_texts(r, in, totext, tn, hqtext, hn, &why)) != ECCN_OK)
            return rc;
        /* Only a good combination is kept; a bad one's entry keeps value 0 and is asked again. */
        if (e && !why) {
            line_sig *g = eccn_grow(r->sigv, &r->sigs_cap, r->nsigs + 1, sizeof *g, 64);
            if (!g)
                return ECCN_ENOMEM;
            r->sigv = g;
            in->place = place_of(r, in->part, in->dest, in->hq);
            g[r->nsigs++] =
                (line_sig){in->ptext_id, in->dtext_id, in->part, in->dest, in->hq, in->place};
            e->value = (long long)r->nsigs;
        }
    }
    if (!why) {
        if (datn) {
            if (!eccn_date_parse_ymd(datetext, datn, &in->date, &in->ymd)) {
                snprintf(whybuf, wsz, "bad ship date '%.*s' (expected YYYY-MM-DD)",
                         (int)(datn > 40 ? 40 : datn), datetext);
                why = whybuf;
            }
        } else if (r->default_date != ECCN_DATE_NONE) {
            in->date = r->default_date;
            in->ymd = eccn_date_ymd(in->date);
        } else
            why = "no ship date (and no --date)";
    }
    if (!why && r->col[ECCN_F_QUANTITY] >= 0) {
        long long qty = 0;
        bool ok = qn > 0 && qn < 16;
        for (size_t i = 0; ok && i < qn; i++) {
            ok = isdigit((unsigned char)qtext[i]);
            qty = qty * 10 + (qtext[i] - '0');
        }
        if (!ok || qty < 1) {
            snprintf(whybuf, wsz, "bad quantity '%.*s' (expected a whole number >= 1)",
                     (int)(qn > 40 ? 40 : qn), qtext ? qtext : "");
            why = whybuf;
        }
        in->qty = qty;
    }
    in->why = why;
    return ECCN_OK;
}

/* One row of --out, under OUT_HEADER, written as a line is judged and, for lines recorded by an
 * earlier process, from the ledger (write_recorded_out): one writer, so that the file reads the
 * same however the run came to be. Lengths go with the texts that come straight from a CSV
 * record; the others are C strings, "" when empty. */
static const char OUT_HEADER[] = "line,line_id,part,destination,date,verdict,eccn,reason\n";

typedef struct out_row {
    long long line;
    const char *line_id, *part;
    size_t line_id_len, part_len;
    const char *destination, *date, *verdict, *eccn, *reason;
} out_row;

static void write_out_row(FILE *f, const out_row *o)
{
    char num[32];
    int n = snprintf(num, sizeof num, "%lld", o->line);
    eccn_csv_write_cell(f, num, (size_t)n, false);
    eccn_csv_write_cell(f, o->line_id, o->line_id_len, false);
    eccn_csv_write_cell(f, o->part, o->part_len, false);
    const char *rest[] = {o->destination, o->date, o->verdict, o->eccn, o->reason};
    for (size_t i = 0; i < 5; i++)
        eccn_csv_write_cell(f, rest[i], strlen(rest[i]), i == 4);
}

static int audit_line(run *r, const eccn_csv_record *rec, eccn_error *err)
{
    line_in li;
    long long eval_id = 0, ptext_id, dtext_id;
    int rc = read_line(r, rec, &li);
    if (rc != ECCN_OK)
        return rc;
    const char *ptext = li.ptext, *dtext = li.dtext, *idtext = li.idtext, *why = li.why;
    const size_t pn = li.pn, dn = li.dn, idn = li.idn;
    const eccn_part *part = li.part;
    const char *dest = li.dest, *hq = li.hq;
    const eccn_date date = li.date;
    const long long qty = li.qty;
    if (!why) {
        /* Dates in the same epoch see the same provisions and groups: one evaluation serves
         * them all, so a million lines over five years need a few thousand evaluations. */
        const int epoch = eccn_ruleset_epoch(r->rs, date);
        uint32_t *at = li.place ? &r->eval_at[(li.place - 1) * r->nepochs + (size_t)epoch] : NULL;
        if (at && *at)
            eval_id = *at;
        else {
            const void *key[4] = {part, dest, hq, (const void *)(intptr_t)epoch};
            bool added;
            smap_entry *e = smap_get(&r->evals, key, sizeof key, &added);
            if (!e)
                return ECCN_ENOMEM;
            if (added && (rc = new_eval(r, part, dest, hq, date, &e->value, err)) != ECCN_OK)
                return rc;
            eval_id = e->value;
            if (at && eval_id <= UINT32_MAX)
                *at = (uint32_t)eval_id;
        }
    }
    ptext_id = li.ptext_id;
    dtext_id = li.dtext_id;
    batch *b = r->out;
    if ((rc = row_begin(b, STMT_RESULT)) != ECCN_OK ||
        (rc = cell_int(b, (r->run_id << 32) | rec->line)) != ECCN_OK ||
        (rc = cell_text(b, idn ? idtext : NULL, idn)) != ECCN_OK ||
        (rc = ptext_id ? cell_int(b, ptext_id) : cell_null(b)) != ECCN_OK ||
        (rc = dtext_id ? cell_int(b, dtext_id) : cell_null(b)) != ECCN_OK ||
        (rc = cell_int(b, qty)) != ECCN_OK ||
        (rc = date != ECCN_DATE_NONE ? cell_int(b, li.ymd) : cell_null(b)) != ECCN_OK ||
        (rc = why ? cell_null(b) : cell_int(b, eval_id)) != ECCN_OK ||
        (rc = cell_str(b, why)) != ECCN_OK)
        return rc;

    eccn_audit_summary *s = r->s;
    const eval_info *in = why ? NULL : &r->info[eval_id - 1];
    if (why) {
        s->errors++;
        if (s->nerror_lines < 20) {
            copy_line(&s->error_lines[s->nerror_lines], rec->line, idtext, idn, pn ? ptext : dtext,
                      pn ? pn : dn, dest, date, NULL, qty);
            snprintf(s->error_reasons[s->nerror_lines++], sizeof s->error_reasons[0], "%s", why);
        }
    } else {
        s->results++;
        r->info[eval_id - 1].lines++;
        r->info[eval_id - 1].quantity += qty;
        if (in->verdict == ECCN_V_LICENSE && s->nlicence_lines < 20)
            copy_line(&s->licence_lines[s->nlicence_lines++], rec->line, idtext, idn,
                      pn ? ptext : dtext, pn ? pn : dn, dest, date, in->eccn, qty);
    }
    if (r->o->out_csv) {
        char d[11] = "";
        if (date != ECCN_DATE_NONE)
            eccn_date_format(date, d);
        /* As the ledger records a line: one in error has no destination. */
        write_out_row(r->o->out_csv,
                      &(out_row){.line = rec->line,
                                 .line_id = idn ? idtext : "",
                                 .line_id_len = idn,
                                 .part = pn   ? ptext
                                         : dn ? dtext
                                              : "",
                                 .part_len = pn ? pn : dn,
                                 .destination = in ? dest : "",
                                 .date = d,
                                 .verdict = in ? eccn_verdict_word(in->verdict) : "error",
                                 .eccn = in ? in->eccn : "",
                                 .reason = why          ? why
                                           : in->reason ? in->reason
                                                        : ""});
    }
    if (why && r->o->strict)
        return eccn_fail(err, ECCN_EINPUT, r->o->path, (int)rec->line, 0, "%s (--strict)", why);
    return ECCN_OK;
}

/* Saves where a batch ended: lines read, counts, and the byte offset and line to resume from. */
static int save_progress(run *r, const batch *b, long long resume_line, eccn_error *err)
{
    sqlite3_stmt *st = r->upd_run;
    sqlite3_bind_int64(st, 1, b->records);
    sqlite3_bind_int64(st, 2, b->results);
    sqlite3_bind_int64(st, 3, b->errors);
    sqlite3_bind_int64(st, 4, b->offset);
    sqlite3_bind_int64(st, 5, resume_line);
    sqlite3_bind_int64(st, 6, r->run_id);
    int step = sqlite3_step(st);
    sqlite3_reset(st);
    return step == SQLITE_DONE ? ECCN_OK : eccn_ledger_fail(r->l, "cannot save progress", err);
}

static void options_text(const eccn_audit_opts *o, eccn_buf *b)
{
    eccn_buf_printf(b, "date=%s\nto=%s\ndelimiter=%d\nstrict=%d\n",
                    o->default_date ? o->default_date : "", o->default_to ? o->default_to : "",
                    o->delimiter, o->strict);
    for (size_t i = 0; i < o->nmaps; i++)
        eccn_buf_printf(b, "map=%s\n", o->maps[i]);
}

static int add_count(eccn_count **v, size_t *n, const char *key, long long lines, long long qty)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp((*v)[i].key, key) == 0) {
            (*v)[i].lines += lines;
            (*v)[i].quantity += qty;
            return ECCN_OK;
        }
    eccn_count *g = realloc(*v, (*n + 1) * sizeof *g);
    if (!g)
        return ECCN_ENOMEM;
    *v = g;
    snprintf(g[*n].key, sizeof g[*n].key, "%s", key);
    g[*n].lines = lines;
    g[*n].quantity = qty;
    (*n)++;
    return ECCN_OK;
}

void eccn_audit_summary_free(eccn_audit_summary *s)
{
    free(s->by_verdict);
    free(s->by_eccn);
    free(s->by_destination);
    memset(s, 0, sizeof *s);
}

/* The first 20 lines of a run that need a licence (errors false) or are in error. */
static int first_lines(eccn_ledger *l, long long run_id, bool errors, eccn_audit_line *out,
                       char (*reasons)[200], size_t *n, eccn_error *err)
{
    sqlite3_stmt *st = NULL;
    const char *sql =
        errors ? "SELECT " LINE_COLUMNS " FROM " LINE_JOINS " WHERE " ECCN_SQL_R_KEYS_OF_RUN1
                 " AND r.eval_id IS NULL ORDER BY r.key LIMIT 20"
               : "SELECT " LINE_COLUMNS " FROM " LINE_JOINS " WHERE " ECCN_SQL_R_KEYS_OF_RUN1
                 " AND e.verdict='license_required' ORDER BY r.key LIMIT 20";
    if (sqlite3_prepare_v2(eccn_ledger_db(l), sql, -1, &st, NULL) != SQLITE_OK)
        return eccn_ledger_fail(l, "cannot read audit lines", err);
    sqlite3_bind_int64(st, 1, run_id);
    *n = 0;
    while (*n < 20 && sqlite3_step(st) == SQLITE_ROW) {
        eccn_audit_line *a = &out[*n];
        memset(a, 0, sizeof *a);
        a->line = sqlite3_column_int64(st, 0);
        snprintf(a->line_id, sizeof a->line_id, "%s", sqlite3_column_text(st, 1));
        snprintf(a->part, sizeof a->part, "%s", sqlite3_column_text(st, 2));
        snprintf(a->destination, sizeof a->destination, "%s", sqlite3_column_text(st, 3));
        eccn_ymd_format(sqlite3_column_int(st, 4), a->date);
        snprintf(a->eccn, sizeof a->eccn, "%s", sqlite3_column_text(st, 5));
        a->quantity = sqlite3_column_int64(st, 6);
        if (reasons)
            snprintf(reasons[*n], sizeof reasons[0], "%s", sqlite3_column_text(st, 7));
        (*n)++;
    }
    sqlite3_finalize(st);
    return ECCN_OK;
}

int eccn_audit_summarise(eccn_ledger *l, long long run_id, eccn_audit_summary *s, eccn_error *err)
{
    sqlite3 *db = eccn_ledger_db(l);
    sqlite3_stmt *st = NULL;
    int rc = ECCN_OK;
    eccn_audit_summary_free(s);
    s->run_id = run_id;
    if (sqlite3_prepare_v2(db,
                           "SELECT sha256, size, lines_read, results, errors FROM audit_runs "
                           "WHERE id=?",
                           -1, &st, NULL) != SQLITE_OK)
        return eccn_ledger_fail(l, "cannot read audit runs", err);
    sqlite3_bind_int64(st, 1, run_id);
    if (sqlite3_step(st) != SQLITE_ROW) {
        sqlite3_finalize(st);
        return eccn_fail(err, ECCN_ENOTFOUND, eccn_ledger_path(l), 0, 0, "no audit run %lld",
                         run_id);
    }
    snprintf(s->sha256, sizeof s->sha256, "%s", (const char *)sqlite3_column_text(st, 0));
    s->size = sqlite3_column_int64(st, 1);
    s->lines_read = sqlite3_column_int64(st, 2);
    s->results = sqlite3_column_int64(st, 3);
    s->errors = sqlite3_column_int64(st, 4);
    sqlite3_finalize(st);
    /* Aggregated in SQL per distinct evaluation, then folded: a few hundred rows. */
    if (sqlite3_prepare_v2(db,
                           "SELECT COALESCE(e.verdict,'error'), COALESCE(e.eccn,'none'), "
                           "COALESCE(e.destination,''), count(*), sum(r.quantity) "
                           "FROM audit_results r LEFT JOIN audit_evals e "
                           "ON e.run_id=?1 AND e.id=r.eval_id WHERE " ECCN_SQL_R_KEYS_OF_RUN1
                           " GROUP BY r.eval_id",
                           -1, &st, NULL) != SQLITE_OK)
        return eccn_ledger_fail(l, "cannot summarise the run", err);
    sqlite3_bind_int64(st, 1, run_id);
    while (rc == ECCN_OK && sqlite3_step(st) == SQLITE_ROW) {
        const char *v = (const char *)sqlite3_column_text(st, 0);
        long long n = sqlite3_column_int64(st, 3), q = sqlite3_column_int64(st, 4);
        rc = add_count(&s->by_verdict, &s->nverdict, v, n, q);
        if (rc == ECCN_OK && strcmp(v, "error") != 0) {
            rc = add_count(&s->by_eccn, &s->neccn, (const char *)sqlite3_column_text(st, 1), n, q);
            if (rc == ECCN_OK)
                rc = add_count(&s->by_destination, &s->ndestination,
                               (const char *)sqlite3_column_text(st, 2), n, q);
        }
        if (strcmp(v, "license_required") == 0)
            s->licence_required += n;
        else if (strcmp(v, "indeterminate") == 0)
            s->indeterminate += n;
        else if (strcmp(v, "no_license_required") == 0)
            s->no_licence += n;
    }
    sqlite3_finalize(st);
    if (rc == ECCN_OK)
        rc = first_lines(l, run_id, false, s->licence_lines, NULL, &s->nlicence_lines, err);
    if (rc == ECCN_OK)
        rc = first_lines(l, run_id, true, s->error_lines, s->error_reasons, &s->nerror_lines, err);
    return rc;
}

/* Looks for a finished run of the same bytes, rules and options. */
static long long find_finished(run *r, const char *sha, const char *opts)
{
    sqlite3_stmt *st = NULL;
    long long id = 0;
    if (sqlite3_prepare_v2(r->db,
                           "SELECT id FROM audit_runs WHERE sha256=? AND rules_revision=? AND "
                           "options=? AND status='complete' ORDER BY id DESC LIMIT 1",
                           -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, sha, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, r->rs->revision, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, opts, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW)
            id = sqlite3_column_int64(st, 0);
    }
    sqlite3_finalize(st);
    return id;
}

static bool finished_candidate(run *r, long long size, const char *opts)
{
    sqlite3_stmt *st = NULL;
    bool any = false;
    if (sqlite3_prepare_v2(r->db,
                           "SELECT 1 FROM audit_runs WHERE size=? AND rules_revision=? AND "
                           "options=? AND status='complete' LIMIT 1",
                           -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, size);
        sqlite3_bind_text(st, 2, r->rs->revision, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, opts, -1, SQLITE_STATIC);
        any = sqlite3_step(st) == SQLITE_ROW;
    }
    sqlite3_finalize(st);
    return any;
}

static eccn_verdict verdict_from_word(const char *w)
{
    const eccn_verdict all[] = {ECCN_V_NO_LICENSE, ECCN_V_LICENSE, ECCN_V_INDETERMINATE};
    for (size_t i = 0; i < sizeof all / sizeof *all; i++)
        if (strcmp(w, eccn_verdict_word(all[i])) == 0)
            return all[i];
    return ECCN_V_NONE;
}

/* On resume: the distinct strings and evaluations already recorded keep their numbers. */
static int reload(run *r, eccn_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = ECCN_OK;
    if ((rc = eccn_ledger_prepare(r->l, "SELECT id, text FROM audit_texts WHERE run_id=?", &st,
                                  err)) != ECCN_OK)
        return rc;
    sqlite3_bind_int64(st, 1, r->run_id);
    while (rc == ECCN_OK && sqlite3_step(st) == SQLITE_ROW) {
        const char *t = (const char *)sqlite3_column_text(st, 1);
        size_t n = (size_t)sqlite3_column_bytes(st, 1);
        smap_entry *e = smap_put(&r->texts, t, n, eccn_hash64(t, n));
        if (!e)
            rc = ECCN_ENOMEM;
        else
            e->value = sqlite3_column_int64(st, 0);
        if (e && e->value > r->next_text)
            r->next_text = e->value;
    }
    sqlite3_finalize(st);
    if (rc != ECCN_OK ||
        (rc = eccn_ledger_prepare(
             r->l,
             "SELECT e.id, e.part_id, e.destination, e.headquarters, e.epoch_date, "
             "e.verdict, COALESCE(e.eccn,''), COALESCE(c.n, 0), COALESCE(c.q, 0), "
             "e.hq_given, e.reason FROM audit_evals e LEFT JOIN (SELECT eval_id, count(*) AS n, "
             "sum(quantity) AS q FROM audit_results r WHERE " ECCN_SQL_R_KEYS_OF_RUN1
             " GROUP BY eval_id) c ON c.eval_id = e.id WHERE e.run_id=?1 ORDER BY e.id",
             &st, err)) != ECCN_OK)
        return rc;
    sqlite3_bind_int64(st, 1, r->run_id);
    while (rc == ECCN_OK && sqlite3_step(st) == SQLITE_ROW) {
        long long id = sqlite3_column_int64(st, 0);
        const char *dest = (const char *)sqlite3_column_text(st, 2);
        const char *hq = (const char *)sqlite3_column_text(st, 3);
        const char *d = (const char *)sqlite3_column_text(st, 4);
        eccn_date date = 0;
        eccn_date_parse(d, strlen(d), &date);
        /* The key holds the same pointers a live lookup would: catalogue part, canonical codes. */
        const char *hq_given = (const char *)sqlite3_column_text(st, 9);
        const void *key[4] = {
            eccn_catalog_find_id(r->rs->cat, (const char *)sqlite3_column_text(st, 1)),
            eccn_geo_resolve(r->rs->geo, dest),
            hq_given ? eccn_geo_resolve(r->rs->geo, hq_given) : NULL,
            (const void *)(intptr_t)eccn_ruleset_epoch(r->rs, date)};
        (void)hq;
        smap_entry *e = smap_put(&r->evals, (const char *)key, sizeof key,
                                 eccn_hash64((const char *)key, sizeof key));
        if (!e || (size_t)id != r->ninfo + 1) {
            rc = e ? eccn_fail(err, ECCN_EDB, eccn_ledger_path(r->l), 0, 0,
                               "audit run %lld has gaps in its evaluations", r->run_id)
                   : ECCN_ENOMEM;
            break;
        }
        e->value = id;
        eval_info *in = push_info(r);
        if (!in) {
            rc = ECCN_ENOMEM;
            break;
        }
        in->verdict = verdict_from_word((const char *)sqlite3_column_text(st, 5));
        snprintf(in->eccn, sizeof in->eccn, "%s", sqlite3_column_text(st, 6));
        snprintf(in->destination, sizeof in->destination, "%s", dest);
        in->lines = sqlite3_column_int64(st, 7);
        in->quantity = sqlite3_column_int64(st, 8);
        const char *why = (const char *)sqlite3_column_text(st, 10);
        if (why && !(in->reason = eccn_strdup(why))) {
            rc = ECCN_ENOMEM;
            break;
        }
        r->next_eval = id;
    }
    sqlite3_finalize(st);
    return rc;
}

/* What a run was started with, read back for --resume; the strings live here. */
typedef struct stored_run {
    eccn_audit_opts o;
    char path[4096], date[16], to[64], maps[ECCN_AUDIT_MAX_MAPS][256];
    long long offset, line, lines_read;
} stored_run;

/* The inverse of options_text. */
static void parse_options(char *text, stored_run *sr)
{
    char *save = NULL;
    for (char *t = strtok_r(text, "\n", &save); t; t = strtok_r(NULL, "\n", &save)) {
        if (strncmp(t, "date=", 5) == 0 && t[5])
            sr->o.default_date = strncpy(sr->date, t + 5, sizeof sr->date - 1);
        else if (strncmp(t, "to=", 3) == 0 && t[3])
            sr->o.default_to = strncpy(sr->to, t + 3, sizeof sr->to - 1);
        else if (strncmp(t, "delimiter=", 10) == 0)
            sr->o.delimiter = (char)atoi(t + 10);
        else if (strncmp(t, "strict=", 7) == 0)
            sr->o.strict = atoi(t + 7) != 0;
        else if (strncmp(t, "map=", 4) == 0 && sr->o.nmaps < ECCN_AUDIT_MAX_MAPS) {
            strncpy(sr->maps[sr->o.nmaps], t + 4, sizeof sr->maps[0] - 1);
            sr->o.maps[sr->o.nmaps] = sr->maps[sr->o.nmaps];
            sr->o.nmaps++;
        }
    }
}

static int load_run(run *r, const eccn_audit_opts *given, stored_run *sr, eccn_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc;
    memset(sr, 0, sizeof *sr);
    sr->o.resume_run = given->resume_run;
    sr->o.out_csv = given->out_csv;
    sr->o.batch = given->batch;
    sr->o.progress = given->progress;
    sr->o.progress_ctx = given->progress_ctx;
    if ((rc = eccn_ledger_prepare(
             r->l,
             "SELECT status, file, options, resume_offset, resume_line, lines_read "
             "FROM audit_runs WHERE id=?",
             &st, err)) != ECCN_OK)
        return rc;
    sqlite3_bind_int64(st, 1, given->resume_run);
    if (sqlite3_step(st) != SQLITE_ROW) {
        rc = eccn_fail(err, ECCN_EINPUT, eccn_ledger_path(r->l), 0, 0, "no audit run %lld",
                       given->resume_run);
    } else if (strcmp((const char *)sqlite3_column_text(st, 0), "complete") == 0) {
        rc = eccn_fail(err, ECCN_EINPUT, eccn_ledger_path(r->l), 0, 0,
                       "audit run %lld is already complete", given->resume_run);
    } else {
        snprintf(sr->path, sizeof sr->path, "%s",
                 given->path ? given->path : (const char *)sqlite3_column_text(st, 1));
        sr->o.path = sr->path;
        char *text = eccn_strdup((const char *)sqlite3_column_text(st, 2));
        if (!text)
            rc = ECCN_ENOMEM;
        else
            parse_options(text, sr);
        free(text);
        sr->offset = sqlite3_column_int64(st, 3);
        sr->line = sqlite3_column_int64(st, 4);
        sr->lines_read = sqlite3_column_int64(st, 5);
    }
    sqlite3_finalize(st);
    return rc;
}

static int start_run(run *r, const char *opts, long long size, eccn_error *err)
{
    sqlite3_stmt *st = NULL;
    char now[21];
    int rc;
    eccn_utc_now(now);
    if ((rc = eccn_ledger_exec(r->l, "BEGIN IMMEDIATE", err)) != ECCN_OK)
        return rc;
    if ((rc = eccn_ledger_note_revision(r->l, r->rs, err)) != ECCN_OK ||
        (rc = eccn_ledger_prepare(
             r->l,
             "INSERT INTO audit_runs(file, sha256, size, rules_revision, options, "
             "started_at, status) VALUES (?,'',?,?,?,?,'incomplete')",
             &st, err)) != ECCN_OK)
        goto fail;
    sqlite3_bind_text(st, 1, r->o->path, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, size);
    sqlite3_bind_text(st, 3, r->rs->revision, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, opts, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, now, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE) {
        rc = eccn_ledger_fail(r->l, "cannot start the audit run", err);
        goto fail;
    }
    sqlite3_finalize(st);
    r->run_id = sqlite3_last_insert_rowid(r->db);
    return eccn_ledger_exec(r->l, "COMMIT", err);
fail:
    sqlite3_finalize(st);
    sqlite3_exec(r->db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}

/* --date and --to, for files without those columns. */
static int take_defaults(run *r, eccn_error *err)
{
    const eccn_audit_opts *o = r->o;
    r->default_date = ECCN_DATE_NONE;
    if (o->default_date &&
        !eccn_date_parse(o->default_date, strlen(o->default_date), &r->default_date))
        return eccn_fail(err, ECCN_EINPUT, "--date", 0, 0, "bad date '%s' (expected YYYY-MM-DD)",
                         o->default_date);
    if (o->default_to && !(r->default_to = eccn_geo_resolve(r->rs->geo, o->default_to)))
        return eccn_fail(err, ECCN_EINPUT, "--to", 0, 0, "unknown country '%s'", o->default_to);
    return ECCN_OK;
}

static void run_free_maps(run *r)
{
    smap_free(&r->countries);
    smap_free(&r->texts);
    smap_free(&r->evals);
    smap_free(&r->sigs);
    free(r->sigv);
    smap_free(&r->triples);
    free(r->eval_at);
    for (size_t i = 0; i < r->npart_errors; i++)
        free(r->part_errors[i]);
    free(r->part_errors);
}

int eccn_audit_scan(eccn_ruleset *rs, const eccn_audit_opts *o,
                    int (*fn)(const eccn_audit_item *it, void *ctx), void *ctx, eccn_error *err)
{
    run r = {.rs = rs, .o = o, .nepochs = rs->nchanges + 1};
    eccn_csv *csv = NULL;
    eccn_csv_record rec;
    int rc, got;
    if ((rc = take_defaults(&r, err)) != ECCN_OK ||
        (rc = eccn_csv_open(o->path, o->delimiter, &csv, err)) != ECCN_OK)
        goto done;
    if ((got = eccn_csv_next(csv, &rec, err)) <= 0) {
        rc = got < 0
                 ? got
                 : eccn_fail(err, ECCN_EINPUT, o->path, 1, 1, "empty file: expected a header line");
        goto done;
    }
    if ((rc = map_columns(&r, &rec, err)) != ECCN_OK)
        goto done;
    while (rc == ECCN_OK && (got = eccn_csv_next(csv, &rec, err)) > 0) {
        line_in li;
        if ((rc = read_line(&r, &rec, &li)) != ECCN_OK)
            break;
        char id[256];
        snprintf(id, sizeof id, "%.*s", (int)(li.idn < 255 ? li.idn : 255),
                 li.idtext ? li.idtext : "");
        eccn_audit_item it = {.line = rec.line,
                              .line_id = li.idn ? id : NULL,
                              .part = li.why ? NULL : li.part,
                              .destination = li.dest,
                              .headquarters = li.hq,
                              .quantity = li.qty,
                              .why = li.why};
        rc = fn(&it, ctx);
    }
    if (rc == ECCN_OK && got < 0)
        rc = got;
done:
    eccn_csv_close(csv);
    run_free_maps(&r);
    return rc;
}

int eccn_audit_run_items(eccn_ruleset *rs, eccn_ledger *l, long long run_id,
                         int (*fn)(const eccn_audit_item *it, void *ctx), void *ctx,
                         eccn_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = ECCN_OK, step;
    const char *sql = "SELECT r.key & 4294967295, r.line_id, e.part_id, e.destination, e.hq_given, "
                      "r.quantity FROM audit_results r JOIN audit_evals e ON e.run_id=?1 AND "
                      "e.id=r.eval_id WHERE " ECCN_SQL_R_KEYS_OF_RUN1 " ORDER BY r.key";
    if (sqlite3_prepare_v2(eccn_ledger_db(l), sql, -1, &st, NULL) != SQLITE_OK)
        return eccn_ledger_fail(l, "cannot read the audit run", err);
    sqlite3_bind_int64(st, 1, run_id);
    while (rc == ECCN_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
        const char *part_id = (const char *)sqlite3_column_text(st, 2);
        const char *dest = (const char *)sqlite3_column_text(st, 3);
        const char *hq = (const char *)sqlite3_column_text(st, 4);
        eccn_audit_item it = {.line = sqlite3_column_int64(st, 0),
                              .line_id = (const char *)sqlite3_column_text(st, 1),
                              .part = eccn_catalog_find_id(rs->cat, part_id ? part_id : ""),
                              .destination = dest ? eccn_geo_resolve(rs->geo, dest) : NULL,
                              .headquarters = hq ? eccn_geo_resolve(rs->geo, hq) : NULL,
                              .quantity = sqlite3_column_int64(st, 5)};
        if (!it.part || !it.destination)
            it.why = "the recorded part or destination is not in today's catalogue or countries";
        rc = fn(&it, ctx);
    }
    if (rc == ECCN_OK && step != SQLITE_DONE)
        rc = eccn_ledger_fail(l, "cannot read the audit run", err);
    sqlite3_finalize(st);
    return rc;
}

/* ---- the pipeline: a worker reads and judges, the caller inserts and commits ---- */

#define CHUNK_LINES 4096 /* lines per hand-over */
/* 64k lines in flight (about 8 MiB): enough to cover the inserting thread's pause at each commit,
 * so the reading thread rarely waits. Measured: 3 slots 0.67 s, 8 slots 0.59 s, 16 slots 0.55 s
 * for a million lines. */
#define NSLOTS 16

typedef struct pipeline {
    pthread_mutex_t mu;
    pthread_cond_t changed;
    batch slot[NSLOTS];
    batch *full[NSLOTS]; /* handed over, oldest first */
    size_t nfull;
    batch *spare[NSLOTS];
    size_t nspare;
    bool abort; /* the caller failed: the worker stops at its next hand-over */
    run *r;
    eccn_csv *csv;
    long long records, commit_lines;
} pipeline;

/* The worker's side: fill a spare batch, hand it over, until the input ends or fails. */
static void *pipeline_worker(void *arg)
{
    pipeline *p = arg;
    run *r = p->r;
    time_t last_progress = 0;
#ifdef __GLIBC__
    pthread_setname_np(pthread_self(), "eccn-audit"); /* so perf and top tell the halves apart */
#endif
    for (;;) {
        pthread_mutex_lock(&p->mu);
        while (!p->abort && p->nspare == 0)
            pthread_cond_wait(&p->changed, &p->mu);
        batch *b = p->abort ? NULL : p->spare[--p->nspare];
        pthread_mutex_unlock(&p->mu);
        if (!b)
            return NULL;
        batch_clear(b);
        r->out = b;
        long long next_line = 0;
        for (int n = 0; n < CHUNK_LINES; n++) {
            eccn_csv_record rec;
            int got = eccn_csv_next(p->csv, &rec, &b->err);
            if (got <= 0) {
                b->rc = got;
                b->last = true;
                break;
            }
            next_line = rec.line + 1;
            b->commit = ++p->records % p->commit_lines == 0;
            if ((b->rc = audit_line(r, &rec, &b->err)) != ECCN_OK) {
                b->last = true;
                break;
            }
            if (b->commit)
                break;
            const eccn_audit_opts *o = r->o;
            if (o->progress && (p->records & 4095) == 0) {
                time_t now = time(NULL);
                if (now != last_progress || (p->records & 65535) == 0) {
                    last_progress = now;
                    o->progress(p->records, eccn_csv_bytes_read(p->csv), eccn_csv_size(p->csv),
                                o->progress_ctx);
                }
            }
        }
        b->records = p->records;
        b->out_end = r->o->out_csv ? (long long)ftello(r->o->out_csv) : -1;
        b->offset = eccn_csv_bytes_read(p->csv);
        b->next_line = next_line;
        b->results = r->s->results;
        b->errors = r->s->errors;
        bool last = b->last;
        pthread_mutex_lock(&p->mu);
        p->full[p->nfull++] = b;
        pthread_cond_broadcast(&p->changed);
        pthread_mutex_unlock(&p->mu);
        if (last)
            return NULL;
    }
}

/* The caller's side: insert each batch in order, and commit where the worker marked it, with
 * the position to resume from. Returns with the last batch inserted and its transaction open,
 * so that the run is finished in the same transaction; or with the error of the first failure. */
static int pipeline_consume(pipeline *p, batch **last, eccn_error *err)
{
    run *r = p->r;
    int rc = ECCN_OK;
    for (;;) {
        pthread_mutex_lock(&p->mu);
        while (p->nfull == 0)
            pthread_cond_wait(&p->changed, &p->mu);
        batch *b = p->full[0];
        memmove(p->full, p->full + 1, --p->nfull * sizeof *p->full);
        pthread_mutex_unlock(&p->mu);
        if (b->rc != ECCN_OK) {
            *err = b->err;
            return b->rc;
        }
        if ((rc = batch_insert(r->l, r->stmts, r->chain, b, err)) != ECCN_OK)
            return rc;
        if (b->last) {
            *last = b;
            return ECCN_OK;
        }
        /* Results and the position to resume from commit together: a kill between batches
         * loses nothing, a kill inside one loses only that uncommitted batch. */
        if (b->commit) {
            if ((rc = save_progress(r, b, b->next_line, err)) != ECCN_OK ||
                (rc = eccn_ledger_exec(r->l, "COMMIT", err)) != ECCN_OK)
                return rc;
            if (r->out_committed >= 0)
                r->out_committed = b->out_end;
            if ((rc = eccn_ledger_exec(r->l, "BEGIN IMMEDIATE", err)) != ECCN_OK)
                return rc;
        }
        pthread_mutex_lock(&p->mu);
        p->spare[p->nspare++] = b;
        pthread_cond_broadcast(&p->changed);
        pthread_mutex_unlock(&p->mu);
    }
}

/* Writes the --out rows of the lines run_id has recorded, from the ledger: the whole of a reused
 * run, and what a resumed run committed before this process. */
static int write_recorded_out(eccn_ledger *l, long long run_id, FILE *f, eccn_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = eccn_ledger_prepare(l,
                                 "SELECT " LINE_COLUMNS
                                 ", COALESCE(e.verdict, 'error') FROM " LINE_JOINS
                                 " WHERE " ECCN_SQL_R_KEYS_OF_RUN1 " ORDER BY r.key",
                                 &st, err),
        step = SQLITE_DONE;
    if (rc != ECCN_OK)
        return rc;
    sqlite3_bind_int64(st, 1, run_id);
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        char date[11];
        eccn_ymd_format(sqlite3_column_int(st, 4), date);
        /* LINE_COLUMNS, every text COALESCEd to '' */
        const char *id = (const char *)sqlite3_column_text(st, 1),
                   *part = (const char *)sqlite3_column_text(st, 2);
        write_out_row(f, &(out_row){.line = sqlite3_column_int64(st, 0),
                                    .line_id = id,
                                    .line_id_len = strlen(id),
                                    .part = part,
                                    .part_len = strlen(part),
                                    .destination = (const char *)sqlite3_column_text(st, 3),
                                    .date = date,
                                    .verdict = (const char *)sqlite3_column_text(st, 8),
                                    .eccn = (const char *)sqlite3_column_text(st, 5),
                                    .reason = (const char *)sqlite3_column_text(st, 7)});
    }
    if (step != SQLITE_DONE)
        rc = eccn_ledger_fail(l, "cannot read the run's lines for --out", err);
    else if (ferror(f))
        rc = eccn_fail(err, ECCN_EIO, "--out", 0, 0, "write failed");
    sqlite3_finalize(st);
    return rc;
}

int eccn_audit_run(eccn_ruleset *rs, eccn_ledger *l, const eccn_audit_opts *given,
                   eccn_audit_summary *s, eccn_error *err)
{
    const eccn_audit_opts *o = given;
    run r = {.rs = rs,
             .l = l,
             .o = o,
             .s = s,
             .db = eccn_ledger_db(l),
             .out_committed = -1,
             .nepochs = rs->nchanges + 1};
    stored_run sr;
    eccn_csv *csv = NULL;
    eccn_csv_record rec;
    eccn_buf opts = {0};
    int rc = ECCN_OK;
    bool in_tx = false;
    long long commit_lines = o->batch > 0 ? o->batch : DEFAULT_BATCH;
    long long records = 0;
    batch final = {0};
    memset(s, 0, sizeof *s);
    if (given->out_csv)
        fputs(OUT_HEADER, given->out_csv);
    if (given->resume_run) {
        /* A resumed run reads its file and options back from the ledger. */
        if ((rc = load_run(&r, given, &sr, err)) != ECCN_OK)
            goto done;
        sr.o.batch = given->batch; /* how often to commit is this process's choice */
        r.o = o = &sr.o;
        r.run_id = given->resume_run;
        records = sr.lines_read;
    }
    snprintf(s->file, sizeof s->file, "%s", o->path);
    options_text(o, &opts);
    if (!opts.data)
        return ECCN_ENOMEM;
    if ((rc = take_defaults(&r, err)) != ECCN_OK ||
        (rc = eccn_csv_open(o->path, o->delimiter, &csv, err)) != ECCN_OK)
        goto done;
    /* The digest is taken while reading, so the file is read once; a finished run can only be
     * reused when one of the same size exists, which is when it pays to hash first. */
    if (!o->resume_run && !o->force && eccn_csv_size(csv) >= 0 &&
        finished_candidate(&r, eccn_csv_size(csv), opts.data)) {
        char sha[65];
        if ((rc = eccn_digest_file(o->path, sha, NULL, err)) != ECCN_OK)
            goto done;
        long long prev = find_finished(&r, sha, opts.data);
        if (prev) {
            rc = eccn_audit_summarise(l, prev, s, err);
            if (rc == ECCN_OK && o->out_csv)
                rc = write_recorded_out(l, prev, o->out_csv, err);
            s->reused = true;
            snprintf(s->file, sizeof s->file, "%s", o->path);
            goto done;
        }
    }
    if (!(r.digest = eccn_digest_new())) {
        rc = ECCN_ENOMEM;
        goto done;
    }
    eccn_csv_on_bytes(csv, digest_bytes, r.digest);
    int got = eccn_csv_next(csv, &rec, err);
    if (got < 0) {
        rc = got;
        goto done;
    }
    if (got == 0) {
        rc = eccn_fail(err, ECCN_EINPUT, o->path, 1, 1, "empty file: expected a header line");
        goto done;
    }
    if ((rc = map_columns(&r, &rec, err)) != ECCN_OK)
        goto done;
    if (!r.run_id && (rc = start_run(&r, opts.data, eccn_csv_size(csv), err)) != ECCN_OK)
        goto done;
    s->run_id = r.run_id;
    /* Each table's chain continues from its last row in this run (a resumed run) or from the
     * run's genesis. */
    if (!(r.chain = aligned_alloc(64, (sizeof *r.chain + 63) / 64 * 64))) {
        rc = ECCN_ENOMEM;
        goto done;
    }
    memset(r.chain, 0, sizeof *r.chain);
    if ((rc = eccn_integrity_run_head(l, r.run_id, "audit_texts", r.chain->head[STMT_TEXT], err)) !=
            ECCN_OK ||
        (rc = eccn_integrity_run_head(l, r.run_id, "audit_evals", r.chain->head[STMT_EVAL], err)) !=
            ECCN_OK ||
        (rc = eccn_integrity_run_head(l, r.run_id, "audit_results", r.chain->head[STMT_RESULT],
                                      err)) != ECCN_OK)
        goto done;
    {
        /* "INSERT ... VALUES (?,?,...),(?,?,...),..." for RESULTS_PER_INSERT rows */
        eccn_buf sql = {0};
        eccn_buf_puts(&sql, "INSERT INTO audit_results(key, line_id, part_text, desc_text, "
                            "quantity, ship_date, eval_id, error, hash) VALUES ");
        for (int i = 0; i < RESULTS_PER_INSERT; i++)
            eccn_buf_puts(&sql, i ? ",(?,?,?,?,?,?,?,?,?)" : "(?,?,?,?,?,?,?,?,?)");
        rc = sql.data ? eccn_ledger_prepare(r.l, sql.data, &r.stmts[STMT_RESULTS], err)
                      : ECCN_ENOMEM;
        eccn_buf_free(&sql);
        if (rc != ECCN_OK)
            goto done;
    }
    if ((rc = eccn_ledger_prepare(r.l, "SELECT max(key) FROM audit_results", &r.stmts[STMT_MAXKEY],
                                  err)) != ECCN_OK ||
        (rc = eccn_ledger_prepare(
             r.l,
             "INSERT INTO audit_results(key, line_id, part_text, desc_text, quantity, "
             "ship_date, eval_id, error, hash) VALUES (?,?,?,?,?,?,?,?,?)",
             &r.stmts[STMT_RESULT], err)) != ECCN_OK ||
        (rc = eccn_ledger_prepare(
             r.l,
             "INSERT INTO audit_evals(run_id, id, part_id, destination, headquarters, "
             "epoch_date, status, eccn, verdict, review_policy, license_exceptions, "
             "provisions, reason, tpp, pd, hq_given, hash) "
             "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
             &r.stmts[STMT_EVAL], err)) != ECCN_OK ||
        (rc = eccn_ledger_prepare(
             r.l, "INSERT INTO audit_texts(run_id, id, text, hash) VALUES (?,?,?,?)",
             &r.stmts[STMT_TEXT], err)) != ECCN_OK ||
        (rc = eccn_ledger_prepare(
             r.l,
             "UPDATE audit_runs SET lines_read=?, results=?, errors=?, resume_offset=?, "
             "resume_line=? WHERE id=?",
             &r.upd_run, err)) != ECCN_OK)
        goto done;
    if (o->resume_run) {
        if ((rc = reload(&r, err)) != ECCN_OK)
            goto done;
        eccn_audit_summary prev = {0};
        if ((rc = eccn_audit_summarise(l, r.run_id, &prev, err)) != ECCN_OK)
            goto done;
        s->results = prev.results;
        s->errors = prev.errors;
        memcpy(s->licence_lines, prev.licence_lines, sizeof s->licence_lines);
        s->nlicence_lines = prev.nlicence_lines;
        memcpy(s->error_lines, prev.error_lines, sizeof s->error_lines);
        memcpy(s->error_reasons, prev.error_reasons, sizeof s->error_reasons);
        s->nerror_lines = prev.nerror_lines;
        eccn_audit_summary_free(&prev);
        if (o->out_csv && (rc = write_recorded_out(l, r.run_id, o->out_csv, err)) != ECCN_OK)
            goto done;
        if (sr.offset > 0) {
            /* Hash the part already audited, then carry on from the saved record boundary. */
            eccn_csv_on_bytes(csv, NULL, NULL);
            eccn_digest_free(r.digest);
            r.digest = NULL;
            if ((rc = eccn_csv_seek(csv, sr.offset, sr.line, err)) != ECCN_OK)
                goto done;
        }
    }
    /* Immediate: the batches append keys, which needs the writer lock from the start. */
    if ((rc = eccn_ledger_exec(r.l, "BEGIN IMMEDIATE", err)) != ECCN_OK)
        goto done;
    in_tx = true;
    r.out_committed = o->out_csv ? (long long)ftello(o->out_csv) : -1;
    {
        pipeline p = {.r = &r, .csv = csv, .records = records, .commit_lines = commit_lines};
        /* Copying the log back, and its fsyncs, on a thread of their own overlap the inserting
         * (a tenth of a million-line run, bench/audit.sh); without the thread the commits do it. */
        eccn_ledger_checkpoint_behind(r.l);
        pthread_t worker;
        batch *last = NULL;
        for (int i = 0; i < NSLOTS; i++)
            p.spare[p.nspare++] = &p.slot[i];
        pthread_mutex_init(&p.mu, NULL);
        pthread_cond_init(&p.changed, NULL);
        if (pthread_create(&worker, NULL, pipeline_worker, &p) != 0) {
            rc = eccn_fail(err, ECCN_ENOMEM, o->path, 0, 0, "cannot start the audit thread");
        } else {
            rc = pipeline_consume(&p, &last, err);
            pthread_mutex_lock(&p.mu);
            p.abort = true;
            pthread_cond_broadcast(&p.changed);
            pthread_mutex_unlock(&p.mu);
            pthread_join(worker, NULL);
        }
        eccn_ledger_checkpoint_inline(r.l);
        records = p.records;
        if (rc == ECCN_OK) { /* its rows are inserted: keep the counts and position */
            final.records = last->records;
            final.offset = last->offset;
            final.results = last->results;
            final.errors = last->errors;
        }
        for (int i = 0; i < NSLOTS; i++)
            batch_free(&p.slot[i]);
        pthread_cond_destroy(&p.changed);
        pthread_mutex_destroy(&p.mu);
        if (rc != ECCN_OK)
            goto done;
    }
    s->lines_read = records;
    if (r.digest)
        rc = eccn_digest_hex(r.digest, s->sha256);
    else
        rc = eccn_digest_file(o->path, s->sha256, NULL, err);
    if (rc != ECCN_OK)
        goto done;
    {
        sqlite3_stmt *st = NULL;
        char now[21];
        eccn_utc_now(now);
        if ((rc = save_progress(&r, &final, 0, err)) != ECCN_OK ||
            (rc = eccn_ledger_prepare(r.l,
                                      "UPDATE audit_runs SET status='complete', finished_at=?, "
                                      "sha256=?, size=? WHERE id=?",
                                      &st, err)) != ECCN_OK)
            goto done;
        sqlite3_bind_text(st, 1, now, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, s->sha256, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 3, eccn_csv_bytes_read(csv));
        sqlite3_bind_int64(st, 4, r.run_id);
        int step = sqlite3_step(st);
        sqlite3_finalize(st);
        if (step != SQLITE_DONE) {
            rc = eccn_ledger_fail(l, "cannot finish the audit run", err);
            goto done;
        }
    }
    if ((rc = eccn_ledger_exec(r.l, "COMMIT", err)) != ECCN_OK)
        goto done;
    in_tx = false;
    r.out_committed = -1; /* every line written is in the ledger now: nothing to cut back */
    s->size = eccn_csv_bytes_read(csv);
    for (size_t i = 0; i < r.ninfo && rc == ECCN_OK; i++) {
        const eval_info *in = &r.info[i];
        if (!in->lines)
            continue;
        rc = add_count(&s->by_verdict, &s->nverdict, eccn_verdict_word(in->verdict), in->lines,
                       in->quantity);
        if (rc == ECCN_OK)
            rc = add_count(&s->by_eccn, &s->neccn, in->eccn[0] ? in->eccn : "none", in->lines,
                           in->quantity);
        if (rc == ECCN_OK)
            rc = add_count(&s->by_destination, &s->ndestination, in->destination, in->lines,
                           in->quantity);
        if (in->verdict == ECCN_V_LICENSE)
            s->licence_required += in->lines;
        else if (in->verdict == ECCN_V_INDETERMINATE)
            s->indeterminate += in->lines;
        else
            s->no_licence += in->lines;
    }
    if (rc == ECCN_OK && s->errors)
        rc = add_count(&s->by_verdict, &s->nverdict, "error", s->errors, 0);
done:
    /* A failure inside a batch rolls the batch back: the run stays incomplete, its committed
     * results and resume position agree, and --resume redoes exactly the lost lines. --out is
     * cut back to the lines committed (the worker that wrote the others has ended). */
    if (in_tx)
        sqlite3_exec(r.db, "ROLLBACK", NULL, NULL, NULL);
    if (rc != ECCN_OK && o->out_csv && r.out_committed >= 0 && fflush(o->out_csv) == 0 &&
        ftruncate(fileno(o->out_csv), (off_t)r.out_committed) == 0)
        fseeko(o->out_csv, (off_t)r.out_committed, SEEK_SET);
    for (int i = 0; i < NSTMTS; i++)
        sqlite3_finalize(r.stmts[i]);
    sqlite3_finalize(r.upd_run);
    run_free_maps(&r);
    if (r.chain)
        eccn_buf_free(&r.chain->enc.buf);
    free(r.chain);
    for (size_t i = 0; i < r.ninfo; i++)
        free(r.info[i].reason);
    free(r.info);
    eccn_digest_free(r.digest);
    eccn_csv_close(csv);
    eccn_buf_free(&opts);
    return rc;
}

int eccn_audit_diff(eccn_ledger *l, long long run_a, long long run_b,
                    int (*fn)(const eccn_audit_change *c, void *ctx), void *ctx, eccn_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = ECCN_OK, step;
    /* Line n of run B is the row keyed (B << 32 | n): a primary-key lookup per line of A. */
    const char *sql =
        "SELECT x.key & 4294967295, COALESCE(x.line_id,''), COALESCE(p.text, d.text, ''), "
        "COALESCE(ex.destination, ey.destination, ''), COALESCE(ex.verdict,'error'), "
        "COALESCE(ex.eccn,'-'), x.ship_date, COALESCE(ey.verdict,'error'), COALESCE(ey.eccn,'-'), "
        "y.ship_date, COALESCE(ey.provisions,'[]'), COALESCE(y.error, ey.reason, '') "
        "FROM audit_results x JOIN audit_results y ON y.key = ?2 * 4294967296 + "
        "(x.key & 4294967295) "
        "LEFT JOIN audit_evals ex ON ex.run_id=?1 AND ex.id=x.eval_id "
        "LEFT JOIN audit_evals ey ON ey.run_id=?2 AND ey.id=y.eval_id "
        "LEFT JOIN audit_texts p ON p.run_id=?1 AND p.id=x.part_text "
        "LEFT JOIN audit_texts d ON d.run_id=?1 AND d.id=x.desc_text "
        "WHERE " X_KEYS_OF_RUN1 " AND (COALESCE(ex.verdict,'error') "
        "IS NOT COALESCE(ey.verdict,'error') OR ex.eccn IS NOT ey.eccn) ORDER BY x.key";
    if (sqlite3_prepare_v2(eccn_ledger_db(l), sql, -1, &st, NULL) != SQLITE_OK)
        return eccn_ledger_fail(l, "cannot compare runs", err);
    sqlite3_bind_int64(st, 1, run_a);
    sqlite3_bind_int64(st, 2, run_b);
    while (rc == ECCN_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
        eccn_audit_change c = {.line = sqlite3_column_int64(st, 0)};
        const char **text[] = {
            &c.line_id,   &c.part,   &c.destination, &c.verdict_a,    &c.eccn_a,  NULL,
            &c.verdict_b, &c.eccn_b, NULL,           &c.provisions_b, &c.reason_b};
        for (int i = 0; i < 11; i++)
            if (text[i])
                *text[i] = (const char *)sqlite3_column_text(st, i + 1);
        c.date_a = sqlite3_column_type(st, 6) == SQLITE_NULL ? 0 : sqlite3_column_int(st, 6);
        c.date_b = sqlite3_column_type(st, 9) == SQLITE_NULL ? 0 : sqlite3_column_int(st, 9);
        rc = fn(&c, ctx);
    }
    if (rc == ECCN_OK && step != SQLITE_DONE)
        rc = eccn_ledger_fail(l, "cannot compare runs", err);
    sqlite3_finalize(st);
    return rc;
}
