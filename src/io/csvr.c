/* csvr.c: streaming CSV reader (see csvr.h). */
#include "csvr.h"

#include "xlsx.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define READ_CHUNK (1u << 20)

struct eccn_csv {
    FILE *f;
    bool borrowed; /* standard input or a caller's stream: not ours to close or seek */
    char *path;
    char delim;
    unsigned char *buf;
    size_t pos, end;
    bool eof;
    long long offset; /* file offset of buf[pos] */
    long long line;   /* current physical line */
    bool skip_lf;     /* the last record ended with CR: a following LF belongs to it */
    bool at_start;
    long long size;
    /* Field storage for the current record. */
    char *store;
    size_t store_len, store_cap;
    size_t *starts;
    char **fields;
    size_t *lens;
    size_t nfields, fields_cap;
    void (*on_bytes)(const void *, size_t, void *);
    void *on_bytes_ctx;
    /* Bytes that end a run of plain bytes outside and inside quotes, for delim: runs between
     * them are copied whole instead of byte by byte through the state machine. */
    char stops_for;
    bool stop_plain[256], stop_quoted[256];
    /* A workbook's sheet, read by xlsx.c instead: f is then only read for on_bytes. */
    eccn_xlsx *x;
    bool hashed;
};

void eccn_csv_close(eccn_csv *c)
{
    if (!c)
        return;
    if (c->f && !c->borrowed)
        fclose(c->f);
    free(c->path);
    free(c->buf);
    free(c->store);
    free(c->starts);
    free(c->fields);
    free(c->lens);
    eccn_xlsx_close(c->x);
    free(c);
}

long long eccn_csv_bytes_read(const eccn_csv *c)
{
    if (c->x) { /* the rows read, as a share of the file; all of it at the end */
        long long read, total;
        eccn_xlsx_progress(c->x, &read, &total);
        /* never 0 once a row is read: an audit resumes from a position past 0 only */
        return read == 0 ? 0 : read >= total ? c->size : 1 + (c->size - 1) * read / total;
    }
    return c->offset;
}

long long eccn_csv_size(const eccn_csv *c)
{
    return c->size;
}

bool eccn_csv_is_workbook(const eccn_csv *c)
{
    return c->x != NULL;
}

void eccn_csv_on_bytes(eccn_csv *c, void (*fn)(const void *p, size_t n, void *ctx), void *ctx)
{
    c->on_bytes = fn;
    c->on_bytes_ctx = ctx;
}

static int refill(eccn_csv *c, eccn_error *err)
{
    if (c->eof)
        return 0;
    size_t n = fread(c->buf, 1, READ_CHUNK, c->f);
    if (n == 0) {
        if (ferror(c->f))
            return eccn_fail(err, ECCN_EIO, c->path, (int)c->line, 0, "read error: %s",
                             strerror(errno));
        c->eof = true;
        return 0;
    }
    if (c->on_bytes)
        c->on_bytes(c->buf, n, c->on_bytes_ctx);
    c->pos = 0;
    c->end = n;
    return 1;
}

static void sniff(eccn_csv *c)
{
    size_t counts[3] = {0};
    const char cand[3] = {',', ';', '\t'};
    bool quoted = false;
    for (size_t i = c->pos; i < c->end; i++) {
        unsigned char ch = c->buf[i];
        if (ch == '"')
            quoted = !quoted;
        if (!quoted && (ch == '\n' || ch == '\r'))
            break;
        for (int k = 0; k < 3 && !quoted; k++)
            counts[k] += ch == (unsigned char)cand[k];
    }
    int best = 0;
    for (int k = 1; k < 3; k++)
        if (counts[k] > counts[best])
            best = k;
    c->delim = cand[best];
}

/* borrowed: the stream is the caller's (standard input, a memory stream) and is not closed. */
static int open_stream(FILE *f, bool borrowed, const char *name, char delim, eccn_csv **out)
{
    eccn_csv *c = calloc(1, sizeof *c);
    *out = NULL;
    if (!c)
        return ECCN_ENOMEM;
    c->f = f;
    c->borrowed = borrowed;
    c->path = eccn_strdup(name);
    c->buf = malloc(READ_CHUNK);
    c->line = 1;
    c->size = -1;
    c->at_start = true;
    c->delim = delim;
    if (!c->path || !c->buf) {
        if (borrowed)
            c->f = NULL;
        eccn_csv_close(c);
        return ECCN_ENOMEM;
    }
    struct stat st;
    int fd = fileno(f);
    if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
        c->size = (long long)st.st_size;
    *out = c;
    return ECCN_OK;
}

