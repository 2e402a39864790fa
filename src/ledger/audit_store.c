/* audit_store.c: the audit_* tables, written and read (see audit_store.h). */
#include "audit_store.h"

#include "chain.h"
#include "integrity.h"
#include "anchor.h"
#include "ledger_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- rows to insert, deferred ----
 *
 * A batch is its rows' values in column order, kept as cells over one text buffer: the reading
 * thread appends them without touching SQLite, the writing thread binds them and hashes the very
 * same values onto the chain, so what is hashed is what is stored. */

enum { STMT_RESULT, STMT_EVAL, STMT_TEXT, STMT_RESULTS, STMT_MAXKEY, STMT_PARTY, NSTMTS };

/* Results go in RESULTS_PER_INSERT rows to a statement: one statement keeps its b-tree cursor
 * at the end of the table between rows, where a statement per row seeks from the root for
 * each and pays a step and reset. Measured: the inserting thread about twice as fast. */
#define RESULTS_PER_INSERT 64
#define RESULT_COLUMNS 12 /* with the hash */
/* A result's dest_text (cell 8) is hashed only when set, and its consignee and end_user (cells 9
 * and 10) only when one is set, so rows written before the columns existed keep their hashes
 * (integrity.c reads them the same way). */
#define RESULT_OPTIONAL_CELL 8
#define RESULT_PARTY_CELL 9

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

struct eccn_audit_rows {
    long long run_id;
    row *rows;
    size_t nrows, rows_cap;
    cell *cells;
    size_t ncells, cells_cap;
    eccn_buf text;
};

eccn_audit_rows *eccn_audit_rows_new(long long run_id)
{
    eccn_audit_rows *b = calloc(1, sizeof *b);
    if (b)
        b->run_id = run_id;
    return b;
}

void eccn_audit_rows_free(eccn_audit_rows *b)
{
    if (!b)
        return;
    free(b->rows);
    free(b->cells);
    eccn_buf_free(&b->text);
    free(b);
}

void eccn_audit_rows_clear(eccn_audit_rows *b)
{
    b->nrows = b->ncells = 0;
    eccn_buf_reset(&b->text);
}

/* Starts a row of n cells, all NULL; returns its first cell, or NULL when out of memory. */
static cell *row_begin(eccn_audit_rows *b, int stmt, size_t n)
{
    row *g = eccn_grow(b->rows, &b->rows_cap, b->nrows + 1, sizeof *g, 1024);
    if (!g)
        return NULL;
    b->rows = g;
    cell *c = eccn_grow(b->cells, &b->cells_cap, b->ncells + n, sizeof *c, 8192);
    if (!c)
        return NULL;
    b->cells = c;
    b->rows[b->nrows++] = (row){.stmt = stmt, .first = b->ncells, .n = n};
    c += b->ncells;
    b->ncells += n;
    memset(c, 0, n * sizeof *c); /* CELL_NULL */
    return c;
}

static void set_int(cell *c, long long v)
{
    c->type = CELL_INT;
    c->v.i = v;
}

/* NULL text stays SQL NULL. */
static int set_text(eccn_audit_rows *b, cell *c, const char *s, size_t n)
{
    if (!s)
        return ECCN_OK;
    if (n > INT32_MAX)
        return ECCN_ENOMEM;
    c->type = CELL_TEXT;
    c->v.off = b->text.len;
    c->len = (uint32_t)n;
    return eccn_buf_append(&b->text, s, n);
}

static int set_str(eccn_audit_rows *b, cell *c, const char *s)
{
    return set_text(b, c, s, s ? strlen(s) : 0);
}

int eccn_audit_rows_text(eccn_audit_rows *b, long long id, const char *text, size_t n)
{
    cell *c = row_begin(b, STMT_TEXT, 3);
    if (!c)
        return ECCN_ENOMEM;
    set_int(&c[0], b->run_id);
    set_int(&c[1], id);
    return set_text(b, &c[2], text, n);
}

int eccn_audit_rows_eval(eccn_audit_rows *b, const eccn_audit_eval_row *e)
{
    const char *texts[] = {
        e->part_id, e->destination,   e->headquarters,       e->epoch_date, e->status, e->eccn,
        e->verdict, e->review_policy, e->license_exceptions, e->provisions, e->reason};
    enum { NTEXTS = sizeof texts / sizeof *texts };
    cell *c = row_begin(b, STMT_EVAL, 2 + NTEXTS + 3);
    int rc = c ? ECCN_OK : ECCN_ENOMEM;
    if (!c)
        return rc;
    set_int(&c[0], b->run_id);
    set_int(&c[1], e->id);
    for (size_t i = 0; rc == ECCN_OK && i < NTEXTS; i++)
        rc = set_str(b, &c[2 + i], texts[i]);
    cell *m = &c[2 + NTEXTS];
    if (e->has_tpp)
        *m = (cell){.type = CELL_REAL, .v.d = e->tpp};
    if (e->has_pd)
        m[1] = (cell){.type = CELL_REAL, .v.d = e->pd};
    return rc == ECCN_OK ? set_str(b, &m[2], e->hq_given) : rc;
}

