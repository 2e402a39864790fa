/* arena.c: block allocator (see arena.h). */
#include "arena.h"

#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

enum { ARENA_BLOCK = 64 * 1024 };

struct eccn_arena_block {
    eccn_arena_block *next;
    alignas(max_align_t) unsigned char data[];
};

/* n bytes at an address aligned to al (a power of two, at most max_align_t's). */
static void *take(eccn_arena *a, size_t n, size_t al)
{
    size_t at = (a->used + al - 1) & ~(al - 1);
    if (n > (size_t)-1 / 2)
        return NULL;
    if (!a->head || at > a->size || a->size - at < n) {
        size_t size = n > ARENA_BLOCK ? n : ARENA_BLOCK;
        eccn_arena_block *b = malloc(sizeof *b + size);
        if (!b)
            return NULL;
        b->next = a->head;
        a->head = b;
        a->size = size;
        at = 0;
    }
    a->used = at + n;
    return a->head->data + at;
}

void *eccn_arena_alloc(eccn_arena *a, size_t n)
{
    void *p = take(a, n, alignof(max_align_t));
    if (p)
        memset(p, 0, n);
    return p;
}

char *eccn_arena_strndup(eccn_arena *a, const char *s, size_t n)
{
    char *p = take(a, n + 1, 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

void eccn_arena_free(eccn_arena *a)
{
    eccn_arena_block *b = a->head;
    while (b) {
        eccn_arena_block *next = b->next;
        free(b);
        b = next;
    }
    a->head = NULL;
    a->used = a->size = 0;
}
