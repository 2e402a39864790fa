/*
 * hmap.h: the project's one hash map, keyed by byte strings (texts, or a few pointers laid side
 * by side), each key with a value of a size fixed per map. An audit looks up every line's texts
 * and evaluation in maps like this, and `impact` its (part, destination, headquarters) triples.
 *
 * A value stays where it is until the map is freed: a caller may hold it across later insertions
 * (an audit line's part and description entries, the change `impact` hands out). Keys are copied,
 * with a NUL after them so that a text key can be used as a C string. Open addressing over
 * (hash, entry) slots: a miss or a hit on a full 64-bit hash touches one slot and one entry.
 * eccn_hash64 is not keyed, so a hostile input can at worst slow its own lookups.
 */
#ifndef ECCN_HMAP_H
#define ECCN_HMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct eccn_hmap {
    struct eccn_hmap_slot *slots;
    size_t cap, n;
    size_t vsize; /* each value's size */
} eccn_hmap;

/* An empty map whose values are value_size bytes (0 for a set). */
void eccn_hmap_init(eccn_hmap *m, size_t value_size);
void eccn_hmap_free(eccn_hmap *m);

/* The value of key, or NULL. */
void *eccn_hmap_find(const eccn_hmap *m, const void *key, size_t klen);
/* The value of key, added zero-filled (*added true) when absent; NULL when out of memory. */
void *eccn_hmap_get(eccn_hmap *m, const void *key, size_t klen, bool *added);
/* The copy of the key a value of m is stored under: NUL-terminated, len bytes before the NUL. */
const char *eccn_hmap_key(const eccn_hmap *m, const void *value, size_t *len);

#endif