int eccn_audit_rows_result(eccn_audit_rows *b, const eccn_audit_result_row *r)
{
    cell *c = row_begin(b, STMT_RESULT, RESULT_COLUMNS - 1);
    if (!c)
        return ECCN_ENOMEM;
    set_int(&c[0], (b->run_id << 32) | r->line);
    if (r->part_text)
        set_int(&c[2], r->part_text);
    if (r->desc_text)
        set_int(&c[3], r->desc_text);
    if (r->quantity >= 0)
        set_int(&c[4], r->quantity);
    if (r->ship_date)
        set_int(&c[5], r->ship_date);
    if (r->eval_id)
        set_int(&c[6], r->eval_id);
    if (r->dest_text)
        set_int(&c[8], r->dest_text);
    if (r->consignee)
        set_int(&c[RESULT_PARTY_CELL], r->consignee);
    if (r->end_user)
        set_int(&c[RESULT_PARTY_CELL + 1], r->end_user);
    int rc = set_text(b, &c[1], r->line_id, r->line_id_len);
    return rc == ECCN_OK ? set_str(b, &c[7], r->error) : rc;
}

int eccn_audit_rows_party(eccn_audit_rows *b, const eccn_audit_party_row *p)
{
    const char *texts[] = {p->name,       p->country,       p->result, p->effect,   p->list,
                           p->entry_name, p->entity_number, p->note,   p->screening};
    enum { NTEXTS = sizeof texts / sizeof *texts };
    cell *c = row_begin(b, STMT_PARTY, 2 + NTEXTS);
    int rc = c ? ECCN_OK : ECCN_ENOMEM;
    if (!c)
        return rc;
    set_int(&c[0], b->run_id);
    set_int(&c[1], p->id);
    for (size_t i = 0; rc == ECCN_OK && i < NTEXTS; i++)
        rc = set_str(b, &c[2 + i], texts[i]);
    return rc;
}

/* ---- the writer ---- */

struct eccn_audit_store {
    eccn_ledger *l;
    long long run_id;
    sqlite3_stmt *stmts[NSTMTS], *upd_run;
    bool in_tx;
    unsigned char head[NSTMTS][ECCN_HASH_LEN]; /* each table's last hash in this run */
    /* the hashes bound to the statement being filled: bound in place (SQLITE_STATIC), since
     * copying each costs SQLite an allocation per row */
    unsigned char bound[RESULTS_PER_INSERT][ECCN_HASH_LEN];
    eccn_chain_enc enc;
};

static void bind_cells(sqlite3_stmt *st, int first_col, const eccn_audit_rows *b, const row *rw)
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

/* Hashes row rw onto its table's chain and binds the hash, kept in bound[slot], at col. (Hashing
 * here, on the inserting thread, rather than where rows are gathered balances the two.) */
static int seal(eccn_audit_store *w, sqlite3_stmt *st, int col, size_t slot,
                const eccn_audit_rows *b, const row *rw)
{
    unsigned char *head = w->head[rw->stmt];
    size_t n = rw->n;
    if (rw->stmt == STMT_RESULT && b->cells[rw->first + RESULT_PARTY_CELL].type == CELL_NULL &&
        b->cells[rw->first + RESULT_PARTY_CELL + 1].type == CELL_NULL)
        n = RESULT_PARTY_CELL;
    eccn_chain_start(&w->enc, head);
    for (size_t k = 0; k < n; k++) {
        const cell *c = &b->cells[rw->first + k];
        if (rw->stmt == STMT_RESULT && k == RESULT_OPTIONAL_CELL && c->type == CELL_NULL)
            continue;
        switch (c->type) {
        case CELL_INT:
            eccn_chain_int(&w->enc, c->v.i);
            break;
        case CELL_REAL:
            eccn_chain_real(&w->enc, c->v.d);
            break;
        case CELL_TEXT:
            eccn_chain_text(&w->enc, b->text.data + c->v.off, c->len);
            break;
        default:
            eccn_chain_null(&w->enc);
        }
    }
    int rc = eccn_chain_finish(&w->enc, head);
    if (rc == ECCN_OK) {
        memcpy(w->bound[slot], head, ECCN_HASH_LEN);
        sqlite3_bind_blob(st, col, w->bound[slot], ECCN_HASH_LEN, SQLITE_STATIC);
    }
    return rc;
}

/* The texts and evaluations of a batch, before its results: no constraint needs it, a reader of
 * the committed batch does. */
