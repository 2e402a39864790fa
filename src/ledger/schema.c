/*
 * schema.c: the ledger's schema, as the migrations that build it step by step, and its listing.
 * Only SQL text and one query: src/ledger/gen builds the expected listing from this file alone
 * when eccn is built, and ledger.c runs the migrations and compares the listing on open.
 */
#include "schema.h"

#include <stdio.h>

/* Append-only tables: UPDATE and DELETE fail unless `eccn ledger purge` is at work. They stop
 * mistakes and casual edits; a determined editor can drop them, which the chain then shows. */
#define GUARD(table, what)                                                                         \
    "CREATE TRIGGER " table "_no_" what " BEFORE " what " ON " table                               \
    " WHEN (SELECT purging FROM ledger_control) IS NOT 1 BEGIN SELECT RAISE(ABORT, 'eccn "         \
    "ledger: " table " rows are append-only; only eccn ledger purge removes them'); END;"
/* Tables no command changes or empties, not even a purge. */
#define FIXED(table, what)                                                                         \
    "CREATE TRIGGER " table "_no_" what " BEFORE " what " ON " table " BEGIN SELECT "              \
    "RAISE(ABORT, 'eccn ledger: " table " rows are kept as written'); END;"

/* Schema version 1. Later versions append a step to eccn_schema_migrations; never edit a shipped
 * one. */
