/*
 * ledger_internal.h: what the files of the ledger module share and nothing outside it may use.
 * The ledger owns its schema and its SQL: only files under src/ledger/ include this header (and
 * so sqlite3.h); every other module calls the functions of ledger.h and its sibling headers.
 */
#ifndef ECCN_LEDGER_INTERNAL_H
#define ECCN_LEDGER_INTERNAL_H

#include "ledger.h"

#include <sqlite3.h>

#endif
