/* fuzz_xlsx.c: libFuzzer target for the .xlsx reader: the bytes as a workbook file, its first
 * sheet and a named one read to the end, every field terminated. Start from corpus/xlsx (the
 * fixture workbook): libFuzzer's mutations then reach the XML inside stored (uncompressed)
 * entries, and the archive's own structure. */
#include "xlsx.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static void read_all(const char *path, const char *sheet)
{
    eccn_xlsx *x = NULL;
    eccn_error err = {0};
    eccn_csv_record rec;
    if (eccn_xlsx_open(path, sheet, &x, &err) != ECCN_OK)
        return;
    while (eccn_xlsx_next(x, &rec) > 0)
        for (size_t i = 0; i < rec.nfields; i++)
            (void)rec.fields[i][rec.lens[i]];
    eccn_xlsx_close(x);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    char path[] = "/tmp/eccn-fuzz-xlsx-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0)
        return 0;
    FILE *w = fdopen(fd, "wb");
    if (w && fwrite(data, 1, size, w) == size && fclose(w) == 0) {
        read_all(path, NULL);
        read_all(path, "Notes");
    } else if (w) {
        fclose(w);
    }
    unlink(path);
    return 0;
}
