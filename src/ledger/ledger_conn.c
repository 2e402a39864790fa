/* ledger_conn.c: the connection helpers every file of the ledger module uses (ledger_internal.h).
 * They depend on nothing else of the module, so that integrity.c and the others need not call
 * back into ledger.c, which calls them. */
#include "ledger_internal.h"

int eccn_ledger_fail(eccn_ledger *l, const char *doing, eccn_error *err)
{
    return eccn_fail(err, ECCN_EDB, l->path, 0, 0, "%s: %s", doing, sqlite3_errmsg(l->db));
}

int eccn_ledger_prepare(eccn_ledger *l, const char *sql, sqlite3_stmt **st, eccn_error *err)
{
    return sqlite3_prepare_v2(l->db, sql, -1, st, NULL) == SQLITE_OK
               ? ECCN_OK
               : eccn_ledger_fail(l, "cannot prepare a ledger statement", err);
}

int eccn_ledger_exec(eccn_ledger *l, const char *sql, eccn_error *err)
{
    return sqlite3_exec(l->db, sql, NULL, NULL, NULL) == SQLITE_OK ? ECCN_OK
                                                                   : eccn_ledger_fail(l, sql, err);
}

sqlite3 *eccn_ledger_db(eccn_ledger *l)
{
    return l->db;
}

const char *eccn_ledger_path(const eccn_ledger *l)
{
    return l->path;
}

const char *eccn_ledger_col(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return t ? (const char *)t : "";
}