static int insert_others(eccn_audit_store *w, const eccn_audit_rows *b, eccn_error *err)
{
    int rc = ECCN_OK;
    for (size_t i = 0; rc == ECCN_OK && i < b->nrows; i++) {
        const row *rw = &b->rows[i];
        sqlite3_stmt *st = w->stmts[rw->stmt];
        if (rw->stmt == STMT_RESULT)
            continue;
        bind_cells(st, 1, b, rw);
        if ((rc = seal(w, st, 1 + (int)rw->n, 0, b, rw)) == ECCN_OK)
            rc = step_reset(w->l, st,
                            rw->stmt == STMT_EVAL    ? "cannot record an evaluation"
                            : rw->stmt == STMT_PARTY ? "cannot record a screened party"
                                                     : "cannot record a text",
                            err);
    }
    return rc;
}

/* The results of a batch, in groups. A result whose key is one more than the largest in the
 * table is inserted with a NULL key: SQLite then appends it as max + 1, the same key, without
 * the root-to-leaf search an explicit key costs (a tenth of an audit's time). The writer lock is
 * held (BEGIN IMMEDIATE), so nothing else can insert in between, and the table's largest key is
 * checked after the batch. */
static int insert_results(eccn_audit_store *w, const eccn_audit_rows *b, eccn_error *err)
{
    static const char *const what = "cannot record an audit result";
    size_t nresults = 0, in_group = 0;
    for (size_t i = 0; i < b->nrows; i++)
        nresults += b->rows[i].stmt == STMT_RESULT;
    size_t left = nresults;
    long long top = max_key(w->stmts[STMT_MAXKEY]);
    int rc = ECCN_OK;
    for (size_t i = 0; rc == ECCN_OK && i < b->nrows; i++) {
        const row *rw = &b->rows[i];
        if (rw->stmt != STMT_RESULT)
            continue;
        long long key = b->cells[rw->first].v.i;
        bool append = key == top + 1, grouped = left >= RESULTS_PER_INSERT || in_group;
        top = key > top ? key : top;
        sqlite3_stmt *st = w->stmts[grouped ? STMT_RESULTS : STMT_RESULT];
        int col = grouped ? 1 + (int)in_group * RESULT_COLUMNS : 1;
        bind_cells(st, col, b, rw);
        if ((rc = seal(w, st, col + (int)rw->n, grouped ? in_group : 0, b, rw)) != ECCN_OK)
            break;
        if (append)
            sqlite3_bind_null(st, col);
        if (!grouped) {
            rc = step_reset(w->l, st, what, err);
            left--;
        } else if (++in_group == RESULTS_PER_INSERT) {
            rc = step_reset(w->l, st, what, err);
            in_group = 0;
            left -= RESULTS_PER_INSERT;
        }
    }
    if (rc == ECCN_OK && nresults && max_key(w->stmts[STMT_MAXKEY]) != top)
        rc = eccn_fail(err, ECCN_EDB, eccn_ledger_path(w->l), 0, 0,
                       "audit results were not recorded under the keys expected; batch undone");
    return rc;
}

/* Immediate: the batches append keys, which needs the writer lock from the start. */
static int begin(eccn_audit_store *w, eccn_error *err)
{
    if (w->in_tx)
        return ECCN_OK;
    int rc = eccn_ledger_exec(w->l, "BEGIN IMMEDIATE", err);
    w->in_tx = rc == ECCN_OK;
    return rc;
}

int eccn_audit_store_append(eccn_audit_store *w, const eccn_audit_rows *b, eccn_error *err)
{
    int rc = begin(w, err);
    if (rc == ECCN_OK)
        rc = insert_others(w, b, err);
    return rc == ECCN_OK ? insert_results(w, b, err) : rc;
}

static int save_progress(eccn_audit_store *w, const eccn_audit_progress *p, eccn_error *err)
{
    sqlite3_stmt *st = w->upd_run;
    sqlite3_bind_int64(st, 1, p->lines_read);
    sqlite3_bind_int64(st, 2, p->results);
    sqlite3_bind_int64(st, 3, p->errors);
    sqlite3_bind_int64(st, 4, p->offset);
    sqlite3_bind_int64(st, 5, p->next_line);
    sqlite3_bind_int64(st, 6, w->run_id);
    return step_reset(w->l, st, "cannot save progress", err);
}

/* Results and the position to resume from commit together: a kill between commits loses
 * nothing, a kill before one loses only what it would have committed. */
int eccn_audit_store_commit(eccn_audit_store *w, const eccn_audit_progress *p, eccn_error *err)
{
    int rc = begin(w, err);
    if (rc == ECCN_OK && p->sha256[0])
        rc = eccn_integrity_commit(w->l, w->run_id, p->offset, p->next_line, p->lines_read,
                                   p->sha256, err);
    if (rc == ECCN_OK && (rc = save_progress(w, p, err)) == ECCN_OK &&
        (rc = eccn_ledger_exec(w->l, "COMMIT", err)) == ECCN_OK) {
        w->in_tx = false;
        eccn_ledger_anchor(w->l);
    }
    return rc;
}

