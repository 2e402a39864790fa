/* util.c: errors, buffers, dates and strings (see util.h). */
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int eccn_fail(eccn_error *err, int status, const char *file, int line, int col, const char *fmt,
              ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
        snprintf(err->file, sizeof err->file, "%s", file ? file : "");
        err->line = line;
        err->col = col;
    }
    return status;
}

void eccn_error_format(const eccn_error *err, char *out, size_t outsz)
{
    if (!err->msg[0])
        snprintf(out, outsz, "out of memory");
    else if (err->file[0] && err->line > 0 && err->col > 0)
        snprintf(out, outsz, "%s:%d:%d: %s", err->file, err->line, err->col, err->msg);
    else if (err->file[0] && err->line > 0)
        snprintf(out, outsz, "%s:%d: %s", err->file, err->line, err->msg);
    else if (err->file[0])
        snprintf(out, outsz, "%s: %s", err->file, err->msg);
    else
        snprintf(out, outsz, "%s", err->msg);
}

int eccn_buf_reserve(eccn_buf *b, size_t extra)
{
    if (b->len + extra + 1 <= b->cap)
        return ECCN_OK;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + extra + 1)
        cap *= 2;
    char *p = realloc(b->data, cap);
    if (!p)
        return ECCN_ENOMEM;
    b->data = p;
    b->cap = cap;
    return ECCN_OK;
}

int eccn_buf_append(eccn_buf *b, const char *s, size_t n)
{
    if (eccn_buf_reserve(b, n) != ECCN_OK)
        return ECCN_ENOMEM;
    if (n) /* memcpy from NULL is undefined even for 0 bytes (found by fuzz_cond) */
        memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
    return ECCN_OK;
}

int eccn_buf_puts(eccn_buf *b, const char *s)
{
    return eccn_buf_append(b, s, strlen(s));
}

int eccn_buf_printf(eccn_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || eccn_buf_reserve(b, (size_t)n) != ECCN_OK)
        return ECCN_ENOMEM;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return ECCN_OK;
}

void eccn_buf_reset(eccn_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

void eccn_buf_free(eccn_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

/* Days from civil, after Howard Hinnant's public-domain algorithm: exact for any Gregorian date. */
static int32_t days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    int era = (y >= 0 ? y : y - 399) / 400;
    int yoe = y - era * 400;
    int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int32_t z, int *y, int *m, int *d)
{
    z += 719468;
    int era = (z >= 0 ? z : z - 146096) / 146097;
    int doe = z - era * 146097;
    int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int yy = yoe + era * 400;
    int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp + (mp < 10 ? 3 : -9);
    *y = yy + (*m <= 2);
}

bool eccn_date_parse(const char *s, size_t n, eccn_date *out)
{
    return eccn_date_parse_ymd(s, n, out, NULL);
}

bool eccn_date_parse_ymd(const char *s, size_t n, eccn_date *out, int *ymd)
{
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (n != 10 || s[4] != '-' || s[7] != '-')
        return false;
    for (size_t i = 0; i < 10; i++)
        if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
            return false;
    int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    int m = (s[5] - '0') * 10 + (s[6] - '0');
    int d = (s[8] - '0') * 10 + (s[9] - '0');
    if (y < 1900 || m < 1 || m > 12 || d < 1)
        return false;
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    int maxd = mdays[m - 1] + (m == 2 && leap);
    if (d > maxd)
        return false;
    *out = days_from_civil(y, m, d);
    if (ymd)
        *ymd = y * 10000 + m * 100 + d;
    return true;
}

void eccn_date_format(eccn_date d, char out[11])
{
    int y, m, dd;
    civil_from_days(d, &y, &m, &dd);
    char tmp[32];
    snprintf(tmp, sizeof tmp, "%04d-%02d-%02d", y % 10000, m % 100, dd % 100);
    memcpy(out, tmp, 10);
    out[10] = '\0';
}

void eccn_ymd_format(int ymd, char out[11])
{
    char tmp[40] = "";
    if (ymd)
        snprintf(tmp, sizeof tmp, "%04d-%02d-%02d", ymd / 10000 % 10000, ymd / 100 % 100,
                 ymd % 100);
    memcpy(out, tmp, 10);
    out[10] = '\0';
}

int eccn_date_ymd(eccn_date d)
{
    int y, m, dd;
    civil_from_days(d, &y, &m, &dd);
    return y * 10000 + m * 100 + dd;
}

eccn_date eccn_date_today_utc(void)
{
    time_t t = time(NULL);
    return (eccn_date)(t / 86400);
}

/* From the day count and the seconds of the day, not gmtime_r: glibc's gmtime_r reads the time
 * zone files (/etc/localtime) on first use, seven system calls of every check, for UTC. */
void eccn_utc_now(char out[21])
{
    long long t = (long long)time(NULL);
    long long day = t >= 0 ? t / 86400 : (t - 86399) / 86400;
    int sec = (int)(t - day * 86400);
    eccn_date_format((eccn_date)day, out);
    snprintf(out + 10, 11, "T%02d:%02d:%02dZ", sec / 3600, sec / 60 % 60, sec % 60);
}

char *eccn_strndup(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

char *eccn_strdup(const char *s)
{
    return s ? eccn_strndup(s, strlen(s)) : NULL;
}

bool eccn_streq_ci(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
            return false;
    return *a == *b;
}

bool eccn_parse_double(const char *s, double *out)
{
    if (!s || !*s || isspace((unsigned char)*s))
        return false;
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno == ERANGE || end == s || *end != '\0' || !isfinite(v))
        return false;
    /* strtod accepts "nan", "inf" and hex floats; a spec sheet figure is none of those. */
    for (const char *p = s; *p; p++)
        if (!(isdigit((unsigned char)*p) || *p == '.' || *p == '-' || *p == '+' || *p == 'e' ||
              *p == 'E'))
            return false;
    *out = v;
    return true;
}

int eccn_edit_distance(const char *a, const char *b, int cap)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64)
        return cap;
    int row[65];
    for (size_t j = 0; j <= lb; j++)
        row[j] = (int)j;
    for (size_t i = 1; i <= la; i++) {
        int prev = row[0];
        row[0] = (int)i;
        for (size_t j = 1; j <= lb; j++) {
            int cur = row[j];
            int cost = tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]);
            int best = prev + cost;
            if (row[j] + 1 < best)
                best = row[j] + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            prev = cur;
        }
    }
    return row[lb] < cap ? row[lb] : cap;
}

