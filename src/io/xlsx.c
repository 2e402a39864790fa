/* xlsx.c: see xlsx.h. The workbook names its sheets (xl/workbook.xml) and maps each to a part
 * by relationship id (xl/_rels/workbook.xml.rels); cell text is mostly in xl/sharedStrings.xml.
 * The sheet is parsed once, streamed through expat, into one text buffer and a table of cells;
 * records are then handed out row by row. */
#include "xlsx.h"

#include <expat.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#define MAX_TEXT (512u << 20)      /* cell and shared-string text kept */
#define MAX_XML (4ull << 30)       /* uncompressed XML read from one part */
#define MAX_SMALL_PART (16u << 20) /* workbook.xml and its relationships */
#define MAX_STRINGS (16u << 20)    /* shared strings */
#define MAX_COLS 16384             /* XFD, Excel's last column */
#define MAX_ROW 1048576            /* Excel's last row */

typedef struct cell {
    size_t off, len; /* in text */
    long long row;
    int col; /* 0-based */
} cell;

struct eccn_xlsx {
    char *path;
    eccn_buf text;
    size_t *str_off, *str_len; /* shared strings, in text */
    size_t nstrings, strings_cap;
    cell *cells;
    size_t ncells, cells_cap;
    size_t next; /* index of the next row's first cell */
    long long nrows, rows_read;
    size_t width;  /* fields of the first record */
    char **fields; /* of the current record: MAX_COLS entries */
    size_t *lens;
};

/* What a parse of one part collects, and the first problem it met. */
typedef struct parse {
    eccn_xlsx *x;
    XML_Parser p;
    const char *part;
    eccn_error *err;
    int rc;
    /* sharedStrings.xml */
    bool in_si, in_t, in_rph;
    size_t si_start;
    /* a sheet */
    long long row;
    int col, next_col;
    char type[12];
    bool in_c, in_v, in_is;
    size_t v_start;
    /* workbook.xml and its rels */
    const char *want; /* a sheet's name, or a relationship's id */
    char found[512];  /* its relationship id, or its target */
    char names[512];  /* the sheets seen, for a message */
} parse;

bool eccn_xlsx_sniff(const unsigned char *head, size_t n)
{
    return n >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4;
}

static int stop(parse *ps, int rc, const char *what)
{
    if (ps->rc == ECCN_OK)
        ps->rc = eccn_fail(ps->err, rc, ps->x->path, 0, 0, "%s: %s", ps->part, what);
    XML_StopParser(ps->p, XML_FALSE);
    return ps->rc;
}

/* The local name of an element or attribute: "x:row" is "row". */
static const char *local(const char *name)
{
    const char *c = strrchr(name, ':');
    return c ? c + 1 : name;
}

static const char *attr(const char **atts, const char *name)
{
    for (size_t i = 0; atts[i]; i += 2)
        if (strcmp(local(atts[i]), name) == 0)
            return atts[i + 1];
    return NULL;
}

static void keep_text(parse *ps, const char *s, int n)
{
    eccn_buf *t = &ps->x->text;
    if (t->len + (size_t)n >= MAX_TEXT) {
        stop(ps, ECCN_EINPUT, "more than 512 MiB of cell text");
        return;
    }
    if (n && eccn_buf_append(t, s, (size_t)n) != ECCN_OK)
        stop(ps, ECCN_ENOMEM, "out of memory");
}

/* No DOCTYPE, so no entity can be declared, let alone expanded. */
static void XMLCALL on_doctype(void *ud, const XML_Char *name, const XML_Char *sys,
                               const XML_Char *pub, int internal)
{
    stop(ud, ECCN_EINPUT, "a DOCTYPE, which a workbook never has");
}

/* ---- workbook.xml and xl/_rels/workbook.xml.rels ---- */

