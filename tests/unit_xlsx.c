/* unit_xlsx.c: the .xlsx reader (src/io/xlsx.c) on workbooks built here with libzip: what it reads
 * of a sheet, and the hostile workbooks it refuses without reading past its bounds.
 * `unit_xlsx NAME` runs one test (CTest registers each name). */
#include "testing.h"
#include "csvr.h"
#include "xlsx.h"

#include <stdio.h>
#include <string.h>
#include <zip.h>

#define NS "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\""
#define WORKBOOK                                                                                   \
    "<workbook " NS " xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/"            \
    "relationships\"><sheets><sheet name=\"One\" sheetId=\"1\" r:id=\"rId1\"/>"                    \
    "<sheet name=\"Two\" sheetId=\"2\" r:id=\"rId2\"/></sheets></workbook>"
#define RELS                                                                                       \
    "<Relationships><Relationship Id=\"rId1\" Target=\"worksheets/sheet1.xml\"/>"                  \
    "<Relationship Id=\"rId2\" Target=\"/xl/worksheets/sheet2.xml\"/></Relationships>"
#define STRINGS                                                                                    \
    "<sst " NS "><si><t>sku</t></si><si><t>country</t></si><si><r><t>H1</t></r><r><t>00</t></r>"   \
    "<rPh><t>phonetic</t></rPh></si></sst>"

static char path[256];

/* Writes a workbook of the given parts (NULL: the part is left out). */
static void book(const char *workbook, const char *rels, const char *strings, const char *sheet1)
{
    static int n;
    snprintf(path, sizeof path, "%s/book%d.xlsx", make_test_dir(), n++);
    int zerr;
    zip_t *z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &zerr);
    const char *names[] = {"xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/sharedStrings.xml",
                           "xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml"};
    const char *parts[] = {workbook, rels, strings, sheet1,
                           "<worksheet><sheetData><row r=\"9\"><c t=\"inlineStr\"><is><t>two</t>"
                           "</is></c></row></sheetData></worksheet>"};
    CHECK(z != NULL);
    for (size_t i = 0; z && i < sizeof names / sizeof *names; i++) {
        if (!parts[i])
            continue;
        zip_source_t *s = zip_source_buffer(z, parts[i], strlen(parts[i]), 0);
        CHECK(s && zip_file_add(z, names[i], s, ZIP_FL_OVERWRITE) >= 0);
    }
    CHECK(z && zip_close(z) == 0);
}

static int open_sheet(const char *sheet, eccn_xlsx **x, eccn_error *err)
{
    memset(err, 0, sizeof *err);
    return eccn_xlsx_open(path, sheet, x, err);
}

static void test_rows(void)
{
    book(WORKBOOK, RELS, STRINGS,
         "<worksheet " NS "><sheetData>"
         "<row r=\"2\"><c r=\"A2\" t=\"s\"><v>0</v></c><c r=\"B2\" t=\"s\"><v>1</v></c></row>"
         "<row r=\"3\"><c r=\"A3\" t=\"s\"><v>2</v></c><c r=\"B3\" s=\"4\"/></row>"
         "<row r=\"4\"><c r=\"B4\" s=\"1\"/></row>" /* styled, empty: no row */
         "<row r=\"6\"><c r=\"B6\" t=\"b\"><v>1</v></c><c r=\"C6\"><v>45365</v></c></row>"
         "</sheetData></worksheet>");
    eccn_xlsx *x = NULL;
    eccn_error err;
    eccn_csv_record rec;
    CHECK(open_sheet(NULL, &x, &err) == ECCN_OK);
    if (!x)
        return;
    CHECK(eccn_xlsx_next(x, &rec) == 1 && rec.line == 2 && rec.nfields == 2 &&
          strcmp(rec.fields[0], "sku") == 0 && strcmp(rec.fields[1], "country") == 0);
    /* rich runs joined, the phonetic guide left out; a missing cell is empty, not absent */
    CHECK(eccn_xlsx_next(x, &rec) == 1 && rec.line == 3 && rec.nfields == 2 &&
          strcmp(rec.fields[0], "H100") == 0 && rec.lens[0] == 4 && rec.lens[1] == 0);
    /* the row past the header's width keeps its extra cell (the audit says so) */
    CHECK(eccn_xlsx_next(x, &rec) == 1 && rec.line == 6 && rec.nfields == 3 && rec.lens[0] == 0 &&
          strcmp(rec.fields[1], "TRUE") == 0 && strcmp(rec.fields[2], "45365") == 0);
    CHECK(eccn_xlsx_next(x, &rec) == 0);
    eccn_xlsx_close(x);
    /* a sheet by name, its target absolute in the archive */
    CHECK(open_sheet("Two", &x, &err) == ECCN_OK && x);
    CHECK(x && eccn_xlsx_next(x, &rec) == 1 && rec.line == 9 && strcmp(rec.fields[0], "two") == 0);
    eccn_xlsx_close(x);
    CHECK(open_sheet("Three", &x, &err) == ECCN_EINPUT && !x &&
          strstr(err.msg, "\"One\", \"Two\""));
}

