/* ydoc.c: libyaml events folded into a positioned tree (see ydoc.h). */
#include "ydoc.h"

#include "digest.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <yaml.h>

static void node_free(ynode *n)
{
    if (!n)
        return;
    for (size_t i = 0; i < n->nkids; i++)
        node_free(n->kids[i]);
    free(n->kids);
    free(n->str);
    free(n);
}

void ydoc_free(ydoc *doc)
{
    if (!doc)
        return;
    eccn_buf_free(&doc->backing);
    free(doc->arena);
    free(doc->path);
    free(doc);
}

static int add_kid(ynode *parent, ynode *kid)
{
    ynode **k = realloc(parent->kids, (parent->nkids + 1) * sizeof *k);
    if (!k)
        return ECCN_ENOMEM;
    parent->kids = k;
    parent->kids[parent->nkids++] = kid;
    return ECCN_OK;
}

static int parse_events(yaml_parser_t *p, const char *name, ynode **root, eccn_error *err)
{
    ynode *stack[YDOC_MAX_DEPTH + 1];
    int depth = 0;
    int rc = ECCN_OK;
    int docs = 0;
    *root = NULL;
    for (;;) {
        yaml_event_t ev;
        if (!yaml_parser_parse(p, &ev)) {
            rc = eccn_fail(err, ECCN_EINPUT, name, (int)p->problem_mark.line + 1,
                           (int)p->problem_mark.column + 1, "malformed YAML: %s%s%s",
                           p->problem ? p->problem : "syntax error", p->context ? " " : "",
                           p->context ? p->context : "");
            break;
        }
        int line = (int)ev.start_mark.line + 1, col = (int)ev.start_mark.column + 1;
        ynode *n = NULL;
        bool done = false;
        switch (ev.type) {
        case YAML_STREAM_END_EVENT:
            done = true;
            break;
        case YAML_DOCUMENT_START_EVENT:
            if (++docs > 1)
                rc = eccn_fail(err, ECCN_EINPUT, name, line, col,
                               "expected a single YAML document, found a second one");
            break;
        case YAML_ALIAS_EVENT:
            rc = eccn_fail(err, ECCN_EINPUT, name, line, col,
                           "YAML aliases (*name) are not allowed in eccn files");
            break;
        case YAML_SCALAR_EVENT:
        case YAML_SEQUENCE_START_EVENT:
        case YAML_MAPPING_START_EVENT:
            n = calloc(1, sizeof *n);
            if (!n) {
                rc = ECCN_ENOMEM;
                break;
            }
            n->line = line;
            n->col = col;
            if ((ev.type == YAML_SCALAR_EVENT && ev.data.scalar.anchor) ||
                (ev.type == YAML_SEQUENCE_START_EVENT && ev.data.sequence_start.anchor) ||
                (ev.type == YAML_MAPPING_START_EVENT && ev.data.mapping_start.anchor)) {
                free(n);
                rc = eccn_fail(err, ECCN_EINPUT, name, line, col,
                               "YAML anchors (&name) are not allowed in eccn files");
                break;
            }
            if (ev.type == YAML_SCALAR_EVENT) {
                n->kind = YN_SCALAR;
                n->len = ev.data.scalar.length;
                n->str = eccn_strndup((const char *)ev.data.scalar.value, n->len);
                n->plain = ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
                if (!n->str) {
                    free(n);
                    rc = ECCN_ENOMEM;
                    break;
                }
            } else {
                n->kind = ev.type == YAML_SEQUENCE_START_EVENT ? YN_SEQ : YN_MAP;
            }
            if (depth == 0) {
                if (*root) {
                    node_free(n);
                    rc = eccn_fail(err, ECCN_EINPUT, name, line, col, "expected one root node");
                    break;
                }
                *root = n;
            } else if ((rc = add_kid(stack[depth - 1], n)) != ECCN_OK) {
                node_free(n);
                break;
            }
            if (n->kind != YN_SCALAR) {
                if (depth >= YDOC_MAX_DEPTH) {
                    rc = eccn_fail(err, ECCN_EINPUT, name, line, col,
                                   "YAML nested deeper than %d levels", YDOC_MAX_DEPTH);
                    break;
                }
                stack[depth++] = n;
            }
            break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
            depth--;
            break;
        default:
            break;
        }
        yaml_event_delete(&ev);
        if (rc != ECCN_OK || done)
            break;
    }
    if (rc != ECCN_OK) {
        node_free(*root);
        *root = NULL;
    }
    return rc;
}

