/* hmap.c: the project's hash map (see hmap.h). */
#include "hmap.h"

#include "util.h"

#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

/* An entry is one allocation: its key's length, the value, then the key and a NUL. The value
 * sits at a fixed offset, so a value's pointer leads back to its key. */
typedef struct entry {
    size_t klen;
} entry;

struct eccn_hmap_slot {
    uint64_t hash;
    entry *e; /* NULL: empty */
};

#define ALIGN alignof(max_align_t)
#define ROUND(n) (((n) + ALIGN - 1) / ALIGN * ALIGN)
#define VALUE_AT ROUND(sizeof(entry))

static unsigned char *value_of(entry *e)
{
    return (unsigned char *)e + VALUE_AT;
}

static char *key_of(const eccn_hmap *m, entry *e)
{
    return (char *)e + VALUE_AT + ROUND(m->vsize);
}

void eccn_hmap_init(eccn_hmap *m, size_t value_size)
{
    memset(m, 0, sizeof *m);
    m->vsize = value_size;
}

void eccn_hmap_free(eccn_hmap *m)
{
    for (size_t i = 0; i < m->cap; i++)
        free(m->slots[i].e);
    free(m->slots);
    eccn_hmap_init(m, m->vsize);
}

/* The slot holding key, or the empty slot where it would go. */
static struct eccn_hmap_slot *slot_for(const eccn_hmap *m, const void *key, size_t klen, uint64_t h)
{
    for (size_t i = h & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
        struct eccn_hmap_slot *s = &m->slots[i];
        if (!s->e ||
            (s->hash == h && s->e->klen == klen && memcmp(key_of(m, s->e), key, klen) == 0))
            return s;
    }
}

void *eccn_hmap_find(const eccn_hmap *m, const void *key, size_t klen)
{
    if (!m->cap)
        return NULL;
    struct eccn_hmap_slot *s = slot_for(m, key, klen, eccn_hash64(key, klen));
    return s->e ? value_of(s->e) : NULL;
}

static int grow(eccn_hmap *m)
{
    size_t cap = m->cap ? m->cap * 2 : 64;
    struct eccn_hmap_slot *slots = calloc(cap, sizeof *slots);
    if (!slots)
        return ECCN_ENOMEM;
    for (size_t i = 0; i < m->cap; i++) {
        const struct eccn_hmap_slot *s = &m->slots[i];
        if (!s->e)
            continue;
        size_t j = s->hash & (cap - 1);
        while (slots[j].e)
            j = (j + 1) & (cap - 1);
        slots[j] = *s;
    }
    free(m->slots);
    m->slots = slots;
    m->cap = cap;
    return ECCN_OK;
}

void *eccn_hmap_get(eccn_hmap *m, const void *key, size_t klen, bool *added)
{
    uint64_t h = eccn_hash64(key, klen);
    *added = false;
    /* At most half full: probes stay short. */
    if ((m->n + 1) * 2 > m->cap) {
        struct eccn_hmap_slot *s = m->cap ? slot_for(m, key, klen, h) : NULL;
        if (s && s->e)
            return value_of(s->e);
        if (grow(m) != ECCN_OK)
            return NULL;
    }
    struct eccn_hmap_slot *s = slot_for(m, key, klen, h);
    if (s->e)
        return value_of(s->e);
    entry *e = calloc(1, VALUE_AT + ROUND(m->vsize) + klen + 1);
    if (!e)
        return NULL;
    e->klen = klen;
    if (klen)
        memcpy(key_of(m, e), key, klen);
    s->hash = h;
    s->e = e;
    m->n++;
    *added = true;
    return value_of(e);
}

const char *eccn_hmap_key(const eccn_hmap *m, const void *value, size_t *len)
{
    entry *e = (entry *)((unsigned char *)value - VALUE_AT);
    if (len)
        *len = e->klen;
    return key_of(m, e);
}
