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
 * the source file (the cache key) and a 64-bit check of the payload (eccn_hash64), so a truncated
 * or damaged cache file is detected and the YAML parsed again. The check guards against accidents
 * only: whoever can write the cache could recompute any digest kept in it, so SHA-256 there
 * bought nothing but 0.2 ms of every run.
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
    /* One block: the nodes, then the kid pointers. Zeroed, because a node's depth is stashed in
     * its nkids by its parent until the node itself is reached (kids come after parents). */
    size_t nodes_sz = (size_t)h.nnodes * sizeof(ynode);
    doc = calloc(1, sizeof *doc);
    if (!doc || !(doc->path = eccn_strdup(name)) ||
        !(doc->arena = calloc(1, nodes_sz + (size_t)h.nkidrefs * sizeof(ynode *) + 1))) {
        rc = ECCN_ENOMEM;
        goto done;
    }
    ynode *nodes = doc->arena;
    ynode **kids = (ynode **)(void *)((char *)doc->arena + nodes_sz);
    for (uint32_t i = 0; i < h.nnodes; i++) {
        snap_node sn;
        memcpy(&sn, sn_bytes + (size_t)i * sizeof sn, sizeof sn);
        ynode *n = &nodes[i];
        size_t depth = n->nkids;
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
            if (nodes[kid].nkids < depth + 1)
                nodes[kid].nkids = depth + 1;
        }
    }
    doc->root = h.root == UINT32_MAX ? NULL : &nodes[h.root];
    memcpy(doc->sha256, source_sha256, 64);
    doc->sha256[64] = '\0';
    rc = ECCN_OK;
done:
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

/* A snapshot is named by the SHA-256 of its source, in hex; one being written has a temporary
 * name until it is renamed into place. cache_prune knows both by these. */
#define SNAP_SUFFIX ".ydc"
#define SNAP_NAME_LEN (64 + sizeof SNAP_SUFFIX - 1)
#define TMP_SUFFIX ".tmp"

static void cache_path(char *out, size_t n, const char *sha256)
{
    snprintf(out, n, "%s/%s" SNAP_SUFFIX, cache_dir, sha256);
}

/* Each edit of a rule or data file leaves a snapshot behind; a rules directory in use needs about
 * a dozen. Beyond CACHE_KEEP the oldest written go (one still in use is just parsed and written
 * again), and so do temporary files a killed process left. Once per process, at its first
 * snapshot: a cold start writes a dozen, and listing the directory after each was most of its
 * system calls. */
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
        bool snap = len == SNAP_NAME_LEN && strcmp(e->d_name + 64, SNAP_SUFFIX) == 0,
             tmp = len > sizeof TMP_SUFFIX - 1 &&
                   strcmp(e->d_name + len - (sizeof TMP_SUFFIX - 1), TMP_SUFFIX) == 0;
        struct stat st;
        if ((!snap && !tmp) || len >= sizeof c->name ||
            fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode))
            continue;
        if (tmp) {
            if (now - st.st_mtime > CACHE_TMP_AGE_S)
                unlinkat(dirfd(d), e->d_name, 0);
            continue;
        }
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

/* Best effort: a cache that cannot be written costs speed, never correctness. Written under a
 * temporary name and renamed, so a reader sees a whole file or none. */
static void cache_store(const char *sha256, const eccn_buf *snap)
{
    char path[4200], tmp[4300];
    cache_path(path, sizeof path, sha256);
    snprintf(tmp, sizeof tmp, "%s.%ld" TMP_SUFFIX, path, (long)getpid());
    eccn_error ignored = {0};
    if (eccn_mkdirs_for(path, &ignored) != ECCN_OK)
        return;
    FILE *f = fopen(tmp, "wb");
    if (!f)
        return;
    bool ok = fwrite(snap->data, 1, snap->len, f) == snap->len;
    ok &= fclose(f) == 0;
    if (!ok || rename(tmp, path) != 0)
        unlink(tmp);
    if (!cache_pruned) {
        cache_pruned = true;
        cache_prune();
    }
}

static int cache_load(const char *name, const char *sha256, ydoc **out)
{
    char path[4200];
    eccn_buf b;
    eccn_error ignored = {0};
    int rc = ECCN_ENOTFOUND;
    *out = NULL;
    if (!cache_dir)
        return rc;
    cache_path(path, sizeof path, sha256);
    if (eccn_read_file(path, &b, &ignored) != ECCN_OK)
        return rc;
    if ((rc = unsnapshot(name, (const unsigned char *)b.data, b.len, sha256, out)) == ECCN_OK)
        (*out)->backing = b;
    else
        eccn_buf_free(&b);
    return rc;
}

int ydoc_load_mem(const char *name, const unsigned char *data, size_t len, ydoc **out,
                  eccn_error *err)
{
    yaml_parser_t p;
    ynode *tree = NULL;
    eccn_buf snap = {0};
    char sha256[65];
    *out = NULL;
    int rc = eccn_sha256_hex(data, len, sha256);
    if (rc != ECCN_OK)
        return rc;
    if (cache_load(name, sha256, out) == ECCN_OK) {
        (*out)->size = (long long)len;
        return ECCN_OK;
    }
    if (!yaml_parser_initialize(&p))
        return eccn_fail(err, ECCN_ENOMEM, name, 0, 0, "cannot initialise the YAML parser");
    yaml_parser_set_input_string(&p, data, len);
    rc = parse_events(&p, name, &tree, err);
    yaml_parser_delete(&p);
    if (rc == ECCN_OK)
        rc = snapshot(tree, sha256, &snap);
    node_free(tree);
    if (rc == ECCN_OK) {
        if (cache_dir)
            cache_store(sha256, &snap);
        rc = unsnapshot(name, (const unsigned char *)snap.data, snap.len, sha256, out);
        if (rc == ECCN_EINPUT) /* our own snapshot must load: anything else is a bug */
            rc = eccn_fail(err, ECCN_EINPUT, name, 0, 0, "internal error: snapshot rejected");
    }
    if (rc == ECCN_OK) {
        (*out)->size = (long long)len;
        (*out)->backing = snap;
    } else {
        eccn_buf_free(&snap);
    }
    return rc;
}

int ydoc_load_file(const char *path, ydoc **out, eccn_error *err)
{
    eccn_buf b;
    int rc = eccn_read_file(path, &b, err);
    *out = NULL;
    if (rc == ECCN_OK && b.len > YDOC_MAX_FILE)
        rc = eccn_fail(err, ECCN_EINPUT, path, 0, 0,
                       "%zu bytes: rule and data files may hold at most %u (16 MiB)", b.len,
                       YDOC_MAX_FILE);
    if (rc == ECCN_OK)
        rc = ydoc_load_mem(path, (const unsigned char *)b.data, b.len, out, err);
    eccn_buf_free(&b);
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
    if (!(*out = calloc(s->nkids ? s->nkids : 1, sizeof **out)))
        return ECCN_ENOMEM;
    for (size_t i = 0; i < s->nkids; i++) {
        if (s->kids[i]->kind != YN_SCALAR)
            return eccn_fail(err, ECCN_EINPUT, file, s->kids[i]->line, s->kids[i]->col,
                             "%s: expected strings", key);
        if (!((*out)[(*n)++] = eccn_strdup(s->kids[i]->str)))
            return ECCN_ENOMEM;
    }
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
