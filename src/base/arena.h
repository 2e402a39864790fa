/*
 * arena.h: an allocator for many small objects that live and die together (a vendor table's
 * rows and strings, a map's keys). Memory comes in blocks of at least a few tens of kilobytes;
 * nothing is freed alone; eccn_arena_free releases everything at once. An object returned stays
 * at its address until then.
 */
#ifndef ECCN_ARENA_H
#define ECCN_ARENA_H

#include <stddef.h>

typedef struct eccn_arena_block eccn_arena_block;
typedef struct eccn_arena {
    eccn_arena_block *head; /* the block being filled; the older ones follow it */
    size_t used, size;      /* bytes used and held in head */
} eccn_arena;               /* zero-initialised: empty */

/* n bytes aligned for any object, zeroed; NULL when memory runs out. */
void *eccn_arena_alloc(eccn_arena *a, size_t n);
/* A NUL-terminated copy of the n bytes at s; NULL when memory runs out. */
char *eccn_arena_strndup(eccn_arena *a, const char *s, size_t n);
void eccn_arena_free(eccn_arena *a);

#endif
