/*
 * walbuf.h: a SQLite VFS that gathers the writes of a write-ahead log into larger ones.
 *
 * SQLite writes each log frame as two writes, its 24-byte header and then the page: an audit of a
 * million lines makes some 17,000 of them on the inserting thread, and on the CI VM a system call
 * costs more than the copy it makes. Through this VFS a log's appended frames collect in a buffer
 * (1 MiB) and reach the file in one write, at the latest when the frame that commits a transaction
 * has been written, before SQLite goes on to publish the commit: the commit is in the file, as
 * with the default VFS, before any other connection can see it or the caller learns of it, and a
 * failed write fails the commit. Every other operation on the log (read, size, sync, truncate,
 * file control, close) and any write that does not continue the buffer first writes what is
 * gathered. The database file and every other file are the default VFS's, untouched.
 *
 * Commits are found in the log's file format (sqlite.org/fileformat2.html, "WAL file format"):
 * frames of 24 + page-size bytes after a 32-byte header that gives the page size; a commit frame's
 * header holds the database size in pages, every other frame's holds 0. While the page size is
 * not known from that header, writes go straight through.
 */
#ifndef ECCN_WALBUF_H
#define ECCN_WALBUF_H

#include <stddef.h>

/* The VFS's name, for sqlite3_open_v2. */
#define ECCN_WALBUF_VFS "eccn-walbuf"

/* Registers the VFS (not as the default) on first call; later calls do nothing. Returns a SQLite
 * result code. Thread-safe. */
int eccn_walbuf_register(void);

/* For tests: the size of the buffers allocated from now on (at least 64 KiB; 1 MiB unless set). A
 * small one parts frames across the writes of a full buffer more often. */
void eccn_walbuf_set_capacity(size_t bytes);

#endif
