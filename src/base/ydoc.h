/*
 * ydoc.h: a YAML file read into a small tree whose nodes remember their line and column, so that
 * every later complaint about a rule or data file can point at the exact place.
 *
 * Anchors and aliases are refused (they buy nothing in rule files and are the vector of "billion
 * laughs" bombs); nesting deeper than YDOC_MAX_DEPTH and documents with more than one root are
 * refused too, and so are files over YDOC_MAX_FILE bytes. A ydoc owns all its nodes and strings
 * (one block); ydoc_free releases them.
 */
#ifndef ECCN_YDOC_H
#define ECCN_YDOC_H

#include "util.h"

#include <stdint.h>

#define YDOC_MAX_DEPTH 64
#define YDOC_MAX_FILE                                                                              \
    (16u << 20) /* rule and data files are far smaller; a bigger one is an error */

typedef enum { YN_SCALAR, YN_SEQ, YN_MAP } ynode_kind;

/* 40 bytes: a short run's cost is mostly the fresh pages it touches, and the nodes are most of
 * them. */
typedef struct ynode {
    char *str;           /* YN_SCALAR: the value, NUL-terminated */
    struct ynode **kids; /* YN_SEQ: items; YN_MAP: key, value, key, value ... */
    uint32_t len;        /* YN_SCALAR: its length in bytes */
    uint32_t nkids;
    int line, col; /* 1-based position of the node's start */
    uint8_t kind;  /* a ynode_kind */
    bool plain;    /* YN_SCALAR: written without quotes (so `null`, `~` mean nothing) */
} ynode;

typedef struct ydoc {
    ynode *root; /* NULL for an empty document */
    char *path;
    void *arena;      /* every node and kid pointer, in one block */
    eccn_buf backing; /* the snapshot bytes the strings point into */
    char sha256[65];  /* of the bytes parsed, so a digest always names what was read */
    long long size;
    bool from_index; /* the file was not read: it is as the directory index recorded it */
} ydoc;

/* Parses the file at path. On success *out is a new ydoc the caller frees with ydoc_free. */
int ydoc_load_file(const char *path, ydoc **out, eccn_error *err);
/* Parses len bytes of memory; name is used in error messages. Never cached. */
int ydoc_load_mem(const char *name, const unsigned char *data, size_t len, ydoc **out,
                  eccn_error *err);
void ydoc_free(ydoc *doc);

/* Parsed documents are cached in dir: one index per directory of rule or data files, holding
 * each file's identity (device, inode, size, modification and change times), SHA-256 and parsed
 * form. A file that matches its recorded identity is not read again, as git trusts its index; an
 * identity is recorded as trusted only once the file has been unchanged for a few seconds, so that
 * any later change, which sets the file's change time, gives it another identity. A file that does
 * not match is read and hashed, and parsed again only if its bytes changed. NULL or "" (the
 * default) turns the cache off. An index that is truncated, corrupt or from another build is
 * ignored and rewritten. The first index or blob a process writes prunes dir to the 64 written
 * last (those it writes after wait for the next process's first). dir
 * must outlive the loads. */
void ydoc_set_cache_dir(const char *dir);

/* A directory opened to load several of its files through one index read: ydoc_load_file opens
 * one per file. ydoc_dir_open fails only for lack of memory; ydoc_dir_close writes the index back
 * if a load changed it. Documents loaded stay the caller's and may outlive the ydoc_dir. */
typedef struct ydoc_dir ydoc_dir;
int ydoc_dir_open(const char *dir, ydoc_dir **out);
/* Loads dir/name, naming it so in errors. */
int ydoc_dir_load(ydoc_dir *d, const char *name, ydoc **out, eccn_error *err);
void ydoc_dir_close(ydoc_dir *d);
/* Without reading the file: the SHA-256 and size the index recorded for dir/name, when its
 * identity is still the one recorded as trusted; ECCN_ENOTFOUND otherwise. */
int ydoc_dir_identify(ydoc_dir *d, const char *name, char sha256[65], long long *size);

/* Blobs kept beside the parse cache for what is derived from parsed files (a rule set's image),
 * named by lower-case hex, pruned with the indexes. Without a cache directory there are none;
 * writing is best effort and atomic (a reader sees a whole blob or none). */
bool ydoc_cache_enabled(void);
int ydoc_cache_get(const char *name, eccn_buf *out);
void ydoc_cache_put(const char *name, const void *data, size_t len);

/* Map lookup by key; NULL when absent or when map is not a mapping. Borrowed pointer. */
const ynode *ynode_get(const ynode *map, const char *key);
/* True for a missing node or a plain `null`/`~`/empty scalar. */
bool ynode_is_null(const ynode *n);

/* Typed fields of a mapping, with errors that name the file, line and column. A missing or null
 * field is an error when required, otherwise *out is NULL (or ECCN_DATE_NONE, or an empty list).
 * A string returned is a new allocation the caller frees, also after a failure. A list is one
 * allocation holding its pointers and its strings: free(*out) releases it; after a failure *out is
 * NULL and *n 0. */
int ynode_str(const char *file, const ynode *map, const char *key, bool required, char **out,
              eccn_error *err);
int ynode_strv(const char *file, const ynode *map, const char *key, char ***out, size_t *n,
               eccn_error *err);
int ynode_date(const char *file, const ynode *map, const char *key, bool required, eccn_date *out,
               eccn_error *err);

#endif