const char *const eccn_schema_migrations[ECCN_LEDGER_SCHEMA] = {
    /* 0 -> 1 */
    "CREATE TABLE rules_revisions("
    "  revision TEXT PRIMARY KEY,"
    "  recorded_at TEXT NOT NULL,"
    "  files TEXT NOT NULL,"     /* JSON array of file names */
    "  provisions TEXT NOT NULL" /* JSON array of {id, kind, title, citation, source, ...} */
    ");"
    "CREATE TABLE verdicts("
    "  id INTEGER PRIMARY KEY,"
    "  created_at TEXT NOT NULL,"
    "  user TEXT NOT NULL,"
    "  tool_version TEXT NOT NULL,"
    "  rules_revision TEXT NOT NULL REFERENCES rules_revisions(revision),"
    "  input_kind TEXT NOT NULL CHECK (input_kind IN ('sku','spec')),"
    "  input TEXT NOT NULL,"
    "  spec TEXT NOT NULL,"
    "  part_id TEXT, part_name TEXT,"
    "  destination TEXT NOT NULL, headquarters TEXT NOT NULL, hq_assumed INTEGER NOT NULL,"
    "  ship_date TEXT NOT NULL, quantity INTEGER NOT NULL, consignee TEXT,"
    "  metrics TEXT NOT NULL, status TEXT NOT NULL, eccn TEXT, verdict TEXT NOT NULL,"
    "  review_policy TEXT, license_exceptions TEXT NOT NULL, provisions TEXT NOT NULL,"
    "  explanation TEXT NOT NULL, what_if TEXT"
    ");"
    "CREATE INDEX verdicts_created ON verdicts(created_at);"
    "CREATE TABLE audit_runs("
    "  id INTEGER PRIMARY KEY,"
    "  file TEXT NOT NULL, sha256 TEXT NOT NULL, size INTEGER NOT NULL,"
    "  rules_revision TEXT NOT NULL REFERENCES rules_revisions(revision),"
    "  options TEXT NOT NULL,"
    "  started_at TEXT NOT NULL, finished_at TEXT,"
    "  status TEXT NOT NULL CHECK (status IN ('incomplete','complete')),"
    "  lines_read INTEGER NOT NULL DEFAULT 0,"
    "  results INTEGER NOT NULL DEFAULT 0,"
    "  errors INTEGER NOT NULL DEFAULT 0,"
    "  resume_offset INTEGER NOT NULL DEFAULT 0,"
    "  resume_line INTEGER NOT NULL DEFAULT 0"
    ");"
    "CREATE INDEX audit_runs_file ON audit_runs(sha256, rules_revision);"
    /* Distinct evaluations and distinct raw strings of a run: a million lines of inventory carry
     * a few hundred distinct parts and questions, so lines refer to them by number. */
    "CREATE TABLE audit_evals("
    "  run_id INTEGER NOT NULL REFERENCES audit_runs(id), id INTEGER NOT NULL,"
    "  part_id TEXT, destination TEXT, headquarters TEXT, epoch_date TEXT,"
    "  status TEXT, eccn TEXT, verdict TEXT NOT NULL, review_policy TEXT,"
    "  license_exceptions TEXT, provisions TEXT, reason TEXT, tpp REAL, pd REAL, hq_given TEXT,"
    "  PRIMARY KEY (run_id, id)) WITHOUT ROWID;"
    "CREATE TABLE audit_texts("
    "  run_id INTEGER NOT NULL REFERENCES audit_runs(id), id INTEGER NOT NULL, text TEXT NOT NULL,"
    "  PRIMARY KEY (run_id, id)) WITHOUT ROWID;"
    /* One row per input line. The rowid packs run and line (run << 32 | line) so that a million
     * results append to one B-tree with no secondary index: the fastest shape SQLite has. */
    "CREATE TABLE audit_results("
    "  key INTEGER PRIMARY KEY,"
    "  line_id TEXT, part_text INTEGER, desc_text INTEGER,"
    "  quantity INTEGER, ship_date INTEGER," /* YYYYMMDD */
    "  eval_id INTEGER, error TEXT);"
    "CREATE VIEW audit_results_v AS SELECT key >> 32 AS run_id, key & 4294967295 AS line,"
    "  line_id, part_text, desc_text, quantity,"
    "  CASE WHEN ship_date IS NULL THEN NULL ELSE printf('%04d-%02d-%02d', ship_date / 10000,"
    "  ship_date / 100 % 100, ship_date % 100) END AS ship_date, eval_id, error"
    "  FROM audit_results;"
    "CREATE VIEW audit_lines AS SELECT r.run_id, r.line, r.line_id,"
    "  p.text AS part, d.text AS description, e.part_id AS resolved_part, r.quantity,"
    "  e.destination, e.headquarters, r.ship_date, COALESCE(e.verdict, 'error') AS verdict,"
    "  e.status, e.eccn, e.review_policy, e.license_exceptions, e.provisions, e.tpp, e.pd,"
    "  COALESCE(r.error, e.reason) AS reason"
    "  FROM audit_results_v r"
    "  LEFT JOIN audit_texts p ON p.run_id = r.run_id AND p.id = r.part_text"
    "  LEFT JOIN audit_texts d ON d.run_id = r.run_id AND d.id = r.desc_text"
    "  LEFT JOIN audit_evals e ON e.run_id = r.run_id AND e.id = r.eval_id;",
    /* 1 -> 2: the hash chain (chain.h), retention and legal hold. Existing rows are chained by
     * chain_existing() in the same transaction; the triggers come after it (GUARDS). */
    "ALTER TABLE verdicts ADD COLUMN hash BLOB;"
    "ALTER TABLE audit_texts ADD COLUMN hash BLOB;"
    "ALTER TABLE audit_evals ADD COLUMN hash BLOB;"
    "ALTER TABLE audit_results ADD COLUMN hash BLOB;"
    /* purging is 1 only inside `eccn ledger purge`'s transaction: the triggers below let rows
     * go then and at no other time. */
    "CREATE TABLE ledger_control(id INTEGER PRIMARY KEY CHECK (id = 1),"
    "  purging INTEGER NOT NULL DEFAULT 0);"
    "INSERT INTO ledger_control VALUES (1, 0);"
    /* What a purge removed from a chain, and the hash the chain continues from. */
    "CREATE TABLE ledger_checkpoints("
    "  id INTEGER PRIMARY KEY, chain TEXT NOT NULL, run_id INTEGER,"
    "  first_key INTEGER NOT NULL, last_key INTEGER NOT NULL, rows INTEGER NOT NULL,"
    "  last_hash BLOB, before_date TEXT NOT NULL, purged_at TEXT NOT NULL, user TEXT NOT NULL);"
    "CREATE TABLE holds("
    "  id INTEGER PRIMARY KEY, verdict_id INTEGER, run_id INTEGER, reason TEXT NOT NULL,"
    "  placed_at TEXT NOT NULL, placed_by TEXT NOT NULL, released_at TEXT, released_by TEXT,"
    "  CHECK ((verdict_id IS NULL) <> (run_id IS NULL)));",
    /* 2 -> 3: the ledger's identity, chosen once, which its signed head (head.h) names. */
    "CREATE TABLE ledger_identity(id TEXT NOT NULL CHECK (length(id) = 64));"
    "INSERT INTO ledger_identity VALUES (lower(hex(randomblob(32))));"
    "CREATE TRIGGER ledger_identity_fixed BEFORE UPDATE ON ledger_identity BEGIN SELECT "
    "RAISE(ABORT, 'eccn ledger: the identity is fixed'); END;"
    "CREATE TRIGGER ledger_identity_kept BEFORE DELETE ON ledger_identity BEGIN SELECT "
    "RAISE(ABORT, 'eccn ledger: the identity is kept'); END;",
    /* 3 -> 4: a line in error keeps the destination it was given (an audit_texts id), since it
     * has no evaluation to name one; audit_lines shows it. */
    "ALTER TABLE audit_results ADD COLUMN dest_text INTEGER;"
    "DROP VIEW audit_results_v;"
    "DROP VIEW audit_lines;"
    "CREATE VIEW audit_results_v AS SELECT key >> 32 AS run_id, key & 4294967295 AS line,"
    "  line_id, part_text, desc_text, quantity,"
    "  CASE WHEN ship_date IS NULL THEN NULL ELSE printf('%04d-%02d-%02d', ship_date / 10000,"
    "  ship_date / 100 % 100, ship_date % 100) END AS ship_date, eval_id, error, dest_text"
    "  FROM audit_results;"
    "CREATE VIEW audit_lines AS SELECT r.run_id, r.line, r.line_id,"
    "  p.text AS part, d.text AS description, e.part_id AS resolved_part, r.quantity,"
    "  COALESCE(e.destination, t.text) AS destination, e.headquarters, r.ship_date,"
    "  COALESCE(e.verdict, 'error') AS verdict,"
    "  e.status, e.eccn, e.review_policy, e.license_exceptions, e.provisions, e.tpp, e.pd,"
    "  COALESCE(r.error, e.reason) AS reason"
    "  FROM audit_results_v r"
    "  LEFT JOIN audit_texts p ON p.run_id = r.run_id AND p.id = r.part_text"
    "  LEFT JOIN audit_texts d ON d.run_id = r.run_id AND d.id = r.desc_text"
    "  LEFT JOIN audit_texts t ON t.run_id = r.run_id AND t.id = r.dest_text"
    "  LEFT JOIN audit_evals e ON e.run_id = r.run_id AND e.id = r.eval_id;",
    /* 4 -> 5: what a resumed audit checks, releases as records of their own, finished runs
     * sealed. audit_commits: at each commit of a run, where it stood and the SHA-256 of the
     * input's bytes judged so far (a workbook: of the whole file), chained per run like its
     * lines, so that --resume refuses a file whose judged part changed. hold_releases: a hold is
     * released by a row here, never by changing the hold; the releases recorded before are
     * carried over. audit_seals: a finished run's chain ends and its record, sealed
     * in one chain, so that the signed head names one entry for all finished runs (anchor.c);
     * a purge keeps the seals. */
    "CREATE TABLE audit_commits("
    "  run_id INTEGER NOT NULL REFERENCES audit_runs(id), id INTEGER NOT NULL,"
    "  offset INTEGER NOT NULL, line INTEGER NOT NULL, lines_read INTEGER NOT NULL,"
    "  sha256 TEXT NOT NULL, hash BLOB,"
    "  PRIMARY KEY (run_id, id)) WITHOUT ROWID;"
    "CREATE TABLE hold_releases("
    "  id INTEGER PRIMARY KEY, hold_id INTEGER NOT NULL REFERENCES holds(id),"
    "  released_at TEXT NOT NULL, released_by TEXT NOT NULL, signature BLOB);"
    "INSERT INTO hold_releases(hold_id, released_at, released_by) SELECT id, released_at,"
    "  COALESCE(released_by, '') FROM holds WHERE released_at IS NOT NULL ORDER BY id;"
    "CREATE TABLE audit_seals("
    "  id INTEGER PRIMARY KEY, run_id INTEGER NOT NULL UNIQUE, record BLOB, final BLOB,"
    "  texts INTEGER NOT NULL, texts_hash BLOB, evals INTEGER NOT NULL, evals_hash BLOB,"
    "  results INTEGER NOT NULL, results_hash BLOB, commits INTEGER NOT NULL, commits_hash BLOB,"
    "  hash BLOB);"
    "CREATE INDEX audit_runs_status ON audit_runs(status);"
    /* A release and a purge's checkpoint are signed when written, by the key of the signed
     * head (anchor.c): one added by hand carries no authority. Those written before are
     * covered by the heads signed since. */
    "ALTER TABLE ledger_checkpoints ADD COLUMN signature BLOB;"
    /* and the recordkeeping period, in years, that the purge applied */
    "ALTER TABLE ledger_checkpoints ADD COLUMN years INTEGER;" GUARD("audit_commits", "UPDATE")
        GUARD("audit_commits", "DELETE") GUARD("hold_releases", "UPDATE")
            GUARD("hold_releases", "DELETE") FIXED("audit_seals", "UPDATE")
                FIXED("audit_seals", "DELETE") FIXED("holds", "UPDATE") FIXED("holds", "DELETE"),
    /* 5 -> 6: denied-party screening (src/screen). Each distinct party an audit screened, once
     * per run, chained with the run's other rows; a line names its consignee's and end user's
     * rows (NULL when none: such rows hash as before, chain.h). A person's review of a possible
     * match (screen --clear), one row per listed entry it set aside, on its own chain. */
    "CREATE TABLE audit_parties("
    "  run_id INTEGER NOT NULL REFERENCES audit_runs(id), id INTEGER NOT NULL,"
    "  name TEXT NOT NULL, country TEXT, result TEXT NOT NULL, effect TEXT NOT NULL,"
    "  list TEXT, entry_name TEXT, entity_number TEXT, note TEXT, screening TEXT NOT NULL,"
    "  hash BLOB, PRIMARY KEY (run_id, id)) WITHOUT ROWID;"
    "ALTER TABLE audit_results ADD COLUMN consignee INTEGER;"
    "ALTER TABLE audit_results ADD COLUMN end_user INTEGER;"
    "CREATE TABLE screen_clearances("
    "  id INTEGER PRIMARY KEY, created_at TEXT NOT NULL, user TEXT NOT NULL,"
    "  name TEXT NOT NULL, norm_name TEXT NOT NULL, country TEXT NOT NULL, reason TEXT NOT NULL,"
    "  lists_revision TEXT NOT NULL, list TEXT NOT NULL, entity_number TEXT NOT NULL,"
    "  entry_name TEXT NOT NULL, entry_hash TEXT NOT NULL, hash BLOB);" GUARD(
        "audit_parties", "UPDATE") GUARD("audit_parties", "DELETE")
        FIXED("screen_clearances", "UPDATE") FIXED("screen_clearances", "DELETE")};

