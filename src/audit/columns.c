/* columns.c: which column of an inventory is which field. Headers are compared after folding
 * case and dropping everything but letters and digits, so "Ship-To Country", "SHIP_TO_COUNTRY"
 * and "ship to country" are one spelling; the spellings are data (data/columns.yaml: those of
 * the ERP exports users send, which users extend with their own). --map names a column for a
 * field and wins over the aliases; a column --map names that the header lacks is an error, since a
 * typo would otherwise leave the field to an alias or to nothing without a word. */
#include "audit_internal.h"

#include "ydoc.h"

#include <stdlib.h>
#include <string.h>

static const char *const FIELD_NAMES[ECCN_F_COUNT] = {"part",        "description", "quantity",
                                                      "destination", "date",        "consignee",
                                                      "hq",          "line_id",     "end_user"};

bool eccn_audit_field_known(const char *name)
{
    for (int f = 0; f < ECCN_F_COUNT; f++)
        if (strcmp(name, FIELD_NAMES[f]) == 0)
            return true;
    return strcmp(name, "ship_date") == 0;
}

const char *audit_field_name(int field)
{
    return field >= 0 && field < ECCN_F_COUNT ? FIELD_NAMES[field] : "";
}

/* Case folded, only letters and digits kept (bytes past ASCII too: "Menge" or "Cantidad" in
 * UTF-8 stay whole). */
static void fold(const char *in, size_t n, char *out, size_t outsz)
{
    size_t j = 0;
    for (size_t i = 0; i < n && j + 1 < outsz; i++) {
        unsigned char c = (unsigned char)in[i];
        if (c >= 'A' && c <= 'Z')
            out[j++] = (char)(c - 'A' + 'a');
        else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80)
            out[j++] = (char)c;
    }
    out[j] = '\0';
}

/* The spellings of each field from data/columns.yaml, folded; every key a field. */
static int load_aliases(run *r, eccn_error *err)
{
    char path[4200];
    ydoc *doc = NULL;
    int rc;
    if (r->aliases_loaded)
        return ECCN_OK;
    snprintf(path, sizeof path, "%s/columns.yaml", r->rs->data_dir ? r->rs->data_dir : ".");
    if ((rc = ydoc_load_file(path, &doc, err)) != ECCN_OK)
        return rc;
    const ynode *root = doc->root;
    for (uint32_t k = 0; root && root->kind == YN_MAP && k + 1 < root->nkids; k += 2) {
        const ynode *key = root->kids[k];
        bool known = false;
        for (int f = 0; f < ECCN_F_COUNT; f++)
            known = known || strcmp(key->str, FIELD_NAMES[f]) == 0;
        if (!known) {
            rc = eccn_fail(err, ECCN_EINPUT, path, key->line, key->col,
                           "unknown field '%s' (expected part, description, quantity, "
                           "destination, date, consignee, hq, line_id or end_user)",
                           key->str);
            goto done;
        }
    }
    for (int f = 0; f < ECCN_F_COUNT && rc == ECCN_OK; f++) {
        rc = ynode_strv(path, root, FIELD_NAMES[f], &r->aliases[f], &r->naliases[f], err);
        for (size_t i = 0; rc == ECCN_OK && i < r->naliases[f]; i++)
            fold(r->aliases[f][i], strlen(r->aliases[f][i]), r->aliases[f][i],
                 strlen(r->aliases[f][i]) + 1);
    }
    r->aliases_loaded = rc == ECCN_OK;
done:
    ydoc_free(doc);
    return rc;
}

void free_aliases(run *r)
{
    for (int f = 0; f < ECCN_F_COUNT; f++)
        free(r->aliases[f]); /* one allocation with its strings (ydoc.h) */
}

static int field_of(const char *name)
{
    for (int f = 0; f < ECCN_F_COUNT; f++)
        if (strcmp(name, FIELD_NAMES[f]) == 0)
            return f;
    return strcmp(name, "ship_date") == 0 ? ECCN_F_DATE : -1;
}