/*
 * The snapshot: a parsed document flattened into one block of fixed-width records, so that a
 * file parsed once is, on every later load, a single read and a loop of pointer fix-ups. libyaml
 * parses our 100 KB of rules and data in about 5 ms, which alone is the whole 5 ms budget of one
 * `eccn check`; the snapshot loads in well under 1 ms. It is also the in-memory form: a freshly
 * parsed tree is flattened and loaded through the same code, so every document is one arena and
 * the loader is exercised on every run.
 *
 * Layout (host byte order; the cache never leaves the machine that wrote it):
 *   header | snap_node[nnodes] | uint32 kid index[nkidrefs] | strings[nstr]
 * A node's kids have larger indices than the node (pre-order), which the loader checks: no
 * cycles, and depth is checked again against YDOC_MAX_DEPTH. The header carries the SHA-256 of
 * the source file (what the directory index recorded for it) and a 64-bit check of the payload
 * (eccn_hash64), so a truncated or damaged cache file is detected and the YAML parsed again. The
 * check guards against accidents only: whoever can write the cache could recompute any digest kept
 * in it, so SHA-256 there bought nothing but 0.2 ms of every run.
 */
#define SNAP_MAGIC "eccnydc3"

typedef struct snap_header {
    char magic[8];
    uint32_t nnodes, nkidrefs, nstr, root; /* root: a node index, or UINT32_MAX when empty */
    char source_sha256[64];
    uint64_t payload_check;
} snap_header;

typedef struct snap_node {
    uint32_t kind, plain, line, col;
    uint32_t str, len;    /* scalar: offset into strings, length */
    uint32_t kids, nkids; /* sequence, mapping: offset into kid indices, count */
} snap_node;

typedef struct flat {
    eccn_buf nodes, kidrefs, strings;
    uint32_t count;
} flat;

static int flatten_node(flat *f, const ynode *n, uint32_t *index)
{
    snap_node sn = {.kind = (uint32_t)n->kind,
                    .plain = n->plain,
                    .line = (uint32_t)n->line,
                    .col = (uint32_t)n->col};
    size_t at = f->nodes.len;
    int rc;
    *index = f->count++;
    if (n->kind == YN_SCALAR) {
        if (n->len >= UINT32_MAX || f->strings.len + n->len + 1 > UINT32_MAX)
            return ECCN_ENOMEM;
        sn.str = (uint32_t)f->strings.len;
        sn.len = (uint32_t)n->len;
        if ((rc = eccn_buf_append(&f->strings, n->str, n->len + 1)) != ECCN_OK)
            return rc;
    }
    if ((rc = eccn_buf_append(&f->nodes, (const char *)&sn, sizeof sn)) != ECCN_OK)
        return rc;
    if (n->nkids == 0)
        return ECCN_OK;
    /* Kids' indices are known only once each is placed: reserve their slots, fill them after. */
    size_t slots = f->kidrefs.len;
    if ((rc = eccn_buf_reserve(&f->kidrefs, n->nkids * sizeof(uint32_t))) != ECCN_OK)
        return rc;
    f->kidrefs.len += n->nkids * sizeof(uint32_t);
    for (size_t i = 0; i < n->nkids; i++) {
        uint32_t kid;
        if ((rc = flatten_node(f, n->kids[i], &kid)) != ECCN_OK)
            return rc;
        memcpy(f->kidrefs.data + slots + i * sizeof kid, &kid, sizeof kid);
    }
    snap_node *placed = (snap_node *)(void *)(f->nodes.data + at);
    placed->kids = (uint32_t)(slots / sizeof(uint32_t));
    placed->nkids = (uint32_t)n->nkids;
    return ECCN_OK;
}

/* Flattens a tree into snapshot bytes in *out. */
static int snapshot(const ynode *root, const char *source_sha256, eccn_buf *out)
{
    flat f = {0};
    snap_header h = {.magic = SNAP_MAGIC, .root = UINT32_MAX};
    size_t at = out->len;
    int rc = root ? flatten_node(&f, root, &h.root) : ECCN_OK;
    h.nnodes = f.count;
    h.nkidrefs = (uint32_t)(f.kidrefs.len / sizeof(uint32_t));
    h.nstr = (uint32_t)f.strings.len;
    memcpy(h.source_sha256, source_sha256, 64);
    if (rc == ECCN_OK && (rc = eccn_buf_append(out, (const char *)&h, sizeof h)) == ECCN_OK &&
        (rc = eccn_buf_append(out, f.nodes.data, f.nodes.len)) == ECCN_OK &&
        (rc = eccn_buf_append(out, f.kidrefs.data, f.kidrefs.len)) == ECCN_OK &&
        (rc = eccn_buf_append(out, f.strings.data, f.strings.len)) == ECCN_OK) {
        h.payload_check = eccn_hash64(out->data + at + sizeof h, out->len - at - sizeof h);
        memcpy(out->data + at, &h, sizeof h);
    }
    eccn_buf_free(&f.nodes);
    eccn_buf_free(&f.kidrefs);
    eccn_buf_free(&f.strings);
    return rc;
}

/* Builds a ydoc from snapshot bytes, checking every offset, index and the payload check; any
 * inconsistency is ECCN_EINPUT and the caller parses the source instead. The strings stay in data,
 * which the caller hands to the ydoc as its backing on success. */
