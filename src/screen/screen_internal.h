/* screen_internal.h: what the screening module's files share: the arena, the lists object, the
 * matching settings and the token index. Not for callers outside src/screen. */
#ifndef ECCN_SCREEN_INTERNAL_H
#define ECCN_SCREEN_INTERNAL_H

#include "screen.h"

#include <stdint.h>

/* A bump allocator: everything a lists object holds lives until the object is freed. */
typedef struct scr_block scr_block;
typedef struct scr_arena {
    scr_block *head;
} scr_arena;
void *scr_alloc(scr_arena *a, size_t n);
char *scr_strndup(scr_arena *a, const char *s, size_t n);
void scr_arena_free(scr_arena *a);

/* data/screening.yaml */
typedef struct scr_config {
    double hit, review;      /* score thresholds */
    double listed_weight;    /* share of the score from covering the listed name */
    double country_factor;   /* multiplier when the entry's countries exclude the query's */
    double qualifier_weight; /* multiplier of a qualifier word's weight */
    double typo_penalty;     /* similarity lost per edit */
    int typo_min_length;     /* tokens at least this long tolerate one edit */
    int typo2_min_length;    /* and at least this long, two */
    int typo3_min_length;    /* and at least this long, three */
    int max_matches;         /* matches reported */
    double floor_df;         /* a listed name weighs at least a word in this many names */
    char **legal_forms, **stopwords, **qualifiers;
    size_t nlegal_forms, nstopwords, nqualifiers;
    char **country_aliases; /* pairs: the source's word, then the ISO code */
    size_t ncountry_aliases;
    char **abbreviations; /* pairs: the abbreviation, then the word it stands for */
    size_t nabbreviations;
    char **effects; /* pairs: a list's code, then what a hit on it does (screen.h) */
    size_t neffects;
    char **effect_citations; /* pairs: a list's code, then the rule that says so */
    size_t neffect_citations;
} scr_config;

enum { TOK_LEGAL = 1, TOK_STOP = 2, TOK_QUALIFIER = 4 };

typedef struct scr_token {
    const char *s;
    uint32_t len, df;
    uint32_t post_off, post_n; /* postings: the names holding the token */
    float w;                   /* IDF weight, qualifier factor applied */
    uint32_t canon;            /* an abbreviation: the id + 1 of the word it stands for; else 0 */
    uint8_t flags;
} scr_token;

/* A primary name or an alias, as token ids. */
typedef struct scr_name {
    uint32_t entry;
    uint32_t tok_off;
    uint16_t ntok;
    int16_t alias; /* -1: the primary name */
    float wsum;    /* the sum of its tokens' weights */
} scr_name;

typedef struct scr_delete {
    uint64_t hash; /* of a token with one character deleted, or of the token itself */
    uint32_t tok;
} scr_delete;

struct eccn_screen_lists {
    scr_arena arena;
    eccn_screen_entry *entries;
    size_t nentries, capentries;
    eccn_screen_info info;
    const char *list_codes[ECCN_SCREEN_MAX_LISTS]; /* the entries' list strings, as in info */
    scr_config cfg;
    bool have_cfg;
    /* the index (eccn_screen_lists_load only) */
    scr_token *toks;
    size_t ntoks, captoks;
    uint32_t *slots; /* open addressing: token id + 1, 0 empty */
    size_t nslots;
    scr_name *names;
    size_t nnames;
    uint32_t *name_toks, *postings;
    size_t nname_toks;
    scr_delete *deletes; /* built at the first query that needs it, sorted by hash */
    size_t ndeletes;
    bool deletes_built;
    double min_name_weight; /* the weight of a word in floor_df names */
    float *acc;             /* query scratch: accumulated weight per name */
    uint32_t *touched;
    size_t ntouched;
};

/* The manifest, data_dir/lists/lists.yaml: which file, its SHA-256, its date and source. The
 * strings are the caller's: scr_manifest_free. */
typedef struct scr_manifest {
    char *file, *sha256, *date, *source;
} scr_manifest;
int scr_manifest_read(const char *path, scr_manifest *m, eccn_error *err);
void scr_manifest_free(scr_manifest *m);

int scr_config_load(const char *data_dir, scr_config *cfg, eccn_error *err);
void scr_config_free(scr_config *cfg);
/* Builds the token index over the entries (cfg loaded). */
int scr_index_build(eccn_screen_lists *l, eccn_error *err);
/* The token id of s (n bytes), or -1; an abbreviation's is that of the word it stands for. */
int64_t scr_token_find(const eccn_screen_lists *l, const char *s, size_t n);
/* Vocabulary tokens within the allowed edits of s: up to max ids into out, with their distance. */
int scr_fuzzy_find(eccn_screen_lists *l, const char *s, size_t n, uint32_t *out, int *dist,
                   size_t max, size_t *found);
/* Edits between a and b (insertions, deletions, substitutions, swaps of neighbours), or cap when
 * that many or more. */
int scr_edit_distance(const char *a, size_t la, const char *b, size_t lb, int cap);
/* Edits a token of n bytes may differ by (0, 1 or 2). */
int scr_allowed_edits(const scr_config *cfg, size_t n);

#endif