static void XMLCALL wb_start(void *ud, const XML_Char *el, const XML_Char **atts)
{
    parse *ps = ud;
    const char *name = attr(atts, "name"), *id = attr(atts, "id");
    if (strcmp(local(el), "sheet") != 0 || !name || !id)
        return;
    size_t n = strlen(ps->names);
    if (n + strlen(name) + 5 < sizeof ps->names)
        snprintf(ps->names + n, sizeof ps->names - n, "%s\"%s\"", n ? ", " : "", name);
    if (!ps->found[0] && (!ps->want || strcmp(ps->want, name) == 0))
        snprintf(ps->found, sizeof ps->found, "%s", id);
}

static void XMLCALL rels_start(void *ud, const XML_Char *el, const XML_Char **atts)
{
    parse *ps = ud;
    const char *id = attr(atts, "Id"), *target = attr(atts, "Target");
    if (strcmp(local(el), "Relationship") == 0 && id && target && strcmp(id, ps->want) == 0)
        snprintf(ps->found, sizeof ps->found, "%s", target);
}

/* ---- sharedStrings.xml ---- */

static void XMLCALL ss_start(void *ud, const XML_Char *el, const XML_Char **atts)
{
    parse *ps = ud;
    const char *n = local(el);
    if (strcmp(n, "si") == 0) {
        ps->in_si = true;
        ps->si_start = ps->x->text.len;
    } else if (strcmp(n, "rPh") == 0) { /* phonetic guide: not the cell's text */
        ps->in_rph = true;
    } else if (strcmp(n, "t") == 0 && ps->in_si && !ps->in_rph) {
        ps->in_t = true;
    }
}

static void XMLCALL ss_end(void *ud, const XML_Char *el)
{
    parse *ps = ud;
    eccn_xlsx *x = ps->x;
    const char *n = local(el);
    if (strcmp(n, "t") == 0) {
        ps->in_t = false;
    } else if (strcmp(n, "rPh") == 0) {
        ps->in_rph = false;
    } else if (strcmp(n, "si") == 0 && ps->in_si) {
        ps->in_si = false;
        if (x->nstrings >= MAX_STRINGS) {
            stop(ps, ECCN_EINPUT, "more than 16M shared strings");
            return;
        }
        if (x->nstrings == x->strings_cap) {
            size_t cap = x->strings_cap ? x->strings_cap * 2 : 1024;
            size_t *o = realloc(x->str_off, cap * sizeof *o);
            if (o)
                x->str_off = o;
            size_t *l = o ? realloc(x->str_len, cap * sizeof *l) : NULL;
            if (!l) {
                stop(ps, ECCN_ENOMEM, "out of memory");
                return;
            }
            x->str_len = l;
            x->strings_cap = cap;
        }
        x->str_off[x->nstrings] = ps->si_start;
        x->str_len[x->nstrings++] = x->text.len - ps->si_start;
        keep_text(ps, "", 1); /* each string ends with a NUL in text */
    }
}

static void XMLCALL ss_chars(void *ud, const XML_Char *s, int n)
{
    parse *ps = ud;
    if (ps->in_t)
        keep_text(ps, s, n);
}

/* ---- a sheet ---- */

/* "BC12" -> column 54 (0-based); -1 when it is no cell reference. */
static int column_of(const char *ref)
{
    int col = 0, k = 0;
    for (; ref[k] >= 'A' && ref[k] <= 'Z'; k++) {
        col = col * 26 + (ref[k] - 'A' + 1);
        if (col > MAX_COLS)
            return -1;
    }
    return k ? col - 1 : -1;
}