int eccn_audit_store_finish(eccn_audit_store *w, const eccn_audit_progress *p, const char *sha256,
                            long long size, eccn_error *err)
{
    sqlite3_stmt *st = NULL;
    char now[21];
    eccn_audit_progress done = *p;
    int rc = begin(w, err);
    done.next_line = 0;
    eccn_utc_now(now);
    if (rc != ECCN_OK || (rc = save_progress(w, &done, err)) != ECCN_OK ||
        (rc = eccn_ledger_prepare(w->l,
                                  "UPDATE audit_runs SET status='complete', finished_at=?, "
                                  "sha256=?, size=? WHERE id=?",
                                  &st, err)) != ECCN_OK)
        goto done;
    sqlite3_bind_text(st, 1, now, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, sha256, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, size);
    sqlite3_bind_int64(st, 4, w->run_id);
    if ((rc = step_reset(w->l, st, "cannot finish the audit run", err)) == ECCN_OK &&
        (rc = eccn_integrity_seal(w->l, w->run_id, err)) == ECCN_OK &&
        (rc = eccn_ledger_exec(w->l, "COMMIT", err)) == ECCN_OK) {
        w->in_tx = false;
        eccn_ledger_anchor(w->l);
    }
done:
    sqlite3_finalize(st);
    return rc;
}

void eccn_audit_store_close(eccn_audit_store *w)
{
    if (!w)
        return;
    if (w->in_tx)
        sqlite3_exec(eccn_ledger_db(w->l), "ROLLBACK", NULL, NULL, NULL);
    for (int i = 0; i < NSTMTS; i++)
        sqlite3_finalize(w->stmts[i]);
    sqlite3_finalize(w->upd_run);
    eccn_buf_free(&w->enc.buf);
    free(w);
}

/* An audit's commits are its evidence (15 CFR 762): each must be on disk when it returns, which
 * in WAL mode takes synchronous=FULL (NORMAL syncs only at checkpoints). Never lowered here. */
static int make_durable(eccn_ledger *l, eccn_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = eccn_ledger_prepare(l, "PRAGMA synchronous", &st, err);
    bool low = rc == ECCN_OK && sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) < 2;
    sqlite3_finalize(st);
    return rc == ECCN_OK && low ? eccn_ledger_exec(l, "PRAGMA synchronous=FULL", err) : rc;
}

static const char *const INSERT_SQL[NSTMTS] = {
    [STMT_RESULT] = "INSERT INTO audit_results(key, line_id, part_text, desc_text, quantity, "
                    "ship_date, eval_id, error, dest_text, consignee, end_user, hash) "
                    "VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
    [STMT_EVAL] = "INSERT INTO audit_evals(run_id, id, part_id, destination, headquarters, "
                  "epoch_date, status, eccn, verdict, review_policy, license_exceptions, "
                  "provisions, reason, tpp, pd, hq_given, hash) "
                  "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
    [STMT_TEXT] = "INSERT INTO audit_texts(run_id, id, text, hash) VALUES (?,?,?,?)",
    [STMT_MAXKEY] = "SELECT max(key) FROM audit_results",
    [STMT_PARTY] = "INSERT INTO audit_parties(run_id, id, name, country, result, effect, list, "
                   "entry_name, entity_number, note, screening, hash) "
                   "VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
};

static int prepare_all(eccn_audit_store *w, eccn_error *err)
{
    /* "INSERT ... VALUES (?,?,...),(?,?,...),..." for RESULTS_PER_INSERT rows */
    eccn_buf sql = {0};
    eccn_buf_puts(&sql, "INSERT INTO audit_results(key, line_id, part_text, desc_text, "
                        "quantity, ship_date, eval_id, error, dest_text, consignee, end_user, "
                        "hash) VALUES ");
    for (int i = 0; i < RESULTS_PER_INSERT; i++)
        eccn_buf_puts(&sql, i ? ",(?,?,?,?,?,?,?,?,?,?,?,?)" : "(?,?,?,?,?,?,?,?,?,?,?,?)");
    int rc =
        sql.data ? eccn_ledger_prepare(w->l, sql.data, &w->stmts[STMT_RESULTS], err) : ECCN_ENOMEM;
    eccn_buf_free(&sql);
    for (int i = 0; rc == ECCN_OK && i < NSTMTS; i++)
        if (INSERT_SQL[i])
            rc = eccn_ledger_prepare(w->l, INSERT_SQL[i], &w->stmts[i], err);
    if (rc == ECCN_OK)
        rc = eccn_ledger_prepare(w->l,
                                 "UPDATE audit_runs SET lines_read=?, results=?, errors=?, "
                                 "resume_offset=?, resume_line=? WHERE id=?",
                                 &w->upd_run, err);
    return rc;
}

