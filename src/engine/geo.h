/*
 * geo.h: destinations. ISO 3166-1 countries (and the few ISO 3166-2 regions Part 746 names), the
 * names users type for them, territories the EAR treats as another destination (Hong Kong as China
 * from 2020-12-23), and the EAR country groups with dated membership.
 *
 * An eccn_geo is loaded from data/countries.yaml and data/country-groups.yaml and owns everything
 * it returns; strings handed out stay valid until eccn_geo_free.
 */
#ifndef ECCN_GEO_H
#define ECCN_GEO_H

#include "util.h"
#include "ydoc.h"

typedef struct eccn_geo eccn_geo;

/* Builds the geography from the parsed countries and country-groups files (borrowed). */
int eccn_geo_load(const ydoc *countries, const ydoc *groups, eccn_geo **out, eccn_error *err);
void eccn_geo_free(eccn_geo *geo);

/* A country or region code ("CN", "cn", "UA-43"), an ISO 3166-1 alpha-3 or numeric code, or a
 * name ("China", "Hong Kong SAR", "Republic of Korea"; case, spaces and punctuation aside) to its
 * canonical code. ECCN_ENOTFOUND when unknown; ECCN_EINPUT when the name is one of several
 * countries' ("Korea"); err says which. */
int eccn_geo_lookup(const eccn_geo *geo, const char *text, const char **code, eccn_error *err);
/* eccn_geo_lookup's code, or NULL when unknown or ambiguous. */
const char *eccn_geo_resolve(const eccn_geo *geo, const char *text);
const char *eccn_geo_name(const eccn_geo *geo, const char *code);
bool eccn_geo_is_group(const eccn_geo *geo, const char *id);
/* Does destination `code` count as `target` (a country code, or a group id such as "D:5") on date
 * d? A territory counts as what the EAR treats it as, and a region as its country too. */
bool eccn_geo_matches(const eccn_geo *geo, const char *code, const char *target, eccn_date d);
/* Canonical code of the destination the EAR treats `code` as on date d (HK -> CN), for display. */
const char *eccn_geo_treated_as(const eccn_geo *geo, const char *code, eccn_date d);

/* Calls fn with the code of every country (not the sub-national regions), in code order. */
void eccn_geo_each_country(const eccn_geo *geo, void (*fn)(const char *code, void *ctx), void *ctx);

/* Calls fn with every date on which some membership or treatment changes. */
void eccn_geo_each_change(const eccn_geo *geo, void (*fn)(eccn_date d, void *ctx), void *ctx);

#endif
