/* unit.c: unit tests of the library modules. Each test is a function; `unit NAME` runs one (CTest
 * registers each name), `unit` runs all. A failed CHECK prints the expression and line. */
#include "testing.h"
#include "catalog.h"
#include "cond.h"
#include "csvr.h"
#include "eval.h"
#include "jsonw.h"
#include "rules.h"
#include "spec.h"
#include "util.h"
#include "ydoc.h"

#include <dirent.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char *rules_dir = SRC_DIR "/rules", *data_dir = SRC_DIR "/data";

/* The UTC timestamp written into the ledger is what gmtime_r and strftime would write. */
static void utc_now_matches_gmtime(void)
{
    char ours[21], before[21], after[21];
    struct tm tm;
    time_t t = time(NULL);
    strftime(before, sizeof before, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&t, &tm));
    eccn_utc_now(ours);
    t = time(NULL);
    strftime(after, sizeof after, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&t, &tm));
    CHECK(strcmp(ours, before) == 0 || strcmp(ours, after) == 0);
}

static void test_dates(void)
{
    eccn_date d;
    char out[11];
    utc_now_matches_gmtime();
    CHECK(eccn_date_parse("2023-11-17", 10, &d));
    eccn_date_format(d, out);
    CHECK(strcmp(out, "2023-11-17") == 0);
    int ymd = 0;
    eccn_date d2;
    CHECK(eccn_date_parse_ymd("2023-11-17", 10, &d2, &ymd) && d2 == d && ymd == 20231117 &&
          eccn_date_ymd(d) == ymd);
    CHECK(!eccn_date_parse_ymd("2023-02-29", 10, &d2, &ymd));
    CHECK(eccn_date_parse("2024-02-29", 10, &d));
    eccn_ymd_format(eccn_date_ymd(d), out); /* the ledger's integer form, and back */
    CHECK(eccn_date_ymd(d) == 20240229 && strcmp(out, "2024-02-29") == 0);
    eccn_ymd_format(0, out);
    CHECK(out[0] == '\0');
    CHECK(!eccn_date_parse("2023-02-29", 10, &d));
    CHECK(!eccn_date_parse("2023-13-01", 10, &d));
    CHECK(!eccn_date_parse("2023-1-01", 9, &d));
    CHECK(!eccn_date_parse("2023/01/01", 10, &d));
    eccn_date a, b;
    eccn_date_parse("2023-12-31", 10, &a);
    eccn_date_parse("2024-01-01", 10, &b);
    CHECK(b - a == 1);
}

static void test_spec(void)
{
    eccn_spec s;
    eccn_error err = {0};
    CHECK(eccn_spec_parse("fp8=1979,fp16=989.5,die_area=814,datacenter=yes", &s, &err) == 0);
    eccn_metrics_derive(&s);
    CHECK(eccn_spec_has(&s, ECCN_M_TPP) && s.v[ECCN_M_TPP] == 15832);
    CHECK(fabs(s.v[ECCN_M_PD] - 15832.0 / 814) < 1e-9);
    CHECK(s.flag[ECCN_FLAG_DATACENTER] == 1);
    /* TF32 counts 19 bits: it never beats FP16 at twice its rate. */
    CHECK(eccn_spec_parse("tf32=100", &s, &err) == 0);
    eccn_metrics_derive(&s);
    CHECK(s.v[ECCN_M_TPP] == 1900);
    /* A TPP given directly is used as given. */
    CHECK(eccn_spec_parse("tpp=2368,fp8=1000", &s, &err) == 0);
    eccn_metrics_derive(&s);
    CHECK(s.v[ECCN_M_TPP] == 2368);
    /* I/O is the sum of chip-to-chip and host links, unknown when either is. */
    CHECK(eccn_spec_parse("interconnect=400,pcie=64", &s, &err) == 0);
    eccn_metrics_derive(&s);
    CHECK(s.v[ECCN_M_IO_BW] == 464);
    CHECK(eccn_spec_parse("interconnect=400", &s, &err) == 0);
    eccn_metrics_derive(&s);
    CHECK(!eccn_spec_has(&s, ECCN_M_IO_BW));
    CHECK(!eccn_spec_has(&s, ECCN_M_PD));
    /* Bad specs name the key and value. */
    CHECK(eccn_spec_parse("fp8=fast", &s, &err) == ECCN_EINPUT && strstr(err.msg, "fp8") &&
          strstr(err.msg, "fast"));
    CHECK(eccn_spec_parse("fp8=-1", &s, &err) == ECCN_EINPUT);
    CHECK(eccn_spec_parse("fp8=nan", &s, &err) == ECCN_EINPUT);
    CHECK(eccn_spec_parse("fp8=1e999", &s, &err) == ECCN_EINPUT);
    CHECK(eccn_spec_parse("warp=9", &s, &err) == ECCN_EINPUT && strstr(err.msg, "warp"));
    CHECK(eccn_spec_parse("fp8=1,fp8=2", &s, &err) == ECCN_EINPUT);
    CHECK(eccn_spec_parse("datacenter=maybe", &s, &err) == ECCN_EINPUT);
}