int eccn_audit_store_open(eccn_ledger *l, long long run_id, eccn_audit_store **out, eccn_error *err)
{
    /* Its own cache lines: the reading thread's data must not share a line with the chain
     * state the inserting thread rewrites every row (that cost a tenth of its time). */
    eccn_audit_store *w = aligned_alloc(64, (sizeof *w + 63) / 64 * 64);
    int rc = w ? ECCN_OK : ECCN_ENOMEM;
    *out = NULL;
    if (!w)
        return rc;
    memset(w, 0, sizeof *w);
    w->l = l;
    w->run_id = run_id;
    /* Each table's chain continues from its last row in this run, or from the run's genesis. */
    if ((rc = make_durable(l, err)) != ECCN_OK ||
        (rc = eccn_integrity_run_head(l, run_id, "audit_texts", w->head[STMT_TEXT], err)) !=
            ECCN_OK ||
        (rc = eccn_integrity_run_head(l, run_id, "audit_evals", w->head[STMT_EVAL], err)) !=
            ECCN_OK ||
        (rc = eccn_integrity_run_head(l, run_id, "audit_results", w->head[STMT_RESULT], err)) !=
            ECCN_OK ||
        (rc = eccn_integrity_run_head(l, run_id, "audit_parties", w->head[STMT_PARTY], err)) !=
            ECCN_OK ||
        (rc = prepare_all(w, err)) != ECCN_OK) {
        eccn_audit_store_close(w);
        return rc;
    }
    *out = w;
    return ECCN_OK;
}

int eccn_audit_store_begin_run(eccn_ledger *l, const eccn_ruleset *rs, const char *file,
                               long long size, const char *options, long long *run_id,
                               eccn_error *err)
{
    sqlite3_stmt *st = NULL;
    char now[21];
    int rc;
    eccn_utc_now(now);
    if ((rc = make_durable(l, err)) != ECCN_OK ||
        (rc = eccn_ledger_quick_check(l, err)) != ECCN_OK ||
        (rc = eccn_ledger_exec(l, "BEGIN IMMEDIATE", err)) != ECCN_OK)
        return rc;
    if ((rc = eccn_ledger_note_revision(l, rs, err)) != ECCN_OK ||
        (rc = eccn_ledger_prepare(l,
                                  /* a purged run's number is never used again: its seal
                                   * and checkpoint keep naming it */
                                  "INSERT INTO audit_runs(id, file, sha256, size, rules_revision, "
                                  "options, started_at, status) VALUES (1 + (SELECT max(n) FROM "
                                  "(SELECT COALESCE(max(id), 0) AS n FROM audit_runs UNION ALL "
                                  "SELECT COALESCE(max(run_id), 0) FROM audit_seals UNION ALL "
                                  "SELECT COALESCE(max(run_id), 0) FROM ledger_checkpoints)), ?1, "
                                  "'', ?2, ?3, ?4, ?5, 'incomplete')",
                                  &st, err)) != ECCN_OK)
        goto done;
    sqlite3_bind_text(st, 1, file, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, size);
    sqlite3_bind_text(st, 3, rs->revision, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, options, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, now, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE) {
        rc = eccn_ledger_fail(l, "cannot start the audit run", err);
        goto done;
    }
    *run_id = sqlite3_last_insert_rowid(eccn_ledger_db(l));
    rc = eccn_ledger_exec(l, "COMMIT", err);
done:
    sqlite3_finalize(st);
    if (rc != ECCN_OK)
        sqlite3_exec(eccn_ledger_db(l), "ROLLBACK", NULL, NULL, NULL);
    return rc;
}

/* ---- reading ---- */

#define LINE_COLUMNS                                                                               \
    "r.key & 4294967295, COALESCE(r.line_id,''), COALESCE(p.text, d.text, ''), "                   \
    "COALESCE(e.destination, t.text, ''), r.ship_date, COALESCE(e.eccn,''), r.quantity, "          \
    "COALESCE(r.error, e.reason, ''), COALESCE(e.verdict, 'error'), COALESCE(e.part_id,''), "      \
    "r.quantity IS NOT NULL, " DECIDING("e") ", " PARTY_COLUMNS("c") ", " PARTY_COLUMNS("u")
#define PARTY_COLUMNS(p)                                                                           \
    "COALESCE(" p ".result,''), COALESCE(" p ".list,''), COALESCE(" p ".entry_name,''), "          \
    "COALESCE(" p ".entity_number,''), COALESCE(" p ".note,'')"
/* The provision that decided an evaluation's verdict (the first licence provision, else its
 * classification; a vendor row cited beside them is not a provision): id, citation, title; and its
 * licence exceptions by name, "; " between them. JSON in the row, plain text for --out. */
#define DECIDING_AT(e, what)                                                                       \
    "COALESCE((SELECT json_extract(value,'$." what "') FROM json_each(" e ".provisions) WHERE "    \
    "json_extract(value,'$.kind')<>'vendor' ORDER BY "                                             \
    "json_extract(value,'$.kind')='classification', key LIMIT 1),''), "
#define DECIDING(e)                                                                                \
    DECIDING_AT(e, "id")                                                                           \
    DECIDING_AT(e, "citation")                                                                     \
    DECIDING_AT(e, "title")                                                                        \
    "COALESCE((SELECT group_concat(value, '; ') FROM json_each(" e ".license_exceptions)),'')"
