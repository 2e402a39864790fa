/*
 * csvr.h: a streaming RFC 4180 CSV reader. It never holds more than one record (and one read
 * buffer) in memory: quoted fields with delimiters, doubled quotes and newlines inside; CRLF, LF
 * or CR line ends; a UTF-8 byte order mark; blank lines skipped. Each record carries the physical
 * line it starts on and its byte offset, so errors name the line and a run can resume from an
 * offset.
 *
 * The reader owns the field storage; a record's fields are valid until the next call.
 */
#ifndef ECCN_CSVR_H
#define ECCN_CSVR_H

#include "util.h"

#include <stdio.h>

#define ECCN_CSV_MAX_RECORD (64u << 20) /* a longer record is an error, not an allocation */

typedef struct eccn_csv_record {
    size_t nfields;
    char **fields; /* NUL-terminated; a field never contains NUL (NUL bytes become an error) */
    size_t *lens;
    long long line;        /* physical line the record starts on, 1-based */
    long long offset;      /* byte offset of the record's first byte */
    const char *malformed; /* non-NULL: why the record's quoting is broken (the fields are a best
                              effort) */
} eccn_csv_record;

typedef struct eccn_csv eccn_csv;

/* Opens path ("-" for standard input). delim 0 sniffs , ; or tab from the first line. */
int eccn_csv_open(const char *path, char delim, eccn_csv **out, eccn_error *err);
/* The same, or when path is an Office Open XML workbook (.xlsx), the rows of its sheet named sheet
 * (NULL: the first) as records (xlsx.h): a record's line is then its row number, and seeking goes
 * by line. A sheet named for a text file is an error. */
int eccn_csv_open_sheet(const char *path, char delim, const char *sheet, eccn_csv **out,
                        eccn_error *err);
/* Reads an open stream (which stays the caller's, and is not closed); name is for messages. */
int eccn_csv_open_stream(FILE *f, const char *name, char delim, eccn_csv **out);
void eccn_csv_close(eccn_csv *c);
/* 1: a record in rec; 0: end of input; negative: an error (I/O, or a record over the limit). */
int eccn_csv_next(eccn_csv *c, eccn_csv_record *rec, eccn_error *err);
/* Continues reading at a record boundary found earlier (not for standard input). */
int eccn_csv_seek(eccn_csv *c, long long offset, long long line, eccn_error *err);
long long eccn_csv_bytes_read(const eccn_csv *c);
long long eccn_csv_size(const eccn_csv *c); /* -1 when not a regular file */
/* Is it a workbook's sheet? (Its bytes are then hashed whole, at the first record.) */
bool eccn_csv_is_workbook(const eccn_csv *c);
/* Every byte read passes through this hook (the audit hashes the file while reading it). */
void eccn_csv_on_bytes(eccn_csv *c, void (*fn)(const void *p, size_t n, void *ctx), void *ctx);

/* Does a cell start as a spreadsheet formula would (= + - @, a tab or a carriage return)? */
bool eccn_csv_formula_like(const char *s, size_t n);
/* Writes one RFC 4180 cell of n bytes, quoted when it holds a comma, quote or line end, followed
 * by a comma or, for the last cell of a record, a newline. The reader above reads it back. A
 * formula-like cell is written quoted with a leading apostrophe, so that a spreadsheet shows it
 * as text instead of running it ("=HYPERLINK(...)" from an input file must not become a link). */
void eccn_csv_write_cell(FILE *f, const char *s, size_t n, bool last);

#endif
