/*
 * resolve.h: what people type, resolved to a part. Part numbers come first and resolve exactly
 * (vendor tables and the catalogue, in normal form, also a catalogued number's revision suffixes,
 * and a part number found inside a longer text); then descriptions, where an accessory or other
 * item that merely mentions a GPU (data/resolve.yaml `accessory_words`) never resolves to the GPU
 * or system it mentions: it is known by its part number or it is unknown.
 */
#ifndef ECCN_RESOLVE_H
#define ECCN_RESOLVE_H

#include "catalog.h"
#include "eval.h"
#include "rules.h"

/* Reads data_dir/resolve.yaml (absent: no vocabulary); its digest goes into the revision. */
int eccn_vocab_load(const char *data_dir, eccn_vocab **out, eccn_error *err);
void eccn_vocab_free(eccn_vocab *v);
const char *eccn_vocab_digest(const eccn_vocab *v);

/* The accessory word in text, or NULL. */
const char *eccn_vocab_accessory(const eccn_vocab *v, const char *text);

/* A description (no part-number lookup) to one catalogue part; ECCN_ENOTFOUND for an accessory or
 * an unknown text, ECCN_EINPUT when ambiguous. */
int eccn_resolve_description(eccn_catalog *cat, const eccn_vocab *vocab, const char *text,
                             const eccn_part **out, eccn_error *err);
/* Anything typed: part numbers first, then the description. */
int eccn_resolve(const eccn_ruleset *rs, const char *text, const eccn_part **out, eccn_error *err);

/* The part a recorded id names, as eccn_resolve gives it (the same pointer, so a resumed audit
 * meets the evaluations it recorded): a catalogue id (with its vendor's view), a system made for
 * a text ("system:8x:h100-sxm5-80gb"), or a vendor row the catalogue lacks ("NVIDIA:920-...").
 * NULL when today's catalogue and vendor tables do not hold it. */
const eccn_part *eccn_resolve_id(const eccn_ruleset *rs, const char *id);

/* As eccn_resolve, for the question q asks (its date, destination and headquarters): when the
 * text fits several catalogue entries and they all give the same ECCN and verdict, q->part is the
 * first and considered (sz bytes) lists them all; when they differ, ECCN_EINPUT lists each with
 * its variant and answer. considered is "" when the text resolved to one part. */
int eccn_resolve_query(const eccn_ruleset *rs, const char *text, eccn_query *q, char *considered,
                       size_t sz, eccn_error *err);

#endif
