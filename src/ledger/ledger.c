/* ledger.c: the SQLite ledger (see ledger.h). */
#include "integrity.h"
#include "jsonw.h"
#include "anchor.h"
#include "ledger_internal.h"
#include "schema.h"
#include "schema_listing.h" /* generated at build time by src/ledger/gen */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* The write-ahead log outlives each process. SQLite's default is that the last connection to close
 * copies the log into the database and deletes it: two fsyncs, a file created and unlinked, and
 * a directory fsync, every `eccn check` (about 2.5 ms of a 9 ms check on the CI VM). Instead a
 * connection leaves the log in place, and whoever sees it grow past WAL_KEEP_FRAMES copies it
 * back and truncates it, so the next process's recovery (a scan of the log's valid frames) stays
 * short. (SQLite's own checkpoint at WAL_CHECKPOINT_FRAMES, during an audit, restarts the log in
 * place: the file may keep a size of a few MiB with only its newest frames valid.)
 * Nothing is less safe: a committed transaction in the log is part of the database; copy a ledger
 * with `eccn ledger backup` or SQLite's .backup, not by copying ledger.db alone. */
enum { WAL_KEEP_FRAMES = 64, WAL_CHECKPOINT_FRAMES = 1000 };
/* Concurrent writers wait for each other rather than fail: up to this long for a lock. */
enum { BUSY_WAIT_MS = 10000 };

/* The busy handler of every connection: try again every millisecond. SQLite's own handler sleeps
 * ever longer between tries, up to 100 ms; an audit holds the write lock but for short gaps, and
 * a `check` waiting beside it could sleep through them for a second or more. */
static int retry_soon(void *unused, int tries)
{
    (void)unused;
    if (tries >= BUSY_WAIT_MS)
        return 0;
    nanosleep(&(struct timespec){.tv_nsec = 1000000}, NULL);
    return 1;
}

static int note_wal(void *ctx, sqlite3 *db, const char *schema, int frames)
{
    eccn_ledger *l = ctx;
    l->wal_frames = frames;
    /* SQLite's own auto-checkpoint, which installing this hook replaces. */
    if (frames >= WAL_CHECKPOINT_FRAMES)
        sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
    return SQLITE_OK;
}

int eccn_ledger_backup(eccn_ledger *l, const char *dest, eccn_error *err)
{
    sqlite3_stmt *st = NULL;
    /* SQLite refuses a destination that exists and is not empty; an empty one would be filled. */
    if (access(dest, F_OK) == 0)
        return eccn_fail(err, ECCN_EINPUT, dest, 0, 0, "exists; a backup is written to a new file");
    int rc = eccn_ledger_prepare(l, "VACUUM INTO ?1", &st, err);
    if (rc == ECCN_OK) {
        sqlite3_bind_text(st, 1, dest, -1, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = eccn_ledger_fail(l, "cannot write the backup", err);
    }
    sqlite3_finalize(st);
    return rc;
}

void eccn_ledger_close(eccn_ledger *l)
{
    if (!l)
        return;
    sqlite3_finalize(l->ins_verdict);
    if (l->wal_frames > WAL_KEEP_FRAMES) {
        /* Without waiting: if another process is reading, the next writer will do it. */
        sqlite3_busy_handler(l->db, NULL, NULL);
        sqlite3_wal_checkpoint_v2(l->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
    }
    sqlite3_close(l->db);
    free(l->path);
    free(l->anchor_dir);
    eccn_sign_key_free(l->sign_key);
    free(l);
}

static int pragma_int(eccn_ledger *l, const char *sql, int *out, eccn_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(l->db, sql, -1, &st, NULL);
    if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW)
        *out = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW)
        return eccn_ledger_fail(l, "cannot read the ledger header (is this an eccn ledger?)", err);
    return ECCN_OK;
}

