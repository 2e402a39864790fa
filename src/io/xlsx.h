/*
 * xlsx.h: the rows of one worksheet of an Office Open XML workbook (.xlsx), as records like the
 * CSV reader's (csvr.h), so that an audit reads a spreadsheet as it reads a CSV export. The first
 * sheet, or the one named; cells as Excel stores them: shared strings, inline strings, numbers
 * (dates are serial day numbers: erp.h reads them), booleans and error values. Each record
 * carries the row number Excel shows, so errors name the row the user sees; empty rows are
 * skipped as blank lines are in a CSV.
 *
 * The archive (libzip) and its XML (expat, streamed) are untrusted: every size is bounded (the
 * text kept, the XML read, the number of shared strings, columns and rows), counts in the file are
 * never trusted for allocation, and a DOCTYPE is refused (no entity expansion).
 */
#ifndef ECCN_XLSX_H
#define ECCN_XLSX_H

#include "csvr.h"
#include "util.h"

typedef struct eccn_xlsx eccn_xlsx;

/* Does the file start as a ZIP archive does (an .xlsx is one)? */
bool eccn_xlsx_sniff(const unsigned char *head, size_t n);
/* Reads the sheet named sheet (NULL: the first) of path. ECCN_EINPUT naming what is wrong when
 * path is no workbook, has no such sheet (the message lists those it has) or exceeds a bound. */
int eccn_xlsx_open(const char *path, const char *sheet, eccn_xlsx **out, eccn_error *err);
void eccn_xlsx_close(eccn_xlsx *x);
/* 1: the next non-empty row in rec (valid until the next call; line is its row number, offset
 * its index among the rows); 0: the end. The first row read sets the width: later rows have at
 * least as many fields, missing cells being empty. */
int eccn_xlsx_next(eccn_xlsx *x, eccn_csv_record *rec);
/* Goes on from the first row numbered row or more (resuming an audit). */
void eccn_xlsx_seek_row(eccn_xlsx *x, long long row);
/* Rows read and rows in all. */
void eccn_xlsx_progress(const eccn_xlsx *x, long long *read, long long *total);

#endif