static int unsnapshot(const char *name, const unsigned char *data, size_t len,
                      const char *source_sha256, ydoc **out)
{
    snap_header h;
    ydoc *doc = NULL;
    uint8_t *depths = NULL;
    int rc = ECCN_EINPUT;
    *out = NULL;
    if (len < sizeof h)
        return ECCN_EINPUT;
    memcpy(&h, data, sizeof h);
    uint64_t need = sizeof h + (uint64_t)h.nnodes * sizeof(snap_node) +
                    (uint64_t)h.nkidrefs * sizeof(uint32_t) + h.nstr;
    if (memcmp(h.magic, SNAP_MAGIC, 8) != 0 || need != len ||
        memcmp(h.source_sha256, source_sha256, 64) != 0 ||
        (h.root != UINT32_MAX && h.root >= h.nnodes))
        return ECCN_EINPUT;
    const unsigned char *sn_bytes = data + sizeof h;
    const unsigned char *kid_bytes = sn_bytes + (size_t)h.nnodes * sizeof(snap_node);
    const char *str = (const char *)(kid_bytes + (size_t)h.nkidrefs * sizeof(uint32_t));
    if (eccn_hash64(sn_bytes, len - sizeof h) != h.payload_check)
        goto done;
    /* One block: the nodes, then the kid pointers, each written before it is read. A node's
     * depth is set by its parent, which comes before it. */
    size_t nodes_sz = (size_t)h.nnodes * sizeof(ynode);
    doc = calloc(1, sizeof *doc);
    if (!doc || !(doc->path = eccn_strdup(name)) ||
        !(doc->arena = malloc(nodes_sz + (size_t)h.nkidrefs * sizeof(ynode *) + 1)) ||
        !(depths = calloc((size_t)h.nnodes + 1, 1))) {
        rc = ECCN_ENOMEM;
        goto done;
    }
    ynode *nodes = doc->arena;
    ynode **kids = (ynode **)(void *)((char *)doc->arena + nodes_sz);
    for (uint32_t i = 0; i < h.nnodes; i++) {
        snap_node sn;
        memcpy(&sn, sn_bytes + (size_t)i * sizeof sn, sizeof sn);
        ynode *n = &nodes[i];
        size_t depth = depths[i];
        if (sn.kind > YN_MAP || sn.line > INT32_MAX || sn.col > INT32_MAX || depth > YDOC_MAX_DEPTH)
            goto done;
        *n = (ynode){.kind = (uint8_t)sn.kind,
                     .line = (int)sn.line,
                     .col = (int)sn.col,
                     .plain = sn.plain != 0};
        if (n->kind == YN_SCALAR) {
            if (sn.nkids != 0 || (uint64_t)sn.str + sn.len >= h.nstr || str[sn.str + sn.len] != 0)
                goto done;
            n->str = (char *)(uintptr_t)(str + sn.str);
            n->len = sn.len;
            continue;
        }
        if ((uint64_t)sn.kids + sn.nkids > h.nkidrefs || (n->kind == YN_MAP && sn.nkids % 2))
            goto done;
        n->kids = sn.nkids ? kids + sn.kids : NULL;
        n->nkids = sn.nkids;
        for (uint32_t k = 0; k < sn.nkids; k++) {
            uint32_t kid;
            memcpy(&kid, kid_bytes + ((size_t)sn.kids + k) * sizeof kid, sizeof kid);
            if (kid <= i || kid >= h.nnodes)
                goto done;
            kids[sn.kids + k] = &nodes[kid];
            if (depths[kid] < depth + 1)
                depths[kid] = (uint8_t)(depth + 1);
        }
    }
    doc->root = h.root == UINT32_MAX ? NULL : &nodes[h.root];
    memcpy(doc->sha256, source_sha256, 64);
    doc->sha256[64] = '\0';
    rc = ECCN_OK;
done:
    free(depths);
    if (rc == ECCN_OK)
        *out = doc;
    else
        ydoc_free(doc);
    return rc;
}

static const char *cache_dir;

/* Whether this process has pruned cache_dir yet (cache_prune). */
static bool cache_pruned;

void ydoc_set_cache_dir(const char *dir)
{
    cache_dir = dir && *dir ? dir : NULL;
    cache_pruned = false;
}

/* An index is named by a hash of its directory's path; one being written has a temporary name
 * until it is renamed into place. Snapshots kept one per file (".ydc") are an earlier layout that
 * cache_prune removes. */
#define IX_SUFFIX ".ydx"
#define IX_NAME_LEN (16 + sizeof IX_SUFFIX - 1)
#define BLOB_SUFFIX ".img"
#define OLD_SUFFIX ".ydc"
#define TMP_SUFFIX ".tmp"

static bool has_suffix(const char *name, size_t len, const char *suffix)
{
    size_t l = strlen(suffix);
    return len > l && strcmp(name + len - l, suffix) == 0;
}

/* Each directory of rule or data files in use has an index, and each rule set an image (blobs);
 * beyond CACHE_KEEP the oldest written go (one still in use is just written again), and so do
 * temporary files a killed process left. Once per process, at its first write. */
enum { CACHE_KEEP = 64, CACHE_TMP_AGE_S = 3600 };

