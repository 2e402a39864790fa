/* fuzz_csv.c: libFuzzer target for the CSV reader: every record of the bytes, with the delimiter
 * sniffed, and the line scan an audit does (columns by header, resolution, checks). */
#include "audit.h"
#include "csvr.h"

#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static int count(const eccn_audit_item *it, void *ctx)
{
    (void)it;
    ++*(long long *)ctx;
    return 0;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    static eccn_ruleset *rs;
    eccn_error err = {0};
    if (!rs && eccn_ruleset_open(FUZZ_RULES_DIR, FUZZ_DATA_DIR, NULL, 0, &rs, &err) != ECCN_OK)
        return 0;
    FILE *f = fmemopen((void *)data, size ? size : 1, "rb");
    eccn_csv *csv = NULL;
    if (f && size && eccn_csv_open_stream(f, "fuzz.csv", 0, &csv) == ECCN_OK) {
        eccn_csv_record rec;
        while (eccn_csv_next(csv, &rec, &err) > 0)
            for (size_t i = 0; i < rec.nfields; i++)
                (void)rec.fields[i][rec.lens[i]]; /* every field is terminated */
    }
    eccn_csv_close(csv);
    if (f)
        fclose(f);
    /* The audit's own reading of the lines, from a file (it names files). */
    char path[] = "/tmp/eccn-fuzz-csv-XXXXXX";
    int fd = mkstemp(path);
    if (fd >= 0) {
        FILE *w = fdopen(fd, "wb");
        if (w) {
            fwrite(data, 1, size, w);
            fclose(w);
            long long n = 0;
            eccn_audit_opts o = {.path = path, .default_to = "CN", .default_date = "2024-06-01"};
            eccn_audit_scan(rs, &o, count, &n, &err);
        }
        remove(path);
    }
    return 0;
}
