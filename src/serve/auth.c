/* auth.c: the tokens file of `eccn serve` (serve_internal.h, docs/serve.md).
 *
 * One client a line: "NAME SALT HASH", the salt 16 random bytes and the hash SHA-256(salt ||
 * token), both in hex; '#' starts a comment. A token is 32 random bytes (64 hex digits) from
 * OpenSSL's generator, so one salted SHA-256 suffices: there is no password to guess, and a slow
 * hash would cost every request. The comparison is CRYPTO_memcmp, in constant time. */
#include "digest.h"
#include "serve_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static bool name_ok(const char *s, size_t n)
{
    if (n == 0 || n > 64)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '@' || c == '-'))
            return false;
    }
    return true;
}

static bool unhex(const char *s, size_t n, unsigned char *out, size_t outn)
{
    if (n != 2 * outn)
        return false;
    for (size_t i = 0; i < outn; i++) {
        int v = 0;
        for (int k = 0; k < 2; k++) {
            char c = s[2 * i + (size_t)k];
            int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
            if (d < 0)
                return false;
            v = v * 16 + d;
        }
        out[i] = (unsigned char)v;
    }
    return true;
}

/* Splits line into its three words; false when there are not exactly three. */
static bool words3(char *line, char *w[3], size_t len[3])
{
    int n = 0;
    for (char *p = line; *p;) {
        while (*p == ' ' || *p == '\t')
            p++;
        if (!*p)
            break;
        if (n == 3)
            return false;
        w[n] = p;
        while (*p && *p != ' ' && *p != '\t')
            p++;
        len[n] = (size_t)(p - w[n]);
        n++;
    }
    return n == 3;
}

static int parse_line(const char *path, int lineno, char *line, srv_tokens *t, size_t *cap,
                      eccn_error *err)
{
    char *w[3];
    size_t len[3];
    line[strcspn(line, "#\r\n")] = '\0';
    if (line[strspn(line, " \t")] == '\0')
        return ECCN_OK;
    srv_token tok = {0};
    if (!words3(line, w, len) || !name_ok(w[0], len[0]) ||
        !unhex(w[1], len[1], tok.salt, sizeof tok.salt) ||
        !unhex(w[2], len[2], tok.hash, sizeof tok.hash))
        return eccn_fail(err, ECCN_EINPUT, path, lineno, 0,
                         "expected NAME SALT HASH (32 and 64 hex digits); make entries with "
                         "`eccn serve --add-token NAME --tokens FILE`");
    memcpy(tok.name, w[0], len[0]);
    for (size_t i = 0; i < t->n; i++)
        if (strcmp(t->v[i].name, tok.name) == 0)
            return eccn_fail(err, ECCN_EINPUT, path, lineno, 0, "client '%s' is listed twice",
                             tok.name);
    srv_token *v = eccn_grow(t->v, cap, t->n + 1, sizeof *v, 8);
    if (!v)
        return ECCN_ENOMEM;
    t->v = v;
    t->v[t->n++] = tok;
    return ECCN_OK;
}

int srv_tokens_load(const char *path, srv_tokens *out, eccn_error *err)
{
    eccn_buf b = {0};
    size_t cap = 0;
    memset(out, 0, sizeof *out);
    int rc = eccn_read_file(path, &b, err);
    int lineno = 0;
    for (char *line = b.data, *nl; rc == ECCN_OK && line && *line; line = nl ? nl + 1 : NULL) {
        nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        rc = parse_line(path, ++lineno, line, out, &cap, err);
        if (!nl)
            break;
    }
    if (rc == ECCN_OK && out->n == 0)
        rc = eccn_fail(err, ECCN_EINPUT, path, 0, 0,
                       "no client listed: add one with `eccn serve --add-token NAME --tokens %s`",
                       path);
    eccn_buf_free(&b);
    if (rc != ECCN_OK)
        srv_tokens_free(out);
    return rc;
}

void srv_tokens_free(srv_tokens *t)
{
    if (t->v)
        OPENSSL_cleanse(t->v, t->n * sizeof *t->v);
    free(t->v);
    memset(t, 0, sizeof *t);
}

static int salted(const unsigned char salt[16], const char *token, size_t n, unsigned char out[32])
{
    unsigned char buf[16 + 128];
    if (n > 128)
        return ECCN_EINPUT;
    memcpy(buf, salt, 16);
    memcpy(buf + 16, token, n);
    int rc = eccn_sha256(buf, 16 + n, out);
    OPENSSL_cleanse(buf, sizeof buf);
    return rc;
}

const char *srv_tokens_check(const srv_tokens *t, const char *token, size_t n)
{
    const char *who = NULL;
    /* Every entry is hashed and compared, a match or not, so the time says nothing of which. */
    for (size_t i = 0; i < t->n; i++) {
        unsigned char h[32];
        if (salted(t->v[i].salt, token, n, h) == ECCN_OK &&
            CRYPTO_memcmp(h, t->v[i].hash, sizeof h) == 0 && !who)
            who = t->v[i].name;
    }
    return who;
}

int eccn_serve_add_token(const char *path, const char *name, char token[65], eccn_error *err)
{
    if (!name_ok(name, strlen(name)))
        return eccn_fail(err, ECCN_EINPUT, NULL, 0, 0,
                         "client name '%s': expected 1 to 64 of A-Z a-z 0-9 . _ @ -", name);
    srv_tokens have = {0};
    eccn_error ignored = {0};
    if (access(path, F_OK) == 0) {
        int rc = srv_tokens_load(path, &have, &ignored);
        if (rc != ECCN_OK && !strstr(ignored.msg, "no client listed"))
            return eccn_fail(err, rc, path, ignored.line, 0, "%s", ignored.msg);
    }
    bool dup = false;
    for (size_t i = 0; i < have.n; i++)
        dup |= strcmp(have.v[i].name, name) == 0;
    srv_tokens_free(&have);
    if (dup)
        return eccn_fail(err, ECCN_EINPUT, path, 0, 0, "client '%s' has a token already", name);
    unsigned char raw[32], salt[16], hash[32];
    if (RAND_bytes(raw, sizeof raw) != 1 || RAND_bytes(salt, sizeof salt) != 1)
        return eccn_fail(err, ECCN_EIO, NULL, 0, 0, "no random bytes from OpenSSL");
    eccn_hex(raw, sizeof raw, token);
    OPENSSL_cleanse(raw, sizeof raw);
    char salt_hex[33], hash_hex[65], line[256];
    eccn_hex(salt, sizeof salt, salt_hex);
    if (salted(salt, token, 64, hash) != ECCN_OK)
        return ECCN_ENOMEM;
    eccn_hex(hash, sizeof hash, hash_hex);
    int n = snprintf(line, sizeof line, "%s %s %s\n", name, salt_hex, hash_hex);
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
        return eccn_fail(err, ECCN_EIO, path, 0, 0, "cannot open: %s", strerror(errno));
    int rc = ECCN_OK;
    if (write(fd, line, (size_t)n) != n || fsync(fd) != 0)
        rc = eccn_fail(err, ECCN_EIO, path, 0, 0, "cannot write: %s", strerror(errno));
    close(fd);
    return rc;
}
