/*
 * jsonw.h: a small streaming JSON writer into an eccn_buf. It tracks nesting so that commas are
 * right, escapes every string, and writes numbers in a form any JSON parser reads back exactly.
 * It never allocates except through the buffer; the buffer stays owned by the caller.
 */
#ifndef ECCN_JSONW_H
#define ECCN_JSONW_H

#include "util.h"

#define JSONW_MAX_DEPTH 32

typedef struct jsonw {
    eccn_buf *out;
    int depth;
    bool first[JSONW_MAX_DEPTH];
    bool after_key;
    int status; /* the first failure (ECCN_ENOMEM), sticky */
} jsonw;

void jsonw_init(jsonw *w, eccn_buf *out);
void jsonw_obj_begin(jsonw *w);
void jsonw_obj_end(jsonw *w);
void jsonw_arr_begin(jsonw *w);
void jsonw_arr_end(jsonw *w);
void jsonw_key(jsonw *w, const char *key);
void jsonw_str(jsonw *w, const char *s); /* NULL writes null */
void jsonw_strn(jsonw *w, const char *s, size_t n);
void jsonw_num(jsonw *w, double v);
void jsonw_int(jsonw *w, long long v);
void jsonw_bool(jsonw *w, bool v);
void jsonw_null(jsonw *w);
/* Inserts text that is already valid JSON (e.g. a stored column). */
void jsonw_raw(jsonw *w, const char *json);
/* A key and its value in one call, for object members. */
void jsonw_kv_str(jsonw *w, const char *key, const char *s); /* NULL writes null */
void jsonw_kv_int(jsonw *w, const char *key, long long v);
void jsonw_kv_num(jsonw *w, const char *key, bool known, double v); /* null when not known */
void jsonw_kv_id(jsonw *w, const char *key, long long id); /* a record number; null when 0 */
void jsonw_kv_raw(jsonw *w, const char *key, const char *json);
/* Escapes s as a JSON string literal into out. */
int jsonw_escape(eccn_buf *out, const char *s, size_t n);

#endif