/* For eccn_ledger_open_brief: takes the ledger for this connection alone, or reports that another
 * connection has it open (SQLite then says SQLITE_BUSY at once: no waiting here). In exclusive
 * locking mode SQLite keeps the write-ahead log's index in the process's memory instead of the
 * shared -shm mapping, which a lone short-lived writer pays for in system calls and page faults
 * (a third of a millisecond on the CI VM, bench/check.sh). Any other failure also answers false:
 * the shared open that follows reports it. */
static bool take_alone(eccn_ledger *l)
{
    sqlite3_busy_handler(l->db, NULL, NULL);
    bool alone =
        sqlite3_exec(l->db, "PRAGMA locking_mode=EXCLUSIVE; SELECT count(*) FROM sqlite_schema",
                     NULL, NULL, NULL) == SQLITE_OK;
    sqlite3_busy_handler(l->db, retry_soon, NULL);
    return alone;
}

/* Brings the schema from version up to ECCN_LEDGER_SCHEMA, one transaction per step. */
static int migrate_from(eccn_ledger *l, int version, eccn_error *err)
{
    int rc = ECCN_OK;
    for (int v = version; v < ECCN_LEDGER_SCHEMA; v++) {
        char bump[128];
        snprintf(bump, sizeof bump, "PRAGMA user_version=%d; PRAGMA application_id=%d;", v + 1,
                 ECCN_LEDGER_APP_ID);
        if (sqlite3_exec(l->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
            return eccn_ledger_fail(l, "cannot start the schema migration", err);
        }
        /* Another process may have migrated while we waited for the lock. */
        int now = 0;
        if ((rc = pragma_int(l, "PRAGMA user_version", &now, err)) != ECCN_OK)
            goto rollback;
        if (now > v) {
            sqlite3_exec(l->db, "COMMIT", NULL, NULL, NULL);
            v = now - 1;
            continue;
        }
        if (sqlite3_exec(l->db, eccn_schema_migrations[v], NULL, NULL, NULL) != SQLITE_OK) {
            rc = eccn_ledger_fail(l, "schema migration failed", err);
            goto rollback;
        }
        if (v + 1 == 2 &&
            ((rc = eccn_integrity_chain_existing(l, err)) != ECCN_OK ||
             sqlite3_exec(l->db, eccn_schema_guards, NULL, NULL, NULL) != SQLITE_OK)) {
            if (rc == ECCN_OK)
                rc = eccn_ledger_fail(l, "schema migration failed", err);
            goto rollback;
        }
        /* The runs finished before seals existed are sealed now, so that the signed head names
         * them as one entry too. */
        if (v + 1 == 5 && (rc = eccn_integrity_seal_existing(l, err)) != ECCN_OK)
            goto rollback;
        if (sqlite3_exec(l->db, bump, NULL, NULL, NULL) != SQLITE_OK ||
            sqlite3_exec(l->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
            rc = eccn_ledger_fail(l, "schema migration failed", err);
            goto rollback;
        }
        continue;
    rollback:
        sqlite3_exec(l->db, "ROLLBACK", NULL, NULL, NULL);
        return rc;
    }
    return ECCN_OK;
}

/* The first line of a that b does not hold whole, or NULL. */
static const char *first_line_not_in(const char *a, const char *b)
{
    for (const char *line = a; line && *line;
         line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
        size_t n = strcspn(line, "\n") + 1;
        bool found = false;
        for (const char *p = b; p && *p && !found; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
            found = strncmp(p, line, n) == 0;
        if (!found)
            return line;
    }
    return NULL;
}

/* The ledger's schema (tables, indexes, triggers, views) must be exactly what eccn created: a
 * trigger added with sqlite3, say, could rewrite every verdict after eccn inserts it. Checked on
 * every open, before anything is written, against the listing that eccn's own migrations give
 * an empty database, made when eccn is built (building it on each open took 1.5 ms). */
static int check_schema(eccn_ledger *l, eccn_error *err)
{
    eccn_buf have = {0};
    const eccn_buf want = {.data = (char *)ECCN_SCHEMA_LISTING};
    int rc = ECCN_OK;
    if (eccn_schema_listing(l->db, &have) != ECCN_OK)
        rc = eccn_ledger_fail(l, "cannot read the ledger's schema", err);
    else if (strcmp(want.data, have.data ? have.data : "") != 0) {
        const char *kind = "changed or missing", *obj = first_line_not_in(want.data, have.data);
        if (!obj) {
            kind = "not created by eccn";
            obj = first_line_not_in(have.data, want.data);
        }
        int n = obj ? (int)strcspn(obj, "\t") : 0; /* the type */
        int m = obj ? (int)strcspn(obj + n + 1, "\t") : 0;
        rc = eccn_fail(err, ECCN_ETAMPERED, l->path, 0, 0,
                       "the ledger's schema is not what eccn created (%.*s %.*s: %s): it was "
                       "changed outside eccn; refusing to use it",
                       n, obj ? obj : "", m, obj ? obj + n + 1 : "", kind);
    }
    eccn_buf_free(&have);
    return rc;
}

/* create: make the file (and its directory) when absent. migrate: bring an older schema up to
 * date; a ledger that does not exist yet is never created by migrate alone. brief: try
 * take_alone first, and open shared when another connection has the ledger. */
static int open_db(const char *path, bool create, bool migrate, bool brief, eccn_ledger **out,
                   eccn_error *err)
{
    eccn_ledger *l = calloc(1, sizeof *l);
    /* One connection per thread of use: SQLite's own mutexes are not needed. */
    int rc = ECCN_OK,
        flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
    *out = NULL;
    if (!l || !(l->path = eccn_strdup(path))) {
        free(l);
        return ECCN_ENOMEM;
    }
    bool exists = access(path, F_OK) == 0;
    if (create && !exists && (rc = eccn_mkdirs_for(path, err)) != ECCN_OK)
        goto fail;
    /* Export records are the owner's alone, like the directory eccn_mkdirs_for makes: SQLite would
     * create the file 0644 less the umask, and gives the -wal and -shm files the database's mode.
     * An empty file is a new database to SQLite. EEXIST: another process made it meanwhile. */
    int fd = create && !exists ? open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600) : -1;
    if (fd >= 0)
        close(fd);
    else if (create && !exists && errno != EEXIST) {
        rc = eccn_fail(err, ECCN_EIO, path, 0, 0, "cannot create the ledger: %s", strerror(errno));
        goto fail;
    }
    if (!create && !exists) {
        rc = eccn_fail(err, ECCN_ENOTFOUND, path, 0, 0, "no ledger here");
        goto fail;
    }
    /* Memory statistics take a global mutex on every allocation (5% of an audit's time);
     * nothing reads them. Fails harmlessly once SQLite is initialised. */
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    if (sqlite3_open_v2(path, &l->db, flags, NULL) != SQLITE_OK) {
        rc = eccn_ledger_fail(l, "cannot open the ledger", err);
        goto fail;
    }
    sqlite3_extended_result_codes(l->db, 1);
    int persist = 1;
    sqlite3_file_control(l->db, "main", SQLITE_FCNTL_PERSIST_WAL, &persist);
    sqlite3_db_config(l->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
    sqlite3_wal_hook(l->db, note_wal, l);
    if (eccn_chain_register(l->db) != ECCN_OK) {
        rc = eccn_ledger_fail(l, "cannot register the chain function", err);
        goto fail;
    }
    sqlite3_busy_handler(l->db, retry_soon, NULL);
    if (brief && !take_alone(l)) {
        eccn_ledger_close(l);
        return open_db(path, create, migrate, false, out, err);
    }
    int app = 0, version = 0;
    if ((rc = pragma_int(l, "PRAGMA application_id", &app, err)) != ECCN_OK ||
        (rc = pragma_int(l, "PRAGMA user_version", &version, err)) != ECCN_OK)
        goto fail;
    if (app != ECCN_LEDGER_APP_ID) {
        int tables = 0;
        if ((rc = pragma_int(l, "SELECT count(*) FROM sqlite_schema", &tables, err)) != ECCN_OK)
            goto fail;
        if (tables > 0 || version != 0) {
            rc = eccn_fail(err, ECCN_EDB, path, 0, 0,
                           "this SQLite database is not an eccn ledger; refusing to write to it");
            goto fail;
        }
    }
    if (version > ECCN_LEDGER_SCHEMA) {
        rc = eccn_fail(err, ECCN_EDB, path, 0, 0,
                       "ledger schema %d is newer than this eccn understands (%d)", version,
                       ECCN_LEDGER_SCHEMA);
        goto fail;
    }
    /* FULL: a commit has fsynced the log before it returns, so a verdict `check` reports as
     * recorded survives an OS crash or power loss (NORMAL could drop it; 15 CFR 762 evidence).
     * WAL makes that one fsync per commit, where a rollback journal takes three, and readers
     * never block the writer. 8 KiB pages, for a new ledger only: an audit's million result rows
     * insert in about three quarters of the time they take with 4 KiB. */
    if (sqlite3_exec(l->db,
                     "PRAGMA page_size=8192; PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                     "PRAGMA foreign_keys=ON;",
                     NULL, NULL, NULL) != SQLITE_OK) {
        rc = eccn_ledger_fail(l, "cannot configure the ledger", err);
        goto fail;
    }
    if (!create && version == 0) {
        rc = eccn_fail(err, ECCN_EDB, path, 0, 0, "empty database, not an eccn ledger");
        goto fail;
    }
    if (migrate && (rc = migrate_from(l, version, err)) != ECCN_OK)
        goto fail;
    if ((migrate || version == ECCN_LEDGER_SCHEMA) && (rc = check_schema(l, err)) != ECCN_OK)
        goto fail;
    *out = l;
    return ECCN_OK;
fail:
    eccn_ledger_close(l);
    return rc;
}

int eccn_ledger_open(const char *path, eccn_ledger **out, eccn_error *err)
{
    return open_db(path, true, true, false, out, err);
}

int eccn_ledger_open_brief(const char *path, eccn_ledger **out, eccn_error *err)
{
    return open_db(path, true, true, true, out, err);
}

int eccn_ledger_open_present(const char *path, eccn_ledger **out, eccn_error *err)
{
    return open_db(path, false, true, false, out, err);
}

int eccn_ledger_open_existing(const char *path, eccn_ledger **out, eccn_error *err)
{
    return open_db(path, false, false, false, out, err);
}

static void metric_test_json(eccn_metric m, const char *op, double value, void *ctx)
{
    jsonw *w = ctx;
    jsonw_obj_begin(w);
    jsonw_kv_str(w, "metric", eccn_metric_name(m));
    jsonw_kv_str(w, "op", op);
    jsonw_key(w, "value");
    jsonw_num(w, value);
    jsonw_obj_end(w);
}

int eccn_ledger_quick_check(eccn_ledger *l, eccn_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = eccn_ledger_prepare(l, "PRAGMA quick_check(1)", &st, err), step = SQLITE_DONE;
    if (rc == ECCN_OK && (step = sqlite3_step(st)) == SQLITE_ROW &&
        strcmp(eccn_ledger_col(st, 0), "ok") != 0)
        rc = eccn_fail(err, ECCN_EDB, l->path, 0, 0,
                       "the ledger fails SQLite's quick check (%s): it accepts nothing until it "
                       "is restored from a backup (see `eccn ledger check`)",
                       eccn_ledger_col(st, 0));
    else if (rc == ECCN_OK && step != SQLITE_ROW)
        rc = eccn_ledger_fail(l, "the ledger fails SQLite's quick check", err);
    sqlite3_finalize(st);
    return rc;
}

int eccn_ledger_note_revision(eccn_ledger *l, const eccn_ruleset *rs, eccn_error *err)
{
    sqlite3_stmt *st = NULL;
    eccn_buf files = {0}, provs = {0};
    jsonw w;
    int rc = ECCN_OK;
    if (sqlite3_prepare_v2(l->db, "SELECT 1 FROM rules_revisions WHERE revision=?", -1, &st,
                           NULL) != SQLITE_OK)
        return eccn_ledger_fail(l, "cannot read rules revisions", err);
    sqlite3_bind_text(st, 1, rs->revision, -1, SQLITE_STATIC);
    int step = sqlite3_step(st);
    sqlite3_finalize(st);
    st = NULL;
    if (step == SQLITE_ROW)
        return ECCN_OK;
    jsonw_init(&w, &files);
    jsonw_arr_begin(&w);
    for (size_t i = 0; i < rs->nfiles; i++) {
        const char *base = strrchr(rs->files[i].path, '/');
        jsonw_str(&w, base ? base + 1 : rs->files[i].path);
    }
    jsonw_arr_end(&w);
    jsonw_init(&w, &provs);
    jsonw_arr_begin(&w);
    for (size_t i = 0; i < rs->nprovs; i++) {
        const eccn_provision *p = &rs->provs[i];
        char d[11];
        jsonw_obj_begin(&w);
        jsonw_kv_str(&w, "id", p->id);
        jsonw_kv_str(&w, "kind", eccn_prov_kind_name(p->kind));
        jsonw_kv_str(&w, "title", p->title);
        jsonw_kv_str(&w, "citation", p->citation);
        jsonw_kv_str(&w, "source", p->source);
        jsonw_kv_str(&w, "act", p->act->citation);
        eccn_date_format(p->effective, d);
        jsonw_kv_str(&w, "effective", d);
        jsonw_key(&w, "ends");
        if (p->ends == ECCN_DATE_NONE)
            jsonw_null(&w);
        else {
            eccn_date_format(p->ends, d);
            jsonw_str(&w, d);
        }
        jsonw_kv_str(&w, "eccn", p->eccn);
        /* The thresholds of a conjunctive classification, so that a report can draw the
         * paragraph's region years later from the ledger alone. */
        if (p->kind == ECCN_PROV_CLASSIFICATION && p->when) {
            jsonw_key(&w, "tests");
            jsonw_arr_begin(&w);
            int others = eccn_cond_conjunction(p->when, metric_test_json, &w);
            jsonw_arr_end(&w);
            jsonw_kv_int(&w, "other_tests", others);
        }
        jsonw_obj_end(&w);
    }
    jsonw_arr_end(&w);
    if (w.status != ECCN_OK || !files.data) {
        rc = ECCN_ENOMEM;
        goto done;
    }
    char now[21];
    eccn_utc_now(now);
    if (sqlite3_prepare_v2(l->db,
                           "INSERT OR IGNORE INTO rules_revisions(revision, recorded_at, files, "
                           "provisions) VALUES (?,?,?,?)",
                           -1, &st, NULL) != SQLITE_OK) {
        rc = eccn_ledger_fail(l, "cannot record the rules revision", err);
        goto done;
    }
    sqlite3_bind_text(st, 1, rs->revision, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, files.data, (int)files.len, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, provs.data, (int)provs.len, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE)
        rc = eccn_ledger_fail(l, "cannot record the rules revision", err);
done:
    sqlite3_finalize(st);
    eccn_buf_free(&files);
    eccn_buf_free(&provs);
    return rc;
}

#define VERDICT_COLUMNS                                                                            \
    "created_at, user, tool_version, rules_revision, input_kind, input, spec, part_id, "           \
    "part_name, destination, headquarters, hq_assumed, ship_date, quantity, consignee, metrics, "  \
    "status, eccn, verdict, review_policy, license_exceptions, provisions, explanation, what_if"

static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
    if (s)
        sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, i);
}

static int insert_verdict(eccn_ledger *l, const eccn_verdict_row *r, long long *id, eccn_error *err)
{
    /* The id and the previous hash are read by the INSERT itself, which holds the write lock
     * from its start: concurrent writers chain one after another. A purge that removed every
     * verdict leaves the chain's continuation in its checkpoint. */
    static const char sql[] =
        "INSERT INTO verdicts(id, " VERDICT_COLUMNS ", hash) "
        "SELECT n.id, ?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20,"
        "?21,?22,?23,?24, eccn_chain(n.prev, n.id, ?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,"
        "?11,?12,?13,?14,?15,?16,?17,?18,?19,?20,?21,?22,?23,?24) FROM (SELECT "
        "COALESCE((SELECT id FROM verdicts ORDER BY id DESC LIMIT 1), (SELECT last_key FROM "
        "ledger_checkpoints WHERE chain='verdicts' ORDER BY id DESC LIMIT 1), 0) + 1 AS id, "
        "COALESCE((SELECT hash FROM verdicts ORDER BY id DESC LIMIT 1), (SELECT last_hash FROM "
        "ledger_checkpoints WHERE chain='verdicts' ORDER BY id DESC LIMIT 1), ?25) AS prev) n";
    if (!l->ins_verdict && sqlite3_prepare_v2(l->db, sql, -1, &l->ins_verdict, NULL) != SQLITE_OK)
        return eccn_ledger_fail(l, "cannot prepare the verdict insert", err);
    sqlite3_stmt *st = l->ins_verdict;
    const char *text[] = {r->created_at, r->user,        r->tool_version, r->rules_revision,
                          r->input_kind, r->input,       r->spec,         r->part_id,
                          r->part_name,  r->destination, r->headquarters};
    for (int i = 0; i < 11; i++)
        bind_text(st, i + 1, text[i]);
    sqlite3_bind_int(st, 12, r->hq_assumed);
    bind_text(st, 13, r->ship_date);
    sqlite3_bind_int64(st, 14, r->quantity);
    const char *rest[] = {r->consignee,
                          r->metrics,
                          r->status,
                          r->eccn,
                          r->verdict,
                          r->review_policy,
                          r->license_exceptions,
                          r->provisions,
                          r->explanation,
                          r->what_if};
    for (int i = 0; i < 10; i++)
        bind_text(st, 15 + i, rest[i]);
    unsigned char genesis[ECCN_HASH_LEN];
    if (eccn_integrity_verdicts_genesis(genesis) != ECCN_OK)
        return ECCN_ENOMEM;
    sqlite3_bind_blob(st, 25, genesis, ECCN_HASH_LEN, SQLITE_TRANSIENT);
    int step = sqlite3_step(st);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    if (step != SQLITE_DONE)
        return eccn_ledger_fail(l, "cannot record the verdict", err);
    *id = sqlite3_last_insert_rowid(l->db);
    return ECCN_OK;
}

int eccn_ledger_add_verdicts(eccn_ledger *l, eccn_verdict_entry *v, size_t n, eccn_error *err)
{
    /* The revision rows and the verdict rows are one transaction: all or none. COMMIT returns
     * once the log is fsynced (synchronous=FULL). */
    int rc = eccn_ledger_exec(l, "BEGIN IMMEDIATE", err);
    if (rc != ECCN_OK)
        return rc;
    for (size_t i = 0; rc == ECCN_OK && i < n; i++) {
        bool noted = false; /* a batch holds one or two revisions (a reload): noted once each */
        for (size_t k = 0; k < i && !noted; k++)
            noted = v[k].rs == v[i].rs;
        if (!noted)
            rc = eccn_ledger_note_revision(l, v[i].rs, err);
        if (rc == ECCN_OK)
            rc = insert_verdict(l, v[i].row, &v[i].id, err);
    }
    if (rc != ECCN_OK || (rc = eccn_ledger_exec(l, "COMMIT", err)) != ECCN_OK)
        sqlite3_exec(l->db, "ROLLBACK", NULL, NULL, NULL);
    else
        eccn_ledger_anchor(l);
    return rc;
}

int eccn_ledger_add_verdict(eccn_ledger *l, const eccn_ruleset *rs, const eccn_verdict_row *row,
                            long long *id, eccn_error *err)
{
    eccn_verdict_entry v = {.rs = rs, .row = row};
    /* A ledger SQLite finds damaged accepts nothing (security.md): the quick check reads every
     * page, a few milliseconds for a ledger of thousands of verdicts, 0.17 s at 190 MB, which
     * a check that records evidence can afford. (`eccn serve` checks once when it starts, and
     * writes its batches through eccn_ledger_add_verdicts.) */
    int rc = eccn_ledger_quick_check(l, err);
    *id = 0;
    if (rc == ECCN_OK)
        rc = eccn_ledger_add_verdicts(l, &v, 1, err);
    *id = v.id;
    return rc;
}

static char *col_dup(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return t ? eccn_strdup((const char *)t) : NULL;
}

static void row_from_stmt(sqlite3_stmt *st, eccn_verdict_row *r)
{
    memset(r, 0, sizeof *r);
    r->id = sqlite3_column_int64(st, 0);
    char **text[] = {&r->created_at, &r->user,        &r->tool_version, &r->rules_revision,
                     &r->input_kind, &r->input,       &r->spec,         &r->part_id,
                     &r->part_name,  &r->destination, &r->headquarters};
    for (int i = 0; i < 11; i++)
        *text[i] = col_dup(st, i + 1);
    r->hq_assumed = sqlite3_column_int(st, 12);
    r->ship_date = col_dup(st, 13);
    r->quantity = sqlite3_column_int64(st, 14);
    char **rest[] = {&r->consignee,
                     &r->metrics,
                     &r->status,
                     &r->eccn,
                     &r->verdict,
                     &r->review_policy,
                     &r->license_exceptions,
                     &r->provisions,
                     &r->explanation,
                     &r->what_if};
    for (int i = 0; i < 10; i++)
        *rest[i] = col_dup(st, 15 + i);
}

void eccn_verdict_row_free(eccn_verdict_row *r)
{
    char *all[] = {r->created_at,
                   r->user,
                   r->tool_version,
                   r->rules_revision,
                   r->input_kind,
                   r->input,
                   r->spec,
                   r->part_id,
                   r->part_name,
                   r->destination,
                   r->headquarters,
                   r->ship_date,
                   r->consignee,
                   r->metrics,
                   r->status,
                   r->eccn,
                   r->verdict,
                   r->review_policy,
                   r->license_exceptions,
                   r->provisions,
                   r->explanation,
                   r->what_if};
    for (size_t i = 0; i < sizeof all / sizeof *all; i++)
        free(all[i]);
    memset(r, 0, sizeof *r);
}

int eccn_ledger_get_verdict(eccn_ledger *l, long long id, eccn_verdict_row *row, eccn_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = ECCN_OK;
    if (sqlite3_prepare_v2(l->db, "SELECT id, " VERDICT_COLUMNS " FROM verdicts WHERE id=?", -1,
                           &st, NULL) != SQLITE_OK)
        return eccn_ledger_fail(l, "cannot read verdicts", err);
    sqlite3_bind_int64(st, 1, id);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW)
        row_from_stmt(st, row);
    else if (step == SQLITE_DONE)
        rc = eccn_fail(err, ECCN_ENOTFOUND, l->path, 0, 0, "no verdict with id %lld", id);
    else
        rc = eccn_ledger_fail(l, "cannot read verdicts", err);
    sqlite3_finalize(st);
    return rc;
}

int eccn_ledger_each_verdict(eccn_ledger *l, const char *since,
                             int (*fn)(const eccn_verdict_row *row, void *ctx), void *ctx,
                             eccn_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = ECCN_OK, step;
    if (sqlite3_prepare_v2(l->db,
                           "SELECT id, " VERDICT_COLUMNS
                           " FROM verdicts WHERE ?1 IS NULL OR created_at >= ?1 ORDER BY id",
                           -1, &st, NULL) != SQLITE_OK)
        return eccn_ledger_fail(l, "cannot read verdicts", err);
    bind_text(st, 1, since);
    while (rc == ECCN_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
        eccn_verdict_row row;
        row_from_stmt(st, &row);
        rc = fn(&row, ctx);
        eccn_verdict_row_free(&row);
    }
    if (rc == ECCN_OK && step != SQLITE_DONE)
        rc = eccn_ledger_fail(l, "cannot read verdicts", err);
    sqlite3_finalize(st);
    return rc;
}
