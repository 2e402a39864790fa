/* unit_io.c: unit tests of src/io: the output file that never destroys a record or an input.
 * `unit_io NAME` runs one test (CTest registers each name). */
#include "testing.h"
#include "csvr.h"
#include "erp.h"
#include "outfile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[96];

/* A directory of its own for each test: entries() counts what is in it. */
static void make_dir(void)
{
    static int n;
    snprintf(dir, sizeof dir, "%s/%d", make_test_dir(), n++);
    if (mkdir(dir, 0700) != 0) {
        perror(dir);
        exit(2);
    }
}

static void put(const char *name, const char *text)
{
    char p[256];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "w");
    if (!f || fputs(text, f) < 0 || fclose(f) != 0) {
        perror(p);
        exit(2);
    }
}

static bool holds(const char *name, const char *text)
{
    char p[256], got[256] = "";
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "r");
    if (!f)
        return false;
    size_t n = fread(got, 1, sizeof got - 1, f);
    fclose(f);
    got[n] = '\0';
    return strcmp(got, text) == 0;
}

/* Entries in dir other than . and .. (a left-over temporary file shows here). */
static int entries(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "ls -A '%s' | wc -l", dir);
    FILE *p = popen(cmd, "r");
    int n = -1;
    if (p && fscanf(p, "%d", &n) != 1)
        n = -1;
    if (p)
        pclose(p);
    return n;
}

/* Opens name in dir with the ledger protected; returns the status. */
static int try_open(const char *name, bool force, eccn_outfile *o, eccn_error *err)
{
    char p[256], ledger[256], input[256];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    snprintf(ledger, sizeof ledger, "%s/ledger.db", dir);
    snprintf(input, sizeof input, "%s/in.csv", dir);
    const char *protect[] = {ledger, input, NULL};
    return eccn_outfile_open(p, protect, 3, force, o, err);
}

static void test_write_and_commit(void)
{
    make_dir();
    eccn_outfile o;
    eccn_error err = {0};
    CHECK(try_open("out.csv", false, &o, &err) == ECCN_OK);
    fputs("a,b\n", o.f);
    CHECK(!holds("out.csv", "a,b\n")); /* nothing in place before commit */
    CHECK(eccn_outfile_commit(&o, &err) == ECCN_OK);
    CHECK(holds("out.csv", "a,b\n"));
    CHECK(entries() == 1); /* no temporary file left */
    /* An existing file is replaced only with force. */
    CHECK(try_open("out.csv", false, &o, &err) == ECCN_EINPUT);
    CHECK(strstr(err.msg, "--force") != NULL);
    CHECK(try_open("out.csv", true, &o, &err) == ECCN_OK);
    fputs("c\n", o.f);
    CHECK(eccn_outfile_commit(&o, &err) == ECCN_OK);
    CHECK(holds("out.csv", "c\n"));
    /* Abort leaves the old file and no temporary one. */
    CHECK(try_open("out.csv", true, &o, &err) == ECCN_OK);
    fputs("torn", o.f);
    eccn_outfile_abort(&o);
    CHECK(holds("out.csv", "c\n"));
    CHECK(entries() == 1);
}

static void test_refuses_records_and_inputs(void)
{
    make_dir();
    put("ledger.db", "L");
    put("ledger.db-wal", "W");
    put("in.csv", "I");
    eccn_outfile o;
    eccn_error err = {0};
    /* The ledger, its log, its shared memory (not there yet) and the input, even with force. */
    const char *names[] = {"ledger.db", "ledger.db-wal", "ledger.db-shm", "ledger.db-journal",
                           "in.csv"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        CHECK(try_open(names[i], true, &o, &err) == ECCN_EINPUT);
        CHECK(strstr(err.msg, "refusing") != NULL);
    }
    /* The same file under another name: a hard link, and a path through "./". */
    char a[256], b[256];
    snprintf(a, sizeof a, "%s/ledger.db", dir);
    snprintf(b, sizeof b, "%s/hard", dir);
    CHECK(link(a, b) == 0);
    CHECK(try_open("hard", true, &o, &err) == ECCN_EINPUT);
    CHECK(try_open("./ledger.db", true, &o, &err) == ECCN_EINPUT);
    /* A symbolic link, to anything, and a directory. */
    snprintf(b, sizeof b, "%s/link", dir);
    CHECK(symlink("elsewhere", b) == 0);
    CHECK(try_open("link", true, &o, &err) == ECCN_EINPUT);
    CHECK(strstr(err.msg, "symbolic link") != NULL);
    CHECK(try_open(".", true, &o, &err) == ECCN_EINPUT);
    CHECK(holds("ledger.db", "L") && holds("ledger.db-wal", "W") && holds("in.csv", "I"));
    CHECK(entries() == 5); /* ledger, wal, input, hard link, symlink: nothing created */
}

static void test_quantities(void)
{
    long long q = 0;
    const char *why = NULL;
    const struct {
        const char *text;
        long long want; /* 0: refused */
    } cases[] = {
        {"16", 16},
        {" 16.00 ", 16},
        {"1,024", 1024},
        {"1,024.000", 1024},
        {"12,345,678", 12345678},
        {"1", 1},
        {"0", 0},
        {"16.5", 0},
        {"1,02", 0},
        {"1,0244", 0},
        {",100", 0},
        {"1000,000", 0},
        {"16.", 0},
        {"-3", 0},
        {"", 0},
        {"10 units", 0},
        {"1.024", 0}, /* European grouping or a fraction: refused rather than guessed */
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        bool ok = eccn_erp_quantity(cases[i].text, strlen(cases[i].text), &q, &why);
        CHECK(ok == (cases[i].want != 0));
        if (ok)
            CHECK(q == cases[i].want);
        if (!ok && ok != (cases[i].want != 0))
            fprintf(stderr, "  quantity '%s'\n", cases[i].text);
    }
    CHECK(!eccn_erp_quantity("16.5", 4, &q, &why) && strstr(why, "fractional"));
}

