/*
 * outfile.h: writing a file that a command produces (a report, an audit's --out) without ever
 * destroying a record or an input. The target is refused when it is a symbolic link, a directory,
 * or one of the protected files (the ledger and its -wal, -shm and -journal, the input being
 * read), compared by device and inode where they exist and by directory and name where they do
 * not yet (a file written as "ledger.db-wal" would be taken by SQLite as the ledger's log). An
 * existing file is replaced only with force. What is written goes to a temporary file in the same
 * directory (created with O_EXCL), is synced, and is renamed over the target only on commit, so a
 * failure half-way leaves the old file, or none, never a torn one.
 */
#ifndef ECCN_OUTFILE_H
#define ECCN_OUTFILE_H

#include "util.h"

#include <stdbool.h>
#include <stdio.h>

typedef struct eccn_outfile {
    FILE *f;    /* write here between open and commit */
    char *path; /* owned */
    char *tmp;  /* owned: the temporary file, until commit or abort */
    bool force;
} eccn_outfile;

/* Checks path against the rules above and opens its temporary file. protect lists the paths
 * that must never be written (NULL entries are skipped). ECCN_EINPUT when refused, with the
 * reason in err; on failure *o holds nothing to free. */
int eccn_outfile_open(const char *path, const char *const *protect, size_t nprotect, bool force,
                      eccn_outfile *o, eccn_error *err);
/* Flushes, syncs and renames the temporary file over the target, then syncs the directory. Frees
 * what o holds in every case; on failure the temporary file is removed. */
int eccn_outfile_commit(eccn_outfile *o, eccn_error *err);
/* Removes the temporary file and frees what o holds (after a failure while writing). */
void eccn_outfile_abort(eccn_outfile *o);

#endif
