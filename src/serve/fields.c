/* fields.c: request bodies of `eccn serve` (serve_internal.h). A body is one JSON object; each
 * member must be a field the route knows, of its type; a refusal names the field. */
#include "serve_internal.h"

#include <jansson.h>
#include <string.h>

static srv_field *find(srv_field *fields, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(fields[i].name, name) == 0)
            return &fields[i];
    return NULL;
}

/* Takes one member; false (and out filled) when it is not a known field of the right type. */
static bool take(srv_field *fields, size_t n, const char *key, json_t *v, srv_reply *out)
{
    srv_field *f = find(fields, n, key);
    if (!f) {
        srv_reply_error(out, 400, key, "unknown field '%s'", key);
        return false;
    }
    if (json_is_null(v))
        return true; /* as if absent */
    if (f->type == SRV_F_STRING) {
        if (!json_is_string(v)) {
            srv_reply_error(out, 400, key, "'%s' must be a string", key);
            return false;
        }
        if (strlen(json_string_value(v)) != json_string_length(v)) {
            srv_reply_error(out, 400, key, "'%s' contains a NUL character", key);
            return false;
        }
        f->s = json_string_value(v);
    } else {
        if (!json_is_integer(v)) {
            srv_reply_error(out, 400, key, "'%s' must be a whole number", key);
            return false;
        }
        f->i = json_integer_value(v);
    }
    f->given = true;
    return true;
}

bool srv_fields_parse(const char *body, size_t len, srv_field *fields, size_t n, void **doc,
                      srv_reply *out)
{
    json_error_t je;
    json_t *root = json_loadb(body ? body : "", len, JSON_REJECT_DUPLICATES, &je);
    *doc = root;
    if (!root) {
        srv_reply_error(out, 400, NULL, "malformed JSON at line %d, column %d: %s", je.line,
                        je.column, je.text);
        return false;
    }
    if (!json_is_object(root)) {
        srv_reply_error(out, 400, NULL, "the body must be a JSON object");
        return false;
    }
    const char *key;
    json_t *v;
    json_object_foreach(root, key, v)
    {
        if (!take(fields, n, key, v, out))
            return false;
    }
    for (size_t i = 0; i < n; i++)
        if (fields[i].required && !fields[i].given) {
            srv_reply_error(out, 400, fields[i].name, "'%s' is required", fields[i].name);
            return false;
        }
    return true;
}

void srv_fields_done(void *doc)
{
    json_decref(doc);
}