/* --map COLUMN=FIELD, each of which must name a column of the header. */
static int apply_maps(run *r, const eccn_csv_record *h, eccn_error *err)
{
    for (size_t m = 0; m < r->o->nmaps; m++) {
        const char *map = r->o->maps[m], *eq = strchr(map, '=');
        char want[128], name[128];
        int f = eq ? field_of(eq + 1) : -1, found = -1;
        if (f < 0)
            return eccn_fail(err, ECCN_EINPUT, "--map", 0, 0,
                             "'%s': expected COLUMN=FIELD with a known FIELD", map);
        fold(map, (size_t)(eq - map), want, sizeof want);
        for (size_t i = 0; i < h->nfields && found < 0; i++) {
            fold(h->fields[i], h->lens[i], name, sizeof name);
            if (strcmp(want, name) == 0)
                found = (int)i;
        }
        if (found < 0)
            return eccn_fail(err, ECCN_EINPUT, r->o->path, (int)h->line, 1,
                             "--map %s: the header has no column '%.*s'", map, (int)(eq - map),
                             map);
        r->col[f] = found;
    }
    return ECCN_OK;
}

/* The columns no field took, named once for the summary: a column the user expected read and
 * that eccn passed over is then seen, not guessed at. */
static void note_unused(run *r, const eccn_csv_record *h)
{
    eccn_audit_summary *s = r->s;
    size_t len = 0;
    if (!s)
        return;
    s->unused_columns[0] = '\0';
    s->nwarnings = 0;
    for (size_t i = 0; i < h->nfields; i++) {
        bool used = false;
        for (int f = 0; f < ECCN_F_COUNT; f++)
            used = used || r->col[f] == (int)i;
        if (used || len + 8 >= sizeof s->unused_columns)
            continue;
        int n = snprintf(s->unused_columns + len, sizeof s->unused_columns - len, "%s\"%.*s\"",
                         len ? ", " : "", (int)(h->lens[i] > 60 ? 60 : h->lens[i]), h->fields[i]);
        len = n > 0 && len + (size_t)n < sizeof s->unused_columns ? len + (size_t)n : len;
    }
    if (r->col[ECCN_F_QUANTITY] < 0)
        snprintf(s->warnings[s->nwarnings++], sizeof s->warnings[0],
                 "no quantity column (such as qty, quantity or \"Qty Shipped\"): every line's "
                 "quantity is unknown, and no units are counted");
    if (r->col[ECCN_F_LINE_ID] < 0)
        snprintf(s->warnings[s->nwarnings++], sizeof s->warnings[0],
                 "no line id column (such as line_id or \"Order Line\"): lines are named by "
                 "their line number only");
}

int map_columns(run *r, const eccn_csv_record *h, eccn_error *err)
{
    const char *file = r->o->path;
    int rc;
    for (int f = 0; f < ECCN_F_COUNT; f++)
        r->col[f] = -1;
    r->ncols = h->nfields;
    if ((rc = apply_maps(r, h, err)) != ECCN_OK)
        return rc;
    if ((rc = load_aliases(r, err)) != ECCN_OK)
        return rc;
    for (int f = 0; f < ECCN_F_COUNT; f++)
        for (size_t k = 0; k < r->naliases[f] && r->col[f] < 0; k++)
            for (size_t i = 0; i < h->nfields && r->col[f] < 0; i++) {
                char name[128];
                bool taken = false;
                fold(h->fields[i], h->lens[i], name, sizeof name);
                for (int g = 0; g < ECCN_F_COUNT; g++)
                    taken = taken || r->col[g] == (int)i;
                if (!taken && strcmp(name, r->aliases[f][k]) == 0)
                    r->col[f] = (int)i;
            }
    if (r->col[ECCN_F_PART] < 0 && r->col[ECCN_F_DESCRIPTION] < 0)
        return eccn_fail(err, ECCN_EINPUT, file, (int)h->line, 1,
                         "no part or description column (expected a header such as sku, part, "
                         "part_number, \"Item Number\", material, MPN or description, or --map "
                         "COLUMN=part)");
    if (r->col[ECCN_F_DESTINATION] < 0 && !r->o->default_to)
        return eccn_fail(err, ECCN_EINPUT, file, (int)h->line, 1,
                         "no destination column (destination, country, ship_to_country, "
                         "\"Ship-To Country\"...) and no --to");
    if (r->col[ECCN_F_DATE] < 0 && !r->o->default_date)
        return eccn_fail(err, ECCN_EINPUT, file, (int)h->line, 1,
                         "no ship date column (ship_date, date, \"Ship Date\", requested or "
                         "planned date...) and no --date");
    note_unused(r, h);
    return ECCN_OK;
}
