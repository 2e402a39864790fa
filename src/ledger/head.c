/*
 * head.c: see head.h. The text form is strict (one spelling of each line, lower-case hex, no
 * extra space), so that what is signed and what is parsed cannot differ.
 */
#include "head.h"

#include "digest.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAGIC "eccn ledger head 1\n"

static bool unhex(const char *s, size_t n, unsigned char *out)
{
    for (size_t i = 0; i < n; i++) {
        int v = 0;
        for (int j = 0; j < 2; j++) {
            char c = s[2 * i + j];
            int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
            if (d < 0)
                return false;
            v = v * 16 + d;
        }
        out[i] = (unsigned char)v;
    }
    return true;
}

static bool name_ok(const char *s)
{
    size_t n = strlen(s);
    return n > 0 && n < 64 && s[0] != ' ' && s[n - 1] != ' ' && !strpbrk(s, "\n\r");
}

int eccn_head_encode(eccn_head *h, const eccn_sign_key *k, eccn_buf *out, eccn_error *err)
{
    char hex[2 * ECCN_SIGN_SIGLEN + 1];
    unsigned char sig[ECCN_SIGN_SIGLEN];
    unsigned char id[32];
    if (strlen(h->ledger) != 64 || !unhex(h->ledger, sizeof id, id))
        return eccn_fail(err, ECCN_EINPUT, "", 0, 0, "a ledger identity is 64 hex digits");
    eccn_buf_reset(out);
    eccn_sign_key_public(k, h->key);
    eccn_utc_now(h->signed_at);
    int rc = eccn_buf_printf(out, MAGIC "ledger %s\nsigned %s\n", h->ledger, h->signed_at);
    for (size_t i = 0; rc == ECCN_OK && i < h->nchains; i++) {
        if (!name_ok(h->chains[i].name))
            return eccn_fail(err, ECCN_EINPUT, "", 0, 0, "bad chain name in a head");
        eccn_hex(h->chains[i].hash, ECCN_HEAD_HASHLEN, hex);
        rc = eccn_buf_printf(out, "chain %s %lld %s\n", h->chains[i].name, h->chains[i].position,
                             hex);
    }
    eccn_hex(h->key, ECCN_SIGN_PUBLEN, hex);
    if (rc == ECCN_OK)
        rc = eccn_buf_printf(out, "key %s\n", hex);
    if (rc != ECCN_OK)
        return rc;
    if ((rc = eccn_sign(k, out->data, out->len, sig, err)) != ECCN_OK)
        return rc;
    eccn_hex(sig, ECCN_SIGN_SIGLEN, hex);
    return eccn_buf_printf(out, "signature %s\n", hex);
}

/* One "chain NAME POSITION HASH" line (without "chain "), into c. */
static bool parse_chain(const char *s, size_t n, eccn_head_chain *c)
{
    const char *hash = n > 65 ? s + n - 64 : NULL;
    if (!hash || hash[-1] != ' ' || !unhex(hash, ECCN_HEAD_HASHLEN, c->hash))
        return false;
    const char *pos = hash - 1;
    while (pos > s && pos[-1] >= '0' && pos[-1] <= '9')
        pos--;
    if (pos == hash - 1 || pos - s < 2 || pos[-1] != ' ' || (size_t)(pos - 1 - s) >= sizeof c->name)
        return false;
    memcpy(c->name, s, (size_t)(pos - 1 - s));
    c->name[pos - 1 - s] = '\0';
    c->position = strtoll(pos, NULL, 10);
    return name_ok(c->name) && c->position >= 0;
}

