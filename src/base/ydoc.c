/* ydoc.c: libyaml events folded into a positioned tree (see ydoc.h). */
#include "ydoc.h"

#include "digest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

static void node_free(ynode *n)
{
    if (!n)
        return;
    for (size_t i = 0; i < n->nkids; i++)
        node_free(n->kids[i]);
    free(n->kids);
    free(n->str);
    free(n);
}

void ydoc_free(ydoc *doc)
{
    if (!doc)
        return;
    node_free(doc->root);
    free(doc->path);
    free(doc);
}

static int add_kid(ynode *parent, ynode *kid)
{
    ynode **k = realloc(parent->kids, (parent->nkids + 1) * sizeof *k);
    if (!k)
        return ECCN_ENOMEM;
    parent->kids = k;
    parent->kids[parent->nkids++] = kid;
    return ECCN_OK;
}

/* A key given twice in one mapping is an error: YAML readers disagree on which one counts (the
 * first, or the last), so a rule file that says two things must say which it means. Called with
 * the node just added to a mapping; keys sit at even positions. */
static int check_duplicate_key(const ynode *map, const char *name, eccn_error *err)
{
    size_t last = map->nkids - 1;
    const ynode *key = map->kids[last];
    if (map->kind != YN_MAP || last % 2 != 0 || key->kind != YN_SCALAR)
        return ECCN_OK;
    for (size_t i = 0; i < last; i += 2) {
        const ynode *k = map->kids[i];
        if (k->kind == YN_SCALAR && k->len == key->len && memcmp(k->str, key->str, k->len) == 0)
            return eccn_fail(err, ECCN_EINPUT, name, key->line, key->col,
                             "duplicate key '%s' (first at line %d, column %d): give each key "
                             "once",
                             key->str, k->line, k->col);
    }
    return ECCN_OK;
}

static int parse_events(yaml_parser_t *p, const char *name, ynode **root, eccn_error *err)
{
    ynode *stack[YDOC_MAX_DEPTH + 1];
    int depth = 0;
    int rc = ECCN_OK;
    int docs = 0;
    *root = NULL;
    for (;;) {
        yaml_event_t ev;
        if (!yaml_parser_parse(p, &ev)) {
            rc = eccn_fail(err, ECCN_EINPUT, name, (int)p->problem_mark.line + 1,
                           (int)p->problem_mark.column + 1, "malformed YAML: %s%s%s",
                           p->problem ? p->problem : "syntax error", p->context ? " " : "",
                           p->context ? p->context : "");
            break;
        }
        int line = (int)ev.start_mark.line + 1, col = (int)ev.start_mark.column + 1;
        ynode *n = NULL;
        bool done = false;
        switch (ev.type) {
        case YAML_STREAM_END_EVENT:
            done = true;
            break;
        case YAML_DOCUMENT_START_EVENT:
            if (++docs > 1)
                rc = eccn_fail(err, ECCN_EINPUT, name, line, col,
                               "expected a single YAML document, found a second one");
            break;
        case YAML_ALIAS_EVENT:
            rc = eccn_fail(err, ECCN_EINPUT, name, line, col,
                           "YAML aliases (*name) are not allowed in eccn files");
            break;
        case YAML_SCALAR_EVENT:
        case YAML_SEQUENCE_START_EVENT:
        case YAML_MAPPING_START_EVENT:
            n = calloc(1, sizeof *n);
            if (!n) {
                rc = ECCN_ENOMEM;
                break;
            }
            n->line = line;
            n->col = col;
            if ((ev.type == YAML_SCALAR_EVENT && ev.data.scalar.anchor) ||
                (ev.type == YAML_SEQUENCE_START_EVENT && ev.data.sequence_start.anchor) ||
                (ev.type == YAML_MAPPING_START_EVENT && ev.data.mapping_start.anchor)) {
                free(n);
                rc = eccn_fail(err, ECCN_EINPUT, name, line, col,
                               "YAML anchors (&name) are not allowed in eccn files");
                break;
            }
            if (ev.type == YAML_SCALAR_EVENT) {
                n->kind = YN_SCALAR;
                n->len = ev.data.scalar.length;
                n->str = eccn_strndup((const char *)ev.data.scalar.value, n->len);
                n->plain = ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
                if (!n->str) {
                    free(n);
                    rc = ECCN_ENOMEM;
                    break;
                }
            } else {
                n->kind = ev.type == YAML_SEQUENCE_START_EVENT ? YN_SEQ : YN_MAP;
            }
            if (depth == 0) {
                if (*root) {
                    node_free(n);
                    rc = eccn_fail(err, ECCN_EINPUT, name, line, col, "expected one root node");
                    break;
                }
                *root = n;
            } else if ((rc = add_kid(stack[depth - 1], n)) != ECCN_OK) {
                node_free(n);
                break;
            } else if ((rc = check_duplicate_key(stack[depth - 1], name, err)) != ECCN_OK) {
                break;
            }
            if (n->kind != YN_SCALAR) {
                if (depth >= YDOC_MAX_DEPTH) {
                    rc = eccn_fail(err, ECCN_EINPUT, name, line, col,
                                   "YAML nested deeper than %d levels", YDOC_MAX_DEPTH);
                    break;
                }
                stack[depth++] = n;
            }
            break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
            depth--;
            break;
        default:
            break;
        }
        yaml_event_delete(&ev);
        if (rc != ECCN_OK || done)
            break;
    }
    if (rc != ECCN_OK) {
        node_free(*root);
        *root = NULL;
    }
    return rc;
}

