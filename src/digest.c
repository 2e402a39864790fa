/* digest.c: SHA-256 via libcrypto (see digest.h). */
#include "digest.h"

#include <errno.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct eccn_digest {
    EVP_MD_CTX *ctx;
};

eccn_digest *eccn_digest_new(void)
{
    eccn_digest *d = calloc(1, sizeof *d);
    if (!d)
        return NULL;
    d->ctx = EVP_MD_CTX_new();
    if (!d->ctx || EVP_DigestInit_ex(d->ctx, EVP_sha256(), NULL) != 1) {
        eccn_digest_free(d);
        return NULL;
    }
    return d;
}

int eccn_digest_update(eccn_digest *d, const void *data, size_t len)
{
    return EVP_DigestUpdate(d->ctx, data, len) == 1 ? ECCN_OK : ECCN_ENOMEM;
}

int eccn_digest_hex(eccn_digest *d, char out[65])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    if (EVP_DigestFinal_ex(d->ctx, md, &n) != 1 || n != 32)
        return ECCN_ENOMEM;
    for (unsigned i = 0; i < n; i++)
        snprintf(out + 2 * i, 3, "%02x", md[i]);
    return ECCN_OK;
}

void eccn_digest_free(eccn_digest *d)
{
    if (!d)
        return;
    EVP_MD_CTX_free(d->ctx);
    free(d);
}

int eccn_digest_file(const char *path, char out[65], long long *size, eccn_error *err)
{
    FILE *f = fopen(path, "rb");
    eccn_digest *d = NULL;
    int rc = ECCN_OK;
    unsigned char buf[1 << 16];
    size_t n;
    long long total = 0;
    if (!f)
        return eccn_fail(err, ECCN_EIO, path, 0, 0, "cannot open: %s", strerror(errno));
    if (!(d = eccn_digest_new())) {
        rc = ECCN_ENOMEM;
        goto done;
    }
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
        total += (long long)n;
        if ((rc = eccn_digest_update(d, buf, n)) != ECCN_OK)
            goto done;
    }
    if (ferror(f)) {
        rc = eccn_fail(err, ECCN_EIO, path, 0, 0, "read error");
        goto done;
    }
    rc = eccn_digest_hex(d, out);
    if (size)
        *size = total;
done:
    eccn_digest_free(d);
    fclose(f);
    return rc;
}
