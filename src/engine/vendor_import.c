/* vendor_import.c: adding or replacing a vendor's table (eccn_vendors_import, vendor.h). */
#include "vendor.h"

#include "csvr.h"
#include "digest.h"
#include "ydoc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct entry {
    char *name, *file, *date, *source, *sha256;
} entry;

static void free_entries(entry *e, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(e[i].name), free(e[i].file), free(e[i].date), free(e[i].source), free(e[i].sha256);
    free(e);
}

/* The manifest's entries as they stand, other than the vendor being replaced. */
static int read_entries(const char *path, const char *skip, entry **out, size_t *n, char **tol,
                        eccn_error *err)
{
    ydoc *doc = NULL;
    FILE *probe = fopen(path, "rb");
    *out = NULL, *n = 0, *tol = NULL;
    if (!probe)
        return ECCN_OK;
    fclose(probe);
    int rc = ydoc_load_file(path, &doc, err);
    const ynode *list = rc == ECCN_OK ? ynode_get(doc->root, "vendors") : NULL;
    const ynode *rev = rc == ECCN_OK ? ynode_get(doc->root, "review") : NULL;
    if (rc == ECCN_OK && rev)
        rc = ynode_str(path, rev, "tpp_tolerance", false, tol, err);
    if (rc == ECCN_OK && list && !(*out = calloc(list->nkids + 1, sizeof **out)))
        rc = ECCN_ENOMEM;
    for (size_t i = 0; rc == ECCN_OK && list && i < list->nkids; i++) {
        entry *e = &(*out)[*n];
        const ynode *k = list->kids[i];
        (*n)++;
        if ((rc = ynode_str(path, k, "name", true, &e->name, err)) != ECCN_OK ||
            (rc = ynode_str(path, k, "file", true, &e->file, err)) != ECCN_OK ||
            (rc = ynode_str(path, k, "date", true, &e->date, err)) != ECCN_OK ||
            (rc = ynode_str(path, k, "source", true, &e->source, err)) != ECCN_OK ||
            (rc = ynode_str(path, k, "sha256", true, &e->sha256, err)) != ECCN_OK)
            break;
        if (eccn_streq_ci(e->name, skip)) {
            free(e->name), free(e->file), free(e->date), free(e->source), free(e->sha256);
            memset(e, 0, sizeof *e);
            (*n)--;
        }
    }
    ydoc_free(doc);
    return rc;
}

/* One `key: "value"` line of an entry, prefix first ("  - " for its first line, else "    "). */
static void put_quoted(FILE *f, const char *prefix, const char *key, const char *s)
{
    fprintf(f, "%s%s: \"", prefix, key);
    for (; *s; s++)
        if (*s == '"' || *s == '\\')
            fprintf(f, "\\%c", *s);
        else if ((unsigned char)*s >= ' ')
            fputc(*s, f);
    fputs("\"\n", f);
}

static int write_manifest(const char *path, const entry *e, size_t n, const char *tol,
                          eccn_error *err)
{
    char tmp[4300];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (!f)
        return eccn_fail(err, ECCN_EIO, tmp, 0, 0, "cannot write");
    fputs("# Vendor export-classification tables (docs/vendors.md), written by `eccn vendors "
          "import`.\n# Each entry names one CSV here, its publisher, date, source and SHA-256.\n",
          f);
    if (tol)
        fprintf(f, "review:\n  tpp_tolerance: %s\n", tol);
    fputs("vendors:\n", f);
    for (size_t i = 0; i < n; i++) {
        put_quoted(f, "  - ", "name", e[i].name);
        put_quoted(f, "    ", "file", e[i].file);
        put_quoted(f, "    ", "date", e[i].date);
        put_quoted(f, "    ", "source", e[i].source);
        fprintf(f, "    sha256: %s\n", e[i].sha256);
    }
    bool bad = ferror(f) != 0;
    bad |= fclose(f) != 0;
    if (bad || rename(tmp, path) != 0) {
        remove(tmp);
        return eccn_fail(err, ECCN_EIO, path, 0, 0, "cannot write the manifest");
    }
    return ECCN_OK;
}

/* The CSV must have the columns eccn reads, or it is not a classification table. */
static int check_columns(const char *csv, eccn_error *err)
{
    eccn_csv *c = NULL;
    eccn_csv_record h;
    int rc = eccn_csv_open(csv, ',', &c, err), got = rc == ECCN_OK ? eccn_csv_next(c, &h, err) : 0;
    bool pn = false, ec = false;
    for (size_t i = 0; got > 0 && i < h.nfields; i++) {
        pn |= eccn_streq_ci(h.fields[i], "part_number");
        ec |= eccn_streq_ci(h.fields[i], "eccn");
    }
    eccn_csv_close(c);
    if (rc == ECCN_OK && got >= 0 && !(pn && ec))
        rc = eccn_fail(err, ECCN_EINPUT, csv, 1, 1,
                       "a vendor table needs a header with part_number and eccn columns");
    return rc == ECCN_OK && got < 0 ? got : rc;
}

int eccn_vendors_import(const char *data_dir, const char *csv_path, const char *name,
                        const char *date, const char *source, eccn_error *err)
{
    char dir[4096], manifest[4200], dest[4300], fname[256];
    entry *e = NULL;
    size_t n = 0;
    char *tol = NULL;
    eccn_buf bytes = {0};
    snprintf(dir, sizeof dir, "%s/vendors", data_dir);
    snprintf(manifest, sizeof manifest, "%s/vendors.yaml", dir);
    snprintf(fname, sizeof fname, "%s-%s.csv", name, date);
    for (char *p = fname; *p; p++)
        *p = (*p >= 'A' && *p <= 'Z') ? (char)(*p - 'A' + 'a') : *p == '/' ? '_' : *p;
    snprintf(dest, sizeof dest, "%s/%s", dir, fname);
    int rc = check_columns(csv_path, err);
    if (rc == ECCN_OK)
        rc = read_entries(manifest, name, &e, &n, &tol, err);
    if (rc == ECCN_OK)
        rc = eccn_read_file(csv_path, &bytes, err);
    if (rc == ECCN_OK)
        rc = eccn_mkdirs_for(dest, err);
    if (rc == ECCN_OK) {
        FILE *f = fopen(dest, "wb");
        bool ok = f && fwrite(bytes.data, 1, bytes.len, f) == bytes.len;
        ok &= f && fclose(f) == 0;
        if (!ok)
            rc = eccn_fail(err, ECCN_EIO, dest, 0, 0, "cannot write the table");
    }
    char sha[65];
    if (rc == ECCN_OK && (rc = eccn_sha256_hex(bytes.data, bytes.len, sha)) == ECCN_OK) {
        entry *g = realloc(e, (n + 1) * sizeof *g);
        if (!g)
            rc = ECCN_ENOMEM;
        else {
            e = g;
            e[n] = (entry){eccn_strdup(name), eccn_strdup(fname), eccn_strdup(date),
                           eccn_strdup(source), eccn_strdup(sha)};
            n++;
            rc = e[n - 1].name && e[n - 1].file && e[n - 1].date && e[n - 1].source &&
                         e[n - 1].sha256
                     ? write_manifest(manifest, e, n, tol, err)
                     : ECCN_ENOMEM;
        }
    }
    free_entries(e, n);
    free(tol);
    eccn_buf_free(&bytes);
    return rc;
}