int eccn_head_decode(const char *text, size_t len, const char *name, eccn_head *out,
                     eccn_error *err)
{
    memset(out, 0, sizeof *out);
    size_t cap = 0, signed_len = 0;
    unsigned char sig[ECCN_SIGN_SIGLEN];
    bool have_key = false, have_sig = false;
    int line = 0;
    const char *p = text, *end = text + len;
    if (len < sizeof MAGIC - 1 || memcmp(text, MAGIC, sizeof MAGIC - 1) != 0)
        return eccn_fail(err, ECCN_EINPUT, name, 1, 1, "not an eccn ledger head");
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        line++;
        if (!nl || have_sig)
            goto bad;
        size_t n = (size_t)(nl - p);
        if (line == 1) {
            /* the magic line, checked above */
        } else if (n == 7 + 64 && memcmp(p, "ledger ", 7) == 0 && !out->ledger[0]) {
            memcpy(out->ledger, p + 7, 64);
        } else if (n == 7 + 20 && memcmp(p, "signed ", 7) == 0 && !out->signed_at[0]) {
            memcpy(out->signed_at, p + 7, 20);
        } else if (n > 6 && memcmp(p, "chain ", 6) == 0 && !have_key) {
            eccn_head_chain *c = eccn_grow(out->chains, &cap, out->nchains + 1, sizeof *c, 8);
            if (!c) {
                eccn_head_free(out);
                return ECCN_ENOMEM;
            }
            out->chains = c;
            if (!parse_chain(p + 6, n - 6, &c[out->nchains]))
                goto bad;
            out->nchains++;
        } else if (n == 4 + 64 && memcmp(p, "key ", 4) == 0 && !have_key) {
            if (!(have_key = unhex(p + 4, ECCN_SIGN_PUBLEN, out->key)))
                goto bad;
            signed_len = (size_t)(nl + 1 - text);
        } else if (n == 10 + 128 && memcmp(p, "signature ", 10) == 0 && have_key) {
            if (!(have_sig = unhex(p + 10, ECCN_SIGN_SIGLEN, sig)))
                goto bad;
        } else {
            goto bad;
        }
        p = nl + 1;
    }
    if (!have_sig || !out->ledger[0] || !out->signed_at[0]) {
        eccn_head_free(out);
        return eccn_fail(err, ECCN_EINPUT, name, line, 1,
                         "incomplete head: expected ledger, signed, key and signature lines");
    }
    if (!eccn_sign_verify(out->key, text, signed_len, sig)) {
        eccn_head_free(out);
        return eccn_fail(err, ECCN_EINPUT, name, 0, 0,
                         "the head's signature does not hold: it was changed after signing");
    }
    return ECCN_OK;
bad:
    eccn_head_free(out);
    return eccn_fail(err, ECCN_EINPUT, name, line, 1,
                     "expected one of: ledger ID, signed TIME, chain NAME POSITION HASH, key HEX, "
                     "signature HEX, each once and in that order");
}

void eccn_head_free(eccn_head *h)
{
    free(h->chains);
    h->chains = NULL;
    h->nchains = 0;
}

const eccn_head_chain *eccn_head_find(const eccn_head *h, const char *chain)
{
    for (size_t i = 0; i < h->nchains; i++)
        if (strcmp(h->chains[i].name, chain) == 0)
            return &h->chains[i];
    return NULL;
}

static int head_path(const char *dir, const char *ledger, eccn_buf *out)
{
    for (const char *c = ledger; *c; c++)
        if (!((*c >= '0' && *c <= '9') || (*c >= 'a' && *c <= 'f')))
            return ECCN_EINPUT; /* an identity is hex: it can name no other file */
    return eccn_buf_printf(out, "%s/heads/%s.head", dir, ledger);
}

