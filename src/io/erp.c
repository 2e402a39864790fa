/*
 * erp.c: see erp.h.
 */
#include "erp.h"

#include <stdio.h>
#include <string.h>

static bool digit(char c)
{
    return c >= '0' && c <= '9';
}

static void trim(const char **s, size_t *n)
{
    while (*n && (**s == ' ' || **s == '\t')) {
        (*s)++;
        (*n)--;
    }
    while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
        (*n)--;
}

bool eccn_erp_quantity(const char *s, size_t n, long long *out, const char **why)
{
    trim(&s, &n);
    size_t i = 0, group = 0;
    bool commas = false;
    long long q = 0;
    *why = "expected a whole number of at least 1, such as 16, 1,024 or 16.00";
    for (; i < n && s[i] != '.'; i++) {
        if (s[i] == ',') {
            /* a comma separates thousands: a first group of 1 to 3 digits, then groups of 3 */
            if (group == 0 || group > 3 || (commas && group != 3))
                return false;
            commas = true;
            group = 0;
            continue;
        }
        if (!digit(s[i]) || q > (1LL << 50))
            return false;
        q = q * 10 + (s[i] - '0');
        group++;
    }
    if (group == 0 || (commas && group != 3))
        return false;
    if (i < n) { /* the decimal part: zeros only */
        if (i + 1 == n)
            return false;
        for (i++; i < n; i++)
            if (s[i] != '0') {
                *why = digit(s[i]) ? "a fractional quantity: expected whole units"
                                   : "expected a whole number of at least 1";
                return false;
            }
    }
    if (q < 1) {
        *why = "a quantity of 0: expected at least 1";
        return false;
    }
    *out = q;
    return true;
}

/* Up to max digits from *p; false when there are none. */
static bool number(const char **p, const char *end, int max, int *out, int *ndigits)
{
    int v = 0, k = 0;
    while (*p < end && digit(**p) && k < max) {
        v = v * 10 + (**p - '0');
        (*p)++;
        k++;
    }
    *out = v;
    *ndigits = k;
    return k > 0 && !(*p < end && digit(**p));
}

static bool ymd_date(int y, int m, int d, eccn_date *out)
{
    char buf[16];
    if (y < 1000 || y > 9999 || m < 1 || m > 12 || d < 1 || d > 31)
        return false;
    snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
    return eccn_date_parse(buf, 10, out); /* checks the day against the month */
}

/* A time after a date ("T12:00:00", " 00:00:00", " 12:00 AM") is allowed and ignored. */
static bool rest_is_time(const char *p, const char *end)
{
    if (p == end)
        return true;
    if (*p != 'T' && *p != ' ')
        return false;
    for (p++; p < end; p++)
        if (!digit(*p) && !strchr(":. APMZapmz+-", *p))
            return false;
    return true;
}

/* Three numbers a S b S c with one separator S of "/.-", and what follows them. */
static bool three_parts(const char *s, size_t n, int v[3], int k[3], const char **rest)
{
    const char *p = s, *end = s + n;
    char sep = 0;
    for (int i = 0; i < 3; i++) {
        if (!number(&p, end, 4, &v[i], &k[i]))
            return false;
        if (i < 2) {
            if (p == end || !strchr("/.-", *p) || (sep && *p != sep))
                return false;
            sep = *p++;
        }
    }
    *rest = p;
    return rest_is_time(p, end);
}

/* Excel's serial day number: day 1 is 1900-01-01, and Excel counts a 29 February 1900 that never
 * was, so from day 61 on the count is days since 1899-12-30. Earlier serials are no export date. */
static bool serial_date(const char *s, size_t n, eccn_date *out)
{
    size_t i = 0;
    int v = 0;
    for (; i < n && digit(s[i]) && i < 6; i++)
        v = v * 10 + (s[i] - '0');
    if (i == 0 || v < 61)
        return false;
    if (i < n) { /* a fraction of a day: a time */
        if (s[i] != '.')
            return false;
        for (i++; i < n; i++)
            if (!digit(s[i]))
                return false;
    }
    *out = v - 25569; /* serial 25569 is 1970-01-01, eccn's day 0 */
    return true;
}