typedef struct cached {
    time_t mtime;
    char name[80];
} cached;

static int by_mtime(const void *a, const void *b)
{
    const cached *x = a, *y = b;
    return (x->mtime > y->mtime) - (x->mtime < y->mtime);
}

static void cache_prune(void)
{
    DIR *d = opendir(cache_dir);
    cached *c = NULL;
    size_t n = 0, cap = 0;
    time_t now = time(NULL);
    if (!d)
        return;
    for (struct dirent *e; (e = readdir(d));) {
        size_t len = strlen(e->d_name);
        bool ix = (len == IX_NAME_LEN && has_suffix(e->d_name, len, IX_SUFFIX)) ||
                  has_suffix(e->d_name, len, BLOB_SUFFIX),
             old = has_suffix(e->d_name, len, OLD_SUFFIX),
             tmp = has_suffix(e->d_name, len, TMP_SUFFIX);
        struct stat st;
        if ((!ix && !old && !tmp) || len >= sizeof c->name ||
            fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode))
            continue;
        if (old || (tmp && now - st.st_mtime > CACHE_TMP_AGE_S))
            unlinkat(dirfd(d), e->d_name, 0);
        if (!ix)
            continue;
        cached *g = eccn_grow(c, &cap, n + 1, sizeof *c, 128);
        if (!g)
            break;
        c = g;
        c[n].mtime = st.st_mtime;
        memcpy(c[n++].name, e->d_name, len + 1);
    }
    if (n > CACHE_KEEP) {
        qsort(c, n, sizeof *c, by_mtime);
        for (size_t i = 0; i < n - CACHE_KEEP; i++)
            unlinkat(dirfd(d), c[i].name, 0);
    }
    free(c);
    closedir(d);
}

/*
 * The directory index. A check loads a dozen rule and data files; reading and hashing each, then
 * reading its snapshot, took some sixty system calls, about a tenth of a check. An index keeps, for
 * one directory, each file's identity (device, inode, size, modification and change times), its
 * SHA-256 and its snapshot, in one cache file. A file whose identity is what the index recorded is
 * not read: its digest and snapshot are the index's. This is how git trusts its index, with git's
 * guard for the racy case: an identity is recorded as trusted only when the file had not changed
 * for STABLE_S seconds as it was read. Any later change to the file sets its change time (which
 * no program can set back) to a later time, so the file no longer matches. A file that does not
 * match is read and hashed as before, and parsed only if its bytes changed.
 *
 * Layout (host byte order): ix_header | ix_rec[nrecs] | strings | snapshots. The strings are the
 * directory's path, then each file's name, NUL-terminated; the header's check covers the records
 * and strings, and each snapshot carries its own check and source digest (unsnapshot).
 */
#define IX_MAGIC "eccnydx1"
enum { STABLE_S = 3, IX_MAX_RECS = 4096 };

typedef struct ix_ident {
    uint64_t dev, ino;
    int64_t size, mtime_s, mtime_ns, ctime_s, ctime_ns;
} ix_ident;

typedef struct ix_header {
    char magic[8];
    uint32_t nrecs, strings_len;
    uint64_t check, snaps_len;
} ix_header;

typedef struct ix_rec {
    ix_ident id;
    uint64_t snap_off, snap_len;
    uint32_t name_off, trusted;
    char sha256[64];
} ix_rec;

typedef struct ix_entry {
    char *name;
    ix_ident id;
    bool trusted;
    bool used; /* loaded by this process: kept when the index is written again */
    char sha256[65];
    uint64_t snap_off, snap_len; /* in the index as read, when snap holds nothing */
    eccn_buf snap;               /* a snapshot this process made */
} ix_entry;

struct ydoc_dir {
    char *dir;
    char ix_path[4200];
    int fd; /* the index as read, for its snapshots; -1 without one */
    uint64_t snaps_at;
    ix_entry *e;
    size_t n, cap;
    bool dirty;
};

static ix_ident ident_of(const struct stat *st)
{
    return (ix_ident){.dev = (uint64_t)st->st_dev,
                      .ino = (uint64_t)st->st_ino,
                      .size = (int64_t)st->st_size,
                      .mtime_s = (int64_t)st->st_mtim.tv_sec,
                      .mtime_ns = (int64_t)st->st_mtim.tv_nsec,
                      .ctime_s = (int64_t)st->st_ctim.tv_sec,
                      .ctime_ns = (int64_t)st->st_ctim.tv_nsec};
}

static bool same_ident(const ix_ident *a, const ix_ident *b)
{
    return a->dev == b->dev && a->ino == b->ino && a->size == b->size && a->mtime_s == b->mtime_s &&
           a->mtime_ns == b->mtime_ns && a->ctime_s == b->ctime_s && a->ctime_ns == b->ctime_ns;
}

/* Had the file been unchanged for STABLE_S seconds when it was read? A change time in the
 * future (a clock set back) is not stable either. */
