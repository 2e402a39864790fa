/* resolve.c: part numbers first, then descriptions, never an accessory as its GPU (resolve.h). */
#include "resolve.h"

#include "digest.h"
#include "partno.h"
#include "vendor.h"
#include "ydoc.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct eccn_vocab {
    char **accessory;
    size_t naccessory;
    char digest[65];
};

void eccn_vocab_free(eccn_vocab *v)
{
    if (!v)
        return;
    free(v->accessory);
    free(v);
}

const char *eccn_vocab_digest(const eccn_vocab *v)
{
    return v ? v->digest : "";
}

int eccn_vocab_load(const char *data_dir, eccn_vocab **out, eccn_error *err)
{
    char path[4200];
    ydoc *doc = NULL;
    eccn_vocab *v = calloc(1, sizeof *v);
    int rc = v ? ECCN_OK : ECCN_ENOMEM;
    *out = NULL;
    snprintf(path, sizeof path, "%s/resolve.yaml", data_dir);
    FILE *probe = rc == ECCN_OK ? fopen(path, "rb") : NULL;
    if (!probe)
        goto done;
    fclose(probe);
    if ((rc = ydoc_load_file(path, &doc, err)) == ECCN_OK &&
        (rc = ynode_strv(path, doc->root, "accessory_words", &v->accessory, &v->naccessory, err)) ==
            ECCN_OK)
        memcpy(v->digest, doc->sha256, sizeof v->digest);
done:
    ydoc_free(doc);
    if (rc != ECCN_OK) {
        eccn_vocab_free(v);
        return rc;
    }
    *out = v;
    return ECCN_OK;
}

static bool word_at(const char *t, size_t tn, size_t i, const char *w, size_t wn)
{
    if (i + wn > tn || (i > 0 && isalnum((unsigned char)t[i - 1])) ||
        (i + wn < tn && isalnum((unsigned char)t[i + wn])))
        return false;
    for (size_t k = 0; k < wn; k++)
        if (tolower((unsigned char)t[i + k]) != tolower((unsigned char)w[k]))
            return false;
    return true;
}

const char *eccn_vocab_accessory(const eccn_vocab *v, const char *text)
{
    size_t tn = strlen(text);
    for (size_t j = 0; v && j < v->naccessory; j++) {
        size_t wn = strlen(v->accessory[j]);
        for (size_t i = 0; wn && i + wn <= tn; i++)
            if (word_at(text, tn, i, v->accessory[j], wn))
                return v->accessory[j];
    }
    return NULL;
}

int eccn_resolve_description(eccn_catalog *cat, const eccn_vocab *vocab, const char *text,
                             const eccn_part **out, eccn_error *err)
{
    const char *acc = eccn_vocab_accessory(vocab, text);
    *out = NULL;
    if (acc)
        return eccn_fail(err, ECCN_ENOTFOUND, NULL, 0, 0,
                         "'%s' names an accessory or other item ('%s'), not the GPU or system it "
                         "mentions; it resolves only by its part number (vendor table or "
                         "catalogue)",
                         text, acc);
    return eccn_catalog_resolve(cat, text, out, err);
}

/* A part number inside a longer text: each token that looks like one, tried in turn. */
static int partno_inside(eccn_vendors *v, const char *s, const eccn_part **out, eccn_error *err)
{
    static const char SEP[] = ",;()[]/|:#";
    const char *p = s;
    int rc = ECCN_OK;
    *out = NULL;
    while (*p && !*out && rc == ECCN_OK) {
        while (*p && (isspace((unsigned char)*p) || strchr(SEP, *p)))
            p++;
        const char *b = p;
        while (*p && !isspace((unsigned char)*p) && !strchr(SEP, *p))
            p++;
        if (p > b && eccn_partno_like(b, (size_t)(p - b)))
            rc = eccn_vendors_by_partno(v, b, (size_t)(p - b), out, err);
    }
    return rc;
}

int eccn_resolve(const eccn_ruleset *rs, const char *text, const eccn_part **out, eccn_error *err)
{
    size_t n = strlen(text);
    const eccn_part *p = NULL;
    int rc = ECCN_OK;
    *out = NULL;
    if (eccn_partno_like(text, n))
        rc = eccn_vendors_by_partno(rs->vendors, text, n, &p, err);
    if (rc == ECCN_OK && !p && n < 4096)
        rc = partno_inside(rs->vendors, text, &p, err);
    if (rc != ECCN_OK)
        return rc;
    if (p) {
        *out = p;
        return ECCN_OK;
    }
    return eccn_resolve_description(rs->cat, rs->vocab, text, out, err);
}
