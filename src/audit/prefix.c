/* prefix.c: the input's digest, taken as it is read, and the digest of the part judged so far
 * at each commit (see audit_internal.h). The reader hands over its buffers ahead of the records
 * it parses, so the bytes not yet judged wait in `pending` until a commit says where the judged
 * part ends: one SHA-256 over the file, as before, plus a copy of each buffer. */
#include "audit_internal.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

int prefix_init(prefix_hash *h, bool whole)
{
    memset(h, 0, sizeof *h);
    h->whole = whole;
    h->d = eccn_digest_new();
    return h->d ? ECCN_OK : ECCN_ENOMEM;
}

void prefix_free(prefix_hash *h)
{
    eccn_digest_free(h->d);
    eccn_buf_free(&h->pending);
    h->d = NULL;
}

void prefix_bytes(const void *p, size_t n, void *ctx)
{
    prefix_hash *h = ctx;
    if (h->status != ECCN_OK)
        return;
    if (h->whole) {
        h->status = eccn_digest_update(h->d, p, n);
        h->fed += (long long)n;
    } else {
        h->status = eccn_buf_append(&h->pending, p, n);
    }
}

int prefix_advance(prefix_hash *h, long long offset)
{
    if (h->whole || h->status != ECCN_OK)
        return h->status;
    long long n = offset - h->fed;
    if (n < 0 || (size_t)n > h->pending.len)
        return ECCN_EINPUT; /* not a position of the bytes read: a bug, not input */
    int rc = eccn_digest_update(h->d, h->pending.data, (size_t)n);
    if (rc == ECCN_OK) {
        memmove(h->pending.data, h->pending.data + n, h->pending.len - (size_t)n);
        h->pending.len -= (size_t)n;
        h->fed = offset;
    }
    return rc;
}

int prefix_at(prefix_hash *h, long long offset, char out[65])
{
    int rc = prefix_advance(h, offset);
    return rc == ECCN_OK ? eccn_digest_peek_hex(h->d, out) : rc;
}

int prefix_finish(prefix_hash *h, char out[65])
{
    int rc = h->whole ? h->status : prefix_advance(h, h->fed + (long long)h->pending.len);
    return rc == ECCN_OK ? eccn_digest_hex(h->d, out) : rc;
}

int prefix_read_file(prefix_hash *h, const char *path, long long limit, eccn_error *err)
{
    FILE *f = fopen(path, "rb");
    char buf[1 << 16];
    int rc = ECCN_OK;
    if (!f)
        return eccn_fail(err, ECCN_EIO, path, 0, 0, "cannot open: %s", strerror(errno));
    while (rc == ECCN_OK && (limit < 0 || h->fed < limit)) {
        size_t want = limit < 0 || limit - h->fed > (long long)sizeof buf
                          ? sizeof buf
                          : (size_t)(limit - h->fed);
        size_t n = fread(buf, 1, want, f);
        if (n == 0)
            break;
        rc = eccn_digest_update(h->d, buf, n);
        h->fed += (long long)n;
    }
    if (rc == ECCN_OK && ferror(f))
        rc = eccn_fail(err, ECCN_EIO, path, 0, 0, "read error: %s", strerror(errno));
    fclose(f);
    return rc;
}