#define LINE_JOINS                                                                                 \
    "audit_results r LEFT JOIN audit_texts p ON p.run_id=?1 AND p.id=r.part_text "                 \
    "LEFT JOIN audit_texts d ON d.run_id=?1 AND d.id=r.desc_text "                                 \
    "LEFT JOIN audit_texts t ON t.run_id=?1 AND t.id=r.dest_text "                                 \
    "LEFT JOIN audit_evals e ON e.run_id=?1 AND e.id=r.eval_id "                                   \
    "LEFT JOIN audit_parties c ON c.run_id=?1 AND c.id=r.consignee "                               \
    "LEFT JOIN audit_parties u ON u.run_id=?1 AND u.id=r.end_user"
#define X_KEYS_OF_RUN1 ECCN_SQL_RUN_KEYS("x.key", "?1") /* audit diff's first run */

static const char *text_at(sqlite3_stmt *st, int col)
{
    return (const char *)sqlite3_column_text(st, col);
}

/* Prepares sql with the run bound as ?1 (and the second run, if any, as ?2). */
static int prepare_run(eccn_ledger *l, const char *sql, long long run, long long run2,
                       sqlite3_stmt **st, eccn_error *err)
{
    int rc = eccn_ledger_prepare(l, sql, st, err);
    if (rc == ECCN_OK) {
        sqlite3_bind_int64(*st, 1, run);
        if (run2)
            sqlite3_bind_int64(*st, 2, run2);
    }
    return rc;
}

/* Ends a loop over st's rows: the callback's status, else the step's. Finalizes st. */
static int end_rows(eccn_ledger *l, sqlite3_stmt *st, int rc, int step, const char *doing,
                    eccn_error *err)
{
    if (rc == ECCN_OK && step != SQLITE_DONE)
        rc = eccn_ledger_fail(l, doing, err);
    sqlite3_finalize(st);
    return rc;
}

int eccn_audit_store_run(eccn_ledger *l, long long run_id, eccn_audit_run_info *out,
                         eccn_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = prepare_run(l,
                         "SELECT status, file, sha256, options, size, lines_read, results, "
                         "errors, resume_offset, resume_line FROM audit_runs WHERE id=?1",
                         run_id, 0, &st, err);
    memset(out, 0, sizeof *out);
    if (rc != ECCN_OK)
        return rc;
    if (sqlite3_step(st) != SQLITE_ROW) {
        rc = eccn_fail(err, ECCN_ENOTFOUND, eccn_ledger_path(l), 0, 0, "no audit run %lld", run_id);
    } else {
        out->complete = strcmp(text_at(st, 0), "complete") == 0;
        snprintf(out->file, sizeof out->file, "%s", text_at(st, 1));
        snprintf(out->sha256, sizeof out->sha256, "%s", text_at(st, 2));
        snprintf(out->options, sizeof out->options, "%s", text_at(st, 3));
        long long *n[] = {&out->size,   &out->lines_read,    &out->results,
                          &out->errors, &out->resume_offset, &out->resume_line};
        for (int i = 0; i < 6; i++)
            *n[i] = sqlite3_column_int64(st, 4 + i);
    }
    sqlite3_finalize(st);
    return rc;
}

int eccn_audit_store_last_commit(eccn_ledger *l, long long run_id, eccn_audit_progress *out,
                                 eccn_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = prepare_run(l,
                         "SELECT c.offset, c.line, c.lines_read, c.sha256, r.resume_offset, "
                         "r.resume_line FROM audit_commits c JOIN audit_runs r ON r.id = c.run_id "
                         "WHERE c.run_id=?1 ORDER BY c.id DESC LIMIT 1",
                         run_id, 0, &st, err);
    memset(out, 0, sizeof *out);
    if (rc == ECCN_OK && sqlite3_step(st) != SQLITE_ROW)
        rc = ECCN_ENOTFOUND;
    if (rc == ECCN_OK) {
        out->offset = sqlite3_column_int64(st, 0);
        out->next_line = sqlite3_column_int64(st, 1);
        out->lines_read = sqlite3_column_int64(st, 2);
        snprintf(out->sha256, sizeof out->sha256, "%s", text_at(st, 3));
        if (out->offset != sqlite3_column_int64(st, 4) ||
            out->next_line != sqlite3_column_int64(st, 5))
            rc = eccn_fail(err, ECCN_ETAMPERED, eccn_ledger_path(l), 0, 0,
                           "audit run %lld would resume at byte %lld, but its last commit "
                           "recorded byte %lld: the ledger was changed outside eccn",
                           run_id, sqlite3_column_int64(st, 4), out->offset);
    }
    sqlite3_finalize(st);
    return rc;
}

