/* image.c: structures written into one block and read back in place (see image.h). */
#include "image.h"

#include <stdlib.h>
#include <string.h>

_Static_assert(sizeof(char *) == sizeof(uint64_t), "an offset is kept in a pointer field");

uint64_t eccn_imgw_put(eccn_imgw *w, const void *data, size_t n)
{
    static const char zeros[8];
    if (n == 0 || w->status != ECCN_OK ||
        (w->status = eccn_buf_append(&w->buf, zeros, (8 - w->buf.len % 8) % 8)) != ECCN_OK)
        return 0;
    size_t at = w->buf.len;
    if ((w->status = eccn_buf_append(&w->buf, data, n)) != ECCN_OK)
        return 0;
    return (uint64_t)at + 1;
}

uint64_t eccn_imgw_str(eccn_imgw *w, const char *s)
{
    return s ? eccn_imgw_put(w, s, strlen(s) + 1) : 0;
}

uint64_t eccn_imgw_strv(eccn_imgw *w, char *const *v, size_t n)
{
    if (!v || n == 0 || w->status != ECCN_OK)
        return 0;
    uint64_t *offsets = malloc(n * sizeof *offsets);
    if (!offsets) {
        w->status = ECCN_ENOMEM;
        return 0;
    }
    for (size_t i = 0; i < n; i++)
        offsets[i] = eccn_imgw_str(w, v[i]);
    uint64_t at = eccn_imgw_put(w, offsets, n * sizeof *offsets);
    free(offsets);
    return at;
}

void eccn_imgw_strs(eccn_imgw *w, char **const *fields, size_t n)
{
    for (size_t i = 0; i < n; i++)
        *fields[i] = ECCN_IMG_STASH(eccn_imgw_str(w, *fields[i]));
}

void *eccn_imgr_array(eccn_imgr *r, const void *stashed, size_t count, size_t size)
{
    uint64_t off = ECCN_IMG_OFFSET(stashed);
    if (off == 0) {
        r->bad |= count != 0;
        return NULL;
    }
    off -= 1;
    if (off % 8 != 0 || off > r->len || (size && count > (r->len - off) / size)) {
        r->bad = true;
        return NULL;
    }
    return r->base + off;
}

char *eccn_imgr_str(eccn_imgr *r, const void *stashed)
{
    uint64_t off = ECCN_IMG_OFFSET(stashed);
    if (off == 0)
        return NULL;
    off -= 1;
    if (off >= r->len || !memchr(r->base + off, '\0', r->len - off)) {
        r->bad = true;
        return NULL;
    }
    return r->base + off;
}

char **eccn_imgr_strv(eccn_imgr *r, const void *stashed, size_t n)
{
    char **v = eccn_imgr_array(r, stashed, n, sizeof *v);
    for (size_t i = 0; v && i < n; i++)
        if (!(v[i] = eccn_imgr_str(r, v[i])))
            r->bad = true;
    return r->bad ? NULL : v;
}

void eccn_imgr_strs(eccn_imgr *r, char **const *fields, size_t n)
{
    for (size_t i = 0; i < n; i++)
        *fields[i] = eccn_imgr_str(r, *fields[i]);
}

void eccn_imgr_field(eccn_imgr *r, const char *field, size_t size)
{
    if (!memchr(field, '\0', size))
        r->bad = true;
}
