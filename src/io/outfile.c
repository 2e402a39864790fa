/*
 * outfile.c: see outfile.h. The checks run before anything is created, and again where it counts
 * (link(2) without force refuses a target that appeared in between), so a refused command leaves
 * the file system as it was.
 */
#include "outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The directory part of path ("." when it has none), allocated. */
static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return eccn_strdup(".");
    return eccn_strndup(path, slash == path ? 1 : (size_t)(slash - path));
}

static const char *base_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

static bool same_file(const struct stat *a, const struct stat *b)
{
    return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/* Is the target (dir dst and name, and *target when it exists) protected path p or its SQLite
 * companions? Name against name where a companion does not exist yet. */
static bool is_protected(const char *p, const struct stat *dst, const char *name,
                         const struct stat *target)
{
    static const char *const SUFFIX[] = {"", "-wal", "-shm", "-journal"};
    char *pdir = dir_of(p);
    struct stat pst;
    bool same_dir = pdir && stat(pdir, &pst) == 0 && same_file(&pst, dst);
    free(pdir);
    for (size_t i = 0; i < sizeof SUFFIX / sizeof *SUFFIX; i++) {
        char buf[4096];
        int n = snprintf(buf, sizeof buf, "%s%s", p, SUFFIX[i]);
        if (n < 0 || (size_t)n >= sizeof buf)
            continue;
        struct stat st;
        if (target && stat(buf, &st) == 0 && same_file(&st, target))
            return true;
        if (same_dir && strcmp(base_of(buf), name) == 0)
            return true;
    }
    return false;
}

/* Refuses a target the rules of outfile.h forbid. */
static int check_target(const char *path, const char *const *protect, size_t nprotect, bool force,
                        eccn_error *err)
{
    struct stat st, dst;
    bool exists = lstat(path, &st) == 0;
    if (!exists && errno != ENOENT)
        return eccn_fail(err, ECCN_EIO, path, 0, 0, "cannot examine: %s", strerror(errno));
    if (exists && S_ISLNK(st.st_mode))
        return eccn_fail(err, ECCN_EINPUT, path, 0, 0,
                         "is a symbolic link: name the file itself, not a link to it");
    if (exists && S_ISDIR(st.st_mode))
        return eccn_fail(err, ECCN_EINPUT, path, 0, 0, "is a directory: expected a file name");
    char *dir = dir_of(path);
    if (!dir)
        return ECCN_ENOMEM;
    int dirok = stat(dir, &dst);
    free(dir);
    if (dirok != 0)
        return eccn_fail(err, ECCN_EINPUT, path, 0, 0, "its directory cannot be used: %s",
                         strerror(errno));
    for (size_t i = 0; i < nprotect; i++)
        if (protect[i] && is_protected(protect[i], &dst, base_of(path), exists ? &st : NULL))
            return eccn_fail(err, ECCN_EINPUT, path, 0, 0,
                             "is %s (or a file of it): refusing to write over it", protect[i]);
    if (exists && !force)
        return eccn_fail(err, ECCN_EINPUT, path, 0, 0,
                         "exists already: give --force to replace it");
    return ECCN_OK;
}

int eccn_outfile_open(const char *path, const char *const *protect, size_t nprotect, bool force,
                      eccn_outfile *o, eccn_error *err)
{
    memset(o, 0, sizeof *o);
    int rc = check_target(path, protect, nprotect, force, err);
    if (rc != ECCN_OK)
        return rc;
    char *dir = dir_of(path);
    eccn_buf tmp = {0};
    int fd = -1;
    rc = ECCN_ENOMEM;
    if (!dir || eccn_buf_printf(&tmp, "%s/.%s.XXXXXX", dir, base_of(path)) != ECCN_OK)
        goto done;
    if ((fd = mkstemp(tmp.data)) < 0) {
        rc = eccn_fail(err, ECCN_EIO, path, 0, 0, "cannot create a file beside it: %s",
                       strerror(errno));
        goto done;
    }
    /* mkstemp makes 0600; an output is an ordinary file, so the user's umask decides. */
    mode_t mask = umask(0);
    umask(mask);
    if (fchmod(fd, 0666 & ~mask) != 0 || !(o->f = fdopen(fd, "w"))) {
        rc = eccn_fail(err, ECCN_EIO, path, 0, 0, "cannot open for writing: %s", strerror(errno));
        goto done;
    }
    fd = -1; /* the FILE owns it */
    if (!(o->path = eccn_strdup(path)))
        goto done;
    o->tmp = tmp.data;
    tmp.data = NULL;
    o->force = force;
    rc = ECCN_OK;
done:
    if (fd >= 0)
        close(fd);
    if (rc != ECCN_OK) {
        if (tmp.data)
            unlink(tmp.data);
        if (o->f)
            fclose(o->f);
        if (o->tmp)
            unlink(o->tmp);
        free(o->tmp);
        free(o->path);
        memset(o, 0, sizeof *o);
    }
    eccn_buf_free(&tmp);
    free(dir);
    return rc;
}

static void outfile_release(eccn_outfile *o)
{
    if (o->tmp)
        unlink(o->tmp);
    free(o->tmp);
    free(o->path);
    memset(o, 0, sizeof *o);
}

void eccn_outfile_abort(eccn_outfile *o)
{
    if (o->f)
        fclose(o->f);
    o->f = NULL;
    outfile_release(o);
}

int eccn_outfile_commit(eccn_outfile *o, eccn_error *err)
{
    int rc = ECCN_OK;
    bool written = fflush(o->f) == 0 && !ferror(o->f) && fsync(fileno(o->f)) == 0;
    int saved = errno;
    if (fclose(o->f) != 0 && written) {
        written = false;
        saved = errno;
    }
    o->f = NULL;
    if (!written) {
        rc = eccn_fail(err, ECCN_EIO, o->path, 0, 0, "cannot write: %s", strerror(saved));
        goto done;
    }
    /* Without force, link(2) refuses a target that appeared since the check; rename replaces. */
    if (o->force ? rename(o->tmp, o->path) != 0 : link(o->tmp, o->path) != 0) {
        rc = eccn_fail(err, errno == EEXIST ? ECCN_EINPUT : ECCN_EIO, o->path, 0, 0,
                       errno == EEXIST ? "exists already: give --force to replace it"
                                       : "cannot put in place: %s",
                       strerror(errno));
        goto done;
    }
    if (o->force) {
        free(o->tmp); /* renamed: nothing left to remove */
        o->tmp = NULL;
    }
    char *dir = dir_of(o->path);
    int dfd = dir ? open(dir, O_RDONLY | O_DIRECTORY) : -1;
    if (dfd >= 0) {
        fsync(dfd); /* the new name survives a crash */
        close(dfd);
    }
    free(dir);
done:
    outfile_release(o);
    return rc;
}