/* The complete runs of this revision and options whose size (or digest) is the given one. */
static long long complete_run(eccn_ledger *l, const char *where, const char *sha256, long long size,
                              const char *revision, const char *options)
{
    char sql[256];
    sqlite3_stmt *st = NULL;
    long long id = 0;
    snprintf(sql, sizeof sql,
             "SELECT id FROM audit_runs WHERE %s=?1 AND rules_revision=?2 AND options=?3 AND "
             "status='complete' ORDER BY id DESC LIMIT 1",
             where);
    if (sqlite3_prepare_v2(eccn_ledger_db(l), sql, -1, &st, NULL) == SQLITE_OK) {
        if (sha256)
            sqlite3_bind_text(st, 1, sha256, -1, SQLITE_STATIC);
        else
            sqlite3_bind_int64(st, 1, size);
        sqlite3_bind_text(st, 2, revision, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, options, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW)
            id = sqlite3_column_int64(st, 0);
    }
    sqlite3_finalize(st);
    return id;
}

bool eccn_audit_store_may_match(eccn_ledger *l, long long size, const char *revision,
                                const char *options)
{
    return complete_run(l, "size", NULL, size, revision, options) != 0;
}

long long eccn_audit_store_find_complete(eccn_ledger *l, const char *sha256, const char *revision,
                                         const char *options)
{
    return complete_run(l, "sha256", sha256, 0, revision, options);
}

int eccn_audit_store_each_text(eccn_ledger *l, long long run_id,
                               int (*fn)(long long id, const char *text, size_t n, void *ctx),
                               void *ctx, eccn_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = prepare_run(l, "SELECT id, text FROM audit_texts WHERE run_id=?1 ORDER BY id", run_id,
                         0, &st, err),
        step = SQLITE_DONE;
    while (rc == ECCN_OK && (step = sqlite3_step(st)) == SQLITE_ROW)
        rc = fn(sqlite3_column_int64(st, 0), text_at(st, 1), (size_t)sqlite3_column_bytes(st, 1),
                ctx);
    return end_rows(l, st, rc, step, "cannot read the run's texts", err);
}

int eccn_audit_store_each_eval(eccn_ledger *l, long long run_id,
                               int (*fn)(const eccn_audit_eval_info *e, void *ctx), void *ctx,
                               eccn_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = prepare_run(
            l,
            "SELECT e.id, COALESCE(e.part_id,''), COALESCE(e.destination,''), e.hq_given, "
            "COALESCE(e.epoch_date,''), e.verdict, COALESCE(e.eccn,''), e.reason, "
            "COALESCE(c.n, 0), COALESCE(c.q, 0), " DECIDING(
                "e") " FROM audit_evals e LEFT JOIN (SELECT eval_id, "
                     "count(*) AS n, sum(quantity) AS q FROM audit_results r "
                     "WHERE " ECCN_SQL_R_KEYS_OF_RUN1
                     " GROUP BY eval_id) c ON c.eval_id = e.id WHERE e.run_id=?1 ORDER BY e.id",
            run_id, 0, &st, err),
        step = SQLITE_DONE;
    while (rc == ECCN_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
        eccn_audit_eval_info e = {.id = sqlite3_column_int64(st, 0),
                                  .part_id = text_at(st, 1),
                                  .destination = text_at(st, 2),
                                  .hq_given = text_at(st, 3),
                                  .epoch_date = text_at(st, 4),
                                  .verdict = text_at(st, 5),
                                  .eccn = text_at(st, 6),
                                  .reason = text_at(st, 7),
                                  .lines = sqlite3_column_int64(st, 8),
                                  .quantity = sqlite3_column_int64(st, 9),
                                  .provision = text_at(st, 10),
                                  .citation = text_at(st, 11),
                                  .title = text_at(st, 12),
                                  .exceptions = text_at(st, 13)};
        rc = fn(&e, ctx);
    }
    return end_rows(l, st, rc, step, "cannot read the run's evaluations", err);
}

int eccn_audit_store_each_line(eccn_ledger *l, long long run_id, eccn_audit_lines which,
                               long long limit,
                               int (*fn)(const eccn_audit_line_row *row, void *ctx), void *ctx,
                               eccn_error *err)
{
    static const char *const sql[] = {
        [ECCN_AUDIT_LINES_ALL] = "SELECT " LINE_COLUMNS " FROM " LINE_JOINS
                                 " WHERE " ECCN_SQL_R_KEYS_OF_RUN1 " ORDER BY r.key LIMIT ?2",
        [ECCN_AUDIT_LINES_LICENCE] =
            "SELECT " LINE_COLUMNS " FROM " LINE_JOINS " WHERE " ECCN_SQL_R_KEYS_OF_RUN1
            " AND e.verdict='license_required' ORDER BY r.key LIMIT ?2",
        [ECCN_AUDIT_LINES_ERRORS] =
            "SELECT " LINE_COLUMNS " FROM " LINE_JOINS " WHERE " ECCN_SQL_R_KEYS_OF_RUN1
            " AND r.eval_id IS NULL ORDER BY r.key LIMIT ?2"};
    sqlite3_stmt *st = NULL;
    int rc = prepare_run(l, sql[which], run_id, limit > 0 ? limit : -1, &st, err),
        step = SQLITE_DONE;
    while (rc == ECCN_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
        eccn_audit_line_row line = {.line = sqlite3_column_int64(st, 0),
                                    .line_id = text_at(st, 1),
                                    .part = text_at(st, 2),
                                    .destination = text_at(st, 3),
                                    .ship_date = sqlite3_column_int(st, 4),
                                    .eccn = text_at(st, 5),
                                    .quantity = sqlite3_column_int64(st, 6),
                                    .reason = text_at(st, 7),
                                    .verdict = text_at(st, 8),
                                    .resolved_part = text_at(st, 9),
                                    .quantity_known = sqlite3_column_int(st, 10) != 0,
                                    .provision = text_at(st, 11),
                                    .citation = text_at(st, 12),
                                    .title = text_at(st, 13),
                                    .exceptions = text_at(st, 14)};
        for (int p = 0; p < 2; p++)
            for (int k = 0; k < 5; k++)
                line.party[p][k] = text_at(st, 15 + p * 5 + k);
        rc = fn(&line, ctx);
    }
    return end_rows(l, st, rc, step, "cannot read the run's lines", err);
}