int eccn_csv_open(const char *path, char delim, eccn_csv **out, eccn_error *err)
{
    bool is_stdin = strcmp(path, "-") == 0;
    FILE *f = is_stdin ? stdin : fopen(path, "rb");
    int rc;
    *out = NULL;
    if (!f)
        return eccn_fail(err, ECCN_EIO, path, 0, 0, "cannot open: %s", strerror(errno));
    if ((rc = open_stream(f, is_stdin, is_stdin ? "(standard input)" : path, delim, out)) !=
            ECCN_OK &&
        !is_stdin)
        fclose(f);
    return rc;
}

int eccn_csv_open_stream(FILE *f, const char *name, char delim, eccn_csv **out)
{
    return open_stream(f, true, name, delim, out);
}

int eccn_csv_open_sheet(const char *path, char delim, const char *sheet, eccn_csv **out,
                        eccn_error *err)
{
    unsigned char head[4];
    int rc = eccn_csv_open(path, delim, out, err);
    eccn_csv *c = *out;
    if (rc != ECCN_OK)
        return rc;
    /* Only a regular file is sniffed: a pipe cannot be read twice (nor a workbook, unzipped). */
    const bool regular = !c->borrowed && c->size >= 0;
    bool book = regular && fread(head, 1, sizeof head, c->f) == sizeof head &&
                eccn_xlsx_sniff(head, sizeof head);
    if (regular && fseeko(c->f, 0, SEEK_SET) != 0)
        rc = eccn_fail(err, ECCN_EIO, path, 0, 0, "cannot seek: %s", strerror(errno));
    else if (book)
        rc = eccn_xlsx_open(path, sheet, &c->x, err);
    else if (sheet)
        rc = eccn_fail(err, ECCN_EINPUT, path, 0, 0,
                       "--sheet %s: this is not a workbook (.xlsx) but a text file", sheet);
    if (rc != ECCN_OK) {
        eccn_csv_close(c);
        *out = NULL;
    }
    return rc;
}

/* A sheet's rows: the workbook's bytes go through on_bytes once, whole, before the first. */
static int sheet_next(eccn_csv *c, eccn_csv_record *rec, eccn_error *err)
{
    size_t n;
    while (c->on_bytes && !c->hashed && (n = fread(c->buf, 1, READ_CHUNK, c->f)) > 0)
        c->on_bytes(c->buf, n, c->on_bytes_ctx);
    if (c->on_bytes && !c->hashed && ferror(c->f))
        return eccn_fail(err, ECCN_EIO, c->path, 0, 0, "read error");
    c->hashed = c->hashed || c->on_bytes;
    return eccn_xlsx_next(c->x, rec);
}

int eccn_csv_seek(eccn_csv *c, long long offset, long long line, eccn_error *err)
{
    if (c->x) { /* rows are numbered: go on from the row, not a byte offset */
        c->hashed = true;
        eccn_xlsx_seek_row(c->x, line);
        return ECCN_OK;
    }
    if (c->borrowed)
        return eccn_fail(err, ECCN_EINPUT, c->path, 0, 0,
                         "cannot resume from standard input or a stream");
    if (fseeko(c->f, (off_t)offset, SEEK_SET) != 0)
        return eccn_fail(err, ECCN_EIO, c->path, 0, 0, "cannot seek: %s", strerror(errno));
    c->pos = c->end = 0;
    c->eof = false;
    c->offset = offset;
    c->line = line;
    c->skip_lf = false;
    c->at_start = false;
    return ECCN_OK;
}

static int store_byte(eccn_csv *c, unsigned char ch)
{
    char *g = eccn_grow(c->store, &c->store_cap, c->store_len + 2, 1, 4096);
    if (!g)
        return ECCN_ENOMEM;
    c->store = g;
    c->store[c->store_len++] = (char)ch;
    return ECCN_OK;
}

/* Copies the plain bytes that follow buf[pos] in the buffer (up to a byte of stop) as one run. */
static int store_run(eccn_csv *c, const bool stop[256])
{
    const unsigned char *b = c->buf + c->pos;
    size_t n = 0, avail = c->end - c->pos;
    while (n < avail && !stop[b[n]])
        n++;
    if (n == 0)
        return ECCN_OK;
    char *g = eccn_grow(c->store, &c->store_cap, c->store_len + n + 1, 1, 4096);
    if (!g)
        return ECCN_ENOMEM;
    c->store = g;
    memcpy(c->store + c->store_len, b, n);
    c->store_len += n;
    c->pos += n;
    c->offset += (long long)n;
    return ECCN_OK;
}

