/* fuzz_spec.c: libFuzzer target for the --spec parser and the metrics derived from it. */
#include "spec.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    char *text = malloc(size + 1);
    eccn_spec s;
    eccn_error err = {0};
    eccn_buf out = {0};
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    if (eccn_spec_parse(text, &s, &err) == ECCN_OK) {
        eccn_metrics_derive(&s);
        eccn_spec_format(&s, &out);
    }
    eccn_buf_free(&out);
    free(text);
    return 0;
}
