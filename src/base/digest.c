/* digest.c: SHA-256 via libcrypto (see digest.h).
 *
 * We call libcrypto's SHA256_Init/Update/Final rather than EVP. EVP's first use loads
 * openssl.cnf and registers every algorithm of the default provider, and, linked statically,
 * drags the whole provider machinery (18,000 relocations) into the binary: measured on the
 * 2-core CI machine, 1.5 to 2 ms of process start, a third of the 5 ms budget for one
 * `eccn check`. The low-level functions are deprecated in OpenSSL 3 but present in every 3.x
 * release and run the same assembly (SHA-NI, AVX2); OPENSSL_API_COMPAT below states which API
 * we use. */
#define OPENSSL_API_COMPAT 10101
#include "digest.h"

#include <errno.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct eccn_digest {
    SHA256_CTX ctx;
};

eccn_digest *eccn_digest_new(void)
{
    eccn_digest *d = malloc(sizeof *d);
    if (d && SHA256_Init(&d->ctx) != 1) {
        free(d);
        d = NULL;
    }
    return d;
}

int eccn_digest_update(eccn_digest *d, const void *data, size_t len)
{
    return SHA256_Update(&d->ctx, data, len) == 1 ? ECCN_OK : ECCN_ENOMEM;
}

int eccn_digest_hex(eccn_digest *d, char out[65])
{
    unsigned char md[SHA256_DIGEST_LENGTH];
    if (SHA256_Final(md, &d->ctx) != 1)
        return ECCN_ENOMEM;
    eccn_hex(md, sizeof md, out);
    return ECCN_OK;
}

int eccn_digest_peek_hex(const eccn_digest *d, char out[65])
{
    eccn_digest copy = *d; /* a SHA256_CTX is plain data: a copy goes on independently */
    return eccn_digest_hex(&copy, out);
}

int eccn_sha256(const void *data, size_t len, unsigned char out[32])
{
    SHA256_CTX c;
    return SHA256_Init(&c) == 1 && SHA256_Update(&c, data, len) == 1 && SHA256_Final(out, &c) == 1
               ? ECCN_OK
               : ECCN_ENOMEM;
}

void eccn_digest_free(eccn_digest *d)
{
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

void eccn_hex(const unsigned char *bytes, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[bytes[i] >> 4];
        out[2 * i + 1] = digits[bytes[i] & 15];
    }
    out[2 * n] = '\0';
}

int eccn_sha256_hex(const void *data, size_t len, char out[65])
{
    unsigned char md[SHA256_DIGEST_LENGTH];
    int rc = eccn_sha256(data, len, md);
    if (rc == ECCN_OK)
        eccn_hex(md, sizeof md, out);
    return rc;
}
