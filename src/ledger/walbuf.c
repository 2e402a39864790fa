/* walbuf.c: a VFS that gathers a write-ahead log's writes (see walbuf.h). */
#include "walbuf.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum { BUF_CAP = 1 << 20, WRITE_MAX = 1 << 16, LOG_HEADER = 32, FRAME_HEADER = 24 };

typedef struct walfile {
    sqlite3_file base;
    sqlite3_file *real; /* the default VFS's file, in the same allocation, after this struct */
    unsigned char *buf; /* capacity bytes, from the first write gathered */
    sqlite3_int64 off;  /* the file offset of buf[0] */
    size_t len;
    uint32_t page_size;       /* from the log's header; 0 while not known */
    sqlite3_int64 commit_end; /* the end of a commit frame gathered in buf, or -1 */
} walfile;

static sqlite3_vfs *base;

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The page size a log header (its first 32 bytes) gives, if they are one. */
static void learn_page_size(walfile *w, const unsigned char *h)
{
    uint32_t magic = be32(h), size = be32(h + 8);
    if ((magic == 0x377f0682 || magic == 0x377f0683) && size >= 512 && size <= 65536 &&
        (size & (size - 1)) == 0)
        w->page_size = size;
}

static size_t capacity = BUF_CAP;

void eccn_walbuf_set_capacity(size_t bytes)
{
    capacity = bytes < WRITE_MAX ? WRITE_MAX : bytes;
}

static int flush(walfile *w)
{
    int rc = SQLITE_OK;
    /* In pieces: the default VFS writes at most 128 KiB - 1 bytes a call (it masks the length
     * with 0x1ffff, since SQLite's own writes are at most a page). */
    for (size_t done = 0; rc == SQLITE_OK && done < w->len; done += WRITE_MAX) {
        size_t n = w->len - done < WRITE_MAX ? w->len - done : WRITE_MAX;
        rc =
            w->real->pMethods->xWrite(w->real, w->buf + done, (int)n, w->off + (sqlite3_int64)done);
    }
    /* A commit frame whose page is still to come stays noted: a full buffer can part a frame's
     * header from its page. */
    if (w->commit_end <= w->off + (sqlite3_int64)w->len)
        w->commit_end = -1;
    /* On failure SQLite abandons the transaction; what was gathered is not written later. */
    w->len = 0;
    return rc;
}

/* Whether a write is one that SQLite's log writer makes: the 32-byte log header at offset 0, a
 * frame's 24-byte header, or the page after one. Any other and the file is no longer gathered
 * (walbuf.h): the commits are then not where this code looks for them. */
static bool expected_write(const walfile *w, int n, sqlite3_int64 off)
{
    const sqlite3_int64 frame = FRAME_HEADER + (sqlite3_int64)w->page_size;
    if (off < LOG_HEADER)
        return off == 0 && n == LOG_HEADER;
    sqlite3_int64 at = (off - LOG_HEADER) % frame;
    return (at == 0 && n == FRAME_HEADER) || (at == FRAME_HEADER && n == (int)w->page_size);
}

static int wb_write(sqlite3_file *f, const void *data, int n, sqlite3_int64 off)
{
    walfile *w = (walfile *)f;
    int rc;
    if (off == 0 && n >= LOG_HEADER)
        learn_page_size(w, data);
    if (w->page_size && !expected_write(w, n, off))
        w->page_size = 0;
    if (w->len && off != w->off + (sqlite3_int64)w->len && (rc = flush(w)) != SQLITE_OK)
        return rc;
    if (!w->buf && w->page_size)
        w->buf = malloc(capacity); /* NULL: written straight through */
    if (!w->buf || !w->page_size) {
        if ((rc = flush(w)) != SQLITE_OK)
            return rc;
        w->commit_end = -1;
        return w->real->pMethods->xWrite(w->real, data, n, off);
    }
    if (w->len + (size_t)n > capacity && (rc = flush(w)) != SQLITE_OK)
        return rc;
    if (!w->len)
        w->off = off;
    memcpy(w->buf + w->len, data, (size_t)n);
    w->len += (size_t)n;
    /* A frame header holds, at byte 4, the database's size in pages after a commit, else 0. */
    if (n == FRAME_HEADER && be32((const unsigned char *)data + 4) != 0)
        w->commit_end = off + FRAME_HEADER + (sqlite3_int64)w->page_size;
    if (w->commit_end >= 0 && w->off + (sqlite3_int64)w->len >= w->commit_end)
        return flush(w);
    return SQLITE_OK;
}