void eccn_fmt_num(double v, char *out, size_t outsz)
{
    snprintf(out, outsz, "%.4f", v);
    char *dot = strchr(out, '.');
    if (dot) {
        char *end = out + strlen(out) - 1;
        while (end > dot && *end == '0')
            *end-- = '\0';
        if (end == dot)
            *end = '\0';
    }
    if (strcmp(out, "-0") == 0)
        snprintf(out, outsz, "0");
}

int eccn_mkdirs_for(const char *path, eccn_error *err)
{
    char *dir = eccn_strdup(path);
    int rc = ECCN_OK;
    if (!dir)
        return ECCN_ENOMEM;
    char *slash = strrchr(dir, '/');
    if (slash && slash != dir) {
        *slash = '\0';
        for (char *p = dir + 1; *p; p++) {
            if (*p != '/')
                continue;
            *p = '\0';
            if (mkdir(dir, 0700) != 0 && errno != EEXIST)
                rc = eccn_fail(err, ECCN_EIO, dir, 0, 0, "cannot create directory: %s",
                               strerror(errno));
            *p = '/';
            if (rc != ECCN_OK)
                break;
        }
        if (rc == ECCN_OK && mkdir(dir, 0700) != 0 && errno != EEXIST)
            rc =
                eccn_fail(err, ECCN_EIO, dir, 0, 0, "cannot create directory: %s", strerror(errno));
    }
    free(dir);
    return rc;
}

