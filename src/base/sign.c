/*
 * sign.c: see sign.h. OpenSSL 3's EVP interface does the signing (one-shot EVP_DigestSign, as
 * Ed25519 requires); this file only manages the key file.
 */
#include "sign.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct eccn_sign_key {
    EVP_PKEY *pkey;
    unsigned char pub[ECCN_SIGN_PUBLEN];
};

static int key_from_pkey(EVP_PKEY *pkey, eccn_sign_key **out, const char *path, eccn_error *err)
{
    size_t n = ECCN_SIGN_PUBLEN;
    eccn_sign_key *k = calloc(1, sizeof *k);
    if (!k) {
        EVP_PKEY_free(pkey);
        return ECCN_ENOMEM;
    }
    k->pkey = pkey;
    if (EVP_PKEY_get_id(pkey) != EVP_PKEY_ED25519 ||
        EVP_PKEY_get_raw_public_key(pkey, k->pub, &n) != 1 || n != ECCN_SIGN_PUBLEN) {
        eccn_sign_key_free(k);
        return eccn_fail(err, ECCN_EINPUT, path, 0, 0, "expected an Ed25519 private key");
    }
    *out = k;
    return ECCN_OK;
}

static int create_key(const char *path, eccn_sign_key **out, eccn_error *err)
{
    EVP_PKEY *pkey = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
    if (!pkey)
        return eccn_fail(err, ECCN_EIO, path, 0, 0, "cannot generate a signing key");
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    int rc = ECCN_OK;
    if (!f) {
        rc = eccn_fail(err, ECCN_EIO, path, 0, 0, "cannot create the signing key: %s",
                       strerror(errno));
        if (fd >= 0)
            close(fd);
    } else {
        bool ok = PEM_write_PrivateKey(f, pkey, NULL, NULL, 0, NULL, NULL) == 1 && fflush(f) == 0 &&
                  fsync(fd) == 0;
        if (fclose(f) != 0 || !ok) {
            unlink(path);
            rc = eccn_fail(err, ECCN_EIO, path, 0, 0, "cannot write the signing key");
        }
    }
    if (rc != ECCN_OK) {
        EVP_PKEY_free(pkey);
        return rc;
    }
    return key_from_pkey(pkey, out, path, err);
}

int eccn_sign_key_open(const char *path, eccn_sign_key **out, bool *created, eccn_error *err)
{
    *out = NULL;
    *created = false;
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT) {
        int rc = create_key(path, out, err);
        *created = rc == ECCN_OK;
        return rc;
    }
    if (fd < 0)
        return eccn_fail(err, ECCN_EIO, path, 0, 0, "cannot open the signing key: %s",
                         strerror(errno));
    struct stat st;
    FILE *f = NULL;
    int rc = ECCN_OK;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || (st.st_mode & 077) != 0) {
        rc = eccn_fail(err, ECCN_EINPUT, path, 0, 0,
                       "the signing key must be a regular file that only its owner can read "
                       "(chmod 600)");
        close(fd);
        return rc;
    }
    if (!(f = fdopen(fd, "r"))) {
        close(fd);
        return ECCN_ENOMEM;
    }
    EVP_PKEY *pkey = PEM_read_PrivateKey(f, NULL, NULL, NULL);
    fclose(f);
    if (!pkey)
        return eccn_fail(err, ECCN_EINPUT, path, 0, 0, "not a PEM private key");
    return key_from_pkey(pkey, out, path, err);
}

void eccn_sign_key_free(eccn_sign_key *k)
{
    if (!k)
        return;
    EVP_PKEY_free(k->pkey);
    free(k);
}

void eccn_sign_key_public(const eccn_sign_key *k, unsigned char pub[ECCN_SIGN_PUBLEN])
{
    memcpy(pub, k->pub, ECCN_SIGN_PUBLEN);
}

int eccn_sign(const eccn_sign_key *k, const void *msg, size_t n,
              unsigned char sig[ECCN_SIGN_SIGLEN], eccn_error *err)
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    size_t len = ECCN_SIGN_SIGLEN;
    bool ok = ctx && EVP_DigestSignInit(ctx, NULL, NULL, NULL, k->pkey) == 1 &&
              EVP_DigestSign(ctx, sig, &len, msg, n) == 1 && len == ECCN_SIGN_SIGLEN;
    EVP_MD_CTX_free(ctx);
    return ok ? ECCN_OK : eccn_fail(err, ECCN_EIO, "", 0, 0, "signing failed");
}

bool eccn_sign_verify(const unsigned char pub[ECCN_SIGN_PUBLEN], const void *msg, size_t n,
                      const unsigned char sig[ECCN_SIGN_SIGLEN])
{
    EVP_PKEY *pkey = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, pub, ECCN_SIGN_PUBLEN);
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    bool ok = pkey && ctx && EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, pkey) == 1 &&
              EVP_DigestVerify(ctx, sig, ECCN_SIGN_SIGLEN, msg, n) == 1;
    EVP_MD_CTX_free(ctx);
    EVP_PKEY_free(pkey);
    return ok;
}