static void test_yaml_errors(void)
{
    ydoc *doc = NULL;
    eccn_error err = {0};
    const char *bad = "act:\n  id: x\n  title: [unclosed\n";
    CHECK(ydoc_load_mem("bad.yaml", (const unsigned char *)bad, strlen(bad), &doc, &err) ==
          ECCN_EINPUT);
    CHECK(strcmp(err.file, "bad.yaml") == 0 && err.line >= 3 && err.col > 0);
    const char *bomb = "a: &x [1, 2]\nb: *x\n";
    CHECK(ydoc_load_mem("bomb.yaml", (const unsigned char *)bomb, strlen(bomb), &doc, &err) ==
          ECCN_EINPUT);
    CHECK(strstr(err.msg, "anchors") || strstr(err.msg, "aliases"));
    /* A key given twice: an error at the second, naming the first (YAML readers differ on which
     * wins). The same key in two different mappings is fine. */
    const char *dup = "act:\n  id: x\n  title: t\n  id: y\n";
    CHECK(ydoc_load_mem("dup.yaml", (const unsigned char *)dup, strlen(dup), &doc, &err) ==
          ECCN_EINPUT);
    CHECK(err.line == 4 && err.col == 3 && strstr(err.msg, "duplicate key 'id'") &&
          strstr(err.msg, "line 2"));
    const char *twice = "a: {id: 1}\nb: {id: 2}\n";
    CHECK(ydoc_load_mem("twice.yaml", (const unsigned char *)twice, strlen(twice), &doc, &err) ==
          ECCN_OK);
    ydoc_free(doc);
    eccn_buf deep = {0};
    for (int i = 0; i < 200; i++)
        eccn_buf_puts(&deep, "[");
    CHECK(ydoc_load_mem("deep.yaml", (const unsigned char *)deep.data, deep.len, &doc, &err) ==
          ECCN_EINPUT);
    eccn_buf_free(&deep);
    /* An empty document is no error and has no root (fuzz_cond's first finding: UB on it). */
    CHECK(ydoc_load_mem("empty.yaml", (const unsigned char *)"", 0, &doc, &err) == 0);
    CHECK(doc && doc->root == NULL);
    ydoc_free(doc);
    const char *ok = "a:\n  - b: 1\n";
    CHECK(ydoc_load_mem("ok.yaml", (const unsigned char *)ok, strlen(ok), &doc, &err) == 0);
    const ynode *a = ynode_get(doc->root, "a");
    CHECK(a && a->kind == YN_SEQ && a->line == 2);
    ydoc_free(doc);
}