static int wb_read(sqlite3_file *f, void *out, int n, sqlite3_int64 off)
{
    walfile *w = (walfile *)f;
    int rc = flush(w);
    if (rc == SQLITE_OK)
        rc = w->real->pMethods->xRead(w->real, out, n, off);
    if (rc == SQLITE_OK && off == 0 && n >= LOG_HEADER)
        learn_page_size(w, out);
    return rc;
}

static int wb_close(sqlite3_file *f)
{
    walfile *w = (walfile *)f;
    int rc = flush(w), closed = w->real->pMethods->xClose(w->real);
    free(w->buf);
    w->buf = NULL;
    return rc != SQLITE_OK ? rc : closed;
}

static int wb_truncate(sqlite3_file *f, sqlite3_int64 size)
{
    walfile *w = (walfile *)f;
    int rc = flush(w);
    return rc != SQLITE_OK ? rc : w->real->pMethods->xTruncate(w->real, size);
}

static int wb_sync(sqlite3_file *f, int flags)
{
    walfile *w = (walfile *)f;
    int rc = flush(w);
    return rc != SQLITE_OK ? rc : w->real->pMethods->xSync(w->real, flags);
}

static int wb_file_size(sqlite3_file *f, sqlite3_int64 *size)
{
    walfile *w = (walfile *)f;
    int rc = flush(w);
    return rc != SQLITE_OK ? rc : w->real->pMethods->xFileSize(w->real, size);
}

static int wb_lock(sqlite3_file *f, int level)
{
    walfile *w = (walfile *)f;
    return w->real->pMethods->xLock(w->real, level);
}

static int wb_unlock(sqlite3_file *f, int level)
{
    walfile *w = (walfile *)f;
    return w->real->pMethods->xUnlock(w->real, level);
}

static int wb_check_reserved(sqlite3_file *f, int *out)
{
    walfile *w = (walfile *)f;
    return w->real->pMethods->xCheckReservedLock(w->real, out);
}

static int wb_file_control(sqlite3_file *f, int op, void *arg)
{
    walfile *w = (walfile *)f;
    int rc = flush(w);
    return rc != SQLITE_OK ? rc : w->real->pMethods->xFileControl(w->real, op, arg);
}

static int wb_sector_size(sqlite3_file *f)
{
    walfile *w = (walfile *)f;
    return w->real->pMethods->xSectorSize(w->real);
}

static int wb_device_characteristics(sqlite3_file *f)
{
    walfile *w = (walfile *)f;
    return w->real->pMethods->xDeviceCharacteristics(w->real);
}

/* Version 1: a log has no shared memory or memory mapping of its own (those are the database
 * file's, which this VFS leaves to the default one). */
static const sqlite3_io_methods WAL_METHODS = {
    .iVersion = 1,
    .xClose = wb_close,
    .xRead = wb_read,
    .xWrite = wb_write,
    .xTruncate = wb_truncate,
    .xSync = wb_sync,
    .xFileSize = wb_file_size,
    .xLock = wb_lock,
    .xUnlock = wb_unlock,
    .xCheckReservedLock = wb_check_reserved,
    .xFileControl = wb_file_control,
    .xSectorSize = wb_sector_size,
    .xDeviceCharacteristics = wb_device_characteristics,
};

