/*
 * sign.c: see sign.h. OpenSSL 3's EVP interface does the signing (one-shot EVP_DigestSign, as
 * Ed25519 requires); this file only manages the key file.
 */
#include "sign.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
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

/* The key of a PEM "PRIVATE KEY" (PKCS#8) block, Ed25519's being an OCTET STRING of its 32-byte
 * seed (RFC 8410), or NULL. OpenSSL's ASN.1 parsers read it; PEM_read_PrivateKey would do the
 * same through its generic decoders, which cost a check about three times as many instructions
 * as the rest of its signing (measured with callgrind). */
static EVP_PKEY *read_ed25519_pem(FILE *f)
{
    char *name = NULL, *header = NULL;
    unsigned char *der = NULL;
    long len = 0;
    PKCS8_PRIV_KEY_INFO *p8 = NULL;
    ASN1_OCTET_STRING *seed = NULL;
    const ASN1_OBJECT *alg = NULL;
    const unsigned char *p, *inner = NULL;
    int inner_len = 0;
    EVP_PKEY *pkey = NULL;
    if (PEM_read(f, &name, &header, &der, &len) == 1 && strcmp(name, "PRIVATE KEY") == 0 &&
        (p = der, p8 = d2i_PKCS8_PRIV_KEY_INFO(NULL, &p, len)) != NULL &&
        PKCS8_pkey_get0(&alg, &inner, &inner_len, NULL, p8) == 1 &&
        OBJ_obj2nid(alg) == NID_ED25519 &&
        (seed = d2i_ASN1_OCTET_STRING(NULL, &inner, inner_len)) != NULL &&
        ASN1_STRING_length(seed) == 32)
        pkey =
            EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, ASN1_STRING_get0_data(seed), 32);
    ASN1_OCTET_STRING_free(seed);
    PKCS8_PRIV_KEY_INFO_free(p8);
    OPENSSL_free(name);
    OPENSSL_free(header);
    OPENSSL_clear_free(der, (size_t)(len > 0 ? len : 0));
    return pkey;
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
    EVP_PKEY *pkey = read_ed25519_pem(f);
    fclose(f);
    if (!pkey)
        return eccn_fail(err, ECCN_EINPUT, path, 0, 0,
                         "not a PEM Ed25519 private key (PKCS#8, as eccn writes it)");
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