/* A rule file with a mistake is refused with its file, line and column. */
static void test_rule_errors(void)
{
    char dir[] = "/tmp/eccn-unit-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char path[256];
    snprintf(path, sizeof path, "%s/x.yaml", dir);
    FILE *f = fopen(path, "w");
    fputs("act: {id: t, title: t, citation: c, source: 'https://example.org'}\n"
          "provisions:\n"
          "  - id: t/1\n"
          "    kind: classification\n"
          "    eccn: 3A090.a\n"
          "    title: t\n"
          "    citation: c\n"
          "    effective: 2023-02-30\n"
          "    when: {metric: tpp, op: '>=', value: 1}\n",
          f);
    fclose(f);
    eccn_ruleset *rs = NULL;
    eccn_error err = {0};
    CHECK(eccn_ruleset_open(dir, data_dir, NULL, 0, &rs, &err) == ECCN_EINPUT);
    CHECK(strstr(err.file, "x.yaml") && err.line == 8 && strstr(err.msg, "effective"));
    f = fopen(path, "w");
    fputs("act: {id: t, title: t, citation: c, source: 'https://example.org'}\n"
          "provisions:\n"
          "  - {id: t/1, kind: license, title: t, citation: c, effective: 2023-01-01,\n"
          "     when: {destination: {in: [XX]}}}\n",
          f);
    fclose(f);
    CHECK(eccn_ruleset_open(dir, data_dir, NULL, 0, &rs, &err) == ECCN_EINPUT);
    CHECK(strstr(err.msg, "XX") && err.line == 4);
    unlink(path);
    rmdir(dir);
}

/* Numbers are written in the shortest form that reads back as the same double. */
static void test_json_numbers(void)
{
    const double v[] = {
        0,      -0.0,   4800,    -3,        999999, 1e6,      1e15,      5.92,
        0.1,    2368.5, 1.0 / 3, 0.1 + 0.2, 1.5e-7, 123456.7, 1234567.5, 19.44963144963145,
        5e-324, NAN};
    eccn_buf out = {0};
    jsonw w;
    jsonw_init(&w, &out);
    jsonw_arr_begin(&w);
    for (size_t i = 0; i < sizeof v / sizeof *v; i++)
        jsonw_num(&w, v[i]);
    jsonw_arr_end(&w);
    CHECK(w.status == ECCN_OK && out.data &&
          strcmp(out.data, "[0,-0,4800,-3,999999,1e+06,1e+15,5.92,0.1,2368.5,"
                           "0.3333333333333333,0.30000000000000004,1.5e-07,123456.7,1234567.5,"
                           "19.44963144963145,4.94066e-324,null]") == 0);
    eccn_buf_free(&out);
}

/* JSON strings: quotes, backslashes and control characters escaped, and < > & too, so that JSON
 * embedded in an HTML report cannot close its tag. */
static void test_json_escape(void)
{
    static const char in[] = "a\"b\\c\n\r\t\x01\x1f</script>&\xc3\xa9";
    eccn_buf out = {0};
    CHECK(jsonw_escape(&out, in, sizeof in - 1) == ECCN_OK && out.data &&
          strcmp(out.data, "\"a\\\"b\\\\c\\n\\r\\t\\u0001\\u001f\\u003c/script\\u003e"
                           "\\u0026\xc3\xa9\"") == 0);
    eccn_buf_free(&out);
}

/* A country code given twice is refused at the second entry, wherever the two stand. */
static void test_duplicate_country(void)
{
    static const char countries[] = "countries:\n"
                                    "  - {code: DE, names: [Germany]}\n"
                                    "  - {code: UA, names: [Ukraine]}\n"
                                    "  - {code: FR, names: [France]}\n"
                                    "  - {code: DE, names: [Deutschland]}\n"
                                    "regions:\n"
                                    "  - {code: UA-43, names: [Crimea], parent: UA}\n",
                      groups[] = "groups: []\n";
    ydoc *c = NULL, *g = NULL;
    eccn_geo *geo = NULL;
    eccn_error err = {0};
    CHECK(ydoc_load_mem("countries.yaml", (const unsigned char *)countries, sizeof countries - 1,
                        &c, &err) == ECCN_OK);
    CHECK(ydoc_load_mem("groups.yaml", (const unsigned char *)groups, sizeof groups - 1, &g,
                        &err) == ECCN_OK);
    if (c && g) {
        CHECK(eccn_geo_load(c, g, &geo, &err) == ECCN_EINPUT && !geo);
        CHECK(strstr(err.msg, "duplicate code") && err.line == 5 && err.col == 5);
    }
    eccn_geo_free(geo);
    ydoc_free(c);
    ydoc_free(g);
}