static void XMLCALL sh_start(void *ud, const XML_Char *el, const XML_Char **atts)
{
    parse *ps = ud;
    const char *n = local(el);
    if (strcmp(n, "row") == 0) {
        const char *r = attr(atts, "r");
        long long row = r ? atoll(r) : ps->row + 1;
        if (row <= ps->row || row > MAX_ROW) {
            char m[120];
            snprintf(m, sizeof m, "row number '%.20s' out of order or past Excel's last row",
                     r ? r : "");
            stop(ps, ECCN_EINPUT, m);
            return;
        }
        ps->row = row;
        ps->next_col = 0;
    } else if (strcmp(n, "c") == 0 && ps->row > 0) {
        const char *r = attr(atts, "r"), *t = attr(atts, "t");
        int col = r ? column_of(r) : ps->next_col;
        if (col < 0 || col >= MAX_COLS) {
            char m[120];
            snprintf(m, sizeof m, "cell reference '%.20s' is not a column of a sheet", r ? r : "");
            stop(ps, ECCN_EINPUT, m);
            return;
        }
        ps->col = col;
        ps->next_col = col + 1;
        snprintf(ps->type, sizeof ps->type, "%s", t ? t : "n");
        ps->in_c = true;
        ps->v_start = ps->x->text.len;
    } else if (ps->in_c && strcmp(n, "v") == 0) {
        ps->in_v = true;
    } else if (ps->in_c && strcmp(n, "is") == 0) {
        ps->in_is = true;
    } else if (ps->in_is && strcmp(n, "rPh") == 0) {
        ps->in_rph = true;
    } else if (ps->in_is && !ps->in_rph && strcmp(n, "t") == 0) {
        ps->in_t = true;
    }
}

/* A shared string's index in the cell's text replaced by the string. */
static void shared_value(parse *ps)
{
    eccn_xlsx *x = ps->x;
    char *end = NULL;
    const char *v = x->text.data ? x->text.data + ps->v_start : "";
    unsigned long long i = x->text.len > ps->v_start ? strtoull(v, &end, 10) : 0;
    if (x->text.len == ps->v_start || *end || i >= x->nstrings) {
        char m[120];
        snprintf(m, sizeof m, "a cell names shared string '%.20s', which does not exist",
                 x->text.len > ps->v_start ? v : "");
        stop(ps, ECCN_EINPUT, m);
        return;
    }
    x->text.len = ps->v_start;
    /* keep_text may move text.data: copy from the offset, through a bounded temporary. */
    size_t off = x->str_off[i], len = x->str_len[i];
    char *copy = malloc(len + 1);
    if (!copy) {
        stop(ps, ECCN_ENOMEM, "out of memory");
        return;
    }
    memcpy(copy, x->text.data + off, len);
    keep_text(ps, copy, (int)len);
    free(copy);
}

static void end_cell(parse *ps)
{
    eccn_xlsx *x = ps->x;
    ps->in_c = ps->in_v = ps->in_is = ps->in_t = ps->in_rph = false;
    if (x->text.len == ps->v_start)
        return; /* an empty (styled) cell; text is NUL-terminated past its end (eccn_buf) */
    if (strcmp(ps->type, "s") == 0)
        shared_value(ps);
    else if (strcmp(ps->type, "b") == 0) {
        bool yes = x->text.data[ps->v_start] == '1';
        x->text.len = ps->v_start;
        keep_text(ps, yes ? "TRUE" : "FALSE", yes ? 4 : 5);
    }
    if (ps->rc != ECCN_OK || x->text.len == ps->v_start)
        return;
    cell *g = eccn_grow(x->cells, &x->cells_cap, x->ncells + 1, sizeof *g, 4096);
    if (!g) {
        stop(ps, ECCN_ENOMEM, "out of memory");
        return;
    }
    x->cells = g;
    g[x->ncells++] = (cell){ps->v_start, x->text.len - ps->v_start, ps->row, ps->col};
    keep_text(ps, "", 1);
}

static void XMLCALL sh_end(void *ud, const XML_Char *el)
{
    parse *ps = ud;
    const char *n = local(el);
    if (strcmp(n, "c") == 0 && ps->in_c)
        end_cell(ps);
    else if (strcmp(n, "v") == 0)
        ps->in_v = false;
    else if (strcmp(n, "t") == 0)
        ps->in_t = false;
    else if (strcmp(n, "rPh") == 0)
        ps->in_rph = false;
    else if (strcmp(n, "is") == 0)
        ps->in_is = false;
}

static void XMLCALL sh_chars(void *ud, const XML_Char *s, int n)
{
    parse *ps = ud;
    if (ps->in_v || ps->in_t)
        keep_text(ps, s, n);
}

/* ---- reading the parts ---- */

