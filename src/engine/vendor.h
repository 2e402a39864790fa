/*
 * vendor.h: manufacturers' export-classification tables (data/vendors/, docs/vendors.md). The
 * manifest data/vendors/vendors.yaml names each table's CSV, publisher, date, source and SHA-256;
 * a table whose bytes do not match its digest is refused, and the digests are folded into the
 * rules revision so a verdict names the vendor data it saw.
 *
 * Every row is reachable by its part number in normal form (partno.h), in constant time. Each row
 * resolves to a part: a view of the catalogue entry it is (linked by part number, by a revision
 * suffix of a catalogued number, or by its description), or, when the catalogue does not model it,
 * a part of its own that carries only the vendor's figures. The vendor's ECCN travels with the
 * view, so an evaluation can show it beside eccn's and flag where they disagree.
 */
#ifndef ECCN_VENDOR_H
#define ECCN_VENDOR_H

#include "catalog.h"
#include "util.h"

typedef struct eccn_vendor_table {
    char *name, *file, *path, *date, *source;
    char sha256[65];
    size_t first, nrows; /* its rows in eccn_vendors.rows */
} eccn_vendor_table;

typedef struct eccn_vendor_row {
    const eccn_vendor_table *table;
    char *part_number, *description, *eccn; /* description NULL when the table has none */
    bool has_tpp;
    double tpp;   /* the vendor's TPP per GPU, when published */
    int meets_a1; /* the vendor's own "meets 3A090.a.1": 1, 0, or -1 when not published */
    bool is_ic;   /* its US tariff heading is 8542 (integrated circuits) */
    long long line;
    const eccn_part *part; /* what the row resolves to (a view, owned by eccn_vendors) */
    const char *link; /* "part number", "suffix", "description", or NULL: not in the catalogue */
} eccn_vendor_row;

typedef struct eccn_vendors eccn_vendors;

/* Reads data_dir/vendors/vendors.yaml and its tables; a data directory without one has no vendor
 * tables (not an error). */
int eccn_vendors_load(const char *data_dir, eccn_vendors **out, eccn_error *err);
void eccn_vendors_free(eccn_vendors *v);
/* Links the rows to the catalogue and builds the maps resolution uses. */
struct eccn_vocab;
int eccn_vendors_attach(eccn_vendors *v, eccn_catalog *cat, const struct eccn_vocab *vocab,
                        eccn_error *err);
/* SHA-256 over the manifest's tables (name, date, file, the digest the manifest names), for the
 * rules revision; "" when none. */
const char *eccn_vendors_digest(const eccn_vendors *v);
size_t eccn_vendors_ntables(const eccn_vendors *v);
const eccn_vendor_table *eccn_vendors_table(const eccn_vendors *v, size_t i);
size_t eccn_vendors_nrows(const eccn_vendors *v);
const eccn_vendor_row *eccn_vendors_row(const eccn_vendors *v, size_t i);
/* The review tolerance on TPP (vendors.yaml `review.tpp_tolerance`), a fraction; < 0 when unset. */
double eccn_vendors_tpp_tolerance(const eccn_vendors *v);

/* The tables are read on first use (a check of a catalogued name never pays for them): this reads
 * them, verifying each against the manifest's digest. */
int eccn_vendors_ready(eccn_vendors *v, eccn_error *err);
/* A part number in any spelling: *out is the vendor row's part or the catalogue part that has it
 * (also by a revision suffix), NULL when neither knows it. Fails only when a table cannot be read.
 */
int eccn_vendors_by_partno(eccn_vendors *v, const char *s, size_t n, const eccn_part **out,
                           eccn_error *err);
/* A description exactly as a vendor publishes it (in word form; also a longer text that starts
 * with a description the vendor cut at 40 characters): *out is its row's part, NULL when no row
 * has it; ECCN_EINPUT when rows with that description carry different ECCNs. */
int eccn_vendors_by_description(eccn_vendors *v, const char *s, const eccn_part **out,
                                eccn_error *err);
/* A catalogue part as the vendor classifies it: the view of one of its part numbers' rows, when
 * the vendor lists its numbers all with one ECCN; NULL otherwise. */
const eccn_part *eccn_vendors_view_of(eccn_vendors *v, const eccn_part *p);
/* The part row i resolves to (made on first use); NULL when out of memory. */
const eccn_part *eccn_vendors_row_part(eccn_vendors *v, size_t i);

/* The advanced-computing tier a vendor ECCN stands for, for an item of this form, into out:
 * 3A090.x/4A090.x as given (to the paragraph letter), a .z paragraph as its tier (regulations.md
 * 2.8: a ".1"/".a" sub-paragraph follows 3A090.a, ".2"/".b" follows 3A090.b, otherwise the
 * vendor's "meets 3A090.a.1"). Returns false (out "") for an ECCN outside 3A090/4A090 and .z, and
 * for a .z paragraph whose tier the row does not say. */
bool eccn_vendor_tier(const eccn_vendor_row *row, bool assembly, char out[16]);
/* Is this ECCN a .z paragraph? */
bool eccn_vendor_is_z(const char *eccn);

/* Adds or replaces a vendor's table: copies csv_path into data_dir/vendors/NAME-DATE.csv (after
 * checking it has part_number and eccn columns) and rewrites the manifest with its digest. */
int eccn_vendors_import(const char *data_dir, const char *csv_path, const char *name,
                        const char *date, const char *source, eccn_error *err);

#endif