static int year_of(int v, int k)
{
    return k == 2 ? 2000 + v : k == 4 ? v : -1; /* two-digit years are this century's */
}

bool eccn_erp_date(const char *s, size_t n, eccn_datefmt f, eccn_date *out)
{
    trim(&s, &n);
    int v[3], k[3];
    const char *rest;
    if (n && serial_date(s, n, out))
        return true;
    if (!three_parts(s, n, v, k, &rest))
        return false;
    if (k[0] == 4) /* year first: ISO order, whatever the file's other dates */
        return k[1] <= 2 && k[2] <= 2 && ymd_date(v[0], v[1], v[2], out);
    if (k[0] > 2 || k[1] > 2)
        return false;
    if (f == ECCN_DATEFMT_DMY)
        return ymd_date(year_of(v[2], k[2]), v[1], v[0], out);
    if (f == ECCN_DATEFMT_MDY)
        return ymd_date(year_of(v[2], k[2]), v[0], v[1], out);
    return false;
}

void eccn_datefmt_observe(eccn_datefmt_votes *v, const char *s, size_t n)
{
    trim(&s, &n);
    if (!n)
        return;
    v->dates++;
    eccn_date d;
    bool any = false;
    if (serial_date(s, n, &d)) {
        v->serial++;
        any = true;
    } else if (eccn_erp_date(s, n, ECCN_DATEFMT_ISO, &d)) {
        v->iso++;
        any = true;
    } else {
        if (eccn_erp_date(s, n, ECCN_DATEFMT_DMY, &d)) {
            v->dmy++;
            any = true;
        }
        if (eccn_erp_date(s, n, ECCN_DATEFMT_MDY, &d)) {
            v->mdy++;
            any = true;
        }
    }
    if (!any && !v->bad++)
        v->first_bad = v->dates;
}

int eccn_datefmt_decide(const eccn_datefmt_votes *v, eccn_datefmt *out, eccn_error *err)
{
    /* The dates whose order must be decided; a date no reading allows is left to its line's
     * error, and does not decide for the others. */
    long long ordered = v->dates - v->iso - v->serial - v->bad;
    bool dmy = v->dmy == ordered, mdy = v->mdy == ordered;
    *out = ECCN_DATEFMT_ISO;
    if (ordered == 0)
        return ECCN_OK;
    if (dmy && mdy)
        return eccn_fail(err, ECCN_EINPUT, "", 0, 0,
                         "%lld dates could be day/month/year or month/day/year (none has a day "
                         "after the 12th): give --date-format dmy or --date-format mdy",
                         ordered);
    if (!dmy && !mdy)
        return eccn_fail(err, ECCN_EINPUT, "", 0, 0,
                         "the dates mix day/month/year (%lld fit) and month/day/year (%lld "
                         "fit): give --date-format dmy or --date-format mdy",
                         v->dmy, v->mdy);
    *out = dmy ? ECCN_DATEFMT_DMY : ECCN_DATEFMT_MDY;
    return ECCN_OK;
}

bool eccn_datefmt_parse(const char *name, eccn_datefmt *out)
{
    static const char *const NAMES[] = {"iso", "dmy", "mdy"};
    for (int i = 0; i < 3; i++)
        if (strcmp(name, NAMES[i]) == 0) {
            *out = (eccn_datefmt)(ECCN_DATEFMT_ISO + i);
            return true;
        }
    return false;
}

const char *eccn_datefmt_name(eccn_datefmt f)
{
    return f == ECCN_DATEFMT_DMY   ? "day/month/year"
           : f == ECCN_DATEFMT_MDY ? "month/day/year"
                                   : "YYYY-MM-DD";
}
