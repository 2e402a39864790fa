/*
 * ydoc.h: a YAML file read into a small tree whose nodes remember their line and column, so that
 * every later complaint about a rule or data file can point at the exact place.
 *
 * Anchors and aliases are refused (they buy nothing in rule files and are the vector of "billion
 * laughs" bombs); nesting deeper than YDOC_MAX_DEPTH and documents with more than one root are
 * refused too, and so are files over YDOC_MAX_FILE bytes. A ydoc owns all its nodes and strings;
 * ydoc_free releases them.
 */
#ifndef ECCN_YDOC_H
#define ECCN_YDOC_H

#include "util.h"

#include <stdint.h>

#define YDOC_MAX_DEPTH 64
#define YDOC_MAX_FILE                                                                              \
    (16u << 20) /* rule and data files are far smaller; a bigger one is an error */

typedef enum { YN_SCALAR, YN_SEQ, YN_MAP } ynode_kind;

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
    char sha256[65]; /* of the bytes parsed, so a digest always names what was read */
    long long size;
} ydoc;

/* Parses the file at path. On success *out is a new ydoc the caller frees with ydoc_free. */
int ydoc_load_file(const char *path, ydoc **out, eccn_error *err);
/* Parses len bytes of memory; name is used in error messages. */
int ydoc_load_mem(const char *name, const unsigned char *data, size_t len, ydoc **out,
                  eccn_error *err);
void ydoc_free(ydoc *doc);

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
