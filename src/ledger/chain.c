/* chain.c: canonical row encoding and hashing for the ledger's chain (see chain.h). */
#include "chain.h"

#include "digest.h"
#include "ledger_internal.h"

#include <string.h>

/* Appends n bytes; rows are small, so after the first row the buffer never grows and this is a
 * bounds check and a copy (the audit hashes every line). */
static void put(eccn_chain_enc *e, const void *p, size_t n)
{
    if (e->status != ECCN_OK)
        return;
    if (e->buf.len + n >= e->buf.cap && (e->status = eccn_buf_reserve(&e->buf, n + 256)) != ECCN_OK)
        return;
    memcpy(e->buf.data + e->buf.len, p, n);
    e->buf.len += n;
}

static void put_be(eccn_chain_enc *e, unsigned long long v, int bytes)
{
    char b[8];
    for (int i = 0; i < bytes; i++)
        b[i] = (char)(v >> (8 * (bytes - 1 - i)));
    put(e, b, (size_t)bytes);
}

void eccn_chain_start(eccn_chain_enc *e, const unsigned char prev[ECCN_HASH_LEN])
{
    e->buf.len = 0;
    e->status = ECCN_OK;
    put(e, prev, ECCN_HASH_LEN);
}

void eccn_chain_null(eccn_chain_enc *e)
{
    put(e, "N", 1);
}

void eccn_chain_int(eccn_chain_enc *e, long long v)
{
    put(e, "I", 1);
    put_be(e, (unsigned long long)v, 8);
}

void eccn_chain_real(eccn_chain_enc *e, double v)
{
    unsigned long long bits;
    memcpy(&bits, &v, sizeof bits);
    put(e, "F", 1);
    put_be(e, bits, 8);
}

static void tagged_bytes(eccn_chain_enc *e, char tag, const void *p, size_t n)
{
    put(e, &tag, 1);
    put_be(e, n, 4);
    put(e, p, n);
}

void eccn_chain_text(eccn_chain_enc *e, const char *s, size_t n)
{
    tagged_bytes(e, 'T', s, n);
}

void eccn_chain_blob(eccn_chain_enc *e, const void *p, size_t n)
{
    tagged_bytes(e, 'B', p, n);
}

void eccn_chain_value(eccn_chain_enc *e, sqlite3_value *v)
{
    switch (sqlite3_value_type(v)) {
    case SQLITE_INTEGER:
        eccn_chain_int(e, sqlite3_value_int64(v));
        break;
    case SQLITE_FLOAT:
        eccn_chain_real(e, sqlite3_value_double(v));
        break;
    case SQLITE_TEXT: {
        const unsigned char *t = sqlite3_value_text(v);
        eccn_chain_text(e, (const char *)t, (size_t)sqlite3_value_bytes(v));
        break;
    }
    case SQLITE_BLOB: {
        const void *b = sqlite3_value_blob(v);
        tagged_bytes(e, 'B', b, (size_t)sqlite3_value_bytes(v));
        break;
    }
    default:
        eccn_chain_null(e);
    }
}

int eccn_chain_finish(const eccn_chain_enc *e, unsigned char out[ECCN_HASH_LEN])
{
    if (e->status != ECCN_OK)
        return e->status;
    return eccn_sha256(e->buf.data, e->buf.len, out);
}

int eccn_chain_genesis(const unsigned char parent[ECCN_HASH_LEN], const char *table,
                       unsigned char out[ECCN_HASH_LEN])
{
    eccn_chain_enc e = {0};
    eccn_chain_start(&e, parent);
    eccn_chain_text(&e, table, strlen(table));
    int rc = eccn_chain_finish(&e, out);
    eccn_buf_free(&e.buf);
    return rc;
}

static void chain_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    eccn_chain_enc enc = {0};
    unsigned char prev[ECCN_HASH_LEN] = {0}, out[ECCN_HASH_LEN];
    if (sqlite3_value_type(argv[0]) == SQLITE_BLOB && sqlite3_value_bytes(argv[0]) == ECCN_HASH_LEN)
        memcpy(prev, sqlite3_value_blob(argv[0]), ECCN_HASH_LEN);
    else if (sqlite3_value_type(argv[0]) != SQLITE_NULL) {
        sqlite3_result_error(ctx, "eccn_chain: prev must be a 32-byte blob or NULL", -1);
        return;
    }
    eccn_chain_start(&enc, prev);
    for (int i = 1; i < argc; i++)
        eccn_chain_value(&enc, argv[i]);
    if (eccn_chain_finish(&enc, out) != ECCN_OK)
        sqlite3_result_error_nomem(ctx);
    else
        sqlite3_result_blob(ctx, out, ECCN_HASH_LEN, SQLITE_TRANSIENT);
    eccn_buf_free(&enc.buf);
}

int eccn_chain_register(sqlite3 *db)
{
    /* DIRECTONLY: callable from eccn's own statements, never from a trigger or a view that
     * someone adds to the file, which could otherwise rewrite each new row and re-hash it. */
    return sqlite3_create_function(db, "eccn_chain", -1,
                                   SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_DIRECTONLY, NULL,
                                   chain_fn, NULL, NULL) == SQLITE_OK
               ? ECCN_OK
               : ECCN_EDB;
}
