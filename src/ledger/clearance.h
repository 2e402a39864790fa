/*
 * clearance.h: the screen_clearances table: a person's review of a possible match on the
 * screening lists (`eccn screen --clear`), one row per listed entry it set aside, each row hashed
 * onto the table's own chain (chain.h) so that `eccn ledger verify` finds a row changed, deleted
 * or inserted. Strings handed to a callback are valid during the call only.
 */
#ifndef ECCN_CLEARANCE_H
#define ECCN_CLEARANCE_H

#include "ledger.h"

typedef struct eccn_clearance_row {
    long long id; /* filled when recorded */
    const char *created_at, *user, *name, *norm_name, *country, *reason, *lists_revision;
    const char *list, *entity_number, *entry_name, *entry_hash;
} eccn_clearance_row;

/* Records the n rows in one transaction (ids and created_at filled in order). */
int eccn_clearance_add(eccn_ledger *l, eccn_clearance_row *rows, size_t n, eccn_error *err);
/* Each recorded row, oldest first; fn returning non-zero stops with that status. */
int eccn_clearance_each(eccn_ledger *l, int (*fn)(const eccn_clearance_row *row, void *ctx),
                        void *ctx, eccn_error *err);

#endif