static int wb_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags, int *out_flags)
{
    (void)vfs;
    /* Anything but a log is the default VFS's own file, in the memory SQLite gave us. */
    if (!(flags & SQLITE_OPEN_WAL))
        return base->xOpen(base, name, f, flags, out_flags);
    walfile *w = (walfile *)f;
    memset(w, 0, sizeof *w);
    w->real = (sqlite3_file *)(void *)(w + 1);
    w->commit_end = -1;
    int rc = base->xOpen(base, name, w->real, flags, out_flags);
    if (rc != SQLITE_OK)
        return rc; /* base.pMethods stays NULL: SQLite will not close it */
    w->base.pMethods = &WAL_METHODS;
    sqlite3_int64 size = 0;
    unsigned char header[LOG_HEADER];
    if (w->real->pMethods->xFileSize(w->real, &size) == SQLITE_OK && size >= LOG_HEADER &&
        w->real->pMethods->xRead(w->real, header, LOG_HEADER, 0) == SQLITE_OK)
        learn_page_size(w, header);
    return SQLITE_OK;
}

/* Everything else is the default VFS's. */
static int wb_delete(sqlite3_vfs *v, const char *name, int sync_dir)
{
    (void)v;
    return base->xDelete(base, name, sync_dir);
}
static int wb_access(sqlite3_vfs *v, const char *name, int flags, int *out)
{
    (void)v;
    return base->xAccess(base, name, flags, out);
}
static int wb_full_pathname(sqlite3_vfs *v, const char *name, int n, char *out)
{
    (void)v;
    return base->xFullPathname(base, name, n, out);
}
static void *wb_dlopen(sqlite3_vfs *v, const char *name)
{
    (void)v;
    return base->xDlOpen(base, name);
}
static void wb_dlerror(sqlite3_vfs *v, int n, char *out)
{
    (void)v;
    base->xDlError(base, n, out);
}
static void (*wb_dlsym(sqlite3_vfs *v, void *lib, const char *sym))(void)
{
    (void)v;
    return base->xDlSym(base, lib, sym);
}
static void wb_dlclose(sqlite3_vfs *v, void *lib)
{
    (void)v;
    base->xDlClose(base, lib);
}
static int wb_randomness(sqlite3_vfs *v, int n, char *out)
{
    (void)v;
    return base->xRandomness(base, n, out);
}
static int wb_sleep(sqlite3_vfs *v, int us)
{
    (void)v;
    return base->xSleep(base, us);
}
static int wb_current_time(sqlite3_vfs *v, double *out)
{
    (void)v;
    return base->xCurrentTime(base, out);
}
static int wb_last_error(sqlite3_vfs *v, int n, char *out)
{
    (void)v;
    return base->xGetLastError ? base->xGetLastError(base, n, out) : 0;
}
static int wb_current_time64(sqlite3_vfs *v, sqlite3_int64 *out)
{
    (void)v;
    return base->xCurrentTimeInt64(base, out);
}

static sqlite3_vfs vfs = {
    .iVersion = 2,
    .zName = ECCN_WALBUF_VFS,
    .xOpen = wb_open,
    .xDelete = wb_delete,
    .xAccess = wb_access,
    .xFullPathname = wb_full_pathname,
    .xDlOpen = wb_dlopen,
    .xDlError = wb_dlerror,
    .xDlSym = wb_dlsym,
    .xDlClose = wb_dlclose,
    .xRandomness = wb_randomness,
    .xSleep = wb_sleep,
    .xCurrentTime = wb_current_time,
    .xGetLastError = wb_last_error,
    .xCurrentTimeInt64 = wb_current_time64,
};

static int registered = SQLITE_ERROR;

static void do_register(void)
{
    if (sqlite3_initialize() != SQLITE_OK || !(base = sqlite3_vfs_find(NULL)) ||
        base->iVersion < 2) {
        registered = SQLITE_ERROR;
        return;
    }
    vfs.szOsFile = (int)sizeof(walfile) + base->szOsFile;
    vfs.mxPathname = base->mxPathname;
    registered = sqlite3_vfs_register(&vfs, 0);
}

int eccn_walbuf_register(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, do_register);
    return registered;
}
