/*
 * schema.h: the ledger's schema (ledger module only). eccn_schema_migrations[v] brings a ledger
 * from version v to v + 1; eccn_schema_guards are the append-only triggers, created with version
 * 2. eccn_schema_listing lists a database's schema objects one a line (type, name, table, SQL),
 * in an order that does not depend on the order they were made in.
 */
#ifndef ECCN_SCHEMA_H
#define ECCN_SCHEMA_H

#include "ledger.h" /* ECCN_LEDGER_SCHEMA */

#include <sqlite3.h>

extern const char *const eccn_schema_migrations[ECCN_LEDGER_SCHEMA];
extern const char eccn_schema_guards[];
int eccn_schema_listing(sqlite3 *db, eccn_buf *out);

#endif