static eccn_ruleset *load(void)
{
    eccn_ruleset *rs = NULL;
    eccn_error err = {0};
    if (eccn_ruleset_open(rules_dir, data_dir, NULL, 0, &rs, &err) != 0) {
        fprintf(stderr, "cannot load rules: %s\n", err.msg);
        exit(1);
    }
    return rs;
}

static const char *resolve(eccn_ruleset *rs, const char *text, int *rc)
{
    const eccn_part *p = NULL;
    static eccn_error err;
    *rc = eccn_catalog_resolve(rs->cat, text, &p, &err);
    return p ? p->id : err.msg;
}

static void test_resolution(void)
{
    eccn_ruleset *rs = load();
    int rc;
    CHECK(strcmp(resolve(rs, "NVIDIA H100 80GB HBM3 SXM5", &rc), "h100-sxm5-80gb") == 0);
    CHECK(strcmp(resolve(rs, "H100-SXM5-80G", &rc), "h100-sxm5-80gb") == 0);
    CHECK(strcmp(resolve(rs, "HGX H100 8 GPU, SXM5 80GB HBM3", &rc), "hgx-h100-8gpu") == 0);
    CHECK(strcmp(resolve(rs, "935-24287-0000-000", &rc), "hgx-h100-8gpu") == 0);
    CHECK(strcmp(resolve(rs, "board 900-21010-0000-000 spare", &rc), "h100-pcie-80gb") == 0);
    CHECK(strcmp(resolve(rs, "NVIDIA L40", &rc), "l40") == 0);
    CHECK(strcmp(resolve(rs, "NVIDIA L40S", &rc), "l40s") == 0);
    CHECK(strcmp(resolve(rs, "GeForce RTX 4090 D", &rc), "rtx-4090-d") == 0);
    CHECK(strcmp(resolve(rs, "GeForce RTX 4090D", &rc), "rtx-4090-d") == 0);
    CHECK(strcmp(resolve(rs, "GeForce RTX 4090 24GB", &rc), "rtx-4090") == 0);
    CHECK(strcmp(resolve(rs, "nvidia h20", &rc), "h20") == 0);
    const char *amb = resolve(rs, "A100", &rc);
    CHECK(rc == ECCN_EINPUT && strstr(amb, "ambiguous") && strstr(amb, "a100-pcie-80gb"));
    const char *unk = resolve(rs, "H1OO", &rc);
    CHECK(rc == ECCN_ENOTFOUND && strstr(unk, "nearest"));
    eccn_ruleset_free(rs);
}

static void test_three_valued(void)
{
    eccn_ruleset *rs = load();
    eccn_query q = {0};
    eccn_result r;
    eccn_error err = {0};
    eccn_date_parse("2024-06-01", 10, &q.date);
    eccn_spec_parse("tpp=3000,datacenter=yes", &q.spec, &err);
    CHECK(eccn_evaluate(rs, &q, &r, &err) == 0 && r.status == ECCN_ST_INDETERMINATE);
    eccn_result_free(&r);
    eccn_spec_parse("tpp=3000,datacenter=no", &q.spec, &err);
    CHECK(eccn_evaluate(rs, &q, &r, &err) == 0 && r.status == ECCN_ST_NOT_CONTROLLED);
    eccn_result_free(&r);
    eccn_spec_parse("tpp=6000", &q.spec, &err);
    CHECK(eccn_evaluate(rs, &q, &r, &err) == 0 && strcmp(r.eccn, "3A090.a") == 0);
    eccn_result_free(&r);
    /* The margin of a failed test is reported: TPP 2368 is 32 short of 2400. */
    eccn_spec_parse("tpp=2368,die_area=814,datacenter=yes", &q.spec, &err);
    CHECK(eccn_evaluate(rs, &q, &r, &err) == 0 && r.status == ECCN_ST_NOT_CONTROLLED);
    bool found = false;
    for (size_t i = 0; i < r.trace.n; i++)
        found |= strstr(r.trace.tests[i].text, "TPP 2368 < 2400") &&
                 strstr(r.trace.tests[i].text, "32 short");
    CHECK(found);
    eccn_result_free(&r);
    /* Effective-date selection: the 2022 rule before 2023-11-17, the 2023 rule from it. */
    eccn_date_parse("2023-11-16", 10, &q.date);
    eccn_spec_parse("tpp=5000,io_bw=700", &q.spec, &err);
    CHECK(eccn_evaluate(rs, &q, &r, &err) == 0 && strcmp(r.eccn, "3A090.a") == 0);
    eccn_result_free(&r);
    eccn_date_parse("2023-11-17", 10, &q.date);
    CHECK(eccn_evaluate(rs, &q, &r, &err) == 0 && strcmp(r.eccn, "3A090.a") == 0);
    eccn_result_free(&r);
    CHECK(eccn_ruleset_epoch(rs, q.date) != eccn_ruleset_epoch(rs, q.date - 1));
    CHECK(eccn_ruleset_epoch(rs, q.date + 1) == eccn_ruleset_epoch(rs, q.date + 2));
    eccn_ruleset_free(rs);
}

