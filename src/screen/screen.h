/*
 * screen.h: denied-party screening against the US Consolidated Screening List (trade.gov's
 * consolidated.csv or consolidated.json), bundled in data/lists/ and described by
 * data/lists/lists.yaml; matching is tuned by data/screening.yaml (docs/screening.md).
 *
 * A lists object owns every entry, string and index it holds; results borrow entries from it, so
 * free results before the lists. A query uses scratch space inside the lists object: one query at a
 * time per lists object (not thread-safe; load one per thread).
 */
#ifndef ECCN_SCREEN_H
#define ECCN_SCREEN_H

#include "jsonw.h"
#include "util.h"

#define ECCN_SCREEN_MAX_LISTS 32
#define ECCN_SCREEN_MAX_PAIRS 12

/* One row of the lists: a listed party with its aliases. Strings are never NULL ("" when the
 * source left them empty). */
typedef struct eccn_screen_entry {
    const char *name;
    const char *list;   /* short code from the source column: EL, MEU, DPL, SDN, NS-MBS ... */
    const char *source; /* the source column as published */
    const char *entity_number, *type, *programs;
    const char *countries; /* address countries, "CN; HK" (aliases such as PRC made CN) */
    const char *federal_register_notice, *license_requirement, *license_policy;
    const char *const *alt_names;
    size_t nalt_names;
    long long line; /* where the entry starts in the file (CSV line; JSON: its index + 1) */
} eccn_screen_entry;

typedef struct eccn_screen_list_count {
    char code[24];
    size_t n;
} eccn_screen_list_count;

/* What was loaded: the revision is the SHA-256 of the bytes read, so a verdict can name them. */
typedef struct eccn_screen_info {
    char revision[65];
    char date[11];         /* the snapshot's date per lists.yaml ("" for a file parsed directly) */
    char source[512];      /* where it came from per lists.yaml */
    char file[512];        /* the path read */
    char format[8];        /* "csv" or "json" */
    size_t entries, names; /* names: primary names and aliases, as the file has them */
    size_t nlists;
    eccn_screen_list_count lists[ECCN_SCREEN_MAX_LISTS]; /* most entries first */
} eccn_screen_info;

typedef struct eccn_screen_lists eccn_screen_lists;

/* Loads data_dir/lists/lists.yaml, the file it names (whose SHA-256 must be the one recorded) and
 * data_dir/screening.yaml, and builds the token index. *out is the caller's: free it with
 * eccn_screen_lists_free. */
int eccn_screen_lists_load(const char *data_dir, eccn_screen_lists **out, eccn_error *err);
/* Reads a file in trade.gov's CSV or JSON layout (detected from its first byte) without an index
 * or matching settings: what `lists import` checks before installing. Errors name the line (and,
 * for JSON, the column). */
int eccn_screen_lists_parse_file(const char *path, eccn_screen_lists **out, eccn_error *err);
void eccn_screen_lists_free(eccn_screen_lists *l);
const eccn_screen_info *eccn_screen_lists_info(const eccn_screen_lists *l);
/* The entries, in file order; borrowed. */
const eccn_screen_entry *eccn_screen_lists_entries(const eccn_screen_lists *l, size_t *n);
/* The number of entries on list code (0 when absent). */
size_t eccn_screen_lists_count(const eccn_screen_lists *l, const char *code);

/* Installs the file at path (already parsed into parsed) into data_dir/lists atomically: the bytes
 * are copied to a temporary file, synced and renamed, then lists.yaml is replaced the same way
 * (the commit point) and the previous file removed. date (YYYY-MM-DD) and source are recorded. */
int eccn_screen_lists_install(const char *data_dir, const char *path,
                              const eccn_screen_lists *parsed, const char *date, const char *source,
                              eccn_error *err);

typedef enum {
    ECCN_SCREEN_CLEAR = 0,
    ECCN_SCREEN_HIT = 1,
    ECCN_SCREEN_REVIEW = 3,
} eccn_screen_verdict;

/* A query token and the listed token it matched (normalised forms); sim 1 for equal tokens, less
 * for a typo; listed "" for a query token that matched nothing. */
typedef struct eccn_screen_pair {
    char query[48], listed[48];
    double sim;
} eccn_screen_pair;

typedef struct eccn_screen_match {
    const eccn_screen_entry *entry; /* borrowed from the lists */
    const char *matched_name;       /* entry->name or one of its alt_names */
    double score;                   /* 0..1, after the country factor */
    bool country_differs;           /* the entry lists countries and the query's is not one */
    size_t npairs;
    eccn_screen_pair pairs[ECCN_SCREEN_MAX_PAIRS];
} eccn_screen_match;

/* The matches at or above the review threshold, best first, one per entry. The caller owns the
 * result (eccn_screen_result_free) but not the entries it points to. */
typedef struct eccn_screen_result {
    eccn_screen_verdict verdict;
    char query[512];
    char country[3]; /* "" when none was given */
    char revision[65];
    size_t nmatches;
    eccn_screen_match *matches;
    size_t candidates; /* names scored in full (for benchmarks and docs) */
} eccn_screen_result;

/* Screens name (UTF-8), optionally qualified by an ISO 3166-1 alpha-2 country (NULL or "" for
 * none). An empty name or a name with nothing to match on is an ECCN_EINPUT error. */
int eccn_screen_query(eccn_screen_lists *l, const char *name, const char *country,
                      eccn_screen_result *out, eccn_error *err);
void eccn_screen_result_free(eccn_screen_result *r);
const char *eccn_screen_verdict_name(eccn_screen_verdict v); /* "clear", "hit", "review" */
/* Writes the result as the object docs/screening.md describes. */
void eccn_screen_result_json(const eccn_screen_result *r, jsonw *w);

/* Normalises text for matching into out: lower case, Latin diacritics folded, Cyrillic
 * transliterated, punctuation made spaces (dots and apostrophes dropped, so "S.A." is "sa"),
 * tokens separated by single spaces. Exposed for tests and for callers that show what was
 * compared. */
int eccn_screen_normalise(const char *text, eccn_buf *out);

#endif