static void set_stops(eccn_csv *c)
{
    memset(c->stop_plain, 0, sizeof c->stop_plain);
    memset(c->stop_quoted, 0, sizeof c->stop_quoted);
    const unsigned char both[] = {'"', '\n', '\r', '\0'};
    for (size_t i = 0; i < sizeof both; i++)
        c->stop_plain[both[i]] = c->stop_quoted[both[i]] = true;
    c->stop_plain[(unsigned char)c->delim] = true;
    c->stops_for = c->delim;
}

/* Room for one more field. */
static int field_room(eccn_csv *c)
{
    if (c->nfields == c->fields_cap) {
        size_t cap = c->fields_cap ? c->fields_cap * 2 : 16;
        size_t *s = realloc(c->starts, cap * sizeof *s);
        if (!s)
            return ECCN_ENOMEM;
        c->starts = s;
        size_t *l = realloc(c->lens, cap * sizeof *l);
        if (!l)
            return ECCN_ENOMEM;
        c->lens = l;
        char **f = realloc(c->fields, cap * sizeof *f);
        if (!f)
            return ECCN_ENOMEM;
        c->fields = f;
        c->fields_cap = cap;
    }
    return ECCN_OK;
}

static int end_field(eccn_csv *c, size_t start)
{
    if (field_room(c) != ECCN_OK)
        return ECCN_ENOMEM;
    c->starts[c->nfields] = start;
    c->lens[c->nfields] = c->store_len - start;
    c->nfields++;
    return store_byte(c, '\0');
}

/* Most records are plain: no quotes, no NUL, not blank, ended by a line end in the buffer. Their
 * fields are used where they lie, each ended by writing NUL over the delimiter or line end that
 * follows it (the bytes were passed to on_bytes when read), instead of being copied: a third of
 * the reading thread's time in an audit. False, with nothing consumed, for any other record:
 * the state machine of eccn_csv_next reads it. */
static bool plain_record(eccn_csv *c, eccn_csv_record *rec)
{
    unsigned char *b = c->buf;
    const unsigned char delim = (unsigned char)c->delim;
    size_t p = c->pos;
    unsigned char ch;
    c->nfields = 0;
    do {
        size_t start = p;
        while (p < c->end && !c->stop_plain[b[p]])
            p++;
        if (p == c->end || (ch = b[p]) == '"' || ch == '\0' || field_room(c) != ECCN_OK)
            return false;
        c->starts[c->nfields] = start;
        c->lens[c->nfields++] = p++ - start;
    } while (ch == delim);
    if (c->nfields == 1 && c->lens[0] == 0)
        return false;
    for (size_t i = 0; i < c->nfields; i++) {
        c->fields[i] = (char *)b + c->starts[i];
        c->fields[i][c->lens[i]] = '\0';
    }
    c->offset += (long long)(p - c->pos);
    c->pos = p;
    c->line++;
    c->skip_lf = ch == '\r';
    rec->nfields = c->nfields;
    rec->fields = c->fields;
    rec->lens = c->lens;
    rec->malformed = NULL;
    return true;
}

enum { S_START, S_UNQUOTED, S_QUOTED, S_QUOTE_IN_QUOTED };

/* ch, a delimiter or a line end outside quotes, closes the field and, for a line end, the
 * record. */
static int close_field(eccn_csv *c, unsigned char ch, size_t *field_start, int *state, bool *done)
{
    int rc = end_field(c, *field_start);
    if (ch == (unsigned char)c->delim) {
        *field_start = c->store_len;
        *state = S_START;
    } else {
        c->line++;
        c->skip_lf = ch == '\r';
        *done = true;
    }
    return rc;
}