int eccn_head_load(const char *dir, const char *ledger, const unsigned char *trusted_key,
                   eccn_head *out, eccn_error *err)
{
    eccn_buf path = {0}, text = {0};
    memset(out, 0, sizeof *out);
    int rc = head_path(dir, ledger, &path);
    if (rc == ECCN_EINPUT)
        rc = eccn_fail(err, rc, "", 0, 0, "a ledger identity is hex digits");
    if (rc != ECCN_OK)
        goto done;
    if (access(path.data, F_OK) != 0 && errno == ENOENT) {
        rc = ECCN_ENOTFOUND;
        goto done;
    }
    if ((rc = eccn_read_file(path.data, &text, err)) != ECCN_OK ||
        (rc = eccn_head_decode(text.data, text.len, path.data, out, err)) != ECCN_OK)
        goto done;
    if (strcmp(out->ledger, ledger) != 0 ||
        (trusted_key && memcmp(out->key, trusted_key, ECCN_SIGN_PUBLEN) != 0)) {
        eccn_head_free(out);
        rc = eccn_fail(err, ECCN_EINPUT, path.data, 0, 0,
                       "signed for another ledger or with another key than this machine's");
    }
done:
    eccn_buf_free(&path);
    eccn_buf_free(&text);
    return rc;
}

/* Writes text to path through a temporary file, synced and renamed: after a crash the head is
 * the old one or the new one, never a torn one. The directory is not synced: a head that goes
 * back one write after a crash only lets the ledger be ahead of it, which verify accepts. */
static int write_atomically(const char *path, const eccn_buf *text, eccn_error *err)
{
    eccn_buf tmp = {0};
    int rc = eccn_buf_printf(&tmp, "%s.XXXXXX", path), fd = -1;
    if (rc != ECCN_OK)
        return rc;
    if ((fd = mkstemp(tmp.data)) < 0 || write(fd, text->data, text->len) != (ssize_t)text->len ||
        fsync(fd) != 0 || close(fd) != 0 || (fd = -1, rename(tmp.data, path) != 0)) {
        rc = eccn_fail(err, ECCN_EIO, path, 0, 0, "cannot store the signed head: %s",
                       strerror(errno));
        if (fd >= 0)
            close(fd);
        unlink(tmp.data);
    }
    eccn_buf_free(&tmp);
    return rc;
}

int eccn_head_store(const char *dir, eccn_head *h, const eccn_sign_key *k, eccn_error *err)
{
    eccn_buf path = {0}, sub = {0}, text = {0};
    eccn_head old;
    unsigned char pub[ECCN_SIGN_PUBLEN];
    eccn_sign_key_public(k, pub);
    int rc = eccn_buf_printf(&sub, "%s/heads", dir);
    if (rc == ECCN_OK)
        rc = head_path(dir, h->ledger, &path);
    if (rc == ECCN_EINPUT)
        rc = eccn_fail(err, rc, "", 0, 0, "a ledger identity is hex digits");
    if (rc != ECCN_OK)
        goto done;
    if ((mkdir(dir, 0700) != 0 && errno != EEXIST) ||
        (mkdir(sub.data, 0700) != 0 && errno != EEXIST)) {
        rc = eccn_fail(err, ECCN_EIO, sub.data, 0, 0, "cannot create: %s", strerror(errno));
        goto done;
    }
    rc = eccn_head_load(dir, h->ledger, pub, &old, err);
    if (rc == ECCN_OK) {
        for (size_t i = 0; i < old.nchains && rc == ECCN_OK; i++) {
            const eccn_head_chain *now = eccn_head_find(h, old.chains[i].name);
            if (now && now->position < old.chains[i].position)
                rc = eccn_fail(err, ECCN_EINPUT, path.data, 0, 0,
                               "chain %s is at %lld but was signed at %lld: rows were removed",
                               old.chains[i].name, now->position, old.chains[i].position);
        }
        eccn_head_free(&old);
    } else if (rc == ECCN_ENOTFOUND) {
        rc = ECCN_OK;
    }
    if (rc == ECCN_OK && (rc = eccn_head_encode(h, k, &text, err)) == ECCN_OK)
        rc = write_atomically(path.data, &text, err);
done:
    eccn_buf_free(&path);
    eccn_buf_free(&sub);
    eccn_buf_free(&text);
    return rc;
}