const char eccn_schema_guards[] =
    GUARD("verdicts", "UPDATE") GUARD("verdicts", "DELETE") GUARD("audit_texts", "UPDATE") GUARD(
        "audit_texts", "DELETE") GUARD("audit_evals", "UPDATE") GUARD("audit_evals", "DELETE")
        GUARD("audit_results", "UPDATE") GUARD("audit_results", "DELETE") GUARD(
            "audit_runs",
            "DELETE") "CREATE TRIGGER audit_runs_fixed BEFORE UPDATE OF id, file, rules_revision, "
                      "options, started_at ON audit_runs BEGIN SELECT RAISE(ABORT, 'eccn ledger: "
                      "an audit run''s file, rules, options and start are fixed'); END;"
                      "CREATE TRIGGER checkpoints_fixed BEFORE UPDATE ON ledger_checkpoints BEGIN "
                      "SELECT RAISE(ABORT, 'eccn ledger: checkpoints are fixed'); END;"
                      "CREATE TRIGGER checkpoints_kept BEFORE DELETE ON ledger_checkpoints BEGIN "
                      "SELECT RAISE(ABORT, 'eccn ledger: checkpoints are kept'); END;";

int eccn_schema_listing(sqlite3 *db, eccn_buf *out)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db,
                                "SELECT type, name, tbl_name, sql FROM sqlite_schema "
                                "ORDER BY type, name",
                                -1, &st, NULL) == SQLITE_OK
                 ? ECCN_OK
                 : ECCN_EDB;
    eccn_buf_reset(out);
    while (rc == ECCN_OK && sqlite3_step(st) == SQLITE_ROW)
        for (int i = 0; rc == ECCN_OK && i < 4; i++) {
            const unsigned char *t = sqlite3_column_text(st, i);
            rc = eccn_buf_printf(out, "%s%c", t ? (const char *)t : "", i == 3 ? '\n' : '\t');
        }
    sqlite3_finalize(st);
    return rc;
}
