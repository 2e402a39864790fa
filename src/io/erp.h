/*
 * erp.h: values as ERP and spreadsheet exports write them. Quantities with thousands separators
 * and zero decimals ("1,024", "16.00"); dates as ISO 8601, as day/month/year or month/day/year
 * (decided once for a whole file, since 03/04/2024 means a different day in each), and as
 * Excel's serial day numbers. Nothing here allocates.
 */
#ifndef ECCN_ERP_H
#define ECCN_ERP_H

#include "util.h"

/* A whole quantity of at least 1: digits, optionally grouped by commas in threes, optionally
 * with a decimal part of zeros. On failure why says what was wrong (it points to static text). */
bool eccn_erp_quantity(const char *s, size_t n, long long *out, const char **why);

typedef enum {
    ECCN_DATEFMT_NONE, /* not decided yet */
    ECCN_DATEFMT_ISO,  /* 2024-12-01, 2024/12/01, with or without a time after it */
    ECCN_DATEFMT_DMY,  /* 01/12/2024, 01.12.2024, 01-12-24 */
    ECCN_DATEFMT_MDY,  /* 12/01/2024 */
} eccn_datefmt;

/* What the dates of one file allow: each date read is counted under every reading it allows. */
typedef struct eccn_datefmt_votes {
    long long dates; /* non-empty dates seen */
    long long iso, dmy, mdy, serial;
    long long bad;       /* dates no reading allows */
    long long first_bad; /* the first of them: its 1-based index among dates */
} eccn_datefmt_votes;

void eccn_datefmt_observe(eccn_datefmt_votes *v, const char *s, size_t n);
/* The file's format: the reading every date allows (ISO and serial numbers may mix with either;
 * a date no reading allows is its own line's error). ECCN_EINPUT when every date could be read
 * either way (the message asks for --date-format) or when no one reading fits all of them. */
int eccn_datefmt_decide(const eccn_datefmt_votes *v, eccn_datefmt *out, eccn_error *err);
/* Parses "iso", "dmy" or "mdy" (the --date-format option). */
bool eccn_datefmt_parse(const char *name, eccn_datefmt *out);
const char *eccn_datefmt_name(eccn_datefmt f);

/* A date in format f: ISO dates and Excel serial day numbers (1900 date system) are always
 * read; day/month/year or month/day/year only when f says which. */
bool eccn_erp_date(const char *s, size_t n, eccn_datefmt f, eccn_date *out);

#endif