/* Malformed XML, where expat found it (unless a handler stopped the parse with its own error). */
static void xml_error(parse *ps, const char *name)
{
    if (ps->rc == ECCN_OK)
        ps->rc = eccn_fail(ps->err, ECCN_EINPUT, ps->x->path, 0, 0, "%s:%lu:%lu: %s", name,
                           XML_GetCurrentLineNumber(ps->p), XML_GetCurrentColumnNumber(ps->p) + 1,
                           XML_ErrorString(XML_GetErrorCode(ps->p)));
}

/* Streams part name of the archive through a parser set up by the caller. missing_ok: a part
 * that is not there is no error (a workbook without shared strings). */
static int parse_part(zip_t *z, const char *name, bool missing_ok, unsigned long long max,
                      parse *ps)
{
    zip_file_t *zf = zip_fopen(z, name, 0);
    char buf[65536];
    unsigned long long total = 0;
    zip_int64_t n = 0;
    ps->part = name;
    if (!zf)
        return missing_ok ? ECCN_OK
                          : eccn_fail(ps->err, ECCN_EINPUT, ps->x->path, 0, 0,
                                      "not a workbook: no part %s in the archive", name);
    XML_SetUserData(ps->p, ps);
    XML_SetDoctypeDeclHandler(ps->p, on_doctype, NULL);
    while (ps->rc == ECCN_OK && (n = zip_fread(zf, buf, sizeof buf)) > 0) {
        total += (unsigned long long)n;
        if (total > max) {
            stop(ps, ECCN_EINPUT, "larger than the bound for it");
            break;
        }
        if (XML_Parse(ps->p, buf, (int)n, XML_FALSE) == XML_STATUS_ERROR)
            xml_error(ps, name);
    }
    if (ps->rc == ECCN_OK && n < 0)
        ps->rc = eccn_fail(ps->err, ECCN_EINPUT, ps->x->path, 0, 0, "%s: cannot be read: %s", name,
                           zip_file_strerror(zf));
    if (ps->rc == ECCN_OK && XML_Parse(ps->p, "", 0, XML_TRUE) == XML_STATUS_ERROR)
        xml_error(ps, name);
    zip_fclose(zf);
    return ps->rc;
}

/* A fresh parser with the given handlers for each part. */
static int with_parser(parse *ps, XML_StartElementHandler start, XML_EndElementHandler end,
                       XML_CharacterDataHandler chars)
{
    if (ps->p)
        XML_ParserFree(ps->p);
    if (!(ps->p = XML_ParserCreate("UTF-8")))
        return ECCN_ENOMEM;
    XML_SetElementHandler(ps->p, start, end);
    XML_SetCharacterDataHandler(ps->p, chars);
    return ECCN_OK;
}

/* The sheet's part: named by the workbook, located by its relationships. */
static int sheet_part(zip_t *z, parse *ps, const char *sheet, char *part, size_t size)
{
    int rc;
    ps->want = sheet;
    if ((rc = with_parser(ps, wb_start, NULL, NULL)) != ECCN_OK ||
        (rc = parse_part(z, "xl/workbook.xml", false, MAX_SMALL_PART, ps)) != ECCN_OK)
        return rc;
    if (!ps->found[0])
        return eccn_fail(ps->err, ECCN_EINPUT, ps->x->path, 0, 0,
                         sheet ? "no sheet named '%s' (the workbook has %s)"
                               : "no sheet in the workbook%s%s",
                         sheet ? sheet : "", ps->names);
    char id[sizeof ps->found];
    snprintf(id, sizeof id, "%s", ps->found);
    ps->want = id;
    ps->found[0] = '\0';
    if ((rc = with_parser(ps, rels_start, NULL, NULL)) != ECCN_OK ||
        (rc = parse_part(z, "xl/_rels/workbook.xml.rels", false, MAX_SMALL_PART, ps)) != ECCN_OK)
        return rc;
    if (!ps->found[0] || strstr(ps->found, ".."))
        return eccn_fail(ps->err, ECCN_EINPUT, ps->x->path, 0, 0,
                         "the workbook's sheet '%s' has no part it can be read from", id);
    /* A target is relative to xl/, or absolute within the archive. */
    snprintf(part, size, "%s%s", ps->found[0] == '/' ? "" : "xl/",
             ps->found[0] == '/' ? ps->found + 1 : ps->found);
    return ECCN_OK;
}

