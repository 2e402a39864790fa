/* partno.c: part-number normal forms and the map keyed by them (see partno.h). */
#include "partno.h"

#include "arena.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

size_t eccn_partno_norm(const char *s, size_t n, char *out, size_t outsz)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!isalnum(c))
            continue;
        if (k + 1 >= outsz)
            return 0;
        out[k++] = (char)toupper(c);
    }
    if (outsz)
        out[k] = '\0';
    return k;
}

size_t eccn_partno_stem(const char *s, size_t n, char *out, size_t outsz)
{
    size_t groups = 0, last = 0;
    bool in = false;
    for (size_t i = 0; i < n; i++) {
        bool an = isalnum((unsigned char)s[i]);
        if (an && !in) {
            groups++;
            last = i;
        }
        in = an;
    }
    if (groups < 4)
        return 0;
    return eccn_partno_norm(s, last, out, outsz);
}

bool eccn_partno_like(const char *s, size_t n)
{
    size_t alnum = 0, digits = 0;
    bool sep = false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (isdigit(c))
            digits++;
        if (isalnum(c))
            alnum++;
        else if (c == '-' && i > 0 && i + 1 < n)
            sep = true;
    }
    return digits >= 3 && alnum >= 6 && (sep || alnum >= 9);
}

typedef struct slot {
    char *key; /* NULL: empty; in the map's arena */
    size_t klen;
    uint64_t hash;
    const void *one;   /* the first value: most keys have one */
    const void **more; /* the others (malloc'd), nvalues - 1 of them */
    size_t nvalues;
} slot;

struct eccn_pnmap {
    slot *slots;
    size_t cap, used; /* cap is a power of two */
    eccn_arena keys;
};

eccn_pnmap *eccn_pnmap_new(void)
{
    eccn_pnmap *m = calloc(1, sizeof *m);
    if (m && !(m->slots = calloc(m->cap = 64, sizeof *m->slots))) {
        free(m);
        m = NULL;
    }
    return m;
}

void eccn_pnmap_free(eccn_pnmap *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->cap; i++)
        free(m->slots[i].more);
    eccn_arena_free(&m->keys);
    free(m->slots);
    free(m);
}

static slot *find(const eccn_pnmap *m, const char *key, size_t n, uint64_t h)
{
    for (size_t i = h & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
        slot *s = &m->slots[i];
        if (!s->key || (s->hash == h && s->klen == n && memcmp(s->key, key, n) == 0))
            return s;
    }
}

static int grow(eccn_pnmap *m)
{
    eccn_pnmap bigger = {calloc(m->cap * 2, sizeof *m->slots), m->cap * 2, m->used, m->keys};
    if (!bigger.slots)
        return ECCN_ENOMEM;
    for (size_t i = 0; i < m->cap; i++)
        if (m->slots[i].key)
            *find(&bigger, m->slots[i].key, m->slots[i].klen, m->slots[i].hash) = m->slots[i];
    free(m->slots);
    *m = bigger;
    return ECCN_OK;
}

int eccn_pnmap_reserve(eccn_pnmap *m, size_t n)
{
    while (n * 4 > m->cap * 3)
        if (grow(m) != ECCN_OK)
            return ECCN_ENOMEM;
    return ECCN_OK;
}

int eccn_pnmap_add(eccn_pnmap *m, const char *key, size_t n, const void *value)
{
    if (n == 0)
        return ECCN_OK;
    if ((m->used + 1) * 4 > m->cap * 3 && grow(m) != ECCN_OK)
        return ECCN_ENOMEM;
    uint64_t h = eccn_hash64(key, n);
    slot *s = find(m, key, n, h);
    if (!s->key) {
        if (!(s->key = eccn_arena_strndup(&m->keys, key, n)))
            return ECCN_ENOMEM;
        s->klen = n;
        s->hash = h;
        s->one = value;
        s->nvalues = 1;
        m->used++;
        return ECCN_OK;
    }
    if (s->one == value)
        return ECCN_OK;
    for (size_t i = 0; i + 1 < s->nvalues; i++)
        if (s->more[i] == value)
            return ECCN_OK;
    const void **g = realloc(s->more, s->nvalues * sizeof *g);
    if (!g)
        return ECCN_ENOMEM;
    s->more = g;
    g[s->nvalues++ - 1] = value;
    return ECCN_OK;
}

size_t eccn_pnmap_get(const eccn_pnmap *m, const char *key, size_t n, const void **out, size_t max)
{
    if (!m || n == 0)
        return 0;
    const slot *s = find(m, key, n, eccn_hash64(key, n));
    for (size_t i = 0; s->key && i < s->nvalues && i < max; i++)
        out[i] = i ? s->more[i - 1] : s->one;
    return s->key ? s->nvalues : 0;
}