static bool stable(const ix_ident *id)
{
    struct timespec now;
    if (clock_gettime(CLOCK_REALTIME, &now) != 0)
        return false;
    int64_t newest = id->ctime_s > id->mtime_s ? id->ctime_s : id->mtime_s;
    return (int64_t)now.tv_sec - newest > STABLE_S;
}

/* Is the file of entry e in d's directory still as recorded? */
static bool unchanged(const ydoc_dir *d, const ix_entry *e)
{
    char path[4200];
    struct stat st;
    if (snprintf(path, sizeof path, "%s/%s", d->dir, e->name) >= (int)sizeof path ||
        stat(path, &st) != 0)
        return false;
    ix_ident now = ident_of(&st);
    return same_ident(&e->id, &now);
}

static void entry_free(ix_entry *e)
{
    free(e->name);
    eccn_buf_free(&e->snap);
}

/* Reads the index into d; any inconsistency leaves d without entries (it is written anew). */
static void ix_read(ydoc_dir *d)
{
    ix_header h;
    struct stat st;
    char *table = NULL;
    if ((d->fd = open(d->ix_path, O_RDONLY | O_CLOEXEC)) < 0)
        return;
    if (fstat(d->fd, &st) != 0 || pread(d->fd, &h, sizeof h, 0) != (ssize_t)sizeof h ||
        memcmp(h.magic, IX_MAGIC, 8) != 0 || h.nrecs > IX_MAX_RECS || h.strings_len == 0 ||
        h.strings_len > YDOC_MAX_FILE || h.snaps_len > (uint64_t)st.st_size)
        goto bad;
    size_t table_len = (size_t)h.nrecs * sizeof(ix_rec) + h.strings_len;
    if ((uint64_t)st.st_size != sizeof h + table_len + h.snaps_len ||
        !(table = malloc(table_len)) ||
        pread(d->fd, table, table_len, sizeof h) != (ssize_t)table_len ||
        eccn_hash64(table, table_len) != h.check)
        goto bad;
    const char *strings = table + (size_t)h.nrecs * sizeof(ix_rec);
    if (strings[h.strings_len - 1] != '\0' || strcmp(strings, d->dir) != 0)
        goto bad;
    if (!(d->e = calloc(h.nrecs ? h.nrecs : 1, sizeof *d->e)))
        goto bad;
    d->cap = h.nrecs;
    for (uint32_t i = 0; i < h.nrecs; i++) {
        ix_rec r;
        memcpy(&r, table + (size_t)i * sizeof r, sizeof r);
        if (r.name_off == 0 || r.name_off >= h.strings_len || r.snap_off > h.snaps_len ||
            r.snap_len > h.snaps_len - r.snap_off)
            goto bad;
        ix_entry *e = &d->e[d->n++];
        if (!(e->name = eccn_strdup(strings + r.name_off)))
            goto bad;
        e->id = r.id;
        e->trusted = r.trusted != 0;
        memcpy(e->sha256, r.sha256, 64);
        e->snap_off = r.snap_off;
        e->snap_len = r.snap_len;
    }
    d->snaps_at = sizeof h + table_len;
    free(table);
    return;
bad:
    free(table);
    for (size_t i = 0; i < d->n; i++)
        entry_free(&d->e[i]);
    free(d->e);
    d->e = NULL;
    d->n = d->cap = 0;
    if (d->fd >= 0)
        close(d->fd);
    d->fd = -1;
}

int ydoc_dir_open(const char *dir, ydoc_dir **out)
{
    ydoc_dir *d = calloc(1, sizeof *d);
    *out = NULL;
    if (!d || !(d->dir = eccn_strdup(dir))) {
        free(d);
        return ECCN_ENOMEM;
    }
    d->fd = -1;
    if (cache_dir) {
        snprintf(d->ix_path, sizeof d->ix_path, "%s/%016llx" IX_SUFFIX, cache_dir,
                 (unsigned long long)eccn_hash64(dir, strlen(dir)));
        ix_read(d);
    }
    *out = d;
    return ECCN_OK;
}

/* An entry's snapshot, in a new buffer the caller owns. */
static int entry_snapshot(const ydoc_dir *d, const ix_entry *e, eccn_buf *out)
{
    *out = (eccn_buf){0};
    if (e->snap.data)
        return eccn_buf_append(out, e->snap.data, e->snap.len);
    if (d->fd < 0 || e->snap_len == 0)
        return ECCN_ENOTFOUND;
    int rc = eccn_buf_reserve(out, (size_t)e->snap_len + 1);
    if (rc == ECCN_OK && pread(d->fd, out->data, (size_t)e->snap_len,
                               (off_t)(d->snaps_at + e->snap_off)) != (ssize_t)e->snap_len)
        rc = ECCN_EIO;
    if (rc == ECCN_OK)
        out->len = (size_t)e->snap_len;
    else
        eccn_buf_free(out);
    return rc;
}