static void test_seek_row(void)
{
    book(WORKBOOK, RELS, NULL,
         "<worksheet><sheetData><row r=\"1\"><c t=\"inlineStr\"><is><t>h</t></is></c></row>"
         "<row r=\"5\"><c><v>5</v></c></row><row r=\"7\"><c><v>7</v></c></row>"
         "<row r=\"8\"><c><v>8</v></c></row></sheetData></worksheet>");
    eccn_xlsx *x = NULL;
    eccn_error err;
    eccn_csv_record rec;
    long long read, total;
    CHECK(open_sheet(NULL, &x, &err) == ECCN_OK && x);
    if (!x)
        return;
    CHECK(eccn_xlsx_next(x, &rec) == 1 && rec.line == 1);
    eccn_xlsx_seek_row(x, 6); /* no row 6: the next one */
    CHECK(eccn_xlsx_next(x, &rec) == 1 && rec.line == 7 && strcmp(rec.fields[0], "7") == 0);
    eccn_xlsx_progress(x, &read, &total);
    CHECK(read == 3 && total == 4);
    eccn_xlsx_close(x);
}

/* Each refused with ECCN_EINPUT and a message naming what is wrong, nothing returned. */
static void refused(const char *why, const char *workbook, const char *rels, const char *strings,
                    const char *sheet)
{
    eccn_xlsx *x = NULL;
    eccn_error err;
    book(workbook, rels, strings, sheet);
    int rc = open_sheet(NULL, &x, &err);
    if (rc != ECCN_EINPUT || x || !strstr(err.msg, why)) {
        fprintf(stderr, "  wanted '%s', got %d: %s\n", why, rc, err.msg);
        CHECK(!"refused");
    }
    eccn_xlsx_close(x);
}

static void test_hostile(void)
{
    refused("DOCTYPE", WORKBOOK, RELS, NULL,
            "<!DOCTYPE w [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;\">]>"
            "<worksheet><sheetData><row><c t=\"inlineStr\"><is><t>&b;</t></is></c></row>"
            "</sheetData></worksheet>");
    refused("shared string '7'", WORKBOOK, RELS, STRINGS,
            "<worksheet><sheetData><row><c t=\"s\"><v>7</v></c></row></sheetData></worksheet>");
    refused("shared string '-1'", WORKBOOK, RELS, STRINGS,
            "<worksheet><sheetData><row><c t=\"s\"><v>-1</v></c></row></sheetData></worksheet>");
    refused("not a column", WORKBOOK, RELS, NULL,
            "<worksheet><sheetData><row><c r=\"AAAA1\"><v>1</v></c></row></sheetData></worksheet>");
    refused("out of order", WORKBOOK, RELS, NULL,
            "<worksheet><sheetData><row r=\"5\"/><row r=\"3\"/></sheetData></worksheet>");
    refused("out of order", WORKBOOK, RELS, NULL,
            "<worksheet><sheetData><row r=\"99999999999\"/></sheetData></worksheet>");
    refused("no part xl/workbook.xml", NULL, RELS, NULL, "<worksheet/>");
    refused("no sheet in the workbook", "<workbook/>", RELS, NULL, "<worksheet/>");
    refused("no part it can be read from", WORKBOOK,
            "<Relationships><Relationship Id=\"rId1\" Target=\"../../etc/passwd\"/>"
            "</Relationships>",
            NULL, "<worksheet/>");
    refused("sheet1.xml:1:", WORKBOOK, RELS, NULL, "<worksheet><sheetData><row>");
    /* not an archive at all */
    FILE *f = fopen(path, "w");
    eccn_xlsx *x = NULL;
    eccn_error err;
    CHECK(f && fputs("PK\003\004 and nothing more", f) >= 0 && fclose(f) == 0);
    CHECK(open_sheet(NULL, &x, &err) == ECCN_EINPUT && !x && strstr(err.msg, "workbook"));
}

static const test_case TESTS[] = {
    {"rows", test_rows},
    {"seek_row", test_seek_row},
    {"hostile", test_hostile},
};

int main(int argc, char **argv)
{
    return run_tests(TESTS, sizeof TESTS / sizeof *TESTS, argc, argv);
}
