/*
 * util.h: the error value every library call fills, a growable byte buffer, calendar dates and
 * small string helpers shared by all modules.
 *
 * Library code never prints and never exits: a failing call returns a negative eccn status and
 * describes the failure in an eccn_error, naming the file, line and column when the input has them.
 */
#ifndef ECCN_UTIL_H
#define ECCN_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
    ECCN_OK = 0,
    ECCN_EINPUT = -1, /* the user's input or a data file is wrong */
    ECCN_EIO = -2,    /* the operating system refused a read or write */
    ECCN_ENOMEM = -3,
    ECCN_EDB = -4, /* the ledger database failed or is not a ledger */
    ECCN_ENOTFOUND = -5,
    ECCN_ETAMPERED = -6, /* the ledger was changed outside eccn (its schema, say) */
};

typedef struct eccn_error {
    char msg[1024];
    char file[512];
    int line; /* 1-based; 0 when unknown */
    int col;  /* 1-based; 0 when unknown */
} eccn_error;

/* Fills err (when non-NULL) and returns status, so callers can write `return eccn_fail(...)`. */
int eccn_fail(eccn_error *err, int status, const char *file, int line, int col, const char *fmt,
              ...) __attribute__((format(printf, 6, 7)));
/* Formats "file:line:col: msg" (parts that are unknown are left out) into out. An error left
 * empty is "out of memory": ECCN_ENOMEM is the one status returned without eccn_fail, since
 * describing it could need the memory that ran out. */
void eccn_error_format(const eccn_error *err, char *out, size_t outsz);

/* A growable, always NUL-terminated byte buffer. The caller owns data and frees it with
 * eccn_buf_free. Appending returns ECCN_ENOMEM when memory runs out and leaves the buffer valid. */
typedef struct eccn_buf {
    char *data;
    size_t len;
    size_t cap;
} eccn_buf;

int eccn_buf_reserve(eccn_buf *b, size_t extra);
int eccn_buf_append(eccn_buf *b, const char *s, size_t n);
int eccn_buf_puts(eccn_buf *b, const char *s);
int eccn_buf_printf(eccn_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void eccn_buf_reset(eccn_buf *b);
void eccn_buf_free(eccn_buf *b);

/* Reads a whole file (a regular file or not) into out, NUL-terminated (out is overwritten, so it
 * must not own memory); the caller frees it with eccn_buf_free, also after an error. */
int eccn_read_file(const char *path, eccn_buf *out, eccn_error *err);

/* Makes room for need elements of elem bytes in the array items of capacity *cap, doubling from
 * first. Returns the array, moved or not, or NULL when out of memory (items is then untouched and
 * still the caller's). Inline when there is room already: an audit asks a few times per line. */
void *eccn_grow_to(void *items, size_t *cap, size_t need, size_t elem, size_t first);
static inline void *eccn_grow(void *items, size_t *cap, size_t need, size_t elem, size_t first)
{
    return need <= *cap ? items : eccn_grow_to(items, cap, need, elem, first);
}

/* qsort that accepts an empty, NULL array: qsort's own base must not be NULL even for 0 elements
 * (UBSan reports it: an empty report). */
void eccn_sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *));
/* eccn_sort comparator for an array of C strings (char *), in strcmp order. */
int eccn_cmp_strings(const void *a, const void *b);
/* A fast 64-bit hash for hash tables; not cryptographic. */
uint64_t eccn_hash64(const void *data, size_t n);

/* A positive decimal id ("12"); false for anything else. */
bool eccn_parse_id(const char *text, long long *out);

/* Creates the directories above path (mode 0700), like mkdir -p on its dirname. */
int eccn_mkdirs_for(const char *path, eccn_error *err);

/* Calendar dates are days since 1970-01-01 (proleptic Gregorian). */
typedef int32_t eccn_date;
#define ECCN_DATE_NONE INT32_MIN

/* Parses exactly YYYY-MM-DD with a real day of the month; returns false otherwise. */
bool eccn_date_parse(const char *s, size_t n, eccn_date *out);
/* The same, also giving the date as YYYYMMDD (when ymd is not NULL): the ledger's form, without a
 * conversion back from the day number. */
bool eccn_date_parse_ymd(const char *s, size_t n, eccn_date *out, int *ymd);
/* Writes YYYY-MM-DD into out (at least 11 bytes). */
void eccn_date_format(eccn_date d, char out[11]);
/* The date as the integer YYYYMMDD (compact for storage, still readable). */
int eccn_date_ymd(eccn_date d);
/* Writes such an integer as YYYY-MM-DD into out (at least 11 bytes); 0, no date, as "". */
void eccn_ymd_format(int ymd, char out[11]);
eccn_date eccn_date_today_utc(void);
/* The current UTC time as 2024-01-31T12:34:56Z, into out (at least 21 bytes). */
void eccn_utc_now(char out[21]);

char *eccn_strdup(const char *s);
char *eccn_strndup(const char *s, size_t n);
bool eccn_streq_ci(const char *a, const char *b);
/* Strict number parse of the whole string: no trailing junk, finite. */
bool eccn_parse_double(const char *s, double *out);
/* Levenshtein distance, case-insensitive, capped at cap (returns cap when larger). */
int eccn_edit_distance(const char *a, const char *b, int cap);
/* Formats a number the way a compliance officer reads it: no exponent, trailing zeros trimmed. */
void eccn_fmt_num(double v, char *out, size_t outsz);
/* A finite v in the fewest digits that read back as exactly v (82.6, not 82.599999999999994);
 * returns the length. */
#define ECCN_FMT_EXACT_SIZE 64
size_t eccn_fmt_exact(double v, char out[ECCN_FMT_EXACT_SIZE]);

#endif