/* The document from an entry's snapshot, if it loads as the bytes with that digest. */
static int entry_load(const ydoc_dir *d, const ix_entry *e, const char *path, ydoc **out)
{
    eccn_buf snap;
    int rc = entry_snapshot(d, e, &snap);
    if (rc == ECCN_OK && (rc = unsnapshot(path, (const unsigned char *)snap.data, snap.len,
                                          e->sha256, out)) == ECCN_OK) {
        (*out)->backing = snap;
        (*out)->size = e->id.size;
        return ECCN_OK;
    }
    eccn_buf_free(&snap);
    return rc;
}

/* Parses len bytes whose SHA-256 is sha256; *snap receives a copy of the snapshot when wanted. */
static int parse_mem(const char *name, const unsigned char *data, size_t len, const char *sha256,
                     ydoc **out, eccn_buf *snap, eccn_error *err)
{
    yaml_parser_t p;
    ynode *tree = NULL;
    eccn_buf made = {0};
    *out = NULL;
    if (!yaml_parser_initialize(&p))
        return eccn_fail(err, ECCN_ENOMEM, name, 0, 0, "cannot initialise the YAML parser");
    yaml_parser_set_input_string(&p, data, len);
    int rc = parse_events(&p, name, &tree, err);
    yaml_parser_delete(&p);
    if (rc == ECCN_OK)
        rc = snapshot(tree, sha256, &made);
    node_free(tree);
    if (rc == ECCN_OK && snap)
        rc = eccn_buf_append(snap, made.data, made.len);
    if (rc == ECCN_OK) {
        rc = unsnapshot(name, (const unsigned char *)made.data, made.len, sha256, out);
        if (rc == ECCN_EINPUT) /* our own snapshot must load: anything else is a bug */
            rc = eccn_fail(err, ECCN_EINPUT, name, 0, 0, "internal error: snapshot rejected");
    }
    if (rc == ECCN_OK) {
        (*out)->size = (long long)len;
        (*out)->backing = made;
    } else {
        eccn_buf_free(&made);
    }
    return rc;
}

int ydoc_load_mem(const char *name, const unsigned char *data, size_t len, ydoc **out,
                  eccn_error *err)
{
    char sha256[65];
    int rc = eccn_sha256_hex(data, len, sha256);
    *out = NULL;
    return rc == ECCN_OK ? parse_mem(name, data, len, sha256, out, NULL, err) : rc;
}

static ix_entry *find_entry(ydoc_dir *d, const char *name)
{
    for (size_t i = 0; i < d->n; i++)
        if (strcmp(d->e[i].name, name) == 0)
            return &d->e[i];
    return NULL;
}

/* Loads the file called name in d's directory, found at path (as the caller names it). */
static int dir_load(ydoc_dir *d, const char *path, const char *name, ydoc **out, eccn_error *err)
{
    struct stat st;
    eccn_buf src = {0};
    char sha256[65];
    *out = NULL;
    ix_entry *e = find_entry(d, name);
    if (e && e->trusted && unchanged(d, e) && entry_load(d, e, path, out) == ECCN_OK) {
        (*out)->from_index = true;
        e->used = true;
        return ECCN_OK;
    }
    int rc = eccn_read_file_stat(path, &src, &st, err);
    if (rc == ECCN_OK && src.len > YDOC_MAX_FILE)
        rc = eccn_fail(err, ECCN_EINPUT, path, 0, 0,
                       "%zu bytes: rule and data files may hold at most %u (16 MiB)", src.len,
                       YDOC_MAX_FILE);
    if (rc == ECCN_OK)
        rc = eccn_sha256_hex(src.data, src.len, sha256);
    if (rc != ECCN_OK)
        goto done;
    ix_ident id = ident_of(&st);
    bool same_bytes = e && strcmp(e->sha256, sha256) == 0, was_trusted = e && e->trusted;
    eccn_buf snap = {0};
    if (!same_bytes || entry_load(d, e, path, out) != ECCN_OK) {
        rc = parse_mem(path, (const unsigned char *)src.data, src.len, sha256, out,
                       cache_dir ? &snap : NULL, err);
        if (rc != ECCN_OK)
            goto done;
        same_bytes = false;
    }
    if (!cache_dir)
        goto done;
    if (!e) {
        ix_entry *g = eccn_grow(d->e, &d->cap, d->n + 1, sizeof *g, 16);
        char *copy = eccn_strdup(name);
        if (!g || !copy) {
            d->e = g ? g : d->e;
            free(copy);
            eccn_buf_free(&snap);
            goto done; /* the document loaded; only the index misses it */
        }
        d->e = g;
        e = &d->e[d->n++];
        *e = (ix_entry){.name = copy};
    }
    bool trusted = S_ISREG(st.st_mode) && stable(&id);
    d->dirty |= !same_bytes || !same_ident(&e->id, &id) || trusted != was_trusted;
    e->id = id;
    e->trusted = trusted;
    e->used = true;
    memcpy(e->sha256, sha256, sizeof sha256);
    if (!same_bytes) {
        eccn_buf_free(&e->snap);
        e->snap = snap;
    }
done:
    eccn_buf_free(&src);
    return rc;
}