int eccn_audit_store_each_item(eccn_ledger *l, long long run_id,
                               int (*fn)(const eccn_audit_item_row *it, void *ctx), void *ctx,
                               eccn_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = prepare_run(l,
                         "SELECT r.key & 4294967295, r.line_id, e.part_id, e.destination, "
                         "e.hq_given, r.quantity FROM audit_results r JOIN audit_evals e ON "
                         "e.run_id=?1 AND e.id=r.eval_id WHERE " ECCN_SQL_R_KEYS_OF_RUN1
                         " ORDER BY r.key",
                         run_id, 0, &st, err),
        step = SQLITE_DONE;
    while (rc == ECCN_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
        eccn_audit_item_row it = {.line = sqlite3_column_int64(st, 0),
                                  .line_id = text_at(st, 1),
                                  .part_id = text_at(st, 2),
                                  .destination = text_at(st, 3),
                                  .hq_given = text_at(st, 4),
                                  .quantity = sqlite3_column_type(st, 5) == SQLITE_NULL
                                                  ? -1
                                                  : sqlite3_column_int64(st, 5)};
        rc = fn(&it, ctx);
    }
    return end_rows(l, st, rc, step, "cannot read the audit run", err);
}

int eccn_audit_store_diff(eccn_ledger *l, long long run_a, long long run_b,
                          int (*fn)(const eccn_audit_change *c, void *ctx), void *ctx,
                          eccn_error *err)
{
    sqlite3_stmt *st = NULL;
    /* Line n of run B is the row keyed (B << 32 | n): a primary-key lookup per line of A. */
    int rc = prepare_run(
            l,
            "SELECT x.key & 4294967295, COALESCE(x.line_id,''), COALESCE(p.text, d.text, ''), "
            "COALESCE(ex.destination, ey.destination, t.text, ''), COALESCE(ex.verdict,'error'), "
            "COALESCE(ex.eccn,'-'), x.ship_date, COALESCE(ey.verdict,'error'), "
            "COALESCE(ey.eccn,'-'), y.ship_date, COALESCE(ey.provisions,'[]'), "
            "COALESCE(y.error, ey.reason, '') "
            "FROM audit_results x JOIN audit_results y ON y.key = ?2 * 4294967296 + "
            "(x.key & 4294967295) "
            "LEFT JOIN audit_evals ex ON ex.run_id=?1 AND ex.id=x.eval_id "
            "LEFT JOIN audit_evals ey ON ey.run_id=?2 AND ey.id=y.eval_id "
            "LEFT JOIN audit_texts p ON p.run_id=?1 AND p.id=x.part_text "
            "LEFT JOIN audit_texts d ON d.run_id=?1 AND d.id=x.desc_text "
            "LEFT JOIN audit_texts t ON t.run_id=?1 AND t.id=x.dest_text "
            "WHERE " X_KEYS_OF_RUN1 " AND (COALESCE(ex.verdict,'error') "
            "IS NOT COALESCE(ey.verdict,'error') OR ex.eccn IS NOT ey.eccn) ORDER BY x.key",
            run_a, run_b, &st, err),
        step = SQLITE_DONE;
    while (rc == ECCN_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
        eccn_audit_change c = {.line = sqlite3_column_int64(st, 0)};
        const char **text[] = {
            &c.line_id,   &c.part,   &c.destination, &c.verdict_a,    &c.eccn_a,  NULL,
            &c.verdict_b, &c.eccn_b, NULL,           &c.provisions_b, &c.reason_b};
        for (int i = 0; i < 11; i++)
            if (text[i])
                *text[i] = text_at(st, i + 1);
        c.date_a = sqlite3_column_type(st, 6) == SQLITE_NULL ? 0 : sqlite3_column_int(st, 6);
        c.date_b = sqlite3_column_type(st, 9) == SQLITE_NULL ? 0 : sqlite3_column_int(st, 9);
        rc = fn(&c, ctx);
    }
    return end_rows(l, st, rc, step, "cannot compare runs", err);
}