int eccn_xlsx_open(const char *path, const char *sheet, eccn_xlsx **out, eccn_error *err)
{
    eccn_xlsx *x = calloc(1, sizeof *x);
    parse ps = {.x = x, .err = err};
    char part[600];
    int zerr = 0, rc = ECCN_ENOMEM;
    zip_t *z = NULL;
    *out = NULL;
    if (!x || !(x->path = eccn_strdup(path)) ||
        !(x->fields = calloc(MAX_COLS, sizeof *x->fields)) ||
        !(x->lens = calloc(MAX_COLS, sizeof *x->lens)))
        goto done;
    if (!(z = zip_open(path, ZIP_RDONLY, &zerr))) {
        zip_error_t ze;
        zip_error_init_with_code(&ze, zerr);
        rc = eccn_fail(err, ECCN_EINPUT, path, 0, 0, "not a readable workbook: %s",
                       zip_error_strerror(&ze));
        zip_error_fini(&ze);
        goto done;
    }
    if ((rc = sheet_part(z, &ps, sheet, part, sizeof part)) != ECCN_OK ||
        (rc = with_parser(&ps, ss_start, ss_end, ss_chars)) != ECCN_OK ||
        (rc = parse_part(z, "xl/sharedStrings.xml", true, MAX_XML, &ps)) != ECCN_OK ||
        (rc = with_parser(&ps, sh_start, sh_end, sh_chars)) != ECCN_OK ||
        (rc = parse_part(z, part, false, MAX_XML, &ps)) != ECCN_OK)
        goto done;
    for (size_t i = 0; i < x->ncells; i++)
        x->nrows += i == 0 || x->cells[i].row != x->cells[i - 1].row;
done:
    if (ps.p)
        XML_ParserFree(ps.p);
    if (z)
        zip_discard(z);
    if (rc != ECCN_OK)
        eccn_xlsx_close(x);
    else
        *out = x;
    return rc;
}

void eccn_xlsx_close(eccn_xlsx *x)
{
    if (!x)
        return;
    free(x->path);
    eccn_buf_free(&x->text);
    free(x->str_off);
    free(x->str_len);
    free(x->cells);
    free(x->fields);
    free(x->lens);
    free(x);
}

int eccn_xlsx_next(eccn_xlsx *x, eccn_csv_record *rec)
{
    static char empty[] = "";
    if (x->next >= x->ncells)
        return 0;
    const long long row = x->cells[x->next].row;
    size_t end = x->next, width = x->width;
    while (end < x->ncells && x->cells[end].row == row)
        end++;
    for (size_t i = x->next; i < end; i++)
        if ((size_t)x->cells[i].col + 1 > width)
            width = (size_t)x->cells[i].col + 1;
    for (size_t c = 0; c < width; c++) {
        x->fields[c] = empty;
        x->lens[c] = 0;
    }
    for (size_t i = x->next; i < end; i++) {
        x->fields[x->cells[i].col] = x->text.data + x->cells[i].off;
        x->lens[x->cells[i].col] = x->cells[i].len;
    }
    if (!x->width)
        x->width = width;
    memset(rec, 0, sizeof *rec);
    rec->nfields = width;
    rec->fields = x->fields;
    rec->lens = x->lens;
    rec->line = row;
    rec->offset = x->rows_read++;
    x->next = end;
    return 1;
}

void eccn_xlsx_seek_row(eccn_xlsx *x, long long row)
{
    /* The header sets the width: read it first, as a resumed audit has. */
    if (!x->width) {
        eccn_csv_record rec;
        eccn_xlsx_next(x, &rec);
    }
    while (x->next < x->ncells && x->cells[x->next].row < row) {
        long long r = x->cells[x->next].row;
        while (x->next < x->ncells && x->cells[x->next].row == r)
            x->next++;
        x->rows_read++;
    }
}

void eccn_xlsx_progress(const eccn_xlsx *x, long long *read, long long *total)
{
    *read = x->rows_read;
    *total = x->nrows;
}
