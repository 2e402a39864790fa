/* jsonw.c: JSON writer (see jsonw.h). */
#include "jsonw.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void jsonw_init(jsonw *w, eccn_buf *out)
{
    memset(w, 0, sizeof *w);
    w->out = out;
    w->first[0] = true;
}

static void put(jsonw *w, const char *s, size_t n)
{
    if (w->status == ECCN_OK)
        w->status = eccn_buf_append(w->out, s, n);
}

/* Every value is preceded by a comma unless it is the first in its container or follows a key. */
static void before_value(jsonw *w)
{
    if (w->after_key) {
        w->after_key = false;
        return;
    }
    if (!w->first[w->depth])
        put(w, ",", 1);
    w->first[w->depth] = false;
}

static void open(jsonw *w, char c)
{
    before_value(w);
    put(w, &c, 1);
    if (w->depth + 1 < JSONW_MAX_DEPTH)
        w->depth++;
    w->first[w->depth] = true;
}

static void close_(jsonw *w, char c)
{
    put(w, &c, 1);
    if (w->depth > 0)
        w->depth--;
}

void jsonw_obj_begin(jsonw *w)
{
    open(w, '{');
}
void jsonw_obj_end(jsonw *w)
{
    close_(w, '}');
}
void jsonw_arr_begin(jsonw *w)
{
    open(w, '[');
}
void jsonw_arr_end(jsonw *w)
{
    close_(w, ']');
}

int jsonw_escape(eccn_buf *out, const char *s, size_t n)
{
    int rc = eccn_buf_append(out, "\"", 1);
    size_t start = 0;
    for (size_t i = 0; i < n && rc == ECCN_OK; i++) {
        unsigned char c = (unsigned char)s[i];
        const char *rep = NULL;
        char hex[8];
        switch (c) {
        case '"':
            rep = "\\\"";
            break;
        case '\\':
            rep = "\\\\";
            break;
        case '\n':
            rep = "\\n";
            break;
        case '\r':
            rep = "\\r";
            break;
        case '\t':
            rep = "\\t";
            break;
        default:
            /* Control characters, and < > & so that JSON embedded in HTML cannot close a tag. */
            if (c < 0x20 || c == '<' || c == '>' || c == '&') {
                static const char digits[] = "0123456789abcdef";
                memcpy(hex, "\\u00", 4);
                hex[4] = digits[c >> 4];
                hex[5] = digits[c & 15];
                hex[6] = '\0';
                rep = hex;
            }
        }
        if (rep) {
            rc = eccn_buf_append(out, s + start, i - start);
            if (rc == ECCN_OK)
                rc = eccn_buf_puts(out, rep);
            start = i + 1;
        }
    }
    if (rc == ECCN_OK)
        rc = eccn_buf_append(out, s + start, n - start);
    if (rc == ECCN_OK)
        rc = eccn_buf_append(out, "\"", 1);
    return rc;
}

void jsonw_key(jsonw *w, const char *key)
{
    before_value(w);
    if (w->status == ECCN_OK)
        w->status = jsonw_escape(w->out, key, strlen(key));
    put(w, ":", 1);
    w->after_key = true;
}

void jsonw_strn(jsonw *w, const char *s, size_t n)
{
    before_value(w);
    if (w->status == ECCN_OK)
        w->status = jsonw_escape(w->out, s, n);
}

void jsonw_str(jsonw *w, const char *s)
{
    if (!s)
        jsonw_null(w);
    else
        jsonw_strn(w, s, strlen(s));
}

void jsonw_num(jsonw *w, double v)
{
    char tmp[ECCN_FMT_EXACT_SIZE];
    before_value(w);
    if (!isfinite(v)) {
        put(w, "null", 4);
        return;
    }
    put(w, tmp, eccn_fmt_exact(v, tmp));
}

void jsonw_int(jsonw *w, long long v)
{
    char tmp[32];
    before_value(w);
    snprintf(tmp, sizeof tmp, "%lld", v);
    put(w, tmp, strlen(tmp));
}

void jsonw_bool(jsonw *w, bool v)
{
    before_value(w);
    put(w, v ? "true" : "false", v ? 4 : 5);
}

void jsonw_null(jsonw *w)
{
    before_value(w);
    put(w, "null", 4);
}

void jsonw_raw(jsonw *w, const char *json)
{
    before_value(w);
    if (json)
        put(w, json, strlen(json));
    else
        put(w, "null", 4);
}

void jsonw_kv_str(jsonw *w, const char *key, const char *s)
{
    jsonw_key(w, key);
    jsonw_str(w, s);
}

void jsonw_kv_int(jsonw *w, const char *key, long long v)
{
    jsonw_key(w, key);
    jsonw_int(w, v);
}

void jsonw_kv_num(jsonw *w, const char *key, bool known, double v)
{
    jsonw_key(w, key);
    if (known)
        jsonw_num(w, v);
    else
        jsonw_null(w);
}

void jsonw_kv_id(jsonw *w, const char *key, long long id)
{
    jsonw_key(w, key);
    if (id)
        jsonw_int(w, id);
    else
        jsonw_null(w);
}

void jsonw_kv_raw(jsonw *w, const char *key, const char *json)
{
    jsonw_key(w, key);
    jsonw_raw(w, json);
}