int eccn_csv_next(eccn_csv *c, eccn_csv_record *rec, eccn_error *err)
{
    int rc;
    if (c->x)
        return sheet_next(c, rec, err);
    for (;;) {
        int state = S_START;
        size_t field_start = 0;
        bool any = false;
        const char *malformed = NULL;
        c->store_len = 0;
        c->nfields = 0;
        if (c->pos == c->end && (rc = refill(c, err)) <= 0)
            return rc;
        if (c->at_start) {
            c->at_start = false;
            if (c->end - c->pos >= 3 && memcmp(c->buf + c->pos, "\xEF\xBB\xBF", 3) == 0) {
                c->pos += 3;
                c->offset += 3;
            }
            if (!c->delim)
                sniff(c);
        }
        if (c->skip_lf) {
            c->skip_lf = false;
            if (c->buf[c->pos] == '\n') {
                c->pos++;
                c->offset++;
                if (c->pos == c->end && (rc = refill(c, err)) <= 0)
                    return rc;
            }
        }
        rec->line = c->line;
        rec->offset = c->offset;
        if (c->stops_for != c->delim)
            set_stops(c);
        if (plain_record(c, rec))
            return 1;
        c->nfields = 0;
        const unsigned char delim = (unsigned char)c->delim;
        bool done = false;
        while (!done) {
            if (c->pos == c->end) {
                if ((rc = refill(c, err)) < 0)
                    return rc;
                if (rc == 0) {
                    if (state == S_QUOTED)
                        malformed = "a quoted field is not closed before the end of the file";
                    if ((rc = end_field(c, field_start)) != ECCN_OK)
                        return rc;
                    break;
                }
            }
            unsigned char ch = c->buf[c->pos++];
            c->offset++;
            any = true;
            if (c->store_len > ECCN_CSV_MAX_RECORD)
                return eccn_fail(err, ECCN_EINPUT, c->path, (int)rec->line, 0,
                                 "record longer than %u bytes", ECCN_CSV_MAX_RECORD);
            if (ch == '\0' && !malformed)
                malformed = "NUL byte in the record";
            switch (state) {
            case S_START:
            case S_UNQUOTED:
                if (ch == delim || ch == '\n' || ch == '\r') {
                    rc = close_field(c, ch, &field_start, &state, &done);
                } else if (ch == '"' && state == S_START) {
                    state = S_QUOTED;
                    rc = ECCN_OK;
                } else {
                    if (ch == '"' && !malformed)
                        malformed = "a quote inside an unquoted field";
                    state = S_UNQUOTED;
                    if ((rc = store_byte(c, ch)) == ECCN_OK)
                        rc = store_run(c, c->stop_plain);
                }
                break;
            case S_QUOTED:
                if (ch == '"') {
                    state = S_QUOTE_IN_QUOTED;
                    rc = ECCN_OK;
                } else {
                    if (ch == '\n' || (ch == '\r' && (c->pos == c->end || c->buf[c->pos] != '\n')))
                        c->line++;
                    if ((rc = store_byte(c, ch)) == ECCN_OK)
                        rc = store_run(c, c->stop_quoted);
                }
                break;
            case S_QUOTE_IN_QUOTED:
                if (ch == '"') {
                    state = S_QUOTED;
                    rc = store_byte(c, ch);
                } else if (ch == delim || ch == '\n' || ch == '\r') {
                    rc = close_field(c, ch, &field_start, &state, &done);
                } else {
                    if (!malformed)
                        malformed = "text after a closing quote";
                    state = S_UNQUOTED;
                    rc = store_byte(c, ch);
                }
                break;
            }
            if (rc != ECCN_OK)
                return rc;
        }
        if (!any)
            return 0;
        /* A blank line is no record. */
        if (c->nfields == 1 && c->lens[0] == 0 && state == S_START)
            continue;
        for (size_t i = 0; i < c->nfields; i++)
            c->fields[i] = c->store + c->starts[i];
        rec->nfields = c->nfields;
        rec->fields = c->fields;
        rec->lens = c->lens;
        rec->malformed = malformed;
        return 1;
    }
}

bool eccn_csv_formula_like(const char *s, size_t n)
{
    return n > 0 && memchr("=+-@\t\r", s[0], 6) != NULL;
}

void eccn_csv_write_cell(FILE *f, const char *s, size_t n, bool last)
{
    const char *end = s + n;
    const char *special = s;
    bool formula = eccn_csv_formula_like(s, n);
    while (special < end && !memchr(",\"\r\n", *special, 4))
        special++;
    if (special == end && !formula) {
        fwrite(s, 1, n, f);
    } else {
        /* Doubling each quote: write the run up to and including it, then the quote again. A
         * cell a spreadsheet would run as a formula gets a leading apostrophe (OWASP's rule for
         * CSV injection), inside the quotes so that the text stays one cell. */
        fputs(formula ? "\"'" : "\"", f);
        for (const char *q; (q = memchr(s, '"', (size_t)(end - s))) != NULL; s = q + 1) {
            fwrite(s, 1, (size_t)(q - s + 1), f);
            fputc('"', f);
        }
        fwrite(s, 1, (size_t)(end - s), f);
        fputc('"', f);
    }
    fputc(last ? '\n' : ',', f);
}
