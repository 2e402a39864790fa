/*
 * partno.h: part numbers as people type them. A part number is compared in a normal form (letters
 * upper-cased, every character that is not a letter or digit dropped), so "900-21010-0000-000",
 * "900210100000000" and "900-21010-0000-000 " are one key. A map from normal forms to whatever the
 * caller stores (catalogue entries, vendor rows) answers in constant time, so an audit of many
 * distinct texts never scans a vendor table.
 */
#ifndef ECCN_PARTNO_H
#define ECCN_PARTNO_H

#include "util.h"

#include <stddef.h>

/* The normal form of s[0..n) into out (at most outsz - 1 characters); returns its length, 0 when
 * s holds no letter or digit or the normal form would not fit. */
size_t eccn_partno_norm(const char *s, size_t n, char *out, size_t outsz);
/* The stem of a part number: all but its last separator-delimited group, normalised, when it has
 * at least four groups ("935-24287-0000-0R0" -> "935242870000"); 0 otherwise. Vendors mark
 * revisions of one part in that last group (-000, -0R0, -1R0, -100). */
size_t eccn_partno_stem(const char *s, size_t n, char *out, size_t outsz);
/* Does this token look like a part number (a digit, at least six letters and digits, and either a
 * separator between them or at least nine characters)? Used to find one inside a description. */
bool eccn_partno_like(const char *s, size_t n);

typedef struct eccn_pnmap eccn_pnmap;
eccn_pnmap *eccn_pnmap_new(void);
void eccn_pnmap_free(eccn_pnmap *m);
/* Makes room for n keys at once (a table's rows), so adding them never rehashes. */
int eccn_pnmap_reserve(eccn_pnmap *m, size_t n);
/* Adds value under the normal form key (copied); a key may hold several values. */
int eccn_pnmap_add(eccn_pnmap *m, const char *key, size_t n, const void *value);
/* The values stored under key, at most max of them, in the order added; returns how many there
 * are in all (which may exceed max). */
size_t eccn_pnmap_get(const eccn_pnmap *m, const char *key, size_t n, const void **out, size_t max);

#endif