int eccn_read_file(const char *path, eccn_buf *out, eccn_error *err)
{
    struct stat st;
    int fd = open(path, O_RDONLY | O_CLOEXEC), rc = ECCN_OK;
    *out = (eccn_buf){0};
    if (fd < 0)
        return eccn_fail(err, ECCN_EIO, path, 0, 0, "cannot open: %s", strerror(errno));
    /* A regular file in one read of the size fstat gave (what it holds at that moment); anything
     * else in chunks until the end. */
    bool regular = fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
    size_t want = regular ? (size_t)st.st_size + 1 : 65536;
    for (;;) {
        if (out->cap - out->len < 2 && (rc = eccn_buf_reserve(out, want)) != ECCN_OK)
            break;
        ssize_t n = read(fd, out->data + out->len, out->cap - out->len - 1);
        if (n == 0)
            break;
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            rc = eccn_fail(err, ECCN_EIO, path, 0, 0, "read error: %s", strerror(errno));
            break;
        }
        out->len += (size_t)n;
        if (regular && out->len == (size_t)st.st_size)
            break;
        want = 65536;
    }
    if (rc == ECCN_OK)
        out->data[out->len] = '\0';
    else
        eccn_buf_free(out);
    close(fd);
    return rc;
}

void *eccn_grow_to(void *items, size_t *cap, size_t need, size_t elem, size_t first)
{
    if (need <= *cap)
        return items;
    size_t n = *cap ? *cap : first;
    while (n < need)
        n *= 2;
    void *g = n > SIZE_MAX / elem ? NULL : realloc(items, n * elem);
    if (g)
        *cap = n;
    return g;
}

bool eccn_parse_id(const char *text, long long *out)
{
    char *end;
    errno = 0;
    long long v = text && *text >= '1' && *text <= '9' ? strtoll(text, &end, 10) : 0;
    if (v <= 0 || errno || *end)
        return false;
    *out = v;
    return true;
}

void eccn_sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
    if (n > 1)
        qsort(base, n, size, cmp);
}

int eccn_cmp_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Eight bytes a step: FNV-1a's byte-at-a-time multiply chain was 10% of an audit. Each step is a
 * bijection of the running value for a given word, so a change confined to one word always
 * changes the result. Not a cryptographic hash: a hostile input can at worst make its own lookups
 * slow. */
uint64_t eccn_hash64(const void *data, size_t n)
{
    const unsigned char *s = data;
    uint64_t h = 0x9e3779b97f4a7c15ull ^ (n * 0xff51afd7ed558ccdull), w;
    for (; n >= 8; s += 8, n -= 8) {
        memcpy(&w, s, 8);
        h = (h ^ w) * 0xff51afd7ed558ccdull;
        h ^= h >> 32;
    }
    w = 0;
    memcpy(&w, s, n);
    h = (h ^ w) * 0xc4ceb9fe1a85ec53ull;
    return h ^ (h >> 29);
}

size_t eccn_fmt_exact(double v, char out[ECCN_FMT_EXACT_SIZE])
{
    /* Whole numbers below a million print as %.6g would print them, without its cost: most of the
     * figures a check writes (thresholds, TPP, bandwidths) are such. */
    if (fabs(v) < 1e6 && v == (double)(long)v && !signbit(v)) {
        snprintf(out, ECCN_FMT_EXACT_SIZE, "%ld", (long)v);
        return strlen(out);
    }
    /* The fewest digits, from 6, that read back as v: 5.92 prints as 5.92, not as
     * 5.9199999999999999, and %.17g always reads back. Below a million %g's notation does not
     * depend on the precision (fixed, or exponent form below 1e-4), and any decimal of at most 15
     * digits survives the trip to a double and back at %.15g (DBL_DIG), trailing zeros dropped:
     * so when %.15g reads back it is already the shortest form, and else 16 or 17 digits are.
     * (Not for subnormals, which carry fewer digits.) */
    if (fabs(v) < 1e6 && isnormal(v)) {
        for (int digits = 15; digits <= 17; digits++) {
            snprintf(out, ECCN_FMT_EXACT_SIZE, "%.*g", digits, v);
            if (digits == 17 || strtod(out, NULL) == v)
                break;
        }
        return strlen(out);
    }
    /* Larger numbers switch to the exponent form as the precision falls to their exponent, so the
     * precision is searched for: more digits never read back worse (the nearer decimal stays
     * inside v's rounding interval), so a binary search finds the same precision as trying 6, 7,
     * ... in turn, in four tries instead of up to twelve. */
    int lo = 6, hi = 17;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        snprintf(out, ECCN_FMT_EXACT_SIZE, "%.*g", mid, v);
        if (strtod(out, NULL) == v)
            hi = mid;
        else
            lo = mid + 1;
    }
    snprintf(out, ECCN_FMT_EXACT_SIZE, "%.*g", lo, v);
    return strlen(out);
}