int ydoc_load_mem(const char *name, const unsigned char *data, size_t len, ydoc **out,
                  eccn_error *err)
{
    yaml_parser_t p;
    bool parsing = false;
    ydoc *doc = calloc(1, sizeof *doc);
    int rc = doc && (doc->path = eccn_strdup(name)) ? ECCN_OK : ECCN_ENOMEM;
    *out = NULL;
    if (rc == ECCN_OK)
        rc = eccn_sha256_hex(data, len, doc->sha256);
    if (rc == ECCN_OK && !(parsing = yaml_parser_initialize(&p)))
        rc = eccn_fail(err, ECCN_ENOMEM, name, 0, 0, "cannot initialise the YAML parser");
    if (rc == ECCN_OK) {
        yaml_parser_set_input_string(&p, data, len);
        rc = parse_events(&p, name, &doc->root, err);
    }
    if (parsing)
        yaml_parser_delete(&p);
    if (rc == ECCN_OK) {
        doc->size = (long long)len;
        *out = doc;
    } else {
        ydoc_free(doc);
    }
    return rc;
}

int ydoc_load_file(const char *path, ydoc **out, eccn_error *err)
{
    eccn_buf src = {0};
    *out = NULL;
    int rc = eccn_read_file(path, &src, err);
    if (rc == ECCN_OK && src.len > YDOC_MAX_FILE)
        rc = eccn_fail(err, ECCN_EINPUT, path, 0, 0,
                       "%zu bytes: rule and data files may hold at most %u (16 MiB)", src.len,
                       YDOC_MAX_FILE);
    /* The digest is of the very bytes parsed, so that a revision always names what was read. */
    if (rc == ECCN_OK)
        rc = ydoc_load_mem(path, (const unsigned char *)src.data, src.len, out, err);
    eccn_buf_free(&src);
    return rc;
}

const ynode *ynode_get(const ynode *map, const char *key)
{
    if (!map || map->kind != YN_MAP)
        return NULL;
    /* Lengths first: loading the rules asks some 14,000 times, nearly always of another key. */
    size_t n = strlen(key);
    for (size_t i = 0; i + 1 < map->nkids; i += 2) {
        const ynode *k = map->kids[i];
        if (k->kind == YN_SCALAR && k->len == n && memcmp(k->str, key, n) == 0)
            return map->kids[i + 1];
    }
    return NULL;
}

bool ynode_is_null(const ynode *n)
{
    if (!n)
        return true;
    if (n->kind != YN_SCALAR || !n->plain)
        return false;
    return n->len == 0 || strcmp(n->str, "~") == 0 || strcmp(n->str, "null") == 0 ||
           strcmp(n->str, "Null") == 0 || strcmp(n->str, "NULL") == 0;
}

int ynode_str(const char *file, const ynode *m, const char *key, bool required, char **out,
              eccn_error *err)
{
    const ynode *n = ynode_get(m, key);
    *out = NULL;
    if (ynode_is_null(n)) {
        if (required)
            return eccn_fail(err, ECCN_EINPUT, file, m->line, m->col, "missing required `%s:`",
                             key);
        return ECCN_OK;
    }
    if (n->kind != YN_SCALAR || n->len == 0)
        return eccn_fail(err, ECCN_EINPUT, file, n->line, n->col, "%s: expected a string", key);
    return (*out = eccn_strdup(n->str)) ? ECCN_OK : ECCN_ENOMEM;
}

int ynode_strv(const char *file, const ynode *m, const char *key, char ***out, size_t *n,
               eccn_error *err)
{
    const ynode *s = ynode_get(m, key);
    *out = NULL;
    *n = 0;
    if (ynode_is_null(s))
        return ECCN_OK;
    if (s->kind != YN_SEQ)
        return eccn_fail(err, ECCN_EINPUT, file, s->line, s->col, "%s: expected a list", key);
    size_t bytes = 0;
    for (size_t i = 0; i < s->nkids; i++) {
        if (s->kids[i]->kind != YN_SCALAR)
            return eccn_fail(err, ECCN_EINPUT, file, s->kids[i]->line, s->kids[i]->col,
                             "%s: expected strings", key);
        bytes += (size_t)s->kids[i]->len + 1;
    }
    /* One block, the pointers and then the strings: a rule set holds some 600 such strings, and
     * one allocation per list instead of one per string is a tenth of a check's calls to malloc
     * and free. */
    size_t ptrs = (s->nkids ? s->nkids : 1) * sizeof **out;
    char **v = malloc(ptrs + bytes);
    if (!v)
        return ECCN_ENOMEM;
    char *at = (char *)v + ptrs;
    for (size_t i = 0; i < s->nkids; i++) {
        memcpy(at, s->kids[i]->str, (size_t)s->kids[i]->len + 1);
        v[i] = at;
        at += s->kids[i]->len + 1;
    }
    *out = v;
    *n = s->nkids;
    return ECCN_OK;
}

int ynode_date(const char *file, const ynode *m, const char *key, bool required, eccn_date *out,
               eccn_error *err)
{
    const ynode *n = ynode_get(m, key);
    *out = ECCN_DATE_NONE;
    if (ynode_is_null(n)) {
        if (required)
            return eccn_fail(err, ECCN_EINPUT, file, m->line, m->col,
                             "missing required `%s:` (a date YYYY-MM-DD)", key);
        return ECCN_OK;
    }
    if (n->kind != YN_SCALAR || !eccn_date_parse(n->str, n->len, out))
        return eccn_fail(err, ECCN_EINPUT, file, n->line, n->col,
                         "%s: expected a date YYYY-MM-DD, got '%s'", key,
                         n->kind == YN_SCALAR ? n->str : "(not a scalar)");
    return ECCN_OK;
}
