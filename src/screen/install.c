/* install.c: `eccn lists import` installs a downloaded list into data/lists (see screen.h). */
#include "screen_internal.h"

#include "digest.h"
#include "jsonw.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Writes len bytes to dir/name through a synced temporary file renamed over it: a reader sees
 * the old file or the new one, never part of one. */
static int write_atomic(const char *dir, const char *name, const char *data, size_t len,
                        eccn_error *err)
{
    char tmp[4096], path[4096];
    snprintf(tmp, sizeof tmp, "%s/.%s.XXXXXX", dir, name);
    snprintf(path, sizeof path, "%s/%s", dir, name);
    int fd = mkstemp(tmp), rc = ECCN_OK;
    if (fd < 0)
        return eccn_fail(err, ECCN_EIO, tmp, 0, 0, "cannot create: %s", strerror(errno));
    for (size_t off = 0; off < len && rc == ECCN_OK;) {
        ssize_t w = write(fd, data + off, len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            rc = eccn_fail(err, ECCN_EIO, tmp, 0, 0, "cannot write: %s", strerror(errno));
        else
            off += (size_t)w;
    }
    if (rc == ECCN_OK && (fchmod(fd, 0644) != 0 || fsync(fd) != 0))
        rc = eccn_fail(err, ECCN_EIO, tmp, 0, 0, "cannot sync: %s", strerror(errno));
    if (close(fd) != 0 && rc == ECCN_OK)
        rc = eccn_fail(err, ECCN_EIO, tmp, 0, 0, "cannot close: %s", strerror(errno));
    if (rc == ECCN_OK && rename(tmp, path) != 0)
        rc = eccn_fail(err, ECCN_EIO, path, 0, 0, "cannot rename into place: %s", strerror(errno));
    if (rc != ECCN_OK)
        unlink(tmp);
    return rc;
}

/* Makes the renames in dir durable. */
static void sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

/* The manifest's text; strings are written as JSON strings, which YAML reads as double-quoted
 * scalars. */
static int manifest_text(eccn_buf *b, const char *file, const eccn_screen_info *in,
                         const char *date, const char *source)
{
    char now[21];
    eccn_utc_now(now);
    int rc =
        eccn_buf_printf(b,
                        "# The screening lists in use: written by `eccn lists import`, read by "
                        "`eccn screen` and\n# `eccn lists show`. sha256 is the lists "
                        "revision: eccn refuses a file whose bytes differ.\n"
                        "file: %s\nformat: %s\nsha256: %s\ndate: %s\nimported: %s\nsource: ",
                        file, in->format, in->revision, date, now);
    if (rc == ECCN_OK)
        rc = jsonw_escape(b, source, strlen(source));
    if (rc == ECCN_OK)
        rc = eccn_buf_puts(b, "\n");
    return rc;
}

int eccn_screen_lists_install(const char *data_dir, const char *path,
                              const eccn_screen_lists *parsed, const char *date, const char *source,
                              eccn_error *err)
{
    char dir[4096], mpath[4096], name[128], sha[65], old[4096] = "";
    eccn_buf data = {0}, text = {0};
    scr_manifest m = {0};
    eccn_error ignored = {0};
    const eccn_screen_info *in = &parsed->info;
    snprintf(dir, sizeof dir, "%s/lists", data_dir);
    snprintf(mpath, sizeof mpath, "%s/lists.yaml", dir);
    eccn_date d;
    if (!date || !eccn_date_parse(date, strlen(date), &d))
        return eccn_fail(err, ECCN_EINPUT, NULL, 0, 0, "date '%s': expected YYYY-MM-DD",
                         date ? date : "");
    int rc = eccn_mkdirs_for(mpath, err);
    if (rc == ECCN_OK)
        rc = eccn_read_file(path, &data, err);
    if (rc == ECCN_OK && (rc = eccn_sha256_hex(data.data, data.len, sha)) == ECCN_OK &&
        strcmp(sha, in->revision) != 0)
        rc = eccn_fail(err, ECCN_EINPUT, path, 0, 0, "the file changed while it was imported");
    /* Named by content, so the new file never overwrites the one lists.yaml names until
     * lists.yaml itself is replaced. */
    snprintf(name, sizeof name, "consolidated-%.12s.%s", sha, in->format);
    if (rc == ECCN_OK)
        rc = write_atomic(dir, name, data.data, data.len, err);
    if (rc == ECCN_OK && scr_manifest_read(mpath, &m, &ignored) == ECCN_OK &&
        strcmp(m.file, name) != 0)
        snprintf(old, sizeof old, "%s/%s", dir, m.file);
    if (rc == ECCN_OK && (rc = manifest_text(&text, name, in, date, source)) == ECCN_OK)
        rc = write_atomic(dir, "lists.yaml", text.data, text.len, err);
    if (rc == ECCN_OK) {
        sync_dir(dir);
        if (old[0])
            unlink(old); /* the previous lists: nothing names them any more */
    }
    scr_manifest_free(&m);
    eccn_buf_free(&data);
    eccn_buf_free(&text);
    return rc;
}