int ydoc_dir_load(ydoc_dir *d, const char *name, ydoc **out, eccn_error *err)
{
    char path[4200];
    *out = NULL;
    if (snprintf(path, sizeof path, "%s/%s", d->dir, name) >= (int)sizeof path)
        return eccn_fail(err, ECCN_EINPUT, name, 0, 0, "path too long");
    return dir_load(d, path, name, out, err);
}

int ydoc_dir_identify(ydoc_dir *d, const char *name, char sha256[65], long long *size)
{
    ix_entry *e = find_entry(d, name);
    if (!e || !e->trusted || !unchanged(d, e))
        return ECCN_ENOTFOUND;
    memcpy(sha256, e->sha256, 65);
    *size = e->id.size;
    e->used = true;
    return ECCN_OK;
}

bool ydoc_cache_enabled(void)
{
    return cache_dir != NULL;
}

static bool blob_path(char *out, size_t n, const char *name)
{
    return cache_dir && strspn(name, "0123456789abcdef") == strlen(name) && *name &&
           snprintf(out, n, "%s/%s" BLOB_SUFFIX, cache_dir, name) < (int)n;
}

int ydoc_cache_get(const char *name, eccn_buf *out)
{
    char path[4200];
    eccn_error ignored = {0};
    *out = (eccn_buf){0};
    if (!blob_path(path, sizeof path, name))
        return ECCN_ENOTFOUND;
    return eccn_read_file(path, out, &ignored) == ECCN_OK ? ECCN_OK : ECCN_ENOTFOUND;
}

/* Writes the n parts to path in the cache, best effort: a cache file that cannot be written costs
 * speed, never correctness. Under a temporary name, then renamed, so that a reader sees a whole
 * file or none; the first write of a process prunes the cache (cache_prune). */
static void cache_write(const char *path, const void *const *parts, const size_t *lens, int n)
{
    char tmp[4300];
    eccn_error ignored = {0};
    if (eccn_mkdirs_for(path, &ignored) != ECCN_OK)
        return;
    snprintf(tmp, sizeof tmp, "%s.%ld" TMP_SUFFIX, path, (long)getpid());
    FILE *f = fopen(tmp, "wb");
    if (!f)
        return;
    bool ok = true;
    for (int i = 0; i < n; i++)
        ok &= lens[i] == 0 || fwrite(parts[i], 1, lens[i], f) == lens[i];
    ok &= fclose(f) == 0;
    if (!ok || rename(tmp, path) != 0)
        unlink(tmp);
    if (!cache_pruned) {
        cache_pruned = true;
        cache_prune();
    }
}

void ydoc_cache_put(const char *name, const void *data, size_t len)
{
    char path[4200];
    if (blob_path(path, sizeof path, name))
        cache_write(path, &data, &len, 1);
}

/* Writes the index anew: the entries this process loaded, and the others whose files are still
 * as recorded. */
static void ix_write(ydoc_dir *d)
{
    ix_rec *recs = calloc(d->n ? d->n : 1, sizeof *recs);
    eccn_buf strings = {0}, snaps = {0};
    uint32_t nrecs = 0;
    bool ok = recs && eccn_buf_append(&strings, d->dir, strlen(d->dir) + 1) == ECCN_OK;
    for (size_t i = 0; ok && i < d->n; i++) {
        ix_entry *e = &d->e[i];
        eccn_buf snap;
        if ((!e->used && !unchanged(d, e)) || entry_snapshot(d, e, &snap) != ECCN_OK)
            continue;
        ix_rec *r = &recs[nrecs++];
        r->id = e->id;
        r->trusted = e->trusted;
        r->snap_off = snaps.len;
        r->snap_len = snap.len;
        r->name_off = (uint32_t)strings.len;
        memcpy(r->sha256, e->sha256, 64);
        ok = eccn_buf_append(&strings, e->name, strlen(e->name) + 1) == ECCN_OK &&
             eccn_buf_append(&snaps, snap.data, snap.len) == ECCN_OK &&
             strings.len <= YDOC_MAX_FILE;
        eccn_buf_free(&snap);
    }
    if (!ok)
        goto done;
    ix_header h = {.magic = IX_MAGIC,
                   .nrecs = nrecs,
                   .strings_len = (uint32_t)strings.len,
                   .snaps_len = snaps.len};
    eccn_buf table = {0};
    if (eccn_buf_append(&table, (const char *)recs, nrecs * sizeof *recs) != ECCN_OK ||
        eccn_buf_append(&table, strings.data, strings.len) != ECCN_OK) {
        eccn_buf_free(&table);
        goto done;
    }
    h.check = eccn_hash64(table.data, table.len);
    const void *parts[] = {&h, table.data, snaps.data};
    const size_t lens[] = {sizeof h, table.len, snaps.len};
    cache_write(d->ix_path, parts, lens, 3);
    eccn_buf_free(&table);
done:
    free(recs);
    eccn_buf_free(&strings);
    eccn_buf_free(&snaps);
}

