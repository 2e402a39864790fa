/*
 * catalog.h: the device catalogue (data/devices.yaml): ICs with their figures, and the boards and
 * systems that carry them, and the resolution of what people type (ids, aliases, vendor part
 * numbers, free-text inventory descriptions) to one catalogue entry.
 *
 * The catalogue owns its parts; pointers it returns stay valid until eccn_catalog_free. Description
 * patterns are PCRE2, compiled once (with JIT where the library has it) on first use, and matched
 * with match and depth limits so a hostile pattern or input cannot run away.
 */
#ifndef ECCN_CATALOG_H
#define ECCN_CATALOG_H

#include "spec.h"
#include "util.h"
#include "ydoc.h"

typedef enum { ECCN_PART_IC, ECCN_PART_SYSTEM } eccn_part_kind;

/* What is sold: 3A090 judges the IC, but a card, module, board or system carrying a 3A090 IC is
 * an assembly in 4A090 (regulations.md 2.7), and that is its ECCN of record. */
typedef enum {
    ECCN_FORM_IC,
    ECCN_FORM_CARD,
    ECCN_FORM_MODULE,
    ECCN_FORM_BOARD,
    ECCN_FORM_SYSTEM,
} eccn_form;
const char *eccn_form_name(eccn_form f);

struct eccn_vendor_row; /* vendor.h */

typedef struct eccn_part {
    char *id;
    eccn_part_kind kind;
    char *vendor, *model, *variant, *note;
    char **aliases;
    size_t naliases;
    char **part_numbers;
    size_t npart_numbers;
    char **sources;
    size_t nsources;
    char *pattern; /* may be NULL */
    int line, col; /* where the entry starts in the file */
    int pattern_line, pattern_col;
    eccn_spec spec;                    /* the figures as written in the file (ICs) */
    const struct eccn_part *component; /* systems: the IC they carry */
    int count;                         /* systems: how many, 0 when not known */
    struct eccn_rx *re;                /* compiled pattern, owned */
    eccn_form form;                    /* `form:`; an IC entry sold as a card is an assembly */
    /* Set only on the views vendor.c makes of a part for one vendor row: the row, and the
     * catalogue entry viewed (NULL when the catalogue does not model the row's part). */
    const struct eccn_vendor_row *vrow;
    const struct eccn_part *base;
} eccn_part;

typedef struct eccn_catalog eccn_catalog;

/* Builds the catalogue from the parsed devices file (borrowed). */
int eccn_catalog_load(const ydoc *doc, eccn_catalog **out, eccn_error *err);
void eccn_catalog_free(eccn_catalog *cat);
size_t eccn_catalog_count(const eccn_catalog *cat);
const eccn_part *eccn_catalog_at(const eccn_catalog *cat, size_t i);
const eccn_part *eccn_catalog_find_id(const eccn_catalog *cat, const char *id);
/* Asks for JIT-compiled patterns, before the first resolution (see eccn_ruleset_use_jit). */
void eccn_catalog_use_jit(eccn_catalog *cat);
/* Compiles every description pattern now (rules lint uses it to report a bad one). */
int eccn_catalog_compile(eccn_catalog *cat, eccn_error *err);

/* Every entry text fits (at most 8), from the first resolution step that finds any; *n is 0 when
 * none does. */
int eccn_catalog_candidates(eccn_catalog *cat, const char *text, const eccn_part **cand, size_t *n,
                            eccn_error *err);
/* The one part whose id or alias is text (case-insensitive), or NULL. */
const eccn_part *eccn_catalog_find_name(const eccn_catalog *cat, const char *text);
/* Resolves text to one part. ECCN_ENOTFOUND: unknown, err->msg suggests the nearest names.
 * ECCN_EINPUT: ambiguous, err->msg lists the candidates. */
int eccn_catalog_resolve(eccn_catalog *cat, const char *text, const eccn_part **out,
                         eccn_error *err);

#endif