static int csv_all(const char *content, size_t n, char delim, char out[][64], int max,
                   long long *lines)
{
    char path[] = "/tmp/eccn-csv-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0 || write(fd, content, n) != (ssize_t)n)
        return -1;
    close(fd);
    eccn_csv *c = NULL;
    eccn_error err = {0};
    eccn_csv_record rec;
    int k = 0, got;
    if (eccn_csv_open(path, delim, &c, &err) != 0)
        return -1;
    while ((got = eccn_csv_next(c, &rec, &err)) == 1) {
        size_t l = 0;
        char *o = out[k < max ? k : max - 1];
        o[0] = '\0';
        for (size_t i = 0; i < rec.nfields; i++)
            l += (size_t)snprintf(o + l, 64 > l ? 64 - l : 0, "%s%.20s", i ? "|" : "",
                                  rec.fields[i]);
        if (rec.malformed)
            snprintf(o, 64, "MALFORMED");
        lines[k < max ? k : max - 1] = rec.line;
        k++;
    }
    eccn_csv_close(c);
    unlink(path);
    return got < 0 ? -1 : k;
}

static void test_csv(void)
{
    char out[8][64];
    long long lines[8];
    const char a[] = "\xEF\xBB\xBFpn,desc\r\n"
                     "A,\"x, y\"\r\n"
                     "\r\n"
                     "B,\"two\nlines \"\"quoted\"\"\"\n"
                     "C,tail";
    CHECK(csv_all(a, sizeof a - 1, 0, out, 8, lines) == 4);
    CHECK(strcmp(out[0], "pn|desc") == 0);
    CHECK(strcmp(out[1], "A|x, y") == 0 && lines[1] == 2);
    CHECK(strcmp(out[2], "B|two\nlines \"quoted\"") == 0 && lines[2] == 4);
    CHECK(strcmp(out[3], "C|tail") == 0 && lines[3] == 6);
    const char b[] = "a;b;c\n1;2\n";
    CHECK(csv_all(b, sizeof b - 1, 0, out, 8, lines) == 2 && strcmp(out[1], "1|2") == 0);
    const char t[] = "a\tb\n1\t2\n";
    CHECK(csv_all(t, sizeof t - 1, 0, out, 8, lines) == 2 && strcmp(out[1], "1|2") == 0);
    const char bad[] = "a,b\n\"open,2\n";
    CHECK(csv_all(bad, sizeof bad - 1, 0, out, 8, lines) == 2 && strcmp(out[1], "MALFORMED") == 0);
    /* A 1 MB field streams through. */
    size_t big = (1u << 20) + 10;
    char *s = malloc(big + 32);
    memcpy(s, "a,b\n\"", 5);
    memset(s + 5, 'x', 1u << 20);
    memcpy(s + 5 + (1u << 20), "\",z\n", 4);
    CHECK(csv_all(s, 9 + (1u << 20), 0, out, 8, lines) == 2);
    free(s);
    /* Records on both sides of the 1 MiB read buffer's end, plain ones (read in place) and
     * quoted ones (copied) mixed, keep their fields, lines and offsets. */
    enum { NREC = 120000 };
    size_t cap = (size_t)NREC * 24 + 16, len = 0;
    char *m = malloc(cap), path[] = "/tmp/eccn-csvb-XXXXXX";
    long long *offs = malloc(NREC * sizeof *offs);
    len += (size_t)sprintf(m, "id,v\r\n");
    for (int i = 0; i < NREC; i++) {
        offs[i] = (long long)len;
        len += (size_t)sprintf(m + len, i % 97 ? "%d,v%d\r\n" : "\"%d\",\"v\n%d\"\r\n", i, i);
    }
    int fd = mkstemp(path), seen = 0;
    CHECK(fd >= 0 && write(fd, m, len) == (ssize_t)len);
    close(fd);
    eccn_csv *c = NULL;
    eccn_error err = {0};
    eccn_csv_record rec;
    CHECK(eccn_csv_open(path, 0, &c, &err) == 0 && eccn_csv_next(c, &rec, &err) == 1);
    long long line = 2;
    for (int i = 0; c && eccn_csv_next(c, &rec, &err) == 1; i++, seen++) {
        char v[32];
        snprintf(v, sizeof v, i % 97 ? "v%d" : "v\n%d", i);
        if (i >= NREC || rec.nfields != 2 || atoi(rec.fields[0]) != i ||
            strcmp(rec.fields[1], v) != 0 || rec.lens[1] != strlen(v) || rec.line != line ||
            rec.offset != offs[i] || rec.malformed) {
            CHECK(!"record read as written");
            break;
        }
        line += i % 97 ? 1 : 2;
    }
    CHECK(seen == NREC && c && eccn_csv_bytes_read(c) == (long long)len);
    eccn_csv_close(c);
    unlink(path);
    free(offs);
    free(m);
    /* What the writer quotes, the reader reads back unchanged. */
    char *w = NULL;
    size_t wn = 0;
    FILE *mf = open_memstream(&w, &wn);
    const char *cells[] = {"plain", "a,b", "say \"hi\"", "two\nlines", "", "\"", "cr\r"};
    size_t ncells = sizeof cells / sizeof *cells;
    for (size_t i = 0; i < ncells; i++)
        eccn_csv_write_cell(mf, cells[i], strlen(cells[i]), i + 1 == ncells);
    fclose(mf);
    CHECK(strncmp(w, "plain,\"a,b\",\"say \"\"hi\"\"\",", 24) == 0);
    CHECK(csv_all(w, wn, 0, out, 8, lines) == 1);
    CHECK(strcmp(out[0], "plain|a,b|say \"hi\"|two\nlines||\"|cr\r") == 0);
    free(w);
}

static void test_errors(void)
{
    eccn_error err = {0};
    char line[2048];
    eccn_error_format(&err, line, sizeof line);
    CHECK(strcmp(line, "out of memory") == 0);
    CHECK(eccn_fail(&err, ECCN_EINPUT, "inv.csv", 7, 3, "bad %s", "date") == ECCN_EINPUT);
    eccn_error_format(&err, line, sizeof line);
    CHECK(strcmp(line, "inv.csv:7:3: bad date") == 0);
}

static const test_case TESTS[] = {
    {"errors", test_errors},
    {"dates", test_dates},
    {"spec", test_spec},
    {"yaml_errors", test_yaml_errors},
    {"rule_errors", test_rule_errors},
    {"duplicate_country", test_duplicate_country},
    {"json_numbers", test_json_numbers},
    {"json_escape", test_json_escape},
    {"resolution", test_resolution},
    {"three_valued", test_three_valued},
    {"csv", test_csv},
};

int main(int argc, char **argv)
{
    return run_tests(TESTS, sizeof TESTS / sizeof *TESTS, argc, argv);
}