static bool date_is(const char *text, eccn_datefmt f, const char *want)
{
    eccn_date d;
    char out[11];
    if (!eccn_erp_date(text, strlen(text), f, &d))
        return want == NULL;
    eccn_date_format(d, out);
    return want && strcmp(out, want) == 0;
}

static void test_dates(void)
{
    CHECK(date_is("2024-02-01", ECCN_DATEFMT_NONE, "2024-02-01"));
    CHECK(date_is("2024/02/01 13:45:00", ECCN_DATEFMT_MDY, "2024-02-01"));
    CHECK(date_is("2024-02-01T00:00:00Z", ECCN_DATEFMT_DMY, "2024-02-01"));
    CHECK(date_is("12/01/2024", ECCN_DATEFMT_MDY, "2024-12-01"));
    CHECK(date_is("12/01/2024", ECCN_DATEFMT_DMY, "2024-01-12"));
    CHECK(date_is("12/01/2024", ECCN_DATEFMT_NONE, NULL)); /* undecided: no guess */
    CHECK(date_is("31.12.24", ECCN_DATEFMT_DMY, "2024-12-31"));
    CHECK(date_is("02/30/2024", ECCN_DATEFMT_MDY, NULL)); /* no 30 February */
    CHECK(date_is("12/01-2024", ECCN_DATEFMT_MDY, NULL)); /* mixed separators */
    /* Excel's serial days: 45292 is 2024-01-01 in the 1900 date system (Excel shows it so). */
    CHECK(date_is("45292", ECCN_DATEFMT_NONE, "2024-01-01"));
    CHECK(date_is("45292.75", ECCN_DATEFMT_NONE, "2024-01-01"));
    CHECK(date_is("61", ECCN_DATEFMT_NONE, "1900-03-01"));
    CHECK(date_is("2024", ECCN_DATEFMT_NONE, "1905-07-16")); /* a serial: before any rule */
}

static int decide(const char *const *dates, size_t n, eccn_datefmt *f, eccn_error *err)
{
    eccn_datefmt_votes v = {0};
    for (size_t i = 0; i < n; i++)
        eccn_datefmt_observe(&v, dates[i], strlen(dates[i]));
    return eccn_datefmt_decide(&v, f, err);
}

static void test_date_format_decided_once(void)
{
    eccn_datefmt f;
    eccn_error err = {0};
    const char *us[] = {"12/01/2024", "01/05/2024", "", "02/28/2024", "2024-03-01", "45292"};
    CHECK(decide(us, 6, &f, &err) == ECCN_OK && f == ECCN_DATEFMT_MDY);
    const char *eu[] = {"12/01/2024", "28/02/2024", "not a date"};
    CHECK(decide(eu, 3, &f, &err) == ECCN_OK && f == ECCN_DATEFMT_DMY);
    const char *either[] = {"12/01/2024", "01/05/2024", "03/04/2024"};
    CHECK(decide(either, 3, &f, &err) == ECCN_EINPUT && strstr(err.msg, "--date-format"));
    CHECK(strstr(err.msg, "3 dates") != NULL);
    const char *mixed[] = {"28/02/2024", "02/28/2024"};
    CHECK(decide(mixed, 2, &f, &err) == ECCN_EINPUT && strstr(err.msg, "mix"));
    const char *iso[] = {"2024-01-05", "2024-12-01"};
    CHECK(decide(iso, 2, &f, &err) == ECCN_OK && f == ECCN_DATEFMT_ISO);
    CHECK(eccn_datefmt_parse("mdy", &f) && f == ECCN_DATEFMT_MDY && !eccn_datefmt_parse("us", &f));
}

/* The cells as written, each into one record. */
static void csv_written(const char *const *cells, size_t n, char *out, size_t cap)
{
    FILE *f = fmemopen(out, cap, "w");
    for (size_t i = 0; f && i < n; i++)
        eccn_csv_write_cell(f, cells[i], strlen(cells[i]), i + 1 == n);
    if (f)
        fclose(f);
}

static void test_csv_formula_cells(void)
{
    char out[256];
    const char *cells[] = {
        "=HYPERLINK(\"http://x\",\"y\")", "+cmd", "-2+3", "@SUM(A1)", "\tx", "H100", "a,b"};
    csv_written(cells, 7, out, sizeof out);
    CHECK(strcmp(out,
                 "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",\"'+cmd\",\"'-2+3\",\"'@SUM(A1)\","
                 "\"'\tx\",H100,\"a,b\"\n") == 0);
    CHECK(!eccn_csv_formula_like("H=1", 3) && eccn_csv_formula_like("\r", 1));
}

static const test_case TESTS[] = {
    {"csv_formula_cells", test_csv_formula_cells},
    {"erp_quantities", test_quantities},
    {"erp_dates", test_dates},
    {"erp_date_format", test_date_format_decided_once},
    {"outfile_commit", test_write_and_commit},
    {"outfile_refuses", test_refuses_records_and_inputs},
};

int main(int argc, char **argv)
{
    return run_tests(TESTS, sizeof TESTS / sizeof *TESTS, argc, argv);
}