void ydoc_dir_close(ydoc_dir *d)
{
    if (!d)
        return;
    if (d->dirty && cache_dir)
        ix_write(d);
    for (size_t i = 0; i < d->n; i++)
        entry_free(&d->e[i]);
    free(d->e);
    if (d->fd >= 0)
        close(d->fd);
    free(d->dir);
    free(d);
}

int ydoc_load_file(const char *path, ydoc **out, eccn_error *err)
{
    const char *slash = strrchr(path, '/');
    char dir[4200];
    ydoc_dir *d = NULL;
    *out = NULL;
    if (!slash)
        snprintf(dir, sizeof dir, ".");
    else if (snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path) >= (int)sizeof dir)
        return eccn_fail(err, ECCN_EINPUT, path, 0, 0, "path too long");
    int rc = ydoc_dir_open(slash == path ? "/" : dir, &d);
    if (rc == ECCN_OK)
        rc = dir_load(d, path, slash ? slash + 1 : path, out, err);
    ydoc_dir_close(d);
    return rc;
}

const ynode *ynode_get(const ynode *map, const char *key)
{
    if (!map || map->kind != YN_MAP)
        return NULL;
    /* Lengths first: loading the rules asks some 14,000 times, nearly always of another key. */
    size_t n = strlen(key);
    for (size_t i = 0; i + 1 < map->nkids; i += 2) {
        const ynode *k = map->kids[i];
        if (k->kind == YN_SCALAR && k->len == n && memcmp(k->str, key, n) == 0)
            return map->kids[i + 1];
    }
    return NULL;
}

bool ynode_is_null(const ynode *n)
{
    if (!n)
        return true;
    if (n->kind != YN_SCALAR || !n->plain)
        return false;
    return n->len == 0 || strcmp(n->str, "~") == 0 || strcmp(n->str, "null") == 0 ||
           strcmp(n->str, "Null") == 0 || strcmp(n->str, "NULL") == 0;
}

int ynode_str(const char *file, const ynode *m, const char *key, bool required, char **out,
              eccn_error *err)
{
    const ynode *n = ynode_get(m, key);
    *out = NULL;
    if (ynode_is_null(n)) {
        if (required)
            return eccn_fail(err, ECCN_EINPUT, file, m->line, m->col, "missing required `%s:`",
                             key);
        return ECCN_OK;
    }
    if (n->kind != YN_SCALAR || n->len == 0)
        return eccn_fail(err, ECCN_EINPUT, file, n->line, n->col, "%s: expected a string", key);
    return (*out = eccn_strdup(n->str)) ? ECCN_OK : ECCN_ENOMEM;
}

int ynode_strv(const char *file, const ynode *m, const char *key, char ***out, size_t *n,
               eccn_error *err)
{
    const ynode *s = ynode_get(m, key);
    *out = NULL;
    *n = 0;
    if (ynode_is_null(s))
        return ECCN_OK;
    if (s->kind != YN_SEQ)
        return eccn_fail(err, ECCN_EINPUT, file, s->line, s->col, "%s: expected a list", key);
    size_t bytes = 0;
    for (size_t i = 0; i < s->nkids; i++) {
        if (s->kids[i]->kind != YN_SCALAR)
            return eccn_fail(err, ECCN_EINPUT, file, s->kids[i]->line, s->kids[i]->col,
                             "%s: expected strings", key);
        bytes += (size_t)s->kids[i]->len + 1;
    }
    /* One block, the pointers and then the strings: a rule set holds some 600 such strings, and
     * one allocation per list instead of one per string is a tenth of a check's calls to malloc
     * and free. */
    size_t ptrs = (s->nkids ? s->nkids : 1) * sizeof **out;
    char **v = malloc(ptrs + bytes);
    if (!v)
        return ECCN_ENOMEM;
    char *at = (char *)v + ptrs;
    for (size_t i = 0; i < s->nkids; i++) {
        memcpy(at, s->kids[i]->str, (size_t)s->kids[i]->len + 1);
        v[i] = at;
        at += s->kids[i]->len + 1;
    }
    *out = v;
    *n = s->nkids;
    return ECCN_OK;
}

int ynode_date(const char *file, const ynode *m, const char *key, bool required, eccn_date *out,
               eccn_error *err)
{
    const ynode *n = ynode_get(m, key);
    *out = ECCN_DATE_NONE;
    if (ynode_is_null(n)) {
        if (required)
            return eccn_fail(err, ECCN_EINPUT, file, m->line, m->col,
                             "missing required `%s:` (a date YYYY-MM-DD)", key);
        return ECCN_OK;
    }
    if (n->kind != YN_SCALAR || !eccn_date_parse(n->str, n->len, out))
        return eccn_fail(err, ECCN_EINPUT, file, n->line, n->col,
                         "%s: expected a date YYYY-MM-DD, got '%s'", key,
                         n->kind == YN_SCALAR ? n->str : "(not a scalar)");
    return ECCN_OK;
}
